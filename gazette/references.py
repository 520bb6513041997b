"""Resolving references between documents (by number, then by title).

A repeal clause, a cleanup list or an interpretation names another document by its number
(``国发〔2018〕41号``, any spelling) and/or its title (``《法规规章备案条例》``).
Resolution tries, in
order: the number; the exact title; the normalised title (spaces, 《》, quotes and width
ignored); the normalised title with or without a 暂行/试行 qualifier. The first step that finds
anything decides; several candidates make the reference ambiguous.

References that do not resolve are kept as pending (``pending_refs``) and retried whenever a
document arrives, so ingest order does not matter.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import attrs

from gazette import catalog
from gazette.docnumber import DocNumber
from gazette.model import DocRef, InterpretationForm, LifecycleEvent


@attrs.frozen
class OutgoingRef:
    """A reference a document makes to another, to apply once the target is known.

    Exactly one of ``event`` (record this event on the target: the target is repealed,
    amended, …) and ``interpretation`` (this document interprets the target) is set.

    Attributes:
        source: position of the referring document in a submission: ``(i,)`` for the i-th
            document, ``(i, j)`` for its j-th part.
        target: the reference as written.
        event: the event to record on the target.
        interpretation: the form of interpretation this document gives of the target.
        evidence: the text the reference was read from.
        method: how the reference was inferred (``title``, ``number``, …), kept with the link.
    """

    source: tuple[int, ...]
    target: DocRef
    event: LifecycleEvent | None = None
    interpretation: InterpretationForm | None = None
    evidence: str | None = None
    method: str | None = None

    def __attrs_post_init__(self) -> None:
        if (self.event is None) == (self.interpretation is None):
            raise ValueError("an outgoing reference carries an event or an interpretation")


def candidates(
    conn: sqlite3.Connection, ref: DocRef, *, exclude: set[str] | None = None
) -> list[str]:
    """Archive documents a reference may name, by the first rule that finds any."""
    exclude = exclude or set()

    def pick(rows: list[dict[str, Any]]) -> list[str]:
        ids = [r["id"] for r in rows if r["id"] not in exclude]
        # A carrier and its attachment share a number: the carrier is what a number names.
        top = [r["id"] for r in rows if r["id"] not in exclude and r["parent_id"] is None]
        return top or ids

    if ref.number is not None:
        found = pick(
            catalog.fetch_all(
                conn, "SELECT id, parent_id FROM documents WHERE doc_number = ?", (str(ref.number),)
            )
        )
        if len(found) > 1 and ref.title:
            key = catalog.title_key(ref.title)
            narrowed = [
                r["id"]
                for r in catalog.fetch_all(
                    conn,
                    f"SELECT id FROM documents WHERE id IN ({','.join('?' * len(found))})"
                    " AND title_key = ?",
                    (*found, key),
                )
            ]
            return narrowed or found
        if found:
            return found
    if ref.title:
        exact = pick(
            catalog.fetch_all(
                conn, "SELECT id, parent_id FROM documents WHERE title = ?", (ref.title,)
            )
        )
        if exact:
            return exact
        key = catalog.title_key(ref.title)
        if key:
            return pick(
                catalog.fetch_all(
                    conn, "SELECT id, parent_id FROM documents WHERE title_key = ?", (key,)
                )
            )
    return []


def resolve_ref(
    conn: sqlite3.Connection, ref: DocRef, *, exclude: set[str] | None = None
) -> tuple[str | None, list[str]]:
    """``(id, candidates)``: the id when exactly one document matches."""
    found = candidates(conn, ref, exclude=exclude)
    return (found[0] if len(found) == 1 else None), found


def store_pending(
    conn: sqlite3.Connection,
    *,
    kind: str,
    from_doc_id: str,
    ref: DocRef,
    payload: dict[str, Any],
    found: list[str],
) -> int:
    cur = conn.execute(
        "INSERT INTO pending_refs(kind, from_doc_id, ref_text, ref_title, ref_number, payload,"
        " state, candidates, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            kind,
            from_doc_id,
            ref.text,
            catalog.title_key(ref.title),
            str(ref.number) if ref.number else None,
            catalog.dumps(payload),
            "ambiguous" if len(found) > 1 else "pending",
            catalog.dumps(found),
            catalog.now(),
        ),
    )
    return int(cur.lastrowid or 0)


def pending_for(conn: sqlite3.Connection, doc_id: str) -> list[dict[str, Any]]:
    """Unresolved references that might name this (newly stored) document."""
    row = catalog.fetch_one(
        conn, "SELECT doc_number, title_key FROM documents WHERE id = ?", (doc_id,)
    )
    if row is None or not (row["doc_number"] or row["title_key"]):
        return []
    return catalog.fetch_all(
        conn,
        "SELECT * FROM pending_refs WHERE state != 'resolved'"
        " AND (ref_number = ? OR ref_title = ?) ORDER BY id",
        (row["doc_number"], row["title_key"]),
    )


def mark_resolved(conn: sqlite3.Connection, pending_id: int, doc_id: str) -> None:
    conn.execute(
        "UPDATE pending_refs SET state = 'resolved', resolved_id = ?, resolved_at = ? WHERE id = ?",
        (doc_id, catalog.now(), pending_id),
    )


def mark_ambiguous(conn: sqlite3.Connection, pending_id: int, found: list[str]) -> None:
    conn.execute(
        "UPDATE pending_refs SET state = 'ambiguous', candidates = ? WHERE id = ?",
        (catalog.dumps(found), pending_id),
    )


def ref_from_pending(row: dict[str, Any]) -> DocRef:
    payload = json.loads(row["payload"])
    return DocRef(
        row["ref_text"],
        payload.get("target_title") or None,
        DocNumber.try_parse(row["ref_number"]) if row["ref_number"] else None,
    )
