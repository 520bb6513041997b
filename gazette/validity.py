"""Validity reports over an archive view: status counts on a date, documents about to expire.

Both read through a disclosure view, so the public view never counts or lists a document the
public may not see. Counting uses the derived ``status_intervals`` table (one query, no event
replay); the expiry report looks only at documents that state a validity period.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING

import attrs

from gazette.archive import queries
from gazette.dates import DateLike, add_months, days_after, to_date
from gazette.lifecycle import status_on, validity_end
from gazette.status import Status, StatusValue, describe_provenance

if TYPE_CHECKING:
    from gazette.archive.views import ArchiveView

#: How long before the end of a validity period its evaluation is due (DOMAIN.md §3).
EVALUATION_MONTHS = 6


def status_counts(
    view: ArchiveView, on: DateLike, *, top_level_only: bool = True
) -> dict[StatusValue, int]:
    """How many documents the view sees had each status on ``on`` (every status listed).

    Raises:
        InvalidDate: ``on`` is not a date (dates, datetimes and ISO strings are).
    """
    on = to_date(on)
    counts = dict.fromkeys(StatusValue, 0)
    for span in queries.statuses_on(view, on, top_level_only=top_level_only):
        counts[StatusValue(span.status)] += 1
    return counts


@attrs.frozen
class Expiring:
    """A document whose validity period ends soon.

    Attributes:
        id: the document.
        title: its title.
        doc_number: its number.
        valid_until: the last day of its validity period.
        days_left: days from the report date to the last day.
        evaluation_due: when the evaluation before expiry is due (six months before).
        status: its status on the report date.
        source: where the period was learned.
    """

    id: str
    title: str | None
    doc_number: str | None
    valid_until: _dt.date
    days_left: int
    evaluation_due: _dt.date
    status: Status
    source: str | None


def expiring(
    view: ArchiveView, on: DateLike, within_days: int, *, top_level_only: bool = True
) -> list[Expiring]:
    """Documents in force on ``on`` whose validity period ends within ``within_days`` days.

    Sorted by the last day, soonest first.

    Raises:
        InvalidDate: ``on`` is not a date (dates, datetimes and ISO strings are).
    """
    on = to_date(on)
    # Past the end of the calendar, every later date is within.
    last = days_after(on, within_days)
    out: list[Expiring] = []
    for doc_id in queries.stated_validity_ends(view, on, last, top_level_only=top_level_only):
        doc = view.get(doc_id)
        bound = validity_end(doc)
        if bound is None or bound.date is None:
            continue
        status = status_on(doc, on)
        if status.value not in (
            StatusValue.IN_FORCE,
            StatusValue.PARTIALLY_INVALID,
            StatusValue.AMENDED,
        ):
            continue
        out.append(
            Expiring(
                id=doc_id,
                title=doc.title,
                doc_number=str(doc.doc_number) if doc.doc_number else None,
                valid_until=bound.date,
                days_left=(bound.date - on).days,
                evaluation_due=add_months(bound.date, -EVALUATION_MONTHS),
                status=status,
                source=describe_provenance(bound),
            )
        )
    return sorted(out, key=lambda item: (item.valid_until, item.id))
