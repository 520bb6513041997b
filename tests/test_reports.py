"""The reports: interpretations, disclosure (with the review queue), timeliness, completeness —
each through a view, on the sample corpus, the real gov.cn documents and stored gazette
publications."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import gazette
from gazette import reports
from gazette.model import (
    Block,
    Document,
    GazetteIssue,
    IssueItem,
    IssueNumber,
    Publication,
    TextVersion,
)
from gazette.workdays import WorkdayCalendar
from ingest import ingest_paths
from tests.archive_builders import govcn_document, ingest_text, official_text, submit
from tests.conftest import ARCHIVE_DATA, Cli, corpus_path

D = dt.date


@pytest.fixture
def sample(archive: gazette.Archive) -> gazette.Archive:
    # The plain-text sample documents: a fixed set, so the expected reports below do not move
    # when documents in other formats are added to archive_data.
    texts = sorted((ARCHIVE_DATA / "documents").glob("*.txt"))
    assert ingest_paths(archive, texts, jobs=1).ok
    return archive


# --- interpretations ----------------------------------------------------------------------


def test_interpretations_on_the_sample(sample: gazette.Archive) -> None:
    report = reports.interpretations(sample.public)
    data = report.as_json()
    assert data["view"] == "public" and data["links"] == 1
    assert {e["title"] for e in data["missing"]} == {
        "青川市政府信息依申请公开办理规定",
        "青川市政务新媒体管理暂行办法",
    }
    (late,) = data["late"]
    assert late["policy"]["title"] == "青川市政务公开工作实施办法"
    assert late["interpretation"]["title"] == "《青川市政务公开工作实施办法》政策解读"
    assert late["lag_working_days"] == 2 and late["method"] == "title"
    relaxed = reports.interpretations(sample.public, lag=2).as_json()
    assert relaxed["late"] == [] and len(relaxed["in_time"]) == 1


def test_interpretations_since(sample: gazette.Archive) -> None:
    data = reports.interpretations(sample.public, since=D(2020, 1, 1)).as_json()
    assert [e["title"] for e in data["missing"]] == ["青川市政务新媒体管理暂行办法"]
    assert reports.interpretations(sample.public, since=D(2024, 1, 1)).check.missing == ()


def test_hidden_interpretation_is_missing_in_public_only(sample: gazette.Archive) -> None:
    interp = sample.internal.get("《青川市政务公开工作实施办法》政策解读")
    sample.set_disclosure(interp.id or "", "withheld", reason="待审签")
    public = reports.interpretations(sample.public).as_json()
    internal = reports.interpretations(sample.internal).as_json()
    assert "青川市政务公开工作实施办法" in [e["title"] for e in public["missing"]]
    assert interp.id not in json.dumps(public)
    assert internal["late"][0]["interpretation"]["id"] == interp.id


# --- disclosure ---------------------------------------------------------------------------


def test_disclosure_counts_by_view(sample: gazette.Archive, seed_path: Path) -> None:
    assert ingest_paths(sample, [seed_path], jobs=1).ok  # no 附注: no attribute
    public = reports.disclosure(sample.public, as_of=D(2024, 1, 1)).as_json()
    internal = reports.disclosure(sample.internal, as_of=D(2024, 1, 1)).as_json()
    assert public["view"] == "public" and public["counts"] == {"proactive": 6}
    assert public["no_attribute"] == []
    assert internal["counts"] == {"proactive": 6, "unknown": 1, "withheld": 1}
    assert internal["attachment_counts"] == {"proactive": 3, "unknown": 1}
    unknown = {e["title"] for e in internal["no_attribute"]}
    assert unknown == {
        "济南市人民政府办公厅关于印发2017年济南市政务公开工作要点的通知",
        "2017年济南市政务公开工作要点",
    }


@pytest.mark.parametrize(
    ("as_of", "review_days", "due"),
    [
        pytest.param(D(2024, 5, 4), 365, False, id="a-day-before"),
        pytest.param(D(2024, 5, 5), 365, True, id="a-year-after-writing"),
        pytest.param(D(2023, 6, 6), 31, True, id="shorter-period"),
    ],
)
def test_review_queue_of_a_withheld_document(
    sample: gazette.Archive, as_of: dt.date, review_days: int, due: bool
) -> None:
    # 青政办函〔2023〕41号, written 2023-05-06, withheld by its 附注.
    report = reports.disclosure(sample.internal, as_of=as_of, review_days=review_days)
    queued = [i.entry.doc_number for i in report.review_due]
    assert queued == (["青政办函〔2023〕41号"] if due else [])


def test_review_date_set_with_the_decision(sample: gazette.Archive) -> None:
    sample.set_disclosure(
        "青政办函〔2023〕41号",
        "withheld",
        reason="人事调整过程信息",
        grounds=["内部事务信息"],
        decided_on=D(2024, 5, 1),
        review_due=D(2024, 12, 31),
    )
    assert reports.disclosure(sample.internal, as_of=D(2024, 12, 30)).review_due == ()
    (item,) = reports.disclosure(sample.internal, as_of=D(2024, 12, 31)).review_due
    assert item.decided == D(2024, 5, 1) and item.reason == "人事调整过程信息"


def test_on_request_documents_asked_for_often(sample: gazette.Archive) -> None:
    ref = "青政发〔2019〕30号"
    sample.set_disclosure(ref, "on_request", reason="涉及第三方")
    for day in (D(2023, 1, 5), D(2023, 6, 1), D(2024, 2, 1)):
        sample.record_request(ref, on=day)
    report = reports.disclosure(sample.internal, as_of=D(2024, 3, 1), threshold=3)
    (item,) = report.requested
    assert item.requests == 3 and item.last == D(2024, 2, 1)
    assert reports.disclosure(sample.internal, as_of=D(2024, 3, 1), threshold=4).requested == ()
    windowed = reports.disclosure(
        sample.internal, as_of=D(2024, 3, 1), threshold=2, request_window_days=365
    )
    assert [i.requests for i in windowed.requested] == [2]
    assert reports.disclosure(sample.public, as_of=D(2024, 3, 1), threshold=1).requested == ()


# --- timeliness ---------------------------------------------------------------------------

GOVCN_TIMELY = ["01", "07", "13", "16", "34", "37", "40", "55", "58"]


@pytest.fixture
def govcn(archive: gazette.Archive, tmp_path: Path) -> gazette.Archive:
    for number in GOVCN_TIMELY:
        submit(archive, tmp_path, govcn_document(number))
    return archive


def test_timeliness_on_real_gov_cn_dates(govcn: gazette.Archive) -> None:
    report = reports.timeliness(govcn.public)
    late = {item.entry.doc_number: item for item in report.late}
    # 国发〔1981〕88号 went on the portal in 2018; everything else within 20 working days.
    assert set(late) == {"国发〔1981〕88号"}
    assert report.on_time == len(GOVCN_TIMELY) - 1
    # Counting from 1981 crosses years the calendar does not know: said, not hidden.
    assert any(w.startswith("1981–2003:") for w in report.warnings)
    assert late["国发〔1981〕88号"].deadline.unknown_years == (1981,)


@pytest.mark.parametrize(
    ("number", "lag"),
    [
        # written 2018-12-05, published 2019-01-03: Sat 29 Dec worked, 31 Dec and 1 Jan off.
        pytest.param("13", 20, id="exactly-on-the-deadline"),
        # written 2019-01-27 (a Sunday), published 2019-02-15 across the Spring Festival.
        pytest.param("01", 12, id="across-spring-festival"),
        pytest.param("58", 9, id="decree"),
    ],
)
def test_timeliness_lag_in_working_days(govcn: gazette.Archive, number: str, lag: int) -> None:
    truth = json.loads(corpus_path("govcn", f"{number}.truth.json").read_text("utf-8"))
    doc = govcn.public.get(truth["发文字号"])
    assert doc.written_date is not None and doc.published_date is not None
    count = WorkdayCalendar().count(doc.written_date, doc.published_date)
    assert count.days == lag and count.exact


def test_timeliness_stricter_deadline(govcn: gazette.Archive) -> None:
    report = reports.timeliness(govcn.public, portal_days=10)
    late = {item.entry.doc_number for item in report.late}
    assert {"国发〔2019〕5号", "国办发〔2018〕118号", "国发〔1981〕88号"} <= late
    assert "国令第706号" not in late  # 9 working days


def _printed(archive: gazette.Archive, tmp_path: Path, title: str, issue_date: dt.date) -> str:
    doc = Document(
        title=title,
        issuers=("青川市人民政府",),
        written_date=D(2021, 3, 1),
        texts=(TextVersion(blocks=(Block(title), Block("第一条 为了测试，制定本办法。"))),),
    )
    issue = GazetteIssue(
        gazette="青川市人民政府公报",
        number=IssueNumber(2021, issue_date.month),
        date=issue_date,
        items=(IssueItem(1, title, pages=(3, 5)),),
    )
    return submit(archive, tmp_path, doc, issue=issue).ids[0]


def test_timeliness_of_gazette_printing(archive: gazette.Archive, tmp_path: Path) -> None:
    on_time = _printed(archive, tmp_path, "青川市测试甲管理办法", D(2021, 3, 29))  # 20 wd
    late = _printed(archive, tmp_path, "青川市测试乙管理办法", D(2021, 3, 30))  # 21 wd
    report = reports.timeliness(archive.public)
    assert [i.entry.id for i in report.late] == [late]
    (item,) = report.late
    assert item.channel == "gazette" and item.lag == 21 and item.deadline.due == D(2021, 3, 29)
    assert "青川市人民政府公报 2021年第3期" in (item.where or "")
    assert report.on_time == 1
    assert on_time not in json.dumps(reports.timeliness(archive.public, gazette_days=25).as_json())


def test_timeliness_without_a_written_date(archive: gazette.Archive, tmp_path: Path) -> None:
    doc = Document(
        title="青川市测试通知",
        texts=(TextVersion(blocks=(Block("内容。"),)),),
        publications=(Publication(channel="portal", date=D(2021, 5, 6)),),
    )
    submit(archive, tmp_path, doc)
    report = reports.timeliness(archive.public)
    assert [e.title for e in report.undated] == ["青川市测试通知"]


# --- completeness -------------------------------------------------------------------------


def test_completeness_with_gazette_publications(sample: gazette.Archive, tmp_path: Path) -> None:
    before = reports.completeness(sample.public)
    assert {e.title for e in before.missing} == {
        "青川市政府信息依申请公开办理规定",
        "青川市政务公开工作实施办法",
        "青川市政务新媒体管理暂行办法",
    }
    assert before.printed == 0
    # The 印发 notice of the 实施办法 is printed in the gazette: its family is covered.
    carrier = sample.internal.get("青政办发〔2021〕12号")
    issue = GazetteIssue(
        gazette="青川市人民政府公报",
        number=IssueNumber(2021, 4),
        date=D(2021, 4, 10),
        items=(IssueItem(1, carrier.title or "", doc_number="青政办发〔2021〕12号"),),
    )
    rendition = Document(
        title=carrier.title,
        doc_number="青政办发〔2021〕12号",
        texts=(TextVersion(blocks=(Block(carrier.title or ""),), standard=True),),
    )
    result = submit(sample, tmp_path, rendition, issue=issue)
    assert result.merged == (carrier.id,)
    after = reports.completeness(sample.public)
    assert [e.title for e in after.missing] == [
        "青川市政府信息依申请公开办理规定",
        "青川市政务新媒体管理暂行办法",
    ]
    assert after.printed == 1 and after.normative == 3
    data = after.as_json()
    assert data["view"] == "public" and data["documents_in_gazettes"] == 1


def test_completeness_of_real_policies(archive: gazette.Archive, tmp_path: Path) -> None:
    for number in ("01", "04", "07", "13", "34", "37", "55"):
        submit(archive, tmp_path, govcn_document(number))
    titles = [e.title for e in reports.completeness(archive.public).missing]
    # Oldest publication first; the 方案 is the attachment of its 印发 notice (07).
    assert titles == [
        "国务院办公厅关于加快发展体育竞赛表演产业的指导意见",
        "国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见",
        "“无废城市”建设试点工作方案",
        "国务院办公厅关于加强三级公立医院绩效考核工作的意见",
        "国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见",
    ]


def test_reports_in_the_public_view_leave_hidden_documents_out(
    archive: gazette.Archive, tmp_path: Path
) -> None:
    hidden = ingest_text(
        archive,
        tmp_path,
        official_text("青川市人民政府关于测试保密事项的意见", note="（此件不予公开）"),
    )
    for name, make in (
        ("interpretations", reports.interpretations),
        ("disclosure", reports.disclosure),
        ("timeliness", reports.timeliness),
        ("completeness", reports.completeness),
    ):
        public = json.dumps(make(archive.public).as_json(), ensure_ascii=False)  # type: ignore[operator]
        internal = json.dumps(make(archive.internal).as_json(), ensure_ascii=False)  # type: ignore[operator]
        assert hidden not in public and "保密事项" not in public, name
        if name in ("interpretations", "completeness", "disclosure"):
            assert hidden in internal, name


# --- the command line ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["interpretations", "disclosure", "timeliness", "completeness"])
def test_cli_reports_say_their_view(run: Cli, name: str) -> None:
    run("ingest", "--recursive", str(ARCHIVE_DATA))
    assert run.json("report", name)["view"] == "public"
    assert run.json("report", name, "--view", "internal")["view"] == "internal"
    text = run("report", name).stdout
    assert text.startswith("公开视图；")


def test_cli_report_text_output(run: Cli) -> None:
    # The sample documents without the gazette issue: printed in the gazette on 2021-03-31,
    # the 实施办法 would come out after its interpretation and no longer be late.
    run("ingest", "--recursive", str(ARCHIVE_DATA / "documents"))
    text = run("report", "interpretations").stdout
    assert "青川市政府信息依申请公开办理规定" in text
    assert "晚2个工作日" in text
    internal = run("report", "disclosure", "--view", "internal", "--as-of", "2025-01-01").stdout
    assert "青政办函〔2023〕41号" in internal
    public = run("report", "disclosure", "--as-of", "2025-01-01").stdout
    assert "青政办函〔2023〕41号" not in public
    data = run.json("report", "interpretations", "--lag", "2")
    assert data["late"] == [] and data["allowed_lag_working_days"] == 2


def test_archive_settings_configure_the_reports(sample: gazette.Archive) -> None:
    sample.set_setting("interpretation.lag_days", 2)
    assert reports.interpretations(sample.public).check.late == ()
    assert len(reports.interpretations(sample.public, lag=0).check.late) == 1  # given wins
    sample.set_setting("disclosure.review_days", 30)
    (item,) = reports.disclosure(sample.internal, as_of=D(2023, 6, 6)).review_due
    assert item.due == D(2023, 6, 5)
    sample.set_setting("timeliness.portal_days", 5)
    assert reports.timeliness(sample.public).as_json()["allowed_working_days"]["portal"] == 5


def test_cli_settings_reach_the_reports(run: Cli) -> None:
    run("ingest", "--recursive", str(ARCHIVE_DATA))
    run("settings", "set", "interpretation.lag_days", "2")
    data = run.json("report", "interpretations")
    assert data["allowed_lag_working_days"] == 2 and data["late"] == []
