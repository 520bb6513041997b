"""The SQLite FTS5 engine (the default).

One SQLite database in the index directory, ``fts5.sqlite``, in WAL mode so that readers keep
reading their snapshot while a writer commits::

    meta(key, value)                       format, analysis, epoch (bumped by clear)
    docs(num, id, rev, …)                  per-document columns: numbers, issuers, dates …
    texts(num, title, body, restricted)    the stored text, for snippets and exact re-ranking
    fts(title, body, restricted)           contentless FTS5 over the token stream
    titles(title)                          contentless FTS5 over the titles alone
    removed(seq, num)                      numbers removed, for readers that follow changes

The token stream is :func:`~gazette.search.analysis.grams`: CJK bigrams, each run's last
character, and the words of letters and digits, written out separated by spaces (the
analysis happens in Python, normalised with NFKC, so full-width forms never reach FTS5). FTS5
only splits that text again at the spaces. Its ``unicode61`` tokenizer would do that correctly
(CJK ideographs are token characters to it, and it does not segment them: ``政务公开`` would be
one token; it folds full-width letters' case but not their width, and treats full-width
punctuation as separators), but it classifies every character by Unicode category; the
``ascii`` tokenizer, for which every non-ASCII character is a token character, gives the same
tokens for this text about a fifth faster. ``.`` and ``_`` are token characters so that
``v1.2`` stays one token.

Document numbers (FTS5 rowids) come from ``AUTOINCREMENT`` and are never reused: a replaced
document gets a new number. A reader therefore follows a writer incrementally: new documents
are the numbers above the largest it has seen, removed ones are listed in ``removed``. The
FTS5 tables store no copy of the tokens; removing a document recomputes them from its stored
text (and since numbers are never reused, a posting that could not be removed can only point
at a number that no longer exists, which every search drops).

Matching uses the bitmaps of :mod:`~gazette.search.common_grams` for the tokens most
documents hold (``common`` table) and FTS5 for the rest, whose posting lists are short.

Ranking is BM25 with the title weighted :data:`~gazette.search.base.TITLE_BOOST` times the
body. FTS5's ``bm25()`` counts the documents of each token by walking its posting list, which
for a common token costs as much as the whole query otherwise would; so FTS5 ranks only
queries without common tokens (every match, up to :data:`RANK_ALL`), and queries with one are
scored here from the stored text of the documents being ranked, with the document counts
taken from the bitmaps: every candidate when there are at most :data:`RANK_WINDOW`, else
tiers. The tiers: the newest :data:`TITLE_TIER` documents whose title matches (by BM25 over
the titles); then documents that hold each word as written (its characters adjacent, which
matching by bigrams does not require), the newest :data:`RANK_WINDOW` of them; then the
:data:`RANK_WINDOW` most recently indexed other candidates. Documents holding the words as
written compete in exact ranking too, whatever their score, so that the literal re-ranking
of the shared half can put a long document that holds a phrase above short ones that hold
its bigrams apart. ``reindex`` writes documents oldest first, so "most recently indexed" is
close to "newest".
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from gazette.errors import ArchiveError, InvalidArgument
from gazette.search import common_grams, docsets, sqlite_rank, sqlite_write
from gazette.search.analysis import (
    AnalyzerConfig,
    is_cjk,
    query_tokens,
)
from gazette.search.base import (
    DocMeta,
    Generation,
    SearchIndex,
    TextSpec,
    by_bitmaps,
    storage_damage,
)
from gazette.search.records import IndexRecord
from gazette.search.sqlite_rank import RANK_ALL, RANK_WINDOW, TITLE_TIER  # noqa: F401
from gazette.search.sqlite_write import PUBLIC, split
from gazette.search.text_cache import TextCache

storage_damage(sqlite3.DatabaseError)

DB_NAME = "fts5.sqlite"
FORMAT = "1"
# Common tokens whose bitmaps ``verify`` compares with the postings (a few: each costs a walk
# of a long posting list).
_CHECKED_TOKENS = 8
# Bitmaps of common tokens kept per generation (12.5 kB each at 100,000 documents).
COMMON_KEPT = 1024
_COMMON_KEY = "common bitmaps"
_ASCII_ALNUM = re.compile(r"[0-9a-z]")


def analysis_label(config: AnalyzerConfig) -> str:
    """What the stored postings depend on: the token stream and the Unicode tables."""
    if config.search_mode:
        # FTS5 gives every token its own position: sub-words cannot share their word's.
        raise InvalidArgument("sqlite 检索引擎只能按二元组或词建索引，不能用检索模式分词")
    stream = "grams" if config.bigrams else "words"
    return f"{stream}/unicode-{unicodedata.unidata_version}"


def _config_from(label: str) -> AnalyzerConfig:
    return AnalyzerConfig(search_mode=False, bigrams=label.split("/", 1)[0] == "grams")


_quote = common_grams.quote


class SqliteIndex(SearchIndex):
    """An FTS5 index in a directory (the database is ``fts5.sqlite`` inside it).

    Args:
        path: the index directory (created when missing).
        config: the analysis of a new index (an existing index keeps its own).
    """

    engine = "sqlite"

    def __init__(self, path: Path, config: AnalyzerConfig | None = None) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.db_path = path / DB_NAME
        self.conn = sqlite3.connect(
            self.db_path, timeout=60.0, isolation_level=None, check_same_thread=False
        )
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("PRAGMA busy_timeout = 60000")
        self.conn.execute("PRAGMA cache_size = -65536")
        self.conn.execute("PRAGMA temp_store = MEMORY")
        # A rebuild writes the whole index through the WAL: give the space back afterwards.
        self.conn.execute("PRAGMA journal_size_limit = 67108864")
        # Derived data: freed pages need not be overwritten (a rebuild frees them all).
        self.conn.execute("PRAGMA secure_delete = FAST")
        new = config or AnalyzerConfig()
        self._create(new)
        label = self._meta("analysis") or analysis_label(new)
        super().__init__(path, _config_from(label))
        self._generation: Generation | None = None
        self._text_cache: tuple[Generation, TextCache] | None = None
        self._writes = 0

    def _create(self, config: AnalyzerConfig) -> None:
        if self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'fts'").fetchone():
            if not self.conn.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'common'"
            ).fetchone():
                # An index written before the common-token bitmaps: they start empty and are
                # chosen by the next write.
                with self._transaction():
                    self.conn.execute(common_grams.SCHEMA)
            return
        with self._transaction():
            for statement in sqlite_write.statements():
                try:
                    self.conn.execute(statement)
                except sqlite3.OperationalError as exc:
                    if "no such module" not in str(exc):
                        raise
                    raise ArchiveError(
                        self.db_path.parent,
                        f"本机 Python 的 SQLite {sqlite3.sqlite_version} 不支持 FTS5",
                        hint="请改用 Whoosh 检索引擎（GAZETTE_SEARCH_ENGINE=whoosh，或"
                        " `gazette reindex --engine whoosh`），或换用 SQLite 支持 FTS5 的"
                        " Python",
                    ) from exc
            self.conn.executemany(
                "INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)",
                [("format", FORMAT), ("analysis", analysis_label(config)), ("epoch", "0")],
            )

    def _meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # --- writing -------------------------------------------------------------------------

    def apply(
        self, records: Iterable[IndexRecord], deleted: Iterable[str] = (), *, procs: int = 1
    ) -> int:
        """Add or replace records and delete ids, in one transaction. Returns records written.

        Args:
            records: the records to write (read in batches; may be a generator).
            deleted: ids to remove.
            procs: processes that compute the token streams (worth it for bulk loads only).
        """
        with self._lock, self._transaction():
            count = self._write(records, deleted, procs)
            self._writes += 1
        if count >= sqlite_write.BATCH:
            self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        return count

    def rebuild(self, records: Iterable[IndexRecord], *, procs: int = 1) -> int:
        """Replace the whole content in one transaction: readers see the old index until the
        new one commits, and a crash leaves the old one."""
        with self._lock, self._transaction():
            self._drop_all()
            count = self._write(records, (), procs)
            self._writes += 1
        self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        return count

    def clear(self, config: AnalyzerConfig | None = None) -> None:
        with self._lock, self._transaction():
            self._drop_all(config)
            self._writes += 1

    def _drop_all(self, config: AnalyzerConfig | None = None) -> None:
        chosen = config or self.config
        epoch = int(self._meta("epoch") or 0) + 1
        sqlite_write.drop_all(self.conn, analysis_label(chosen), epoch)
        self.config = chosen

    def _write(self, records: Iterable[IndexRecord], deleted: Iterable[str], procs: int) -> int:
        return sqlite_write.write(self.conn, self.config, records, deleted, procs)

    def problems(self) -> list[str]:
        with self._lock:
            stored = self._meta("analysis")
        current = analysis_label(self.config)
        if stored != current:
            return [
                f"index analysed as {stored}, this installation analyses as {current}"
                " (another Python's Unicode tables)"
            ]
        with self._reading():
            live = self._current().live
            wrong = common_grams.disagreeing(self.conn, PUBLIC, live, sample=_CHECKED_TOKENS)
        if wrong:
            shown = "、".join(wrong[:5])
            return [
                f"the bitmaps of {len(wrong)} common tokens disagree with the postings: {shown}"
            ]
        return []

    def revisions(self) -> dict[str, int]:
        with self._lock:
            return dict(self.conn.execute("SELECT id, rev FROM docs").fetchall())

    def size_bytes(self) -> int:
        total = 0
        for suffix in ("", "-wal"):
            path = Path(str(self.db_path) + suffix)
            if path.exists():
                total += os.path.getsize(path)
        return total

    def optimize(self) -> None:
        """Merge the FTS5 segments into one and choose the common tokens again from every
        document (slow: a few minutes at 100,000 documents). Worth it after the collection has
        grown or its vocabulary changed since the common tokens were chosen."""
        with self._lock, self._transaction():
            self.conn.execute("INSERT INTO fts(fts) VALUES ('optimize')")
            self.conn.execute("INSERT INTO titles(titles) VALUES ('optimize')")
            docs = self.conn.execute("SELECT count(*) FROM docs").fetchone()[0]
            common_grams.choose(self.conn, PUBLIC, docs)
            self._writes += 1
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        with self._lock:
            self._generation = None
            self._text_cache = None
            self.conn.close()

    def drop_caches(self) -> None:
        super().drop_caches()
        with self._lock:
            self._text_cache = None

    # --- reading -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """One snapshot for a whole search: the columns, matches and texts agree."""
        with self._lock:
            self.conn.execute("BEGIN")
            try:
                yield
            finally:
                self.conn.execute("COMMIT")

    def _current(self) -> Generation:
        version = (self.conn.execute("PRAGMA data_version").fetchone()[0], self._writes)
        gen = self._generation
        if gen is not None and gen.token == version:
            return gen
        epoch = self._meta("epoch")
        if gen is None or gen.marks.get("epoch") != epoch or not self._follow(gen):
            gen = Generation()
            gen.marks["max_seq"] = self._max_seq()
            self._load(gen, "SELECT {} FROM docs")
        gen.token = version
        gen.marks["epoch"] = epoch
        self._generation = gen
        return gen

    _COLUMNS = (
        "num, id, rev, numbers, identifiers, issuers, doc_type, written, published, year,"
        " public, gazettes, issues, parent_id"
    )

    def _load(self, gen: Generation, sql: str, params: Sequence[Any] = ()) -> None:
        rows = self.conn.execute(sql.format(self._COLUMNS), params).fetchall()
        gen.load(
            (
                num,
                DocMeta(
                    id=doc_id,
                    rev=rev,
                    numbers=split(numbers),
                    identifiers=split(identifiers),
                    issuers=split(issuers),
                    doc_type=doc_type,
                    written=written,
                    published=published,
                    year=year,
                    public=bool(public),
                    gazettes=split(gazettes),
                    issues=split(issues),
                    parent_id=parent_id,
                ),
            )
            for (
                num,
                doc_id,
                rev,
                numbers,
                identifiers,
                issuers,
                doc_type,
                written,
                published,
                year,
                public,
                gazettes,
                issues,
                parent_id,
            ) in rows
        )
        gen.marks["max_num"] = max(gen.marks.get("max_num", 0), len(gen.docs) - 1)

    def _max_seq(self) -> int:
        return int(self.conn.execute("SELECT coalesce(max(seq), 0) FROM removed").fetchone()[0])

    def _follow(self, gen: Generation) -> bool:
        """Bring a generation up to date with the changes since; False when it cannot."""
        seen = gen.marks.get("max_seq", 0)
        first = self.conn.execute("SELECT min(seq) FROM removed WHERE seq > ?", (seen,)).fetchone()
        if first[0] is not None and first[0] != seen + 1:
            return False  # entries it needs were pruned
        gone = [n for (n,) in self.conn.execute("SELECT num FROM removed WHERE seq > ?", (seen,))]
        max_num = gen.marks.get("max_num", 0)
        added = self.conn.execute("SELECT count(*) FROM docs WHERE num > ?", (max_num,))
        if len(gone) + added.fetchone()[0] > max(1000, docsets.count(gen.live) // 5):
            return False  # a large change: a fresh load is cheaper
        gen.remove(gone)
        gen.marks["max_seq"] = self._max_seq()
        self._load(gen, "SELECT {} FROM docs WHERE num > ?", (max_num,))
        return True

    # --- matching ------------------------------------------------------------------------

    def _phrase_tokens(self, spec: TextSpec) -> list[str]:
        return query_tokens(spec.text, spec.phrase, self.config)

    def _expr(self, spec: TextSpec) -> str | None:
        """The FTS5 expression of one text (``None`` when it can match nothing)."""
        tokens = self._phrase_tokens(spec)
        if not tokens:
            return None
        if self.config.bigrams and len(tokens) == 1 and len(tokens[0]) == 1 and is_cjk(tokens[0]):
            # One ideograph: every token that starts with it (each character of a text is the
            # first of a bigram or a run's last character).
            return f"{_quote(tokens[0])}*"
        if spec.phrase and len(tokens) > 1:
            return " + ".join(_quote(t) for t in tokens)
        unique = list(dict.fromkeys(tokens))
        if len(unique) == 1:
            return _quote(unique[0])
        return "(" + " AND ".join(_quote(t) for t in unique) + ")"

    def _query(self, groups: Sequence[Sequence[TextSpec]]) -> str | None:
        """The FTS5 expression of groups (AND of ORs), without a column filter."""
        parts = []
        for group in groups:
            alternatives = [e for e in map(self._expr, group) if e is not None]
            if not alternatives:
                return None
            parts.append(
                alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"
            )
        return " AND ".join(parts) if parts else None

    @staticmethod
    def _columns(public_only: bool) -> str:
        return "{title body}" if public_only else "{title body restricted}"

    def _match(
        self, gen: Generation, groups: Sequence[Sequence[TextSpec]], public_only: bool
    ) -> int:
        query = self._query(groups)
        if query is None:
            return docsets.EMPTY
        expr = f"{self._columns(public_only)} : ({query})"
        key = ("match", expr)
        bits = gen.cache.get(key)
        if bits is None:
            found = self._match_common(gen, groups, public_only)
            if found is None:
                found = self._fts_bits(gen, expr)
            bits = found & gen.live
            if len(gen.cache) > 256:
                # Match sets go; the common tokens' bitmaps (kept apart, bounded) stay.
                common = gen.cache.get(_COMMON_KEY)
                gen.cache.clear()
                if common is not None:
                    gen.cache[_COMMON_KEY] = common
            gen.cache[key] = bits
        return int(bits)

    def _fts_bits(self, gen: Generation, expr: str, within: Sequence[int] = ()) -> int:
        """The documents FTS5 matches (only among ``within`` when given)."""
        found = common_grams.matched(self.conn, expr, within)
        return docsets.from_ids(found, gen.size) if found else docsets.EMPTY

    def _common_bits(self, gen: Generation, tokens: Sequence[str]) -> dict[str, int]:
        """The bitmaps of those of ``tokens`` that are common (kept for this generation, the
        :data:`COMMON_KEPT` most recently used: matching and ranking a query both need them,
        and the queries that follow share many)."""
        kept: OrderedDict[str, int | None] | None = gen.cache.get(_COMMON_KEY)
        if kept is None:
            kept = gen.cache[_COMMON_KEY] = OrderedDict()
        missing = [t for t in tokens if t not in kept]
        if missing:
            found = common_grams.bits(self.conn, missing)
            for token in missing:
                kept[token] = found.get(token)
        out = {}
        for token in tokens:
            kept.move_to_end(token)
            if (bits := kept[token]) is not None:
                out[token] = bits
        while len(kept) > COMMON_KEPT:
            kept.popitem(last=False)
        return out

    def _match_common(
        self, gen: Generation, groups: Sequence[Sequence[TextSpec]], public_only: bool
    ) -> int | None:
        """The match through the common-token bitmaps (see :mod:`common_grams`), or ``None``
        when they do not help: the query's common tokens are ``&``-ed bitmaps, and only its
        rarer tokens, phrases and alternatives go to FTS5."""
        answered = by_bitmaps(gen, groups, self._phrase_tokens, self._common_bits)
        if answered is None:
            return None
        out, rare, rest = answered
        pieces = [_quote(t) for t in rare]
        for group in rest:
            piece = self._query([group])
            if piece is None:
                return docsets.EMPTY
            pieces.append(f"({piece})")
        if pieces and out:
            out &= self._fts_bits(gen, f"{PUBLIC} : ({' AND '.join(pieces)})")
        if not public_only:
            out |= self._restricted_match(gen, groups)
        return out

    def _restricted_match(self, gen: Generation, groups: Sequence[Sequence[TextSpec]]) -> int:
        """Documents that match only with their restricted text counted (the bitmaps cover
        the public text): checked one by one among those whose restricted text holds a token
        of the query (restricted text is rare and short)."""
        tokens = dict.fromkeys(t for group in groups for s in group for t in self._phrase_tokens(s))
        if not tokens:
            return docsets.EMPTY
        anywhere = " OR ".join(
            f"{_quote(t)}*" if len(t) == 1 and is_cjk(t) else _quote(t) for t in tokens
        )
        holders = [
            n
            for (n,) in self.conn.execute(
                "SELECT rowid FROM fts WHERE fts MATCH ?", (f"{{restricted}} : ({anywhere})",)
            )
        ]
        query = self._query(groups)
        if not holders or query is None:
            return docsets.EMPTY
        return self._fts_bits(gen, f"{self._columns(False)} : ({query})", holders)

    def _rank(
        self,
        gen: Generation,
        groups: Sequence[Sequence[TextSpec]],
        candidates: int,
        depth: int,
        public_only: bool,
        memo: dict[int, tuple[str, str]] | None = None,
    ) -> list[tuple[int, float]]:
        return sqlite_rank.rank(self, gen, groups, candidates, depth, public_only, memo)

    def _kept(self, gen: Generation) -> TextCache:
        """The texts kept for this generation (numbers are never reused within it)."""
        kept = self._text_cache
        if kept is None or kept[0] is not gen:
            kept = (gen, TextCache())
            self._text_cache = kept
        return kept[1]

    def _literal_counts(
        self,
        gen: Generation,
        nums: list[int],
        literals: list[str],
        public_only: bool,
        memo: dict[int, tuple[str, str]],
    ) -> dict[int, int]:
        kept = self._kept(gen)
        if any(_ASCII_ALNUM.search(literal) for literal in literals) or all(
            n in memo or n in kept for n in nums
        ):
            # Letters and digits may be written in other cases and widths: fold in Python
            # (as for texts this search has already read).
            return super()._literal_counts(gen, nums, literals, public_only, memo)
        # Counted where the text is, without copying it out.
        columns = ["title", "body"] if public_only else ["title", "body", "restricted"]
        terms = " + ".join(
            "(" + " OR ".join(f"instr({c}, ?) > 0" for c in columns) + ")" for _ in literals
        )
        params = [literal for literal in literals for _ in columns]
        out = dict.fromkeys(nums, 0)
        for start in range(0, len(nums), 500):
            chunk = nums[start : start + 500]
            marks = ",".join("?" * len(chunk))
            out.update(
                self.conn.execute(
                    f"SELECT num, {terms} FROM texts WHERE num IN ({marks})", [*params, *chunk]
                ).fetchall()
            )
        return out

    def _texts(
        self, gen: Generation, nums: Sequence[int], public_only: bool
    ) -> dict[int, tuple[str, str]]:
        out: dict[int, tuple[str, str]] = {}
        for num, (title, body, restricted) in self._kept(gen).texts(nums, self._read_texts).items():
            if restricted and not public_only:
                body = f"{body}\n{restricted}" if body else restricted
            out[num] = (title, body)
        return out

    def _read_texts(self, nums: Sequence[int]) -> dict[int, tuple[str, str, str]]:
        out: dict[int, tuple[str, str, str]] = {}
        for start in range(0, len(nums), 500):
            chunk = list(nums[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for num, title, body, restricted in self.conn.execute(
                f"SELECT num, title, body, restricted FROM texts WHERE num IN ({marks})", chunk
            ):
                out[num] = (title, body, restricted)
        return out


def fts5_support() -> tuple[bool, str]:
    """Whether this Python's SQLite can build the default index (FTS5), and its version."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
        return True, sqlite3.sqlite_version
    except sqlite3.OperationalError:
        return False, sqlite3.sqlite_version
    finally:
        conn.close()
