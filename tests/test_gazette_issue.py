"""Splitting gazette issues into their items, on issues typeset from real documents.

The fixtures (``tests/gazette_render.py``, rendered once per session) print real State Council
documents from ``../shared/corpus/govcn`` in a gazette's layout, so every item's title,
number, section, page range and text is known.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

import gazette
from gazette.errors import IssueNotSplit
from gazette.gazettes import find_gaps
from gazette.model import DisclosureAttribute, IssueNumber, TextOrigin
from ingest import gazette_files, gazette_issue, ingest_paths, issue_assembly, stages
from ingest.pipeline import identify
from ingest.raw import Line, RawDocument
from ingest.readers import pdf
from tests.conftest import ARCHIVE_DATA, Cli, corpus_path
from tests.gazette_issues import Layout, normalise

SAMPLE_ISSUE = ARCHIVE_DATA / "gazettes" / "qcsb-gazette-2021-04.pdf"
SAMPLE_NOTICE = ARCHIVE_DATA / "documents" / "qcsb-2021-12.txt"


@functools.cache
def _split(path: Path) -> issue_assembly.SplitIssue:
    return gazette_issue.split(pdf.read(path))


def _found(split: issue_assembly.SplitIssue) -> list[dict[str, Any]]:
    return [
        {
            "title": item.title,
            "number": str(item.doc_number) if item.doc_number else None,
            "section": item.section,
            "pages": list(item.pages) if item.pages else None,
            "pdf_pages": list(item.pdf_pages) if item.pdf_pages else None,
        }
        for item in split.issue.items
    ]


def _truth(layout: Layout, *, sections: bool = True, pages: bool = True) -> list[dict[str, Any]]:
    return [
        {
            "title": t["title"],
            "number": t["number"],
            "section": t["section"] if sections else None,
            "pages": t["pages"] if pages else None,
            "pdf_pages": t["pdf_pages"] if pages else None,
        }
        for t in layout.truth()
    ]


# --- born-digital issues ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "sections"),
    [("national", True), ("small", True), ("notoc", False)],
    ids=["combined-issue-paren-toc", "single-issue-leader-toc", "no-toc"],
)
def test_every_item_found_with_title_number_section_and_pages(
    gazettes: Any, fixture: str, sections: bool
) -> None:
    layout: Layout = getattr(gazettes, fixture)
    split = _split(getattr(gazettes, f"{fixture}_pdf"))
    assert _found(split) == _truth(layout, sections=sections)
    assert not split.warnings


def test_the_fixture_has_what_the_splitter_must_handle(gazettes: Any) -> None:
    truth = gazettes.national.truth()
    assert any(t["mid_page"] for t in truth)  # items starting mid-page
    assert any(len(str(t["title"])) > 40 for t in truth)  # a title wrapping in the 目录
    assert gazettes.national.body_first_pdf_page == 4  # cover, 目录, blank page
    assert any(t["number"] is None for t in truth)  # a personnel item


@pytest.mark.parametrize("fixture", ["national", "small", "notoc"])
def test_item_texts_equal_the_source_texts(gazettes: Any, fixture: str) -> None:
    layout: Layout = getattr(gazettes, fixture)
    split = _split(getattr(gazettes, f"{fixture}_pdf"))
    for raw, placed in zip(split.raws, layout.items, strict=True):
        assert normalise("".join(line.text for line in raw.lines)) == placed.spec.text, (
            placed.spec.title
        )


def test_issue_metadata_from_cover(gazettes: Any) -> None:
    issue = _split(gazettes.national_pdf).issue
    assert issue.gazette == "中华人民共和国国务院公报"
    assert issue.number == IssueNumber(2019, 5, 6, "期")
    assert (issue.total, issue.date.isoformat() if issue.date else None) == (1654, "2019-02-28")
    assert issue.page_count == gazettes.national.page_count
    small = _split(gazettes.small_pdf).issue
    assert (small.number, small.total) == (IssueNumber(2006, 30, 30, "号"), 738)


def test_printed_pages_map_to_pdf_pages(gazettes: Any) -> None:
    split = _split(gazettes.national_pdf)
    first = gazettes.national.body_first_pdf_page
    assert split.page_map == {
        page: page - first + 1 for page in range(first, gazettes.national.page_count + 1)
    }


def test_items_are_parsed_as_the_gazettes_standard_text(gazettes: Any) -> None:
    split = _split(gazettes.national_pdf)
    for document, item in zip(split.documents, split.issue.items, strict=True):
        text = document.texts[0]
        assert (text.origin, text.standard, text.pages) == (TextOrigin.GAZETTE, True, item.pages)
    decree = split.documents[0]
    assert (decree.title, str(decree.doc_number), decree.doc_type) == (
        "专利代理条例",
        "国令第706号",
        "令",
    )
    personnel = split.documents[-1]
    assert personnel.title == "国务院任免国家工作人员" and personnel.doc_number is None
    # Blocks carry the printed page they start on.
    assert {b.page for b in split.documents[1].texts[0].blocks if b.page} == set(range(6, 12))


@pytest.mark.parametrize("fmt", ["docx", "web"])
def test_word_and_web_editions_give_the_same_items(gazettes: Any, fmt: str) -> None:
    path = gazettes.national_docx if fmt == "docx" else gazettes.national_web
    submission = stages.build_submission(path, identify(path))
    assert submission.issue is not None
    issue = submission.issue
    assert (issue.gazette, issue.number, issue.total) == (
        "中华人民共和国国务院公报",
        IssueNumber(2019, 5, 6, "期"),
        1654,
    )
    truth = gazettes.national.truth()
    assert [
        (i.title, str(i.doc_number) if i.doc_number else None, i.section) for i in issue.items
    ] == [(t["title"], t["number"], t["section"]) for t in truth]
    assert all(i.pages is None for i in issue.items)  # no pages in a Word file or a web page
    for document, placed in zip(submission.documents, gazettes.national.items, strict=True):
        blocks = [b.text for b in document.texts[0].blocks]
        blocks += [part.part_label or "" for part in document.parts]
        blocks += [b.text for part in document.parts for b in part.texts[0].blocks]
        assert sorted(normalise("".join(blocks))) == sorted(placed.spec.text), placed.spec.title


def test_web_index_follows_only_local_item_pages(tmp_path: Path) -> None:
    (tmp_path / "outside.html").write_text("<p>外部页面</p>", encoding="utf-8")
    folder = tmp_path / "issue"
    folder.mkdir()
    (folder / "item.html").write_text(
        '<h1 style="text-align:center">青川市人民政府任免工作人员</h1><p>任命林晓东为副主任。</p>',
        encoding="utf-8",
    )
    (folder / "index.html").write_text(
        "<html><body><h1>青川市人民政府公报</h1><p>2021年第4期</p><h2>目录</h2>"
        "<h3>【人事任免】</h3><ul>"
        '<li><a href="item.html">青川市人民政府任免工作人员</a></li>'
        '<li><a href="../outside.html">外部页面</a></li>'
        '<li><a href="https://example.org/x.html">远程页面</a></li>'
        '<li><a href="file:///etc/passwd">本机文件</a></li>'
        "</ul></body></html>",
        encoding="utf-8",
    )
    path = folder / "index.html"
    submission = gazette_files.prepare(path, identify(path))
    assert submission is not None and submission.issue is not None
    assert [i.title for i in submission.issue.items] == ["青川市人民政府任免工作人员"]
    assert submission.detail["item_pages"][0]["page"] == "item.html"


def test_an_ordinary_html_page_is_not_an_issue(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><body><h1>关于印发政务公开工作要点的通知</h1>"
        "<p>本通知刊登于青川市人民政府公报2021年第4期。</p></body></html>",
        encoding="utf-8",
    )
    assert gazette_files.prepare(path, identify(path)) is None


# --- the splitter on hand-made reader output -------------------------------------------------


def _raw(lines: list[Line], furniture: list[Line] = (), **extra: Any) -> RawDocument:  # type: ignore[assignment]
    return RawDocument("issue.pdf", "pdf", lines, furniture=furniture, **extra)


@pytest.mark.parametrize(
    ("stated", "body_pages", "expected"),
    [
        ({3: 1, 4: 2, 5: 3}, [3, 4, 5], {3: 1, 4: 2, 5: 3}),
        ({3: 1, 4: 7, 5: 3}, [3, 4, 5], {3: 1, 4: 2, 5: 3}),  # an OCR misread
        ({4: 2, 5: 3}, [3, 4, 5], {3: 1, 4: 2, 5: 3}),  # the first page carries no number
        ({3: 1, 4: 2, 6: 3, 7: 4}, [3, 4, 5, 6, 7], {3: 1, 4: 2, 5: 3, 6: 3, 7: 4}),  # a plate
        ({}, [3, 4], {}),
    ],
    ids=["plain", "misread", "unnumbered-first", "inserted-plate", "no-numbers"],
)
def test_page_map(stated: dict[int, int], body_pages: list[int], expected: dict[int, int]) -> None:
    furniture = [Line(f"— {n} —", page=p) for p, n in stated.items()]
    assert gazette_issue.page_map(_raw([], furniture), body_pages) == expected


def test_running_headers_and_page_numbers_left_in_the_body_are_stripped() -> None:
    lines = [
        Line("青川市人民政府公报", page=1),
        Line("2021年第4期", page=1),
        Line("目录", page=2),
        Line("【人事任免】", page=2),
        Line("青川市人民政府任免工作人员……（1）", page=2),
        Line("青川政报　2021·4", page=3),
        Line("青川市人民政府任免工作人员", page=3, size=20),
        Line("任命林晓东为青川市人民政府办公室副主任。", page=3, size=14),
        Line("— 1 —", page=3),
    ]
    split = gazette_issue.split(_raw(lines, [Line("— 1 —", page=3)]))
    assert [line.text for line in split.raws[0].lines] == [
        "青川市人民政府任免工作人员",
        "任命林晓东为青川市人民政府办公室副主任。",
    ]
    assert split.issue.items[0].pages == (1, 1)


def test_an_issue_with_no_items_is_refused_naming_the_file() -> None:
    lines = [Line("青川市人民政府公报", page=1), Line("2021年第4期", page=1), Line("目录", page=2)]
    with pytest.raises(IssueNotSplit) as caught:
        gazette_issue.split(_raw(lines))
    assert "issue.pdf" in str(caught.value) and "2021年第4期" in str(caught.value)


@pytest.mark.parametrize(
    "lines",
    [
        [
            Line("青川市人民政府办公室文件"),
            Line("青政办发〔2021〕12号"),
            Line("关于刊登于青川市人民政府公报2021年第4期的说明"),
        ],
        [Line("2019年国民经济和社会发展统计公报"), Line("2020年第1期"), Line("目录")],
        [Line("青川市人民政府公报"), Line("一、总体要求"), Line("目录")],
    ],
    ids=["a-document-citing-an-issue", "a-statistics-bulletin", "no-issue-number"],
)
def test_ordinary_documents_are_not_issues(lines: list[Line]) -> None:
    assert not gazette_issue.looks_like_issue(_raw(lines))


def test_an_attachment_title_is_not_an_item_without_a_toc() -> None:
    """Without a 目录, a large title after a 印发 notice's date is its attachment."""
    big, body = 20.0, 14.0
    lines = [
        Line("青川市人民政府公报", page=1, size=30),
        Line("2021年第4期", page=1, size=18),
        Line("青川市人民政府办公室关于印发青川市政务公开工作实施办法的通知", page=2, size=big),
        Line("青政办发〔2021〕12号", page=2, size=body),
        Line("《青川市政务公开工作实施办法》已经市政府同意，现印发给你们。", page=2, size=body),
        Line("青川市人民政府办公室", page=2, size=body),
        Line("2021年3月15日", page=2, size=body),
        Line("青川市政务公开工作实施办法", page=2, size=big),
        Line("第一条　为深入推进政务公开，制定本办法。", page=2, size=body),
        Line("青川市人民政府任免工作人员", page=3, size=big),
        Line("任命林晓东为青川市人民政府办公室副主任。", page=3, size=body),
    ]
    split = gazette_issue.split(_raw(lines, [Line("— 1 —", page=2), Line("— 2 —", page=3)]))
    assert [i.title for i in split.issue.items] == [
        "青川市人民政府办公室关于印发青川市政务公开工作实施办法的通知",
        "青川市人民政府任免工作人员",
    ]
    assert split.documents[0].parts[0].title == "青川市政务公开工作实施办法"


