"""The element parser: GB/T 9704 elements from a reader's paragraphs, whatever the format.

Input is a :class:`~ingest.raw.RawDocument`; output a :class:`~gazette.model.Document` whose
text blocks are labelled (header, title, recipients, headings, signature, date, note, cc,
printed) and whose metadata fields hold what the text states. An element that is not there
stays ``None``: the parser never guesses.

The document is read in zones (DOMAIN.md §1):

* 版头 — copy number, secrecy, urgency, the issuer mark (发文机关标志), the number, the signer;
  or the decree head (``中华人民共和国国务院令`` / ``第706号``);
* 主体 — title (joined across lines), recipients, body, attachment notes, signature, date,
  the note in parentheses (附注, which carries the disclosure attribute);
* attachments — the attached documents (for 印发/转发 notices, the real payload), each parsed
  as a part that inherits the carrier's number, dates and disclosure;
* 版记 — cc (抄送) and the printing organ and date (印发).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from gazette.dates import find_dates, finditer_dates, try_parse_date
from gazette.disclosure import NOTE_PATTERNS, disclosure_from_note
from gazette.docnumber import DocNumber
from gazette.model import (
    Block,
    BlockKind,
    Disclosure,
    DisclosureAttribute,
    Document,
    Provenance,
    ProvenanceKind,
    TextOrigin,
    TextVersion,
)
from gazette.titles import doc_type_of
from ingest.history import enacting_organ, entries, version_dates
from ingest.normalize import GAP, body_text, split_gaps, squeeze
from ingest.raw import Line, RawDocument

# --- vocabularies ---------------------------------------------------------------------------

_FORWARDING = re.compile(r"(印发|转发|批转|颁发|发布)")
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

_COPY_SECRECY_URGENCY = re.compile(
    r"""^
    (?P<copy>[0-9]{6})?\s*                              # 份号: six digits
    (?P<secrecy>(?:绝密|机密|秘密)(?:\s*★\s*[^\s特加平]*)?)?\s*   # 密级和保密期限: 机密★1年
    (?P<urgency>特提|特急|加急|平急)?                     # 紧急程度
    $""",
    re.VERBOSE,
)
_SIGNER = re.compile(r"签发人[:：]\s*(?P<signer>.+)$")
_DECREE_SERIES = re.compile(r"^(?P<series>.{2,30}?令)$")
_DECREE_NUMBER = re.compile(r"^[（(]?第\s*[0-9０-９]+\s*号[）)]?$")
_PRINTED = re.compile(
    r"^(?P<org>.*?)\s*(?P<date>\S{4}\s*年\s*\S{1,3}\s*月\s*\S{1,3}\s*日)\s*印\s*发$"
)
_DATE_ONLY = re.compile(
    r"^[0-9０-９〇○零一二三四五六七八九]{4}\s*年\s*[0-9０-９一二三四五六七八九十]{1,3}\s*月\s*"
    r"[0-9０-９一二三四五六七八九十]{1,4}\s*日$"
)
_NOTE = re.compile(r"^[（(](?P<body>[^（()）]{2,80})[）)]$")
_HEADINGS: tuple[tuple[re.Pattern[str], BlockKind, int], ...] = (
    (re.compile(r"^第[一二三四五六七八九十百零〇]+章"), BlockKind.HEADING, 1),
    (re.compile(r"^第[一二三四五六七八九十百零〇]+节"), BlockKind.HEADING, 2),
    (re.compile(r"^第[一二三四五六七八九十百零〇]+条"), BlockKind.ARTICLE, 0),
    (re.compile(r"^[一二三四五六七八九十]+、"), BlockKind.HEADING, 1),
    (re.compile(r"^[（(][一二三四五六七八九十]+[）)]"), BlockKind.HEADING, 2),
    (re.compile(r"^[0-9０-９]+[.．、](?![0-9])"), BlockKind.HEADING, 3),
    (re.compile(r"^[（(][0-9０-９]+[）)]"), BlockKind.HEADING, 4),
)
_ATTACHMENT_NOTE = re.compile(r"^附\s*件\s*[:：]")
_ATTACHMENT_HEAD = re.compile(r"^附\s*件\s*[0-9０-９一二三四五六七八九十]*\s*[:：]?$")
_CC = re.compile(r"^(抄\s*送|抄\s*报)\s*[:：]")
_MAIN_RECIPIENTS = re.compile(r"^主\s*送\s*[:：]")
_TOC_HEAD = re.compile(r"^(目录|目次)[:：]?$")
_LONG_TITLE = 36  # characters: longer than two lines of a title in 2号 type

_NUMBERED_UNIT = re.compile(
    r"^(?P<unit>第[一二三四五六七八九十百千零〇两]+(?:条(?:之[一二三四五六七八九十]+)?|章|节|编|分编))"
    r"[\s\u3000]*(?P<rest>.*)$"
)

# 附注 wording → disclosure attribute (the vocabulary lives with the disclosure rules).
DISCLOSURE_NOTES = NOTE_PATTERNS


# --- results --------------------------------------------------------------------------------


@attrs.frozen
class _Head:
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


def is_forwarding(title: str | None) -> bool:
    """Whether a title is a 印发/转发/批转 notice whose attachment carries the real text."""
    if not title:
        return False
    return bool(_FORWARDING.search(title)) and (doc_type_of(title) == "通知")


def _looks_like_organ(text: str) -> bool:
    text = squeeze(text).removesuffix("文件")
    return (
        2 <= len(text) <= 40 and text.endswith(_ORGAN_END) and not re.search(r"[，。；：、]", text)
    )


def _number_line(text: str) -> DocNumber | None:
    """The number on a line that is (mostly) just a number."""
    stripped = squeeze(text)
    stripped = re.sub(r"^(发文字号|文号)[:：]", "", stripped)
    stripped = _SIGNER.sub("", stripped)
    for number, start, end in DocNumber.finditer(stripped):
        if end - start >= len(stripped) * 0.6 and start <= 4:
            return number
    return None


def _is_date_line(text: str) -> bool:
    return bool(_DATE_ONLY.match(squeeze(text)))


def _titleish(text: str) -> bool:
    squeezed = squeeze(text)
    if not squeezed or len(squeezed) > 60:
        return False
    if squeezed.endswith(("：", ":")) or "。" in squeezed:
        return False
    if _is_date_line(squeezed) or _number_line(squeezed):
        return False
    return not any(pattern.match(squeezed) for pattern, _, _ in _HEADINGS)


# --- zones ----------------------------------------------------------------------------------


def _parse_head(lines: Sequence[Line]) -> _Head:
    """The 版头: everything above the title."""
    blocks: list[Block] = []
    fields: dict[str, object] = {}
    i = 0
    n = len(lines)
    if n and lines[0].style == "title":
        return _Head(end=0, blocks=())  # a law as collections write it: the title comes first
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
            return _Head(
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
        if _number_line(lines[j].text):
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
        return _Head(
            end=i,
            blocks=tuple(blocks),
            issuer_mark="".join(marks) or None,
            mark_organs=tuple(_mark_organs(marks)),
            **fields,  # type: ignore[arg-type]
        )
    number_text = squeeze(lines[number_at].text)
    signer_match = _SIGNER.search(lines[number_at].text.replace(GAP, " "))
    if signer_match:
        fields["signer"] = squeeze(signer_match["signer"])
    before = list(range(i, number_at))
    title_before: tuple[int, ...] = ()
    marks = []
    after_title = _title_run(lines, number_at + 1)
    if (
        before
        and (not after_title or not _after_run_is_title(lines, after_title))
        and not all(
            _looks_like_organ(lines[k].text) or squeeze(lines[k].text).endswith("文件")
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
    if end < n and _SIGNER.search(lines[end].text) and "signer" not in fields:
        signer_match = _SIGNER.search(lines[end].text.replace(GAP, " "))
        assert signer_match is not None
        fields["signer"] = squeeze(signer_match["signer"])
        end += 1
    head_blocks = list(blocks)
    if not title_before:
        head_blocks.append(Block(number_text, BlockKind.HEADER))
    return _Head(
        end=end if not title_before else number_at + 1,
        blocks=tuple(head_blocks),
        issuer_mark="".join(_mark_text(m) for m in marks) or None,
        mark_organs=tuple(_mark_organs(marks)),
        number=_number_line(lines[number_at].text),
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


def _title_run(lines: Sequence[Line], start: int) -> list[int]:
    if start < len(lines) and lines[start].style == "title":
        return [start]  # the reader knows where the title ends (a Markdown ``#`` line)
    run: list[int] = []
    k = start
    while k < len(lines) and len(run) < 5:
        text = lines[k].text
        if lines[k].table or not _titleish(text) or lines[k].style in ("subtitle", "part-title"):
            break  # a table row, a 题注 or a code's part is never part of a title
        if _TOC_HEAD.match(squeeze(text)):
            break  # 目录: what follows is a table of contents, never more of the title
        if run and squeeze(text).startswith(("（", "(")):
            break  # a 题注 or note after the title
        if run and _is_subtitle(lines[k]):
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


# --- the parser -----------------------------------------------------------------------------


def canonical_unit(text: str) -> str:
    """Articles and chapters with one canonical spacing: ``第一条　…``, ``第一章　总则``.

    Sources write ``第一条　为了…`` (ideographic space), ``第一条 为了…`` (ASCII space) or
    ``第一条为了…`` (none), and ``第一章　总　　则`` with letter-spacing in the heading. The
    archive keeps one ideographic space after the number, and none inside a heading's name.
    """
    match = _NUMBERED_UNIT.match(text.strip())
    if not match:
        return text
    unit, rest = match["unit"], match["rest"].strip()
    if not rest:
        return unit
    rest = squeeze(rest) if unit.endswith(("章", "节", "编")) else body_text(rest)
    return f"{unit}{GAP}{rest}"


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


def _enacting(notes: Sequence[str]) -> tuple[str, ...]:
    """The organ that enacted a law, from the first entry of its 题注."""
    found = entries(notes)
    organ = enacting_organ(found[0].text) if found else None
    return (organ,) if organ else ()


def _is_subtitle(line: Line) -> bool:
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


def _heading(text: str) -> tuple[BlockKind, int | None]:
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


def _split_list(text: str) -> list[str]:
    text = re.sub(r"^(主\s*送|抄\s*送|抄\s*报)\s*[:：]", "", squeeze(text))
    text = text.rstrip("：:。.")
    return [part for part in re.split(r"[，,；;。]", text) if part]


def _disclosure_from_note(note: str | None) -> Disclosure:
    return disclosure_from_note(note)


def _issuer_from_series(series: str) -> str:
    organ = series.removesuffix("令")
    if organ.startswith("中华人民共和国") and len(organ) > len("中华人民共和国"):
        organ = organ.removeprefix("中华人民共和国")
    return organ


def _issuers_from_title(title: str | None) -> tuple[str, ...]:
    if not title or "关于" not in title:
        return ()
    prefix = title.split("关于", 1)[0]
    organs = [p for p in re.split(r"[、和]", prefix) if _looks_like_organ(p)]
    return tuple(organs)


def _signature_block(lines: Sequence[Line], start: int, stop: int) -> tuple[int, int] | None:
    """``(first signature line, date line)`` of the first signature+date after ``start``."""
    for k in range(start, stop):
        if not _is_date_line(lines[k].text):
            continue
        first = k
        while first - 1 >= start and first > k - 4:
            candidate = lines[first - 1].text
            pieces = split_gaps(candidate)
            if pieces and all(_looks_like_organ(p) or _is_person(p) for p in pieces):
                first -= 1
            else:
                break
        return first, k
    return None


def _is_person(text: str) -> bool:
    """A signer such as ``总理`` / ``李克强`` in a decree's signature."""
    return bool(re.fullmatch(r"[\u4e00-\u9fff]{1,6}", squeeze(text)))


