"""ZIP containers (DOCX, OFD) opened safely.

Before a reader parses anything, :func:`check_zip` refuses a container built to exhaust
resources or to read what it should not: too many members, a member whose declared size is out
of proportion to its compressed size, too much in total (zip bombs), encrypted members, and XML
parts that declare a DTD or entities in any encoding or place (entity expansion, external
entities: :func:`ingest.safety.check_xml`).
:func:`parse_xml` then parses one part without resolving entities, loading DTDs or reaching
the network, and :func:`resolve` turns a reference inside the package into a member name,
refusing one that climbs out of the package.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from gazette.errors import CorruptFile, EncryptedFile, UnsafeFile
from ingest.safety import check_xml

MAX_MEMBERS = 5000
MAX_UNCOMPRESSED = 512 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for members over 1 MiB
MAX_XML_BYTES = 64 * 1024 * 1024  # one XML part
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)


def check_zip(path: Path, kind: str) -> None:
    """Refuse a ZIP container that is a bomb, encrypted, or whose XML declares entities.

    Args:
        path: the file.
        kind: what the container is (``DOCX``, ``OFD``), for messages.

    Raises:
        UnsafeFile: too many members, a zip bomb, or XML with a DTD or entity declarations.
        EncryptedFile: members are encrypted.
        CorruptFile: the container cannot be read.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise UnsafeFile(path, f"{kind}容器中有{len(members)}个成员")
            total = 0
            for member in members:
                if member.flag_bits & 0x1:
                    raise EncryptedFile(path)
                total += member.file_size
                if member.file_size > 1 << 20 and member.file_size > MAX_RATIO * max(
                    member.compress_size, 1
                ):
                    raise UnsafeFile(
                        path,
                        f"ZIP炸弹：{member.filename} 由{member.compress_size}字节"
                        f"解压为{member.file_size}字节",
                    )
            if total > MAX_UNCOMPRESSED:
                raise UnsafeFile(path, f"ZIP炸弹：解压后共{total}字节")
            for member in members:
                if member.filename.lower().endswith((".xml", ".rels")):
                    with archive.open(member) as handle:
                        check_xml(path, member.filename, handle)
    except zipfile.BadZipFile as exc:
        raise CorruptFile(path, f"ZIP容器已损坏（{exc}）") from exc
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError) as exc:
        raise CorruptFile(path, f"无法读取ZIP容器（{exc}）") from exc


def parse_xml(path: Path, archive: zipfile.ZipFile, name: str) -> Any:
    """Parse one XML part of a checked container.

    Raises:
        UnsafeFile: the part is larger than :data:`MAX_XML_BYTES` or declares a DTD.
        CorruptFile: the part is missing or not well-formed XML.
    """
    try:
        info = archive.getinfo(name)
    except KeyError as exc:
        raise CorruptFile(path, f"文件包中缺少{name}") from exc
    if info.file_size > MAX_XML_BYTES:
        raise UnsafeFile(path, f"{name}中有{info.file_size}字节的XML")
    try:
        data = archive.read(info)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
        raise CorruptFile(path, f"无法读取{name}（{exc}）") from exc
    check_xml(path, name, data)
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise CorruptFile(path, f"{name}中的XML有误（{exc}）") from exc


def resolve(path: Path, base: str, reference: str) -> str:
    """The member a reference names: absolute (``/Doc_0/Document.xml``) or relative to the
    folder of ``base``; backslashes read as slashes.

    Raises:
        UnsafeFile: the reference climbs out of the package (``../../etc/passwd``).
    """
    reference = reference.strip().replace("\\", "/")
    if reference.startswith("/"):
        joined = reference.lstrip("/")
    else:
        joined = posixpath.join(posixpath.dirname(base), reference)
    normal = posixpath.normpath(joined) if joined else ""
    if normal.startswith("../") or normal == ".." or posixpath.isabs(normal) or ":" in normal:
        raise UnsafeFile(path, f"文件包引用了包外的{reference!r}")
    return "" if normal == "." else normal


def find_member(names: dict[str, str], name: str) -> str | None:
    """The member called ``name``, or spelt so in another case (``TPLS`` for ``Tpls``)."""
    if name in names.values():
        return name
    return names.get(name.lower())


__all__ = ["MAX_MEMBERS", "check_zip", "find_member", "parse_xml", "resolve"]
