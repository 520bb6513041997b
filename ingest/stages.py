"""From a file to a submission: the pipeline's pure stages.

Each stage reads what the previous one wrote and is tested alone:

``read`` (format reader) → ``parse`` (element parser) → ``portal_metadata`` (metadata the
reader found outside the body) → ``lifecycle`` (events the text states) →
``references`` (the policies an interpretation explains) → ``submission``.

Gazette issues (PDF, Word, web edition) and scanned PDFs branch off to
:mod:`ingest.gazette_files`: an issue becomes one submission with a document per item, each
item going through ``lifecycle`` too.
"""

from __future__ import annotations

import re
from pathlib import Path

import attrs

from gazette import titles
from gazette.archive import Submission
from gazette.dates import try_parse_date
from gazette.docnumber import DocNumber
from gazette.errors import EmptyDocument, NeedsOCR
from gazette.model import (
    Disclosure,
    DisclosureAttribute,
    Document,
    Provenance,
    ProvenanceKind,
    Publication,
    SourceFile,
    TextOrigin,
)
from gazette.references import OutgoingRef
from ingest import clauses, elements, exported, interpretations, safety
from ingest.raw import RawDocument
from ingest.readers import read

# What a file's extension claims; the content decides (see ingest.sniff).
EXTENSIONS = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".pdf": "pdf",
    ".ofd": "ofd",
}
# A portal's metadata table must name at least two of these to count as one.
PORTAL_LABELS = ("索引号", "发文字号", "发布日期", "成文日期", "发文机关", "主题分类", "标题")


def parse(raw: RawDocument) -> Document:
    """The element parser over a read file."""
    origin = TextOrigin.PORTAL if is_portal_page(raw) else TextOrigin.FILE
    return elements.parse(raw, origin=origin)


def is_portal_page(raw: RawDocument) -> bool:
    """Whether the reader found a portal's metadata table (索引号, 发布日期 …)."""
    return sum(1 for label in PORTAL_LABELS if raw.metadata.get(label)) >= 2


def portal_metadata(document: Document, raw: RawDocument) -> Document:
    """Apply a portal page's metadata table to the parsed document.

    Reads ``raw.metadata`` (索引号, 主题分类, 发文机关, 成文日期, 标题, 发文字号, 发布日期)
    and writes ``index_number``, ``subject``, ``published_date``; the table's title, number,
    dates and issuers win over what the body says. A page with such a table was published by
    the portal: the document is proactively disclosed (主动公开) by that fact, with the basis
    recorded, and gets a ``portal`` publication dated 发布日期. Attachments inherit the
    disclosure and the publication date.
    """
    if not is_portal_page(raw):
        return document
    meta = raw.metadata
    changes: dict[str, object] = {}
    if meta.get("索引号"):
        changes["index_number"] = meta["索引号"]
    if meta.get("主题分类"):
        changes["subject"] = meta["主题分类"]
    published = try_parse_date(meta.get("发布日期"))
    if published:
        changes["published_date"] = published
    if meta.get("标题"):
        changes["title"] = meta["标题"]
        changes["doc_type"] = titles.doc_type_of(meta["标题"]) or document.doc_type
    number = DocNumber.try_parse(meta.get("发文字号"))
    if number is not None:
        changes["doc_number"] = number
    written = try_parse_date(meta.get("成文日期"))
    if written:
        changes["written_date"] = written
    if meta.get("发文机关"):
        changes["issuers"] = tuple(p for p in re.split(r"[、，,;；\s]+", meta["发文机关"]) if p)
    disclosure = _portal_disclosure(document.disclosure, meta, published)
    changes["disclosure"] = disclosure
    document = attrs.evolve(document, **changes)  # type: ignore[arg-type]
    document = document.with_publications(Publication(channel="portal", date=published))
    parts = tuple(_inherit(part, document) for part in document.parts)
    return attrs.evolve(document, parts=parts)


