"""Full-text search over the archive (Whoosh with jieba segmentation and CJK bigrams).

The index is derived data: :func:`record_for` turns a catalog document into an
:class:`IndexRecord`, :class:`SearchIndex` stores records and answers queries. The archive keeps
the index in step with the catalog (``gazette.archive``); ``reindex`` rebuilds it.
"""

from __future__ import annotations

from gazette.search.analysis import AnalyzerConfig
from gazette.search.index import SearchIndex, StatusSource, make_snippet
from gazette.search.query import Clause, ParsedQuery, parse_query
from gazette.search.records import IndexRecord, record_for
from gazette.search.results import Hit, SearchFilters, SearchResults

__all__ = [
    "AnalyzerConfig",
    "Clause",
    "Hit",
    "IndexRecord",
    "ParsedQuery",
    "SearchFilters",
    "SearchIndex",
    "SearchResults",
    "StatusSource",
    "make_snippet",
    "parse_query",
    "record_for",
]
