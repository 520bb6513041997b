"""The pages of a gazette issue: which a view may show, their images, and their OCR text.

Pages are numbered as in the issue's file, from 1 (``pdf_pages`` of ``gazette issues
--json``). A page image shows whatever is printed on it, so the public view shows a page only
when every item printed on it is public and withholds no paragraph (a page shared by a public
item and a hidden one is not shown), and the pages before the first item (cover, 目录, which
list every item's title) only when no item of the issue is hidden.

Images are rendered from the stored PDF with pypdfium2 and cached under the archive
(``cache/pages/<sha256>/<page>-<width>.png``); the cache is derived data and may be deleted.
For a scanned issue the OCR text of a page is the paragraphs of its items recognised on that
page (the catalog keeps, for each paragraph, the page it starts on).
"""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from gazette.archive import queries
from gazette.disclosure import WITHHELD_PLACEHOLDER
from gazette.errors import ArchiveError, MissingDependency
from gazette.model import Block, DisclosureAttribute, GazetteIssue, IssueItem

if TYPE_CHECKING:
    from gazette.archive.views import ArchiveView

#: Page image widths the archive renders (pixels).
WIDTHS = (800, 1200, 1600)
DEFAULT_WIDTH = 1200
# PDFium is not thread-safe: one rendering at a time in a process.
_PDFIUM = threading.Lock()


def find_issue(view: ArchiveView, issue_id: int) -> GazetteIssue | None:
    """The issue ``issue_id`` with the items the view may see (as :meth:`ArchiveView.issues`
    gives them), or ``None``."""
    issue = queries.stored_issue(view, issue_id)
    if issue is None:
        return None
    if view.view.value == "internal":
        return issue
    untitled = view.withheld_titles()
    items = tuple(
        attrs.evolve(i, title=WITHHELD_PLACEHOLDER) if i.doc_id in untitled else i
        for i in issue.items
        if i.doc_id is None or view.visible(i.doc_id)
    )
    return attrs.evolve(issue, items=items)


def _pdf_range(item: IssueItem) -> tuple[int, int] | None:
    return item.pdf_pages


def shown_pages(view: ArchiveView, issue: GazetteIssue) -> set[int]:
    """The pages of the issue's file (from 1) the view may show."""
    every_page = set(range(1, (issue.page_count or 0) + 1))
    if not every_page or view.view.value == "internal":
        return every_page
    every = find_issue(view.archive.internal, issue.id) if issue.id is not None else None
    items = every.items if every is not None else issue.items
    hidden = [item for item in items if not _item_public(view, item)]
    if not hidden:
        return every_page
    starts = [r[0] for r in (_pdf_range(i) for i in items) if r is not None]
    if not starts or any(_pdf_range(item) is None for item in hidden):
        return set()
    shown = {page for page in every_page if page >= min(starts)}
    for item in hidden:
        first, last = item.pdf_pages or (0, -1)
        shown -= set(range(first, last + 1))
    return shown


def page_shown(view: ArchiveView, issue: GazetteIssue, page: int) -> bool:
    """Whether the view may show page ``page`` (1-based) of the issue's file."""
    return page in shown_pages(view, issue)


def _item_public(view: ArchiveView, item: IssueItem) -> bool:
    if item.doc_id is None:
        return True
    disclosure = queries.stored_disclosure(view, item.doc_id)
    if disclosure is None:
        return False
    return not (disclosure.attribute == DisclosureAttribute.PARTIAL and disclosure.withheld_blocks)


def printed_page(issue: GazetteIssue, page: int) -> int | None:
    """The printed page number of a page of the file, when an item's range gives it."""
    for item in issue.items:
        if item.pages and item.pdf_pages and item.pdf_pages[0] <= page <= item.pdf_pages[1]:
            return item.pages[0] + (page - item.pdf_pages[0])
    return None


def file_page(issue: GazetteIssue, item: IssueItem, printed: int) -> int | None:
    """The page of the file that carries printed page ``printed`` of an item."""
    if item.pages is None or item.pdf_pages is None:
        return None
    page = item.pdf_pages[0] + (printed - item.pages[0])
    return page if item.pdf_pages[0] <= page <= item.pdf_pages[1] else None


@attrs.frozen
class PageText:
    """What an item printed on a page says there (OCR text for a scanned page).

    Attributes:
        item: the item.
        blocks: its paragraphs that start on the page.
        ocr: whether they were recognised by OCR.
        confidence: the page's OCR confidence (0-100), when recognised.
    """

    item: IssueItem
    blocks: tuple[Block, ...]
    ocr: bool
    confidence: float | None


def page_text(view: ArchiveView, issue: GazetteIssue, page: int) -> list[PageText]:
    """The text printed on a page, item by item, as the view shows the items."""
    printed = printed_page(issue, page)
    confidence = dict(issue.ocr.pages).get(page) if issue.ocr else None
    out = []
    for item in issue.items:
        span = item.pdf_pages
        if item.doc_id is None or span is None or not span[0] <= page <= span[1]:
            continue
        doc = view.find(item.doc_id)
        text = doc.text if doc is not None else None
        if text is None:
            continue
        wanted = {page} if printed is None else {printed}
        blocks = tuple(b for b in text.blocks if b.page in wanted)
        if not blocks and all(b.page is None for b in text.blocks) and span[0] == page:
            blocks = text.blocks
        out.append(PageText(item, blocks, text.ocr is not None, confidence))
    return out


def render_page(
    view: ArchiveView, issue: GazetteIssue, page: int, width: int = DEFAULT_WIDTH
) -> bytes:
    """The PNG image of a page of the issue's file (rendered once, then read from the cache).

    The caller checks :func:`page_shown` first.

    Raises:
        ArchiveError: the issue has no PDF file in the archive.
        MissingDependency: Pillow is not installed (``[web]`` extra).
    """
    archive = view.archive
    sha = issue.source_sha256
    source = archive.objects.path(sha) if sha else None
    if source is None or not source.is_file():
        raise ArchiveError(archive.root, f"档案中没有第{issue.id}号公报记录的文件")
    width = min(WIDTHS, key=lambda w: abs(w - width))
    cached = archive.root / "cache" / "pages" / str(sha) / f"{page}-{width}.png"
    if cached.is_file():
        return cached.read_bytes()
    data = _render(source, page, width)
    _store(cached, data)
    return data


def _render(source: Path, page: int, width: int) -> bytes:
    try:
        import pypdfium2 as pdfium
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise MissingDependency("页面图像", "pypdfium2", None) from exc
    try:
        import PIL.Image  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependency("页面图像", "pillow", "web") from exc
    with _PDFIUM:
        pdf = pdfium.PdfDocument(str(source))
        try:
            if not 1 <= page <= len(pdf):
                raise ArchiveError(source, f"文件中没有第{page}页")
            pdf_page = pdf[page - 1]
            scale = width / pdf_page.get_width()
            image = pdf_page.render(scale=scale).to_pil()
            pdf_page.close()
        finally:
            pdf.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _store(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    temporary.write_bytes(data)
    os.replace(temporary, path)


__all__ = [
    "DEFAULT_WIDTH",
    "WIDTHS",
    "PageText",
    "file_page",
    "find_issue",
    "page_shown",
    "page_text",
    "printed_page",
    "render_page",
    "shown_pages",
]
