"""Writing model objects into catalog rows.

Functions here write one connection inside the caller's transaction; they never commit.
:class:`gazette.archive.Archive` owns transactions, locking and the index. Reading back is
:mod:`gazette.archive.reads`; the encoding of values, :mod:`gazette.archive.codec`.
"""

from __future__ import annotations

import contextvars
import datetime as _dt
import re
import sqlite3
from typing import Any

import attrs

from gazette.archive.codec import (
    dumps,
    encode_blocks,
    encode_ocr,
    encode_provenance,
    iso,
    now,
    title_key,
)
from gazette.archive.reads import load_texts
from gazette.model import (
    Disclosure,
    Document,
    GazetteIssue,
    IssueItem,
    LifecycleEvent,
    Publication,
    SourceFile,
    TextVersion,
    current_text,
)
from gazette.redaction import fingerprints

# --- writing --------------------------------------------------------------------------------


def insert_source(
    conn: sqlite3.Connection,
    source: SourceFile,
    *,
    state: str = "stored",
    detail: dict[str, Any] | None = None,
) -> None:
    stamp = now()
    name = re.split(r"[\\/]", source.path)[-1]
    conn.execute(
        "INSERT INTO sources(sha256, format, size, name, path, ingested_at, state, detail)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            source.sha256,
            source.format,
            source.size,
            name,
            source.path,
            stamp,
            state,
            dumps(detail or {}),
        ),
    )
    add_source_path(conn, source.sha256, source.path)


def add_source_path(conn: sqlite3.Connection, sha256: str, path: str) -> None:
    conn.execute(
        "INSERT INTO source_paths(sha256, path, seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (sha256, path, now()),
    )


_SCALARS = (
    "title",
    "doc_type",
    "issuer_mark",
    "signer",
    "copy_number",
    "secrecy",
    "urgency",
    "printed_by",
    "note",
    "registration_number",
    "index_number",
    "subject",
)
_DATES = ("written_date", "published_date", "printed_date")
_LISTS = ("issuers", "recipients", "cc", "attachment_notes")


def document_row(doc: Document) -> dict[str, Any]:
    """The ``documents`` columns for a document's own metadata."""
    row: dict[str, Any] = {name: getattr(doc, name) for name in _SCALARS}
    row.update({name: iso(getattr(doc, name)) for name in _DATES})
    row.update({name: dumps(list(getattr(doc, name))) for name in _LISTS})
    row["doc_number"] = str(doc.doc_number) if doc.doc_number else None
    row["title_key"] = title_key(doc.title)
    return row


def insert_document(
    conn: sqlite3.Connection,
    doc: Document,
    doc_id: str,
    *,
    parent_id: str | None = None,
    part_index: int | None = None,
) -> None:
    """Insert a document's own row (not its texts, events or parts)."""
    row = document_row(doc)
    row.update(
        id=doc_id,
        parent_id=parent_id,
        part_index=part_index,
        part_label=doc.part_label,
        created_at=now(),
        updated_at=now(),
        rev=1,
    )
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    conn.execute(f"INSERT INTO documents({columns}) VALUES ({marks})", tuple(row.values()))


def update_document(conn: sqlite3.Connection, doc_id: str, fields: dict[str, Any]) -> None:
    """Set some ``documents`` columns and bump the revision."""
    if fields:
        assignments = ", ".join(f"{name} = ?" for name in fields)
        conn.execute(
            f"UPDATE documents SET {assignments}, updated_at = ?, rev = rev + 1 WHERE id = ?",
            (*fields.values(), now(), doc_id),
        )
    else:
        touch(conn, doc_id)


def touch(conn: sqlite3.Connection, doc_id: str) -> None:
    """Bump a document's revision and queue it for the index."""
    conn.execute("UPDATE documents SET updated_at = ?, rev = rev + 1 WHERE id = ?", (now(), doc_id))
    queue_index(conn, doc_id)


