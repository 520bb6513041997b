"""Events found in text on ingest: effective dates, validity, 题注, repeals, cleanup results."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gazette.model import (
    Block,
    BlockKind,
    CleanupOutcome,
    Document,
    EventKind,
    LifecycleEvent,
    ProvenanceKind,
    TextVersion,
)
from gazette.references import OutgoingRef
from ingest import stages
from ingest.clauses import read_lifecycle
from ingest.raw import Line, RawDocument
from ingest.readers import read
from tests.conftest import ARCHIVE_DATA, corpus_path
from tests.corpus_text import parse as parse_corpus
from tests.corpus_text import read_html

D = dt.date
WRITTEN = D(2020, 1, 10)


def body(
    *paragraphs: str,
    title: str = "青川市测试办法",
    written: D | None = WRITTEN,
    published: D | None = None,
    number: str | None = None,
) -> Document:
    blocks = [Block(title, BlockKind.TITLE)] + [Block(p) for p in paragraphs]
    return Document(
        title=title,
        doc_number=number,
        written_date=written,
        published_date=published,
        texts=(TextVersion(blocks=tuple(blocks)),),
    )


def events(document: Document, kind: EventKind) -> list[LifecycleEvent]:
    return [e for e in document.events if e.kind == kind]


def dates(document: Document, kind: EventKind) -> list[D | None]:
    return [e.date for e in events(document, kind)]


# --- effective dates ----------------------------------------------------------------------

EFFECTIVE = [
    ("本办法自2017年8月1日起施行。", {}, [D(2017, 8, 1)]),
    ("本规定自公布之日起施行。", {"published": D(2020, 2, 15)}, [D(2020, 2, 15)]),
    ("本规定自公布之日起施行。", {}, [D(2020, 1, 10)]),
    ("本通知自印发之日起施行。", {}, [D(2020, 1, 10)]),
    ("本办法自发布之日起30日后施行。", {"published": D(2020, 2, 1)}, [D(2020, 3, 2)]),
    ("本办法自二〇一七年八月一日起施行。", {}, [D(2017, 8, 1)]),
    ("四、本规定自2019年9月1日起施行。", {}, [D(2019, 9, 1)]),
    ("第三十二条　本条例自2019年3月1日起施行。", {}, [D(2019, 3, 1)]),
    ("现将修订后的《专利代理条例》公布，自2019年3月1日起施行。", {}, [D(2019, 3, 1)]),
    ("本办法自2021年4月1日起实施。", {}, [D(2021, 4, 1)]),
    ("本办法从2021年4月1日起执行。", {}, [D(2021, 4, 1)]),
    ("本通知自即日起执行。", {}, [D(2020, 1, 10)]),
    ("规章应当自公布之日起30日后施行。", {}, []),
    ("本办法第十条自2020年1月1日起施行。", {}, []),
    ("各地要自2018年1月1日起执行新的收费标准。", {}, []),
    ("从2019年起，各有关部门于每年2月底前报送名单。", {}, []),
    ("及时公开政策性文件废止、失效等情况。", {}, []),
]


@pytest.mark.parametrize(
    ("sentence", "fields", "expected"),
    EFFECTIVE,
    ids=[s for s, _, _ in EFFECTIVE[:12]]
    + ["a rule about other acts", "one article", "another subject", "no full date", "seed"],
)
def test_effective_dates(sentence: str, fields: dict[str, D], expected: list[D]) -> None:
    document, _ = read_lifecycle(body(sentence, **fields))
    assert dates(document, EventKind.EFFECTIVE) == expected
    for event in events(document, EventKind.EFFECTIVE):
        assert event.provenance.excerpt == sentence


def test_document_is_promulgated_on_its_written_date() -> None:
    document, _ = read_lifecycle(body("本办法自2020年2月1日起施行。"))
    assert dates(document, EventKind.PROMULGATED) == [D(2020, 1, 10)]


# --- validity periods ---------------------------------------------------------------------

VALIDITY = [
    (("本办法自2021年4月1日起施行，有效期5年。",), [D(2026, 3, 31)]),
    (("本通知自印发之日起施行，有效期至2022年7月31日。",), [D(2022, 7, 31)]),
    (("本办法自2021年4月1日起施行。", "本办法有效期为两年。"), [D(2023, 3, 31)]),
    (("本办法自2021年4月1日起施行，有效期6个月。",), [D(2021, 9, 30)]),
    (("本办法自2021年4月1日起施行，试行期2年。",), [D(2023, 3, 31)]),
    (("许可证有效期为5年。", "本办法自2021年4月1日起施行。"), []),
    (("本办法有效期5年。",), []),  # no effective date to count from
]


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    VALIDITY,
    ids=[
        "有效期5年",
        "有效期至",
        "separate sentence",
        "months",
        "试行期",
        "a licence's period",
        "no start",
    ],
)
def test_validity_periods(paragraphs: tuple[str, ...], expected: list[D]) -> None:
    document, _ = read_lifecycle(body(*paragraphs))
    assert dates(document, EventKind.VALID_UNTIL) == expected


# --- replacement clauses ----------------------------------------------------------------------


def _refs(
    refs: tuple[OutgoingRef, ...],
) -> list[tuple[str | None, str | None, str, D | None, tuple[str, ...]]]:
    out = []
    for ref in refs:
        assert ref.event is not None
        kind = ref.event.outcome.value if ref.event.outcome else ref.event.kind.value
        out.append(
            (
                ref.target.title,
                str(ref.target.number) if ref.target.number else None,
                kind,
                ref.event.date,
                ref.event.articles,
            )
        )
    return out


REPLACEMENTS = [
    (
        ("本条例自2024年11月1日起施行。2001年12月14日国务院发布的《法规规章备案条例》同时废止。",),
        [("法规规章备案条例", None, "repealed", D(2024, 11, 1), ())],
    ),
    (
        ("自本通知印发之日起，《国务院办公厅关于X的通知》（国办发〔2016〕82号）停止执行。",),
        [("国务院办公厅关于X的通知", "国办发〔2016〕82号", "repealed", D(2020, 1, 10), ())],
    ),
    (
        (
            "本办法自2020年3月1日起施行，《A办法》（青政发〔2015〕1号）、《B规定》（青政发〔2016〕2号）同时废止。",
        ),
        [
            ("A办法", "青政发〔2015〕1号", "repealed", D(2020, 3, 1), ()),
            ("B规定", "青政发〔2016〕2号", "repealed", D(2020, 3, 1), ()),
        ],
    ),
    (
        ("本办法自2020年3月1日起施行。", "《A办法》第五条、第六条同时废止。"),
        [("A办法", None, "partially_invalid", D(2020, 3, 1), ("第五条", "第六条"))],
    ),
    (
        ("青政办发〔2010〕3号同时废止。",),
        [(None, "青政办发〔2010〕3号", "repealed", D(2020, 1, 10), ())],
    ),
    (
        ("根据《中华人民共和国立法法》，制定本办法。", "各单位要按照《X办法》规定做好工作。"),
        [],
    ),
    (("及时公开政策性文件废止、失效等情况。",), []),
    (("与《A办法》不一致的规定同时废止。",), []),
]


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    REPLACEMENTS,
    ids=[
        "同时废止 with the effective date",
        "停止执行 from the issue date",
        "two documents",
        "articles",
        "number only",
        "citations are not repeals",
        "no document named",
        "partial repeal by conflict is not read",
    ],
)
def test_replacement_clauses(
    paragraphs: tuple[str, ...], expected: list[tuple[object, ...]]
) -> None:
    _, refs = read_lifecycle(body(*paragraphs))
    assert _refs(refs) == expected
    for ref in refs:
        assert ref.source == (0,)
        assert ref.event is not None and ref.event.provenance.excerpt


# --- decisions and cleanup results ------------------------------------------------------------


def _read_file(path: Path) -> tuple[Document, tuple[OutgoingRef, ...]]:
    return stages.lifecycle(stages.parse(read(path)))


def test_repeal_decision_lists_documents() -> None:
    document, refs = _read_file(ARCHIVE_DATA / "documents" / "qcsb-2022-5.txt")
    assert _refs(refs) == [
        ("青川市政府信息依申请公开办理规定", "青政发〔2019〕30号", "repealed", D(2022, 3, 1), ()),
        ("青川市城市道路占用管理暂行办法", "青政发〔2015〕8号", "repealed", D(2022, 3, 1), ()),
    ]
    assert dates(document, EventKind.EFFECTIVE) == [D(2022, 3, 1)]


def test_cleanup_result_lists_outcomes_with_their_dates() -> None:
    _, refs = _read_file(ARCHIVE_DATA / "documents" / "qcsb-2024-2.txt")
    assert _refs(refs) == [
        ("青川市政务新媒体管理暂行办法", "青政办发〔2023〕7号", "continue", D(2024, 2, 20), ()),
        (
            "青川市政府网站集约化建设实施方案",
            "青政办发〔2019〕11号",
            "continue",
            D(2024, 2, 20),
            (),
        ),
        (
            "青川市政务公开工作实施办法",
            "青政办发〔2021〕12号",
            "partially_invalid",
            D(2024, 2, 20),
            ("第七条",),
        ),
        (
            "青川市第七次全国人口普查工作实施方案",
            "青政办发〔2020〕15号",
            "declare_invalid",
            D(2024, 3, 1),
            (),
        ),
    ]
    for ref in refs:
        assert ref.event is not None and ref.event.kind == EventKind.CLEANUP_OUTCOME


def _raw(*lines: str | tuple[str, bool]) -> RawDocument:
    out = []
    for line in lines:
        text, table = line if isinstance(line, tuple) else (line, False)
        out.append(Line(text, table=table))
    return RawDocument(name="t", format="txt", lines=tuple(out))


def test_cleanup_table_in_an_attachment() -> None:
    raw = _raw(
        "青川市人民政府办公室文件",
        "青政办发〔2024〕9号",
        "青川市人民政府办公室关于公布2023年度规范性文件清理结果的通知",
        "各区县人民政府，市政府各部门：",
        "现将清理结果予以公布。废止的规范性文件自2024年6月1日起停止执行。",
        "青川市人民政府办公室",
        "2024年5月20日",
        "附件",
        "2023年度规范性文件清理结果目录",
        ("序号\t文件名称\t文号\t清理结果", True),
        ("1\t青川市甲办法\t青政办发〔2018〕1号\t继续有效", True),
        ("2\t青川市乙规定\t青政办发〔2017〕2号\t废止", True),
        ("3\t青川市丙意见\t青政办发〔2016〕3号\t宣布失效", True),
        ("4\t青川市丁细则\t青政办发〔2015〕4号\t修改", True),
    )
    document, refs = stages.lifecycle(stages.parse(raw))
    assert len(document.parts) == 1
    assert _refs(refs) == [
        ("青川市甲办法", "青政办发〔2018〕1号", "continue", D(2024, 5, 20), ()),
        ("青川市乙规定", "青政办发〔2017〕2号", "repeal", D(2024, 6, 1), ()),
        ("青川市丙意见", "青政办发〔2016〕3号", "declare_invalid", D(2024, 5, 20), ()),
        ("青川市丁细则", "青政办发〔2015〕4号", "amend", D(2024, 5, 20), ()),
    ]
    # The notice acts, not its attachment.
    assert {ref.source for ref in refs} == {(0,)}


def test_decision_named_in_its_title() -> None:
    document = body(
        "《青川市甲办法》自本决定公布之日起废止。",
        title="青川市人民政府关于废止《青川市甲办法》的决定",
        published=D(2021, 5, 1),
    )
    _, refs = read_lifecycle(document)
    assert _refs(refs) == [("青川市甲办法", None, "repealed", D(2021, 5, 1), ())]


def test_cleanup_result_in_running_text() -> None:
    document = body(
        "经清理，《青川市甲办法》（青政发〔2018〕1号）、《青川市乙办法》（青政发〔2018〕2号）继续有效；"
        "《青川市丙办法》（青政发〔2017〕3号）宣布失效；《青川市丁办法》（青政发〔2016〕4号）需修改。",
        "本通知自印发之日起施行。",
        title="青川市人民政府关于规范性文件清理结果的通知",
    )
    _, refs = read_lifecycle(document)
    assert _refs(refs) == [
        ("青川市甲办法", "青政发〔2018〕1号", "continue", WRITTEN, ()),
        ("青川市乙办法", "青政发〔2018〕2号", "continue", WRITTEN, ()),
        ("青川市丙办法", "青政发〔2017〕3号", "declare_invalid", WRITTEN, ()),
        ("青川市丁办法", "青政发〔2016〕4号", "amend", WRITTEN, ()),
    ]


def test_a_notice_asking_for_a_cleanup_lists_no_outcomes() -> None:
    document = body(
        "一、清理范围：废止的文件应当及时公布。",
        "1.《中华人民共和国立法法》",
        title="青川市人民政府关于做好规范性文件清理工作的通知",
    )
    _, refs = read_lifecycle(document)
    assert refs == ()


def test_a_dated_sentence_under_a_notice_title_is_not_a_题注() -> None:
    document = Document(
        title="青川市人民政府关于印发某方案的通知",
        written_date=WRITTEN,
        texts=(
            TextVersion(
                blocks=(
                    Block("青川市人民政府关于印发某方案的通知", BlockKind.TITLE),
                    Block("各区县人民政府：", BlockKind.RECIPIENTS),
                    Block("2019年12月30日，市政府常务会议审议通过了《某方案》，现印发给你们。"),
                )
            ),
        ),
    )
    read, _ = read_lifecycle(document)
    assert not events(read, EventKind.AMENDED)
    assert dates(read, EventKind.PROMULGATED) == [WRITTEN]
    assert read.text is not None and read.text.adopted is None


# --- 印发 notices share their attachment's dates -------------------------------------------------


def test_forwarding_notice_gets_its_attachments_effective_date_and_period() -> None:
    document, _ = _read_file(ARCHIVE_DATA / "documents" / "qcsb-2021-12.txt")
    part = document.parts[0]
    assert dates(part, EventKind.EFFECTIVE) == [D(2021, 4, 1)]
    assert dates(part, EventKind.VALID_UNTIL) == [D(2026, 3, 31)]
    assert dates(document, EventKind.EFFECTIVE) == [D(2021, 4, 1)]
    assert dates(document, EventKind.VALID_UNTIL) == [D(2026, 3, 31)]
    assert "attachment" in (events(document, EventKind.EFFECTIVE)[0].note or "")


def test_attachment_gets_the_carriers_effective_date() -> None:
    raw = _raw(
        "青川市人民政府办公室文件",
        "青政办发〔2024〕3号",
        "青川市人民政府办公室关于印发青川市某某工作方案的通知",
        "各区县人民政府：",
        "现将《青川市某某工作方案》印发给你们，自2024年2月1日起施行。",
        "青川市人民政府办公室",
        "2024年1月15日",
        "青川市某某工作方案",
        "一、总体要求",
        "做好某某工作。",
    )
    document, _ = stages.lifecycle(stages.parse(raw))
    assert dates(document, EventKind.EFFECTIVE) == [D(2024, 2, 1)]
    assert dates(document.parts[0], EventKind.EFFECTIVE) == [D(2024, 2, 1)]


# --- real documents ------------------------------------------------------------------------------

# Each version takes effect on its own date: the 施行 article belongs to the text it was
# adopted with (公司法 2018 keeps the 2005 revision's); a 修正 by decision takes effect when the
# decision is published, which the 题注 does not say: inferred from the adoption date, marked.
LAWS = [
    # file, promulgated, amendments, effective events (inferred ones marked *), version
    # adopted, version effective, label
    ("公司法(2018-10-26).md", [D(1993, 12, 29)], 5, [D(2006, 1, 1), "*2018-10-26"], D(2018, 10, 26), D(2018, 10, 26), "2018年修正"),
    ("公司法(2023-12-29).md", [D(1993, 12, 29)], 6, [D(2024, 7, 1)], D(2023, 12, 29), D(2024, 7, 1), "2023年修订"),
    ("立法法(2015-03-15).md", [D(2000, 3, 15)], 1, [D(2000, 7, 1), "*2015-03-15"], D(2015, 3, 15), D(2015, 3, 15), "2015年修正"),
    ("立法法(2023-03-13).md", [D(2000, 3, 15)], 2, [D(2000, 7, 1), "*2023-03-13"], D(2023, 3, 13), D(2023, 3, 13), "2023年修正"),
    ("政府信息公开条例(2019-04-03).md", [D(2007, 4, 5)], 1, [D(2019, 5, 15)], D(2019, 4, 3), D(2019, 5, 15), "2019年修订"),
    ("物业管理条例(2018-03-19).md", [D(2003, 6, 8)], 2, [D(2003, 9, 1), "*2016-02-06"], D(2016, 2, 6), D(2016, 2, 6), "2016年修订"),
    ("北京市物业管理条例(2024-03-29).md", [D(2020, 3, 27)], 1, [D(2020, 5, 1), "*2024-03-29"], D(2024, 3, 29), D(2024, 3, 29), "2024年修正"),
    ("规章制定程序条例(2017-12-22).md", [D(2001, 11, 16)], 0, [D(2002, 1, 1)], D(2001, 11, 16), D(2002, 1, 1), "2001年公布"),
]  # fmt: skip


def _marked(event: LifecycleEvent) -> D | str | None:
    if event.provenance.kind == ProvenanceKind.INFERRED:
        return f"*{event.date.isoformat()}" if event.date else None
    return event.date


@pytest.mark.parametrize(
    ("name", "promulgated", "amendments", "effective", "adopted", "version_effective", "label"),
    LAWS,
    ids=[law[0] for law in LAWS],
)
def test_laws_题注(
    name: str,
    promulgated: list[D],
    amendments: int,
    effective: list[D | str],
    adopted: D,
    version_effective: D,
    label: str,
) -> None:
    document = parse_corpus(corpus_path("laws", name))
    assert dates(document, EventKind.PROMULGATED) == promulgated
    assert len(events(document, EventKind.AMENDED)) == amendments
    assert [_marked(e) for e in events(document, EventKind.EFFECTIVE)] == effective
    text = document.text
    assert text is not None
    assert (text.adopted, text.effective, text.label) == (adopted, version_effective, label)
    assert not events(document, EventKind.REPEALED)
    for event in events(document, EventKind.EFFECTIVE):
        if event.provenance.kind == ProvenanceKind.INFERRED:
            assert event.note == "公布日期未载明，按通过日期推定"


def test_amendment_names_the_amending_decision() -> None:
    document = parse_corpus(corpus_path("laws", "立法法(2023-03-13).md"))
    acting = [e.acting.title for e in events(document, EventKind.AMENDED) if e.acting]
    assert acting == ["关于修改〈中华人民共和国立法法〉的决定"] * 2


def test_effective_date_of_an_amendment_is_noted_as_such() -> None:
    document = parse_corpus(corpus_path("laws", "公司法(2023-12-29).md"))
    (event,) = events(document, EventKind.EFFECTIVE)
    assert event.note == "施行 of the text adopted 2023-12-29"
    excerpt = event.provenance.excerpt or ""
    assert "".join(excerpt.split()) == "第二百六十六条本法自2024年7月1日起施行。"


def test_seed_states_no_effective_date_and_repeals_nothing(seed_path: Path) -> None:
    document, refs = stages.lifecycle(stages.parse(read(seed_path)))
    assert refs == ()
    for doc in (document, *document.parts):
        assert not events(doc, EventKind.EFFECTIVE)
        assert dates(doc, EventKind.PROMULGATED) == [D(2017, 6, 28)]


GOVCN = [
    "01",
    "04",
    "07",
    "10",
    "13",
    "16",
    "19",
    "22",
    "25",
    "28",
    "31",
    "34",
    "37",
    "40",
    "43",
    "46",
    "49",
    "52",
    "55",
    "58",
]


@pytest.mark.parametrize("item", GOVCN)
def test_govcn_effective_dates_only_where_stated(item: str) -> None:
    path = corpus_path("govcn", f"{item}.body.html")
    text = "".join("".join(line.text.split()) for line in read_html(path).lines)
    document, refs = stages.lifecycle(stages.parse(read_html(path)))
    for doc in (document, *document.parts):
        for event in events(doc, EventKind.EFFECTIVE):
            # Every effective date is read from a sentence of this very text.
            excerpt = "".join((event.provenance.excerpt or "").split())
            assert excerpt and excerpt[:20] in text
    has_effective = bool(events(document, EventKind.EFFECTIVE))
    assert has_effective == (item == "58"), "only the 令 (58) states an effective date"
    assert [str(r.target.number) for r in refs] == (["国办发〔2016〕82号"] if item == "37" else [])


def test_govcn_37_repeals_its_predecessor_from_its_issue_date() -> None:
    _, refs = stages.lifecycle(stages.parse(read_html(corpus_path("govcn", "37.body.html"))))
    assert _refs(refs) == [
        (
            "国务院办公厅关于对真抓实干成效明显地方加大激励支持力度的通知",
            "国办发〔2016〕82号",
            "repealed",
            D(2018, 12, 6),
            (),
        )
    ]


def test_govcn_58_decree_version_and_history() -> None:
    document, _ = stages.lifecycle(stages.parse(read_html(corpus_path("govcn", "58.body.html"))))
    assert dates(document, EventKind.PROMULGATED) == [D(1991, 3, 4)]
    assert dates(document, EventKind.AMENDED) == [D(2018, 9, 6)]
    assert dates(document, EventKind.EFFECTIVE) == [D(2019, 3, 1)]
    text = document.text
    assert text is not None
    assert (text.adopted, text.effective, text.label) == (
        D(2018, 9, 6),
        D(2019, 3, 1),
        "2018年修订",
    )


def test_cleanup_outcome_enum_covers_the_issue_list() -> None:
    assert {o.value for o in CleanupOutcome} == {
        "continue",
        "amend",
        "repeal",
        "declare_invalid",
        "partially_invalid",
    }


# --- local regulations: each version's own start, and how it is known ------------------------

# file, the version's start, the note an inferred start carries (None: stated by the text)
LOCAL = [
    # 自公布之日起施行, and the 题注 gives the 公布 date.
    ("丽水市制定地方性法规条例(2016-04-15).md", D(2016, 4, 15), None),
    # 本条例自2023年5月1日起施行.
    ("东莞市文明行为促进条例(2023-02-23).md", D(2023, 5, 1), None),
    # 自公布之日起施行, no 公布 line: the provincial approval is the earliest it can apply.
    ("郑州市实施《工会法》办法(1994-07-06).md", D(1994, 6, 23), "公布日期未载明，按批准日期推定"),
    # No 施行 article in the text held: adopted by the special zone's own congress.
    ("汕头经济特区突发公共卫生事件应急条例(2022-05-30).md", D(2022, 5, 30), "施行日期未载明，按通过日期推定"),
    # A 修正 of a city's regulation, approved by the province: its 施行 article is the old text's.
    ("广州市流溪河流域保护条例(2021-06-15).md", D(2021, 5, 26), "公布日期未载明，按批准日期推定"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "start", "note"), LOCAL, ids=[c[0] for c in LOCAL])
def test_local_regulation_version_start(name: str, start: D, note: str | None) -> None:
    path = next(corpus_path("lawrefbook").rglob(name))
    document, refs = _read_file(path)
    text = document.text
    assert text is not None and text.effective == start
    assert text.adopted is not None and text.adopted <= start
    (event,) = [e for e in events(document, EventKind.EFFECTIVE) if e.date == start]
    assert (event.provenance.kind == ProvenanceKind.INFERRED) == (note is not None)
    if note is not None:
        assert event.note == note
    assert all(not ref.review for ref in refs)


def test_city_regulation_records_its_approval() -> None:
    path = next(corpus_path("lawrefbook").rglob("广州市流溪河流域保护条例(2021-06-15).md"))
    document, _ = _read_file(path)
    approved = dates(document, EventKind.APPROVED)
    amended = dates(document, EventKind.AMENDED)
    assert D(2014, 3, 27) in approved  # the original's approval
    # The city adopts each amending decision, the province approves it: one amendment each.
    assert amended == [D(2015, 12, 3), D(2021, 5, 26)]
