"""Full-text search over the archive (Whoosh with jieba segmentation).

The index is derived data: :func:`record_for` turns a catalog document into an
:class:`IndexRecord`, :class:`SearchIndex` stores records and answers queries. The archive keeps
the index in step with the catalog (``gazette.archive``); ``reindex`` rebuilds it.
"""

from __future__ import annotations

import datetime as _dt
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from gazette.model import Document

__all__ = ["Hit", "IndexRecord", "SearchIndex", "SearchResults", "record_for"]


@attrs.frozen
class IndexRecord:
    """What the index holds of one document.

    Attributes:
        id: document id.
        rev: the catalog revision indexed (drift detection compares it).
        title: title.
        body: the text the public may see.
        restricted: text only the internal view may search (withheld parts of a partial
            document).
        numbers: the document number in canonical spelling.
        issuers: 发文机关.
        doc_type: 文种.
        written: 成文日期.
        published: 发布日期.
        disclosure: the disclosure attribute value.
        public: whether the public view may see the document at all.
        gazettes: names of gazettes it was printed in.
        issues: ``<gazette> <year>年第<n>期`` labels.
        parent_id: the carrier document of an attachment.
    """

    id: str
    rev: int
    title: str = ""
    body: str = ""
    restricted: str = ""
    numbers: tuple[str, ...] = ()
    issuers: tuple[str, ...] = ()
    doc_type: str | None = None
    written: _dt.date | None = None
    published: _dt.date | None = None
    disclosure: str = "unknown"
    public: bool = False
    gazettes: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()
    parent_id: str | None = None


def record_for(doc: Document, rev: int, *, public: bool) -> IndexRecord:
    """The index record of a stored document.

    Args:
        doc: the document as loaded from the catalog.
        rev: its catalog revision.
        public: whether the public view may see it (decided by the disclosure rules).
    """
    assert doc.id is not None
    text = doc.text
    body_parts: list[str] = []
    restricted: list[str] = []
    withheld = set(doc.disclosure.withheld_blocks)
    if text is not None:
        for index, block in enumerate(text.blocks):
            (restricted if index in withheld else body_parts).append(block.text)
    gazettes = tuple(
        sorted({p.name for p in doc.publications if p.channel == "gazette" and p.name})
    )
    issues = tuple(
        sorted(
            {f"{p.name} {p.issue}" for p in doc.publications if p.channel == "gazette" and p.issue}
        )
    )
    return IndexRecord(
        id=doc.id,
        rev=rev,
        title=doc.title or "",
        body="\n".join(body_parts),
        restricted="\n".join(restricted),
        numbers=(str(doc.doc_number),) if doc.doc_number else (),
        issuers=doc.issuers,
        doc_type=doc.doc_type,
        written=doc.written_date,
        published=doc.published_date,
        disclosure=doc.disclosure.attribute.value,
        public=public,
        gazettes=gazettes,
        issues=issues,
        parent_id=doc.parent_id,
    )


@attrs.frozen
class Hit:
    """One search result."""

    id: str
    title: str
    doc_number: str | None
    score: float
    snippet: str


@attrs.frozen
class SearchResults:
    """A page of results with the total count."""

    total: int
    hits: tuple[Hit, ...]
    facets: dict[str, dict[str, int]] = attrs.field(factory=dict)


def _schema() -> Any:
    from whoosh import fields

    from gazette.search.analysis import ChineseAnalyzer

    analyzer = ChineseAnalyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        rev=fields.NUMERIC(stored=True),
        title=fields.TEXT(analyzer=analyzer, stored=True, field_boost=3.0),
        body=fields.TEXT(analyzer=analyzer, stored=True),
        restricted=fields.TEXT(analyzer=analyzer, stored=True),
        number=fields.KEYWORD(stored=True, commas=True),
        issuer=fields.KEYWORD(stored=True, commas=True),
        doc_type=fields.ID(stored=True),
        written=fields.DATETIME(stored=True),
        published=fields.DATETIME(stored=True),
        disclosure=fields.ID(stored=True),
        public=fields.BOOLEAN(stored=True),
        gazette=fields.KEYWORD(stored=True, commas=True),
        issue=fields.KEYWORD(stored=True, commas=True),
        parent=fields.ID(stored=True),
    )


