"""PDF reader for born-digital files (with a text layer), on pypdfium2.

Pages are read one at a time (the page and its text layer are closed before the next is
loaded), so memory stays flat however long the file. For each page the reader takes
PDFium's text lines with their boxes, font size, weight and colour (asking only for the first,
middle and last character of each line: PDFium's per-character calls dominate the cost
otherwise), merges pieces that sit on the same row, and sorts the rows top to bottom.

Then, over the whole file (:mod:`ingest.readers.furniture`, :mod:`ingest.readers.layout`,
shared with the OFD reader):

* **furniture** — page numbers, running headers or footers, and what a browser prints in the
  margins (the time, the URL, the page count) are moved to :attr:`RawDocument.furniture` with
  their page; a printed portal page's metadata table becomes :attr:`RawDocument.metadata`;
* **paragraphs** — lines are joined by the layout GB/T 9704 prescribes: a first-line indent,
  a line that stops short after a sentence, a change of size or colour starts a new
  paragraph; the signature, the date, the 附注, ``附件N`` and the 印发 line are each an
  element of their own; a centred title set over several lines is joined;
* **pages without usable text** — a page with no text but an image, or whose text layer is
  garbled (PDFium reports characters it could not map to Unicode, or the text is implausible),
  is not read: its number goes to :attr:`RawDocument.needs_ocr`. When no page is usable the
  reader raises :class:`~gazette.errors.NeedsOCR`.

The layout hints of each paragraph (alignment, indent in characters, size, bold, colour) come
from its first line; ``extra["page_spans"]`` gives each paragraph's first and last page (a
gazette item ends on the page its last paragraph ends on).
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from gazette.errors import CorruptFile, EmptyDocument, EncryptedFile, IngestError, NeedsOCR
from ingest.normalize import clean_inline
from ingest.raw import Line, RawDocument
from ingest.readers.furniture import chrome_bounds, split_furniture, strip_portal_table
from ingest.readers.layout import HALF_EMPTY, Page, Row, merge_rows, paragraphs

_GB2312_HANZI: frozenset[str] = frozenset(
    bytes((hi, lo)).decode("gb2312")
    for hi in range(0xB0, 0xF8)
    for lo in range(0xA1, 0xFF)
    if not (hi == 0xD7 and lo > 0xF9)
)
_DROP_GB2312 = dict.fromkeys(map(ord, _GB2312_HANZI))
# Symbols that do not sit inside words of real text (a shifted encoding puts them there), and
# symbols that do in numbers and references: ``2019/01/15``, ``(1)(2)``, ``3.2%``.
_ODD_SYMBOLS = frozenset("$&@'<>[]*=#^{}|\\~")
_ODD_ANYWHERE = re.compile(r"[$&@'<>\[\]*=#^{}|\\~]")
_SPACE = re.compile(r"\s")
_BROKEN = re.compile("[\ue000-\uf8ff\ufffd-\uffff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_HANZI = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002ffff]")
_COMMON_SYMBOLS = frozenset("+/()%")


# --- opening ---------------------------------------------------------------------------------


def _open(path: Path) -> pdfium.PdfDocument:
    tail = _tail(path)
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise EncryptedFile(path) from exc
        if code == pdfium_c.FPDF_ERR_FILE:
            raise IngestError(path, "无法打开文件") from exc
        detail = "文件被截断（没有文件结束标记）" if b"%%EOF" not in tail else "结构有误"
        raise CorruptFile(path, f"不是可读取的PDF：{detail}") from exc
    if b"%%EOF" not in tail:
        pdf.close()
        raise CorruptFile(path, "PDF被截断：缺少文件结束标记")
    return pdf


def _tail(path: Path, size: int = 2048) -> bytes:
    with open(path, "rb") as handle:
        handle.seek(0, 2)
        length = handle.tell()
        handle.seek(max(0, length - size))
        return handle.read()


# --- one page --------------------------------------------------------------------------------


class _Boxes:
    """Reusable ctypes out-parameters for PDFium's character calls."""

    def __init__(self) -> None:
        self.left = ctypes.c_double()
        self.right = ctypes.c_double()
        self.bottom = ctypes.c_double()
        self.top = ctypes.c_double()
        self.r = ctypes.c_uint()
        self.g = ctypes.c_uint()
        self.b = ctypes.c_uint()
        self.a = ctypes.c_uint()
        self.name = ctypes.create_string_buffer(128)
        self.flags = ctypes.c_int()

    def box(self, textpage: object, index: int) -> tuple[float, float, float, float]:
        pdfium_c.FPDFText_GetCharBox(textpage, index, self.left, self.right, self.bottom, self.top)
        return self.left.value, self.right.value, self.bottom.value, self.top.value

    def font_name(self, textpage: object, index: int) -> str:
        written = pdfium_c.FPDFText_GetFontInfo(textpage, index, self.name, 128, self.flags)
        return self.name.value[: max(0, written - 1)].decode("latin-1", "replace")

    def color(self, textpage: object, index: int) -> str | None:
        if not pdfium_c.FPDFText_GetFillColor(textpage, index, self.r, self.g, self.b, self.a):
            return None
        return f"{self.r.value:02X}{self.g.value:02X}{self.b.value:02X}"


