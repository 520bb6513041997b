"""The catalog in PostgreSQL: a connection that speaks the catalog's SQLite dialect.

The catalog's modules write SQLite's SQL. :class:`PgConnection` offers what they use of an
:class:`sqlite3.Connection` (``execute``, ``executemany``, cursors with ``fetchone``,
``fetchall``, iteration, ``lastrowid``, ``rowcount`` and ``description``, ``in_transaction``)
over a psycopg connection, translating each statement once (the translation is cached):

* ``?`` placeholders become ``%s`` (and a literal ``%`` is doubled), outside string literals;
  ``x IS ?`` (SQLite's comparison that treats NULLs as equal) ``IS NOT DISTINCT FROM``;
* ``BEGIN IMMEDIATE`` becomes ``BEGIN`` (the archive's advisory lock serialises writers);
* ``ORDER BY`` terms say where NULLs go as SQLite puts them (first ascending, last
  descending) unless the column can hold none, so both backends list in the same order;
* an ``INSERT`` into a table with an ``id`` key returns it (``lastrowid``);
* DDL: ``INTEGER`` is ``BIGINT`` (an ``INTEGER PRIMARY KEY`` an identity column), ``REAL``
  ``DOUBLE PRECISION``, ``TEXT`` is ``TEXT COLLATE "C"`` (text compares and sorts by code
  point, as in SQLite), indexes keep NULLs first, and every table has a ``rowid`` identity
  column (what SQLite gives every table; the checksums note rows by it).

SQL that both databases read the same way needs none of this; call sites prefer it
(``INSERT … ON CONFLICT``, quoted ``"end"``). SQLite's triggers are not translated:
:func:`install` creates PostgreSQL's (the log is append-only; rows written through the
library are noted for sealing, see :mod:`gazette.archive.integrity`; a change counter).

Errors of the driver are raised as :class:`gazette.archive.dbapi.BackendError`.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import socket
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from gazette.archive.dbapi import BackendError
from gazette.archive.pg_dialect import translate
from gazette.errors import SchemaTooNew

# Advisory lock keys (a 64-bit key of PostgreSQL's): the writers, a migration, and catching
# the search index up with its queue.
WRITE_LOCK = 0x6761_7A65_7474_6501  # "gazette" + 1
MIGRATE_LOCK = 0x6761_7A65_7474_6502
REPLAY_LOCK = 0x6761_7A65_7474_6503

_QUIET = logging.NullHandler()
_NO_RESULT = object()
# How statements that write no table begin (upper case).
_READS = ("SELECT", "BEGIN", "COMMIT", "ROLLBACK", "SET ", "SHOW ")
_TUPLES_OK = 2  # libpq's PGRES_TUPLES_OK: the statement returned rows (maybe none)


class PgCursor:
    """The result of one statement, read as an :class:`sqlite3.Cursor` is (in pipeline mode,
    asking for it first waits for the statements sent, see :meth:`PgConnection.pipelined`).

    The id an ``INSERT`` returns (``lastrowid``) is read when asked for: an insert whose id
    nobody reads costs no wait in pipeline mode."""

    def __init__(
        self,
        cursor: Any,
        lastrowid: int | None = None,
        pending: Callable[[], None] | None = None,
        *,
        returning: bool = False,
    ) -> None:
        self._cursor = cursor
        self._lastrowid = lastrowid
        self._returning = returning
        self._pending = pending

    def _ready(self) -> Any:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending()
        return self._cursor

    @property
    def lastrowid(self) -> int | None:
        if self._returning:
            self._returning = False
            row = self._ready().fetchone()
            self._lastrowid = int(row[0]) if row else None
        return self._lastrowid

    @property
    def description(self) -> Any:
        return self._ready().description

    @property
    def names(self) -> list[str]:
        """The result's column names (without building the driver's column descriptions)."""
        return column_names(self._ready())

    @property
    def rowcount(self) -> int:
        return int(self._ready().rowcount)

    def fetchone(self) -> Any:
        if not _has_rows(self._ready()):
            return None
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        if not _has_rows(self._ready()):
            return []
        return list(self._cursor.fetchall())

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


def column_names(cursor: Any) -> list[str]:
    """A psycopg cursor's column names, read from its result (``description`` builds a
    column object for each, a cost paid on every row read)."""
    result: Any = getattr(cursor, "pgresult", _NO_RESULT)
    if result is _NO_RESULT:  # not a driver's cursor (a row already read)
        return [column[0] for column in cursor.description or ()]
    if result is None:
        return []
    return [(result.fname(i) or b"").decode() for i in range(result.nfields)]


def _has_rows(cursor: Any) -> bool:
    """Whether a psycopg cursor's statement returned rows (what ``description is not None``
    says, without building the column descriptions)."""
    result: Any = getattr(cursor, "pgresult", _NO_RESULT)
    if result is _NO_RESULT:  # not a driver's cursor (a row already read)
        return cursor.description is not None
    return result is not None and (result.nfields > 0 or result.status == _TUPLES_OK)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class PgConnection:
    """A PostgreSQL catalog connection with the interface of an :class:`sqlite3.Connection`
    that the catalog's modules use (autocommit unless ``BEGIN`` was executed).

    Args:
        raw: a psycopg connection in autocommit mode.
    """

    postgres = True

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self._pipeline: Any = None
        # Whether a statement that may write ran on its own (autocommit) since this was last
        # asked (see take_lone_writes): rows it wrote wait to be sealed.
        self._lone_writes = True

    def take_lone_writes(self) -> bool:
        """Whether a statement that may write ran outside a transaction since the last call."""
        found, self._lone_writes = self._lone_writes, False
        return found

    def _note(self, statement: str) -> None:
        if (
            self._pipeline is None
            and not self._lone_writes
            and not statement[:8].upper().startswith(_READS)
            and not self.in_transaction
        ):
            self._lone_writes = True

    @contextlib.contextmanager
    def pipelined(self) -> Iterator[None]:
        """Send the block's statements without waiting for each one's result (psycopg's
        pipeline mode): the client waits for the server only when it reads a result (a
        query's rows, an inserted id, a row count) and at the end of the block, one round
        trip for all the writes sent before. An error of a write is raised there, or at the
        end of the block: inside a transaction, which then rolls back whole."""
        if self._pipeline is not None:
            yield
            return
        psycopg = _driver()
        # When the block fails, the driver logs what it could not send at its end (the
        # transaction rolls back anyway): not a line for the user's terminal.
        logging.getLogger("psycopg").addHandler(_QUIET)
        try:
            with self.raw.pipeline() as pipe:
                self._pipeline = pipe
                try:
                    yield
                finally:
                    self._pipeline = None
        except psycopg.Error as exc:
            raise self._error(exc) from exc

    def _sync(self) -> None:
        """Wait for the statements sent in pipeline mode (their errors are raised here)."""
        if self._pipeline is None:
            return
        psycopg = _driver()
        try:
            self._pipeline.sync()
        except psycopg.Error as exc:
            raise self._error(exc) from exc

    def _error(self, exc: Exception) -> BackendError:
        psycopg = _driver()
        return BackendError(
            _first_line(exc),
            unreachable=isinstance(exc, psycopg.OperationalError) and self.raw.closed,
            sqlstate=getattr(exc, "sqlstate", None),
        )

    def execute(self, sql: str, params: Sequence[Any] | Iterable[Any] = ()) -> PgCursor:
        statement, returning = translate(sql)
        if statement is None:
            return PgCursor(self.raw.cursor())
        self._note(statement)
        psycopg = _driver()
        try:
            cursor = self.raw.execute(statement, tuple(params))
        except psycopg.Error as exc:
            raise self._error(exc) from exc
        pending = self._sync if self._pipeline is not None else None
        return PgCursor(cursor, pending=pending, returning=returning)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> PgCursor:
        statement, returning = translate(sql)
        if statement is None:
            return PgCursor(self.raw.cursor())
        if returning:
            statement = statement[: -len(" RETURNING id")]
        self._note(statement)
        psycopg = _driver()
        cursor = self.raw.cursor()
        try:
            cursor.executemany(statement, [tuple(r) for r in rows])
        except psycopg.Error as exc:
            raise self._error(exc) from exc
        return PgCursor(cursor)

    def fetch_batch(
        self, queries: Sequence[tuple[str, Sequence[Any]]]
    ) -> list[tuple[list[str], list[Any]]]:
        """The column names and rows of several queries, sent together (psycopg's pipeline
        mode): one round trip to the server instead of one each."""
        psycopg = _driver()
        try:
            with self.raw.pipeline():
                cursors = []
                for sql, params in queries:
                    statement, _ = translate(sql)
                    cursors.append(self.raw.execute(statement, tuple(params)))
            return [(column_names(cur), cur.fetchall()) for cur in cursors]
        except psycopg.Error as exc:
            raise self._error(exc) from exc

    def executemany_batch(self, batches: Sequence[tuple[str, Sequence[Sequence[Any]]]]) -> None:
        """Several :meth:`executemany`, sent together (one round trip to the server; none
        inside :meth:`pipelined`, whose end waits for them)."""
        psycopg = _driver()
        riding = self._pipeline is not None
        if not riding and not self.in_transaction:
            self._lone_writes = True
        try:
            with contextlib.nullcontext() if riding else self.raw.pipeline():
                for sql, rows in batches:
                    statement, returning = translate(sql)
                    if statement is None or not rows:
                        continue
                    if returning:
                        statement = statement[: -len(" RETURNING id")]
                    self.raw.cursor().executemany(statement, [tuple(r) for r in rows])
        except psycopg.Error as exc:
            raise self._error(exc) from exc

    @property
    def in_transaction(self) -> bool:
        from psycopg import pq

        return bool(self.raw.info.transaction_status != pq.TransactionStatus.IDLE)

    def change_token(self) -> Any:
        """The catalog's change counter (bumped by every statement that writes a table a
        reader caches from)."""
        return self.execute("SELECT n FROM gazette_changes").fetchone()[0]

    def close(self) -> None:
        self.raw.close()


def _driver() -> Any:
    from gazette.search.pg_schema import driver

    return driver()


def connect(dsn: str, location: str, *, lock_timeout: float = 30.0) -> PgConnection:
    """A catalog connection to the database ``dsn`` names (``location``: how to name it),
    whose statements wait at most ``lock_timeout`` seconds for a lock (the write lock too),
    and which opens a fresh session when the server dropped this one (see
    :mod:`gazette.archive.pg_session`).

    Raises:
        BackendError: the server cannot be reached, or refuses the connection.
    """
    from gazette.archive.pg_session import Session

    return Session(functools.partial(_open, dsn, lock_timeout))


def _open(dsn: str, lock_timeout: float) -> Any:
    """A psycopg connection for the catalog (autocommit, SQLite's types, this library's
    session settings).

    Raises:
        BackendError: the server cannot be reached, or refuses the connection.
    """
    psycopg = _driver()
    from psycopg.adapt import Dumper, Loader

    try:
        raw = psycopg.connect(
            dsn,
            autocommit=True,
            connect_timeout=10,
            application_name=f"gazette pid {os.getpid()} on {socket.gethostname()}"[:63],
        )
    except psycopg.Error as exc:
        raise BackendError(_first_line(exc), unreachable=True) from exc

    class BoolAsInt(Dumper):  # SQLite keeps booleans as 0 and 1
        oid = psycopg.adapters.types["int8"].oid

        def dump(self, obj: Any) -> bytes:
            return b"1" if obj else b"0"

    class NumericAsNumber(Loader):  # SUM() of integers is an integer, as in SQLite
        def load(self, data: Any) -> Any:
            text = bytes(data).decode()
            return int(text) if text.lstrip("-").isdigit() else float(text)

    raw.adapters.register_dumper(bool, BoolAsInt)
    raw.adapters.register_loader("numeric", NumericAsNumber)
    try:
        raw.execute("SET gazette.seal = 'on'")
        raw.execute(f"SET lock_timeout = {max(1, int(lock_timeout * 1000))}")
    except psycopg.Error as exc:
        raw.close()
        raise BackendError(_first_line(exc)) from exc
    return raw


# --- schema -----------------------------------------------------------------------------------


def current_version(conn: PgConnection) -> int:
    """The catalog's schema version (0 for a database without a catalog)."""
    row = conn.execute("SELECT to_regclass('meta') IS NOT NULL").fetchone()
    if not row[0]:
        return 0
    found = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(found[0]) if found else 0


