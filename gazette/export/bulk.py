"""Exporting from an archive: one document, a selection, with every export logged.

These functions read through a disclosure view (public by default) and write each export to
the archive's log (``export`` entries) in one transaction. A document is exported as the view
shows it: in the public view, withheld paragraphs replaced, hidden attachments dropped, and no
link to or name of a hidden document.
"""

from __future__ import annotations

import datetime as _dt
import glob
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from gazette.disclosure import View
from gazette.errors import InvalidArgument
from gazette.export import format_module
from gazette.model import Document

if TYPE_CHECKING:
    from gazette.archive import Archive
    from gazette.archive.views import ArchiveView

#: Search results fetched per page when a query selects the documents.
_PAGE = 200


@attrs.frozen
class ExportedFile:
    """One file an export wrote.

    Attributes:
        doc_id: the document.
        format: the format name.
        path: where it was written (``None`` for standard output).
        sha256: SHA-256 of the bytes.
        size: number of bytes.
    """

    doc_id: str
    format: str
    path: Path | None
    sha256: str
    size: int

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.doc_id,
            "format": self.format,
            "path": str(self.path) if self.path is not None else None,
            "sha256": self.sha256,
            "size": self.size,
        }


def load(view: ArchiveView, ref: str) -> Document:
    """The document a reference names, as ``view`` may show it (the public view has removed
    withheld paragraphs, hidden attachments, and links to and names of hidden documents)."""
    return view.get(ref)


def select(
    view: ArchiveView,
    *,
    refs: Sequence[str] = (),
    query: str | None = None,
    everything: bool = False,
) -> list[str]:
    """Ids of the documents to export: named ones, a search's hits, or all the view shows.

    Raises:
        InvalidArgument: nothing to select by.
        DocumentNotFound: a reference names no visible document.
    """
    if not refs and query is None and not everything:
        raise InvalidArgument(
            "没有选定文件", hint="请列出文件，或用 `--query` 检索，或用 `--all` 导出全部"
        )
    ids: list[str] = []
    for ref in refs:
        ids.append(view.resolve(ref))
    if query is not None:
        offset = 0
        while True:
            results = view.search(query, limit=_PAGE, offset=offset, facets=False)
            ids.extend(hit.id for hit in results.hits)
            offset += len(results.hits)
            if not results.hits or offset >= results.total:
                break
    if everything:
        ids.extend(view.ids())
    seen: set[str] = set()
    return [i for i in ids if not (i in seen or seen.add(i))]  # type: ignore[func-returns-value]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_atomic(path: Path, data: bytes) -> None:
    """Write bytes to a file through a temporary file in the same folder.

    The temporary file's name holds the writer's process id: one that a killed writer left
    (it may hold what only the internal view shows) is removed by the next write of the file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.part"):
        owner = stale.name[len(path.name) + 2 :].split("-", 1)[0]
        if owner.isdigit() and not _pid_alive(int(owner)):
            stale.unlink(missing_ok=True)
    handle, temp = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.{os.getpid()}-", suffix=".part"
    )
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def file_name(doc_id: str, fmt: str) -> str:
    """``<id><suffix>``: ids are unique and safe in file names."""
    return f"{doc_id}{format_module(fmt).suffix}"


def export_document(
    archive: Archive,
    ref: str,
    fmt: str,
    *,
    view: View | str = View.PUBLIC,
    on: _dt.date | None = None,
    output: Path | None = None,
) -> tuple[bytes, ExportedFile]:
    """Export one document (to ``output`` when given) and log it.

    Returns:
        The bytes and what was written.
    """
    reader = archive.view(view)
    doc = load(reader, ref)
    assert doc.id is not None
    data = format_module(fmt).render(doc, on=on)
    if output is not None:
        write_atomic(output, data)
    record = ExportedFile(doc.id, fmt, output, hashlib.sha256(data).hexdigest(), len(data))
    with archive.transaction():
        _log(archive, record, reader.view, on)
    return data, record


def export_many(
    archive: Archive,
    ids: Iterable[str],
    formats: Sequence[str],
    folder: Path,
    *,
    view: View | str = View.PUBLIC,
    on: _dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[ExportedFile]:
    """Export documents into a folder, one file per document and format, and log them.

    Files are named ``<id><suffix>``; an existing file of that name is replaced.
    """
    for fmt in formats:
        format_module(fmt)  # unknown formats fail before anything is written
    reader = archive.view(view)
    on = on or _dt.date.today()
    written: list[ExportedFile] = []
    for doc_id in ids:
        doc = load(reader, doc_id)
        for fmt in formats:
            data = format_module(fmt).render(doc, on=on)
            path = folder / file_name(doc_id, fmt)
            write_atomic(path, data)
            written.append(
                ExportedFile(doc_id, fmt, path, hashlib.sha256(data).hexdigest(), len(data))
            )
        if progress:
            progress(doc_id)
    with archive.transaction():
        for record in written:
            _log(archive, record, reader.view, on)
    return written


def _log(archive: Archive, record: ExportedFile, view: View, on: _dt.date | None) -> None:
    archive.log(
        "export",
        record.doc_id,
        "exported",
        format=record.format,
        path=str(record.path) if record.path is not None else "-",
        sha256=record.sha256,
        size=record.size,
        view=view.value,
        on=(on or _dt.date.today()).isoformat(),
    )
