"""Ingest with 1 and 4 concurrent writers, the catalog in SQLite and in PostgreSQL, one run.

Writes N text documents (``--docs``, 400 by default; about 3,000 characters each, recombined
from real sentences of ``../shared/corpus`` by ``benchmarks.corpus``, each with its own
document number so that none merges with another), then for each backend and each writer
count makes a fresh archive and times ``gazette ingest`` run by that many processes at once,
each on its share of the files (``--jobs 1``: one reading process per writer, so that the
writers, not the workers, are what varies). It prints documents/s (median of ``--runs``), the
ratio of 4 writers to 1 on each backend, PostgreSQL to SQLite, and the catalog's size per
1,000 documents (the SQLite file, or the catalog's tables and indexes in PostgreSQL; the
search index apart).

Writers parse and copy originals into the object store in parallel and serialise only on
the catalog transaction of each file (the write lock: a ``flock`` for SQLite, an advisory lock
of the database for PostgreSQL, where a transaction's writes go out in pipeline mode and a
document is read in one round trip); a batch's search index catches up after the lock is let
go (PostgreSQL engine). So 4 writers gain what the machine's cores allow. It also prints the
CPU time per file of the writers' processes (from start to exit: 4 processes start where 1
did) and of the PostgreSQL server (a cluster this benchmark started), and from them how many
cores one writer keeps busy: 4 writers on C cores can at most reach C / that many times one
writer. The PostgreSQL server is ``$GAZETTE_TEST_PG`` or a throwaway cluster
(``tests/pg_cluster.py``, durability off) on this machine, sharing its cores. Figures depend
on the machine's load (printed): compare the columns of one run, and prefer the ratios.

Run: ``python -m benchmarks.bench_pg_catalog [--docs 400] [--runs 1]``.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import real_records, sentences, synthetic_records  # noqa: E402
from tests import pg_cluster  # noqa: E402

WRITERS = (1, 4)


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} on {os.cpu_count()} CPUs (a shared machine)"


def write_files(count: int, folder: Path) -> list[Path]:
    """``count`` text documents, each with its own number."""
    folder.mkdir(parents=True)
    pool = sentences(real_records())
    rnd = random.Random(3)
    out = []
    for i, record in enumerate(synthetic_records(count, seed=11, size=3000, pool=pool)):
        issuer = record.issuers[0]
        written = record.written
        assert written is not None
        number = f"{issuer[:2]}发〔{written.year}〕{1000 + i}号"
        body = "\n".join(p for p in record.body.split("\n") if p)
        text = (
            f"{issuer}\n{number}\n\n{record.title}\n\n{body}\n\n{issuer}\n"
            f"{written.year}年{written.month}月{written.day}日\n"
        )
        path = folder / f"doc-{i:05d}-{rnd.randint(0, 9999)}.txt"
        path.write_text(text, "utf-8")
        out.append(path)
    return out


def server_cpu(server: pg_cluster.Server) -> float | None:
    """CPU seconds the throwaway cluster's processes have used (``None``: a server this
    benchmark did not start, whose processes it cannot see)."""
    data = getattr(server, "data", None)
    try:
        master = int((Path(data) / "postmaster.pid").read_text().split()[0]) if data else None
    except (OSError, ValueError, IndexError):
        master = None
    if master is None:
        return None
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == master:
            ticks += sum(int(x) for x in fields[11:15])  # its own and its reaped children's
        elif int(fields[1]) == master:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def client_cpu() -> float:
    """CPU seconds of this process's finished children (the writers)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def ingest(archive: Path, files: list[Path], writers: int) -> float:
    """Seconds for ``writers`` processes ingesting their shares of ``files`` at once."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    shares = [files[k::writers] for k in range(writers)]
    start = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "gazette", "--archive", str(archive), "ingest", "--jobs", "1"]
            + [str(p) for p in share],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for share in shares
    ]
    for proc in procs:
        _, err = proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"ingest failed: {err.strip()[-400:]}")
    return time.perf_counter() - start


def catalog_bytes(archive: Path, dsn: str | None) -> int:
    if dsn is None:
        import sqlite3

        conn = sqlite3.connect(archive / "catalog.sqlite")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        return (archive / "catalog.sqlite").stat().st_size
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        row = conn.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relkind = 'r'"
        ).fetchone()
    return int(row[0])


def count_documents(archive: Path) -> int:
    import gazette

    with gazette.open_archive(archive, create=False) as opened:
        return len(opened.internal.list(top_level_only=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=400)
    parser.add_argument("--runs", type=int, default=1)
    pg_cluster.add_durable_argument(parser)
    args = parser.parse_args()
    server = pg_cluster.benchmark_server(args.durable)
    rates: dict[tuple[str, int], float] = {}
    cpu: dict[tuple[str, int], tuple[float, float | None]] = {}
    sizes: dict[str, float] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="bench-pg-catalog-") as tmp:
            work = Path(tmp)
            files = write_files(args.docs, work / "files")
            print(f"{len(files)} text documents, {load()}")
            for backend in ("sqlite", "postgresql"):
                for writers in WRITERS:
                    times, clients, servers = [], [], []
                    for run in range(args.runs):
                        archive = work / f"{backend}-{writers}-{run}"
                        with server.database("gazette_bench") as dsn:
                            catalog = dsn if backend == "postgresql" else "sqlite"
                            command = ["-m", "gazette", "init", str(archive), "--catalog", catalog]
                            subprocess.run(
                                [sys.executable, *command],
                                env={**os.environ, "PYTHONPATH": str(ROOT)},
                                check=True,
                                capture_output=True,
                            )
                            before = (client_cpu(), server_cpu(server))
                            times.append(ingest(archive, files, writers))
                            after = (client_cpu(), server_cpu(server))
                            clients.append((after[0] - before[0]) / len(files))
                            if before[1] is not None and after[1] is not None:
                                servers.append((after[1] - before[1]) / len(files))
                            documents = count_documents(archive)
                            if writers == 1 and run == 0:
                                found = catalog_bytes(
                                    archive, dsn if backend == "postgresql" else None
                                )
                                sizes[backend] = found / documents * 1000
                    rates[(backend, writers)] = len(files) / statistics.median(times)
                    cpu[(backend, writers)] = (
                        statistics.median(clients),
                        statistics.median(servers) if servers and backend != "sqlite" else None,
                    )
                    print(
                        f"  {backend:<10} {writers} writer(s): {rates[(backend, writers)]:6.1f}"
                        f" files/s ({documents} documents stored)   {load()}"
                    )
    finally:
        server.stop()
    print("\nfiles/s        1 writer   4 writers   4 / 1")
    for backend in ("sqlite", "postgresql"):
        one, four = rates[(backend, 1)], rates[(backend, 4)]
        print(f"{backend:<12} {one:9.1f} {four:11.1f} {four / one:7.2f}x")
    print(
        f"postgresql / sqlite: 1 writer {rates[('postgresql', 1)] / rates[('sqlite', 1)]:.2f}x,"
        f" 4 writers {rates[('postgresql', 4)] / rates[('sqlite', 4)]:.2f}x"
    )
    cores = os.cpu_count() or 1
    print(
        "\nCPU ms per file (the writers' processes from start to exit; the PostgreSQL server's)"
        f"\nand the most {cores} cores allow 4 writers: one writer keeps (client + server) / wall"
        f"\ncores busy; 4 writers can at most keep {cores} busy"
    )
    for backend in ("sqlite", "postgresql"):
        for writers in WRITERS:
            client, srv = cpu[(backend, writers)]
            said = f"{srv * 1000:6.1f}" if srv is not None else "     -"
            line = f"{backend:<12} {writers} writer(s): client {client * 1000:6.1f}, server {said}"
            if writers == 1:
                busy = (client + (srv or 0.0)) * rates[(backend, 1)]
                line += f"   one writer keeps {busy:.2f} cores busy: 4 / 1 at most"
                line += f" {min(WRITERS[-1], cores / busy):.2f}x"
            print(line)
    print("\ncatalog size per 1,000 documents (search index apart)")
    for backend, size in sizes.items():
        print(f"{backend:<12} {size / 1e6:8.1f} MB")
    print(f"postgresql / sqlite: {sizes['postgresql'] / sizes['sqlite']:.2f}x")
    print("\nTarget: 4 writers >= 2x one on PostgreSQL (bounded by the cores: 2 here).")


if __name__ == "__main__":
    main()
