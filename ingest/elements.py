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

The 版头 and the title are read by :mod:`ingest.element_head`; what a single line is (an
organ, a number line, a date line, a heading) is told by :mod:`ingest.element_lines`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from gazette.dates import try_parse_date
from gazette.disclosure import NOTE_PATTERNS, disclosure_from_note
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
from ingest.element_head import Head, is_subtitle, parse_head, split_title, title_run
from ingest.element_lines import (
    NUMBERED_UNIT,
    canonical_unit,
    heading,
    is_date_line,
    is_person,
    looks_like_organ,
    number_line,
    titleish,
)
from ingest.history import enacting_organ, entries, version_dates
from ingest.normalize import GAP, body_text, split_gaps, squeeze
from ingest.raw import Line, RawDocument

# --- vocabularies ---------------------------------------------------------------------------

_PRINTED = re.compile(
    r"^(?P<org>.*?)\s*(?P<date>\S{4}\s*年\s*\S{1,3}\s*月\s*\S{1,3}\s*日)\s*印\s*发$"
)
_NOTE = re.compile(r"^[（(](?P<body>[^（()）]{2,80})[）)]$")
_ATTACHMENT_NOTE = re.compile(r"^附\s*件\s*[:：]")
_ATTACHMENT_HEAD = re.compile(r"^附\s*件\s*[0-9０-９一二三四五六七八九十]*\s*[:：]?$")
_CC = re.compile(r"^(抄\s*送|抄\s*报)\s*[:：]")
_MAIN_RECIPIENTS = re.compile(r"^主\s*送\s*[:：]")

# 附注 wording → disclosure attribute (the vocabulary lives with the disclosure rules).
DISCLOSURE_NOTES = NOTE_PATTERNS


def _enacting(notes: Sequence[str]) -> tuple[str, ...]:
    """The organ that enacted a law, from the first entry of its 题注."""
    found = entries(notes)
    organ = enacting_organ(found[0].text) if found else None
    return (organ,) if organ else ()


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
    organs = [p for p in re.split(r"[、和]", prefix) if looks_like_organ(p)]
    return tuple(organs)


def _signature_block(lines: Sequence[Line], start: int, stop: int) -> tuple[int, int] | None:
    """``(first signature line, date line)`` of the first signature+date after ``start``."""
    for k in range(start, stop):
        if not is_date_line(lines[k].text):
            continue
        first = k
        while first - 1 >= start and first > k - 4:
            candidate = lines[first - 1].text
            pieces = split_gaps(candidate)
            if pieces and all(looks_like_organ(p) or is_person(p) for p in pieces):
                first -= 1
            else:
                break
        return first, k
    return None


# --- the parser -----------------------------------------------------------------------------


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
    head = parse_head(lines)
    blocks: list[Block] = []
    fields: dict[str, object] = {}
    # Title.
    if head.title_lines:
        title_idx = list(head.title_lines)
        cursor = head.end
    else:
        title_idx = title_run(lines, head.end)
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
    while cursor < len(lines) and is_subtitle(lines[cursor]):
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
            elif number is None and number_line(text) is not None:
                number = number_line(text)
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
            if not printed_by and end > cursor and looks_like_organ(lines[end - 1].text):
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
        kind, level = (BlockKind.TABLE, None) if lines[k].table else heading(squeezed)
        if kind == BlockKind.ARTICLE or (kind == BlockKind.HEADING and NUMBERED_UNIT.match(text)):
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
    raw: RawDocument, lines: Sequence[Line], head: Head, *, origin: TextOrigin, standard: bool
) -> Document:
    """令 format: promulgation paragraph, signer, date, then the regulation."""
    blocks = list(head.blocks)
    k = head.end
    preamble: list[str] = []
    while k < len(lines) and not is_date_line(lines[k].text):
        preamble.append(lines[k].text)
        k += 1
    date_at = k if k < len(lines) else None
    signer = None
    if date_at is not None and preamble and all(is_person(p) for p in split_gaps(preamble[-1])):
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
    if k < len(lines) and titleish(lines[k].text):
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
        if is_subtitle(lines[k]) or (not notes and _NOTE.match(squeezed)):
            notes.append(lines[k].text)
            blocks.append(Block(lines[k].text, BlockKind.SUBTITLE, page=lines[k].page))
        else:
            kind, level = heading(squeezed)
            if kind == BlockKind.ARTICLE or (
                kind == BlockKind.HEADING and NUMBERED_UNIT.match(text)
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


__all__ = ["parse"]
