"""Disclosure: the 附注 and its variants, inheritance, setting by hand and by CSV, the
publication rule in either order, and the two views (public never leaks a hidden document)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import tempfile
import zipfile
from pathlib import Path

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gazette
from gazette import disclosure as rules
from gazette import reports
from gazette.disclosure import WITHHELD_PLACEHOLDER
from gazette.errors import DocumentNotFound, ImportFailed, InvalidArgument
from gazette.export import FORMATS
from gazette.export.bag import make_bag
from gazette.export.bulk import export_document, export_many, select
from gazette.export.json_format import document_dict
from gazette.model import (
    Block,
    BlockKind,
    DisclosureAttribute,
    Document,
    EventKind,
    GazetteIssue,
    Ground,
    IssueItem,
    IssueNumber,
    LifecycleEvent,
    Provenance,
    ProvenanceKind,
    Publication,
    TextVersion,
)
from ingest import elements, ingest_paths
from ingest.raw import Line, RawDocument
from tests.archive_builders import ingest_text, official_text, submit
from tests.conftest import ARCHIVE_DATA, Cli, corpus_path

A = DisclosureAttribute


# --- the 附注 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("note", "attribute"),
    [
        ("（此件公开发布）", A.PROACTIVE),
        ("（此件主动公开）", A.PROACTIVE),
        ("（此件公开）", A.PROACTIVE),
        ("(此件公开发布)", A.PROACTIVE),
        ("（此 件 公 开 发 布）", A.PROACTIVE),
        ("（公开方式：主动公开）", A.PROACTIVE),
        ("（信息公开选项：主动公开）", A.PROACTIVE),
        ("（此件依申请公开）", A.ON_REQUEST),
        ("（公开方式：依申请公开）", A.ON_REQUEST),
        ("（此件不予公开）", A.WITHHELD),
        ("（此件不公开）", A.WITHHELD),
        ("（此件不公开发布）", A.WITHHELD),
        ("（公开属性：不予公开）", A.WITHHELD),
        ("（此件删减后公开）", A.PARTIAL),
        ("（此件部分公开）", A.PARTIAL),
        ("（本文有删减）", A.PARTIAL),
        ("（联系人：张三，电话：12345678）", None),
        ("（以下简称公开）", None),
    ],
    ids=lambda value: str(value),
)
def test_attribute_from_note(note: str, attribute: DisclosureAttribute | None) -> None:
    assert rules.attribute_from_note(note) is attribute


def _lines(text: str) -> RawDocument:
    return RawDocument(
        name="t", format="txt", lines=[Line(t) for t in text.splitlines() if t.strip()]
    )


def test_contact_note_then_disclosure_note() -> None:
    text = official_text("青川市人民政府关于做好测试工作的通知", note="（联系人：张三）")
    text = text.replace("（联系人：张三）", "（联系人：张三）\n\n（此件公开发布）")
    doc = elements.parse(_lines(text))
    assert doc.disclosure.attribute == A.PROACTIVE
    assert doc.parts == ()  # the second note is a note, not an attachment
    notes = [b.text for b in doc.text.blocks if b.kind == BlockKind.NOTE]  # type: ignore[union-attr]
    assert notes == ["（联系人：张三）", "（此件公开发布）"]


def _govcn_lines(path: Path) -> RawDocument:
    """The body's paragraphs, read directly (a stand-in for the HTML reader)."""
    lines = []
    for p in lxml.html.parse(str(path)).iter("p"):
        text = p.text_content().replace("\xa0", " ").strip()
        if text:
            lines.append(Line(text))
    return RawDocument(name=path.name, format="html", lines=lines)


GOVCN = [f"{n:02d}" for n in range(1, 59, 3)]


