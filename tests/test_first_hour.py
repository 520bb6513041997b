"""A new user's first hour: what the command line does when used as the README says.

Files that are not documents are skipped in a folder walk (not failures), the summary says how
many documents the public view hides, the internal view can be made the default, and the
global options work after the command name.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.triage import matches, not_a_document, official_traces
from tests.conftest import ARCHIVE_DATA, Cli, corpus_path

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
    assert "0 failed, 5 skipped" in again.stdout
    # No document was made of the licence.
    assert "MIT" not in run("list", "--view", "internal").stdout


def test_a_file_named_explicitly_is_read_or_fails_with_its_reason(run: Cli, tmp_path: Path) -> None:
    folder = _folder_with_strays(tmp_path)
    png = run("ingest", str(folder / "logo.png"), expect=1)
    assert "PNG image" in png.stdout
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
    assert f"{data['summary']['hidden']} document(s) of this batch are hidden" in text
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
    assert "public, internal" in bad.stderr
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
