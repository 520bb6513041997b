"""Checksums that let ``verify`` prove the catalog intact.

Every row that carries content or a disclosure decision carries a checksum: the SHA-256 of its
table's name and the values of its content columns (not bookkeeping such as revision numbers or
queue entries). The disclosure history is also a hash chain: each entry's ``chain`` covers the
previous entry's chain and its own content, and the current attribute (the ``disclosure`` row)
must say what the last entry says. An edit made outside the library — a text changed in place,
an attribute flipped without a history entry, a changed title — no longer matches, and
:func:`check` names it.

Rows are sealed as a write commits: temporary triggers on the writer's connection
(:func:`install`; on PostgreSQL, triggers of the database that note rows only for a session
that says it seals, see :mod:`gazette.archive.pg_catalog`) note each row inserted or updated,
and :func:`seal` computes their checksums inside the same transaction, just before the
commit. A writer that does not go through the library (a SQL shell) leaves checksums that do
not match.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from gazette.archive import dbapi

# table -> content columns (the checksum covers these, in this order).
COVERED: dict[str, tuple[str, ...]] = {
    "documents": (
        "id",
        "parent_id",
        "part_index",
        "part_label",
        "title",
        "title_key",
        "doc_number",
        "doc_type",
        "issuers",
        "issuer_mark",
        "signer",
        "copy_number",
        "secrecy",
        "urgency",
        "recipients",
        "cc",
        "written_date",
        "published_date",
        "printed_by",
        "printed_date",
        "note",
        "attachment_notes",
        "registration_number",
        "index_number",
        "subject",
        "created_at",
    ),
    "texts": (
        "id",
        "doc_id",
        "origin",
        "source_sha256",
        "adopted",
        "effective",
        "label",
        "standard",
        "ocr",
        "page_first",
        "page_last",
        "blocks",
        "content_hash",
    ),
    "events": (
        "id",
        "doc_id",
        "kind",
        "date",
        "outcome",
        "articles",
        "note",
        "acting_text",
        "acting_title",
        "acting_number",
        "acting_id",
        "prov_kind",
        "prov_source",
        "prov_excerpt",
        "prov_by",
        "prov_at",
        "recorded_at",
    ),
    "disclosure": (
        "doc_id",
        "attribute",
        "reason",
        "grounds",
        "basis",
        "prov_kind",
        "prov_source",
        "prov_excerpt",
        "prov_by",
        "prov_at",
        "withheld_blocks",
        "withheld_fingerprints",
        "review_due",
    ),
    "disclosure_history": (
        "id",
        "doc_id",
        "attribute",
        "reason",
        "grounds",
        "basis",
        "prov_kind",
        "prov_source",
        "changed_by",
        "changed_at",
        "decided_on",
        "withheld_blocks",
        "withheld_fingerprints",
    ),
    "disclosure_requests": ("id", "doc_id", "requested_on", "recorded_at", "note"),
    "interpretations": (
        "policy_id",
        "interpretation_id",
        "form",
        "method",
        "evidence",
        "prov_kind",
        "prov_by",
        "created_at",
        "removed",
    ),
    "publications": (
        "id",
        "doc_id",
        "channel",
        "name",
        "issue_id",
        "year",
        "first",
        "last",
        "unit",
        "total",
        "page_first",
        "page_last",
        "date",
        "url",
    ),
    "issues": (
        "id",
        "gazette",
        "year",
        "first",
        "last",
        "unit",
        "total",
        "date",
        "source_sha256",
        "page_count",
        "needs_ocr",
        "ocr",
    ),
    "issue_items": (
        "issue_id",
        "seq",
        "title",
        "section",
        "page_first",
        "page_last",
        "pdf_first",
        "pdf_last",
        "doc_number",
        "doc_id",
    ),
    "sources": ("sha256", "format", "size", "name", "path", "ingested_at", "state", "detail"),
    "document_sources": ("doc_id", "sha256"),
    "pending_refs": (
        "id",
        "kind",
        "from_doc_id",
        "ref_text",
        "ref_title",
        "ref_number",
        "payload",
        "state",
        "candidates",
        "created_at",
        "resolved_at",
        "resolved_id",
    ),
}

# What the current attribute and the last history entry must agree on.
_DECISION = (
    "attribute",
    "reason",
    "grounds",
    "basis",
    "prov_kind",
    "prov_source",
    "withheld_blocks",
    "withheld_fingerprints",
)

DIRTY = "gazette_dirty"
_DIRTY = DIRTY


def checksum(table: str, values: Iterable[Any]) -> str:
    """The checksum of a row's content."""
    data = json.dumps([table, *values], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:32]


