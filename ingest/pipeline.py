"""Batch ingest: files in, archive documents out.

Each file goes through small stages:

1. :func:`identify` — hash the bytes; a file the archive already holds is a duplicate and is
   not read again (this is what makes a batch resumable);
2. :func:`prepare` — sniff the format, read it, parse the elements and everything the text
   says, giving a :class:`~gazette.archive.Submission` (pure: no archive access, so it runs in
   worker processes);
3. :meth:`gazette.archive.Archive.add` — store it, all or nothing (in the one writer process).

A file that fails gives a result with the reason and the batch goes on.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

from gazette.archive import Archive, Submission
from gazette.archive.store import sha256_file
from gazette.errors import CatalogError, GazetteError, IngestError, UnsupportedFormat
from gazette.model import SourceFile
from gazette.wording import os_error
from ingest import stages, triage
from ingest.executors import Executor, LocalExecutor, Prepare
from ingest.sniff import sniff

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _store_problem(exc: Exception) -> str:
    """Why storing a read file failed, in a few words."""
    if isinstance(exc, OSError):
        return os_error(exc)
    if isinstance(exc, CatalogError):
        return "目录数据库出错"
    return "数据有误"


def display_path(path: str | os.PathLike[str]) -> str:
    """A path safe to print: control characters escaped, very long names shortened."""
    text = os.fspath(path)
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text if len(text) <= 300 else text[:140] + "…" + text[-140:]


@attrs.frozen
class FileResult:
    """The outcome for one input file.

    Attributes:
        path: the file.
        outcome: ``ingested``, ``duplicate``, ``failed`` or ``skipped`` (a file found in a
            folder walk that is not a document: an image, data, a licence; or a link out of
            the folder walked, not read).
        ids: top-level document ids it holds.
        error: the reason it failed, or why it was skipped.
        reason: a short code for the failure (``corrupt``, ``encrypted``, ``needs_ocr`` …), or
            for a file that was stored, ``needs_ocr`` or ``edited_export`` (an export of the
            archive whose body no longer gives the SHA-256 its header states).
        merged: existing documents the file added a rendition or version to.
        format: the detected format.
        notes: what an ingested file still lacks (pages that need OCR, and why), or what is
            wrong with it (an edited export).
    """

    path: str
    outcome: str
    ids: tuple[str, ...] = ()
    error: str | None = None
    reason: str | None = None
    merged: tuple[str, ...] = ()
    format: str | None = None
    notes: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "outcome": self.outcome,
            "ids": list(self.ids),
            "error": self.error,
            "reason": self.reason,
            "format": self.format,
            "merged": list(self.merged),
            "notes": list(self.notes),
        }


@attrs.frozen
class FormatSummary:
    """One row of a batch's summary: the outcomes for one format.

    Attributes:
        format: ``txt``, ``md``, ``html``, ``docx``, ``pdf``, ``ofd``, or ``?`` when unknown.
        ingested, duplicate, failed: file counts.
        reasons: ``(reason, count)`` of the failures, e.g. ``(("corrupt", 2),)``.
    """

    format: str
    ingested: int
    duplicate: int
    failed: int
    reasons: tuple[tuple[str, int], ...] = ()

    @property
    def total(self) -> int:
        return self.ingested + self.duplicate + self.failed

    def as_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "ingested": self.ingested,
            "duplicate": self.duplicate,
            "failed": self.failed,
            "reasons": dict(self.reasons),
        }


@attrs.frozen
class BatchReport:
    """All results of a batch, with counts.

    Attributes:
        results: one per file, in the order the files were found.
        hidden: how many of the documents the batch ingested or found again the public view
            hides (attribute unknown, on request, withheld), which ``list``, ``show`` and
            ``search`` in the public view will not show.
    """

    results: tuple[FileResult, ...]
    hidden: int = 0

    @property
    def summary(self) -> dict[str, int]:
        counts = {"ingested": 0, "duplicate": 0, "failed": 0, "skipped": 0}
        for result in self.results:
            counts[result.outcome] += 1
        counts["hidden"] = self.hidden
        return counts

    @property
    def skipped(self) -> tuple[FileResult, ...]:
        return tuple(r for r in self.results if r.outcome == "skipped")

    @property
    def ok(self) -> bool:
        return self.summary["failed"] == 0

    def by_format(self) -> list[FormatSummary]:
        """Counts per detected format (``?`` when the format could not be told), in a stable
        order, with the reasons of the failures."""
        rows: dict[str, dict[str, Any]] = {}
        for result in self.results:
            if result.outcome == "skipped":
                continue  # never read: no format
            row = rows.setdefault(
                result.format or "?",
                {"ingested": 0, "duplicate": 0, "failed": 0, "reasons": {}},
            )
            row[result.outcome] += 1
            if result.outcome == "failed":
                reason = result.reason or "failed"
                row["reasons"][reason] = row["reasons"].get(reason, 0) + 1
        order = ["txt", "md", "html", "docx", "pdf", "ofd"]
        return [
            FormatSummary(
                fmt,
                rows[fmt]["ingested"],
                rows[fmt]["duplicate"],
                rows[fmt]["failed"],
                tuple(sorted(rows[fmt]["reasons"].items())),
            )
            for fmt in sorted(rows, key=lambda f: (order.index(f) if f in order else 99, f))
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "results": [r.as_json() for r in self.results],
            "summary": self.summary,
            "by_format": [row.as_json() for row in self.by_format()],
        }


@attrs.frozen
class Found:
    """A file to ingest: named on the command line (``explicit``) or found in a folder walk."""

    path: Path
    explicit: bool


def expand(
    paths: Iterable[str | os.PathLike[str]],
    *,
    recursive: bool,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    skipped: list[tuple[Path, str]] | None = None,
) -> Iterator[Found]:
    """The files named by ``paths`` (folders are walked when ``recursive``), sorted per folder.

    Inside a folder, hidden files are skipped, symbolic links to folders are not followed,
    and a symbolic link that leads out of the folder walked (to ``/etc/passwd``) is not
    read: it is added to ``skipped`` with the reason, when given. A link named on the
    command line is followed (it was asked for). In a walk, a file is kept when it matches
    one of the ``include`` globs (all files when there are none) and none of the ``exclude``
    globs; a glob is matched against the file's name and its path relative to the walked
    folder. Files named explicitly are always kept.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            if not recursive:
                yield Found(path, True)  # reported as an error: a folder without --recursive
                continue
            tree = path.resolve()
            for root, dirs, files in os.walk(path, followlinks=False):
                for name in sorted(d for d in dirs if not d.startswith(".")):
                    entry = Path(root) / name
                    if entry.is_symlink() and not _inside(entry, tree) and skipped is not None:
                        skipped.append((entry, _outside(entry, "folder")))
                dirs[:] = sorted(
                    d for d in dirs if not d.startswith(".") and not (Path(root) / d).is_symlink()
                )
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    entry = Path(root) / name
                    if include and not triage.matches(entry, path, include):
                        continue
                    if exclude and triage.matches(entry, path, exclude):
                        continue
                    if entry.is_symlink() and not _inside(entry, tree):
                        if skipped is not None:
                            skipped.append((entry, _outside(entry, "file")))
                        continue
                    yield Found(entry, False)
        else:
            yield Found(path, True)


