"""The 题注 of a law or regulation: its versions, who enacted it, and when each version began.

A 题注 lists the history of a text, one dated entry per act::

    1995年9月6日 河南省第八届人民代表大会常务委员会第十五次会议通过
    2010年7月30日 河南省…第十六次会议《关于修改部分地方性法规的决定》修正
    2020年9月3日 东营市…通过并经2020年9月25日山东省…批准的《…关于修改〈X〉的决定》修正
    2019年5月15日 施行

:func:`entries` reads the entries (a date and the act's word, the first of 修订, 修正/修改,
批准, 通过, 公布/发布/颁布, 施行/生效 found outside the titles it names); :func:`versions`
groups them into the versions of the text:

* 通过, 修正 and 修订 each begin a version (a later plain 通过 adopts an amended text: a 修正);
* 批准 is the approval of the version before it (a city's regulation takes effect only once
  the provincial congress approves it), and a 修正 approved within months of a city's 通过 of
  the amending decision is that same version (``通过并经…批准的…修正``);
* 公布 within a year of an adoption is that version's publication, otherwise (a State
  Council 令) it is the first version;
* 施行 is the effective date of the version it follows.

:func:`enacting_organ` names the organ of an entry (``河南省人民代表大会常务委员会``,
``国务院``) and :func:`level` the level it enacts at, so that files of the same act from
different levels are never chained together.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Sequence

import attrs

from gazette.dates import finditer_dates
from gazette.model import DocRef

_WORDS: tuple[tuple[str, str], ...] = (
    ("修订", "修订"),
    ("修正", "修正"),
    ("修改", "修正"),
    ("批准", "批准"),
    ("通过", "通过"),
    ("公布", "公布"),
    ("发布", "公布"),
    ("颁布", "公布"),
    ("施行", "施行"),
    ("生效", "施行"),
)
# A title with titles nested in it: 《关于修改〈浙江省实施《X法》办法〉的决定》.
_TITLED = re.compile(r"《(?:[^《》]|《[^《》]*》)*》")
_AMENDING = re.compile(r"《((?:[^《》]|《[^《》]*》)*)》")
_SESSION = re.compile(r"第?[一二三四五六七八九十百零〇0-9]+(?:届|次会议|次全体会议|号)")
_LEGISLATURE = re.compile(
    r"(?P<place>[\u4e00-\u9fff]*?)(?P<body>人民代表大会常务委员会|人民代表大会|人大常委会|人民政府|"
    r"国务院|最高人民法院|最高人民检察院)"
)
_DEPARTMENT = re.compile(
    r"(?P<place>)(?P<body>[\u4e00-\u9fff]{2,16}?(?:部|委员会|总局|局|署|银行))"
)
#: Days within which a 公布 line belongs to the version adopted before it.
PUBLICATION_DAYS = 366
#: Days within which a provincial 批准 of an amendment joins the city's 通过 of it.
APPROVAL_DAYS = 366


@attrs.frozen
class Entry:
    """One dated entry of a 题注.

    Attributes:
        date: its date.
        word: the act, normalised: 通过, 批准, 公布, 修正, 修订 or 施行.
        text: the entry as written (from its date to the next date).
        line: the 题注 line it is on (0-based).
        approved: the entry says 批准 (besides its word: ``批准的《决定》修正``).
        acting: the act it names (``《关于修改〈X〉的决定》``, ``通过的《刑法修正案（八）》``),
            if any: for an amendment, the amending act.
    """

    date: _dt.date
    word: str
    text: str
    line: int
    approved: bool = False
    acting: DocRef | None = None


@attrs.frozen
class Version:
    """One version of the text, as the 题注 lists it.

    Attributes:
        kind: 通过 (the first text), 修正 or 修订 (公布 for a text promulgated by decree).
        adopted: the day it was adopted (the entry's date).
        entries: the entries that make it up, in order.
        approved: the day it was approved (批准), if the 题注 says.
        published: the day it was published (公布), if the 题注 says.
        effective: the day it took effect, if a 施行 entry says.
        by_decision: made by an amending decision (``《关于修改〈X〉的决定》修正``): it takes
            effect as the decision does, not by the text's own 施行 article.
    """

    kind: str
    adopted: _dt.date
    entries: tuple[Entry, ...]
    approved: _dt.date | None = None
    published: _dt.date | None = None
    effective: _dt.date | None = None
    by_decision: bool = False

    @property
    def label(self) -> str:
        """``2023年修订`` (the year and the 题注's own word)."""
        return f"{self.adopted.year}年{self.kind}"

    @property
    def issued(self) -> _dt.date:
        """The latest of its adoption, approval and publication: the earliest it can apply."""
        return max(d for d in (self.adopted, self.approved, self.published) if d is not None)

    @property
    def text(self) -> str:
        return " ".join(e.text for e in self.entries)

    @property
    def whole_text(self) -> bool:
        """A text adopted as a whole (its own 施行 article speaks for it)."""
        return self.kind in ("通过", "公布") or (self.kind == "修订" and not self.by_decision)


def _outside_titles(text: str) -> str:
    return _TITLED.sub("", text)


def word_of(segment: str) -> str:
    """The act an entry records (``""`` when it names none)."""
    outside = _outside_titles(segment)
    return next((word for key, word in _WORDS if key in outside), "")


def entries(notes: Sequence[str]) -> list[Entry]:
    """The dated entries of the 题注 lines ``notes``, in order."""
    out: list[Entry] = []
    for line, note in enumerate(notes):
        text = note.strip().strip("（()）").strip()
        found = list(finditer_dates(text))
        for k, (date, start, _) in enumerate(found):
            stop = found[k + 1][1] if k + 1 < len(found) else len(text)
            segment = text[start:stop].strip().rstrip("，,、；;").strip()
            word = word_of(segment)
            if not word:
                continue  # 2018年9月3日最高人民法院审判委员会…、2018年12月12日…通过
            acting = None
            named = _AMENDING.search(segment)
            if named and word in ("修正", "修订", "通过"):
                acting = DocRef(named[0], named[1])  # the act that amended the text, if any
            approved = "批准" in _outside_titles(segment) and word != "批准"
            out.append(Entry(date, word, segment, line, approved, acting))
    return out


def versions(found: Sequence[Entry]) -> list[Version]:
    """Group the entries into the versions of the text (see the module docstring)."""
    out: list[Version] = []
    last_line = -1
    for entry in found:
        current = out[-1] if out else None
        if entry.word in ("修正", "修订"):
            joins = (
                current is not None
                and entry.approved
                and current.approved is None
                and (entry.line == last_line or len(out) > 1)
                and 0 <= (entry.date - current.adopted).days <= APPROVAL_DAYS
            )
            if joins and current is not None:
                out[-1] = attrs.evolve(
                    current,
                    kind=entry.word,
                    entries=(*current.entries, entry),
                    approved=entry.date,
                    by_decision=entry.acting is not None,
                )
            else:
                out.append(
                    Version(
                        entry.word,
                        entry.date,
                        (entry,),
                        approved=entry.date if entry.approved else None,
                        by_decision=entry.acting is not None,
                    )
                )
        elif entry.word == "通过":
            if current is not None and current.adopted == entry.date:
                out[-1] = attrs.evolve(current, entries=(*current.entries, entry))
            else:
                out.append(Version("通过" if current is None else "修正", entry.date, (entry,)))
        elif entry.word == "批准":
            if current is None:
                out.append(Version("通过", entry.date, (entry,), approved=entry.date))
            elif current.approved is None and entry.date >= current.adopted:
                out[-1] = attrs.evolve(
                    current, entries=(*current.entries, entry), approved=entry.date
                )
            else:  # kept as stated (a 题注 may be out of order), but dates nothing
                out[-1] = attrs.evolve(current, entries=(*current.entries, entry))
        elif entry.word == "公布":
            if current is None:
                out.append(Version("公布", entry.date, (entry,), published=entry.date))
            elif current.published is None and (
                0 <= (entry.date - current.adopted).days <= PUBLICATION_DAYS
            ):
                out[-1] = attrs.evolve(
                    current, entries=(*current.entries, entry), published=entry.date
                )
            else:
                out.append(Version("修正", entry.date, (entry,), published=entry.date))
        elif entry.word == "施行" and current is not None:
            owners = [k for k, v in enumerate(out) if v.adopted <= entry.date]
            if owners:
                k = owners[-1]
                out[k] = attrs.evolve(
                    out[k], entries=(*out[k].entries, entry), effective=entry.date
                )
        last_line = entry.line
    return out


def enacting_organ(text: str) -> str | None:
    """The organ an entry names: ``河南省人民代表大会常务委员会``, ``国务院``, ``最高人民法院``."""
    text = _outside_titles(text)
    text = re.sub(r"^[\s0-9０-９〇○零一二三四五六七八九十年月日]+", "", text)
    text = _SESSION.sub("", re.sub(r"\s", "", text))
    match = _LEGISLATURE.search(text) or _DEPARTMENT.search(text)
    if match is None:
        return None
    place = match["place"].replace("中华人民共和国", "")
    body = match["body"].replace("人大常委会", "人民代表大会常务委员会")
    return (place + body) or None


def level(organ: str | None) -> str | None:
    """The level an organ enacts at: ``全国人民代表大会`` (its standing committee alike),
    ``国务院``, ``X省人民代表大会``, ``X市人民政府`` …; ``None`` when unknown."""
    if not organ:
        return None
    return organ.replace("常务委员会", "").replace("审判委员会", "").replace("检察委员会", "")


def version_dates(notes: Sequence[str]) -> dict[str, object]:
    """What the 题注 alone says of the text's own version: adopted date, label, and the
    effective date where a 施行 entry states it."""
    found = versions(entries(notes))
    if not found:
        return {}
    last = found[-1]
    out: dict[str, object] = {"adopted": last.adopted, "label": last.label}
    if last.effective is not None:
        out["effective"] = last.effective
    return out


__all__ = [
    "Entry",
    "Version",
    "enacting_organ",
    "entries",
    "level",
    "version_dates",
    "versions",
    "word_of",
]
