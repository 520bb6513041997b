"""The DOCX export read back: GB/T 9704-2012 page setup, fonts, element placement."""

from __future__ import annotations

import io

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from gazette.export import render
from gazette.export.docx import CONDENSE_TWIPS, text_width, title_lines
from tests.export_fixtures import CASES, ON


def read(case: str) -> docx.document.Document:
    return docx.Document(io.BytesIO(render(CASES[case](), "docx", on=ON)))


def paragraph(document: docx.document.Document, text: str) -> docx.text.paragraph.Paragraph:
    for p in document.paragraphs:
        if p.text.replace("\n", "") == text:
            return p
    raise AssertionError(f"no paragraph {text!r}")


def east_asian_fonts(p: docx.text.paragraph.Paragraph) -> set[str]:
    return {run._r.rPr.rFonts.get(qn("w:eastAsia")) for run in p.runs}


def sizes(p: docx.text.paragraph.Paragraph) -> set[float]:
    return {run.font.size.pt for run in p.runs}


def close(a: int | float, b: int | float, tolerance: float) -> bool:
    return abs(a - b) <= tolerance


@pytest.mark.parametrize("case", sorted(CASES))
def test_page_is_a4_with_the_standard_margins_and_type_area(case: str) -> None:
    section = read(case).sections[0]
    tolerance = Mm(0.1)
    assert close(section.page_width, Mm(210), tolerance)
    assert close(section.page_height, Mm(297), tolerance)
    assert close(section.top_margin, Mm(37), tolerance)
    assert close(section.left_margin, Mm(28), tolerance)
    type_width = section.page_width - section.left_margin - section.right_margin
    type_height = section.page_height - section.top_margin - section.bottom_margin
    assert close(type_width, Mm(156), tolerance)
    assert close(type_height, Mm(225), tolerance)


def test_22_lines_of_28_characters() -> None:
    document = read("notice-attachments")
    section = document.sections[0]
    grid = section._sectPr.find(qn("w:docGrid"))
    pitch_pt = int(grid.get(qn("w:linePitch"))) / 20
    type_height_pt = (section.page_height - section.top_margin - section.bottom_margin) / 12700
    assert int(type_height_pt // pitch_pt) == 22
    # Body paragraphs are exactly one grid line high.
    body = paragraph(document, "各区县人民政府，市政府各部门：")
    spacing = body._p.pPr.find(qn("w:spacing"))
    assert spacing.get(qn("w:lineRule")) == "exact"
    assert int(spacing.get(qn("w:line"))) / 20 == pytest.approx(pitch_pt)
    # Characters: 3号 (16 pt) set CONDENSE_TWIPS tighter, so that 28 fill the 156 mm line.
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16)
    condensed = normal.element.rPr.find(qn("w:spacing"))
    advance = 16 + int(condensed.get(qn("w:val"))) / 20
    type_width_pt = (section.page_width - section.left_margin - section.right_margin) / 12700
    assert int(type_width_pt // advance) == 28
    assert int(condensed.get(qn("w:val"))) == CONDENSE_TWIPS


def test_fonts_are_named_as_the_standard_names_them() -> None:
    document = read("notice-attachments")
    normal_fonts = document.styles["Normal"].element.rPr.rFonts
    assert normal_fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    # No theme font overrides the names: not in the defaults, not in Normal, not in any run.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    runs = list(document.element.body.iter(qn("w:r")))
    for element in [*defaults.iter(qn("w:rFonts")), normal_fonts]:
        assert not any(key.endswith("Theme") for key in element.attrib)
    for run in runs:
        fonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) in {"仿宋_GB2312", "小标宋体", "黑体", "楷体_GB2312"}
        assert not any(key.endswith("Theme") for key in fonts.attrib)
    title = paragraph(
        document, "青川市人民政府办公室关于印发青川市政务公开工作要点和任务分工的通知"
    )
    assert east_asian_fonts(title) == {"小标宋体"}
    assert sizes(title) == {22.0}  # 2号
    body = paragraph(document, "各区县人民政府，市政府各部门：")
    assert east_asian_fonts(body) == {"仿宋_GB2312"}
    assert sizes(body) == {16.0}  # 3号
    assert east_asian_fonts(paragraph(document, "一、总体要求")) == {"黑体"}
    runin = paragraph(
        document, "（一）推进重点领域信息公开。围绕“放管服”改革，公开权责清单和办事指南。"
    )
    assert [r._r.rPr.rFonts.get(qn("w:eastAsia")) for r in runin.runs] == [
        "楷体_GB2312",
        "仿宋_GB2312",
    ]
    article = paragraph(
        read("repealed-rule"),
        "第一条　为了规范行政规范性文件的制定和监督管理，根据有关法律、法规，结合本市实际，制定本办法。",
    )
    assert article.runs[0].text == "第一条"
    assert east_asian_fonts(article) == {"黑体", "仿宋_GB2312"}


