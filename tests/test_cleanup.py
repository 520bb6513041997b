"""Cleanup lists (清理结果): the CSV reader and the import into the archive."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

import gazette
from gazette.cleanup import outcome_of, read_cleanup_csv
from gazette.errors import InvalidCleanupList
from gazette.lifecycle import status_on
from gazette.model import CleanupOutcome
from gazette.status import StatusValue
from ingest import ingest_paths
from tests.conftest import ARCHIVE_DATA, Cli

D = dt.date
DOCS = ARCHIVE_DATA / "documents"

GOOD = """序号,文件名称,文号,清理结果,日期,备注
1,青川市政务新媒体管理暂行办法,青政办发〔2023〕7号,继续有效,2024-02-20,
2,《青川市政务公开工作实施办法》,青政办发[2021]12号,部分条款失效,2024年2月20日,第七条已不适用
3,青川市城市道路占用管理暂行办法,青政发〔2015〕8号,废止,,
"""


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("继续有效", CleanupOutcome.CONTINUE),
        ("需修改后重新发布", CleanupOutcome.AMEND),
        ("修改", CleanupOutcome.AMEND),
        ("废止", CleanupOutcome.REPEAL),
        ("停止执行", CleanupOutcome.REPEAL),
        ("宣布失效", CleanupOutcome.DECLARE_INVALID),
        ("失效", CleanupOutcome.DECLARE_INVALID),
        ("部分条款失效", CleanupOutcome.PARTIALLY_INVALID),
        ("repeal", CleanupOutcome.REPEAL),
        ("待定", None),
    ],
)
def test_outcome_words(text: str, outcome: CleanupOutcome | None) -> None:
    assert outcome_of(text) == outcome


def test_read_a_list(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(GOOD, "utf-8-sig")
    rows = read_cleanup_csv(path, date=D(2024, 3, 1))
    assert [(r.line, r.target.title, str(r.target.number), r.outcome, r.date) for r in rows] == [
        (
            2,
            "青川市政务新媒体管理暂行办法",
            "青政办发〔2023〕7号",
            CleanupOutcome.CONTINUE,
            D(2024, 2, 20),
        ),
        (
            3,
            "青川市政务公开工作实施办法",
            "青政办发〔2021〕12号",
            CleanupOutcome.PARTIALLY_INVALID,
            D(2024, 2, 20),
        ),
        (
            4,
            "青川市城市道路占用管理暂行办法",
            "青政发〔2015〕8号",
            CleanupOutcome.REPEAL,
            D(2024, 3, 1),
        ),
    ]
    assert rows[1].note == "第七条已不适用"


def test_read_a_gb18030_list_with_english_headers() -> None:
    data = "title,number,outcome,date,articles\n青川市甲办法,,废止,2024-01-01,\n".encode("gb18030")
    (row,) = read_cleanup_csv(data, name="gbk.csv")
    assert row.target.title == "青川市甲办法" and row.outcome == CleanupOutcome.REPEAL


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ("文件名称,清理结果,日期\n甲办法,待定,2024-01-01\n", 2, "未知的清理结果"),
        ("文件名称,清理结果,日期\n甲办法,废止,明年\n", 2, "不是日期"),
        (
            "文件名称,文号,清理结果,日期\n甲办法,第三号文件,废止,2024-01-01\n",
            2,
            "不是文号",
        ),
        (
            "文件名称,文号,清理结果,日期\n,,废止,2024-01-01\n甲,,废止,2024-01-01\n",
            None,
            "既没有标题也没有文号",
        ),
        ("文件名称,清理结果\n甲办法,废止\n", 2, "没有日期"),
        ("名字,结论\n甲办法,废止\n", 1, "没有标题列或文号列"),
        ("文件名称,日期\n甲办法,2024-01-01\n", 1, "没有清理结果列"),
        ("文件名称,清理结果,日期\n", None, "没有数据行"),
        ("", None, "清单是空的"),
    ],
    ids=[
        "outcome",
        "date",
        "number",
        "empty row",
        "no date",
        "no header",
        "no outcome",
        "header only",
        "empty",
    ],
)
def test_bad_lists_name_the_line(content: str, line: int | None, reason: str) -> None:
    with pytest.raises(InvalidCleanupList) as caught:
        read_cleanup_csv(content.encode("utf-8"), name="bad.csv")
    assert reason in caught.value.reason
    if line is not None:
        assert caught.value.row == line
    assert "bad.csv" in str(caught.value)


def test_binary_file_is_refused() -> None:
    with pytest.raises(InvalidCleanupList, match="二进制数据"):
        read_cleanup_csv(b"\x00\x01\x02", name="x.csv")


# --- import ------------------------------------------------------------------------------------


def test_import_records_and_keeps_the_rest_pending(
    archive: gazette.Archive, tmp_path: Path
) -> None:
    ingest_paths(archive, [DOCS], recursive=True, jobs=1)
    path = tmp_path / "list.csv"
    path.write_text(GOOD, "utf-8")
    before = {r["ref_title"] for r in archive.unresolved()}
    result = archive.import_cleanup(
        read_cleanup_csv(path, date=D(2024, 3, 1)),
        list_name="2023年清理目录",
        acting="青政发〔2024〕2号",
    )
    assert (result.rows, result.applied, result.pending) == (3, 2, 1)
    media = archive.internal.get("青政办发〔2023〕7号")
    imported = [e for e in media.events if e.provenance.kind.value == "imported"]
    assert len(imported) == 1
    event = imported[0]
    assert event.outcome == CleanupOutcome.CONTINUE
    assert event.provenance.source == "2023年清理目录 line 2"
    assert event.provenance.by == "test" and event.provenance.at is not None
    assert event.acting is not None and event.acting.number is not None
    assert str(event.acting.number) == "青政发〔2024〕2号"
    assert event.acting.resolved_id == archive.internal.resolve("青政发〔2024〕2号")
    # the attachment carrying the number gets it too
    assert any(e.provenance.kind.value == "imported" for e in media.parts[0].events)
    after = {r["ref_title"] for r in archive.unresolved()}
    assert after == before  # 青川市城市道路占用管理暂行办法 was already pending; still is
    assert len(archive.unresolved()) == len(before) + 1
    logged = archive.conn.execute(
        "SELECT detail FROM log WHERE action = 'import_cleanup'"
    ).fetchall()
    assert len(logged) == 3
    assert json.loads(logged[0][0])["event"]["provenance"]["source"] == "2023年清理目录 line 2"


def test_imported_pending_row_applies_when_the_document_arrives(
    archive: gazette.Archive, tmp_path: Path
) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        "文件名称,文号,清理结果,日期\n青川市甲办法,青政办发〔2019〕3号,宣布失效,2024-03-01\n",
        "utf-8",
    )
    archive.import_cleanup(read_cleanup_csv(path), list_name="list.csv")
    assert len(archive.unresolved()) == 1
    target = tmp_path / "target.txt"
    target.write_text(
        "青川市人民政府办公室文件\n\n青政办发〔2019〕3号\n\n青川市甲办法\n\n各区县：\n\n"
        "本办法自2019年5月1日起施行。\n\n青川市人民政府办公室\n\n2019年4月1日\n",
        "utf-8",
    )
    ingest_paths(archive, [target], jobs=1)
    assert archive.unresolved() == []
    status = status_on(archive.internal.get("青政办发〔2019〕3号"), D(2024, 6, 1))
    assert status.value == StatusValue.EXPIRED and status.since == D(2024, 3, 1)
    assert (
        status.basis.source
        == "imported from list.csv line 2 by test: 青川市甲办法, 青政办发〔2019〕3号, 宣布失效, 2024-03-01"
    )


def test_a_failing_import_leaves_nothing(
    archive: gazette.Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_paths(archive, [DOCS], recursive=True, jobs=1)
    path = tmp_path / "list.csv"
    path.write_text(GOOD, "utf-8")
    rows = read_cleanup_csv(path, date=D(2024, 3, 1))
    counts = {
        table: archive.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in ("events", "pending_refs", "log")
    }
    from gazette.archive import tables

    original = tables._insert_event  # every event written (insert_event and add_event)
    calls = {"n": 0}

    def fail_later(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 3:
            raise sqlite3.OperationalError("disk full (simulated)")
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tables, "_insert_event", fail_later)
    with pytest.raises(gazette.CatalogError):
        archive.import_cleanup(rows, list_name="list.csv")
    for table, count in counts.items():
        assert archive.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == count, table


def test_cli_cleanup_import(run: Cli, tmp_path: Path) -> None:
    run("ingest", "--recursive", str(ARCHIVE_DATA))
    path = tmp_path / "list.csv"
    path.write_text("文件名称,文号\n青川市政务新媒体管理暂行办法,青政办发〔2023〕7号\n", "utf-8")
    data = run.json(
        "cleanup",
        "import",
        str(path),
        "--outcome",
        "废止",
        "--date",
        "2024-05-01",
        "--by",
        "青政发〔2024〕2号",
    )
    assert data == {"rows": 1, "applied": 1, "pending": 0}
    status = run.json("status", "青政办发〔2023〕7号", "--on", "2024-06-01")
    assert status["status"] == "repealed"
    assert status["basis"]["by_title"] == "青川市人民政府关于公布规范性文件清理结果的通知"


def test_cli_cleanup_import_bad_list_is_one_line(run: Cli, tmp_path: Path) -> None:
    run("ingest", "--recursive", str(ARCHIVE_DATA))
    path = tmp_path / "bad.csv"
    path.write_text("文件名称,清理结果,日期\n甲办法,待定,2024-01-01\n", "utf-8")
    result = run("cleanup", "import", str(path), expect=1)
    assert result.stderr.startswith("错误：bad.csv 第2行：未知的清理结果")
    assert "Traceback" not in result.output
