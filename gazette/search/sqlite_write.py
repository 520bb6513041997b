"""Writing the SQLite FTS5 engine's tables: the schema, the token streams, the rows.

See :mod:`gazette.search.sqlite_engine` for what is stored and how it is read. Text is
analysed in Python (in worker processes for bulk loads); FTS5 only splits the token stream
again at its spaces. Every function here runs inside the caller's write transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context
from typing import Any

from gazette.search import common_grams
from gazette.search.analysis import AnalyzerConfig, grams_text, words
from gazette.search.records import IndexRecord
from gazette.workers import process_pool

BATCH = 256
# Removed numbers kept for readers that follow changes (older ones reload instead).
_KEEP_REMOVED = 10000
_SEP = "\x1f"
_TOKENIZER = "ascii tokenchars '._'"

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    num         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    rev         INTEGER NOT NULL,
    numbers     TEXT NOT NULL,
    identifiers TEXT NOT NULL,
    issuers     TEXT NOT NULL,
    doc_type    TEXT,
    written     INTEGER NOT NULL,
    published   INTEGER NOT NULL,
    year        INTEGER,
    disclosure  TEXT NOT NULL,
    public      INTEGER NOT NULL,
    gazettes    TEXT NOT NULL,
    issues      TEXT NOT NULL,
    parent_id   TEXT
);
CREATE TABLE IF NOT EXISTS texts (
    num        INTEGER PRIMARY KEY,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    restricted TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS removed (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    num INTEGER NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    title, body, restricted, content='', tokenize="{_TOKENIZER}"
);
CREATE VIRTUAL TABLE IF NOT EXISTS titles USING fts5(
    title, content='', tokenize="{_TOKENIZER}"
);
{common_grams.SCHEMA.strip()};
"""
TABLES = ("docs", "texts", "removed", "fts", "titles", "common")
# The text the common-token bitmaps cover: what the public may search.
PUBLIC = "{title body}"


def statements() -> Iterator[str]:
    """The schema's statements, one by one."""
    for statement in SCHEMA.strip().split(";\n"):
        if statement.strip():
            yield statement


def stream_text(text: str, config: AnalyzerConfig) -> str:
    """A text as the space-separated tokens an index of ``config`` stores."""
    return grams_text(text) if config.bigrams else " ".join(words(text))


def _tokenize(
    batch: list[tuple[str, str, str]], config: AnalyzerConfig, common: frozenset[str]
) -> tuple[list[tuple[str, ...]], dict[str, int] | None]:
    """Worker-process entry: the token streams of (title, body, restricted) triples, and
    which of them hold each common token (see :func:`common_grams.present`; ``None`` when
    the common tokens are not chosen yet)."""
    streams = [tuple(stream_text(t, config) for t in texts) for texts in batch]
    if not common:
        return streams, None
    return streams, common_grams.present(((s[0], s[1]) for s in streams), common)


def join(values: Iterable[str]) -> str:
    """Several values in one column."""
    return _SEP.join(values)


def split(value: str) -> tuple[str, ...]:
    """The values :func:`join` put in one column."""
    return tuple(value.split(_SEP)) if value else ()


def drop_all(conn: sqlite3.Connection, label: str, epoch: int) -> None:
    """Remove every document: the tables made anew, the analysis ``label`` and the
    ``epoch`` (readers load anew) recorded."""
    for table in TABLES:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.execute("DELETE FROM sqlite_sequence WHERE name IN ('docs', 'removed')")
    for statement in statements():
        conn.execute(statement)
    conn.executemany(
        "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
        [
            ("analysis", label),
            ("epoch", str(epoch)),
            ("common_docs", "0"),
            ("common_tokens", "[]"),
        ],
    )


def write(
    conn: sqlite3.Connection,
    config: AnalyzerConfig,
    records: Iterable[IndexRecord],
    deleted: Iterable[str],
    procs: int,
) -> int:
    """Remove ``deleted``, add or replace ``records``. Returns records written."""
    remove(conn, config, list(deleted))
    count = 0
    pool = None
    if procs > 1:
        # Fork: the workers need nothing but the analysis code, already loaded.
        method = "fork" if "fork" in get_all_start_methods() else "spawn"
        pool = process_pool(procs, get_context(method))
    recorder = common_grams.Recorder(common_grams.listed(conn))
    try:
        for batch, (streams, masks) in _tokenized(records, config, pool, procs, recorder):
            remove(conn, config, [r.id for r in batch])
            _insert(conn, batch, streams, masks, recorder)
            count += len(batch)
            if not recorder.common and not common_grams.chosen(conn):
                docs = conn.execute("SELECT count(*) FROM docs").fetchone()[0]
                if docs >= common_grams.MIN_DOCS:
                    recorder.common = common_grams.choose(conn, PUBLIC, docs)
        recorder.flush(conn)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    conn.execute(
        "DELETE FROM removed WHERE seq <= (SELECT max(seq) FROM removed) - ?",
        (_KEEP_REMOVED,),
    )
    return count


