"""The elements of an official document placed as GB/T 9704-2012 places them (标准 7): the
发文机关标志 and 发文字号 with the red separator, the title broken into even lines, headings,
articles, the signature and date, attachments each on a new page, tables, and the 版记 in a
frame at the foot of the last page.
"""

from __future__ import annotations

import re
from typing import Any

from gazette.export.docx.ooxml import PPR_ORDER, Ooxml, paragraph_properties, put
from gazette.export.docx.package import package_bytes
from gazette.export.docx.page import set_up
from gazette.export.docx.paragraphs import add_run, border, format_paragraph, right_tab
from gazette.export.docx.standard import (
    CONDENSE_TWIPS,
    FONT_BODY,
    FONT_HEADING_1,
    FONT_HEADING_2,
    FONT_TITLE,
    LINE_PITCH_PT,
    LINE_TWIPS,
    PT_PER_MM,
    RED,
    SIZE_2HAO,
    SIZE_3HAO,
    SIZE_4HAO,
    TYPE_AREA_MM,
    mm_twips,
    twips,
)
from gazette.export.docx.title_breaks import text_width, title_lines
from gazette.export.rendition import Rendition, Section
from gazette.model import Block, BlockKind

_COPY_SECRECY_URGENCY = re.compile(r"^([0-9]{6}|.*(绝密|机密|秘密).*|特提|特急|加急|平急)$")
_DECREE_SERIES = re.compile(r"令$")
_DECREE_NUMBER = re.compile(r"^[（(]?第\s*[0-9０-９]+\s*号[）)]?$")
_CHAPTER = re.compile(r"^第[一二三四五六七八九十百零〇]+[章节编]")
_ARTICLE = re.compile(r"^(第[一二三四五六七八九十百零〇]+条)")
_PRINTED = re.compile(r"^(?P<org>.*?)\s*(?P<date>[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日印发)$")
_SIGNER = re.compile(r"^(?P<number>.*?)\s*(?P<signer>签发人[:：].*)$")


class _Writer:
    def __init__(self, rendition: Rendition) -> None:
        self.ox = Ooxml()
        self.rendition = rendition
        self.document = self.ox.docx.Document()
        # The template's sample paragraph (if any) goes.
        body = self.document.element.body
        for p in body.findall(self.ox.qn("w:p")):
            body.remove(p)

    def _paragraph(
        self, text: str, font: str = FONT_BODY, size: float = SIZE_3HAO, **fmt: Any
    ) -> Any:
        paragraph = self.document.add_paragraph()
        color = fmt.pop("color", None)
        format_paragraph(self.ox, paragraph, **fmt)
        if text:
            add_run(self.ox, paragraph, text, font, size, color=color)
        return paragraph

    # -- elements -------------------------------------------------------------------------

    def write(self) -> None:
        set_up(self.ox, self.document, self.rendition)
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
                right_tab(self.ox, paragraph, SIZE_3HAO)
                add_run(self.ox, paragraph, match["number"] + "\t", FONT_BODY, SIZE_3HAO)
                add_run(self.ox, paragraph, match["signer"], FONT_HEADING_2, SIZE_3HAO)
            else:
                paragraph = self._paragraph(text, align="center", indent_chars=0, before_lines=2)
            if not decree:
                # The red separator, 4 mm under the number, as wide as the type area.
                border(
                    self.ox,
                    paragraph_properties(self.ox, paragraph),
                    "bottom",
                    12,
                    RED,
                    round(4 * PT_PER_MM),
                )
            return
        # 发文机关标志: red 小标宋体, centred; top edge 35 mm (a 令: 20 mm) below the type area.
        size = min(36.0, (TYPE_AREA_MM[0] * PT_PER_MM) / max(1.0, text_width(text)))
        before_mm = (20.0 if decree else 35.0) if seen == 0 and top else 0.0
        paragraph = self._paragraph(
            text, FONT_TITLE, size, align="center", indent_chars=0, color=RED
        )
        ppr = paragraph_properties(self.ox, paragraph)
        put(
            self.ox,
            ppr,
            "spacing",
            PPR_ORDER,
            before=str(mm_twips(before_mm)),
            after="0",
            line=str(twips(max(LINE_PITCH_PT, size * 1.2))),
            lineRule="exact",
        )
        put(self.ox, ppr, "snapToGrid", PPR_ORDER, val="0")

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
        ppr = paragraph_properties(self.ox, paragraph)
        put(
            self.ox,
            ppr,
            "spacing",
            PPR_ORDER,
            before=str(round(LINE_TWIPS * before)),
            after=str(LINE_TWIPS),
            line=str(twips(LINE_PITCH_PT * 1.2)),
            lineRule="exact",
        )
        put(self.ox, ppr, "snapToGrid", PPR_ORDER, val="0")
        put(self.ox, ppr, "keepNext", PPR_ORDER)
        per_line = int(TYPE_AREA_MM[0] * PT_PER_MM // (SIZE_2HAO + CONDENSE_TWIPS / 20))
        for k, line in enumerate(title_lines(block.text.strip(), per_line)):
            run = add_run(self.ox, paragraph, line, FONT_TITLE, SIZE_2HAO)
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
                add_run(self.ox, paragraph, match[1], FONT_HEADING_1, SIZE_3HAO)
                add_run(self.ox, paragraph, text[match.end() :], FONT_BODY, SIZE_3HAO)
            else:
                add_run(self.ox, paragraph, text, FONT_BODY, SIZE_3HAO)
        elif kind == BlockKind.PARAGRAPH and block.level in (1, 2) and "。" in text:
            # A run-in heading: the heading in its level's font, the rest in the body font.
            head, _, rest = text.partition("。")
            paragraph = self._paragraph("")
            font = FONT_HEADING_1 if block.level == 1 else FONT_HEADING_2
            add_run(self.ox, paragraph, head + "。", font, SIZE_3HAO)
            if rest:
                add_run(self.ox, paragraph, rest, FONT_BODY, SIZE_3HAO)
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
        put(
            self.ox, paragraph_properties(self.ox, paragraph), "keepNext", PPR_ORDER
        )  # with its date

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
                format_paragraph(self.ox, paragraph, align="left", indent_chars=0)
                value = row[c].strip() if c < len(row) else ""
                if value:
                    add_run(self.ox, paragraph, value, FONT_BODY, SIZE_4HAO)

    def _imprint(self, blocks: tuple[Block, ...]) -> None:
        """版记: 4号仿宋 between a thick first and last rule, at the foot of the last page."""
        ox = self.ox
        width = str(mm_twips(TYPE_AREA_MM[0]))
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
                    right_tab(ox, paragraph, SIZE_4HAO)
                    add_run(
                        self.ox,
                        paragraph,
                        match["org"] + "\t" + match["date"],
                        FONT_BODY,
                        SIZE_4HAO,
                    )
                else:
                    add_run(self.ox, paragraph, text, FONT_BODY, SIZE_4HAO)
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
            ppr = paragraph_properties(ox, paragraph)
            put(
                ox,
                ppr,
                "framePr",
                PPR_ORDER,
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
            border(self.ox, ppr, "top", 8, "000000", 1)  # 0.35 mm
            border(self.ox, ppr, "bottom", 8, "000000", 1)

    def save(self) -> bytes:
        return package_bytes(self.document)


def document(rendition: Rendition) -> bytes:
    """The DOCX bytes of a rendition."""
    writer = _Writer(rendition)
    writer.write()
    return writer.save()
