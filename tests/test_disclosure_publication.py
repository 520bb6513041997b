"""Disclosure by publication: a document printed in a gazette or on the portal is proactive
in either order of arrival, unless decided by hand; a forwarding notice inherits the attribute
of the document it forwards."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import gazette
from gazette import disclosure as rules
from gazette.errors import DocumentNotFound
from gazette.model import DisclosureAttribute, ProvenanceKind, Publication
from tests.archive_builders import ingest_text, official_text, submit
from tests.disclosure_builders import rule_issue, rule_policy

A = DisclosureAttribute


# --- the publication rule, in either order ----------------------------------------------------


@pytest.mark.parametrize("order", ["file-then-gazette", "gazette-then-file"])
@pytest.mark.parametrize("note", [None, A.ON_REQUEST], ids=["no-note", "on-request-note"])
def test_printed_in_a_gazette_is_proactive_in_either_order(
    archive: gazette.Archive, tmp_path: Path, order: str, note: DisclosureAttribute | None
) -> None:
    file_doc = rule_policy(note)
    printed = rule_policy(None)
    steps = [
        lambda: submit(archive, tmp_path, file_doc),
        lambda: submit(archive, tmp_path, printed, issue=rule_issue()),
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
    doc = rule_policy().with_publications(
        Publication(channel="portal", name="青川市人民政府门户网站", date=dt.date(2021, 3, 5))
    )
    doc_id = submit(archive, tmp_path, doc).ids[0]
    shown = archive.public.get(doc_id)
    assert shown.disclosure.basis is not None and "门户网站" in shown.disclosure.basis


def test_a_decision_by_hand_stands_against_publication(
    archive: gazette.Archive, tmp_path: Path
) -> None:
    doc_id = submit(archive, tmp_path, rule_policy()).ids[0]
    archive.set_disclosure(doc_id, "withheld", reason="撤回重发")
    submit(archive, tmp_path, rule_policy(), issue=rule_issue())
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
