"""A gazette issue's items: assembled from the body where they start, and submitted.

Each item's paragraphs go through the element parser as the gazette's standard text
(``TextVersion(origin=GAZETTE, standard=True)``) with its printed page range and the OCR
marks of its pages; the issue and one document per item make the archive's submission.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from gazette.archive import Submission
from gazette.errors import IssueNotSplit
from gazette.model import (
    Document,
    GazetteIssue,
    IssueItem,
    OcrInfo,
    SourceFile,
    TextOrigin,
)
from gazette.references import OutgoingRef
from ingest import elements, toc
from ingest.issue_body import Body, exact_lines, title_key
from ingest.raw import Line, RawDocument


@attrs.frozen
class SplitIssue:
    """An issue split into its items.

    Attributes:
        issue: the issue, its items in order (without document ids yet).
        documents: one document per item, in the same order.
        raws: each item's paragraphs as the splitter cut them (pages are printed pages).
        toc: the 目录 entries found (empty when the issue has none).
        page_map: PDF page → printed page number, where known.
        warnings: what could not be done (an entry whose title was not found, …).
    """

    issue: GazetteIssue
    documents: tuple[Document, ...]
    raws: tuple[RawDocument, ...] = ()
    toc: tuple[toc.TocEntry, ...] = ()
    page_map: dict[int, int] = attrs.field(factory=dict)
    warnings: tuple[str, ...] = ()


# --- assembling -----------------------------------------------------------------------------


def assemble(
    raw: RawDocument,
    meta: toc.IssueMeta,
    body: Body,
    starts: Sequence[int],
    entries: Sequence[toc.TocEntry | None],
    *,
    printed: dict[int, int] | None = None,
    toc_entries: Sequence[toc.TocEntry] = (),
    warnings: Sequence[str] = (),
    name: str | None = None,
) -> SplitIssue:
    """The issue and its items, from the body and where each item starts in it.

    Raises:
        IssueNotSplit: the issue's name or number is unknown, or there is no item.
    """
    name = name or raw.name
    if not meta.complete:
        raise IssueNotSplit(name, "政府公报", "未找到公报名称或期号")
    assert meta.gazette is not None and meta.number is not None
    label = f"{meta.gazette} {meta.number}"
    if not starts:
        raise IssueNotSplit(name, label, "其中未找到任何条目")
    printed = printed or {}
    documents: list[Document] = []
    items: list[IssueItem] = []
    raws: list[RawDocument] = []
    for seq, (first, entry) in enumerate(zip(starts, entries, strict=True), start=1):
        stop = starts[seq] if seq < len(starts) else len(body.lines)
        item, document, item_raw = _item(raw, body, first, stop, seq, entry, printed)
        items.append(item)
        documents.append(document)
        raws.append(item_raw)
    issue = GazetteIssue(
        gazette=meta.gazette,
        number=meta.number,
        total=meta.total,
        date=meta.date,
        items=tuple(items),
        page_count=raw.page_count,
        needs_ocr=raw.needs_ocr,
        ocr=raw.ocr,
    )
    return SplitIssue(
        issue, tuple(documents), tuple(raws), tuple(toc_entries), printed, tuple(warnings)
    )


def split_known(
    raw: RawDocument, meta: toc.IssueMeta, items: Sequence[tuple[toc.TocEntry, Sequence[Line]]]
) -> SplitIssue:
    """An issue whose items arrive separately (a web edition: one page per item)."""
    lines: list[Line] = []
    starts: list[int] = []
    for _, item_lines in items:
        starts.append(len(lines))
        lines.extend(item_lines)
    body = Body.of(lines, [(None, None)] * len(lines))
    entries = [entry for entry, _ in items]
    return assemble(raw, meta, body, starts, entries, toc_entries=entries)


def _item(
    raw: RawDocument,
    body: Body,
    first: int,
    stop: int,
    seq: int,
    entry: toc.TocEntry | None,
    printed: dict[int, int],
) -> tuple[IssueItem, Document, RawDocument]:
    lines = body.lines[first:stop]
    pdf_first = body.spans[first][0]
    pdf_last = body.spans[stop - 1][1]
    pdf_pages = (pdf_first, pdf_last) if pdf_first is not None and pdf_last is not None else None
    pages = None
    if pdf_pages is not None and pdf_pages[0] in printed and pdf_pages[1] in printed:
        pages = (printed[pdf_pages[0]], printed[pdf_pages[1]])
    item_lines = [
        attrs.evolve(line, page=printed.get(line.page, line.page) if line.page else None)
        for line in lines
    ]
    item_raw = RawDocument(
        name=f"{raw.name} #{seq}", format=raw.format, lines=item_lines, metadata={}
    )
    document = elements.parse(item_raw, origin=TextOrigin.GAZETTE, standard=True)
    exact = entry is not None and (
        exact_lines(body, title_key(entry.title), first) > 0
        or any(
            exact_lines(body, title_key(entry.title), k)
            for k in range(first, min(stop, first + 12))
        )
    )
    if entry is not None and (exact or not document.title):
        title = entry.title
    else:
        # No 目录 entry, or one that matches only approximately (OCR misreads the 目录 and
        # the page differently): the title as printed above the item, in its larger type.
        title = document.title or toc.squeeze(lines[0].text)
    ocr = _item_ocr(raw.ocr, pdf_pages)
    document = _as_printed(document, title, pages, ocr, entry)
    item = IssueItem(
        seq=seq,
        title=title,
        section=entry.section if entry is not None else None,
        pages=pages,
        pdf_pages=pdf_pages,
        doc_number=document.doc_number or (entry.number if entry is not None else None),
    )
    return item, document, item_raw


def _item_ocr(ocr: OcrInfo | None, pdf_pages: tuple[int, int] | None) -> OcrInfo | None:
    if ocr is None:
        return None
    pages = ocr.pages
    if pdf_pages is not None:
        pages = tuple(p for p in ocr.pages if pdf_pages[0] <= p[0] <= pdf_pages[1])
    if not pages:
        return None
    confidence = round(sum(c for _, c in pages) / len(pages), 1)
    return OcrInfo(ocr.engine, confidence, pages)


def _as_printed(
    document: Document,
    title: str,
    pages: tuple[int, int] | None,
    ocr: OcrInfo | None,
    entry: toc.TocEntry | None,
) -> Document:
    """The parsed item as the gazette's standard text, with its pages and OCR marks.

    (Printing in a gazette makes it proactively disclosed: the archive's publication rule
    records that, with the issue and pages as its basis, when the item is stored.)"""
    texts = tuple(attrs.evolve(t, pages=pages, ocr=ocr, standard=True) for t in document.texts)
    parts = tuple(
        attrs.evolve(
            part,
            texts=tuple(attrs.evolve(t, pages=pages, ocr=ocr, standard=True) for t in part.texts),
        )
        for part in document.parts
    )
    return attrs.evolve(
        document,
        title=document.title or title,
        doc_number=document.doc_number or (entry.number if entry is not None else None),
        texts=texts,
        parts=parts,
    )


# --- packaging ------------------------------------------------------------------------------


def submission(
    split_issue: SplitIssue, path: Path, source: SourceFile, *, raw: RawDocument
) -> Submission:
    """The archive submission for a split issue: the issue and one document per item."""
    detail: dict[str, Any] = {
        "gazette_issue": split_issue.issue.label,
        "items": len(split_issue.issue.items),
        "toc_entries": len(split_issue.toc),
    }
    warnings = list(raw.warnings) + list(split_issue.warnings)
    if warnings:
        detail["warnings"] = warnings
    if split_issue.issue.needs_ocr:
        detail["needs_ocr"] = list(split_issue.issue.needs_ocr)
    if split_issue.issue.ocr is not None:
        detail["ocr"] = {
            "engine": split_issue.issue.ocr.engine,
            "confidence": split_issue.issue.ocr.confidence,
            "pages": [list(p) for p in split_issue.issue.ocr.pages],
        }
    from ingest import interpretations
    from ingest.stages import lifecycle

    documents = []
    references: list[OutgoingRef] = []
    for index, document in enumerate(split_issue.documents):
        read, refs = lifecycle(document.with_sources(source), index)
        documents.append(read)
        references.extend(refs)
        # An interpretation (解读) printed in the issue links to the policy it explains;
        # the detector numbers positions as in a one-document submission.
        references.extend(
            attrs.evolve(ref, source=(index, *ref.source[1:]))
            for ref in interpretations.outgoing_refs(read)
        )
    return Submission(
        source=source,
        path=path,
        documents=tuple(documents),
        references=tuple(references),
        issue=split_issue.issue,
        state="needs_ocr" if split_issue.issue.needs_ocr else "stored",
        detail=detail,
        ocr_pages=raw.extra.get("ocr_pages", ()),
    )


__all__ = ["SplitIssue", "assemble", "split_known", "submission"]
