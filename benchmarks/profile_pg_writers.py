"""Where a file's time goes when 1 and 4 writers ingest into a PostgreSQL catalog.

Writes N text documents (``--docs``, 300 by default, as ``bench_pg_catalog.py`` does), then
for 1 and 4 writers makes a fresh archive and ingests them with that many forked processes
(no interpreter start-up: the catalog's share is what is measured), each on its share of the
files. Per file it prints the writers' CPU and the server's (a throwaway cluster started
here, ``tests/pg_cluster.py``), how long the write lock was held (from the moment it is
granted, work done on taking it included) and that as a share of the wall time, the client's
CPU while holding it, and the round trips to the server while holding it (statements sent
alone, and waits for results in pipeline mode), and for one writer the bound the lock sets on
several with cores enough (1 / its share of the time). One run; the load average is printed.

Run: ``python -m benchmarks.profile_pg_writers [--docs 300]``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_pg_catalog import load, server_cpu, write_files  # noqa: E402
from tests import pg_cluster  # noqa: E402

_STATE = {"locked": False, "held": 0.0, "held_cpu": 0.0, "trips": 0}


def _instrument() -> None:
    """Count the lock's time and the round trips made while it is held (this process)."""
    import psycopg

    from gazette.archive.pg_catalog import WRITE_LOCK

    plain = psycopg.Connection.execute

    def execute(self: Any, *args: Any, **kwargs: Any) -> Any:
        if _STATE["locked"] and self._pipeline is None:
            _STATE["trips"] += 1
        return plain(self, *args, **kwargs)

    sync = psycopg.Pipeline.sync
    leave = psycopg.Pipeline.__exit__

    def synced(self: Any) -> Any:
        if _STATE["locked"]:
            _STATE["trips"] += 1
        return sync(self)

    def left(self: Any, *args: Any) -> Any:
        if _STATE["locked"]:
            _STATE["trips"] += 1
        return leave(self, *args)

    psycopg.Connection.execute = execute  # type: ignore[method-assign]
    psycopg.Pipeline.sync = synced  # type: ignore[method-assign]
    psycopg.Pipeline.__exit__ = left  # type: ignore[method-assign]
    # The lock is granted when pg_advisory_lock returns: time from there to the unlock.
    lock_sql = "SELECT pg_advisory_lock"
    unlock_sql = "SELECT pg_advisory_unlock"
    clock: dict[str, float] = {}

    def watched(self: Any, *args: Any, **kwargs: Any) -> Any:
        query = str(args[0]) if args else ""
        if len(args) < 2 or tuple(args[1] or ()) != (WRITE_LOCK,):
            query = ""  # not the write lock (the index's catch-up has a lock of its own)
        if query.startswith(unlock_sql) and _STATE["locked"]:
            _STATE["locked"] = False
            _STATE["held"] += time.perf_counter() - clock["wall"]
            _STATE["held_cpu"] += time.process_time() - clock["cpu"]
        result = execute(self, *args, **kwargs)
        if query.startswith(lock_sql) and not query.startswith(unlock_sql):
            _STATE["locked"] = True
            clock["wall"], clock["cpu"] = time.perf_counter(), time.process_time()
        return result

    psycopg.Connection.execute = watched  # type: ignore[method-assign]


def _writer(root: Path, share: list[Path], out: Path) -> None:
    _instrument()
    import gazette
    from ingest.pipeline import ingest_paths

    archive = gazette.open_archive(root, create=False)
    cpu = time.process_time()
    ingest_paths(archive, share, jobs=1)
    archive.close()
    out.write_text(json.dumps({**_STATE, "cpu": time.process_time() - cpu}))


def measure(server: pg_cluster.Server, files: list[Path], writers: int, work: Path) -> None:
    import gazette

    with server.database("gazette_profile") as dsn:
        root = work / f"archive-{writers}"
        gazette.open_archive(root, create=True, catalog=dsn).close()
        context = multiprocessing.get_context("fork")
        served = server_cpu(server)
        start = time.perf_counter()
        procs = []
        for k in range(writers):
            proc = context.Process(
                target=_writer, args=(root, files[k::writers], work / f"out-{writers}-{k}.json")
            )
            proc.start()
            procs.append(proc)
        for proc in procs:
            proc.join()
        wall = time.perf_counter() - start
        after = server_cpu(server)
    found = [json.loads((work / f"out-{writers}-{k}.json").read_text()) for k in range(writers)]
    n = len(files)
    held = sum(r["held"] for r in found)
    srv = f"{(after - served) / n * 1000:5.1f}" if after is not None and served else "    -"
    print(
        f"{writers} writer(s): {n / wall:6.1f} files/s | per file: writers' CPU"
        f" {sum(r['cpu'] for r in found) / n * 1000:5.1f} ms, server's {srv} ms, lock held"
        f" {held / n * 1000:5.1f} ms ({held / wall:.0%} of the time), client CPU under it"
        f" {sum(r['held_cpu'] for r in found) / n * 1000:4.1f} ms,"
        f" round trips under it {sum(r['trips'] for r in found) / n:4.1f}   {load()}"
    )
    if writers == 1 and held:
        # The lock admits one writer at a time: however many cores, writers together cannot
        # hold it more than all the time.
        print(
            f"   the write lock serialises {held / wall:.0%} of one writer's time: with enough"
            f" cores, 4 writers reach at most {min(4.0, wall / held):.2f}x one"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=300)
    pg_cluster.add_durable_argument(parser)
    args = parser.parse_args()
    server = pg_cluster.benchmark_server(args.durable)
    try:
        with tempfile.TemporaryDirectory(prefix="profile-pg-writers-") as tmp:
            work = Path(tmp)
            files = write_files(args.docs, work / "files")
            print(f"{len(files)} text documents, {load()}")
            for writers in (1, 4):
                measure(server, files, writers, work)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
