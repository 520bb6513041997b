"""Gazette issues in the archive: the files of one issue meet as editions.

An issue arrives in one file or several (a scan, the born-digital PDF, a Word file, the web
edition). Each file keeps its own issue record (what was read from it: pages, OCR, items); the
items of a later file are matched to the documents the earlier files gave, so each item is one
document with a rendition from every file, and :func:`gazette.gazettes.combine` shows the
records as one issue. An item is matched within the same issue (the gazette by its normal name,
the same year and numbers) by its document number, else by a title similar enough to survive
OCR's misreadings.
"""

from __future__ import annotations

import difflib
import sqlite3
from typing import TYPE_CHECKING

import attrs

from gazette.archive import codec, reads, tables
from gazette.gazettes import same_gazette
from gazette.model import GazetteIssue, Publication

if TYPE_CHECKING:
    from gazette.model import Document

# Titles of one item read from two files agree this well when one was recognised by OCR.
TITLE_SIMILARITY = 0.8


class IssueWrites:
    """Storing gazette issues (part of :class:`gazette.archive.Archive`)."""

    def _issue_ids(self, conn: sqlite3.Connection, issue: GazetteIssue) -> list[int]:
        """The records of the same issue already held (from other files)."""
        rows = reads.fetch_all(
            conn,
            "SELECT id, gazette FROM issues WHERE year = ? AND first = ? AND last = ?",
            (issue.number.year, issue.number.first, issue.number.last),
        )
        return [r["id"] for r in rows if same_gazette(r["gazette"], issue.gazette)]

    def match_issue_item(
        self, conn: sqlite3.Connection, issue: GazetteIssue, index: int, doc: Document
    ) -> str | None:
        """The document of the same item of the same issue already held from another file.

        Within one issue, an item is identified by its number, else by its title: exactly, or
        approximately (a ratio of :data:`TITLE_SIMILARITY`) when either file was recognised
        by OCR and the item stands in the same place (position or printed pages).
        """
        ids = self._issue_ids(conn, issue)
        if not ids:
            return None
        rows = reads.fetch_all(
            conn,
            "SELECT ii.doc_id, ii.title, ii.doc_number, ii.seq, ii.page_first, ii.page_last,"
            " NOT EXISTS (SELECT 1 FROM texts t WHERE t.doc_id = ii.doc_id AND t.ocr IS NULL)"
            " AS ocr_only FROM issue_items ii"
            f" WHERE ii.issue_id IN ({','.join('?' * len(ids))}) AND ii.doc_id IS NOT NULL",
            tuple(ids),
        )
        item = issue.items[index]
        number = doc.doc_number or item.doc_number
        if number is not None:
            same = {r["doc_id"] for r in rows if r["doc_number"] == str(number)}
            if len(same) == 1:
                return same.pop()
        key = codec.title_key(item.title) or ""
        exact = {r["doc_id"] for r in rows if key and codec.title_key(r["title"]) == key}
        if len(exact) == 1:
            return exact.pop()
        if not key:
            return None
        # Approximately only where OCR read one side, and only the item in the same place
        # (two items of one issue may differ by a character: 甲 and 乙).
        read_by_ocr = any(t.ocr is not None for t in doc.texts)
        pages = item.pages
        scored = sorted(
            (
                difflib.SequenceMatcher(
                    None, key, codec.title_key(r["title"]) or "", autojunk=False
                ).ratio(),
                r["doc_id"],
            )
            for r in rows
            if (read_by_ocr or r["ocr_only"])
            and (
                r["seq"] == item.seq
                or (pages is not None and (r["page_first"], r["page_last"]) == tuple(pages))
            )
        )
        clear = len(scored) == 1 or (len(scored) > 1 and scored[-2][0] < scored[-1][0] - 0.1)
        if scored and scored[-1][0] >= TITLE_SIMILARITY and clear:
            return scored[-1][1]
        return None

    def add_issue(
        self, conn: sqlite3.Connection, issue: GazetteIssue, ids: list[str], sha: str
    ) -> None:
        issue_id = tables.insert_issue(conn, attrs.evolve(issue, source_sha256=sha))
        for item, doc_id in zip(issue.items, ids, strict=True):
            tables.insert_issue_item(conn, issue_id, attrs.evolve(item, doc_id=doc_id))
            held = reads.fetch_all(
                conn,
                "SELECT name, year, first, last FROM publications"
                " WHERE doc_id = ? AND channel = 'gazette'",
                (doc_id,),
            )
            if any(
                (r["year"], r["first"], r["last"])
                == (issue.number.year, issue.number.first, issue.number.last)
                and same_gazette(r["name"] or "", issue.gazette)
                for r in held
            ):
                continue  # printed in this issue: known from another edition
            tables.insert_publication(
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


__all__ = ["TITLE_SIMILARITY", "IssueWrites"]
