"""Generated archives for the no-leak property of the public view: documents with several
renditions and versions, partial withholding of titles, numbers and body paragraphs, repeals and
interpretations between hidden and public documents.

Every document carries unique tokens (``qz3t`` in its title, ``7103号`` in its number,
``qz3b1`` in a paragraph …). A model says which the public may not see: everything of a
hidden document, what a partial disclosure withholds, an older version that cannot be matched,
the sentence quoted from a withheld repeal clause (:mod:`tests.leak_checks` looks for them).

The same generator draws from Hypothesis or from a seeded random generator (:class:`Picker`),
so the per-example archives and the shared pool of ``test_disclosure_probes.py`` are alike.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs
from hypothesis import HealthCheck
from hypothesis import strategies as st

import gazette
from gazette.model import (
    Block,
    BlockKind,
    DocRef,
    Document,
    EventKind,
    GazetteIssue,
    IssueItem,
    IssueNumber,
    LifecycleEvent,
    Provenance,
    ProvenanceKind,
    TextOrigin,
    TextVersion,
)
from gazette.references import OutgoingRef
from tests.archive_builders import submit

ATTRIBUTES = (None, "proactive", "partial", "partial", "withheld", "on_request")
WITHHOLDABLE = ("title", "number", "b0", "b1", "b2", "repeal")
RENDITIONS = ("extra", "spaced", "split", "merged")
PARTS = (None, "inherit", "proactive", "withheld", "partial")
CURRENT = dt.date(2021, 3, 1)
OLD = dt.date(2019, 3, 1)


# --- what is generated -----------------------------------------------------------------------


@attrs.frozen
class DocSpec:
    """One document: its attribute, what a partial one withholds, its other renditions (each
    a variant of the current text at a paragraph), the paragraph an older version words
    differently (``None``: no older version), whether a gazette printed it first, its
    attachment's attribute."""

    attribute: str | None
    withhold: frozenset[str]
    renditions: tuple[tuple[str, int], ...]
    old: int | None
    printed: bool
    part: str | None


@attrs.frozen
class ArchiveSpec:
    """Documents, repeals ``(a, b, how)`` (a repeals b by a clause in its text, or by an
    event entered by hand), interpretation links ``(policy, interpretation)``, and the order
    the documents arrive in."""

    docs: tuple[DocSpec, ...]
    repeals: tuple[tuple[int, int, str], ...]
    links: tuple[tuple[int, int], ...]
    order: tuple[int, ...]


class Picker:
    """Choices from Hypothesis (``data.draw``) or from a seeded random generator: the same
    generator makes both the per-example archives and the shared pool."""

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any] | None = None,
                 rng: random.Random | None = None) -> None:  # fmt: skip
        self.draw = draw
        self.rng = rng

    def choice(self, values: Sequence[Any]) -> Any:
        if self.draw is not None:
            return self.draw(st.sampled_from(values))
        assert self.rng is not None
        return self.rng.choice(values)

    def integer(self, low: int, high: int) -> int:
        if self.draw is not None:
            return int(self.draw(st.integers(low, high)))
        assert self.rng is not None
        return self.rng.randint(low, high)

    def boolean(self) -> bool:
        return bool(self.integer(0, 1))


def generate(pick: Picker) -> ArchiveSpec:
    count = pick.integer(2, 5)
    docs = []
    for _ in range(count):
        withhold = frozenset(w for w in WITHHOLDABLE if pick.integer(0, 2) == 0) or frozenset(
            {pick.choice(WITHHOLDABLE)}
        )
        renditions = tuple(
            (pick.choice(RENDITIONS), pick.integer(0, 2)) for _ in range(pick.integer(0, 2))
        )
        docs.append(
            DocSpec(
                attribute=pick.choice(ATTRIBUTES),
                withhold=withhold,
                renditions=renditions,
                old=pick.integer(0, 2) if pick.integer(0, 2) == 0 else None,
                printed=pick.integer(0, 3) == 0,
                part=pick.choice(PARTS) if pick.integer(0, 2) == 0 else None,
            )
        )
    repeals = []
    for _ in range(pick.integer(0, 2)):
        a, b = pick.integer(0, count - 1), pick.integer(0, count - 1)
        if a != b and all(r[0] != a and r[1] != b for r in repeals):
            repeals.append((a, b, pick.choice(("clause", "manual"))))
    links = []
    for _ in range(pick.integer(0, 2)):
        a, b = pick.integer(0, count - 1), pick.integer(0, count - 1)
        if a != b:
            links.append((a, b))
    order = list(range(count))
    if pick.boolean():
        order.reverse()
    return ArchiveSpec(tuple(docs), tuple(repeals), tuple(links), tuple(order))


@st.composite
def spec_strategy(draw: Callable[[st.SearchStrategy[Any]], Any]) -> ArchiveSpec:
    return generate(Picker(draw=draw))


# --- the documents ---------------------------------------------------------------------------


def title(k: int) -> str:
    return f"青川市人民政府关于qz{k}t事项的通知"


def number(k: int) -> str:
    return f"青政发〔2021〕{serial(k)}号"


