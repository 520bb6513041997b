"""Gazette issues by file format: which files are issues, and how each is read.

The pipeline (:func:`ingest.stages.build_submission`) asks here at three points:

* **PDF** with a text layer: the PDF reader (:mod:`ingest.readers.pdf`) reads it; pages it
  could not read (image only, garbled) are recognised by OCR (:func:`complete_ocr`), and if
  the result is a gazette issue (:func:`ingest.gazette_issue.looks_like_issue`) it is split
  into its items (:func:`from_raw`).
* **Scanned PDF** (no usable page at all): OCR'd whole, then split as an issue or kept as one
  document (:func:`scanned`). Without Tesseract it is stored as *needs OCR*: the original,
  its page count and metadata (and the issue, when its PDF metadata names one) are kept, no
  text is invented, and the outcome says so.
* **DOCX**: one Word file holding the whole issue (cover, 目录 with tab-leader page numbers,
  items), read by the Word reader and split like a PDF (:func:`from_raw`). Word files carry
  no pages, so items have no page range.
* **HTML web edition**: an issue index page (the gazette's name, the issue number, the 目录
  with a link to one page per item, like the national gazette's web edition) in a folder
  with the item pages (:func:`prepare`; the item pages are read by the HTML reader). Ingesting
  the index ingests the issue; an item page
  ingested on its own (a folder walk meets it) is an ordinary document that is linked to the
  gazette item rather than duplicated. Ingest the whole folder to keep every page's original.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import attrs

from gazette.archive import Submission
from gazette.archive.store import sha256_file
from gazette.errors import CorruptFile, EmptyDocument, IngestError, UnsafeFile
from gazette.model import Document, GazetteIssue, OcrInfo, OcrPage, SourceFile
from ingest import gazette_issue, issue_assembly, ocr, toc
from ingest.gazette_layout import pdf_info, to_raw
from ingest.raw import Line, RawDocument
from ingest.readers import html as html_reader

MAX_ITEM_PAGES = 500  # item pages a web edition index may link to


def prepare(path: Path, source: SourceFile) -> Submission | None:
    """The submission for a web edition's index page, else ``None``.

    (Other files are read by their reader first; see :func:`from_raw` and :func:`scanned`.)
    """
    if source.format == "html" and _mentions_gazette(_html_head_text(path)):
        return _prepare_web(path, source)
    return None


_ISSUE_HINT = re.compile(r"公\s*报")


def _mentions_gazette(text: str) -> bool:
    """A cheap look before a full parse: an issue names a gazette (…公报) and an issue number."""
    return bool(_ISSUE_HINT.search(text)) and toc.ISSUE_NUMBER.search(toc.squeeze(text)) is not None


def _html_head_text(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(200_000)
    text = head.decode(_html_encoding(path), errors="replace")
    return re.sub(r"<[^>]*>", "", text)


# --- PDF ------------------------------------------------------------------------------------


def complete_ocr(raw: RawDocument, path: Path) -> RawDocument:
    """Recognise the pages the PDF reader could not read (``raw.needs_ocr``) and put their
    paragraphs in page order among the others. Without OCR, ``raw`` comes back unchanged
    with a warning saying why those pages stay unread. The recognised pages themselves (lines,
    boxes, confidences) are in ``extra["ocr_pages"]``; pages the engine failed on stay in
    ``needs_ocr``, with the reason among the warnings."""
    if not raw.needs_ocr:
        return raw
    reason = ocr.unavailable()
    if reason is not None:
        return attrs.evolve(
            raw,
            warnings=(
                *raw.warnings,
                f"{len(raw.needs_ocr)} page(s) need OCR and were not recognised: {reason}",
            ),
        )
    recognised = _recognise(path, raw.needs_ocr, raw.name, raw.metadata, raw.format)
    spans = raw.extra.get("page_spans") or [(line.page, line.page) for line in raw.lines]
    merged = sorted(
        zip(
            list(raw.lines) + list(recognised.lines),
            list(spans) + list(recognised.extra["page_spans"]),
            strict=True,
        ),
        key=lambda pair: pair[0].page or 0,
    )
    return attrs.evolve(
        raw,
        lines=[line for line, _ in merged],
        furniture=sorted(
            list(raw.furniture) + list(recognised.furniture), key=lambda line: line.page or 0
        ),
        ocr=recognised.ocr,
        needs_ocr=recognised.needs_ocr,
        warnings=(*raw.warnings, *recognised.warnings),
        extra={
            **raw.extra,
            "page_spans": [span for _, span in merged],
            "ocr_pages": recognised.extra["ocr_pages"],
        },
    )


def _recognise(
    path: Path, pages: Sequence[int], name: str, metadata: dict[str, str], fmt: str = "pdf"
) -> RawDocument:
    """OCR of PDF pages (rendered by PDFium) or OFD pages (drawn from their paths and images,
    :mod:`ingest.readers.ofd_render`), as paragraphs (``extra["ocr_pages"]``: what was read on
    each page)."""
    if fmt == "ofd":
        recognised = _recognise_ofd(path, list(pages))
    else:
        recognised = ocr.recognise_pages(path, pages, label=name)
    failed = ocr.failures(recognised)
    warnings = (
        [f"{len(failed)} page(s) could not be recognised and need OCR: " + "; ".join(failed)]
        if failed
        else []
    )
    raw = to_raw(
        ocr.layout_pages(recognised),
        name=name,
        metadata=metadata,
        ocr=ocr.info(recognised),
        warnings=warnings,
    )
    return attrs.evolve(raw, extra={**raw.extra, "ocr_pages": tuple(recognised)})


def _recognise_ofd(path: Path, numbers: list[int]) -> list[OcrPage]:
    """OFD pages without a text layer, drawn and recognised as page images."""
    from ingest.ocr.engines import get_engine
    from ingest.readers import ofd_render

    ocr.require()
    dpi = get_engine(None).dpi
    rendered = list(ofd_render.render(path, numbers, dpi))
    recognised = ocr.recognise_images(
        [image for image, _, _, _ in rendered],
        dpi=dpi,
        sizes=[(width, height) for _, _, width, height in rendered],
    )
    return [
        attrs.evolve(page, page=number) for page, number in zip(recognised, numbers, strict=True)
    ]


def from_raw(raw: RawDocument, path: Path, source: SourceFile) -> Submission | None:
    """The submission for a file its reader read (a PDF, a Word file), when it is a gazette
    issue; else ``None``."""
    if not gazette_issue.looks_like_issue(raw):
        return None
    return _issue_submission(raw, path, source)


def scanned(path: Path, source: SourceFile) -> Submission:
    """A PDF with no usable text layer at all: recognised by OCR (then an issue or one
    document), or, when OCR cannot run here, stored as *needs OCR*."""
    reason = ocr.unavailable()
    if source.format == "ofd":
        from ingest.readers import ofd

        page_count, metadata = ofd.info(path)
    else:
        page_count, metadata = pdf_info(path)
    if reason is not None:
        return _needs_ocr(path, source, page_count, metadata, reason)
    raw = _recognise(path, range(1, page_count + 1), source.path, metadata, source.format)
    if not any(p.error is None for p in raw.extra["ocr_pages"]):
        reasons = "; ".join(ocr.failures(raw.extra["ocr_pages"])[:3])
        return _needs_ocr(
            path, source, page_count, metadata, f"OCR failed on every page ({reasons})"
        )
    if gazette_issue.looks_like_issue(raw):
        return _issue_submission(raw, path, source)
    return _scanned_document(raw, path, source)


def _issue_submission(raw: RawDocument, path: Path, source: SourceFile) -> Submission:
    split = gazette_issue.split(raw, name=source.path)
    return issue_assembly.submission(split, path, source, raw=raw)


def _scanned_document(raw: RawDocument, path: Path, source: SourceFile) -> Submission:
    """A scanned PDF that is one document: its OCR text, marked as such."""
    if not raw.lines:
        raise EmptyDocument(source.path, "OCR在各页都没有识别出文字")
    from ingest import interpretations
    from ingest.stages import document_from, lifecycle

    document, references = lifecycle(mark_ocr(document_from(raw), raw.ocr).with_sources(source))
    references = (*references, *interpretations.outgoing_refs(document))
    detail: dict[str, Any] = {"ocr": _ocr_detail(raw)}
    if raw.warnings:
        detail["warnings"] = list(raw.warnings)
    if raw.needs_ocr:
        detail["needs_ocr"] = list(raw.needs_ocr)
    return Submission(
        source=source,
        path=path,
        documents=(document,),
        references=references,
        detail=detail,
        state="needs_ocr" if raw.needs_ocr else "stored",
        ocr_pages=raw.extra.get("ocr_pages", ()),
    )


def mark_ocr(document: Document, info: OcrInfo | None) -> Document:
    """Mark a document's texts (and its attachments') as recognised by OCR."""
    if info is None:
        return document
    return attrs.evolve(
        document,
        texts=tuple(attrs.evolve(t, ocr=info) for t in document.texts),
        parts=tuple(mark_ocr(part, info) for part in document.parts),
    )


def _ocr_detail(raw: RawDocument) -> dict[str, Any] | None:
    if raw.ocr is None:
        return None
    return {
        "engine": raw.ocr.engine,
        "confidence": raw.ocr.confidence,
        "pages": [list(p) for p in raw.ocr.pages],
    }


def _needs_ocr(
    path: Path, source: SourceFile, page_count: int, metadata: dict[str, str], reason: str
) -> Submission:
    """A scan that cannot be recognised here: keep the original, its pages and what its
    metadata says (the issue, when it names one); store no text."""
    meta = toc.recognise([], [], [metadata[k] for k in ("Title", "Subject") if k in metadata])
    pages = tuple(range(1, page_count + 1))
    issue = None
    if meta.complete:
        assert meta.gazette is not None and meta.number is not None
        issue = GazetteIssue(
            gazette=meta.gazette,
            number=meta.number,
            total=meta.total,
            date=meta.date,
            page_count=page_count,
            needs_ocr=pages,
        )
    detail: dict[str, Any] = {
        "needs_ocr": list(pages),
        "page_count": page_count,
        "reason": reason,
        "metadata": metadata,
        "warnings": [f"{page_count} page(s) need OCR and were not recognised: {reason}"],
    }
    if issue is not None:
        detail["gazette_issue"] = issue.label
    return Submission(
        source=source, path=path, documents=(), issue=issue, state="needs_ocr", detail=detail
    )


# --- HTML web edition -----------------------------------------------------------------------

_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "div")


def _html_tree(path: Path) -> Any:
    from lxml import html as lxml_html

    parser = lxml_html.HTMLParser(encoding=_html_encoding(path), no_network=True, huge_tree=False)
    try:
        return lxml_html.parse(str(path), parser=parser)
    except Exception as exc:  # lxml raises XMLSyntaxError, OSError, ValueError …
        raise CorruptFile(path, "无法读取HTML") from exc


def _html_encoding(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(200_000)
    match = re.search(rb'charset=["\']?([A-Za-z0-9_\-]+)', head[:4096])
    if match:
        name = match.group(1).decode("ascii").lower()
        try:
            "".encode(name)
        except LookupError:
            return "utf-8"
        return name
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not merely a character cut at the end of the sample
            return "gb18030"
    return "utf-8"


def _index_entries(tree: Any, folder: Path) -> tuple[list[str], list[tuple[str | None, str, Path]]]:
    """The index page's lines before its 目录, and its entries: ``(section, title, page)``."""
    root = tree.getroot()
    lines: list[str] = []
    entries: list[tuple[str | None, str, Path]] = []
    section: str | None = None
    in_toc = False
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "a" and in_toc:
            href = element.get("href") or ""
            target = _local_target(folder, href)
            title = toc.squeeze(element.text_content())
            if target is not None and title:
                entries.append((section, title, target))
            continue
        if element.tag in ("h1", "h2", "h3", "h4", "p", "div", "li", "span", "td", "title"):
            own = toc.squeeze("".join(element.itertext()))
            if not own:
                continue
            if toc.is_toc_heading(own):
                in_toc = True
                continue
            heading = toc.SECTION.fullmatch(own)
            if heading and in_toc:
                section = heading["section"]
                continue
            if (
                not in_toc
                and element.tag != "title"
                and not any(child.tag in _BLOCKS for child in element.iterdescendants())
            ):
                lines.append(own)
    return lines, entries


