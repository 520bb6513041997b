"""The Markdown reader: title, 题注, chapter and section headings, articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from gazette.errors import EmptyDocument
from ingest.normalize import clean_inline
from ingest.readers import read
from tests.conftest import CORPUS, corpus_path

LAW_FILES = sorted(p.name for p in (CORPUS / "laws").glob("*.md")) or ["absent"]


@pytest.mark.parametrize("name", LAW_FILES)
def test_real_laws(name: str) -> None:
    path = corpus_path("laws", name)
    raw = read(path)
    assert raw.format == "md"
    source = path.read_text("utf-8").splitlines()
    assert raw.lines[0].style == "title" and raw.lines[0].text == source[0].removeprefix("# ")
    head = source[1 : source.index("<!-- INFO END -->")]
    notes = [line for line in raw.lines if line.style == "subtitle"]
    assert len(notes) == len([line for line in head if line.strip()])
    assert raw.lines[len(notes) + 1].style in ("h2", "p")  # the body starts after the 题注
    # The 题注 keep every character but spacing (a title in <> inside 《》 is text, not a tag).
    assert [n.text for n in notes] == [
        clean_inline(line, keep_gaps=True).replace("\u3000", "") for line in head if line.strip()
    ]
    chapters = [line for line in source if line.startswith(("## ", "### "))]
    assert [line.text for line in raw.lines if line.style in ("h2", "h3")] == [
        clean_inline(c.lstrip("#").strip(), keep_gaps=True) for c in chapters
    ]


def test_structure_and_inline_markup(tmp_path: Path) -> None:
    path = tmp_path / "rules.md"
    path.write_text(
        "# 青川市政务公开办法\n\n"
        "（2021年3月15日青川市人民政府第5次常务会议通过）\n\n"
        "## 第一章 总则\n\n"
        "### 第一节 一般规定\n\n"
        "第一条 为了**推进**政务公开，根据[条例](http://example.org)<br>，\n制定本办法。\n\n"
        "依照《关于修改<青川市政务公开办法>的决定》修改。\n\n"
        "- 第二条 本办法适用于本市。\n\n"
        "| 事项 | 时限 |\n|---|---|\n| 主动公开 | 20个工作日 |\n\n"
        "<!-- 注释 -->\n",
        encoding="utf-8",
    )
    raw = read(path)
    assert [(line.style, line.text) for line in raw.lines] == [
        ("title", "青川市政务公开办法"),
        ("subtitle", "（2021年3月15日青川市人民政府第5次常务会议通过）"),
        ("h2", "第一章总则"),  # canonical spacing is the parser's business
        ("h3", "第一节一般规定"),
        ("p", "第一条为了推进政务公开，根据条例，制定本办法。"),
        ("p", "依照《关于修改<青川市政务公开办法>的决定》修改。"),
        ("p", "第二条本办法适用于本市。"),
        ("table", "事项\t时限"),
        ("table", "主动公开\t20个工作日"),
    ]


def test_markdown_without_text_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_text("<!-- nothing -->\n\n---\n", encoding="utf-8")
    with pytest.raises(EmptyDocument):
        read(path)


def test_backslash_escapes_are_text(tmp_path: Path) -> None:
    # The Markdown export escapes what a renderer would take for markup; reading it back gives
    # the text, not the backslashes (an export's header line is written verbatim).
    path = tmp_path / "escaped.md"
    path.write_text(
        "【主题分类：卫生、体育\\\\医药管理】\n\n9\\. I类切口手术部位感染\n\n费用\\*比例\\_合计\n",
        encoding="utf-8",
    )
    assert [line.text for line in read(path).lines] == [
        "【主题分类：卫生、体育\\\\医药管理】",
        "9. I类切口手术部位感染",
        "费用*比例_合计",
    ]


def test_a_part_of_a_code_and_a_wrapped_题注_entry(tmp_path: Path) -> None:
    path = tmp_path / "物权编.md"
    path.write_text(
        "# 中华人民共和国民法典\n\n# 物权编\n\n"
        "2020年5月28日 第十三届全国人民代表大会第三次会议通过\n\n"
        "2021年1月1日 施行\n\n"
        "2022年1月1日 某会议《关于修改〈某某\n\n条例〉的决定》修正\n\n"
        "<!-- INFO END -->\n\n## 第一分编 通则\n\n第二百零五条 本编调整因物的归属和利用产生的民事关系。\n",
        encoding="utf-8",
    )
    lines = [(line.style, line.text) for line in read(path).lines]
    assert lines[:5] == [
        ("title", "中华人民共和国民法典"),
        ("part-title", "物权编"),
        ("subtitle", "2020年5月28日第十三届全国人民代表大会第三次会议通过"),
        ("subtitle", "2021年1月1日施行"),
        ("subtitle", "2022年1月1日某会议《关于修改〈某某条例〉的决定》修正"),
    ]
