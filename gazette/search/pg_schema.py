"""PostgreSQL plumbing of the search engine: the driver (imported lazily), DSNs, the pool of
connections, errors, and the versioned schema of the engine's tables.

The engine's tables live in one PostgreSQL schema (``gazette_search`` unless told otherwise),
so that a database can hold the index beside other tables (a catalog) or the indexes of
several archives. Its layout is versioned like the catalog's (:mod:`gazette.archive.schema`):
:data:`MIGRATIONS` lists the steps in order, ``<schema>.versions`` records those applied, and
opening an index applies the missing ones in one transaction under an advisory lock (two
processes opening a new index at once do not both create it).
"""

from __future__ import annotations

import contextlib
import re
import time
import zlib
from collections.abc import Iterator
from typing import Any

from gazette.errors import (
    ArchiveError,
    IndexDamaged,
    InvalidArgument,
    MissingDependency,
    SchemaTooNew,
)

EXTRA = "postgres"
DEFAULT_SCHEMA = "gazette_search"
# Seconds a pooled connection may sit idle and still be used without checking it first.
CHECK_IDLE = 5.0
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")

# Each entry is one step, its statements separated by ``;\n``; ``{s}`` is the schema.
#
# docs     per-document columns (what :class:`~gazette.search.base.DocMeta` holds), by number
# texts    the stored text, for snippets, exact re-ranking and BM25 (in the rows: fast to
#          read back)
# fts      the token streams as tsvectors under GIN: ``pub`` the title (weight A) then the
#          body, ``ins`` the same followed by the restricted text (only when there is any),
#          ``titles`` the title alone; ``long`` marks documents whose positions PostgreSQL
#          could not all keep (past 16,383 or more than 256 of one token), matched as phrases
#          from their stored text instead
# removed  numbers removed, for readers that follow changes
# meta     analysis, epoch (bumped by a rebuild), version (bumped by every write)
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE {s}.meta (key text PRIMARY KEY, value text NOT NULL);
    CREATE SEQUENCE {s}.nums;
    CREATE TABLE {s}.docs (
        num         bigint PRIMARY KEY,
        id          text NOT NULL UNIQUE,
        rev         integer NOT NULL,
        numbers     text[] NOT NULL,
        identifiers text[] NOT NULL,
        issuers     text[] NOT NULL,
        doc_type    text,
        written     integer NOT NULL,
        published   integer NOT NULL,
        year        integer,
        disclosure  text NOT NULL,
        public      boolean NOT NULL,
        gazettes    text[] NOT NULL,
        issues      text[] NOT NULL,
        parent_id   text
    );
    CREATE TABLE {s}.texts (
        num        bigint PRIMARY KEY,
        title      text COMPRESSION lz4 NOT NULL,
        body       text COMPRESSION lz4 NOT NULL,
        restricted text COMPRESSION lz4 NOT NULL
    );
    CREATE TABLE {s}.fts (
        num    bigint PRIMARY KEY,
        pub    tsvector COMPRESSION lz4 NOT NULL,
        ins    tsvector COMPRESSION lz4,
        titles tsvector NOT NULL,
        long   boolean NOT NULL
    );
    CREATE INDEX fts_pub ON {s}.fts USING gin (pub);
    CREATE INDEX fts_ins ON {s}.fts USING gin (ins);
    CREATE INDEX fts_titles ON {s}.fts USING gin (titles);
    CREATE TABLE {s}.removed (seq bigserial PRIMARY KEY, num bigint NOT NULL)
    """,
    # common   bitmaps of the tokens most documents hold (see gazette.search.pg_common)
    """
    CREATE TABLE {s}.common (
        token text NOT NULL,
        part  integer NOT NULL,
        bits  bytea NOT NULL,
        PRIMARY KEY (part, token)
    );
    CREATE INDEX common_token ON {s}.common (token)
    """,
    # docs.title_tokens, docs.tokens: the length of a document's title and of all its text
    # (title, body, restricted) in tokens of its stream, what BM25 normalises by as the
    # SQLite engine's FTS5 tables do (see gazette.search.fts5_rank); NULL in documents
    # written before this version (``problems`` asks for a rebuild)
    """
    ALTER TABLE {s}.docs ADD COLUMN title_tokens integer;
    ALTER TABLE {s}.docs ADD COLUMN tokens integer
    """,
    # title_counts: how many documents' titles hold each token, kept by the writers (ranking
    # the title tier needs it; counting through GIN visits every row that holds the token),
    # counted from the stored titles for an index written before
    """
    CREATE TABLE {s}.title_counts (token text PRIMARY KEY, docs integer NOT NULL);
    INSERT INTO {s}.title_counts(token, docs)
        SELECT lexeme, count(*) FROM {s}.fts, unnest(tsvector_to_array(titles)) AS lexeme
        GROUP BY lexeme
    """,
    # texts kept in the table's own rows up to a page (8 kB), compressed (lz4) only beyond
    # that, rather than compressed from 2 kB and moved out to the TOAST table: a search reads
    # the texts of hundreds of documents, and fetching each from TOAST took three times as
    # long. Texts written before keep their place until rewritten (``gazette reindex``).
    """
    ALTER TABLE {s}.texts SET (toast_tuple_target = 8160);
    ALTER TABLE {s}.texts ALTER COLUMN title SET STORAGE MAIN,
        ALTER COLUMN body SET STORAGE MAIN, ALTER COLUMN restricted SET STORAGE MAIN
    """,
    # texts_titles: the titles beside their numbers in an index of their own, so that the
    # title tier reads a thousand titles from the index alone (with texts kept in the rows,
    # each title read from the table was a page of its own: 6 of 11 ms of a common title
    # word's query on 100,000 documents)
    """
    CREATE INDEX texts_titles ON {s}.texts (num) INCLUDE (title)
    """,
    # title_postings: which documents' titles hold each token, and how often, kept by the
    # writers beside title_counts, in the order the title tier reads them (a token's newest
    # documents first, from the index alone). Through GIN, the newest thousand of a common
    # title word's documents meant walking the table newest first (40,000 rows for 部门 on
    # 100,000 documents), and their titles were read again to count the word in them.
    """
    CREATE TABLE {s}.title_postings (
        token text NOT NULL,
        num   bigint NOT NULL,
        freq  integer NOT NULL,
        PRIMARY KEY (token, num) INCLUDE (freq)
    );
    INSERT INTO {s}.title_postings(token, num, freq)
        SELECT t.lexeme, f.num, cardinality(t.positions) FROM {s}.fts f, unnest(f.titles) t
    """,
    # docs.plain: whether no part of a document's text needs NFKC (see
    # gazette.search.analysis.needs_nfkc), so that ranking may count words in it without
    # checking it first (the check cost as much as reading the text); NULL, checked as
    # before, in documents written before this version until they are written again
    """
    ALTER TABLE {s}.docs ADD COLUMN plain boolean
    """,
    # title_fts: the titles' tsvectors in a table of their own, out of fts. Every word
    # matched through GIN visits the fts rows of its documents (for their numbers), and the
    # titles' tsvectors, inline, made those rows five times wider: a word in 4,600 documents
    # of 100,000 visited 2,900 pages. Rows written before keep the dropped column's bytes
    # until they are written again (``gazette reindex``).
    """
    CREATE TABLE {s}.title_fts (num bigint PRIMARY KEY, titles tsvector NOT NULL);
    INSERT INTO {s}.title_fts(num, titles) SELECT num, titles FROM {s}.fts;
    CREATE INDEX title_fts_gin ON {s}.title_fts USING gin (titles);
    ALTER TABLE {s}.fts DROP COLUMN titles
    """,
)


def driver() -> Any:
    """The ``psycopg`` module.

    Raises:
        MissingDependency: psycopg (or its pool) is not installed.
    """
    try:
        import psycopg
        import psycopg_pool  # noqa: F401 - checked here, used by open_pool
    except ImportError as exc:
        raise MissingDependency(
            "PostgreSQL检索引擎", "psycopg[binary] 和 psycopg-pool", EXTRA
        ) from exc
    return psycopg


def masked(dsn: str) -> str:
    """A DSN fit to show: without its password."""
    psycopg = driver()
    try:
        params = psycopg.conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return "<unreadable DSN>"
    params.pop("password", None)
    return str(psycopg.conninfo.make_conninfo(**params))


def has_password(dsn: str) -> bool:
    """Whether a DSN carries a password (which should then not be stored anywhere)."""
    psycopg = driver()
    try:
        return "password" in psycopg.conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return False


def same_database(first: str, second: str) -> bool:
    """Whether two DSNs name the same database the same way (their parameters, in any
    order and spelling, are equal)."""
    psycopg = driver()
    try:
        conninfo = psycopg.conninfo.conninfo_to_dict
        return bool(conninfo(first) == conninfo(second))
    except psycopg.ProgrammingError:
        return first == second


def check_schema_name(name: str) -> str:
    """A schema name, checked (lower-case letters, digits and ``_``: it is put into SQL)."""
    if not _SCHEMA_NAME.fullmatch(name):
        raise ArchiveError(name, "检索模式名只能由小写字母、数字和_组成")
    return name


def lock_key(schema: str) -> int:
    """The advisory lock that serialises the writers (and migrations) of one schema."""
    return zlib.crc32(f"gazette-search:{schema}".encode()) - (1 << 31)


def open_pool(dsn: str, location: str, size: int) -> Any:
    """A pool of autocommit connections, with one opened to check that the server answers.

    Raises:
        ArchiveError: the server cannot be reached or refuses the connection.
    """
    psycopg = driver()
    from psycopg_pool import ConnectionPool, PoolTimeout

    try:
        psycopg.conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError as exc:
        raise InvalidArgument(
            f"不是PostgreSQL的DSN（{_first_line(exc)}）",
            hint="格式为 postgresql://USER@HOST:PORT/DB 或 postgresql:///DB?host=/socket/dir",
        ) from exc
    with translated(location):
        # Connect once directly: a bad DSN or an unreachable server is reported at once,
        # with the server's own reason, rather than after the pool's timeout.
        psycopg.connect(dsn, connect_timeout=10).close()
    # A connection that sat idle is checked before use (the server may have restarted
    # meanwhile); one returned moments ago is not: the check costs a round trip, which for a
    # search whose answer is cached is a third of its time.
    returned: dict[int, float] = {}

    def check(conn: Any) -> None:
        if time.monotonic() - returned.get(id(conn), 0.0) > CHECK_IDLE:
            ConnectionPool.check_connection(conn)

    def reset(conn: Any) -> None:
        returned[id(conn)] = time.monotonic()

    pool = ConnectionPool(
        dsn,
        min_size=1,
        max_size=max(1, size),
        kwargs={"autocommit": True},
        open=False,
        check=check,
        reset=reset,
        name=f"gazette-search {location}",
    )
    try:
        pool.open(wait=True, timeout=30)
    except PoolTimeout as exc:
        pool.close()
        raise ArchiveError(location, f"检索数据库没有响应（{exc}）") from exc
    return pool


@contextlib.contextmanager
def translated(location: str) -> Iterator[None]:
    """Turn the driver's errors into the library's: an unreachable server into an
    :class:`ArchiveError`, anything else the database says into :class:`IndexDamaged`
    (the index is derived data: a rebuild makes its tables anew)."""
    psycopg = driver()
    try:
        yield
    except psycopg.OperationalError as exc:
        raise ArchiveError(
            location,
            f"无法使用检索数据库（{_first_line(exc)}）",
            hint="请确认PostgreSQL服务器正在运行，且DSN指向它",
        ) from exc
    except psycopg.Error as exc:
        raise IndexDamaged(location, f"{type(exc).__name__}: {_first_line(exc)}") from exc


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def migrate(conn: Any, schema: str, location: str) -> int:
    """Bring a schema's tables to the newest version (in one transaction). Returns the
    version found (0 for a new index).

    Raises:
        SchemaTooNew: the tables were made by a newer version of the library.
    """
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key(schema),))
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {schema}.versions ("
            " version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        found = conn.execute(f"SELECT coalesce(max(version), 0) FROM {schema}.versions")
        version = int(found.fetchone()[0])
        if version > len(MIGRATIONS):
            raise SchemaTooNew(location, version, len(MIGRATIONS))
        for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in step.format(s=schema).split(";\n"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"INSERT INTO {schema}.versions(version) VALUES (%s)", (number,))
    return version


def drop(dsn: str, schema: str = DEFAULT_SCHEMA) -> None:
    """Remove an index's tables (its schema) from a database."""
    psycopg = driver()
    location = masked(dsn)
    with translated(location), psycopg.connect(dsn, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {check_schema_name(schema)} CASCADE")
