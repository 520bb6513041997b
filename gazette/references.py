"""References between documents: finding them in text and resolving them to archive documents.

A repeal clause, a cleanup list or an interpretation names another document by its number
(``国发〔2018〕41号``, any spelling) and/or its title (``《法规规章备案条例》``).
:func:`find_refs` reads such references out of a sentence; :func:`candidates` resolves one.
Resolution tries, in order:

1. the number (any spelling: numbers are compared in their canonical form); when several
   documents carry it, the title narrows them down;
2. the exact title;
3. the normalised title (spaces, 《》, quotes and full/half width ignored);
4. the normalised title with or without a 暂行/试行 qualifier (``《X办法》`` finds ``X暂行办法``).

The first step that finds anything decides; several candidates make the reference ambiguous.
A reference that gives a number is never resolved by title to a document that carries a
*different* number: the same title is reused by different documents over the years.

References that do not resolve are kept as pending (``pending_refs``) and retried whenever a
document arrives, so ingest order does not matter. :func:`unresolved` lists them.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from gazette.archive import tables
from gazette.docnumber import DocNumber
from gazette.model import DocRef, EventKind, InterpretationForm, LifecycleEvent, ProvenanceKind


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
        review: the text only may say this (a clause close to a repeal that does not fit the
            grammar of one): the archive keeps it for a person's review and never applies it.
    """

    source: tuple[int, ...]
    target: DocRef
    event: LifecycleEvent | None = None
    interpretation: InterpretationForm | None = None
    evidence: str | None = None
    method: str | None = None
    review: bool = False

    def __attrs_post_init__(self) -> None:
        if (self.event is None) == (self.interpretation is None):
            raise ValueError("an outgoing reference carries an event or an interpretation")


# --- finding references in text ------------------------------------------------------------

_TITLE = re.compile(r"《(?P<title>[^《》\n]{1,150})》")
_AFTER_TITLE = re.compile(r"\s*[（(](?P<inner>[^（）()\n]{2,40})[）)]")
_NOISE = re.compile(r"[\s《》〈〉<>“”\"'‘’「」『』·・]")


def find_refs(text: str) -> Iterator[tuple[DocRef, int, int]]:
    """Yield ``(reference, start, end)`` for each document a text names, in order.

    A reference is a title in 《》, optionally followed by its number in parentheses
    (``《X》（国发〔2018〕41号）``), or a number on its own.
    """
    taken: list[tuple[int, int]] = []
    hits: list[tuple[int, int, DocRef]] = []
    for match in _TITLE.finditer(text):
        end = match.end()
        number = None
        after = _AFTER_TITLE.match(text, end)
        if after:
            inner = after["inner"]
            found = DocNumber.try_parse(inner)
            if found is not None and len(str(found)) >= len(re.sub(r"\s", "", inner)) - 6:
                number, end = found, after.end()
        hits.append((match.start(), end, DocRef(text[match.start() : end], match["title"], number)))
        taken.append((match.start(), end))
    for number, start, end in DocNumber.finditer(text):
        if any(start < e and end > s for s, e in taken):
            continue
        hits.append((start, end, DocRef(text[start:end], None, number)))
    for start, end, ref in sorted(hits, key=lambda hit: hit[0]):
        yield ref, start, end


def ref_from_text(text: str) -> DocRef | None:
    """The one document a short text (a table cell, a CSV field) names, if it names one.

    A bare title without 《》 is taken as a title.
    """
    text = unicodedata.normalize("NFC", text or "").strip()
    if not text:
        return None
    if "《" not in text:
        numbers = list(DocNumber.finditer(text))
        if len(numbers) == 1:
            number, start, end = numbers[0]
            title = text[:start].rstrip(" （(［[")
            rest = text[end:].strip(" ）)］]")
            if not rest:
                return DocRef(text, title or None, number)
    found = [ref for ref, _, _ in find_refs(text)]
    if len(found) == 1:
        return found[0]
    if not found:
        return DocRef(text, text.strip("《》 "), None)
    return None


def enacting_level(organ: str | None) -> str | None:
    """The level an organ enacts at: a legislature and its standing committee are one level
    (``河南省人民代表大会常务委员会`` → ``河南省人民代表大会``)."""
    if not organ:
        return None
    level = re.sub(r"常务委员会$|审判委员会$|检察委员会$", "", organ.strip())
    return level.replace("人大常委会", "人民代表大会") or None


def same_level(a: tuple[str, ...] | list[str], b: tuple[str, ...] | list[str]) -> bool:
    """Whether two documents' enacting organs are at one level (unknown on either side: yes)."""
    levels_a = {enacting_level(o) for o in a} - {None}
    levels_b = {enacting_level(o) for o in b} - {None}
    return not levels_a or not levels_b or bool(levels_a & levels_b)


def normalised_title(title: str | None) -> str | None:
    """A title with width, spaces, 《》 and quotes ignored (暂行/试行 kept)."""
    if not title:
        return None
    return _NOISE.sub("", unicodedata.normalize("NFKC", title)) or None


