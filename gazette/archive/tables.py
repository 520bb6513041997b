"""Mapping between model objects and catalog rows.

Functions here read and write one connection inside the caller's transaction; they never
commit. :class:`gazette.archive.Archive` owns transactions, locking and the index.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from gazette.docnumber import DocNumber
from gazette.model import (
    Block,
    Disclosure,
    DocRef,
    Document,
    GazetteIssue,
    InterpretationLink,
    IssueItem,
    IssueNumber,
    LifecycleEvent,
    OcrInfo,
    Provenance,
    Publication,
    SourceFile,
    TextVersion,
    current_text,
)
from gazette.redaction import fingerprints

# The key the ``title_key`` column holds, one rule with the rest of title comparison.
from gazette.titles import title_key

# --- encoding helpers -----------------------------------------------------------------------


def iso(value: _dt.date | _dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def to_date(value: str | None) -> _dt.date | None:
    return _dt.date.fromisoformat(value) if value else None


def to_datetime(value: str | None) -> _dt.datetime | None:
    return _dt.datetime.fromisoformat(value) if value else None


def now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def encode_blocks(blocks: Iterable[Block]) -> str:
    return dumps([[b.text, b.kind.value, b.level, b.page] for b in blocks])


def decode_blocks(data: str) -> tuple[Block, ...]:
    return tuple(Block(text, kind, level, page) for text, kind, level, page in json.loads(data))


def encode_ocr(ocr: OcrInfo | None) -> str | None:
    if ocr is None:
        return None
    return dumps({"engine": ocr.engine, "confidence": ocr.confidence, "pages": ocr.pages})


def decode_ocr(data: str | None) -> OcrInfo | None:
    if not data:
        return None
    raw = json.loads(data)
    return OcrInfo(raw["engine"], raw["confidence"], tuple(tuple(p) for p in raw["pages"]))


def encode_provenance(prov: Provenance | None) -> tuple[Any, ...]:
    if prov is None:
        return (None, None, None, None, None)
    return (prov.kind.value, prov.source, prov.excerpt, prov.by, iso(prov.at))


def decode_provenance(
    kind: str | None, source: str | None, excerpt: str | None, by: str | None, at: str | None
) -> Provenance | None:
    if kind is None:
        return None
    return Provenance(kind, source, excerpt, by, to_datetime(at))


def event_payload(event: LifecycleEvent) -> dict[str, Any]:
    """An event as the archive keeps it in JSON: in a pending reference's payload and in the
    log entry of every event recorded, removed or imported (read back by
    :func:`event_from_payload`). The one shape of a stored event: the ``--json`` shape
    (:func:`gazette.export.json_format.event_dict`) is the public one, kept apart so a change
    of storage never changes what scripts read."""
    prov = event.provenance
    return {
        "kind": event.kind.value,
        "date": iso(event.date),
        "outcome": event.outcome.value if event.outcome else None,
        "articles": list(event.articles),
        "note": event.note,
        "acting": None
        if event.acting is None
        else {
            "text": event.acting.text,
            "title": event.acting.title,
            "number": str(event.acting.number) if event.acting.number else None,
            "resolved_id": event.acting.resolved_id,
        },
        "provenance": {
            "kind": prov.kind.value,
            "source": prov.source,
            "excerpt": prov.excerpt,
            "by": prov.by,
            "at": iso(prov.at),
        },
    }


def event_from_payload(data: dict[str, Any]) -> LifecycleEvent:
    acting = data.get("acting")
    prov = data["provenance"]
    return LifecycleEvent(
        kind=data["kind"],
        date=to_date(data.get("date")),
        outcome=data.get("outcome"),
        articles=data.get("articles") or (),
        note=data.get("note"),
        acting=None
        if not acting
        else DocRef(
            acting["text"], acting.get("title"), acting.get("number"), acting.get("resolved_id")
        ),
        provenance=Provenance(
            prov["kind"],
            prov.get("source"),
            prov.get("excerpt"),
            prov.get("by"),
            to_datetime(prov.get("at")),
        ),
    )


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


def queue_index(conn: sqlite3.Connection, doc_id: str) -> None:
    conn.execute(
        "INSERT INTO index_queue(doc_id, queued_at) VALUES (?, ?) "
        "ON CONFLICT(doc_id) DO UPDATE SET queued_at = excluded.queued_at",
        (doc_id, now()),
    )


def ocr_documents(conn: sqlite3.Connection, ids: Iterable[str]) -> set[str]:
    """The documents among ``ids`` whose current text (see :func:`gazette.model.current_text`)
    was recognised by OCR."""
    wanted = list(dict.fromkeys(ids))
    # Most documents have no recognised text at all: look at the versions only of those that
    # have one (a search asks this of every page of hits).
    holders: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        holders.update(
            row[0]
            for row in conn.execute(
                "SELECT DISTINCT doc_id FROM texts WHERE ocr IS NOT NULL AND ocr != ''"
                f" AND doc_id IN ({', '.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
        )
    wanted = [doc_id for doc_id in wanted if doc_id in holders]
    texts: dict[str, list[TextVersion]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = conn.execute(
            "SELECT doc_id, adopted, standard, ocr FROM texts"
            f" WHERE doc_id IN ({', '.join('?' * len(chunk))}) ORDER BY id",
            chunk,
        ).fetchall()
        for doc_id, adopted, standard, ocr in rows:
            texts.setdefault(doc_id, []).append(
                TextVersion(
                    blocks=(),
                    adopted=to_date(adopted),
                    standard=bool(standard),
                    ocr=decode_ocr(ocr),
                )
            )
    out = set()
    for doc_id, versions in texts.items():
        current = current_text(versions)
        if current is not None and current.ocr is not None:
            out.add(doc_id)
    return out


def insert_text(conn: sqlite3.Connection, doc_id: str, text: TextVersion) -> int:
    cur = conn.execute(
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
    return int(cur.lastrowid or 0)


def insert_event(conn: sqlite3.Connection, doc_id: str, event: LifecycleEvent) -> int:
    acting = event.acting
    cur = conn.execute(
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
    return int(cur.lastrowid or 0)


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


# --- reading --------------------------------------------------------------------------------


def _row_dict(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> dict[str, Any]:
    return {col[0]: value for col, value in zip(cursor.description, row, strict=True)}


def fetch_all(
    conn: sqlite3.Connection, sql: str, params: Iterable[Any] = ()
) -> list[dict[str, Any]]:
    cur = conn.execute(sql, tuple(params))
    return [_row_dict(cur, row) for row in cur.fetchall()]


def fetch_one(
    conn: sqlite3.Connection, sql: str, params: Iterable[Any] = ()
) -> dict[str, Any] | None:
    cur = conn.execute(sql, tuple(params))
    row = cur.fetchone()
    return _row_dict(cur, row) if row else None


def fetch_batch(
    conn: sqlite3.Connection, queries: Iterable[tuple[str, Iterable[Any]]]
) -> list[list[dict[str, Any]]]:
    """The rows of several queries, as :func:`fetch_all` gives them: on PostgreSQL sent
    together, one round trip to the server for all (see
    :meth:`gazette.archive.pg_catalog.PgConnection.fetch_batch`)."""
    return [
        [dict(zip(names, row, strict=True)) for row in rows]
        for names, rows in _batch(conn, queries)
    ]


def fetch_rows_batch(
    conn: sqlite3.Connection, queries: Iterable[tuple[str, Iterable[Any]]]
) -> list[list[tuple[Any, ...]]]:
    """:func:`fetch_batch`, each row a tuple (the columns by position)."""
    return [[tuple(row) for row in rows] for _, rows in _batch(conn, queries)]


def _batch(
    conn: sqlite3.Connection, queries: Iterable[tuple[str, Iterable[Any]]]
) -> list[tuple[list[str], list[Any]]]:
    listed = [(sql, tuple(params)) for sql, params in queries]
    batch = getattr(conn, "fetch_batch", None)
    if batch is not None:
        return list(batch(listed))
    out = []
    for sql, params in listed:
        cur = conn.execute(sql, params)
        out.append(([col[0] for col in cur.description], cur.fetchall()))
    return out


_TEXTS = "SELECT * FROM texts WHERE doc_id = ? ORDER BY id"
_EVENTS = "SELECT * FROM events WHERE doc_id = ? ORDER BY id"
_DISCLOSURE = "SELECT * FROM disclosure WHERE doc_id = ?"
_PUBLICATIONS = "SELECT * FROM publications WHERE doc_id = ? ORDER BY id"
_SOURCES = (
    "SELECT s.* FROM document_sources d JOIN sources s ON s.sha256 = d.sha256"
    " WHERE d.doc_id = ? ORDER BY s.ingested_at, s.sha256"
)
_INTERPRETATIONS = (
    "SELECT * FROM interpretations WHERE (policy_id = ? OR interpretation_id = ?)"
    " AND removed = 0 ORDER BY created_at"
)


def load_texts(conn: sqlite3.Connection, doc_id: str) -> tuple[TextVersion, ...]:
    return _texts(fetch_all(conn, _TEXTS, (doc_id,)))


def _texts(rows: list[dict[str, Any]]) -> tuple[TextVersion, ...]:
    return tuple(
        TextVersion(
            blocks=decode_blocks(r["blocks"]),
            origin=r["origin"],
            source_sha256=r["source_sha256"],
            adopted=to_date(r["adopted"]),
            effective=to_date(r["effective"]),
            label=r["label"],
            standard=bool(r["standard"]),
            ocr=decode_ocr(r["ocr"]),
            pages=(r["page_first"], r["page_last"]) if r["page_first"] is not None else None,
            id=r["id"],
        )
        for r in rows
    )


def event_from_row(r: dict[str, Any]) -> LifecycleEvent:
    acting = None
    if r["acting_text"] is not None or r["acting_id"] is not None:
        acting = DocRef(
            r["acting_text"] or r["acting_title"] or r["acting_number"] or r["acting_id"],
            r["acting_title"],
            r["acting_number"],
            r["acting_id"],
        )
    prov = decode_provenance(
        r["prov_kind"], r["prov_source"], r["prov_excerpt"], r["prov_by"], r["prov_at"]
    )
    assert prov is not None
    return LifecycleEvent(
        kind=r["kind"],
        date=to_date(r["date"]),
        outcome=r["outcome"],
        articles=json.loads(r["articles"]),
        note=r["note"],
        acting=acting,
        provenance=prov,
        id=r["id"],
    )


def load_events(conn: sqlite3.Connection, doc_id: str) -> tuple[LifecycleEvent, ...]:
    return tuple(event_from_row(r) for r in fetch_all(conn, _EVENTS, (doc_id,)))


def load_disclosure(conn: sqlite3.Connection, doc_id: str) -> Disclosure:
    return _disclosure(fetch_all(conn, _DISCLOSURE, (doc_id,)))


def _disclosure(rows: list[dict[str, Any]]) -> Disclosure:
    if not rows:
        return Disclosure()
    r = rows[0]
    return Disclosure(
        attribute=r["attribute"],
        reason=r["reason"],
        grounds=json.loads(r["grounds"]),
        basis=r["basis"],
        provenance=decode_provenance(
            r["prov_kind"], r["prov_source"], r["prov_excerpt"], r["prov_by"], r["prov_at"]
        ),
        withheld_blocks=tuple(json.loads(r["withheld_blocks"])),
        withheld_fingerprints=tuple(json.loads(r["withheld_fingerprints"] or "[]")),
    )


def load_publications(conn: sqlite3.Connection, doc_id: str) -> tuple[Publication, ...]:
    return _publications(fetch_all(conn, _PUBLICATIONS, (doc_id,)))


def _publications(rows: list[dict[str, Any]]) -> tuple[Publication, ...]:
    out = []
    for r in rows:
        issue = None
        if r["year"] is not None and r["first"] is not None:
            issue = IssueNumber(r["year"], r["first"], r["last"] or r["first"], r["unit"] or "期")
        out.append(
            Publication(
                channel=r["channel"],
                name=r["name"],
                issue=issue,
                total=r["total"],
                pages=(r["page_first"], r["page_last"]) if r["page_first"] is not None else None,
                date=to_date(r["date"]),
                url=r["url"],
                issue_id=r["issue_id"],
            )
        )
    return tuple(out)


def _source_notes(detail: str | None) -> tuple[str, ...]:
    """The notes a source's detail keeps for the documents read from it."""
    if not detail:
        return ()
    try:
        value = json.loads(detail)
    except ValueError:
        return ()
    notes = value.get("notes") if isinstance(value, dict) else None
    return tuple(str(note) for note in notes) if isinstance(notes, list) else ()


