"""The archive foundation: ingest the seed, duplicates, lookups, bad files, transactions."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

import gazette
from gazette.archive.schema import SCHEMA_VERSION
from ingest import ingest_paths
from tests.conftest import Cli

SEED_TITLE = "济南市人民政府办公厅关于印发2017年济南市政务公开工作要点的通知"


@pytest.mark.sqlite_catalog
def test_open_creates_catalog_with_wal_and_foreign_keys(archive: gazette.Archive) -> None:
    assert (archive.root / "catalog.sqlite").exists()
    assert archive.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert archive.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    version = archive.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    assert int(version[0]) == SCHEMA_VERSION


def test_open_refuses_a_newer_schema(tmp_path: Path) -> None:
    arch = gazette.open_archive(tmp_path / "a")
    arch.conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    arch.close()
    with pytest.raises(gazette.SchemaTooNew):
        gazette.open_archive(tmp_path / "a")


def test_open_without_create_needs_an_archive(tmp_path: Path) -> None:
    with pytest.raises(gazette.ArchiveError):
        gazette.open_archive(tmp_path / "nothing", create=False)


def test_seed_elements(archive: gazette.Archive, seed_path: Path) -> None:
    report = ingest_paths(archive, [seed_path], jobs=1)
    assert report.summary.items() >= {"ingested": 1, "duplicate": 0, "failed": 0}.items()
    doc = archive.internal.get("济政办发[2017]27号")
    assert doc.title == SEED_TITLE
    assert str(doc.doc_number) == "济政办发〔2017〕27号"
    assert doc.written_date == dt.date(2017, 6, 28)
    assert doc.issuers == ("济南市人民政府办公厅",)
    assert doc.recipients == ("各县区人民政府", "市政府各部门")
    assert doc.issuer_mark == "济南市人民政府办公厅文件"
    assert doc.doc_type == "通知"
    assert doc.cc == (
        "市委各部门",
        "市人大常委会办公厅",
        "市政协办公厅",
        "济南警备区",
        "市法院",
        "市检察院",
        "各民主党派市委",
    )
    assert doc.printed_by == "济南市人民政府办公厅"
    assert doc.printed_date == dt.date(2017, 6, 28)
    assert len(doc.parts) == 1
    part = doc.parts[0]
    assert part.title == "2017年济南市政务公开工作要点"
    assert part.doc_number == doc.doc_number  # inherited from the carrier
    assert part.written_date == doc.written_date
    assert part.text is not None and "政务公开" in part.text.text
    from gazette.archive.store import sha256_file

    assert doc.sources[0].sha256 == sha256_file(seed_path)


def test_reingest_is_a_duplicate(archive: gazette.Archive, seed_path: Path) -> None:
    first = ingest_paths(archive, [seed_path], jobs=1)
    second = ingest_paths(archive, [seed_path], jobs=1)
    assert second.summary.items() >= {"ingested": 0, "duplicate": 1, "failed": 0}.items()
    assert second.results[0].ids == first.results[0].ids
    assert archive.counts()["documents"] == 1


@pytest.mark.parametrize(
    "ref",
    [
        "济政办发〔2017〕27号",
        "济政办发[2017]27号",
        "济政办发(2017)27号",
        "济政办发（2017）027号",
        SEED_TITLE,
        "济南市人民政府办公厅关于印发2017年济南市政务公开工作要点的通知 ",
    ],
)
def test_lookup_by_any_spelling(archive: gazette.Archive, seed_path: Path, ref: str) -> None:
    ids = ingest_paths(archive, [seed_path], jobs=1).results[0].ids
    assert archive.internal.resolve(ref) == ids[0]


def test_lookup_unknown_reference(archive: gazette.Archive) -> None:
    with pytest.raises(gazette.DocumentNotFound):
        archive.internal.get("国发〔1999〕1号")


def test_unknown_disclosure_is_not_public(archive: gazette.Archive, seed_path: Path) -> None:
    ingest_paths(archive, [seed_path], jobs=1)
    with pytest.raises(gazette.DocumentNotFound) as caught:
        archive.public.get("济政办发〔2017〕27号")
    # The message must not reveal that the document exists.
    assert "济南" not in str(caught.value.hint)
    assert archive.public.list() == []
    assert archive.public.search("政务公开").total == 0
    assert archive.internal.search("政务公开").total >= 1


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("zeros.pdf", b"\x00" * 5000, "corrupt"),
        ("image.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "unsupported_format"),
        ("broken.docx", b"PK\x03\x04" + b"junk" * 10, "corrupt"),
        ("legacy.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "unsupported_format"),
        ("junk.bin", bytes(range(256)) * 4, "unsupported_format"),
    ],
)
def test_bad_file_fails_clearly_and_stores_nothing(
    archive: gazette.Archive, tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    report = ingest_paths(archive, [path], jobs=1)
    (result,) = report.results
    assert result.outcome == "failed"
    assert result.reason == reason
    assert name in (result.error or "")
    assert archive.counts()["sources"] == 0
    assert list(archive.objects) == []


def test_failed_file_does_not_stop_the_batch(
    archive: gazette.Archive, tmp_path: Path, seed_path: Path
) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"\x00" * 100)
    report = ingest_paths(archive, [bad, seed_path, tmp_path / "missing.txt"], jobs=1)
    assert [r.outcome for r in report.results] == ["failed", "ingested", "failed"]


def test_a_failing_store_leaves_nothing(
    archive: gazette.Archive, seed_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gazette.archive import tables

    def boom(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("disk full (simulated)")

    # Every text and event written goes through these (insert_* and add_* alike).
    monkeypatch.setattr(tables, "_insert_event", boom)
    monkeypatch.setattr(tables, "set_disclosure", boom)
    original = tables._insert_text
    calls = {"n": 0}

    def fail_on_second_text(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 2:
            raise sqlite3.OperationalError("disk full (simulated)")
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tables, "_insert_text", fail_on_second_text)
    report = ingest_paths(archive, [seed_path], jobs=1)
    assert report.results[0].outcome == "failed"
    for table in ("sources", "documents", "texts", "document_sources"):
        assert archive.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table


def test_parallel_batch_keeps_input_order(archive: gazette.Archive, tmp_path: Path) -> None:
    paths = []
    for n in range(6):
        path = tmp_path / f"doc{n}.txt"
        path.write_text(
            f"测试市人民政府关于第{n}项工作的通知\n\n测试政发〔2020〕{n + 1}号\n\n各区县：\n\n"
            f"现将第{n}项工作通知如下。\n\n测试市人民政府\n\n2020年1月{n + 1}日\n",
            "utf-8",
        )
        paths.append(path)
    report = ingest_paths(archive, paths, jobs=2)
    assert [r.path for r in report.results] == [str(p) for p in paths]
    assert report.summary["ingested"] == 6
    numbers = [archive.internal.get(r.ids[0]).doc_number for r in report.results]
    assert [n.serial for n in numbers if n] == [1, 2, 3, 4, 5, 6]


# --- command line -------------------------------------------------------------------------


def test_cli_show_json_fields(run: Cli, seed_path: Path) -> None:
    run("ingest", str(seed_path))
    data = run.json("show", "济政办发[2017]27号", "--view", "internal")
    for key in (
        "id",
        "title",
        "doc_number",
        "doc_type",
        "issuers",
        "recipients",
        "cc",
        "written_date",
        "published_date",
        "effective_date",
        "expiry_date",
        "printed_by",
        "printed_date",
        "disclosure",
        "status",
        "events",
        "interpretations",
        "publications",
        "sources",
        "parts",
    ):
        assert key in data, key
    assert data["title"] == SEED_TITLE
    assert data["doc_number"] == "济政办发〔2017〕27号"
    assert data["written_date"] == "2017-06-28"
    assert data["published_date"] is None  # unknown is null, never a guess
    assert data["issuers"] == ["济南市人民政府办公厅"]
    assert data["recipients"] == ["各县区人民政府", "市政府各部门"]
    assert set(data["disclosure"]) >= {"attribute", "reason", "basis"}
    assert set(data["status"]) >= {"value", "label", "as_of", "since", "basis"}
    assert data["status"]["value"] == "unknown"  # no effective date stated: never in_force
    assert data["sources"][0]["format"] == "txt"
    assert len(data["sources"][0]["sha256"]) == 64
    assert data["parts"][0]["title"] == "2017年济南市政务公开工作要点"


def test_cli_ingest_json_and_duplicates(run: Cli, seed_path: Path) -> None:
    first = run.json("ingest", str(seed_path))
    assert first["summary"].items() >= {"ingested": 1, "duplicate": 0, "failed": 0}.items()
    assert first["results"][0]["outcome"] == "ingested"
    assert first["results"][0]["error"] is None
    second = run.json("ingest", str(seed_path))
    assert second["results"][0]["outcome"] == "duplicate"
    assert second["results"][0]["ids"] == first["results"][0]["ids"]


def test_cli_failed_file_exits_1_without_traceback(run: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"\x00" * 64)
    result = run("ingest", str(bad), "--json", expect=1)
    assert "Traceback" not in result.output
    assert '"failed": 1' in result.stdout


def test_cli_not_found_is_one_line(run: Cli) -> None:
    result = run("show", "国发〔1999〕1号", expect=1)
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("错误：")
    assert "Traceback" not in result.output


def test_cli_usage_error_exits_2(run: Cli) -> None:
    result = run("status", "x", "--on", "not-a-date", expect=2)
    assert "not a date" in result.output


@pytest.mark.parametrize(
    "command",
    ["ingest", "list", "show", "status", "search", "export", "verify", "reindex", "doctor"],
)
def test_every_command_has_help(run: Cli, command: str) -> None:
    result = run(command, "--help")
    assert "Usage:" in result.stdout


@pytest.mark.sqlite_catalog
def test_archive_location_from_environment(
    tmp_path: Path, seed_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GAZETTE_ARCHIVE", str(tmp_path / "env-archive"))
    cli = Cli(tmp_path / "unused")
    cli("ingest", str(seed_path), archive=False)
    assert (tmp_path / "env-archive" / "catalog.sqlite").exists()
    monkeypatch.delenv("GAZETTE_ARCHIVE")
    monkeypatch.chdir(tmp_path)
    cli("ingest", str(seed_path), archive=False)
    assert (tmp_path / "gazette-archive" / "catalog.sqlite").exists()


def test_verify_and_reindex(run: Cli, seed_path: Path) -> None:
    run("ingest", str(seed_path))
    assert run.json("verify")["ok"] is True
    assert run.json("reindex")["indexed"] == 2
    assert run.json("reindex", "--optimize")["indexed"] == 2
    assert run.json("verify")["ok"] is True
