"""One page image in, one :class:`~gazette.model.OcrPage` out; and recognised pages as the
positioned lines the paragraph builder reads (:class:`~ingest.gazette_layout.Page`).

:func:`recognise_image` measures the page first (:mod:`ingest.ocr.layout`): it turns a skewed
page straight, reads a vertical page column by column (its top and bottom bands, where the page
number and running head stand, are read as horizontal lines), and puts the lines of a page in
two columns in column order. A page number an engine dropped from a page's foot (Tesseract's
layout analysis tends to lose a short isolated ``— 4 —``) is read again from the bottom band
alone.

When the engine fails on the page, the page comes back with its ``error`` (it needs OCR) and
no lines; a failure on the page-number strip only loses the page number.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import Any

import attrs

from gazette.model import OcrLine, OcrPage
from ingest.gazette_layout import BAND, Page, PageKind, PageLine, merge_rows, page_number_of
from ingest.normalize import clean_inline
from ingest.ocr import layout
from ingest.ocr.engines import Engine, EngineFailed, Piece, RapidEngine
from ingest.ocr.tidy import tidy


def _points(piece: Piece, scale: float, text: str) -> PageLine:
    height = (piece.bottom - piece.top) * scale
    return PageLine(
        text,
        piece.x0 * scale,
        piece.x1 * scale,
        piece.top * scale,
        piece.bottom * scale,
        height,
        piece.confidence,
    )


def _rows(pieces: Sequence[PageLine]) -> list[list[PageLine]]:
    """Pieces grouped into rows by their vertical centres: a tall piece (``文件`` beside a
    joint issuer mark of two lines) does not pull the lines beside it into one row."""
    rows: list[list[PageLine]] = []
    for piece in sorted(pieces, key=lambda p: (p.top + p.bottom) / 2):
        centre = (piece.top + piece.bottom) / 2
        if rows:
            row = rows[-1]
            row_centre = statistics.median((p.top + p.bottom) / 2 for p in row)
            height = min(piece.bottom - piece.top, min(p.bottom - p.top for p in row))
            if abs(centre - row_centre) < 0.4 * height:
                row.append(piece)
                continue
        rows.append([piece])
    return rows


def _ordered_lines(pieces: Sequence[Piece], scale: float) -> list[PageLine]:
    """Horizontal pieces as lines in reading order: pieces on one row of one column joined."""
    lines = []
    for group in layout.reading_order_groups(pieces):
        for row in _rows([_points(p, scale, p.text) for p in group]):
            lines.extend(merge_rows(row) if len(row) > 1 else row)
    return lines


def _mostly_tall(pieces: Sequence[Piece]) -> bool:
    tall = [p for p in pieces if p.bottom - p.top > 2.5 * (p.x1 - p.x0)]
    return len(pieces) >= 3 and len(tall) >= 0.6 * len(pieces)


def _footer(engine: Engine, gray: Any, scale: float) -> PageLine | None:
    band_top = int(gray.shape[0] * (1 - BAND))
    try:
        piece = engine.strip(gray[band_top:])
    except EngineFailed:
        return None  # one unreadable strip costs the page number, not the page
    if piece is None or page_number_of(piece.text) is None:
        return None
    moved = attrs.evolve(piece, top=piece.top + band_top, bottom=piece.bottom + band_top)
    return _points(moved, scale, clean_inline(piece.text))


def _strip_line(engine: Engine, strip: Any, offset: int, scale: float) -> PageLine | None:
    try:
        piece = engine.strip(strip)
    except EngineFailed:
        return None  # one unreadable strip costs a running head or a page number
    if piece is None:
        return None
    moved = attrs.evolve(piece, top=piece.top + offset, bottom=piece.bottom + offset)
    return _points(moved, scale, clean_inline(piece.text))


def _vertical(engine: Engine, gray: Any, scale: float) -> list[PageLine]:
    """A vertical page: a running head or page number set apart above or below the text block
    read as horizontal lines, the block as columns."""
    start, end = layout.text_block(gray)
    lines: list[PageLine] = []
    if start > 0:
        head = _strip_line(engine, gray[:start], 0, scale)
        if head is not None:
            lines.append(head)
    for piece in engine.columns(gray[start:end]):
        moved = attrs.evolve(piece, top=piece.top + start, bottom=piece.bottom + start)
        lines.append(_points(moved, scale, piece.text))
    if end < gray.shape[0]:
        foot = _strip_line(engine, gray[end:], end, scale)
        if foot is not None:
            lines.append(foot)
    return lines


def recognise_image(
    image: Any, *, number: int, dpi: int, engine: Engine, size: tuple[float, float] | None = None
) -> OcrPage:
    """Recognise one page image.

    Args:
        image: the page (a greyscale or RGB numpy array, or a PIL image).
        number: its 1-based page number in the original.
        dpi: the image's resolution (to express boxes in points).
        engine: the OCR engine.
        size: the page's size in points, when known (else from the image and ``dpi``).
    """
    import numpy as np

    grey = _greyscale(image)
    gray = layout.clean(grey)
    scale = 72.0 / dpi
    width, height = size or (gray.shape[1] * scale, gray.shape[0] * scale)
    describe = engine.describe()
    measured = layout.analyse(gray)
    if measured.blank:
        return OcrPage(number, width, height, describe)
    if measured.vertical:
        gray = layout.clean(grey, marks=True)
    gray = np.ascontiguousarray(layout.straighten(gray, measured.angle))
    vertical = measured.vertical
    try:
        if vertical:
            lines = _vertical(engine, gray, scale)
        else:
            pieces = engine.lines(gray)
            if isinstance(engine, RapidEngine) and _mostly_tall(pieces):
                vertical = True  # a sparse vertical page the profiles could not tell
                lines = _vertical(engine, gray, scale)
            else:
                lines = _ordered_lines(pieces, scale)
                in_band = [line for line in lines if line.top >= height * (1 - BAND)]
                if engine.loses_short_lines and not any(
                    page_number_of(line.text) is not None for line in in_band
                ):
                    footer = _footer(engine, gray, scale)
                    if footer is not None:
                        lines = [line for line in lines if line not in in_band] + [footer]
    except EngineFailed as exc:
        return OcrPage(number, width, height, describe, angle=measured.angle, error=str(exc))
    kept = []
    for line in lines:
        text = tidy(clean_inline(line.text, keep_gaps=True))
        if text:
            kept.append(
                OcrLine(
                    text,
                    (line.x0, line.top, line.x1, line.bottom),
                    line.confidence or 0.0,
                )
            )
    chars = sum(len(line.text) for line in kept)
    confidence = (
        round(sum(line.confidence * len(line.text) for line in kept) / chars, 1) if chars else None
    )
    return OcrPage(
        number,
        width,
        height,
        describe,
        tuple(kept),
        confidence,
        vertical=vertical,
        angle=round(measured.angle, 2),
    )


def _greyscale(image: Any) -> Any:
    import numpy as np

    if hasattr(image, "convert"):  # a PIL image
        return np.asarray(image.convert("L"))
    array = np.asarray(image)
    if array.ndim == 3:
        array = (array[..., :3] @ np.array([0.299, 0.587, 0.114])).astype(np.uint8)
    return np.ascontiguousarray(array)


def to_layout_page(page: OcrPage) -> Page:
    """A recognised page as positioned lines for the paragraph builder
    (:func:`ingest.gazette_layout.to_raw`).

    A vertical page is turned a quarter: its columns, read right to left, become lines read
    top to bottom (a column's top is a line's left), so indents, full columns and the gaps
    between paragraphs are measured as on a horizontal page. The page number stays at the
    foot. A page the engine failed on is an image page still needing OCR.
    """
    if page.error is not None:
        return Page(page.page, page.width, page.height, (), PageKind.IMAGE, None)
    if not page.vertical:
        lines = [
            PageLine(line.text, *_x0x1tb(line.box), line.box[3] - line.box[1], line.confidence)
            for line in page.lines
        ]
        return Page(page.page, page.width, page.height, lines, PageKind.OCR, page.confidence)
    turned: list[PageLine] = []
    band = page.height * BAND
    for line in page.lines:
        x0, top, x1, bottom = line.box
        if bottom <= band or top >= page.height - band:  # head or foot: keep it horizontal
            new_top = top * page.width / page.height
            if top >= page.height - band:
                new_top = page.width * (1 - BAND / 2)
            height = bottom - top
            turned.append(
                PageLine(line.text, x0, x1, new_top, new_top + height, height, line.confidence)
            )
            continue
        turned.append(
            PageLine(
                line.text,
                top,
                bottom,
                page.width - x1,
                page.width - x0,
                x1 - x0,
                line.confidence,
            )
        )
    turned.sort(key=lambda line: line.top)
    return Page(page.page, page.height, page.width, turned, PageKind.OCR, page.confidence)


def _x0x1tb(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    x0, top, x1, bottom = box
    return x0, x1, top, bottom


def mean_confidence(pages: Sequence[OcrPage]) -> float:
    rated = [p for p in pages if p.confidence is not None]
    if not rated:
        return 0.0
    weights = [max(1, len(p.text)) for p in rated]
    return round(
        math.fsum((p.confidence or 0.0) * w for p, w in zip(rated, weights, strict=True))
        / sum(weights),
        1,
    )


__all__ = ["mean_confidence", "recognise_image", "to_layout_page"]
