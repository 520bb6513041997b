"""The public view leaks nothing, generated: documents with several renditions and versions,
partial withholding of titles, numbers and body paragraphs, repeals and interpretations
between hidden and public documents.

Every document carries unique tokens (``qz3t`` in its title, ``7103号`` in its number,
``qz3b1`` in a paragraph …). A model says which the public may not see: everything of a
hidden document, what a partial disclosure withholds, an older version that cannot be matched,
the sentence quoted from a withheld repeal clause. None of them may be reachable from a public
command's output (text and ``--json``), an export in any format, a bag's files, or a Python
object the public view returns (walked through every attrs field).

Two tests share the generator:

* :func:`test_generated_archives_leak_nothing` builds an archive per example and runs every
  check on it (the writes themselves vary: order of arrival, renditions merged later, a
  repeal resolved when its target arrives);
* :func:`test_probes_of_shared_archives_leak_nothing` builds a pool of archives once, from
  seeded specifications made by the same generator, and each example runs one read — a
  command, an export, a search, an API call — against one of them. Reads change nothing, so
  sharing the archives is sound; it is what makes 10,000 examples affordable
  (``@pytest.mark.slow``; a smaller count runs with the rest).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gazette
from gazette import reports
from gazette.export import FORMATS, format_module
from gazette.export.bag import make_bag
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
from tests.conftest import Cli

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


# --- what is checked -------------------------------------------------------------------------


def walk(value: Any) -> str:
    """Every string reachable from a Python object (attrs classes, dicts, sequences)."""
    out: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif attrs.has(type(item)):
            stack.extend(getattr(item, f.name) for f in attrs.fields(type(item)))
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif item is not None and not isinstance(item, (int, float, bool, bytes)):
            out.append(str(item))
    return "\n".join(out)


def exported_text(data: bytes) -> str:
    """An export's text (a Word file's parts, and their runs joined)."""
    if data[:2] != b"PK":
        return data.decode("utf-8", errors="replace")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = [package.read(n).decode("utf-8", "replace") for n in package.namelist()]
    runs = ["".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", x)) for x in parts]
    return "\n".join(parts + runs)


def leaks(built: Built, text: str) -> list[str]:
    found = [s for s in built.secrets if s in text]
    found += [h for h in built.hidden if re.search(re.escape(h) + r"(?![-.\w])", text) is not None]
    return found


def check(built: Built, what: object, text: str) -> None:
    found = leaks(built, text)
    assert not found, (what, found, built.spec)


def cli_reads(built: Built) -> list[tuple[str, ...]]:
    """Every public command worth running on the archive."""
    out: list[tuple[str, ...]] = [
        ("list", "--json", "--all-parts"),
        ("list",),
        ("issues", "--json"),
        ("report", "status", "--json"),
        ("report", "unresolved", "--json"),
        ("report", "disclosure", "--json", "--threshold", "1"),
        ("report", "completeness", "--json"),
        ("report", "interpretations", "--json"),
        ("report", "timeliness", "--json"),
        ("report", "expiring", "--json", "--within", "100y"),
    ]
    for doc_id in sorted(built.visible):
        out += [
            ("show", doc_id, "--text"),
            ("show", doc_id, "--text", "--json"),
            ("show", doc_id, "--text", "--on", "2020-01-01"),
            ("status", doc_id, "--json"),
            ("status", doc_id),
            ("timeline", doc_id),
            ("timeline", doc_id, "--json"),
            ("disclosure", "history", doc_id, "--json"),
            ("interpretation", "list", doc_id, "--json"),
            ("deadlines", doc_id, "--json"),
            ("diff", doc_id),
            *(("export", doc_id, "--format", fmt) for fmt in FORMATS if fmt != "docx"),
        ]
        for n in (1, 2, 3):
            out.append(("diff", f"{doc_id}@1", f"{doc_id}@{n}"))
    return out


def search_tokens(built: Built) -> list[str]:
    return sorted(built.secrets | built.public_tokens)


def check_search(built: Built, archive: gazette.Archive, token: str) -> None:
    results = archive.public.search(token, limit=50)
    check(built, ("search", token), json.dumps(results.as_json(), ensure_ascii=False))
    assert {h.id for h in results.hits} <= built.visible
    if token in built.secrets:
        assert results.total == 0, (token, built.spec)


def check_api(built: Built, archive: gazette.Archive) -> None:
    public = archive.public
    for doc in public.documents(top_level_only=False):
        assert doc.id in built.visible
        check(built, ("api", doc.id), walk(doc))
        for fmt in FORMATS:
            data = format_module(fmt).render(doc)
            check(built, ("export", doc.id, fmt), exported_text(data))
    check(built, "list", walk(public.list(top_level_only=False)))
    check(built, "issues", walk(public.issues()))
    for k in range(len(built.spec.docs)):
        for ref in (title(k), number(k), number(k).replace("〔", "[").replace("〕", "]")):
            found = public.find(ref)
            if found is None:
                continue
            assert found.id == built.ids[k] and found.id in built.visible, (ref, built.spec)
            secret = f"qz{k}t" if ref == title(k) else f"{serial(k)}号"
            assert secret not in built.secrets, (ref, built.spec)
    for report in (
        reports.interpretations(public),
        reports.disclosure(public, as_of=dt.date(2040, 1, 1), threshold=1),
        reports.timeliness(public),
        reports.completeness(public),
    ):
        check(built, type(report).__name__, json.dumps(report.as_json(), ensure_ascii=False))


def check_bag(built: Built, archive: gazette.Archive, folder: Path) -> None:
    ids = list(archive.public.ids())
    if not ids:
        return
    make_bag(archive, folder, ids, formats=("txt", "docx", "akn"))
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        check(built, ("bag", path.name), exported_text(path.read_bytes()))


def check_cli(built: Built, run: Cli, args: tuple[str, ...]) -> None:
    result = run(*args, expect=None)
    assert "Traceback" not in result.output, (args, result.output)
    check(built, args, result.output)


# --- an archive per example ------------------------------------------------------------------


def _archive_per_example(spec: ArchiveSpec, tmp: Path) -> None:
    archive = gazette.open_archive(tmp / "archive", actor="prop")
    try:
        built = build(archive, tmp / "in", spec)
        check_api(built, archive)
        for token in search_tokens(built):
            check_search(built, archive, token)
        check_bag(built, archive, tmp / "bag")
    finally:
        archive.close()
    run = Cli(tmp / "archive")
    for args in cli_reads(built):
        check_cli(built, run, args)
    for token in sorted(built.secrets):
        check_cli(built, run, ("search", token, "--json"))


_SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


@settings(max_examples=8, **_SETTINGS)  # type: ignore[arg-type]
@given(spec=spec_strategy())  # type: ignore[call-arg]
def test_generated_archives_leak_nothing(spec: ArchiveSpec, tmp_path_factory: Any) -> None:
    _archive_per_example(spec, tmp_path_factory.mktemp("prop"))


@pytest.mark.slow
@settings(max_examples=30, **_SETTINGS)  # type: ignore[arg-type]
@given(spec=spec_strategy())  # type: ignore[call-arg]
def test_generated_archives_leak_nothing_slow(spec: ArchiveSpec, tmp_path_factory: Any) -> None:
    _archive_per_example(spec, tmp_path_factory.mktemp("prop"))


# --- one read per example, of shared archives ------------------------------------------------


@attrs.frozen
class Pool:
    archives: tuple[tuple[Built, gazette.Archive, Cli], ...]


def _pool(folder: Path, count: int) -> Pool:
    rng = random.Random(15)
    out = []
    for n in range(count):
        spec = generate(Picker(rng=rng))
        root = folder / f"pool-{n}"
        archive = gazette.open_archive(root / "archive", actor="prop")
        built = build(archive, root / "in", spec)
        check_bag(built, archive, root / "bag")
        out.append((built, archive, Cli(root / "archive")))
    return Pool(tuple(out))


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Any:
    made = _pool(tmp_path_factory.mktemp("pool"), 4)
    yield made
    for _, archive, _ in made.archives:
        archive.close()


@pytest.fixture(scope="module")
def pool_slow(tmp_path_factory: pytest.TempPathFactory) -> Any:
    made = _pool(tmp_path_factory.mktemp("pool-slow"), 32)
    yield made
    for _, archive, _ in made.archives:
        archive.close()


_DAYS = st.integers(0, 365 * 12).map(lambda n: dt.date(2016, 1, 1) + dt.timedelta(days=n))
_ON = ("show", "status", "export")


def _probe(pool: Pool, data: st.DataObject) -> None:
    """One read of one shared archive: a command, a search, an export or an API call, with
    the date, query form and filters drawn too."""
    built, archive, run = data.draw(st.sampled_from(pool.archives))
    kind = data.draw(st.sampled_from(["cli", "cli", "cli", "api", "export", "search", "find"]))
    public = archive.public
    if kind == "cli":
        args = data.draw(st.sampled_from(cli_reads(built)))
        if args[0] in _ON and "--on" not in args and data.draw(st.booleans()):
            args = (*args, "--on", data.draw(_DAYS).isoformat())
        check_cli(built, run, args)
    elif kind == "search":
        tokens = search_tokens(built)
        token, other = data.draw(st.sampled_from(tokens)), data.draw(st.sampled_from(tokens))
        form = data.draw(st.sampled_from(["plain", "phrase", "or", "not"]))
        query = {"plain": token, "phrase": f'"{token}"', "or": f"{token} OR {other}"}.get(
            form, f"{token} -{other}"
        )
        filters: dict[str, Any] = {}
        if data.draw(st.booleans()):
            filters["valid_on"] = data.draw(_DAYS)
        if data.draw(st.booleans()):
            filters["year"] = data.draw(st.sampled_from([2019, 2021, 2022]))
        results = public.search(query, limit=data.draw(st.integers(1, 20)), **filters)
        check(built, ("search", query, filters), json.dumps(results.as_json(), ensure_ascii=False))
        assert {h.id for h in results.hits} <= built.visible
        if form in ("plain", "phrase") and token in built.secrets:
            assert results.total == 0, (query, built.spec)
    elif kind == "find":
        k = data.draw(st.integers(0, len(built.spec.docs) - 1))
        for ref in (title(k), number(k), built.ids[k]):
            doc = public.find(ref)
            if doc is not None:
                check(built, ("find", ref), walk(doc))
            elif ref == built.ids[k]:
                assert ref in built.hidden
    elif built.visible:
        doc_id = data.draw(st.sampled_from(sorted(built.visible)))
        doc = public.get(doc_id)
        day = data.draw(st.one_of(st.none(), _DAYS))
        if kind == "api":
            check(built, ("api", doc_id), walk(doc))
            check(built, ("status", doc_id, day), walk(public.status(doc_id, day)))
        else:
            fmt = data.draw(st.sampled_from(sorted(FORMATS)))
            data_bytes = format_module(fmt).render(doc, on=day)
            check(built, ("export", doc_id, fmt, day), exported_text(data_bytes))


@settings(max_examples=300, **_SETTINGS)  # type: ignore[arg-type]
@given(data=st.data())
def test_probes_of_shared_archives_leak_nothing(pool: Pool, data: st.DataObject) -> None:
    _probe(pool, data)


@pytest.mark.slow
@settings(max_examples=10_000, **_SETTINGS)  # type: ignore[arg-type]
@given(data=st.data())
def test_probes_of_shared_archives_leak_nothing_slow(pool_slow: Pool, data: st.DataObject) -> None:
    _probe(pool_slow, data)