@pytest.mark.parametrize("number", GOVCN)
def test_govcn_note_gives_the_attribute(number: str) -> None:
    body = corpus_path("govcn", f"{number}.body.html")
    truth = json.loads(corpus_path("govcn", f"{number}.truth.json").read_text("utf-8"))
    doc = elements.parse(_govcn_lines(body))
    if truth["此件公开发布"]:
        assert doc.disclosure.attribute == A.PROACTIVE
        assert doc.disclosure.basis == "附注：（此件公开发布）"
        assert doc.disclosure.provenance is not None
        assert doc.disclosure.provenance.kind == ProvenanceKind.PARSED
        for part in doc.parts:  # attachments inherit
            assert part.disclosure.attribute == A.PROACTIVE
    elif doc.note and "删减" in doc.note:
        assert doc.disclosure.attribute == A.PARTIAL  # published with deletions
    else:
        assert doc.disclosure.attribute == A.UNKNOWN


def test_govcn_published_notes_are_exactly_the_truth() -> None:
    found, expected = set(), set()
    for number in GOVCN:
        truth = json.loads(corpus_path("govcn", f"{number}.truth.json").read_text("utf-8"))
        doc = elements.parse(_govcn_lines(corpus_path("govcn", f"{number}.body.html")))
        if truth["此件公开发布"]:
            expected.add(number)
        if doc.disclosure.attribute == A.PROACTIVE:
            found.add(number)
    assert found == expected and len(expected) == 8


def _truth(number: str) -> dict[str, object]:
    return json.loads(corpus_path("govcn", f"{number}.truth.json").read_text("utf-8"))


ALL_GOVCN = [f"{n:02d}" for n in range(1, 59, 3)]


def test_govcn_bodies_through_the_pipeline(archive: gazette.Archive) -> None:
    """The real ingest of every ``.body.html``: the 附注 decides (8 carry 此件公开发布)."""
    paths = [corpus_path("govcn", f"{n}.body.html") for n in ALL_GOVCN]
    report = ingest_paths(archive, paths, jobs=1)
    assert report.ok
    proactive = set()
    for number, result in zip(ALL_GOVCN, report.results, strict=True):
        doc = archive.internal.get(result.ids[0])
        if doc.disclosure.attribute == A.PROACTIVE and number == "58":
            # The State Council's decree (国令第706号) is a promulgated regulation.
            assert doc.disclosure.basis == "行政法规，依法公布（国令第706号）"
            assert "第二十条第（一）项" in (doc.disclosure.reason or "")
        elif doc.disclosure.attribute == A.PROACTIVE:
            proactive.add(number)
            assert doc.disclosure.basis == "附注：（此件公开发布）"
        else:
            assert doc.disclosure.attribute in (A.UNKNOWN, A.PARTIAL)
    assert proactive == {n for n in ALL_GOVCN if _truth(n)["此件公开发布"]}
    public = {r.id for r in archive.public.list()}
    # and the four published with deletions, and the decree
    assert len(public) == len(proactive) + 4 + 1


@pytest.mark.parametrize("order", ["body-then-page", "page-then-body"])
def test_govcn_portal_page_makes_every_document_proactive(
    archive: gazette.Archive, order: str
) -> None:
    """A page with its metadata table was published: proactive whatever the body says, and
    whichever rendition arrives first."""
    numbers = ["01", "19", "40", "49"]  # 此件公开发布, no note, no note, 本文有删减
    kinds = ["body", "page"] if order == "body-then-page" else ["page", "body"]
    for kind in kinds:
        paths = [corpus_path("govcn", f"{n}.{kind}.html") for n in numbers]
        assert ingest_paths(archive, paths, jobs=1).ok
    assert archive.counts()["documents"] == len(numbers)
    for number in numbers:
        truth = _truth(number)
        doc = archive.public.get(str(truth["发文字号"]))
        assert doc.disclosure.attribute == A.PROACTIVE
        assert doc.disclosure.basis is not None and "公开于" in doc.disclosure.basis
        assert str(truth["索引号"]) in doc.disclosure.basis
        assert any(p.channel == "portal" for p in doc.publications)


