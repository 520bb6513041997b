"""Recognising the archive's own exports when they are ingested again.

Every text export (txt, md, html, docx) starts with a header of ``【label：value】`` lines: the
status mark, the status date, where the text comes from, metadata the text does not state and
the SHA-256 of the body (:mod:`gazette.export.rendition`). Ingesting an export must give back
the document, not a document whose first paragraphs are the header, so this stage

* finds the header at the start of the reader's paragraphs (txt, md, html), in its page
  furniture, in its metadata, or in a DOCX's ``description`` core property (where the DOCX
  export keeps it: its pages show the status mark in their page headers),
* removes it from the paragraphs and keeps its metadata (文种, 公开属性, 索引号, 主题分类,
  发布日期, 登记号),
* after parsing, takes those fields over (the header is the archive's record, as a portal's
  metadata table is the portal's), and checks the body hash (:func:`check_body`): a document
  rebuilt from an export whose text was edited afterwards is stored with a note saying so on
  its source, and the ingest reports it as ``edited_export``.

The status mark is not turned into lifecycle events: the archive learns status from acts and
lists, and a header says only what another archive computed on some date.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import attrs
from lxml import etree

from gazette.dates import try_parse_date
from gazette.export import rendition as _rendition
from gazette.export.rendition import ParsedHeader, parse_header
from gazette.model import (
    Disclosure,
    DisclosureAttribute,
    Document,
    Provenance,
    ProvenanceKind,
    Publication,
    TextOrigin,
)
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
    values = [v for v in raw.metadata.values() if isinstance(v, str)]
    if raw.format == "docx":
        values.append(_docx_description(Path(raw.name)))
    for value in values:
        if _rendition.HASH_LABEL in value:
            found = parse_header(value.splitlines())
            if found is not None:
                return raw, found[0]
    return raw, None


def _docx_description(path: Path) -> str:
    """The ``description`` (comments) core property of a DOCX, where the DOCX export keeps
    its header; empty when there is none. (The DOCX reader has already vetted the package.)"""
    try:
        with zipfile.ZipFile(path) as package:
            data = package.read("docProps/core.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return ""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return ""
    return root.findtext("{http://purl.org/dc/elements/1.1/}description") or ""


def looks_exported(text: str) -> bool:
    """Whether a plain text starts with an export header (then one paragraph per line)."""
    head, _, _ = text.lstrip("\ufeff").partition("\n\n")
    return parse_header(head.split("\n")) is not None


def apply(
    doc: Document, header: ParsedHeader | None, *, body_intact: bool = True
) -> tuple[Document, list[str]]:
    """Take over what the header states (it is the archive's record, as a portal's metadata
    table is the portal's); check the body hash.

    The header's 文种, 公开属性, 索引号, 主题分类, 发布日期 and 登记号 replace what the text
    gave; attachments inherit the disclosure and the publication date as they do from a portal
    page. When the body is intact (``body_intact``, see :func:`check_body`), the text's
    origin comes back too: the standard text of a gazette issue (and that publication), or a
    portal's rendition.

    Returns:
        The document and warnings. (Whether the body still gives the hash its header states
        is :func:`check_body`'s question.)
    """
    if header is None:
        return doc, []
    published = header.get(_rendition.PUBLISHED_LABEL)
    disclosure = _disclosure(doc.disclosure, header.get(_rendition.DISCLOSURE_LABEL))
    doc = attrs.evolve(
        doc,
        doc_type=header.get(_rendition.DOC_TYPE_LABEL) or doc.doc_type,
        index_number=header.get(_rendition.INDEX_NUMBER_LABEL) or doc.index_number,
        subject=header.get(_rendition.SUBJECT_LABEL) or doc.subject,
        registration_number=header.get(_rendition.REGISTRATION_LABEL) or doc.registration_number,
        published_date=(try_parse_date(published) if published else None) or doc.published_date,
        disclosure=disclosure,
    )
    doc = attrs.evolve(doc, parts=tuple(_inherit(part, doc) for part in doc.parts))
    if body_intact:
        doc = _restore_source(doc, header)
    return doc, []


_ORIGINS = {origin.label: origin for origin in TextOrigin}
_STANDARD = re.compile(
    r"^(?P<name>\S.*?)\s*(?P<issue>[0-9]{4}年第[0-9、]+(?:期|号))"
    r"(?:\s*第(?P<first>[0-9]+)(?:[–—-](?P<last>[0-9]+))?页)?$"
)


def _restore_source(doc: Document, header: ParsedHeader) -> Document:
    """The text's origin as the header states it: the standard text printed in a gazette
    issue (with that publication), or a portal's or a file's rendition. Only for a body that
    still gives the header's hash: an edited text is a file of its own."""
    standard = header.get(_rendition.STANDARD_LABEL)
    elsewhere = header.get(_rendition.STANDARD_ELSEWHERE_LABEL)
    source = (header.get(_rendition.SOURCE_LABEL) or "").split("（")[0]
    changes: dict[str, Any] = {}
    publication = _gazette_publication(standard or elsewhere)
    if publication is not None and publication not in doc.publications:
        changes["publications"] = (*doc.publications, publication)
    text_changes: dict[str, Any]
    if standard is not None:
        pages = publication.pages if publication is not None else None
        text_changes = {"origin": TextOrigin.GAZETTE, "standard": True, "pages": pages}
    elif source in _ORIGINS:
        text_changes = {"origin": _ORIGINS[source]}
    else:
        return attrs.evolve(doc, **changes) if changes else doc
    changes["texts"] = tuple(attrs.evolve(text, **text_changes) for text in doc.texts)
    changes["parts"] = tuple(
        attrs.evolve(
            part,
            texts=tuple(
                attrs.evolve(text, **{k: v for k, v in text_changes.items() if k != "pages"})
                for text in part.texts
            ),
        )
        for part in doc.parts
    )
    return attrs.evolve(doc, **changes)


def _gazette_publication(label: str | None) -> Publication | None:
    """A gazette publication from its label (``济南市人民政府公报 2019年第5号 第4–7页``)."""
    match = _STANDARD.match(label or "")
    if match is None:
        return None
    from ingest.toc import parse_issue_number

    issue = parse_issue_number(match["issue"])
    if issue is None:
        return None
    pages = None
    if match["first"]:
        first = int(match["first"])
        pages = (first, int(match["last"] or first))
    return Publication(channel="gazette", name=match["name"], issue=issue, pages=pages)


def check_body(doc: Document, header: ParsedHeader | None) -> str | None:
    """Whether the text read back is the text the export's header vouches for.

    Returns:
        ``None`` when the body gives the SHA-256 the header states (or the file is no
        export), else a note that the body was edited after export: the document is stored
        with this note on its source, and the ingest reports it (outcome ``edited_export``).
    """
    if header is None:
        return None
    body_hash = _rendition.build(doc).body_hash
    if body_hash == header.body_hash:
        return None
    return (
        "an export of this archive whose text differs from the SHA-256 its header states"
        f" ({header.body_hash[:12]}…, text gives {body_hash[:12]}…): the body was edited after"
        " export"
    )


_ATTRIBUTES = {attribute.label: attribute for attribute in DisclosureAttribute}


def _disclosure(parsed: Disclosure, label: str | None) -> Disclosure:
    attribute = _ATTRIBUTES.get(label or "")
    if attribute is None or attribute == parsed.attribute:
        return parsed
    return Disclosure(
        attribute=attribute,
        basis=f"导出文件题头：{_rendition.DISCLOSURE_LABEL}{label}"
        + (f"；正文另注：{parsed.basis}" if parsed.basis else ""),
        provenance=Provenance(ProvenanceKind.IMPORTED, source="export header"),
    )


def _inherit(part: Document, carrier: Document) -> Document:
    """An attachment takes the carrier's disclosure (unless it states its own) and date."""
    prov = part.disclosure.provenance
    inherited = prov is not None and prov.kind == ProvenanceKind.INHERITED
    changes: dict[str, Any] = {}
    if part.disclosure.attribute == DisclosureAttribute.UNKNOWN or inherited:
        changes["disclosure"] = attrs.evolve(
            carrier.disclosure,
            basis=f"inherited from the carrier ({carrier.disclosure.basis})",
            provenance=Provenance(ProvenanceKind.INHERITED, source="carrier"),
        )
    if part.published_date is None:
        changes["published_date"] = carrier.published_date
    # The document's own attachments only, as portal_metadata does for a portal page's.
    return attrs.evolve(part, **changes)
