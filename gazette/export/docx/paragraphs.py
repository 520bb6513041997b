"""Paragraphs and runs of the DOCX export, measured as the standard measures them: lines of
the document grid, indents in characters, rules of a given weight and distance.
"""

from __future__ import annotations

from typing import Any

from gazette.export.docx.ooxml import (
    PPR_ORDER,
    Ooxml,
    paragraph_properties,
    put,
    set_fonts,
)
from gazette.export.docx.standard import LINE_TWIPS, SIZE_3HAO, TYPE_AREA_MM, mm_twips, twips
from gazette.export.rendition import display


def spacing(ox: Ooxml, ppr: Any, *, before_lines: float = 0) -> None:
    """Exactly one grid line high, ``before_lines`` lines of space above."""
    put(
        ox,
        ppr,
        "spacing",
        PPR_ORDER,
        before=str(round(LINE_TWIPS * before_lines)),
        after="0",
        line=str(LINE_TWIPS),
        lineRule="exact",
    )


def format_paragraph(
    ox: Ooxml,
    paragraph: Any,
    *,
    align: str = "both",
    indent_chars: float = 2,
    before_lines: float = 0,
    left_chars: float = 0,
    right_chars: float = 0,
    hanging_chars: float = 0,
    char_pt: float = SIZE_3HAO,
    line_exact: bool = True,
    page_break: bool = False,
) -> Any:
    """Set a paragraph's alignment, indents (in characters of ``char_pt``) and spacing."""
    ppr = paragraph_properties(ox, paragraph)
    if page_break:
        put(ox, ppr, "pageBreakBefore", PPR_ORDER)
    if line_exact:
        spacing(ox, ppr, before_lines=before_lines)
    ind: dict[str, str] = {}
    if left_chars:
        ind["left"] = str(twips(left_chars * char_pt))
        ind["leftChars"] = str(round(left_chars * 100))
    if right_chars:
        ind["right"] = str(twips(right_chars * char_pt))
        ind["rightChars"] = str(round(right_chars * 100))
    if hanging_chars:
        ind["hanging"] = str(twips(hanging_chars * char_pt))
        ind["hangingChars"] = str(round(hanging_chars * 100))
    else:
        ind["firstLine"] = str(twips(indent_chars * char_pt))
        ind["firstLineChars"] = str(round(indent_chars * 100))
    put(ox, ppr, "ind", PPR_ORDER, **ind)
    put(ox, ppr, "jc", PPR_ORDER, val=align)
    return ppr


def add_run(
    ox: Ooxml,
    paragraph: Any,
    text: str,
    font: str,
    size: float,
    *,
    color: str | None = None,
    literal: bool = False,
) -> Any:
    """Append a run of text (as displayed, unless ``literal``) in a font and size."""
    run = paragraph.add_run(text if literal else display(text))
    set_fonts(ox, run._r.get_or_add_rPr(), font, size, color=color)
    return run


def border(ox: Ooxml, ppr: Any, side: str, size_eighths: int, color: str, space_pt: int) -> None:
    """A rule on one side of a paragraph, in the order the schema requires."""
    borders = ppr.find(ox.qn("w:pBdr"))
    if borders is None:
        borders = put(ox, ppr, "pBdr", PPR_ORDER)
    edge = ox.element(f"w:{side}")
    edge.set(ox.qn("w:val"), "single")
    edge.set(ox.qn("w:sz"), str(size_eighths))
    edge.set(ox.qn("w:space"), str(space_pt))
    edge.set(ox.qn("w:color"), color)
    order = ["top", "left", "bottom", "right", "between", "bar"]
    later = {ox.qn(f"w:{t}") for t in order[order.index(side) + 1 :]}
    for index, child in enumerate(borders):
        if child.tag in later:
            borders.insert(index, edge)
            break
    else:
        borders.append(edge)


def right_tab(ox: Ooxml, paragraph: Any, char_pt: float) -> None:
    """A right tab stop at the type area's width less two characters of ``char_pt``: one item
    at the left of the line, the other at the right (发文字号 and 签发人, 印发机关 and date).
    """
    tabs = put(ox, paragraph_properties(ox, paragraph), "tabs", PPR_ORDER)
    tab = ox.element("w:tab")
    tab.set(ox.qn("w:val"), "right")
    tab.set(ox.qn("w:pos"), str(mm_twips(TYPE_AREA_MM[0]) - twips(2 * char_pt)))
    tabs.append(tab)
