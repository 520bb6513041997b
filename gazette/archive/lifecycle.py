"""The archive's lifecycle writes: dated events, the policy events settings imply, cleanup imports
(a part of :class:`gazette.archive.Archive`)."""

from __future__ import annotations

import datetime as _dt
import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

from gazette import references
from gazette.archive import codec, reads, resolution, tables, version_starts
from gazette.archive import settings_store as archive_settings
from gazette.cleanup import CleanupRow
from gazette.disclosure import View
from gazette.errors import (
    AmbiguousReference,
    DocumentNotFound,
    InvalidArgument,
)
from gazette.lifecycle import policy_events, status_intervals
from gazette.model import (
    DocRef,
    Document,
    EventKind,
    LifecycleEvent,
    Provenance,
    ProvenanceKind,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from gazette.archive.catalog import Catalog
    from gazette.archive.views import ArchiveView


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


class LifecycleWrites:
    """Writes behind :mod:`gazette.lifecycle` and :mod:`gazette.validity`."""

    def __init__(
        self,
        catalog: Catalog,
        resolve: Callable[[str], str],
        views: Callable[[View | str], ArchiveView],
    ) -> None:
        self.catalog = catalog
        self.resolve = resolve
        self.view = views

    # --- lifecycle writes (validity over time) -------------------------------------------
    #
    # Every lifecycle event stored on a document goes through here (parsed on ingest, applied
    # from another document's reference, imported from a cleanup list, entered by hand), so
    # that provenance is complete, a carrier notice and the attachment issued under its number
    # share one life, configured defaults are re-derived, and manual changes reach the log.

    def store_event(self, conn: sqlite3.Connection, doc_id: str, event: LifecycleEvent) -> int:
        """Insert an event, naming the document it was parsed from when the parser could not.
        Returns its id."""
        return tables.insert_event(conn, doc_id, _sourced(event, doc_id))

    def add_event(self, conn: sqlite3.Connection, doc_id: str, event: LifecycleEvent) -> None:
        """:meth:`store_event` where the id is not needed (on PostgreSQL, nothing waits)."""
        tables.add_event(conn, doc_id, _sourced(event, doc_id))

    def _record_lifecycle(
        self, conn: sqlite3.Connection, doc_id: str, event: LifecycleEvent
    ) -> list[int]:
        """Record an event on a document and on the attachments that carry its number.

        A 印发 notice and the rules it issues (the attachment, which inherits the notice's
        number) are repealed, amended and renewed together. Returns the new event ids.
        """
        ids = [tables.insert_event(conn, doc_id, event)]
        row = reads.fetch_one(conn, "SELECT doc_number FROM documents WHERE id = ?", (doc_id,))
        parts: list[str] = []
        if row is not None and row["doc_number"]:
            parts = [
                r["id"]
                for r in reads.fetch_all(
                    conn,
                    "SELECT id FROM documents WHERE parent_id = ? AND doc_number = ?",
                    (doc_id, row["doc_number"]),
                )
            ]
        for part_id in parts:
            ids.append(tables.insert_event(conn, part_id, event))
            self.refresh_derived(conn, part_id)
        self.refresh_derived(conn, doc_id)
        return ids

    def apply_event_ref(
        self,
        conn: sqlite3.Connection,
        from_id: str | None,
        target_id: str,
        payload: dict[str, Any],
    ) -> None:
        """Record the event another document (or an imported list) states about ``target_id``."""
        event = codec.event_from_payload(payload["event"])
        if from_id is not None:
            acting_row = reads.fetch_one(
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
            if prov.source is None and prov.kind in (
                ProvenanceKind.PARSED,
                ProvenanceKind.INFERRED,
            ):
                event = attrs.evolve(event, provenance=attrs.evolve(prov, source=from_id))
        if from_id is not None and event.kind == EventKind.AMENDED and event.date is not None:
            version_starts.date_amended_text(self, conn, from_id, target_id, event)
        ids = self._record_lifecycle(conn, target_id, event)
        self.catalog.log(
            "lifecycle_ref", target_id, "recorded", event_ids=ids, event=codec.event_payload(event)
        )

    def reconcile_starts(
        self, conn: sqlite3.Connection, doc_id: str, existing: Document, doc: Document
    ) -> Document:
        """Two files of one version that disagree on its start: a stated start wins over an
        inferred one (see :func:`gazette.archive.version_starts.reconcile_starts`)."""
        return version_starts.reconcile_starts(self, conn, doc_id, existing, doc)

    def refresh_derived(
        self, conn: sqlite3.Connection, doc_id: str, settings: dict[str, Any] | None = None
    ) -> None:
        """Recompute policy events, the status intervals and the index entry of a document
        (``settings``: the archive's, when the caller has read them in this transaction)."""
        doc, _ = self._apply_policy(conn, doc_id, settings)
        if doc is None:
            return
        conn.execute("DELETE FROM status_intervals WHERE doc_id = ?", (doc_id,))
        conn.executemany(
            'INSERT INTO status_intervals(doc_id, status, start, "end") VALUES (?, ?, ?, ?)',
            [
                (doc_id, value.value, start.isoformat(), end.isoformat() if end else None)
                for value, start, end in status_intervals(doc)
            ],
        )
        tables.touch(conn, doc_id)

    def apply_policy(self, conn: sqlite3.Connection, doc_id: str) -> bool:
        """Re-derive a document's policy events from the settings. Returns whether they changed."""
        return self._apply_policy(conn, doc_id)[1]

    def _apply_policy(
        self, conn: sqlite3.Connection, doc_id: str, settings: dict[str, Any] | None = None
    ) -> tuple[Document | None, bool]:
        """:meth:`apply_policy`, also giving the document as it stands afterwards (read once:
        only its events are read again when the policy events changed)."""
        doc = reads.load_document(conn, doc_id, with_parts=False)
        if doc is None:
            return None, False
        own = tuple(e for e in doc.events if e.provenance.kind != ProvenanceKind.POLICY)
        held = [e for e in doc.events if e.provenance.kind == ProvenanceKind.POLICY]
        if settings is None:
            settings = archive_settings.load(conn)
        wanted = policy_events(attrs.evolve(doc, events=own), settings)
        if [(e.kind, e.date) for e in held] == [(e.kind, e.date) for e in wanted]:
            return doc, False
        conn.execute("DELETE FROM events WHERE doc_id = ? AND prov_kind = 'policy'", (doc_id,))
        for event in wanted:
            tables.add_event(conn, doc_id, event)
        return attrs.evolve(doc, events=reads.load_events(conn, doc_id)), True

    def settings(self) -> dict[str, Any]:
        """The archive's settings (see :mod:`gazette.settings`)."""
        return archive_settings.load(self.catalog.conn)

    def settings_in(self, conn: sqlite3.Connection) -> dict[str, Any]:
        """The archive's settings as this transaction sees them."""
        return archive_settings.load(conn)

    def set_setting(self, name: str, value: Any) -> int:
        """Change a setting (``None`` unsets it) and re-derive what depends on it.

        Returns the number of documents whose policy events changed.

        Raises:
            InvalidArgument: no such setting.
        """
        with self.catalog.transaction() as conn:
            archive_settings.store(conn, name, value)
            changed = 0
            rederive = archive_settings.SETTINGS[name].rederive
            for doc_id in list(reads.iter_ids(conn)) if rederive else ():
                if self.apply_policy(conn, doc_id):
                    changed += 1
                    self.refresh_derived(conn, doc_id)
            self.catalog.log(
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
                by=prov.by or self.catalog.actor,
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
        with self.catalog.transaction() as conn:
            doc_id = self.resolve(ref)
            for event in events:
                event = self._manual(event)
                acting = event.acting
                if acting is not None and acting.resolved_id is None:
                    # As the user wrote it (an id, a number, a title), then as a reference.
                    found = self._acting_ref(conn, acting.text)
                    if found is not None and found.resolved_id not in (None, doc_id):
                        event = attrs.evolve(event, acting=found)
                    else:
                        target, _ = resolution.resolve_ref(conn, acting, exclude={doc_id})
                        if target is not None:
                            event = attrs.evolve(event, acting=acting.with_resolved(target))
                ids = self._record_lifecycle(conn, doc_id, event)
                recorded.append(ids[0])
                self.catalog.log(
                    action, doc_id, "recorded", event_ids=ids, event=codec.event_payload(event)
                )
        return recorded

    def remove_event(self, event_id: int, *, reason: str) -> LifecycleEvent:
        """Withdraw an event recorded in error. The log keeps the event and the reason.

        The copies recorded with it on the attachments that carry the document's number go
        with it.

        Raises:
            InvalidArgument: no event with that id, or no reason given.
        """
        if not reason or not reason.strip():
            raise InvalidArgument("请说明撤销该事件的理由（`--reason`）")
        with self.catalog.transaction() as conn:
            row = reads.fetch_one(conn, "SELECT * FROM events WHERE id = ?", (event_id,))
            if row is None:
                raise InvalidArgument(f"没有编号为{event_id}的事件")
            event = reads.event_from_row(row)
            same = " AND ".join(f"e.{column} IS ?" for column in _EVENT_IDENTITY)
            copies = reads.fetch_all(
                conn,
                "SELECT e.id, e.doc_id FROM events e JOIN documents d ON d.id = e.doc_id"
                f" WHERE d.parent_id = ? AND {same}",
                (row["doc_id"], *(row[column] for column in _EVENT_IDENTITY)),
            )
            for target in [{"id": event_id, "doc_id": row["doc_id"]}, *copies]:
                conn.execute("DELETE FROM events WHERE id = ?", (target["id"],))
                self.refresh_derived(conn, target["doc_id"])
            self.catalog.log(
                "remove_event",
                row["doc_id"],
                "removed",
                event_id=event_id,
                copies=[c["id"] for c in copies],
                reason=reason.strip(),
                event=codec.event_payload(event),
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
        with self.catalog.transaction() as conn:
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
                        by=self.catalog.actor,
                        at=now,
                    ),
                )
                target_id, found = resolution.resolve_ref(conn, row.target)
                if target_id is None:
                    resolution.store_pending(
                        conn,
                        kind="event",
                        from_doc_id=acting_ref.resolved_id if acting_ref else None,
                        ref=row.target,
                        payload={"event": codec.event_payload(event)},
                        found=found,
                    )
                    pending += 1
                    outcome = "ambiguous" if found else "pending"
                else:
                    self._record_lifecycle(conn, target_id, event)
                    applied += 1
                    outcome = "recorded"
                self.catalog.log(
                    "import_cleanup",
                    target_id,
                    outcome,
                    ref=row.target.text,
                    candidates=found,
                    event=codec.event_payload(event),
                )
        return ImportReport(rows=len(rows), applied=applied, pending=pending)

    def _acting_ref(self, conn: sqlite3.Connection, acting: str | None) -> DocRef | None:
        """The acting document of imported or entered events: an archive document if one
        matches, else the reference as written."""
        if not acting or not acting.strip():
            return None
        acting = acting.strip()
        try:
            doc_id = self.resolve(acting)
        except (DocumentNotFound, AmbiguousReference):
            ref = references.ref_from_text(acting)
            return ref or DocRef(acting, acting)
        row = reads.fetch_one(
            conn, "SELECT title, doc_number FROM documents WHERE id = ?", (doc_id,)
        )
        assert row is not None
        return DocRef(
            row["title"] or row["doc_number"] or doc_id, row["title"], row["doc_number"], doc_id
        )

    def unresolved(self, view: View | str = View.INTERNAL) -> list[dict[str, Any]]:
        """References still waiting for their target (see :func:`gazette.resolution.unresolved`).

        The public view lists only references made by documents the public may see (and
        imported lists); candidates it may not see are left out.
        """
        rows = resolution.unresolved(self.catalog.conn)
        if View(view) == View.INTERNAL:
            return rows
        reader = self.view(view)
        out = []
        for row in rows:
            source = row["from_doc_id"]
            if source and not reader._visible_id(source):
                continue
            held = reader.redactor.withholding(source)
            if held is not None:
                # A reference read from a withheld paragraph is not listed; the document that
                # made it is named as the public may see it.
                if not held.quotable(row["ref_text"]):
                    continue
                row["from_title"], row["from_number"] = reader.identity(
                    source, row["from_title"], row["from_number"]
                )
                event = row["payload"].get("event") or {}
                prov = event.get("provenance") or {}
                if prov.get("excerpt") and not held.quotable(prov["excerpt"]):
                    prov["excerpt"] = None
            row["candidates"] = [c for c in row["candidates"] if reader._visible_id(c)]
            out.append(row)
        return out


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


def _sourced(event: LifecycleEvent, doc_id: str) -> LifecycleEvent:
    """An event naming the document it was parsed (or inherited, inferred) from, when the
    parser could not."""
    prov = event.provenance
    if prov.source is None and prov.kind in (
        ProvenanceKind.PARSED,
        ProvenanceKind.INHERITED,
        ProvenanceKind.INFERRED,
    ):
        return attrs.evolve(event, provenance=attrs.evolve(prov, source=doc_id))
    return event
