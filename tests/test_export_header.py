"""The export header: written by every text format, recognised when an export is ingested."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from gazette.export.rendition import build, parse_header
from gazette.model import DocRef, EventKind, LifecycleEvent
from ingest import exported
from ingest.raw import Line, RawDocument
from tests.export_fixtures import CASES, ON, PARSED

HASH = "0" * 64


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([f"【SHA-256：{HASH}】", "正文"], (None, (), 1)),
        (
            [
                "【已废止（依据：《X》，自2024年11月1日起）】",
                "【状态日期：2025年1月1日】",
                f"【SHA-256：{HASH}】",
            ],
            ("已废止（依据：《X》，自2024年11月1日起）", (("状态日期", "2025年1月1日"),), 3),
        ),
        (
            [
                "【现行有效】",
                "【索引号：000014349/2019-00007】",
                f"【SHA-256：{HASH}】",
                "【国务院文件】",
            ],
            ("现行有效", (("索引号", "000014349/2019-00007"),), 3),
        ),
    ],
    ids=["hash-only", "mark-and-date", "stops-at-the-body"],
)
def test_parse_header(lines: list[str], expected: tuple[object, ...]) -> None:
    found = parse_header(lines)
    assert found is not None
    header, count = found
    assert (header.status_mark, header.fields, count) == expected
    assert header.body_hash == HASH


@pytest.mark.parametrize(
    "lines",
    [
        ["【国务院文件】", "国务院关于……的通知"],  # a gazette section heading
        ["【SHA-256：not-a-hash】"],
        ["国务院文件", f"【SHA-256：{HASH}】"],  # not at the start
        [],
    ],
    ids=["section-heading", "bad-hash", "not-leading", "empty"],
)
def test_not_a_header(lines: list[str]) -> None:
    assert parse_header(lines) is None


def test_header_order_and_values() -> None:
    rendition = build(CASES["partial-portal-notice"](), on=ON)
    labels = [f.label for f in rendition.header]
    assert labels == [
        None,
        "状态日期",
        "文本来源",
        "标准文本刊载于",
        "文种",
        "公开属性",
        "索引号",
        "主题分类",
        "发布日期",
        "档案编号",
        "SHA-256",
    ]
    assert rendition.header[-1].value == rendition.body_hash


def test_an_attachment_with_its_own_status_is_marked() -> None:
    doc = CASES["notice-attachments"]()
    part = doc.parts[1].with_events(
        LifecycleEvent(EventKind.EFFECTIVE, dt.date(2021, 3, 15), PARSED),
        LifecycleEvent(
            EventKind.REPEALED,
            dt.date(2022, 1, 1),
            PARSED,
            acting=DocRef("《新分工表》", title="新分工表"),
        ),
    )
    doc = attrs.evolve(doc, parts=(doc.parts[0], part))
    lines = build(doc, on=ON).header_lines
    assert "【附件2：已废止（依据：《新分工表》，自2022年1月1日起）】" in lines
    # the carrier's own (different) status stays first
    assert lines[0].startswith("【已失效")


def raw(lines: list[str], **kw: object) -> RawDocument:
    return RawDocument(name="x", format="docx", lines=[Line(t) for t in lines], **kw)  # type: ignore[arg-type]


def test_find_header_in_leading_lines() -> None:
    stripped, header = exported.find_header(
        raw(["【现行有效】", f"【SHA-256：{HASH}】", "标题", "正文"])
    )
    assert header is not None and header.status_mark == "现行有效"
    assert [line.text for line in stripped.lines] == ["标题", "正文"]


def test_find_header_in_page_furniture_or_properties() -> None:
    furniture = raw(
        ["标题"], furniture=[Line("— 1 —"), Line("【现行有效】"), Line(f"【SHA-256：{HASH}】")]
    )
    stripped, header = exported.find_header(furniture)
    assert header is not None and [line.text for line in stripped.lines] == ["标题"]
    properties = raw(["标题"], metadata={"comments": f"【已废止】\n【SHA-256：{HASH}】"})
    _, header = exported.find_header(properties)
    assert header is not None and header.status_mark == "已废止"


def test_plain_files_have_no_header() -> None:
    original = raw(["【国务院文件】", "国务院关于……的通知"])
    stripped, header = exported.find_header(original)
    assert header is None and stripped == original
    assert not exported.looks_exported("【国务院文件】\n\n正文")
