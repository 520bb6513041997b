"""Restoring a backup's catalog into an empty PostgreSQL database.

A backup's catalog is a SQLite file (see :mod:`gazette.archive.backup`), whichever database the
archive kept it in. :func:`loaded` brings a copy of it to this library's schema version (the
SQLite migrations, as opening it would), then, in one PostgreSQL transaction: makes the schema
(the translated migrations and PostgreSQL's triggers), copies every table row for row in the
SQLite file's order (``COPY``; keys and checksums as they are, so ``verify`` finds the restored
catalog intact), sets the identity counters past the copied keys, and records that the search
index lives in the same database (it is rebuilt afterwards). The transaction commits when the
caller's block ends without error; else nothing of it stays in the database.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gazette.archive import dbapi
from gazette.errors import ArchiveError, CatalogError, InvalidArgument

# Tables of the PostgreSQL catalog that are not the SQLite catalog's (the change counter).
_OWN = frozenset({"gazette_changes"})


def _connection(dsn: str, location: str) -> Any:
    from gazette.archive import pg_catalog

    try:
        return pg_catalog.connect(dsn, location)
    except dbapi.BackendError as exc:
        raise ArchiveError(
            location,
            f"无法连接目录数据库（{exc}）",
            hint="请确认PostgreSQL服务器正在运行，且DSN指向它",
        ) from exc


def _first_relation(conn: Any) -> str | None:
    """A table (or other relation) of the database outside PostgreSQL's own schemas."""
    row = conn.execute(
        "SELECT n.nspname || '.' || c.relname FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')"
        " AND n.nspname NOT LIKE 'pg!_%' ESCAPE '!' ORDER BY 1 LIMIT 1"
    ).fetchone()
    return None if row is None else str(row[0])


def _refuse_unless_empty(conn: Any, location: str) -> None:
    found = _first_relation(conn)
    if found is not None:
        raise InvalidArgument(
            f"目录数据库 {location} 不是空的（已有 {found}）",
            hint="恢复到PostgreSQL需要一个新的空数据库（createdb）",
        )


def check_target(dsn: str, location: str) -> None:
    """Whether the database can take a restored catalog (reached, and empty).

    Raises:
        ArchiveError: the server cannot be reached.
        InvalidArgument: the database holds tables already.
    """
    conn = _connection(dsn, location)
    try:
        _refuse_unless_empty(conn, location)
    finally:
        conn.close()


def _said(exc: BaseException | str) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def prepare(snapshot: Path, shown: Path) -> None:
    """Bring a copy (``snapshot``) of a backup's SQLite catalog (``shown``, the name errors
    give) to this library's schema version.

    Raises:
        ArchiveError: the file is not a readable catalog.
        SchemaTooNew: a newer library wrote it.
    """
    from gazette.archive.schema import migrate

    conn = sqlite3.connect(snapshot, isolation_level=None)
    try:
        quick = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
        if quick != "ok":
            raise ArchiveError(shown, f"备份的目录快照已损坏（{_said(quick)}）")
        migrate(conn, str(shown))
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(shown, f"备份的目录快照无法读取（{_said(exc)}）") from exc
    finally:
        conn.close()


@contextlib.contextmanager
def loaded(snapshot: Path, dsn: str, location: str, shown: Path) -> Iterator[int]:
    """Copy the catalog ``snapshot`` (at this library's schema version, see :func:`prepare`;
    ``shown``: the backup's file, as errors name it) into the empty database ``dsn`` names, in
    one transaction that commits when the block ends. Yields the number of rows copied.

    Raises:
        ArchiveError: the server cannot be reached.
        InvalidArgument: the database is not empty.
        CatalogError: the database refused the catalog (nothing of it stays).
    """
    from gazette.archive import pg_catalog
    from gazette.search import search_dsn

    conn = _connection(dsn, location)
    source = sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)
    try:
        conn.execute("BEGIN")
        try:
            conn.execute("SELECT pg_advisory_xact_lock(?)", (pg_catalog.MIGRATE_LOCK,))
            _refuse_unless_empty(conn, location)
            pg_catalog.build(conn, 0)
            conn.execute("SET LOCAL gazette.seal = 'off'")  # the checksums are copied
            conn.execute("DELETE FROM meta")
            rows = sum(_copy(conn, source, table, shown) for table in _tables(conn))
            _past_the_keys(conn)
            for key, value in (
                ("search_engine", "postgresql"),
                ("search_dsn", search_dsn("postgresql", dsn)),
            ):
                conn.execute(
                    "INSERT INTO meta(key, value) VALUES (?, ?)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )
            yield rows
            conn.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(*dbapi.ERRORS):
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            if isinstance(exc, dbapi.BackendError):
                raise CatalogError(location, str(exc)) from exc
            if isinstance(exc, sqlite3.DatabaseError):
                raise ArchiveError(shown, f"备份的目录快照无法读取（{_said(exc)}）") from exc
            raise
    finally:
        source.close()
        conn.close()


def _tables(conn: Any) -> list[str]:
    """The catalog's tables, each after the tables its foreign keys point to."""
    names = [
        str(r[0])
        for r in conn.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            " ORDER BY table_name"
        ).fetchall()
        if r[0] not in _OWN
    ]
    needs: dict[str, set[str]] = {name: set() for name in names}
    for child, parent in conn.execute(
        "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint"
        " WHERE contype = 'f' AND connamespace = current_schema()::regnamespace"
    ).fetchall():
        if child in needs and parent != child:
            needs[child].add(parent)
    ordered: list[str] = []
    while needs:
        ready = sorted(n for n, wanted in needs.items() if not wanted - set(ordered))
        if not ready:  # a cycle: PostgreSQL will say which key fails
            ready = sorted(needs)
        for name in ready:
            ordered.append(name)
            del needs[name]
    return ordered


def _copy(conn: Any, source: sqlite3.Connection, table: str, snapshot: Path) -> int:
    """Copy one table's rows, in the SQLite file's order (PostgreSQL numbers its ``rowid``s
    anew, in the same order). Returns the rows copied."""
    wanted = [c for c in dbapi.columns(conn, table) if c != "rowid"]
    have = {r[1] for r in source.execute(f"PRAGMA table_info({table})")}
    if not have:
        return 0  # a table the backup's catalog does not have: empty
    missing = [c for c in wanted if c not in have]
    if missing:
        raise ArchiveError(snapshot, f"备份的目录快照中 {table} 表缺少列 {', '.join(missing)}")
    quoted = ", ".join(f'"{c}"' for c in wanted)
    psycopg = _driver()
    count = 0
    try:
        with (
            conn.raw.cursor() as cursor,
            cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy,
        ):
            for row in source.execute(f"SELECT {quoted} FROM {table} ORDER BY rowid"):
                copy.write_row(row)
                count += 1
    except psycopg.Error as exc:
        text = str(exc).strip().splitlines()
        raise dbapi.BackendError(f"{table}: {text[0] if text else type(exc).__name__}") from exc
    return count


def _past_the_keys(conn: Any) -> None:
    """Set each identity column's counter past the keys copied into it."""
    for table, column in conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND is_identity = 'YES'"
        " AND column_name <> 'rowid'"
    ).fetchall():
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
            f" GREATEST(COALESCE(MAX({column}), 0), 1), MAX({column}) IS NOT NULL) FROM {table}"
        )


def _driver() -> Any:
    from gazette.search.pg_schema import driver

    return driver()


__all__ = ["check_target", "loaded", "prepare"]
