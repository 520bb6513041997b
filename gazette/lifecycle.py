"""Validity over time: a document's status on a date, computed from its events.

Status is never stored. :func:`status_on` replays a document's dated events as a small state
machine up to the date asked and reports the status, the day it began and the event it rests
on. :func:`text_on` answers the point-in-time question: which text version was in force on a
date (the latest version that had taken effect by then).

Rules (DOMAIN.md §3):

* Without an effective date the status is ``unknown``, never ``in_force``.
* Promulgated with an effective date still ahead is ``not_yet_in_force``, but only when that
  effective date is the one the promulgation announced: an effective date that follows an
  amendment belongs to the amended text, and says nothing about the years before it.
* A stated validity period (the latest ``valid_until``: an extension is a later last day) ends
  the document the day after its last day. A renewal (``renewed``, or a cleanup result of
  继续有效) dated after the lapse revives it without a known end; a renewal before the lapse only
  confirms it (an extension must state its new last day).
* Repeal (废止) and expiry (失效, 宣布失效) are terminal for the act they end. A text of the
  same title adopted after the end is a new act (a re-enactment): from its adoption the
  document is judged by the events of that day and later (:func:`life_start`).
* A date inferred from what a text states (an adoption date standing for a publication date
  the text does not give) is an ``inferred`` event: the status it gives carries
  ``basis.inferred`` and the inference's note, and every rendering shows it as one.
* An amendment supersedes the text: a version of the document is ``amended`` once a later
  version takes effect. The document as a whole stays ``in_force`` when the archive holds the
  amended text, and is ``amended`` when it only holds superseded text.
* A cleanup result of 修改 (needs amending) is recorded but changes no status by itself: the
  document stays in force until the amended text (or an ``amended`` event) takes effect.
* Configured defaults (e.g. 暂行/试行 documents valid for 2 years) are *policy* events the
  archive derives with :func:`policy_events`; they are stored like any other event, with the
  rule as their provenance.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence

import attrs

from gazette import wording
from gazette.dates import DateLike, period_end, to_date
from gazette.errors import InvalidArgument
from gazette.model import (
    CleanupOutcome,
    Document,
    EventKind,
    LifecycleEvent,
    Provenance,
    ProvenanceKind,
    TextVersion,
    best_rendition,
    current_text,
    version_start,
)
from gazette.status import Basis, Status, StatusValue
from gazette.titles import PROVISIONAL, normalised_title

_TERMINAL = (StatusValue.REPEALED, StatusValue.EXPIRED)
_LIVE = (StatusValue.IN_FORCE, StatusValue.PARTIALLY_INVALID, StatusValue.AMENDED)

# --- transitions ---------------------------------------------------------------------------

_LAPSE = "lapse"  # the day after the last day of the validity period

# Order of application for events that fall on the same day: a lapse happens at the start of
# the day (so a renewal that day revives); promulgated and effective the same day is in force;
# repealed the day it was renewed is repealed.
DAY_ORDER: dict[str, int] = {
    _LAPSE: 0,
    EventKind.PROMULGATED: 1,
    EventKind.APPROVED: 1,
    EventKind.EFFECTIVE: 2,
    EventKind.RENEWED: 3,
    EventKind.CORRECTED: 3,
    EventKind.AMENDED: 4,
    EventKind.CLEANUP_OUTCOME: 4,  # 修改: recorded, no change of status
    EventKind.PARTIALLY_INVALID: 5,
    EventKind.EXPIRED: 7,
    EventKind.DECLARED_INVALID: 7,
    EventKind.REPEALED: 8,
}

_CLEANUP_KIND = {
    CleanupOutcome.CONTINUE: EventKind.RENEWED,
    CleanupOutcome.AMEND: EventKind.CLEANUP_OUTCOME,
    CleanupOutcome.REPEAL: EventKind.REPEALED,
    CleanupOutcome.DECLARE_INVALID: EventKind.DECLARED_INVALID,
    CleanupOutcome.PARTIALLY_INVALID: EventKind.PARTIALLY_INVALID,
}


def effective_kind(event: LifecycleEvent) -> EventKind:
    """The kind an event acts as: a cleanup outcome acts as renewal, repeal, … (修改 as itself)."""
    if event.kind == EventKind.CLEANUP_OUTCOME and event.outcome is not None:
        return _CLEANUP_KIND[event.outcome]
    return event.kind


@attrs.frozen
class _Transition:
    date: _dt.date
    order: int
    kind: str  # an EventKind after mapping cleanup outcomes, or _LAPSE
    event: LifecycleEvent


def _transitions(events: Iterable[LifecycleEvent]) -> list[_Transition]:
    out: list[_Transition] = []
    for event in events:
        if event.date is None:
            continue
        kind: str = effective_kind(event)
        date = event.date
        if kind == EventKind.VALID_UNTIL:
            if date == _dt.date.max:
                continue
            kind, date = _LAPSE, date + _dt.timedelta(days=1)
        out.append(_Transition(date, DAY_ORDER[kind], kind, event))
    out.sort(key=lambda t: (t.date, t.order))
    return out


def _held_from(versions: Sequence[TextVersion], date: _dt.date) -> bool:
    """Whether the archive holds a text adopted, or taking effect, on or after ``date``."""
    return any(
        (v.adopted is not None and v.adopted >= date)
        or ((start := version_start(v)) is not None and start >= date)
        for v in versions
    )


def life_start(document: Document) -> _dt.date | None:
    """Where the document's current life begins, when it has had more than one.

    A repeal or expiry ends the act of that title then in force. A text of the same title
    adopted after it is a new act (a re-enactment), not a text the repeal touched: from its
    adoption the document is judged by the events of that date and later. ``None`` when no
    held text was adopted after an end.
    """
    ends = sorted(
        e.date for e in document.events if e.date is not None and _terminal_kind(e) is not None
    )
    if not ends:
        return None
    adopted = sorted({t.adopted for t in document.texts if t.adopted is not None})
    begins = None
    for end in ends:
        later = [a for a in adopted if a > end]
        if later and (begins is None or later[0] > begins):
            begins = later[0]
    return begins


def validity_end(document: Document) -> LifecycleEvent | None:
    """The event stating the last day of the validity period in force (the latest one)."""
    bounds = [e for e in document.events if e.kind == EventKind.VALID_UNTIL and e.date is not None]
    return max(bounds, key=lambda e: e.date) if bounds else None  # type: ignore[arg-type,return-value]


def _announced_effective(
    transitions: Sequence[_Transition], promulgated: _dt.date
) -> _Transition | None:
    """The effective date a promulgation announced: the next one, with no amendment between."""
    for t in transitions:
        if t.date <= promulgated:
            continue
        if t.kind == EventKind.AMENDED:
            return None
        if t.kind == EventKind.EFFECTIVE:
            return t
    return None


def _walk(document: Document, on: _dt.date) -> tuple[StatusValue, _dt.date | None, Basis]:
    """Replay the document's events up to ``on``: ``(status, since, basis)``."""
    value = StatusValue.UNKNOWN
    since: _dt.date | None = None
    basis = Basis(note="no effective date recorded")
    effective_seen = False
    lapsed = False  # expired by its own validity period (a later renewal revives it)
    events: Sequence[LifecycleEvent] = document.events
    begins = life_start(document)
    if begins is not None and on >= begins:
        events = [e for e in events if e.date is None or e.date >= begins]
    transitions = _transitions(events)
    bound = validity_end(document)

    def set_state(new: StatusValue, when: _dt.date | None, why: Basis) -> None:
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
        if kind in (EventKind.PROMULGATED, EventKind.APPROVED):
            if effective_seen or value not in (StatusValue.UNKNOWN, StatusValue.NOT_YET_IN_FORCE):
                continue
            announced = _announced_effective(transitions, t.date)
            if announced is not None:
                set_state(
                    StatusValue.NOT_YET_IN_FORCE,
                    t.date,
                    Basis.from_event(t.event, note=f"takes effect on {announced.date.isoformat()}"),
                )
            else:
                set_state(
                    StatusValue.UNKNOWN,
                    None,
                    Basis.from_event(t.event, note="promulgated; no effective date recorded"),
                )
        elif kind == EventKind.EFFECTIVE:
            effective_seen = True
            if value in (StatusValue.UNKNOWN, StatusValue.NOT_YET_IN_FORCE):
                set_state(StatusValue.IN_FORCE, t.date, Basis.from_event(t.event))
        elif kind == EventKind.RENEWED:
            if lapsed:
                lapsed = False
                set_state(StatusValue.IN_FORCE, t.date, Basis.from_event(t.event))
        elif kind == EventKind.AMENDED:
            if (
                value in (StatusValue.IN_FORCE, StatusValue.PARTIALLY_INVALID)
                and not _held_from(document.texts, t.date)
                and not _amended_by_own_history(document, t.event)
            ):
                set_state(StatusValue.AMENDED, t.date, Basis.from_event(t.event))
        elif kind == EventKind.PARTIALLY_INVALID:
            if value == StatusValue.IN_FORCE:
                set_state(StatusValue.PARTIALLY_INVALID, t.date, Basis.from_event(t.event))
        elif kind == _LAPSE:
            if t.event is not bound or value not in _LIVE:
                continue
            lapsed = True
            set_state(
                StatusValue.EXPIRED,
                t.date,
                Basis.from_event(t.event, note="validity period ended"),
            )
        elif kind in (EventKind.EXPIRED, EventKind.DECLARED_INVALID):
            lapsed = False
            set_state(StatusValue.EXPIRED, t.date, Basis.from_event(t.event))
        elif kind == EventKind.REPEALED:
            lapsed = False
            set_state(StatusValue.REPEALED, t.date, Basis.from_event(t.event))

    if value == StatusValue.UNKNOWN and since is None and basis.event is None:
        issued = [t for t in transitions if t.kind == EventKind.PROMULGATED]
        if issued and issued[0].date > on:
            basis = Basis(note=f"not yet issued on this date (issued {issued[0].date.isoformat()})")
    # A repeal or expiry known to have happened, but on an unknown date: it had happened by the
    # day it was recorded, so it outranks anything dated after that day.
    undated = sorted(
        (e for e in document.events if e.date is None and _terminal_kind(e) is not None),
        key=_recorded_order,
    )
    if undated:
        event = undated[0]  # the one recorded first
        recorded = event.provenance.at.date() if event.provenance.at else None
        if recorded is not None and on >= recorded:
            if value not in _TERMINAL or since is None or since > recorded:
                ended = _terminal_kind(event)
                value = StatusValue.REPEALED if ended == EventKind.REPEALED else StatusValue.EXPIRED
                since = None
                basis = Basis.from_event(event, note="date of the act not recorded")
        elif value in _LIVE:
            value, since = StatusValue.UNKNOWN, None
            basis = Basis.from_event(event, note="ended on a date that is not recorded")
    return value, since, basis


