"""The plain-text reader: encodings, paragraphs, paragraphs mended across page breaks."""

from __future__ import annotations

from pathlib import Path

import pytest

from gazette.errors import EmptyDocument, UndecodableText, UnsupportedFormat
from ingest.readers import read, text

SAMPLE = "青川市人民政府文件\n\n青政发〔2019〕30号\n\n关于加强政务公开工作的通知\n\n各区县人民政府：\n\n现将有关事项通知如下。\n"


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("gb18030", b"")],
    ids=["utf-8", "utf-8-bom", "utf-16-bom", "gb18030"],
)
def test_encodings(tmp_path: Path, encoding: str, bom: bytes) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(bom + SAMPLE.encode(encoding))
    raw = read(path)
    assert raw.format == "txt"
    assert [line.text for line in raw.lines] == [p for p in SAMPLE.split("\n") if p]


def test_seed_paragraph_cut_by_a_page_break_is_mended(seed_path: Path) -> None:
    raw = read(seed_path)
    mended = next(line.text for line in raw.lines if "京东物流等30个" in line.text)
    assert "30个重点项目建设信息" in mended
    assert not any(line.text.startswith("重点项目建设信息") for line in raw.lines)


def test_lines_of_a_paragraph_join_without_spaces() -> None:
    assert text.paragraphs("抄送：市委各部门，济南\n警备区，市法院。\n\n济南市人民政府办公厅") == [
        "抄送：市委各部门，济南警备区，市法院。",
        "济南市人民政府办公厅",
    ]


def test_undecodable_text_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(bytes(range(0x80, 0x100)) * 40)
    with pytest.raises(UndecodableText) as caught:
        read(path)
    assert str(path) in str(caught.value)


def test_binary_with_a_text_name_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    with pytest.raises(UnsupportedFormat):
        read(path)


def test_zero_byte_and_blank_files_are_empty(tmp_path: Path) -> None:
    zero = tmp_path / "zero.txt"
    zero.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_text("\n \n\u3000\n", encoding="utf-8")
    for path in (zero, blank):
        with pytest.raises(EmptyDocument):
            read(path)


def test_seed_starts_with_its_issuer_mark(seed_path: Path) -> None:
    assert read(seed_path).lines[0].text == "济南市人民政府办公厅文件"


@pytest.mark.parametrize("suffix", [".py", ".json", ".csv"])
def test_text_files_that_are_not_documents_are_refused(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"data{suffix}"
    path.write_text("标题,发文字号\n通知,青政发〔2019〕30号\n", encoding="utf-8")
    with pytest.raises(UnsupportedFormat) as caught:
        read(path)
    assert str(path) in str(caught.value)
