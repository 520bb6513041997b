"""The catalog: one SQLite connection, the write lock, transactions and the event log.

Writes take the write lock (a ``flock`` on ``write.lock``, re-entrant within one object), run in
one SQLite transaction, are sealed (see :mod:`gazette.archive.integrity`) and leave nothing
behind when they fail. What the archive does when it takes the lock (clean what a dead writer
left, let the index catch up) and after each commit (let the index catch up) are hooks the
:class:`~gazette.archive.Archive` sets: the catalog knows nothing of the index.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from gazette.archive import integrity, tables
from gazette.archive.schema import migrate
from gazette.errors import ArchiveBusy, CatalogDamaged, CatalogError


def _nothing() -> None:
    return None


class Catalog:
    """The archive's catalog (``catalog.sqlite``) and its write lock.

    Attributes:
        root: the archive directory (the lock file lives there).
        path: the catalog file.
        conn: the connection (autocommit; :meth:`transaction` opens the transactions).
        actor: who acts, for the log.
        lock_timeout: seconds a write waits for another writer.
        found_version: the schema version the catalog had when opened (0: new).
        on_lock: called when the lock is taken (outermost level only).
        after_commit: called after each commit of :meth:`transaction`.
        on_tidy: called by :meth:`tidy` while the lock is held.
    """

    def __init__(self, root: Path, *, actor: str, lock_timeout: float) -> None:
        self.root = root
        self.path = root / "catalog.sqlite"
        self.actor = actor
        self.lock_timeout = lock_timeout
        self.on_lock: Callable[[], None] = _nothing
        self.after_commit: Callable[[], None] = _nothing
        self.on_tidy: Callable[[], None] = _nothing
        self._lock_depth = 0
        try:
            self.conn = self._connect(self.path)
            self.found_version = migrate(self.conn, str(self.path))
            integrity.install(self.conn)
        except sqlite3.DatabaseError as exc:
            raise CatalogDamaged(self.path, str(exc)) from exc

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
        lock_path = self.root / "write.lock"
        handle = open(lock_path, "a+")  # noqa: SIM115 - held for the duration of the block
        deadline = time.monotonic() + self.lock_timeout
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
                time.sleep(0.05)
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

    def _seal_stray_writes(self) -> None:
        """Seal rows written outside :meth:`transaction` (each statement its own commit)."""
        if self.conn.in_transaction:
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
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One catalog transaction (under the write lock); :attr:`after_commit` follows.

        Raises:
            CatalogError: the database failed; nothing of the transaction was kept.
        """
        with self.writing():
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self.error(exc) from exc
            try:
                yield self.conn
                integrity.seal(self.conn)
                self.conn.execute("COMMIT")
            except BaseException as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise self.error(exc) from exc
                raise
            self.after_commit()

    def error(self, exc: sqlite3.Error) -> CatalogError:
        """The archive's error for what the database raised."""
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
