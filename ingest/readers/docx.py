"""DOCX reader (python-docx): paragraphs and tables in order, with their style and layout.

* Body paragraphs (also inside content controls, and the text boxes — VML or DrawingML — a
  red header is often set in) give one :class:`~ingest.raw.Line` each, with the paragraph
  style name, alignment (direct or inherited from the style), first-line indent in characters
  (``firstLineChars``, ``firstLine`` or leading ideographic spaces), and the size, bold and
  colour that most of its text has; a manual line break (``Shift+Enter``) ends a line, as
  ``<br>`` does in HTML. Runs inside inline content controls, smart tags, tracked insertions
  and simple fields count; a content control still showing its placeholder does not.
* A table that lays the page out (no row with more than one filled cell, or one cell holding
  most of the text as paragraphs or another table: a web page's frame, a template's boxes) is
  read as the blocks its cells hold (:func:`is_layout_table`); a data table gives one line per
  row, its cells separated by tabs (merged cells once, a nested table's text in its cell).
* Consecutive centred lines of a title's size are one title (a title broken by line breaks);
  a portal page's metadata table at the top (a Word file saved from the page) becomes
  :attr:`RawDocument.metadata`.
* Headers and footers go to :attr:`RawDocument.furniture`, never into the body.

The container is checked before python-docx opens it: too many members, a declared
uncompressed size out of proportion (zip bomb), encrypted members, or XML parts that declare a
DTD or entities (in any encoding, anywhere in the part: :func:`ingest.safety.check_xml`) are
refused with :class:`~gazette.errors.UnsafeFile` or
:class:`~gazette.errors.EncryptedFile`.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from gazette.errors import CorruptFile, EmptyDocument
from ingest.normalize import clean_inline
from ingest.raw import Line, RawDocument
from ingest.readers.container import check_zip
from ingest.readers.furniture import site_chrome, table_metadata
from ingest.readers.layout import join_title_lines

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_P, _TBL, _SDT, _TXBX = f"{{{W}}}p", f"{{{W}}}tbl", f"{{{W}}}sdt", f"{{{W}}}txbxContent"
_TR, _TC, _CUSTOM_XML = f"{{{W}}}tr", f"{{{W}}}tc", f"{{{W}}}customXml"
_LEADING = re.compile(r"^[ \u3000\u00a0\t]+")


def check_container(path: Path) -> None:
    """Refuse a DOCX whose ZIP container is built to exhaust resources or is encrypted.

    Raises:
        UnsafeFile: too many members, a zip bomb, or XML with a DTD or entity declarations.
        EncryptedFile: members are encrypted.
        CorruptFile: the container cannot be read.
    """
    check_zip(path, "DOCX")


@dataclass(frozen=True)
class _StyleInfo:
    """What a paragraph style gives its paragraphs, resolved along ``basedOn``."""

    name: str | None
    align: str | None
    size: float | None
    bold: bool


_JC = {
    "left": "left",
    "start": "left",
    "center": "center",
    "right": "right",
    "end": "right",
    "both": "justify",
    "distribute": "justify",
}


def _on(element: Any) -> bool | None:
    """A WordprocessingML toggle (``<w:b/>``, ``<w:b w:val="0"/>``), ``None`` when absent."""
    if element is None:
        return None
    return element.get(f"{{{W}}}val", "true").lower() not in ("0", "false", "off")


class _Styles:
    """Paragraph styles by id, read once from the styles part and resolved along ``basedOn``
    (python-docx looks a style up by scanning the styles part, slow to repeat per paragraph).
    """

    def __init__(self, document: Any) -> None:
        from docx.styles import BabelFish

        self.own: dict[str, tuple[str | None, str | None, str | None, float | None, bool | None]]
        self.own = {}
        self.default: str | None = None
        self.cache: dict[str | None, _StyleInfo] = {}
        root = document.styles.element
        for style in root.iterchildren(f"{{{W}}}style"):
            if style.get(f"{{{W}}}type") != "paragraph":
                continue
            style_id = style.get(f"{{{W}}}styleId")
            if style.get(f"{{{W}}}default") in ("1", "true", "on"):
                self.default = style_id
            name = style.find(f"{{{W}}}name")
            based = style.find(f"{{{W}}}basedOn")
            jc = style.find(f"{{{W}}}pPr/{{{W}}}jc")
            sz = style.find(f"{{{W}}}rPr/{{{W}}}sz")
            size = sz.get(f"{{{W}}}val") if sz is not None else None
            self.own[style_id] = (
                BabelFish.internal2ui(name.get(f"{{{W}}}val")) if name is not None else None,
                based.get(f"{{{W}}}val") if based is not None else None,
                _JC.get(jc.get(f"{{{W}}}val", "")) if jc is not None else None,
                int(size) / 2 if size and size.isdigit() else None,
                _on(style.find(f"{{{W}}}rPr/{{{W}}}b")),
            )
        sz = root.find(f"{{{W}}}docDefaults/{{{W}}}rPrDefault/{{{W}}}rPr/{{{W}}}sz")
        value = sz.get(f"{{{W}}}val") if sz is not None else None
        self.default_size = int(value) / 2 if value and value.isdigit() else None

    def of(self, paragraph: Any) -> _StyleInfo:
        p_style = paragraph._p.find(f"{{{W}}}pPr/{{{W}}}pStyle")
        style_id = p_style.get(f"{{{W}}}val") if p_style is not None else None
        if style_id not in self.cache:
            self.cache[style_id] = self._resolve(style_id or self.default)
        return self.cache[style_id]

    def _resolve(self, style_id: str | None) -> _StyleInfo:
        name = align = None
        size: float | None = None
        bold: bool | None = None
        seen: set[str] = set()
        current = style_id
        while current is not None and current in self.own and current not in seen:
            seen.add(current)
            own_name, based, own_align, own_size, own_bold = self.own[current]
            name = name or own_name
            align = align or own_align
            size = size if size is not None else own_size
            bold = bold if bold is not None else own_bold
            current = based
        return _StyleInfo(name, align, size or self.default_size, bool(bold))


def _indent(paragraph: Any, size: float | None, text: str) -> float | None:
    ind = paragraph._p.find(f"{{{W}}}pPr/{{{W}}}ind")
    if ind is not None:
        chars = ind.get(f"{{{W}}}firstLineChars")
        if chars is not None and chars.lstrip("-").isdigit():
            return int(chars) / 100
        first = ind.get(f"{{{W}}}firstLine")
        if first is not None and first.isdigit():
            return round(int(first) / 20 / (size or 16.0) * 2) / 2
        hanging = ind.get(f"{{{W}}}hanging")
        if hanging is not None and hanging.isdigit():
            return -round(int(hanging) / 20 / (size or 16.0) * 2) / 2
    leading = _LEADING.match(text)
    if leading:
        wide = sum(1 for c in leading.group() if c == "\u3000")
        return float(wide) if wide else None
    return None


_DIRECT_JC = {
    **_JC,
    "lowKashida": "justify",
    "mediumKashida": "justify",
    "highKashida": "justify",
    "thaiDistribute": "justify",
}
_VAL = f"{{{W}}}val"
_RPR, _BOLD, _SIZE, _COLOR = (f"{{{W}}}{tag}" for tag in ("rPr", "b", "sz", "color"))
_PARAGRAPH_JC = f"{{{W}}}pPr/{{{W}}}jc"
_HEX_COLOR = re.compile(r"^[0-9A-Fa-f]{6}$")


_R, _T, _BR, _HYPERLINK = (f"{{{W}}}{tag}" for tag in ("r", "t", "br", "hyperlink"))
_FIXED_TEXT = {
    f"{{{W}}}tab": "\t",
    f"{{{W}}}ptab": "\t",
    f"{{{W}}}cr": "\n",
    f"{{{W}}}noBreakHyphen": "-",
}
_MEASURE = re.compile(r"^(-?\d+(?:\.\d+)?)(mm|cm|in|pt|pc|pi)$")
_POINTS_PER = {"mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "pt": 1.0, "pc": 12.0, "pi": 12.0}


def _run_text(run: Any) -> str:
    """A ``w:r``'s text as Word shows it: ``w:t`` text, tabs, line breaks (not page or column
    breaks), non-breaking hyphens."""
    parts = []
    for child in run:
        tag = child.tag
        if tag == _T:
            parts.append(child.text or "")
        elif tag == _BR:
            if child.get(f"{{{W}}}type", "textWrapping") == "textWrapping":
                parts.append("\n")
        elif tag in _FIXED_TEXT:
            parts.append(_FIXED_TEXT[tag])
    return "".join(parts)


# Inline wrappers whose runs are part of the paragraph's text: content controls, smart tags,
# custom XML, tracked insertions, simple fields, bidirectional overrides.
_INLINE_WRAPPERS = frozenset(
    f"{{{W}}}{tag}" for tag in ("smartTag", "customXml", "ins", "fldSimple", "bdo", "dir")
)


def _placeholder(sdt: Any) -> bool:
    """A content control still showing its placeholder (``单击此处输入文字``): no content."""
    return sdt.find(f"{{{W}}}sdtPr/{{{W}}}showingPlcHdr") is not None


def _runs(paragraph: Any) -> list[tuple[str, Any]]:
    """The paragraph's runs as ``(text, w:r element)``: those inside hyperlinks, content
    controls, smart tags, tracked insertions and fields too, read from the XML directly
    (python-docx runs an XPath query per paragraph and per run, and skips most wrappers)."""
    out = []
    for child in paragraph:
        tag = child.tag
        if tag == _R:
            out.append((_run_text(child), child))
        elif tag == _HYPERLINK or tag in _INLINE_WRAPPERS:
            out.extend(_runs(child))
        elif tag == _SDT and not _placeholder(child):
            content = child.find(f"{{{W}}}sdtContent")
            if content is not None:
                out.extend(_runs(content))
    return out


def _half_points(value: str) -> float | None:
    """A ``w:sz`` value in points: half-points, or a universal measure such as ``12pt``."""
    if value.isdigit():
        return int(value) / 2
    found = _MEASURE.match(value.strip())
    return float(found.group(1)) * _POINTS_PER[found.group(2)] if found else None


def _run_format(run: Any) -> tuple[bool | None, float | None, str | None]:
    """A ``w:r``'s own bold, size (points) and colour (``FF0000``)."""
    rpr = run.find(_RPR)
    if rpr is None:
        return None, None, None
    sz = rpr.find(_SIZE)
    color = rpr.find(_COLOR)
    value = color.get(_VAL, "") if color is not None else ""
    return (
        _on(rpr.find(_BOLD)),
        _half_points(sz.get(_VAL, "")) if sz is not None else None,
        value.upper() if _HEX_COLOR.match(value) else None,
    )


