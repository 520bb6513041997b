"""Gazette issues (政府公报): recognise an issue, split it into its items, package it.

An issue file (a PDF, a Word file, or a web edition's index page) becomes one
:class:`~gazette.archive.Submission` carrying the :class:`~gazette.model.GazetteIssue` and one
document per item, in issue order (DOMAIN.md §6):

1. the issue's name, number, running total and date come from the cover (the lines before the
   目录) and the running headers (:func:`ingest.toc.recognise`);
2. printed page numbers are read from the page footers and mapped to PDF pages
   (:func:`page_map`): they differ, because the cover, the 目录 and blank pages are not
   numbered;
3. the 目录 gives each item's section, title and printed page; each title is found in the body
   (exactly, else approximately for OCR text) at or after its printed page, so items that
   start mid-page are cut at the title line. Without a 目录 the boundaries are the titles
   themselves: large title lines followed by a document number, or a decree's head;
4. each item's paragraphs go through the element parser as the gazette's standard text
   (``TextVersion(origin=GAZETTE, standard=True)``) with its printed page range; printing in
   a gazette is proactive disclosure, which is recorded as the basis of the item's attribute.
   Items without a number (人事任免, 公告) are kept as items too.
"""

from __future__ import annotations

import difflib
import itertools
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from gazette import titles
from gazette.archive import Submission
from gazette.docnumber import DocNumber
from gazette.errors import IssueNotSplit
from gazette.model import (
    Document,
    GazetteIssue,
    IssueItem,
    OcrInfo,
    SourceFile,
    TextOrigin,
)
from gazette.references import OutgoingRef
from ingest import element_head, elements, toc
from ingest.gazette_layout import page_number_of
from ingest.raw import Line, RawDocument

# Lines of the cover region looked at when deciding whether a file is an issue.
COVER_LINES = 60


@attrs.frozen
class SplitIssue:
    """An issue split into its items.

    Attributes:
        issue: the issue, its items in order (without document ids yet).
        documents: one document per item, in the same order.
        raws: each item's paragraphs as the splitter cut them (pages are printed pages).
        toc: the 目录 entries found (empty when the issue has none).
        page_map: PDF page → printed page number, where known.
        warnings: what could not be done (an entry whose title was not found, …).
    """

    issue: GazetteIssue
    documents: tuple[Document, ...]
    raws: tuple[RawDocument, ...] = ()
    toc: tuple[toc.TocEntry, ...] = ()
    page_map: dict[int, int] = attrs.field(factory=dict)
    warnings: tuple[str, ...] = ()


# --- recognising an issue -------------------------------------------------------------------


def _furniture_texts(raw: RawDocument) -> list[str]:
    return [line.text for line in raw.furniture if page_number_of(line.text) is None]


def _metadata_texts(raw: RawDocument) -> list[str]:
    return [
        raw.metadata[key] for key in ("Title", "title", "Subject", "subject") if key in raw.metadata
    ]


def recognise(raw: RawDocument) -> toc.IssueMeta:
    """What the cover, the running headers and the file's metadata say about the issue."""
    texts = [line.text for line in raw.lines]
    start = toc.find_toc(texts)
    cover = texts[: start if start is not None else COVER_LINES]
    if raw.lines and raw.lines[0].page is not None:
        first_page = raw.lines[0].page
        cover = [
            line.text
            for k, line in enumerate(raw.lines)
            if (start is None or k < start) and line.page == first_page
        ] or cover
    return toc.recognise(cover, _furniture_texts(raw), _metadata_texts(raw))


_GAZETTE_WORD = re.compile(r"公[\s\u3000]*报")


def _mentions_a_gazette(raw: RawDocument) -> bool:
    texts = itertools.chain(
        (line.text for line in raw.lines),
        (line.text for line in raw.furniture),
        _metadata_texts(raw),
    )
    return any(_GAZETTE_WORD.search(text) for text in texts)


def looks_like_issue(raw: RawDocument) -> bool:
    """Whether a read file is a gazette issue rather than a single document.

    An issue names a gazette and an issue number on its cover, and has a 目录 or running
    headers stating the gazette.
    """
    if not _mentions_a_gazette(raw):
        return False  # every gazette name ends with 公报: most documents stop here, cheaply
    meta = recognise(raw)
    if not meta.complete:
        return False
    texts = [line.text for line in raw.lines]
    if toc.find_toc(texts) is not None:
        return True
    headers = [t for t in _furniture_texts(raw) if toc.parse_running_header(t) != (None, None)]
    return len(headers) >= 2


