"""Chinese working days (工作日) and the statutory deadlines counted in them.

Working days follow the State Council's yearly holiday schedule (国务院办公厅关于某年部分节假日
安排的通知), which moves weekends around: a holiday week is paid for with make-up working
Saturdays and Sundays (调休). The schedule of a year is known only once announced; the
``chinese-calendar`` package carries the years announced when it was released.

For a year the schedule is not known for, the calendar says so (every result carries the
unknown years and a warning) and falls back to Monday–Friday minus the holidays the user
supplied, plus the make-up working days the user supplied. It never falls back silently.

Counting follows the usual rule for periods (期间开始的日，不计算在期间内): "within N working days
of D" ends on the N-th working day after D. Holidays the user supplies apply in every year, on
top of the official schedule.
"""

from __future__ import annotations

import datetime as _dt
import enum
import functools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from gazette import wording
from gazette.dates import DateLike, to_date, try_parse_date
from gazette.errors import InvalidArgument
from gazette.wording import os_error

if TYPE_CHECKING:
    from gazette.model import Document

_MAX_DAYS = 10_000  # about forty years of working days: a guard against runaway counts


def _dates(values: Iterable[DateLike] | None) -> frozenset[_dt.date]:
    return frozenset(to_date(v) for v in values or ())


@functools.cache
def _official() -> tuple[tuple[frozenset[_dt.date], frozenset[_dt.date]], frozenset[int], str]:
    """The official schedule (days off, make-up working days), the years it covers, and the
    ``chinese_calendar`` version it comes from."""
    try:
        import chinese_calendar
    except ImportError:  # pragma: no cover - a declared dependency
        return (frozenset(), frozenset()), frozenset(), "not installed"
    holidays = frozenset(chinese_calendar.holidays)
    workdays = frozenset(chinese_calendar.workdays)
    years = frozenset(day.year for day in holidays)
    version = getattr(chinese_calendar, "__version__", "unknown")
    return (holidays, workdays), years, str(version)


def official_years() -> tuple[int, int] | None:
    """The first and last year whose State Council schedule the calendar knows."""
    _, years, _ = _official()
    return (min(years), max(years)) if years else None


def _ranges(years: Iterable[int]) -> str:
    """``1981–1983, 1996`` for a set of years."""
    ordered = sorted(set(years))
    spans: list[tuple[int, int]] = []
    for year in ordered:
        if spans and year == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], year)
        else:
            spans.append((year, year))
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)


def _years_note(years: Iterable[int], holidays: int, workdays: int) -> str:
    _, _, version = _official()
    span = official_years()
    covers = f"covers {span[0]}–{span[1]}" if span else "is not installed"
    supplied = f"{holidays} supplied holiday(s)"
    if workdays:
        supplied += f" and {workdays} supplied make-up working day(s)"
    return (
        f"{_ranges(years)}: the State Council holiday schedule is not known "
        f"(chinese-calendar {version} {covers}); counted Monday to Friday as working days, "
        f"with {supplied}"
    )