# The documents this thread's writes queue for the index while a batch notes them (see
# IndexSync.deferred_indexing: it analyses them ahead of catching the index up).
QUEUED: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar(
    "gazette_queued", default=None
)


def queue_index(conn: sqlite3.Connection, doc_id: str) -> None:
    conn.execute(
        "INSERT INTO index_queue(doc_id, queued_at) VALUES (?, ?) "
        "ON CONFLICT(doc_id) DO UPDATE SET queued_at = excluded.queued_at",
        (doc_id, now()),
    )
    noted = QUEUED.get()
    if noted is not None:
        noted.add(doc_id)


def insert_text(conn: sqlite3.Connection, doc_id: str, text: TextVersion) -> int:
    """Insert a text version. Returns its id."""
    return int(_insert_text(conn, doc_id, text).lastrowid or 0)


def add_text(conn: sqlite3.Connection, doc_id: str, text: TextVersion) -> None:
    """:func:`insert_text` where the id is not needed (on PostgreSQL, nothing waits for it)."""
    _insert_text(conn, doc_id, text)


def _insert_text(conn: sqlite3.Connection, doc_id: str, text: TextVersion) -> sqlite3.Cursor:
    return conn.execute(
        "INSERT INTO texts(doc_id, origin, source_sha256, adopted, effective, label, standard,"
        " ocr, page_first, page_last, blocks, content_hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            doc_id,
            text.origin.value,
            text.source_sha256,
            iso(text.adopted),
            iso(text.effective),
            text.label,
            int(text.standard),
            encode_ocr(text.ocr),
            text.pages[0] if text.pages else None,
            text.pages[1] if text.pages else None,
            encode_blocks(text.blocks),
            text.content_hash,
        ),
    )


def insert_event(conn: sqlite3.Connection, doc_id: str, event: LifecycleEvent) -> int:
    """Insert a lifecycle event. Returns its id."""
    return int(_insert_event(conn, doc_id, event).lastrowid or 0)


def add_event(conn: sqlite3.Connection, doc_id: str, event: LifecycleEvent) -> None:
    """:func:`insert_event` where the id is not needed (on PostgreSQL, nothing waits for it)."""
    _insert_event(conn, doc_id, event)


def _insert_event(conn: sqlite3.Connection, doc_id: str, event: LifecycleEvent) -> sqlite3.Cursor:
    acting = event.acting
    return conn.execute(
        "INSERT INTO events(doc_id, kind, date, outcome, articles, note, acting_text,"
        " acting_title, acting_number, acting_id, prov_kind, prov_source, prov_excerpt,"
        " prov_by, prov_at, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            doc_id,
            event.kind.value,
            iso(event.date),
            event.outcome.value if event.outcome else None,
            dumps(list(event.articles)),
            event.note,
            acting.text if acting else None,
            acting.title if acting else None,
            str(acting.number) if acting and acting.number else None,
            acting.resolved_id if acting else None,
            *encode_provenance(event.provenance),
            now(),
        ),
    )


