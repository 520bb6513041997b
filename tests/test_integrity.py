"""``gazette verify`` proves the catalog intact: every row of content or decision against its
checksum, the disclosure history as a hash chain whose head is the current attribute; the
checksums of an older catalog are computed when it is opened; a damaged search index is named
and rebuilt; what a killed writer left is cleaned by the next one."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

import gazette
from gazette.archive import integrity
from tests.catalog_shell import shell
from tests.conftest import ARCHIVE_DATA, ROOT, Cli


@pytest.fixture
def sample(run: Cli) -> Cli:
    """The sample corpus, with decisions, events and links made through the command line."""
    run("ingest", "--recursive", str(ARCHIVE_DATA))
    run("disclosure", "set", "青政办发〔2023〕7号", "withheld", "--reason", "内部事务")
    run("disclosure", "set", "青政发〔2022〕9号", "partial", "--withhold", "3", "--reason", "隐私")
    run("disclosure", "set", "青政发〔2022〕9号", "partial", "--withhold", "4", "--reason", "复核")
    run("event", "add", "青政发〔2019〕30号", "--kind", "valid_until", "--date", "2030-01-01")
    run("disclosure", "request", "青政办发〔2023〕7号")
    return run


def _verify(run: Cli, expect: int = 0) -> dict[str, object]:
    return json.loads(run("verify", "--json", expect=expect).stdout)


def _sql(run: Cli, statement: str, *params: object) -> None:
    """A change made outside gazette (a SQL shell)."""
    with shell(run.archive_dir) as conn:
        conn.execute(statement, params)
        conn.commit()


def _problems(report: dict[str, object]) -> list[tuple[str, str]]:
    return [(p["kind"], p["target"]) for p in report["problems"]]  # type: ignore[index, union-attr]


def test_verify_is_ok_after_every_kind_of_write(sample: Cli, tmp_path: Path) -> None:
    run = sample
    csv = tmp_path / "cleanup.csv"
    csv.write_text("文件名称,文号,清理结果,日期\n,青政发〔2019〕30号,废止,2024-06-01\n", "utf-8")
    run("cleanup", "import", str(csv))
    run(
        "interpretation", "unlink", "青政办发〔2021〕12号", "《青川市政务公开工作实施办法》政策解读"
    )
    run("interpretation", "link", "青政办发〔2021〕12号", "《青川市政务公开工作实施办法》政策解读")
    run("reindex")
    run("export", "--bag", str(tmp_path / "bag"))
    assert _verify(run)["ok"] is True


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (
            "UPDATE texts SET blocks = replace(blocks, '政务公开', '政务保密')"
            " WHERE id = (SELECT MIN(id) FROM texts WHERE blocks LIKE '%政务公开%')",
            "texts",
        ),
        (
            "UPDATE disclosure SET attribute = 'proactive' WHERE attribute = 'withheld'",
            "disclosure",
        ),
        (
            "UPDATE documents SET title = '青川市人民政府关于另一件事的通知'"
            " WHERE doc_number = '青政办发〔2021〕12号'",
            "documents",
        ),
        ("UPDATE events SET date = '2099-01-01' WHERE kind = 'valid_until'", "events"),
        (
            "UPDATE disclosure SET withheld_fingerprints = '[]' WHERE attribute = 'partial'",
            "disclosure",
        ),
        ("UPDATE sources SET path = '/elsewhere/x.txt' WHERE rowid = 1", "sources"),
    ],
)
def test_verify_names_a_change_made_outside_gazette(sample: Cli, change: str, where: str) -> None:
    run = sample
    assert _verify(run)["ok"] is True
    _sql(run, change)
    report = _verify(run, expect=1)
    kinds = _problems(report)
    assert any(kind == "catalog_tampered" and target.startswith(where) for kind, target in kinds)
    text = run("verify", expect=1).stdout
    assert "目录被改" in text and "从备份恢复目录" in text


def test_attribute_flipped_with_its_history_rewritten_is_found(sample: Cli) -> None:
    """Flipping the attribute and its last history entry alike breaks the chain."""
    run = sample
    doc = run.json("show", "青政办发〔2023〕7号", "--view", "internal")["id"]
    _sql(run, "UPDATE disclosure SET attribute = 'proactive' WHERE doc_id = ?", doc)
    _sql(
        run,
        "UPDATE disclosure_history SET attribute = 'proactive' WHERE id ="
        " (SELECT MAX(id) FROM disclosure_history WHERE doc_id = ?)",
        doc,
    )
    report = _verify(run, expect=1)
    targets = {t for k, t in _problems(report) if k == "catalog_tampered"}
    assert f"disclosure_history {doc}" in targets and f"disclosure {doc}" in targets
    # The chain stays broken: setting the attribute again does not bless the forgery.
    run("disclosure", "set", doc, "withheld", "--reason", "内部事务")
    assert f"disclosure_history {doc}" in {t for _, t in _problems(_verify(run, expect=1))}


def test_history_entry_removed_is_found(sample: Cli) -> None:
    """Removing the last entry: the attribute is no longer the history's head."""
    run = sample
    doc = run.json("show", "青政发〔2022〕9号", "--view", "internal")["id"]
    _sql(
        run,
        "DELETE FROM disclosure_history WHERE id ="
        " (SELECT MAX(id) FROM disclosure_history WHERE doc_id = ?)",
        doc,
    )
    report = _verify(run, expect=1)
    assert ("catalog_tampered", f"disclosure {doc}") in _problems(report)


