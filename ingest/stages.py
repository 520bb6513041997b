"""From a file to a submission: the pipeline's pure stages.

Each stage reads what the previous one wrote and is tested alone:

``read`` (format reader) → ``parse`` (element parser) → ``enrich`` (metadata the reader found
outside the body) → ``lifecycle`` (events the text states) → ``submission``.
"""

from __future__ import annotations

from pathlib import Path

from gazette.archive import Submission
from gazette.errors import EmptyDocument
from gazette.model import Document, SourceFile
from gazette.references import OutgoingRef
from ingest import clauses, elements
from ingest.raw import RawDocument
from ingest.readers import read


def parse(raw: RawDocument) -> Document:
    """The element parser over a read file."""
    return elements.parse(raw)


def lifecycle(document: Document, index: int = 0) -> tuple[Document, tuple[OutgoingRef, ...]]:
    """Events the text states (effective dates, validity, 题注 versions) on the document and its
    parts, and what it says about other documents (repeals, cleanup results) as references.

    Args:
        document: the parsed document.
        index: its position in the submission.
    """
    return clauses.read_lifecycle(document, (index,))


def build_submission(path: Path, source: SourceFile) -> Submission:
    """Read, parse and package one file.

    Raises:
        IngestError: the file cannot be read (a subclass names the reason).
    """
    raw = read(path, source.format)
    if not raw.lines:
        raise EmptyDocument(source.path, "no text")
    document, references = lifecycle(parse(raw).with_sources(source))
    detail = {"warnings": list(raw.warnings)} if raw.warnings else {}
    return Submission(
        source=source, path=path, documents=(document,), references=references, detail=detail
    )
