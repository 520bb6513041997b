"""Lifecycle events a document states in its own text, found on ingest.

:func:`read_lifecycle` takes a parsed :class:`~gazette.model.Document` (and its attachments)
and returns it with the events its text states about itself, plus the
:class:`~gazette.references.OutgoingRef` s for what it says about other documents. Every event
carries the sentence it was read from (the archive adds the document id when it stores it).

What is read:

* **题注** (the version history under a law's title): ``通过``/``公布``/``发布`` → promulgated,
  ``修正``/``修订`` → amended, ``施行`` → effective. The text version gets its adopted date (the
  last version date), its effective date (the stated ``本法自…起施行`` date when that is later,
  else the adopted date) and a label (``2023年修订``). The stated effective date is recorded as
  an ``effective`` event; when it belongs to an amendment it is noted as such.
* **Effective dates**: ``本办法自2017年8月1日起施行``, ``自公布之日起施行`` (the published date,
  else the written date), ``自印发之日起施行`` (the written date), ``自公布之日起30日后施行``.
  Only a clause about the document itself counts (``本…``, or no subject of its own):
  ``规章应当自公布之日起30日后施行`` states a rule about other acts and is ignored.
* **Validity periods**: ``有效期至2022年7月31日``, ``有效期5年`` (counted from the effective
  date: the last day is effective + 5 years − 1 day).
* **Replacement clauses**: ``《法规规章备案条例》同时废止``, ``（国办发〔2016〕82号）停止执行``,
  ``《X》第五条同时废止`` (partial): an outgoing reference per named document, dated by the
  sentence (``自本通知印发之日起``), else by the document's effective date, else its written
  date.
* **Repeal decisions and cleanup results** (``关于废止部分规范性文件的决定``,
  ``…规范性文件清理结果的通知``): the documents listed per outcome (继续有效 / 修改 / 废止 /
  宣布失效 / 部分条款失效), in running text, numbered lists or tables, in the body or in the
  attachments, each outcome with its date (stated in the section, else the document's effective
  date, else its written date). A decision's outcomes are acts (``repealed``, ``amended``, …);
  a cleanup result's are ``cleanup_outcome`` events.
* **Promulgation**: a document without a version history is promulgated on its written date.

A 印发/转发 notice and the attachment issued under its number share their effective date and
validity period: what one states, the other gets (with a note saying where it was stated).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Sequence

import attrs

from gazette.cleanup import outcome_of, outcome_words
from gazette.dates import chinese_number, finditer_dates, format_cn
from gazette.lifecycle import period_end
from gazette.model import (
    Block,
    BlockKind,
    CleanupOutcome,
    DocRef,
    Document,
    EventKind,
    LifecycleEvent,
    Provenance,
    ProvenanceKind,
    TextVersion,
)
from gazette.references import OutgoingRef, find_refs
from ingest.elements import is_forwarding

_BODY_KINDS = (
    BlockKind.PARAGRAPH,
    BlockKind.ARTICLE,
    BlockKind.HEADING,
    BlockKind.PREAMBLE,
    BlockKind.TABLE,
)
_EXCERPT = 240

# --- small readers --------------------------------------------------------------------------

_DATE = (
    r"[0-9０-９]{4}\s*年\s*[0-9０-９]{1,2}\s*月\s*[0-9０-９]{1,2}\s*日"
    r"|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日"
)
_ACTS = r"公布|发布|颁布|印发|下发|签发|发文|公告|通过"
_WHEN = rf"(?P<when>{_DATE}|即日|[^，。；,;：:\s]{{0,12}}?(?:{_ACTS})之日)"
_COMMENCE = re.compile(
    rf"""(?:自|从)\s*{_WHEN}\s*(?:起)?\s*
    (?:(?P<delay>[0-9０-９一二三四五六七八九十]+)\s*日后)?\s*
    (?:正式|开始)?(?P<verb>施行|执行|生效|实施|试行)""",
    re.VERBOSE,
)
_COMMENCE_HINT = re.compile(r"施行|执行|生效|实施|试行")
_SINCE = re.compile(rf"(?:自|从)\s*(?:{_WHEN}|(?P<own>本\S{{0,8}}?施行之日))\s*起")
_VALID_UNTIL = re.compile(rf"有效期(?:至|到|截至|截止至?|截止到)\s*(?P<date>{_DATE})")
_VALID_FOR = re.compile(
    r"(?:有效期|试行期)(?:为|限为|暂定为?)?\s*"
    r"(?P<n>[0-9０-９]+|[一二两三四五六七八九十]+)\s*(?P<unit>年|个月)"
)
# An article label or list marker in front of a clause (第八条 / 四、 / （三） / 2.).
_ARTICLE_LABEL = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇0-9]+条|[一二三四五六七八九十]+、"
    r"|[（(][一二三四五六七八九十0-9]+[）)]|[0-9０-９]+[.．、])\s*"
)
_PARTIAL_SUBJECT = re.compile(r"第[一二三四五六七八九十百零〇0-9]+(?:条|款|章|项)")
_SENTENCE = re.compile(r"[^。；;！？!?]+[。；;！？!?]?")
_ARTICLES = re.compile(
    r"(?:第[一二三四五六七八九十百零〇0-9]+条(?:第[一二三四五六七八九十0-9]+款)?[、，和及]?)+"
)
_QUALIFIERS = r"(?P<qual>(?:同时|一并|均|即行|予以|自行|相应|随之|即|亦|也|继续|需)*)"
_REPEAL_VERB = re.compile(_QUALIFIERS + r"(?P<verb>宣布失效|停止执行|不再执行|废止|失效)")
_REPEAL_HINT = re.compile(r"废止|停止执行|不再执行|失效")
_OUTCOME_HINT = re.compile(r"废止|执行|失效|有效|修改")
# In a decision or cleanup result, every outcome word acts on the documents it follows.
_OUTCOME_VERB = re.compile(
    _QUALIFIERS
    + r"(?P<verb>部分条款失效|宣布失效|停止执行|不再执行|继续有效|继续执行|修改|废止|失效)"
)
_LIST_MARKER = re.compile(
    r"^(?:[（(]?[0-9０-９]+[)）.．、]|[（(]?[一二三四五六七八九十]+[、）)]|[■●·•-])"
)
# What may stand between the documents named and the verb: 等3件 / 自2024年1月1日起.
_BEFORE_VERB = re.compile(r"\s*(?:等[^，。；自]{0,24})?\s*(?:(?:自|从)[^，。；]{1,24}?起)?\s*")
_SEPARATOR = re.compile(r"^[\s、，,和及与]*(?:以及)?[\s、，,]*$")
_HISTORY_AMEND = ("修正", "修订", "修改")
_HISTORY_PROMULGATE = ("通过", "公布", "发布", "颁布")
_HISTORY_EFFECTIVE = ("施行", "生效")

# What a decision titled 关于废止/宣布失效/修改 … does, by title word.
_DECISION_TITLE = re.compile(r"关于(?:对)?(?P<what>.*?)的(?:决定|通知|令|公告|通告|批复)$")


def _excerpt(text: str) -> str:
    text = text.strip()
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def _to_date(text: str) -> _dt.date | None:
    for value, _, _ in finditer_dates(text):
        return value
    return None


def _number(text: str) -> int:
    try:
        return chinese_number(text)
    except ValueError:
        return 0


def _parsed(excerpt: str) -> Provenance:
    return Provenance(ProvenanceKind.PARSED, excerpt=_excerpt(excerpt))


@attrs.frozen
class _Dates:
    """The dates a document states, for relative expressions (``自印发之日起``)."""

    written: _dt.date | None
    published: _dt.date | None
    printed: _dt.date | None

    @classmethod
    def of(cls, document: Document) -> _Dates:
        return cls(document.written_date, document.published_date, document.printed_date)

    def relative(self, when: str) -> _dt.date | None:
        """The date ``即日`` / ``公布之日`` / ``印发之日`` … stands for in this document."""
        if re.search(r"公布|发布|颁布|公告", when):
            return self.published or self.written or self.printed
        return self.written or self.printed or self.published


@attrs.frozen
class _Commencement:
    date: _dt.date
    sentence: str
    subject: str  # 本办法, 本法, or "" (a clause without a subject of its own)


def _subject_ok(subject: str) -> bool:
    """Whether a clause's subject is the document itself (``本办法``, or none)."""
    subject = _ARTICLE_LABEL.sub("", subject.strip()).strip()
    if not subject:
        return True
    if _PARTIAL_SUBJECT.search(subject):
        return False  # 本办法第十条自…起施行: one article, not the document
    return subject.startswith(("本", "此", "该"))


