"""Recognising scanned pages with Tesseract (``chi_sim``), through the optional ``[ocr]`` extra.

Pages are rendered with pypdfium2 (at 300 dpi unless told otherwise) and recognised by
Tesseract through pytesseract; every word comes back with its box and confidence, so a page
becomes positioned lines (:class:`~ingest.gazette_layout.Page`, kind ``ocr``) with a per-line
and per-page confidence, and goes through the same paragraph and furniture logic as a text
layer. Text recognised this way is marked as OCR wherever it is stored
(:class:`~gazette.model.OcrInfo` on the text and the issue).

When Tesseract, its Chinese model or the Python packages are missing, :func:`unavailable` says
which, and callers store the pages as needing OCR instead of failing or storing empty text.
"""

from __future__ import annotations

import concurrent.futures as cf
import functools
import os
import re
import shutil
import statistics
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gazette.errors import MissingDependency
from gazette.model import OcrInfo
from gazette.phrases import say
from ingest.gazette_layout import (
    BAND as _BAND,
)
from ingest.gazette_layout import (
    Page,
    PageKind,
    PageLine,
    merge_rows,
    open_pdf,
    page_number_of,
)
from ingest.normalize import GAP, clean_inline

# Tesseract's model: chi_sim for Simplified Chinese print; ``GAZETTE_OCR_LANG`` overrides it
# (e.g. ``chi_sim+eng`` for issues with much Latin text, ``chi_tra`` for traditional script).
LANGUAGE = os.environ.get("GAZETTE_OCR_LANG") or "chi_sim"
DPI = 300
# Tesseract page segmentation: 3 = automatic layout analysis (titles, signatures and page
# furniture are separate blocks on a gazette page).
PSM = 3