def load_sources(conn: sqlite3.Connection, doc_id: str) -> tuple[SourceFile, ...]:
    return _sources(fetch_all(conn, _SOURCES, (doc_id,)))


def _sources(rows: list[dict[str, Any]]) -> tuple[SourceFile, ...]:
    return tuple(
        SourceFile(
            r["sha256"],
            r["format"],
            r["path"],
            r["size"],
            notes=_source_notes(r["detail"]),
        )
        for r in rows
    )


def load_interpretations(conn: sqlite3.Connection, doc_id: str) -> tuple[InterpretationLink, ...]:
    return _interpretations(fetch_all(conn, _INTERPRETATIONS, (doc_id, doc_id)))


def _interpretations(rows: list[dict[str, Any]]) -> tuple[InterpretationLink, ...]:
    return tuple(
        InterpretationLink(
            policy_id=r["policy_id"],
            interpretation_id=r["interpretation_id"],
            form=r["form"],
            method=r["method"],
            evidence=r["evidence"],
            provenance=decode_provenance(r["prov_kind"], None, None, r["prov_by"], r["created_at"]),
        )
        for r in rows
    )


def load_document(
    conn: sqlite3.Connection, doc_id: str, *, with_parts: bool = True
) -> Document | None:
    """The whole document aggregate, or ``None`` (its row and what belongs to it read in one
    batch, see :func:`fetch_batch`)."""
    found, *related = fetch_batch(
        conn, [("SELECT * FROM documents WHERE id = ?", (doc_id,)), *_related(doc_id, with_parts)]
    )
    if not found:
        return None
    return _document(conn, found[0], related, with_parts=with_parts)


