"""A PostgreSQL catalog connection that outlives its server session, and reading in batches.

A long-running process (``gazette serve``) keeps one catalog connection for hours; the server
may drop its session meanwhile (a restart, ``pg_terminate_backend``, a network cut). The
driver only learns of it on the next statement. :class:`Session` then:

* retries a read once on a fresh session, when nothing of the old one is lost by it: outside a
  transaction, and holding no session lock (the archive's write lock is a session advisory
  lock: a writer that lost it must not go on as if it held it);
* fails anything else (a write, a statement of a transaction, ``COMMIT``) with a
  :class:`~gazette.archive.dbapi.BackendError` that says the connection was lost and the work
  not done — never silently retried, for its outcome is not known — and refuses every further
  statement of that transaction but ``ROLLBACK``; the next statement after it (and after the
  write lock is let go) opens a fresh session.

A fresh session gets the library's settings again (:func:`gazette.archive.pg_catalog._open`)
and its table of rows to seal (:func:`gazette.archive.pg_catalog.note_writes`).

:func:`batches` reads a query's rows through a server-side cursor, a batch at a time, so that
a backup of a large catalog holds one batch in memory, not a table.
"""

from __future__ import annotations

import contextlib
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from gazette.archive.dbapi import BackendError
from gazette.archive.pg_catalog import PgConnection, PgCursor, _driver, _first_line, translate

_FIRST_WORD = re.compile(r"\s*(\w+)")
_WRITES = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|CREATE|ALTER|DROP|TRUNCATE)\b", re.I)
_READS = frozenset({"SELECT", "WITH", "VALUES", "SHOW", "BEGIN"})
_LOCKS = re.compile(r"\bpg_(try_)?advisory_lock\s*\(", re.I)
_UNLOCKS = re.compile(r"\bpg_advisory_unlock\s*\(", re.I)
_names = itertools.count(1)


def _word(sql: str) -> str:
    found = _FIRST_WORD.match(sql)
    return found.group(1).upper() if found else ""


def _is_read(sql: str) -> bool:
    """Whether running ``sql`` twice does no harm (it writes nothing)."""
    return _word(sql) in _READS and not _WRITES.search(sql)


class _NoResult:
    """The cursor of a statement that had nothing to do (a rollback of a lost session)."""

    description = None
    rowcount = -1