def parse(
    raw: RawDocument,
    *,
    origin: TextOrigin = TextOrigin.FILE,
    standard: bool = False,
) -> Document:
    """Parse a read file into a document with its elements.

    Args:
        raw: the reader's output.
        origin: where the text comes from (a gazette issue, a portal, a file).
        standard: whether this text is the standard text (printed in a gazette).
    """
    lines = [line for line in raw.lines if line.text.strip()]
    head = _parse_head(lines)
    blocks: list[Block] = []
    fields: dict[str, object] = {}
    # Title.
    if head.title_lines:
        title_idx = list(head.title_lines)
        cursor = head.end
    else:
        title_idx = _title_run(lines, head.end)
        cursor = head.end + len(title_idx)
    title = squeeze("".join(lines[k].text for k in title_idx)) or None
    glued = None
    if title:
        title, glued = split_title(title)
    # Portal layout puts the title first: blocks in reading order.
    if head.title_lines:
        blocks.append(Block(title or "", BlockKind.TITLE))
        blocks.extend(head.blocks)
        if head.number:
            blocks.append(Block(str(squeeze(lines[head.end - 1].text)), BlockKind.HEADER))
    else:
        blocks.extend(head.blocks)
        if title:
            blocks.append(Block(title, BlockKind.TITLE))
    # A decree: promulgation paragraph, signer, date, then the regulation's own title.
    if head.decree_series:
        return _parse_decree(raw, lines, head, origin=origin, standard=standard)
    # A code's part: # 中华人民共和国民法典 / # 物权编.
    part_title = None
    if cursor < len(lines) and lines[cursor].style == "part-title":
        part_title = squeeze(lines[cursor].text)
        cursor += 1
    # 题注 of a law or regulation (what a title line had glued to it first).
    notes: list[str] = []
    if glued:
        notes.append(glued)
        blocks.append(Block(glued, BlockKind.SUBTITLE, page=lines[title_idx[-1]].page))
    while cursor < len(lines) and _is_subtitle(lines[cursor]):
        notes.append(lines[cursor].text)
        blocks.append(Block(lines[cursor].text, BlockKind.SUBTITLE, page=lines[cursor].page))
        cursor += 1
    body_from = len(blocks)
    number = head.number
    if title and title_idx and lines[title_idx[0]].style == "title":
        # The text under a law's 题注 may repeat its title, then give its number (法释〔2024〕10号).
        for _ in range(2):
            if cursor >= len(lines):
                break
            text = squeeze(lines[cursor].text)
            if text == title:
                blocks.append(Block(text, BlockKind.TITLE, page=lines[cursor].page))
            elif number is None and _number_line(text) is not None:
                number = _number_line(text)
                blocks.append(Block(text, BlockKind.HEADER, page=lines[cursor].page))
            else:
                break
            cursor += 1
    # Recipients.
    recipients: list[str] = []
    if cursor < len(lines):
        text = squeeze(lines[cursor].text)
        if text.endswith(("：", ":")) and len(text) <= 300 and "。" not in text:
            recipients = _split_list(text)
            blocks.append(Block(text, BlockKind.RECIPIENTS))
            cursor += 1
    # 版记 from the end: printed line, then cc.
    end = len(lines)
    printed_by = printed_date = None
    cc: list[str] = []
    tail_blocks: list[Block] = []
    if end > cursor:
        match = _PRINTED.match(squeeze(lines[end - 1].text))
        if match:
            printed_date = try_parse_date(match["date"])
            printed_by = match["org"] or None
            tail_blocks.insert(0, Block(squeeze(lines[end - 1].text), BlockKind.PRINTED))
            end -= 1
            if not printed_by and end > cursor and _looks_like_organ(lines[end - 1].text):
                printed_by = squeeze(lines[end - 1].text)
                tail_blocks.insert(0, Block(printed_by, BlockKind.PRINTED))
                end -= 1
    for k in range(end - 1, max(cursor, end - 4) - 1, -1):
        if _CC.match(squeeze(lines[k].text)):
            for j in range(k, end):
                cc.extend(_split_list(lines[j].text))
            tail_blocks[:0] = [Block(squeeze(lines[j].text), BlockKind.CC) for j in range(k, end)]
            end = k
            break
    for k in range(end - 1, max(cursor, end - 3) - 1, -1):
        if _MAIN_RECIPIENTS.match(squeeze(lines[k].text)) and not recipients:
            recipients = _split_list(lines[k].text)
            tail_blocks.insert(0, Block(squeeze(lines[k].text), BlockKind.RECIPIENTS))
            end = k
            break
    # Signature and date.
    signature = _signature_block(lines, cursor, end)
    issuers: list[str] = []
    written_date = None
    note = None
    note_lines: list[str] = []
    attachment_notes: list[str] = []
    body_end = end
    after = end
    if signature is not None:
        first, date_at = signature
        body_end = first
        for k in range(first, date_at):
            issuers.extend(squeeze(p) for p in split_gaps(lines[k].text))
        written_date = try_parse_date(squeeze(lines[date_at].text))
        after = date_at + 1
        # One or more notes in parentheses (contact details, then the disclosure attribute).
        while after < end and _NOTE.match(squeeze(lines[after].text)):
            note_lines.append(squeeze(lines[after].text))
            after += 1
        note = "".join(note_lines) or None
    # Body.
    for k in range(cursor, body_end):
        text = body_text(lines[k].text)
        squeezed = squeeze(text)
        if _ATTACHMENT_NOTE.match(squeezed):
            attachment_notes.append(re.sub(r"^附\s*件\s*[:：]", "", squeezed))
            blocks.append(Block(text, BlockKind.ATTACHMENT_NOTE))
            continue
        if attachment_notes and re.match(r"^[0-9０-９]+[.．、]", squeezed) and k < body_end:
            # Continued attachment list: 附件：1. … / 2. …
            attachment_notes.append(squeezed)
            blocks.append(Block(text, BlockKind.ATTACHMENT_NOTE))
            continue
        kind, level = (BlockKind.TABLE, None) if lines[k].table else _heading(squeezed)
        if kind == BlockKind.ARTICLE or (kind == BlockKind.HEADING and _NUMBERED_UNIT.match(text)):
            text = canonical_unit(lines[k].text)
        blocks.append(Block(text, kind, level, lines[k].page))
    if signature is not None:
        first, date_at = signature
        for k in range(first, date_at):
            blocks.append(Block(lines[k].text.replace(GAP, " "), BlockKind.SIGNATURE))
        blocks.append(Block(squeeze(lines[date_at].text), BlockKind.DATE))
        blocks.extend(Block(text, BlockKind.NOTE) for text in note_lines)
    else:
        # A trailing note with no signature (portal bodies often end with it).
        if (
            blocks
            and _NOTE.match(squeeze(blocks[-1].text))
            and blocks[-1].kind == BlockKind.PARAGRAPH
        ):
            note = squeeze(blocks[-1].text)
            blocks[-1] = Block(note, BlockKind.NOTE)
    # Attachments: what follows the date and note, before the 版记.
    parts: list[Document] = []
    attachment_lines = lines[after:end] if signature is not None else []
    issuers_t = tuple(issuers) or head.mark_organs or _issuers_from_title(title) or _enacting(notes)
    disclosure = _disclosure_from_note(note)
    blocks.extend(tail_blocks)
    doc_type = doc_type_of(title)
    code_part = None
    if part_title is not None:
        # The 题注 is the code's; the part holds its own articles.
        code_part = Document(
            title=part_title,
            doc_type=doc_type_of(part_title),
            part_label=part_title,
            texts=(
                TextVersion(
                    blocks=(Block(part_title, BlockKind.TITLE), *blocks[body_from:]),
                    origin=origin,
                    standard=standard,
                ),
            ),
        )
        blocks = blocks[:body_from]
    document = Document(
        title=title,
        doc_number=number,
        doc_type=doc_type,
        issuers=issuers_t,
        issuer_mark=head.issuer_mark,
        signer=head.signer,
        copy_number=head.copy_number,
        secrecy=head.secrecy,
        urgency=head.urgency,
        recipients=recipients,
        cc=cc,
        written_date=written_date,
        printed_by=printed_by,
        printed_date=printed_date,
        note=note,
        attachment_notes=attachment_notes,
        disclosure=disclosure,
        texts=(
            TextVersion(
                blocks=tuple(blocks),
                origin=origin,
                standard=standard,
                **version_dates(notes),  # type: ignore[arg-type]
            ),
        ),
        **fields,  # type: ignore[arg-type]
    )
    if code_part is not None:
        return document.with_parts(code_part)
    if attachment_lines:
        parts = _parse_attachments(attachment_lines, document, origin=origin, standard=standard)
        document = document.with_parts(*parts)
    return document


