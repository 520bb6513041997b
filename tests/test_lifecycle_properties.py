"""Status over time, property tests: no history contradicts its events."""

from __future__ import annotations

import datetime as dt
import itertools
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gazette.lifecycle import life_start, status_intervals, status_on
from gazette.model import CleanupOutcome, EventKind, LifecycleEvent, TextVersion
from gazette.status import StatusValue
from tests.lifecycle_builders import D, doc, ev, text

_DAY0 = D(2000, 1, 1)
_dates = st.integers(min_value=0, max_value=3000).map(lambda n: _DAY0 + dt.timedelta(days=n))
_kinds = st.sampled_from(
    [
        "promulgated",
        "effective",
        "valid_until",
        "renewed",
        "amended",
        "partially_invalid",
        "repealed",
        "expired",
        "declared_invalid",
        "corrected",
        "cleanup_outcome",
    ]
)


@st.composite
def _events(draw: st.DrawFn) -> LifecycleEvent:
    kind = draw(_kinds)
    outcome = (
        draw(st.sampled_from([o.value for o in CleanupOutcome]))
        if kind == "cleanup_outcome"
        else None
    )
    date = draw(st.one_of(_dates, _dates, _dates, st.none()))
    at = dt.datetime.combine(draw(_dates), dt.time(), dt.UTC) if date is None else None
    return ev(kind, date, outcome=outcome, at=at)


_histories = st.lists(_events(), min_size=0, max_size=8)
_texts = st.lists(
    st.tuples(st.one_of(st.none(), _dates), st.one_of(st.none(), _dates)).map(
        lambda pair: text(pair[0], pair[1])
    ),
    max_size=3,
)


def _ended(event: LifecycleEvent) -> bool:
    if event.kind in (EventKind.REPEALED, EventKind.EXPIRED, EventKind.DECLARED_INVALID):
        return True
    return event.kind == EventKind.CLEANUP_OUTCOME and event.outcome in (
        CleanupOutcome.REPEAL,
        CleanupOutcome.DECLARE_INVALID,
    )


@settings(max_examples=250, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_histories, _texts, _dates)
def test_no_status_contradicts_the_events(
    events: list[LifecycleEvent], texts: list[TextVersion], on: D
) -> None:
    document = doc(*events, texts=tuple(texts))
    status = status_on(document, on)
    begins = life_start(document)
    if begins is not None and on >= begins:
        # A text adopted after the act ended is a new act of that title: its own life.
        events = [e for e in events if e.date is None or e.date >= begins]
    dated = [e for e in events if e.date is not None and e.date <= on]
    if status.since is not None:
        assert status.since <= on
    if status.value in (StatusValue.IN_FORCE, StatusValue.PARTIALLY_INVALID, StatusValue.AMENDED):
        # Never in force without evidence of an effective date.
        assert any(e.kind == EventKind.EFFECTIVE for e in dated)
        # Never in force after the document was repealed or declared invalid.
        assert not any(_ended(e) for e in dated)
    if status.value == StatusValue.NOT_YET_IN_FORCE:
        assert not any(e.kind == EventKind.EFFECTIVE for e in dated)
        assert any(e.kind == EventKind.EFFECTIVE and e.date and e.date > on for e in events)
    if any(_ended(e) for e in dated):
        assert status.value in (StatusValue.REPEALED, StatusValue.EXPIRED, StatusValue.UNKNOWN)
        if any(e.kind == EventKind.EFFECTIVE for e in dated):
            assert status.value in (StatusValue.REPEALED, StatusValue.EXPIRED)
    if status.value == StatusValue.EXPIRED:
        assert (
            any(_ended(e) for e in dated)
            or any(e.kind == EventKind.VALID_UNTIL and e.date and e.date < on for e in events)
            or any(_ended(e) and e.date is None for e in events)
        )
    if status.value == StatusValue.REPEALED:
        assert any(e.kind in (EventKind.REPEALED, EventKind.CLEANUP_OUTCOME) for e in events)


@settings(max_examples=120, deadline=None)
@given(_histories, _dates, _dates)
def test_repeal_is_final(events: list[LifecycleEvent], first: D, second: D) -> None:
    document = doc(*events)
    early, late = sorted((first, second))
    if status_on(document, early).value == StatusValue.REPEALED:
        assert status_on(document, late).value == StatusValue.REPEALED


@settings(max_examples=120, deadline=None)
@given(_histories, _texts, _dates, st.randoms(use_true_random=False))
def test_event_order_does_not_matter(
    events: list[LifecycleEvent], texts: list[TextVersion], on: D, rnd: random.Random
) -> None:
    shuffled = list(events)
    rnd.shuffle(shuffled)
    first = status_on(doc(*events, texts=tuple(texts)), on)
    second = status_on(doc(*shuffled, texts=tuple(texts)), on)
    assert (first.value, first.since) == (second.value, second.since)


@settings(max_examples=120, deadline=None)
@given(_histories, _texts, _dates)
def test_intervals_agree_with_status_on(
    events: list[LifecycleEvent], texts: list[TextVersion], on: D
) -> None:
    document = doc(*events, texts=tuple(texts))
    intervals = status_intervals(document)
    covering = [v for v, start, end in intervals if start <= on and (end is None or on < end)]
    assert covering == [status_on(document, on).value]
    for (_, _, end), (_, start, _) in itertools.pairwise(intervals):
        assert end == start


@settings(max_examples=120, deadline=None)
@given(_histories, _texts, _dates)
def test_a_version_is_never_in_force_before_it_takes_effect(
    events: list[LifecycleEvent], texts: list[TextVersion], on: D
) -> None:
    document = doc(*events, texts=tuple(texts))
    for version in texts:
        status = status_on(document, on, version=version)
        start = version.effective or version.adopted
        if start is not None and on < start:
            assert status.value in (
                StatusValue.NOT_YET_IN_FORCE,
                StatusValue.REPEALED,
                StatusValue.EXPIRED,
            )
        if status.value == StatusValue.IN_FORCE:
            assert status_on(document, on).value in (StatusValue.IN_FORCE, StatusValue.AMENDED)
