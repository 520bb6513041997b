"""The domain model: documents, their texts, events, disclosure, links and publications.

Everything here is an immutable ``attrs`` value. A :class:`Document` is a *work* (one
normative act, one notice): it has metadata, one or more :class:`TextVersion` s (the text as
amended over time, each possibly in several renditions: the gazette's standard text, a portal
page, a Word file), :class:`LifecycleEvent` s from which its validity is computed, its
:class:`Disclosure` attribute, :class:`InterpretationLink` s and :class:`Publication` s, and the
:class:`SourceFile` s it was read from. Attachments (附件) are documents too, held in
:attr:`Document.parts`.

Gazettes are modelled by :class:`GazetteIssue` and :class:`IssueItem`.

Serialisation lives elsewhere (``gazette.export``); this package has no I/O. Its modules
split the model by concept; import from ``gazette.model``.
"""

from __future__ import annotations

from gazette.model.disclosure import Disclosure, DisclosureAttribute, Ground
from gazette.model.document import Document, rendition
from gazette.model.events import CleanupOutcome, EventKind, LifecycleEvent
from gazette.model.issue import Edition, GazetteIssue, IssueItem
from gazette.model.provenance import DocRef, Provenance, ProvenanceKind
from gazette.model.publication import (
    InterpretationForm,
    InterpretationLink,
    IssueNumber,
    PendingOcr,
    Publication,
    SourceFile,
)
from gazette.model.text import (
    Block,
    BlockKind,
    OcrInfo,
    OcrLine,
    OcrPage,
    TextOrigin,
    TextVersion,
    against_standard,
    best_rendition,
    canonical_text,
    current_text,
    version_start,
)

__all__ = [
    "Block",
    "BlockKind",
    "CleanupOutcome",
    "Disclosure",
    "DisclosureAttribute",
    "DocRef",
    "Document",
    "Edition",
    "EventKind",
    "GazetteIssue",
    "Ground",
    "InterpretationForm",
    "InterpretationLink",
    "IssueItem",
    "IssueNumber",
    "LifecycleEvent",
    "OcrInfo",
    "OcrLine",
    "OcrPage",
    "PendingOcr",
    "Provenance",
    "ProvenanceKind",
    "Publication",
    "SourceFile",
    "TextOrigin",
    "TextVersion",
    "against_standard",
    "best_rendition",
    "canonical_text",
    "current_text",
    "rendition",
    "version_start",
]
