"""HTML reader (lxml): a portal page with its metadata table, or a bare document body.

* **The body** is the element holding the document: gov.cn's ``#UCAP-CONTENT``, the common
  CMS containers (``.TRS_Editor``, ``#zoom``, ``.pages_content``), else the element whose
  paragraphs hold the most text, else ``<body>``. Scripts, styles, forms, navigation and the
  page chrome around the body are dropped.
* **One line per block**: each ``<p>``, ``<div>``, heading, list item … gives one
  :class:`~ingest.raw.Line`; a ``<br>`` ends a line too (portals split titles and signatures
  with ``<br>`` inside one paragraph; the element parser joins title lines again). Inline
  elements (spans that cut a number in two, ``<b>``, ``<font>``) are text of the line. A table
  row is one line, its cells separated by tabs.
* **Layout hints** come from attributes and inline styles: ``text-align``/``align``/
  ``<center>``, ``text-indent`` (``2em``, ``32pt``) or leading ideographic spaces, ``font-size``,
  bold (``<b>``, ``<strong>``, ``font-weight``, headings), ``color``.
* **Metadata**: a table (or list) of labelled values outside the body — 索引号, 主题分类,
  发文机关, 成文日期, 标题, 发文字号, 发布日期 … with any spacing inside the label (``索 引 号：``,
  ``标　　题：``) — goes to :attr:`RawDocument.metadata`, keyed by the label without spaces.

Files that declare XML entities are refused (entity expansion); the text is decoded from the
declared charset, else UTF-8, else GB18030.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from gazette.errors import EmptyDocument, UnsafeFile
from ingest.normalize import clean_inline, squeeze
from ingest.raw import Line, RawDocument
from ingest.readers.text import decode

# Labels of portal metadata tables, and the key each is recorded under.
METADATA_LABELS: dict[str, str] = {
    "索引号": "索引号",
    "主题分类": "主题分类",
    "主题词": "主题词",
    "发文机关": "发文机关",
    "发布机构": "发文机关",
    "发文单位": "发文机关",
    "成文日期": "成文日期",
    "生成日期": "成文日期",
    "标题": "标题",
    "名称": "标题",
    "发文字号": "发文字号",
    "文号": "发文字号",
    "发布日期": "发布日期",
    "公开日期": "发布日期",
    "有效性": "有效性",
    "时效性": "有效性",
    "实施日期": "实施日期",
    "废止日期": "废止日期",
    "公开方式": "公开方式",
    "公开范围": "公开范围",
}
_BODY_IDS = ("UCAP-CONTENT", "zoom", "Zoom", "mainText")
_BODY_CLASSES = ("TRS_Editor", "pages_content", "article-content", "view TRS_UEDITOR")
_DROP = {
    "script",
    "style",
    "noscript",
    "template",
    "form",
    "iframe",
    "button",
    "select",
    "input",
    "textarea",
    "canvas",
    "svg",
    "object",
    "embed",
    "nav",
    "aside",
    "map",
}
_CHROME = {"header", "footer"}
_BLOCKS = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "center",
    "address",
    "section",
    "article",
    "header",
    "footer",
    "ul",
    "ol",
    "dl",
    "body",
    "td",
    "th",
    "caption",
    "figure",
    "figcaption",
    "hr",
}
_BOLD_TAGS = {"b", "strong", "h1", "h2", "h3", "h4", "h5", "h6", "th"}
_LEADING_SPACES = re.compile(r"^[\s\u3000\u00a0]+")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
# Space entities escaped twice by a CMS (``&amp;nbsp;``) survive parsing as text.
_ESCAPED_SPACE = re.compile(r"&(?:nbsp|sp|ensp|emsp|thinsp);?", re.IGNORECASE)


def _style(element: etree._Element) -> dict[str, str]:
    raw = element.get("style") or ""
    out = {}
    for part in raw.split(";"):
        if ":" in part:
            key, value = part.split(":", 1)
            out[key.strip().lower()] = value.strip().lower()
    return out


def _points(value: str, base: float = 16.0) -> float | None:
    """A CSS length in points (``18pt``, ``24px``, ``1.5em``)."""
    match = re.match(r"^([0-9.]+)\s*(pt|px|em|rem|%)?", value)
    if not match:
        return None
    number = float(match[1])
    unit = match[2] or "px"
    if unit == "pt":
        return number
    if unit == "px":
        return number * 0.75
    if unit in ("em", "rem"):
        return number * base
    return number / 100 * base


_FONT_SIZES = {"1": 7.5, "2": 10.0, "3": 12.0, "4": 13.5, "5": 18.0, "6": 24.0, "7": 36.0}


@dataclass
class _Run:
    """Inline context while walking a block."""

    bold: bool = False
    size: float | None = None
    color: str | None = None


@dataclass
class _Block:
    """The text gathered for the current line, with the block's own hints."""

    tag: str
    align: str | None = None
    indent: float | None = None
    pieces: list[tuple[str, _Run]] = field(default_factory=list)


