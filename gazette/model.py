"""The domain model: documents, their texts, events, disclosure, links and publications.

Everything here is an immutable ``attrs`` value. A :class:`Document` is a *work* (one
normative act, one notice): it has metadata, one or more :class:`TextVersion` s (the text as
amended over time, each possibly in several renditions: the gazette's standard text, a portal
page, a Word file), :class:`LifecycleEvent` s from which its validity is computed, its
:class:`Disclosure` attribute, :class:`InterpretationLink` s and :class:`Publication` s, and the
:class:`SourceFile` s it was read from. Attachments (附件) are documents too, held in
:attr:`Document.parts`.

Gazettes are modelled by :class:`GazetteIssue` and :class:`IssueItem`.

Serialisation lives elsewhere (``gazette.export``); this module has no I/O.
"""

from __future__ import annotations

import datetime as _dt
import enum
import hashlib
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from gazette import wording
from gazette.dates import to_optional_date
from gazette.docnumber import DocNumber
from gazette.errors import InvalidArgument

# --- small converters (normalising and idempotent) -----------------------------------------


def _strip_or_none(value: str | None) -> str | None:
    if value is None:
        return None
    value = unicodedata.normalize("NFC", value).strip()
    return value or None


def _tuple_of_str(values: Iterable[str] | None) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = (values,)
    out: list[str] = []
    for value in values:
        cleaned = _strip_or_none(value)
        if cleaned and cleaned not in out:
            out.append(cleaned)
    return tuple(out)


def _to_docnumber(value: DocNumber | str | None) -> DocNumber | None:
    if value is None or isinstance(value, DocNumber):
        return value
    return DocNumber.parse(value)


def _to_tuple(values: Iterable[Any] | None) -> tuple[Any, ...]:
    return () if values is None else tuple(values)


# --- text ----------------------------------------------------------------------------------


class BlockKind(enum.StrEnum):
    """What a paragraph of a document's text is (GB/T 9704 element or body structure)."""

    HEADER = "header"  # 版头: 份号, 密级, 紧急程度, 发文机关标志, 发文字号, 签发人
    TITLE = "title"  # 标题
    SUBTITLE = "subtitle"  # 题注 of a law or regulation
    PREAMBLE = "preamble"  # 令 promulgation paragraph
    RECIPIENTS = "recipients"  # 主送机关
    HEADING = "heading"  # 一、 / （一） / 1. / （1） / 第一章 / 第一节
    ARTICLE = "article"  # 第一条 … (laws and regulations)
    PARAGRAPH = "paragraph"  # 正文
    TABLE = "table"  # a table, rows as tab-separated lines
    ATTACHMENT_NOTE = "attachment_note"  # 附件说明
    SIGNATURE = "signature"  # 发文机关署名 / 签署人
    DATE = "date"  # 成文日期
    NOTE = "note"  # 附注
    CC = "cc"  # 抄送机关
    PRINTED = "printed"  # 印发机关和印发日期

    @property
    def label(self) -> str:
        """The Chinese name (:data:`gazette.wording.BLOCK_KIND`)."""
        return wording.BLOCK_KIND[self.value]


@attrs.frozen
class Block:
    """One paragraph of a document's text.

    Attributes:
        text: the paragraph, NFC-normalised, no line breaks inside.
        kind: what the paragraph is.
        level: heading depth (1 = 一、 or 第一章, 2 = （一） or 第一节, 3 = 1., 4 = （1）).
        page: the printed page (or PDF page) the paragraph starts on, when known.
    """

    text: str = attrs.field(converter=lambda s: unicodedata.normalize("NFC", s))
    kind: BlockKind = attrs.field(default=BlockKind.PARAGRAPH, converter=BlockKind)
    level: int | None = None
    page: int | None = None


class TextOrigin(enum.StrEnum):
    """Where a rendition of a text came from."""

    GAZETTE = "gazette"  # printed in a gazette issue: the standard text (标准文本)
    PORTAL = "portal"  # a government portal page
    FILE = "file"  # a file an archivist supplied (DOCX, PDF, text)
    MANUAL = "manual"

    @property
    def label(self) -> str:
        """The Chinese name (:data:`gazette.wording.TEXT_ORIGIN`)."""
        return wording.TEXT_ORIGIN[self.value]