# --- resolution ------------------------------------------------------------------------------


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
        found = pick(tables.fetch_all(conn, columns + " WHERE doc_number = ?", (str(ref.number),)))
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

    exact = compatible(tables.fetch_all(conn, columns + " WHERE title = ?", (ref.title,)))
    if exact:
        return exact
    key = tables.title_key(ref.title)
    if not key:
        return []
    same_key = tables.fetch_all(conn, columns + " WHERE title_key = ?", (key,))
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
    wanted = normalised_title(title)
    return [r for r in rows if normalised_title(r["title"]) == wanted]


def resolve_ref(
    conn: sqlite3.Connection, ref: DocRef, *, exclude: set[str] | None = None
) -> tuple[str | None, list[str]]:
    """``(id, candidates)``: the id when exactly one document matches."""
    found = candidates(conn, ref, exclude=exclude)
    return (found[0] if len(found) == 1 else None), found


# --- pending references ------------------------------------------------------------------------


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
            tables.title_key(ref.title),
            str(ref.number) if ref.number else None,
            tables.dumps(payload),
            "ambiguous" if len(found) > 1 else "pending",
            tables.dumps(found),
            tables.now(),
        ),
    )
    return int(cur.lastrowid or 0)


def pending_for(conn: sqlite3.Connection, doc_id: str) -> list[dict[str, Any]]:
    """Unresolved references that might name this (newly stored) document."""
    row = tables.fetch_one(
        conn, "SELECT doc_number, title_key FROM documents WHERE id = ?", (doc_id,)
    )
    if row is None or not (row["doc_number"] or row["title_key"]):
        return []
    return tables.fetch_all(
        conn,
        "SELECT * FROM pending_refs WHERE state != 'resolved'"
        " AND (ref_number = ? OR ref_title = ?) ORDER BY id",
        (row["doc_number"], row["title_key"]),
    )


def mark_resolved(conn: sqlite3.Connection, pending_id: int, doc_id: str) -> None:
    conn.execute(
        "UPDATE pending_refs SET state = 'resolved', resolved_id = ?, resolved_at = ? WHERE id = ?",
        (doc_id, tables.now(), pending_id),
    )


def mark_candidates(conn: sqlite3.Connection, pending_id: int, found: list[str]) -> None:
    """Record the documents a reference kept for review (or held back) may name."""
    conn.execute(
        "UPDATE pending_refs SET candidates = ? WHERE id = ?", (tables.dumps(found), pending_id)
    )


def hold_back(conn: sqlite3.Connection, pending_id: int, target_id: str, reason: str) -> None:
    """Keep a reference pending although its title resolves, saying why (see
    :func:`later_act`)."""
    row = tables.fetch_one(conn, "SELECT payload FROM pending_refs WHERE id = ?", (pending_id,))
    payload = {**json.loads(row["payload"]), "reason": reason} if row else {"reason": reason}
    conn.execute(
        "UPDATE pending_refs SET candidates = ?, payload = ? WHERE id = ?",
        (tables.dumps([target_id]), tables.dumps(payload), pending_id),
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
    rows = tables.fetch_all(conn, "SELECT adopted FROM texts WHERE doc_id = ?", (target_id,))
    adopted = [r["adopted"] for r in rows]
    if not adopted or any(a is None or a <= event["date"] for a in adopted):
        return None
    return (
        f"the archive holds only texts of this title adopted after {event['date']}"
        f" (from {min(a for a in adopted if a)}): a later act, not the one this ends"
    )


def history_origin(events: Iterable[LifecycleEvent]) -> frozenset[_dt.date]:
    """The days of a law's original adoption its own 题注 gives (通过, 公布 of its first
    version): two files of one act share them, a re-enactment of the title does not."""
    return frozenset(
        e.date
        for e in events
        if e.kind == EventKind.PROMULGATED
        and e.date is not None
        and e.acting is None
        and e.provenance.kind == ProvenanceKind.PARSED
    )


def stored_origin(conn: sqlite3.Connection, doc_id: str) -> frozenset[_dt.date]:
    """:func:`history_origin` of a stored document."""
    rows = tables.fetch_all(
        conn,
        "SELECT DISTINCT date FROM events WHERE doc_id = ? AND kind = 'promulgated'"
        " AND acting_text IS NULL AND prov_kind = 'parsed' AND date IS NOT NULL",
        (doc_id,),
    )
    return frozenset(_dt.date.fromisoformat(r["date"]) for r in rows)


def same_act(a: frozenset[_dt.date], b: frozenset[_dt.date]) -> bool:
    """Whether two histories can be of one act (unknown on either side: yes)."""
    return not a or not b or bool(a & b)


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
        (tables.dumps(found), pending_id),
    )


def ref_from_pending(row: dict[str, Any]) -> DocRef:
    payload = json.loads(row["payload"])
    return DocRef(
        row["ref_text"],
        payload.get("target_title") or None,
        DocNumber.try_parse(row["ref_number"]) if row["ref_number"] else None,
    )


def unresolved(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Pending and ambiguous references, oldest first, with what the referring document is.

    Each row: ``id``, ``kind``, ``state``, ``ref_text``, ``ref_title``, ``ref_number``,
    ``from_doc_id``, ``from_title``, ``from_number``, ``candidates`` (list), ``payload``
    (dict), ``created_at``.
    """
    rows = tables.fetch_all(
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
