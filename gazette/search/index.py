"""The Whoosh index: storage, filters, facets, ranking and snippets.

How a search runs (see :meth:`SearchIndex.search`):

1. the query is parsed (:mod:`gazette.search.query`) and compiled to a Whoosh query over the
   fields the view may search;
2. the set of matching document numbers is computed by set algebra over posting lists read a
   block at a time (Whoosh's own matchers step one posting at a time in Python), intersected
   with the filter sets;
3. filter sets, facet columns and the status of every document on a date are computed once per
   index generation and cached: a filter is a set intersection, never a per-hit check;
4. the first page is ranked by BM25F (title weighted above body) on that set; the top
   candidates are re-ranked so that documents containing a query text exactly come first;
5. snippets are cut from the stored text around the first match.

Readers hold a searcher on one index generation; a writer's commit creates the next one, and
the cached searcher moves to it on the next search.
"""

from __future__ import annotations

import datetime as _dt
import heapq
import html
import os
import shutil
import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import Any

from gazette.errors import InvalidArgument
from gazette.search.analysis import AnalyzerConfig, BigramTokenizer, WordTokenizer, fold
from gazette.search.analysis import bigrams as _bigrams
from gazette.search.analysis import words as _words
from gazette.search.query import Clause, ParsedQuery, parse_query
from gazette.search.records import IndexRecord, identifier_key, issue_keys
from gazette.search.results import Hit, SearchFilters, SearchResults

TITLE_BOOST = 3.0
RERANK_DEPTH = 50
SNIPPET_CHARS = 120
_FACET_LIMIT = 20
_SEP = "\x1f"

# The status of every document on a date: (date) -> {doc_id: status}. Supplied by the archive
# from the catalog's status intervals; ``None`` when the index is used on its own.
StatusSource = Callable[[_dt.date], dict[str, str]]


def _schema(config: AnalyzerConfig) -> Any:
    from whoosh import columns, fields

    words = WordTokenizer(config.search_mode)
    spec: dict[str, Any] = {
        "id": fields.ID(stored=True, unique=True, sortable=True),
        "rev": fields.NUMERIC(stored=True),
        "title": fields.TEXT(analyzer=words, stored=True, field_boost=TITLE_BOOST),
        "body": fields.TEXT(analyzer=words, stored=True),
        "restricted": fields.TEXT(analyzer=words, stored=True),
        "number": fields.KEYWORD(stored=True, commas=True),
        "part_number": fields.KEYWORD(commas=True),
        "ident": fields.KEYWORD(commas=True),
        "issuer": fields.KEYWORD(stored=True, commas=True),
        "doc_type": fields.ID(stored=True),
        "written": fields.DATETIME(stored=True),
        "published": fields.DATETIME(stored=True),
        "disclosure": fields.ID(stored=True),
        "public": fields.BOOLEAN(stored=True),
        "gazette": fields.KEYWORD(stored=True, commas=True),
        "issue": fields.KEYWORD(commas=True),
        "parent": fields.ID(stored=True),
        # One column with what facets, filters and date sorting need, read once per generation.
        "meta": fields.COLUMN(columns.VarBytesColumn()),
    }
    if config.bigrams:
        grams = BigramTokenizer()
        spec["title_cjk"] = fields.TEXT(analyzer=grams, field_boost=TITLE_BOOST)
        spec["body_cjk"] = fields.TEXT(analyzer=grams)
        spec["restricted_cjk"] = fields.TEXT(analyzer=grams)
    return fields.Schema(**spec)


def _config_of(schema: Any) -> AnalyzerConfig:
    analyzer = schema["title"].analyzer
    return AnalyzerConfig(
        search_mode=bool(getattr(analyzer, "search_mode", False)),
        bigrams="title_cjk" in schema,
    )


def _as_datetime(value: _dt.date | None) -> _dt.datetime | None:
    return _dt.datetime(value.year, value.month, value.day) if value else None


def _meta(record: IndexRecord) -> bytes:
    values = [
        "\x1e".join(record.issuers),
        str(record.year or ""),
        record.doc_type or "",
        str(record.written.toordinal()) if record.written else "",
        str(record.published.toordinal()) if record.published else "",
        "1" if record.public else "",
        record.parent_id or "",
    ]
    return _SEP.join(values).encode("utf-8")


