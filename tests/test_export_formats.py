"""Every export format: golden files, status marks, the standard-text source, determinism.

Golden files live in ``tests/golden/export/``; ``GAZETTE_REGEN_GOLDEN=1`` regenerates them.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest

import gazette
from gazette.export import FORMATS, format_module, render
from gazette.export.rendition import build
from ingest import ingest_paths
from tests.conftest import CORPUS, corpus_path
from tests.export_fixtures import CASES, ON
from tests.golden import check, docx_dump

GOLDEN_SUFFIX = {
    "txt": "txt",
    "md": "md",
    "html": "html",
    "json": "json",
    "docx": "docx.xml",
    "akn": "akn.xml",
}


def as_text(fmt: str, data: bytes) -> str:
    return docx_dump(data) if fmt == "docx" else data.decode("utf-8")


def visible_text(fmt: str, data: bytes) -> str:
    """What a reader of the rendering sees (for docx: the body, page headers and properties)."""
    if fmt != "docx":
        return data.decode("utf-8")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return "".join(
            package.read(n).decode("utf-8") for n in package.namelist() if n.endswith(".xml")
        )


def test_registry_lists_every_format_with_the_same_interface() -> None:
    assert set(FORMATS) == {"txt", "md", "html", "json", "docx", "akn"}
    for fmt in FORMATS:
        module = format_module(fmt)
        assert module.name == fmt
        assert module.suffix.startswith(".")
        assert module.media_type
        assert callable(module.render)


def test_unknown_format_is_refused() -> None:
    with pytest.raises(gazette.InvalidArgument, match="这一导出格式"):
        format_module("pdf")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case: str, fmt: str) -> None:
    data = render(CASES[case](), fmt, on=ON)
    check(f"export/{case}.{GOLDEN_SUFFIX[fmt]}", as_text(fmt, data))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_rendering_is_deterministic(case: str, fmt: str) -> None:
    assert render(CASES[case](), fmt, on=ON) == render(CASES[case](), fmt, on=ON)


MARKS = {
    "repealed-rule": "已废止（依据：《青川市行政规范性文件管理规定》，自2024年11月1日起）",
    "notice-attachments": "已失效（依据：《青川市人民政府关于公布规范性文件清理结果的决定》，自2023年12月31日起）",
    "amended-regulation": "已被修改（依据：《青川市人民代表大会常务委员会关于修改《青川市物业管理条例》的决定》，自2022年7月1日起）",
    "partial-portal-notice": "部分失效（第二项；依据：《青川市人民政府关于废止和修改部分规范性文件的决定》，自2023年6月1日起）",
}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("case", sorted(MARKS))
def test_every_rendering_of_a_marked_document_carries_the_mark(case: str, fmt: str) -> None:
    data = render(CASES[case](), fmt, on=ON)
    assert MARKS[case] in visible_text(fmt, data)


def test_in_force_document_carries_no_invalidity_mark() -> None:
    for fmt in FORMATS:
        text = visible_text(fmt, render(CASES["joint-in-force"](), fmt, on=ON))
        assert "现行有效" in text
        assert not any(word in text for word in ("已废止", "已失效", "已被修改", "部分失效"))


def test_status_is_judged_on_the_date_asked() -> None:
    before = render(CASES["repealed-rule"](), "txt", on=gazette.parse_date("2020-01-01")).decode()
    assert before.startswith("【现行有效】\n【状态日期：2020年1月1日】")
    assert "已废止" not in before


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_standard_text_source_is_stated(fmt: str) -> None:
    text = visible_text(fmt, render(CASES["repealed-rule"](), fmt, on=ON))
    assert "标准文本：青川市人民政府公报 2019年第5号 第4–7页" in text


def test_portal_text_says_it_is_not_the_standard_text_and_where_that_is() -> None:
    text = render(CASES["partial-portal-notice"](), "txt", on=ON).decode()
    assert "【文本来源：政府网站（非标准文本）】" in text
    assert "【标准文本刊载于：青川市人民政府公报 2020年第4号 第12–13页】" in text


# --- the canonical text and its hash ----------------------------------------------------


@pytest.mark.parametrize("case", sorted(CASES))
def test_txt_body_hash_is_stated_in_the_header(case: str) -> None:
    from gazette.export.rendition import parse_header
    from gazette.export.txt import split

    data = render(CASES[case](), "txt", on=ON).decode()
    header, body = split(data)
    parsed = parse_header(header)
    assert parsed is not None and parsed[1] == len(header)
    import hashlib

    assert parsed[0].body_hash == hashlib.sha256(body.encode()).hexdigest()


@pytest.mark.parametrize("case", sorted(c for c in CASES if not CASES[c]().parts))
def test_txt_body_is_the_canonical_text_whose_hash_is_the_content_hash(case: str) -> None:
    from gazette.export.txt import split

    doc = CASES[case]()
    _, body = split(render(doc, "txt", on=ON).decode())
    assert doc.text is not None
    assert body == doc.text.text
    assert build(doc, on=ON).body_hash == doc.text.content_hash


def test_attachments_come_before_the_imprint_in_print_order() -> None:
    doc = CASES["notice-attachments"]()
    lines = build(doc, on=ON).lines
    assert (
        lines.index("附件1")
        < lines.index("附件2")
        < lines.index("抄送：市委各部门，市人大常委会办公室，市政协办公室。")
    )
    assert lines[-1] == "青川市人民政府办公室2021年3月15日印发"
    # every text's own canonical lines are all there, in order
    for text in (doc.text, doc.parts[0].text, doc.parts[1].text):
        assert text is not None
        own = text.text.splitlines()
        positions = [lines.index(line) for line in own]
        assert positions == sorted(positions)


def test_json_export_has_everything() -> None:
    doc = CASES["notice-attachments"]()
    data = json.loads(render(doc, "json", on=ON))
    assert data["doc_number"] == "青政办发〔2021〕12号"
    assert data["disclosure"]["attribute"] == "proactive"
    assert data["status"]["value"] == "expired"
    assert data["status"]["mark"] == MARKS["notice-attachments"]
    assert [e["kind"] for e in data["events"]] == ["effective", "declared_invalid"]
    assert data["version"]["content_hash"] == doc.text.content_hash  # type: ignore[union-attr]
    assert data["text"] == doc.text.text  # type: ignore[union-attr]
    assert [p["label"] for p in data["parts"]] == ["附件1", "附件2"]
    assert data["parts"][1]["text"].startswith("任务分工表\n序号\t任务\t责任单位\n")
    assert data["export"]["body_sha256"] == build(doc, on=ON).body_hash
    assert data["export"]["header"][0] == f"【{MARKS['notice-attachments']}】"
    rule = json.loads(render(CASES["repealed-rule"](), "json", on=ON))
    assert rule["publications"][0]["label"] == "青川市人民政府公报 2019年第5号 第4–7页"


def test_markdown_escapes_what_would_become_markup() -> None:
    from gazette.export.md import escape

    assert escape("1. 公开权责清单") == "1\\. 公开权责清单"  # would be a list item
    assert escape("1.公开权责清单") == "1.公开权责清单"  # would not
    assert escape("# 不是标题") == "\\# 不是标题"
    assert escape("a*b_c") == "a\\*b\\_c"
    assert escape("（一）推进") == "（一）推进"
    assert escape("市场监管\\工商") == "市场监管\\工商"
    md = render(CASES["notice-attachments"](), "md", on=ON).decode()
    assert "\n#### 1.公开权责清单\n" in md
    assert "| 序号 | 任务 | 责任单位 |" in md


def test_html_is_a_standalone_page() -> None:
    from lxml import html as lxml_html

    page = render(CASES["notice-attachments"](), "html", on=ON).decode()
    assert page.startswith("<!DOCTYPE html>")
    assert "<link" not in page and "<script" not in page and "src=" not in page
    tree = lxml_html.fromstring(page)
    assert tree.xpath("string(//title)") == CASES["notice-attachments"]().title
    assert (
        tree.xpath("string(//div[contains(@class,'gz-header')]/div[1])")
        == f"【{MARKS['notice-attachments']}】"
    )
    assert [s.xpath("string(p[1])") for s in tree.xpath("//section[@class='gz-attachment']")] == [
        "附件1",
        "附件2",
    ]
    assert len(tree.xpath("//table[@class='gz-table']//tr")) == 3


# --- the real seed document -------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_doc(tmp_path_factory: pytest.TempPathFactory) -> gazette.Document:
    seed = corpus_path("seed", "jinan-2017-27.txt")
    with gazette.open_archive(tmp_path_factory.mktemp("seed") / "a", actor="test") as archive:
        ingest_paths(archive, [seed], jobs=1)
        return archive.internal.get("济政办发〔2017〕27号")


@pytest.mark.parametrize("fmt", sorted(set(FORMATS) - {"docx"}))
def test_golden_seed(seed_doc: gazette.Document, fmt: str) -> None:
    text = as_text(fmt, render(seed_doc, fmt, on=ON)).replace(str(CORPUS), "<CORPUS>")
    check(f"export/seed-jinan-2017-27.{GOLDEN_SUFFIX[fmt]}", text)


def test_seed_body_keeps_carrier_and_attachment_texts(seed_doc: gazette.Document) -> None:
    rendition = build(seed_doc, on=ON)
    assert seed_doc.text is not None and seed_doc.parts[0].text is not None
    carrier = seed_doc.text.text.splitlines()
    # the carrier's text minus its 版记, then the attachment, then the 版记
    assert rendition.lines[: len(carrier) - 3] == carrier[:-3]
    assert rendition.lines[-3:] == carrier[-3:]
    assert "附件" in rendition.lines
