"""Writing the PostgreSQL engine's tables: the token streams as tsvectors, the rows by COPY.

See :mod:`gazette.search.pg_engine` for what is stored and :mod:`gazette.search.pg_schema`
for the tables. Text is analysed in Python (in worker processes for bulk loads), exactly as
the SQLite engine analyses it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context
from typing import Any

import attrs

from gazette.search import common_grams, pg_common
from gazette.search.analysis import AnalyzerConfig, grams, needs_nfkc, words
from gazette.search.records import IndexRecord
from gazette.workers import process_pool

# PostgreSQL keeps positions up to this, and this many of them per token.
MAX_POSITION = 16383
MAX_POSITIONS = 256
_BATCH = 256
_KEEP_REMOVED = 10000
COLUMNS = (
    "num, id, rev, numbers, identifiers, issuers, doc_type, written, published, year,"
    " public, gazettes, issues, parent_id, title_tokens, tokens, plain"
)


def drop_all(conn: Any, schema: str, label: str) -> None:
    """Remove every document and bump the epoch (readers load anew), setting the analysis
    label (inside the caller's transaction: readers see the old content until it commits)."""
    for table in ("docs", "texts", "fts", "title_fts", "removed", "title_counts", "title_postings"):
        conn.execute(f"DELETE FROM {schema}.{table}")
    pg_common.reset(conn, schema)
    conn.execute(
        f"UPDATE {schema}.meta SET value = CASE key WHEN 'epoch' THEN (value::bigint + 1)::text"
        " ELSE %s END WHERE key IN ('epoch', 'analysis')",
        (label,),
    )


def stream(text: str, config: AnalyzerConfig) -> list[str]:
    return grams(text) if config.bigrams else words(text)


def tsvector(title: list[str], rest: Sequence[list[str]] = ()) -> tuple[str, bool]:
    """The ``tsvector`` literal of token streams: the title's positions weighted A, a gap
    between texts (no phrase spans two), and whether a position was lost (see the module
    docstring: the document is then ``long``). Tokens hold no quote or backslash (they are
    ideographs, letters, digits, ``.`` and ``_``)."""
    held: dict[str, list[int]] = {}
    get = held.get
    position = 0
    for token in title:
        position += 1
        found = get(token)
        if found is None:
            held[token] = [position]
        else:
            found.append(position)
    title_end = position
    for tokens in rest:
        position += 1
        for token in tokens:
            position += 1
            found = get(token)
            if found is None:
                held[token] = [position]
            else:
                found.append(position)
    long = position > MAX_POSITION
    out = []
    for token, places in held.items():
        if len(places) > MAX_POSITIONS:
            long = True
            places = places[:MAX_POSITIONS]
        if places[-1] > MAX_POSITION:
            places = [p for p in places if p <= MAX_POSITION] or [MAX_POSITION]
        if places[0] <= title_end:
            spots = ",".join(f"{p}A" if p <= title_end else str(p) for p in places)
        else:
            spots = ",".join(map(str, places))
        out.append(f"'{token}':{spots}")
    return " ".join(out), long


# What is measured of a document's text: its title's and its whole text's lengths in tokens,
# and whether it needs no NFKC (see Analysed).
Measures = tuple[int, int, bool]
# (pub, ins, titles, long) tsvectors and measures, per document; which documents hold each
# common token.
Prepared = tuple[list[tuple[tuple[str, str | None, str, bool], Measures]], dict[str, int] | None]


@attrs.frozen
class Analysed:
    """A record's tsvectors and measures, and the tokens of its title and body (for the
    common tokens' bitmaps), computed ahead of writing it (see :meth:`PgIndex.analysed`).

    The measures are the title's and the whole text's lengths in tokens (what BM25
    normalises by), and whether no part of the text needs NFKC
    (:func:`~gazette.search.analysis.needs_nfkc`): ranking counts words in the text of
    hundreds of documents, and checking each text for that cost as much as reading it."""

    row: tuple[str, str | None, str, bool]
    measures: Measures
    held: frozenset[str]


def analyse(title: str, body: str, restricted: str, config: AnalyzerConfig) -> Analysed:
    """The (pub, ins, titles, long) tsvectors of a text, its measures (see
    :class:`Analysed`) and the tokens of its title and body."""
    head = stream(title, config)
    text = stream(body, config)
    pub, long = tsvector(head, [text])
    ins = None
    length = len(head) + len(text)
    if restricted:
        hidden = stream(restricted, config)
        ins, long_ins = tsvector(head, [text, hidden])
        long = long or long_ins
        length += len(hidden)
    plain = not any(needs_nfkc(part) for part in (title, body, restricted))
    return Analysed(
        (pub, ins, tsvector(head)[0], long), (len(head), length, plain), frozenset(head + text)
    )


@attrs.frozen
class Ahead:
    """Records analysed ahead of a write (see :meth:`PgIndex.analysed`), by id."""

    config: AnalyzerConfig
    records: dict[str, tuple[IndexRecord, Analysed]]


def ahead(records: Iterable[IndexRecord], config: AnalyzerConfig) -> Ahead:
    """``records`` analysed as an index of ``config`` analyses them."""
    return Ahead(
        config, {r.id: (r, analyse(r.title, r.body, r.restricted, config)) for r in records}
    )


def prepare(
    batch: list[tuple[str, str, str]], config: AnalyzerConfig, common: frozenset[str]
) -> Prepared:
    """Worker-process entry: the (pub, ins, titles, long) tsvectors of (title, body,
    restricted) triples with their measures (see :class:`Analysed`), and which of them hold
    each common token (see :func:`pg_common.present`; ``None`` before the common tokens are
    chosen)."""
    done = [analyse(title, body, restricted, config) for title, body, restricted in batch]
    return _prepared_rows(done, common)


def _prepared_rows(done: list[Analysed], common: frozenset[str]) -> Prepared:
    rows = [(a.row, a.measures) for a in done]
    return rows, (pg_common.present([a.held for a in done], common) if common else None)


def _held(batch: list[IndexRecord], config: AnalyzerConfig) -> list[set[str]]:
    return [{*stream(r.title, config), *stream(r.body, config)} for r in batch]


def write(
    conn: Any,
    schema: str,
    config: AnalyzerConfig,
    records: Iterable[IndexRecord],
    deleted: list[str],
    procs: int,
    ahead: dict[str, tuple[IndexRecord, Analysed]] | None = None,
) -> int:
    """Remove ``deleted``, add or replace ``records`` (inside the caller's transaction,
    which holds the writers' lock). Returns records written.

    ``ahead``: records analysed before (by id, with the record analysed): a record that is
    that very object is not analysed again."""
    _remove(conn, schema, deleted)
    count = 0
    pool = None
    if procs > 1:
        method = "fork" if "fork" in get_all_start_methods() else "spawn"
        pool = process_pool(procs, get_context(method))
    recorder = pg_common.Recorder(pg_common.listed(conn, schema), schema)
    try:
        for batch, (prepared, masks) in _prepared(
            records, config, pool, procs, recorder, ahead or {}
        ):
            _remove(conn, schema, [r.id for r in batch])
            first = _insert(conn, schema, batch, prepared)
            count += len(batch)
            if recorder.common:
                if masks is None:  # analysed before the common tokens were chosen
                    masks = pg_common.present(_held(batch, config), recorder.common)
                recorder.add(conn, first, masks, len(batch))
            elif not pg_common.chosen(conn, schema):
                docs = conn.execute(f"SELECT count(*) FROM {schema}.docs").fetchone()[0]
                if docs >= common_grams.MIN_DOCS:
                    recorder.common = pg_common.choose(conn, schema, docs)
        recorder.flush(conn)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    s = schema
    pruned = conn.execute(
        f"WITH gone AS (DELETE FROM {s}.removed WHERE seq <="
        f" (SELECT max(seq) FROM {s}.removed) - %s RETURNING seq) SELECT max(seq) FROM gone",
        (_KEEP_REMOVED,),
    ).fetchone()[0]
    if pruned is not None:
        conn.execute(
            f"INSERT INTO {s}.meta(key, value) VALUES ('pruned', %s)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(pruned),),
        )
    return count


def _prepared(
    records: Iterable[IndexRecord],
    config: AnalyzerConfig,
    pool: ProcessPoolExecutor | None,
    procs: int,
    recorder: pg_common.Recorder,
    ahead: dict[str, tuple[IndexRecord, Analysed]],
) -> Iterator[tuple[list[IndexRecord], Prepared]]:
    """Batches of records with their tsvectors (computed ahead in worker processes when
    there is a pool, so that analysis overlaps with writing; a batch is analysed with the
    common tokens as they are when it is handed out)."""

    def batches() -> Iterator[list[IndexRecord]]:
        batch: list[IndexRecord] = []
        for record in records:
            batch.append(record)
            if len(batch) >= _BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    def analysed(record: IndexRecord) -> Analysed:
        found = ahead.get(record.id)
        if found is not None and found[0] is record:
            return found[1]
        return analyse(record.title, record.body, record.restricted, config)

    if pool is None:
        for batch in batches():
            yield batch, _prepared_rows([analysed(r) for r in batch], recorder.common)
        return
    pending: list[tuple[list[IndexRecord], Any]] = []
    for batch in batches():
        texts = [(r.title, r.body, r.restricted) for r in batch]
        pending.append((batch, pool.submit(prepare, texts, config, recorder.common)))
        if len(pending) >= 4 * procs:
            done, future = pending.pop(0)
            yield done, future.result()
    for done, future in pending:
        yield done, future.result()


def _remove(conn: Any, schema: str, ids: list[str]) -> None:
    if not ids:
        return
    s = schema
    conn.execute(
        f"UPDATE {s}.title_counts c SET docs = c.docs - g.n FROM (SELECT lexeme, count(*) AS n"
        f" FROM {s}.docs d JOIN {s}.title_fts f ON f.num = d.num,"
        " unnest(tsvector_to_array(f.titles)) AS lexeme WHERE d.id = ANY(%s) GROUP BY lexeme) g"
        " WHERE c.token = g.lexeme",
        (ids,),
    )
    conn.execute(
        f"WITH gone AS (DELETE FROM {s}.docs WHERE id = ANY(%s) RETURNING num),"
        f" t AS (DELETE FROM {s}.texts WHERE num IN (SELECT num FROM gone)),"
        f" f AS (DELETE FROM {s}.fts WHERE num IN (SELECT num FROM gone)),"
        f" h AS (DELETE FROM {s}.title_fts WHERE num IN (SELECT num FROM gone)),"
        f" p AS (DELETE FROM {s}.title_postings WHERE num IN (SELECT num FROM gone))"
        f" INSERT INTO {s}.removed(num) SELECT num FROM gone",
        (ids,),
    )


def _insert(
    conn: Any,
    schema: str,
    batch: list[IndexRecord],
    prepared: list[tuple[tuple[str, str | None, str, bool], Measures]],
) -> int:
    """Write a batch at new numbers (consecutive: the writers' lock is held). Returns the
    first."""
    s = schema
    nums = [
        n
        for (n,) in conn.execute(
            f"SELECT nextval('{s}.nums') FROM generate_series(1, %s)", (len(batch),)
        ).fetchall()
    ]
    with conn.cursor() as cur:
        with cur.copy(f"COPY {s}.docs ({COLUMNS}, disclosure) FROM STDIN") as copy:
            for num, r, (_, measures) in zip(nums, batch, prepared, strict=True):
                copy.write_row(
                    (
                        num,
                        r.id,
                        r.rev,
                        list(r.numbers),
                        list(r.identifiers),
                        list(r.issuers),
                        r.doc_type,
                        r.written.toordinal() if r.written else 0,
                        r.published.toordinal() if r.published else 0,
                        r.year,
                        r.public,
                        list(r.gazettes),
                        list(r.issues),
                        r.parent_id,
                        *measures,
                        r.disclosure,
                    )
                )
        with cur.copy(f"COPY {s}.texts (num, title, body, restricted) FROM STDIN") as copy:
            for num, r in zip(nums, batch, strict=True):
                copy.write_row((num, r.title, r.body, r.restricted))
        with cur.copy(f"COPY {s}.fts (num, pub, ins, long) FROM STDIN") as copy:
            for num, ((pub, ins, _, long), _) in zip(nums, prepared, strict=True):
                copy.write_row((num, pub, ins, long))
        with cur.copy(f"COPY {s}.title_fts (num, titles) FROM STDIN") as copy:
            for num, ((_, _, titles, _), _) in zip(nums, prepared, strict=True):
                copy.write_row((num, titles))
    conn.execute(
        f"INSERT INTO {s}.title_counts(token, docs) SELECT lexeme, count(*) FROM {s}.title_fts,"
        " unnest(tsvector_to_array(titles)) AS lexeme WHERE num BETWEEN %s AND %s"
        " GROUP BY lexeme ON CONFLICT (token) DO UPDATE"
        f" SET docs = {s}.title_counts.docs + excluded.docs",
        (nums[0], nums[-1]),
    )
    conn.execute(
        f"INSERT INTO {s}.title_postings(token, num, freq) SELECT t.lexeme, f.num,"
        f" cardinality(t.positions) FROM {s}.title_fts f, unnest(f.titles) t"
        " WHERE f.num BETWEEN %s AND %s",
        (nums[0], nums[-1]),
    )
    return nums[0]
