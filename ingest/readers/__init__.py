"""One reader per format, with one signature: ``read(path) -> RawDocument``.

:func:`read` sniffs the content and dispatches to the reader, importing it only then (so the
heavy format libraries load only when needed).
"""

from __future__ import annotations

import importlib
from pathlib import Path

from ingest.raw import RawDocument
from ingest.sniff import sniff

READERS: dict[str, str] = {
    "txt": "ingest.readers.text",
    "md": "ingest.readers.markdown",
    "html": "ingest.readers.html",
    "docx": "ingest.readers.docx",
    "pdf": "ingest.readers.pdf",
    "ofd": "ingest.readers.ofd",
}


def read(path: Path, fmt: str | None = None) -> RawDocument:
    """Read a file into paragraphs, choosing the reader by content.

    Raises:
        IngestError: a subclass naming the file and the reason.
    """
    fmt = fmt or sniff(path)
    module = importlib.import_module(READERS[fmt])
    raw: RawDocument = module.read(path)
    return raw