def migrate(conn: PgConnection, location: str) -> int:
    """Bring the catalog to the newest version: the SQLite migrations translated, then the
    PostgreSQL triggers (:func:`install`), in one transaction under an advisory lock.
    Returns the version found (0: a new catalog).

    Raises:
        SchemaTooNew: the catalog was written by a newer library.
    """
    from gazette.archive.schema import SCHEMA_VERSION

    found = current_version(conn)
    if found > SCHEMA_VERSION:
        raise SchemaTooNew(location, found, SCHEMA_VERSION)
    if found == SCHEMA_VERSION:
        return found
    conn.execute("BEGIN")
    try:
        conn.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATE_LOCK,))
        found = current_version(conn)  # another process may have migrated meanwhile
        if found > SCHEMA_VERSION:
            raise SchemaTooNew(location, found, SCHEMA_VERSION)
        build(conn, found)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return found


def build(conn: PgConnection, found: int) -> None:
    """Inside a transaction: take the catalog from version ``found`` to the newest (0: make
    it), with PostgreSQL's triggers."""
    from gazette.archive import integrity
    from gazette.archive.schema import MIGRATIONS, SCHEMA_VERSION, _statements

    for step in MIGRATIONS[found:]:
        if callable(step):
            step(conn)  # type: ignore[arg-type]
        else:
            for statement in _statements(step):
                conn.execute(statement)
    install(conn)
    if found:
        integrity.seal_all(conn, missing_only=True)  # type: ignore[arg-type]
    conn.execute(
        "INSERT INTO meta(key, value) VALUES ('schema_version', ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (str(SCHEMA_VERSION),),
    )


