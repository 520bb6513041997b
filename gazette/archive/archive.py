"""The archive: a directory holding the catalog, the originals and the search index.

Layout::

    <archive>/
        catalog.sqlite      SQLite catalog (WAL, foreign keys on, versioned schema), or
        catalog.json        the PostgreSQL database holding the catalog and search index
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

:class:`Archive` is composed of parts, each an attribute it owns: :attr:`~Archive.catalog`
(connection, lock, transactions, log; :mod:`gazette.archive.catalog`), :attr:`~Archive.objects`
(the originals; :mod:`gazette.archive.store`), the writers :attr:`~Archive.documents`
(:mod:`gazette.archive.documents`), :attr:`~Archive.disclosure`
(:mod:`gazette.archive.disclosure`), :attr:`~Archive.lifecycle`
(:mod:`gazette.archive.lifecycle`), :attr:`~Archive.issues` (:mod:`gazette.archive.issues`),
:attr:`~Archive.references` (:mod:`gazette.archive.linking`) and the search index's upkeep
:attr:`~Archive.search` (:mod:`gazette.archive.index_sync`). Its public methods delegate to them.
"""

from __future__ import annotations

import contextlib
import getpass
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gazette import staging
from gazette.archive import backend
from gazette.archive.catalog import Catalog
from gazette.archive.disclosure import DisclosureWrites
from gazette.archive.documents import AddResult, DocumentWrites, Submission
from gazette.archive.index_sync import IndexSync
from gazette.archive.issues import IssueWrites
from gazette.archive.lifecycle import ImportReport, LifecycleWrites
from gazette.archive.linking import ReferenceWrites
from gazette.archive.store import ObjectStore
from gazette.disclosure import View
from gazette.errors import DocumentNotFound, InvalidArgument
from gazette.model import InterpretationForm, PendingOcr
from gazette.search import ENV_ENGINE as ENV_SEARCH_ENGINE

if TYPE_CHECKING:
    from gazette.archive.views import ArchiveView
    from gazette.cleanup import CleanupRow
    from gazette.dates import DateLike
    from gazette.disclosure import DisclosureChange
    from gazette.model import (
        DisclosureAttribute,
        Ground,
        InterpretationLink,
        LifecycleEvent,
        SourceFile,
        TextVersion,
    )
    from gazette.search import SearchIndex
    from gazette.search.base import Allowed


def _view(view: View | str) -> View:
    """A view named by its value (``public`` or ``internal``)."""
    try:
        return View(view)
    except ValueError:
        raise InvalidArgument(
            f"视图须为`public`或`internal`，而不是“{view}”", hint="--view public|internal"
        ) from None


def _default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover - no login name in some containers
        return "unknown"