def serial(k: int) -> int:
    return 7101 + 7 * k


def repeal_sentence(a: int, b: int) -> str:
    return f"《{title(b)}》同时废止，qz{a}r。"


def base_blocks(k: int, spec: ArchiveSpec) -> list[Block]:
    """The current text: issuer mark, number, title, recipients, three paragraphs, a repeal
    clause when the document repeals another by one, signature and date."""
    blocks = [
        Block("青川市人民政府文件", BlockKind.HEADER),
        Block(number(k), BlockKind.HEADER),
        Block(title(k), BlockKind.TITLE),
        Block("各区县人民政府，市政府各部门：", BlockKind.RECIPIENTS),
    ]
    blocks += [
        Block(f"第{j + 1}条 本条规定qz{k}b{j}事项，各单位认真执行。", BlockKind.ARTICLE)
        for j in range(3)
    ]
    for a, b, how in spec.repeals:
        if a == k and how == "clause":
            blocks.append(Block(f"本通知自2021年5月1日起施行，{repeal_sentence(a, b)}"))
    blocks += [
        Block("青川市人民政府", BlockKind.SIGNATURE),
        Block(f"2021年3月{k + 1}日", BlockKind.DATE),
    ]
    return blocks


def _body_index(blocks: list[Block], j: int) -> int:
    return next(i for i, b in enumerate(blocks) if f"b{j}事项" in b.text)


def variant(k: int, blocks: list[Block], how: str, j: int, n: int) -> list[Block]:
    """Another rendition of the current text."""
    out = list(blocks)
    at = _body_index(out, j)
    if how == "extra":
        out.insert(at, Block(f"补充说明qz{k}x{n}，请遵照执行。"))
    elif how == "spaced":  # layout and punctuation width differ, nothing else
        out = [
            Block(b.text.replace("，", ",").replace("。", ". ").replace("事项", "事 项"), b.kind)
            for b in out
        ]
    elif how == "split":  # after the paragraph's token, so each piece is whole text
        text = out[at].text
        middle = text.index("事项") + 2
        out[at : at + 1] = [Block(text[:middle], out[at].kind), Block(text[middle:], out[at].kind)]
    elif how == "merged" and at + 1 < len(out):
        out[at : at + 2] = [Block(out[at].text + out[at + 1].text, out[at].kind)]
    return out


def document(k: int, blocks: list[Block], *, adopted: dt.date, origin: TextOrigin) -> Document:
    return Document(
        title=title(k),
        doc_number=number(k),
        issuers=("青川市人民政府",),
        written_date=dt.date(2021, 3, k + 1),
        texts=(TextVersion(blocks=tuple(blocks), adopted=adopted, origin=origin),),
    )


def _attachment(k: int) -> Document:
    return Document(
        title=f"附件qz{k}p名单",
        texts=(TextVersion(blocks=(Block(f"名单qz{k}pb如下。"),), adopted=CURRENT),),
        part_label="附件",
    )


@attrs.frozen
class Built:
    """An archive built from a spec, with what the model says the public may not see."""

    spec: ArchiveSpec
    ids: dict[int, str]
    visible: frozenset[str]
    hidden: frozenset[str]
    secrets: frozenset[str]
    public_tokens: frozenset[str]


