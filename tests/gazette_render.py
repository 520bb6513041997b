"""Render realistic gazette issues (政府公报) from known texts, for tests and benchmarks.

No public Chinese gazette PDF was available to the project, so the tests typeset their own from
real document texts, in the layout of DOMAIN.md §6: a cover (name, year and issue number, running
total, date), a table of contents (目录) grouped by section with dot leaders and page numbers, then
the items flowing one after another (an item starts mid-page when there is room), running headers
alternating left and right, and ``— N —`` page numbers. Printed page 1 is the first body page, so
printed numbers differ from PDF page indexes.

Each rendering returns a :class:`Layout` recording where every item landed (its PDF and printed
pages) and the paragraphs it holds, so tests compare what the splitter finds with the truth.

Variants: a born-digital PDF (reportlab, the Adobe CID font ``STSong-Light``, which every PDF
viewer maps to an installed Song/Serif CJK font), a scanned PDF (the pages rasterised to images,
no text layer), a DOCX issue (python-docx) and an HTML web edition (an index page plus one page
per item). The sample corpus's gazette (``archive_data/make_gazette.py``) uses the same code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

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


@dataclasses.dataclass(frozen=True)
class Para:
    """One paragraph of an item as printed.

    ``style``: ``title`` (centred, large), ``number`` (centred 发文字号), ``center``, ``right``
    (signature and date), ``body`` (first line indented two characters) or ``flush`` (no
    indent, e.g. the recipients line).
    """

    text: str
    style: str = "body"


@dataclasses.dataclass(frozen=True)
class ItemSpec:
    """An item to print: its 目录 section and title, its number and its paragraphs."""

    section: str
    title: str
    number: str | None
    paras: tuple[Para, ...]
    toc_head: str | None = (
        None  # a decree's head line in the 目录 (``中华人民共和国国务院令（第706号）``)
    )
    source: str = ""

    @property
    def text(self) -> str:
        """The item's text, normalised: every paragraph, whitespace removed."""
        return normalise("".join(p.text for p in self.paras))


@dataclasses.dataclass(frozen=True)
class IssueSpec:
    """An issue to print."""

    gazette: str
    short: str  # the name in running headers (``国务院公报``)
    year: int
    numbers: tuple[int, ...]
    items: tuple[ItemSpec, ...]
    unit: str = "期"
    total: int | None = None
    total_style: str = "总号：{}"
    date: dt.date | None = None
    sponsor: str | None = None
    toc: str | None = "paren"  # "paren": ……（4）; "leader": …… 4; None: no 目录
    blank_after_toc: bool = False
    title_metadata: bool = True  # write the issue label into the PDF's Title

    @property
    def label(self) -> str:
        return f"{self.year}年第{'、'.join(str(n) for n in self.numbers)}{self.unit}"

    @property
    def running_header(self) -> str:
        numbers = "-".join(str(n) for n in (self.numbers[0], self.numbers[-1]))
        if len(self.numbers) == 1:
            numbers = str(self.numbers[0])
        return f"{self.short}\u3000{self.year}·{numbers}"


@dataclasses.dataclass
class PlacedItem:
    """Where an item landed."""

    spec: ItemSpec
    pdf_pages: tuple[int, int]  # 1-based
    pages: tuple[int, int]  # printed
    mid_page: bool  # starts below other text on its first page


@dataclasses.dataclass
class Layout:
    """The rendered issue: where everything landed."""

    spec: IssueSpec
    page_count: int
    body_first_pdf_page: int
    items: list[PlacedItem]
    page_texts: dict[int, str]  # PDF page -> normalised text printed on it (body and furniture)
    body_texts: dict[int, str] = dataclasses.field(default_factory=dict)  # without furniture

    def truth(self) -> list[dict[str, object]]:
        return [
            {
                "title": p.spec.title,
                "number": p.spec.number,
                "section": p.spec.section,
                "pages": list(p.pages),
                "pdf_pages": list(p.pdf_pages),
                "mid_page": p.mid_page,
            }
            for p in self.items
        ]


def normalise(text: str) -> str:
    """Text for comparison: NFC, every space removed."""
    import unicodedata

    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


# --- sources --------------------------------------------------------------------------------


