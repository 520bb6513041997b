"""Lifecycle events: what happened to a document, on which day, on what basis."""

from __future__ import annotations

import datetime as _dt
import enum
from typing import Any

import attrs

from gazette import wording
from gazette.dates import to_optional_date
from gazette.model._convert import _tuple_of_str
from gazette.model.provenance import DocRef, Provenance

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
