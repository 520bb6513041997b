"""Scans made the way a scanner, a photocopier and a 1950s typesetter would make them.

The OCR tests and ``benchmarks/bench_ocr.py`` need page images whose text is known. They are
made here from real text (the gov.cn documents of the corpus, via :mod:`tests.gazette_issues`
and :mod:`tests.gazette_pdf` for gazette issues):

* :func:`scan_pdf` rasterises a born-digital PDF at a scanner's resolution (200 dpi by default)
  and, with ``degraded=True``, passes every page through :func:`degrade`: a copy of a copy
  (downsampled and blown up again), set a little askew (0.5-2°), speckled, yellowed, with the
  other side of the sheet showing through, and JPEG-compressed as scanners store pages;
* :func:`vertical_pages` typesets paragraphs vertically, as gazettes of the 1950s were: columns
  of characters read top to bottom, the columns right to left, the title in a larger type in
  the first (rightmost) columns, punctuation in the upper right of its cell, and the page
  number under the text.

Every function is deterministic for a given seed, so a measured error rate can be compared from
run to run.
"""

from __future__ import annotations

import dataclasses
import io
import random
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
SERIF_BOLD = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"
SC_INDEX = 2  # the Simplified Chinese face inside the collection


def _font(path: str, size: int) -> Any:
    from PIL import ImageFont

    try:
        return ImageFont.truetype(path, size, index=SC_INDEX)
    except OSError:  # a collection ordered differently
        return ImageFont.truetype(path, size)


def fonts_available() -> bool:
    return Path(SERIF).exists()


# --- degradation ----------------------------------------------------------------------------


