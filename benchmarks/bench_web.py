"""The web application under load, beside the library calls it makes, in one run.

Builds an archive of N documents (``--size``, 100,000 by default) recombined from real
sentences of ``../shared/corpus`` (``benchmarks/corpus.py``, the corpus of
``bench_search.py``; a tenth of them withheld), serves it with ``gazette serve`` in a process
of its own on 127.0.0.1, and sends requests from 8 concurrent clients (``--clients``), each
waiting for its answer before the next (keep-alive connections):

``/search?q=…``        1- to 3-word queries (consecutive jieba words of a random document);
                       the page renders the total, facet counts and 10 highlighted hits;
``/documents/{id}``    a random public document: metadata, status, timeline, text, links.

Printed beside them, in the same run: the library's own ``archive.public.search(q)`` and
``archive.public.get(id)`` on the same queries and documents, one at a time in this process
(what the server does for each request, without HTTP, templates or concurrency). Latencies
are p50 / p95 in milliseconds; ratios are web over library. Each pass starts with a few
warm-up requests on other queries; queries are not repeated within a pass. The CPU time the
server processes spent per request is printed too: unlike latency, it hardly depends on what
else the machine runs; and how the clients' connections were spread over the server
processes (on Linux): one process holding most of them answers them on one core.

The machine's load is printed with the figures: a machine shared with other work gives noisy
figures, so compare the columns of one run. Run from the project root::

    python -m benchmarks.bench_web [--size 100000] [--keep DIR]

``--keep DIR`` keeps (and reuses) the built archive. ``--server-source DIR`` serves it from
the source tree of another revision (``git archive REV | tar -x -C DIR``): run it
alternately with this tree to compare the two on a machine whose load changes.

``--writes N`` adds what a server with signed-in staff sees: another process writes N entries a
second to the archive's log during the web pass (what sign-ins and logged internal reads
write), none of them touching what the public may find.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.client
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import gazette  # noqa: E402
from benchmarks.bench_search import load, percentile, query_sets  # noqa: E402
from benchmarks.bench_web_cpu import _server_cpu as server_cpu  # noqa: E402
from benchmarks.corpus import available, real_records, sentences, synthetic_records  # noqa: E402
from gazette.archive import Submission  # noqa: E402
from gazette.model import (  # noqa: E402
    Block,
    BlockKind,
    Disclosure,
    Document,
    LifecycleEvent,
    Provenance,
    SourceFile,
    TextVersion,
)

BATCH = 500


def _document(record: object) -> Document:
    r = record  # an IndexRecord
    blocks = [Block(r.title, BlockKind.TITLE)] + [  # type: ignore[attr-defined]
        Block(p)
        for p in r.body.split("\n")  # type: ignore[attr-defined]
    ]
    public = r.public  # type: ignore[attr-defined]
    written = r.written  # type: ignore[attr-defined]
    prov = Provenance("parsed")
    events = (
        LifecycleEvent("promulgated", written, prov),
        LifecycleEvent("effective", written + dt.timedelta(days=30), prov),
    )
    return Document(
        title=r.title,  # type: ignore[attr-defined]
        doc_number=r.numbers[0] if r.numbers else None,  # type: ignore[attr-defined]
        doc_type=r.doc_type,  # type: ignore[attr-defined]
        issuers=r.issuers,  # type: ignore[attr-defined]
        written_date=written,
        published_date=r.published,  # type: ignore[attr-defined]
        disclosure=Disclosure("proactive", basis="附注：（此件公开发布）", provenance=prov)
        if public
        else Disclosure("withheld", reason="内部事务", grounds=["art16_internal_affairs"]),
        texts=(TextVersion(blocks=tuple(blocks)),),
        events=events,
    )


def build(root: Path, size: int) -> None:
    """An archive of ``size`` synthetic documents (catalog first, then the index in one go)."""
    started = time.perf_counter()
    pool = sentences(real_records())
    archive = gazette.open_archive(root, actor="bench")
    folder = root.parent / "bench-sources"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with archive.deferred_indexing(every=10**9):
            batch: list[Document] = []
            done = 0
            for record in synthetic_records(size, pool=pool):
                batch.append(_document(record))
                if len(batch) == BATCH:
                    done += _submit(archive, folder, batch)
                    batch = []
                    print(f"\r  catalog: {done} documents", end="", file=sys.stderr, flush=True)
            if batch:
                done += _submit(archive, folder, batch)
            print(
                f"\r  catalog: {done} documents in {time.perf_counter() - started:.0f} s",
                file=sys.stderr,
            )
            indexed = archive.reindex(procs=min(2, os.cpu_count() or 1))
        print(
            f"  index: {indexed} documents; total {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
    finally:
        archive.close()


def _submit(archive: gazette.Archive, folder: Path, batch: list[Document]) -> int:
    data = ("\n".join(d.title or "" for d in batch) + f"\n{time.time_ns()}").encode()
    sha = hashlib.sha256(data).hexdigest()
    path = folder / sha
    path.write_bytes(data)
    archive.add(Submission(SourceFile(sha, "txt", str(path), len(data)), path, tuple(batch)))
    path.unlink()
    return len(batch)


# --- the load -----------------------------------------------------------------------------------


def serve(
    root: Path, workers: int, readers: int, source: Path = ROOT
) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "PYTHONPATH": str(source)}
    command = ["serve", "--port", "0", "--workers", str(workers), "--readers", str(readers)]
    process = subprocess.Popen(
        [sys.executable, "-m", "gazette", "--archive", str(root), *command],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=source,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"http://[\d.]+:\d+", line)
    if not found:
        process.terminate()
        raise SystemExit(f"the server did not start: {line!r}")
    return process, found.group(0)


WRITER = """
import sys, time
import gazette
from gazette import users
archive = gazette.open_archive(sys.argv[1], create=False, actor="bench")
pause = 1 / float(sys.argv[2])
while True:
    users.record(archive, "bench", "web_read", "/search", "internal", query="q=bench")
    time.sleep(pause)
