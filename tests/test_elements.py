"""The element parser, measured on real documents in every format.

* ``govcn/NN.body.html`` (no metadata table) and the same bodies rendered to DOCX, to a PDF
  typeset by ``tests/render.py`` and to LibreOffice's PDF: title, 发文字号, 成文日期, issuers and
  the （此件公开发布） flag must equal ``NN.truth.json``.
* ``govcn/NN.page.html`` (with the portal's metadata table): the same, plus 索引号, 主题分类,
  发布日期, proactive disclosure and the portal publication.
* ``govdoc-cn/397.pdf``: the labelled elements of ``397_a.txt``.
* the seed: every element it has, 抄送 and 印发 included.
* the laws (Markdown): title, 题注 dates, chapters and articles.

``test_accuracy_table`` prints the per-field table (``pytest -s``); every cell must be 100%.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gazette.model import BlockKind, DisclosureAttribute, Document
from ingest import element_head, element_lines, elements, stages
from ingest.raw import Line, RawDocument
from ingest.readers import read
from tests.conftest import CORPUS, corpus_path

GOVCN_IDS = sorted(p.name[:2] for p in (CORPUS / "govcn").glob("*.truth.json")) or ["absent"]
RENDERED = ("docx", "typeset.pdf", "pdf")
GOVCN_FIELDS = ("title", "number", "written", "issuers", "published_note")
PAGE_FIELDS = (*GOVCN_FIELDS, "index_number", "subject", "published", "proactive", "portal")


def cn_date(text: str) -> dt.date:
    year, month, day = re.findall(r"\d+", text)
    return dt.date(int(year), int(month), int(day))


@functools.cache
def truth(key: str) -> dict[str, Any]:
    return json.loads(corpus_path("govcn", f"{key}.truth.json").read_text("utf-8"))


def govcn_expected(key: str) -> dict[str, Any]:
    t = truth(key)
    return {
        "title": t["标题"],
        "number": t["发文字号"],
        "written": cn_date(t["成文日期"]),
        "issuers": tuple(t["发文机关"].split("、")),
        "published_note": t["此件公开发布"],
        "index_number": t["索引号"],
        "subject": t["主题分类"],
        "published": cn_date(t["发布日期"]),
        "proactive": True,
        "portal": cn_date(t["发布日期"]),
    }


def govcn_got(doc: Document) -> dict[str, Any]:
    portal = [p.date for p in doc.publications if p.channel == "portal"]
    return {
        "title": doc.title,
        "number": str(doc.doc_number) if doc.doc_number else None,
        "written": doc.written_date,
        "issuers": doc.issuers,
        "published_note": bool(doc.note and "此件公开发布" in doc.note),
        "index_number": doc.index_number,
        "subject": doc.subject,
        "published": doc.published_date,
        "proactive": doc.disclosure.attribute == DisclosureAttribute.PROACTIVE,
        "portal": portal[0] if portal else None,
    }


@functools.cache
def parsed(path: Path) -> Document:
    return stages.document_from(read(path))


def compare(got: dict[str, Any], expected: dict[str, Any], fields: tuple[str, ...]) -> dict:
    return {f: (got[f], expected[f]) for f in fields if got[f] != expected[f]}


# --- govcn: bodies, pages and renditions -----------------------------------------------------


@pytest.mark.parametrize("key", GOVCN_IDS)
def test_govcn_body(key: str) -> None:
    doc = parsed(corpus_path("govcn", f"{key}.body.html"))
    assert compare(govcn_got(doc), govcn_expected(key), GOVCN_FIELDS) == {}
    assert doc.index_number is None and doc.publications == ()  # the body has no table


@pytest.mark.parametrize("key", GOVCN_IDS)
def test_govcn_page(key: str) -> None:
    doc = parsed(corpus_path("govcn", f"{key}.page.html"))
    assert compare(govcn_got(doc), govcn_expected(key), PAGE_FIELDS) == {}
    assert "索引号" in (doc.disclosure.basis or "")


@pytest.mark.parametrize("fmt", RENDERED)
@pytest.mark.parametrize("key", GOVCN_IDS)
def test_govcn_rendition(govcn_renditions: dict[str, dict[str, Any]], key: str, fmt: str) -> None:
    path = govcn_renditions[key][fmt]
    if path is None:
        pytest.skip("LibreOffice (soffice) is not installed: no LibreOffice PDF renditions")
    doc = parsed(path)
    assert compare(govcn_got(doc), govcn_expected(key), GOVCN_FIELDS) == {}


def test_decree_format() -> None:
    doc = parsed(corpus_path("govcn", "58.body.html"))
    assert (doc.title, str(doc.doc_number), doc.issuers) == (
        "专利代理条例",
        "国令第706号",
        ("国务院",),
    )
    assert doc.doc_type == "令" and doc.signer == "总理 李克强"
    assert doc.written_date == dt.date(2018, 11, 6)
    text = doc.texts[0]
    kinds = [b.kind for b in text.blocks]
    assert kinds[:6] == [
        BlockKind.HEADER,
        BlockKind.HEADER,
        BlockKind.PREAMBLE,
        BlockKind.SIGNATURE,
        BlockKind.DATE,
        BlockKind.TITLE,
    ]
    assert BlockKind.SUBTITLE in kinds
    assert text.adopted == dt.date(2018, 9, 6) and text.label == "2018年修订"


@pytest.mark.parametrize(
    ("source", "title", "written"),
    [
        (("govcn", "07.body.html"), "“无废城市”建设试点工作方案", None),
        # The forwarded 请示 is signed and dated by its own author.
        (
            ("govcn", "52.body.html"),
            "关于内地西藏班（校）扩大规模有关问题的请示",
            dt.date(1996, 5, 13),
        ),
        (("seed", "jinan-2017-27.txt"), "2017年济南市政务公开工作要点", None),
    ],
    ids=["07-yinfa", "52-zhuanfa", "seed-yinfa"],
)
def test_forwarding_notice_carries_its_attachment_as_a_part(
    source: tuple[str, str], title: str, written: dt.date | None
) -> None:
    doc = parsed(corpus_path(*source))
    assert element_head.is_forwarding(doc.title)
    assert [part.title for part in doc.parts] == [title]
    part = doc.parts[0]
    assert part.doc_number == doc.doc_number  # inherited: the attachment states none
    assert part.written_date == (written or doc.written_date)
    assert part.disclosure.attribute == doc.disclosure.attribute
    assert part.text is not None and len(part.text.blocks) > 5


# --- 397.pdf ---------------------------------------------------------------------------------


def labelled_397() -> dict[str, list[str]]:
    rows = corpus_path("govdoc-cn", "397_a.txt").read_text("utf-8").splitlines()
    segments: list[tuple[str, str]] = []
    for row in rows:
        parts = row.split(" ")
        if len(parts) < 2:
            continue
        char, tag = parts[0], parts[1]
        if tag.startswith("B_") or not segments or segments[-1][0] != tag[2:]:
            segments.append((tag[2:], char))
        else:
            segments[-1] = (segments[-1][0], segments[-1][1] + char)
    labels: dict[str, list[str]] = {}
    for label, text in segments:
        labels.setdefault(label, []).append(text)
    return labels


def elements_397(doc: Document) -> dict[str, Any]:
    text = doc.texts[0]
    mark = (doc.issuer_mark or "").replace("文件", "")
    organs = [o for o in ("发展改革委办公厅", "税务总局办公厅") if o in mark]
    return {
        "mark": (organs, "文件" in (doc.issuer_mark or ""), len(mark)),
        "number": str(doc.doc_number),
        "title": doc.title,
        "recipients": "，".join(doc.recipients) + "：",
        "issuers": list(doc.issuers),
        "written": doc.written_date,
        "headings1": [b.text for b in text.blocks if b.kind == BlockKind.HEADING and b.level == 1],
        "headings2": [b.text for b in text.blocks if b.kind == BlockKind.HEADING and b.level == 2],
    }


def expected_397() -> dict[str, Any]:
    labels = labelled_397()
    mark = labels["发文机关标志"][0].replace("曌", "").replace("錓", "")
    return {
        "mark": (
            ["发展改革委办公厅", "税务总局办公厅"],
            "文件" in mark,
            len(mark.replace("文件", "")),
        ),
        "number": labels["发文字号"][0],
        "title": labels["正文标题"][0],
        "recipients": labels["主送机关"][0],
        "issuers": labels["发文机关"],
        "written": cn_date(labels["成文日期"][0]),
        # The labels end the headings with 。, which the PDF does not print.
        "headings1": [t.rstrip("。") for t in labels["一级标题"]],
        "headings2": [t.rstrip("。") for t in labels["二级标题"]],
    }


def test_397_labelled_elements() -> None:
    doc = parsed(corpus_path("govdoc-cn", "397.pdf"))
    got, expected = elements_397(doc), expected_397()
    assert {k: (got[k], v) for k, v in expected.items() if got[k] != v} == {}


# --- the seed --------------------------------------------------------------------------------

SEED = {
    "issuer_mark": "济南市人民政府办公厅文件",
    "doc_number": "济政办发〔2017〕27号",
    "title": "济南市人民政府办公厅关于印发2017年济南市政务公开工作要点的通知",
    "doc_type": "通知",
    "recipients": ("各县区人民政府", "市政府各部门"),
    "issuers": ("济南市人民政府办公厅",),
    "written_date": dt.date(2017, 6, 28),
    "note": None,
    "cc": (
        "市委各部门",
        "市人大常委会办公厅",
        "市政协办公厅",
        "济南警备区",
        "市法院",
        "市检察院",
        "各民主党派市委",
    ),
    "printed_by": "济南市人民政府办公厅",
    "printed_date": dt.date(2017, 6, 28),
    "copy_number": None,
    "secrecy": None,
    "urgency": None,
    "signer": None,
}


def seed_got(doc: Document) -> dict[str, Any]:
    got = {field: getattr(doc, field) for field in SEED}
    got["doc_number"] = str(doc.doc_number)
    return got


def test_seed_elements() -> None:
    doc = parsed(corpus_path("seed", "jinan-2017-27.txt"))
    assert compare(seed_got(doc), SEED, tuple(SEED)) == {}
    kinds = [b.kind for b in doc.texts[0].blocks]
    assert kinds.count(BlockKind.CC) == 1 and kinds.count(BlockKind.PRINTED) == 2


# --- laws ------------------------------------------------------------------------------------

# file, title, 文种, version adopted, effective (a 施行 entry of the 题注), label, enacted by
LAWS = [
    ("政府信息公开条例(2019-04-03).md", "中华人民共和国政府信息公开条例", "条例", dt.date(2019, 4, 3), dt.date(2019, 5, 15), "2019年修订", "国务院"),
    ("公司法(2018-10-26).md", "中华人民共和国公司法", "法", dt.date(2018, 10, 26), None, "2018年修正", "全国人民代表大会常务委员会"),
    ("公司法(2023-12-29).md", "中华人民共和国公司法", "法", dt.date(2023, 12, 29), None, "2023年修订", "全国人民代表大会常务委员会"),
    ("立法法(2015-03-15).md", "中华人民共和国立法法", "法", dt.date(2015, 3, 15), None, "2015年修正", "全国人民代表大会"),
    # A second 通过 adopts an amended text: a 修正.
    ("北京市物业管理条例(2024-03-29).md", "北京市物业管理条例", "条例", dt.date(2024, 3, 29), None, "2024年修正", "北京市人民代表大会常务委员会"),
    # The file is named after a 2018 revision its 题注 does not list: the 题注 is what counts.
    ("物业管理条例(2018-03-19).md", "物业管理条例", "条例", dt.date(2016, 2, 6), None, "2016年修订", "国务院"),
]  # fmt: skip


def law_structure(path: Path) -> tuple[int, int, int]:
    """Chapters (## / ###), articles and 题注 lines, counted on the Markdown source itself."""
    text = path.read_text("utf-8")
    head, _, body = text.partition("<!-- INFO END -->")
    headings = len(re.findall(r"^#{2,3} ", body, re.MULTILINE))
    articles = len(
        re.findall(
            r"^第[一二三四五六七八九十百零〇]+条(之[一二三四五六七八九十]+)?[\s　]",
            body,
            re.MULTILINE,
        )
    )
    notes = len([line for line in head.splitlines()[1:] if line.strip()])
    return headings, articles, notes


@pytest.mark.parametrize(
    ("name", "title", "doc_type", "adopted", "effective", "label", "organ"),
    LAWS,
    ids=[law[0].split(".")[0] for law in LAWS],
)
def test_law(
    name: str,
    title: str,
    doc_type: str,
    adopted: dt.date,
    effective: dt.date | None,
    label: str,
    organ: str,
) -> None:
    path = corpus_path("laws", name)
    doc = parsed(path)
    text = doc.texts[0]
    assert (doc.title, doc.doc_type) == (title, doc_type)
    assert (text.adopted, text.effective, text.label) == (adopted, effective, label)
    headings, articles, notes = law_structure(path)
    numbered = [
        b for b in text.blocks if b.kind == BlockKind.HEADING and re.match(r"第.+[章节]", b.text)
    ]
    assert len(numbered) == headings
    assert sum(1 for b in text.blocks if b.kind == BlockKind.ARTICLE) == articles
    assert sum(1 for b in text.blocks if b.kind == BlockKind.SUBTITLE) == notes
    # A law names no 发文字号; the organ that enacted it is its 题注's first entry's.
    assert doc.doc_number is None and doc.issuers == (organ,)


# --- canonical text --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("第一条　为了规范专利代理行为", "第一条　为了规范专利代理行为"),
        ("第一条 为了保障公民", "第一条　为了保障公民"),
        ("第一条为了保障公民", "第一条　为了保障公民"),
        ("第十二条之一　新增内容", "第十二条之一　新增内容"),
        ("第一章　总　　则", "第一章　总则"),
        ("第一章 总 则", "第一章　总则"),
        ("第二节设立", "第二节　设立"),
        ("一、总体要求", "一、总体要求"),
    ],
    ids=[
        "ideographic",
        "ascii-space",
        "none",
        "zhiyi",
        "chapter-spaced",
        "chapter-ascii",
        "section",
        "not-a-unit",
    ],
)
def test_canonical_unit(text: str, canonical: str) -> None:
    assert element_lines.canonical_unit(text) == canonical


