"""The layout rules shared by the PDF and OFD readers, line by line.

Rows are placed as GB/T 9704 places them on an A4 page (a 156 mm measure from 28 mm, 16 pt
type, 28 characters a line) or as a browser prints a page; the real files these rules are
measured on are in ``tests/test_renditions.py`` and ``tests/test_readers_ofd.py``.
"""

from __future__ import annotations

import pytest

from ingest.readers.furniture import portal_table, split_furniture
from ingest.readers.layout import Page, Piece, Row, paragraphs, standalone

MM = 72 / 25.4
LEFT = 28 * MM
EM = 16.0
RIGHT = LEFT + 28 * EM
PITCH = 28.9


class Sheet:
    """Rows set line after line on one page, as a typesetter would."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.top = 37 * MM

    def line(
        self,
        text: str,
        *,
        indent: float = 0,
        align: str = "left",
        size: float = EM,
        color: str | None = None,
        page: int = 1,
        gap: float = 0,
    ) -> Sheet:
        width = sum(size * (0.5 if c.isascii() else 1.0) for c in text)
        x0 = {
            "left": LEFT + indent * EM,
            "right": RIGHT - width - indent * EM,
            "center": LEFT + (RIGHT - LEFT - width) / 2,
            "full": LEFT + indent * EM,
        }[align]
        x1 = RIGHT if align == "full" else x0 + width
        self.top += gap * PITCH
        self.rows.append(Row(text, x0, x1, self.top, self.top + size, size, False, color, page))
        self.top += PITCH * size / EM
        return self

    def body(self, n: int) -> Sheet:
        """``n`` full lines of a paragraph ending in a sentence (enough to show the measure)."""
        for k in range(n):
            last = k == n - 1
            self.line(
                "国" * (13 if last else 28) + ("。" if last else ""),
                indent=2 if k == 0 else 0,
                align="left" if last else "full",
            )
        return self

    def paragraphs(self) -> list[str]:
        lines, _ = paragraphs(self.rows, {1: 595.0, 2: 595.0})
        return [line.text for line in lines]


@pytest.mark.parametrize(
    ("text", "alone"),
    [
        ("2019年1月22日", True),
        ("2019 年 1 月 22 日", True),  # spaced, as Word right-aligns it
        ("二〇一九年一月二十二日", True),
        ("（此件公开发布）", True),
        ("（联系人：张三，电话：12345678）", True),
        ("附件2", True),
        ("青川市人民政府办公室 2019年1月22日印发", True),
        ("（一）加强组织领导。", False),
        ("2019年1月22日召开会议。", False),
    ],
)
def test_standalone_lines(text: str, alone: bool) -> None:
    assert standalone(text) is alone


def test_date_and_note_under_it_are_separate() -> None:
    sheet = Sheet().body(3)
    sheet.line("国务院", align="right", indent=4, gap=1)
    sheet.line("2019 年 1 月 22 日", align="right", indent=4)
    sheet.line("（此件公开发布）")  # at the margin, right under the date
    assert sheet.paragraphs()[-3:] == ["国务院", "2019年1月22日", "（此件公开发布）"]


def test_note_indented_two_characters_is_separate() -> None:
    sheet = Sheet().body(2)
    sheet.line("2019年1月22日", align="right", indent=4)
    sheet.line("（此件公开发布）", indent=2)
    assert sheet.paragraphs()[-2:] == ["2019年1月22日", "（此件公开发布）"]


def test_joint_signature_lines_stay_apart() -> None:
    sheet = Sheet().body(3)
    sheet.line("国务院办公厅", align="right", indent=4)
    sheet.line("中央军委办公厅", align="right", indent=4)
    sheet.line("1996年6月29日", align="right", indent=4)
    assert sheet.paragraphs()[-3:] == ["国务院办公厅", "中央军委办公厅", "1996年6月29日"]


def test_wrapped_paragraph_is_joined_and_a_short_line_ends_it() -> None:
    sheet = Sheet().body(3).body(2)
    assert sheet.paragraphs() == ["国" * 69 + "。", "国" * 41 + "。"]


def test_attachment_lines_and_printing_line() -> None:
    sheet = Sheet().body(2)
    sheet.line("附件：1．青川市政务公开工作要点", indent=2)
    sheet.line("2．青川市政务公开工作考核办法", indent=5)
    sheet.line(
        "抄送：市委办公室，市人大常委会办公室，市政协办公室，市中级法院，市检察院，",
        indent=1,
        align="full",
    )
    sheet.line("各民主党派。", indent=4)
    sheet.line("青川市人民政府办公室\u30002019年1月22日印发", indent=1)
    assert sheet.paragraphs()[-4:] == [
        "附件：1．青川市政务公开工作要点",
        "2．青川市政务公开工作考核办法",
        "抄送：市委办公室，市人大常委会办公室，市政协办公室，市中级法院，市检察院，各民主党派。",
        "青川市人民政府办公室\u30002019年1月22日印发",
    ]


def test_centred_title_lines_of_a_large_type_are_joined() -> None:
    sheet = Sheet()
    sheet.line("青川市人民政府办公室文件", align="center", size=30, color="FF0000")
    sheet.line("青政办发〔2019〕5号", align="center")
    sheet.line("青川市人民政府办公室关于印发", align="center", size=22, gap=2)
    sheet.line("政务公开工作要点的通知", align="center", size=22)
    sheet.line("各区县人民政府：")
    sheet.body(3)
    assert sheet.paragraphs()[:4] == [
        "青川市人民政府办公室文件",
        "青政办发〔2019〕5号",
        "青川市人民政府办公室关于印发政务公开工作要点的通知",
        "各区县人民政府：",
    ]


def test_red_mark_lines_of_a_joint_document_are_not_joined() -> None:
    sheet = Sheet()
    sheet.line("青川市人民政府办公室", align="center", size=30, color="E60012")
    sheet.line("青川市财政局", align="center", size=30, color="E60012")
    sheet.body(3)
    assert sheet.paragraphs()[:2] == ["青川市人民政府办公室", "青川市财政局"]


def test_table_of_contents_lines_stay_apart() -> None:
    sheet = Sheet().body(2)
    sheet.line("目　　录", align="center")
    for heading in ("第一章　总则", "第二章　公开的主体和范围", "第三章　主动公开"):
        sheet.line(heading, indent=2)
    assert sheet.paragraphs()[-4:] == [
        "目\u3000录",
        "第一章\u3000总则",
        "第二章\u3000公开的主体和范围",
        "第三章\u3000主动公开",
    ]


def _page(number: int, *rows: tuple[str, float, float]) -> Page:
    """A page with ``(text, top, size)`` rows at the margin."""
    return Page(
        number,
        595.0,
        842.0,
        [
            Row(text, LEFT, LEFT + 200, top, top + size, size, False, None, number)
            for text, top, size in rows
        ],
    )


def test_running_header_needs_the_same_size_and_place() -> None:
    title = _page(1, ("国务院办公厅", 60, 22), ("正文。", 300, 16))
    middle = _page(2, ("正文。", 300, 16))
    signature = _page(3, ("国务院办公厅", 60, 16), ("正文。", 300, 16))
    _body, furniture = split_furniture([title, middle, signature])
    assert furniture == []
    headed = [_page(n, ("青川市人民政府公报", 40, 10.5), ("正文。", 300, 16)) for n in (1, 2, 3)]
    _body, furniture = split_furniture(headed)
    assert [row.text for row in furniture] == ["青川市人民政府公报"] * 3


@pytest.mark.parametrize(
    "margin",
    [
        "12/6/26, 8:54 AM\u3000国务院关于印发的通知",
        "2026/12/6 08:54\u3000国务院关于印发的通知",
        "file:///home/user/page.html 1/3",
        "https://www.gov.cn/zhengce/content/2019-02/15/content_5365945.htm\u30002/3",
        "第 1 页，共 3 页",
    ],
)
def test_browser_margins_are_furniture(margin: str) -> None:
    page = _page(1, (margin, 15, 9), ("正文。", 300, 16), ("还有正文。", 330, 16))
    _body, furniture = split_furniture([page])
    assert [row.text for row in furniture] == [margin]
    _body, furniture = split_furniture([_page(1, ("正文。", 300, 16), (margin, 825, 9))])
    assert [row.text for row in furniture] == [margin]


def test_a_url_inside_the_body_is_body() -> None:
    page = _page(
        1, ("正文。", 100, 16), ("网址：https://www.gov.cn/zhengce/", 300, 16), ("正文。", 330, 16)
    )
    _body, furniture = split_furniture([page])
    assert furniture == []


def test_portal_table_with_labels_wrapped_in_narrow_cells() -> None:
    def row(top: float, *pieces: tuple[str, float]) -> Row:
        parts = [
            Piece(text, x, x + sum(6 if c.isascii() else 12 for c in text), top, top + 9)
            for text, x in pieces
        ]
        text = "\u3000".join(p.text for p in parts)
        return Row(text, parts[0].x0, parts[-1].x1, top, top + 9, 12, False, None, 1, parts)

    page = Page(
        1,
        612,
        792,
        [
            row(20, ("首页 > 政策 > 文件库", 50)),
            row(49, ("索 引", 53), ("000014349/2019-00007", 96), ("主题分", 309), ("工商", 350)),
            row(64, ("号：", 54), ("类：", 309)),
            row(78, ("发文机", 53), ("成文日", 308)),
            row(85, ("国务院", 96), ("2019年01月27日", 351)),
            row(92, ("关：", 54), ("期：", 308)),
            row(135, ("发文字", 53), ("发布日", 308)),
            row(142, ("国发〔2019〕5号", 96), ("2019年02月15日", 351)),
            row(149, ("号：", 54), ("期：", 308)),
            row(223, ("国务院关于在市场监管领域全面推行", 113)),
        ],
    )
    found = portal_table(page)
    assert found is not None
    metadata, bottom = found
    assert metadata == {
        "索引号": "000014349/2019-00007",
        "主题分类": "工商",
        "发文机关": "国务院",
        "成文日期": "2019年01月27日",
        "发文字号": "国发〔2019〕5号",
        "发布日期": "2019年02月15日",
    }
    assert 158 <= bottom < 223


def test_a_table_row_is_a_line_of_cells() -> None:
    def row(top: float, *cells: tuple[str, float]) -> Row:
        pieces = [Piece(text, x, x + 16 * len(text), top, top + 16) for text, x in cells]
        text = "\u3000".join(p.text for p in pieces)
        return Row(text, pieces[0].x0, pieces[-1].x1, top, top + 16, 16, False, None, 1, pieces)

    sheet = Sheet().body(3)
    sheet.rows.append(
        row(sheet.top, ("序号", LEFT), ("改革举措", LEFT + 80), ("推广范围", LEFT + 300))
    )
    sheet.rows.append(
        row(sheet.top + PITCH, ("1", LEFT), ("三合一审判", LEFT + 80), ("全国", LEFT + 300))
    )
    # the organs of a joint signature stand closer than table cells: one line, not a table
    sheet.rows.append(
        row(sheet.top + 3 * PITCH, ("国务院办公厅", LEFT + 100), ("中央军委办公厅", LEFT + 230))
    )
    lines, _ = paragraphs(sheet.rows, {1: 595.0})
    assert [(line.text, line.table) for line in lines[-3:]] == [
        ("序号\t改革举措\t推广范围", True),
        ("1\t三合一审判\t全国", True),
        ("国务院办公厅\u3000中央军委办公厅", False),
    ]


@pytest.mark.parametrize(
    ("text", "chrome"),
    [
        ("扫一扫在手机打开当前页", True),
        ("【打印本页】【关闭窗口】", True),
        ("版权所有：中华人民共和国中央人民政府", True),
        ("网站标识码bm01000001 京ICP备05070218号", True),
        ("（此件公开发布）", False),
        ("关于加强版权保护工作的通知", False),
    ],
)
def test_site_chrome_around_a_document(text: str, chrome: bool) -> None:
    from ingest.raw import Line
    from ingest.readers.furniture import site_chrome

    lines = [Line("正文。"), Line("国务院"), Line(text)]
    kept, taken = site_chrome(lines)
    assert len(kept) + len(taken) == 3
    assert [line.text for line in taken] == ([text] if chrome else [])
