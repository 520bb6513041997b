"""Consistent backups of a live archive, and restoring them.

A backup is a directory::

    <dest>/
        catalog.sqlite      a snapshot taken with SQLite's online backup API
        objects/ab/<sha256> every original the snapshot refers to
        BACKUP.json         when, from where, counts and the catalog snapshot's SHA-256

The catalog snapshot is consistent at one instant even while other processes write (the
backup API copies pages under a read transaction). A catalog kept in PostgreSQL is copied
into a new SQLite catalog of the same schema version, row for row (checksums included), inside
one repeatable-read transaction, each table read in batches (memory holds a batch, not a
table): the backup is portable, and ``verify`` finds the restored archive intact (rows keep
their order).

:func:`restore` makes a SQLite archive, or one whose catalog and search index live in an empty
PostgreSQL database (``catalog=DSN``, see :mod:`gazette.archive.pg_restore`), from either kind
of backup.

Originals are immutable and stored under their hash, so copying the ones the snapshot names
after the snapshot was taken gives a consistent whole. The search index is derived data and is
not copied: :func:`restore` rebuilds it, then verifies the restored archive.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import json
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from gazette.archive.store import ObjectStore, sha256_file
from gazette.errors import ArchiveError, InvalidArgument

if TYPE_CHECKING:
    from gazette.archive import Archive
    from gazette.verify import VerifyReport

MANIFEST = "BACKUP.json"


@attrs.frozen
class BackupInfo:
    """What a backup holds."""

    path: Path
    created_at: str
    source: str
    documents: int
    originals: int
    catalog_sha256: str

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "created_at": self.created_at,
            "source": self.source,
            "documents": self.documents,
            "originals": self.originals,
            "catalog_sha256": self.catalog_sha256,
        }


def _empty_dir(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


def backup(
    archive: Archive, dest: str | os.PathLike[str], *, progress: Callable[[int], None] | None = None
) -> BackupInfo:
    """Write a consistent backup of ``archive`` into the empty (or new) directory ``dest``.

    Raises:
        InvalidArgument: ``dest`` exists and is not empty, or lies inside the archive.
    """
    target = Path(dest)
    if not _empty_dir(target):
        raise InvalidArgument(f"备份目标 {target} 不是空的", hint="请选择一个新的文件夹")
    if target.resolve().is_relative_to(archive.root.resolve()):
        raise InvalidArgument(f"备份目标 {target} 位于档案之内")
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    snapshot_path = staging / "catalog.sqlite"
    if archive.catalog.postgres:
        _copy_catalog(archive.conn, snapshot_path)
        source = None
    else:
        source = sqlite3.connect(archive.root / "catalog.sqlite", timeout=30.0)
    try:
        snapshot = sqlite3.connect(snapshot_path)
        try:
            if source is not None:
                source.backup(snapshot, pages=1024)
            hashes = [row[0] for row in snapshot.execute("SELECT sha256 FROM sources")]
            documents = snapshot.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        finally:
            snapshot.close()
    finally:
        if source is not None:
            source.close()
    objects = ObjectStore(staging / "objects")
    for sha in hashes:
        objects.put_file(archive.objects.path(sha), sha)
        if progress:
            progress(1)
    info = BackupInfo(
        path=target,
        created_at=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        source=str(archive.root),
        documents=int(documents),
        originals=len(hashes),
        catalog_sha256=sha256_file(snapshot_path),
    )
    (staging / MANIFEST).write_text(
        json.dumps(info.as_json(), ensure_ascii=False, indent=2) + "\n", "utf-8"
    )
    if target.exists():
        target.rmdir()
    os.replace(staging, target)
    return info


def _copy_catalog(conn: Any, path: Path) -> None:
    """Copy a PostgreSQL catalog into a new SQLite catalog at ``path`` (one instant of it),
    each table read in batches through a server-side cursor; the copy's search engine is
    SQLite's (its index is rebuilt on restore)."""
    from gazette.archive.pg_session import batches
    from gazette.archive.schema import migrate

    target = sqlite3.connect(path, isolation_level=None)
    try:
        migrate(target, str(path))
        conn.execute("BEGIN")
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        try:
            target.execute("BEGIN")
            target.execute("DELETE FROM meta")
            names = [
                r[0]
                for r in target.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                    " AND name NOT LIKE 'sqlite_%' AND name != 'gazette_changes'"
                    " ORDER BY name"  # the change counter is the copy's own
                )
            ]
            for table in names:
                columns = ", ".join(
                    f'"{r[1]}"' for r in target.execute(f"PRAGMA table_info({table})")
                )
                count = len(target.execute(f"PRAGMA table_info({table})").fetchall())
                target.executemany(  # a batch in memory at a time, not the table
                    f"INSERT INTO {table}({columns}) VALUES ({', '.join('?' * count)})",
                    itertools.chain.from_iterable(
                        batches(conn, f"SELECT {columns} FROM {table} ORDER BY rowid")
                    ),
                )
            target.execute("UPDATE meta SET value = 'sqlite' WHERE key = 'search_engine'")
            target.execute("DELETE FROM meta WHERE key = 'search_dsn'")
            target.execute("COMMIT")
        finally:
            conn.execute("ROLLBACK")
    finally:
        target.close()


