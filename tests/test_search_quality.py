"""Search quality on real texts: known-item recall@10 and MRR must meet the targets, on every
engine.

The evaluation (``benchmarks/eval_search.py``) is deterministic: fixed seeds draw the queries
and the distractors, so these figures do not vary between runs (unlike timings).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from gazette.search import DSN_ENGINES, ENGINES, IndexRecord, open_index
from tests.conftest import corpus_path

TARGETS = {
    "number": {"recall@10": 1.0, "mrr": 0.9},
    "title": {"recall@10": 0.98, "mrr": 0.9},
    "body": {"recall@10": 0.95, "mrr": 0.9},
    "all": {"recall@10": 0.95, "mrr": 0.9},
}


@pytest.fixture(scope="module", params=ENGINES)
def evaluation(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, dict[str, float]]]:
    corpus_path("govcn")
    from benchmarks import eval_search

    records: list[IndexRecord] = eval_search.collection()
    items = eval_search.queries(records)
    with contextlib.ExitStack() as stack:
        if request.param in DSN_ENGINES:
            location: Path | str = stack.enter_context(
                request.getfixturevalue("pg_server").database()
            )
        else:
            location = Path(tmp_path_factory.mktemp("quality")) / "ix"
        index = open_index(location, request.param)
        stack.callback(index.close)
        index.apply(records)
        yield eval_search.evaluate(index, records, items)


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(TARGETS))
def test_known_item_targets(evaluation: dict[str, dict[str, float]], kind: str) -> None:
    measured = evaluation[kind]
    assert measured["queries"] >= 15, measured
    for metric, target in TARGETS[kind].items():
        assert measured[metric] >= target, (kind, metric, measured)
