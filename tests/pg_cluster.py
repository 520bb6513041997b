"""A throwaway PostgreSQL server for tests and benchmarks.

:func:`server` gives a :class:`Server`: the one ``$GAZETTE_TEST_PG`` names (a DSN of a
database on a server where its user may create databases), or a new cluster made with
Debian's ``postgresql`` package (``initdb`` and ``pg_ctl`` from ``/usr/lib/postgresql/*/bin``,
or ``$GAZETTE_PG_BIN``) in a temporary directory, listening only on a Unix socket there, with
durability off (``fsync``, ``synchronous_commit``: the data is thrown away). PostgreSQL refuses
to run as root: as root the cluster belongs to the ``postgres`` system user that the package
creates (or, without it, to a system user ``gazette-pg`` made with ``useradd``), and its
programs run as that user. :func:`unavailable` says why no server can be had (the tests skip
with that reason, or fail with it when ``$GAZETTE_TEST_PG_REQUIRED`` is set, as in CI).

Each test gets its own database: :meth:`Server.create_database` copies ``template1``.
Benchmarks add ``--durable`` with :func:`add_durable_argument` and get their server from
:func:`benchmark_server`.

    python -m tests.pg_cluster        # start one, print its DSN, stop it on Enter
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ENV_SERVER = "GAZETTE_TEST_PG"
ENV_BIN = "GAZETTE_PG_BIN"
# Set (as .ci/run does) to make the tests fail rather than skip when no server can be had.
ENV_REQUIRED = "GAZETTE_TEST_PG_REQUIRED"
_SUPERUSER = "gazette"
_FALLBACK_OWNER = "gazette-pg"
_SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "128MB",
    "work_mem": "16MB",
}


def find_bin() -> Path | None:
    """The directory of ``initdb`` and ``pg_ctl`` (the newest Debian version installed)."""
    given = os.environ.get(ENV_BIN)
    if given:
        return Path(given) if (Path(given) / "initdb").exists() else None
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1].parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _owner() -> pwd.struct_passwd | None:
    """The user the cluster runs as: ourselves, or (as root) an unprivileged system user."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", _FALLBACK_OWNER):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    useradd = shutil.which("useradd")
    if useradd is None:
        raise RuntimeError("running as root, and no postgres user nor useradd to make one")
    subprocess.run(
        [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", _FALLBACK_OWNER],
        check=True,
        capture_output=True,
    )
    return pwd.getpwnam(_FALLBACK_OWNER)


class Server:
    """A PostgreSQL server the tests may create databases on.

    Args:
        dsn: a DSN of a database on it, whose user may ``CREATE DATABASE``.
    """

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    def dsn_for(self, dbname: str) -> str:
        """The DSN of another database on the same server, as the same user."""
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        params: dict[str, Any] = conninfo_to_dict(self.dsn)
        params["dbname"] = dbname
        return make_conninfo(**params)

    def _admin(self) -> Any:
        import psycopg

        return psycopg.connect(self.dsn, autocommit=True, connect_timeout=10)

    def create_database(self, prefix: str = "gazette_test") -> str:
        """A new empty database; returns its DSN."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template1')
        return self.dsn_for(name)

    def drop_database(self, dsn: str) -> None:
        """Drop a database made by :meth:`create_database` (its connections are ended)."""
        from psycopg.conninfo import conninfo_to_dict

        name = conninfo_to_dict(dsn)["dbname"]
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @contextlib.contextmanager
    def database(self, prefix: str = "gazette_test") -> Iterator[str]:
        """A new database for the length of a block."""
        dsn = self.create_database(prefix)
        try:
            yield dsn
        finally:
            self.drop_database(dsn)

    def stop(self) -> None:
        """Nothing to stop for a server this process did not start."""


def durable(server: Server) -> bool:
    """Turn durability on (``fsync``, ``synchronous_commit``, ``full_page_writes``, as a
    server keeping real data runs) in a cluster this process started; returns whether it
    could (a server ``$GAZETTE_TEST_PG`` names keeps its own settings)."""
    if not isinstance(server, Cluster):
        return False
    with server._admin() as conn:
        for name in ("fsync", "synchronous_commit", "full_page_writes"):
            conn.execute(f"ALTER SYSTEM SET {name} = on")
        conn.execute("SELECT pg_reload_conf()")
    return True


def add_durable_argument(parser: argparse.ArgumentParser) -> None:
    """A benchmark's ``--durable`` flag: durability on in the throwaway cluster."""
    parser.add_argument(
        "--durable",
        action="store_true",
        help="run the throwaway cluster with fsync and synchronous_commit on, as a server"
        " keeping real data does (the default leaves them off: the data is thrown away)",
    )


def benchmark_server(durability: bool) -> Server:
    """:func:`server` for a benchmark, with durability on when ``durability`` (the flag of
    :func:`add_durable_argument`), saying which durability it runs with (stop it when done)."""
    found = server()
    if durability:
        print(
            "durability on (fsync, synchronous_commit)"
            if durable(found)
            else "durability: as the server named by $GAZETTE_TEST_PG is set"
        )
    return found


class Cluster(Server):
    """A cluster this process made and runs (see the module docstring)."""

    def __init__(self, bindir: Path, root: Path | None = None) -> None:
        self.bindir = bindir
        self.owner = _owner()
        # A given root is kept: its cluster is reused by the next start and not deleted.
        self.kept = root is not None
        if root is not None:
            root.mkdir(parents=True, exist_ok=True)
        self.root = root if root is not None else Path(tempfile.mkdtemp(prefix="gazette-pg-"))
        self.data = self.root / "data"
        self.socket = self.root
        self.log = self.root / "server.log"
        if self.owner is not None:
            os.chown(self.root, self.owner.pw_uid, self.owner.pw_gid)
        self.started = False
        super().__init__(f"host={self.socket} dbname=postgres user={_SUPERUSER}")

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        kwargs: dict[str, Any] = {}
        if self.owner is not None:
            kwargs = {"user": self.owner.pw_uid, "group": self.owner.pw_gid, "extra_groups": []}
        env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
        if self.owner is not None:
            env["HOME"] = str(self.root)
        return subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            cwd=self.root,
            env=env,
            timeout=120,
            **kwargs,
        )

    def start(self) -> Cluster:
        if not (self.data / "PG_VERSION").exists():
            self._initdb()
        options = " ".join(f"-c {k}={v}" for k, v in _SETTINGS.items())
        started = self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "-o",
            f"-k {self.socket} {options}",
            "start",
        )
        if started.returncode != 0:
            tail = self.log.read_text(errors="replace")[-500:] if self.log.exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {started.stderr.strip()} {tail}")
        self.started = True
        return self

    def _initdb(self) -> None:
        made = self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            _SUPERUSER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        if made.returncode != 0:
            raise RuntimeError(f"initdb failed: {(made.stderr or made.stdout).strip()[-500:]}")

    def stop(self) -> None:
        """Stop the server and delete its files (unless its root was given: kept)."""
        if self.started:
            mode = "fast" if self.kept else "immediate"
            self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")
            self.started = False
        if not self.kept:
            shutil.rmtree(self.root, ignore_errors=True)


def unavailable() -> str | None:
    """Why no PostgreSQL server can be had for tests (``None`` when one can)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install 'gazette[postgres]')"
    if os.environ.get(ENV_SERVER):
        return None
    if find_bin() is None:
        return (
            f"no PostgreSQL server: set {ENV_SERVER} to a DSN, or install Debian's postgresql"
            " package (initdb and pg_ctl)"
        )
    return None


def server(root: Path | None = None) -> Server:
    """The server ``$GAZETTE_TEST_PG`` names, else a new cluster (stop it when done); with
    ``root``, the cluster in that directory (made there the first time, kept when stopped).

    Raises:
        RuntimeError: no server can be had (the message says why).
    """
    reason = unavailable()
    if reason is not None:
        raise RuntimeError(reason)
    given = os.environ.get(ENV_SERVER)
    if given:
        found = Server(given)
        with found._admin():
            pass
        return found
    bindir = find_bin()
    assert bindir is not None
    cluster = Cluster(bindir, root)
    try:
        return cluster.start()
    except BaseException:
        cluster.stop()
        raise


if __name__ == "__main__":  # pragma: no cover - a manual aid
    running = server()
    print(running.dsn)
    try:
        input("running; press Enter to stop ")
    finally:
        running.stop()
