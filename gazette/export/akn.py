"""Akoma Ntoso 3.0 (OASIS LegalDocML) XML, valid against the official ``akomantoso30.xsd``.

Laws, regulations and rules (法, 条例, 规定, 办法, 细则, 规则, 令, and any text made of articles)
are ``<act>`` documents with a ``<body>``; every other document (通知, 意见, 决定 …) is a
``<doc>`` with a ``<mainBody>``. Both carry:

* ``<identification>`` with FRBR work, expression and manifestation identifiers. The URIs
  follow the AKN naming convention, ``/akn/cn/<type>/<subtype>/<date>/<number>`` with the
  archive id as the number (it is ASCII and unique; the 发文字号 itself is the work's
  ``FRBRnumber`` and a ``docNumber`` alias, the title its ``title`` alias), the expression in
  Chinese (``zho``) at the version's date, the manifestation as ``.xml`` dated on the export's
  status date;
* ``<publication>`` naming the gazette, its issue and date (or the portal) where known;
* ``<lifecycle>`` with one ``<eventRef>`` per dated event (``generation`` for promulgation
  and entry into force, ``amendment`` for amendments, partial invalidity and corrections,
  ``repeal`` for repeal and expiry), each pointing to the acting document (a ``passiveRef``)
  or to the document itself (``original``), and refining the kind through ``refersTo`` a
  ``TLCEvent``;
* ``<proprietary>`` with the status, the disclosure attribute, the content hashes and the
  export header, in the ``urn:gazette:akn:1`` namespace;
* the header (status mark, source of the standard text) as a ``container`` at the top of the
  ``<preface>``, then the 版头 and the title; recipients and a decree's promulgation in the
  ``<preamble>``; the body as a hierarchy (``chapter`` / ``section`` for 章 / 节,
  ``hcontainer`` for 一、 → （一） → 1. → （1）, ``article`` for 条, ``paragraph`` for each
  paragraph and 款); signature, date, 附注 and 版记 in ``<conclusions>``; attachments as
  ``<attachment>`` documents of their own.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Sequence

from lxml import etree

from gazette.dates import try_parse_date
from gazette.export.rendition import Rendition, Section, build, standard_publication, status_text
from gazette.lifecycle import status_intervals
from gazette.model import Block, BlockKind, Document, EventKind, LifecycleEvent, version_start

name = "akn"
suffix = ".xml"
media_type = "application/akn+xml"

NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
GZ = "urn:gazette:akn:1"
_NSMAP = {None: NS, "gz": GZ}

ACT_TYPES = {"法": "law", "条例": "regulation", "规定": "rule", "办法": "rule", "细则": "rule",
             "规则": "rule", "令": "decree"}  # fmt: skip
DOC_NAMES = {
    "通知": "notice", "意见": "opinion", "决定": "decision", "命令": "decree",
    "公告": "announcement", "通告": "circular", "通报": "bulletin", "报告": "report",
    "请示": "request", "批复": "reply", "函": "letter", "纪要": "minutes", "议案": "motion",
    "决议": "resolution", "公报": "communique", "方案": "plan", "答复": "reply",
}  # fmt: skip

_EVENT_TYPES = {
    EventKind.PROMULGATED: "generation",
    EventKind.APPROVED: "generation",
    EventKind.EFFECTIVE: "generation",
    EventKind.RENEWED: "generation",
    EventKind.VALID_UNTIL: "repeal",
    EventKind.AMENDED: "amendment",
    EventKind.PARTIALLY_INVALID: "amendment",
    EventKind.CORRECTED: "amendment",
    EventKind.REPEALED: "repeal",
    EventKind.EXPIRED: "repeal",
    EventKind.DECLARED_INVALID: "repeal",
    EventKind.CLEANUP_OUTCOME: "amendment",
}

_CHAPTER = re.compile(r"^(第[一二三四五六七八九十百零〇]+)([编章节])\s*(.*)$")
_ARTICLE = re.compile(r"^(第[一二三四五六七八九十百零〇]+条(?:之[一二三四五六七八九十]+)?)\s*(.*)$")
_NUMBERED = re.compile(
    r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|[0-9０-９]+[.．、]"
    r"|[（(][0-9０-９]+[）)])\s*(.*)$"
)


def _e(
    tag: str, *children: etree._Element | None, text: str | None = None, **attrs: str | None
) -> etree._Element:
    element = etree.Element(f"{{{NS}}}{tag}", nsmap=_NSMAP)
    for key, value in attrs.items():
        if value is not None:
            element.set(key.rstrip("_"), value)
    if text is not None:
        element.text = text
    for child in children:
        if child is not None:
            element.append(child)
    return element


def _gz(tag: str, text: str | None = None, **attrs: str | None) -> etree._Element:
    element = etree.Element(f"{{{GZ}}}{tag}", nsmap={"gz": GZ})
    for key, value in attrs.items():
        if value is not None:
            element.set(key, value)
    if text is not None:
        element.text = text
    return element


def _p(text: str, class_: str | None = None) -> etree._Element:
    return _e("p", text=text, class_=class_)


def is_act(doc: Document, blocks: Sequence[Block]) -> bool:
    """Whether the document is legislation (an ``<act>``) rather than a ``<doc>``."""
    return (doc.doc_type in ACT_TYPES) or any(b.kind == BlockKind.ARTICLE for b in blocks)


def _work_date(doc: Document) -> _dt.date | None:
    return doc.written_date or doc.published_date or doc.effective_date


def frbr_work(doc: Document, section: Section) -> str:
    """The FRBR work URI: ``/akn/cn/act/regulation/2019-04-03/<id>``."""
    blocks = section.text.blocks if section.text else ()
    kind = "act" if is_act(doc, blocks) else "doc"
    subtype = (ACT_TYPES if kind == "act" else DOC_NAMES).get(doc.doc_type or "", "document")
    date = _work_date(doc)
    number = doc.id or (section.text.content_hash[:12] if section.text else "unnumbered")
    return f"/akn/cn/{kind}/{subtype}/{date.isoformat() if date else '0000'}/{number}"


# --- meta -----------------------------------------------------------------------------------


class _Ids:
    """eId allocation: ``chp_1__art_2`` style, unique within one document."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.counts: dict[str, int] = {}

    def next(self, parent: str, kind: str) -> str:
        base = f"{parent}__{kind}" if parent else f"{self.prefix}{kind}"
        self.counts[base] = self.counts.get(base, 0) + 1
        return f"{base}_{self.counts[base]}"


