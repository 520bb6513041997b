"""Validity over time: a document's status on a date, computed from its events.

Status is never stored. :func:`status_on` replays a document's dated events as a small state
machine up to the date asked and reports the status, the day it began and the event it rests
on. :func:`text_on` answers the point-in-time question: which text version was in force on a
date (the latest version that had taken effect by then).

Rules (DOMAIN.md §3):

* Without an effective date the status is ``unknown``, never ``in_force``.
* A stated validity period ends the document the day after its last day, unless it was renewed
  (an explicit renewal, or a cleanup result of 继续有效) before it lapsed.
* Repeal (废止) and expiry (失效, 宣布失效) are terminal.
* An amendment supersedes the text: a version of the document is ``amended`` once a later
  version takes effect. The document as a whole stays ``in_force`` when the archive holds the
  amended text, and is ``amended`` when it only holds superseded text.
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Iterable, Sequence

import attrs

from gazette.model import (
    CleanupOutcome,
    Document,
    EventKind,
    LifecycleEvent,
    ProvenanceKind,
    TextVersion,
)


class StatusValue(enum.StrEnum):
    """Canonical validity statuses (时效性)."""

    NOT_YET_IN_FORCE = "not_yet_in_force"
    IN_FORCE = "in_force"
    AMENDED = "amended"
    PARTIALLY_INVALID = "partially_invalid"
    REPEALED = "repealed"
    EXPIRED = "expired"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        """The usual Chinese label."""
        return _LABELS[self]

    @property
    def pkulaw_code(self) -> str | None:
        """北大法宝 时效性 code (``None`` for unknown)."""
        return _PKULAW[self]

    @property
    def flk_label(self) -> str | None:
        """The national laws database (flk) label."""
        return _FLK[self]

    @property
    def marked(self) -> bool:
        """Whether renderings must carry a status mark (repealed, expired, amended, partial)."""
        return self in (
            StatusValue.REPEALED,
            StatusValue.EXPIRED,
            StatusValue.AMENDED,
            StatusValue.PARTIALLY_INVALID,
        )


_LABELS = {
    StatusValue.NOT_YET_IN_FORCE: "尚未生效",
    StatusValue.IN_FORCE: "现行有效",
    StatusValue.AMENDED: "已被修改",
    StatusValue.PARTIALLY_INVALID: "部分失效",
    StatusValue.REPEALED: "已废止",
    StatusValue.EXPIRED: "已失效",
    StatusValue.UNKNOWN: "未知",
}
_PKULAW = {
    StatusValue.IN_FORCE: "01",
    StatusValue.REPEALED: "02",
    StatusValue.EXPIRED: "02",
    StatusValue.AMENDED: "03",
    StatusValue.NOT_YET_IN_FORCE: "04",
    StatusValue.PARTIALLY_INVALID: "05",
    StatusValue.UNKNOWN: None,
}
_FLK = {
    StatusValue.IN_FORCE: "有效",
    StatusValue.PARTIALLY_INVALID: "有效",
    StatusValue.AMENDED: "已修改",
    StatusValue.REPEALED: "已废止",
    StatusValue.EXPIRED: "已废止",
    StatusValue.NOT_YET_IN_FORCE: "尚未生效",
    StatusValue.UNKNOWN: None,
}

_TERMINAL = (StatusValue.REPEALED, StatusValue.EXPIRED)


@attrs.frozen
class Basis:
    """The fact a status rests on.

    Attributes:
        event: the event kind (``repealed``, ``valid_until``, …), ``None`` when there is none.
        date: the event's date.
        by: id of the acting document in the archive, when resolved.
        by_title: the acting document as written (title or number).
        source: where the fact was learned (``parsed from <id>: <sentence>``, ``imported from …``).
        note: an explanation when the status needs one (``no effective date recorded``).
    """

    event: EventKind | None = None
    date: _dt.date | None = None
    by: str | None = None
    by_title: str | None = None
    source: str | None = None
    note: str | None = None

    @classmethod
    def from_event(cls, event: LifecycleEvent, note: str | None = None) -> Basis:
        acting = event.acting
        by_title = None
        if acting is not None:
            by_title = acting.title or (str(acting.number) if acting.number else acting.text)
        return cls(
            event=event.kind,
            date=event.date,
            by=acting.resolved_id if acting else None,
            by_title=by_title,
            source=describe_provenance(event),
            note=note,
        )


@attrs.frozen
class Status:
    """A document's status on a date.

    Attributes:
        value: the status.
        as_of: the date asked about.
        since: the day the status began, ``None`` when unknown.
        basis: the fact it rests on.
        version: the text version in force on that date, when the archive holds it.
    """

    value: StatusValue
    as_of: _dt.date
    since: _dt.date | None = None
    basis: Basis = attrs.field(factory=Basis)
    version: TextVersion | None = attrs.field(default=None, eq=False)

    @property
    def label(self) -> str:
        return self.value.label

    def mark(self) -> str:
        """A status mark for renderings: ``已废止（依据：《X》，自2024年11月1日起）``."""
        parts = []
        if self.basis.by_title:
            title = self.basis.by_title
            if not title.startswith("《") and "〔" not in title and "号" not in title[-1:]:
                title = f"《{title}》"
            parts.append(f"依据：{title}")
        elif self.basis.note:
            parts.append(self.basis.note)
        if self.since:
            parts.append(f"自{self.since.year}年{self.since.month}月{self.since.day}日起")
        return f"{self.label}（{'，'.join(parts)}）" if parts else self.label


def describe_provenance(event: LifecycleEvent) -> str | None:
    """One line saying where an event was learned."""
    prov = event.provenance
    if prov.kind == ProvenanceKind.PARSED:
        where = f"parsed from {prov.source}" if prov.source else "parsed from the text"
        return f"{where}: {prov.excerpt}" if prov.excerpt else where
    if prov.kind == ProvenanceKind.IMPORTED:
        return f"imported from {prov.source}" if prov.source else "imported"
    if prov.kind == ProvenanceKind.MANUAL:
        who = prov.by or "unknown user"
        when = f" on {prov.at.date().isoformat()}" if prov.at else ""
        return f"entered by {who}{when}"
    if prov.kind == ProvenanceKind.POLICY:
        return f"rule: {prov.excerpt or prov.source}"
    return f"{prov.kind.value}: {prov.source or prov.excerpt or ''}".rstrip(": ")


# --- transitions ---------------------------------------------------------------------------

# Order of application for events that fall on the same day: a document promulgated and
# effective the same day is in force; one repealed the day it was renewed is repealed.
_DAY_ORDER = {
    EventKind.PROMULGATED: 0,
    EventKind.EFFECTIVE: 1,
    EventKind.RENEWED: 2,
    EventKind.CORRECTED: 2,
    EventKind.AMENDED: 3,
    EventKind.PARTIALLY_INVALID: 4,
    EventKind.CLEANUP_OUTCOME: 5,
    EventKind.VALID_UNTIL: 6,
    EventKind.EXPIRED: 7,
    EventKind.DECLARED_INVALID: 7,
    EventKind.REPEALED: 8,
}


def _cleanup_kind(event: LifecycleEvent) -> EventKind:
    return {
        CleanupOutcome.CONTINUE: EventKind.RENEWED,
        CleanupOutcome.AMEND: EventKind.AMENDED,
        CleanupOutcome.REPEAL: EventKind.REPEALED,
        CleanupOutcome.DECLARE_INVALID: EventKind.DECLARED_INVALID,
        CleanupOutcome.PARTIALLY_INVALID: EventKind.PARTIALLY_INVALID,
    }[event.outcome]  # type: ignore[index]


@attrs.frozen
class _Transition:
    date: _dt.date
    order: int
    kind: EventKind  # effective kind after mapping cleanup outcomes
    event: LifecycleEvent


def _transitions(events: Iterable[LifecycleEvent]) -> list[_Transition]:
    out: list[_Transition] = []
    for event in events:
        if event.date is None:
            continue
        kind = _cleanup_kind(event) if event.kind == EventKind.CLEANUP_OUTCOME else event.kind
        date = event.date
        if kind == EventKind.VALID_UNTIL:
            date = date + _dt.timedelta(days=1)  # expired from the day after the last day
        out.append(_Transition(date, _DAY_ORDER[kind], kind, event))
    out.sort(key=lambda t: (t.date, t.order))
    return out


def _superseding_amendment(
    event: LifecycleEvent, versions: Sequence[TextVersion], version: TextVersion | None
) -> bool:
    """Whether an amendment event supersedes the text being judged.

    For a specific version: any amendment taking effect after that version did supersedes it.
    For the document as a whole: only an amendment whose amended text the archive lacks.
    """
    assert event.date is not None
    if version is not None:
        start = version.effective or version.adopted
        return start is None or event.date > start
    return not any(
        (v.effective or v.adopted) is not None and (v.effective or v.adopted) >= event.date  # type: ignore[operator]
        for v in versions
    )


def _walk(
    document: Document, on: _dt.date, version: TextVersion | None
) -> tuple[StatusValue, _dt.date | None, Basis]:
    value = StatusValue.UNKNOWN
    since: _dt.date | None = None
    basis = Basis(note="no effective date recorded")
    effective_seen = False
    lapsed = False  # expired by its own validity period (a later renewal revives it)
    transitions = _transitions(document.events)
    # Only the latest stated period counts: an extension is recorded as a later VALID_UNTIL.
    period_ends = [t for t in transitions if t.kind == EventKind.VALID_UNTIL]
    period_end = period_ends[-1] if period_ends else None
    renewals = [t for t in transitions if t.kind == EventKind.RENEWED]

    def set_state(new: StatusValue, when: _dt.date, why: Basis) -> None:
        nonlocal value, since, basis
        if new != value:
            since = when
        value, basis = new, why

    for t in transitions:
        if t.date > on:
            break
        if value in _TERMINAL and not lapsed:
            break
        kind = t.kind
        if kind == EventKind.PROMULGATED:
            if not effective_seen:
                future = _has_future_effective(document, t.date)
                set_state(
                    StatusValue.NOT_YET_IN_FORCE if future else StatusValue.UNKNOWN,
                    t.date,
                    Basis.from_event(
                        t.event, None if future else "promulgated; no effective date recorded"
                    ),
                )
        elif kind == EventKind.EFFECTIVE:
            effective_seen = True
            start = _version_start(version) if version is not None else None
            if start is not None and start > t.date and start > on:
                continue
            if value in (StatusValue.UNKNOWN, StatusValue.NOT_YET_IN_FORCE):
                set_state(StatusValue.IN_FORCE, t.date, Basis.from_event(t.event))
        elif kind == EventKind.RENEWED:
            if lapsed:
                lapsed = False
                set_state(StatusValue.IN_FORCE, t.date, Basis.from_event(t.event))
        elif kind == EventKind.AMENDED:
            if value in (StatusValue.IN_FORCE, StatusValue.PARTIALLY_INVALID) and (
                _superseding_amendment(t.event, document.texts, version)
            ):
                set_state(StatusValue.AMENDED, t.date, Basis.from_event(t.event))
        elif kind == EventKind.PARTIALLY_INVALID:
            if value == StatusValue.IN_FORCE:
                set_state(StatusValue.PARTIALLY_INVALID, t.date, Basis.from_event(t.event))
        elif kind == EventKind.VALID_UNTIL:
            if t is not period_end or not effective_seen:
                continue
            if any(r.date <= t.date for r in renewals):
                continue  # renewed before it lapsed
            lapsed = True
            set_state(
                StatusValue.EXPIRED, t.date, Basis.from_event(t.event, note="validity period ended")
            )
        elif kind in (EventKind.EXPIRED, EventKind.DECLARED_INVALID):
            lapsed = False
            set_state(StatusValue.EXPIRED, t.date, Basis.from_event(t.event))
        elif kind == EventKind.REPEALED:
            lapsed = False
            set_state(StatusValue.REPEALED, t.date, Basis.from_event(t.event))

    # A repeal or expiry known to have happened, but on an unknown date.
    if value not in _TERMINAL:
        undated = [e for e in document.events if e.date is None and _terminal_kind(e) is not None]
        if undated:
            event = undated[0]
            recorded = event.provenance.at.date() if event.provenance.at else None
            if recorded is not None and on >= recorded:
                ended = _terminal_kind(event)
                value = StatusValue.REPEALED if ended == EventKind.REPEALED else StatusValue.EXPIRED
                since = None
                basis = Basis.from_event(event, note="date of the act not recorded")
            elif value in (
                StatusValue.IN_FORCE,
                StatusValue.PARTIALLY_INVALID,
                StatusValue.AMENDED,
            ):
                value, since = StatusValue.UNKNOWN, None
                basis = Basis.from_event(event, note="ended on a date that is not recorded")
    return value, since, basis


def _terminal_kind(event: LifecycleEvent) -> EventKind | None:
    kind = _cleanup_kind(event) if event.kind == EventKind.CLEANUP_OUTCOME else event.kind
    if kind in (EventKind.REPEALED, EventKind.EXPIRED, EventKind.DECLARED_INVALID):
        return kind
    return None


def _has_future_effective(document: Document, promulgated: _dt.date) -> bool:
    return any(
        e.kind == EventKind.EFFECTIVE and e.date is not None and e.date > promulgated
        for e in document.events
    )


def _version_start(version: TextVersion) -> _dt.date | None:
    return version.effective or version.adopted


def status_on(
    document: Document, on: _dt.date | None = None, *, version: TextVersion | None = None
) -> Status:
    """The document's status on a date (today by default).

    Args:
        document: the document with its events and texts.
        on: the date asked about.
        version: judge this text version rather than the document as a whole.
    """
    on = on or _dt.date.today()
    value, since, basis = _walk(document, on, version)
    in_force_text = version if version is not None else text_on(document, on)
    if version is not None and value == StatusValue.IN_FORCE:
        start = _version_start(version)
        if start is not None and start > on:
            value, since, basis = (
                StatusValue.NOT_YET_IN_FORCE,
                None,
                Basis(note=f"this version takes effect on {start.isoformat()}"),
            )
    return Status(value=value, as_of=on, since=since, basis=basis, version=in_force_text)


def text_on(document: Document, on: _dt.date) -> TextVersion | None:
    """The text version in force on ``on``: the latest that had taken effect by then.

    Versions with no date at all count as in force from the beginning. Within one version the
    standard rendition wins. ``None`` when every held version is later than ``on``.
    """
    candidates = [
        t
        for t in document.texts
        if _version_start(t) is None or _version_start(t) <= on  # type: ignore[operator]
    ]
    if not candidates:
        return None
    latest = max(_version_start(t) or _dt.date.min for t in candidates)
    same = [t for t in candidates if (_version_start(t) or _dt.date.min) == latest]
    standard = [t for t in same if t.standard]
    return (standard or same)[0]


def status_intervals(document: Document) -> list[tuple[StatusValue, _dt.date, _dt.date | None]]:
    """The document's statuses as consecutive ``(value, start, end)`` intervals.

    ``end`` is exclusive; the last interval is open (``None``). Used to filter searches by
    status on a date without replaying events per hit.
    """
    points = sorted({t.date for t in _transitions(document.events)})
    undated = [e for e in document.events if e.date is None and _terminal_kind(e) is not None]
    for event in undated:
        if event.provenance.at is not None:
            points.append(event.provenance.at.date())
    points = sorted(set(points))
    intervals: list[tuple[StatusValue, _dt.date, _dt.date | None]] = []
    start = _dt.date.min
    current = _walk(document, _dt.date.min, None)[0]
    for point in points:
        value = _walk(document, point, None)[0]
        if value != current:
            intervals.append((current, start, point))
            start, current = point, value
    intervals.append((current, start, None))
    return intervals
