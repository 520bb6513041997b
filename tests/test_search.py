"""Search in an archive: numbers, filters, facets, views, paging, index upkeep (the analysis
and query language are in test_search_analysis.py, the command line in test_search_cli.py).

Every test that searches runs on every engine (``sqlite``, ``whoosh`` and ``postgresql``, the
last on a throwaway PostgreSQL server, skipped when none can be had): they must behave the
same.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import gazette
from gazette.archive import Submission
from gazette.errors import InvalidArgument, InvalidQuery
from gazette.model import (
    Block,
    Disclosure,
    Document,
    EventKind,
    IssueNumber,
    LifecycleEvent,
    Provenance,
    Publication,
    SourceFile,
    TextVersion,
)
from gazette.search import ENGINES, open_index
from gazette.search.analysis import AnalyzerConfig
from gazette.search.records import IndexRecord
from gazette.verify import verify

PROACTIVE = Disclosure(attribute="proactive", basis="（此件公开发布）")
WITHHELD = Disclosure(attribute="withheld", reason="内部事务", grounds=("art16_internal_affairs",))


def _doc(
    title: str,
    body: list[str],
    *,
    number: str | None = None,
    issuers: tuple[str, ...] = ("青川市人民政府",),
    doc_type: str = "通知",
    written: dt.date | None = dt.date(2021, 3, 1),
    disclosure: Disclosure = PROACTIVE,
    publications: tuple[Publication, ...] = (),
    events: tuple[LifecycleEvent, ...] = (),
) -> Document:
    return Document(
        title=title,
        doc_number=number,
        doc_type=doc_type,
        issuers=issuers,
        written_date=written,
        disclosure=disclosure,
        texts=(TextVersion(blocks=[Block(title), *(Block(p) for p in body)]),),
        publications=publications,
        events=events,
    )


def add(archive: gazette.Archive, tmp_path: Path, doc: Document) -> str:
    """Store one document as if ingested from a text file; returns its id."""
    serial = len(list(tmp_path.iterdir()))
    data = ("\n".join(b.text for b in doc.texts[0].blocks) + f"\n{serial}").encode()
    sha = hashlib.sha256(data).hexdigest()
    path = tmp_path / f"{sha[:12]}.txt"
    path.write_bytes(data)
    source = SourceFile(sha256=sha, format="txt", path=str(path), size=len(data))
    result = archive.add(Submission(source=source, path=path, documents=(doc,)))
    return result.ids[0]


def _in_force(promulgated: dt.date, effective: dt.date) -> tuple[LifecycleEvent, ...]:
    source = Provenance("manual", by="test")
    return (
        LifecycleEvent(EventKind.PROMULGATED, promulgated, source),
        LifecycleEvent(EventKind.EFFECTIVE, effective, source),
    )


@pytest.fixture
def archive(tmp_path: Path, engine: str, search_dsn: str | None) -> Iterator[gazette.Archive]:
    """A new archive searching with each engine in turn."""
    arch = gazette.open_archive(
        tmp_path / "archive", actor="test", search_engine=engine, search_dsn=search_dsn
    )
    try:
        yield arch
    finally:
        arch.close()


@pytest.fixture
def files(tmp_path: Path) -> Path:
    path = tmp_path / "files"
    path.mkdir()
    return path


@pytest.fixture
def sample(archive: gazette.Archive, files: Path) -> dict[str, str]:
    """A small archive: public and withheld documents, issuers, types, dates, a gazette."""
    gazette_pub = Publication(
        channel="gazette", name="青川市人民政府公报", issue=IssueNumber(2021, 5, unit="期")
    )
    ids = {
        "open": add(
            archive,
            files,
            _doc(
                "青川市人民政府关于加强政务公开工作的通知",
                ["各区县人民政府：", "为深入推进政务公开，提高行政透明度，现就有关事项通知如下。"],
                number="青政发〔2021〕3号",
                written=dt.date(2021, 3, 1),
                publications=(gazette_pub,),
                events=_in_force(dt.date(2021, 3, 1), dt.date(2021, 4, 1)),
            ),
        ),
        "plan": add(
            archive,
            files,
            _doc(
                "青川市人民政府办公室关于印发城乡供水保障方案的意见",
                ["农村供水工程建设要因地制宜。", "城市供水管网改造同步推进，政务公开同步进行。"],
                number="青政办发〔2019〕17号",
                issuers=("青川市人民政府办公室",),
                doc_type="意见",
                written=dt.date(2019, 8, 2),
            ),
        ),
        "secret": add(
            archive,
            files,
            _doc(
                "青川市人民政府关于内部考核政务公开事项的通知",
                ["本件涉及内部考核安排，城市管理部门执行。"],
                number="青政发〔2020〕9号",
                written=dt.date(2020, 5, 6),
                disclosure=WITHHELD,
            ),
        ),
    }
    return ids


# --- searching the archive ---------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["青政发[2021]3号", "青政发（2021）3号", "青政发〔2021〕第3号", "青政发【２０２１】３号"],
    ids=["square", "fullwidth-parens", "with-di", "lenticular-fullwidth-digits"],
)
def test_number_in_any_spelling_finds_the_document(
    archive: gazette.Archive, sample: dict[str, str], query: str
) -> None:
    results = archive.public.search(query)
    assert results.hits[0].id == sample["open"]
    assert results.hits[0].doc_number == "青政发〔2021〕3号"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("政务公开", {"open", "plan"}),
        ("务公开工", {"open"}),  # cut mid-word: found through bigrams
        ("供水 -农村", set()),
        ("供水 OR 透明度", {"open", "plan"}),
        ('"城市供水管网"', {"plan"}),
        ('"供水城市"', set()),
        ("不存在的词语组合", set()),
    ],
    ids=["word", "mid-word-cut", "exclusion", "or", "phrase", "phrase-not-adjacent", "none"],
)
def test_public_queries(
    archive: gazette.Archive, sample: dict[str, str], query: str, expected: set[str]
) -> None:
    results = archive.public.search(query)
    assert {h.id for h in results.hits} == {sample[k] for k in expected}
    assert results.total == len(expected)


def test_title_is_weighted_above_body(archive: gazette.Archive, files: Path) -> None:
    in_body = add(archive, files, _doc("关于其他事项的通知", ["河道治理" * 3 + "相关工作。"]))
    in_title = add(archive, files, _doc("关于河道治理的通知", ["本通知涉及若干事项。"]))
    hits = archive.public.search("河道治理").hits
    assert [h.id for h in hits] == [in_title, in_body]


def test_public_view_hides_hits_snippets_and_counts(
    archive: gazette.Archive, sample: dict[str, str]
) -> None:
    public = archive.public.search("政务公开")
    internal = archive.internal.search("政务公开")
    assert sample["secret"] not in {h.id for h in public.hits}
    assert sample["secret"] in {h.id for h in internal.hits}
    assert public.total == 2 and internal.total == 3
    assert sum(public.facets["year"].values()) == 2
    assert "2020" not in public.facets["year"]
    assert "内部考核" not in json.dumps(public.as_json(), ensure_ascii=False)


def test_withheld_paragraphs_are_searchable_internally_only(
    archive: gazette.Archive, files: Path
) -> None:
    partial = Disclosure(attribute="partial", reason="涉及个人隐私", withheld_blocks=(2,))
    doc_id = add(
        archive,
        files,
        _doc(
            "关于补助发放的通知", ["补助标准如下。", "张某某身份证号码及住址。"], disclosure=partial
        ),
    )
    assert archive.public.search("补助标准").hits[0].id == doc_id
    assert archive.public.search("身份证号码").total == 0
    hit = archive.internal.search("身份证号码").hits[0]
    assert hit.id == doc_id and "<em>身份证号码</em>" in hit.snippet


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"issuer": "青川市人民政府办公室"}, {"plan"}),
        ({"doc_type": "通知"}, {"open"}),
        ({"year": 2019}, {"plan"}),
        ({"date_from": dt.date(2020, 1, 1)}, {"open"}),
        ({"date_to": dt.date(2020, 1, 1)}, {"plan"}),
        ({"gazette": "青川市人民政府公报"}, {"open"}),
        ({"gazette": "青川市人民政府公报 2021年第5期"}, {"open"}),
        ({"gazette": "2021年第6期"}, set()),
        ({"valid_on": dt.date(2021, 5, 1)}, {"open"}),
        ({"valid_on": dt.date(2021, 3, 15)}, set()),
        ({"status": "unknown"}, {"plan"}),
        ({"status": ["in_force", "unknown"]}, {"open", "plan"}),
        ({"valid_on": dt.date(2021, 3, 15), "status": "not_yet_in_force"}, {"open"}),
    ],
    ids=[
        "issuer",
        "type",
        "year",
        "from",
        "to",
        "gazette-name",
        "gazette-issue",
        "gazette-other-issue",
        "valid-on-after-effective",
        "valid-on-before-effective",
        "status-today",
        "several-statuses",
        "status-on-date",
    ],
)
def test_filters(
    archive: gazette.Archive, sample: dict[str, str], filters: dict, expected: set[str]
) -> None:
    results = archive.public.search("政务公开", **filters)
    assert {h.id for h in results.hits} == {sample[k] for k in expected}
    assert results.total == len(expected)


def test_status_filter_follows_new_events(archive: gazette.Archive, sample: dict[str, str]) -> None:
    assert archive.public.search("政务公开", status="repealed").total == 0
    repeal = LifecycleEvent(EventKind.REPEALED, dt.date(2022, 1, 1), Provenance("manual", by="t"))
    archive.record_event(sample["open"], repeal)
    results = archive.public.search("政务公开", status="repealed")
    assert [h.id for h in results.hits] == [sample["open"]]
    assert results.hits[0].status == "repealed"
    assert archive.public.search("政务公开", valid_on=dt.date(2021, 6, 1)).total == 1
    assert archive.public.search("政务公开", valid_on=dt.date(2022, 6, 1)).total == 0


def test_facets_count_every_match(archive: gazette.Archive, sample: dict[str, str]) -> None:
    facets = archive.internal.search("政务公开", limit=1).facets
    assert facets["issuer"] == {"青川市人民政府": 2, "青川市人民政府办公室": 1}
    assert facets["year"] == {"2021": 1, "2020": 1, "2019": 1}
    assert facets["doc_type"] == {"通知": 2, "意见": 1}
    assert sum(facets["status"].values()) == 3


def test_paging_and_date_sort(archive: gazette.Archive, sample: dict[str, str]) -> None:
    by_date = archive.internal.search("政务公开", sort="date")
    assert [h.id for h in by_date.hits] == [sample["open"], sample["secret"], sample["plan"]]
    page = archive.internal.search("政务公开", sort="date", limit=1, offset=1)
    assert [h.id for h in page.hits] == [sample["secret"]] and page.total == 3
    assert archive.internal.search("政务公开", offset=10).hits == ()


def test_empty_query_with_a_filter_lists_documents(
    archive: gazette.Archive, sample: dict[str, str]
) -> None:
    assert {h.id for h in archive.public.search("", doc_type="意见").hits} == {sample["plan"]}
    with pytest.raises(InvalidQuery):
        archive.public.search("   ")


def test_unknown_filter_and_status_are_refused(archive: gazette.Archive) -> None:
    with pytest.raises(InvalidArgument):
        archive.public.search("x", colour="red")
    with pytest.raises(InvalidArgument):
        archive.public.search("x", status="valid")
    with pytest.raises(InvalidArgument):
        archive.public.search("x", sort="random")


@pytest.mark.parametrize(
    "query",
    [
        "title:(a OR",
        '"""',
        "*?~^[]{}",
        "\x00\x01\x02",
        "-" * 200,
        "OR AND NOT",
        "政" * 999,
        "a" * 999,
        "𠀀𠀁 emoji 😀",
        "济政办发[2017]",
    ],
    ids=[
        "parser-syntax",
        "quotes",
        "wildcards",
        "control",
        "dashes",
        "operators",
        "long-cjk",
        "long-ascii",
        "astral",
        "half-number",
    ],
)
def test_hostile_queries_never_crash(
    archive: gazette.Archive, sample: dict[str, str], query: str
) -> None:
    try:
        results = archive.internal.search(query)
    except InvalidQuery:
        return
    assert results.total >= 0


