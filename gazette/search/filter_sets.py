"""What the filters of a search let through, as bitmaps over one generation's columns:
issuer, 文种, gazette and issue, year, a date range, the status on a date, the public view,
and what the catalog allows (:class:`Allowed`).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from typing import Any

import attrs

from gazette.gazettes import gazette_key
from gazette.search import docsets
from gazette.search.generation import Generation
from gazette.search.records import identifier_key, issue_keys
from gazette.search.results import SearchFilters


@attrs.frozen(eq=False)
class Allowed:
    """What a search may find, decided by the catalog when the search runs.

    Attributes:
        revisions: document id → the catalog revision its index entry must have.
        token: names this state of the catalog (equal tokens, equal revisions).
    """

    revisions: Mapping[str, int]
    token: Any


def filter_set(
    gen: Generation,
    filters: SearchFilters,
    public_only: bool,
    statuses: tuple[dict[str, int], dict[str, str]] | None,
) -> int:
    """The documents the view (all, or the public ones) and the filters let through."""
    sets = [gen.public if public_only else gen.live]
    if filters.issuer:
        issuer = filters.issuer.strip().casefold()
        bits = docsets.EMPTY
        for value, members in gen.values("issuer").items():
            if value.casefold() == issuer:
                bits |= members
        sets.append(bits)
    if filters.doc_type:
        sets.append(gen.term("doc_type", filters.doc_type.strip()))
    if filters.gazette:
        sets.append(gazette_set(gen, filters.gazette))
    if filters.year is not None:
        sets.append(gen.term("year", filters.year))
    if filters.date_from or filters.date_to:
        field = filters.date_field
        low = filters.date_from.toordinal() if filters.date_from else 1
        high = filters.date_to.toordinal() if filters.date_to else _dt.date.max.toordinal()

        def dated() -> int:
            nums = [
                num
                for num, meta in enumerate(gen.docs)
                if meta is not None
                and low <= (meta.written if field == "written" else meta.published) <= high
            ]
            return docsets.from_ids(nums, gen.size)

        sets.append(gen.cached(("date", field, low, high), dated))
    if (filters.status or filters.valid_on) and statuses is not None:
        by_status = statuses[0]
        bits = docsets.EMPTY
        for status in filters.status or SearchFilters.VALID:
            bits |= by_status.get(status, docsets.EMPTY)
        sets.append(bits)
    out = sets[0]
    for other in sets[1:]:
        out &= other
    return out


def allowed_set(gen: Generation, allowed: Allowed) -> int:
    """The entries of ``allowed`` indexed at the revision it gives (cached per generation for
    the last token seen)."""
    cached = gen.allowed
    if cached is not None and cached[0] == allowed.token:
        return cached[1]
    nums = []
    docs = gen.docs
    for doc_id, rev in allowed.revisions.items():
        num = gen.nums.get(doc_id)
        if num is not None:
            meta = docs[num]
            if meta is not None and meta.rev == rev:
                nums.append(num)
    bits = docsets.from_ids(nums, gen.size)
    gen.allowed = (allowed.token, bits)
    return bits


def gazette_set(gen: Generation, value: str) -> int:
    """The documents printed in a gazette, or in one issue of it (``[name] 2019年第5期``).

    Names are compared in their normal form (:func:`gazette.gazettes.gazette_key`:
    ``国务院公报`` is ``中华人民共和国国务院公报``) against every name the index holds, so an
    index built before names were normalised, holding them as each file printed them,
    answers without being rebuilt."""
    text = value.strip()
    found = re.search(r"(\d{4})\s*年?\s*第?\s*(\d+)\s*[期号]?\s*$", text)
    if found and (found.group(0).strip() != text or "年" in text or "第" in text):
        name = text[: found.start()].strip()
        number = int(found.group(2))
        [key] = issue_keys(None, int(found.group(1)), range(number, number + 1))
        if not name:
            return gen.term("issue", key)
        return _held_names(gen, "issue", name, f"/{key}")
    return _held_names(gen, "gazette", text, "")


def _held_names(gen: Generation, field: str, name: str, suffix: str) -> int:
    """The documents with a value of ``field`` that is a gazette's name (then ``suffix``)
    naming the same gazette as ``name``."""
    wanted = gazette_key(identifier_key(name))

    def compute() -> int:
        bits = docsets.EMPTY
        for held, docs in gen.values(field).items():
            if held.endswith(suffix) and gazette_key(held[: len(held) - len(suffix)]) == wanted:
                bits |= docs
        return bits

    return gen.cached(("gazette-name", field, wanted, suffix), compute)
