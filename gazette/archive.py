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

Reads go through a :class:`gazette.views.ArchiveView`, which applies a disclosure view:
``archive.public`` or ``archive.internal``.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import fcntl
import getpass
import json
import os
import shutil
import socket
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from gazette import catalog, disclosure_csv, references
from gazette import disclosure as disclosure_rules
from gazette import settings as archive_settings
from gazette.cleanup import CleanupRow
from gazette.disclosure import DisclosureChange, View
from gazette.errors import (
    AmbiguousReference,
    ArchiveBusy,
    ArchiveError,
    DocumentNotFound,
    GazetteError,
    ImportFailed,
    InvalidArgument,
)
from gazette.lifecycle import policy_events, status_intervals
from gazette.model import (
    Disclosure,
    DisclosureAttribute,
    DocRef,
    Document,
    EventKind,
    GazetteIssue,
    Ground,
    InterpretationForm,
    InterpretationLink,
    LifecycleEvent,
    Provenance,
    ProvenanceKind,
    Publication,
    SourceFile,
    TextOrigin,
    TextVersion,
)
from gazette.references import OutgoingRef
from gazette.schema import migrate
from gazette.search import SearchIndex, check_engine, default_engine, open_index, record_for
from gazette.store import ObjectStore

if TYPE_CHECKING:
    from gazette.views import ArchiveView


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
    """

    source: SourceFile
    path: Path
    documents: tuple[Document, ...] = attrs.field(converter=_documents)
    references: tuple[OutgoingRef, ...] = attrs.field(default=(), converter=_refs)
    issue: GazetteIssue | None = None
    state: str = "stored"
    detail: dict[str, Any] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        if self.issue is not None and len(self.issue.items) != len(self.documents):
            raise ValueError("a gazette issue submission has one document per item")


@attrs.frozen
class ImportReport:
    """The outcome of importing a cleanup list.

    Attributes:
        rows: rows in the list.
        applied: rows recorded on an archive document.
        pending: rows kept pending (document not in the archive, or ambiguous).
    """

    rows: int
    applied: int
    pending: int


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


class Archive:
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
                raise ArchiveError(
                    root, "no archive here", hint="run `gazette ingest` to create one"
                )
            if root.exists() and not root.is_dir():
                raise ArchiveError(root, "not a directory")
            root.mkdir(parents=True, exist_ok=True)
        self.objects = ObjectStore(root / "objects")
        self._lock_depth = 0
        self._lock_file: Any = None
        try:
            self.conn = self._connect(catalog_path)
            found = migrate(self.conn, str(catalog_path))
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(
                root, f"catalog unreadable: {exc}", hint="restore from a backup (`gazette restore`)"
            ) from exc
        self._index: SearchIndex | None = None
        self.index_error: str | None = None
        self.search_engine = self._engine(search_engine, new=found == 0)
        self._index_deferred: list[int] | None = None  # [commits since the index caught up, every]

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
                    f"this archive searches with the {recorded} engine, not {wanted};"
                    f" run `gazette reindex --engine {wanted}` to switch"
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
            if self._index_deferred is None:
                self._replay_index_queue()
            yield
        finally:
            self._lock_depth = 0
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            handle.close()
            self._lock_file = None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One catalog transaction (under the write lock); index sync follows the commit."""
        with self.writing():
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
            self._sync_index_quietly()

    def log(self, action: str, target: str | None, outcome: str, **detail: Any) -> None:
        """Append to the archive's event log (in the current transaction, if any)."""
        catalog.append_log(
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
        from gazette.views import ArchiveView

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
                    catalog.add_source_path(conn, sha, submission.source.path)
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
        rows = catalog.fetch_all(
            self.conn,
            "SELECT d.id FROM document_sources s JOIN documents d ON d.id = s.doc_id"
            " WHERE s.sha256 = ? AND d.parent_id IS NULL ORDER BY d.created_at, d.id",
            (sha,),
        )
        return [r["id"] for r in rows]

    def pending_ocr(self) -> list[SourceFile]:
        """Originals kept as needing OCR that hold no document yet (scans read without OCR)."""
        rows = catalog.fetch_all(
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
                raise InvalidArgument(f"{sha[:12]} is not an original waiting for OCR")
            conn.execute(
                "DELETE FROM issues WHERE source_sha256 = ? AND NOT EXISTS"
                " (SELECT 1 FROM issue_items WHERE issue_id = issues.id)",
                (sha,),
            )
            conn.execute(
                "UPDATE sources SET state = ?, detail = ? WHERE sha256 = ?",
                (submission.state, catalog.dumps(submission.detail), sha),
            )
            result = self._add(conn, submission, source_stored=True)
            self.log("ocr", submission.source.path, "ingested", sha256=sha, ids=list(result.ids))
        return result

    def _add(
        self, conn: sqlite3.Connection, submission: Submission, *, source_stored: bool = False
    ) -> AddResult:
        source = submission.source
        if not source_stored:
            catalog.insert_source(conn, source, state=submission.state, detail=submission.detail)
        ids: list[str] = []
        merged: list[str] = []
        new_ids: list[str] = []
        positions: dict[tuple[int, ...], str] = {}
        for index, doc in enumerate(submission.documents):
            existing = None
            if submission.issue is not None and doc.doc_number is None:
                existing = self._match_issue_item(conn, submission.issue, index)
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
                raise InvalidArgument(f"reference from unknown position {ref.source}")
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
        key = catalog.title_key(doc.title)
        if doc.doc_number is not None:
            rows = catalog.fetch_all(
                conn,
                "SELECT id, title_key FROM documents WHERE parent_id IS NULL AND doc_number = ?",
                (str(doc.doc_number),),
            )
            same = [r["id"] for r in rows if not key or not r["title_key"] or r["title_key"] == key]
            return same[0] if len(same) == 1 else None
        if not key:
            return None
        rows = catalog.fetch_all(
            conn,
            "SELECT id, written_date FROM documents"
            " WHERE parent_id IS NULL AND doc_number IS NULL AND title_key = ?",
            (key,),
        )
        if not rows:
            return None
        written = catalog.iso(doc.written_date)
        same_day = [r["id"] for r in rows if written and r["written_date"] == written]
        if len(same_day) == 1:
            return same_day[0]
        # Laws and regulations carry no number: a text with version dates is another version.
        if len(rows) == 1 and any(t.adopted for t in doc.texts):
            return rows[0]["id"]
        return None

    def _match_issue_item(
        self, conn: sqlite3.Connection, issue: GazetteIssue, index: int
    ) -> str | None:
        """The document of the same item of the same issue already held from another file.

        An item without a number (人事任免) cannot be matched by number, and its title recurs
        in every issue; within one issue (same gazette and number), the title identifies it.
        """
        item = issue.items[index]
        key = catalog.title_key(item.title)
        rows = catalog.fetch_all(
            conn,
            "SELECT ii.doc_id, ii.title FROM issue_items ii JOIN issues i ON i.id = ii.issue_id"
            " WHERE i.gazette = ? AND i.year = ? AND i.first = ? AND i.last = ?"
            " AND ii.doc_id IS NOT NULL",
            (issue.gazette, issue.number.year, issue.number.first, issue.number.last),
        )
        same = {r["doc_id"] for r in rows if key and catalog.title_key(r["title"]) == key}
        return same.pop() if len(same) == 1 else None

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
        catalog.insert_document(conn, doc, doc_id, parent_id=parent, part_index=part_index)
        positions[position] = doc_id
        new_ids.append(doc_id)
        conn.execute(
            "INSERT OR IGNORE INTO document_sources(doc_id, sha256) VALUES (?, ?)",
            (doc_id, source.sha256),
        )
        for text in doc.texts:
            catalog.insert_text(conn, doc_id, _with_source(text, source))
        for event in doc.events:
            self._store_event(conn, doc_id, event)
        if doc.disclosure.attribute != DisclosureAttribute.UNKNOWN or doc.disclosure.basis:
            catalog.set_disclosure(conn, doc_id, doc.disclosure, changed_by=self.actor)
        for publication in doc.publications:
            catalog.insert_publication(conn, doc_id, publication)
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
        catalog.queue_index(conn, doc_id)

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
        existing = catalog.load_document(conn, doc_id, with_parts=False)
        assert existing is not None
        conn.execute(
            "INSERT OR IGNORE INTO document_sources(doc_id, sha256) VALUES (?, ?)",
            (doc_id, source.sha256),
        )
        # Fill what the archive did not know; never overwrite what it did.
        fields: dict[str, Any] = {}
        new_row = catalog.document_row(doc)
        old_row = catalog.document_row(existing)
        for name, value in new_row.items():
            if value in (None, "[]") or name == "title_key":
                continue
            if old_row.get(name) in (None, "[]"):
                fields[name] = value
        if "title" in fields:
            fields["title_key"] = new_row["title_key"]
        catalog.update_document(conn, doc_id, fields)
        held = {(t.content_hash, t.adopted, t.origin) for t in existing.texts}
        for text in doc.texts:
            if (text.content_hash, text.adopted, text.origin) not in held:
                catalog.insert_text(conn, doc_id, _with_source(text, source))
        known = {(e.kind, e.date, e.outcome, tuple(e.articles)) for e in existing.events}
        for event in doc.events:
            if (event.kind, event.date, event.outcome, tuple(event.articles)) not in known:
                self._store_event(conn, doc_id, event)
        if (
            existing.disclosure.attribute == DisclosureAttribute.UNKNOWN
            and doc.disclosure.attribute != DisclosureAttribute.UNKNOWN
        ):
            catalog.set_disclosure(conn, doc_id, doc.disclosure, changed_by=self.actor)
        for publication in doc.publications:
            catalog.insert_publication(conn, doc_id, publication)
        existing_parts = catalog.fetch_all(
            conn,
            "SELECT id, title_key, part_index FROM documents WHERE parent_id = ?"
            " ORDER BY part_index",
            (doc_id,),
        )
        for k, part in enumerate(doc.parts, start=1):
            key = catalog.title_key(part.title)
            match = next((p["id"] for p in existing_parts if key and p["title_key"] == key), None)
            if match is None:
                match = next((p["id"] for p in existing_parts if p["part_index"] == k), None)
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
        catalog.queue_index(conn, doc_id)

    def _add_issue(
        self, conn: sqlite3.Connection, issue: GazetteIssue, ids: list[str], sha: str
    ) -> None:
        issue_id = catalog.insert_issue(conn, attrs.evolve(issue, source_sha256=sha))
        for item, doc_id in zip(issue.items, ids, strict=True):
            catalog.insert_issue_item(conn, issue_id, attrs.evolve(item, doc_id=doc_id))
            catalog.insert_publication(
                conn,
                doc_id,
                Publication(
                    channel="gazette",
                    name=issue.gazette,
                    issue=issue.number,
                    total=issue.total,
                    pages=item.pages,
                    date=issue.date,
                    issue_id=issue_id,
                ),
            )

    # --- references ----------------------------------------------------------------------

    def _apply_ref(self, conn: sqlite3.Connection, from_id: str, ref: OutgoingRef) -> bool:
        """Apply an outgoing reference now if its target resolves; else keep it pending."""
        target_id, found = references.resolve_ref(conn, ref.target, exclude={from_id})
        payload = self._ref_payload(from_id, ref)
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
            return {"event": catalog.event_payload(ref.event), "target_title": ref.target.title}
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
                    catalog.now(),
                ),
            )
            catalog.touch(conn, target_id)
            catalog.touch(conn, from_id)

    def _resolve_pending_for(self, conn: sqlite3.Connection, doc_id: str) -> int:
        """Retry pending references that may name a newly stored document."""
        resolved = 0
        for row in references.pending_for(conn, doc_id):
            ref = references.ref_from_pending(row)
            exclude = {row["from_doc_id"]} if row["from_doc_id"] else set()
            target_id, found = references.resolve_ref(conn, ref, exclude=exclude)
            if target_id is None:
                references.mark_ambiguous(conn, row["id"], found) if len(found) > 1 else None
                continue
            self._apply_payload(conn, row["from_doc_id"], target_id, json.loads(row["payload"]))
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
        doc = catalog.load_document(conn, doc_id, with_parts=False)
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
        catalog.touch(conn, doc_id)

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
            text_id = catalog.insert_text(conn, doc_id, text)
            self._refresh_derived(conn, doc_id)
            self.log("add_text", doc_id, "recorded", text_id=text_id)
        return text_id

    # === disclosure and interpretation links ===========================================
    # Writes behind gazette.disclosure and gazette.interpretation: an attribute set by hand
    # (kept with its history), the rules that settle attributes after every ingest (publication,
    # forwarding, attachments), on-request asks, interpretation links made or removed by hand.

    def set_disclosure(
        self,
        ref: str,
        attribute: DisclosureAttribute | str,
        *,
        reason: str | None = None,
        grounds: Iterable[Ground | str] = (),
        basis: str | None = None,
        withheld_blocks: Iterable[int] = (),
        decided_on: _dt.date | None = None,
        review_due: _dt.date | None = None,
        by: str | None = None,
    ) -> DisclosureChange:
        """Set a document's disclosure attribute, keeping the change in its history.

        Attachments and forwarding notices that have no attribute of their own follow.

        Args:
            ref: the document (id, number or title; resolved in the internal view).
            attribute: ``proactive``, ``on_request``, ``withheld``, ``partial`` (or the Chinese
                name).
            reason: why; required for on request, withheld and partial.
            grounds: legal grounds from :class:`~gazette.model.Ground` (values or names).
            basis: free-text basis (a decision, a meeting, an article).
            withheld_blocks: for partial, the paragraphs of the current text to withhold.
            decided_on: the date of the decision (default: today).
            review_due: when the non-disclosure is next to be reviewed (default: the review
                period after the decision, see :mod:`gazette.reports`).
            by: who decided (default: the archive's actor).

        Raises:
            DocumentNotFound: no such document.
            InvalidArgument: a missing reason, an unknown attribute or ground, paragraphs
                outside the text.
        """
        with self.transaction() as conn:
            doc_id = self.resolve_id(ref)
            return self._set_disclosure(
                conn,
                doc_id,
                attribute,
                reason=reason,
                grounds=grounds,
                basis=basis,
                withheld_blocks=withheld_blocks,
                decided_on=decided_on,
                review_due=review_due,
                by=by,
                source=None,
            )

    def import_disclosures(
        self, path: str | os.PathLike[str], *, by: str | None = None
    ) -> list[DisclosureChange]:
        """Set attributes from a CSV file, all rows or none.

        Columns (header row required): ``ref``, ``attribute``, and optionally ``reason``,
        ``grounds`` (separated by ``;`` or ``、``), ``basis``, ``decided_on``, ``review_due``,
        ``by``. Attribute and ground names may be the values or the Chinese names.

        Raises:
            ImportFailed: a row is bad (names the line); nothing was stored.
        """
        rows = disclosure_csv.read(path)
        changes: list[DisclosureChange] = []
        with self.transaction() as conn:
            for row in rows:
                try:
                    doc_id = self.resolve_id(row.ref)
                    changes.append(
                        self._set_disclosure(
                            conn,
                            doc_id,
                            row.attribute,
                            reason=row.reason,
                            grounds=row.grounds,
                            basis=row.basis,
                            withheld_blocks=(),
                            decided_on=row.decided_on,
                            review_due=row.review_due,
                            by=row.by or by,
                            source=str(path),
                        )
                    )
                except GazetteError as exc:
                    raise ImportFailed(Path(path), row.line, str(exc)) from exc
            self.log("disclosure_import", str(path), "imported", rows=len(changes))
        return changes

    def _set_disclosure(
        self,
        conn: sqlite3.Connection,
        doc_id: str,
        attribute: DisclosureAttribute | str,
        *,
        reason: str | None,
        grounds: Iterable[Ground | str],
        basis: str | None,
        withheld_blocks: Iterable[int],
        decided_on: _dt.date | None,
        review_due: _dt.date | None,
        by: str | None,
        source: str | None,
    ) -> DisclosureChange:
        value = (
            attribute
            if isinstance(attribute, DisclosureAttribute)
            else disclosure_rules.parse_attribute(attribute)
        )
        parsed_grounds = disclosure_rules.parse_grounds(
            g.value if isinstance(g, Ground) else g for g in grounds
        )
        who = by or self.actor
        kind = ProvenanceKind.IMPORTED if source else ProvenanceKind.MANUAL
        stamp = _dt.datetime.now(_dt.UTC).replace(microsecond=0)
        disclosure = Disclosure(
            attribute=value,
            reason=(reason or "").strip() or None,
            grounds=parsed_grounds,
            basis=(basis or "").strip() or None,
            provenance=Provenance(kind, source=source, by=who, at=stamp),
            withheld_blocks=tuple(sorted(set(withheld_blocks))),
        )
        text = catalog.fetch_one(
            conn, "SELECT blocks FROM texts WHERE doc_id = ? ORDER BY id DESC LIMIT 1", (doc_id,)
        )
        blocks = len(json.loads(text["blocks"])) if text else 0
        disclosure_rules.check(disclosure, blocks=blocks if disclosure.withheld_blocks else None)
        previous = catalog.load_disclosure(conn, doc_id)
        catalog.set_disclosure(
            conn,
            doc_id,
            disclosure,
            changed_by=who,
            review_due=review_due,
            decided_on=decided_on,
        )
        catalog.touch(conn, doc_id)
        followed = self._propagate_disclosure(conn, doc_id, set())
        self.log(
            "disclosure",
            doc_id,
            value.value,
            previous=previous.attribute.value,
            reason=disclosure.reason,
            grounds=[g.value for g in parsed_grounds],
            basis=disclosure.basis,
            decided_on=catalog.iso(decided_on),
            source=source,
            followed=followed,
        )
        return DisclosureChange(
            doc_id=doc_id,
            attribute=value,
            reason=disclosure.reason,
            grounds=parsed_grounds,
            basis=disclosure.basis,
            how=kind.value,
            source=source,
            changed_by=who,
            changed_at=stamp,
            decided_on=decided_on,
            withheld_blocks=disclosure.withheld_blocks,
        )

    def record_request(
        self, ref: str, *, on: _dt.date | None = None, note: str | None = None
    ) -> int:
        """Record that a document was asked for (an application for disclosure).

        Returns:
            how many times the document has now been asked for.
        """
        with self.transaction() as conn:
            doc_id = self.resolve_id(ref)
            conn.execute(
                "INSERT INTO disclosure_requests(doc_id, requested_on, recorded_at, note)"
                " VALUES (?, ?, ?, ?)",
                (doc_id, (on or today()).isoformat(), catalog.now(), note),
            )
            count = int(
                conn.execute(
                    "SELECT COUNT(*) FROM disclosure_requests WHERE doc_id = ?", (doc_id,)
                ).fetchone()[0]
            )
            self.log("disclosure_request", doc_id, "recorded", on=catalog.iso(on), count=count)
        return count

    def link_interpretation(
        self,
        policy: str,
        interpretation: str,
        *,
        form: InterpretationForm | str = InterpretationForm.TEXT,
        evidence: str | None = None,
        by: str | None = None,
    ) -> InterpretationLink:
        """Link an interpretation to its policy by hand (restores a link removed earlier)."""
        form = InterpretationForm(form)
        who = by or self.actor
        with self.transaction() as conn:
            policy_id = self.resolve_id(policy)
            interp_id = self.resolve_id(interpretation)
            if policy_id == interp_id:
                raise InvalidArgument("a document cannot interpret itself")
            conn.execute(
                "INSERT INTO interpretations(policy_id, interpretation_id, form, method, evidence,"
                " prov_kind, prov_by, created_at, removed)"
                " VALUES (?, ?, ?, 'manual', ?, ?, ?, ?, 0)"
                " ON CONFLICT(policy_id, interpretation_id) DO UPDATE SET form = excluded.form,"
                " method = 'manual', evidence = excluded.evidence, prov_kind = excluded.prov_kind,"
                " prov_by = excluded.prov_by, created_at = excluded.created_at, removed = 0",
                (
                    policy_id,
                    interp_id,
                    form.value,
                    evidence,
                    ProvenanceKind.MANUAL.value,
                    who,
                    catalog.now(),
                ),
            )
            catalog.touch(conn, policy_id)
            catalog.touch(conn, interp_id)
            self.log("interpretation_link", policy_id, "linked", interpretation=interp_id, by=who)
        return InterpretationLink(
            policy_id=policy_id,
            interpretation_id=interp_id,
            form=form,
            method="manual",
            evidence=evidence,
            provenance=Provenance(ProvenanceKind.MANUAL, by=who),
        )

    def unlink_interpretation(
        self, policy: str, interpretation: str, *, by: str | None = None
    ) -> bool:
        """Remove a link by hand. It is kept as removed, so it is never inferred again (also
        when the link did not exist yet: the removal then stops a later inference).

        Returns:
            whether a live link was removed.
        """
        who = by or self.actor
        with self.transaction() as conn:
            policy_id = self.resolve_id(policy)
            interp_id = self.resolve_id(interpretation)
            row = catalog.fetch_one(
                conn,
                "SELECT removed FROM interpretations WHERE policy_id = ? AND interpretation_id = ?",
                (policy_id, interp_id),
            )
            if row is None:
                conn.execute(
                    "INSERT INTO interpretations(policy_id, interpretation_id, form, method,"
                    " prov_kind, prov_by, created_at, removed) VALUES (?, ?, ?, 'manual', ?, ?,"
                    " ?, 1)",
                    (
                        policy_id,
                        interp_id,
                        InterpretationForm.TEXT.value,
                        ProvenanceKind.MANUAL.value,
                        who,
                        catalog.now(),
                    ),
                )
            else:
                conn.execute(
                    "UPDATE interpretations SET removed = 1, prov_kind = ?, prov_by = ?"
                    " WHERE policy_id = ? AND interpretation_id = ?",
                    (ProvenanceKind.MANUAL.value, who, policy_id, interp_id),
                )
            catalog.touch(conn, policy_id)
            catalog.touch(conn, interp_id)
            removed = row is not None and not row["removed"]
            self.log(
                "interpretation_unlink",
                policy_id,
                "removed" if removed else "blocked",
                interpretation=interp_id,
                by=who,
            )
        return removed

    # --- the rules that settle attributes after an ingest ---------------------------------

    def _write_disclosure(
        self, conn: sqlite3.Connection, doc_id: str, disclosure: Disclosure
    ) -> bool:
        """Store a rule-made disclosure unless it is what the document has. Returns changed."""
        current = catalog.load_disclosure(conn, doc_id)
        if _same_disclosure(current, disclosure):
            return False
        catalog.set_disclosure(conn, doc_id, disclosure, changed_by=self.actor)
        catalog.touch(conn, doc_id)
        return True

    def _settle_disclosures(self, conn: sqlite3.Connection, ids: Iterable[str]) -> None:
        """Apply the publication and forwarding rules to stored documents, then let
        attachments and forwarding notices follow."""
        ordered = list(dict.fromkeys(ids))
        for doc_id in ordered:
            self._publication_rule(conn, doc_id)
        for doc_id in ordered:
            self._forwarding_rule(conn, doc_id)
        seen: set[str] = set()
        for doc_id in ordered:
            self._propagate_disclosure(conn, doc_id, seen)

    def _publication_rule(self, conn: sqlite3.Connection, doc_id: str) -> None:
        """Printed in a gazette or published on a portal page: proactive by that fact."""
        row = catalog.fetch_one(conn, "SELECT index_number FROM documents WHERE id = ?", (doc_id,))
        if row is None:
            return
        origins = [
            TextOrigin(r["origin"])
            for r in catalog.fetch_all(
                conn, "SELECT DISTINCT origin FROM texts WHERE doc_id = ?", (doc_id,)
            )
        ]
        basis = disclosure_rules.publication_basis(
            catalog.load_publications(conn, doc_id),
            origins=origins,
            index_number=row["index_number"],
        )
        if basis is None:
            return
        current = catalog.load_disclosure(conn, doc_id)
        prov = current.provenance
        if (
            current.attribute == DisclosureAttribute.PROACTIVE
            and prov is not None
            and prov.kind in (ProvenanceKind.METADATA, ProvenanceKind.POLICY)
            and (current.basis == basis or not basis.startswith("刊登于"))
        ):
            # Already proactive by a publication with its basis recorded; only a gazette
            # printing (the standard text) replaces a portal basis.
            return
        if prov is not None and prov.kind in (ProvenanceKind.MANUAL, ProvenanceKind.IMPORTED):
            # A person's decision stands; a published document kept from the public is
            # worth a look, so the conflict goes to the log.
            if current.attribute != DisclosureAttribute.PROACTIVE:
                self.log(
                    "disclosure_conflict",
                    doc_id,
                    "kept",
                    attribute=current.attribute.value,
                    published=basis,
                )
            return
        self._write_disclosure(conn, doc_id, disclosure_rules.publication_disclosure(basis))

    def _forwarding_rule(self, conn: sqlite3.Connection, doc_id: str) -> None:
        """A 转发/批转 notice with no attribute of its own takes what it forwards."""
        row = catalog.fetch_one(
            conn, "SELECT title, parent_id FROM documents WHERE id = ?", (doc_id,)
        )
        if row is None or row["parent_id"] is not None:
            return
        refs = disclosure_rules.forwarded_refs(row["title"])
        if not refs or disclosure_rules.explicit(catalog.load_disclosure(conn, doc_id)):
            return
        parts = [
            r["id"]
            for r in catalog.fetch_all(
                conn, "SELECT id FROM documents WHERE parent_id = ? ORDER BY part_index", (doc_id,)
            )
        ]
        for part in parts:
            own = catalog.load_disclosure(conn, part)
            if disclosure_rules.explicit(own):
                self._write_disclosure(
                    conn,
                    doc_id,
                    disclosure_rules.inherited(own, part, relation="forwarded document"),
                )
                return
        if catalog.fetch_one(
            conn,
            "SELECT 1 FROM pending_refs WHERE kind = 'forward' AND from_doc_id = ?",
            (doc_id,),
        ):
            return  # already looked for; the pending reference resolves when it arrives
        exclude = {doc_id, *parts}
        payloads = []
        for ref in refs:
            target, found = references.resolve_ref(conn, ref, exclude=exclude)
            payload = {"forward": True, "target_title": ref.title}
            if target is not None:
                pending_id = references.store_pending(
                    conn, kind="forward", from_doc_id=doc_id, ref=ref, payload=payload, found=[]
                )
                references.mark_resolved(conn, pending_id, target)
                self._inherit_forwarded(conn, doc_id, target)
                return
            payloads.append((ref, payload, found))
        for ref, payload, found in payloads:
            references.store_pending(
                conn, kind="forward", from_doc_id=doc_id, ref=ref, payload=payload, found=found
            )

    def _inherit_forwarded(self, conn: sqlite3.Connection, notice_id: str, target_id: str) -> None:
        """The forwarded document is known: the notice takes its attribute, if it has none."""
        conn.execute(
            "UPDATE pending_refs SET state = 'resolved', resolved_id = ?, resolved_at = ?"
            " WHERE kind = 'forward' AND from_doc_id = ? AND state != 'resolved'",
            (target_id, catalog.now(), notice_id),
        )
        own = catalog.load_disclosure(conn, notice_id)
        source = catalog.load_disclosure(conn, target_id)
        if disclosure_rules.explicit(own) or source.attribute == DisclosureAttribute.UNKNOWN:
            return
        inherited = disclosure_rules.inherited(source, target_id, relation="forwarded document")
        if self._write_disclosure(conn, notice_id, inherited):
            self._propagate_disclosure(conn, notice_id, set())

    def _propagate_disclosure(
        self, conn: sqlite3.Connection, doc_id: str, seen: set[str]
    ) -> list[str]:
        """Attachments without an attribute of their own take the carrier's; notices that
        forward this document take it too. Returns the ids whose attribute changed."""
        if doc_id in seen:
            return []
        seen.add(doc_id)
        changed: list[str] = []
        carrier = catalog.load_disclosure(conn, doc_id)
        for part in catalog.fetch_all(
            conn, "SELECT id FROM documents WHERE parent_id = ? ORDER BY part_index", (doc_id,)
        ):
            part_id = part["id"]
            catalog.touch(conn, part_id)  # its visibility follows the carrier's
            own = catalog.load_disclosure(conn, part_id)
            if not disclosure_rules.explicit(own) and carrier.attribute != (
                DisclosureAttribute.UNKNOWN
            ):
                inherited = disclosure_rules.inherited(carrier, doc_id, relation="carrier")
                if self._write_disclosure(conn, part_id, inherited):
                    changed.append(part_id)
            changed.extend(self._propagate_disclosure(conn, part_id, seen))
        if carrier.attribute == DisclosureAttribute.UNKNOWN:
            return changed
        for row in catalog.fetch_all(
            conn,
            "SELECT DISTINCT from_doc_id FROM pending_refs"
            " WHERE kind = 'forward' AND state = 'resolved' AND resolved_id = ?",
            (doc_id,),
        ):
            notice_id = row["from_doc_id"]
            own = catalog.load_disclosure(conn, notice_id)
            if disclosure_rules.explicit(own):
                continue
            inherited = disclosure_rules.inherited(carrier, doc_id, relation="forwarded document")
            if self._write_disclosure(conn, notice_id, inherited):
                changed.append(notice_id)
                changed.extend(self._propagate_disclosure(conn, notice_id, seen))
        return changed

    # --- lifecycle writes (validity over time) -------------------------------------------
    #
    # Every lifecycle event stored on a document goes through here (parsed on ingest, applied
    # from another document's reference, imported from a cleanup list, entered by hand), so
    # that provenance is complete, a carrier notice and the attachment issued under its number
    # share one life, configured defaults are re-derived, and manual changes reach the log.

    def _store_event(self, conn: sqlite3.Connection, doc_id: str, event: LifecycleEvent) -> int:
        """Insert an event, naming the document it was parsed from when the parser could not."""
        prov = event.provenance
        if prov.source is None and prov.kind in (ProvenanceKind.PARSED, ProvenanceKind.INHERITED):
            event = attrs.evolve(event, provenance=attrs.evolve(prov, source=doc_id))
        return catalog.insert_event(conn, doc_id, event)

    def _record_lifecycle(
        self, conn: sqlite3.Connection, doc_id: str, event: LifecycleEvent
    ) -> list[int]:
        """Record an event on a document and on the attachments that carry its number.

        A 印发 notice and the rules it issues (the attachment, which inherits the notice's
        number) are repealed, amended and renewed together. Returns the new event ids.
        """
        ids = [catalog.insert_event(conn, doc_id, event)]
        row = catalog.fetch_one(conn, "SELECT doc_number FROM documents WHERE id = ?", (doc_id,))
        parts: list[str] = []
        if row is not None and row["doc_number"]:
            parts = [
                r["id"]
                for r in catalog.fetch_all(
                    conn,
                    "SELECT id FROM documents WHERE parent_id = ? AND doc_number = ?",
                    (doc_id, row["doc_number"]),
                )
            ]
        for part_id in parts:
            ids.append(catalog.insert_event(conn, part_id, event))
            self._refresh_derived(conn, part_id)
        self._refresh_derived(conn, doc_id)
        return ids

    def _apply_event_ref(
        self,
        conn: sqlite3.Connection,
        from_id: str | None,
        target_id: str,
        payload: dict[str, Any],
    ) -> None:
        """Record the event another document (or an imported list) states about ``target_id``."""
        event = catalog.event_from_payload(payload["event"])
        if from_id is not None:
            acting_row = catalog.fetch_one(
                conn, "SELECT title, doc_number FROM documents WHERE id = ?", (from_id,)
            )
            assert acting_row is not None
            event = attrs.evolve(
                event,
                acting=DocRef(
                    text=acting_row["title"] or acting_row["doc_number"] or from_id,
                    title=acting_row["title"],
                    number=acting_row["doc_number"],
                    resolved_id=from_id,
                ),
            )
            prov = event.provenance
            if prov.source is None and prov.kind == ProvenanceKind.PARSED:
                event = attrs.evolve(event, provenance=attrs.evolve(prov, source=from_id))
        ids = self._record_lifecycle(conn, target_id, event)
        self.log("lifecycle_ref", target_id, "recorded", event_ids=ids, **_event_log(event))

    def _apply_policy(self, conn: sqlite3.Connection, doc_id: str) -> bool:
        """Re-derive a document's policy events from the settings. Returns whether they changed."""
        doc = catalog.load_document(conn, doc_id, with_parts=False)
        if doc is None:
            return False
        own = tuple(e for e in doc.events if e.provenance.kind != ProvenanceKind.POLICY)
        held = [e for e in doc.events if e.provenance.kind == ProvenanceKind.POLICY]
        wanted = policy_events(attrs.evolve(doc, events=own), archive_settings.load(conn))
        if [(e.kind, e.date) for e in held] == [(e.kind, e.date) for e in wanted]:
            return False
        conn.execute("DELETE FROM events WHERE doc_id = ? AND prov_kind = 'policy'", (doc_id,))
        for event in wanted:
            catalog.insert_event(conn, doc_id, event)
        return True

    def settings(self) -> dict[str, Any]:
        """The archive's settings (see :mod:`gazette.settings`)."""
        return archive_settings.load(self.conn)

    def set_setting(self, name: str, value: Any) -> int:
        """Change a setting (``None`` unsets it) and re-derive what depends on it.

        Returns the number of documents whose policy events changed.

        Raises:
            InvalidArgument: no such setting.
        """
        with self.transaction() as conn:
            archive_settings.store(conn, name, value)
            changed = 0
            for doc_id in list(catalog.iter_ids(conn)):
                if self._apply_policy(conn, doc_id):
                    changed += 1
                    self._refresh_derived(conn, doc_id)
            self.log(
                "set_setting",
                name,
                "set" if value is not None else "unset",
                value=value,
                documents=changed,
            )
        return changed

    def _manual(self, event: LifecycleEvent) -> LifecycleEvent:
        """A manual event carries who entered it and when."""
        prov = event.provenance
        if prov.kind != ProvenanceKind.MANUAL:
            return event
        return attrs.evolve(
            event,
            provenance=attrs.evolve(
                prov,
                by=prov.by or self.actor,
                at=prov.at or _dt.datetime.now(_dt.UTC).replace(microsecond=0),
            ),
        )

    def record_events(
        self, ref: str, events: Iterable[LifecycleEvent], *, action: str = "event"
    ) -> list[int]:
        """Add lifecycle events to a document (manual entry, corrections), in one transaction.

        Manual events get who entered them (the archive's actor) and when; the acting document
        is resolved when the archive holds it; attachments carrying the document's number get
        the events too. Each event is written to the log.

        Returns:
            The ids of the events recorded on the document ``ref`` names.

        Raises:
            DocumentNotFound: nothing matches ``ref``.
            AmbiguousReference: several documents match.
        """
        recorded: list[int] = []
        with self.transaction() as conn:
            doc_id = self.resolve_id(ref)
            for event in events:
                event = self._manual(event)
                acting = event.acting
                if acting is not None and acting.resolved_id is None:
                    target, _ = references.resolve_ref(conn, acting, exclude={doc_id})
                    if target is not None:
                        event = attrs.evolve(event, acting=acting.with_resolved(target))
                ids = self._record_lifecycle(conn, doc_id, event)
                recorded.append(ids[0])
                self.log(action, doc_id, "recorded", event_ids=ids, **_event_log(event))
        return recorded

    def remove_event(self, event_id: int, *, reason: str) -> LifecycleEvent:
        """Withdraw an event recorded in error. The log keeps the event and the reason.

        The copies recorded with it on the attachments that carry the document's number go
        with it.

        Raises:
            InvalidArgument: no event with that id, or no reason given.
        """
        if not reason or not reason.strip():
            raise InvalidArgument("say why the event is removed (--reason)")
        with self.transaction() as conn:
            row = catalog.fetch_one(conn, "SELECT * FROM events WHERE id = ?", (event_id,))
            if row is None:
                raise InvalidArgument(f"no event with id {event_id}")
            event = catalog.event_from_row(row)
            same = " AND ".join(f"e.{column} IS ?" for column in _EVENT_IDENTITY)
            copies = catalog.fetch_all(
                conn,
                "SELECT e.id, e.doc_id FROM events e JOIN documents d ON d.id = e.doc_id"
                f" WHERE d.parent_id = ? AND {same}",
                (row["doc_id"], *(row[column] for column in _EVENT_IDENTITY)),
            )
            for target in [{"id": event_id, "doc_id": row["doc_id"]}, *copies]:
                conn.execute("DELETE FROM events WHERE id = ?", (target["id"],))
                self._refresh_derived(conn, target["doc_id"])
            self.log(
                "remove_event",
                row["doc_id"],
                "removed",
                event_id=event_id,
                copies=[c["id"] for c in copies],
                reason=reason.strip(),
                **_event_log(event),
            )
        return event

    def import_cleanup(
        self,
        rows: Iterable[CleanupRow],
        *,
        list_name: str,
        acting: str | None = None,
    ) -> ImportReport:
        """Import a cleanup list (清理结果): one cleanup-outcome event per row, all or nothing.

        Args:
            rows: the list (see :func:`gazette.cleanup.read_cleanup_csv`).
            list_name: the list's name, kept as the events' provenance.
            acting: the cleanup notice the list comes from: a reference (id, number or title)
                to an archive document, or the notice's title or number as written.

        A row whose document is not in the archive (or is ambiguous) is kept pending and
        applied when the document arrives.
        """
        rows = list(rows)
        applied = pending = 0
        with self.transaction() as conn:
            acting_ref = self._acting_ref(conn, acting)
            now = _dt.datetime.now(_dt.UTC).replace(microsecond=0)
            for row in rows:
                event = LifecycleEvent(
                    kind=EventKind.CLEANUP_OUTCOME,
                    date=row.date,
                    outcome=row.outcome,
                    articles=row.articles,
                    note=row.note,
                    acting=acting_ref,
                    provenance=Provenance(
                        ProvenanceKind.IMPORTED,
                        source=f"{list_name} line {row.line}",
                        excerpt=row.excerpt,
                        by=self.actor,
                        at=now,
                    ),
                )
                target_id, found = references.resolve_ref(conn, row.target)
                if target_id is None:
                    references.store_pending(
                        conn,
                        kind="event",
                        from_doc_id=acting_ref.resolved_id if acting_ref else None,
                        ref=row.target,
                        payload={"event": catalog.event_payload(event)},
                        found=found,
                    )
                    pending += 1
                    outcome = "ambiguous" if found else "pending"
                else:
                    self._record_lifecycle(conn, target_id, event)
                    applied += 1
                    outcome = "recorded"
                self.log(
                    "import_cleanup",
                    target_id,
                    outcome,
                    ref=row.target.text,
                    candidates=found,
                    **_event_log(event),
                )
        return ImportReport(rows=len(rows), applied=applied, pending=pending)

    def _acting_ref(self, conn: sqlite3.Connection, acting: str | None) -> DocRef | None:
        """The acting document of imported or entered events: an archive document if one
        matches, else the reference as written."""
        if not acting or not acting.strip():
            return None
        acting = acting.strip()
        try:
            doc_id = self.resolve_id(acting)
        except (DocumentNotFound, AmbiguousReference):
            ref = references.ref_from_text(acting)
            return ref or DocRef(acting, acting)
        row = catalog.fetch_one(
            conn, "SELECT title, doc_number FROM documents WHERE id = ?", (doc_id,)
        )
        assert row is not None
        return DocRef(
            row["title"] or row["doc_number"] or doc_id, row["title"], row["doc_number"], doc_id
        )

    def unresolved(self, view: View | str = View.INTERNAL) -> list[dict[str, Any]]:
        """References still waiting for their target (see :func:`gazette.references.unresolved`).

        The public view lists only references made by documents the public may see (and
        imported lists); candidates it may not see are left out.
        """
        rows = references.unresolved(self.conn)
        if View(view) == View.INTERNAL:
            return rows
        reader = self.view(view)
        out = []
        for row in rows:
            if row["from_doc_id"] and not reader._visible_id(row["from_doc_id"]):
                continue
            row["candidates"] = [c for c in row["candidates"] if reader._visible_id(c)]
            out.append(row)
        return out

    # --- the index -----------------------------------------------------------------------

    @contextlib.contextmanager
    def deferred_indexing(self, every: int = 200) -> Iterator[None]:
        """Let the search index catch up every ``every`` commits instead of after each one.

        For batches: every original still commits to the catalog on its own, its index change
        queued in the same transaction; the index applies the queue in one go every ``every``
        commits and when the block ends (a crash leaves the queue to the next writer, as
        always). Search shows new documents a little later, never before the catalog does.
        """
        if self._index_deferred is not None:
            yield
            return
        self._index_deferred = [0, max(1, every)]
        try:
            yield
        finally:
            self._index_deferred = None
            with self.writing():
                self._sync_index_quietly()

    def _sync_index_quietly(self) -> None:
        """Update the index after a commit; a failure leaves the queue for the next writer.

        The catalog change is committed and stands: an index that lags is derived data that
        ``verify`` reports and the next write (or ``reindex``) repairs.
        """
        if self._index_deferred is not None:
            self._index_deferred[0] += 1
            if self._index_deferred[0] < self._index_deferred[1]:
                return
            self._index_deferred[0] = 0
        try:
            self._replay_index_queue()
        except Exception as exc:
            self.index_error = f"{type(exc).__name__}: {exc}"

    def _replay_index_queue(self) -> int:
        """Bring the search index up to date with queued changes. Returns entries written."""
        rows = catalog.fetch_all(self.conn, "SELECT doc_id, queued_at FROM index_queue")
        if not rows:
            return 0
        written = self._index_ids([r["doc_id"] for r in rows])
        for chunk_start in range(0, len(rows), 500):
            chunk = rows[chunk_start : chunk_start + 500]
            self.conn.executemany(
                "DELETE FROM index_queue WHERE doc_id = ? AND queued_at = ?",
                [(r["doc_id"], r["queued_at"]) for r in chunk],
            )
        return written

    def _index_ids(self, ids: list[str], progress: Callable[[int], None] | None = None) -> int:
        records = []
        deleted = []
        for doc_id in ids:
            record = self.index_record(doc_id)
            if record is None:
                deleted.append(doc_id)
            else:
                records.append(record)
            if progress:
                progress(1)
        return self.index.apply(records, deleted)

    def index_record(self, doc_id: str) -> Any:
        """The search-index record a document should have now (``None`` if it is gone)."""
        row = catalog.fetch_one(
            self.conn, "SELECT rev, parent_id FROM documents WHERE id = ?", (doc_id,)
        )
        if row is None:
            return None
        doc = catalog.load_document(self.conn, doc_id, with_parts=False)
        assert doc is not None
        if disclosure_rules.withholds_title(doc):
            # The title paragraph is withheld: it stays searchable in the restricted text.
            doc = attrs.evolve(doc, title=disclosure_rules.WITHHELD_PLACEHOLDER)
        return record_for(doc, row["rev"], public=self.public.visible(doc_id))

    def reindex(
        self,
        progress: Callable[[int], None] | None = None,
        *,
        procs: int | None = None,
        engine: str | None = None,
    ) -> int:
        """Rebuild the search index from the catalog. Returns documents indexed.

        Documents are written oldest first (written, else published date), so that the order
        of the index follows time.

        Args:
            progress: called with 1 per document read.
            procs: processes that analyse text (default: two for large archives when the
                machine has two cores).
            engine: switch to this search engine (``sqlite`` or ``whoosh``); the catalog then
                records it and the other engine's index is removed.
        """
        target = check_engine(engine) if engine else self.search_engine
        with self.writing():
            ids = [
                row[0]
                for row in self.conn.execute(
                    "SELECT id FROM documents ORDER BY"
                    " coalesce(written_date, published_date, ''), created_at, id"
                ).fetchall()
            ]
            if procs is None:
                procs = min(2, os.cpu_count() or 1) if len(ids) >= 2000 else 1
            index = (
                self.index
                if target == self.search_engine
                else open_index(self.index_path(target), target)
            )

            def records() -> Iterator[Any]:
                for doc_id in ids:
                    record = self.index_record(doc_id)
                    if progress:
                        progress(1)
                    if record is not None:
                        yield record

            try:
                count = index.rebuild(records(), procs=procs)
            except BaseException:
                if index is not self._index:
                    index.close()
                raise
            previous = self.search_engine
            with self.transaction() as conn:
                conn.execute("DELETE FROM index_queue")
                conn.execute(
                    "INSERT INTO meta(key, value) VALUES ('search_engine', ?)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (target,),
                )
                self.log("reindex", None, "done", documents=count, engine=target)
            if target != previous:
                if self._index is not None:
                    self._index.close()
                self._index = index
                self.search_engine = target
                shutil.rmtree(self.index_path(previous), ignore_errors=True)
        return count

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