"""


def writer(root: Path, per_second: float) -> subprocess.Popen[str]:
    """A process appending ``per_second`` entries a second to the archive's log."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(root), str(per_second)], env=env, text=True
    )


def load_test(base: str, paths: list[str], clients: int) -> list[float]:
    """Send ``paths`` from ``clients`` threads (closed loop); milliseconds per request."""
    parts = urlsplit(base)
    latencies: list[float] = []
    lock = threading.Lock()
    shares = [paths[k::clients] for k in range(clients)]
    errors: list[str] = []

    def client(share: list[str]) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        mine = []
        for path in share:
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
            except OSError as exc:
                errors.append(f"{exc} {path}")
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                continue
            mine.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                errors.append(f"{response.status} {path}")
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(s,)) for s in shares]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"{len(errors)} failed requests, e.g. {errors[:3]}")
    return latencies


def settle(pid: int, limit: float = 120.0) -> None:
    """Wait until the server processes under ``pid`` are idle: all of them have warmed their
    archives (a server that announces its URL before its processes are warm would otherwise
    be measured with some of them still starting)."""
    deadline = time.monotonic() + limit
    used = server_cpu(pid)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = server_cpu(pid)
        if now - used < 0.05:
            return
        used = now


def spread(pid: int, port: int) -> list[int]:
    """How many connections to ``port`` each server process under ``pid`` holds (Linux)."""
    from benchmarks.bench_web_cpu import _children

    inodes = set()
    try:
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].split(":")[1], 16) == port and fields[3] == "01":  # ESTABLISHED
                inodes.add(f"socket:[{fields[9]}]")
    except OSError:
        return []
    held = []
    for child in _children(pid):
        try:
            links = [os.readlink(fd) for fd in Path(f"/proc/{child}/fd").iterdir()]
        except OSError:
            continue
        count = sum(1 for link in links if link in inodes)
        if count:
            held.append(count)
    return sorted(held)


def library(root: Path, queries: list[str], ids: list[str]) -> tuple[list[float], list[float]]:
    archive = gazette.open_archive(root, create=False)
    try:
        view = archive.public
        for q in queries[:5]:
            view.search(q)
        searches = []
        for q in queries[5:]:
            started = time.perf_counter()
            view.search(q)
            searches.append((time.perf_counter() - started) * 1000)
        gets = []
        for doc_id in ids:
            started = time.perf_counter()
            view.get(doc_id)
            gets.append((time.perf_counter() - started) * 1000)
        return searches, gets
    finally:
        archive.close()


