"""What one line of an official document is, whatever zone it stands in.

An organ's name, a line that is (mostly) a document number, a date on its own line, a
person's name in a signature, a line that could be part of a title, a heading or an article
(and the canonical spacing of articles and chapters). The zones of :mod:`ingest.element_head`
and :mod:`ingest.elements` are read with these.
"""

from __future__ import annotations

import re

from gazette.docnumber import DocNumber
from gazette.model import BlockKind
from ingest.normalize import GAP, body_text, squeeze

_ORGAN_END = (
    "政府",
    "办公厅",
    "办公室",
    "厅",
    "局",
    "部",
    "委",
    "委员会",
    "院",
    "署",
    "会",
    "府",
    "办",
    "处",
    "行",
    "总局",
    "中心",
    "军区",
    "党委",
    "政协",
    "人大",
    "法院",
    "检察院",
    "公司",
    "社",
)
SIGNER = re.compile(r"签发人[:：]\s*(?P<signer>.+)$")
_DATE_ONLY = re.compile(
    r"^[0-9０-９〇○零一二三四五六七八九]{4}\s*年\s*[0-9０-９一二三四五六七八九十]{1,3}\s*月\s*"
    r"[0-9０-９一二三四五六七八九十]{1,4}\s*日$"
)
_HEADINGS: tuple[tuple[re.Pattern[str], BlockKind, int], ...] = (
    (re.compile(r"^第[一二三四五六七八九十百零〇]+章"), BlockKind.HEADING, 1),
    (re.compile(r"^第[一二三四五六七八九十百零〇]+节"), BlockKind.HEADING, 2),
    (re.compile(r"^第[一二三四五六七八九十百零〇]+条"), BlockKind.ARTICLE, 0),
    (re.compile(r"^[一二三四五六七八九十]+、"), BlockKind.HEADING, 1),
    (re.compile(r"^[（(][一二三四五六七八九十]+[）)]"), BlockKind.HEADING, 2),
    (re.compile(r"^[0-9０-９]+[.．、](?![0-9])"), BlockKind.HEADING, 3),
    (re.compile(r"^[（(][0-9０-９]+[）)]"), BlockKind.HEADING, 4),
)

NUMBERED_UNIT = re.compile(
    r"^(?P<unit>第[一二三四五六七八九十百千零〇两]+(?:条(?:之[一二三四五六七八九十]+)?|章|节|编|分编))"
    r"[\s\u3000]*(?P<rest>.*)$"
)


def looks_like_organ(text: str) -> bool:
    text = squeeze(text).removesuffix("文件")
    return (
        2 <= len(text) <= 40 and text.endswith(_ORGAN_END) and not re.search(r"[，。；：、]", text)
    )


def number_line(text: str) -> DocNumber | None:
    """The number on a line that is (mostly) just a number."""
    stripped = squeeze(text)
    stripped = re.sub(r"^(发文字号|文号)[:：]", "", stripped)
    stripped = SIGNER.sub("", stripped)
    for number, start, end in DocNumber.finditer(stripped):
        if end - start >= len(stripped) * 0.6 and start <= 4:
            return number
    return None


def is_date_line(text: str) -> bool:
    return bool(_DATE_ONLY.match(squeeze(text)))


def titleish(text: str) -> bool:
    squeezed = squeeze(text)
    if not squeezed or len(squeezed) > 60:
        return False
    if squeezed.endswith(("：", ":")) or "。" in squeezed:
        return False
    if is_date_line(squeezed) or number_line(squeezed):
        return False
    return not any(pattern.match(squeezed) for pattern, _, _ in _HEADINGS)


def is_person(text: str) -> bool:
    """A signer such as ``总理`` / ``李克强`` in a decree's signature."""
    return bool(re.fullmatch(r"[\u4e00-\u9fff]{1,6}", squeeze(text)))


def heading(text: str) -> tuple[BlockKind, int | None]:
    """The kind and level of a body paragraph.

    A numbered line that goes on into sentences (``（一）推进…公开。围绕…``) is a paragraph with a
    run-in heading: kind ``paragraph`` with the heading's level.
    """
    for pattern, kind, level in _HEADINGS:
        if pattern.match(text):
            if kind == BlockKind.HEADING and len(text) > 40 and "。" in text.rstrip("。"):
                return BlockKind.PARAGRAPH, level
            return kind, (level or None)
    return BlockKind.PARAGRAPH, None


def canonical_unit(text: str) -> str:
    """Articles and chapters with one canonical spacing: ``第一条　…``, ``第一章　总则``.

    Sources write ``第一条　为了…`` (ideographic space), ``第一条 为了…`` (ASCII space) or
    ``第一条为了…`` (none), and ``第一章　总　　则`` with letter-spacing in the heading. The
    archive keeps one ideographic space after the number, and none inside a heading's name.
    """
    match = NUMBERED_UNIT.match(text.strip())
    if not match:
        return text
    unit, rest = match["unit"], match["rest"].strip()
    if not rest:
        return unit
    rest = squeeze(rest) if unit.endswith(("章", "节", "编")) else body_text(rest)
    return f"{unit}{GAP}{rest}"


__all__ = [
    "NUMBERED_UNIT",
    "SIGNER",
    "canonical_unit",
    "heading",
    "is_date_line",
    "is_person",
    "looks_like_organ",
    "number_line",
    "titleish",
]
