"""What a collection of Markdown laws states about itself, read without the library.

This is the benchmark's answer key for ``bench_validity.py`` and the corpus tests: for each file
of a LawRefBook-style collection (a ``#`` title, the 题注 lines, ``<!-- INFO END -->``, the
articles) it computes, with the standard library only and a few plain rules, what the file
itself establishes:

* the title (the ``#`` line, cut where a 题注 date begins);
* the 题注 entries (each date with its verb: 通过, 批准, 公布, 修正, 修订, 施行);
* the version the file holds (the last one its 题注 lists) and that version's effective date,
  with how it is known: ``stated`` (a 施行 line, a dated 施行 article that belongs to this
  version, 自公布之日起施行 with a 公布 line) or ``inferred`` (only the adoption, approval or
  amending decision's date is known);
* plain repeal clauses (``《X》同时废止``), and from all of these the status of every file on a
  day: ``amended`` when a later file of the same title is in force, ``repealed`` when a later
  file's clause repeals the version then in force, else ``in_force`` / ``not_yet_in_force``.

It never imports :mod:`gazette` or :mod:`ingest`: the benchmark must not be the code grading
itself. The rules are deliberately simple; where they cannot tell, they say so (``None``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_CN_DIGITS.update({"七": 7, "八": 8, "九": 9})
_DATE = re.compile(
    r"(?P<y>[0-9]{4}|[〇○零一二三四五六七八九]{4})\s*年\s*"
    r"(?P<m>[0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*"
    r"(?P<d>[0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*日"
)
_VERBS = ("修订", "修正", "修改", "批准", "通过", "公布", "发布", "施行", "生效")
_TITLED = re.compile(r"《[^《》]*(?:《[^《》]*》[^《》]*)*》")
_OWN_CLAUSE = re.compile(
    r"本《?(?:法|条例|规定|办法|细则|规则|决定|决议|解释|准则|章程|守则|命令|修正案|安排|规范|"
    r"通则|实施办法|实施细则)》?"
    r"(?P<mid>[^。；，]{0,12}?)(?:自|从)(?P<when>[^。；，]{1,40}?)起?(?:施行|生效|实施|执行)"
)
_REPEAL_VERB = re.compile(r"(?:同时|一并|即行)废止")
_ITEM = re.compile(
    r"^(?:[一二三四五六七八九十]+、)?废止《(?P<item>[^《》]+)》"
)  # a repeal decision
_TITLE = re.compile(r"《(?P<t>[^《》]+)》")
# What an amending decision amends: an item 修改《T》, or 对《T》作如下修改.
_AMENDS = re.compile(
    r"^(?:[一二三四五六七八九十百]+、)?修改《(?P<a>[^《》]+)》|对《(?P<b>[^《》]+)》作(?:如下|以下)?修改"
)
# A bare item of an amending decision's list: 十七、《T》.
_BARE_ITEM = re.compile(r"(?:[一二三四五六七八九十百]+、)《(?P<t>[^《》]+)》")
# An issuer written before a title that starts with 关于: 最高人民法院2012年…发布的《关于…》.
_ISSUER = re.compile(
    r"(最高人民法院、最高人民检察院|最高人民法院|最高人民检察院|国务院办公厅|国务院)[^《》，。；]{0,24}$"
)
_TO_VERB = re.compile(r"(?:[（(][^（）()]{1,40}[）)])?")
_BETWEEN = re.compile(
    r"(?:[（(][^（）()]{1,40}[）)])?(?:、|，|,|和|及|与|以及)"
    r"(?:[^《》。；]*?(?:发布|公布|通过|批准|施行|修正|修订|修改)的"
    r"|[\u4e00-\u9fff]{2,20}(?:院|部|委员会|局)(?:、[\u4e00-\u9fff]{2,20}(?:院|部|委员会|局))*)?"
)


def _full_title(sentence: str, start: int, title: str) -> str:
    """A title as the act is titled: its issuer before ``关于`` when the sentence names it."""
    if title.startswith("关于"):
        issuer = _ISSUER.search(sentence[:start])
        if issuer:
            return issuer[1] + title
    return title


def _repealed(sentence: str) -> list[str]:
    """Titles a sentence repeals: ``《A》、…通过的《B》同时废止`` or an item ``废止《A》``."""
    out = [m["item"] for m in _ITEM.finditer(sentence)]
    titles = list(_TITLE.finditer(sentence))
    for verb in _REPEAL_VERB.finditer(sentence):
        before = [t for t in titles if t.end() <= verb.start()]
        cursor = verb.start()
        for k in range(len(before) - 1, -1, -1):
            gap = sentence[before[k].end() : cursor]
            pattern = _TO_VERB if cursor == verb.start() else _BETWEEN
            if not pattern.fullmatch(gap):
                break
            out.append(_full_title(sentence, before[k].start(), before[k]["t"]))
            cursor = before[k].start()
    return out


def _cn_int(text: str) -> int:
    if text.isdigit():
        return int(text)
    if all(c in _CN_DIGITS for c in text):
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    tens, _, units = text.partition("十")
    if "十" not in text:
        return _CN_DIGITS[text]
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def dates_in(text: str) -> list[tuple[dt.date, int, int]]:
    """``(date, start, end)`` of each valid date written in ``text``."""
    out = []
    for match in _DATE.finditer(text):
        try:
            day = dt.date(_cn_int(match["y"]), _cn_int(match["m"]), _cn_int(match["d"]))
        except (KeyError, ValueError):
            continue
        out.append((day, match.start(), match.end()))
    return out


def plain(text: str) -> str:
    """NFKC, without spaces, 〈〉 and <> as 《》: how two spellings of one title compare."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return text.translate(str.maketrans("〈〉<>", "《》《》"))


