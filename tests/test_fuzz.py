"""Fuzzing: the readers, the document-number parser and the searcher never fail in an
unplanned way, whatever bytes or text they are given.

A reader either returns a document or raises an :class:`~gazette.errors.IngestError` naming the
file; the number parser returns a number or raises ``InvalidDocNumber``; a search returns
results or raises ``InvalidQuery``. Anything else (an ``IndexError`` from a parser, a
``RecursionError``, a crash in lxml) is a bug these tests find.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gazette
from gazette import DocNumber, InvalidDocNumber
from gazette.errors import IngestError, InvalidQuery
from ingest import elements
from ingest.readers import read

EXAMPLES = int(os.environ.get("GAZETTE_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

RUN_COUNTS: dict[str, int] = {}


def _count(name: str) -> None:
    RUN_COUNTS[name] = RUN_COUNTS.get(name, 0) + 1


def _read_and_parse(path: Path) -> None:
    """What ingest does with a file, minus storage: must succeed or raise IngestError."""
    try:
        raw = read(path)
    except IngestError as exc:
        assert exc.path, "an ingest error names the file"
        assert path.name in str(exc)
        return
    elements.parse(raw)


# Fragments that steer random bytes towards each reader.
PDF_HEAD = b"%PDF-1.7\n"
HTML_HEAD = b"<html><body>"
OBJECTS = st.sampled_from(
    [
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n",
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n",
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >> endobj\n",
        b"4 0 obj << /Length 44 >> stream\nBT /F1 12 Tf 72 712 Td (Hello) Tj ET\nendstream endobj\n",
        b"xref\n0 5\n0000000000 65535 f \n",
        b"trailer << /Root 1 0 R /Size 5 >>\n",
        b"startxref\n9\n%%EOF\n",
        b"<< /Encrypt 9 0 R >>",
        b"/Filter /FlateDecode",
    ]
)
HTML_BITS = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<table><tr><td>",
        "</td></tr></table>",
        "<br>",
        "<script>alert(1)</script>",
        "<style>p{}</style>",
        "索 引 号：",
        "发文字号：",
        "国发〔2019〕5号",
        "（此件公开发布）",
        "<div>" * 50,
        "</div>" * 50,
        "&nbsp;",
        "&#x4e00;",
        "&bogus;",
        "<!--",
        "-->",
        "<![CDATA[",
        "各省、自治区、直辖市人民政府：",
        "2019年1月27日",
        "<p style='text-align:center'>",
    ]
)


@FUZZ
@given(body=st.lists(OBJECTS | st.binary(max_size=64), max_size=12))
def test_pdf_reader_fuzz(tmp_path: Path, body: list[bytes]) -> None:
    path = tmp_path / "fuzz.pdf"
    path.write_bytes(PDF_HEAD + b"".join(body))
    _read_and_parse(path)
    _count("pdf")


@FUZZ
@given(parts=st.lists(HTML_BITS | st.text(max_size=40), max_size=40))
def test_html_reader_fuzz(tmp_path: Path, parts: list[str]) -> None:
    path = tmp_path / "fuzz.html"
    path.write_bytes(HTML_HEAD + "".join(parts).encode("utf-8", "surrogatepass")[:200_000])
    _read_and_parse(path)
    _count("html")


def _docx_bytes(document_xml: bytes, extra: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", document_xml)
        for name, data in extra.items():
            archive.writestr(name, data)
    return buffer.getvalue()


WORD_BITS = st.sampled_from(
    [
        b"<w:p>",
        b"</w:p>",
        b"<w:r><w:t>",
        b"</w:t></w:r>",
        b"\xe5\x9b\xbd\xe5\x8f\x91",
        b"<w:tbl><w:tr><w:tc>",
        b"</w:tc></w:tr></w:tbl>",
        b'<w:pPr><w:jc w:val="center"/></w:pPr>',
        b'<!DOCTYPE x [<!ENTITY a "aaaa">]>',
        b"&a;",
        b"<w:body>",
        b"</w:body>",
    ]
)


@FUZZ
@given(
    parts=st.lists(WORD_BITS | st.binary(max_size=20), max_size=30),
    rels=st.booleans(),
)
def test_docx_reader_fuzz(tmp_path: Path, parts: list[bytes], rels: bool) -> None:
    xml = (
        b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
        b'openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + b"".join(parts)
        + b"</w:body></w:document>"
    )
    extra = {"_rels/.rels": b"<Relationships/>"} if rels else {}
    path = tmp_path / "fuzz.docx"
    path.write_bytes(_docx_bytes(xml, extra))
    _read_and_parse(path)
    _count("docx")


OFD_BITS = st.sampled_from(
    [
        b'<ofd:Layer ID="2">',
        b"</ofd:Layer>",
        b'<ofd:TextObject ID="4" Font="1" Size="5" Boundary="20 30 100 8">',
        b'<ofd:TextObject ID="4" CTM="1 0 0 1 0 0" Boundary="x y">',
        b"</ofd:TextObject>",
        b'<ofd:TextCode X="0" Y="5" DeltaX="g 3 5 nan g -1 1e308 g inf 2 g">',
        b'<ofd:TextObject ID="5" Size="1e308" CTM="1e300 0 0 1e300 0 0" Boundary="0 0 0 0">',
        b'<ofd:TextCode X="1e308" Y="-inf">',
        b'<ofd:TextCode DeltaY="1 2 3">',
        b"</ofd:TextCode>",
        b"\xe5\x9b\xbd\xe5\x8f\x91\xe3\x80\x94",
        b'<ofd:CompositeObject ID="9" ResourceID="50" Boundary="0 0 1 1"/>',
        b'<ofd:PathObject ID="8" Boundary="0 0 1 1"><ofd:AbbreviatedData>M 0 0 L 1 1 C'
        b"</ofd:AbbreviatedData></ofd:PathObject>",
        b'<ofd:PageBlock ID="7">',
        b"</ofd:PageBlock>",
        b'<!DOCTYPE x [<!ENTITY a "aaaa">]>',
    ]
)


@FUZZ
@given(parts=st.lists(OFD_BITS | st.binary(max_size=20), max_size=30), root=st.booleans())
def test_ofd_reader_fuzz(tmp_path: Path, parts: list[bytes], root: bool) -> None:
    from tests.ofd_fixtures import NS, package

    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Content>'.encode()
        + b"".join(parts)
        + b"</ofd:Content></ofd:Page>"
    )
    path = package(
        tmp_path / "fuzz.ofd",
        [content.decode("utf-8", "replace")],
        doc_root="Doc_0/Document.xml" if root else "../Doc_0/Document.xml",
    )
    _read_and_parse(path)
    _count("ofd")


@FUZZ
@given(data=st.binary(max_size=4096))
def test_any_bytes_fuzz(tmp_path: Path, data: bytes) -> None:
    for name in ("fuzz.txt", "fuzz.md", "fuzz.bin"):
        path = tmp_path / name
        path.write_bytes(data)
        _read_and_parse(path)
    _count("bytes")


@FUZZ
@given(text=st.text(max_size=300))
def test_text_and_markdown_fuzz(tmp_path: Path, text: str) -> None:
    for name, data in (
        ("fuzz.txt", text.encode("utf-8", "surrogatepass")),
        ("fuzz.md", ("# " + text).encode("utf-8", "surrogatepass")),
        ("gbk.txt", text.encode("gb18030", "ignore")),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        _read_and_parse(path)
    _count("text")


# --- document numbers ---------------------------------------------------------------------

NUMBERISH = st.text(
    alphabet=st.sampled_from(
        list("国发办政函令第号年〔〕[]()（）【】﹝﹞ 0123456789０１２３济沪京公告")
    ),
    max_size=40,
)


@settings(max_examples=EXAMPLES * 10, deadline=None)
@given(text=st.text(max_size=120) | NUMBERISH)
def test_docnumber_parser_fuzz(text: str) -> None:
    try:
        number = DocNumber.parse(text)
    except InvalidDocNumber:
        _count("docnumber")
        return
    # Whatever parses is stable: its canonical form parses to itself.
    assert DocNumber.parse(str(number)) == number
    assert str(DocNumber.parse(str(number))) == str(number)
    for found, start, end in DocNumber.finditer(text):
        assert 0 <= start < end <= len(text)
        assert DocNumber.parse(str(found)) == found
    _count("docnumber")


@settings(max_examples=EXAMPLES * 5, deadline=None)
@given(
    agency=st.text(
        alphabet=st.sampled_from(list("济政办发国函沪府规教外际")), min_size=1, max_size=6
    ),
    year=st.integers(1949, 2100),
    serial=st.integers(1, 99999),
    brackets=st.sampled_from(["〔〕", "[]", "()", "（）", "【】", "﹝﹞", "〔）"]),
    space=st.sampled_from(["", " ", "　"]),
)
def test_docnumber_every_spelling_is_one_number(
    agency: str, year: int, serial: int, brackets: str, space: str
) -> None:
    text = f"{agency}{space}{brackets[0]}{year}{brackets[1]}{space}{serial}号"
    number = DocNumber.parse(text)
    assert (number.year, number.serial) == (year, serial)
    assert str(number) == f"{number.agency}〔{year}〕{serial}号"
    _count("docnumber")


# --- search queries -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory: pytest.TempPathFactory) -> gazette.Archive:
    from ingest import ingest_paths
    from tests.conftest import ARCHIVE_DATA

    arch = gazette.open_archive(tmp_path_factory.mktemp("fuzz") / "a", actor="fuzz")
    ingest_paths(arch, [ARCHIVE_DATA], recursive=True, jobs=1)
    return arch


QUERY_BITS = st.sampled_from(
    [
        '"',
        "'",
        "(",
        ")",
        "OR",
        "AND",
        "NOT",
        "-",
        "*",
        "?",
        "~",
        "^2",
        ":",
        "title:",
        "[",
        "]",
        "{",
        "}",
        "政务公开",
        "青政办发[2021]12号",
        "\\",
        "\x00",
        "\n",
        "  ",
        "「",
        "」",
        "“",
        "”",
    ]
)


@settings(
    max_examples=EXAMPLES * 2,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(parts=st.lists(QUERY_BITS | st.text(max_size=10), max_size=25))
def test_search_queries_never_crash(small_archive: gazette.Archive, parts: list[str]) -> None:
    query = "".join(parts)
    for view in (small_archive.public, small_archive.internal):
        try:
            results = view.search(query, limit=5)
        except InvalidQuery as exc:
            assert str(exc)
            continue
        assert results.total >= len(results.hits)
    _count("query")


def test_huge_query_is_refused_clearly(small_archive: gazette.Archive) -> None:
    with pytest.raises(InvalidQuery):
        small_archive.public.search("政务公开 " * 50_000)


def test_report_fuzz_counts() -> None:
    """Print how many examples ran (read by the closing report)."""
    print(f"\nfuzz examples run: {RUN_COUNTS} (total {sum(RUN_COUNTS.values())})")
