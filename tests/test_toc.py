"""An issue's own data (cover, running headers) and its 目录, from text lines."""

from __future__ import annotations

import datetime as dt

import pytest

from gazette.model import IssueNumber
from ingest import toc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019年第5期", IssueNumber(2019, 5, 5, "期")),
        ("2019年第5、6期", IssueNumber(2019, 5, 6, "期")),
        ("2024年第5-6期", IssueNumber(2024, 5, 6, "期")),
        ("2019 年 第 5 号", IssueNumber(2019, 5, 5, "号")),
        ("２０１９年第１２号", IssueNumber(2019, 12, 12, "号")),
        ("二〇〇六年第三十号", IssueNumber(2006, 30, 30, "号")),
        ("2021年第11、12期合刊", IssueNumber(2021, 11, 12, "期")),
        ("中华人民共和国国务院公报2019年第5、6期", IssueNumber(2019, 5, 6, "期")),
        ("2019年第6、5期", None),  # a combined issue runs forward
        ("2019年5月6日", None),
        ("第5期", None),
    ],
    ids=[
        "single",
        "combined-comma",
        "combined-dash",
        "spaced-hao",
        "full-width",
        "chinese-numerals",
        "hekan",
        "after-name",
        "backwards",
        "a-date",
        "no-year",
    ],
)
def test_parse_issue_number(text: str, expected: IssueNumber | None) -> None:
    assert toc.parse_issue_number(text) == expected
    if expected is not None:
        assert toc.parse_issue_number(text).unit == expected.unit  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("总号：1654", 1654),
        ("总号:1654", 1654),
        ("总第738期", 738),
        ("（总第 738 期）", 738),
        ("总第737-738期", 737),
        ("2019年第5期", None),
    ],
    ids=["zonghao", "ascii-colon", "zongdi", "spaced", "combined", "none"],
)
def test_parse_total(text: str, expected: int | None) -> None:
    assert toc.parse_total(text) == expected


@pytest.mark.parametrize(
    ("text", "name", "number"),
    [
        ("国务院公报\u30002019·5", "国务院公报", IssueNumber(2019, 5)),
        ("国务院公报 2019·5-6", "国务院公报", IssueNumber(2019, 5, 6)),
        ("2019.12", None, IssueNumber(2019, 12)),
        ("青川市人民政府公报 2021年第4期", "青川市人民政府公报", IssueNumber(2021, 4)),
        ("国务院公报", "国务院公报", None),
        ("— 4 —", None, None),
    ],
    ids=["dot", "combined", "bare", "full-form", "name-only", "page-number"],
)
def test_parse_running_header(text: str, name: str | None, number: IssueNumber | None) -> None:
    assert toc.parse_running_header(text) == (name, number)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("中华人民共和国国务院公报", "中华人民共和国国务院公报"),
        ("青 川 市 人 民 政 府 公 报", "青川市人民政府公报"),
        ("青川市人民政府公报2021年第4期", "青川市人民政府公报"),
        ("济南市人民政府公报（电子版）", "济南市人民政府公报"),
        ("2019年国民经济和社会发展统计公报", None),
        ("国务院关于发布公报的通知", None),
        ("政府公报是刊登规章的法定载体。", None),
    ],
    ids=[
        "national",
        "spaced-cover",
        "with-number",
        "edition",
        "statistics",
        "a-title",
        "a-sentence",
    ],
)
def test_gazette_name(text: str, expected: str | None) -> None:
    assert toc.gazette_name(text) == expected


def test_recognise_prefers_the_cover_and_fills_from_headers_and_metadata() -> None:
    meta = toc.recognise(
        ["中华人民共和国国务院公报", "2019年第5、6期", "总号：1654", "2019年2月28日出版"],
        ["国务院公报 2019·5-6", "国务院公报 2019·5-6", "— 1 —"],
        ["something else 2018年第1期"],
    )
    assert meta.gazette == "中华人民共和国国务院公报"
    assert meta.number == IssueNumber(2019, 5, 6, "期")
    assert meta.total == 1654
    assert meta.date == dt.date(2019, 2, 28)
    assert meta.complete


def test_recognise_from_running_headers_alone() -> None:
    meta = toc.recognise([], ["国务院公报 2019·7", "国务院公报 2019·7", "国务院公报 2019·1"])
    assert (meta.gazette, meta.number) == ("国务院公报", IssueNumber(2019, 7))
    assert meta.total is None and meta.date is None


def test_a_date_in_a_sentence_on_the_cover_is_not_the_publication_date() -> None:
    meta = toc.recognise(["青川市人民政府公报", "2021年第4期", "本期刊登2021年3月15日印发的文件"])
    assert meta.date is None


# --- the 目录 --------------------------------------------------------------------------------

