"""A document's status on a date: the status values (时效性), the fact a status rests on, and
how a rendering marks it.

The status itself is computed by :func:`gazette.lifecycle.status_on`; this module holds what
it returns and how the status is cited and marked (``已废止（依据：…）``).
"""

from __future__ import annotations

import datetime as _dt
import enum

import attrs

from gazette import wording
from gazette.model import (
    EventKind,
    LifecycleEvent,
    ProvenanceKind,
    TextVersion,
)
from gazette.phrases import provenance, say
from gazette.redaction import HIDDEN_REFERENCE


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
        """The usual Chinese label (:data:`gazette.wording.STATUS`)."""
        return wording.STATUS[self.value]

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


@attrs.frozen
class Basis:
    """The fact a status rests on.

    Attributes:
        event: the event kind (``repealed``, ``valid_until``, …), ``None`` when there is none.
        date: the event's date.
        by: id of the acting document in the archive, when resolved.
        by_title: the acting document as written (its title, else its number, else the
            reference text).
        by_number: the acting document's number, when known.
        source: where the fact was learned (``parsed from <id>: <sentence>``, ``imported from …``),
            as ``--json`` has it; :func:`gazette.phrases.provenance` of ``origin`` words it for
            people.
        note: an explanation when the status needs one (``no effective date recorded``), as
            ``--json`` has it; :func:`gazette.phrases.say` words it for people.
        articles: the articles a partial change affects.
        inferred: the date is an inference (a publication date the text does not give, taken
            from the adoption or approval date); every rendering says so.
        origin: the event the status rests on, when there is one.
    """

    event: EventKind | None = None
    date: _dt.date | None = None
    by: str | None = None
    by_title: str | None = None
    by_number: str | None = None
    source: str | None = None
    note: str | None = None
    articles: tuple[str, ...] = ()
    inferred: bool = False
    origin: LifecycleEvent | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def note_cn(self) -> str | None:
        """The note as people read it (Chinese)."""
        return say(self.note)

    @property
    def source_cn(self) -> str | None:
        """Where the fact was learned, as people read it (Chinese)."""
        return provenance(self.origin) if self.origin is not None else say(self.source)

    @classmethod
    def from_event(cls, event: LifecycleEvent, note: str | None = None) -> Basis:
        acting = event.acting
        by_title = by_number = None
        if acting is not None:
            by_number = str(acting.number) if acting.number else None
            by_title = acting.title or by_number or acting.text
        return cls(
            event=event.kind,
            date=event.date,
            by=acting.resolved_id if acting else None,
            by_title=by_title,
            by_number=by_number,
            source=describe_provenance(event),
            note=note if note is not None else event.note,
            articles=event.articles,
            inferred=event.provenance.kind == ProvenanceKind.INFERRED,
            origin=event,
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
        version_note: why no version is given, when the document has texts but none applies
            (``the text in force on 2010-01-01 is not held …``).
    """

    value: StatusValue
    as_of: _dt.date
    since: _dt.date | None = None
    basis: Basis = attrs.field(factory=Basis)
    version: TextVersion | None = attrs.field(default=None, eq=False)
    version_note: str | None = None

    @property
    def label(self) -> str:
        return self.value.label

    @property
    def version_note_cn(self) -> str | None:
        """``version_note`` as people read it (Chinese)."""
        return say(self.version_note)

    def mark(self) -> str:
        """The status mark for renderings of the original text.

        ``已废止（依据：《X》（国发〔2024〕1号），自2024年11月1日起）``,
        ``已失效（有效期至2026年3月31日，自2026年4月1日起）``,
        ``部分失效（第三条、第五条；依据：《X》，自2024年1月1日起）``. Unknown parts are left
        out, never guessed.
        """
        basis = self.basis
        parts: list[str] = []
        if basis.event == EventKind.VALID_UNTIL and basis.date is not None:
            parts.append(f"有效期至{wording.date(basis.date)}")
        elif basis.by_title or basis.by_number:
            parts.append(f"依据：{cite(basis.by_title, basis.by_number)}")
        elif basis.note and not self.since:
            parts.append(say(basis.note) or "")
        if self.since:
            parts.append(f"自{wording.date(self.since)}起")
        if basis.inferred and basis.note:
            parts.append(say(basis.note) or "")
        text = "，".join(parts)
        if basis.articles and self.value == StatusValue.PARTIALLY_INVALID:
            text = "、".join(basis.articles) + (f"；{text}" if text else "")
        return f"{self.label}（{text}）" if text else self.label


def cite(title: str | None, number: str | None) -> str:
    """How a mark cites a document: ``《title》（number）``, ``《title》`` or ``number``."""
    if title and number and title == number:
        title = None
    out = ""
    if title:
        # A document the public view may not name is cited as undisclosed, not as a title.
        plain = title.startswith("《") or title == HIDDEN_REFERENCE
        out = title if plain else f"《{title}》"
    if number:
        out += f"（{number}）" if out else number
    return out


def describe_provenance(event: LifecycleEvent) -> str | None:
    """One line saying where an event was learned."""
    prov = event.provenance
    if prov.kind == ProvenanceKind.PARSED:
        where = f"parsed from {prov.source}" if prov.source else "parsed from the text"
        return f"{where}: {prov.excerpt}" if prov.excerpt else where
    if prov.kind == ProvenanceKind.IMPORTED:
        where = f"imported from {prov.source}" if prov.source else "imported"
        who = f" by {prov.by}" if prov.by else ""
        return f"{where}{who}: {prov.excerpt}" if prov.excerpt else where + who
    if prov.kind == ProvenanceKind.MANUAL:
        who = prov.by or "unknown user"
        when = f" on {prov.at.date().isoformat()}" if prov.at else ""
        return f"entered by {who}{when}"
    if prov.kind == ProvenanceKind.POLICY:
        return f"rule {prov.source}: {prov.excerpt}" if prov.source else f"rule: {prov.excerpt}"
    if prov.kind == ProvenanceKind.INFERRED:
        where = f"inferred from {prov.source}" if prov.source else "inferred from the text"
        note = f" ({event.note})" if event.note else ""
        return f"{where}{note}: {prov.excerpt}" if prov.excerpt else where + note
    return f"{prov.kind.value}: {prov.source or prov.excerpt or ''}".rstrip(": ")
