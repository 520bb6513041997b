"""Several server processes on one socket, each connection given to the least busy of them.

Processes that all accept from one listening socket take connections as they come: the
first to wake up accepts everything waiting, so eight keep-alive connections arriving
together often end up seven on one process and one on the other. Each process runs its
requests on one core (the interpreter's lock), so the busy one answers seven clients at half
the machine's speed while the other idles, and the slowest answers take twice as long as
they need to. Here every process counts its open connections in a table they share, and a
process accepts a waiting connection only when no other one holds fewer (or when the
connection has waited :data:`PATIENCE` seconds: the others are busy or gone). The
connections then spread evenly, and each is served by uvicorn as usual.

A small supervisor starts the processes, says when all of them serve, starts a new one in
place of one that died, and stops them all when it is interrupted (SIGINT, SIGTERM).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import multiprocessing
import signal
import socket
import time
from collections.abc import Callable, Sequence
from typing import Any

import uvicorn

#: Seconds a connection waits for the process with the fewest connections to take it before
#: any process does.
PATIENCE = 0.1
#: Seconds between looks at the table while another process should take the connection.
GLANCE = 0.001
#: What the table holds for a process that is starting: it takes no connection yet.
STARTING = 2**30


def should_accept(counts: Sequence[int], me: int) -> bool:
    """Whether process ``me`` takes a waiting connection: none of the others holds fewer."""
    mine = counts[me]
    return all(mine <= n for i, n in enumerate(counts) if i != me)


class BalancedServer(uvicorn.Server):
    """A uvicorn server that accepts from the shared sockets itself, one connection at a
    time, when :func:`should_accept` says so; the connections are uvicorn's own."""

    def __init__(self, config: uvicorn.Config, counts: Any, index: int) -> None:
        super().__init__(config)
        self.counts = counts
        self.index = index
        self._accepting: list[asyncio.Task[None]] = []

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=[])  # the lifespan, no listeners of uvicorn's
        factory = functools.partial(
            self.config.http_protocol_class,  # type: ignore[call-arg]
            config=self.config,
            server_state=self.server_state,
            app_state=self.lifespan.state,
        )
        for sock in sockets or []:
            sock.setblocking(False)
            self._accepting.append(asyncio.create_task(self._accept(sock, factory)))
        self._count()  # ready: connections may come here

    def _count(self) -> None:
        self.counts[self.index] = len(self.server_state.connections)

    async def on_tick(self, counter: int) -> bool:
        self._count()  # connections closed since the last accept
        return await super().on_tick(counter)

    async def _accept(self, sock: socket.socket, factory: Any) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await _readable(loop, sock)
            waited = time.monotonic()
            self._count()
            while not should_accept(self.counts, self.index):
                if time.monotonic() - waited > PATIENCE:
                    break
                await asyncio.sleep(GLANCE)
                self._count()
            try:
                conn, _ = sock.accept()
            except (BlockingIOError, InterruptedError):
                continue  # another process took it
            except OSError:
                await asyncio.sleep(0.1)  # out of file descriptors: let some close first
                continue
            conn.setblocking(False)
            with contextlib.suppress(OSError):
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                await loop.connect_accepted_socket(factory, conn)
            except OSError:  # the client went away already
                conn.close()
            self._count()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for task in self._accepting:
            task.cancel()
        await super().shutdown(sockets=sockets)


async def _readable(loop: asyncio.AbstractEventLoop, sock: socket.socket) -> None:
    ready = loop.create_future()
    fd = sock.fileno()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(fd, wake)
    try:
        await ready
    finally:
        loop.remove_reader(fd)


def _worker(options: dict[str, Any], sock: socket.socket, counts: Any, index: int) -> None:
    config = uvicorn.Config("gazette.web:worker_app", factory=True, **options)
    BalancedServer(config, counts, index).run(sockets=[sock])


def supervise(
    sock: socket.socket, workers: int, options: dict[str, Any], ready: Callable[[], Any]
) -> None:
    """Run ``workers`` processes of :class:`BalancedServer` on ``sock`` until SIGINT or
    SIGTERM (``options``: keywords of ``uvicorn.Config``); ``ready()`` is called once every
    process serves (each has warmed its archive)."""
    spawn = multiprocessing.get_context("spawn")
    counts = spawn.Array("i", workers, lock=False)
    stopping = False

    def stop(*_: Any) -> None:
        nonlocal stopping
        stopping = True

    def start(index: int) -> Any:
        counts[index] = STARTING
        process = spawn.Process(
            target=_worker, args=(options, sock, counts, index), name=f"gazette-web-{index}"
        )
        process.start()
        return process

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    processes = [start(i) for i in range(workers)]
    announced = False
    try:
        while not stopping:
            if not announced and STARTING not in counts[:]:
                announced = True
                ready()
            time.sleep(0.2 if announced else 0.05)
            for i, process in enumerate(processes):
                if not stopping and not process.is_alive():
                    processes[i] = start(i)
    finally:
        for process in processes:
            process.terminate()
        deadline = time.monotonic() + 30
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        for s, handler in previous.items():
            signal.signal(s, handler)


__all__ = ["PATIENCE", "BalancedServer", "should_accept", "supervise"]
