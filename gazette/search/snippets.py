"""Snippets: a window of stored text around the first match, matches marked."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from gazette.search.analysis import fold

SNIPPET_CHARS = 120
_ASCII_ALNUM = re.compile(r"[0-9a-z]")


def make_snippet(texts: Iterable[str], literals: Iterable[str], width: int = SNIPPET_CHARS) -> str:
    """A window of text around the first match, matches wrapped in ``<em>``, HTML-escaped.

    Falls back to the beginning of the first non-empty text when nothing matches literally
    (a chunk matched through its words or bigrams rather than as written).
    """
    # Longest first, then in the query's order (not a set's: the same query must give the same
    # snippet in every process).
    needles = sorted(
        dict.fromkeys(fold(lit) for lit in literals if lit and lit.strip()), key=len, reverse=True
    )
    # Folding changes only letters and digits: without them in the needles, the text is
    # searched as it is (folding keeps lengths, so positions agree either way).
    must_fold = any(_ASCII_ALNUM.search(needle) for needle in needles)
    first_text = ""
    for text in texts:
        if not text:
            continue
        first_text = first_text or text
        folded = fold(text) if must_fold else text
        present = [(at, needle) for needle in needles if (at := folded.find(needle)) >= 0]
        if not present:
            continue
        first = min(at for at, _ in present)
        begin = max(0, first - width // 3)
        end = min(len(text), begin + width)
        # Every match of every needle up to the window's end (only those inside it are shown).
        spans: list[tuple[int, int]] = []
        for start, needle in present:
            while 0 <= start < end:
                spans.append((start, start + len(needle)))
                start = folded.find(needle, start + len(needle))
        spans.sort()
        out: list[str] = ["…" if begin > 0 else ""]
        cursor = begin
        for start, stop in spans:
            if start < cursor or stop > end:
                continue
            out.append(html.escape(text[cursor:start]))
            out.append(f"<em>{html.escape(text[start:stop])}</em>")
            cursor = stop
        out.append(html.escape(text[cursor:end]))
        out.append("…" if end < len(text) else "")
        return "".join(out).replace("\n", " ")
    if not first_text:
        return ""
    short = first_text[:width].replace("\n", " ")
    return html.escape(short) + ("…" if len(first_text) > width else "")
