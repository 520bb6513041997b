"""The validity commands: status, show --on, timeline, event add/remove, the reports."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

import gazette
from gazette.archive.codec import event_from_payload
from gazette.model import EventKind
from tests.conftest import ARCHIVE_DATA, Cli, corpus_path
from tests.corpus_text import submission

D = dt.date


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """archive_data ingested once, for the tests that only read it."""
    run = Cli(tmp_path_factory.mktemp("sample") / "archive")
    run("ingest", "--recursive", str(ARCHIVE_DATA))
    return run


@pytest.fixture
def writable(run: Cli) -> Cli:
    """archive_data ingested for a test that changes the archive."""
    run("ingest", "--recursive", str(ARCHIVE_DATA))
    return run


@pytest.mark.parametrize(
    ("on", "status", "since", "event", "by_title"),
    [
        ("2020-06-01", "in_force", "2019-09-01", "effective", None),
        ("2019-08-15", "not_yet_in_force", "2019-08-01", "promulgated", None),
        (
            "2023-01-01",
            "repealed",
            "2022-03-01",
            "repealed",
            "青川市人民政府关于废止部分规范性文件的决定",
        ),
    ],
)
def test_status_json(
    sample: Cli, on: str, status: str, since: str, event: str, by_title: str | None
) -> None:
    data = sample.json("status", "青政发〔2019〕30号", "--on", on)
    assert {"id", "status", "label", "as_of", "since", "basis"} <= set(data)
    assert {"event", "by", "by_title", "source"} <= set(data["basis"])
    assert (data["status"], data["since"], data["as_of"]) == (status, since, on)
    assert data["basis"]["event"] == event
    assert data["basis"]["by_title"] == by_title
    assert data["basis"]["source"].startswith("parsed from ")
    if status == "repealed":
        assert data["basis"]["by"] == sample.json("show", "青政发〔2022〕5号")["id"]


def test_status_today_is_repealed(sample: Cli) -> None:
    data = sample.json("status", "青政发〔2019〕30号")
    assert data["status"] == "repealed"
    assert data["as_of"] == dt.date.today().isoformat()
    text = sample("status", "青政发〔2019〕30号").stdout
    assert "依据：《青川市人民政府关于废止部分规范性文件的决定》（青政发〔2022〕5号）" in text


def test_show_marks_a_repealed_document(sample: Cli) -> None:
    text = sample("show", "青政发〔2019〕30号").stdout
    assert (
        "【已废止（依据：《青川市人民政府关于废止部分规范性文件的决定》（青政发〔2022〕5号），自2022年3月1日起）】"
        in text
    )
    exported = sample("export", "青政发〔2019〕30号", "--format", "txt").stdout
    assert exported.startswith("【已废止（依据：")
    data = sample.json("show", "青政发〔2019〕30号")
    assert data["status"]["mark"].startswith("已废止（依据：")
    assert data["effective_date"] == "2019-09-01"


def test_show_on_a_date_before_the_repeal(sample: Cli) -> None:
    data = sample.json("show", "青政发〔2019〕30号", "--on", "2020-06-01", "--text")
    assert data["status"]["value"] == "in_force"
    assert data["status"]["mark"] is None
    assert "申请" in data["text"]


@pytest.fixture(scope="module")
def laws(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """The 公司法 pair (read-only for the tests that use it)."""
    run = Cli(tmp_path_factory.mktemp("laws") / "archive")
    archive = gazette.open_archive(run.archive_dir, actor="test")
    for name in ("公司法(2018-10-26).md", "公司法(2023-12-29).md"):
        archive.add(submission(corpus_path("laws", name)))
    archive.close()
    return run


@pytest.mark.parametrize(
    ("on", "date", "label", "phrase"),
    [
        (
            "2024-03-01",
            "2018-10-26",
            "2018年修正",
            "为了规范公司的组织和行为，保护公司、股东和债权人",
        ),
        ("2024-08-01", "2024-07-01", "2023年修订", "保护公司、股东、职工和债权人的合法权益"),
    ],
)
def test_show_on_gives_the_text_in_force_then(
    laws: Cli, on: str, date: str, label: str, phrase: str
) -> None:
    data = laws.json("show", "中华人民共和国公司法", "--on", on, "--text", "--view", "internal")
    assert data["status"]["value"] == "in_force"
    assert data["version"]["date"] == date
    assert data["version"]["label"] == label
    assert phrase in data["text"]
    text = laws("show", "中华人民共和国公司法", "--on", on, "--view", "internal").stdout
    assert f"文本版本：{label}" in text


def test_show_on_before_the_earliest_version_says_the_text_is_not_held(laws: Cli) -> None:
    data = laws.json(
        "show", "中华人民共和国公司法", "--on", "2010-01-01", "--text", "--view", "internal"
    )
    assert data["status"]["value"] == "in_force"
    assert data["version"] is None
    assert "not held" in data["version_note"]
    assert "text" not in data
    status = laws.json("status", "中华人民共和国公司法", "--on", "2010-01-01", "--view", "internal")
    assert status["version"] is None and "not held" in status["version_note"]


def test_timeline(sample: Cli) -> None:
    data = sample.json("timeline", "青政发〔2019〕30号")
    events = [(e["date"], e["what"]) for e in data["entries"] if e["what"] != "version"]
    assert events == [
        ("2019-08-01", "promulgated"),
        ("2019-09-01", "effective"),
        ("2022-03-01", "repealed"),
    ]
    assert [(i["status"], i["start"], i["end"]) for i in data["intervals"]] == [
        ("unknown", None, "2019-08-01"),
        ("not_yet_in_force", "2019-08-01", "2019-09-01"),
        ("in_force", "2019-09-01", "2022-03-01"),
        ("repealed", "2022-03-01", None),
    ]
    text = sample("timeline", "青政发〔2019〕30号").stdout
    assert "2022-03-01" in text and "已废止" in text


def test_timeline_of_a_law_lists_versions(laws: Cli) -> None:
    data = laws.json("timeline", "中华人民共和国公司法", "--view", "internal")
    versions = [e["version"]["label"] for e in data["entries"] if e["what"] == "version"]
    assert versions == ["2018年修正", "2023年修订"]


def test_event_add_and_remove(writable: Cli) -> None:
    sample = writable
    added = sample.json(
        "event",
        "add",
        "青政办发〔2021〕12号",
        "--kind",
        "repealed",
        "--date",
        "2025-01-01",
        "--by",
        "《青川市人民政府关于废止部分规范性文件的决定》（青政发〔2022〕5号）",
        "--who",
        "档案员张三",
    )
    event = added["event"]
    assert event["provenance"]["kind"] == "manual"
    assert event["provenance"]["by"] == "档案员张三"
    assert event["provenance"]["at"] is not None
    assert event["acting"]["id"] == sample.json("show", "青政发〔2022〕5号")["id"]
    assert added["status"]["value"] == "repealed"
    # The attachment issued under the number is repealed with the notice.
    part = sample.json("status", "青川市政务公开工作实施办法", "--on", "2025-06-01")
    assert part["status"] == "repealed"

    def logged(action: str) -> list[tuple[str, dict[str, Any]]]:
        archive = gazette.open_archive(sample.archive_dir)
        try:
            rows = archive.conn.execute(
                "SELECT outcome, detail FROM log WHERE action = ?", (action,)
            ).fetchall()
        finally:
            archive.close()
        return [(outcome, json.loads(detail)) for outcome, detail in rows]

    [(outcome, detail)] = logged("event_add")
    assert outcome == "recorded" and detail["event_ids"][0] == event["id"]
    # The log keeps the event in the shape the archive stores events in: it reads back whole.
    recorded = event_from_payload(detail["event"])
    assert recorded.kind == EventKind.REPEALED and recorded.date == dt.date(2025, 1, 1)
    assert recorded.provenance.by == "档案员张三" and recorded.acting is not None
    assert recorded.acting.resolved_id == event["acting"]["id"]

    removed = sample.json("event", "remove", str(event["id"]), "--reason", "entered in error")
    assert removed["removed"]["id"] == event["id"]
    [(_, detail)] = logged("remove_event")
    assert event_from_payload(detail["event"]) == recorded
    assert detail["reason"] == "entered in error"
    status = sample.json("status", "青政办发〔2021〕12号", "--on", "2025-06-01")
    assert status["status"] == "partially_invalid"
    # the copy on the attachment goes with it
    part = sample.json("status", "青川市政务公开工作实施办法", "--on", "2025-06-01")
    assert part["status"] == "partially_invalid"
    bad = sample("event", "remove", "99999", "--reason", "x", expect=1)
    assert "没有编号为99999的事件" in bad.stderr


@pytest.mark.parametrize("by", ["id", "青政发〔2022〕5号"])
def test_event_add_by_archive_id_or_number(writable: Cli, by: str) -> None:
    acting_id = writable.json("show", "青政发〔2022〕5号")["id"]
    added = writable.json(
        "event",
        "add",
        "青政办发〔2021〕12号",
        "--kind",
        "repealed",
        "--date",
        "2025-01-01",
        "--by",
        acting_id if by == "id" else by,
    )
    assert added["event"]["acting"]["id"] == acting_id
    assert added["event"]["acting"]["doc_number"] == "青政发〔2022〕5号"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "repealed"], "--undated"),
        (
            ["--kind", "repealed", "--date", "2025-01-01", "--outcome", "废止"],
            "--outcome goes with",
        ),
        (
            ["--kind", "cleanup_outcome", "--date", "2025-01-01", "--outcome", "待定"],
            "not a cleanup outcome",
        ),
    ],
)
def test_event_add_usage_errors(sample: Cli, args: list[str], message: str) -> None:
    result = sample("event", "add", "青政办发〔2021〕12号", *args, expect=2)
    assert message in result.output


def test_undated_manual_repeal(writable: Cli) -> None:
    sample = writable
    sample("event", "add", "青政发〔2022〕5号", "--kind", "repealed", "--undated")
    data = sample.json("status", "青政发〔2022〕5号")
    assert data["status"] == "repealed"
    assert data["since"] is None
    assert "not recorded" in data["basis"]["note"]


def test_report_expiring(sample: Cli) -> None:
    data = sample.json("report", "expiring", "--within", "180d", "--on", "2025-11-01")
    assert [
        (d["doc_number"], d["valid_until"], d["evaluation_due"]) for d in data["documents"]
    ] == [
        ("青政办发〔2023〕7号", "2025-12-31", "2025-06-30"),
        ("青政办发〔2021〕12号", "2026-03-31", "2025-09-30"),
    ]
    assert data["documents"][0]["days_left"] == 60
    later = sample.json("report", "expiring", "--within", "30d", "--on", "2026-03-15")
    assert [d["doc_number"] for d in later["documents"]] == ["青政办发〔2021〕12号"]
    none = sample.json("report", "expiring", "--within", "1y", "--on", "2027-01-01")
    assert none["documents"] == []


# The gazette issue in archive_data adds two items that state no effective date (a notice on
# the gazette's publication and a personnel item): unknown on every date.
@pytest.mark.parametrize(
    ("on", "counts"),
    [
        # The DOCX notice (青政办发〔2023〕8号, in force from 2023-05-01 for 5 years) and the
        # portal page's 意见 (青政发〔2022〕9号, no effective date: unknown) are public too, and
        # the interpretation of the 实施办法 (qcsb-2021-12-jiedu.txt) states no effective date;
        # so do the gazette issue's notice on the gazette (青政发〔2021〕8号) and its personnel
        # item.
        # The decree (青川市人民政府令第3号) is a promulgated rule, public by that fact: unknown
        # until its effective date, then in force.
        ("2019-08-15", {"not_yet_in_force": 1, "unknown": 10}),
        ("2021-06-01", {"in_force": 2, "unknown": 9}),
        ("2024-06-01", {"in_force": 5, "partially_invalid": 1, "repealed": 1, "unknown": 4}),
        ("2026-06-01", {"in_force": 4, "expired": 2, "repealed": 1, "unknown": 4}),
    ],
)
def test_report_status_counts(sample: Cli, on: str, counts: dict[str, int]) -> None:
    data = sample.json("report", "status", "--on", on)
    assert {k: v for k, v in data["counts"].items() if v} == counts
    # Not counted in the public view: the withheld document.
    assert data["total"] == 11
    internal = sample.json("report", "status", "--on", on, "--view", "internal")
    assert internal["total"] == 12


@pytest.mark.parametrize(
    "command",
    [
        ["timeline"],
        ["event", "add"],
        ["event", "remove"],
        ["cleanup", "import"],
        ["settings"],
        ["settings", "set"],
        ["report", "expiring"],
        ["report", "status"],
        ["report", "unresolved"],
    ],
)
def test_every_lifecycle_command_has_help(run: Cli, command: list[str]) -> None:
    assert "Usage:" in run(*command, "--help").stdout