@attrs.frozen
class WorkdayCount:
    """The result of counting working days.

    Attributes:
        start: the day counting starts after.
        days: the number of working days.
        end: the last day counted (for :meth:`WorkdayCalendar.add`, the due date).
        unknown_years: years crossed whose official schedule is not known.
        warnings: what was assumed for those years (one line).
    """

    start: _dt.date
    days: int
    end: _dt.date
    unknown_years: tuple[int, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def exact(self) -> bool:
        """Whether every year crossed has a known official schedule."""
        return not self.unknown_years

    def as_json(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "days": self.days,
            "end": self.end.isoformat(),
            "exact": self.exact,
            "unknown_years": list(self.unknown_years),
            "warnings": list(self.warnings),
        }


@attrs.frozen
class WorkdayCalendar:
    """A calendar of Chinese working days.

    Attributes:
        holidays: extra days off the user supplies (used in every year; the only holidays
            known for years the official schedule does not cover).
        workdays: extra make-up working days (weekend days worked) the user supplies.
        official: use the State Council schedule where it is known.
    """

    holidays: frozenset[_dt.date] = attrs.field(factory=frozenset, converter=_dates)
    workdays: frozenset[_dt.date] = attrs.field(factory=frozenset, converter=_dates)
    official: bool = True

    @classmethod
    def from_file(cls, path: str | Path, *, official: bool = True) -> WorkdayCalendar:
        """Read supplied holidays from a file: one date a line, ``workday`` after a make-up day.

        Lines look like ``2027-01-01``, ``2027-02-06 workday`` or ``2027-02-10 holiday``;
        ``#`` starts a comment.

        Raises:
            InvalidArgument: the file is missing or a line is not a date.
        """
        path = Path(path)
        if path.exists() and not path.is_file():
            raise InvalidArgument(f"{path}：不是普通文件（是管道、设备或文件夹）")
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            why = "不是 UTF-8 文本" if isinstance(exc, UnicodeDecodeError) else os_error(exc)
            raise InvalidArgument(f"{path}：无法读取节假日文件（{why}）") from exc
        holidays: set[_dt.date] = set()
        workdays: set[_dt.date] = set()
        for number, line in enumerate(lines, start=1):
            text = line.split("#", 1)[0].strip()
            if not text:
                continue
            parts = text.split()
            day = try_parse_date(parts[0])
            kind = parts[1].lower() if len(parts) > 1 else "holiday"
            if day is None or kind not in ("holiday", "workday") or len(parts) > 2:
                raise InvalidArgument(
                    f"{path} 第{number}行：“{line}”的格式不对"
                    "（每行应为 `YYYY-MM-DD`，调休工作日为 `YYYY-MM-DD workday`）"
                )
            (workdays if kind == "workday" else holidays).add(day)
        return cls(holidays, workdays, official)

    def with_days(
        self, holidays: Iterable[_dt.date] = (), workdays: Iterable[_dt.date] = ()
    ) -> WorkdayCalendar:
        """This calendar with more supplied holidays and make-up working days."""
        return attrs.evolve(
            self, holidays=self.holidays | set(holidays), workdays=self.workdays | set(workdays)
        )

    def knows(self, year: int) -> bool:
        """Whether the official schedule of ``year`` is known."""
        _, years, _ = _official()
        return self.official and year in years

    def is_workday(self, day: DateLike) -> bool:
        """Whether ``day`` is a working day (see :meth:`knows` for how exact that is).

        Raises:
            InvalidDate: ``day`` is not a date (dates, datetimes and ISO strings are).
        """
        day = to_date(day)
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        if self.knows(day.year):
            (days_off, make_up), _, _ = _official()
            # As chinese_calendar.is_workday: a make-up day, or a weekday that is not a holiday.
            return day in make_up or (day.weekday() < 5 and day not in days_off)
        return day.weekday() < 5

    def _warnings(self, years: Iterable[int]) -> tuple[tuple[int, ...], tuple[str, ...]]:
        unknown = tuple(sorted({y for y in years if not self.knows(y)}))
        if not unknown:
            return (), ()
        holidays = sum(1 for d in self.holidays if d.year in unknown)
        workdays = sum(1 for d in self.workdays if d.year in unknown)
        return unknown, (_years_note(unknown, holidays, workdays),)

    def add(self, start: DateLike, days: int) -> WorkdayCount:
        """The date ``days`` working days after ``start`` (``start`` itself is not counted).

        ``add(d, 0)`` is ``d``.

        Raises:
            InvalidArgument: ``days`` is negative or absurdly large.
            InvalidDate: ``start`` is not a date.
        """
        start = to_date(start)
        if days < 0 or days > _MAX_DAYS:
            raise InvalidArgument(f"工作日数应在0至{_MAX_DAYS}之间，而不是{days}")
        day = start
        years = {start.year}
        left = days
        while left:
            if day == _dt.date.max:
                raise InvalidArgument(
                    f"{wording.date(start)}之后{days}个工作日晚于日历的最后一天（9999年12月31日）"
                )
            day += _dt.timedelta(days=1)
            years.add(day.year)
            if self.is_workday(day):
                left -= 1
        unknown, notes = self._warnings(years if days else ())
        return WorkdayCount(start, days, day, unknown, notes)

    def count(self, start: DateLike, end: DateLike) -> WorkdayCount:
        """Working days after ``start`` up to and including ``end`` (negative if ``end`` is
        earlier: the working days from ``end`` up to ``start``, counted backwards).

        Raises:
            InvalidArgument: the span is absurdly long.
            InvalidDate: ``start`` or ``end`` is not a date.
        """
        start, end = to_date(start), to_date(end)
        if end < start:
            back = self.count(end, start)
            return attrs.evolve(back, start=start, end=end, days=-back.days)
        if (end - start).days > _MAX_DAYS * 2:
            raise InvalidArgument(
                f"{wording.date(start)}至{wording.date(end)}的时间跨度过长，无法计算"
            )
        days = 0
        day = start
        years = set()
        while day < end:
            day += _dt.timedelta(days=1)
            years.add(day.year)
            if self.is_workday(day):
                days += 1
        unknown, notes = self._warnings(years)
        return WorkdayCount(start, days, end, unknown, notes)


# --- statutory deadlines -------------------------------------------------------------------


class Rule(enum.StrEnum):
    """Deadlines the 政府信息公开条例 (2019) sets, in working days."""

    PROACTIVE = "proactive"  # 第二十六条: proactive disclosure after the information is formed
    REPLY = "reply"  # 第三十三条: reply to an application
    REPLY_EXTENDED = "reply_extended"  # 第三十三条: with the extension
    COMPLETION = "completion"  # 第三十条: ask the applicant to complete an unclear application

    @property
    def days(self) -> int:
        return _RULES[self][0]

    @property
    def article(self) -> str:
        return _RULES[self][1]

    @property
    def label(self) -> str:
        return wording.RULE[self.value]


_RULES = {
    Rule.PROACTIVE: (20, "第二十六条"),
    Rule.REPLY: (20, "第三十三条"),
    Rule.REPLY_EXTENDED: (40, "第三十三条"),
    Rule.COMPLETION: (7, "第三十条"),
}


@attrs.frozen
class Deadline:
    """A due date counted in working days.

    Attributes:
        start: the day the period runs from (not counted).
        days: the working days allowed.
        due: the last day.
        rule: the statutory rule, when the deadline is one.
        basis: what the period is (an article, a sentence of a document).
        unknown_years: years crossed whose official schedule is not known.
        warnings: what was assumed for those years.
    """

    start: _dt.date
    days: int
    due: _dt.date
    rule: Rule | None = None
    basis: str | None = None
    unknown_years: tuple[int, ...] = ()
    warnings: tuple[str, ...] = ()

    @classmethod
    def compute(
        cls,
        calendar: WorkdayCalendar,
        start: DateLike,
        days: int,
        *,
        rule: Rule | None = None,
        basis: str | None = None,
    ) -> Deadline:
        """The date ``days`` working days after ``start``.

        Raises:
            InvalidArgument: ``days`` is negative or absurdly large.
            InvalidDate: ``start`` is not a date.
        """
        start = to_date(start)
        counted = calendar.add(start, days)
        return cls(start, days, counted.end, rule, basis, counted.unknown_years, counted.warnings)

    @classmethod
    def statutory(cls, calendar: WorkdayCalendar, rule: Rule, start: DateLike) -> Deadline:
        """The deadline ``rule`` sets for a period starting on ``start``.

        Raises:
            InvalidDate: ``start`` is not a date (dates, datetimes and ISO strings are).
        """
        return cls.compute(
            calendar, start, rule.days, rule=rule, basis=f"政府信息公开条例{rule.article}"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "days": self.days,
            "due": self.due.isoformat(),
            "rule": self.rule.value if self.rule else None,
            "basis": self.basis,
            "exact": not self.unknown_years,
            "unknown_years": list(self.unknown_years),
            "warnings": list(self.warnings),
        }


# --- deadlines a document sets itself ------------------------------------------------------

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_CN_DIGITS.update({"七": 7, "八": 8, "九": 9})


def _cn_number(text: str) -> int | None:
    """``30``, ``３０``, ``三十``, ``十五``, ``一百二十`` as an int."""
    import unicodedata

    text = unicodedata.normalize("NFKC", text).strip()
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for char in text:
        if char in _CN_DIGITS:
            current = _CN_DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


_CLAUSE = re.compile(
    r"""
    (?P<anchor>(?:自|在|于|从)?[^，。；：,;]{0,30}?)      # what the period runs from
    (?:之日)?\s*(?:起|后|以后|之后)\s*                   # 起 / 后
    (?P<n>[0-9０-９]+|[零〇一二两三四五六七八九十百]+)\s*   # how many
    个?\s*(?P<unit>工作日|日|天)\s*(?:内|以内)           # working days (or calendar days)
    """,
    re.VERBOSE,
)
# Anchors that name the document's own dates: 本办法公布, 本工作要点印发, 本规定施行.
_SELF_ANCHOR = re.compile(
    r"本(?P<what>[\u4e00-\u9fff]{1,8}?)(?P<event>公布|印发|发布|下发|施行|实施|生效)"
)


@attrs.frozen
class DeadlineClause:
    """A period a document sets in its text: ``在本工作要点公布后30个工作日内…公开``.

    Attributes:
        sentence: the sentence the clause is in.
        anchor: what the period runs from, as written (``本工作要点公布``).
        days: the length.
        working: counted in working days (``工作日``) rather than calendar days (``日``/``天``).
        event: ``published``, ``effective`` when the anchor is the document's own publication
            or taking effect; ``None`` when it is something else (``收到申请``).
    """

    sentence: str
    anchor: str
    days: int
    working: bool
    event: str | None


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[。；！？\n])", text) if s.strip()]


