"""Plain text: the canonical standard text under its header.

Layout::

    【已废止（依据：《法规规章备案条例》，自2024年11月1日起）】
    【状态日期：2025年3月1日】
    【标准文本：济南市人民政府公报 2019年第5号 第4–7页】
    【SHA-256：<64 hex digits>】
                                       ← one blank line
    <the body: one paragraph per line, NFC, punctuation as in the source>

The body is everything after the first blank line; its SHA-256 is the one the header states,
and for a document without attachments it is the text's content hash
(:attr:`gazette.model.TextVersion.content_hash`). See :mod:`gazette.export.rendition`.
"""

from __future__ import annotations

import datetime as _dt

from gazette.export.rendition import build
from gazette.model import Document

name = "txt"
suffix = ".txt"
media_type = "text/plain; charset=utf-8"


def render(doc: Document, *, on: _dt.date | None = None) -> bytes:
    """The header, a blank line, then the canonical body."""
    rendition = build(doc, on=on)
    return ("\n".join(rendition.header_lines) + "\n\n" + rendition.body).encode("utf-8")


def split(data: str) -> tuple[list[str], str]:
    """Split a text export into its header lines and its body (the inverse of :func:`render`).

    Text without a header comes back as ``([], data)``.
    """
    head, sep, body = data.partition("\n\n")
    lines = head.split("\n")
    if sep and lines and all(line.startswith("【") and line.endswith("】") for line in lines):
        return lines, body
    return [], data
