"""What the parts of :class:`gazette.archive.Archive` use of one another.

The archive is one class assembled from parts, one module each: adding originals and the
plumbing (:mod:`gazette.archive`), disclosure writes (:mod:`gazette.archive.disclosure`),
lifecycle writes (:mod:`gazette.archive.lifecycle`) and the search index's upkeep
(:mod:`gazette.archive.index_sync`). :class:`ArchiveHost` declares, for the type checker only, the
attributes and methods of the archive that a part calls but does not define; at run time it
is an empty base class and every name resolves on :class:`~gazette.archive.Archive`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable
    from contextlib import AbstractContextManager
    from pathlib import Path
    from typing import Any

    from gazette.archive.store import ObjectStore
    from gazette.archive.views import ArchiveView
    from gazette.disclosure import View
    from gazette.search import SearchIndex
    from gazette.search.base import Allowed


class ArchiveHost:
    """The archive as its parts see it (declarations only)."""

    if TYPE_CHECKING:
        root: Path
        conn: sqlite3.Connection
        store: ObjectStore
        actor: str
        search_engine: str
        index_error: str | None
        _index: SearchIndex | None
        _index_deferred: list[int] | None
        _public_revisions: Allowed | None

        def writing(self) -> AbstractContextManager[None]: ...

        def transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...

        def log(self, action: str, target: str | None, outcome: str, **detail: Any) -> None: ...

        def view(self, view: View | str) -> ArchiveView: ...

        @property
        def public(self) -> ArchiveView: ...

        @property
        def internal(self) -> ArchiveView: ...

        @property
        def index(self) -> SearchIndex: ...

        def index_path(self, engine: str | None = None) -> Path: ...

        def resolve_id(self, ref: str) -> str: ...

        def _refresh_derived(self, conn: sqlite3.Connection, doc_id: str) -> None: ...

        def _sync_index_quietly(self) -> None: ...

        def _index_ids(
            self, ids: list[str], progress: Callable[[int], None] | None = None
        ) -> int: ...
