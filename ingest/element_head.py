"""The head of an official document (版头) and its title.

The 版头 holds the copy number, secrecy and urgency, the issuer mark (发文机关标志), the number
and the signer, or a decree's head (``中华人民共和国国务院令`` / ``第706号``); the title is joined
across lines and parted from a 题注 glued to it. What follows the title is read by
:mod:`ingest.elements`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from gazette.dates import find_dates, finditer_dates
from gazette.docnumber import DocNumber
from gazette.model import Block, BlockKind
from gazette.titles import doc_type_of
from ingest.element_lines import SIGNER, looks_like_organ, number_line, titleish
from ingest.history import entries
from ingest.normalize import GAP, split_gaps, squeeze
from ingest.raw import Line

_FORWARDING = re.compile(r"(印发|转发|批转|颁发|发布)")
_COPY_SECRECY_URGENCY = re.compile(
    r"""^
    (?P<copy>[0-9]{6})?\s*                              # 份号: six digits
    (?P<secrecy>(?:绝密|机密|秘密)(?:\s*★\s*[^\s特加平]*)?)?\s*   # 密级和保密期限: 机密★1年
    (?P<urgency>特提|特急|加急|平急)?                     # 紧急程度
    $""",
    re.VERBOSE,
)
_DECREE_SERIES = re.compile(r"^(?P<series>.{2,30}?令)$")
_DECREE_NUMBER = re.compile(r"^[（(]?第\s*[0-9０-９]+\s*号[）)]?$")
_TOC_HEAD = re.compile(r"^(目录|目次)[:：]?$")
_LONG_TITLE = 36  # characters: longer than two lines of a title in 2号 type


@attrs.frozen
class Head:
    """What the 版头 zone held."""

    end: int  # index of the first line after the head
    blocks: tuple[Block, ...]
    copy_number: str | None = None
    secrecy: str | None = None
    urgency: str | None = None
    issuer_mark: str | None = None
    mark_organs: tuple[str, ...] = ()
    number: DocNumber | None = None
    signer: str | None = None
    decree_series: str | None = None
    title_lines: tuple[int, ...] = ()  # title lines found before the number (portal layout)


# --- the 版头 -------------------------------------------------------------------------------


def parse_head(lines: Sequence[Line]) -> Head:
    """The 版头: everything above the title."""
    blocks: list[Block] = []
    fields: dict[str, object] = {}
    i = 0
    n = len(lines)
    if n and lines[0].style == "title":
        return Head(end=0, blocks=())  # a law as collections write it: the title comes first
    # Copy number, secrecy, urgency.
    while i < n and i < 4:
        match = _COPY_SECRECY_URGENCY.match(squeeze(lines[i].text))
        if not match or not any(match.groupdict().values()):
            break
        for key in ("copy", "secrecy", "urgency"):
            if match[key]:
                fields[{"copy": "copy_number"}.get(key, key)] = match[key]
        blocks.append(Block(squeeze(lines[i].text), BlockKind.HEADER))
        i += 1
    # Decree head: 中华人民共和国国务院令 / 第706号.
    if i + 1 < n:
        series = _DECREE_SERIES.match(squeeze(lines[i].text))
        if series and _DECREE_NUMBER.match(squeeze(lines[i + 1].text)):
            combined = squeeze(lines[i].text) + squeeze(lines[i + 1].text).strip("（()）")
            number = DocNumber.try_parse(combined)
            blocks.append(Block(squeeze(lines[i].text), BlockKind.HEADER))
            blocks.append(Block(squeeze(lines[i + 1].text), BlockKind.HEADER))
            return Head(
                end=i + 2,
                blocks=tuple(blocks),
                number=number,
                decree_series=series["series"],
                **fields,  # type: ignore[arg-type]
            )
    # Find the number line within the first lines.
    number_at = None
    for j in range(i, min(n, i + 12)):
        if lines[j].style == "subtitle":
            continue  # a law's 题注 names the decree that promulgated it, not its number
        if number_line(lines[j].text):
            number_at = j
            break
        if squeeze(lines[j].text).endswith(("：", ":")) and j > i:
            break  # reached the recipients: no number in the head
    if number_at is None:
        # Only a mark line ending in 文件 can be recognised without a number line.
        marks = []
        while (
            i < n and squeeze(lines[i].text).endswith("文件") and len(squeeze(lines[i].text)) <= 40
        ):
            marks.append(squeeze(lines[i].text))
            blocks.append(Block(squeeze(lines[i].text), BlockKind.HEADER))
            i += 1
        return Head(
            end=i,
            blocks=tuple(blocks),
            issuer_mark="".join(marks) or None,
            mark_organs=tuple(_mark_organs(marks)),
            **fields,  # type: ignore[arg-type]
        )
    number_text = squeeze(lines[number_at].text)
    signer_match = SIGNER.search(lines[number_at].text.replace(GAP, " "))
    if signer_match:
        fields["signer"] = squeeze(signer_match["signer"])
    before = list(range(i, number_at))
    title_before: tuple[int, ...] = ()
    marks = []
    after_title = title_run(lines, number_at + 1)
    if (
        before
        and (not after_title or not _after_run_is_title(lines, after_title))
        and not all(
            looks_like_organ(lines[k].text) or squeeze(lines[k].text).endswith("文件")
            for k in before
        )
    ):
        # Portal layout: the title comes first, then the number.
        title_before = tuple(before)
    else:
        marks = [squeeze(lines[k].text) for k in before]
    for text in marks:
        blocks.append(Block(text, BlockKind.HEADER))
    end = number_at + 1
    # A signer on its own line right after the number.
    if end < n and SIGNER.search(lines[end].text) and "signer" not in fields:
        signer_match = SIGNER.search(lines[end].text.replace(GAP, " "))
        assert signer_match is not None
        fields["signer"] = squeeze(signer_match["signer"])
        end += 1
    head_blocks = list(blocks)
    if not title_before:
        head_blocks.append(Block(number_text, BlockKind.HEADER))
    return Head(
        end=end if not title_before else number_at + 1,
        blocks=tuple(head_blocks),
        issuer_mark="".join(_mark_text(m) for m in marks) or None,
        mark_organs=tuple(_mark_organs(marks)),
        number=number_line(lines[number_at].text),
        title_lines=title_before,
        **fields,  # type: ignore[arg-type]
    )


def _mark_text(text: str) -> str:
    return text


def _mark_organs(marks: Sequence[str]) -> list[str]:
    """The organs named by a (possibly joint) issuer mark."""
    organs: list[str] = []
    for mark in marks:
        for piece in split_gaps(mark.replace("文件", " ")):
            piece = squeeze(piece)
            if piece and piece not in organs:
                organs.append(piece)
    return organs


# --- the title ------------------------------------------------------------------------------


def title_run(lines: Sequence[Line], start: int) -> list[int]:
    """The indexes of the lines from ``start`` that make up a title (empty: no title there)."""
    if start < len(lines) and lines[start].style == "title":
        return [start]  # the reader knows where the title ends (a Markdown ``#`` line)
    run: list[int] = []
    k = start
    while k < len(lines) and len(run) < 5:
        text = lines[k].text
        if lines[k].table or not titleish(text) or lines[k].style in ("subtitle", "part-title"):
            break  # a table row, a 题注 or a code's part is never part of a title
        if _TOC_HEAD.match(squeeze(text)):
            break  # 目录: what follows is a table of contents, never more of the title
        if run and squeeze(text).startswith(("（", "(")):
            break  # a 题注 or note after the title
        if run and is_subtitle(lines[k]):
            break  # a 题注 entry as plain text writes it (2019年6月25日 …会议通过)
        run.append(k)
        k += 1
        joined = squeeze("".join(lines[j].text for j in run))
        if (doc_type_of(joined) or len(joined) >= _LONG_TITLE) and not (
            k < len(lines) and _continues_title(lines[k].text)
        ):
            # A 文种 ends the title; so does a title already as long as titles get, which
            # keeps the title of a text without one (a form) the same when it is read again
            # from an export, where it stands on one line.
            break
    return run


def _continues_title(text: str) -> bool:
    """A next line that still belongs to a title ending like a 文种 (``…的通知`` then more)."""
    squeezed = squeeze(text)
    return bool(squeezed) and squeezed.startswith(("的", "（", "(")) and len(squeezed) < 20


def _after_run_is_title(lines: Sequence[Line], run: Sequence[int]) -> bool:
    title = squeeze("".join(lines[k].text for k in run))
    return bool(doc_type_of(title)) or "关于" in title


def is_forwarding(title: str | None) -> bool:
    """Whether a title is a 印发/转发/批转 notice whose attachment carries the real text."""
    if not title:
        return False
    return bool(_FORWARDING.search(title)) and (doc_type_of(title) == "通知")


_GLUED_NOTE = re.compile(r"[（(]?\s*[0-9０-９〇○零一二三四五六七八九]{4}\s*年")


def split_title(title: str) -> tuple[str, str | None]:
    """A title and the 题注 glued to it, if any: a title ends where the 题注 begins.

    ``中华人民共和国民法典总则2020年5月28日…通过2021年1月1日施行`` is the title
    ``中华人民共和国民法典总则`` and the 题注 that follows; ``中华人民共和国宪法修正案（2004年）``
    names a year, not a history, and stays whole.
    """
    for match in _GLUED_NOTE.finditer(title):
        rest = title[match.start() :]
        first = next(iter(finditer_dates(rest[:20])), None)
        if match.start() == 0 or first is None or first[1] > 2:
            continue
        if doc_type_of(rest.strip("（()）")) is None and entries([rest.strip("（()）")]):
            return title[: match.start()], rest  # (a rest ending like a title is the title's)
    return title, None


def is_subtitle(line: Line) -> bool:
    """A 题注 line: marked so by the reader, parenthesised with a date in it, or an entry of
    a law's history as plain text writes it (``2019年6月25日 漯河市…会议通过``)."""
    if line.style == "subtitle":
        return True
    text = squeeze(line.text)
    if (
        text.startswith(("（", "("))
        and text.endswith(("）", ")"))
        and bool(find_dates(text))
        and not _NOTE_WORDS.search(text)
    ):
        return True
    first = next(iter(finditer_dates(text[:16])), None)
    return (
        first is not None
        and first[1] == 0
        and len(text) <= 200
        and not text.endswith(("。", "；", ";", "：", ":"))
        and bool(entries([text]))
    )


_NOTE_WORDS = re.compile(r"此件|公开|联系人|联系电话|删减")


__all__ = ["Head", "is_forwarding", "is_subtitle", "parse_head", "split_title", "title_run"]