# --- printed pages --------------------------------------------------------------------------


def page_map(raw: RawDocument, body_pages: Sequence[int]) -> dict[int, int]:
    """PDF page → printed page number, for the body pages.

    A footer's number is trusted when a neighbouring stated number agrees with it (the same
    offset between printed and PDF page), so one misread footer does not shift the rest;
    pages without a number (the first page of an item, a blank page) take the offset of the
    trusted page before them (or after them, at the start).
    """
    stated: dict[int, int] = {}
    for line in raw.furniture:
        number = page_number_of(line.text)
        if number is not None and line.page is not None:
            stated.setdefault(line.page, number)
    if not stated or not body_pages:
        return {}
    pages = sorted(p for p in stated if p >= body_pages[0])
    offsets = {p: stated[p] - p for p in pages}
    trusted = []
    for index, p in enumerate(pages):
        neighbours = pages[max(0, index - 1) : index] + pages[index + 1 : index + 2]
        if len(pages) == 1 or any(offsets[n] == offsets[p] for n in neighbours):
            trusted.append(p)
    if not trusted:
        common = Counter(offsets.values()).most_common(1)[0][0]
        trusted = [p for p in pages if offsets[p] == common]
    out: dict[int, int] = {}
    for page in body_pages:
        before = [p for p in trusted if p <= page]
        anchor = before[-1] if before else trusted[0]
        number = page + offsets[anchor]
        if number >= 1:
            out[page] = number
    return out


# --- finding the items ----------------------------------------------------------------------

_KEY_DROP = re.compile(r"[\s\u3000“”\"'‘’《》〈〉「」『』（）()〔〕\[\]【】·.,，、：:；;]")


