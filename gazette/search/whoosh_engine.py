"""The Whoosh engine: jieba words and CJK bigrams in a Whoosh index.

Whoosh is pure Python: every posting it writes costs some tens of microseconds and its
matchers step through postings one at a time, so this engine indexes a few documents per second
and answers in tens to hundreds of milliseconds on archives of thousands of documents (see
``benchmarks/bench_search.py``). It is kept for archives that want a pure-Python index; the
SQLite engine is the default.

Matching reads posting lists a block at a time and combines them as sets (Whoosh's own
matchers would step one posting at a time in Python); phrase positions are checked only for the
documents that hold every token. Ranking is Whoosh's BM25F with the title weighted above the
body. Readers hold a searcher on one index generation; a writer's commit creates the next one,
and the cached searcher moves to it on the next search.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from whoosh.analysis import Token, Tokenizer

from gazette.search import docsets
from gazette.search.analysis import (
    _CJK_RUN,
    _WORDISH,
    AnalyzerConfig,
    bigrams,
    is_cjk,
    normalise,
    segmenter,
    words,
)
from gazette.search.base import TITLE_BOOST, DocMeta, Generation, SearchIndex, TextSpec
from gazette.search.records import IndexRecord


class WordTokenizer(Tokenizer):
    """Whoosh tokenizer over jieba words (and search-mode sub-words when asked)."""

    def __init__(self, search_mode: bool = False) -> None:
        self.search_mode = search_mode

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WordTokenizer) and other.search_mode == self.search_mode

    def __hash__(self) -> int:
        return hash(("WordTokenizer", self.search_mode))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        text = normalise(value)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos - 1
        main_end = -1
        search = self.search_mode and mode != "query"
        segments = segmenter().tokenize(text, search)
        if search:
            # Longest first at each start: a sub-word then follows the word containing it and
            # takes its position, so phrases over words still match.
            segments.sort(key=lambda seg: (seg[1], -seg[2]))
        for word, start, end in segments:
            if start >= main_end:
                pos += 1
                main_end = end
            for match in _WORDISH.finditer(word):
                token.text = match.group()
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = token.text
                if positions:
                    token.pos = pos
                if chars:
                    token.startchar = start_char + start + match.start()
                    token.endchar = start_char + start + match.end()
                yield token


class BigramTokenizer(Tokenizer):
    """Whoosh tokenizer over CJK bigrams and non-CJK words."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BigramTokenizer)

    def __hash__(self) -> int:
        return hash("BigramTokenizer")

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        text = normalise(value)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for match in _WORDISH.finditer(text):
            run = match.group()
            base = match.start()
            if len(run) > 1 and _CJK_RUN.fullmatch(run):
                pieces = [(run[i : i + 2], base + i, base + i + 2) for i in range(len(run) - 1)]
            else:
                pieces = [(run, base, match.end())]
            for text_, start, end in pieces:
                token.text = text_
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = text_
                if positions:
                    token.pos = pos
                if chars:
                    token.startchar = start_char + start
                    token.endchar = start_char + end
                pos += 1
                yield token


def _schema(config: AnalyzerConfig) -> Any:
    from whoosh import columns, fields

    words_ = WordTokenizer(config.search_mode)
    spec: dict[str, Any] = {
        "id": fields.ID(stored=True, unique=True, sortable=True),
        "title": fields.TEXT(analyzer=words_, stored=True, field_boost=TITLE_BOOST),
        "body": fields.TEXT(analyzer=words_, stored=True),
        "restricted": fields.TEXT(analyzer=words_, stored=True),
        # Everything but the text, read once per generation (see DocMeta).
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


def _meta(record: IndexRecord) -> bytes:
    meta = DocMeta.from_record(record)
    values = [
        meta.id,
        meta.rev,
        meta.numbers,
        meta.identifiers,
        meta.issuers,
        meta.doc_type,
        meta.written,
        meta.published,
        meta.year,
        meta.public,
        meta.gazettes,
        meta.issues,
        meta.parent_id,
    ]
    return json.dumps(values, ensure_ascii=False).encode("utf-8")


def _unmeta(raw: bytes) -> DocMeta:
    values = json.loads(raw.decode("utf-8"))
    return DocMeta(
        id=values[0],
        rev=values[1],
        numbers=tuple(values[2]),
        identifiers=tuple(values[3]),
        issuers=tuple(values[4]),
        doc_type=values[5],
        written=values[6],
        published=values[7],
        year=values[8],
        public=values[9],
        gazettes=tuple(values[10]),
        issues=tuple(values[11]),
        parent_id=values[12],
    )


def _document(record: IndexRecord, config: AnalyzerConfig) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "id": record.id,
        "title": record.title,
        "body": record.body,
        "restricted": record.restricted,
        "meta": _meta(record),
    }
    if config.bigrams:
        fields["title_cjk"] = record.title
        fields["body_cjk"] = record.body
        fields["restricted_cjk"] = record.restricted
    return fields