def _document(record: IndexRecord, config: AnalyzerConfig) -> dict[str, Any]:
    top = record.parent_id is None
    fields: dict[str, Any] = {
        "id": record.id,
        "rev": record.rev,
        "title": record.title,
        "body": record.body,
        "restricted": record.restricted,
        "number": ",".join(record.numbers) if top else "",
        "part_number": "" if top else ",".join(record.numbers),
        "ident": ",".join(record.identifiers),
        "issuer": ",".join(i.replace(",", " ") for i in record.issuers),
        "doc_type": record.doc_type or "",
        "written": _as_datetime(record.written),
        "published": _as_datetime(record.published),
        "disclosure": record.disclosure,
        "public": record.public,
        "gazette": ",".join(identifier_key(g) for g in record.gazettes),
        "issue": ",".join(record.issues),
        "parent": record.parent_id or "",
        "meta": _meta(record),
    }
    if config.bigrams:
        fields["title_cjk"] = record.title
        fields["body_cjk"] = record.body
        fields["restricted_cjk"] = record.restricted
    return {k: v for k, v in fields.items() if v is not None}


class _Generation:
    """What is computed once per index generation: columns, id map, filter sets."""

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        reader = searcher.reader()
        count = reader.doc_count_all()
        live = set(reader.all_doc_ids())
        ids_column = list(reader.column_reader("id"))
        metas = list(reader.column_reader("meta"))
        self.ids: list[str | None] = [None] * count
        self.docnums: dict[str, int] = {}
        self.issuers: list[tuple[str, ...]] = [()] * count
        self.years: list[int | None] = [None] * count
        self.types: list[str] = [""] * count
        self.written: list[int] = [0] * count
        self.published: list[int] = [0] * count
        public: list[int] = []
        for docnum in live:
            raw_id = ids_column[docnum]
            doc_id = raw_id.decode("utf-8") if isinstance(raw_id, bytes) else str(raw_id)
            self.ids[docnum] = doc_id
            self.docnums[doc_id] = docnum
            parts = metas[docnum].decode("utf-8").split(_SEP)
            if len(parts) < 7:
                continue
            self.issuers[docnum] = tuple(p for p in parts[0].split("\x1e") if p)
            self.years[docnum] = int(parts[1]) if parts[1] else None
            self.types[docnum] = parts[2]
            self.written[docnum] = int(parts[3]) if parts[3] else 0
            self.published[docnum] = int(parts[4]) if parts[4] else 0
            if parts[5]:
                public.append(docnum)
        self.live = frozenset(live)
        self.public = frozenset(public)
        self.sets: dict[Any, frozenset[int]] = {}
        self.statuses: dict[_dt.date, list[str]] = {}
        self.terms: dict[tuple[str, str], frozenset[int]] = {}
        self.lock = threading.Lock()

    def status_list(self, on: _dt.date, source: StatusSource | None) -> list[str]:
        """The status of every docnum on a date (``unknown`` without a source)."""
        found = self.statuses.get(on)
        if found is None:
            found = ["unknown"] * len(self.ids)
            if source is not None:
                for doc_id, status in source(on).items():
                    docnum = self.docnums.get(doc_id)
                    if docnum is not None:
                        found[docnum] = status
            if len(self.statuses) > 8:
                self.statuses.clear()
            self.statuses[on] = found
        return found