def _commencements(texts: Iterable[str], dates: _Dates) -> list[_Commencement]:
    out: list[_Commencement] = []
    for text in texts:
        if not _COMMENCE_HINT.search(text):
            continue
        for sentence in _sentences(text):
            for match in _COMMENCE.finditer(sentence):
                clause_start = max(sentence.rfind(p, 0, match.start()) for p in "，,：:") + 1
                subject = sentence[clause_start : match.start()]
                tail = sentence[match.end() :].lstrip()
                if not _subject_ok(subject):
                    continue
                if tail and tail[0] not in "，。；,;）)" and not tail.startswith("有效期"):
                    continue  # 自…起执行新标准: about something else
                when = match["when"]
                date = _to_date(when) or dates.relative(when)
                if date is None:
                    continue
                if match["delay"]:
                    date += _dt.timedelta(days=_number(match["delay"]))
                out.append(_Commencement(date, sentence, _ARTICLE_LABEL.sub("", subject).strip()))
    return out


def _validity(
    texts: Iterable[str], commencements: Sequence[_Commencement], effective: _dt.date | None
) -> list[tuple[_dt.date, str]]:
    """``(last day, sentence)`` for each validity period the document states for itself."""
    out: list[tuple[_dt.date, str]] = []
    for text in texts:
        if "有效期" not in text and "试行期" not in text:
            continue
        for sentence in _sentences(text):
            stated_here = next((c for c in commencements if c.sentence == sentence), None)
            for match in list(_VALID_UNTIL.finditer(sentence)) + list(
                _VALID_FOR.finditer(sentence)
            ):
                clause_start = max(sentence.rfind(p, 0, match.start()) for p in "，,：:") + 1
                subject = sentence[clause_start : match.start()]
                if subject.strip() and not _subject_ok(subject):
                    continue
                if not subject.strip() and stated_here is None and not _mentions_self(sentence):
                    continue
                if "date" in match.groupdict() and match.groupdict().get("date"):
                    last = _to_date(match["date"])
                else:
                    start = stated_here.date if stated_here else effective
                    n = _number(match["n"])
                    if start is None or n <= 0:
                        continue
                    last = (
                        period_end(start, years=n)
                        if match["unit"] == "年"
                        else period_end(start, months=n)
                    )
                if last is not None:
                    out.append((last, sentence))
    return out