def _paragraph_lines(paragraph: Any, styles: _Styles) -> list[Line]:
    runs = _runs(paragraph._p)
    text = "".join(t for t, _ in runs)
    if not text.strip():
        return []
    style = styles.of(paragraph)
    style_size = style.size
    style_bold = style.bold
    sizes: dict[float, int] = {}
    colors: dict[str, int] = {}
    bold = visible = 0
    for piece, run in runs:
        n = len(piece.strip())
        visible += n
        own_bold, own_size, color = _run_format(run)
        if own_bold if own_bold is not None else style_bold:
            bold += n
        size = own_size if own_size is not None else style_size
        if size:
            sizes[size] = sizes.get(size, 0) + n
        if color is not None:
            colors[color] = colors.get(color, 0) + n
    size = max(sizes, key=lambda s: sizes[s]) if sizes else None
    jc = paragraph._p.find(_PARAGRAPH_JC)
    direct = _DIRECT_JC.get(jc.get(_VAL, "")) if jc is not None else None
    hints: dict[str, Any] = {
        "align": direct or style.align,
        "style": style.name,
        "bold": visible > 0 and bold >= 0.6 * visible,
        "size": size,
        "color": max(colors, key=lambda c: colors[c]) if colors else None,
    }
    lines = []
    for k, piece in enumerate(text.split("\n")):
        cleaned = clean_inline(piece.replace("\t", "\u3000"), keep_gaps=True)
        if cleaned:
            indent = _indent(paragraph, size, piece) if k == 0 else None
            lines.append(Line(text=cleaned, indent=indent, **hints))
    return lines


