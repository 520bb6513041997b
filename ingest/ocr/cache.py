"""The page cache: what was recognised on each page, kept as soon as the page is done, so a
long run that crashes or is killed does not recognise those pages again.

A page is kept under the original's SHA-256, the page number and the engine's configuration
key (engine, version, models, resolution): another engine, or another version of one, reads
the pages afresh. Pages the engine failed on are not kept (they are tried again). The cache
lives in the archive (``<archive>/ocr-cache/``) while the archive ingests or recognises
(:func:`cache_in`); it is derived data and may be deleted at any time.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from gazette.archive import ocr_pages
from gazette.model import OcrPage

ENV_CACHE = "GAZETTE_OCR_CACHE"
FOLDER = "ocr-cache"


class PageCache:
    """Recognised pages on disk: ``<root>/<sha[:2]>/<sha>/<engine key>/<page>.json``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def from_env(cls) -> PageCache | None:
        """The cache named by ``$GAZETTE_OCR_CACHE``, if any."""
        folder = os.environ.get(ENV_CACHE)
        return cls(Path(folder)) if folder else None

    def _path(self, sha256: str, key: str, page: int) -> Path:
        return self.root / sha256[:2] / sha256 / key / f"{page:05d}.json"

    def get(self, sha256: str, key: str, page: int) -> OcrPage | None:
        path = self._path(sha256, key, page)
        try:
            return ocr_pages.decode(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # absent, or cut short by a crash: recognise it again

    def put(self, sha256: str, key: str, page: OcrPage) -> None:
        if page.error is not None:
            return
        path = self._path(sha256, key, page.page)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(ocr_pages.encode(page), out, ensure_ascii=False)
            os.replace(temporary, path)
        except OSError:
            return  # a cache that cannot be written only costs time


@contextlib.contextmanager
def cache_in(archive_root: Path) -> Iterator[PageCache]:
    """Keep recognised pages in the archive while the block runs (worker processes started
    meanwhile inherit the setting)."""
    folder = archive_root / FOLDER
    previous = os.environ.get(ENV_CACHE)
    os.environ[ENV_CACHE] = str(folder)
    try:
        yield PageCache(folder)
    finally:
        if previous is None:
            os.environ.pop(ENV_CACHE, None)
        else:
            os.environ[ENV_CACHE] = previous


__all__ = ["ENV_CACHE", "PageCache", "cache_in"]
