"""The OFD reader, on the real files of ``../shared/corpus/ofd`` (from the ofdrw project, made by
other producers) and on hostile packages written for the purpose (``tests/ofd_fixtures.py``)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

import gazette
from gazette.errors import CorruptFile, EncryptedFile, NeedsOCR, UnsafeFile, UnsupportedFormat
from gazette.model import BlockKind
from ingest import ingest_paths, ocr, stages
from ingest.readers import read
from ingest.readers.ofd_page import compose, deltas
from ingest.sniff import sniff
from tests.conftest import corpus_path
from tests.ofd_fixtures import NS, package, page, text_object

# --- n.ofd: a real 公文 ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def n_raw() -> Any:
    return read(corpus_path("ofd", "n.ofd"))


def test_n_ofd_reads_every_paragraph_in_order(n_raw: Any) -> None:
    # The package draws 测试符 ("test mark") before the organ's name in the mark, the
    # signature and the 印发 line: each TextCode holds it (11 characters, 10 advances in the
    # mark), inside its object's boundary, and the mark is centred on the page with it. It is
    # on the page, so it is read.
    assert [line.text for line in n_raw.lines] == [
        "测试符路桥区卫生局文件",
        "路卫发〔2011〕76号",
        "关于同意张阿三同志辞职的批复",
        "区中医院：",
        "你院《关于给张阿三同志辞职的请示》（路中医发〔2011〕10号）收悉。",
        "张阿三，男，1978年2月出生，籍贯江西新建，2001年9月参加工作，本科学历，主治医师，"
        "系区中医院职工。",
        "该同志由于家庭、籍贯等原因，从2006年1月至今未到单位上班，期间院方曾多次与其联系，"
        "均被拒绝回院。2011年3月1日该同志向医院递交辞职报告，鉴于本人实际情况，根据《浙江省专业"
        "技术人员和管理人员辞职暂行办法》（浙人才〔1993〕73号）文件精神，经研究，同意张阿三同志"
        "辞职。",
        "测试符路桥区卫生局办公室",
        "2011年3月10日",
        "测试符路桥区卫生局办公室\u30002011年3月10日印发",
    ]
    assert n_raw.page_count == 2 and n_raw.format == "ofd"
    assert [(line.text, line.page) for line in n_raw.furniture] == [("— 1 —", 1), ("— 2 —", 2)]
    # the body is on page 1, the signature, the date and the 印发 line on page 2
    assert n_raw.extra["page_spans"][4:] == [(1, 1)] * 3 + [(2, 2)] * 3


def test_n_ofd_layout_hints(n_raw: Any) -> None:
    mark, number, title = n_raw.lines[:3]
    assert (mark.align, mark.color, mark.bold) == ("center", "EE2025", True)
    assert number.align == "center" and title.align == "center" and title.bold
    assert [line.align for line in n_raw.lines[7:9]] == ["right", "right"]
    assert n_raw.lines[4].indent == 2.0 and n_raw.lines[3].indent == 0.0


def test_n_ofd_gives_every_element(n_raw: Any) -> None:
    doc = stages.document_from(n_raw)
    assert doc.issuer_mark == "测试符路桥区卫生局文件"
    assert str(doc.doc_number) == "路卫发〔2011〕76号"
    assert doc.title == "关于同意张阿三同志辞职的批复" and doc.doc_type == "批复"
    assert doc.recipients == ("区中医院",)
    assert doc.issuers == ("测试符路桥区卫生局办公室",)
    assert doc.written_date == dt.date(2011, 3, 10)
    assert (doc.printed_by, doc.printed_date) == ("测试符路桥区卫生局办公室", dt.date(2011, 3, 10))
    kinds = [block.kind for block in doc.texts[0].blocks]
    assert kinds == [
        BlockKind.HEADER,
        BlockKind.HEADER,
        BlockKind.TITLE,
        BlockKind.RECIPIENTS,
        BlockKind.PARAGRAPH,
        BlockKind.PARAGRAPH,
        BlockKind.PARAGRAPH,
        BlockKind.SIGNATURE,
        BlockKind.DATE,
        BlockKind.PRINTED,
    ]


def test_n_ofd_seal_is_noted_not_read(n_raw: Any) -> None:
    (signature,) = n_raw.extra["signatures"]
    assert signature["type"] == "Seal" and signature["pages"] == [2]
    assert signature["time"] == "2020-01-25 15:31:56"
    assert any("signed" in warning and "not verified" in warning for warning in n_raw.warnings)


# --- the other real files ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "pages", "expected"),
    [
        ("helloworld.ofd", 1, ["你好呀，OFD Reader&Writer！"]),
        ("chineseDir.ofd", 1, ["你好呀，OFD Reader&Writer！"]),  # Chinese folder names
        ("SESV4SignDoc.ofd", 1, ["你好呀，OFD Reader&Writer！"]),  # signed
        # one text object, its glyphs spaced unevenly
        ("multiKeywordInTextCode.ofd", 1, ["打发打发打发打发打发哈哈打发哈哈哈哈哈哈哈哈哈打发"]),
        # DeltaX in the g repeat syntax, several groups in one code
        ("keyword.ofd", 1, ["鲁（2020）泰安市不动产证明第0014777号", "37000015590"]),
        # text from the template page (发票代码：) beside the page's own (the number)
        ("1.ofd", 1, ["浙江增值税电子普通发票\u3000发票代码：", "033002000211"]),
        ("999.ofd", 5, ["所属增值税电子普通发票代码："]),
        # text inside composite objects (CTM on CTM), three columns
        ("y.ofd", 3, ["勇立潮头真抓实干", "建设新时代海关数字档案室", "文/海关总署"]),
        # template pages in a TPLS folder the document calls so
        ("zsbk.ofd", 2, ["建设单位\u3000中华安保有限公司"]),
        ("signout.ofd", 1, ["XX市政府文件处理"]),
    ],
)
def test_real_files(name: str, pages: int, expected: list[str]) -> None:
    raw = read(corpus_path("ofd", name))
    assert raw.page_count == pages
    texts = [line.text for line in raw.lines]
    for text in expected:
        assert any(line.startswith(text) for line in texts), (text, texts[:12])


@pytest.mark.parametrize("name", ["h.ofd", "Page5.ofd"])
def test_pages_drawn_without_text_need_ocr(name: str) -> None:
    path = corpus_path("ofd", name)
    with pytest.raises(NeedsOCR) as caught:
        read(path)
    assert str(path) in str(caught.value) and "5页中有5页" in str(caught.value)


def test_signed_files_list_their_signatures() -> None:
    raw = read(corpus_path("ofd", "zsbk.ofd"))
    assert sorted(p for s in raw.extra["signatures"] for p in s["pages"]) == [1, 2]


@pytest.mark.parametrize("name", ["n.ofd", "helloworld.ofd", "keyword.ofd"])
def test_sniffed_by_content(tmp_path: Path, name: str) -> None:
    disguised = tmp_path / "document.zip"
    disguised.write_bytes(corpus_path("ofd", name).read_bytes())
    assert sniff(disguised) == "ofd"


# --- the pipeline ----------------------------------------------------------------------------


def test_n_ofd_is_ingested(tmp_path: Path) -> None:
    with gazette.open_archive(tmp_path / "a", actor="test") as archive:
        report = ingest_paths(archive, [corpus_path("ofd", "n.ofd")], jobs=1)
        (result,) = report.results
        assert (result.outcome, result.format) == ("ingested", "ofd")
        doc = archive.internal.get("路卫发〔2011〕76号")
        assert doc.sources[0].format == "ofd" and doc.title == "关于同意张阿三同志辞职的批复"


def test_ofd_without_text_is_kept_as_needing_ocr_when_ocr_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ocr, "unavailable", lambda *a, **k: "Tesseract is not installed")
    with gazette.open_archive(tmp_path / "a", actor="test") as archive:
        report = ingest_paths(archive, [corpus_path("ofd", "Page5.ofd")], jobs=1)
        (result,) = report.results
        assert (result.outcome, result.reason) == ("ingested", "needs_ocr")
        assert any("need OCR" in note for note in result.notes)


def _text_image(text: str) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    fonts = [
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    ]
    font_path = next((f for f in fonts if Path(f).exists()), None)
    if font_path is None:
        pytest.skip("no CJK font (fonts-noto-cjk) to draw the page image")
    font = ImageFont.truetype(font_path, 64)
    image = Image.new("L", (1900, 140), 255)
    ImageDraw.Draw(image).text((20, 30), text, font=font, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_page_that_is_an_image_of_text_is_recognised(tmp_path: Path) -> None:
    if ocr.unavailable() is not None:
        pytest.skip(f"OCR is not available: {ocr.unavailable()}")
    text = "关于进一步加强政务公开工作的通知"
    path = package(
        tmp_path / "scan.ofd",
        [
            page(
                '<ofd:ImageObject ID="5" ResourceID="7" Boundary="20 30 170 12.5" CTM="170 0 0 12.5 0 0"/>'
            )
        ],
        resources='<ofd:MultiMedias><ofd:MultiMedia ID="7" Type="Image">'
        "<ofd:MediaFile>page.png</ofd:MediaFile></ofd:MultiMedia></ofd:MultiMedias>",
        media={"page.png": _text_image(text)},
    )
    with gazette.open_archive(tmp_path / "a", actor="test") as archive:
        (result,) = ingest_paths(archive, [path], jobs=1).results
        assert result.outcome == "ingested", result.as_json()
        doc = archive.internal.get(result.ids[0])
        assert doc.text is not None and doc.text.ocr is not None
        assert "政务公开" in doc.text.text


# --- how glyphs are placed ---------------------------------------------------------------------


def test_delta_repeat_syntax() -> None:
    assert deltas("g 3 2.1 1.5 g 2 4") == [2.1, 2.1, 2.1, 1.5, 4.0, 4.0]
    assert deltas("1 x 2") == [1.0, 2.0]


def test_matrices_compose_in_order() -> None:
    scale = (2.0, 0.0, 0.0, 2.0, 0.0, 0.0)
    move = (1.0, 0.0, 0.0, 1.0, 10.0, 5.0)
    assert compose(scale, move) == (2.0, 0.0, 0.0, 2.0, 10.0, 5.0)
    assert compose(move, scale) == (2.0, 0.0, 0.0, 2.0, 20.0, 10.0)


def test_ctm_boundary_and_composite_units_place_text(tmp_path: Path) -> None:
    # A composite unit drawn twice, scaled by its CTM and moved by its boundary: its text
    # lands where the matrices say, in reading order.
    unit = (
        '<ofd:CompositeGraphicUnits><ofd:CompositeGraphicUnit ID="50" Width="100" Height="20">'
        '<ofd:Content><ofd:TextObject ID="51" Font="1" Size="1" CTM="5 0 0 5 0 0" '
        'Boundary="0 0 100 20"><ofd:TextCode X="0" Y="1" DeltaX="g 3 1">第二行文</ofd:TextCode>'
        "</ofd:TextObject></ofd:Content></ofd:CompositeGraphicUnit></ofd:CompositeGraphicUnits>"
    )
    content = page(
        '<ofd:CompositeObject ID="60" ResourceID="50" Boundary="30 80 100 20" '
        'CTM="1.2 0 0 1.2 0 0"/>',
        text_object("第一行文字", 30, 40),
        '<ofd:PageBlock ID="70">'
        + text_object("页块中的第三行", 30, 150, ident=71)
        + "</ofd:PageBlock>",
    )
    raw = read(package(tmp_path / "placed.ofd", [content], resources=unit))
    texts = [line.text for line in raw.lines]
    assert texts == ["第一行文字", "第二行文", "页块中的第三行"]


def test_glyphs_outside_their_boundary_are_clipped(tmp_path: Path) -> None:
    clipped = (
        '<ofd:TextObject ID="9" Font="1" Size="5" Boundary="30 30 20 8">'
        '<ofd:TextCode X="0" Y="5" DeltaX="g 9 5">看得见的看不见的文字</ofd:TextCode>'
        "</ofd:TextObject>"
    )
    raw = read(package(tmp_path / "clip.ofd", [page(clipped, text_object("正文。", 30, 60))]))
    assert raw.lines[0].text == "看得见的"


def test_template_text_is_read_with_the_page(tmp_path: Path) -> None:
    template = page(text_object("模板上的标签：", 30, 40, ident=3))
    content = page(text_object("页面上的值", 80, 40), template="7")
    raw = read(package(tmp_path / "tpl.ofd", [content], templates={"7": template}))
    assert raw.lines[0].text == "模板上的标签：\u3000页面上的值"


def test_wide_gap_inside_a_code_is_kept(tmp_path: Path) -> None:
    joint = (
        '<ofd:TextObject ID="9" Font="1" Size="5" Boundary="20 30 180 8">'
        '<ofd:TextCode X="0" Y="5" DeltaX="g 5 5 40 g 6 5">国务院办公厅中央军委办公厅</ofd:TextCode>'
        "</ofd:TextObject>"
    )
    raw = read(package(tmp_path / "gap.ofd", [page(joint)]))
    assert raw.lines[0].text == "国务院办公厅\u3000中央军委办公厅"


# --- hostile packages ------------------------------------------------------------------------


def _plain(tmp_path: Path, name: str = "plain.ofd", **kwargs: Any) -> Path:
    return package(tmp_path / name, [page(text_object("正文。", 30, 40))], **kwargs)


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = _plain(tmp_path, extra={"Doc_0/Res/filler.bin": bytes(50_000_000)})
    with pytest.raises(UnsafeFile) as caught:
        read(path)
    assert str(path) in str(caught.value) and "ZIP炸弹" in str(caught.value)


@pytest.mark.parametrize(
    "declaration",
    [
        '<!DOCTYPE ofd:Page [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
        '<!DOCTYPE ofd:Page SYSTEM "file:///etc/passwd">',
    ],
    ids=["entity-expansion", "external-dtd"],
)
def test_xml_with_a_dtd_is_refused(tmp_path: Path, declaration: str) -> None:
    content = page(text_object("正文。", 30, 40)).replace("?>", "?>" + declaration, 1)
    path = package(tmp_path / "dtd.ofd", [content])
    with pytest.raises(UnsafeFile) as caught:
        read(path)
    assert "Content.xml" in str(caught.value) and "DTD" in str(caught.value)


@pytest.mark.parametrize("root", ["../../etc/passwd", "/../outside/Document.xml"])
def test_reference_out_of_the_package_is_refused(tmp_path: Path, root: str) -> None:
    path = _plain(tmp_path, doc_root=root)
    with pytest.raises(UnsafeFile) as caught:
        read(path)
    assert "包外" in str(caught.value)


def test_composite_unit_that_draws_itself_is_refused(tmp_path: Path) -> None:
    loop = (
        '<ofd:CompositeGraphicUnits><ofd:CompositeGraphicUnit ID="50" Width="10" Height="10">'
        '<ofd:Content><ofd:CompositeObject ID="51" ResourceID="50" Boundary="0 0 10 10"/>'
        '<ofd:CompositeObject ID="52" ResourceID="50" Boundary="0 0 10 10"/>'
        "</ofd:Content></ofd:CompositeGraphicUnit></ofd:CompositeGraphicUnits>"
    )
    content = page('<ofd:CompositeObject ID="60" ResourceID="50" Boundary="0 0 10 10"/>')
    path = package(tmp_path / "loop.ofd", [content], resources=loop)
    with pytest.raises(UnsafeFile) as caught:
        read(path)
    assert "第1页" in str(caught.value)


def test_missing_part_is_corrupt(tmp_path: Path) -> None:
    path = _plain(tmp_path, doc_root="Doc_9/Document.xml")
    with pytest.raises(CorruptFile) as caught:
        read(path)
    assert "缺少Doc_9/Document.xml" in str(caught.value)


def test_malformed_xml_is_corrupt(tmp_path: Path) -> None:
    path = package(tmp_path / "bad.ofd", [f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content>'])
    with pytest.raises(CorruptFile) as caught:
        read(path)
    assert "XML有误" in str(caught.value)


def test_encrypted_members_are_refused(tmp_path: Path) -> None:
    path = _plain(tmp_path)
    data = bytearray(path.read_bytes())
    # set the "encrypted" flag on every local and central header
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (found := data.find(signature, start)) != -1:
            data[found + offset] |= 0x1
            start = found + 4
    path.write_bytes(bytes(data))
    with pytest.raises(EncryptedFile):
        read(path)


def test_zip_without_ofd_entry_is_not_an_ofd(tmp_path: Path) -> None:
    path = tmp_path / "archive.ofd"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Doc_0/Document.xml", "<x/>")
    with pytest.raises(UnsupportedFormat):
        sniff(path)


def test_hostile_package_fails_alone_in_a_batch(tmp_path: Path) -> None:
    bomb = _plain(tmp_path, "bomb.ofd", extra={"Doc_0/Res/filler.bin": bytes(50_000_000)})
    good = corpus_path("ofd", "helloworld.ofd")
    with gazette.open_archive(tmp_path / "a", actor="test") as archive:
        report = ingest_paths(archive, [bomb, good], jobs=1)
        outcomes = {Path(r.path).name: (r.outcome, r.reason) for r in report.results}
    assert outcomes == {"bomb.ofd": ("failed", "unsafe"), "helloworld.ofd": ("ingested", None)}


def test_pages_without_text_are_drawn_for_ocr() -> None:
    pytest.importorskip("PIL", reason="drawing pages for OCR needs Pillow")
    from ingest.readers.ofd_render import render

    ((image, number, width, height),) = list(render(corpus_path("ofd", "h.ofd"), [1], 72))
    assert number == 1 and (round(width), round(height)) == (595, 842)
    # h.ofd draws filled boxes (70 x 30 mm from x = 70 mm) with their outlines
    scale = 72 / 25.4
    inside = image.getpixel((round(105 * scale), round(20 * scale)))
    outside = image.getpixel((round(20 * scale), round(20 * scale)))
    assert inside < 128 and outside == 255


def test_a_page_too_large_to_draw_is_refused(tmp_path: Path) -> None:
    from ingest.readers.ofd_render import render

    content = page(
        '<ofd:PathObject ID="8" Boundary="0 0 1 1"><ofd:AbbreviatedData>M 0 0 L 1 1'
        "</ofd:AbbreviatedData></ofd:PathObject>"
    )
    content = content.replace(
        "<ofd:Content>",
        "<ofd:Area><ofd:PhysicalBox>0 0 90000 90000</ofd:PhysicalBox></ofd:Area><ofd:Content>",
    )
    path = package(tmp_path / "huge.ofd", [content])
    with pytest.raises(UnsafeFile) as caught:
        list(render(path, [1], 300))
    assert "页面过大" in str(caught.value)