@dataclass
class Version:
    """One version the 题注 lists."""

    kind: str  # 通过 (the first text), 修正, 修订
    adopted: dt.date
    approved: dt.date | None = None
    published: dt.date | None = None
    effective: dt.date | None = None  # a 施行 line
    by_decision: bool = False


@dataclass
class FileFacts:
    """What one file states."""

    path: Path
    title: str
    part: str | None  # a second ``#`` line (an 编 of a code)
    entries: list[tuple[dt.date, str, str]]  # (date, verb, segment)
    versions: list[Version]
    effective: dt.date | None = None
    how: str | None = None  # "stated" or "inferred"
    # (title, sentence, the date the paragraph's own 施行 clause gives, if any)
    repeals: list[tuple[str, str, dt.date | None]] = field(default_factory=list)
    amends: list[str] = field(default_factory=list)  # titles an amending decision amends

    @property
    def version(self) -> Version | None:
        return self.versions[-1] if self.versions else None

    @property
    def adopted(self) -> dt.date | None:
        return self.version.adopted if self.version else None

    @property
    def key(self) -> str:
        return plain(self.title)


def _verb(segment: str) -> str:
    outside = _TITLED.sub("", segment)
    verb = next((v for v in _VERBS if v in outside), "")
    return {"修改": "修正", "生效": "施行"}.get(verb, verb)


def _entries(notes: Sequence[str]) -> list[tuple[dt.date, str, str, int]]:
    """Each dated entry of the 题注: ``(date, verb, segment, paragraph number)``."""
    out = []
    for k, note in enumerate(notes):
        text = unicodedata.normalize("NFKC", note).strip().strip("()（）")
        found = dates_in(text)
        for i, (day, start, _) in enumerate(found):
            stop = found[i + 1][1] if i + 1 < len(found) else len(text)
            segment = text[start:stop]
            out.append((day, _verb(segment), segment, k))
    return out


