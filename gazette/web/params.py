"""Query parameters shared by the pages and the API: the same names as the command line's
options (``type`` for ``--type``, ``valid_on`` for ``--valid-on`` …), dates as
``YYYY-MM-DD`` (or ``2017年6月28日``), statuses as ``--json`` writes them."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from gazette.dates import parse_date
from gazette.errors import InvalidArgument, InvalidDate
from gazette.search.results import STATUS_VALUES

if TYPE_CHECKING:
    from gazette.web.app import Ctx

#: Search filters: URL name -> keyword of ``ArchiveView.search``.
FILTERS = {
    "issuer": "issuer",
    "type": "doc_type",
    "from": "date_from",
    "to": "date_to",
    "date_field": "date_field",
    "gazette": "gazette",
    "year": "year",
    "valid_on": "valid_on",
    "status": "status",
}
PAGE_SIZE = 10


def date(ctx: Ctx, name: str) -> _dt.date | None:
    """A date parameter, or ``None``.

    Raises:
        InvalidArgument: the value is not a date.
    """
    value = ctx.param(name)
    if value is None:
        return None
    try:
        return parse_date(value)
    except (InvalidDate, ValueError):
        raise InvalidArgument(f"{name}: {value!r} 不是日期（请用 YYYY-MM-DD）") from None


def integer(ctx: Ctx, name: str, default: int, low: int, high: int) -> int:
    value = ctx.param(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise InvalidArgument(f"{name}: {value!r} 不是整数") from None
    if not low <= number <= high:
        raise InvalidArgument(f"{name} 应在 {low} 到 {high} 之间")
    return number


def search_filters(ctx: Ctx) -> dict[str, Any]:
    """The filters a request gives, as keywords of ``ArchiveView.search``."""
    out: dict[str, Any] = {}
    for name, keyword in FILTERS.items():
        if name in ("from", "to", "valid_on"):
            out[keyword] = date(ctx, name)
        elif name == "year":
            value = ctx.param("year")
            out[keyword] = integer(ctx, "year", 0, 1000, 9999) if value else None
        elif name == "status":
            statuses = [s for s in ctx.request.query_params.getlist("status") if s.strip()]
            for status in statuses:
                if status not in STATUS_VALUES:
                    raise InvalidArgument(
                        f"status: 未知状态 {status!r}（{', '.join(STATUS_VALUES)}）"
                    )
            out[keyword] = tuple(statuses)
        elif name == "date_field":
            value = ctx.param(name) or "written"
            if value not in ("written", "published"):
                raise InvalidArgument("date_field 只能是 written 或 published")
            out[keyword] = value
        else:
            out[keyword] = ctx.param(name)
    return out


def sort(ctx: Ctx) -> str:
    value = ctx.param("sort") or "relevance"
    if value not in ("relevance", "date"):
        raise InvalidArgument("sort 只能是 relevance 或 date")
    return value


__all__ = ["FILTERS", "PAGE_SIZE", "date", "integer", "search_filters", "sort"]