def _key(text: str) -> str:
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
class _Body:
    """The body's paragraphs with what the splitter needs of each."""

    lines: tuple[Line, ...]
    spans: tuple[tuple[int | None, int | None], ...]
    keys: tuple[str, ...]
    size: float | None

    @classmethod
    def of(cls, lines: Sequence[Line], spans: Sequence[tuple[int | None, int | None]]) -> _Body:
        sizes = [line.size for line in lines if line.size]
        return cls(
            tuple(lines),
            tuple(spans),
            tuple(_key(line.text) for line in lines),
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


def _title_lines(body: _Body, entry: toc.TocEntry, k: int) -> int:
    """How many lines from ``k`` an entry's title (or a decree's head) takes."""
    key = _key(entry.title)
    return max(1, _exact(body, key, k), _fuzzy(body, key, k)[1] if not _exact(body, key, k) else 0)


def _exact(body: _Body, key: str, k: int) -> int:
    """How many lines from ``k`` spell ``key`` exactly (0: none)."""
    joined = ""
    for m in range(k, min(len(body.lines), k + 8)):
        joined += body.keys[m]
        if joined == key:
            return m - k + 1
        if not key.startswith(joined):
            return 0
    return 0


def _fuzzy(body: _Body, key: str, k: int) -> tuple[float, int]:
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


def _locate(
    body: _Body,
    entry: toc.TocEntry,
    cursor: int,
    expected: int | None,
    *,
    fuzzy_threshold: float = 0.75,
) -> int | None:
    """Where an entry's item starts in the body: its head (for a decree) or its title."""
    keys = [_key(entry.head)] if entry.head else []
    keys.append(_key(entry.title))
    for key in keys:
        matches = [k for k in range(cursor, len(body.lines)) if _exact(body, key, k)]
        if matches:
            on_page = [k for k in matches if expected is not None and body.spans[k][0] == expected]
            after = [
                k for k in matches if expected is None or (body.spans[k][0] or 0) >= expected - 1
            ]
            return (on_page or after or matches)[0]
    # Approximately, among title-like lines near the expected page (OCR misreads a character
    # or two of a title; the 目录's own copy of it may be misread differently).
    key = _key(entry.title)
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


def _head_start(body: _Body, start: int, floor: int) -> int:
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


def _find_starts(body: _Body) -> list[int]:
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


# --- splitting ------------------------------------------------------------------------------


def _strip_furniture(raw: RawDocument) -> tuple[list[Line], list[tuple[int | None, int | None]]]:
    """Body lines with any running header or page number a reader left in the body removed."""
    furniture = {toc.squeeze(line.text) for line in raw.furniture}
    spans = raw.extra.get("page_spans") or [(line.page, line.page) for line in raw.lines]
    lines: list[Line] = []
    kept: list[tuple[int | None, int | None]] = []
    for line, span in zip(raw.lines, spans, strict=True):
        flat = toc.squeeze(line.text)
        if flat in furniture or (
            (line.page is not None and page_number_of(line.text) is not None)
            or (len(flat) <= 30 and toc.HEADER_ISSUE.search(line.text.strip()) and "公报" in flat)
        ):
            continue
        lines.append(line)
        kept.append((span[0], span[1]))
    return lines, kept


def split(raw: RawDocument, *, name: str | None = None) -> SplitIssue:
    """Split a read issue into its items.

    The front matter (cover and 目录) ends where the printed page numbers begin, or after the
    目录, or after the cover page. Items start where the 目录's titles are found in the body;
    when some cannot be found (a misread 目录), the boundaries come from the titles and
    number lines of the body itself, and the 目录 entries label the items they match.

    Raises:
        IssueNotSplit: the issue's name or number is unknown, or no item was found.
    """
    name = name or raw.name
    meta = recognise(raw)
    lines, spans = _strip_furniture(raw)
    texts = [line.text for line in lines]
    pages_seen = sorted({p for span in spans for p in span if p is not None})
    printed = page_map(raw, pages_seen[1:])
    first_body_page = min(printed) if printed else None
    start = toc.find_toc(texts)
    entries: list[toc.TocEntry] = []
    body_from = 0
    if start is not None:
        end = toc.toc_end(texts, start)
        if first_body_page is not None and (spans[start][0] or 0) < first_body_page:
            # The 目录 fills its pages: entries whose page markers were lost still count.
            end = next(
                (k for k in range(start, len(lines)) if (spans[k][0] or 0) >= first_body_page),
                len(lines),
            )
        entries = toc.parse_toc(texts[start + 1 : end])
        if len(entries) > 1 and entries[-1].page is None and all(e.page for e in entries[:-1]):
            entries = entries[:-1]  # text after the last page marker: not an entry
        body_from = end
        last_toc_page = spans[end - 1][1] if end > start + 1 else None
        if last_toc_page is not None:
            while body_from < len(lines) and (spans[body_from][0] or 0) <= last_toc_page:
                body_from += 1  # a page of the 目录 holds nothing else
    elif first_body_page is not None and pages_seen and first_body_page > pages_seen[0] + 1:
        # Front pages between the cover and the first numbered page: a 目录 whose heading
        # was not recognised. Its entries are used if they read as entries.
        front = [
            k for k, span in enumerate(spans) if pages_seen[0] < (span[0] or 0) < first_body_page
        ]
        entries = [e for e in toc.parse_toc(texts[k] for k in front) if len(e.title) >= 6]
    if first_body_page is not None:
        while body_from < len(lines) and (spans[body_from][0] or 0) < first_body_page:
            body_from += 1
    elif start is None:
        body_from = _cover_end(lines, spans)
    body = _Body.of(lines[body_from:], spans[body_from:])
    by_printed = {number: page for page, number in sorted(printed.items(), reverse=True)}
    warnings: list[str] = []
    located: list[tuple[int, toc.TocEntry]] = []
    missing: list[toc.TocEntry] = []
    cursor = 0
    for entry in entries:
        expected = by_printed.get(entry.page) if entry.page is not None else None
        found = _locate(body, entry, cursor, expected)
        if found is None:
            missing.append(entry)
            continue
        located.append((found, entry))
        cursor = found + 1
    starts: list[int]
    kept: list[toc.TocEntry | None]
    if entries and not missing:
        starts = [k for k, _ in located]
        kept = [e for _, e in located]
    else:
        if entries:
            warnings.append(
                f"{len(missing)} of {len(entries)} 目录 entries not found in the body "
                "(items found from their titles instead): "
                + "; ".join(e.title[:40] for e in missing)
            )
        by_start = dict(located)
        # A title the 目录 located covers some lines; a start found within them (the title's
        # second line, set a little smaller) is the same item.
        covered = {
            j for k, entry in located for j in range(k + 1, k + _title_lines(body, entry, k))
        }
        detected = [k for k in _find_starts(body) if k not in covered]
        starts = sorted(set(detected) | set(by_start))
        kept = _label_unlocated(starts, [by_start.get(k) for k in starts], entries)
    return assemble(
        raw,
        meta,
        body,
        starts,
        kept,
        printed=printed,
        toc_entries=entries,
        warnings=warnings,
        name=name,
    )


def _label_unlocated(
    starts: Sequence[int],
    kept: Sequence[toc.TocEntry | None],
    entries: Sequence[toc.TocEntry],
) -> list[toc.TocEntry | None]:
    """Items found from their titles between two items the 目录 located take the 目录
    entries between those two, in order, when there are as many of each: an entry whose
    title OCR misread (in the 目录 or on the page) still gives its item a section and a page
    to check."""
    order = {id(e): k for k, e in enumerate(entries)}
    out = list(kept)
    k = 0
    while k < len(out):
        if out[k] is not None:
            k += 1
            continue
        end = k
        while end < len(out) and out[end] is None:
            end += 1
        before = out[k - 1] if k > 0 else None
        after = out[end] if end < len(out) else None
        low = order[id(before)] + 1 if before is not None else 0
        high = order[id(after)] if after is not None else len(entries)
        between = [e for e in entries[low:high] if not any(e is x for x in out)]
        if len(between) == end - k:
            out[k:end] = between
        k = end
    return out


def assemble(
    raw: RawDocument,
    meta: toc.IssueMeta,
    body: _Body,
    starts: Sequence[int],
    entries: Sequence[toc.TocEntry | None],
    *,
    printed: dict[int, int] | None = None,
    toc_entries: Sequence[toc.TocEntry] = (),
    warnings: Sequence[str] = (),
    name: str | None = None,
) -> SplitIssue:
    """The issue and its items, from the body and where each item starts in it.

    Raises:
        IssueNotSplit: the issue's name or number is unknown, or there is no item.
    """
    name = name or raw.name
    if not meta.complete:
        raise IssueNotSplit(name, "政府公报", "未找到公报名称或期号")
    assert meta.gazette is not None and meta.number is not None
    label = f"{meta.gazette} {meta.number}"
    if not starts:
        raise IssueNotSplit(name, label, "其中未找到任何条目")
    printed = printed or {}
    documents: list[Document] = []
    items: list[IssueItem] = []
    raws: list[RawDocument] = []
    for seq, (first, entry) in enumerate(zip(starts, entries, strict=True), start=1):
        stop = starts[seq] if seq < len(starts) else len(body.lines)
        item, document, item_raw = _item(raw, body, first, stop, seq, entry, printed)
        items.append(item)
        documents.append(document)
        raws.append(item_raw)
    issue = GazetteIssue(
        gazette=meta.gazette,
        number=meta.number,
        total=meta.total,
        date=meta.date,
        items=tuple(items),
        page_count=raw.page_count,
        needs_ocr=raw.needs_ocr,
        ocr=raw.ocr,
    )
    return SplitIssue(
        issue, tuple(documents), tuple(raws), tuple(toc_entries), printed, tuple(warnings)
    )


def split_known(
    raw: RawDocument, meta: toc.IssueMeta, items: Sequence[tuple[toc.TocEntry, Sequence[Line]]]
) -> SplitIssue:
    """An issue whose items arrive separately (a web edition: one page per item)."""
    lines: list[Line] = []
    starts: list[int] = []
    for _, item_lines in items:
        starts.append(len(lines))
        lines.extend(item_lines)
    body = _Body.of(lines, [(None, None)] * len(lines))
    entries = [entry for entry, _ in items]
    return assemble(raw, meta, body, starts, entries, toc_entries=entries)


def _cover_end(lines: Sequence[Line], spans: Sequence[tuple[int | None, int | None]]) -> int:
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


def _item(
    raw: RawDocument,
    body: _Body,
    first: int,
    stop: int,
    seq: int,
    entry: toc.TocEntry | None,
    printed: dict[int, int],
) -> tuple[IssueItem, Document, RawDocument]:
    lines = body.lines[first:stop]
    pdf_first = body.spans[first][0]
    pdf_last = body.spans[stop - 1][1]
    pdf_pages = (pdf_first, pdf_last) if pdf_first is not None and pdf_last is not None else None
    pages = None
    if pdf_pages is not None and pdf_pages[0] in printed and pdf_pages[1] in printed:
        pages = (printed[pdf_pages[0]], printed[pdf_pages[1]])
    item_lines = [
        attrs.evolve(line, page=printed.get(line.page, line.page) if line.page else None)
        for line in lines
    ]
    item_raw = RawDocument(
        name=f"{raw.name} #{seq}", format=raw.format, lines=item_lines, metadata={}
    )
    document = elements.parse(item_raw, origin=TextOrigin.GAZETTE, standard=True)
    exact = entry is not None and (
        _exact(body, _key(entry.title), first) > 0
        or any(_exact(body, _key(entry.title), k) for k in range(first, min(stop, first + 12)))
    )
    if entry is not None and (exact or not document.title):
        title = entry.title
    else:
        # No 目录 entry, or one that matches only approximately (OCR misreads the 目录 and
        # the page differently): the title as printed above the item, in its larger type.
        title = document.title or toc.squeeze(lines[0].text)
    ocr = _item_ocr(raw.ocr, pdf_pages)
    document = _as_printed(document, title, pages, ocr, entry)
    item = IssueItem(
        seq=seq,
        title=title,
        section=entry.section if entry is not None else None,
        pages=pages,
        pdf_pages=pdf_pages,
        doc_number=document.doc_number or (entry.number if entry is not None else None),
    )
    return item, document, item_raw


def _item_ocr(ocr: OcrInfo | None, pdf_pages: tuple[int, int] | None) -> OcrInfo | None:
    if ocr is None:
        return None
    pages = ocr.pages
    if pdf_pages is not None:
        pages = tuple(p for p in ocr.pages if pdf_pages[0] <= p[0] <= pdf_pages[1])
    if not pages:
        return None
    confidence = round(sum(c for _, c in pages) / len(pages), 1)
    return OcrInfo(ocr.engine, confidence, pages)


def _as_printed(
    document: Document,
    title: str,
    pages: tuple[int, int] | None,
    ocr: OcrInfo | None,
    entry: toc.TocEntry | None,
) -> Document:
    """The parsed item as the gazette's standard text, with its pages and OCR marks.

    (Printing in a gazette makes it proactively disclosed: the archive's publication rule
    records that, with the issue and pages as its basis, when the item is stored.)"""
    texts = tuple(attrs.evolve(t, pages=pages, ocr=ocr, standard=True) for t in document.texts)
    parts = tuple(
        attrs.evolve(
            part,
            texts=tuple(attrs.evolve(t, pages=pages, ocr=ocr, standard=True) for t in part.texts),
        )
        for part in document.parts
    )
    return attrs.evolve(
        document,
        title=document.title or title,
        doc_number=document.doc_number or (entry.number if entry is not None else None),
        texts=texts,
        parts=parts,
    )


# --- packaging ------------------------------------------------------------------------------


def submission(
    split_issue: SplitIssue, path: Path, source: SourceFile, *, raw: RawDocument
) -> Submission:
    """The archive submission for a split issue: the issue and one document per item."""
    detail: dict[str, Any] = {
        "gazette_issue": split_issue.issue.label,
        "items": len(split_issue.issue.items),
        "toc_entries": len(split_issue.toc),
    }
    warnings = list(raw.warnings) + list(split_issue.warnings)
    if warnings:
        detail["warnings"] = warnings
    if split_issue.issue.needs_ocr:
        detail["needs_ocr"] = list(split_issue.issue.needs_ocr)
    if split_issue.issue.ocr is not None:
        detail["ocr"] = {
            "engine": split_issue.issue.ocr.engine,
            "confidence": split_issue.issue.ocr.confidence,
            "pages": [list(p) for p in split_issue.issue.ocr.pages],
        }
    from ingest import interpretations
    from ingest.stages import lifecycle

    documents = []
    references: list[OutgoingRef] = []
    for index, document in enumerate(split_issue.documents):
        read, refs = lifecycle(document.with_sources(source), index)
        documents.append(read)
        references.extend(refs)
        # An interpretation (解读) printed in the issue links to the policy it explains;
        # the detector numbers positions as in a one-document submission.
        references.extend(
            attrs.evolve(ref, source=(index, *ref.source[1:]))
            for ref in interpretations.outgoing_refs(read)
        )
    return Submission(
        source=source,
        path=path,
        documents=tuple(documents),
        references=tuple(references),
        issue=split_issue.issue,
        state="needs_ocr" if split_issue.issue.needs_ocr else "stored",
        detail=detail,
        ocr_pages=raw.extra.get("ocr_pages", ()),
    )


__all__ = [
    "SplitIssue",
    "assemble",
    "looks_like_issue",
    "page_map",
    "recognise",
    "split",
    "split_known",
    "submission",
]
