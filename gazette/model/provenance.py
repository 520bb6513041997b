"""References between documents and where a fact about a document came from."""

from __future__ import annotations

import datetime as _dt
import enum

import attrs

from gazette import wording
from gazette.docnumber import DocNumber
from gazette.model._convert import _strip_or_none, _to_docnumber

# --- references and provenance -------------------------------------------------------------


@attrs.frozen
class DocRef:
    """A reference to a document as another text writes it.

    Attributes:
        text: the reference exactly as written (``《法规规章备案条例》``).
        title: the title it names, without 《》, if any.
        number: the document number it names, if any.
        resolved_id: the archive document it resolves to, once resolved.
    """

    text: str
    title: str | None = attrs.field(default=None, converter=_strip_or_none)
    number: DocNumber | None = attrs.field(default=None, converter=_to_docnumber)
    resolved_id: str | None = None

    def with_resolved(self, doc_id: str | None) -> DocRef:
        return attrs.evolve(self, resolved_id=doc_id)


class ProvenanceKind(enum.StrEnum):
    """How a fact came to be known."""

    PARSED = "parsed"  # read from a document's text
    METADATA = "metadata"  # read from a portal metadata table or file properties
    IMPORTED = "imported"  # imported from a list (CSV, cleanup list)
    MANUAL = "manual"  # entered by a person
    INHERITED = "inherited"  # taken over from a carrier notice or forwarded document
    POLICY = "policy"  # derived from a configured rule (e.g. default validity period)
    INFERRED = "inferred"  # inferred from what the text states (an adoption date standing for
    # a publication date it does not give); marked as an inference wherever it is shown

    @property
    def label(self) -> str:
        """The Chinese name (:data:`gazette.wording.PROVENANCE_KIND`)."""
        return wording.PROVENANCE_KIND[self.value]


@attrs.frozen
class Provenance:
    """Where a fact was learned.

    Attributes:
        kind: parsed, imported, manual, …
        source: the document id it was parsed from, the list it was imported from, …
        excerpt: the sentence or row the fact was read from.
        by: who entered it (manual facts).
        at: when it was recorded.
    """

    kind: ProvenanceKind = attrs.field(converter=ProvenanceKind)
    source: str | None = None
    excerpt: str | None = None
    by: str | None = None
    at: _dt.datetime | None = None
