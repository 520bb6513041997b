"""Read queries behind the reports: validity, counts, changes and the documents of a bag.

Each function reads the catalog through an :class:`~gazette.archive.views.ArchiveView` and
returns typed rows; a row of a document the view may not see is never returned, so the
callers (``gazette.validity``, ``gazette.reports``, ``gazette.changes``, the exports) need no
disclosure check of their own for what they receive here.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, NamedTuple

from gazette.archive import tables

if TYPE_CHECKING:
    from gazette.archive.views import ArchiveView


class StatusSpan(NamedTuple):
    """A document's status on a day, from the derived ``status_intervals`` table."""

    doc_id: str
    status: str


def statuses_on(view: ArchiveView, day: _dt.date, *, top_level_only: bool) -> list[StatusSpan]:
    """The status of every document the view sees on ``day`` (one row per document)."""
    iso = day.isoformat()
    rows = tables.fetch_all(
        view.conn,
        "SELECT s.doc_id, s.status, d.parent_id FROM status_intervals s"
        " JOIN documents d ON d.id = s.doc_id"
        " WHERE s.start <= ? AND (s.end IS NULL OR s.end > ?)",
        (iso, iso),
    )
    return [
        StatusSpan(row["doc_id"], row["status"])
        for row in rows
        if not (top_level_only and row["parent_id"] is not None) and view._visible_id(row["doc_id"])
    ]


def stated_validity_ends(
    view: ArchiveView, first: _dt.date, last: _dt.date, *, top_level_only: bool
) -> list[str]:
    """Documents the view sees whose last stated ``valid_until`` falls in ``first..last``."""
    rows = tables.fetch_all(
        view.conn,
        "SELECT e.doc_id, MAX(e.date) AS until, d.parent_id FROM events e"
        " JOIN documents d ON d.id = e.doc_id WHERE e.kind = 'valid_until'"
        " GROUP BY e.doc_id HAVING MAX(e.date) BETWEEN ? AND ?",
        (first.isoformat(), last.isoformat()),
    )
    return [
        row["doc_id"]
        for row in rows
        if not (top_level_only and row["parent_id"] is not None) and view._visible_id(row["doc_id"])
    ]
