"""Reports over the archive, always through a disclosure view.

Every report reads only what its view shows: in the public view a hidden document is not
listed, not counted and not named, and a link to one does not exist. Each report is a frozen
value with ``as_json()`` (which says the view it was made in); the command line renders them
(``gazette report NAME``).

``interpretations``
    normative policies without an interpretation, and interpretations that came later than
    allowed (:mod:`gazette.interpretation`).
``disclosure``
    documents by attribute, documents with none, the review queue: non-disclosures due for their
    periodic review and on-request documents asked for often enough to be made proactive.
``timeliness``
    documents published (on a portal, in a gazette) later than their deadline, counted in
    working days from the written date (政府信息公开条例 第二十六条: 20 working days).
``completeness``
    normative documents that never appeared in any gazette issue (应登尽登).
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from typing import TYPE_CHECKING, Any

import attrs

from gazette.archive import queries
from gazette.dates import DateLike, to_optional_date
from gazette.disclosure import NEEDS_REASON, View
from gazette.interpretation import (
    DEFAULT_RULE,
    Entry,
    NormativeRule,
    SyncCheck,
    date_of,
    family_root,
    policies,
    sync_check,
)
from gazette.model import DisclosureAttribute, InterpretationLink
from gazette.workdays import Deadline, Rule, WorkdayCalendar

if TYPE_CHECKING:
    from gazette.archive.views import ArchiveView

DEFAULT_REVIEW_DAYS = 365
DEFAULT_REQUEST_THRESHOLD = 3


# --- what the reports read ----------------------------------------------------------------


def load_entries(view: ArchiveView) -> dict[str, Entry]:
    """Every document the view shows, as :class:`~gazette.interpretation.Entry`, in ingest
    order."""
    shown = view.visible_ids()
    pubs = queries.publications_by_document(view, shown)
    attributes = queries.disclosure_attributes(view, shown)
    entries: dict[str, Entry] = {}
    for listed in queries.listed_documents(view, shown):
        # A partial disclosure may withhold the title, number, 文种, issuers or date.
        summary = listed.summary
        entries[summary.id] = Entry(
            id=summary.id,
            title=summary.title,
            doc_number=summary.doc_number,
            doc_type=summary.doc_type,
            issuers=summary.issuers,
            parent_id=listed.parent_id,
            written=summary.written_date,
            published=listed.published,
            publications=tuple(pubs.get(summary.id, ())),
            attribute=attributes.get(summary.id, DisclosureAttribute.UNKNOWN.value),
        )
    return entries


def load_links(view: ArchiveView) -> list[InterpretationLink]:
    """Live interpretation links whose two documents the view shows."""
    links = queries.live_interpretation_links(view)
    if view.view == View.INTERNAL:
        return links
    # As the public view shows links on documents (gazette.redaction).
    return [shown_link for link in links if (shown_link := view.redactor.link(link)) is not None]


def _setting(view: ArchiveView, name: str, given: int | None, fallback: int) -> int:
    """A report parameter: as given, else the archive's setting, else the default."""
    if given is not None:
        return given
    value = view.archive.settings().get(name)
    return int(value) if value is not None else fallback


# --- interpretations ----------------------------------------------------------------------


@attrs.frozen
class InterpretationsReport:
    """Missing and late interpretations (see :func:`gazette.interpretation.sync_check`)."""

    view: str
    check: SyncCheck
    linked: int

    def as_json(self) -> dict[str, Any]:
        return {"report": "interpretations", "view": self.view, "links": self.linked} | (
            self.check.as_json()
        )


def interpretations(
    view: ArchiveView,
    *,
    lag: int | None = None,
    calendar: WorkdayCalendar | None = None,
    rule: NormativeRule = DEFAULT_RULE,
    since: DateLike | None = None,
) -> InterpretationsReport:
    """Normative policies without an interpretation, and late interpretations.

    Args:
        view: what the report may see.
        lag: working days allowed between the policy and its interpretation (default: the
            ``interpretation.lag_days`` setting, else 0).
        calendar: the working-day calendar.
        rule: which documents are normative policies.
        since: only policies dated on or after this day.

    Raises:
        InvalidDate: ``since`` is not a date (dates, datetimes and ISO strings are).
    """
    since = to_optional_date(since)
    lag = _setting(view, "interpretation.lag_days", lag, 0)
    entries = load_entries(view)
    links = load_links(view)
    check = sync_check(entries, links, lag=lag, calendar=calendar, rule=rule, since=since)
    return InterpretationsReport(view.view.value, check, len(links))