def test_without_toc_or_type_sizes_titles_over_number_lines_start_items() -> None:
    lines = [
        Line("青川市人民政府公报"),
        Line("2021年第4期"),
        Line("青川市人民政府关于调整市政府公报出版安排的通知"),
        Line("青政发〔2021〕8号"),
        Line("各区县人民政府，市政府各部门："),
        Line("市政府决定自2021年第4期起调整市政府公报出版安排。"),
        Line("青川市人民政府"),
        Line("2021年3月22日"),
        Line("青川市人民政府办公室关于印发"),
        Line("青川市政务公开工作实施办法的通知"),
        Line("青政办发〔2021〕12号"),
        Line("各区县人民政府，市政府各部门："),
        Line("《青川市政务公开工作实施办法》已经市政府同意，现印发给你们。"),
    ]
    split = gazette_issue.split(RawDocument("issue.txt", "txt", lines))
    assert [(i.title, str(i.doc_number)) for i in split.issue.items] == [
        ("青川市人民政府关于调整市政府公报出版安排的通知", "青政发〔2021〕8号"),
        ("青川市人民政府办公室关于印发青川市政务公开工作实施办法的通知", "青政办发〔2021〕12号"),
    ]
    assert split.documents[0].written_date is not None


# --- through the pipeline and the archive ----------------------------------------------------