def link(previous: str | None, content: str) -> str:
    """The chain value of a history entry, after ``previous`` (``None`` for the first)."""
    return hashlib.sha256(f"{previous or ''}:{content}".encode()).hexdigest()[:32]


def _has_column(conn: sqlite3.Connection, table: str, column: str) -> bool:
    return column in dbapi.columns(conn, table)


def _dirty(conn: sqlite3.Connection) -> str:
    return f"pg_temp.{DIRTY}" if dbapi.is_postgres(conn) else f"temp.{DIRTY}"


def has_dirty(conn: sqlite3.Connection) -> bool:
    """Whether rows wait to be sealed."""
    return conn.execute(f"SELECT 1 FROM {_dirty(conn)} LIMIT 1").fetchone() is not None


def install(conn: sqlite3.Connection) -> None:
    """Note, on this connection, every covered row inserted or updated (temporary triggers)."""
    if dbapi.is_postgres(conn):
        from gazette.archive.pg_catalog import note_writes

        note_writes(conn)  # type: ignore[arg-type]
        return
    conn.execute(
        # No key: a conflict inside a trigger would take the policy of the statement that
        # fired it (an upsert); duplicates are dropped when sealing.
        f"CREATE TEMP TABLE IF NOT EXISTS {_DIRTY} (tbl TEXT NOT NULL, rid INTEGER NOT NULL)"
    )
    for table, columns in COVERED.items():
        note = f"INSERT INTO {_DIRTY}(tbl, rid) VALUES ('{table}', NEW.rowid);"
        conn.execute(
            f"CREATE TEMP TRIGGER IF NOT EXISTS gazette_seal_{table}_insert"
            f" AFTER INSERT ON main.{table} BEGIN {note} END"
        )
        conn.execute(
            f"CREATE TEMP TRIGGER IF NOT EXISTS gazette_seal_{table}_update"
            f" AFTER UPDATE OF {', '.join(columns)} ON main.{table} BEGIN {note} END"
        )


def seal(conn: sqlite3.Connection) -> int:
    """Compute the checksums of the rows noted since the last seal (inside the caller's
    transaction). Returns rows sealed."""
    try:
        rows = conn.execute(
            f"SELECT DISTINCT tbl, rid FROM {_dirty(conn)} ORDER BY tbl, rid"
        ).fetchall()
    except sqlite3.OperationalError:
        return 0  # not installed on this connection
    if not rows:
        return 0
    by_table: dict[str, list[int]] = {}
    for table, rid in rows:
        by_table.setdefault(table, []).append(rid)
    if "disclosure_history" in by_table:
        _seal_history(conn, by_table.pop("disclosure_history"))
    _seal_tables(conn, by_table, then=[(f"DELETE FROM {_dirty(conn)}", [()])])
    return len(rows)


def _chunks(values: list[int], size: int = 500) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _seal_rows(conn: sqlite3.Connection, table: str, rids: list[int]) -> None:
    _seal_tables(conn, {table: rids})


