"""Ranking in the SQLite engine: FTS5's ``bm25()`` where it is cheap, BM25 counted in the
stored text where it is not, and tiers when there are too many candidates to score.

See :mod:`gazette.search.sqlite_engine` (its module description) for the four ways a query is
ranked; :mod:`gazette.search.pg_rank` takes the same ways in the PostgreSQL engine.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import attrs

from gazette.search import common_grams, docsets, scoring, tiers
from gazette.search.base import TITLE_BOOST, Generation, TextSpec

if TYPE_CHECKING:
    from gazette.search.sqlite_engine import SqliteIndex

RANK_ALL = 2000
RANK_WINDOW = 200
TITLE_TIER = 1000

_quote = common_grams.quote


def rank(
    index: SqliteIndex,
    gen: Generation,
    groups: Sequence[Sequence[TextSpec]],
    candidates: int,
    depth: int,
    public_only: bool,
    memo: dict[int, tuple[str, str]] | None = None,
) -> list[tuple[int, float]]:
    """The best ``depth`` of the ``candidates`` (a document set) matching ``groups``, each
    with its score, best first (see the module description for how)."""
    query = index._query(groups)
    wanted_count = docsets.count(candidates)
    if query is None or not wanted_count:
        return []
    memo = {} if memo is None else memo
    expr = f"{index._columns(public_only)} : ({query})"
    weights = f"{TITLE_BOOST}, 1.0, 1.0"
    matched = gen.cache.get(("match", expr))
    match_count = docsets.count(matched) if matched is not None else wanted_count
    view = docsets.contains_view(candidates)
    size = len(view)
    tokens = list(
        dict.fromkeys(t for group in groups for spec in group for t in index._phrase_tokens(spec))
    )
    # FTS5's bm25() first counts the documents of every token by walking its whole posting
    # list: for a common token that is most of the cost of a query. Queries with one are
    # scored here instead, from the stored text of the documents ranked.
    common = index._common_bits(gen, tokens) if tokens else {}

    def kept(rows: Iterable[tuple[int, float]]) -> list[tuple[int, float]]:
        return [(n, -s) for n, s in rows if n < size and view[n]]

    # The documents holding each word as written (its characters adjacent, which matching
    # by bigrams does not require): the newest RANK_WINDOW of them. They always compete,
    # so that the literal re-ranking (in the shared half) can put them first however long
    # they are. (Not scored: FTS5 stops after the newest, and the re-ranking orders them.)
    written: list[tuple[int, float]] = []
    adjacent = index._query([[attrs.evolve(s, phrase=True) for s in g] for g in groups])
    if adjacent is not None and adjacent != query:
        written = kept(
            (n, 0.0)
            for (n,) in index.conn.execute(
                "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rowid DESC LIMIT ?",
                (f"{index._columns(public_only)} : ({adjacent})", RANK_WINDOW),
            )
        )
    if common and wanted_count <= RANK_WINDOW:
        ranked = scored(index, gen, docsets.members(candidates), tokens, common, public_only, memo)
        return ranked[:depth] + tiers.missing(written[:depth], ranked[:depth])
    if not common and match_count <= RANK_ALL:
        # Every match is scored; fetch enough of the best for the candidates among them.
        share = max(1, -(-2 * match_count // wanted_count))
        limit = min(match_count, depth * share)
        sql = f"SELECT rowid, bm25(fts, {weights}) FROM fts WHERE fts MATCH ? ORDER BY 2"
        ranked = kept(index.conn.execute(f"{sql} LIMIT ?", (expr, limit)).fetchall())
        if len(ranked) < min(depth, wanted_count) and limit < match_count:
            ranked = kept(index.conn.execute(sql, (expr,)).fetchall())
        ranked = ranked[:depth]
        return ranked + tiers.missing(written[:depth], ranked)
    # Too many to score: the newest title matches, then those holding the words as written,
    # then the newest candidates.
    titled = kept(
        index.conn.execute(
            "SELECT rowid, bm25(titles) FROM titles WHERE titles MATCH ?"
            " ORDER BY rowid DESC LIMIT ?",
            (query, TITLE_TIER),
        ).fetchall()
    )
    titled, window = tiers.titles_first(titled, written, candidates, depth, RANK_WINDOW)
    if not window:
        return titled
    if common:
        recent = scored(index, gen, window, tokens, common, public_only, memo)
    else:
        # The range lets FTS5 skip to the window; the list keeps only its members.
        recent = [
            (n, -s)
            for n, s in index.conn.execute(
                f"SELECT rowid, bm25(fts, {weights}) FROM fts WHERE fts MATCH ?"
                " AND rowid >= ? AND +rowid IN (SELECT value FROM json_each(?))",
                (expr, min(window), json.dumps(window)),
            )
        ]
        recent.sort(key=lambda item: -item[1])
    return titled + recent[: max(0, depth - len(titled))]


def scored(
    index: SqliteIndex,
    gen: Generation,
    nums: Sequence[int],
    tokens: Sequence[str],
    common: dict[str, int],
    public_only: bool,
    memo: dict[int, tuple[str, str]],
) -> list[tuple[int, float]]:
    """BM25 of some documents, best first, counted in their stored text (title
    :data:`TITLE_BOOST` times the body, lengths in characters): what ``bm25()`` computes,
    without walking the posting lists of common tokens to count their documents (their
    bitmaps say it; the rarer tokens' lists are short)."""
    total = max(1, docsets.count(gen.live))
    weights: dict[str, float] = {}
    for token in tokens:
        if token in common:
            held = docsets.count(common[token] & gen.live)
        else:
            key = ("held", public_only, token)
            cached = gen.cache.get(key)
            if cached is None:
                cached = index.conn.execute(
                    "SELECT count(*) FROM fts WHERE fts MATCH ?",
                    (f"{index._columns(public_only)} : {_quote(token)}",),
                ).fetchone()[0]
                gen.cache[key] = cached
            held = int(cached)
        weights[token] = scoring.idf(total, held)
    # Counted in the texts kept between searches (the windows of queries overlap).
    counted = index._kept(gen).counted(nums, weights, public_only, index._read_texts)
    return scoring.bm25_counted(counted, weights, TITLE_BOOST)
