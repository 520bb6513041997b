"""Gazette issues: pages per second for splitting text-layer issues (OCR of scanned issues:
``benchmarks/bench_ocr.py``).

Splitting is timed next to the raw text extraction of the same file (pypdfium2
``get_text_range`` on every page), so the ratio shows what reading the layout, finding the
items and parsing them costs on top of getting the characters out:

* **raw text** — pypdfium2, every page's text, nothing else (the baseline);
* **read** — the PDF reader (:func:`ingest.readers.pdf.read`): lines, furniture, paragraphs;
* **read + split** — the reader, then :func:`ingest.gazette_issue.split` (目录, page map,
  items, element parser on every item);
* **ingest** — the whole pipeline into a fresh archive (catalog, originals, search index).

The issues are the test fixtures (``tests/gazette_render.py``): the 34-page combined issue
made of eight real documents, and the same issue four times over (136 pages). reportlab's CID
font is not embedded, so PDFium maps a system font for every character: the raw baseline is
slow on these files too, which is why the ratios matter more than the absolute figures. When
LibreOffice is installed, the Word edition of the issue converted by it (embedded fonts, its
own pagination) is timed as well.

Run from the project root::

    python benchmarks/bench_gazette.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402

import gazette  # noqa: E402
from ingest import gazette_issue, ingest_paths  # noqa: E402
from ingest.readers import pdf as pdf_reader  # noqa: E402
from tests import gazette_pdf  # noqa: E402
from tests import gazette_render as render  # noqa: E402
from tests.render import soffice_pdf  # noqa: E402

CORPUS = Path(os.environ.get("GAZETTE_CORPUS", ROOT.parent / "shared" / "corpus"))


def raw_text(path: Path) -> None:
    document = pdfium.PdfDocument(str(path))
    try:
        for page in document:
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
    finally:
        document.close()


def page_count(path: Path) -> int:
    document = pdfium.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()


def ingest_once(path: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        archive = gazette.open_archive(Path(tmp) / "archive", actor="bench")
        try:
            report = ingest_paths(archive, [path], jobs=1)
            assert report.summary["ingested"] == 1, report.as_json()
        finally:
            archive.close()


def interleaved(steps: Sequence[tuple[str, Callable[[], object]]], runs: int) -> list[float]:
    """Median seconds of each step, the steps taken in turn within each run (so a change in
    the machine's load weighs on all of them alike and their ratios hold)."""
    times: list[list[float]] = [[] for _ in steps]
    for _ in range(runs):
        for k, (_, func) in enumerate(steps):
            start = time.perf_counter()
            func()
            times[k].append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def bench_split(paths: Sequence[tuple[str, Path]], runs: int) -> None:
    print(f"splitting text-layer issues (median of {runs} interleaved runs)")
    header = (
        f"{'issue':<34}{'pages':>6}{'items':>6}  {'step':<14}{'s':>8}{'pages/s':>10}{'× raw':>8}"
    )
    print(header)
    print("-" * len(header))
    ingest_once(paths[0][1])  # warm up: the search index's dictionary loads once per process
    for name, path in paths:
        pages = page_count(path)
        items = len(gazette_issue.split(pdf_reader.read(path)).issue.items)
        steps: list[tuple[str, Callable[[], object]]] = [
            ("raw text", lambda p=path: raw_text(p)),
            ("read", lambda p=path: pdf_reader.read(p)),
            ("read + split", lambda p=path: gazette_issue.split(pdf_reader.read(p))),
            ("ingest", lambda p=path: ingest_once(p)),
        ]
        seconds = interleaved(steps, runs)
        base = seconds[0]
        for k, ((step, _), took) in enumerate(zip(steps, seconds, strict=True)):
            label = name if k == 0 else ""
            count = f"{pages:>6}{items:>6}" if k == 0 else " " * 12
            print(
                f"{label:<34}{count}  {step:<14}{took:>8.3f}{pages / took:>10.1f}"
                f"{took / base:>8.2f}"
            )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not (CORPUS / "govcn").exists():
        sys.exit(f"the real corpus is needed at {CORPUS}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        fixtures = render.render_fixtures(CORPUS, folder)
        spec = render.national_issue(CORPUS)
        four = render.national_issue(CORPUS, items=spec.items * 4)
        gazette_pdf.render_pdf(four, folder / "national-x4.pdf")
        paths = [
            ("national 2019年第5、6期", fixtures.national_pdf),
            ("the same items four times", folder / "national-x4.pdf"),
        ]
        converted = soffice_pdf([fixtures.national_docx], folder / "soffice")
        if converted:
            paths.append(("Word edition via LibreOffice", converted[0]))
        bench_split(paths, args.runs)


if __name__ == "__main__":
    main()
