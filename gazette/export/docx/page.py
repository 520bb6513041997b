"""The page of the DOCX export: A4 with the standard's margins and line grid, the default
styles, the status mark in the page header, page numbers in the footer, and the file's core
properties (the full header, with the SHA-256 of the text).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from gazette.export.docx.ooxml import (
    PPR_ORDER,
    RPR_ORDER,
    Ooxml,
    paragraph_properties,
    put,
    set_fonts,
)
from gazette.export.docx.paragraphs import add_run, format_paragraph, spacing
from gazette.export.docx.standard import (
    BOTTOM_MM,
    CONDENSE_TWIPS,
    FONT_BODY,
    FONT_HEADING_1,
    FONT_PAGE_NUMBER,
    LEFT_MM,
    LINE_TWIPS,
    PAGE_MM,
    PT_PER_MM,
    RED,
    RIGHT_MM,
    SIZE_3HAO,
    SIZE_4HAO,
    TOP_MM,
    twips,
)
from gazette.export.rendition import Rendition, status_text


def set_up(ox: Ooxml, document: Any, rendition: Rendition) -> None:
    """Page size, margins and grid, the styles, the headers and footers, the properties."""
    section = document.sections[0]
    section.page_width = ox.Mm(PAGE_MM[0])
    section.page_height = ox.Mm(PAGE_MM[1])
    section.top_margin = ox.Mm(TOP_MM)
    section.bottom_margin = ox.Mm(BOTTOM_MM)
    section.left_margin = ox.Mm(LEFT_MM)
    section.right_margin = ox.Mm(RIGHT_MM)
    section.header_distance = ox.Mm(15)
    # The page number's rules sit 7 mm below the type area: the footer's one 14 pt line
    # ends 7 mm + one line under the type area.
    section.footer_distance = ox.Mm(BOTTOM_MM - 7 - SIZE_4HAO / PT_PER_MM * 1.2)
    sect_pr = section._sectPr
    grid = sect_pr.find(ox.qn("w:docGrid"))
    if grid is None:
        grid = ox.element("w:docGrid")
        sect_pr.append(grid)
    for key in list(grid.attrib):
        del grid.attrib[key]
    grid.set(ox.qn("w:type"), "lines")
    grid.set(ox.qn("w:linePitch"), str(LINE_TWIPS))
    document.settings.odd_and_even_pages_header_footer = True
    _styles(ox, document)
    _header_footer(ox, section, rendition)
    _properties(document, rendition)


def _styles(ox: Ooxml, document: Any) -> None:
    """The body's font, size, character spacing and line pitch as the defaults."""
    styles = document.styles.element
    defaults = styles.find(ox.qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{ox.qn('w:rPrDefault')}/{ox.qn('w:rPr')}")
        if rpr is not None:
            set_fonts(ox, rpr, FONT_BODY, SIZE_3HAO)
            put(ox, rpr, "spacing", RPR_ORDER, val=str(CONDENSE_TWIPS))
            put(ox, rpr, "lang", RPR_ORDER, val="en-US", eastAsia="zh-CN")
        ppr = defaults.find(f"{ox.qn('w:pPrDefault')}/{ox.qn('w:pPr')}")
        if ppr is not None:
            spacing(ox, ppr)
    normal = document.styles["Normal"]
    rpr = normal.element.get_or_add_rPr()
    set_fonts(ox, rpr, FONT_BODY, SIZE_3HAO)
    put(ox, rpr, "spacing", RPR_ORDER, val=str(CONDENSE_TWIPS))
    ppr = normal.element.get_or_add_pPr()
    spacing(ox, ppr)
    put(ox, ppr, "jc", PPR_ORDER, val="both")
    # Chinese line breaking: no punctuation at the start of a line.
    put(ox, ppr, "kinsoku", PPR_ORDER, val="1")
    put(ox, ppr, "snapToGrid", PPR_ORDER, val="1")


def _header_footer(ox: Ooxml, section: Any, rendition: Rendition) -> None:
    """The status mark in the header of every page; page numbers in the footer."""
    marks = [status_text(rendition.status)] + [
        f.line.strip("【】") for f in rendition.header if f.label in ("标准文本", "文本来源")
    ]
    mark_text = "　".join(marks)
    for header in (section.header, section.even_page_header):
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        for run in list(paragraph.runs):
            run._r.getparent().remove(run._r)
        format_paragraph(ox, paragraph, align="center", indent_chars=0, line_exact=False)
        color = RED if rendition.status.value.marked else None
        add_run(ox, paragraph, mark_text, FONT_HEADING_1, 10.5, color=color, literal=True)
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        ppr = paragraph_properties(ox, paragraph)
        put(ox, ppr, "jc", PPR_ORDER, val=align)
        # 单页码居右空一字，双页码居左空一字.
        side = "right" if align == "right" else "left"
        put(ox, ppr, "ind", PPR_ORDER, **{side: str(twips(SIZE_4HAO))})
        add_run(ox, paragraph, "— ", FONT_PAGE_NUMBER, SIZE_4HAO)
        field = ox.element("w:fldSimple")
        field.set(ox.qn("w:instr"), " PAGE ")
        run = ox.element("w:r")
        rpr = ox.element("w:rPr")
        set_fonts(ox, rpr, FONT_PAGE_NUMBER, SIZE_4HAO)
        run.append(rpr)
        text = ox.element("w:t")
        text.text = "1"
        run.append(text)
        field.append(run)
        paragraph._p.append(field)
        add_run(ox, paragraph, " —", FONT_PAGE_NUMBER, SIZE_4HAO)


def _properties(document: Any, rendition: Rendition) -> None:
    """The core properties: the full header (with the text's SHA-256), fixed dates."""
    doc = rendition.doc
    props = document.core_properties
    props.title = doc.display_title[:255]
    props.subject = str(doc.doc_number) if doc.doc_number else ""
    props.author = "，".join(doc.issuers)
    props.category = doc.doc_type or ""
    props.keywords = "；".join(x for x in (doc.doc_type, rendition.status.label) if x)
    # The full header, for readers that keep core properties. (python-docx caps property
    # values at 255 characters; the OPC schema does not.)
    props._element._get_or_add("description").text = "\n".join(rendition.header_lines)
    props.content_status = rendition.status.label
    props.identifier = doc.id or ""
    props.language = "zh-CN"
    props.last_modified_by = "gazette"
    props.revision = 1
    stamp = _dt.datetime.combine(rendition.on, _dt.time(0, 0))
    props.created = _dt.datetime.combine(
        doc.written_date or doc.published_date or rendition.on, _dt.time(0, 0)
    )
    props.modified = stamp
    props.last_printed = stamp
