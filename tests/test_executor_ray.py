"""Ingest through Ray tasks: the same archive as a local ingest, failures kept per page.

One local Ray (2 CPUs, no dashboard) is started for the module and joined by every
:class:`RayExecutor` here; the local ingest it is compared with uses the process pools. The
inputs are real: pages of gov.cn and renditions of them made by Word and LibreOffice (see
``corpus/SOURCES.md``), and the scanned gazette issue the OCR tests use.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import gazette
from gazette.errors import InvalidArgument
from gazette.model import Document, OcrPage
from ingest import ingest_paths, ocr
from ingest.executors import LocalExecutor, executor_named
from ingest.ocr import pool
from tests.conftest import ROOT, Cli, corpus_path

ray = pytest.importorskip("ray", reason="the Ray executor needs ray (the [ray] extra)")

from ingest.executors.cluster import RayExecutor  # noqa: E402

_WORK = pool.work  # the page work before any test patches it


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A local Ray of 2 CPUs for the module (it takes seconds to start)."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    try:
        yield ray
    finally:
        ray.shutdown()


@pytest.fixture
def on_ray(cluster: Any) -> Iterator[RayExecutor]:
    with RayExecutor() as executor:
        yield executor


def content(root: Path) -> dict[str, Any]:
    """What an archive holds, through its public reading methods: counts, every document (its
    metadata, text, sources, events), the issues, and the OCR pages of every source."""
    with gazette.open_archive(root) as archive:
        view = archive.internal
        documents = {doc.id: _settled(doc) for doc in view.documents(top_level_only=False)}
        shas = sorted({s.sha256 for doc in documents.values() for s in doc.sources})
        return {
            "counts": archive.counts(),
            "documents": documents,
            "issues": view.issues(),
            "ocr": {sha: view.ocr_pages(sha) for sha in shas},
        }


def _settled(doc: Document) -> Document:
    """A document with its sources in a fixed order: the catalog lists them by the second
    they were stored in, which depends on timing, not on who read them."""
    return attrs.evolve(
        doc,
        sources=tuple(sorted(doc.sources, key=lambda s: s.sha256)),
        parts=tuple(_settled(part) for part in doc.parts),
    )


def outcomes(report: Any) -> list[tuple[str, str, tuple[str, ...], str | None]]:
    return [(Path(r.path).name, r.outcome, r.ids, r.reason) for r in report.results]


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of real documents: gov.cn pages, and Word and PDF renditions of some of them
    (which merge into the documents they render)."""
    folder = tmp_path_factory.mktemp("documents")
    for key in ("01", "04", "07", "10"):
        shutil.copy(corpus_path("govcn", f"{key}.page.html"), folder / f"govcn-{key}.html")
    for name in ("01.body.docx", "04.body.pdf", "13.body.docx", "13.body.pdf"):
        shutil.copy(corpus_path("renditions", name), folder / f"rendition-{name}")
    return folder


def test_a_folder_of_real_documents_gives_the_same_archive(
    tmp_path: Path, documents: Path, on_ray: RayExecutor
) -> None:
    with gazette.open_archive(tmp_path / "local") as archive:
        local = ingest_paths(archive, [documents], recursive=True, executor=LocalExecutor(2))
    with gazette.open_archive(tmp_path / "ray") as archive:
        remote = ingest_paths(archive, [documents], recursive=True, executor=on_ray)
    assert outcomes(remote) == outcomes(local)
    assert {r.outcome for r in local.results} == {"ingested"}, outcomes(local)
    assert any(r.merged for r in local.results), "renditions merge into their documents"
    assert content(tmp_path / "ray") == content(tmp_path / "local")


def _skip_without_ocr() -> None:
    if ocr.unavailable() is not None:
        pytest.skip(f"OCR cannot run here: {ocr.unavailable()}")


