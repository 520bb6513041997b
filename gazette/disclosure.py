"""Disclosure (公开属性): what the public may see, and the rules that decide it.

The archive answers every read through a :class:`View`. The public view shows documents whose
attribute is proactive or partial (with the withheld paragraphs removed); the internal view
shows everything. An unknown attribute is not public. An attachment is no more visible than
the document that carries it (all the way up).

Where an attribute comes from (DOMAIN.md §4):

* the 附注 under the date, ``（此件公开发布）`` and its variants (:func:`disclosure_from_note`);
* the carrier, for an attachment without an attribute of its own, and the forwarded document,
  for a 转发/批转 notice without one (:func:`inherited`, :func:`forwarded_refs`);
* the fact of publication: a document printed in a gazette issue, or published on a portal
  page with its metadata table, is proactive (:func:`publication_basis`);
* a person, through the API, the command line or a CSV import, with a reason, the legal grounds
  (the closed list :class:`~gazette.model.Ground`) and free-text basis.

On request, withheld and partial need a reason (:func:`check`).
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from gazette import titles, wording
from gazette.errors import InvalidArgument
from gazette.model import (
    Disclosure,
    DisclosureAttribute,
    DocRef,
    Document,
    Ground,
    Provenance,
    ProvenanceKind,
    Publication,
    TextOrigin,
)
from gazette.redaction import (
    HIDDEN_REFERENCE,
    WITHHELD_PLACEHOLDER,
    WITHHELD_VERSION,
    Redactor,
    Withholding,
)


class View(enum.StrEnum):
    """Who a read is for."""

    PUBLIC = "public"
    INTERNAL = "internal"


def is_public(disclosure: Disclosure, parent: Disclosure | None = None) -> bool:
    """Whether the public view may show a document with this disclosure (and carrier's)."""
    if not disclosure.attribute.public:
        return False
    return parent is None or parent.attribute.public


def visible(doc: Document, view: View, parent: Disclosure | None = None) -> bool:
    """Whether ``view`` may show ``doc`` at all."""
    return view == View.INTERNAL or is_public(doc.disclosure, parent)


# --- reading the attribute from a 附注 -------------------------------------------------------

# Who the note speaks of: 此件 / 此文件 / 本文, or a labelled field (公开方式：…).
_SUBJECT = (
    r"(?:此件|此文件|此文|本件|本文件|本文"
    r"|(?:信息)?公开(?:方式|属性|选项|类型|形式)\s*[:：]\s*)"
)
# Checked in order: the negative forms first, since 不公开 contains 公开.
NOTE_PATTERNS: tuple[tuple[re.Pattern[str], DisclosureAttribute], ...] = (
    (
        re.compile(_SUBJECT + r"(?:不予|不宜|不得|不)(?:主动)?公开"),
        DisclosureAttribute.WITHHELD,
    ),
    (re.compile(_SUBJECT + r"依申请(?:予以)?公开"), DisclosureAttribute.ON_REQUEST),
    (
        re.compile(_SUBJECT + r"(?:删减后|部分)(?:公开|发布)|有删减|删减后公开"),
        DisclosureAttribute.PARTIAL,
    ),
    (
        re.compile(_SUBJECT + r"(?:属于)?(?:主动公开|公开发布|公开)"),
        DisclosureAttribute.PROACTIVE,
    ),
)


def attribute_from_note(note: str | None) -> DisclosureAttribute | None:
    """The attribute a 附注 states, or ``None`` when it states none.

    Accepts ``（此件公开发布）``, ``（此件主动公开）``, ``（此件依申请公开）``,
    ``（此件不予公开）``, ``（此件不公开发布）``, ``（此件删减后公开）``, ``（本文有删减）``,
    ``（公开方式：主动公开）`` …, with any spacing and either width of parentheses.
    """
    if not note:
        return None
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", note))
    for pattern, attribute in NOTE_PATTERNS:
        if pattern.search(text):
            return attribute
    return None


def disclosure_from_note(note: str | None) -> Disclosure:
    """The disclosure a 附注 states (unknown when it states none), with the note as basis."""
    attribute = attribute_from_note(note)
    if attribute is None or note is None:
        return Disclosure()
    return Disclosure(
        attribute=attribute,
        basis=f"附注：{note}",
        provenance=Provenance(ProvenanceKind.PARSED, excerpt=note),
    )


# --- names people type -----------------------------------------------------------------------

_ATTRIBUTE_NAMES = {
    "主动公开": DisclosureAttribute.PROACTIVE,
    "公开": DisclosureAttribute.PROACTIVE,
    "公开发布": DisclosureAttribute.PROACTIVE,
    "依申请公开": DisclosureAttribute.ON_REQUEST,
    "不予公开": DisclosureAttribute.WITHHELD,
    "不公开": DisclosureAttribute.WITHHELD,
    "部分公开": DisclosureAttribute.PARTIAL,
    "删减后公开": DisclosureAttribute.PARTIAL,
    "未确定": DisclosureAttribute.UNKNOWN,
    "on-request": DisclosureAttribute.ON_REQUEST,
}

_GROUND_NAMES = {
    "国家秘密": Ground.STATE_SECRET,
    "危及安全稳定": Ground.SECURITY_STABILITY,
    "危及国家安全、公共安全、经济安全、社会稳定": Ground.SECURITY_STABILITY,
    "法律、行政法规禁止公开": Ground.LAW_PROHIBITS,
    "法律法规禁止公开": Ground.LAW_PROHIBITS,
    "商业秘密": Ground.TRADE_SECRET,
    "个人隐私": Ground.PERSONAL_PRIVACY,
    "内部事务信息": Ground.INTERNAL_AFFAIRS,
    "内部事务": Ground.INTERNAL_AFFAIRS,
    "过程性信息": Ground.PROCESS_INFORMATION,
    "行政执法案卷信息": Ground.ENFORCEMENT_CASE,
    "行政执法案卷": Ground.ENFORCEMENT_CASE,
}


def parse_attribute(text: str) -> DisclosureAttribute:
    """An attribute from its value (``withheld``) or its Chinese name (``不予公开``).

    Raises:
        InvalidArgument: neither.
    """
    cleaned = unicodedata.normalize("NFKC", text or "").strip()
    for attribute in DisclosureAttribute:
        if cleaned.lower() in (attribute.value, attribute.label):
            return attribute
    found = _ATTRIBUTE_NAMES.get(cleaned) or _ATTRIBUTE_NAMES.get(cleaned.lower())
    if found is None:
        choices = "、".join(f"{a.value}（{a.label}）" for a in DisclosureAttribute)
        raise InvalidArgument(f"没有“{text}”这一公开属性", hint=f"可选：{choices}")
    return found


def parse_ground(text: str) -> Ground:
    """A legal ground from its value (``art15_trade_secret``), its label or a short name
    (``商业秘密``).

    Raises:
        InvalidArgument: no ground of the closed list.
    """
    cleaned = unicodedata.normalize("NFKC", text or "").strip()
    for ground in Ground:
        if cleaned.lower() == ground.value or cleaned == unicodedata.normalize(
            "NFKC", ground.label
        ):
            return ground
    name = re.sub(r"^第十[四五六]条[:：]", "", cleaned)
    if name in _GROUND_NAMES:
        return _GROUND_NAMES[name]
    choices = "、".join(g.value for g in Ground)
    raise InvalidArgument(
        f"没有“{text}”这一法定理由", hint=f"可选：{choices}（见 `gazette disclosure grounds`）"
    )


def parse_grounds(values: Iterable[str]) -> tuple[Ground, ...]:
    """Several grounds; each value may itself list several, separated by ``;`` ``；`` or ``、``."""
    out: list[Ground] = []
    for value in values:
        for piece in re.split(r"[;；、|]", value or ""):
            if piece.strip():
                ground = parse_ground(piece)
                if ground not in out:
                    out.append(ground)
    return tuple(out)


# Attributes that keep something from the public: a person setting one must say why.
NEEDS_REASON = frozenset(
    {DisclosureAttribute.ON_REQUEST, DisclosureAttribute.WITHHELD, DisclosureAttribute.PARTIAL}
)


def check(disclosure: Disclosure, *, blocks: int | None = None) -> None:
    """Check a disclosure a person sets.

    Args:
        disclosure: the new disclosure.
        blocks: the number of paragraphs of the document's current text, to check the withheld
            paragraphs of a partial disclosure against.

    Raises:
        InvalidArgument: no reason for on request, withheld or partial; withheld paragraphs
            on an attribute other than partial, or outside the text.
    """
    attribute = disclosure.attribute
    if attribute in NEEDS_REASON and not (disclosure.reason or "").strip():
        raise InvalidArgument(
            f"{attribute.label}须说明理由",
            hint="请用 `--reason` 说明理由，用 `--ground` 给出法定理由",
        )
    if disclosure.withheld_blocks and attribute != DisclosureAttribute.PARTIAL:
        raise InvalidArgument("只有部分公开才能指定不予公开的段落")
    if blocks is not None:
        outside = [i for i in disclosure.withheld_blocks if not 0 <= i < blocks]
        if outside:
            raise InvalidArgument(
                f"不予公开的段落{'、'.join(map(str, outside))}超出了正文范围"
                f"（段落编号0至{blocks - 1}）"
            )


# --- rules that decide an attribute ----------------------------------------------------------


def publication_basis(
    publications: Iterable[Publication],
    *,
    origins: Iterable[TextOrigin] = (),
    index_number: str | None = None,
) -> str | None:
    """Why a document is proactive by the fact of its publication, or ``None``.

    A document printed in a gazette issue is published (the gazette is a public carrier); so is
    one taken from a portal page with its metadata table (a ``portal`` publication, or a portal
    rendition that carries the table's 索引号).
    """
    pubs = list(publications)
    for pub in pubs:
        if pub.channel == "gazette":
            return f"刊登于{pub.label}（政府公报刊登即主动公开）"
    for pub in pubs:
        if pub.channel == "portal":
            details = [f"索引号{index_number}" if index_number else None]
            details.append(f"发布日期{wording.date(pub.date)}" if pub.date else None)
            where = "，".join(d for d in details if d)
            return f"公开于{pub.name or '政府网站'}" + (f"（{where}）" if where else "")
    if index_number and TextOrigin.PORTAL in set(origins):
        return f"公开于政府网站（索引号{index_number}）"
    return None


def publication_disclosure(basis: str, reason: str | None = None) -> Disclosure:
    """The proactive disclosure a publication gives (``reason``: the legal ground, if any)."""
    return Disclosure(
        attribute=DisclosureAttribute.PROACTIVE,
        reason=reason,
        basis=basis,
        provenance=Provenance(ProvenanceKind.POLICY, excerpt=basis),
    )


# What kind of act a 题注 entry or a decree shows, and the law that has it promulgated.
_ACT_VERB = re.compile(r"通过|公布|发布|颁布|批准|修正|修订")
_PUBLIC_BY_LAW = "《中华人民共和国政府信息公开条例》第二十条第（一）项"
_PROMULGATED_ACTS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (
        re.compile(r"全国人民代表大会|全国人大"),
        "法律",
        "《中华人民共和国立法法》：法律由国家主席签署主席令予以公布",
    ),
    (
        re.compile(r"最高人民法院|最高人民检察院"),
        "司法解释",
        "司法解释以最高人民法院、最高人民检察院公告形式公开发布",
    ),
    (
        re.compile(
            r"国务院令|国令|国务院(?:第[^，。]{1,12}次)?常务会议|^\S{0,12}国务院(?:公布|发布|批准)"
        ),
        "行政法规",
        "《中华人民共和国立法法》：行政法规由总理签署国务院令公布",
    ),
    (
        re.compile(r"人民代表大会|人大常委会|人大常务委员会"),
        "地方性法规",
        "《中华人民共和国立法法》：地方性法规由人民代表大会主席团或者常务委员会发布公告予以公布",
    ),
    (
        re.compile(
            r"人民政府令|政府令|部令|总局令|委员会令|局令|署令|人民政府(?:第[^，。]{1,12}次)?常务会议"
        ),
        "规章",
        "《中华人民共和国立法法》：规章由部门首长或者省长、自治区主席、市长、自治州州长签署命令予以公布",
    ),
)


