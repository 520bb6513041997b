"""Status over time: the state machine, versions, marks, policy defaults."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from gazette.dates import add_years, period_end
from gazette.lifecycle import policy_events, status_on, text_on, validity_end
from gazette.model import EventKind, LifecycleEvent, ProvenanceKind, TextVersion
from gazette.status import Basis, Status, StatusValue
from gazette.timeline import timeline
from tests.lifecycle_builders import REPEAL_ACT, D, doc, ev, text

# --- the state machine, table-driven ------------------------------------------------------

CASES = [
    ("no events", (), D(2020, 1, 1), StatusValue.UNKNOWN, None),
    (
        "promulgated, no effective date",
        (ev("promulgated", D(2019, 8, 1)),),
        D(2020, 1, 1),
        StatusValue.UNKNOWN,
        None,
    ),
    (
        "promulgated, effective later",
        (ev("promulgated", D(2019, 8, 1)), ev("effective", D(2019, 9, 1))),
        D(2019, 8, 15),
        StatusValue.NOT_YET_IN_FORCE,
        D(2019, 8, 1),
    ),
    (
        "before it was issued",
        (ev("promulgated", D(2019, 8, 1)), ev("effective", D(2019, 9, 1))),
        D(2019, 7, 1),
        StatusValue.UNKNOWN,
        None,
    ),
    (
        "effective on the day",
        (ev("promulgated", D(2019, 8, 1)), ev("effective", D(2019, 9, 1))),
        D(2019, 9, 1),
        StatusValue.IN_FORCE,
        D(2019, 9, 1),
    ),
    (
        "repealed",
        (ev("effective", D(2019, 9, 1)), ev("repealed", D(2022, 3, 1), acting=REPEAL_ACT)),
        D(2022, 3, 1),
        StatusValue.REPEALED,
        D(2022, 3, 1),
    ),
    (
        "the day before the repeal",
        (ev("effective", D(2019, 9, 1)), ev("repealed", D(2022, 3, 1))),
        D(2022, 2, 28),
        StatusValue.IN_FORCE,
        D(2019, 9, 1),
    ),
    (
        "last day of the validity period",
        (ev("effective", D(2021, 4, 1)), ev("valid_until", D(2026, 3, 31))),
        D(2026, 3, 31),
        StatusValue.IN_FORCE,
        D(2021, 4, 1),
    ),
    (
        "expired the day after",
        (ev("effective", D(2021, 4, 1)), ev("valid_until", D(2026, 3, 31))),
        D(2026, 4, 1),
        StatusValue.EXPIRED,
        D(2026, 4, 1),
    ),
    (
        "extended to a later last day",
        (
            ev("effective", D(2021, 4, 1)),
            ev("valid_until", D(2026, 3, 31)),
            ev("valid_until", D(2028, 3, 31)),
        ),
        D(2027, 1, 1),
        StatusValue.IN_FORCE,
        D(2021, 4, 1),
    ),
    (
        "renewal before the lapse only confirms",
        (
            ev("effective", D(2021, 4, 1)),
            ev("valid_until", D(2026, 3, 31)),
            ev("cleanup_outcome", D(2024, 1, 1), outcome="continue"),
        ),
        D(2026, 5, 1),
        StatusValue.EXPIRED,
        D(2026, 4, 1),
    ),
    (
        "renewal after the lapse revives",
        (
            ev("effective", D(2021, 4, 1)),
            ev("valid_until", D(2026, 3, 31)),
            ev("renewed", D(2026, 6, 1)),
        ),
        D(2026, 7, 1),
        StatusValue.IN_FORCE,
        D(2026, 6, 1),
    ),
    (
        "renewal on the day of the lapse revives that day",
        (
            ev("effective", D(2021, 4, 1)),
            ev("valid_until", D(2026, 3, 31)),
            ev("renewed", D(2026, 4, 1)),
        ),
        D(2026, 4, 1),
        StatusValue.IN_FORCE,
        D(2026, 4, 1),
    ),
    (
        "validity period without an effective date never makes it in force",
        (ev("valid_until", D(2026, 3, 31)),),
        D(2025, 1, 1),
        StatusValue.UNKNOWN,
        None,
    ),
    (
        "declared invalid by a cleanup",
        (
            ev("effective", D(2019, 1, 1)),
            ev("cleanup_outcome", D(2024, 3, 1), outcome="declare_invalid"),
        ),
        D(2024, 3, 1),
        StatusValue.EXPIRED,
        D(2024, 3, 1),
    ),
    (
        "cleanup 修改 changes no status",
        (ev("effective", D(2019, 1, 1)), ev("cleanup_outcome", D(2024, 3, 1), outcome="amend")),
        D(2025, 1, 1),
        StatusValue.IN_FORCE,
        D(2019, 1, 1),
    ),
    (
        "cleanup 废止",
        (ev("effective", D(2019, 1, 1)), ev("cleanup_outcome", D(2024, 3, 1), outcome="repeal")),
        D(2025, 1, 1),
        StatusValue.REPEALED,
        D(2024, 3, 1),
    ),
    (
        "partially invalid",
        (
            ev("effective", D(2019, 1, 1)),
            ev("partially_invalid", D(2024, 3, 1), articles=("第七条",)),
        ),
        D(2025, 1, 1),
        StatusValue.PARTIALLY_INVALID,
        D(2024, 3, 1),
    ),
    (
        "repeal is terminal even if renewed later",
        (
            ev("effective", D(2019, 1, 1)),
            ev("repealed", D(2022, 1, 1)),
            ev("renewed", D(2023, 1, 1)),
        ),
        D(2024, 1, 1),
        StatusValue.REPEALED,
        D(2022, 1, 1),
    ),
    (
        "amended, amended text not held",
        (ev("effective", D(2019, 1, 1)), ev("amended", D(2023, 1, 1))),
        D(2024, 1, 1),
        StatusValue.AMENDED,
        D(2023, 1, 1),
    ),
    (
        "effective date after an amendment says nothing about the years before",
        (
            ev("promulgated", D(1993, 12, 29)),
            ev("amended", D(2005, 10, 27)),
            ev("effective", D(2006, 1, 1)),
        ),
        D(2000, 1, 1),
        StatusValue.UNKNOWN,
        None,
    ),
]


@pytest.mark.parametrize(
    ("events", "on", "value", "since"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_status_on(
    events: tuple[LifecycleEvent, ...], on: D, value: StatusValue, since: D | None
) -> None:
    status = status_on(doc(*events), on)
    assert (status.value, status.since) == (value, since)


def test_status_basis_names_the_acting_document_and_source() -> None:
    status = status_on(
        doc(ev("effective", D(2019, 9, 1)), ev("repealed", D(2022, 3, 1), acting=REPEAL_ACT)),
        D(2024, 1, 1),
    )
    assert status.basis.event == EventKind.REPEALED
    assert status.basis.by == "dec"
    assert status.basis.by_title == "废止决定"
    assert status.basis.by_number == "青政发〔2022〕5号"
    assert status.basis.source is not None and status.basis.source.startswith("parsed")


def test_undated_repeal_counts_from_when_it_was_recorded() -> None:
    recorded = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)
    document = doc(ev("effective", D(2019, 1, 1)), ev("repealed", None, at=recorded))
    after = status_on(document, D(2024, 6, 1))
    assert after.value == StatusValue.REPEALED and after.since is None
    assert "not recorded" in (after.basis.note or "")
    before = status_on(document, D(2023, 1, 1))
    assert before.value == StatusValue.UNKNOWN  # it ended at some unknown date: never in force


# --- versions ---------------------------------------------------------------------------------

V2018 = text(D(2018, 10, 26), D(2018, 10, 26), "2018年修正")
V2023 = text(D(2023, 12, 29), D(2024, 7, 1), "2023年修订")
COMPANY = doc(
    ev("promulgated", D(1993, 12, 29)),
    ev("amended", D(2018, 10, 26)),
    ev("effective", D(2006, 1, 1)),
    ev("amended", D(2023, 12, 29)),
    ev("effective", D(2024, 7, 1)),
    texts=(V2023, V2018),
)


@pytest.mark.parametrize(
    ("on", "in_force_text", "v2018", "v2023"),
    [
        (D(2024, 3, 1), V2018, StatusValue.IN_FORCE, StatusValue.NOT_YET_IN_FORCE),
        (D(2024, 6, 30), V2018, StatusValue.IN_FORCE, StatusValue.NOT_YET_IN_FORCE),
        (D(2024, 7, 1), V2023, StatusValue.AMENDED, StatusValue.IN_FORCE),
        (D(2019, 1, 1), V2018, StatusValue.IN_FORCE, StatusValue.NOT_YET_IN_FORCE),
    ],
    ids=["between adoption and effect", "the day before", "the day it takes effect", "2019"],
)
def test_versions_point_in_time(
    on: D, in_force_text: TextVersion, v2018: StatusValue, v2023: StatusValue
) -> None:
    assert text_on(COMPANY, on) == in_force_text
    assert status_on(COMPANY, on).value == StatusValue.IN_FORCE
    assert status_on(COMPANY, on, version=V2018).value == v2018
    assert status_on(COMPANY, on, version=V2023).value == v2023


def test_superseded_version_says_since_when_and_by_what() -> None:
    status = status_on(COMPANY, D(2024, 8, 1), version=V2018)
    assert status.since == D(2024, 7, 1)
    assert "2023年修订" in (status.basis.note or "")


def test_date_before_earliest_held_version_says_the_text_is_not_held() -> None:
    status = status_on(COMPANY, D(2010, 1, 1))
    assert status.value == StatusValue.IN_FORCE
    assert status.version is None
    assert status.version_note is not None and "not held" in status.version_note


def test_amendment_known_without_its_text_supersedes_the_held_version() -> None:
    old = text(D(2015, 3, 15), D(2015, 3, 15), "2015年修正")
    document = doc(ev("effective", D(2000, 7, 1)), ev("amended", D(2023, 3, 13)), texts=(old,))
    assert status_on(document, D(2023, 6, 1)).value == StatusValue.AMENDED
    assert status_on(document, D(2023, 6, 1), version=old).value == StatusValue.AMENDED
    assert status_on(document, D(2020, 1, 1), version=old).value == StatusValue.IN_FORCE


def test_timeline_orders_events_and_versions() -> None:
    entries = timeline(COMPANY)
    dates = [e.date for e in entries]
    assert dates == sorted(dates)
    assert [e.what for e in entries if e.date == D(2024, 7, 1)] == ["effective", "version"]


# --- marks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "mark"),
    [
        (
            Status(
                StatusValue.REPEALED,
                D(2025, 1, 1),
                D(2024, 11, 1),
                Basis(EventKind.REPEALED, D(2024, 11, 1), by_title="法规规章备案条例"),
            ),
            "已废止（依据：《法规规章备案条例》，自2024年11月1日起）",
        ),
        (
            Status(
                StatusValue.REPEALED,
                D(2025, 1, 1),
                D(2022, 3, 1),
                Basis(
                    EventKind.REPEALED,
                    D(2022, 3, 1),
                    by_title="青川市人民政府关于废止部分规范性文件的决定",
                    by_number="青政发〔2022〕5号",
                ),
            ),
            "已废止（依据：《青川市人民政府关于废止部分规范性文件的决定》（青政发〔2022〕5号），"
            "自2022年3月1日起）",
        ),
        (
            Status(
                StatusValue.REPEALED,
                D(2025, 1, 1),
                D(2018, 12, 6),
                Basis(
                    EventKind.REPEALED,
                    by_title="国办发〔2018〕117号",
                    by_number="国办发〔2018〕117号",
                ),
            ),
            "已废止（依据：国办发〔2018〕117号，自2018年12月6日起）",
        ),
        (
            Status(
                StatusValue.EXPIRED,
                D(2027, 1, 1),
                D(2026, 4, 1),
                Basis(EventKind.VALID_UNTIL, D(2026, 3, 31)),
            ),
            "已失效（有效期至2026年3月31日，自2026年4月1日起）",
        ),
        (
            Status(
                StatusValue.PARTIALLY_INVALID,
                D(2025, 1, 1),
                D(2024, 2, 20),
                Basis(
                    EventKind.CLEANUP_OUTCOME,
                    by_title="清理结果",
                    articles=("第七条", "第九条"),
                ),
            ),
            "部分失效（第七条、第九条；依据：《清理结果》，自2024年2月20日起）",
        ),
        (
            Status(
                StatusValue.REPEALED,
                D(2025, 1, 1),
                None,
                Basis(note="date of the act not recorded"),
            ),
            "已废止（终止日期未载明）",
        ),
    ],
    ids=["title", "title and number", "number only", "validity period", "partial", "undated"],
)
def test_mark(status: Status, mark: str) -> None:
    assert status.mark() == mark


def test_mark_from_a_real_repeal_event() -> None:
    status = status_on(
        doc(ev("effective", D(2019, 9, 1)), ev("repealed", D(2022, 3, 1), acting=REPEAL_ACT)),
        D(2024, 1, 1),
    )
    assert status.mark() == "已废止（依据：《废止决定》（青政发〔2022〕5号），自2022年3月1日起）"


# --- periods and policy defaults -----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "years", "months", "last"),
    [
        (D(2021, 4, 1), 5, 0, D(2026, 3, 31)),
        (D(2020, 2, 29), 2, 0, D(2022, 2, 27)),
        (D(2021, 1, 31), 0, 1, D(2021, 2, 27)),
        (D(2021, 1, 1), 0, 6, D(2021, 6, 30)),
    ],
    ids=["有效期5年", "leap day", "month end", "six months"],
)
def test_period_end(start: D, years: int, months: int, last: D) -> None:
    assert period_end(start, years, months) == last


def test_add_years_on_a_leap_day() -> None:
    assert add_years(D(2024, 2, 29), 1) == D(2025, 2, 28)


@pytest.mark.parametrize(
    ("title", "events", "years", "expected"),
    [
        ("青川市城市道路占用管理暂行办法", (ev("effective", D(2015, 3, 1)),), 2, D(2017, 2, 28)),
        ("某某试行办法", (ev("effective", D(2020, 1, 1)),), 3, D(2022, 12, 31)),
        ("青川市城市道路占用管理暂行办法", (ev("effective", D(2015, 3, 1)),), None, None),
        ("青川市城市道路占用管理办法", (ev("effective", D(2015, 3, 1)),), 2, None),
        ("某暂行办法", (ev("promulgated", D(2015, 3, 1)),), 2, None),
        (
            "某暂行办法",
            (ev("effective", D(2015, 3, 1)), ev("valid_until", D(2020, 12, 31))),
            2,
            None,
        ),
    ],
    ids=[
        "暂行",
        "试行",
        "off by default",
        "not provisional",
        "no effective date",
        "states a period",
    ],
)
def test_policy_events(
    title: str, events: tuple[LifecycleEvent, ...], years: int | None, expected: D | None
) -> None:
    derived = policy_events(doc(*events, title=title), {"validity.provisional_years": years})
    assert [e.date for e in derived] == ([expected] if expected else [])
    for event in derived:
        assert event.kind == EventKind.VALID_UNTIL
        assert event.provenance.kind == ProvenanceKind.POLICY


def test_validity_end_is_the_latest_last_day() -> None:
    document = doc(ev("valid_until", D(2026, 3, 31)), ev("valid_until", D(2028, 3, 31)))
    bound = validity_end(document)
    assert bound is not None and bound.date == D(2028, 3, 31)


def test_an_event_is_found_by_its_id_and_a_missing_one_is_named() -> None:
    from gazette.errors import InvalidArgument
    from gazette.lifecycle import event_by_id

    first, second = (attrs.evolve(ev("effective", D(2020, 1, 1)), id=n) for n in (7, 8))
    d = attrs.evolve(doc(first, second), id="d1")
    assert event_by_id(d, 8) is second
    with pytest.raises(InvalidArgument, match="d1 没有编号为9的事件"):
        event_by_id(d, 9)


@pytest.mark.parametrize(
    ("version", "name"),
    [
        (text(label="2023年修订", effective=D(2023, 5, 1)), "2023年修订"),
        (text(effective=D(2021, 4, 1)), "2021年4月1日"),
        (text(adopted=D(2021, 3, 1)), "2021年3月1日"),
        (text(), None),
        (None, None),
    ],
    ids=["label", "effective-date", "adoption-date", "undated", "no-text"],
)
def test_a_version_is_named_when_it_has_a_label_or_a_start(
    version: TextVersion | None, name: str | None
) -> None:
    from gazette.lifecycle import known_version_name

    assert known_version_name(version) == name