def _same_disclosure(a: Disclosure, b: Disclosure) -> bool:
    """Equal for the purpose of the history (ignoring when it was recorded)."""
    pa, pb = a.provenance, b.provenance
    return (
        a.attribute == b.attribute
        and a.reason == b.reason
        and a.grounds == b.grounds
        and a.basis == b.basis
        and a.withheld_blocks == b.withheld_blocks
        and (pa.kind if pa else None) == (pb.kind if pb else None)
        and (pa.source if pa else None) == (pb.source if pb else None)
    )


# The columns that make two event rows the same fact (an event and its copies on attachments).
_EVENT_IDENTITY = (
    "kind",
    "date",
    "outcome",
    "articles",
    "acting_text",
    "prov_kind",
    "prov_source",
    "prov_excerpt",
    "prov_at",
)


def _event_log(event: LifecycleEvent) -> dict[str, Any]:
    """What the log keeps of an event."""
    acting = event.acting
    prov = event.provenance
    return {
        "kind": event.kind.value,
        "date": catalog.iso(event.date),
        "cleanup_outcome": event.outcome.value if event.outcome else None,
        "articles": list(event.articles),
        "acting": acting.text if acting else None,
        "acting_id": acting.resolved_id if acting else None,
        "provenance": prov.kind.value,
        "source": prov.source,
        "by": prov.by,
    }


def _with_source(text: TextVersion, source: SourceFile) -> TextVersion:
    return text if text.source_sha256 else attrs.evolve(text, source_sha256=source.sha256)


def today() -> _dt.date:
    """Today's date (one place, so tests and reports agree)."""
    return _dt.date.today()


__all__ = [
    "AddResult",
    "Archive",
    "DocumentNotFound",
    "ImportReport",
    "Submission",
    "default_location",
    "open_archive",
]