def _cells(row: Any) -> list[Any]:
    """A row's ``w:tc`` cells, those wrapped in content controls or custom XML too (a cell
    merged with the one above it is that one: it is left out)."""
    cells = []
    for child in row.iterchildren():
        if child.tag == _TC:
            merge = child.find(f"{{{W}}}tcPr/{{{W}}}vMerge")
            if merge is None or merge.get(_VAL, "continue") == "restart":
                cells.append(child)  # a vertically merged cell is counted in its first row
        elif child.tag in (_SDT, _CUSTOM_XML):
            content = child.find(f"{{{W}}}sdtContent") if child.tag == _SDT else child
            if content is not None:
                cells.extend(_cells(content))
    return cells


def _rows(table: Any) -> list[list[Any]]:
    """A table's rows (``w:tr``, also inside content controls), each a list of its cells."""
    rows = []
    for child in table.iterchildren():
        if child.tag == _TR:
            rows.append(_cells(child))
        elif child.tag in (_SDT, _CUSTOM_XML):
            content = child.find(f"{{{W}}}sdtContent") if child.tag == _SDT else child
            if content is not None:
                rows.extend(_rows(content))
    return rows


def _cell_text(cell: Any) -> str:
    """A cell's text: its paragraphs (nested tables' too) joined by a space."""
    texts = []
    for paragraph in cell.iter(_P):
        text = "".join(t for t, _ in _runs(paragraph))
        if text.strip():
            texts.append(text)
    return clean_inline(" ".join(texts).replace("\n", " ")).replace("\t", " ")