def paras_from_body_html(path: Path) -> tuple[Para, ...]:
    """The paragraphs of a gov.cn body page (``NN.body.html``), styled as a gazette prints them.

    The title lines come first (the page breaks the title over several ``<p>``, or with inner
    spaces), then the number; after it, right-aligned paragraphs stay right-aligned, centred
    ones centred, the recipients line is flush left, everything else is an indented paragraph.
    """
    from lxml import html as lxml_html

    tree = lxml_html.parse(str(path))
    raw: list[tuple[str, str]] = []
    for p in tree.iter("p"):
        text = " ".join(p.text_content().split())
        if text:
            raw.append((text, (p.get("style") or "").replace(" ", "")))
    paras: list[Para] = []
    number_seen = False
    decree = bool(raw) and raw[0][0].endswith("令") and len(raw) > 1 and raw[1][0].startswith("第")
    for index, (text, style) in enumerate(raw):
        if decree and index < 2:
            paras.append(Para(text.replace(" ", ""), "number" if index else "title"))
            continue
        if not number_seen and not decree:
            if re.search(r"〔\d{4}〕\d+号$", text) and len(text) < 30:
                if " " in text and not text.startswith(text.split()[-1]):
                    # ``…的复函 国办函〔2005〕21号``: title and number on one line.
                    head, number = text.rsplit(" ", 1)
                    paras.extend(Para(piece, "title") for piece in head.split(" "))
                    paras.append(Para(number, "number"))
                else:
                    paras.append(Para(text, "number"))
                number_seen = True
                continue
            paras.extend(Para(piece, "title") for piece in text.split(" "))
            continue
        if "text-align:right" in style:
            paras.append(Para(text, "right"))
        elif "text-align:center" in style:
            paras.append(Para(text, "center"))
        elif text.endswith("：") and paras and paras[-1].style in ("number", "title"):
            paras.append(Para(text, "flush"))
        else:
            paras.append(Para(text, "body"))
    return tuple(paras)


def paras_from_document_text(text: str) -> tuple[Para, ...]:
    """A plain-text official document (red head, number, title, …, 抄送, 印发) as a gazette prints
    it: without the red head and the 版记, with the title above the number."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    if blocks and blocks[0].endswith("文件"):
        blocks = blocks[1:]
    number, title = blocks[0], blocks[1]
    rest = blocks[2:]
    cut = next((k for k, b in enumerate(rest) if b.startswith("抄送")), None)
    if cut is None and rest and rest[-1].endswith("印发"):
        cut = len(rest) - (2 if len(rest) > 1 and len(rest[-2]) < 20 else 1)
    rest = rest[:cut]
    paras = [Para(title, "title"), Para(number, "number")]
    date_seen = False
    for index, block in enumerate(rest):
        line = block.replace("\n", "")
        if index == 0 and line.endswith("："):
            paras.append(Para(line, "flush"))
        elif re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", line):
            paras.append(Para(line, "right"))
            date_seen = True
        elif (
            not date_seen
            and index + 1 < len(rest)
            and re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", rest[index + 1].strip())
        ):
            paras.append(Para(line, "right"))
        elif date_seen and len(line) < 30 and not re.match(r"^[（(第]", line):
            paras.append(Para(line, "title"))  # the attached document's title
        else:
            paras.append(Para(line, "body"))
    return tuple(paras)


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


# --- output formats -------------------------------------------------------------------------


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


def render_docx(spec: IssueSpec, path: Path, layout: Layout) -> None:
    """The issue as one Word file: cover, 目录 (title, tab, page with a dot leader), items."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
    from docx.shared import Pt

    document = docx.Document()
    document.core_properties.title = f"{spec.gazette} {spec.label}"

    def add(text: str, align: object = None, size: float = 14, indent: bool = False) -> object:
        paragraph = document.add_paragraph()
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        if align is not None:
            paragraph.alignment = align
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(2 * size)
        return paragraph

    add(spec.gazette, WD_ALIGN_PARAGRAPH.CENTER, 26)
    add(spec.label, WD_ALIGN_PARAGRAPH.CENTER, 18)
    if spec.total is not None:
        add(spec.total_style.format(spec.total), WD_ALIGN_PARAGRAPH.CENTER)
    if spec.date is not None:
        add(
            f"{spec.date.year}年{spec.date.month}月{spec.date.day}日出版", WD_ALIGN_PARAGRAPH.CENTER
        )
    document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    if spec.toc is not None:
        add("目\u3000\u3000录", WD_ALIGN_PARAGRAPH.CENTER, 20)
        section = None
        for entry in layout.items:
            if entry.spec.section != section:
                section = entry.spec.section
                add(f"【{section}】")
            if entry.spec.toc_head:
                add(entry.spec.toc_head, size=12)
            paragraph = add(f"{entry.spec.title}\t{entry.pages[0]}", size=12)
            paragraph.paragraph_format.tab_stops.add_tab_stop(  # type: ignore[attr-defined]
                Pt(440), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
            )
        document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    for entry in layout.items:
        for para in entry.spec.paras:
            if para.style == "title":
                add(para.text, WD_ALIGN_PARAGRAPH.CENTER, 20)
            elif para.style in ("number", "center"):
                add(para.text, WD_ALIGN_PARAGRAPH.CENTER)
            elif para.style == "right":
                add(para.text, WD_ALIGN_PARAGRAPH.RIGHT)
            else:
                add(para.text, indent=para.style == "body")
    document.save(str(path))


