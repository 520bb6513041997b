"""Regressions of validity over time on real statutes, each named after what broke.

The Markdown files are written as the LawRefBook collection writes them (a ``#`` title, the
题注 lines, ``<!-- INFO END -->``, the articles), with the real 题注 lines and the real
sentences of the acts concerned; the laws the corpus holds are read from it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import gazette
from gazette.export.txt import render
from gazette.lifecycle import status_on
from gazette.model import Document, EventKind, ProvenanceKind
from ingest import ingest_paths
from ingest.element_head import split_title
from tests.conftest import Cli, corpus_path

D = dt.date


def law(folder: Path, name: str, title: str, notes: list[str], *articles: str) -> Path:
    path = folder / f"{name}.md"
    lines = [f"# {title}", "", *(line for note in notes for line in (note, ""))]
    lines += ["<!-- INFO END -->", "", "## 第一章 总则", ""]
    lines += [line for article in articles for line in (article, "")]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def ingest(archive: gazette.Archive, *paths: Path) -> list[str]:
    report = ingest_paths(archive, list(paths), jobs=1)
    assert report.ok, [r.error for r in report.results]
    return [r.ids[0] for r in report.results]


def status(doc: Document, on: D) -> str:
    return status_on(doc, on).value.value


def test_立法法_is_not_repealed_by_山东省地方立法条例(
    archive: gazette.Archive, tmp_path: Path
) -> None:
    statute = law(
        tmp_path,
        "山东省地方立法条例",
        "山东省地方立法条例",
        ["2017年2月11日 山东省第十二届人民代表大会第六次会议通过"],
        "第七十七条 设区的市的地方性法规案的提出、审议和表决程序，根据《中华人民共和国地方各级人民代表大会和"
        "地方各级人民政府组织法》、《中华人民共和国立法法》的相关规定，由本级人民代表大会规定。",
        "省和设区的市人民政府规章的制定、修改和废止，依照《中华人民共和国立法法》和国务院的有关规定执行。",
        "第七十八条 本条例自2017年3月1日起施行。2001年2月18日山东省第九届人民代表大会第四次会议通过的"
        "《山东省制定和批准地方性法规条例》同时废止。",
    )
    lifa, _ = ingest(archive, corpus_path("laws", "立法法(2023-03-13).md"), statute)
    doc = archive.internal.get(lifa)
    assert not [e for e in doc.events if e.kind == EventKind.REPEALED]
    assert status(doc, D(2025, 4, 19)) == "in_force"
    # What the 条例 does repeal is kept for when its target arrives.
    (pending,) = archive.unresolved()
    assert pending["ref_title"] == "山东省制定和批准地方性法规条例"
    assert pending["payload"]["event"]["date"] == "2017-03-01"


_TIAOLI = (
    "北京市动物防疫条例",
    ["2014年5月23日 北京市第十四届人民代表大会常务委员会第十一次会议通过"],
    "第七十四条 本条例自2014年10月1日起施行。2004年10月22日北京市第十二届人民代表大会常务委员会第十五次会议"
    "通过的《北京市实施〈中华人民共和国动物防疫法〉办法》同时废止。",
)
_BANFA_2024 = (
    "北京市实施《中华人民共和国动物防疫法》办法",
    ["2024年7月26日 北京市第十六届人民代表大会常务委员会第十一次会议通过"],
    "第二十七条 本办法自2025年1月1日起施行。《北京市动物防疫条例》同时废止。",
)
_BANFA_2004 = (
    "北京市实施《中华人民共和国动物防疫法》办法",
    ["2004年10月22日 北京市第十二届人民代表大会常务委员会第十五次会议通过"],
    "第三十条 本办法自2005年1月1日起施行。",
)


@pytest.mark.parametrize("order", ["条例 first", "办法 first"])
def test_北京市实施动物防疫法办法_2024_is_not_hit_by_the_2014_clause(
    archive: gazette.Archive, tmp_path: Path, order: str
) -> None:
    tiaoli = law(tmp_path, "条例", *_TIAOLI[:2], _TIAOLI[2])
    banfa = law(tmp_path, "办法2024", *_BANFA_2024[:2], _BANFA_2024[2])
    paths = [tiaoli, banfa] if order == "条例 first" else [banfa, tiaoli]
    ids = dict(zip(["a", "b"], ingest(archive, *paths), strict=True))
    tiaoli_id, banfa_id = (ids["a"], ids["b"]) if order == "条例 first" else (ids["b"], ids["a"])
    banfa_doc = archive.internal.get(banfa_id)
    assert not [e for e in banfa_doc.events if e.kind == EventKind.REPEALED]
    assert status(banfa_doc, D(2025, 4, 19)) == "in_force"
    tiaoli_doc = archive.internal.get(tiaoli_id)
    assert status(tiaoli_doc, D(2024, 12, 31)) == "in_force"
    assert status(tiaoli_doc, D(2025, 1, 1)) == "repealed"
    # The 2014 clause ended the 2004 办法, which the archive does not hold: kept pending, with
    # why the 2024 办法 of that title is not its target.
    (pending,) = archive.unresolved()
    assert pending["candidates"] == [banfa_id]
    assert "a later act" in pending["payload"]["reason"]


def test_the_2014_clause_ends_the_2004_办法_when_it_arrives(
    archive: gazette.Archive, tmp_path: Path
) -> None:
    tiaoli = law(tmp_path, "条例", *_TIAOLI[:2], _TIAOLI[2])
    new = law(tmp_path, "办法2024", *_BANFA_2024[:2], _BANFA_2024[2])
    old = law(tmp_path, "办法2004", *_BANFA_2004[:2], _BANFA_2004[2])
    _, new_id, old_id = ingest(archive, tiaoli, new, old)
    assert new_id != old_id  # two acts of one title: a re-enactment is not a version
    old_doc, new_doc = archive.internal.get(old_id), archive.internal.get(new_id)
    assert status(old_doc, D(2014, 9, 30)) == "in_force"
    assert status(old_doc, D(2014, 10, 1)) == "repealed"
    assert status(new_doc, D(2025, 4, 19)) == "in_force"
    assert archive.unresolved() == []


def test_a_decision_adopted_2021_09_24_does_not_make_a_regulation_unknown_on_2021_06_01(
    archive: gazette.Archive, tmp_path: Path
) -> None:
    regulation = law(
        tmp_path,
        "北京市信息化促进条例",
        "北京市信息化促进条例",
        ["2007年9月14日 北京市第十二届人民代表大会常务委员会第三十八次会议通过"],
        "第四十九条 本条例自2007年12月1日起施行。",
    )
    decision = tmp_path / "decision.md"
    decision.write_text(
        "# 北京市人民代表大会常务委员会关于废止部分地方性法规的决定\n\n"
        "2021年9月24日 北京市第十五届人民代表大会常务委员会第三十三次会议通过\n\n"
        "<!-- INFO END -->\n\n"
        "北京市第十五届人民代表大会常务委员会第三十三次会议决定：\n\n"
        "一、废止《北京市社会治安综合治理条例》（1992年9月19日北京市第九届人民代表大会常务委员会第三十六次会议通过）\n\n"
        "四、废止《北京市信息化促进条例》（2007年9月14日北京市第十二届人民代表大会常务委员会第三十八次会议通过）\n\n"
        "本决定自公布之日起施行。",
        encoding="utf-8",
    )
    regulation_id, _ = ingest(archive, regulation, decision)
    doc = archive.internal.get(regulation_id)
    assert status(doc, D(2021, 6, 1)) == "in_force"
    repealed = status_on(doc, D(2021, 9, 24))
    assert repealed.value.value == "repealed" and repealed.since == D(2021, 9, 24)
    # The decision's publication date is not stated: its adoption stands for it, marked.
    assert repealed.basis.inferred
    assert "按通过日期推定" in repealed.mark()


def test_刑法_2023_is_not_given_2011_02_25(archive: gazette.Archive, tmp_path: Path) -> None:
    path = law(
        tmp_path,
        "刑法",
        "中华人民共和国刑法",
        [
            "1979年7月1日 第五届全国人民代表大会第二次会议通过",
            "1997年3月14日 第八届全国人民代表大会第五次会议修订",
            "2011年2月25日 第十一届全国人民代表大会常务委员会第十九次会议通过的《中华人民共和国刑法修正案（八）》",
            "2020年12月26日 第十三届全国人民代表大会常务委员会第二十四次会议通过的《中华人民共和国刑法修正案（十一）》",
            "2023年12月29日 第十四届全国人民代表大会常务委员会第七次会议通过的《中华人民共和国刑法修正案（十二）》",
        ],
        "第四百五十二条 本法自1997年10月1日起施行。",
    )
    (doc_id,) = ingest(archive, path)
    doc = archive.internal.get(doc_id)
    (text,) = doc.texts
    assert (text.adopted, text.effective, text.label) == (
        D(2023, 12, 29),
        D(2023, 12, 29),
        "2023年修正",
    )
    effective = {e.date: e for e in doc.events if e.kind == EventKind.EFFECTIVE}
    assert set(effective) == {D(1997, 10, 1), D(2023, 12, 29)}
    assert effective[D(1997, 10, 1)].note == "施行 of the text adopted 1997-03-14"
    assert effective[D(2023, 12, 29)].provenance.kind == ProvenanceKind.INFERRED
    amended = [e.date for e in doc.events if e.kind == EventKind.AMENDED]
    assert amended == [D(1997, 3, 14), D(2011, 2, 25), D(2020, 12, 26), D(2023, 12, 29)]


_CODE_NOTES = ["2020年5月28日 第十三届全国人民代表大会第三次会议通过", "2021年1月1日 施行"]


def _code_part(folder: Path, part: str, notes: list[str], article: str) -> Path:
    path = folder / f"{part}.md"
    text = f"# 中华人民共和国民法典\n\n# {part}\n\n" + "".join(f"{n}\n\n" for n in notes)
    text += f"<!-- INFO END -->\n\n## 第一章 一般规定\n\n{article}\n"
    path.write_text(text, encoding="utf-8")
    return path


def test_民法典_编_titles(archive: gazette.Archive, tmp_path: Path) -> None:
    """Each 编 of the code is titled by the code, not ``中华人民共和国民法典总则2020年…``: one
    document findable by the code's name, the 编 its parts, living by the code's 题注."""
    files = [
        _code_part(
            tmp_path,
            "婚姻家庭编",
            _CODE_NOTES[:1],  # this file's 题注 lacks the 施行 line
            "第一千零四十条 本编调整因婚姻家庭产生的民事关系。",
        ),
        _code_part(
            tmp_path,
            "总则",
            _CODE_NOTES,
            "第一条 为了保护民事主体的合法权益，调整民事关系，维护社会和经济秩序，"
            "适应中国特色社会主义发展要求，弘扬社会主义核心价值观，根据宪法，制定本法。",
        ),
        _code_part(
            tmp_path,
            "物权编",
            _CODE_NOTES,
            "第二百零五条 本编调整因物的归属和利用产生的民事关系。",
        ),
    ]
    ids = ingest(archive, *files)
    assert len(set(ids)) == 1
    code = archive.public.get("中华人民共和国民法典")
    assert code.title == "中华人民共和国民法典"
    assert [p.title for p in code.parts] == ["婚姻家庭编", "总则", "物权编"]
    for part in (code, *code.parts):
        assert status(part, D(2020, 12, 31)) == "not_yet_in_force"
        assert status_on(part, D(2021, 1, 1)).since == D(2021, 1, 1)
    shown = Cli(archive.root).json("show", "中华人民共和国民法典")
    assert shown["title"] == "中华人民共和国民法典"
    assert len(shown["parts"]) == 3


def test_joint_interpretation_keeps_its_title_and_stated_effective_date(
    archive: gazette.Archive, tmp_path: Path
) -> None:
    path = tmp_path / "解释.md"
    path.write_text(
        "# 最高人民法院  最高人民检察院关于办理强奸、猥亵未成年人刑事案件适用法律若干问题的解释\n\n"
        "2023年1月3日 最高人民法院审判委员会第1878次会议、2023年3月2日最高人民检察院第十三届"
        "检察委员会第一百一十四次会议通过\n\n"
        "2023年6月1日 施行\n\n<!-- INFO END -->\n\n"
        "最高人民法院 最高人民检察院关于办理强奸、猥亵未成年人刑事案件适用法律若干问题的解释\n\n"
        "法释〔2023〕3号\n\n"
        "第十六条 本解释自2023年6月1日起施行。\n",
        encoding="utf-8",
    )
    (doc_id,) = ingest(archive, path)
    doc = archive.public.get(doc_id)
    assert (
        doc.title
        == "最高人民法院最高人民检察院关于办理强奸、猥亵未成年人刑事案件适用法律若干问题的解释"
    )
    assert str(doc.doc_number) == "法释〔2023〕3号"
    (text,) = doc.texts
    assert (text.adopted, text.effective) == (D(2023, 3, 2), D(2023, 6, 1))
    assert doc.disclosure.basis and doc.disclosure.basis.startswith("司法解释，依法公布")


def test_a_current_text_is_not_amended_since_a_date_before_its_adoption(
    archive: gazette.Archive,
) -> None:
    ids = ingest(
        archive,
        corpus_path("laws", "立法法(2023-03-13).md"),
        corpus_path("laws", "立法法(2015-03-15).md"),
        corpus_path("laws", "公司法(2023-12-29).md"),
        corpus_path("laws", "公司法(2018-10-26).md"),
    )
    assert ids[0] == ids[1] and ids[2] == ids[3]  # one document per act, with its versions
    lifa = archive.internal.get(ids[0])
    v2015, v2023 = sorted(lifa.texts, key=lambda t: t.adopted or D.min)
    assert status_on(lifa, D(2025, 4, 19), version=v2023).value.value == "in_force"
    old = status_on(lifa, D(2025, 4, 19), version=v2015)
    assert (old.value.value, old.since) == ("amended", D(2023, 3, 13))
    company = archive.internal.get(ids[2])
    v2018, v2023 = sorted(company.texts, key=lambda t: t.adopted or D.min)
    assert status_on(company, D(2024, 1, 1), version=v2023).value.value == "not_yet_in_force"
    assert status_on(company, D(2024, 1, 1), version=v2018).value.value == "in_force"
    assert status_on(company, D(2024, 7, 1), version=v2018).since == D(2024, 7, 1)


def test_an_inferred_date_is_marked_in_every_output(archive: gazette.Archive) -> None:
    source = next(
        corpus_path("lawrefbook").rglob("汕头经济特区突发公共卫生事件应急条例(2022-05-30).md")
    )
    (doc_id,) = ingest(archive, source)
    run = Cli(archive.root)
    data = run.json("status", doc_id, "--on", "2025-04-19")
    assert data["status"] == "in_force" and data["basis"]["inferred"] is True
    text = run("status", doc_id, "--on", "2025-04-19").output
    assert "施行日期未载明，按通过日期推定" in text
    timeline = run("timeline", doc_id).output
    assert "施行日期系推定" in timeline
    header = render(archive.internal.get(doc_id), on=D(2025, 4, 19)).decode("utf-8")
    assert "现行有效（自2022年5月30日起；施行日期未载明，按通过日期推定）" in header.splitlines()[0]
    exported = json.loads(run("export", doc_id, "--format", "json", "--on", "2025-04-19").stdout)
    assert exported["status"]["basis"]["inferred"] is True


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "中华人民共和国民法典总则2020年5月28日第十三届全国人民代表大会第三次会议通过2021年1月1日施行",
            ("中华人民共和国民法典总则", "2020年5月28日第十三届全国人民代表大会第三次会议通过2021年1月1日施行"),
        ),
        ("中华人民共和国宪法修正案（2004年）", ("中华人民共和国宪法修正案（2004年）", None)),
        ("关于2020年1月1日起施行新标准的通知", ("关于2020年1月1日起施行新标准的通知", None)),
    ],
)  # fmt: skip
def test_a_title_ends_where_its_题注_begins(title: str, expected: tuple[str, str | None]) -> None:
    assert split_title(title) == expected


def test_a_law_as_plain_text_keeps_its_title_and_题注(
    archive: gazette.Archive, tmp_path: Path
) -> None:
    path = tmp_path / "漯河市扬尘污染防治条例.txt"
    paragraphs = [
        "漯河市扬尘污染防治条例",
        "2019年6月25日 漯河市第七届人民代表大会常务委员会第二十二次会议通过",
        "2019年7月26日 河南省第十三届人民代表大会常务委员会第十一次会议批准",
        "第一章　总则",
        "第一条　为了有效防治扬尘污染，保护和改善大气环境质量，保障公众健康，推进生态文明建设，"
        "根据《中华人民共和国大气污染防治法》《河南省大气污染防治条例》和有关法律、法规，结合本市实际，"
        "制定本条例。",
    ]
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    (doc_id,) = ingest(archive, path)
    doc = archive.public.get(doc_id)
    assert doc.title == "漯河市扬尘污染防治条例"
    assert doc.issuers == ("漯河市人民代表大会常务委员会",)
    (text,) = doc.texts
    assert (text.adopted, text.effective) == (D(2019, 6, 25), D(2019, 7, 26))
    assert [e.date for e in doc.events if e.kind == EventKind.APPROVED] == [D(2019, 7, 26)]
