"""The facets of a search: issuers, years, 文种 and statuses counted over every match."""

from __future__ import annotations

from collections import Counter
from typing import Any

from gazette.search import docsets
from gazette.search.generation import SMALL, Generation

FACET_LIMIT = 20


def facet_counts(
    gen: Generation,
    matched: int,
    total: int,
    statuses: tuple[dict[str, int], dict[str, str]] | None,
) -> dict[str, dict[str, int]]:
    """Issuers, years, 文种 and (given the statuses on a date) statuses counted over every
    match: member by member for a small set, with the bitmaps of each value for a large one."""
    if total <= SMALL:
        metas = [gen.docs[num] for num in docsets.members(matched)]
        issuers: Counter[str] = Counter()
        for meta in metas:
            assert meta is not None
            issuers.update(meta.issuers)
        years: Counter[int] = Counter(m.year for m in metas if m and m.year is not None)
        types: Counter[str] = Counter(m.doc_type for m in metas if m and m.doc_type)
    else:
        issuers = _count(gen.values("issuer"), matched)
        years = _count(gen.values("year"), matched)
        types = _count(gen.values("doc_type"), matched)
    out: dict[str, dict[str, int]] = {
        "issuer": _most_common(issuers),
        "year": {str(y): n for y, n in sorted(years.items(), reverse=True)},
        "doc_type": _most_common(types),
    }
    if statuses is not None:
        counts = Counter({s: docsets.count(bits & matched) for s, bits in statuses[0].items()})
        out["status"] = {s: n for s, n in counts.most_common() if n}
    return out


def _most_common(counts: Counter[str]) -> dict[str, int]:
    """The :data:`FACET_LIMIT` commonest values, ties by value (not by the order documents
    were indexed in, which differs between an index built at once and one kept up)."""
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:FACET_LIMIT])


def _count(values: dict[Any, int], matched: int) -> Counter[Any]:
    counts: Counter[Any] = Counter()
    for value, bits in values.items():
        found = docsets.count(bits & matched)
        if found:
            counts[value] = found
    return counts
