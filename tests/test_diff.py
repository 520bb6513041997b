"""Comparing renditions: real differences with positions; layout and punctuation width ignored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import gazette
from gazette.diff import compare, comparison_key
from gazette.export import render
from gazette.model import TextOrigin, TextVersion
from tests.conftest import Cli, corpus_path
from tests.export_fixtures import CASES, ON, store


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("各省、自治区：\n现提出如下意见。", "各省、自治区：现提出如下意见。"),
        ("  第一条　为了规范", "第一条 为了规范"),
        ("国发〔2019〕5号", "国发[2019]5号"),
        ("（一）推进公开，加强监管；", "(一)推进公开,加强监管;"),
        ("“双随机、一公开”", '"双随机、一公开"'),
        ("２０１９年", "2019年"),
        ("第一条\t为了", "第一条为了"),
    ],
    ids=[
        "line-break",
        "indent-and-ideographic-space",
        "number-brackets",
        "punctuation-width",
        "quotes",
        "full-width-digits",
        "tab",
    ],
)
def test_layout_and_width_are_not_differences(a: str, b: str) -> None:
    result = compare(a, b)
    assert result.identical, result.differences
    assert result.ratio == 1.0


@pytest.mark.parametrize(
    ("a", "b", "kind", "a_text", "b_text"),
    [
        ("依法公开监管结果。", "依法公开监督结果。", "replace", "管", "督"),
        ("各部门要落实。", "各部门要认真落实。", "insert", "", "认真"),
        ("各部门要认真落实。", "各部门要落实。", "delete", "认真", ""),
        ("公开权责清单，", "公开权责清单、", "replace", "，", "、"),
    ],
    ids=["word", "insertion", "deletion", "comma-vs-enumeration-comma"],
)
def test_real_differences(a: str, b: str, kind: str, a_text: str, b_text: str) -> None:
    (diff,) = compare(a, b).differences
    assert (diff.kind, diff.a, diff.b) == (kind, a_text, b_text)


def test_positions_are_line_and_column_in_each_text() -> None:
    a = "第一条 总则\n第二条 本办法适用于全市。\n第三条 由市政府负责解释。"
    b = "第一条 总则\n\n第二条　本办法适用于全省。\n第三条 由市政府负责解释。"
    (diff,) = compare(a, b).differences
    assert (diff.a, diff.b) == ("市", "省")
    assert (diff.a_at.line, diff.a_at.column) == (2, 12)
    assert (diff.b_at.line, diff.b_at.column) == (3, 12)
    assert a[diff.a_at.offset] == "市" and b[diff.b_at.offset] == "省"
    assert "【市】" in diff.context


def test_a_rewritten_passage_is_one_difference() -> None:
    a = "第三条 立法应当遵循宪法的基本原则。第四条 立法应当依照法定的权限和程序。"
    b = "第三条 立法应当坚持中国共产党的领导，贯彻新发展理念。第四条 立法应当依照法定的权限和程序。"
    diffs = compare(a, b).differences
    assert len(diffs) == 1
    assert diffs[0].kind == "replace"


def test_comparison_key_maps_back_to_the_text() -> None:
    key, where = comparison_key("国发〔2019〕\u30005号")
    assert key == "国发[2019]5号"
    assert [where[k] for k in range(len(key))] == [0, 1, 2, 3, 4, 5, 6, 7, 9, 10]


def test_laws_versions_on_the_real_corpus() -> None:
    old = corpus_path("laws", "立法法(2015-03-15).md").read_text(encoding="utf-8")
    new = corpus_path("laws", "立法法(2023-03-13).md").read_text(encoding="utf-8")
    result = compare(old, new)
    assert 0.6 < result.ratio < 0.95
    assert not result.identical
    # every reported place is where the text says it is
    for diff in result.differences:
        assert old[diff.a_at.offset : diff.a_at.offset + len(diff.a)] == diff.a
        assert new[diff.b_at.offset : diff.b_at.offset + len(diff.b)] == diff.b
    assert compare(old, old).identical


# --- the command ------------------------------------------------------------------------


@pytest.fixture
def two_renditions(run: Cli, tmp_path: Path) -> str:
    """A document held as a portal page and as the gazette's standard text, which differ in
    layout, punctuation width and one word."""
    doc = CASES["partial-portal-notice"]()
    assert doc.text is not None
    gazette_blocks = [
        b.__class__(b.text.replace("，", ",").replace("擅自", "随意"), b.kind, b.level)
        for b in doc.text.blocks
    ]
    standard = TextVersion(blocks=tuple(gazette_blocks), origin=TextOrigin.GAZETTE, standard=True)
    src = tmp_path / "src"
    src.mkdir()
    with gazette.open_archive(run.archive_dir, actor="test") as archive:
        doc_id = store(archive, doc, src)
        archive.add_text(doc_id, standard)
    return doc_id


def test_diff_two_renditions_of_one_document(run: Cli, two_renditions: str) -> None:
    data = run.json("diff", two_renditions)
    (comparison,) = data["comparisons"]
    assert "[gazette text" not in comparison["a"] and "standard" in comparison["b"]
    (diff,) = comparison["differences"]
    assert (diff["a"], diff["b"]) == ("擅自", "随意")
    assert diff["a_at"]["line"] == 4


def test_diff_document_against_a_file(run: Cli, two_renditions: str, tmp_path: Path) -> None:
    path = tmp_path / "copy.txt"
    with gazette.open_archive(run.archive_dir, actor="test") as archive:
        path.write_bytes(render(archive.internal.get(two_renditions), "txt", on=ON))
    # the export is of the standard text (the gazette's), which the document prefers
    data = run.json("diff", f"{two_renditions}@standard", str(path))
    assert data["identical"] is True
    data = run.json("diff", f"{two_renditions}@portal", str(path))
    assert [(d["a"], d["b"]) for d in data["differences"]] == [("擅自", "随意")]
    text = run("diff", f"{two_renditions}@portal", str(path)).stdout
    assert "差异1处" in text and "@@ A 4:" in text


def test_diff_exit_code(run: Cli, two_renditions: str) -> None:
    run("diff", two_renditions, "--exit-code", expect=1)
    run("diff", f"{two_renditions}@portal", f"{two_renditions}@portal", "--exit-code", expect=0)


def test_diff_errors(run: Cli, two_renditions: str) -> None:
    result = run("diff", f"{two_renditions}@manual", two_renditions, expect=1)
    assert "没有“manual”这一文本" in result.stderr
    json.dumps(run.json("diff", two_renditions))  # the JSON is serialisable


def test_file_text_against_the_gazettes_standard_text(run: Cli) -> None:
    # The sample gazette issue prints 青政办发〔2021〕12号 without its 版头 and 版记, with the
    # number under the title: those are the differences, and nothing in the body.
    from tests.conftest import ARCHIVE_DATA

    run("ingest", "--recursive", str(ARCHIVE_DATA))
    (comparison,) = run.json("diff", "青政办发〔2021〕12号")["comparisons"]
    assert "standard text" in comparison["b"]
    kinds = [
        (d["kind"], d["a"].splitlines()[0] if d["a"] else d["b"]) for d in comparison["differences"]
    ]
    assert kinds == [
        ("delete", "青川市人民政府办公室文件"),
        ("insert", "青政办发〔2021〕12号"),
        ("delete", "抄送：市委办公室，市人大常委会办公室，市政协办公室。"),
    ]
    assert comparison["similarity"] > 0.6


# --- which renditions are compared -------------------------------------------------------------

_OCR = gazette.model.OcrInfo("tesseract", 0.9, ((1, 90),))
_HELD = (
    TextVersion(blocks=("门户网站",), origin=TextOrigin.PORTAL, id=1),
    TextVersion(blocks=("公报扫描",), origin=TextOrigin.GAZETTE, standard=True, ocr=_OCR, id=2),
    TextVersion(blocks=("公报原文",), origin=TextOrigin.GAZETTE, standard=True, id=3),
    TextVersion(blocks=("报送文件",), origin=TextOrigin.FILE, id=4),
)


@pytest.mark.parametrize(
    ("selector", "expected"),
    [("4", 4), ("portal", 1), ("gazette", 2), ("file", 4), ("standard", 3)],
    ids=["text-id", "origin", "first-of-origin", "file", "standard-read-not-recognised"],
)
def test_a_rendition_is_chosen_by_id_origin_or_standard(selector: str, expected: int) -> None:
    doc = gazette.Document(title="X", texts=_HELD, id="d1")
    assert gazette.model.rendition(doc, selector).id == expected


@pytest.mark.parametrize("selector", ["manual", "9", "best"])
def test_a_rendition_not_held_names_the_ones_that_are(selector: str) -> None:
    doc = gazette.Document(title="X", texts=_HELD[:1], id="d1")
    with pytest.raises(gazette.errors.InvalidArgument) as caught:
        gazette.model.rendition(doc, selector)
    assert f"“{selector}”" in str(caught.value) and "1（政府网站）" in caught.value.hint


@pytest.mark.parametrize(
    ("held", "pairs"),
    [
        (_HELD, [(1, 3), (2, 3), (4, 3)]),
        (_HELD[:1], []),
        ((_HELD[3], _HELD[0]), [(1, 4)]),
    ],
    ids=["against-the-standard-text", "one-rendition", "no-standard-text-the-first"],
)
def test_each_rendition_is_compared_with_the_standard_one(
    held: tuple[TextVersion, ...], pairs: list[tuple[int, int]]
) -> None:
    assert [(a.id, b.id) for a, b in gazette.model.against_standard(held)] == pairs
