"""The stored texts the PostgreSQL engine keeps between searches, and reads ahead.

A search that ranks by the stored text of hundreds of documents (BM25 counted in the text,
FTS5's ``bm25()`` over a window, the words as written) reads them through :class:`Texts`: one
:class:`~gazette.search.text_cache.TextCache` per generation, as the SQLite engine keeps its
own, safe to share between the threads of a web server. A filtered search starts reading its
newest candidates' texts on a spare connection while it goes on (see
:meth:`Texts.read_ahead`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from gazette.search.base import Generation
from gazette.search.text_cache import TextCache

if TYPE_CHECKING:
    from gazette.search.pg_engine import PgIndex

# Texts read ahead only when there are at least this many to read.
AHEAD_MIN = 32


class Texts:
    """The stored texts an index keeps between searches (one :class:`TextCache` per
    generation), safe to share between threads: the database is read outside the lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: tuple[Generation, TextCache] | None = None
        self._ahead: ThreadPoolExecutor | None = None

    def drop(self) -> None:
        with self._lock:
            self._kept = None

    def close(self) -> None:
        """Wait for the texts being read ahead (before the pool they use closes)."""
        with self._lock:
            ahead, self._ahead = self._ahead, None
        if ahead is not None:
            ahead.shutdown(wait=True)

    def read_ahead(
        self, index: PgIndex, gen: Generation, nums: Sequence[int]
    ) -> Future[None] | None:
        """Start reading the texts of ``nums`` on a connection of their own, while the search
        goes on in its snapshot; ``None`` when there is little to read or no connection free
        at once. A number's stored text never changes, so any snapshot reads the same; one
        removed meanwhile is not kept, and the search reads it in its own."""
        missing = self._missing(gen, nums)
        if len(missing) < AHEAD_MIN:
            return None
        conn = index._spare_connection()
        if conn is None:
            return None
        with self._lock:
            if self._ahead is None:
                self._ahead = ThreadPoolExecutor(2, thread_name_prefix="gazette-texts")
            return self._ahead.submit(self._read, index, conn, gen, missing)

    def _read(self, index: PgIndex, conn: Any, gen: Generation, nums: list[int]) -> None:
        try:
            read = index._read_texts(nums, conn)
        except Exception:  # read ahead only: the search reads what is missing
            return
        finally:
            index._return_connection(conn)
        with self._lock:
            if self._kept is not None and self._kept[0] is gen:
                self._kept[1].texts(nums, lambda wanted: {n: read[n] for n in wanted if n in read})

    def _cache(self, gen: Generation) -> TextCache:
        kept = self._kept
        if kept is None or kept[0] is not gen:
            kept = (gen, TextCache())
            self._kept = kept
        return kept[1]

    def holds(self, gen: Generation, nums: Sequence[int]) -> bool:
        with self._lock:
            cache = self._cache(gen)
            return all(n in cache for n in nums)

    def _missing(self, gen: Generation, nums: Sequence[int]) -> list[int]:
        with self._lock:
            cache = self._cache(gen)
            return [n for n in nums if n not in cache]

    def texts(
        self, index: PgIndex, gen: Generation, nums: Sequence[int]
    ) -> dict[int, tuple[str, str, str]]:
        """(title, body, restricted) of each of ``nums`` that has a stored text."""
        read = index._read_texts(self._missing(gen, nums))
        with self._lock:
            return self._cache(gen).texts(nums, _reader(index, read))

    def counted(
        self,
        index: PgIndex,
        gen: Generation,
        nums: Sequence[int],
        tokens: Sequence[str],
        public_only: bool,
    ) -> dict[int, Any]:
        """What :func:`gazette.search.scoring.bm25_counted` needs of each of ``nums``."""
        read = index._read_texts(self._missing(gen, nums))
        with self._lock:
            return self._cache(gen).counted(nums, tokens, public_only, _reader(index, read))


def _reader(index: PgIndex, read: dict[int, tuple[str, str, str]]) -> Any:
    """A reader for the cache: what was read before taking the lock, and the database for
    what another thread's search pushed out of the cache meanwhile."""

    def reader(nums: list[int]) -> dict[int, tuple[str, str, str]]:
        out = {n: read[n] for n in nums if n in read}
        rest = [n for n in nums if n not in read]
        if rest:
            out.update(index._read_texts(rest))
        return out

    return reader


__all__ = ["AHEAD_MIN", "Texts"]
