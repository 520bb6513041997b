"""What ``gazette verify`` reads of the catalog: its own health, the originals it lists, the
documents' revisions and the index queue.

:func:`reading` turns what the database raises while these are read into
:class:`~gazette.errors.CatalogDamaged`, so the checks need not know the catalog is SQLite.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from gazette.archive import dbapi, integrity, reads
from gazette.errors import CatalogDamaged

if TYPE_CHECKING:
    from gazette.archive.archive import Archive


class StoredOriginal(NamedTuple):
    """An original the catalog lists: its hash and the path it was ingested from."""

    sha256: str
    path: str


@contextmanager
def reading(catalog: Path | str) -> Iterator[None]:
    """Raise :class:`CatalogDamaged` (naming ``catalog``) for a database error in the block."""
    try:
        yield
    except dbapi.ERRORS as exc:
        raise CatalogDamaged(catalog, str(exc)) from exc


def quick_check(archive: Archive) -> list[str]:
    """The database's quick check of the catalog: ``["ok"]``, or up to five problems."""
    return dbapi.quick_check(archive.conn)


def originals(archive: Archive) -> list[StoredOriginal]:
    """Every original the catalog lists, by hash."""
    return [
        StoredOriginal(r["sha256"], r["path"])
        for r in reads.fetch_all(archive.conn, "SELECT sha256, path FROM sources ORDER BY sha256")
    ]


def original_hashes(archive: Archive) -> set[str]:
    """The hashes of every original the catalog lists."""
    return {r[0] for r in archive.conn.execute("SELECT sha256 FROM sources").fetchall()}


def tampered(archive: Archive) -> list[integrity.Tampered]:
    """Every catalog row whose content does not match its checksum (or chain)."""
    return list(integrity.check(archive.conn))


def revisions(archive: Archive) -> dict[str, int]:
    """The revision of every document (attachments included), by id."""
    return {
        r["id"]: r["rev"] for r in reads.fetch_all(archive.conn, "SELECT id, rev FROM documents")
    }


def queued_for_index(archive: Archive) -> set[str]:
    """The documents whose index update is still queued."""
    return {r["doc_id"] for r in reads.fetch_all(archive.conn, "SELECT doc_id FROM index_queue")}