def _page_text(textpage: object, count: int) -> str:
    buffer = (ctypes.c_ushort * (count + 1))()
    written = pdfium_c.FPDFText_GetText(textpage, 0, count, buffer)
    if written <= 0:
        return ""
    return bytes(memoryview(buffer).cast("B")[: (written - 1) * 2]).decode("utf-16-le", "replace")


def _page_rows(
    textpage: object, boxes: _Boxes, number: int, height: float
) -> tuple[list[Row], int, int]:
    """The page's visual lines, plus (characters checked, characters PDFium could not map)."""
    count = pdfium_c.FPDFText_CountChars(textpage)
    if count <= 0:
        return [], 0, 0
    text = _page_text(textpage, count)
    if len(text) != count:
        # Characters outside the BMP (or excluded ones) shift the indexes: read char by char.
        text = "".join(
            chr(pdfium_c.FPDFText_GetUnicode(textpage, i) or 0xFFFD) for i in range(count)
        )
    # PDFium marks a hyphen that ends a line with U+FFFE: a hyphen it may be (see layout._join).
    text = text.replace("\ufffe", "\u00ad")
    rows: list[Row] = []
    checked = unmapped = 0
    start = 0
    for segment in text.split("\r\n"):
        end = start + len(segment)
        first, last = start, end - 1
        start = end + 2
        while first <= last and text[first].isspace():
            first += 1
        while last >= first and text[last].isspace():
            last -= 1
        if first > last:
            continue
        middle = (first + last) // 2
        x0, _, b0, t0 = boxes.box(textpage, first)
        _, x1, b1, t1 = boxes.box(textpage, last)
        _, _, bm, tm = boxes.box(textpage, middle)
        top = height - max(t0, t1, tm)
        bottom = height - min(b0, b1, bm)
        size = pdfium_c.FPDFText_GetFontSize(textpage, middle)
        if size < 2 or size > 4 * max(bottom - top, 1):
            size = max(bottom - top, 1) / 0.9
        weight = pdfium_c.FPDFText_GetFontWeight(textpage, middle)
        bold = weight >= 600 or _bold_name(textpage, middle, boxes)
        for index in {first, middle, last}:
            checked += 1
            unmapped += pdfium_c.FPDFText_HasUnicodeMapError(textpage, index) == 1
        offset = start - len(segment) - 2
        color = boxes.color(textpage, middle)
        # A wide gap parts the line into pieces (cells of a table, the organs of a joint
        # signature): each keeps its own position, and merge_rows joins them with U+3000.
        cuts = _wide_gaps(textpage, boxes, text, offset, segment, size) if " " in segment else []
        bounds = [first - offset, *(k for cut in cuts for k in (cut - 1, cut + 1)), last - offset]
        for a, b in zip(bounds[::2], bounds[1::2], strict=True):
            while a < b and segment[a].isspace():
                a += 1
            while b > a and segment[b].isspace():
                b -= 1
            piece_x0 = x0 if a == first - offset else boxes.box(textpage, offset + a)[0]
            piece_x1 = x1 if b == last - offset else boxes.box(textpage, offset + b)[1]
            rows.append(
                Row(
                    text=segment[a : b + 1],
                    x0=piece_x0,
                    x1=piece_x1,
                    top=top,
                    bottom=bottom,
                    size=round(size, 1),
                    bold=bold,
                    color=color,
                    page=number,
                )
            )
    return merge_rows(rows), checked, unmapped


_BOLD_NAME = re.compile(r"bold|heavy|black|semibold|demi", re.IGNORECASE)


def _bold_name(textpage: object, index: int, boxes: _Boxes) -> bool:
    """A bold face by its name (``NotoSerifCJKsc-Bold``), or a font flagged to be set bold."""
    name = boxes.font_name(textpage, index)
    return bool(_BOLD_NAME.search(name.split("+")[-1])) or bool(boxes.flags.value & 0x40000)


def _wide_gaps(
    textpage: object, boxes: _Boxes, text: str, offset: int, segment: str, size: float
) -> list[int]:
    """The spaces of a line that span a wide gap (indexes in ``segment``).

    PDFium puts one space wherever characters stand apart; between Chinese characters (or a
    Chinese character and a number) a gap of most of a character is meant (an ideographic
    space, the organs of a joint signature, the cells of a table), unlike the small stretch of
    a justified line.
    """
    found = []
    for k, char in enumerate(segment):
        if char != " " or k == 0 or k == len(segment) - 1:
            continue
        if segment[k - 1].isascii() and segment[k + 1].isascii():
            continue  # a space between Latin words
        if segment[k - 1] in HALF_EMPTY or segment[k + 1] in HALF_EMPTY:
            continue  # brackets and punctuation carry their own white space
        if segment[k - 1].isspace() or segment[k + 1].isspace():
            continue
        _, right, _, _ = boxes.box(textpage, offset + k - 1)
        left, _, _, _ = boxes.box(textpage, offset + k + 1)
        if left - right > 0.8 * size:
            found.append(k)
    return found


