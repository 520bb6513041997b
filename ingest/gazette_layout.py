"""Recognised pages as positioned lines, and paragraphs rebuilt from them.

OCR (:mod:`ingest.ocr`) returns each page as lines with their boxes (a :class:`Page` of
:class:`PageLine`); :func:`to_raw` turns such pages into the reader contract
(:class:`~ingest.raw.RawDocument`), as the PDF reader (:mod:`ingest.readers.pdf`) does for a
text layer: body paragraphs in reading order with the page they start on, alignment and size
(``extra["page_spans"]``: the first and last page of each); running headers, footers and page
numbers moved to ``furniture`` with their page. OCR misreads furniture from page to page, so
running headers are compared with their digits and punctuation set aside. Single-column pages
only.
"""

from __future__ import annotations

import enum
import itertools
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from gazette.errors import CorruptFile, EncryptedFile
from gazette.model import OcrInfo
from ingest.normalize import GAP, clean_inline
from ingest.raw import Line, RawDocument


class PageKind(enum.StrEnum):
    """What a page's text layer is worth."""

    TEXT = "text"  # a usable text layer
    IMAGE = "image"  # images and no text: a scan
    GARBLED = "garbled"  # text that is not text (broken font encoding)
    BLANK = "blank"  # nothing on it
    OCR = "ocr"  # recognised from the page image


@attrs.frozen
class PageLine:
    """One printed line. Coordinates in points, origin at the top left of the page.

    Attributes:
        text: the line's text (a wide gap inside kept as one U+3000).
        x0, x1: left and right edges.
        top, bottom: upper and lower edges.
        size: the text height (about the font size).
        confidence: OCR confidence of the line, 0-100, when recognised.
    """

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    confidence: float | None = None


def _lines(values: Iterable[PageLine]) -> tuple[PageLine, ...]:
    return tuple(values)


@attrs.frozen
class Page:
    """One page of a PDF.

    Attributes:
        number: 1-based PDF page index.
        width, height: page size in points.
        lines: the lines in reading order (top to bottom).
        kind: text, image, garbled, blank or ocr.
        confidence: mean OCR confidence, for recognised pages.
    """

    number: int
    width: float
    height: float
    lines: tuple[PageLine, ...] = attrs.field(default=(), converter=_lines)
    kind: PageKind = attrs.field(default=PageKind.TEXT, converter=PageKind)
    confidence: float | None = None

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def needs_ocr(self) -> bool:
        return self.kind in (PageKind.IMAGE, PageKind.GARBLED)


# --- reading a PDF's text layer -------------------------------------------------------------

# --- lines ---------------------------------------------------------------------------------


def merge_rows(pieces: Sequence[PageLine]) -> list[PageLine]:
    """Join pieces of text that sit on one row into lines, top to bottom.

    A PDF's text comes in runs, OCR's in blocks: a 目录 title and its page marker, or a
    running header's two halves, are separate pieces on one baseline. A wide gap between
    two pieces is kept as one U+3000. The row's size is its largest piece's; its OCR
    confidence the pieces' mean weighted by length.
    """
    ordered = sorted(pieces, key=lambda r: (r.top + r.bottom) / 2)
    groups: list[list[PageLine]] = []
    for piece in ordered:
        if groups:
            last = groups[-1]
            top = min(r.top for r in last)
            bottom = max(r.bottom for r in last)
            overlap = min(bottom, piece.bottom) - max(top, piece.top)
            if overlap > 0.5 * min(bottom - top, piece.bottom - piece.top):
                last.append(piece)
                continue
        groups.append([piece])
    lines = []
    for group in groups:
        group.sort(key=lambda r: r.x0)
        size = max(r.size for r in group)
        text = ""
        previous_x1 = None
        for piece in group:
            part = piece.text.replace("\r", "").replace("\n", "")
            if previous_x1 is not None and piece.x0 - previous_x1 > 0.8 * size:
                text = text.rstrip() + GAP
            text += part
            previous_x1 = piece.x1
        text = clean_inline(text, keep_gaps=True)
        if not text:
            continue
        rated = [r for r in group if r.confidence is not None]
        confidence = None
        if rated:
            weight = sum(max(1, len(r.text)) for r in rated)
            confidence = round(
                sum((r.confidence or 0.0) * max(1, len(r.text)) for r in rated) / weight, 1
            )
        lines.append(
            PageLine(
                text,
                x0=group[0].x0,
                x1=max(r.x1 for r in group),
                top=min(r.top for r in group),
                bottom=max(r.bottom for r in group),
                size=size,
                confidence=confidence,
            )
        )
    return lines


