"""Texts and token counts kept between searches (gazette.search.text_cache): the same scores as
counting afresh, within the budget, and never a text of another state of the index."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from gazette.search import IndexRecord, common_grams, open_index, scoring
from gazette.search.sqlite_engine import SqliteIndex
from gazette.search.text_cache import TextCache

WORDS = ["行政", "机关", "应当", "依法", "公开", "供水", "河道", "治理", "ＧＢ", "gb", "审计"]


def _texts(count: int, seed: int = 5) -> dict[int, tuple[str, str, str]]:
    rnd = random.Random(seed)
    return {
        n: (
            "关于" + "".join(rnd.sample(WORDS, 2)) + "的通知",
            "，".join("".join(rnd.choices(WORDS, k=3)) for _ in range(8)),
            "内部考核河道" if n % 4 == 0 else "",
        )
        for n in range(count)
    }


@pytest.mark.parametrize("public_only", [True, False], ids=["public", "internal"])
@pytest.mark.parametrize("tokens", [["行政", "河道"], ["gb", "审计"], ["河道"]])
def test_counts_equal_counting_afresh(public_only: bool, tokens: list[str]) -> None:
    texts = _texts(40)
    reads: list[list[int]] = []

    def read(nums: list[int]) -> dict[int, tuple[str, str, str]]:
        reads.append(nums)
        return {n: texts[n] for n in nums if n in texts}

    cache = TextCache()
    nums = [*range(0, 30), 99]  # 99 has no stored text
    first = cache.counted(nums, tokens, public_only, read)
    again = cache.counted(reversed(nums), tokens, public_only, read)
    composed = {}
    for n in range(30):
        title, body, restricted = texts[n]
        if restricted and not public_only:
            body = f"{body}\n{restricted}" if body else restricted
        composed[n] = (title, body)
    weights = dict.fromkeys(tokens, 1.5)
    expected = scoring.bm25(list(range(30)), composed, weights, 3.0)
    assert scoring.bm25_counted(first, weights, 3.0) == expected
    assert scoring.bm25_counted(again, weights, 3.0) == expected
    assert 99 not in first
    # The second pass read nothing but the number without a text.
    assert reads[1:] == [[99]]


def test_the_budget_keeps_the_most_recently_used() -> None:
    texts = {n: ("标题", "正文" * 50, "") for n in range(10)}
    cache = TextCache(budget=250)  # two documents of 102 characters

    def read(nums: list[int]) -> dict[int, tuple[str, str, str]]:
        return {n: texts[n] for n in nums}

    cache.texts([0, 1], read)
    cache.texts([0], read)  # 0 is now the most recent
    cache.texts([2], read)
    assert 0 in cache and 2 in cache
    assert 1 not in cache
    assert len(cache) == 2


def _record(n: int, body: str) -> IndexRecord:
    return IndexRecord(
        id=f"d{n}",
        rev=1,
        title=f"关于第{n}项工作的通知",
        body=body,
        public=True,
        written=dt.date(2000 + n % 20, 1, 1),
    )


@pytest.fixture
def index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SqliteIndex]:
    # Common tokens chosen at a few documents, so that queries are scored from stored text.
    monkeypatch.setattr(common_grams, "MIN_DOCS", 20)
    monkeypatch.setattr(common_grams, "SHARE", 0.2)
    ix = open_index(tmp_path / "ix", "sqlite")
    assert isinstance(ix, SqliteIndex)
    try:
        yield ix
    finally:
        ix.close()


def test_a_changed_document_is_searched_in_its_new_text(index: SqliteIndex) -> None:
    index.apply([_record(n, "行政机关依法公开供水信息。" * (1 + n % 3)) for n in range(40)])
    first = index.search("行政 供水", public_only=True, limit=40)
    assert first.total == 40
    assert index._text_cache is not None  # the ranking read texts through the cache
    index.apply([_record(7, "行政机关依法公开河道治理信息。")])
    after = index.search("行政 河道", public_only=True, limit=40)
    assert [h.id for h in after.hits] == ["d7"]
    assert "<em>河道</em>" in (after.hits[0].snippet or "")
    assert index.search("行政 供水", public_only=True, limit=40).total == 39


def test_a_rebuilt_index_never_shows_texts_of_the_old_one(index: SqliteIndex) -> None:
    index.apply([_record(n, "行政机关依法公开供水信息。") for n in range(40)])
    assert index.search("行政 供水", public_only=True).total == 40
    # The rebuild numbers documents from 1 again: the same numbers, other texts.
    index.rebuild([_record(n + 100, "行政机关依法治理河道。") for n in range(40)])
    results = index.search("行政 河道", public_only=True, limit=5)
    assert results.total == 40
    assert all(
        "河道" in (h.snippet or "") and "供水" not in (h.snippet or "") for h in results.hits
    )
    assert index.search("行政 供水", public_only=True).total == 0


def test_dropping_caches_forgets_the_texts(index: SqliteIndex) -> None:
    index.apply([_record(n, "行政机关依法公开供水信息。") for n in range(40)])
    index.search("行政 供水", public_only=True)
    index.drop_caches()
    assert index._text_cache is None
