"""The catalog in PostgreSQL: ``gazette init DIR --catalog DSN`` and the same answers as SQLite.

Real corpus files go into a SQLite archive and a PostgreSQL one; every command that reads
(list, show, status on dates, search hits and totals, export, verify) answers the same. Two
processes write at once; a change made by a SQL shell is found by ``verify``; a DSN that
leads nowhere is one line.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gazette.archive import pg_catalog
from gazette.archive.schema import SCHEMA_VERSION
from tests.conftest import ROOT, Cli, corpus_path

pytest.importorskip("psycopg", reason="the PostgreSQL catalog needs psycopg ([postgres] extra)")

_STAMP = re.compile(r"(^at|_at|ingested|recorded|changed)$")


def _files() -> list[Path]:
    govcn = sorted(corpus_path("govcn").glob("*.body.html"))[:8]
    laws = sorted(corpus_path("laws").glob("*.md"))[:4]
    return [corpus_path("seed", "jinan-2017-27.txt"), *govcn, *laws]


def _url(dsn: str) -> str:
    """A conninfo DSN written as a ``postgresql://`` URL (what users type)."""
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(dsn)
    query = "&".join(f"{k}={v}" for k, v in params.items() if k not in {"dbname"})
    return f"postgresql:///{params['dbname']}?{query}"


def _plain(value: Any, root: Path) -> Any:
    """JSON without what differs between two archives of the same files (time stamps, the
    archive's own path)."""
    if isinstance(value, dict):
        return {k: _plain(v, root) for k, v in value.items() if not _STAMP.search(k)}
    if isinstance(value, list):
        return [_plain(v, root) for v in value]
    if isinstance(value, str):
        return value.replace(str(root), "<archive>")
    return value


def _answers(run: Cli) -> dict[str, Any]:
    root = run.archive_dir
    out: dict[str, Any] = {}
    listed = run.json("list", "--view", "internal")
    out["list"] = _plain(listed, root)
    ids = [d["id"] for d in listed["documents"]]
    assert len(ids) >= 10
    for doc_id in ids:
        out[f"show {doc_id}"] = _plain(run.json("show", doc_id, "--view", "internal"), root)
        for day in ("2016-01-01", "2019-06-30", "2024-01-01"):
            status = run.json("status", doc_id, "--on", day, "--view", "internal")
            out[f"status {doc_id} {day}"] = _plain(status, root)
        out[f"export {doc_id}"] = run(
            "export", doc_id, "--format", "txt", "--view", "internal"
        ).stdout
    for query in ("政务公开", "通知", "物业", "公司", "国务院办公厅", "第一条"):
        for view in ("internal", "public"):
            found = run.json("search", query, "--view", view)
            for hit in found["hits"]:  # each engine ranks by its own BM25
                hit.pop("score")
            found["hits"].sort(key=lambda hit: hit["id"])
            out[f"search {query} {view}"] = _plain(found, root)
    out["verify"] = _plain(run.json("verify"), root)
    return out


def test_a_postgres_archive_answers_as_a_sqlite_one(tmp_path: Path, pg_dsn: str) -> None:
    files = [str(p) for p in _files()]
    sqlite = Cli(tmp_path / "sqlite")
    sqlite("init", str(sqlite.archive_dir), "--catalog", "sqlite", archive=False)
    assert (sqlite.archive_dir / "catalog.sqlite").exists()
    postgres = Cli(tmp_path / "postgres")
    made = postgres("init", str(postgres.archive_dir), "--catalog", _url(pg_dsn), archive=False)
    assert "已新建档案" in made.stdout
    assert not (postgres.archive_dir / "catalog.sqlite").exists()
    assert json.loads((postgres.archive_dir / "catalog.json").read_text())["backend"] == (
        "postgresql"
    )
    for run in (sqlite, postgres):
        run("ingest", *files)
        run("disclosure", "set", "济政办发〔2017〕27号", "proactive", "--reason", "公开")
        run("event", "add", "济政办发〔2017〕27号", "--kind", "valid_until", "--date", "2019-12-31")
    assert postgres.json("verify")["ok"] is True
    expected, found = _answers(sqlite), _answers(postgres)
    assert found.keys() == expected.keys()
    for key in expected:
        shown = [json.dumps(d[key], ensure_ascii=False, indent=1) for d in (found, expected)]
        changed = difflib.unified_diff(shown[1].splitlines(), shown[0].splitlines(), lineterm="")
        assert shown[0] == shown[1], f"{key}: " + "\n".join(changed)
    # The search index is PostgreSQL's, in the same database.
    assert postgres.json("reindex")["engine"] == "postgresql"


def _shell(dsn: str) -> Any:
    """A connection as a SQL shell has it: not the library's (it seals nothing)."""
    import psycopg

    return psycopg.connect(dsn, autocommit=True)