# --- names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "attribute"),
    [
        ("withheld", A.WITHHELD),
        ("WITHHELD", A.WITHHELD),
        ("不予公开", A.WITHHELD),
        ("依申请公开", A.ON_REQUEST),
        ("on_request", A.ON_REQUEST),
        ("主动公开", A.PROACTIVE),
        ("部分公开", A.PARTIAL),
    ],
)
def test_parse_attribute(text: str, attribute: DisclosureAttribute) -> None:
    assert rules.parse_attribute(text) is attribute


@pytest.mark.parametrize(
    ("text", "ground"),
    [
        ("art15_trade_secret", Ground.TRADE_SECRET),
        ("商业秘密", Ground.TRADE_SECRET),
        ("第十五条：个人隐私", Ground.PERSONAL_PRIVACY),
        ("过程性信息", Ground.PROCESS_INFORMATION),
        ("国家秘密", Ground.STATE_SECRET),
    ],
)
def test_parse_ground(text: str, ground: Ground) -> None:
    assert rules.parse_ground(text) is ground


@pytest.mark.parametrize("bad", ["secret", "第二十条", ""])
def test_unknown_ground_names_the_closed_list(bad: str) -> None:
    with pytest.raises(InvalidArgument, match="art14_state_secret"):
        rules.parse_ground(bad)


def test_parse_grounds_splits_lists() -> None:
    assert rules.parse_grounds(["商业秘密；个人隐私", "商业秘密"]) == (
        Ground.TRADE_SECRET,
        Ground.PERSONAL_PRIVACY,
    )


# --- the sample corpus ----------------------------------------------------------------------


@pytest.fixture
def sample(archive: gazette.Archive) -> gazette.Archive:
    report = ingest_paths(archive, [ARCHIVE_DATA], recursive=True, jobs=1)
    assert report.ok
    return archive


def test_sample_attributes_and_views(sample: gazette.Archive) -> None:
    internal = {d.id: d for d in sample.internal.documents(top_level_only=False)}
    withheld = [d for d in internal.values() if d.disclosure.attribute == A.WITHHELD]
    assert [d.doc_number and str(d.doc_number) for d in withheld] == ["青政办函〔2023〕41号"]
    parts = [d for d in internal.values() if d.parent_id]
    assert parts and all(p.disclosure.attribute == A.PROACTIVE for p in parts)
    assert all(p.disclosure.provenance.kind == ProvenanceKind.INHERITED for p in parts)  # type: ignore[union-attr]
    public = {r.id for r in sample.public.list(top_level_only=False)}
    # Withheld is not public; the decree of qcsb-ling-3.pdf states no attribute, but a 规章
    # promulgated by a 令 is public by law, with that basis and its legal ground.
    assert public == {i for i, d in internal.items() if d.disclosure.attribute.public}
    (decree,) = [d for d in internal.values() if d.doc_type == "令"]
    assert decree.disclosure.attribute == A.PROACTIVE
    assert decree.disclosure.basis and decree.disclosure.basis.startswith("规章，依法公布")
    assert decree.disclosure.reason and "立法法" in decree.disclosure.reason


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


# --- the publication rule, in either order ----------------------------------------------------

RULE_TITLE = "青川市人民政府关于加强测试工作的意见"


def _policy(note_attribute: DisclosureAttribute | None = None) -> Document:
    text = TextVersion(blocks=(Block(RULE_TITLE, BlockKind.TITLE), Block("一、加强测试。")))
    disclosure = gazette.Disclosure()
    if note_attribute is not None:
        disclosure = gazette.Disclosure(
            note_attribute,
            basis="附注：（此件依申请公开）",
            provenance=Provenance(ProvenanceKind.PARSED),
        )
    return Document(
        title=RULE_TITLE,
        doc_number="青政发〔2021〕9号",
        issuers=("青川市人民政府",),
        written_date=dt.date(2021, 3, 1),
        texts=(text,),
        disclosure=disclosure,
    )


def _issue() -> GazetteIssue:
    return GazetteIssue(
        gazette="青川市人民政府公报",
        number=IssueNumber(2021, 3),
        date=dt.date(2021, 3, 20),
        items=(IssueItem(seq=1, title=RULE_TITLE, pages=(4, 7)),),
    )


