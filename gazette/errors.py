"""The error hierarchy.

Every error the library raises on purpose derives from :class:`GazetteError`. Each subclass
carries structured fields (the file, the reference, the reason) and its message says what to do,
so that the command line can print it as one line and programs can branch on the fields.

Messages are shown to people, so they are Chinese (like every human-readable output; see
:mod:`gazette.wording`): one line naming the file or document and the reason, then the hint
in parentheses. Programs branch on the class and the fields, never on the wording.
"""

from __future__ import annotations

import re
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
        return f"{message}（{self.hint}）" if self.hint else message

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
            f"“{shown}”中没有文号",
            hint="文号的形式如 济政办发〔2017〕27号、国令第707号、公告2024年第3号",
        )


class InvalidDate(GazetteError, ValueError):
    """A date could not be read."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(
            f"“{text}”不是日期",
            hint="请写作 YYYY-MM-DD、2017年6月28日 或 二〇一七年六月二十八日",
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
        super().__init__(f"{self.path}：{message}", hint=hint)


class UnsupportedFormat(IngestError):
    """The file's content is not a format the archive reads."""

    reason = "unsupported_format"

    def __init__(self, path: str | PurePath, detected: str | None = None) -> None:
        self.detected = detected
        what = f"内容是{detected}" if detected else "无法识别内容"
        super().__init__(
            path,
            f"格式不支持（{what}）",
            hint="可读取纯文本、Markdown、HTML、DOCX 和 PDF",
        )


class CorruptFile(IngestError):
    """The file claims a format but its content is broken (truncated, malformed)."""

    reason = "corrupt"

    def __init__(self, path: str | PurePath, detail: str) -> None:
        self.detail = detail
        super().__init__(path, f"文件损坏：{detail}", hint="请取得完好的副本")


class EncryptedFile(IngestError):
    """The file is encrypted or password-protected."""

    reason = "encrypted"

    def __init__(self, path: str | PurePath) -> None:
        super().__init__(path, "文件已加密", hint="请去除密码后再入库")


class UnsafeFile(IngestError):
    """The file is built to exhaust resources (zip bomb, entity expansion) or is oversized."""

    reason = "unsafe"

    def __init__(self, path: str | PurePath, detail: str) -> None:
        self.detail = detail
        super().__init__(path, f"拒绝读取：{detail}", hint="未继续读取该文件")


class UndecodableText(IngestError):
    """A text file is in no encoding the archive recognises."""

    reason = "undecodable"

    def __init__(self, path: str | PurePath, detail: str) -> None:
        self.detail = detail
        super().__init__(
            path,
            f"无法解码文本：{detail}",
            hint="请将文件另存为 UTF-8 或 GB18030 编码",
        )


class EmptyDocument(IngestError):
    """The file was read but holds no document text."""

    reason = "empty"

    def __init__(self, path: str | PurePath, detail: str = "没有文字") -> None:
        super().__init__(path, f"没有正文：{detail}")


class NeedsOCR(IngestError):
    """A PDF has no usable text layer; its text must come from OCR."""

    reason = "needs_ocr"

    def __init__(self, path: str | PurePath, detail: str) -> None:
        self.detail = detail
        super().__init__(
            path,
            f"没有可用的文字层（{detail}）",
            hint="读取扫描页须安装 [ocr] 扩展及带 chi_sim 语言模型的 Tesseract",
        )


class IssueNotSplit(IngestError):
    """A file was recognised as a gazette issue but its items could not be found."""

    reason = "issue_not_split"

    def __init__(self, path: str | PurePath, label: str, detail: str) -> None:
        self.label = label
        self.detail = detail
        super().__init__(
            path,
            f"识别为{label}，但{detail}",
            hint="请检查文件的文字（扫描件可能需要OCR）；该文件的内容均未存储",
        )


# --- the archive -------------------------------------------------------------------------


class DocumentNotFound(GazetteError, KeyError):
    """No document answers to the reference (in the view that was asked)."""

    def __init__(self, ref: str) -> None:
        self.ref = ref
        super().__init__(
            f"没有与“{ref}”相符的文件",
            hint="请给出档案编号、任一写法的文号或完整标题",
        )

    def __str__(self) -> str:  # KeyError would repr() the message
        return GazetteError.__str__(self)


