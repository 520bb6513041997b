"""Small converters of the model's fields (normalising and idempotent)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from gazette.docnumber import DocNumber

# --- small converters (normalising and idempotent) -----------------------------------------


def _strip_or_none(value: str | None) -> str | None:
    if value is None:
        return None
    value = unicodedata.normalize("NFC", value).strip()
    return value or None


def _tuple_of_str(values: Iterable[str] | None) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = (values,)
    out: list[str] = []
    for value in values:
        cleaned = _strip_or_none(value)
        if cleaned and cleaned not in out:
            out.append(cleaned)
    return tuple(out)


def _to_docnumber(value: DocNumber | str | None) -> DocNumber | None:
    if value is None or isinstance(value, DocNumber):
        return value
    return DocNumber.parse(value)


def _to_tuple(values: Iterable[Any] | None) -> tuple[Any, ...]:
    return () if values is None else tuple(values)
