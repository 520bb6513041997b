"""Disclosure in the two views: the sample corpus's attributes, what the public view drops
(hidden documents, links, acting documents, issue items), and a property: the public view
leaks nothing of a hidden document or a withheld paragraph."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gazette
from gazette import disclosure as rules
from gazette import reports
from gazette.errors import DocumentNotFound
from gazette.export import FORMATS
from gazette.export.bag import make_bag
from gazette.export.bulk import export_document, export_many, select
from gazette.export.json_format import document_dict
from gazette.model import (
    Block,
    BlockKind,
    DisclosureAttribute,
    Document,
    EventKind,
    GazetteIssue,
    IssueItem,
    IssueNumber,
    LifecycleEvent,
    Provenance,
    ProvenanceKind,
    TextVersion,
)
from ingest import ingest_paths
from tests.archive_builders import submit
from tests.conftest import ARCHIVE_DATA
from tests.disclosure_builders import RULE_TITLE, rule_policy

A = DisclosureAttribute


# --- the sample corpus ----------------------------------------------------------------------


@pytest.fixture
def sample(archive: gazette.Archive) -> gazette.Archive:
    report = ingest_paths(archive, [ARCHIVE_DATA], recursive=True, jobs=1)
    assert report.ok
    return archive


def test_sample_attributes_and_views(sample: gazette.Archive) -> None:
    internal = {d.id: d for d in sample.internal.documents(top_level_only=False)}
    withheld = [d for d in internal.values() if d.disclosure.attribute == A.WITHHELD]
    assert [d.doc_number and str(d.doc_number) for d in withheld] == ["青政办函〔2023〕41号"]
    parts = [d for d in internal.values() if d.parent_id]
    assert parts and all(p.disclosure.attribute == A.PROACTIVE for p in parts)
    assert all(p.disclosure.provenance.kind == ProvenanceKind.INHERITED for p in parts)  # type: ignore[union-attr]
    public = {r.id for r in sample.public.list(top_level_only=False)}
    # Withheld is not public; the decree of qcsb-ling-3.pdf states no attribute, but a 规章
    # promulgated by a 令 is public by law, with that basis and its legal ground.
    assert public == {i for i, d in internal.items() if d.disclosure.attribute.public}
    (decree,) = [d for d in internal.values() if d.doc_type == "令"]
    assert decree.disclosure.attribute == A.PROACTIVE
    assert decree.disclosure.basis and decree.disclosure.basis.startswith("规章，依法公布")
    assert decree.disclosure.reason and "立法法" in decree.disclosure.reason


# --- the views ------------------------------------------------------------------------------


def _not_found_text(view: gazette.ArchiveView, ref: str) -> str:
    with pytest.raises(DocumentNotFound) as info:
        view.get(ref)
    return str(info.value).replace(ref, "REF")


def test_not_found_does_not_reveal_a_hidden_document(sample: gazette.Archive) -> None:
    hidden = sample.internal.get("青政办函〔2023〕41号")
    assert hidden.id is not None
    nowhere = "0" * len(hidden.id)
    for ref in (hidden.id, "青政办函〔2023〕41号", hidden.title or ""):
        assert _not_found_text(sample.public, ref) == _not_found_text(sample.public, nowhere)


def test_public_view_drops_links_and_acting_documents_it_cannot_show(
    sample: gazette.Archive, tmp_path: Path
) -> None:
    policy = sample.public.get("青川市政务公开工作实施办法")
    interp_id = policy.interpretations[0].interpretation_id
    sample.set_disclosure(interp_id, "withheld", reason="待审签")
    assert sample.public.get(policy.id).interpretations == ()  # type: ignore[arg-type]
    assert len(sample.internal.get(policy.id).interpretations) == 1  # type: ignore[arg-type]
    # An event acted by a withheld document keeps its fact but not the document.
    hidden_id = sample.internal.resolve("青政办函〔2023〕41号")
    event = LifecycleEvent(
        kind=EventKind.AMENDED,
        date=dt.date(2023, 6, 1),
        acting=gazette.DocRef("青川市人民政府办公室关于调整…的通知", resolved_id=hidden_id),
        provenance=Provenance(ProvenanceKind.PARSED, source=hidden_id, excerpt="内部文字qx9z"),
    )
    sample.record_event(policy.id, event)  # type: ignore[arg-type]
    public_event = sample.public.get(policy.id).events[-1]  # type: ignore[arg-type]
    assert public_event.kind == EventKind.AMENDED and public_event.date == dt.date(2023, 6, 1)
    assert public_event.acting is not None and public_event.acting.resolved_id is None
    assert public_event.acting.text == rules.HIDDEN_REFERENCE
    assert public_event.provenance.excerpt is None
    assert public_event.provenance.source == rules.HIDDEN_REFERENCE  # "parsed from 未公开的文件"
    internal_event = sample.internal.get(policy.id).events[-1]  # type: ignore[arg-type]
    assert internal_event.acting.resolved_id == hidden_id  # type: ignore[union-attr]


def test_public_issue_lists_only_visible_items(archive: gazette.Archive, tmp_path: Path) -> None:
    other = Document(
        title="青川市人民政府关于测试人事安排的通知",
        texts=(TextVersion(blocks=(Block("人事安排。"),)),),
    )
    issue = GazetteIssue(
        gazette="青川市人民政府公报",
        number=IssueNumber(2021, 3),
        items=(IssueItem(1, RULE_TITLE), IssueItem(2, other.title or "")),
    )
    ids = submit(archive, tmp_path, rule_policy(), other, issue=issue).ids
    archive.set_disclosure(ids[1], "withheld", reason="人事")
    (public_issue,) = archive.public.issues()
    assert [i.doc_id for i in public_issue.items] == [ids[0]]
    (internal_issue,) = archive.internal.issues()
    assert [i.doc_id for i in internal_issue.items] == list(ids)


# --- property: the public view leaks nothing ----------------------------------------------

_ATTRIBUTE = st.sampled_from([None, "proactive", "on_request", "withheld", "partial"])
_DOC = st.fixed_dictionaries(
    {
        "attribute": _ATTRIBUTE,
        "withhold": st.sets(st.integers(0, 3), min_size=1),  # 0 is the title paragraph
        "part": st.sampled_from([None, "inherit", "proactive", "withheld", "partial"]),
        "printed": st.booleans(),
        "asked": st.integers(0, 3),
    }
)


def _build(k: int, spec: dict[str, object]) -> Document:
    title = f"青川市人民政府关于 qz{k}t 测试的意见"
    blocks = [Block(title, BlockKind.TITLE)] + [
        Block(f"第{j + 1}条 本条规定 qz{k}b{j} 事项。", BlockKind.ARTICLE) for j in range(3)
    ]
    parts = ()
    if spec["part"] is not None:
        parts = (
            Document(
                title=f"附件 qz{k}p 名单",
                texts=(TextVersion(blocks=(Block(f"名单 qz{k}pb 如下。"),)),),
                part_label="附件",
            ),
        )
    return Document(
        title=title,
        issuers=("青川市人民政府",),
        written_date=dt.date(2021, 3, 1 + k),
        texts=(TextVersion(blocks=tuple(blocks)),),
        parts=parts,
    )


def _expected(spec: dict[str, object]) -> str:
    if spec["attribute"] is not None:
        return str(spec["attribute"])
    return "proactive" if spec["printed"] else "unknown"


def _exported_text(data: bytes, fmt: str) -> str:
    """The text of an export (a Word file's runs joined, so a word split over runs is whole)."""
    if fmt != "docx":
        return data.decode("utf-8", errors="replace")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = [package.read(n).decode("utf-8") for n in package.namelist() if n.endswith(".xml")]
    return "\n".join("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", x)) for x in parts)