@pytest.mark.parametrize("order", ["file-then-gazette", "gazette-then-file"])
@pytest.mark.parametrize("note", [None, A.ON_REQUEST], ids=["no-note", "on-request-note"])
def test_printed_in_a_gazette_is_proactive_in_either_order(
    archive: gazette.Archive, tmp_path: Path, order: str, note: DisclosureAttribute | None
) -> None:
    file_doc = _policy(note)
    printed = _policy(None)
    steps = [
        lambda: submit(archive, tmp_path, file_doc),
        lambda: submit(archive, tmp_path, printed, issue=_issue()),
    ]
    if order == "gazette-then-file":
        steps.reverse()
    ids = {step().ids[0] for step in steps}
    assert len(ids) == 1  # one work, two renditions
    doc = archive.internal.get(ids.pop())
    assert doc.disclosure.attribute == A.PROACTIVE
    assert (
        doc.disclosure.basis is not None
        and "青川市人民政府公报 2021年第3期" in doc.disclosure.basis
    )
    assert doc.disclosure.provenance.kind == ProvenanceKind.POLICY  # type: ignore[union-attr]
    assert archive.public.get("青政发〔2021〕9号").id == doc.id


def test_portal_publication_is_proactive(archive: gazette.Archive, tmp_path: Path) -> None:
    doc = _policy().with_publications(
        Publication(channel="portal", name="青川市人民政府门户网站", date=dt.date(2021, 3, 5))
    )
    doc_id = submit(archive, tmp_path, doc).ids[0]
    shown = archive.public.get(doc_id)
    assert shown.disclosure.basis is not None and "门户网站" in shown.disclosure.basis


def test_a_decision_by_hand_stands_against_publication(
    archive: gazette.Archive, tmp_path: Path
) -> None:
    doc_id = submit(archive, tmp_path, _policy()).ids[0]
    archive.set_disclosure(doc_id, "withheld", reason="撤回重发")
    submit(archive, tmp_path, _policy(), issue=_issue())
    assert archive.internal.get(doc_id).disclosure.attribute == A.WITHHELD
    conflicts = archive.conn.execute(
        "SELECT COUNT(*) FROM log WHERE action = 'disclosure_conflict' AND target = ?", (doc_id,)
    ).fetchone()[0]
    assert conflicts == 1


# --- forwarding notices ---------------------------------------------------------------------

FORWARDED_TITLE = "青川市发展和改革委员会关于推进测试工作的意见"
NOTICE_TITLE = "青川市人民政府办公室转发市发展和改革委员会关于推进测试工作意见的通知"


def _forwarded(note: str | None) -> str:
    return official_text(
        FORWARDED_TITLE,
        number="青发改〔2021〕7号",
        issuer="青川市发展和改革委员会",
        body=("一、推进测试工作。",),
        note=note,
    )


def _notice(attachments: list[tuple[str, list[str], str | None]] | None = None) -> str:
    return official_text(
        NOTICE_TITLE.replace("市发展和改革委员会", "青川市发展和改革委员会"),
        number="青政办发〔2021〕20号",
        issuer="青川市人民政府办公室",
        body=("市发展和改革委员会《关于推进测试工作的意见》已经市政府同意，现转发给你们。",),
        attachments=attachments or [],
    )


def test_forwarding_notice_inherits_its_attachment(
    archive: gazette.Archive, tmp_path: Path
) -> None:
    notice = _notice([(FORWARDED_TITLE, ["一、推进测试工作。"], "（此件公开发布）")])
    doc_id = ingest_text(archive, tmp_path, notice)
    doc = archive.internal.get(doc_id)
    assert doc.disclosure.attribute == A.PROACTIVE
    assert doc.disclosure.provenance.kind == ProvenanceKind.INHERITED  # type: ignore[union-attr]
    assert "forwarded document" in (doc.disclosure.basis or "")


