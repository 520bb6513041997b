"""What a reader produces: the file's paragraphs in reading order, with layout hints.

Every reader (one per format) returns a :class:`RawDocument`. The element parser
(:mod:`ingest.elements`) works on it without knowing the format.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from gazette.model import OcrInfo


@attrs.frozen
class Line:
    """One paragraph as the reader found it.

    Attributes:
        text: the paragraph text (line breaks inside a paragraph already joined).
        page: 1-based page (PDF page index) it starts on, when the format has pages.
        align: ``left``, ``center``, ``right`` or ``justify``, when known.
        indent: first-line indent in characters, when known.
        style: the format's style name (DOCX style, HTML tag).
        bold: set in bold.
        size: font size in points, when known.
        color: text colour as ``RRGGBB``, when known (the red header is red).
        table: part of a table (cells joined by tabs).
    """

    text: str
    page: int | None = None
    align: str | None = None
    indent: float | None = None
    style: str | None = None
    bold: bool = False
    size: float | None = None
    color: str | None = None
    table: bool = False


def _lines(values: Iterable[Line]) -> tuple[Line, ...]:
    return tuple(values)


def _ints(values: Iterable[int]) -> tuple[int, ...]:
    return tuple(values)


def _strs(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen
class RawDocument:
    """A file read into paragraphs.

    Attributes:
        name: the file's name or path, for messages.
        format: ``txt``, ``md``, ``html``, ``docx``, ``pdf`` or ``ofd``.
        lines: body paragraphs in reading order.
        furniture: running headers, footers and page numbers, kept apart from the body.
        metadata: labelled metadata found outside the body (a portal's 索引号/发文字号 table,
            DOCX core properties), keys as the source labels them with spacing removed.
        page_count: number of pages, for paged formats.
        ocr: set when the text was recognised from page images.
        needs_ocr: pages that had no usable text and were not recognised.
        warnings: things the reader noticed but could work around.
    """

    name: str
    format: str
    lines: tuple[Line, ...] = attrs.field(converter=_lines)
    furniture: tuple[Line, ...] = attrs.field(default=(), converter=_lines)
    metadata: dict[str, str] = attrs.field(factory=dict)
    page_count: int | None = None
    ocr: OcrInfo | None = None
    needs_ocr: tuple[int, ...] = attrs.field(default=(), converter=_ints)
    warnings: tuple[str, ...] = attrs.field(default=(), converter=_strs)
    extra: dict[str, Any] = attrs.field(factory=dict)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)
