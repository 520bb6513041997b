"""Gazette issues by file format: which files are issues, and how each is read.

:func:`prepare` is the pipeline's hook (``ingest.stages``): it returns the submission for a
file that is a gazette issue, or for a scanned PDF, and ``None`` for anything else (which then
goes through the ordinary reader for its format).

* **PDF**: the first pages' text layer decides (:func:`ingest.gazette_issue.looks_like_issue`);
  an issue is read page by page (:mod:`ingest.gazette_layout`), pages with no usable text layer
  are recognised by OCR (:mod:`ingest.ocr`). A scanned PDF is OCR'd whole and then decided.
  Without Tesseract, a scanned PDF is stored as *needs OCR*: its original, page count and
  metadata (and the issue, when its PDF metadata names one) are kept, no text is invented,
  and the outcome says so.
* **DOCX**: one Word file holding the whole issue (cover, 目录 with tab-leader page numbers,
  items). Word files carry no pages, so items have no page range.
* **HTML web edition**: an issue index page (the gazette's name, the issue number, the 目录
  with a link to one page per item, like the national gazette's web edition) in a folder
  with the item pages. Ingesting the index ingests the issue; an item page ingested on its
  own (a folder walk meets it) is an ordinary document that is later linked to the gazette
  item rather than duplicated. Ingest the whole folder to keep every page's original.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from gazette.archive import Submission
from gazette.errors import CorruptFile, IngestError, UnsafeFile
from gazette.model import GazetteIssue, SourceFile, TextOrigin
from gazette.store import sha256_file
from ingest import elements, gazette_issue, ocr, toc
from ingest.gazette_layout import Page, read_pdf_pages, to_raw
from ingest.normalize import clean_inline
from ingest.raw import Line, RawDocument

HEAD_PAGES = 3  # pages read to decide whether a text PDF is an issue
MAX_ITEM_PAGES = 500  # item pages a web edition index may link to


def prepare(path: Path, source: SourceFile) -> Submission | None:
    """The submission for a gazette issue (or a scanned PDF), else ``None``."""
    if source.format == "pdf":
        return _prepare_pdf(path, source)
    if source.format == "docx" and _mentions_gazette(_docx_text(path)):
        return _prepare_docx(path, source)
    if source.format == "html" and _mentions_gazette(_html_head_text(path)):
        return _prepare_web(path, source)
    return None


_ISSUE_HINT = re.compile(r"公\s*报")


def _mentions_gazette(text: str) -> bool:
    """A cheap look before a full parse: an issue names a gazette (…公报) and an issue number."""
    return bool(_ISSUE_HINT.search(text)) and toc.ISSUE_NUMBER.search(toc.squeeze(text)) is not None


def _docx_text(path: Path, limit: int = 64 * 1024 * 1024) -> str:
    """The start of a Word file's text, without python-docx (tags stripped)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as package:
            info = package.getinfo("word/document.xml")
            if info.file_size > limit:
                return ""  # the DOCX reader refuses it with the reason
            with package.open(info) as handle:
                head = handle.read(200_000).decode("utf-8", errors="replace")
    except (KeyError, OSError, zipfile.BadZipFile):
        return ""
    return re.sub(r"<[^>]*>", "", head)


