"""Shared fixtures: the real corpus (skipped when absent), temporary archives, the CLI."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import gazette
from gazette.search import DSN_ENGINES, ENGINES

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("GAZETTE_CORPUS", ROOT.parent / "shared" / "corpus"))
ARCHIVE_DATA = ROOT / "archive_data"


def corpus_path(*parts: str) -> Path:
    """A path in the shared real corpus; the test is skipped when the corpus is absent."""
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real corpus not available at {path} (../shared/corpus is absent)")
    return path


@pytest.fixture
def corpus() -> Path:
    return corpus_path()


@pytest.fixture
def seed_path() -> Path:
    return corpus_path("seed", "jinan-2017-27.txt")


@pytest.fixture(scope="session")
def gazettes(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Gazette issues typeset from the real corpus (``tests/gazette_render.py``), rendered once
    per session: PDF (with and without a 目录), scan, Word and web edition."""
    pytest.importorskip("reportlab", reason="the gazette fixtures need reportlab (test extra)")
    from tests.gazette_render import render_fixtures

    return render_fixtures(corpus_path(), tmp_path_factory.mktemp("gazettes"))


# GAZETTE_TEST_CATALOG=postgresql: every archive a test makes keeps its catalog (and search
# index) in a new PostgreSQL database of the session's server, dropped after the test.
ENV_TEST_CATALOG = "GAZETTE_TEST_CATALOG"


def catalog_on_postgres() -> bool:
    """Whether this run keeps the tests' archives in PostgreSQL."""
    return os.environ.get(ENV_TEST_CATALOG, "sqlite") == "postgresql"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not catalog_on_postgres():
        return
    skip = pytest.mark.skip(reason="reads or damages catalog.sqlite itself (a SQLite archive)")
    for item in items:
        if "sqlite_catalog" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _catalog_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Any:
    if not catalog_on_postgres():
        yield
        return
    from gazette.archive import backend

    server = request.getfixturevalue("pg_server")
    made: list[str] = []
    chosen = backend.wanted

    def wanted(given: str | None = None) -> str | None:
        if given is None and not os.environ.get(backend.ENV_CATALOG):
            made.append(server.create_database())
            return made[-1]
        return chosen(given)

    monkeypatch.setattr(backend, "wanted", wanted)
    yield
    for dsn in made:
        server.drop_database(dsn)


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[gazette.Archive]:
    arch = gazette.open_archive(tmp_path / "archive", actor="test")
    try:
        yield arch
    finally:
        arch.close()


@dataclasses.dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


class Cli:
    """Runs the command line (through :func:`gazette.cli.main`) against one archive."""

    def __init__(self, archive_dir: Path) -> None:
        self.archive_dir = archive_dir
        self.runner = CliRunner()

    def __call__(self, *args: str, expect: int | None = 0, archive: bool = True) -> Result:
        from gazette.cli import main

        argv = (["--archive", str(self.archive_dir)] if archive else []) + list(args)
        with self.runner.isolation() as (out, err, _):
            code = main(argv)
            stdout = out.getvalue().decode("utf-8")
            stderr = err.getvalue().decode("utf-8")
        result = Result(code, stdout, stderr)
        if expect is not None:
            assert code == expect, (code, stdout, stderr)
        return result

    def json(self, *args: str, expect: int | None = 0) -> Any:
        return json.loads(self(*args, "--json", expect=expect).stdout)


@pytest.fixture
def run(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "cli-archive")


__all__ = ["ARCHIVE_DATA", "CORPUS", "ROOT", "Cli", "Result", "corpus_path"]


@pytest.fixture(scope="session")
def govcn_renditions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """The govcn bodies rendered to DOCX and PDF once per session (see ``tests/render.py``)."""
    from tests.render import render_govcn

    bodies = sorted(corpus_path("govcn").glob("*.body.html"))
    return render_govcn(bodies, tmp_path_factory.mktemp("govcn-renditions"))