def _as_datetime(value: _dt.date | None) -> _dt.datetime | None:
    return _dt.datetime(value.year, value.month, value.day) if value else None


class SearchIndex:
    """A Whoosh index in a directory.

    Args:
        path: the index directory (created when missing).
    """

    def __init__(self, path: Path) -> None:
        from whoosh import index

        self.path = path
        if not path.exists() or not index.exists_in(str(path)):
            path.mkdir(parents=True, exist_ok=True)
            self._ix = index.create_in(str(path), _schema())
        else:
            self._ix = index.open_dir(str(path))

    def apply(self, records: Iterable[IndexRecord], deleted: Iterable[str] = ()) -> int:
        """Add or replace records and delete ids, in one commit. Returns records written."""
        writer = self._ix.writer(timeout=60.0)
        count = 0
        try:
            for doc_id in deleted:
                writer.delete_by_term("id", doc_id)
            for record in records:
                writer.update_document(
                    id=record.id,
                    rev=record.rev,
                    title=record.title,
                    body=record.body,
                    restricted=record.restricted,
                    number=",".join(record.numbers),
                    issuer=",".join(record.issuers),
                    doc_type=record.doc_type or "",
                    written=_as_datetime(record.written),
                    published=_as_datetime(record.published),
                    disclosure=record.disclosure,
                    public=record.public,
                    gazette=",".join(record.gazettes),
                    issue=",".join(record.issues),
                    parent=record.parent_id or "",
                )
                count += 1
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return count

    def revisions(self) -> dict[str, int]:
        """Every indexed id with the catalog revision it was indexed at."""
        with self._ix.searcher() as searcher:
            return {
                fields["id"]: int(fields["rev"])
                for fields in searcher.all_stored_fields()
                if "id" in fields
            }

    def clear(self) -> None:
        """Drop every record (for a rebuild)."""
        from whoosh import index

        self._ix.close()
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir(parents=True, exist_ok=True)
        self._ix = index.create_in(str(self.path), _schema())

    def search(
        self,
        query: str,
        *,
        public_only: bool,
        allowed_ids: Sequence[str] | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> SearchResults:
        """Run a free-text query.

        Args:
            query: words (all must match), ``"phrases"``, ``OR``, ``-excluded``.
            public_only: search only what the public view may see.
            allowed_ids: restrict to these ids (a filter computed by the caller).
            limit: page size.
            offset: results to skip.
        """
        from whoosh import qparser
        from whoosh import query as q

        fields_ = (
            ["title", "body", "number"]
            if public_only
            else ["title", "body", "restricted", "number"]
        )
        parser = qparser.MultifieldParser(fields_, schema=self._ix.schema, group=qparser.AndGroup)
        parsed = parser.parse(query)
        filters: list[Any] = []
        if public_only:
            filters.append(q.Term("public", True))
        if allowed_ids is not None:
            filters.append(
                q.Or([q.Term("id", doc_id) for doc_id in allowed_ids])
                if allowed_ids
                else q.NullQuery
            )
        filter_query = q.And(filters) if filters else None
        with self._ix.searcher() as searcher:
            results = searcher.search(parsed, limit=offset + limit, filter=filter_query)
            results.fragmenter.charlimit = None
            hits = []
            for hit in list(results)[offset : offset + limit]:
                snippet = hit.highlights("body") or hit.get("title", "")
                if not public_only and not snippet:
                    snippet = hit.highlights("restricted")
                hits.append(
                    Hit(
                        id=hit["id"],
                        title=hit.get("title", ""),
                        doc_number=(hit.get("number") or None),
                        score=float(hit.score or 0.0),
                        snippet=snippet,
                    )
                )
            return SearchResults(total=len(results), hits=tuple(hits))

    def close(self) -> None:
        self._ix.close()
