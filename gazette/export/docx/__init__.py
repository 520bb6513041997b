"""Word (DOCX), laid out as GB/T 9704-2012 《党政机关公文格式》 lays out an official document.

Page and type area (标准 5.2): A4, top margin 37 mm, left 28 mm, type area 156 × 225 mm (so
bottom 35 mm, right 26 mm), 22 lines of 28 characters: the document grid has a line pitch of
225 mm / 22 and body lines are exactly that high; characters are set 0.25 pt tighter than
16 pt so that 28 fill the 156 mm line (see :data:`CONDENSE_TWIPS`).

Fonts are named as the standard names them (they need not be installed; Word substitutes):
body in 3号 (16 pt) 仿宋_GB2312, title in 2号 (22 pt) 小标宋体, first-level headings in 黑体,
second-level in 楷体_GB2312; the 版记 in 4号 (14 pt) 仿宋_GB2312; page numbers in 4号 半角宋体.
The names are set on the East Asian slot of ``w:rFonts`` (Latin text and digits in Times New
Roman) and theme fonts are removed, so no theme overrides them.

Elements (标准 7): the 发文机关标志 red and centred 35 mm below the top of the type area (20 mm
for a 令), the 发文字号 centred two lines below it with the red separator 4 mm under it, the
title two lines below, 主送机关 flush left one line below the title, paragraphs indented two
characters, the signature two characters from the right and the date placed relative to it,
附注 indented two characters, each attachment on a new page with its label at the top left
in 黑体, and the 版记 (抄送, 印发机关和印发日期) between a thick top and bottom rule, in a frame
whose last rule coincides with the bottom of the type area on the last page. Page numbers
``— N —`` sit 7 mm below the type area, right on odd pages, left on even ones.

The status mark and the source of the standard text are repeated in the page header of every
page, outside the document's own layout; the full header (with the SHA-256 of the text) is in
the file's core properties (``comments``). Output is deterministic: the same document and
status date give the same bytes.

The package's modules: ``standard`` (the standard's figures), ``ooxml`` (python-docx and the
schema's order of properties), ``paragraphs`` (paragraphs and runs measured in lines and
characters), ``title_breaks`` (where a long title breaks), ``page`` (page setup, styles, the
header's status mark, page numbers, core properties), ``writer`` (the document's elements) and
``package`` (the deterministic package).
"""

from __future__ import annotations

import datetime as _dt

from gazette.export.docx.standard import (
    BOTTOM_MM,
    CHAR_PITCH_PT,
    CHARS_PER_LINE,
    CONDENSE_TWIPS,
    FONT_BODY,
    FONT_HEADING_1,
    FONT_HEADING_2,
    FONT_LATIN,
    FONT_PAGE_NUMBER,
    FONT_TITLE,
    LEFT_MM,
    LINE_PITCH_PT,
    LINE_TWIPS,
    LINES_PER_PAGE,
    PAGE_MM,
    RED,
    RIGHT_MM,
    SIZE_2HAO,
    SIZE_3HAO,
    SIZE_4HAO,
    TOP_MM,
    TYPE_AREA_MM,
)
from gazette.export.docx.title_breaks import text_width, title_lines
from gazette.export.docx.writer import document
from gazette.export.rendition import build
from gazette.model import Document

__all__ = [
    "BOTTOM_MM",
    "CHARS_PER_LINE",
    "CHAR_PITCH_PT",
    "CONDENSE_TWIPS",
    "FONT_BODY",
    "FONT_HEADING_1",
    "FONT_HEADING_2",
    "FONT_LATIN",
    "FONT_PAGE_NUMBER",
    "FONT_TITLE",
    "LEFT_MM",
    "LINES_PER_PAGE",
    "LINE_PITCH_PT",
    "LINE_TWIPS",
    "PAGE_MM",
    "RED",
    "RIGHT_MM",
    "SIZE_2HAO",
    "SIZE_3HAO",
    "SIZE_4HAO",
    "TOP_MM",
    "TYPE_AREA_MM",
    "document",
    "media_type",
    "name",
    "render",
    "suffix",
    "text_width",
    "title_lines",
]

name = "docx"
suffix = ".docx"
media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def render(doc: Document, *, on: _dt.date | None = None) -> bytes:
    return document(build(doc, on=on))
