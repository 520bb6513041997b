"""What OCR engines do to official-document punctuation, undone.

Half-width commas, colons and parentheses next to Chinese characters become full-width, a
document number's year gets its 〔〕 back, 〇 in a Chinese-numeral year is restored, an opening
parenthesis read as 〈 is mended, and the vertical forms of brackets and dashes that a vertical
page yields (︵ ︶ ﹁ ﹂ ︱) become the ordinary ones.
"""

from __future__ import annotations

import re
import unicodedata

# Half-width punctuation Tesseract puts next to Chinese characters, and its full-width form.
_HALF_TO_FULL = str.maketrans(
    {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
)
_CJK = "\u3400-\u9fff"
_HALF_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])[,:;?!()]|[,:;?!()](?=[{_CJK}])")
# A document number's year in square or lenticular brackets: GB/T 9704 prints 〔2018〕.
_NUMBER_YEAR = re.compile(
    rf"(?<=[{_CJK}])\s*[\[【(（〔]?\s*((?:19|20)[0-9]{{2}})\s*[\]】)）〕]\s*(?=[0-9]+\s*号)"
)
# 〇 in a year written in Chinese numerals, read as O, 0, CO or GO: 二CO〇GO四年 → 二〇〇四年.
_CN_DIGIT = "一二三四五六七八九〇○零"
_CN_YEAR = re.compile(rf"(?<![A-Za-z0-9])(?:[{_CN_DIGIT}]|[CG]?[O0o])+(?=年)")
_YEAR_UNIT = re.compile(rf"[{_CN_DIGIT}]|[CG]?[O0o]")
_ZERO = re.compile(r"[CG]?[O0o]")
# An opening parenthesis read as an angle bracket: 〈以下简称运动会） → （以下简称运动会）,
# 《此件公开发布） → （此件公开发布）. A title in 《》 closes with 》 first and is left alone.
_ANGLE_PAREN = re.compile(r"[〈《](?=[^〈〉《》（）()]{1,30}[）)])")


def _mend_year(match: re.Match[str]) -> str:
    run = match.group(0)
    units = _YEAR_UNIT.findall(run)
    if len(units) == 4 and any(u in _CN_DIGIT for u in units):
        return _ZERO.sub("〇", run)
    return run  # not four digits: leave what cannot be mended unambiguously


_VERTICAL_FORMS = re.compile("[\ufe10-\ufe19\ufe30-\ufe4f]")


def tidy(text: str) -> str:
    """Undo what OCR does to official-document punctuation (see the module docstring)."""
    text = _VERTICAL_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)
    text = _HALF_NEAR_CJK.sub(lambda m: m.group(0).translate(_HALF_TO_FULL), text)
    text = _NUMBER_YEAR.sub(r"〔\1〕", text)
    text = _CN_YEAR.sub(_mend_year, text)
    return _ANGLE_PAREN.sub("（", text)


__all__ = ["tidy"]
