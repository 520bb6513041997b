"""The PostgreSQL engine against the SQLite engine on real texts, and what is its own: long
documents, the title tier and one-phrase counts, several processes, the common tokens (DSNs,
errors and the schema are in ``test_search_pg_setup.py``).

The comparison indexes the same records in both engines (the State Council pages, the laws,
the seed, the GovDoc text, and a sample of the LawRefBook local regulations; some withheld,
some with restricted text) and asks both the same queries: known-item queries drawn as
``benchmarks/eval_search.py`` draws them, and queries of every kind of the query language
with every filter. Totals, the documents found (in date order, which both engines break the
same way), facets and snippets must be identical; relevance order must agree on the first hit
for nearly every known-item query, and recall@10 / MRR must be as good.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from gazette.search import (
    IndexRecord,
    SearchFilters,
    SearchIndex,
    common_grams,
    open_index,
    pg_common,
)
from gazette.search.pg_write import MAX_POSITION, tsvector
from tests.conftest import corpus_path

pytestmark = pytest.mark.usefixtures("pg_server")


def _lawrefbook(every: int = 12) -> list[IndexRecord]:
    """Every ``every``-th local regulation of the LawRefBook sample."""
    root = corpus_path("lawrefbook")
    out = []
    for n, path in enumerate(sorted(root.rglob("*.md"))):
        if n % every or path.name == "README.md":
            continue
        text = path.read_text(encoding="utf-8")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        title = next((line[2:].strip() for line in lines if line.startswith("# ")), path.stem)
        found = re.search(r"\((\d{4})-(\d{2})-(\d{2})\)", path.stem)
        date = dt.date(*map(int, found.groups())) if found else None
        body = "\n".join(
            line for line in lines if not line.startswith("#") and not line.startswith("<!--")
        )
        out.append(
            IndexRecord(
                id=f"lrb-{n}",
                rev=1,
                title=title,
                body=body,
                issuers=(path.parent.name + "人大常委会",),
                doc_type="条例" if title.endswith("条例") else None,
                written=date,
                disclosure="proactive",
                public=True,
            )
        )
    return out


def _collection() -> list[IndexRecord]:
    corpus_path("govcn")
    from benchmarks import eval_search

    records = eval_search.collection(distractors=150) + _lawrefbook()
    out = []
    for n, record in enumerate(records):
        if n % 9 == 4:  # withheld: found and counted internally only
            record = attrs.evolve(record, public=False, disclosure="withheld")
        elif n % 11 == 5 and len(record.body) > 400:
            # A partial disclosure: the end of the body is searchable internally only.
            cut = len(record.body) * 2 // 3
            record = attrs.evolve(
                record, body=record.body[:cut], restricted=record.body[cut:], disclosure="partial"
            )
        out.append(record)
    return out


@pytest.fixture(scope="module")
def pair(pg_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """(records, sqlite index, postgresql index) over the same records, with the common
    tokens chosen in both (their threshold lowered for a collection of a few hundred)."""
    records = _collection()
    with pg_server.database() as dsn, pytest.MonkeyPatch.context() as patch:
        patch.setattr(common_grams, "MIN_DOCS", 100)
        patch.setattr(common_grams, "SHARE", 0.2)
        sqlite = open_index(tmp_path_factory.mktemp("cmp") / "ix", "sqlite")
        pg = open_index(dsn, "postgresql")
        try:
            for index in (sqlite, pg):
                index.apply(records)
            yield records, sqlite, pg
        finally:
            sqlite.close()
            pg.close()


def _statuses(records: list[IndexRecord]) -> Any:
    """A status source: a fixed status per document (some in force, some repealed)."""
    fixed = {
        r.id: ("in_force", "repealed", "unknown", "expired")[n % 4] for n, r in enumerate(records)
    }
    return lambda on: fixed


QUERIES = [
    "国务院",
    "政务公开",
    "人民政府 工作",
    "管理 OR 监督",
    "城市 -农村",
    '"社会保障"',
    '"依法行政"',
    "税",
    "公司 股东 -董事会",
    "国办发〔2021〕5号",
    "国发（2020）10号",
    "GB/T 9704",
    "２０２１年",
    "条例 第一条",
    '"自公布之日起施行"',
    "不存在的词语组合",
    "物业 OR 业主 OR 住宅",
    "公司法",
]
FILTERS = [
    SearchFilters(),
    SearchFilters(year=2021),
    SearchFilters(doc_type="通知"),
    SearchFilters(date_from=dt.date(2019, 1, 1), date_to=dt.date(2022, 12, 31)),
    SearchFilters(date_from=dt.date(2015, 1, 1), date_field="published"),
    SearchFilters(status=("in_force",)),
    SearchFilters(valid_on=dt.date(2024, 1, 1)),
]


@pytest.mark.slow
@pytest.mark.parametrize("public_only", [True, False], ids=["public", "internal"])
def test_same_documents_totals_facets_and_snippets(pair: Any, public_only: bool) -> None:
    records, sqlite, pg = pair
    source = _statuses(records)
    issuers = sorted({i for r in records for i in r.issuers})[:3]
    filters = [*FILTERS, *(SearchFilters(issuer=i) for i in issuers)]
    compared = 0
    for query in QUERIES:
        for chosen in filters:
            asked: dict[str, Any] = {
                "public_only": public_only,
                "filters": chosen,
                "limit": 500,
                "sort": "date",
                "status_source": source,
                "today": dt.date(2025, 4, 19),
            }
            mine, theirs = (index.search(query, **asked) for index in (sqlite, pg))
            where = (query, chosen)
            assert theirs.total == mine.total, where
            assert [h.id for h in theirs.hits] == [h.id for h in mine.hits], where
            assert theirs.facets == mine.facets, where
            assert [h.snippet for h in theirs.hits] == [h.snippet for h in mine.hits], where
            compared += mine.total
    assert compared > 1000  # the queries find plenty


@pytest.mark.slow
def test_relevance_agrees_on_known_items(pair: Any) -> None:
    from benchmarks import eval_search

    records, sqlite, pg = pair
    items = eval_search.queries(records)
    assert len(items) >= 60
    same_first = 0
    for item in items:
        asked: dict[str, Any] = {"public_only": False, "limit": 10, "facets": False}
        mine, theirs = (index.search(item.text, **asked) for index in (sqlite, pg))
        assert theirs.total == mine.total, item
        same_first += bool(mine.hits and theirs.hits and mine.hits[0].id == theirs.hits[0].id)
    assert same_first >= 0.9 * len(items)
    measured = {
        name: eval_search.evaluate(index, records, items)["all"]
        for name, index in (("sqlite", sqlite), ("postgresql", pg))
    }
    for metric in ("recall@10", "mrr"):
        assert measured["postgresql"][metric] >= measured["sqlite"][metric] - 0.02, measured


@pytest.mark.slow
@pytest.mark.parametrize("windows", ["default", "small"])
@pytest.mark.parametrize("public_only", [True, False], ids=["public", "internal"])
def test_relevance_order_is_the_same(
    pair: Any, public_only: bool, windows: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both engines rank the same documents in the same order, on every path the SQLite
    engine takes (small windows reach the tiers, and FTS5's ranking of a window, with a
    collection of a few hundred documents)."""
    from benchmarks import eval_search
    from gazette.search import pg_rank, sqlite_rank

    if windows == "small":
        for module in (sqlite_rank, pg_rank):
            monkeypatch.setattr(module, "RANK_WINDOW", 12)
            monkeypatch.setattr(module, "TITLE_TIER", 25)
            monkeypatch.setattr(module, "RANK_ALL", 30)
    records, sqlite, pg = pair
    for index in (sqlite, pg):
        index.drop_caches()
    source = _statuses(records)
    texts = [*QUERIES, *(item.text for item in eval_search.queries(records)[:40])]
    issuers = sorted({i for r in records for i in r.issuers})[:2]
    compared = 0
    for query in texts:
        for chosen in [*FILTERS[:4], *(SearchFilters(issuer=i) for i in issuers)]:
            asked: dict[str, Any] = {
                "public_only": public_only,
                "filters": chosen,
                "limit": 10,
                "facets": False,
                "status_source": source,
                "today": dt.date(2025, 4, 19),
            }
            mine, theirs = (index.search(query, **asked) for index in (sqlite, pg))
            assert theirs.total == mine.total, (query, chosen)
            assert [h.id for h in theirs.hits] == [h.id for h in mine.hits], (query, chosen)
            compared += len(mine.hits) > 1
    assert compared > 50


