"""Search on the command line, on every engine (``sqlite``, ``whoosh`` and ``postgresql``, the
last on a throwaway PostgreSQL server, skipped when none can be had): the ``--json`` shape,
filters and errors, ``reindex`` switching engines."""

from __future__ import annotations

from pathlib import Path

import pytest

from gazette.search import ENGINES
from tests.conftest import Cli


@pytest.fixture
def cli_engine(engine: str, search_dsn: str | None, monkeypatch: pytest.MonkeyPatch) -> str:
    """New archives made by the command line use each engine in turn."""
    monkeypatch.setenv("GAZETTE_SEARCH_ENGINE", engine)
    if search_dsn is not None:
        monkeypatch.setenv("GAZETTE_SEARCH_DSN", search_dsn)
    return engine


@pytest.mark.usefixtures("cli_engine")
def test_cli_search_json_shape(run: Cli, seed_path: Path) -> None:
    run("ingest", str(seed_path))
    data = run.json("search", "济政办发（2017）27号", "--view", "internal")
    assert set(data) == {"view", "total", "hits", "facets"}
    assert data["view"] == "internal"
    hit = data["hits"][0]
    assert {"id", "title", "doc_number", "score", "snippet", "status"} <= set(hit)
    assert hit["doc_number"] == "济政办发〔2017〕27号"
    assert hit["ocr"] is False  # a born-digital text
    assert set(data["facets"]) == {"issuer", "year", "doc_type", "status"}
    # The seed carries no disclosure note: the public view neither finds nor counts it.
    public = run.json("search", "济政办发（2017）27号")
    assert public["total"] == 0 and public["facets"]["year"] == {}


def test_cli_reindex_switches_engines(run: Cli, seed_path: Path, cli_engine: str) -> None:
    run("ingest", str(seed_path))
    other = next(e for e in ENGINES if e != cli_engine)
    assert run.json("reindex")["engine"] == cli_engine
    assert run.json("reindex", "--engine", other) == {"indexed": 2, "engine": other}
    hit = run.json("search", "济政办发〔2017〕27号", "--view", "internal")["hits"][0]
    assert hit["doc_number"] == "济政办发〔2017〕27号"
    assert "--engine [sqlite|whoosh|postgresql]" in run("reindex", "--help").stdout


@pytest.mark.usefixtures("cli_engine")
def test_cli_search_filters_and_errors(run: Cli, seed_path: Path) -> None:
    run("ingest", str(seed_path))
    text = run("search", "政务公开", "--view", "internal", "--type", "通知", "--limit", "1").stdout
    assert "共1条结果" in text or "共2条结果" in text
    assert "【政务公开】" in text
    bad = run("search", "", expect=1)
    assert "没有可检索的内容" in bad.stderr
    assert run("search", "x", "--status", "valid", expect=2).exit_code == 2
    assert "--valid-on DATE" in run("search", "--help").stdout