def _recorded_order(event: LifecycleEvent) -> tuple[bool, _dt.datetime, str]:
    at = event.provenance.at
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=_dt.UTC)
    return (at is None, at or _dt.datetime.min.replace(tzinfo=_dt.UTC), effective_kind(event))


def _terminal_kind(event: LifecycleEvent) -> EventKind | None:
    kind = effective_kind(event)
    if kind in (EventKind.REPEALED, EventKind.EXPIRED, EventKind.DECLARED_INVALID):
        return kind
    return None


# --- versions -------------------------------------------------------------------------------


def superseded_on(document: Document, version: TextVersion) -> tuple[_dt.date, Basis] | None:
    """When a later version (held, or known from an ``amended`` event) replaced ``version``.

    An amendment whose text the archive holds supersedes on the day that text took effect
    (公司法 amended 2023-12-29, in force 2024-07-01); one whose text is not held supersedes on
    the event's date.
    """
    start = version_start(version)
    if start is None:
        return None
    found: list[tuple[_dt.date, Basis]] = []
    for other in document.texts:
        other_start = version_start(other)
        if other_start is not None and other_start > start:
            found.append(
                (
                    other_start,
                    Basis(
                        event=EventKind.AMENDED,
                        date=other_start,
                        note=f"superseded by the version {version_label(other)}",
                    ),
                )
            )
    for event in document.events:
        if event.kind != EventKind.AMENDED or event.date is None or event.date <= start:
            continue
        held = [
            t
            for t in document.texts
            if t.adopted is not None
            and (other_start := version_start(t)) is not None
            and t.adopted <= event.date <= other_start
        ]
        if held or _amended_by_own_history(document, event):
            continue  # counted above, from the held text's own start
        found.append((event.date, Basis.from_event(event)))
    return min(found, key=lambda item: item[0]) if found else None


