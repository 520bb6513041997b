"""What the safety and integrity checks cost, next to the work they guard, on real files.

* **XML declarations** (``ingest.safety.check_xml``): every XML part of each real Word file
  parsed by expat, against reading the file with the DOCX reader (which now includes the
  check) and against the old look at the first 4 KiB of each part;
* **PDF page tree** (``ingest.safety.check_pdf``): walking the page tree, against reading the
  PDF with the reader, on the real renditions and on a 500-page PDF made from them;
* **sealing** (``gazette.archive.integrity``): ingesting the real gov.cn pages into a fresh archive
  with checksums computed at each commit, against the same ingest with sealing switched off;
* **public search**: a query in the public view when the catalog has just changed (the set
  of what the public may find is read from the catalog again) and when it has not, against
  the same query in the internal view, on an archive of generated documents.

Figures are medians of repeated runs; ratios are taken within one run (the machine may be
shared). Run from the project root::

    python benchmarks/bench_safety.py [--docs 2000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402

import gazette  # noqa: E402
from benchmarks.timing import median_seconds  # noqa: E402
from gazette.archive import integrity  # noqa: E402
from ingest import ingest_paths  # noqa: E402
from ingest.readers import read  # noqa: E402
from ingest.safety import check_pdf, check_xml  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


def _row(label: str, checked: float, baseline: float, what: str) -> None:
    ratio = checked / baseline if baseline else float("nan")
    print(
        f"{label:<34} {checked * 1000:9.2f} ms  {what:<26} {baseline * 1000:9.2f} ms  {ratio:6.3f}"
    )


def bench_docx(files: list[Path]) -> None:
    def check_all() -> None:
        for path in files:
            with zipfile.ZipFile(path) as package:
                for member in package.infolist():
                    if member.filename.endswith((".xml", ".rels")):
                        with package.open(member) as handle:
                            check_xml(path, member.filename, handle)

    def head_only() -> None:
        for path in files:
            with zipfile.ZipFile(path) as package:
                for member in package.infolist():
                    if member.filename.endswith((".xml", ".rels")):
                        with package.open(member) as handle:
                            head = handle.read(4096)
                        _ = b"<!DOCTYPE" in head or b"<!ENTITY" in head

    def read_all() -> None:
        for path in files:
            read(path, "docx")

    checked, old, reader = (median_seconds(f) for f in (check_all, head_only, read_all))
    print(f"{len(files)} real Word files (renditions/*.docx), all parts")
    _row("expat check of every part", checked, reader, "DOCX reader (with it)")
    _row("old check: first 4 KiB", old, reader, "DOCX reader (with it)")


def _long_pdf(sources: list[Path], pages: int, target: Path) -> Path:
    out = pdfium.PdfDocument.new()
    while len(out) < pages:
        for source in sources:
            pdf = pdfium.PdfDocument(str(source))
            out.import_pages(pdf)
            pdf.close()
            if len(out) >= pages:
                break
    out.save(str(target))
    out.close()
    return target


def bench_pdf(files: list[Path], folder: Path) -> None:
    def check_all() -> None:
        for path in files:
            check_pdf(path)

    def read_all() -> None:
        for path in files:
            read(path, "pdf")

    checked, reader = median_seconds(check_all), median_seconds(read_all)
    print(f"{len(files)} real PDF files (renditions/*.pdf)")
    _row("page-tree check", checked, reader, "PDF reader")
    long = _long_pdf(files, 500, folder / "long.pdf")
    checked = median_seconds(lambda: check_pdf(long), runs=3)
    reader = median_seconds(lambda: read(long, "pdf"), runs=1)
    print("a 500-page PDF made from them")
    _row("page-tree check", checked, reader, "PDF reader")


def bench_sealing(pages: list[Path], folder: Path) -> None:
    def ingest(sealed: bool, n: int) -> float:
        archive = gazette.open_archive(folder / f"seal-{sealed}-{n}")
        saved = integrity.seal
        if not sealed:
            integrity.seal = lambda conn: 0  # type: ignore[assignment]
        try:
            start = time.perf_counter()
            ingest_paths(archive, pages, jobs=1)
            return time.perf_counter() - start
        finally:
            integrity.seal = saved
            archive.close()

    runs = [(ingest(True, n), ingest(False, n)) for n in range(3)]
    sealed = statistics.median(r[0] for r in runs)
    bare = statistics.median(r[1] for r in runs)
    print(f"ingest of {len(pages)} real gov.cn pages, one process")
    _row("with checksums sealed", sealed, bare, "sealing switched off")


def bench_search(docs: int, folder: Path) -> None:
    import random

    from benchmarks.bench_views import build

    archive = gazette.open_archive(folder / "search")
    try:
        ids = build(archive, folder, docs, random.Random(7))
        archive.public.search("政务公开")  # warm the index

        def changed() -> None:
            archive.set_disclosure(ids[0], "proactive", reason=None, by="bench")
            start = time.perf_counter()
            archive.public.search("政务公开", limit=20)
            times.append(time.perf_counter() - start)

        times: list[float] = []
        for _ in range(5):
            changed()
        cold = statistics.median(times)
        warm = median_seconds(lambda: archive.public.search("政务公开", limit=20), runs=9)
        internal = median_seconds(lambda: archive.internal.search("政务公开", limit=20), runs=9)
        print(f"search 政务公开 in {docs} generated documents")
        _row("public, catalog just changed", cold, internal, "internal view")
        _row("public, catalog unchanged", warm, internal, "internal view")
    finally:
        archive.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000)
    args = parser.parse_args()
    renditions = CORPUS / "renditions"
    if not renditions.is_dir():
        sys.exit(f"the real corpus is needed: {renditions} is absent")
    print(f"{'':<34} {'checked':>12}  {'baseline':<26} {'':>12}  ratio")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        bench_docx(sorted(renditions.glob("*.docx")))
        bench_pdf(sorted(renditions.glob("*.pdf")), folder)
        bench_sealing(sorted((CORPUS / "govcn").glob("*.page.html")), folder)
        bench_search(args.docs, folder)


if __name__ == "__main__":
    main()
