"""Reading model objects back from catalog rows.

Functions here read one connection inside the caller's transaction (or autocommit);
:mod:`gazette.archive.tables` writes, :mod:`gazette.archive.codec` encodes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from gazette.archive.codec import (
    decode_blocks,
    decode_ocr,
    decode_provenance,
    to_date,
)
from gazette.docnumber import DocNumber
from gazette.model import (
    Disclosure,
    DocRef,
    Document,
    GazetteIssue,
    InterpretationLink,
    IssueItem,
    IssueNumber,
    LifecycleEvent,
    Publication,
    SourceFile,
    TextVersion,
    current_text,
)

# --- reading --------------------------------------------------------------------------------


def _names(cursor: sqlite3.Cursor) -> list[str]:
    """A result's column names (a PostgreSQL cursor reads them without building column
    descriptions)."""
    names = getattr(cursor, "names", None)
    if names is not None:
        return list(names)
    return [col[0] for col in cursor.description]


def fetch_all(
    conn: sqlite3.Connection, sql: str, params: Iterable[Any] = ()
) -> list[dict[str, Any]]:
    cur = conn.execute(sql, tuple(params))
    rows = cur.fetchall()
    if not rows:
        return []
    names = _names(cur)
    return [dict(zip(names, row, strict=True)) for row in rows]


def fetch_one(
    conn: sqlite3.Connection, sql: str, params: Iterable[Any] = ()
) -> dict[str, Any] | None:
    cur = conn.execute(sql, tuple(params))
    row = cur.fetchone()
    return dict(zip(_names(cur), row, strict=True)) if row else None


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
DISCLOSURE = "SELECT * FROM disclosure WHERE doc_id = ?"

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
    return disclosure_of(fetch_all(conn, DISCLOSURE, (doc_id,)))


def disclosure_of(rows: list[dict[str, Any]]) -> Disclosure:
    """A document's disclosure from the rows :data:`DISCLOSURE` read (none: unknown)."""
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


@attrs.frozen
class RuleFacts:
    """What the disclosure rules read of a stored document (see :func:`load_rule_facts`)."""

    index_number: str | None
    doc_type: str | None
    doc_number: str | None
    title: str
    parent_id: str | None
    origins: tuple[str, ...]
    publications: tuple[Publication, ...]
    # The excerpts of its parsed 题注 entries (promulgated, approved, amended), by date.
    promulgation: tuple[str, ...]
    disclosure: Disclosure


_PROMULGATION = (
    "SELECT prov_excerpt FROM events WHERE doc_id = ? AND prov_kind = 'parsed'"
    " AND kind IN ('promulgated', 'approved', 'amended') AND prov_excerpt IS NOT NULL"
    " AND acting_id IS NULL ORDER BY date"
)


def load_rule_facts(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, RuleFacts]:
    """What the disclosure rules read of each document (those that exist), in one batch."""
    listed = list(ids)
    queries: list[tuple[str, tuple[Any, ...]]] = []
    for doc_id in listed:
        queries += [
            (
                "SELECT index_number, doc_type, doc_number, title, parent_id FROM documents"
                " WHERE id = ?",
                (doc_id,),
            ),
            ("SELECT DISTINCT origin FROM texts WHERE doc_id = ?", (doc_id,)),
            (_PUBLICATIONS, (doc_id,)),
            (_PROMULGATION, (doc_id,)),
            (DISCLOSURE, (doc_id,)),
        ]
    found = fetch_batch(conn, queries)
    out: dict[str, RuleFacts] = {}
    for k, doc_id in enumerate(listed):
        row, origins, publications, promulgation, disclosure = found[5 * k : 5 * k + 5]
        if not row:
            continue
        r = row[0]
        out[doc_id] = RuleFacts(
            index_number=r["index_number"],
            doc_type=r["doc_type"],
            doc_number=r["doc_number"],
            title=r["title"],
            parent_id=r["parent_id"],
            origins=tuple(o["origin"] for o in origins),
            publications=_publications(publications),
            promulgation=tuple(e["prov_excerpt"] for e in promulgation),
            disclosure=disclosure_of(disclosure),
        )
    return out


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
        (DISCLOSURE, (doc_id,)),
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
        disclosure=disclosure_of(disclosure),
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
