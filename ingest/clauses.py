"""Lifecycle events a document states in its own text, found on ingest.

:func:`read_lifecycle` takes a parsed :class:`~gazette.model.Document` (and its attachments)
and returns it with the events its text states about itself, plus the
:class:`~gazette.references.OutgoingRef` s for what it says about other documents (read by
:mod:`ingest.acts`). Every event carries the sentence it was read from (the archive adds the
document id when it stores it).

What is read:

* **题注** (the version history under a law's title, see :mod:`ingest.history`): the first
  version's 通过/公布 → promulgated, 批准 → approved, each later version's 修正/修订 (or a
  later 通过) → amended, naming the amending decision; 施行 → effective.
* **Each version's own effective date**: a 施行 entry of the 题注; else the text's 施行 article
  (``本法自2024年7月1日起施行``), which belongs to the latest version adopted on or before that
  date (a 修正 text keeps the 施行 article of the text it amends); else, for the version the
  file holds, the day it was published (``自公布之日起施行``, and a 修正 by decision, which takes
  effect when the decision is published) — and where the 题注 gives no publication date, the
  approval or adoption date **as an inference**: the event's provenance is ``inferred`` and its
  note says so (``公布日期未载明，按通过日期推定``). A version never takes effect before it was
  adopted.
* **Effective dates** of other documents: ``本办法自2017年8月1日起施行``, ``自公布之日起施行``
  (the published date, else the written date), ``自印发之日起施行`` (the written date),
  ``自公布之日起30日后施行``. Only a clause about the document itself counts (``本…``, or no
  subject of its own): ``规章应当自公布之日起30日后施行`` states a rule about other acts.
* **Validity periods**: ``有效期至2022年7月31日``, ``有效期5年`` (counted from the effective
  date: the last day is effective + 5 years − 1 day).
* **Promulgation**: a document without a version history is promulgated on its written date.

A 印发/转发 notice and the attachment issued under its number share their effective date and
validity period: what one states, the other gets (with a note saying where it was stated). The
parts of a code (the 编 of the 民法典) share the code's 题注.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Sequence

import attrs

from gazette import wording
from gazette.cleanup import outcome_of
from gazette.dates import finditer_dates, period_end
from gazette.model import (
    Block,
    BlockKind,
    CleanupOutcome,
    Document,
    EventKind,
    LifecycleEvent,
    TextVersion,
)
from gazette.references import OutgoingRef
from ingest import acts
from ingest.clause_text import (
    ARTICLE_LABEL,
    BODY_KINDS,
    COMMENCE,
    COMMENCE_HINT,
    DATE,
    Dates,
    inferred,
    number,
    parsed,
    sentences,
    to_date,
)
from ingest.element_head import is_forwarding
from ingest.history import Version, entries, versions, word_of

_VALID_UNTIL = re.compile(rf"有效期(?:至|到|截至|截止至?|截止到)\s*(?P<date>{DATE})")
_VALID_FOR = re.compile(
    r"(?:有效期|试行期)(?:为|限为|暂定为?)?\s*"
    r"(?P<n>[0-9０-９]+|[一二两三四五六七八九十]+)\s*(?P<unit>年|个月)"
)
_PARTIAL_SUBJECT = re.compile(r"第[一二三四五六七八九十百零〇0-9]+(?:条|款|章|项)")
_RELATIVE = re.compile(r"公布|发布|颁布|公告|印发|即日|通过|批准")
_MAX_HISTORY = 40


@attrs.frozen
class _Commencement:
    date: _dt.date
    sentence: str
    subject: str  # 本办法, 本法, or "" (a clause without a subject of its own)
    relative: str | None = None  # 公布之日 … when the date is relative to an act of the text


def _subject_ok(subject: str) -> bool:
    """Whether a clause's subject is the document itself (``本办法``, or none)."""
    subject = ARTICLE_LABEL.sub("", subject.strip()).strip()
    if not subject:
        return True
    if _PARTIAL_SUBJECT.search(subject):
        return False  # 本办法第十条自…起施行: one article, not the document
    return subject.startswith(("本", "此", "该"))


