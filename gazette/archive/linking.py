"""Applying what documents say about one another: a repeal, an amendment, an interpretation
or a forwarding applied when its target resolves, else kept pending and retried whenever a
document it may name arrives (a part of :class:`gazette.archive.Archive`)."""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from gazette import references
from gazette.archive import codec, resolution, tables
from gazette.references import OutgoingRef

if TYPE_CHECKING:
    from gazette.archive.catalog import Catalog
    from gazette.archive.disclosure import DisclosureWrites
    from gazette.archive.lifecycle import LifecycleWrites


class ReferenceWrites:
    """Applies outgoing references, or keeps them pending."""

    def __init__(
        self, catalog: Catalog, *, lifecycle: LifecycleWrites, disclosure: DisclosureWrites
    ) -> None:
        self.catalog = catalog
        self.lifecycle = lifecycle
        self.disclosure = disclosure

    def apply_ref(self, conn: sqlite3.Connection, from_id: str, ref: OutgoingRef) -> bool:
        """Apply an outgoing reference now if its target resolves; else keep it pending.

        A reference for review (a clause that only may repeal) is kept for a person, never
        applied, with the documents it may name.
        """
        target_id, found = resolution.resolve_ref(conn, ref.target, exclude={from_id})
        payload = self._ref_payload(from_id, ref)
        if ref.review:
            resolution.store_pending(
                conn,
                kind="review",
                from_doc_id=from_id,
                ref=ref.target,
                payload=payload,
                found=found,
            )
            return False
        if target_id is None and len(found) > 1 and "event" in payload:
            # Acts of one title: the one in force when the repealing provision took effect.
            target_id = resolution.in_force_then(conn, found, payload["event"])
        if target_id is not None and "event" in payload:
            later = resolution.later_act(conn, target_id, payload["event"])
            if later is not None:
                payload = {**payload, "reason": later}
                found = [target_id]
                target_id = None
        if target_id is None:
            resolution.store_pending(
                conn,
                kind="event" if ref.event else "interpretation",
                from_doc_id=from_id,
                ref=ref.target,
                payload=payload,
                found=found,
            )
            return False
        self._apply_payload(conn, from_id, target_id, payload)
        return True

    def _ref_payload(self, from_id: str, ref: OutgoingRef) -> dict[str, Any]:
        if ref.event is not None:
            return {"event": codec.event_payload(ref.event), "target_title": ref.target.title}
        assert ref.interpretation is not None
        return {
            "interpretation": ref.interpretation.value,
            "evidence": ref.evidence,
            "method": ref.method,
            "target_title": ref.target.title,
        }

    def _apply_payload(
        self,
        conn: sqlite3.Connection,
        from_id: str | None,
        target_id: str,
        payload: dict[str, Any],
    ) -> None:
        if "event" in payload:
            self.lifecycle.apply_event_ref(conn, from_id, target_id, payload)
        elif "forward" in payload:
            assert from_id is not None
            self.disclosure.inherit_forwarded(conn, from_id, target_id)
        else:
            assert from_id is not None
            conn.execute(
                "INSERT INTO interpretations(policy_id, interpretation_id, form, method,"
                " evidence, prov_kind, prov_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (
                    target_id,
                    from_id,
                    payload["interpretation"],
                    payload.get("method") or "inferred",
                    payload.get("evidence"),
                    "parsed",
                    None,
                    codec.now(),
                ),
            )
            tables.touch(conn, target_id)
            tables.touch(conn, from_id)

    def resolve_pending_for(self, conn: sqlite3.Connection, doc_id: str) -> int:
        """Retry pending references that may name a newly stored document."""
        resolved = 0
        for row in resolution.pending_for(conn, doc_id):
            ref = references.ref_from_pending(row)
            exclude = {row["from_doc_id"]} if row["from_doc_id"] else set()
            target_id, found = resolution.resolve_ref(conn, ref, exclude=exclude)
            if row["kind"] == "review":
                resolution.mark_candidates(conn, row["id"], found)
                continue  # for a person to decide
            payload = json.loads(row["payload"])
            if target_id is None and len(found) > 1 and "event" in payload:
                target_id = resolution.in_force_then(conn, found, payload["event"])
            later = (
                resolution.later_act(conn, target_id, payload["event"])
                if target_id is not None and "event" in payload
                else None
            )
            if later is not None and target_id is not None:
                resolution.hold_back(conn, row["id"], target_id, later)
                continue  # only a later act of that title is held
            if target_id is None:
                resolution.mark_ambiguous(conn, row["id"], found) if len(found) > 1 else None
                continue
            self._apply_payload(conn, row["from_doc_id"], target_id, payload)
            resolution.mark_resolved(conn, row["id"], target_id)
            self.catalog.log(
                "resolve_ref",
                target_id,
                "resolved",
                pending_id=row["id"],
                ref=row["ref_text"],
                from_doc_id=row["from_doc_id"],
            )
            resolved += 1
        return resolved