def test_verify_finds_a_change_made_in_a_sql_shell(tmp_path: Path, pg_dsn: str) -> None:
    run = Cli(tmp_path / "archive")
    run("init", str(run.archive_dir), "--catalog", pg_dsn, archive=False)
    run("ingest", str(corpus_path("seed", "jinan-2017-27.txt")))
    assert run.json("verify")["ok"] is True
    with _shell(pg_dsn) as conn:
        conn.execute("UPDATE documents SET title = title || '（改）'")
        with pytest.raises(Exception, match="append-only"):
            conn.execute("DELETE FROM log")
    report = run.json("verify", expect=1)
    assert {p["kind"] for p in report["problems"]} == {"catalog_tampered"}
    assert "Traceback" not in run("verify", expect=1).output


def test_two_processes_write_at_once(tmp_path: Path, pg_dsn: str) -> None:
    # Documents that are not versions of one another (which one comes first names a merge).
    files = [str(p) for p in _files() if p.suffix != ".md"]
    run = Cli(tmp_path / "archive")
    run("init", str(run.archive_dir), "--catalog", pg_dsn, archive=False)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "gazette", "--archive", str(run.archive_dir), "ingest", *part],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for part in (files[0::2], files[1::2])
    ]
    for writer in writers:
        out, err = writer.communicate(timeout=600)
        assert writer.returncode == 0, (out, err)
    listed = run.json("list", "--view", "internal")["documents"]
    single = Cli(tmp_path / "one")
    single("ingest", *files)
    assert sorted(d["id"] for d in listed) == sorted(
        d["id"] for d in single.json("list", "--view", "internal")["documents"]
    )
    assert run.json("verify")["ok"] is True
    assert (
        run.json("search", "通知", "--view", "internal")["total"]
        == single.json("search", "通知", "--view", "internal")["total"]
    )


@pytest.mark.parametrize(
    ("dsn", "said"),
    [
        ("postgresql://nobody@127.0.0.1:1/none", "无法连接目录数据库"),
        ("postgresql://u:secret@127.0.0.1:1/none", "不要写密码"),
        ("mysql://localhost/x", "须为PostgreSQL的DSN"),
        ("postgresql://[bad", "DSN"),
    ],
)
def test_a_dsn_that_leads_nowhere_is_one_line(tmp_path: Path, dsn: str, said: str) -> None:
    run = Cli(tmp_path / "archive")
    result = run("init", str(run.archive_dir), "--catalog", dsn, archive=False, expect=1)
    assert said in result.stderr
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1
    assert not run.archive_dir.exists()


def test_a_missing_database_is_one_line(tmp_path: Path, pg_server: Any) -> None:
    run = Cli(tmp_path / "archive")
    dsn = pg_server.dsn_for("gazette_no_such_db")
    result = run("init", str(run.archive_dir), "--catalog", dsn, archive=False, expect=1)
    assert "无法连接目录数据库" in result.stderr and "gazette_no_such_db" in result.stderr
    assert "Traceback" not in result.output


def test_an_archive_whose_server_is_gone_is_one_line(tmp_path: Path, pg_dsn: str) -> None:
    run = Cli(tmp_path / "archive")
    run("init", str(run.archive_dir), "--catalog", pg_dsn, archive=False)
    recorded = run.archive_dir / "catalog.json"
    recorded.write_text(json.dumps({"backend": "postgresql", "dsn": "host=127.0.0.1 port=1"}))
    result = run("list", expect=1)
    assert "无法连接目录数据库" in result.stderr and "Traceback" not in result.output
    recorded.write_text("{not json")
    result = run("list", expect=1)
    assert "catalog.json" in result.stderr and "Traceback" not in result.output


def test_the_catalog_is_versioned_as_sqlite_is(tmp_path: Path, pg_dsn: str) -> None:
    import gazette
    from gazette.errors import InvalidArgument, SchemaTooNew

    archive = gazette.open_archive(tmp_path / "a", catalog=pg_dsn)
    try:
        assert archive.catalog.meta("schema_version") == str(SCHEMA_VERSION)
    finally:
        archive.close()
    with pytest.raises(InvalidArgument):
        gazette.open_archive(tmp_path / "a", catalog="sqlite")
    with _shell(pg_dsn) as conn:
        conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(SchemaTooNew):
        gazette.open_archive(tmp_path / "a")


