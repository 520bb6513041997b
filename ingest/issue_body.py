"""The body of a gazette issue: where its items start.

An item starts where its 目录 entry's title (or, for a decree, its head) is found in the
body: exactly, else approximately among title-like lines near its printed page, since OCR
misreads a character or two of a title. Without a 目录 the boundaries are the titles
themselves: large title lines followed by a document number, or a decree's head. An item's
start then moves up over the number or issuer mark printed above its title.
"""

from __future__ import annotations

import difflib
import re
import statistics
import unicodedata
from collections.abc import Sequence

import attrs

from gazette import titles
from gazette.docnumber import DocNumber
from ingest import element_head, toc
from ingest.raw import Line

_KEY_DROP = re.compile(r"[\s\u3000“”\"'‘’《》〈〉「」『』（）()〔〕\[\]【】·.,，、：:；;]")


def title_key(text: str) -> str:
    """A title for matching: NFKC, no spaces, quotes, brackets or light punctuation."""
    return _KEY_DROP.sub("", unicodedata.normalize("NFKC", text))


def _is_number_line(text: str) -> DocNumber | None:
    flat = toc.squeeze(text)
    for number, start, end in DocNumber.finditer(flat):
        if start <= 2 and end - start >= len(flat) * 0.7:
            return number
    return None


# A line shaped like a document number even when OCR misread its brackets or a character
# of the agency (``国办本2004]88号``): agency, a year, a serial, 号.
_NUMBERISH = re.compile(r"^[\u4e00-\u9fff]{1,12}\W?(?:19|20)[0-9]{2}\W{0,2}[0-9]{1,5}号$")


def _numberish(text: str) -> bool:
    flat = toc.squeeze(text)
    return _is_number_line(flat) is not None or bool(_NUMBERISH.match(flat))


@attrs.frozen
class Body:
    """The body's paragraphs with what the splitter needs of each."""

    lines: tuple[Line, ...]
    spans: tuple[tuple[int | None, int | None], ...]
    keys: tuple[str, ...]
    size: float | None

    @classmethod
    def of(cls, lines: Sequence[Line], spans: Sequence[tuple[int | None, int | None]]) -> Body:
        sizes = [line.size for line in lines if line.size]
        return cls(
            tuple(lines),
            tuple(spans),
            tuple(title_key(line.text) for line in lines),
            statistics.median(sizes) if sizes else None,
        )

    def titleish(self, k: int) -> bool:
        line = self.lines[k]
        text = toc.squeeze(line.text)
        if not text or len(text) > 60 or "。" in text:
            return False
        if self.size and line.size and line.size >= 1.15 * self.size:
            return True
        return line.align == "center"

    def big(self, k: int) -> bool:
        line = self.lines[k]
        return bool(self.size and line.size and line.size >= 1.2 * self.size)


def title_lines(body: Body, entry: toc.TocEntry, k: int) -> int:
    """How many lines from ``k`` an entry's title (or a decree's head) takes."""
    key = title_key(entry.title)
    return max(
        1,
        exact_lines(body, key, k),
        _fuzzy(body, key, k)[1] if not exact_lines(body, key, k) else 0,
    )


def exact_lines(body: Body, key: str, k: int) -> int:
    """How many lines from ``k`` spell ``key`` exactly (0: none)."""
    joined = ""
    for m in range(k, min(len(body.lines), k + 8)):
        joined += body.keys[m]
        if joined == key:
            return m - k + 1
        if not key.startswith(joined):
            return 0
    return 0


def _fuzzy(body: Body, key: str, k: int) -> tuple[float, int]:
    """The best similarity of ``key`` with 1-4 lines from ``k``, and how many lines."""
    best, best_m = 0.0, 0
    joined = ""
    for m in range(k, min(len(body.lines), k + 4)):
        joined += body.keys[m]
        matcher = difflib.SequenceMatcher(None, key, joined, autojunk=False)
        if matcher.real_quick_ratio() > best and matcher.quick_ratio() > best:
            ratio = matcher.ratio()
            if ratio > best:
                best, best_m = ratio, m - k + 1
        if len(joined) > 1.5 * len(key):
            break
    return best, best_m


def locate(
    body: Body,
    entry: toc.TocEntry,
    cursor: int,
    expected: int | None,
    *,
    fuzzy_threshold: float = 0.75,
) -> int | None:
    """Where an entry's item starts in the body: its head (for a decree) or its title."""
    keys = [title_key(entry.head)] if entry.head else []
    keys.append(title_key(entry.title))
    for key in keys:
        matches = [k for k in range(cursor, len(body.lines)) if exact_lines(body, key, k)]
        if matches:
            on_page = [k for k in matches if expected is not None and body.spans[k][0] == expected]
            after = [
                k for k in matches if expected is None or (body.spans[k][0] or 0) >= expected - 1
            ]
            return (on_page or after or matches)[0]
    # Approximately, among title-like lines near the expected page (OCR misreads a character
    # or two of a title; the 目录's own copy of it may be misread differently).
    key = title_key(entry.title)
    best: tuple[float, int] = (0.0, -1)
    for k in range(cursor, len(body.lines)):
        page = body.spans[k][0]
        if expected is not None and page is not None and not expected - 1 <= page <= expected + 1:
            continue
        if not body.titleish(k):
            continue
        ratio, _ = _fuzzy(body, key, k)
        if ratio > best[0]:
            best = (ratio, k)
    if best[0] >= fuzzy_threshold:
        start = best[1]
        if entry.head:
            # The decree's head sits a few lines above its regulation's title.
            for k in range(start - 1, max(cursor, start - 12) - 1, -1):
                if toc.DECREE_HEAD.match(toc.squeeze(body.lines[k].text)):
                    return k
        return start
    return None


