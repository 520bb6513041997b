"""Dates in every written form."""

from __future__ import annotations

import datetime as dt

import pytest

from gazette import InvalidDate, find_dates, parse_date
from gazette.dates import chinese_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017年6月28日", dt.date(2017, 6, 28)),
        ("2017 年 6 月 28 日", dt.date(2017, 6, 28)),
        ("2019年01月27日", dt.date(2019, 1, 27)),
        ("二〇一七年六月二十八日", dt.date(2017, 6, 28)),
        ("一九八一年五月二十三日", dt.date(1981, 5, 23)),
        ("二零零四年十月十五日", dt.date(2004, 10, 15)),
        ("一九九六年二月六日", dt.date(1996, 2, 6)),
        ("二〇〇四年十二月十七日", dt.date(2004, 12, 17)),
        ("2019-02-15", dt.date(2019, 2, 15)),
        ("２０１９年２月１５日", dt.date(2019, 2, 15)),
    ],
)
def test_parse_date(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["", "2017年2月30日", "明天", "2017年"])
def test_not_a_date(text: str) -> None:
    with pytest.raises(InvalidDate):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [("二十八", 28), ("十二", 12), ("十", 10), ("三十一", 31), ("二〇一七", 2017), ("廿一", 21)],
)
def test_chinese_numbers(text: str, value: int) -> None:
    assert chinese_number(text) == value


def test_find_dates_in_text() -> None:
    text = "本办法自2017年8月1日起施行，有效期至二〇二二年七月三十一日。"
    assert find_dates(text) == [dt.date(2017, 8, 1), dt.date(2022, 7, 31)]


@pytest.mark.parametrize(
    ("count", "unit", "days"),
    [(180, "d", 180), (6, "m", 180), (1, "y", 365), (0, "y", 0)],
    ids=["days", "30-day-months", "365-day-years", "none"],
)
def test_a_span_in_days(count: int, unit: str, days: int) -> None:
    from gazette.dates import span_days

    assert span_days(count, unit) == days


@pytest.mark.parametrize(
    ("day", "days", "expected"),
    [
        (dt.date(2024, 2, 28), 2, dt.date(2024, 3, 1)),
        (dt.date(9999, 12, 1), 30, dt.date(9999, 12, 31)),
        (dt.date(2024, 1, 1), 3_652_058, dt.date.max),
    ],
    ids=["leap-day", "to-the-last-day", "past-the-calendar"],
)
def test_days_after_stops_at_the_end_of_the_calendar(
    day: dt.date, days: int, expected: dt.date
) -> None:
    from gazette.dates import days_after

    assert days_after(day, days) == expected