def _downgrade(catalog: Path) -> None:
    """The catalog as the previous schema left it: no fingerprints, no checksums."""
    conn = sqlite3.connect(catalog)
    try:
        for (trigger,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'gazette_count_%'"
        ).fetchall():
            conn.execute(f"DROP TRIGGER {trigger}")
        conn.execute("DROP TABLE IF EXISTS gazette_changes")
        for table in integrity.COVERED:
            if table != "disclosure_history":
                conn.execute(f"ALTER TABLE {table} DROP COLUMN checksum")
        conn.execute("ALTER TABLE disclosure_history DROP COLUMN chain")
        conn.execute("ALTER TABLE disclosure DROP COLUMN withheld_fingerprints")
        conn.execute("ALTER TABLE disclosure_history DROP COLUMN withheld_fingerprints")
        # Later migrations' objects go too, so that the catalog is a version 1 catalog.
        for table in ("ocr_pages", "sessions", "api_tokens", "users"):
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        for index in (
            "log_action_at",
            "documents_created",
            "events_recorded",
            "disclosure_history_changed",
        ):
            conn.execute(f"DROP INDEX IF EXISTS {index}")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
        conn.commit()
    finally:
        conn.close()


@pytest.mark.sqlite_catalog
def test_migration_computes_checksums_and_fingerprints(sample: Cli) -> None:
    run = sample
    before = run("show", "青政发〔2022〕9号", "--text").stdout
    _downgrade(run.archive_dir / "catalog.sqlite")
    report = _verify(run)
    assert report["ok"] is True
    assert run("show", "青政发〔2022〕9号", "--text").stdout == before
    conn = sqlite3.connect(run.archive_dir / "catalog.sqlite")
    try:
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        partial = conn.execute(
            "SELECT withheld_fingerprints FROM disclosure WHERE attribute = 'partial'"
        ).fetchall()
    finally:
        conn.close()
    assert int(version[0]) >= 2
    assert partial and all(json.loads(row[0]) for row in partial)
    _sql(run, "UPDATE documents SET note = 'x' WHERE rowid = 1")
    assert _verify(run, expect=1)["ok"] is False


# --- a damaged search index ------------------------------------------------------------------