def test_article_text_is_the_same_in_every_format(
    govcn_renditions: dict[str, dict[str, Any]],
) -> None:
    def articles(path: Path) -> list[str]:
        return [b.text for b in parsed(path).texts[0].blocks if b.kind == BlockKind.ARTICLE]

    html = articles(corpus_path("govcn", "58.body.html"))
    assert len(html) == 32 and html[0].startswith("第一条　为了规范")
    for fmt in RENDERED:
        path = govcn_renditions["58"][fmt]
        if path is not None:
            assert articles(path) == html, fmt


def test_title_with_stray_inner_spaces() -> None:
    raw = RawDocument(
        "t",
        "txt",
        [
            Line("国务院关于棉粮、糖粮挂钩奖售粮"),
            Line("几 个 问 题 的 通 知"),
            Line("各省、市、自治区人民政府："),
            Line("正文。"),
        ],
    )
    assert elements.parse(raw).title == "国务院关于棉粮、糖粮挂钩奖售粮几个问题的通知"


# --- the table -------------------------------------------------------------------------------


def accuracy_rows(renditions: dict[str, dict[str, Any]]) -> list[tuple[str, dict[str, list[int]]]]:
    rows: list[tuple[str, dict[str, list[int]]]] = []

    def tally(
        name: str,
        items: list[tuple[Document, dict[str, Any]]],
        fields: tuple[str, ...],
        got: Callable[[Document], dict[str, Any]],
    ) -> None:
        counts = {f: [0, 0] for f in fields}
        for doc, expected in items:
            values = got(doc)
            for f in fields:
                counts[f][1] += 1
                counts[f][0] += values[f] == expected[f]
        rows.append((name, counts))

    keys = [k for k in GOVCN_IDS if k != "absent"]
    tally(
        "govcn body.html",
        [(parsed(CORPUS / "govcn" / f"{k}.body.html"), govcn_expected(k)) for k in keys],
        GOVCN_FIELDS,
        govcn_got,
    )
    tally(
        "govcn page.html",
        [(parsed(CORPUS / "govcn" / f"{k}.page.html"), govcn_expected(k)) for k in keys],
        PAGE_FIELDS,
        govcn_got,
    )
    for fmt in RENDERED:
        items = [
            (parsed(renditions[k][fmt]), govcn_expected(k))
            for k in keys
            if renditions.get(k, {}).get(fmt) is not None
        ]
        if items:
            tally(f"govcn → {fmt}", items, GOVCN_FIELDS, govcn_got)
    doc397 = parsed(CORPUS / "govdoc-cn" / "397.pdf")
    tally("397.pdf", [(doc397, expected_397())], tuple(expected_397()), elements_397)
    seed = parsed(CORPUS / "seed" / "jinan-2017-27.txt")
    tally("seed", [(seed, SEED)], tuple(SEED), seed_got)
    return rows