def _commencements(texts: Iterable[str], dates: Dates) -> list[_Commencement]:
    out: list[_Commencement] = []
    for text in texts:
        if not COMMENCE_HINT.search(text):
            continue
        for sentence in sentences(text):
            for match in COMMENCE.finditer(sentence):
                clause_start = max(sentence.rfind(p, 0, match.start()) for p in "，,：:") + 1
                subject = sentence[clause_start : match.start()]
                tail = sentence[match.end() :].lstrip()
                if not _subject_ok(subject):
                    continue
                if tail and tail[0] not in "，。；,;）)" and not tail.startswith("有效期"):
                    continue  # 自…起执行新标准: about something else
                when = match["when"]
                fixed = to_date(when)
                date = fixed or dates.relative(when)
                if date is None:
                    continue
                if match["delay"]:
                    date += _dt.timedelta(days=number(match["delay"]))
                out.append(
                    _Commencement(
                        date,
                        sentence,
                        ARTICLE_LABEL.sub("", subject).strip(),
                        None if fixed else when,
                    )
                )
    return out


def _validity(
    texts: Iterable[str], commencements: Sequence[_Commencement], effective: _dt.date | None
) -> list[tuple[_dt.date, str]]:
    """``(last day, sentence)`` for each validity period the document states for itself."""
    out: list[tuple[_dt.date, str]] = []
    for text in texts:
        if "有效期" not in text and "试行期" not in text:
            continue
        for sentence in sentences(text):
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
                    last = to_date(match["date"])
                else:
                    start = stated_here.date if stated_here else effective
                    n = number(match["n"])
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
    return ARTICLE_LABEL.sub("", sentence.strip()).startswith("本")


# --- 题注 (version history) ---------------------------------------------------------------


def _history_blocks(blocks: Sequence[Block]) -> list[int]:
    """Indexes of the 题注 blocks: right under the title, before the first heading or article.

    Blocks the parser labelled 题注 (``subtitle``) count when they hold a dated entry; a plain
    paragraph counts only when it starts with a date and reads like an entry.
    """
    out: list[int] = []
    started = False
    for index, block in enumerate(blocks):
        if block.kind == BlockKind.TITLE:
            started = True
            continue
        if not started:
            continue
        if block.kind in (BlockKind.HEADING, BlockKind.ARTICLE) or len(out) >= _MAX_HISTORY:
            break
        if block.kind == BlockKind.RECIPIENTS:
            break  # a notice: what follows its recipients is its body, not a 题注
        if block.kind not in (BlockKind.SUBTITLE, BlockKind.PARAGRAPH):
            continue
        raw = block.text.strip()
        text = raw.strip("（()）").strip()
        first = next(iter(finditer_dates(text)), None)
        if block.kind == BlockKind.SUBTITLE:
            if first is not None and entries([text]):
                out.append(index)
            continue
        enclosed = raw.startswith(("（", "(")) and raw.endswith(("）", ")"))
        if not enclosed and (raw.endswith(("。", "；", ";")) or len(raw) > 150):
            break  # a sentence of the body
        if first is None or first[1] > 2:
            if out:
                continue
            break
        if word_of(text):
            out.append(index)
        elif out:
            break
    return out


def _inference(what: str, version: Version) -> str:
    """The note an inferred date carries: ``公布日期未载明，按通过日期推定``."""
    basis = "批准" if version.approved and version.issued == version.approved else "通过"
    if version.published and version.issued == version.published:
        basis = "公布"
    return f"{what}日期未载明，按{basis}日期推定"


@attrs.frozen
class _VersionStart:
    """A version's effective date, how it is known, and what it was read from."""

    date: _dt.date
    excerpt: str
    inferred: bool = False
    note: str | None = None


def _version_starts(
    found: Sequence[Version], commencements: Sequence[_Commencement]
) -> dict[int, _VersionStart]:
    """The effective date of each version that has one (by index in ``found``)."""
    starts: dict[int, _VersionStart] = {}
    for k, version in enumerate(found):
        if version.effective is not None:
            entry = next(e for e in version.entries if e.word == "施行")
            starts[k] = _VersionStart(version.effective, entry.text)
    # The text's 施行 article belongs to the latest version adopted by then.
    for clause in commencements:
        owners = [k for k, v in enumerate(found) if v.adopted <= clause.date]
        if clause.relative is not None:
            owners = [k for k, v in enumerate(found) if v.kind in ("通过", "公布", "修订")]
        if not owners or owners[-1] in starts:
            continue
        k = owners[-1]
        version = found[k]
        if clause.relative is None:
            starts[k] = _VersionStart(clause.date, clause.sentence)
        elif "通过" in clause.relative:
            starts[k] = _VersionStart(version.adopted, clause.sentence)
        elif "批准" in clause.relative and version.approved:
            starts[k] = _VersionStart(version.approved, clause.sentence)
        elif version.published:
            starts[k] = _VersionStart(version.published, clause.sentence)
        else:
            starts[k] = _VersionStart(
                version.issued, clause.sentence, True, _inference("公布", version)
            )
    # The version the file holds takes effect when it was published, if nothing says more.
    last = len(found) - 1
    if last >= 0 and last not in starts:
        version = found[last]
        by_decision = version.kind not in ("通过", "公布") and (
            version.by_decision or version.kind == "修正"
        )
        what = "公布" if by_decision else "施行"
        if version.published:
            note = "修正决定自公布之日起施行" if by_decision else _inference(what, version)
            starts[last] = _VersionStart(version.published, version.text, not by_decision, note)
        else:
            starts[last] = _VersionStart(
                version.issued, version.text, True, _inference(what, version)
            )
    # No version takes effect before it was adopted, nor before the text it amends.
    floor = _dt.date.min
    for k, version in enumerate(found):
        start = starts.get(k)
        if start is None:
            continue
        if start.date < max(version.adopted, floor):
            starts[k] = attrs.evolve(start, date=max(version.adopted, floor))
        floor = starts[k].date
    return starts


