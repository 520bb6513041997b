"""Stored texts, and what ranking counts in them, kept between searches.

An engine that ranks a window of candidates by BM25 counted in their stored text
(:mod:`gazette.search.scoring`) reads the title and body of every candidate and counts each
query token in them. The windows of different queries overlap a great deal: with many
matches, the ranked window is the newest candidates, the same few thousand documents for
every query with a common word. Reading those texts again (out of the database, decoded
into Python strings) and counting the same tokens in them again was most of the cost of such
a query. This cache keeps both, for the documents ranked most recently, within a budget of
characters.

**Why it is never stale.** Entries are keyed by the engine's document number, and an engine
that uses this cache never changes the stored text of a number: a changed document is
written under a new number, a removed number is never reused, and a rebuild (which starts
the numbering again) starts a new :class:`~gazette.search.base.Generation`, which gets a new
cache. Counts are kept per token, per view (with or without the restricted text) and per
folding, exactly as :func:`gazette.search.scoring.counts` computes them.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping

from gazette.search import scoring

#: Characters of stored text kept (title, body and restricted text; a CJK character takes
#: two bytes in memory): about 16 MB per open index.
BUDGET = 8_000_000

# (title, body, restricted) of document numbers; numbers without a stored text are absent.
Reader = Callable[[list[int]], Mapping[int, tuple[str, str, str]]]
Counted = tuple[int, dict[str, tuple[int, int]]]
# What one kept count costs, in characters of the budget (a dictionary slot and a tuple), and
# how many tokens' counts one document keeps at most per view.
_COUNT_CHARS = 48
_COUNTS_KEPT = 256


class _Entry:
    __slots__ = ("counts", "lengths", "restricted", "size", "texts")

    def __init__(self, title: str, body: str, restricted: str) -> None:
        self.texts = (title, body, restricted)
        self.size = len(title) + len(body) + len(restricted)
        # (public_only, folded) -> token -> (in title, in body)
        self.counts: dict[tuple[bool, bool], dict[str, tuple[int, int]]] = {}


class TextCache:
    """The stored texts of recently ranked documents, with their token counts.

    Args:
        budget: characters of text kept; the least recently used documents go first.
    """

    def __init__(self, budget: int = BUDGET) -> None:
        self.budget = budget
        self._entries: OrderedDict[int, _Entry] = OrderedDict()
        self._chars = 0

    def __contains__(self, num: int) -> bool:
        return num in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def _fetch(self, nums: Iterable[int], read: Reader) -> dict[int, _Entry]:
        """The entries of ``nums`` (those with a stored text), reading the missing ones."""
        entries = self._entries
        found: dict[int, _Entry] = {}
        missing: list[int] = []
        for num in nums:
            entry = entries.get(num)
            if entry is None:
                missing.append(num)
            else:
                entries.move_to_end(num)
                found[num] = entry
        if missing:
            for num, (title, body, restricted) in read(missing).items():
                entry = _Entry(title, body, restricted)
                entries[num] = entry
                self._chars += entry.size
                found[num] = entry
            self._trim()
        return found

    def texts(self, nums: Iterable[int], read: Reader) -> dict[int, tuple[str, str, str]]:
        """(title, body, restricted) of each of ``nums`` that has a stored text."""
        return {num: entry.texts for num, entry in self._fetch(nums, read).items()}

    def counted(
        self,
        nums: Iterable[int],
        tokens: Iterable[str],
        public_only: bool,
        read: Reader,
    ) -> dict[int, Counted]:
        """What :func:`gazette.search.scoring.bm25_counted` needs of each of ``nums`` that
        has a stored text: its length and each token's occurrences in title and body."""
        wanted = list(dict.fromkeys(tokens))
        folded = scoring.needs_folding(wanted)
        out: dict[int, Counted] = {}
        for num, entry in self._fetch(nums, read).items():
            title, body, restricted = entry.texts
            if restricted and not public_only:
                body = f"{body}\n{restricted}" if body else restricted
            known = entry.counts.setdefault((public_only, folded), {})
            missing = [t for t in wanted if t not in known]
            if missing:
                if len(known) > _COUNTS_KEPT:
                    self._chars -= len(known) * _COUNT_CHARS
                    entry.size -= len(known) * _COUNT_CHARS
                    known.clear()
                    missing = wanted
                known.update(scoring.counts(title, body, missing, folded))
                self._chars += len(missing) * _COUNT_CHARS
                entry.size += len(missing) * _COUNT_CHARS
            out[num] = (len(title) + len(body), {t: known[t] for t in wanted})
        self._trim()
        return out

    def _trim(self) -> None:
        entries = self._entries
        while self._chars > self.budget and len(entries) > 1:
            _, old = entries.popitem(last=False)
            self._chars -= old.size


__all__ = ["BUDGET", "TextCache"]
