"""Full-text search over the archive, on SQLite FTS5 (the default), PostgreSQL or Whoosh.

The index is derived data: :func:`record_for` turns a catalog document into an
:class:`IndexRecord`, a :class:`SearchIndex` stores records and answers queries. The archive keeps
the index in step with the catalog (``gazette.archive``); ``reindex`` rebuilds it, and chooses
the engine. Both engines share the query language, the analysis, the filters, facets, ranking
rules and result types (:mod:`gazette.search.base`); they differ in how text is stored,
matched and scored.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from gazette.errors import GazetteError, IndexDamaged, InvalidArgument
from gazette.search.analysis import AnalyzerConfig
from gazette.search.base import SearchIndex, StatusSource
from gazette.search.query import Clause, ParsedQuery, parse_query
from gazette.search.records import IndexRecord, record_for
from gazette.search.results import Hit, SearchFilters, SearchResults
from gazette.search.snippets import make_snippet

ENGINES = ("sqlite", "whoosh", "postgresql")
# Engines whose index is named by a DSN (a database), not a directory.
DSN_ENGINES = ("postgresql",)
DEFAULT_ENGINE = "sqlite"
ENV_ENGINE = "GAZETTE_SEARCH_ENGINE"
ENV_DSN = "GAZETTE_SEARCH_DSN"


def check_engine(name: str) -> str:
    """The engine name, checked.

    Raises:
        InvalidArgument: not one of :data:`ENGINES`.
    """
    if name not in ENGINES:
        raise InvalidArgument(f"没有“{name}”这一检索引擎", hint=f"可选：{'、'.join(ENGINES)}")
    return name


def search_dsn(engine: str, given: str | None) -> str:
    """The DSN of a ``postgresql`` index: ``given``, else ``$GAZETTE_SEARCH_DSN``.

    Raises:
        InvalidArgument: neither, or a DSN with a password (the archive records its DSN:
            keep the password in ``~/.pgpass`` or ``$PGPASSWORD``).
    """
    dsn = given or os.environ.get(ENV_DSN)
    if not dsn:
        raise InvalidArgument(
            f"{engine}检索引擎需要数据库：请用 --index-dsn 给出其DSN，或设置 {ENV_DSN}"
        )
    from gazette.search import pg_schema

    if pg_schema.has_password(dsn):
        raise InvalidArgument(
            "检索数据库的DSN会记入目录：DSN中不要写密码，请把密码放在 ~/.pgpass 或 $PGPASSWORD 中"
        )
    return dsn


def default_engine() -> str:
    """``$GAZETTE_SEARCH_ENGINE`` when set, else :data:`DEFAULT_ENGINE`."""
    return check_engine(os.environ.get(ENV_ENGINE) or DEFAULT_ENGINE)


def open_index(
    path: str | os.PathLike[str], engine: str = DEFAULT_ENGINE, config: AnalyzerConfig | None = None
) -> SearchIndex:
    """Open (or create) the index of an engine.

    Args:
        path: the index directory; for ``postgresql``, the DSN of its database
            (``postgresql://user@host/db``, ``postgresql:///db?host=/socket/dir``).
        engine: ``sqlite``, ``whoosh`` or ``postgresql``.
        config: the analysis of a new index (an existing one keeps its own).

    Raises:
        InvalidArgument: an unknown engine.
        IndexDamaged: the index's files cannot be read (``reindex`` rebuilds them).
        MissingDependency: ``postgresql`` without psycopg (the ``postgres`` extra).
        ArchiveError: the PostgreSQL server cannot be reached.
    """
    if check_engine(engine) == "postgresql":
        from gazette.search.pg_engine import PgIndex

        return PgIndex(str(path), config)
    if engine == "whoosh":
        from gazette.search.whoosh_engine import WhooshIndex as engine_class
    else:
        from gazette.search.sqlite_engine import SqliteIndex as engine_class  # type: ignore[assignment]
    try:
        return engine_class(Path(path), config)
    except GazetteError:
        raise
    except Exception as exc:  # derived data in any state: name it, never a traceback
        raise IndexDamaged(Path(path), f"{type(exc).__name__}: {exc}") from exc


def remove_index(path: str | os.PathLike[str], engine: str) -> None:
    """Delete an engine's index: its directory, or for ``postgresql`` its tables."""
    if check_engine(engine) in DSN_ENGINES:
        from gazette.search import pg_schema

        pg_schema.drop(str(path))
    else:
        shutil.rmtree(path, ignore_errors=True)


__all__ = [
    "DEFAULT_ENGINE",
    "DSN_ENGINES",
    "ENGINES",
    "AnalyzerConfig",
    "Clause",
    "Hit",
    "IndexRecord",
    "ParsedQuery",
    "SearchFilters",
    "SearchIndex",
    "SearchResults",
    "StatusSource",
    "check_engine",
    "default_engine",
    "make_snippet",
    "open_index",
    "parse_query",
    "record_for",
    "remove_index",
    "search_dsn",
]
