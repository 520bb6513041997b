"""Pages recognised in a pool of processes over every core.

Each task is one page: the worker renders it from the PDF (or takes the image it is given) and
recognises it, so rendering and recognition are pipelined across the pool instead of every page
being rendered before the first is read. Results come back as pages finish; each is handed to
``on_page`` at once (the caller keeps it in the page cache and reports progress).

The pool lives as long as the process (models stay loaded between files) and its workers:

* ignore SIGINT: a Ctrl-C at the terminal reaches the whole process group, and only the parent
  decides. On ``KeyboardInterrupt`` (or any other exception) the parent kills its workers at
  once instead of waiting for the pages they hold, and re-raises;
* die with their parent: ``PR_SET_PDEATHSIG`` on Linux, and a watchdog thread that exits when
  the parent is gone elsewhere;
* may die themselves (a crash in a native library): the pool is rebuilt, the pages that were in
  flight are recognised again one at a time, and a page that kills its worker again comes back
  with an error saying so. One bad page never loses the others.
"""

from __future__ import annotations

import atexit
import concurrent.futures as cf
import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import attrs

from gazette.model import OcrPage
from ingest.ocr.engines import get_engine

ENV_JOBS = "GAZETTE_OCR_JOBS"
ENV_PROGRESS = "GAZETTE_OCR_PROGRESS"
_DIED = "the OCR process died on this page (a crash in the engine)"


@attrs.frozen
class Job:
    """One page to recognise: from a PDF (``path`` and ``page``) or an image."""

    page: int
    dpi: int
    engine: str
    path: str | None = None
    image: Any = attrs.field(default=None, eq=False)
    size: tuple[float, float] | None = None


def default_jobs() -> int:
    """Worker processes: ``$GAZETTE_OCR_JOBS``, else one per core."""
    value = os.environ.get(ENV_JOBS, "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    return os.cpu_count() or 1


# --- the worker side ------------------------------------------------------------------------

_documents: dict[str, Any] = {}


def _render(path: str, page: int, dpi: int) -> tuple[Any, tuple[float, float]]:
    import numpy as np
    import pypdfium2 as pdfium

    document = _documents.get(path)
    if document is None:
        for old in _documents.values():
            old.close()
        _documents.clear()
        document = _documents[path] = pdfium.PdfDocument(path)
    handle = document[page - 1]
    try:
        size = handle.get_size()
        bitmap = handle.render(scale=dpi / 72, grayscale=True)
        image = np.asarray(bitmap.to_pil().convert("L"))
        return image, (float(size[0]), float(size[1]))
    finally:
        handle.close()


def work(job: Job) -> OcrPage:
    """Recognise one page (never raises: a failure is the page's ``error``)."""
    from ingest.ocr.pages import recognise_image

    engine = get_engine(job.engine)
    size = job.size or (0.0, 0.0)
    try:
        if job.path is not None:
            image, size = _render(job.path, job.page, job.dpi)
        else:
            image = job.image
        return recognise_image(
            image, number=job.page, dpi=job.dpi, engine=engine, size=size if any(size) else None
        )
    except MemoryError:
        return OcrPage(job.page, *size, engine=job.engine, error="out of memory on this page")
    except Exception as exc:  # a page the engine or the renderer cannot take
        return OcrPage(job.page, *size, engine=job.engine, error=f"{type(exc).__name__}: {exc}")


def _die_with(parent: int) -> None:
    """Worker start-up: leave SIGINT to the parent, and never outlive it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # Tesseract: one thread per process
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)  # the parent died before this line

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


# --- the parent side ------------------------------------------------------------------------

_pool: tuple[int, cf.ProcessPoolExecutor] | None = None


def _executor(workers: int) -> cf.ProcessPoolExecutor:
    global _pool
    if _pool is not None and _pool[0] == workers:
        return _pool[1]
    shutdown()
    # Fork where there is one: workers start at once with the modules already imported, and a
    # script that calls OCR needs no ``if __name__ == "__main__"`` guard. The parent never runs
    # an engine itself while it has a pool, so no engine thread is forked.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    executor = cf.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_die_with,
        initargs=(os.getpid(),),
    )
    _pool = (workers, executor)
    return executor


def _kill(executor: cf.ProcessPoolExecutor) -> None:
    processes = list(getattr(executor, "_processes", {}).values())
    for process in processes:
        with contextlib.suppress(Exception):
            process.kill()
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(timeout=2)


def shutdown() -> None:
    """Stop the pool (its workers finish nothing more)."""
    global _pool
    if _pool is not None:
        _, executor = _pool
        _pool = None
        _kill(executor)


atexit.register(shutdown)


def run(
    jobs: Sequence[Job], *, workers: int | None = None, on_page: Callable[[OcrPage], None]
) -> list[OcrPage]:
    """Recognise pages; ``on_page`` is called for each as it finishes. Returns them in the
    order of ``jobs``.

    Raises:
        KeyboardInterrupt: passed on once the workers are killed.
    """
    workers = min(workers or default_jobs(), max(1, len(jobs)))
    done: dict[int, OcrPage] = {}
    if workers <= 1 or multiprocessing.current_process().daemon:
        for index, job in enumerate(jobs):
            done[index] = work(job)
            on_page(done[index])
        return [done[i] for i in range(len(jobs))]
    pending = list(range(len(jobs)))
    while pending:
        pending = _round(jobs, pending, workers, done, on_page)
        workers = 1  # after a worker died: one page at a time finds the page that kills it
    return [done[i] for i in range(len(jobs))]


def _round(
    jobs: Sequence[Job],
    pending: list[int],
    workers: int,
    done: dict[int, OcrPage],
    on_page: Callable[[OcrPage], None],
) -> list[int]:
    """Run ``pending`` jobs through the pool; returns those left when a worker died."""
    executor = _executor(workers)
    futures: dict[cf.Future[OcrPage], int] = {}
    try:
        for index in pending:
            futures[executor.submit(work, jobs[index])] = index
        for future in cf.as_completed(futures):
            index = futures[future]
            try:
                page = future.result()
            except cf.process.BrokenProcessPool:
                shutdown()
                left = sorted(i for i in futures.values() if i not in done)
                if workers == 1 and left:
                    # Alone in the pool: this page is what kills the worker.
                    job = jobs[left[0]]
                    done[left[0]] = OcrPage(job.page, 0.0, 0.0, job.engine, error=_DIED)
                    on_page(done[left[0]])
                    left = left[1:]
                return left
            done[index] = page
            on_page(page)
    except BaseException:
        shutdown()
        raise
    return []


# --- progress -------------------------------------------------------------------------------

ProgressFn = Callable[[str, int, int], None]
_progress: ProgressFn | None = None


@contextlib.contextmanager
def progress_to(callback: ProgressFn) -> Iterator[None]:
    """Report ``(label, pages done, pages in all)`` to ``callback`` while the block runs."""
    global _progress
    previous, _progress = _progress, callback
    try:
        yield
    finally:
        _progress = previous


def report(label: str, done: int, total: int) -> None:
    """Tell whoever listens how far the OCR of ``label`` is (``OCR 12/28 label`` on stderr
    when ``$GAZETTE_OCR_PROGRESS`` is set and no callback is)."""
    if _progress is not None:
        _progress(label, done, total)
    elif os.environ.get(ENV_PROGRESS):
        print(f"OCR {done}/{total} {label}", file=sys.stderr, flush=True)


__all__ = [
    "ENV_JOBS",
    "ENV_PROGRESS",
    "Job",
    "default_jobs",
    "progress_to",
    "report",
    "run",
    "shutdown",
    "work",
]
