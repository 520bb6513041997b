"""Ingest speed and memory, next to raw text extraction of the same files.

For HTML, DOCX and text PDF the script measures, on the same files:

* **end to end**: :func:`ingest.ingest_paths` into a fresh archive with 2 worker processes
  (sniff, hash, read, parse, catalog, search index) — documents/s and pages/s;
* **prepare**: what the worker processes do (sniff, read, parse, package), 2 processes, no
  archive;
* **raw extraction**: the text alone, with 2 worker processes too — ``pdftotext`` (poppler)
  and pypdfium2 for PDF, lxml for HTML, the XML of ``word/document.xml`` for DOCX;
* **stages**, in one process: read, parse, catalog and search index separately,

and prints them side by side with the ratios end-to-end / raw and prepare / raw. Targets:
ingest within 3× of raw extraction, at least 50 PDF pages/s on 2 cores.

Then it reads a 500-page PDF and a 50-page PDF, each in a fresh process, and reports the peak
resident memory of both (the reader works page by page: the peaks should be close).

The files: the 20 real ``govcn`` bodies (``../shared/corpus``), rendered to DOCX by python-docx
and to PDF by LibreOffice (or by ``tests/render.py`` when LibreOffice is absent), each set
repeated to make the run long enough to time. Run from the project root::

    python benchmarks/bench_ingest.py [--repeat N]
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402
from lxml import etree, html  # noqa: E402

import gazette  # noqa: E402
from gazette.archive.store import sha256_file  # noqa: E402
from gazette.model import SourceFile  # noqa: E402
from ingest import ingest_paths, stages  # noqa: E402
from ingest.raw import Line  # noqa: E402
from ingest.readers import read  # noqa: E402
from ingest.readers.text import paragraphs  # noqa: E402
from ingest.sniff import sniff  # noqa: E402
from tests.render import for_rendering, render_govcn, render_pdf, soffice_pdf, write_docx  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
JOBS = 2


# --- raw extraction ----------------------------------------------------------------------


def raw_pdftotext(path: str) -> int:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True, check=True
    ).stdout
    return len(out)


def raw_pdfium(path: str) -> int:
    pdf = pdfium.PdfDocument(path)
    total = 0
    for index in range(len(pdf)):
        page = pdf[index]
        textpage = page.get_textpage()
        total += len(textpage.get_text_range())
        textpage.close()
        page.close()
    pdf.close()
    return total


def raw_html(path: str) -> int:
    return len(html.parse(path).getroot().text_content())


def raw_docx(path: str) -> int:
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    return len("".join(root.itertext()))


def prepare_one(path: str) -> int:
    file = Path(path)
    source = SourceFile(
        sha256=sha256_file(file), format=sniff(file), path=path, size=file.stat().st_size
    )
    return len(stages.build_submission(file, source).documents)


def parallel(func: Callable[[str], int], paths: Sequence[Path]) -> float:
    start = time.perf_counter()
    with cf.ProcessPoolExecutor(max_workers=JOBS) as pool:
        list(pool.map(func, [str(p) for p in paths], chunksize=4))
    return time.perf_counter() - start


# --- the archive ------------------------------------------------------------------------


def end_to_end(paths: Sequence[Path], workdir: Path) -> tuple[float, int]:
    archive_dir = workdir / f"archive-{time.monotonic_ns()}"
    with gazette.open_archive(archive_dir, actor="bench") as archive:
        start = time.perf_counter()
        report = ingest_paths(archive, paths, jobs=JOBS)
        elapsed = time.perf_counter() - start
    shutil.rmtree(archive_dir)
    return elapsed, report.summary["failed"]


def stage_times(paths: Sequence[Path], workdir: Path) -> dict[str, float]:
    """read / parse / catalog / index, in this process, summed over the files.

    Storing runs as a batch does (the index catches up once, at the end): ``catalog`` is the
    catalog transactions, ``index`` the search index catching up.
    """
    times = {"read": 0.0, "parse": 0.0, "catalog": 0.0, "index": 0.0}
    archive_dir = workdir / f"stages-{time.monotonic_ns()}"
    with gazette.open_archive(archive_dir, actor="bench") as archive:
        with archive.deferred_indexing(every=len(paths) + 1):
            for path in paths:
                source = SourceFile(
                    sha256=sha256_file(path),
                    format=sniff(path),
                    path=str(path),
                    size=path.stat().st_size,
                )
                start = time.perf_counter()
                raw = read(path, source.format)
                middle = time.perf_counter()
                document = stages.document_from(raw).with_sources(source)
                parsed = time.perf_counter()
                if not archive.has_source(source.sha256):
                    archive.add(gazette.Submission(source=source, path=path, documents=(document,)))
                stored = time.perf_counter()
                times["read"] += middle - start
                times["parse"] += parsed - middle
                times["catalog"] += stored - parsed
            flush = time.perf_counter()
        times["index"] = time.perf_counter() - flush
    shutil.rmtree(archive_dir)
    return times


def pages_of(paths: Sequence[Path]) -> int:
    total = 0
    for path in paths:
        if path.suffix == ".pdf":
            pdf = pdfium.PdfDocument(str(path))
            total += len(pdf)
            pdf.close()
    return total


# --- memory -----------------------------------------------------------------------------

PEAK = """
import resource, sys
sys.path.insert(0, {root!r})
from pathlib import Path
from ingest.readers import pdf
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
raw = pdf.read(Path({path!r}))
print(raw.page_count, base, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_memory(path: Path) -> tuple[int, int, int]:
    """(pages, KiB after imports, peak KiB) of reading one PDF in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", PEAK.format(root=str(ROOT), path=str(path))],
        capture_output=True,
        check=True,
        text=True,
    ).stdout.split()
    return int(out[0]), int(out[1]), int(out[2])


# --- inputs -----------------------------------------------------------------------------


def inputs(workdir: Path, repeat: int) -> dict[str, list[Path]]:
    bodies = sorted((CORPUS / "govcn").glob("*.body.html"))
    if not bodies:
        sys.exit(f"the real corpus is needed: {CORPUS / 'govcn'} is absent")
    rendered = render_govcn(bodies, workdir / "renditions")
    pdfs = [
        Path(r["pdf"] or r["typeset.pdf"])  # LibreOffice when installed
        for r in rendered.values()
    ]
    sets = {
        "html": bodies,
        "docx": [Path(r["docx"]) for r in rendered.values()],  # type: ignore[arg-type]
        "pdf": pdfs,
    }
    # Distinct bytes for every copy, so that nothing is skipped as a duplicate.
    out: dict[str, list[Path]] = {}
    for name, files in sets.items():
        folder = workdir / f"set-{name}"
        folder.mkdir()
        copies = []
        for k in range(repeat):
            for path in files:
                target = folder / f"{k:02d}-{path.name}"
                target.write_bytes(path.read_bytes() + (b"\n" if name == "html" else b"") * k)
                if name != "html" and k:
                    target.write_bytes(_variant(path, k))
                copies.append(target)
        out[name] = copies
    return out


def _variant(path: Path, k: int) -> bytes:
    """The same document with different bytes (a trailing comment: still a valid file)."""
    data = path.read_bytes()
    if path.suffix == ".pdf":
        return data + f"\n% copy {k}\n".encode()
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "v.docx"
        with zipfile.ZipFile(path) as old, zipfile.ZipFile(target, "w") as new:
            for item in old.infolist():
                new.writestr(item, old.read(item.filename))
            new.writestr("docProps/copy.txt", str(k))
        return target.read_bytes()


def long_pdfs(workdir: Path) -> tuple[Path, Path]:
    """A ~50-page and a ~500-page born-digital PDF (LibreOffice, else tests/render.py)."""
    seed = CORPUS / "seed" / "jinan-2017-27.txt"
    lines = [Line(p) for p in paragraphs(seed.read_text("utf-8"))] if seed.exists() else []
    if not lines:
        lines = [Line("第一条　" + "为深入推进政务公开，保障公民依法获取政府信息。" * 8)] * 40
    lines = for_rendering(lines)
    short = write_docx(workdir / "long-050.docx", lines * 3)
    long = write_docx(workdir / "long-500.docx", lines * 30)
    converted = soffice_pdf([short, long], workdir / "long")
    if converted:
        return converted[0], converted[1]
    return (
        render_pdf(workdir / "long-050.pdf", lines * 3),
        render_pdf(workdir / "long-500.pdf", lines * 30),
    )


# --- report -----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="copies of each file set")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        sets = inputs(workdir, args.repeat)
        raw_funcs: dict[str, list[tuple[str, Callable[[str], int]]]] = {
            "html": [("lxml", raw_html)],
            "docx": [("document.xml", raw_docx)],
            "pdf": [("pypdfium2", raw_pdfium)],
        }
        if shutil.which("pdftotext"):
            raw_funcs["pdf"].insert(0, ("pdftotext", raw_pdftotext))
        print(
            f"end to end with {JOBS} worker processes; raw extraction with {JOBS} processes too\n"
        )
        header = (
            f"{'format':<6} {'files':>5} {'pages':>5} | {'ingest s':>8} {'docs/s':>7} "
            f"{'pages/s':>7} {'prepare s':>9} | {'raw extraction':<14} {'raw s':>6} "
            f"{'ingest/raw':>10} {'prepare/raw':>11} | {'read s':>6} {'parse s':>7} "
            f"{'catalog s':>9} {'index s':>7}"
        )
        print(header)
        print("-" * len(header))
        for name, paths in sets.items():
            pages = pages_of(paths)
            runs = [end_to_end(paths, workdir) for _ in range(3)]
            elapsed = statistics.median(t for t, _ in runs)
            failed = max(f for _, f in runs)
            prepared = statistics.median(parallel(prepare_one, paths) for _ in range(3))
            stages_ = stage_times(paths, workdir)
            for k, (label, func) in enumerate(raw_funcs[name]):
                raw = statistics.median(parallel(func, paths) for _ in range(3))
                if k == 0:
                    pps = f"{pages / elapsed:7.1f}" if pages else " " * 7
                    left = (
                        f"{name:<6} {len(paths):>5} {pages or '':>5} | {elapsed:8.2f} "
                        f"{len(paths) / elapsed:7.1f} {pps} {prepared:9.2f} | "
                    )
                    right = (
                        f" | {stages_['read']:6.2f} {stages_['parse']:7.2f} "
                        f"{stages_['catalog']:9.2f} {stages_['index']:7.2f}"
                    )
                else:
                    left, right = (
                        f"{'':<6} {'':>5} {'':>5} | {'':>8} {'':>7} {'':>7} {'':>9} | ",
                        "",
                    )
                print(
                    f"{left}{label:<14} {raw:6.2f} {elapsed / raw:9.1f}x {prepared / raw:10.1f}x"
                    + right
                )
            if failed:
                print(f"       ({failed} files failed to ingest)")
        print()
        short, long = long_pdfs(workdir)
        print(
            f"{'peak memory reading one PDF':<30} {'pages':>6} {'after imports':>14} {'peak':>10}"
        )
        for path in (short, long):
            pages, base, peak = peak_memory(path)
            print(f"{path.name:<30} {pages:>6} {base / 1024:11.1f} MiB {peak / 1024:7.1f} MiB")


if __name__ == "__main__":
    main()
