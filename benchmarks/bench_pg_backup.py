"""Memory of ``gazette backup`` on a PostgreSQL catalog: tables read in batches, or whole.

Writes N text documents (``--docs``, 3,000 by default; about 3,000 characters each, as
``benchmarks.bench_pg_catalog`` makes them), ingests them into an archive whose catalog is in
PostgreSQL (two writers), then backs it up ``--runs`` times each way, each in a fresh process:
the way the library does it (each table read through a server-side cursor, a batch at a time)
and, as the baseline, each table read whole into memory (what it did before). It prints, as
medians, the peak of memory Python allocated during the backup (``tracemalloc``) and the
growth of the process's peak resident size, the seconds taken, and the ratio of the two ways;
and checks that both backups restore to the same documents.

The PostgreSQL server is ``$GAZETTE_TEST_PG`` or a throwaway cluster (``tests/pg_cluster.py``)
on this machine, sharing its cores: seconds depend on the machine's load, memory hardly.

Run: ``python -m benchmarks.bench_pg_backup [--docs 3000] [--runs 3]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_pg_catalog import ingest, load, write_files  # noqa: E402
from tests import pg_cluster  # noqa: E402

# Run in a fresh process: back up ARCHIVE into DEST, reading tables whole if WHOLE.
_CHILD = r"""
import json, resource, sys, time, tracemalloc
archive_dir, dest, whole = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
import gazette
from gazette.archive import pg_session
from gazette.archive.backup import backup
if whole:
    def batches(conn, sql, params=(), *, size=2000):
        yield conn.execute(sql, params).fetchall()
    pg_session.batches = batches
archive = gazette.open_archive(archive_dir, create=False)
archive.conn.execute("SELECT count(*) FROM texts").fetchone()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
start = time.perf_counter()
info = backup(archive, dest)
seconds = time.perf_counter() - start
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
archive.close()
print(json.dumps({"peak": peak, "rss": (after - before) * 1024, "seconds": seconds,
                  "documents": info.documents}))
"""


def back_up(archive: Path, dest: Path, whole: bool) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(archive), str(dest), "1" if whole else "0"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def restored_ids(backup: Path, target: Path) -> list[str]:
    import gazette
    from gazette.archive.backup import restore

    restore(backup, target, catalog="sqlite")
    with gazette.open_archive(target, create=False) as opened:
        return sorted(d.id for d in opened.internal.list(top_level_only=False))


def catalog_mb(dsn: str) -> float:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relkind = 'r'"
        ).fetchone()
    return int(row[0]) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    server = pg_cluster.server()
    try:
        with (
            tempfile.TemporaryDirectory(prefix="bench-pg-backup-") as tmp,
            server.database("gazette_bench") as dsn,
        ):
            work = Path(tmp)
            files = write_files(args.docs, work / "files")
            archive = work / "archive"
            subprocess.run(
                [sys.executable, "-m", "gazette", "init", str(archive), "--catalog", dsn],
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            ingest(archive, files, 2)
            print(
                f"{len(files)} documents, catalog {catalog_mb(dsn):.1f} MB in PostgreSQL; {load()}"
            )
            figures: dict[bool, list[dict[str, float]]] = {False: [], True: []}
            for run in range(args.runs):
                for whole in (True, False):
                    dest = work / f"backup-{int(whole)}-{run}"
                    figures[whole].append(back_up(archive, dest, whole))
            ids = {
                whole: restored_ids(work / f"backup-{int(whole)}-0", work / f"r-{int(whole)}")
                for whole in (True, False)
            }
            assert ids[True] == ids[False] and len(ids[True]) >= len(files)
            med = {
                whole: {
                    k: statistics.median(f[k] for f in runs) for k in ("peak", "rss", "seconds")
                }
                for whole, runs in figures.items()
            }
            print(f"{'':28}{'whole tables':>14}{'in batches':>14}{'ratio':>8}")
            for key, label, scale in (
                ("peak", "Python peak during backup MB", 1e6),
                ("rss", "peak RSS growth MB", 1e6),
                ("seconds", "seconds", 1.0),
            ):
                old, new = med[True][key] / scale, med[False][key] / scale
                ratio = new / old if old else float("nan")
                print(f"{label:28}{old:>14.1f}{new:>14.1f}{ratio:>8.2f}")
            print(f"both backups restore to the same {len(ids[True])} documents")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
