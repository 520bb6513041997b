"""Policy interpretation (政策解读): which policies need one, and whether it came in time.

The principle is 谁起草、谁解读 and 同步组织、同步审签、同步部署 (DOMAIN.md §5): a normative policy
is released together with its interpretation. Links are inferred on ingest (``ingest.
interpretations``) or made by hand (:meth:`gazette.archive.Archive.link_interpretation`); this
module holds the rules that judge them.

Which policies should have an interpretation (:class:`NormativeRule`)
    A document is a *normative policy* when its title (without a trailing （试行）/（暂行）…)
    ends with one of the policy types — 意见, 办法, 规定, 方案, 细则, 规则, 条例, 规划, 措施 —
    and one of its issuers is a government (国务院, or a 人民政府 and its 办公厅/办公室).
    Titles that amend, repeal or clean up other documents (修改, 废止, 失效, 清理) are not
    policies of their own, and neither is a 印发/转发 notice: its attachment is the policy. A
    carrier notice and its attachments form one *family*; a link to any member counts for the
    family. Both the types and the issuer pattern are parameters.

When an interpretation is late
    Its date (publication date, else written date) is more than ``lag`` working days after the
    policy's (default 0: the same day), counted with :class:`~gazette.workdays.WorkdayCalendar`.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from gazette.model import Document, InterpretationLink, Publication
from gazette.titles import POLICY_TYPES
from gazette.workdays import WorkdayCalendar

_QUALIFIER = re.compile(r"[（(][^（()）]{1,8}[）)]$")
_NOT_A_POLICY = re.compile(r"修改|修订.*决定|废止|失效|清理|印发|转发|批转|颁发")


@attrs.frozen
class NormativeRule:
    """Which documents are normative policies (that need an interpretation and a gazette).

    Attributes:
        kinds: the title endings of policy types.
        issuer: a pattern one of the issuers must match.
    """

    kinds: tuple[str, ...] = POLICY_TYPES
    issuer: str = r"国务院|人民政府"

    def applies(self, title: str | None, issuers: Iterable[str]) -> bool:
        """Whether a document with this title and these issuers is a normative policy."""
        if not title:
            return False
        stripped = title.strip()
        while _QUALIFIER.search(stripped):
            stripped = _QUALIFIER.sub("", stripped).strip()
        if _NOT_A_POLICY.search(stripped):
            return False
        if not stripped.endswith(self.kinds):
            return False
        pattern = re.compile(self.issuer)
        return any(pattern.search(organ) for organ in issuers)


DEFAULT_RULE = NormativeRule()


@attrs.frozen
class Entry:
    """What the checks and reports need to know of one document.

    Attributes:
        id: the document id.
        title: its title.
        doc_number: its number (canonical spelling).
        doc_type: 文种.
        issuers: 发文机关.
        parent_id: the carrier, for an attachment.
        written: 成文日期.
        published: 发布日期.
        publications: where it was published.
        attribute: its disclosure attribute value.
    """

    id: str
    title: str | None
    doc_number: str | None
    doc_type: str | None
    issuers: tuple[str, ...]
    parent_id: str | None
    written: _dt.date | None
    published: _dt.date | None
    publications: tuple[Publication, ...] = ()
    attribute: str = "unknown"

    @property
    def publication_date(self) -> _dt.date | None:
        """The 发布日期, else the earliest publication."""
        if self.published is not None:
            return self.published
        dates = [p.date for p in self.publications if p.date is not None]
        return min(dates) if dates else None

    @property
    def date(self) -> _dt.date | None:
        """The date it came out: published, else written."""
        return self.publication_date or self.written

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "doc_number": self.doc_number,
            "issuers": list(self.issuers),
            "written_date": self.written.isoformat() if self.written else None,
            "published_date": self.publication_date.isoformat() if self.publication_date else None,
        }


def family_root(entries: Mapping[str, Entry], doc_id: str) -> str:
    """The top-level document of a document's family (itself when top-level)."""
    seen = set()
    current = doc_id
    while current in entries and entries[current].parent_id and current not in seen:
        seen.add(current)
        current = entries[current].parent_id  # type: ignore[assignment]
    return current


def date_of(entries: Mapping[str, Entry], entry: Entry) -> _dt.date | None:
    """When an entry came out: its publication date, else its carrier's (an attachment comes
    out with its carrier); else the written date, its own or its carrier's."""
    chain: list[Entry] = []
    current: Entry | None = entry
    while current is not None and current not in chain:
        chain.append(current)
        current = entries.get(current.parent_id) if current.parent_id else None
    for item in chain:
        if item.publication_date is not None:
            return item.publication_date
    for item in chain:
        if item.written is not None:
            return item.written
    return None


def policies(entries: Mapping[str, Entry], rule: NormativeRule = DEFAULT_RULE) -> list[Entry]:
    """The normative policies among the entries, one or more per family, in entry order."""
    out = []
    for entry in entries.values():
        issuers = entry.issuers
        if not issuers and entry.parent_id and entry.parent_id in entries:
            issuers = entries[entry.parent_id].issuers
        if rule.applies(entry.title, issuers):
            out.append(entry)
    return out