def _has_large_image(page: pdfium.PdfPage, width: float, height: float) -> bool:
    """Whether an image covers a good part of the page (a scan)."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    area = 0.0
    for index in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = pdfium_c.FPDFPage_GetObject(page.raw, index)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_IMAGE:
            continue
        if pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            area += max(0.0, right.value - left.value) * max(0.0, top.value - bottom.value)
    return area >= 0.3 * width * height


# --- text quality ----------------------------------------------------------------------------


def garbled_share(text: str) -> float:
    """The share of ``text`` that looks like a broken text layer rather than language.

    Counts private-use, control and replacement characters; Chinese characters outside the
    6,763 of GB 2312 when they dominate (real documents use almost only those, a broken
    encoding scatters over the whole block); and Latin "words" made of letters mixed with
    ``$&+/()`` … (a font whose codes are shifted).
    """
    visible = len(text) - len(_SPACE.findall(text))
    if not visible:
        return 0.0
    bad = len(_BROKEN.findall(text))
    hanzi = "".join(_HANZI.findall(text))
    uncommon = len(hanzi.translate(_DROP_GB2312))
    if len(hanzi) >= 20 and uncommon > 0.2 * len(hanzi):
        bad += uncommon
    if not _ODD_ANYWHERE.search(text):
        return min(1.0, bad / visible)
    for token in text.split():
        if len(token) < 4 or "://" in token or token.startswith("www."):
            continue
        inner = token[1:-1]
        strong = sum(c in _ODD_SYMBOLS for c in inner)
        symbols = strong + sum(c in _COMMON_SYMBOLS for c in inner)
        alnum = sum(c.isascii() and c.isalnum() for c in token)
        if (
            (strong >= 2 or (strong and symbols >= 3))
            and alnum >= 2
            and (symbols + alnum >= 0.8 * len(token))
        ):
            bad += len(token)
    return min(1.0, bad / visible)


# --- the reader ------------------------------------------------------------------------------


def _pages(path: Path, pdf: pdfium.PdfDocument, warnings: list[str]) -> Iterator[Page | int]:
    """Each page's rows, or its number when it has no usable text (needs OCR)."""
    boxes = _Boxes()
    for index in range(len(pdf)):
        number = index + 1
        try:
            page = pdf[index]
        except pdfium.PdfiumError as exc:
            raise CorruptFile(path, f"第{number}页无法载入") from exc
        try:
            width, height = page.get_size()
            textpage = page.get_textpage()
            try:
                rows, checked, unmapped = _page_rows(textpage.raw, boxes, number, height)
            finally:
                textpage.close()
            text = "\n".join(r.text for r in rows)
            visible = len("".join(text.split()))
            if visible < 20 and _has_large_image(page, width, height):
                yield number
                continue
            if not rows:
                warnings.append(f"page {number} is blank")
                continue
            if (checked and unmapped > 0.3 * checked) or garbled_share(text) > 0.3:
                warnings.append(f"page {number}: the text layer is garbled")
                yield number
                continue
            yield Page(number, width, height, rows)
        finally:
            page.close()


def read(path: Path) -> RawDocument:
    """Read a PDF's text layer into paragraphs.

    Raises:
        EncryptedFile: the file needs a password.
        CorruptFile: the file is truncated or malformed.
        NeedsOCR: no page has a usable text layer (scanned or garbled).
        EmptyDocument: the pages hold no text at all.
    """
    pdf = _open(path)
    warnings: list[str] = []
    pages: list[Page] = []
    needs_ocr: list[int] = []
    try:
        page_count = len(pdf)
        for page in _pages(path, pdf, warnings):
            if isinstance(page, int):
                needs_ocr.append(page)
            else:
                pages.append(page)
    finally:
        pdf.close()
    if not pages:
        if needs_ocr:
            raise NeedsOCR(path, f"{page_count}页中有{len(needs_ocr)}页只有图像或文字层为乱码")
        raise EmptyDocument(path, f"{page_count}页中都没有文字")
    metadata, above_table = strip_portal_table(pages)
    body, furniture = split_furniture(pages)
    if not body:
        raise EmptyDocument(path, "只有页码和页眉")
    furniture = sorted([*above_table, *furniture], key=lambda row: (row.page, row.top))
    lines, spans = paragraphs(body, {page.number: page.width for page in pages})
    start, end = chrome_bounds(lines)
    chrome = [*lines[:start], *lines[end:]]
    lines, spans = lines[start:end], spans[start:end]
    if not lines:
        raise EmptyDocument(path, "只有页码和页眉")
    if needs_ocr:
        warnings.append(f"pages without a usable text layer: {', '.join(map(str, needs_ocr))}")
    return RawDocument(
        name=str(path),
        format="pdf",
        lines=lines,
        metadata=metadata,
        furniture=[
            *(
                Line(
                    text=clean_inline(row.text, keep_gaps=True),
                    page=row.page,
                    size=row.size,
                    align=None,
                )
                for row in furniture
            ),
            *chrome,
        ],
        page_count=page_count,
        needs_ocr=needs_ocr,
        warnings=warnings,
        extra={"page_spans": spans},
    )
