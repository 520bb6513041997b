"""Recognising the archive's own exports when they are ingested again.

Every text export (txt, md, html, docx) starts with a header of ``【label：value】`` lines: the
status mark, the status date, where the text comes from, metadata the text does not state and
the SHA-256 of the body (:mod:`gazette.export.rendition`). Ingesting an export must give back
the document, not a document whose first paragraphs are the header, so this stage

* finds the header at the start of the reader's paragraphs, in its page furniture (a DOCX page
  header) or in its metadata (a DOCX's core properties),
* removes it from the paragraphs and keeps its metadata (索引号, 主题分类, 发布日期, 登记号),
* after parsing, fills those fields where the text did not state them, and checks the body
  hash: a document rebuilt from an export whose text was edited afterwards is reported.

The status mark is not turned into lifecycle events: the archive learns status from acts and
lists, and a header says only what another archive computed on some date.
"""

from __future__ import annotations

import attrs

from gazette.dates import try_parse_date
from gazette.export import rendition as _rendition
from gazette.export.rendition import ParsedHeader, parse_header
from gazette.model import Document
from ingest.raw import RawDocument

_MAX_HEADER_LINES = 24


def find_header(raw: RawDocument) -> tuple[RawDocument, ParsedHeader | None]:
    """Split an export's header from a read file.

    Returns:
        The file without the header lines, and the header (``None`` when the file is not an
        export of this archive).
    """
    texts = [line.text for line in raw.lines[:_MAX_HEADER_LINES]]
    found = parse_header(texts)
    if found is not None:
        header, count = found
        return attrs.evolve(raw, lines=raw.lines[count:]), header
    furniture = [line.text for line in raw.furniture]
    for start in range(len(furniture)):
        found = parse_header(furniture[start : start + _MAX_HEADER_LINES])
        if found is not None:
            return raw, found[0]
    for value in raw.metadata.values():
        if isinstance(value, str) and _rendition.HASH_LABEL in value:
            found = parse_header(value.splitlines())
            if found is not None:
                return raw, found[0]
    return raw, None


def looks_exported(text: str) -> bool:
    """Whether a plain text starts with an export header (then one paragraph per line)."""
    head, _, _ = text.lstrip("\ufeff").partition("\n\n")
    return parse_header(head.split("\n")) is not None


def apply(doc: Document, header: ParsedHeader | None) -> tuple[Document, list[str]]:
    """Fill what the header states and the text does not; check the body hash.

    Returns:
        The document and warnings (a body that differs from the hash its header states).
    """
    if header is None:
        return doc, []
    published = header.get(_rendition.PUBLISHED_LABEL)
    doc = attrs.evolve(
        doc,
        index_number=doc.index_number or header.get(_rendition.INDEX_NUMBER_LABEL),
        subject=doc.subject or header.get(_rendition.SUBJECT_LABEL),
        registration_number=doc.registration_number or header.get(_rendition.REGISTRATION_LABEL),
        published_date=doc.published_date or (try_parse_date(published) if published else None),
    )
    warnings = []
    body_hash = _rendition.build(doc).body_hash
    if body_hash != header.body_hash:
        warnings.append(
            "an export of this archive whose text differs from the SHA-256 its header states"
            f" ({header.body_hash[:12]}…, text gives {body_hash[:12]}…): edited after export,"
            " or not read back exactly"
        )
    return doc, warnings
