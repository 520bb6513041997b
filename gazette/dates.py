"""Dates as Chinese official documents write them.

``2017年6月28日`` (the current standard), ``2017 年 6 月 28 日`` (PDF extraction spacing),
``2019年01月27日`` (portals), ``二〇一七年六月二十八日`` and ``一九八一年五月二十三日``
(older texts,
with ``〇``, ``零`` or ``○`` for zero), and ISO ``2019-02-15`` for machine input.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Iterator

from gazette.errors import InvalidDate

_DIGIT = {
    "〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "o": 0,
    "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9,
    "两": 2,
}  # fmt: skip
_CN_DIGITS = "〇○零Ｏ一二三四五六七八九"
_CN_NUMBER = "〇○零一二三四五六七八九十廿"

_ARABIC = re.compile(
    r"""
    (?P<year>[0-9０-９]{4})\s*年\s*      # 2017年
    (?P<month>[0-9０-９]{1,2})\s*月\s*   # 6月 or 06月
    (?P<day>[0-9０-９]{1,2})\s*日        # 28日
    """,
    re.VERBOSE,
)
_CHINESE = re.compile(
    rf"""
    (?P<year>[{_CN_DIGITS}]{{4}})\s*年\s*   # 二〇一七年, digit by digit
    (?P<month>[{_CN_NUMBER}]{{1,3}})\s*月\s* # 六月, 十二月
    (?P<day>[{_CN_NUMBER}]{{1,4}})\s*日      # 二十八日, 三十一日
    """,
    re.VERBOSE,
)
_ISO = re.compile(r"(?<!\d)(?P<year>\d{4})[-./](?P<month>\d{1,2})[-./](?P<day>\d{1,2})(?!\d)")


def chinese_number(text: str) -> int:
    """Value of a small Chinese numeral: ``二十八`` → 28, ``十二`` → 12, ``廿一`` → 21.

    Also accepts digit-by-digit numerals (``二〇一七`` → 2017) and Arabic digits.

    Raises:
        ValueError: not a numeral.
    """
    text = unicodedata.normalize("NFKC", text.strip())
    if not text:
        raise ValueError("empty numeral")
    if text.isdigit():
        return int(text)
    if "十" not in text and "廿" not in text and "百" not in text:
        value = 0
        for char in text:
            if char not in _DIGIT:
                raise ValueError(f"not a numeral: {text!r}")
            value = value * 10 + _DIGIT[char]
        return value
    total = 0
    current = 0
    for char in text:
        if char in _DIGIT:
            current = _DIGIT[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "廿":
            total += 20
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        else:
            raise ValueError(f"not a numeral: {text!r}")
    return total + current


def _make(year: int, month: int, day: int, text: str) -> _dt.date:
    try:
        return _dt.date(year, month, day)
    except ValueError as exc:
        raise InvalidDate(text) from exc


def finditer_dates(text: str) -> Iterator[tuple[_dt.date, int, int]]:
    """Yield ``(date, start, end)`` for every written date in ``text``, in order.

    Impossible dates (``2月30日``) are skipped.
    """
    hits: list[tuple[int, int, _dt.date]] = []
    for match in _ARABIC.finditer(text):
        try:
            value = _make(
                int(unicodedata.normalize("NFKC", match["year"])),
                int(unicodedata.normalize("NFKC", match["month"])),
                int(unicodedata.normalize("NFKC", match["day"])),
                match[0],
            )
        except InvalidDate:
            continue
        hits.append((match.start(), match.end(), value))
    for match in _CHINESE.finditer(text):
        try:
            value = _make(
                chinese_number(match["year"]),
                chinese_number(match["month"]),
                chinese_number(match["day"]),
                match[0],
            )
        except (InvalidDate, ValueError):
            continue
        hits.append((match.start(), match.end(), value))
    for start, end, value in sorted(hits, key=lambda hit: hit[0]):
        yield value, start, end


def find_dates(text: str) -> list[_dt.date]:
    """Every written date in ``text``, in order.

    Raises nothing: text that holds no date gives an empty list.
    """
    return [value for value, _, _ in finditer_dates(text)]


def parse_date(text: str) -> _dt.date:
    """Read one date written in any of the supported forms.

    Raises:
        InvalidDate: no date, or an impossible one.
    """
    stripped = text.strip()
    iso = _ISO.fullmatch(stripped)
    if iso:
        return _make(int(iso["year"]), int(iso["month"]), int(iso["day"]), text)
    for value, start, end in finditer_dates(stripped):
        if start == 0 and end == len(stripped):
            return value
    raise InvalidDate(text)


DateLike = _dt.date | str
"""What the API accepts wherever it takes a date: a :class:`datetime.date`, a
:class:`datetime.datetime` (its date is used) or a string in any form :func:`parse_date`
reads (``2021-05-01``, ``2021年5月1日``, ``二〇二一年五月一日``)."""


def to_date(value: DateLike) -> _dt.date:
    """The date ``value`` stands for (see :data:`DateLike`).

    Raises:
        InvalidDate: a string that is not a date, or a value of another type.
    """
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        return parse_date(value)
    raise InvalidDate(str(value))


def to_optional_date(value: DateLike | None) -> _dt.date | None:
    """Like :func:`to_date`, with ``None`` (no date) passed through."""
    return None if value is None else to_date(value)


def try_parse_date(text: str | None) -> _dt.date | None:
    """Like :func:`parse_date` but ``None`` when there is no date."""
    if not text:
        return None
    try:
        return parse_date(text)
    except InvalidDate:
        return None


# --- arithmetic -------------------------------------------------------------------------------


def add_years(day: _dt.date, years: int) -> _dt.date:
    """``day`` moved by whole years (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: _dt.date, months: int) -> _dt.date:
    """``day`` moved by whole months (clamped to the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return _dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 always exists


def period_end(start: _dt.date, years: int = 0, months: int = 0) -> _dt.date:
    """The last day of a period of ``years``/``months`` starting on ``start``.

    ``有效期5年`` from 2021-04-01 ends on 2026-03-31.
    """
    return add_months(add_years(start, years), months) - _dt.timedelta(days=1)


#: Days in a span unit of the reports' look-ahead: days, 30-day months, 365-day years.
SPAN_UNITS = {"d": 1, "m": 30, "y": 365}

#: From 0001-01-01 to 9999-12-31: a longer span reaches past every date.
MAX_SPAN_DAYS = (_dt.date.max - _dt.date.min).days


def span_days(count: int, unit: str = "d") -> int:
    """``count`` units (``d``, ``m`` or ``y``, see :data:`SPAN_UNITS`) in days.

    Raises:
        KeyError: ``unit`` is not a span unit.
    """
    return count * SPAN_UNITS[unit]


def days_after(day: _dt.date, days: int) -> _dt.date:
    """``day`` moved ``days`` ahead, 9999-12-31 when that is past the end of the calendar."""
    if days > (_dt.date.max - day).days:
        return _dt.date.max
    return day + _dt.timedelta(days=days)