@pytest.mark.parametrize("order", ["forwarded-first", "notice-first"])
def test_forwarding_notice_inherits_in_either_order(
    archive: gazette.Archive, tmp_path: Path, order: str
) -> None:
    texts = [_forwarded("（此件公开发布）"), _notice()]
    if order == "notice-first":
        texts.reverse()
    ids = [ingest_text(archive, tmp_path, text) for text in texts]
    notice_id = ids[1] if order == "forwarded-first" else ids[0]
    forwarded_id = ids[0] if order == "forwarded-first" else ids[1]
    notice = archive.internal.get(notice_id)
    assert notice.disclosure.attribute == A.PROACTIVE
    assert notice.disclosure.provenance.source == forwarded_id  # type: ignore[union-attr]
    assert archive.counts()["pending_refs"] == 0
    # A later decision on the forwarded document reaches the notice.
    archive.set_disclosure(forwarded_id, "withheld", reason="撤回")
    assert archive.internal.get(notice_id).disclosure.attribute == A.WITHHELD
    with pytest.raises(DocumentNotFound):
        archive.public.get(notice_id)


def test_forwarding_notice_with_its_own_note_keeps_it(
    archive: gazette.Archive, tmp_path: Path
) -> None:
    ingest_text(archive, tmp_path, _forwarded("（此件不予公开）"))
    notice = _notice().replace("2021年3月15日\n", "2021年3月15日\n\n（此件公开发布）\n")
    notice_id = ingest_text(archive, tmp_path, notice)
    assert archive.internal.get(notice_id).disclosure.attribute == A.PROACTIVE


def test_forwarded_refs_variants() -> None:
    refs = rules.forwarded_refs(NOTICE_TITLE)
    assert [r.title for r in refs] == [
        "市发展和改革委员会关于推进测试工作的意见",
        "市发展和改革委员会关于推进测试工作意见",
    ]
    assert rules.forwarded_refs("青川市人民政府关于印发X办法的通知") == ()


# --- the views ------------------------------------------------------------------------------


def _not_found_text(view: gazette.ArchiveView, ref: str) -> str:
    with pytest.raises(DocumentNotFound) as info:
        view.get(ref)
    return str(info.value).replace(ref, "REF")


def test_not_found_does_not_reveal_a_hidden_document(sample: gazette.Archive) -> None:
    hidden = sample.internal.get("青政办函〔2023〕41号")
    assert hidden.id is not None
    nowhere = "0" * len(hidden.id)
    for ref in (hidden.id, "青政办函〔2023〕41号", hidden.title or ""):
        assert _not_found_text(sample.public, ref) == _not_found_text(sample.public, nowhere)


def test_public_view_drops_links_and_acting_documents_it_cannot_show(
    sample: gazette.Archive, tmp_path: Path
) -> None:
    policy = sample.public.get("青川市政务公开工作实施办法")
    interp_id = policy.interpretations[0].interpretation_id
    sample.set_disclosure(interp_id, "withheld", reason="待审签")
    assert sample.public.get(policy.id).interpretations == ()  # type: ignore[arg-type]
    assert len(sample.internal.get(policy.id).interpretations) == 1  # type: ignore[arg-type]
    # An event acted by a withheld document keeps its fact but not the document.
    hidden_id = sample.internal.resolve("青政办函〔2023〕41号")
    event = LifecycleEvent(
        kind=EventKind.AMENDED,
        date=dt.date(2023, 6, 1),
        acting=gazette.DocRef("青川市人民政府办公室关于调整…的通知", resolved_id=hidden_id),
        provenance=Provenance(ProvenanceKind.PARSED, source=hidden_id, excerpt="内部文字qx9z"),
    )
    sample.record_event(policy.id, event)  # type: ignore[arg-type]
    public_event = sample.public.get(policy.id).events[-1]  # type: ignore[arg-type]
    assert public_event.kind == EventKind.AMENDED and public_event.date == dt.date(2023, 6, 1)
    assert public_event.acting is not None and public_event.acting.resolved_id is None
    assert public_event.acting.text == rules.HIDDEN_REFERENCE
    assert public_event.provenance.excerpt is None
    assert public_event.provenance.source == rules.HIDDEN_REFERENCE  # "parsed from 未公开的文件"
    internal_event = sample.internal.get(policy.id).events[-1]  # type: ignore[arg-type]
    assert internal_event.acting.resolved_id == hidden_id  # type: ignore[union-attr]


