"""Reading and OCR as Ray tasks, for batches that outgrow one machine.

``gazette ingest PATHS --executor ray [--ray-address ADDR]`` reads every file in a Ray task;
while a task reads a scanned file, the OCR of its pages runs as tasks of their own (one per
page), so the pages of one issue spread over the cluster. A task that waits for its pages
gives its CPU back to Ray meanwhile. Results come back to this process, which stores them in
input order, in the same transactions as a local ingest: the archive's catalog is only ever
written here.

* **Where.** Without an address, a local Ray is started with this machine's cores (or
  ``cpus``) and stopped at :meth:`RayExecutor.close`; with one (``HOST:PORT``,
  ``ray://HOST:PORT``, ``auto``) the running cluster is joined. Its nodes need ``gazette``
  installed and the input files at the same paths (a shared filesystem), as the workers of a
  local Ray have; the page cache (``<archive>/ocr-cache``) is written by the workers where
  they can reach it (elsewhere it only costs time).
* **Failures.** Tasks are not retried: a task whose worker dies is that file failed (the
  reader died) or that page failed (marked on the page, the other pages kept), as locally.
* **Progress.** The tasks tell a small actor how far each file's OCR is; this process passes
  it on to :func:`ingest.ocr.pool.report` (the command line's ``OCR 3/28 issue.pdf``).
* **Ctrl-C.** The tasks in flight, and the page tasks they started, are cancelled at once
  and the interruption passed on; nothing half-read is stored.

Ray is imported here only, when this executor is chosen (the ``[ray]`` extra).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import socket
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any

from gazette.errors import MissingDependency
from gazette.model import OcrPage, SourceFile
from gazette.wording import os_error
from ingest.executors import (
    ExecutorUnavailable,
    Item,
    Prepare,
    Store,
    died,
    prepare_job,
)
from ingest.ocr import pool

#: How often this process looks for progress while it waits for a file (seconds).
POLL = 0.25
#: How long reaching a cluster's address may take before it is called unreachable (seconds).
CONNECT_TIMEOUT = 5.0
#: How many times a cluster's control service is asked before it is called no Ray.
GCS_ATTEMPTS = 1
#: Environment passed on to the tasks (the OCR engine, the page cache …).
ENV_PREFIX = "GAZETTE_"

PageWork = Callable[[pool.Job], OcrPage]


def import_ray() -> Any:
    """The ``ray`` module.

    Raises:
        MissingDependency: Ray is not installed (the ``[ray]`` extra).
    """
    try:
        return importlib.import_module("ray")
    except ImportError as exc:
        raise MissingDependency("Ray 执行器", "ray", "ray") from exc


class RayExecutor:
    """Ray tasks: a local Ray started here, or the cluster at ``address``.

    Args:
        address: a running cluster (``HOST:PORT``, ``ray://HOST:PORT`` or ``auto``); without
            one a local Ray is started (unless this process is already connected to one).
        cpus: the CPUs of a local Ray (default: every core).
        page_work: recognises one page in a task (default: :func:`ingest.ocr.pool.work`).

    Raises:
        MissingDependency: Ray is not installed.
        ExecutorUnavailable: the cluster cannot be reached, or Ray cannot start here.
    """

    name = "ray"

    def __init__(
        self,
        address: str | None = None,
        *,
        cpus: int | None = None,
        page_work: PageWork | None = None,
    ) -> None:
        self.ray = import_ray()
        self.address = address
        self.page_work: PageWork = page_work or pool.work
        self.started = False
        self._progress: Any = None
        if not self.ray.is_initialized():
            self._connect(address, cpus)
        elif address and address != "auto":
            reachable(address)  # joined already; still refuse an address nothing answers at

    def _connect(self, address: str | None, cpus: int | None) -> None:
        if address and address != "auto":
            reachable(address)
            # Something answers: if it is no Ray, say so in seconds rather than minutes.
            os.environ.setdefault("RAY_gcs_server_port_wait_time_s", str(GCS_ATTEMPTS))
        where = address or "本机"
        try:
            self.ray.init(
                address=address,
                num_cpus=cpus if not address else None,
                include_dashboard=False,
                log_to_driver=False,
                logging_level=logging.ERROR,
            )
        except Exception as exc:  # Ray's own errors: ConnectionError, RuntimeError …
            why = (
                "未找到正在运行的 Ray 集群" if address == "auto" else "该地址上不是可用的 Ray 集群"
            )
            if not address:
                why = f"本机 Ray 未能启动：{type(exc).__name__}"
            raise ExecutorUnavailable(
                f"无法连接 Ray 集群 {where}（{why}）",
                hint="请确认地址，或不加 --ray-address 在本机启动 Ray",
            ) from exc
        self.started = True

    def close(self) -> None:
        """Stop the local Ray this executor started (a joined cluster stays up)."""
        if self._progress is not None:
            with contextlib.suppress(Exception):
                self.ray.kill(self._progress)
            self._progress = None
        if self.started:
            self.started = False
            with contextlib.suppress(Exception):
                self.ray.shutdown()

    def __enter__(self) -> RayExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read_files(self, items: Sequence[Item], stage: Prepare, store: Store) -> None:
        """Read ``items`` in tasks (at most two per CPU of the cluster in flight), storing the
        results in input order."""
        if not items:
            return
        ray = self.ray
        read = _remote(ray, _read)
        progress = self._progress_actor()
        env = {k: v for k, v in os.environ.items() if k.startswith(ENV_PREFIX)}
        window = max(2, 2 * int(ray.cluster_resources().get("CPU", 1)))
        queue = deque(items)
        order: deque[tuple[Any, Item]] = deque()

        def submit_next() -> None:
            if queue:
                item = queue.popleft()
                ref = read.remote(str(item[1]), item[2], stage, env, self.page_work, progress)
                order.append((ref, item))

        try:
            for _ in range(window):
                submit_next()
            while order:
                ref, item = order[0]
                prepared = self._result(ref, item[2])
                order.popleft()
                store(*item, prepared)
                submit_next()
        except BaseException:
            _cancel(ray, [ref for ref, _ in order])
            raise
        finally:
            self._forward()

    def _result(self, ref: Any, source: SourceFile) -> Any:
        """What the task reading ``source`` gave, passing on progress while it runs."""
        ray = self.ray
        while not ray.wait([ref], timeout=POLL)[0]:
            self._forward()
        self._forward()
        try:
            return ray.get(ref)
        except ray.exceptions.RayTaskError as exc:  # the result could not be sent back
            cause = exc.cause if exc.cause is not None else exc
            return f"{type(cause).__name__}: {cause}"
        except ray.exceptions.RayError:  # its worker died (memory, a crash), its node went
            return died(source)

    def _progress_actor(self) -> Any:
        if self._progress is None:
            actor = self.ray.remote(num_cpus=0)(Progress)
            self._progress = actor.remote()
        return self._progress

    def _forward(self) -> None:
        """Pass the tasks' OCR progress on to whoever listens here."""
        if self._progress is None:
            return
        for label, done, total in self.ray.get(self._progress.take.remote()):
            pool.report(label, done, total)


class Progress:
    """The actor the tasks tell how far their OCR is (``(label, done, total)``)."""

    def __init__(self) -> None:
        self.told: list[tuple[str, int, int]] = []

    def tell(self, label: str, done: int, total: int) -> None:
        self.told.append((label, done, total))

    def take(self) -> list[tuple[str, int, int]]:
        told, self.told = self.told, []
        return told


def reachable(address: str) -> None:
    """Refuse an address nothing answers at, quickly (Ray itself would retry for a while).

    Raises:
        ExecutorUnavailable: naming the address and the reason.
    """
    text = address.split("://", 1)[-1].rstrip("/")
    host, _, port = text.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit():
        raise ExecutorUnavailable(
            f"Ray 集群地址 {address} 无法识别", hint="应为 HOST:PORT、ray://HOST:PORT 或 auto"
        )
    try:
        with socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT):
            pass
    except OSError as exc:
        reason = "连接超时" if isinstance(exc, TimeoutError) else _reason(exc)
        raise ExecutorUnavailable(
            f"无法连接 Ray 集群 {address}（{reason}）",
            hint="请确认地址，或不加 --ray-address 在本机启动 Ray",
        ) from exc


