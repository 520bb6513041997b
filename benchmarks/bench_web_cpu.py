"""CPU time per request of the web application, layer by layer, beside a baseline in one run.

Wall-clock latencies under load (``bench_web.py``) depend on what else the machine runs; the
CPU a request costs does not, and with more clients than cores it is what the latency is
made of. For the queries of ``bench_web.py`` (1- to 3-word queries, consecutive jieba words
of a random document) and random public documents, this measures, one request at a time:

``library``      ``archive.public.search(q, limit=10)`` / ``archive.public.get(id)``: the
                 call the page makes;
``asgi``         the application called directly (routing, the thread hop, the archive pool,
                 who is asking, the call, the template, the security headers);
``asgi /search, answers replayed``  the search pages again, the library's answers known
                 (the search call returns what it returned before): the web layer alone;
``http``         the same requests through ``gazette serve`` (one process) on 127.0.0.1:
                 the server process's CPU time per request (HTTP parsing, event loop).

Then a profile of the ``asgi`` requests (handlers run inline so that the profiler sees them),
its time split by where it was spent: the search engine, the archive and its catalog, the
page templates, the web layer, the framework (Starlette, anyio, asyncio), the rest.

``--baseline DIR`` measures the same in a source tree of another revision (``git archive REV |
tar -x -C DIR``), both trees in alternation, and prints the two side by side with ratios
(medians). Run from the project root on an archive built by ``bench_web.py --keep DIR``::

    python -m benchmarks.bench_web_cpu --archive DIR/archive-10000 [--baseline OLD_TREE]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import random
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent

CATEGORIES = (
    ("search: snippets", ("/gazette/search/snippets.py",)),
    ("search: facet counts", ("/search/facets.py",)),
    (
        "search: stored text read and scored",
        (
            "/search/scoring.py",
            "/search/text_cache.py",
            "sqlite_rank.py:scored",
            "sqlite_engine.py:_texts",
            "sqlite_engine.py:_read_texts",
        ),
    ),
    ("search: the rest of the engine", ("/gazette/search/",)),
    ("archive, catalog", ("/gazette/archive/", "/gazette/lifecycle", "/gazette/model")),
    ("templates (Jinja2)", ("jinja2/", "markupsafe/", "/templates/", "<template>")),
    ("web layer", ("/gazette/web/",)),
    ("framework (Starlette, anyio, asyncio)", ("starlette/", "anyio/", "asyncio/")),
    ("SQLite calls", ("sqlite3.",)),
)


def _category(key: tuple[str, int, str]) -> str:
    filename, _, name = key
    where = f"{filename}:{name}"
    if filename == "~" and "sqlite3" in name:
        return "SQLite calls"
    for label, needles in CATEGORIES:
        if any(n in where for n in needles):
            return label
    return "other (Python built-ins, stdlib)"


def _shares(profiler: cProfile.Profile, requests: int) -> dict[str, float]:
    """Milliseconds per request by category: each function's own time, a built-in's (a
    method of ``str``, ``int`` …) counted where it was called from."""
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    shares: dict[str, float] = {}
    for key, (_, _, own, _, callers) in stats.items():
        parts: list[tuple[str, float]] = [(_category(key), own)]
        if key[0] == "~" and "sqlite3" not in key[2] and callers:
            spent = sum(c[2] for c in callers.values()) or 1.0
            parts = [(_category(caller), own * c[2] / spent) for caller, c in callers.items()]
        for label, value in parts:
            shares[label] = shares.get(label, 0.0) + value * 1000 / requests
    return shares


def _queries(count: int) -> tuple[list[str], list[str]]:
    from benchmarks.bench_search import query_sets
    from benchmarks.corpus import synthetic_records

    records = list(synthetic_records(2000))
    sets = query_sets(records, count // 3 + 10, seed=13)
    queries = [" ".join(words) for n in (1, 2, 3) for words in sets[n]]
    random.Random(11).shuffle(queries)
    return queries[:10], queries[10 : 10 + count]


class _Asgi:
    """Calls an ASGI application without a server: requests one at a time, all within one
    run of the event loop (as a server runs them: the thread pool's workers are reused)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()

    async def _get(self, path: str, query: str) -> bytes:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": [(b"host", b"127.0.0.1")],
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80),
        }
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await self.app(scope, receive, send)
        if sent[0]["status"] != 200:
            raise SystemExit(f"{path}?{query}: {sent[0]['status']}")
        return b"".join(m.get("body", b"") for m in sent[1:])

    def cpu(self, requests: list[tuple[str, str]]) -> list[float]:
        """CPU milliseconds of each request (path, query string)."""

        async def run() -> list[float]:
            out = []
            for path, query in requests:
                started = time.process_time()
                await self._get(path, query)
                out.append((time.process_time() - started) * 1000)
            return out

        return self.loop.run_until_complete(run())


