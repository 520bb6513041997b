"""Reading corpus files into submissions for the lifecycle tests.

The Markdown and HTML readers are separate work; while they are absent, these tests read the
laws (``laws/*.md``: a ``#`` title line, 题注 lines, ``<!-- INFO END -->``, then the text) and
the gov.cn bodies (paragraphs in ``<p>``) with the smallest faithful conversion, so that the
clause parser and the archive are exercised on the real texts. When a real reader is
installed it is used instead.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from gazette.archive import Submission
from gazette.archive.store import sha256_file
from gazette.model import Document
from ingest import stages
from ingest.normalize import clean_inline
from ingest.pipeline import identify
from ingest.raw import Line, RawDocument


def _has_reader(fmt: str) -> bool:
    return importlib.util.find_spec(f"ingest.readers.{fmt}") is not None


def read_markdown(path: Path) -> RawDocument:
    if _has_reader("markdown"):
        from ingest.readers import read

        return read(path, "md")
    lines = []
    for text in path.read_text("utf-8").splitlines():
        text = text.strip().strip("\u200b")
        if not text or text.startswith("<!--"):
            continue
        lines.append(Line(re.sub(r"^#+\s*", "", text)))
    return RawDocument(name=str(path), format="md", lines=tuple(lines))


def read_html(path: Path) -> RawDocument:
    if _has_reader("html"):
        from ingest.readers import read

        return read(path, "html")
    from lxml import html

    tree = html.fromstring(path.read_bytes())
    lines = []
    for element in tree.iter("p"):
        text = clean_inline(element.text_content(), keep_gaps=True)
        if text:
            lines.append(Line(text))
    return RawDocument(name=str(path), format="html", lines=tuple(lines))


def parse(path: Path) -> Document:
    """The parsed document with its lifecycle events (no archive)."""
    raw = read_markdown(path) if path.suffix == ".md" else read_html(path)
    document, _ = stages.lifecycle(stages.document_from(raw))
    return document


def submission(path: Path) -> Submission:
    """What the pipeline would hand the archive for ``path``."""
    source = identify(path)
    raw = read_markdown(path) if path.suffix == ".md" else read_html(path)
    document, refs = stages.lifecycle(stages.document_from(raw).with_sources(source))
    assert source.sha256 == sha256_file(path)
    return Submission(source=source, path=path, documents=(document,), references=refs)
