"""The HTML reader: portal metadata tables, bare bodies, blocks and <br>, hints, hostile pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gazette.errors import EmptyDocument, UnsafeFile
from ingest.raw import RawDocument
from ingest.readers import html, read
from tests.conftest import CORPUS, corpus_path

GOVCN_IDS = sorted(p.name[:2] for p in (CORPUS / "govcn").glob("*.truth.json")) or ["absent"]


def page(tmp_path: Path, body: str, name: str = "page.html", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(body.encode(encoding))
    return path


# --- the real portal pages and bodies --------------------------------------------------------


@pytest.mark.parametrize("key", GOVCN_IDS)
def test_portal_metadata_table(key: str) -> None:
    truth = json.loads(corpus_path("govcn", f"{key}.truth.json").read_text("utf-8"))
    raw = html.read(corpus_path("govcn", f"{key}.page.html"))
    for label in ("索引号", "主题分类", "发文机关", "成文日期", "标题", "发文字号", "发布日期"):
        assert raw.metadata[label] == truth[label], label
    texts = "\n".join(line.text for line in raw.lines)
    assert "索引号" not in texts and "扫一扫" not in texts  # the table and the chrome stay out


@pytest.mark.parametrize("key", GOVCN_IDS)
def test_body_and_page_give_the_same_lines(key: str) -> None:
    body = html.read(corpus_path("govcn", f"{key}.body.html"))
    page_ = html.read(corpus_path("govcn", f"{key}.page.html"))
    assert body.metadata == {}
    assert [line.text for line in body.lines] == [line.text for line in page_.lines]


def test_title_split_by_br_and_joint_signature() -> None:
    raw = html.read(corpus_path("govcn", "19.body.html"))
    assert [line.text for line in raw.lines[:4]] == [
        "国务院办公厅、中央军委办公厅",
        "关于加强对侵华日军遗弃化学武器",
        "调查和管理工作的通知",
        "国办发〔1996〕25号",
    ]
    title = raw.lines[0]
    assert (title.align, title.bold, title.size, title.style) == ("center", True, 18.0, "p")
    signature, date = raw.lines[-2], raw.lines[-1]
    assert signature.text == "国务院办公厅\u3000中央军委办公厅" and signature.align == "right"
    assert date.text == "一九九六年六月二十九日"
    assert raw.lines[5].indent == 2.0  # text-indent: 2em


def test_space_entity_escaped_twice_is_a_space() -> None:
    raw = html.read(corpus_path("govcn", "52.body.html"))
    assert "国务院办公厅" in [line.text for line in raw.lines]
    assert not any("&sp;" in line.text for line in raw.lines)


def test_table_rows_are_lines_with_tab_separated_cells() -> None:
    raw = html.read(corpus_path("govcn", "04.body.html"))
    rows = [line for line in raw.lines if line.table]
    assert len(rows) > 20
    assert all("\t" in row.text for row in rows[:5])


# --- generated pages -------------------------------------------------------------------------

PORTAL = """<!DOCTYPE html><html><head><meta charset="{charset}"><title>门户</title>
<script>var x = "不要这段脚本";</script><style>p {{ color: red }}</style></head>
<body><nav><a href="/">首页</a> 政策 解读</nav>
<ul class="meta"><li><b>索 引 号：</b><span>11370100/2021-00012</span></li>
<li><b>发文字号:</b><span>青政办发〔2021〕12号</span></li>
<li>发布日期：2021-03-20</li></ul>
<table><tr><td>标　　题：</td><td>青川市人民政府办公室关于印发青川市政务公开工作实施办法的通知</td></tr>
<tr><td>主题分类：</td><td>政务公开</td></tr></table>
<div class="TRS_Editor">
<p align="center"><font color="#ff0000" size="7">青川市人民政府办公室文件</font></p>
<p style="text-align:center">青政办发〔2021〕<span>12</span>号</p>
<p style="text-align: center; font-weight: bold; font-size: 22pt">青川市人民政府办公室关于印发<br>青川市政务公开工作实施办法的通知</p>
<p>各区县人民政府，市政府各部门：</p>
<p style="text-indent:32pt">《青川市政务公开工作实施办法》已经市政府同意，现印发给你们。</p>
<p>　　第一条　<strong>为深入推进政务公开</strong>，制定本办法。</p>
<form><input value="搜索"></form>
<p style="text-align:right">青川市人民政府办公室<br>2021年3月15日</p>
</div>
<footer>版权所有 青川市人民政府</footer>
</body></html>"""


@pytest.mark.parametrize("charset", ["utf-8", "gb2312", "gbk"])
def test_generated_portal_page(tmp_path: Path, charset: str) -> None:
    encoding = "gb18030" if charset != "utf-8" else "utf-8"
    raw = read(page(tmp_path, PORTAL.format(charset=charset), encoding=encoding))
    assert raw.format == "html"
    assert raw.metadata == {
        "索引号": "11370100/2021-00012",
        "发文字号": "青政办发〔2021〕12号",
        "发布日期": "2021-03-20",
        "标题": "青川市人民政府办公室关于印发青川市政务公开工作实施办法的通知",
        "主题分类": "政务公开",
    }
    texts = [line.text for line in raw.lines]
    assert texts == [
        "青川市人民政府办公室文件",
        "青政办发〔2021〕12号",
        "青川市人民政府办公室关于印发",
        "青川市政务公开工作实施办法的通知",
        "各区县人民政府，市政府各部门：",
        "《青川市政务公开工作实施办法》已经市政府同意，现印发给你们。",
        "第一条\u3000为深入推进政务公开，制定本办法。",
        "青川市人民政府办公室",
        "2021年3月15日",
    ]
    mark, title, body, article = raw.lines[0], raw.lines[2], raw.lines[5], raw.lines[6]
    assert (mark.color, mark.size, mark.align) == ("FF0000", 36.0, "center")
    assert (title.bold, title.size, title.align) == (True, 22.0, "center")
    assert body.indent == 2.0 and article.indent == 2.0 and not article.bold
    assert raw.lines[-1].align == "right"


def test_body_without_known_container_uses_the_densest_block(tmp_path: Path) -> None:
    content = "<p>" + "正文段落。" * 20 + "</p>"
    doc = (
        "<html><body><div id='menu'><p>首页</p><p>关于我们</p></div>"
        f"<div id='main'><p>标题</p>{content}{content}</div></body></html>"
    )
    raw = read(page(tmp_path, doc))
    assert raw.lines[0].text == "标题"
    assert "首页" not in raw.text


def test_charset_guessed_without_declaration(tmp_path: Path) -> None:
    path = page(tmp_path, "<html><body><p>青川市人民政府公报</p></body></html>", encoding="gb18030")
    assert read(path).lines[0].text == "青川市人民政府公报"


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        "<html><body><p>&c;</p></body></html>"
    )
    path = page(tmp_path, bomb, name="bomb.html")
    with pytest.raises(UnsafeFile) as caught:
        read(path)
    assert str(path) in str(caught.value) and "实体" in str(caught.value)


def test_page_without_text_is_empty(tmp_path: Path) -> None:
    path = page(tmp_path, "<html><head><script>var a;</script></head><body> </body></html>")
    with pytest.raises(EmptyDocument):
        read(path)


def test_html_is_recognised_by_content_with_any_name(tmp_path: Path) -> None:
    path = page(tmp_path, "<!DOCTYPE html><html><body><p>正文。</p></body></html>", "x.txt")
    raw: RawDocument = read(path)
    assert raw.format == "html" and raw.lines[0].text == "正文。"


def test_words_that_look_like_labels_outside_a_table_are_not_metadata(tmp_path: Path) -> None:
    doc = (
        "<html><body><div class='search'><span>标题</span><span>全文</span>"
        "<span>发布日期</span><span>不限</span></div>"
        "<div class='TRS_Editor'><p>青川市人民政府关于某事的通知</p><p>正文。</p></div></body></html>"
    )
    raw = read(page(tmp_path, doc))
    assert raw.metadata == {}
    assert raw.lines[0].text == "青川市人民政府关于某事的通知"


def test_alignment_is_inherited_from_the_enclosing_block(tmp_path: Path) -> None:
    doc = "<html><body><div style='text-align:right'><p>青川市人民政府</p><p>2023年1月5日</p></div></body></html>"
    raw = read(page(tmp_path, doc))
    assert [line.align for line in raw.lines] == ["right", "right"]