def _meta(rendition: Rendition, section: Section, work: str, ids: _Ids) -> etree._Element:
    doc = section.doc
    text = section.text
    version_date = version_start(text) if text else None
    work_date = _work_date(doc) or version_date or rendition.on
    expression_date = version_date or work_date
    expression = f"{work}/zho@{expression_date.isoformat()}"
    issuers = doc.issuers or (("未知机关",) if not doc.issuer_mark else (doc.issuer_mark,))
    issuer_ids = [f"{ids.prefix}issuer-{k}" for k in range(1, len(issuers) + 1)]
    work_aliases = [_e("FRBRalias", value=doc.display_title, name="title")]
    if doc.doc_number:
        work_aliases.append(_e("FRBRalias", value=str(doc.doc_number), name="docNumber"))
    if doc.index_number:
        work_aliases.append(_e("FRBRalias", value=doc.index_number, name="indexNumber"))
    if doc.registration_number:
        work_aliases.append(
            _e("FRBRalias", value=doc.registration_number, name="registrationNumber")
        )
    identification = _e(
        "identification",
        _e(
            "FRBRWork",
            _e("FRBRthis", value=f"{work}/!main"),
            _e("FRBRuri", value=work),
            *work_aliases,
            _e("FRBRdate", date=work_date.isoformat(), name="Generation"),
            *(_e("FRBRauthor", href=f"#{i}") for i in issuer_ids),
            _e("FRBRcountry", value="cn"),
            _e("FRBRsubtype", value=work.split("/")[4]),
            _e("FRBRnumber", value=str(doc.doc_number) if doc.doc_number else work.split("/")[-1]),
            _e("FRBRname", value=doc.display_title),
        ),
        _e(
            "FRBRExpression",
            _e("FRBRthis", value=f"{expression}/!main"),
            _e("FRBRuri", value=expression),
            _e("FRBRdate", date=expression_date.isoformat(), name="Generation"),
            _e("FRBRauthor", href="#gazette"),
            _e("FRBRlanguage", language="zho"),
        ),
        _e(
            "FRBRManifestation",
            _e("FRBRthis", value=f"{expression}/!main.xml"),
            _e("FRBRuri", value=f"{expression}.akn"),
            _e("FRBRdate", date=rendition.on.isoformat(), name="Transform"),
            _e("FRBRauthor", href="#gazette"),
        ),
        source="#gazette",
    )
    meta = _e("meta", identification)
    pub = standard_publication(doc, text) or next(
        (p for p in doc.publications if p.date is not None), None
    )
    pub_date = (pub.date if pub else None) or doc.published_date
    if pub is not None and pub_date is not None:
        meta.append(
            _e(
                "publication",
                date=pub_date.isoformat(),
                name=pub.name or pub.channel,
                showAs=pub.label,
                number=str(pub.issue) if pub.issue else None,
            )
        )
    references = _e("references", source="#gazette")
    references.append(
        _e("original", eId=f"{ids.prefix}original", href=work, showAs=doc.display_title)
    )
    lifecycle = _lifecycle(doc, references, work, ids)
    if lifecycle is not None:
        meta.append(lifecycle)
        temporal = _temporal(doc, lifecycle, ids)
        if temporal is not None:
            meta.append(temporal)
    references.append(
        _e(
            "TLCOrganization",
            eId="gazette" if not ids.prefix else f"{ids.prefix}gazette",
            href="/ontology/organization/cn/gazette-archive",
            showAs="gazette archive",
        )
    )
    for eid, issuer in zip(issuer_ids, issuers, strict=True):
        references.append(
            _e("TLCOrganization", eId=eid, href=f"/ontology/organization/cn/{eid}", showAs=issuer)
        )
    for kind in sorted({e.kind for e in doc.events}, key=lambda k: k.value):
        references.append(
            _e(
                "TLCEvent",
                eId=f"{ids.prefix}event-{kind.value.replace('_', '-')}",
                href=f"/ontology/event/cn/{kind.value}",
                showAs=EventKind(kind).label,
            )
        )
    meta.append(references)
    meta.append(_proprietary(rendition, section))
    return meta


