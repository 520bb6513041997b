"""Concurrency: readers keep working while a writer ingests; a second writer waits or fails
clearly, never corrupts."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import gazette
from gazette.verify import verify
from ingest import ingest_paths
from tests.conftest import ROOT
from tests.test_crash_safety import _env, _ingest_cmd, _write_batch

READER = textwrap.dedent(
    """
    import json, sys, time, random
    import gazette
    from pathlib import Path
    archive_dir, stop = sys.argv[1], Path(sys.argv[2])
    archive = gazette.open_archive(archive_dir, create=False, actor="reader")
    view = archive.internal
    stats = {"searches": 0, "shows": 0, "lists": 0, "errors": [], "torn": 0}
    rng = random.Random()
    while not stop.exists() or stats["searches"] < 5:
        try:
            results = view.search("重点工作", limit=10)
            stats["searches"] += 1
            for hit in results.hits:
                # The index never runs ahead of the catalog: every hit can be shown.
                if view.find(hit.id) is None:
                    stats["torn"] += 1
            rows = view.list()
            stats["lists"] += 1
            if rows:
                doc = view.get(rng.choice(rows).id)
                assert doc.title
                stats["shows"] += 1
        except Exception as exc:  # noqa: BLE001 - counted and reported
            stats["errors"].append(f"{type(exc).__name__}: {exc}")
    print(json.dumps(stats))
    """
)


@pytest.mark.slow
def test_readers_while_a_writer_ingests(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    _write_batch(batch)
    archive_dir = tmp_path / "archive"
    # Something to read from the start.
    first = sorted(batch.iterdir())[:2]
    with gazette.open_archive(archive_dir) as archive:
        ingest_paths(archive, first, jobs=1)
    stop = tmp_path / "stop"
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", READER, str(archive_dir), str(stop)],
            env=_env(),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    writer = subprocess.Popen(
        _ingest_cmd(archive_dir, batch),
        env=_env(),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _out, err = writer.communicate(timeout=300)
    stop.touch()
    assert writer.returncode == 0, err
    totals = {"searches": 0, "shows": 0, "lists": 0, "torn": 0}
    for reader in readers:
        stdout, stderr = reader.communicate(timeout=300)
        assert reader.returncode == 0, stderr
        stats = json.loads(stdout)
        assert stats["errors"] == []
        for key in totals:
            totals[key] += stats[key]
    print(f"\nreader load held: {totals}")
    assert totals["torn"] == 0
    assert totals["searches"] > 0 and totals["shows"] > 0
    with gazette.open_archive(archive_dir) as archive:
        assert verify(archive).ok
        assert archive.counts()["documents"] == len(list(batch.iterdir()))


HOLDER = textwrap.dedent(
    """
    import sys, time
    import gazette
    archive = gazette.open_archive(sys.argv[1], actor="holder")
    with archive.writing():
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)


@pytest.mark.slow
def test_second_writer_fails_clearly_or_waits(tmp_path: Path) -> None:
    archive_dir = tmp_path / "archive"
    gazette.open_archive(archive_dir).close()
    sample = tmp_path / "one.txt"
    sample.write_text(
        "测试市人民政府关于开展测试工作的通知\n\n测政发〔2024〕99号\n\n各单位：\n\n"
        "请认真做好测试工作。\n\n测试市人民政府\n\n2024年1月2日\n",
        "utf-8",
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(archive_dir), "3"],
        env=_env(),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    impatient = gazette.open_archive(archive_dir, lock_timeout=0.3)
    with pytest.raises(gazette.ArchiveBusy) as caught, impatient.writing():
        pass
    assert "另一进程正在写入档案" in str(caught.value)
    assert "进程 " in str(caught.value)
    impatient.close()
    # A patient writer waits for the lock and then succeeds.
    patient = gazette.open_archive(archive_dir, lock_timeout=30)
    start = time.monotonic()
    report = ingest_paths(patient, [sample], jobs=1)
    waited = time.monotonic() - start
    holder.wait(timeout=30)
    assert report.summary["ingested"] == 1
    assert waited > 0.5  # it did wait for the holder
    assert verify(patient).ok
    patient.close()


@pytest.mark.slow
def test_busy_archive_fails_the_cli_with_one_line(tmp_path: Path) -> None:
    archive_dir = tmp_path / "archive"
    gazette.open_archive(archive_dir).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(archive_dir), "4"],
        env=_env(),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    code = (
        "import sys, gazette\n"
        "from gazette.cli import main\n"
        f"sys.exit(main(['--archive', {str(archive_dir)!r}, 'reindex']))\n"
    )
    env = _env()
    env["GAZETTE_LOCK_TIMEOUT"] = "0.3"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    holder.wait(timeout=30)
    assert result.returncode == 1
    assert result.stderr.startswith("错误：")
    assert "另一进程正在写入档案" in result.stderr
    assert "Traceback" not in result.stderr
