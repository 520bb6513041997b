"""Adding originals to the archive: the documents read from a file, stored new or merged into
the documents they are another rendition or version of (a part of
:class:`gazette.archive.Archive`)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from gazette import references, titles
from gazette.archive import codec, ocr_pages, reads, resolution, tables
from gazette.errors import InvalidArgument
from gazette.model import (
    DisclosureAttribute,
    Document,
    GazetteIssue,
    OcrPage,
    PendingOcr,
    SourceFile,
    TextVersion,
)
from gazette.references import OutgoingRef

if TYPE_CHECKING:
    from gazette.archive.catalog import Catalog
    from gazette.archive.disclosure import DisclosureWrites
    from gazette.archive.issues import IssueWrites
    from gazette.archive.lifecycle import LifecycleWrites
    from gazette.archive.linking import ReferenceWrites
    from gazette.archive.store import ObjectStore


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


class DocumentWrites:
    """Stores originals and the documents they hold, all or nothing."""

    def __init__(
        self,
        catalog: Catalog,
        objects: ObjectStore,
        resolve: Callable[[str], str],
        *,
        lifecycle: LifecycleWrites,
        disclosure: DisclosureWrites,
        issues: IssueWrites,
        references: ReferenceWrites,
    ) -> None:
        self.catalog = catalog
        self.objects = objects
        self.resolve = resolve
        self.lifecycle = lifecycle
        self.disclosure = disclosure
        self.issues = issues
        self.references = references

    def has_source(self, sha256: str) -> bool:
        return (
            self.catalog.conn.execute(
                "SELECT 1 FROM sources WHERE sha256 = ?", (sha256,)
            ).fetchone()
            is not None
        )

    def add(self, submission: Submission) -> AddResult:
        """Store an original and the documents read from it, all or nothing.

        Adding bytes already in the archive is a no-op that reports ``duplicate``.
        """
        sha = submission.source.sha256
        if not self.catalog.locked and not self.has_source(sha):
            # Copying the original in (and flushing it to disk) needs no lock: writers do it
            # at once, and queue only for the catalog.
            self.objects.put_file(submission.path, sha)
        with self.catalog.writing():
            if self.has_source(sha):
                with self.catalog.transaction() as conn:
                    tables.add_source_path(conn, sha, submission.source.path)
                    ids = self._ids_for_source(sha)
                    self.catalog.log(
                        "ingest", submission.source.path, "duplicate", sha256=sha, ids=ids
                    )
                return AddResult("duplicate", sha, tuple(ids))
            # The original goes in first: a crash before the commit leaves only an orphan.
            # (Copied in above; a repair that took it for an orphan meanwhile is undone here.)
            self.objects.put_file(submission.path, sha)
            with self.catalog.transaction() as conn:
                result = self._add(conn, submission)
                self.catalog.log(
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
        rows = reads.fetch_all(
            self.catalog.conn,
            "SELECT d.id FROM document_sources s JOIN documents d ON d.id = s.doc_id"
            " WHERE s.sha256 = ? AND d.parent_id IS NULL ORDER BY d.created_at, d.id",
            (sha,),
        )
        return [r["id"] for r in rows]

    def pending_ocr(self) -> list[SourceFile]:
        """Originals kept as needing OCR that hold no document yet (scans read without OCR)."""
        rows = reads.fetch_all(
            self.catalog.conn,
            "SELECT * FROM sources s WHERE s.state = 'needs_ocr' AND NOT EXISTS"
            " (SELECT 1 FROM document_sources d WHERE d.sha256 = s.sha256)"
            " ORDER BY s.ingested_at, s.sha256",
        )
        return [SourceFile(r["sha256"], r["format"], r["path"], r["size"]) for r in rows]

    def ocr_backlog(self) -> list[PendingOcr]:
        """Every original with pages that still need OCR, with those pages and why."""
        return ocr_pages.backlog(self.catalog.conn)

    def complete_pending(self, submission: Submission) -> AddResult:
        """Store what an original kept as needing OCR yields now that it has been recognised
        again. An original that held only pages: its documents and its issue replace the
        issue record that held only pages. One whose other pages were read: each document
        read again takes the place of the one it was read as before (same item of the issue,
        else the same work), its text from this original replaced; the issue record is
        replaced; documents no longer read from it keep what they had.

        Raises:
            InvalidArgument: the original is not kept as needing OCR.
        """
        sha = submission.source.sha256
        with self.catalog.transaction() as conn:
            if not ocr_pages.backlog(conn, sha):
                raise InvalidArgument(f"{sha[:12]} 不是等待OCR的原件")
            matches = self._reread_matches(conn, submission)
            old_issues = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM issues WHERE source_sha256 = ?", (sha,)
                ).fetchall()
            ]
            for issue_id in old_issues:
                conn.execute("DELETE FROM publications WHERE issue_id = ?", (issue_id,))
                conn.execute("DELETE FROM issues WHERE id = ?", (issue_id,))
            for doc_id in set(matches.values()):
                conn.execute(
                    "DELETE FROM texts WHERE source_sha256 = ? AND (doc_id = ? OR doc_id IN"
                    " (SELECT id FROM documents WHERE parent_id = ?))",
                    (sha, doc_id, doc_id),
                )
            conn.execute(
                "UPDATE sources SET state = ?, detail = ? WHERE sha256 = ?",
                (submission.state, codec.dumps(submission.detail), sha),
            )
            result = self._add(conn, submission, source_stored=True, matches=matches)
            self.catalog.log(
                "ocr", submission.source.path, "ingested", sha256=sha, ids=list(result.ids)
            )
        return result

    def _reread_matches(self, conn: sqlite3.Connection, submission: Submission) -> dict[int, str]:
        """Which document already held from this original each document of a new reading
        of it is (by its place in the issue, else as the same work; a file that is one
        document is that document)."""
        sha = submission.source.sha256
        held = set(self._ids_for_source(sha))
        if not held:
            return {}
        if submission.issue is None and len(held) == 1 and len(submission.documents) == 1:
            return {0: next(iter(held))}
        matches: dict[int, str] = {}
        for index, doc in enumerate(submission.documents):
            found = None
            if submission.issue is not None:
                found = self.issues.match_issue_item(conn, submission.issue, index, doc)
            found = found or self._match_work(conn, doc)
            if found in held and found not in matches.values():
                matches[index] = found
        return matches

    def _add(
        self,
        conn: sqlite3.Connection,
        submission: Submission,
        *,
        source_stored: bool = False,
        matches: dict[int, str] | None = None,
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
            existing = (matches or {}).get(index)
            if existing is None and submission.issue is not None:
                existing = self.issues.match_issue_item(conn, submission.issue, index, doc)
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
            self.issues.add_issue(conn, submission.issue, ids, source.sha256)
        resolved = 0
        for doc_id in [*new_ids, *merged]:
            resolved += self.references.resolve_pending_for(conn, doc_id)
        pending = 0
        for ref in submission.references:
            from_id = positions.get(ref.source)
            if from_id is None:
                raise InvalidArgument(f"引用来自未知的位置 {ref.source}")
            if not self.references.apply_ref(conn, from_id, ref):
                pending += 1
            else:
                resolved += 1
        self.disclosure.settle_disclosures(conn, [*merged, *new_ids])
        settings = self.lifecycle.settings_in(conn)
        for doc_id in set(new_ids) | set(merged):
            self.lifecycle.refresh_derived(conn, doc_id, settings)
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
        key = codec.title_key(doc.title)
        if doc.doc_number is not None:
            rows = reads.fetch_all(
                conn,
                "SELECT id, title_key, written_date FROM documents"
                " WHERE parent_id IS NULL AND doc_number = ?",
                (str(doc.doc_number),),
            )
            same = [r["id"] for r in rows if not key or not r["title_key"] or r["title_key"] == key]
            if not same:
                # A portal or a gazette may title a document in its own way; one number
                # written on the same day is still one document.
                written = codec.iso(doc.written_date)
                same = [r["id"] for r in rows if written and r["written_date"] == written]
            return same[0] if len(same) == 1 else None
        if not key:
            return None
        rows = reads.fetch_all(
            conn,
            "SELECT id, title, written_date, issuers FROM documents"
            " WHERE parent_id IS NULL AND doc_number IS NULL AND title_key = ?",
            (key,),
        )
        if not rows:
            return None
        written = codec.iso(doc.written_date)
        same_day = [r["id"] for r in rows if written and r["written_date"] == written]
        if len(same_day) == 1:
            return same_day[0]
        # Laws and regulations carry no number: a text with version dates is another version
        # of the act with the same title (暂行/试行 and the final act are two acts) enacted at
        # the same level (a province's and a ministry's 实施办法 are two acts).
        # Two texts that each begin their history with an original adoption on different days
        # are two acts of one title (a re-enactment), not versions of one.
        if any(t.adopted for t in doc.texts):
            wanted = titles.normalised_title(doc.title)
            origin = references.history_origin(doc.events)
            same = [
                r["id"]
                for r in rows
                if titles.normalised_title(r["title"]) == wanted
                and references.same_level(json.loads(r["issuers"] or "[]"), doc.issuers)
                and references.same_act(origin, resolution.stored_origin(conn, r["id"]))
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
            "INSERT INTO document_sources(doc_id, sha256) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (doc_id, source.sha256),
        )
        for text in doc.texts:
            tables.add_text(conn, doc_id, _with_source(text, source))
        for event in doc.events:
            self.lifecycle.add_event(conn, doc_id, event)
        if doc.disclosure.attribute != DisclosureAttribute.UNKNOWN or doc.disclosure.basis:
            tables.set_disclosure(conn, doc_id, doc.disclosure, changed_by=self.catalog.actor)
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
        existing = reads.load_document(conn, doc_id, with_parts=False)
        assert existing is not None
        conn.execute(
            "INSERT INTO document_sources(doc_id, sha256) VALUES (?, ?) ON CONFLICT DO NOTHING",
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
        doc = self.lifecycle.reconcile_starts(conn, doc_id, existing, doc)
        held = {(t.content_hash, t.adopted, t.origin) for t in existing.texts}
        for text in doc.texts:
            if (text.content_hash, text.adopted, text.origin) not in held:
                tables.add_text(conn, doc_id, _with_source(text, source))
        known = {(e.kind, e.date, e.outcome, tuple(e.articles)) for e in existing.events}
        for event in doc.events:
            if (event.kind, event.date, event.outcome, tuple(event.articles)) not in known:
                self.lifecycle.add_event(conn, doc_id, event)
        if (
            existing.disclosure.attribute == DisclosureAttribute.UNKNOWN
            and doc.disclosure.attribute != DisclosureAttribute.UNKNOWN
        ):
            tables.set_disclosure(conn, doc_id, doc.disclosure, changed_by=self.catalog.actor)
        for publication in doc.publications:
            tables.insert_publication(conn, doc_id, publication)
        existing_parts = reads.fetch_all(
            conn,
            "SELECT id, title_key, part_index FROM documents WHERE parent_id = ?"
            " ORDER BY part_index",
            (doc_id,),
        )
        for k, part in enumerate(doc.parts, start=1):
            key = codec.title_key(part.title)
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

    def add_text(self, ref: str, text: TextVersion) -> int:
        """Add a text version (e.g. an amended text entered by hand)."""
        with self.catalog.transaction() as conn:
            doc_id = self.resolve(ref)
            text_id = tables.insert_text(conn, doc_id, text)
            self.lifecycle.refresh_derived(conn, doc_id)
            self.catalog.log("add_text", doc_id, "recorded", text_id=text_id)
        return text_id

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
            out[name] = int(self.catalog.conn.execute(sql).fetchone()[0])
        return out


def _with_source(text: TextVersion, source: SourceFile) -> TextVersion:
    return text if text.source_sha256 else attrs.evolve(text, source_sha256=source.sha256)