def promulgation_basis(
    evidence: Iterable[str], *, decree: str | None = None
) -> tuple[str, str] | None:
    """``(basis, legal ground)`` when a text is an act promulgated by law, else ``None``.

    Laws, administrative regulations, local regulations and rules are promulgated publicly
    (立法法), and judicial interpretations by announcement; the 政府信息公开条例 (第二十条第（一）
    项) puts 行政法规、规章和规范性文件 first among what an agency discloses proactively. The
    evidence is the 题注 entries of the text (``2019年6月25日 漯河市…通过``) or the decree it
    was promulgated by (``国令第707号``): an act of adoption, promulgation or approval by a
    legislature, a government or the supreme court or procuratorate.
    """
    for text in ([decree] if decree else []) + list(evidence):
        if not text or (text != decree and not _ACT_VERB.search(text)):
            continue
        for pattern, kind, law in _PROMULGATED_ACTS:
            if pattern.search(text):
                return f"{kind}，依法公布（{text.strip()[:80]}）", f"{law}；{_PUBLIC_BY_LAW}"
    return None


def explicit(disclosure: Disclosure) -> bool:
    """Whether a document states or was given its own attribute (not inherited, not unknown)."""
    if disclosure.attribute == DisclosureAttribute.UNKNOWN:
        return False
    prov = disclosure.provenance
    return prov is None or prov.kind != ProvenanceKind.INHERITED