def test_one_character_finds_it_wherever_it_stands(archive: gazette.Archive, files: Path) -> None:
    ends = add(archive, files, _doc("关于征收管理的通知", ["各单位应当依法纳税。"]))
    starts = add(archive, files, _doc("关于其他事项的通知", ["税收优惠政策另行规定。"]))
    add(archive, files, _doc("关于无关事项的通知", ["本通知自印发之日起施行。"]))
    assert {h.id for h in archive.public.search("税").hits} == {ends, starts}


def _record(doc_id: str, body: str, rev: int = 1, **fields: object) -> IndexRecord:
    return IndexRecord(
        id=doc_id, rev=rev, title=f"关于{doc_id}的通知", body=body, public=True, **fields
    )


def test_replaced_and_deleted_records_leave_nothing_behind(
    search_location: Path | str, engine: str
) -> None:
    index = open_index(search_location, engine)
    try:
        index.apply([_record("a", "城市供水管网改造"), _record("b", "农村供水工程建设")])
        assert index.search("供水", public_only=True).total == 2
        index.apply([_record("a", "河道治理工程", rev=2)], deleted=["b"])
        assert index.search("供水", public_only=True).total == 0
        assert [h.id for h in index.search("河道治理", public_only=True).hits] == ["a"]
        assert index.revisions() == {"a": 2}
        assert index.doc_count() == 1
    finally:
        index.close()


