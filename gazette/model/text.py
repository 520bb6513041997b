"""The text of a document: blocks, OCR details, text versions and the choice among renditions."""

from __future__ import annotations

import datetime as _dt
import enum
import hashlib
import unicodedata
from collections.abc import Iterable, Sequence

import attrs

from gazette import wording
from gazette.dates import to_optional_date
from gazette.model._convert import _to_tuple

# --- text ----------------------------------------------------------------------------------


class BlockKind(enum.StrEnum):
    """What a paragraph of a document's text is (GB/T 9704 element or body structure)."""

    HEADER = "header"  # 版头: 份号, 密级, 紧急程度, 发文机关标志, 发文字号, 签发人
    TITLE = "title"  # 标题
    SUBTITLE = "subtitle"  # 题注 of a law or regulation
    PREAMBLE = "preamble"  # 令 promulgation paragraph
    RECIPIENTS = "recipients"  # 主送机关
    HEADING = "heading"  # 一、 / （一） / 1. / （1） / 第一章 / 第一节
    ARTICLE = "article"  # 第一条 … (laws and regulations)
    PARAGRAPH = "paragraph"  # 正文
    TABLE = "table"  # a table, rows as tab-separated lines
    ATTACHMENT_NOTE = "attachment_note"  # 附件说明
    SIGNATURE = "signature"  # 发文机关署名 / 签署人
    DATE = "date"  # 成文日期
    NOTE = "note"  # 附注
    CC = "cc"  # 抄送机关
    PRINTED = "printed"  # 印发机关和印发日期

    @property
    def label(self) -> str:
        """The Chinese name (:data:`gazette.wording.BLOCK_KIND`)."""
        return wording.BLOCK_KIND[self.value]


@attrs.frozen
class Block:
    """One paragraph of a document's text.

    Attributes:
        text: the paragraph, NFC-normalised, no line breaks inside.
        kind: what the paragraph is.
        level: heading depth (1 = 一、 or 第一章, 2 = （一） or 第一节, 3 = 1., 4 = （1）).
        page: the printed page (or PDF page) the paragraph starts on, when known.
    """

    text: str = attrs.field(converter=lambda s: unicodedata.normalize("NFC", s))
    kind: BlockKind = attrs.field(default=BlockKind.PARAGRAPH, converter=BlockKind)
    level: int | None = None
    page: int | None = None


class TextOrigin(enum.StrEnum):
    """Where a rendition of a text came from."""

    GAZETTE = "gazette"  # printed in a gazette issue: the standard text (标准文本)
    PORTAL = "portal"  # a government portal page
    FILE = "file"  # a file an archivist supplied (DOCX, PDF, text)
    MANUAL = "manual"

    @property
    def label(self) -> str:
        """The Chinese name (:data:`gazette.wording.TEXT_ORIGIN`)."""
        return wording.TEXT_ORIGIN[self.value]


@attrs.frozen
class OcrInfo:
    """How a text was recognised from page images.

    Attributes:
        engine: e.g. ``tesseract 5.3.0 chi_sim``.
        confidence: mean word confidence over all pages, 0-100.
        pages: per page ``(page, confidence)``.
    """

    engine: str
    confidence: float
    pages: tuple[tuple[int, float], ...] = attrs.field(default=(), converter=_to_tuple)


def _to_box(values: Iterable[float]) -> tuple[float, float, float, float]:
    x0, top, x1, bottom = (float(v) for v in values)
    return (x0, top, x1, bottom)


@attrs.frozen
class OcrLine:
    """One line (or, on a vertical page, one column) recognised on a page image.

    Attributes:
        text: what was read.
        box: ``(x0, top, x1, bottom)`` in points from the top left of the page, once the page
            is turned by its :attr:`OcrPage.angle` (the box a viewer draws over the image).
        confidence: the engine's confidence, 0-100.
    """

    text: str
    box: tuple[float, float, float, float] = attrs.field(converter=_to_box)
    confidence: float = 0.0


def _to_lines(values: Iterable[OcrLine]) -> tuple[OcrLine, ...]:
    return tuple(values)


