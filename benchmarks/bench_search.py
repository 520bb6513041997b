"""Search speed: both engines side by side with a plain SQLite FTS5 table, in one run.

Builds corpora of N documents (``--size``, repeatable; 10,000 by default) of about 3,000
characters recombined from real sentences of ``../shared/corpus``, and measures in the same run:

``sqlite``  this project's default engine (FTS5, bitmaps of the common tokens, per-document
            columns and cached filter bitmaps);
``whoosh``  this project's Whoosh engine, only for sizes up to ``--whoosh-max`` (it indexes a
            few documents per second, so 10,000 documents would take an hour or more);
``peer``    a bare FTS5 table of the same token stream (CJK bigrams and each run's last
            character, space-separated, ``unicode61``, storing its content as FTS5 does by
            default) with a plain metadata table, queried the
            way a user of FTS5 would: ``COUNT(*)`` and the top 10 by ``bm25`` (title 3×) over
            every match, with filters as SQL conditions and a subquery on a status-interval
            table. No facets, no snippets, no exact-match re-ranking. It matches what the
            engines match (every bigram of every word), and the run checks that its totals
            agree with the sqlite engine's.

Printed per engine: build rate (documents/s, analysis included; records are written oldest
first, as ``reindex`` does), index size relative to the raw text (UTF-8), and query latency
p50/p95 for 1-, 2- and 3-word queries (consecutive jieba words of a random document), without
and with filters (issuer + date from + in force on a date). The project's searches return the
total, facet counts (issuer, year, 文种, status), the top 10 with snippets; they are timed cold
(the cached match sets dropped before each query; filter sets stay cached, as in a running
process) and, for the sqlite engine, again warm (the same query repeated). Each engine runs
all its queries in its own pass, the bare table last.

Timings depend on the machine's load (printed with the figures): compare columns of one run,
and prefer the ratios. Run: ``python -m benchmarks.bench_search --size 10000 --size 100000``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sqlite3
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.corpus import ISSUERS, real_records, sentences, synthetic_records
from gazette.search import IndexRecord, SearchFilters, SearchIndex, open_index
from gazette.search.analysis import bigrams, grams_text, words

STATUSES = ("in_force", "in_force", "in_force", "repealed", "expired", "amended", "unknown")
ON = dt.date(2020, 1, 1)
FILTERS = SearchFilters(issuer=ISSUERS[0], date_from=dt.date(2000, 1, 1), valid_on=ON)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def load() -> str:
    """The machine's load, as ``uptime`` prints it."""
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:  # pragma: no cover
        return f"load average: {os.getloadavg()}"


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
    """The status source the archive gives the index (the same query as the archive's)."""

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


# --- the peer -------------------------------------------------------------------------------


def build_peer(path: Path, records: list[IndexRecord]) -> float:
    """A bare FTS5 table of the token stream plus a metadata table. Returns seconds."""
    started = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(title, body,"
        " tokenize = \"unicode61 remove_diacritics 0 tokenchars '._'\")"
    )
    conn.execute(
        "CREATE TABLE meta (rowid INTEGER PRIMARY KEY, id TEXT, issuer TEXT, written TEXT,"
        " public INTEGER)"
    )
    conn.execute("BEGIN")
    for start in range(0, len(records), 500):
        batch = records[start : start + 500]
        conn.executemany(
            "INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)",
            [
                (start + n, grams_text(r.title), grams_text(r.body))
                for n, r in enumerate(batch, start=1)
            ],
        )
        conn.executemany(
            "INSERT INTO meta VALUES (?, ?, ?, ?, ?)",
            [
                (
                    start + n,
                    r.id,
                    r.issuers[0],
                    r.written.isoformat() if r.written else None,
                    int(r.public),
                )
                for n, r in enumerate(batch, start=1)
            ],
        )
    conn.execute("CREATE INDEX meta_f ON meta(issuer, written)")
    conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - started


