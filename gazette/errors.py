"""The error hierarchy.

Every error the library raises on purpose derives from :class:`GazetteError`. Each subclass
carries structured fields (the file, the reference, the reason) and its message says what to do,
so that the command line can print it as one line and programs can branch on the fields.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any


class GazetteError(Exception):
    """Root of every error raised by the library on purpose.

    Attributes:
        hint: what the user can do about it, or ``None``.
    """

    hint: str | None = None

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint

    def __str__(self) -> str:
        message = str(self.args[0]) if self.args else ""
        return f"{message} ({self.hint})" if self.hint else message

    def __reduce__(self) -> tuple[Any, ...]:
        # Subclasses take other arguments than the message they store: rebuild without
        # calling __init__, so that errors cross process boundaries (batch ingest workers).
        return (_restore, (type(self), self.args, self.__dict__))


def _restore(cls: type[GazetteError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


# --- identifiers -------------------------------------------------------------------------


class InvalidDocNumber(GazetteError, ValueError):
    """The text holds no document number (发文字号) in any known spelling."""

    def __init__(self, text: str) -> None:
        self.text = text
        shown = text if len(text) <= 60 else text[:57] + "..."
        super().__init__(
            f"no document number in {shown!r}",
            hint="expected a shape such as 济政办发〔2017〕27号, 国令第707号 or 公告2024年第3号",
        )


class InvalidDate(GazetteError, ValueError):
    """A date could not be read."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(
            f"not a date: {text!r}",
            hint="use YYYY-MM-DD, 2017年6月28日 or 二〇一七年六月二十八日",
        )


# --- reading files -----------------------------------------------------------------------


class IngestError(GazetteError):
    """A file could not be ingested. Nothing of it was stored.

    Attributes:
        path: the file.
        reason: a short machine-readable reason code.
    """

    reason = "ingest_failed"

    def __init__(self, path: str | PurePath, message: str, *, hint: str | None = None) -> None:
        self.path = str(path)
        super().__init__(f"{self.path}: {message}", hint=hint)


class UnsupportedFormat(IngestError):
    """The file's content is not a format the archive reads."""

    reason = "unsupported_format"

    def __init__(self, path: str | PurePath, detected: str | None = None) -> None:
        self.detected = detected
        what = f"content looks like {detected}" if detected else "unrecognised content"
        super().__init__(
            path,
            f"unsupported format ({what})",
            hint="the archive reads plain text, Markdown, HTML, DOCX and PDF",
        )


class CorruptFile(IngestError):
    """The file claims a format but its content is broken (truncated, malformed)."""

    reason = "corrupt"

    def __init__(self, path: str | PurePath, detail: str) -> None:
        self.detail = detail
        super().__init__(path, f"corrupt file: {detail}", hint="obtain an intact copy")


class EncryptedFile(IngestError):
    """The file is encrypted or password-protected."""

    reason = "encrypted"

    def __init__(self, path: str | PurePath) -> None:
        super().__init__(
            path, "the file is encrypted", hint="remove the password and ingest the clear copy"
        )


class UnsafeFile(IngestError):
    """The file is built to exhaust resources (zip bomb, entity expansion) or is oversized."""

    reason = "unsafe"

    def __init__(self, path: str | PurePath, detail: str) -> None:
        self.detail = detail
        super().__init__(path, f"refused: {detail}", hint="the file was not read any further")


class UndecodableText(IngestError):
    """A text file is in no encoding the archive recognises."""

    reason = "undecodable"

    def __init__(self, path: str | PurePath, detail: str) -> None:
        self.detail = detail
        super().__init__(
            path,
            f"cannot decode text: {detail}",
            hint="save the file as UTF-8 or GB18030",
        )


class EmptyDocument(IngestError):
    """The file was read but holds no document text."""

    reason = "empty"

    def __init__(self, path: str | PurePath, detail: str = "no text") -> None:
        super().__init__(path, f"empty document: {detail}")


class NeedsOCR(IngestError):
    """A PDF has no usable text layer; its text must come from OCR."""

    reason = "needs_ocr"

    def __init__(self, path: str | PurePath, detail: str) -> None:
        self.detail = detail
        super().__init__(
            path,
            f"no usable text layer ({detail})",
            hint="install the [ocr] extra and Tesseract with chi_sim to read scanned pages",
        )


class IssueNotSplit(IngestError):
    """A file was recognised as a gazette issue but its items could not be found."""

    reason = "issue_not_split"

    def __init__(self, path: str | PurePath, label: str, detail: str) -> None:
        self.label = label
        self.detail = detail
        super().__init__(
            path,
            f"recognised {label} but {detail}",
            hint="check the file's text (a scan may need OCR); nothing of it was stored",
        )