PAREN_TOC = [
    "【国务院令】",
    "中华人民共和国国务院令（第706号）",
    "专利代理条例………………………………………………（1）",
    "【国务院文件】",
    "国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监",
    "管的意见……………………………………………………（6）",
    "【人事任免】",
    "国务院任免国家工作人员…………………………………（31）",
]


def test_parse_toc_sections_wrapped_titles_decree_heads() -> None:
    entries = toc.parse_toc(PAREN_TOC)
    assert [(e.section, e.title, e.page) for e in entries] == [
        ("国务院令", "专利代理条例", 1),
        ("国务院文件", "国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见", 6),
        ("人事任免", "国务院任免国家工作人员", 31),
    ]
    assert entries[0].head == "中华人民共和国国务院令（第706号）"
    assert str(entries[0].number) == "国令第706号"


def test_parse_toc_survives_a_reader_joining_its_lines() -> None:
    joined = ["".join(PAREN_TOC[:3]) + "".join(PAREN_TOC[3:6]), "".join(PAREN_TOC[6:])]
    assert [(e.title, e.page) for e in toc.parse_toc(joined)] == [
        (e.title, e.page) for e in toc.parse_toc(PAREN_TOC)
    ]


@pytest.mark.parametrize(
    ("line", "title", "page"),
    [
        ("国务院关于加强质量认证体系建设的意见……………… 4", "国务院关于加强质量认证体系建设的意见", 4),
        (
            "国务院关于加强质量认证体系建设的意见 .......... 12",
            "国务院关于加强质量认证体系建设的意见",
            12,
        ),
        ("国务院关于加强质量认证体系建设的意见\t7", "国务院关于加强质量认证体系建设的意见", 7),
        ("国务院关于加强质量认证体系建设的意见（23）", "国务院关于加强质量认证体系建设的意见", 23),
        (
            "国务院关于印发《2019年政务公开工作要点》的通知 ……（5）",
            "国务院关于印发《2019年政务公开工作要点》的通知",
            5,
        ),
        ("关于第2996号建议的答复…… 24", "关于第2996号建议的答复", 24),
        ("关于印发工作方案（试行）的通知……（8）", "关于印发工作方案（试行）的通知", 8),
    ],
    ids=[
        "leader-bare",
        "dots",
        "tab",
        "paren-no-leader",
        "digits-in-title",
        "number-in-title",
        "paren-in-title",
    ],
)
def test_parse_toc_page_marker_styles(line: str, title: str, page: int) -> None:
    entries = toc.parse_toc(["【文件】", line])
    assert [(e.title, e.page) for e in entries] == [(title, page)]


def test_parse_toc_number_printed_after_the_title() -> None:
    [entry] = toc.parse_toc(
        ["青川市人民政府关于调整市政府公报出版安排的通知（青政发〔2021〕8号）……（3）"]
    )
    assert (entry.title, str(entry.number), entry.page) == (
        "青川市人民政府关于调整市政府公报出版安排的通知",
        "青政发〔2021〕8号",
        3,
    )


def test_parse_toc_ocr_leader_garbage_ends_an_entry() -> None:
    entries = toc.parse_toc(
        [
            "[国务院办公厅文件】",
            "国务院办公厅关于同意以深圳市名义申办2011年第26届世界大学生夏",
            "季运动会的复函　samaiysassissmwaitaanairaatsissaasiiaaaati",
            "国务院办公厅对十届全国人大四次会议第2996号建议的答复……2",
        ]
    )
    assert [(e.section, e.title, e.page) for e in entries] == [
        (
            "国务院办公厅文件",
            "国务院办公厅关于同意以深圳市名义申办2011年第26届世界大学生夏季运动会的复函",
            None,
        ),
        ("国务院办公厅文件", "国务院办公厅对十届全国人大四次会议第2996号建议的答复", 2),
    ]


@pytest.mark.parametrize(
    ("lines", "index"),
    [
        (["中华人民共和国国务院公报", "目　　录", "【国务院文件】"], 1),
        (["青川市人民政府公报", "本期目录", "【市政府文件】"], 1),
        (["青川市人民政府公报", "目　和孙", "【国务院文件]】", "标题……（1）"], 1),  # OCR
        (["青川市人民政府公报", "目标", "一、总体目标"], None),
    ],
    ids=["spaced", "benqi", "ocr-misread", "not-a-toc"],
)
def test_find_toc(lines: list[str], index: int | None) -> None:
    assert toc.find_toc(lines) == index


def test_toc_end_allows_wrapped_lines_then_stops_at_the_body() -> None:
    lines = [
        "目录",
        "【国务院文件】",
        "国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监",
        "管的意见……（6）",
        "国务院关于在市场监管领域全面推行",
        "部门联合“双随机、一公开”监管的意见",
        "国发〔2019〕5号",
        "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
        "在市场监管领域全面推行“双随机、一公开”监管，是党中央、国务院作出的重大决策部署。",
    ]
    assert toc.toc_end(lines, 0) == 4