@pytest.mark.slow
@pytest.mark.parametrize("public_only", [True, False], ids=["public", "internal"])
def test_words_as_written_found_by_the_database_as_in_python(
    pair: Any, public_only: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The newest documents holding words of ideographs as written, looked for by the
    database where the texts are stored, are those found by reading the texts (the way taken
    when they are already kept, or a word has letters or digits)."""
    from gazette.search import docsets, pg_rank
    from gazette.search.base import TextSpec

    monkeypatch.setattr(pg_rank, "RANK_WINDOW", 12)
    asked = []
    where_stored = pg_rank._written_where_stored
    monkeypatch.setattr(
        pg_rank, "_written_where_stored", lambda *a: asked.append(a) or where_stored(*a)
    )
    _, _, pg = pair
    texts = [
        "国务院",
        "人民政府",
        "社会保障",
        "自公布之日起施行",
        "第二十条",
        "政府 公开",
        "依法行政",
    ]
    fewer = 0
    with pg._reading():
        gen = pg._current()
        for text in texts:
            groups = [[TextSpec(word, False)] for word in text.split()]
            pg._texts_kept.drop()
            stored = pg_rank._written(pg, gen, groups, public_only, None, 12)
            assert len(asked) == 1, text
            # Taken up again after one found, as a later search that needs more does.
            later = pg_rank._written(pg, gen, groups, public_only, stored[3], 12)
            assert len(asked) == 2, text
            matched = docsets.largest(pg._match(gen, groups, public_only), 10_000)
            pg._texts_kept.texts(pg, gen, matched)
            read = pg_rank._written(pg, gen, groups, public_only, None, 12)
            assert len(asked) == 2, text
            assert stored == read, text
            assert later == pg_rank._written(pg, gen, groups, public_only, stored[3], 12), text
            assert stored[4:] == later[: len(stored) - 4], text
            fewer += len(stored) < min(12, len(matched))
            # Among numbers that leave one holder out, the database finds the others (the
            # range of the newest is not trusted when it would hold a number not asked for).
            if len(stored) > 2:
                wanted = [[word] for word in text.split()]
                newest = [n for n in matched[:2000] if n != stored[1]]
                assert (
                    where_stored(pg, newest, wanted, public_only, 5)
                    == [n for n in stored if n != stored[1]][:5]
                ), text
            asked.clear()
    assert fewer  # some documents hold the characters, not the words as written


@pytest.mark.slow
def test_words_as_written_searched_only_as_far_as_ranking_needs(
    pair: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search for words as written stops once it has the first ``depth`` candidates
    among the newest RANK_WINDOW holders, and takes up where it stopped when a later search
    (other candidates, a deeper page) needs more: what ranking uses is what the whole
    search would give."""
    from gazette.search import docsets, pg_rank
    from gazette.search.base import TextSpec

    monkeypatch.setattr(pg_rank, "RANK_WINDOW", 40)
    asked: list[int] = []
    written = pg_rank._written
    monkeypatch.setattr(pg_rank, "_written", lambda *a: asked.append(a[-1]) or written(*a))
    _, _, pg = pair
    checked = 0
    with pg._reading():
        gen = pg._current()
        for text in ("人民政府", "自公布之日起施行", "社会保障", "第二十条"):
            groups = [[TextSpec(text, False)]]
            phrases = pg._query([[TextSpec(text, True)]])
            whole = pg_rank._written(pg, gen, groups, True, None, 40)
            matched = pg._match(gen, groups, True)
            members = docsets.members(matched)
            gen.cache.pop(("written", True, phrases), None)
            # every other match a candidate, then every third, then all, then every other
            # again at a deeper page: the kept search is taken further each time
            sizes = []
            for step, depth in ((2, 5), (3, 5), (1, 5), (2, 15)):
                chosen = set(members[::step])
                kept = pg_rank._written_kept(
                    pg,
                    gen,
                    groups,
                    True,
                    phrases,
                    None if step == 1 else chosen.__contains__,
                    depth,
                    len(chosen) / max(1, len(members)),
                )
                expected = [n for n in whole if n in chosen][:depth]
                assert [n for n in kept if n in chosen][:depth] == expected, (text, step)
                checked += len(expected)
                sizes.append(len(kept))
            # the first search stopped short of the window, the later ones went further
            assert sizes[0] < len(whole) or len(whole) < 40, text
            assert sizes == sorted(sizes), text
            # few candidates (one match in fifty): the first look asks for the whole window
            gen.cache.pop(("written", True, phrases), None)
            few = set(members[::50])
            kept = pg_rank._written_kept(
                pg, gen, groups, True, phrases, few.__contains__, 5, len(few) / len(members)
            )
            assert [n for n in kept if n in few][:5] == [n for n in whole if n in few][:5]
    assert checked > 40
    # never more asked of the database than the window holds, however few the candidates
    assert asked and max(asked) <= 40


# --- long documents ----------------------------------------------------------------------


def test_positions_past_postgresqls_limits_mark_a_document_long() -> None:
    short, long_short = tsvector(["政务", "务公", "公开", "开"])
    assert not long_short and short == "'政务':1A '务公':2A '公开':3A '开':4A"
    many, long_many = tsvector([], [["规定"] * 300])
    assert long_many and many.count(",") == 255
    far, long_far = tsvector([], [[f"t{n}" for n in range(MAX_POSITION + 5)]])
    assert long_far and far.endswith(f"'t{MAX_POSITION + 4}':{MAX_POSITION}")


@pytest.mark.parametrize("where", ["start", "end"])
def test_a_phrase_is_found_anywhere_in_a_long_document(
    pg_dsn: str, tmp_path: Path, where: str
) -> None:
    """Past position 16,383 PostgreSQL keeps no positions: the phrase is checked in the text."""
    filler = "本条例所称物业服务是指业主选聘物业服务人进行维修养护管理的活动。" * 800
    phrase = "城市供水管网改造"
    body = phrase + filler if where == "start" else filler + phrase
    records = [
        IndexRecord(id="long", rev=1, title="关于长文的通知", body=body, public=True),
        IndexRecord(
            id="apart",
            rev=1,
            title="关于分开的通知",
            body=filler + "城市供水。管网改造",
            public=True,
        ),
    ]
    for engine, location in (("sqlite", tmp_path / "ix"), ("postgresql", pg_dsn)):
        index = open_index(location, engine)
        try:
            index.apply(records)
            found = index.search(f'"{phrase}"', public_only=True)
            assert [h.id for h in found.hits] == ["long"], engine
            assert index.search("服务 -物业", public_only=True).total == 0, engine
        finally:
            index.close()


@pytest.mark.slow
@pytest.mark.parametrize("public_only", [True, False], ids=["public", "internal"])
def test_the_title_tier_from_postings_is_the_title_tier_through_gin(
    pair: Any, public_only: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The newest title matches and their scores, read from the title postings, are those
    found through GIN and counted in the titles."""
    from gazette.search import pg_rank
    from gazette.search.base import TextSpec

    _, _, pg = pair
    texts = ["条例", "管理", "公司", "通知", "人民", "办法", "规定", "决定"]
    compared = 0
    with pg._reading():
        gen = pg._current()
        for text in texts:
            groups = [[TextSpec(word, False)] for word in text.split()]
            query = pg._query(groups)
            gen.cache.clear()
            postings = pg_rank._title_tier(pg, gen, groups, query)
            gen.cache.clear()
            with monkeypatch.context() as patch:
                patch.setattr(pg_rank, "_all_held", lambda *a: None)
                through_gin = pg_rank._title_tier(pg, gen, groups, query)
            assert [n for n, _ in postings] == [n for n, _ in through_gin], text
            assert [s for _, s in postings] == pytest.approx([s for _, s in through_gin]), text
            compared += len(postings)
    assert compared > 100


@pytest.mark.slow
@pytest.mark.parametrize("public_only", [True, False], ids=["public", "internal"])
def test_a_one_phrase_querys_documents_are_counted_from_its_match(
    pair: Any, public_only: bool
) -> None:
    """FTS5's weight of a query of one phrase takes the number of documents holding it from
    the query's match set, which is GIN's count of them."""
    from gazette.search import docsets, pg_rank
    from gazette.search.base import TextSpec

    _, _, pg = pair
    columns = "pub" if public_only else "both"
    with pg._reading():
        gen = pg._current()
        for word in ["条例", "股东", "税", "公开", "办法"]:
            groups = [[TextSpec(word, False)]]
            query = pg._query(groups)
            gen.cache.clear()
            counted = pg_rank._held(pg, gen, columns, [query])
            gen.cache.clear()
            matched = pg._match(gen, groups, public_only)
            pg_rank._fts5(pg, gen, groups, docsets.largest(matched, 5), public_only)
            assert gen.cache.get(("held", columns, query)) == counted[0], word


def test_two_processes_share_one_index(pg_dsn: str) -> None:
    """A writer and a reader of their own (as two machines would be): the reader follows
    additions, replacements and deletions."""
    writer: SearchIndex = open_index(pg_dsn, "postgresql")
    reader: SearchIndex = open_index(pg_dsn, "postgresql")
    try:
        writer.apply([_record("a", "城市供水管网改造"), _record("b", "农村供水工程建设")])
        assert reader.search("供水", public_only=True).total == 2
        writer.apply([_record("a", "河道治理工程", rev=2)], deleted=["b"])
        assert reader.search("供水", public_only=True).total == 0
        assert [h.id for h in reader.search("河道", public_only=True).hits] == ["a"]
        writer.rebuild([_record("c", "供水")])
        assert reader.revisions() == {"c": 1}
        assert [h.id for h in reader.search("供水", public_only=True).hits] == ["c"]
    finally:
        writer.close()
        reader.close()


def _record(doc_id: str, body: str, rev: int = 1) -> IndexRecord:
    return IndexRecord(id=doc_id, rev=rev, title=f"关于{doc_id}的通知", body=body, public=True)


# --- common tokens -----------------------------------------------------------------------


@pytest.mark.parametrize("procs", [1, 2])
def test_common_token_bitmaps_answer_as_gin_and_as_sqlite(
    pg_dsn: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, procs: int
) -> None:
    """Bitmaps chosen during a load (documents analysed before and after the choice), then
    kept whole through replacements and deletions; the answers are the SQLite engine's."""
    from tests.test_search_common import _records

    monkeypatch.setattr(common_grams, "MIN_DOCS", 50)
    monkeypatch.setattr(common_grams, "SHARE", 0.2)
    records = _records(300)
    pg = open_index(pg_dsn, "postgresql")
    sqlite = open_index(tmp_path / "ix", "sqlite")
    try:
        for index in (pg, sqlite):
            index.apply(records[:40])
            index.apply(records[40:], procs=procs)
            index.apply(
                [attrs.evolve(r, body=r.body + "河道治理", rev=2) for r in records[::5]],
                deleted=[r.id for r in records[1::7]],
            )
        with pg._reading():  # type: ignore[attr-defined]
            chosen = pg_common.listed(pg._conn(), pg.schema)  # type: ignore[attr-defined]
        assert len(chosen) > 10
        assert pg.problems() == []
        for query in [
            "行政 机关",
            "政府 信息 公开",
            "河道治理",
            "依法 -供水",
            '"行政处罚"',
            "管理 OR 审计",
        ]:
            for public_only in (True, False):
                mine = sqlite.search(query, public_only=public_only, limit=400, sort="date")
                theirs = pg.search(query, public_only=public_only, limit=400, sort="date")
                assert theirs.total == mine.total, (query, public_only)
                assert [h.id for h in theirs.hits] == [h.id for h in mine.hits], query
                assert theirs.facets == mine.facets, query
    finally:
        pg.close()
        sqlite.close()


def test_optimize_chooses_the_common_tokens_again(
    pg_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_search_common import _records

    monkeypatch.setattr(common_grams, "MIN_DOCS", 10**9)
    index = open_index(pg_dsn, "postgresql")
    try:
        index.apply(_records(120))
        before = index.search("行政 机关", public_only=False)
        monkeypatch.setattr(common_grams, "MIN_DOCS", 50)
        monkeypatch.setattr(common_grams, "SHARE", 0.2)
        index.optimize()
        with index._reading():  # type: ignore[attr-defined]
            assert pg_common.chosen(index._conn(), index.schema)  # type: ignore[attr-defined]
        after = index.search("行政 机关", public_only=False)
        assert after.total == before.total and after.facets == before.facets
        assert index.problems() == []
    finally:
        index.close()


def test_texts_read_ahead_on_a_connection_of_their_own(pg_dsn: str) -> None:
    """The newest candidates' texts, read ahead while a filtered search goes on, are kept as
    if the search had read them; a number without a text is not kept; without a free
    connection nothing is read ahead; closing the index waits for what is being read."""
    from gazette.search import docsets, pg_texts

    index: Any = open_index(pg_dsn, "postgresql")
    try:
        index.apply([_record(f"d{n}", f"第{n}号关于供水的通知正文。") for n in range(40)])
        with index._reading():
            gen = index._current()
            nums = docsets.largest(gen.live, 40)
            ahead = index._texts_kept.read_ahead(index, gen, [*nums, 10_000])
            assert ahead is not None
            ahead.result()
            assert index._texts_kept.holds(gen, nums)
            assert not index._texts_kept.holds(gen, [10_000])
            kept = index._texts_kept.texts(index, gen, nums[:3])
            assert kept == index._read_texts(nums[:3])
            index._texts_kept.drop()
            assert index._texts_kept.read_ahead(index, gen, nums[:5]) is None  # too few
            index._spare_connection = lambda: None
            assert index._texts_kept.read_ahead(index, gen, nums) is None
        assert pg_texts.AHEAD_MIN <= 40
    finally:
        index.close()
