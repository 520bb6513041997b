"""The archive: a directory holding the catalog, the originals and the search index.

Layout::

    <archive>/
        catalog.sqlite      SQLite catalog (WAL, foreign keys on, versioned schema)
        objects/ab/<sha256> originals, stored once under their hash
        index/<engine>/     search index (derived; ``reindex`` rebuilds it): ``sqlite``
                            (FTS5, the default) or ``whoosh``, as the catalog records
        write.lock          held by the one process writing

Writes take the write lock, run in one SQLite transaction and leave nothing behind when they
fail. Originals are written (atomically) before the transaction that references them commits,
so a crash leaves at worst an orphan object. The search index is brought up to date after each
commit from the ``index_queue`` table, which the same transaction fills; whatever a crash leaves
in the queue is replayed by the next writer.

Reads go through a :class:`gazette.archive.views.ArchiveView`, which applies a disclosure view:
``archive.public`` or ``archive.internal``.

:class:`Archive` is assembled from parts: this module holds the plumbing (lock, transactions,
log) and adding originals; disclosure writes live in :mod:`gazette.archive.disclosure`,
lifecycle writes in :mod:`gazette.archive.lifecycle`, the search index's upkeep in
:mod:`gazette.archive.index_sync` (see :mod:`gazette.archive.host`).
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import json
import os
import socket
import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from gazette import references, staging
from gazette.archive import integrity, ocr_pages, tables
from gazette.archive.disclosure import DisclosureWrites
from gazette.archive.index_sync import IndexUpkeep
from gazette.archive.issues import IssueWrites
from gazette.archive.lifecycle import ImportReport, LifecycleWrites
from gazette.archive.schema import migrate
from gazette.archive.store import ObjectStore
from gazette.disclosure import View
from gazette.errors import (
    ArchiveBusy,
    ArchiveError,
    CatalogDamaged,
    DocumentNotFound,
    InvalidArgument,
)
from gazette.lifecycle import status_intervals
from gazette.model import (
    DisclosureAttribute,
    Document,
    GazetteIssue,
    LifecycleEvent,
    OcrPage,
    SourceFile,
    TextVersion,
)
from gazette.references import OutgoingRef
from gazette.search import SearchIndex, check_engine, default_engine, open_index
from gazette.search.base import Allowed

if TYPE_CHECKING:
    from gazette.archive.views import ArchiveView


def _documents(values: Iterable[Document]) -> tuple[Document, ...]:
    return tuple(values)


def _refs(values: Iterable[OutgoingRef]) -> tuple[OutgoingRef, ...]:
    return tuple(values)


ENV_ARCHIVE = "GAZETTE_ARCHIVE"
DEFAULT_ARCHIVE = "gazette-archive"


@attrs.frozen
class Submission:
    """What an ingest hands to the archive for one original file.

    Attributes:
        source: the original file's identity (hash, format, path, size).
        path: where to read the original's bytes from.
        documents: the documents read from it (with their parts). For a gazette issue, one per
            item, in the issue's order.
        references: what the documents say about other documents (repeals, interpretations).
        issue: the gazette issue, when the file is one.
        state: ``stored``, or ``needs_ocr`` when pages still need recognising.
        detail: reader warnings and other notes kept with the source.
        ocr_pages: what OCR read on each recognised page (lines, boxes, confidences), or why
            it failed on a page.
    """

    source: SourceFile
    path: Path
    documents: tuple[Document, ...] = attrs.field(converter=_documents)
    references: tuple[OutgoingRef, ...] = attrs.field(default=(), converter=_refs)
    issue: GazetteIssue | None = None
    state: str = "stored"
    detail: dict[str, Any] = attrs.field(factory=dict)
    ocr_pages: tuple[OcrPage, ...] = attrs.field(default=(), converter=tuple)

    def __attrs_post_init__(self) -> None:
        if self.issue is not None and len(self.issue.items) != len(self.documents):
            raise ValueError("a gazette issue submission has one document per item")


@attrs.frozen
class AddResult:
    """The outcome of adding one original.

    Attributes:
        outcome: ``ingested`` or ``duplicate``.
        sha256: the original's hash.
        ids: ids of the top-level documents it holds (new or existing).
        merged: ids of existing documents the new text was added to (another rendition or
            version of a document already in the archive).
        resolved: pending references this addition resolved.
        pending: references it made that could not be resolved yet.
    """

    outcome: str
    sha256: str
    ids: tuple[str, ...]
    merged: tuple[str, ...] = ()
    resolved: int = 0
    pending: int = 0


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
) -> Archive:
    """Open (or create) the archive in a directory.

    Args:
        path: the archive directory; ``$GAZETTE_ARCHIVE`` or ``./gazette-archive`` when omitted.
        create: create the archive when the directory holds none.
        actor: who is acting, for the log (defaults to the login name).
        lock_timeout: seconds a write waits for another writer before failing (default
            ``$GAZETTE_LOCK_TIMEOUT``, else 30).
        search_engine: the search engine of a new archive, ``sqlite`` or ``whoosh`` (default
            ``$GAZETTE_SEARCH_ENGINE``, else ``sqlite``). An existing archive keeps the engine it
            records; giving another one is an error (``reindex`` switches engines).

    Raises:
        ArchiveError: the directory is not an archive and ``create`` is false, or unusable.
        InvalidArgument: an unknown engine, or not the one the archive uses.
    """
    return Archive(
        Path(path) if path is not None else default_location(),
        create=create,
        actor=actor,
        lock_timeout=lock_timeout
        if lock_timeout is not None
        else float(os.environ.get("GAZETTE_LOCK_TIMEOUT") or 30.0),
        search_engine=search_engine,
    )


def _default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover - no login name in some containers
        return "unknown"


class Archive(DisclosureWrites, LifecycleWrites, IndexUpkeep, IssueWrites):
    """An open archive. See :func:`open_archive`.

    Writes are methods of the archive; reads go through :attr:`public` or :attr:`internal`
    (or :meth:`view`), which apply the disclosure rules.
    """

    def __init__(
        self,
        root: Path,
        *,
        create: bool,
        actor: str | None,
        lock_timeout: float,
        search_engine: str | None = None,
    ) -> None:
        self.root = root
        self.actor = actor or _default_actor()
        self.lock_timeout = lock_timeout
        catalog_path = root / "catalog.sqlite"
        if not catalog_path.exists():
            if not create:
                raise ArchiveError(root, "此处没有档案", hint="运行 `gazette ingest` 即可新建档案")
            if root.exists() and not root.is_dir():
                raise ArchiveError(root, "不是文件夹")
            root.mkdir(parents=True, exist_ok=True)
        self.objects = ObjectStore(root / "objects")
        self._lock_depth = 0
        self._lock_file: Any = None
        try:
            self.conn = self._connect(catalog_path)
            found = migrate(self.conn, str(catalog_path))
            integrity.install(self.conn)
        except sqlite3.DatabaseError as exc:
            raise CatalogDamaged(catalog_path, str(exc)) from exc
        self._index: SearchIndex | None = None
        self.index_error: str | None = None
        self.search_engine = self._engine(search_engine, new=found == 0)
        self._index_deferred: list[int] | None = None  # [commits since the index caught up, every]
        self._public_revisions: Allowed | None = None

    # --- plumbing ------------------------------------------------------------------------

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        conn = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA busy_timeout = 30000")
        return conn

    def _engine(self, wanted: str | None, *, new: bool) -> str:
        """The search engine the catalog records (recording the chosen one in a new archive)."""
        if wanted is not None:
            check_engine(wanted)
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'search_engine'").fetchone()
        if row is not None:
            recorded = check_engine(row[0])
            if wanted is not None and wanted != recorded:
                raise InvalidArgument(
                    f"本档案使用 {recorded} 检索引擎，而不是 {wanted}",
                    hint=f"如需切换，请运行 `gazette reindex --engine {wanted}`",
                )
            return recorded
        engine = wanted or default_engine()
        if new:
            self.conn.execute(
                "INSERT OR IGNORE INTO meta(key, value) VALUES ('search_engine', ?)", (engine,)
            )
        return engine

    def index_path(self, engine: str | None = None) -> Path:
        """Where an engine's index lives: ``index/<engine>/``."""
        return self.root / "index" / (engine or self.search_engine)

    @property
    def index(self) -> SearchIndex:
        """The search index (opened on first use)."""
        if self._index is None:
            self._index = open_index(self.index_path(), self.search_engine)
        return self._index

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None
        self.conn.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the archive's write lock (re-entrant within this object).

        Raises:
            ArchiveBusy: another process kept the lock longer than ``lock_timeout``.
        """
        if self._lock_depth:
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
            return
        lock_path = self.root / "write.lock"
        handle = open(lock_path, "a+")  # noqa: SIM115 - held for the duration of the block
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or None
                    handle.close()
                    raise ArchiveBusy(self.root, holder) from None
                time.sleep(0.05)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} on {socket.gethostname()}")
        handle.flush()
        self._lock_file = handle
        self._lock_depth = 1
        try:
            self._clean_leftovers()
            if self._index_deferred is None:
                self._sync_index_quietly()
            yield
            self._seal_stray_writes()
        finally:
            self._lock_depth = 0
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            handle.close()
            self._lock_file = None

    def _seal_stray_writes(self) -> None:
        """Seal rows written outside :meth:`transaction` (each statement its own commit)."""
        if self.conn.in_transaction:
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            integrity.seal(self.conn)
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def tidy(self) -> bool:
        """Clean what a writer that died left, unless a writer is at work now.

        Returns:
            whether no writer was at work (and the leftovers were removed).
        """
        if self._lock_depth:
            self._clean_leftovers()
            return True
        with open(self.root / "write.lock", "a+") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            try:
                self._clean_leftovers()
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return True

    def _clean_leftovers(self) -> None:
        """Remove what a writer that died left: temporary files in the object store (only a
        lock holder writes them, and this one holds the lock now) and staging folders whose
        owner is gone (see :mod:`gazette.staging`)."""
        for leftover in self.objects.leftovers():
            with contextlib.suppress(OSError):
                leftover.unlink()
        staging.clean(self.root)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One catalog transaction (under the write lock); index sync follows the commit."""
        with self.writing():
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
                integrity.seal(self.conn)
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
            self._sync_index_quietly()

    def log(self, action: str, target: str | None, outcome: str, **detail: Any) -> None:
        """Append to the archive's event log (in the current transaction, if any)."""
        tables.append_log(
            self.conn,
            actor=self.actor,
            action=action,
            target=target,
            outcome=outcome,
            detail=detail,
        )

    # --- views ---------------------------------------------------------------------------

    def view(self, view: View | str) -> ArchiveView:
        """Reads as ``view`` (``public`` or ``internal``) sees the archive."""
        from gazette.archive.views import ArchiveView

        return ArchiveView(self, View(view))

    @property
    def public(self) -> ArchiveView:
        """The public view: only what may be published."""
        return self.view(View.PUBLIC)

    @property
    def internal(self) -> ArchiveView:
        """The internal view: everything."""
        return self.view(View.INTERNAL)

    # --- adding originals ----------------------------------------------------------------

    def has_source(self, sha256: str) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM sources WHERE sha256 = ?", (sha256,)).fetchone()
            is not None
        )

    def add(self, submission: Submission) -> AddResult:
        """Store an original and the documents read from it, all or nothing.

        Adding bytes already in the archive is a no-op that reports ``duplicate``.
        """
        sha = submission.source.sha256
        with self.writing():
            if self.has_source(sha):
                with self.transaction() as conn:
                    tables.add_source_path(conn, sha, submission.source.path)
                    ids = self._ids_for_source(sha)
                    self.log("ingest", submission.source.path, "duplicate", sha256=sha, ids=ids)
                return AddResult("duplicate", sha, tuple(ids))
            # The original goes in first: a crash before the commit leaves only an orphan.
            self.objects.put_file(submission.path, sha)
            with self.transaction() as conn:
                result = self._add(conn, submission)
                self.log(
                    "ingest",
                    submission.source.path,
                    "ingested",
                    sha256=sha,
                    ids=list(result.ids),
                    merged=list(result.merged),
                    pending=result.pending,
                )
            return result

    def _ids_for_source(self, sha: str) -> list[str]:
        rows = tables.fetch_all(
            self.conn,
            "SELECT d.id FROM document_sources s JOIN documents d ON d.id = s.doc_id"
            " WHERE s.sha256 = ? AND d.parent_id IS NULL ORDER BY d.created_at, d.id",
            (sha,),
        )
        return [r["id"] for r in rows]

    def pending_ocr(self) -> list[SourceFile]:
        """Originals kept as needing OCR that hold no document yet (scans read without OCR)."""
        rows = tables.fetch_all(
            self.conn,
            "SELECT * FROM sources s WHERE s.state = 'needs_ocr' AND NOT EXISTS"
            " (SELECT 1 FROM document_sources d WHERE d.sha256 = s.sha256)"
            " ORDER BY s.ingested_at, s.sha256",
        )
        return [SourceFile(r["sha256"], r["format"], r["path"], r["size"]) for r in rows]

    def complete_pending(self, submission: Submission) -> AddResult:
        """Store what an original kept as needing OCR yields now that it has been recognised:
        its documents and its issue replace the issue record that held only pages.

        Raises:
            InvalidArgument: the original is not pending OCR, or already holds documents.
        """
        sha = submission.source.sha256
        with self.transaction() as conn:
            if sha not in {s.sha256 for s in self.pending_ocr()}:
                raise InvalidArgument(f"{sha[:12]} 不是等待OCR的原件")
            conn.execute(
                "DELETE FROM issues WHERE source_sha256 = ? AND NOT EXISTS"
                " (SELECT 1 FROM issue_items WHERE issue_id = issues.id)",
                (sha,),
            )
            conn.execute(
                "UPDATE sources SET state = ?, detail = ? WHERE sha256 = ?",
                (submission.state, tables.dumps(submission.detail), sha),
            )
            result = self._add(conn, submission, source_stored=True)
            self.log("ocr", submission.source.path, "ingested", sha256=sha, ids=list(result.ids))
        return result

    def _add(
        self, conn: sqlite3.Connection, submission: Submission, *, source_stored: bool = False
    ) -> AddResult:
        source = submission.source
        if not source_stored:
            tables.insert_source(conn, source, state=submission.state, detail=submission.detail)
        if submission.ocr_pages:
            ocr_pages.insert(conn, source.sha256, submission.ocr_pages)
        ids: list[str] = []
        merged: list[str] = []
        new_ids: list[str] = []
        positions: dict[tuple[int, ...], str] = {}
        for index, doc in enumerate(submission.documents):
            existing = None
            if submission.issue is not None:
                existing = self._match_issue_item(conn, submission.issue, index, doc)
            existing = existing or self._match_work(conn, doc)
            if existing is not None:
                self._merge(conn, existing, doc, source, positions, (index,), new_ids)
                merged.append(existing)
                doc_id = existing
            else:
                doc_id = self._new_id(conn, source.sha256, index)
                self._insert(conn, doc, doc_id, source, positions, (index,), new_ids, parent=None)
            ids.append(doc_id)
        if submission.issue is not None:
            self._add_issue(conn, submission.issue, ids, source.sha256)
        resolved = 0
        for doc_id in [*new_ids, *merged]:
            resolved += self._resolve_pending_for(conn, doc_id)
        pending = 0
        for ref in submission.references:
            from_id = positions.get(ref.source)
            if from_id is None:
                raise InvalidArgument(f"引用来自未知的位置 {ref.source}")
            if not self._apply_ref(conn, from_id, ref):
                pending += 1
            else:
                resolved += 1
        self._settle_disclosures(conn, [*merged, *new_ids])
        for doc_id in set(new_ids) | set(merged):
            self._refresh_derived(conn, doc_id)
        return AddResult("ingested", source.sha256, tuple(ids), tuple(merged), resolved, pending)

    def _new_id(self, conn: sqlite3.Connection, sha: str, index: int) -> str:
        base = sha[:12] if index == 0 else f"{sha[:12]}-{index + 1}"
        candidate, n = base, 1
        while conn.execute("SELECT 1 FROM documents WHERE id = ?", (candidate,)).fetchone():
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def _match_work(self, conn: sqlite3.Connection, doc: Document) -> str | None:
        """An existing top-level document that ``doc`` is another rendition or version of."""
        key = tables.title_key(doc.title)
        if doc.doc_number is not None:
            rows = tables.fetch_all(
                conn,
                "SELECT id, title_key FROM documents WHERE parent_id IS NULL AND doc_number = ?",
                (str(doc.doc_number),),
            )
            same = [r["id"] for r in rows if not key or not r["title_key"] or r["title_key"] == key]
            return same[0] if len(same) == 1 else None
        if not key:
            return None
        rows = tables.fetch_all(
            conn,
            "SELECT id, title, written_date, issuers FROM documents"
            " WHERE parent_id IS NULL AND doc_number IS NULL AND title_key = ?",
            (key,),
        )
        if not rows:
            return None
        written = tables.iso(doc.written_date)
        same_day = [r["id"] for r in rows if written and r["written_date"] == written]
        if len(same_day) == 1:
            return same_day[0]
        # Laws and regulations carry no number: a text with version dates is another version
        # of the act with the same title (暂行/试行 and the final act are two acts) enacted at
        # the same level (a province's and a ministry's 实施办法 are two acts).
        # Two texts that each begin their history with an original adoption on different days
        # are two acts of one title (a re-enactment), not versions of one.
        if any(t.adopted for t in doc.texts):
            wanted = references.normalised_title(doc.title)
            origin = references.history_origin(doc.events)
            same = [
                r["id"]
                for r in rows
                if references.normalised_title(r["title"]) == wanted
                and references.same_level(json.loads(r["issuers"] or "[]"), doc.issuers)
                and references.same_act(origin, references.stored_origin(conn, r["id"]))
            ]
            return same[0] if len(same) == 1 else None
        return None

    def _insert(
        self,
        conn: sqlite3.Connection,
        doc: Document,
        doc_id: str,
        source: SourceFile,
        positions: dict[tuple[int, ...], str],
        position: tuple[int, ...],
        new_ids: list[str],
        *,
        parent: str | None,
        part_index: int | None = None,
    ) -> None:
        tables.insert_document(conn, doc, doc_id, parent_id=parent, part_index=part_index)
        positions[position] = doc_id
        new_ids.append(doc_id)
        conn.execute(
            "INSERT OR IGNORE INTO document_sources(doc_id, sha256) VALUES (?, ?)",
            (doc_id, source.sha256),
        )
        for text in doc.texts:
            tables.insert_text(conn, doc_id, _with_source(text, source))
        for event in doc.events:
            self._store_event(conn, doc_id, event)
        if doc.disclosure.attribute != DisclosureAttribute.UNKNOWN or doc.disclosure.basis:
            tables.set_disclosure(conn, doc_id, doc.disclosure, changed_by=self.actor)
        for publication in doc.publications:
            tables.insert_publication(conn, doc_id, publication)
        for k, part in enumerate(doc.parts, start=1):
            self._insert(
                conn,
                part,
                f"{doc_id}.{k}",
                source,
                positions,
                (*position, k - 1),
                new_ids,
                parent=doc_id,
                part_index=k,
            )
        tables.queue_index(conn, doc_id)

    def _merge(
        self,
        conn: sqlite3.Connection,
        doc_id: str,
        doc: Document,
        source: SourceFile,
        positions: dict[tuple[int, ...], str],
        position: tuple[int, ...],
        new_ids: list[str],
    ) -> None:
        """Add another rendition (or version) of an existing document."""
        positions[position] = doc_id
        existing = tables.load_document(conn, doc_id, with_parts=False)
        assert existing is not None
        conn.execute(
            "INSERT OR IGNORE INTO document_sources(doc_id, sha256) VALUES (?, ?)",
            (doc_id, source.sha256),
        )
        # Fill what the archive did not know; never overwrite what it did, unless all it knew
        # was read by OCR and this rendition was read from text (a born-digital edition of an
        # issue first ingested as a scan): then the text's title, number and dates win.
        fields: dict[str, Any] = {}
        new_row = tables.document_row(doc)
        old_row = tables.document_row(existing)
        corrects = (
            bool(existing.texts)
            and all(t.ocr is not None for t in existing.texts)
            and any(t.ocr is None for t in doc.texts)
        )
        for name, value in new_row.items():
            if value in (None, "[]") or name == "title_key":
                continue
            if old_row.get(name) in (None, "[]") or (corrects and old_row.get(name) != value):
                fields[name] = value
        if "title" in fields:
            fields["title_key"] = new_row["title_key"]
        tables.update_document(conn, doc_id, fields)
        doc = self._reconcile_starts(conn, doc_id, existing, doc)
        held = {(t.content_hash, t.adopted, t.origin) for t in existing.texts}
        for text in doc.texts:
            if (text.content_hash, text.adopted, text.origin) not in held:
                tables.insert_text(conn, doc_id, _with_source(text, source))
        known = {(e.kind, e.date, e.outcome, tuple(e.articles)) for e in existing.events}
        for event in doc.events:
            if (event.kind, event.date, event.outcome, tuple(event.articles)) not in known:
                self._store_event(conn, doc_id, event)
        if (
            existing.disclosure.attribute == DisclosureAttribute.UNKNOWN
            and doc.disclosure.attribute != DisclosureAttribute.UNKNOWN
        ):
            tables.set_disclosure(conn, doc_id, doc.disclosure, changed_by=self.actor)
        for publication in doc.publications:
            tables.insert_publication(conn, doc_id, publication)
        existing_parts = tables.fetch_all(
            conn,
            "SELECT id, title_key, part_index FROM documents WHERE parent_id = ?"
            " ORDER BY part_index",
            (doc_id,),
        )
        for k, part in enumerate(doc.parts, start=1):
            key = tables.title_key(part.title)
            match = next((p["id"] for p in existing_parts if key and p["title_key"] == key), None)
            if match is None:
                # The k-th attachment of another rendition, unless both are titled differently
                # (the 编 of a code arrive one file each: each is a part of its own).
                match = next(
                    (
                        p["id"]
                        for p in existing_parts
                        if p["part_index"] == k and not (key and p["title_key"] and part.part_label)
                    ),
                    None,
                )
            if match is not None:
                self._merge(conn, match, part, source, positions, (*position, k - 1), new_ids)
            else:
                next_index = len(existing_parts) + k
                self._insert(
                    conn,
                    part,
                    f"{doc_id}.{next_index}",
                    source,
                    positions,
                    (*position, k - 1),
                    new_ids,
                    parent=doc_id,
                    part_index=next_index,
                )
        tables.queue_index(conn, doc_id)

    # --- references ----------------------------------------------------------------------

    def _apply_ref(self, conn: sqlite3.Connection, from_id: str, ref: OutgoingRef) -> bool:
        """Apply an outgoing reference now if its target resolves; else keep it pending.

        A reference for review (a clause that only may repeal) is kept for a person, never
        applied, with the documents it may name.
        """
        target_id, found = references.resolve_ref(conn, ref.target, exclude={from_id})
        payload = self._ref_payload(from_id, ref)
        if ref.review:
            references.store_pending(
                conn,
                kind="review",
                from_doc_id=from_id,
                ref=ref.target,
                payload=payload,
                found=found,
            )
            return False
        if target_id is None and len(found) > 1 and "event" in payload:
            # Acts of one title: the one in force when the repealing provision took effect.
            target_id = references.in_force_then(conn, found, payload["event"])
        if target_id is not None and "event" in payload:
            later = references.later_act(conn, target_id, payload["event"])
            if later is not None:
                payload = {**payload, "reason": later}
                found = [target_id]
                target_id = None
        if target_id is None:
            references.store_pending(
                conn,
                kind="event" if ref.event else "interpretation",
                from_doc_id=from_id,
                ref=ref.target,
                payload=payload,
                found=found,
            )
            return False
        self._apply_payload(conn, from_id, target_id, payload)
        return True

    def _ref_payload(self, from_id: str, ref: OutgoingRef) -> dict[str, Any]:
        if ref.event is not None:
            return {"event": tables.event_payload(ref.event), "target_title": ref.target.title}
        assert ref.interpretation is not None
        return {
            "interpretation": ref.interpretation.value,
            "evidence": ref.evidence,
            "method": ref.method,
            "target_title": ref.target.title,
        }

    def _apply_payload(
        self,
        conn: sqlite3.Connection,
        from_id: str | None,
        target_id: str,
        payload: dict[str, Any],
    ) -> None:
        if "event" in payload:
            self._apply_event_ref(conn, from_id, target_id, payload)
        elif "forward" in payload:
            assert from_id is not None
            self._inherit_forwarded(conn, from_id, target_id)
        else:
            assert from_id is not None
            conn.execute(
                "INSERT OR IGNORE INTO interpretations(policy_id, interpretation_id, form, method,"
                " evidence, prov_kind, prov_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    target_id,
                    from_id,
                    payload["interpretation"],
                    payload.get("method") or "inferred",
                    payload.get("evidence"),
                    "parsed",
                    None,
                    tables.now(),
                ),
            )
            tables.touch(conn, target_id)
            tables.touch(conn, from_id)

    def _resolve_pending_for(self, conn: sqlite3.Connection, doc_id: str) -> int:
        """Retry pending references that may name a newly stored document."""
        resolved = 0
        for row in references.pending_for(conn, doc_id):
            ref = references.ref_from_pending(row)
            exclude = {row["from_doc_id"]} if row["from_doc_id"] else set()
            target_id, found = references.resolve_ref(conn, ref, exclude=exclude)
            if row["kind"] == "review":
                references.mark_candidates(conn, row["id"], found)
                continue  # for a person to decide
            payload = json.loads(row["payload"])
            if target_id is None and len(found) > 1 and "event" in payload:
                target_id = references.in_force_then(conn, found, payload["event"])
            later = (
                references.later_act(conn, target_id, payload["event"])
                if target_id is not None and "event" in payload
                else None
            )
            if later is not None and target_id is not None:
                references.hold_back(conn, row["id"], target_id, later)
                continue  # only a later act of that title is held
            if target_id is None:
                references.mark_ambiguous(conn, row["id"], found) if len(found) > 1 else None
                continue
            self._apply_payload(conn, row["from_doc_id"], target_id, payload)
            references.mark_resolved(conn, row["id"], target_id)
            self.log(
                "resolve_ref",
                target_id,
                "resolved",
                pending_id=row["id"],
                ref=row["ref_text"],
                from_doc_id=row["from_doc_id"],
            )
            resolved += 1
        return resolved

    def _refresh_derived(self, conn: sqlite3.Connection, doc_id: str) -> None:
        """Recompute policy events, the status intervals and the index entry of a document."""
        self._apply_policy(conn, doc_id)
        doc = tables.load_document(conn, doc_id, with_parts=False)
        if doc is None:
            return
        conn.execute("DELETE FROM status_intervals WHERE doc_id = ?", (doc_id,))
        conn.executemany(
            "INSERT INTO status_intervals(doc_id, status, start, end) VALUES (?, ?, ?, ?)",
            [
                (doc_id, value.value, start.isoformat(), end.isoformat() if end else None)
                for value, start, end in status_intervals(doc)
            ],
        )
        tables.touch(conn, doc_id)

    # --- other writes --------------------------------------------------------------------

    def resolve_id(self, ref: str) -> str:
        """The id a reference names, in the internal view (for writes).

        Raises:
            DocumentNotFound: nothing matches.
            AmbiguousReference: several documents match.
        """
        return self.internal.resolve(ref)

    def record_event(self, ref: str, event: LifecycleEvent, *, action: str = "event") -> int:
        """Add a lifecycle event to a document (manual entry, corrections).

        See :meth:`record_events`; returns the id of the event on the document ``ref`` names.
        """
        return self.record_events(ref, [event], action=action)[0]

    def add_text(self, ref: str, text: TextVersion) -> int:
        """Add a text version (e.g. an amended text entered by hand)."""
        with self.transaction() as conn:
            doc_id = self.resolve_id(ref)
            text_id = tables.insert_text(conn, doc_id, text)
            self._refresh_derived(conn, doc_id)
            self.log("add_text", doc_id, "recorded", text_id=text_id)
        return text_id

    # --- information ---------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """How many sources, documents, issues and events the catalog holds."""
        out = {}
        for name, sql in (
            ("sources", "SELECT COUNT(*) FROM sources"),
            ("documents", "SELECT COUNT(*) FROM documents WHERE parent_id IS NULL"),
            ("attachments", "SELECT COUNT(*) FROM documents WHERE parent_id IS NOT NULL"),
            ("issues", "SELECT COUNT(*) FROM issues"),
            ("events", "SELECT COUNT(*) FROM events"),
            ("pending_refs", "SELECT COUNT(*) FROM pending_refs WHERE state != 'resolved'"),
        ):
            out[name] = int(self.conn.execute(sql).fetchone()[0])
        return out


def _with_source(text: TextVersion, source: SourceFile) -> TextVersion:
    return text if text.source_sha256 else attrs.evolve(text, source_sha256=source.sha256)


__all__ = [
    "AddResult",
    "Archive",
    "DocumentNotFound",
    "ImportReport",
    "Submission",
    "default_location",
    "open_archive",
]
