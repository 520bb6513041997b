"""The document (work) with everything the archive knows about it."""

from __future__ import annotations

import datetime as _dt

import attrs

from gazette.dates import to_optional_date
from gazette.docnumber import DocNumber
from gazette.errors import InvalidArgument
from gazette.model._convert import _strip_or_none, _to_docnumber, _to_tuple, _tuple_of_str
from gazette.model.disclosure import Disclosure
from gazette.model.events import EventKind, LifecycleEvent
from gazette.model.publication import InterpretationLink, Publication, SourceFile
from gazette.model.text import TextOrigin, TextVersion, best_rendition, current_text

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