def peer_search(conn: sqlite3.Connection, terms: list[str], filtered: bool) -> tuple[int, list]:
    """Total and top 10 the way a plain FTS5 user would ask (every bigram of every word)."""
    tokens = dict.fromkeys(t for term in terms for t in bigrams(term))
    match = " AND ".join(f'"{t}"' for t in tokens)
    where = "fts MATCH ? AND m.public = 1"
    params: list[object] = [match]
    if filtered:
        day = ON.isoformat()
        where += (
            " AND m.issuer = ? AND m.written >= ? AND m.id IN (SELECT doc_id FROM"
            " st.status_intervals WHERE status IN ('in_force', 'partially_invalid')"
            " AND start <= ? AND (end IS NULL OR end > ?))"
        )
        params += [ISSUERS[0], "2000-01-01", day, day]
    sql = f"FROM fts JOIN meta m ON m.rowid = fts.rowid WHERE {where}"
    total = conn.execute(f"SELECT COUNT(*) {sql}", params).fetchone()[0]
    rows = conn.execute(
        f"SELECT m.id {sql} ORDER BY bm25(fts, 3.0, 1.0) LIMIT 10", params
    ).fetchall()
    return total, rows


# --- the run --------------------------------------------------------------------------------


def timed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> float:
    started = time.perf_counter()
    fn(*args, **kwargs)
    return (time.perf_counter() - started) * 1000