def _portal_disclosure(current: Disclosure, meta: dict[str, str], published: object) -> Disclosure:
    where = "，".join(
        f"{label}{meta[label]}" for label in ("索引号", "发布日期") if meta.get(label)
    )
    basis = f"公开于政府网站（{where}）" if where else "公开于政府网站"
    if current.attribute == DisclosureAttribute.PROACTIVE:
        return attrs.evolve(current, basis="；".join(filter(None, (current.basis, basis))))
    if current.attribute != DisclosureAttribute.UNKNOWN and current.basis:
        basis += f"；正文另注：{current.basis}"
    return Disclosure(
        attribute=DisclosureAttribute.PROACTIVE,
        basis=basis,
        provenance=Provenance(ProvenanceKind.METADATA, excerpt=meta.get("索引号")),
    )


def _inherit(part: Document, carrier: Document) -> Document:
    changes: dict[str, object] = {}
    inherited = part.disclosure.provenance is not None and (
        part.disclosure.provenance.kind == ProvenanceKind.INHERITED
    )
    if part.disclosure.attribute == DisclosureAttribute.UNKNOWN or inherited:
        changes["disclosure"] = attrs.evolve(
            carrier.disclosure,
            basis=f"inherited from the carrier ({carrier.disclosure.basis})",
            provenance=Provenance(ProvenanceKind.INHERITED, source="carrier"),
        )
    if part.published_date is None and carrier.published_date is not None:
        changes["published_date"] = carrier.published_date
    return attrs.evolve(part, **changes) if changes else part  # type: ignore[arg-type]


def document_from(raw: RawDocument) -> Document:
    """Every pure stage after reading: parse, then the portal metadata."""
    return portal_metadata(parse(raw), raw)


def lifecycle(document: Document, index: int = 0) -> tuple[Document, tuple[OutgoingRef, ...]]:
    """Events the text states (effective dates, validity, 题注 versions) on the document and its
    parts, and what it says about other documents (repeals, cleanup results) as references.

    Args:
        document: the parsed document.
        index: its position in the submission.
    """
    return clauses.read_lifecycle(document, (index,))


def build_submission(path: Path, source: SourceFile) -> Submission:
    """Read, parse and package one file.

    Raises:
        IngestError: the file cannot be read (a subclass names the reason).
    """
    from ingest import gazette_files

    if source.format == "pdf":
        safety.check_pdf(path)  # before any reader walks the page tree
    issue = gazette_files.prepare(path, source)
    if issue is not None:
        return issue
    try:
        raw = read(path, source.format)
    except NeedsOCR:
        if source.format not in ("pdf", "ofd"):
            raise
        return gazette_files.scanned(path, source)
    if source.format in ("pdf", "ofd"):
        raw = gazette_files.complete_ocr(raw, path)
    # An export of this archive is one document (its header names the gazette it came from,
    # which must not make it look like an issue).
    raw, header = exported.find_header(raw)
    issue = gazette_files.from_raw(raw, path, source) if header is None else None
    if issue is not None:
        return issue
    if not raw.lines:
        raise EmptyDocument(source.path, "no text")
    document = gazette_files.mark_ocr(document_from(raw), raw.ocr)
    edited = exported.check_body(document, header)
    document, export_warnings = exported.apply(document, header, body_intact=edited is None)
    document, references = lifecycle(document.with_sources(source))
    warnings = [*raw.warnings, *export_warnings, *([edited] if edited else [])]
    named = EXTENSIONS.get(path.suffix.lower())
    if named is not None and named != source.format:
        warnings.append(f"named {path.suffix} but the content is {source.format}: read as such")
    detail: dict[str, object] = {"warnings": warnings} if warnings else {}
    if edited:
        # Kept with the source, shown with the document (gazette show) and in the ingest.
        detail["notes"] = [edited]
        detail["edited_export"] = True
    state = "stored"
    if raw.needs_ocr:
        # Some pages had no usable text layer: what was read is stored, the rest waits for OCR.
        state = "needs_ocr"
        detail["needs_ocr"] = list(raw.needs_ocr)
    return Submission(
        source=source,
        path=path,
        documents=(document,),
        references=(*references, *interpretations.outgoing_refs(document)),
        state=state,
        detail=detail,
    )