def figures(values: list[float]) -> str:
    return f"{percentile(values, 0.5):7.1f} / {percentile(values, 0.95):7.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="documents")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--requests", type=int, default=400, help="requests per route")
    parser.add_argument(
        "--workers", type=int, default=min(2, os.cpu_count() or 1), help="server processes"
    )
    parser.add_argument("--readers", type=int, default=2, help="archives per server process")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the archive here")
    parser.add_argument(
        "--server-source",
        type=Path,
        default=ROOT,
        help="serve from this source tree (another revision: git archive REV | tar -x -C DIR)",
    )
    parser.add_argument(
        "--writes", type=float, default=0, help="log entries written a second during the load"
    )
    args = parser.parse_args()
    if not available():
        raise SystemExit("the real corpus (../shared/corpus) is not available")
    print(f"cpus: {os.cpu_count()}; {load()}")
    with tempfile.TemporaryDirectory() as tmp:
        root = (args.keep or Path(tmp)) / f"archive-{args.size}"
        if not (root / "catalog.sqlite").exists():
            print(f"building {args.size} documents …", file=sys.stderr)
            build(root, args.size)
        run(root, args)


def run(root: Path, args: argparse.Namespace) -> None:
    archive = gazette.open_archive(root, create=False)
    try:
        ids = sorted(archive.public.ids())
        records = list(synthetic_records(min(args.size, 5000)))
    finally:
        archive.close()
    rnd = random.Random(11)
    sets = query_sets(records, args.requests // 3 + 10, seed=13)
    queries = [" ".join(words) for n in (1, 2, 3) for words in sets[n]]
    rnd.shuffle(queries)
    warm, timed = queries[:10], queries[10 : 10 + args.requests]
    doc_ids = rnd.sample(ids, min(len(ids), args.requests + 10))
    warm_ids, timed_ids = doc_ids[:10], doc_ids[10:]

    process, base = serve(root, args.workers, args.readers, args.server_source.resolve())
    writing = None
    try:
        settle(process.pid)
        load_test(base, [f"/search?q={quote(q)}" for q in warm], args.clients)
        if args.writes:
            writing = writer(root, args.writes)
        used = server_cpu(process.pid)
        port = int(base.rsplit(":", 1)[1])
        seen: list[int] = []
        look = threading.Timer(0.3, lambda: seen.extend(spread(process.pid, port)))
        look.start()
        web_search = load_test(base, [f"/search?q={quote(q)}" for q in timed], args.clients)
        look.cancel()
        cpu_search = (server_cpu(process.pid) - used) * 1000 / len(timed)
        load_test(base, [f"/documents/{d}" for d in warm_ids], args.clients)
        used = server_cpu(process.pid)
        web_get = load_test(base, [f"/documents/{d}" for d in timed_ids], args.clients)
        cpu_get = (server_cpu(process.pid) - used) * 1000 / len(timed_ids)
        during = load()
    finally:
        for running in (writing, process):
            if running is not None:
                running.terminate()
                running.wait(timeout=60)
    lib_search, lib_get = library(root, warm[:5] + timed, timed_ids)

    print(
        f"\n{args.size} documents ({len(ids)} public), {args.clients} clients,"
        f" {args.workers} server processes ({args.readers} archives each),"
        f" {len(timed)} requests per route"
        + (f", served from {args.server_source}" if args.server_source != ROOT else "")
        + (f", {args.writes:g} log entries written a second" if args.writes else "")
    )
    print(f"load during the web pass: {during}")
    if seen:
        print(f"the clients' connections per server process: {' / '.join(map(str, seen))}")
    print(
        f"{'(p50 / p95 ms)':<22}{f'web, {args.clients} clients':>18}{'library, 1 at a time':>24}{'p95 ratio':>11}{'target':>9}"
    )
    for name, web, lib, target in (
        ("/search", web_search, lib_search, 100),
        ("/documents/{id}", web_get, lib_get, 50),
    ):
        p95 = percentile(web, 0.95)
        ratio = p95 / max(percentile(lib, 0.95), 0.001)
        met = "met" if p95 <= target else "NOT met"
        print(f"{name:<22}{figures(web):>18}{figures(lib):>24}{ratio:>10.1f}x  ≤{target} {met}")
    print(
        f"server CPU per request (both processes, under the load): /search {cpu_search:.1f} ms,"
        f" /documents/{{id}} {cpu_get:.1f} ms"
    )
    total = len(web_search) + len(web_get)
    print(f"requests answered: {total}, none failed")


if __name__ == "__main__":
    main()