def find_deadline_clauses(text: str) -> list[DeadlineClause]:
    """Every period of days a text sets, with what it runs from."""
    out: list[DeadlineClause] = []
    for sentence in _sentences(text):
        for match in _CLAUSE.finditer(sentence):
            days = _cn_number(match["n"])
            if days is None:
                continue
            anchor = re.sub(r"\s+", "", match["anchor"])
            # Keep what follows the last 自/在/于/从: ``应当自收到申请`` → ``收到申请``.
            anchor = re.split(r"[自在于从]", anchor)[-1] or anchor
            event = None
            own = _SELF_ANCHOR.search(anchor)
            if own:
                event = "effective" if own["event"] in ("施行", "实施", "生效") else "published"
            out.append(
                DeadlineClause(
                    sentence=sentence,
                    anchor=anchor,
                    days=days,
                    working=match["unit"] == "工作日",
                    event=event,
                )
            )
    return out


def clause_deadline(clause: DeadlineClause, calendar: WorkdayCalendar, start: DateLike) -> Deadline:
    """The due date of a clause whose period runs from ``start``.

    Raises:
        InvalidDate: ``start`` is not a date.
    """
    start = to_date(start)
    if clause.working:
        return Deadline.compute(calendar, start, clause.days, basis=clause.sentence)
    return Deadline(
        start, clause.days, start + _dt.timedelta(days=clause.days), None, clause.sentence
    )