def test_accuracy_table(govcn_renditions: dict[str, dict[str, Any]]) -> None:
    corpus_path("govcn")
    corpus_path("govdoc-cn", "397.pdf")
    corpus_path("seed")
    rows = accuracy_rows(govcn_renditions)
    print("\nPer-field accuracy of the element parser (correct/total)")
    failures = []
    for name, counts in rows:
        cells = "  ".join(f"{f} {ok}/{n}" for f, (ok, n) in counts.items())
        print(f"  {name:<20} {cells}")
        failures += [f"{name}: {f}" for f, (ok, n) in counts.items() if ok != n]
    assert failures == []


# --- every element, on a document written for the purpose ------------------------------------


def lines(*texts: str) -> RawDocument:
    return RawDocument("test", "txt", [Line(t) for t in texts])


FULL = lines(
    "000123",
    "机密★1年",
    "特急",
    "青川市人民政府办公室",
    "青川市财政局文件",
    "青政办发〔2023〕5号　　　　签发人：李明",
    "青川市人民政府办公室　青川市财政局",
    "关于做好2023年预算执行工作的请示",
    "市人民政府：",
    "现将有关事项请示如下。",
    "一、总体要求",
    "（一）基本原则。",
    "1.严控支出。",
    "（1）压减会议费。",
    "附件：1.预算执行情况表",
    "2.重点项目清单",
    "青川市人民政府办公室　青川市财政局",
    "二〇二三年三月十日",
    "（此件依申请公开）",
    "附件1",
    "预算执行情况表",
    "表格内容。",
    "附件2",
    "重点项目清单",
    "清单内容。",
    "抄送：市委办公室，市人大常委会办公室。",
    "青川市人民政府办公室　　2023年3月10日印发",
)


