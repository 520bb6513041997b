"""Comparing two renditions of a text: what really differs, and where.

A portal page and the gazette's standard text of one document differ in layout (line breaks,
spaces, indentation) and often in the width of punctuation (``,`` for ``，``, ``(`` for ``（``,
``[2019]`` for ``〔2019〕``, straight for curly quotes). None of that is a textual difference.
:func:`compare` removes it before comparing (see :func:`comparison_key`) and reports each
remaining difference with its position — line and column — in both texts as they were given.
"""

from __future__ import annotations

import bisect
import difflib
import unicodedata
from collections.abc import Sequence
from typing import Any

import attrs

# Variants that are one character for comparison (after NFKC, which already maps full-width
# ASCII punctuation, letters and digits to their narrow forms).
_SAME = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "「": '"',
        "」": '"',
        "『": '"',
        "』": '"',
        "‘": "'",
        "’": "'",
        "〔": "[",
        "〕": "]",
        "【": "[",
        "】": "]",
        "﹝": "[",
        "﹞": "]",
        "〈": "<",
        "〉": ">",
        "—": "-",
        "–": "-",
        "－": "-",
        "―": "-",
        "·": ".",
        "・": ".",
        "．": ".",
    }
)


def comparison_key(text: str) -> tuple[str, list[int]]:
    """The text as compared, and for each of its characters the offset it came from.

    Whitespace of every kind (layout) is dropped; each remaining character is NFKC-normalised
    (full-width and half-width forms alike) and punctuation variants are unified.
    """
    out: list[str] = []
    where: list[int] = []
    for offset, char in enumerate(text):
        if char.isspace():
            continue
        for piece in unicodedata.normalize("NFKC", char).translate(_SAME):
            if not piece.isspace():
                out.append(piece)
                where.append(offset)
    return "".join(out), where


@attrs.frozen
class Position:
    """A place in a text: 1-based line and column, and the 0-based character offset."""

    line: int
    column: int
    offset: int

    def __str__(self) -> str:
        return f"{self.line}:{self.column}"


class _Lines:
    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def position(self, offset: int) -> Position:
        line = bisect.bisect_right(self.starts, offset) - 1
        return Position(line + 1, offset - self.starts[line] + 1, offset)


@attrs.frozen
class Difference:
    """One real difference.

    Attributes:
        kind: ``replace``, ``delete`` (only in A) or ``insert`` (only in B).
        a: the text in A as written (empty for an insertion).
        b: the text in B as written (empty for a deletion).
        a_at: where it is in A (for an insertion: where B's text would go).
        b_at: where it is in B.
        context: a few characters of A around the place, for reading.
    """

    kind: str
    a: str
    b: str
    a_at: Position
    b_at: Position
    context: str

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "a": self.a,
            "b": self.b,
            "a_at": {
                "line": self.a_at.line,
                "column": self.a_at.column,
                "offset": self.a_at.offset,
            },
            "b_at": {
                "line": self.b_at.line,
                "column": self.b_at.column,
                "offset": self.b_at.offset,
            },
            "context": self.context,
        }


@attrs.frozen
class Comparison:
    """The result of comparing two texts.

    Attributes:
        a_label: what A is (a document and rendition, a file).
        b_label: what B is.
        differences: the real differences, in order.
        a_length: characters of A compared (layout removed).
        b_length: characters of B compared.
        ratio: similarity of the compared texts, 0 to 1.
    """

    a_label: str
    b_label: str
    differences: tuple[Difference, ...]
    a_length: int
    b_length: int
    ratio: float

    @property
    def identical(self) -> bool:
        """Whether the texts differ only in layout and punctuation width."""
        return not self.differences

    def as_json(self) -> dict[str, Any]:
        return {
            "a": self.a_label,
            "b": self.b_label,
            "identical": self.identical,
            "a_length": self.a_length,
            "b_length": self.b_length,
            "similarity": round(self.ratio, 6),
            "differences": [d.as_json() for d in self.differences],
        }


def _span(text: str, where: Sequence[int], start: int, end: int) -> tuple[int, int]:
    """Offsets in the original text covering compared characters ``start:end``."""
    if start < end:
        return where[start], where[end - 1] + 1
    # Empty: the place just after the previous compared character (or the text's start).
    offset = where[start - 1] + 1 if start > 0 else 0
    return offset, offset


_SENTENCE_END = frozenset("。！？；!?;")
#: Within a changed stretch of sentences, character-level differences are reported when the
#: two sides are at least this similar; otherwise the stretch is one replacement.
_FINE_RATIO = 0.5
#: Character differences separated by fewer equal characters than this are reported as one.
_MERGE_GAP = 3
_FINE_LIMIT = 4000


