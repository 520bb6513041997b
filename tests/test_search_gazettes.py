"""The gazette filter of search names a gazette however its name is written.

The index keeps each gazette's name as the file that printed it (``中华人民共和国国务院公报`` on
a scan, ``国务院公报`` on the web edition); an index written before names were compared in a
normal form holds exactly that. A search for either name, or an issue of it, finds the
documents under both, in every engine, without a reindex; so do the web page and the API,
which search the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import gazette
from gazette.model import IssueNumber, Publication
from gazette.search import DSN_ENGINES, ENGINES
from tests.conftest import Cli
from tests.test_search import _doc, add

# The gazette each document was printed in, as its file names it.
PRINTED = {
    "scan": ("中华人民共和国国务院公报", IssueNumber(2019, 4, unit="号")),
    "web": ("国务院公报", IssueNumber(2019, 4, unit="期")),
    "later": ("国务院公报", IssueNumber(2019, 5, unit="期")),
    "city": ("济南市人民政府公报", IssueNumber(2020, 3, unit="期")),
    "city-short": ("济南市政府公报", IssueNumber(2020, 3, unit="期")),
    "ministry": ("中华人民共和国商务部公报", IssueNumber(2019, 4, unit="号")),
    "spaced": ("国务院 公报", IssueNumber(2018, 1, unit="期")),
}


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def archive(tmp_path: Path, engine: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    dsn = request.getfixturevalue("pg_dsn") if engine in DSN_ENGINES else None
    arch = gazette.open_archive(
        tmp_path / "archive", actor="test", search_engine=engine, search_dsn=dsn
    )
    try:
        yield arch
    finally:
        arch.close()


@pytest.fixture
def printed(archive: Any, tmp_path: Path) -> dict[str, str]:
    """One document per entry of PRINTED, indexed with the gazette's name as printed (what an
    index written before names were normalised holds)."""
    files = tmp_path / "files"
    files.mkdir()
    ids = {}
    for key, (name, number) in PRINTED.items():
        doc = _doc(
            f"关于{key}政务公开工作的通知",
            ["为深入推进政务公开，现就有关事项通知如下。"],
            written=dt.date(number.year, 1, 10),
            publications=(Publication(channel="gazette", name=name, issue=number),),
        )
        ids[key] = add(archive, files, doc)
    records = []
    for key, doc_id in ids.items():
        name, number = PRINTED[key]
        record = archive.index_record(doc_id)
        held = f"{name.replace(' ', '').lower()}/{number.year}-{number.first}"
        records.append(
            attrs.evolve(
                record,
                gazettes=(name,),
                issues=(f"{number.year}-{number.first}", held),
            )
        )
    archive.index.apply(records)
    return ids


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        ("国务院公报", {"scan", "web", "later", "spaced"}),
        ("中华人民共和国国务院公报", {"scan", "web", "later", "spaced"}),
        ("中华人民共和国 国务院公报", {"scan", "web", "later", "spaced"}),
        ("国务院公报 2019年第4期", {"scan", "web"}),
        ("中华人民共和国国务院公报2019年第4号", {"scan", "web"}),
        ("国务院公报 2019年第6期", set()),
        ("济南市政府公报", {"city", "city-short"}),
        ("济南市人民政府公报 2020年第3期", {"city", "city-short"}),
        ("商务部公报", {"ministry"}),
        ("2019年第4期", {"scan", "web", "ministry"}),
        ("公报", set()),
    ],
)
def test_a_gazette_is_found_by_any_form_of_its_name(
    archive: Any, printed: dict[str, str], wanted: str, expected: set[str]
) -> None:
    results = archive.public.search("", gazette=wanted, limit=50)
    assert {h.id for h in results.hits} == {printed[k] for k in expected}
    assert results.total == len(expected)


def test_the_command_line_finds_a_gazette_by_its_short_name(run: Cli, gazettes: Any) -> None:
    """The fixture issue names its gazette in full (中华人民共和国国务院公报)."""
    run("ingest", str(gazettes.small_pdf))
    full = run.json("search", "--gazette", "中华人民共和国国务院公报")
    short = run.json("search", "--gazette", "国务院公报 2006年第30期")
    assert full["total"] == len(gazettes.small.truth()) > 0
    assert {h["id"] for h in short["hits"]} == {h["id"] for h in full["hits"]}


def test_the_web_and_the_api_find_a_gazette_by_another_form_of_its_name(
    shared_client: Any,
) -> None:
    """The sample issue of the web archive is printed as 青川市人民政府公报."""
    full = shared_client.get("/api/v1/search", params={"gazette": "青川市人民政府公报"}).json()
    short = shared_client.get("/api/v1/search", params={"gazette": "青川市政府公报"}).json()
    assert full["total"] > 0
    assert {h["id"] for h in short["hits"]} == {h["id"] for h in full["hits"]}
    page = shared_client.get("/search", params={"gazette": "青川市政府公报"})
    assert page.status_code == 200 and f"<strong>{full['total']}</strong>" in page.text
