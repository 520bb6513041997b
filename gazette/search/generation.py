"""The columns of one state of a search index: what the shared half of search keeps of each
document (everything but its text, :class:`DocMeta`) and the sets computed from them once per
state and cached (:class:`Generation`): the values of each filterable field, the documents in
each status on a date, the date order.

A :class:`Generation` holds the columns of one state of the index. Readers keep using the one
they hold while a writer commits; the next search moves to the new state.
"""

from __future__ import annotations

import datetime as _dt
import threading
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from gazette.search import docsets
from gazette.search.records import IndexRecord, identifier_key

# Below this many members a set is walked member by member; above it, counted with bitmaps.
SMALL = 200

# The status of every document on a date: (date) -> {doc_id: status}. Supplied by the archive
# from the catalog's status intervals; ``None`` when the index is used on its own.
StatusSource = Callable[[_dt.date], dict[str, str]]


@attrs.frozen
class DocMeta:
    """What the shared half of search keeps of one document (everything but its text).

    Dates are proleptic ordinals (0 when unknown) so that comparing and sorting them is cheap.
    """

    id: str
    rev: int = 0
    numbers: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    issuers: tuple[str, ...] = ()
    doc_type: str | None = None
    written: int = 0
    published: int = 0
    year: int | None = None
    public: bool = False
    gazettes: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()
    parent_id: str | None = None

    @classmethod
    def from_record(cls, record: IndexRecord) -> DocMeta:
        return cls(
            id=record.id,
            rev=record.rev,
            numbers=record.numbers,
            identifiers=record.identifiers,
            issuers=record.issuers,
            doc_type=record.doc_type,
            written=record.written.toordinal() if record.written else 0,
            published=record.published.toordinal() if record.published else 0,
            year=record.year,
            public=record.public,
            gazettes=tuple(identifier_key(g) for g in record.gazettes),
            issues=record.issues,
            parent_id=record.parent_id,
        )

    @property
    def date(self) -> int:
        """The date a document sorts by: written, else published."""
        return self.written or self.published

    def values(self, field: str) -> tuple[Any, ...]:
        """The values of a filterable field (see :meth:`Generation.values`)."""
        if field == "issuer":
            return self.issuers
        if field == "doc_type":
            return (self.doc_type,) if self.doc_type else ()
        if field == "year":
            return (self.year,) if self.year is not None else ()
        if field == "number":
            return self.numbers
        if field == "ident":
            return self.identifiers
        if field == "gazette":
            return self.gazettes
        if field == "issue":
            return self.issues
        raise KeyError(field)


class Generation:
    """The columns and cached sets of one state of an index.

    Args:
        token: what the engine uses to tell whether this state is still the newest.
    """

    def __init__(self, token: Any = None) -> None:
        self.token = token
        self.docs: list[DocMeta | None] = []
        self.nums: dict[str, int] = {}
        self.live = docsets.EMPTY
        self.public = docsets.EMPTY
        self.lock = threading.Lock()
        self._values: dict[str, dict[Any, int]] = {}
        self._sets: dict[Any, int] = {}
        self._statuses: dict[_dt.date, tuple[dict[str, int], dict[str, str]]] = {}
        self._by_date: list[int] | None = None
        # The set a caller allowed last (see Allowed), with its token.
        self.allowed: tuple[Any, int] | None = None
        # What engines compute from this state (cleared on every change), and their
        # bookkeeping of how far it has followed the index (kept).
        self.cache: dict[Any, Any] = {}
        self.marks: dict[str, Any] = {}

    @property
    def size(self) -> int:
        """One more than the largest document number."""
        return len(self.docs)

    def load(self, rows: Iterable[tuple[int, DocMeta]]) -> None:
        """Add documents (at numbers not in use), replacing what was cached."""
        added: list[int] = []
        public: list[int] = []
        docs = self.docs
        for num, meta in rows:
            if num >= len(docs):
                docs.extend([None] * (num + 1 - len(docs)))
            docs[num] = meta
            self.nums[meta.id] = num
            added.append(num)
            if meta.public:
                public.append(num)
        if added:
            self.live |= docsets.from_ids(added, len(docs))
            self.public |= docsets.from_ids(public, len(docs))
        self._forget()

    def remove(self, nums: Iterable[int]) -> None:
        """Drop documents by number."""
        gone = [n for n in nums if 0 <= n < len(self.docs) and self.docs[n] is not None]
        for num in gone:
            meta = self.docs[num]
            assert meta is not None
            if self.nums.get(meta.id) == num:
                del self.nums[meta.id]
            self.docs[num] = None
        if gone:
            mask = docsets.from_ids(gone, len(self.docs))
            self.live &= ~mask
            self.public &= ~mask
        self._forget()

    def _forget(self) -> None:
        self._values.clear()
        self._sets.clear()
        self._statuses.clear()
        self._by_date = None
        self.allowed = None
        self.cache.clear()

    # --- sets ------------------------------------------------------------------------------

    def values(self, field: str) -> dict[Any, int]:
        """Every value of a field with the bitmap of the documents that have it."""
        found = self._values.get(field)
        if found is None:
            groups: dict[Any, list[int]] = {}
            for num, meta in enumerate(self.docs):
                if meta is not None:
                    for value in meta.values(field):
                        groups.setdefault(value, []).append(num)
            found = {v: docsets.from_ids(nums, self.size) for v, nums in groups.items()}
            self._values[field] = found
        return found

    def term(self, field: str, value: Any) -> int:
        """The documents whose ``field`` has ``value``."""
        return self.values(field).get(value, docsets.EMPTY)

    def cached(self, key: Any, compute: Callable[[], int]) -> int:
        """A set computed once per generation."""
        found = self._sets.get(key)
        if found is None:
            found = compute()
            self._sets[key] = found
        return found

    def statuses(
        self, on: _dt.date, source: StatusSource | None
    ) -> tuple[dict[str, int], dict[str, str]]:
        """The documents in each status on a date (bitmaps), and each id's status."""
        found = self._statuses.get(on)
        if found is None:
            by_id = source(on) if source is not None else {}
            groups: dict[str, list[int]] = {}
            for doc_id, status in by_id.items():
                num = self.nums.get(doc_id)
                if num is not None:
                    groups.setdefault(status, []).append(num)
            sets = {s: docsets.from_ids(nums, self.size) for s, nums in groups.items()}
            known = docsets.EMPTY
            for bits in sets.values():
                known |= bits
            sets["unknown"] = sets.get("unknown", docsets.EMPTY) | (self.live & ~known)
            if len(self._statuses) > 8:
                self._statuses.clear()
            found = (sets, by_id)
            self._statuses[on] = found
        return found

    def by_date(self) -> list[int]:
        """Every document number, newest first (written, else published; then by number)."""
        if self._by_date is None:
            dated = [(meta.date, -num) for num, meta in enumerate(self.docs) if meta is not None]
            dated.sort(reverse=True)
            self._by_date = [-negated for _, negated in dated]
        return self._by_date
