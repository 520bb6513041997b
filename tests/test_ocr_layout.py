"""Layout before recognition: skew, direction, columns, cleaning; and what the engines read on
degraded, vertical and two-column pages made from real text (``tests/scan_render.py``)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest

from ingest import ocr
from ingest.ocr import layout
from tests.conftest import corpus_path
from tests.scan_render import (
    SERIF,
    degrade,
    fonts_available,
    render_pages,
    text_of_vertical,
    vertical_document,
)
from tests.test_ocr import cer

needs_fonts = pytest.mark.skipif(not fonts_available(), reason="no CJK font to typeset pages")


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub("[\u00ad\u2010-\u2015\u2212\uff0d-]", "-", text)
    return re.sub(r"[\s\u3000…·]+", "", text)


@pytest.fixture(scope="module")
def govdoc_pages() -> list[Any]:
    """The real GB/T 9704 公文 (GovDoc-CN 397) rendered at 200 dpi."""
    return render_pages(corpus_path("govdoc-cn", "397.pdf"), 200)


def _text_layer(page: int) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(corpus_path("govdoc-cn", "397.pdf")))
    try:
        textpage = document[page - 1].get_textpage()
        return str(textpage.get_text_range())
    finally:
        document.close()


# --- measuring the page ---------------------------------------------------------------------


@pytest.mark.parametrize("turn", [0.0, 0.7, -1.5, 2.0], ids=["straight", "0.7", "-1.5", "2.0"])
def test_skew_is_measured_on_a_real_page(govdoc_pages: list[Any], turn: float) -> None:
    image = govdoc_pages[1].rotate(turn, fillcolor=255)
    measured = layout.analyse(np.asarray(image))
    assert not measured.vertical and not measured.blank
    assert measured.angle == pytest.approx(-turn, abs=0.2)


@needs_fonts
@pytest.mark.parametrize("degraded", [False, True], ids=["clean", "photocopied"])
def test_vertical_pages_are_told_from_horizontal_ones(
    govdoc_pages: list[Any], degraded: bool
) -> None:
    [first, *_] = vertical_document(corpus_path(), "43", degraded=degraded, seed=3)
    assert layout.analyse(layout.clean(np.asarray(first.image.convert("L")))).vertical
    page = govdoc_pages[2]
    if degraded:
        page = degrade(page, seed=4, back=govdoc_pages[3])
    assert not layout.analyse(layout.clean(np.asarray(page.convert("L")))).vertical


def test_paper_and_the_other_side_of_the_sheet_are_whitened(govdoc_pages: list[Any]) -> None:
    printed = np.asarray(degrade(govdoc_pages[1], seed=2, back=govdoc_pages[2]).convert("L"))
    cleaned = layout.clean(printed)

    # Off the ink (more than two pixels from any clearly dark pixel): the paper's tone, noise,
    # the mirrored page. Next to it, the grey edges of strokes and marks, which stay.
    off_ink = ~layout._dilate(printed < 140, 2)

    def light(a: Any) -> float:  # neither ink nor white
        return float(((a >= 150) & (a < 235) & off_ink).sum() / off_ink.sum())

    assert light(printed) > 0.5 and light(cleaned) < 0.005
    assert (cleaned < 128).sum() == (printed < 128).sum()  # the ink is untouched
    # For a vertical page's small marks, the grey edges of the ink are kept wider; the paper
    # and the mirrored page off the ink are whitened all the same.
    kept = layout.clean(printed, marks=True)
    assert light(kept) < 0.005 and (kept < 255).sum() > 1.1 * (cleaned < 255).sum()
    assert ((kept < 255) | (cleaned == 255)).all()


# --- reading order --------------------------------------------------------------------------


@attrs.frozen
class Box:
    name: str
    x0: float
    top: float
    x1: float
    bottom: float


def test_two_columns_are_read_one_after_the_other_under_a_spanning_title() -> None:
    boxes = [Box("title", 60, 40, 540, 70)]
    for k in range(6):
        boxes.append(Box(f"L{k}", 60, 100 + 30 * k, 290, 120 + 30 * k))
        boxes.append(Box(f"R{k}", 310, 100 + 30 * k, 540, 120 + 30 * k))
    boxes.append(Box("foot", 280, 800, 320, 815))
    order = [b.name for b in layout.reading_order(boxes)]
    assert order == ["title"] + [f"L{k}" for k in range(6)] + [f"R{k}" for k in range(6)] + ["foot"]


def test_a_table_of_contents_with_page_numbers_is_one_column() -> None:
    boxes = []
    for k in range(8):
        boxes.append(Box(f"T{k}", 60, 100 + 30 * k, 480, 120 + 30 * k))
        boxes.append(Box(f"P{k}", 520, 100 + 30 * k, 540, 120 + 30 * k))
    order = [b.name for b in layout.reading_order(boxes)]
    assert order == [name for k in range(8) for name in (f"T{k}", f"P{k}")]


def test_vertical_columns_are_read_right_to_left() -> None:
    boxes = [
        Box("c2", 100, 50, 130, 700),
        Box("c1", 200, 50, 230, 700),
        Box("c1b", 205, 720, 228, 760),
    ]
    columns = layout.columns_right_to_left(boxes)
    assert [[b.name for b in c] for c in columns] == [["c1", "c1b"], ["c2"]]


# --- recognition (RapidOCR) -----------------------------------------------------------------

needs_ocr = pytest.mark.skipif(ocr.unavailable() is not None, reason="OCR cannot run here")


@needs_ocr
def test_a_photocopied_page_is_read_within_two_percent(govdoc_pages: list[Any]) -> None:
    page = degrade(govdoc_pages[1], seed=11, back=govdoc_pages[2])
    [read] = ocr.recognise_images([page], dpi=200, jobs=1)
    assert read.error is None and abs(read.angle) >= 0.4  # it was turned straight
    rate = cer(_norm(read.text), _norm(_text_layer(2)))
    print(f"\nCER on a photocopied page: {rate:.2%}")
    assert rate <= 0.02


@needs_ocr
@needs_fonts
def test_a_vertical_page_is_read_column_by_column_right_to_left() -> None:
    pages = vertical_document(corpus_path(), "43", seed=5)
    [read] = ocr.recognise_images([pages[0].image], dpi=200, jobs=1)
    assert read.vertical
    found = _norm(read.text)
    truth = _norm(text_of_vertical(pages[:1]) + f"— {pages[0].number} —")
    rate = cer(found, truth)
    print(f"\nCER on a vertical page: {rate:.2%}")
    assert rate <= 0.03
    # Columns become lines of the paragraph builder: the title and number come first.
    [turned] = ocr.layout_pages([read])
    assert turned.lines[0].text.startswith("国务院办公厅关于广东与香港")


@needs_ocr
@needs_fonts
def test_a_two_column_page_is_read_column_by_column(tmp_path: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    text = _text_layer(2).replace("\r", "").replace("\n", "")
    font = ImageFont.truetype(SERIF, 30, index=2)
    image = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(image)
    draw.text(
        (420, 150),
        "关于加强个人所得税纳税信用建设的通知",
        font=ImageFont.truetype(SERIF, 44, index=2),
        fill=0,
    )
    per_line, lines_per_column = 23, 14
    chunks = [text[i : i + per_line] for i in range(0, per_line * lines_per_column * 2, per_line)]
    for k, chunk in enumerate(chunks):
        column, row = divmod(k, lines_per_column)
        draw.text((120 + column * 760, 300 + row * 52), chunk, font=font, fill=0)
    [read] = ocr.recognise_images([image], dpi=200, jobs=1)
    truth = _norm("关于加强个人所得税纳税信用建设的通知" + "".join(chunks))
    rate = cer(_norm(read.text), truth)
    print(f"\nCER on a two-column page: {rate:.2%}")
    assert rate <= 0.02


# --- Tesseract --------------------------------------------------------------------------------

needs_tesseract = pytest.mark.skipif(
    ocr.unavailable("tesseract") is not None, reason="Tesseract cannot run here"
)


@needs_tesseract
@needs_fonts
def test_tesseract_reads_a_vertical_page_with_its_vertical_model() -> None:
    pages = vertical_document(corpus_path(), "43", seed=5)
    [read] = ocr.recognise_images([pages[0].image], dpi=200, jobs=1, engine="tesseract")
    assert read.vertical and read.engine.startswith("tesseract")
    rate = cer(_norm(read.text), _norm(text_of_vertical(pages[:1])))
    print(f"\nCER on a vertical page, Tesseract chi_sim_vert: {rate:.2%}")
    assert rate <= 0.15


@needs_tesseract
def test_tesseract_reads_a_clean_page(govdoc_pages: list[Any]) -> None:
    [read] = ocr.recognise_images([govdoc_pages[1]], dpi=200, jobs=1, engine="tesseract")
    assert not read.vertical and read.confidence is not None
    rate = cer(_norm(read.text), _norm(_text_layer(2)))
    print(f"\nCER on a clean page, Tesseract chi_sim: {rate:.2%}")
    assert rate <= 0.06