@pytest.fixture(scope="session")
def browser_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The govcn bodies and pages printed to PDF by headless Chromium once per session
    (``{"01.body": path, "01.page": path, …}``, see ``tests/published.py``)."""
    from tests.published import chromium_pdfs

    pages = sorted(corpus_path("govcn").glob("*.html"))
    printed = chromium_pdfs(pages, tmp_path_factory.mktemp("chromium"))
    if printed is None:
        pytest.skip("Chromium is not installed: no browser-printed PDFs (Debian: chromium)")
    return printed


@pytest.fixture(scope="session")
def office_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The govcn portal pages saved as Word files by LibreOffice once per session."""
    from tests.published import soffice_docx

    pages = sorted(corpus_path("govcn").glob("*.page.html"))
    saved = soffice_docx(pages, tmp_path_factory.mktemp("office-pages"))
    if saved is None:
        pytest.skip("LibreOffice (soffice) is not installed: no Word files saved from pages")
    return saved


@pytest.fixture(scope="session")
def office_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The govcn bodies and pages printed to PDF by LibreOffice's web layout once per session."""
    from tests.published import soffice_web_pdfs

    pages = sorted(corpus_path("govcn").glob("*.html"))
    printed = soffice_web_pdfs(pages, tmp_path_factory.mktemp("office-pdfs"))
    if printed is None:
        pytest.skip("LibreOffice (soffice) is not installed: no PDFs of the pages")
    return printed


# --- the web application (fixtures in tests/web_support.py; skipped without the [web] extra) ---


@pytest.fixture(scope="session")
def web_corpus(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """An archive of real documents for the web tests, built once per session."""
    from tests.web_support import build

    return build(tmp_path_factory.mktemp("web") / "archive")


@pytest.fixture
def web_archive(web_corpus: Any, tmp_path: Path) -> Any:
    """A copy of the web tests' archive that a test may change."""
    from tests.web_support import copy

    return copy(web_corpus, tmp_path / "archive")


@pytest.fixture(scope="session")
def shared_client(web_corpus: Any) -> Iterator[Any]:
    """A client of the web application on the session's archive, for tests that only read."""
    from tests.web_support import client_for

    yield from client_for(web_corpus.root)


@pytest.fixture
def client(web_archive: Any) -> Iterator[Any]:
    """A client of the web application on a copy of the archive, for tests that write."""
    from tests.web_support import client_for

    yield from client_for(web_archive.root)


# --- PostgreSQL --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Any]:
    """A PostgreSQL server for the session: ``$GAZETTE_TEST_PG``, else a throwaway cluster
    (``tests/pg_cluster.py``); the tests that need one skip, saying why, when neither can
    be had."""
    from tests import pg_cluster

    # CI installs PostgreSQL and sets this: there a missing server is a failure, not a skip.
    give_up = pytest.fail if os.environ.get(pg_cluster.ENV_REQUIRED) else pytest.skip
    reason = pg_cluster.unavailable()
    if reason is not None:
        give_up(reason)
    try:
        server = pg_cluster.server()
    except Exception as exc:  # any reason the server cannot start: say it
        give_up(f"no PostgreSQL server: {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_dsn(pg_server: Any) -> Iterator[str]:
    """A new empty database for one test."""
    dsn = pg_server.create_database()
    try:
        yield dsn
    finally:
        pg_server.drop_database(dsn)


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """The search engine a test runs on: each in turn."""
    return str(request.param)


@pytest.fixture
def search_dsn(engine: str, request: pytest.FixtureRequest) -> str | None:
    """The database of a postgresql index (a new one per test); ``None`` for the others."""
    return request.getfixturevalue("pg_dsn") if engine in DSN_ENGINES else None


@pytest.fixture
def search_location(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """Where a test opens an index of its ``engine``: a directory, or for postgresql a new
    database (``open_index(search_location, engine)``)."""
    engine = request.getfixturevalue("engine")
    if engine in DSN_ENGINES:
        return request.getfixturevalue("pg_dsn")
    return tmp_path / "ix"
