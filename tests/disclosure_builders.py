"""Building documents for the disclosure tests: the policy the publication rule is tested on
(filed, or printed in a gazette issue), with or without a 附注 of its own."""

from __future__ import annotations

import datetime as dt

import gazette
from gazette.model import (
    Block,
    BlockKind,
    DisclosureAttribute,
    Document,
    GazetteIssue,
    IssueItem,
    IssueNumber,
    Provenance,
    ProvenanceKind,
    TextVersion,
)

RULE_TITLE = "青川市人民政府关于加强测试工作的意见"


def rule_policy(note_attribute: DisclosureAttribute | None = None) -> Document:
    text = TextVersion(blocks=(Block(RULE_TITLE, BlockKind.TITLE), Block("一、加强测试。")))
    disclosure = gazette.Disclosure()
    if note_attribute is not None:
        disclosure = gazette.Disclosure(
            note_attribute,
            basis="附注：（此件依申请公开）",
            provenance=Provenance(ProvenanceKind.PARSED),
        )
    return Document(
        title=RULE_TITLE,
        doc_number="青政发〔2021〕9号",
        issuers=("青川市人民政府",),
        written_date=dt.date(2021, 3, 1),
        texts=(text,),
        disclosure=disclosure,
    )


def rule_issue() -> GazetteIssue:
    return GazetteIssue(
        gazette="青川市人民政府公报",
        number=IssueNumber(2021, 3),
        date=dt.date(2021, 3, 20),
        items=(IssueItem(seq=1, title=RULE_TITLE, pages=(4, 7)),),
    )
