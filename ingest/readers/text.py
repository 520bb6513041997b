"""Plain-text reader (UTF-8, UTF-16 with BOM, GB18030/GBK; detected).

Paragraphs are separated by blank lines; lines inside a paragraph are joined without a space
(Chinese does not put spaces between words). Text converted from print often breaks a
paragraph at a page boundary, leaving a blank line in mid-sentence: a paragraph that stops
without closing punctuation and is followed by one that does not start a new element is joined
to it.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from gazette import titles
from gazette.errors import EmptyDocument, UndecodableText
from ingest.exported import looks_exported
from ingest.normalize import clean_inline
from ingest.raw import Line, RawDocument

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Lines that start a new element even when the previous paragraph did not end a sentence.
_STARTS_ELEMENT = re.compile(
    r"""^(
        [一二三四五六七八九十]+、 | （[一二三四五六七八九十]+） | \([一二三四五六七八九十]+\)
      | \d+[.．、] | （\d+） | 第[一二三四五六七八九十百零〇]+[章节条]
      | 附件 | 抄送 | 主送 | （此件 | （本文
    )""",
    re.VERBOSE,
)
# Long title lines end with a 文种, or (policy interpretations) with 解读, 答记者问, 问答.
_TYPE_ENDINGS = (
    *titles.types(
        "通知", "意见", "决定", "办法", "规定", "条例", "细则", "方案", "报告", "请示", "批复",
        "通报", "公告", "通告", "纪要", "函", "要点",
    ),
    "解读",
    "答记者问",
    "问答",
)  # fmt: skip
_CLOSES = "。！？；：:;!?”’」』）)…"
_DATE_LINE = re.compile(
    r"^\s*[\d０-９〇○零一二三四五六七八九十]{4}\s*年.{1,4}月.{1,4}日\s*(印发)?\s*$"
)


def decode(data: bytes, name: str | Path) -> str:
    """Decode text bytes: BOMs first, then strict UTF-8, then GB18030.

    Raises:
        UndecodableText: none of them gives plausible text.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = [("utf-8-sig", data)]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = [("utf-16", data)]
    else:
        candidates = [("utf-8", data), ("gb18030", data)]
    errors = []
    for encoding, payload in candidates:
        try:
            text = payload.decode(encoding)
        except UnicodeDecodeError as exc:
            errors.append(f"不是 {encoding.upper()}（第{exc.start}字节）")
            continue
        if _plausible(text):
            return text
        errors.append(f"按 {encoding.upper()} 解码得不到可读文字")
    raise UndecodableText(name, "；".join(errors) or "编码未知")


def _plausible(text: str) -> bool:
    """Decoded text that is mostly control characters or private-use glyphs is not text."""
    if not text.strip():
        return True
    sample = text[:20000]
    bad = len(_CONTROL.findall(sample)) + sum(1 for c in sample if "\ue000" <= c <= "\uf8ff")
    return bad <= max(2, len(sample) // 200)


def paragraphs(text: str) -> list[str]:
    """Split text into paragraphs and mend paragraphs broken at page boundaries."""
    blocks: list[str] = []
    current: list[str] = []
    for raw_line in (
        text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n").split("\n")
    ):
        if raw_line.strip():
            current.append(raw_line.strip())
        elif current:
            blocks.append("".join(current))
            current = []
    if current:
        blocks.append("".join(current))
    cleaned = [clean_inline(b, keep_gaps=True) for b in blocks]
    cleaned = [b for b in cleaned if b]
    mended: list[str] = []
    for block in cleaned:
        if mended and _continues(mended[-1], block):
            mended[-1] = mended[-1] + block
        else:
            mended.append(block)
    return mended


def _continues(previous: str, block: str) -> bool:
    """Whether ``block`` is the rest of ``previous``, cut by a page break."""
    if len(previous) < 40 or previous[-1] in _CLOSES or previous.endswith(_TYPE_ENDINGS):
        return False
    if _STARTS_ELEMENT.match(block) or _DATE_LINE.match(block) or _DATE_LINE.match(previous):
        return False
    if block.endswith(("：", ":")) and len(block) < 300:
        return False  # recipients, a line of its own
    return bool(_CJK.search(previous[-1]) or previous[-1].isalnum() or previous[-1] in "，、")


def read(path: Path) -> RawDocument:
    """Read a plain-text document.

    Raises:
        UndecodableText: the bytes are in no recognised encoding.
        EmptyDocument: there is no text.
    """
    data = path.read_bytes()
    text = decode(data, path)
    if looks_exported(text):
        # The archive's own export: a header, then the canonical text, one paragraph per
        # line, already normalised (joining or cleaning lines would change it).
        # Table rows are the lines whose cells are separated by tabs.
        cleaned = (unicodedata.normalize("NFC", p).strip() for p in text.split("\n"))
        lines = [Line(p, table="\t" in p) for p in cleaned if p]
    else:
        lines = [Line(p) for p in paragraphs(text)]
    if not lines:
        raise EmptyDocument(path, "没有文字")
    return RawDocument(name=str(path), format="txt", lines=lines)
