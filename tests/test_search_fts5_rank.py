"""FTS5's ``bm25()`` outside FTS5 (:mod:`gazette.search.fts5_rank`): phrase occurrences
counted in the text equal those in the token stream, and scores equal SQLite's own on real
documents."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from gazette.search import fts5_rank
from gazette.search.analysis import AnalyzerConfig, grams, needs_nfkc, query_tokens
from gazette.search.base import TITLE_BOOST, TextSpec
from gazette.search.sqlite_write import stream_text
from tests.conftest import corpus_path

CONFIG = AnalyzerConfig(search_mode=False)
WORDS = ["人民政府", "政务公开", "管理", "人人", "常常", "税", "第一条", "2021年", "GB/T 9704"]


def _texts() -> list[tuple[str, str]]:
    root = corpus_path("lawrefbook")
    out = []
    for path in sorted(root.rglob("*.md"))[:40]:
        text = path.read_text(encoding="utf-8")
        title, _, body = text.partition("\n")
        out.append((title.lstrip("# ").strip(), body))
    return out


def _phrases(word: str, phrase: bool) -> list[fts5_rank.Phrase]:
    spec = TextSpec(word, phrase)
    return fts5_rank.phrases([[spec]], lambda s: query_tokens(s.text, s.phrase, CONFIG), True)


@pytest.mark.parametrize("phrase", [False, True], ids=["text", "phrase"])
@pytest.mark.parametrize("word", WORDS)
def test_occurrences_in_the_text_are_those_of_the_stream(word: str, phrase: bool) -> None:
    found = _phrases(word, phrase)
    for _, body in _texts():
        stream = grams(body)
        expected = [fts5_rank._in_stream(stream, p) for p in found]
        assert fts5_rank.occurrences(body, found) == expected, word


# What PDF text layers put in place of ideographs: Kangxi radicals (⼈ for 人, ⽇ for 日),
# compatibility ideographs and enclosed ones, which the token stream holds normalised.
_LOOKALIKES = str.maketrans(
    {"人": "\u2f08", "日": "\u3290", "行": "\ufa08", "一": "\u2f00", "令": "\uf9a8"}
)


@pytest.mark.parametrize("word", ["人民", "行政", "之日起", "第一条", "执行", "人"])
def test_ideographs_written_as_lookalikes_are_counted_as_the_stream_holds_them(
    word: str,
) -> None:
    found = _phrases(word, False)
    count = fts5_rank.counter(found)
    checked = 0
    for _, body in _texts()[:12]:
        changed = body.translate(_LOOKALIKES)
        stream = grams(changed)
        expected = [fts5_rank._in_stream(stream, p) for p in found]
        assert count(changed) == expected, word
        checked += sum(expected)
    assert checked  # the lookalikes stand where the word occurs


@pytest.mark.parametrize("word", ["人民", "第一条", "之日起", "人"])
def test_a_text_known_to_need_no_nfkc_is_counted_without_the_check(word: str) -> None:
    """Counting told that a text needs no NFKC (as an engine stores it per document) gives
    what counting with the check gives; told so of a text that does need it, it would not:
    what the engine stores must be right."""
    found = _phrases(word, False)
    count = fts5_rank.counter(found)
    plain = differ = 0
    for _, body in _texts()[:20]:
        if not needs_nfkc(body):
            assert count(body, True) == count(body), word
            plain += 1
        changed = body.translate(_LOOKALIKES)
        assert needs_nfkc(changed)
        differ += count(changed, True) != count(changed)
    assert plain  # real texts that need no NFKC
    assert differ  # and the check matters where they do


def test_scores_are_sqlites_bm25(tmp_path: Path) -> None:
    """The same table in FTS5: its bm25() and this module's, row by row."""
    docs = _texts()
    conn = sqlite3.connect(tmp_path / "t.sqlite")
    conn.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(title, body, content='',"
        """ tokenize="ascii tokenchars '._'")"""
    )
    lengths = {}
    for num, (title, body) in enumerate(docs, start=1):
        streams = [stream_text(title, CONFIG), stream_text(body, CONFIG)]
        conn.execute("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)", (num, *streams))
        lengths[num] = len(grams(title)) + len(grams(body))
    average = sum(lengths.values()) / len(lengths)
    checked = 0
    for word in ["人民政府", "管理", "税", "第一条"]:
        found = _phrases(word, False)
        expr = " AND ".join(
            f'"{p.tokens[0]}"*' if p.prefix else " + ".join(f'"{t}"' for t in p.tokens)
            for p in found
        )
        held = [
            conn.execute(
                "SELECT count(*) FROM fts WHERE fts MATCH ?",
                (f'"{p.tokens[0]}"*' if p.prefix else " + ".join(f'"{t}"' for t in p.tokens),),
            ).fetchone()[0]
            for p in found
        ]
        idfs = [fts5_rank.idf(len(docs), n) for n in held]
        rows = conn.execute(
            f"SELECT rowid, bm25(fts, {TITLE_BOOST}, 1.0) FROM fts WHERE fts MATCH ?", (expr,)
        ).fetchall()
        texts = {num: docs[num - 1] for num, _ in rows}
        mine = dict(
            fts5_rank.rank(texts, (TITLE_BOOST, 1.0), found, idfs, lengths.__getitem__, average)
        )
        for num, theirs in rows:
            assert mine[num] == pytest.approx(-theirs, rel=1e-9), (word, num)
            checked += 1
    assert checked > 20
