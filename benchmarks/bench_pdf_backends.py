"""pdfplumber against pypdfium2 on the same PDFs: speed, and whether they agree.

For each PDF the script times, per page (median of several runs):

* text extraction: pypdfium2 ``get_text_range`` and pdfplumber ``extract_text``;
* character boxes: pypdfium2 (``FPDFText_GetCharBox`` for every character) and pdfplumber
  (``page.chars``);
* the archive's PDF reader (:func:`ingest.readers.pdf.read`), which uses pypdfium2;
* ``pdftotext`` (poppler) as an outside baseline, when installed.

and checks that the two libraries give the same text (characters in the same order, spaces
aside) and the same character boxes (median distance between the centres of corresponding
characters, in points). Run from the project root::

    python benchmarks/bench_pdf_backends.py [PDF ...]

Without arguments it uses ``../shared/corpus/govdoc-cn/397.pdf`` and LibreOffice renderings of
the seed document, once and six times over (when LibreOffice and the corpus are available).
(The PDFs that ``tests/render.py`` writes are not used here: they rely on a CMap that pdfminer,
under pdfplumber, applies the wrong way round.)
"""

from __future__ import annotations

import ctypes
import difflib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402
import pypdfium2.raw as pdfium_c  # noqa: E402

from ingest.raw import Line  # noqa: E402
from ingest.readers import pdf as pdf_reader  # noqa: E402
from ingest.readers.text import paragraphs  # noqa: E402
from tests.render import soffice_pdf, write_docx  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
RUNS = 3


def timed(func: Callable[[], object], runs: int = RUNS) -> tuple[float, object]:
    times = []
    result: object = None
    for _ in range(runs):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def pdfium_text(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    out = []
    for index in range(len(pdf)):
        page = pdf[index]
        textpage = page.get_textpage()
        out.append(textpage.get_text_range())
        textpage.close()
        page.close()
    pdf.close()
    return out


def pdfium_chars(path: Path) -> list[list[tuple[str, float, float, float, float]]]:
    pdf = pdfium.PdfDocument(str(path))
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    pages = []
    for index in range(len(pdf)):
        page = pdf[index]
        height = page.get_height()
        textpage = page.get_textpage()
        chars = []
        for i in range(textpage.count_chars()):
            char = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i))
            if char.isspace() or pdfium_c.FPDFText_IsGenerated(textpage.raw, i) == 1:
                continue
            pdfium_c.FPDFText_GetCharBox(textpage.raw, i, left, right, bottom, top)
            chars.append((char, left.value, height - top.value, right.value, height - bottom.value))
        pages.append(chars)
        textpage.close()
        page.close()
    pdf.close()
    return pages


def plumber_text(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def plumber_chars(path: Path) -> list[list[tuple[str, float, float, float, float]]]:
    with pdfplumber.open(path) as pdf:
        return [
            [
                (c["text"], c["x0"], c["top"], c["x1"], c["bottom"])
                for c in page.chars
                if not c["text"].isspace()
            ]
            for page in pdf.pages
        ]


def pdftotext(path: Path) -> str | None:
    if not shutil.which("pdftotext"):
        return None
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8", "replace")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("\u00ad", "-")


def text_agreement(a: list[str], b: list[str]) -> float:
    left, right = squeeze("".join(a)), squeeze("".join(b))
    return difflib.SequenceMatcher(None, left, right, autojunk=False).ratio()


def box_distance(a: list[list[tuple]], b: list[list[tuple]]) -> tuple[float, int]:
    """Median distance between the centres of corresponding characters, and how many matched."""
    distances = []
    for page_a, page_b in zip(a, b, strict=False):
        text_a = "".join(c[0] for c in page_a)
        text_b = "".join(c[0] for c in page_b)
        matcher = difflib.SequenceMatcher(None, text_a, text_b, autojunk=False)
        for block in matcher.get_matching_blocks():
            for k in range(block.size):
                ca, cb = page_a[block.a + k], page_b[block.b + k]
                dx = (ca[1] + ca[3]) / 2 - (cb[1] + cb[3]) / 2
                dy = (ca[2] + ca[4]) / 2 - (cb[2] + cb[4]) / 2
                distances.append((dx * dx + dy * dy) ** 0.5)
    return (statistics.median(distances) if distances else float("nan")), len(distances)


def samples(workdir: Path) -> list[Path]:
    """397.pdf and LibreOffice renderings of the seed (once, and six times over)."""
    paths = []
    real = CORPUS / "govdoc-cn" / "397.pdf"
    if real.exists():
        paths.append(real)
    seed = CORPUS / "seed" / "jinan-2017-27.txt"
    if seed.exists():
        lines = [Line(p) for p in paragraphs(seed.read_text("utf-8"))]
        docs = [
            write_docx(workdir / "seed-libreoffice.docx", lines),
            write_docx(workdir / "seed-x6-libreoffice.docx", lines * 6),
        ]
        rendered = soffice_pdf(docs, workdir)
        if rendered:
            paths.extend(rendered)
        else:
            print("LibreOffice is not installed: only 397.pdf is measured", file=sys.stderr)
    return paths


def main(argv: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(a) for a in argv] or samples(Path(tmp))
        header = (
            f"{'file':<24} {'pages':>5} | {'ms/page: pdfium text':>20} {'plumber text':>12} "
            f"{'pdfium boxes':>12} {'plumber boxes':>13} {'reader':>7} {'pdftotext':>9} | "
            f"{'text agree':>10} {'box Δ pt':>8} {'matched':>7} | {'plumber/pdfium':>14}"
        )
        print(header)
        print("-" * len(header))
        for path in paths:
            pages = len(pdfium.PdfDocument(str(path)))
            t_pt, p_text = timed(lambda p=path: pdfium_text(p))
            t_lt, l_text = timed(lambda p=path: plumber_text(p), runs=1)
            t_pc, p_chars = timed(lambda p=path: pdfium_chars(p))
            t_lc, l_chars = timed(lambda p=path: plumber_chars(p), runs=1)
            t_rd, _ = timed(lambda p=path: pdf_reader.read(p))
            t_pp, _ = timed(lambda p=path: pdftotext(p))
            agree = text_agreement(p_text, l_text)  # type: ignore[arg-type]
            distance, matched = box_distance(p_chars, l_chars)  # type: ignore[arg-type]
            per = 1000 / pages
            pp = f"{t_pp * per:9.1f}" if shutil.which("pdftotext") else f"{'-':>9}"
            print(
                f"{path.name[:24]:<24} {pages:>5} | {t_pt * per:20.1f} {t_lt * per:12.1f} "
                f"{t_pc * per:12.1f} {t_lc * per:13.1f} {t_rd * per:7.1f} {pp} | "
                f"{agree:10.4f} {distance:8.2f} {matched:>7} | "
                f"{t_lt / t_pt:6.1f}x {t_lc / t_pc:5.1f}x"
            )
        print(
            "\ntext agree: similarity of the two texts (1.0 = identical, spaces aside); box Δ: "
            "median distance between corresponding character centres."
        )


if __name__ == "__main__":
    main(sys.argv[1:])
