"""gazette: an archive of government normative documents and gazette issues.

Open an archive, read it through a disclosure view, and ask about documents::

    import gazette

    archive = gazette.open_archive("gazette-archive")
    doc = archive.public.get("济政办发〔2017〕27号")
    status = gazette.status_on(doc, datetime.date(2018, 1, 1))

Files are ingested with the companion package ``ingest`` (``ingest.ingest_paths``) or the
``gazette ingest`` command.
"""

from gazette.archive import AddResult, Archive, ImportReport, Submission, open_archive
from gazette.dates import find_dates, parse_date
from gazette.disclosure import DisclosureChange, View
from gazette.docnumber import DocNumber
from gazette.errors import (
    AmbiguousReference,
    ArchiveBusy,
    ArchiveError,
    CorruptFile,
    DocumentNotFound,
    EmptyDocument,
    EncryptedFile,
    GazetteError,
    ImportFailed,
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
from gazette.lifecycle import Basis, Status, StatusValue, status_on, text_on, timeline
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
from gazette.views import ArchiveView
from gazette.workdays import Deadline, WorkdayCalendar

__version__ = "0.1.0"

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
