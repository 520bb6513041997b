"""Status over time on the laws corpus: two versions of a law, end to end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import gazette
from gazette.lifecycle import status_on
from tests.conftest import corpus_path
from tests.corpus_text import submission
from tests.lifecycle_builders import D

LAWS = {
    "公司法": ("公司法(2018-10-26).md", "公司法(2023-12-29).md"),
    "立法法": ("立法法(2015-03-15).md", "立法法(2023-03-13).md"),
}


def _law_archive(tmp_path: Path, files: list[str]) -> gazette.Archive:
    archive = gazette.open_archive(tmp_path / "laws", actor="test")
    for name in files:
        archive.add(submission(corpus_path("laws", name)))
    return archive


@pytest.fixture(scope="module")
def laws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[gazette.Archive]:
    """Both version pairs in one archive (read-only for the tests that use it)."""
    archive = _law_archive(tmp_path_factory.mktemp("laws"), [*LAWS["公司法"], *LAWS["立法法"]])
    yield archive
    archive.close()


@pytest.fixture(scope="module")
def laws_reversed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[gazette.Archive]:
    """The same files, each pair's newer version first."""
    files = [*reversed(LAWS["公司法"]), *reversed(LAWS["立法法"])]
    archive = _law_archive(tmp_path_factory.mktemp("laws-reversed"), files)
    yield archive
    archive.close()


def _facts(archive: gazette.Archive, ref: str) -> tuple[object, ...]:
    document = archive.internal.get(ref)
    # The sentence a fact is quoted from is the first file's: it may differ with the order.
    events = sorted((e.kind.value, e.date, e.note) for e in document.events)
    texts = sorted((t.adopted, t.effective, t.label, t.content_hash) for t in document.texts)
    return tuple(events), tuple(texts)


@pytest.mark.parametrize("law", sorted(LAWS))
def test_two_versions_of_a_law_make_one_document_in_either_order(
    laws: gazette.Archive, laws_reversed: gazette.Archive, law: str
) -> None:
    for archive in (laws, laws_reversed):
        assert archive.counts()["documents"] == 2  # one per law
        document = archive.internal.get(f"中华人民共和国{law}")
        assert len(document.texts) == 2
        assert len({t.adopted for t in document.texts}) == 2
        kinds = [(e.kind, e.date) for e in document.events]
        assert len(kinds) == len(set(kinds)), "merging two files duplicated events"
    assert _facts(laws, f"中华人民共和国{law}") == _facts(laws_reversed, f"中华人民共和国{law}")


@pytest.mark.parametrize(
    ("ref", "on", "status", "version", "since"),
    [
        ("中华人民共和国公司法", "2024-03-01", "in_force", "2018年修正", "2006-01-01"),
        ("中华人民共和国公司法", "2024-08-01", "in_force", "2023年修订", "2006-01-01"),
        ("中华人民共和国公司法", "2019-01-01", "in_force", "2018年修正", "2006-01-01"),
        ("中华人民共和国公司法", "2000-01-01", "unknown", None, None),
        ("中华人民共和国立法法", "2016-01-01", "in_force", "2015年修正", "2000-07-01"),
        ("中华人民共和国立法法", "2023-03-13", "in_force", "2023年修正", "2000-07-01"),
        ("中华人民共和国立法法", "2010-01-01", "in_force", None, "2000-07-01"),
        ("中华人民共和国立法法", "2000-05-01", "not_yet_in_force", None, "2000-03-15"),
    ],
    ids=[
        "公司法 between 2023 adoption and effect",
        "公司法 after 2024-07-01",
        "公司法 2019",
        "公司法 before any held evidence",
        "立法法 2016",
        "立法法 the day of the 2023 amendment",
        "立法法 before the earliest held text",
        "立法法 adopted, not yet in force",
    ],
)
def test_laws_point_in_time(
    laws: gazette.Archive, ref: str, on: str, status: str, version: str | None, since: str | None
) -> None:
    document = laws.internal.get(ref)
    result = status_on(document, D.fromisoformat(on))
    assert result.value.value == status
    assert (result.since.isoformat() if result.since else None) == since
    assert (result.version.label if result.version else None) == version
    if version is None:
        assert result.version_note and "not held" in result.version_note


@pytest.mark.parametrize(
    ("on", "label", "expected"),
    [
        ("2024-03-01", "2023年修订", "not_yet_in_force"),
        ("2024-03-01", "2018年修正", "in_force"),
        ("2024-08-01", "2023年修订", "in_force"),
        ("2024-08-01", "2018年修正", "amended"),
    ],
)
def test_company_law_versions(laws: gazette.Archive, on: str, label: str, expected: str) -> None:
    document = laws.internal.get("中华人民共和国公司法")
    version = next(t for t in document.texts if t.label == label)
    assert status_on(document, D.fromisoformat(on), version=version).value.value == expected