def render_html(spec: IssueSpec, folder: Path) -> list[str]:
    """The issue as a web edition: ``index.html`` (cover data and 目录 with links) and one page
    per item (``content_N.html``). Returns the item page names in order."""
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    toc: list[str] = []
    section = None
    for index, item in enumerate(spec.items, start=1):
        name = f"content_{index}.html"
        names.append(name)
        if item.section != section:
            if section is not None:
                toc.append("</ul>")
            section = item.section
            toc.append(f"<h3>【{html.escape(section)}】</h3><ul>")
        head = f"{html.escape(item.toc_head)}<br>" if item.toc_head else ""
        toc.append(f'<li>{head}<a href="{name}">{html.escape(item.title)}</a></li>')
        body = []
        for para in item.paras:
            align = {"title": "center", "number": "center", "center": "center", "right": "right"}
            style = (
                f"text-align: {align[para.style]}"
                if para.style in align
                else ("text-indent: 2em" if para.style == "body" else "")
            )
            tag = "h1" if para.style == "title" else "p"
            body.append(f'<{tag} style="{style}">{html.escape(para.text)}</{tag}>')
        (folder / name).write_text(
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
            f"<title>{html.escape(item.title)}</title></head><body>"
            f'<div class="pages_content">{"".join(body)}</div>'
            f'<p class="nav"><a href="index.html">返回目录</a></p></body></html>\n',
            encoding="utf-8",
        )
    toc.append("</ul>")
    total = f"<p>{html.escape(spec.total_style.format(spec.total))}</p>" if spec.total else ""
    date = f"<p>{spec.date.year}年{spec.date.month}月{spec.date.day}日出版</p>" if spec.date else ""
    (folder / "index.html").write_text(
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{html.escape(spec.gazette)} {spec.label}</title></head><body>"
        f"<h1>{html.escape(spec.gazette)}</h1><p>{spec.label}</p>{total}{date}"
        f"<h2>目录</h2>{''.join(toc)}</body></html>\n",
        encoding="utf-8",
    )
    return names


# --- fixtures made of the real corpus -------------------------------------------------------

PERSONNEL = ItemSpec(
    section="人事任免",
    title="国务院任免国家工作人员",
    number=None,
    paras=(
        Para("国务院任免国家工作人员", "title"),
        Para(
            "任命陈立新为国家发展和改革委员会副主任；免去周文华的国家发展和改革委员会副主任职务。"
        ),
        Para("任命孙建平为教育部副部长。"),
        Para("免去刘志强的水利部副部长职务。"),
    ),
    source="written for the tests",
)


def corpus_item(corpus: Path, number: str, section: str) -> ItemSpec:
    """An item from ``govcn/NN.body.html`` with its truth (title and number)."""
    import json

    truth = json.loads((corpus / "govcn" / f"{number}.truth.json").read_text(encoding="utf-8"))
    paras = paras_from_body_html(corpus / "govcn" / f"{number}.body.html")
    head = None
    doc_number = truth["发文字号"]
    if paras[0].text.endswith("令") and paras[1].text.startswith("第"):
        head = f"{paras[0].text}（{paras[1].text}）"
    return ItemSpec(section, truth["标题"], doc_number, paras, head, f"govcn/{number}")


