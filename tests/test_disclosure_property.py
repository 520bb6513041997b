"""The public view leaks nothing, generated: an archive per example, built from a generated
specification (:mod:`tests.leak_archives`), every check run on it (:mod:`tests.leak_checks`).
The writes themselves vary: order of arrival, renditions merged later, a repeal resolved when
its target arrives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

import gazette
from tests.conftest import Cli
from tests.leak_archives import SETTINGS, ArchiveSpec, build, spec_strategy
from tests.leak_checks import (
    check_api,
    check_bag,
    check_cli,
    check_search,
    cli_reads,
    search_tokens,
)


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


@settings(max_examples=8, **SETTINGS)  # type: ignore[arg-type]
@given(spec=spec_strategy())  # type: ignore[call-arg]
def test_generated_archives_leak_nothing(spec: ArchiveSpec, tmp_path_factory: Any) -> None:
    _archive_per_example(spec, tmp_path_factory.mktemp("prop"))


@pytest.mark.slow
@settings(max_examples=30, **SETTINGS)  # type: ignore[arg-type]
@given(spec=spec_strategy())  # type: ignore[call-arg]
def test_generated_archives_leak_nothing_slow(spec: ArchiveSpec, tmp_path_factory: Any) -> None:
    _archive_per_example(spec, tmp_path_factory.mktemp("prop"))
