"""What a search returns, and the filters it takes."""

from __future__ import annotations

import datetime as _dt
from typing import Any, ClassVar, Literal

import attrs

from gazette.dates import to_optional_date
from gazette.errors import InvalidArgument
from gazette.status import StatusValue

DateField = Literal["written", "published"]

#: The validity statuses a search filters by: the values of :class:`StatusValue`.
STATUS_VALUES: tuple[str, ...] = tuple(s.value for s in StatusValue)


def _statuses(value: Any) -> tuple[str, ...]:
    if value is None or value == ():
        return ()
    items = (value,) if isinstance(value, str) else tuple(value)
    out = []
    for item in items:
        text = str(getattr(item, "value", item)).strip()
        if text not in STATUS_VALUES:
            raise InvalidArgument(
                f"没有“{text}”这一时效状态", hint=f"可选：{'、'.join(STATUS_VALUES)}"
            )
        out.append(text)
    return tuple(out)


def _check_date_field(_: Any, __: Any, value: str) -> None:
    if value not in ("written", "published"):
        raise InvalidArgument(f"日期类型只能是 written 或 published，而不是“{value}”")


@attrs.frozen
class SearchFilters:
    """Filters applied to every match (as cached sets, before ranking).

    Attributes:
        issuer: 发文机关, exactly as indexed (one of a joint document's issuers is enough).
        doc_type: 文种 (``通知``, ``意见`` …).
        date_from: first date (inclusive) of ``date_field``.
        date_to: last date (inclusive) of ``date_field``.
        date_field: ``written`` (成文日期) or ``published`` (发布日期).
        gazette: a gazette name, or an issue as ``[name] 2019年第5期``.
        year: the year the document is filed under (written, else published, else its number).
        valid_on: keep documents in force on this date (``in_force`` or ``partially_invalid``
            unless ``status`` says otherwise); also the date statuses are shown for.
        status: keep documents whose status (on ``valid_on``, else today) is one of these.
    """

    VALID: ClassVar[tuple[str, ...]] = (StatusValue.IN_FORCE, StatusValue.PARTIALLY_INVALID)

    issuer: str | None = None
    doc_type: str | None = None
    date_from: _dt.date | None = attrs.field(default=None, converter=to_optional_date)
    date_to: _dt.date | None = attrs.field(default=None, converter=to_optional_date)
    date_field: DateField = attrs.field(default="written", validator=_check_date_field)
    gazette: str | None = None
    year: int | None = None
    valid_on: _dt.date | None = attrs.field(default=None, converter=to_optional_date)
    status: tuple[str, ...] = attrs.field(default=(), converter=_statuses)

    @property
    def active(self) -> bool:
        """Whether any filter is set."""
        return any(
            (
                self.issuer,
                self.doc_type,
                self.date_from,
                self.date_to,
                self.gazette,
                self.year is not None,
                self.valid_on,
                self.status,
            )
        )


@attrs.frozen
class Hit:
    """One search result.

    Attributes:
        id: document id.
        title: title.
        doc_number: document number (canonical spelling).
        score: relevance score (0 when sorted by date).
        snippet: text around the first match, matches in ``<em>``, HTML-escaped.
        status: validity status on the filter date (today by default).
        doc_type: 文种.
        issuers: 发文机关.
        written: 成文日期.
        published: 发布日期.
        parent_id: the carrier document of an attachment.
        ocr: the text the hit was found in was recognised from images (OCR): it may hold
            recognition errors, and the original page images are the reference.
    """

    id: str
    title: str
    doc_number: str | None
    score: float
    snippet: str
    status: str = "unknown"
    doc_type: str | None = None
    issuers: tuple[str, ...] = ()
    written: _dt.date | None = None
    published: _dt.date | None = None
    parent_id: str | None = None
    ocr: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "doc_number": self.doc_number,
            "score": self.score,
            "snippet": self.snippet,
            "status": self.status,
            "doc_type": self.doc_type,
            "issuers": list(self.issuers),
            "written": self.written.isoformat() if self.written else None,
            "published": self.published.isoformat() if self.published else None,
            "parent_id": self.parent_id,
            "ocr": self.ocr,
        }


@attrs.frozen
class SearchResults:
    """A page of results with the total count and facet counts over every match."""

    total: int
    hits: tuple[Hit, ...]
    facets: dict[str, dict[str, int]] = attrs.field(factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "hits": [h.as_json() for h in self.hits],
            "facets": self.facets,
        }