class _Walker:
    def __init__(self) -> None:
        self.lines: list[Line] = []

    def flush(self, block: _Block) -> None:
        if not block.pieces:
            return
        text = "".join(piece for piece, _ in block.pieces)
        if "&" in text:
            text = _ESCAPED_SPACE.sub("\u00a0", text)
        block_pieces = block.pieces
        block.pieces = []
        leading = _LEADING_SPACES.match(text.replace("\n", " "))
        indent = block.indent
        if indent is None and leading:
            wide = sum(1 for c in leading.group() if c == "\u3000")
            indent = float(wide) if wide else None
        cleaned = clean_inline(text, keep_gaps=True)
        if not cleaned:
            return
        bold_chars = 0
        visible = 0
        sizes: dict[float, int] = {}
        colors: dict[str, int] = {}
        for piece, run in block_pieces:
            n = len(piece.strip())
            visible += n
            bold_chars += n if run.bold else 0
            if run.size:
                sizes[run.size] = sizes.get(run.size, 0) + n
            if run.color:
                colors[run.color] = colors.get(run.color, 0) + n
        self.lines.append(
            Line(
                text=cleaned,
                align=block.align,
                indent=indent,
                style=block.tag,
                bold=visible > 0 and bold_chars >= 0.6 * visible,
                size=max(sizes, key=lambda s: sizes[s]) if sizes else None,
                color=max(colors, key=lambda c: colors[c]) if colors else None,
            )
        )

    def block(self, element: etree._Element, parent: _Block | None, run: _Run) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        style = _style(element)
        align = (style.get("text-align") or element.get("align") or "").lower() or None
        if tag == "center":
            align = "center"
        if align not in ("left", "right", "center", "justify"):
            align = parent.align if parent is not None else None  # inherited, as in CSS
        run = self.inline_run(element, run, style)
        indent = None
        if "text-indent" in style:
            points = _points(style["text-indent"], run.size or 16.0)
            if points is not None:
                indent = round(points / (run.size or 16.0) * 2) / 2
        current = _Block(tag=tag, align=align, indent=indent)
        if parent is not None:
            self.flush(parent)
        self.children(element, current, run)
        self.flush(current)

    def inline_run(self, element: etree._Element, run: _Run, style: dict[str, str]) -> _Run:
        tag = element.tag if isinstance(element.tag, str) else ""
        bold = run.bold or tag in _BOLD_TAGS
        weight = style.get("font-weight")
        if weight:
            bold = weight in ("bold", "bolder") or (weight.isdigit() and int(weight) >= 600)
        size = run.size
        if "font-size" in style:
            size = _points(style["font-size"], run.size or 12.0) or size
        if tag == "font" and element.get("size") in _FONT_SIZES:
            size = _FONT_SIZES[element.get("size", "")]
        color = run.color
        value = style.get("color") or (element.get("color") if tag == "font" else None)
        if value:
            color = _color(value) or color
        return _Run(bold=bold, size=size, color=color)

    def children(self, element: etree._Element, current: _Block, run: _Run) -> None:
        if element.text:
            current.pieces.append((element.text, run))
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag and tag not in _DROP:
                if tag == "br":
                    self.flush(current)
                elif tag == "table":
                    self.flush(current)
                    self.table(child, run)
                elif tag in _BLOCKS:
                    self.block(child, current, run)
                else:
                    self.children(child, current, self.inline_run(child, run, _style(child)))
            if child.tail:
                current.pieces.append((child.tail, run))

    def table(self, table: etree._Element, run: _Run) -> None:
        for row in _rows(table):
            cells = []
            for cell in row:
                if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                    continue
                cells.append(_cell_text(cell))
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                self.lines.append(Line(text="\t".join(cells), style="tr", table=True))


def _rows(table: etree._Element) -> Iterator[etree._Element]:
    for element in table.iter("tr"):
        # Rows of this table, not of a table nested in one of its cells.
        ancestor = element.getparent()
        while ancestor is not None and ancestor.tag != "table":
            ancestor = ancestor.getparent()
        if ancestor is table:
            yield element


def _cell_text(cell: etree._Element) -> str:
    parts = []
    for piece in cell.itertext():
        parts.append(piece)
    return clean_inline(" ".join(parts)).replace("\t", " ")


def _color(value: str) -> str | None:
    value = value.strip().lower()
    named = {"red": "FF0000", "black": "000000", "blue": "0000FF"}
    if value in named:
        return named[value]
    match = re.match(r"^#([0-9a-f]{6}|[0-9a-f]{3})$", value)
    if match:
        hexa = match[1]
        if len(hexa) == 3:
            hexa = "".join(c * 2 for c in hexa)
        return hexa.upper()
    match = re.match(r"^rgb\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)", value)
    if match:
        return "".join(f"{min(255, int(g)):02X}" for g in match.groups())
    return None


# --- document structure ----------------------------------------------------------------------