@attrs.frozen
class OcrInfo:
    """How a text was recognised from page images.

    Attributes:
        engine: e.g. ``tesseract 5.3.0 chi_sim``.
        confidence: mean word confidence over all pages, 0-100.
        pages: per page ``(page, confidence)``.
    """

    engine: str
    confidence: float
    pages: tuple[tuple[int, float], ...] = attrs.field(default=(), converter=_to_tuple)


def _to_box(values: Iterable[float]) -> tuple[float, float, float, float]:
    x0, top, x1, bottom = (float(v) for v in values)
    return (x0, top, x1, bottom)


@attrs.frozen
class OcrLine:
    """One line (or, on a vertical page, one column) recognised on a page image.

    Attributes:
        text: what was read.
        box: ``(x0, top, x1, bottom)`` in points from the top left of the page, once the page
            is turned by its :attr:`OcrPage.angle` (the box a viewer draws over the image).
        confidence: the engine's confidence, 0-100.
    """

    text: str
    box: tuple[float, float, float, float] = attrs.field(converter=_to_box)
    confidence: float = 0.0


def _to_lines(values: Iterable[OcrLine]) -> tuple[OcrLine, ...]:
    return tuple(values)


@attrs.frozen
class OcrPage:
    """What OCR read on one page image, kept so the image and its text can be shown side by
    side, and so a page the engine failed on is known.

    Attributes:
        page: 1-based page of the original (PDF page index).
        width, height: the page's size in points.
        engine: what recognised it (``rapidocr 3.10.0 …``, ``tesseract 5.3.0 chi_sim``).
        lines: the lines in reading order.
        confidence: mean confidence weighted by text length (``None``: nothing read).
        vertical: the page is set in vertical columns (read right to left).
        angle: the turn (degrees, counter-clockwise) that straightened the page before
            recognition; boxes refer to the turned page.
        error: why the page could not be recognised (it then needs OCR again).
    """

    page: int
    width: float
    height: float
    engine: str
    lines: tuple[OcrLine, ...] = attrs.field(default=(), converter=_to_lines)
    confidence: float | None = None
    vertical: bool = False
    angle: float = 0.0
    error: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def failed(self) -> bool:
        return self.error is not None


@attrs.frozen
class PendingOcr:
    """An original with pages that still need OCR: never recognised (no engine could run
    where it was ingested), or recognised but failed on by the engine or its worker.

    Attributes:
        source: the original.
        pages: the 1-based pages that need OCR.
        reasons: why, per page (``(page, reason)``, in page order).
        documents: how many documents the archive already holds from it (what was read on
            its other pages).
    """

    source: SourceFile
    pages: tuple[int, ...] = attrs.field(converter=_to_tuple)
    reasons: tuple[tuple[int, str], ...] = attrs.field(default=(), converter=_to_tuple)
    documents: int = 0


def canonical_text(blocks: Iterable[Block]) -> str:
    """The canonical standard text: NFC, one paragraph per line, final newline.

    This string's SHA-256 is a text's content hash.
    """
    lines = [unicodedata.normalize("NFC", block.text).strip() for block in blocks]
    return "\n".join(line for line in lines if line) + "\n"


