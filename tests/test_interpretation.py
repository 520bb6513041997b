"""Interpretation links: recognised on ingest (title, text, number), in either order, by hand,
removed for good; the normative rule and the sync check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import gazette
from gazette.interpretation import Entry, NormativeRule, sync_check
from gazette.model import InterpretationForm, InterpretationLink
from ingest import elements, ingest_paths
from ingest.interpretations import detect, interpretation_form
from ingest.raw import Line, RawDocument
from tests.archive_builders import govcn_document, ingest_text, official_text, submit
from tests.conftest import ARCHIVE_DATA, Cli

F = InterpretationForm
FIXTURES = Path(__file__).parent / "fixtures" / "interpretations"
POLICY_FILE = ARCHIVE_DATA / "documents" / "qcsb-2021-12.txt"
INTERPRETATION_FILE = ARCHIVE_DATA / "documents" / "qcsb-2021-12-jiedu.txt"


@pytest.mark.parametrize(
    ("title", "form"),
    [
        ("关于《青川市政务公开工作实施办法》的解读", F.TEXT),
        ("《青川市政务公开工作实施办法》政策解读", F.TEXT),
        ("解读《青川市政务公开工作实施办法》", F.TEXT),
        ("一图读懂《青川市政务公开工作实施办法》", F.GRAPHIC),
        ("图解：青川市政务公开工作实施办法", F.GRAPHIC),
        ("市司法局负责人就《青川市政务公开工作实施办法》答记者问", F.PRESS),
        ("《青川市政务公开工作实施办法》新闻发布会", F.PRESS),
        ("专家解读《青川市政务公开工作实施办法》", F.EXPERT),
        ("视频解读｜《青川市政务公开工作实施办法》", F.MEDIA),
        ("青川市人民政府办公室关于加强政策解读工作的通知", None),
        ("青川市人民政府办公室关于印发青川市政务公开工作实施办法的通知", None),
        ("国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见", None),
        ("青川市政务公开工作实施办法", None),
        (None, None),
    ],
    ids=lambda value: str(value),
)
def test_interpretation_form(title: str | None, form: InterpretationForm | None) -> None:
    assert interpretation_form(title) is form


def _parse(path: Path) -> gazette.Document:
    lines = [Line(t) for t in path.read_text("utf-8").splitlines() if t.strip()]
    return elements.parse(RawDocument(name=path.name, format="txt", lines=lines))


@pytest.mark.parametrize(
    ("path", "form", "method", "title", "number"),
    [
        pytest.param(
            INTERPRETATION_FILE,
            F.TEXT,
            "title",
            "青川市政务公开工作实施办法",
            None,
            id="sample-policy-interpretation",
        ),
        pytest.param(
            FIXTURES / "shuangsuiji-press.txt",
            F.PRESS,
            "title",
            "国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见",
            None,
            id="press-conference",
        ),
        pytest.param(
            FIXTURES / "wufei-graphic.txt",
            F.GRAPHIC,
            "title",
            "“无废城市”建设试点工作方案",
            None,
            id="graphic",
        ),
        pytest.param(
            FIXTURES / "yiyuan-number.txt",
            F.TEXT,
            "number",
            None,
            "国办发〔2019〕4号",
            id="number-in-the-text",
        ),
    ],
)
def test_detect(
    path: Path, form: InterpretationForm, method: str, title: str | None, number: str | None
) -> None:
    (cue,) = detect(_parse(path))
    assert cue.form == form and cue.method == method
    assert cue.target.title == title
    assert (str(cue.target.number) if cue.target.number else None) == number
    assert cue.evidence


def test_detect_a_policy_named_in_the_text_with_its_number() -> None:
    text = official_text(
        "政策解读：青川市政务公开工作",
        mark=False,
        issuer="青川市人民政府办公室",
        body=(
            "近日，市政府办公室印发《青川市政务公开工作实施办法》（青政办发〔2021〕12号）。",
            "现解读如下。",
        ),
    )
    (cue,) = detect(elements.parse(_lines(text)))
    assert cue.method == "text"
    assert cue.target.title == "青川市政务公开工作实施办法"
    assert str(cue.target.number) == "青政办发〔2021〕12号"


def _lines(text: str) -> RawDocument:
    return RawDocument(
        name="t", format="txt", lines=[Line(t) for t in text.splitlines() if t.strip()]
    )


def test_a_notice_about_interpretations_is_not_one() -> None:
    assert detect(_parse(FIXTURES / "notice-about-interpretation.txt")) == []


# --- ingest order does not matter ---------------------------------------------------------


def _links(archive: gazette.Archive) -> list[tuple[str, str, str, str, str | None]]:
    rows = archive.conn.execute(
        "SELECT p.title, i.title, l.form, l.method, l.evidence FROM interpretations l"
        " JOIN documents p ON p.id = l.policy_id JOIN documents i ON i.id = l.interpretation_id"
        " WHERE l.removed = 0 ORDER BY p.title, i.title"
    ).fetchall()
    return [tuple(r) for r in rows]


@pytest.mark.parametrize("order", ["policy-first", "interpretation-first"])
def test_sample_link_in_either_order(archive: gazette.Archive, order: str) -> None:
    files = [POLICY_FILE, INTERPRETATION_FILE]
    if order == "interpretation-first":
        files.reverse()
    for path in files:
        assert ingest_paths(archive, [path], jobs=1).ok
    assert _links(archive) == [
        (
            "青川市政务公开工作实施办法",
            "《青川市政务公开工作实施办法》政策解读",
            "text",
            "title",
            "《青川市政务公开工作实施办法》政策解读",
        )
    ]
    assert archive.counts()["pending_refs"] == 0
    policy = archive.public.get("青川市政务公开工作实施办法")
    assert policy.parent_id is not None  # the attachment of the 印发 notice is the policy
    (link,) = policy.interpretations
    assert archive.public.get(link.interpretation_id).issuers == ("青川市人民政府办公室",)


@pytest.mark.parametrize("order", ["policies-first", "interpretations-first"])
def test_govcn_policies_and_fixture_interpretations_in_either_order(
    archive: gazette.Archive, tmp_path: Path, order: str
) -> None:
    def policies() -> None:
        submit(archive, tmp_path, govcn_document("01"))
        submit(archive, tmp_path, govcn_document("04"))
        submit(archive, tmp_path, govcn_document("07"))

    def interpretations() -> None:
        names = ["shuangsuiji-press.txt", "wufei-graphic.txt", "yiyuan-number.txt"]
        report = ingest_paths(archive, [FIXTURES / n for n in names], jobs=1)
        assert report.ok

    steps = [policies, interpretations]
    if order == "interpretations-first":
        steps.reverse()
    for step in steps:
        step()
    links = {(policy, form, method) for policy, _, form, method, _ in _links(archive)}
    assert links == {
        ("国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见", "press", "title"),
        ("“无废城市”建设试点工作方案", "graphic", "title"),
        ("国务院办公厅关于加强三级公立医院绩效考核工作的意见", "text", "number"),
    }
    assert archive.counts()["pending_refs"] == 0


def test_pending_until_the_policy_arrives(archive: gazette.Archive) -> None:
    result = ingest_paths(archive, [INTERPRETATION_FILE], jobs=1)
    assert result.ok and archive.counts()["pending_refs"] == 1
    assert ingest_paths(archive, [POLICY_FILE], jobs=1).ok
    assert archive.counts()["pending_refs"] == 0


# --- by hand ------------------------------------------------------------------------------


@pytest.fixture
def linked(archive: gazette.Archive) -> gazette.Archive:
    assert ingest_paths(archive, [POLICY_FILE, INTERPRETATION_FILE], jobs=1).ok
    return archive


def test_removed_link_is_not_inferred_again(linked: gazette.Archive, tmp_path: Path) -> None:
    policy = "青川市政务公开工作实施办法"
    interp = "《青川市政务公开工作实施办法》政策解读"
    assert linked.unlink_interpretation(policy, interp, by="王五") is True
    assert _links(linked) == []
    # Another rendition of the same interpretation arrives (merged): still no link.
    text = INTERPRETATION_FILE.read_text("utf-8").replace("现就有关内容", "现就主要内容")
    ingest_text(linked, tmp_path, text)
    assert _links(linked) == []
    assert linked.unlink_interpretation(policy, interp) is False  # already removed
    linked.link_interpretation(policy, interp, form="expert", evidence="人工核对", by="王五")
    assert _links(linked) == [(policy, interp, "expert", "manual", "人工核对")]


@pytest.mark.parametrize("removed_first", [True, False], ids=["removed-first", "control"])
def test_removal_before_inference_blocks_it(
    archive: gazette.Archive, tmp_path: Path, removed_first: bool
) -> None:
    assert ingest_paths(archive, [POLICY_FILE], jobs=1).ok

    def rendition(body: str) -> str:
        return official_text(
            "政策解读：青川市政务公开工作",
            mark=False,
            issuer="青川市人民政府办公室",
            date="2021年3月16日",
            body=(body, "现解读如下。"),
        )

    # A first rendition names no policy: nothing is linked.
    interp = ingest_text(archive, tmp_path, rendition("市政府办公室近日印发了有关文件。"))
    assert _links(archive) == []
    if removed_first:
        assert archive.unlink_interpretation("青政办发〔2021〕12号", interp) is False
    # A second rendition of the same interpretation names the policy by title and number.
    again = ingest_text(
        archive,
        tmp_path,
        rendition("市政府办公室印发《青川市政务公开工作实施办法》（青政办发〔2021〕12号）。"),
    )
    assert again == interp  # merged into the same document
    linked = [(p, m) for p, _, _, m, _ in _links(archive)]
    expected = (
        []
        if removed_first
        else [("青川市人民政府办公室关于印发青川市政务公开工作实施办法的通知", "text")]
    )
    assert linked == expected


def test_link_by_hand_checks_its_ends(linked: gazette.Archive) -> None:
    with pytest.raises(gazette.InvalidArgument):
        linked.link_interpretation("青川市政务公开工作实施办法", "青川市政务公开工作实施办法")
    with pytest.raises(gazette.DocumentNotFound):
        linked.link_interpretation("青川市政务公开工作实施办法", "无此文件")


def test_cli_link_unlink_list(run: Cli) -> None:
    run("ingest", str(POLICY_FILE), str(INTERPRETATION_FILE))
    data = run.json("interpretation", "list", "青川市政务公开工作实施办法")
    assert data["view"] == "public"
    assert [(r["role"], r["method"]) for r in data["links"]] == [("interpretation", "title")]
    interp_id = data["links"][0]["id"]
    assert run.json("interpretation", "unlink", "青川市政务公开工作实施办法", interp_id) == {
        "removed": True
    }
    assert run.json("interpretation", "list", "青川市政务公开工作实施办法")["links"] == []
    made = run.json(
        "interpretation", "link", "青政办发〔2021〕12号", interp_id, "--form", "graphic"
    )
    assert made["method"] == "manual" and made["form"] == "graphic"


# --- the rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "issuers", "normative"),
    [
        ("青川市政务公开工作实施办法", ["青川市人民政府办公室"], True),
        ("国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见", ["国务院"], True),
        ("“无废城市”建设试点工作方案", ["国务院办公厅"], True),
        ("青川市城市道路占用管理暂行办法", ["青川市人民政府"], True),
        ("青川市测试管理办法（试行）", ["青川市人民政府"], True),
        ("青川市政务公开工作实施办法", ["青川市司法局"], False),  # not a government
        ("青川市人民政府关于印发青川市政务公开工作实施办法的通知", ["青川市人民政府"], False),
        ("青川市人民政府关于废止部分规范性文件的决定", ["青川市人民政府"], False),
        ("国务院关于同意建立国务院职业教育工作部际联席会议制度的批复", ["国务院"], False),
        ("2017年济南市政务公开工作要点", ["济南市人民政府办公厅"], False),
    ],
)
def test_normative_rule(title: str, issuers: list[str], normative: bool) -> None:
    assert NormativeRule().applies(title, issuers) is normative


def test_normative_rule_is_configurable() -> None:
    rule = NormativeRule(kinds=("要点",), issuer=r"办公厅")
    assert rule.applies("2017年济南市政务公开工作要点", ["济南市人民政府办公厅"])


def _entry(doc_id: str, title: str, day: dt.date, parent: str | None = None) -> Entry:
    return Entry(
        id=doc_id,
        title=title,
        doc_number=None,
        doc_type=None,
        issuers=("青川市人民政府",),
        parent_id=parent,
        written=day,
        published=None,
    )


@pytest.mark.parametrize(
    ("interp_day", "lag", "late", "working_days"),
    [
        pytest.param(dt.date(2021, 3, 15), 0, False, 0, id="same-day"),
        pytest.param(dt.date(2021, 3, 17), 0, True, 2, id="two-days-late"),
        pytest.param(dt.date(2021, 3, 17), 2, False, 2, id="two-days-allowed"),
        pytest.param(dt.date(2021, 3, 20), 4, False, 4, id="weekend-not-counted"),
        pytest.param(dt.date(2021, 3, 22), 4, True, 5, id="five-working-days"),
    ],
)
def test_sync_check_lag(interp_day: dt.date, lag: int, late: bool, working_days: int) -> None:
    entries = {
        "p": _entry("p", "青川市测试管理办法", dt.date(2021, 3, 15)),
        "i": _entry("i", "《青川市测试管理办法》解读", interp_day),
    }
    link = InterpretationLink("p", "i", F.TEXT, "title")
    check = sync_check(entries, [link], lag=lag)
    assert [c.lag for c in (*check.late, *check.in_time)] == [working_days]
    assert bool(check.late) is late
    assert check.missing == ()


def test_sync_check_counts_a_family_once() -> None:
    entries = {
        "c": _entry("c", "青川市人民政府关于印发青川市测试管理办法的通知", dt.date(2021, 3, 15)),
        "c.1": _entry("c.1", "青川市测试管理办法", dt.date(2021, 3, 15), parent="c"),
        "c.2": _entry("c.2", "青川市测试实施细则", dt.date(2021, 3, 15), parent="c"),
        "i": _entry("i", "关于青川市测试管理办法的通知的解读", dt.date(2021, 3, 15)),
    }
    # The interpretation names the carrier (by number): the whole family has one.
    check = sync_check(entries, [InterpretationLink("c", "i", F.TEXT, "number")])
    assert check.missing == ()
    check = sync_check(entries, [])
    assert [e.id for e in check.missing] == ["c.1", "c.2"]


def test_sync_check_since() -> None:
    entries = {"p": _entry("p", "青川市测试管理办法", dt.date(2015, 1, 5))}
    assert sync_check(entries, [], since=dt.date(2016, 1, 1)).missing == ()
    assert len(sync_check(entries, []).missing) == 1
