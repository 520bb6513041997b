"""Search on PostgreSQL beside the SQLite engine, in one run.

Builds corpora of N documents (``--size``, repeatable; 10,000 by default) with
``bench_search``'s builder (about 3,000 characters each, recombined from real sentences of
``../shared/corpus``), writes them to both engines (oldest first, as ``reindex`` does, with
``--procs`` analysing processes), and measures for each:

* build rate (documents/s, analysis included);
* index size per million documents (bytes on disk, or in the database's tables and indexes,
  scaled), and relative to the raw text;
* query latency p50/p95 for 1-, 2- and 3-word queries, without and with filters (issuer +
  date from + in force on a date): cold (the cached match sets dropped before each query,
  filter sets kept, as in a running process) and warm (the same query again). Every search
  returns the total, the facets and the top 10 with snippets, as the archive asks. Before
  the timed pass each engine answers every query once, untimed, as a running archive's
  storage has been read before: PostgreSQL's buffer cache starts empty with its server, where
  SQLite's pages sit in the operating system's cache, and the sets are timed in a fixed order,
  so without it the first set paid for reading the storage for all (``--no-warm-up`` times
  the first reads too).

It checks that both engines give the same totals, and counts the queries whose top 10 differ.
The PostgreSQL server is ``$GAZETTE_TEST_PG`` or a throwaway cluster
(``tests/pg_cluster.py``), on this machine: the two engines share its cores. Timings depend on
the machine's load (printed with the figures): compare the columns of one run, and prefer the
ratios. Target: PostgreSQL p95 within 2x the SQLite engine's.

Run: ``python -m benchmarks.bench_pg_search --size 10000 --size 100000``. With ``--keep DIR``
the indexes (the SQLite directory, the PostgreSQL cluster when the benchmark starts one) stay in
DIR and a later run with the same sizes reuses them: only the queries run again, which is what
a change to how queries run needs (the build figures are then not printed; delete DIR after a
change to what an engine stores). ``--engine NAME`` builds one engine's index only.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.bench_search import (
    FILTERS,
    Column,
    load,
    query_sets,
    status_table,
    statuses_from,
)
from benchmarks.corpus import real_records, sentences, synthetic_records
from gazette.search import SearchIndex, open_index
from tests import pg_cluster

ENGINES = ("sqlite", "postgresql")


def run(
    size: int,
    queries: int,
    procs: int,
    workdir: Path,
    server: pg_cluster.Server,
    keep: Path | None = None,
    engines: tuple[str, ...] = ENGINES,
    warm_up: bool = True,
) -> None:
    pool = sentences(real_records())
    records = list(synthetic_records(size, seed=1, size=3000, pool=pool))
    records.sort(key=lambda r: (r.written or r.published or dt.date.min, r.id))
    raw = sum(len((r.title + r.body).encode()) for r in records)
    print(f"\n== {size} documents, {raw / 1e6:.0f} MB of text, procs={procs}\n   {load()}")
    with _database(server, size, keep) as dsn:
        home = keep if keep is not None else workdir
        locations: dict[str, Any] = {"sqlite": home / f"sqlite-{size}", "postgresql": dsn}
        indexes: dict[str, SearchIndex] = {}
        build: dict[str, float] = {}
        sizes: dict[str, int] = {}
        for name in engines:
            index = open_index(locations[name], name)
            seconds = None
            if index.doc_count() != size or index.problems():
                started = time.perf_counter()
                index.rebuild(records, procs=procs)
                seconds = time.perf_counter() - started
            if name == "sqlite":
                index.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[attr-defined]
            sizes[name] = index.size_bytes()
            indexes[name] = index
            if seconds is None:
                print(f"   {name}: kept from an earlier run")
            else:
                build[name] = size / seconds
                print(f"   built {name}: {seconds:.0f}s   {load()}")
        try:
            if len(indexes) == len(ENGINES):
                _query(indexes, records, queries, workdir, warm_up)
        finally:
            for index in indexes.values():
                index.close()
    if len(indexes) < len(ENGINES):
        return
    print(f"\n{'':34}{'sqlite':>12}{'postgresql':>12}{'pg/sqlite':>11}")
    if len(build) == len(ENGINES):
        print(
            f"{'build (docs/s)':34}{build['sqlite']:>12.0f}{build['postgresql']:>12.0f}"
            f"{build['postgresql'] / build['sqlite']:>11.2f}"
        )
    per_million = {n: sizes[n] / size * 1e6 / 1e9 for n in ENGINES}
    print(
        f"{'index GB per million documents':34}{per_million['sqlite']:>12.1f}"
        f"{per_million['postgresql']:>12.1f}{per_million['postgresql'] / per_million['sqlite']:>11.2f}"
    )
    print(
        f"{'index size / raw text':34}{sizes['sqlite'] / raw:>12.2f}"
        f"{sizes['postgresql'] / raw:>12.2f}"
    )
    for line in _LINES:
        print(line)
    _LINES.clear()


_LINES: list[str] = []


@contextlib.contextmanager
def _database(server: pg_cluster.Server, size: int, keep: Path | None) -> Iterator[str]:
    """The benchmark's database: a new one dropped afterwards, or (``keep``) one named after
    the size, kept for the next run."""
    if keep is None:
        with server.database("gazette_bench") as dsn:
            yield dsn
        return
    import psycopg

    name = f"gazette_bench_{size}"
    with psycopg.connect(server.dsn, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template1')
    yield server.dsn_for(name)


def _query(
    indexes: dict[str, SearchIndex],
    records: list[Any],
    queries: int,
    workdir: Path,
    warm_up: bool = True,
) -> None:
    status_conn = status_table(workdir / "status.sqlite", records)
    source = statuses_from(status_conn)
    sets = query_sets(records, queries)
    cold = {n: Column(n) for n in ENGINES}
    warm = {n: Column(n) for n in ENGINES}
    for index in indexes.values():  # columns and filter sets loaded, as in a running process
        for filters in (FILTERS, None):
            index.search(
                " ".join(sets[1][0]), public_only=True, filters=filters, status_source=source
            )
    cases = [(f, n, terms) for f in (False, True) for n in (1, 2, 3) for terms in sets[n]]
    if warm_up:
        for filtered, _, terms in cases:
            for index in indexes.values():
                index.search(
                    " ".join(terms),
                    public_only=True,
                    filters=FILTERS if filtered else None,
                    status_source=source,
                )
        print(f"   every query answered once, untimed   {load()}")
    answers: dict[tuple[bool, str], dict[str, tuple[int, list[str]]]] = {}
    print(f"   querying ({queries} queries per set)   {load()}")
    # Interleaved, query by query: both engines see the same moments of the machine's load.
    for filtered, n, terms in cases:
        text = " ".join(terms)
        label = f"{n}-word{' + filters' if filtered else ''}"
        for name, index in indexes.items():
            kwargs: dict[str, Any] = {
                "public_only": True,
                "filters": FILTERS if filtered else None,
                "status_source": source,
            }
            index.drop_caches()
            started = time.perf_counter()
            found = index.search(text, **kwargs)
            cold[name].add(label, (time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            index.search(text, **kwargs)
            warm[name].add(label, (time.perf_counter() - started) * 1000)
            answers.setdefault((filtered, text), {})[name] = (
                found.total,
                [h.id for h in found.hits],
            )
    status_conn.close()
    print(f"   done   {load()}")
    totals_differ = [k for k, v in answers.items() if len({t for t, _ in v.values()}) > 1]
    tops_differ = [k for k, v in answers.items() if len({tuple(h) for _, h in v.values()}) > 1]
    first_differ = [
        k for k, v in answers.items() if len({h[0] if h else None for _, h in v.values()}) > 1
    ]
    checked = len(answers)
    _LINES.append(f"totals agree on {checked - len(totals_differ)} of {checked} queries")
    _LINES.append(
        f"top 10 identical on {checked - len(tops_differ)}, first hit on"
        f" {checked - len(first_differ)} of {checked}"
    )
    for key in totals_differ[:5]:
        _LINES.append(f"   totals differ: {key} {answers[key]}")
    _LINES.append(f"{'query latency, ms':34}{'sqlite':>12}{'postgresql':>12}{'pg/sqlite':>11}")
    ratios = []
    for label in cold["sqlite"].ms:
        for kind, columns in (("cold", cold), ("warm", warm)):
            for q, name in ((0.5, "p50"), (0.95, "p95")):
                mine = columns["sqlite"].p(label, q) or 0.0
                theirs = columns["postgresql"].p(label, q) or 0.0
                ratio = theirs / mine if mine else float("nan")
                if name == "p95":
                    ratios.append(ratio)
                _LINES.append(
                    f"{label + ' ' + kind + ' ' + name:34}{mine:>12.1f}{theirs:>12.1f}{ratio:>11.2f}"
                )
    _LINES.append(
        f"p95 ratio pg/sqlite: median {statistics.median(ratios):.2f}, worst {max(ratios):.2f}"
        " (target: within 2)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, action="append", help="documents (repeatable)")
    parser.add_argument("--queries", type=int, default=100, help="queries per set")
    parser.add_argument("--procs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="keep the indexes (and the PostgreSQL cluster) in DIR and reuse them: a re-run"
        " that changes only how queries run skips the builds (delete DIR, or a part of it,"
        " after changing what an engine stores)",
    )
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        action="append",
        help="build only this engine's index (repeatable; queries need both)",
    )
    parser.add_argument(
        "--no-warm-up",
        dest="warm_up",
        action="store_false",
        help="time the queries without answering each once first (the first set then pays"
        " for reading the storage)",
    )
    args = parser.parse_args()
    print(f"cpus: {os.cpu_count()}; {load()}")
    keep = args.keep.resolve() if args.keep else None
    server = pg_cluster.server(keep / "pg" if keep is not None else None)
    try:
        for size in args.size or [10000]:
            with tempfile.TemporaryDirectory() as tmp:
                engines = tuple(args.engine or ENGINES)
                run(size, args.queries, args.procs, Path(tmp), server, keep, engines, args.warm_up)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