def load_text_and_metadata(conn: sqlite3.Connection, doc_id: str) -> Document | None:
    """A document's own metadata, disclosure and texts (no events, links, publications,
    sources or parts): what deciding what a partial disclosure withholds needs."""
    r = fetch_one(conn, "SELECT * FROM documents WHERE id = ?", (doc_id,))
    if r is None:
        return None
    return Document(
        id=doc_id,
        disclosure=load_disclosure(conn, doc_id),
        texts=load_texts(conn, doc_id),
        parent_id=r["parent_id"],
        part_label=r["part_label"],
        **_metadata(r),
    )


def _metadata(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": r["title"],
        "doc_number": DocNumber.try_parse(r["doc_number"]),
        "doc_type": r["doc_type"],
        "issuers": json.loads(r["issuers"]),
        "issuer_mark": r["issuer_mark"],
        "signer": r["signer"],
        "copy_number": r["copy_number"],
        "secrecy": r["secrecy"],
        "urgency": r["urgency"],
        "recipients": json.loads(r["recipients"]),
        "cc": json.loads(r["cc"]),
        "written_date": to_date(r["written_date"]),
        "published_date": to_date(r["published_date"]),
        "printed_by": r["printed_by"],
        "printed_date": to_date(r["printed_date"]),
        "note": r["note"],
        "attachment_notes": json.loads(r["attachment_notes"]),
        "registration_number": r["registration_number"],
        "index_number": r["index_number"],
        "subject": r["subject"],
    }