class Archive:
    """An open archive. See :func:`~gazette.archive.opening.open_archive`.

    Writes are methods of the archive; reads go through :attr:`public` or :attr:`internal`
    (or :meth:`view`), which apply the disclosure rules.

    Attributes:
        root: the archive directory.
        catalog: the catalog (connection, write lock, transactions, log).
        objects: the originals, stored under their hash.
        search: the search index's upkeep.
        documents, disclosure, lifecycle, issues, references: the writers.
    """

    def __init__(
        self,
        root: Path,
        *,
        create: bool,
        actor: str | None,
        lock_timeout: float,
        search_engine: str | None = None,
        search_dsn: str | None = None,
        catalog: str | None = None,
    ) -> None:
        self.root = root
        where = backend.locate(root, create=create, catalog=catalog)
        if where.dsn is not None:
            # A new PostgreSQL archive searches in its database unless told otherwise.
            default = os.environ.get(ENV_SEARCH_ENGINE) or "postgresql"
            search_engine = search_engine or (default if where.new else None)
            search_dsn = search_dsn or where.dsn
        try:
            self.catalog = Catalog(
                root, actor=actor or _default_actor(), lock_timeout=lock_timeout, dsn=where.dsn
            )
        except BaseException:
            where.undo()  # nothing half-made stays behind
            raise
        self.objects = ObjectStore(root / "objects")
        self._objects_cleaned = False
        where.record()
        self.search = IndexSync(
            self.catalog,
            root,
            lambda: self.public,
            search_engine=search_engine,
            new=self.catalog.found_version == 0,
            search_dsn=search_dsn,
        )
        self.catalog.on_lock = self._on_lock
        self.catalog.after_commit = self.search.sync_quietly
        self.catalog.after_unlock = self.search.after_unlock
        self.catalog.on_tidy = self._clean_leftovers
        self.disclosure = DisclosureWrites(self.catalog, self.resolve_id)
        self.lifecycle = LifecycleWrites(self.catalog, self.resolve_id, self.view)
        self.issues = IssueWrites()
        self.references = ReferenceWrites(
            self.catalog, lifecycle=self.lifecycle, disclosure=self.disclosure
        )
        self.documents = DocumentWrites(
            self.catalog,
            self.objects,
            self.resolve_id,
            lifecycle=self.lifecycle,
            disclosure=self.disclosure,
            issues=self.issues,
            references=self.references,
        )

    # --- plumbing ------------------------------------------------------------------------

    @property
    def actor(self) -> str:
        """Who acts, for the log."""
        return self.catalog.actor

    @actor.setter
    def actor(self, value: str) -> None:
        self.catalog.actor = value

    @property
    def lock_timeout(self) -> float:
        return self.catalog.lock_timeout

    @property
    def conn(self) -> Any:
        """The catalog's connection (for :mod:`gazette.archive`'s modules)."""
        return self.catalog.conn

    @property
    def search_engine(self) -> str:
        """The search engine the catalog records."""
        return self.search.search_engine

    @property
    def index_error(self) -> str | None:
        """Why the last update of the search index failed, if it did."""
        return self.search.index_error

    def index_path(self, engine: str | None = None) -> Path:
        """Where an engine's index lives: ``index/<engine>/``.

        Raises nothing: the path is computed, not checked.
        """
        return self.search.index_path(engine)

    def index_location(self, engine: str | None = None) -> str | Path:
        """What :func:`gazette.search.open_index` opens for an engine: its directory, or for
        ``postgresql`` the DSN the catalog records.

        Raises:
            InvalidArgument: ``postgresql`` while the catalog records no DSN and
                ``$GAZETTE_SEARCH_DSN`` gives none (or gives one with a password).
        """
        return self.search.index_location(engine)

    @property
    def index(self) -> SearchIndex:
        """The search index (opened on first use)."""
        return self.search.index

    def share_search_index(self, other: Archive) -> None:
        """Search through the index ``other`` has open (another archive of this directory
        in this process), sharing its caches; see :meth:`IndexSync.share_index`.

        Raises:
            InvalidArgument: ``other`` uses another engine or another index.
        """
        self.search.share_index(other.search)

    def close(self) -> None:
        """Close the search index and the catalog.

        Raises nothing of its own.
        """
        self.search.close()
        self.catalog.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def writing(self) -> contextlib.AbstractContextManager[None]:
        """Hold the archive's write lock (re-entrant within this object).

        Raises:
            ArchiveBusy: another process kept the lock longer than ``lock_timeout``.
        """
        return self.catalog.writing()

    def transaction(self) -> contextlib.AbstractContextManager[Any]:
        """One catalog transaction (under the write lock); index sync follows the commit.

        Raises:
            ArchiveBusy: another process kept the write lock longer than ``lock_timeout``.
            CatalogError: the database failed; nothing of the transaction was kept.
        """
        return self.catalog.transaction()

    def log(self, action: str, target: str | None, outcome: str, **detail: Any) -> None:
        """Append to the archive's event log (in the current transaction, if any).

        Raises nothing of its own (a database failure inside :meth:`transaction` surfaces
        there, as :class:`~gazette.errors.CatalogError`).
        """
        self.catalog.log(action, target, outcome, **detail)

    def _on_lock(self) -> None:
        # The object store is looked through once per opening (the first time the lock is
        # taken): it holds one entry per original, too many to list before every write.
        self._clean_leftovers(objects=not self._objects_cleaned)
        self._objects_cleaned = True
        if not self.search.deferred:
            self.search.sync_quietly()

    def tidy(self) -> bool:
        """Clean what a writer that died left, unless a writer is at work now.

        Returns:
            whether no writer was at work (and the leftovers were removed).

        Raises nothing: a writer at work gives ``False``; a leftover that cannot be removed
        is left.
        """
        return self.catalog.tidy()

    def _clean_leftovers(self, *, objects: bool = True) -> None:
        """Remove what a writer that died left: temporary files in the object store (see
        :meth:`ObjectStore.leftovers`; unless ``objects`` is false) and staging folders whose
        owner is gone (see :mod:`gazette.staging`)."""
        for leftover in self.objects.leftovers() if objects else ():
            with contextlib.suppress(OSError):
                leftover.unlink()
        staging.clean(self.root)

    # --- views ---------------------------------------------------------------------------

    def view(self, view: View | str) -> ArchiveView:
        """Reads as ``view`` (``public`` or ``internal``) sees the archive.

        Raises:
            InvalidArgument: ``view`` is neither ``public`` nor ``internal``.
        """
        from gazette.archive.views import ArchiveView

        return ArchiveView(self, _view(view))

    @property
    def public(self) -> ArchiveView:
        """The public view: only what may be published."""
        return self.view(View.PUBLIC)

    @property
    def internal(self) -> ArchiveView:
        """The internal view: everything."""
        return self.view(View.INTERNAL)

    def resolve_id(self, ref: str) -> str:
        """The id a reference names, in the internal view (for writes).

        Raises:
            DocumentNotFound: nothing matches.
            AmbiguousReference: several documents match.
        """
        return self.internal.resolve(ref)

    # --- adding originals and texts (documents) --------------------------------------------

    def has_source(self, sha256: str) -> bool:
        """Whether the original with this hash is in the archive.

        Raises nothing: an unknown hash gives ``False``.
        """
        return self.documents.has_source(sha256)

    def add(self, submission: Submission) -> AddResult:
        """Store an original and the documents read from it, all or nothing.

        Adding bytes already in the archive is a no-op that reports ``duplicate``.

        Raises:
            InvalidArgument: a reference of the submission comes from no document of it.
            OSError: the original cannot be read from ``submission.path``.
            ValueError: the original's bytes no longer hash to ``submission.source.sha256``
                (the file changed since it was read).
            ArchiveBusy: another process kept the write lock longer than ``lock_timeout``.
            CatalogError: the database failed; nothing was kept.
        """
        return self.documents.add(submission)

    def pending_ocr(self) -> list[SourceFile]:
        """Originals kept as needing OCR that hold no document yet (scans read without OCR).

        Raises nothing: none pending gives an empty list.
        """
        return self.documents.pending_ocr()

    def ocr_backlog(self) -> list[PendingOcr]:
        """Every original with pages that still need OCR: those never recognised and those
        the engine (or its worker) failed on, with the pages and the reason for each.

        Raises nothing: none pending gives an empty list.
        """
        return self.documents.ocr_backlog()

    def complete_pending(self, submission: Submission) -> AddResult:
        """Store what an original kept as needing OCR yields now that it has been recognised
        again (see :meth:`gazette.archive.documents.DocumentWrites.complete_pending`).

        Raises:
            InvalidArgument: the original is not kept as needing OCR.
        """
        return self.documents.complete_pending(submission)

    def add_text(self, ref: str, text: TextVersion) -> int:
        """Add a text version (e.g. an amended text entered by hand).

        Raises:
            DocumentNotFound: nothing matches ``ref`` (in the internal view).
            AmbiguousReference: several documents match ``ref``.
            ArchiveBusy: another process kept the write lock longer than ``lock_timeout``.
            CatalogError: the database failed; nothing was kept.
        """
        return self.documents.add_text(ref, text)

    def counts(self) -> dict[str, int]:
        """How many sources, documents, issues and events the catalog holds.

        Raises nothing: an empty archive gives zeros.
        """
        return self.documents.counts()

    def log_entries(
        self,
        *,
        action: str | None = None,
        target: str | None = None,
        since: str | None = None,
        limit: int = 50,
    ) -> list[dict[str, Any]]:
        """The append-only event log, newest first (see :meth:`Catalog.log_entries`).

        Raises:
            CatalogError: the catalog could not be read.
        """
        return self.catalog.log_entries(action=action, target=target, since=since, limit=limit)

    # --- lifecycle -----------------------------------------------------------------------

    def record_event(self, ref: str, event: LifecycleEvent, *, action: str = "event") -> int:
        """Add a lifecycle event to a document (manual entry, corrections).

        See :meth:`record_events`; returns the id of the event on the document ``ref`` names.

        Raises:
            DocumentNotFound: nothing matches ``ref`` (in the internal view).
            AmbiguousReference: several documents match ``ref``.
            ArchiveBusy: another process kept the write lock longer than ``lock_timeout``.
            CatalogError: the database failed; nothing was kept.
        """
        return self.record_events(ref, [event], action=action)[0]

    def record_events(
        self, ref: str, events: Iterable[LifecycleEvent], *, action: str = "event"
    ) -> list[int]:
        """Add lifecycle events to a document (see :class:`LifecycleWrites`).

        Raises:
            DocumentNotFound: nothing matches ``ref`` (in the internal view).
            AmbiguousReference: several documents match ``ref``.
            ArchiveBusy: another process kept the write lock longer than ``lock_timeout``.
            CatalogError: the database failed; nothing was kept.
        """
        return self.lifecycle.record_events(ref, events, action=action)

    def remove_event(self, event_id: int, *, reason: str) -> LifecycleEvent:
        """Remove an event entered in error (the log keeps it).

        Raises:
            InvalidArgument: no event with that id, or no reason given.
            ArchiveBusy: another process kept the write lock longer than ``lock_timeout``.
            CatalogError: the database failed; nothing was kept.
        """
        return self.lifecycle.remove_event(event_id, reason=reason)

    def import_cleanup(
        self,
        rows: Iterable[CleanupRow],
        *,
        list_name: str,
        acting: str | None = None,
    ) -> ImportReport:
        """Record a cleanup list's outcomes (see :mod:`gazette.cleanup`).

        A row whose document is not in the archive (or is ambiguous) is kept pending, and an
        ``acting`` notice the archive does not hold is kept as written: neither raises.

        Raises:
            ArchiveBusy: another process kept the write lock longer than ``lock_timeout``.
            CatalogError: the database failed; nothing was kept.
        """
        return self.lifecycle.import_cleanup(rows, list_name=list_name, acting=acting)

    def unresolved(self, view: View | str = View.INTERNAL) -> list[dict[str, Any]]:
        """References still pending, as ``view`` may show them.

        Raises:
            InvalidArgument: ``view`` is neither ``public`` nor ``internal``.
        """
        return self.lifecycle.unresolved(_view(view))

    def settings(self) -> dict[str, Any]:
        """The archive's settings (see :mod:`gazette.settings`).

        Raises nothing: unset settings give their defaults.
        """
        return self.lifecycle.settings()

    def set_setting(self, name: str, value: Any) -> int:
        """Change a setting; returns the documents whose policy events changed.

        Raises:
            InvalidArgument: no such setting (the value is stored as given: read text
                with :func:`gazette.settings.parse`, which checks it).
            TypeError: the value cannot be stored as JSON.
            ArchiveBusy: another process kept the write lock longer than ``lock_timeout``.
            CatalogError: the database failed; nothing was kept.
        """
        return self.lifecycle.set_setting(name, value)

    # --- disclosure and interpretation links ---------------------------------------------

    def set_disclosure(
        self,
        ref: str,
        attribute: DisclosureAttribute | str,
        *,
        reason: str | None = None,
        grounds: Iterable[Ground | str] = (),
        basis: str | None = None,
        withheld_blocks: Iterable[int] = (),
        decided_on: DateLike | None = None,
        review_due: DateLike | None = None,
        by: str | None = None,
    ) -> DisclosureChange:
        """Set a document's disclosure attribute by hand (see :class:`DisclosureWrites`).

        Raises:
            DocumentNotFound: nothing matches ``ref`` (in the internal view).
            AmbiguousReference: several documents match ``ref``.
            InvalidArgument: a missing reason, an unknown attribute or ground, paragraphs
                outside the text.
            InvalidDate: ``decided_on`` or ``review_due`` is not a date.
            ArchiveBusy: another process kept the write lock longer than ``lock_timeout``.
            CatalogError: the database failed; nothing was kept.
        """
        return self.disclosure.set_disclosure(
            ref,
            attribute,
            reason=reason,
            grounds=grounds,
            basis=basis,
            withheld_blocks=withheld_blocks,
            decided_on=decided_on,
            review_due=review_due,
            by=by,
        )

    def import_disclosures(
        self, path: str | os.PathLike[str], *, by: str | None = None
    ) -> list[DisclosureChange]:
        """Set the attributes a CSV file lists, all or nothing.

        Raises:
            ImportFailed: the file cannot be read or a row is bad (an unknown or ambiguous
                document, attribute or ground, a missing reason, a bad date; it names the
                line); nothing was stored.
            ArchiveBusy: another process kept the write lock longer than ``lock_timeout``.
            CatalogError: the database failed; nothing was kept.
        """
        return self.disclosure.import_disclosures(path, by=by)

    def record_request(
        self, ref: str, *, on: DateLike | None = None, note: str | None = None
    ) -> int:
        """Record an ask for an on-request document.

        Raises:
            DocumentNotFound: nothing matches ``ref`` (in the internal view).
            AmbiguousReference: several documents match ``ref``.
            InvalidDate: ``on`` is not a date.
            ArchiveBusy: another process kept the write lock longer than ``lock_timeout``.
            CatalogError: the database failed; nothing was kept.
        """
        return self.disclosure.record_request(ref, on=on, note=note)

    def link_interpretation(
        self,
        policy: str,
        interpretation: str,
        *,
        form: InterpretationForm | str = InterpretationForm.TEXT,
        evidence: str | None = None,
        by: str | None = None,
    ) -> InterpretationLink:
        """Link an interpretation to the policy it explains (by hand).

        Raises:
            DocumentNotFound: nothing matches ``policy`` or ``interpretation``.
            AmbiguousReference: several documents match one of them.
            InvalidArgument: both name the same document.
            ValueError: ``form`` is not an :class:`~gazette.model.InterpretationForm`.
            ArchiveBusy: another process kept the write lock longer than ``lock_timeout``.
            CatalogError: the database failed; nothing was kept.
        """
        return self.disclosure.link_interpretation(
            policy, interpretation, form=form, evidence=evidence, by=by
        )

    def unlink_interpretation(
        self, policy: str, interpretation: str, *, by: str | None = None
    ) -> bool:
        """Remove an interpretation link; returns whether there was one.

        Raises:
            DocumentNotFound: nothing matches ``policy`` or ``interpretation``.
            AmbiguousReference: several documents match one of them.
            ArchiveBusy: another process kept the write lock longer than ``lock_timeout``.
            CatalogError: the database failed; nothing was kept.
        """
        return self.disclosure.unlink_interpretation(policy, interpretation, by=by)

    # --- the search index ----------------------------------------------------------------

    def deferred_indexing(self, every: int = 200) -> contextlib.AbstractContextManager[None]:
        """Let the search index catch up every ``every`` commits (see :class:`IndexSync`).

        Raises:
            ArchiveBusy: when the block ends, another process kept the write lock longer
                than ``lock_timeout`` (the queued index changes wait for the next writer).
        """
        return self.search.deferred_indexing(every)

    def public_revisions(self) -> Allowed:
        """What public search may find: the public documents with their revisions.

        Raises nothing: an empty archive gives an empty set.
        """
        return self.search.public_revisions()

    def index_record(self, doc_id: str) -> Any:
        """The search-index record a document should have now (``None`` if it is gone).

        Raises nothing: an unknown id gives ``None``.
        """
        return self.search.index_record(doc_id)

    def reindex(
        self,
        progress: Callable[[int], None] | None = None,
        *,
        procs: int | None = None,
        engine: str | None = None,
        optimize: bool = False,
        dsn: str | None = None,
    ) -> int:
        """Rebuild the search index from the catalog. Returns documents indexed.

        See :meth:`gazette.archive.index_sync.IndexSync.reindex` (``engine`` switches engines,
        ``dsn`` names the database of a ``postgresql`` index).

        Raises:
            ArchiveBusy: another process holds the write lock.
            InvalidArgument: an unknown engine, or a DSN the engine cannot use.
            ArchiveError: the search database cannot be reached.
        """
        return self.search.reindex(progress, procs=procs, engine=engine, optimize=optimize, dsn=dsn)


__all__ = [
    "AddResult",
    "Archive",
    "DocumentNotFound",
    "ImportReport",
    "Submission",
]