def _inside(link: Path, tree: Path) -> bool:
    """Whether a link leads to something inside ``tree`` (a broken link does not)."""
    try:
        return link.resolve(strict=True).is_relative_to(tree)
    except (OSError, RuntimeError):  # broken, or a loop of links
        return False


def _outside(link: Path, what: str) -> str:
    try:
        target = os.readlink(link)
    except OSError:
        target = "?"
    kind = "文件夹" if what == "folder" else "文件"
    return f"是指向所遍历文件夹之外的{kind}的链接（{display_path(target)}），未读取"


def _special_kind(path: Path) -> str | None:
    """What a path that exists but is no regular file is (``None`` when it does not exist)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    for test, kind in (
        (stat.S_ISFIFO, "管道"),
        (stat.S_ISSOCK, "套接字"),
        (stat.S_ISCHR, "字符设备"),
        (stat.S_ISBLK, "块设备"),
    ):
        if test(mode):
            return kind
    return "not a file"


def identify(path: Path) -> SourceFile:
    """Hash a file and name its format.

    Raises:
        IngestError: the file is missing, unreadable, empty, or of no supported format.
    """
    if path.is_dir():
        raise IngestError(display_path(path), "是文件夹", hint="遍历文件夹请加 `--recursive`")
    try:
        if not path.is_file():
            kind = _special_kind(path)
            if kind is not None:
                # Never opened: reading a FIFO would wait for a writer, a device may not end.
                raise IngestError(display_path(path), f"不是普通文件（是{kind}）")
            raise IngestError(display_path(path), "文件不存在")
        size = path.stat().st_size
        fmt = sniff(path)
        sha = sha256_file(path)
    except PermissionError as exc:
        raise IngestError(display_path(path), "没有读取权限") from exc
    except IsADirectoryError as exc:  # pragma: no cover - raced with is_dir
        raise IngestError(display_path(path), "是文件夹") from exc
    except OSError as exc:
        if isinstance(exc, GazetteError):
            raise
        raise IngestError(display_path(path), f"无法读取（{os_error(exc)}）") from exc
    return SourceFile(sha256=sha, format=fmt, path=display_path(path), size=size)


def prepare(path: Path, source: SourceFile) -> Submission:
    """Read and parse one file into a submission (no archive access)."""
    return stages.build_submission(path, source)


def ingest_paths(
    archive: Archive,
    paths: Iterable[str | os.PathLike[str]],
    *,
    recursive: bool = False,
    jobs: int | None = None,
    progress: Callable[[FileResult], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    stage: Prepare = prepare,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    executor: Executor | None = None,
) -> BatchReport:
    """Ingest files and folders into the archive.

    Files found in a folder walk that are not documents (images, data, a licence, plain text
    with no trace of an official document) are *skipped* with the reason; the same files
    named explicitly are read, and fail with the reason when they cannot be.

    Files are read and parsed, and their scanned pages recognised, by ``executor``: worker
    processes on this machine (:class:`~ingest.executors.LocalExecutor`, the default) or Ray
    tasks over a cluster (:class:`~ingest.executors.cluster.RayExecutor`); everything is
    stored here, in this process, the same way whichever reads. A worker that dies (killed
    for memory, crashed in a native library) does not end the batch: the file it held is
    reported as failed (a page it held, as failed on that page), and the batch goes on.

    Args:
        archive: the open archive.
        paths: files and folders.
        recursive: walk folders.
        jobs: worker processes for reading and parsing (default: the CPU count, at most 4;
            1 reads in this process); used when no ``executor`` is given.
        progress: called with each file's result as it completes.
        on_total: called once with the number of files found.
        stage: the function that reads and parses one file into a submission (it runs in
            the worker processes, so it must be importable by name).
        include, exclude: glob patterns that select the files of a folder walk (see
            :func:`expand`).
        executor: where files are read and pages recognised (default: a
            :class:`~ingest.executors.LocalExecutor` with ``jobs`` readers).

    Returns:
        The report: one result per file, the counts, and how many of the documents the
        public view hides.

    The search index catches up every 200 files and at the end of the batch (see
    :meth:`gazette.archive.Archive.deferred_indexing`), not after every file.
    """
    from ingest.ocr import cache_in

    skipped: list[tuple[Path, str]] = []
    files = list(
        expand(paths, recursive=recursive, include=include, exclude=exclude, skipped=skipped)
    )
    # Pages recognised by OCR are cached in the archive as they are done, so a batch that is
    # interrupted does not recognise them again.
    with archive.deferred_indexing(), cache_in(archive.root):
        results = _ingest(
            archive, files, skipped, executor or LocalExecutor(jobs), progress, on_total, stage
        )
    return BatchReport(results, hidden=_hidden(archive, results))


def _hidden(archive: Archive, results: Iterable[FileResult]) -> int:
    """How many of the documents in ``results`` the public view hides."""
    ids = {doc_id for r in results if r.outcome in {"ingested", "duplicate"} for doc_id in r.ids}
    public = archive.public
    return sum(1 for doc_id in ids if not public.visible(doc_id))


def _ingest(
    archive: Archive,
    found: list[Found],
    skipped: list[tuple[Path, str]],
    executor: Executor,
    progress: Callable[[FileResult], None] | None,
    on_total: Callable[[int], None] | None,
    stage: Prepare,
) -> tuple[FileResult, ...]:
    files = [f.path for f in found]
    if on_total:
        on_total(len(files) + len(skipped))
    results: dict[int, FileResult] = {}
    current = {"index": 0}

    def emit(result: FileResult) -> None:
        results[current["index"]] = result
        if progress:
            progress(result)

    for n, (link, why) in enumerate(skipped):
        current["index"] = len(files) + n
        emit(
            FileResult(
                display_path(link),
                "skipped",
                error=f"{display_path(link)}：{why}",
                reason="link_outside_tree",
            )
        )
    todo: list[tuple[int, Path, SourceFile]] = []
    for index, path in enumerate(files):
        current["index"] = index
        try:
            source = identify(path)
        except UnsupportedFormat as exc:
            # A stray file beside the documents (an image, data, a licence) is skipped; a
            # file named as a document (``report.pdf`` holding a PNG) is a failure.
            stray = not found[index].explicit and not triage.named_as_document(path)
            outcome = "skipped" if stray else "failed"
            emit(FileResult(display_path(path), outcome, error=str(exc), reason=exc.reason))
            continue
        except IngestError as exc:
            emit(FileResult(display_path(path), "failed", error=str(exc), reason=exc.reason))
            continue
        if not found[index].explicit and not archive.has_source(source.sha256):
            stray_text = triage.not_a_document(path, source.format)
            if stray_text is not None:
                emit(
                    FileResult(
                        source.path,
                        "skipped",
                        error=f"{source.path}：{stray_text}",
                        reason="not_a_document",
                        format=source.format,
                    )
                )
                continue
        if archive.has_source(source.sha256):
            result = archive.add(Submission(source=source, path=path, documents=()))
            emit(FileResult(source.path, "duplicate", result.ids, format=source.format))
            continue
        todo.append((index, path, source))

    def store(
        index: int, path: Path, source: SourceFile, prepared: Submission | IngestError | str
    ) -> None:
        current["index"] = index
        if archive.has_source(source.sha256):  # the same bytes twice in one batch
            result = archive.add(Submission(source=source, path=path, documents=()))
            emit(FileResult(source.path, "duplicate", result.ids, format=source.format))
            return
        if isinstance(prepared, IngestError):
            archive.log(
                "ingest", source.path, "failed", reason=prepared.reason, error=str(prepared)
            )
            emit(
                FileResult(
                    source.path,
                    "failed",
                    error=str(prepared),
                    reason=prepared.reason,
                    format=source.format,
                )
            )
            return
        if isinstance(prepared, str):
            kind = prepared.split(":", 1)[0]
            message = f"{source.path}：读取时出现内部错误（{kind}）"
            archive.log(
                "ingest", source.path, "failed", reason="internal", error=message, detail=prepared
            )
            emit(
                FileResult(
                    source.path, "failed", error=message, reason="internal", format=source.format
                )
            )
            return
        try:
            added = archive.add(prepared)
        except IngestError as exc:
            emit(
                FileResult(
                    source.path, "failed", error=str(exc), reason=exc.reason, format=source.format
                )
            )
            return
        except (OSError, ValueError, CatalogError) as exc:
            emit(
                FileResult(
                    source.path,
                    "failed",
                    error=f"{source.path}：未能存储（{_store_problem(exc)}）",
                    reason="store_failed",
                    format=source.format,
                )
            )
            return
        pending = prepared.state != "stored"
        edited = bool(prepared.detail.get("edited_export"))
        emit(
            FileResult(
                source.path,
                added.outcome,
                added.ids,
                reason=prepared.state if pending else ("edited_export" if edited else None),
                merged=added.merged,
                format=source.format,
                notes=tuple(
                    prepared.detail.get("warnings", ())
                    if pending
                    else prepared.detail.get("notes", ())
                ),
            )
        )

    executor.read_files(todo, stage, store)
    return tuple(results[i] for i in sorted(results))
