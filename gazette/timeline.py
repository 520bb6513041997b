"""A document's timeline: its events and the starts of its text versions, in date order."""

from __future__ import annotations

import datetime as _dt

import attrs

from gazette.lifecycle import DAY_ORDER, effective_kind, versions
from gazette.model import (
    Document,
    LifecycleEvent,
    TextVersion,
    version_start,
)


@attrs.frozen
class TimelineEntry:
    """One line of a document's timeline: an event or the start of a text version.

    Attributes:
        date: when (``None`` for undated events, listed last).
        event: the event, for event entries.
        version: the text version, for version entries.
    """

    date: _dt.date | None
    event: LifecycleEvent | None = None
    version: TextVersion | None = None

    @property
    def what(self) -> str:
        if self.event is not None:
            kind = self.event.kind.value
            return f"{kind}:{self.event.outcome.value}" if self.event.outcome else kind
        return "version"


def timeline(document: Document) -> list[TimelineEntry]:
    """Events and text versions in date order.

    A version stands at its start date (an undated version first: it is the text as held);
    undated events come last.

    Raises nothing: a document without events or texts gives an empty list.
    """
    entries = [TimelineEntry(e.date, event=e) for e in document.events]
    entries += [TimelineEntry(version_start(v), version=v) for v in versions(document)]

    def key(entry: TimelineEntry) -> tuple[int, _dt.date, int]:
        if entry.event is None:
            # A version starts alongside the effective date; an undated one is the text as held.
            return (0 if entry.date is None else 1, entry.date or _dt.date.min, 2)
        order = DAY_ORDER.get(effective_kind(entry.event), 9)
        return (2 if entry.date is None else 1, entry.date or _dt.date.min, order)

    return sorted(entries, key=key)
