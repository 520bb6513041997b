"""Bitmaps of document numbers: conversions both ways agree with Python sets."""

from __future__ import annotations

import hypothesis
import hypothesis.strategies as st

from gazette.search import docsets

numbers = st.sets(st.integers(min_value=0, max_value=5000), max_size=400)


@hypothesis.given(numbers)
def test_members_round_trip(values: set[int]) -> None:
    bitmap = docsets.from_ids(values)
    assert docsets.members(bitmap) == sorted(values)
    assert docsets.count(bitmap) == len(values)
    assert docsets.from_ids(values, 5001) == bitmap


@hypothesis.given(numbers, numbers)
def test_set_operations_are_integer_operations(left: set[int], right: set[int]) -> None:
    a, b = docsets.from_ids(left, 5001), docsets.from_ids(right, 5001)
    assert docsets.members(a & b) == sorted(left & right)
    assert docsets.members(a | b) == sorted(left | right)
    assert docsets.members(a & ~b) == sorted(left - right)


@hypothesis.given(numbers, st.integers(min_value=0, max_value=50))
def test_largest(values: set[int], k: int) -> None:
    assert docsets.largest(docsets.from_ids(values), k) == sorted(values, reverse=True)[:k]


@hypothesis.given(numbers)
def test_contains_view(values: set[int]) -> None:
    view = docsets.contains_view(docsets.from_ids(values))
    assert {n for n in range(len(view)) if view[n]} == values


@hypothesis.given(numbers)
def test_from_chunks_reads_signed_64_bit_words(values: set[int]) -> None:
    words: dict[int, int] = {}
    for value in values:
        bit = 1 << (value % 64)
        # SQLite's integers are signed: the top bit makes a word negative.
        words[value // 64] = words.get(value // 64, 0) | bit
    signed = [(i, w - (1 << 64) if w >= 1 << 63 else w) for i, w in words.items()]
    assert docsets.from_chunks(signed, 5001) == docsets.from_ids(values)