def set_disclosure(
    conn: sqlite3.Connection,
    doc_id: str,
    disclosure: Disclosure,
    *,
    changed_by: str | None,
    review_due: _dt.date | None = None,
    decided_on: _dt.date | None = None,
) -> None:
    """Store a document's attribute and append it to its history (in one transaction).

    A partial disclosure that names its withheld paragraphs by position only (a document
    submitted with its attribute) is stored with their fingerprints, taken from the current
    text: from then on what is withheld follows the content (:mod:`gazette.redaction`).
    """
    if disclosure.withheld_blocks and not disclosure.withheld_fingerprints:
        current = current_text(load_texts(conn, doc_id))
        if current is not None:
            disclosure = attrs.evolve(
                disclosure,
                withheld_fingerprints=fingerprints(current.blocks, disclosure.withheld_blocks),
            )
    prov = encode_provenance(disclosure.provenance)
    conn.execute(
        "INSERT INTO disclosure(doc_id, attribute, reason, grounds, basis, prov_kind,"
        " prov_source, prov_excerpt, prov_by, prov_at, withheld_blocks, withheld_fingerprints,"
        " review_due) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(doc_id) DO UPDATE SET attribute = excluded.attribute,"
        " reason = excluded.reason, grounds = excluded.grounds, basis = excluded.basis,"
        " prov_kind = excluded.prov_kind, prov_source = excluded.prov_source,"
        " prov_excerpt = excluded.prov_excerpt, prov_by = excluded.prov_by,"
        " prov_at = excluded.prov_at, withheld_blocks = excluded.withheld_blocks,"
        " withheld_fingerprints = excluded.withheld_fingerprints,"
        " review_due = excluded.review_due",
        (
            doc_id,
            disclosure.attribute.value,
            disclosure.reason,
            dumps([g.value for g in disclosure.grounds]),
            disclosure.basis,
            *prov,
            dumps(list(disclosure.withheld_blocks)),
            dumps(list(disclosure.withheld_fingerprints)),
            iso(review_due),
        ),
    )
    conn.execute(
        "INSERT INTO disclosure_history(doc_id, attribute, reason, grounds, basis, prov_kind,"
        " prov_source, changed_by, changed_at, decided_on, withheld_blocks,"
        " withheld_fingerprints) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            doc_id,
            disclosure.attribute.value,
            disclosure.reason,
            dumps([g.value for g in disclosure.grounds]),
            disclosure.basis,
            prov[0],
            prov[1],
            changed_by,
            now(),
            iso(decided_on),
            dumps(list(disclosure.withheld_blocks)),
            dumps(list(disclosure.withheld_fingerprints)),
        ),
    )


def insert_publication(conn: sqlite3.Connection, doc_id: str, pub: Publication) -> None:
    issue = pub.issue
    conn.execute(
        "INSERT INTO publications(doc_id, channel, name, issue_id, year, first, last, unit, total,"
        " page_first, page_last, date, url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            doc_id,
            pub.channel,
            pub.name,
            pub.issue_id,
            issue.year if issue else None,
            issue.first if issue else None,
            issue.last if issue else None,
            issue.unit if issue else None,
            pub.total,
            pub.pages[0] if pub.pages else None,
            pub.pages[1] if pub.pages else None,
            iso(pub.date),
            pub.url,
        ),
    )


def insert_issue(conn: sqlite3.Connection, issue: GazetteIssue) -> int:
    cur = conn.execute(
        "INSERT INTO issues(gazette, year, first, last, unit, total, date, source_sha256,"
        " page_count, needs_ocr, ocr) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            issue.gazette,
            issue.number.year,
            issue.number.first,
            issue.number.last,
            issue.number.unit,
            issue.total,
            iso(issue.date),
            issue.source_sha256,
            issue.page_count,
            dumps(list(issue.needs_ocr)),
            encode_ocr(issue.ocr),
        ),
    )
    return int(cur.lastrowid or 0)


def insert_issue_item(conn: sqlite3.Connection, issue_id: int, item: IssueItem) -> None:
    conn.execute(
        "INSERT INTO issue_items(issue_id, seq, title, section, page_first, page_last, pdf_first,"
        " pdf_last, doc_number, doc_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            issue_id,
            item.seq,
            item.title,
            item.section,
            item.pages[0] if item.pages else None,
            item.pages[1] if item.pages else None,
            item.pdf_pages[0] if item.pdf_pages else None,
            item.pdf_pages[1] if item.pdf_pages else None,
            str(item.doc_number) if item.doc_number else None,
            item.doc_id,
        ),
    )


def append_log(
    conn: sqlite3.Connection,
    *,
    actor: str,
    action: str,
    target: str | None,
    outcome: str,
    detail: dict[str, Any] | None = None,
) -> None:
    conn.execute(
        "INSERT INTO log(at, actor, action, target, outcome, detail) VALUES (?, ?, ?, ?, ?, ?)",
        (now(), actor, action, target, outcome, dumps(detail or {})),
    )
