"""What a document does to other documents: repeals, amendments, cleanup outcomes.

:func:`acts_of` reads a parsed document (one text version) and returns the documents it acts
upon, each with the outcome, its date and the sentence or list row it was read from:

* **replacement clauses** in any text (``《法规规章备案条例》同时废止``, ``废止《X》``),
  by the grammar of :mod:`ingest.repeals`: only a clause whose verb governs the act counts,
  and a clause that comes close is returned as *possible*, for a person's review;
* **repeal decisions and cleanup results** (``关于废止部分规范性文件的决定``,
  ``…规范性文件清理结果的通知``): the documents listed per outcome (继续有效 / 修改 / 废止 /
  宣布失效 / 部分条款失效), in running text, numbered lists or tables, in the body or in the
  attachments, each outcome with its date (stated in the section, else the date the provision
  took effect). An item that names a document in passing (``将第三条中的"依照《X》"修改为…``)
  is not an item about that document: the outcome must govern it, or the item must be bare.

A repeal takes effect when the provision that makes it does: the date a sentence gives
(``自2024年1月1日起``, ``自本规定施行之日起``), else the effective date of the text that
holds it, never the date the archive learned it.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Sequence

import attrs

from gazette.cleanup import outcome_of, outcome_words
from gazette.model import (
    Block,
    BlockKind,
    CleanupOutcome,
    DocRef,
    Document,
    EventKind,
    LifecycleEvent,
    TextVersion,
)
from gazette.references import find_refs
from ingest.clause_text import (
    BODY_KINDS,
    COMMENCE,
    SINCE,
    Dates,
    inferred,
    parsed,
    sentences,
    to_date,
    without_titles,
)
from ingest.repeals import OUTCOME_HINT, REPEAL_HINT, acts_in, is_act

_LIST_MARKER = re.compile(
    r"^(?:[（(]?[0-9０-９]+[)）.．、]|[（(]?[一二三四五六七八九十]+[、）)]|[■●·•-])"
)
# What a decision titled 关于废止/宣布失效/修改 … does, by title word.
_DECISION_TITLE = re.compile(r"关于(?:对)?(?P<what>.*?)的(?:决定|通知|令|公告|通告|批复)$")


@attrs.frozen
class Found:
    """Another document a text acts upon.

    Attributes:
        target: the document as named.
        outcome: what happens to it.
        excerpt: the sentence or row it was read from.
        date: when it takes effect.
        articles: the part a partial change affects.
        possible: a clause close to a repeal that does not fit the grammar (for review).
        inferred: the date is inferred (the provision's own date is an inference).
    """

    target: DocRef
    outcome: CleanupOutcome
    excerpt: str
    date: _dt.date | None = None
    articles: tuple[str, ...] = ()
    possible: bool = False
    inferred: bool = False


_WINDOW = 240


def _window(sentence: str, target: str) -> str:
    """The part of a long sentence a reader needs: the act named and the verb that ends it
    (a repeal sentence often opens with the act's whole history)."""
    if len(sentence) <= _WINDOW:
        return sentence
    tail = sentence[-(_WINDOW - 1) :]
    if target in tail:
        return "…" + tail
    at = max(0, sentence.find(target) - 20)
    head = sentence[at : at + _WINDOW // 2]
    return ("…" if at else "") + head + "…" + sentence[-(_WINDOW // 2 - 3) :]


def _sentence_date(sentence: str, dates: Dates, provision: _dt.date | None) -> _dt.date | None:
    """The date a sentence gives its act: ``自2024年1月1日起``, ``自本通知印发之日起``."""
    match = SINCE.search(sentence)
    if match is None:
        commencement = COMMENCE.search(sentence)
        if commencement is not None:
            when = commencement["when"]
            return to_date(when) or dates.relative(when)
        return None
    if match["own"]:
        return provision
    when = match["when"]
    return to_date(when) or dates.relative(when)


def _item_refs(text: str) -> list[tuple[DocRef, int, int]]:
    return [
        (ref, s, e) for ref, s, e in find_refs(text) if (ref.title or ref.number) and is_act(ref)
    ]


def _is_item(block: Block, refs: Sequence[tuple[DocRef, int, int]]) -> bool:
    if not refs:
        return False
    text = block.text.strip()
    if block.kind == BlockKind.TABLE or _LIST_MARKER.match(text):
        return True
    covered = sum(e - s for _, s, e in refs)
    return covered >= 0.5 * len(re.sub(r"\s", "", text))


@attrs.frozen
class _Section:
    outcome: CleanupOutcome | None
    date: _dt.date | None
    items: tuple[Found, ...] = ()


_TABLE_COLUMNS = {
    "title": ("文件名称", "名称", "标题", "文件标题", "规范性文件名称", "title"),
    "number": ("文号", "发文字号", "文件编号", "number"),
    "outcome": ("清理结果", "清理意见", "处理意见", "处理结果", "结果", "outcome"),
    "date": ("生效日期", "失效日期", "废止日期", "执行日期", "日期", "date"),
    "articles": ("失效条款", "条款", "articles"),
}


def _table_columns(cells: Sequence[str]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        label = re.sub(r"\s", "", cell)
        for column, names in _TABLE_COLUMNS.items():
            if label in names and column not in found:
                found[column] = index
    return found if ("title" in found or "number" in found) else None


def _lists(
    blocks: Sequence[Block],
    default: CleanupOutcome | None,
    outcome_dates: dict[CleanupOutcome, _dt.date],
) -> tuple[list[Found], set[int]]:
    """Documents listed per outcome; also the indexes of the blocks read as list items."""
    sections: list[_Section] = []
    current = _Section(default, None)
    columns: dict[str, int] | None = None
    used: set[int] = set()

    def close() -> None:
        nonlocal current
        if current.items:
            sections.append(current)
        current = _Section(current.outcome, None)

    for index, block in enumerate(blocks):
        if block.kind not in BODY_KINDS:
            continue
        text = block.text.strip()
        if block.kind == BlockKind.TABLE:
            cells = [c.strip() for c in text.split("\t")]
            header = _table_columns(cells)
            if header is not None:
                columns = header
                used.add(index)
                continue
            if columns is not None:
                found = _table_row(cells, columns, current.outcome, text)
                if found is not None:
                    current = attrs.evolve(current, items=(*current.items, found))
                    used.add(index)
                continue
        refs = _item_refs(text)
        words = outcome_words(without_titles(text))
        if not refs and words:
            # A section header: 一、继续有效的规范性文件（15件） / 决定废止下列规范性文件：
            looks_like_header = (
                text.endswith(("：", ":"))
                or block.kind == BlockKind.HEADING
                or _LIST_MARKER.match(text) is not None
                or len(text) <= 40
                or re.search(r"目录|清单|下列|以下|如下|件[）)]", text) is not None
            )
            if looks_like_header and not re.search(r"本(决定|通知|办法|规定)", text):
                close()
                current = _Section(words[0][0], _sentence_date_only(text))
                used.add(index)
                continue
            date = _sentence_date_only(text)
            if date is not None and re.search(r"上述|以上|前述|所列|本目录|该目录", text):
                # 上述文件自2023年1月1日起停止执行: dates the sections it follows.
                for k, section in enumerate(sections):
                    if section.date is None and (section.outcome == words[0][0] or len(words) == 0):
                        sections[k] = attrs.evolve(section, date=date)
                if current.items and current.date is None:
                    current = attrs.evolve(current, date=date)
                continue
        if current.outcome is not None and _is_item(block, refs):
            governed = [a for a in acts_in(text, decision=True) if not a.possible]
            items: list[Found] = []
            if governed:
                items = [Found(a.target, a.outcome, text, articles=a.articles) for a in governed]
            elif _bare(_outside(text, refs)):
                item_words = outcome_words(_outside(text, refs))
                outcome = item_words[-1][0] if item_words else current.outcome
                articles = tuple(
                    re.findall(r"第[一二三四五六七八九十百零〇0-9]+条", _outside(text, refs))
                )
                if articles and outcome in (
                    CleanupOutcome.REPEAL,
                    CleanupOutcome.DECLARE_INVALID,
                ):
                    outcome = CleanupOutcome.PARTIALLY_INVALID
                chosen = refs[:1] if len(refs) > 1 and _nested(refs) else refs
                items = [Found(ref, outcome, text, articles=articles) for ref, _, _ in chosen]
            if items:
                current = attrs.evolve(current, items=(*current.items, *items))
                used.add(index)
    close()
    out: list[Found] = []
    for section in sections:
        for item in section.items:
            date = item.date or section.date or outcome_dates.get(item.outcome)
            out.append(attrs.evolve(item, date=date))
    return out, used


# Words that make an item more than a list entry: it says something about what it names.
_SAYS = re.compile(
    r"依照|按照|根据|依据|违反|参照|将|把|改为|删去|删除|增加|增设|规定|应当|适用|由"
)


def _bare(outside: str) -> bool:
    """Whether an item's text outside the documents it names is a bare list entry (a marker,
    numbers and dates, an outcome in parentheses), not a sentence about them."""
    text = _LIST_MARKER.sub("", outside.strip())
    text = re.sub(r"[（(][^（）()]*[）)]", "", text)
    return _SAYS.search(text) is None


def _nested(refs: Sequence[tuple[DocRef, int, int]]) -> bool:
    """A title followed by a bare number it carries is one document, not two."""
    return len(refs) == 2 and refs[0][0].title is not None and refs[1][0].title is None


def _outside(text: str, refs: Sequence[tuple[DocRef, int, int]]) -> str:
    out, cursor = [], 0
    for _, start, end in refs:
        out.append(text[cursor:start])
        cursor = end
    out.append(text[cursor:])
    return " ".join(out)


def _sentence_date_only(text: str) -> _dt.date | None:
    match = SINCE.search(text)
    if match is not None and match["when"]:
        return to_date(match["when"])
    return None


def _table_row(
    cells: Sequence[str], columns: dict[str, int], outcome: CleanupOutcome | None, text: str
) -> Found | None:
    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    title = cell("title").strip("《》 ")
    number_text = cell("number")
    refs = _item_refs(f"《{title}》" if title else "") if title else []
    number = next((r.number for r, _, _ in _item_refs(number_text) if r.number), None)
    if not title and number is None:
        return None
    target = DocRef(
        text=" ".join(c for c in (f"《{title}》" if title else "", number_text) if c),
        title=title or None,
        number=number or (refs[0][0].number if refs else None),
    )
    row_outcome = outcome_of(cell("outcome")) if cell("outcome") else outcome
    if row_outcome is None:
        return None
    articles = tuple(a for a in re.split(r"[、，,；;\s]+", cell("articles")) if a)
    date = to_date(cell("date")) if cell("date") else None
    return Found(target, row_outcome, text.replace("\t", " | "), date=date, articles=articles)


# --- the document as a whole ------------------------------------------------------------------

_DECISION_KIND = {
    CleanupOutcome.REPEAL: EventKind.REPEALED,
    CleanupOutcome.DECLARE_INVALID: EventKind.DECLARED_INVALID,
    CleanupOutcome.AMEND: EventKind.AMENDED,
    CleanupOutcome.PARTIALLY_INVALID: EventKind.PARTIALLY_INVALID,
    CleanupOutcome.CONTINUE: EventKind.RENEWED,
}


_CLEANUP_TITLE = re.compile(r"清理结果|清理情况|清理.{0,24}?(?:决定|目录|清单)")
_DECISION_WHAT = re.compile(
    r"^(?:公布|批准)?(?:废止|宣布失效|修改|失效|部分条款失效)|^对.{0,60}?(?:废止|失效)"
)


def mode_of(title: str | None) -> tuple[str | None, CleanupOutcome | None]:
    """``("cleanup" | "decision" | None, default outcome)`` from a title.

    A cleanup result (``关于公布规范性文件清理结果的通知``) lists outcomes; a decision
    (``关于废止部分规范性文件的决定``, ``关于修改〈X〉的决定``) acts on what it lists. A notice that
    merely asks for a cleanup (``关于做好规范性文件清理工作的通知``) is neither.
    """
    if not title:
        return None, None
    if _CLEANUP_TITLE.search(title):
        return "cleanup", None
    match = _DECISION_TITLE.search(title)
    if match is None or not _DECISION_WHAT.search(without_titles(match["what"])):
        return None, None
    words = outcome_words(without_titles(match["what"]))
    if not words:
        return None, None
    kinds = {w for w, _, _ in words}
    return "decision", (words[0][0] if len(kinds) == 1 else None)


def _title_target(title: str) -> tuple[DocRef, CleanupOutcome] | None:
    """``关于废止《X》的决定`` / ``关于修改〈X〉的决定``: the one document a decision names."""
    match = _DECISION_TITLE.search(title)
    if match is None:
        return None
    what = match["what"]
    words = outcome_words(re.sub(r"[《〈][^》〉]*[》〉]", "", what))
    named = re.findall(r"[《〈]([^》〉]+)[》〉]", what)
    if len(words) != 1 or len(named) != 1 or not what.startswith(("废止", "宣布", "修改")):
        return None
    return DocRef(f"《{named[0]}》", named[0]), words[0][0]


def acts_of(
    document: Document,
    text: TextVersion | None,
    *,
    mode: str | None,
    default: CleanupOutcome | None,
    outcome_dates: dict[CleanupOutcome, _dt.date],
    dates: Dates,
    provision: _dt.date | None,
    provision_inferred: bool = False,
    skip: frozenset[int] = frozenset(),
) -> list[Found]:
    """What the document does to other documents.

    Args:
        document: the document (its title decides whether it is a decision or a cleanup).
        text: the text version to read.
        mode: ``"decision"``, ``"cleanup"`` or ``None`` (see :func:`mode_of`).
        default: the outcome a decision's title gives its items.
        outcome_dates: dates the text gives per outcome.
        dates: the dates the document states, for ``自公布之日起``.
        provision: the day the text's provisions took effect: a repeal without a date of its
            own takes effect then.
        provision_inferred: that day is an inference.
        skip: indexes of blocks not to read (the 题注).
    """
    blocks = text.blocks if text is not None else ()
    fallback = provision or document.written_date or document.published_date
    found: list[Found] = []
    listed: set[int] = set()
    if mode is not None:
        items, listed = _lists(blocks, default, outcome_dates)
        found.extend(items)
    hint = OUTCOME_HINT if mode is not None else REPEAL_HINT
    for index, block in enumerate(blocks):
        if block.kind not in BODY_KINDS or index in listed or index in skip:
            continue
        if hint.search(block.text) is None:
            continue  # most paragraphs act on nothing
        for sentence in sentences(block.text):
            for act in acts_in(sentence, decision=mode is not None):
                date = _sentence_date(sentence, dates, provision)
                found.append(
                    Found(
                        act.target,
                        act.outcome,
                        _window(sentence, act.target.text),
                        date=date,
                        articles=act.articles,
                        possible=act.possible,
                    )
                )
    if mode is not None and not found and document.title:
        single = _title_target(document.title)
        if single is not None:
            found.append(Found(single[0], single[1], document.title))
    out = []
    seen: set[tuple[object, ...]] = set()
    for item in found:
        key = (item.target.title, str(item.target.number), item.outcome, item.possible)
        if key in seen:
            continue
        seen.add(key)
        if item.date is None:
            item = attrs.evolve(item, date=fallback, inferred=provision_inferred)
        out.append(item)
    return out


def outcome_dates_of(text: TextVersion | None) -> dict[CleanupOutcome, _dt.date]:
    """Dates a (cleanup) notice gives per outcome: ``废止的文件自2023年1月1日起停止执行``."""
    out: dict[CleanupOutcome, _dt.date] = {}
    if text is None:
        return out
    for block in text.blocks:
        if block.kind not in BODY_KINDS:
            continue
        for sentence in sentences(block.text):
            date = _sentence_date_only(sentence)
            if date is None:
                continue
            for outcome, _, _ in outcome_words(without_titles(sentence)):
                out.setdefault(outcome, date)
    return out


def event_for(found: Found, mode: str | None) -> LifecycleEvent:
    """The event a document's act records on its target."""
    provenance = inferred(found.excerpt) if found.inferred else parsed(found.excerpt)
    note = "施行日期未载明，按通过日期推定" if found.inferred else None
    if mode == "cleanup":
        return LifecycleEvent(
            EventKind.CLEANUP_OUTCOME,
            found.date,
            outcome=found.outcome,
            articles=found.articles,
            provenance=provenance,
            note=note,
        )
    return LifecycleEvent(
        _DECISION_KIND[found.outcome],
        found.date,
        articles=found.articles,
        provenance=provenance,
        note=note,
    )


__all__ = ["Found", "acts_of", "event_for", "mode_of", "outcome_dates_of"]
