"""Crash safety, proven: a batch ingest killed with SIGKILL at random moments.

Each run starts ``gazette ingest --recursive`` in a subprocess, kills it after a random delay
spread over the batch's duration, then reopens the archive and checks that:

* it opens and its catalog passes SQLite's integrity and foreign-key checks;
* ``verify`` finds nothing, or only repairable problems (index drift, orphan or temporary
  files), which ``verify --repair`` then clears;
* no document is half stored (every source has its documents, every document its text, its
  source and its original file);
* running the batch again completes it, with no duplicate documents.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import gazette
from gazette.verify import repair, verify
from tests.conftest import ROOT

RUNS = int(os.environ.get("GAZETTE_CRASH_RUNS", "30"))
FILES = 16


def _write_batch(folder: Path) -> None:
    folder.mkdir()
    for n in range(FILES):
        paragraphs = "\n\n".join(
            f"（{k}）第{n}号文件第{k}项要求：各单位要按照职责分工，认真落实第{k}项工作任务，"
            f"确保{n}月{k}日前完成。" * 3
            for k in range(1, 12)
        )
        (folder / f"doc-{n:02d}.txt").write_text(
            f"测试市人民政府文件\n\n测政发〔2024〕{n + 1}号\n\n"
            f"测试市人民政府关于做好第{n}项重点工作的通知\n\n各区县人民政府，市政府各部门：\n\n"
            f"{paragraphs}\n\n测试市人民政府\n\n2024年3月{n % 28 + 1}日\n\n（此件公开发布）\n",
            "utf-8",
        )


def _ingest_cmd(archive: Path, batch: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gazette",
        "--archive",
        str(archive),
        "ingest",
        "--recursive",
        "--jobs",
        "1",
        str(batch),
    ]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _half_stored(archive: gazette.Archive) -> list[str]:
    """Every way a document could be partly stored."""
    conn = archive.conn
    found: list[str] = []
    queries = {
        "source without documents": "SELECT sha256 FROM sources s WHERE NOT EXISTS "
        "(SELECT 1 FROM document_sources d WHERE d.sha256 = s.sha256)",
        "document without text": "SELECT id FROM documents d WHERE NOT EXISTS "
        "(SELECT 1 FROM texts t WHERE t.doc_id = d.id)",
        "document without source": "SELECT id FROM documents d WHERE NOT EXISTS "
        "(SELECT 1 FROM document_sources s WHERE s.doc_id = d.id)",
    }
    for what, sql in queries.items():
        found += [f"{what}: {row[0]}" for row in conn.execute(sql).fetchall()]
    for (sha,) in conn.execute("SELECT sha256 FROM sources").fetchall():
        if archive.objects.verify(sha) is not True:
            found.append(f"source without intact original: {sha}")
    return found


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """The batch folder and how long a full ingest of it takes here."""
    folder = tmp_path_factory.mktemp("crash") / "batch"
    _write_batch(folder)
    archive = folder.parent / "timing-archive"
    start = time.monotonic()
    subprocess.run(
        _ingest_cmd(archive, folder), check=True, capture_output=True, env=_env(), cwd=ROOT
    )
    return folder, time.monotonic() - start


@pytest.mark.slow
def test_kill_at_random_moments(batch: tuple[Path, float], tmp_path: Path) -> None:
    folder, duration = batch
    rng = random.Random(20261128)
    outcomes = {"killed": 0, "finished_before_kill": 0, "repaired": 0}
    attempt = 0
    # Count only runs that were really killed; a run that finished first shortens the
    # estimate of the batch's duration, so the next moments fall inside it.
    while outcomes["killed"] < RUNS and attempt < RUNS * 3:
        run = attempt
        attempt += 1
        archive_dir = tmp_path / f"archive-{run}"
        delay = rng.uniform(0.0, duration * 0.95)
        started = time.monotonic()
        process = subprocess.Popen(
            _ingest_cmd(archive_dir, folder),
            env=_env(),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            outcomes["killed"] += 1
        else:
            outcomes["finished_before_kill"] += 1
            duration = min(duration, time.monotonic() - started)
        process.wait()
        if not (archive_dir / "catalog.sqlite").exists():
            continue  # killed before the archive was created: nothing to check
        archive = gazette.open_archive(archive_dir, actor="crash-test")
        try:
            conn = archive.conn
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", run
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == [], run
            assert _half_stored(archive) == [], (run, delay)
            report = verify(archive)
            assert report.only_repairable, (run, delay, report.problems)
            if not report.ok:
                repair(archive)
                outcomes["repaired"] += 1
                assert verify(archive).ok, run
        finally:
            archive.close()
        # Running the batch again completes it without duplicates.
        rerun = subprocess.run(
            _ingest_cmd(archive_dir, folder), env=_env(), cwd=ROOT, capture_output=True, text=True
        )
        assert rerun.returncode == 0, rerun.stderr
        archive = gazette.open_archive(archive_dir, actor="crash-test")
        try:
            counts = archive.counts()
            assert counts["sources"] == FILES, (run, counts)
            assert counts["documents"] == FILES, (run, counts)
            numbers = [
                r[0]
                for r in archive.conn.execute(
                    "SELECT doc_number FROM documents WHERE parent_id IS NULL"
                ).fetchall()
            ]
            assert len(set(numbers)) == FILES
            assert verify(archive).ok, run
            assert archive.internal.search("重点工作").total == FILES
        finally:
            archive.close()
    print(f"\ncrash runs: {attempt}, {outcomes}")
    assert outcomes["killed"] >= RUNS


@pytest.mark.sqlite_catalog
def test_sqlite_catalog_survives_kill_during_write(tmp_path: Path) -> None:
    """A process killed inside an open write transaction leaves no trace of it."""
    archive_dir = tmp_path / "a"
    gazette.open_archive(archive_dir).close()
    code = (
        "import gazette, os, signal\n"
        f"a = gazette.open_archive({str(archive_dir)!r})\n"
        "a.conn.execute('BEGIN IMMEDIATE')\n"
        'a.conn.execute("INSERT INTO sources(sha256, format, size, name, path, ingested_at)'
        " VALUES ('x', 'txt', 1, 'n', 'p', 't')\")\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    subprocess.run([sys.executable, "-c", code], env=_env(), cwd=ROOT)
    conn = sqlite3.connect(archive_dir / "catalog.sqlite")
    assert conn.execute("SELECT COUNT(*) FROM sources").fetchone()[0] == 0
    conn.close()