@pytest.fixture(scope="module")
def scan_ingests(tmp_path_factory: pytest.TempPathFactory, gazettes: Any, cluster: Any) -> Any:
    """The scanned issue ingested locally and through Ray, once for the module: the archives,
    the reports and the page progress each reported here."""
    _skip_without_ocr()
    root = tmp_path_factory.mktemp("scans")
    told: dict[str, list[tuple[int, int]]] = {"local": [], "ray": []}
    reports = {}
    for name in ("local", "ray"):
        executor = LocalExecutor() if name == "local" else RayExecutor()
        with (
            gazette.open_archive(root / name) as archive,
            pool.progress_to(lambda label, done, total, n=name: told[n].append((done, total))),
        ):
            reports[name] = ingest_paths(archive, [gazettes.small_scan], executor=executor)
    return root, reports, told


def test_a_scanned_issue_gives_the_same_archive_and_its_page_progress(scan_ingests: Any) -> None:
    root, reports, told = scan_ingests
    for report in reports.values():
        assert [(r.outcome, r.reason) for r in report.results] == [("ingested", None)]
    found = content(root / "ray")
    assert found == content(root / "local")
    assert found["counts"]["issues"] == 1 and len(found["issues"][0].items) >= 2
    [pages] = found["ocr"].values()
    assert [p.page for p in pages] == [1, 2, 3, 4, 5] and all(p.error is None for p in pages)
    # Each page's progress reached this process, as locally (in the order pages finished).
    assert sorted(told["ray"]) == sorted(told["local"]) == [(n, 5) for n in range(1, 6)]
    # The tasks kept each page in the archive's page cache as it was done.
    assert len(list((root / "ray" / "ocr-cache").rglob("*.json"))) == 5


def die_on_page_two(job: pool.Job) -> OcrPage:
    """Page work whose process dies on page 2 (a crash in a native library)."""
    if job.page == 2:
        os._exit(9)
    return _WORK(job)


def test_a_page_whose_task_dies_is_marked_like_locally(
    tmp_path: Path, gazettes: Any, scan_ingests: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pages 1, 4 and 5 come from the page cache of the first ingest; 2 and 3 are recognised
    # (two of them, so that the local run recognises them in its pool, not in this process).
    root = scan_ingests[0]
    for name in ("local", "ray"):
        shutil.copytree(root / "local" / "ocr-cache", tmp_path / name / "ocr-cache")
        for page in (2, 3):
            [cached] = (tmp_path / name / "ocr-cache").rglob(f"{page:05d}.json")
            cached.unlink()
    with (
        RayExecutor(page_work=die_on_page_two) as executor,
        gazette.open_archive(tmp_path / "ray") as archive,
    ):
        remote = ingest_paths(archive, [gazettes.small_scan], executor=executor)
    pool.shutdown()  # workers forked from here on run the patched function
    monkeypatch.setattr(pool, "work", die_on_page_two)
    try:
        with gazette.open_archive(tmp_path / "local") as archive:
            local = ingest_paths(archive, [gazettes.small_scan], executor=LocalExecutor())
    finally:
        pool.shutdown()
    assert outcomes(remote) == outcomes(local)
    [result] = remote.results
    assert (result.outcome, result.reason) == ("ingested", "needs_ocr")
    assert any("page 2:" in note and "died" in note for note in result.notes), result.notes
    found = content(tmp_path / "ray")
    assert found == content(tmp_path / "local")
    [issue] = found["issues"]
    assert issue.needs_ocr == (2,)
    [pages] = found["ocr"].values()
    assert [(p.page, p.error) for p in pages] == [
        (1, None),
        (2, pool.DIED),
        (3, None),
        (4, None),
        (5, None),
    ]


def dies_on_marked_files(path: Path, source: Any) -> Any:
    """A reading stage whose process dies on files named ``*-dies*``."""
    from ingest import stages

    if "-dies" in path.name:
        os._exit(137)
    return stages.build_submission(path, source)


def test_a_file_whose_task_dies_fails_alone(
    tmp_path: Path, documents: Path, on_ray: RayExecutor
) -> None:
    folder = tmp_path / "batch"
    shutil.copytree(documents, folder)
    (folder / "govcn-04.html").rename(folder / "govcn-04-dies.html")
    with gazette.open_archive(tmp_path / "ray") as archive:
        report = ingest_paths(
            archive, [folder], recursive=True, executor=on_ray, stage=dies_on_marked_files
        )
        failed = [r for r in report.results if r.outcome == "failed"]
        assert [Path(r.path).name for r in failed] == ["govcn-04-dies.html"]
        assert "意外终止" in (failed[0].error or "")
        assert report.summary["ingested"] == len(report.results) - 1
        assert archive.counts()["sources"] == len(report.results) - 1


# --- the command line -----------------------------------------------------------------------


def test_the_command_line_ingests_through_ray(
    tmp_path: Path, documents: Path, cluster: Any
) -> None:
    local, remote = Cli(tmp_path / "local"), Cli(tmp_path / "ray")
    local("ingest", "-r", str(documents))
    answer = remote.json("ingest", "-r", str(documents), "--executor", "ray")
    assert answer["summary"]["ingested"] == len(list(documents.iterdir()))
    assert content(tmp_path / "ray") == content(tmp_path / "local")
    assert ray.is_initialized(), "a Ray this process had joined is left running"


def test_ray_address_joins_a_running_cluster(tmp_path: Path, documents: Path, cluster: Any) -> None:
    address = cluster.get_runtime_context().gcs_address
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("GAZETTE_ARCHIVE", None)
    page = documents / "govcn-01.html"
    command = [sys.executable, "-m", "gazette", "--archive", str(tmp_path / "a"), "ingest"]
    done = subprocess.run(
        [*command, str(page), "--executor", "ray", "--ray-address", address, "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    Cli(tmp_path / "b")("ingest", str(page))
    assert content(tmp_path / "a") == content(tmp_path / "b")


def _refused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again: nothing listens there


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        (f"127.0.0.1:{_refused_port()}", "连接被拒绝"),
        ("ray-head", "无法识别"),
    ],
)
def test_a_cluster_that_cannot_be_reached_is_one_line_and_stores_nothing(
    tmp_path: Path, documents: Path, address: str, reason: str
) -> None:
    run = Cli(tmp_path / "archive")
    result = run(
        "ingest", "-r", str(documents), "--executor", "ray", "--ray-address", address, expect=1
    )
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("错误：")
    assert address in result.stderr and reason in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "archive").exists(), "nothing stored, not even an empty archive"