def _mentions_self(sentence: str) -> bool:
    return _ARTICLE_LABEL.sub("", sentence.strip()).startswith("本")


# --- 题注 (version history) ---------------------------------------------------------------


@attrs.frozen
class _HistoryEntry:
    date: _dt.date
    kind: EventKind
    word: str  # 通过, 公布, 修正, 修订, 施行
    text: str
    acting: DocRef | None = None


def _history_blocks(blocks: Sequence[Block]) -> list[int]:
    """Indexes of the 题注 blocks: right under the title, before the first heading or article."""
    out: list[int] = []
    started = False
    for index, block in enumerate(blocks):
        if block.kind == BlockKind.TITLE:
            started = True
            continue
        if not started:
            continue
        if block.kind in (BlockKind.HEADING, BlockKind.ARTICLE) or len(out) >= 12:
            break
        if block.kind == BlockKind.RECIPIENTS:
            break  # a notice: what follows its recipients is its body, not a 题注
        if block.kind not in (BlockKind.SUBTITLE, BlockKind.PARAGRAPH):
            continue
        raw = block.text.strip()
        enclosed = raw.startswith(("（", "(")) and raw.endswith(("）", ")"))
        if not enclosed and (raw.endswith(("。", "；", ";")) or len(raw) > 150):
            break  # a sentence of the body
        text = raw.strip("（()）").strip()
        first = next(iter(finditer_dates(text)), None)
        if first is None or first[1] > 2:
            if out or block.kind == BlockKind.SUBTITLE:
                continue
            break
        if _history_word(_without_titles(text)):
            out.append(index)
        elif out:
            break
    return out


def _without_titles(text: str) -> str:
    return re.sub(r"《[^》]*》", "", text)


