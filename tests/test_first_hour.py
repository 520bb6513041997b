"""A new user's first hour: what the command line does when used as the README says.

Files that are not documents are skipped in a folder walk (not failures), the summary says how
many documents the public view hides, the internal view can be made the default, and the
global options work after the command name.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from ingest.triage import matches, not_a_document, official_traces
from tests.conftest import ARCHIVE_DATA, ROOT, Cli, corpus_path

MIT = """MIT License

Copyright (c) 2025 Someone

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
"""


def _folder_with_strays(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    shutil.copytree(ARCHIVE_DATA / "documents", folder)
    (folder / "LICENSE").write_text(MIT, encoding="utf-8")
    (folder / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    (folder / "meta.json").write_text('{"a": 1}', encoding="utf-8")
    (folder / "feed.xml").write_text("<?xml version='1.0'?><rss/>", encoding="utf-8")
    (folder / "README.md").write_text("# Notes\n\nThese files came from the portal.\n")
    return folder


def test_files_that_are_not_documents_are_skipped_in_a_folder_walk(
    run: Cli, tmp_path: Path
) -> None:
    folder = _folder_with_strays(tmp_path)
    data = run.json("ingest", "--recursive", str(folder))
    skipped = {Path(r["path"]).name: r for r in data["results"] if r["outcome"] == "skipped"}
    assert set(skipped) == {"LICENSE", "logo.png", "meta.json", "feed.xml", "README.md"}
    assert all(r["error"] for r in skipped.values())
    assert skipped["LICENSE"]["reason"] == "not_a_document"
    assert data["summary"]["skipped"] == 5
    assert data["summary"]["failed"] == 0
    # Run again: the documents are duplicates, the strays skipped again, and the exit is 0.
    again = run("ingest", "--recursive", str(folder))
    assert again.exit_code == 0
    assert "失败 0，跳过 5" in again.stdout
    # No document was made of the licence.
    assert "MIT" not in run("list", "--view", "internal").stdout


def test_a_file_named_explicitly_is_read_or_fails_with_its_reason(run: Cli, tmp_path: Path) -> None:
    folder = _folder_with_strays(tmp_path)
    png = run("ingest", str(folder / "logo.png"), expect=1)
    assert "PNG图像" in png.stdout
    # Plain text named explicitly is ingested even with no trace of an official document.
    licence = run.json("ingest", str(folder / "LICENSE"))
    assert licence["summary"]["ingested"] == 1


def test_include_and_exclude_select_the_files_of_a_walk(run: Cli, tmp_path: Path) -> None:
    folder = _folder_with_strays(tmp_path)
    only_txt = run.json("ingest", "-r", str(folder), "--include", "*.txt")
    names = {Path(r["path"]).name for r in only_txt["results"]}
    assert names and all(name.endswith(".txt") for name in names)
    rest = run.json("ingest", "-r", str(folder), "--exclude", "*.txt", "--exclude", "*.png")
    names = {Path(r["path"]).name for r in rest["results"]}
    assert not any(n.endswith((".txt", ".png")) for n in names)
    assert "qcsb-2023-8.docx" in names


@pytest.mark.parametrize(
    ("pattern", "relative", "expected"),
    [
        ("*.pdf", "2019/a.pdf", True),
        ("2019/*.pdf", "2019/a.pdf", True),
        ("2019/*.pdf", "2020/a.pdf", False),
        ("**/drafts/*", "x/drafts/a.txt", True),
        ("**/drafts/*", "drafts/a.txt", True),
        ("LICENSE", "sub/LICENSE", True),
    ],
)
def test_globs_match_names_and_relative_paths(pattern: str, relative: str, expected: bool) -> None:
    root = Path("/r")
    assert matches(root / relative, root, [pattern]) is expected


def test_the_summary_counts_documents_the_public_view_hides(run: Cli) -> None:
    data = run.json("ingest", "-r", str(ARCHIVE_DATA))
    internal = {r["id"] for r in run.json("list", "--view", "internal", "--all-parts")["documents"]}
    public = {r["id"] for r in run.json("list", "--view", "public", "--all-parts")["documents"]}
    batch_ids = {i for r in data["results"] for i in r["ids"]}
    assert data["summary"]["hidden"] == len(batch_ids - public) > 0
    assert batch_ids <= internal
    text = run("ingest", "-r", str(ARCHIVE_DATA)).stdout
    assert f"本批有{data['summary']['hidden']}个文件在公开视图中不可见" in text
    assert "view.default internal" in text


def test_view_default_setting_changes_the_default_view_but_not_publication(
    run: Cli, tmp_path: Path
) -> None:
    run("ingest", "-r", str(ARCHIVE_DATA))
    public = run.json("list")["documents"]
    run("settings", "set", "view.default", "internal")
    internal = run.json("list")
    assert internal["view"] == "internal"
    assert len(internal["documents"]) > len(public)
    assert run.json("list", "--view", "public")["documents"] == public
    # Exports meant for publication stay public.
    bag = run.json("export", "--bag", str(tmp_path / "bag"))
    assert bag["view"] == "public"
    bad = run("settings", "set", "view.default", "everything", expect=1)
    assert "`public`、`internal`" in bad.stderr, bad.stderr
    run("settings", "unset", "view.default")
    assert run.json("list")["view"] == "public"


def test_global_options_are_accepted_after_the_command_name(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "unused")
    archive = tmp_path / "after"
    cli(
        "ingest",
        "--archive",
        str(archive),
        str(ARCHIVE_DATA / "documents" / "qcsb-2019-30.txt"),
        archive=False,
    )
    listed = cli.json("list", "--archive", str(archive), "--view", "internal")
    assert len(listed["documents"]) == 1
    cli("report", "status", "--archive", str(archive), archive=False)
    cli("disclosure", "grounds", "--archive", str(archive), archive=False)
    assert not (tmp_path / "unused").exists()


@pytest.mark.parametrize(
    ("text", "is_document"),
    [
        (MIT, False),
        ("这是一个说明文件。" * 5, False),
        ("关于做好2024年春节期间安全生产工作的通知\n各区县人民政府：" + "为做好工作" * 5, True),
        ("第一条 为了规范管理，制定本办法。" + "内容" * 10, True),
        ("2017年6月28日印发，" + "政务公开工作要点" * 4, True),
    ],
    ids=["licence", "chinese-notes", "notice", "article", "dated"],
)
def test_official_traces(text: str, is_document: bool) -> None:
    assert bool(official_traces(text)) is is_document


@pytest.mark.slow
def test_no_real_document_of_the_corpus_is_taken_for_a_stray() -> None:
    from ingest.sniff import sniff

    corpus = corpus_path()
    checked = 0
    for path in sorted(corpus.rglob("*")):
        if not path.is_file() or path.name in {"LICENSE", "LICENSE-ofdrw", "README.md"}:
            continue
        if path.name.endswith(("_a.txt", ".jsonl", "SOURCES.md")):
            continue  # labels and metadata of the corpus itself, not documents
        try:
            fmt = sniff(path)
        except Exception:
            continue
        if fmt in {"txt", "md"}:
            checked += 1
            assert not_a_document(path, fmt) is None, path
    assert checked > 1000


# --- dates in the Python API -------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_archive(tmp_path_factory: pytest.TempPathFactory) -> Any:
    import gazette
    from ingest import ingest_paths

    archive = gazette.open_archive(tmp_path_factory.mktemp("dates") / "a", actor="test")
    ingest_paths(archive, [ARCHIVE_DATA], recursive=True, jobs=1)
    yield archive
    archive.close()


@pytest.mark.parametrize(
    "when",
    [
        dt.date(2021, 5, 1),
        dt.datetime(2021, 5, 1, 9, 30),
        "2021-05-01",
        "2021年5月1日",
        "二〇二一年五月一日",
    ],
    ids=["date", "datetime", "iso", "chinese", "chinese-numerals"],
)
def test_every_api_date_takes_dates_datetimes_and_strings(sample_archive: Any, when: Any) -> None:
    import gazette
    from gazette import reports
    from gazette.validity import expiring, status_counts
    from gazette.workdays import Deadline, Rule, WorkdayCalendar

    doc = sample_archive.public.get("青政办发[2021]12号")
    expected = gazette.status_on(doc, dt.date(2021, 5, 1))
    assert gazette.status_on(doc, when) == expected
    assert gazette.text_on(doc, when) == gazette.text_on(doc, dt.date(2021, 5, 1))
    assert sample_archive.public.status("青政办发[2021]12号", when) == expected
    hits = sample_archive.public.search("政务公开", valid_on=when, date_to=when)
    assert (
        hits.total
        == sample_archive.public.search(
            "政务公开", valid_on=dt.date(2021, 5, 1), date_to=dt.date(2021, 5, 1)
        ).total
    )
    calendar = WorkdayCalendar()
    assert calendar.add(when, 3).end == calendar.add(dt.date(2021, 5, 1), 3).end
    assert Deadline.statutory(calendar, Rule.PROACTIVE, when).due == dt.date(2021, 6, 1)
    assert status_counts(sample_archive.public, when) == status_counts(
        sample_archive.public, dt.date(2021, 5, 1)
    )
    assert expiring(sample_archive.public, when, 3650) == expiring(
        sample_archive.public, dt.date(2021, 5, 1), 3650
    )
    assert (
        reports.disclosure(sample_archive.public, as_of=when).as_json()
        == reports.disclosure(sample_archive.public, as_of=dt.date(2021, 5, 1)).as_json()
    )
    event = gazette.LifecycleEvent(
        kind=gazette.EventKind.EFFECTIVE, date=when, provenance=gazette.Provenance("manual")
    )
    assert event.date == dt.date(2021, 5, 1)


@pytest.mark.parametrize("bad", ["2021-13-01", "soon", 20210501, ["2021-05-01"]])
def test_a_bad_date_raises_invalid_date(sample_archive: Any, bad: Any) -> None:
    import gazette
    from gazette.workdays import WorkdayCalendar

    doc = sample_archive.public.get("青政办发[2021]12号")
    with pytest.raises(gazette.InvalidDate):
        gazette.status_on(doc, bad)
    with pytest.raises(gazette.InvalidDate):
        sample_archive.public.search("政务公开", valid_on=bad)
    with pytest.raises(gazette.InvalidDate):
        WorkdayCalendar().add(bad, 1)
    with pytest.raises(gazette.InvalidDate):
        gazette.LifecycleEvent(
            kind=gazette.EventKind.EFFECTIVE, date=bad, provenance=gazette.Provenance("manual")
        )


# --- start-up ----------------------------------------------------------------------------------

HEAVY = ("pdfplumber", "pdfminer", "docx", "pypdfium2", "whoosh", "jieba", "rich", "click")


def _modules_after(code: str) -> set[str]:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return set(done.stdout.split())


def test_import_gazette_loads_no_format_search_or_terminal_library() -> None:
    loaded = _modules_after("import gazette")
    assert not {m for m in loaded if m.split(".")[0] in HEAVY}
    assert "gazette.archive" not in loaded  # names load on first use


def test_public_names_load_on_first_use() -> None:
    import gazette

    for name in gazette.__all__:
        assert getattr(gazette, name) is not None, name
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        gazette.nonexistent  # noqa: B018


def test_version_does_not_import_the_commands() -> None:
    loaded = _modules_after(
        "from gazette.cli import main\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--version'])"
    )
    assert "gazette.cli.ingest_cmd" not in loaded
    assert "gazette.archive" not in loaded


def test_the_command_line_names_the_views_of_the_library() -> None:
    from gazette.cli.common import VIEWS
    from gazette.disclosure import View

    assert tuple(v.value for v in View) == VIEWS


def test_a_folder_that_would_shadow_the_package_is_named(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "gazette")
    result = cli("ingest", str(ARCHIVE_DATA / "documents" / "qcsb-2019-30.txt"))
    assert "会遮蔽 gazette 程序包" in result.stderr
    quiet = Cli(tmp_path / "my-archive")(
        "ingest", str(ARCHIVE_DATA / "documents" / "qcsb-2019-30.txt")
    )
    assert "遮蔽" not in quiet.stderr


def test_list_shows_documents_in_the_order_they_were_stored(run: Cli) -> None:
    files = sorted((ARCHIVE_DATA / "documents").glob("*.txt"), reverse=True)
    ids = [run.json("ingest", str(path))["results"][0]["ids"][0] for path in files]
    listed = [d["id"] for d in run.json("list", "--view", "internal")["documents"]]
    assert listed == ids
    assert ids != sorted(ids)  # the order is not merely the ids'
