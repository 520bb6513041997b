"""Opening an archive: where it is when no directory is named (``$GAZETTE_ARCHIVE``, else
``./gazette-archive``) and the defaults an opening takes from the environment (how long a write
waits for another writer, ``$GAZETTE_LOCK_TIMEOUT``). :func:`open_archive` is the way in;
:class:`~gazette.archive.archive.Archive` is what it gives.
"""

from __future__ import annotations

import os
from pathlib import Path

from gazette.archive.archive import Archive

ENV_ARCHIVE = "GAZETTE_ARCHIVE"
DEFAULT_ARCHIVE = "gazette-archive"


def default_location() -> Path:
    """``$GAZETTE_ARCHIVE``, else ``./gazette-archive``."""
    return Path(os.environ.get(ENV_ARCHIVE) or DEFAULT_ARCHIVE)


def open_archive(
    path: str | os.PathLike[str] | None = None,
    *,
    create: bool = True,
    actor: str | None = None,
    lock_timeout: float | None = None,
    search_engine: str | None = None,
    search_dsn: str | None = None,
    catalog: str | None = None,
) -> Archive:
    """Open (or create) the archive in a directory.

    Args:
        path: the archive directory; ``$GAZETTE_ARCHIVE`` or ``./gazette-archive`` when omitted.
        create: create the archive when the directory holds none.
        actor: who is acting, for the log (defaults to the login name).
        lock_timeout: seconds a write waits for another writer before failing (default
            ``$GAZETTE_LOCK_TIMEOUT``, else 30).
        search_engine: the search engine of a new archive, ``sqlite``, ``whoosh`` or
            ``postgresql`` (default ``$GAZETTE_SEARCH_ENGINE``, else ``sqlite``, or
            ``postgresql`` in the catalog's own database for a PostgreSQL catalog). An existing
            archive keeps the engine it records; giving another one is an error (``reindex``
            switches engines).
        search_dsn: the database of a new archive's ``postgresql`` index (default
            ``$GAZETTE_SEARCH_DSN``); recorded in the catalog, so without a password (keep it
            in ``~/.pgpass`` or ``$PGPASSWORD``).
        catalog: where a new archive keeps its catalog: a PostgreSQL DSN
            (``postgresql://USER@HOST:PORT/DB``; the catalog and, unless told otherwise, the
            search index then live in that database), or ``sqlite`` (default
            ``$GAZETTE_CATALOG``, else ``sqlite``). An existing archive keeps the one it has.

    Raises:
        ArchiveError: the directory is not an archive and ``create`` is false, or unusable;
            the catalog's database cannot be reached.
        CatalogError: the catalog's database failed.
        InvalidArgument: an unknown engine, or not the one the archive uses; a catalog that
            is not a PostgreSQL DSN, or not the one the archive uses.
    """
    return Archive(
        Path(path) if path is not None else default_location(),
        create=create,
        actor=actor,
        lock_timeout=lock_timeout
        if lock_timeout is not None
        else float(os.environ.get("GAZETTE_LOCK_TIMEOUT") or 30.0),
        search_engine=search_engine,
        search_dsn=search_dsn,
        catalog=catalog,
    )


__all__ = ["DEFAULT_ARCHIVE", "ENV_ARCHIVE", "default_location", "open_archive"]
