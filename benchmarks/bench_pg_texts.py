"""Reading stored texts back from PostgreSQL: moved out to TOAST, or kept in the table's rows.

A search on the PostgreSQL engine reads the stored text of hundreds of documents (snippets,
the exact re-ranking, BM25 counted in the text, the words as written). This writes the same
texts (``--count`` of them, recombined from real sentences of ``../shared/corpus``, sizes
given by ``--chars``) into two tables of one throwaway cluster (``tests/pg_cluster.py``): one
as the index stored them before schema step 5 (lz4, compressed from 2 kB and moved out to
the TOAST table), one as it stores them now (``toast_tuple_target`` 8160, storage MAIN: kept
in the row up to a page). It then reads 200 random texts at a time from each, alternately,
and prints the medians and their ratio, with the tables' sizes. Machines are noisy: compare
the columns of one run.

Run: ``python -m benchmarks.bench_pg_texts [--count 5000] [--chars 2400 --chars 6000]``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import real_records, sentences  # noqa: E402
from tests import pg_cluster  # noqa: E402

LAYOUTS = {
    "TOAST (before)": "",
    "rows (now)": " WITH (toast_tuple_target = 8160)",
}


def _texts(count: int, chars: int, rnd: random.Random) -> list[str]:
    pool = sentences(real_records())
    out = []
    for _ in range(count):
        text = ""
        while len(text) < chars:
            text += rnd.choice(pool)
        out.append(text[:chars])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--chars", type=int, action="append")
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    import psycopg

    rnd = random.Random(1)
    server = pg_cluster.server()
    try:
        with (
            server.database("gazette_bench_texts") as dsn,
            psycopg.connect(dsn, autocommit=True) as conn,
        ):
            for chars in args.chars or [2400, 6000]:
                texts = _texts(args.count, chars, rnd)
                sizes, times = {}, {}
                for k, (name, options) in enumerate(LAYOUTS.items()):
                    table = f"texts_{k}"
                    conn.execute(f"DROP TABLE IF EXISTS {table}")
                    conn.execute(
                        f"CREATE TABLE {table} (num bigint PRIMARY KEY,"
                        f" body text COMPRESSION lz4 NOT NULL){options}"
                    )
                    if options:
                        conn.execute(f"ALTER TABLE {table} ALTER COLUMN body SET STORAGE MAIN")
                    with conn.cursor().copy(f"COPY {table} (num, body) FROM STDIN") as copy:
                        for num, text in enumerate(texts):
                            copy.write_row((num, text))
                    conn.execute(f"VACUUM ANALYZE {table}")
                    sizes[name] = conn.execute(
                        f"SELECT pg_total_relation_size('{table}')"
                    ).fetchone()[0]
                    times[name] = []
                for _ in range(args.rounds):
                    nums = rnd.sample(range(args.count), 200)
                    for k, name in enumerate(LAYOUTS):
                        started = time.perf_counter()
                        conn.execute(
                            f"SELECT num, body FROM texts_{k} WHERE num = ANY(%s)", (nums,)
                        ).fetchall()
                        times[name].append((time.perf_counter() - started) * 1000)
                medians = {name: statistics.median(times[name]) for name in LAYOUTS}
                before, now = medians.values()
                print(f"\n{args.count} texts of {chars} characters; 200 read at a time")
                for name in LAYOUTS:
                    print(
                        f"  {name:16} median {medians[name]:6.2f} ms   table"
                        f" {sizes[name] / 1e6:6.1f} MB"
                    )
                print(f"  rows / TOAST: {now / before:.2f}x")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