@attrs.frozen
class LinkCheck:
    """One interpretation link, judged.

    Attributes:
        policy: the policy.
        interpretation: the interpretation.
        link: the stored link (form, method, evidence).
        lag: working days from the policy's date to the interpretation's (``None`` when a
            date is missing).
        late: the lag is more than allowed.
        warnings: what the working-day count had to assume.
    """

    policy: Entry
    interpretation: Entry
    link: InterpretationLink
    lag: int | None
    late: bool
    warnings: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "policy": self.policy.as_json(),
            "interpretation": self.interpretation.as_json(),
            "form": self.link.form.value,
            "method": self.link.method,
            "evidence": self.link.evidence,
            "lag_working_days": self.lag,
            "late": self.late,
            "warnings": list(self.warnings),
        }


@attrs.frozen
class SyncCheck:
    """Interpretations against their policies.

    Attributes:
        lag: the working days allowed between policy and interpretation.
        missing: normative policies whose family has no interpretation.
        late: links whose interpretation came later than allowed.
        in_time: links within the allowed lag.
        undated: links where a date is missing, so the lag is unknown.
    """

    lag: int
    missing: tuple[Entry, ...]
    late: tuple[LinkCheck, ...]
    in_time: tuple[LinkCheck, ...]
    undated: tuple[LinkCheck, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "allowed_lag_working_days": self.lag,
            "missing": [e.as_json() for e in self.missing],
            "late": [c.as_json() for c in self.late],
            "in_time": [c.as_json() for c in self.in_time],
            "undated": [c.as_json() for c in self.undated],
        }


def sync_check(
    entries: Mapping[str, Entry],
    links: Iterable[InterpretationLink],
    *,
    lag: int = 0,
    calendar: WorkdayCalendar | None = None,
    rule: NormativeRule = DEFAULT_RULE,
    since: _dt.date | None = None,
) -> SyncCheck:
    """Judge the links among ``entries`` (only links whose two ends are entries count).

    Args:
        entries: the documents the reader may see, by id.
        links: live interpretation links.
        lag: working days allowed after the policy.
        calendar: the working-day calendar (the State Council schedule by default).
        rule: which documents are normative policies.
        since: only judge policies dated on or after this day (missing ones included).
    """
    calendar = calendar or WorkdayCalendar()
    checks: list[LinkCheck] = []
    linked_families: set[str] = set()
    for link in links:
        policy = entries.get(link.policy_id)
        interp = entries.get(link.interpretation_id)
        if policy is None or interp is None:
            continue
        linked_families.add(family_root(entries, policy.id))
        start = date_of(entries, policy)
        end = date_of(entries, interp)
        if since is not None and start is not None and start < since:
            continue
        if start is None or end is None:
            checks.append(LinkCheck(policy, interp, link, None, False))
            continue
        counted = calendar.count(start, end)
        checks.append(
            LinkCheck(policy, interp, link, counted.days, counted.days > lag, counted.warnings)
        )
    missing = []
    for policy in policies(entries, rule):
        if family_root(entries, policy.id) in linked_families:
            continue
        date = date_of(entries, policy)
        if since is not None and (date is None or date < since):
            continue
        missing.append(policy)
    return SyncCheck(
        lag=lag,
        missing=tuple(missing),
        late=tuple(c for c in checks if c.late),
        in_time=tuple(c for c in checks if c.lag is not None and not c.late),
        undated=tuple(c for c in checks if c.lag is None),
    )


@attrs.frozen
class Linked:
    """A document linked to another as policy and interpretation, seen from that other one.

    Attributes:
        role: what this document is to the one asked about: ``interpretation`` (it explains
            it) or ``policy`` (it is explained by it).
        id: this document.
        title: its title.
        link: the link.
    """

    role: str
    id: str
    title: str | None
    link: InterpretationLink

    def as_json(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "id": self.id,
            "title": self.title,
            "form": self.link.form.value,
            "method": self.link.method,
            "evidence": self.link.evidence,
        }


def linked(doc: Document, title_of: Callable[[str], str | None]) -> list[Linked]:
    """The interpretations of ``doc`` (a policy) and the policies it explains (an
    interpretation), in the order linked; ``title_of`` gives a document's title by id (the
    view's, so a title is what that view shows)."""
    out = []
    for link in doc.interpretations:
        explained = link.policy_id == doc.id
        other = link.interpretation_id if explained else link.policy_id
        out.append(
            Linked("interpretation" if explained else "policy", other, title_of(other), link)
        )
    return out


__all__ = [
    "DEFAULT_RULE",
    "Entry",
    "LinkCheck",
    "Linked",
    "NormativeRule",
    "SyncCheck",
    "date_of",
    "family_root",
    "linked",
    "policies",
    "sync_check",
]
