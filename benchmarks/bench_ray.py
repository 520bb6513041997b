"""Ingest of a scanned gazette issue: the local process pool beside a local 2-CPU Ray.

Both ingest the same scanned issue into a fresh archive each round (so no page comes from the
page cache): the **local** executor reads the file here and recognises its pages in the OCR
pool of ``--cpus`` processes; the **ray** executor reads it in a Ray task whose pages are
recognised as Ray tasks, on a local Ray started with ``--cpus`` CPUs. Catalog writes happen in
this process in both cases.

Each executor runs one untimed round first (models loaded in its workers; the start of the
local Ray is timed apart), then the rounds alternate (local, ray, ray, local, …) so that a
change in the machine's load falls on both. Printed: the median wall time of each, and the
ratio ray / local against the target (within 1.3×). The machine's load average is printed
before and after: on a shared machine the absolute figures move, the ratio less.

The issue is the scanned fixture issue (5 pages typeset from real gov.cn documents,
``tests/gazette_render.py``) unless ``--issue`` names a scanned PDF. Run from the project
root::

    python benchmarks/bench_ray.py [--rounds 5] [--cpus 2] [--issue SCAN.pdf]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import gazette
from ingest import ingest_paths, ocr
from ingest.executors import Executor, LocalExecutor

TARGET = 1.3


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def ingest_once(executor: Executor, scan: Path, folder: Path) -> float:
    """Seconds to ingest ``scan`` into a new archive in ``folder``."""
    with gazette.open_archive(folder) as archive:
        start = time.perf_counter()
        report = ingest_paths(archive, [scan], executor=executor)
        took = time.perf_counter() - start
        [result] = report.results
        if result.outcome != "ingested":
            raise SystemExit(f"{executor.name}: {result.outcome} {result.error}")
        return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cpus", type=int, default=2)
    parser.add_argument("--issue", type=Path, default=None, help="a scanned PDF")
    args = parser.parse_args()
    reason = ocr.unavailable()
    if reason is not None:
        raise SystemExit(f"OCR cannot run here: {reason}")
    try:
        import ray
    except ImportError:
        raise SystemExit("needs ray: pip install 'gazette[ray]'") from None
    from ingest.executors.cluster import RayExecutor

    os.environ["GAZETTE_OCR_JOBS"] = str(args.cpus)  # the local pool: as many processes
    work = Path(tempfile.mkdtemp(prefix="bench-ray-"))
    scan = args.issue
    if scan is None:
        from tests.conftest import CORPUS
        from tests.gazette_render import render_fixtures

        scan = render_fixtures(CORPUS, work / "fixtures").small_scan
    pages = _pages(scan)
    print(f"issue: {scan} ({pages} pages), {args.cpus} CPUs each, {args.rounds} rounds")
    print(f"load average before: {_load()} (machine shared: absolute times move, ratios less)")

    local = LocalExecutor()
    ingest_once(local, scan, work / "warm-local")  # the OCR pool started, models loaded
    start = time.perf_counter()
    ray.init(num_cpus=args.cpus, include_dashboard=False, log_to_driver=False)
    started = time.perf_counter() - start
    on_ray = RayExecutor()
    ingest_once(on_ray, scan, work / "warm-ray")  # workers started, models loaded
    print(f"local Ray started in {started:.1f} s (not counted below)")

    times: dict[str, list[float]] = {"local": [], "ray": []}
    for n in range(args.rounds):
        order = [("local", local), ("ray", on_ray)]
        for name, executor in order if n % 2 == 0 else order[::-1]:
            times[name].append(ingest_once(executor, scan, work / f"{name}-{n}"))
        print(f"round {n + 1}: local {times['local'][-1]:.2f} s, ray {times['ray'][-1]:.2f} s")
    on_ray.close()
    ray.shutdown()

    local_s, ray_s = statistics.median(times["local"]), statistics.median(times["ray"])
    ratio = ray_s / local_s
    print()
    print(f"{'executor':<8} {'median s':>9} {'pages/s':>8}")
    for name, value in (("local", local_s), ("ray", ray_s)):
        print(f"{name:<8} {value:>9.2f} {pages / value:>8.2f}")
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(f"ray / local = {ratio:.2f}× (target ≤ {TARGET}×: {verdict})")
    print(f"load average after: {_load()}")


def _pages(scan: Path) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(scan)
    try:
        return len(document)
    finally:
        document.close()


if __name__ == "__main__":
    main()