class AmbiguousReference(GazetteError, LookupError):
    """A reference matches several documents."""

    def __init__(self, ref: str, candidates: list[str]) -> None:
        self.ref = ref
        self.candidates = candidates
        super().__init__(
            f"“{ref}”与{len(candidates)}个文件相符：{'、'.join(candidates[:5])}",
            hint="请使用档案编号",
        )


class ArchiveError(GazetteError):
    """The archive directory cannot be used as it is."""

    def __init__(self, path: str | PurePath, message: str, *, hint: str | None = None) -> None:
        self.path = str(path)
        super().__init__(f"档案 {self.path}：{message}", hint=hint)


class ArchiveBusy(ArchiveError):
    """Another process holds the archive's write lock."""

    def __init__(self, path: str | PurePath, holder: str | None) -> None:
        self.holder = holder
        found = re.fullmatch(r"pid (\d+) on (.+)", holder or "")
        shown = f"进程 {found[1]}，主机 {found[2]}" if found else holder
        who = f"（{shown}）" if shown else ""
        super().__init__(
            path,
            f"另一进程正在写入档案{who}",
            hint="请待其完成后重试",
        )


class SchemaTooNew(ArchiveError):
    """The catalog was written by a newer version of the library."""

    def __init__(self, path: str | PurePath, found: int, supported: int) -> None:
        super().__init__(
            path,
            f"目录结构版本{found}高于本程序支持的版本{supported}",
            hint="请升级 gazette",
        )


class IndexDamaged(ArchiveError):
    """The search index cannot be read (a truncated or overwritten file). It is derived data:
    the catalog is intact and a rebuild restores it."""

    def __init__(self, path: str | PurePath, detail: str) -> None:
        self.detail = detail
        super().__init__(
            path,
            "检索索引已损坏",
            hint="运行 `gazette reindex`（或 `gazette verify --repair`）重建索引",
        )


class CatalogError(ArchiveError):
    """A catalog read or write failed in the database (disk full, locked too long, a
    constraint); what the transaction wrote was rolled back. ``detail`` is what the database
    said."""

    def __init__(
        self,
        path: str | PurePath,
        detail: str,
        *,
        message: str = "目录数据库出错",
        hint: str | None = None,
    ) -> None:
        self.detail = detail
        super().__init__(path, f"{message}（{detail}）" if detail else message, hint=hint)


class CatalogDamaged(CatalogError):
    """The catalog database cannot be read as SQLite (a corrupt page, a truncated file)."""

    def __init__(self, path: str | PurePath, detail: str) -> None:
        super().__init__(
            path,
            "",
            message="目录数据库已损坏",
            hint="请用 `gazette restore` 从备份恢复档案；原件在 objects/ 中",
        )
        self.detail = detail


class MissingDependency(GazetteError, ImportError):
    """An optional feature needs a package that is not installed."""

    def __init__(self, feature: str, package: str, extra: str | None) -> None:
        self.feature = feature
        self.package = package
        self.extra = extra
        how = f"pip install 'gazette[{extra}]'" if extra else f"pip install {package}"
        super().__init__(f"{feature}需要 {package}", hint=f"请安装：`{how}`")


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
        where = f"{self.path} 第{line}行" if line is not None else self.path
        super().__init__(f"{where}：{reason}", hint="请改正该行后重新导入")


class InvalidQuery(GazetteError, ValueError):
    """A search query cannot be run as written."""

    def __init__(self, query: str, reason: str) -> None:
        self.query = query
        self.reason = reason
        shown = query if len(query) <= 60 else query[:57] + "..."
        super().__init__(
            f"无法检索“{shown}”：{reason}",
            hint="检索式可用词语、带引号的短语、OR、减号排除的词语或文号",
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
        where = f"{self.path} 第{row}行" if row is not None else self.path
        super().__init__(
            f"{where}：{reason}",
            hint="未导入任何内容；请改正清单后重新导入",
        )
