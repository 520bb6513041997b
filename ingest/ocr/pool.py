"""Pages recognised in a pool of processes over every core.

Each task is one page: the worker renders it from the PDF (or takes the image it is given) and
recognises it, so rendering and recognition are pipelined across the pool instead of every page
being rendered before the first is read. Results come back as pages finish; each is handed to
``on_page`` at once (the caller keeps it in the page cache and reports progress).

The pool is a few worker processes, each fed one page at a time through a pipe of its own, so
the parent always knows which page each worker holds. It lives as long as the process (models
stay loaded between files), and its workers:

* ignore SIGINT: a Ctrl-C at the terminal reaches the whole process group, and only the parent
  decides. On ``KeyboardInterrupt`` (or any other exception) the parent kills its workers at
  once instead of waiting for the pages they hold, and re-raises; no thread of the pool is
  left to wait for at exit;
* die with their parent: ``PR_SET_PDEATHSIG`` on Linux, and a watchdog thread that exits when
  the parent is gone elsewhere;
* may die themselves (a crash in a native library): the page the worker held comes back with
  an error saying so, and a new worker takes its place. One bad page never loses the others.
"""

from __future__ import annotations

import atexit
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
DIED = "the OCR process died on this page (a crash in the engine)"


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

    size = job.size or (0.0, 0.0)
    try:
        engine = get_engine(job.engine)
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
    # A handler the parent installed (a Ray driver's crash reporter) is not the worker's.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
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


class _Worker:
    """One worker process and the pipe it takes pages from, one at a time."""

    def __init__(self, context: Any) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child, os.getpid()), name="gazette-ocr", daemon=True
        )
        self.process.start()
        child.close()
        self.job: int | None = None

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.conn.close()

    def reap(self) -> None:
        with contextlib.suppress(Exception):
            self.process.join(timeout=2)


def _serve(conn: Any, parent: int) -> None:
    """A worker's loop: a job in, its page out, until the pipe closes."""
    _die_with(parent)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        conn.send(work(job))


_workers: list[_Worker] = []


def _context() -> Any:
    # Fork where there is one: workers start at once with the modules already imported, and a
    # script that calls OCR needs no ``if __name__ == "__main__"`` guard. The parent never runs
    # an engine itself while it has workers, so no engine thread is forked.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


def _ensure(count: int) -> list[_Worker]:
    """The pool's workers (kept between calls, so models stay loaded), ``count`` of them."""
    global _workers
    _workers = [w for w in _workers if w.process.is_alive()]
    while len(_workers) > count:
        _workers.pop().kill()
    context = _context()
    while len(_workers) < count:
        _workers.append(_Worker(context))
    return _workers


def shutdown() -> None:
    """Stop the pool's workers at once (they finish nothing more)."""
    global _workers
    workers, _workers = _workers, []
    for worker in workers:
        worker.kill()
    for worker in workers:
        worker.reap()


atexit.register(shutdown)


PageRunner = Callable[[Sequence[Job], Callable[[OcrPage], None]], list[OcrPage]]
_runner: PageRunner | None = None


@contextlib.contextmanager
def pages_run_by(runner: PageRunner) -> Iterator[None]:
    """Recognise pages with ``runner`` instead of this module's pool while the block runs (an
    executor that spreads pages over a cluster; see :mod:`ingest.executors`)."""
    global _runner
    previous, _runner = _runner, runner
    try:
        yield
    finally:
        _runner = previous


def run(
    jobs: Sequence[Job], *, workers: int | None = None, on_page: Callable[[OcrPage], None]
) -> list[OcrPage]:
    """Recognise pages; ``on_page`` is called for each as it finishes. Returns them in the
    order of ``jobs``. ``workers=1`` recognises them in this process; otherwise the page
    runner set by :func:`pages_run_by`, if any, runs them, else this module's pool.

    Raises:
        KeyboardInterrupt: passed on once the workers are killed.
    """
    if _runner is not None and workers != 1 and jobs:
        return _runner(jobs, on_page)
    count = min(workers or default_jobs(), max(1, len(jobs)))
    done: dict[int, OcrPage] = {}
    if count <= 1 or multiprocessing.current_process().daemon:
        for index, job in enumerate(jobs):
            done[index] = work(job)
            on_page(done[index])
        return [done[i] for i in range(len(jobs))]
    try:
        _dispatch(jobs, _ensure(count), done, on_page)
    except BaseException:
        shutdown()
        raise
    return [done[i] for i in range(len(jobs))]


def _dispatch(
    jobs: Sequence[Job],
    workers: list[_Worker],
    done: dict[int, OcrPage],
    on_page: Callable[[OcrPage], None],
) -> None:
    from multiprocessing.connection import wait

    queue = list(range(len(jobs)))[::-1]

    def give(worker: _Worker) -> None:
        if queue:
            worker.job = queue.pop()
            worker.conn.send(jobs[worker.job])
        else:
            worker.job = None

    for worker in workers:
        give(worker)
    while any(w.job is not None for w in workers):
        busy = [w for w in workers if w.job is not None]
        ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
        for worker in busy:
            index = worker.job
            assert index is not None
            page: OcrPage | None = None
            if worker.conn in ready:
                with contextlib.suppress(EOFError, OSError):
                    page = worker.conn.recv()
            elif worker.process.sentinel not in ready:
                continue
            if page is None:
                # The worker died on this page (a crash in the engine): the page is marked,
                # a new worker takes its place.
                job = jobs[index]
                page = OcrPage(job.page, 0.0, 0.0, job.engine, error=DIED)
                worker.kill()
                worker.reap()
                replacement = _Worker(_context())
                workers[workers.index(worker)] = replacement
                _workers[:] = workers
                worker = replacement
            done[index] = page
            on_page(page)
            give(worker)


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
    "DIED",
    "ENV_JOBS",
    "ENV_PROGRESS",
    "Job",
    "PageRunner",
    "default_jobs",
    "pages_run_by",
    "progress_to",
    "report",
    "run",
    "shutdown",
    "work",
]