def _local_target(folder: Path, href: str) -> Path | None:
    """A link to an item page in the same folder (or below it); nothing else is followed."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    target = (folder / unquote(parts.path)).resolve()
    try:
        target.relative_to(folder.resolve())
    except ValueError:
        return None
    return target if target.is_file() and target.suffix.lower() in (".html", ".htm") else None


def _prepare_web(path: Path, source: SourceFile) -> Submission | None:
    tree = _html_tree(path)
    cover, entries = _index_entries(tree, path.parent)
    if not entries:
        return None
    meta = toc.recognise(cover)
    if not meta.complete:
        return None
    if len(entries) > MAX_ITEM_PAGES:
        raise UnsafeFile(source.path, f"目录页链接了{len(entries)}个条目页面")
    items: list[tuple[toc.TocEntry, list[Line]]] = []
    pages_read: list[dict[str, str]] = []
    for section, title, target in entries:
        item_lines = list(html_reader.read(target).lines)
        if not item_lines:
            raise IngestError(source.path, f"条目页面 {target.name} 中没有文字")
        items.append((toc.TocEntry(title=title, section=section), item_lines))
        pages_read.append({"page": target.name, "sha256": sha256_file(target)})
    raw = RawDocument(
        name=source.path,
        format="html",
        lines=[Line(text) for text in cover],
        metadata={"Title": f"{meta.gazette}{meta.number}"},
    )
    split = issue_assembly.split_known(raw, meta, items)
    prepared = issue_assembly.submission(split, path, source, raw=raw)
    prepared.detail["item_pages"] = pages_read
    return prepared


__all__ = ["complete_ocr", "from_raw", "mark_ocr", "prepare", "scanned"]
