"""What a PostgreSQL index is made of and how it is reached: DSNs and the errors of a bad or
unreachable one, the driver missing, the schema's versions, where the texts are kept, and an
index written before the lengths in tokens existed."""

from __future__ import annotations

from pathlib import Path

import pytest

from gazette.errors import ArchiveError, InvalidArgument, MissingDependency, SchemaTooNew
from gazette.search import IndexRecord, open_index, search_dsn

pytestmark = pytest.mark.usefixtures("pg_server")


def test_a_bad_dsn_is_refused_with_a_reason() -> None:
    with pytest.raises(InvalidArgument, match="不是PostgreSQL的DSN"):
        open_index("/not/a/dsn", "postgresql")


def test_an_unreachable_server_is_named_without_its_password(tmp_path: Path) -> None:
    dsn = f"host={tmp_path} port=1 dbname=x user=u password=secret connect_timeout=2"
    with pytest.raises(ArchiveError, match="无法使用检索数据库") as caught:
        open_index(dsn, "postgresql")
    assert "secret" not in str(caught.value)


def test_a_dsn_with_a_password_is_not_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InvalidArgument, match="pgpass"):
        search_dsn("postgresql", "postgresql://u:secret@localhost/db")
    monkeypatch.delenv("GAZETTE_SEARCH_DSN", raising=False)
    with pytest.raises(InvalidArgument, match="GAZETTE_SEARCH_DSN"):
        search_dsn("postgresql", None)


def test_without_psycopg_the_extra_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(MissingDependency) as caught:
        open_index("dbname=x", "postgresql")
    assert "gazette[postgres]" in (caught.value.hint or "")


def test_the_schema_is_versioned_and_a_newer_one_refused(pg_dsn: str) -> None:
    import psycopg

    from gazette.search.pg_schema import MIGRATIONS

    open_index(pg_dsn, "postgresql").close()
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        versions = [v for (v,) in conn.execute("SELECT version FROM gazette_search.versions")]
        assert versions == list(range(1, len(MIGRATIONS) + 1))
        conn.execute("INSERT INTO gazette_search.versions(version) VALUES (%s)", (99,))
    with pytest.raises(SchemaTooNew):
        open_index(pg_dsn, "postgresql")


def test_texts_up_to_a_page_are_kept_in_the_rows(pg_dsn: str) -> None:
    """A search reads the stored text of hundreds of documents: texts up to a page (about
    2,600 characters of Chinese) stay in the table's rows instead of the TOAST table, whose
    fetches took three times as long; longer ones still go there."""
    import psycopg

    from benchmarks.corpus import real_records, sentences

    pool = iter(sentences(real_records()))

    def text(size: int) -> str:
        out = ""
        while len(out.encode()) < size:
            out += next(pool)
        return out

    index = open_index(pg_dsn, "postgresql")

    def toasted() -> int:
        with psycopg.connect(pg_dsn, autocommit=True) as conn:
            found = conn.execute(
                "SELECT pg_relation_size(reltoastrelid) FROM pg_class c JOIN pg_namespace n"
                " ON n.oid = c.relnamespace WHERE n.nspname = 'gazette_search'"
                " AND c.relname = 'texts'"
            )
            return int(found.fetchone()[0])

    try:
        index.apply([IndexRecord(id="a", rev=1, title="关于政务公开的通知", body=text(7000))])
        assert toasted() == 0
        index.apply([IndexRecord(id="b", rev=1, title="关于政务公开的通知", body=text(60000))])
        assert toasted() > 0
        hits = index.search("政务公开", public_only=False, limit=5, facets=False).hits
        assert sorted(h.id for h in hits) == ["a", "b"]
    finally:
        index.close()


def test_an_index_without_lengths_in_tokens_asks_for_a_rebuild(pg_dsn: str) -> None:
    """Documents written before their lengths were stored (schema step 3 adds the columns
    empty): verify reports it, searching still answers, and a rebuild measures them."""
    import psycopg

    records = [
        IndexRecord(
            id=f"d{n}",
            rev=1,
            title=f"关于d{n}的通知",
            body=f"关于推进政务公开工作的通知，第{n}号。",
            public=True,
        )
        for n in range(5)
    ]
    index = open_index(pg_dsn, "postgresql")
    try:
        index.apply(records)
        assert index.problems() == []
        with psycopg.connect(pg_dsn, autocommit=True) as conn:
            conn.execute("UPDATE gazette_search.docs SET title_tokens = NULL, tokens = NULL")
        index.drop_caches()
        [problem] = index.problems()
        assert "rebuild" in problem
        assert index.search("政务公开", public_only=True).total == 5
        index.rebuild(records)
        assert index.problems() == []
    finally:
        index.close()
