"""What every search engine shares: the interface, and everything but text matching and ranking.

An engine (:mod:`gazette.search.sqlite_engine`, :mod:`gazette.search.whoosh_engine`) stores
:class:`~gazette.search.records.IndexRecord` values and numbers its documents with small
integers. It tells this module three things: which documents match some text (as a bitmap,
see :mod:`gazette.search.docsets`), how they rank against the query, and what their stored
text is. Everything else happens here, the same for every engine:

1. the query is parsed (:mod:`gazette.search.query`); document numbers and other identifiers
   are matched exactly against the per-document columns, text through the engine;
2. filters (issuer, 文种, dates, gazette, year, status on a date, the public view) are bitmaps
   computed once per index generation and cached: a filter is one ``&``
   (:mod:`gazette.search.filter_sets`);
3. the total and the facet counts are bitmap counts over every match
   (:mod:`gazette.search.facets`);
4. the page is ranked by the engine, then re-ranked so that exact number matches and documents
   containing the query texts as written come first; snippets are cut from the stored text.

A :class:`~gazette.search.generation.Generation` holds the columns of one state of the index
(:mod:`gazette.search.generation`). Readers keep using the one they hold while a writer
commits; the next search moves to the new state.
"""

from __future__ import annotations

import abc
import contextlib
import datetime as _dt
import heapq
import re
import struct
import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import attrs

from gazette.errors import IndexDamaged, InvalidArgument, InvalidQuery
from gazette.search import docsets
from gazette.search.analysis import AnalyzerConfig, fold, is_cjk
from gazette.search.facets import FACET_LIMIT, facet_counts
from gazette.search.filter_sets import Allowed, allowed_set, filter_set
from gazette.search.generation import SMALL, DocMeta, Generation, StatusSource
from gazette.search.query import Clause, ParsedQuery, parse_query
from gazette.search.records import IndexRecord, identifier_key
from gazette.search.results import Hit, SearchFilters, SearchResults
from gazette.search.snippets import make_snippet

# What reading a damaged index raises: files (Whoosh's segments, any engine's own files), and
# what each engine adds for its storage (:func:`storage_damage`; SQLite's page errors).
_DAMAGE: list[type[BaseException]] = [OSError, EOFError, struct.error]


def storage_damage(*kinds: type[BaseException]) -> None:
    """Declare what an engine's storage raises when its files are damaged (an engine's
    module calls it once, when imported)."""
    _DAMAGE.extend(kind for kind in kinds if kind not in _DAMAGE)


def index_damage() -> tuple[type[BaseException], ...]:
    """What reading a damaged index raises, for ``except index_damage():``."""
    return tuple(_DAMAGE)


TITLE_BOOST = 3.0
RERANK_DEPTH = 50


@attrs.frozen
class TextSpec:
    """Text an engine must match: ``phrase`` texts in order, others as all their tokens."""

    text: str
    phrase: bool


def bitmap_tokens(
    groups: Sequence[Sequence[TextSpec]], tokens_of: Callable[[TextSpec], list[str]]
) -> tuple[list[str], list[Sequence[TextSpec]]]:
    """A query's groups split for the common-token bitmaps both engines keep: the plain
    tokens that bitmaps may answer (single texts, not one CJK character, not a phrase of
    several tokens; in order, once each), and the groups left to the engine's full-text index
    (alternatives, phrases, single characters)."""
    plain: list[str] = []
    rest: list[Sequence[TextSpec]] = []
    for group in groups:
        spec = group[0] if len(group) == 1 else None
        tokens = tokens_of(spec) if spec is not None else []
        single_char = len(tokens) == 1 and len(tokens[0]) == 1 and is_cjk(tokens[0])
        if spec is None or not tokens or single_char or (spec.phrase and len(tokens) > 1):
            rest.append(group)
        else:
            plain.extend(tokens)
    return list(dict.fromkeys(plain)), rest


def by_bitmaps(
    gen: Generation,
    groups: Sequence[Sequence[TextSpec]],
    tokens_of: Callable[[TextSpec], list[str]],
    common_bits: Callable[[Generation, Sequence[str]], dict[str, int]],
) -> tuple[int, list[str], list[Sequence[TextSpec]]] | None:
    """What the common-token bitmaps answer of a query (see :func:`bitmap_tokens`): the live
    documents holding its common plain tokens, its other plain tokens, and the groups left
    to the engine's full-text index; ``None`` when none of its plain tokens is common."""
    plain, rest = bitmap_tokens(groups, tokens_of)
    if not plain:
        return None
    common = common_bits(gen, plain)
    if not common:
        return None
    out = gen.live
    for token in plain:
        if token in common:
            out &= common[token]
    return out, [t for t in plain if t not in common], rest


