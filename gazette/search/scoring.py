"""BM25 counted in the stored text of the documents being ranked.

Used by engines that rank a window of candidates themselves rather than through their storage
(the SQLite engine for queries with common tokens, the PostgreSQL engine always): the title
counts :data:`~gazette.search.base.TITLE_BOOST` times the body, lengths are in characters and
averaged over the documents ranked, and a token's document count comes from the engine.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence

from gazette.search.analysis import fold

K1 = 1.2
B = 0.75
_ASCII_ALNUM = re.compile(r"[0-9a-z]")


def idf(total: int, held: int) -> float:
    """The weight of a token that ``held`` of ``total`` documents hold."""
    return math.log((total - held + 0.5) / (held + 0.5) + 1.0)


def bm25(
    nums: Sequence[int],
    texts: Mapping[int, tuple[str, str]],
    weights: Mapping[str, float],
    title_boost: float,
) -> list[tuple[int, float]]:
    """The scores of documents (those with a text), best first, ties newest first.

    Args:
        nums: the documents to score.
        texts: their (title, body).
        weights: each query token with its :func:`idf`.
        title_boost: how many times a title occurrence counts.
    """
    folded = needs_folding(weights)
    counted: dict[int, tuple[int, dict[str, tuple[int, int]]]] = {}
    for num in nums:
        if num not in texts:
            continue
        title, body = texts[num]
        counted[num] = (len(title) + len(body), counts(title, body, weights, folded))
    return bm25_counted(counted, weights, title_boost)


def needs_folding(tokens: Iterable[str]) -> bool:
    """Whether tokens are counted in folded text: when one of them has letters or digits
    (which the text may write in upper case or full width)."""
    return any(_ASCII_ALNUM.search(t) for t in tokens)


def counts(
    title: str, body: str, tokens: Iterable[str], folded: bool
) -> dict[str, tuple[int, int]]:
    """Each token's occurrences in a title and a body (in their folded form if ``folded``)."""
    if folded:
        title, body = fold(title), fold(body)
    return {t: (title.count(t), body.count(t)) for t in tokens}


def bm25_counted(
    counted: Mapping[int, tuple[int, Mapping[str, tuple[int, int]]]],
    weights: Mapping[str, float],
    title_boost: float,
) -> list[tuple[int, float]]:
    """:func:`bm25` from what was counted of each document: its length in characters, and
    each token's occurrences in its title and its body (an engine may count where the text
    is)."""
    average = max(1.0, sum(length for length, _ in counted.values()) / max(1, len(counted)))
    scored = []
    for num, (length, found) in counted.items():
        norm = K1 * (1 - B + B * length / average)
        score = 0.0
        for token, weight in weights.items():
            in_title, in_body = found.get(token, (0, 0))
            tf = title_boost * in_title + in_body
            if tf:
                score += weight * tf * (K1 + 1) / (tf + norm)
        scored.append((num, score))
    scored.sort(key=lambda item: (-item[1], -item[0]))
    return scored