def build(archive: gazette.Archive, folder: Path, spec: ArchiveSpec) -> Built:
    ids: dict[int, str] = {}
    texts = {k: base_blocks(k, spec) for k in range(len(spec.docs))}
    for k in spec.order:
        doc_spec = spec.docs[k]
        doc = document(k, texts[k], adopted=CURRENT, origin=TextOrigin.FILE)
        if doc_spec.part is not None:
            doc = doc.with_parts(_attachment(k))
        refs = [
            OutgoingRef(
                source=(0,),
                target=DocRef(f"《{title(b)}》", title=title(b)),
                event=LifecycleEvent(
                    EventKind.REPEALED,
                    dt.date(2021, 5, 1),
                    Provenance(ProvenanceKind.PARSED, excerpt=repeal_sentence(a, b)),
                ),
            )
            for a, b, how in spec.repeals
            if a == k and how == "clause"
        ]
        issue = None
        if doc_spec.printed:
            issue = GazetteIssue(
                gazette="青川市人民政府公报",
                number=IssueNumber(2021, k + 1),
                date=dt.date(2021, 4, 1),
                items=(IssueItem(1, title(k), doc_number=number(k)),),
            )
            doc = attrs.evolve(
                doc, texts=(attrs.evolve(doc.texts[0], standard=True, origin=TextOrigin.GAZETTE),)
            )
        ids[k] = submit(archive, folder, doc, issue=issue, references=refs).ids[0]
    # Other renditions and an older version arrive later and are merged by number and title.
    for k, doc_spec in enumerate(spec.docs):
        for n, (how, j) in enumerate(doc_spec.renditions):
            blocks = variant(k, texts[k], how, j, n)
            result = submit(
                archive, folder, document(k, blocks, adopted=CURRENT, origin=TextOrigin.PORTAL)
            )
            assert result.merged == (ids[k],) or result.ids == (ids[k],), result
        if doc_spec.old is not None:
            blocks = list(texts[k])
            at = _body_index(blocks, doc_spec.old)
            blocks[at] = Block(f"第{doc_spec.old + 1}条 旧文规定qz{k}o{doc_spec.old}事项。")
            submit(archive, folder, document(k, blocks, adopted=OLD, origin=TextOrigin.FILE))
    # Decisions by hand, on paragraphs counted in the current text.
    own: dict[str, str] = {}
    for k, doc_spec in enumerate(spec.docs):
        doc_id = ids[k]
        current = archive.internal.get(doc_id).text
        assert current is not None
        if doc_spec.attribute is not None:
            indexes = _indexes(current.blocks, doc_spec.withhold, k)
            archive.set_disclosure(
                doc_id,
                doc_spec.attribute,
                reason="测试理由",
                withheld_blocks=indexes if doc_spec.attribute == "partial" else (),
            )
        own[doc_id] = doc_spec.attribute or ("proactive" if doc_spec.printed else "unknown")
        if doc_spec.part is not None:
            part_id = f"{doc_id}.1"
            if doc_spec.part == "inherit":
                own[part_id] = own[doc_id]
            else:
                archive.set_disclosure(
                    part_id,
                    doc_spec.part,
                    reason="测试理由",
                    withheld_blocks=[0] if doc_spec.part == "partial" else [],
                )
                own[part_id] = doc_spec.part
    for a, b, how in spec.repeals:
        if how == "manual":
            archive.record_event(
                ids[b],
                LifecycleEvent(
                    EventKind.REPEALED,
                    dt.date(2022, 1, 1),
                    Provenance(ProvenanceKind.MANUAL, by="测试员"),
                    acting=DocRef(number(a), number=number(a), resolved_id=ids[a]),
                ),
            )
    for a, b in spec.links:
        archive.link_interpretation(ids[a], ids[b], form="text")
    for doc_id, attribute in own.items():
        assert archive.internal.get(doc_id).disclosure.attribute.value == attribute, doc_id
    return _model(spec, ids, own)


def _indexes(blocks: Sequence[Block], withhold: frozenset[str], k: int) -> list[int]:
    out = []
    for i, block in enumerate(blocks):
        if (
            ("title" in withhold and block.kind == BlockKind.TITLE)
            or ("number" in withhold and block.text == number(k))
            or ("repeal" in withhold and "同时废止" in block.text)
            or any(f"b{j}" in withhold and f"qz{k}b{j}事项" in block.text for j in range(3))
        ):
            out.append(i)
    return out or [0]


def _model(spec: ArchiveSpec, ids: dict[int, str], own: dict[str, str]) -> Built:
    public_attrs = {"proactive", "partial"}
    visible = {
        doc_id
        for doc_id, attribute in own.items()
        if attribute in public_attrs and own[doc_id.split(".")[0]] in public_attrs
    }
    hidden = set(own) - visible
    secrets: set[str] = set()
    shown: set[str] = set()
    for k, doc_spec in enumerate(spec.docs):
        doc_id = ids[k]
        clauses = [a for a, _, how in spec.repeals if a == k and how == "clause"]
        tokens = {
            "title": {f"qz{k}t"},
            "number": {f"{serial(k)}号"},
            "repeal": {f"qz{k}r"} if clauses else set(),
            **{f"b{j}": {f"qz{k}b{j}"} for j in range(3)},
        }
        extra = {f"qz{k}x{n}" for n in range(len(doc_spec.renditions))}
        old = {f"qz{k}o{doc_spec.old}"} if doc_spec.old is not None else set()
        if doc_id in hidden:
            for group in tokens.values():
                secrets |= group
            secrets |= extra | old
        elif own[doc_id] == "partial":
            for name, group in tokens.items():
                (secrets if name in doc_spec.withhold else shown).update(group)
            shown |= extra
            # The older version differs in one paragraph: unless that paragraph is
            # withheld-free, the version cannot be matched and is not public.
            if f"b{doc_spec.old}" in doc_spec.withhold:
                secrets |= old
            else:
                shown |= old
        else:
            for group in tokens.values():
                shown |= group
            shown |= extra | old
        part_id = f"{doc_id}.1"
        if doc_spec.part is not None:
            if part_id in hidden:
                secrets |= {f"qz{k}p", f"qz{k}pb"}
            elif own[part_id] == "partial" and doc_spec.part == "partial":
                # (an attachment inheriting partial withholds nothing of its own)
                secrets.add(f"qz{k}pb")
                shown.add(f"qz{k}p")
            else:
                shown |= {f"qz{k}p", f"qz{k}pb"}
    # A repeal clause the public may read names the repealed document's title.
    for a, b, how in spec.repeals:
        readable = ids[a] in visible and not (
            own[ids[a]] == "partial" and "repeal" in spec.docs[a].withhold
        )
        if how == "clause" and readable:
            shown.add(f"qz{b}t")
    return Built(
        spec, ids, frozenset(visible), frozenset(hidden), frozenset(secrets - shown),
        frozenset(shown - secrets),
    )  # fmt: skip


# Hypothesis settings of both properties: drawing and building an archive takes a while.
SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