_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def _parse(data: bytes, path: Path) -> etree._Element:
    if _ENTITY.search(data[:65536]):
        raise UnsafeFile(path, "HTML中声明了XML实体（实体扩展攻击）")
    declared = _CHARSET.search(data[:4096])
    encoding = None
    if declared:
        name = declared[1].decode("ascii").lower()
        encoding = {"gb2312": "gb18030", "gbk": "gb18030", "utf8": "utf-8"}.get(name, name)
    try:
        text = data.decode(encoding) if encoding else decode(data, path)
    except (LookupError, UnicodeDecodeError):
        text = decode(data, path)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    # Characters XML cannot hold (C0 controls, non-characters) are not text in HTML either.
    text = _NOT_XML.sub("", text)
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    root = etree.fromstring(text or "<html></html>", parser=parser)
    if any("Excessive depth" in entry.message for entry in parser.error_log):
        # libxml2 stops at 256 levels rather than recurse without bound; what lies deeper
        # was not read, so the page cannot be taken as read.
        raise UnsafeFile(path, "标记嵌套超过256层，更深的内容无法读取")
    if root is None:
        root = etree.fromstring("<html></html>", parser=parser)
    return root


def _drop(element: etree._Element) -> None:
    """Remove an element and what it holds, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _body_root(root: etree._Element) -> etree._Element:
    for ident in _BODY_IDS:
        found = root.xpath(f'//*[@id="{ident}"]')
        if found:
            return found[0]
    for cls in _BODY_CLASSES:
        found = root.xpath(f'//*[contains(concat(" ", normalize-space(@class), " "), " {cls} ")]')
        if found:
            return found[0]
    best, best_score = None, 0
    for element in root.iter("div", "td", "article", "section", "main"):
        score = sum(
            len("".join(child.itertext()))
            for child in element
            if isinstance(child.tag, str) and child.tag == "p"
        )
        if score > best_score:
            best, best_score = element, score
    if best is not None and best_score >= 50:
        return best
    body = root.find("body")
    return body if body is not None else root


def _label(text: str) -> str | None:
    key = squeeze(text).replace("\u00a0", "").rstrip("：:")
    return METADATA_LABELS.get(key)


def metadata_of(root: etree._Element, body: etree._Element | None = None) -> dict[str, str]:
    """Labelled values outside the body (a portal's metadata table).

    Args:
        root: the parsed page.
        body: the document body, which is not searched.
    """
    inside = set(body.iter()) if body is not None else set()
    found: dict[str, str] = {}
    for element in root.iter("td", "th", "b", "strong", "span", "li", "dt", "label", "em"):
        if element in inside:
            continue
        text = "".join(element.itertext())
        if len(text) > 40:
            # A label and its value in one element: 索引号：000014349/2019-00007
            continue
        key = _label(text)
        if key and element.tag not in ("td", "th", "dt") and not text.strip().endswith(("：", ":")):
            key = None  # a bare word outside a table cell is not a label (a menu, a heading)
        value = None
        if key is None:
            match = re.match(r"^\s*([^:：]{2,12})[:：]\s*(\S.*)$", text.replace("\u3000", " "))
            if match and _label(match[1]) and element.tag in ("li", "span", "td", "dt"):
                key, value = _label(match[1]), match[2]
            else:
                continue
        if value is None:
            value = _value_after(element)
        value = clean_inline(value or "")
        if key and value and key not in found:
            found[key] = value
    return found


def _value_after(element: etree._Element) -> str | None:
    """The value that follows a label element: the next cell, the tail, or the next sibling."""
    cell = element
    while cell is not None and cell.tag not in ("td", "th", "dt", "li", "p", "div"):
        if cell.tail and cell.tail.strip():
            return cell.tail
        cell = cell.getparent()
    if cell is None:
        return None
    if cell.tag in ("td", "th", "dt"):
        sibling = cell.getnext()
        while sibling is not None and not isinstance(sibling.tag, str):
            sibling = sibling.getnext()
        if sibling is not None:
            return "".join(sibling.itertext())
        return None
    if element.tail and element.tail.strip():
        return element.tail
    sibling = element.getnext()
    return "".join(sibling.itertext()) if sibling is not None else None


def read(path: Path) -> RawDocument:
    """Read an HTML page or body.

    Raises:
        UnsafeFile: the file declares XML entities.
        UndecodableText: the bytes are in no recognised encoding.
        EmptyDocument: there is no text.
    """
    data = path.read_bytes()
    root = _parse(data, path)
    for element in list(root.iter(*_DROP)):
        _drop(element)
    body = _body_root(root)
    metadata = metadata_of(root, body)
    for element in list(body.iter(*_CHROME)):
        if element is not body and not element.xpath(".//p"):
            _drop(element)
    walker = _Walker()
    top = _Block(tag=body.tag if isinstance(body.tag, str) else "body")
    walker.children(body, top, _Run())
    walker.flush(top)
    lines = walker.lines
    if not lines:
        raise EmptyDocument(path, "HTML正文中没有文字")
    title = root.findtext(".//title")
    extra = {"html_title": clean_inline(title)} if title and title.strip() else {}
    return RawDocument(name=str(path), format="html", lines=lines, metadata=metadata, extra=extra)
