"""Disclosure views: what the public may see.

The archive answers every read through a :class:`View`. The public view shows documents whose
attribute is proactive or partial (with the withheld paragraphs removed); the internal view
shows everything. An unknown attribute is not public. An attachment is no more visible than
the document that carries it.
"""

from __future__ import annotations

import enum

import attrs

from gazette.model import Block, Disclosure, DisclosureAttribute, Document

WITHHELD_PLACEHOLDER = "（此部分依法不予公开）"


class View(enum.StrEnum):
    """Who a read is for."""

    PUBLIC = "public"
    INTERNAL = "internal"


def is_public(disclosure: Disclosure, parent: Disclosure | None = None) -> bool:
    """Whether the public view may show a document with this disclosure."""
    if not disclosure.attribute.public:
        return False
    return parent is None or parent.attribute.public


def visible(doc: Document, view: View, parent: Disclosure | None = None) -> bool:
    """Whether ``view`` may show ``doc`` at all."""
    return view == View.INTERNAL or is_public(doc.disclosure, parent)


def redact(doc: Document, view: View) -> Document:
    """The document as ``view`` may show it: withheld paragraphs and hidden parts removed.

    In the public view a partial document's withheld paragraphs are replaced by a placeholder in
    every text version, and attachments that are not public are dropped.
    """
    if view == View.INTERNAL:
        return doc
    texts = doc.texts
    if doc.disclosure.attribute == DisclosureAttribute.PARTIAL and doc.disclosure.withheld_blocks:
        withheld = set(doc.disclosure.withheld_blocks)
        texts = tuple(
            attrs.evolve(
                text,
                blocks=tuple(
                    Block(WITHHELD_PLACEHOLDER, block.kind, block.level, block.page)
                    if index in withheld
                    else block
                    for index, block in enumerate(text.blocks)
                ),
            )
            for text in doc.texts
        )
    parts = tuple(
        redact(part, view) for part in doc.parts if is_public(part.disclosure, doc.disclosure)
    )
    return attrs.evolve(doc, texts=texts, parts=parts)