def test_a_second_writer_waits_then_is_told_who_writes(tmp_path: Path, pg_dsn: str) -> None:
    import gazette
    from gazette.errors import ArchiveBusy

    first = gazette.open_archive(tmp_path / "a", catalog=pg_dsn)
    second = gazette.open_archive(tmp_path / "a", lock_timeout=0.2)
    try:
        with first.writing():
            with pytest.raises(ArchiveBusy, match=f"进程 {os.getpid()}"), second.writing():
                pass
            assert second.tidy() is False
        with second.writing():
            pass
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize(
    ("sqlite", "postgres"),
    [
        (
            "SELECT a FROM t WHERE b = ? AND c LIKE '5%'",
            "SELECT a FROM t WHERE b = %s AND c LIKE '5%%'",
        ),
        ("SELECT id FROM documents ORDER BY id", "SELECT id FROM documents ORDER BY id"),
        (
            "SELECT id FROM documents ORDER BY written_date DESC, title LIMIT ?",
            "SELECT id FROM documents ORDER BY written_date DESC NULLS LAST, title NULLS FIRST"
            " LIMIT %s",
        ),
        ("SELECT x FROM t WHERE y = '?'", "SELECT x FROM t WHERE y = '?'"),
        ("BEGIN IMMEDIATE", "BEGIN"),
        (
            "INSERT INTO events(doc_id) VALUES (?)",
            "INSERT INTO events(doc_id) VALUES (%s) RETURNING id",
        ),
    ],
)
def test_statements_are_translated(sqlite: str, postgres: str) -> None:
    assert pg_catalog.translate(sqlite)[0] == postgres


def test_a_backup_of_a_postgres_archive_restores_as_sqlite(tmp_path: Path, pg_dsn: str) -> None:
    run = Cli(tmp_path / "archive")
    run("init", str(run.archive_dir), "--catalog", pg_dsn, archive=False)
    run("ingest", *[str(p) for p in _files()[:5]])
    run("disclosure", "set", "济政办发〔2017〕27号", "proactive", "--reason", "公开")
    run("backup", str(tmp_path / "backup"))
    restored = Cli(tmp_path / "restored")
    restored("restore", str(tmp_path / "backup"), "--catalog", "sqlite")
    assert (restored.archive_dir / "catalog.sqlite").exists()
    assert not (restored.archive_dir / "catalog.json").exists()
    # The checksums sealed in PostgreSQL hold in SQLite: the same bytes were hashed.
    assert restored.json("verify")["ok"] is True
    assert restored("list", "--view", "internal").stdout == run("list", "--view", "internal").stdout
    assert restored.json("reindex")["engine"] == "sqlite"
    query = ("search", "政务公开", "--view", "internal")
    assert restored.json(*query)["total"] == run.json(*query)["total"] > 0


