"""Disclosure read from the documents: the 附注 and its variants (also on the gov.cn corpus,
through the pipeline and with the portal's pages), and the names of attributes and grounds."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest

import gazette
from gazette import disclosure as rules
from gazette.errors import InvalidArgument
from gazette.model import BlockKind, DisclosureAttribute, Ground, ProvenanceKind
from ingest import elements, ingest_paths
from ingest.raw import Line, RawDocument
from tests.archive_builders import official_text
from tests.conftest import corpus_path

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
