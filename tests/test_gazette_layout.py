"""Recognised pages as positioned lines: rows, furniture and paragraphs."""

from __future__ import annotations

import pytest

from ingest.gazette_layout import (
    Page,
    PageKind,
    PageLine,
    merge_rows,
    page_number_of,
    split_furniture,
    to_raw,
)

W, H = 595.0, 842.0
LEFT, RIGHT, EM = 70.0, 525.0, 14.0


def line(
    text: str, top: float, x0: float = LEFT, x1: float | None = None, size: float = EM
) -> PageLine:
    if x1 is None:
        x1 = min(RIGHT, x0 + len(text) * size)
    return PageLine(text, x0, x1, top, top + size, size, confidence=90.0)


def full(text: str, top: float, indent: bool = False) -> PageLine:
    return PageLine(text, LEFT + (2 * EM if indent else 0), RIGHT, top, top + EM, EM, 90.0)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("— 4 —", 4),
        ("-12-", 12),
        ("一7一", 7),
        ("第3页", 3),
        ("15", 15),
        ("２３", 23),
        ("国务院公报", None),
        ("2019·5", None),
    ],
    ids=["dashes", "hyphens", "ocr-dashes", "di-ye", "bare", "full-width", "header", "year-issue"],
)
def test_page_number_of(text: str, number: int | None) -> None:
    assert page_number_of(text) == number


def test_merge_rows_joins_pieces_on_one_row_with_a_wide_gap() -> None:
    rows = merge_rows(
        [
            PageLine("（6）", 500, 520, 100, 112, 12, 80.0),
            PageLine("管的意见……………", 95, 470, 101, 113, 12, 90.0),
            PageLine("国务院公报", 70, 130, 40, 50, 10, None),
        ]
    )
    assert [r.text for r in rows] == ["国务院公报", "管的意见……………\u3000（6）"]
    assert rows[1].x0 == 95 and rows[1].x1 == 520
    assert rows[1].confidence == pytest.approx((80.0 * 3 + 90.0 * 9) / 12, abs=0.1)


def test_furniture_tolerates_ocr_misreading_the_running_header() -> None:
    pages = [
        Page(
            n,
            W,
            H,
            [line(header, 40), full("正文" * 16, 100), line(f"一{n}一", 800, 280)],
            PageKind.OCR,
        )
        for n, header in [
            (1, "国务院公报\u30002006\u300030"),
            (2, "国务院公报”2006…30"),
            (3, "国务院公报 2006·30"),
        ]
    ]
    for body, furniture in split_furniture(pages):
        assert furniture[0].text.startswith("国务院公报")
        assert len(furniture) == 2 and len(body) == 1


def test_to_raw_rebuilds_paragraphs_across_lines_and_pages() -> None:
    page1 = Page(
        1,
        W,
        H,
        [
            line("国务院关于加强管理的通知", 100, 180, 420, 20),
            line("各省、自治区、直辖市人民政府：", 150),
            full(
                "为了加强管理，现就有关事项通知如下：第一段的第一行文字足够长到", 180, indent=True
            ),
            full("达右边界的第二行文字也足够长到达右边界的第二行文字也足够长到达右", 205),
            line("边界。", 230),
            full(
                "第二段从新的缩进开始并且一直写到本页的最后一行文字也足够长到达右", 260, indent=True
            ),
        ],
        PageKind.OCR,
        90.0,
    )
    page2 = Page(
        2,
        W,
        H,
        [line("边界为止。", 100), line("国务院", 160, 440), line("2019年1月1日", 190, 400)],
        PageKind.OCR,
        88.0,
    )
    raw = to_raw([page1, page2], name="scan.pdf")
    assert [ln.text for ln in raw.lines] == [
        "国务院关于加强管理的通知",
        "各省、自治区、直辖市人民政府：",
        "为了加强管理，现就有关事项通知如下：第一段的第一行文字足够长到达右边界的第二行文字也足够长到达右边界的第二行文字也足够长到达右边界。",
        "第二段从新的缩进开始并且一直写到本页的最后一行文字也足够长到达右边界为止。",
        "国务院",
        "2019年1月1日",
    ]
    assert raw.extra["page_spans"] == [(1, 1), (1, 1), (1, 1), (1, 2), (2, 2), (2, 2)]
    assert [ln.align for ln in raw.lines][-2:] == ["right", "right"]
    assert raw.lines[0].align == "center" and raw.lines[0].size == 20
    assert raw.page_count == 2 and raw.needs_ocr == ()


def test_to_raw_lists_pages_still_needing_ocr() -> None:
    raw = to_raw(
        [Page(1, W, H, [], PageKind.IMAGE), Page(2, W, H, [full("正文" * 16, 100)])], name="x.pdf"
    )
    assert raw.needs_ocr == (1,)
