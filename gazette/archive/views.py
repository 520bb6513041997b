"""Reading the archive through a disclosure view.

Every read of documents goes through an :class:`ArchiveView`: ``archive.public`` never returns,
counts or mentions a document the public may not see (a reference to a hidden document is
simply not found); ``archive.internal`` sees everything.
"""

from __future__ import annotations

import builtins
import datetime as _dt
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs

from gazette.archive import codec, reads
from gazette.archive.withholding import Withholding, item_shown
from gazette.dates import DateLike
from gazette.disclosure import (
    DisclosureChange,
    View,
    is_public,
)
from gazette.docnumber import DocNumber
from gazette.errors import AmbiguousReference, DocumentNotFound, InvalidArgument
from gazette.lifecycle import status_on, text_on
from gazette.model import DisclosureAttribute, Document, GazetteIssue, OcrPage
from gazette.redaction import Redactor
from gazette.status import Status

if TYPE_CHECKING:
    from gazette.archive import Archive
    from gazette.search import SearchFilters, SearchResults


@attrs.frozen
class DocumentSummary:
    """One line of a listing."""

    id: str
    title: str | None
    doc_number: str | None
    doc_type: str | None
    written_date: _dt.date | None
    issuers: tuple[str, ...]
    parent_id: str | None


def _summary(row: dict[str, Any]) -> DocumentSummary:
    return DocumentSummary(
        id=row["id"],
        title=row["title"],
        doc_number=row["doc_number"],
        doc_type=row["doc_type"],
        written_date=codec.to_date(row["written_date"]),
        issuers=tuple(json.loads(row["issuers"])),
        parent_id=row["parent_id"],
    )