def _parse_attachments(
    lines: Sequence[Line], carrier: Document, *, origin: TextOrigin, standard: bool
) -> list[Document]:
    """Split what follows the carrier's signature into attached documents."""
    groups: list[tuple[str | None, list[Line]]] = []
    label: str | None = None
    current: list[Line] = []
    for line in lines:
        squeezed = squeeze(line.text)
        if _ATTACHMENT_HEAD.match(squeezed):
            if current:
                groups.append((label, current))
            label, current = squeezed.rstrip("：:"), []
            continue
        current.append(line)
    if current:
        groups.append((label, current))
    parts = []
    for index, (label, group) in enumerate(groups, start=1):
        part = _parse_part(
            group,
            carrier,
            label or ("附件" if len(groups) == 1 else f"附件{index}"),
            origin=origin,
            standard=standard,
        )
        if part is not None:
            parts.append(part)
    return parts


def _parse_part(
    lines: Sequence[Line], carrier: Document, label: str, *, origin: TextOrigin, standard: bool
) -> Document | None:
    """An attachment: its own elements where it states them, the carrier's otherwise."""
    if not lines:
        return None
    own = parse(
        RawDocument(name=label, format="part", lines=tuple(lines)), origin=origin, standard=standard
    )
    inherited = Provenance(ProvenanceKind.INHERITED, source="carrier")
    disclosure = own.disclosure
    if disclosure.attribute == DisclosureAttribute.UNKNOWN:
        disclosure = attrs.evolve(
            carrier.disclosure,
            provenance=inherited
            if carrier.disclosure.attribute != DisclosureAttribute.UNKNOWN
            else carrier.disclosure.provenance,
            basis=(
                f"inherited from the carrier ({carrier.disclosure.basis})"
                if carrier.disclosure.basis
                else None
            ),
        )
    return attrs.evolve(
        own,
        doc_number=own.doc_number or carrier.doc_number,
        issuers=own.issuers or carrier.issuers,
        written_date=own.written_date or carrier.written_date,
        published_date=own.published_date or carrier.published_date,
        disclosure=disclosure,
        part_label=label,
    )


