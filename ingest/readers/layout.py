"""Paragraphs from positioned lines: the layout rules shared by the fixed-layout readers.

A PDF (:mod:`ingest.readers.pdf`) and an OFD (:mod:`ingest.readers.ofd`) give text as lines
placed on pages. This module turns them into the paragraphs the element parser reads, by the
layout GB/T 9704 prescribes and the way browsers and portals print:

* :func:`merge_rows` — pieces of one visual line (joined left to right), lines top to bottom;
* :mod:`ingest.readers.furniture` — page numbers, running headers and what a browser prints
  around a page (the time, the URL, the page count), and a portal's metadata table;
* :func:`paragraphs` — lines joined into paragraphs. A line continues the paragraph above when
  that one fills the measure without closing a sentence, or stops a little short of it; a
  first-line indent, a line that stops short after a sentence, a change of size or colour, a
  large gap, or a line that starts an element (``一、``, ``附件：``, ``抄送：`` …) begins a new
  one. Lines placed right of the middle (the signature, the date) or centred are elements of
  their own, and so are the date, the 附注 in parentheses, the ``附件N`` label and the 印发
  line, even when the next line starts at the margin right under them; centred lines of a
  large type and the same size (a title set over two or three lines) are joined.

Distances are measured in the text's own character advance (``em``), not in its nominal font
size: a browser prints 16 px text as 12 pt glyphs in a 16-unit font.
"""

from __future__ import annotations

import functools
import itertools
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

import attrs

from ingest.normalize import clean_inline
from ingest.raw import Line


@dataclass(slots=True)
class Piece:
    """A run of text drawn in one go (a PDF text segment, an OFD text object)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(slots=True)
class Row:
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
    pieces: list[Piece] = field(default_factory=list)

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(slots=True)
class Page:
    number: int
    width: float
    height: float
    rows: list[Row]


# Full-width punctuation drawn on one half of its square: the gap next to it is the glyph's.
HALF_EMPTY = frozenset("《》（）〔〕【】〈〉「」『』“”‘’，。、；：！？")


def merge_rows(rows: list[Row]) -> list[Row]:
    """Sort top to bottom and join the pieces of one visual line (left to right)."""
    for row in rows:
        if not row.pieces:
            row.pieces = [Piece(row.text, row.x0, row.x1, row.top, row.bottom)]
    rows.sort(key=lambda r: (r.top, r.x0))
    merged: list[Row] = []
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
        if left.text[-1:] in HALF_EMPTY or right.text[:1] in HALF_EMPTY:
            joiner = "\u3000" if gap > 1.5 * max(left.size, right.size) else ""
        if not joiner and left.text[-1:].isascii() and right.text[:1].isascii() and gap > 1:
            joiner = " "
        target.text = left.text + joiner + right.text
        target.size = target.size if len(target.text) >= len(row.text) else row.size
        target.x0, target.x1 = left.x0, right.x1
        target.top, target.bottom = min(left.top, right.top), max(left.bottom, right.bottom)
        target.pieces = left.pieces + right.pieces
    merged.sort(key=lambda r: (r.top, r.x0))
    return merged


# --- paragraphs ------------------------------------------------------------------------------

_FINAL = "。！？；：!?;:"
_CLOSERS = "”’」』）)》"
STARTS_ELEMENT = re.compile(
    r"^(第[一二三四五六七八九十百零〇]+[章节条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]"
    r"|[0-9]+[.．、]|[（(][0-9]+[）)]|附\s*件\s*([:：0-9一二三四五六七八九十]|$)|抄\s*[送报]\s*[:：]"
    r"|主\s*送\s*[:：])"
)
_DIGITS = "0-9０-９〇○零一二三四五六七八九十"
DATE_LINE = re.compile(rf"^[{_DIGITS}]{{4}}年[{_DIGITS}]{{1,3}}月[{_DIGITS}]{{1,4}}日$")
PRINTED_LINE = re.compile(rf"[{_DIGITS}]{{4}}年[{_DIGITS}]{{1,3}}月[{_DIGITS}]{{1,4}}日印发$")
# The 附注 opens with what it is about: （此件公开发布）, （联系人：…）, （本文有删减）.
_NOTE_LINE = re.compile(
    r"^[（(](此件|本件|此文|本文|联系人|联系电话|联系方式|公开方式|信息公开).*[）)]$"
)
_NUMBER_LINE = re.compile(
    r"[〔\[(（【﹝]\s*[0-9]{4}\s*[〕\])）】﹞]\s*[0-9]+\s*号|第\s*[0-9]+\s*号"
)
_ATTACHMENT_LABEL = re.compile(r"^附件[0-9０-９一二三四五六七八九十]*$")


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _number_line(text: str) -> bool:
    """A line that is a 发文字号 (``国发〔2019〕5号``, ``第706号``), perhaps with a signer."""
    squeezed = _squeezed(text)
    found = _NUMBER_LINE.search(squeezed)
    if found is None or found.start() > 12:
        return False
    rest = squeezed[found.end() :]
    return not rest or rest.startswith("签发人")


@functools.lru_cache(maxsize=4096)
def standalone(text: str) -> bool:
    """A line that is an element on its own: a date, a 附注, an attachment label, 印发."""
    squeezed = _squeezed(text)
    return bool(
        DATE_LINE.match(squeezed)
        or PRINTED_LINE.search(squeezed)
        or _NOTE_LINE.match(squeezed)
        or _ATTACHMENT_LABEL.match(squeezed)
    )


def reddish(color: str | None) -> bool:
    """Whether an ``RRGGBB`` colour is the red of an issuer mark."""
    if not color or len(color) != 6:
        return False
    try:
        red, green, blue = (int(color[k : k + 2], 16) for k in (0, 2, 4))
    except ValueError:
        return False
    return red >= 0xB0 and green < 0x80 and blue < 0x80


def text_units(text: str) -> float:
    """The width of ``text`` in character advances (Latin letters and digits are half)."""
    return len(text) - 0.5 * len(text.encode("ascii", "ignore"))


@dataclass(slots=True)
class Measure:
    """The text block of a page: left and right edges, the character advance of body text
    (``em``) and the body's font size."""

    left: float
    right: float
    em: float
    size: float

    @property
    def width(self) -> float:
        return self.right - self.left


