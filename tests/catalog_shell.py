"""A connection to an archive's catalog as a SQL shell has it (``sqlite3`` or ``psql``): not
the library's, so it seals nothing. Statements are written in SQLite's dialect; for a
PostgreSQL catalog they are translated as the library's own are."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gazette.archive import backend


class _PgShell:
    def __init__(self, dsn: str) -> None:
        import psycopg

        from gazette.archive.pg_catalog import PgConnection

        self.conn = PgConnection(psycopg.connect(dsn, autocommit=True))

    def execute(self, sql: str, params: Any = ()) -> Any:
        return self.conn.execute(sql, params)

    def commit(self) -> None:
        """Each statement commits on its own."""

    def close(self) -> None:
        self.conn.close()


@contextlib.contextmanager
def shell(archive_dir: Path) -> Iterator[Any]:
    """The catalog of the archive in ``archive_dir``, opened as a shell would."""
    dsn = backend.recorded(archive_dir)
    conn: Any = sqlite3.connect(archive_dir / "catalog.sqlite") if dsn is None else _PgShell(dsn)
    try:
        yield conn
    finally:
        conn.close()
