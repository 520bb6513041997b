"""BagIt packages (RFC 8493) of documents for transfer: originals, standard texts, metadata.

A bag is built in a new staging folder next to the destination and moved into place only once
``bagit`` has validated it, so a failed run leaves nothing half-written and no existing folder
is ever turned into a bag. The payload::

    data/
      documents.json                the documents, their files and hashes
      documents/<id>/<id>.txt       the standard text with its status header (and any other
      documents/<id>/<id>.json      formats asked for); the JSON holds all the metadata
      originals/<sha256>.<format>   the files the documents were read from

Manifests and tag manifests are written with SHA-256 and SHA-512.

In the public view an original is included only if everything read from it may be published
in full: a file that also holds a withheld, on-request or undetermined document, or the
withheld paragraphs of a partially disclosed one, is left out (``documents.json`` says so).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from gazette.archive import queries
from gazette.disclosure import View
from gazette.errors import ArchiveError, InvalidArgument, MissingDependency
from gazette.export import format_module
from gazette.export.bulk import ExportedFile, file_name, load
from gazette.export.rendition import build
from gazette.model import DisclosureAttribute
from gazette.staging import staging as staging_folder

if TYPE_CHECKING:
    from gazette.archive import Archive

CHECKSUMS = ("sha256", "sha512")
DEFAULT_FORMATS = ("txt", "json")


@attrs.frozen
class BagReport:
    """What a bag holds.

    Attributes:
        path: the bag.
        documents: ids of the documents in it.
        files: the exported files (paths relative to the bag).
        originals: hashes of the originals included.
        withheld_originals: hashes of originals left out (they hold what the view hides).
        payload_oxum: ``<bytes>.<files>`` of the payload.
    """

    path: Path
    documents: tuple[str, ...]
    files: tuple[ExportedFile, ...]
    originals: tuple[str, ...]
    withheld_originals: tuple[str, ...]
    payload_oxum: str

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "documents": list(self.documents),
            "files": [f.as_json() for f in self.files],
            "originals": list(self.originals),
            "withheld_originals": list(self.withheld_originals),
            "payload_oxum": self.payload_oxum,
        }


def _bagit() -> Any:
    try:
        import bagit
    except ImportError as exc:  # pragma: no cover - a runtime dependency
        raise MissingDependency("BagIt打包", "bagit", None) from exc
    return bagit


def _original_publishable(archive: Archive, sha256: str) -> bool:
    """Whether everything read from an original may be published in full."""
    attributes = queries.attributes_of_original(archive, sha256)
    return bool(attributes) and all(
        attribute == DisclosureAttribute.PROACTIVE for attribute in attributes.values()
    )


def make_bag(
    archive: Archive,
    destination: Path,
    ids: Sequence[str],
    *,
    view: View | str = View.PUBLIC,
    on: _dt.date | None = None,
    formats: Sequence[str] = DEFAULT_FORMATS,
    organization: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> BagReport:
    """Write a BagIt package of documents to a new folder, validate it, log it.

    Args:
        archive: the archive.
        destination: the bag's folder; it must not exist (or be empty).
        ids: the documents (see :func:`gazette.export.bulk.select`).
        view: the disclosure view the documents are read through.
        on: the date statuses are judged on (today by default).
        formats: the formats each document is exported in (``txt`` and ``json`` always).
        organization: ``Source-Organization`` in ``bag-info.txt``.
        progress: called with each document id.

    Raises:
        InvalidArgument: the destination exists and is not empty, or nothing is selected.
        ArchiveError: the bag did not validate (nothing is left behind).
    """
    bagit = _bagit()
    reader = archive.view(view)
    on = on or _dt.date.today()
    formats = tuple(dict.fromkeys([*DEFAULT_FORMATS, *formats]))
    for fmt in formats:
        format_module(fmt)
    if not ids:
        raise InvalidArgument("没有可打包的文件")
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise InvalidArgument(
            f"{destination} 已存在",
            hint="打包须写入新的文件夹；不会在已有的文件夹中打包",
        )
    # Built in a staging folder beside the destination, locked and registered in the archive
    # while it is built: if this process dies, the next writer (or bag) removes it.
    prefix = f".{destination.name}.bagging-"
    with staging_folder(archive.root, destination.parent, prefix) as staging:
        report = _fill(archive, reader, staging, ids, formats, on, progress)
        info = {
            "Source-Organization": organization or "gazette archive",
            "External-Description": (
                f"{len(report['documents'])} documents with their standard texts, metadata and"
                f" originals; {reader.view.value} view; status as of {on.isoformat()}"
            ),
            "External-Identifier": archive.root.name,
            "Bag-Group-Identifier": f"gazette-export-{on.isoformat()}",
            "Gazette-View": reader.view.value,
            "Gazette-Status-Date": on.isoformat(),
        }
        bag = bagit.make_bag(str(staging), info, checksums=list(CHECKSUMS))
        try:
            bag.validate()
        except bagit.BagValidationError as exc:
            raise ArchiveError(destination, "打包结果未通过 BagIt 校验") from exc
        oxum = bag.info.get("Payload-Oxum", "")
        if destination.exists():
            destination.rmdir()  # empty, checked above
        os.replace(staging, destination)
    files = tuple(
        attrs.evolve(f, path=Path("data") / f.path) if f.path is not None else f
        for f in report["files"]
    )
    result = BagReport(
        path=destination,
        documents=tuple(report["documents"]),
        files=files,
        originals=tuple(report["originals"]),
        withheld_originals=tuple(report["withheld"]),
        payload_oxum=oxum,
    )
    with archive.transaction():
        for record in files:
            archive.log(
                "export",
                record.doc_id,
                "bagged",
                format=record.format,
                path=str(destination / record.path) if record.path else None,
                sha256=record.sha256,
                view=reader.view.value,
                on=on.isoformat(),
            )
        archive.log(
            "export",
            None,
            "bag",
            path=str(destination),
            documents=len(result.documents),
            originals=len(result.originals),
            withheld_originals=len(result.withheld_originals),
            payload_oxum=oxum,
            view=reader.view.value,
        )
    return result


def _fill(
    archive: Archive,
    reader: Any,
    root: Path,
    ids: Sequence[str],
    formats: Sequence[str],
    on: _dt.date,
    progress: Callable[[str], None] | None,
) -> dict[str, Any]:
    files: list[ExportedFile] = []
    listing: list[dict[str, Any]] = []
    originals: dict[str, str] = {}
    withheld: set[str] = set()
    for doc_id in ids:
        doc = load(reader, doc_id)
        folder = Path("documents") / doc_id
        entry_files = []
        for fmt in formats:
            data = format_module(fmt).render(doc, on=on)
            relative = folder / file_name(doc_id, fmt)
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            record = ExportedFile(
                doc_id, fmt, relative, hashlib.sha256(data).hexdigest(), len(data)
            )
            files.append(record)
            entry_files.append({"format": fmt, "path": f"data/{relative.as_posix()}"})
        entry_originals = []
        for source in doc.sources:
            if source.sha256 in withheld:
                continue
            if reader.view == View.PUBLIC and not _original_publishable(archive, source.sha256):
                withheld.add(source.sha256)
                continue
            if source.sha256 not in originals:
                relative = Path("originals") / f"{source.sha256}.{source.format}"
                target = root / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                stored = archive.objects.path(source.sha256)
                if not stored.is_file():
                    raise ArchiveError(
                        archive.root,
                        f"存储区中缺少 {doc_id} 的原件 {source.sha256}",
                        hint="请运行 `gazette verify`",
                    )
                shutil.copyfile(stored, target)
                originals[source.sha256] = f"data/{relative.as_posix()}"
            entry_originals.append({"sha256": source.sha256, "path": originals[source.sha256]})
        rendition = build(doc, on=on)
        listing.append(
            {
                "id": doc_id,
                "title": doc.title,
                "doc_number": str(doc.doc_number) if doc.doc_number else None,
                "status": rendition.status.value.value,
                "status_mark": rendition.header_lines[0],
                "body_sha256": rendition.body_hash,
                "content_hash": rendition.text.content_hash if rendition.text else None,
                "files": entry_files,
                "originals": entry_originals,
                "originals_withheld": sum(1 for s in doc.sources if s.sha256 in withheld),
            }
        )
        if progress:
            progress(doc_id)
    index = {
        "view": reader.view.value,
        "status_date": on.isoformat(),
        "documents": listing,
    }
    (root / "documents.json").write_text(
        json.dumps(index, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return {
        "documents": [entry["id"] for entry in listing],
        "files": files,
        "originals": list(originals),
        "withheld": sorted(withheld),
    }
