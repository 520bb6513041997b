"""The same documents as agencies and readers publish them, made by other tools.

For each of the 20 gov.cn documents (truth in ``govcn/NN.truth.json``), every rendition must
give every field: title, 发文字号, 成文日期, 发文机关 and the disclosure attribute.

* ``renditions/NN.body.docx`` and ``NN.body.pdf``: LibreOffice's Word and PDF files of the
  body (the body in a one-cell layout table; the title over several centred lines; the date
  right-aligned, the 附注 at the margin under it);
* the body and the portal page printed to PDF by headless Chromium (the time, the page title,
  the URL and ``1/3`` in the margins; the page's metadata table with labels wrapped in narrow
  cells);
* the portal page saved as a Word file by LibreOffice (its metadata table as a Word table);
* the body and the portal page printed to PDF by LibreOffice's web layout (the table's
  labels running on into their values: ``号： 000014349/2019-00007``).

The disclosure attribute expected is the one the body's 附注 states (（此件公开发布） →
proactive, （本文有删减） → partial, none → unknown), and proactive for a portal page, which
publishes the document with its metadata table.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from pathlib import Path
from typing import Any

import pytest

from gazette.docnumber import DocNumber
from gazette.model import DisclosureAttribute, Document
from ingest import stages
from ingest.readers import html, read
from tests.conftest import CORPUS, corpus_path

GOVCN_IDS = sorted(p.name[:2] for p in (CORPUS / "govcn").glob("*.truth.json")) or ["absent"]
FIELDS = ("title", "number", "written", "issuers", "disclosure")
PAGE_FIELDS = (*FIELDS, "index_number", "subject", "published")
# rendition -> (where it comes from, whether it is a portal page)
RENDITIONS = {
    "docx-libreoffice": ("renditions", False),
    "pdf-libreoffice": ("renditions", False),
    "pdf-chromium-body": ("browser", False),
    "pdf-chromium-page": ("browser", True),
    "docx-libreoffice-page": ("office", True),
    "pdf-libreoffice-web-body": ("office-pdf", False),
    "pdf-libreoffice-web-page": ("office-pdf", True),
}


def cn_date(text: str) -> dt.date:
    year, month, day = re.findall(r"\d+", text)
    return dt.date(int(year), int(month), int(day))


@functools.cache
def expected(key: str, page: bool) -> dict[str, Any]:
    truth = json.loads(corpus_path("govcn", f"{key}.truth.json").read_text("utf-8"))
    source = corpus_path("govcn", f"{key}.body.html").read_text("utf-8")
    if page or truth["此件公开发布"]:
        disclosure = DisclosureAttribute.PROACTIVE
    elif "本文有删减" in source:
        disclosure = DisclosureAttribute.PARTIAL
    else:
        disclosure = DisclosureAttribute.UNKNOWN
    return {
        "title": truth["标题"],
        "number": truth["发文字号"],
        "written": cn_date(truth["成文日期"]),
        "issuers": tuple(truth["发文机关"].split("、")),
        "disclosure": disclosure,
        "index_number": truth["索引号"],
        "subject": truth["主题分类"],
        "published": cn_date(truth["发布日期"]),
    }


def got(doc: Document) -> dict[str, Any]:
    return {
        "title": doc.title,
        "number": str(doc.doc_number) if doc.doc_number else None,
        "written": doc.written_date,
        "issuers": doc.issuers,
        "disclosure": doc.disclosure.attribute,
        "index_number": doc.index_number,
        "subject": doc.subject,
        "published": doc.published_date,
    }


@pytest.fixture(scope="module")
def renditions(request: pytest.FixtureRequest) -> Any:
    """``(rendition, key) -> path``, asking for the session fixtures only when needed."""

    def path(name: str, key: str) -> Path:
        origin, page = RENDITIONS[name]
        if origin == "renditions":
            suffix = "docx" if name.startswith("docx") else "pdf"
            return corpus_path("renditions", f"{key}.body.{suffix}")
        if origin in ("browser", "office-pdf"):
            printed = request.getfixturevalue(
                "browser_pdfs" if origin == "browser" else "office_pdfs"
            )
            return printed[f"{key}.{'page' if page else 'body'}"]
        return request.getfixturevalue("office_pages")[f"{key}.page"]

    return path


@functools.cache
def parsed(path: Path) -> Document:
    return stages.document_from(read(path))


@pytest.mark.parametrize("name", RENDITIONS)
@pytest.mark.parametrize("key", GOVCN_IDS)
def test_every_field_of_every_rendition(renditions: Any, key: str, name: str) -> None:
    if key == "absent":
        pytest.skip("real corpus not available (../shared/corpus is absent)")
    page = RENDITIONS[name][1]
    fields = PAGE_FIELDS if page else FIELDS
    doc = parsed(renditions(name, key))
    want = expected(key, page)
    have = got(doc)
    assert {f: have[f] for f in fields} == {f: want[f] for f in fields}


@pytest.mark.parametrize("key", GOVCN_IDS)
def test_word_rendition_reads_as_the_html_body(key: str) -> None:
    """LibreOffice's Word file keeps the body in a one-cell layout table: it reads as the same
    paragraphs as the HTML (the title's lines as one; LibreOffice drops the spaces between
    spans in table cells)."""
    source = html.read(corpus_path("govcn", f"{key}.body.html")).lines
    word = read(corpus_path("renditions", f"{key}.body.docx")).lines
    assert not any("\t" in line.text for line in word if not line.table)
    squeezed = [line.text.replace(" ", "") for line in word]
    assert squeezed == [text.replace(" ", "") for text, _ in title_joined(source)]
    assert [line.table for line in word] == [table for _, table in title_joined(source)]


def title_joined(lines: Any) -> list[tuple[str, bool]]:
    """``(text, table)`` of the HTML lines, a title's centred lines of one size as one line."""
    out: list[tuple[str, bool]] = []
    previous = None
    for line in lines:
        if (
            previous is not None
            and previous.align == line.align == "center"
            and previous.size is not None
            and previous.size == line.size
            and DocNumber.try_parse(line.text) is None
        ):
            out[-1] = (out[-1][0] + line.text, False)
        else:
            out.append((line.text, line.table))
        previous = line
    return out


