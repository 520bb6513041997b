"""OCR of page images: scanned PDFs, image-only pages, and anything else that comes as a picture.

Two entry points:

* :func:`recognise_images` — "these page images → their text with boxes": one
  :class:`~gazette.model.OcrPage` per image (lines in reading order, each with its box in points
  and its confidence; or the reason the engine failed on it). Readers whose pages may carry no
  text (an OFD page drawn as an image) call this;
* :func:`recognise_pages` — pages of a PDF, rendered and recognised in a process pool (see
  :mod:`ingest.ocr.pool`), with the page cache (:mod:`ingest.ocr.cache`) and progress reports.

The engine (:mod:`ingest.ocr.engines`) is RapidOCR unless told otherwise (``engine=``,
``$GAZETTE_OCR_ENGINE``); the layout of each page (skew, vertical text, two columns) is measured
before recognition (:mod:`ingest.ocr.layout`, :mod:`ingest.ocr.pages`). :func:`layout_pages`
turns recognised pages into the positioned lines the paragraph builder reads
(:func:`ingest.gazette_layout.to_raw`); :func:`info` sums them up as the
:class:`~gazette.model.OcrInfo` that marks OCR text wherever it is shown.

When the engine cannot run here, :func:`unavailable` says why and callers keep the pages as
needing OCR instead of failing or storing empty text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from gazette.archive.store import sha256_file
from gazette.errors import MissingDependency
from gazette.model import OcrInfo, OcrPage
from gazette.phrases import say
from ingest.gazette_layout import Page
from ingest.ocr import pool
from ingest.ocr.cache import PageCache, cache_in
from ingest.ocr.engines import ENV_ENGINE, engine_name, get_engine
from ingest.ocr.pages import mean_confidence, recognise_image, to_layout_page
from ingest.ocr.pool import progress_to
from ingest.ocr.tidy import tidy

Progress = Callable[[int, int], None]


def unavailable(engine: str | None = None) -> str | None:
    """Why OCR cannot run here with that engine (default: the configured one), or ``None``."""
    return get_engine(engine).unavailable()


def require(engine: str | None = None) -> None:
    """Raise when OCR cannot run.

    Raises:
        MissingDependency: naming what is missing and the extra to install.
    """
    reason = unavailable(engine)
    if reason is not None:
        raise MissingDependency(f"扫描页的OCR识别（{say(reason)}）", engine_name(engine), "ocr")


def describe(engine: str | None = None) -> str:
    """What recognises the text, for the record (``rapidocr 3.10.0 PP-OCRv6_det_small+…``)."""
    return get_engine(engine).describe()


def _reporter(label: str, total: int, progress: Progress | None) -> Callable[[int], None]:
    def tell(done: int) -> None:
        if progress is not None:
            progress(done, total)
        pool.report(label, done, total)

    return tell


def recognise_images(
    images: Iterable[Any],
    *,
    engine: str | None = None,
    dpi: int = 200,
    first_page: int = 1,
    sizes: Sequence[tuple[float, float]] | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> list[OcrPage]:
    """Recognise page images (numpy arrays or PIL images), in order.

    Args:
        engine: ``rapidocr`` or ``tesseract`` (default: ``$GAZETTE_OCR_ENGINE``, else RapidOCR).
        dpi: the images' resolution (boxes are given in points).
        first_page: the page number of the first image.
        sizes: each page's size in points, when known.
        jobs: worker processes (default: one per core; 1 recognises in this process).
        progress: called with ``(pages done, pages in all)``.

    Raises:
        MissingDependency: the engine cannot run here.
    """
    require(engine)
    name = engine_name(engine)
    images = list(images)
    work = [
        pool.Job(
            page=first_page + k,
            dpi=dpi,
            engine=name,
            image=_as_array(image),
            size=sizes[k] if sizes else None,
        )
        for k, image in enumerate(images)
    ]
    tell = _reporter("images", len(work), progress)
    count = [0]

    def on_page(page: OcrPage) -> None:
        count[0] += 1
        tell(count[0])

    return pool.run(work, workers=jobs, on_page=on_page)


def _as_array(image: Any) -> Any:
    import numpy as np

    if hasattr(image, "convert"):
        return np.asarray(image.convert("L"))
    return image


def recognise_pages(
    path: Path,
    pages: Iterable[int],
    *,
    engine: str | None = None,
    dpi: int | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
    cache: PageCache | None = None,
    sha256: str | None = None,
    label: str | None = None,
) -> list[OcrPage]:
    """Recognise 1-based ``pages`` of a PDF, in order.

    Pages already in the page cache (``cache``, else the one ``$GAZETTE_OCR_CACHE`` names) for
    this file and engine are not recognised again; each page is cached as soon as it is done.

    Args:
        dpi: rendering resolution (default: the engine's, 200 for RapidOCR, 300 for Tesseract).
        sha256: the file's hash, when the caller knows it (else computed for the cache).
        label: how progress reports name the file (default: its name).

    Raises:
        MissingDependency: the engine cannot run here.
        KeyboardInterrupt: the workers are stopped first; what was cached stays cached.
    """
    require(engine)
    name = engine_name(engine)
    chosen = get_engine(name)
    dpi = dpi or chosen.dpi
    numbers = list(pages)
    cache = cache if cache is not None else PageCache.from_env()
    key = f"{chosen.config_key()}-{dpi}"
    if cache is not None and sha256 is None:
        sha256 = sha256_file(path)
    found: dict[int, OcrPage] = {}
    if cache is not None and sha256 is not None:
        for number in numbers:
            page = cache.get(sha256, key, number)
            if page is not None:
                found[number] = page
    todo = [n for n in numbers if n not in found]
    tell = _reporter(label or path.name, len(numbers), progress)
    count = [len(found)]
    if found:
        tell(count[0])

    def on_page(page: OcrPage) -> None:
        if cache is not None and sha256 is not None:
            cache.put(sha256, key, page)
        count[0] += 1
        tell(count[0])

    work = [pool.Job(page=n, dpi=dpi, engine=name, path=str(path)) for n in todo]
    for page in pool.run(work, workers=jobs, on_page=on_page):
        found[page.page] = page
    return [found[n] for n in numbers]


def layout_pages(pages: Sequence[OcrPage]) -> list[Page]:
    """Recognised pages as positioned lines (vertical pages turned; failed pages as images
    still needing OCR)."""
    return [to_layout_page(page) for page in pages]


def info(pages: Sequence[OcrPage]) -> OcrInfo | None:
    """The :class:`OcrInfo` of recognised pages (mean confidence weighted by text length);
    pages the engine failed on are not counted."""
    read = [p for p in pages if p.error is None]
    if not read:
        return None
    return OcrInfo(
        engine=read[0].engine,
        confidence=mean_confidence(read),
        pages=tuple((p.page, p.confidence or 0.0) for p in read),
    )


def failures(pages: Sequence[OcrPage]) -> list[str]:
    """One line per page the engine failed on: ``page 7: tesseract failed (…)``."""
    return [f"page {p.page}: {p.error}" for p in pages if p.error is not None]


__all__ = [
    "ENV_ENGINE",
    "PageCache",
    "cache_in",
    "describe",
    "engine_name",
    "failures",
    "info",
    "layout_pages",
    "progress_to",
    "recognise_image",
    "recognise_images",
    "recognise_pages",
    "require",
    "tidy",
    "unavailable",
]