def _mentions(text: str, doc_id: str) -> bool:
    return re.search(re.escape(doc_id) + r"(?![-.\w])", text) is not None


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    specs=st.lists(_DOC, min_size=1, max_size=5),
    links=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), max_size=3),
    queries=st.lists(
        st.tuples(st.integers(0, 4), st.sampled_from(["t", "b0", "b1", "b2", "p", "pb"])),
        min_size=1,
        max_size=4,
    ),
    limit=st.integers(1, 6),
    offset=st.integers(0, 3),
)
def test_public_view_leaks_nothing(
    specs: list[dict[str, object]],
    links: list[tuple[int, int]],
    queries: list[tuple[int, str]],
    limit: int,
    offset: int,
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        archive = gazette.open_archive(root / "archive", actor="prop")
        try:
            _check_no_leak(archive, root, specs, links, queries, limit, offset)
        finally:
            archive.close()


def _check_no_leak(
    archive: gazette.Archive,
    root: Path,
    specs: list[dict[str, object]],
    links: list[tuple[int, int]],
    queries: list[tuple[int, str]],
    limit: int,
    offset: int,
) -> None:
    docs = [_build(k, spec) for k, spec in enumerate(specs)]
    printed = [k for k, spec in enumerate(specs) if spec["printed"]]
    filed = [k for k, spec in enumerate(specs) if not spec["printed"]]
    ids: dict[int, str] = {}
    if printed:
        issue = GazetteIssue(
            gazette="青川市人民政府公报",
            number=IssueNumber(2021, 4),
            date=dt.date(2021, 4, 20),
            items=tuple(IssueItem(n + 1, docs[k].title or "") for n, k in enumerate(printed)),
        )
        result = submit(archive, root / "in", *(docs[k] for k in printed), issue=issue)
        ids.update(zip(printed, result.ids, strict=True))
    if filed:
        result = submit(archive, root / "in", *(docs[k] for k in filed))
        ids.update(zip(filed, result.ids, strict=True))
    # Attributes by hand; the model below says what each document must end up as.
    own: dict[str, str] = {}
    withheld_tokens: set[str] = set()
    title_withheld: set[str] = set()
    for k, spec in enumerate(specs):
        doc_id = ids[k]
        attribute = spec["attribute"]
        if attribute is not None:
            blocks = sorted(spec["withhold"]) if attribute == "partial" else []  # type: ignore[call-overload]
            archive.set_disclosure(
                doc_id, str(attribute), reason="测试理由", withheld_blocks=blocks
            )
            if attribute == "partial":
                withheld_tokens.update(f"qz{k}b{j - 1}" for j in blocks if j > 0)
                if 0 in blocks:
                    title_withheld.add(doc_id)
        own[doc_id] = _expected(spec)
        part = spec["part"]
        if part is not None:
            part_id = f"{doc_id}.1"
            if part == "inherit":
                own[part_id] = own[doc_id]
            else:
                archive.set_disclosure(
                    part_id,
                    str(part),
                    reason="测试理由",
                    withheld_blocks=[0] if part == "partial" else [],
                )
                own[part_id] = str(part)
                if part == "partial":
                    withheld_tokens.add(f"qz{k}pb")
        for _ in range(int(spec["asked"])):  # type: ignore[call-overload]
            archive.record_request(doc_id)
    for a, b in links:
        if a < len(specs) and b < len(specs) and a != b:
            archive.link_interpretation(ids[a], ids[b], form="text")
    # Owner of the carrier of any part: a part is visible only if both are public.
    public_attrs = {"proactive", "partial"}
    visible = set()
    for doc_id, attribute in own.items():
        carrier = doc_id.split(".")[0]
        if attribute in public_attrs and own[carrier] in public_attrs:
            visible.add(doc_id)
    hidden = set(own) - visible
    # The rules put each document where the model says.
    for doc_id, attribute in own.items():
        assert archive.internal.get(doc_id).disclosure.attribute.value == attribute, doc_id
    # Every token of a hidden document, and every withheld token, must stay out of sight.
    secret = set(withheld_tokens)
    for k in range(len(specs)):
        doc_id = ids[k]
        if doc_id in hidden or doc_id in title_withheld:
            secret.add(f"qz{k}t")
        if doc_id in hidden:
            secret.update(f"qz{k}b{j}" for j in range(3))
        if f"{doc_id}.1" in hidden:
            secret.update({f"qz{k}p", f"qz{k}pb"})
    public = archive.public

    def leaks(text: str) -> list[str]:
        found = [t for t in secret if t in text]
        found += [h for h in hidden if _mentions(text, h)]
        return found

    # list / ids / documents
    listed = [r.id for r in public.list(top_level_only=False)]
    assert set(listed) == visible
    page = public.list(top_level_only=False, limit=limit, offset=offset)
    assert [r.id for r in page] == listed[offset : offset + limit]
    assert set(public.ids(top_level_only=False)) == visible
    for doc in public.documents(top_level_only=False):
        assert doc.id in visible
        rendered = json.dumps(document_dict(doc, with_text=True), ensure_ascii=False)
        assert not leaks(rendered), leaks(rendered)
    # get: hidden ones are not found, with the message a missing one gets
    for doc_id in hidden:
        missing = "f" * len(doc_id)
        assert _not_found_text(public, doc_id) == _not_found_text(public, missing)
    # a withheld title does not find its document either
    for k, doc in enumerate(docs):
        if ids[k] in hidden or ids[k] in title_withheld:
            assert public.find(doc.title or "") is None
        else:
            assert public.get(doc.title or "").id == ids[k]
    # search: only visible documents, exact totals, no secret in titles or snippets
    for k, suffix in queries:
        if k >= len(specs):
            continue
        token = f"qz{k}{suffix}"
        other = f"qz{(k + 1) % len(specs)}t"
        for query in (token, f"{token} OR {other}", f'"{token}"'):
            results = public.search(query, limit=50)
            hit_ids = {h.id for h in results.hits}
            assert hit_ids <= visible
            for hit in results.hits:
                assert not leaks(hit.title + hit.snippet), (query, hit)
            for counts in results.facets.values():
                assert sum(counts.values()) <= results.total
        expected = 0 if token in secret else 1
        if suffix in ("p", "pb") and specs[k]["part"] is None:
            expected = 0
        assert public.search(token).total == expected, (token, own)
    # filters: a filter alone lists exactly the visible documents it selects
    top_visible = [ids[k] for k in range(len(specs)) if ids[k] in visible]
    by_year = public.search("", year=2021, limit=50)
    assert {h.id for h in by_year.hits} == set(top_visible)
    assert by_year.total == len(top_visible)
    first_days = [ids[k] for k in range(min(3, len(specs))) if ids[k] in visible]
    window = public.search("", date_from=dt.date(2021, 3, 1), date_to=dt.date(2021, 3, 3), limit=50)
    assert {h.id for h in window.hits} == set(first_days)
    for k, suffix in queries[:2]:
        if k < len(specs):
            filtered = public.search(f"qz{k}{suffix}", issuer="青川市人民政府", limit=50)
            assert {h.id for h in filtered.hits} <= visible
            for hit in filtered.hits:
                assert not leaks(hit.title + hit.snippet), hit
            for counts in filtered.facets.values():
                assert sum(counts.values()) <= filtered.total
    # issues
    for issue in public.issues():
        assert {i.doc_id for i in issue.items if i.doc_id} <= visible
        assert not leaks(json.dumps([i.title for i in issue.items], ensure_ascii=False))
    # reports
    for report in (
        reports.interpretations(public),
        reports.disclosure(public, as_of=dt.date(2040, 1, 1), threshold=1),
        reports.timeliness(public),
        reports.completeness(public),
    ):
        rendered = json.dumps(report.as_json(), ensure_ascii=False)
        assert report.as_json()["view"] == "public"
        assert not leaks(rendered), (type(report).__name__, leaks(rendered))
    # exports: every format of every visible document, the bulk export of all the view shows,
    # and a BagIt package of it, read back as text (Word through its XML)
    for doc_id in sorted(visible):
        for fmt in FORMATS:
            data, _ = export_document(archive, doc_id, fmt)
            text = _exported_text(data, fmt)
            assert not leaks(text), (doc_id, fmt, leaks(text))
    for doc_id in sorted(hidden):
        with pytest.raises(DocumentNotFound):
            export_document(archive, doc_id, "txt")
    everything = select(public, everything=True)
    assert set(everything) == {ids[k] for k in range(len(specs))} & visible
    if everything:
        written = export_many(archive, everything, list(FORMATS), root / "bulk")
        assert {w.doc_id for w in written} <= visible
        bag = make_bag(archive, root / "bag", everything, formats=("txt", "docx"))
        assert set(bag.documents) == set(everything)
        for folder in (root / "bulk", root / "bag"):
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                fmt = "docx" if path.suffix == ".docx" else "txt"
                text = _exported_text(path.read_bytes(), fmt)
                assert not leaks(text), (str(path), leaks(text))
