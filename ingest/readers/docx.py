"""DOCX reader (python-docx): paragraphs and tables in order, with their style and layout.

* Body paragraphs (also inside content controls, and the text boxes a red header is sometimes
  set in) give one :class:`~ingest.raw.Line` each, with the paragraph style name, alignment
  (direct or inherited from the style), first-line indent in characters (``firstLineChars``,
  ``firstLine`` or leading ideographic spaces), and the size, bold and colour that most of its
  text has; a manual line break (``Shift+Enter``) ends a line, as ``<br>`` does in HTML.
* Each table row is one line, its cells separated by tabs (merged cells once).
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

from gazette.errors import CorruptFile, EmptyDocument, EncryptedFile, UnsafeFile
from ingest.normalize import clean_inline
from ingest.raw import Line, RawDocument
from ingest.safety import check_xml

MAX_MEMBERS = 5000
MAX_UNCOMPRESSED = 512 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for members over 1 MiB

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_P, _TBL, _SDT, _TXBX = f"{{{W}}}p", f"{{{W}}}tbl", f"{{{W}}}sdt", f"{{{W}}}txbxContent"
_LEADING = re.compile(r"^[ \u3000\u00a0\t]+")


def check_container(path: Path) -> None:
    """Refuse a DOCX whose ZIP container is built to exhaust resources or is encrypted.

    Raises:
        UnsafeFile: too many members, a zip bomb, or XML with a DTD or entity declarations.
        EncryptedFile: members are encrypted.
        CorruptFile: the container cannot be read.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise UnsafeFile(path, f"DOCX容器中有{len(members)}个成员")
            total = 0
            for member in members:
                if member.flag_bits & 0x1:
                    raise EncryptedFile(path)
                total += member.file_size
                if member.file_size > 1 << 20 and member.file_size > MAX_RATIO * max(
                    member.compress_size, 1
                ):
                    raise UnsafeFile(
                        path,
                        f"ZIP炸弹：{member.filename} 由{member.compress_size}字节"
                        f"解压为{member.file_size}字节",
                    )
            if total > MAX_UNCOMPRESSED:
                raise UnsafeFile(path, f"ZIP炸弹：解压后共{total}字节")
            for member in members:
                if member.filename.endswith((".xml", ".rels")):
                    with archive.open(member) as handle:
                        check_xml(path, member.filename, handle)
    except zipfile.BadZipFile as exc:
        raise CorruptFile(path, "ZIP容器已损坏") from exc
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError) as exc:
        raise CorruptFile(path, "无法读取ZIP容器") from exc


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


def _runs(paragraph: Any) -> list[tuple[str, Any]]:
    """The paragraph's runs, those inside hyperlinks too, as ``(text, w:r element)``; read
    from the XML directly (python-docx runs an XPath query per paragraph and per run)."""
    out = []
    for child in paragraph:
        if child.tag == _R:
            out.append((_run_text(child), child))
        elif child.tag == _HYPERLINK:
            out.extend((_run_text(run), run) for run in child.iterchildren(_R))
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


def _table_lines(table: Any) -> list[Line]:
    lines = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(clean_inline(cell.text.replace("\n", " ")).replace("\t", " "))
        while cells and not cells[-1]:
            cells.pop()  # cells a merge left empty at the end of the row
        if cells:
            lines.append(Line(text="\t".join(cells), style="table", table=True))
    return lines


def _textbox_paragraphs(element: Any) -> list[Any]:
    """Text-box paragraphs inside a paragraph (skipping mc:AlternateContent's Fallback copy)."""
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
            found.extend(box.iterchildren(_P))
    return found


def _blocks(container: Any, parent: Any, styles: _Styles) -> Iterator[Line]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in container.iterchildren():
        if child.tag == _P:
            for box in _textbox_paragraphs(child):
                yield from _paragraph_lines(Paragraph(box, parent), styles)
            yield from _paragraph_lines(Paragraph(child, parent), styles)
        elif child.tag == _TBL:
            yield from _table_lines(Table(child, parent))
        elif child.tag == _SDT:
            content = child.find(f"{{{W}}}sdtContent")
            if content is not None:
                yield from _blocks(content, parent, styles)


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
        raise CorruptFile(path, f"Word文件中的XML有误（第{exc.lineno}行）") from exc
    if not lines:
        raise EmptyDocument(path, "Word文件中没有文字")
    return RawDocument(name=str(path), format="docx", lines=lines, furniture=furniture)
