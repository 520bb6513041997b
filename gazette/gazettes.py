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
* **duplicates**: one issue number held by several issue records that print different
  documents (two issues claiming one number), and one total claimed by different issues;
* **editions**: one issue number held by several records that print the same documents (one
  issue ingested from several files: a scan and a Word or web edition). Not a fault: the
  report lists them, and they do not make it incomplete.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from gazette.model import GazetteIssue, IssueNumber


@attrs.frozen
class Duplicate:
    """One number (or total) held by several issue records.

    Attributes:
        label: ``2019年第5期`` or ``总第738期``.
        issue_ids: the archive's issue records that hold it.
    """

    label: str
    issue_ids: tuple[int, ...]


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
        duplicates: issue numbers held by several records that print different documents.
        duplicate_totals: totals claimed by different issues.
        editions: issue numbers held by several records that print the same documents
            (files of one issue).
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
            "duplicates": [
                {"label": d.label, "issue_ids": list(d.issue_ids)} for d in self.duplicates
            ],
            "duplicate_totals": [
                {"label": d.label, "issue_ids": list(d.issue_ids)} for d in self.duplicate_totals
            ],
            "out_of_order": [list(pair) for pair in self.out_of_order],
            "editions": [{"label": d.label, "issue_ids": list(d.issue_ids)} for d in self.editions],
        }


def _ids(issues: Iterable[GazetteIssue]) -> tuple[int, ...]:
    return tuple(sorted(i.id if i.id is not None else -1 for i in issues))


def find_gaps(issues: Iterable[GazetteIssue]) -> list[GapReport]:
    """One report per gazette, by name."""
    by_gazette: dict[str, list[GazetteIssue]] = defaultdict(list)
    for issue in issues:
        by_gazette[issue.gazette].append(issue)
    return [_report(name, by_gazette[name]) for name in sorted(by_gazette)]


def _report(gazette: str, issues: Sequence[GazetteIssue]) -> GapReport:
    # Who holds each number.
    holders: dict[tuple[int, int], list[GazetteIssue]] = defaultdict(list)
    for issue in issues:
        for n in issue.number.numbers:
            holders[(issue.number.year, n)].append(issue)
    duplicates = []
    editions = []
    for (year, n), held in sorted(holders.items()):
        if len({_ids([i]) for i in held}) > 1:
            label = f"{year}年第{n}{held[0].number.unit}"
            if len(_same_documents(held)) == 1:
                editions.append(Duplicate(label, _ids(held)))
            else:
                duplicates.append(Duplicate(label, _ids(held)))
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
        Duplicate(f"总第{total}期", _ids(claim_ids[total]))
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
    units = Counter(i.number.unit for i in issues)
    return GapReport(
        gazette=gazette,
        issues=len(issues),
        unit=units.most_common(1)[0][0] if units else "期",
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
    """The records grouped into issues: records that print a document in common are files of
    one issue (a record without linked items is an issue of its own)."""
    groups: list[tuple[set[str], list[GazetteIssue]]] = []
    for issue in held:
        docs = {item.doc_id for item in issue.items if item.doc_id}
        joined = [g for g in groups if docs and g[0] & docs]
        merged_docs, merged = set(docs), [issue]
        for g in joined:
            merged_docs |= g[0]
            merged = g[1] + merged
            groups.remove(g)
        groups.append((merged_docs, merged))
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


__all__ = ["Duplicate", "GapReport", "find_gaps"]
