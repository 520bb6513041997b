"""Search analysis and query language: bigrams, words and grams, the normalisation shortcut,
the query parser, snippets. No archive and no engine: the functions every engine shares."""

from __future__ import annotations

import unicodedata

import hypothesis
import pytest

from gazette.errors import InvalidQuery
from gazette.search import analysis, parse_query
from gazette.search.analysis import bigrams, grams, phrase_grams, words
from gazette.search.snippets import make_snippet


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("政务公开", ["政务", "务公", "公开"]),
        ("ＧＢ／Ｔ 9704", ["gb", "t", "9704"]),
        ("税", ["税"]),
        ("济政办发〔2017〕27号", ["济政", "政办", "办发", "2017", "27", "号"]),
    ],
    ids=["cjk-run", "fullwidth-ascii", "single-ideograph", "doc-number"],
)
def test_bigrams(text: str, expected: list[str]) -> None:
    assert bigrams(text) == expected


def test_words_use_jieba_segmentation() -> None:
    assert words("济南市人民政府办公厅") == ["济南市", "人民政府", "办公厅"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("推进政务公开，", ["推进", "进政", "政务", "务公", "公开", "开"]),
        ("依法纳税。税", ["依法", "法纳", "纳税", "税", "税"]),
        ("2017年第5号", ["2017", "年第", "第", "5", "号"]),
        ("ＧＢ／Ｔ 9704—２０１２", ["gb", "t", "9704", "2012"]),
        ("v1.2 a..b x_y .abc", ["v1.2", "a", "b", "x_y", "abc"]),
        ("〔2017〕﹝27﹞", ["2017", "27"]),
        ("①号", ["1", "号"]),
    ],
    ids=[
        "run-then-its-last-character",
        "single-character-run",
        "digits-between-runs",
        "fullwidth-letters-and-digits",
        "dotted-words",
        "brackets",
        "circled-number",
    ],
)
def test_grams(text: str, expected: list[str]) -> None:
    assert grams(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("政务公开", ["政务", "务公", "公开"]),
        ("发“无废城市", ["发", "无废", "废城", "城市"]),
        ("公开，推进", ["公开", "开", "推进"]),
        ("税", ["税"]),
        ("2017年", ["2017", "年"]),
    ],
    ids=["mid-run", "lone-character-first", "across-punctuation", "one-character", "digits"],
)
def test_phrase_grams_leave_off_the_last_runs_own_character(text: str, expected: list[str]) -> None:
    assert phrase_grams(text) == expected


# Letters, digits, ideographs and the punctuation around them in every width, compatibility
# forms, combining marks: whatever skips NFKC must give the tokens NFKC would.
_ALPHABET = (
    "政务公开税年号aZ09._ ，。、；：（）“”《》〔〕【】—…·×"
    "ＡＺａｚ０９．＿（）〸①ⅰ²ﬁ﹝﹞﹒․\u0301\u3000\u00a0ª"
)


@hypothesis.given(hypothesis.strategies.text(alphabet=_ALPHABET, max_size=40))
def test_normalisation_shortcut_keeps_every_token(text: str) -> None:
    slow = unicodedata.normalize("NFKC", text).lower()
    assert grams(text) == analysis._GRAMS.findall(slow)
    assert bigrams(text) == bigrams(slow)


@pytest.mark.parametrize(
    ("query", "groups", "excluded"),
    [
        ("政务公开 工作要点", [["text:政务公开"], ["text:工作要点"]], []),
        ('"政务公开工作', [["phrase:政务公开工作"]], []),
        ("“国务院”", [["phrase:国务院"]], []),
        ("城市 OR 农村 -要点", [["text:城市", "text:农村"]], ["text:要点"]),
        ("济政办发[2017]27号", [["number:济政办发〔2017〕27号"]], []),
        ("济政办发（2017）27号", [["number:济政办发〔2017〕27号"]], []),
        ("豫政办 〔2014〕3号 通知", [["number:豫政办〔2014〕3号"], ["text:通知"]], []),
        ("-国令第707号", [], ["number:国令第707号"]),
        ("title:x AND (y", [["text:title:x"], ["text:(y"]], []),
        ("OR OR -", [], []),
        ("a\x00b\u200bc", [["text:a"], ["text:b"], ["text:c"]], []),
    ],
    ids=[
        "and",
        "unbalanced-quote",
        "curly-quotes",
        "or-and-not",
        "number-square-brackets",
        "number-fullwidth-parens",
        "number-with-space",
        "excluded-number",
        "parser-syntax-is-text",
        "only-operators",
        "control-characters",
    ],
)
def test_parse_query(query: str, groups: list[list[str]], excluded: list[str]) -> None:
    parsed = parse_query(query)
    assert [[f"{c.kind}:{c.text}" for c in g] for g in parsed.groups] == groups
    assert [f"{c.kind}:{c.text}" for c in parsed.excluded] == excluded


def test_parse_query_refuses_huge_input() -> None:
    with pytest.raises(InvalidQuery, match="超过1000个字符"):
        parse_query("政" * 5000)


def test_snippet_marks_matches_and_escapes() -> None:
    text = "前文<script>" + "甲" * 50 + "推进政务公开工作" + "乙" * 200
    snippet = make_snippet([text], ["政务公开"])
    assert "<em>政务公开</em>" in snippet
    assert "<script>" not in snippet
    assert snippet.startswith("…") and snippet.endswith("…")


def test_snippet_opens_at_the_first_match_of_any_word() -> None:
    # A word found many times later never pushes out another found earlier, whatever the
    # order of the words (and the same in every process, whatever its string hashing).
    text = "乙" * 300 + "依法行政" + "甲" * 10 + "公司" * 80
    for literals in (["公司", "行政"], ["行政", "公司"]):
        snippet = make_snippet([text], literals)
        assert "<em>行政</em>" in snippet
        assert snippet.count("<em>公司</em>") > 10
