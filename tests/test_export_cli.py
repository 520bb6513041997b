"""``gazette export``: one document, a selection, logging, errors."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

import gazette
from gazette.export.bulk import export_document, select
from tests.conftest import Cli
from tests.export_fixtures import CASES, ON, store


@pytest.fixture
def stocked(run: Cli, tmp_path: Path) -> dict[str, str]:
    """The fixtures in the CLI's archive; their archive ids by case."""
    src = tmp_path / "src"
    src.mkdir()
    with gazette.open_archive(run.archive_dir, actor="test") as archive:
        return {case: store(archive, make(), src, name=case) for case, make in CASES.items()}


def log_entries(archive_dir: Path) -> list[dict[str, object]]:
    with gazette.open_archive(archive_dir, actor="test") as archive:
        rows = archive.conn.execute(
            "SELECT action, target, outcome, detail FROM log WHERE action = 'export' ORDER BY id"
        ).fetchall()
    return [{"target": t, "outcome": o, **json.loads(d)} for _, t, o, d in rows]


def test_single_export_to_stdout_is_the_txt_rendering(run: Cli, stocked: dict[str, str]) -> None:
    doc_id = stocked["repealed-rule"]
    result = run("export", doc_id, "--on", ON.isoformat())
    assert result.stdout.startswith(
        "【已废止（依据：《青川市行政规范性文件管理规定》，自2024年11月1日起）】\n"
    )
    assert f"【档案编号：{doc_id}】" in result.stdout
    (entry,) = log_entries(run.archive_dir)
    assert entry["target"] == doc_id and entry["format"] == "txt" and entry["path"] == "-"
    assert entry["sha256"] == hashlib.sha256(result.stdout.encode()).hexdigest()
    assert entry["view"] == "public" and entry["on"] == ON.isoformat()


def test_single_export_by_number_to_a_file(
    run: Cli, stocked: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "out" / "rule.docx"
    result = run("export", "青政办发[2021]12号", "--format", "docx", "-o", str(out))
    assert out.read_bytes()[:2] == b"PK"
    assert "已写入" in result.stderr
    entry = log_entries(run.archive_dir)[-1]
    assert entry["path"] == str(out)
    assert entry["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()


def test_single_export_json_summary(run: Cli, stocked: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "x.xml"
    data = run.json("export", stocked["joint-in-force"], "--format", "akn", "-o", str(out))
    assert data["files"][0]["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()


def test_bulk_export_of_a_query_into_a_folder(
    run: Cli, stocked: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "bulk"
    data = run.json(
        "export", "--query", "青川市", "--format", "txt", "--format", "html", "-o", str(folder)
    )
    ids = {f["id"] for f in data["files"]}
    # every document, and the attachments the search finds on their own
    assert {i.split(".")[0] for i in ids} == set(stocked.values())
    assert set(stocked.values()) <= ids
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{i}{s}" for i in ids for s in (".txt", ".html")
    )
    for f in data["files"]:
        assert hashlib.sha256(Path(f["path"]).read_bytes()).hexdigest() == f["sha256"]
    entries = log_entries(run.archive_dir)
    assert len(entries) == 2 * len(ids)
    assert {e["target"] for e in entries} == ids


def test_bulk_export_of_named_documents(run: Cli, stocked: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "some"
    run(
        "export",
        stocked["repealed-rule"],
        "青政通〔2020〕3号",
        "--format",
        "json",
        "-o",
        str(folder),
    )
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        [f"{stocked['repealed-rule']}.json", f"{stocked['partial-portal-notice']}.json"]
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("export", "--all", "--format", "txt"), "several documents are exported into a folder"),
        (("export", "X", "--format", "txt", "--format", "md"), "one format at a time"),
        (("export", "--bag", "B", "-o", "C"), "--bag writes its own folder"),
    ],
    ids=["bulk-needs-a-folder", "one-format-for-one-document", "bag-and-output"],
)
def test_usage_errors(
    run: Cli, stocked: dict[str, str], args: tuple[str, ...], message: str
) -> None:
    result = run(*args, expect=2)
    assert message in result.output


def test_unknown_reference_is_one_line_and_logs_nothing(run: Cli, stocked: dict[str, str]) -> None:
    result = run("export", "国发〔1999〕1号", expect=1)
    assert result.stderr.startswith("错误：没有与“国发〔1999〕1号”相符的文件")
    assert log_entries(run.archive_dir) == []


def test_selection_needs_something(archive: gazette.Archive) -> None:
    with pytest.raises(gazette.InvalidArgument, match="没有选定文件"):
        select(archive.public)


def test_library_export_document(archive: gazette.Archive, tmp_path: Path) -> None:
    doc_id = store(archive, CASES["amended-regulation"](), tmp_path)
    data, record = export_document(archive, doc_id, "md", on=ON)
    assert data.decode().startswith("【已被修改（依据：")
    assert record.path is None and record.size == len(data)
    assert (
        archive.conn.execute("SELECT COUNT(*) FROM log WHERE action = 'export'").fetchone()[0] == 1
    )


def test_export_command_lives_in_its_own_module() -> None:
    from gazette.cli import documents, export_cmd

    assert not hasattr(documents, "export")
    assert export_cmd.export.name == "export"
