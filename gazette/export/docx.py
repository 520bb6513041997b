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
"""

from __future__ import annotations

import datetime as _dt
import io
import itertools
import math
import re
import zipfile
from typing import Any

from gazette.errors import MissingDependency
from gazette.export.rendition import Rendition, Section, build, display, status_text
from gazette.model import Block, BlockKind, Document

name = "docx"
suffix = ".docx"
media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# --- the standard's figures -----------------------------------------------------------------

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

_PT_PER_MM = 72 / 25.4
# The line pitch in twentieths of a point, rounded down so that 22 lines fit (579: 28.95 pt).
LINE_TWIPS = math.floor(TYPE_AREA_MM[1] * _PT_PER_MM / LINES_PER_PAGE * 20)
LINE_PITCH_PT = LINE_TWIPS / 20
CHAR_PITCH_PT = TYPE_AREA_MM[0] * _PT_PER_MM / CHARS_PER_LINE  # 15.79
# 28 characters of 16 pt are 0.7 % wider than the 156 mm line: characters are set this much
# tighter (in twentieths of a point, rounded so that 28 fit). Word templates squeeze the same
# amount through a character grid (docGrid linesAndChars), which other word processors lay out
# as two grid cells per character; spacing the characters works everywhere.
CONDENSE_TWIPS = math.floor((CHAR_PITCH_PT - SIZE_3HAO) * 20)  # -5: 15.75 pt per character


def _twips(points: float) -> int:
    return round(points * 20)


def _mm_twips(mm: float) -> int:
    return _twips(mm * _PT_PER_MM)


# --- low-level OOXML ------------------------------------------------------------------------


class _Ooxml:
    """The python-docx pieces, imported when a DOCX is first rendered."""

    def __init__(self) -> None:
        try:
            import docx
            from docx.oxml import OxmlElement
            from docx.oxml.ns import qn
            from docx.shared import Mm, Pt
        except ImportError as exc:  # pragma: no cover - a runtime dependency
            raise MissingDependency("DOCX导出", "python-docx", None) from exc
        self.docx = docx
        self.element = OxmlElement
        self.qn = qn
        self.Mm = Mm
        self.Pt = Pt


_PPR_ORDER = (  # noqa: SIM905 - the schema's sequence, as it reads
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers"
    " pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE"
    " autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents"
    " suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle"
    " rPr sectPr pPrChange"
).split()
_RPR_ORDER = (  # noqa: SIM905
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint"
    " noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u"
    " effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
).split()


_ORDER_INDEX: dict[int, dict[str, int]] = {}


def _order_index(ox: _Ooxml, order: list[str]) -> dict[str, int]:
    key = id(order)
    if key not in _ORDER_INDEX:
        _ORDER_INDEX[key] = {ox.qn(f"w:{tag}"): k for k, tag in enumerate(order)}
    return _ORDER_INDEX[key]


def _put(ox: _Ooxml, parent: Any, tag: str, order: list[str], **attrs: str) -> Any:
    """Replace ``parent``'s child ``w:tag`` with a new one, keeping the schema's order."""
    qn = ox.qn
    name = qn(f"w:{tag}")
    for old in parent.findall(name):
        parent.remove(old)
    new = ox.element(f"w:{tag}")
    for key, value in attrs.items():
        new.set(qn(f"w:{key}"), value)
    index = _order_index(ox, order)
    position = index[name]
    for k, child in enumerate(parent):
        if index.get(child.tag, -1) > position:
            parent.insert(k, new)
            break
    else:
        parent.append(new)
    return new


def _ppr(ox: _Ooxml, paragraph: Any) -> Any:
    return paragraph._p.get_or_add_pPr()


def _fonts(ox: _Ooxml, rpr: Any, east_asia: str, size: float, *, color: str | None = None) -> None:
    _put(
        ox,
        rpr,
        "rFonts",
        _RPR_ORDER,
        ascii=FONT_LATIN,
        hAnsi=FONT_LATIN,
        eastAsia=east_asia,
        cs=FONT_LATIN,
        hint="eastAsia",
    )
    if color:
        _put(ox, rpr, "color", _RPR_ORDER, val=color)
    half_points = str(round(size * 2))
    _put(ox, rpr, "sz", _RPR_ORDER, val=half_points)
    _put(ox, rpr, "szCs", _RPR_ORDER, val=half_points)


# --- the writer -----------------------------------------------------------------------------

_COPY_SECRECY_URGENCY = re.compile(r"^([0-9]{6}|.*(绝密|机密|秘密).*|特提|特急|加急|平急)$")
_DECREE_SERIES = re.compile(r"令$")
_DECREE_NUMBER = re.compile(r"^[（(]?第\s*[0-9０-９]+\s*号[）)]?$")
_CHAPTER = re.compile(r"^第[一二三四五六七八九十百零〇]+[章节编]")
_ARTICLE = re.compile(r"^(第[一二三四五六七八九十百零〇]+条)")
_PRINTED = re.compile(r"^(?P<org>.*?)\s*(?P<date>[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日印发)$")
_SIGNER = re.compile(r"^(?P<number>.*?)\s*(?P<signer>签发人[:：].*)$")


def text_width(text: str) -> float:
    """Width in full-width characters (Latin letters and digits count half)."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


