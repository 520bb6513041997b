"""Restoring a backup into an empty PostgreSQL database (``gazette restore SRC --catalog DSN``).

A SQLite archive of real corpus files, and a PostgreSQL one, are backed up and restored into a
new database: every command that reads answers as the original does, and ``verify`` finds the
restored catalog intact. A database that is not empty, a server that cannot be reached and a
damaged backup are each one line, and leave neither a directory nor a table behind.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli
from tests.test_pg_catalog import _answers, _files, _url

pytest.importorskip("psycopg", reason="the PostgreSQL catalog needs psycopg ([postgres] extra)")


def _make(run: Cli, catalog: str) -> None:
    run("init", str(run.archive_dir), "--catalog", catalog, archive=False)
    run("ingest", *[str(p) for p in _files()])
    run("disclosure", "set", "济政办发〔2017〕27号", "proactive", "--reason", "公开")
    run("event", "add", "济政办发〔2017〕27号", "--kind", "valid_until", "--date", "2019-12-31")


def _same(found: dict[str, Any], expected: dict[str, Any]) -> None:
    assert found.keys() == expected.keys()
    for key in expected:
        shown = [json.dumps(d[key], ensure_ascii=False, indent=1) for d in (found, expected)]
        changed = difflib.unified_diff(shown[1].splitlines(), shown[0].splitlines(), lineterm="")
        assert shown[0] == shown[1], f"{key}: " + "\n".join(changed)


def _relations(dsn: str) -> int:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        return int(
            conn.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')"
                " AND n.nspname NOT LIKE 'pg!_%' ESCAPE '!'"
            ).fetchone()[0]
        )


def _restored_in_postgres(tmp_path: Path, backup: Path, dsn: str) -> Cli:
    restored = Cli(tmp_path / "restored")
    done = restored.json("restore", str(backup), "--catalog", _url(dsn))
    assert done["verify"]["ok"] is True
    assert not (restored.archive_dir / "catalog.sqlite").exists()
    assert json.loads((restored.archive_dir / "catalog.json").read_text())["backend"] == (
        "postgresql"
    )
    return restored


def test_a_sqlite_archive_restores_into_postgres(tmp_path: Path, pg_dsn: str) -> None:
    original = Cli(tmp_path / "sqlite")
    _make(original, "sqlite")
    original("backup", str(tmp_path / "backup"))
    restored = _restored_in_postgres(tmp_path, tmp_path / "backup", pg_dsn)
    assert restored.json("verify")["ok"] is True
    _same(_answers(restored), _answers(original))
    # The index is PostgreSQL's, in the same database; the archive writes on.
    assert restored.json("reindex")["engine"] == "postgresql"
    restored("event", "add", "济政办发〔2017〕27号", "--kind", "repealed", "--date", "2024-02-01")
    status = restored.json("status", "济政办发〔2017〕27号", "--on", "2024-06-01")
    assert status["status"] == "repealed"
    assert restored.json("verify")["ok"] is True


def test_a_postgres_archive_restores_into_another_database(
    tmp_path: Path, pg_dsn: str, pg_server: Any
) -> None:
    original = Cli(tmp_path / "postgres")
    _make(original, pg_dsn)
    original("backup", str(tmp_path / "backup"))
    other = pg_server.create_database()
    try:
        restored = _restored_in_postgres(tmp_path, tmp_path / "backup", other)
        _same(_answers(restored), _answers(original))
        # Keys go on past the copied ones.
        restored(
            "event", "add", "济政办发〔2017〕27号", "--kind", "repealed", "--date", "2024-02-01"
        )
        assert restored.json("verify")["ok"] is True
    finally:
        pg_server.drop_database(other)


def _one_line(result: Any, said: str) -> None:
    assert result.exit_code == 1, result
    assert said in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def _seed_backup(tmp_path: Path) -> Path:
    original = Cli(tmp_path / "seed")
    original("init", str(original.archive_dir), "--catalog", "sqlite", archive=False)
    original("ingest", str(_files()[0]))
    original("backup", str(tmp_path / "backup"))
    return tmp_path / "backup"


def _reseal(backup: Path) -> None:
    """Make the manifest agree with a changed catalog snapshot (a damaged backup that its
    manifest does not give away)."""
    manifest = backup / "BACKUP.json"
    data = json.loads(manifest.read_text())
    data["catalog_sha256"] = hashlib.sha256((backup / "catalog.sqlite").read_bytes()).hexdigest()
    manifest.write_text(json.dumps(data))


def test_hostile_restores_into_postgres_are_one_line_and_leave_nothing(
    tmp_path: Path, pg_dsn: str, pg_server: Any
) -> None:
    backup = _seed_backup(tmp_path)
    target = Cli(tmp_path / "target")

    # A database that is not empty.
    busy = Cli(tmp_path / "busy")
    busy("init", str(busy.archive_dir), "--catalog", pg_dsn, archive=False)
    before = _relations(pg_dsn)
    _one_line(target("restore", str(backup), "--catalog", pg_dsn, expect=1), "不是空的")
    assert _relations(pg_dsn) == before and not target.archive_dir.exists()

    # A server that cannot be reached.
    nowhere = "postgresql://nobody@127.0.0.1:1/none"
    _one_line(target("restore", str(backup), "--catalog", nowhere, expect=1), "无法连接")
    assert not target.archive_dir.exists()

    empty = pg_server.create_database()
    try:
        # A snapshot that does not match its manifest.
        snapshot = backup / "catalog.sqlite"
        good = snapshot.read_bytes()
        snapshot.write_bytes(good[:4096] + b"damaged" + good[4096 + 7 :])
        _one_line(target("restore", str(backup), "--catalog", empty, expect=1), "不符")
        # The same, with a manifest that agrees: the snapshot is read and found damaged.
        _reseal(backup)
        _one_line(target("restore", str(backup), "--catalog", empty, expect=1), "目录快照")
        # A snapshot SQLite reads but PostgreSQL refuses (a key that is not a number):
        # the transaction rolls back, nothing stays.
        snapshot.write_bytes(good)
        with sqlite3.connect(snapshot) as conn:
            conn.execute("UPDATE texts SET page_first = 'x'")
        conn.close()
        _reseal(backup)
        _one_line(target("restore", str(backup), "--catalog", empty, expect=1), "texts")
        for _ in range(2):
            assert _relations(empty) == 0
            assert not target.archive_dir.exists()
            assert not target.archive_dir.with_name("target.partial").exists()
            snapshot.write_bytes(good)
            _reseal(backup)
        # And the database takes the good backup afterwards.
        assert target.json("restore", str(backup), "--catalog", empty)["verify"]["ok"] is True
    finally:
        pg_server.drop_database(empty)


def test_a_backup_of_an_older_catalog_is_migrated_on_the_way(tmp_path: Path, pg_dsn: str) -> None:
    from gazette.archive.schema import SCHEMA_VERSION
    from tests.test_integrity import _downgrade

    backup = _seed_backup(tmp_path)
    _downgrade(backup / "catalog.sqlite")
    _reseal(backup)
    restored = _restored_in_postgres(tmp_path, backup, pg_dsn)
    import psycopg

    with psycopg.connect(pg_dsn) as conn:
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    assert version == (str(SCHEMA_VERSION),)
    original = Cli(tmp_path / "seed")
    listed = [restored("list", "--view", v).stdout for v in ("internal", "public")]
    assert listed == [original("list", "--view", v).stdout for v in ("internal", "public")]
    query = ("search", "政务公开", "--view", "internal")
    assert restored.json(*query)["total"] == original.json(*query)["total"] > 0


def test_a_backup_reads_postgres_in_batches_and_round_trips(
    tmp_path: Path, pg_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tables are read a batch at a time through a server-side cursor, in one snapshot: with
    batches of 3 rows every table of several batches comes back whole and in order."""
    import gazette
    from gazette.archive import pg_session
    from gazette.archive.backup import backup

    original = Cli(tmp_path / "postgres")
    _make(original, pg_dsn)
    read: dict[str, list[int]] = {}
    real = pg_session.batches

    def small(conn: Any, sql: str, params: Any = (), *, size: int = 256) -> Any:
        table = sql.split(" FROM ")[1].split()[0]
        for rows in real(conn, sql, params, size=3):
            read.setdefault(table, []).append(len(rows))
            yield rows

    monkeypatch.setattr(pg_session, "batches", small)
    with gazette.open_archive(original.archive_dir, create=False) as archive:
        info = backup(archive, tmp_path / "backup")
        rows = archive.conn.execute("SELECT count(*) FROM log").fetchone()[0]
    assert sum(read["log"]) == rows > 6 and max(read["log"]) == 3
    assert info.documents >= 10
    restored = Cli(tmp_path / "restored")
    assert restored.json("restore", str(tmp_path / "backup"), "--catalog", "sqlite")["verify"]["ok"]
    _same(_answers(restored), _answers(original))
