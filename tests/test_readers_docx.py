"""The DOCX reader: paragraphs with style and layout, tables, headers/footers, hostile files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import attrs
import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.shared import Pt, RGBColor

from gazette.errors import CorruptFile, EmptyDocument, EncryptedFile, UnsafeFile, UnsupportedFormat
from ingest.readers import html, read
from tests import published as pub
from tests.conftest import CORPUS, corpus_path

GOVCN_IDS = sorted(p.name[:2] for p in (CORPUS / "govcn").glob("*.truth.json")) or ["absent"]


def red_header_document(path: Path) -> Path:
    document = docx.Document()
    document.styles["Normal"].font.size = Pt(16)  # 三号, as GB/T 9704 sets the body
    mark = document.add_paragraph()
    mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = mark.add_run("青川市人民政府办公室文件")
    run.font.size = Pt(36)
    run.font.color.rgb = RGBColor(0xFF, 0, 0)
    number = document.add_paragraph("青政办发〔2021〕12号")
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title = document.add_paragraph(style="Title")
    title.add_run("青川市人民政府办公室关于印发").bold = True
    title.runs[0].add_break()
    title.add_run("青川市政务公开工作实施办法的通知").bold = True
    document.add_paragraph("各区县人民政府，市政府各部门：")
    body = document.add_paragraph("《青川市政务公开工作实施办法》已经市政府同意，现印发给你们。")
    body.paragraph_format.first_line_indent = Pt(32)
    chars = document.add_paragraph("第一条　为深入推进政务公开，制定本办法。")
    ind = parse_xml(
        '<w:ind xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'w:firstLineChars="200"/>'
    )
    chars._p.get_or_add_pPr().append(ind)
    document.add_paragraph("　　第二条　本办法适用于本市。")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text, table.cell(0, 1).text, table.cell(0, 2).text = "序号", "事项", "责任单位"
    merged = table.cell(1, 1).merge(table.cell(1, 2))
    table.cell(1, 0).text = "1"
    merged.text = "政务公开"
    heading = document.add_paragraph("一、总体要求", style="Heading 1")
    heading.alignment = None
    signature = document.add_paragraph("青川市人民政府办公室")
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph("2021年3月15日").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    section = document.sections[0]
    section.header.paragraphs[0].text = "青川市人民政府公报"
    section.footer.paragraphs[0].text = "— 1 —"
    document.save(str(path))
    return path


@pytest.fixture
def red_header(tmp_path: Path) -> Any:
    return read(red_header_document(tmp_path / "red.docx"))


def test_paragraphs_in_order_with_line_breaks(red_header: Any) -> None:
    assert red_header.format == "docx"
    assert [line.text for line in red_header.lines] == [
        "青川市人民政府办公室文件",
        "青政办发〔2021〕12号",
        "青川市人民政府办公室关于印发",
        "青川市政务公开工作实施办法的通知",
        "各区县人民政府，市政府各部门：",
        "《青川市政务公开工作实施办法》已经市政府同意，现印发给你们。",
        "第一条\u3000为深入推进政务公开，制定本办法。",
        "第二条\u3000本办法适用于本市。",
        "序号\t事项\t责任单位",
        "1\t政务公开",
        "一、总体要求",
        "青川市人民政府办公室",
        "2021年3月15日",
    ]


def test_layout_hints(red_header: Any) -> None:
    lines = red_header.lines
    assert (lines[0].color, lines[0].size, lines[0].align) == ("FF0000", 36.0, "center")
    assert lines[2].style == "Title" and lines[2].bold
    assert lines[5].indent == 2.0 and lines[5].size == 16.0  # 32 pt at 16 pt (the style's)
    assert lines[6].indent == 2.0  # firstLineChars="200"
    assert lines[7].indent == 2.0  # two leading ideographic spaces
    assert lines[8].table and lines[9].table
    assert lines[10].style == "Heading 1" and lines[10].bold  # bold from the style
    assert lines[10].size == 14.0  # from the style, along basedOn
    assert lines[11].align == "right"


def test_headers_and_footers_are_furniture(red_header: Any) -> None:
    assert [line.text for line in red_header.furniture] == ["青川市人民政府公报", "— 1 —"]
    assert "公报" not in red_header.text


def test_text_box_paragraphs_are_read(tmp_path: Path) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph._p.append(
        parse_xml(
            '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            'xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape><v:textbox>'
            "<w:txbxContent><w:p><w:r><w:t>青川市人民政府文件</w:t></w:r></w:p></w:txbxContent>"
            "</v:textbox></v:shape></w:pict></w:r>"
        )
    )
    document.add_paragraph("正文。")
    path = tmp_path / "box.docx"
    document.save(str(path))
    assert [line.text for line in read(path).lines] == ["青川市人民政府文件", "正文。"]


@pytest.mark.parametrize("key", GOVCN_IDS)
def test_govcn_rendition_gives_the_html_lines(
    govcn_renditions: dict[str, dict[str, Any]], key: str
) -> None:
    source = title_joined(html.read(corpus_path("govcn", f"{key}.body.html")).lines)
    raw = read(govcn_renditions[key]["docx"])
    assert [line.text for line in raw.lines] == [line.text for line in source]
    assert [line.align for line in raw.lines if not line.table] == [
        line.align or "justify" for line in source if not line.table
    ]


def title_joined(lines: Any) -> list[Any]:
    """The HTML body's lines with each title's lines (centred, in a title's size) as one: the
    DOCX reader gives a title set over several lines as one paragraph."""
    out: list[Any] = []
    for line in lines:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.align == line.align == "center"
            and prev.size is not None
            and prev.size == line.size
            and prev.size >= 14
        ):
            out[-1] = attrs.evolve(prev, text=prev.text + line.text)
        else:
            out.append(line)
    return out


# --- hostile files ---------------------------------------------------------------------------


def rezip(source: Path, target: Path, replace: dict[str, bytes], extra: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item.filename, replace.get(item.filename, old.read(item.filename)))
        for name, data in extra.items():
            new.writestr(name, data)
    return target


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    plain = red_header_document(tmp_path / "plain.docx")
    bomb = rezip(plain, tmp_path / "bomb.docx", {}, {"word/media/filler.bin": bytes(50_000_000)})
    with pytest.raises(UnsafeFile) as caught:
        read(bomb)
    assert str(bomb) in str(caught.value) and "ZIP炸弹" in str(caught.value)


@pytest.mark.parametrize(
    "declaration",
    [
        '<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>',
        '<!DOCTYPE w:document SYSTEM "file:///etc/passwd">',
    ],
    ids=["entity-expansion", "external-dtd"],
)
def test_xml_with_a_dtd_is_refused(tmp_path: Path, declaration: str) -> None:
    plain = red_header_document(tmp_path / "plain.docx")
    with zipfile.ZipFile(plain) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    head, _, rest = xml.partition("?>")
    hostile = rezip(
        plain,
        tmp_path / "dtd.docx",
        {"word/document.xml": (head + "?>" + declaration + rest).encode()},
        {},
    )
    with pytest.raises(UnsafeFile) as caught:
        read(hostile)
    assert "document.xml" in str(caught.value)


def test_encrypted_word_file_is_refused(tmp_path: Path) -> None:
    # Word saves a password-protected .docx as an OLE2 compound file holding EncryptedPackage.
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    directory = "Root Entry".encode("utf-16-le").ljust(128, b"\0")
    directory += "EncryptionInfo".encode("utf-16-le").ljust(128, b"\0")
    directory += "EncryptedPackage".encode("utf-16-le").ljust(128, b"\0")
    path = tmp_path / "secret.docx"
    path.write_bytes(header + directory + bytes(4096))
    with pytest.raises(EncryptedFile) as caught:
        read(path)
    assert str(path) in str(caught.value)


def test_old_word_file_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000))
    with pytest.raises(UnsupportedFormat) as caught:
        read(path)
    assert ".doc" in str(caught.value)


def test_truncated_docx_is_corrupt(tmp_path: Path) -> None:
    data = red_header_document(tmp_path / "plain.docx").read_bytes()
    cut = tmp_path / "cut.docx"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptFile):
        read(cut)


def test_malformed_document_xml_is_corrupt(tmp_path: Path) -> None:
    plain = red_header_document(tmp_path / "plain.docx")
    broken = rezip(
        plain, tmp_path / "broken.docx", {"word/document.xml": b"<w:document><w:body>"}, {}
    )
    with pytest.raises(CorruptFile):
        read(broken)


def test_zip_that_is_not_a_word_file_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(UnsupportedFormat):
        read(path)


def test_word_file_without_text_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    path.write_bytes(buffer.getvalue())
    with pytest.raises(EmptyDocument):
        read(path)


# --- how Word and WPS templates and converted web pages are built ------------------------------


def template_body() -> str:
    """A 公文 template: the issuer mark in a DrawingML text box, the number in a content
    control inside a VML text box, the body in a one-cell layout table holding a data table."""
    data = pub.table(
        [
            [pub.p("序号"), pub.p("事项"), pub.p("责任单位")],
            [pub.p("1"), pub.p("政务公开"), pub.p("市政府办公室")],
            [
                pub.p("2"),
                pub.p("政策解读"),
                pub.table([[pub.p("市发展改革委")], [pub.p("市财政局")]]),
            ],
        ]
    )
    cell = "".join(
        [
            pub.p("各区县人民政府，市政府各部门："),
            pub.p("现将有关事项通知如下。"),
            data,
            pub.p("青川市人民政府办公室", jc="right"),
            pub.p("2021年3月15日", jc="right"),
            pub.p("（此件公开发布）"),
        ]
    )
    return "".join(
        [
            pub.drawingml_box(
                pub.p("青川市人民政府办公室文件", jc="center", size=36, color="FF0000")
            ),
            pub.vml_box(pub.sdt_inline_paragraph("青政办发〔", "2021", "〕12号")),
            pub.sdt_block(pub.p("单击此处输入文字。"), placeholder=True),
            pub.sdt_block(pub.p("关于做好政务公开工作的通知", jc="center", size=22)),
            pub.table([[cell]]),
        ]
    )


def test_word_template_reads_in_order(tmp_path: Path) -> None:
    raw = read(pub.word_file(tmp_path / "template.docx", template_body()))
    assert [(line.text, line.table) for line in raw.lines] == [
        ("青川市人民政府办公室文件", False),
        ("青政办发〔2021〕12号", False),
        ("关于做好政务公开工作的通知", False),
        ("各区县人民政府，市政府各部门：", False),
        ("现将有关事项通知如下。", False),
        ("序号\t事项\t责任单位", True),
        ("1\t政务公开\t市政府办公室", True),
        ("2\t政策解读\t市发展改革委市财政局", True),  # a nested table's cells joined
        ("青川市人民政府办公室", False),
        ("2021年3月15日", False),
        ("（此件公开发布）", False),
    ]
    assert raw.lines[0].color == "FF0000" and raw.lines[0].align == "center"


def test_word_template_gives_every_element(tmp_path: Path) -> None:
    from ingest import stages

    doc = stages.document_from(read(pub.word_file(tmp_path / "template.docx", template_body())))
    assert doc.issuer_mark == "青川市人民政府办公室文件"
    assert str(doc.doc_number) == "青政办发〔2021〕12号"
    assert doc.title == "关于做好政务公开工作的通知"
    assert doc.issuers == ("青川市人民政府办公室",)
    assert doc.disclosure.attribute.value == "proactive"


@pytest.mark.parametrize(
    ("rows", "layout"),
    [
        ([["正文第一段。正文第二段。"]], True),  # one cell
        ([["标题"], ["正文。"], ["落款"]], True),  # one column of cells
        ([["", "正文。"], ["", "更多正文。"]], True),  # a narrow empty margin column
        ([["序号", "事项"], ["1", "政务公开"]], False),  # rows of values
        ([["名称：", "青川市"], ["文号：", "青政发〔2021〕1号"]], False),  # a form
    ],
    ids=["one-cell", "one-column", "margin-column", "data", "form"],
)
def test_layout_or_data_table_by_structure(rows: list[list[str]], layout: bool) -> None:
    from ingest.readers.docx import is_layout_table

    sizes = [[len(text) for text in row] for row in rows]
    counts = [[1 if text else 0 for text in row] for row in rows]
    assert is_layout_table(sizes, counts, nested=False) is layout


def test_cell_holding_the_body_beside_a_side_column_is_layout(tmp_path: Path) -> None:
    body = "".join(pub.p(f"第{k}段正文，内容足够长，是正文的一部分。") for k in range(1, 5))
    frame = pub.table([[pub.p("导航"), body]], widths=[1500, 7500])
    raw = read(pub.word_file(tmp_path / "frame.docx", frame))
    assert [line.table for line in raw.lines] == [False] * 5
    assert raw.lines[1].text == "第1段正文，内容足够长，是正文的一部分。"


def test_merged_cells_are_read_once(tmp_path: Path) -> None:
    merged = (
        '<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w="3000"/><w:gridCol w:w="3000"/>'
        '<w:gridCol w:w="3000"/></w:tblGrid>'
        '<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>一、保护'
        "</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>甲</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>"
        "<w:tc><w:p><w:r><w:t>2</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>乙</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    )
    raw = read(pub.word_file(tmp_path / "merged.docx", merged))
    assert [line.text for line in raw.lines] == ["一、保护\t1\t甲", "2\t乙"]


def test_portal_page_saved_as_word_gives_its_metadata(office_pages: dict[str, Path]) -> None:
    raw = read(office_pages["01.page"])
    assert raw.metadata["索引号"] == "000014349/2019-00007"
    assert raw.metadata["发文字号"] == "国发〔2019〕5号"
    assert raw.lines[0].text == "国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见"
