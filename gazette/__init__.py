"""gazette: an archive of government normative documents and gazette issues.

Open an archive, read it through a disclosure view, and ask about documents::

    import gazette

    archive = gazette.open_archive("gazette-archive")
    doc = archive.public.get("济政办发〔2017〕27号")
    status = gazette.status_on(doc, datetime.date(2018, 1, 1))

Files are ingested with the companion package ``ingest`` (``ingest.ingest_paths``) or the
``gazette ingest`` command.

Names are imported on first use, so ``import gazette`` stays cheap: reading PDF, Word,
search and terminal libraries load only when a feature needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gazette.archive import AddResult, Archive, ImportReport, Submission, open_archive
    from gazette.archive.views import ArchiveView
    from gazette.dates import find_dates, parse_date
    from gazette.disclosure import DisclosureChange, View
    from gazette.docnumber import DocNumber
    from gazette.errors import (
        AmbiguousReference,
        ArchiveBusy,
        ArchiveError,
        CatalogDamaged,
        CatalogError,
        CorruptFile,
        DocumentNotFound,
        EmptyDocument,
        EncryptedFile,
        GazetteError,
        ImportFailed,
        IndexDamaged,
        IngestError,
        InvalidArgument,
        InvalidCleanupList,
        InvalidDate,
        InvalidDocNumber,
        IssueNotSplit,
        MissingDependency,
        NeedsOCR,
        SchemaTooNew,
        UndecodableText,
        UnsafeFile,
        UnsupportedFormat,
    )
    from gazette.gazettes import GapReport, find_gaps
    from gazette.interpretation import NormativeRule
    from gazette.lifecycle import status_on, text_on
    from gazette.model import (
        Block,
        BlockKind,
        CleanupOutcome,
        Disclosure,
        DisclosureAttribute,
        DocRef,
        Document,
        Edition,
        EventKind,
        GazetteIssue,
        Ground,
        InterpretationForm,
        InterpretationLink,
        IssueItem,
        IssueNumber,
        LifecycleEvent,
        OcrInfo,
        OcrLine,
        OcrPage,
        Provenance,
        ProvenanceKind,
        Publication,
        SourceFile,
        TextOrigin,
        TextVersion,
    )
    from gazette.status import Basis, Status, StatusValue
    from gazette.timeline import timeline
    from gazette.workdays import Deadline, WorkdayCalendar

__version__ = "0.1.0"

# Where each public name lives; :func:`__getattr__` imports it on first use.
_EXPORTS: dict[str, str] = {
    "AddResult": "gazette.archive",
    "AmbiguousReference": "gazette.errors",
    "Archive": "gazette.archive",
    "ArchiveBusy": "gazette.errors",
    "ArchiveError": "gazette.errors",
    "ArchiveView": "gazette.archive.views",
    "CatalogDamaged": "gazette.errors",
    "CatalogError": "gazette.errors",
    "IndexDamaged": "gazette.errors",
    "Basis": "gazette.status",
    "Block": "gazette.model",
    "BlockKind": "gazette.model",
    "CleanupOutcome": "gazette.model",
    "CorruptFile": "gazette.errors",
    "Deadline": "gazette.workdays",
    "Disclosure": "gazette.model",
    "DisclosureAttribute": "gazette.model",
    "DisclosureChange": "gazette.disclosure",
    "DocNumber": "gazette.docnumber",
    "DocRef": "gazette.model",
    "Document": "gazette.model",
    "Edition": "gazette.model",
    "DocumentNotFound": "gazette.errors",
    "EmptyDocument": "gazette.errors",
    "EncryptedFile": "gazette.errors",
    "EventKind": "gazette.model",
    "GapReport": "gazette.gazettes",
    "GazetteError": "gazette.errors",
    "GazetteIssue": "gazette.model",
    "Ground": "gazette.model",
    "ImportFailed": "gazette.errors",
    "ImportReport": "gazette.archive",
    "IngestError": "gazette.errors",
    "InterpretationForm": "gazette.model",
    "InterpretationLink": "gazette.model",
    "InvalidArgument": "gazette.errors",
    "InvalidCleanupList": "gazette.errors",
    "InvalidDate": "gazette.errors",
    "InvalidDocNumber": "gazette.errors",
    "IssueItem": "gazette.model",
    "IssueNotSplit": "gazette.errors",
    "IssueNumber": "gazette.model",
    "LifecycleEvent": "gazette.model",
    "MissingDependency": "gazette.errors",
    "NeedsOCR": "gazette.errors",
    "NormativeRule": "gazette.interpretation",
    "OcrInfo": "gazette.model",
    "OcrLine": "gazette.model",
    "OcrPage": "gazette.model",
    "Provenance": "gazette.model",
    "ProvenanceKind": "gazette.model",
    "Publication": "gazette.model",
    "SchemaTooNew": "gazette.errors",
    "SourceFile": "gazette.model",
    "Status": "gazette.status",
    "StatusValue": "gazette.status",
    "Submission": "gazette.archive",
    "TextOrigin": "gazette.model",
    "TextVersion": "gazette.model",
    "UndecodableText": "gazette.errors",
    "UnsafeFile": "gazette.errors",
    "UnsupportedFormat": "gazette.errors",
    "View": "gazette.disclosure",
    "WorkdayCalendar": "gazette.workdays",
    "find_dates": "gazette.dates",
    "find_gaps": "gazette.gazettes",
    "open_archive": "gazette.archive",
    "parse_date": "gazette.dates",
    "status_on": "gazette.lifecycle",
    "text_on": "gazette.lifecycle",
    "timeline": "gazette.timeline",
}

__all__ = [
    "AddResult",
    "AmbiguousReference",
    "Archive",
    "ArchiveBusy",
    "ArchiveError",
    "ArchiveView",
    "Basis",
    "Block",
    "BlockKind",
    "CatalogDamaged",
    "CatalogError",
    "CleanupOutcome",
    "CorruptFile",
    "Deadline",
    "Disclosure",
    "DisclosureAttribute",
    "DisclosureChange",
    "DocNumber",
    "DocRef",
    "Document",
    "DocumentNotFound",
    "Edition",
    "EmptyDocument",
    "EncryptedFile",
    "EventKind",
    "GapReport",
    "GazetteError",
    "GazetteIssue",
    "Ground",
    "ImportFailed",
    "ImportReport",
    "IndexDamaged",
    "IngestError",
    "InterpretationForm",
    "InterpretationLink",
    "InvalidArgument",
    "InvalidCleanupList",
    "InvalidDate",
    "InvalidDocNumber",
    "IssueItem",
    "IssueNotSplit",
    "IssueNumber",
    "LifecycleEvent",
    "MissingDependency",
    "NeedsOCR",
    "NormativeRule",
    "OcrInfo",
    "OcrLine",
    "OcrPage",
    "Provenance",
    "ProvenanceKind",
    "Publication",
    "SchemaTooNew",
    "SourceFile",
    "Status",
    "StatusValue",
    "Submission",
    "TextOrigin",
    "TextVersion",
    "UndecodableText",
    "UnsafeFile",
    "UnsupportedFormat",
    "View",
    "WorkdayCalendar",
    "__version__",
    "find_dates",
    "find_gaps",
    "open_archive",
    "parse_date",
    "status_on",
    "text_on",
    "timeline",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'gazette' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
