"""The archive's disclosure writes: attributes set by hand or by the rules that settle them
after every ingest, on-request asks, and interpretation links (a part of
:class:`gazette.archive.Archive`)."""

from __future__ import annotations

import datetime as _dt
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from gazette import disclosure as disclosure_rules
from gazette import disclosure_csv
from gazette.archive import codec, reads, renditions_apart, resolution, tables
from gazette.dates import DateLike, to_optional_date
from gazette.disclosure import DisclosureChange
from gazette.errors import (
    GazetteError,
    ImportFailed,
    InvalidArgument,
)
from gazette.model import (
    Disclosure,
    DisclosureAttribute,
    Ground,
    InterpretationForm,
    InterpretationLink,
    Provenance,
    ProvenanceKind,
    TextOrigin,
    current_text,
)
from gazette.redaction import fingerprints

if TYPE_CHECKING:
    from collections.abc import Callable

    from gazette.archive.catalog import Catalog


class DisclosureWrites:
    """Writes behind :mod:`gazette.disclosure` and :mod:`gazette.interpretation`."""

    def __init__(self, catalog: Catalog, resolve: Callable[[str], str]) -> None:
        self.catalog = catalog
        self.resolve = resolve

    # === disclosure and interpretation links ===========================================
    # Writes behind gazette.disclosure and gazette.interpretation: an attribute set by hand
    # (kept with its history), the rules that settle attributes after every ingest (publication,
    # forwarding, attachments), on-request asks, interpretation links made or removed by hand.

    def set_disclosure(
        self,
        ref: str,
        attribute: DisclosureAttribute | str,
        *,
        reason: str | None = None,
        grounds: Iterable[Ground | str] = (),
        basis: str | None = None,
        withheld_blocks: Iterable[int] = (),
        decided_on: DateLike | None = None,
        review_due: DateLike | None = None,
        by: str | None = None,
    ) -> DisclosureChange:
        """Set a document's disclosure attribute, keeping the change in its history.

        Attachments and forwarding notices that have no attribute of their own follow.

        Args:
            ref: the document (id, number or title; resolved in the internal view).
            attribute: ``proactive``, ``on_request``, ``withheld``, ``partial`` (or the Chinese
                name).
            reason: why; required for on request, withheld and partial.
            grounds: legal grounds from :class:`~gazette.model.Ground` (values or names).
            basis: free-text basis (a decision, a meeting, an article).
            withheld_blocks: for partial, the paragraphs of the current text to withhold.
            decided_on: the date of the decision (default: today).
            review_due: when the non-disclosure is next to be reviewed (default: the review
                period after the decision, see :mod:`gazette.reports`).
            by: who decided (default: the archive's actor).

        Raises:
            DocumentNotFound: no such document.
            InvalidArgument: a missing reason, an unknown attribute or ground, paragraphs
                outside the text.
            InvalidDate: ``decided_on`` or ``review_due`` is not a date (dates, datetimes
                and ISO strings are).
        """
        decided_on = to_optional_date(decided_on)
        review_due = to_optional_date(review_due)
        with self.catalog.transaction() as conn:
            doc_id = self.resolve(ref)
            return self._set_disclosure(
                conn,
                doc_id,
                attribute,
                reason=reason,
                grounds=grounds,
                basis=basis,
                withheld_blocks=withheld_blocks,
                decided_on=decided_on,
                review_due=review_due,
                by=by,
                source=None,
            )

    def import_disclosures(
        self, path: str | os.PathLike[str], *, by: str | None = None
    ) -> list[DisclosureChange]:
        """Set attributes from a CSV file, all rows or none.

        Columns (header row required): ``ref``, ``attribute``, and optionally ``reason``,
        ``grounds`` (separated by ``;`` or ``、``), ``basis``, ``decided_on``, ``review_due``,
        ``by``. Attribute and ground names may be the values or the Chinese names.

        Raises:
            ImportFailed: a row is bad (names the line); nothing was stored.
        """
        rows = disclosure_csv.read(path)
        changes: list[DisclosureChange] = []
        with self.catalog.transaction() as conn:
            for row in rows:
                try:
                    doc_id = self.resolve(row.ref)
                    changes.append(
                        self._set_disclosure(
                            conn,
                            doc_id,
                            row.attribute,
                            reason=row.reason,
                            grounds=row.grounds,
                            basis=row.basis,
                            withheld_blocks=(),
                            decided_on=row.decided_on,
                            review_due=row.review_due,
                            by=row.by or by,
                            source=str(path),
                        )
                    )
                except GazetteError as exc:
                    raise ImportFailed(Path(path), row.line, str(exc)) from exc
            self.catalog.log("disclosure_import", str(path), "imported", rows=len(changes))
        return changes

    def _set_disclosure(
        self,
        conn: sqlite3.Connection,
        doc_id: str,
        attribute: DisclosureAttribute | str,
        *,
        reason: str | None,
        grounds: Iterable[Ground | str],
        basis: str | None,
        withheld_blocks: Iterable[int],
        decided_on: _dt.date | None,
        review_due: _dt.date | None,
        by: str | None,
        source: str | None,
    ) -> DisclosureChange:
        value = (
            attribute
            if isinstance(attribute, DisclosureAttribute)
            else disclosure_rules.parse_attribute(attribute)
        )
        parsed_grounds = disclosure_rules.parse_grounds(
            g.value if isinstance(g, Ground) else g for g in grounds
        )
        who = by or self.catalog.actor
        kind = ProvenanceKind.IMPORTED if source else ProvenanceKind.MANUAL
        stamp = _dt.datetime.now(_dt.UTC).replace(microsecond=0)
        disclosure = Disclosure(
            attribute=value,
            reason=(reason or "").strip() or None,
            grounds=parsed_grounds,
            basis=(basis or "").strip() or None,
            provenance=Provenance(kind, source=source, by=who, at=stamp),
            withheld_blocks=tuple(sorted(set(withheld_blocks))),
        )
        # Paragraphs are numbered in the current text; what is kept is their content, which
        # follows them into every rendition and version (gazette.redaction).
        current = current_text(reads.load_texts(conn, doc_id))
        blocks = current.blocks if current is not None else ()
        disclosure_rules.check(
            disclosure, blocks=len(blocks) if disclosure.withheld_blocks else None
        )
        if disclosure.withheld_blocks:
            disclosure = attrs.evolve(
                disclosure,
                withheld_fingerprints=fingerprints(blocks, disclosure.withheld_blocks),
            )
        previous = reads.load_disclosure(conn, doc_id)
        tables.set_disclosure(
            conn,
            doc_id,
            disclosure,
            changed_by=who,
            review_due=review_due,
            decided_on=decided_on,
        )
        tables.touch(conn, doc_id)
        followed = self._propagate_disclosure(conn, doc_id, set())
        if value in (DisclosureAttribute.PROACTIVE, DisclosureAttribute.PARTIAL):
            followed += renditions_apart.share_withholdings(
                conn, renditions_apart.renditions_of(conn, doc_id), self._write_disclosure
            )
        self.catalog.log(
            "disclosure",
            doc_id,
            value.value,
            previous=previous.attribute.value,
            reason=disclosure.reason,
            grounds=[g.value for g in parsed_grounds],
            basis=disclosure.basis,
            decided_on=codec.iso(decided_on),
            source=source,
            followed=followed,
        )
        return DisclosureChange(
            doc_id=doc_id,
            attribute=value,
            reason=disclosure.reason,
            grounds=parsed_grounds,
            basis=disclosure.basis,
            how=kind.value,
            source=source,
            changed_by=who,
            changed_at=stamp,
            decided_on=decided_on,
            withheld_blocks=disclosure.withheld_blocks,
        )

    def record_request(
        self, ref: str, *, on: DateLike | None = None, note: str | None = None
    ) -> int:
        """Record that a document was asked for (an application for disclosure).

        Returns:
            how many times the document has now been asked for.

        Raises:
            DocumentNotFound: no such document.
            InvalidDate: ``on`` is not a date.
        """
        on = to_optional_date(on)
        with self.catalog.transaction() as conn:
            doc_id = self.resolve(ref)
            conn.execute(
                "INSERT INTO disclosure_requests(doc_id, requested_on, recorded_at, note)"
                " VALUES (?, ?, ?, ?)",
                (doc_id, (on or today()).isoformat(), codec.now(), note),
            )
            count = int(
                conn.execute(
                    "SELECT COUNT(*) FROM disclosure_requests WHERE doc_id = ?", (doc_id,)
                ).fetchone()[0]
            )
            self.catalog.log(
                "disclosure_request", doc_id, "recorded", on=codec.iso(on), count=count
            )
        return count

    def link_interpretation(
        self,
        policy: str,
        interpretation: str,
        *,
        form: InterpretationForm | str = InterpretationForm.TEXT,
        evidence: str | None = None,
        by: str | None = None,
    ) -> InterpretationLink:
        """Link an interpretation to its policy by hand (restores a link removed earlier)."""
        form = InterpretationForm(form)
        who = by or self.catalog.actor
        with self.catalog.transaction() as conn:
            policy_id = self.resolve(policy)
            interp_id = self.resolve(interpretation)
            if policy_id == interp_id:
                raise InvalidArgument("文件不能解读其自身")
            conn.execute(
                "INSERT INTO interpretations(policy_id, interpretation_id, form, method, evidence,"
                " prov_kind, prov_by, created_at, removed)"
                " VALUES (?, ?, ?, 'manual', ?, ?, ?, ?, 0)"
                " ON CONFLICT(policy_id, interpretation_id) DO UPDATE SET form = excluded.form,"
                " method = 'manual', evidence = excluded.evidence, prov_kind = excluded.prov_kind,"
                " prov_by = excluded.prov_by, created_at = excluded.created_at, removed = 0",
                (
                    policy_id,
                    interp_id,
                    form.value,
                    evidence,
                    ProvenanceKind.MANUAL.value,
                    who,
                    codec.now(),
                ),
            )
            tables.touch(conn, policy_id)
            tables.touch(conn, interp_id)
            self.catalog.log(
                "interpretation_link", policy_id, "linked", interpretation=interp_id, by=who
            )
        return InterpretationLink(
            policy_id=policy_id,
            interpretation_id=interp_id,
            form=form,
            method="manual",
            evidence=evidence,
            provenance=Provenance(ProvenanceKind.MANUAL, by=who),
        )

    def unlink_interpretation(
        self, policy: str, interpretation: str, *, by: str | None = None
    ) -> bool:
        """Remove a link by hand. It is kept as removed, so it is never inferred again (also
        when the link did not exist yet: the removal then stops a later inference).

        Returns:
            whether a live link was removed.
        """
        who = by or self.catalog.actor
        with self.catalog.transaction() as conn:
            policy_id = self.resolve(policy)
            interp_id = self.resolve(interpretation)
            row = reads.fetch_one(
                conn,
                "SELECT removed FROM interpretations WHERE policy_id = ? AND interpretation_id = ?",
                (policy_id, interp_id),
            )
            if row is None:
                conn.execute(
                    "INSERT INTO interpretations(policy_id, interpretation_id, form, method,"
                    " prov_kind, prov_by, created_at, removed) VALUES (?, ?, ?, 'manual', ?, ?,"
                    " ?, 1)",
                    (
                        policy_id,
                        interp_id,
                        InterpretationForm.TEXT.value,
                        ProvenanceKind.MANUAL.value,
                        who,
                        codec.now(),
                    ),
                )
            else:
                conn.execute(
                    "UPDATE interpretations SET removed = 1, prov_kind = ?, prov_by = ?"
                    " WHERE policy_id = ? AND interpretation_id = ?",
                    (ProvenanceKind.MANUAL.value, who, policy_id, interp_id),
                )
            tables.touch(conn, policy_id)
            tables.touch(conn, interp_id)
            removed = row is not None and not row["removed"]
            self.catalog.log(
                "interpretation_unlink",
                policy_id,
                "removed" if removed else "blocked",
                interpretation=interp_id,
                by=who,
            )
        return removed

    # --- the rules that settle attributes after an ingest ---------------------------------

    def _write_disclosure(
        self, conn: sqlite3.Connection, doc_id: str, disclosure: Disclosure
    ) -> bool:
        """Store a rule-made disclosure unless it is what the document has. Returns changed."""
        current = reads.load_disclosure(conn, doc_id)
        if _same_disclosure(current, disclosure):
            return False
        tables.set_disclosure(conn, doc_id, disclosure, changed_by=self.catalog.actor)
        tables.touch(conn, doc_id)
        return True

    def settle_disclosures(self, conn: sqlite3.Connection, ids: Iterable[str]) -> None:
        """Apply the publication and forwarding rules to stored documents, then let
        attachments and forwarding notices follow."""
        ordered = list(dict.fromkeys(ids))
        # Read at once: a rule writes only the disclosure of the document it looks at.
        facts = reads.load_rule_facts(conn, ordered)
        for doc_id in ordered:
            if doc_id in facts:
                self._publication_rule(conn, doc_id, facts[doc_id])
        for doc_id in ordered:
            if doc_id in facts:
                self._forwarding_rule(conn, doc_id, facts[doc_id])
        seen: set[str] = set()
        for doc_id in ordered:
            self._propagate_disclosure(conn, doc_id, seen)
        renditions_apart.share_withholdings(conn, ordered, self._write_disclosure)

    def _publication_rule(
        self, conn: sqlite3.Connection, doc_id: str, facts: reads.RuleFacts
    ) -> None:
        """Printed in a gazette or published on a portal page: proactive by that fact."""
        basis = disclosure_rules.publication_basis(
            facts.publications,
            origins=[TextOrigin(origin) for origin in facts.origins],
            index_number=facts.index_number,
        )
        reason = None
        if basis is None:
            # An act promulgated by law: its 题注 entries (adopted, approved, amended) or the
            # decree that promulgated it say so.
            promulgated = disclosure_rules.promulgation_basis(
                list(facts.promulgation),
                decree=facts.doc_number if facts.doc_type == "令" else None,
            )
            if promulgated is None:
                return
            basis, reason = promulgated
        current = facts.disclosure
        prov = current.provenance
        if reason is not None and current.attribute != DisclosureAttribute.UNKNOWN:
            # Promulgation decides only what nothing else has: any stated attribute wins, and a
            # promulgated act a person keeps from the public is worth a look.
            if (
                not current.attribute.public
                and prov is not None
                and prov.kind in (ProvenanceKind.MANUAL, ProvenanceKind.IMPORTED)
            ):
                self.catalog.log(
                    "disclosure_conflict",
                    doc_id,
                    "kept",
                    attribute=current.attribute.value,
                    promulgated=basis,
                )
            return
        if (
            current.attribute == DisclosureAttribute.PROACTIVE
            and prov is not None
            and prov.kind in (ProvenanceKind.METADATA, ProvenanceKind.POLICY)
            and (current.basis == basis or not basis.startswith("刊登于"))
        ):
            # Already proactive by a publication with its basis recorded; only a gazette
            # printing (the standard text) replaces a portal basis.
            return
        if prov is not None and prov.kind in (ProvenanceKind.MANUAL, ProvenanceKind.IMPORTED):
            # A person's decision stands; a published document kept from the public is
            # worth a look, so the conflict goes to the log.
            if current.attribute != DisclosureAttribute.PROACTIVE:
                self.catalog.log(
                    "disclosure_conflict",
                    doc_id,
                    "kept",
                    attribute=current.attribute.value,
                    published=basis,
                )
            return
        self._write_disclosure(conn, doc_id, disclosure_rules.publication_disclosure(basis, reason))

    def _forwarding_rule(
        self, conn: sqlite3.Connection, doc_id: str, facts: reads.RuleFacts
    ) -> None:
        """A 转发/批转 notice with no attribute of its own takes what it forwards."""
        if facts.parent_id is not None:
            return
        refs = disclosure_rules.forwarded_refs(facts.title)
        if not refs or disclosure_rules.explicit(reads.load_disclosure(conn, doc_id)):
            return
        parts = [
            r["id"]
            for r in reads.fetch_all(
                conn, "SELECT id FROM documents WHERE parent_id = ? ORDER BY part_index", (doc_id,)
            )
        ]
        for part in parts:
            own = reads.load_disclosure(conn, part)
            if disclosure_rules.explicit(own):
                self._write_disclosure(
                    conn,
                    doc_id,
                    disclosure_rules.inherited(own, part, relation="forwarded document"),
                )
                return
        if reads.fetch_one(
            conn,
            "SELECT 1 FROM pending_refs WHERE kind = 'forward' AND from_doc_id = ?",
            (doc_id,),
        ):
            return  # already looked for; the pending reference resolves when it arrives
        exclude = {doc_id, *parts}
        payloads = []
        for ref in refs:
            target, found = resolution.resolve_ref(conn, ref, exclude=exclude)
            payload = {"forward": True, "target_title": ref.title}
            if target is not None:
                pending_id = resolution.store_pending(
                    conn, kind="forward", from_doc_id=doc_id, ref=ref, payload=payload, found=[]
                )
                resolution.mark_resolved(conn, pending_id, target)
                self.inherit_forwarded(conn, doc_id, target)
                return
            payloads.append((ref, payload, found))
        for ref, payload, found in payloads:
            resolution.store_pending(
                conn, kind="forward", from_doc_id=doc_id, ref=ref, payload=payload, found=found
            )

    def inherit_forwarded(self, conn: sqlite3.Connection, notice_id: str, target_id: str) -> None:
        """The forwarded document is known: the notice takes its attribute, if it has none."""
        conn.execute(
            "UPDATE pending_refs SET state = 'resolved', resolved_id = ?, resolved_at = ?"
            " WHERE kind = 'forward' AND from_doc_id = ? AND state != 'resolved'",
            (target_id, codec.now(), notice_id),
        )
        own = reads.load_disclosure(conn, notice_id)
        source = reads.load_disclosure(conn, target_id)
        if disclosure_rules.explicit(own) or source.attribute == DisclosureAttribute.UNKNOWN:
            return
        inherited = disclosure_rules.inherited(source, target_id, relation="forwarded document")
        if self._write_disclosure(conn, notice_id, inherited):
            self._propagate_disclosure(conn, notice_id, set())

    def _propagate_disclosure(
        self, conn: sqlite3.Connection, doc_id: str, seen: set[str]
    ) -> list[str]:
        """Attachments without an attribute of their own take the carrier's; notices that
        forward this document take it too. Returns the ids whose attribute changed."""
        if doc_id in seen:
            return []
        seen.add(doc_id)
        changed: list[str] = []
        # One round trip: writing to the parts below changes no forwarding reference.
        held, parts, notices = reads.fetch_batch(
            conn,
            [
                (reads.DISCLOSURE, (doc_id,)),
                ("SELECT id FROM documents WHERE parent_id = ? ORDER BY part_index", (doc_id,)),
                (
                    "SELECT DISTINCT from_doc_id FROM pending_refs"
                    " WHERE kind = 'forward' AND state = 'resolved' AND resolved_id = ?",
                    (doc_id,),
                ),
            ],
        )
        carrier = reads.disclosure_of(held)
        for part in parts:
            part_id = part["id"]
            tables.touch(conn, part_id)  # its visibility follows the carrier's
            own = reads.load_disclosure(conn, part_id)
            if not disclosure_rules.explicit(own) and carrier.attribute != (
                DisclosureAttribute.UNKNOWN
            ):
                inherited = disclosure_rules.inherited(carrier, doc_id, relation="carrier")
                if self._write_disclosure(conn, part_id, inherited):
                    changed.append(part_id)
            changed.extend(self._propagate_disclosure(conn, part_id, seen))
        if carrier.attribute == DisclosureAttribute.UNKNOWN:
            return changed
        for row in notices:
            notice_id = row["from_doc_id"]
            own = reads.load_disclosure(conn, notice_id)
            if disclosure_rules.explicit(own):
                continue
            inherited = disclosure_rules.inherited(carrier, doc_id, relation="forwarded document")
            if self._write_disclosure(conn, notice_id, inherited):
                changed.append(notice_id)
                changed.extend(self._propagate_disclosure(conn, notice_id, seen))
        return changed


def _same_disclosure(a: Disclosure, b: Disclosure) -> bool:
    """Equal for the purpose of the history (ignoring when it was recorded)."""
    pa, pb = a.provenance, b.provenance
    return (
        a.attribute == b.attribute
        and a.reason == b.reason
        and a.grounds == b.grounds
        and a.basis == b.basis
        and a.withheld_blocks == b.withheld_blocks
        and a.withheld_fingerprints == b.withheld_fingerprints
        and (pa.kind if pa else None) == (pb.kind if pb else None)
        and (pa.source if pa else None) == (pb.source if pb else None)
    )


def today() -> _dt.date:
    """Today's date (one place, so tests and reports agree)."""
    return _dt.date.today()
