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
from gazette.disclosure import (
    WITHHELD_PLACEHOLDER,
    DisclosureChange,
    View,
    is_public,
    redact,
)
from gazette.docnumber import DocNumber
from gazette.errors import AmbiguousReference, DocumentNotFound, InvalidArgument
from gazette.lifecycle import Status, status_on, text_on
from gazette.model import BlockKind, DisclosureAttribute, Document, GazetteIssue, OcrPage

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
        return self.visible(doc_id)

    def visible(self, doc_id: str) -> bool:
        """Whether this view may show the document ``doc_id`` (``False`` when there is none).

        A document is public when its own attribute and that of every carrier above it are.
        """
        if self.view == View.INTERNAL:
            return (
                catalog.fetch_one(self.conn, "SELECT 1 FROM documents WHERE id = ?", (doc_id,))
                is not None
            )
        current: str | None = doc_id
        seen: set[str] = set()
        while current is not None and current not in seen:
            seen.add(current)
            row = catalog.fetch_one(
                self.conn, "SELECT parent_id FROM documents WHERE id = ?", (current,)
            )
            if row is None or not is_public(catalog.load_disclosure(self.conn, current)):
                return False
            current = row["parent_id"]
        return True

    def hidden(self, doc_id: str) -> bool:
        """Whether ``doc_id`` names a document that this view hides."""
        if self.view == View.INTERNAL:
            return False
        exists = catalog.fetch_one(self.conn, "SELECT 1 FROM documents WHERE id = ?", (doc_id,))
        return exists is not None and not self.visible(doc_id)

    def visible_ids(self, *, top_level_only: bool = False) -> set[str]:
        """Every id this view may show, computed in one query."""
        where = " WHERE d.parent_id IS NULL" if top_level_only else ""
        if self.view == View.INTERNAL:
            rows = self.conn.execute(f"SELECT d.id FROM documents d{where}").fetchall()
            return {r[0] for r in rows}
        public = [a.value for a in DisclosureAttribute if a.public]
        marks = ",".join("?" for _ in public)
        rows = self.conn.execute(
            "WITH RECURSIVE chain(id, anc) AS ("
            " SELECT id, id FROM documents"
            " UNION ALL"
            " SELECT chain.id, d.parent_id FROM chain JOIN documents d ON d.id = chain.anc"
            " WHERE d.parent_id IS NOT NULL)"
            " SELECT chain.id FROM chain LEFT JOIN disclosure x ON x.doc_id = chain.anc"
            f" GROUP BY chain.id HAVING SUM(CASE WHEN x.attribute IN ({marks}) THEN 0 ELSE 1 END)"
            " = 0",
            public,
        ).fetchall()
        ids = {r[0] for r in rows}
        if top_level_only:
            top = {
                r[0]
                for r in self.conn.execute(
                    "SELECT id FROM documents WHERE parent_id IS NULL"
                ).fetchall()
            }
            ids &= top
        return ids

    def withheld_titles(self) -> set[str]:
        """Ids of documents whose title this view hides (a partial disclosure withholding the
        title paragraph); their title reads as the withheld placeholder."""
        if self.view == View.INTERNAL:
            return set()
        rows = catalog.fetch_all(
            self.conn,
            "SELECT t.doc_id, t.adopted, t.standard, t.blocks, d.withheld_blocks"
            " FROM texts t JOIN disclosure d ON d.doc_id = t.doc_id"
            " WHERE d.attribute = ? AND d.withheld_blocks != '[]' ORDER BY t.id",
            (DisclosureAttribute.PARTIAL.value,),
        )
        texts: dict[str, builtins.list[dict[str, Any]]] = {}
        for r in rows:
            texts.setdefault(r["doc_id"], []).append(r)
        out = set()
        for doc_id, versions in texts.items():
            # The current text, as model.current_text picks it: the latest version, its
            # standard rendition first.
            latest = max(v["adopted"] or "" for v in versions)
            same = [v for v in versions if (v["adopted"] or "") == latest]
            current = next((v for v in same if v["standard"]), same[0])
            kinds = [block[1] for block in json.loads(current["blocks"])]
            withheld = json.loads(current["withheld_blocks"])
            if any(0 <= i < len(kinds) and kinds[i] == BlockKind.TITLE.value for i in withheld):
                out.add(doc_id)
        return out

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
        untitled = self.withheld_titles() if not found else set()
        if not found:
            rows = catalog.fetch_all(
                self.conn, "SELECT id FROM documents WHERE title = ? ORDER BY created_at", (ref,)
            )
            found = [r["id"] for r in rows if self._visible_id(r["id"]) and r["id"] not in untitled]
        if not found:
            key = catalog.title_key(ref)
            rows = catalog.fetch_all(
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
        """The document a reference names, as this view may show it."""
        doc_id = self.resolve(ref)
        doc = catalog.load_document(self.conn, doc_id)
        assert doc is not None
        return redact(doc, self.view, self.hidden)

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

    def disclosure_history(self, ref: str) -> builtins.list[DisclosureChange]:
        """Every change of a document's disclosure attribute, oldest first."""
        doc_id = self.resolve(ref)
        rows = catalog.fetch_all(
            self.conn,
            "SELECT * FROM disclosure_history WHERE doc_id = ? ORDER BY id",
            (doc_id,),
        )
        return [
            DisclosureChange(
                doc_id=doc_id,
                attribute=r["attribute"],
                reason=r["reason"],
                grounds=json.loads(r["grounds"]),
                basis=r["basis"],
                how=r["prov_kind"],
                source=r["prov_source"],
                changed_by=r["changed_by"],
                changed_at=catalog.to_datetime(r["changed_at"]),
                decided_on=catalog.to_date(r["decided_on"]),
                withheld_blocks=json.loads(r["withheld_blocks"] or "[]"),
            )
            for r in rows
        ]

    def requests(self, ref: str) -> builtins.list[_dt.date]:
        """The days a document was asked for (applications for disclosure), oldest first."""
        doc_id = self.resolve(ref)
        rows = catalog.fetch_all(
            self.conn,
            "SELECT requested_on FROM disclosure_requests WHERE doc_id = ?"
            " ORDER BY requested_on, id",
            (doc_id,),
        )
        return [_dt.date.fromisoformat(r["requested_on"]) for r in rows]

    # --- listing -------------------------------------------------------------------------

    def ids(self, *, top_level_only: bool = True) -> Iterator[str]:
        """Every visible document id, in ingest order."""
        shown = self.visible_ids(top_level_only=top_level_only)
        for doc_id in catalog.iter_ids(self.conn, top_level_only=top_level_only):
            if doc_id in shown:
                yield doc_id

    def documents(self, *, top_level_only: bool = True) -> Iterator[Document]:
        """Every visible document (loaded one at a time)."""
        for doc_id in self.ids(top_level_only=top_level_only):
            doc = catalog.load_document(self.conn, doc_id)
            if doc is not None:
                yield redact(doc, self.view, self.hidden)

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
        shown = self.visible_ids(top_level_only=top_level_only)
        untitled = self.withheld_titles()
        for r in rows:
            if r["id"] not in shown:
                continue
            if skipped < offset:
                skipped += 1
                continue
            out.append(
                DocumentSummary(
                    id=r["id"],
                    title=WITHHELD_PLACEHOLDER if r["id"] in untitled else r["title"],
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
        """Gazette issues, oldest first, each once with the files it arrived in (its
        editions; see :func:`gazette.gazettes.combine`), with the items this view may see.

        Args:
            gazette: only this gazette's issues (its name in any usual spelling:
                ``国务院公报`` finds ``中华人民共和国国务院公报``).
        """
        from gazette.gazettes import combine, same_gazette

        rows = catalog.fetch_all(
            self.conn, "SELECT * FROM issues ORDER BY gazette, year, first, id"
        )
        formats = {
            r["sha256"]: r["format"]
            for r in catalog.fetch_all(
                self.conn,
                "SELECT sha256, format FROM sources WHERE sha256 IN"
                " (SELECT source_sha256 FROM issues)",
            )
        }
        records = [catalog.issue_from_row(self.conn, r) for r in rows]
        if gazette:
            records = [r for r in records if same_gazette(r.gazette, gazette)]
        out = []
        shown = self.visible_ids()
        untitled = self.withheld_titles()
        for issue in combine(records, formats):
            items = tuple(
                attrs.evolve(i, title=WITHHELD_PLACEHOLDER) if i.doc_id in untitled else i
                for i in issue.items
                if i.doc_id is None or i.doc_id in shown
            )
            out.append(attrs.evolve(issue, items=items))
        return out

    def ocr_pages(self, sha256: str) -> builtins.list[OcrPage]:
        """What OCR read on each page of an original (lines with their boxes and confidences),
        to show beside the page images. The public view shows them only for an original every
        document of which the public may see (withheld paragraphs are on the page too)."""
        from gazette import ocr_pages

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
                f"SELECT 1 FROM disclosure WHERE doc_id IN ({marks}) AND withheld_blocks != '[]'",
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
        """
        from gazette.search import SearchFilters

        if filter_values:
            known = {a.name for a in attrs.fields(SearchFilters)}
            unknown = sorted(set(filter_values) - known)
            if unknown:
                raise InvalidArgument(f"unknown search filter(s): {', '.join(unknown)}")
            filters = attrs.evolve(filters or SearchFilters(), **filter_values)
        public = self.view == View.PUBLIC
        stale: set[str] = set()
        if public:
            # Entries waiting to be re-indexed (a writer that could not update the index left
            # them queued) may carry an old disclosure: the public view leaves them out.
            stale = {r[0] for r in self.conn.execute("SELECT doc_id FROM index_queue").fetchall()}
        results = self.archive.index.search(
            query,
            public_only=public,
            exclude_ids=stale,
            filters=filters,
            limit=limit,
            offset=offset,
            sort=sort,
            facets=facets,
            status_source=self._statuses_on,
        )
        recognised = catalog.ocr_documents(self.conn, (hit.id for hit in results.hits))
        if not recognised:
            return results
        hits = tuple(attrs.evolve(h, ocr=True) if h.id in recognised else h for h in results.hits)
        return attrs.evolve(results, hits=hits)

    def _statuses_on(self, on: _dt.date) -> dict[str, str]:
        """Every document's status on a date, from the catalog's status intervals."""
        day = on.isoformat()
        rows = self.conn.execute(
            "SELECT doc_id, status FROM status_intervals"
            " WHERE start <= ? AND (end IS NULL OR end > ?)",
            (day, day),
        ).fetchall()
        return {row[0]: row[1] for row in rows}
