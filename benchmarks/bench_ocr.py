"""OCR: character error rate and throughput of the pipeline beside plain RapidOCR and plain
Tesseract, on the same pages in the same run; and whether scanned issues split right.

Pages (all made from real text, ``tests/scan_render.py``):

* **clean** — scans at 200 dpi of born-digital pages: the real GovDoc-CN 公文 (``397.pdf``, 5
  pages, GB/T 9704 layout) and the small fixture gazette issue (5 pages, three gov.cn
  documents; ``tests/gazette_render.py``);
* **degraded** — the same pages photocopied: downsampled, turned 0.5-2°, speckled, yellowed,
  the other side of the sheet showing through, JPEG-compressed;
* **vertical**, **vertical degr.** — gov.cn documents typeset vertically as in the 1950s
  (columns right to left), clean and photocopied (each its own line of figures).

For each set the truth is the text printed on each page (whitespace and dot leaders removed,
NFKC). Engines, each with the same number of processes (``--jobs``, default one per core),
each worker rendering its pages from the scanned PDF:

* **pipeline** — :func:`ingest.ocr.recognise_pages` (layout, deskew, cleaning, columns,
  vertical text, footer strip), RapidOCR engine;
* **rapidocr** — ``RapidOCR()`` as installed, default settings, its lines joined in its order;
* **tesseract** — ``pytesseract.image_to_string(lang="chi_sim")`` (automatic layout);
* on vertical pages also **pipeline/tesseract** (the pipeline with Tesseract: ``chi_sim_vert``
  on the column block) and **tesseract vert** (``chi_sim_vert --psm 5`` on the whole page).

It prints CER per set and engine, pages per second, the pipeline's wall time over plain
RapidOCR's, and ``(user+sys)/wall`` of each run (CPU time of the worker processes over the
wall time: near the number of cores when the pool keeps them busy). The machine's load average
is printed before and after: on a shared machine the absolute figures move, the ratios less.

``--issues`` also ingests scanned issues (the 34-page national combined issue and a
municipal combined issue ``2024年第5、6期``, clean and degraded) and checks every item's title,
number, section and printed pages against the truth. Run from the project root::

    python benchmarks/bench_ocr.py [--jobs 2] [--runs 1] [--issues] [--quick]
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import multiprocessing
import os
import re
import resource
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest import ocr  # noqa: E402
from ingest.ocr import pool  # noqa: E402
from tests import gazette_issues, gazette_pdf, scan_render  # noqa: E402
from tests import gazette_render as render  # noqa: E402

CORPUS = Path(os.environ.get("GAZETTE_CORPUS", ROOT.parent / "shared" / "corpus"))
DPI = 200


def normalise(text: str) -> str:
    """NFKC, no whitespace or dot leaders, one dash for the typographic dashes (a scan cannot
    tell ``—`` from ``-`` in ``— 4 —``)."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub("[\u00ad\u2010-\u2015\u2212\uff0d-]", "-", text)
    return re.sub(r"[\s\u3000…⋯·．.]+", "", text)


