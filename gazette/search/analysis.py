"""Chinese text analysis for the index: jieba word segmentation, optionally CJK bigrams.

Documents and queries go through the same normalisation: NFKC (so full- and half-width forms
match) and lower case; punctuation and whitespace are dropped. Segmentation uses ``rjieba``
(the Rust port of jieba, same dictionary and algorithm, about fifteen times faster) when it is
installed and falls back to ``jieba``.

Three token streams are available, chosen per index by :class:`AnalyzerConfig`:

``words``
    jieba's default segmentation (``济南市/政务公开/工作/要点``).
``search``
    the words plus jieba's search-mode sub-words of long words (``政务公开`` also gives
    ``政务`` and ``公开``), placed at the position of the word they belong to.
``bigrams``
    overlapping character bigrams of every CJK run (``政务``, ``务公``, ``公开`` …) plus
    the non-CJK words; a query phrase then matches any substring, wherever jieba would have
    cut it.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterator
from typing import Any

import attrs
from whoosh.analysis import Token, Tokenizer

_lock = threading.Lock()
_segmenter: Any = None

# Runs of CJK ideographs, and runs of letters/digits (ASCII after NFKC).
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORDISH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+(?:[._][0-9a-z]+)*")

# One-to-one folding (same length) used to locate matches in stored text for snippets and
# ranking: full-width letters and digits to ASCII, upper to lower case. Full-width punctuation
# is left alone: it is everywhere in Chinese text and translating it costs more than it finds.
_FOLD = {
    cp: cp - 0xFEE0
    for cp in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))
}
_WIDE_ALNUM = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def fold(text: str) -> str:
    """Fold width and case without changing the length (for locating matches)."""
    if _WIDE_ALNUM.search(text):
        text = text.translate(_FOLD)
    return text.lower()


def normalise(text: str) -> str:
    """NFKC and lower case: the form every indexed and queried token takes."""
    return unicodedata.normalize("NFKC", text).lower()


class _Jieba:
    """The ``jieba`` package behind the interface this module uses."""

    def __init__(self) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        self._jieba = jieba

    def cut(self, text: str) -> list[str]:
        return list(self._jieba.cut(text))

    def tokenize(self, text: str, search: bool) -> list[tuple[str, int, int]]:
        return list(self._jieba.tokenize(text, mode="search" if search else "default"))


class _RJieba:
    """``rjieba`` (jieba-rs) behind the same interface."""

    def __init__(self) -> None:
        import rjieba

        self._rjieba = rjieba

    def cut(self, text: str) -> list[str]:
        return list(self._rjieba.cut(text))

    def tokenize(self, text: str, search: bool) -> list[tuple[str, int, int]]:
        return list(self._rjieba.tokenize(text, mode="search" if search else "default"))


def segmenter() -> Any:
    """The word segmenter: rjieba when installed, else jieba (loaded once per process)."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                try:
                    _segmenter = _RJieba()
                except ImportError:
                    _segmenter = _Jieba()
    return _segmenter


def words(text: str) -> list[str]:
    """The normalised words of a text (default segmentation, punctuation dropped)."""
    out: list[str] = []
    for word in segmenter().cut(normalise(text)):
        out.extend(_WORDISH.findall(word))
    return out


def bigrams(text: str) -> list[str]:
    """CJK bigrams (single ideographs stay unigrams) and non-CJK words, in text order."""
    out: list[str] = []
    for match in _WORDISH.finditer(normalise(text)):
        run = match.group()
        if _CJK_RUN.fullmatch(run) and len(run) > 1:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            out.append(run)
    return out


@attrs.frozen
class AnalyzerConfig:
    """Which token streams an index holds.

    Attributes:
        search_mode: index jieba's sub-words of long words as well as the words.
        bigrams: also index CJK character bigrams (in separate fields) and match query text
            through them.
    """

    search_mode: bool = False
    bigrams: bool = True

    @property
    def label(self) -> str:
        return ("search" if self.search_mode else "words") + ("+bigrams" if self.bigrams else "")


class WordTokenizer(Tokenizer):
    """Whoosh tokenizer over jieba words (and search-mode sub-words when asked)."""

    def __init__(self, search_mode: bool = False) -> None:
        self.search_mode = search_mode

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WordTokenizer) and other.search_mode == self.search_mode

    def __hash__(self) -> int:
        return hash(("WordTokenizer", self.search_mode))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        text = normalise(value)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos - 1
        main_end = -1
        search = self.search_mode and mode != "query"
        segments = segmenter().tokenize(text, search)
        if search:
            # Longest first at each start: a sub-word then follows the word containing it and
            # takes its position, so phrases over words still match.
            segments.sort(key=lambda seg: (seg[1], -seg[2]))
        for word, start, end in segments:
            if start >= main_end:
                pos += 1
                main_end = end
            for match in _WORDISH.finditer(word):
                token.text = match.group()
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = token.text
                if positions:
                    token.pos = pos
                if chars:
                    token.startchar = start_char + start + match.start()
                    token.endchar = start_char + start + match.end()
                yield token


class BigramTokenizer(Tokenizer):
    """Whoosh tokenizer over CJK bigrams and non-CJK words."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BigramTokenizer)

    def __hash__(self) -> int:
        return hash("BigramTokenizer")

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        text = normalise(value)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for match in _WORDISH.finditer(text):
            run = match.group()
            base = match.start()
            if len(run) > 1 and _CJK_RUN.fullmatch(run):
                pieces = [(run[i : i + 2], base + i, base + i + 2) for i in range(len(run) - 1)]
            else:
                pieces = [(run, base, match.end())]
            for text_, start, end in pieces:
                token.text = text_
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = text_
                if positions:
                    token.pos = pos
                if chars:
                    token.startchar = start_char + start
                    token.endchar = start_char + end
                pos += 1
                yield token