def open_pdf(path: Path) -> Any:
    """Open a PDF with pypdfium2, translating failures into specific errors.

    Raises:
        EncryptedFile: the PDF needs a password.
        CorruptFile: pdfium cannot load it.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise EncryptedFile(path) from exc
        raise CorruptFile(path, "无法读取PDF") from exc


def pdf_info(path: Path) -> tuple[int, dict[str, str]]:
    """A PDF's page count and its document information (Title, Subject, …), non-empty only."""
    document = open_pdf(path)
    try:
        metadata = {k: v for k, v in document.get_metadata_dict(skip_empty=True).items() if v}
        return len(document), metadata
    finally:
        document.close()


# --- furniture ------------------------------------------------------------------------------

PAGE_NUMBER = re.compile(
    r"^[—–\-－一~～_·•\s]{0,4}(?:第\s*)?(?P<n>[0-9０-９]{1,4})\s*(?:页)?[—–\-－一~～_·•\s]{0,4}$"
)
BAND = 0.09  # top and bottom share of the page where furniture lives


def page_number_of(text: str) -> int | None:
    """The printed page number a footer states (``— 4 —``, ``-4-``, ``第4页``, ``4``)."""
    match = PAGE_NUMBER.match(text.strip())
    if not match:
        return None
    import unicodedata

    return int(unicodedata.normalize("NFKC", match["n"]))


def _furniture_key(text: str) -> str:
    """Band text with what varies from page to page (numbers) or is easily misread by OCR
    (separators, stray marks) removed: ``国务院公报 2019·5`` and ``国务院公报”2019…5`` agree."""
    kept = re.sub(r"[^\u3400-\u9fff0-9０-９A-Za-z]", "", text)
    return re.sub(r"[0-9０-９]+", "#", kept)


def split_furniture(pages: Sequence[Page]) -> list[tuple[list[PageLine], list[PageLine]]]:
    """Per page, ``(body lines, furniture lines)``.

    Furniture is a line in the top or bottom band of a page that is a page number, or whose
    text (digits masked) recurs in the bands of other pages: running headers alternate left
    and right, so position across pages is not compared, only text.
    """
    counts: Counter[str] = Counter()
    for page in pages:
        seen = set()
        for line in page.lines:
            if _in_band(line, page):
                seen.add(_furniture_key(line.text))
        counts.update(seen)
    out = []
    for page in pages:
        body: list[PageLine] = []
        furniture: list[PageLine] = []
        for line in page.lines:
            if _in_band(line, page) and (
                page_number_of(line.text) is not None
                or (counts[_furniture_key(line.text)] >= 2 and len(line.text) <= 40)
            ):
                furniture.append(line)
            else:
                body.append(line)
        out.append((body, furniture))
    return out


def _in_band(line: PageLine, page: Page) -> bool:
    return line.bottom <= page.height * BAND or line.top >= page.height * (1 - BAND)


# --- paragraphs -----------------------------------------------------------------------------


@attrs.frozen
class _Frame:
    """The text block's geometry, measured over the whole document."""

    left: float
    right: float
    size: float
    leading: float


def _mode(values: Iterable[float], default: float) -> float:
    rounded = [round(v) for v in values]
    if not rounded:
        return default
    return float(Counter(rounded).most_common(1)[0][0])