class WhooshIndex(SearchIndex):
    """A Whoosh index in a directory.

    Args:
        path: the index directory (created when missing).
        config: the analysis of a new index (an existing index keeps its own).
    """

    engine = "whoosh"

    def __init__(self, path: Path, config: AnalyzerConfig | None = None) -> None:
        from whoosh import index

        self._new_config = config or AnalyzerConfig()
        if not path.exists() or not index.exists_in(str(path)):
            path.mkdir(parents=True, exist_ok=True)
            self._ix = index.create_in(str(path), _schema(self._new_config))
        else:
            self._ix = index.open_dir(str(path))
        super().__init__(path, _config_of(self._ix.schema))
        self._generation: Generation | None = None

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
        with self._ix.searcher() as searcher:
            return {meta.id: meta.rev for _, meta in _metas(searcher.reader())}

    def clear(self, config: AnalyzerConfig | None = None) -> None:
        from whoosh import index

        with self._lock:
            self._generation = None
            self._ix.close()
            shutil.rmtree(self.path, ignore_errors=True)
            self.path.mkdir(parents=True, exist_ok=True)
            self._ix = index.create_in(str(self.path), _schema(config or self._new_config))
            self.config = _config_of(self._ix.schema)

    def size_bytes(self) -> int:
        return sum(
            os.path.getsize(self.path / name)
            for name in os.listdir(self.path)
            if (self.path / name).is_file()
        )

    def optimize(self) -> None:
        """Merge every segment into one (slow; makes later searches a little faster)."""
        self._ix.optimize()

    def close(self) -> None:
        with self._lock:
            self._generation = None
        self._ix.close()

    # --- reading -------------------------------------------------------------------------

    def _reading(self) -> Any:
        return self._lock

    def _current(self) -> Generation:
        gen = self._generation
        if gen is not None and gen.token.up_to_date():
            return gen
        # The previous searcher is not closed here: another thread may still be reading it.
        # Its files close when the last reference to it goes.
        searcher = self._ix.searcher()
        gen = Generation(searcher)
        gen.load(_metas(searcher.reader()))
        self._generation = gen
        return gen

    def _fields(self, public_only: bool, cjk: bool) -> list[str]:
        names = ["title", "body"] if public_only else ["title", "body", "restricted"]
        return [f"{n}_cjk" for n in names] if cjk else names

    def _text(self, spec: TextSpec, public_only: bool) -> Any:
        from whoosh import query as q

        cjk = self.config.bigrams
        tokens = bigrams(spec.text) if cjk else words(spec.text)
        if not tokens:
            return q.NullQuery
        fields = self._fields(public_only, cjk)
        if cjk and len(tokens) == 1 and len(tokens[0]) == 1 and is_cjk(tokens[0]):
            # A single ideograph: every bigram that starts or ends with it (the one that ends
            # a run has no bigram starting with it), and the character as a word.
            char = tokens[0]
            word_fields = self._fields(public_only, False)
            return q.Or(
                [q.Prefix(f, char) for f in fields]
                + [q.Wildcard(f, f"?{char}") for f in fields]
                + [q.Term(f, char) for f in word_fields]
            )
        if cjk and len(tokens) > 1:
            # A lone ideograph between punctuation (``发“无废城市``) is indexed only inside
            # its neighbours' bigrams: leave it to the rest of the chunk.
            kept = [t for t in tokens if len(t) > 1 or not is_cjk(t)]
            tokens = kept or tokens
        if spec.phrase and len(tokens) > 1:
            return q.Or([q.Phrase(f, tokens) for f in fields])
        unique = list(dict.fromkeys(tokens))
        return q.And([q.Or([q.Term(f, t) for f in fields]) for t in unique])

    def _compile(self, groups: Sequence[Sequence[TextSpec]], public_only: bool) -> Any:
        from whoosh import query as q

        required = []
        for group in groups:
            alternatives = [self._text(spec, public_only) for spec in group]
            if not alternatives:
                return q.NullQuery
            required.append(alternatives[0] if len(alternatives) == 1 else q.Or(alternatives))
        return required[0] if len(required) == 1 else q.And(required)

    def _match(
        self, gen: Generation, groups: Sequence[Sequence[TextSpec]], public_only: bool
    ) -> int:
        found = self._docset(gen, self._compile(groups, public_only))
        return docsets.from_ids(found, gen.size) & gen.live if found else docsets.EMPTY

    def _docset(self, gen: Generation, query: Any) -> set[int]:
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
            return _phrase_docs(gen.token, query, candidates)
        return set(gen.token.docs_for_query(query))

    def _term_set(self, gen: Generation, field: str, text: str) -> frozenset[int]:
        key = ("term", field, text)
        found = gen.cache.get(key)
        if found is not None:
            return found
        ids: list[int] = []
        for sub, offset in _subsearchers(gen.token):
            ids.extend(d + offset for d in _posting_ids(sub.reader(), field, text))
        result = frozenset(ids)
        if len(gen.cache) > 4096:
            gen.cache.clear()
        gen.cache[key] = result
        return result

    def _rank(
        self,
        gen: Generation,
        groups: Sequence[Sequence[TextSpec]],
        candidates: int,
        depth: int,
        public_only: bool,
        memo: dict[int, tuple[str, str]] | None = None,
    ) -> list[tuple[int, float]]:
        allowed = set(docsets.members(candidates))
        results = gen.token.search(self._compile(groups, public_only), limit=depth, filter=allowed)
        return [(hit.docnum, float(hit.score or 0.0)) for hit in results]

    def _texts(
        self, gen: Generation, nums: Sequence[int], public_only: bool
    ) -> dict[int, tuple[str, str]]:
        reader = gen.token.reader()
        out = {}
        for num in nums:
            stored = reader.stored_fields(num)
            body = stored.get("body", "") or ""
            restricted = stored.get("restricted", "") or ""
            if restricted and not public_only:
                body = f"{body}\n{restricted}" if body else restricted
            out[num] = (stored.get("title", "") or "", body)
        return out


def _metas(reader: Any) -> Iterator[tuple[int, DocMeta]]:
    """Every live document's number and columns (nothing for an empty index)."""
    if reader.doc_count_all() == 0:
        return
    metas = reader.column_reader("meta")
    for docnum in reader.all_doc_ids():
        yield docnum, _unmeta(metas[docnum])


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


__all__ = ["BigramTokenizer", "WhooshIndex", "WordTokenizer"]
