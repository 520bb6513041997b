"""What every export format renders: a document in print order, with its status header.

A :class:`Rendition` is format-independent. It holds

* the **header** (题头): the status mark (``已废止（依据：《X》，自2024年11月1日起）``), the date
  the status was judged on, that the text was recognised by OCR and not proofread (when it
  was), where the text comes from (``标准文本：济南市人民政府公报
  2019年第5号 第4–7页``), metadata the text itself does not state or that the archive learned
  elsewhere (文种, 公开属性, 索引号, 主题分类, 发布日期, 登记号), the archive id and the SHA-256
  of the body;
* the **body**: the text in print order, one paragraph per line, exactly as
  :func:`gazette.model.canonical_text` normalises it. The carrier's paragraphs come first, then
  each attachment (附件) after a line naming it, then the carrier's 版记 (抄送, 印发), which
  GB/T 9704 prints after the attachments.

The header and the body never mix: the header is a block of ``【label：value】`` lines, the body
follows after it (in plain text, after one blank line). The body hash is therefore a hash of
the text alone. For a document without attachments the body *is* the canonical text of the
version exported, so its SHA-256 equals :attr:`gazette.model.TextVersion.content_hash`; for a
document with attachments it is the canonical text of the whole (carrier and attachments in
print order), and each text's own content hash is listed in the JSON export.

The header is also how the archive recognises its own exports when they are ingested again
(:func:`parse_header`): the lines are dropped from the text and their metadata kept.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence

import attrs

from gazette.lifecycle import status_on, text_on
from gazette.model import (
    Block,
    BlockKind,
    DisclosureAttribute,
    Document,
    OcrInfo,
    Publication,
    TextOrigin,
    TextVersion,
)
from gazette.status import Status, StatusValue

# --- header ---------------------------------------------------------------------------------

HASH_LABEL = "SHA-256"
STANDARD_LABEL = "标准文本"
SOURCE_LABEL = "文本来源"
STANDARD_ELSEWHERE_LABEL = "标准文本刊载于"
STATUS_DATE_LABEL = "状态日期"
ID_LABEL = "档案编号"
# Metadata that the text of a document does not state (or that the archive learned from
# elsewhere, such as a portal's metadata table), carried in the header so that an export
# ingested again keeps it. Labels are the ones portals use.
DOC_TYPE_LABEL = "文种"
DISCLOSURE_LABEL = "公开属性"
INDEX_NUMBER_LABEL = "索引号"
SUBJECT_LABEL = "主题分类"
PUBLISHED_LABEL = "发布日期"
REGISTRATION_LABEL = "登记号"


_HEADER_LINE = re.compile(r"^【(?P<body>[^【】]+)】$")
_FIELD = re.compile(r"^(?P<label>[^：:]{1,12})[：:](?P<value>.+)$")
_HASH_VALUE = re.compile(r"^[0-9a-f]{64}$")


@attrs.frozen
class HeaderField:
    """One line of the header.

    Attributes:
        label: what the line says (``标准文本``); ``None`` for the status mark, which stands
            alone so that it reads as a mark.
        value: the text.
    """

    label: str | None
    value: str

    @property
    def line(self) -> str:
        """The line as every text format writes it: ``【label：value】``."""
        return f"【{self.value}】" if self.label is None else f"【{self.label}：{self.value}】"


@attrs.frozen
class ParsedHeader:
    """A header read back from an export (see :func:`parse_header`).

    Attributes:
        status_mark: the status mark line, if any.
        fields: the labelled lines, in order.
        body_hash: the SHA-256 the header states for the body.
    """

    status_mark: str | None
    fields: tuple[tuple[str, str], ...]
    body_hash: str

    def get(self, label: str) -> str | None:
        return next((value for key, value in self.fields if key == label), None)


def parse_header(lines: Sequence[str]) -> tuple[ParsedHeader, int] | None:
    """Recognise an export header at the start of ``lines``.

    The header is a run of ``【…】`` lines ending with a ``【SHA-256：<64 hex>】`` line; a
    heading such as ``【国务院文件】`` in a gazette is not one.

    Returns:
        The header and the number of lines it takes, or ``None`` when the lines do not start
        with one.
    """
    mark: str | None = None
    fields: list[tuple[str, str]] = []
    body_hash: str | None = None
    count = 0
    for line in lines:
        match = _HEADER_LINE.match(unicodedata.normalize("NFC", line).strip())
        if not match:
            break
        count += 1
        body = match["body"]
        field = _FIELD.match(body)
        if field and field["label"] == HASH_LABEL and _HASH_VALUE.match(field["value"]):
            body_hash = field["value"]
            break  # the hash line ends the header
        if field and not body.startswith(tuple(v.label for v in StatusValue)):
            fields.append((field["label"], field["value"]))
        elif mark is None:
            mark = body
        else:
            fields.append(("", body))
    if body_hash is None:
        return None
    return ParsedHeader(mark, tuple(fields), body_hash), count


def status_text(status: Status) -> str:
    """The status line: the full mark for marked statuses, the label otherwise."""
    if status.value.marked:
        return status.mark()
    if status.value == StatusValue.UNKNOWN:
        return "时效性未知"
    if status.value == StatusValue.NOT_YET_IN_FORCE and status.version is not None:
        start = status.version.effective
        if start is not None:
            basis = status.basis
            note = f"；{basis.note_cn}" if basis.inferred and basis.note else ""
            return f"{status.label}（自{chinese_date(start)}起施行{note}）"
    if status.basis.inferred and status.since is not None:
        # An inferred date is shown as one, never as fact.
        return f"{status.label}（自{chinese_date(status.since)}起；{inference_note(status)}）"
    return status.label


def inference_note(status: Status) -> str:
    """The Chinese note an inferred date carries (``公布日期未载明，按通过日期推定``)."""
    note = status.basis.note or ""
    found = re.search(r"[^；;]*推定", note)
    return found[0].strip() if found else "日期系推定"


def ocr_note(ocr: OcrInfo) -> str:
    """The note on a text recognised from page images, wherever it is shown."""
    return f"OCR识别文本，未经校对（{ocr.engine}，置信度{ocr.confidence:g}）"


def chinese_date(value: _dt.date) -> str:
    """``2024年11月1日``."""
    return f"{value.year}年{value.month}月{value.day}日"


def standard_publication(doc: Document, text: TextVersion | None) -> Publication | None:
    """The gazette publication a text was printed in (its pages matching, if stated)."""
    gazettes = [p for p in doc.publications if p.channel == "gazette"]
    if not gazettes:
        return None
    if text is not None and text.pages is not None:
        for pub in gazettes:
            if pub.pages is not None and pub.pages[0] <= text.pages[0] <= pub.pages[1]:
                return pub
    return gazettes[0]


def source_fields(doc: Document, text: TextVersion | None) -> list[HeaderField]:
    """Where the text comes from: the standard text's gazette, or the rendition's origin."""
    if text is None:
        return []
    pub = standard_publication(doc, text)
    if text.standard or text.origin == TextOrigin.GAZETTE:
        where = pub.label if pub is not None else "政府公报（期号不详）"
        return [HeaderField(STANDARD_LABEL, where)]
    out = [HeaderField(SOURCE_LABEL, f"{text.origin.label}（非标准文本）")]
    if pub is not None:
        out.append(HeaderField(STANDARD_ELSEWHERE_LABEL, pub.label))
    return out


# --- body -----------------------------------------------------------------------------------

_IMPRINT = (BlockKind.CC, BlockKind.PRINTED)


def _line(block: Block) -> str:
    # Exactly canonical_text's normalisation, so the body equals the canonical text.
    return unicodedata.normalize("NFC", block.text).strip()


_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_CJK_SPACES = re.compile(rf"(?<=[{_CJK}]) +(?=[{_CJK}])")


def display(text: str) -> str:
    """A paragraph as the layout formats (md, html, docx) print it: a space between Chinese
    characters — between the organs of a joint signature, in ``总理 李克强`` — is written as
    an ideographic space (U+3000), which readers keep, where a narrow one is taken for an
    extraction artefact and dropped."""
    return _CJK_SPACES.sub("\u3000", text)


@attrs.frozen
class Section:
    """One document's text in print order: the carrier, or an attachment.

    Attributes:
        doc: the document.
        status: its status on the date of the export.
        text: the text version exported (the one in force on that date), if any.
        label: the attachment's label (``附件1``); ``None`` for the carrier.
        body: the paragraphs before the 版记.
        imprint: the 版记 (抄送, 印发), printed after the attachments.
        parts: the attachments, in order.
    """

    doc: Document
    status: Status
    text: TextVersion | None
    label: str | None
    body: tuple[Block, ...]
    imprint: tuple[Block, ...]
    parts: tuple[Section, ...]

    @classmethod
    def from_document(cls, doc: Document, on: _dt.date, *, label: str | None = None) -> Section:
        status = status_on(doc, on)
        text = status.version or text_on(doc, on) or doc.text
        blocks = tuple(b for b in (text.blocks if text else ()) if _line(b))
        cut = len(blocks)
        while cut > 0 and blocks[cut - 1].kind in _IMPRINT:
            cut -= 1
        parts = tuple(
            cls.from_document(
                part,
                on,
                label=part.part_label or ("附件" if len(doc.parts) == 1 else f"附件{k}"),
            )
            for k, part in enumerate(doc.parts, start=1)
        )
        return cls(
            doc=doc,
            status=status,
            text=text,
            label=label,
            body=blocks[:cut],
            imprint=blocks[cut:],
            parts=parts,
        )

    def items(self, *, depth: int = 0) -> Iterable[tuple[Section, Block | None, str]]:
        """Every body line in print order as ``(section, block, line)``.

        Attachment labels come with ``block`` set to ``None``. Only attachments of the
        document itself get a label line: an attachment's own attachment follows its text
        unlabelled, as it stands in the source (a label line there would make it an
        attachment of the document when the text is read again).
        """
        for block in self.body:
            yield self, block, _line(block)
        for part in self.parts:
            if depth == 0:
                yield part, None, part.label or "附件"
            yield from part.items(depth=depth + 1)
        for block in self.imprint:
            yield self, block, _line(block)


@attrs.frozen
class Rendition:
    """A document ready to be written in any format.

    Attributes:
        doc: the document (as the view that read it may show it).
        on: the date the status and the text are judged on.
        main: the carrier's section, with its attachments.
        header: the header lines.
    """

    doc: Document
    on: _dt.date
    main: Section
    header: tuple[HeaderField, ...]

    @property
    def status(self) -> Status:
        return self.main.status

    @property
    def text(self) -> TextVersion | None:
        return self.main.text

    @property
    def lines(self) -> list[str]:
        """The body, one paragraph per line."""
        return [line for _, _, line in self.main.items()]

    @property
    def body(self) -> str:
        """The body as the canonical text writes it (final newline; empty without text)."""
        lines = self.lines
        return "\n".join(lines) + "\n" if lines else ""

    @property
    def body_hash(self) -> str:
        """SHA-256 of :attr:`body`."""
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()

    @property
    def header_lines(self) -> list[str]:
        return [field.line for field in self.header]

    def marks(self) -> list[str]:
        """Status marks of attachments whose own status differs from the carrier's and is
        marked (``附件2：已废止（…）``)."""
        out = []
        for part in _walk_parts(self.main):
            if part.status.value.marked and part.status.value != self.status.value:
                out.append(f"{part.label}：{part.status.mark()}")
        return out


def _walk_parts(section: Section) -> Iterable[Section]:
    for part in section.parts:
        yield part
        yield from _walk_parts(part)


def build(doc: Document, *, on: _dt.date | None = None) -> Rendition:
    """The rendition of a document on a date (today by default)."""
    on = on or _dt.date.today()
    main = Section.from_document(doc, on)
    header: list[HeaderField] = [HeaderField(None, status_text(main.status))]
    header.append(HeaderField(STATUS_DATE_LABEL, chinese_date(on)))
    rendition = Rendition(doc=doc, on=on, main=main, header=())
    header.extend(HeaderField(None, mark) for mark in rendition.marks())
    if main.text is not None and main.text.ocr is not None:
        header.append(HeaderField(None, ocr_note(main.text.ocr)))
    header.extend(source_fields(doc, main.text))
    disclosure = doc.disclosure.attribute
    for label, value in (
        (DOC_TYPE_LABEL, doc.doc_type),
        (DISCLOSURE_LABEL, disclosure.label if disclosure != DisclosureAttribute.UNKNOWN else None),
        (INDEX_NUMBER_LABEL, doc.index_number),
        (SUBJECT_LABEL, doc.subject),
        (PUBLISHED_LABEL, chinese_date(doc.published_date) if doc.published_date else None),
        (REGISTRATION_LABEL, doc.registration_number),
        (ID_LABEL, doc.id),
    ):
        if value:
            header.append(HeaderField(label, value))
    header.append(HeaderField(HASH_LABEL, rendition.body_hash))
    return attrs.evolve(rendition, header=tuple(header))


__all__ = [
    "HASH_LABEL",
    "HeaderField",
    "ParsedHeader",
    "Rendition",
    "Section",
    "build",
    "chinese_date",
    "display",
    "inference_note",
    "parse_header",
    "status_text",
]
