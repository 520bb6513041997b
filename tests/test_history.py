"""The 题注 of laws: entries, versions, the enacting organ. Every line is a real 题注 line of
the LawRefBook collection (the corpus's lawrefbook and laws folders come from it)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ingest.history import enacting_organ, entries, level, versions
from ingest.readers import read
from tests.conftest import corpus_path

D = dt.date


def _versions(*notes: str) -> list[tuple[str, D, D | None, D | None, D | None]]:
    return [
        (v.kind, v.adopted, v.approved, v.published, v.effective) for v in versions(entries(notes))
    ]


CASES = [
    (
        "city regulation approved by the province",
        (
            "2019年6月25日 漯河市第七届人民代表大会常务委员会第二十二次会议通过",
            "2019年7月26日 河南省第十三届人民代表大会常务委员会第十一次会议批准",
        ),
        [("通过", D(2019, 6, 25), D(2019, 7, 26), None, None)],
    ),
    (
        "an amendment adopted by the city and approved by the province, on one line",
        (
            "2018年10月26日 东营市第八届人民代表大会常务委员会第十四次会议通过",
            "2018年11月30日 山东省第十三届人民代表大会常务委员会第七次会议批准",
            "2020年9月3日 东营市第八届人民代表大会常务委员会第28次会议通过并经2020年9月25日"
            "山东省第十三届人民代表大会常务委员会第二十三次会议批准的"
            "《东营市人民代表大会常务委员会关于修改<东营市湿地保护条例>的决定》修正",
        ),
        [
            ("通过", D(2018, 10, 26), D(2018, 11, 30), None, None),
            ("修正", D(2020, 9, 3), D(2020, 9, 25), None, None),
        ],
    ),
    (
        "a city's amendment approved on its own line",
        (
            "2011年5月10日 彭水苗族土家族自治县第十五届人民代表大会第八次会议通过",
            "2011年7月29日 重庆市第三届人民代表大会常务委员会第二十五次会议批准  "
            "2012年11月30日县第十六届人民代表大会第二次会议修改  "
            "2013年5月9日重庆市第四届人民代表大会常务委员会第三次会议批准）",
        ),
        [
            ("通过", D(2011, 5, 10), D(2011, 7, 29), None, None),
            ("修正", D(2012, 11, 30), D(2013, 5, 9), None, None),
        ],
    ),
    (
        "a lone 修订 line is a revision, not a promulgation",
        ("2021年9月29日 广东省第十三届人民代表大会常务委员会第三十五次会议修订）",),
        [("修订", D(2021, 9, 29), None, None, None)],
    ),
    (
        "a decree, its revision and the 施行 line",
        (
            "2007年4月5日 中华人民共和国国务院令第492号公布",
            "2019年4月3日 中华人民共和国国务院令第711号修订",
            "2019年5月15日 施行",
        ),
        [
            ("公布", D(2007, 4, 5), None, D(2007, 4, 5), None),
            ("修订", D(2019, 4, 3), None, None, D(2019, 5, 15)),
        ],
    ),
    (
        "a joint interpretation adopted by two organs",
        (
            "2018年9月3日 最高人民法院审判委员会第1747次会议、2018年12月12日最高人民检察院"
            "第十三届检察委员会第十一次会议通过",
            "2019年7月1日 施行",
        ),
        [("通过", D(2018, 12, 12), None, None, D(2019, 7, 1))],
    ),
    (
        "a publication within the year belongs to the adoption",
        (
            "2016年3月15日 丽水市第三届人民代表大会第七次会议通过",
            "2016年3月31日 浙江省第十二届人民代表大会常务委员会第二十八次会议批准",
            "2016年4月15日 丽水市第三届人民代表大会常务委员会公告第1号公布",
        ),
        [("通过", D(2016, 3, 15), D(2016, 3, 31), D(2016, 4, 15), None)],
    ),
    (
        "an approval dated before the adoption (a slip of the source) dates nothing",
        (
            "1999年4月14日 洛阳市第十一届人民代表大会常务委员会会第三次会议通过",
            "1995年5月30日 河南省第九届人民代表大会常务委员会第九次会议批准",
            "2012年8月22日 洛阳市第十三届人民代表大会常务委员会第三十一次会议修订通过",
            "2012年9月28日 河南省第十一届人民代表大会常务委员会第二十九次会议批准",
        ),
        [
            ("通过", D(1999, 4, 14), None, None, None),
            ("修订", D(2012, 8, 22), D(2012, 9, 28), None, None),
        ],
    ),
    (
        "amendments adopted as 修正案 and decisions",
        (
            "1979年7月1日 第五届全国人民代表大会第二次会议通过",
            "1997年3月14日 第八届全国人民代表大会第五次会议修订",
            "2011年2月25日 第十一届全国人民代表大会常务委员会第十九次会议通过的《中华人民共和国刑法修正案（八）》",
            "2023年12月29日 第十四届全国人民代表大会常务委员会第七次会议通过的《中华人民共和国刑法修正案（十二）》",
        ),
        [
            ("通过", D(1979, 7, 1), None, None, None),
            ("修订", D(1997, 3, 14), None, None, None),
            ("修正", D(2011, 2, 25), None, None, None),
            ("修正", D(2023, 12, 29), None, None, None),
        ],
    ),
]


@pytest.mark.parametrize(("notes", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_versions(notes: tuple[str, ...], expected: list[tuple[object, ...]]) -> None:
    assert _versions(*notes) == expected


def test_an_amendment_names_its_act() -> None:
    (_, amended) = versions(
        entries(
            (
                "1993年12月29日 第八届全国人民代表大会常务委员会第五次会议通过",
                "1999年12月25日 第九届全国人民代表大会常务委员会第十三次会议"
                "《关于修改〈中华人民共和国公司法〉的决定》第一次修正",
            )
        )
    )
    assert amended.by_decision and amended.label == "1999年修正"
    assert amended.entries[0].acting is not None
    assert amended.entries[0].acting.title == "关于修改〈中华人民共和国公司法〉的决定"


@pytest.mark.parametrize(
    ("line", "organ", "enacting_level"),
    [
        ("2019年6月25日 漯河市第七届人民代表大会常务委员会第二十二次会议通过", "漯河市人民代表大会常务委员会", "漯河市人民代表大会"),
        ("2007年4月5日 中华人民共和国国务院令第492号公布", "国务院", "国务院"),
        ("2000年3月15日 第九届全国人民代表大会第三次会议通过", "全国人民代表大会", "全国人民代表大会"),
        ("1993年12月29日 第八届全国人民代表大会常务委员会第五次会议通过", "全国人民代表大会常务委员会", "全国人民代表大会"),
        ("2020年12月7日 最高人民法院审判委员会第1820次会议通过", "最高人民法院", "最高人民法院"),
    ],
)  # fmt: skip
def test_enacting_organ(line: str, organ: str, enacting_level: str) -> None:
    assert enacting_organ(line) == organ
    assert level(organ) == enacting_level


def test_a_wrapped_entry_is_one_line(tmp_path: Path) -> None:
    """A 题注 entry broken inside a title, paragraphs apart, as a real file has it."""
    source = corpus_path("lawrefbook")
    path = next(source.rglob("浙江省村经济合作社组织条例(2020-07-31).md"))
    notes = [line.text for line in read(path).lines if line.style == "subtitle"]
    assert len(notes) == 3
    assert notes[-1].endswith("〈浙江省村经济合作社组织条例〉的决定》修正")
    assert [(v.kind, v.adopted) for v in versions(entries(notes))][-1] == ("修正", D(2020, 7, 31))