def _html_head_text(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(200_000)
    text = head.decode(_html_encoding(path), errors="replace")
    return re.sub(r"<[^>]*>", "", text)


# --- PDF ------------------------------------------------------------------------------------


def read_pdf(path: Path, *, name: str | None = None, use_ocr: bool = True) -> RawDocument:
    """A PDF read page by page, pages without a usable text layer recognised by OCR.

    When OCR cannot run (or ``use_ocr`` is false), those pages stay in ``needs_ocr`` and a
    warning says why.
    """
    pages, metadata = read_pdf_pages(path)
    return _with_ocr(path, pages, metadata, name=name or str(path), use_ocr=use_ocr)


def _with_ocr(
    path: Path, pages: list[Page], metadata: dict[str, str], *, name: str, use_ocr: bool
) -> RawDocument:
    todo = [p.number for p in pages if p.needs_ocr]
    warnings: list[str] = []
    if todo:
        reason = ocr.unavailable() if use_ocr else "OCR was not asked for"
        if reason is None:
            recognised = {p.number: p for p in ocr.recognise_pages(path, todo)}
            pages = [recognised.get(p.number, p) for p in pages]
        else:
            warnings.append(f"{len(todo)} page(s) need OCR and were not recognised: {reason}")
    return to_raw(
        pages,
        name=name,
        metadata=metadata,
        ocr=ocr.info(pages) if any(p.kind == "ocr" for p in pages) else None,
        warnings=warnings,
    )


def _prepare_pdf(path: Path, source: SourceFile) -> Submission | None:
    head, metadata = read_pdf_pages(path, _head_pages(path))
    if not any(p.needs_ocr for p in head):
        if not gazette_issue.looks_like_issue(to_raw(head, name=source.path, metadata=metadata)):
            return None  # an ordinary PDF: the PDF reader's business
        raw = read_pdf(path, name=source.path)
        return _issue_submission(raw, path, source)
    # Scanned (or a garbled text layer): recognise it, then decide.
    reason = ocr.unavailable()
    if reason is not None:
        return _needs_ocr(path, source, metadata, reason)
    raw = read_pdf(path, name=source.path)
    if gazette_issue.looks_like_issue(raw):
        return _issue_submission(raw, path, source)
    return _scanned_document(raw, path, source)


def _head_pages(path: Path) -> list[int]:
    from ingest.gazette_layout import pdf_page_count

    return list(range(1, min(HEAD_PAGES, pdf_page_count(path)) + 1))


def _issue_submission(raw: RawDocument, path: Path, source: SourceFile) -> Submission:
    split = gazette_issue.split(raw, name=source.path)
    return gazette_issue.submission(split, path, source, raw=raw)


def _scanned_document(raw: RawDocument, path: Path, source: SourceFile) -> Submission:
    """A scanned PDF that is one document: its OCR text, marked as such."""
    import attrs

    if not raw.lines:
        from gazette.errors import EmptyDocument

        raise EmptyDocument(source.path, "OCR found no text on any page")
    document = elements.parse(raw, origin=TextOrigin.FILE)
    texts = tuple(attrs.evolve(t, ocr=raw.ocr) for t in document.texts)
    parts = tuple(
        attrs.evolve(p, texts=tuple(attrs.evolve(t, ocr=raw.ocr) for t in p.texts))
        for p in document.parts
    )
    document = attrs.evolve(document, texts=texts, parts=parts).with_sources(source)
    detail: dict[str, Any] = {"ocr": _ocr_detail(raw)}
    if raw.warnings:
        detail["warnings"] = list(raw.warnings)
    if raw.needs_ocr:
        detail["needs_ocr"] = list(raw.needs_ocr)
    return Submission(
        source=source,
        path=path,
        documents=(document,),
        state="needs_ocr" if raw.needs_ocr else "stored",
        detail=detail,
    )


def _ocr_detail(raw: RawDocument) -> dict[str, Any] | None:
    if raw.ocr is None:
        return None
    return {
        "engine": raw.ocr.engine,
        "confidence": raw.ocr.confidence,
        "pages": [list(p) for p in raw.ocr.pages],
    }


def _needs_ocr(path: Path, source: SourceFile, metadata: dict[str, str], reason: str) -> Submission:
    """A scan that cannot be recognised here: keep the original, its pages and what its
    metadata says (the issue, when it names one); store no text."""
    pages, _ = read_pdf_pages(path)
    needing = [p.number for p in pages if p.needs_ocr]
    meta = toc.recognise([], [], [metadata[k] for k in ("Title", "Subject") if k in metadata])
    issue = None
    if meta.complete:
        assert meta.gazette is not None and meta.number is not None
        issue = GazetteIssue(
            gazette=meta.gazette,
            number=meta.number,
            total=meta.total,
            date=meta.date,
            page_count=len(pages),
            needs_ocr=tuple(needing),
        )
    detail: dict[str, Any] = {
        "needs_ocr": needing,
        "page_count": len(pages),
        "reason": reason,
        "metadata": metadata,
        "warnings": [f"{len(needing)} page(s) need OCR and were not recognised: {reason}"],
    }
    if issue is not None:
        detail["gazette_issue"] = issue.label
    return Submission(
        source=source, path=path, documents=(), issue=issue, state="needs_ocr", detail=detail
    )


# --- DOCX -----------------------------------------------------------------------------------


def read_docx(path: Path, *, name: str | None = None) -> RawDocument:
    """A Word file's body paragraphs with alignment and size (tab stops kept as tabs).

    Raises:
        CorruptFile: python-docx cannot open it.
    """
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many kinds for a broken package
        raise CorruptFile(path, f"unreadable Word file ({type(exc).__name__}: {exc})") from exc
    aligns = {
        WD_ALIGN_PARAGRAPH.CENTER: "center",
        WD_ALIGN_PARAGRAPH.RIGHT: "right",
        WD_ALIGN_PARAGRAPH.JUSTIFY: "justify",
        WD_ALIGN_PARAGRAPH.LEFT: "left",
    }
    lines = []
    for paragraph in document.paragraphs:
        text = paragraph.text
        if not text.strip():
            continue
        sizes = [run.font.size.pt for run in paragraph.runs if run.font.size is not None]
        cells = [clean_inline(piece, keep_gaps=True) for piece in text.split("\t")]
        lines.append(
            Line(
                "\t".join(c for c in cells if c),
                align=aligns.get(paragraph.alignment) if paragraph.alignment is not None else None,
                size=max(sizes) if sizes else None,
                style=paragraph.style.name if paragraph.style is not None else None,
            )
        )
    title = document.core_properties.title
    return RawDocument(
        name=name or str(path),
        format="docx",
        lines=lines,
        metadata={"Title": title} if title else {},
    )


def _prepare_docx(path: Path, source: SourceFile) -> Submission | None:
    raw = read_docx(path, name=source.path)
    if not gazette_issue.looks_like_issue(raw):
        return None
    return _issue_submission(raw, path, source)


# --- HTML web edition -----------------------------------------------------------------------

_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "div")