def test_pipeline_routes_an_issue_to_the_splitter(gazettes: Any) -> None:
    path = gazettes.small_pdf
    submission = stages.build_submission(path, identify(path))
    assert submission.issue is not None
    assert len(submission.documents) == len(submission.issue.items) == 3
    assert submission.state == "stored"
    assert all(d.sources[0].sha256 == submission.source.sha256 for d in submission.documents)


@pytest.mark.parametrize("gazette_first", [True, False], ids=["gazette-first", "file-first"])
def test_the_same_document_from_a_file_is_linked_and_the_gazette_text_is_standard(
    archive: gazette.Archive, gazette_first: bool
) -> None:
    order = [SAMPLE_ISSUE, SAMPLE_NOTICE] if gazette_first else [SAMPLE_NOTICE, SAMPLE_ISSUE]
    report = ingest_paths(archive, order, jobs=1)
    assert report.summary.items() >= {"ingested": 2, "duplicate": 0, "failed": 0}.items()
    matches = [s for s in archive.internal.list() if s.doc_number == "青政办发〔2021〕12号"]
    assert len(matches) == 1  # linked, not duplicated
    doc = archive.public.get("青政办发[2021]12号")
    assert sorted((t.origin.value, t.standard) for t in doc.texts) == [
        ("file", False),
        ("gazette", True),
    ]
    assert doc.text is not None and doc.text.origin == TextOrigin.GAZETTE and doc.text.standard
    assert doc.text.pages == (1, 2)
    [publication] = doc.publications
    assert publication.label == "青川市人民政府公报 2021年第4期 第1–2页"
    assert publication.total == 52
    [issue] = archive.public.issues()
    assert [i.doc_id for i in issue.items][1] == doc.id