def cer(found: str, truth: str) -> float:
    """Edit distance over the truth's length (Levenshtein, two rows)."""
    if not truth:
        return float(bool(found))
    previous = list(range(len(truth) + 1))
    for i, a in enumerate(found, 1):
        current = [i]
        for j, b in enumerate(truth, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return previous[-1] / len(truth)


# --- page sets ------------------------------------------------------------------------------


def _text_layer(pdf: Path) -> list[str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        out = []
        for page in document:
            textpage = page.get_textpage()
            out.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return out
    finally:
        document.close()


def _gazette_truth(layout: gazette_issues.Layout) -> list[str]:
    """Per PDF page: header, body, page number, in reading order."""
    spec = layout.spec
    out = []
    for index in range(1, layout.page_count + 1):
        body = layout.body_texts[index]
        if index >= layout.body_first_pdf_page:
            printed = index - layout.body_first_pdf_page + 1
            body = f"{spec.running_header}{body}— {printed} —"
        out.append(body)
    return out


class PageSet:
    """Scanned pages with their truth."""

    def __init__(self, name: str, pdfs: list[tuple[Path, list[str]]]) -> None:
        self.name = name
        self.pdfs = pdfs  # (scanned PDF, truth per page)

    @property
    def pages(self) -> int:
        return sum(len(t) for _, t in self.pdfs)


def make_sets(folder: Path, quick: bool) -> list[PageSet]:
    sets: dict[str, list[tuple[Path, list[str]]]] = {"clean": [], "degraded": []}
    govdoc = CORPUS / "govdoc-cn" / "397.pdf"
    sources: list[tuple[str, Path, list[str]]] = [("397", govdoc, _text_layer(govdoc))]
    if not quick:
        spec = render.small_issue(CORPUS)
        layout = gazette_pdf.render_pdf(spec, folder / "small.pdf")
        sources.append(("small", folder / "small.pdf", _gazette_truth(layout)))
    for stem, pdf, truth in sources:
        clean = folder / f"{stem}-clean.pdf"
        scan_render.scan_pdf(pdf, clean, dpi=DPI)
        sets["clean"].append((clean, truth))
        degraded = folder / f"{stem}-degraded.pdf"
        scan_render.scan_pdf(pdf, degraded, dpi=DPI, degraded=True, seed=17)
        sets["degraded"].append((degraded, truth))
    vertical: dict[bool, list[tuple[Path, list[str]]]] = {False: [], True: []}
    numbers = ["43"] if quick else ["43", "40", "19"]
    for k, number in enumerate(numbers):
        for degraded in (False, True):
            pages = scan_render.vertical_document(
                CORPUS, number, dpi=DPI, seed=31 + k, degraded=degraded
            )
            path = folder / f"vertical-{number}{'-d' if degraded else ''}.pdf"
            scan_render.save_scan([p.image for p in pages], path, dpi=DPI)
            vertical[degraded].append((path, [p.text + f"— {p.number} —" for p in pages]))
    return [
        PageSet("clean 200 dpi", sets["clean"]),
        PageSet("degraded", sets["degraded"]),
        PageSet("vertical", vertical[False]),
        PageSet("vertical degr.", vertical[True]),
    ]


# --- engines --------------------------------------------------------------------------------

_plain: dict[str, Any] = {}


def _render(path: str, page: int) -> Any:
    image, _ = pool._render(path, page, DPI)
    return image


def plain_rapidocr(path: str, page: int) -> str:
    import numpy as np
    from rapidocr import RapidOCR

    if "rapid" not in _plain:
        _plain["rapid"] = RapidOCR(
            params={
                "Global.log_level": "error",
                "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            }
        )
    image = _render(path, page)
    result = _plain["rapid"](np.stack([image] * 3, axis=-1))
    return "".join(result.txts or ())


def plain_tesseract(path: str, page: int, language: str = "chi_sim", psm: int = 3) -> str:
    import pytesseract
    from PIL import Image

    image = _render(path, page)
    return str(
        pytesseract.image_to_string(Image.fromarray(image), lang=language, config=f"--psm {psm}")
    )


def tesseract_vert(path: str, page: int) -> str:
    return plain_tesseract(path, page, "chi_sim_vert", 5)


def _init() -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"


def run_plain(
    func: Callable[[str, int], str], pdfs: Sequence[tuple[Path, list[str]]], jobs: int
) -> tuple[list[str], float, float]:
    """Texts per page, wall seconds, (user+sys) of the workers."""
    tasks = [(str(pdf), n) for pdf, truth in pdfs for n in range(1, len(truth) + 1)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with cf.ProcessPoolExecutor(
        max_workers=jobs, mp_context=multiprocessing.get_context("fork"), initializer=_init
    ) as executor:
        texts = list(executor.map(func, *zip(*tasks, strict=True)))
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return texts, wall, cpu


def run_pipeline(
    pdfs: Sequence[tuple[Path, list[str]]], jobs: int, engine: str = "rapidocr"
) -> tuple[list[str], float, float]:
    pool.shutdown()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    texts = []
    for pdf, truth in pdfs:
        pages = ocr.recognise_pages(
            pdf, range(1, len(truth) + 1), engine=engine, dpi=DPI, jobs=jobs, cache=None
        )
        texts.extend(page.text for page in pages)
    pool.shutdown()  # the workers' CPU time is counted once they are reaped
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return texts, wall, cpu


def bench_cer(sets: Sequence[PageSet], jobs: int) -> None:
    print(f"\nOCR of scanned pages at {DPI} dpi, {jobs} process(es) per engine")
    header = f"{'set':<15}{'engine':<22}{'pages':>6}{'CER':>8}{'pages/s':>9}{'× rapidocr':>12}{'cpu/wall':>10}"
    print(header)
    print("-" * len(header))
    for page_set in sets:
        truths = [normalise(t) for _, truth in page_set.pdfs for t in truth]
        runs: list[tuple[str, Callable[[], tuple[list[str], float, float]]]] = [
            ("pipeline", lambda s=page_set: run_pipeline(s.pdfs, jobs)),
            ("rapidocr (plain)", lambda s=page_set: run_plain(plain_rapidocr, s.pdfs, jobs)),
            ("tesseract (plain)", lambda s=page_set: run_plain(plain_tesseract, s.pdfs, jobs)),
        ]
        if page_set.name.startswith("vertical"):
            runs += [
                (
                    "pipeline/tesseract",
                    lambda s=page_set: run_pipeline(s.pdfs, jobs, engine="tesseract"),
                ),
                ("tesseract vert psm5", lambda s=page_set: run_plain(tesseract_vert, s.pdfs, jobs)),
            ]
        baseline = None
        for k, (name, func) in enumerate(runs):
            texts, wall, cpu = func()
            errors = sum(
                cer(normalise(text), truth) * len(truth)
                for text, truth in zip(texts, truths, strict=True)
            )
            rate = errors / max(1, sum(len(t) for t in truths))
            if name == "rapidocr (plain)":
                baseline = wall
            ratio = ""
            if name == "pipeline":
                pipeline_wall = wall
            elif name == "rapidocr (plain)":
                ratio = f"{pipeline_wall / wall:.2f}"
            print(
                f"{page_set.name if k == 0 else '':<15}{name:<22}{len(texts):>6}{rate:>8.2%}"
                f"{len(texts) / wall:>9.2f}{ratio:>12}{cpu / wall:>10.2f}"
            )
        assert baseline is not None
    print(
        "\n× rapidocr: the pipeline's wall time over plain RapidOCR's on the same pages "
        "(target ≤ 1.2); cpu/wall: (user+sys)/wall of the worker processes (target ≥ 1.6 on "
        "2 cores)"
    )


# --- scanned issues -------------------------------------------------------------------------


def bench_issues(folder: Path, jobs: int) -> None:
    from ingest import gazette_issue
    from ingest.gazette_layout import to_raw

    print("\nscanned issues split (pipeline, RapidOCR): items right / items")
    specs = [
        ("national 2019年第5、6期", render.national_issue(CORPUS)),
        ("municipal 2024年第5、6期", scan_render.municipal_issue(CORPUS)),
    ]
    for name, spec in specs:
        pdf = folder / f"{name.split()[0]}.pdf"
        layout = gazette_pdf.render_pdf(spec, pdf)
        truth = layout.truth()
        for degraded in (False, True):
            scan = folder / f"{pdf.stem}-{'degraded' if degraded else 'clean'}-scan.pdf"
            scan_render.scan_pdf(pdf, scan, dpi=DPI, degraded=degraded, seed=5)
            start = time.perf_counter()
            pages = ocr.recognise_pages(
                scan, range(1, layout.page_count + 1), jobs=jobs, cache=None
            )
            took = time.perf_counter() - start
            raw = to_raw(ocr.layout_pages(pages), name=scan.name, ocr=ocr.info(pages))
            try:
                split = gazette_issue.split(raw)
                items = split.issue.items
            except Exception as exc:  # report, do not stop the benchmark
                print(f"  {name} {'degraded' if degraded else 'clean'}: not split ({exc})")
                continue
            wrong = []
            for k, t in enumerate(truth):
                if k >= len(items):
                    wrong.append(f"#{k + 1} missing")
                    continue
                got = items[k]
                found = (
                    got.title,
                    str(got.doc_number) if got.doc_number else None,
                    got.section,
                    list(got.pages) if got.pages else None,
                )
                want = (t["title"], t["number"], t["section"], t["pages"])
                if found != want:
                    wrong.append(f"#{k + 1} {found} != {want}")
            extra = len(items) - len(truth)
            right = len(truth) - len(wrong)
            print(
                f"  {name:<26}{'degraded' if degraded else 'clean':<9} {right}/{len(truth)}"
                f"{f' (+{extra} extra)' if extra > 0 else ''}  {layout.page_count} pages"
                f" in {took:.0f} s"
            )
            for line in wrong:
                print(f"      {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--issues", action="store_true", help="also split scanned issues")
    parser.add_argument("--quick", action="store_true", help="fewer pages")
    args = parser.parse_args()
    if not (CORPUS / "govdoc-cn").is_dir():
        sys.exit(f"the real corpus is not at {CORPUS}")
    reason = ocr.unavailable()
    if reason is not None:
        sys.exit(f"OCR cannot run here: {reason}")
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sets = make_sets(folder, args.quick)
        bench_cer(sets, args.jobs)
        if args.issues:
            bench_issues(folder, args.jobs)
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"engine: {ocr.describe()}")


if __name__ == "__main__":
    main()
