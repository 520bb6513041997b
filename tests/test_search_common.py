"""The common-token bitmaps of the SQLite engine: they answer as FTS5 would, and stay whole.

The bitmaps are chosen once an index holds ``common_grams.MIN_DOCS`` documents; the tests lower
that (and the share a token needs) so that a few hundred generated documents exercise them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from gazette.search import IndexRecord, SearchFilters, common_grams, open_index
from gazette.search.sqlite_engine import SqliteIndex

WORDS = [
    "行政",
    "机关",
    "应当",
    "依法",
    "公开",
    "政府",
    "信息",
    "规定",
    "办法",
    "通知",
    "实施",
    "管理",
    "工作",
    "部门",
    "本市",
    "单位",
    "有关",
    "供水",
    "河道",
    "治理",
    "城市",
    "改造",
    "安全",
    "生产",
    "监督",
    "检查",
    "执法",
    "人员",
    "行政处罚",
    "许可",
    "申请",
    "材料",
    "办理",
    "期限",
    "之日起",
    "个工作日",
    "决定",
    "答复",
    "收费",
    "标准",
    "财政",
    "资金",
    "预算",
    "审计",
    "环境",
    "保护",
    "污染",
]


def _record(n: int, rnd: random.Random, restricted: str = "") -> IndexRecord:
    # Common words in most documents, the rest drawn at random: a mix of common and rare tokens.
    body = "，".join(
        "".join(rnd.choice(WORDS) for _ in range(rnd.randint(2, 5))) for _ in range(12)
    )
    title = "关于" + "".join(rnd.sample(WORDS, 2)) + "的通知"
    return IndexRecord(
        id=f"d{n}",
        rev=1,
        title=title,
        body="本市行政机关应当依法公开。" + body if n % 3 else body,
        restricted=restricted,
        public=n % 7 != 0,
        written=dt.date(2000 + n % 20, 1 + n % 12, 1),
        issuers=("青川市人民政府" if n % 2 else "青川市水务局",),
    )


@pytest.fixture
def lowered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common_grams, "MIN_DOCS", 50)
    monkeypatch.setattr(common_grams, "SHARE", 0.2)


def _records(count: int, seed: int = 3) -> list[IndexRecord]:
    rnd = random.Random(seed)
    return [
        _record(n, rnd, restricted="内部考核安排涉密河道" if n % 11 == 0 else "")
        for n in range(count)
    ]


@pytest.fixture
def pair(
    tmp_path: Path, lowered: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[SqliteIndex, SqliteIndex]]:
    """The same documents in an index with bitmaps and in one without (chosen too late)."""
    records = _records(300)
    with_bits = open_index(tmp_path / "with", "sqlite")
    without = open_index(tmp_path / "without", "sqlite")
    assert isinstance(with_bits, SqliteIndex) and isinstance(without, SqliteIndex)
    with_bits.apply(records)
    monkeypatch.setattr(common_grams, "MIN_DOCS", 10**9)
    without.apply(records)
    try:
        yield with_bits, without
    finally:
        with_bits.close()
        without.close()


def _consistent(index: SqliteIndex) -> list[str]:
    """Tokens whose bitmap differs from what FTS5 finds among live documents."""
    return common_grams.disagreeing(index.conn, "{title body}", index._current().live)


def test_bitmaps_are_chosen_once_the_index_is_large_enough(tmp_path: Path, lowered: None) -> None:
    index = open_index(tmp_path / "ix", "sqlite")
    assert isinstance(index, SqliteIndex)
    records = _records(120)
    index.apply(records[:40])
    assert not common_grams.chosen(index.conn)
    index.apply(records[40:])
    chosen = common_grams.tokens(index.conn)
    assert common_grams.chosen(index.conn)
    assert {"行政", "机关", "应当"} <= chosen
    assert _consistent(index) == []
    index.close()


QUERIES = [
    "行政机关",
    "行政 机关 应当",
    "河道治理",
    "供水 OR 污染",
    "行政 -河道",
    '"依法公开"',
    "涉密",
    "河",
    "行政处罚 许可",
    "审计 预算 财政 资金",
    "本市 单位",
    "行政 涉密",
    "考核安排 本市",
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("public_only", [True, False], ids=["public", "internal"])
def test_matches_equal_fts5s(
    pair: tuple[SqliteIndex, SqliteIndex], query: str, public_only: bool
) -> None:
    with_bits, without = pair
    assert common_grams.chosen(with_bits.conn) and not common_grams.chosen(without.conn)
    for filters in (None, SearchFilters(issuer="青川市水务局")):
        got = with_bits.search(query, public_only=public_only, filters=filters, limit=500)
        want = without.search(query, public_only=public_only, filters=filters, limit=500)
        assert got.total == want.total
        assert got.facets == want.facets
        assert {h.id for h in got.hits} == {h.id for h in want.hits}


def test_restricted_text_matches_only_inside(pair: tuple[SqliteIndex, SqliteIndex]) -> None:
    with_bits, _ = pair
    for query in ("涉密", "行政 涉密 河道"):
        inside = with_bits.search(query, public_only=False, limit=100)
        outside = with_bits.search(query, public_only=True, limit=100)
        assert inside.total == len([n for n in range(300) if n % 11 == 0]), query
        assert outside.total == 0


def test_bitmaps_stay_whole_through_changes(tmp_path: Path, lowered: None) -> None:
    index = open_index(tmp_path / "ix", "sqlite")
    assert isinstance(index, SqliteIndex)
    records = _records(200)
    index.apply(records)
    rnd = random.Random(8)
    # Replace some, delete some, add more: every change in its own commit.
    index.apply([_record(n, rnd) for n in range(0, 200, 9)])
    index.apply([], deleted=[f"d{n}" for n in range(1, 200, 13)])
    index.apply([_record(n, rnd) for n in range(200, 260)])
    assert _consistent(index) == []
    # A failed write leaves the bitmaps as they were.
    before = common_grams.bits(index.conn, ["行政"])

    def broken() -> Iterator[IndexRecord]:
        yield _record(300, rnd)
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        index.apply(broken())
    assert common_grams.bits(index.conn, ["行政"]) == before
    index.optimize()
    assert common_grams.chosen(index.conn)
    assert _consistent(index) == []
    index.rebuild(records)
    assert _consistent(index) == []
    index.close()


def test_an_index_from_before_the_bitmaps_gets_them(tmp_path: Path, lowered: None) -> None:
    index = open_index(tmp_path / "ix", "sqlite")
    assert isinstance(index, SqliteIndex)
    index.apply(_records(30))
    index.conn.execute("DROP TABLE common")
    index.conn.execute("DELETE FROM meta WHERE key IN ('common_docs', 'common_tokens')")
    index.close()
    index = open_index(tmp_path / "ix", "sqlite")
    assert isinstance(index, SqliteIndex)
    assert index.search("行政", public_only=True).total > 0
    index.apply(_records(100, seed=4)[30:])
    assert common_grams.chosen(index.conn)
    assert _consistent(index) == []
    index.close()


@pytest.mark.parametrize("query", ["河道 治理 审计", "行政 机关 审计 预算", "专项资金"])
def test_ranking_with_bitmaps_puts_the_best_document_first(
    pair: tuple[SqliteIndex, SqliteIndex], query: str
) -> None:
    with_bits, without = pair
    target = IndexRecord(
        id="target",
        rev=1,
        title="关于河道治理专项资金审计的通知",
        body="行政机关应当对河道治理专项资金预算开展审计。" * 3,
        public=True,
        written=dt.date(2001, 1, 1),
        issuers=("青川市审计局",),
    )
    for index in (with_bits, without):
        index.apply([target])
    got = with_bits.search(query, public_only=True)
    assert got.hits[0].id == "target"
    assert got.total == without.search(query, public_only=True).total


def test_verify_names_bitmaps_that_disagree_with_the_postings(
    pair: tuple[SqliteIndex, SqliteIndex],
) -> None:
    with_bits, _ = pair
    assert with_bits.problems() == []
    with_bits.conn.execute("UPDATE common SET bits = zeroblob(length(bits)) WHERE token = '行政'")
    assert _consistent(with_bits) == ["行政"]
    with_bits.conn.execute("UPDATE common SET bits = zeroblob(length(bits))")
    (problem,) = with_bits.problems()
    assert "common tokens disagree with the postings" in problem
    with_bits.optimize()
    assert with_bits.problems() == []


def test_the_list_of_common_tokens_is_kept_beside_the_bitmaps(
    tmp_path: Path, lowered: None
) -> None:
    index = open_index(tmp_path / "ix", "sqlite")
    assert isinstance(index, SqliteIndex)
    index.apply(_records(120))
    chosen = common_grams.tokens(index.conn)
    assert chosen
    # An index whose list is missing (written before it was kept) still gets every bit.
    index.conn.execute("DELETE FROM meta WHERE key = 'common_tokens'")
    assert common_grams.tokens(index.conn) == chosen
    index.apply(_records(200, seed=5)[120:])
    assert index.conn.execute("SELECT 1 FROM meta WHERE key = 'common_tokens'").fetchone()
    assert _consistent(index) == []
    index.close()