def _replayed(client: _Asgi, searches: list[tuple[str, str]]) -> list[float]:
    """CPU milliseconds of each search page with the library's answer already known (the
    search call returns what it returned before): what the web layer itself costs."""
    from gazette.archive.views import ArchiveView

    search = ArchiveView.search
    answers: dict[Any, Any] = {}

    def replay(self: Any, *args: Any, **kwargs: Any) -> Any:
        key = (args, tuple(sorted(kwargs.items())))
        if key not in answers:
            answers[key] = search(self, *args, **kwargs)
        return answers[key]

    ArchiveView.search = replay  # type: ignore[method-assign]
    try:
        client.cpu(searches)
        return client.cpu(searches)
    finally:
        ArchiveView.search = search  # type: ignore[method-assign]


def _cpu(fn: Callable[[Any], Any], items: list[Any]) -> list[float]:
    out = []
    for item in items:
        started = time.process_time()
        fn(item)
        out.append((time.process_time() - started) * 1000)
    return out


def _server_cpu(pid: int) -> float:
    """CPU seconds of a process and its children so far (from /proc)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for name in [str(pid), *_children(pid)]:
        try:
            fields = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _children(pid: int) -> list[str]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [c for child in found for c in (child, *_children(int(child)))]


def _http(archive: Path, source: Path, paths: list[str], warm: list[str]) -> float:
    """Milliseconds of server CPU per request over ``paths`` (one at a time)."""
    import http.client

    env = {**os.environ, "PYTHONPATH": str(source)}
    process = subprocess.Popen(
        [sys.executable, "-m", "gazette", "--archive", str(archive), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=source,
    )
    try:
        assert process.stdout is not None
        found = re.search(r"http://[\d.]+:(\d+)", process.stdout.readline())
        if not found:
            raise SystemExit("the server did not start")
        conn = http.client.HTTPConnection("127.0.0.1", int(found.group(1)), timeout=60)

        def get(path: str) -> None:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"{path}: {response.status}")

        for path in warm:
            get(path)
        before = _server_cpu(process.pid)
        for path in paths:
            get(path)
        used = _server_cpu(process.pid) - before
        conn.close()
        return used * 1000 / len(paths)
    finally:
        process.terminate()
        process.wait(timeout=60)


def measure(archive: Path, source: Path, count: int, http: bool) -> dict[str, Any]:
    """Every figure of one source tree (run in a process whose ``gazette`` is that tree's)."""
    import gazette
    from gazette.web import create_app

    warm, queries = _queries(2 * count)
    # The profile runs other queries and documents than those timed (not cached ones).
    queries, other_queries = queries[:count], queries[count:]
    app = create_app(archive)
    app.warm()
    with app.pool.borrow() as opened:
        ids = sorted(opened.public.ids())
    rnd = random.Random(11)
    doc_ids = rnd.sample(ids, min(len(ids), 2 * count + 10))
    warm_ids, doc_ids, other_ids = doc_ids[:10], doc_ids[10 : 10 + count], doc_ids[10 + count :]
    client = _Asgi(app)
    out: dict[str, Any] = {"source": str(source), "version": gazette.__file__}

    lib = gazette.open_archive(archive, create=False)
    try:
        view = lib.public
        for q in warm:
            view.search(q, limit=10)
        out["library /search"] = _cpu(lambda q: view.search(q, limit=10), queries)
        for d in warm_ids:
            view.get(d)
        out["library /documents"] = _cpu(view.get, doc_ids)
    finally:
        lib.close()
    searches = [("/search", f"q={quote(q)}") for q in queries]
    documents = [(f"/documents/{d}", "") for d in doc_ids]
    client.cpu([("/search", f"q={quote(q)}") for q in warm])
    out["asgi /search"] = client.cpu(searches)
    client.cpu([(f"/documents/{d}", "") for d in warm_ids])
    out["asgi /documents"] = client.cpu(documents)
    out["asgi /search, answers replayed"] = _replayed(client, searches)

    # The profile: handlers inline, so that the profiler sees what the thread pool runs.
    import starlette.concurrency

    async def inline(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    starlette.concurrency.run_in_threadpool = inline
    profiles = {}
    for name, paths in (
        ("/search", [("/search", f"q={quote(q)}") for q in other_queries]),
        ("/documents", [(f"/documents/{d}", "") for d in other_ids]),
    ):
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        client.cpu(paths)
        profiler.disable()
        profiles[name] = _shares(profiler, len(paths))
    out["profile"] = profiles
    app.close()
    if http:
        out["http /search"] = _http(
            archive,
            source,
            [f"/search?q={quote(q)}" for q in queries],
            [f"/search?q={quote(q)}" for q in warm],
        )
        out["http /documents"] = _http(
            archive,
            source,
            [f"/documents/{d}" for d in doc_ids],
            [f"/documents/{d}" for d in warm_ids],
        )
    return out


def _child(args: argparse.Namespace) -> None:
    source = args.source.resolve()
    sys.path[:0] = [str(source), str(ROOT)]
    os.chdir(source)
    result = measure(args.archive.resolve(), source, args.requests, not args.no_http)
    print(json.dumps(result))


def _run(source: Path, args: argparse.Namespace) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        "--source",
        str(source),
        "--archive",
        str(args.archive.resolve()),
        "--requests",
        str(args.requests),
    ]
    if args.no_http:
        command.append("--no-http")
    from benchmarks.corpus import CORPUS

    env = {**os.environ, "PYTHONPATH": str(source), "GAZETTE_CORPUS": str(CORPUS)}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"measuring {source} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _median(value: Any) -> float:
    return statistics.median(value) if isinstance(value, list) else float(value)


def _p95(value: Any) -> float:
    if not isinstance(value, list):
        return float("nan")
    ordered = sorted(value)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(runs: dict[str, list[dict[str, Any]]]) -> None:
    names = list(runs)
    rows = [
        "library /search",
        "asgi /search",
        "asgi /search, answers replayed",
        "http /search",
        "library /documents",
        "asgi /documents",
        "http /documents",
    ]

    def merged(name: str, row: str) -> Any:
        values = [r[row] for r in runs[name] if row in r]
        if not values:
            return None
        if isinstance(values[0], list):
            return [v for value in values for v in value]
        return statistics.median(values)

    header = "".join(f"{n + ' p50 / p95':>26}" for n in names)
    print(
        f"\nCPU ms per request (one at a time){'':<4}{header}"
        + ("   p50 ratio" if len(names) > 1 else "")
    )
    for row in rows:
        cells = []
        medians = []
        for name in names:
            value = merged(name, row)
            if value is None:
                cells.append(f"{'—':>26}")
                continue
            medians.append(_median(value))
            p95 = _p95(value)
            shown = (
                f"{_median(value):.2f} / {p95:.2f}"
                if p95 == p95
                else f"{_median(value):.2f} (mean)"
            )
            cells.append(f"{shown:>26}")
        ratio = f"{medians[-1] / medians[0]:>11.2f}x" if len(medians) > 1 and medians[0] else ""
        print(f"{row:<38}{''.join(cells)}{ratio}")
    for page in ("/search", "/documents"):
        print(f"\nprofile of {page} (CPU ms per request, handlers inline; profiling adds overhead)")
        labels: list[str] = []
        for name in names:
            for label in runs[name][0]["profile"][page]:
                if label not in labels:
                    labels.append(label)
        totals = {
            n: statistics.median(sum(r["profile"][page].values()) for r in runs[n]) for n in names
        }
        for label in labels:
            cells = []
            for name in names:
                value = statistics.median(r["profile"][page].get(label, 0.0) for r in runs[name])
                cells.append(f"{value:>10.2f} ({100 * value / max(totals[name], 1e-9):3.0f}%)")
            print(f"  {label:<40}" + "".join(f"{c:>22}" for c in cells))
        print(f"  {'total':<40}" + "".join(f"{totals[n]:>22.2f}" for n in names))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, required=True, help="an archive (bench_web --keep)")
    parser.add_argument("--baseline", type=Path, help="a source tree of another revision")
    parser.add_argument("--requests", type=int, default=150, help="requests per route")
    parser.add_argument("--rounds", type=int, default=1, help="alternations of the two trees")
    parser.add_argument("--no-http", action="store_true", help="skip the server measurement")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--source", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    from benchmarks.bench_search import load

    print(f"cpus: {os.cpu_count()}; {load()}")
    trees = {"baseline": args.baseline, "this tree": ROOT} if args.baseline else {"this tree": ROOT}
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
    for _ in range(args.rounds):
        for name, tree in trees.items():
            runs[name].append(_run(tree.resolve(), args))
    print(f"archive {args.archive}, {args.requests} requests per route, {args.rounds} round(s)")
    report(runs)
    print(f"\n{load()}")


if __name__ == "__main__":
    main()
