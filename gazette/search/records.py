"""What the index holds of a document: :class:`IndexRecord`, built by :func:`record_for`."""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata

import attrs

from gazette.model import Document
from gazette.redaction import WITHHELD_PLACEHOLDER, WITHHELD_VERSION

_SPACES = re.compile(r"\s+")


def identifier_key(text: str) -> str:
    """An identifier (registration number, 索引号) as the index keeps it: NFKC, no spaces."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).lower()


def issue_keys(gazette: str | None, year: int, numbers: range) -> tuple[str, ...]:
    """Index terms of a gazette issue: ``2019-5`` and ``<gazette>/2019-5`` per number."""
    keys: list[str] = []
    for n in numbers:
        keys.append(f"{year}-{n}")
        if gazette:
            keys.append(f"{identifier_key(gazette)}/{year}-{n}")
    return tuple(keys)


@attrs.frozen
class IndexRecord:
    """What the index holds of one document.

    Attributes:
        id: document id.
        rev: the catalog revision indexed (drift detection compares it).
        title: title.
        body: the text the public may see.
        restricted: text only the internal view may search (withheld parts of a partial
            document).
        numbers: the document number in canonical spelling.
        identifiers: other identifiers (registration number, 索引号), normalised.
        issuers: 发文机关.
        doc_type: 文种.
        written: 成文日期.
        published: 发布日期.
        disclosure: the disclosure attribute value.
        public: whether the public view may see the document at all.
        gazettes: names of gazettes it was printed in.
        issues: index terms of the gazette issues it was printed in (see :func:`issue_keys`).
        parent_id: the carrier document of an attachment.
    """

    id: str
    rev: int
    title: str = ""
    body: str = ""
    restricted: str = ""
    numbers: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    issuers: tuple[str, ...] = ()
    doc_type: str | None = None
    written: _dt.date | None = None
    published: _dt.date | None = None
    disclosure: str = "unknown"
    public: bool = False
    gazettes: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()
    parent_id: str | None = None

    @property
    def year(self) -> int | None:
        """The year a document is filed under: written, else published, else its number's."""
        for date in (self.written, self.published):
            if date is not None:
                return date.year
        for number in self.numbers:
            found = re.search(r"(?:〔|年第?|^)(\d{4})", number)
            if found:
                return int(found.group(1))
        return None


def record_for(
    doc: Document, rev: int, *, public: bool, shown: Document | None = None
) -> IndexRecord:
    """The index record of a stored document.

    Args:
        doc: the document as loaded from the catalog.
        rev: its catalog revision.
        public: whether the public view may see it (decided by the disclosure rules).
        shown: the document as the public view shows it, when that differs (a partial
            disclosure): its title, number and text are what the public searches, and the
            rest of the stored document is kept as restricted text.
    """
    assert doc.id is not None
    text = doc.text
    body_parts: list[str] = []
    restricted: list[str] = []
    if shown is not None:
        public_text = shown.text
        body_parts = [
            block.text
            for block in (public_text.blocks if public_text is not None else ())
            if block.text not in (WITHHELD_PLACEHOLDER, WITHHELD_VERSION)
        ]
        visible = set(body_parts)
        if shown.title != doc.title and doc.title:
            restricted.append(doc.title)
        if text is not None:
            restricted.extend(block.text for block in text.blocks if block.text not in visible)
        meta = shown
    else:
        if text is not None:
            body_parts = [block.text for block in text.blocks]
        meta = doc
    gazette_pubs = [p for p in doc.publications if p.channel == "gazette"]
    gazettes = tuple(sorted({p.name for p in gazette_pubs if p.name}))
    issues: set[str] = set()
    for p in gazette_pubs:
        if p.issue is not None:
            issues.update(issue_keys(p.name, p.issue.year, p.issue.numbers))
    identifiers = tuple(
        identifier_key(value)
        for value in (meta.registration_number, meta.index_number)
        if value and value.strip()
    )
    return IndexRecord(
        id=doc.id,
        rev=rev,
        title=meta.title or "",
        body="\n".join(body_parts),
        restricted="\n".join(restricted),
        numbers=(str(meta.doc_number),) if meta.doc_number else (),
        identifiers=identifiers,
        issuers=meta.issuers,
        doc_type=meta.doc_type,
        written=meta.written_date,
        published=meta.published_date,
        disclosure=doc.disclosure.attribute.value,
        public=public,
        gazettes=gazettes,
        issues=tuple(sorted(issues)),
        parent_id=doc.parent_id,
    )
