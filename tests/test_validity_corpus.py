"""Validity on the real statute collections: the key figures of ``benchmarks/bench_validity.py``.

The whole ``lawrefbook`` folder (1,019 local regulations) and the ``laws`` folder are ingested
and scored against what each file states (``benchmarks/validity_expected.py``, plain rules that
never use the library). Skipped when the corpus is absent.
"""

from __future__ import annotations

import re

import pytest

from benchmarks.bench_validity import Scores, score
from tests.conftest import corpus_path

pytestmark = pytest.mark.slow

# What a repeal sentence must not be: the act named as the law to follow or the basis.
_MENTION = re.compile(r"(?:依照|按照|根据|依据|违反|参照)[^，。；《》]*$")


def _rate(pair: tuple[int, int]) -> float:
    return pair[0] / pair[1] if pair[1] else 1.0


@pytest.fixture(scope="module")
def lawrefbook() -> Scores:
    return score(corpus_path("lawrefbook"), jobs=2)


@pytest.fixture(scope="module")
def laws() -> Scores:
    return score(corpus_path("laws"), jobs=1)


@pytest.mark.parametrize("name", ["lawrefbook", "laws"])
def test_targets(name: str, request: pytest.FixtureRequest) -> None:
    scores: Scores = request.getfixturevalue(name)
    assert scores.titles / scores.files >= 0.995, scores.misses.get("title")
    assert _rate(scores.stated) >= 0.99, scores.misses.get("effective")
    assert _rate(scores.inferred) >= 0.99, scores.misses.get("inferred")
    assert scores.inferred_marked == scores.inferred[0], scores.misses.get("inferred-mark")
    assert _rate(scores.status) >= 0.98, scores.misses.get("status")
    assert scores.unknown == 0
    assert _rate(scores.notes) >= 0.99, scores.misses.get("题注")
    # Every promulgated act is in the public view.
    assert scores.public[0] == scores.public[1]


@pytest.mark.parametrize("name", ["lawrefbook", "laws"])
def test_no_version_starts_before_its_adoption(name: str, request: pytest.FixtureRequest) -> None:
    scores: Scores = request.getfixturevalue(name)
    assert scores.early == []


def test_no_repeal_comes_from_a_mention(lawrefbook: Scores) -> None:
    """Every repeal recorded or kept pending comes from a sentence that ends the act it names,
    not from one that names it as the law to follow."""
    assert len(lawrefbook.repeals) >= 4
    sentences = [excerpt for _, _, _, excerpt in lawrefbook.repeals]
    for row in lawrefbook.pending:
        sentences.append(row["payload"]["event"]["provenance"]["excerpt"] or "")
    for sentence in sentences:
        assert re.search(r"废止|失效|停止执行|不再执行", sentence), sentence
    for title, _, _, excerpt in lawrefbook.repeals:
        before = excerpt.split(f"《{title}》")[0]
        clause = re.split(r"[，。；]", before)[-1]
        assert not (_MENTION.search(clause) and not clause.endswith("的")), excerpt
    assert lawrefbook.reviews == []


def test_repeals_hit_the_version_in_force(lawrefbook: Scores) -> None:
    """The four repeals between files of the collection, each from the day its provision took
    effect (never before the repealing act itself)."""
    found = sorted((title, str(date)) for title, date, _, _ in lawrefbook.repeals)
    assert found == [
        ("河南省人民代表大会常务委员会关于办理省人大代表建议、批评和意见的办法", "2017-08-01"),
        ("洛阳市城市公园和广场管理条例", "2021-10-01"),
        ("浙江省信息化促进条例", "2021-03-01"),
        ("浙江省水资源管理条例", "2021-01-01"),
    ]
