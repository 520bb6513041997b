"""Full-text search over the archive, on SQLite FTS5 (the default) or Whoosh.

The index is derived data: :func:`record_for` turns a catalog document into an
:class:`IndexRecord`, a :class:`SearchIndex` stores records and answers queries. The archive keeps
the index in step with the catalog (``gazette.archive``); ``reindex`` rebuilds it, and chooses
the engine. Both engines share the query language, the analysis, the filters, facets, ranking
rules and result types (:mod:`gazette.search.base`); they differ in how text is stored,
matched and scored.
"""

from __future__ import annotations

import os
from pathlib import Path

from gazette.errors import GazetteError, IndexDamaged, InvalidArgument
from gazette.search.analysis import AnalyzerConfig
from gazette.search.base import SearchIndex, StatusSource
from gazette.search.query import Clause, ParsedQuery, parse_query
from gazette.search.records import IndexRecord, record_for
from gazette.search.results import Hit, SearchFilters, SearchResults
from gazette.search.snippets import make_snippet

ENGINES = ("sqlite", "whoosh")
DEFAULT_ENGINE = "sqlite"
ENV_ENGINE = "GAZETTE_SEARCH_ENGINE"


def check_engine(name: str) -> str:
    """The engine name, checked.

    Raises:
        InvalidArgument: not one of :data:`ENGINES`.
    """
    if name not in ENGINES:
        raise InvalidArgument(f"没有“{name}”这一检索引擎", hint=f"可选：{'、'.join(ENGINES)}")
    return name


def default_engine() -> str:
    """``$GAZETTE_SEARCH_ENGINE`` when set, else :data:`DEFAULT_ENGINE`."""
    return check_engine(os.environ.get(ENV_ENGINE) or DEFAULT_ENGINE)


def open_index(
    path: str | os.PathLike[str], engine: str = DEFAULT_ENGINE, config: AnalyzerConfig | None = None
) -> SearchIndex:
    """Open (or create) the index of an engine in a directory.

    Args:
        path: the index directory.
        engine: ``sqlite`` or ``whoosh``.
        config: the analysis of a new index (an existing one keeps its own).

    Raises:
        InvalidArgument: an unknown engine.
        IndexDamaged: the index's files cannot be read (``reindex`` rebuilds them).
    """
    if check_engine(engine) == "whoosh":
        from gazette.search.whoosh_engine import WhooshIndex as engine_class
    else:
        from gazette.search.sqlite_engine import SqliteIndex as engine_class  # type: ignore[assignment]
    try:
        return engine_class(Path(path), config)
    except GazetteError:
        raise
    except Exception as exc:  # derived data in any state: name it, never a traceback
        raise IndexDamaged(Path(path), f"{type(exc).__name__}: {exc}") from exc


__all__ = [
    "DEFAULT_ENGINE",
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
]