class SearchIndex:
    """A Whoosh index in a directory.

    Args:
        path: the index directory (created when missing).
        config: the analysis of a new index (an existing index keeps its own).
    """

    def __init__(self, path: Path, config: AnalyzerConfig | None = None) -> None:
        from whoosh import index

        self.path = path
        self._lock = threading.Lock()
        self._generation: _Generation | None = None
        self._new_config = config or AnalyzerConfig()
        if not path.exists() or not index.exists_in(str(path)):
            path.mkdir(parents=True, exist_ok=True)
            self._ix = index.create_in(str(path), _schema(self._new_config))
        else:
            self._ix = index.open_dir(str(path))
        self.config = _config_of(self._ix.schema)

    # --- writing -------------------------------------------------------------------------

    def apply(
        self,
        records: Iterable[IndexRecord],
        deleted: Iterable[str] = (),
        *,
        procs: int = 1,
        limitmb: int = 256,
    ) -> int:
        """Add or replace records and delete ids, in one commit. Returns records written.

        Args:
            records: the records to write.
            deleted: ids to remove.
            procs: worker processes that analyse and write segments (bulk loads).
            limitmb: memory for the writer's posting pool, per process.
        """
        if procs > 1:
            writer = self._ix.writer(timeout=60.0, procs=procs, limitmb=limitmb, multisegment=True)
        else:
            writer = self._ix.writer(timeout=60.0, limitmb=limitmb)
        count = 0
        config = self.config
        try:
            for doc_id in deleted:
                writer.delete_by_term("id", doc_id)
            for record in records:
                writer.update_document(**_document(record, config))
                count += 1
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return count

    def revisions(self) -> dict[str, int]:
        """Every indexed id with the catalog revision it was indexed at."""
        with self._ix.searcher() as searcher:
            reader = searcher.reader()
            if reader.doc_count_all() == 0:
                return {}  # an empty index has no column readers
            ids = list(reader.column_reader("id"))
            out: dict[str, int] = {}
            for docnum in reader.all_doc_ids():
                stored = reader.stored_fields(docnum)
                raw = ids[docnum]
                doc_id = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
                out[doc_id] = int(stored.get("rev", 0))
            return out

    def clear(self, config: AnalyzerConfig | None = None) -> None:
        """Drop every record (for a rebuild), optionally with another analysis."""
        from whoosh import index

        with self._lock:
            self._drop_generation()
            self._ix.close()
            shutil.rmtree(self.path, ignore_errors=True)
            self.path.mkdir(parents=True, exist_ok=True)
            self._ix = index.create_in(str(self.path), _schema(config or self._new_config))
            self.config = _config_of(self._ix.schema)

    def size_bytes(self) -> int:
        """Bytes the index takes on disk."""
        return sum(
            os.path.getsize(self.path / name)
            for name in os.listdir(self.path)
            if (self.path / name).is_file()
        )

    def optimize(self) -> None:
        """Merge every segment into one (slow; makes later searches a little faster)."""
        self._ix.optimize()

    # --- reading -------------------------------------------------------------------------

    def _drop_generation(self) -> None:
        if self._generation is not None:
            self._generation.searcher.close()
            self._generation = None

    def _current(self) -> _Generation:
        """The cached generation, moved to the newest commit when there is one."""
        with self._lock:
            generation = self._generation
            if generation is not None and generation.searcher.up_to_date():
                return generation
            # The previous searcher is not closed here: another thread may still be reading
            # it. Its files close when the last reference to it goes.
            self._generation = _Generation(self._ix.searcher())
            return self._generation

    def doc_count(self) -> int:
        return len(self._current().live)

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

        Raises:
            InvalidQuery: the query cannot be parsed or is empty without filters.
            InvalidArgument: a bad sort, limit or offset.
        """
        if sort not in ("relevance", "date"):
            raise InvalidArgument(f"sort must be relevance or date, not {sort!r}")
        if limit < 0 or offset < 0:
            raise InvalidArgument("limit and offset must not be negative")
        filters = filters or SearchFilters()
        parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
        if parsed.empty and not filters.active:
            from gazette.errors import InvalidQuery

            raise InvalidQuery(query if isinstance(query, str) else "", "nothing to search for")
        gen = self._current()
        on = filters.valid_on or today or _dt.date.today()
        statuses = (
            gen.status_list(on, status_source)
            if (facets or filters.status or filters.valid_on or status_source)
            else None
        )
        allowed = self._allowed(gen, filters, public_only, statuses)
        compiled = self._compile(parsed, public_only)
        with gen.lock:
            matched = self._docset(gen, compiled) if compiled is not None else set(gen.live)
        if allowed is not None:
            matched &= allowed
        matched -= self._excluded(gen, parsed, public_only)
        matched -= {gen.docnums[i] for i in exclude_ids if i in gen.docnums}
        total = len(matched)
        page = self._page(gen, compiled, parsed, matched, sort, limit, offset, public_only)
        hits = tuple(
            self._hit(gen, docnum, score, parsed, public_only, statuses) for docnum, score in page
        )
        counted = self._facets(gen, matched, statuses) if facets else {}
        return SearchResults(total=total, hits=hits, facets=counted)

    # --- filters -------------------------------------------------------------------------

    def _term_set(self, gen: _Generation, field: str, text: str) -> frozenset[int]:
        key = (field, text)
        found = gen.terms.get(key)
        if found is not None:
            return found
        ids: list[int] = []
        for sub, offset in _subsearchers(gen.searcher):
            ids.extend(d + offset for d in _posting_ids(sub.reader(), field, text))
        result = frozenset(ids)
        if len(gen.terms) > 4096:
            gen.terms.clear()
        gen.terms[key] = result
        return result

    def _allowed(
        self,
        gen: _Generation,
        filters: SearchFilters,
        public_only: bool,
        statuses: list[str] | None,
    ) -> set[int] | None:
        sets: list[frozenset[int]] = []
        if public_only:
            sets.append(gen.public)
        if filters.issuer:
            sets.append(self._term_set(gen, "issuer", filters.issuer.strip().lower()))
        if filters.doc_type:
            sets.append(self._term_set(gen, "doc_type", filters.doc_type.strip()))
        if filters.gazette:
            sets.append(self._gazette_set(gen, filters.gazette))
        if filters.year is not None:
            key: Any = ("year", filters.year)
            if key not in gen.sets:
                gen.sets[key] = frozenset(
                    d for d, y in enumerate(gen.years) if y == filters.year and d in gen.live
                )
            sets.append(gen.sets[key])
        if filters.date_from or filters.date_to:
            column = gen.written if filters.date_field == "written" else gen.published
            low = filters.date_from.toordinal() if filters.date_from else 1
            high = filters.date_to.toordinal() if filters.date_to else _dt.date.max.toordinal()
            key = ("date", filters.date_field, low, high)
            if key not in gen.sets:
                gen.sets[key] = frozenset(d for d, v in enumerate(column) if v and low <= v <= high)
            sets.append(gen.sets[key])
        if (filters.status or filters.valid_on) and statuses is not None:
            wanted = frozenset(filters.status or SearchFilters.VALID)
            key = ("status", filters.valid_on, wanted)
            if key not in gen.sets:
                gen.sets[key] = frozenset(d for d, s in enumerate(statuses) if s in wanted)
            sets.append(gen.sets[key])
        if not sets:
            return None
        sets.sort(key=len)
        out = set(sets[0])
        for other in sets[1:]:
            out &= other
        return out

    def _gazette_set(self, gen: _Generation, value: str) -> frozenset[int]:
        import re

        text = value.strip()
        found = re.search(r"(\d{4})\s*年?\s*第?\s*(\d+)\s*[期号]?\s*$", text)
        if found and (found.group(0).strip() != text or "年" in text or "第" in text):
            name = text[: found.start()].strip()
            number = int(found.group(2))
            keys = issue_keys(name or None, int(found.group(1)), range(number, number + 1))
            return self._term_set(gen, "issue", keys[-1])
        return self._term_set(gen, "gazette", identifier_key(text))

    # --- matching ------------------------------------------------------------------------

    def _fields(self, public_only: bool, cjk: bool) -> list[str]:
        names = ["title", "body"] if public_only else ["title", "body", "restricted"]
        return [f"{n}_cjk" for n in names] if cjk else names

    def _clause(self, clause: Clause, public_only: bool) -> Any:
        from whoosh import query as q

        if clause.kind == "number":
            return q.Or(
                [
                    q.Term("number", clause.text, boost=20.0),
                    q.Term("part_number", clause.text, boost=10.0),
                    self._text(clause.text, public_only, phrase=True),
                ]
            )
        text_query = self._text(clause.text, public_only, phrase=clause.kind == "phrase")
        ident = identifier_key(clause.text)
        if len(ident) >= 6 and any(ch.isdigit() for ch in ident):
            return q.Or([q.Term("ident", ident, boost=20.0), text_query])
        return text_query

    def _text(self, text: str, public_only: bool, *, phrase: bool) -> Any:
        from whoosh import query as q

        cjk = self.config.bigrams
        tokens = _bigrams(text) if cjk else _words(text)
        if not tokens:
            return q.NullQuery
        fields = self._fields(public_only, cjk)
        if cjk and len(tokens) == 1 and len(tokens[0]) == 1:
            # A single ideograph: every bigram that starts with it, and jieba's word for it.
            word_fields = self._fields(public_only, False)
            return q.Or(
                [q.Prefix(f, tokens[0]) for f in fields]
                + [q.Term(f, tokens[0]) for f in word_fields]
            )
        if cjk and len(tokens) > 1:
            # A lone ideograph between punctuation (``发“无废城市``) is indexed only inside
            # its neighbours' bigrams: leave it to the rest of the chunk.
            kept = [t for t in tokens if len(t) > 1 or not _is_cjk(t)]
            tokens = kept or tokens
        if phrase and len(tokens) > 1:
            return q.Or([q.Phrase(f, tokens) for f in fields])
        unique = list(dict.fromkeys(tokens))
        return q.And([q.Or([q.Term(f, t) for f in fields]) for t in unique])

    def _compile(self, parsed: ParsedQuery, public_only: bool) -> Any:
        from whoosh import query as q

        if not parsed.groups:
            return None
        required = []
        for group in parsed.groups:
            alternatives = [self._clause(c, public_only) for c in group]
            required.append(alternatives[0] if len(alternatives) == 1 else q.Or(alternatives))
        return required[0] if len(required) == 1 else q.And(required)

    def _excluded(self, gen: _Generation, parsed: ParsedQuery, public_only: bool) -> set[int]:
        out: set[int] = set()
        with gen.lock:
            for clause in parsed.excluded:
                out |= self._docset(gen, self._clause(clause, public_only))
        return out

    def _docset(self, gen: _Generation, query: Any) -> set[int]:
        """The document numbers a query matches, by set algebra over posting lists."""
        from whoosh import query as q

        if isinstance(query, q.Term):
            return set(self._term_set(gen, query.fieldname, query.text))
        if isinstance(query, q.And):
            parts = [self._docset(gen, sub) for sub in query.subqueries]
            if not parts:
                return set()
            parts.sort(key=len)
            out = parts[0]
            for other in parts[1:]:
                out &= other
                if not out:
                    break
            return out
        if isinstance(query, q.Or):
            out = set()
            for sub in query.subqueries:
                out |= self._docset(gen, sub)
            return out
        if query is q.NullQuery or isinstance(query, q.NullQuery.__class__):
            return set()
        if isinstance(query, q.Phrase):
            # Candidates from the terms' sets, then Whoosh checks positions on those only.
            candidates = self._docset(gen, q.And([q.Term(query.fieldname, w) for w in query.words]))
            if not candidates:
                return set()
            return _phrase_docs(gen.searcher, query, candidates)
        return set(gen.searcher.docs_for_query(query))

    # --- ranking -------------------------------------------------------------------------

    def _page(
        self,
        gen: _Generation,
        compiled: Any,
        parsed: ParsedQuery,
        matched: set[int],
        sort: str,
        limit: int,
        offset: int,
        public_only: bool,
    ) -> list[tuple[int, float]]:
        if not matched or limit == 0:
            return []
        want = offset + limit
        if sort == "date" or compiled is None:
            written, published = gen.written, gen.published

            def key(d: int) -> tuple[int, int]:
                return (written[d] or published[d], -d)

            ranked = heapq.nlargest(want, matched, key=key)
            return [(d, 0.0) for d in ranked[offset:]]
        depth = max(want, RERANK_DEPTH)
        with gen.lock:
            results = gen.searcher.search(compiled, limit=depth, filter=matched)
            scored = [(hit.docnum, float(hit.score or 0.0)) for hit in results]
        literals = [fold(text) for text in parsed.literals if text]
        if literals:
            reader = gen.searcher.reader()
            fields = ("title", "body") if public_only else ("title", "body", "restricted")

            def exact(docnum: int) -> int:
                stored = reader.stored_fields(docnum)
                haystack = "\n".join(fold(stored.get(f, "") or "") for f in fields)
                return sum(1 for lit in literals if lit in haystack)

            scored = sorted(scored, key=lambda item: (exact(item[0]), item[1]), reverse=True)
        if len(scored) < want and len(scored) < len(matched):
            # The ranked query and the matched set disagree (only for exotic queries): fill
            # the page from the matched set in date order.
            seen = {d for d, _ in scored}
            rest = sorted(matched - seen, key=lambda d: gen.written[d] or gen.published[d])
            scored.extend((d, 0.0) for d in reversed(rest))
        return scored[offset:want]

    def _hit(
        self,
        gen: _Generation,
        docnum: int,
        score: float,
        parsed: ParsedQuery,
        public_only: bool,
        statuses: list[str] | None,
    ) -> Hit:
        stored = gen.searcher.reader().stored_fields(docnum)
        texts = [stored.get("title", ""), stored.get("body", "")]
        if not public_only:
            texts.append(stored.get("restricted", ""))
        snippet = make_snippet(texts[1:], parsed.literals) or make_snippet(
            texts[:1], parsed.literals
        )
        written = stored.get("written")
        published = stored.get("published")
        return Hit(
            id=stored["id"],
            title=stored.get("title", ""),
            doc_number=(stored.get("number") or None),
            score=round(score, 4),
            snippet=snippet,
            status=statuses[docnum] if statuses is not None else "unknown",
            doc_type=stored.get("doc_type") or None,
            issuers=tuple(gen.issuers[docnum]),
            written=written.date() if written else None,
            published=published.date() if published else None,
            parent_id=stored.get("parent") or None,
        )

    def _facets(
        self, gen: _Generation, matched: set[int], statuses: list[str] | None
    ) -> dict[str, dict[str, int]]:
        issuers: Counter[str] = Counter()
        for values in map(gen.issuers.__getitem__, matched):
            issuers.update(values)
        years = Counter(map(gen.years.__getitem__, matched))
        types = Counter(map(gen.types.__getitem__, matched))
        out: dict[str, dict[str, int]] = {
            "issuer": dict(issuers.most_common(_FACET_LIMIT)),
            "year": {
                str(y): n
                for y, n in sorted(years.items(), key=lambda i: i[0] or 0, reverse=True)
                if y is not None
            },
            "doc_type": {t: n for t, n in types.most_common(_FACET_LIMIT) if t},
        }
        if statuses is not None:
            out["status"] = dict(Counter(map(statuses.__getitem__, matched)).most_common())
        return out

    def close(self) -> None:
        with self._lock:
            self._drop_generation()
        self._ix.close()


def _is_cjk(text: str) -> bool:
    return all("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def _subsearchers(searcher: Any) -> list[tuple[Any, int]]:
    return list(searcher.subsearchers) if searcher.subsearchers else [(searcher, 0)]


def _phrase_docs(searcher: Any, query: Any, candidates: set[int]) -> set[int]:
    """The candidates where the phrase occurs (positions checked for those only)."""
    out: set[int] = set()
    ordered = sorted(candidates)
    for sub, offset in _subsearchers(searcher):
        size = sub.reader().doc_count_all()
        local = [d - offset for d in ordered if offset <= d < offset + size]
        if not local:
            continue
        matcher = query.matcher(sub)
        for docnum in local:
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
                if not matcher.is_active():
                    break
            if matcher.id() == docnum:
                out.add(docnum + offset)
    return out


def _posting_ids(reader: Any, field: str, text: str) -> list[int]:
    """Every live document number in a term's posting list, read a block at a time."""
    from whoosh.codec.whoosh3 import W3LeafMatcher
    from whoosh.matching.wrappers import FilterMatcher
    from whoosh.reading import TermNotFound

    try:
        matcher = reader.postings(field, text)
    except TermNotFound:
        return []
    excluded: set[int] | None = None
    if isinstance(matcher, FilterMatcher):
        excluded = set(matcher._ids) if matcher._exclude else None
        if not matcher._exclude:
            return list(matcher.all_ids())
        matcher = matcher.child
    if isinstance(matcher, W3LeafMatcher):
        ids: list[int] = []
        while matcher.is_active():
            if matcher._ids is None:
                matcher._read_ids()
            ids.extend(matcher._ids[matcher._i :])
            matcher._next_block()
    else:
        ids = list(matcher.all_ids())
    if excluded:
        ids = [d for d in ids if d not in excluded]
    return ids


