"""PDF reader for born-digital files (with a text layer), on pypdfium2.

Pages are read one at a time (the page and its text layer are closed before the next is
loaded), so memory stays flat however long the file. For each page the reader takes
PDFium's text lines with their boxes, font size, weight and colour (asking only for the first,
middle and last character of each line: PDFium's per-character calls dominate the cost
otherwise), merges pieces that sit on the same row, and sorts the rows top to bottom.

Then, over the whole file:

* **furniture** — page numbers (``— 3 —``, ``-3-``, ``第3页``, a bare ``3``) in the top or
  bottom band of a page, and running headers or footers (the same text, digits aside, in the
  band of several pages), are moved to :attr:`RawDocument.furniture` with their page;
* **paragraphs** — lines are joined (Chinese with no space, Latin words with one) until a line
  starts with a first-line indent of about two characters, or the previous line stopped short
  after sentence-final punctuation, or the font size or colour changes; a line that fills the
  measure without closing punctuation always continues on the next (also across a page
  break, which is how a paragraph cut by the page is mended);
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
import itertools
import re
import statistics
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from gazette.errors import CorruptFile, EmptyDocument, EncryptedFile, IngestError, NeedsOCR
from ingest.normalize import clean_inline
from ingest.raw import Line, RawDocument

# Share of the page height, from the top and from the bottom, where running headers, footers
# and page numbers live (GB/T 9704 puts the text block 37 mm from the top and the page number
# 7 mm under it).
BAND = 0.11
# A dashed page number is unmistakable: accept it a little further in.
DASHED_BAND = 0.18
_PAGE_NUMBER = re.compile(
    r"""^(
        [—–\-－‒―~]+\s*[0-9]+\s*[—–\-－‒―~]+   # — 3 —, -3-
      | 第\s*[0-9]+\s*页(\s*[,，/]?\s*共\s*[0-9]+\s*页)?   # 第3页, 第3页 共9页
      | [0-9]{1,4}\s*/\s*[0-9]{1,4}                 # 3/9
      | [0-9]{1,4}                                 # 3
      | (page|p\.)\s*[0-9]+(\s*of\s*[0-9]+)?        # Page 3 of 9
    )$""",
    re.VERBOSE | re.IGNORECASE,
)
_DASHED = re.compile(r"^[—–\-－‒―~]+\s*[0-9]+\s*[—–\-－‒―~]+$")
_FINAL = "。！？；：!?;:"
_CLOSERS = "”’」』）)》"
_STARTS_ELEMENT = re.compile(
    r"^(第[一二三四五六七八九十百零〇]+[章节条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]"
    r"|[0-9]+[.．、]|[（(][0-9]+[）)]|附\s*件\s*([:：0-9一二三四五六七八九十]|$)|抄\s*送\s*[:：]"
    r"|主\s*送\s*[:：])"
)

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


@dataclass(slots=True)
class _Row:
    """One visual line of a page, in top-down coordinates (points)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    color: str | None
    page: int

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(slots=True)
class _Page:
    number: int
    width: float
    height: float
    rows: list[_Row]


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
) -> tuple[list[_Row], int, int]:
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
    rows: list[_Row] = []
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
        if " " in segment:
            segment = _wide_gaps(textpage, boxes, text, start - len(segment) - 2, segment, size)
        rows.append(
            _Row(
                text=segment,
                x0=x0,
                x1=x1,
                top=top,
                bottom=bottom,
                size=round(size, 1),
                bold=bold,
                color=boxes.color(textpage, middle),
                page=number,
            )
        )
    return _merge_rows(rows), checked, unmapped


# Full-width punctuation drawn on one half of its square: the gap next to it is the glyph's.
_HALF_EMPTY = frozenset("《》（）〔〕【】〈〉「」『』“”‘’，。、；：！？")
_BOLD_NAME = re.compile(r"bold|heavy|black|semibold|demi", re.IGNORECASE)


