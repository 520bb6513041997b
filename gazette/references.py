"""References between documents: finding them in text and resolving them to archive documents.

A repeal clause, a cleanup list or an interpretation names another document by its number
(``国发〔2018〕41号``, any spelling) and/or its title (``《法规规章备案条例》``).
:func:`find_refs` reads such references out of a sentence; :func:`candidates` resolves one.
Resolution tries, in order:

1. the number (any spelling: numbers are compared in their canonical form); when several
   documents carry it, the title narrows them down;
2. the exact title;
3. the normalised title (spaces, 《》, quotes and full/half width ignored);
4. the normalised title with or without a 暂行/试行 qualifier (``《X办法》`` finds ``X暂行办法``).

The first step that finds anything decides; several candidates make the reference ambiguous.
A reference that gives a number is never resolved by title to a document that carries a
*different* number: the same title is reused by different documents over the years.

References that do not resolve are kept as pending (``pending_refs``) and retried whenever a
document arrives, so ingest order does not matter. :func:`unresolved` lists them.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from gazette.docnumber import DocNumber
from gazette.model import DocRef, EventKind, InterpretationForm, LifecycleEvent, ProvenanceKind


@attrs.frozen
class OutgoingRef:
    """A reference a document makes to another, to apply once the target is known.

    Exactly one of ``event`` (record this event on the target: the target is repealed,
    amended, …) and ``interpretation`` (this document interprets the target) is set.

    Attributes:
        source: position of the referring document in a submission: ``(i,)`` for the i-th
            document, ``(i, j)`` for its j-th part.
        target: the reference as written.
        event: the event to record on the target.
        interpretation: the form of interpretation this document gives of the target.
        evidence: the text the reference was read from.
        method: how the reference was inferred (``title``, ``number``, …), kept with the link.
        review: the text only may say this (a clause close to a repeal that does not fit the
            grammar of one): the archive keeps it for a person's review and never applies it.
    """

    source: tuple[int, ...]
    target: DocRef
    event: LifecycleEvent | None = None
    interpretation: InterpretationForm | None = None
    evidence: str | None = None
    method: str | None = None
    review: bool = False

    def __attrs_post_init__(self) -> None:
        if (self.event is None) == (self.interpretation is None):
            raise ValueError("an outgoing reference carries an event or an interpretation")


# --- finding references in text ------------------------------------------------------------

_TITLE = re.compile(r"《(?P<title>[^《》\n]{1,150})》")
_AFTER_TITLE = re.compile(r"\s*[（(](?P<inner>[^（）()\n]{2,40})[）)]")


def find_refs(text: str) -> Iterator[tuple[DocRef, int, int]]:
    """Yield ``(reference, start, end)`` for each document a text names, in order.

    A reference is a title in 《》, optionally followed by its number in parentheses
    (``《X》（国发〔2018〕41号）``), or a number on its own.
    """
    taken: list[tuple[int, int]] = []
    hits: list[tuple[int, int, DocRef]] = []
    for match in _TITLE.finditer(text):
        end = match.end()
        number = None
        after = _AFTER_TITLE.match(text, end)
        if after:
            inner = after["inner"]
            found = DocNumber.try_parse(inner)
            if found is not None and len(str(found)) >= len(re.sub(r"\s", "", inner)) - 6:
                number, end = found, after.end()
        hits.append((match.start(), end, DocRef(text[match.start() : end], match["title"], number)))
        taken.append((match.start(), end))
    for number, start, end in DocNumber.finditer(text):
        if any(start < e and end > s for s, e in taken):
            continue
        hits.append((start, end, DocRef(text[start:end], None, number)))
    for start, end, ref in sorted(hits, key=lambda hit: hit[0]):
        yield ref, start, end


def ref_from_text(text: str) -> DocRef | None:
    """The one document a short text (a table cell, a CSV field) names, if it names one.

    A bare title without 《》 is taken as a title.
    """
    text = unicodedata.normalize("NFC", text or "").strip()
    if not text:
        return None
    if "《" not in text:
        numbers = list(DocNumber.finditer(text))
        if len(numbers) == 1:
            number, start, end = numbers[0]
            title = text[:start].rstrip(" （(［[")
            rest = text[end:].strip(" ）)］]")
            if not rest:
                return DocRef(text, title or None, number)
    found = [ref for ref, _, _ in find_refs(text)]
    if len(found) == 1:
        return found[0]
    if not found:
        return DocRef(text, text.strip("《》 "), None)
    return None


def enacting_level(organ: str | None) -> str | None:
    """The level an organ enacts at: a legislature and its standing committee are one level
    (``河南省人民代表大会常务委员会`` → ``河南省人民代表大会``)."""
    if not organ:
        return None
    level = re.sub(r"常务委员会$|审判委员会$|检察委员会$", "", organ.strip())
    return level.replace("人大常委会", "人民代表大会") or None


def same_level(a: tuple[str, ...] | list[str], b: tuple[str, ...] | list[str]) -> bool:
    """Whether two documents' enacting organs are at one level (unknown on either side: yes)."""
    levels_a = {enacting_level(o) for o in a} - {None}
    levels_b = {enacting_level(o) for o in b} - {None}
    return not levels_a or not levels_b or bool(levels_a & levels_b)


# --- resolution ------------------------------------------------------------------------------


# --- pending references ------------------------------------------------------------------------


def history_origin(events: Iterable[LifecycleEvent]) -> frozenset[_dt.date]:
    """The days of a law's original adoption its own 题注 gives (通过, 公布 of its first
    version): two files of one act share them, a re-enactment of the title does not."""
    return frozenset(
        e.date
        for e in events
        if e.kind == EventKind.PROMULGATED
        and e.date is not None
        and e.acting is None
        and e.provenance.kind == ProvenanceKind.PARSED
    )


def same_act(a: frozenset[_dt.date], b: frozenset[_dt.date]) -> bool:
    """Whether two histories can be of one act (unknown on either side: yes)."""
    return not a or not b or bool(a & b)


def ref_from_pending(row: dict[str, Any]) -> DocRef:
    payload = json.loads(row["payload"])
    return DocRef(
        row["ref_text"],
        payload.get("target_title") or None,
        DocNumber.try_parse(row["ref_number"]) if row["ref_number"] else None,
    )