# --- disclosure ---------------------------------------------------------------------------


@attrs.frozen
class ReviewItem:
    """A non-disclosure due for its periodic review.

    Attributes:
        entry: the document.
        attribute: its attribute.
        reason: the reason recorded.
        decided: when the attribute was last set or confirmed.
        due: when the review is due.
    """

    entry: Entry
    attribute: DisclosureAttribute
    reason: str | None
    decided: _dt.date | None
    due: _dt.date

    def as_json(self) -> dict[str, Any]:
        return self.entry.as_json() | {
            "attribute": self.attribute.value,
            "reason": self.reason,
            "decided": self.decided.isoformat() if self.decided else None,
            "review_due": self.due.isoformat(),
        }


@attrs.frozen
class RequestItem:
    """An on-request document asked for often.

    Attributes:
        entry: the document.
        requests: how many times it was asked for (within the window).
        last: the last ask.
    """

    entry: Entry
    requests: int
    last: _dt.date

    def as_json(self) -> dict[str, Any]:
        return self.entry.as_json() | {"requests": self.requests, "last": self.last.isoformat()}


@attrs.frozen
class DisclosureReport:
    """Documents by attribute, documents with none, and the review queue.

    Attributes:
        view: the view.
        as_of: the day the queue is for.
        counts: top-level documents per attribute.
        attachment_counts: attachments per attribute.
        unknown: documents (and attachments) with no attribute.
        review_due: non-disclosures due for review.
        requested: on-request documents asked for at least ``threshold`` times.
        review_days: the review period.
        threshold: asks that make an on-request document a candidate for proactive disclosure.
    """

    view: str
    as_of: _dt.date
    counts: dict[str, int]
    attachment_counts: dict[str, int]
    unknown: tuple[Entry, ...]
    review_due: tuple[ReviewItem, ...]
    requested: tuple[RequestItem, ...]
    review_days: int
    threshold: int

    def as_json(self) -> dict[str, Any]:
        return {
            "report": "disclosure",
            "view": self.view,
            "as_of": self.as_of.isoformat(),
            "counts": self.counts,
            "attachment_counts": self.attachment_counts,
            "no_attribute": [e.as_json() for e in self.unknown],
            "review_queue": {
                "review_period_days": self.review_days,
                "request_threshold": self.threshold,
                "review_due": [i.as_json() for i in self.review_due],
                "requested_often": [i.as_json() for i in self.requested],
            },
        }


