"""Runs of gazette issues: what is missing and what is there twice (DOMAIN.md §6).

Everything that should be published in a gazette should be (应登尽登), and archives digitise
back to the first issue, so a gap in the sequence is worth reporting. Issues are numbered
within a year (``2019年第5号``; combined issues cover several numbers) and many gazettes also
carry a running total (总号) across years. :func:`find_gaps` reads both:

* **missing numbers**: within each year, the numbers from 1 to the highest one held that no
  issue covers; years with no issue at all between the first and the last year held;
* **missing totals**: between two consecutive issues, the totals that should lie between
  theirs. A combined issue may count as one total or as one per number; the report assumes
  the larger step, so it never reports a gap that the other reading would close;
* **missing at a year's end**: numbers after a year's last issue that the totals show existed
  (the next year's first issue has a total further on than the issues in between explain);
* **duplicates**: one issue number held by several issues that print different documents
  (two issues claiming one number), and one total claimed by different issues;
* **editions**: issues that arrived in several files (a scan and the born-digital PDF, a Word
  or web edition). Not a fault: the report lists them, and they do not make it incomplete.

The files of one issue are one issue (:func:`combine`): a gazette's name is compared in a
normal form (:func:`gazette_key`: ``国务院公报`` is ``中华人民共和国国务院公报``; 期 and 号 are
the same gazette's issue units), and records of one number that print a document in common
are editions of one issue. Issues are named by gazette, year and number (and their running
total or first item when two share a number), never by the archive's internal ids.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from gazette.model import Edition, GazetteIssue, IssueNumber

# --- names and editions -----------------------------------------------------------------------

# A gazette is named with or without the state's name, and a city's government with or
# without 人民: ``国务院公报`` = ``中华人民共和国国务院公报``,
# ``济南市政府公报`` = ``济南市人民政府公报``.
_STATE = "中华人民共和国"


def gazette_key(name: str) -> str:
    """A gazette's name in a normal form for comparing: NFKC, no spaces, without the state's
    name in front, 人民政府 as 政府."""
    flat = re.sub(r"[\s\u3000]+", "", unicodedata.normalize("NFKC", name))
    flat = flat.removeprefix(_STATE)
    return flat.replace("人民政府", "政府")


def same_gazette(a: str, b: str) -> bool:
    return gazette_key(a) == gazette_key(b)


# Best first: a born-digital file's text and pages, then a Word file's text, a web edition's,
# then a scan (pages, but text recognised by OCR).
EDITION_KINDS = ("digital", "word", "web", "scanned")


def edition_kind(issue: GazetteIssue, file_format: str | None = None) -> str:
    """What kind of file an issue record was read from."""
    if file_format == "docx":
        return "word"
    if file_format == "html":
        return "web"
    recognised = len(issue.ocr.pages) if issue.ocr is not None else 0
    unread = len(issue.needs_ocr)
    pages = issue.page_count or 0
    if (recognised or unread) and (recognised + unread) * 2 >= max(pages, 1):
        return "scanned"
    return "digital"


def _editions_of(record: GazetteIssue, formats: Mapping[str, str]) -> tuple[Edition, ...]:
    if record.editions:
        return record.editions
    fmt = formats.get(record.source_sha256 or "")
    return (
        Edition(
            source=record.source_sha256,
            kind=edition_kind(record, fmt),
            issue_id=record.id,
            page_count=record.page_count,
            needs_ocr=record.needs_ocr,
            ocr=record.ocr,
        ),
    )


def _rank(record: GazetteIssue, formats: Mapping[str, str]) -> tuple[int, int, int]:
    kind = _editions_of(record, formats)[0].kind
    return (0 if record.items else 1, EDITION_KINDS.index(kind), record.id or 0)


def combine(
    records: Iterable[GazetteIssue], formats: Mapping[str, str] | None = None
) -> list[GazetteIssue]:
    """The archive's issue records (one per file) as issues, each once with its editions.

    Records of the same gazette (by :func:`gazette_key`) and number are editions of one issue
    when they print a document in common, or when one of them has no items yet (a scan that
    waits for OCR). The issue takes its items, total and date from the best edition (born
    digital, Word, web, scanned, in that order), pages its items lack from the others, and
    the longest spelling of the gazette's name.

    Args:
        records: issue records, as stored.
        formats: the format of each record's file (SHA-256 → ``pdf``, ``docx``, ``html`` …).
    """
    formats = formats or {}
    by_number: dict[tuple[str, int, int, int], list[GazetteIssue]] = defaultdict(list)
    for record in records:
        number = record.number
        by_number[(gazette_key(record.gazette), number.year, number.first, number.last)].append(
            record
        )
    out = []
    for held in by_number.values():
        for group in _same_documents(held):
            out.append(_merge(group, formats))
    return sorted(out, key=lambda i: (gazette_key(i.gazette), i.number, i.id or 0))


def _merge(group: Sequence[GazetteIssue], formats: Mapping[str, str]) -> GazetteIssue:
    ordered = sorted(group, key=lambda r: _rank(r, formats))
    best = ordered[0]
    editions = tuple(e for record in ordered for e in _editions_of(record, formats))
    pages: dict[str, Any] = {}
    for record in ordered:
        for item in record.items:
            if item.doc_id and item.pages is not None:
                pages.setdefault(item.doc_id, (item.pages, item.pdf_pages))
    items = tuple(
        attrs.evolve(item, pages=pages[item.doc_id][0], pdf_pages=pages[item.doc_id][1])
        if item.pages is None and item.doc_id in pages
        else item
        for item in best.items
    )
    return attrs.evolve(
        best,
        gazette=max((r.gazette for r in ordered), key=len),
        total=next((r.total for r in ordered if r.total is not None), None),
        date=next((r.date for r in ordered if r.date is not None), None),
        items=items,
        editions=editions,
    )


# --- gaps -------------------------------------------------------------------------------------


@attrs.frozen
class Duplicate:
    """One number (or total) held by several issues, or one issue in several files.

    Attributes:
        label: ``2019年第5期`` or ``总第738期``.
        issues: the issues that hold it, by gazette, number and what tells them apart (their
            running total, date or first item); for editions, the kinds of file.
    """

    label: str
    issues: tuple[str, ...]


@attrs.frozen
class GapReport:
    """The gaps and duplicates in one gazette's run of issues.

    Attributes:
        gazette: the gazette's name.
        issues: issue records held.
        unit: how the gazette numbers its issues (``期`` or ``号``).
        first, last: the earliest and latest issue held.
        missing: ``(year, number)`` pairs with no issue, within the years held.
        missing_years: years between the first and last with no issue at all.
        missing_at_year_end: ``(year, number)`` pairs after a year's last issue, inferred
            from the running totals.
        missing_totals: running totals no issue carries, between issues that carry totals.
        duplicates: issue numbers held by several issues that print different documents.
        duplicate_totals: totals claimed by different issues.
        editions: issues held in several files (the kinds of file, best first).
        out_of_order: pairs of issue labels whose totals run backwards.
    """

    gazette: str
    issues: int
    unit: str = "期"
    first: IssueNumber | None = None
    last: IssueNumber | None = None
    missing: tuple[tuple[int, int], ...] = ()
    missing_years: tuple[int, ...] = ()
    missing_at_year_end: tuple[tuple[int, int], ...] = ()
    missing_totals: tuple[int, ...] = ()
    duplicates: tuple[Duplicate, ...] = ()
    duplicate_totals: tuple[Duplicate, ...] = ()
    out_of_order: tuple[tuple[str, str], ...] = ()
    editions: tuple[Duplicate, ...] = ()

    @property
    def complete(self) -> bool:
        """No gap and no duplicate found."""
        return not (
            self.missing
            or self.missing_years
            or self.missing_at_year_end
            or self.missing_totals
            or self.duplicates
            or self.duplicate_totals
            or self.out_of_order
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "gazette": self.gazette,
            "issues": self.issues,
            "unit": self.unit,
            "first": str(self.first) if self.first else None,
            "last": str(self.last) if self.last else None,
            "complete": self.complete,
            "missing": [{"year": y, "issue": n} for y, n in self.missing],
            "missing_years": list(self.missing_years),
            "missing_at_year_end": [{"year": y, "issue": n} for y, n in self.missing_at_year_end],
            "missing_totals": list(self.missing_totals),
            "duplicates": [{"label": d.label, "issues": list(d.issues)} for d in self.duplicates],
            "duplicate_totals": [
                {"label": d.label, "issues": list(d.issues)} for d in self.duplicate_totals
            ],
            "out_of_order": [list(pair) for pair in self.out_of_order],
            "editions": [{"label": d.label, "kinds": list(d.issues)} for d in self.editions],
        }


def _names(issues: Sequence[GazetteIssue]) -> tuple[str, ...]:
    """Each issue by gazette and number, with what tells it from the others of the same
    number: its running total, else its date, else its first item, else its file."""
    labels = [f"{i.gazette} {i.number}" for i in issues]
    if len(set(labels)) == len(labels):
        return tuple(labels)
    tellers = (
        lambda i: f"总第{i.total}期" if i.total is not None else None,
        lambda i: i.date.isoformat() if i.date is not None else None,
        lambda i: i.items[0].title[:30] if i.items else None,
        lambda i: (
            f"文件{i.editions[0].source[:12]}" if i.editions and i.editions[0].source else None
        ),
    )
    for teller in tellers:
        told = [teller(i) for i in issues]
        if None not in told and len(set(told)) == len(told):
            return tuple(f"{label}（{t}）" for label, t in zip(labels, told, strict=True))
    return tuple(f"{label}（其{k}）" for k, label in enumerate(labels, start=1))


def find_gaps(
    issues: Iterable[GazetteIssue], formats: Mapping[str, str] | None = None
) -> list[GapReport]:
    """One report per gazette (records of one issue in several files combined first: see
    :func:`combine`), ordered by name.

    Raises nothing: issues without a number are reported as such.
    """
    by_gazette: dict[str, list[GazetteIssue]] = defaultdict(list)
    for issue in combine(issues, formats):
        by_gazette[gazette_key(issue.gazette)].append(issue)
    reports = [
        _report(max((i.gazette for i in held), key=len), held) for held in by_gazette.values()
    ]
    return sorted(reports, key=lambda r: r.gazette)


def _report(gazette: str, issues: Sequence[GazetteIssue]) -> GapReport:
    # Who holds each number.
    holders: dict[tuple[int, int], list[GazetteIssue]] = defaultdict(list)
    for issue in issues:
        for n in issue.number.numbers:
            holders[(issue.number.year, n)].append(issue)
    duplicates = [
        Duplicate(f"{year}年第{n}{held[0].number.unit}", _names(held))
        for (year, n), held in sorted(holders.items())
        if len(held) > 1
    ]
    editions = [
        Duplicate(f"{issue.number}", tuple(e.kind for e in issue.editions))
        for issue in sorted(issues, key=lambda i: i.number)
        if len(issue.editions) > 1
    ]
    # Missing numbers and years.
    years: dict[int, set[int]] = defaultdict(set)
    for year, n in holders:
        years[year].add(n)
    missing = [
        (year, n)
        for year in sorted(years)
        for n in range(1, max(years[year]) + 1)
        if n not in years[year]
    ]
    held_years = sorted(years)
    missing_years = (
        [y for y in range(held_years[0], held_years[-1] + 1) if y not in years]
        if held_years
        else []
    )
    # One issue per number run (the first record of duplicates stands for them).
    distinct: dict[tuple[int, int, int], GazetteIssue] = {}
    for issue in sorted(issues, key=lambda i: (i.number, i.id or 0)):
        distinct.setdefault((issue.number.year, issue.number.first, issue.number.last), issue)
    run = sorted(distinct.values(), key=lambda i: i.number)
    # Totals.
    claims: dict[int, set[tuple[int, int, int]]] = defaultdict(set)
    claim_ids: dict[int, list[GazetteIssue]] = defaultdict(list)
    for issue in issues:
        if issue.total is not None:
            key = (issue.number.year, issue.number.first, issue.number.last)
            claims[issue.total].add(key)
            claim_ids[issue.total].append(issue)
    duplicate_totals = [
        Duplicate(f"总第{total}期", _names(claim_ids[total]))
        for total in sorted(claims)
        if len(claims[total]) > 1
    ]
    missing_totals: list[int] = []
    year_end: list[tuple[int, int]] = []
    out_of_order: list[tuple[str, str]] = []
    with_totals = [i for i in run if i.total is not None]
    for a, b in itertools.pairwise(with_totals):
        assert a.total is not None and b.total is not None
        step = len(a.number.numbers)
        if b.total <= a.total:
            out_of_order.append((str(a.number), str(b.number)))
            continue
        expected_between = _numbers_between(a.number, b.number, years)
        if expected_between is None:
            continue
        gap = b.total - a.total - step - expected_between
        if gap <= 0:
            continue
        missing_totals.extend(range(a.total + step, b.total))
        if b.number.year > a.number.year and expected_between == 0 and b.number.first == 1:
            year_end.extend((a.number.year, a.number.last + k) for k in range(1, gap + 1))
    # Totals inside the run that issues in between do carry are not missing.
    carried = set(claims)
    missing_totals = sorted(set(missing_totals) - carried)
    # The unit most issues use; on a tie, the latest issue's (a gazette's current usage).
    units = Counter(i.number.unit for i in issues)
    latest = [i.number.unit for i in sorted(issues, key=lambda i: i.number)]
    unit = (
        max(units, key=lambda u: (units[u], len(latest) - latest[::-1].index(u))) if units else "期"
    )
    return GapReport(
        gazette=gazette,
        issues=len(issues),
        unit=unit,
        first=run[0].number if run else None,
        last=run[-1].number if run else None,
        missing=tuple(missing),
        missing_years=tuple(missing_years),
        missing_at_year_end=tuple(year_end),
        missing_totals=tuple(missing_totals),
        duplicates=tuple(duplicates),
        duplicate_totals=tuple(duplicate_totals),
        out_of_order=tuple(out_of_order),
        editions=tuple(editions),
    )


def _same_documents(held: Sequence[GazetteIssue]) -> list[list[GazetteIssue]]:
    """The records of one number grouped into issues: records that print a document in
    common are files of one issue; a scan whose pages wait for OCR (no items yet) is a file
    of the first of them; any other record without items is an issue of its own."""
    groups: list[tuple[set[str], list[GazetteIssue]]] = []
    waiting: list[GazetteIssue] = []
    for issue in held:
        docs = {item.doc_id for item in issue.items if item.doc_id}
        if not docs and issue.needs_ocr and not issue.editions:
            waiting.append(issue)
            continue
        joined = [g for g in groups if docs and g[0] & docs]
        merged_docs, merged = set(docs), [issue]
        for g in joined:
            merged_docs |= g[0]
            merged = g[1] + merged
            groups.remove(g)
        groups.append((merged_docs, merged))
    if waiting:
        if groups:
            groups[0][1].extend(waiting)
        else:
            groups.append((set(), waiting))
    return [records for _, records in groups]


def _numbers_between(a: IssueNumber, b: IssueNumber, years: dict[int, set[int]]) -> int | None:
    """How many issue numbers the per-year report already counts as missing between two
    consecutive issues with totals (so the totals report does not infer them twice at a year's
    end). ``None`` when the two are more than a year apart (the totals say nothing precise)."""
    if a.year == b.year:
        return 0
    if b.year - a.year > 1:
        return None
    return b.first - 1  # numbers 1 … first-1 of the later year, already reported missing


__all__ = [
    "EDITION_KINDS",
    "Duplicate",
    "GapReport",
    "combine",
    "edition_kind",
    "find_gaps",
    "gazette_key",
    "same_gazette",
]