@attrs.frozen
class TextVersion:
    """One rendition of one version of a document's text.

    A document amended over time has several versions (``adopted`` dates differ); one version
    may arrive in several renditions (gazette, portal, file). The gazette rendition is the
    standard text.

    Attributes:
        blocks: the paragraphs.
        origin: where the rendition came from.
        source_sha256: the original file it was read from, if any.
        adopted: the date this version was adopted (公布, 修正, 修订), when known.
        effective: the date this version took effect, when known.
        label: how the version is called, e.g. ``2018年修正``.
        standard: whether this is the standard text (printed in a gazette).
        ocr: set when the text was recognised from images.
        pages: the page range of the source it came from, when known.
        id: assigned by the archive.
    """

    blocks: tuple[Block, ...] = attrs.field(converter=_to_tuple)
    origin: TextOrigin = attrs.field(default=TextOrigin.FILE, converter=TextOrigin)
    source_sha256: str | None = None
    adopted: _dt.date | None = attrs.field(default=None, converter=to_optional_date)
    effective: _dt.date | None = attrs.field(default=None, converter=to_optional_date)
    label: str | None = None
    standard: bool = False
    ocr: OcrInfo | None = None
    pages: tuple[int, int] | None = None
    id: int | None = attrs.field(default=None, eq=False)

    @property
    def text(self) -> str:
        """The canonical text (see :func:`canonical_text`)."""
        return canonical_text(self.blocks)

    @property
    def content_hash(self) -> str:
        """SHA-256 of the canonical text."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


# --- references and provenance -------------------------------------------------------------


@attrs.frozen
class DocRef:
    """A reference to a document as another text writes it.

    Attributes:
        text: the reference exactly as written (``《法规规章备案条例》``).
        title: the title it names, without 《》, if any.
        number: the document number it names, if any.
        resolved_id: the archive document it resolves to, once resolved.
    """

    text: str
    title: str | None = attrs.field(default=None, converter=_strip_or_none)
    number: DocNumber | None = attrs.field(default=None, converter=_to_docnumber)
    resolved_id: str | None = None

    def with_resolved(self, doc_id: str | None) -> DocRef:
        return attrs.evolve(self, resolved_id=doc_id)


class ProvenanceKind(enum.StrEnum):
    """How a fact came to be known."""

    PARSED = "parsed"  # read from a document's text
    METADATA = "metadata"  # read from a portal metadata table or file properties
    IMPORTED = "imported"  # imported from a list (CSV, cleanup list)
    MANUAL = "manual"  # entered by a person
    INHERITED = "inherited"  # taken over from a carrier notice or forwarded document
    POLICY = "policy"  # derived from a configured rule (e.g. default validity period)
    INFERRED = "inferred"  # inferred from what the text states (an adoption date standing for
    # a publication date it does not give); marked as an inference wherever it is shown

    @property
    def label(self) -> str:
        """The Chinese name (:data:`gazette.wording.PROVENANCE_KIND`)."""
        return wording.PROVENANCE_KIND[self.value]


@attrs.frozen
class Provenance:
    """Where a fact was learned.

    Attributes:
        kind: parsed, imported, manual, …
        source: the document id it was parsed from, the list it was imported from, …
        excerpt: the sentence or row the fact was read from.
        by: who entered it (manual facts).
        at: when it was recorded.
    """

    kind: ProvenanceKind = attrs.field(converter=ProvenanceKind)
    source: str | None = None
    excerpt: str | None = None
    by: str | None = None
    at: _dt.datetime | None = None


# --- lifecycle -----------------------------------------------------------------------------


class EventKind(enum.StrEnum):
    """Kinds of lifecycle events (DOMAIN.md §3)."""

    PROMULGATED = "promulgated"  # 公布 / 发布 / 印发 (a law's adoption, 通过, too)
    APPROVED = "approved"  # 批准 (a city's regulation approved by the provincial congress)
    EFFECTIVE = "effective"  # 施行 / 生效
    VALID_UNTIL = "valid_until"  # last day of a stated validity period (有效期至)
    RENEWED = "renewed"  # validity extended (清理: 继续有效), optionally to a new date
    AMENDED = "amended"  # 修改 / 修正 / 修订
    PARTIALLY_INVALID = "partially_invalid"  # 部分条款失效 / 废止
    REPEALED = "repealed"  # 废止
    EXPIRED = "expired"  # 失效
    DECLARED_INVALID = "declared_invalid"  # 宣布失效
    CLEANUP_OUTCOME = "cleanup_outcome"  # a 清理结果 outcome, see CleanupOutcome
    CORRECTED = "corrected"  # 更正 (a correction of the text, no change of status)

    @property
    def label(self) -> str:
        """The Chinese name (:data:`gazette.wording.EVENT_KIND`)."""
        return wording.EVENT_KIND[self.value]


class CleanupOutcome(enum.StrEnum):
    """Outcomes listed by a cleanup result (清理结果)."""

    CONTINUE = "continue"  # 继续有效
    AMEND = "amend"  # 修改 / 需修改后重新发布
    REPEAL = "repeal"  # 废止
    DECLARE_INVALID = "declare_invalid"  # 宣布失效
    PARTIALLY_INVALID = "partially_invalid"  # 部分条款失效

    @property
    def label(self) -> str:
        """The Chinese name (:data:`gazette.wording.CLEANUP_OUTCOME`)."""
        return wording.CLEANUP_OUTCOME[self.value]


@attrs.frozen
class LifecycleEvent:
    """One dated fact in a document's life. Status is computed from these.

    Attributes:
        kind: what happened.
        date: when it takes effect; ``None`` when unknown.
        acting: the document that did it (a repeal decision, an amending act), if any.
        articles: the articles affected by a partial change.
        outcome: for ``cleanup_outcome`` events, which outcome.
        provenance: where the fact was learned.
        note: free text.
        id: assigned by the archive.
    """

    kind: EventKind = attrs.field(converter=EventKind)
    date: _dt.date | None = attrs.field(converter=to_optional_date)
    provenance: Provenance
    acting: DocRef | None = None
    articles: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    outcome: CleanupOutcome | None = attrs.field(
        default=None, converter=attrs.converters.optional(CleanupOutcome)
    )
    note: str | None = None
    id: int | None = attrs.field(default=None, eq=False)

    @outcome.validator
    def _outcome_only_for_cleanup(
        self, _: attrs.Attribute[Any], value: CleanupOutcome | None
    ) -> None:
        if (value is not None) != (self.kind == EventKind.CLEANUP_OUTCOME):
            raise ValueError("a cleanup_outcome event needs an outcome; other events take none")


# --- disclosure ----------------------------------------------------------------------------


class DisclosureAttribute(enum.StrEnum):
    """公开属性 (DOMAIN.md §4)."""

    PROACTIVE = "proactive"  # 主动公开
    ON_REQUEST = "on_request"  # 依申请公开
    WITHHELD = "withheld"  # 不予公开
    PARTIAL = "partial"  # 部分公开
    UNKNOWN = "unknown"  # not determined: treated as not public

    @property
    def label(self) -> str:
        """The Chinese name (:data:`gazette.wording.DISCLOSURE_ATTRIBUTE`)."""
        return wording.DISCLOSURE_ATTRIBUTE[self.value]

    @property
    def public(self) -> bool:
        """Whether the public view may show documents with this attribute."""
        return self in (DisclosureAttribute.PROACTIVE, DisclosureAttribute.PARTIAL)


class Ground(enum.StrEnum):
    """Legal grounds for not disclosing (政府信息公开条例 2019, 第十四、十五、十六条)."""

    STATE_SECRET = "art14_state_secret"  # 第十四条 国家秘密
    SECURITY_STABILITY = "art14_security_stability"  # 第十四条 危及安全、稳定
    LAW_PROHIBITS = "art14_law_prohibits"  # 第十四条 法律、行政法规禁止公开
    TRADE_SECRET = "art15_trade_secret"  # 第十五条 商业秘密
    PERSONAL_PRIVACY = "art15_personal_privacy"  # 第十五条 个人隐私
    INTERNAL_AFFAIRS = "art16_internal_affairs"  # 第十六条 内部事务信息
    PROCESS_INFORMATION = "art16_process_information"  # 第十六条 过程性信息
    ENFORCEMENT_CASE = "art16_enforcement_case"  # 第十六条 行政执法案卷信息

    @property
    def label(self) -> str:
        """The Chinese name (:data:`gazette.wording.GROUND`)."""
        return wording.GROUND[self.value]


def _to_grounds(values: Iterable[Ground | str] | None) -> tuple[Ground, ...]:
    return tuple(Ground(value) for value in (values or ()))


@attrs.frozen
class Disclosure:
    """A document's disclosure attribute and why.

    Attributes:
        attribute: proactive, on request, withheld, partial or unknown.
        reason: free-text reason (required for on request, withheld and partial when set by hand).
        grounds: the legal grounds from the closed list.
        basis: how the attribute is known (``附注：（此件公开发布）``,
            ``printed in 济南市人民政府公报``).
        provenance: where the attribute was learned.
        withheld_blocks: for ``partial``, the indexes of the paragraphs withheld, as numbered
            in the text they were chosen in (the current text when the decision was made).
        withheld_fingerprints: for ``partial``, what is withheld: the fingerprint of each
            withheld paragraph's content (see :func:`gazette.redaction.fingerprint`), which
            finds the paragraph in every rendition and version of the text.
    """

    attribute: DisclosureAttribute = attrs.field(
        default=DisclosureAttribute.UNKNOWN, converter=DisclosureAttribute
    )
    reason: str | None = None
    grounds: tuple[Ground, ...] = attrs.field(default=(), converter=_to_grounds)
    basis: str | None = None
    provenance: Provenance | None = None
    withheld_blocks: tuple[int, ...] = attrs.field(default=(), converter=_to_tuple)
    withheld_fingerprints: tuple[str, ...] = attrs.field(default=(), converter=_to_tuple)


# --- links and publications ----------------------------------------------------------------


class InterpretationForm(enum.StrEnum):
    """Forms of policy interpretation (DOMAIN.md §5)."""

    TEXT = "text"  # 文字解读
    GRAPHIC = "graphic"  # 图解 / 一图读懂
    MEDIA = "media"  # 音视频
    EXPERT = "expert"  # 专家解读
    PRESS = "press"  # 答记者问 / 新闻发布会

    @property
    def label(self) -> str:
        """The Chinese name (:data:`gazette.wording.INTERPRETATION_FORM`)."""
        return wording.INTERPRETATION_FORM[self.value]


@attrs.frozen
class InterpretationLink:
    """An interpretation (解读) linked to the policy it explains.

    Attributes:
        policy_id: the policy document.
        interpretation_id: the interpretation document.
        form: text, graphic, media, expert or press.
        method: how the link was made (``title``, ``number``, ``manual``).
        evidence: the text the link was inferred from.
        provenance: where the link was learned.
    """

    policy_id: str
    interpretation_id: str
    form: InterpretationForm = attrs.field(converter=InterpretationForm)
    method: str
    evidence: str | None = None
    provenance: Provenance | None = None


@attrs.frozen(order=True)
class IssueNumber:
    """An issue's number within its year: ``2019年第5号``, combined ``2024年第5、6期``.

    Attributes:
        year: the year.
        first: the (first) issue number.
        last: the last issue number of a combined issue (equal to ``first`` otherwise).
        unit: ``号`` or ``期`` as the gazette writes it.
    """

    year: int
    first: int
    last: int = attrs.field()
    unit: str = attrs.field(default="期", eq=False, order=False)

    @last.default
    def _last_default(self) -> int:
        return self.first

    @last.validator
    def _check_last(self, _: attrs.Attribute[Any], value: int) -> None:
        if value < self.first:
            raise ValueError("a combined issue's last number precedes its first")

    @property
    def numbers(self) -> range:
        return range(self.first, self.last + 1)

    def __str__(self) -> str:
        numbers = "、".join(str(n) for n in self.numbers)
        return f"{self.year}年第{numbers}{self.unit}"


@attrs.frozen
class Publication:
    """Where and when a document was published.

    Attributes:
        channel: ``gazette`` or ``portal``.
        name: the gazette's name or the portal's.
        issue: the gazette issue.
        total: the running total of the issue (总号).
        pages: printed page range in the issue.
        date: publication date.
        url: the portal address.
        issue_id: the archive's issue record, for gazette publications.
    """

    channel: str
    name: str | None = None
    issue: IssueNumber | None = None
    total: int | None = None
    pages: tuple[int, int] | None = None
    date: _dt.date | None = attrs.field(default=None, converter=to_optional_date)
    url: str | None = None
    issue_id: int | None = None

    @property
    def label(self) -> str:
        """``济南市人民政府公报 2019年第5号 第4–7页`` (a portal page: ``青川市人民政府网
        2020-04-02``), as ``--json`` has it."""
        return self._label(self.channel, self.date.isoformat() if self.date else None)

    @property
    def label_cn(self) -> str:
        """The label as people read it, the date written the Chinese way
        (``青川市人民政府网 2020年4月2日``)."""
        channel = wording.name(wording.CHANNEL, self.channel)
        return self._label(channel, wording.date(self.date) if self.date else None)

    def _label(self, channel: str, date: str | None) -> str:
        parts = [self.name or channel]
        if self.issue is not None:
            parts.append(str(self.issue))
        if self.pages is not None:
            first, last = self.pages
            parts.append(f"第{first}页" if first == last else f"第{first}–{last}页")
        if self.issue is None and date is not None:
            parts.append(date)
        return " ".join(parts)


@attrs.frozen
class SourceFile:
    """An original file a document was read from, stored once under its SHA-256.

    Attributes:
        sha256: content hash of the bytes.
        format: ``txt``, ``md``, ``html``, ``docx``, ``pdf``, ``ofd``.
        path: the path it was ingested from (as given).
        size: size in bytes.
        notes: what a reader of the document should know about this file (an export of the
            archive whose body was edited after export).
    """

    sha256: str
    format: str
    path: str
    size: int
    notes: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str, eq=False)


# --- the document --------------------------------------------------------------------------


@attrs.frozen
class Document:
    """A document (work) with everything the archive knows about it.

    Unknown values are ``None`` (or empty), never guessed. Dates are :class:`datetime.date`.

    Attributes:
        id: the archive id, ``None`` before the document is stored.
        title: 标题.
        doc_number: 发文字号.
        doc_type: 文种 (通知, 意见, 令, 条例, …).
        issuers: 发文机关 (several for joint documents).
        issuer_mark: 发文机关标志 as printed (``济南市人民政府办公厅文件``).
        signer: 签发人, or the signer of a decree (``总理 李克强``).
        copy_number: 份号.
        secrecy: 密级和保密期限 (``机密★1年``).
        urgency: 紧急程度.
        recipients: 主送机关.
        cc: 抄送机关.
        written_date: 成文日期.
        published_date: 发布日期.
        printed_by: 印发机关.
        printed_date: 印发日期.
        note: 附注 as written.
        attachment_notes: 附件说明 entries.
        registration_number: registration number of a normative document (``HFGS—2017—9``).
        index_number: portal catalogue key (索引号).
        subject: 主题分类.
        disclosure: the disclosure attribute.
        texts: the text versions and renditions, oldest first.
        events: lifecycle events.
        interpretations: interpretation links (where this is the policy or the interpretation).
        publications: where the document was published.
        sources: original files.
        parts: attachments, each a document of its own.
        parent_id: the carrier document, for an attachment.
        part_label: ``附件1`` for an attachment.
        ocr: whether the document's text came from OCR.
    """

    title: str | None = attrs.field(default=None, converter=_strip_or_none)
    doc_number: DocNumber | None = attrs.field(default=None, converter=_to_docnumber)
    doc_type: str | None = attrs.field(default=None, converter=_strip_or_none)
    issuers: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    issuer_mark: str | None = attrs.field(default=None, converter=_strip_or_none)
    signer: str | None = attrs.field(default=None, converter=_strip_or_none)
    copy_number: str | None = attrs.field(default=None, converter=_strip_or_none)
    secrecy: str | None = attrs.field(default=None, converter=_strip_or_none)
    urgency: str | None = attrs.field(default=None, converter=_strip_or_none)
    recipients: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    cc: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    written_date: _dt.date | None = attrs.field(default=None, converter=to_optional_date)
    published_date: _dt.date | None = attrs.field(default=None, converter=to_optional_date)
    printed_by: str | None = attrs.field(default=None, converter=_strip_or_none)
    printed_date: _dt.date | None = attrs.field(default=None, converter=to_optional_date)
    note: str | None = attrs.field(default=None, converter=_strip_or_none)
    attachment_notes: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    registration_number: str | None = attrs.field(default=None, converter=_strip_or_none)
    index_number: str | None = attrs.field(default=None, converter=_strip_or_none)
    subject: str | None = attrs.field(default=None, converter=_strip_or_none)
    disclosure: Disclosure = attrs.field(factory=Disclosure)
    texts: tuple[TextVersion, ...] = attrs.field(default=(), converter=_to_tuple)
    events: tuple[LifecycleEvent, ...] = attrs.field(default=(), converter=_to_tuple)
    interpretations: tuple[InterpretationLink, ...] = attrs.field(default=(), converter=_to_tuple)
    publications: tuple[Publication, ...] = attrs.field(default=(), converter=_to_tuple)
    sources: tuple[SourceFile, ...] = attrs.field(default=(), converter=_to_tuple)
    parts: tuple[Document, ...] = attrs.field(default=(), converter=_to_tuple)
    parent_id: str | None = None
    part_label: str | None = None
    id: str | None = None

    # --- derived views --------------------------------------------------------------------

    @property
    def text(self) -> TextVersion | None:
        """The current text: the latest version, its standard rendition when there is one."""
        return current_text(self.texts)

    @property
    def effective_date(self) -> _dt.date | None:
        """The first effective date recorded in the events."""
        dates = [e.date for e in self.events if e.kind == EventKind.EFFECTIVE and e.date]
        return min(dates) if dates else None

    @property
    def expiry_date(self) -> _dt.date | None:
        """The last day of the stated validity period, if any (the latest one recorded)."""
        dates = [e.date for e in self.events if e.kind == EventKind.VALID_UNTIL and e.date]
        return max(dates) if dates else None

    @property
    def display_title(self) -> str:
        """The title, or a placeholder naming what is known."""
        if self.title:
            return self.title
        if self.doc_number:
            return f"（无标题）{self.doc_number}"
        return "（无标题）"

    # --- changes --------------------------------------------------------------------------

    def with_disclosure(self, disclosure: Disclosure) -> Document:
        return attrs.evolve(self, disclosure=disclosure)

    def with_events(self, *events: LifecycleEvent) -> Document:
        return attrs.evolve(self, events=self.events + events)

    def with_texts(self, *texts: TextVersion) -> Document:
        return attrs.evolve(self, texts=self.texts + texts)

    def with_parts(self, *parts: Document) -> Document:
        return attrs.evolve(self, parts=self.parts + parts)

    def with_publications(self, *publications: Publication) -> Document:
        return attrs.evolve(self, publications=self.publications + publications)

    def with_sources(self, *sources: SourceFile) -> Document:
        return attrs.evolve(self, sources=self.sources + sources)

    def with_id(self, doc_id: str) -> Document:
        return attrs.evolve(self, id=doc_id)


def best_rendition(renditions: Sequence[TextVersion]) -> TextVersion:
    """Among renditions of one version: the standard one (printed in a gazette), and among
    those, one read from text (born digital, Word, web) before one recognised by OCR; else
    the first."""
    standard = [t for t in renditions if t.standard] or list(renditions)
    return min(standard, key=lambda t: t.ocr is not None)


def rendition(doc: Document, selector: str) -> TextVersion:
    """One rendition of ``doc``'s texts, chosen by text id (``12``), by origin
    (``gazette``, ``portal``, ``file``, ``manual``: the first held) or ``standard`` (the
    standard rendition, see :func:`best_rendition`).

    Raises:
        InvalidArgument: no rendition fits ``selector``.
    """
    texts = doc.texts
    found = next((t for t in texts if selector.isdigit() and t.id == int(selector)), None)
    if found is None and selector in {o.value for o in TextOrigin}:
        found = next((t for t in texts if t.origin.value == selector), None)
    if found is None and selector == "standard" and any(t.standard for t in texts):
        found = best_rendition(texts)
    if found is None:
        have = "、".join(f"{t.id}（{t.origin.label}）" for t in texts) or "无"
        raise InvalidArgument(
            f"{doc.id} 没有“{selector}”这一文本",
            hint=f"其文本为：{have}；请用 `REF@standard`、`REF@portal` 或 `REF@文本编号`",
        )
    return found


def against_standard(texts: Sequence[TextVersion]) -> list[tuple[TextVersion, TextVersion]]:
    """Each rendition paired with the one it is compared against: the standard rendition
    (:func:`best_rendition`), in the order held; empty when there is one rendition or none."""
    if len(texts) < 2:
        return []
    base = best_rendition(texts)
    return [(text, base) for text in texts if text is not base]


def version_start(version: TextVersion) -> _dt.date | None:
    """The day a text version took effect (its effective date, else its adoption date)."""
    return version.effective or version.adopted


def current_text(texts: Iterable[TextVersion]) -> TextVersion | None:
    """Pick the latest version (by :func:`version_start`; a version with no date at all is the
    oldest), and its best rendition (:func:`best_rendition`).

    This is the one rule for the current text: the archive's index and public view, the
    text in force on a date (:func:`gazette.lifecycle.text_on`) and every rendering use it.
    """
    ordered = list(texts)
    if not ordered:
        return None
    latest = max(version_start(t) or _dt.date.min for t in ordered)
    same = [t for t in ordered if (version_start(t) or _dt.date.min) == latest]
    return best_rendition(same)


# --- gazettes ------------------------------------------------------------------------------


@attrs.frozen
class IssueItem:
    """One item printed in a gazette issue.

    Attributes:
        seq: position in the issue (1-based).
        title: the item's title as the table of contents or the page gives it.
        section: the 目录 section (``国务院文件``), without brackets.
        pages: printed page range.
        pdf_pages: PDF page range (1-based) the item occupies.
        doc_number: the item's number, if any.
        doc_id: the archive document holding the item's text.
    """

    seq: int
    title: str
    section: str | None = None
    pages: tuple[int, int] | None = None
    pdf_pages: tuple[int, int] | None = None
    doc_number: DocNumber | None = attrs.field(default=None, converter=_to_docnumber)
    doc_id: str | None = None


@attrs.frozen
class Edition:
    """One file an issue arrived in: a scan, the born-digital PDF, a Word file, a web edition.

    Attributes:
        source: the file's SHA-256.
        kind: ``digital``, ``scanned``, ``word`` or ``web``.
        issue_id: the archive's record of the issue as read from this file.
        page_count: pages in the file (``None`` for files without pages).
        needs_ocr: pages of the file that still need recognising.
        ocr: OCR details when the file's pages were recognised.
    """

    source: str | None
    kind: str
    issue_id: int | None = None
    page_count: int | None = None
    needs_ocr: tuple[int, ...] = attrs.field(default=(), converter=_to_tuple)
    ocr: OcrInfo | None = None


@attrs.frozen
class GazetteIssue:
    """One issue of a gazette (政府公报).

    Attributes:
        gazette: the gazette's name (``济南市人民政府公报``).
        number: year and issue number.
        total: running total (总号 / 总第N期).
        date: publication date.
        items: the items, in order.
        source_sha256: the issue file.
        page_count: pages in the file.
        needs_ocr: pages without a usable text layer that could not be recognised.
        ocr: OCR details when pages were recognised.
        id: assigned by the archive.
        editions: the files the issue arrived in, best first (see
            :func:`gazette.gazettes.combine`); the fields above describe the best.
    """

    gazette: str
    number: IssueNumber
    total: int | None = None
    date: _dt.date | None = attrs.field(default=None, converter=to_optional_date)
    items: tuple[IssueItem, ...] = attrs.field(default=(), converter=_to_tuple)
    source_sha256: str | None = None
    page_count: int | None = None
    needs_ocr: tuple[int, ...] = attrs.field(default=(), converter=_to_tuple)
    ocr: OcrInfo | None = None
    id: int | None = None
    editions: tuple[Edition, ...] = attrs.field(default=(), converter=_to_tuple)

    @property
    def label(self) -> str:
        total = f"（总第{self.total}期）" if self.total else ""
        return f"{self.gazette} {self.number}{total}"