def degrade(image: Any, *, seed: int, back: Any | None = None) -> Any:
    """A photocopied, yellowed scan of a clean greyscale page (a PIL image, mode ``L``).

    Args:
        seed: picks the angle, the noise and the compression, reproducibly.
        back: the page printed on the other side of the sheet (shows through, mirrored).

    Returns:
        An RGB image of the same size.
    """
    import numpy as np
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    width, height = image.size
    # A copy of a copy: detail lost to a coarser resolution, then blown up again.
    factor = rng.uniform(0.55, 0.7)
    small = image.resize((int(width * factor), int(height * factor)), Image.Resampling.BILINEAR)
    page = small.resize((width, height), Image.Resampling.BICUBIC)
    page = page.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.7)))
    ink = 255.0 - np.asarray(page, dtype=np.float32)
    if back is not None:
        mirrored = np.asarray(back.transpose(Image.Transpose.FLIP_LEFT_RIGHT), dtype=np.float32)
        ink = np.maximum(ink, (255.0 - mirrored) * rng.uniform(0.1, 0.16))
    # Toner is uneven: ink a little lighter here and there.
    ink *= rng.uniform(0.82, 0.95)
    grey = 255.0 - ink
    noise = np.random.default_rng(seed).normal(0.0, rng.uniform(8.0, 14.0), grey.shape)
    grey = np.clip(grey + noise, 0, 255)
    specks = np.random.default_rng(seed + 1).random(grey.shape) < 0.0015
    grey[specks] = rng.uniform(40, 90)
    # Yellowed paper: white becomes cream, ink stays dark.
    paper = np.array([236.0, 224.0, 188.0]) * rng.uniform(0.96, 1.0)
    rgb = grey[..., None] / 255.0 * paper[None, None, :]
    page = Image.fromarray(rgb.astype(np.uint8), "RGB")
    angle = rng.uniform(0.5, 2.0) * rng.choice((-1, 1))
    page = page.rotate(
        angle, resample=Image.Resampling.BICUBIC, fillcolor=tuple(int(c) for c in paper)
    )
    buffer = io.BytesIO()
    page.save(buffer, "JPEG", quality=rng.randint(30, 45))
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def render_pages(pdf_path: Path, dpi: int) -> list[Any]:
    """Every page of a PDF as a greyscale PIL image."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf_path))
    try:
        return [
            page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for page in document
        ]
    finally:
        document.close()


def save_scan(images: Sequence[Any], out_path: Path, *, dpi: int, title: str | None = None) -> None:
    """Page images as a scanned PDF (JPEG pages, no text layer)."""
    first, *rest = [image.convert("RGB") for image in images]
    first.save(
        out_path,
        "PDF",
        resolution=float(dpi),
        save_all=True,
        append_images=rest,
        title=title or "",
        quality=80,
    )


def scan_pdf(
    pdf_path: Path,
    out_path: Path,
    *,
    dpi: int = 200,
    degraded: bool = False,
    seed: int = 0,
    title: str | None = None,
) -> list[Any]:
    """A scanned copy of a PDF (see the module docstring). Returns the page images."""
    pages = render_pages(pdf_path, dpi)
    if degraded:
        pages = [
            degrade(page, seed=seed + k, back=pages[k + 1] if k + 1 < len(pages) else None)
            for k, page in enumerate(pages)
        ]
    save_scan(pages, out_path, dpi=dpi, title=title)
    return pages


# --- vertical typesetting -------------------------------------------------------------------

# Punctuation set in the upper right quarter of its cell in vertical text.
_CORNER = set("，。、")
# Brackets, dashes and colons turned a quarter clockwise (their vertical forms), centred.
_TURNED = set("（）《》〈〉「」『』【】〔〕“”‘’—…-()：；")
_NO_COLUMN_START = set("，。、；：！？）》」』〕】”’")


@dataclasses.dataclass
class VerticalPage:
    """A vertically typeset page and the text on it, column by column, right to left."""

    image: Any
    columns: list[str]
    number: int

    @property
    def text(self) -> str:
        return "".join(self.columns)


def _glyph(char: str, font: Any, size: int) -> Any:
    """A character's ink as a mask (255 = ink), cropped to it."""
    from PIL import Image, ImageDraw

    canvas = Image.new("L", (size * 2, size * 2), 0)
    ImageDraw.Draw(canvas).text((size // 2, size // 2), char, font=font, fill=255)
    box = canvas.getbbox()
    return canvas.crop(box) if box else canvas.crop((0, 0, 1, 1))


def _columns(text: str, per_column: int, indent: int) -> list[str]:
    columns: list[str] = []
    current = "\u3000" * indent
    for char in text:
        if len(current) >= per_column and char not in _NO_COLUMN_START:
            columns.append(current)
            current = ""
        current += char
    if current:
        columns.append(current)
    return columns


def vertical_pages(
    title: str,
    paragraphs: Sequence[str],
    *,
    number: str | None = None,
    dpi: int = 200,
    size_pt: float = 12.0,
    first_page: int = 1,
    seed: int = 0,
    degraded: bool = False,
) -> list[VerticalPage]:
    """Typeset a document vertically on 16开 pages (185 × 260 mm), right to left.

    Args:
        title: set in larger bold type in the first columns, centred in them.
        paragraphs: body paragraphs; each starts a new column, indented two characters.
        number: the document number, in a column of its own after the title.
        size_pt: body type size.
        first_page: the printed number of the first page.
        degraded: pass each page through :func:`degrade`.
    """
    from PIL import Image, ImageDraw

    width, height = round(185 / 25.4 * dpi), round(260 / 25.4 * dpi)
    px = round(size_pt / 72 * dpi)
    title_px = round(px * 1.5)
    pitch = round(px * 1.08)  # characters sit close in a column
    column_gap = round(px * 0.75)
    top, bottom = round(height * 0.08), round(height * 0.1)
    right = width - round(width * 0.1)
    left = round(width * 0.1)
    per_column = (height - top - bottom) // pitch
    body_font = _font(SERIF, px)
    title_font = _font(SERIF_BOLD, title_px)
    page_font = _font(SERIF, round(px * 0.8))

    # (text, font, size, pitch, centred) per column, in order
    columns: list[tuple[str, Any, int, int, bool]] = []
    title_per_column = (height - top - bottom) // round(title_px * 1.1)
    for piece in _columns(title, title_per_column - 2, 0):
        columns.append((piece, title_font, title_px, round(title_px * 1.1), True))
    if number:
        columns.append((number, body_font, px, pitch, True))
    for paragraph in paragraphs:
        for piece in _columns(paragraph, per_column, 2):
            columns.append((piece, body_font, px, pitch, False))

    pages: list[VerticalPage] = []
    image: Any = None
    draw: Any = None
    x = 0
    texts: list[str] = []

    def new_page() -> None:
        nonlocal image, draw, x, texts
        if image is not None:
            pages.append(VerticalPage(image, texts, first_page + len(pages)))
        image = Image.new("L", (width, height), 255)
        draw = ImageDraw.Draw(image)
        x = right
        texts = []

    new_page()
    for text, font, size, step, centred in columns:
        column_width = size + column_gap
        if x - column_width < left:
            new_page()
        cx = x - size  # the column's left edge
        used = len(text) * step
        y = top + ((height - top - bottom - used) // 2 if centred else 0)
        for char in text:
            if char == "\u3000":
                y += step
                continue
            if char in _CORNER or char in _TURNED:
                glyph = _glyph(char, font, size)
                if char in _TURNED:
                    glyph = glyph.rotate(-90, expand=True)
                w, h = glyph.size
                if char in _CORNER:  # upper right quarter of the cell
                    at = (cx + size - w - size // 10, y + size // 10)
                else:  # centred in the cell
                    at = (cx + (size - w) // 2, y + (size - h) // 2)
                image.paste(0, at, mask=glyph)
            else:
                draw.text((cx, y - size * 0.12), char, font=font, fill=0)
            y += step
        texts.append(text.replace("\u3000", ""))
        x -= column_width + (column_gap if centred else 0)
    pages.append(VerticalPage(image, texts, first_page + len(pages)))
    for page in pages:
        marker = f"— {page.number} —"
        d = ImageDraw.Draw(page.image)
        w = d.textlength(marker, font=page_font)
        d.text(((width - w) / 2, height - bottom * 0.6), marker, font=page_font, fill=0)
    if degraded:
        for k, page in enumerate(pages):
            back = pages[k + 1].image if k + 1 < len(pages) else None
            page.image = degrade(page.image, seed=seed + k, back=back)
    return pages


def vertical_document(corpus: Path, number: str, **options: Any) -> list[VerticalPage]:
    """A gov.cn document of the corpus (``govcn/NN.body.html``) typeset vertically."""
    from tests.gazette_issues import paras_from_body_html

    paras = paras_from_body_html(corpus / "govcn" / f"{number}.body.html")
    title = "".join(p.text for p in paras if p.style == "title")
    doc_number = next((p.text for p in paras if p.style == "number"), None)
    body = [p.text for p in paras if p.style not in ("title", "number")]
    return vertical_pages(title, body, number=doc_number, **options)


# --- a municipal combined issue -------------------------------------------------------------


def municipal_issue(corpus: Path, *, short: bool = False, **overrides: object) -> Any:
    """A city gazette's combined issue (``2024年第5、6期``) of three real documents: the city
    government office's 印发 notice with the 工作要点 it issues (the seed document), and two
    State Council documents the city gazette reprints, each section headed in the 目录.

    ``short``: the city's notice without the 工作要点 it issues (a few pages in all, for tests).
    """
    import datetime as dt

    from tests.gazette_issues import IssueSpec, ItemSpec, corpus_item, paras_from_document_text

    seed = (corpus / "seed" / "jinan-2017-27.txt").read_text(encoding="utf-8")
    paras = paras_from_document_text(seed)
    if short:  # the notice up to its date
        dated = next(k for k, p in enumerate(paras) if p.style == "right" and "年" in p.text)
        paras = paras[: dated + 1]
    city = ItemSpec(
        section="市政府办公厅文件",
        title="济南市人民政府办公厅关于印发2017年济南市政务公开工作要点的通知",
        number="济政办发〔2017〕27号",
        paras=paras,
        source="seed/jinan-2017-27.txt",
    )
    items = (
        corpus_item(corpus, "46", "国务院文件"),
        corpus_item(corpus, "43", "国务院办公厅文件"),
        city,
    )
    fields: dict[str, object] = {
        "gazette": "济南市人民政府公报",
        "short": "济南市人民政府公报",
        "year": 2024,
        "numbers": (5, 6),
        "items": items,
        "total": 412,
        "total_style": "总第{}期",
        "date": dt.date(2024, 3, 30),
        "sponsor": "济南市人民政府办公厅编印",
        "toc": "paren",
    }
    fields.update(overrides)
    return IssueSpec(**fields)  # type: ignore[arg-type]


def text_of_vertical(pages: Sequence[VerticalPage]) -> str:
    """The text of vertical pages for comparison (NFKC: vertical forms as their plain ones)."""
    return "".join(unicodedata.normalize("NFKC", page.text) for page in pages)


__all__ = [
    "VerticalPage",
    "degrade",
    "fonts_available",
    "municipal_issue",
    "render_pages",
    "save_scan",
    "scan_pdf",
    "text_of_vertical",
    "vertical_document",
    "vertical_pages",
]