@attrs.frozen
class _Own:
    """What a document states about itself."""

    events: tuple[LifecycleEvent, ...]
    version: TextVersion | None  # its text with version dates, when it has a history
    effective: tuple[_dt.date, ...]
    provision: _dt.date | None = None  # the day its provisions took effect
    provision_inferred: bool = False
    dates: Dates | None = None
    history_at: tuple[int, ...] = ()


def _history_events(
    found: Sequence[Version], starts: dict[int, _VersionStart]
) -> list[LifecycleEvent]:
    events: list[LifecycleEvent] = []
    for k, version in enumerate(found):
        for entry in version.entries:
            if entry.word in ("修正", "修订") or (k > 0 and entry.word == "通过"):
                if entry.word == "通过" and any(
                    e.word in ("修正", "修订") for e in version.entries
                ):
                    continue  # the city's adoption of an amendment the province then approved
                kind = EventKind.AMENDED
            elif entry.word in ("通过", "公布") and k == 0:
                kind = EventKind.PROMULGATED
            elif entry.word == "批准" or (entry.approved and entry.word not in ("修正", "修订")):
                kind = EventKind.APPROVED
            else:
                continue
            events.append(
                LifecycleEvent(
                    kind=kind,
                    date=entry.date,
                    acting=entry.acting if kind == EventKind.AMENDED else None,
                    provenance=parsed(entry.text),
                    note=version.label if kind != EventKind.APPROVED else None,
                )
            )
        start = starts.get(k)
        if start is not None:
            note = start.note
            if k > 0 and not start.inferred:
                note = note or f"施行 of the text adopted {version.adopted.isoformat()}"
            events.append(
                LifecycleEvent(
                    EventKind.EFFECTIVE,
                    start.date,
                    provenance=inferred(start.excerpt) if start.inferred else parsed(start.excerpt),
                    note=note,
                )
            )
    return events


def _own(document: Document, text: TextVersion | None) -> _Own:
    blocks = text.blocks if text is not None else ()
    plain = Dates.of(document)
    history_at = _history_blocks(blocks)
    found = versions(entries([blocks[k].text for k in history_at]))
    body = [b.text for k, b in enumerate(blocks) if b.kind in BODY_KINDS and k not in history_at]
    if not found:
        return _own_plain(document, text, body, plain, tuple(history_at))
    current = found[-1]
    dates = Dates(
        plain.written,
        plain.published or current.published or current.issued,
        plain.printed,
        adopted=current.adopted,
        approved=current.approved,
        publication_inferred=plain.published is None and current.published is None,
    )
    commencements = _commencements(body, dates)
    named = [c for c in commencements if c.subject]
    starts = _version_starts(found, named or commencements)
    events = _history_events(found, starts)
    start = starts.get(len(found) - 1)
    version = text
    if text is not None:
        version = attrs.evolve(
            text,
            adopted=current.adopted,
            effective=start.date if start else text.effective,
            label=current.label,
        )
    # The provisions (a repeal clause among them) took effect with the text that holds them:
    # the version the 施行 article belongs to, else the version the file holds.
    clauses = {c.sentence for c in commencements}
    from_clause = [s for s in starts.values() if s.excerpt in clauses]
    provision = max(from_clause, key=lambda s: s.date) if from_clause else start
    effective_dates = tuple(sorted({s.date for s in starts.values()}))
    own_effective = start.date if start else None
    for last_day, sentence in _validity(body, commencements, own_effective):
        events.append(LifecycleEvent(EventKind.VALID_UNTIL, last_day, provenance=parsed(sentence)))
    return _Own(
        tuple(_dedupe(events)),
        version,
        effective_dates,
        provision.date if provision else None,
        provision.inferred if provision else False,
        dates,
        tuple(history_at),
    )


