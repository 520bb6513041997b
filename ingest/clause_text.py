"""Reading clauses: sentences, the dates they give, and where a fact was read.

Shared by :mod:`ingest.clauses` (what a document states about itself) and :mod:`ingest.acts`
(what it does to other documents).
"""

from __future__ import annotations

import datetime as _dt
import re

import attrs

from gazette.dates import chinese_number, finditer_dates
from gazette.model import BlockKind, Document, Provenance, ProvenanceKind

BODY_KINDS = (
    BlockKind.PARAGRAPH,
    BlockKind.ARTICLE,
    BlockKind.HEADING,
    BlockKind.PREAMBLE,
    BlockKind.TABLE,
)
_EXCERPT = 240

DATE = (
    r"[0-9０-９]{4}\s*年\s*[0-9０-９]{1,2}\s*月\s*[0-9０-９]{1,2}\s*日"
    r"|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日"
)
_ACTS = r"公布|发布|颁布|印发|下发|签发|发文|公告|通过|批准"
_WHEN = rf"(?P<when>{DATE}|即日|[^，。；,;：:\s]{{0,12}}?(?:{_ACTS})之日)"
COMMENCE = re.compile(
    rf"""(?:自|从)\s*{_WHEN}\s*(?:起)?\s*
    (?:(?P<delay>[0-9０-９一二三四五六七八九十]+)\s*日后)?\s*
    (?:正式|开始)?(?P<verb>施行|执行|生效|实施|试行)""",
    re.VERBOSE,
)
COMMENCE_HINT = re.compile(r"施行|执行|生效|实施|试行")
SINCE = re.compile(rf"(?:自|从)\s*(?:{_WHEN}|(?P<own>本\S{{0,8}}?(?:施行|实施|生效)之日))\s*起")
# An article label or list marker in front of a clause (第八条 / 四、 / （三） / 2.).
ARTICLE_LABEL = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇0-9]+条|[一二三四五六七八九十]+、"
    r"|[（(][一二三四五六七八九十0-9]+[）)]|[0-9０-９]+[.．、])\s*"
)
_SENTENCE = re.compile(r"[^。；;！？!?]+[。；;！？!?]?")
# A title with titles nested in it: 《关于修改〈浙江省实施《X法》办法〉的决定》.
_TITLED = re.compile(r"《(?:[^《》]|《[^《》]*》)*》")


def excerpt(text: str) -> str:
    text = text.strip()
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def to_date(text: str) -> _dt.date | None:
    for value, _, _ in finditer_dates(text):
        return value
    return None


def number(text: str) -> int:
    try:
        return chinese_number(text)
    except ValueError:
        return 0


def parsed(text: str) -> Provenance:
    """Provenance of a fact read from a sentence of the text."""
    return Provenance(ProvenanceKind.PARSED, excerpt=excerpt(text))


def inferred(text: str) -> Provenance:
    """Provenance of a date inferred from what a sentence states (an adoption date standing
    for a publication date the text does not give)."""
    return Provenance(ProvenanceKind.INFERRED, excerpt=excerpt(text))


def without_titles(text: str) -> str:
    """The text with the titles it names taken out (nested titles too)."""
    return _TITLED.sub("", text)


@attrs.frozen
class Dates:
    """The dates a document states, for relative expressions (``自印发之日起``).

    ``adopted``, ``approved`` and ``published`` come from a law's 题注 (its own version);
    ``publication_inferred`` is set when ``published`` stands in for a publication date the
    text does not give (the approval or adoption date).
    """

    written: _dt.date | None
    published: _dt.date | None
    printed: _dt.date | None
    adopted: _dt.date | None = None
    approved: _dt.date | None = None
    publication_inferred: bool = False

    @classmethod
    def of(cls, document: Document) -> Dates:
        return cls(document.written_date, document.published_date, document.printed_date)

    def relative(self, when: str) -> _dt.date | None:
        """The date ``即日`` / ``公布之日`` / ``印发之日`` … stands for in this document."""
        if "通过" in when and self.adopted is not None:
            return self.adopted
        if "批准" in when and self.approved is not None:
            return self.approved
        if re.search(r"公布|发布|颁布|公告", when):
            return self.published or self.written or self.printed
        return self.written or self.printed or self.published

    def is_inferred(self, when: str) -> bool:
        """Whether :meth:`relative` answers ``when`` with an inferred date."""
        return bool(
            self.publication_inferred
            and re.search(r"公布|发布|颁布|公告", when)
            and not self.written
        )


__all__ = [
    "ARTICLE_LABEL",
    "BODY_KINDS",
    "COMMENCE",
    "COMMENCE_HINT",
    "DATE",
    "SINCE",
    "Dates",
    "excerpt",
    "inferred",
    "number",
    "parsed",
    "sentences",
    "to_date",
    "without_titles",
]
