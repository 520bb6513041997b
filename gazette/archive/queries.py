"""Read queries behind the reports: validity, counts, changes and the documents of a bag.

Each function reads the catalog through an :class:`~gazette.archive.views.ArchiveView` and
returns typed rows; a row of a document the view may not see is never returned, so the
callers (``gazette.validity``, ``gazette.reports``, ``gazette.changes``, the exports) need no
disclosure check of their own for what they receive here.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Collection
from typing import TYPE_CHECKING, NamedTuple

from gazette.archive import codec, reads
from gazette.model import (
    Disclosure,
    DisclosureAttribute,
    GazetteIssue,
    InterpretationLink,
    IssueNumber,
    Publication,
)

if TYPE_CHECKING:
    from gazette.archive.archive import Archive
    from gazette.archive.views import ArchiveView, DocumentSummary


class StatusSpan(NamedTuple):
    """A document's status on a day, from the derived ``status_intervals`` table."""

    doc_id: str
    status: str


def statuses_on(view: ArchiveView, day: _dt.date, *, top_level_only: bool) -> list[StatusSpan]:
    """The status of every document the view sees on ``day`` (one row per document)."""
    iso = day.isoformat()
    rows = reads.fetch_all(
        view.conn,
        "SELECT s.doc_id, s.status, d.parent_id FROM status_intervals s"
        " JOIN documents d ON d.id = s.doc_id"
        ' WHERE s.start <= ? AND (s."end" IS NULL OR s."end" > ?)',
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
    rows = reads.fetch_all(
        view.conn,
        "SELECT e.doc_id, MAX(e.date) AS until, d.parent_id FROM events e"
        " JOIN documents d ON d.id = e.doc_id WHERE e.kind = 'valid_until'"
        " GROUP BY e.doc_id, d.parent_id HAVING MAX(e.date) BETWEEN ? AND ?",
        (first.isoformat(), last.isoformat()),
    )
    return [
        row["doc_id"]
        for row in rows
        if not (top_level_only and row["parent_id"] is not None) and view._visible_id(row["doc_id"])
    ]


# --- what the reports read ------------------------------------------------------------------


class ListedDocument(NamedTuple):
    """A document's listing line as the view shows it, with its parent and publication day."""

    summary: DocumentSummary
    parent_id: str | None
    published: _dt.date | None


class DisclosureState(NamedTuple):
    """A document's current reason for its attribute and the review date set with it."""

    reason: str | None
    review_due: _dt.date | None


class DisclosureDecision(NamedTuple):
    """One entry of the disclosure history: when decided, when recorded, how learned."""

    doc_id: str
    decided_on: _dt.date | None
    changed_at: _dt.datetime | None
    prov_kind: str | None


class DisclosureRequest(NamedTuple):
    """One request for an on-request document."""

    doc_id: str
    requested_on: _dt.date


def _shown(view: ArchiveView, shown: Collection[str] | None) -> Collection[str]:
    return view.visible_ids() if shown is None else shown


def publications_by_document(
    view: ArchiveView, shown: Collection[str] | None = None
) -> dict[str, list[Publication]]:
    """The publications of every document the view shows, in the order they were recorded.

    ``shown`` is the view's visible ids when the caller already has them.
    """
    shown = _shown(view, shown)
    pubs: dict[str, list[Publication]] = {}
    for r in reads.fetch_all(view.conn, "SELECT * FROM publications ORDER BY id"):
        if r["doc_id"] not in shown:
            continue
        issue = None
        if r["year"] is not None and r["first"] is not None:
            issue = IssueNumber(r["year"], r["first"], r["last"] or r["first"], r["unit"] or "期")
        pubs.setdefault(r["doc_id"], []).append(
            Publication(
                channel=r["channel"],
                name=r["name"],
                issue=issue,
                total=r["total"],
                date=codec.to_date(r["date"]),
                url=r["url"],
                issue_id=r["issue_id"],
            )
        )
    return pubs


def disclosure_attributes(
    view: ArchiveView, shown: Collection[str] | None = None
) -> dict[str, str]:
    """The recorded disclosure attribute of every document the view shows that has one."""
    shown = _shown(view, shown)
    return {
        r["doc_id"]: r["attribute"]
        for r in reads.fetch_all(view.conn, "SELECT doc_id, attribute FROM disclosure")
        if r["doc_id"] in shown
    }


def listed_documents(
    view: ArchiveView, shown: Collection[str] | None = None
) -> list[ListedDocument]:
    """Every document the view shows, in ingest order, as the view shows its listing line."""
    shown = _shown(view, shown)
    return [
        ListedDocument(view.summary(r), r["parent_id"], codec.to_date(r["published_date"]))
        for r in reads.fetch_all(
            view.conn,
            "SELECT id, title, doc_number, doc_type, issuers, parent_id, written_date,"
            " published_date FROM documents ORDER BY created_at, id, part_index",
        )
        if r["id"] in shown
    ]


def live_interpretation_links(
    view: ArchiveView, shown: Collection[str] | None = None
) -> list[InterpretationLink]:
    """Live interpretation links whose two documents the view shows, as stored (unredacted)."""
    shown = _shown(view, shown)
    rows = reads.fetch_all(
        view.conn,
        "SELECT * FROM interpretations WHERE removed = 0 ORDER BY created_at, policy_id",
    )
    return [
        InterpretationLink(
            policy_id=r["policy_id"],
            interpretation_id=r["interpretation_id"],
            form=r["form"],
            method=r["method"],
            evidence=r["evidence"],
        )
        for r in rows
        if r["policy_id"] in shown and r["interpretation_id"] in shown
    ]


def disclosure_states(
    view: ArchiveView, shown: Collection[str] | None = None
) -> dict[str, DisclosureState]:
    """The reason and review date of every document the view shows that has an attribute."""
    shown = _shown(view, shown)
    return {
        r["doc_id"]: DisclosureState(r["reason"], codec.to_date(r["review_due"]))
        for r in reads.fetch_all(view.conn, "SELECT doc_id, reason, review_due FROM disclosure")
        if r["doc_id"] in shown
    }


def disclosure_decisions(
    view: ArchiveView, shown: Collection[str] | None = None
) -> list[DisclosureDecision]:
    """The disclosure history of the documents the view shows, oldest first."""
    shown = _shown(view, shown)
    return [
        DisclosureDecision(
            r["doc_id"],
            codec.to_date(r["decided_on"]),
            codec.to_datetime(r["changed_at"]),
            r["prov_kind"],
        )
        for r in reads.fetch_all(
            view.conn,
            "SELECT doc_id, decided_on, changed_at, prov_kind FROM disclosure_history ORDER BY id",
        )
        if r["doc_id"] in shown
    ]


def disclosure_requests(
    view: ArchiveView, shown: Collection[str] | None = None
) -> list[DisclosureRequest]:
    """Every recorded request for a document the view shows."""
    shown = _shown(view, shown)
    return [
        DisclosureRequest(r["doc_id"], _dt.date.fromisoformat(r["requested_on"]))
        for r in reads.fetch_all(view.conn, "SELECT doc_id, requested_on FROM disclosure_requests")
        if r["doc_id"] in shown
    ]


# --- what the exports read ------------------------------------------------------------------


def attributes_of_original(archive: Archive, sha256: str) -> dict[str, DisclosureAttribute]:
    """The disclosure attribute of every document read from the original ``sha256`` and of
    their attachments (which come from the same file), whatever the view."""
    rows = reads.fetch_all(
        archive.conn,
        "SELECT d.id, d.parent_id FROM document_sources s JOIN documents d ON d.id = s.doc_id"
        " WHERE s.sha256 = ?",
        (sha256,),
    )
    ids = {r["id"] for r in rows}
    for r in rows:
        ids.update(
            p["id"]
            for p in reads.fetch_all(
                archive.conn, "SELECT id FROM documents WHERE parent_id = ?", (r["id"],)
            )
        )
    return {doc_id: reads.load_disclosure(archive.conn, doc_id).attribute for doc_id in sorted(ids)}


# --- what the issue pages read --------------------------------------------------------------


def stored_issue(view: ArchiveView, issue_id: int) -> GazetteIssue | None:
    """The issue ``issue_id`` with every item as stored (the caller filters what the view may
    show), or ``None``."""
    row = reads.fetch_one(view.conn, "SELECT * FROM issues WHERE id = ?", (issue_id,))
    return None if row is None else reads.issue_from_row(view.conn, row)


def stored_disclosure(view: ArchiveView, doc_id: str) -> Disclosure | None:
    """The recorded disclosure of a document the view shows (``None`` when it does not)."""
    if not view.visible(doc_id):
        return None
    return reads.load_disclosure(view.conn, doc_id)