def disclosure(
    view: ArchiveView,
    *,
    as_of: DateLike | None = None,
    review_days: int | None = None,
    threshold: int | None = None,
    request_window_days: int | None = None,
) -> DisclosureReport:
    """Counts by attribute, documents with none, and the review queue.

    Args:
        view: what the report may see.
        as_of: the day (default today).
        review_days: a non-disclosure is reviewed this many days after it was last decided,
            unless a review date was set with it (default: the ``disclosure.review_days``
            setting, else 365).
        threshold: an on-request document asked for this many times is listed (default: the
            ``disclosure.request_threshold`` setting, else 3).
        request_window_days: count only asks within this many days before ``as_of``.

    Raises:
        InvalidDate: ``as_of`` is not a date (dates, datetimes and ISO strings are).
    """
    as_of = to_optional_date(as_of) or _dt.date.today()
    review_days = _setting(view, "disclosure.review_days", review_days, DEFAULT_REVIEW_DAYS)
    threshold = _setting(view, "disclosure.request_threshold", threshold, DEFAULT_REQUEST_THRESHOLD)
    entries = load_entries(view)
    counts: Counter[str] = Counter()
    attachment_counts: Counter[str] = Counter()
    for entry in entries.values():
        (attachment_counts if entry.parent_id else counts)[entry.attribute] += 1
    unknown = tuple(e for e in entries.values() if e.attribute == DisclosureAttribute.UNKNOWN)
    shown = entries.keys()
    rows = queries.disclosure_states(view, shown)
    # When the attribute was last decided: the stated decision date; for an attribute read
    # from the document itself (its 附注, its carrier's), the day the document was written;
    # else the day it was recorded.
    decided: dict[str, _dt.date] = {}
    for r in queries.disclosure_decisions(view, shown):
        known = entries[r.doc_id]
        day = r.decided_on
        if day is None and r.prov_kind in ("parsed", "inherited"):
            day = known.written or date_of(entries, known)
        if day is None:
            day = r.changed_at.date() if r.changed_at else None
        if day is not None:
            decided[r.doc_id] = day
    review: list[ReviewItem] = []
    for entry in entries.values():
        attribute = DisclosureAttribute(entry.attribute)
        if attribute not in NEEDS_REASON:
            continue
        row = rows.get(entry.id)
        last = decided.get(entry.id)
        due = row.review_due if row else None
        if due is None and last is not None:
            far = review_days > (_dt.date.max - last).days  # past the calendar: never due
            due = _dt.date.max if far else last + _dt.timedelta(days=review_days)
        if due is not None and due <= as_of:
            review.append(ReviewItem(entry, attribute, row.reason if row else None, last, due))
    since = (
        as_of - _dt.timedelta(days=min(request_window_days, (as_of - _dt.date.min).days))
        if request_window_days
        else None
    )
    asked: dict[str, list[_dt.date]] = {}
    for request in queries.disclosure_requests(view, shown):
        day = request.requested_on
        if day > as_of or (since is not None and day < since):
            continue
        asked.setdefault(request.doc_id, []).append(day)
    requested = tuple(
        RequestItem(entries[doc_id], len(days), max(days))
        for doc_id, days in asked.items()
        if doc_id in entries
        and entries[doc_id].attribute == DisclosureAttribute.ON_REQUEST
        and len(days) >= threshold
    )
    return DisclosureReport(
        view=view.view.value,
        as_of=as_of,
        counts=dict(sorted(counts.items())),
        attachment_counts=dict(sorted(attachment_counts.items())),
        unknown=unknown,
        review_due=tuple(sorted(review, key=lambda i: (i.due, i.entry.id))),
        requested=tuple(sorted(requested, key=lambda i: (-i.requests, i.entry.id))),
        review_days=review_days,
        threshold=threshold,
    )


# --- timeliness ---------------------------------------------------------------------------


@attrs.frozen
class TimelinessItem:
    """One publication of a document against its deadline.

    Attributes:
        entry: the document.
        channel: ``portal``, ``gazette`` or ``published`` (the 发布日期 without a channel).
        where: the gazette issue or portal.
        published: the day it came out there.
        deadline: the due date counted from the written date.
        lag: working days from the written date to publication.
    """

    entry: Entry
    channel: str
    where: str | None
    published: _dt.date
    deadline: Deadline
    lag: int

    @property
    def late(self) -> bool:
        return self.published > self.deadline.due

    def as_json(self) -> dict[str, Any]:
        return self.entry.as_json() | {
            "channel": self.channel,
            "where": self.where,
            "published": self.published.isoformat(),
            "due": self.deadline.due.isoformat(),
            "allowed_working_days": self.deadline.days,
            "lag_working_days": self.lag,
            "late": self.late,
            "basis": self.deadline.basis,
            "warnings": list(self.deadline.warnings),
        }


@attrs.frozen
class TimelinessReport:
    """Publications checked against their deadlines.

    Attributes:
        view: the view.
        days: working days allowed per channel.
        late: publications after their deadline.
        on_time: how many publications met theirs.
        undated: documents published with no written date to count from.
        warnings: what the working-day counts had to assume (one line per unknown year).
    """

    view: str
    days: dict[str, int]
    late: tuple[TimelinessItem, ...]
    on_time: int
    undated: tuple[Entry, ...]
    warnings: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "report": "timeliness",
            "view": self.view,
            "allowed_working_days": self.days,
            "checked": self.on_time + len(self.late),
            "on_time": self.on_time,
            "late": [i.as_json() for i in self.late],
            "undated": [e.as_json() for e in self.undated],
            "warnings": list(self.warnings),
        }