@attrs.frozen
class DocumentDeadline:
    """A period a document (or one of its parts) sets in its text, with its due date when it
    runs from the document's own publication or taking effect.

    Attributes:
        doc_id: the document (or attachment) whose text sets it.
        clause: the clause found.
        start: the day it runs from (``None``: from something the document does not date).
        start_from: the document's field ``start`` is (``published_date``, ``written_date``
            for a document not dated as published, ``effective_date``).
        due: the due date, when ``start`` is known.
    """

    doc_id: str | None
    clause: DeadlineClause
    start: _dt.date | None
    start_from: str | None
    due: Deadline | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.doc_id,
            "sentence": self.clause.sentence,
            "runs_from": self.clause.anchor,
            "days": self.clause.days,
            "working_days": self.clause.working,
            "start": self.start.isoformat() if self.start else None,
            "start_from": self.start_from,
            "due": self.due.due.isoformat() if self.due else None,
            "warnings": list(self.due.warnings) if self.due else [],
        }


def document_deadlines(doc: Document, calendar: WorkdayCalendar) -> list[DocumentDeadline]:
    """The periods ``doc`` and its parts set in their current texts, in order, each counted
    from the document's own date where the period runs from it (publication: the published
    date, else the written date; taking effect: the effective date)."""
    out: list[DocumentDeadline] = []
    for item in (doc, *doc.parts):
        if item.text is None:
            continue
        for clause in find_deadline_clauses(item.text.text):
            start, start_from = None, None
            if clause.event == "published":
                start = item.published_date or item.written_date
                start_from = "published_date" if item.published_date else "written_date"
            elif clause.event == "effective":
                start, start_from = item.effective_date, "effective_date"
            due = clause_deadline(clause, calendar, start) if start else None
            out.append(DocumentDeadline(item.id, clause, start, start_from if start else None, due))
    return out


__all__ = [
    "Deadline",
    "DeadlineClause",
    "DocumentDeadline",
    "Rule",
    "WorkdayCalendar",
    "WorkdayCount",
    "clause_deadline",
    "document_deadlines",
    "find_deadline_clauses",
    "official_years",
]
