"""The PDF reader: reading order, paragraphs, furniture, layout hints, unusable and hostile PDFs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import gazette
from gazette.errors import CorruptFile, EmptyDocument, EncryptedFile, NeedsOCR
from ingest import ingest_paths
from ingest.raw import Line, RawDocument
from ingest.readers import pdf, read
from tests.conftest import corpus_path
from tests.render import LEFT, PdfImage, PdfText, render_pdf, write_pdf

BODY = (
    "为深入推进政务公开，保障公民、法人和其他组织依法获取政府信息，根据《中华人民共和国政府信息公开条例》，"
    "结合本市实际，制定本办法。行政机关应当坚持以公开为常态、不公开为例外，遵循公正、公平、合法、便民的原则。"
)


def squeezed(text: str) -> str:
    return re.sub(r"\s", "", text)


# --- the real GB/T 9704 PDF ------------------------------------------------------------------


def labelled_397() -> list[tuple[str, str]]:
    """``(label, text)`` segments of 397_a.txt (character-level BIO labels)."""
    rows = corpus_path("govdoc-cn", "397_a.txt").read_text("utf-8").splitlines()
    segments: list[tuple[str, str]] = []
    for row in rows:
        parts = row.split(" ")
        if len(parts) < 2:
            continue
        char, tag = parts[0], parts[1]
        if tag.startswith("B_") or not segments or segments[-1][0] != tag[2:]:
            segments.append((tag[2:], char))
        else:
            segments[-1] = (segments[-1][0], segments[-1][1] + char)
    return segments


@pytest.fixture(scope="module")
def raw_397() -> RawDocument:
    return pdf.read(corpus_path("govdoc-cn", "397.pdf"))


def test_397_text_is_complete_and_in_reading_order(raw_397: RawDocument) -> None:
    ours = "".join(squeezed(line.text) for line in raw_397.lines)
    labelled = "".join(text for _, text in labelled_397()).replace("曌", "").replace("錓", "")
    # The labels place 文件 between the two organs of the joint mark (it is printed to their
    # right) and end the headings with 。 where the PDF prints none; nothing else differs.
    assert ours.replace("文件", "").replace("。", "") == labelled.replace("文件", "").replace(
        "。", ""
    )


def test_397_page_numbers_are_furniture_with_their_page(raw_397: RawDocument) -> None:
    assert [(f.page, squeezed(f.text)) for f in raw_397.furniture] == [
        (n, f"—{n}—") for n in range(1, 6)
    ]
    assert not any("—" in line.text for line in raw_397.lines)
    assert raw_397.page_count == 5


def test_397_headings_are_paragraphs_of_their_own(raw_397: RawDocument) -> None:
    headings = [text.rstrip("。") for label, text in labelled_397() if label.endswith("级标题")]
    texts = [line.text for line in raw_397.lines]
    assert len(headings) == 14
    for heading in headings:
        assert heading in texts


def test_397_layout_hints(raw_397: RawDocument) -> None:
    mark, number, title = raw_397.lines[0], raw_397.lines[2], raw_397.lines[3]
    assert mark.color == "FF0000" and mark.size and mark.size > 30
    assert number.text == "发改办财金规〔2019〕860号" and number.align == "center"
    assert title.size == 22
    body = next(line for line in raw_397.lines if line.text.startswith("为贯彻落实"))
    assert body.indent == 2 and body.size == 16 and body.align == "justify"
    assert [line.page for line in raw_397.lines[-3:]] == [5, 5, 5]
    assert [line.text for line in raw_397.lines[-3:]] == [
        "国家发展改革委办公厅",
        "税务总局办公厅",
        "2019年8月20日",
    ]


def test_397_paragraph_cut_by_a_page_break_is_mended(raw_397: RawDocument) -> None:
    # "…推动" ends page 1 and "经济发展、…" starts page 2.
    mended = next(line for line in raw_397.lines if "推动经济发展" in line.text)
    assert mended.page == 1
    assert mended.text.endswith("推动税务领域信用体系建设迈上新台阶。") or "坚持依法推进原则" in (
        mended.text
    )


# --- generated PDFs --------------------------------------------------------------------------


def document_lines(n_body: int = 12) -> list[Line]:
    return [
        Line("青川市人民政府办公室文件", align="center", size=36, color="FF0000"),
        Line("青政办发〔2021〕12号", align="center"),
        Line(
            "青川市人民政府办公室关于印发青川市政务公开工作实施办法的通知",
            align="center",
            size=22,
            bold=True,
        ),
        Line("各区县人民政府，市政府各部门：", indent=0),
        *(Line(f"第{n}段。" + BODY) for n in range(1, n_body + 1)),
        Line("青川市人民政府办公室", align="right"),
        Line("2021年3月15日", align="right"),
    ]


def test_generated_document_round_trips(tmp_path: Path) -> None:
    source = document_lines()
    path = render_pdf(tmp_path / "doc.pdf", source, header="青川市人民政府公报 2021年第3期")
    raw = pdf.read(path)
    assert [line.text for line in raw.lines] == [line.text for line in source]
    assert raw.page_count is not None and raw.page_count > 2
    # Every page's running header and page number are furniture, with the page they are on.
    furniture = {(f.page, squeezed(f.text)) for f in raw.furniture}
    for page in range(1, raw.page_count + 1):
        assert (page, f"—{page}—") in furniture
        assert (page, "青川市人民政府公报2021年第3期") in furniture
    # A paragraph cut by a page break is one paragraph, on the page where it starts.
    pages = [line.page for line in raw.lines]
    assert pages == sorted(pages) and len(set(pages)) == raw.page_count
    assert raw.lines[-1].align == "right" and raw.lines[1].align == "center"
    assert raw.lines[2].bold and not raw.lines[4].bold
    assert raw.lines[4].indent == 2 and raw.lines[3].indent == 0


def test_a_paragraph_continued_on_the_next_page_keeps_its_first_page(tmp_path: Path) -> None:
    long_paragraph = "".join(f"第{n}句话说明这一段很长，" for n in range(1, 200)) + "完。"
    raw = pdf.read(render_pdf(tmp_path / "long.pdf", [Line(long_paragraph)]))
    assert raw.page_count is not None and raw.page_count >= 2
    assert [line.text for line in raw.lines] == [long_paragraph]
    assert raw.lines[0].page == 1


@pytest.mark.parametrize(
    "label",
    ["— {n} —", "-{n}-", "- {n} -", "第{n}页", "第 {n} 页 共 3 页", "{n}", "{n}/3", "Page {n}"],
    ids=["em-dash", "hyphen", "spaced-hyphen", "di-ye", "di-ye-gong", "bare", "of-total", "page"],
)
def test_page_number_styles_are_furniture(tmp_path: Path, label: str) -> None:
    pages = []
    for n in range(1, 4):
        items: list[PdfText | PdfImage] = [
            PdfText(f"第{n}页的正文。" + BODY[:20], LEFT + 32, 120 + 30 * k) for k in range(5)
        ]
        items.append(PdfText(label.format(n=n), 280, 800, 14))
        pages.append(items)
    raw = pdf.read(write_pdf(tmp_path / "numbers.pdf", pages))
    assert [(f.page, f.text) for f in raw.furniture] == [
        (n, re.sub(r"\s+", " ", label.format(n=n))) for n in range(1, 4)
    ] or [(f.page, squeezed(f.text)) for f in raw.furniture] == [
        (n, squeezed(label.format(n=n))) for n in range(1, 4)
    ]
    assert all("页的正文" in line.text for line in raw.lines)


def test_a_number_inside_the_text_block_is_body(tmp_path: Path) -> None:
    items: list[PdfText | PdfImage] = [PdfText("2021", LEFT, 400), PdfText(BODY[:20], LEFT, 430)]
    raw = pdf.read(write_pdf(tmp_path / "n.pdf", [items]))
    assert raw.lines[0].text == "2021"
    assert raw.furniture == ()


def test_paragraph_rules(tmp_path: Path) -> None:
    size, x = 16.0, LEFT
    rows = [
        # A paragraph: indented first line, full lines, a short last line ending in 。
        ("　　" + BODY[:26], x),
        (BODY[26:54], x),
        (BODY[54:60] + "。", x),
        # The next starts flush left after a short line ending in 。 (no indent).
        ("主送机关后的正文不缩进也另起一段。", x),
        # A line that fills the measure without closing punctuation continues even when the
        # next line is indented (a hanging indent under 抄送：).
        ("抄送：市委各部门，市人大常委会办公厅，市政协办公厅，济南", x),
        ("警备区，市法院，市检察院。", x + 3 * size),
        # Latin words across a line break keep one space.
        ("The Act may be cited as the Bills of Exchange", x),
        ("Amendment Act.", x + 2 * size),
    ]
    items: list[PdfText | PdfImage] = [
        PdfText(text, left, 200 + 29 * k, size) for k, (text, left) in enumerate(rows)
    ]
    raw = pdf.read(write_pdf(tmp_path / "rules.pdf", [items]))
    assert [line.text for line in raw.lines] == [
        BODY[:60] + "。",
        "主送机关后的正文不缩进也另起一段。",
        "抄送：市委各部门，市人大常委会办公厅，市政协办公厅，济南警备区，市法院，市检察院。",
        "The Act may be cited as the Bills of Exchange",
        "Amendment Act.",
    ]


def test_pieces_of_one_row_are_joined_left_to_right(tmp_path: Path) -> None:
    # Drawn right piece first: reading order comes from positions, not from the content stream.
    items: list[PdfText | PdfImage] = [
        PdfText("中央军委办公厅", 300, 300),
        PdfText("国务院办公厅", LEFT + 64, 300),
        PdfText("一九九六年六月二十九日", LEFT + 120, 330),
    ]
    raw = pdf.read(write_pdf(tmp_path / "row.pdf", [items]))
    assert raw.lines[0].text == "国务院办公厅\u3000中央军委办公厅"
    assert raw.lines[1].text == "一九九六年六月二十九日"


def test_soft_hyphen_between_digits_is_a_visible_hyphen(tmp_path: Path) -> None:
    items: list[PdfText | PdfImage] = [
        PdfText("社会信用体系建设规划纲要（2014\u00ad2020年）。", LEFT, 300)
    ]
    raw = pdf.read(write_pdf(tmp_path / "hyphen.pdf", [items]))
    assert raw.lines[0].text == "社会信用体系建设规划纲要（2014-2020年）。"


# --- pages without usable text ---------------------------------------------------------------


def test_garbled_text_layer_page_needs_ocr_and_is_not_indexed() -> None:
    raw = pdf.read(corpus_path("bad-pdf", "garbled-text-layer.pdf"))
    assert raw.needs_ocr == (1,)
    assert all(line.page != 1 for line in raw.lines)
    assert "3$5/,$0" not in raw.text
    assert "Bills of Exchange" in raw.text  # pages 2-13 have a sound text layer
    assert any("garbled" in warning for warning in raw.warnings)


def test_scanned_pdf_needs_ocr() -> None:
    path = corpus_path("bad-pdf", "scanned-image-only.pdf")
    with pytest.raises(NeedsOCR) as caught:
        pdf.read(path)
    assert str(path) in str(caught.value) and "2 of 2 pages" in str(caught.value)


def test_image_only_page_among_text_pages(tmp_path: Path) -> None:
    pages: list[list[PdfText | PdfImage]] = [
        [PdfText("第一页的文字。" + BODY[:20], LEFT, 200)],
        [PdfImage(20, 20, 555, 800)],
        [PdfText("第三页的文字。" + BODY[:20], LEFT, 200)],
    ]
    raw = pdf.read(write_pdf(tmp_path / "mixed.pdf", pages))
    assert raw.needs_ocr == (2,)
    assert [line.page for line in raw.lines] == [1, 3]


def test_private_use_text_layer_needs_ocr(tmp_path: Path) -> None:
    gibberish = "".join(chr(0xE000 + (k * 37) % 3000) for k in range(40))
    pages: list[list[PdfText | PdfImage]] = [
        [PdfText(gibberish, LEFT, 200 + 30 * k) for k in range(8)]
    ]
    with pytest.raises(NeedsOCR):
        pdf.read(write_pdf(tmp_path / "pua.pdf", pages))


def test_blank_pdf_is_empty(tmp_path: Path) -> None:
    with pytest.raises(EmptyDocument):
        pdf.read(write_pdf(tmp_path / "blank.pdf", [[], []]))


@pytest.mark.parametrize(
    ("text", "garbled"),
    [
        (BODY, False),
        (
            "BE it enacted by the Parliament of the Democratic Socialist Republic of Sri Lanka",
            False,
        ),
        (
            "see http://www.gov.cn/zhengce/content/2019-02/15/content_5365945.htm for 2014-2020",
            False,
        ),
        (
            " ".join(
                ["2019/01/15", "(1)(2)", "3.2%", "1,234.5", "A/B/C", "000014349/2019-00007"] * 20
            ),
            False,
        ),
        ("3$5/,$0(172)7+('(02&5$7,& 62&,$/,675(38%/,&2) 35,17('$77+('(3$570(172)", True),
        ("".join(chr(0x8A00 + (k * 97) % 4000) for k in range(200)), True),
        ("\ue000\ue001\ue002\ue003" * 10, True),
    ],
    ids=[
        "chinese",
        "english",
        "url-and-range",
        "numbers-and-dates",
        "shifted-ascii",
        "scattered-cjk",
        "private-use",
    ],
)
def test_garbled_share(text: str, garbled: bool) -> None:
    assert (pdf.garbled_share(text) > 0.3) is garbled


# --- hostile files ---------------------------------------------------------------------------


def test_truncated_corpus_pdf_is_corrupt() -> None:
    path = corpus_path("bad-pdf", "truncated.pdf")
    with pytest.raises(CorruptFile) as caught:
        read(path)
    assert str(path) in str(caught.value) and "truncated" in str(caught.value)


def test_pdf_cut_in_half_is_corrupt(tmp_path: Path) -> None:
    whole = render_pdf(tmp_path / "whole.pdf", document_lines(30)).read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole[: len(whole) * 2 // 3])
    with pytest.raises(CorruptFile):
        read(cut)


def test_password_protected_pdf_is_refused(tmp_path: Path) -> None:
    path = render_pdf(tmp_path / "secret.pdf", document_lines(2), password="secret")
    with pytest.raises(EncryptedFile) as caught:
        read(path)
    assert str(path) in str(caught.value)


def test_pdf_is_dispatched_by_content_not_name(tmp_path: Path) -> None:
    path = render_pdf(tmp_path / "really-a-pdf.txt", document_lines(1))
    raw = read(path)
    assert raw.format == "pdf" and raw.lines[0].text == "青川市人民政府办公室文件"


# --- through the pipeline --------------------------------------------------------------------


@pytest.fixture
def no_ocr(monkeypatch: pytest.MonkeyPatch) -> str:
    """OCR cannot run (as on a machine without Tesseract): pages wait for it."""
    from ingest import ocr

    reason = "Tesseract is not installed"
    monkeypatch.setattr(ocr, "unavailable", lambda engine=None: reason)
    return reason


def test_partly_garbled_pdf_is_stored_with_its_pages_pending_ocr(
    archive: gazette.Archive, no_ocr: str
) -> None:
    report = ingest_paths(archive, [corpus_path("bad-pdf", "garbled-text-layer.pdf")], jobs=1)
    assert report.summary["ingested"] == 1
    assert report.results[0].reason == "needs_ocr"
    assert any(no_ocr in note for note in report.results[0].notes)
    state, detail = archive.conn.execute("SELECT state, detail FROM sources").fetchone()
    assert state == "needs_ocr"
    assert json.loads(detail)["needs_ocr"] == [1]


def test_scanned_pdf_without_ocr_is_kept_as_needing_ocr_with_no_text(
    archive: gazette.Archive, no_ocr: str
) -> None:
    report = ingest_paths(archive, [corpus_path("bad-pdf", "scanned-image-only.pdf")], jobs=1)
    assert report.summary.items() >= {"ingested": 1, "duplicate": 0, "failed": 0}.items()
    result = report.results[0]
    assert result.reason == "needs_ocr" and result.ids == ()
    assert any(no_ocr in note for note in result.notes)
    assert archive.counts()["documents"] == 0
    state, detail = archive.conn.execute("SELECT state, detail FROM sources").fetchone()
    assert state == "needs_ocr"
    assert json.loads(detail)["needs_ocr"] == [1, 2] and json.loads(detail)["page_count"] == 2