def _seal_tables(
    conn: sqlite3.Connection,
    rids: dict[str, list[int]],
    *,
    then: list[tuple[str, list[tuple[Any, ...]]]] | None = None,
) -> None:
    """Seal rows of several tables (but the history): their content read in one batch, their
    checksums written in one (on PostgreSQL one round trip each), ``then`` written after."""
    from gazette.archive.reads import fetch_rows_batch

    queries = [
        (
            f"SELECT rowid, {', '.join(COVERED[table])} FROM {table}"
            f" WHERE rowid IN ({', '.join('?' * len(chunk))})",
            chunk,
        )
        for table, values in rids.items()
        for chunk in _chunks(values)
    ]
    tables = [table for table, values in rids.items() for _ in _chunks(values)]
    writes = [
        (
            f"UPDATE {table} SET checksum = ? WHERE rowid = ?",
            [(checksum(table, row[1:]), row[0]) for row in found],
        )
        for table, found in zip(tables, fetch_rows_batch(conn, queries), strict=True)
    ]
    writes.extend(then or [])
    _write_batch(conn, writes)


def _write_batch(conn: sqlite3.Connection, writes: list[tuple[str, list[tuple[Any, ...]]]]) -> None:
    """Several ``executemany`` (on PostgreSQL sent together, without a wait inside a
    pipelined transaction)."""
    many = getattr(conn, "executemany_batch", None)
    if many is not None:
        many(writes)
        return
    for sql, values in writes:
        conn.executemany(sql, values)


def _seal_history(conn: sqlite3.Connection, rids: list[int]) -> None:
    """Chain history entries, oldest first within each document: each entry's chain follows
    the chain of the entry before it in its document (read in one batch with the entries,
    computed in order here, written in one batch)."""
    from gazette.archive.reads import fetch_rows_batch

    columns = ", ".join(COVERED["disclosure_history"])
    found = [
        row
        for rows in fetch_rows_batch(
            conn,
            [
                (
                    f"SELECT {columns} FROM disclosure_history"
                    f" WHERE rowid IN ({', '.join('?' * len(chunk))})",
                    chunk,
                )
                for chunk in _chunks(rids)
            ],
        )
        for row in rows
    ]
    found.sort(key=lambda row: row[0])
    last: dict[str, int] = {}
    for row in found:
        last[row[1]] = row[0]
    docs = list(last)
    # The chains each document's entries have now, up to the last entry sealed here.
    earlier = fetch_rows_batch(
        conn,
        [
            (
                "SELECT id, chain FROM disclosure_history WHERE doc_id = ? AND id <= ? ORDER BY id",
                (doc_id, last[doc_id]),
            )
            for doc_id in docs
        ],
    )
    chains = {doc_id: dict(rows) for doc_id, rows in zip(docs, earlier, strict=True)}
    updates = []
    for row in found:
        held = chains[row[1]]
        before = [n for n in held if n < row[0]]
        chain = link(held[max(before)] if before else None, checksum("disclosure_history", row))
        held[row[0]] = chain
        updates.append((chain, row[0]))
    _write_batch(conn, [("UPDATE disclosure_history SET chain = ? WHERE id = ?", updates)])


def seal_all(conn: sqlite3.Connection, *, missing_only: bool = False) -> int:
    """Seal every covered row (a migration; ``missing_only``: rows without a checksum)."""
    sealed = 0
    for table in COVERED:
        column = "chain" if table == "disclosure_history" else "checksum"
        if not _has_column(conn, table, column):
            continue
        where = f" WHERE {column} IS NULL" if missing_only else ""
        rids = [r[0] for r in conn.execute(f"SELECT rowid FROM {table}{where}").fetchall()]
        if table == "disclosure_history":
            if missing_only and rids:
                # A chain is only right when built from the start: rebuild the documents'.
                docs = {
                    r[0]
                    for r in conn.execute(
                        f"SELECT DISTINCT doc_id FROM disclosure_history{where}"
                    ).fetchall()
                }
                rids = [
                    r[0]
                    for r in conn.execute("SELECT rowid, doc_id FROM disclosure_history").fetchall()
                    if r[1] in docs
                ]
            _seal_history(conn, rids)
        else:
            _seal_rows(conn, table, rids)
        sealed += len(rids)
    return sealed