def _text_length(element: Any) -> int:
    """How much text an element holds (its ``w:t`` characters, spaces aside): cheaper than
    reading its runs, and enough to weigh a cell."""
    return sum(len((t.text or "").strip()) for t in element.iter(_T))


def _weigh(cell: Any) -> tuple[int, int, bool]:
    """A cell's text length, its paragraphs with text, and whether it holds a table (one pass
    over the cell's text)."""
    size = paragraphs = 0
    nested = False
    for child in cell.iterchildren():
        length = _text_length(child)
        size += length
        if child.tag == _P:
            paragraphs += length > 0
        elif child.tag == _TBL:
            nested = True
        elif child.tag == _SDT:
            paragraphs += length > 0
            nested = nested or child.find(f".//{_TBL}") is not None
    return size, paragraphs, nested


def is_layout_table(rows: list[list[int]], paragraphs: list[list[int]], nested: bool) -> bool:
    """Whether a table lays out a page rather than holding data, judged by its structure.

    A table is layout when no row has more than one cell with text (one cell, or one column of
    cells: a web page's frame, a Word template's boxes), or when one cell holds most of the
    text as several paragraphs or another table (the body, beside a narrow margin column). A
    data table has rows of several filled cells, each a value or a sentence.

    Args:
        rows: how much text each cell holds (characters), row by row.
        paragraphs: the number of paragraphs with text in each cell.
        nested: some cell holds a table.
    """
    if all(sum(1 for size in row if size) <= 1 for row in rows):
        return True
    total = sum(size for row in rows for size in row)
    for row, counts in zip(rows, paragraphs, strict=True):
        for size, count in zip(row, counts, strict=True):
            if (count >= 3 or (nested and count >= 1)) and size >= 0.6 * total:
                return True
    return False


