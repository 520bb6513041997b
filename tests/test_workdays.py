"""Working days: the State Council schedule, make-up days, unknown years, deadlines, clauses."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gazette.errors import InvalidArgument
from gazette.workdays import (
    Deadline,
    Rule,
    WorkdayCalendar,
    clause_deadline,
    find_deadline_clauses,
    official_years,
)
from tests.conftest import Cli, corpus_path

D = dt.date
CAL = WorkdayCalendar()


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        pytest.param(D(2019, 2, 2), True, id="2019-02-02-saturday-make-up-day"),
        pytest.param(D(2019, 2, 4), False, id="2019-02-04-monday-spring-festival"),
        pytest.param(D(2017, 9, 30), True, id="2017-09-30-saturday-make-up-day"),
        pytest.param(D(2017, 10, 2), False, id="2017-10-02-monday-national-day"),
        pytest.param(D(2021, 3, 15), True, id="plain-monday"),
        pytest.param(D(2021, 3, 13), False, id="plain-saturday"),
    ],
)
def test_state_council_schedule(day: dt.date, workday: bool) -> None:
    assert CAL.is_workday(day) is workday


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # The seed: written 2017-06-28, "在本工作要点公布后30个工作日内…公开".
        pytest.param(D(2017, 6, 28), 30, D(2017, 8, 9), id="seed-30-working-days"),
        # Friday 29 Sep, make-up Saturday 30 Sep, then 1-8 Oct off.
        pytest.param(D(2017, 9, 28), 5, D(2017, 10, 11), id="across-national-day-with-make-up"),
        pytest.param(D(2019, 1, 27), 20, D(2019, 2, 27), id="across-spring-festival-2019"),
        pytest.param(D(2021, 3, 12), 1, D(2021, 3, 15), id="friday-plus-one-is-monday"),
        pytest.param(D(2021, 3, 13), 0, D(2021, 3, 13), id="zero-is-the-day-itself"),
    ],
)
def test_add(start: dt.date, days: int, due: dt.date) -> None:
    result = CAL.add(start, days)
    assert result.end == due
    assert result.exact and result.warnings == ()


def test_count_govcn_document_written_to_published() -> None:
    # 国发〔2019〕5号: written 2019-01-27 (a Sunday), published 2019-02-15; Spring Festival
    # 4-10 Feb off, 2-3 Feb worked.
    assert CAL.count(D(2019, 1, 27), D(2019, 2, 15)).days == 12


def test_count_backwards_is_negative() -> None:
    assert CAL.count(D(2019, 2, 15), D(2019, 1, 27)).days == -12


def test_official_years_cover_2004_to_2026() -> None:
    span = official_years()
    assert span is not None and span[0] == 2004 and span[1] >= 2026


@pytest.mark.parametrize(
    ("start", "days", "unknown"),
    [
        pytest.param(D(2026, 12, 20), 20, (2027,), id="into-2027"),
        pytest.param(D(2003, 12, 20), 20, (2003,), id="from-2003"),
        pytest.param(D(2030, 5, 1), 3, (2030,), id="within-2030"),
    ],
)
def test_unknown_year_is_never_silent(start: dt.date, days: int, unknown: tuple[int, ...]) -> None:
    result = CAL.add(start, days)
    assert result.unknown_years == unknown
    assert not result.exact
    assert len(result.warnings) == 1
    assert str(unknown[0]) in result.warnings[0]
    assert "not known" in result.warnings[0]


def test_unknown_year_falls_back_to_weekdays_and_supplied_holidays() -> None:
    # 2027-01-01 is a Friday: without a supplied holiday it counts as a working day.
    assert CAL.add(D(2026, 12, 31), 1).end == D(2027, 1, 1)
    supplied = WorkdayCalendar(holidays=[D(2027, 1, 1)])
    result = supplied.add(D(2026, 12, 31), 1)
    assert result.end == D(2027, 1, 4)
    assert "1 supplied holiday" in result.warnings[0]


def test_supplied_make_up_day_counts_in_an_unknown_year() -> None:
    calendar = WorkdayCalendar(workdays=[D(2027, 1, 2)])  # a Saturday worked
    assert calendar.add(D(2027, 1, 1), 1).end == D(2027, 1, 2)


def test_many_unknown_years_give_one_warning_with_ranges() -> None:
    result = CAL.count(D(1981, 5, 23), D(2018, 12, 4))
    assert result.unknown_years == tuple(range(1981, 2004))
    assert result.warnings and result.warnings[0].startswith("1981–2003:")


def test_holiday_file(tmp_path: Path) -> None:
    path = tmp_path / "holidays.txt"
    path.write_text(
        "# 2027 as announced\n2027-01-01\n2027-02-06 workday\n2027-02-10 holiday  # 春节\n",
        encoding="utf-8",
    )
    calendar = WorkdayCalendar.from_file(path)
    assert calendar.holidays == {D(2027, 1, 1), D(2027, 2, 10)}
    assert calendar.workdays == {D(2027, 2, 6)}


def test_holiday_file_bad_line_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "holidays.txt"
    path.write_text("2027-01-01\nnot a date\n", encoding="utf-8")
    with pytest.raises(InvalidArgument, match=r"holidays.txt 第2行"):
        WorkdayCalendar.from_file(path)


@pytest.mark.parametrize("days", [-1, 10_001])
def test_add_rejects_absurd_counts(days: int) -> None:
    with pytest.raises(InvalidArgument):
        CAL.add(D(2020, 1, 1), days)


@pytest.mark.parametrize(
    ("rule", "start", "due"),
    [
        pytest.param(Rule.PROACTIVE, D(2019, 1, 27), D(2019, 2, 27), id="art26-proactive-20"),
        # 2021: 1-7 Oct off, Sunday 26 Sep and Saturday 9 Oct worked.
        pytest.param(Rule.REPLY, D(2021, 9, 27), D(2021, 10, 29), id="art33-reply-20"),
        pytest.param(Rule.REPLY_EXTENDED, D(2021, 9, 27), D(2021, 11, 26), id="art33-extended-40"),
        pytest.param(Rule.COMPLETION, D(2021, 9, 27), D(2021, 10, 12), id="art30-completion-7"),
    ],
)
def test_statutory_deadlines(rule: Rule, start: dt.date, due: dt.date) -> None:
    deadline = Deadline.statutory(CAL, rule, start)
    assert deadline.due == due
    assert deadline.days == rule.days
    assert deadline.basis is not None and rule.article in deadline.basis


@settings(max_examples=150, deadline=None)
@given(
    start=st.dates(min_value=D(2004, 1, 1), max_value=D(2026, 6, 30)),
    days=st.integers(min_value=1, max_value=120),
)
def test_add_and_count_agree(start: dt.date, days: int) -> None:
    due = CAL.add(start, days).end
    assert CAL.is_workday(due)
    assert CAL.count(start, due).days == days
    assert CAL.count(start, due - dt.timedelta(days=1)).days == days - 1


# --- clauses in text ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "anchor", "days", "working", "event"),
    [
        pytest.param(
            "并在本工作要点公布后 30 个工作日内在本地区、本部门政府网站公开。",
            "本工作要点公布",
            30,
            True,
            "published",
            id="seed-instruction",
        ),
        pytest.param(
            "应当自收到申请之日起20个工作日内予以答复；",
            "收到申请",
            20,
            True,
            None,
            id="from-an-outside-event",
        ),
        pytest.param(
            "各部门应当自本办法施行之日起三十个工作日内完成清理。",
            "本办法施行",
            30,
            True,
            "effective",
            id="chinese-numerals-from-entry-into-force",
        ),
        pytest.param(
            "自本通知印发之日起15日内报送。",
            "本通知印发",
            15,
            False,
            "published",
            id="calendar-days",
        ),
    ],
)
def test_find_deadline_clauses(
    text: str, anchor: str, days: int, working: bool, event: str | None
) -> None:
    (clause,) = find_deadline_clauses(text)
    assert (clause.anchor, clause.days, clause.working, clause.event) == (
        anchor,
        days,
        working,
        event,
    )


def test_seed_instruction_gives_a_working_day_deadline() -> None:
    text = corpus_path("seed", "jinan-2017-27.txt").read_text(encoding="utf-8")
    clauses = [c for c in find_deadline_clauses(text) if c.event == "published"]
    assert len(clauses) == 1
    clause = clauses[0]
    assert clause.days == 30 and clause.working
    assert "政府网站公开" in clause.sentence
    deadline = clause_deadline(clause, CAL, D(2017, 6, 28))
    assert deadline.due == D(2017, 8, 9)


def test_calendar_day_clause_counts_calendar_days() -> None:
    (clause,) = find_deadline_clauses("自本通知印发之日起15日内报送。")
    assert clause_deadline(clause, CAL, D(2021, 9, 27)).due == D(2021, 10, 12)


# --- command line -------------------------------------------------------------------------


def test_cli_deadline_json(run: Cli) -> None:
    data = json.loads(run("deadline", "2017-06-28", "30", "--json", archive=False).stdout)
    assert data["due"] == "2017-08-09"
    assert data["exact"] is True and data["warnings"] == []


def test_cli_deadline_rule(run: Cli) -> None:
    result = run("deadline", "2019-01-27", "--rule", "proactive", archive=False)
    assert result.stdout.startswith("2019-02-27")
    assert "第二十六条" in result.stdout


def test_cli_deadline_unknown_year_warns(run: Cli) -> None:
    result = run("deadline", "2027-03-01", "5", archive=False)
    assert "警告：2027年" in result.stderr
    data = json.loads(run("deadline", "2027-03-01", "5", "--json", archive=False).stdout)
    assert data["exact"] is False and data["unknown_years"] == [2027]


def test_cli_deadline_supplied_holiday(run: Cli, tmp_path: Path) -> None:
    path = tmp_path / "h.txt"
    path.write_text("2027-03-02\n", encoding="utf-8")
    for extra in (["--holidays-file", str(path)], ["--holiday", "2027-03-02"]):
        result = run("deadline", "2027-03-01", "1", *extra, "--json", archive=False)
        data = json.loads(result.stdout)
        assert data["due"] == "2027-03-03"
        assert "1 supplied holiday" in data["warnings"][0]


def test_cli_deadline_needs_n_or_rule(run: Cli) -> None:
    assert run("deadline", "2021-01-01", archive=False, expect=2).exit_code == 2


def test_cli_deadlines_of_the_seed(run: Cli, seed_path: Path) -> None:
    run("ingest", str(seed_path))
    # The seed has no 附注: it is not public, so only the internal view finds it.
    run("deadlines", "济政办发〔2017〕27号", expect=1)
    data = run.json("deadlines", "济政办发〔2017〕27号", "--view", "internal")
    assert data["view"] == "internal"
    due = [d for d in data["deadlines"] if d["due"]]
    assert len(due) == 1
    assert due[0]["due"] == "2017-08-09" and due[0]["days"] == 30
    assert due[0]["runs_from"] == "本工作要点公布"


def test_agrees_with_chinese_calendar_on_every_known_day() -> None:
    import chinese_calendar

    span = official_years()
    assert span is not None
    day, last = D(span[0], 1, 1), D(span[1], 12, 31)
    while day <= last:
        assert CAL.is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


def test_a_documents_periods_run_from_its_own_dates() -> None:
    from gazette.model import (
        Block,
        Document,
        EventKind,
        LifecycleEvent,
        Provenance,
        TextVersion,
    )
    from gazette.workdays import document_deadlines

    text = TextVersion(
        blocks=(
            Block("在本办法公布后30个工作日内公开目录。"),
            Block("本办法施行之日起10日内报送。"),
            Block("应当自收到申请之日起20个工作日内答复。"),
        )
    )
    effective = LifecycleEvent(
        kind=EventKind.EFFECTIVE, date=D(2027, 3, 1), provenance=Provenance("manual")
    )
    doc = Document(
        title="X办法", written_date=D(2027, 1, 4), texts=(text,), events=(effective,), id="d1"
    )
    found = [d.as_json() for d in document_deadlines(doc, CAL)]
    assert [(d["start"], d["start_from"], d["due"]) for d in found] == [
        ("2027-01-04", "written_date", found[0]["due"]),
        ("2027-03-01", "effective_date", "2027-03-11"),
        (None, None, None),
    ]
    assert found[0]["due"] > "2027-02-01" and found[0]["working_days"]
