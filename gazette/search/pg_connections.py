"""The connections of a PostgreSQL search index: a pool, and the connection that a thread's
search (one read-only snapshot) or write (one transaction under the schema's lock) is using.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

from gazette.search import pg_schema


class Sessions:
    """The connections of the index in ``schema`` (``location``: how errors name it).

    Args:
        pool: the index's connection pool (:func:`pg_schema.open_pool`).
    """

    def __init__(self, pool: Any, schema: str, location: str) -> None:
        self._pool = pool
        self.schema = schema
        self.location = location
        self._local = threading.local()

    def meta(self) -> dict[str, str] | None:
        """The index's version and epoch as the current read's snapshot has them."""
        return getattr(self._local, "meta", None)

    def conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        assert conn is not None, "inside _reading() or _writing() only"
        return conn

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """One snapshot for a whole search, on a connection of the pool."""
        if getattr(self._local, "conn", None) is not None:
            yield
            return
        # The planner would read a common token's matches by scanning the table, which
        # decompresses every tsvector; through GIN the tsvectors are never read.
        # Statements run often are prepared by the driver, and a prepared statement's
        # generic plan cannot know how many documents its tsquery matches: for a rare word
        # it walks every row newest first (70 times the time of a custom plan on 100,000
        # documents), so each execution is planned for its values. Parallel workers take
        # longer to start than these statements take to run. An index's pages are read from
        # memory, not from a spinning disk: at the default cost of a random read the planner
        # walked 42,000 rows newest first to find the newest 1,000 of 2,400 title matches
        # rather than visit the 2,400 (14 ms against 6).
        # The snapshot's version is read in the same round trip.
        begin = (
            "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET LOCAL enable_seqscan = off;"
            " SET LOCAL plan_cache_mode = force_custom_plan;"
            " SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL random_page_cost = 1.1;"
            f" SELECT key, value FROM {self.schema}.meta WHERE key IN ('version', 'epoch')"
        )
        with (
            pg_schema.translated(self.location),
            self.pooled(lambda c: c.execute(begin)) as (
                conn,
                cur,
            ),
        ):
            while cur.nextset():
                pass
            self._local.meta = dict(cur.fetchall())
            self._local.conn = conn
            try:
                yield
            finally:
                self._local.conn = None
                self._local.meta = None
                conn.execute("ROLLBACK")

    @contextlib.contextmanager
    def writing(self) -> Iterator[Any]:
        """A write transaction, holding the schema's advisory lock; bumps the version."""
        key = pg_schema.lock_key(self.schema)

        def begin(conn: Any) -> None:
            conn.execute("BEGIN")
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (key,))

        with pg_schema.translated(self.location), self.pooled(begin) as (conn, _):
            self._local.conn = conn
            try:
                yield conn
                conn.execute(
                    f"UPDATE {self.schema}.meta SET value = (value::bigint + 1)::text"
                    " WHERE key = 'version'"
                )
                conn.execute("COMMIT")
            except BaseException:
                if not conn.broken:
                    conn.execute("ROLLBACK")
                raise
            finally:
                self._local.conn = None

    @contextlib.contextmanager
    def pooled(self, begin: Callable[[Any], Any]) -> Iterator[tuple[Any, Any]]:
        """A connection of the pool and what ``begin`` returned on it.

        The pool checks only connections that sat idle (see ``pg_schema.CHECK_IDLE``), so one
        whose session the server dropped since (a restart, ``pg_terminate_backend``) fails its
        first statement: nothing has been done on it then, so the pool checks every idle
        connection, replacing the dropped ones, and ``begin`` runs once more on another.
        """
        psycopg = pg_schema.driver()
        for attempt in (0, 1):
            with self._pool.connection() as conn:
                try:
                    started = begin(conn)
                except psycopg.OperationalError:
                    if attempt or not conn.broken:
                        raise
                    self._pool.check()
                    continue
                yield conn, started
                return