def _sentences(key: str) -> tuple[list[str], list[int]]:
    """Split a comparison key into sentences (ending with 。！？；) and their start indexes."""
    units: list[str] = []
    starts: list[int] = []
    start = 0
    for index, char in enumerate(key):
        if char in _SENTENCE_END:
            units.append(key[start : index + 1])
            starts.append(start)
            start = index + 1
    if start < len(key):
        units.append(key[start:])
        starts.append(start)
    return units, starts


def _char_opcodes(a: str, b: str) -> tuple[list[tuple[str, int, int, int, int]], int] | None:
    """Character-level changes between two stretches, merged across tiny equal runs, and the
    number of characters they share; ``None`` when the stretches are too different (or too
    long) for that to mean anything."""
    if len(a) > _FINE_LIMIT or len(b) > _FINE_LIMIT:
        return None
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.ratio() < _FINE_RATIO:
        return None
    shared = sum(block.size for block in matcher.get_matching_blocks())
    merged: list[list[Any]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if merged and i1 - merged[-1][2] < _MERGE_GAP and j1 - merged[-1][4] < _MERGE_GAP:
            merged[-1][2], merged[-1][4] = i2, j2
            merged[-1][0] = "replace"
        else:
            merged.append([tag, i1, i2, j1, j2])
    return [(str(m[0]), int(m[1]), int(m[2]), int(m[3]), int(m[4])) for m in merged], shared


def _opcodes(key_a: str, key_b: str) -> tuple[list[tuple[str, int, int, int, int]], float]:
    """Changes between two comparison keys: sentences first, then characters within."""
    units_a, starts_a = _sentences(key_a)
    units_b, starts_b = _sentences(key_b)
    starts_a.append(len(key_a))
    starts_b.append(len(key_b))
    matcher = difflib.SequenceMatcher(None, units_a, units_b, autojunk=False)
    out: list[tuple[str, int, int, int, int]] = []
    same = 0
    for tag, u1, u2, v1, v2 in matcher.get_opcodes():
        i1, i2, j1, j2 = starts_a[u1], starts_a[u2], starts_b[v1], starts_b[v2]
        if tag == "equal":
            same += i2 - i1
            continue
        fine = _char_opcodes(key_a[i1:i2], key_b[j1:j2]) if tag == "replace" else None
        if fine is None:
            kind = "replace" if i1 < i2 and j1 < j2 else ("delete" if i1 < i2 else "insert")
            out.append((kind, i1, i2, j1, j2))
            continue
        changes, shared = fine
        for kind, a1, a2, b1, b2 in changes:
            out.append((kind, i1 + a1, i1 + a2, j1 + b1, j1 + b2))
        same += shared
    total = len(key_a) + len(key_b)
    return out, (2.0 * same / total if total else 1.0)


def compare(
    a: str, b: str, *, a_label: str = "A", b_label: str = "B", context: int = 12
) -> Comparison:
    """Compare two texts, ignoring layout and punctuation width.

    The texts are compared sentence by sentence (so a rewritten passage is one difference,
    not a scatter of coincidentally equal characters), then character by character within
    sentences that changed a little.

    Args:
        a: the first text (e.g. the portal page's text).
        b: the second (e.g. the gazette's standard text).
        a_label: how to name A in reports.
        b_label: how to name B.
        context: characters of A shown on each side of a difference.
    """
    key_a, where_a = comparison_key(a)
    key_b, where_b = comparison_key(b)
    opcodes, ratio = _opcodes(key_a, key_b)
    lines_a, lines_b = _Lines(a), _Lines(b)
    differences = []
    for tag, i1, i2, j1, j2 in opcodes:
        a_start, a_end = _span(a, where_a, i1, i2)
        b_start, b_end = _span(b, where_b, j1, j2)
        around = (
            a[max(0, a_start - context) : a_start]
            + "【"
            + a[a_start:a_end]
            + "】"
            + a[a_end : a_end + context]
        ).replace("\n", "⏎")
        differences.append(
            Difference(
                kind=tag,
                a=a[a_start:a_end],
                b=b[b_start:b_end],
                a_at=lines_a.position(a_start),
                b_at=lines_b.position(b_start),
                context=around,
            )
        )
    return Comparison(
        a_label=a_label,
        b_label=b_label,
        differences=tuple(differences),
        a_length=len(key_a),
        b_length=len(key_b),
        ratio=ratio,
    )


__all__ = ["Comparison", "Difference", "Position", "compare", "comparison_key"]