def _bold_name(textpage: object, index: int, boxes: _Boxes) -> bool:
    """A bold face by its name (``NotoSerifCJKsc-Bold``), or a font flagged to be set bold."""
    name = boxes.font_name(textpage, index)
    return bool(_BOLD_NAME.search(name.split("+")[-1])) or bool(boxes.flags.value & 0x40000)


def _wide_gaps(
    textpage: object, boxes: _Boxes, text: str, offset: int, segment: str, size: float
) -> str:
    """Mark a space between Chinese characters that spans a wide gap as U+3000.

    PDFium puts one space wherever characters stand apart; between two Chinese characters a gap
    of most of a character is meant (an ideographic space, the organs of a joint signature),
    unlike the small stretch of a justified line.
    """
    chars = list(segment)
    for k, char in enumerate(chars):
        if char != " " or k == 0 or k == len(chars) - 1:
            continue
        if chars[k - 1].isascii() and chars[k + 1].isascii():
            continue  # a space between Latin words
        if chars[k - 1] in _HALF_EMPTY or chars[k + 1] in _HALF_EMPTY:
            continue  # brackets and punctuation carry their own white space
        _, right, _, _ = boxes.box(textpage, offset + k - 1)
        left, _, _, _ = boxes.box(textpage, offset + k + 1)
        if left - right > 0.8 * size:
            chars[k] = "\u3000"
    return "".join(chars)


def _merge_rows(rows: list[_Row]) -> list[_Row]:
    """Sort top to bottom and join the pieces of one visual line (left to right)."""
    rows.sort(key=lambda r: (r.top, r.x0))
    merged: list[_Row] = []
    for row in rows:
        target = None
        for candidate in reversed(merged[-3:]):
            overlap = min(candidate.bottom, row.bottom) - max(candidate.top, row.top)
            if overlap >= 0.6 * min(candidate.height, row.height) and (
                row.x0 >= candidate.x1 - 1 or row.x1 <= candidate.x0 + 1
            ):
                target = candidate
                break
        if target is None:
            merged.append(row)
            continue
        left, right = (target, row) if row.x0 >= target.x1 - 1 else (row, target)
        gap = right.x0 - left.x1
        joiner = "\u3000" if gap > 0.8 * max(left.size, right.size) else ""
        if left.text[-1:] in _HALF_EMPTY or right.text[:1] in _HALF_EMPTY:
            joiner = "\u3000" if gap > 1.5 * max(left.size, right.size) else ""
        if not joiner and left.text[-1:].isascii() and right.text[:1].isascii() and gap > 1:
            joiner = " "
        target.text = left.text + joiner + right.text
        target.size = target.size if len(target.text) >= len(row.text) else row.size
        target.x0, target.x1 = left.x0, right.x1
        target.top, target.bottom = min(left.top, right.top), max(left.bottom, right.bottom)
    merged.sort(key=lambda r: (r.top, r.x0))
    return merged


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


# --- furniture -------------------------------------------------------------------------------


def _furniture_key(text: str) -> str:
    return re.sub(r"[0-9０-９一二三四五六七八九十〇]+", "#", re.sub(r"\s+", "", text))


def _split_furniture(pages: Sequence[_Page]) -> tuple[list[_Row], list[_Row]]:
    """Separate page numbers and running headers/footers from the body rows."""
    band_keys: Counter[str] = Counter()
    for page in pages:
        seen = set()
        for row in page.rows:
            if _in_band(row, page, BAND):
                seen.add(_furniture_key(row.text))
        band_keys.update(seen)
    body: list[_Row] = []
    furniture: list[_Row] = []
    for page in pages:
        for row in page.rows:
            compact = re.sub(r"\s+", "", row.text)
            if (
                (_DASHED.match(compact) and _in_band(row, page, DASHED_BAND))
                or (_PAGE_NUMBER.match(compact) and _in_band(row, page, BAND))
                or (
                    len(pages) > 1
                    and _in_band(row, page, BAND)
                    and band_keys[_furniture_key(row.text)] >= 2
                )
            ):
                furniture.append(row)
            else:
                body.append(row)
    return body, furniture


