"""HTML: a standalone page (no external resources) with the status mark at the top.

The page holds one ``<article>``: the header lines in a ``<div class="gz-header"
role="note">`` at its top (inside, so that a reader taking the article as the body sees the
header and can recognise it), then one element per paragraph: ``<h1>`` for the title,
``<h2>``–``<h5>`` for body headings, ``<table>`` for tables, ``<p>`` for everything else, each
with a ``gz-<kind>`` class naming the element (``gz-recipients``, ``gz-signature`` …).
Attachments are ``<section class="gz-attachment">`` placed, as GB/T 9704 prints them, before
the 版记 (``<div class="gz-imprint">``). Machine-readable facts are in ``<meta>`` tags.
"""

from __future__ import annotations

import datetime as _dt
from html import escape

from gazette.export.rendition import Rendition, Section, build, display
from gazette.model import Block, BlockKind, Document

name = "html"
suffix = ".html"
media_type = "text/html; charset=utf-8"

_CSS = """
body { margin: 2em auto; max-width: 44em; padding: 0 1em; line-height: 1.8;
  font-family: "仿宋_GB2312", "仿宋", FangSong, "Noto Serif CJK SC", serif; font-size: 16pt; }
.gz-header { border: 2px solid #c00; padding: .4em 1em; margin-bottom: 2em;
  font-family: "黑体", SimHei, sans-serif; font-size: 12pt; }
.gz-header div { margin: .2em 0; }
.gz-header .gz-mark { color: #c00; font-weight: bold; font-size: 14pt; }
.gz-header .gz-hash { font-family: monospace; font-size: 9pt; word-break: break-all; }
.gz-document p { margin: 0; text-indent: 2em; text-align: justify; }
.gz-document .gz-header-block { text-indent: 0; text-align: center; }
.gz-document .gz-issuer-mark { color: #c00; font-size: 26pt; letter-spacing: .1em; }
h1 { font-family: "小标宋体", "方正小标宋简体", "Noto Serif CJK SC", serif; font-size: 22pt;
  font-weight: normal; text-align: center; margin: 1em 0; }
h2 { font-family: "黑体", SimHei, sans-serif; font-size: 16pt; font-weight: normal;
  margin: 0; text-indent: 2em; }
h3 { font-family: "楷体_GB2312", "楷体", KaiTi, serif; font-size: 16pt; font-weight: normal;
  margin: 0; text-indent: 2em; }
h4, h5 { font-size: 16pt; font-weight: normal; margin: 0; text-indent: 2em; }
.gz-document .gz-recipients, .gz-document .gz-attachment-label { text-indent: 0; }
.gz-document .gz-subtitle { text-align: center; text-indent: 0; font-family: "楷体_GB2312",
  "楷体", KaiTi, serif; }
.gz-document .gz-signature, .gz-document .gz-date { text-align: right; padding-right: 4em; }
.gz-attachment { margin-top: 3em; }
.gz-imprint { margin-top: 3em; border-top: 2px solid #000; border-bottom: 2px solid #000;
  font-size: 14pt; }
.gz-imprint p { text-indent: 0; padding: 0 1em; }
table.gz-table { border-collapse: collapse; margin: .5em 0; }
table.gz-table td { border: 1px solid #000; padding: .2em .5em; }
""".strip()

_TAGS = {BlockKind.TITLE: "h1"}


def _block(block: Block, *, first_header: bool) -> str:
    text = escape(display(block.text.strip()), quote=False)
    kind = block.kind.value.replace("_", "-")
    classes = [f"gz-{kind}"]
    if block.kind == BlockKind.HEADER:
        classes = ["gz-header-block"]
        if first_header and block.text.strip().endswith("文件"):
            classes.append("gz-issuer-mark")
    if block.kind == BlockKind.HEADING:
        level = min(5, (block.level or 1) + 1)
        return f'<h{level} class="{" ".join(classes)}">{text}</h{level}>'
    tag = _TAGS.get(block.kind, "p")
    return f'<{tag} class="{" ".join(classes)}">{text}</{tag}>'


def _table(rows: list[Block]) -> str:
    body = "\n".join(
        "<tr>"
        + "".join(
            f"<td>{escape(display(cell.strip()), quote=False)}</td>"
            for cell in row.text.split("\t")
        )
        + "</tr>"
        for row in rows
    )
    return f'<table class="gz-table">\n{body}\n</table>'


def _section(section: Section, depth: int = 0) -> list[str]:
    out: list[str] = []
    pending: list[Block] = []
    first_header = True

    def flush() -> None:
        if pending:
            out.append(_table(pending))
            pending.clear()

    for block in section.body:
        if block.kind == BlockKind.TABLE:
            pending.append(block)
            continue
        flush()
        out.append(_block(block, first_header=first_header))
        if block.kind == BlockKind.HEADER:
            first_header = False
    flush()
    for part in section.parts:
        out.append('<section class="gz-attachment">')
        if depth == 0:  # see Section.items: only the document's own attachments are labelled
            label = escape(part.label or "附件", quote=False)
            out.append(f'<p class="gz-attachment-label">{label}</p>')
        out.extend(_section(part, depth + 1))
        out.append("</section>")
    if section.imprint:
        out.append('<div class="gz-imprint">')
        out.extend(_block(block, first_header=False) for block in section.imprint)
        out.append("</div>")
    return out


def page(rendition: Rendition) -> str:
    """The HTML page of a rendition."""
    doc = rendition.doc
    status = rendition.status
    metas = {
        "generator": "gazette",
        "gazette:id": doc.id,
        "gazette:doc-number": str(doc.doc_number) if doc.doc_number else None,
        "gazette:status": status.value.value,
        "gazette:status-date": rendition.on.isoformat(),
        "gazette:sha256": rendition.body_hash,
    }
    head = [
        '<meta charset="utf-8">',
        f"<title>{escape(doc.display_title, quote=False)}</title>",
        *(
            f'<meta name="{key}" content="{escape(value)}">'
            for key, value in metas.items()
            if value
        ),
        f"<style>\n{_CSS}\n</style>",
    ]
    header = []
    for field in rendition.header:
        css = "gz-mark" if field.label is None else "gz-field"
        if field.label == "SHA-256":
            css = "gz-field gz-hash"
        # <div>, not <p>: readers that look for the body by its paragraphs find the article.
        header.append(f'<div class="{css}">{escape(field.line, quote=False)}</div>')
    status_class = f"gz-status-{status.value.value.replace('_', '-')}"
    lines = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        *head,
        "</head>",
        "<body>",
        '<article class="gz-document article-content">',
        f'<div class="gz-header {status_class}" role="note">',
        *header,
        "</div>",
        *_section(rendition.main),
        "</article>",
        "</body>",
        "</html>",
    ]
    return "\n".join(lines) + "\n"


def render(doc: Document, *, on: _dt.date | None = None) -> bytes:
    return page(build(doc, on=on)).encode("utf-8")
