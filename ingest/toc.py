"""What a gazette issue says about itself: its name, number, running total and date (cover and
running headers), and its table of contents (目录).

Everything here works on text lines, whatever the file format: a PDF's lines, a Word file's
paragraphs or a web edition's index page. A reader may have joined several 目录 lines into one
paragraph (an entry filled to the right margin looks like a line that goes on), so the 目录
parser reads its lines as one stream and cuts it at the page markers, not at line ends.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Iterable, Sequence

import attrs

from gazette.dates import chinese_number, finditer_dates
from gazette.docnumber import DocNumber
from gazette.model import IssueNumber

_NUM = r"[0-9０-９]{1,3}|[一二三四五六七八九十]{1,4}"

ISSUE_NUMBER = re.compile(
    rf"""
    (?P<year>[0-9０-９]{{4}}|[〇○零一二三四五六七八九]{{4}})\s*年\s*   # 2019年 / 二〇一九年
    (?:度\s*)?第\s*
    (?P<first>{_NUM})                                              # 第5
    (?:\s*[、，,\-—–－~～/至]\s*(?:第\s*)?(?P<last>{_NUM}))?        # combined: 、6 / -6
    \s*(?P<unit>期|号)                                              # 期 or 号
    (?:\s*合刊)?
    """,
    re.VERBOSE,
)
RUNNING_TOTAL = re.compile(
    r"""
    总\s*(?:号\s*[:：]?\s*(?:第\s*)?|第\s*)        # 总号：1654 / 总第738期 / 总号第12期
    (?P<total>[0-9０-９]{1,6})
    (?:\s*[、\-—–－]\s*[0-9０-９]{1,6})?           # a combined issue's second total
    \s*(?:期|号)?
    """,
    re.VERBOSE,
)
# A running header's short form: ``国务院公报 2019·5``, ``2019·5-6``, ``2019.5``.
HEADER_ISSUE = re.compile(
    r"""
    (?P<name>[\u4e00-\u9fff（）()]{0,30}?公报)?[\s\u3000]*
    (?P<year>(?:19|20)[0-9]{2})\s*[·•．.]\s*
    (?P<first>[0-9]{1,3})
    (?:\s*[-—–、/]\s*(?P<last>[0-9]{1,3}))?
    $""",
    re.VERBOSE,
)
GAZETTE_NAME = re.compile(
    r"^(?P<name>[\u4e00-\u9fff（）()]{2,40}?公报)(?:[（(][^）)]{1,10}[)）])?$"
)
SECTION = re.compile(r"[【\[](?P<section>[^【】\[\]]{1,30})[】\]]{1,2}")  # OCR reads 【 as [
TOC_HEADING = re.compile(r"^目[\s\u3000]*录$|^本期目录$|^目录[（(][^）)]*[)）]$")

# A page marker after an entry title: leaders then (4) / …… 4 / a tab then 4.
_LEADER = r"[.…·．⋯_\-—－‥]"
TOC_MARKER = re.compile(
    rf"""
    (?:
        # ……（4）; OCR often reads a dot leader as one ellipsis: …（4）
        (?:{_LEADER}+[\s\u3000]*|[\s\u3000]+)?(?P<paren>[（(]\s*[0-9０-９]{{1,4}}\s*[)）])
        # …… 4
      | {_LEADER}{{2,}}[\s\u3000]*(?P<bare>[0-9０-９]{{1,4}})(?![0-9０-９])
        # title⇥4 (a Word 目录: a tab to a right tab stop with a dot leader)
      | \t\s*(?P<tab>[0-9０-９]{{1,4}})(?![0-9０-９])
        # title, a wide gap (a Word 目录's tab as a reader keeps it), 4, at the end of the line
      | \u3000+(?P<gap>[0-9０-９]{{1,4}})(?=[\s\u3000]*(?:\n|$|【|\[))
        # a dot leader OCR read as a run of letters, its page number perhaps lost
      | [A-Za-z.…·_]{{12,}}[\s\u3000]*(?P<ocr>[0-9]{{1,4}})?(?![0-9])
    )
    [\s\u3000]*
    """,
    re.VERBOSE,
)
DECREE_HEAD = re.compile(
    r"^(?P<series>[\u4e00-\u9fff]{2,30}?令)[\s\u3000]*[（(]?\s*第\s*(?P<n>[0-9０-９]{1,5})\s*号\s*[)）]?"
)


def _number(text: str) -> int:
    return chinese_number(unicodedata.normalize("NFKC", text))


def squeeze(text: str) -> str:
    return re.sub(r"[\s\u3000]+", "", unicodedata.normalize("NFC", text))


# --- the issue's own data -------------------------------------------------------------------


@attrs.frozen
class IssueMeta:
    """What the cover and the running headers say about an issue.

    Attributes:
        gazette: the gazette's name (the cover's full name, else the running header's).
        number: year and issue number.
        total: the running total (总号 / 总第N期).
        date: the publication date printed on the cover.
        evidence: the lines the facts were read from.
    """

    gazette: str | None = None
    number: IssueNumber | None = None
    total: int | None = None
    date: _dt.date | None = None
    evidence: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """Name and number known: enough to file the issue."""
        return self.gazette is not None and self.number is not None

    def merged(self, other: IssueMeta) -> IssueMeta:
        """Fill what this one lacks from ``other``."""
        return IssueMeta(
            gazette=self.gazette or other.gazette,
            number=self.number or other.number,
            total=self.total if self.total is not None else other.total,
            date=self.date or other.date,
            evidence=self.evidence + tuple(e for e in other.evidence if e not in self.evidence),
        )


def parse_issue_number(text: str) -> IssueNumber | None:
    """``2019年第5、6期`` → ``IssueNumber(2019, 5, 6, "期")``; ``None`` when absent."""
    match = ISSUE_NUMBER.search(squeeze(text))
    if not match:
        return None
    try:
        year = _number(match["year"])
        first = _number(match["first"])
        last = _number(match["last"]) if match["last"] else first
    except ValueError:
        return None
    if not 1900 <= year <= 2200 or first < 1 or last < first or last - first > 3:
        return None
    return IssueNumber(year, first, last, match["unit"])


def parse_total(text: str) -> int | None:
    match = RUNNING_TOTAL.search(squeeze(text))
    return int(unicodedata.normalize("NFKC", match["total"])) if match else None


def parse_running_header(text: str) -> tuple[str | None, IssueNumber | None]:
    """The gazette name and issue a running header states (``国务院公报 2019·5-6``)."""
    cleaned = text.strip()
    match = HEADER_ISSUE.search(cleaned)
    if match:
        first = int(match["first"])
        last = int(match["last"]) if match["last"] else first
        if last < first or last - first > 3:
            return (match["name"] or None), None
        return (match["name"] or None), IssueNumber(int(match["year"]), first, last, "期")
    number = parse_issue_number(cleaned)
    name_match = re.search(r"[\u4e00-\u9fff（）()]{2,30}?公报", squeeze(cleaned))
    return (name_match[0] if name_match else None), number


def gazette_name(text: str) -> str | None:
    """The gazette name a line states: a line that is a name (``青川市人民政府公报``), or the
    name right before an issue number (``青川市人民政府公报2021年第4期``)."""
    flat = squeeze(text)
    match = GAZETTE_NAME.match(flat)
    if match and not _looks_like_title(match["name"]):
        return match["name"]
    number = ISSUE_NUMBER.search(flat)
    if number:
        before = flat[: number.start()]
        match = GAZETTE_NAME.match(before)
        if match and not _looks_like_title(match["name"]):
            return match["name"]
    return None


def _looks_like_title(name: str) -> bool:
    """``关于…的公报`` or ``…统计公报`` is a document, not a gazette."""
    return "关于" in name or name.endswith(("统计公报", "公报公报")) or "年" in name


def recognise(
    cover: Iterable[str], headers: Iterable[str] = (), extra: Iterable[str] = ()
) -> IssueMeta:
    """Read an issue's name, number, total and date.

    Args:
        cover: the cover's lines (and the lines before the 目录), in order.
        headers: running-header lines from the body pages.
        extra: other statements, least trusted (file metadata such as a PDF's Title).
    """
    return (
        _recognise_lines(list(cover), cover=True)
        .merged(_recognise_headers(list(headers)))
        .merged(_recognise_lines(list(extra), cover=False))
    )


def _recognise_lines(lines: Sequence[str], *, cover: bool) -> IssueMeta:
    name = number = total = date = None
    evidence: list[str] = []
    for line in lines:
        text = line.strip()
        if not text:
            continue
        used = False
        if name is None and (found := gazette_name(text)):
            name, used = found, True
        if number is None and (issue := parse_issue_number(text)):
            number, used = issue, True
        if total is None and (value := parse_total(text)) is not None:
            total, used = value, True
        if date is None and cover:
            found_date = _cover_date(text)
            if found_date is not None:
                date, used = found_date, True
        if used:
            evidence.append(text)
    return IssueMeta(name, number, total, date, tuple(evidence))


def _cover_date(text: str) -> _dt.date | None:
    """A publication date on the cover: ``2019年2月28日出版``, ``出版日期：…`` or a line that
    is only a date."""
    flat = squeeze(text)
    dates = list(finditer_dates(flat))
    if len(dates) != 1:
        return None
    value, start, end = dates[0]
    rest = (flat[:start] + flat[end:]).strip("：:（）() ")
    if rest in ("", "出版", "出版日期", "发行", "出版发行", "印发") or rest.endswith(
        ("出版", "发行")
    ):
        return value
    return None


def _recognise_headers(lines: Sequence[str]) -> IssueMeta:
    """The most common statement of the running headers (a misread header does not win)."""
    names: dict[str, int] = {}
    numbers: dict[IssueNumber, int] = {}
    for line in lines:
        name, number = parse_running_header(line)
        if name:
            names[name] = names.get(name, 0) + 1
        if number:
            numbers[number] = numbers.get(number, 0) + 1
    name = max(names, key=lambda k: names[k]) if names else None
    number = max(numbers, key=lambda k: numbers[k]) if numbers else None
    evidence = tuple(sorted({line.strip() for line in lines if line.strip()}))[:3]
    return IssueMeta(name, number, None, None, evidence if (name or number) else ())


# --- the table of contents ------------------------------------------------------------------


@attrs.frozen
class TocEntry:
    """One entry of the 目录.

    Attributes:
        title: the item's title, joined over wrapped lines, spaces removed.
        page: the printed page number the entry points to, when given.
        section: the section heading above it, without 【】.
        head: a decree's head (``中华人民共和国国务院令（第706号）``) printed above the title.
        number: the document number the head states.
    """

    title: str
    page: int | None = None
    section: str | None = None
    head: str | None = None
    number: DocNumber | None = None


def is_toc_heading(text: str) -> bool:
    return bool(TOC_HEADING.match(squeeze(text)))


def find_toc(lines: Sequence[str], limit: int = 400) -> int | None:
    """The index of the 目录's heading: ``目录`` exactly, or (misread by OCR) a short line
    starting with 目 or ending with 录 that section headings or entries follow."""
    for index, text in enumerate(lines[:limit]):
        if is_toc_heading(text):
            return index
    for index, text in enumerate(lines[:limit]):
        flat = squeeze(text)
        if 1 <= len(flat) <= 5 and (flat.startswith("目") or flat.endswith("录")):
            following = lines[index + 1 : index + 4]
            if any(SECTION.match(squeeze(t)) or has_marker(t) for t in following):
                return index
    return None


def has_marker(text: str) -> bool:
    """Whether a line carries an entry's page marker."""
    return any(_marker_ok(text, m) for m in TOC_MARKER.finditer(text))


def _marker_ok(text: str, match: re.Match[str]) -> bool:
    if match["paren"] is None:
        return True
    # ``（4）`` without a leader counts only at the end of a line or before the next entry.
    if match.group(0).lstrip().startswith(("（", "(")) and match.start() > 0:
        rest = text[match.end("paren") :].lstrip(" \t\u3000")
        return not rest or rest.startswith(("【", "\n")) or bool(SECTION.match(rest))
    return True


def toc_end(lines: Sequence[str], start: int) -> int:
    """Where the 目录 that starts at ``lines[start]`` (its heading) ends (exclusive): after the
    last line with a page marker, allowing up to three wrapped title lines in between."""
    last = start
    k = start + 1
    while k < len(lines):
        text = lines[k].strip()
        if SECTION.fullmatch(squeeze(text)) or has_marker(text):
            last = k
        elif k - last > 3 or "。" in text or len(squeeze(text)) > 120:
            break
        k += 1
    return last + 1


def parse_toc(lines: Iterable[str]) -> list[TocEntry]:
    """The entries of a 目录 (the lines after its heading)."""
    stream = "\n".join(line.strip() for line in lines)
    entries: list[TocEntry] = []
    section: str | None = None
    pending = ""
    for kind, value in _tokens(stream):
        if kind == "section":
            if squeeze(pending):
                entries.append(_entry(pending, None, section))
            pending = ""
            section = value
        elif kind == "text":
            pending += value
        else:  # a page marker ends an entry
            entries.append(_entry(pending, int(value) if value else None, section))
            pending = ""
    if squeeze(pending):
        entries.append(_entry(pending, None, section))
    return [e for e in entries if e.title]


def _tokens(stream: str) -> list[tuple[str, str]]:
    """Cut the stream into section headings, text and page markers."""
    tokens: list[tuple[str, str]] = []
    for piece_match in re.finditer(r"[【\[][^【】\[\]\n]{1,30}[】\]]{1,2}|[^【\[]+|[【\[]", stream):
        piece = piece_match.group(0)
        section = SECTION.fullmatch(piece)
        if section:
            tokens.append(("section", section["section"].strip()))
            continue
        cursor = 0
        for marker in TOC_MARKER.finditer(piece):
            if not _marker_ok(piece, marker):
                continue
            tokens.append(("text", piece[cursor : marker.start()]))
            page = (
                marker["paren"] or marker["bare"] or marker["tab"] or marker["gap"] or marker["ocr"]
            ) or ""
            digits = re.sub(r"[^0-9０-９]", "", page)
            tokens.append(
                ("page", str(int(unicodedata.normalize("NFKC", digits))) if digits else "")
            )
            cursor = marker.end()
        tokens.append(("text", piece[cursor:]))
    return tokens


def _entry(text: str, page: int | None, section: str | None) -> TocEntry:
    title = squeeze(text).strip(".…·．⋯_—－")
    head = None
    number = None
    decree = DECREE_HEAD.match(title)
    if decree and len(title) > decree.end():
        head = title[: decree.end()]
        number = DocNumber.try_parse(decree["series"] + "第" + decree["n"] + "号")
        title = title[decree.end() :]
    # Some 目录 print the number after the title: ``关于…的通知（青政发〔2021〕8号）``.
    trailing = _TRAILING_NUMBER.search(title)
    if trailing and number is None:
        found = DocNumber.try_parse(trailing["number"])
        if found is not None and trailing.start() > 0:
            number, title = found, title[: trailing.start()]
    return TocEntry(title=title, page=page, section=section, head=head, number=number)


_TRAILING_NUMBER = re.compile(r"[（(](?P<number>[^（()）]{4,30}?号)[)）]$")


__all__ = [
    "ISSUE_NUMBER",
    "RUNNING_TOTAL",
    "IssueMeta",
    "TocEntry",
    "find_toc",
    "gazette_name",
    "has_marker",
    "is_toc_heading",
    "parse_issue_number",
    "parse_running_header",
    "parse_toc",
    "parse_total",
    "recognise",
    "toc_end",
]
