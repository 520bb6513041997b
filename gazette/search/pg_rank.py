"""Ranking in the PostgreSQL engine: the SQLite engine's tiers and scores, step for step.

The SQLite engine (:mod:`gazette.search.sqlite_engine`) ranks a query in one of four ways;
this module takes the same way on the same figures, so that both engines put the same
documents in the same order:

* a query with common tokens and at most :data:`RANK_WINDOW` candidates: every candidate, by
  BM25 counted in its stored text (:mod:`gazette.search.scoring`);
* a query without common tokens and at most :data:`RANK_ALL` matches: every candidate, by
  FTS5's ``bm25()`` (:mod:`gazette.search.fts5_rank`, from the lengths in tokens stored with
  each document and the document counts of GIN);
* otherwise tiers: the newest :data:`TITLE_TIER` documents whose title matches, by FTS5's
  ``bm25()`` over the titles alone; then the documents that hold each word as written among
  the newest :data:`RANK_WINDOW` that do (these compete whatever their score, for the
  literal re-ranking of the shared half); then the newest candidates by BM25 (counted in the
  text with common tokens, FTS5's without).

Where the SQLite engine asks FTS5 for the newest documents holding the words as written (a
phrase query, which stops after the first :data:`RANK_WINDOW`), this engine looks for the
words in the stored text of the newest matches, at most :data:`WRITTEN_CHECKED` of them
(GIN cannot walk a phrase's matches newest first): the database looks for words of
ideographs where the texts are stored, and only the numbers of the documents found come back;
words with letters or digits (which the text may write in upper case or full width) are
looked for in Python. Text is read through :class:`~gazette.search.pg_texts.Texts` (a
:class:`~gazette.search.text_cache.TextCache` kept per generation, as the SQLite engine keeps
its own).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from gazette.search import docsets, fts5_rank, scoring, tiers
from gazette.search.analysis import fold
from gazette.search.base import TITLE_BOOST, Generation, TextSpec
from gazette.search.pg_match import quote, where

if TYPE_CHECKING:
    from gazette.search.pg_engine import PgIndex

RANK_ALL = 2000
RANK_WINDOW = 200
TITLE_TIER = 1000
# Newest matches whose text is searched for the words as written.
WRITTEN_CHECKED = 2000
_CHUNK = 256

Ranked = list[tuple[int, float]]


def rank(
    index: PgIndex,
    gen: Generation,
    groups: Sequence[Sequence[TextSpec]],
    candidates: int,
    depth: int,
    public_only: bool,
) -> Ranked:
    """Up to ``depth`` candidates, best first (see the module docstring)."""
    query = index._query(groups)
    wanted = docsets.count(candidates)
    if query is None or not wanted:
        return []
    matched = gen.cache.get(("match", public_only, query))
    match_count = docsets.count(matched) if matched is not None else wanted
    view = docsets.contains_view(candidates)
    size = len(view)

    def kept(rows: Sequence[tuple[int, float]]) -> Ranked:
        return [(n, s) for n, s in rows if n < size and view[n]]

    tokens = list(dict.fromkeys(t for group in groups for s in group for t in index._tokens(s)))
    common = index._common_bits(gen, tokens) if tokens else {}
    every = matched is not None and candidates == matched
    share = 1.0 if matched is None else wanted / max(1, match_count)
    tiered = not (common and wanted <= RANK_WINDOW) and bool(common or match_count > RANK_ALL)
    ahead = None
    if tiered and share < 0.5:
        # With a filter, few title matches are candidates and the newest candidates are
        # ranked from their texts: they are read meanwhile, on another connection.
        ahead = index._texts_kept.read_ahead(index, gen, docsets.largest(candidates, RANK_WINDOW))
    written: Ranked = []
    adjacent = [[attrs.evolve(s, phrase=True) for s in group] for group in groups]
    phrases = index._query(adjacent)
    if phrases not in (None, query):
        # Only the first ``depth`` of them that are candidates are used: when every match is
        # a candidate (no filter), the first ``depth`` found are enough.
        candidate = None if every else (lambda n: n < size and bool(view[n]))
        found = _written_kept(index, gen, groups, public_only, phrases, candidate, depth, share)
        written = kept([(n, 0.0) for n in found])
    if common and wanted <= RANK_WINDOW:
        ranked = scored(index, gen, docsets.members(candidates), tokens, public_only)[:depth]
        return ranked + tiers.missing(written[:depth], ranked)
    if not common and match_count <= RANK_ALL:
        ranked = _fts5(index, gen, groups, docsets.members(candidates), public_only)[:depth]
        return ranked + tiers.missing(written[:depth], ranked)
    titled, window = tiers.titles_first(
        kept(_title_tier(index, gen, groups, query)), written, candidates, depth, RANK_WINDOW
    )
    if not window:
        return titled
    if ahead is not None:
        ahead.result()
    window.sort()
    if common:
        recent = scored(index, gen, window, tokens, public_only)
    else:
        recent = _fts5(index, gen, groups, window, public_only)
    return titled + recent[: max(0, depth - len(titled))]


# --- the words as written ------------------------------------------------------------------


def _written_kept(
    index: PgIndex,
    gen: Generation,
    groups: Sequence[Sequence[TextSpec]],
    public_only: bool,
    phrases: str,
    candidate: Callable[[int], bool] | None,
    depth: int,
    share: float,
) -> list[int]:
    """The newest of the first :data:`RANK_WINDOW` matches holding the words as written, as
    many as ranking uses: only the first ``depth`` of them that are candidates compete, so
    the search stops once it has found them (``candidate`` tells a candidate, ``None`` when
    every match is one; ``share`` is the candidates' share of the matches, to guess how far
    to look). What was found is kept with the generation's match sets and taken further when
    a later search (another filter) needs more."""
    key = ("written", public_only, phrases)
    found, done = gen.cache.get(key, ((), False))
    found = list(found)

    while not done and len(found) < RANK_WINDOW:
        held = len(found) if candidate is None else sum(1 for n in found if candidate(n))
        if held >= depth:
            break
        need = depth - held
        step = need if candidate is None else int(need / max(share, 0.01) * 1.25) + 8
        step = min(step, RANK_WINDOW - len(found))
        more = _written(index, gen, groups, public_only, found[-1] if found else None, step)
        found.extend(more[: RANK_WINDOW - len(found)])
        done = len(more) < step
        gen.cache[key] = (tuple(found), done)
    return found


def _written(
    index: PgIndex,
    gen: Generation,
    groups: Sequence[Sequence[TextSpec]],
    public_only: bool,
    before: int | None,
    limit: int,
) -> list[int]:
    """The newest ``limit`` matches (among the newest :data:`WRITTEN_CHECKED`, older than
    ``before`` when given) where every group has a text held as written, newest first."""
    wanted = [[fold(s.text) for s in group if s.text] for group in groups]
    matched = index._match(gen, groups, public_only)
    newest = docsets.largest(matched, WRITTEN_CHECKED)
    if before is not None:
        newest = newest[bisect.bisect_right([-n for n in newest], -before) :]
    if not newest or not all(wanted):
        return []
    if not _folding(wanted) and not index._texts_kept.holds(gen, newest[:_CHUNK]):
        return _written_where_stored(index, newest, wanted, public_only, limit)
    out: list[int] = []
    for start in range(0, len(newest), _CHUNK):
        chunk = newest[start : start + _CHUNK]
        texts = index._texts_kept.texts(index, gen, chunk)
        for num in chunk:
            title, body, restricted = texts.get(num, ("", "", ""))
            columns = (title, body) if public_only else (title, body, restricted)
            if all(any(_holds(text, columns) for text in group) for group in wanted):
                out.append(num)
                if len(out) >= limit:
                    return out
    return out


def _written_where_stored(
    index: PgIndex, newest: list[int], wanted: list[list[str]], public_only: bool, limit: int
) -> list[int]:
    """:func:`_written` for words without letters or digits, looked for by the database in
    the stored texts, newest first until ``limit`` are found: no text leaves the server (a
    document's text is about three times smaller than its ``tsvector``, so this is also
    cheaper than asking for the phrase through the token positions)."""
    columns = ("title", "body") if public_only else ("title", "body", "restricted")
    params: list[Any] = []
    conditions = []
    for group in wanted:
        either: list[str] = []
        for literal in group:
            either.extend(f"strpos({column}, %s) > 0" for column in columns)
            params.extend(literal for _ in columns)
        conditions.append("(" + " OR ".join(either) + ")")
    held = " AND ".join(conditions)
    table = f"{index.schema}.texts"
    if len(params) > len(columns):
        # Several words: each text is decompressed once, not once for each word.
        read = ", ".join(f"{c} || '' AS {c}" if c != "title" else c for c in columns)
        by_range = (
            f"SELECT num FROM (SELECT num, {read} FROM {table} WHERE num BETWEEN %s AND %s"
            f" ORDER BY num DESC OFFSET 0) t WHERE {held}"
        )
        by_list = (
            f"SELECT num FROM (SELECT num, {read} FROM {table} WHERE num = ANY(%s)"
            f" ORDER BY num DESC OFFSET 0) t WHERE {held}"
        )
    else:
        by_range = f"SELECT num FROM {table} WHERE num BETWEEN %s AND %s AND {held}"
        by_list = f"SELECT num FROM {table} WHERE num = ANY(%s) AND {held}"
    # The newest matches go in slices, growing: most words are found in the first. A slice
    # whose matches are dense goes as its range: a text holding every word as written holds
    # its tokens, so it is a match, and one in the range of a slice is in the slice (sending
    # and planning an array of 2,000 numbers cost more than looking in the hundred texts
    # most words need). A sparse slice goes as its numbers.
    out: list[int] = []
    start, size = 0, 2 * limit + 16
    while start < len(newest) and len(out) < limit:
        chunk = newest[start : start + size]
        left = limit - len(out)
        found: list[int] | None = None
        if chunk[0] - chunk[-1] < 2 * len(chunk):
            found = _nums_of(index, by_range, [chunk[-1], chunk[0], *params, left])
            if not set(found) <= set(chunk):
                found = None  # should a text ever hold words its tokens do not
        if found is None:
            found = _nums_of(index, by_list, [chunk, *params, left])
        out.extend(found)
        start, size = start + size, size * 4
    return out


def _nums_of(index: PgIndex, sql: str, params: list[Any]) -> list[int]:
    """The numbers a statement finds, newest first, at most its last parameter."""
    rows = index._conn().execute(sql + " ORDER BY num DESC LIMIT %s", params).fetchall()
    return [num for (num,) in rows]


def _folding(wanted: Sequence[Sequence[str]]) -> bool:
    """Whether a word holds letters or digits, which the text may write in upper case or
    full width (found by folding the text, in Python)."""
    return any(_foldable(literal) for group in wanted for literal in group)


def _foldable(literal: str) -> bool:
    return any("0" <= c <= "9" or "a" <= c <= "z" for c in literal)


def _holds(literal: str, columns: Sequence[str]) -> bool:
    if any(literal in column for column in columns):
        return True
    if _foldable(literal):
        # Letters and digits may be written in upper case or full width in the text.
        return any(literal in fold(column) for column in columns)
    return False


# --- BM25 counted in the text ----------------------------------------------------------------


def scored(
    index: PgIndex,
    gen: Generation,
    nums: Sequence[int],
    tokens: Sequence[str],
    public_only: bool,
) -> Ranked:
    """BM25 of some documents, best first (see :mod:`gazette.search.scoring`), with the
    document counts the SQLite engine uses: bitmaps for common tokens, GIN for the others."""
    if not nums:
        return []
    total = max(1, docsets.count(gen.live))
    weights = {t: scoring.idf(total, n) for t, n in counts(index, gen, tokens, public_only).items()}
    counted = index._texts_kept.counted(index, gen, nums, list(weights), public_only)
    return scoring.bm25_counted(counted, weights, TITLE_BOOST)


def counts(
    index: PgIndex, gen: Generation, tokens: Sequence[str], public_only: bool
) -> dict[str, int]:
    """How many live documents hold each token: a common token's bitmap says it, the others
    are counted through GIN (their posting lists are short)."""
    common = index._common_bits(gen, tokens)
    rare = [t for t in tokens if t not in common]
    columns = "pub" if public_only else "both"
    held = dict(zip(rare, _held(index, gen, columns, [quote(t) for t in rare]), strict=True))
    return {t: docsets.count(common[t] & gen.live) if t in common else held[t] for t in tokens}


def _held(index: PgIndex, gen: Generation, columns: str, tsqueries: Sequence[str]) -> list[int]:
    """How many documents' ``columns`` (``pub``, ``both`` or ``titles``) match each tsquery
    (counted through GIN in one round trip, once per generation)."""
    cache = gen.cache
    missing = list(dict.fromkeys(q for q in tsqueries if ("held", columns, q) not in cache))
    if missing:
        table = f"{index.schema}.{'title_fts' if columns == 'titles' else 'fts'}"
        sql = "SELECT " + ", ".join(
            f"(SELECT count(*) FROM {table} WHERE {where(columns, f'q{i}')})"
            for i in range(len(missing))
        )
        row = index._conn().execute(sql, {f"q{i}": q for i, q in enumerate(missing)}).fetchone()
        for query, found in zip(missing, row, strict=True):
            cache[("held", columns, query)] = int(found)
    return [int(cache[("held", columns, q)]) for q in tsqueries]


def _tsquery(phrase: fts5_rank.Phrase) -> str:
    if phrase.prefix:
        return f"{quote(phrase.tokens[0])}:*"
    return " <-> ".join(quote(t) for t in phrase.tokens)


# --- FTS5's bm25() -------------------------------------------------------------------------


def _lengths(index: PgIndex, gen: Generation) -> tuple[list[Any], int, int, int]:
    """Each document's (title, all) lengths in tokens and whether its text needs no NFKC,
    by number; the live documents and the sums of their lengths (once per generation)."""
    lengths: list[Any] = gen.marks.setdefault("lengths", [])
    totals = gen.marks.get("length totals")
    if totals is None:
        live = docsets.members(gen.live)
        known = [lengths[n] for n in live if n < len(lengths) and lengths[n] is not None]
        totals = (len(live), sum(k[0] for k in known), sum(k[1] for k in known))
        gen.marks["length totals"] = totals
    return lengths, *totals


def _length(lengths: list[Any], num: int, part: int) -> int:
    found = lengths[num] if num < len(lengths) else None
    return int(found[part]) if found is not None else 0


def _plain(lengths: list[Any], num: int) -> bool:
    found = lengths[num] if num < len(lengths) else None
    return found is not None and found[2]


def _fts5(
    index: PgIndex,
    gen: Generation,
    groups: Sequence[Sequence[TextSpec]],
    nums: Sequence[int],
    public_only: bool,
) -> Ranked:
    """FTS5's ``bm25()`` over the title, body and restricted text (weights
    :data:`TITLE_BOOST`, 1, 1; the restricted text only outside the public view)."""
    found = fts5_rank.phrases(groups, index._tokens, index.config.bigrams)
    if not found or not nums:
        return []
    lengths, rows, _, tokens = _lengths(index, gen)
    columns = "pub" if public_only else "both"
    queries = list(map(_tsquery, found))
    whole = index._query(groups)
    matched = gen.cache.get(("match", public_only, whole))
    if matched is not None and queries == [whole]:
        # A query of one phrase matched its documents already: GIN need not count them
        # again (the same rows, read twice).
        gen.cache.setdefault(("held", columns, whole), docsets.count(matched))
    idfs = [fts5_rank.idf(rows, n) for n in _held(index, gen, columns, queries)]
    texts = index._texts_kept.texts(index, gen, sorted(nums))
    weights = (TITLE_BOOST, 1.0, 0.0 if public_only else 1.0)
    return fts5_rank.rank(
        texts,
        weights,
        found,
        idfs,
        lambda num: _length(lengths, num, 1),
        max(1e-9, tokens / max(1, rows)),
        lambda num: _plain(lengths, num),
    )


def _title_tier(
    index: PgIndex, gen: Generation, groups: Sequence[Sequence[TextSpec]], query: str
) -> Ranked:
    """The newest :data:`TITLE_TIER` documents whose title matches, newest first, each with
    FTS5's ``bm25()`` over the titles alone (once per generation and query).

    A query of tokens that must all be held (most are) is answered from the title postings
    alone: the rarest token's documents, newest first, each with its occurrences and the
    other tokens' in its title (looked up beside it; reading every token's postings to
    intersect them doubled three-word queries' p95). Any other query (a prefix, a
    sequence, alternatives) goes through GIN, and the titles found are read to count the
    phrases in them."""
    key = ("titled", query)
    cached = gen.cache.get(key)
    if cached is not None:
        return list(cached)
    found = fts5_rank.phrases(groups, index._tokens, index.config.bigrams)
    phrases = list(map(_tsquery, found))
    # The phrases' document counts in the same round trip: a token's from the writers'
    # counts, a prefix's or a sequence's through GIN.
    tokens = {q: p.tokens[0] for q, p in zip(phrases, found, strict=True)}
    for p, q in zip(found, phrases, strict=True):
        if p.prefix or len(p.tokens) > 1:
            tokens.pop(q, None)
    s = index.schema
    held = _all_held(groups, found)
    if held is not None:
        # The rarest token's postings are walked newest first, the others looked up beside
        # each (GIN would walk the table newest first until a thousand titles hold them all).
        _title_counts(index, gen, held)
        titled = {t: int(gen.cache[("held", "titles", quote(t))]) for t in held}
        order = sorted(held, key=lambda t: (titled[t], t))
    missing = list(dict.fromkeys(q for q in phrases if ("held", "titles", q) not in gen.cache))
    counted = "".join(
        f", (SELECT coalesce(max(docs), 0) FROM {s}.title_counts WHERE token = %(c{i})s)"
        if q in tokens
        else f", (SELECT count(*) FROM {s}.title_fts WHERE titles @@ %(c{i})s::tsquery)"
        for i, q in enumerate(missing)
    )
    params: dict[str, Any] = {f"c{i}": tokens.get(q, q) for i, q in enumerate(missing)}
    if held is not None:
        others = "".join(
            f" JOIN {s}.title_postings p{i} ON p{i}.token = %(t{i})s AND p{i}.num = p0.num"
            for i in range(1, len(order))
        )
        freqs = ", ".join(f"p{i}.freq" for i in range(len(order)))
        rows = (
            index._conn()
            .execute(
                f"SELECT p0.num, ARRAY[{freqs}]{counted} FROM {s}.title_postings p0{others}"
                " WHERE p0.token = %(t0)s ORDER BY p0.num DESC LIMIT %(n)s",
                {**params, **{f"t{i}": t for i, t in enumerate(order)}, "n": TITLE_TIER},
            )
            .fetchall()
            if min(titled.values())
            else []
        )
    else:
        rows = (
            index._conn()
            .execute(
                # The titles looked up one by one: a join would walk the texts table back
                # from the newest number to the oldest title matched.
                f"SELECT m.num, (SELECT t.title FROM {s}.texts t WHERE t.num = m.num)"
                f"{counted} FROM (SELECT num FROM {s}.title_fts WHERE titles @@ %(q)s::tsquery"
                " ORDER BY num DESC LIMIT %(n)s) m ORDER BY m.num DESC",
                {**params, "q": query, "n": TITLE_TIER},
            )
            .fetchall()
        )
    if rows:
        for i, q in enumerate(missing):
            gen.cache[("held", "titles", q)] = int(rows[0][2 + i])
    lengths, docs, titles, _ = _lengths(index, gen)
    idfs = [fts5_rank.idf(docs, n) for n in _held(index, gen, "titles", phrases)] if rows else []
    average = max(1e-9, titles / max(1, docs))
    out = []
    if held is not None:
        places = [order.index(p.tokens[0]) for p in found]
        for num, freqs, *_ in rows:
            counts = [freqs[i] for i in places]
            out.append((num, fts5_rank.score(_length(lengths, num, 0), average, counts, idfs)))
    else:
        count = fts5_rank.counter(found)
        for num, title, *_ in rows:
            found_in = count(title, _plain(lengths, num))
            out.append((num, fts5_rank.score(_length(lengths, num, 0), average, found_in, idfs)))
    gen.cache[key] = out
    return list(out)


def _all_held(
    groups: Sequence[Sequence[TextSpec]], found: Sequence[fts5_rank.Phrase]
) -> list[str] | None:
    """The distinct tokens of a query that asks only that its tokens all be held (no
    alternatives, prefixes or sequences), else ``None``."""
    if not found or any(len(group) != 1 for group in groups):
        return None
    if any(p.prefix or len(p.tokens) != 1 for p in found):
        return None
    return list(dict.fromkeys(p.tokens[0] for p in found))


def _title_counts(index: PgIndex, gen: Generation, tokens: Sequence[str]) -> None:
    """How many titles hold each of ``tokens``, from the writers' counts, kept with the
    generation as GIN's counts are."""
    missing = [t for t in tokens if ("held", "titles", quote(t)) not in gen.cache]
    if not missing:
        return
    found = dict(
        index._conn()
        .execute(
            f"SELECT token, docs FROM {index.schema}.title_counts WHERE token = ANY(%s)",
            (missing,),
        )
        .fetchall()
    )
    for token in missing:
        gen.cache[("held", "titles", quote(token))] = int(found.get(token, 0))


__all__ = ["RANK_ALL", "RANK_WINDOW", "TITLE_TIER", "counts", "rank", "scored"]
