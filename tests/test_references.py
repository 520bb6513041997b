"""References between documents: finding them, resolving them, keeping them pending."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import gazette
from gazette.archive.resolution import candidates
from gazette.lifecycle import status_on
from gazette.model import DocRef, EventKind
from gazette.references import find_refs, ref_from_text
from gazette.status import StatusValue
from gazette.titles import normalised_title
from ingest import ingest_paths
from tests.conftest import ARCHIVE_DATA, Cli

D = dt.date

# --- finding references in text -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("《法规规章备案条例》同时废止", [("法规规章备案条例", None)]),
        ("《A办法》（青政发〔2019〕30号）", [("A办法", "青政发〔2019〕30号")]),
        ("《A办法》(青政发[2019]30号)", [("A办法", "青政发〔2019〕30号")]),
        ("《A办法》（2015年修订）", [("A办法", None)]),
        ("国办发〔2016〕82号停止执行", [(None, "国办发〔2016〕82号")]),
        ("《A》、《B》和《C》", [("A", None), ("B", None), ("C", None)]),
        (
            "《关于修改〈中华人民共和国公司法〉的决定》",
            [("关于修改〈中华人民共和国公司法〉的决定", None)],
        ),
        ("没有引用的句子。", []),
    ],
    ids=[
        "title",
        "title and number",
        "half-width brackets",
        "edition note",
        "number",
        "three",
        "nested",
        "none",
    ],
)
def test_find_refs(text: str, expected: list[tuple[str | None, str | None]]) -> None:
    found = [(ref.title, str(ref.number) if ref.number else None) for ref, _, _ in find_refs(text)]
    assert found == expected


@pytest.mark.parametrize(
    ("cell", "title", "number"),
    [
        ("青川市城市道路占用管理暂行办法", "青川市城市道路占用管理暂行办法", None),
        ("《青川市甲办法》", "青川市甲办法", None),
        ("青政发[2019]30号", None, "青政发〔2019〕30号"),
        ("关于印发X的通知（青政发〔2019〕30号）", "关于印发X的通知", "青政发〔2019〕30号"),
    ],
)
def test_ref_from_a_cell(cell: str, title: str | None, number: str | None) -> None:
    ref = ref_from_text(cell)
    assert ref is not None
    assert (ref.title, str(ref.number) if ref.number else None) == (title, number)


def test_normalised_title_keeps_the_provisional_qualifier() -> None:
    assert normalised_title("《青川市 甲暂行办法》") == "青川市甲暂行办法"
    assert normalised_title("青川市ＡＢ办法") == "青川市AB办法"


# --- resolution in an archive ---------------------------------------------------------------


def notice(
    path: Path,
    number: str,
    title: str,
    body: str = "请遵照执行。",
    date: str = "2020年1月10日",
    note: str = "（此件公开发布）",
) -> Path:
    path.write_text(
        f"青川市人民政府文件\n\n{number}\n\n{title}\n\n各区县人民政府：\n\n{body}\n\n"
        f"青川市人民政府\n\n{date}\n\n{note}\n",
        "utf-8",
    )
    return path


@pytest.fixture
def resolving(archive: gazette.Archive, tmp_path: Path) -> gazette.Archive:
    files = [
        notice(tmp_path / "a.txt", "青政发〔2019〕30号", "青川市甲办法"),
        notice(tmp_path / "b.txt", "青政发〔2018〕2号", "青川市乙暂行办法"),
        notice(tmp_path / "c.txt", "青政发〔2017〕3号", "青川市丙办法"),
        notice(tmp_path / "d.txt", "青政发〔2016〕4号", "青川市丙暂行办法"),
        notice(tmp_path / "e.txt", "青政发〔2015〕5号", "青川市丁试行办法"),
        notice(tmp_path / "f.txt", "青政发〔2014〕6号", "青川市丁暂行办法"),
    ]
    report = ingest_paths(archive, files, jobs=1)
    assert report.summary["ingested"] == 6
    return archive


def _title_of(archive: gazette.Archive, ids: list[str]) -> list[str | None]:
    return [archive.internal.get(i).title for i in ids]


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        (DocRef("青政发[2019]30号", number="青政发[2019]30号"), ["青川市甲办法"]),
        (DocRef("（青政发（2019）030号）", number="青政发（2019）030号"), ["青川市甲办法"]),
        (DocRef("《青川市甲办法》", "青川市甲办法"), ["青川市甲办法"]),
        (DocRef("《青川市 甲办法》", "青川市 甲办法"), ["青川市甲办法"]),
        (DocRef("《青川市乙办法》", "青川市乙办法"), ["青川市乙暂行办法"]),
        (DocRef("《青川市乙试行办法》", "青川市乙试行办法"), ["青川市乙暂行办法"]),
        (DocRef("《青川市丙办法》", "青川市丙办法"), ["青川市丙办法"]),
        (DocRef("《青川市丙暂行办法》", "青川市丙暂行办法"), ["青川市丙暂行办法"]),
        (DocRef("《青川市丁办法》", "青川市丁办法"), ["青川市丁试行办法", "青川市丁暂行办法"]),
        (
            DocRef("《青川市甲办法》（青政发〔2010〕1号）", "青川市甲办法", "青政发〔2010〕1号"),
            [],
        ),
        (DocRef("《无此办法》", "无此办法"), []),
    ],
    ids=[
        "number, half-width brackets",
        "number, leading zero",
        "exact title",
        "normalised title",
        "暂行 qualifier ignored",
        "试行 for 暂行",
        "exact beats qualifier-free",
        "qualified exact",
        "ambiguous",
        "different number never matches by title",
        "absent",
    ],
)
def test_resolution(resolving: gazette.Archive, ref: DocRef, expected: list[str]) -> None:
    found = candidates(resolving.conn, ref)
    assert sorted(_title_of(resolving, found)) == sorted(expected)


def test_a_number_names_the_carrier_not_its_attachment(archive: gazette.Archive) -> None:
    ingest_paths(archive, [ARCHIVE_DATA / "documents" / "qcsb-2019-30.txt"], jobs=1)
    (found,) = candidates(archive.conn, DocRef("青政发〔2019〕30号", number="青政发〔2019〕30号"))
    assert archive.internal.get(found).parent_id is None


# --- pending references and ingest order -----------------------------------------------------


def _history(
    archive: gazette.Archive, ref: str
) -> list[tuple[str, D | None, str | None, str | None]]:
    document = archive.internal.get(ref)
    return sorted(
        (
            e.kind.value,
            e.date,
            e.acting.resolved_id if e.acting else None,
            e.provenance.source,
        )
        for e in document.events
    )


@pytest.mark.parametrize("first", ["target", "repeal"])
def test_ingest_order_does_not_matter(tmp_path: Path, first: str) -> None:
    files = {
        "target": ARCHIVE_DATA / "documents" / "qcsb-2019-30.txt",
        "repeal": ARCHIVE_DATA / "documents" / "qcsb-2022-5.txt",
    }
    order = [first, "repeal" if first == "target" else "target"]
    archive = gazette.open_archive(tmp_path / "a", actor="test")
    try:
        for name in order:
            ingest_paths(archive, [files[name]], jobs=1)
        history = _history(archive, "青政发〔2019〕30号")
        part = _history(archive, "青川市政府信息依申请公开办理规定")
        status = status_on(archive.internal.get("青政发〔2019〕30号"), D(2024, 1, 1))
        pending = [r["ref_text"] for r in archive.unresolved()]
    finally:
        archive.close()
    decision = files["repeal"]
    from gazette.archive.store import sha256_file

    decision_id = sha256_file(decision)[:12]
    assert ("repealed", D(2022, 3, 1), decision_id, decision_id) in history
    assert ("repealed", D(2022, 3, 1), decision_id, decision_id) in part  # the attachment too
    assert status.value == StatusValue.REPEALED and status.since == D(2022, 3, 1)
    assert pending == ["《青川市城市道路占用管理暂行办法》（青政发〔2015〕8号）"]


def test_both_orders_give_the_same_events(tmp_path: Path) -> None:
    results = []
    for k, order in enumerate(
        (["qcsb-2019-30.txt", "qcsb-2022-5.txt"], ["qcsb-2022-5.txt", "qcsb-2019-30.txt"])
    ):
        archive = gazette.open_archive(tmp_path / f"a{k}", actor="test")
        try:
            for name in order:
                ingest_paths(archive, [ARCHIVE_DATA / "documents" / name], jobs=1)
            results.append(
                (
                    _history(archive, "青政发〔2019〕30号"),
                    [
                        tuple(r)
                        for r in archive.conn.execute(
                            'SELECT status, start, "end" FROM status_intervals s JOIN documents d'
                            " ON d.id = s.doc_id WHERE d.doc_number = '青政发〔2019〕30号'"
                            " ORDER BY s.doc_id, start"
                        ).fetchall()
                    ],
                )
            )
        finally:
            archive.close()
    assert results[0] == results[1]


def test_pending_reference_resolves_when_the_target_arrives(
    archive: gazette.Archive, tmp_path: Path
) -> None:
    ingest_paths(archive, [ARCHIVE_DATA / "documents" / "qcsb-2022-5.txt"], jobs=1)
    assert {r["ref_title"] for r in archive.unresolved()} == {
        "青川市政府信息依申请公开办理规定",
        "青川市城市道路占用管理暂行办法",
    }
    road = notice(
        tmp_path / "road.txt",
        "青政发[2015]8号",  # another spelling of the number
        "青川市人民政府关于印发青川市城市道路占用管理暂行办法的通知",
        body="现将《青川市城市道路占用管理暂行办法》印发给你们。本办法自2015年5月1日起施行。",
        date="2015年4月1日",
    )
    ingest_paths(archive, [road], jobs=1)
    assert {r["ref_title"] for r in archive.unresolved()} == {"青川市政府信息依申请公开办理规定"}
    status = status_on(archive.internal.get("青政发〔2015〕8号"), D(2023, 1, 1))
    assert status.value == StatusValue.REPEALED
    assert status.basis.by_number == "青政发〔2022〕5号"
    logged = archive.conn.execute(
        "SELECT COUNT(*) FROM log WHERE action = 'resolve_ref'"
    ).fetchone()
    assert logged[0] == 1
    applied = archive.conn.execute(
        "SELECT target, detail FROM log WHERE action = 'lifecycle_ref' ORDER BY id"
    ).fetchall()
    assert applied[-1][0] == archive.internal.resolve("青政发〔2015〕8号")
    assert json.loads(applied[-1][1])["event"]["kind"] == "repealed"


def test_ambiguous_reference_is_kept_with_its_candidates(
    resolving: gazette.Archive, tmp_path: Path
) -> None:
    decision = notice(
        tmp_path / "dec.txt",
        "青政发〔2021〕9号",
        "青川市人民政府关于废止部分规范性文件的决定",
        body="决定废止下列规范性文件：\n\n一、《青川市丁办法》\n\n本决定自2021年6月1日起施行。",
        date="2021年5月20日",
    )
    ingest_paths(resolving, [decision], jobs=1)
    (row,) = resolving.unresolved()
    assert row["state"] == "ambiguous"
    assert sorted(_title_of(resolving, row["candidates"])) == [
        "青川市丁暂行办法",
        "青川市丁试行办法",
    ]


def test_public_report_hides_references_from_withheld_documents(
    archive: gazette.Archive, tmp_path: Path
) -> None:
    hidden = notice(
        tmp_path / "hidden.txt",
        "青政办函〔2021〕3号",
        "青川市人民政府办公室关于废止内部工作规程的通知",
        body="决定废止《青川市内部工作规程》。",
        note="（此件不予公开）",
    )
    ingest_paths(archive, [hidden, ARCHIVE_DATA / "documents" / "qcsb-2022-5.txt"], jobs=1)
    internal = {r["ref_title"] for r in archive.unresolved("internal")}
    public = {r["ref_title"] for r in archive.unresolved("public")}
    assert "青川市内部工作规程" in internal
    assert "青川市内部工作规程" not in public
    assert "青川市城市道路占用管理暂行办法" in public


def test_cli_report_unresolved(run: Cli) -> None:
    run("ingest", "--recursive", str(ARCHIVE_DATA))
    data = run.json("report", "unresolved")
    titles = {item["title"] for item in data["unresolved"]}
    assert "青川市城市道路占用管理暂行办法" in titles
    item = next(i for i in data["unresolved"] if i["title"] == "青川市城市道路占用管理暂行办法")
    assert item["doc_number"] == "青政发〔2015〕8号"
    assert item["event"] == EventKind.REPEALED.value
    assert item["date"] == "2022-03-01"
    assert item["from_number"] == "青政发〔2022〕5号"
    text = run("report", "unresolved").stdout
    assert "《青川市城市道路占用管理暂行办法》" in text