def _related(doc_id: str, with_parts: bool) -> list[tuple[str, tuple[Any, ...]]]:
    """The queries of what belongs to a document (in :func:`_document`'s order)."""
    queries: list[tuple[str, tuple[Any, ...]]] = [
        (_DISCLOSURE, (doc_id,)),
        (_TEXTS, (doc_id,)),
        (_EVENTS, (doc_id,)),
        (_INTERPRETATIONS, (doc_id, doc_id)),
        (_PUBLICATIONS, (doc_id,)),
        (_SOURCES, (doc_id,)),
    ]
    if with_parts:
        queries.append(
            ("SELECT * FROM documents WHERE parent_id = ? ORDER BY part_index", (doc_id,))
        )
    return queries


def document_from_row(
    conn: sqlite3.Connection, r: dict[str, Any], *, with_parts: bool = True
) -> Document:
    return _document(
        conn, r, fetch_batch(conn, _related(r["id"], with_parts)), with_parts=with_parts
    )


def _document(
    conn: sqlite3.Connection,
    r: dict[str, Any],
    related: list[list[dict[str, Any]]],
    *,
    with_parts: bool,
) -> Document:
    doc_id = r["id"]
    disclosure, texts, events, interpretations, publications, sources, *part_rows = related
    parts: tuple[Document, ...] = ()
    if with_parts:
        parts = tuple(document_from_row(conn, p, with_parts=True) for p in part_rows[0])
    return Document(
        id=doc_id,
        disclosure=_disclosure(disclosure),
        texts=_texts(texts),
        events=tuple(event_from_row(e) for e in events),
        interpretations=_interpretations(interpretations),
        publications=_publications(publications),
        sources=_sources(sources),
        parts=parts,
        parent_id=r["parent_id"],
        part_label=r["part_label"],
        **_metadata(r),
    )


def issue_from_row(conn: sqlite3.Connection, r: dict[str, Any]) -> GazetteIssue:
    items = tuple(
        IssueItem(
            seq=i["seq"],
            title=i["title"],
            section=i["section"],
            pages=(i["page_first"], i["page_last"]) if i["page_first"] is not None else None,
            pdf_pages=(i["pdf_first"], i["pdf_last"]) if i["pdf_first"] is not None else None,
            doc_number=i["doc_number"],
            doc_id=i["doc_id"],
        )
        for i in fetch_all(
            conn, "SELECT * FROM issue_items WHERE issue_id = ? ORDER BY seq", (r["id"],)
        )
    )
    return GazetteIssue(
        gazette=r["gazette"],
        number=IssueNumber(r["year"], r["first"], r["last"], r["unit"]),
        total=r["total"],
        date=to_date(r["date"]),
        items=items,
        source_sha256=r["source_sha256"],
        page_count=r["page_count"],
        needs_ocr=tuple(json.loads(r["needs_ocr"])),
        ocr=decode_ocr(r["ocr"]),
        id=r["id"],
    )


def iter_ids(conn: sqlite3.Connection, *, top_level_only: bool = False) -> Iterator[str]:
    sql = "SELECT id FROM documents"
    if top_level_only:
        sql += " WHERE parent_id IS NULL"
    for (doc_id,) in conn.execute(sql + " ORDER BY created_at, id").fetchall():
        yield doc_id