# Tables whose changes a reader caches from (gazette.archive.index_sync.public_revisions).
_COUNTED = ("documents", "disclosure", "index_queue")


def install(conn: PgConnection) -> None:
    """PostgreSQL's triggers: the append-only log, the rows to seal, the change counter."""
    from gazette.archive.integrity import COVERED, DIRTY

    raw = conn.raw
    raw.execute(
        """
        CREATE OR REPLACE FUNCTION gazette_log_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the log is append-only'; END $$;
        DROP TRIGGER IF EXISTS log_no_change ON log;
        CREATE TRIGGER log_no_change BEFORE UPDATE OR DELETE ON log
            FOR EACH ROW EXECUTE FUNCTION gazette_log_append_only();
        DROP TRIGGER IF EXISTS log_no_truncate ON log;
        CREATE TRIGGER log_no_truncate BEFORE TRUNCATE ON log
            FOR EACH STATEMENT EXECUTE FUNCTION gazette_log_append_only();
        """
    )
    # A row written by the library is noted for sealing (into the writer's temporary table);
    # one written by anything else (a SQL shell) is not, and no longer matches its checksum.
    raw.execute(
        f"""
        CREATE OR REPLACE FUNCTION gazette_note() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF current_setting('gazette.seal', true) = 'on' THEN
                INSERT INTO pg_temp.{DIRTY}(tbl, rid) VALUES (TG_TABLE_NAME, NEW.rowid);
            END IF;
            RETURN NULL;
        END $$
        """
    )
    for table, columns in COVERED.items():
        quoted = ", ".join(f'"{c}"' for c in columns)
        raw.execute(
            f"DROP TRIGGER IF EXISTS gazette_seal_insert ON {table};"
            f" CREATE TRIGGER gazette_seal_insert AFTER INSERT ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION gazette_note();"
            f" DROP TRIGGER IF EXISTS gazette_seal_update ON {table};"
            f" CREATE TRIGGER gazette_seal_update AFTER UPDATE OF {quoted} ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION gazette_note()"
        )
    raw.execute(
        """
        CREATE TABLE IF NOT EXISTS gazette_changes (n BIGINT NOT NULL);
        INSERT INTO gazette_changes SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM gazette_changes);
        CREATE OR REPLACE FUNCTION gazette_count() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN UPDATE gazette_changes SET n = n + 1; RETURN NULL; END $$;
        """
    )
    for table in _COUNTED:
        raw.execute(
            f"DROP TRIGGER IF EXISTS gazette_count ON {table};"
            f" CREATE TRIGGER gazette_count AFTER INSERT OR UPDATE OR DELETE ON {table}"
            " FOR EACH STATEMENT EXECUTE FUNCTION gazette_count()"
        )


def note_writes(conn: PgConnection) -> None:
    """Create this session's table of rows to seal (the triggers write into it)."""
    from gazette.archive.integrity import DIRTY

    conn.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {DIRTY} (tbl TEXT NOT NULL, rid BIGINT NOT NULL)"
    )


__all__ = [
    "MIGRATE_LOCK",
    "REPLAY_LOCK",
    "WRITE_LOCK",
    "PgConnection",
    "PgCursor",
    "build",
    "connect",
    "current_version",
    "install",
    "migrate",
    "note_writes",
    "translate",
]
