"""What the PostgreSQL engine's writers keep for ranking: the title counts and postings, the
title tier read from them (against the tier through GIN), each document's mark of a text
needing no NFKC; and the plans a search's statements get. The tier's agreement with the
SQLite engine on real texts is in ``test_search_pg.py``."""

from __future__ import annotations

from typing import Any

import pytest

from gazette.search import IndexRecord, SearchIndex, open_index

pytestmark = pytest.mark.usefixtures("pg_server")


def test_searches_plan_each_statement_for_its_values(pg_dsn: str) -> None:
    """The driver prepares statements run often; a prepared statement's generic plan cannot
    know how many documents its tsquery matches (for a rare title word it walked every row,
    70 times the time of a plan made for the word on 100,000 documents). A search plans each
    statement for its values, without parallel workers (their start costs more than these
    statements take), and reads the title tier's titles from their own index."""
    index = open_index(pg_dsn, "postgresql")
    try:
        index.apply(
            [
                IndexRecord(id=f"d{n}", rev=1, title=f"关于第{n}号政务公开的通知", body="正文")
                for n in range(60)
            ]
        )
        with index._reading():  # type: ignore[attr-defined]
            conn = index._conn()  # type: ignore[attr-defined]
            assert conn.execute("SHOW plan_cache_mode").fetchone()[0] == "force_custom_plan"
            assert conn.execute("SHOW max_parallel_workers_per_gather").fetchone()[0] == "0"
        import psycopg

        with psycopg.connect(pg_dsn, autocommit=True) as admin:
            admin.execute("VACUUM ANALYZE gazette_search.texts")
            admin.execute("SET enable_seqscan = off")
            plan = "\n".join(
                row[0]
                for row in admin.execute(
                    "EXPLAIN SELECT (SELECT t.title FROM gazette_search.texts t"
                    " WHERE t.num = m.num) FROM (SELECT 5 AS num) m"
                )
            )
        assert "Index Only Scan using texts_titles" in plan, plan
        assert index.search("政务公开", public_only=False).total == 60
    finally:
        index.close()


# How to take an index back from each later schema step, newest first (a test of a step's
# migration takes the index back to before it; a new step needs its way back here).
_UNDO = [
    (
        "CREATE TABLE {s}.title_fts",
        "ALTER TABLE gazette_search.fts ADD COLUMN titles tsvector;"
        " UPDATE gazette_search.fts f SET titles = t.titles FROM gazette_search.title_fts t"
        " WHERE t.num = f.num;"
        " DROP TABLE gazette_search.title_fts",
    ),
    ("ADD COLUMN plain", "ALTER TABLE gazette_search.docs DROP COLUMN plain"),
    ("CREATE TABLE {s}.title_postings", "DROP TABLE gazette_search.title_postings"),
]


def _back_to_before(conn: Any, text: str) -> None:
    """The index taken back to the version before the schema step holding ``text``."""
    from gazette.search.pg_schema import MIGRATIONS

    steps = {
        marker: n
        for n, step in enumerate(MIGRATIONS, start=1)
        for marker, _ in _UNDO
        if marker in step
    }
    assert len(steps) == len(_UNDO) and max(steps.values()) == len(MIGRATIONS)
    for marker, undo in _UNDO:
        for statement in undo.split(";"):
            conn.execute(statement)
        conn.execute("DELETE FROM gazette_search.versions WHERE version = %s", (steps[marker],))
        if marker == text:
            return
    raise AssertionError(text)


def _added_replaced_deleted(index: SearchIndex, titles: list[str]) -> None:
    """Three times ``titles`` written (``d0``…``d8``), then ``d1`` replaced and ``d4``,
    ``d8`` deleted."""
    index.apply(
        [
            IndexRecord(id=f"d{n}", rev=1, title=title, body="正文", public=True)
            for n, title in enumerate(titles * 3)
        ]
    )
    index.apply(
        [IndexRecord(id="d1", rev=2, title="税务管理办法", body="正文", public=True)],
        deleted=["d4", "d8"],
    )


def test_title_counts_follow_writes_and_equal_gin(pg_dsn: str) -> None:
    """The writers' count of titles holding each token is GIN's count, after additions,
    replacements and deletions."""
    import psycopg

    index = open_index(pg_dsn, "postgresql")
    try:
        _added_replaced_deleted(index, ["关于政务公开的通知", "政务公开条例", "税收征管法"])
        with psycopg.connect(pg_dsn, autocommit=True) as conn:
            kept = dict(conn.execute("SELECT token, docs FROM gazette_search.title_counts"))
            assert kept["政务"] == 4 and kept["税务"] == 1
            for token, docs in kept.items():
                held = conn.execute(
                    "SELECT count(*) FROM gazette_search.title_fts WHERE titles @@ %s::tsquery",
                    ("'" + token + "'",),
                ).fetchone()[0]
                assert docs == held, token
    finally:
        index.close()


def _postings(conn: Any) -> set[tuple[str, int, int]]:
    """The title postings, and what the titles' tsvectors hold (token, number, occurrences)."""
    kept = set(conn.execute("SELECT token, num, freq FROM gazette_search.title_postings"))
    held = set(
        conn.execute(
            "SELECT t.lexeme, f.num, cardinality(t.positions)"
            " FROM gazette_search.title_fts f, unnest(f.titles) t"
        )
    )
    return kept ^ held


