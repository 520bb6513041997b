"""Typesetting a gazette issue (:mod:`tests.gazette_issues`) and printing it as a PDF, in the
layout of DOMAIN.md §6: a cover (name, year and issue number, running total, date), a table of
contents (目录) grouped by section with dot leaders and page numbers, then the items flowing one
after another (an item starts mid-page when there is room), running headers alternating left and
right, and ``— N —`` page numbers. Printed page 1 is the first body page, so printed numbers
differ from PDF page indexes.

A born-digital PDF (reportlab, the Adobe CID font ``STSong-Light``, which every PDF viewer maps
to an installed Song/Serif CJK font), and a scanned copy of it (the pages rasterised to images,
no text layer).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from tests.gazette_issues import IssueSpec, Layout, Para, PlacedItem, normalise

FONT = "STSong-Light"
PAGE_W, PAGE_H = 595.28, 841.89  # A4 in points
LEFT, RIGHT = 70.0, 70.0
TEXT_W = PAGE_W - LEFT - RIGHT
BODY_SIZE = 14.0
BODY_LEADING = BODY_SIZE * 1.75
TITLE_SIZE = 20.0
TITLE_LEADING = TITLE_SIZE * 1.6
BODY_TOP = PAGE_H - 92.0  # first baseline
BODY_BOTTOM = 88.0  # no baseline below this
HEADER_Y = PAGE_H - 52.0
FOOTER_Y = 44.0
FURNITURE_SIZE = 10.5
TOC_SIZE = 12.5
TOC_LEADING = TOC_SIZE * 1.9

# Characters that may not start a line (避头点), pulled back onto the previous line.
_NO_LINE_START = set("，。、；：？！）》」』”’…—,.;:?!)")


# --- typesetting ----------------------------------------------------------------------------


def _width(text: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    _register_font()
    return float(stringWidth(text, FONT, size))


def wrap(text: str, size: float, width: float, first_indent: float = 0.0) -> list[str]:
    """Break a paragraph into lines of at most ``width`` points (CJK: anywhere but before
    closing punctuation, which hangs in the margin instead)."""
    lines: list[str] = []
    current, used = "", 0.0
    available = width - first_indent
    for char in text:
        advance = _width(char, size)
        if used + advance <= available or not current or char in _NO_LINE_START:
            current += char
            used += advance
            continue
        lines.append(current)
        current, used = char, advance
        available = width
    if current:
        lines.append(current)
    return lines


@dataclasses.dataclass
class _Run:
    """One printed line: text, font size, x, baseline y."""

    text: str
    size: float
    x: float
    y: float


class _Pages:
    """Pages being filled: a list of runs per page."""

    def __init__(self) -> None:
        self.pages: list[list[_Run]] = []

    def new(self) -> int:
        self.pages.append([])
        return len(self.pages)

    def put(self, page: int, run: _Run) -> None:
        self.pages[page - 1].append(run)


def _centred(text: str, size: float) -> float:
    return LEFT + (TEXT_W - _width(text, size)) / 2


def _set_paragraph(para: Para) -> list[tuple[str, float, float, float]]:
    """The lines of a paragraph: ``(text, size, x, leading)``."""
    if para.style == "title":
        return [
            (line, TITLE_SIZE, _centred(line, TITLE_SIZE), TITLE_LEADING)
            for line in wrap(para.text, TITLE_SIZE, TEXT_W)
        ]
    if para.style in ("number", "center"):
        return [
            (line, BODY_SIZE, _centred(line, BODY_SIZE), BODY_LEADING)
            for line in wrap(para.text, BODY_SIZE, TEXT_W - 4 * BODY_SIZE)
        ]
    if para.style == "right":
        right_edge = LEFT + TEXT_W - 2 * BODY_SIZE
        return [
            (line, BODY_SIZE, right_edge - _width(line, BODY_SIZE), BODY_LEADING)
            for line in wrap(para.text, BODY_SIZE, TEXT_W - 4 * BODY_SIZE)
        ]
    indent = 2 * BODY_SIZE if para.style == "body" else 0.0
    lines = wrap(para.text, BODY_SIZE, TEXT_W, indent)
    return [
        (line, BODY_SIZE, LEFT + (indent if k == 0 else 0.0), BODY_LEADING)
        for k, line in enumerate(lines)
    ]


def _lay_out_body(
    spec: IssueSpec, first_pdf_page: int
) -> tuple[list[list[_Run]], list[PlacedItem]]:
    """Flow the items over body pages. Returns runs per body page and where items landed."""
    pages: list[list[_Run]] = [[]]
    y = BODY_TOP
    placed: list[PlacedItem] = []
    for item in spec.items:
        lines: list[tuple[str, float, float, float, str]] = []
        for para in item.paras:
            lines.extend((*line, para.style) for line in _set_paragraph(para))
        mid_page = bool(pages[-1])
        if pages[-1]:
            y -= 1.5 * BODY_LEADING  # space between items
            if y - 6 * BODY_LEADING < BODY_BOTTOM:  # too little room left: new page
                pages.append([])
                y = BODY_TOP
                mid_page = False
        first_page = len(pages)
        previous_style = None
        for text, size, x, leading, style in lines:
            if pages[-1] and previous_style is not None:
                y -= leading
                if previous_style in ("title", "number") and style not in ("title", "number"):
                    y -= 0.5 * BODY_LEADING
                if style == "title" and previous_style != "title":
                    y -= 0.5 * BODY_LEADING
            if y < BODY_BOTTOM:
                pages.append([])
                y = BODY_TOP
            pages[-1].append(_Run(text, size, x, y))
            previous_style = style
        last_page = len(pages)
        placed.append(
            PlacedItem(
                item,
                (first_pdf_page + first_page - 1, first_pdf_page + last_page - 1),
                (first_page, last_page),
                mid_page,
            )
        )
    return pages, placed


def _toc_lines(spec: IssueSpec, placed: Sequence[PlacedItem]) -> list[_Run]:
    """The 目录 as runs (y relative: filled in by the caller's pagination)."""
    runs: list[_Run] = []
    page_col = 3.2 * TOC_SIZE  # room for ``（123）``
    section = None
    for entry in placed:
        item = entry.spec
        if item.section != section:
            section = item.section
            runs.append(_Run(f"【{section}】", BODY_SIZE, LEFT, 0.0))
        heads = [item.toc_head] if item.toc_head else []
        for head in heads:
            runs.append(_Run(head, TOC_SIZE, LEFT + TOC_SIZE, 0.0))
        indent = LEFT + (2 if item.toc_head else 1) * TOC_SIZE
        width = LEFT + TEXT_W - indent - page_col - 2 * TOC_SIZE
        title_lines = wrap(item.title, TOC_SIZE, width)
        marker = f"（{entry.pages[0]}）" if spec.toc == "paren" else str(entry.pages[0])
        for k, line in enumerate(title_lines):
            x = indent + (TOC_SIZE if k else 0.0)
            if k < len(title_lines) - 1:
                runs.append(_Run(line, TOC_SIZE, x, 0.0))
                continue
            marker_x = LEFT + TEXT_W - _width(marker, TOC_SIZE)
            leader_start = x + _width(line, TOC_SIZE) + TOC_SIZE * 0.5
            dots = "…" * max(
                2, int((marker_x - TOC_SIZE * 0.6 - leader_start) // _width("…", TOC_SIZE))
            )
            gap = " " if spec.toc == "leader" else ""
            runs.append(_Run(line + dots + gap, TOC_SIZE, x, 0.0))
            runs.append(_Run(marker, TOC_SIZE, marker_x, -1.0))  # same baseline as previous
    return runs


def _paginate_toc(runs: list[_Run]) -> list[list[_Run]]:
    pages: list[list[_Run]] = []
    y = BODY_TOP
    current: list[_Run] = [
        _Run("目\u3000\u3000录", TITLE_SIZE, _centred("目\u3000\u3000录", TITLE_SIZE), y)
    ]
    y -= TITLE_LEADING * 1.5
    for run in runs:
        if run.y == -1.0:  # the page marker sits on the previous line's baseline
            current.append(_Run(run.text, run.size, run.x, current[-1].y))
            continue
        if run.text.startswith("【") and len(current) > 1:
            y -= 0.4 * TOC_LEADING
        if y < BODY_BOTTOM:
            pages.append(current)
            current, y = [], BODY_TOP
        current.append(_Run(run.text, run.size, run.x, y))
        y -= TOC_LEADING
    pages.append(current)
    return pages


def _cover(spec: IssueSpec) -> list[_Run]:
    runs: list[_Run] = []
    y = PAGE_H - 190
    size = 30.0 if len(spec.gazette) <= 12 else 26.0
    runs.append(_Run(spec.gazette, size, _centred(spec.gazette, size), y))
    y -= 70
    runs.append(_Run(spec.label, 18, _centred(spec.label, 18), y))
    if spec.total is not None:
        y -= 36
        total = spec.total_style.format(spec.total)
        runs.append(_Run(total, 14, _centred(total, 14), y))
    if spec.sponsor:
        runs.append(_Run(spec.sponsor, 14, _centred(spec.sponsor, 14), 150))
    if spec.date is not None:
        date = f"{spec.date.year}年{spec.date.month}月{spec.date.day}日出版"
        runs.append(_Run(date, 14, _centred(date, 14), 120))
    return runs


def lay_out(spec: IssueSpec) -> tuple[list[list[_Run]], list[list[_Run]], Layout]:
    """Pages with their runs (front matter, body) and the layout record."""
    front: list[list[_Run]] = [_cover(spec)]
    # The 目录 needs the body's page numbers and the body's PDF pages need the 目录's length:
    # printed numbers start at 1 on the first body page, so lay the body out first.
    body, placed = _lay_out_body(spec, first_pdf_page=1)
    if spec.toc is not None:
        front.extend(_paginate_toc(_toc_lines(spec, placed)))
        if spec.blank_after_toc:
            front.append([])
    offset = len(front)
    for entry in placed:
        entry.pdf_pages = (entry.pdf_pages[0] + offset, entry.pdf_pages[1] + offset)
    texts: dict[int, str] = {}
    for index, runs in enumerate(front + body, start=1):
        texts[index] = normalise("".join(r.text for r in runs))
    layout = Layout(spec, len(front) + len(body), offset + 1, placed, texts, dict(texts))
    return front, body, layout


# --- the PDF and its scan -------------------------------------------------------------------


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def render_pdf(spec: IssueSpec, path: Path) -> Layout:
    """Typeset the issue as a born-digital PDF (text layer) at ``path``."""
    from reportlab.pdfgen import canvas

    _register_font()
    front, body, layout = lay_out(spec)
    pdf = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H), invariant=1)
    if spec.title_metadata:
        pdf.setTitle(f"{spec.gazette} {spec.label}")
    pdf.setCreator("gazette test renderer")
    for runs in front:
        for run in runs:
            pdf.setFont(FONT, run.size)
            pdf.drawString(run.x, run.y, run.text)
        pdf.showPage()
    for printed, runs in enumerate(body, start=1):
        pdf.setFont(FONT, FURNITURE_SIZE)
        header = spec.running_header
        if printed % 2 == 0:  # verso: header on the left
            pdf.drawString(LEFT, HEADER_Y, header)
        else:  # recto: on the right
            pdf.drawRightString(LEFT + TEXT_W, HEADER_Y, header)
        pdf.setLineWidth(0.6)
        pdf.line(LEFT, HEADER_Y - 6, LEFT + TEXT_W, HEADER_Y - 6)
        pdf.drawCentredString(PAGE_W / 2, FOOTER_Y, f"— {printed} —")
        for run in runs:
            pdf.setFont(FONT, run.size)
            pdf.drawString(run.x, run.y, run.text)
        pdf.showPage()
    pdf.save()
    for printed, index in enumerate(range(layout.body_first_pdf_page, layout.page_count + 1), 1):
        layout.page_texts[index] += normalise(f"{spec.running_header}— {printed} —")
    return layout


def rasterise(
    pdf_path: Path, out_path: Path, *, dpi: int = 300, noise: float = 0.0, title: str | None = None
) -> None:
    """A scanned copy of a PDF: every page an image, no text layer.

    Args:
        dpi: scan resolution.
        noise: spread of the grey noise blended into each page (0 for a clean scan).
        title: the scan's PDF Title (a scanner leaves none; an archivist may set one).
    """
    import pypdfium2 as pdfium
    from PIL import Image

    document = pdfium.PdfDocument(str(pdf_path))
    images: list[Image.Image] = []
    try:
        for page in document:
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            if noise:
                speckle = Image.effect_noise(image.size, noise)
                image = Image.blend(image, speckle, 0.15)
            images.append(image)
    finally:
        document.close()
    images[0].save(
        out_path,
        "PDF",
        resolution=float(dpi),
        save_all=True,
        append_images=images[1:],
        title=title or "",
    )
