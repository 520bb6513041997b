"""Document numbers: every spelling parses to one canonical value."""

from __future__ import annotations

import csv

import pytest

from gazette import DocNumber, InvalidDocNumber
from tests.conftest import corpus_path


@pytest.mark.parametrize(
    ("text", "canonical", "agency", "year", "serial", "family"),
    [
        ("济政办发〔2017〕27号", "济政办发〔2017〕27号", "济政办发", 2017, 27, "standard"),
        ("济政办发[2017]27号", "济政办发〔2017〕27号", "济政办发", 2017, 27, "standard"),
        ("济政办发(2017)27号", "济政办发〔2017〕27号", "济政办发", 2017, 27, "standard"),
        ("济政办发（2017）27号", "济政办发〔2017〕27号", "济政办发", 2017, 27, "standard"),
        ("济政办发【2017】27号", "济政办发〔2017〕27号", "济政办发", 2017, 27, "standard"),
        ("济政办发﹝2017﹞27号", "济政办发〔2017〕27号", "济政办发", 2017, 27, "standard"),
        ("济政办发〔2017）27号", "济政办发〔2017〕27号", "济政办发", 2017, 27, "standard"),
        ("济政办发〔２０１７〕２７号", "济政办发〔2017〕27号", "济政办发", 2017, 27, "standard"),
        ("济政办发〔2017〕027号", "济政办发〔2017〕27号", "济政办发", 2017, 27, "standard"),
        ("济政办发〔2017〕第27号", "济政办发〔2017〕27号", "济政办发", 2017, 27, "standard"),
        ("豫政办 〔2014〕3号", "豫政办〔2014〕3号", "豫政办", 2014, 3, "standard"),
        (
            "发文字号：晋政办发〔2022〕92号",
            "晋政办发〔2022〕92号",
            "晋政办发",
            2022,
            92,
            "standard",
        ),
        ("渝府办发〔 2022 〕96 号", "渝府办发〔2022〕96号", "渝府办发", 2022, 96, "standard"),
        ("国办发明电〔2018〕15号", "国办发明电〔2018〕15号", "国办发明电", 2018, 15, "standard"),
        (
            "的通知沪发改价管〔2023〕35号",
            "沪发改价管〔2023〕35号",
            "沪发改价管",
            2023,
            35,
            "standard",
        ),
        ("国令第707号", "国令第707号", "国令", None, 707, "order"),
        ("中华人民共和国国务院令 第707号", "国令第707号", "国令", None, 707, "order"),
        (
            "山西省人民政府令第181号",
            "山西省人民政府令第181号",
            "山西省人民政府令",
            None,
            181,
            "order",
        ),
        ("省政府令 第118号", "省政府令第118号", "省政府令", None, 118, "order"),
        ("令（2016年第60号）", "令2016年第60号", "令", 2016, 60, "yearly"),
        ("公告2024年第3号", "公告2024年第3号", "公告", 2024, 3, "yearly"),
        (
            "交通运输部令2016年第60号",
            "交通运输部令2016年第60号",
            "交通运输部令",
            2016,
            60,
            "yearly",
        ),
    ],
    ids=lambda value: str(value),
)
def test_parse_spellings(
    text: str, canonical: str, agency: str, year: int | None, serial: int, family: str
) -> None:
    number = DocNumber.parse(text)
    assert str(number) == canonical
    assert (number.agency, number.year, number.serial, number.family) == (
        agency,
        year,
        serial,
        family,
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "关于印发工作要点的通知",
        "2017年6月28日",
        "HFGS—2017—9",
        "000014349/2018-00222",
        "〔2017〕27号",
    ],
)
def test_no_number_raises(text: str) -> None:
    with pytest.raises(InvalidDocNumber):
        DocNumber.parse(text)
    assert DocNumber.try_parse(text) is None


def test_equality_is_by_canonical_form() -> None:
    assert DocNumber.parse("济政办发[2017]27号") == DocNumber.parse("济政办发〔2017〕27号")
    assert (
        len({DocNumber.parse("国令第707号"), DocNumber.parse("中华人民共和国国务院令第707号")}) == 1
    )
    assert DocNumber.parse("国发〔2018〕41号") != DocNumber.parse("国发〔2018〕42号")


def test_invalid_docnumber_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        DocNumber.parse("nothing here")


def test_find_every_number_in_running_text() -> None:
    text = (
        "为贯彻落实《国务院关于印发社会信用体系建设规划纲要（2014-2020年）的通知》（国发〔2014〕21号）、"
        "《国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》"
        "（国发〔2016〕33号）和国令第707号"
    )
    assert [str(n) for n in DocNumber.find(text)] == [
        "国发〔2014〕21号",
        "国发〔2016〕33号",
        "国令第707号",
    ]


def test_number_broken_across_lines() -> None:
    assert str(DocNumber.parse("国函〔\n2006\n〕38号")) == "国函〔2006〕38号"


def test_every_number_in_the_real_sample_parses() -> None:
    path = corpus_path("docnumbers-sample.tsv")
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    parsed = [DocNumber.try_parse(row["doc_number"]) for row in rows]
    failures = [row["doc_number"] for row, n in zip(rows, parsed, strict=True) if n is None]
    print(f"\ndocnumbers-sample.tsv: {len(rows) - len(failures)}/{len(rows)} parse")
    assert not failures
    # Canonical spellings are stable: parsing the canonical form gives itself.
    for number in parsed:
        assert number is not None
        assert str(DocNumber.parse(str(number))) == str(number)
        assert "〔" in str(number) or number.family != "standard"
