"""Worker processes that do not outlive the process that started them.

A pool's workers are forked: each holds copies of the pool's pipes (so one reading its task
pipe never sees it close) and of the parent's open files (the catalog among them). If the
parent is killed (SIGKILL, the OOM killer), nothing tells them to stop: a worker blocked
writing its result, or waiting for a task, would wait for ever. So every worker asks the
kernel to kill it when its parent dies (``PR_SET_PDEATHSIG`` on Linux) and, where that is not
available or as a second line, watches its parent from a thread and exits when it is gone.

Use :func:`process_pool` wherever a pool of worker processes is needed.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from multiprocessing.context import BaseContext

_PR_SET_PDEATHSIG = 1
#: How often a worker looks whether its parent is still there (seconds).
WATCH_INTERVAL = 0.5


def process_pool(jobs: int, mp_context: BaseContext | None = None) -> cf.ProcessPoolExecutor:
    """A process pool whose workers exit when this process dies."""
    return cf.ProcessPoolExecutor(
        max_workers=jobs, mp_context=mp_context, initializer=adopt, initargs=(os.getpid(),)
    )


def adopt(parent: int) -> None:
    """Run in a new worker: die with ``parent`` (a pool's initializer)."""
    _death_signal()
    if os.getppid() != parent:  # the parent died before this ran
        os._exit(1)
    watcher = threading.Thread(target=_watch, args=(parent,), name="parent-watch", daemon=True)
    watcher.start()


def _death_signal() -> None:
    """Ask the kernel for SIGKILL when the parent dies (Linux; elsewhere nothing)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _watch(parent: int) -> None:
    while True:
        time.sleep(WATCH_INTERVAL)
        if os.getppid() != parent:
            os._exit(1)


__all__ = ["WATCH_INTERVAL", "adopt", "process_pool"]