def test_title_postings_follow_writes_and_an_older_index_gains_them(pg_dsn: str) -> None:
    """Which titles hold each token, and how often, as the writers keep it, is what the
    titles' tsvectors hold, after additions, replacements and deletions; an index written
    before the postings existed has them made when it is opened."""
    import psycopg

    index = open_index(pg_dsn, "postgresql")
    try:
        _added_replaced_deleted(index, ["关于政务公开的通知", "政务公开政务公开", "税法"])
        with psycopg.connect(pg_dsn, autocommit=True) as conn:
            assert not _postings(conn)
            freqs = conn.execute(
                "SELECT freq FROM gazette_search.title_postings WHERE token = '政务'"
            ).fetchall()
            assert sorted(f for (f,) in freqs) == [1, 1, 1, 2]
            _back_to_before(conn, "CREATE TABLE {s}.title_postings")
    finally:
        index.close()
    open_index(pg_dsn, "postgresql").close()
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM gazette_search.title_postings").fetchone()[0]
        assert not _postings(conn)


def test_title_postings_count_each_token_in_its_title(
    pg_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tokens held a different number of times in a title: each phrase is scored with its
    own token's occurrences, as counting in the title does."""
    from gazette.search import pg_rank
    from gazette.search.base import TextSpec

    titles = ["政务政务公开", "公开公开政务", "政务工作", "政务服务", "政务信息", "公开"]
    titles += [f"第{n}号税收征管办法" for n in range(40)]  # the words' weights above zero
    index = open_index(pg_dsn, "postgresql")
    try:
        index.apply(
            [IndexRecord(id=f"d{n}", rev=1, title=t, body="正文") for n, t in enumerate(titles)]
        )
        for words, found in ((["政务"], 5), (["政务", "公开"], 2), (["公开", "政务"], 2)):
            groups = [[TextSpec(word, False)] for word in words]
            with index._reading():  # type: ignore[attr-defined]
                gen = index._current()  # type: ignore[attr-defined]
                gen.cache.clear()
                query = index._query(groups)  # type: ignore[attr-defined]
                postings = pg_rank._title_tier(index, gen, groups, query)  # type: ignore[arg-type]
                gen.cache.clear()
                with monkeypatch.context() as patch:
                    patch.setattr(pg_rank, "_all_held", lambda *a: None)
                    through_gin = pg_rank._title_tier(index, gen, groups, query)  # type: ignore[arg-type]
            assert len(postings) == found
            assert len({round(score, 9) for _, score in postings}) > 1
            assert [n for n, _ in postings] == [n for n, _ in through_gin], words
            assert [x for _, x in postings] == pytest.approx([x for _, x in through_gin]), words
    finally:
        index.close()


def test_texts_needing_no_nfkc_are_marked_and_an_older_index_checks_them(pg_dsn: str) -> None:
    """Each document records whether its text needs NFKC (ranking then counts words in it
    without checking); an index written before the mark (and before the titles had a table
    of their own) has it empty once opened, and ranks the same."""
    import psycopg

    from gazette.search.analysis import needs_nfkc

    bodies = {
        "plain": "人民政府关于行政执行的通知。人民政府决定，自公布之日起施行。",
        "kangxi": "\u2f08民政府关于行政执行的通知。人民政府决定，自公布之日起施行。",
        "wide": "人民政府２０２１年关于行政执行的通知。人民政府决定。",
        "withheld": "人民政府的通知。",
    }
    records = [
        IndexRecord(
            id=key,
            rev=1,
            title=f"人民政府通知{n}",
            body=body if key != "withheld" else "人民政府",
            restricted="\u2f08民政府" if key == "withheld" else "",
            disclosure="partial" if key == "withheld" else "proactive",
            public=True,
        )
        for n, (key, body) in enumerate(bodies.items())
    ]
    expected = {
        r.id: not any(needs_nfkc(t) for t in (r.title, r.body, r.restricted)) for r in records
    }
    assert expected == {"plain": True, "kangxi": False, "wide": False, "withheld": False}
    index = open_index(pg_dsn, "postgresql")
    try:
        index.apply(records)
        with psycopg.connect(pg_dsn, autocommit=True) as conn:
            stored = dict(conn.execute("SELECT id, plain FROM gazette_search.docs").fetchall())
        assert stored == expected
        before = {
            (q, p): [(h.id, h.score) for h in index.search(q, public_only=p).hits]
            for q in ("人民", "人", "2021年", "人民政府")
            for p in (True, False)
        }
        with psycopg.connect(pg_dsn, autocommit=True) as conn:
            _back_to_before(conn, "ADD COLUMN plain")
    finally:
        index.close()
    index = open_index(pg_dsn, "postgresql")
    try:
        with psycopg.connect(pg_dsn, autocommit=True) as conn:
            nulls = conn.execute("SELECT count(*) FROM gazette_search.docs WHERE plain IS NULL")
            assert nulls.fetchone()[0] == len(records)
        after = {
            (q, p): [(h.id, h.score) for h in index.search(q, public_only=p).hits]
            for q, p in before
        }
    finally:
        index.close()
    assert after == before