class Column:
    """Latencies of one engine, by query set."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.ms: dict[str, list[float]] = {}

    def add(self, label: str, value: float) -> None:
        self.ms.setdefault(label, []).append(value)

    def p(self, label: str, q: float) -> float | None:
        values = self.ms.get(label)
        if not values:
            return None
        return statistics.median(values) if q == 0.5 else percentile(values, q)


def run(size: int, queries: int, procs: int, workdir: Path, whoosh_max: int) -> None:
    real = real_records()
    pool = sentences(real)
    started = time.perf_counter()
    records = list(synthetic_records(size, seed=1, size=3000, pool=pool))
    # Oldest first, as ``reindex`` writes them.
    records.sort(key=lambda r: (r.written or r.published or dt.date.min, r.id))
    raw = sum(len((r.title + r.body).encode()) for r in records)
    print(
        f"\n== {size} documents, {raw / 1e6:.0f} MB of text (generated in"
        f" {time.perf_counter() - started:.0f}s), procs={procs}\n   {load()}"
    )
    engines = ["sqlite"] + (["whoosh"] if size <= whoosh_max else [])
    indexes: dict[str, SearchIndex] = {}
    build: dict[str, float] = {}
    sizes: dict[str, float] = {}
    for name in engines:
        index = open_index(workdir / name, name)
        seconds = timed(index.apply, records, procs=procs) / 1000
        build[name] = size / seconds
        if hasattr(index, "conn"):
            index.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        sizes[name] = index.size_bytes() / raw
        indexes[name] = index
        print(f"   built {name}: {seconds:.0f}s   {load()}")
    peer_path = workdir / "peer.sqlite"
    seconds = build_peer(peer_path, records)  # closed: checkpointed, no WAL left
    build["peer"] = size / seconds
    sizes["peer"] = (
        sum(os.path.getsize(p) for p in (peer_path, Path(f"{peer_path}-wal")) if p.exists()) / raw
    )
    print(f"   built peer: {seconds:.0f}s   {load()}")

    status_conn = status_table(workdir / "status.sqlite", records)
    source = statuses_from(status_conn)
    peer = sqlite3.connect(peer_path)
    peer.execute(f"ATTACH DATABASE '{workdir / 'status.sqlite'}' AS st")
    sets = query_sets(records, queries)
    columns = {name: Column(name) for name in engines}
    warm = Column("sqlite warm")
    nofacets = Column("sqlite no facets")
    peer_col = Column("peer")
    # Load each engine's columns and the filter sets once (a running process has them).
    for index in indexes.values():
        for filters in (FILTERS, None):
            index.search(
                " ".join(sets[1][0]), public_only=True, filters=filters, status_source=source
            )
    peer_search(peer, sets[1][0], True)
    print(f"   querying ({queries} queries per set)   {load()}")
    # One engine at a time: the bare table's filtered queries read gigabytes at 100,000
    # documents, and interleaved with the others they would slow whatever query came next.
    cases = [
        (filtered, n, terms) for filtered in (False, True) for n in (1, 2, 3) for terms in sets[n]
    ]

    def label_of(filtered: bool, n: int) -> str:
        return f"{n}-word{' + filters' if filtered else ''}"

    totals: dict[tuple[bool, str], dict[str, int]] = {}
    for name, index in indexes.items():
        for filtered, n, terms in cases:
            text = " ".join(terms)
            common: dict[str, Any] = {
                "public_only": True,
                "filters": FILTERS if filtered else None,
                "status_source": source,
            }
            index.drop_caches()
            started = time.perf_counter()
            found = index.search(text, **common).total
            columns[name].add(label_of(filtered, n), (time.perf_counter() - started) * 1000)
            totals.setdefault((filtered, text), {})[name] = found
            if name == "sqlite":
                warm.add(label_of(filtered, n), timed(index.search, text, **common))
                index.drop_caches()
                nofacets.add(
                    label_of(filtered, n), timed(index.search, text, facets=False, **common)
                )
    for filtered, n, terms in cases:
        started = time.perf_counter()
        found = peer_search(peer, terms, filtered)[0]
        peer_col.add(label_of(filtered, n), (time.perf_counter() - started) * 1000)
        totals[(filtered, " ".join(terms))]["peer"] = found
    disagreements = [
        (text, filtered, found)
        for (filtered, text), found in totals.items()
        if len(set(found.values())) > 1
    ]
    print(f"   done   {load()}")
    checked = len(totals)
    print(f"   totals agree on {checked - len(disagreements)} of {checked} queries")
    for text, filtered, totals in disagreements[:5]:
        print(f"     differ: {text!r} filtered={filtered} {totals}")

    shown = [*columns.values(), peer_col]
    head = "".join(f"{c.name:>12}" for c in shown)
    print(f"\n{'':30}{head}{'sqlite/peer':>13}")
    print(
        f"{'build (docs/s)':30}"
        + "".join(f"{build[c.name]:>12.0f}" for c in shown)
        + f"{build['sqlite'] / build['peer']:>13.2f}"
    )
    print(f"{'index size / raw text':30}" + "".join(f"{sizes[c.name]:>12.2f}" for c in shown))
    for label in columns["sqlite"].ms:
        for q, name in ((0.5, "p50"), (0.95, "p95")):
            cells = "".join(
                f"{value:>12.1f}" if (value := c.p(label, q)) is not None else f"{'-':>12}"
                for c in shown
            )
            ratio = (columns["sqlite"].p(label, q) or 0) / (peer_col.p(label, q) or 1)
            extra = f"   (sqlite warm {warm.p(label, q):.1f}, no facets {nofacets.p(label, q):.1f})"
            print(f"{label + ' ' + name + ' ms':30}{cells}{ratio:>13.2f}{extra}")
    for index in indexes.values():
        index.close()
    peer.close()
    status_conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, action="append", help="documents (repeatable)")
    parser.add_argument("--queries", type=int, default=100, help="queries per set")
    parser.add_argument("--procs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument(
        "--whoosh-max", type=int, default=2000, help="largest size the Whoosh engine is built at"
    )
    parser.add_argument("--workdir", type=Path, help="keep the indexes here")
    args = parser.parse_args()
    print(f"cpus: {os.cpu_count()}; {load()}")
    for size in args.size or [10000]:
        if args.workdir:
            workdir = args.workdir / str(size)
            workdir.mkdir(parents=True, exist_ok=True)
            run(size, args.queries, args.procs, workdir, args.whoosh_max)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                run(size, args.queries, args.procs, Path(tmp), args.whoosh_max)


if __name__ == "__main__":
    main()