def _lifecycle(
    doc: Document, references: etree._Element, work: str, ids: _Ids
) -> etree._Element | None:
    dated = sorted(
        (e for e in doc.events if e.date is not None),
        key=lambda e: (e.date, e.kind.value),
    )
    if not dated:
        date = _work_date(doc)
        if date is None:
            return None
        return _e(
            "lifecycle",
            _e(
                "eventRef",
                eId=f"{ids.prefix}e-{date.isoformat()}-1",
                date=date.isoformat(),
                source=f"#{ids.prefix}original",
                type="generation",
            ),
            source="#gazette",
        )
    lifecycle = _e("lifecycle", source="#gazette")
    passive = 0
    for k, event in enumerate(dated, start=1):
        assert event.date is not None
        source = f"#{ids.prefix}original"
        if event.acting is not None:
            passive += 1
            ref_id = f"{ids.prefix}passive-{passive}"
            acting = event.acting
            href = (
                f"/akn/cn/doc/document/0000/{acting.resolved_id}"
                if acting.resolved_id
                else (f"/akn/cn/doc/document/0000/unresolved-{passive}")
            )
            references.append(_e("passiveRef", eId=ref_id, href=href, showAs=_acting_label(event)))
            source = f"#{ref_id}"
        lifecycle.append(
            _e(
                "eventRef",
                eId=f"{ids.prefix}e-{event.date.isoformat()}-{k}",
                date=event.date.isoformat(),
                source=source,
                type=_EVENT_TYPES[event.kind],
                refersTo=f"#{ids.prefix}event-{event.kind.value.replace('_', '-')}",
            )
        )
    return lifecycle


def _acting_label(event: LifecycleEvent) -> str:
    acting = event.acting
    assert acting is not None
    return acting.title or (str(acting.number) if acting.number else acting.text)


def _temporal(doc: Document, lifecycle: etree._Element, ids: _Ids) -> etree._Element | None:
    """In-force intervals as a temporal group whose bounds are lifecycle events."""
    by_date: dict[str, str] = {}
    for ref in lifecycle:
        by_date.setdefault(ref.get("date"), ref.get("eId"))
    groups = []
    for k, (value, start, end) in enumerate(status_intervals(doc), start=1):
        if value.value != "in_force":
            continue
        start_id = by_date.get(start.isoformat())
        if start_id is None:
            continue
        interval = _e("timeInterval", start=f"#{start_id}", refersTo=f"#{ids.prefix}in-force")
        if end is not None:
            end_id = by_date.get(end.isoformat()) or by_date.get(
                (end - _dt.timedelta(days=1)).isoformat()
            )
            if end_id is None:
                continue
            interval.set("end", f"#{end_id}")
        groups.append(_e("temporalGroup", interval, eId=f"{ids.prefix}tg-{k}"))
    if not groups:
        return None
    return _e("temporalData", *groups, source="#gazette")


