"""Recognising a file's format from its content (the extension only breaks ties).

A PDF is a PDF because it starts with ``%PDF-``, not because of its name; a ``.pdf`` that is
really a Word file is read as a Word file, and a ``.docx`` that is really junk is refused.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from gazette.errors import (
    CorruptFile,
    EmptyDocument,
    EncryptedFile,
    UnsafeFile,
    UnsupportedFormat,
)

HEAD_BYTES = 4096

# Files larger than this are refused before reading (per format, bytes).
MAX_BYTES = {
    "pdf": 512 * 1024 * 1024,
    "docx": 128 * 1024 * 1024,
    "ofd": 256 * 1024 * 1024,
    "html": 32 * 1024 * 1024,
    "md": 32 * 1024 * 1024,
    "txt": 32 * 1024 * 1024,
}

_HTML = re.compile(
    rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|table|div|p|title)[\s>/]",
    re.IGNORECASE | re.DOTALL,
)
_MD_EXTENSIONS = {".md", ".markdown"}
# Text files that are not documents: refused by name (their content would pass for text).
_NOT_DOCUMENTS = {
    ".py": "Python源代码",
    ".js": "JavaScript源代码",
    ".css": "样式表",
    ".json": "JSON数据",
    ".csv": "CSV数据",
    ".tsv": "制表符分隔的数据",
    ".xml": "XML数据",
    ".yaml": "YAML数据",
    ".yml": "YAML数据",
    ".toml": "TOML数据",
    ".ini": "配置文件",
    ".cfg": "配置文件",
    ".log": "日志文件",
    ".sh": "shell脚本",
    ".bat": "批处理脚本",
    ".sql": "SQL",
}
_TEXT_EXTENSIONS = {".txt", ".text", ""}


def _strip_bom(head: bytes) -> bytes:
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            return head[len(bom) :]
    return head


def _binary_kind(head: bytes) -> str | None:
    """Name a known binary format that is not a document format we read."""
    signatures = {
        b"\xd0\xcf\x11\xe0": "Word 97-2003（OLE2）文件（.doc），请另存为 .docx",
        b"\x89PNG": "PNG图像",
        b"\xff\xd8\xff": "JPEG图像",
        b"GIF8": "GIF图像",
        b"II*\x00": "TIFF图像",
        b"MM\x00*": "TIFF图像",
        b"\x1f\x8b": "gzip压缩包",
        b"Rar!": "RAR压缩包",
        b"7z\xbc\xaf": "7-Zip压缩包",
        b"{\\rtf": "RTF文件",
        b"\x7fELF": "可执行程序",
        b"MZ": "可执行程序",
    }
    for magic, kind in signatures.items():
        if head.startswith(magic):
            return kind
    return None


def sniff(path: Path) -> str:
    """The format of a file: ``pdf``, ``docx``, ``ofd``, ``html``, ``md`` or ``txt``.

    Raises:
        EmptyDocument: the file is empty.
        UnsupportedFormat: the content is no format the archive reads.
        CorruptFile: a ZIP container that is broken.
        UnsafeFile: the file exceeds the size limit for its format.
    """
    size = path.stat().st_size
    if size == 0:
        raise EmptyDocument(path, "文件大小为零")
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    fmt = _sniff_head(path, head)
    limit = MAX_BYTES[fmt]
    if size > limit:
        raise UnsafeFile(path, f"{size}字节，超过{fmt.upper()}文件{limit}字节的上限")
    return fmt


def _sniff_head(path: Path, head: bytes) -> str:
    if not head.strip(b"\x00"):
        raise CorruptFile(path, "文件内容全是零字节（下载或复制不完整）")
    if head.lstrip(b"\x00\t\r\n ")[:5] == b"%PDF-" or head[:1024].find(b"%PDF-") != -1:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(path)
    if head.startswith(_OLE2) and _ole_has_stream(path, "EncryptedPackage"):
        # Office encrypts a password-protected .docx into an OLE2 container.
        raise EncryptedFile(path)
    binary = _binary_kind(head)
    if binary:
        raise UnsupportedFormat(path, binary)
    text_head = _strip_bom(head)
    if b"\x00" in text_head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        if path.suffix.lower() in {".pdf", ".docx"}:
            raise CorruptFile(path, f"文件名为{path.suffix.lower()}，内容却不是该格式")
        raise UnsupportedFormat(path, "二进制数据")
    if _HTML.match(text_head) or re.search(rb"<html[\s>]", text_head[:2048], re.IGNORECASE):
        return "html"
    suffix = path.suffix.lower()
    if suffix in _MD_EXTENSIONS:
        return "md"
    if suffix in _NOT_DOCUMENTS:
        raise UnsupportedFormat(path, _NOT_DOCUMENTS[suffix])
    if suffix in {".html", ".htm", ".xhtml"} and b"<" in text_head:
        return "html"
    return "txt"


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _ole_has_stream(path: Path, name: str, window: int = 256 * 1024) -> bool:
    """Whether an OLE2 compound file names a stream (directory entries are UTF-16LE names)."""
    needle = name.encode("utf-16-le")
    with open(path, "rb") as handle:
        head = handle.read(window)
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(len(head), size - window))
        tail = handle.read(window)
    return needle in head or needle in tail


def _sniff_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise CorruptFile(path, "ZIP容器已损坏") from exc
    except (OSError, ValueError) as exc:
        raise CorruptFile(path, "无法读取ZIP容器") from exc
    if "word/document.xml" in names:
        return "docx"
    if any(name.replace("\\", "/").lstrip("/").lower() == "ofd.xml" for name in names):
        return "ofd"
    if "content.xml" in names and "mimetype" in names:
        raise UnsupportedFormat(path, "OpenDocument文件，请另存为 .docx")
    if any(name.startswith("xl/") for name in names):
        raise UnsupportedFormat(path, "Excel工作簿")
    if any(name.startswith("ppt/") for name in names):
        raise UnsupportedFormat(path, "PowerPoint文件")
    raise UnsupportedFormat(path, "ZIP压缩包")
