"""Checking the archive: fixity of originals, catalog against files, index against catalog.

Each problem names what is wrong and what to do. Index drift is repairable (``reindex``);
a missing or changed original is not (restore it from a backup).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from gazette.archive import checks
from gazette.errors import IndexDamaged
from gazette.search.base import index_damage

if TYPE_CHECKING:
    from gazette.archive import Archive


@attrs.frozen
class Problem:
    """One thing ``verify`` found.

    Attributes:
        kind: ``missing_file``, ``changed_file``, ``orphan_file``, ``leftover_temp``,
            ``catalog_tampered`` (a row whose content does not match its checksum, a broken
            disclosure history), ``index_damaged``, ``index_missing``, ``index_stale``,
            ``index_orphan``, ``index_queue``, ``index_analysis``.
        target: the hash or document id concerned.
        detail: what was seen.
        action: what to do about it.
        repairable: whether ``reindex`` (or removing a leftover) fixes it without data loss.
    """

    kind: str
    target: str
    detail: str
    action: str
    repairable: bool


@attrs.frozen
class VerifyReport:
    """The result of a verification."""

    checked_files: int
    checked_documents: int
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def only_repairable(self) -> bool:
        return all(p.repairable for p in self.problems)

    def as_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "checked_files": self.checked_files,
            "checked_documents": self.checked_documents,
            "problems": [attrs.asdict(p) for p in self.problems],
        }


def verify(archive: Archive, *, progress: Callable[[int], None] | None = None) -> VerifyReport:
    """Re-hash every original and compare catalog, files and index.

    Raises:
        CatalogDamaged: the catalog cannot be read as a database.
    """
    where = archive.catalog.path
    with checks.reading(where):
        return _verify(archive, progress)


def _verify(archive: Archive, progress: Callable[[int], None] | None) -> VerifyReport:
    problems: list[Problem] = []
    damage = checks.quick_check(archive)
    if damage != ["ok"]:
        problems.append(
            Problem(
                "catalog_damaged",
                "catalog.sqlite",
                "the catalog database is damaged: " + "; ".join(damage),
                "restore the archive from a backup (gazette restore)",
                False,
            )
        )
    # What a writer that died left (temporary files) is removed when no writer is at work;
    # while one is, its temporary files are its own.
    idle = archive.tidy()
    rows = checks.originals(archive)
    known = {r.sha256 for r in rows}
    for r in rows:
        state = archive.objects.verify(r.sha256)
        if state is None:
            problems.append(
                Problem(
                    "missing_file",
                    r.sha256,
                    f"original of {r.path} is missing",
                    "restore the archive from a backup (gazette restore)",
                    False,
                )
            )
        elif state is False:
            problems.append(
                Problem(
                    "changed_file",
                    r.sha256,
                    f"original of {r.path} no longer matches its hash",
                    "restore the file from a backup; do not edit files inside the archive",
                    False,
                )
            )
        if progress:
            progress(1)
    for sha in archive.objects:
        if sha not in known:
            problems.append(
                Problem(
                    "orphan_file",
                    sha,
                    "stored file with no catalog entry (an interrupted ingest)",
                    "harmless; ingest the file again or run gazette verify --repair",
                    True,
                )
            )
    for leftover in archive.objects.leftovers() if idle else ():
        problems.append(
            Problem(
                "leftover_temp",
                leftover.name,
                "temporary file from an interrupted write",
                "harmless; gazette verify --repair removes it",
                True,
            )
        )
    # Every row of content or decision against its checksum (gazette.archive.integrity).
    for found in checks.tampered(archive):
        problems.append(
            Problem(
                "catalog_tampered",
                f"{found.table} {found.key}",
                f"{found.table} row {found.key}: {found.detail} (changed outside gazette)",
                "restore the catalog from a backup (gazette restore), or find who changed it",
                False,
            )
        )
    # Index against catalog.
    expected = checks.revisions(archive)
    queued = checks.queued_for_index(archive)
    try:
        problems.extend(_index_problems(archive, expected, queued))
    except IndexDamaged as exc:
        problems.append(
            Problem(
                "index_damaged",
                str(archive.index_path()),
                f"the search index cannot be read ({exc.detail})",
                "run gazette reindex (or gazette verify --repair)",
                True,
            )
        )
    return VerifyReport(len(rows), len(expected), tuple(problems))


def _index_problems(archive: Archive, expected: dict[str, int], queued: set[str]) -> list[Problem]:
    """The index against the catalog."""
    problems: list[Problem] = []
    try:
        indexed = archive.index.revisions()
        for doc_id, rev in expected.items():
            if doc_id not in indexed:
                problems.append(
                    Problem(
                        "index_missing",
                        doc_id,
                        "document not in the search index",
                        "run gazette reindex",
                        True,
                    )
                )
            elif indexed[doc_id] != rev:
                problems.append(
                    Problem(
                        "index_stale",
                        doc_id,
                        f"index holds revision {indexed[doc_id]}, catalog {rev}",
                        "run gazette reindex",
                        True,
                    )
                )
        for doc_id in indexed.keys() - expected.keys():
            problems.append(
                Problem(
                    "index_orphan",
                    doc_id,
                    "search index holds a document the catalog does not",
                    "run gazette reindex",
                    True,
                )
            )
        for note in archive.index.problems():
            problems.append(
                Problem("index_analysis", archive.search_engine, note, "run gazette reindex", True)
            )
        for doc_id in sorted(queued - {p.target for p in problems}):
            problems.append(
                Problem(
                    "index_queue",
                    doc_id,
                    "index update still queued",
                    "run gazette reindex",
                    True,
                )
            )
    except index_damage() as exc:
        raise IndexDamaged(archive.index_path(), f"{type(exc).__name__}: {exc}") from exc
    return problems


def repair(archive: Archive) -> int:
    """Remove orphan objects and leftover temporary files; rebuild the index. Returns fixes."""
    fixed = 0
    with archive.writing():
        known = checks.original_hashes(archive)
        for sha in list(archive.objects):
            if sha not in known:
                archive.objects.remove(sha)
                fixed += 1
        for leftover in archive.objects.leftovers():
            leftover.unlink(missing_ok=True)
            fixed += 1
        archive.reindex()
    return fixed
