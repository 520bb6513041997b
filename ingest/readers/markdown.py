"""Markdown reader for laws and regulations.

The shape (as the public law collections write it)::

    # 中华人民共和国政府信息公开条例

    2007年4月5日 中华人民共和国国务院令第492号公布
    2019年4月3日 中华人民共和国国务院令第711号修订
    2019年5月15日 施行

    <!-- INFO END -->

    ## 第一章 总则

    第一条 为了保障公民、法人和其他组织依法获取政府信息，……

The ``#`` line is the title (style ``title``); a second ``#`` line right under it names a part
of a code (style ``part-title``: ``# 中华人民共和国民法典`` then ``# 物权编``); the lines between
them and ``<!-- INFO END -->`` are the 题注 (style ``subtitle``) — without the marker,
parenthesised or dated lines right under the title are. A 题注 entry wrapped inside a title
(``…《关于修改〈X〉`` / ``的决定》修正``, paragraphs apart) is joined back into one line. ``##`` and
``###`` are chapter and section headings (styles ``h2``, ``h3``); every other paragraph is a
line of its own (style ``p``). Inline markup (emphasis, links, code) is reduced to its text; a
table row becomes one line with tab-separated cells.
"""

from __future__ import annotations

import re
from pathlib import Path

from gazette.dates import find_dates
from gazette.errors import EmptyDocument
from ingest.normalize import clean_inline
from ingest.raw import Line, RawDocument
from ingest.readers.text import decode

_INFO_END = re.compile(r"^\s*<!--\s*INFO\s+END\s*-->\s*$", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_STRONG = re.compile(r"(\*\*|__)(.+?)\1")
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\1(?![\w*])")
_CODE = re.compile(r"`([^`]+)`")
_MARKUP = re.compile(r"[!\[*_`<\\]")
# A backslash before ASCII punctuation escapes it (CommonMark): the character is text. The
# Markdown export escapes only what a renderer would take for markup (``9\\. I类``).
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def _inline(text: str) -> str:
    if _MARKUP.search(text) is None:
        return text  # most lines of a law carry no markup
    if text.startswith("【") and text.endswith("】"):
        return _markup(text)  # an export's header line: written verbatim, nothing escaped
    escaped: list[str] = []

    def hold(match: re.Match[str]) -> str:
        escaped.append(match[1])
        return f"\ue000{len(escaped) - 1}\ue001"

    text = _ESCAPED.sub(hold, text)
    text = _markup(text)
    return re.sub("\ue000([0-9]+)\ue001", lambda m: escaped[int(m[1])], text)


def _markup(text: str) -> str:
    text = _IMAGE.sub(r"\1", text)  # images: alt text
    text = _LINK.sub(r"\1", text)  # links: their text
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = _CODE.sub(r"\1", text)
    # HTML tags go; a title in angle brackets inside 《》 (``《关于修改<X法>的决定》``) is text.
    return _TAG.sub("", text)


def _blocks(text: str) -> list[tuple[str, str]]:
    """``(kind, text)`` blocks: ``heading-N``, ``info-end``, ``table`` or ``para``."""
    blocks: list[tuple[str, str]] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(("para", "".join(paragraph)))
            paragraph.clear()

    for raw_line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw_line.rstrip()
        if _INFO_END.match(line):
            flush()
            blocks.append(("info-end", ""))
            continue
        if "<!--" in line:
            line = _COMMENT.sub("", line)
        stripped = line.strip()
        if not stripped or _RULE.match(stripped):
            flush()
            continue
        heading = _HEADING.match(stripped)
        if heading:
            flush()
            blocks.append((f"heading-{len(heading[1])}", heading[2]))
            continue
        if stripped.startswith("|") and stripped.count("|") >= 2:
            flush()
            if not _TABLE_SEPARATOR.match(stripped):
                cells = [c.strip() for c in stripped.strip("|").split("|")]
                blocks.append(("table", "\t".join(cells)))
            continue
        if stripped.startswith(">"):
            stripped = re.sub(r"^(>\s*)+", "", stripped)
        stripped = (
            re.sub(r"^([-*+]|\d+\.)\s+(?=\S)", "", stripped)
            if stripped[:1] in "-*+"
            else (stripped)
        )
        paragraph.append(stripped)
    flush()
    return blocks


def read(path: Path) -> RawDocument:
    """Read a Markdown law or regulation.

    Raises:
        UndecodableText: the bytes are in no recognised encoding.
        EmptyDocument: there is no text.
    """
    text = decode(path.read_bytes(), path)
    blocks = _blocks(text)
    has_marker = any(kind == "info-end" for kind, _ in blocks)
    lines: list[Line] = []
    in_info = False
    seen_title = False
    for kind, content in blocks:
        if kind == "info-end":
            in_info = False
            continue
        cleaned = clean_inline(_inline(content), keep_gaps=True)
        if not cleaned:
            continue
        if kind == "heading-1" and not seen_title:
            seen_title = True
            in_info = True
            lines.append(Line(cleaned, style="title", align="center", bold=True))
        elif kind == "heading-1" and in_info and lines[-1].style in ("title", "part-title"):
            lines.append(Line(cleaned, style="part-title", align="center", bold=True))
        elif kind.startswith("heading-"):
            in_info = False
            lines.append(Line(cleaned, style=f"h{kind[-1]}", align="center", bold=True))
        elif kind == "table":
            in_info = False
            lines.append(Line(content, style="table", table=True))
        elif in_info and (has_marker or _looks_like_note(cleaned)):
            if lines[-1].style == "subtitle" and _unclosed(lines[-1].text):
                lines[-1] = Line(lines[-1].text + cleaned, style="subtitle")
            else:
                lines.append(Line(cleaned, style="subtitle"))
        else:
            in_info = False
            lines.append(Line(cleaned, style="p"))
    if not lines:
        raise EmptyDocument(path, "Markdown文件中没有文字")
    return RawDocument(name=str(path), format="md", lines=lines)


def _unclosed(text: str) -> bool:
    """Whether a 题注 line stops inside a title (more 《 than 》): its entry goes on."""
    return text.count("《") > text.count("》")


def _looks_like_note(text: str) -> bool:
    """A 题注 line without the marker: in parentheses, or starting with a date."""
    if text.startswith(("（", "(")) and text.endswith(("）", ")")):
        return True
    dates = find_dates(text[:14])
    return bool(dates)