def test_an_issue_from_two_files_links_every_item_including_the_unnumbered(
    archive: gazette.Archive, gazettes: Any
) -> None:
    report = ingest_paths(archive, [gazettes.national_pdf, gazettes.national_docx], jobs=1)
    assert report.summary["ingested"] == 2
    [issue] = archive.internal.issues()  # one issue, in two files
    assert [e.kind for e in issue.editions] == ["digital", "word"]
    assert [e.page_count for e in issue.editions] == [gazettes.national.page_count, None]
    first, second = (
        archive.conn.execute(
            "SELECT doc_id FROM issue_items WHERE issue_id = ? ORDER BY seq", (e.issue_id,)
        ).fetchall()
        for e in issue.editions
    )
    assert first == second == [(i.doc_id,) for i in issue.items]
    assert archive.counts()["documents"] == len(gazettes.national.items)
    # The gap report sees one issue in two files, not a duplicate.
    [report] = find_gaps(archive.internal.issues())
    assert not report.duplicates and not report.duplicate_totals
    assert [(e.label, e.issues) for e in report.editions] == [
        ("2019年第5、6期", ("digital", "word"))
    ]


def test_items_are_public_by_being_printed(archive: gazette.Archive) -> None:
    ingest_paths(archive, [SAMPLE_ISSUE], jobs=1)
    [issue] = archive.public.issues()
    personnel = archive.public.get(issue.items[2].doc_id or "")
    assert personnel.title == "青川市人民政府任免工作人员"
    assert personnel.disclosure.attribute == DisclosureAttribute.PROACTIVE
    assert personnel.disclosure.basis == (
        "刊登于青川市人民政府公报 2021年第4期 第2页（政府公报刊登即主动公开）"
    )
    # Every item, including those whose text states no attribute of its own.
    for item in issue.items:
        document = archive.public.get(item.doc_id or "")
        assert document.disclosure.attribute == DisclosureAttribute.PROACTIVE


