"""Which documents a sentence repeals (or, in a decision, acts upon): the clause grammar.

Texts name other acts all the time; only a clause whose verb governs the act ends it. The
grammar, in both directions:

* the act, then the verb: ``《X》同时废止``, ``《X》（国办发〔2016〕82号）停止执行``,
  ``《A》和1987年…通过的《B》同时废止``, ``《X》，自本规定施行之日起即行废止``,
  ``《X》第五条同时废止`` / ``《X》中有关看守所的规定即行废止`` (partial);
* the verb, then the act: ``废止《X》、《Y》``, ``决定废止下列地方性法规：《X》``.

Between the acts of a list only separators (、，和及与) and a description of the next act
(``1987年11月22日…通过的``) may stand; between the last act and the verb only its number or a
qualifier in parentheses, articles, ``等N件`` and a date (``自…起``). Never a repeal:

* an act named as the law to follow or the basis (``依照《X》…``, ``按照《X》补交``,
  ``根据《X》``, ``违反《X》``): the word before the act governs it;
* a verb inside a condition or a noun phrase (``支付令失效后``, ``失效日期``, ``废止的``,
  ``…的，《许可证》自行废止``);
* something that is not an act (``《采矿许可证》``): the title must end like one.

A clause that comes close (a repeal verb and an act in the same clause, the act not governed
by another verb) but does not fit the grammar is returned as *possible*: the archive keeps it
for a person's review (``gazette report unresolved``), never as a repeal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from gazette.cleanup import outcome_of
from gazette.model import CleanupOutcome, DocRef
from gazette.references import find_refs
from gazette.titles import doc_type_of

_QUALIFIERS = r"(?P<qual>(?:同时|一并|均|都|即行|予以|自行|相应|随之|即|亦|也|继续|需|全部)*)"
_REPEAL_VERBS = r"宣布失效|停止执行|不再执行|废止|失效"
_OUTCOME_VERBS = r"部分条款失效|宣布失效|停止执行|不再执行|继续有效|继续执行|修改|废止|失效"
REPEAL_VERB = re.compile(_QUALIFIERS + rf"(?P<verb>{_REPEAL_VERBS})")
OUTCOME_VERB = re.compile(_QUALIFIERS + rf"(?P<verb>{_OUTCOME_VERBS})")
REPEAL_HINT = re.compile(r"废止|停止执行|不再执行|失效")
OUTCOME_HINT = re.compile(r"废止|执行|失效|有效|修改")
# A verb that is a noun or sits in a condition: 失效日期, 失效后, 废止的, 废止、失效等情况.
_NOT_AN_ACT_AFTER = re.compile(r"^(?:日期|后|之后|以后|之日|时|的|情况|情形|等|、|或|和|与|及|为)")
_VERB_OUTCOME = {
    "废止": CleanupOutcome.REPEAL,
    "停止执行": CleanupOutcome.REPEAL,
    "不再执行": CleanupOutcome.REPEAL,
    "失效": CleanupOutcome.REPEAL,
    "宣布失效": CleanupOutcome.DECLARE_INVALID,
}
# A number or a qualifier in parentheses, maybe nested: （法（研）发〔1987〕32号）.
_PAREN = r"[（(](?:[^（）()《》]|[（(][^（）()]*[）)]){1,40}[）)]"
# Between the last act and the verb (a part: 中有关看守所的规定, never a part by conflict,
# 与本办法相抵触的规定, which names no provision).
_TO_VERB = re.compile(
    r"""\s*(?:"""
    + _PAREN
    + r""")?\s*                                                # （国发〔2018〕41号） / (试行)
    (?P<part>(?:第[一二三四五六七八九十百零〇0-9]+[条款项章节](?:之[一二三四五六七八九十]+)?
              [、，,和及至与]?)+                              # 第五条、第六条
      |中?(?:有关|关于)(?:(?!抵触|不一致|冲突)[^，。；;《》]){0,30}?的?(?:规定|条款|内容|部分))?\s*
    (?:等[^，。；;《》自]{0,16})?\s*                          # 等3件
    [，,]?\s*(?:(?:自|从)[^，。；;《》]{1,30}?起[，,]?)?\s*$    # ，自本规定施行之日起
    """,
    re.VERBOSE,
)
# Between two acts of a list: a separator, then perhaps a description of the next act. (The
# organs of a joint issuer are apart by punctuation: no two ways to split them.)
_LINK_ORGAN = r"[\u4e00-\u9fff]{2,24}(?:院|部|委员会|委|局|政府|署|厅|办公室)"
_LINK = re.compile(
    r"""\s*(?:[（(][^（）()《》]{1,80}[）)])?\s*   # the previous act's number or dates
    (?:、|，|,|和|及|与|以及|或者|或)+\s*
    (?P<description>[^《》。；;]{0,200}?的                        # 1987年11月22日…通过的
      |{organ}(?:[、，]{organ})*                                  # 最高人民法院、…
    )?\s*$
    """.replace("{organ}", _LINK_ORGAN),
    re.VERBOSE,
)
# Before a verb that comes first: nothing but a marker and a subject (一、废止《X》).
_BEFORE_LEADING_VERB = re.compile(
    r"""^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十0-9]+[）)]|[0-9０-９]+[.．、]
    |第[一二三四五六七八九十百零〇0-9]+条)?\s*
    (?:本(?:决定|条例|办法|规定|通知|令|规则|解释)|现|特|决定|同时|并|一并|予以|宣布|即|特此|此外)*\s*$
    """,
    re.VERBOSE,
)
_AFTER_LEADING_VERB = re.compile(r"^\s*了?(?:以下|下列|如下)?[^，。；;《》]{0,16}?[：:]?\s*$")
_LIST_AFTER = re.compile(r"^\s*(?:[（(][^（）()]{1,80}[）)])?\s*(?:、|，|,|和|及|与|以及)*\s*$")
# Words that make an act the law to follow, the basis, or the subject of something else.
_GOVERNED = re.compile(
    r"(?:依照|按照|根据|依据|违反|参照|参考|执行|适用|遵守|遵照|对照|实施|贯彻|落实|符合|"
    r"依|按|照|据|使用|持有|取得|办理|申领|核发|吊销|撤销|注销|宣告|无|凭|由|经|与|同)\s*$"
)
_BOUNDARY = re.compile(r"[，,；;：:。！？]")
# What a title ends with when it names a licence, a form or a signal, not an act.
_NOT_ACT_ENDINGS = (
    "证",
    "证书",
    "执照",
    "卡",
    "单",
    "表",
    "书",
    "信号",
    "牌",
    "册",
    "簿",
    "票",
    "章",
)


@attrs.frozen
class Act:
    """A document a sentence acts upon.

    Attributes:
        target: the document as the sentence names it.
        outcome: what happens to it.
        articles: the articles (or the part, ``有关看守所的规定``) a partial change affects.
        possible: the clause comes close to a repeal but does not fit the grammar: for review.
    """

    target: DocRef
    outcome: CleanupOutcome
    articles: tuple[str, ...] = ()
    possible: bool = False


def is_act(ref: DocRef) -> bool:
    """Whether a reference may name an act: a document number, or a title that does not end
    like a licence or a form (``《采矿许可证》``)."""
    if ref.number is not None:
        return True
    title = re.sub(r"[（(][^（）()]*[）)]$", "", ref.title or "").strip()
    if not title:
        return False
    return doc_type_of(title) is not None or not title.endswith(_NOT_ACT_ENDINGS)


# An issuer written before a title that starts with 关于: 最高人民法院2012年12月20日发布的《关于…》.
_ORGAN = (
    r"(?:最高人民法院|最高人民检察院|国务院(?:办公厅)?|"
    r"[\u4e00-\u9fff]{2,20}?(?:部|委员会|总局|局|署|人民政府(?:办公厅|办公室)?))"
)
_ISSUER = re.compile(
    rf"(?<![^日的，、\s])原?(?P<organ>{_ORGAN}(?:、{_ORGAN})*)"
    r"(?:[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日)?(?:发布|印发|公布|颁布)?的?$"
)


def _with_issuer(sentence: str, ref: DocRef, start: int) -> DocRef:
    """``《关于X的解释》`` after its issuer names the act ``最高人民法院关于X的解释``."""
    if not ref.title or not ref.title.startswith("关于"):
        return ref
    issuer = _ISSUER.search(sentence[_clause_start(sentence, start) : start])
    if issuer is None:
        return ref
    return DocRef(ref.text, issuer["organ"] + ref.title, ref.number)


def _refs(sentence: str) -> list[tuple[DocRef, int, int]]:
    """The documents a sentence names; a number in parentheses right after a title is that
    title's (``《X》（法（研）发〔1987〕32号）``)."""
    out: list[tuple[DocRef, int, int]] = []
    for ref, start, end in find_refs(sentence):
        if not (ref.title or ref.number):
            continue
        if out and ref.title is None and out[-1][0].title and out[-1][0].number is None:
            prev, prev_start, prev_end = out[-1]
            gap = sentence[prev_end:start]
            close = re.match(r"[^（）()《》]{0,4}[）)]", sentence[end:])
            if close and re.fullmatch(
                r"\s*[（(][^（）()《》。，；]{0,8}(?:[（(][^（）()]{0,4}[）)])?", gap
            ):
                whole = re.fullmatch(r"\s*[（(]\s*", gap) is not None
                stop = end + close.end()
                out[-1] = (
                    DocRef(sentence[prev_start:stop], prev.title, ref.number if whole else None),
                    prev_start,
                    stop,
                )
                continue
        out.append((ref, start, end))
    return [(_with_issuer(sentence, ref, start), start, end) for ref, start, end in out]


