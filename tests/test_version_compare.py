"""Aligning two versions of a text paragraph by paragraph (gazette.version_compare)."""

from __future__ import annotations

import datetime as dt

import pytest

from gazette.errors import InvalidArgument
from gazette.version_compare import align, compare_versions, paragraph_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("第一条　２０１８年１０月，本法（修正）施行；", "第一条 2018年10月,本法(修正)施行;"),
        ("二〇一八年（修正）", "二零一八年(修正)"),
        ("“通知”〔2019〕5号", '"通知"[2019]5号'),
        ("依照本法  第三条\u3000规定", "依照本法第三条规定"),
    ],
    ids=["digits-and-punctuation", "ling", "brackets-and-quotes", "spacing"],
)
def test_typographic_variants_are_the_same_paragraph(a, b):
    assert paragraph_key(a)[0] == paragraph_key(b)[0]
    (row,) = align([a], [b])
    assert row.kind == "same"


def test_a_renumbered_article_is_changed_with_the_number_marked():
    old = [
        "第一章　总则",
        "第四条　立法应当依照法定的权限和程序。",
        "第五条　删去的条文内容与新法毫无关系。",
    ]
    new = [
        "第一章　总则",
        "第五条　立法应当依照法定的权限和程序。",
        "第六条　新增加的条款规定了完全不同的事项。",
    ]
    rows = align(old, new)
    assert [r.kind for r in rows] == ["same", "changed", "removed", "added"]
    changed = rows[1]
    assert [t for t, marked in changed.pieces("old") if marked] == ["四"]
    assert [t for t, marked in changed.pieces("new") if marked] == ["五"]
    assert "".join(t for t, _ in changed.pieces("new")) == new[1]


def test_marks_point_into_the_text_as_written():
    old = "第一条　为了保护公司、股东和债权人的合法权益，制定本法。"
    new = "第一条　为了保护公司、股东、职工和债权人的合法权益，制定本法。"
    (row,) = align([old], [new])
    assert row.kind == "changed"
    assert [new[s:e] for s, e in row.new_marks] == ["、职工"]
    assert row.old_marks == ()


def test_order_is_kept_when_paragraphs_move():
    rows = align(["甲乙丙丁戊己", "庚辛壬癸子丑"], ["庚辛壬癸子丑", "甲乙丙丁戊己"])
    kinds = [r.kind for r in rows]
    assert kinds.count("same") == 1 and kinds.count("removed") == 1 and kinds.count("added") == 1


def test_companies_law_2018_against_2023(archive, corpus):
    from ingest import ingest_paths

    ingest_paths(archive, sorted((corpus / "laws").glob("公司法*.md")), jobs=1)
    doc = archive.internal.get("中华人民共和国公司法")
    result = compare_versions(doc, dt.date(2018, 10, 26), dt.date(2024, 7, 1))
    assert result.old.label == "2018年修正" and result.new.label == "2023年修订"
    counts = result.counts
    assert counts["same"] > 50 and counts["changed"] > 100 and counts["added"] > 0
    first = next(r for r in result.rows if r.old and r.old.startswith("第一条"))
    assert first.kind == "changed" and first.new.startswith("第一条")
    assert sum(counts.values()) == len(result.rows)
    olds = [r.old_index for r in result.rows if r.old_index is not None]
    news = [r.new_index for r in result.rows if r.new_index is not None]
    assert olds == sorted(olds) == list(range(len(result.old.blocks)))
    assert news == sorted(news) == list(range(len(result.new.blocks)))
    with pytest.raises(InvalidArgument):
        compare_versions(doc, dt.date(1980, 1, 1), dt.date(2024, 7, 1))