def _history_word(text: str) -> tuple[EventKind, str] | None:
    for word in _HISTORY_AMEND:
        if word in text:
            return EventKind.AMENDED, word
    for word in _HISTORY_PROMULGATE:
        if word in text:
            return EventKind.PROMULGATED, word
    for word in _HISTORY_EFFECTIVE:
        if word in text:
            return EventKind.EFFECTIVE, word
    return None


def _history(blocks: Sequence[Block], indexes: Sequence[int]) -> list[_HistoryEntry]:
    entries: list[_HistoryEntry] = []
    for index in indexes:
        text = blocks[index].text.strip().strip("（()）").strip()
        found = list(finditer_dates(text))
        for k, (date, start, _) in enumerate(found):
            end = found[k + 1][1] if k + 1 < len(found) else len(text)
            segment = text[start:end].strip()
            what = _history_word(_without_titles(segment))
            if what is None:
                continue
            acting = None
            titled = re.search(r"《([^》]+)》", segment)
            if titled and what[0] == EventKind.AMENDED:
                acting = DocRef(titled[0], titled[1])
            entries.append(_HistoryEntry(date, what[0], what[1], segment, acting))
    # A later 通过 (without 修正/修订) adopts a new version: an amendment. A 公布 that follows
    # an adoption closely belongs to the same version.
    out: list[_HistoryEntry] = []
    for entry in entries:
        versions = [e for e in out if e.kind != EventKind.EFFECTIVE]
        if entry.kind == EventKind.PROMULGATED and versions:
            last = versions[-1]
            if entry.word in ("公布", "发布", "颁布") and 0 <= (entry.date - last.date).days <= 366:
                continue
            entry = attrs.evolve(entry, kind=EventKind.AMENDED)
        out.append(entry)
    return out


def _version_label(entry: _HistoryEntry) -> str:
    """``2023年修订``: the year and the 题注's own word (as the element parser labels texts)."""
    return f"{entry.date.year}年{entry.word}"


# --- references to other documents --------------------------------------------------------


@attrs.frozen
class _Found:
    """Another document a text acts upon."""

    target: DocRef
    outcome: CleanupOutcome
    excerpt: str
    date: _dt.date | None = None
    articles: tuple[str, ...] = ()


_VERB_OUTCOME = {
    "废止": CleanupOutcome.REPEAL,
    "停止执行": CleanupOutcome.REPEAL,
    "不再执行": CleanupOutcome.REPEAL,
    "失效": CleanupOutcome.REPEAL,
    "宣布失效": CleanupOutcome.DECLARE_INVALID,
}


def _sentence_date(sentence: str, dates: _Dates, own_effective: _dt.date | None) -> _dt.date | None:
    """The date a sentence gives its act: ``自2024年1月1日起``, ``自本通知印发之日起``."""
    match = _SINCE.search(sentence)
    if match is None:
        commencement = _COMMENCE.search(sentence)
        if commencement is not None:
            when = commencement["when"]
            return _to_date(when) or dates.relative(when)
        return None
    if match["own"]:
        return own_effective
    when = match["when"]
    return _to_date(when) or dates.relative(when)


def _replacements(sentence: str, verbs: re.Pattern[str] = _REPEAL_VERB) -> list[_Found]:
    """Documents a sentence repeals: ``《X》（号）同时废止``, ``废止《X》、《Y》``.

    With ``verbs=_OUTCOME_VERB`` (decisions and cleanup results), any outcome:
    ``《A》、《B》继续有效``.
    """
    if not any(word in sentence for word in ("废止", "执行", "失效", "有效", "修改")):
        return []  # most sentences act on nothing: skip the reference search
    refs = [(ref, start, end) for ref, start, end in find_refs(sentence) if ref.title or ref.number]
    if not refs:
        return []
    out: list[_Found] = []
    used: set[int] = set()
    for verb in verbs.finditer(sentence):
        word = verb["verb"]
        outcome = outcome_of(word) if verbs is _OUTCOME_VERB else _VERB_OUTCOME.get(word)
        if outcome is None:  # pragma: no cover - every verb is an outcome word
            continue
        # Refs before the verb: 《A》、《B》（号）同时废止 / 《A》第五条同时废止.
        cursor = verb.start()
        gap_articles: tuple[str, ...] = ()
        chain: list[int] = []
        for k in range(len(refs) - 1, -1, -1):
            _ref, start, end = refs[k]
            gap = sentence[end:cursor]
            if not chain:
                articles = _ARTICLES.fullmatch(gap.strip())
                if articles:
                    gap_articles = tuple(
                        re.findall(r"第[^、，和及第]+?条(?:第[^、，和及]+?款)?", gap)
                    )
                    gap = ""
                if _BEFORE_VERB.fullmatch(gap) is None:
                    break
            elif _SEPARATOR.match(gap) is None:
                break
            chain.append(k)
            cursor = start
        # Refs after the verb: 决定废止《A》、《B》 / 废止下列文件：《A》.
        if not chain and verb["verb"] == "废止":
            cursor = verb.end()
            for k, (_ref, start, end) in enumerate(refs):
                if start < cursor:
                    continue
                gap = sentence[cursor:start]
                if (
                    not chain
                    and re.fullmatch(r"\s*(?:了|以下|下列|如下)?[^，。；《]{0,16}?[：:]?\s*", gap)
                    is None
                ):
                    break
                if chain and _SEPARATOR.match(gap) is None:
                    break
                chain.append(k)
                cursor = end
        for k in sorted(chain):
            if k in used:
                continue
            used.add(k)
            kind = CleanupOutcome.PARTIALLY_INVALID if gap_articles else outcome
            out.append(_Found(refs[k][0], kind, sentence, articles=gap_articles))
    return out