class SearchIndex(abc.ABC):
    """A search index of one engine. Open one with :func:`gazette.search.open_index`.

    The archive and its views use only what is defined here: :meth:`apply`, :meth:`revisions`,
    :meth:`clear`, :meth:`search`, :meth:`doc_count`, :meth:`size_bytes` and :meth:`close`.

    Attributes:
        path: the index directory.
        config: the analysis the index was built with.
    """

    engine: ClassVar[str]

    def __init__(self, path: Path, config: AnalyzerConfig) -> None:
        self.path = path
        self.config = config
        self._lock = threading.RLock()

    # --- what an engine provides ------------------------------------------------------------

    @abc.abstractmethod
    def apply(
        self, records: Iterable[IndexRecord], deleted: Iterable[str] = (), *, procs: int = 1
    ) -> int:
        """Add or replace records and delete ids, all in one commit. Returns records written.

        ``procs`` is how many processes may analyse text (bulk loads).
        """

    @abc.abstractmethod
    def revisions(self) -> dict[str, int]:
        """Every indexed id with the catalog revision it was indexed at."""

    @abc.abstractmethod
    def clear(self, config: AnalyzerConfig | None = None) -> None:
        """Drop every record (for a rebuild), optionally changing the analysis."""

    @abc.abstractmethod
    def size_bytes(self) -> int:
        """Bytes the index takes on disk."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release files and connections."""

    @abc.abstractmethod
    def optimize(self) -> None:
        """Upkeep that makes later searches faster (slow; the engine decides what it does)."""

    def problems(self) -> list[str]:
        """What is wrong with the index as a whole (``verify`` reports it; a rebuild fixes it)."""
        return []

    def drop_caches(self) -> None:
        """Forget the match sets cached for this generation (filters stay cached): the next
        query reads the index as if it had never been asked (benchmarks time cold queries)."""
        with self._reading():
            self._current().cache.clear()

    def rebuild(self, records: Iterable[IndexRecord], *, procs: int = 1) -> int:
        """Replace the whole content with ``records``. Returns records written."""
        self.clear()
        return self.apply(records, procs=procs)

    def _reading(self) -> contextlib.AbstractContextManager[Any]:
        """Held around a whole search (an engine may pin one snapshot of its storage)."""
        return contextlib.nullcontext()

    @abc.abstractmethod
    def _current(self) -> Generation:
        """The newest generation (cached while the index does not change)."""

    @abc.abstractmethod
    def _match(
        self, gen: Generation, groups: Sequence[Sequence[TextSpec]], public_only: bool
    ) -> int:
        """The documents where every group has a text that matches (a bitmap)."""

    @abc.abstractmethod
    def _rank(
        self,
        gen: Generation,
        groups: Sequence[Sequence[TextSpec]],
        candidates: int,
        depth: int,
        public_only: bool,
        memo: dict[int, tuple[str, str]] | None = None,
    ) -> list[tuple[int, float]]:
        """Up to ``depth`` candidates, best first, with their scores (``memo``: texts this
        search has read, for an engine that reads texts to rank; it may add to it)."""

    @abc.abstractmethod
    def _texts(
        self, gen: Generation, nums: Sequence[int], public_only: bool
    ) -> dict[int, tuple[str, str]]:
        """Title and searchable body (restricted text included unless ``public_only``)."""

    # --- searching ------------------------------------------------------------------------

    def doc_count(self) -> int:
        """Documents in the index."""
        with self._reading():
            return docsets.count(self._current().live)

    def search(
        self,
        query: str | ParsedQuery,
        *,
        public_only: bool,
        filters: SearchFilters | None = None,
        limit: int = 10,
        offset: int = 0,
        sort: str = "relevance",
        facets: bool = True,
        status_source: StatusSource | None = None,
        today: _dt.date | None = None,
        exclude_ids: Collection[str] = (),
        allowed: Allowed | None = None,
    ) -> SearchResults:
        """Run a query.

        Args:
            query: the query text (see :mod:`gazette.search.query`) or a parsed query.
            public_only: search only what the public view may see (hits, snippets, facets).
            filters: field, date and status filters.
            limit: page size.
            offset: results to skip.
            sort: ``relevance`` or ``date`` (newest first, written date else published).
            facets: count issuers, years, 文种 and statuses over all matches.
            status_source: the status of every document on a date (for ``valid_on``,
                ``status`` and the status facet); without it every status is ``unknown``.
            today: the date statuses are taken on when ``valid_on`` is not given.
            exclude_ids: documents to leave out of hits, totals and facets (entries the
                caller knows to be stale).
            allowed: the only documents that may be found, each with the catalog revision
                its entry must have been written at (an entry of another revision, one the
                index kept from before a change, is left out of hits, totals and facets).

        Raises:
            InvalidQuery: the query cannot be parsed or is empty without filters.
            InvalidArgument: a bad sort, limit or offset.
        """
        if sort not in ("relevance", "date"):
            raise InvalidArgument(f"排序方式只能是 relevance 或 date，而不是“{sort}”")
        if limit < 0 or offset < 0:
            raise InvalidArgument("条数和起始位置都不能为负数")
        filters = filters or SearchFilters()
        parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
        if parsed.empty and not filters.active:
            raise InvalidQuery(query if isinstance(query, str) else "", "没有可检索的内容")
        try:
            with self._reading():
                return self._search(
                    parsed,
                    public_only,
                    filters,
                    limit,
                    offset,
                    sort,
                    facets,
                    status_source,
                    today,
                    exclude_ids,
                    allowed,
                )
        except index_damage() as exc:
            raise IndexDamaged(self.path, f"{type(exc).__name__}: {exc}") from exc

    def _search(
        self,
        parsed: ParsedQuery,
        public_only: bool,
        filters: SearchFilters,
        limit: int,
        offset: int,
        sort: str,
        facets: bool,
        status_source: StatusSource | None,
        today: _dt.date | None,
        exclude_ids: Collection[str] = (),
        allowed: Allowed | None = None,
    ) -> SearchResults:
        gen = self._current()
        on = filters.valid_on or today or _dt.date.today()
        statuses = (
            gen.statuses(on, status_source)
            if (facets or filters.status or filters.valid_on or status_source)
            else None
        )
        matched = filter_set(gen, filters, public_only, statuses)
        stale = [gen.nums[i] for i in exclude_ids if i in gen.nums]
        if stale:
            matched &= ~docsets.from_ids(stale, gen.size)
        if allowed is not None:
            matched &= allowed_set(gen, allowed)
        if parsed.groups:
            matched &= self._matches(gen, parsed.groups, public_only)
        for clause in parsed.excluded:
            if not matched:
                break
            matched &= ~self._matches(gen, ((clause,),), public_only)
        total = docsets.count(matched)
        memo: dict[int, tuple[str, str]] = {}
        page = self._page(gen, parsed, matched, total, sort, limit, offset, public_only, memo)
        hits = self._hits(gen, page, parsed, public_only, statuses, memo)
        counted = facet_counts(gen, matched, total, statuses) if facets else {}
        return SearchResults(total=total, hits=tuple(hits), facets=counted)

    # --- matching ---------------------------------------------------------------------------

    def _matches(
        self, gen: Generation, groups: Sequence[Sequence[Clause]], public_only: bool
    ) -> int:
        """The documents matching every group: numbers and identifiers through the columns,
        text through the engine (groups of text only in one call)."""
        plain: list[list[TextSpec]] = []
        keyed: list[tuple[list[TextSpec], int]] = []
        for group in groups:
            specs: list[TextSpec] = []
            keys = docsets.EMPTY
            has_keys = False
            for clause in group:
                spec, bits, exact = _clause_parts(gen, clause)
                if spec is not None:
                    specs.append(spec)
                if exact:
                    keys |= bits
                    has_keys = True
            if has_keys:
                keyed.append((specs, keys))
            else:
                plain.append(specs)
        out = gen.live
        if plain:
            out &= self._match(gen, plain, public_only)
        for specs, keys in keyed:
            if not out:
                break
            text = self._match(gen, [specs], public_only) if specs else docsets.EMPTY
            out &= text | keys
        return out

    # --- ranking and hits ---------------------------------------------------------------------

    def _texts_of(
        self,
        gen: Generation,
        nums: Sequence[int],
        public_only: bool,
        memo: dict[int, tuple[str, str]],
    ) -> dict[int, tuple[str, str]]:
        """:meth:`_texts`, remembering what one search has already read."""
        missing = [num for num in nums if num not in memo]
        if missing:
            memo.update(self._texts(gen, missing, public_only))
        return memo

    def _literal_counts(
        self,
        gen: Generation,
        nums: list[int],
        literals: list[str],
        public_only: bool,
        memo: dict[int, tuple[str, str]],
    ) -> dict[int, int]:
        """How many of the (folded) literals each document contains as written."""
        texts = self._texts_of(gen, nums, public_only, memo)
        return {num: _literal_count(literals, *texts.get(num, ("", ""))) for num in nums}

    def _page(
        self,
        gen: Generation,
        parsed: ParsedQuery,
        matched: int,
        total: int,
        sort: str,
        limit: int,
        offset: int,
        public_only: bool,
        memo: dict[int, tuple[str, str]],
    ) -> list[tuple[int, float]]:
        want = offset + limit
        if not total or limit == 0 or offset >= total:
            return []
        if sort == "date" or not parsed.groups:
            return [(num, 0.0) for num in _newest(gen, matched, total, want)[offset:]]
        groups = [
            [spec for clause in group if (spec := _clause_parts(gen, clause)[0]) is not None]
            for group in parsed.groups
        ]
        depth = max(want, RERANK_DEPTH)
        ranked = self._rank(gen, groups, matched, depth, public_only, memo)
        # Documents whose number or identifier the query gives exactly always compete.
        keyed: dict[int, int] = {}
        for group in parsed.groups:
            for clause in group:
                _, bits, exact = _clause_parts(gen, clause)
                if exact and bits & matched:
                    for num in docsets.members(bits & matched):
                        meta = gen.docs[num]
                        tier = 2 if meta is not None and meta.parent_id is None else 1
                        keyed[num] = max(keyed.get(num, 0), tier)
        seen = {num for num, _ in ranked}
        ranked.extend((num, 0.0) for num in sorted(keyed) if num not in seen)
        literals = [fold(text) for text in parsed.literals if text]
        if literals:
            order = {num: n for n, (num, _) in enumerate(ranked)}
            found = self._literal_counts(gen, list(order), literals, public_only, memo)
            ranked.sort(key=lambda item: (-keyed.get(item[0], 0), -found[item[0]], order[item[0]]))
        if len(ranked) < want and len(ranked) < total:
            # The engine ranked fewer than the page needs: fill it in date order.
            seen = {num for num, _ in ranked}
            rest = [n for n in _newest(gen, matched, total, want + len(seen)) if n not in seen]
            ranked.extend((num, 0.0) for num in rest[: want - len(ranked)])
        return ranked[offset:want]

    def _hits(
        self,
        gen: Generation,
        page: list[tuple[int, float]],
        parsed: ParsedQuery,
        public_only: bool,
        statuses: tuple[dict[str, int], dict[str, str]] | None,
        memo: dict[int, tuple[str, str]],
    ) -> list[Hit]:
        texts = self._texts_of(gen, [num for num, _ in page], public_only, memo)
        by_id = statuses[1] if statuses is not None else {}
        hits = []
        for num, score in page:
            meta = gen.docs[num]
            assert meta is not None
            title, body = texts.get(num, ("", ""))
            snippet = make_snippet([body], parsed.literals) or make_snippet(
                [title], parsed.literals
            )
            hits.append(
                Hit(
                    id=meta.id,
                    title=title,
                    doc_number=meta.numbers[0] if meta.numbers else None,
                    score=round(score, 4),
                    snippet=snippet,
                    status=by_id.get(meta.id, "unknown"),
                    doc_type=meta.doc_type,
                    issuers=meta.issuers,
                    written=_dt.date.fromordinal(meta.written) if meta.written else None,
                    published=_dt.date.fromordinal(meta.published) if meta.published else None,
                    parent_id=meta.parent_id,
                )
            )
        return hits