_GOOD_BREAK_BEFORE = ("关于", "《")
_GOOD_BREAK_AFTER = ("》", "关于印发", "关于转发", "关于批转", "关于公布", "关于")
_NO_LINE_START = "，。、；：？！）》〕」』”’"


def _word_starts(text: str) -> set[int]:
    """Offsets where a word starts (jieba segmentation, loaded only for long titles)."""
    try:
        import jieba
    except ImportError:  # pragma: no cover - a runtime dependency
        return set(range(len(text)))
    jieba.setLogLevel(60)
    starts, offset = set(), 0
    for word in jieba.cut(text):
        starts.add(offset)
        offset += len(word)
    return starts


def title_lines(title: str, per_line: int) -> list[str]:
    """Break a title into lines of at most ``per_line`` characters, evenly and where the
    words allow: before 关于 or 《, after 》 or 关于印发, never inside a number or 《》 name
    (GB/T 9704 7.3.1: 回行时要做到词意完整，排列对称，长短适宜).
    """
    n = len(title)
    if text_width(title) <= per_line or n < 2:
        return [title]
    depth = 0
    inside = [False] * (n + 1)  # inside[i]: a break before title[i] falls inside 《》
    for i, ch in enumerate(title):
        inside[i] = depth > 0
        depth += ch == "《"
        depth -= ch == "》" and depth > 0

    words = _word_starts(title)

    def cost_of_break(i: int) -> float:
        if title[i] in _NO_LINE_START or (title[i - 1].isdigit() and title[i].isdigit()):
            return float("inf")
        if title[i - 1].isascii() and title[i].isascii() and title[i].isalnum():
            return float("inf")
        cost = 1.0 if i in words else 3.0
        if inside[i]:
            cost += 3.0
        if title.startswith(_GOOD_BREAK_BEFORE, i) or title[:i].endswith(_GOOD_BREAK_AFTER):
            cost = 0.0
        return cost

    lines_needed = -int(-text_width(title) // per_line)
    target = text_width(title) / lines_needed
    widths = [0.0]
    for char in title:
        widths.append(widths[-1] + text_width(char))
    break_cost = {i: cost_of_break(i) for i in range(1, n)}
    # Shortest path over break positions: squared deviation from an even length plus the
    # cost of the break itself.
    best: dict[int, tuple[float, list[int]]] = {0: (0.0, [])}
    for end in range(1, n + 1):
        options = []
        for start, (cost, breaks) in best.items():
            width = widths[end] - widths[start]
            if width > per_line:
                continue
            penalty = 0.0 if end == n else break_cost[end] * 8 + 40  # a line costs
            if penalty == float("inf"):
                continue
            deviation = 0.0 if end == n and width <= target else (width - target) ** 2
            options.append((cost + deviation + penalty, [*breaks, end]))
        if options:
            best[end] = min(options, key=lambda option: option[0])
    if n not in best:
        return [title]
    cuts = [0, *best[n][1]]
    return [title[a:b] for a, b in itertools.pairwise(cuts)]


class _Writer:
    def __init__(self, rendition: Rendition) -> None:
        self.ox = _Ooxml()
        self.rendition = rendition
        self.document = self.ox.docx.Document()
        # The template's sample paragraph (if any) goes.
        body = self.document.element.body
        for p in body.findall(self.ox.qn("w:p")):
            body.remove(p)

    # -- page setup -----------------------------------------------------------------------

    def setup(self) -> None:
        ox = self.ox
        section = self.document.sections[0]
        section.page_width = ox.Mm(PAGE_MM[0])
        section.page_height = ox.Mm(PAGE_MM[1])
        section.top_margin = ox.Mm(TOP_MM)
        section.bottom_margin = ox.Mm(BOTTOM_MM)
        section.left_margin = ox.Mm(LEFT_MM)
        section.right_margin = ox.Mm(RIGHT_MM)
        section.header_distance = ox.Mm(15)
        # The page number's rules sit 7 mm below the type area: the footer's one 14 pt line
        # ends 7 mm + one line under the type area.
        section.footer_distance = ox.Mm(BOTTOM_MM - 7 - SIZE_4HAO / _PT_PER_MM * 1.2)
        sect_pr = section._sectPr
        grid = sect_pr.find(ox.qn("w:docGrid"))
        if grid is None:
            grid = ox.element("w:docGrid")
            sect_pr.append(grid)
        for key in list(grid.attrib):
            del grid.attrib[key]
        grid.set(ox.qn("w:type"), "lines")
        grid.set(ox.qn("w:linePitch"), str(LINE_TWIPS))
        self.document.settings.odd_and_even_pages_header_footer = True
        self._styles()
        self._header_footer(section)
        self._properties()

    def _styles(self) -> None:
        ox = self.ox
        styles = self.document.styles.element
        defaults = styles.find(ox.qn("w:docDefaults"))
        if defaults is not None:
            rpr = defaults.find(f"{ox.qn('w:rPrDefault')}/{ox.qn('w:rPr')}")
            if rpr is not None:
                _fonts(ox, rpr, FONT_BODY, SIZE_3HAO)
                _put(ox, rpr, "spacing", _RPR_ORDER, val=str(CONDENSE_TWIPS))
                _put(ox, rpr, "lang", _RPR_ORDER, val="en-US", eastAsia="zh-CN")
            ppr = defaults.find(f"{ox.qn('w:pPrDefault')}/{ox.qn('w:pPr')}")
            if ppr is not None:
                self._spacing(ppr)
        normal = self.document.styles["Normal"]
        rpr = normal.element.get_or_add_rPr()
        _fonts(ox, rpr, FONT_BODY, SIZE_3HAO)
        _put(ox, rpr, "spacing", _RPR_ORDER, val=str(CONDENSE_TWIPS))
        ppr = normal.element.get_or_add_pPr()
        self._spacing(ppr)
        _put(ox, ppr, "jc", _PPR_ORDER, val="both")
        # Chinese line breaking: no punctuation at the start of a line.
        _put(ox, ppr, "kinsoku", _PPR_ORDER, val="1")
        _put(ox, ppr, "snapToGrid", _PPR_ORDER, val="1")

    def _spacing(self, ppr: Any, *, before_lines: float = 0) -> None:
        _put(
            self.ox,
            ppr,
            "spacing",
            _PPR_ORDER,
            before=str(round(LINE_TWIPS * before_lines)),
            after="0",
            line=str(LINE_TWIPS),
            lineRule="exact",
        )

    def _header_footer(self, section: Any) -> None:
        rendition = self.rendition
        marks = [status_text(rendition.status)] + [
            f.line.strip("【】") for f in rendition.header if f.label in ("标准文本", "文本来源")
        ]
        mark_text = "　".join(marks)
        for header in (section.header, section.even_page_header):
            header.is_linked_to_previous = False
            paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
            for run in list(paragraph.runs):
                run._r.getparent().remove(run._r)
            self._format(paragraph, align="center", indent_chars=0, line_exact=False)
            color = RED if rendition.status.value.marked else None
            self._run(paragraph, mark_text, FONT_HEADING_1, 10.5, color=color, literal=True)
        for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
            ppr = _ppr(self.ox, paragraph)
            _put(self.ox, ppr, "jc", _PPR_ORDER, val=align)
            # 单页码居右空一字，双页码居左空一字.
            side = "right" if align == "right" else "left"
            _put(self.ox, ppr, "ind", _PPR_ORDER, **{side: str(_twips(SIZE_4HAO))})
            self._run(paragraph, "— ", FONT_PAGE_NUMBER, SIZE_4HAO)
            field = self.ox.element("w:fldSimple")
            field.set(self.ox.qn("w:instr"), " PAGE ")
            run = self.ox.element("w:r")
            rpr = self.ox.element("w:rPr")
            _fonts(self.ox, rpr, FONT_PAGE_NUMBER, SIZE_4HAO)
            run.append(rpr)
            text = self.ox.element("w:t")
            text.text = "1"
            run.append(text)
            field.append(run)
            paragraph._p.append(field)
            self._run(paragraph, " —", FONT_PAGE_NUMBER, SIZE_4HAO)

    def _properties(self) -> None:
        rendition = self.rendition
        doc = rendition.doc
        props = self.document.core_properties
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

    # -- paragraphs -----------------------------------------------------------------------

    def _format(
        self,
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
        ox = self.ox
        ppr = _ppr(ox, paragraph)
        if page_break:
            _put(ox, ppr, "pageBreakBefore", _PPR_ORDER)
        if line_exact:
            self._spacing(ppr, before_lines=before_lines)
        ind: dict[str, str] = {}
        if left_chars:
            ind["left"] = str(_twips(left_chars * char_pt))
            ind["leftChars"] = str(round(left_chars * 100))
        if right_chars:
            ind["right"] = str(_twips(right_chars * char_pt))
            ind["rightChars"] = str(round(right_chars * 100))
        if hanging_chars:
            ind["hanging"] = str(_twips(hanging_chars * char_pt))
            ind["hangingChars"] = str(round(hanging_chars * 100))
        else:
            ind["firstLine"] = str(_twips(indent_chars * char_pt))
            ind["firstLineChars"] = str(round(indent_chars * 100))
        _put(ox, ppr, "ind", _PPR_ORDER, **ind)
        _put(ox, ppr, "jc", _PPR_ORDER, val=align)
        return ppr

    def _run(
        self,
        paragraph: Any,
        text: str,
        font: str,
        size: float,
        *,
        color: str | None = None,
        literal: bool = False,
    ) -> Any:
        run = paragraph.add_run(text if literal else display(text))
        _fonts(self.ox, run._r.get_or_add_rPr(), font, size, color=color)
        return run

    def _paragraph(
        self, text: str, font: str = FONT_BODY, size: float = SIZE_3HAO, **fmt: Any
    ) -> Any:
        paragraph = self.document.add_paragraph()
        color = fmt.pop("color", None)
        self._format(paragraph, **fmt)
        if text:
            self._run(paragraph, text, font, size, color=color)
        return paragraph

    def _border(self, ppr: Any, side: str, size_eighths: int, color: str, space_pt: int) -> None:
        ox = self.ox
        borders = ppr.find(ox.qn("w:pBdr"))
        if borders is None:
            borders = _put(ox, ppr, "pBdr", _PPR_ORDER)
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

    # -- elements -------------------------------------------------------------------------

    def write(self) -> None:
        self.setup()
        self._section(self.rendition.main, top=True)

    def _section(self, section: Section, *, top: bool, depth: int = 0) -> None:
        blocks = list(section.body)
        header_seen = 0
        decree = any(b.kind == BlockKind.PREAMBLE for b in blocks)
        after_title = False
        rows: list[Block] = []
        for index, block in enumerate(blocks):
            if block.kind == BlockKind.TABLE:
                rows.append(block)
                continue
            if rows:
                self._table(rows)
                rows = []
            if block.kind == BlockKind.HEADER:
                self._header_block(block, header_seen, decree, top=top, after_title=after_title)
                header_seen += 1
            elif block.kind == BlockKind.TITLE:
                self._title(block, first=index == 0, attachment=not top)
                after_title = True
            else:
                self._body_block(block, blocks, index)
        if rows:
            self._table(rows)
        for part in section.parts:
            if depth == 0:  # see Section.items: only the document's own attachments are labelled
                self._paragraph(
                    part.label or "附件",
                    FONT_HEADING_1,
                    SIZE_3HAO,
                    align="left",
                    indent_chars=0,
                    page_break=True,
                )
            self._section(part, top=False, depth=depth + 1)
        if section.imprint:
            self._imprint(section.imprint)

    def _header_block(
        self, block: Block, seen: int, decree: bool, *, top: bool, after_title: bool
    ) -> None:
        text = block.text.strip()
        if _COPY_SECRECY_URGENCY.match(text):
            # 份号, 密级和保密期限, 紧急程度: top left, 3号黑体.
            self._paragraph(text, FONT_HEADING_1, SIZE_3HAO, align="left", indent_chars=0)
            return
        if after_title:
            # Portal layout (title first): the number under the title, centred.
            self._paragraph(text, align="center", indent_chars=0)
            return
        if _DECREE_NUMBER.match(text) or self._is_number(text):
            match = _SIGNER.match(text)
            if match:
                # 上行文: number left (one character in), 签发人 right (one character in).
                paragraph = self._paragraph(
                    "",
                    align="left",
                    indent_chars=0,
                    before_lines=2,
                    left_chars=1,
                    right_chars=1,
                )
                tabs = _put(self.ox, _ppr(self.ox, paragraph), "tabs", _PPR_ORDER)
                tab = self.ox.element("w:tab")
                tab.set(self.ox.qn("w:val"), "right")
                tab.set(
                    self.ox.qn("w:pos"), str(_mm_twips(TYPE_AREA_MM[0]) - _twips(2 * SIZE_3HAO))
                )
                tabs.append(tab)
                self._run(paragraph, match["number"] + "\t", FONT_BODY, SIZE_3HAO)
                self._run(paragraph, match["signer"], FONT_HEADING_2, SIZE_3HAO)
            else:
                paragraph = self._paragraph(text, align="center", indent_chars=0, before_lines=2)
            if not decree:
                # The red separator, 4 mm under the number, as wide as the type area.
                self._border(_ppr(self.ox, paragraph), "bottom", 12, RED, round(4 * _PT_PER_MM))
            return
        # 发文机关标志: red 小标宋体, centred; top edge 35 mm (a 令: 20 mm) below the type area.
        size = min(36.0, (TYPE_AREA_MM[0] * _PT_PER_MM) / max(1.0, text_width(text)))
        before_mm = (20.0 if decree else 35.0) if seen == 0 and top else 0.0
        paragraph = self._paragraph(
            text, FONT_TITLE, size, align="center", indent_chars=0, color=RED
        )
        ppr = _ppr(self.ox, paragraph)
        _put(
            self.ox,
            ppr,
            "spacing",
            _PPR_ORDER,
            before=str(_mm_twips(before_mm)),
            after="0",
            line=str(_twips(max(LINE_PITCH_PT, size * 1.2))),
            lineRule="exact",
        )
        _put(self.ox, ppr, "snapToGrid", _PPR_ORDER, val="0")

    def _is_number(self, text: str) -> bool:
        doc = self.rendition.doc
        number = str(doc.doc_number) if doc.doc_number else None
        squeezed = re.sub(r"\s+", "", text)
        return bool(number and number in squeezed) or bool(re.search(r"〔\d{4}〕\d+号", squeezed))

    def _title(self, block: Block, *, first: bool, attachment: bool) -> None:
        # 标题: 2号小标宋体, centred, two lines under the separator (an attachment's title on
        # the third line of its page, under its label), broken where the words allow.
        before = 0 if first else (1 if attachment else 2)
        paragraph = self._paragraph("", align="center", indent_chars=0)
        ppr = _ppr(self.ox, paragraph)
        _put(
            self.ox,
            ppr,
            "spacing",
            _PPR_ORDER,
            before=str(round(LINE_TWIPS * before)),
            after=str(LINE_TWIPS),
            line=str(_twips(LINE_PITCH_PT * 1.2)),
            lineRule="exact",
        )
        _put(self.ox, ppr, "snapToGrid", _PPR_ORDER, val="0")
        _put(self.ox, ppr, "keepNext", _PPR_ORDER)
        per_line = int(TYPE_AREA_MM[0] * _PT_PER_MM // (SIZE_2HAO + CONDENSE_TWIPS / 20))
        for k, line in enumerate(title_lines(block.text.strip(), per_line)):
            run = self._run(paragraph, line, FONT_TITLE, SIZE_2HAO)
            if k:
                run._r.insert(1, self.ox.element("w:br"))

    def _body_block(self, block: Block, blocks: list[Block], index: int) -> None:
        text = block.text.strip()
        kind = block.kind
        previous = blocks[index - 1].kind if index > 0 else None
        if kind == BlockKind.RECIPIENTS:
            self._paragraph(text, align="left", indent_chars=0)
        elif kind == BlockKind.SUBTITLE:
            self._paragraph(text, FONT_HEADING_2, SIZE_3HAO, align="center", indent_chars=0)
        elif kind == BlockKind.HEADING:
            if _CHAPTER.match(text):
                self._paragraph(text, FONT_HEADING_1, SIZE_3HAO, align="center", indent_chars=0)
            else:
                font = {1: FONT_HEADING_1, 2: FONT_HEADING_2}.get(block.level or 0, FONT_BODY)
                self._paragraph(text, font, SIZE_3HAO)
        elif kind == BlockKind.ARTICLE:
            match = _ARTICLE.match(text)
            paragraph = self._paragraph("")
            if match:
                self._run(paragraph, match[1], FONT_HEADING_1, SIZE_3HAO)
                self._run(paragraph, text[match.end() :], FONT_BODY, SIZE_3HAO)
            else:
                self._run(paragraph, text, FONT_BODY, SIZE_3HAO)
        elif kind == BlockKind.PARAGRAPH and block.level in (1, 2) and "。" in text:
            # A run-in heading: the heading in its level's font, the rest in the body font.
            head, _, rest = text.partition("。")
            paragraph = self._paragraph("")
            font = FONT_HEADING_1 if block.level == 1 else FONT_HEADING_2
            self._run(paragraph, head + "。", font, SIZE_3HAO)
            if rest:
                self._run(paragraph, rest, FONT_BODY, SIZE_3HAO)
        elif kind == BlockKind.ATTACHMENT_NOTE:
            first = previous != BlockKind.ATTACHMENT_NOTE
            if first:
                # 附件说明: one line under the body, two characters in; names aligned.
                self._paragraph(text, before_lines=1, left_chars=5, hanging_chars=3)
            else:
                self._paragraph(text, left_chars=5, indent_chars=0)
        elif kind == BlockKind.SIGNATURE:
            self._signature(block, blocks, index)
        elif kind == BlockKind.DATE:
            self._date(block, blocks, index)
        elif kind == BlockKind.NOTE:
            self._paragraph(text)
        else:  # paragraph, preamble
            self._paragraph(text)

    def _signature_widths(self, blocks: list[Block], index: int) -> tuple[float, float]:
        """Widths of the signature (widest line) and the date that follows it."""
        signatures = []
        k = index
        while k < len(blocks) and blocks[k].kind == BlockKind.SIGNATURE:
            signatures.append(text_width(blocks[k].text.strip()))
            k += 1
        date = text_width(blocks[k].text.strip()) if k < len(blocks) else 0.0
        return max(signatures or [0.0]), date

    def _signature(self, block: Block, blocks: list[Block], index: int) -> None:
        # 发文机关署名 two characters from the right; the date starts two characters further
        # right than the signature; a date longer than the signature stays two from the right
        # and the signature moves left (标准 7.3.5.2).
        start = index
        while start > 0 and blocks[start - 1].kind == BlockKind.SIGNATURE:
            start -= 1
        signature, date = self._signature_widths(blocks, start)
        right = 2.0 if date <= signature else 4.0 + date - signature
        paragraph = self._paragraph(
            block.text.strip(),
            align="right",
            indent_chars=0,
            right_chars=right,
            before_lines=1 if index == start else 0,
        )
        _put(self.ox, _ppr(self.ox, paragraph), "keepNext", _PPR_ORDER)  # with its date

    def _date(self, block: Block, blocks: list[Block], index: int) -> None:
        start = index
        while start > 0 and blocks[start - 1].kind == BlockKind.SIGNATURE:
            start -= 1
        text = block.text.strip()
        if start == index:
            self._paragraph(text, align="right", indent_chars=0, right_chars=4, before_lines=1)
            return
        signature, date = self._signature_widths(blocks, start)
        right = 2.0 if date > signature else signature - date
        self._paragraph(text, align="right", indent_chars=0, right_chars=max(right, 0.0))

    def _table(self, rows: list[Block]) -> None:
        cells = [row.text.split("\t") for row in rows]
        width = max(len(row) for row in cells)
        table = self.document.add_table(rows=len(cells), cols=width)
        table.style = self.document.styles["Table Grid"]
        for r, row in enumerate(cells):
            for c in range(width):
                cell = table.cell(r, c)
                paragraph = cell.paragraphs[0]
                self._format(paragraph, align="left", indent_chars=0)
                value = row[c].strip() if c < len(row) else ""
                if value:
                    self._run(paragraph, value, FONT_BODY, SIZE_4HAO)

    def _imprint(self, blocks: tuple[Block, ...]) -> None:
        """版记: 4号仿宋 between a thick first and last rule, at the foot of the last page."""
        ox = self.ox
        width = str(_mm_twips(TYPE_AREA_MM[0]))
        for k, block in enumerate(blocks):
            text = block.text.strip()
            if block.kind == BlockKind.PRINTED:
                paragraph = self._paragraph(
                    "",
                    align="left",
                    indent_chars=0,
                    left_chars=1,
                    right_chars=1,
                    char_pt=SIZE_4HAO,
                )
                match = _PRINTED.match(text)
                if match and match["org"]:
                    # 印发机关左空一字，印发日期右空一字.
                    tabs = _put(ox, _ppr(ox, paragraph), "tabs", _PPR_ORDER)
                    tab = ox.element("w:tab")
                    tab.set(ox.qn("w:val"), "right")
                    tab.set(ox.qn("w:pos"), str(_mm_twips(TYPE_AREA_MM[0]) - _twips(2 * SIZE_4HAO)))
                    tabs.append(tab)
                    self._run(paragraph, match["org"] + "\t" + match["date"], FONT_BODY, SIZE_4HAO)
                else:
                    self._run(paragraph, text, FONT_BODY, SIZE_4HAO)
            else:
                # 抄送: one character in on both sides; wrapped lines align after the colon.
                paragraph = self._paragraph(
                    text,
                    FONT_BODY,
                    SIZE_4HAO,
                    left_chars=4,
                    right_chars=1,
                    hanging_chars=3 if k == 0 or blocks[k - 1].kind != BlockKind.CC else 0,
                    indent_chars=0,
                    char_pt=SIZE_4HAO,
                )
            ppr = _ppr(ox, paragraph)
            _put(
                ox,
                ppr,
                "framePr",
                _PPR_ORDER,
                w=width,
                wrap="around",
                vAnchor="margin",
                hAnchor="margin",
                xAlign="center",
                yAlign="bottom",
            )
            # Identical borders on every paragraph of the frame: word processors then draw the
            # top rule over the first paragraph and the bottom rule under the last, and keep
            # the paragraphs in one frame. (A thin rule between the elements would need
            # different borders or a "between" border, and either makes some word processors
            # drop the frame's position; the two thick rules are kept instead.)
            self._border(ppr, "top", 8, "000000", 1)  # 0.35 mm
            self._border(ppr, "bottom", 8, "000000", 1)

    def save(self) -> bytes:
        """The package, with fixed member timestamps so that the same input gives the same
        bytes (python-docx stamps the current time)."""
        buffer = io.BytesIO()
        package = self.document.part.package
        try:
            from docx.opc.pkgwriter import PackageWriter

            for part in package.parts:
                part.before_marshal()
            writer = _FixedTimeZip(buffer)
            PackageWriter._write_content_types_stream(writer, package.parts)
            PackageWriter._write_pkg_rels(writer, package.rels)
            PackageWriter._write_parts(writer, package.parts)  # type: ignore[arg-type]
            writer.close()
            return buffer.getvalue()
        except (ImportError, AttributeError):  # pragma: no cover - another python-docx
            buffer = io.BytesIO()
            self.document.save(buffer)
            return _deterministic_zip(buffer.getvalue())


class _FixedTimeZip:
    """A package writer (python-docx's physical writer interface) with fixed timestamps."""

    def __init__(self, stream: io.BytesIO) -> None:
        self.zip = zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED)

    def write(self, uri: Any, blob: bytes) -> None:
        info = zipfile.ZipInfo(uri.membername, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self.zip.writestr(info, blob)

    def close(self) -> None:
        self.zip.close()


def _deterministic_zip(data: bytes) -> bytes:
    """The same package with fixed member timestamps (python-docx stamps the current time)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def document(rendition: Rendition) -> bytes:
    """The DOCX bytes of a rendition."""
    writer = _Writer(rendition)
    writer.write()
    return writer.save()


def render(doc: Document, *, on: _dt.date | None = None) -> bytes:
    return document(build(doc, on=on))
