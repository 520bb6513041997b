"""Search speed, side by side with SQLite FTS5 over the same segmented text.

Builds corpora of N documents (default 10,000; ``--size 100000`` for the large run) of about
3,000 characters recombined from real sentences of ``../shared/corpus``, then prints for this
project's index (Whoosh, jieba words + CJK bigrams) and for an FTS5 table of the same text
segmented by the same jieba (words separated by spaces, unicode61 tokenizer):

- index build rate (documents/s, segmentation included) and size relative to the raw text;
- query latency p50/p95 for 1-, 2- and 3-word queries drawn from the documents, without and
  with filters (issuer + year, and status on a date from a status-interval table).

Both sides return the top 10 by BM25 (title weighted 3×) and the total count; the project's
figures are given with and without facet counts. Run: ``python -m benchmarks.bench_search
--size 10000``. Timings depend on the machine's load: compare the two columns of one run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.corpus import ISSUERS, real_records, sentences, synthetic_records
from gazette.search import IndexRecord, SearchFilters, SearchIndex
from gazette.search.analysis import words

STATUSES = ("in_force", "in_force", "in_force", "repealed", "expired", "amended", "unknown")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def status_table(path: Path, records: list[IndexRecord], seed: int = 5) -> sqlite3.Connection:
    """A catalog-shaped ``status_intervals`` table for the synthetic documents."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE status_intervals (doc_id TEXT, status TEXT, start TEXT, end TEXT)")
    rnd = random.Random(seed)
    rows = []
    for r in records:
        change = dt.date(rnd.randint(1995, 2024), rnd.randint(1, 12), 1).isoformat()
        rows.append((r.id, "not_yet_in_force", "0001-01-01", change))
        rows.append((r.id, rnd.choice(STATUSES), change, None))
    conn.executemany("INSERT INTO status_intervals VALUES (?, ?, ?, ?)", rows)
    conn.execute("CREATE INDEX si ON status_intervals(status, start)")
    conn.commit()
    return conn


def statuses_from(conn: sqlite3.Connection) -> Callable[[dt.date], dict[str, str]]:
    def source(on: dt.date) -> dict[str, str]:
        day = on.isoformat()
        rows = conn.execute(
            "SELECT doc_id, status FROM status_intervals"
            " WHERE start <= ? AND (end IS NULL OR end > ?)",
            (day, day),
        ).fetchall()
        return dict(rows)

    return source


def query_sets(records: list[IndexRecord], count: int, seed: int = 9) -> dict[int, list[list[str]]]:
    """1-, 2- and 3-word queries: consecutive jieba words (two characters or more) of a
    random document."""
    rnd = random.Random(seed)
    out: dict[int, list[list[str]]] = {1: [], 2: [], 3: []}
    for n in out:
        while len(out[n]) < count:
            record = rnd.choice(records)
            tokens = [
                w
                for w in words(record.body[rnd.randrange(len(record.body) - 200) :][:200])
                if len(w) >= 2
            ]
            if len(tokens) >= n:
                start = rnd.randrange(len(tokens) - n + 1)
                out[n].append(tokens[start : start + n])
    return out


def build_fts(path: Path, records: list[IndexRecord]) -> float:
    started = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize = 'unicode61')")
    conn.execute(
        "CREATE TABLE meta (rowid INTEGER PRIMARY KEY, id TEXT, issuer TEXT, year INTEGER,"
        " public INTEGER)"
    )
    with conn:
        for n, r in enumerate(records, start=1):
            conn.execute(
                "INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)",
                (n, " ".join(words(r.title)), " ".join(words(r.body))),
            )
            conn.execute(
                "INSERT INTO meta VALUES (?, ?, ?, ?, ?)",
                (n, r.id, r.issuers[0], r.year, int(r.public)),
            )
    conn.execute("CREATE INDEX meta_f ON meta(issuer, year)")
    conn.commit()
    conn.close()
    return time.perf_counter() - started


def fts_search(
    conn: sqlite3.Connection, terms: list[str], filtered: bool, on: str
) -> tuple[int, list[str]]:
    match = " ".join('"' + t.replace('"', "") + '"' for t in terms)
    where = "fts MATCH ? AND m.public = 1"
    params: list[object] = [match]
    if filtered:
        where += (
            " AND m.issuer = ? AND m.year >= ? AND m.id IN (SELECT doc_id FROM status_intervals"
            " WHERE status = 'in_force' AND start <= ? AND (end IS NULL OR end > ?))"
        )
        params += [ISSUERS[0], 2000, on, on]
    sql = f"FROM fts JOIN meta m ON m.rowid = fts.rowid WHERE {where}"
    total = conn.execute(f"SELECT COUNT(*) {sql}", params).fetchone()[0]
    rows = conn.execute(
        f"SELECT m.id {sql} ORDER BY bm25(fts, 3.0, 1.0) LIMIT 10", params
    ).fetchall()
    return total, [r[0] for r in rows]


