"""A PostgreSQL catalog whose server session is dropped (``pg_terminate_backend``, as a server
restart does): the next read works on a fresh session; a write that was under way fails with a
clear error, keeps nothing, and the next one works; the web application keeps answering."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import gazette
from gazette.errors import CatalogError
from tests.conftest import Cli, corpus_path

pytest.importorskip("psycopg", reason="the PostgreSQL catalog needs psycopg ([postgres] extra)")

SEED = "jinan-2017-27.txt"


def _terminate(dsn: str) -> int:
    """Drop every other session of the database, as a restart of the server does."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return len(rows)


def _archive(tmp_path: Path, dsn: str) -> Path:
    run = Cli(tmp_path / "archive")
    run("init", str(run.archive_dir), "--catalog", dsn, archive=False)
    run("ingest", str(corpus_path("seed", SEED)), *map(str, _govcn()))
    run("disclosure", "set", "济政办发〔2017〕27号", "proactive", "--reason", "公开")
    return run.archive_dir


def _govcn() -> list[Path]:
    return sorted(corpus_path("govcn").glob("*.body.html"))[:3]


def test_reads_go_on_after_the_session_is_dropped(tmp_path: Path, pg_dsn: str) -> None:
    root = _archive(tmp_path, pg_dsn)
    with gazette.open_archive(root) as archive:
        before = archive.public.search("政务公开")
        doc = archive.public.get("济政办发〔2017〕27号")
        internal = archive.internal.list()
        for _ in range(2):  # twice: a fresh session can be dropped again
            assert _terminate(pg_dsn) >= 1
            after = archive.public.search("政务公开")
            assert after.total == before.total > 0
            assert [h.id for h in after.hits] == [h.id for h in before.hits]
            assert archive.public.get("济政办发〔2017〕27号") == doc
            assert _terminate(pg_dsn) >= 1
            assert archive.internal.list() == internal
        assert archive.catalog.conn.reconnects >= 3


def test_a_write_under_way_fails_clearly_and_the_next_one_works(
    tmp_path: Path, pg_dsn: str
) -> None:
    root = _archive(tmp_path, pg_dsn)
    with gazette.open_archive(root) as archive:
        entries = len(archive.log_entries(limit=1000))
        with pytest.raises(CatalogError, match="连接中断") as raised, archive.transaction():
            archive.log("test", "first", "done")
            _terminate(pg_dsn)
            archive.log("test", "second", "done")
        assert len(str(raised.value).splitlines()) == 1
        # Nothing of it was kept, and the archive writes again at once.
        with archive.transaction():
            archive.log("test", "third", "done")
        targets = [e["target"] for e in archive.log_entries(action="test")]
        assert targets == ["third"]
        assert len(archive.log_entries(limit=1000)) == entries + 1
        # A session dropped while the write lock is held (between transactions) is a lost
        # lock: the writer is told, and the next one takes the lock on a fresh session.
        with pytest.raises(CatalogError, match="连接中断"), archive.writing():
            _terminate(pg_dsn)
            with archive.transaction():
                archive.log("test", "fourth", "done")
        with archive.transaction():
            archive.log("test", "fifth", "done")
        assert [e["target"] for e in archive.log_entries(action="test")] == ["fifth", "third"]
        from gazette.verify import verify

        assert verify(archive).ok


def test_the_web_application_answers_after_the_session_is_dropped(
    tmp_path: Path, pg_dsn: str
) -> None:
    from tests.web_support import client_for

    root = _archive(tmp_path, pg_dsn)
    clients = client_for(root)
    client: Any = next(clients)
    try:
        search = client.get("/api/v1/search", params={"q": "政务公开"})
        assert search.status_code == 200 and search.json()["total"] > 0
        doc = search.json()["hits"][0]["id"]
        shown = client.get(f"/api/v1/documents/{doc}").json()
        page = client.get("/search", params={"q": "政务公开"})
        assert _terminate(pg_dsn) >= 1
        again = client.get("/api/v1/search", params={"q": "政务公开"})
        assert again.status_code == 200 and again.json() == search.json()
        assert _terminate(pg_dsn) >= 1
        assert client.get(f"/api/v1/documents/{doc}").json() == shown
        assert _terminate(pg_dsn) >= 1
        assert client.get("/search", params={"q": "政务公开"}).text == page.text
    finally:
        clients.close()


def test_a_session_the_server_said_it_ended_counts_as_dropped(pg_dsn: str) -> None:
    """The server's last word on a terminated session (SQLSTATE 57P01) can reach the library
    before the connection notices the socket close: the statement's session is then taken as
    dropped all the same (a write fails as a lost connection, the next statement gets a fresh
    session), not as an error of the catalog."""
    from gazette.archive import pg_catalog
    from gazette.archive.dbapi import BackendError

    session: Any = pg_catalog.connect(pg_dsn, "test")
    try:
        assert not session._dropped(BackendError("syntax", sqlstate="42601"))
        assert not session._broken()
        said = BackendError("terminating connection due to administrator command", sqlstate="57P01")
        assert session._dropped(said)
        assert session._broken()  # closed, so what follows sees it dropped
        assert session.execute("SELECT 1").fetchone()[0] == 1  # on a fresh session
        assert session.reconnects == 1
    finally:
        session.close()