def _advance(rows: Sequence[Row], size: float) -> float:
    """The character advance of body text: the median width per character of long lines."""
    samples = [
        (r.x1 - r.x0) / units
        for r in rows
        if abs(r.size - size) <= 0.12 * size and (units := text_units(r.text)) >= 8
    ]
    if not samples:
        return size
    return statistics.median(samples)


def _measure_of(rows: Sequence[Row], size: float, em: float, minimum: int) -> Measure | None:
    """The text block that ``rows`` of body size fill, if there are enough of them to tell.

    The left edge is the leftmost start; the right edge the middle of the line ends close to
    the rightmost one (a closing mark allowed to hang into the margin does not move it).
    """
    body = [r for r in rows if abs(r.size - size) <= 0.12 * size]
    if len(body) < minimum or not body:
        return None
    ends = [r.x1 for r in body]
    near = [x for x in ends if x >= max(ends) - 2.5 * em]
    return Measure(min(r.x0 for r in body), statistics.median(near), em, size)


def _body_size(rows: Sequence[Row]) -> float:
    """The size most of the text of ``rows`` is set in (the median, weighted by length)."""
    sizes = [r.size for r in rows for _ in range(max(1, len(r.text) // 8))]
    return statistics.median(sizes) if sizes else 12.0


def _whole(rows: Sequence[Row], size: float, widths: dict[int, float]) -> Measure:
    """The text block of the whole document, for text of ``size``."""
    em = _advance(rows, size)
    whole = _measure_of(rows, size, em, 8)
    if whole is None:
        whole = _measure_of(rows, size, em, 1) or Measure(min(r.x0 for r in rows), 0.0, em, size)
        widest = max(widths.values(), default=0.0)
        whole.right = max(whole.right, widest - whole.left, max(r.x1 for r in rows) - em)
    return whole


def measures(rows: Sequence[Row], widths: dict[int, float]) -> dict[int, Measure]:
    """Each page's text block (odd and even pages may have mirrored margins).

    A page's block is measured on the text of its own body size (the notice in 三号, the
    attached table in a smaller type). A page with too few lines to tell borrows the block of
    the last page of the same parity and size, else the whole document's; a document that small
    is assumed to have margins of equal width. No block reaches past its page (a table wider
    than the page overflows it).
    """
    size = _body_size(rows)
    by_page: dict[int, list[Row]] = {}
    for row in rows:
        by_page.setdefault(row.page, []).append(row)
    wholes: dict[float, Measure] = {}
    out: dict[int, Measure] = {}
    last: dict[tuple[float, int], Measure] = {}
    for number in sorted(by_page):
        page_size = _body_size(by_page[number])
        if abs(page_size - size) <= 0.1 * size:
            page_size = size
        if page_size not in wholes:
            wholes[page_size] = _whole(rows, page_size, widths)
        whole = wholes[page_size]
        width = widths.get(number)
        if width and whole.right > width:
            whole = Measure(whole.left, width, whole.em, whole.size)
        measure = _measure_of(by_page[number], page_size, whole.em, 8)
        if measure is None or measure.width < 0.85 * whole.width:
            # A page of list items or a table does not show the block: borrow one.
            measure = last.get((page_size, number % 2)) or whole
        if width and measure.right > width:
            measure = Measure(measure.left, width, measure.em, measure.size)
        out[number] = last[(page_size, number % 2)] = measure
    return out


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip().rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _FINAL


def _centred(row: Row, m: Measure) -> bool:
    indent = row.x0 - m.left
    short = m.right - row.x1
    return indent > 3 * m.em and abs(indent - short) <= 2 * m.em


def _placed_right(row: Row, m: Measure) -> bool:
    """Set right of the middle: a signature or a date, never a paragraph's line."""
    return row.x0 - m.left > 0.35 * m.width


def _title_lines(prev: Row, row: Row, pm: Measure, m: Measure) -> bool:
    """Two lines of one centred title: a large type, the same size, weight and colour."""
    if abs(prev.size - row.size) > 0.05 * max(prev.size, row.size) or prev.bold != row.bold:
        return False
    if prev.size < 1.12 * m.size or (prev.color or "000000") != (row.color or "000000"):
        return False
    if reddish(prev.color):
        return False  # a red issuer mark: each line names an organ
    if _squeezed(prev.text).endswith("文件") or standalone(row.text):
        return False
    if _number_line(prev.text) or _number_line(row.text):
        return False  # the 发文字号 under a title, a decree's number
    # The last line is centred with a margin on both sides; a line above it may fill the measure.
    indent, short = row.x0 - m.left, m.right - row.x1
    if indent < 1.5 * m.em or abs(indent - short) > 2.5 * m.em:
        return False
    indent, short = prev.x0 - pm.left, pm.right - prev.x1
    if abs(indent - short) > 2.5 * pm.em:
        return False
    return not _ends_sentence(prev.text)


def continues(prev: Row, row: Row, pm: Measure, m: Measure, pitch: float) -> bool:
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
    if standalone(prev.text) or standalone(row.text):
        return False
    if table_cells(prev, pm.em) or table_cells(row, m.em):
        return False  # a row of a table is a line of its own
    if _title_lines(prev, row, pm, m):
        return True
    if _placed_right(prev, pm) or _centred(prev, pm) or _placed_right(row, m):
        return False
    indent = row.x0 - m.left
    prev_short = pm.right - prev.x1
    prev_indent = prev.x0 - pm.left
    if prev_short <= 1.5 * em and prev_indent < 2.6 * em and not _ends_sentence(prev.text):
        # The previous line fills the measure and does not close a sentence: it goes on,
        # even when this line is indented (a hanging indent, as under 抄送：) — unless this
        # line has the usual two-character indent after a closing bracket or quote (the
        # "（…牵头）" that ends so many paragraphs).
        usual_indent = 1.2 * em <= indent <= 2.6 * em
        if usual_indent and prev.text.rstrip()[-1:] in _CLOSERS:
            return False
        return not STARTS_ELEMENT.match(row.text.strip())
    if indent >= 1.2 * em:
        return False
    if prev_short > 1.5 * em and (_ends_sentence(prev.text) or STARTS_ELEMENT.match(row.text)):
        return False
    return prev_short <= 3 * em


def table_cells(row: Row, em: float) -> list[str] | None:
    """The cells of a row set as a table row: three or more pieces a wide gap apart (more than
    two characters; the organs of a joint signature stand two apart, and a justified line has
    no gap), else ``None``."""
    if len(row.pieces) < 3:
        return None
    pieces = sorted(row.pieces, key=lambda piece: piece.x0)
    cells = [pieces[0].text]
    for left, right in itertools.pairwise(pieces):
        if right.x0 - left.x1 > 2.2 * em:
            cells.append(right.text)
        else:
            cells[-1] += right.text
    return cells if len(cells) >= 3 else None


def _join(left: str, right: str) -> str:
    """Join two lines of a paragraph: Chinese and numbers directly, Latin words with a space."""
    if left.endswith("\u00ad"):
        # A hyphen at the end of a line: a word broken in Latin text, a real hyphen in Chinese
        # (``中和-分离-灭菌``), which is never hyphenated.
        latin = left[-2:-1].isascii() and left[-2:-1].isalpha() and right[:1].isascii()
        return left[:-1] + right if latin else left[:-1] + "-" + right
    end, start = left[-1:], right[:1]
    if not (end.isascii() and start.isascii()) or (end.isdigit() and start.isdigit()):
        return left + right
    if (end.isalnum() or end in ",.;:!?)") and (start.isalnum() or start == "("):
        return left + " " + right
    return left + right


def _align(row: Row, m: Measure, lines: int) -> str:
    left = row.x0 - m.left
    right = m.right - row.x1
    if lines > 1 and not _centred(row, m):
        return "justify"
    if left < 1.5 * m.em and right < 1.5 * m.em:
        return "justify"
    if left > 1.5 * m.em and abs(left - right) <= 2 * m.em:
        return "center"
    if left > 2.5 * m.em and right < left - 1.5 * m.em:
        return "right"
    return "left"


def _visible_hyphens(text: str) -> str:
    """PDF text layers often map a printed hyphen to U+00AD: keep it between characters."""
    return re.sub(r"(?<=\w)\u00ad(?=\w)", "-", text)


def paragraphs(
    rows: Sequence[Row], widths: dict[int, float]
) -> tuple[list[Line], list[tuple[int, int]]]:
    """The paragraphs, and for each the first and last page it is printed on.

    Args:
        rows: body rows of every page, in reading order.
        widths: each page's width.
    """
    if not rows:
        return [], []
    found = measures(rows, widths)
    pitches = [
        b.top - a.top
        for a, b in itertools.pairwise(rows)
        if a.page == b.page and abs(a.size - b.size) < 0.5 and b.top > a.top
    ]
    pitch = statistics.median(pitches) if pitches else 1.5 * rows[0].size
    groups: list[list[Row]] = []
    for row in rows:
        if groups:
            prev = groups[-1][-1]
            if continues(prev, row, found[prev.page], found[row.page], pitch):
                groups[-1].append(row)
                continue
        groups.append([row])
    lines = []
    spans = []
    for group in groups:
        first = group[0]
        measure = found[first.page]
        cells = table_cells(first, measure.em) if len(group) == 1 else None
        if cells:
            text = "\t".join(clean_inline(_visible_hyphens(cell)) for cell in cells)
        else:
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
                table=bool(cells),
            )
        )
        spans.append((first.page, group[-1].page))
    return lines, spans


def body_size(lines: Sequence[Line]) -> float | None:
    """The font size most of the text is set in."""
    weights: dict[float, int] = {}
    for line in lines:
        if line.size and not line.table:
            weights[line.size] = weights.get(line.size, 0) + len(line.text)
    return max(weights, key=lambda size: weights[size]) if weights else None


def join_title_lines(lines: Sequence[Line]) -> list[Line]:
    """Join the lines of a title set over several lines (for readers that give paragraphs
    with their hints, as the DOCX reader does for a title broken by manual line breaks).

    Consecutive centred lines of one size larger than the body's, one weight and one colour
    (not the red of an issuer mark) are one title, unless a line is a 发文字号, a date, a 附注
    or an attachment label, or the upper one ends a sentence or a mark (``…文件``).
    """
    size = body_size(lines)
    if size is None:
        return list(lines)
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.align == "center"
            and line.align == "center"
            and not prev.table
            and not line.table
            and prev.size
            and line.size
            and abs(prev.size - line.size) < 0.5
            and prev.size >= 1.12 * size
            and prev.bold == line.bold
            and (prev.color or "000000") == (line.color or "000000")
            and not reddish(prev.color)
            and len(prev.text) <= 60
            and len(line.text) <= 60
            and not _squeezed(prev.text).endswith("文件")
            and not _ends_sentence(prev.text)
            and not any(_number_line(t) or standalone(t) for t in (prev.text, line.text))
        ):
            out[-1] = attrs.evolve(prev, text=prev.text + line.text)
            continue
        out.append(line)
    return out


__all__ = [
    "HALF_EMPTY",
    "Measure",
    "Page",
    "Piece",
    "Row",
    "body_size",
    "continues",
    "join_title_lines",
    "measures",
    "merge_rows",
    "paragraphs",
    "standalone",
    "table_cells",
]