def _versions(entries: Sequence[tuple[dt.date, str, str, int]]) -> list[Version]:
    versions: list[Version] = []
    last_para = -1
    for day, verb, segment, para in entries:
        current = versions[-1] if versions else None
        outside = _TITLED.sub("", segment)
        decided = "决定" in segment
        if verb in ("修正", "修订"):
            joins = (
                current is not None
                and "批准" in outside
                and current.approved is None
                and (para == last_para or (current.kind != "通过" or len(versions) > 1))
                and 0 <= (day - current.adopted).days <= 180
            )
            if joins and current is not None:
                current.kind, current.approved, current.by_decision = verb, day, decided
            else:
                versions.append(Version(verb, day, by_decision=decided))
                if "批准" in outside:
                    versions[-1].approved = day
        elif verb == "通过":
            if current is not None and current.adopted == day:
                pass
            else:
                kind = "通过" if current is None else "修正"
                versions.append(Version(kind, day))
        elif verb == "批准":
            if current is not None and current.approved is None:
                current.approved = day
            elif current is None:
                versions.append(Version("通过", day, approved=day))
        elif verb in ("公布", "发布"):
            if (
                current is not None
                and current.published is None
                and (0 <= (day - current.adopted).days <= 366)
            ):
                current.published = day
            elif current is None:
                versions.append(Version("通过", day, published=day))
        elif verb == "施行" and current is not None:
            owner = [v for v in versions if v.adopted <= day]
            if owner:
                owner[-1].effective = day
        last_para = para
    return versions


def _sentences(text: str) -> Iterable[str]:
    for piece in re.split(r"(?<=[。；！？])|\n", text):
        if piece.strip():
            yield piece.strip()


def _own_clause(body: str) -> tuple[str, dt.date | None] | None:
    """The document's own commencement: ``("date", d)``, ``("published", None)`` … or None."""
    found = None
    for sentence in _sentences(unicodedata.normalize("NFKC", body)):
        for match in _OWN_CLAUSE.finditer(sentence):
            if re.search(r"第[^条]{1,8}条", match["mid"]):
                continue  # one article, not the document
            when = match["when"]
            dated = dates_in(when)
            if dated:
                found = ("date", dated[0][0])
            elif re.search("公布|发布|颁布|公告", when):
                found = ("published", None)
            elif "通过" in when:
                found = ("adopted", None)
            elif "批准" in when:
                found = ("approved", None)
    return found


def read_file(path: Path) -> FileFacts:
    """The facts one Markdown file states."""
    text = path.read_bytes().decode("utf-8-sig")
    head, marker, body = text.partition("<!-- INFO END -->")
    if not marker:
        head, body = text, ""
    headings: list[str] = []
    notes: list[str] = []
    paragraph: list[str] = []
    for line in [*head.splitlines(), ""]:
        line = line.strip()
        if line.startswith("#") and not notes and not paragraph:
            headings.append(line.lstrip("#").strip())
            continue
        if not line:
            if paragraph:
                joined = "".join(paragraph)
                if notes and notes[-1].count("《") > notes[-1].count("》"):
                    notes[-1] += joined  # an entry wrapped inside a title
                else:
                    notes.append(joined)
                paragraph = []
            continue
        if headings:
            paragraph.append(line)
    title = plain(headings[0]) if headings else ""
    cut = dates_in(title)
    if cut:
        title = title[: cut[0][1]]
    part = plain(headings[1]) if len(headings) > 1 else None
    entries = _entries(notes)
    versions = _versions(entries)
    facts = FileFacts(path, title, part, [(d, v, s) for d, v, s, _ in entries], versions)
    _effective(facts, body)
    for paragraph in unicodedata.normalize("NFKC", body).split("\n"):
        clause = _own_clause(paragraph)
        stated = clause[1] if clause is not None and clause[0] == "date" else None
        for sentence in _sentences(paragraph):
            for title in _repealed(sentence):
                facts.repeals.append((plain(title), sentence, stated))
            for match in _AMENDS.finditer(sentence):
                facts.amends.append(plain(match["a"] or match["b"]))
            bare = _BARE_ITEM.fullmatch(sentence)
            if bare and re.search(r"关于修改.*的决定$", facts.title):
                facts.amends.append(plain(bare["t"]))
    return facts


