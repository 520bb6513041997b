"""The 文种 vocabulary and title comparison (``gazette.titles``), on titles of real documents."""

from __future__ import annotations

import json

import pytest

from gazette import titles
from gazette.interpretation import NormativeRule
from tests.conftest import corpus_path


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("济南市人民政府办公厅关于印发2017年济南市政务公开工作要点的通知", "通知"),
        ("国务院关于加快推进政务服务标准化规范化便利化的指导意见", "意见"),
        ("《河南省实施〈中华人民共和国水法〉办法》", "办法"),
        ("河南省人民代表大会常务委员会组成人员守则", "守则"),
        ("青川市关于促进民营经济发展的若干措施", "措施"),
        ("国务院办公厅关于同意建立全国政务公开工作联席会议制度的复函", "函"),
        ("中华人民共和国立法法", "法"),
        ("关于政务公开的说明材料", None),
        (None, None),
    ],
    ids=[
        "notice",
        "guiding-opinion",
        "quoted-measures",
        "code-of-conduct",
        "measures",
        "reply-letter",
        "law",
        "none",
        "no-title",
    ],
)
def test_doc_type_of(title: str | None, kind: str | None) -> None:
    assert titles.doc_type_of(title) == kind


def test_every_selection_is_in_the_vocabulary() -> None:
    for selection in (titles.OFFICIAL_TYPES, titles.POLICY_TYPES, NormativeRule().kinds):
        assert set(selection) <= titles.TYPES
    with pytest.raises(ValueError, match="措施办法"):
        titles.types("通知", "措施办法")


def test_endings_are_longest_first() -> None:
    assert titles.endings("意见") == ("指导意见", "实施意见", "意见")


def test_every_real_regulation_title_has_a_type() -> None:
    """The 1,019 local regulations of the corpus each end with a type of the vocabulary."""
    path = corpus_path("lawrefbook", "metadata.jsonl")
    names = [json.loads(line)["name"] for line in path.read_text(encoding="utf-8").splitlines()]
    untyped = [n for n in names if titles.doc_type_of(n) is None]
    assert len(names) > 1000
    assert untyped == []


def test_normalised_title_ignores_width_spaces_quotes_and_dots() -> None:
    assert titles.normalised_title("《青川市 “甲”·暂行办法》") == "青川市甲暂行办法"
    assert titles.normalised_title("青川市ＡＢ办法") == "青川市AB办法"
    assert titles.normalised_title("《》") is None


@pytest.mark.parametrize(
    ("title", "key", "normalised"),
    [
        ("《青川市政务公开暂行办法》", "青川市政务公开办法", "青川市政务公开暂行办法"),
        ("青川市数据管理办法（试行）", "青川市数据管理办法", "青川市数据管理办法(试行)"),
        ("青川市数据管理办法 (试行)", "青川市数据管理办法", "青川市数据管理办法(试行)"),
        ("“十四五”规划", "十四五规划", "十四五规划"),
        ("ＡＢＣ　办法", "ABC办法", "ABC办法"),
        ("（试行）", None, "(试行)"),
        ("", None, None),
        (None, None, None),
    ],
    ids=[
        "provisional",
        "bracketed",
        "spaced",
        "quotes",
        "width",
        "only-qualifier",
        "empty",
        "none",
    ],
)
def test_a_reference_is_looked_up_without_its_provisional_qualifier(
    title: str | None, key: str | None, normalised: str | None
) -> None:
    assert titles.title_key(title) == key
    assert titles.normalised_title(title) == normalised
