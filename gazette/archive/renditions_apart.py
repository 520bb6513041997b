"""Renditions of one document the archive holds as documents of their own (another title,
another day, no number to match them by): a partial disclosure of the one withholds its
paragraphs in the others (:func:`gazette.redaction.shared_withholding` decides; this module
finds the documents and writes their attributes)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable

from gazette.archive import reads
from gazette.model import Disclosure
from gazette.redaction import shared_withholding


def share_withholdings(
    conn: sqlite3.Connection,
    ids: Iterable[str],
    write: Callable[[sqlite3.Connection, str, Disclosure], bool],
) -> list[str]:
    """Documents among ``ids`` the public may read that render a partially disclosed document
    and hold paragraphs it withholds withhold them too, written by ``write`` (which returns
    whether the attribute changed). Returns the ids whose attribute changed."""
    sources = [
        doc
        for row in reads.fetch_all(
            conn, "SELECT doc_id FROM disclosure WHERE attribute = 'partial'"
        )
        if (doc := reads.load_text_and_metadata(conn, row["doc_id"])) is not None
    ]
    changed: list[str] = []
    if not sources:
        return changed
    for doc_id in dict.fromkeys(ids):
        doc = reads.load_text_and_metadata(conn, doc_id)
        shared = None if doc is None else shared_withholding(doc, sources)
        if shared is not None and write(conn, doc_id, shared):
            changed.append(doc_id)
    return changed


def renditions_of(conn: sqlite3.Connection, doc_id: str) -> list[str]:
    """The document and the top-level documents of its number or title: renditions the
    archive may hold apart from it."""
    row = reads.fetch_one(
        conn, "SELECT doc_number, title_key FROM documents WHERE id = ?", (doc_id,)
    )
    if row is None:
        return []
    others = reads.fetch_all(
        conn,
        "SELECT id FROM documents WHERE parent_id IS NULL AND id != ?"
        " AND ((doc_number IS NOT NULL AND doc_number = ?)"
        " OR (title_key IS NOT NULL AND title_key != '' AND title_key = ?))",
        (doc_id, row["doc_number"], row["title_key"]),
    )
    return [doc_id, *(r["id"] for r in others)]