def _html_tree(path: Path) -> Any:
    from lxml import html as lxml_html

    parser = lxml_html.HTMLParser(encoding=_html_encoding(path), no_network=True, huge_tree=False)
    try:
        return lxml_html.parse(str(path), parser=parser)
    except Exception as exc:  # lxml raises XMLSyntaxError, OSError, ValueError …
        raise CorruptFile(path, f"unreadable HTML ({type(exc).__name__}: {exc})") from exc


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


def _align_of(element: Any) -> str | None:
    style = (element.get("style") or "").replace(" ", "").lower()
    align = (element.get("align") or "").lower()
    for value in ("center", "right", "justify", "left"):
        if f"text-align:{value}" in style or align == value:
            return value
    return None


def html_lines(tree: Any) -> list[Line]:
    """Paragraph-level text of an HTML page (scripts, styles and navigation dropped)."""
    root = tree.getroot()
    if root is None:
        return []
    for bad in root.xpath("//script|//style|//nav|//noscript|//*[@class='nav']"):
        bad.getparent().remove(bad)
    lines = []
    for element in root.iter(*_BLOCKS):
        if any(child.tag in _BLOCKS for child in element.iterdescendants()):
            continue  # a container: its block children give the text
        text = clean_inline(element.text_content(), keep_gaps=True)
        if text:
            size = 22.0 if element.tag in ("h1", "h2") else None
            lines.append(Line(text, align=_align_of(element), style=element.tag, size=size))
    return lines


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
        raise UnsafeFile(source.path, f"the index links to {len(entries)} item pages")
    items: list[tuple[toc.TocEntry, list[Line]]] = []
    pages_read: list[dict[str, str]] = []
    for section, title, target in entries:
        item_lines = html_lines(_html_tree(target))
        if not item_lines:
            raise IngestError(source.path, f"item page {target.name} holds no text")
        items.append((toc.TocEntry(title=title, section=section), item_lines))
        pages_read.append({"page": target.name, "sha256": sha256_file(target)})
    raw = RawDocument(
        name=source.path,
        format="html",
        lines=[Line(text) for text in cover],
        metadata={"Title": f"{meta.gazette}{meta.number}"},
    )
    split = gazette_issue.split_known(raw, meta, items)
    prepared = gazette_issue.submission(split, path, source, raw=raw)
    prepared.detail["item_pages"] = pages_read
    return prepared


__all__ = ["html_lines", "prepare", "read_docx", "read_pdf"]