def _clause_start(sentence: str, at: int) -> int:
    found = [m.end() for m in _BOUNDARY.finditer(sentence, 0, at)]
    return found[-1] if found else 0


def _governed(sentence: str, start: int) -> bool:
    """Whether the act at ``start`` is named as the law to follow, a basis or an object."""
    prefix = sentence[_clause_start(sentence, start) : start]
    return _GOVERNED.search(prefix) is not None


def _articles(part: str | None) -> tuple[str, ...]:
    if not part:
        return ()
    numbered = re.findall(
        r"第[一二三四五六七八九十百零〇0-9]+[条款项章节](?:之[一二三四五六七八九十]+)?", part
    )
    return tuple(numbered) if numbered else (part.lstrip("中"),)


def acts_in(sentence: str, *, decision: bool = False) -> list[Act]:
    """The documents a sentence repeals (``decision``: acts upon with any outcome).

    Possible repeals that do not fit the grammar come back with ``possible=True``.
    """
    hint = OUTCOME_HINT if decision else REPEAL_HINT
    if hint.search(sentence) is None or ("《" not in sentence and "号" not in sentence):
        return []
    refs = _refs(sentence)
    if not refs:
        return []
    verbs = OUTCOME_VERB if decision else REPEAL_VERB
    out: list[Act] = []
    used: set[int] = set()
    close: set[int] = set()
    for verb in verbs.finditer(sentence):
        if "自行" in verb["qual"]:
            continue  # …的，《许可证》自行废止: a lapse on a condition
        if _NOT_AN_ACT_AFTER.match(sentence[verb.end() :]):
            continue  # 失效日期, 失效后, 废止的
        word = verb["verb"]
        outcome = outcome_of(word) if decision else _VERB_OUTCOME[word]
        if outcome is None:  # pragma: no cover - every verb is an outcome word
            continue
        chain, articles = _before(sentence, refs, verb.start())
        if not chain and word in ("废止", "停止执行", "宣布失效", "修改"):
            chain = _after(sentence, refs, verb.start(), verb.end())
        if not chain:
            clause = _clause_start(sentence, verb.start())
            for k, (_, start, end) in enumerate(refs):
                if start >= clause and end <= verb.start() and not _governed(sentence, start):
                    close.add(k)
        for k in sorted(chain):
            if k in used:
                continue
            used.add(k)
            kind = outcome
            if articles and outcome in (CleanupOutcome.REPEAL, CleanupOutcome.DECLARE_INVALID):
                kind = CleanupOutcome.PARTIALLY_INVALID
            out.append(Act(refs[k][0], kind, articles))
    if not decision:
        for k in sorted(close - used):
            out.append(Act(refs[k][0], CleanupOutcome.REPEAL, possible=True))
    return out


