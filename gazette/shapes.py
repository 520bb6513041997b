"""The JSON answers of the command line's ``--json`` and of the web API, built in one place.

``gazette list|show|status|search|issues --json`` print these, and ``/api/v1/…`` returns them,
so a script gets the same data from either. Each function takes what a view returned and the
name of that view; dates are ISO ``YYYY-MM-DD`` or ``null``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from gazette.export.json_format import document_dict, event_dict, status_dict
from gazette.lifecycle import start_inferred, status_intervals, status_on, version_label
from gazette.model import Document, GazetteIssue, IssueItem, version_start
from gazette.timeline import TimelineEntry, timeline

if TYPE_CHECKING:
    from gazette.archive.views import DocumentSummary
    from gazette.search import SearchResults


def list_json(rows: Iterable[DocumentSummary], view: str) -> dict[str, Any]:
    """``gazette list --json``."""
    return {
        "view": view,
        "documents": [
            {
                "id": r.id,
                "title": r.title,
                "doc_number": r.doc_number,
                "doc_type": r.doc_type,
                "issuers": list(r.issuers),
                "written_date": r.written_date.isoformat() if r.written_date else None,
                "parent_id": r.parent_id,
            }
            for r in rows
        ],
    }


def show_json(
    doc: Document, view: str, *, on: _dt.date | None = None, with_text: bool = False
) -> dict[str, Any]:
    """``gazette show --json``: everything about a document, its status on ``on`` (today by
    default) and, with ``with_text``, its text."""
    data = document_dict(doc, on=on, with_text=with_text, status=status_on(doc, on))
    data["view"] = view
    return data


def status_json(doc: Document, view: str, *, on: _dt.date | None = None) -> dict[str, Any]:
    """``gazette status --json``: the status on a date, its basis, and the text version then."""
    result = status_on(doc, on)
    data = {"id": doc.id, "title": doc.title, **status_dict(result)}
    data["status"] = data.pop("value")
    data["view"] = view
    if result.version is not None:
        start = version_start(result.version)
        data["version"] = {
            "date": start.isoformat() if start else None,
            "label": result.version.label,
        }
    elif doc.texts:
        data["version"] = None
        data["version_note"] = result.version_note
    return data


def timeline_json(doc: Document) -> dict[str, Any]:
    """``gazette timeline --json``: events and text versions in date order, the status
    periods (``start`` ``null``: since the beginning) and the status today."""
    return {
        "id": doc.id,
        "title": doc.title,
        "doc_number": str(doc.doc_number) if doc.doc_number else None,
        "entries": [_entry_json(doc, e) for e in timeline(doc)],
        "intervals": [
            {
                "status": value.value,
                "label": value.label,
                "start": None if start == _dt.date.min else start.isoformat(),
                "end": _iso(end),
            }
            for value, start, end in status_intervals(doc)
        ],
        "status": status_dict(status_on(doc)),
    }


def _entry_json(doc: Document, entry: TimelineEntry) -> dict[str, Any]:
    if entry.event is not None:
        return {"date": _iso(entry.date), "what": entry.what, "event": event_dict(entry.event)}
    version = entry.version
    return {
        "date": _iso(entry.date),
        "what": "version",
        "version": {
            "id": version.id if version else None,
            "label": version_label(version) if version else None,
            "adopted": _iso(version.adopted) if version else None,
            "effective": _iso(version.effective) if version else None,
            "inferred": bool(version and start_inferred(doc, version)),
        },
    }


def _iso(value: _dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def unresolved_json(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The references of ``gazette report unresolved --json``, from the archive's pending
    references (:meth:`gazette.archive.Archive.unresolved`): what each would record, where it
    was read and why it waits."""
    items = []
    for row in rows:
        payload = row["payload"]
        event = payload.get("event") or {}
        provenance = event.get("provenance") or {}
        items.append(
            {
                "id": row["id"],
                "state": row["state"],
                "kind": row["kind"],
                "ref": row["ref_text"],
                "title": row["ref_title"],
                "doc_number": row["ref_number"],
                "from": row["from_doc_id"],
                "from_title": row["from_title"],
                "from_number": row["from_number"],
                "event": event.get("kind"),
                "outcome": event.get("outcome"),
                "date": event.get("date"),
                "source": provenance.get("source"),
                "candidates": row["candidates"],
                "since": row["created_at"],
                "reason": payload.get("reason"),
                "sentence": provenance.get("excerpt"),
            }
        )
    return items


def search_json(results: SearchResults, view: str) -> dict[str, Any]:
    """``gazette search --json``: total, hits with snippets, facet counts."""
    return {"view": view, **results.as_json()}


def issue_json(issue: GazetteIssue) -> dict[str, Any]:
    """One issue of ``gazette issues --json``: printed page numbers, OCR marked per issue and
    per item."""
    ocr_pages = {page for page, _ in issue.ocr.pages} if issue.ocr else set()
    return {
        "gazette": issue.gazette,
        "year": issue.number.year,
        "issue": issue.number.first,
        "numbers": list(issue.number.numbers),
        "unit": issue.number.unit,
        "label": str(issue.number),
        "total": issue.total,
        "date": issue.date.isoformat() if issue.date else None,
        "id": issue.id,
        "source": issue.source_sha256,
        "page_count": issue.page_count,
        "needs_ocr": list(issue.needs_ocr),
        "ocr": None
        if issue.ocr is None
        else {
            "engine": issue.ocr.engine,
            "confidence": issue.ocr.confidence,
            "pages": [list(p) for p in issue.ocr.pages],
        },
        "editions": [
            {
                "source": e.source,
                "kind": e.kind,
                "page_count": e.page_count,
                "needs_ocr": list(e.needs_ocr),
                "ocr": None
                if e.ocr is None
                else {"engine": e.ocr.engine, "confidence": e.ocr.confidence},
            }
            for e in issue.editions
        ],
        "items": [item_json(item, ocr_pages) for item in issue.items],
    }


def item_json(item: IssueItem, ocr_pages: set[int]) -> dict[str, Any]:
    """One item of an issue; ``ocr`` when a page it occupies was recognised by OCR."""
    pdf = item.pdf_pages
    return {
        "id": item.doc_id,
        "seq": item.seq,
        "title": item.title,
        "doc_number": str(item.doc_number) if item.doc_number else None,
        "section": item.section,
        "pages": list(item.pages) if item.pages else None,
        "pdf_pages": list(pdf) if pdf else None,
        "ocr": bool(pdf and any(pdf[0] <= p <= pdf[1] for p in ocr_pages)),
    }


def issues_json(issues: Iterable[GazetteIssue]) -> list[dict[str, Any]]:
    """``gazette issues --json``."""
    return [issue_json(issue) for issue in issues]


__all__ = [
    "issue_json",
    "issues_json",
    "item_json",
    "list_json",
    "search_json",
    "show_json",
    "status_json",
    "timeline_json",
    "unresolved_json",
]