def inherited(source: Disclosure, source_id: str, *, relation: str) -> Disclosure:
    """The disclosure a document takes over from another (its carrier, what it forwards)."""
    basis = f"inherited from the {relation} {source_id}"
    if source.basis:
        basis += f"（{source.basis}）"
    return Disclosure(
        attribute=source.attribute,
        reason=source.reason,
        grounds=source.grounds,
        basis=basis,
        provenance=Provenance(ProvenanceKind.INHERITED, source=source_id),
    )


_FORWARD_TITLE = re.compile(
    r"""(?:转发|批转)
        (?P<what>.+?)                      # the forwarded document as the title names it
        (?:的)?通知$""",
    re.VERBOSE,
)


def forwarded_refs(title: str | None) -> tuple[DocRef, ...]:
    """The document a 转发/批转 notice forwards, as its title names it (with a variant).

    ``国务院办公厅转发国家发展改革委关于X意见的通知`` forwards ``国家发展改革委关于X意见``,
    usually titled ``国家发展改革委关于X的意见`` (a forwarding title drops the inner 的); both
    spellings are returned, the likelier first. A 《》 inside the title is taken as it is.
    """
    if not title:
        return ()
    match = _FORWARD_TITLE.search(title)
    if not match:
        return ()
    what = match["what"].strip()
    named = re.fullmatch(r"《(?P<inner>[^》]+)》", what)
    if named:
        return (DocRef(text=match.group(0), title=named["inner"]),)
    if len(what) < 4:
        return ()
    refs = [DocRef(text=match.group(0), title=what)]
    kind = next((k for k in _FORWARDED_KINDS if what.endswith(k)), None)
    if kind and not what[: -len(kind)].endswith("的"):
        refs.insert(0, DocRef(text=match.group(0), title=what[: -len(kind)] + "的" + kind))
    return tuple(refs)


