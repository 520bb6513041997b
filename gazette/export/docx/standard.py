"""The figures of GB/T 9704-2012 《党政机关公文格式》 the DOCX export lays a document out by.

Page and type area (标准 5.2), the type sizes (号) and the fonts the standard names, the line
and character pitch of the document grid, and conversions to Word's twentieths of a point.
"""

from __future__ import annotations

import math

PAGE_MM = (210.0, 297.0)
TOP_MM = 37.0
LEFT_MM = 28.0
TYPE_AREA_MM = (156.0, 225.0)
BOTTOM_MM = PAGE_MM[1] - TOP_MM - TYPE_AREA_MM[1]  # 35
RIGHT_MM = PAGE_MM[0] - LEFT_MM - TYPE_AREA_MM[0]  # 26
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28

SIZE_2HAO = 22.0  # 2号
SIZE_3HAO = 16.0  # 3号
SIZE_4HAO = 14.0  # 4号

FONT_TITLE = "小标宋体"
FONT_BODY = "仿宋_GB2312"
FONT_HEADING_1 = "黑体"
FONT_HEADING_2 = "楷体_GB2312"
FONT_PAGE_NUMBER = "宋体"
FONT_LATIN = "Times New Roman"
RED = "FF0000"

PT_PER_MM = 72 / 25.4
# The line pitch in twentieths of a point, rounded down so that 22 lines fit (579: 28.95 pt).
LINE_TWIPS = math.floor(TYPE_AREA_MM[1] * PT_PER_MM / LINES_PER_PAGE * 20)
LINE_PITCH_PT = LINE_TWIPS / 20
CHAR_PITCH_PT = TYPE_AREA_MM[0] * PT_PER_MM / CHARS_PER_LINE  # 15.79
# 28 characters of 16 pt are 0.7 % wider than the 156 mm line: characters are set this much
# tighter (in twentieths of a point, rounded so that 28 fit). Word templates squeeze the same
# amount through a character grid (docGrid linesAndChars), which other word processors lay out
# as two grid cells per character; spacing the characters works everywhere.
CONDENSE_TWIPS = math.floor((CHAR_PITCH_PT - SIZE_3HAO) * 20)  # -5: 15.75 pt per character


def twips(points: float) -> int:
    return round(points * 20)


def mm_twips(mm: float) -> int:
    return twips(mm * PT_PER_MM)