@functools.cache
def unavailable(language: str = LANGUAGE) -> str | None:
    """Why OCR cannot run here, or ``None`` when it can."""
    try:
        import pytesseract  # noqa: F401
        from PIL import Image  # noqa: F401
    except ImportError as exc:
        return (
            f"the Python packages for OCR are not installed ({exc.name}); "
            "pip install 'gazette[ocr]'"
        )
    binary = shutil.which(os.environ.get("TESSERACT_CMD", "tesseract"))
    if binary is None:
        return (
            "Tesseract is not installed (Debian/Ubuntu: apt-get install tesseract-ocr "
            "tesseract-ocr-chi-sim)"
        )
    try:
        listed = subprocess.run(
            [binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"Tesseract cannot be run ({exc})"
    languages = {line.strip() for line in (listed.stdout + listed.stderr).splitlines()}
    if language not in languages:
        return f"Tesseract has no {language} model (apt-get install tesseract-ocr-chi-sim)"
    return None


@functools.cache
def engine(language: str = LANGUAGE) -> str:
    """``tesseract 5.3.0 chi_sim``: what recognised the text, for :class:`OcrInfo`."""
    import pytesseract

    return f"tesseract {pytesseract.get_tesseract_version()} {language}"


def require() -> None:
    """Raise when OCR cannot run.

    Raises:
        MissingDependency: naming what is missing and the extra to install.
    """
    reason = unavailable()
    if reason is not None:
        raise MissingDependency(f"扫描页的OCR识别（{say(reason)}）", "tesseract", "ocr")


# Half-width punctuation Tesseract puts next to Chinese characters, and its full-width form.
_HALF_TO_FULL = str.maketrans(
    {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
)
_CJK = "\u3400-\u9fff"
_HALF_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])[,:;?!()]|[,:;?!()](?=[{_CJK}])")
# A document number's year in square or lenticular brackets: GB/T 9704 prints 〔2018〕.
_NUMBER_YEAR = re.compile(
    rf"(?<=[{_CJK}])\s*[\[【(（〔]?\s*((?:19|20)[0-9]{{2}})\s*[\]】)）〕]\s*(?=[0-9]+\s*号)"
)
# 〇 in a year written in Chinese numerals, read as O, 0, CO or GO: 二CO〇GO四年 → 二〇〇四年.
_CN_DIGIT = "一二三四五六七八九〇○零"
_CN_YEAR = re.compile(rf"(?<![A-Za-z0-9])(?:[{_CN_DIGIT}]|[CG]?[O0o])+(?=年)")
_YEAR_UNIT = re.compile(rf"[{_CN_DIGIT}]|[CG]?[O0o]")
_ZERO = re.compile(r"[CG]?[O0o]")
# An opening parenthesis read as an angle bracket: 〈以下简称运动会） → （以下简称运动会）.
_ANGLE_PAREN = re.compile(r"〈(?=[^〈〉（）()]{1,30}[）)])")


def _mend_year(match: re.Match[str]) -> str:
    run = match.group(0)
    units = _YEAR_UNIT.findall(run)
    if len(units) == 4 and any(u in _CN_DIGIT for u in units):
        return _ZERO.sub("〇", run)
    return run  # not four digits: leave what cannot be mended unambiguously


def tidy(text: str) -> str:
    """Undo what Tesseract's Chinese model does to official-document punctuation: half-width
    commas, colons and parentheses next to Chinese characters become full-width, a document
    number's year gets its 〔〕 back, 〇 in a Chinese-numeral year is restored, and an opening
    parenthesis read as 〈 is mended."""
    text = _HALF_NEAR_CJK.sub(lambda m: m.group(0).translate(_HALF_TO_FULL), text)
    text = _NUMBER_YEAR.sub(r"〔\1〕", text)
    text = _CN_YEAR.sub(_mend_year, text)
    return _ANGLE_PAREN.sub("（", text)


def _footer(image: Any, width: float, height: float, dpi: int, language: str) -> PageLine | None:
    """The page number in the bottom band, read on its own: layout analysis of a whole page
    tends to drop a short isolated line such as ``— 4 —``."""
    import pytesseract

    band_top = int(image.height * (1 - _BAND))
    band = image.crop((0, band_top, image.width, image.height))
    data = pytesseract.image_to_data(
        band, lang=language, config="--psm 7", output_type=pytesseract.Output.DICT
    )
    words = [i for i, w in enumerate(data["text"]) if int(data["level"][i]) == 5 and w.strip()]
    if not words:
        return None
    text = "".join(data["text"][i] for i in words)
    if page_number_of(text) is None:
        return None
    scale = 72.0 / dpi
    x0 = min(int(data["left"][i]) for i in words) * scale
    x1 = max(int(data["left"][i]) + int(data["width"][i]) for i in words) * scale
    top = (band_top + min(int(data["top"][i]) for i in words)) * scale
    bottom = (band_top + max(int(data["top"][i]) + int(data["height"][i]) for i in words)) * scale
    confidences = [float(data["conf"][i]) for i in words if float(data["conf"][i]) >= 0]
    confidence = sum(confidences) / len(confidences) if confidences else 0.0
    return PageLine(text, x0, x1, top, bottom, bottom - top, round(confidence, 1))


def _recognise_image(
    image: Any, number: int, width: float, height: float, dpi: int, language: str, psm: int
) -> Page:
    import pytesseract

    data = pytesseract.image_to_data(
        image,
        lang=language,
        config=f"--psm {psm}",
        output_type=pytesseract.Output.DICT,
    )
    scale = 72.0 / dpi
    groups: dict[tuple[int, int, int], list[int]] = {}
    for i, word in enumerate(data["text"]):
        if int(data["level"][i]) == 5 and word.strip():
            key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
            groups.setdefault(key, []).append(i)
    lines: list[PageLine] = []
    weighted = 0.0
    chars = 0
    for indexes in groups.values():
        indexes.sort(key=lambda i: int(data["left"][i]))
        text = ""
        previous_right = None
        heights = []
        for i in indexes:
            left, w, h = int(data["left"][i]), int(data["width"][i]), int(data["height"][i])
            if previous_right is not None and left - previous_right > 1.2 * max(h, 1):
                text += GAP  # a wide gap: keep it (a joint signature, a 目录 page marker)
            text += data["text"][i]
            previous_right = left + w
            heights.append(h)
        text = tidy(clean_inline(text, keep_gaps=True))
        if not text:
            continue
        confidences = [float(data["conf"][i]) for i in indexes if float(data["conf"][i]) >= 0]
        confidence = sum(confidences) / len(confidences) if confidences else 0.0
        x0 = min(int(data["left"][i]) for i in indexes) * scale
        x1 = max(int(data["left"][i]) + int(data["width"][i]) for i in indexes) * scale
        top = min(int(data["top"][i]) for i in indexes) * scale
        bottom = max(int(data["top"][i]) + int(data["height"][i]) for i in indexes) * scale
        size = statistics.median_low(heights) * scale  # punctuation boxes run tall
        lines.append(PageLine(text, x0, x1, top, bottom, size, round(confidence, 1)))
        weighted += confidence * len(text)
        chars += len(text)
    lines = merge_rows(lines)
    in_band = [line for line in lines if line.top >= height * (1 - _BAND)]
    if not any(page_number_of(line.text) is not None for line in in_band):
        footer = _footer(image, width, height, dpi, language)
        if footer is not None:
            lines = [line for line in lines if line not in in_band] + [footer]
    confidence = round(weighted / chars, 1) if chars else 0.0
    return Page(number, width, height, lines, PageKind.OCR, confidence)


def recognise_pages(
    path: Path,
    pages: Sequence[int],
    *,
    dpi: int = DPI,
    language: str = LANGUAGE,
    psm: int = PSM,
    jobs: int | None = None,
) -> list[Page]:
    """Recognise 1-based ``pages`` of a PDF. Returns them in order, kind ``ocr``.

    Args:
        dpi: rendering resolution (300 is what Tesseract is tuned for).
        jobs: pages recognised at once (default: the CPU count, at most 4). Each Tesseract
            runs on one thread: on a few cores, pages in parallel beat threads within a page.

    Raises:
        MissingDependency: OCR cannot run here (see :func:`unavailable`).
    """
    require()
    jobs = jobs or min(4, os.cpu_count() or 1)
    document = open_pdf(path)
    try:
        rendered = []
        for number in pages:
            page = document[number - 1]
            try:
                width, height = page.get_size()
                image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            finally:
                page.close()
            rendered.append((image, number, width, height))
    finally:
        document.close()
    # One thread per Tesseract process: several OpenMP threads per page oversubscribe the CPU.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    with cf.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [
            pool.submit(_recognise_image, image, number, width, height, dpi, language, psm)
            for image, number, width, height in rendered
        ]
        return [future.result() for future in futures]


def info(pages: Sequence[Page], language: str = LANGUAGE) -> OcrInfo | None:
    """The :class:`OcrInfo` of recognised pages (mean confidence weighted by text length)."""
    recognised = [p for p in pages if p.kind == PageKind.OCR]
    if not recognised:
        return None
    weights = [max(1, sum(len(line.text) for line in p.lines)) for p in recognised]
    mean = sum((p.confidence or 0.0) * w for p, w in zip(recognised, weights, strict=True))
    return OcrInfo(
        engine=engine(language),
        confidence=round(mean / sum(weights), 1),
        pages=tuple((p.number, p.confidence or 0.0) for p in recognised),
    )


__all__ = [
    "DPI",
    "LANGUAGE",
    "engine",
    "info",
    "recognise_pages",
    "require",
    "tidy",
    "unavailable",
]