@pytest.mark.parametrize("key", GOVCN_IDS)
def test_browser_margins_are_furniture(browser_pdfs: dict[str, Path], key: str) -> None:
    for kind in ("body", "page"):
        raw = read(browser_pdfs[f"{key}.{kind}"])
        body = "\n".join(line.text for line in raw.lines)
        assert "file://" not in body and not re.search(r"\d{1,2}:\d{2}\s*[AP]M", body)
        margins = [line.text for line in raw.furniture]
        assert sum("file://" in text for text in margins) == raw.page_count
        assert any(re.search(rf"\b1/{raw.page_count}$", text) for text in margins)


@pytest.mark.parametrize("printer", ["chromium", "libreoffice"])
@pytest.mark.parametrize("key", GOVCN_IDS)
def test_printed_portal_page_gives_its_metadata_table(
    request: pytest.FixtureRequest, key: str, printer: str
) -> None:
    truth = json.loads(corpus_path("govcn", f"{key}.truth.json").read_text("utf-8"))
    printed = request.getfixturevalue("browser_pdfs" if printer == "chromium" else "office_pdfs")
    raw = read(printed[f"{key}.page"])
    labels = ("索引号", "主题分类", "发文机关", "成文日期", "标题", "发文字号", "发布日期")
    assert {label: raw.metadata.get(label) for label in labels} == {
        label: truth[label] for label in labels
    }
    # the table is not body text: the body starts with the document's own title
    assert "索引号" not in raw.lines[0].text and "主题分类" not in raw.text


def test_date_and_note_at_the_margin_are_two_elements() -> None:
    """LibreOffice sets the date right-aligned and the 附注 at the margin on the next line."""
    raw = read(corpus_path("renditions", "01.body.pdf"))
    texts = [line.text for line in raw.lines]
    assert texts[-3:] == ["国务院", "2019年1月27日", "（此件公开发布）"]
    assert [line.align for line in raw.lines[-3:-1]] == ["right", "right"]


def test_centred_title_lines_are_joined() -> None:
    raw = read(corpus_path("renditions", "13.body.pdf"))
    assert (
        raw.lines[0].text
        == json.loads(corpus_path("govcn", "13.truth.json").read_text("utf-8"))["标题"]
    )
    assert raw.lines[0].align == "center"