def _item_refs(text: str) -> list[tuple[DocRef, int, int]]:
    return [(ref, s, e) for ref, s, e in find_refs(text) if ref.title or ref.number]


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
    items: tuple[_Found, ...] = ()


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
) -> tuple[list[_Found], set[int]]:
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
        if block.kind not in _BODY_KINDS:
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
        words = outcome_words(_without_titles(text))
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
            item_words = outcome_words(_outside(text, refs))
            outcome = item_words[-1][0] if item_words else current.outcome
            articles = tuple(
                re.findall(r"第[一二三四五六七八九十百零〇0-9]+条", _outside(text, refs))
            )
            if articles and outcome in (CleanupOutcome.REPEAL, CleanupOutcome.DECLARE_INVALID):
                outcome = CleanupOutcome.PARTIALLY_INVALID
            for ref, _, _ in refs[:1] if len(refs) > 1 and _nested(refs) else refs:
                current = attrs.evolve(
                    current,
                    items=(*current.items, _Found(ref, outcome, text, articles=articles)),
                )
            used.add(index)
    close()
    out: list[_Found] = []
    for section in sections:
        for item in section.items:
            date = item.date or section.date or outcome_dates.get(item.outcome)
            out.append(attrs.evolve(item, date=date))
    return out, used


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
    match = _SINCE.search(text)
    if match is not None and match["when"]:
        return _to_date(match["when"])
    return None


def _table_row(
    cells: Sequence[str], columns: dict[str, int], outcome: CleanupOutcome | None, text: str
) -> _Found | None:
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
    date = _to_date(cell("date")) if cell("date") else None
    return _Found(target, row_outcome, text.replace("\t", " | "), date=date, articles=articles)


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


def _mode(title: str | None) -> tuple[str | None, CleanupOutcome | None]:
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
    if match is None or not _DECISION_WHAT.search(_without_titles(match["what"])):
        return None, None
    words = outcome_words(_without_titles(match["what"]))
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


@attrs.frozen
class _Own:
    """What a document states about itself."""

    events: tuple[LifecycleEvent, ...]
    version: TextVersion | None  # its text with version dates, when it has a history
    effective: tuple[_dt.date, ...]