def _tokenized(
    records: Iterable[IndexRecord],
    config: AnalyzerConfig,
    pool: ProcessPoolExecutor | None,
    procs: int,
    recorder: common_grams.Recorder,
) -> Iterator[tuple[list[IndexRecord], tuple[list[tuple[str, ...]], dict[str, int] | None]]]:
    """Batches of records with what :func:`_tokenize` makes of them (computed ahead in
    worker processes when there is a pool, so that tokenising overlaps with writing; a batch
    is analysed with the recorder's common tokens as they are when it is handed out)."""

    def batches() -> Iterator[list[IndexRecord]]:
        batch: list[IndexRecord] = []
        for record in records:
            batch.append(record)
            if len(batch) >= BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    if pool is None:
        for batch in batches():
            texts = [(r.title, r.body, r.restricted) for r in batch]
            yield batch, _tokenize(texts, config, recorder.common)
        return
    pending: list[tuple[list[IndexRecord], Any]] = []
    ahead = 4 * procs
    for batch in batches():
        texts = [(r.title, r.body, r.restricted) for r in batch]
        pending.append((batch, pool.submit(_tokenize, texts, config, recorder.common)))
        if len(pending) >= ahead:
            done, future = pending.pop(0)
            yield done, future.result()
    for done, future in pending:
        yield done, future.result()


def remove(conn: sqlite3.Connection, config: AnalyzerConfig, ids: list[str]) -> None:
    """Remove documents by id (their postings are recomputed from the stored text)."""
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT d.num, t.title, t.body, t.restricted FROM docs d JOIN texts t"
            f" ON t.num = d.num WHERE d.id IN ({marks})",
            chunk,
        ).fetchall()
        if not rows:
            continue
        streams = [
            (num, *(stream_text(t, config) for t in (title, body, restricted)))
            for num, title, body, restricted in rows
        ]
        conn.executemany(
            "INSERT INTO fts(fts, rowid, title, body, restricted) VALUES ('delete', ?, ?, ?, ?)",
            streams,
        )
        conn.executemany(
            "INSERT INTO titles(titles, rowid, title) VALUES ('delete', ?, ?)",
            [(s[0], s[1]) for s in streams],
        )
        nums = [(row[0],) for row in rows]
        conn.executemany("DELETE FROM docs WHERE num = ?", nums)
        conn.executemany("DELETE FROM texts WHERE num = ?", nums)
        conn.executemany("INSERT INTO removed(num) VALUES (?)", nums)


def _insert(
    conn: sqlite3.Connection,
    batch: list[IndexRecord],
    streams: list[tuple[str, ...]],
    masks: dict[str, int] | None,
    recorder: common_grams.Recorder,
) -> None:
    row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'docs'").fetchone()
    first = (row[0] if row else 0) + 1
    nums = range(first, first + len(batch))
    conn.executemany(
        "INSERT INTO docs(num, id, rev, numbers, identifiers, issuers, doc_type, written,"
        " published, year, disclosure, public, gazettes, issues, parent_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                num,
                r.id,
                r.rev,
                join(r.numbers),
                join(r.identifiers),
                join(r.issuers),
                r.doc_type,
                r.written.toordinal() if r.written else 0,
                r.published.toordinal() if r.published else 0,
                r.year,
                r.disclosure,
                int(r.public),
                join(r.gazettes),
                join(r.issues),
                r.parent_id,
            )
            for num, r in zip(nums, batch, strict=True)
        ],
    )
    conn.executemany(
        "INSERT INTO texts(num, title, body, restricted) VALUES (?, ?, ?, ?)",
        [(num, r.title, r.body, r.restricted) for num, r in zip(nums, batch, strict=True)],
    )
    conn.executemany(
        "INSERT INTO fts(rowid, title, body, restricted) VALUES (?, ?, ?, ?)",
        [(num, *s) for num, s in zip(nums, streams, strict=True)],
    )
    conn.executemany(
        "INSERT INTO titles(rowid, title) VALUES (?, ?)",
        [(num, s[0]) for num, s in zip(nums, streams, strict=True)],
    )
    if recorder.common:
        if masks is None:  # analysed before the common tokens were chosen
            masks = common_grams.present(((s[0], s[1]) for s in streams), recorder.common)
        recorder.add(conn, first, masks, len(batch))
