"""The archive's upkeep of its search index: the queue replayed after commits, deferral for
batches, rebuilds and engine switches (a part of :class:`gazette.archive.Archive`)."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gazette.archive import codec, dbapi, reads, tables
from gazette.errors import GazetteError, IndexDamaged, InvalidArgument
from gazette.redaction import Redactor, Withholding
from gazette.search import (
    DSN_ENGINES,
    SearchIndex,
    check_engine,
    default_engine,
    open_index,
    pg_schema,
    record_for,
    remove_index,
    search_dsn,
)
from gazette.search.base import Allowed, index_damage

if TYPE_CHECKING:
    from gazette.archive.catalog import Catalog
    from gazette.archive.views import ArchiveView


# Documents of a batch read and analysed ahead of a replay, at most (memory: their texts).
_AHEAD_MOST = 2000


class IndexSlot:
    """The open search index of one or more archives of a process (see
    :meth:`IndexSync.share_index`): they then keep one set of its caches."""

    def __init__(self) -> None:
        self.index: SearchIndex | None = None
        self.users = 1
        self.lock = threading.Lock()


class IndexSync:
    """Keeps the derived search index in step with the catalog.

    Attributes:
        search_engine: the engine the catalog records (``sqlite``, ``whoosh`` or
            ``postgresql``).
        index_error: why the last update of the index failed, if it did.
    """

    def __init__(
        self,
        catalog: Catalog,
        root: Path,
        public: Callable[[], ArchiveView],
        *,
        search_engine: str | None,
        new: bool,
        search_dsn: str | None = None,
    ) -> None:
        self.catalog = catalog
        self.root = root
        self._public = public
        self._slot = IndexSlot()
        self.index_error: str | None = None
        self._index_deferred: list[int] | None = None  # [commits since the index caught up, every]
        self._public_revisions: Allowed | None = None
        self._due = False  # a deferred replay waits for the writers' lock to be let go
        self._batch_started = ""  # when this batch's documents began to be queued
        self.search_engine = self._engine(search_engine, new=new, dsn=search_dsn)

    def _engine(self, wanted: str | None, *, new: bool, dsn: str | None = None) -> str:
        """The search engine the catalog records (recording the chosen one in a new archive,
        with its database for an engine that keeps its index in one)."""
        if wanted is not None:
            check_engine(wanted)
        recorded = self.catalog.meta("search_engine")
        if recorded is not None:
            recorded = check_engine(recorded)
            if wanted is not None and wanted != recorded:
                raise InvalidArgument(
                    f"本档案使用 {recorded} 检索引擎，而不是 {wanted}",
                    hint=f"如需切换，请运行 `gazette reindex --engine {wanted}`",
                )
            return recorded
        engine = wanted or default_engine()
        if new:
            self.catalog.set_meta("search_engine", engine, replace=False)
            if engine in DSN_ENGINES:
                self.catalog.set_meta("search_dsn", search_dsn(engine, dsn), replace=False)
        return engine

    def index_path(self, engine: str | None = None) -> Path:
        """Where an engine's index lives: ``index/<engine>/``."""
        return self.root / "index" / (engine or self.search_engine)

    def index_location(self, engine: str | None = None) -> str | Path:
        """What :func:`gazette.search.open_index` opens for an engine: its directory, or for
        ``postgresql`` the DSN the catalog records (``$GAZETTE_SEARCH_DSN`` when it records
        none)."""
        engine = engine or self.search_engine
        if engine not in DSN_ENGINES:
            return self.index_path(engine)
        recorded = self.catalog.meta("search_dsn")
        return recorded if recorded is not None else search_dsn(engine, None)

    @property
    def _index(self) -> SearchIndex | None:
        return self._slot.index

    @_index.setter
    def _index(self, value: SearchIndex | None) -> None:
        self._slot.index = value

    @property
    def index(self) -> SearchIndex:
        """The search index (opened on first use)."""
        found = self._slot.index
        if found is None:
            with self._slot.lock:
                found = self._slot.index
                if found is None:
                    found = open_index(self.index_location(), self.search_engine)
                    self._slot.index = found
        return found

    def share_index(self, other: IndexSync) -> None:
        """Use the search index of ``other``, another archive of the same directory open in
        this process, with its caches (its columns, common-token bitmaps, kept texts): a web
        server's archives then warm one set of them, not one each. An engine's index serves
        one search at a time per thread-safe design (a lock, or PostgreSQL's pool), so the
        archives may be used from different threads.

        Raises:
            InvalidArgument: ``other`` uses another engine or another index.
        """
        if other._slot is self._slot:
            return
        if (other.search_engine, str(other.index_location())) != (
            self.search_engine,
            str(self.index_location()),
        ):
            raise InvalidArgument("只能与同一档案、同一检索引擎的索引共用")
        self.close()
        self._slot = other._slot
        with self._slot.lock:
            self._slot.users += 1

    @property
    def deferred(self) -> bool:
        """Whether updates wait for :meth:`deferred_indexing` to end."""
        return self._index_deferred is not None

    def close(self) -> None:
        """Close the index (a shared one when its last archive closes)."""
        slot = self._slot
        with slot.lock:
            slot.users -= 1
            last = slot.users <= 0
        if last and slot.index is not None:
            slot.index.close()
            slot.index = None
        # A closed archive that opens its index again opens its own.
        self._slot = IndexSlot()

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
        # An index that catches up on its own analyses what this process queued ahead.
        noting = tables.QUEUED.set(set()) if self._replays_alone() else None
        self._batch_started = codec.now()
        try:
            yield
        finally:
            self._index_deferred = None
            self._due = False
            try:
                if self._replays_alone() and not self.catalog.locked:
                    self._quietly(self.replay_alone)
                else:
                    with self.catalog.writing():
                        self.sync_quietly()
            finally:
                if noting is not None:
                    tables.QUEUED.reset(noting)

    def sync_quietly(self) -> None:
        """Update the index after a commit; a failure leaves the queue for the next writer.

        The catalog change is committed and stands: an index that lags is derived data that
        ``verify`` reports and the next write (or ``reindex``) repairs. In a batch (see
        :meth:`deferred_indexing`) with an index that can catch up on its own (see
        :meth:`replay_alone`), it does so once the writers' lock is let go
        (:meth:`after_unlock`), so that other writers need not wait for it.
        """
        if self._index_deferred is not None:
            self._index_deferred[0] += 1
            if self._index_deferred[0] < self._index_deferred[1]:
                return
            self._index_deferred[0] = 0
            if self._replays_alone():
                self._due = True
                return
        self._quietly(self.replay_queue)

    def after_unlock(self) -> None:
        """Once the writers' lock is let go: the replay a batch's commits made due."""
        if self._due and not self.catalog.locked:
            self._due = False
            since, self._batch_started = self._batch_started, codec.now()
            self._quietly(lambda: self.replay_alone(since=since))

    def _quietly(self, replay: Callable[[], int]) -> None:
        try:
            replay()
        except Exception as exc:
            self.index_error = f"{type(exc).__name__}: {exc}"
            if isinstance(exc, IndexDamaged):
                self.drop_index()

    def _replays_alone(self) -> bool:
        """Whether the index can catch up without the writers' lock (see
        :meth:`replay_alone`): its engine reads what it writes under its own lock."""
        if self.search_engine not in DSN_ENGINES:
            return False
        try:
            return bool(getattr(self.index, "reads_inside_lock", False))
        except Exception:  # an index that cannot be opened: the usual path reports it
            return False

    def replay_alone(self, *, since: str | None = None) -> int:
        """Bring the search index up to date without holding the writers' lock, so that
        writers go on committing meanwhile (for an engine whose ``apply`` reads its deleted
        ids and records inside its own write transaction, under its own lock: the PostgreSQL
        engine). One process at a time catches up (:meth:`Catalog.replaying`, which every
        replay of this index takes): none writes an older revision over a newer one, nor
        writes again what another has just written. An entry leaves the queue only if its
        document still has the revision written (a writer that changed it since has queued
        it again, for the next replay). Returns entries written.

        In a batch (:meth:`deferred_indexing`), the documents this process queued are read
        and analysed before that lock is taken (the analysis is most of the work), and used
        under it only if the document still has the revision read. ``since`` (a replay before
        the batch ends): only those, and entries queued before ``since`` (a writer that
        stopped, or one slower than this), are written; the other writers' recent entries are
        left to them, so that no process analyses under the lock what another has analysed
        ahead. The last replay of a batch writes every entry."""
        ahead = self._read_ahead()
        with self.catalog.replaying():
            return self._replay_alone(ahead, since)

    def _read_ahead(self) -> tuple[dict[str, Any], Any] | None:
        """The records of the documents this process queued since the last replay, and the
        index's analysis of them (outside the index's lock)."""
        noted = tables.QUEUED.get()
        analyse = getattr(self.index, "analysed", None)
        if not noted or analyse is None:
            return None
        ids = sorted(noted)
        noted.clear()
        records = {}
        for doc_id in ids[:_AHEAD_MOST]:
            record = self.index_record(doc_id)
            if record is not None:
                records[doc_id] = record
        return records, analyse(records.values())

    def _replay_alone(self, ahead: tuple[dict[str, Any], Any] | None, since: str | None) -> int:
        conn = self.catalog.conn
        taken: list[tuple[str, str, Any]] = []
        loaded: list[tuple[list[Any], list[str]]] = []
        early: dict[str, Any] = ahead[0] if ahead is not None else {}

        def load() -> tuple[list[Any], list[str]]:
            # Read when the index first asks for its deleted ids or its records: inside its
            # write transaction, under its lock.
            if not loaded:
                records: list[Any] = []
                gone: list[str] = []
                for row in reads.fetch_all(
                    conn,
                    "SELECT q.doc_id, q.queued_at, d.rev FROM index_queue q"
                    " LEFT JOIN documents d ON d.id = q.doc_id",
                ):
                    doc_id = row["doc_id"]
                    record = early.get(doc_id)
                    if since is not None and record is None and row["queued_at"] >= since:
                        continue  # another writer's, queued during this batch
                    if record is None or row["rev"] is None or record.rev != row["rev"]:
                        record = self.index_record(doc_id)
                    taken.append((doc_id, row["queued_at"], getattr(record, "rev", None)))
                    if record is None:
                        gone.append(doc_id)
                    else:
                        records.append(record)
                loaded.append((records, gone))
            return loaded[0]

        def records() -> Iterator[Any]:
            yield from load()[0]

        def gone() -> Iterator[str]:
            yield from load()[1]

        if ahead is not None:
            written = self.index.apply(records(), gone(), ahead=ahead[1])  # type: ignore[call-arg]
        else:
            written = self.index.apply(records(), gone())
        if taken:
            conn.executemany(
                "DELETE FROM index_queue WHERE doc_id = ? AND queued_at = ?"
                " AND (SELECT rev FROM documents WHERE id = ?) IS ?",
                [(doc_id, queued, doc_id, rev) for doc_id, queued, rev in taken],
            )
        return written

    def replay_queue(self) -> int:
        """Bring the search index up to date with queued changes (under the writers' lock).
        Returns entries written."""
        if self._replays_alone():
            with self.catalog.replaying():  # not at once with another's replay_alone
                return self._replay_queue()
        return self._replay_queue()

    def _replay_queue(self) -> int:
        rows = reads.fetch_all(self.catalog.conn, "SELECT doc_id, queued_at FROM index_queue")
        if not rows:
            return 0
        written = self.index_ids([r["doc_id"] for r in rows])
        for chunk_start in range(0, len(rows), 500):
            chunk = rows[chunk_start : chunk_start + 500]
            self.catalog.conn.executemany(
                "DELETE FROM index_queue WHERE doc_id = ? AND queued_at = ?",
                [(r["doc_id"], r["queued_at"]) for r in chunk],
            )
        return written

    def index_ids(self, ids: list[str], progress: Callable[[int], None] | None = None) -> int:
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

    def drop_index(self) -> None:
        """Forget the open index (it is damaged; the next use opens it again)."""
        if self._index is not None:
            with contextlib.suppress(Exception):
                self._index.close()
            self._index = None

    def fresh_index(
        self, engine: str, *, discard: bool = False, location: str | Path | None = None
    ) -> SearchIndex:
        """The index a rebuild writes to: the open one, or another engine's (or database's,
        at ``location``); a damaged one (or with ``discard``) is deleted and created anew (it
        is derived data)."""
        current = engine == self.search_engine and location is None
        where = location if location is not None else self.index_location(engine)
        if not discard:
            try:
                if current:
                    return self.index
                return open_index(where, engine)
            except IndexDamaged:
                pass
        if current:
            self.drop_index()
        remove_index(where, engine)
        index = open_index(where, engine)
        if current:
            self._index = index
        return index

    def public_revisions(self) -> Allowed:
        """What public search may find: every document the public view shows, with its
        catalog revision, leaving out those whose index entry is still queued for an update.

        Read from the catalog, and read again whenever what it is read from has changed
        since (the token is the catalog's change counter, see
        :func:`gazette.archive.dbapi.change_token`). A set read inside a transaction is not
        kept: a rollback would bring its token back for another state.
        """
        conn = self.catalog.conn
        in_transaction = conn.in_transaction
        token = dbapi.change_token(conn)
        cached = self._public_revisions
        if cached is not None and cached.token == token:
            return cached
        revisions = self._public().visible_revisions()
        for (doc_id,) in conn.execute("SELECT doc_id FROM index_queue").fetchall():
            revisions.pop(doc_id, None)
        if in_transaction:
            return Allowed(revisions, object())  # a token equal to no other
        found = Allowed(revisions, token)
        self._public_revisions = found
        return found

    def index_record(self, doc_id: str) -> Any:
        """The search-index record a document should have now (``None`` if it is gone)."""
        row = reads.fetch_one(
            self.catalog.conn, "SELECT rev, parent_id FROM documents WHERE id = ?", (doc_id,)
        )
        if row is None:
            return None
        doc = reads.load_document(self.catalog.conn, doc_id, with_parts=False)
        assert doc is not None
        public = self._public().visible(doc_id)
        shown = None
        if public and Withholding.of(doc) is not None:
            # What the public may search of a partial document: its text as the public view
            # shows it (withheld paragraphs found by content, in whichever rendition is
            # current); the rest stays searchable internally only.
            shown = Redactor().document(doc)
        return record_for(doc, row["rev"], public=public, shown=shown)

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

        Documents are written oldest first (written, else published date), so that the order
        of the index follows time.

        Args:
            progress: called with 1 per document read.
            procs: processes that analyse text (default: two for large archives when the
                machine has two cores).
            engine: switch to this search engine (``sqlite``, ``whoosh`` or ``postgresql``);
                the catalog then records it and the other engine's index is removed.
            optimize: then run the engine's upkeep (:meth:`SearchIndex.optimize`: for SQLite,
                merge the segments and choose the common tokens from every document).
            dsn: the database of a ``postgresql`` index (default: the one the catalog
                records, else ``$GAZETTE_SEARCH_DSN``); another database than the recorded
                one is a switch (the old index is removed).
        """
        target = check_engine(engine) if engine else self.search_engine
        location: str | Path | None = None
        if target in DSN_ENGINES and (dsn is not None or target != self.search_engine):
            location = search_dsn(target, dsn)
            recorded = self.index_location()
            if target == self.search_engine and pg_schema.same_database(location, str(recorded)):
                location = None
        with self.catalog.writing():
            ids = [
                row[0]
                for row in self.catalog.conn.execute(
                    "SELECT id FROM documents ORDER BY"
                    " coalesce(written_date, published_date, ''), created_at, id"
                ).fetchall()
            ]
            if procs is None:
                procs = min(2, os.cpu_count() or 1) if len(ids) >= 2000 else 1
            index = self.fresh_index(target, location=location)

            def records() -> Iterator[Any]:
                for doc_id in ids:
                    record = self.index_record(doc_id)
                    if progress:
                        progress(1)
                    if record is not None:
                        yield record

            try:
                try:
                    count = index.rebuild(records(), procs=procs)
                except index_damage():
                    # Damage the open did not see (a page in the middle): start from nothing.
                    index = self.fresh_index(target, discard=True, location=location)
                    count = index.rebuild(records(), procs=procs)
                if optimize:
                    index.optimize()
            except BaseException:
                if index is not self._index:
                    index.close()
                raise
            previous = self.search_engine
            previous_location = self.index_location()
            with self.catalog.transaction() as conn:
                conn.execute("DELETE FROM index_queue")
                self.catalog.set_meta("search_engine", target)
                if location is not None:
                    self.catalog.set_meta("search_dsn", str(location))
                self.catalog.log("reindex", None, "done", documents=count, engine=target)
            if target != previous or location is not None:
                if self._index is not None:
                    self._index.close()
                self._index = index
                self.search_engine = target
                with contextlib.suppress(GazetteError):
                    # Derived data: an old index that cannot be removed is only left over.
                    remove_index(previous_location, previous)
        return count
