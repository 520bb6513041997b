"""Markdown: the header lines, then the text with its structure as headings.

Every header line and every paragraph is a Markdown paragraph of its own. The title is a
level-1 heading (its 题注 follow it, closed by ``<!-- INFO END -->`` as the law collections
write them), body headings (一、 → （一） → 1. → （1）, 第一章 → 第一节) are levels 2 to 5,
tables are pipe tables. Only what a renderer would take for markup is escaped (a paragraph
starting ``1. `` would become a list; ``1.公开`` would not and is left alone).
"""

from __future__ import annotations

import datetime as _dt
import re

from gazette.export.rendition import Rendition, Section, build, display
from gazette.model import Block, BlockKind, Document

name = "md"
suffix = ".md"
media_type = "text/markdown; charset=utf-8"

# What CommonMark would take for markup, and only that: Chinese text is left as it is (so
# that simple Markdown readers, which do not undo escapes, read it back unchanged).
_INLINE = re.compile(r"([`*_|]|\\(?=[!-/:-@\[-`{-~])|<(?=[A-Za-z/!?]))")
_LEADING = re.compile(
    r"^(?:"
    r"(?P<hash>#{1,6})(?=[ \t]|$)"  # ATX heading
    r"|(?P<quote>>)"  # block quote
    r"|(?P<bullet>[-+*])(?=[ \t]|$)"  # bullet list item
    r"|(?P<number>\d{1,9})(?=[.)](?:[ \t]|$))"  # ordered list item
    r"|(?P<rule>[-*_=])(?=(?:[ \t]*[-*_=]){2,}[ \t]*$)"  # thematic break, setext underline
    r")"
)


def escape(text: str, *, cell: bool = False) -> str:
    """Escape what a Markdown renderer would take for markup, and nothing else (in a table
    cell, block markup such as a list marker means nothing)."""
    text = _INLINE.sub(r"\\\1", text)
    if cell:
        return text
    match = _LEADING.match(text)
    if match is None:
        return text
    if match["number"]:
        end = match.end()
        return text[:end] + "\\" + text[end:]
    return "\\" + text


def _table(rows: list[Block]) -> list[str]:
    cells = [
        [escape(display(cell.strip()), cell=True) for cell in row.text.split("\t")] for row in rows
    ]
    width = max(len(row) for row in cells)
    cells = [row + [""] * (width - len(row)) for row in cells]
    out = ["| " + " | ".join(cells[0]) + " |", "|" + "---|" * width]
    out.extend("| " + " | ".join(row) + " |" for row in cells[1:])
    return ["\n".join(out)]


def _block(block: Block) -> str:
    text = escape(display(block.text.strip()))
    if block.kind == BlockKind.TITLE:
        return f"# {text}"
    if block.kind == BlockKind.HEADING:
        return f"{'#' * min(6, (block.level or 1) + 1)} {text}"
    return text


def _section(section: Section, depth: int = 0) -> list[str]:
    out: list[str] = []
    pending: list[Block] = []

    def flush() -> None:
        if pending:
            out.extend(_table(pending))
            pending.clear()

    blocks = section.body
    for k, block in enumerate(blocks):
        if block.kind == BlockKind.TABLE:
            pending.append(block)
            continue
        flush()
        out.append(_block(block))
        if (
            block.kind == BlockKind.SUBTITLE
            and (k + 1 == len(blocks) or blocks[k + 1].kind != BlockKind.SUBTITLE)
            and any(b.kind == BlockKind.TITLE for b in blocks[:k])
        ):
            # The 题注 under a title end here, as the law collections mark them.
            out.append("<!-- INFO END -->")
    flush()
    for part in section.parts:
        if depth == 0:  # see Section.items: only the document's own attachments are labelled
            out.append(escape(part.label or "附件"))
        out.extend(_section(part, depth + 1))
    out.extend(_block(block) for block in section.imprint)
    return out


def markdown(rendition: Rendition) -> str:
    """The Markdown text of a rendition: the header lines, then the text, one paragraph each."""
    # Header lines start with 【 (no block markup) and are read back verbatim: not escaped.
    paragraphs = [*rendition.header_lines, *_section(rendition.main)]
    return "\n\n".join(paragraphs) + "\n"


def render(doc: Document, *, on: _dt.date | None = None) -> bytes:
    return markdown(build(doc, on=on)).encode("utf-8")