def make_snippet(texts: Iterable[str], literals: Iterable[str], width: int = SNIPPET_CHARS) -> str:
    """A window of text around the first match, matches wrapped in ``<em>``, HTML-escaped.

    Falls back to the beginning of the first non-empty text when nothing matches literally
    (a chunk matched through its words or bigrams rather than as written).
    """
    needles = sorted({fold(lit) for lit in literals if lit and lit.strip()}, key=len, reverse=True)
    first_text = ""
    for text in texts:
        if not text:
            continue
        first_text = first_text or text
        folded = fold(text)
        spans: list[tuple[int, int]] = []
        for needle in needles:
            start = folded.find(needle)
            while start >= 0 and len(spans) < 50:
                spans.append((start, start + len(needle)))
                start = folded.find(needle, start + len(needle))
        if not spans:
            continue
        spans.sort()
        first = spans[0][0]
        begin = max(0, first - width // 3)
        end = min(len(text), begin + width)
        out: list[str] = ["…" if begin > 0 else ""]
        cursor = begin
        for start, stop in spans:
            if start < cursor or stop > end:
                continue
            out.append(html.escape(text[cursor:start]))
            out.append(f"<em>{html.escape(text[start:stop])}</em>")
            cursor = stop
        out.append(html.escape(text[cursor:end]))
        out.append("…" if end < len(text) else "")
        return "".join(out).replace("\n", " ")
    if not first_text:
        return ""
    short = first_text[:width].replace("\n", " ")
    return html.escape(short) + ("…" if len(first_text) > width else "")
