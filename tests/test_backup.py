"""Backup and restore, the event log."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import gazette
from gazette.archive.backup import backup, read_manifest, restore
from ingest import ingest_paths
from tests.conftest import ROOT, Cli
from tests.test_crash_safety import _env, _ingest_cmd, _write_batch


def test_backup_restore_verify(archive: gazette.Archive, seed_path: Path, tmp_path: Path) -> None:
    ingest_paths(archive, [seed_path], jobs=1)
    info = backup(archive, tmp_path / "bk")
    assert info.documents == 2 and info.originals == 1
    assert read_manifest(tmp_path / "bk").catalog_sha256 == info.catalog_sha256
    _restored_info, report = restore(tmp_path / "bk", tmp_path / "restored")
    assert report.ok, report.problems
    with gazette.open_archive(tmp_path / "restored", create=False) as restored:
        doc = restored.internal.get("济政办发〔2017〕27号")
        assert doc.parts[0].title == "2017年济南市政务公开工作要点"
        assert restored.internal.search("政务公开").total >= 1


def test_backup_refuses_a_non_empty_destination(archive: gazette.Archive, tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(gazette.InvalidArgument):
        backup(archive, tmp_path / "full")
    with pytest.raises(gazette.InvalidArgument):
        backup(archive, archive.root / "inside")


def test_restore_detects_a_tampered_backup(
    archive: gazette.Archive, seed_path: Path, tmp_path: Path
) -> None:
    ingest_paths(archive, [seed_path], jobs=1)
    backup(archive, tmp_path / "bk")
    with open(tmp_path / "bk" / "catalog.sqlite", "r+b") as handle:
        handle.seek(200)
        handle.write(b"tampered")
    with pytest.raises(gazette.ArchiveError):
        restore(tmp_path / "bk", tmp_path / "restored")


@pytest.mark.slow
def test_backup_while_a_writer_ingests(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    _write_batch(batch)
    archive_dir = tmp_path / "archive"
    with gazette.open_archive(archive_dir) as archive:
        ingest_paths(archive, sorted(batch.iterdir())[:1], jobs=1)
    writer = subprocess.Popen(
        _ingest_cmd(archive_dir, batch),
        env=_env(),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    snapshots = []
    with gazette.open_archive(archive_dir) as archive:
        n = 0
        while writer.poll() is None or n < 2:
            info = backup(archive, tmp_path / f"bk-{n}")
            snapshots.append(info)
            n += 1
    assert writer.wait() == 0
    for n in range(len(snapshots)):
        _, report = restore(tmp_path / f"bk-{n}", tmp_path / f"restored-{n}")
        assert report.ok, (n, report.problems)
    assert snapshots[-1].documents >= snapshots[0].documents


def test_cli_backup_restore_and_log(run: Cli, seed_path: Path, tmp_path: Path) -> None:
    run("ingest", str(seed_path))
    run("backup", str(tmp_path / "bk"))
    restored = Cli(tmp_path / "restored")
    data = restored.json("restore", str(tmp_path / "bk"))
    assert data["verify"]["ok"] is True
    entries = run.json("log")["entries"]
    actions = [e["action"] for e in entries]
    assert "ingest" in actions and "backup" in actions
    assert all({"at", "actor", "action", "outcome", "target"} <= set(e) for e in entries)
    only = run.json("log", "--action", "ingest")["entries"]
    assert {e["action"] for e in only} == {"ingest"}
    target = only[0]["target"]
    assert {e["target"] for e in run.json("log", "--target", target)["entries"]} == {target}
    newest = entries[0]["at"]
    assert [e["at"] for e in run.json("log", "--since", newest)["entries"]] == [
        e["at"] for e in entries if e["at"] >= newest
    ]
    assert run.json("log", "--since", "9999-01-01")["entries"] == []
    assert len(run.json("log", "--limit", "1")["entries"]) == 1


def test_log_is_append_only(archive: gazette.Archive) -> None:
    with archive.transaction():
        archive.log("test", None, "ok")
    from gazette.archive import dbapi

    with pytest.raises(dbapi.ERRORS):
        archive.conn.execute("UPDATE log SET outcome = 'changed'")
    with pytest.raises(dbapi.ERRORS):
        archive.conn.execute("DELETE FROM log")
