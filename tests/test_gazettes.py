"""Gaps and duplicates in a gazette's run of issues."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from gazette.gazettes import Duplicate, find_gaps
from gazette.model import GazetteIssue, IssueItem, IssueNumber
from tests.conftest import Cli

NAME = "青川市人民政府公报"


def issue(
    id_: int, year: int, first: int, last: int | None = None, total: int | None = None
) -> GazetteIssue:
    return GazetteIssue(NAME, IssueNumber(year, first, last or first), total=total, id=id_)


def test_a_complete_run_has_no_gaps() -> None:
    [report] = find_gaps(
        [issue(1, 2021, 1, total=50), issue(2, 2021, 2, total=51), issue(3, 2021, 3, 4, 52)]
    )
    assert report.complete
    assert (report.first, report.last, report.issues) == (
        IssueNumber(2021, 1),
        IssueNumber(2021, 3, 4),
        3,
    )


@pytest.mark.parametrize(
    ("issues", "field", "expected"),
    [
        ([issue(1, 2021, 1), issue(2, 2021, 4)], "missing", ((2021, 2), (2021, 3))),
        ([issue(1, 2021, 3)], "missing", ((2021, 1), (2021, 2))),
        ([issue(1, 2019, 1), issue(2, 2021, 1)], "missing_years", (2020,)),
        ([issue(1, 2021, 1, total=50), issue(2, 2021, 4, total=53)], "missing_totals", (51, 52)),
        # A combined issue may count one total per number: 5、6 = 60, 61; no gap before 62.
        ([issue(1, 2021, 5, 6, 60), issue(2, 2021, 7, total=62)], "missing_totals", ()),
        ([issue(1, 2021, 5, 6, 60), issue(2, 2021, 7, total=63)], "missing_totals", (62,)),
        # The totals show two issues after 2020年第24期 that the archive lacks.
        (
            [issue(1, 2020, 24, total=100), issue(2, 2021, 1, total=103)],
            "missing_at_year_end",
            ((2020, 25), (2020, 26)),
        ),
        (
            [issue(1, 2020, 24, total=100), issue(2, 2021, 1, total=103)],
            "missing_totals",
            (101, 102),
        ),
        # The missing 2021年第1期 is reported by number, not again at 2020's end.
        ([issue(1, 2020, 24, total=100), issue(2, 2021, 2, total=102)], "missing_at_year_end", ()),
        (
            [issue(1, 2021, 1, total=60), issue(2, 2021, 2, total=59)],
            "out_of_order",
            (("2021年第1期", "2021年第2期"),),
        ),
    ],
    ids=[
        "numbers-within-year",
        "numbers-before-first",
        "empty-year",
        "totals",
        "combined-issue-step",
        "combined-issue-gap",
        "year-end-from-totals",
        "year-end-totals",
        "year-start-counted-once",
        "totals-backwards",
    ],
)
def test_gaps(issues: list[GazetteIssue], field: str, expected: tuple[Any, ...]) -> None:
    [report] = find_gaps(issues)
    assert getattr(report, field) == expected
    assert not report.complete or expected == ()


def test_duplicates_by_number_and_by_total() -> None:
    [report] = find_gaps(
        [
            issue(1, 2021, 4, total=52),
            issue(2, 2021, 4, total=52),
            issue(3, 2021, 5, 6, 53),
            issue(4, 2021, 6, total=54),
            issue(5, 2021, 7, total=54),
        ]
    )
    assert report.duplicates == (
        Duplicate("2021年第4期", (f"{NAME} 2021年第4期（其1）", f"{NAME} 2021年第4期（其2）")),
        Duplicate("2021年第6期", (f"{NAME} 2021年第5、6期", f"{NAME} 2021年第6期")),
    )
    assert report.duplicate_totals == (
        Duplicate("总第54期", (f"{NAME} 2021年第6期", f"{NAME} 2021年第7期")),
    )
    assert report.as_json()["duplicates"][1] == {
        "label": "2021年第6期",
        "issues": [f"{NAME} 2021年第5、6期", f"{NAME} 2021年第6期"],
    }


def test_duplicates_are_told_apart_by_total_date_or_first_item() -> None:
    a = _printing(issue(1, 2021, 4, total=52), "a")
    b = _printing(issue(2, 2021, 4, total=60), "b")
    [report] = find_gaps([a, b])
    assert report.duplicates[0].issues == (
        f"{NAME} 2021年第4期（总第52期）",
        f"{NAME} 2021年第4期（总第60期）",
    )
    [report] = find_gaps([_printing(issue(1, 2021, 4), "a"), _printing(issue(2, 2021, 4), "b")])
    # Nothing tells them apart: numbered in the order held.
    assert report.duplicates[0].issues == (
        f"{NAME} 2021年第4期（其1）",
        f"{NAME} 2021年第4期（其2）",
    )


def _printing(record: GazetteIssue, *doc_ids: str) -> GazetteIssue:
    items = tuple(IssueItem(k + 1, f"第{k + 1}件", doc_id=d) for k, d in enumerate(doc_ids))
    return attrs.evolve(record, items=items)


def test_files_of_one_issue_are_editions_not_duplicates() -> None:
    # A scan and a Word edition of 2021年第4期 print the same documents (the Word edition may
    # lack one); 2021年第5期 is claimed by two issues printing different documents.
    [report] = find_gaps(
        [
            _printing(issue(1, 2021, 4, total=52), "a", "b"),
            _printing(issue(2, 2021, 4, total=52), "b"),
            _printing(issue(3, 2021, 5, total=53), "c"),
            _printing(issue(4, 2021, 5, total=53), "d"),
        ]
    )
    assert report.issues == 3
    assert report.editions == (Duplicate("2021年第4期", ("digital", "digital")),)
    assert report.duplicates == (
        Duplicate("2021年第5期", (f"{NAME} 2021年第5期（其1）", f"{NAME} 2021年第5期（其2）")),
    )
    assert report.as_json()["editions"] == [
        {"label": "2021年第4期", "kinds": ["digital", "digital"]}
    ]
    [alone] = find_gaps([_printing(issue(1, 2021, 1), "a"), _printing(issue(2, 2021, 1), "a")])
    assert alone.complete and alone.issues == 1


def test_gazette_names_are_compared_in_their_normal_form() -> None:
    from gazette.gazettes import gazette_key, same_gazette

    assert same_gazette("国务院公报", "中华人民共和国国务院公报")
    assert same_gazette("济南市政府公报", "济南市人民政府公报")
    assert not same_gazette("济南市人民政府公报", "青岛市人民政府公报")
    assert gazette_key("中华人民共和国 国务院公报") == "国务院公报"
    scan = GazetteIssue("国务院公报", IssueNumber(2019, 4, unit="号"), id=1, needs_ocr=(1, 2))
    digital = _printing(
        GazetteIssue("中华人民共和国国务院公报", IssueNumber(2019, 4, unit="期"), id=2), "a"
    )
    [report] = find_gaps([scan, digital])
    assert report.gazette == "中华人民共和国国务院公报" and report.issues == 1
    assert report.duplicates == () and report.editions[0].issues == ("digital", "scanned")


def test_one_report_per_gazette() -> None:
    other = GazetteIssue("济南市人民政府公报", IssueNumber(2017, 2), id=9)
    reports = find_gaps([issue(1, 2021, 1), other])
    assert [r.gazette for r in reports] == ["济南市人民政府公报", NAME]
    assert reports[0].missing == ((2017, 1),)


def test_cli_gap_report(run: Cli, gazettes: Any) -> None:
    run("ingest", str(gazettes.national_pdf), str(gazettes.national_docx), str(gazettes.small_pdf))
    [report] = run.json("report", "gaps")
    assert report["gazette"] == "中华人民共和国国务院公报"
    assert {"year": 2019, "issue": 1} in report["missing"]
    assert {"year": 2006, "issue": 29} in report["missing"]
    assert report["missing_years"] == list(range(2007, 2019))
    # The PDF and the Word file of 2019年第5、6期 are one issue in two files.
    assert report["duplicates"] == []
    assert report["editions"] == [{"label": "2019年第5、6期", "kinds": ["digital", "word"]}]
    assert run.json("issues", "--gaps") == [report]
    text = run("report", "gaps").stdout
    assert "editions: 2019年第5、6期 in 2 files (digital, word)" in text
    assert "issues [" not in text  # issues are named, never by internal ids
    assert "missing: 2006年第1期" in text  # the more common unit of the run
    assert run.json("issues", "--year", "2006")[0]["total"] == 738
