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

The body is searched in :mod:`ingest.issue_body`; the items are assembled and submitted in
:mod:`ingest.issue_assembly`.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence

from ingest import toc
from ingest.gazette_layout import page_number_of
from ingest.issue_assembly import SplitIssue, assemble
from ingest.issue_body import Body, cover_end, find_starts, locate, title_lines
from ingest.raw import Line, RawDocument

# Lines of the cover region looked at when deciding whether a file is an issue.
COVER_LINES = 60


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
        body_from = cover_end(lines, spans)
    body = Body.of(lines[body_from:], spans[body_from:])
    by_printed = {number: page for page, number in sorted(printed.items(), reverse=True)}
    warnings: list[str] = []
    located: list[tuple[int, toc.TocEntry]] = []
    missing: list[toc.TocEntry] = []
    cursor = 0
    for entry in entries:
        expected = by_printed.get(entry.page) if entry.page is not None else None
        found = locate(body, entry, cursor, expected)
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
        covered = {j for k, entry in located for j in range(k + 1, k + title_lines(body, entry, k))}
        detected = [k for k in find_starts(body) if k not in covered]
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


__all__ = ["looks_like_issue", "page_map", "recognise", "split"]