def national_issue(corpus: Path, **overrides: object) -> IssueSpec:
    """A combined issue of the State Council gazette made of eight real documents: a decree,
    State Council and General Office documents (one title wraps over three lines, one item is
    a few lines long), and a personnel item with no number."""
    items = (
        corpus_item(corpus, "58", "国务院令"),
        corpus_item(corpus, "01", "国务院文件"),
        corpus_item(corpus, "16", "国务院文件"),
        corpus_item(corpus, "55", "国务院文件"),
        corpus_item(corpus, "13", "国务院办公厅文件"),
        corpus_item(corpus, "28", "国务院办公厅文件"),
        corpus_item(corpus, "37", "国务院办公厅文件"),
        PERSONNEL,
    )
    fields: dict[str, object] = {
        "gazette": "中华人民共和国国务院公报",
        "short": "国务院公报",
        "year": 2019,
        "numbers": (5, 6),
        "items": items,
        "total": 1654,
        "date": dt.date(2019, 2, 28),
        "sponsor": "中华人民共和国国务院办公厅主办",
        "toc": "paren",
        "blank_after_toc": True,
    }
    fields.update(overrides)
    return IssueSpec(**fields)  # type: ignore[arg-type]


def small_issue(corpus: Path, **overrides: object) -> IssueSpec:
    """A short single issue (three short items, leader-style page numbers, ``总第N期``): the
    scanned fixture, small enough to OCR in the test suite."""
    items = (
        corpus_item(corpus, "16", "国务院文件"),
        corpus_item(corpus, "31", "国务院办公厅文件"),
        corpus_item(corpus, "28", "国务院办公厅文件"),
    )
    fields: dict[str, object] = {
        "gazette": "中华人民共和国国务院公报",
        "short": "国务院公报",
        "year": 2006,
        "numbers": (30,),
        "unit": "号",
        "items": items,
        "total": 738,
        "total_style": "总第{}期",
        "date": dt.date(2006, 10, 30),
        "toc": "leader",
    }
    fields.update(overrides)
    return IssueSpec(**fields)  # type: ignore[arg-type]


def render_all(
    spec: IssueSpec, folder: Path, stem: str, formats: Iterable[str] = ("pdf",)
) -> Layout:
    """Render ``spec`` into ``folder`` in the given formats (``pdf``, ``scan``, ``docx``,
    ``html``); returns the layout of the PDF."""
    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / f"{stem}.pdf"
    layout = render_pdf(spec, pdf)
    formats = set(formats)
    if "scan" in formats:
        rasterise(pdf, folder / f"{stem}-scan.pdf")
    if "docx" in formats:
        render_docx(spec, folder / f"{stem}.docx", layout)
    if "html" in formats:
        render_html(spec, folder / f"{stem}-web")
    return layout


@dataclasses.dataclass
class Fixtures:
    """The issues the tests use, rendered once per session."""

    folder: Path
    national: Layout  # combined issue, 目录 with （N） markers, a blank page after the 目录
    national_pdf: Path
    national_docx: Path
    national_web: Path  # the web edition's index page
    notoc: Layout  # the same items without a 目录
    notoc_pdf: Path
    small: Layout  # single issue, 目录 with …… N markers, 总第N期
    small_pdf: Path
    small_scan: Path  # rasterised at 300 dpi, no text layer, no PDF Title
    small_scan_titled: Path  # the same scan with the issue named in its PDF Title


def render_fixtures(corpus: Path, folder: Path) -> Fixtures:
    """Render every fixture issue into ``folder``."""
    national = national_issue(corpus)
    national_layout = render_all(national, folder, "national", formats=("pdf", "docx", "html"))
    notoc_layout = render_all(national_issue(corpus, toc=None), folder, "notoc")
    small = small_issue(corpus)
    small_layout = render_all(small, folder, "small")
    rasterise(folder / "small.pdf", folder / "small-scan.pdf")
    scan_title = f"{small.gazette} {small.label}"
    rasterise(folder / "small.pdf", folder / "small-scan-titled.pdf", title=scan_title)
    return Fixtures(
        folder=folder,
        national=national_layout,
        national_pdf=folder / "national.pdf",
        national_docx=folder / "national.docx",
        national_web=folder / "national-web" / "index.html",
        notoc=notoc_layout,
        notoc_pdf=folder / "notoc.pdf",
        small=small_layout,
        small_pdf=folder / "small.pdf",
        small_scan=folder / "small-scan.pdf",
        small_scan_titled=folder / "small-scan-titled.pdf",
    )
