"""Interpretation links, gazette issue numbers, where a document was printed, its files."""

from __future__ import annotations

import datetime as _dt
import enum
from typing import Any

import attrs

from gazette import wording
from gazette.dates import to_optional_date
from gazette.model._convert import _to_tuple, _tuple_of_str
from gazette.model.provenance import Provenance

# --- links and publications ----------------------------------------------------------------


class InterpretationForm(enum.StrEnum):
    """Forms of policy interpretation (DOMAIN.md §5)."""

    TEXT = "text"  # 文字解读
    GRAPHIC = "graphic"  # 图解 / 一图读懂
    MEDIA = "media"  # 音视频
    EXPERT = "expert"  # 专家解读
    PRESS = "press"  # 答记者问 / 新闻发布会

    @property
    def label(self) -> str:
        """The Chinese name (:data:`gazette.wording.INTERPRETATION_FORM`)."""
        return wording.INTERPRETATION_FORM[self.value]


@attrs.frozen
class InterpretationLink:
    """An interpretation (解读) linked to the policy it explains.

    Attributes:
        policy_id: the policy document.
        interpretation_id: the interpretation document.
        form: text, graphic, media, expert or press.
        method: how the link was made (``title``, ``number``, ``manual``).
        evidence: the text the link was inferred from.
        provenance: where the link was learned.
    """

    policy_id: str
    interpretation_id: str
    form: InterpretationForm = attrs.field(converter=InterpretationForm)
    method: str
    evidence: str | None = None
    provenance: Provenance | None = None


@attrs.frozen(order=True)
class IssueNumber:
    """An issue's number within its year: ``2019年第5号``, combined ``2024年第5、6期``.

    Attributes:
        year: the year.
        first: the (first) issue number.
        last: the last issue number of a combined issue (equal to ``first`` otherwise).
        unit: ``号`` or ``期`` as the gazette writes it.
    """

    year: int
    first: int
    last: int = attrs.field()
    unit: str = attrs.field(default="期", eq=False, order=False)

    @last.default
    def _last_default(self) -> int:
        return self.first

    @last.validator
    def _check_last(self, _: attrs.Attribute[Any], value: int) -> None:
        if value < self.first:
            raise ValueError("a combined issue's last number precedes its first")

    @property
    def numbers(self) -> range:
        return range(self.first, self.last + 1)

    def __str__(self) -> str:
        numbers = "、".join(str(n) for n in self.numbers)
        return f"{self.year}年第{numbers}{self.unit}"


@attrs.frozen
class Publication:
    """Where and when a document was published.

    Attributes:
        channel: ``gazette`` or ``portal``.
        name: the gazette's name or the portal's.
        issue: the gazette issue.
        total: the running total of the issue (总号).
        pages: printed page range in the issue.
        date: publication date.
        url: the portal address.
        issue_id: the archive's issue record, for gazette publications.
    """

    channel: str
    name: str | None = None
    issue: IssueNumber | None = None
    total: int | None = None
    pages: tuple[int, int] | None = None
    date: _dt.date | None = attrs.field(default=None, converter=to_optional_date)
    url: str | None = None
    issue_id: int | None = None

    @property
    def label(self) -> str:
        """``济南市人民政府公报 2019年第5号 第4–7页`` (a portal page: ``青川市人民政府网
        2020-04-02``), as ``--json`` has it."""
        return self._label(self.channel, self.date.isoformat() if self.date else None)

    @property
    def label_cn(self) -> str:
        """The label as people read it, the date written the Chinese way
        (``青川市人民政府网 2020年4月2日``)."""
        channel = wording.name(wording.CHANNEL, self.channel)
        return self._label(channel, wording.date(self.date) if self.date else None)

    def _label(self, channel: str, date: str | None) -> str:
        parts = [self.name or channel]
        if self.issue is not None:
            parts.append(str(self.issue))
        if self.pages is not None:
            first, last = self.pages
            parts.append(f"第{first}页" if first == last else f"第{first}–{last}页")
        if self.issue is None and date is not None:
            parts.append(date)
        return " ".join(parts)


@attrs.frozen
class SourceFile:
    """An original file a document was read from, stored once under its SHA-256.

    Attributes:
        sha256: content hash of the bytes.
        format: ``txt``, ``md``, ``html``, ``docx``, ``pdf``, ``ofd``.
        path: the path it was ingested from (as given).
        size: size in bytes.
        notes: what a reader of the document should know about this file (an export of the
            archive whose body was edited after export).
    """

    sha256: str
    format: str
    path: str
    size: int
    notes: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str, eq=False)


@attrs.frozen
class PendingOcr:
    """An original with pages that still need OCR: never recognised (no engine could run
    where it was ingested), or recognised but failed on by the engine or its worker.

    Attributes:
        source: the original.
        pages: the 1-based pages that need OCR.
        reasons: why, per page (``(page, reason)``, in page order).
        documents: how many documents the archive already holds from it (what was read on
            its other pages).
    """

    source: SourceFile
    pages: tuple[int, ...] = attrs.field(converter=_to_tuple)
    reasons: tuple[tuple[int, str], ...] = attrs.field(default=(), converter=_to_tuple)
    documents: int = 0
