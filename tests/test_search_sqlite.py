"""The SQLite FTS5 engine: what it stores, how readers follow writers, how broad queries rank."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

import gazette
from gazette.errors import ArchiveError
from gazette.search import IndexRecord, SearchFilters, open_index, sqlite_rank
from gazette.search.analysis import grams
from gazette.search.sqlite_engine import SqliteIndex
from gazette.verify import verify


def _record(n: int, title: str, body: str, **fields: object) -> IndexRecord:
    defaults: dict[str, object] = {
        "public": True,
        "written": dt.date(2000 + n % 20, 1 + n % 12, 1),
        "issuers": ("青川市人民政府",),
    }
    defaults.update(fields)
    return IndexRecord(id=f"d{n}", rev=1, title=title, body=body, **defaults)  # type: ignore[arg-type]


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SqliteIndex]:
    ix = open_index(tmp_path / "ix", "sqlite")
    assert isinstance(ix, SqliteIndex)
    try:
        yield ix
    finally:
        ix.close()


def _vocabulary(ix: SqliteIndex) -> dict[str, int]:
    conn = sqlite3.connect(ix.db_path)
    conn.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, fts, 'row')")
    found = dict(conn.execute("SELECT term, doc FROM temp.v").fetchall())
    conn.close()
    return found


def test_fts5_keeps_the_tokens_the_analysis_made(index: SqliteIndex) -> None:
    title = "关于印发《ＧＢ／Ｔ 9704—2012》v1.2的通知"
    body = "推进政务公开，依法纳税。x_y ①"
    index.apply([_record(1, title, body)])
    assert set(_vocabulary(index)) == set(grams(title)) | set(grams(body))


def test_removing_a_document_removes_its_postings(index: SqliteIndex) -> None:
    index.apply([_record(1, "关于供水的通知", "城市供水管网改造", restricted="内部考核安排")])
    index.apply([_record(1, "关于河道的通知", "河道治理")])
    assert set(_vocabulary(index)) == set(grams("关于河道的通知")) | set(grams("河道治理"))
    index.apply([], deleted=["d1"])
    assert _vocabulary(index) == {}


def test_the_database_is_in_wal_mode(index: SqliteIndex) -> None:
    assert index.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_reader_follows_a_writer_without_reloading(tmp_path: Path, index: SqliteIndex) -> None:
    index.apply([_record(n, f"关于第{n}项工作的通知", "政务公开工作") for n in range(5)])
    reader = open_index(tmp_path / "ix", "sqlite")
    try:
        assert reader.search("政务公开", public_only=True).total == 5
        generation = reader._current()  # type: ignore[attr-defined]
        index.apply([_record(9, "关于新增工作的通知", "政务公开新增")], deleted=["d0", "d1"])
        results = reader.search("政务公开", public_only=True)
        assert results.total == 4
        assert "d9" in {h.id for h in results.hits}
        assert reader._current() is generation  # type: ignore[attr-defined]
        index.clear()
        assert reader.search("政务公开", public_only=True).total == 0
    finally:
        reader.close()


def test_a_failed_rebuild_leaves_the_old_index(index: SqliteIndex) -> None:
    index.apply([_record(n, "关于供水的通知", "城市供水") for n in range(3)])

    def records() -> Iterator[IndexRecord]:
        yield _record(10, "关于河道的通知", "河道治理")
        raise RuntimeError("the catalog went away")

    with pytest.raises(RuntimeError):
        index.rebuild(records())
    assert index.search("供水", public_only=True).total == 3
    assert index.search("河道", public_only=True).total == 0


@pytest.fixture
def broad(index: SqliteIndex, monkeypatch: pytest.MonkeyPatch) -> SqliteIndex:
    """An index where every query is "broad": matches are ranked in tiers."""
    monkeypatch.setattr(sqlite_rank, "RANK_ALL", 3)
    monkeypatch.setattr(sqlite_rank, "RANK_WINDOW", 4)
    records = [
        _record(n, f"关于第{n}项事项的通知", f"政务公开工作第{n}项。" * (1 + n % 3))
        for n in range(30)
    ]
    records[5] = _record(5, "关于政务公开工作的通知", "本通知涉及若干事项。")
    records[17] = _record(17, "关于做好政务公开的意见", "其他事项。", doc_type="意见")
    index.apply(records)
    return index


def test_broad_queries_rank_title_matches_first(broad: SqliteIndex) -> None:
    results = broad.search("政务公开", public_only=True, limit=5, facets=False)
    assert results.total == 30
    assert {h.id for h in results.hits[:2]} == {"d5", "d17"}


def test_broad_queries_page_through_every_match_once(broad: SqliteIndex) -> None:
    seen: list[str] = []
    for offset in range(0, 30, 7):
        page = broad.search("政务公开", public_only=True, limit=7, offset=offset, facets=False)
        seen.extend(h.id for h in page.hits)
    assert sorted(seen) == sorted(f"d{n}" for n in range(30))


def test_broad_queries_with_filters_rank_only_candidates(broad: SqliteIndex) -> None:
    results = broad.search(
        "政务公开", public_only=True, filters=SearchFilters(doc_type="意见"), facets=False
    )
    assert [h.id for h in results.hits] == ["d17"]


def test_verify_reports_an_index_analysed_with_other_unicode_tables(tmp_path: Path) -> None:
    with gazette.open_archive(tmp_path / "a", search_engine="sqlite") as archive:
        with archive.index._transaction() as conn:  # type: ignore[attr-defined]
            conn.execute("UPDATE meta SET value = 'grams/unicode-1.0' WHERE key = 'analysis'")
        problems = verify(archive).problems
        assert [(p.kind, p.repairable) for p in problems] == [("index_analysis", True)]
        archive.reindex()
        assert verify(archive).ok


@pytest.mark.parametrize("rank_all", [2000, 3], ids=["scored", "broad"])
def test_a_long_document_holding_the_words_as_written_is_found(
    index: SqliteIndex, monkeypatch: pytest.MonkeyPatch, rank_all: int
) -> None:
    # Regression: 服务流程 matched (by its bigrams) 80 short documents that hold 服务 and 流程
    # apart, and BM25 put the one long document holding 服务流程 itself below the 50 that the
    # exact re-ranking looks at. Whether every match is scored or ranked in tiers, it comes
    # first.
    monkeypatch.setattr(sqlite_rank, "RANK_ALL", rank_all)
    records = [
        _record(n, f"关于第{n}项工作的通知", f"提升服务质量，务流转顺畅，规范流程。第{n}项。")
        for n in range(1, 81)
    ]
    long_body = "医院应当加强管理。" * 600 + "（四）服务流程" + "门诊患者平均预约诊疗率。" * 300
    records.insert(0, _record(0, "关于加强公立医院绩效考核工作的意见", long_body))
    index.apply(records)
    results = index.search("服务流程", public_only=True, limit=10, facets=False)
    assert results.total == 81
    assert results.hits[0].id == "d0"
    assert "<em>服务流程</em>" in results.hits[0].snippet


def test_a_sqlite_without_fts5_gets_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An SQLite built without FTS5 answers "no such module: fts5"; the message must say what to
    # do instead of passing that on.
    from gazette.search import sqlite_write

    monkeypatch.setattr(
        sqlite_write, "SCHEMA", sqlite_write.SCHEMA.replace("USING fts5(", "USING nofts5(")
    )
    with pytest.raises(ArchiveError) as caught:
        open_index(tmp_path / "ix", "sqlite")
    assert "不支持 FTS5" in str(caught.value)
    assert "whoosh" in (caught.value.hint or "")


def test_fts5_support_is_reported_with_the_sqlite_version() -> None:
    import sqlite3

    from gazette.search.sqlite_engine import fts5_support

    # The suite builds FTS5 indexes throughout: this SQLite has it.
    assert fts5_support() == (True, sqlite3.sqlite_version)
