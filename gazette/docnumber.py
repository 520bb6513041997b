"""Document numbers (发文字号) as parsed values.

A number has one of three shapes (DOMAIN.md §2):

``standard``
    机关代字 + 〔YYYY〕 + 顺序号 + 号, e.g. ``济政办发〔2017〕27号``. Found in the wild with ``[]``,
    ``()``, ``（）``, ``【】``, ``﹝﹞``, mixed brackets, full-width digits, stray spaces, a ``第``
    before the serial and a ``发文字号：`` label in front.
``order``
    a decree number, 机关 + 令 + 第N号, e.g. ``国令第707号``, ``山西省人民政府令第181号``.
``yearly``
    a number counted per year, e.g. ``交通运输部令2016年第60号``, ``令（2016年第60号）``,
    ``国家税务总局公告2018年第31号``.

The canonical spelling is the standard one: hexagonal brackets, the full year, no leading zeros
and no 第 for ``standard`` numbers. Two numbers are equal when their canonical spellings are.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Literal

import attrs

from gazette import titles
from gazette.errors import InvalidDocNumber

Family = Literal["standard", "order", "yearly"]

# Long names of decree series that portals abbreviate; both spellings name one series.
ORDER_ALIASES: dict[str, str] = {
    "中华人民共和国国务院令": "国令",
    "国务院令": "国令",
}

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
_OPEN = r"〔\[\(（【﹝［｛{〖"
_CLOSE = r"〕\]\)）】﹞］｝}〗"
_SPACE = r"\s*"  # spaces of every width, and line breaks left by layout

_STANDARD = re.compile(
    rf"""
    (?P<agency>[{_CJK}A-Za-z]{{1,24}}?)   # 机关代字, e.g. 济政办发 (trimmed of glued text below)
    {_SPACE}
    [{_OPEN}]                             # opening bracket in any spelling
    {_SPACE}
    (?P<year>[0-9０-９]{{4}})              # the full year
    {_SPACE}
    [{_CLOSE}]                            # closing bracket, not necessarily the matching one
    {_SPACE}第?{_SPACE}
    (?P<serial>[0-9０-９]{{1,6}})          # 顺序号, leading zeros dropped later
    {_SPACE}号
    """,
    re.VERBOSE,
)

_YEARLY = re.compile(
    rf"""
    (?P<agency>[{_CJK}]{{0,24}}?(?:令|公告|通告))  # series: 交通运输部令, 国家税务总局公告, 令
    {_SPACE}
    [（(]?{_SPACE}                             # optional bracket: 令（2016年第60号）
    (?P<year>[0-9０-９]{{4}}){_SPACE}年{_SPACE}
    第{_SPACE}(?P<serial>[0-9０-９]{{1,6}}){_SPACE}号
    {_SPACE}[）)]?
    """,
    re.VERBOSE,
)

_ORDER = re.compile(
    rf"""
    (?P<agency>[{_CJK}]{{0,24}}?令)            # decree series: 国令, 山西省人民政府令
    {_SPACE}
    [（(]?{_SPACE}
    第{_SPACE}(?P<serial>[0-9０-９]{{1,6}}){_SPACE}号   # 第707号
    {_SPACE}[）)]?
    """,
    re.VERBOSE,
)

# Text that is glued in front of an agency code: a title's end, a label, the red header.
# The agency starts after the last of these.
_GLUE = re.compile(
    "(?:{})".format(
        "|".join(
            (
                *("发文字号", "文号", "字号", "文件", "编号"),
                *titles.OFFICIAL_TYPES,
                *titles.types("办法", "规定", "条例", "细则", "方案", "规划"),
                *("的", "和", "及", "与", "在", "以", "按", "据", "照", "见", "号", "于"),
            )
        )
    )
)
_LABEL = re.compile(r"^\s*(?:发文字号|文号|字号|编号)\s*[:：]\s*")


def _looks_like_sentence(text: str, start: int) -> bool:
    """A bare 公告/通告 right after sentence punctuation is a verb, not a number series."""
    return start > 0 and text[start - 1] in "，。；、"


def _digits(text: str) -> int:
    return int(unicodedata.normalize("NFKC", text))


def _trim_agency(agency: str, family: Family) -> str:
    """Drop glued words (title endings, labels, conjunctions) in front of an agency code."""
    agency = re.sub(r"\s+", "", agency)
    if family != "standard" and "中华人民共和国" in agency:
        # 中华人民共和国国务院令: the country name is part of the series (and contains 和).
        return agency[agency.rindex("中华人民共和国") :]
    cut = 0
    for match in _GLUE.finditer(agency):
        # Never cut away the code itself: keep at least one character after the cut.
        if match.end() < len(agency):
            cut = match.end()
    agency = agency[cut:]
    if family == "standard" and len(agency) > 12:
        agency = agency[-12:]
    return agency


@attrs.frozen(eq=False, repr=False)
class DocNumber:
    """A parsed document number. ``str()`` gives the canonical spelling.

    Attributes:
        agency: the 机关代字 (``济政办发``) or decree series (``国令``).
        year: the year in brackets, ``None`` for ``order`` numbers.
        serial: the 顺序号 as an integer (no leading zeros).
        family: ``standard``, ``order`` or ``yearly``.
    """

    agency: str
    year: int | None
    serial: int
    family: Family = "standard"

    @classmethod
    def parse(cls, text: str) -> DocNumber:
        """Read the one number in ``text`` (a field value, possibly with a label).

        Raises:
            InvalidDocNumber: no number in any known spelling.
        """
        found = cls.find(_LABEL.sub("", text or ""))
        if not found:
            raise InvalidDocNumber(text)
        return found[0]

    @classmethod
    def try_parse(cls, text: str | None) -> DocNumber | None:
        """Like :meth:`parse` but ``None`` when there is no number."""
        if not text:
            return None
        try:
            return cls.parse(text)
        except InvalidDocNumber:
            return None

    @classmethod
    def find(cls, text: str) -> list[DocNumber]:
        """Every number inside a longer text, in order of appearance, duplicates kept."""
        return [number for number, _, _ in cls.finditer(text)]

    @classmethod
    def finditer(cls, text: str) -> Iterator[tuple[DocNumber, int, int]]:
        """Yield ``(number, start, end)`` for every number inside ``text``."""
        hits: list[tuple[int, int, DocNumber]] = []
        taken: list[tuple[int, int]] = []

        def free(start: int, end: int) -> bool:
            return all(end <= s or start >= e for s, e in taken)

        for family, pattern in (("standard", _STANDARD), ("yearly", _YEARLY), ("order", _ORDER)):
            for match in pattern.finditer(text):
                if not free(match.start(), match.end()):
                    continue
                trimmed = _trim_agency(match.group("agency"), family)  # type: ignore[arg-type]
                if not trimmed or (
                    family == "yearly"
                    and trimmed in {"公告", "通告"}
                    and match.group(0).startswith(trimmed)
                    and _looks_like_sentence(text, match.start())
                ):
                    continue
                agency = ORDER_ALIASES.get(trimmed, trimmed) if family == "order" else trimmed
                year = None if family == "order" else _digits(match.group("year"))
                serial = _digits(match.group("serial"))
                start = match.end("agency") - len(trimmed)
                number = cls(agency=agency, year=year, serial=serial, family=family)  # type: ignore[arg-type]
                hits.append((start, match.end(), number))
                taken.append((match.start(), match.end()))
        for start, end, number in sorted(hits, key=lambda hit: hit[0]):
            yield number, start, end

    def __str__(self) -> str:
        if self.family == "order":
            return f"{self.agency}第{self.serial}号"
        if self.family == "yearly":
            return f"{self.agency}{self.year}年第{self.serial}号"
        return f"{self.agency}〔{self.year}〕{self.serial}号"

    def __repr__(self) -> str:
        return f"DocNumber({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DocNumber):
            return str(self) == str(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))

    @property
    def canonical(self) -> str:
        """The canonical spelling (same as ``str()``)."""
        return str(self)