def test_every_element() -> None:
    doc = elements.parse(FULL)
    assert (doc.copy_number, doc.secrecy, doc.urgency) == ("000123", "机密★1年", "特急")
    assert doc.issuer_mark == "青川市人民政府办公室青川市财政局文件"
    assert (str(doc.doc_number), doc.signer) == ("青政办发〔2023〕5号", "李明")
    assert doc.title == "青川市人民政府办公室青川市财政局关于做好2023年预算执行工作的请示"
    assert doc.doc_type == "请示" and doc.recipients == ("市人民政府",)
    assert doc.issuers == ("青川市人民政府办公室", "青川市财政局")
    assert doc.written_date == dt.date(2023, 3, 10)
    assert doc.note == "（此件依申请公开）"
    assert doc.disclosure.attribute == DisclosureAttribute.ON_REQUEST
    assert doc.attachment_notes == ("1.预算执行情况表", "2.重点项目清单")
    assert doc.cc == ("市委办公室", "市人大常委会办公室")
    assert (doc.printed_by, doc.printed_date) == ("青川市人民政府办公室", dt.date(2023, 3, 10))
    assert [(p.part_label, p.title) for p in doc.parts] == [
        ("附件1", "预算执行情况表"),
        ("附件2", "重点项目清单"),
    ]
    headings = [(b.text, b.level) for b in doc.texts[0].blocks if b.kind == BlockKind.HEADING]
    assert headings == [
        ("一、总体要求", 1),
        ("（一）基本原则。", 2),
        ("1.严控支出。", 3),
        ("（1）压减会议费。", 4),
    ]