def _amended_by_own_history(document: Document, event: LifecycleEvent) -> bool:
    """Whether an amendment another document records is one the document's own 题注 lists
    (the amending decision names the text the archive holds, already amended)."""
    acting = event.acting
    if acting is None or acting.resolved_id is None or not acting.title:
        return False
    wanted = normalised_title(acting.title)
    return any(
        e is not event
        and e.kind == EventKind.AMENDED
        and e.acting is not None
        and e.acting.resolved_id is None
        and normalised_title(e.acting.title or "") == wanted
        for e in document.events
    )


def version_label(version: TextVersion) -> str:
    """``2023年修订``, else the start date, else ``undated`` (as ``--json`` has it)."""
    if version.label:
        return version.label
    start = version_start(version)
    return start.isoformat() if start else "undated"


def version_name(version: TextVersion) -> str:
    """How people call a version: ``2023年修订``, else its start date (``2021年4月1日``), else
    ``日期不详``."""
    if version.label:
        return version.label
    start = version_start(version)
    return wording.date(start)


def known_version_name(version: TextVersion | None) -> str | None:
    """:func:`version_name` of a version that has a label or a start date, else ``None``
    (nothing worth naming: the text as held)."""
    if version is None or not (version.label or version_start(version)):
        return None
    return version_name(version)


