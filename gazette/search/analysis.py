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

The SQLite engine indexes :func:`grams`: the bigrams with each run's last character added after
them (``政务 务公 公开 开``), so that every character of the text is the first character of some
token and a one-character query is a prefix query that misses nothing. It needs no jieba at
all, which makes indexing several times cheaper; :func:`grams_text` gives the stream as the
space-separated text FTS5 is fed.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from typing import Any

import attrs

_lock = threading.Lock()
_segmenter: Any = None

# Runs of CJK ideographs, and runs of letters/digits (ASCII after NFKC).
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORDISH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+(?:[._][0-9a-z]+)*")
# At every CJK character, the pair it starts (or itself, at the end of a run); at the start of
# every word of letters and digits, the word. Look-aheads make the pairs overlap without a
# Python loop; the look-behinds find where a word starts (not after a letter or digit, nor after
# one followed by ``.`` or ``_``), as the word pattern of _WORDISH would.
_GRAMS = re.compile(
    r"(?=([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff][\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]?"
    r"|(?<![0-9a-z])(?<![0-9a-z][._])[0-9a-z]+(?:[._][0-9a-z]+)*))"
)


def _nfkc_keeps_tokens(char: str) -> bool:
    """Whether a character may skip NFKC: normalising it changes no token of any text.

    True when NFKC leaves it alone, or when neither it nor what NFKC makes of it holds a
    character tokens are made of (CJK ideographs, letters, digits, ``.`` and ``_``), and it
    combines with nothing.
    """
    if unicodedata.combining(char) or unicodedata.category(char).startswith("M"):
        return False
    slow = unicodedata.normalize("NFKC", char).lower()
    fast = char.lower()
    if slow == fast:
        return True
    return not (_TOKEN_CHAR.search(slow) or _TOKEN_CHAR.search(fast))


_TOKEN_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff0-9a-z._]")


def _ranges(points: list[int]) -> str:
    out = []
    start = prev = points[0]
    for point in [*points[1:], -1]:
        if point != prev + 1:
            out.append(re.escape(chr(start)) + ("-" + re.escape(chr(prev)) if prev > start else ""))
            start = point
        prev = point
    return "".join(out)


# Characters that can skip NFKC: ASCII, the unified ideographs (NFKC leaves them alone), and the
# punctuation and symbols of Chinese text that NFKC leaves alone or turns into other punctuation
# (，。：；（）“” …). A text made only of them is normalised by lower-casing it; any other
# character (full-width letters and digits, compatibility ideographs, circled numbers …) sends
# the text through NFKC. Checking is one regex scan, several times cheaper than NFKC.
_SKIPPABLE = _ranges(
    [
        point
        for block in (
            range(0x80, 0x100),
            range(0x2000, 0x2070),
            range(0x2190, 0x2200),
            range(0x2500, 0x2700),
            range(0x3000, 0x3040),
            range(0xFE30, 0xFE70),
            range(0xFF00, 0xFFF0),
        )
        for point in block
        if _nfkc_keeps_tokens(chr(point))
    ]
)
_NEEDS_NFKC = re.compile(f"[^\x00-\x7f\u3400-\u4dbf\u4e00-\u9fff{_SKIPPABLE}]")

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
    """NFKC and lower case: the form every indexed and queried token takes.

    Texts whose characters NFKC would not change in any way that matters to tokens skip it
    (see ``_NEEDS_NFKC``): the tokens are the same, at a fraction of the cost.
    """
    if _NEEDS_NFKC.search(text) is None:
        return text.lower()
    return unicodedata.normalize("NFKC", text).lower()


def needs_nfkc(text: str) -> bool:
    """Whether :func:`normalise` sends ``text`` through NFKC (else it only lower-cases it;
    an engine may store the answer with a document, so as not to ask again each time its
    text is counted in)."""
    return _NEEDS_NFKC.search(text) is not None


def normalise_ideographs(text: str) -> str:
    """:func:`normalise` as far as ideographs are concerned: where sequences of ideographs
    occur in it, which lower case never changes (skipped: a third of the cost)."""
    if _NEEDS_NFKC.search(text) is None:
        return text
    return unicodedata.normalize("NFKC", text)


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


def grams(text: str) -> list[str]:
    """The SQLite engine's token stream: per CJK run its bigrams then its last character; the
    non-CJK words; in text order (``推进政务公开，2021年`` gives ``推进 进政 政务 务公 公开 开
    2021 年``)."""
    return _GRAMS.findall(normalise(text))


def grams_text(text: str) -> str:
    """:func:`grams` joined by spaces (built without a Python loop per token)."""
    return " ".join(_GRAMS.findall(normalise(text)))


def phrase_grams(text: str) -> list[str]:
    """The tokens a phrase must match in a :func:`grams` stream, in order: the stream without
    the final character of the last run (the phrase may stop where the document's run goes
    on)."""
    tokens = grams(text)
    last = tokens[-1] if tokens else ""
    if len(tokens) >= 2 and len(tokens[-2]) == 2 and tokens[-2][1] == last and is_cjk(last):
        tokens.pop()
    return tokens


def is_cjk(text: str) -> bool:
    """Whether every character is a CJK ideograph."""
    return bool(text) and _CJK_RUN.fullmatch(text) is not None


def query_tokens(text: str, phrase: bool, config: AnalyzerConfig) -> list[str]:
    """The tokens a query text must match in an index of ``config`` that stores
    :func:`grams` (or :func:`words` without bigrams): a phrase's in order (see
    :func:`phrase_grams`), a text's as its bigrams, leaving out a lone ideograph between
    punctuation (``发“无废城市``) that the rest of the text already pins down."""
    if not config.bigrams:
        return words(text)
    if phrase:
        return phrase_grams(text)
    tokens = bigrams(text)
    if len(tokens) > 1:
        tokens = [t for t in tokens if len(t) > 1 or not is_cjk(t)] or tokens
    return tokens
