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

from gazette import catalog
from gazette.disclosure import View, is_public, redact
from gazette.docnumber import DocNumber
from gazette.errors import AmbiguousReference, DocumentNotFound, InvalidArgument
from gazette.lifecycle import Status, status_on, text_on
from gazette.model import Disclosure, Document, GazetteIssue

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


class ArchiveView:
    """The archive as one view sees it. Obtain with ``archive.public`` / ``archive.internal``."""

    def __init__(self, archive: Archive, view: View) -> None:
        self.archive = archive
        self.view = view

    @property
    def conn(self) -> Any:
        return self.archive.conn

    # --- visibility ----------------------------------------------------------------------

    def _visible_id(self, doc_id: str) -> bool:
        if self.view == View.INTERNAL:
            return True
        row = catalog.fetch_one(
            self.conn, "SELECT parent_id FROM documents WHERE id = ?", (doc_id,)
        )
        if row is None:
            return False
        own = catalog.load_disclosure(self.conn, doc_id)
        parent: Disclosure | None = None
        if row["parent_id"]:
            parent = catalog.load_disclosure(self.conn, row["parent_id"])
        return is_public(own, parent)

    def _not_found(self, ref: str) -> DocumentNotFound:
        error = DocumentNotFound(ref)
        if self.view == View.PUBLIC:
            error.hint = (
                "give a document id, a document number in any spelling, or the exact title;"
                " the public view shows only documents disclosed to the public"
                " (--view internal shows all)"
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
        if catalog.fetch_one(self.conn, "SELECT 1 FROM documents WHERE id = ?", (ref,)):
            if self._visible_id(ref):
                return ref
            raise self._not_found(ref)
        found: list[str] = []
        number = DocNumber.try_parse(ref)
        if number is not None and len(str(number)) >= len(ref.replace(" ", "")) - 8:
            rows = catalog.fetch_all(
                self.conn,
                "SELECT id, parent_id FROM documents WHERE doc_number = ?"
                " ORDER BY parent_id IS NOT NULL, created_at",
                (str(number),),
            )
            visible = [r for r in rows if self._visible_id(r["id"])]
            top = [r["id"] for r in visible if r["parent_id"] is None]
            found = top or [r["id"] for r in visible]
        if not found:
            rows = catalog.fetch_all(
                self.conn, "SELECT id FROM documents WHERE title = ? ORDER BY created_at", (ref,)
            )
            found = [r["id"] for r in rows if self._visible_id(r["id"])]
        if not found:
            key = catalog.title_key(ref)
            rows = catalog.fetch_all(
                self.conn,
                "SELECT id FROM documents WHERE title_key = ? ORDER BY created_at",
                (key,),
            )
            found = [r["id"] for r in rows if self._visible_id(r["id"])]
        if not found:
            raise self._not_found(ref)
        if len(found) > 1:
            raise AmbiguousReference(ref, found)
        return found[0]

    def get(self, ref: str) -> Document:
        """The document a reference names, as this view may show it."""
        doc_id = self.resolve(ref)
        doc = catalog.load_document(self.conn, doc_id)
        assert doc is not None
        return redact(doc, self.view)

    def find(self, ref: str) -> Document | None:
        """Like :meth:`get` but ``None`` when nothing matches."""
        try:
            return self.get(ref)
        except DocumentNotFound:
            return None

    def status(self, ref: str, on: _dt.date | None = None) -> Status:
        """The status of the document on a date (today by default)."""
        return status_on(self.get(ref), on)

    def text_on(self, ref: str, on: _dt.date) -> Any:
        """The text version in force on a date, or ``None``."""
        return text_on(self.get(ref), on)

    # --- listing -------------------------------------------------------------------------

    def ids(self, *, top_level_only: bool = True) -> Iterator[str]:
        """Every visible document id, in ingest order."""
        for doc_id in catalog.iter_ids(self.conn, top_level_only=top_level_only):
            if self._visible_id(doc_id):
                yield doc_id

    def documents(self, *, top_level_only: bool = True) -> Iterator[Document]:
        """Every visible document (loaded one at a time)."""
        for doc_id in self.ids(top_level_only=top_level_only):
            doc = catalog.load_document(self.conn, doc_id)
            if doc is not None:
                yield redact(doc, self.view)

    def list(
        self, *, limit: int | None = None, offset: int = 0, top_level_only: bool = True
    ) -> builtins.list[DocumentSummary]:
        """Summaries of visible documents, in ingest order."""
        rows = catalog.fetch_all(
            self.conn,
            "SELECT id, title, doc_number, doc_type, written_date, issuers, parent_id"
            " FROM documents"
            + (" WHERE parent_id IS NULL" if top_level_only else "")
            + " ORDER BY created_at, id",
        )
        out: builtins.list[DocumentSummary] = []
        skipped = 0
        for r in rows:
            if not self._visible_id(r["id"]):
                continue
            if skipped < offset:
                skipped += 1
                continue
            out.append(
                DocumentSummary(
                    id=r["id"],
                    title=r["title"],
                    doc_number=r["doc_number"],
                    doc_type=r["doc_type"],
                    written_date=catalog.to_date(r["written_date"]),
                    issuers=tuple(json.loads(r["issuers"])),
                    parent_id=r["parent_id"],
                )
            )
            if limit is not None and len(out) >= limit:
                break
        return out

    def issues(self, gazette: str | None = None) -> builtins.list[GazetteIssue]:
        """Gazette issues, oldest first, with the items this view may see."""
        rows = catalog.fetch_all(
            self.conn,
            "SELECT * FROM issues"
            + (" WHERE gazette = ?" if gazette else "")
            + " ORDER BY gazette, year, first, id",
            (gazette,) if gazette else (),
        )
        out = []
        for r in rows:
            issue = catalog.issue_from_row(self.conn, r)
            items = tuple(i for i in issue.items if i.doc_id is None or self._visible_id(i.doc_id))
            out.append(attrs.evolve(issue, items=items))
        return out

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
        """
        from gazette.search import SearchFilters

        if filter_values:
            known = {a.name for a in attrs.fields(SearchFilters)}
            unknown = sorted(set(filter_values) - known)
            if unknown:
                raise InvalidArgument(f"unknown search filter(s): {', '.join(unknown)}")
            filters = attrs.evolve(filters or SearchFilters(), **filter_values)
        return self.archive.index.search(
            query,
            public_only=self.view == View.PUBLIC,
            filters=filters,
            limit=limit,
            offset=offset,
            sort=sort,
            facets=facets,
            status_source=self._statuses_on,
        )

    def _statuses_on(self, on: _dt.date) -> dict[str, str]:
        """Every document's status on a date, from the catalog's status intervals."""
        day = on.isoformat()
        rows = self.conn.execute(
            "SELECT doc_id, status FROM status_intervals"
            " WHERE start <= ? AND (end IS NULL OR end > ?)",
            (day, day),
        ).fetchall()
        return {row[0]: row[1] for row in rows}
