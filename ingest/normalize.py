"""Text clean-up shared by the readers and the element parser.

Extraction leaves artefacts: spaces between Chinese characters and digits (``2017 年``), spaces
inside titles (``几 个 问 题 的 通 知``), non-breaking spaces, soft hyphens. But a *wide* gap (an
ideographic space, or several spaces) can mean something: it separates the organs of a joint
signature (``国务院办公厅　中央军委办公厅``). Readers therefore keep wide gaps as one U+3000
(``clean_inline(text, keep_gaps=True)``) and the element parser decides per element: split a
signature on it, drop it from body text.
"""

from __future__ import annotations

import re
import unicodedata

GAP = "\u3000"
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_BLANK = r"[ \t\u00a0\u2000-\u200b\u202f\u205f]"
_WIDE = re.compile(rf"(?:{_BLANK}*\u3000(?:{_BLANK}|\u3000)*|{_BLANK}{{2,}})")
_NARROW = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f]")
_CJK_GAP = re.compile(
    rf"(?<=[{_CJK}])[ ]+(?=[{_CJK}0-9A-Za-z])|(?<=[{_CJK}0-9A-Za-z])[ ]+(?=[{_CJK}])"
)
# Invisible characters, and characters no text format can hold (C0 controls other than tab
# and line breaks, DEL, the non-characters U+FFFE and U+FFFF): they would make an export fail.
_INVISIBLE = re.compile(
    r"[\u00ad\u200c\u200d\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]"
)
# Space entities a CMS escaped twice (``&amp;nbsp;``) print as text, and survive into the Word
# and PDF files made from its pages: they are spaces.
_ESCAPED_SPACE = re.compile(r"&(?:nbsp|sp|ensp|emsp|thinsp);", re.IGNORECASE)


def clean_inline(text: str, *, keep_gaps: bool = False) -> str:
    """One paragraph: NFC, invisible characters dropped, line breaks removed, spaces next to
    Chinese characters removed (Latin words keep their single spaces).

    Args:
        text: the paragraph.
        keep_gaps: keep each wide gap as one U+3000 instead of removing it.
    """
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    if "&" in text:
        text = _ESCAPED_SPACE.sub(" ", text)
    text = text.replace("\r", "").replace("\n", "")
    text = _WIDE.sub(GAP if keep_gaps else " ", text)
    text = _NARROW.sub(" ", text)
    text = _CJK_GAP.sub("", text)
    text = text.strip(" " + GAP)
    if not keep_gaps:
        text = text.replace(GAP, "")
    return text


def body_text(text: str) -> str:
    """Text for the body: wide gaps removed between Chinese characters, kept as one space
    between Latin words."""
    text = re.sub(rf"(?<=[{_CJK}])\u3000+|\u3000+(?=[{_CJK}])", "", text)
    return text.replace(GAP, " ").strip()


def squeeze(text: str) -> str:
    """Remove every space (for titles, numbers and names, which have none)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def split_gaps(text: str) -> list[str]:
    """Split on wide gaps and spaces (the organs of a joint signature)."""
    return [part for part in re.split(r"[\s\u3000]+", text) if part]
