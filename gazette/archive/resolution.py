"""Resolving references in the catalog: which stored documents a reference names (by 发文字号,
by title, by title with its provisional marks dropped), and the references kept pending until
a document they may name arrives (a part of :mod:`gazette.archive`; the grammar of references
is :mod:`gazette.references`)."""

from __future__ import annotations

import datetime as _dt
import json
import sqlite3
from typing import Any

from gazette import titles
from gazette.archive import codec, reads
from gazette.model import DocRef


def candidates(
    conn: sqlite3.Connection, ref: DocRef, *, exclude: set[str] | None = None
) -> list[str]:
    """Archive documents a reference may name, by the first rule that finds any."""
    exclude = exclude or set()

    def pick(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rows = [r for r in rows if r["id"] not in exclude]
        # A carrier and its attachment share a number: the carrier is what a number names.
        top = [r for r in rows if r["parent_id"] is None]
        return top or rows

    columns = "SELECT id, parent_id, title, doc_number FROM documents"
    if ref.number is not None:
        found = pick(reads.fetch_all(conn, columns + " WHERE doc_number = ?", (str(ref.number),)))
        if len(found) > 1 and ref.title:
            narrowed = _by_title(found, ref.title)
            return [r["id"] for r in (narrowed or found)]
        if found:
            return [r["id"] for r in found]
    if not ref.title:
        return []

    def compatible(rows: list[dict[str, Any]]) -> list[str]:
        rows = pick(rows)
        if ref.number is not None:
            rows = [r for r in rows if r["doc_number"] in (None, str(ref.number))]
        return [r["id"] for r in rows]

    exact = compatible(reads.fetch_all(conn, columns + " WHERE title = ?", (ref.title,)))
    if exact:
        return exact
    key = codec.title_key(ref.title)
    if not key:
        return []
    same_key = reads.fetch_all(conn, columns + " WHERE title_key = ?", (key,))
    normalised = compatible(_by_title(same_key, ref.title))
    if normalised:
        return normalised
    by_key = compatible(same_key)
    if by_key or "关于" not in ref.title[1:]:
        return by_key
    # An issuer the text put before the title (最高人民法院《关于…》) the archive's title lacks.
    bare = ref.title[ref.title.index("关于", 1) :]
    return candidates(conn, DocRef(ref.text, bare, ref.number), exclude=exclude)


def _by_title(rows: list[dict[str, Any]], title: str) -> list[dict[str, Any]]:
    """The rows whose normalised title equals ``title``'s (暂行/试行 significant)."""
    wanted = titles.normalised_title(title)
    return [r for r in rows if titles.normalised_title(r["title"]) == wanted]


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
    from_doc_id: str | None,
    ref: DocRef,
    payload: dict[str, Any],
    found: list[str],
) -> int:
    """Keep a reference that did not resolve (``from_doc_id`` is ``None`` for imported lists)."""
    payload = {**payload, "target_title": ref.title}
    cur = conn.execute(
        "INSERT INTO pending_refs(kind, from_doc_id, ref_text, ref_title, ref_number, payload,"
        " state, candidates, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            kind,
            from_doc_id,
            ref.text,
            codec.title_key(ref.title),
            str(ref.number) if ref.number else None,
            codec.dumps(payload),
            "ambiguous" if len(found) > 1 else "pending",
            codec.dumps(found),
            codec.now(),
        ),
    )
    return int(cur.lastrowid or 0)


def pending_for(conn: sqlite3.Connection, doc_id: str) -> list[dict[str, Any]]:
    """Unresolved references that might name this (newly stored) document (one statement:
    its number and title key are read inside it)."""
    return reads.fetch_all(
        conn,
        "SELECT * FROM pending_refs WHERE state != 'resolved' AND (ref_number ="
        " (SELECT NULLIF(doc_number, '') FROM documents WHERE id = ?) OR ref_title ="
        " (SELECT NULLIF(title_key, '') FROM documents WHERE id = ?)) ORDER BY id",
        (doc_id, doc_id),
    )


def mark_resolved(conn: sqlite3.Connection, pending_id: int, doc_id: str) -> None:
    conn.execute(
        "UPDATE pending_refs SET state = 'resolved', resolved_id = ?, resolved_at = ? WHERE id = ?",
        (doc_id, codec.now(), pending_id),
    )


