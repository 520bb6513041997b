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
