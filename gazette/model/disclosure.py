"""The disclosure attribute (公开属性) of a document, with its reason, grounds and basis."""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

from gazette import wording
from gazette.model._convert import _to_tuple
from gazette.model.provenance import Provenance

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