def _proprietary(rendition: Rendition, section: Section) -> etree._Element:
    doc = section.doc
    status = section.status
    proprietary = _e("proprietary", source="#gazette")
    proprietary.append(
        _gz(
            "status",
            status_text(status),
            value=status.value.value,
            asOf=status.as_of.isoformat(),
            since=status.since.isoformat() if status.since else None,
        )
    )
    proprietary.append(
        _gz("disclosure", doc.disclosure.attribute.label, value=doc.disclosure.attribute.value)
    )
    if section.text is not None:
        proprietary.append(
            _gz(
                "text",
                origin=section.text.origin.value,
                standard="true" if section.text.standard else "false",
                contentHash=section.text.content_hash,
            )
        )
    if section is rendition.main:
        header = _gz("header", bodySha256=rendition.body_hash)
        for line in rendition.header_lines:
            header.append(_gz("line", line))
        proprietary.append(header)
    return proprietary


# --- body -----------------------------------------------------------------------------------


def _level(block: Block) -> tuple[str, int] | None:
    """The hierarchy element a heading opens and its depth, or ``None`` for a leaf."""
    text = block.text.strip()
    chapter = _CHAPTER.match(text)
    if block.kind == BlockKind.HEADING and chapter:
        return {"编": ("part", 0), "章": ("chapter", 1), "节": ("section", 2)}[chapter[2]]
    if block.kind == BlockKind.HEADING:
        return "hcontainer", 2 + (block.level or 1)
    return None


class _Body:
    """Builds the hierarchy from labelled blocks with a stack of open containers."""

    def __init__(self, root: etree._Element, ids: _Ids) -> None:
        self.root = root
        self.ids = ids
        self.stack: list[tuple[int, etree._Element, str]] = []  # depth, element, eId
        self.article: tuple[etree._Element, str] | None = None
        self.table: list[Block] = []

    def _parent(self) -> tuple[etree._Element, str]:
        if self.stack:
            return self.stack[-1][1], self.stack[-1][2]
        return self.root, ""

    def _close_to(self, depth: int) -> None:
        while self.stack and self.stack[-1][0] >= depth:
            self.stack.pop()

    def add(self, block: Block) -> None:
        if block.kind == BlockKind.TABLE:
            self.table.append(block)
            return
        self.flush()
        text = block.text.strip()
        level = _level(block)
        if level is not None:
            tag, depth = level
            self.article = None
            self._close_to(depth)
            parent, parent_id = self._parent()
            kind = {"part": "part", "chapter": "chp", "section": "sec"}.get(tag, "hcontainer")
            eid = self.ids.next(parent_id, kind)
            element = _e(tag, eId=eid, name=f"level-{depth - 2}" if tag == "hcontainer" else None)
            num, heading = _split_number(text, tag)
            if num:
                element.append(_e("num", text=num))
            if heading:
                element.append(_e("heading", text=heading))
            parent.append(element)
            self.stack.append((depth, element, eid))
            return
        if block.kind == BlockKind.ARTICLE:
            match = _ARTICLE.match(text)
            parent, parent_id = self._parent()
            eid = self.ids.next(parent_id, "art")
            article = _e("article", eId=eid)
            if match:
                article.append(_e("num", text=match[1]))
                text = match[2]
            parent.append(article)
            self.article = (article, eid)
            if text:
                self._paragraph(text, None)
            return
        if block.level is not None and block.kind == BlockKind.PARAGRAPH:
            # A run-in heading ("（一）推进……。围绕……") is a numbered leaf at its level.
            self.article = None
            self._close_to(2 + block.level)
        kind_class = None if block.kind == BlockKind.PARAGRAPH else block.kind.value
        self._paragraph(text, kind_class)

    def _paragraph(
        self, text: str, class_: str | None, content: etree._Element | None = None
    ) -> None:
        parent, parent_id = self.article if self.article is not None else self._parent()
        eid = self.ids.next(parent_id, "para")
        body = content if content is not None else _p(text)
        parent.append(_e("paragraph", _e("content", body), eId=eid, class_=class_))

    def flush(self) -> None:
        if not self.table:
            return
        rows = []
        for row in self.table:
            rows.append(_e("tr", *(_e("td", _p(cell.strip())) for cell in row.text.split("\t"))))
        self.table = []
        _, parent_id = self.article if self.article is not None else self._parent()
        table = _e("table", *rows, eId=f"{self.ids.next(parent_id, 'table')}")
        self._paragraph("", "table", content=table)


def _split_number(text: str, tag: str) -> tuple[str | None, str | None]:
    if tag in ("part", "chapter", "section"):
        match = _CHAPTER.match(text)
        if match:
            return match[1] + match[2], match[3] or None
    match = _NUMBERED.match(text)
    if match:
        return match[1], match[2] or None
    return None, text or None