def test_absent_elements_are_null() -> None:
    doc = elements.parse(lines("关于开展政务公开检查的通知", "各单位：", "请做好检查工作。"))
    assert doc.title == "关于开展政务公开检查的通知"
    for field in ("copy_number", "secrecy", "urgency", "issuer_mark", "doc_number", "signer"):
        assert getattr(doc, field) is None, field
    assert doc.written_date is None and doc.printed_date is None and doc.note is None
    assert doc.issuers == () and doc.cc == () and doc.parts == ()
    assert doc.disclosure.attribute == DisclosureAttribute.UNKNOWN


@pytest.mark.parametrize(
    ("note", "attribute"),
    [
        ("（此件公开发布）", DisclosureAttribute.PROACTIVE),
        ("（此件主动公开）", DisclosureAttribute.PROACTIVE),
        ("（此件依申请公开）", DisclosureAttribute.ON_REQUEST),
        ("（此件不予公开）", DisclosureAttribute.WITHHELD),
        ("（此件删减后公开）", DisclosureAttribute.PARTIAL),
        ("（联系人：王强，电话：12345678）", DisclosureAttribute.UNKNOWN),
    ],
    ids=["published", "proactive", "on-request", "withheld", "abridged", "contact"],
)
def test_note_states_the_disclosure(note: str, attribute: DisclosureAttribute) -> None:
    doc = elements.parse(
        lines(
            "青川市人民政府文件",
            "青政发〔2023〕1号",
            "青川市人民政府关于某事的通知",
            "各单位：",
            "正文。",
            "青川市人民政府",
            "2023年1月5日",
            note,
        )
    )
    assert doc.note == note
    assert doc.disclosure.attribute == attribute
    if attribute != DisclosureAttribute.UNKNOWN:
        assert doc.disclosure.basis == f"附注：{note}"


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2017年6月28日", dt.date(2017, 6, 28)),
        ("2017 年 6 月 28 日", dt.date(2017, 6, 28)),
        ("二〇一七年六月二十八日", dt.date(2017, 6, 28)),
        ("二零一七年十二月三十一日", dt.date(2017, 12, 31)),
        ("一九八一年五月二十三日", dt.date(1981, 5, 23)),
    ],
    ids=["arabic", "spaced", "ling-circle", "ling-character", "1981"],
)
def test_written_date_spellings(date: str, expected: dt.date) -> None:
    doc = elements.parse(
        lines("青川市人民政府关于某事的通知", "各单位：", "正文。", "青川市人民政府", date)
    )
    assert doc.written_date == expected
