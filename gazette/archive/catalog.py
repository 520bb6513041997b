"""The catalog: one database connection, the write lock, transactions and the event log.

The catalog is a SQLite file (``catalog.sqlite``) or a PostgreSQL database (the archive
directory's ``catalog.json`` names it; see :mod:`gazette.archive.pg_catalog`).

Writes take the write lock (a ``flock`` on ``write.lock``; on PostgreSQL an advisory lock of
the database, which writers on several machines share; re-entrant within one object), run in
one transaction, are sealed (see :mod:`gazette.archive.integrity`) and leave nothing
behind when they fail. What the archive does when it takes the lock (clean what a dead writer
left, let the index catch up) and after each commit (let the index catch up) are hooks the
:class:`~gazette.archive.Archive` sets: the catalog knows nothing of the index.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from gazette.archive import dbapi, integrity, reads, tables
from gazette.archive.schema import migrate
from gazette.errors import ArchiveBusy, ArchiveError, CatalogDamaged, CatalogError

_REPLAY_WAIT = 600.0  # seconds a process waits for another catching the index up


def _nothing() -> None:
    return None


class Catalog:
    """The archive's catalog (``catalog.sqlite``, or the PostgreSQL database ``dsn`` names)
    and its write lock.

    Attributes:
        root: the archive directory (the lock file lives there).
        path: the catalog file (for PostgreSQL: the DSN, without password, as a name).
        dsn: the PostgreSQL catalog's DSN (``None``: SQLite).
        conn: the connection (autocommit; :meth:`transaction` opens the transactions).
        actor: who acts, for the log.
        lock_timeout: seconds a write waits for another writer.
        found_version: the schema version the catalog had when opened (0: new).
        on_lock: called when the lock is taken (outermost level only).
        after_commit: called after each commit of :meth:`transaction`.
        after_unlock: called when :meth:`writing` has let the lock go (outermost level).
        on_tidy: called by :meth:`tidy` while the lock is held.
    """

    def __init__(
        self, root: Path, *, actor: str, lock_timeout: float, dsn: str | None = None
    ) -> None:
        self.root = root
        self.dsn = dsn
        self.path: Path | str = root / "catalog.sqlite"
        self.actor = actor
        self.lock_timeout = lock_timeout
        self.on_lock: Callable[[], None] = _nothing
        self.after_commit: Callable[[], None] = _nothing
        self.on_tidy: Callable[[], None] = _nothing
        self.after_unlock: Callable[[], None] = _nothing
        self._lock_depth = 0
        if dsn is not None:
            self._open_postgres(dsn)
            return
        try:
            self.conn: Any = self._connect(root / "catalog.sqlite")
            self.found_version = migrate(self.conn, str(self.path))
            integrity.install(self.conn)
        except sqlite3.DatabaseError as exc:
            raise CatalogDamaged(self.path, str(exc)) from exc

    def _open_postgres(self, dsn: str) -> None:
        from gazette.archive import pg_catalog
        from gazette.search.pg_schema import masked

        self.path = masked(dsn)
        try:
            self.conn = pg_catalog.connect(dsn, self.path, lock_timeout=self.lock_timeout)
            try:
                self.found_version = pg_catalog.migrate(self.conn, self.path)
                integrity.install(self.conn)
            except BaseException:
                self.conn.close()
                raise
        except dbapi.BackendError as exc:
            raise self.error(exc) from exc

    @property
    def postgres(self) -> bool:
        """Whether the catalog is a PostgreSQL database."""
        return self.dsn is not None

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        conn = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA busy_timeout = 30000")
        return conn

    def close(self) -> None:
        self.conn.close()

    @property
    def locked(self) -> bool:
        """Whether this object holds the write lock now."""
        return self._lock_depth > 0

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the archive's write lock (re-entrant within this object).

        Raises:
            ArchiveBusy: another process kept the lock longer than ``lock_timeout``.
        """
        if self._lock_depth:
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
            return
        if self.postgres:
            with self._advisory_lock():
                yield
            self.after_unlock()
            return
        lock_path = self.root / "write.lock"
        handle = open(lock_path, "a+")  # noqa: SIM115 - held for the duration of the block
        deadline = time.monotonic() + self.lock_timeout
        pause = 0.001
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or None
                    handle.close()
                    raise ArchiveBusy(self.root, holder) from None
                # A writer holds the lock for one file's transaction (milliseconds): look
                # again soon, then less often.
                time.sleep(pause)
                pause = min(pause * 2, 0.05)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} on {socket.gethostname()}")
        handle.flush()
        self._lock_depth = 1
        try:
            self.on_lock()
            yield
            self._seal_stray_writes()
        finally:
            self._lock_depth = 0
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            handle.close()
        self.after_unlock()

    @contextlib.contextmanager
    def _advisory_lock(self) -> Iterator[None]:
        """The PostgreSQL catalog's write lock: a session advisory lock of the database."""
        from gazette.archive.pg_catalog import WRITE_LOCK

        # Wait in the server (the lock passes to the next writer at once), at most the
        # connection's lock_timeout.
        try:
            self.conn.execute("SELECT pg_advisory_lock(?)", (WRITE_LOCK,))
        except dbapi.BackendError as exc:
            if exc.sqlstate == "55P03":  # lock_not_available
                raise ArchiveBusy(self.root, self._lock_holder()) from None
            raise self.error(exc) from exc
        self._lock_depth = 1
        try:
            self.on_lock()
            yield
            self._seal_stray_writes()
        finally:
            self._lock_depth = 0
            with contextlib.suppress(*dbapi.ERRORS):
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                self.conn.execute("SELECT pg_advisory_unlock(?)", (WRITE_LOCK,))

    @contextlib.contextmanager
    def replaying(self) -> Iterator[None]:
        """The lock of catching the search index up with its queue, apart from the writers'
        lock (writers do not wait for it): one process at a time reads the queue, writes the
        index and takes the entries written off the queue (an advisory lock on PostgreSQL, a
        ``flock`` of ``index.lock`` beside a SQLite catalog).

        It waits for another process catching up (a batch of hundreds of documents) at least
        ten minutes: a writer that gave up would leave what it queued to the next write.

        Raises:
            ArchiveBusy: another process kept it longer than that (or ``lock_timeout``).
        """
        wait = max(self.lock_timeout, _REPLAY_WAIT)
        if self.postgres:
            from gazette.archive.pg_catalog import REPLAY_LOCK

            try:
                self.conn.execute(f"SET lock_timeout = {int(wait * 1000)}")
                try:
                    self.conn.execute("SELECT pg_advisory_lock(?)", (REPLAY_LOCK,))
                finally:
                    self.conn.execute(f"SET lock_timeout = {max(1, int(self.lock_timeout * 1000))}")
            except dbapi.BackendError as exc:
                if exc.sqlstate == "55P03":
                    raise ArchiveBusy(self.root, None) from None
                raise self.error(exc) from exc
            try:
                yield
            finally:
                with contextlib.suppress(*dbapi.ERRORS):
                    self.conn.execute("SELECT pg_advisory_unlock(?)", (REPLAY_LOCK,))
            return
        with open(self.root / "index.lock", "a+") as handle:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise ArchiveBusy(self.root, None) from None
                    time.sleep(0.01)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _lock_holder(self) -> str | None:
        """Who holds the PostgreSQL write lock (its connection's name), if that can be read."""
        from gazette.archive.pg_catalog import WRITE_LOCK

        row = self.conn.execute(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND l.granted"
            " AND (l.classid::bigint << 32) | l.objid::bigint = ?",
            (WRITE_LOCK,),
        ).fetchone()
        name = str(row[0]) if row and row[0] else ""
        return name.removeprefix("gazette ") or None

    def _seal_stray_writes(self) -> None:
        """Seal rows written outside :meth:`transaction` (each statement its own commit)."""
        if self.conn.in_transaction:
            return
        if self.postgres and not (self.conn.take_lone_writes() and integrity.has_dirty(self.conn)):
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            integrity.seal(self.conn)
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def tidy(self) -> bool:
        """Run :attr:`on_tidy` under the lock, unless a writer is at work now.

        Returns:
            whether no writer was at work (and :attr:`on_tidy` ran).
        """
        if self._lock_depth:
            self.on_tidy()
            return True
        if self.postgres:
            from gazette.archive.pg_catalog import WRITE_LOCK

            if not self.conn.execute("SELECT pg_try_advisory_lock(?)", (WRITE_LOCK,)).fetchone()[0]:
                return False
            try:
                self.on_tidy()
            finally:
                self.conn.execute("SELECT pg_advisory_unlock(?)", (WRITE_LOCK,))
            return True
        with open(self.root / "write.lock", "a+") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            try:
                self.on_tidy()
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return True

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Any]:
        """One catalog transaction (under the write lock); :attr:`after_commit` follows.

        Raises:
            CatalogError: the database failed; nothing of the transaction was kept.
        """
        with self.writing():
            try:
                # On PostgreSQL the statements go out without waiting for each (see
                # PgConnection.pipelined), BEGIN and COMMIT too: the client waits for the
                # server only when it reads, and once at the end.
                with self._pipelined():
                    self.conn.execute("BEGIN IMMEDIATE")
                    yield self.conn
                    integrity.seal(self.conn)
                    self.conn.execute("COMMIT")
            except BaseException as exc:
                with contextlib.suppress(*dbapi.ERRORS):
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                if isinstance(exc, dbapi.ERRORS):
                    raise self.error(exc) from exc
                raise
            self.after_commit()

    def _pipelined(self) -> contextlib.AbstractContextManager[None]:
        return self.conn.pipelined() if self.postgres else contextlib.nullcontext()

    def error(self, exc: BaseException) -> ArchiveError:
        """The archive's error for what the database raised."""
        if isinstance(exc, dbapi.BackendError) and exc.unreachable:
            return ArchiveError(
                self.path,
                f"无法连接目录数据库（{exc}）",
                hint="请确认PostgreSQL服务器正在运行，且DSN指向它",
            )
        if isinstance(exc, dbapi.BackendError):
            return CatalogError(self.path, str(exc))
        if type(exc) is sqlite3.DatabaseError:  # not a subclass: the file itself is unreadable
            return CatalogDamaged(self.path, str(exc))
        return CatalogError(self.path, str(exc))

    def log(self, action: str, target: str | None, outcome: str, **detail: Any) -> None:
        """Append to the archive's event log (in the current transaction, if any)."""
        tables.append_log(
            self.conn,
            actor=self.actor,
            action=action,
            target=target,
            outcome=outcome,
            detail=detail,
        )

    def log_entries(
        self,
        *,
        action: str | None = None,
        target: str | None = None,
        since: str | None = None,
        limit: int = 50,
    ) -> list[dict[str, Any]]:
        """Entries of the event log, newest first: ``action`` and ``target`` exactly, ``at`` on
        or after ``since`` (an ISO time or date)."""
        clauses, params = [], []
        for column, value in (("action", action), ("target", target), ("at", since)):
            if value:
                clauses.append(f"{column} {'>=' if column == 'at' else '='} ?")
                params.append(value)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = reads.fetch_all(
            self.conn, f"SELECT * FROM log{where} ORDER BY id DESC LIMIT ?", (*params, limit)
        )
        return [
            {
                "id": r["id"],
                "at": r["at"],
                "actor": r["actor"],
                "action": r["action"],
                "target": r["target"],
                "outcome": r["outcome"],
                "detail": json.loads(r["detail"]),
            }
            for r in rows
        ]

    def meta(self, key: str) -> str | None:
        """A value of the ``meta`` table."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str, *, replace: bool = True) -> None:
        """Set a value of the ``meta`` table (keep the one there unless ``replace``)."""
        if replace:
            self.conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
        else:
            self.conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT DO NOTHING", (key, value)
            )
