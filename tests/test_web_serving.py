"""Several server processes: connections spread evenly over them, each answers as one."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("uvicorn")

from gazette.web.serving import should_accept


@pytest.mark.parametrize(
    ("counts", "me", "takes"),
    [
        ([0, 0], 0, True),  # a tie: either may take it
        ([0, 0], 1, True),
        ([1, 0], 0, False),  # the other holds fewer
        ([1, 0], 1, True),
        ([3, 3, 2], 0, False),
        ([3, 3, 2], 2, True),
        ([5], 0, True),  # alone
    ],
)
def test_a_process_takes_a_connection_only_when_no_other_holds_fewer(counts, me, takes):
    assert should_accept(counts, me) is takes


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(c) for c in found]


def _ask(conn: http.client.HTTPConnection, times: int) -> None:
    for _ in range(times):
        conn.request("GET", "/search?q=%E9%80%9A%E7%9F%A5")
        response = conn.getresponse()
        response.read()
        assert response.status == 200


def _serving(pid: int, root: Path) -> list[int]:
    """The server processes under ``pid`` that have the archive open."""
    out = []
    for child in _children(pid):
        with contextlib.suppress(OSError):
            if any(
                os.readlink(fd).startswith(str(root)) for fd in Path(f"/proc/{child}/fd").iterdir()
            ):
                out.append(child)
    return out


def _established(pid: int, port: int) -> int:
    """Connections to ``port`` (on the server's side) that process ``pid`` holds."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].split(":")[1], 16)
        if local_port == port and fields[3] == "01":  # ESTABLISHED
            inodes.add(fields[9])
    held = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        found = re.fullmatch(r"socket:\[(\d+)\]", target)
        if found and found.group(1) in inodes:
            held += 1
    return held


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux's /proc")
def test_keep_alive_connections_spread_evenly_over_the_server_processes(web_archive):
    from tests.conftest import ROOT

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = ["-m", "gazette", "--archive", str(web_archive.root), "serve", "--workers", "2"]
    process = subprocess.Popen(
        [sys.executable, *command, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    connections: list[http.client.HTTPConnection] = []
    try:
        assert process.stdout is not None
        port = int(re.search(r":(\d+)/", process.stdout.readline()).group(1))  # type: ignore[union-attr]
        # Both processes ready: each has opened the archive and warmed its index.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(_serving(process.pid, web_archive.root)) < 2:
            time.sleep(0.2)
        assert len(_serving(process.pid, web_archive.root)) == 2
        # Eight clients starting together, as a load does, each sending its next request when
        # the last is answered. Processes that accept greedily put most of them on one
        # process; a machine busy with other work may hold a process back long enough
        # (PATIENCE) for another to take one more: three tries.
        spreads = []
        for _ in range(3):
            time.sleep(1)  # the processes see each other's closed connections
            connections[:] = [
                http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(8)
            ]
            threads = [threading.Thread(target=_ask, args=(conn, 5)) for conn in connections]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            serving = _serving(process.pid, web_archive.root)
            spreads.append(sorted(_established(pid, port) for pid in serving))
            for conn in connections:
                conn.close()
            if spreads[-1] == [4, 4]:
                break
        assert spreads[-1] == [4, 4], spreads
    finally:
        for conn in connections:
            conn.close()
        process.terminate()
        process.wait(timeout=30)
    assert process.returncode is not None
