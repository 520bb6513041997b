"""What the catalog's modules need to know of the database behind a connection.

The catalog speaks one SQL dialect, SQLite's, through a DB-API connection: an
:class:`sqlite3.Connection`, or a :class:`gazette.archive.pg_catalog.PgConnection` that
translates statements for PostgreSQL. The few things that differ and cannot be written
portably (a table's columns, a token that changes whenever the catalog does, the errors a
database raises) are asked here.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from gazette.errors import CatalogDamaged, CatalogError


class BackendError(Exception):
    """A database error of a catalog not kept in SQLite (PostgreSQL): what the server said.

    Attributes:
        unreachable: the server could not be reached (or refused the connection).
        sqlstate: the server's error code (``55P03``: a lock not had in time), if any.
    """

    def __init__(
        self, message: str, *, unreachable: bool = False, sqlstate: str | None = None
    ) -> None:
        super().__init__(message)
        self.unreachable = unreachable
        self.sqlstate = sqlstate


# Every error a catalog connection raises for a database failure.
ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, BackendError)


def is_postgres(conn: Any) -> bool:
    """Whether ``conn`` is a PostgreSQL catalog connection."""
    return bool(getattr(conn, "postgres", False))


def columns(conn: Any, table: str) -> list[str]:
    """The columns of a catalog table (empty when it does not exist)."""
    if is_postgres(conn):
        return [
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = ?"
                " ORDER BY ordinal_position",
                (table,),
            ).fetchall()
        ]
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def change_token(conn: Any) -> Any:
    """A value that changes whenever what public search may find can have changed: the
    catalog's change counter, which triggers on the documents, their disclosure and the index
    queue bump (this connection's uncommitted writes included; other writes, such as sign-ins,
    sessions and the log, leave it as it was).

    Inside a transaction that has written, the value may come back after a rollback: cache
    nothing under a token read inside a transaction.
    """
    if is_postgres(conn):
        return conn.change_token()
    return conn.execute("SELECT n FROM gazette_changes").fetchone()[0]


def quick_check(conn: Any) -> list[str]:
    """The database's own check of its storage: ``["ok"]``, or up to five problems."""
    if is_postgres(conn):
        conn.execute("SELECT 1").fetchone()  # the server keeps its own pages
        return ["ok"]
    return [r[0] for r in conn.execute("PRAGMA quick_check(5)").fetchall()]


__all__ = ["ERRORS", "BackendError", "change_token", "columns", "is_postgres", "quick_check"]


def failure(exc: Exception, root: Path) -> CatalogError:
    """The archive's error for a database error that reached the command line unconverted
    (the search index converts its own): a SQLite catalog that cannot be read is damaged; a
    PostgreSQL catalog's error is what its server said."""
    if isinstance(exc, BackendError):
        return CatalogError(root / "catalog.json", str(exc))
    return CatalogDamaged(root / "catalog.sqlite", str(exc))
