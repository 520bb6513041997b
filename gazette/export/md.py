"""Markdown: the header as a block quote, then the text with its structure as headings.

The title is a level-1 heading, body headings (一、 → （一） → 1. → （1）, 第一章 → 第一节)
are levels 2 to 5, tables are pipe tables, every other paragraph is a paragraph of its own.
Characters Markdown would read as markup (a paragraph starting ``1.`` would become a list) are
escaped, so a Markdown reader gives back the text exactly.
"""

from __future__ import annotations

import datetime as _dt
import re

from gazette.export.rendition import Rendition, Section, build
from gazette.model import Block, BlockKind, Document

name = "md"
suffix = ".md"
media_type = "text/markdown; charset=utf-8"

_INLINE = re.compile(r"([\\`*_\[\]<>|])")
_LEADING = re.compile(r"^(#{1,6}(?=\s|$)|[>+=-](?=\s|$)|[-*_]{3,}$|\d{1,9}(?=[.)]))")


def escape(text: str) -> str:
    """Escape what Markdown would take for markup (inline, and at the start of a line)."""
    text = _INLINE.sub(r"\\\1", text)
    match = _LEADING.match(text)
    if match:
        if match.group(0)[:1].isdigit():
            end = match.end()
            return text[:end] + "\\" + text[end:]
        return "\\" + text
    return text


def _table(rows: list[Block]) -> list[str]:
    cells = [[escape(cell.strip()) for cell in row.text.split("\t")] for row in rows]
    width = max(len(row) for row in cells)
    cells = [row + [""] * (width - len(row)) for row in cells]
    out = ["| " + " | ".join(cells[0]) + " |", "|" + "---|" * width]
    out.extend("| " + " | ".join(row) + " |" for row in cells[1:])
    return ["\n".join(out)]


def _block(block: Block) -> str:
    text = escape(block.text.strip())
    if block.kind == BlockKind.TITLE:
        return f"# {text}"
    if block.kind == BlockKind.HEADING:
        return f"{'#' * min(6, (block.level or 1) + 1)} {text}"
    return text


def _section(section: Section) -> list[str]:
    out: list[str] = []
    pending: list[Block] = []

    def flush() -> None:
        if pending:
            out.extend(_table(pending))
            pending.clear()

    for block in section.body:
        if block.kind == BlockKind.TABLE:
            pending.append(block)
            continue
        flush()
        out.append(_block(block))
    flush()
    for part in section.parts:
        out.append(escape(part.label or "附件"))
        out.extend(_section(part))
    out.extend(_block(block) for block in section.imprint)
    return out


def markdown(rendition: Rendition) -> str:
    """The Markdown text of a rendition."""
    quote = "\n>\n".join(f"> {escape(line)}" for line in rendition.header_lines)
    paragraphs = [quote, *_section(rendition.main)]
    return "\n\n".join(paragraphs) + "\n"


def render(doc: Document, *, on: _dt.date | None = None) -> bytes:
    return markdown(build(doc, on=on)).encode("utf-8")