def test_an_empty_index_has_no_revisions(search_location: Path | str, engine: str) -> None:
    index = open_index(search_location, engine)
    try:
        assert index.revisions() == {}
        assert index.search("政务", public_only=False).total == 0
    finally:
        index.close()


# --- the index as derived data -----------------------------------------------------------


def test_reindex_and_verify_detect_drift(archive: gazette.Archive, sample: dict[str, str]) -> None:
    assert verify(archive).ok
    archive.index.apply([], deleted=[sample["plan"]])
    problems = verify(archive).problems
    assert [(p.kind, p.target) for p in problems] == [("index_missing", sample["plan"])]
    assert archive.public.search("供水").total == 0
    archive.reindex()
    assert verify(archive).ok
    assert archive.public.search("供水").total == 1


def test_verify_reports_a_stale_entry(archive: gazette.Archive, sample: dict[str, str]) -> None:
    record = archive.index_record(sample["open"])
    archive.index.apply([IndexRecord(id=record.id, rev=record.rev - 1, title="旧")])
    kinds = {p.kind for p in verify(archive).problems}
    assert kinds == {"index_stale"}


def test_readers_keep_working_while_a_writer_commits(
    archive: gazette.Archive, files: Path, sample: dict[str, str]
) -> None:
    errors: list[BaseException] = []
    totals: list[int] = []
    stop = threading.Event()
    reader_index = open_index(archive.index_location(), archive.search_engine)

    def read() -> None:
        try:
            while not stop.is_set():
                totals.append(reader_index.search("政务公开", public_only=False).total)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=read)
    thread.start()
    try:
        for n in range(6):
            add(archive, files, _doc(f"关于政务公开第{n}批事项的通知", ["政务公开事项。"]))
    finally:
        stop.set()
        thread.join()
        reader_index.close()
    assert not errors
    assert totals and min(totals) >= 3
    assert archive.internal.search("政务公开").total == 9


