"""OCR of scanned issues: without an engine, what is kept; with one, what it reads and how well.

The scan is the small fixture issue (three real documents, ``tests/gazette_render.py``)
rasterised with no text layer, so the text on every page is known and the character error rate
(CER) can be measured. Recognising its five pages takes RapidOCR some seconds a page: it is
done once for this module.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

import gazette
from gazette.errors import MissingDependency
from gazette.model import OcrPage
from ingest import gazette_issue, ingest_paths, ocr
from ingest.gazette_layout import Page, pdf_info, split_furniture, to_raw
from ingest.ocr import engines, tesseract
from tests.conftest import Cli
from tests.gazette_issues import normalise


def cer(found: str, truth: str) -> float:
    """Character error rate: edit distance over the length of the truth."""
    if len(found) < len(truth):
        found, truth_ = truth, found
    else:
        truth_ = truth
    previous = list(range(len(truth_) + 1))
    for i, a in enumerate(found, 1):
        current = [i]
        for j, b in enumerate(truth_, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return previous[-1] / max(1, len(truth))


@pytest.mark.parametrize(
    ("found", "truth", "expected"),
    [("abc", "abc", 0.0), ("abd", "abc", 1 / 3), ("", "abcd", 1.0), ("abcde", "abc", 2 / 3)],
    ids=["same", "substitution", "nothing-read", "insertions"],
)
def test_cer(found: str, truth: str, expected: float) -> None:
    assert cer(found, truth) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("raw", "tidied"),
    [
        ("各省、自治区人民政府，国务院各部委:", "各省、自治区人民政府，国务院各部委："),
        ("少量药品(不含疫苗)的申请", "少量药品（不含疫苗）的申请"),
        ("国发[2018]43号", "国发〔2018〕43号"),
        ("国办函2004]88号", "国办函〔2004〕88号"),
        ("二GOGO六年九月七日", "二〇〇六年九月七日"),
        ("二O一七年", "二〇一七年"),
        ("二CO〇GO四年", "二CO〇GO四年"),  # five units for four digits: left alone
        ("〈以下简称运动会）", "（以下简称运动会）"),
        ("PM2.5 (a, b): ok", "PM2.5 (a, b): ok"),
        ("2019年第5期", "2019年第5期"),
    ],
    ids=[
        "colon",
        "parentheses",
        "number-brackets",
        "number-half-bracket",
        "cn-year-zeros",
        "cn-year-o",
        "ambiguous-year",
        "angle-paren",
        "latin-untouched",
        "plain",
    ],
)
def test_tidy(raw: str, tidied: str) -> None:
    assert ocr.tidy(raw) == tidied


# --- without an engine -----------------------------------------------------------------------


@pytest.fixture
def fresh_engines() -> Iterator[None]:
    engines.TesseractEngine._languages.cache_clear()
    yield
    engines.TesseractEngine._languages.cache_clear()


def test_unavailable_names_a_missing_tesseract(
    monkeypatch: pytest.MonkeyPatch, fresh_engines: None
) -> None:
    monkeypatch.setattr(tesseract.shutil, "which", lambda name: None)
    reason = ocr.unavailable("tesseract")
    assert reason is not None and "Tesseract is not installed" in reason
    with pytest.raises(MissingDependency) as caught:
        ocr.require("tesseract")
    assert "gazette[ocr]" in str(caught.value)


def test_unavailable_names_a_missing_chinese_model(
    monkeypatch: pytest.MonkeyPatch, fresh_engines: None
) -> None:
    monkeypatch.setattr(tesseract.shutil, "which", lambda name: "/usr/bin/tesseract")

    def languages(*args: Any, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(args, 0, "List of available languages (1):\neng\n", "")

    monkeypatch.setattr(tesseract.subprocess, "run", languages)
    reason = ocr.unavailable("tesseract")
    assert reason is not None and "chi_sim" in reason


@pytest.fixture
def no_ocr(monkeypatch: pytest.MonkeyPatch) -> str:
    reason = "Tesseract is not installed"
    monkeypatch.setattr(ocr, "unavailable", lambda engine=None: reason)
    return reason


def test_a_scan_without_ocr_is_kept_as_an_issue_needing_ocr(
    run: Cli, gazettes: Any, no_ocr: str
) -> None:
    result = run.json("ingest", str(gazettes.small_scan_titled))["results"][0]
    assert (result["outcome"], result["reason"], result["ids"]) == ("ingested", "needs_ocr", [])
    assert any(no_ocr in note for note in result["notes"])
    [issue] = run.json("issues")
    assert (issue["gazette"], issue["label"], issue["items"]) == (
        "中华人民共和国国务院公报",
        "2006年第30号",
        [],
    )
    assert issue["page_count"] == 5 and issue["needs_ocr"] == [1, 2, 3, 4, 5]
    assert "待OCR 5页" in run("issues").stdout
    with gazette.open_archive(run.archive_dir) as archive:
        state = archive.conn.execute("SELECT state FROM sources").fetchone()[0]
        assert state == "needs_ocr"
        assert archive.counts()["documents"] == 0  # no empty text stored


def test_a_scan_without_ocr_or_metadata_keeps_the_original_and_its_pages(
    archive: gazette.Archive, gazettes: Any, no_ocr: str
) -> None:
    report = ingest_paths(archive, [gazettes.small_scan], jobs=1)
    assert report.summary["ingested"] == 1 and report.results[0].reason == "needs_ocr"
    assert archive.internal.issues() == []
    detail = json.loads(archive.conn.execute("SELECT detail FROM sources").fetchone()[0])
    assert detail["page_count"] == 5 and detail["needs_ocr"] == [1, 2, 3, 4, 5]
    assert archive.counts()["documents"] == 0


# --- with RapidOCR ---------------------------------------------------------------------------


_RECOGNISED: dict[Path, list[OcrPage]] = {}


def recognise_small_scan(gazettes: Any) -> list[OcrPage]:
    """The scanned fixture issue, recognised once per test session."""
    reason = ocr.unavailable()
    if reason is not None:
        pytest.skip(f"OCR cannot run here: {reason}")
    if gazettes.small_scan not in _RECOGNISED:
        count, _ = pdf_info(gazettes.small_scan)
        _RECOGNISED[gazettes.small_scan] = ocr.recognise_pages(
            gazettes.small_scan, range(1, count + 1), cache=None
        )
    return _RECOGNISED[gazettes.small_scan]


@pytest.fixture(scope="module")
def scanned(gazettes: Any) -> list[OcrPage]:
    return recognise_small_scan(gazettes)


@pytest.fixture(scope="module")
def recognised(scanned: list[OcrPage]) -> list[Page]:
    return ocr.layout_pages(scanned)


@pytest.fixture
def cached_ocr(monkeypatch: pytest.MonkeyPatch, scanned: list[OcrPage]) -> list[OcrPage]:
    """The pipeline's OCR returns the module's recognised pages instead of running again."""

    def recognise(path: Path, pages: Sequence[int], **kwargs: Any) -> list[OcrPage]:
        wanted = set(pages)
        return [p for p in scanned if p.page in wanted]

    monkeypatch.setattr(ocr, "recognise_pages", recognise)
    return scanned


def test_ocr_character_error_rate_on_rendered_pages(
    scanned: list[OcrPage], recognised: list[Page], gazettes: Any
) -> None:
    layout = gazettes.small
    body_pages = range(layout.body_first_pdf_page, layout.page_count + 1)
    found = truth = ""
    for page, (body, _) in zip(recognised, split_furniture(recognised), strict=True):
        if page.number in body_pages:
            found += normalise("".join(line.text for line in body))
            truth += layout.body_texts[page.number]
    page_cer = cer(found, truth)
    split = gazette_issue.split(to_raw(recognised, name="scan", ocr=ocr.info(scanned)))
    item_found = "".join(normalise("".join(line.text for line in raw.lines)) for raw in split.raws)
    item_cer = cer(item_found, "".join(p.spec.text for p in layout.items))
    print(f"\nOCR CER: body pages {page_cer:.2%}, item texts {item_cer:.2%}")
    # Measured 0.6% on the body pages (rapidocr 3.10, PP-OCRv6, clean scan read at 200 dpi).
    assert page_cer < 0.015
    assert item_cer < 0.03


def test_a_recognised_scan_is_split_with_its_page_ranges(
    scanned: list[OcrPage], recognised: list[Page], gazettes: Any
) -> None:
    split = gazette_issue.split(to_raw(recognised, name="scan", ocr=ocr.info(scanned)))
    truth = gazettes.small.truth()
    assert [i.pages for i in split.issue.items] == [tuple(t["pages"]) for t in truth]
    assert [i.pdf_pages for i in split.issue.items] == [tuple(t["pdf_pages"]) for t in truth]
    assert (split.issue.gazette, str(split.issue.number), split.issue.total) == (
        "中华人民共和国国务院公报",
        "2006年第30号",
        738,
    )
    assert [i.title for i in split.issue.items] == [t["title"] for t in truth]
    assert [str(i.doc_number) for i in split.issue.items] == [t["number"] for t in truth]
    assert [i.section for i in split.issue.items] == [t["section"] for t in truth]


def test_confidence_per_page_is_stored_and_ocr_text_is_marked(
    run: Cli, gazettes: Any, cached_ocr: list[OcrPage]
) -> None:
    result = run.json("ingest", str(gazettes.small_scan))["results"][0]
    assert result["outcome"] == "ingested" and len(result["ids"]) == 3
    [issue] = run.json("issues")
    assert issue["ocr"]["engine"].startswith("rapidocr") and "PP-OCR" in issue["ocr"]["engine"]
    assert [p for p, _ in issue["ocr"]["pages"]] == [1, 2, 3, 4, 5]
    assert all(0 < confidence <= 100 for _, confidence in issue["ocr"]["pages"])
    assert all(item["ocr"] for item in issue["items"])
    assert "[OCR]" in run("issues").stdout
    first = issue["items"][0]["id"]
    [version] = run.json("show", first)["versions"]
    assert version["ocr"]["pages"] == [[3, dict(issue["ocr"]["pages"])[3]]]
    assert "OCR识别文本" in run("show", first).stdout
    assert "OCR识别文本" in run("export", first).stdout
    # Search marks hits found in recognised text, and only those.
    title = issue["items"][0]["title"]
    hits = run.json("search", title[:6])["hits"]
    assert hits and all(hit["ocr"] for hit in hits)
    assert "[OCR]" in run("search", title[:6]).stdout
    with gazette.open_archive(run.archive_dir) as archive:
        document = archive.public.get(first)
        assert document.text is not None and document.text.ocr is not None
        assert document.text.ocr.pages == ((3, dict(issue["ocr"]["pages"])[3]),)


def test_scans_kept_without_ocr_are_recognised_later(
    run: Cli, gazettes: Any, cached_ocr: list[OcrPage], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ocr, "unavailable", lambda engine=None: "Tesseract is missing")
    run("ingest", str(gazettes.small_scan_titled))
    assert "1个原件等待OCR识别" in run("ocr", "--list").stdout
    failed = run("ocr", expect=1)
    assert "Tesseract is missing" in failed.stderr and "gazette[ocr]" in failed.stderr
    monkeypatch.setattr(ocr, "unavailable", lambda engine=None: None)
    [result] = run.json("ocr")
    assert result["outcome"] == "ingested" and len(result["ids"]) == 3
    assert result["issue"] == "中华人民共和国国务院公报 2006年第30号（总第738期）"
    [issue] = run.json("issues")  # the pages-only record was replaced, not duplicated
    assert len(issue["items"]) == 3 and issue["needs_ocr"] == []
    assert [item["pages"] for item in issue["items"]] == [
        t["pages"] for t in gazettes.small.truth()
    ]
    assert run.json("ocr", "--list") == []


# --- one issue, several files ----------------------------------------------------------------


def _digital_edition(corpus: Path, folder: Path) -> Path:
    """The born-digital PDF of the scanned fixture issue, naming the gazette in its short form
    and numbering with 期 where the scan says 号."""
    from tests.gazette_pdf import render_pdf
    from tests.gazette_render import small_issue

    path = folder / "digital-edition.pdf"
    render_pdf(small_issue(corpus, gazette="国务院公报", unit="期"), path)
    return path


def test_a_scan_then_its_born_digital_file_are_one_issue_with_one_document_per_item(
    run: Cli, gazettes: Any, cached_ocr: list[OcrPage], corpus: Path, tmp_path: Path
) -> None:
    from gazette.archive.store import sha256_file

    digital = _digital_edition(corpus, tmp_path)
    run("ingest", str(gazettes.small_scan))
    run("ingest", str(digital))
    [issue] = run.json("issues")
    assert issue["gazette"] == "中华人民共和国国务院公报"
    assert issue["editions"][0]["kind"] == "digital" and issue["editions"][1]["kind"] == "scanned"
    assert [e["source"] for e in issue["editions"]] == [
        sha256_file(digital),
        sha256_file(gazettes.small_scan),
    ]
    truth = gazettes.small.truth()
    assert [i["title"] for i in issue["items"]] == [t["title"] for t in truth]
    assert [i["pages"] for i in issue["items"]] == [t["pages"] for t in truth]
    assert len({i["id"] for i in issue["items"]}) == 3
    with gazette.open_archive(run.archive_dir) as archive:
        assert archive.counts()["documents"] == 3
    # Each item is one document: its number finds it, and its standard text is the one read
    # from text, not the one recognised by OCR.
    shown = run.json("show", "国办函[2004]88号")
    assert shown["title"] == truth[1]["title"]
    assert "OCR识别文本" not in run("show", "国办函[2004]88号").stdout
    [report] = run.json("report", "gaps")
    assert report["duplicates"] == [] and report["editions"][0]["kinds"] == ["digital", "scanned"]


def test_a_born_digital_file_then_its_scan_are_one_issue(
    archive: gazette.Archive, gazettes: Any, cached_ocr: list[OcrPage], corpus: Path, tmp_path: Path
) -> None:
    digital = _digital_edition(corpus, tmp_path)
    report = ingest_paths(archive, [digital, gazettes.small_scan], jobs=1)
    assert report.summary["ingested"] == 2
    assert report.results[1].merged  # the scan's items went to the documents already held
    [issue] = archive.internal.issues()
    assert [e.kind for e in issue.editions] == ["digital", "scanned"]
    assert archive.counts()["documents"] == 3
    for item in issue.items:
        document = archive.internal.get(item.doc_id or "")
        assert document.text is not None and document.text.ocr is None
        assert any(t.ocr is not None for t in document.texts)  # the scan's rendition is kept


def test_recognised_pages_are_kept_with_their_line_boxes(
    archive: gazette.Archive, gazettes: Any, cached_ocr: list[OcrPage]
) -> None:
    from gazette.archive import ocr_pages
    from gazette.archive.store import sha256_file

    ingest_paths(archive, [gazettes.small_scan], jobs=1)
    pages = ocr_pages.load(archive.conn, sha256_file(gazettes.small_scan))
    assert [p.page for p in pages] == [1, 2, 3, 4, 5]
    first = pages[0]
    assert first.lines[0].text == "中华人民共和国国务院公报"
    x0, top, x1, bottom = first.lines[0].box
    assert 0 < x0 < x1 < first.width and 0 < top < bottom < first.height
    assert all(0 < line.confidence <= 100 for p in pages for line in p.lines)


@pytest.mark.slow
def test_a_scanned_municipal_combined_issue_is_split_right(
    run: Cli, corpus: Path, tmp_path: Path
) -> None:
    """A city gazette's 2024年第5、6期 scanned at 200 dpi: the issue, and every item's title,
    number, section and printed pages."""
    from tests.gazette_pdf import render_pdf
    from tests.scan_render import municipal_issue, scan_pdf

    if ocr.unavailable() is not None:
        pytest.skip(f"OCR cannot run here: {ocr.unavailable()}")
    layout = render_pdf(municipal_issue(corpus, short=True), tmp_path / "municipal.pdf")
    scan = tmp_path / "municipal-scan.pdf"
    scan_pdf(tmp_path / "municipal.pdf", scan, dpi=200)
    result = run.json("ingest", str(scan))["results"][0]
    assert result["outcome"] == "ingested", result
    [issue] = run.json("issues")
    assert (issue["gazette"], issue["label"], issue["numbers"], issue["total"]) == (
        "济南市人民政府公报",
        "2024年第5、6期",
        [5, 6],
        412,
    )
    assert [e["kind"] for e in issue["editions"]] == ["scanned"]
    found = [(i["title"], i["doc_number"], i["section"], i["pages"]) for i in issue["items"]]
    assert found == [(t["title"], t["number"], t["section"], t["pages"]) for t in layout.truth()]


def test_the_public_sees_recognised_pages_only_of_originals_it_may_see(
    archive: gazette.Archive, gazettes: Any, cached_ocr: list[OcrPage]
) -> None:
    from gazette.archive.store import sha256_file

    ingest_paths(archive, [gazettes.small_scan], jobs=1)
    sha = sha256_file(gazettes.small_scan)
    assert len(archive.public.ocr_pages(sha)) == 5  # printed in a gazette: public
    [issue] = archive.internal.issues()
    archive.set_disclosure(
        issue.items[1].doc_id or "", "withheld", reason="内部事务信息", grounds=["内部事务信息"]
    )
    assert archive.public.ocr_pages(sha) == []
    assert len(archive.internal.ocr_pages(sha)) == 5
