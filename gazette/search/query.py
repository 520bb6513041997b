"""The query language, parsed without Whoosh's parser so that no input can break it.

A query is a list of clauses that must all match::

    政务公开 工作要点            both (each chunk matched as written, wherever jieba cuts it)
    "政务公开工作要点"           the exact phrase
    城市 OR 农村                 either
    政务公开 -要点               the first, not the second (AND between clauses is implied)
    济政办发[2017]27号           a document number in any spelling (normalised with DocNumber)

Control characters are dropped, full-width forms folded (NFKC), curly quotes read as quotes; an
unbalanced quote runs to the end. There is no field syntax, wildcard or escape: everything else
is searched as text. Queries longer than :data:`MAX_QUERY_CHARS` are refused.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

import attrs

from gazette.docnumber import DocNumber
from gazette.errors import InvalidQuery

MAX_QUERY_CHARS = 1000
MAX_CLAUSES = 64

ClauseKind = Literal["text", "phrase", "number"]

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "「": '"', "」": '"', "＂": '"'})
_TOKEN = re.compile(r'(-?)"([^"]*)(?:"|$)|(\S+)')
_NUMBER_MARK = "\x00"


@attrs.frozen
class Clause:
    """One searched unit.

    Attributes:
        kind: ``text`` (a chunk matched wherever the segmenter cuts it), ``phrase`` (exact), or
            ``number`` (a document number, canonical spelling).
        text: the text (NFKC) or the canonical number.
    """

    kind: ClauseKind
    text: str


@attrs.frozen
class ParsedQuery:
    """A parsed query: every group must match (a group matches when any clause does), and no
    excluded clause may.

    Attributes:
        groups: the required groups of alternatives.
        excluded: clauses that must not match.
    """

    groups: tuple[tuple[Clause, ...], ...] = ()
    excluded: tuple[Clause, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.groups and not self.excluded

    @property
    def literals(self) -> tuple[str, ...]:
        """The texts a hit should contain (for ranking exact matches and for snippets)."""
        return tuple(c.text for group in self.groups for c in group)


def _clean(text: str) -> str:
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if category[0] == "C" or category in ("Zl", "Zp"):
            out.append(" ")
        else:
            out.append(ch)
    return unicodedata.normalize("NFKC", "".join(out)).translate(_QUOTES)


def parse_query(text: str) -> ParsedQuery:
    """Parse a query string.

    Raises:
        InvalidQuery: the query is not a string, or longer than :data:`MAX_QUERY_CHARS`.
    """
    if not isinstance(text, str):
        raise InvalidQuery(repr(text), "检索式须为文字")
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidQuery(text, f"超过{MAX_QUERY_CHARS}个字符")
    cleaned = _clean(text)
    numbers: list[str] = []
    pieces: list[str] = []
    last = 0
    for number, start, end in DocNumber.finditer(cleaned):
        before = cleaned[last:start]
        # ``-济政办发〔2017〕27号`` excludes the number: keep the minus on the marker.
        minus = "-" if before.endswith("-") and (len(before) == 1 or before[-2].isspace()) else ""
        pieces.append(before[:-1] if minus else before)
        pieces.append(f" {minus}{_NUMBER_MARK}{len(numbers)}{_NUMBER_MARK} ")
        numbers.append(str(number))
        last = end
    pieces.append(cleaned[last:])
    marked = "".join(pieces)

    def unmark(value: str) -> str:
        return re.sub(
            rf"\s*{_NUMBER_MARK}(\d+){_NUMBER_MARK}\s*", lambda m: numbers[int(m.group(1))], value
        )

    groups: list[list[Clause]] = []
    excluded: list[Clause] = []
    pending_or = False
    for match in _TOKEN.finditer(marked):
        negate, quoted, word = match.group(1), match.group(2), match.group(3)
        clause: Clause | None = None
        if word is not None:
            if word in ("OR", "|"):
                pending_or = bool(groups)
                continue
            if word in ("AND", "&&", "+"):
                continue
            negate = "-" if word.startswith("-") and len(word) > 1 else ""
            if negate:
                word = word[1:]
            mark = re.fullmatch(rf"{_NUMBER_MARK}(\d+){_NUMBER_MARK}", word)
            if mark:
                clause = Clause("number", numbers[int(mark.group(1))])
            else:
                word = unmark(word).strip("-")
                clause = Clause("text", word) if word.strip() else None
        else:
            phrase = unmark(quoted or "").strip()
            clause = Clause("phrase", phrase) if phrase else None
        if clause is None:
            continue
        if negate:
            excluded.append(clause)
        elif pending_or:
            groups[-1].append(clause)
        else:
            groups.append([clause])
        pending_or = False
        if len(groups) + len(excluded) > MAX_CLAUSES:
            raise InvalidQuery(text, f"超过{MAX_CLAUSES}个检索项")
    return ParsedQuery(tuple(tuple(g) for g in groups), tuple(excluded))