def _table_blocks(table: Any, parent: Any, styles: _Styles) -> Iterator[Line]:
    """A layout table as the paragraphs (and tables) its cells hold; a data table as one line
    per row, its cells separated by tabs (a merged cell once)."""
    rows = _rows(table)
    weights = [[_weigh(cell) for cell in row] for row in rows]
    sizes = [[size for size, _, _ in row] for row in weights]
    counts = [[count for _, count, _ in row] for row in weights]
    nested = any(inner for row in weights for _, _, inner in row)
    if is_layout_table(sizes, counts, nested):
        for row in rows:
            for cell in row:
                yield from _blocks(cell, parent, styles)
        return
    for cells in ([_cell_text(cell) for cell in row] for row in rows):
        cells = list(cells)
        while cells and not cells[-1]:
            cells.pop()  # cells a merge left empty at the end of the row
        if cells:
            yield Line(text="\t".join(cells), style="table", table=True)


def _textbox_contents(element: Any) -> list[Any]:
    """Text-box contents inside a paragraph (VML ``v:textbox`` or DrawingML ``wps:txbx``),
    skipping the copy that ``mc:AlternateContent`` keeps in its Fallback."""
    found = []
    for box in element.iter(_TXBX):
        ancestor = box.getparent()
        fallback = False
        while ancestor is not None and ancestor is not element:
            if ancestor.tag == f"{{{MC}}}Fallback":
                fallback = True
                break
            ancestor = ancestor.getparent()
        if not fallback:
            found.append(box)
    return found


def _blocks(container: Any, parent: Any, styles: _Styles) -> Iterator[Line]:
    from docx.text.paragraph import Paragraph

    for child in container.iterchildren():
        tag = child.tag
        if tag == _P:
            for box in _textbox_contents(child):
                yield from _blocks(box, parent, styles)
            yield from _paragraph_lines(Paragraph(child, parent), styles)
        elif tag == _TBL:
            yield from _table_blocks(child, parent, styles)
        elif tag == _SDT:
            content = child.find(f"{{{W}}}sdtContent")
            if content is not None and not _placeholder(child):
                yield from _blocks(content, parent, styles)
        elif tag == _CUSTOM_XML:
            yield from _blocks(child, parent, styles)


def _furniture(document: Any, styles: _Styles) -> list[Line]:
    lines: list[Line] = []
    seen: set[str] = set()
    for section in document.sections:
        for part in (
            section.header,
            section.first_page_header,
            section.even_page_header,
            section.footer,
            section.first_page_footer,
            section.even_page_footer,
        ):
            if part.is_linked_to_previous:
                continue
            for line in _blocks(part._element, part, styles):
                if line.text not in seen:
                    seen.add(line.text)
                    lines.append(line)
    return lines


def read(path: Path) -> RawDocument:
    """Read a DOCX file.

    Raises:
        UnsafeFile: the container is a zip bomb or its XML declares entities.
        EncryptedFile: the container's members are encrypted.
        CorruptFile: the file is not a readable Word document.
        EmptyDocument: there is no text.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    check_container(path)
    try:
        document = docx.Document(str(path))
        styles = _Styles(document)
        lines = list(_blocks(document.element.body, document._body, styles))
        furniture = _furniture(document, styles)
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise CorruptFile(path, "不是可读取的Word文件") from exc
    except (AttributeError, TypeError, IndexError) as exc:
        # python-docx assumes a well-formed package; a part missing or misshapen surfaces as one
        # of these deep inside it.
        raise CorruptFile(path, "Word文件包结构有误") from exc
    except etree.XMLSyntaxError as exc:
        raise CorruptFile(path, f"Word文件中的XML有误（{exc}）") from exc
    # A Word file saved from a portal page keeps the page's metadata table above the body.
    metadata, taken = table_metadata(lines)
    lines, chrome = site_chrome(join_title_lines(lines[taken:]))
    furniture = [*furniture, *chrome]
    if not lines:
        raise EmptyDocument(path, "Word文件中没有文字")
    return RawDocument(
        name=str(path), format="docx", lines=lines, furniture=furniture, metadata=metadata
    )