class ArchiveView:
    """The archive as one view sees it. Obtain with ``archive.public`` / ``archive.internal``."""

    def __init__(self, archive: Archive, view: View) -> None:
        self.archive = archive
        self.view = view
        self.withholding = Withholding(archive, view, self.hidden)
        self._hidden: dict[str, bool] = {}

    @property
    def conn(self) -> Any:
        return self.archive.conn

    # --- visibility ----------------------------------------------------------------------

    def _visible_id(self, doc_id: str) -> bool:
        return self.visible(doc_id)

    def visible(self, doc_id: str) -> bool:
        """Whether this view may show the document ``doc_id`` (``False`` when there is none).

        A document is public when its own attribute and that of every carrier above it are.

        Raises nothing: an unknown id gives ``False``.
        """
        if self.view == View.INTERNAL:
            return (
                reads.fetch_one(self.conn, "SELECT 1 FROM documents WHERE id = ?", (doc_id,))
                is not None
            )
        current: str | None = doc_id
        seen: set[str] = set()
        while current is not None and current not in seen:
            seen.add(current)
            row = reads.fetch_one(
                self.conn, "SELECT parent_id FROM documents WHERE id = ?", (current,)
            )
            if row is None or not is_public(reads.load_disclosure(self.conn, current)):
                return False
            current = row["parent_id"]
        return True

    def hidden(self, doc_id: str) -> bool:
        """Whether ``doc_id`` names a document that this view hides.

        Raises nothing: an unknown id gives ``False``.
        """
        if self.view == View.INTERNAL:
            return False
        found = self._hidden.get(doc_id)
        if found is None:
            exists = reads.fetch_one(self.conn, "SELECT 1 FROM documents WHERE id = ?", (doc_id,))
            found = exists is not None and not self.visible(doc_id)
            self._hidden[doc_id] = found
        return found

    def visible_ids(self, *, top_level_only: bool = False) -> set[str]:
        """Every id this view may show, computed in one query.

        Raises nothing: an empty archive gives an empty set.
        """
        return set(self.visible_revisions(top_level_only=top_level_only))

    def visible_revisions(self, *, top_level_only: bool = False) -> dict[str, int]:
        """Every id this view may show, with its catalog revision.

        A document is public when its attribute and its carrier's are (one join); the rare
        attachment of an attachment is checked up its chain of carriers.

        Raises nothing: an empty archive gives an empty mapping.
        """
        where = " WHERE d.parent_id IS NULL" if top_level_only else ""
        if self.view == View.INTERNAL:
            rows = self.conn.execute(f"SELECT d.id, d.rev FROM documents d{where}").fetchall()
            return dict(rows)
        public = [a.value for a in DisclosureAttribute if a.public]
        marks = ",".join("?" for _ in public)
        rows = self.conn.execute(
            "SELECT d.id, d.rev, p.parent_id FROM documents d"
            " JOIN disclosure x ON x.doc_id = d.id"
            " LEFT JOIN documents p ON p.id = d.parent_id"
            " LEFT JOIN disclosure px ON px.doc_id = d.parent_id"
            f" WHERE x.attribute IN ({marks})"
            f" AND (d.parent_id IS NULL OR px.attribute IN ({marks}))"
            + (" AND d.parent_id IS NULL" if top_level_only else ""),
            [*public, *public],
        ).fetchall()
        out: dict[str, int] = {}
        for doc_id, rev, grandparent in rows:
            if grandparent is None or self.visible(grandparent):
                out[doc_id] = rev
        return out

    # --- what partial disclosures withhold ------------------------------------------------

    @property
    def redactor(self) -> Redactor:
        """What turns stored documents into what the public may see (one per view object)."""
        return self.withholding.redactor

    def shown(self, doc: Document) -> Document:
        """A stored document as this view may show it (the one place public reads go
        through: :mod:`gazette.redaction`).

        Raises nothing: the document is already loaded; what it withholds is read from the
        catalog.
        """
        if self.view == View.INTERNAL:
            return doc
        return self.redactor.document(doc)

    def identity(self, doc_id: str, title: str | None, number: str | None) -> tuple[Any, Any]:
        """A document's title and number as this view shows them (the title a placeholder and
        the number ``None`` where a partial disclosure withholds them).

        Raises nothing: an id without a partial disclosure gives ``title`` and ``number`` back.
        """
        return self.withholding.partial_ids().get(doc_id, (title, number))

    def withheld_titles(self) -> set[str]:
        """Ids of documents whose title this view hides (a partial disclosure withholding the
        paragraph that states it); their title reads as the withheld placeholder.

        Raises nothing: the internal view gives an empty set.
        """
        return self.withholding.withheld_titles()

    def withheld_numbers(self) -> set[str]:
        """Ids of documents whose number this view hides.

        Raises nothing: the internal view gives an empty set.
        """
        return self.withholding.withheld_numbers()

    def _not_found(self, ref: str) -> DocumentNotFound:
        error = DocumentNotFound(ref)
        if self.view == View.PUBLIC:
            error.hint = (
                "请给出档案编号、任一写法的文号或完整标题；公开视图只显示向公众公开的文件"
                "（`--view internal` 显示全部）"
            )
        return error

    # --- lookup --------------------------------------------------------------------------

    def resolve(self, ref: str) -> str:
        """The id of the one visible document a reference names.

        ``ref`` may be an id, a document number in any spelling, or a title (exact, then with
        spacing, width and 《》 ignored).

        Raises:
            DocumentNotFound: nothing visible matches.
            AmbiguousReference: several visible documents match.
        """
        ref = (ref or "").strip()
        if not ref:
            raise self._not_found(ref)
        if reads.fetch_one(self.conn, "SELECT 1 FROM documents WHERE id = ?", (ref,)):
            if self._visible_id(ref):
                return ref
            raise self._not_found(ref)
        found: list[str] = []
        number = DocNumber.try_parse(ref)
        if number is not None and len(str(number)) >= len(ref.replace(" ", "")) - 8:
            rows = reads.fetch_all(
                self.conn,
                "SELECT id, parent_id FROM documents WHERE doc_number = ?"
                " ORDER BY parent_id IS NOT NULL, created_at",
                (str(number),),
            )
            unnumbered = self.withheld_numbers() if rows else set()
            visible = [r for r in rows if self._visible_id(r["id"]) and r["id"] not in unnumbered]
            top = [r["id"] for r in visible if r["parent_id"] is None]
            found = top or [r["id"] for r in visible]
        untitled = self.withheld_titles() if not found else set()
        if not found:
            rows = reads.fetch_all(
                self.conn, "SELECT id FROM documents WHERE title = ? ORDER BY created_at", (ref,)
            )
            found = [r["id"] for r in rows if self._visible_id(r["id"]) and r["id"] not in untitled]
        if not found:
            key = codec.title_key(ref)
            rows = reads.fetch_all(
                self.conn,
                "SELECT id FROM documents WHERE title_key = ? ORDER BY created_at",
                (key,),
            )
            found = [r["id"] for r in rows if self._visible_id(r["id"]) and r["id"] not in untitled]
        if not found:
            raise self._not_found(ref)
        if len(found) > 1:
            raise AmbiguousReference(ref, found)
        return found[0]

    def get(self, ref: str) -> Document:
        """The document a reference names, as this view may show it.

        ``ref`` is read as in :meth:`resolve`.

        Raises:
            DocumentNotFound: nothing this view shows matches ``ref`` (a hidden document is
                not found in the public view).
            AmbiguousReference: several documents this view shows match ``ref``.
        """
        doc_id = self.resolve(ref)
        doc = reads.load_document(self.conn, doc_id)
        assert doc is not None
        return self.shown(doc)

    def find(self, ref: str) -> Document | None:
        """Like :meth:`get` but ``None`` when nothing matches.

        Raises:
            AmbiguousReference: several documents this view shows match ``ref`` (only
                :class:`~gazette.errors.DocumentNotFound` becomes ``None``).
        """
        try:
            return self.get(ref)
        except DocumentNotFound:
            return None

    def status(self, ref: str, on: DateLike | None = None) -> Status:
        """The status of the document on a date (today by default).

        Raises:
            DocumentNotFound: nothing this view shows matches ``ref``.
            AmbiguousReference: several documents match.
            InvalidDate: ``on`` is not a date (dates, datetimes and ISO strings are).
        """
        return status_on(self.get(ref), on)

    def text_on(self, ref: str, on: DateLike) -> Any:
        """The text version in force on a date, or ``None``.

        Raises:
            DocumentNotFound: nothing this view shows matches ``ref``.
            AmbiguousReference: several documents match.
            InvalidDate: ``on`` is not a date.
        """
        return text_on(self.get(ref), on)

    def disclosure_history(self, ref: str) -> builtins.list[DisclosureChange]:
        """Every change of a document's disclosure attribute, oldest first.

        Raises:
            DocumentNotFound: nothing this view shows matches ``ref`` (a hidden document is
                not found in the public view).
            AmbiguousReference: several documents this view shows match ``ref``.
        """
        doc_id = self.resolve(ref)
        rows = reads.fetch_all(
            self.conn,
            "SELECT * FROM disclosure_history WHERE doc_id = ? ORDER BY id",
            (doc_id,),
        )
        held = self.redactor.withholding(doc_id) if self.view == View.PUBLIC else None
        return [
            DisclosureChange(
                doc_id=doc_id,
                attribute=r["attribute"],
                reason=r["reason"],
                grounds=json.loads(r["grounds"]),
                basis=None if held is not None and held.overlaps(r["basis"]) else r["basis"],
                how=r["prov_kind"],
                source=r["prov_source"],
                changed_by=r["changed_by"],
                changed_at=codec.to_datetime(r["changed_at"]),
                decided_on=codec.to_date(r["decided_on"]),
                withheld_blocks=json.loads(r["withheld_blocks"] or "[]"),
            )
            for r in rows
        ]

    def requests(self, ref: str) -> builtins.list[_dt.date]:
        """The days a document was asked for (applications for disclosure), oldest first.

        Raises:
            DocumentNotFound: nothing this view shows matches ``ref`` (a hidden document is
                not found in the public view).
            AmbiguousReference: several documents this view shows match ``ref``.
        """
        doc_id = self.resolve(ref)
        rows = reads.fetch_all(
            self.conn,
            "SELECT requested_on FROM disclosure_requests WHERE doc_id = ?"
            " ORDER BY requested_on, id",
            (doc_id,),
        )
        return [_dt.date.fromisoformat(r["requested_on"]) for r in rows]

    # --- listing -------------------------------------------------------------------------

    def ids(self, *, top_level_only: bool = True) -> Iterator[str]:
        """Every visible document id, in ingest order.

        Raises nothing: an empty archive yields nothing.
        """
        shown = self.visible_ids(top_level_only=top_level_only)
        for doc_id in reads.iter_ids(self.conn, top_level_only=top_level_only):
            if doc_id in shown:
                yield doc_id

    def documents(self, *, top_level_only: bool = True) -> Iterator[Document]:
        """Every visible document (loaded one at a time).

        Raises nothing: an empty archive yields nothing; a document removed meanwhile is
        skipped.
        """
        for doc_id in self.ids(top_level_only=top_level_only):
            doc = reads.load_document(self.conn, doc_id)
            if doc is not None:
                yield self.shown(doc)

    def list(
        self, *, limit: int | None = None, offset: int = 0, top_level_only: bool = True
    ) -> builtins.list[DocumentSummary]:
        """Summaries of visible documents, in the order the archive first stored them.

        Raises nothing: an ``offset`` past the end gives an empty list.
        """
        # rowid follows insertion (documents are updated in place, never re-inserted);
        # created_at has one-second resolution, so it alone leaves a batch in id order.
        rows = reads.fetch_all(
            self.conn,
            "SELECT id, title, doc_number, doc_type, written_date, issuers, parent_id"
            " FROM documents"
            + (" WHERE parent_id IS NULL" if top_level_only else "")
            + " ORDER BY created_at, rowid",
        )
        out: builtins.list[DocumentSummary] = []
        skipped = 0
        shown = self.visible_ids(top_level_only=top_level_only)
        partial = self.withholding.partial_ids()
        for r in rows:
            if r["id"] not in shown:
                continue
            if skipped < offset:
                skipped += 1
                continue
            out.append(self._summary(r) if r["id"] in partial else _summary(r))
            if limit is not None and len(out) >= limit:
                break
        return out

    def _summary(self, row: dict[str, Any]) -> DocumentSummary:
        """The listing line of a document whose partial disclosure may withhold its title,
        number, 文种, issuers or date: read from the document as this view shows it."""
        doc = self.withholding.listed(row["id"])
        if doc is None:
            return _summary(row)
        return DocumentSummary(
            id=row["id"],
            title=doc.title,
            doc_number=str(doc.doc_number) if doc.doc_number else None,
            doc_type=doc.doc_type,
            written_date=doc.written_date,
            issuers=doc.issuers,
            parent_id=row["parent_id"],
        )

    def summary(self, row: dict[str, Any]) -> DocumentSummary:
        """A listing line from a ``documents`` row (id, title, doc_number, doc_type, issuers,
        written_date, parent_id), as this view shows it.

        Raises:
            KeyError: ``row`` lacks one of those columns.
        """
        return self._summary(row) if row["id"] in self.withholding.partial_ids() else _summary(row)

    def issues(self, gazette: str | None = None) -> builtins.list[GazetteIssue]:
        """Gazette issues, oldest first, each once with the files it arrived in (its
        editions; see :func:`gazette.gazettes.combine`), with the items this view may see.

        Args:
            gazette: only this gazette's issues (its name in any usual spelling:
                ``国务院公报`` finds ``中华人民共和国国务院公报``).

        Raises nothing: an unknown gazette gives an empty list.
        """
        from gazette.gazettes import combine, same_gazette

        rows = reads.fetch_all(self.conn, "SELECT * FROM issues ORDER BY gazette, year, first, id")
        formats = {
            r["sha256"]: r["format"]
            for r in reads.fetch_all(
                self.conn,
                "SELECT sha256, format FROM sources WHERE sha256 IN"
                " (SELECT source_sha256 FROM issues)",
            )
        }
        records = [reads.issue_from_row(self.conn, r) for r in rows]
        if gazette:
            records = [r for r in records if same_gazette(r.gazette, gazette)]
        out = []
        shown = self.visible_ids()
        partial = self.withholding.partial_ids()
        for issue in combine(records, formats):
            items = tuple(
                item_shown(i, partial.get(i.doc_id) if i.doc_id else None)
                for i in issue.items
                if i.doc_id is None or i.doc_id in shown
            )
            out.append(attrs.evolve(issue, items=items))
        return out

    def ocr_pages(self, sha256: str) -> builtins.list[OcrPage]:
        """What OCR read on each page of an original (lines with their boxes and confidences),
        to show beside the page images. The public view shows them only for an original every
        document of which the public may see (withheld paragraphs are on the page too).

        Raises nothing: an unknown original, or one the view may not show in full, gives an
        empty list.
        """
        from gazette.archive import ocr_pages

        if self.view != View.INTERNAL:
            held = {
                r[0]
                for r in self.conn.execute(
                    "SELECT doc_id FROM document_sources WHERE sha256 = ?", (sha256,)
                ).fetchall()
            }
            if not held or not held <= self.visible_ids():
                return []
            marks = ",".join("?" for _ in held)
            partial = self.conn.execute(
                f"SELECT 1 FROM disclosure WHERE doc_id IN ({marks}) AND"
                " (withheld_fingerprints != '[]' OR withheld_blocks != '[]')",
                tuple(held),
            ).fetchone()
            if partial is not None:
                return []
        return ocr_pages.load(self.conn, sha256)

    # --- search --------------------------------------------------------------------------

    def search(
        self,
        query: str = "",
        *,
        limit: int = 10,
        offset: int = 0,
        sort: str = "relevance",
        facets: bool = True,
        filters: SearchFilters | None = None,
        **filter_values: Any,
    ) -> SearchResults:
        """Full-text search within this view.

        The public view searches, snippets and counts only what the public may see; the
        internal view also searches the withheld paragraphs of partially disclosed documents.
        While changes wait to be indexed, the public view leaves the stale entries out, so a
        disclosure change never shows through an old entry.

        Args:
            query: words (all must match), ``"phrases"``, ``OR``, ``-excluded``, document
                numbers in any spelling. May be empty when a filter is given.
            limit: page size.
            offset: results to skip.
            sort: ``relevance`` (title weighted above body) or ``date`` (newest first).
            facets: count issuers, years, 文种 and statuses over every match.
            filters: a :class:`~gazette.search.SearchFilters`; or pass its fields as keywords
                (``issuer=``, ``doc_type=``, ``date_from=``, ``date_to=``, ``date_field=``,
                ``gazette=``, ``year=``, ``valid_on=``, ``status=``).

        Raises:
            InvalidQuery: the query cannot be run (too long, or empty without a filter).
            InvalidArgument: an unknown filter or status.
            InvalidDate: a date filter is not a date (dates, datetimes and strings such as
                ``2020-01-01`` are).
        """
        from gazette.search import SearchFilters

        if filter_values:
            known = {a.name for a in attrs.fields(SearchFilters)}
            unknown = sorted(set(filter_values) - known)
            if unknown:
                raise InvalidArgument(f"未知的检索条件：{'、'.join(unknown)}")
            filters = attrs.evolve(filters or SearchFilters(), **filter_values)
        public = self.view == View.PUBLIC
        # What the public may find is decided by the catalog now, not by the index: an entry
        # is found only if the catalog shows its document and the entry was written at the
        # document's current revision (an index that lags, was restored from a copy, or whose
        # update a crash cut short never shows what the catalog has since withheld).
        allowed = self.archive.public_revisions() if public else None
        results = self.archive.index.search(
            query,
            public_only=public,
            allowed=allowed,
            filters=filters,
            limit=limit,
            offset=offset,
            sort=sort,
            facets=facets,
            status_source=self._statuses_on,
        )
        recognised = reads.ocr_documents(self.conn, (hit.id for hit in results.hits))
        if not recognised:
            return results
        hits = tuple(attrs.evolve(h, ocr=True) if h.id in recognised else h for h in results.hits)
        return attrs.evolve(results, hits=hits)

    def _statuses_on(self, on: _dt.date) -> dict[str, str]:
        """Every document's status on a date, from the catalog's status intervals."""
        day = on.isoformat()
        rows = self.conn.execute(
            "SELECT doc_id, status FROM status_intervals"
            ' WHERE start <= ? AND ("end" IS NULL OR "end" > ?)',
            (day, day),
        ).fetchall()
        return {row[0]: row[1] for row in rows}
