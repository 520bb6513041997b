"""Two versions of a document's text side by side, paragraph by paragraph.

:func:`align` pairs the paragraphs of an older and a newer text: paragraphs equal once
typographic variants are set aside (:func:`paragraph_key`: layout, full- and half-width
punctuation, letters and digits, bracket and quote shapes — see
:func:`gazette.diff.comparison_key` — and 〇 for 零) are ``same``; in the stretches between
them, paragraphs are paired by similarity (an article renumbered or reworded is ``changed``,
with the characters that differ marked in both), and the rest are ``removed`` or ``added``.
:func:`compare_versions` does this for the texts of a document in force on two dates.
"""

from __future__ import annotations

import datetime as _dt
import difflib
from collections.abc import Sequence
from typing import Any

import attrs

from gazette import wording
from gazette.diff import comparison_key
from gazette.errors import InvalidArgument
from gazette.lifecycle import text_on, version_label
from gazette.model import Document, TextVersion

#: Paragraphs at least this similar (Dice coefficient of their character bigrams) may pair.
PAIR_THRESHOLD = 0.4
#: Above this many cells a changed stretch is paired in order, without the full alignment.
_DP_LIMIT = 250_000
_VARIANTS = str.maketrans({"〇": "零"})


def paragraph_key(text: str) -> tuple[str, list[int]]:
    """A paragraph as compared, and for each compared character its offset in ``text``."""
    key, where = comparison_key(text)
    return key.translate(_VARIANTS), where


def _grams(key: str) -> frozenset[str]:
    return frozenset(key[i : i + 2] for i in range(len(key) - 1)) or frozenset({key})


def _similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 2.0 * len(a & b) / (len(a) + len(b))


Span = tuple[int, int]


def _marks(old: str, new: str) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """The stretches of each paragraph that differ (offsets into the paragraphs as given)."""
    key_a, where_a = paragraph_key(old)
    key_b, where_b = paragraph_key(new)
    matcher = difflib.SequenceMatcher(None, key_a, key_b, autojunk=False)
    marks_a: list[Span] = []
    marks_b: list[Span] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i1 < i2:
            marks_a.append((where_a[i1], where_a[i2 - 1] + 1))
        if j1 < j2:
            marks_b.append((where_b[j1], where_b[j2 - 1] + 1))
    return tuple(marks_a), tuple(marks_b)


@attrs.frozen
class Row:
    """One row of the comparison.

    Attributes:
        kind: ``same``, ``changed``, ``removed`` (only in the older text) or ``added``.
        old: the older paragraph, or ``None``.
        new: the newer paragraph, or ``None``.
        old_index: its index among the older text's paragraphs.
        new_index: its index among the newer text's.
        old_marks: for ``changed``, the stretches of ``old`` that differ.
        new_marks: for ``changed``, the stretches of ``new`` that differ.
    """

    kind: str
    old: str | None
    new: str | None
    old_index: int | None = None
    new_index: int | None = None
    old_marks: tuple[Span, ...] = ()
    new_marks: tuple[Span, ...] = ()

    def pieces(self, side: str) -> list[tuple[str, bool]]:
        """The paragraph of ``side`` (``old`` or ``new``) cut into ``(text, marked)`` pieces."""
        text = (self.old if side == "old" else self.new) or ""
        marks = self.old_marks if side == "old" else self.new_marks
        out: list[tuple[str, bool]] = []
        at = 0
        for start, end in marks:
            if start > at:
                out.append((text[at:start], False))
            out.append((text[start:end], True))
            at = end
        if at < len(text) or not out:
            out.append((text[at:], False))
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "old": self.old,
            "new": self.new,
            "old_index": self.old_index,
            "new_index": self.new_index,
            "old_marks": [list(m) for m in self.old_marks],
            "new_marks": [list(m) for m in self.new_marks],
        }