def test_public_issue_lists_only_visible_items(archive: gazette.Archive, tmp_path: Path) -> None:
    other = Document(
        title="青川市人民政府关于测试人事安排的通知",
        texts=(TextVersion(blocks=(Block("人事安排。"),)),),
    )
    issue = GazetteIssue(
        gazette="青川市人民政府公报",
        number=IssueNumber(2021, 3),
        items=(IssueItem(1, RULE_TITLE), IssueItem(2, other.title or "")),
    )
    ids = submit(archive, tmp_path, _policy(), other, issue=issue).ids
    archive.set_disclosure(ids[1], "withheld", reason="人事")
    (public_issue,) = archive.public.issues()
    assert [i.doc_id for i in public_issue.items] == [ids[0]]
    (internal_issue,) = archive.internal.issues()
    assert [i.doc_id for i in internal_issue.items] == list(ids)


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


# --- property: the public view leaks nothing ----------------------------------------------

_ATTRIBUTE = st.sampled_from([None, "proactive", "on_request", "withheld", "partial"])
_DOC = st.fixed_dictionaries(
    {
        "attribute": _ATTRIBUTE,
        "withhold": st.sets(st.integers(0, 3), min_size=1),  # 0 is the title paragraph
        "part": st.sampled_from([None, "inherit", "proactive", "withheld", "partial"]),
        "printed": st.booleans(),
        "asked": st.integers(0, 3),
    }
)


def _build(k: int, spec: dict[str, object]) -> Document:
    title = f"青川市人民政府关于 qz{k}t 测试的意见"
    blocks = [Block(title, BlockKind.TITLE)] + [
        Block(f"第{j + 1}条 本条规定 qz{k}b{j} 事项。", BlockKind.ARTICLE) for j in range(3)
    ]
    parts = ()
    if spec["part"] is not None:
        parts = (
            Document(
                title=f"附件 qz{k}p 名单",
                texts=(TextVersion(blocks=(Block(f"名单 qz{k}pb 如下。"),)),),
                part_label="附件",
            ),
        )
    return Document(
        title=title,
        issuers=("青川市人民政府",),
        written_date=dt.date(2021, 3, 1 + k),
        texts=(TextVersion(blocks=tuple(blocks)),),
        parts=parts,
    )


def _expected(spec: dict[str, object]) -> str:
    if spec["attribute"] is not None:
        return str(spec["attribute"])
    return "proactive" if spec["printed"] else "unknown"


def _exported_text(data: bytes, fmt: str) -> str:
    """The text of an export (a Word file's runs joined, so a word split over runs is whole)."""
    if fmt != "docx":
        return data.decode("utf-8", errors="replace")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = [package.read(n).decode("utf-8") for n in package.namelist() if n.endswith(".xml")]
    return "\n".join("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", x)) for x in parts)


