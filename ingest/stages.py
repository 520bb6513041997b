"""From a file to a submission: the pipeline's pure stages.

Each stage reads what the previous one wrote and is tested alone:

``read`` (format reader) → ``parse`` (element parser) → ``enrich`` (metadata the reader found
outside the body) → ``submission``.
"""

from __future__ import annotations

from pathlib import Path

from gazette.archive import Submission
from gazette.errors import EmptyDocument
from gazette.model import Document, SourceFile
from ingest import elements, exported
from ingest.raw import RawDocument
from ingest.readers import read


def parse(raw: RawDocument) -> Document:
    """The element parser over a read file."""
    return elements.parse(raw)


def build_submission(path: Path, source: SourceFile) -> Submission:
    """Read, parse and package one file.

    Raises:
        IngestError: the file cannot be read (a subclass names the reason).
    """
    raw = read(path, source.format)
    raw, header = exported.find_header(raw)
    if not raw.lines:
        raise EmptyDocument(source.path, "no text")
    document, export_warnings = exported.apply(parse(raw), header)
    document = document.with_sources(source)
    warnings = [*raw.warnings, *export_warnings]
    detail: dict[str, object] = {"warnings": warnings} if warnings else {}
    state = "stored"
    if raw.needs_ocr:
        # Some pages had no usable text layer: what was read is stored, the rest waits for OCR.
        state = "needs_ocr"
        detail["needs_ocr"] = list(raw.needs_ocr)
    return Submission(source=source, path=path, documents=(document,), state=state, detail=detail)