def test_without_ray_installed_the_extra_is_named(
    tmp_path: Path, documents: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    run = Cli(tmp_path / "archive")
    result = run("ingest", "-r", str(documents), "--executor", "ray", expect=1)
    assert result.stderr.count("\n") == 1
    assert "pip install 'gazette[ray]'" in result.stderr
    assert not (tmp_path / "archive").exists()


def test_an_address_without_ray_is_refused() -> None:
    with pytest.raises(InvalidArgument):
        executor_named("local", address="127.0.0.1:6379")
    with pytest.raises(InvalidArgument):
        executor_named("dask")


@pytest.mark.slow
def test_first_ctrl_c_stops_a_ray_ingest_with_130_and_stores_nothing(
    tmp_path: Path, gazettes: Any
) -> None:
    """Ctrl-C at a terminal (SIGINT to the whole process group, Ray's processes included)."""
    _skip_without_ocr()
    from tests.test_ocr_runs import _wait_for_progress

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("GAZETTE_ARCHIVE", None)
    archive = tmp_path / "archive"
    command = [sys.executable, "-m", "gazette", "--archive", str(archive), "ingest"]
    process = subprocess.Popen(
        [*command, str(gazettes.small_scan), "--executor", "ray", "--jobs", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    lines = _wait_for_progress(process)
    sent = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail(f"still running 60 s after Ctrl-C: {''.join(lines)[-3000:]}")
    took = time.monotonic() - sent
    assert process.returncode == 130, "".join(lines)[-3000:]
    assert took < 10, f"stopped {took:.1f} s after Ctrl-C"
    with gazette.open_archive(archive) as opened:
        counts = opened.counts()
        assert (counts["sources"], counts["documents"], counts["issues"]) == (0, 0, 0)
