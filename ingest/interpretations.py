"""Recognising a policy interpretation (政策解读) on ingest, and the policy it explains.

An interpretation names its policy by title in 《》 and often by number (DOMAIN.md §5). This
stage decides from the title whether a document is an interpretation, in which form, and emits
one :class:`~gazette.references.OutgoingRef` per policy it names; the archive links the two at
once when the policy is stored, or keeps the reference pending until it arrives, so ingest order
does not matter. Each reference says how it was inferred:

``title``
    the title names the policy in 《》 (``关于《X》的解读``, ``《X》政策解读``,
    ``一图读懂《X》``, ``有关负责人就《X》答记者问``);
``text``
    the title marks an interpretation but names no policy; the text names one in 《》 together
    with its number, or right after 印发/出台/发布;
``number``
    only the policy's number is found in the text (``国发〔2019〕5号``).

A title that is itself a notice or an opinion (``关于加强政策解读工作的通知``) is not an
interpretation, whatever it mentions.
"""

from __future__ import annotations

import re

import attrs

from gazette import titles
from gazette.docnumber import DocNumber
from gazette.model import DocRef, Document, InterpretationForm
from gazette.references import OutgoingRef

# Markers in a title, checked in order: the first that matches gives the form.
_FORMS: tuple[tuple[re.Pattern[str], InterpretationForm], ...] = (
    (re.compile(r"一图(?:读懂|看懂|了解)|图解|图说|图读|漫画|长图"), InterpretationForm.GRAPHIC),
    (
        re.compile(r"(?:视频|音频|动漫|动画|微视频|H5|h5|直播)(?:解读|讲解)?|解读视频"),
        InterpretationForm.MEDIA,
    ),
    (re.compile(r"专家(?:解读|谈|学者解读|评析)"), InterpretationForm.EXPERT),
    (
        re.compile(r"答记者问|记者问|新闻发布会|吹风会|答问|问答"),
        InterpretationForm.PRESS,
    ),
    (re.compile(r"解读|解析|释义|读本"), InterpretationForm.TEXT),
)
# Document types a title may end with that make it a document in its own right.
_OWN_TYPES = re.compile(
    "(?:{})$".format(
        "|".join(
            titles.types(
                "通知", "意见", "办法", "规定", "决定", "细则", "规则", "条例", "方案", "规划",
                "批复", "函", "公告", "通告", "报告", "请示", "纪要", "令",
            )
        )
    )
)  # fmt: skip
# A marker before a colon makes the title an interpretation whatever it ends with:
# ``图解：青川市政务公开工作实施办法``.
_LEADING = re.compile(
    r"^(?:一图读懂|图解|图说|政策解读|解读|专家解读|视频解读|动漫解读)\s*[:：｜|丨]"
)
_NAMED = re.compile(r"《(?P<title>[^《》]{2,120})》")
_NUMBER_AFTER = re.compile(r"^\s*[（(](?P<number>[^（()）]{4,40})[）)]")
_ISSUED = re.compile(r"(?:印发|出台|发布|公布|制定|颁布|施行|实施)(?:了)?\s*$")


@attrs.frozen
class Cue:
    """A policy an interpretation names, and how that was read.

    Attributes:
        target: the policy as named (title and/or number).
        form: the form of interpretation.
        method: ``title``, ``text`` or ``number``.
        evidence: the title or sentence it was read from.
    """

    target: DocRef
    form: InterpretationForm
    method: str
    evidence: str


def interpretation_form(title: str | None) -> InterpretationForm | None:
    """The form of interpretation a title announces, or ``None`` when it is not one."""
    if not title:
        return None
    outside = _NAMED.sub("", title).strip().rstrip("。.")
    if not outside:
        return None
    if _OWN_TYPES.search(outside) and not _LEADING.match(outside):
        return None
    for pattern, form in _FORMS:
        if pattern.search(outside):
            return form
    return None


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[。；！？\n])", text) if s.strip()]


def _number_after(text: str, end: int) -> DocNumber | None:
    match = _NUMBER_AFTER.match(text[end:])
    return DocNumber.try_parse(match["number"]) if match else None


def _from_text(text: str, own_title: str | None, form: InterpretationForm) -> list[Cue]:
    """Policies the body names, when the title names none."""
    for sentence in _sentences(text):
        for match in _NAMED.finditer(sentence):
            title = match["title"]
            if own_title and title in own_title:
                continue
            number = _number_after(sentence, match.end())
            if number is not None or _ISSUED.search(sentence[: match.start()]):
                return [Cue(DocRef(match.group(0), title, number), form, "text", sentence)]
    for sentence in _sentences(text):
        for number, start, end in DocNumber.finditer(sentence):
            return [Cue(DocRef(sentence[start:end], None, number), form, "number", sentence)]
    return []


def detect(doc: Document) -> list[Cue]:
    """The policies ``doc`` interprets (empty when it is not an interpretation)."""
    form = interpretation_form(doc.title)
    if form is None or doc.title is None:
        return []
    cues = [
        Cue(DocRef(match.group(0), match["title"]), form, "title", doc.title)
        for match in _NAMED.finditer(doc.title)
    ]
    if cues:
        return cues
    text = doc.text.text if doc.text is not None else ""
    return _from_text(text, doc.title, form)


def outgoing_refs(doc: Document) -> tuple[OutgoingRef, ...]:
    """The interpretation references of a parsed document and its parts (positions as in a
    one-document submission)."""
    refs: list[OutgoingRef] = []

    def visit(document: Document, position: tuple[int, ...]) -> None:
        for cue in detect(document):
            refs.append(
                OutgoingRef(
                    source=position,
                    target=cue.target,
                    interpretation=cue.form,
                    evidence=cue.evidence,
                    method=cue.method,
                )
            )
        for index, part in enumerate(document.parts):
            visit(part, (*position, index))

    visit(doc, (0,))
    return tuple(refs)


__all__ = ["Cue", "detect", "interpretation_form", "outgoing_refs"]