def _pair(old: Sequence[str], new: Sequence[str], a0: int, b0: int) -> list[Row]:
    """Pair the paragraphs of a changed stretch by similarity, keeping their order."""
    grams_a = [_grams(paragraph_key(p)[0]) for p in old]
    grams_b = [_grams(paragraph_key(p)[0]) for p in new]
    n, m = len(old), len(new)
    matches: list[tuple[int, int]] = []
    if n and m and n * m <= _DP_LIMIT:
        # Best total similarity of an order-keeping pairing (gaps cost nothing).
        score = [[0.0] * (m + 1) for _ in range(n + 1)]
        for i in range(n - 1, -1, -1):
            row, below = score[i], score[i + 1]
            for j in range(m - 1, -1, -1):
                best = max(below[j], row[j + 1])
                sim = _similarity(grams_a[i], grams_b[j])
                if sim >= PAIR_THRESHOLD:
                    best = max(best, sim + below[j + 1])
                row[j] = best
        i = j = 0
        while i < n and j < m:
            sim = _similarity(grams_a[i], grams_b[j])
            if sim >= PAIR_THRESHOLD and score[i][j] == sim + score[i + 1][j + 1]:
                matches.append((i, j))
                i, j = i + 1, j + 1
            elif score[i][j] == score[i + 1][j]:
                i += 1
            else:
                j += 1
    elif n and m:
        j = 0
        for i in range(n):
            for k in range(j, min(m, j + 20)):
                if _similarity(grams_a[i], grams_b[k]) >= PAIR_THRESHOLD:
                    matches.append((i, k))
                    j = k + 1
                    break
    rows: list[Row] = []
    i = j = 0
    for mi, mj in [*matches, (n, m)]:
        rows.extend(Row("removed", old[k], None, a0 + k) for k in range(i, mi))
        rows.extend(Row("added", None, new[k], None, b0 + k) for k in range(j, mj))
        if mi < n and mj < m:
            marks_a, marks_b = _marks(old[mi], new[mj])
            rows.append(Row("changed", old[mi], new[mj], a0 + mi, b0 + mj, marks_a, marks_b))
        i, j = mi + 1, mj + 1
    return rows


def align(old: Sequence[str], new: Sequence[str]) -> list[Row]:
    """Align two texts given as paragraphs (see the module's description)."""
    keys_a = [paragraph_key(p)[0] for p in old]
    keys_b = [paragraph_key(p)[0] for p in new]
    matcher = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    rows: list[Row] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(
                Row("same", old[i1 + k], new[j1 + k], i1 + k, j1 + k) for k in range(i2 - i1)
            )
        else:
            rows.extend(_pair(old[i1:i2], new[j1:j2], i1, j1))
    return rows


@attrs.frozen
class VersionComparison:
    """Two versions of one document aligned.

    Attributes:
        doc_id: the document.
        old_date: the date the older text was in force.
        new_date: the date the newer text was in force.
        old: the older text version.
        new: the newer text version.
        rows: the aligned paragraphs.
    """

    doc_id: str | None
    old_date: _dt.date
    new_date: _dt.date
    old: TextVersion
    new: TextVersion
    rows: tuple[Row, ...]

    @property
    def counts(self) -> dict[str, int]:
        out = {"same": 0, "changed": 0, "removed": 0, "added": 0}
        for row in self.rows:
            out[row.kind] += 1
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.doc_id,
            "from": self.old_date.isoformat(),
            "to": self.new_date.isoformat(),
            "from_version": version_label(self.old),
            "to_version": version_label(self.new),
            "counts": self.counts,
            "rows": [r.as_json() for r in self.rows],
        }


def compare_versions(doc: Document, old_date: _dt.date, new_date: _dt.date) -> VersionComparison:
    """Align the texts of ``doc`` in force on two dates.

    Raises:
        InvalidArgument: the archive holds no text in force on one of the dates.
    """
    found = []
    for day in (old_date, new_date):
        version = text_on(doc, day)
        if version is None:
            raise InvalidArgument(f"档案中没有该文件{wording.date(day)}施行的文本")
        found.append(version)
    old, new = found
    rows = align([b.text for b in old.blocks], [b.text for b in new.blocks])
    return VersionComparison(doc.id, old_date, new_date, old, new, tuple(rows))


__all__ = [
    "PAIR_THRESHOLD",
    "Row",
    "VersionComparison",
    "align",
    "compare_versions",
    "paragraph_key",
]
