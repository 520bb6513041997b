"""Where the heavy work of an ingest runs: reading and parsing files, recognising pages.

The pipeline (:mod:`ingest.pipeline`) decides *what* is read and stores every result itself,
in this process and in the same transactions whatever runs the work; an executor decides
*where* the work runs:

* :meth:`Executor.read_files` reads and parses files (the pipeline's ``prepare`` stage, pure:
  no archive access) and hands each result to ``store`` in input order, so ids and the log do
  not depend on which worker finished first. A worker that dies on a file makes that file
  fail with the reason; the other files are read;
* the OCR of the scanned pages of a file runs where the executor puts it (the page runner of
  :func:`ingest.ocr.pool.run`): one task per page; a page whose worker dies comes back marked
  with the reason, the other pages are kept.

Two executors:

* :class:`LocalExecutor` — processes on this machine (the default): a pool of readers, and the
  OCR pool of :mod:`ingest.ocr.pool` for the pages of a file read here;
* :class:`~ingest.executors.cluster.RayExecutor` — Ray tasks (``gazette ingest --executor
  ray``): files are read in tasks and the pages of each scanned file spread over the cluster
  as tasks of their own. Ray is imported only when this executor is chosen (the ``[ray]``
  extra).
"""

from __future__ import annotations

import concurrent.futures as cf
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from gazette.errors import GazetteError, IngestError, InvalidArgument
from gazette.model import SourceFile
from gazette.workers import process_pool

if TYPE_CHECKING:
    from gazette.archive import Submission
    from gazette.model import OcrPage
    from ingest.ocr.pool import Job

#: One file to read: its position in the batch, its path, what :func:`identify` found.
Item = tuple[int, Path, SourceFile]
#: The stage that reads and parses one file (importable by name: it runs in workers).
Prepare = Callable[[Path, SourceFile], "Submission"]
Store = Callable[[int, Path, SourceFile, Any], None]
#: Recognises pages: ``(jobs, on_page)`` → the pages in the order of ``jobs``.
PageRunner = Callable[[Sequence["Job"], Callable[["OcrPage"], None]], list["OcrPage"]]

DIED = "读取进程意外终止（该文件可能耗尽内存或使读取程序崩溃）"
NAMES = ("local", "ray")


class Executor(Protocol):
    """Runs the reading of files and the recognition of pages somewhere."""

    name: str

    def read_files(self, items: Sequence[Item], stage: Prepare, store: Store) -> None:
        """Read ``items`` with ``stage``; call ``store(index, path, source, prepared)`` for
        each, in input order, in this process."""

    def close(self) -> None:
        """Release what the executor started (a local Ray it started, its pools)."""


def prepare_job(path_text: str, source: SourceFile, stage: Prepare) -> Any:
    """Read one file in a worker: never raises (errors are returned to the parent)."""
    try:
        return stage(Path(path_text), source)
    except IngestError as exc:
        return exc
    except GazetteError as exc:
        return IngestError(source.path, str(exc))
    except MemoryError:
        return IngestError(source.path, "读取时内存不足", hint="文件过大")
    except RecursionError:
        return IngestError(source.path, "结构嵌套过深")
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


def died(source: SourceFile) -> IngestError:
    """The failure of a file whose reader died."""
    return IngestError(source.path, DIED, hint="请单独入库该文件以便排查")


class LocalExecutor:
    """Processes on this machine: ``jobs`` readers (1 reads in this process).

    A reader that dies (killed for memory, crashed in a native library) breaks its pool: the
    pool is made again, and the files that were in flight are read again one at a time in a
    process of their own, which finds the file that kills its reader.
    """

    name = "local"

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = jobs

    def read_files(self, items: Sequence[Item], stage: Prepare, store: Store) -> None:
        jobs = self.jobs if self.jobs is not None else _default_readers()
        if jobs <= 1 or len(items) <= 1:
            for index, path, source in items:
                store(index, path, source, prepare_job(str(path), source, stage))
            return
        queue = deque(items)
        while queue:
            suspects = _run_pool(queue, jobs, stage, store)
            for index, path, source in suspects:
                store(index, path, source, _isolated(path, source, stage))

    def close(self) -> None:
        return None


def _default_readers() -> int:
    import os

    return min(4, os.cpu_count() or 1)


def _run_pool(queue: deque[Item], jobs: int, stage: Prepare, store: Store) -> list[Item]:
    """Run files from ``queue`` through a pool, storing results in input order.

    Returns the files that were in flight when a worker died (the pool is then broken), or
    an empty list when the queue was drained.
    """
    with process_pool(jobs) as pool:
        # Bounded look-ahead keeps memory flat on large batches.
        window = jobs * 2
        order: deque[tuple[cf.Future[Any], Item]] = deque()

        def submit_next() -> None:
            if queue:
                item = queue[0]
                try:
                    future = pool.submit(prepare_job, str(item[1]), item[2], stage)
                except cf.process.BrokenProcessPool:
                    return  # not taken: the next pool will
                queue.popleft()
                order.append((future, item))

        for _ in range(window):
            submit_next()
        while order:
            future, item = order[0]
            try:
                prepared = future.result()
            except cf.process.BrokenProcessPool:
                return [pending for _, pending in order]
            except Exception as exc:  # the result could not be sent back
                prepared = f"{type(exc).__name__}: {exc}"
            order.popleft()
            store(*item, prepared)
            submit_next()
    return []


def _isolated(path: Path, source: SourceFile, stage: Prepare) -> Any:
    """Read one file in a process of its own: if that process dies, the file is the cause."""
    with process_pool(1) as pool:
        try:
            return pool.submit(prepare_job, str(path), source, stage).result()
        except cf.process.BrokenProcessPool:
            return died(source)
        except Exception as exc:  # the result could not be sent back
            return f"{type(exc).__name__}: {exc}"


def executor_named(
    name: str | None, *, jobs: int | None = None, address: str | None = None
) -> Executor:
    """The executor of that name (``local``, the default, or ``ray``).

    For Ray, ``address`` names a running cluster (``HOST:PORT``, ``ray://HOST:PORT`` or
    ``auto``); without one a local Ray is started with ``jobs`` CPUs (default: every core).

    Raises:
        InvalidArgument: an unknown name, or an address given for the local executor.
        MissingDependency: Ray is chosen and not installed (the ``[ray]`` extra).
        ExecutorUnavailable: the Ray cluster cannot be reached or started.
    """
    chosen = (name or "local").strip().lower()
    if chosen == "local":
        if address:
            raise InvalidArgument(
                "--ray-address 只用于 Ray 执行器", hint="请同时给出 --executor ray"
            )
        return LocalExecutor(jobs)
    if chosen == "ray":
        from ingest.executors.cluster import RayExecutor

        return RayExecutor(address=address, cpus=jobs)
    raise InvalidArgument(f"没有“{chosen}”这一执行器", hint=f"可选：{'、'.join(NAMES)}")


class ExecutorUnavailable(GazetteError):
    """The executor chosen cannot run (a cluster that cannot be reached)."""


__all__ = [
    "DIED",
    "NAMES",
    "Executor",
    "ExecutorUnavailable",
    "Item",
    "LocalExecutor",
    "PageRunner",
    "Prepare",
    "Store",
    "died",
    "executor_named",
    "prepare_job",
]