def _own_plain(
    document: Document,
    text: TextVersion | None,
    body: Sequence[str],
    dates: Dates,
    history_at: tuple[int, ...],
) -> _Own:
    """A document without a version history: its 施行 clause and its written date."""
    commencements = _commencements(body, dates)
    # Prefer clauses naming the document (本法自…) over subject-less ones when they disagree.
    named = [c for c in commencements if c.subject]
    stated = sorted({c.date for c in (named or commencements)})
    events: list[LifecycleEvent] = []
    for date in stated:
        sentence = next(c.sentence for c in (named or commencements) if c.date == date)
        events.append(LifecycleEvent(EventKind.EFFECTIVE, date, provenance=parsed(sentence)))
    issued = document.written_date or document.published_date
    if issued is not None:
        where = "成文日期" if document.written_date else "发布日期"
        events.append(
            LifecycleEvent(
                EventKind.PROMULGATED,
                issued,
                provenance=parsed(f"{where}：{wording.date(issued)}"),
            )
        )
    own_effective = stated[0] if len(stated) == 1 else None
    for last_day, sentence in _validity(body, commencements, own_effective):
        events.append(LifecycleEvent(EventKind.VALID_UNTIL, last_day, provenance=parsed(sentence)))
    provision = stated[-1] if stated else None
    return _Own(tuple(_dedupe(events)), text, tuple(stated), provision, False, dates, history_at)


def _dedupe(events: Iterable[LifecycleEvent]) -> list[LifecycleEvent]:
    seen: set[tuple[object, ...]] = set()
    out = []
    for event in events:
        key = (event.kind, event.date, event.outcome, event.articles)
        if key not in seen:
            seen.add(key)
            out.append(event)
    return out


def _shares_life(carrier: Document, part: Document) -> bool:
    return (
        is_forwarding(carrier.title)
        and part.doc_number is not None
        and part.doc_number == carrier.doc_number
    )


_SHARED = (EventKind.EFFECTIVE, EventKind.VALID_UNTIL)
_CODE = (
    EventKind.PROMULGATED,
    EventKind.APPROVED,
    EventKind.EFFECTIVE,
    EventKind.AMENDED,
    EventKind.VALID_UNTIL,
)


def _share(source: Document, target: Document, where: str) -> Document:
    """Give ``target`` the effective date and validity period ``source`` states, if it states
    none of its own."""
    if any(e.kind in _SHARED for e in target.events):
        return target
    copied = [attrs.evolve(e, note=e.note or where) for e in source.events if e.kind in _SHARED]
    return target.with_events(*copied) if copied else target


def _code_part(code: Document, part: Document) -> Document:
    """A part of a code (an 编 of the 民法典) lives by the code's 题注: its versions and dates."""
    if (
        part.events
        or not code.text
        or not any(b.kind == BlockKind.SUBTITLE for b in code.text.blocks)
    ):
        return part
    copied = [e for e in code.events if e.kind in _CODE]
    texts = tuple(
        attrs.evolve(
            t, adopted=code.text.adopted, effective=code.text.effective, label=code.text.label
        )
        for t in part.texts
    )
    return attrs.evolve(part, texts=texts).with_events(*copied)


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
        A reference that only may be a repeal (see :mod:`ingest.repeals`) is marked for review.
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
        outcome_dates = {**outcome_dates, **acts.outcome_dates_of(text)}
    else:
        mode, default = acts.mode_of(document.title)
        outcome_dates = acts.outcome_dates_of(text) if mode is not None else {}
        acting_at = position
    found = acts.acts_of(
        document,
        text,
        mode=mode,
        default=default,
        outcome_dates=outcome_dates,
        dates=own.dates or Dates.of(document),
        provision=own.provision,
        provision_inferred=own.provision_inferred,
        skip=frozenset(own.history_at),
    )
    refs = [
        OutgoingRef(
            source=acting_at,
            target=item.target,
            event=acts.event_for(item, mode),
            review=item.possible,
        )
        for item in found
    ]
    texts = document.texts
    if own.version is not None and text is not None and own.version is not text:
        texts = tuple(own.version if t is text else t for t in texts)
    updated = attrs.evolve(document, texts=texts).with_events(*own.events)
    parts: list[Document] = []
    for k, part in enumerate(document.parts):
        carried = (mode, default, outcome_dates, acting_at) if mode is not None else None
        read_part, part_refs = _read(part, (*position, k), inherited=carried)
        parts.append(_code_part(updated, read_part))
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