def _own(document: Document, text: TextVersion | None) -> _Own:
    blocks = text.blocks if text is not None else ()
    dates = _Dates.of(document)
    history_at = _history_blocks(blocks)
    history = _history(blocks, history_at)
    body = [b.text for k, b in enumerate(blocks) if b.kind in _BODY_KINDS and k not in history_at]
    commencements = _commencements(body, dates)
    # Prefer clauses naming the document (本法自…) over subject-less ones when they disagree.
    named = [c for c in commencements if c.subject]
    stated = sorted({c.date for c in (named or commencements)})
    events: list[LifecycleEvent] = []
    version = text
    stated_effective = [e for e in history if e.kind == EventKind.EFFECTIVE]
    versions = [e for e in history if e.kind != EventKind.EFFECTIVE]
    effective_dates: list[_dt.date] = []
    if versions:
        for k, entry in enumerate(versions):
            events.append(
                LifecycleEvent(
                    kind=EventKind.PROMULGATED if k == 0 else EventKind.AMENDED,
                    date=entry.date,
                    acting=entry.acting,
                    provenance=_parsed(entry.text),
                    note=_version_label(entry),
                )
            )
        starts: list[tuple[_dt.date, str]] = [(e.date, e.text) for e in stated_effective]
        if not starts:
            starts = [(c.date, c.sentence) for c in (named or commencements) if c.date in stated]
        for date, sentence in starts:
            owner = [v for v in versions if v.date <= date]
            note = None
            if owner and owner[-1] is not versions[0]:
                note = f"施行 of the text adopted {owner[-1].date.isoformat()}"
            events.append(
                LifecycleEvent(EventKind.EFFECTIVE, date, provenance=_parsed(sentence), note=note)
            )
            effective_dates.append(date)
        last = versions[-1]
        later = [d for d, _ in starts if d > last.date]
        if text is not None:
            version = attrs.evolve(
                text,
                adopted=text.adopted or last.date,
                effective=text.effective or (min(later) if later else last.date),
                label=text.label or _version_label(last),
            )
    else:
        for date in stated:
            sentence = next(c.sentence for c in (named or commencements) if c.date == date)
            events.append(LifecycleEvent(EventKind.EFFECTIVE, date, provenance=_parsed(sentence)))
            effective_dates.append(date)
        issued = document.written_date or document.published_date
        if issued is not None:
            where = "成文日期" if document.written_date else "发布日期"
            events.append(
                LifecycleEvent(
                    EventKind.PROMULGATED,
                    issued,
                    provenance=_parsed(f"{where}：{format_cn(issued)}"),
                )
            )
    own_effective = effective_dates[0] if len(set(effective_dates)) == 1 else None
    if versions and effective_dates:
        own_effective = max(effective_dates)
    for last_day, sentence in _validity(body, commencements, own_effective):
        events.append(LifecycleEvent(EventKind.VALID_UNTIL, last_day, provenance=_parsed(sentence)))
    return _Own(tuple(_dedupe(events)), version, tuple(sorted(set(effective_dates))))


def _dedupe(events: Iterable[LifecycleEvent]) -> list[LifecycleEvent]:
    seen: set[tuple[object, ...]] = set()
    out = []
    for event in events:
        key = (event.kind, event.date, event.outcome, event.articles)
        if key not in seen:
            seen.add(key)
            out.append(event)
    return out


def _acts(
    document: Document,
    text: TextVersion | None,
    own: _Own,
    *,
    mode: str | None,
    default: CleanupOutcome | None,
    outcome_dates: dict[CleanupOutcome, _dt.date],
) -> list[_Found]:
    """What the document does to other documents."""
    blocks = text.blocks if text is not None else ()
    dates = _Dates.of(document)
    own_effective = own.effective[-1] if own.effective else None
    fallback = own_effective or document.written_date or document.published_date
    found: list[_Found] = []
    listed: set[int] = set()
    if mode is not None:
        items, listed = _lists(blocks, default, outcome_dates)
        found.extend(items)
    history_at = set(_history_blocks(blocks))
    for index, block in enumerate(blocks):
        if block.kind not in _BODY_KINDS or index in listed or index in history_at:
            continue
        verbs, hint = (
            (_OUTCOME_VERB, _OUTCOME_HINT) if mode is not None else (_REPEAL_VERB, _REPEAL_HINT)
        )
        if hint.search(block.text) is None:
            continue
        for sentence in _sentences(block.text):
            for item in _replacements(sentence, verbs):
                date = _sentence_date(sentence, dates, own_effective)
                found.append(attrs.evolve(item, date=date))
    if mode is not None and not found and document.title:
        single = _title_target(document.title)
        if single is not None:
            found.append(_Found(single[0], single[1], document.title))
    out = []
    seen: set[tuple[object, ...]] = set()
    for item in found:
        key = (item.target.title, str(item.target.number), item.outcome)
        if key in seen:
            continue
        seen.add(key)
        out.append(item if item.date is not None else attrs.evolve(item, date=fallback))
    return out


