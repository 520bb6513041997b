"""The examples run, and the bundled sample corpus is what its scripts write.

``examples/main_job.sh`` is the README's first command; ``examples/api_tour.py`` is the Python
API tour; ``examples/make_gazette.py`` and ``tests/make_sample_corpus.py`` wrote files of
``archive_data/``, which must not drift from them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ARCHIVE_DATA, ROOT


def _env(archive: Path, demo: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    # ``python3`` in the script is this interpreter, whatever environment runs the tests.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["GAZETTE_ARCHIVE"] = str(archive)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    if demo is not None:
        env["GAZETTE_DEMO_DIR"] = str(demo)
    return env


def _run_main_job(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", str(ROOT / "examples" / "main_job.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_main_job_runs_on_the_sample_corpus(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    done = _run_main_job(_env(tmp_path / "user-archive", demo))
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    files = sum(1 for p in ARCHIVE_DATA.rglob("*") if p.is_file())
    assert f"已入库 0，重复 {files}，失败 0" in out
    assert "青川市人民政府公报 2021年第4期" in out
    assert "【已废止" in out  # the repealed notice's export carries its status mark
    assert "打包到" in out and "Payload-Oxum" in out
    assert out.rstrip().splitlines()[-1].endswith("：正常")
    assert (demo / "exports" / "qcsb-2019-30.docx").stat().st_size > 0
    assert (demo / "exports" / "bag" / "bagit.txt").is_file()
    assert (demo / "archive" / "catalog.sqlite").is_file()
    # The archive named by GAZETTE_ARCHIVE is the user's: the demo never touches it.
    assert not (tmp_path / "user-archive").exists()
    # A second run replaces the demo folder it made itself.
    again = _run_main_job(_env(tmp_path / "user-archive", demo))
    assert again.returncode == 0, again.stderr[-2000:]


def test_main_job_never_deletes_a_folder_it_did_not_make(tmp_path: Path) -> None:
    user_archive = tmp_path / "my-archive"
    user_archive.mkdir()
    (user_archive / "catalog.sqlite").write_bytes(b"precious")
    # Pointed at the user's archive, both ways: the demo leaves it alone.
    done = _run_main_job(_env(user_archive, demo=user_archive))
    assert done.returncode == 1
    assert "不是本演示创建的" in done.stderr
    assert (user_archive / "catalog.sqlite").read_bytes() == b"precious"


def test_api_tour_runs() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "api_tour.py")],
        env=_env(ROOT / "unused-archive"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "ingest: {'ingested':" in done.stdout
    assert "canonical number: 青政办发〔2021〕12号" in done.stdout
    assert not (ROOT / "unused-archive").exists()


def test_the_sample_gazette_is_what_make_gazette_writes(tmp_path: Path) -> None:
    pytest.importorskip("reportlab", reason="the gazette is typeset with reportlab")
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import make_gazette
    finally:
        sys.path.remove(str(ROOT / "examples"))
    from tests.gazette_pdf import render_pdf

    fresh = tmp_path / "issue.pdf"
    render_pdf(make_gazette.spec(), fresh)
    assert fresh.read_bytes() == make_gazette.OUTPUT.read_bytes()
