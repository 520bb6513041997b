"""JSON rendering of a document: every field the archive holds, status included.

This is the shape of ``gazette show --json`` and of ``gazette export --format json``. Dates are
ISO ``YYYY-MM-DD`` or ``null``; unknown is ``null``, never a guess.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any

from gazette.export.rendition import Rendition, Section, build, status_text
from gazette.lifecycle import shown_text, status_on
from gazette.model import (
    Disclosure,
    Document,
    InterpretationLink,
    LifecycleEvent,
    Provenance,
    ProvenanceKind,
    Publication,
    TextVersion,
    version_start,
)
from gazette.status import Status, describe_provenance

name = "json"
suffix = ".json"
media_type = "application/json"


def _date(value: _dt.date | _dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def provenance_dict(prov: Provenance | None) -> dict[str, Any] | None:
    if prov is None:
        return None
    return {
        "kind": prov.kind.value,
        "source": prov.source,
        "excerpt": prov.excerpt,
        "by": prov.by,
        "at": _date(prov.at),
    }


def status_dict(status: Status) -> dict[str, Any]:
    basis = status.basis
    return {
        "value": status.value.value,
        "label": status.label,
        "as_of": _date(status.as_of),
        "since": _date(status.since),
        "basis": {
            "event": basis.event.value if basis.event else None,
            "date": _date(basis.date),
            "by": basis.by,
            "by_title": basis.by_title,
            "by_number": basis.by_number,
            "source": basis.source,
            "note": basis.note,
            "articles": list(basis.articles),
            "inferred": basis.inferred,
        },
        "mark": status.mark() if status.value.marked else None,
    }


def event_dict(event: LifecycleEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "kind": event.kind.value,
        "date": _date(event.date),
        "outcome": event.outcome.value if event.outcome else None,
        "articles": list(event.articles),
        "acting": None
        if event.acting is None
        else {
            "text": event.acting.text,
            "title": event.acting.title,
            "doc_number": str(event.acting.number) if event.acting.number else None,
            "id": event.acting.resolved_id,
        },
        "note": event.note,
        "inferred": event.provenance.kind == ProvenanceKind.INFERRED,
        "source": describe_provenance(event),
        "provenance": provenance_dict(event.provenance),
    }


def disclosure_dict(disclosure: Disclosure) -> dict[str, Any]:
    return {
        "attribute": disclosure.attribute.value,
        "label": disclosure.attribute.label,
        "reason": disclosure.reason,
        "grounds": [g.value for g in disclosure.grounds],
        "basis": disclosure.basis,
        "withheld_blocks": list(disclosure.withheld_blocks),
        "provenance": provenance_dict(disclosure.provenance),
    }


def publication_dict(pub: Publication) -> dict[str, Any]:
    return {
        "channel": pub.channel,
        "name": pub.name,
        "year": pub.issue.year if pub.issue else None,
        "issue": str(pub.issue) if pub.issue else None,
        "numbers": list(pub.issue.numbers) if pub.issue else None,
        "total": pub.total,
        "pages": list(pub.pages) if pub.pages else None,
        "date": _date(pub.date),
        "url": pub.url,
        "label": pub.label,
    }


def interpretation_dict(link: InterpretationLink) -> dict[str, Any]:
    return {
        "policy_id": link.policy_id,
        "interpretation_id": link.interpretation_id,
        "form": link.form.value,
        "method": link.method,
        "evidence": link.evidence,
    }


def text_dict(text: TextVersion, *, with_blocks: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": text.id,
        "origin": text.origin.value,
        "standard": text.standard,
        "adopted": _date(text.adopted),
        "effective": _date(text.effective),
        "label": text.label,
        "source_sha256": text.source_sha256,
        "pages": list(text.pages) if text.pages else None,
        "ocr": None
        if text.ocr is None
        else {
            "engine": text.ocr.engine,
            "confidence": text.ocr.confidence,
            "pages": [list(p) for p in text.ocr.pages],
        },
        "content_hash": text.content_hash,
    }
    if with_blocks:
        out["blocks"] = [
            {"text": b.text, "kind": b.kind.value, "level": b.level, "page": b.page}
            for b in text.blocks
        ]
    return out


def document_dict(
    doc: Document,
    *,
    on: _dt.date | None = None,
    with_text: bool = False,
    status: Status | None = None,
) -> dict[str, Any]:
    """Everything about a document as plain JSON data.

    Args:
        doc: the document (as a view returned it).
        on: the date the status is computed for (today by default).
        with_text: include the current text and every version's paragraphs.
        status: a status already computed (otherwise computed here).
    """
    status = status or status_on(doc, on)
    out: dict[str, Any] = {
        "id": doc.id,
        "title": doc.title,
        "doc_number": str(doc.doc_number) if doc.doc_number else None,
        "doc_type": doc.doc_type,
        "issuers": list(doc.issuers),
        "issuer_mark": doc.issuer_mark,
        "signer": doc.signer,
        "copy_number": doc.copy_number,
        "secrecy": doc.secrecy,
        "urgency": doc.urgency,
        "recipients": list(doc.recipients),
        "cc": list(doc.cc),
        "written_date": _date(doc.written_date),
        "published_date": _date(doc.published_date),
        "effective_date": _date(doc.effective_date),
        "expiry_date": _date(doc.expiry_date),
        "printed_by": doc.printed_by,
        "printed_date": _date(doc.printed_date),
        "note": doc.note,
        "attachment_notes": list(doc.attachment_notes),
        "registration_number": doc.registration_number,
        "index_number": doc.index_number,
        "subject": doc.subject,
        "parent_id": doc.parent_id,
        "part_label": doc.part_label,
        "disclosure": disclosure_dict(doc.disclosure),
        "status": status_dict(status),
        "events": [event_dict(e) for e in doc.events],
        "interpretations": [interpretation_dict(i) for i in doc.interpretations],
        "publications": [publication_dict(p) for p in doc.publications],
        "sources": [
            {"path": s.path, "sha256": s.sha256, "format": s.format, "size": s.size}
            | ({"notes": list(s.notes)} if s.notes else {})
            for s in doc.sources
        ],
        "versions": [text_dict(t, with_blocks=with_text) for t in doc.texts],
        "parts": [
            {
                "id": p.id,
                "label": p.part_label,
                "title": p.title,
                "doc_number": str(p.doc_number) if p.doc_number else None,
            }
            for p in doc.parts
        ],
    }
    current = shown_text(doc, on)
    out["version_note"] = status.version_note
    if current is not None:
        out["version"] = {
            "id": current.id,
            "date": _date(version_start(current)),
            "label": current.label,
            "content_hash": current.content_hash,
        }
        if with_text:
            out["text"] = current.text
    else:
        out["version"] = None
    return out


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def _full(section: Section) -> dict[str, Any]:
    """A document with its text and its attachments in full (the export's shape)."""
    data = document_dict(
        section.doc, on=section.status.as_of, with_text=True, status=section.status
    )
    if section.text is not None:
        data["version"] = {
            "id": section.text.id,
            "date": _date(version_start(section.text)),
            "label": section.text.label,
            "content_hash": section.text.content_hash,
        }
        data["text"] = section.text.text
    data["status"]["mark"] = status_text(section.status)
    data["parts"] = [{"label": part.label, **_full(part)} for part in section.parts]
    return data


def export_dict(rendition: Rendition) -> dict[str, Any]:
    """The JSON export of a rendition: everything about the document, its text and its
    attachments, plus the header and the hash of the body every text format carries."""
    data = _full(rendition.main)
    data["export"] = {
        "status_date": rendition.on.isoformat(),
        "header": rendition.header_lines,
        "body_sha256": rendition.body_hash,
        "body": rendition.body,
    }
    return data


def render(doc: Document, *, on: _dt.date | None = None) -> bytes:
    """The export: the document with its text, attachments and header."""
    return (dumps(export_dict(build(doc, on=on))) + "\n").encode("utf-8")