def _truncate_largest(folder: Path, part: int) -> None:
    files = [p for p in folder.rglob("*") if p.is_file()]
    largest = max(files, key=lambda p: p.stat().st_size)
    with open(largest, "r+b") as handle:
        handle.truncate(largest.stat().st_size // part)


@pytest.mark.sqlite_catalog
@pytest.mark.parametrize("engine", ["sqlite", "whoosh"])
def test_truncated_index_is_named_and_rebuilt(run: Cli, engine: str) -> None:
    run("ingest", "--recursive", str(ARCHIVE_DATA / "documents"))
    if engine != "sqlite":
        run("reindex", "--engine", engine)
    _truncate_largest(run.archive_dir / "index" / engine, 2)
    for args in (("search", "政务公开"), ("verify",)):
        result = run(*args, expect=1)
        assert "Traceback" not in result.output, result.output
    report = _verify(run, expect=1)
    assert [k for k, _ in _problems(report)] == ["index_damaged"]
    # A write still works: the index is derived data, the catalog is intact.
    run("disclosure", "set", "青政发〔2019〕30号", "proactive", "--reason", "公开")
    assert "已修复" in run("verify", "--repair").stdout
    assert _verify(run)["ok"] is True
    assert run.json("search", "政务公开")["total"] >= 1
    _truncate_largest(run.archive_dir / "index" / engine, 3)
    assert "建立索引" in run("reindex").stdout
    assert _verify(run)["ok"] is True


@pytest.mark.sqlite_catalog
def test_corrupt_index_page_found_by_a_query_is_one_line(run: Cli) -> None:
    run("ingest", "--recursive", str(ARCHIVE_DATA / "documents"))
    db = run.archive_dir / "index" / "sqlite" / "fts5.sqlite"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    count = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    with open(db, "r+b") as handle:  # every page but the first overwritten
        for number in range(1, count):
            handle.seek(number * page)
            handle.write(b"\x5a" * page)
    result = run("search", "政务公开", expect=1)
    assert "Traceback" not in result.output
    assert "检索索引已损坏" in result.stderr and "gazette reindex" in result.stderr
    run("reindex")
    assert run.json("search", "政务公开")["total"] >= 1


# --- what a killed writer left -----------------------------------------------------------------


def test_incoming_leftover_does_not_fail_verify_and_the_next_writer_removes_it(run: Cli) -> None:
    run("ingest", "--recursive", str(ARCHIVE_DATA / "documents"))
    objects = run.archive_dir / "objects"
    folder = next(p for p in objects.iterdir() if p.is_dir())
    leftover = folder / ".incoming-abc123"
    leftover.write_bytes(b"half an original")
    assert _verify(run)["ok"] is True  # no writer at work: verify removes it
    assert not leftover.exists()
    leftover.write_bytes(b"half an original")
    run("disclosure", "set", "青政发〔2019〕30号", "proactive", "--reason", "公开")
    assert not leftover.exists()


_KILLED_BAG = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import gazette
    from gazette.export import bag

    def stuck(*args, **kwargs):
        Path(sys.argv[3]).write_text("staging")
        time.sleep(3600)

    bag._fill_original = bag._fill
    def fill(archive, reader, root, *args):
        bag._fill_original(archive, reader, root, *args)
        stuck()
    bag._fill = fill
    archive = gazette.open_archive(sys.argv[1])
    bag.make_bag(archive, Path(sys.argv[2]), list(archive.internal.ids()), view="internal")
    """
)


def test_bag_staging_of_a_killed_export_is_cleaned_by_the_next_writer(
    run: Cli, tmp_path: Path
) -> None:
    run("ingest", "--recursive", str(ARCHIVE_DATA / "documents"))
    run("disclosure", "set", "青政办发〔2023〕7号", "withheld", "--reason", "内部事务")
    out = tmp_path / "out"
    ready = tmp_path / "ready"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-c", _KILLED_BAG, str(run.archive_dir), str(out / "bag"), str(ready)],
        env=env,
    )
    try:
        deadline = time.monotonic() + 120
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert ready.exists(), "the export did not start"
        staged = [p for p in out.iterdir() if ".bagging-" in p.name]
        assert any(p.is_dir() for p in staged)
        # While the export runs, nobody touches its folder.
        run("disclosure", "set", "青政发〔2019〕30号", "proactive", "--reason", "公开")
        assert all(p.exists() for p in staged)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert any(p.exists() for p in staged)  # what the killed export left (hidden text in it)
    run("disclosure", "set", "青政发〔2019〕30号", "proactive", "--reason", "复核")
    assert not any(p.exists() for p in staged)
    assert not (run.archive_dir / "staging").exists() or not any(
        (run.archive_dir / "staging").iterdir()
    )


def test_next_bag_in_the_folder_cleans_an_abandoned_staging_folder(
    run: Cli, tmp_path: Path
) -> None:
    run("ingest", "--recursive", str(ARCHIVE_DATA / "documents"))
    out = tmp_path / "out"
    stray = out / ".bag.bagging-dead"
    (stray / "documents").mkdir(parents=True)
    (stray / "documents" / "secret.txt").write_text("内部文字", "utf-8")
    run("export", "--bag", str(out / "bag"))
    assert not stray.exists()
    assert (out / "bag" / "bagit.txt").is_file()


@pytest.mark.sqlite_catalog
def test_archive_api_names_a_damaged_index(tmp_path: Path) -> None:
    archive = gazette.open_archive(tmp_path / "archive")
    try:
        archive.index  # noqa: B018 - opens it
    finally:
        archive.close()
    db = tmp_path / "archive" / "index" / "sqlite" / "fts5.sqlite"
    db.write_bytes(db.read_bytes()[:100])
    archive = gazette.open_archive(tmp_path / "archive")
    try:
        with pytest.raises(gazette.IndexDamaged):
            archive.public.search("政务")
        assert archive.reindex() == 0
        assert archive.public.search("政务").total == 0
    finally:
        archive.close()


def test_a_temporary_file_of_a_writer_at_work_is_not_a_leftover(tmp_path: Path) -> None:
    # Writers copy originals in before they take the write lock: a temporary file is a
    # leftover only once its writer is gone.
    import socket

    from gazette.archive.store import ObjectStore

    store = ObjectStore(tmp_path / "objects")
    folder = tmp_path / "objects" / "ab"
    folder.mkdir()
    here = socket.gethostname()
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    at_work = folder / f".incoming-{os.getpid()}@{here}.k2x8a1"
    dead = folder / f".incoming-{gone}@{here}.p0q9z3"
    elsewhere = folder / ".incoming-77@other-host.example.org.b7c1d2"
    elsewhere_old = folder / ".incoming-78@other-host.example.org.e4f5g6"
    unnamed = folder / ".incoming-abc123"
    for path in (at_work, dead, elsewhere, elsewhere_old, unnamed):
        path.write_bytes(b"half an original")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(elsewhere_old, (two_days_ago, two_days_ago))
    assert set(store.leftovers()) == {dead, elsewhere_old, unnamed}


def test_a_writer_copies_its_original_before_it_waits_for_the_lock(
    tmp_path: Path, seed_path: Path
) -> None:
    import threading

    from ingest.pipeline import identify, prepare

    first = gazette.open_archive(tmp_path / "a", actor="test")
    second = gazette.open_archive(tmp_path / "a", actor="test")
    source = identify(seed_path)
    submission = prepare(seed_path, source)
    results: list[Any] = []
    try:
        with first.writing():
            worker = threading.Thread(target=lambda: results.append(second.add(submission)))
            worker.start()
            deadline = time.monotonic() + 60
            while source.sha256 not in first.objects and time.monotonic() < deadline:
                time.sleep(0.01)
            assert source.sha256 in first.objects  # copied in while the lock is held
            assert worker.is_alive() and not results
            first.objects.remove(source.sha256)  # a repair takes it for an orphan meanwhile
        worker.join(60)
        assert results and results[0].outcome == "ingested"
        assert first.objects.verify(source.sha256) is True  # copied again under the lock
        assert first.documents.has_source(source.sha256)
    finally:
        first.close()
        second.close()