_ASCII_ALNUM = re.compile(r"[0-9a-z]")


def _literal_count(literals: list[str], title: str, body: str) -> int:
    """How many of the (folded) literals a document contains as written."""
    found = 0
    folded: str | None = None
    for literal in literals:
        if literal in title or literal in body:
            found += 1
        elif _ASCII_ALNUM.search(literal):
            # Letters and digits may be written in upper case or full width in the text.
            if folded is None:
                folded = fold(title) + "\n" + fold(body)
            if literal in folded:
                found += 1
    return found


def _newest(gen: Generation, matched: int, total: int, want: int) -> list[int]:
    """The ``want`` newest documents of a set."""
    if total <= SMALL * 4:
        docs = gen.docs

        def key(num: int) -> tuple[int, int]:
            meta = docs[num]
            return (meta.date if meta is not None else 0, -num)

        return heapq.nlargest(want, docsets.members(matched), key=key)
    view = docsets.contains_view(matched)
    size = len(view)
    out = []
    for num in gen.by_date():
        if num < size and view[num]:
            out.append(num)
            if len(out) >= want:
                break
    return out


def _clause_parts(gen: Generation, clause: Clause) -> tuple[TextSpec | None, int, bool]:
    """What a clause asks of the engine (text), and of the columns (exact keys)."""
    if clause.kind == "number":
        return TextSpec(clause.text, True), gen.term("number", clause.text), True
    spec = TextSpec(clause.text, clause.kind == "phrase")
    ident = identifier_key(clause.text)
    if len(ident) >= 6 and any(ch.isdigit() for ch in ident):
        bits = gen.term("ident", ident)
        return spec, bits, True
    return spec, docsets.EMPTY, False


__all__ = [  # what engines and the archive import from here, wherever it is defined
    "FACET_LIMIT",
    "RERANK_DEPTH",
    "TITLE_BOOST",
    "Allowed",
    "DocMeta",
    "Generation",
    "SearchIndex",
    "StatusSource",
    "TextSpec",
    "bitmap_tokens",
    "by_bitmaps",
    "index_damage",
    "storage_damage",
]
