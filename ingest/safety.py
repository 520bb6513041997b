"""Checks that run before a reader parses a file built to attack it.

* :func:`check_xml` refuses an XML part that declares a DTD or an entity, whatever its
  encoding (UTF-8, UTF-16 with or without a byte-order mark, UTF-32) and wherever the
  declaration stands (after a long comment, after the root element). The part is read by a
  parser that stops at the first declaration and never expands or fetches anything (expat with
  parameter entities off); a part that parser cannot read is looked through in every
  encoding it could be in. Readers such as ``python-docx`` then parse only checked parts.
* :func:`check_pdf` refuses a PDF whose page tree lists a page object more than once or loops
  (one page listed 20,000 times makes a small file read as 20,000 pages).

Both raise :class:`~gazette.errors.UnsafeFile` naming the file, the part and the reason.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from gazette.errors import UnsafeFile

_CHUNK = 1 << 20


class _Refused(Exception):
    """A declaration was found (raised out of the parser's handlers)."""


def _refuse(what: str) -> Callable[..., Any]:
    def handler(*_args: object) -> Any:
        raise _Refused(what)

    return handler


def check_xml(path: Path, part: str, stream: IO[bytes] | bytes) -> None:
    """Refuse an XML part that declares a DTD or entities.

    Args:
        path: the file the part belongs to (for the message).
        part: the part's name (``word/document.xml``).
        stream: the part's bytes, or a stream of them.

    Raises:
        UnsafeFile: the part declares a DTD (a ``<!DOCTYPE``) or an entity.
    """
    data = stream if isinstance(stream, bytes) else None
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse("a DTD")
    parser.EntityDeclHandler = _refuse("an entity")
    parser.UnparsedEntityDeclHandler = _refuse("an entity")
    parser.NotationDeclHandler = _refuse("a notation")
    parser.ExternalEntityRefHandler = _refuse("an external entity")
    seen = bytearray()
    try:
        for chunk in _chunks(stream):
            seen += chunk
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Refused as found:
        raise UnsafeFile(path, f"{part} declares {found} (entity expansion)") from None
    except (expat.ExpatError, ValueError, LookupError):
        # Not readable as XML here (an encoding expat does not know, or malformed): look for
        # a declaration in every encoding the bytes could be in. The reader decides the rest.
        declared = _declares(bytes(seen) if data is None else data)
        if declared:
            raise UnsafeFile(path, f"{part} declares {declared} (entity expansion)") from None


def _chunks(stream: IO[bytes] | bytes) -> Iterable[bytes]:
    if isinstance(stream, bytes):
        yield stream
        return
    while chunk := stream.read(_CHUNK):
        yield chunk


_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY|NOTATION)", re.IGNORECASE)
_ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "gb18030", "latin-1")


def _declares(data: bytes) -> str | None:
    """A declaration found in the bytes read in any likely encoding (BOM first)."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            found = _DECLARATION.search(data[len(bom) :].decode(encoding, "replace"))
            if found:
                return _what(found.group(1))
    for encoding in _ENCODINGS:
        found = _DECLARATION.search(data.decode(encoding, "replace"))
        if found:
            return _what(found.group(1))
    # UTF-16 or UTF-32 at an odd offset (a stray byte before the text).
    for shift in (1, 2, 3):
        for encoding in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
            found = _DECLARATION.search(data[shift:].decode(encoding, "replace"))
            if found:
                return _what(found.group(1))
    return None


def _what(keyword: str) -> str:
    return {"DOCTYPE": "a DTD", "ENTITY": "an entity", "NOTATION": "a notation"}[keyword.upper()]


# --- PDF ---------------------------------------------------------------------------------------

MAX_PAGES = 100_000


def check_pdf(path: Path) -> None:
    """Refuse a PDF whose page tree lists one page object more than once, or loops.

    Only the cross-reference table and the page tree's nodes are read (pdfminer, lazily); a
    file pdfminer cannot open is left to the reader, which names what is wrong with it.

    Raises:
        UnsafeFile: a page listed more than once, a loop, or more than :data:`MAX_PAGES` pages.
    """
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFObjRef, resolve1

    with open(path, "rb") as handle:
        try:
            document = PDFDocument(PDFParser(handle))
            root = document.catalog.get("Pages")
        except Exception:
            return
        listed: dict[int, int] = {}
        nodes: set[int] = set()
        stack: list[object] = [root]
        pages = 0
        while stack:
            ref = stack.pop()
            objid = ref.objid if isinstance(ref, PDFObjRef) else None
            try:
                node = resolve1(ref)
            except Exception:
                continue
            if not isinstance(node, dict):
                continue
            kind = resolve1(node.get("Type"))
            kids = resolve1(node.get("Kids"))
            if isinstance(kids, list) and getattr(kind, "name", None) != "Page":
                if objid is not None:
                    if objid in nodes:
                        raise UnsafeFile(path, f"the page tree loops (node {objid} 0 R)")
                    nodes.add(objid)
                stack.extend(reversed(kids))
                continue
            pages += 1
            if objid is not None:
                listed[objid] = listed.get(objid, 0) + 1
            if pages > MAX_PAGES:
                raise UnsafeFile(path, f"more than {MAX_PAGES} pages in the page tree")
    repeated = {objid: n for objid, n in listed.items() if n > 1}
    if repeated:
        objid, times = max(repeated.items(), key=lambda item: item[1])
        raise UnsafeFile(
            path,
            f"the page tree lists page object {objid} 0 R {times} times"
            + (f" ({len(repeated)} pages repeated)" if len(repeated) > 1 else ""),
        )


__all__ = ["MAX_PAGES", "check_pdf", "check_xml"]
