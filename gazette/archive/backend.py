"""Which database holds an archive's catalog.

An archive directory holds its catalog as ``catalog.sqlite``, or names a PostgreSQL database
in ``catalog.json`` (``{"backend": "postgresql", "dsn": "..."}``, the DSN without password:
keep it in ``~/.pgpass`` or ``$PGPASSWORD``). A new archive gets the catalog it is given
(``gazette init DIR --catalog postgresql://…``), else ``$GAZETTE_CATALOG``, else SQLite.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from gazette.errors import ArchiveError, InvalidArgument

if TYPE_CHECKING:
    from gazette.archive.archive import Archive

CATALOG_FILE = "catalog.json"
ENV_CATALOG = "GAZETTE_CATALOG"
SQLITE = "sqlite"
_HINT = "格式为 postgresql://USER@HOST:PORT/DB 或 postgresql:///DB?host=/socket/dir"


def recorded(root: Path) -> str | None:
    """The PostgreSQL DSN an archive directory records (``None``: a SQLite catalog).

    Raises:
        ArchiveError: ``catalog.json`` cannot be read or names no database.
    """
    path = root / CATALOG_FILE
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text("utf-8"))
        dsn = data["dsn"] if data.get("backend") == "postgresql" else None
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ArchiveError(path, f"无法读取目录数据库的记录（{exc}）") from exc
    if not isinstance(dsn, str) or not dsn:
        raise ArchiveError(path, "目录数据库的记录没有给出PostgreSQL的DSN")
    return dsn


@attrs.frozen
class Location:
    """Where an archive about to be opened keeps its catalog (see :func:`locate`).

    Attributes:
        root: the archive directory.
        dsn: the PostgreSQL catalog's DSN (``None``: SQLite).
        new: a new PostgreSQL catalog, to record once it opens.
        made: the directory was made for it (removed again if the catalog fails).
    """

    root: Path
    dsn: str | None
    new: bool = False
    made: bool = False

    def record(self) -> None:
        """Record a new PostgreSQL catalog in the directory."""
        if self.new and self.dsn is not None:
            record(self.root, self.dsn)

    def undo(self) -> None:
        """Remove the directory made for a new catalog that could not be opened."""
        if self.new and self.made:
            shutil.rmtree(self.root, ignore_errors=True)


def locate(root: Path, *, create: bool, catalog: str | None) -> Location:
    """Where the archive in ``root`` keeps its catalog, making the directory of a new one.

    Raises:
        ArchiveError: no archive there and ``create`` is false, or not a directory;
            ``catalog.json`` unreadable.
        InvalidArgument: ``catalog`` is not a PostgreSQL DSN, or not the one the archive uses.
    """
    dsn = recorded(root)
    if dsn is not None or (root / "catalog.sqlite").exists():
        if catalog is not None and wanted(catalog) != dsn:
            raise InvalidArgument(f"档案 {root} 已有目录数据库，不能改用 {catalog}")
        return Location(root, dsn)
    if not create:
        raise ArchiveError(root, "此处没有档案", hint="运行 `gazette ingest` 即可新建档案")
    if root.exists() and not root.is_dir():
        raise ArchiveError(root, "不是文件夹")
    dsn = wanted(catalog)
    made = not root.exists()
    root.mkdir(parents=True, exist_ok=True)
    return Location(root, dsn, new=dsn is not None, made=made)


def record(root: Path, dsn: str) -> None:
    """Record in the archive directory that its catalog is the database ``dsn`` names."""
    path = root / CATALOG_FILE
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(
        json.dumps({"backend": "postgresql", "dsn": dsn}, ensure_ascii=False, indent=2) + "\n",
        "utf-8",
    )
    os.replace(temp, path)


def wanted(given: str | None) -> str | None:
    """The PostgreSQL DSN a new archive's catalog should live in (``None``: SQLite): ``given``,
    else ``$GAZETTE_CATALOG``; ``sqlite`` names SQLite.

    Raises:
        InvalidArgument: not a PostgreSQL DSN, or one with a password (it is recorded).
    """
    dsn = given if given is not None else os.environ.get(ENV_CATALOG) or None
    if dsn is None or dsn.strip().lower() == SQLITE:
        return None
    return check(dsn)


def check(dsn: str) -> str:
    """A PostgreSQL DSN fit to record.

    Raises:
        InvalidArgument: not a DSN, or one with a password.
    """
    from gazette.search import pg_schema

    psycopg = pg_schema.driver()
    text = dsn.strip()
    if not text.startswith(("postgresql://", "postgres://")) and "=" not in text:
        raise InvalidArgument(f"目录数据库须为PostgreSQL的DSN，而不是“{dsn}”", hint=_HINT)
    try:
        params = psycopg.conninfo.conninfo_to_dict(text)
    except psycopg.ProgrammingError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InvalidArgument(f"不是PostgreSQL的DSN（{first}）", hint=_HINT) from exc
    if "password" in params:
        raise InvalidArgument(
            "目录数据库的DSN会记入档案：DSN中不要写密码，请把密码放在 ~/.pgpass 或 $PGPASSWORD 中"
        )
    return text


@attrs.frozen
class NewArchive:
    """An archive :func:`make_archive` made.

    Attributes:
        archive: the archive, open.
        catalog: where its catalog lives: ``SQLite``, or the PostgreSQL DSN (no password).
    """

    archive: Archive
    catalog: str


def make_archive(path: str | os.PathLike[str] | None, *, catalog: str | None = None) -> NewArchive:
    """Make a new archive in a directory (``gazette init``).

    Args:
        path: the directory (``$GAZETTE_ARCHIVE`` or ``./gazette-archive`` when omitted).
        catalog: a PostgreSQL DSN for the catalog and search index (default
            ``$GAZETTE_CATALOG``, else SQLite in the directory).

    Raises:
        InvalidArgument: the directory already holds an archive, or ``catalog`` is not a
            PostgreSQL DSN (or carries a password).
        ArchiveError: the directory cannot be used, or the database cannot be reached.
        CatalogError: the database refused to hold the catalog.
    """
    from gazette.archive.opening import default_location, open_archive

    root = Path(path) if path is not None else default_location()
    if (root / "catalog.sqlite").exists() or (root / CATALOG_FILE).exists():
        raise InvalidArgument(f"{root} 已是档案", hint="直接使用 --archive 即可")
    if root.exists() and not root.is_dir():
        raise ArchiveError(root, "不是文件夹")
    archive = open_archive(root, create=True, catalog=catalog if catalog is not None else None)
    dsn = archive.catalog.dsn
    return NewArchive(archive, "SQLite" if dsn is None else str(archive.catalog.path))


__all__ = [
    "CATALOG_FILE",
    "ENV_CATALOG",
    "Location",
    "NewArchive",
    "check",
    "locate",
    "make_archive",
    "record",
    "recorded",
    "wanted",
]