@attrs.frozen
class OcrPage:
    """What OCR read on one page image, kept so the image and its text can be shown side by
    side, and so a page the engine failed on is known.

    Attributes:
        page: 1-based page of the original (PDF page index).
        width, height: the page's size in points.
        engine: what recognised it (``rapidocr 3.10.0 …``, ``tesseract 5.3.0 chi_sim``).
        lines: the lines in reading order.
        confidence: mean confidence weighted by text length (``None``: nothing read).
        vertical: the page is set in vertical columns (read right to left).
        angle: the turn (degrees, counter-clockwise) that straightened the page before
            recognition; boxes refer to the turned page.
        error: why the page could not be recognised (it then needs OCR again).
    """

    page: int
    width: float
    height: float
    engine: str
    lines: tuple[OcrLine, ...] = attrs.field(default=(), converter=_to_lines)
    confidence: float | None = None
    vertical: bool = False
    angle: float = 0.0
    error: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def failed(self) -> bool:
        return self.error is not None


def canonical_text(blocks: Iterable[Block]) -> str:
    """The canonical standard text: NFC, one paragraph per line, final newline.

    This string's SHA-256 is a text's content hash.
    """
    lines = [unicodedata.normalize("NFC", block.text).strip() for block in blocks]
    return "\n".join(line for line in lines if line) + "\n"


@attrs.frozen
class TextVersion:
    """One rendition of one version of a document's text.

    A document amended over time has several versions (``adopted`` dates differ); one version
    may arrive in several renditions (gazette, portal, file). The gazette rendition is the
    standard text.

    Attributes:
        blocks: the paragraphs.
        origin: where the rendition came from.
        source_sha256: the original file it was read from, if any.
        adopted: the date this version was adopted (公布, 修正, 修订), when known.
        effective: the date this version took effect, when known.
        label: how the version is called, e.g. ``2018年修正``.
        standard: whether this is the standard text (printed in a gazette).
        ocr: set when the text was recognised from images.
        pages: the page range of the source it came from, when known.
        id: assigned by the archive.
    """

    blocks: tuple[Block, ...] = attrs.field(converter=_to_tuple)
    origin: TextOrigin = attrs.field(default=TextOrigin.FILE, converter=TextOrigin)
    source_sha256: str | None = None
    adopted: _dt.date | None = attrs.field(default=None, converter=to_optional_date)
    effective: _dt.date | None = attrs.field(default=None, converter=to_optional_date)
    label: str | None = None
    standard: bool = False
    ocr: OcrInfo | None = None
    pages: tuple[int, int] | None = None
    id: int | None = attrs.field(default=None, eq=False)

    @property
    def text(self) -> str:
        """The canonical text (see :func:`canonical_text`)."""
        return canonical_text(self.blocks)

    @property
    def content_hash(self) -> str:
        """SHA-256 of the canonical text."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def best_rendition(renditions: Sequence[TextVersion]) -> TextVersion:
    """Among renditions of one version: the standard one (printed in a gazette), and among
    those, one read from text (born digital, Word, web) before one recognised by OCR; else
    the first."""
    standard = [t for t in renditions if t.standard] or list(renditions)
    return min(standard, key=lambda t: t.ocr is not None)


def against_standard(texts: Sequence[TextVersion]) -> list[tuple[TextVersion, TextVersion]]:
    """Each rendition paired with the one it is compared against: the standard rendition
    (:func:`best_rendition`), in the order held; empty when there is one rendition or none."""
    if len(texts) < 2:
        return []
    base = best_rendition(texts)
    return [(text, base) for text in texts if text is not base]


def version_start(version: TextVersion) -> _dt.date | None:
    """The day a text version took effect (its effective date, else its adoption date)."""
    return version.effective or version.adopted


def current_text(texts: Iterable[TextVersion]) -> TextVersion | None:
    """Pick the latest version (by :func:`version_start`; a version with no date at all is the
    oldest), and its best rendition (:func:`best_rendition`).

    This is the one rule for the current text: the archive's index and public view, the
    text in force on a date (:func:`gazette.lifecycle.text_on`) and every rendering use it.
    """
    ordered = list(texts)
    if not ordered:
        return None
    latest = max(version_start(t) or _dt.date.min for t in ordered)
    same = [t for t in ordered if (version_start(t) or _dt.date.min) == latest]
    return best_rendition(same)