def _before(
    sentence: str, refs: Sequence[tuple[DocRef, int, int]], verb_at: int
) -> tuple[list[int], tuple[str, ...]]:
    """The acts a verb follows: ``《A》、《B》同时废止`` (and the articles of a partial one)."""
    chain: list[int] = []
    articles: tuple[str, ...] = ()
    cursor = verb_at
    for k in range(len(refs) - 1, -1, -1):
        _, start, end = refs[k]
        if end > cursor:
            continue
        gap = sentence[end:cursor]
        if not chain:
            match = _TO_VERB.fullmatch(gap)
            if match is None:
                break
            articles = _articles(match["part"])
        else:
            link = _LINK.fullmatch(gap)
            if link is None or (link["description"] and _GOVERNED.search(link["description"])):
                break
        chain.append(k)
        cursor = start
    if chain and _governed(sentence, refs[chain[-1]][1]):
        return [], ()  # 依照《X》予以废止: the act is the basis, not the object
    return chain, articles


def _after(
    sentence: str, refs: Sequence[tuple[DocRef, int, int]], verb_at: int, verb_end: int
) -> list[int]:
    """The acts a verb governs when it comes first: ``废止《A》、《B》``."""
    if not _BEFORE_LEADING_VERB.match(sentence[_clause_start(sentence, verb_at) : verb_at]):
        return []
    chain: list[int] = []
    cursor = verb_end
    for k, (_, start, end) in enumerate(refs):
        if start < cursor:
            continue
        gap = sentence[cursor:start]
        pattern = _LIST_AFTER if chain else _AFTER_LEADING_VERB
        if not pattern.fullmatch(gap):
            break
        chain.append(k)
        cursor = end
    return chain


__all__ = ["OUTCOME_HINT", "OUTCOME_VERB", "REPEAL_HINT", "REPEAL_VERB", "Act", "acts_in", "is_act"]