def _in_band(row: _Row, page: _Page, share: float) -> bool:
    return row.bottom <= page.height * share or row.top >= page.height * (1 - share)


# --- paragraphs ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Measure:
    """The text block of a page: left and right edges, and the body character width."""

    left: float
    right: float
    em: float


def _measure_of(rows: Sequence[_Row], em: float, minimum: int) -> _Measure | None:
    """The text block that ``rows`` of body size fill, if there are enough of them to tell.

    The left edge is the leftmost start; the right edge the middle of the line ends close to
    the rightmost one (a closing mark allowed to hang into the margin does not move it).
    """
    body = [r for r in rows if abs(r.size - em) <= 0.2 * em]
    if len(body) < minimum or not body:
        return None
    ends = [r.x1 for r in body]
    near = [x for x in ends if x >= max(ends) - 2.5 * em]
    return _Measure(min(r.x0 for r in body), statistics.median(near), em)


def _measures(rows: Sequence[_Row], widths: dict[int, float]) -> dict[int, _Measure]:
    """Each page's text block (odd and even pages may have mirrored margins).

    A page with too few lines to tell borrows the block of the last page of the same parity,
    else the whole document's; a document that small is assumed to have margins of equal
    width.
    """
    sizes = [r.size for r in rows for _ in range(max(1, len(r.text) // 8))]
    em = statistics.median(sizes) if sizes else 12.0
    by_page: dict[int, list[_Row]] = {}
    for row in rows:
        by_page.setdefault(row.page, []).append(row)
    whole = _measure_of(rows, em, 8)
    if whole is None:
        whole = _measure_of(rows, em, 1) or _Measure(min(r.x0 for r in rows), 0.0, em)
        widest = max(widths.values(), default=0.0)
        whole.right = max(whole.right, widest - whole.left, max(r.x1 for r in rows) - em)
    measures: dict[int, _Measure] = {}
    last: dict[int, _Measure] = {}
    for number in sorted(by_page):
        measure = _measure_of(by_page[number], em, 8)
        if measure is None or measure.right - measure.left < 0.85 * (whole.right - whole.left):
            # A page of list items or a table does not show the block: borrow one.
            measure = last.get(number % 2) or whole
        measures[number] = last[number % 2] = measure
    return measures


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip().rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _FINAL


def _continues(prev: _Row, row: _Row, pm: _Measure, m: _Measure, pitch: float) -> bool:
    """Whether ``row`` carries on the paragraph that ``prev`` ended."""
    em = m.em
    if row.page > prev.page + 1:
        return False  # a page between them had no usable text
    if abs(row.size - prev.size) > 0.15 * max(row.size, prev.size):
        return False
    if (row.color or "000000") != (prev.color or "000000"):
        return False
    if row.page == prev.page and row.top - prev.bottom > 2.2 * pitch:
        return False
    indent = row.x0 - m.left
    prev_short = pm.right - prev.x1
    centered_or_right = indent > 2.5 * em and (m.right - row.x1) < indent - 1.5 * em
    prev_indent = prev.x0 - pm.left
    if prev_short <= 1.5 * em and prev_indent < 1.2 * em and not _ends_sentence(prev.text):
        # The previous line fills the measure and does not close a sentence: it goes on,
        # even when this line is indented (a hanging indent, as under 抄送：) — unless this
        # line has the usual two-character indent after a closing bracket or quote (the
        # "（…牵头）" that ends so many paragraphs).
        usual_indent = 1.2 * em <= indent <= 2.6 * em
        if usual_indent and prev.text.rstrip()[-1:] in _CLOSERS:
            return False
        return not centered_or_right and not _STARTS_ELEMENT.match(row.text.strip())
    if indent >= 1.2 * em:
        return False
    if prev_short > 1.5 * em and (_ends_sentence(prev.text) or _STARTS_ELEMENT.match(row.text)):
        return False
    return prev_short <= 3 * em


def _join(left: str, right: str) -> str:
    """Join two lines of a paragraph: Chinese and numbers directly, Latin words with a space."""
    if left.endswith("\u00ad"):
        return left[:-1] + right
    end, start = left[-1:], right[:1]
    if not (end.isascii() and start.isascii()) or (end.isdigit() and start.isdigit()):
        return left + right
    if (end.isalnum() or end in ",.;:!?)") and (start.isalnum() or start == "("):
        return left + " " + right
    return left + right


def _align(row: _Row, m: _Measure, lines: int) -> str:
    left = row.x0 - m.left
    right = m.right - row.x1
    if lines > 1 or (left < 1.5 * m.em and right < 1.5 * m.em):
        return "justify"
    if left > 1.5 * m.em and abs(left - right) <= 1.5 * m.em:
        return "center"
    if left > 2.5 * m.em and right < left - 1.5 * m.em:
        return "right"
    return "left"


def _paragraphs(
    rows: Sequence[_Row], widths: dict[int, float]
) -> tuple[list[Line], list[tuple[int, int]]]:
    """The paragraphs, and for each the first and last page it is printed on."""
    measures = _measures(rows, widths)
    pitches = [
        b.top - a.top
        for a, b in itertools.pairwise(rows)
        if a.page == b.page and abs(a.size - b.size) < 0.5 and b.top > a.top
    ]
    pitch = statistics.median(pitches) if pitches else 1.5 * (rows[0].size if rows else 12)
    groups: list[list[_Row]] = []
    for row in rows:
        if groups:
            prev = groups[-1][-1]
            if _continues(prev, row, measures[prev.page], measures[row.page], pitch):
                groups[-1].append(row)
                continue
        groups.append([row])
    lines = []
    spans = []
    for group in groups:
        first = group[0]
        measure = measures[first.page]
        text = group[0].text
        for row in group[1:]:
            text = _join(text, row.text)
        text = clean_inline(_visible_hyphens(text), keep_gaps=True)
        if not text:
            continue
        lines.append(
            Line(
                text=text,
                page=first.page,
                align=_align(first, measure, len(group)),
                indent=round(max(0.0, first.x0 - measure.left) / measure.em * 2) / 2,
                bold=first.bold,
                size=first.size,
                color=first.color,
            )
        )
        spans.append((first.page, group[-1].page))
    return lines, spans


def _visible_hyphens(text: str) -> str:
    """PDF text layers often map a printed hyphen to U+00AD: keep it between characters."""
    return re.sub(r"(?<=\w)\u00ad(?=\w)", "-", text)


# --- the reader ------------------------------------------------------------------------------


def _pages(path: Path, pdf: pdfium.PdfDocument, warnings: list[str]) -> Iterator[_Page | int]:
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
            visible = sum(1 for c in text if not c.isspace())
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
            yield _Page(number, width, height, rows)
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
    pages: list[_Page] = []
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
    body, furniture = _split_furniture(pages)
    if not body:
        raise EmptyDocument(path, "只有页码和页眉")
    lines, spans = _paragraphs(body, {page.number: page.width for page in pages})
    if not lines:
        raise EmptyDocument(path, "只有页码和页眉")
    if needs_ocr:
        warnings.append(f"pages without a usable text layer: {', '.join(map(str, needs_ocr))}")
    return RawDocument(
        name=str(path),
        format="pdf",
        lines=lines,
        furniture=[
            Line(
                text=clean_inline(row.text, keep_gaps=True),
                page=row.page,
                size=row.size,
                align=None,
            )
            for row in furniture
        ],
        page_count=page_count,
        needs_ocr=needs_ocr,
        warnings=warnings,
        extra={"page_spans": spans},
    )