def mark_candidates(conn: sqlite3.Connection, pending_id: int, found: list[str]) -> None:
    """Record the documents a reference kept for review (or held back) may name."""
    conn.execute(
        "UPDATE pending_refs SET candidates = ? WHERE id = ?", (codec.dumps(found), pending_id)
    )


def hold_back(conn: sqlite3.Connection, pending_id: int, target_id: str, reason: str) -> None:
    """Keep a reference pending although its title resolves, saying why (see
    :func:`later_act`)."""
    row = reads.fetch_one(conn, "SELECT payload FROM pending_refs WHERE id = ?", (pending_id,))
    payload = {**json.loads(row["payload"]), "reason": reason} if row else {"reason": reason}
    conn.execute(
        "UPDATE pending_refs SET candidates = ?, payload = ? WHERE id = ?",
        (codec.dumps([target_id]), codec.dumps(payload), pending_id),
    )


_ENDS = ("repealed", "expired", "declared_invalid", "partially_invalid")


def later_act(conn: sqlite3.Connection, target_id: str, event: dict[str, Any]) -> str | None:
    """Why a repeal must not be applied to ``target_id``, or ``None``.

    A repeal hits the text of that title in force when the repealing provision took effect.
    When every text the archive holds of the target was adopted after that day, the target is
    a later act of the same title (a re-enactment), not what was repealed: the reference stays
    pending until the earlier text arrives.
    """
    kind = event.get("kind")
    ending = kind in _ENDS or (
        kind == "cleanup_outcome"
        and event.get("outcome") in ("repeal", "declare_invalid", "partially_invalid")
    )
    if not ending:
        return None
    if not event.get("date"):
        return None
    rows = reads.fetch_all(conn, "SELECT adopted FROM texts WHERE doc_id = ?", (target_id,))
    adopted = [r["adopted"] for r in rows]
    if not adopted or any(a is None or a <= event["date"] for a in adopted):
        return None
    return (
        f"the archive holds only texts of this title adopted after {event['date']}"
        f" (from {min(a for a in adopted if a)}): a later act, not the one this ends"
    )


def stored_origin(conn: sqlite3.Connection, doc_id: str) -> frozenset[_dt.date]:
    """:func:`history_origin` of a stored document."""
    rows = reads.fetch_all(
        conn,
        "SELECT DISTINCT date FROM events WHERE doc_id = ? AND kind = 'promulgated'"
        " AND acting_text IS NULL AND prov_kind = 'parsed' AND date IS NOT NULL",
        (doc_id,),
    )
    return frozenset(_dt.date.fromisoformat(r["date"]) for r in rows)


def in_force_then(conn: sqlite3.Connection, found: list[str], event: dict[str, Any]) -> str | None:
    """Of several acts of one title, the one an event dated ``event["date"]`` can hit: the
    latest adopted on or before that day (``None`` when that does not single one out)."""
    if not event.get("date") or len(found) < 2:
        return None
    day = _dt.date.fromisoformat(event["date"])
    origins = [(min(stored_origin(conn, doc_id), default=None), doc_id) for doc_id in found]
    if any(origin is None for origin, _ in origins):
        return None
    before = sorted((o, d) for o, d in origins if o is not None and o <= day)
    if not before or (len(before) > 1 and before[-1][0] == before[-2][0]):
        return None
    return before[-1][1]


def mark_ambiguous(conn: sqlite3.Connection, pending_id: int, found: list[str]) -> None:
    conn.execute(
        "UPDATE pending_refs SET state = 'ambiguous', candidates = ? WHERE id = ?",
        (codec.dumps(found), pending_id),
    )


def unresolved(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Pending and ambiguous references, oldest first, with what the referring document is.

    Each row: ``id``, ``kind``, ``state``, ``ref_text``, ``ref_title``, ``ref_number``,
    ``from_doc_id``, ``from_title``, ``from_number``, ``candidates`` (list), ``payload``
    (dict), ``created_at``.
    """
    rows = reads.fetch_all(
        conn,
        "SELECT p.*, d.title AS from_title, d.doc_number AS from_number, d.parent_id AS"
        " from_parent FROM pending_refs p LEFT JOIN documents d ON d.id = p.from_doc_id"
        " WHERE p.state != 'resolved' ORDER BY p.id",
    )
    for row in rows:
        row["candidates"] = json.loads(row["candidates"])
        row["payload"] = json.loads(row["payload"])
        row["ref_title"] = row["payload"].get("target_title")
    return rows