def _reason(exc: OSError) -> str:
    if isinstance(exc, socket.gaierror):
        return "主机名无法解析"
    if isinstance(exc, ConnectionRefusedError):
        return "连接被拒绝"
    return os_error(exc)


# --- in the tasks ---------------------------------------------------------------------------

_remotes: dict[Any, Any] = {}


def _remote(ray: Any, function: Callable[..., Any]) -> Any:
    """``function`` as a Ray task that is never retried (a dead worker is a failed file or
    page, not a task to run again)."""
    task = _remotes.get(function)
    if task is None:
        task = _remotes[function] = ray.remote(max_retries=0)(function)
    return task


def _read(
    path_text: str,
    source: SourceFile,
    stage: Prepare,
    env: dict[str, str],
    page_work: PageWork,
    progress: Any,
) -> Any:
    """A task: read one file, its scanned pages recognised in tasks of their own."""
    ray = importlib.import_module("ray")
    with (
        _environment(env),
        pool.pages_run_by(partial(_run_pages, ray, page_work)),
        pool.progress_to(partial(_tell, progress)),
    ):
        return prepare_job(path_text, source, stage)


def _tell(progress: Any, label: str, done: int, total: int) -> None:
    progress.tell.remote(label, done, total)


def _run_pages(
    ray: Any, page_work: PageWork, jobs: Sequence[pool.Job], on_page: Callable[[OcrPage], None]
) -> list[OcrPage]:
    """Recognise pages as tasks; ``on_page`` is called as each finishes (the page cache and
    progress). A page whose task dies comes back marked, the others are kept."""
    task = _remote(ray, _page)
    refs = [task.remote(page_work, job) for job in jobs]
    index = {ref: k for k, ref in enumerate(refs)}
    done: dict[int, OcrPage] = {}
    pending = list(refs)
    try:
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            for ref in ready:
                k = index[ref]
                try:
                    page = ray.get(ref)
                except ray.exceptions.RayError:
                    job = jobs[k]
                    page = OcrPage(job.page, *(job.size or (0.0, 0.0)), job.engine, error=pool.DIED)
                done[k] = page
                on_page(page)
    except BaseException:
        _cancel(ray, pending)
        raise
    return [done[k] for k in range(len(jobs))]


def _page(page_work: PageWork, job: pool.Job) -> OcrPage:
    """A task: recognise one page."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # Tesseract: one thread per task
    return page_work(job)


@contextlib.contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    """The driver's ``GAZETTE_*`` settings while a task runs (its worker outlives it)."""
    previous = {k: v for k, v in os.environ.items() if k.startswith(ENV_PREFIX)}
    for key in previous:
        if key not in env:
            del os.environ[key]
    os.environ.update(env)
    try:
        yield
    finally:
        for key in [k for k in os.environ if k.startswith(ENV_PREFIX)]:
            del os.environ[key]
        os.environ.update(previous)


def _cancel(ray: Any, refs: Sequence[Any]) -> None:
    """Stop tasks at once, and the tasks they started."""
    for ref in refs:
        with contextlib.suppress(Exception):
            ray.cancel(ref, force=True, recursive=True)


__all__ = ["CONNECT_TIMEOUT", "Progress", "RayExecutor", "import_ray", "reachable"]