def _effective(facts: FileFacts, body: str) -> None:
    """This file's version's effective date and how the file establishes it."""
    version = facts.version
    if version is None:
        return
    if version.effective is not None:
        facts.effective, facts.how = version.effective, "stated"
        return
    clause = _own_clause(body)
    issued = version.published or version.approved or version.adopted
    issued_how = "stated" if version.published else "inferred"
    if clause is not None and clause[0] == "date" and clause[1] is not None:
        day = clause[1]
        if day >= version.adopted or (version.approved and day >= version.approved):
            facts.effective, facts.how = day, "stated"
            return
    if version.kind == "修正" or (version.kind == "修订" and version.by_decision):
        facts.effective, facts.how = issued, issued_how
        return
    if clause is not None and clause[0] == "published":
        facts.effective, facts.how = issued, issued_how
    elif clause is not None and clause[0] == "adopted":
        facts.effective, facts.how = version.adopted, "stated"
    elif clause is not None and clause[0] == "approved" and version.approved:
        facts.effective, facts.how = version.approved, "stated"
    else:
        facts.effective, facts.how = issued, "inferred"


def collection(paths: Iterable[Path]) -> list[FileFacts]:
    """The facts of every file.

    A text amended by a decision that is in the collection (adopted the same day, the decision
    naming it: ``修改《T》``) takes effect when the decision says, not on the inferred day.
    """
    files = [read_file(path) for path in sorted(paths)]
    for decision in files:
        if decision.effective is None or decision.how != "stated":
            continue
        for title in decision.amends:
            for f in files:
                if f.key == title and f.adopted == decision.adopted and f.how == "inferred":
                    f.effective, f.how = decision.effective, "stated"
    return files


def statuses(files: Sequence[FileFacts], on: dt.date) -> dict[Path, tuple[str, str]]:
    """Each file's status on ``on`` as the files establish it: ``(value, why)``."""
    groups: dict[str, list[FileFacts]] = defaultdict(list)
    for facts in files:
        if facts.version is not None:
            groups[facts.key].append(facts)
    repealed: dict[Path, tuple[dt.date, str]] = {}
    for acting in files:
        for title, sentence, stated in acting.repeals:
            if (stated or acting.effective) is None:
                continue
            group = [f for f in groups.get(title, []) if f is not acting and f.effective]
            # The version in force when the repealing provision took effect (its paragraph's
            # own date, else the act's), adopted before it.
            when = stated or acting.effective
            assert when is not None
            before = [f for f in group if f.adopted is not None and f.adopted <= when]
            before = [f for f in before if f.effective is not None and f.effective <= when]
            if not before:
                continue
            latest = max(f.adopted for f in before if f.adopted)
            for f in before:
                if f.adopted == latest:
                    repealed[f.path] = (when, f"{acting.title}: {sentence}")
    # An amending decision in the collection amends the older texts of what it names.
    amended: dict[Path, tuple[dt.date, str]] = {}
    for decision in files:
        if decision.effective is None or decision.adopted is None:
            continue
        for title in decision.amends:
            for f in groups.get(title, []):
                if f.adopted is not None and f.adopted < decision.adopted:
                    amended[f.path] = (decision.effective, decision.title)
    out: dict[Path, tuple[str, str]] = {}
    for facts in files:
        if facts.version is None or facts.effective is None:
            out[facts.path] = ("unknown", "the file states no date")
            continue
        if facts.path in repealed and repealed[facts.path][0] <= on:
            out[facts.path] = ("repealed", repealed[facts.path][1])
            continue
        later = [
            f
            for f in groups[facts.key]
            if f.adopted
            and facts.adopted
            and f.adopted > facts.adopted
            and f.effective is not None
            and f.effective <= on
        ]
        if later:
            out[facts.path] = ("amended", f"superseded by the version of {later[0].adopted}")
        elif facts.path in amended and amended[facts.path][0] <= on:
            out[facts.path] = ("amended", f"amended by {amended[facts.path][1]}")
        elif facts.effective <= on:
            out[facts.path] = ("in_force", f"{facts.how} {facts.effective}")
        else:
            out[facts.path] = ("not_yet_in_force", f"takes effect {facts.effective}")
    return out


def markdown_files(folder: Path) -> list[Path]:
    """The collection's law files (every ``.md`` but READMEs and index pages)."""
    return sorted(p for p in folder.rglob("*.md") if p.name not in ("README.md", "_index.md"))


__all__ = ["FileFacts", "Version", "collection", "markdown_files", "read_file", "statuses"]