# The types a 印发/转发 notice names, as their titles end: ``X实施意见`` is also ``X的实施意见``.
_FORWARDED_KINDS = (
    "实施意见",
    "指导意见",
    *titles.types("意见", "通知", "办法", "规定", "方案", "报告", "决定"),
)


# --- the record of changes ------------------------------------------------------------------


def _int_tuple(values: Iterable[int]) -> tuple[int, ...]:
    return tuple(int(v) for v in values)


@attrs.frozen
class DisclosureChange:
    """One change of a document's disclosure attribute, as the archive keeps it.

    Attributes:
        doc_id: the document.
        attribute: the attribute it was given.
        reason: why (free text).
        grounds: the legal grounds from the closed list.
        basis: the basis in free text (``附注：（此件公开发布）``, a decision's number …).
        how: how it was learned: ``parsed``, ``manual``, ``imported``, ``inherited``, ``policy``.
        source: where from (the CSV file, the carrier's id …).
        changed_by: who made the change.
        changed_at: when it was recorded.
        decided_on: the date of the decision, when given.
        withheld_blocks: for partial, the paragraphs withheld.
    """

    doc_id: str
    attribute: DisclosureAttribute = attrs.field(converter=DisclosureAttribute)
    reason: str | None = None
    grounds: tuple[Ground, ...] = attrs.field(default=(), converter=lambda v: tuple(map(Ground, v)))
    basis: str | None = None
    how: str | None = None
    source: str | None = None
    changed_by: str | None = None
    changed_at: _dt.datetime | None = None
    decided_on: _dt.date | None = None
    withheld_blocks: tuple[int, ...] = attrs.field(default=(), converter=_int_tuple)

    @property
    def effective_date(self) -> _dt.date | None:
        """The decision date, else the day it was recorded."""
        if self.decided_on is not None:
            return self.decided_on
        return self.changed_at.date() if self.changed_at else None

    def as_json(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "attribute": self.attribute.value,
            "label": self.attribute.label,
            "reason": self.reason,
            "grounds": [g.value for g in self.grounds],
            "basis": self.basis,
            "how": self.how,
            "source": self.source,
            "changed_by": self.changed_by,
            "changed_at": self.changed_at.isoformat() if self.changed_at else None,
            "decided_on": self.decided_on.isoformat() if self.decided_on else None,
            "withheld_blocks": list(self.withheld_blocks),
        }


