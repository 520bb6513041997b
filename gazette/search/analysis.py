"""Chinese text analysis for the index: jieba word segmentation.

Documents and queries go through the same analyzer. Tokens are lower-cased NFKC (so full- and
half-width forms match); punctuation and whitespace are dropped.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Token, Tokenizer

_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)
_lock = threading.Lock()
_ready = False


def _jieba() -> Any:
    global _ready
    import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _ready = True
    return jieba


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


class ChineseTokenizer(Tokenizer):
    """Whoosh tokenizer that segments with jieba (search mode adds sub-words of long words)."""

    def __init__(self, search_mode: bool = True) -> None:
        self.search_mode = search_mode

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ChineseTokenizer) and other.search_mode == self.search_mode

    def __hash__(self) -> int:
        return hash(("ChineseTokenizer", self.search_mode))

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
        jieba = _jieba()
        text = normalise(value)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        segments = jieba.tokenize(text, mode="search" if self.search_mode else "default")
        for word, start, end in segments:
            if not word.strip() or _PUNCT.match(word):
                continue
            token.text = word
            token.boost = 1.0
            if keeporiginal:
                token.original = word
            token.stopped = False
            if positions:
                token.pos = pos
                pos += 1
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


def ChineseAnalyzer(search_mode: bool = True) -> ChineseTokenizer:
    """The analyzer used for title and body fields."""
    return ChineseTokenizer(search_mode=search_mode)
