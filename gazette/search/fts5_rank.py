"""BM25 as SQLite's FTS5 computes it (its ``bm25()`` function), for an engine that must rank
as the SQLite engine does without FTS5's posting lists (the PostgreSQL engine).

The SQLite engine lets FTS5 rank three things: every match of a query without common tokens
(up to :data:`~gazette.search.sqlite_engine.RANK_ALL`), the newest title matches (its
``titles`` table), and the window of newest candidates of a query without common tokens.
FTS5's ``bm25()`` is::

    score = Σ over the query's phrases  idf · f · (k1 + 1) / (f + k1 · (1 − b + b · D / avgdl))
    idf   = ln((N − n + 0.5) / (n + 0.5)), at least 1e-6

where a *phrase* is each element of the FTS5 expression (each token of a text, a quoted
sequence, a prefix), ``f`` the phrase's occurrences in the row, each weighted by its column
(the title :data:`~gazette.search.base.TITLE_BOOST` times), ``D`` the row's length in tokens
(every column), ``avgdl`` the table's average, ``N`` its rows and ``n`` the rows holding the
phrase in the columns searched. The engine supplies ``N``, ``n`` and ``D`` (it stores each
document's length in tokens when it writes it); this module counts ``f`` in the text.

**Counting in the text.** The token stream is :func:`~gazette.search.analysis.grams`: every
pair of adjacent ideographs is a bigram, and each character of a CJK run begins exactly one
token. So a sequence of bigrams that chain (``管理 理办 办法``) occurs in the stream where its
characters (``管理办法``) occur in the normalised text, overlaps included, and a prefix of one
ideograph as often as the ideograph; other phrases (words of letters and digits, a run's last
character) are counted in the stream itself (slower, rare).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from gazette.search.analysis import grams, is_cjk, normalise, normalise_ideographs

K1 = 1.2
B = 0.75


@attrs.frozen
class Phrase:
    """One phrase of an FTS5 expression: its tokens in order, or (``prefix``) the tokens
    that start with its one token."""

    tokens: tuple[str, ...]
    prefix: bool = False


def phrases(
    groups: Sequence[Sequence[Any]],
    tokens_of: Callable[[Any], list[str]],
    bigrams: bool,
) -> list[Phrase]:
    """The phrases of the expression the SQLite engine builds for ``groups`` (AND of ORs of
    texts), in its order: a lone ideograph is a prefix, a phrase text of several tokens one
    sequence, any other text each of its distinct tokens."""
    out: list[Phrase] = []
    for group in groups:
        for spec in group:
            tokens = tokens_of(spec)
            if not tokens:
                continue
            if bigrams and len(tokens) == 1 and len(tokens[0]) == 1 and is_cjk(tokens[0]):
                out.append(Phrase((tokens[0],), prefix=True))
            elif spec.phrase and len(tokens) > 1:
                out.append(Phrase(tuple(tokens)))
            else:
                out.extend(Phrase((t,)) for t in dict.fromkeys(tokens))
    return out


def idf(rows: int, held: int) -> float:
    """FTS5's weight of a phrase that ``held`` of ``rows`` rows hold."""
    value = math.log((rows - held + 0.5) / (held + 0.5))
    return value if value > 0.0 else 1e-6


def score(length: int, average: float, freqs: Sequence[float], idfs: Sequence[float]) -> float:
    """BM25 of one row: its length in tokens, the table's average, and per phrase its
    (column-weighted) occurrences and weight."""
    norm = K1 * (1 - B + B * length / average)
    total = 0.0
    for f, weight in zip(freqs, idfs, strict=True):
        total += weight * (f * (K1 + 1.0)) / (f + norm)
    return total


def _chain(tokens: tuple[str, ...]) -> str | None:
    """The characters a sequence of chaining CJK bigrams stands for (``None`` if it is not
    one)."""
    if not all(len(t) == 2 and is_cjk(t) for t in tokens):
        return None
    if any(a[1] != b[0] for a, b in itertools.pairwise(tokens)):
        return None
    return tokens[0] + "".join(t[1] for t in tokens[1:])


def _overlapping(text: str, needle: str) -> int:
    """Occurrences of ``needle`` in ``text``, overlapping ones included."""
    if not any(needle[:k] == needle[-k:] for k in range(1, len(needle))):
        return text.count(needle)
    found = 0
    at = text.find(needle)
    while at >= 0:
        found += 1
        at = text.find(needle, at + 1)
    return found


def _in_stream(stream: list[str], phrase: Phrase) -> int:
    if phrase.prefix:
        return sum(1 for t in stream if t.startswith(phrase.tokens[0]))
    size = len(phrase.tokens)
    first = phrase.tokens[0]
    return sum(
        1
        for i, token in enumerate(stream)
        if token == first and tuple(stream[i : i + size]) == phrase.tokens
    )


def counter(found: Sequence[Phrase]) -> Callable[..., list[int]]:
    """A function giving how often each phrase occurs in the token stream of a text (what
    each phrase needs is worked out once, for the many texts a query counts in). Called
    with ``plain=True`` for a text known to need no NFKC (see
    :func:`~gazette.search.analysis.needs_nfkc`), it skips the check: for a word of two
    ideographs the check is most of the cost."""
    ways: list[tuple[int, Any]] = []
    for phrase in found:
        if phrase.prefix:
            ways.append((0, phrase.tokens[0]))
            continue
        chain = _chain(phrase.tokens)
        if chain is None:
            ways.append((2, phrase))
        elif any(chain[:k] == chain[-k:] for k in range(1, len(chain))):
            ways.append((1, chain))
        else:
            ways.append((0, chain))
    streamed = any(way == 2 for way, _ in ways)
    ideographs = all(way != 2 and is_cjk(what) for way, what in ways)
    form = normalise_ideographs if ideographs else normalise

    def count(text: str, plain: bool = False) -> list[int]:
        normal = (text if ideographs else text.lower()) if plain else form(text)
        stream = grams(text) if streamed else None
        out = []
        for way, what in ways:
            if way == 0:
                out.append(normal.count(what))
            elif way == 1:
                out.append(_overlapping(normal, what))
            else:
                assert stream is not None
                out.append(_in_stream(stream, what))
        return out

    return count


def occurrences(text: str, found: Sequence[Phrase]) -> list[int]:
    """How often each phrase occurs in the token stream of a text."""
    return counter(found)(text)


def rank(
    texts: Mapping[int, Sequence[str]],
    weights: Sequence[float],
    found: Sequence[Phrase],
    idfs: Sequence[float],
    lengths: Callable[[int], int],
    average: float,
    plain: Callable[[int], bool] | None = None,
) -> list[tuple[int, float]]:
    """BM25 of documents by their columns' text, best first (ties by number, in the order
    FTS5 walks its rows).

    Args:
        texts: each document's columns, in the order of ``weights``.
        weights: each column's weight (FTS5's ``bm25()`` arguments).
        found: the query's phrases, with ``idfs`` their weights.
        lengths: a document's length in tokens (all its columns).
        average: the table's average length.
        plain: whether a document's text is known to need no NFKC.
    """
    scored = []
    count = counter(found)
    for num, columns in texts.items():
        freqs = [0.0] * len(found)
        known = plain is not None and plain(num)
        for weight, text in zip(weights, columns, strict=True):
            if weight and text:
                for i, n in enumerate(count(text, known)):
                    freqs[i] += weight * n
        scored.append((num, score(lengths(num), average, freqs, idfs)))
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored


__all__ = ["Phrase", "counter", "idf", "occurrences", "phrases", "rank", "score"]