def _head_start(body: Body, start: int, floor: int) -> int:
    """Move an item's start above the lines that belong to its head: a number or an issuer
    mark printed above the title, or a decree's series line above its number."""
    k = start
    while k - 1 >= floor:
        text = toc.squeeze(body.lines[k - 1].text)
        if (
            _is_number_line(text)
            or (text.endswith("文件") and len(text) <= 30)
            or (
                toc.DECREE_HEAD.match(text + toc.squeeze(body.lines[k].text))
                and text.endswith("令")
            )
        ):
            k -= 1
            continue
        break
    return k


_PERSONNEL = re.compile(r"任免|任命|免去|人事")
# A heading inside a document (一、 / （一） / 第一章), never an item's title.
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十百]+[章节条])"
)
# A 附注 (disclosure or contact note) under an item's date, however OCR read its brackets.
_NOTE = re.compile(r"^\W?此件|^\W?本件|公开发布\W?$|主动公开\W?$|^\W?联系")
_DATE_LINE = re.compile(
    r"^[0-9〇○零一二三四五六七八九]{4}年[0-9一二三四五六七八九十]{1,3}月[0-9一二三四五六七八九十]{1,3}日$"
)


def find_starts(body: Body) -> list[int]:
    """Item boundaries without a 目录: title lines followed by a document number, a decree's
    head, or (for items without a number, when type sizes are known) a large title.

    Title lines are the large ones when the reader reports sizes; otherwise short lines
    without sentence punctuation, which then need the number line under them.
    """
    sized = body.size is not None

    def title_line(j: int) -> bool:
        if sized:
            return (
                body.big(j)
                and body.titleish(j)
                and not _HEADING.match(toc.squeeze(body.lines[j].text))
            )
        text = toc.squeeze(body.lines[j].text)
        return (
            0 < len(text) <= 40
            and not re.search(r"[。，；：:]", text)
            and not _numberish(text)
            and not re.match(r"^[一二三四五六七八九十]+、|^[（(〈《]|^第", text)
            and not _NOTE.search(text)  # the previous item's 附注, never a title
            and not _DATE_LINE.match(text)  # a signature's date: the line above is no title
        )

    starts: list[int] = []
    current_title = ""
    n = len(body.lines)
    k = 0
    while k < n:
        text = toc.squeeze(body.lines[k].text)
        nxt = toc.squeeze(body.lines[k + 1].text) if k + 1 < n else ""
        decree = re.fullmatch(r"[\u4e00-\u9fff]{2,30}令", text) and re.fullmatch(
            r"[（(]?第[0-9０-９]{1,5}号[)）]?", nxt
        )
        if decree:
            starts.append(k)
            current_title = text
            k += 2
            continue
        if title_line(k) and (k == 0 or not title_line(k - 1)):
            run = k
            while run + 1 < n and title_line(run + 1) and run - k < 4:
                run += 1
            title = "".join(toc.squeeze(body.lines[j].text) for j in range(k, run + 1))
            after = toc.squeeze(body.lines[run + 1].text) if run + 1 < n else ""
            numbered = _numberish(after) or (k > 0 and _numberish(body.lines[k - 1].text))
            # A 印发/转发 notice prints what it issues right after its date: the attachment's
            # title is named in the notice's own title.
            attachment = bool(current_title) and (
                f"《{title}》" in current_title
                or (title in current_title and element_head.is_forwarding(current_title))
            )
            label_before = k > 0 and re.fullmatch(
                r"附\s*件\s*[0-9０-９一二三四五六七八九十]*[:：]?",
                toc.squeeze(body.lines[k - 1].text),
            )
            standalone = sized and (
                k == 0
                or bool(_PERSONNEL.search(title))
                or (bool(titles.doc_type_of(title)) and not attachment)
            )
            if (numbered or standalone) and not attachment and not label_before:
                starts.append(_head_start(body, k, starts[-1] + 1 if starts else 0))
                current_title = title
            k = run + 1
            continue
        k += 1
    return starts


def cover_end(lines: Sequence[Line], spans: Sequence[tuple[int | None, int | None]]) -> int:
    """Without a 目录, the body starts after the cover page, or (in a file without pages)
    after the cover's lines: the name, the number, the total, the date, the sponsor; the
    first line with a document number under it is a title, not the cover."""
    if lines and spans and spans[0][0] is not None:
        first = spans[0][0]
        k = 0
        while k < len(lines) and spans[k][0] == first:
            k += 1
        return k

    def cover_line(k: int) -> bool:
        text = lines[k].text
        if k + 1 < len(lines) and _numberish(lines[k + 1].text):
            return False
        return bool(
            toc.gazette_name(text)
            or toc.parse_issue_number(text)
            or toc.parse_total(text) is not None
            or (len(toc.squeeze(text)) <= 20 and not _numberish(text) and lines[k].size is None)
        )

    k = 0
    while k < len(lines) and k < 8 and cover_line(k):
        k += 1
    return k


__all__ = ["Body", "cover_end", "exact_lines", "find_starts", "locate", "title_key", "title_lines"]
