"""Building small archives for tests: official-document texts and direct submissions.

The texts follow GB/T 9704 closely enough for the element parser (issuer mark, number, title,
recipients, body, signature, date, 附注, attachments), so tests run the real ingest path.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

import gazette
from gazette.archive import AddResult, Submission
from gazette.model import Document, GazetteIssue, SourceFile
from gazette.references import OutgoingRef
from ingest import ingest_paths

_counter = itertools.count(1)


def official_text(
    title: str,
    *,
    number: str | None = None,
    issuer: str = "青川市人民政府",
    date: str = "2021年3月15日",
    body: Sequence[str] = ("一、为做好有关工作，制定本文件。",),
    note: str | None = None,
    attachments: Iterable[tuple[str, Sequence[str], str | None]] = (),
    mark: bool = True,
) -> str:
    """A document's text; each attachment is ``(title, body, own note)``."""
    lines: list[str] = []
    if mark:
        lines.append(f"{issuer}文件")
    if number:
        lines.append(number)
    lines += [title, "各区县人民政府，市政府各部门：", *body, issuer, date]
    if note:
        lines.append(note)
    attachments = list(attachments)
    for index, (part_title, part_body, part_note) in enumerate(attachments, start=1):
        lines.append(f"附件{index}" if len(attachments) > 1 else "附件")
        lines += [part_title, *part_body]
        if part_note:
            lines += [issuer, date, part_note]
    return "\n\n".join(lines) + "\n"


def ingest_text(archive: gazette.Archive, folder: Path, text: str) -> str:
    """Ingest a text through the real pipeline; returns the top-level document id."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"doc-{next(_counter)}.txt"
    path.write_text(text, encoding="utf-8")
    report = ingest_paths(archive, [path], jobs=1)
    (result,) = report.results
    assert result.outcome == "ingested", result
    return result.ids[0]


def submit(
    archive: gazette.Archive,
    folder: Path,
    *documents: Document,
    issue: GazetteIssue | None = None,
    references: Iterable[OutgoingRef] = (),
) -> AddResult:
    """Store documents as one original (a gazette issue when ``issue`` is given)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"submission-{next(_counter)}.txt"
    data = "\n".join([str(next(_counter))] + [d.title or "" for d in documents]).encode("utf-8")
    path.write_bytes(data)
    source = SourceFile(hashlib.sha256(data).hexdigest(), "txt", str(path), len(data))
    return archive.add(
        Submission(
            source=source,
            path=path,
            documents=documents,
            references=tuple(references),
            issue=issue,
        )
    )


def govcn_document(number: str, *, portal: bool = True) -> Document:
    """A real gov.cn policy (``../shared/corpus/govcn/NN``) parsed from its body, with its
    publication on the portal (date and address from the page's metadata table) when
    ``portal``. The body's paragraphs are read directly, standing in for the HTML reader."""
    import json

    import lxml.html

    from gazette.dates import parse_date
    from gazette.model import Publication
    from ingest import elements
    from ingest.raw import Line, RawDocument
    from tests.conftest import corpus_path

    body = corpus_path("govcn", f"{number}.body.html")
    truth = json.loads(corpus_path("govcn", f"{number}.truth.json").read_text("utf-8"))
    lines = []
    for p in lxml.html.parse(str(body)).iter("p"):
        text = p.text_content().replace("\xa0", " ").strip()
        if text:
            lines.append(Line(text))
    doc = elements.parse(RawDocument(name=body.name, format="html", lines=lines))
    if not portal:
        return doc
    published = parse_date(truth["发布日期"])
    doc = attrs.evolve(doc, published_date=published, index_number=truth["索引号"])
    return doc.with_publications(
        Publication(channel="portal", name="中国政府网", date=published, url=truth["url"])
    )


__all__ = ["govcn_document", "ingest_text", "official_text", "submit"]