def test_cli_issues_json(run: Cli, gazettes: Any) -> None:
    run("ingest", str(gazettes.national_pdf), str(SAMPLE_ISSUE))
    issues = run.json("issues")
    assert [(i["gazette"], i["year"], i["issue"], i["total"]) for i in issues] == [
        ("中华人民共和国国务院公报", 2019, 5, 1654),
        ("青川市人民政府公报", 2021, 4, 52),
    ]
    national = issues[0]
    assert national["numbers"] == [5, 6] and national["date"] == "2019-02-28"
    assert [
        {k: item[k] for k in ("title", "doc_number", "section", "pages")}
        for item in national["items"]
    ] == [
        {
            "title": t["title"],
            "doc_number": t["number"],
            "section": t["section"],
            "pages": t["pages"],
        }
        for t in gazettes.national.truth()
    ]
    assert all(item["id"] and item["ocr"] is False for item in national["items"])
    one = run.json("issues", "青川市人民政府公报")
    assert [i["gazette"] for i in one] == ["青川市人民政府公报"]
    text = run("issues").stdout
    assert "中华人民共和国国务院公报 2019年第5、6期（总第1654期）" in text
    assert "【国务院令】专利代理条例 国令第706号 第1–6页" in text


def test_cli_ingest_names_the_issue_items(run: Cli) -> None:
    result = run("ingest", str(SAMPLE_ISSUE), "--json")
    data = json.loads(result.stdout)
    assert len(data["results"][0]["ids"]) == 3
    shown = run("show", "青政办发〔2021〕12号").stdout
    assert "刊登：青川市人民政府公报 2021年第4期 第1–2页" in shown


def test_items_get_the_lifecycle_events_their_text_states(archive: gazette.Archive) -> None:
    ingest_paths(archive, [SAMPLE_ISSUE], jobs=1)
    notice = archive.public.get("青政办发〔2021〕12号")
    assert notice.effective_date is not None and notice.effective_date.isoformat() == "2021-04-01"
    assert notice.expiry_date is not None and notice.expiry_date.isoformat() == "2026-03-31"


@pytest.mark.parametrize("gazette_first", [True, False], ids=["gazette-first", "portal-first"])
def test_a_portal_page_and_the_gazette_item_are_one_document(
    archive: gazette.Archive, gazettes: Any, gazette_first: bool
) -> None:
    page = corpus_path("govcn", "01.page.html")
    order = [gazettes.national_pdf, page] if gazette_first else [page, gazettes.national_pdf]
    report = ingest_paths(archive, order, jobs=1)
    assert report.summary.items() >= {"ingested": 2, "duplicate": 0, "failed": 0}.items()
    doc = archive.public.get("国发〔2019〕5号")
    assert sorted(t.origin.value for t in doc.texts) == ["gazette", "portal"]
    assert doc.text is not None and doc.text.origin == TextOrigin.GAZETTE and doc.text.standard
    assert sorted(p.channel for p in doc.publications) == ["gazette", "portal"]
    assert len([s for s in archive.internal.list() if s.doc_number == "国发〔2019〕5号"]) == 1


@pytest.mark.parametrize(
    "note",
    ["（此件公开发布）", "《此件公开发布）", "(此件公开发布)"],
    ids=["as-printed", "ocr-angle", "half-width"],
)
def test_the_previous_items_note_stays_with_it(note: str) -> None:
    """Without a 目录 (and without type sizes, as a plain reader gives), the 附注 under an
    item's date, however OCR read its brackets, belongs to that item: the next title does not
    start with it."""
    lines = [
        Line("青川市人民政府公报", page=1),
        Line("2021年第4期", page=1),
        Line("青川市人民政府关于加强政务公开工作的意见", page=2),
        Line("青政发〔2021〕3号", page=2),
        Line("各县区人民政府，市政府各部门：", page=2),
        Line("现就加强政务公开工作提出如下意见。", page=2),
        Line("青川市人民政府", page=2),
        Line("2021年3月1日", page=2),
        Line(note, page=2),
        Line("青川市人民政府办公室关于做好防汛工作的通知", page=3),
        Line("青政办发〔2021〕9号", page=3),
        Line("各县区人民政府：", page=3),
        Line("现就做好今年防汛工作通知如下。", page=3),
    ]
    split = gazette_issue.split(_raw(lines))
    assert [item.title for item in split.issue.items] == [
        "青川市人民政府关于加强政务公开工作的意见",
        "青川市人民政府办公室关于做好防汛工作的通知",
    ]
    assert split.raws[0].lines[-1].text == note