def _mentions(text: str, doc_id: str) -> bool:
    return re.search(re.escape(doc_id) + r"(?![-.\w])", text) is not None


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    specs=st.lists(_DOC, min_size=1, max_size=5),
    links=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), max_size=3),
    queries=st.lists(
        st.tuples(st.integers(0, 4), st.sampled_from(["t", "b0", "b1", "b2", "p", "pb"])),
        min_size=1,
        max_size=4,
    ),
    limit=st.integers(1, 6),
    offset=st.integers(0, 3),
)
def test_public_view_leaks_nothing(
    specs: list[dict[str, object]],
    links: list[tuple[int, int]],
    queries: list[tuple[int, str]],
    limit: int,
    offset: int,
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        archive = gazette.open_archive(root / "archive", actor="prop")
        try:
            _check_no_leak(archive, root, specs, links, queries, limit, offset)
        finally:
            archive.close()


def _check_no_leak(
    archive: gazette.Archive,
    root: Path,
    specs: list[dict[str, object]],
    links: list[tuple[int, int]],
    queries: list[tuple[int, str]],
    limit: int,
    offset: int,
) -> None:
    docs = [_build(k, spec) for k, spec in enumerate(specs)]
    printed = [k for k, spec in enumerate(specs) if spec["printed"]]
    filed = [k for k, spec in enumerate(specs) if not spec["printed"]]
    ids: dict[int, str] = {}
    if printed:
        issue = GazetteIssue(
            gazette="青川市人民政府公报",
            number=IssueNumber(2021, 4),
            date=dt.date(2021, 4, 20),
            items=tuple(IssueItem(n + 1, docs[k].title or "") for n, k in enumerate(printed)),
        )
        result = submit(archive, root / "in", *(docs[k] for k in printed), issue=issue)
        ids.update(zip(printed, result.ids, strict=True))
    if filed:
        result = submit(archive, root / "in", *(docs[k] for k in filed))
        ids.update(zip(filed, result.ids, strict=True))
    # Attributes by hand; the model below says what each document must end up as.
    own: dict[str, str] = {}
    withheld_tokens: set[str] = set()
    title_withheld: set[str] = set()
    for k, spec in enumerate(specs):
        doc_id = ids[k]
        attribute = spec["attribute"]
        if attribute is not None:
            blocks = sorted(spec["withhold"]) if attribute == "partial" else []  # type: ignore[call-overload]
            archive.set_disclosure(
                doc_id, str(attribute), reason="测试理由", withheld_blocks=blocks
            )
            if attribute == "partial":
                withheld_tokens.update(f"qz{k}b{j - 1}" for j in blocks if j > 0)
                if 0 in blocks:
                    title_withheld.add(doc_id)
        own[doc_id] = _expected(spec)
        part = spec["part"]
        if part is not None:
            part_id = f"{doc_id}.1"
            if part == "inherit":
                own[part_id] = own[doc_id]
            else:
                archive.set_disclosure(
                    part_id,
                    str(part),
                    reason="测试理由",
                    withheld_blocks=[0] if part == "partial" else [],
                )
                own[part_id] = str(part)
                if part == "partial":
                    withheld_tokens.add(f"qz{k}pb")
        for _ in range(int(spec["asked"])):  # type: ignore[call-overload]
            archive.record_request(doc_id)
    for a, b in links:
        if a < len(specs) and b < len(specs) and a != b:
            archive.link_interpretation(ids[a], ids[b], form="text")
    # Owner of the carrier of any part: a part is visible only if both are public.
    public_attrs = {"proactive", "partial"}
    visible = set()
    for doc_id, attribute in own.items():
        carrier = doc_id.split(".")[0]
        if attribute in public_attrs and own[carrier] in public_attrs:
            visible.add(doc_id)
    hidden = set(own) - visible
    # The rules put each document where the model says.
    for doc_id, attribute in own.items():
        assert archive.internal.get(doc_id).disclosure.attribute.value == attribute, doc_id
    # Every token of a hidden document, and every withheld token, must stay out of sight.
    secret = set(withheld_tokens)
    for k in range(len(specs)):
        doc_id = ids[k]
        if doc_id in hidden or doc_id in title_withheld:
            secret.add(f"qz{k}t")
        if doc_id in hidden:
            secret.update(f"qz{k}b{j}" for j in range(3))
        if f"{doc_id}.1" in hidden:
            secret.update({f"qz{k}p", f"qz{k}pb"})
    public = archive.public

    def leaks(text: str) -> list[str]:
        found = [t for t in secret if t in text]
        found += [h for h in hidden if _mentions(text, h)]
        return found

    # list / ids / documents
    listed = [r.id for r in public.list(top_level_only=False)]
    assert set(listed) == visible
    page = public.list(top_level_only=False, limit=limit, offset=offset)
    assert [r.id for r in page] == listed[offset : offset + limit]
    assert set(public.ids(top_level_only=False)) == visible
    for doc in public.documents(top_level_only=False):
        assert doc.id in visible
        rendered = json.dumps(document_dict(doc, with_text=True), ensure_ascii=False)
        assert not leaks(rendered), leaks(rendered)
    # get: hidden ones are not found, with the message a missing one gets
    for doc_id in hidden:
        missing = "f" * len(doc_id)
        assert _not_found_text(public, doc_id) == _not_found_text(public, missing)
    # a withheld title does not find its document either
    for k, doc in enumerate(docs):
        if ids[k] in hidden or ids[k] in title_withheld:
            assert public.find(doc.title or "") is None
        else:
            assert public.get(doc.title or "").id == ids[k]
    # search: only visible documents, exact totals, no secret in titles or snippets
    for k, suffix in queries:
        if k >= len(specs):
            continue
        token = f"qz{k}{suffix}"
        other = f"qz{(k + 1) % len(specs)}t"
        for query in (token, f"{token} OR {other}", f'"{token}"'):
            results = public.search(query, limit=50)
            hit_ids = {h.id for h in results.hits}
            assert hit_ids <= visible
            for hit in results.hits:
                assert not leaks(hit.title + hit.snippet), (query, hit)
            for counts in results.facets.values():
                assert sum(counts.values()) <= results.total
        expected = 0 if token in secret else 1
        if suffix in ("p", "pb") and specs[k]["part"] is None:
            expected = 0
        assert public.search(token).total == expected, (token, own)
    # filters: a filter alone lists exactly the visible documents it selects
    top_visible = [ids[k] for k in range(len(specs)) if ids[k] in visible]
    by_year = public.search("", year=2021, limit=50)
    assert {h.id for h in by_year.hits} == set(top_visible)
    assert by_year.total == len(top_visible)
    first_days = [ids[k] for k in range(min(3, len(specs))) if ids[k] in visible]
    window = public.search("", date_from=dt.date(2021, 3, 1), date_to=dt.date(2021, 3, 3), limit=50)
    assert {h.id for h in window.hits} == set(first_days)
    for k, suffix in queries[:2]:
        if k < len(specs):
            filtered = public.search(f"qz{k}{suffix}", issuer="青川市人民政府", limit=50)
            assert {h.id for h in filtered.hits} <= visible
            for hit in filtered.hits:
                assert not leaks(hit.title + hit.snippet), hit
            for counts in filtered.facets.values():
                assert sum(counts.values()) <= filtered.total
    # issues
    for issue in public.issues():
        assert {i.doc_id for i in issue.items if i.doc_id} <= visible
        assert not leaks(json.dumps([i.title for i in issue.items], ensure_ascii=False))
    # reports
    for report in (
        reports.interpretations(public),
        reports.disclosure(public, as_of=dt.date(2040, 1, 1), threshold=1),
        reports.timeliness(public),
        reports.completeness(public),
    ):
        rendered = json.dumps(report.as_json(), ensure_ascii=False)
        assert report.as_json()["view"] == "public"
        assert not leaks(rendered), (type(report).__name__, leaks(rendered))
    # exports: every format of every visible document, the bulk export of all the view shows,
    # and a BagIt package of it, read back as text (Word through its XML)
    for doc_id in sorted(visible):
        for fmt in FORMATS:
            data, _ = export_document(archive, doc_id, fmt)
            text = _exported_text(data, fmt)
            assert not leaks(text), (doc_id, fmt, leaks(text))
    for doc_id in sorted(hidden):
        with pytest.raises(DocumentNotFound):
            export_document(archive, doc_id, "txt")
    everything = select(public, everything=True)
    assert set(everything) == {ids[k] for k in range(len(specs))} & visible
    if everything:
        written = export_many(archive, everything, list(FORMATS), root / "bulk")
        assert {w.doc_id for w in written} <= visible
        bag = make_bag(archive, root / "bag", everything, formats=("txt", "docx"))
        assert set(bag.documents) == set(everything)
        for folder in (root / "bulk", root / "bag"):
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                fmt = "docx" if path.suffix == ".docx" else "txt"
                text = _exported_text(path.read_bytes(), fmt)
                assert not leaks(text), (str(path), leaks(text))