def _outcome_dates(document: Document, text: TextVersion | None) -> dict[CleanupOutcome, _dt.date]:
    """Dates a (cleanup) notice gives per outcome: ``废止的文件自2023年1月1日起停止执行``."""
    out: dict[CleanupOutcome, _dt.date] = {}
    if text is None:
        return out
    for block in text.blocks:
        if block.kind not in _BODY_KINDS:
            continue
        for sentence in _sentences(block.text):
            date = _sentence_date_only(sentence)
            if date is None:
                continue
            for outcome, _, _ in outcome_words(_without_titles(sentence)):
                out.setdefault(outcome, date)
    return out


def _events_for(found: _Found, mode: str | None) -> LifecycleEvent:
    if mode == "cleanup":
        return LifecycleEvent(
            EventKind.CLEANUP_OUTCOME,
            found.date,
            outcome=found.outcome,
            articles=found.articles,
            provenance=_parsed(found.excerpt),
        )
    return LifecycleEvent(
        _DECISION_KIND[found.outcome],
        found.date,
        articles=found.articles,
        provenance=_parsed(found.excerpt),
    )


def _shares_life(carrier: Document, part: Document) -> bool:
    return (
        is_forwarding(carrier.title)
        and part.doc_number is not None
        and part.doc_number == carrier.doc_number
    )


_SHARED = (EventKind.EFFECTIVE, EventKind.VALID_UNTIL)


def _share(source: Document, target: Document, where: str) -> Document:
    """Give ``target`` the effective date and validity period ``source`` states, if it states
    none of its own."""
    if any(e.kind in _SHARED for e in target.events):
        return target
    copied = [attrs.evolve(e, note=e.note or where) for e in source.events if e.kind in _SHARED]
    return target.with_events(*copied) if copied else target


def read_lifecycle(
    document: Document, position: tuple[int, ...] = (0,)
) -> tuple[Document, tuple[OutgoingRef, ...]]:
    """The document with the events its text states, and its references to other documents.

    Args:
        document: a parsed document (with its parts).
        position: its place in the submission: ``(i,)`` for the i-th document.

    Returns:
        The document (and its parts) with events and version dates added, and the outgoing
        references of the document and its parts, to hand to the archive with the submission.
    """
    return _read(document, position, inherited=None)


def _read(
    document: Document,
    position: tuple[int, ...],
    *,
    inherited: tuple[str, CleanupOutcome | None, dict[CleanupOutcome, _dt.date], tuple[int, ...]]
    | None,
) -> tuple[Document, tuple[OutgoingRef, ...]]:
    text = document.text
    own = _own(document, text)
    mode: str | None
    if inherited is not None:
        mode, default, outcome_dates, acting_at = inherited
        part_default = outcome_of(document.title or "") if document.title else None
        default = part_default or default
        outcome_dates = {**outcome_dates, **_outcome_dates(document, text)}
    else:
        mode, default = _mode(document.title)
        outcome_dates = _outcome_dates(document, text) if mode is not None else {}
        acting_at = position
    acts = _acts(document, text, own, mode=mode, default=default, outcome_dates=outcome_dates)
    refs = [
        OutgoingRef(source=acting_at, target=item.target, event=_events_for(item, mode))
        for item in acts
    ]
    texts = document.texts
    if own.version is not None and text is not None and own.version is not text:
        texts = tuple(own.version if t is text else t for t in texts)
    updated = attrs.evolve(document, texts=texts).with_events(*own.events)
    parts: list[Document] = []
    for k, part in enumerate(document.parts):
        carried = (mode, default, outcome_dates, acting_at) if mode is not None else None
        read_part, part_refs = _read(part, (*position, k), inherited=carried)
        parts.append(read_part)
        refs.extend(part_refs)
    # A 印发 notice and the attachment issued under its number share effective date and period.
    sharing = [k for k, part in enumerate(parts) if _shares_life(updated, part)]
    if sharing:
        stating = [parts[k] for k in sharing if any(e.kind in _SHARED for e in parts[k].events)]
        dates = {
            tuple(sorted((e.kind, e.date or _dt.date.min) for e in p.events if e.kind in _SHARED))
            for p in stating
        }
        if len(dates) == 1:
            updated = _share(stating[0], updated, f"stated in the attachment《{stating[0].title}》")
        for k in sharing:
            parts[k] = _share(updated, parts[k], "stated in the carrier notice")
    updated = attrs.evolve(updated, parts=tuple(parts))
    return updated, tuple(refs)


__all__ = ["read_lifecycle"]
