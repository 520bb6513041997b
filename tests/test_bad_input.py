"""Bad input, through the batch: each file gets a specific error naming it and the reason,
nothing of it is stored, and the rest of the batch goes on.

Every hostile file is generated here (or taken from the real corpus's ``bad-pdf``)."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import gazette
from gazette.errors import (
    CorruptFile,
    EmptyDocument,
    EncryptedFile,
    IngestError,
    UndecodableText,
    UnsafeFile,
    UnsupportedFormat,
)
from ingest import ingest_paths
from ingest.raw import Line
from tests.render import render_pdf, write_docx

GOOD = (
    "青川市人民政府文件\n\n青政发〔2024〕7号\n\n青川市人民政府关于做好测试工作的通知\n\n"
    "各区县人民政府：\n\n请做好测试工作。\n\n青川市人民政府\n\n2024年3月7日\n\n（此件公开发布）\n"
)
LINES = [
    Line("青川市人民政府关于做好测试工作的通知", align="center"),
    Line("各单位："),
    Line("请做好测试工作。"),
]


def zero_byte(folder: Path) -> Path:
    path = folder / "zero.pdf"
    path.write_bytes(b"")
    return path


def truncated_pdf(folder: Path) -> Path:
    data = render_pdf(folder / "whole.pdf.tmp", LINES * 20).read_bytes()
    path = folder / "truncated.pdf"
    path.write_bytes(data[: len(data) // 2])
    (folder / "whole.pdf.tmp").unlink()
    return path


def truncated_docx(folder: Path) -> Path:
    data = write_docx(folder / "whole.docx.tmp", LINES).read_bytes()
    path = folder / "truncated.docx"
    path.write_bytes(data[: len(data) // 2])
    (folder / "whole.docx.tmp").unlink()
    return path


def password_pdf(folder: Path) -> Path:
    return render_pdf(folder / "password.pdf", LINES, password="secret")


def encrypted_docx(folder: Path) -> Path:
    path = folder / "encrypted.docx"
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    names = ("Root Entry", "EncryptionInfo", "EncryptedPackage")
    path.write_bytes(
        header + b"".join(n.encode("utf-16-le").ljust(128, b"\0") for n in names) + bytes(1024)
    )
    return path


def wrong_extension(folder: Path) -> Path:
    path = folder / "scan.pdf"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    return path


def junk_docx(folder: Path) -> Path:
    path = folder / "junk.docx"
    path.write_bytes(b"\x00\x01\x02 not a word file " * 50)
    return path


def not_utf8(folder: Path) -> Path:
    path = folder / "latin.txt"
    path.write_bytes(bytes(range(0x80, 0x100)) * 40)
    return path


def oversized_pdf(folder: Path) -> Path:
    path = folder / "huge.pdf"
    with open(path, "wb") as handle:
        handle.write(b"%PDF-1.7\n")
        handle.truncate(600 * 1024 * 1024)  # sparse: takes no disk space
    return path


def zip_bomb_docx(folder: Path) -> Path:
    plain = write_docx(folder / "plain.docx.tmp", LINES)
    path = folder / "bomb.docx"
    with zipfile.ZipFile(plain) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item.filename, old.read(item.filename))
        new.writestr("word/media/filler.bin", bytes(60_000_000))
    plain.unlink()
    return path


def entities_docx(folder: Path) -> Path:
    plain = write_docx(folder / "plain.docx.tmp", LINES)
    path = folder / "entities.docx"
    with zipfile.ZipFile(plain) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "word/document.xml":
                head, _, rest = data.partition(b"?>")
                data = (
                    head
                    + b'?><!DOCTYPE w:document [<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
                    + rest
                )
            new.writestr(item.filename, data)
    plain.unlink()
    return path


def entities_html(folder: Path) -> Path:
    path = folder / "entities.html"
    path.write_text(
        '<!DOCTYPE html [<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<html><body><p>&b;&b;&b;</p></body></html>",
        "utf-8",
    )
    return path


CASES: list[tuple[str, Callable[[Path], Path], type[IngestError], str, str]] = [
    ("zero-byte", zero_byte, EmptyDocument, "empty", "大小为零"),
    ("truncated-pdf", truncated_pdf, CorruptFile, "corrupt", "截断"),
    ("truncated-docx", truncated_docx, CorruptFile, "corrupt", "ZIP"),
    ("password-pdf", password_pdf, EncryptedFile, "encrypted", "已加密"),
    ("encrypted-docx", encrypted_docx, EncryptedFile, "encrypted", "已加密"),
    ("wrong-extension", wrong_extension, UnsupportedFormat, "unsupported_format", "PNG"),
    ("junk-docx", junk_docx, CorruptFile, "corrupt", "不是该格式"),
    ("not-utf8", not_utf8, UndecodableText, "undecodable", "无法解码"),
    ("oversized", oversized_pdf, UnsafeFile, "unsafe", "上限"),
    ("zip-bomb", zip_bomb_docx, UnsafeFile, "unsafe", "ZIP炸弹"),
    ("xml-entities-docx", entities_docx, UnsafeFile, "unsafe", "实体"),
    ("xml-entities-html", entities_html, UnsafeFile, "unsafe", "实体"),
]
# A scanned PDF is not refused: it is recognised by OCR, or kept as needing OCR with its pages
# (tests/test_readers_pdf.py, tests/test_ocr.py).


@pytest.mark.parametrize(
    ("make", "error", "reason", "words"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_file_in_a_batch(
    archive: gazette.Archive,
    tmp_path: Path,
    make: Callable[[Path], Path],
    error: type[IngestError],
    reason: str,
    words: str,
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    bad = make(folder)
    (folder / "zz-good.txt").write_text(GOOD, "utf-8")
    report = ingest_paths(archive, [folder], recursive=True, jobs=1)
    failed, good = report.results
    assert failed.outcome == "failed" and good.outcome == "ingested"
    assert error.reason == reason and failed.reason == reason
    assert str(bad) in (failed.error or "") and words in (failed.error or "")
    # Nothing of the bad file is stored: one source, one document, one original on disk.
    assert archive.conn.execute("SELECT COUNT(*) FROM sources").fetchone()[0] == 1
    assert archive.counts()["documents"] == 1
    assert len([p for p in (archive.root / "objects").rglob("*") if p.is_file()]) == 1


def test_gb18030_text_is_read_not_refused(archive: gazette.Archive, tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes(GOOD.encode("gb18030"))
    report = ingest_paths(archive, [path], jobs=1)
    assert report.summary["ingested"] == 1
    assert archive.internal.get("青政发〔2024〕7号").title == "青川市人民政府关于做好测试工作的通知"


def test_a_pdf_named_docx_is_read_as_a_pdf_with_a_warning(
    archive: gazette.Archive, tmp_path: Path
) -> None:
    path = render_pdf(tmp_path / "misnamed.docx", LINES)
    report = ingest_paths(archive, [path], jobs=1)
    assert report.results[0].outcome == "ingested" and report.results[0].format == "pdf"
    detail = archive.conn.execute("SELECT detail FROM sources").fetchone()[0]
    assert "named .docx but the content is pdf" in json.loads(detail)["warnings"][0]