def read_manifest(path: str | os.PathLike[str]) -> BackupInfo:
    """The manifest of a backup directory.

    Raises:
        ArchiveError: the directory is not a complete backup.
    """
    root = Path(path)
    manifest = root / MANIFEST
    if not manifest.is_file() or not (root / "catalog.sqlite").is_file():
        raise ArchiveError(root, "不是完整的备份（没有 BACKUP.json 或 catalog.sqlite）")
    data = json.loads(manifest.read_text("utf-8"))
    return BackupInfo(
        path=root,
        created_at=data["created_at"],
        source=data["source"],
        documents=data["documents"],
        originals=data["originals"],
        catalog_sha256=data["catalog_sha256"],
    )


def restore(
    src: str | os.PathLike[str],
    dest: str | os.PathLike[str],
    *,
    actor: str | None = None,
    catalog: str | None = None,
) -> tuple[BackupInfo, VerifyReport]:
    """Restore a backup into the empty (or new) directory ``dest``, rebuild the index, verify.

    Args:
        catalog: where the restored archive keeps its catalog: an empty PostgreSQL database's
            DSN (its search index then lives there too), or ``sqlite`` (default
            ``$GAZETTE_CATALOG``, else ``sqlite``), as for ``gazette init``.

    Raises:
        ArchiveError: the backup is incomplete, or its catalog does not match its manifest or
            cannot be read; the PostgreSQL server cannot be reached.
        InvalidArgument: ``dest`` is not empty; ``catalog`` is not a PostgreSQL DSN, or names
            a database that is not empty.
        CatalogError: the PostgreSQL database refused the catalog.
        SchemaTooNew: a newer library made the backup.
    """
    from gazette.archive import backend, open_archive
    from gazette.verify import verify

    info = read_manifest(src)
    root = Path(src)
    if sha256_file(root / "catalog.sqlite") != info.catalog_sha256:
        raise ArchiveError(root, "目录快照与备份清单不符")
    target = Path(dest)
    if not _empty_dir(target):
        raise InvalidArgument(f"恢复目标 {target} 不是空的", hint="请选择一个新的文件夹")
    dsn = backend.wanted(catalog)
    if dsn is not None:
        from gazette.archive import pg_restore
        from gazette.search.pg_schema import masked

        pg_restore.check_target(dsn, masked(dsn))
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        shutil.copy2(root / "catalog.sqlite", staging / "catalog.sqlite")
        objects = ObjectStore(staging / "objects")
        source_objects = ObjectStore(root / "objects")
        for sha in source_objects:
            objects.put_file(source_objects.path(sha), sha)
        if dsn is None:
            _put_in_place(staging, target)
        else:
            _into_postgres(staging, target, dsn, root / "catalog.sqlite")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    archive = open_archive(target, create=False, actor=actor)
    try:
        archive.reindex()
        with archive.transaction():
            archive.log("restore", str(root), "done", documents=info.documents)
        report = verify(archive)
    finally:
        archive.close()
    return info, report


def _put_in_place(staging: Path, target: Path) -> None:
    if target.exists():
        target.rmdir()
    os.replace(staging, target)


def _into_postgres(staging: Path, target: Path, dsn: str, source: Path) -> None:
    """Load the staged catalog into the database ``dsn`` names, then put the staged directory
    (the originals, and ``catalog.json`` naming the database) in place; the database keeps
    the catalog only once the directory is there."""
    from gazette.archive import backend, pg_restore
    from gazette.search.pg_schema import masked

    snapshot = staging / "catalog.sqlite"
    pg_restore.prepare(snapshot, source)
    placed = False
    try:
        with pg_restore.loaded(snapshot, dsn, masked(dsn), source):
            snapshot.unlink()
            backend.record(staging, dsn)
            _put_in_place(staging, target)
            placed = True
    except BaseException:
        if placed:
            shutil.rmtree(target, ignore_errors=True)
        raise
