"""The repeal grammar on real sentences: what repeals, what only names an act, what is left
for review. Every sentence below was found in a real statute collection (the lawrefbook and
laws folders of the corpus, and the LawRefBook collection they come from)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.repeals import acts_in
from tests.conftest import CORPUS, corpus_path

# Sentences that name an act and a repeal or expiry word, and repeal nothing: the act is the
# law to follow, the basis, or sits in a condition; or the 《》 names a licence.
MENTIONS = [
    # 山东省地方立法条例: made the 立法法 "repealed from 2017-03-01".
    "省和设区的市人民政府规章的制定、修改和废止，依照《中华人民共和国立法法》和国务院的有关规定执行。",
    "（二）违反本条例第十五条第一款第三项规定，销售超过安全使用期或者失效日期的产品的，"
    "依照《中华人民共和国产品质量法》第五十二条关于销售失效、变质的产品的处罚规定处罚。",
    "第二十八条 违反本条例第八条第（三）项规定的，依照《产品质量法》关于销售失效、变质的产品的处罚规定处罚。",
    "第一百九十五条 支付令失效后转入诉讼程序的，债权人应当按照《诉讼费用交纳办法》补交案件受理费。",
    "第一百六十四条 股票被盗、遗失或者灭失，股东可以依照《中华人民共和国民事诉讼法》规定的公示催告程序，"
    "请求人民法院宣告该股票失效。",
    "第十七条 县级以上产品质量监督部门依照《中华人民共和国产品质量法》第十八条的规定进行查封、扣押的期限不超过三十日，"
    "情况复杂的，经行政机关负责人批准，可以延长。产品安全使用期或者失效期不足六十日的，"
    "查封、扣押后的处理不得超过产品的安全使用期或者失效日期。",
    "《采矿许可证》有效期满，不办理延续登记手续的，《采矿许可证》自行废止。",
    "（四）无《收费许可证》或者使用失效、非法制作的《收费许可证》收费的；",
    "三、实施《北京市机构改革方案》需要制定、修改、废止地方性法规，或者需要由市人民代表大会常务委员会作出相关决定的，"
    "市人民政府应当及时提出议案，依照法定程序提请审议。",
    "条件不具备或者无线电联络失效的，应当依照本规定附录规定的国际通用的《搜寻援救的信号》进行联络。",
    "与《A办法》不一致的规定同时废止。",
]


@pytest.mark.parametrize("sentence", MENTIONS, ids=[s[:24] for s in MENTIONS])
def test_a_mention_repeals_nothing(sentence: str) -> None:
    assert acts_in(sentence) == []


# Sentences that repeal: the titles they end, with the outcome and the part (partial repeal).
REPEALS = [
    ("《浙江省水资源管理条例》同时废止。", [("浙江省水资源管理条例", "repeal", ())]),
    (
        "1984年12月25日河南省第六届人民代表大会常务委员会第十次会议通过的《河南省人民代表大会常务委员会工作条例（试行）》"
        "和1987年11月22日河南省第六届人民代表大会常务委员会第三十一次会议通过的《河南省人民代表大会常务委员会议事规则》同时废止。",
        [
            ("河南省人民代表大会常务委员会工作条例（试行）", "repeal", ()),
            ("河南省人民代表大会常务委员会议事规则", "repeal", ()),
        ],
    ),
    (
        "1984年8月5日，河南省人大常委会批准、河南省人民政府公布的《河南省植物检疫实施办法》"
        "和河南省人民政府1987年6月30日发布的《河南省森林植物检疫实施办法》同时废止。",
        [("河南省植物检疫实施办法", "repeal", ()), ("河南省森林植物检疫实施办法", "repeal", ())],
    ),
    (
        # The history of the act repealed names the decisions that amended it: those stay.
        "1984年4月3日河南省第六届人民代表大会常务委员会第六次会议审议通过、根据1989年11月8日河南省第七届人民代表大会"
        "常务委员会第十二次会议《关于修改〈河南省农作物种子管理条例（试行）〉的决定》第一次修正、根据1993年10月22日"
        "河南省第八届人民代表大会常务委员会第四次会议《关于修改〈河南省农作物种子管理条例〉的决定》第二次修正的"
        "《河南省农作物种子管理条例》同时废止。",
        [("河南省农作物种子管理条例", "repeal", ())],
    ),
    (
        "1987年2月洛阳市第八届人民代表大会常务委员会第十八次会议审议通过并经河南省人民代表大会常务委员会批准实施的"
        "《洛阳市关于游行示威的暂行规定》，自本规定施行之日起即行废止。",
        [("洛阳市关于游行示威的暂行规定", "repeal", ())],
    ),
    (
        "1989年12月20日郑州市第九届人民代表大会常务委员会第六次会议通过、1990年2月17日河南省第七届人民代表大会常务委员会"
        "第十四次会议批准的《郑州市城市园林绿化建设管理条例》，1996年12月20日郑州市第十届人民代表大会常务委员会"
        "第二十七次会议通过、1997年4月4日河南省第八届人民代表大会常务委员会第二十五次会议批准的"
        "《郑州市人民代表大会常务委员会关于修改〈郑州市城市园林绿化建设管理条例〉的决定》同时废止。",
        [
            ("郑州市城市园林绿化建设管理条例", "repeal", ()),
            (
                "郑州市人民代表大会常务委员会关于修改〈郑州市城市园林绿化建设管理条例〉的决定",
                "repeal",
                (),
            ),
        ],
    ),
    (
        "第五十二条 本条例自发布之日起施行，一九五四年九月七日政务院公布的《中华人民共和国劳动改造条例》"
        "中有关看守所的规定即行废止。",
        [("中华人民共和国劳动改造条例", "partially_invalid", ("有关看守所的规定",))],
    ),
    (
        # The issuer the sentence puts before 《关于…》 is part of the act's title.
        "本解释公布施行后，最高人民法院、最高人民检察院《关于办理盗窃、盗掘、非法经营和走私文物的案件具体应用法律的"
        "若干问题的解释》（法（研）发〔1987〕32号）同时废止；",
        [
            (
                "最高人民法院、最高人民检察院关于办理盗窃、盗掘、非法经营和走私文物的案件具体应用法律的若干问题的解释",
                "repeal",
                (),
            )
        ],
    ),
    (
        "《最高人民法院关于办理未成年人刑事案件适用法律的若干问题的解释》（法发〔1995〕9号）自本解释公布之日起不再执行。",
        [("最高人民法院关于办理未成年人刑事案件适用法律的若干问题的解释", "repeal", ())],
    ),
    (
        "一、废止《北京市社会治安综合治理条例》（1992年9月19日北京市第九届人民代表大会常务委员会第三十六次会议通过）",
        [("北京市社会治安综合治理条例", "repeal", ())],
    ),
    (
        "《中华人民共和国婚姻法》、《中华人民共和国继承法》、《中华人民共和国民法通则》、《中华人民共和国收养法》、"
        "《中华人民共和国担保法》、《中华人民共和国合同法》、《中华人民共和国物权法》、《中华人民共和国侵权责任法》、"
        "《中华人民共和国民法总则》同时废止。",
        [
            (f"中华人民共和国{name}", "repeal", ())
            for name in (
                "婚姻法",
                "继承法",
                "民法通则",
                "收养法",
                "担保法",
                "合同法",
                "物权法",
                "侵权责任法",
                "民法总则",
            )
        ],
    ),
]


@pytest.mark.parametrize(("sentence", "expected"), REPEALS, ids=[s[:24] for s, _ in REPEALS])
def test_a_repeal_clause_names_what_it_ends(
    sentence: str, expected: list[tuple[str, str, tuple[str, ...]]]
) -> None:
    acts = acts_in(sentence)
    assert [(a.target.title, a.outcome.value, a.articles) for a in acts] == expected
    assert not any(a.possible for a in acts)


def test_a_number_in_parentheses_goes_with_its_title() -> None:
    (act,) = acts_in(
        "《最高人民法院关于办理未成年人刑事案件适用法律的若干问题的解释》（法发〔1995〕9号）"
        "自本解释公布之日起不再执行。"
    )
    assert str(act.target.number) == "法发〔1995〕9号"


def test_a_clause_close_to_a_repeal_is_kept_for_review() -> None:
    # A verb and an act in one clause, the act governed by nothing, but no repeal's grammar.
    acts = acts_in("《A办法》中与本办法相抵触的规定同时废止。")
    assert [(a.target.title, a.possible) for a in acts] == [("A办法", True)]


# --- every such sentence of the corpus ----------------------------------------------------------

_VERB = re.compile(r"废止|失效|停止执行|不再执行")
_GOVERNED = re.compile(r"(?:依照|按照|根据|依据|违反|参照)[^，。；《》]*$")
_PLAIN_REPEAL = re.compile(r"《([^《》]+)》(?:[（(][^（）()]{1,40}[）)])?(?:同时|一并|即行)废止")


def _corpus_sentences() -> list[tuple[Path, str]]:
    out = []
    for folder in ("lawrefbook", "laws"):
        for path in sorted((CORPUS / folder).rglob("*.md")):
            body = path.read_text("utf-8").partition("<!-- INFO END -->")[2]
            for sentence in re.split(r"(?<=[。；])|\n", body):
                if "《" in sentence and _VERB.search(sentence):
                    out.append((path, sentence.strip()))
    return out


def test_every_repeal_sentence_of_the_corpus() -> None:
    """Over every sentence of the two collections with 废止/失效/停止执行 and a 《》 title: no
    act named as the law to follow is repealed, every plain ``《X》同时废止`` is read, and
    nothing is left for review."""
    corpus_path("lawrefbook")
    sentences = _corpus_sentences()
    assert len(sentences) >= 180
    read = 0
    for path, sentence in sentences:
        acts = acts_in(sentence)
        for act in acts:
            assert not act.possible, (path.name, sentence)
            start = sentence.find(act.target.text)
            assert start >= 0
            clause = re.split(r"[，。；]", sentence[:start])[-1]
            # 依照《X》 governs X; 根据…修正的《X》 describes X.
            governed = _GOVERNED.search(clause) and not clause.endswith("的")
            assert not governed, f"a mention taken for a repeal: {sentence}"
        found = {a.target.title for a in acts}
        for title in _PLAIN_REPEAL.findall(sentence):
            assert title in found, (path.name, sentence)
            read += 1
    assert read >= 180


_PIECES = [
    "《", "》", "〈", "〉", "（", "）", "、", "，", "和", "的", "部", "局", "院", "委员会",
    "最高人民法院", "同时", "废止", "失效", "停止执行", "修改", "第一条", "自", "起", "施行",
    "2019年1月1日", "通过", "批准", "修正", "依照", "根据", "有关", "规定", "中", "等", "办法",
    "条例", "国发〔2019〕1号", "本", "决定", "一、",
]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=300))
def test_any_sentence_reads_without_error(pieces: list[str]) -> None:
    """Sentences made of the grammar's own pieces, in any order and length: the grammar
    answers (the lists between acts and organs are apart by punctuation, so no pattern has
    two ways to match a long run of them), and only with acts the sentence names."""
    sentence = "".join(pieces)
    for decision in (False, True):
        for act in acts_in(sentence, decision=decision):
            assert act.target.text in sentence or act.target.title in sentence
