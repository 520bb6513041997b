"""Content sniffing: the content names the format, the extension only breaks ties."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from gazette.errors import CorruptFile, EmptyDocument, EncryptedFile, UnsupportedFormat
from ingest.sniff import sniff


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def zip_with(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(name, "x")
    return buffer.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.pdf", b"%PDF-1.7\n...", "pdf"),
        ("a.txt", b"%PDF-1.4\n...", "pdf"),
        ("a.pdf", b"\r\n  %PDF-1.4\n", "pdf"),
        ("a.docx", docx_bytes(), "docx"),
        ("a.bin", docx_bytes(), "docx"),
        ("a.txt", b"<!DOCTYPE html><html><body>x</body></html>", "html"),
        ("a", b"<html lang='zh'><body>x</body></html>", "html"),
        ("a.htm", b"\xef\xbb\xbf<p>x</p>", "html"),
        ("law.md", "# 中华人民共和国立法法\n".encode(), "md"),
        ("a.txt", "青川市人民政府文件\n".encode(), "txt"),
        ("README", "青川市人民政府文件\n".encode("gb18030"), "txt"),
        ("a.txt", b"\xff\xfe" + "通知".encode("utf-16-le"), "txt"),
    ],
    ids=[
        "pdf",
        "pdf-named-txt",
        "pdf-after-whitespace",
        "docx",
        "docx-named-bin",
        "html-named-txt",
        "html-no-extension",
        "html-bom",
        "markdown",
        "text",
        "gb18030-no-extension",
        "utf-16",
    ],
)
def test_format_from_content(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert sniff(path) == expected


@pytest.mark.parametrize(
    ("name", "content", "error", "words"),
    [
        ("a.txt", b"", EmptyDocument, "大小为零"),
        ("a.pdf", bytes(5000), CorruptFile, "全是零字节"),
        ("a.doc", OLE + bytes(600), UnsupportedFormat, ".doc"),
        (
            "a.docx",
            OLE + "EncryptedPackage".encode("utf-16-le") + bytes(600),
            EncryptedFile,
            "已加密",
        ),
        ("a.odt", zip_with("content.xml") + b"", UnsupportedFormat, "ZIP压缩包"),
        ("a.xlsx", zip_with("xl/workbook.xml"), UnsupportedFormat, "Excel"),
        ("a.docx", b"PK\x03\x04 truncated", CorruptFile, "ZIP"),
        ("a.png", b"\x89PNG\r\n\x1a\n" + bytes(10), UnsupportedFormat, "PNG"),
        ("a.txt", b"\x7fELF" + bytes(10), UnsupportedFormat, "可执行程序"),
        ("a.docx", b"abc\x00def" * 10, CorruptFile, "不是该格式"),
        ("data.csv", "标题,文号\n".encode(), UnsupportedFormat, "CSV"),
    ],
    ids=[
        "zero-byte",
        "all-zeros",
        "word-97",
        "encrypted-docx",
        "zip-without-document",
        "excel",
        "broken-zip",
        "image",
        "executable",
        "binary-named-docx",
        "csv",
    ],
)
def test_refused_content(
    tmp_path: Path, name: str, content: bytes, error: type[Exception], words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error) as caught:
        sniff(path)
    assert str(path) in str(caught.value) and words in str(caught.value)
