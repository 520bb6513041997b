"""Disclosure decided by hand: setting an attribute with its history, reason, grounds and
basis, partial disclosure, requests, the CSV import, and the command line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import gazette
from gazette.disclosure import WITHHELD_PLACEHOLDER
from gazette.errors import DocumentNotFound, ImportFailed, InvalidArgument
from gazette.model import BlockKind, DisclosureAttribute, Ground, ProvenanceKind
from tests.archive_builders import ingest_text, official_text
from tests.conftest import Cli

A = DisclosureAttribute


# --- setting by hand ------------------------------------------------------------------------

CARRIER = official_text(
    "青川市人民政府关于印发青川市测试管理办法的通知",
    number="青政发〔2021〕3号",
    note="（此件公开发布）",
    body=("现将《青川市测试管理办法》印发给你们，请遵照执行。",),
    attachments=[
        ("青川市测试管理办法", ["第一条 为了规范测试工作，制定本办法。"], None),
        ("青川市测试人员名单", ["测试人员为张三、李四、qxsecret。"], "（此件不予公开）"),
    ],
)


@pytest.fixture
def carrier(archive: gazette.Archive, tmp_path: Path) -> str:
    return ingest_text(archive, tmp_path / "in", CARRIER)


def test_set_keeps_history_with_date_reason_grounds_basis_and_who(
    archive: gazette.Archive, carrier: str
) -> None:
    change = archive.set_disclosure(
        "青政发〔2021〕3号",
        "withheld",
        reason="涉及尚未完成的内部讨论",
        grounds=["过程性信息"],
        basis="市政府办公室2021年第5次会议纪要",
        decided_on=dt.date(2021, 4, 1),
        by="王五",
    )
    assert change.attribute == A.WITHHELD and change.doc_id == carrier
    history = archive.internal.disclosure_history(carrier)
    assert [h.attribute for h in history] == [A.PROACTIVE, A.WITHHELD]
    last = history[-1]
    assert last.reason == "涉及尚未完成的内部讨论"
    assert last.grounds == (Ground.PROCESS_INFORMATION,)
    assert last.basis == "市政府办公室2021年第5次会议纪要"
    assert last.changed_by == "王五" and last.how == "manual"
    assert last.decided_on == dt.date(2021, 4, 1)
    assert history[0].how == "parsed" and history[0].basis == "附注：（此件公开发布）"


@pytest.mark.parametrize("attribute", ["on_request", "withheld", "partial"])
def test_non_disclosure_needs_a_reason_and_changes_nothing(
    archive: gazette.Archive, carrier: str, attribute: str
) -> None:
    before = archive.internal.disclosure_history(carrier)
    with pytest.raises(InvalidArgument, match="须说明理由"):
        archive.set_disclosure(carrier, attribute, reason="  ")
    assert archive.internal.disclosure_history(carrier) == before
    assert archive.internal.get(carrier).disclosure.attribute == A.PROACTIVE


def test_attachments_follow_unless_they_have_their_own(
    archive: gazette.Archive, carrier: str
) -> None:
    archive.set_disclosure(carrier, "on_request", reason="涉及第三方", grounds=["商业秘密"])
    doc = archive.internal.get(carrier)
    own_rule, names = doc.parts
    assert own_rule.disclosure.attribute == A.ON_REQUEST
    assert own_rule.disclosure.provenance.kind == ProvenanceKind.INHERITED  # type: ignore[union-attr]
    assert own_rule.disclosure.provenance.source == carrier  # type: ignore[union-attr]
    assert names.disclosure.attribute == A.WITHHELD  # its own 附注 stands
    archive.set_disclosure(carrier, "proactive")
    assert archive.internal.get(carrier).parts[0].disclosure.attribute == A.PROACTIVE


def test_hidden_carrier_hides_its_public_attachment(archive: gazette.Archive, carrier: str) -> None:
    part_id = f"{carrier}.1"
    archive.set_disclosure(part_id, "proactive", basis="单独发布")
    archive.set_disclosure(carrier, "withheld", reason="撤回")
    assert archive.internal.get(part_id).disclosure.attribute == A.PROACTIVE
    with pytest.raises(DocumentNotFound):
        archive.public.get(part_id)
    assert archive.public.search("规范 测试").total == 0
    assert archive.internal.search("规范 测试").total >= 1


def test_search_follows_a_change(archive: gazette.Archive, carrier: str) -> None:
    assert archive.public.search("规范 测试").total == 1
    archive.set_disclosure(carrier, "withheld", reason="撤回")
    assert archive.public.search("规范 测试").total == 0
    archive.set_disclosure(carrier, "proactive")
    assert archive.public.search("规范 测试").total == 1


def test_partial_hides_the_withheld_paragraphs(archive: gazette.Archive, carrier: str) -> None:
    part_id = f"{carrier}.2"
    assert archive.internal.search("qxsecret").total == 1
    assert archive.public.search("qxsecret").total == 0  # withheld by its note
    blocks = archive.internal.get(part_id).text.blocks  # type: ignore[union-attr]
    secret = next(i for i, b in enumerate(blocks) if "qxsecret" in b.text)
    archive.set_disclosure(part_id, "partial", reason="含个人信息", withheld_blocks=[secret])
    shown = archive.public.get(part_id)
    assert "qxsecret" not in shown.text.text  # type: ignore[union-attr]
    assert WITHHELD_PLACEHOLDER in shown.text.text  # type: ignore[union-attr]
    assert archive.public.search("qxsecret").total == 0
    assert archive.public.search("名单").total == 1
    assert archive.internal.search("qxsecret").total == 1
    carrier_doc = archive.public.get(carrier)
    assert all("qxsecret" not in p.text.text for p in carrier_doc.parts)  # type: ignore[union-attr]


def test_partial_can_withhold_the_title(archive: gazette.Archive, carrier: str) -> None:
    part_id = f"{carrier}.2"
    blocks = archive.internal.get(part_id).text.blocks  # type: ignore[union-attr]
    title = next(i for i, b in enumerate(blocks) if b.kind == BlockKind.TITLE)
    archive.set_disclosure(part_id, "partial", reason="名称涉密", withheld_blocks=[title])
    shown = archive.public.get(part_id)
    assert shown.title == WITHHELD_PLACEHOLDER
    assert archive.public.search("名单").total == 0
    assert archive.internal.search("名单").total == 1
    assert archive.internal.get(part_id).title == "青川市测试人员名单"


def test_partial_paragraphs_must_be_in_the_text(archive: gazette.Archive, carrier: str) -> None:
    with pytest.raises(InvalidArgument, match="超出了正文范围"):
        archive.set_disclosure(carrier, "partial", reason="x", withheld_blocks=[999])
    with pytest.raises(InvalidArgument, match="只有部分公开"):
        archive.set_disclosure(carrier, "withheld", reason="x", withheld_blocks=[0])


def test_requests_are_counted(archive: gazette.Archive, carrier: str) -> None:
    archive.set_disclosure(carrier, "on_request", reason="涉及第三方")
    assert archive.record_request(carrier, on=dt.date(2021, 5, 1)) == 1
    assert archive.record_request("青政发〔2021〕3号", on=dt.date(2021, 6, 1), note="申请2") == 2
    assert archive.internal.requests(carrier) == [dt.date(2021, 5, 1), dt.date(2021, 6, 1)]
    with pytest.raises(DocumentNotFound):
        archive.public.requests(carrier)


# --- CSV ------------------------------------------------------------------------------------


def test_csv_import(archive: gazette.Archive, carrier: str, tmp_path: Path) -> None:
    path = tmp_path / "decisions.csv"
    path.write_text(
        "ref,attribute,reason,grounds,basis,decided_on,by\n"
        f"青政发〔2021〕3号,依申请公开,涉及第三方,商业秘密;个人隐私,会议纪要,2021-05-01,赵六\n"
        f"{carrier}.2,proactive,,,,,\n",
        encoding="utf-8",
    )
    changes = archive.import_disclosures(path)
    assert [c.attribute for c in changes] == [A.ON_REQUEST, A.PROACTIVE]
    last = archive.internal.disclosure_history(carrier)[-1]
    assert last.how == "imported" and last.source == str(path)
    assert last.grounds == (Ground.TRADE_SECRET, Ground.PERSONAL_PRIVACY)
    assert last.changed_by == "赵六" and last.decided_on == dt.date(2021, 5, 1)


def test_csv_chinese_headers_in_gb18030(
    archive: gazette.Archive, carrier: str, tmp_path: Path
) -> None:
    path = tmp_path / "decisions.csv"
    path.write_bytes("文件,公开属性,理由\n青政发〔2021〕3号,不予公开,内部事务\n".encode("gb18030"))
    (change,) = archive.import_disclosures(path)
    assert change.attribute == A.WITHHELD and change.reason == "内部事务"


@pytest.mark.parametrize(
    ("rows", "line", "message"),
    [
        ("青政发〔2021〕3号,withheld,\n", 2, "须说明理由"),
        ("青政发〔2021〕3号,secret,x\n", 2, "这一公开属性"),
        ("青政发〔2021〕3号,proactive,\n无此文件,proactive,\n", 3, "相符的文件"),
        ("青政发〔2021〕3号,withheld,x,第九十九条\n", 2, "这一法定理由"),
    ],
    ids=["missing-reason", "bad-attribute", "unknown-document", "bad-ground"],
)
def test_csv_bad_row_fails_the_whole_file(
    archive: gazette.Archive,
    carrier: str,
    tmp_path: Path,
    rows: str,
    line: int,
    message: str,
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("ref,attribute,reason,grounds\n" + rows, encoding="utf-8")
    before = archive.internal.disclosure_history(carrier)
    with pytest.raises(ImportFailed, match=message) as info:
        archive.import_disclosures(path)
    assert info.value.line == line
    assert archive.internal.disclosure_history(carrier) == before


def test_csv_without_required_columns(archive: gazette.Archive, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("title,reason\nx,y\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="缺少列"):
        archive.import_disclosures(path)


# --- the command line -----------------------------------------------------------------------


def test_cli_set_history_and_views(run: Cli, tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(CARRIER, encoding="utf-8")
    run("ingest", str(path))
    result = run("disclosure", "set", "青政发〔2021〕3号", "withheld", expect=1)
    assert "须说明理由" in result.stderr and "Traceback" not in result.output
    data = run.json(
        "disclosure",
        "set",
        "青政发〔2021〕3号",
        "withheld",
        "--reason",
        "内部讨论",
        "--ground",
        "过程性信息",
        "--basis",
        "会议纪要",
        "--on",
        "2021-04-01",
        "--by",
        "王五",
    )
    assert data["attribute"] == "withheld" and data["grounds"] == ["art16_process_information"]
    assert data["decided_on"] == "2021-04-01" and data["changed_by"] == "王五"
    # The public view (the default) does not find it; the internal view does.
    for command in (["show"], ["status"], ["export"], ["disclosure", "history"]):
        miss = run(*command, "青政发〔2021〕3号", expect=1)
        assert "相符的文件" in miss.stderr
    history = run.json("disclosure", "history", "青政发〔2021〕3号", "--view", "internal")
    assert history["view"] == "internal"
    assert [h["attribute"] for h in history["history"]] == ["proactive", "withheld"]
    status = run.json("status", "青政发〔2021〕3号", "--view", "internal")
    assert status["view"] == "internal"
    listing = run.json("list")
    assert listing["view"] == "public" and listing["documents"] == []
    assert run.json("list", "--view", "internal")["view"] == "internal"
    assert run.json("search", "测试")["total"] == 0


def test_cli_import_and_request(run: Cli, tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(CARRIER, encoding="utf-8")
    run("ingest", str(path))
    csv_path = tmp_path / "d.csv"
    csv_path.write_text("ref,attribute,reason\n青政发〔2021〕3号,on_request,涉及第三方\n", "utf-8")
    assert run.json("disclosure", "import", str(csv_path))["imported"] == 1
    for expected in (1, 2):
        data = run.json("disclosure", "request", "青政发〔2021〕3号", "--on", "2021-06-01")
        assert data["requests"] == expected
    grounds = run.json("disclosure", "grounds")
    assert {g["value"] for g in grounds} == {g.value for g in Ground}


@pytest.mark.parametrize(
    "command",
    [
        ["disclosure", "set"],
        ["disclosure", "import"],
        ["disclosure", "request"],
        ["disclosure", "history"],
        ["disclosure", "grounds"],
        ["interpretation", "link"],
        ["interpretation", "unlink"],
        ["interpretation", "list"],
        ["deadline"],
        ["deadlines"],
        ["report", "interpretations"],
        ["report", "disclosure"],
        ["report", "timeliness"],
        ["report", "completeness"],
    ],
    ids=" ".join,
)
def test_commands_have_help(run: Cli, command: list[str]) -> None:
    result = run(*command, "--help", archive=False)
    assert "Usage:" in result.stdout
