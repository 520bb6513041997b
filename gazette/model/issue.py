"""Gazette issues (政府公报), the items printed in them and the files they arrived in."""

from __future__ import annotations

import datetime as _dt

import attrs

from gazette.dates import to_optional_date
from gazette.docnumber import DocNumber
from gazette.model._convert import _to_docnumber, _to_tuple
from gazette.model.publication import IssueNumber
from gazette.model.text import OcrInfo

# --- gazettes ------------------------------------------------------------------------------


@attrs.frozen
class IssueItem:
    """One item printed in a gazette issue.

    Attributes:
        seq: position in the issue (1-based).
        title: the item's title as the table of contents or the page gives it.
        section: the 目录 section (``国务院文件``), without brackets.
        pages: printed page range.
        pdf_pages: PDF page range (1-based) the item occupies.
        doc_number: the item's number, if any.
        doc_id: the archive document holding the item's text.
    """

    seq: int
    title: str
    section: str | None = None
    pages: tuple[int, int] | None = None
    pdf_pages: tuple[int, int] | None = None
    doc_number: DocNumber | None = attrs.field(default=None, converter=_to_docnumber)
    doc_id: str | None = None


@attrs.frozen
class Edition:
    """One file an issue arrived in: a scan, the born-digital PDF, a Word file, a web edition.

    Attributes:
        source: the file's SHA-256.
        kind: ``digital``, ``scanned``, ``word`` or ``web``.
        issue_id: the archive's record of the issue as read from this file.
        page_count: pages in the file (``None`` for files without pages).
        needs_ocr: pages of the file that still need recognising.
        ocr: OCR details when the file's pages were recognised.
    """

    source: str | None
    kind: str
    issue_id: int | None = None
    page_count: int | None = None
    needs_ocr: tuple[int, ...] = attrs.field(default=(), converter=_to_tuple)
    ocr: OcrInfo | None = None


@attrs.frozen
class GazetteIssue:
    """One issue of a gazette (政府公报).

    Attributes:
        gazette: the gazette's name (``济南市人民政府公报``).
        number: year and issue number.
        total: running total (总号 / 总第N期).
        date: publication date.
        items: the items, in order.
        source_sha256: the issue file.
        page_count: pages in the file.
        needs_ocr: pages without a usable text layer that could not be recognised.
        ocr: OCR details when pages were recognised.
        id: assigned by the archive.
        editions: the files the issue arrived in, best first (see
            :func:`gazette.gazettes.combine`); the fields above describe the best.
    """

    gazette: str
    number: IssueNumber
    total: int | None = None
    date: _dt.date | None = attrs.field(default=None, converter=to_optional_date)
    items: tuple[IssueItem, ...] = attrs.field(default=(), converter=_to_tuple)
    source_sha256: str | None = None
    page_count: int | None = None
    needs_ocr: tuple[int, ...] = attrs.field(default=(), converter=_to_tuple)
    ocr: OcrInfo | None = None
    id: int | None = None
    editions: tuple[Edition, ...] = attrs.field(default=(), converter=_to_tuple)

    @property
    def label(self) -> str:
        total = f"（总第{self.total}期）" if self.total else ""
        return f"{self.gazette} {self.number}{total}"