class Session(PgConnection):
    """A catalog connection (:class:`~gazette.archive.pg_catalog.PgConnection`) that opens a
    fresh server session when the server dropped its own (see the module's description).

    Args:
        reopen: opens a new psycopg connection with the library's settings.

    Raises:
        BackendError: the server cannot be reached, or refuses the connection.
    """

    def __init__(self, reopen: Callable[[], Any]) -> None:
        super().__init__(reopen())
        self._reopen = reopen
        self._held = 0  # session advisory locks held (a fresh session would not hold them)
        self._lost: str | None = None  # why the session was lost inside a transaction or lock
        self.reconnects = 0

    # --- what the session holds --------------------------------------------------------

    def _broken(self) -> bool:
        return bool(self.raw.broken or self.raw.closed)

    def _dropped(self, exc: BackendError) -> bool:
        """Whether a failed statement's session is gone: the connection says so, or the server
        said it was ending the session (SQLSTATE class 57P: a terminated backend, a shutdown)
        before the connection noticed the socket close. The connection is then closed, so
        that everything after sees it dropped."""
        if self._broken():
            return True
        if (exc.sqlstate or "").startswith("57P"):
            with contextlib.suppress(Exception):
                self.raw.close()
            return True
        return False

    def _idle(self) -> bool:
        from psycopg import pq

        return bool(self.raw.info.transaction_status == pq.TransactionStatus.IDLE)

    @property
    def in_transaction(self) -> bool:
        if self._broken():
            return self._lost is not None
        return super().in_transaction

    def _fresh(self) -> None:
        """Replace the dropped session by a new one.

        Raises:
            BackendError: the server cannot be reached (``unreachable``).
        """
        from gazette.archive.pg_catalog import note_writes

        old = self.raw
        self.raw = self._reopen()
        self._lost = None
        self.reconnects += 1
        with contextlib.suppress(Exception):  # a dead session closes as it can
            old.close()
        note_writes(self)

    def _lose(self, exc: BackendError, *, inside: bool) -> BackendError:
        """The error for a statement the dropped session did not do; ``inside``: it was part
        of a transaction or ran under a session lock (the rest of which must fail too)."""
        if inside:
            self._lost = _first_line(exc)
        return BackendError(
            f"与目录数据库的连接中断了，这次操作没有完成（{self._lost}）；再操作一次即可",
            sqlstate=exc.sqlstate,
        )

    def _before(self, sql: str) -> PgCursor | None:
        """What to do before a statement on a session known to be dropped: a rollback of the
        lost transaction is done; any other statement of it fails; else a fresh session."""
        if not self._broken():
            return None
        if _word(sql) == "ROLLBACK":
            self._lost = None if not self._held else self._lost
            return PgCursor(_NoResult())
        if _UNLOCKS.search(sql) and self._held:
            self._held -= 1  # the server let go of the lock when it dropped the session
            if not self._held:
                self._lost = None
            return PgCursor(_NoResult())
        if self._lost is not None or self._held:
            raise BackendError(
                f"与目录数据库的连接中断了，这次操作没有完成（{self._lost or '会话已断开'}）；"
                "再操作一次即可"
            )
        self._fresh()
        return None

    def _track(self, sql: str, cursor: PgCursor) -> PgCursor:
        if _LOCKS.search(sql):
            row = cursor.fetchone()
            if row is None or row[0] is not False:
                self._held += 1
            return PgCursor(_Replay(cursor, row))
        if _UNLOCKS.search(sql) and self._held:
            self._held -= 1
        return cursor

    # --- statements ----------------------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] | Iterable[Any] = ()) -> PgCursor:
        done = self._before(sql)
        if done is not None:
            return done
        params = tuple(params)
        inside = not self._idle() or bool(self._held)
        try:
            return self._track(sql, super().execute(sql, params))
        except BackendError as exc:
            if not self._dropped(exc):
                raise
            if inside or not _is_read(sql):
                raise self._lose(exc, inside=inside) from exc
        self._fresh()
        return self._track(sql, super().execute(sql, params))

    def fetch_batch(
        self, queries: Sequence[tuple[str, Sequence[Any]]]
    ) -> list[tuple[list[str], list[Any]]]:
        # Reads: retried once on a fresh session outside a transaction, as execute() does.
        self._before("SELECT")
        inside = not self._idle() or bool(self._held)
        try:
            return super().fetch_batch(queries)
        except BackendError as exc:
            if not self._dropped(exc):
                raise
            if inside:
                raise self._lose(exc, inside=True) from exc
        self._fresh()
        return super().fetch_batch(queries)

    def executemany_batch(self, batches: Sequence[tuple[str, Sequence[Sequence[Any]]]]) -> None:
        self._before("UPDATE")
        inside = not self._idle() or bool(self._held)
        try:
            super().executemany_batch(batches)
        except BackendError as exc:
            if self._dropped(exc):
                raise self._lose(exc, inside=inside) from exc
            raise

    def _sync(self) -> None:
        # In pipeline mode a write's failure is read when its results are waited for.
        try:
            super()._sync()
        except BackendError as exc:
            if self._dropped(exc):
                raise self._lose(exc, inside=True) from exc
            raise

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> PgCursor:
        done = self._before(sql)
        if done is not None:
            return done
        inside = not self._idle() or bool(self._held)
        try:
            return super().executemany(sql, rows)
        except BackendError as exc:
            if self._dropped(exc):
                raise self._lose(exc, inside=inside) from exc
            raise


class _Replay:
    """A cursor whose one row was already read (to see whether a lock was granted)."""

    def __init__(self, cursor: PgCursor, row: Any) -> None:
        self._row = row
        self.description = cursor.description
        self.rowcount = cursor.rowcount

    def fetchone(self) -> Any:
        row, self._row = self._row, None
        return row

    def fetchall(self) -> list[Any]:
        row = self.fetchone()
        return [] if row is None else [row]


def batches(
    conn: PgConnection, sql: str, params: Sequence[Any] = (), *, size: int = 256
) -> Iterator[list[Any]]:
    """The rows of a query of the catalog's dialect, ``size`` at a time, through a server-side
    cursor (so inside a transaction: the rows are of its snapshot). A row of ``texts`` holds
    a document's text and blocks (tens of kilobytes): 256 of them are a few megabytes.

    Raises:
        BackendError: the database failed.
    """
    statement, _ = translate(sql)
    assert statement is not None
    psycopg = _driver()
    try:
        with conn.raw.cursor(name=f"gazette_batches_{next(_names)}") as cursor:
            cursor.execute(statement, tuple(params))
            while rows := cursor.fetchmany(size):
                yield rows
    except psycopg.Error as exc:
        raise BackendError(_first_line(exc), sqlstate=getattr(exc, "sqlstate", None)) from exc


__all__ = ["Session", "batches"]
