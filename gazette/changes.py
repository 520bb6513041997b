"""What changed in the archive, newest first: the data behind the Atom feeds.

A change is a document entering the archive (``added``), a document becoming public
(``published``: its disclosure attribute set to a public one by a person, or by a rule after
the document was added), or a
lifecycle event recorded on it (an amendment, a repeal, an expiry …). Changes are ordered by
when the archive *recorded* them (``documents.created_at``, ``disclosure_history.changed_at``,
``events.recorded_at``), not by the dates they take effect, so a follower sees each once, in
the order the archive learned of them.

The archive-wide list (:func:`changes`) keeps to what a follower of the archive wants: new
documents, newly public ones, and events that change a status (amended, partially invalid,
repealed, expired, declared invalid, and cleanup outcomes other than 继续有效). The events a
document's own text states, recorded when the document was added (its 题注 history, its
effective date), are part of its ``added`` change there. A document's own list
(:func:`document_changes`) has every event.

Lists are read through a view: the public one leaves out hidden documents, and events come
as the view shows them (an acting document the view hides is not named). Pages are cut by a
cursor (:attr:`Change.cursor`), so a page stays the same while newer changes arrive.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING

import attrs

from gazette import wording
from gazette.archive import change_rows
from gazette.disclosure import View
from gazette.errors import DocumentNotFound, InvalidArgument
from gazette.model import CleanupOutcome, DisclosureAttribute, Document, EventKind, LifecycleEvent
from gazette.status import cite

if TYPE_CHECKING:
    from gazette.archive.views import ArchiveView

#: Event kinds that enter the archive-wide list.
STATUS_KINDS = (
    EventKind.AMENDED,
    EventKind.PARTIALLY_INVALID,
    EventKind.REPEALED,
    EventKind.EXPIRED,
    EventKind.DECLARED_INVALID,
    EventKind.CLEANUP_OUTCOME,
)
#: Events parsed from a document's own text within this many seconds of its addition belong
#: to the addition (they are inserted in the same transaction, one timestamp per row).
ADDITION_WINDOW = 2.0

_KIND_LABELS = {**wording.CHANGE_KIND, **wording.EVENT_KIND}
_PUBLIC = tuple(a.value for a in DisclosureAttribute if a.public)
_STATUS_KIND_VALUES = tuple(k.value for k in STATUS_KINDS)
# Sources in cursor order: events, published, added (a tie on the time keeps this order).
_SOURCES = change_rows.SOURCES


def kind_label(kind: str) -> str:
    """An event kind (or ``added``, ``published``) in Chinese: ``废止``, ``施行`` …"""
    return _KIND_LABELS.get(kind, kind)


@attrs.frozen
class Change:
    """One change, as a view may show it.

    Attributes:
        kind: ``added``, ``published``, or an event kind (``amended``, ``repealed`` …).
        document: the document as the view shows it now.
        recorded: when the archive recorded the change (UTC).
        source: ``a`` (added), ``p`` (published) or ``e`` (event), with ``key`` its row.
        key: the row's key (document id, history id, event id).
        event: the event, for an event.
        actor: who recorded it, when the archive knows.
    """

    kind: str
    document: Document
    recorded: _dt.datetime
    source: str
    key: str
    event: LifecycleEvent | None = None
    actor: str | None = None

    @property
    def cursor(self) -> str:
        """Where a page that ends here continues (see :func:`changes`)."""
        return f"{self.recorded.isoformat()}|{self.source}|{self.key}"

    @property
    def entry_id(self) -> str:
        """A stable name for the change: ``event-46``, ``added``, ``published-12``."""
        return {"e": f"event-{self.key}", "p": f"published-{self.key}", "a": "added"}[self.source]

    @property
    def label(self) -> str:
        """The kind in Chinese (``废止``, ``收录`` …)."""
        if self.event is not None and self.event.outcome is not None:
            return f"{EventKind.CLEANUP_OUTCOME.label}：{self.event.outcome.label}"
        return _KIND_LABELS.get(self.kind, self.kind)

    @property
    def summary(self) -> str:
        """One sentence saying what changed."""
        doc = self.document
        title = doc.display_title
        if self.kind == "added":
            return f"档案收录《{title}》" + (f"（{doc.doc_number}）" if doc.doc_number else "")
        if self.kind == "published":
            return f"《{title}》公开属性定为{doc.disclosure.attribute.label}"
        event = self.event
        assert event is not None
        parts = [f"《{title}》{self.label}"]
        if event.articles:
            parts.append("、".join(event.articles))
        acting = event.acting
        if acting is not None and (acting.title or acting.number or acting.text):
            number = str(acting.number) if acting.number else None
            parts.append(
                f"依据{cite(acting.title, number) if acting.title or number else acting.text}"
            )
        parts.append(f"自{wording.date(event.date)}起" if event.date else "日期不详")
        return "，".join(parts)


@attrs.frozen
class ChangePage:
    """A page of changes, newest first, and the cursor of the next page (``None`` at the end)."""

    changes: tuple[Change, ...]
    next_cursor: str | None


def _parse_cursor(cursor: str | None) -> tuple[str, str, str] | None:
    if not cursor:
        return None
    parts = cursor.split("|")
    if len(parts) != 3 or parts[1] not in _SOURCES:
        raise InvalidArgument(f"“{cursor}”不是变更订阅的翻页位置")
    try:
        _dt.datetime.fromisoformat(parts[0])
    except ValueError:
        raise InvalidArgument(f"“{cursor}”不是变更订阅的翻页位置") from None
    if parts[1] in "ep" and not parts[2].isdigit():
        raise InvalidArgument(f"“{cursor}”不是变更订阅的翻页位置")
    return parts[0], parts[1], parts[2]


def _stamp(value: object) -> _dt.datetime:
    stamp = _dt.datetime.fromisoformat(str(value))
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=_dt.UTC)


def _wanted(source: str, row: change_rows.ChangeRow, own_document_only: bool) -> bool:
    """Whether a candidate row is a change of its own (not part of the document's addition)."""
    if source == "a":
        return True
    late = (_stamp(row.at) - _stamp(row.created_at)).total_seconds() > ADDITION_WINDOW
    if source == "p":  # made public: by a person, or by a rule after the addition
        if row.prev in _PUBLIC:
            return False
        return late or row.prov_kind in ("manual", "imported")
    if own_document_only:
        return True
    if row.kind == EventKind.CLEANUP_OUTCOME.value and row.outcome == CleanupOutcome.CONTINUE.value:
        return False
    own_text = row.prov_kind == "parsed" and row.prov_source == row.doc_id
    return late or not own_text


def _collect(view: ArchiveView, limit: int, cursor: str | None, doc_id: str | None) -> ChangePage:
    if not 1 <= limit <= 500:
        raise InvalidArgument("每页可含1至500条变更")
    parsed = _parse_cursor(cursor)
    docs: dict[str, Document | None] = {}

    def document(key: str) -> Document | None:
        if key not in docs:
            docs[key] = view.get(key) if view.visible(key) else None
        return docs[key]

    internal_ids: dict[str, list[int | None]] = {}
    found: list[Change] = []
    for source in _SOURCES:
        taken = 0
        for row in change_rows.candidates(
            view, source, parsed, doc_id, public=_PUBLIC, status_kinds=_STATUS_KIND_VALUES
        ):
            if not _wanted(source, row, doc_id is not None):
                continue
            doc = document(str(row.doc_id))
            if doc is None:
                continue
            event = None
            kind = {"a": "added", "p": "published"}.get(source, "")
            if source == "e":
                event = _event(view, doc, row.key, internal_ids)
                if event is None:
                    continue
                kind = event.kind.value
            found.append(
                Change(
                    kind=kind,
                    document=doc,
                    recorded=_stamp(row.at),
                    source=source,
                    key=str(row.key),
                    event=event,
                    actor=str(row.actor) if row.actor else None,
                )
            )
            taken += 1
            if taken > limit:
                break

    def order(change: Change) -> tuple[_dt.datetime, int, int | str]:
        key: int | str = int(change.key) if change.source in "ep" else change.key
        return change.recorded, -_SOURCES.index(change.source), key

    found.sort(key=order, reverse=True)
    page = tuple(found[:limit])
    more = len(found) > limit
    return ChangePage(page, page[-1].cursor if more and page else None)


def changes(view: ArchiveView, *, limit: int = 50, cursor: str | None = None) -> ChangePage:
    """The archive's changes a view may show, newest first (see the module's description).

    Args:
        view: the view the list is for.
        limit: changes per page (1 to 500).
        cursor: :attr:`ChangePage.next_cursor` of the page before; ``None`` for the newest.

    Raises:
        InvalidArgument: a cursor this function did not make, or a bad limit.
    """
    return _collect(view, limit, cursor, None)


def _event(
    view: ArchiveView, doc: Document, event_id: object, internal_ids: dict[str, list[int | None]]
) -> LifecycleEvent | None:
    """The event ``event_id`` (an archive-wide id) as ``view`` shows it in ``doc``.

    The public view numbers a document's events per document (archive-wide numbers would
    show gaps where hidden events are), one for one and in the same order, so the event is
    found by its position among the document's events.
    """
    if view.view == View.INTERNAL:
        return next((e for e in doc.events if e.id == event_id), None)
    key = str(doc.id)
    if key not in internal_ids:
        internal_ids[key] = [e.id for e in view.archive.internal.get(key).events]
    ids = internal_ids[key]
    if event_id not in ids:
        return None
    position = ids.index(event_id)
    return doc.events[position] if position < len(doc.events) else None


def document_changes(
    view: ArchiveView, ref: str, *, limit: int = 100, cursor: str | None = None
) -> ChangePage:
    """One document's changes, newest first: its addition, its becoming public, every event.

    Raises:
        DocumentNotFound: the view shows no such document.
    """
    doc_id = view.resolve(ref)
    if not view.visible(doc_id):  # pragma: no cover - resolve checks it
        raise DocumentNotFound(ref)
    return _collect(view, limit, cursor, doc_id)


__all__ = [
    "ADDITION_WINDOW",
    "STATUS_KINDS",
    "Change",
    "ChangePage",
    "changes",
    "document_changes",
    "kind_label",
]
