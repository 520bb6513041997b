"""When a version starts: a start a file or a decision states wins over one only inferred (the
lifecycle writes' rules for two files of one version and for a text an amending decision
dates; see :class:`gazette.archive.lifecycle.LifecycleWrites`)."""

from __future__ import annotations

import datetime as _dt
import sqlite3
from typing import TYPE_CHECKING

import attrs

from gazette.archive import codec, reads
from gazette.model import Document, EventKind, LifecycleEvent, ProvenanceKind, TextVersion

if TYPE_CHECKING:
    from gazette.archive.lifecycle import LifecycleWrites


def date_amended_text(
    writes: LifecycleWrites,
    conn: sqlite3.Connection,
    from_id: str,
    target_id: str,
    event: LifecycleEvent,
) -> None:
    """The amending decision is in the archive: the text it made takes effect when it says.

    A text amended by a decision (修正) takes effect as the decision does; without the
    decision, its start was inferred from the adoption date its 题注 gives. When the
    decision arrives and the archive holds the text it adopted (same day of adoption), that
    text's inferred start gives way to the decision's own date.
    """
    acting = reads.fetch_one(
        conn,
        "SELECT MAX(adopted) AS adopted FROM texts WHERE doc_id = ? AND adopted IS NOT NULL",
        (from_id,),
    )
    adopted = acting["adopted"] if acting else None
    if adopted is None or event.date is None:
        return
    day = event.date.isoformat()
    for text in reads.fetch_all(
        conn,
        "SELECT id, effective FROM texts WHERE doc_id = ? AND adopted = ? AND effective < ?",
        (target_id, adopted, day),
    ):
        inferred = reads.fetch_all(
            conn,
            "SELECT id FROM events WHERE doc_id = ? AND kind = 'effective' AND date = ?"
            " AND prov_kind = 'inferred'",
            (target_id, text["effective"]),
        )
        if not inferred:
            continue  # a stated date stands
        conn.execute("UPDATE texts SET effective = ? WHERE id = ?", (day, text["id"]))
        for row in inferred:
            conn.execute("DELETE FROM events WHERE id = ?", (row["id"],))
        writes.store_event(
            conn,
            target_id,
            LifecycleEvent(
                EventKind.EFFECTIVE,
                event.date,
                acting=event.acting,
                provenance=event.provenance,
                note=f"施行 of the text adopted {adopted}, as the amending decision states",
            ),
        )


def reconcile_starts(
    writes: LifecycleWrites,
    conn: sqlite3.Connection,
    doc_id: str,
    existing: Document,
    doc: Document,
) -> Document:
    """Two files of one version (same adoption, same label) that disagree on its start:
    a start one of them states wins over a start the other could only infer. The parts of
    a code (its 编, one file each) follow the code."""
    texts = list(doc.texts)
    events = list(doc.events)
    for k, text in enumerate(texts):
        held = _same_version(existing, text)
        if held is None or held.effective == text.effective:
            continue
        new_inferred = _inferred_start(doc, text.effective)
        held_inferred = _inferred_start(existing, held.effective)
        if new_inferred is not None and held_inferred is None:
            texts[k] = attrs.evolve(text, effective=held.effective)
            events = [e for e in events if e is not new_inferred]
        elif new_inferred is None and held_inferred is not None:
            stated = [
                e for e in doc.events if e.kind == EventKind.EFFECTIVE and e.date == text.effective
            ]
            children = [
                r["id"]
                for r in reads.fetch_all(
                    conn, "SELECT id FROM documents WHERE parent_id = ?", (doc_id,)
                )
            ]
            for target in (doc_id, *children):
                conn.execute(
                    "UPDATE texts SET effective = ? WHERE doc_id = ? AND adopted = ?"
                    " AND effective = ?",
                    (
                        codec.iso(text.effective),
                        target,
                        codec.iso(held.adopted),
                        codec.iso(held.effective),
                    ),
                )
                conn.execute(
                    "DELETE FROM events WHERE doc_id = ? AND kind = 'effective' AND date = ?"
                    " AND prov_kind = 'inferred'",
                    (target, codec.iso(held.effective)),
                )
                if target != doc_id:
                    for event in stated:
                        writes.store_event(conn, target, event)
                    writes.refresh_derived(conn, target)
    parts = []
    for part in doc.parts:
        reconciled = part
        for text in part.texts:
            held = _same_version(existing, text)
            inferred = _inferred_start(part, text.effective)
            if held is None or inferred is None or _inferred_start(existing, held.effective):
                continue
            stated = [
                e
                for e in existing.events
                if e.kind == EventKind.EFFECTIVE and e.date == held.effective
            ]
            reconciled = attrs.evolve(
                reconciled,
                texts=tuple(
                    attrs.evolve(t, effective=held.effective) if t is text else t
                    for t in reconciled.texts
                ),
                events=tuple(e for e in reconciled.events if e is not inferred)
                + tuple(attrs.evolve(e, id=None) for e in stated),
            )
        parts.append(reconciled)
    return attrs.evolve(doc, texts=tuple(texts), events=tuple(events), parts=tuple(parts))


def _same_version(document: Document, text: TextVersion) -> TextVersion | None:
    """A text of ``document`` of the same version as ``text`` (adoption and label)."""
    if text.adopted is None or text.effective is None:
        return None
    return next(
        (
            t
            for t in document.texts
            if t.adopted == text.adopted and t.label == text.label and t.effective
        ),
        None,
    )


def _inferred_start(document: Document, day: _dt.date | None) -> LifecycleEvent | None:
    """The inferred ``effective`` event of ``document`` on ``day``, if it has one."""
    return next(
        (
            e
            for e in document.events
            if e.kind == EventKind.EFFECTIVE
            and e.date == day
            and e.provenance.kind == ProvenanceKind.INFERRED
        ),
        None,
    )