# --- what a view may show ----------------------------------------------------------------


def withholds_title(doc: Document) -> bool:
    """Whether a partial disclosure withholds the paragraph stating the title."""
    held = Withholding.of(doc)
    return held is not None and held.hides_title(doc.title)


def redact(doc: Document, view: View, hidden: Callable[[str], bool] | None = None) -> Document:
    """The document as ``view`` may show it.

    In the public view (see :mod:`gazette.redaction`) a partial document's withheld paragraphs
    are replaced wherever its texts hold them, renditions that cannot be redacted are left
    out, attachments that are not public are dropped, and when ``hidden`` (whether an id names
    a document the view hides) is given, interpretation links to hidden documents are dropped
    and events acted by a hidden document keep their fact but not the hidden document's title,
    number or wording. :meth:`gazette.archive.views.ArchiveView.get` also follows other documents'
    withheld titles and numbers.
    """
    if view == View.INTERNAL:
        return doc
    return Redactor(hidden).document(doc)


__all__ = [
    "HIDDEN_REFERENCE",
    "NEEDS_REASON",
    "NOTE_PATTERNS",
    "WITHHELD_PLACEHOLDER",
    "WITHHELD_VERSION",
    "DisclosureChange",
    "View",
    "attribute_from_note",
    "check",
    "disclosure_from_note",
    "explicit",
    "forwarded_refs",
    "inherited",
    "is_public",
    "parse_attribute",
    "parse_ground",
    "parse_grounds",
    "publication_basis",
    "publication_disclosure",
    "redact",
    "visible",
    "withholds_title",
]
