"""The public view leaks nothing, probed: a pool of archives is built once, from seeded
specifications made by the generator of :mod:`tests.leak_archives`, and each example runs one
read — a command, an export, a search, an API call — against one of them. Reads change nothing,
so sharing the archives is sound; it is what makes 10,000 examples affordable
(``@pytest.mark.slow``; a smaller count runs with the rest)."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gazette
from gazette.export import FORMATS, format_module
from tests.conftest import Cli
from tests.leak_archives import SETTINGS, Built, Picker, build, generate, number, title
from tests.leak_checks import (
    check,
    check_bag,
    check_cli,
    cli_reads,
    exported_text,
    search_tokens,
    walk,
)


@attrs.frozen
class Pool:
    archives: tuple[tuple[Built, gazette.Archive, Cli], ...]


def _pool(folder: Path, count: int) -> Pool:
    rng = random.Random(15)
    out = []
    for n in range(count):
        spec = generate(Picker(rng=rng))
        root = folder / f"pool-{n}"
        archive = gazette.open_archive(root / "archive", actor="prop")
        built = build(archive, root / "in", spec)
        check_bag(built, archive, root / "bag")
        out.append((built, archive, Cli(root / "archive")))
    return Pool(tuple(out))


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Any:
    made = _pool(tmp_path_factory.mktemp("pool"), 4)
    yield made
    for _, archive, _ in made.archives:
        archive.close()


@pytest.fixture(scope="module")
def pool_slow(tmp_path_factory: pytest.TempPathFactory) -> Any:
    made = _pool(tmp_path_factory.mktemp("pool-slow"), 32)
    yield made
    for _, archive, _ in made.archives:
        archive.close()


_DAYS = st.integers(0, 365 * 12).map(lambda n: dt.date(2016, 1, 1) + dt.timedelta(days=n))
_ON = ("show", "status", "export")


def _probe(pool: Pool, data: st.DataObject) -> None:
    """One read of one shared archive: a command, a search, an export or an API call, with
    the date, query form and filters drawn too."""
    built, archive, run = data.draw(st.sampled_from(pool.archives))
    kind = data.draw(st.sampled_from(["cli", "cli", "cli", "api", "export", "search", "find"]))
    public = archive.public
    if kind == "cli":
        args = data.draw(st.sampled_from(cli_reads(built)))
        if args[0] in _ON and "--on" not in args and data.draw(st.booleans()):
            args = (*args, "--on", data.draw(_DAYS).isoformat())
        check_cli(built, run, args)
    elif kind == "search":
        tokens = search_tokens(built)
        token, other = data.draw(st.sampled_from(tokens)), data.draw(st.sampled_from(tokens))
        form = data.draw(st.sampled_from(["plain", "phrase", "or", "not"]))
        query = {"plain": token, "phrase": f'"{token}"', "or": f"{token} OR {other}"}.get(
            form, f"{token} -{other}"
        )
        filters: dict[str, Any] = {}
        if data.draw(st.booleans()):
            filters["valid_on"] = data.draw(_DAYS)
        if data.draw(st.booleans()):
            filters["year"] = data.draw(st.sampled_from([2019, 2021, 2022]))
        results = public.search(query, limit=data.draw(st.integers(1, 20)), **filters)
        check(built, ("search", query, filters), json.dumps(results.as_json(), ensure_ascii=False))
        assert {h.id for h in results.hits} <= built.visible
        if form in ("plain", "phrase") and token in built.secrets:
            assert results.total == 0, (query, built.spec)
    elif kind == "find":
        k = data.draw(st.integers(0, len(built.spec.docs) - 1))
        for ref in (title(k), number(k), built.ids[k]):
            doc = public.find(ref)
            if doc is not None:
                check(built, ("find", ref), walk(doc))
            elif ref == built.ids[k]:
                assert ref in built.hidden
    elif built.visible:
        doc_id = data.draw(st.sampled_from(sorted(built.visible)))
        doc = public.get(doc_id)
        day = data.draw(st.one_of(st.none(), _DAYS))
        if kind == "api":
            check(built, ("api", doc_id), walk(doc))
            check(built, ("status", doc_id, day), walk(public.status(doc_id, day)))
        else:
            fmt = data.draw(st.sampled_from(sorted(FORMATS)))
            data_bytes = format_module(fmt).render(doc, on=day)
            check(built, ("export", doc_id, fmt, day), exported_text(data_bytes))


@settings(max_examples=300, **SETTINGS)  # type: ignore[arg-type]
@given(data=st.data())
def test_probes_of_shared_archives_leak_nothing(pool: Pool, data: st.DataObject) -> None:
    _probe(pool, data)


@pytest.mark.slow
@settings(max_examples=10_000, **SETTINGS)  # type: ignore[arg-type]
@given(data=st.data())
def test_probes_of_shared_archives_leak_nothing_slow(pool_slow: Pool, data: st.DataObject) -> None:
    _probe(pool_slow, data)