_PREFACE = (BlockKind.HEADER, BlockKind.TITLE, BlockKind.SUBTITLE)
_CONCLUSIONS = (
    BlockKind.SIGNATURE,
    BlockKind.DATE,
    BlockKind.NOTE,
    BlockKind.CC,
    BlockKind.PRINTED,
)


def _document(rendition: Rendition, section: Section, prefix: str) -> etree._Element:
    doc = section.doc
    ids = _Ids(prefix)
    blocks: list[Block] = list(section.body) + list(section.imprint)
    act = is_act(doc, blocks)
    work = frbr_work(doc, section)
    subtype = work.split("/")[4]
    root = _e("act" if act else "doc", name=subtype)
    root.append(_meta(rendition, section, work, ids))
    # Preface: the header (status mark and source) at the top, then the 版头 and the title.
    preface = _e("preface")
    if section is rendition.main:
        preface.append(
            _e(
                "container",
                *(
                    _p(line, "status" if k == 0 else "header")
                    for k, line in enumerate(rendition.header_lines)
                ),
                name="exportHeader",
                eId=f"{prefix}container_1",
            )
        )
    elif section.status.value.marked:
        preface.append(
            _e(
                "container",
                _p(f"【{section.status.mark()}】", "status"),
                name="exportHeader",
                eId=f"{prefix}container_1",
            )
        )
    k = 0
    # A decree's promulgation, signature and date come before the regulation's title.
    decree_head = any(b.kind == BlockKind.PREAMBLE for b in blocks)
    preamble = _e("preamble")
    while k < len(blocks) and (
        blocks[k].kind in _PREFACE
        or (
            decree_head
            and blocks[k].kind in (BlockKind.PREAMBLE, BlockKind.SIGNATURE, BlockKind.DATE)
        )
    ):
        block = blocks[k]
        text = block.text.strip()
        if block.kind == BlockKind.TITLE:
            preface.append(_e("longTitle", _e("p", _e("docTitle", text=text))))
        elif block.kind == BlockKind.HEADER and doc.doc_number and _has_number(text, doc):
            preface.append(_e("p", _e("docNumber", text=text), class_="docNumber"))
        elif block.kind in (BlockKind.PREAMBLE, BlockKind.SIGNATURE, BlockKind.DATE):
            preamble.append(_inline_block(block))
        else:
            preface.append(_p(text, block.kind.value))
        k += 1
    if len(preface):
        root.append(preface)
    while k < len(blocks) and blocks[k].kind == BlockKind.RECIPIENTS:
        preamble.append(_p(blocks[k].text.strip(), "recipients"))
        k += 1
    if len(preamble):
        root.append(preamble)
    # The body runs to the signature; what follows is the conclusions.
    end = len(blocks)
    while end > k and blocks[end - 1].kind in _CONCLUSIONS:
        end -= 1
    container = _e("body" if act else "mainBody")
    builder = _Body(container, ids)
    for block in blocks[k:end]:
        builder.add(block)
    builder.flush()
    if not len(container):
        container.append(
            _e("hcontainer", _e("content", _p("")), name="empty", eId=f"{prefix}hcontainer_1")
        )
    root.append(container)
    if end < len(blocks):
        root.append(_e("conclusions", *(_inline_block(b) for b in blocks[end:])))
    if section.parts:
        attachments = _e("attachments")
        for n, part in enumerate(section.parts, start=1):
            part_prefix = f"{prefix}att_{n}__"
            inner = _document(rendition, part, part_prefix)
            attachment = _e("attachment", eId=f"{prefix}att_{n}")
            if part.label:
                attachment.append(_e("num", text=part.label))
            attachment.append(inner)
            attachments.append(attachment)
        root.append(attachments)
    return root


def _has_number(text: str, doc: Document) -> bool:
    return str(doc.doc_number) in re.sub(r"\s+", "", text)


def _inline_block(block: Block) -> etree._Element:
    """Signature, date, notes and the 版记 as paragraphs with inline markup."""
    text = block.text.strip()
    if block.kind == BlockKind.SIGNATURE:
        return _e("p", _e("signature", text=text), class_="signature")
    if block.kind == BlockKind.DATE:
        date = try_parse_date(text)
        if date is not None:
            return _e("p", _e("docDate", text=text, date=date.isoformat()), class_="date")
    return _p(text, block.kind.value)


def akoma_ntoso(rendition: Rendition) -> etree._Element:
    """The ``<akomaNtoso>`` element of a rendition."""
    root = _e("akomaNtoso")
    root.append(_document(rendition, rendition.main, ""))
    return root


def render(doc: Document, *, on: _dt.date | None = None) -> bytes:
    tree = akoma_ntoso(build(doc, on=on))
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)