def _frame(bodies: Sequence[Sequence[PageLine]]) -> _Frame:
    lines = [line for body in bodies for line in body]
    size = _mode((line.size for line in lines), 12.0)
    body = [line for line in lines if abs(line.size - size) <= 0.2 * size]
    left = _mode((line.x0 for line in body), 72.0)
    right = _mode((line.x1 for line in body if line.x1 - line.x0 > 10 * size), left + 30 * size)
    gaps = []
    for page in bodies:
        for a, b in itertools.pairwise(page):
            if abs(a.size - size) <= 0.2 * size and abs(b.size - size) <= 0.2 * size:
                gaps.append(b.top - a.top)
    leading = statistics.median(gaps) if gaps else size * 1.6
    return _Frame(left, right, size, leading)


def _align(line: PageLine, frame: _Frame) -> str:
    centre = (frame.left + frame.right) / 2
    unit = max(line.size, frame.size * 0.8)
    starts_left = line.x0 < frame.left + 0.6 * unit
    indented = frame.left + 1.4 * unit <= line.x0 <= frame.left + 2.8 * unit
    if indented and _full(line, frame):
        return "indent"
    if not starts_left and abs((line.x0 + line.x1) / 2 - centre) < 1.2 * unit:
        return "center"
    if indented:
        return "indent"
    if not starts_left and line.x0 > frame.left + 4 * unit:
        return "right"
    return "left"


def _full(line: PageLine, frame: _Frame) -> bool:
    return line.x1 >= frame.right - 1.3 * max(line.size, frame.size * 0.8)


def to_raw(
    pages: Sequence[Page],
    *,
    name: str,
    format: str = "pdf",
    metadata: dict[str, str] | None = None,
    ocr: OcrInfo | None = None,
    warnings: Sequence[str] = (),
) -> RawDocument:
    """Paragraphs from positioned lines (see the module docstring).

    ``extra["page_spans"]`` gives, per paragraph, the first and last page it is printed on.
    """
    split = split_furniture(pages)
    frame = _frame([body for body, _ in split])
    lines: list[Line] = []
    spans: list[tuple[int, int]] = []
    furniture: list[Line] = []
    current: list[str] = []
    current_meta: dict[str, Any] = {}
    current_span = [0, 0]
    previous: PageLine | None = None
    previous_align = ""

    def flush() -> None:
        if current:
            text = clean_inline("".join(current), keep_gaps=True)
            if text:
                lines.append(Line(text, **current_meta))
                spans.append((current_span[0], current_span[1]))
            current.clear()

    for page, (body, page_furniture) in zip(pages, split, strict=True):
        for line in page_furniture:
            furniture.append(Line(line.text, page=page.number, size=round(line.size, 1)))
        for index, line in enumerate(body):
            align = _align(line, frame)
            new = (
                previous is None
                or align in ("center", "right", "indent")
                or previous_align in ("center", "right")
                or not _full(previous, frame)
                or abs(line.size - previous.size) > 0.15 * frame.size
                or (index > 0 and line.top - previous.bottom > 1.2 * frame.leading)
            )
            if new:
                flush()
                current_meta = {
                    "page": page.number,
                    "align": {"indent": "justify", "left": "left"}.get(align, align),
                    "indent": 2.0 if align == "indent" else 0.0,
                    "size": round(line.size, 1),
                }
                current_span[0] = page.number
            current.append(line.text)
            current_span[1] = page.number
            previous, previous_align = line, align
    flush()
    return RawDocument(
        name=name,
        format=format,
        lines=lines,
        furniture=furniture,
        metadata=dict(metadata or {}),
        page_count=len(pages),
        ocr=ocr,
        needs_ocr=[p.number for p in pages if p.needs_ocr],
        warnings=tuple(warnings),
        extra={"page_spans": spans},
    )


__all__ = [
    "Page",
    "PageKind",
    "PageLine",
    "merge_rows",
    "open_pdf",
    "page_number_of",
    "pdf_info",
    "split_furniture",
    "to_raw",
]