def _version_status(
    document: Document,
    version: TextVersion,
    on: _dt.date,
    doc_state: tuple[StatusValue, _dt.date | None, Basis],
) -> tuple[StatusValue, _dt.date | None, Basis]:
    begins = life_start(document)
    if begins is not None and on >= begins and version.adopted and version.adopted < begins:
        # A text of the act that ended before the title was enacted again: judged by that end.
        doc_state = _walk(document, begins - _dt.timedelta(days=1))
    value, since, basis = doc_state
    if value in _TERMINAL:
        return doc_state
    start = version_start(version)
    if start is None:
        return doc_state
    if on < start:
        adopted = version.adopted if version.adopted and version.adopted <= on else None
        return (
            StatusValue.NOT_YET_IN_FORCE,
            adopted,
            Basis(
                event=EventKind.EFFECTIVE if version.effective else None,
                date=start,
                note=f"this version ({version_label(version)}) takes effect on {start.isoformat()}",
            ),
        )
    superseded = superseded_on(document, version)
    if superseded is not None and superseded[0] <= on:
        return StatusValue.AMENDED, superseded[0], superseded[1]
    if value in (StatusValue.IN_FORCE, StatusValue.PARTIALLY_INVALID) and (
        since is None or start > since
    ):
        started = start_event(document, version)
        note = f"version {version_label(version)} in force"
        if started is not None and started.provenance.kind == ProvenanceKind.INFERRED:
            note += f"; {started.note}" if started.note else ""
            return value, start, attrs.evolve(Basis.from_event(started), note=note)
        return value, start, attrs.evolve(basis, note=note)
    return doc_state


def start_event(document: Document, version: TextVersion) -> LifecycleEvent | None:
    """The ``effective`` event that gives a version its start, if the document records one."""
    start = version_start(version)
    if start is None or version.effective is None:
        return None
    found = [e for e in document.events if e.kind == EventKind.EFFECTIVE and e.date == start]
    return found[0] if found else None


def event_by_id(document: Document, event_id: int) -> LifecycleEvent:
    """The event of ``document`` recorded under ``event_id``.

    Raises:
        InvalidArgument: the document has no event of that id.
    """
    found = next((e for e in document.events if e.id == event_id), None)
    if found is None:
        raise InvalidArgument(f"{document.id} 没有编号为{event_id}的事件")
    return found


def start_inferred(document: Document, version: TextVersion) -> bool:
    """Whether a version's effective date is an inference (see :class:`Basis`)."""
    event = start_event(document, version)
    return event is not None and event.provenance.kind == ProvenanceKind.INFERRED