def timeliness(
    view: ArchiveView,
    *,
    portal_days: int | None = None,
    gazette_days: int | None = None,
    calendar: WorkdayCalendar | None = None,
) -> TimelinessReport:
    """Documents published later than their deadline in working days from the written date.

    Each channel a top-level document came out in is checked once, at its earliest date there.

    Args:
        view: what the report may see.
        portal_days: working days allowed for publication on a portal (and for a 发布日期 with
            no channel); default: the ``timeliness.portal_days`` setting, else 20
            (政府信息公开条例 第二十六条).
        gazette_days: working days allowed for printing in a gazette (default: the
            ``timeliness.gazette_days`` setting, else 20).
        calendar: the working-day calendar.
    """
    calendar = calendar or WorkdayCalendar()
    portal_days = _setting(view, "timeliness.portal_days", portal_days, Rule.PROACTIVE.days)
    gazette_days = _setting(view, "timeliness.gazette_days", gazette_days, Rule.PROACTIVE.days)
    allowed = {"portal": portal_days, "gazette": gazette_days, "published": portal_days}
    late: list[TimelinessItem] = []
    on_time = 0
    undated: list[Entry] = []
    warnings: set[str] = set()
    for entry in load_entries(view).values():
        if entry.parent_id is not None:
            continue  # an attachment comes out with its carrier
        first: dict[str, tuple[_dt.date, str | None]] = {}
        for pub in entry.publications:
            if pub.date is None:
                continue
            channel = pub.channel if pub.channel in allowed else "portal"
            if channel not in first or pub.date < first[channel][0]:
                first[channel] = (pub.date, pub.label)
        if entry.published is not None and "portal" not in first:
            first["published"] = (entry.published, None)
        if not first:
            continue
        if entry.written is None:
            undated.append(entry)
            continue
        for channel, (day, where) in sorted(first.items()):
            basis = (
                f"政府信息公开条例{Rule.PROACTIVE.article}"
                if allowed[channel] == Rule.PROACTIVE.days
                else None
            )
            deadline = Deadline.compute(calendar, entry.written, allowed[channel], basis=basis)
            lag = calendar.count(entry.written, day)
            warnings.update(deadline.warnings)
            warnings.update(lag.warnings)
            item = TimelinessItem(entry, channel, where, day, deadline, lag.days)
            if item.late:
                late.append(item)
            else:
                on_time += 1
    return TimelinessReport(
        view=view.view.value,
        days={"portal": portal_days, "gazette": gazette_days},
        late=tuple(late),
        on_time=on_time,
        undated=tuple(undated),
        warnings=tuple(sorted(warnings)),
    )


# --- completeness -------------------------------------------------------------------------


@attrs.frozen
class CompletenessReport:
    """Normative documents never printed in a gazette issue.

    Attributes:
        view: the view.
        normative: how many normative documents were checked (one per family).
        printed: how many documents have a gazette publication.
        missing: normative documents whose family has none.
    """

    view: str
    normative: int
    printed: int
    missing: tuple[Entry, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "report": "completeness",
            "view": self.view,
            "normative_documents": self.normative,
            "documents_in_gazettes": self.printed,
            "never_in_a_gazette": [e.as_json() for e in self.missing],
        }


def completeness(view: ArchiveView, *, rule: NormativeRule = DEFAULT_RULE) -> CompletenessReport:
    """Normative documents (规章, 规范性文件) that never appeared in any gazette issue.

    A document counts as printed when it, its carrier or one of its attachments has a
    ``gazette`` publication; one document is listed per family.
    """
    entries = load_entries(view)
    printed_families = {
        family_root(entries, e.id)
        for e in entries.values()
        if any(p.channel == "gazette" for p in e.publications)
    }
    printed = sum(
        1 for e in entries.values() if any(p.channel == "gazette" for p in e.publications)
    )
    seen: set[str] = set()
    missing: list[Entry] = []
    normative = 0
    for policy in policies(entries, rule):
        root = family_root(entries, policy.id)
        if root in seen:
            continue
        seen.add(root)
        normative += 1
        if root not in printed_families:
            missing.append(policy)
    missing.sort(key=lambda e: (date_of(entries, e) or _dt.date.min, e.id))
    return CompletenessReport(view.view.value, normative, printed, tuple(missing))


__all__ = [
    "DEFAULT_REQUEST_THRESHOLD",
    "DEFAULT_REVIEW_DAYS",
    "CompletenessReport",
    "DisclosureReport",
    "InterpretationsReport",
    "RequestItem",
    "ReviewItem",
    "TimelinessItem",
    "TimelinessReport",
    "completeness",
    "disclosure",
    "interpretations",
    "load_entries",
    "load_links",
    "timeliness",
]