def _search_in_process(
    path: str, engine: str, queue: multiprocessing.Queue
) -> None:  # pragma: no cover
    index = open_index(path, engine)
    seen = []
    for _ in range(30):
        seen.append(index.search("政务公开", public_only=False).total)
    queue.put(seen)


def test_a_reader_process_survives_commits(
    archive: gazette.Archive, files: Path, sample: dict[str, str]
) -> None:
    queue: multiprocessing.Queue = multiprocessing.get_context("spawn").Queue()
    proc = multiprocessing.get_context("spawn").Process(
        target=_search_in_process,
        args=(str(archive.index_location()), archive.search_engine, queue),
    )
    proc.start()
    for n in range(4):
        add(archive, files, _doc(f"关于政务公开第{n}项的通知", ["政务公开。"]))
    seen = queue.get(timeout=120)
    proc.join(timeout=60)
    assert proc.exitcode == 0
    assert all(3 <= total <= 7 for total in seen)


@pytest.mark.parametrize(
    ("engine", "config"),
    [
        ("whoosh", AnalyzerConfig(search_mode=True, bigrams=False)),
        ("sqlite", AnalyzerConfig(search_mode=False, bigrams=False)),
    ],
    ids=["whoosh-search-mode", "sqlite-words"],
)
def test_index_without_bigrams_still_searches(
    tmp_path: Path, engine: str, config: AnalyzerConfig
) -> None:
    index = open_index(tmp_path / "ix", engine, config)
    index.apply(
        [IndexRecord(id="a", rev=1, title="政务公开工作要点", body="推进公开", public=True)]
    )
    assert index.config == config
    assert [h.id for h in index.search("公开", public_only=True).hits] == ["a"]
    index.close()


def test_reindex_can_optimize_the_index(
    archive: gazette.Archive, sample: dict[str, str], engine: str
) -> None:
    before = archive.public.search("政务公开")
    assert archive.reindex(optimize=True) == 3
    after = archive.public.search("政务公开")
    assert [h.id for h in after.hits] == [h.id for h in before.hits]
    assert after.facets == before.facets
    assert verify(archive).ok


def test_reindex_switches_the_engine_and_the_archive_records_it(
    archive: gazette.Archive, sample: dict[str, str], engine: str
) -> None:
    other = next(e for e in ENGINES if e != engine)
    before = archive.public.search("政务公开")
    assert archive.reindex(engine=other) == 3
    assert archive.search_engine == other
    assert not archive.index_path(engine).exists()
    after = archive.public.search("政务公开")
    assert [h.id for h in after.hits] == [h.id for h in before.hits]
    assert after.facets == before.facets
    assert verify(archive).ok
    root = archive.root
    archive.close()
    with gazette.open_archive(root) as reopened:
        assert reopened.search_engine == other
        assert reopened.public.search("供水").total == 1
    with pytest.raises(InvalidArgument, match=f"`gazette reindex --engine {engine}`"):
        gazette.open_archive(root, search_engine=engine)


def test_unknown_engine_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument, match="这一检索引擎"):
        gazette.open_archive(tmp_path / "a", search_engine="lucene")
