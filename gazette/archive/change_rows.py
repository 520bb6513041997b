"""The candidate rows behind the change feeds (:mod:`gazette.changes`), newest first.

Three sources, each read in batches after a cursor: ``a`` a top-level document entering the
archive, ``p`` a disclosure decision to a public attribute, ``e`` a lifecycle event. Which of
the candidates are changes of their own, and whether the view may show them, is decided by
:mod:`gazette.changes`; the rows here are what the catalog recorded.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from gazette.archive import reads

if TYPE_CHECKING:
    from gazette.archive.views import ArchiveView

#: Sources in cursor order: events, published, added (a tie on the time keeps this order).
SOURCES = ("e", "p", "a")


class ChangeRow(NamedTuple):
    """One candidate change as recorded.

    ``key`` is the document id (``a``), the history row (``p``) or the event id (``e``);
    ``at`` when it was recorded (ISO). The other fields are those of the row's source:
    ``created_at`` the document's addition (``p``, ``e``), ``prev`` the attribute before
    (``p``), ``kind``, ``outcome`` and ``prov_source`` of an event, ``prov_kind`` how it was
    learned (``p``, ``e``).
    """

    key: int | str
    doc_id: str
    at: str
    actor: str | None = None
    created_at: str | None = None
    prov_kind: str | None = None
    prev: str | None = None
    kind: str | None = None
    outcome: str | None = None
    prov_source: str | None = None


def _before(
    source: str, cursor: tuple[str, str, str] | None, at: str, key: str
) -> tuple[str, list[object]]:
    """The SQL condition for rows of ``source`` that come after ``cursor`` (older)."""
    if cursor is None:
        return "1 = 1", []
    c_at, c_src, c_key = cursor
    order = SOURCES.index
    if order(source) > order(c_src):  # on a tie, this source's rows come after the cursor's
        return f"{at} <= ?", [c_at]
    if order(source) < order(c_src):
        return f"{at} < ?", [c_at]
    key_value: object = int(c_key) if source in "ep" else c_key
    return f"({at} < ? OR ({at} = ? AND {key} < ?))", [c_at, c_at, key_value]


def candidates(
    view: ArchiveView,
    source: str,
    cursor: tuple[str, str, str] | None,
    doc_id: str | None,
    *,
    public: Sequence[str],
    status_kinds: Sequence[str],
) -> Iterator[ChangeRow]:
    """Candidate rows of one source after ``cursor``, newest first, read in batches.

    ``public`` are the public attribute values (``p`` rows are decisions to one of them);
    ``status_kinds`` the event kinds of the archive-wide list (every kind when ``doc_id``
    names one document).
    """
    conn = view.conn
    if source == "a":
        cond, params = _before(source, cursor, "created_at", "id")
        sql = (
            "SELECT id AS key, id AS doc_id, created_at AS at, NULL AS actor FROM documents"
            f" WHERE parent_id IS NULL AND {cond}"
        )
    elif source == "p":
        cond, params = _before(source, cursor, "h.changed_at", "h.id")
        marks = ",".join("?" * len(public))
        # The attribute before this change (none: the first one recorded).
        prev = (
            "(SELECT p.attribute FROM disclosure_history p WHERE p.doc_id = h.doc_id"
            " AND p.id < h.id ORDER BY p.id DESC LIMIT 1)"
        )
        sql = (
            "SELECT h.id AS key, h.doc_id, h.changed_at AS at, h.changed_by AS actor,"
            f" h.prov_kind, d.created_at, {prev} AS prev"
            " FROM disclosure_history h JOIN documents d ON d.id = h.doc_id"
            f" WHERE d.parent_id IS NULL AND h.attribute IN ({marks}) AND {cond}"
        )
        params = [*public, *params]
        if doc_id:
            sql += " AND h.doc_id = ?"
            params.append(doc_id)
            doc_id = None  # applied
    else:
        cond, params = _before(source, cursor, "e.recorded_at", "e.id")
        kinds = "" if doc_id else f" AND e.kind IN ({','.join('?' * len(status_kinds))})"
        sql = (
            "SELECT e.id AS key, e.doc_id, e.recorded_at AS at, e.prov_by AS actor,"
            " e.kind, e.outcome, e.prov_kind, e.prov_source, d.created_at"
            " FROM events e JOIN documents d ON d.id = e.doc_id"
            f" WHERE d.parent_id IS NULL{kinds} AND {cond}"
        )
        params = ([] if doc_id else list(status_kinds)) + params
    if doc_id:
        sql += f" AND {'id' if source == 'a' else 'e.doc_id'} = ?"
        params.append(doc_id)
    order = "at DESC, key DESC"
    offset, batch = 0, 100
    while True:
        rows = reads.fetch_all(
            conn, f"{sql} ORDER BY {order} LIMIT ? OFFSET ?", [*params, batch, offset]
        )
        yield from (ChangeRow(**row) for row in rows)
        if len(rows) < batch:
            return
        offset += batch
        batch = min(batch * 4, 2000)