def test_a_write_that_fails_inside_a_transaction_keeps_nothing(tmp_path: Path, pg_dsn: str) -> None:
    # Writes go out without waiting for each one's result (pipeline mode): the error of one
    # comes with a later statement, and the transaction still rolls back whole.
    import gazette
    from gazette.errors import CatalogError

    archive = gazette.open_archive(tmp_path / "a", catalog=pg_dsn)
    try:
        with pytest.raises(CatalogError), archive.transaction() as conn:
            conn.execute("INSERT INTO meta(key, value) VALUES ('probe', '1')")
            conn.execute("INSERT INTO meta(key, value) VALUES ('probe', '2')")  # a duplicate key
            conn.execute("INSERT INTO meta(key, value) VALUES ('probe-2', '3')")
        assert archive.catalog.meta("probe") is None and archive.catalog.meta("probe-2") is None
        with archive.transaction():
            archive.catalog.set_meta("probe", "written")
        assert archive.catalog.meta("probe") == "written"
    finally:
        archive.close()
    # Nothing but the error reaches the terminal (the driver's note on what it could not send
    # at the end of the failed block stays quiet).
    script = (
        "import sys, gazette\n"
        "from gazette.errors import CatalogError\n"
        "a = gazette.open_archive(sys.argv[1])\n"
        "try:\n"
        "    with a.transaction() as conn:\n"
        "        conn.execute(\"INSERT INTO meta(key, value) VALUES ('probe', '3')\")\n"
        '        conn.execute("SELECT 1").fetchone()\n'
        "except CatalogError:\n"
        "    print('refused')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "a")],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.strip() == "refused" and done.stderr == "", done.stderr


def test_the_index_catches_up_apart_from_the_writers_at_the_revision_it_read(
    tmp_path: Path, pg_dsn: str, seed_path: Path
) -> None:
    # A batch's index catches up without the writers' lock: a document changed after the
    # replay read it stays queued (even when queued again within the same second), and the
    # next replay writes the new revision.
    import gazette
    from gazette.archive import tables
    from ingest.pipeline import ingest_paths

    archive = gazette.open_archive(tmp_path / "a", catalog=pg_dsn)
    try:
        (doc_id,) = ingest_paths(archive, [seed_path]).results[0].ids
        sync = archive.search

        def rev() -> int:
            return int(
                archive.conn.execute(
                    "SELECT rev FROM documents WHERE id = ?", (doc_id,)
                ).fetchone()[0]
            )

        def queued() -> list[str]:
            return [r[0] for r in archive.conn.execute("SELECT doc_id FROM index_queue").fetchall()]

        assert queued() == [] and sync.index.revisions()[doc_id] == rev()
        with archive.deferred_indexing():
            with archive.transaction() as conn:
                tables.touch(conn, doc_id)
            read = rev()
            real = sync.index_record

            def racing(wanted: str) -> Any:
                record = real(wanted)
                with _shell(pg_dsn) as other:  # another writer changes it meanwhile
                    other.execute("UPDATE documents SET rev = rev + 1 WHERE id = %s", (wanted,))
                return record

            sync.index_record = racing  # type: ignore[method-assign]
            try:
                assert sync.replay_alone() == 1
            finally:
                del sync.index_record
            # Read ahead at ``read`` and changed: read again under the lock (and changed
            # again after that read): the revision read under the lock is written, and the
            # document stays queued.
            assert sync.index.revisions()[doc_id] == read + 1
            assert queued() == [doc_id] and rev() == read + 2
        # the end of the batch catches up again
        assert queued() == [] and sync.index.revisions()[doc_id] == read + 2
    finally:
        archive.close()


def test_a_batch_analyses_its_documents_ahead_and_leaves_other_writers_theirs(
    tmp_path: Path, pg_dsn: str, seed_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a batch queued is read and analysed before the index's lock and not again under
    # it; a replay before the batch ends leaves another writer's recent entries to it, and
    # the batch's last replay writes every entry.
    import gazette
    from gazette.archive import codec, tables
    from gazette.search import pg_write
    from ingest.pipeline import ingest_paths

    other = _files()[1]
    archive = gazette.open_archive(tmp_path / "a", catalog=pg_dsn)
    try:
        results = ingest_paths(archive, [seed_path, other]).results
        mine, theirs = results[0].ids[0], results[1].ids[0]
        sync = archive.search

        def queued() -> list[str]:
            rows = archive.conn.execute("SELECT doc_id FROM index_queue ORDER BY doc_id")
            return [r[0] for r in rows.fetchall()]

        def revision(doc_id: str) -> int:
            found = archive.conn.execute("SELECT rev FROM documents WHERE id = ?", (doc_id,))
            return int(found.fetchone()[0])

        analysed: list[str] = []
        real = pg_write.analyse

        def counted(title: str, body: str, restricted: str, config: Any) -> Any:
            analysed.append(title)
            return real(title, body, restricted, config)

        monkeypatch.setattr(pg_write, "analyse", counted)
        read: list[str] = []
        record = sync.index_record

        def reading(doc_id: str) -> Any:
            read.append(doc_id)
            return record(doc_id)

        sync.index_record = reading  # type: ignore[method-assign]
        try:
            with archive.deferred_indexing():
                started = codec.now()
                with archive.transaction() as conn:
                    tables.touch(conn, mine)
                with _shell(pg_dsn) as shell:  # another writer, during this batch
                    shell.execute("UPDATE documents SET rev = rev + 1 WHERE id = %s", (theirs,))
                    shell.execute(
                        "INSERT INTO index_queue(doc_id, queued_at) VALUES (%s, %s)"
                        " ON CONFLICT (doc_id) DO UPDATE SET queued_at = excluded.queued_at",
                        (theirs, codec.now()),
                    )
                assert queued() == sorted([mine, theirs])
                assert sync.replay_alone(since=started) == 1
                # Read once and analysed once, ahead; the other writer's entry is left.
                assert read == [mine] and len(analysed) == 1
                assert queued() == [theirs]
                assert sync.index.revisions()[mine] == revision(mine)
            # The batch's end writes every entry.
            assert queued() == []
            assert sync.index.revisions()[theirs] == revision(theirs)
        finally:
            del sync.index_record
    finally:
        archive.close()


def test_a_write_outside_a_transaction_is_sealed_when_the_lock_is_let_go(
    tmp_path: Path, pg_dsn: str, seed_path: Path
) -> None:
    # Statements run on their own under the write lock (each its own commit) are sealed when
    # the lock is let go; a lock that saw only reads and transactions checks nothing more.
    import gazette
    from gazette.verify import verify
    from ingest.pipeline import ingest_paths

    archive = gazette.open_archive(tmp_path / "a", catalog=pg_dsn)
    try:
        (doc_id,) = ingest_paths(archive, [seed_path]).results[0].ids
        archive.conn.take_lone_writes()
        with archive.writing():
            archive.conn.execute("SELECT 1 FROM documents").fetchall()
            assert not archive.conn.take_lone_writes()
            archive.conn.execute("UPDATE documents SET note = ? WHERE id = ?", ("补记", doc_id))
        assert verify(archive).ok
        assert archive.internal.get(doc_id).note == "补记"
    finally:
        archive.close()
