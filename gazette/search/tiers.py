"""The tiers both engines rank by when a query has too many matches to score them all (see
:mod:`gazette.search.sqlite_rank` and :mod:`gazette.search.pg_rank`, which find and score
each tier their own way): the newest title matches best first, then the documents holding
the words as written, then a window of the newest candidates left."""

from __future__ import annotations

from gazette.search import docsets

Ranked = list[tuple[int, float]]


def missing(extra: Ranked, ranked: Ranked) -> Ranked:
    """The items of ``extra`` not already ranked."""
    seen = {n for n, _ in ranked}
    return [item for item in extra if item[0] not in seen]


def titles_first(
    titled: Ranked, written: Ranked, candidates: int, depth: int, window: int
) -> tuple[Ranked, list[int]]:
    """The title matches best first and the documents holding the words as written after
    them, up to ``depth`` of each; and the newest ``window`` candidates left to rank after
    those (none when they fill ``depth``), newest first."""
    titled = sorted(titled, key=lambda item: -item[1])[:depth]
    titled += missing(written[:depth], titled)
    if len(titled) >= depth:
        return titled, []
    seen = {n for n, _ in titled}
    left = [n for n in docsets.largest(candidates, window + len(seen)) if n not in seen]
    return titled, left[:window]


__all__ = ["Ranked", "missing", "titles_first"]