def timed(fn: Callable[..., object], runs: list[float], *args: object, **kwargs: object) -> None:
    started = time.perf_counter()
    fn(*args, **kwargs)
    runs.append((time.perf_counter() - started) * 1000)


def run(size: int, queries: int, procs: int, workdir: Path) -> None:
    real = real_records()
    pool = sentences(real)
    started = time.perf_counter()
    records = list(synthetic_records(size, seed=1, size=3000, pool=pool))
    raw = sum(len((r.title + r.body).encode()) for r in records)
    print(
        f"\n== {size} documents, {raw / 1e6:.0f} MB of text "
        f"(generated in {time.perf_counter() - started:.0f}s), procs={procs}"
    )

    index_dir = workdir / "whoosh"
    index = SearchIndex(index_dir)
    started = time.perf_counter()
    index.apply(records, procs=procs, limitmb=256)
    whoosh_build = time.perf_counter() - started
    fts_path = workdir / "fts.sqlite"
    fts_build = build_fts(fts_path, records)
    fts_size = os.path.getsize(fts_path)
    print(f"{'':34} {'project':>12} {'FTS5':>12} {'ratio':>7}")
    print(
        f"{'build (docs/s)':34} {size / whoosh_build:>12.0f} {size / fts_build:>12.0f}"
        f" {fts_build / whoosh_build:>7.2f}"
    )
    print(f"{'index size / raw text':34} {index.size_bytes() / raw:>12.2f} {fts_size / raw:>12.2f}")

    status_conn = status_table(workdir / "status.sqlite", records)
    source = statuses_from(status_conn)
    fts_conn = sqlite3.connect(fts_path)
    fts_conn.execute(f"ATTACH DATABASE '{workdir / 'status.sqlite'}' AS st")
    on = dt.date(2020, 1, 1)
    sets = query_sets(records, queries)
    filters = SearchFilters(issuer=ISSUERS[0], date_from=dt.date(2000, 1, 1), valid_on=on)
    # Warm both sides (caches of the searcher generation, SQLite page cache).
    index.search(" ".join(sets[1][0]), public_only=True, filters=filters, status_source=source)
    fts_search(fts_conn, sets[1][0], True, on.isoformat())
    for filtered in (False, True):
        for n in (1, 2, 3):
            project, project_facets, fts = [], [], []
            for terms in sets[n]:
                text = " ".join(terms)
                f = filters if filtered else None
                common = {"public_only": True, "filters": f, "status_source": source}
                timed(index.search, project, text, facets=False, **common)
                timed(index.search, project_facets, text, facets=True, **common)
                timed(fts_search, fts, fts_conn, terms, filtered, on.isoformat())
            label = f"{n}-term{' + filters' if filtered else ''}"
            p50 = (
                statistics.median(project),
                statistics.median(project_facets),
                statistics.median(fts),
            )
            p95 = (
                percentile(project, 0.95),
                percentile(project_facets, 0.95),
                percentile(fts, 0.95),
            )
            print(
                f"{label + ' p50 ms':34} {p50[0]:>12.1f} {p50[2]:>12.2f} {p50[0] / p50[2]:>7.1f}"
                f"   (with facets {p50[1]:.1f})"
            )
            print(
                f"{label + ' p95 ms':34} {p95[0]:>12.1f} {p95[2]:>12.2f} {p95[0] / p95[2]:>7.1f}"
                f"   (with facets {p95[1]:.1f})"
            )
    index.close()
    fts_conn.close()
    status_conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, action="append", help="documents (repeatable)")
    parser.add_argument("--queries", type=int, default=100, help="queries per set")
    parser.add_argument("--procs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--workdir", type=Path, help="keep the indexes here")
    args = parser.parse_args()
    print(f"cpus: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    for size in args.size or [10000]:
        if args.workdir:
            workdir = args.workdir / str(size)
            workdir.mkdir(parents=True, exist_ok=True)
            run(size, args.queries, args.procs, workdir)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                run(size, args.queries, args.procs, Path(tmp))


if __name__ == "__main__":
    main()
