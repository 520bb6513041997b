"""The canonical standard text: one paragraph per line, NFC, with the status mark.

The body (without the status header) is exactly :func:`gazette.model.canonical_text` of the
text version, so its SHA-256 is the content hash.
"""

from __future__ import annotations

import datetime as _dt

from gazette.lifecycle import status_on
from gazette.model import Document

name = "txt"
suffix = ".txt"
media_type = "text/plain; charset=utf-8"


def render(doc: Document, *, on: _dt.date | None = None) -> bytes:
    status = status_on(doc, on)
    text = status.version or doc.text
    header = []
    if status.value.marked:
        header.append(f"【{status.mark()}】")
    if text is not None and text.ocr is not None:
        header.append(
            f"【OCR识别文本，未经校对（{text.ocr.engine}，置信度{text.ocr.confidence:g}）】"
        )
    body = text.text if text is not None else ""
    return ("\n".join(header) + ("\n" if header else "") + body).encode("utf-8")
