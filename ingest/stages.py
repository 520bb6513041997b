"""From a file to a submission: the pipeline's pure stages.

Each stage reads what the previous one wrote and is tested alone:

``read`` (format reader) → ``parse`` (element parser) → ``enrich`` (metadata the reader found
outside the body) → ``submission``.

Gazette issues (PDF, Word, web edition) and scanned PDFs branch off to
:mod:`ingest.gazette_files`: an issue becomes one submission with a document per item.
"""

from __future__ import annotations

from pathlib import Path

from gazette.archive import Submission
from gazette.errors import EmptyDocument, NeedsOCR
from gazette.model import Document, SourceFile
from ingest import elements
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
    from ingest import gazette_files

    issue = gazette_files.prepare(path, source)
    if issue is not None:
        return issue
    try:
        raw = read(path, source.format)
    except NeedsOCR:
        if source.format != "pdf":
            raise
        return gazette_files.scanned(path, source)
    if source.format == "pdf":
        raw = gazette_files.complete_ocr(raw, path)
        issue = gazette_files.from_pdf(raw, path, source)
        if issue is not None:
            return issue
    if not raw.lines:
        raise EmptyDocument(source.path, "no text")
    document = gazette_files.mark_ocr(parse(raw), raw.ocr).with_sources(source)
    detail: dict[str, object] = {"warnings": list(raw.warnings)} if raw.warnings else {}
    state = "stored"
    if raw.needs_ocr:
        # Some pages had no usable text layer: what was read is stored, the rest waits for OCR.
        state = "needs_ocr"
        detail["needs_ocr"] = list(raw.needs_ocr)
    return Submission(source=source, path=path, documents=(document,), state=state, detail=detail)