@attrs.frozen
class Tampered:
    """A catalog row whose content does not match its checksum (or chain).

    Attributes:
        table: the table.
        key: the row's key (document id, text id …).
        detail: what does not match.
    """

    table: str
    key: str
    detail: str


_KEYS = {
    "documents": "id",
    "disclosure": "doc_id",
    "interpretations": "policy_id || ' → ' || interpretation_id",
    "issue_items": "issue_id || '#' || seq",
    "sources": "sha256",
    "document_sources": "doc_id || ' ← ' || sha256",
}


def check(conn: sqlite3.Connection) -> list[Tampered]:
    """Every covered row whose checksum does not match its content, every broken history
    chain, and every document whose current attribute is not its history's last entry."""
    out: list[Tampered] = []
    for table, columns in COVERED.items():
        if table == "disclosure_history" or not _has_column(conn, table, "checksum"):
            continue
        key = _KEYS.get(table, "id")
        for row in conn.execute(f"SELECT {key}, checksum, {', '.join(columns)} FROM {table}"):
            if row[1] != checksum(table, row[2:]):
                what = "no checksum" if row[1] is None else "content does not match its checksum"
                out.append(Tampered(table, str(row[0]), what))
    out.extend(_check_history(conn))
    out.extend(_check_texts(conn))
    return out


def _check_history(conn: sqlite3.Connection) -> Iterator[Tampered]:
    if not _has_column(conn, "disclosure_history", "chain"):
        return
    columns = COVERED["disclosure_history"]
    last: dict[str, dict[str, Any]] = {}
    previous: dict[str, str | None] = {}
    broken: set[str] = set()
    for row in conn.execute(
        f"SELECT chain, {', '.join(columns)} FROM disclosure_history ORDER BY id"
    ):
        chain, content = row[0], row[1:]
        doc_id = content[1]
        expected = link(previous.get(doc_id), checksum("disclosure_history", content))
        if chain != expected and doc_id not in broken:
            broken.add(doc_id)
            yield Tampered(
                "disclosure_history",
                str(doc_id),
                f"history entry {content[0]} does not follow from the entries before it",
            )
        previous[doc_id] = chain
        last[doc_id] = dict(zip(columns, content, strict=True))
    decided = ", ".join(_DECISION)
    for row in conn.execute(f"SELECT doc_id, {decided} FROM disclosure").fetchall():
        doc_id, current = row[0], dict(zip(_DECISION, row[1:], strict=True))
        entry = last.get(doc_id)
        if entry is None:
            yield Tampered("disclosure", doc_id, "attribute with no history entry")
        elif any(entry[name] != current[name] for name in _DECISION):
            yield Tampered(
                "disclosure",
                doc_id,
                f"attribute {current['attribute']} is not the last entry of its history"
                f" ({entry['attribute']})",
            )


def _check_texts(conn: sqlite3.Connection) -> Iterator[Tampered]:
    """Each text's content hash is the hash of its paragraphs."""
    from gazette.archive.codec import decode_blocks
    from gazette.model import canonical_text

    for text_id, blocks, content_hash in conn.execute("SELECT id, blocks, content_hash FROM texts"):
        try:
            text = canonical_text(decode_blocks(blocks))
        except (ValueError, TypeError):
            yield Tampered("texts", str(text_id), "paragraphs unreadable")
            continue
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != content_hash:
            yield Tampered("texts", str(text_id), "paragraphs do not match the content hash")


# The schema change that adds the checksums (see gazette.archive.schema.MIGRATIONS).
MIGRATION = "\n".join(
    [
        *(
            f"ALTER TABLE {table} ADD COLUMN checksum TEXT;"
            for table in COVERED
            if table != "disclosure_history"
        ),
        "ALTER TABLE disclosure_history ADD COLUMN chain TEXT;",
    ]
)


__all__ = [
    "COVERED",
    "DIRTY",
    "MIGRATION",
    "Tampered",
    "check",
    "checksum",
    "has_dirty",
    "install",
    "link",
    "seal",
    "seal_all",
]