def status_on(
    document: Document, on: DateLike | None = None, *, version: TextVersion | None = None
) -> Status:
    """The document's status on a date (today by default).

    Args:
        document: the document with its events and texts.
        on: the date asked about: a date, a datetime or a string such as ``2021-05-01``.
        version: judge this text version rather than the document as a whole: a version not
            yet in effect is ``not_yet_in_force``, one replaced by a later version is
            ``amended``.

    Raises:
        InvalidDate: ``on`` is not a date.
    """
    on = _dt.date.today() if on is None else to_date(on)
    state = _walk(document, on)
    if version is not None:
        value, since, basis = _version_status(document, version, on, state)
        return Status(value=value, as_of=on, since=since, basis=basis, version=version)
    value, since, basis = state
    in_force_text = text_on(document, on)
    note = None
    if in_force_text is None and document.texts:
        starts = [s for t in document.texts if (s := version_start(t)) is not None]
        earliest = min(starts) if starts else None
        note = f"the text in force on {on.isoformat()} is not held" + (
            f"; the earliest held version takes effect on {earliest.isoformat()}"
            if earliest
            else ""
        )
    return Status(
        value=value,
        as_of=on,
        since=since,
        basis=basis,
        version=in_force_text,
        version_note=note,
    )


def text_on(document: Document, on: DateLike) -> TextVersion | None:
    """The text version in force on ``on``: the latest that had taken effect by then.

    Versions with no date at all count as in force from the beginning. Within one version the
    standard rendition wins. ``None`` when every held version is later than ``on``.

    Raises:
        InvalidDate: ``on`` is not a date.
    """
    on = to_date(on)
    return current_text(
        t for t in document.texts if (start := version_start(t)) is None or start <= on
    )


def shown_text(document: Document, on: DateLike | None = None) -> TextVersion | None:
    """The text a reader is shown: as of a date asked about, the text in force then (``None``
    when it is not held); without a date, the text in force today, else the latest held (a
    document whose every text is still to take effect shows the coming one).

    Raises:
        InvalidDate: ``on`` is not a date.
    """
    if on is not None:
        return text_on(document, on)
    return text_on(document, _dt.date.today()) or document.text


def versions(document: Document) -> list[TextVersion]:
    """One rendition per version (the standard one when held), oldest first."""
    by_start: dict[_dt.date | None, list[TextVersion]] = {}
    for text in document.texts:
        by_start.setdefault(version_start(text), []).append(text)
    out = []
    for start in sorted(by_start, key=lambda d: d or _dt.date.min):
        same = by_start[start]
        out.append(best_rendition(same))
    return out


def status_intervals(document: Document) -> list[tuple[StatusValue, _dt.date, _dt.date | None]]:
    """The document's statuses as consecutive ``(value, start, end)`` intervals.

    ``end`` is exclusive; the last interval is open (``None``). Used to filter searches and
    count reports by status on a date without replaying events per document.
    """
    points = {t.date for t in _transitions(document.events)}
    begins = life_start(document)
    if begins is not None:
        points.add(begins)
    for event in document.events:
        if event.date is None and _terminal_kind(event) is not None and event.provenance.at:
            points.add(event.provenance.at.date())
    intervals: list[tuple[StatusValue, _dt.date, _dt.date | None]] = []
    start = _dt.date.min
    current = _walk(document, _dt.date.min)[0]
    for point in sorted(points):
        value = _walk(document, point)[0]
        if value != current:
            intervals.append((current, start, point))
            start, current = point, value
    intervals.append((current, start, None))
    return intervals


# --- configured defaults --------------------------------------------------------------------


def policy_events(document: Document, settings: Mapping[str, object]) -> tuple[LifecycleEvent, ...]:
    """Events a configured rule derives for a document (stored with ``policy`` provenance).

    ``validity.provisional_years``: a document titled 暂行/试行 that states an effective date
    but no validity period is valid for that many years from its effective date. Off (``None``
    or ``0``) unless the archive sets it.
    """
    years = settings.get("validity.provisional_years")
    if not isinstance(years, int) or years <= 0:
        return ()
    if not document.title or not PROVISIONAL.search(document.title):
        return ()
    stated = [
        e
        for e in document.events
        if e.kind == EventKind.VALID_UNTIL and e.provenance.kind != ProvenanceKind.POLICY
    ]
    effective = document.effective_date
    if stated or effective is None:
        return ()
    return (
        LifecycleEvent(
            kind=EventKind.VALID_UNTIL,
            date=period_end(effective, years),
            provenance=Provenance(
                ProvenanceKind.POLICY,
                source="validity.provisional_years",
                excerpt=f"暂行/试行 documents are valid for {years} years from their effective"
                f" date ({effective.isoformat()}) unless they state a period",
            ),
        ),
    )
