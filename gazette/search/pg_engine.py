"""The PostgreSQL engine: the SQLite engine's analysis and answers, in a database that several
processes on several machines share.

Its tables live in one PostgreSQL schema (see :mod:`gazette.search.pg_schema` for the layout
and its versions); an index is named by a DSN, not a path. What it stores:

* the same token stream as the SQLite engine (:func:`~gazette.search.analysis.grams`: CJK
  bigrams, each run's last character, words of letters and digits, NFKC), analysed in Python
  and written as ``tsvector`` values with their positions (no PostgreSQL parser or dictionary
  touches the text, so nothing depends on the server's locale or configuration), under GIN
  indexes: ``pub`` holds the title (weight A) then the body, ``ins`` the same plus the
  restricted text (both in ``fts``), ``titles`` the title alone (in ``title_fts``, keeping
  the rows of ``fts`` narrow: matching a word visits them);
* the per-document columns and the stored text, as the SQLite engine does.

Query clauses become ``tsquery`` values: a text is the AND of its tokens, a phrase (and a
document number) their sequence with ``<->``, one ideograph a prefix (``'税':*``); filters,
facets, paging, the public set and snippets are the shared half's (:mod:`gazette.search.base`),
the same code the SQLite engine runs, so both answer the same.

**Positions.** PostgreSQL keeps positions up to 16,383 and 256 of them per token. A document
past either limit (a long law) is marked ``long``: it is matched by its tokens, and a phrase is
then checked in its stored text, so that it is found exactly as by the SQLite engine.

**Ranking** is the SQLite engine's, step for step (:mod:`gazette.search.pg_rank`): the same
tiers, BM25 counted in the stored text where the SQLite engine counts it, and FTS5's
``bm25()`` where the SQLite engine lets FTS5 rank, computed from each document's length in
tokens (stored when it is written) and the document counts of GIN. Token document counts
come from the common tokens' bitmaps and GIN, as the SQLite engine takes them from its
bitmaps and FTS5. Stored text read for ranking and snippets is kept between searches (a
:class:`~gazette.search.text_cache.TextCache` per generation), as the SQLite engine keeps it.

**Several processes.** Writers take an advisory lock for their transaction, so document
numbers (from a sequence, never reused) are committed in order; each write bumps a version in
``meta``. A search runs in one read-only snapshot (``REPEATABLE READ``) on a connection from
the pool, and follows the writes since its process last looked as the SQLite engine does
(numbers above the last seen, ``removed`` for the others). Searches from several threads run
at once; a generation is never changed once in use (a newer one is built beside it).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from gazette.search import (
    docsets,
    pg_common,
    pg_connections,
    pg_match,
    pg_rank,
    pg_schema,
    pg_texts,
    pg_write,
)
from gazette.search.analysis import AnalyzerConfig, query_tokens
from gazette.search.base import (
    DocMeta,
    Generation,
    SearchIndex,
    TextSpec,
)
from gazette.search.records import IndexRecord
from gazette.search.sqlite_engine import analysis_label

POOL_SIZE = 4
_BATCH = 256
# Common tokens whose bitmaps ``verify`` compares with GIN's answer.
_CHECKED_TOKENS = 8


def _config_from(label: str) -> AnalyzerConfig:
    return AnalyzerConfig(search_mode=False, bigrams=label.split("/", 1)[0] == "grams")


class PgIndex(SearchIndex):
    """An index in a PostgreSQL database.

    Args:
        dsn: the database (``postgresql://user@host/db``, ``host=/run/postgresql dbname=x``);
            a password is better kept in ``~/.pgpass`` or ``$PGPASSWORD`` than in the DSN.
        config: the analysis of a new index (an existing index keeps its own).
        schema: the PostgreSQL schema that holds the index's tables.

    Raises:
        MissingDependency: psycopg is not installed (the ``postgres`` extra).
        ArchiveError: the server cannot be reached.
        SchemaTooNew: the tables were made by a newer version of the library.
    """

    engine = "postgresql"
    # apply() reads its ``deleted`` ids, then its records, inside its write transaction under
    # the schema's lock: the archive may replay its queue without its writers' lock.
    reads_inside_lock = True

    def __init__(
        self,
        dsn: str,
        config: AnalyzerConfig | None = None,
        *,
        schema: str = pg_schema.DEFAULT_SCHEMA,
    ) -> None:
        self.dsn = dsn
        self.schema = pg_schema.check_schema_name(schema)
        location = pg_schema.masked(dsn)
        self._pool = pg_schema.open_pool(dsn, location, POOL_SIZE)
        new = config or AnalyzerConfig()
        try:
            with pg_schema.translated(location), self._pool.connection() as conn:
                pg_schema.migrate(conn, self.schema, location)
                conn.execute(
                    f"INSERT INTO {self.schema}.meta(key, value) VALUES"
                    " ('analysis', %s), ('epoch', '0'), ('version', '0')"
                    " ON CONFLICT (key) DO NOTHING",
                    (analysis_label(new),),
                )
                label = conn.execute(
                    f"SELECT value FROM {self.schema}.meta WHERE key = 'analysis'"
                ).fetchone()[0]
        except BaseException:
            self._pool.close()
            raise
        super().__init__(location, _config_from(label))  # type: ignore[arg-type]
        self._sessions = pg_connections.Sessions(self._pool, self.schema, location)
        self._generation: Generation | None = None
        self._texts_kept = pg_texts.Texts()

    # --- connections ---------------------------------------------------------------------

    def _conn(self) -> Any:
        return self._sessions.conn()

    def _reading(self) -> contextlib.AbstractContextManager[None]:
        return self._sessions.reading()

    def _writing(self) -> contextlib.AbstractContextManager[Any]:
        return self._sessions.writing()

    # --- writing -------------------------------------------------------------------------

    def apply(
        self,
        records: Iterable[IndexRecord],
        deleted: Iterable[str] = (),
        *,
        procs: int = 1,
        ahead: pg_write.Ahead | None = None,
    ) -> int:
        """Add or replace records and delete ids, in one transaction. Returns records written.

        Args:
            records: the records to write (read in batches; may be a generator).
            deleted: ids to remove.
            procs: processes that analyse text (worth it for bulk loads only).
            ahead: records analysed before the write (see :meth:`analysed`): those written
                are not analysed again.
        """
        with self._writing() as conn:
            known = ahead.records if ahead is not None and ahead.config == self.config else None
            count = pg_write.write(
                conn, self.schema, self.config, records, list(deleted), procs, known
            )
        if count >= _BATCH:
            self._analyze()
        return count

    def analysed(self, records: Iterable[IndexRecord]) -> pg_write.Ahead:
        """Records analysed ahead of :meth:`apply` (outside the index's lock: the analysis is
        most of a write's time). ``apply`` uses an analysis only for the very record object
        it was made from, with the analysis the index still has."""
        return pg_write.ahead(records, self.config)

    def rebuild(self, records: Iterable[IndexRecord], *, procs: int = 1) -> int:
        """Replace the whole content in one transaction: readers see the old index until the
        new one commits, and a failure leaves the old one."""
        with self._writing() as conn:
            self._drop_all(conn)
            count = pg_write.write(conn, self.schema, self.config, records, [], procs)
        self._analyze()
        return count

    def clear(self, config: AnalyzerConfig | None = None) -> None:
        with self._writing() as conn:
            self._drop_all(conn, config)

    def _drop_all(self, conn: Any, config: AnalyzerConfig | None = None) -> None:
        chosen = config or self.config
        pg_write.drop_all(conn, self.schema, analysis_label(chosen))
        self.config = chosen

    def _analyze(self) -> None:
        """After a bulk write: merge GIN's pending entries, mark the pages all-visible (counts
        then need not read the rows) and refresh the planner's statistics (ranking reads the
        token counts from them)."""
        with pg_schema.translated(str(self.path)), self._pool.connection() as conn:
            for table in ("docs", "fts", "title_fts", "texts", "title_postings"):
                conn.execute(f"VACUUM (ANALYZE) {self.schema}.{table}")

    def problems(self) -> list[str]:
        with self._reading():
            conn = self._conn()
            stored = conn.execute(
                f"SELECT value FROM {self.schema}.meta WHERE key = 'analysis'"
            ).fetchone()
            current = analysis_label(self.config)
            if stored is None or stored[0] != current:
                return [
                    f"index analysed as {stored[0] if stored else None}, this installation"
                    f" analyses as {current} (another Python's Unicode tables)"
                ]
            live = self._current().live
            wrong = pg_common.disagreeing(conn, self.schema, live, sample=_CHECKED_TOKENS)
            unmeasured = conn.execute(
                f"SELECT count(*) FROM {self.schema}.docs WHERE tokens IS NULL"
            ).fetchone()[0]
        if unmeasured:
            return [
                f"{unmeasured} documents were indexed before their lengths in tokens were"
                " stored, which ranking needs: rebuild the index (gazette reindex)"
            ]
        if wrong:
            shown = "、".join(wrong[:5])
            return [
                f"the bitmaps of {len(wrong)} common tokens disagree with the postings: {shown}"
            ]
        return []

    def revisions(self) -> dict[str, int]:
        with self._reading():
            rows = self._conn().execute(f"SELECT id, rev FROM {self.schema}.docs").fetchall()
        return dict(rows)

    def size_bytes(self) -> int:
        with self._reading():
            row = (
                self._conn()
                .execute(
                    "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
                    " JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE n.nspname = %s AND c.relkind = 'r'",
                    (self.schema,),
                )
                .fetchone()
            )
        return int(row[0])

    def optimize(self) -> None:
        """Choose the common tokens again from every document (slow: it reads every
        tsvector), then ``VACUUM ANALYZE`` the tables (merges GIN's pending entries, frees
        the space of removed rows, refreshes the statistics)."""
        with self._writing() as conn:
            docs = conn.execute(f"SELECT count(*) FROM {self.schema}.docs").fetchone()[0]
            pg_common.choose(conn, self.schema, docs)
        with pg_schema.translated(str(self.path)), self._pool.connection() as conn:
            for table in (
                "docs",
                "texts",
                "fts",
                "title_fts",
                "removed",
                "common",
                "title_postings",
            ):
                conn.execute(f"VACUUM (ANALYZE) {self.schema}.{table}")

    def close(self) -> None:
        self._generation = None
        self._texts_kept.close()
        self._texts_kept.drop()
        self._pool.close()

    def _spare_connection(self) -> Any:
        """A connection of the pool if one is free at once (texts read ahead), else ``None``."""
        try:
            return self._pool.getconn(timeout=0.001)
        except Exception:  # none free, or the server away: the search goes on without
            return None

    def _return_connection(self, conn: Any) -> None:
        self._pool.putconn(conn)

    def drop_caches(self) -> None:
        super().drop_caches()
        self._texts_kept.drop()

    # --- the generation --------------------------------------------------------------------

    def _current(self) -> Generation:
        meta = self._sessions.meta()
        if meta is None:  # in a write
            meta = dict(
                self._conn()
                .execute(
                    f"SELECT key, value FROM {self.schema}.meta WHERE key IN ('version', 'epoch')"
                )
                .fetchall()
            )
        version = int(meta.get("version", 0))
        epoch = int(meta.get("epoch", 0))
        with self._lock:
            gen = self._generation
            if gen is not None and (gen.marks["epoch"], gen.token) >= (epoch, version):
                # Up to date, or newer than this snapshot (another thread moved on).
                return gen
            fresh = None
            if gen is not None and gen.marks["epoch"] == epoch:
                fresh = self._follow(gen)
            if fresh is None:
                fresh = Generation()
                fresh.marks["max_seq"] = self._max_seq()
                self._load(fresh)
            fresh.token = version
            fresh.marks["epoch"] = epoch
            self._generation = fresh
            return fresh

    def _load(self, gen: Generation, after: int | None = None) -> None:
        sql = f"SELECT {pg_write.COLUMNS} FROM {self.schema}.docs"
        rows = self._conn().execute(
            sql + (" WHERE num > %s" if after is not None else ""),
            (after,) if after is not None else (),
        )
        # (title, all) lengths in tokens and whether the text needs no NFKC, by number
        lengths: list[tuple[int, int, bool] | None] = gen.marks.setdefault("lengths", [])

        def metas() -> Iterator[tuple[int, DocMeta]]:
            for row in rows:
                num = row[0]
                if num >= len(lengths):
                    lengths.extend([None] * (num + 1 - len(lengths)))
                lengths[num] = (row[14], row[15], bool(row[16])) if row[15] is not None else None
                yield num, _meta(row)

        gen.load(metas())
        gen.marks.pop("length totals", None)
        gen.marks["max_num"] = max(gen.marks.get("max_num", 0), len(gen.docs) - 1)

    def _max_seq(self) -> int:
        row = self._conn().execute(f"SELECT coalesce(max(seq), 0) FROM {self.schema}.removed")
        return int(row.fetchone()[0])

    def _follow(self, gen: Generation) -> Generation | None:
        """A new generation: ``gen`` brought up to date (``None`` when a fresh load is
        cheaper, or the removals it needs were pruned)."""
        s = self.schema
        conn = self._conn()
        seen = gen.marks.get("max_seq", 0)
        pruned = conn.execute(f"SELECT value FROM {s}.meta WHERE key = 'pruned'").fetchone()
        if pruned is not None and int(pruned[0]) > seen:
            return None
        gone = [n for (n,) in conn.execute(f"SELECT num FROM {s}.removed WHERE seq > %s", (seen,))]
        max_num = gen.marks.get("max_num", 0)
        added = conn.execute(f"SELECT count(*) FROM {s}.docs WHERE num > %s", (max_num,))
        if len(gone) + added.fetchone()[0] > max(1000, docsets.count(gen.live) // 5):
            return None
        fresh = Generation()
        fresh.docs = list(gen.docs)
        fresh.nums = dict(gen.nums)
        fresh.live = gen.live
        fresh.public = gen.public
        fresh.marks = dict(gen.marks)
        fresh.marks["lengths"] = list(gen.marks.get("lengths", []))
        fresh.marks.pop("length totals", None)
        fresh.remove(gone)
        fresh.marks["max_seq"] = self._max_seq()
        self._load(fresh, max_num)
        return fresh

    # --- matching (see gazette.search.pg_match) ---------------------------------------------

    def _tokens(self, spec: TextSpec) -> list[str]:
        return query_tokens(spec.text, spec.phrase, self.config)

    def _query(self, groups: Sequence[Sequence[TextSpec]], phrases: bool = True) -> str | None:
        """The tsquery of groups (AND of ORs)."""
        return pg_match.query(self, groups, phrases)

    _where = staticmethod(pg_match.where)

    def _match(
        self, gen: Generation, groups: Sequence[Sequence[TextSpec]], public_only: bool
    ) -> int:
        return pg_match.match(self, gen, groups, public_only)

    def _common_bits(self, gen: Generation, tokens: Sequence[str]) -> dict[str, int]:
        """The bitmaps of those of ``tokens`` that are common (read once per generation)."""
        cache = gen.cache
        missing = [t for t in tokens if ("common", t) not in cache]
        if missing:
            found = pg_common.bits(self._conn(), self.schema, missing)
            for token in missing:
                cache[("common", token)] = found.get(token)
        return {t: bits for t in tokens if (bits := cache[("common", t)]) is not None}

    # --- ranking -------------------------------------------------------------------------

    def _rank(
        self,
        gen: Generation,
        groups: Sequence[Sequence[TextSpec]],
        candidates: int,
        depth: int,
        public_only: bool,
        memo: dict[int, tuple[str, str]] | None = None,
    ) -> list[tuple[int, float]]:
        return pg_rank.rank(self, gen, groups, candidates, depth, public_only)

    def _literal_counts(
        self,
        gen: Generation,
        nums: list[int],
        literals: list[str],
        public_only: bool,
        memo: dict[int, tuple[str, str]],
    ) -> dict[int, int]:
        if (
            all(n in memo for n in nums)
            or self._texts_kept.holds(gen, nums)
            or any(any("0" <= c <= "9" or "a" <= c <= "z" for c in literal) for literal in literals)
        ):
            # Letters and digits may be written in other cases and widths: fold in Python
            # (as for texts already read).
            return super()._literal_counts(gen, nums, literals, public_only, memo)
        # Counted where the text is, without copying it out.
        columns = ["title", "body"] if public_only else ["title", "body", "restricted"]
        terms = " + ".join(
            "(" + " OR ".join(f"strpos({c}, %s) > 0" for c in columns) + ")::int" for _ in literals
        )
        params: list[Any] = [literal for literal in literals for _ in columns]
        out = dict.fromkeys(nums, 0)
        out.update(
            self._conn()
            .execute(
                f"SELECT num, {terms} FROM {self.schema}.texts WHERE num = ANY(%s)",
                [*params, nums],
            )
            .fetchall()
        )
        return out

    def _texts(
        self, gen: Generation, nums: Sequence[int], public_only: bool
    ) -> dict[int, tuple[str, str]]:
        out: dict[int, tuple[str, str]] = {}
        for num, (title, body, restricted) in self._texts_kept.texts(self, gen, nums).items():
            if restricted and not public_only:
                body = f"{body}\n{restricted}" if body else restricted
            out[num] = (title, body)
        return out

    def _read_texts(self, nums: Sequence[int], conn: Any = None) -> dict[int, tuple[str, str, str]]:
        """(title, body, restricted) of documents, from the database (in the search's
        snapshot, or on ``conn``)."""
        if not nums:
            return {}
        rows = (conn or self._conn()).execute(
            f"SELECT num, title, body, restricted FROM {self.schema}.texts WHERE num = ANY(%s)",
            (list(nums),),
        )
        return {num: (title, body, restricted) for num, title, body, restricted in rows}


def _meta(row: Sequence[Any]) -> DocMeta:
    """The columns of a row of ``docs`` (in :data:`pg_write.COLUMNS` order, after ``num``)."""
    return DocMeta(
        id=row[1],
        rev=row[2],
        numbers=tuple(row[3]),
        identifiers=tuple(row[4]),
        issuers=tuple(row[5]),
        doc_type=row[6],
        written=row[7],
        published=row[8],
        year=row[9],
        public=row[10],
        gazettes=tuple(row[11]),
        issues=tuple(row[12]),
        parent_id=row[13],
    )