# --- the archive -------------------------------------------------------------------------


class DocumentNotFound(GazetteError, KeyError):
    """No document answers to the reference (in the view that was asked)."""

    def __init__(self, ref: str) -> None:
        self.ref = ref
        super().__init__(
            f"no document matches {ref!r}",
            hint="give a document id, a document number in any spelling, or the exact title",
        )

    def __str__(self) -> str:  # KeyError would repr() the message
        return GazetteError.__str__(self)


class AmbiguousReference(GazetteError, LookupError):
    """A reference matches several documents."""

    def __init__(self, ref: str, candidates: list[str]) -> None:
        self.ref = ref
        self.candidates = candidates
        super().__init__(
            f"{ref!r} matches {len(candidates)} documents: {', '.join(candidates[:5])}",
            hint="use a document id",
        )


class ArchiveError(GazetteError):
    """The archive directory cannot be used as it is."""

    def __init__(self, path: str | PurePath, message: str, *, hint: str | None = None) -> None:
        self.path = str(path)
        super().__init__(f"archive {self.path}: {message}", hint=hint)


class ArchiveBusy(ArchiveError):
    """Another process holds the archive's write lock."""

    def __init__(self, path: str | PurePath, holder: str | None) -> None:
        self.holder = holder
        who = f" (held by {holder})" if holder else ""
        super().__init__(
            path,
            f"another process is writing to the archive{who}",
            hint="wait for it to finish and retry",
        )


class SchemaTooNew(ArchiveError):
    """The catalog was written by a newer version of the library."""

    def __init__(self, path: str | PurePath, found: int, supported: int) -> None:
        super().__init__(
            path,
            f"catalog schema version {found} is newer than this library's {supported}",
            hint="upgrade gazette",
        )


class IndexDamaged(ArchiveError):
    """The search index cannot be read (a truncated or overwritten file). It is derived data:
    the catalog is intact and a rebuild restores it."""

    def __init__(self, path: str | PurePath, detail: str) -> None:
        self.detail = detail
        super().__init__(
            path,
            f"search index damaged ({detail})",
            hint="run `gazette reindex` (or `gazette verify --repair`) to rebuild it",
        )


class CatalogDamaged(ArchiveError):
    """The catalog database cannot be read as SQLite (a corrupt page, a truncated file)."""

    def __init__(self, path: str | PurePath, detail: str) -> None:
        self.detail = detail
        super().__init__(
            path,
            f"catalog damaged ({detail})",
            hint="restore the archive from a backup (`gazette restore`); the originals are in"
            " objects/",
        )


class MissingDependency(GazetteError, ImportError):
    """An optional feature needs a package that is not installed."""

    def __init__(self, feature: str, package: str, extra: str | None) -> None:
        self.feature = feature
        self.package = package
        self.extra = extra
        how = f"pip install 'gazette[{extra}]'" if extra else f"pip install {package}"
        super().__init__(f"{feature} needs {package}", hint=how)


class InvalidArgument(GazetteError, ValueError):
    """An argument to the library or the command line is not acceptable."""


class ImportFailed(InvalidArgument):
    """A list imported from a file (CSV) has a bad row; nothing of it was stored.

    Attributes:
        path: the file.
        line: the 1-based line of the bad row (``None`` for the file as a whole).
        reason: what is wrong with it.
    """

    def __init__(self, path: str | PurePath, line: int | None, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}", hint="fix the row and import the file again")


class InvalidQuery(GazetteError, ValueError):
    """A search query cannot be run as written."""

    def __init__(self, query: str, reason: str) -> None:
        self.query = query
        self.reason = reason
        shown = query if len(query) <= 60 else query[:57] + "..."
        super().__init__(
            f"cannot search for {shown!r}: {reason}",
            hint='use words, "quoted phrases", OR, -excluded words, or a document number',
        )


class InvalidCleanupList(GazetteError, ValueError):
    """A cleanup list (清理结果) to import is unreadable or has a bad row; nothing was imported.

    Attributes:
        path: the list's file name.
        row: the 1-based line of the offending row, ``None`` for the file as a whole.
        reason: what is wrong.
    """

    def __init__(self, path: str | PurePath, reason: str, *, row: int | None = None) -> None:
        self.path = str(path)
        self.row = row
        self.reason = reason
        where = f"{self.path}, line {row}" if row is not None else self.path
        super().__init__(
            f"{where}: {reason}",
            hint="nothing was imported; fix the list and import it again",
        )
