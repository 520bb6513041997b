"""Batch ingest: parallel reading, a worker that dies, resuming, the summary by format."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

import gazette
from gazette.archive import Submission
from gazette.cli.ingest_cmd import summary_table
from gazette.model import SourceFile
from ingest import ingest_paths, stages
from ingest.raw import Line
from tests.conftest import ARCHIVE_DATA, Cli
from tests.render import render_pdf, write_docx


def dies_on_marked_files(path: Path, source: SourceFile) -> Submission:
    """A stage whose process dies (as if killed for memory) on files named ``*-dies*``."""
    if "-dies" in path.name:
        os._exit(137)
    return stages.build_submission(path, source)


def notice(n: int) -> str:
    return (
        f"青川市人民政府文件\n\n青政发〔2024〕{n}号\n\n青川市人民政府关于第{n}项工作的通知\n\n"
        f"各区县人民政府：\n\n请做好第{n}项工作。\n\n青川市人民政府\n\n2024年3月{n}日\n\n（此件公开发布）\n"
    )


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    folder = tmp_path / "batch"
    folder.mkdir()
    for n in range(1, 9):
        name = f"doc-{n:02d}-dies.txt" if n == 4 else f"doc-{n:02d}.txt"
        (folder / name).write_text(notice(n), "utf-8")
    return folder


def test_a_worker_that_dies_does_not_end_the_batch(archive: gazette.Archive, batch: Path) -> None:
    report = ingest_paths(archive, [batch], recursive=True, jobs=2, stage=dies_on_marked_files)
    outcomes = {Path(r.path).name: r.outcome for r in report.results}
    assert outcomes.pop("doc-04-dies.txt") == "failed"
    assert set(outcomes.values()) == {"ingested"} and len(outcomes) == 7
    failed = next(r for r in report.results if r.outcome == "failed")
    assert "意外终止" in (failed.error or "") and "doc-04-dies.txt" in (failed.error or "")
    assert archive.counts()["documents"] == 7
    # Results stay in input order.
    assert [Path(r.path).name for r in report.results] == sorted(p.name for p in batch.iterdir())


def test_rerunning_a_batch_resumes_by_hash(archive: gazette.Archive, batch: Path) -> None:
    first = ingest_paths(archive, sorted(batch.iterdir())[:3], jobs=2)
    assert first.summary["ingested"] == 3
    again = ingest_paths(archive, [batch], recursive=True, jobs=2)
    assert again.summary.items() >= {"ingested": 5, "duplicate": 3, "failed": 0}.items()


def test_summary_by_format_and_outcome(archive: gazette.Archive, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    shutil.copytree(ARCHIVE_DATA, folder)
    lines = [Line("青川市人民政府关于测试的通知", align="center"), Line("各单位："), Line("正文。")]
    write_docx(folder / "a.docx", lines)
    render_pdf(folder / "a.pdf", lines)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<")
    (folder / "empty.txt").write_bytes(b"")
    report = ingest_paths(archive, [folder], recursive=True, jobs=2)
    rows = {row.format: row for row in report.by_format()}
    sample = {fmt: len(list(ARCHIVE_DATA.rglob(f"*.{fmt}"))) for fmt in ("docx", "pdf", "txt")}
    assert rows["docx"].ingested == sample["docx"] + 1
    assert rows["pdf"].ingested == sample["pdf"] + 1
    assert rows["txt"].ingested == sample["txt"]
    assert rows["pdf"].failed == 1 and rows["pdf"].reasons == (("corrupt", 1),)
    assert rows["?"].failed == 1 and rows["?"].reasons == (("empty", 1),)
    assert sum(row.total for row in rows.values()) == len(report.results)
    console = Console(record=True, width=120)
    console.print(summary_table(report))
    text = console.export_text()
    assert "失败原因" in text and "文件损坏 1" in text and "全部" in text
    assert report.as_json()["by_format"][0]["format"] == next(iter(rows))


def test_cli_json_has_the_summary_by_format(run: Cli, batch: Path) -> None:
    data = run.json("ingest", "--recursive", "--jobs", "1", str(batch))
    assert data["by_format"] == [
        {"format": "txt", "ingested": 8, "duplicate": 0, "failed": 0, "reasons": {}}
    ]


def test_errors_from_workers_keep_their_kind(archive: gazette.Archive, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<")
    (folder / "b.txt").write_bytes(bytes(range(0x80, 0x100)) * 40)
    (folder / "c.html").write_text('<!DOCTYPE html [<!ENTITY a "x">]><html><body>&a;</body></html>')
    (folder / "d.txt").write_text(notice(1), "utf-8")
    report = ingest_paths(archive, [folder], recursive=True, jobs=2)
    assert [(Path(r.path).name, r.reason) for r in report.results] == [
        ("a.pdf", "corrupt"),
        ("b.txt", "undecodable"),
        ("c.html", "unsafe"),
        ("d.txt", None),
    ]


def test_the_index_catches_up_once_per_batch(
    archive: gazette.Archive, batch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied: list[int] = []
    original = archive.index.apply

    def counting(records: Any, deleted: Any = ()) -> int:
        records = list(records)
        applied.append(len(records))
        return original(records, deleted)

    monkeypatch.setattr(archive.index, "apply", counting)
    report = ingest_paths(archive, [batch], recursive=True, jobs=2)
    assert report.summary["ingested"] == 8
    assert len(applied) == 1 and applied[0] == 8
    hits = archive.internal.search("青川市人民政府", limit=20).hits
    assert len(hits) == 8


def test_verify_while_the_index_lags_behind_a_batch(archive: gazette.Archive, batch: Path) -> None:
    from gazette.verify import verify

    with archive.deferred_indexing():
        ingest_paths(archive, sorted(batch.iterdir())[:3], jobs=1)
        # As after a crash before the index caught up: the catalog has documents, the index
        # none. Verifying from another process must report it, not fail.
        with gazette.open_archive(archive.root, create=False) as other:
            assert not verify(other).ok
    assert verify(archive).ok
