"""What a title says: its 文种 (document type), and the form titles are compared in.

The vocabulary of 文种 is kept here once. Every rule that needs a set of types (the types a
policy interpretation is owed for, the words glued in front of a document number, the types a
forwarding notice names …) takes a named selection of it (:func:`types`), so a type added or
spelt differently changes every rule at once, and a selection that names a word outside the
vocabulary fails on import.

Titles are compared by :func:`normalised_title`: full and half width alike, no spaces, no
《》 or quotes (``暂行``/``试行`` kept, since 《X暂行办法》 and 《X办法》 are two acts); references
are looked up by :func:`title_key`, the same without 暂行/试行.
"""

from __future__ import annotations

import re
import unicodedata

# --- the vocabulary ---------------------------------------------------------------------------

#: 文种 by title ending, longest first; the value is the type recorded (``实施意见`` → ``意见``).
DOC_TYPES: tuple[tuple[str, str], ...] = (
    ("实施细则", "细则"),
    ("指导意见", "意见"),
    ("实施意见", "意见"),
    ("实施办法", "办法"),
    ("暂行办法", "办法"),
    ("暂行规定", "规定"),
    ("试行办法", "办法"),
    ("复函", "函"),
    ("决议", "决议"),
    ("决定", "决定"),
    ("命令", "命令"),
    ("公报", "公报"),
    ("公告", "公告"),
    ("通告", "通告"),
    ("意见", "意见"),
    ("通知", "通知"),
    ("通报", "通报"),
    ("报告", "报告"),
    ("请示", "请示"),
    ("批复", "批复"),
    ("议案", "议案"),
    ("纪要", "纪要"),
    ("答复", "答复"),
    ("函", "函"),
    ("令", "令"),
    ("条例", "条例"),
    ("规定", "规定"),
    ("办法", "办法"),
    ("细则", "细则"),
    ("规则", "规则"),
    ("章程", "章程"),
    ("准则", "准则"),
    ("守则", "守则"),
    ("措施", "措施"),
    ("方案", "方案"),
    ("要点", "要点"),
    ("规划", "规划"),
    ("计划", "计划"),
    ("指南", "指南"),
    ("清单", "清单"),
    ("名单", "名单"),
    ("法", "法"),
)

#: Every type the archive records.
TYPES: frozenset[str] = frozenset(kind for _, kind in DOC_TYPES)


def types(*names: str) -> tuple[str, ...]:
    """A named selection of the vocabulary, in the order given.

    Raises:
        ValueError: a name that is not a type of :data:`DOC_TYPES` (a programming error,
            caught on import).
    """
    unknown = [n for n in names if n not in TYPES]
    if unknown:
        raise ValueError(f"not a 文种 of gazette.titles.DOC_TYPES: {', '.join(unknown)}")
    return names


def endings(*names: str) -> tuple[str, ...]:
    """The title endings of the types ``names`` (``意见`` → ``指导意见``, ``实施意见``,
    ``意见``), longest first."""
    wanted = set(types(*names))
    return tuple(ending for ending, kind in DOC_TYPES if kind in wanted)


#: The fifteen 文种 of 党政机关公文 (《党政机关公文处理工作条例》第八条).
OFFICIAL_TYPES = types(
    "决议", "决定", "命令", "公报", "公告", "通告", "意见", "通知", "通报", "报告", "请示",
    "批复", "议案", "函", "纪要",
)  # fmt: skip

#: Types of a normative policy, owed a policy interpretation (DOMAIN.md §5).
POLICY_TYPES = types("意见", "办法", "规定", "方案", "细则", "规则", "条例", "规划", "措施")


def doc_type_of(title: str | None) -> str | None:
    """The 文种 a title ends with (``通知``, ``意见``, ``条例`` …), or ``None``."""
    if not title:
        return None
    stripped = title.rstrip("》」”）)")
    for ending, kind in DOC_TYPES:
        if stripped.endswith(ending):
            return kind
    return None


# --- comparing titles -------------------------------------------------------------------------

_NOISE = re.compile(r"[\s《》〈〉<>“”\"'‘’「」『』·・]")

#: The qualifier of a provisional document (暂行办法, 试行).
PROVISIONAL = re.compile(r"暂行|试行")


def normalised_title(title: str | None) -> str | None:
    """A title with width, spaces, 《》 and quotes ignored (暂行/试行 kept)."""
    if not title:
        return None
    return _NOISE.sub("", unicodedata.normalize("NFKC", title)) or None


# A provisional qualifier with its brackets, if any: 暂行, 试行, （试行）, (暂行).
_PROVISIONAL_MARK = re.compile(r"[（(]?(?:暂行|试行)[）)]?")


def title_key(title: str | None) -> str | None:
    """The key titles are matched on when a reference is resolved: :func:`normalised_title`
    without its 暂行/试行 qualifiers, so a reference to 《X办法》 finds ``X暂行办法`` when nothing
    is titled exactly ``X办法`` (the catalog's ``title_key`` column holds it; resolution then
    prefers the title whose :func:`normalised_title` is the reference's)."""
    normalised = normalised_title(title)
    if normalised is None:
        return None
    return _PROVISIONAL_MARK.sub("", normalised) or None


__all__ = [
    "DOC_TYPES",
    "OFFICIAL_TYPES",
    "POLICY_TYPES",
    "PROVISIONAL",
    "TYPES",
    "doc_type_of",
    "endings",
    "normalised_title",
    "title_key",
    "types",
]