def test_issuer_mark_number_and_separator() -> None:
    document = read("notice-attachments")
    mark = paragraph(document, "青川市人民政府办公室文件")
    assert mark.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
    assert east_asian_fonts(mark) == {"小标宋体"}
    assert {str(r.font.color.rgb) for r in mark.runs} == {"FF0000"}
    # 35 mm from the top of the type area to the mark.
    before = int(mark._p.pPr.find(qn("w:spacing")).get(qn("w:before")))
    assert close(before / 20 * 25.4 / 72, 35, 0.1)
    number = paragraph(document, "青政办发〔2021〕12号")
    assert number.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
    # two lines under the mark
    assert int(number._p.pPr.find(qn("w:spacing")).get(qn("w:before"))) == 2 * 579
    bottom = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == "FF0000"
    assert close(int(bottom.get(qn("w:space"))) * 25.4 / 72, 4, 0.4)  # 4 mm under the number
    # the rule is as wide as the type area: the paragraph has no side indents
    ind = number._p.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:left")) is None and ind.get(qn("w:right")) is None


def test_signer_of_an_upward_document_is_on_the_number_line() -> None:
    document = read("joint-in-force")
    line = paragraph(document, "青财教〔2022〕8号\t签发人：李明")
    tab = line._p.pPr.find(qn("w:tabs")).find(qn("w:tab"))
    assert tab.get(qn("w:val")) == "right"
    assert east_asian_fonts(line) == {"仿宋_GB2312", "楷体_GB2312"}
    assert paragraph(document, "加急").alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.LEFT


def test_imprint_sits_in_a_frame_at_the_foot_of_the_type_area_between_rules() -> None:
    document = read("notice-attachments")
    cc = paragraph(document, "抄送：市委各部门，市人大常委会办公室，市政协办公室。")
    printed = paragraph(document, "青川市人民政府办公室\t2021年3月15日印发")
    for p in (cc, printed):
        frame = p._p.pPr.find(qn("w:framePr"))
        assert frame.get(qn("w:vAnchor")) == "margin"
        assert frame.get(qn("w:yAlign")) == "bottom"
        assert close(int(frame.get(qn("w:w"))) / 20 * 25.4 / 72, 156, 0.1)
        borders = p._p.pPr.find(qn("w:pBdr"))
        assert borders.find(qn("w:top")).get(qn("w:sz")) == "8"  # 0.35 mm
        assert borders.find(qn("w:bottom")).get(qn("w:sz")) == "8"
        assert sizes(p) == {14.0}  # 4号
    assert int(cc._p.pPr.find(qn("w:ind")).get(qn("w:hanging"))) == 3 * 14 * 20
    # the 版记 comes last, after the attachments
    assert document.paragraphs[-1].text == printed.text


def test_attachments_start_on_a_new_page_with_their_label() -> None:
    document = read("notice-attachments")
    label = paragraph(document, "附件2")
    assert label._p.pPr.find(qn("w:pageBreakBefore")) is not None
    assert east_asian_fonts(label) == {"黑体"}
    assert len(document.tables) == 1
    assert [c.text for c in document.tables[0].rows[1].cells] == [
        "1",
        "公开权责清单",
        "市政府办公室",
    ]


def test_page_numbers_and_status_in_every_page_header() -> None:
    document = read("repealed-rule")
    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        p = footer.paragraphs[0]
        assert p._p.find(f"{qn('w:fldSimple')}").get(qn("w:instr")).strip() == "PAGE"
        assert p._p.pPr.find(qn("w:jc")).get(qn("w:val")) == side
        assert "— " in p.text and " —" in p.text
    for header in (section.header, section.even_page_header):
        text = header.paragraphs[0].text
        assert text.startswith(
            "已废止（依据：《青川市行政规范性文件管理规定》，自2024年11月1日起）"
        )
        assert "标准文本：青川市人民政府公报 2019年第5号 第4–7页" in text


def test_core_properties_carry_the_header() -> None:
    props = read("repealed-rule").core_properties
    assert props.title == "青川市行政规范性文件管理办法"
    assert props.content_status == "已废止"
    assert props.identifier == "qc-rule-12"
    assert (
        props.comments.splitlines()[0]
        == "【已废止（依据：《青川市行政规范性文件管理规定》，自2024年11月1日起）】"
    )
    assert props.comments.splitlines()[-1].startswith("【SHA-256：")
    assert props.modified.date() == ON


def test_signature_and_date_placement() -> None:
    document = read("notice-attachments")
    signature = paragraph(document, "青川市人民政府办公室")
    date = paragraph(document, "2021年3月15日")
    right = lambda p: int(p._p.pPr.find(qn("w:ind")).get(qn("w:right")))  # noqa: E731
    assert signature.alignment == date.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    # the date starts two characters right of the signature's first character
    sig_start = right(signature) / 320 + text_width(signature.text)
    date_start = right(date) / 320 + text_width(date.text)
    assert sig_start - date_start == pytest.approx(2)
    assert signature._p.pPr.find(qn("w:keepNext")) is not None


@pytest.mark.parametrize(
    ("title", "lines"),
    [
        ("短标题的通知", ["短标题的通知"]),
        (
            "青川市人民政府关于印发青川市行政规范性文件管理办法的通知",
            ["青川市人民政府关于印发青川市", "行政规范性文件管理办法的通知"],
        ),
        (
            "国务院办公厅关于印发《国务院2019年立法工作计划》的通知",
            ["国务院办公厅关于印发", "《国务院2019年立法工作计划》的通知"],
        ),
    ],
    ids=["short", "before-name", "keeps-book-title"],
)
def test_title_lines(title: str, lines: list[str]) -> None:
    assert title_lines(title, 20) == lines
    assert "".join(title_lines(title, 20)) == title