def _parse_decree(
    raw: RawDocument, lines: Sequence[Line], head: _Head, *, origin: TextOrigin, standard: bool
) -> Document:
    """令 format: promulgation paragraph, signer, date, then the regulation."""
    blocks = list(head.blocks)
    k = head.end
    preamble: list[str] = []
    while k < len(lines) and not _is_date_line(lines[k].text):
        preamble.append(lines[k].text)
        k += 1
    date_at = k if k < len(lines) else None
    signer = None
    if date_at is not None and preamble and all(_is_person(p) for p in split_gaps(preamble[-1])):
        signer = " ".join(squeeze(p) for p in split_gaps(preamble[-1]))
        preamble = preamble[:-1]
    for text in preamble:
        blocks.append(Block(body_text(text), BlockKind.PREAMBLE))
    if signer:
        blocks.append(Block(signer, BlockKind.SIGNATURE))
    written = None
    if date_at is not None:
        written = try_parse_date(squeeze(lines[date_at].text))
        blocks.append(Block(squeeze(lines[date_at].text), BlockKind.DATE))
        k = date_at + 1
    title = None
    if k < len(lines) and _titleish(lines[k].text):
        title = squeeze(lines[k].text)
        blocks.append(Block(title, BlockKind.TITLE))
        k += 1
    elif preamble:
        named = re.search(r"《([^》]+)》", "".join(preamble))
        title = named[1] if named else None
    notes: list[str] = []
    while k < len(lines):
        text = body_text(lines[k].text)
        squeezed = squeeze(text)
        if _is_subtitle(lines[k]) or (not notes and _NOTE.match(squeezed)):
            notes.append(lines[k].text)
            blocks.append(Block(lines[k].text, BlockKind.SUBTITLE, page=lines[k].page))
        else:
            kind, level = _heading(squeezed)
            if kind == BlockKind.ARTICLE or (
                kind == BlockKind.HEADING and _NUMBERED_UNIT.match(text)
            ):
                text = canonical_unit(lines[k].text)
            blocks.append(Block(text, kind, level, lines[k].page))
        k += 1
    assert head.decree_series is not None
    return Document(
        title=title,
        doc_number=head.number,
        doc_type="令",
        issuers=(_issuer_from_series(head.decree_series),),
        signer=signer,
        written_date=written,
        texts=(
            TextVersion(
                blocks=tuple(blocks),
                origin=origin,
                standard=standard,
                **version_dates(notes),  # type: ignore[arg-type]
            ),
        ),
    )


__all__ = ["finditer_dates", "is_forwarding", "parse"]
