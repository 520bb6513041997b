"""Low-level WordprocessingML for the DOCX export: python-docx, imported on first use, and
properties written in the order the schema requires, with the fonts of a run.
"""

from __future__ import annotations

from typing import Any

from gazette.errors import MissingDependency
from gazette.export.docx.standard import FONT_LATIN


class Ooxml:
    """The python-docx pieces, imported when a DOCX is first rendered."""

    def __init__(self) -> None:
        try:
            import docx
            from docx.oxml import OxmlElement
            from docx.oxml.ns import qn
            from docx.shared import Mm, Pt
        except ImportError as exc:  # pragma: no cover - a runtime dependency
            raise MissingDependency("DOCX导出", "python-docx", None) from exc
        self.docx = docx
        self.element = OxmlElement
        self.qn = qn
        self.Mm = Mm
        self.Pt = Pt


PPR_ORDER = (  # noqa: SIM905 - the schema's sequence, as it reads
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers"
    " pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE"
    " autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents"
    " suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle"
    " rPr sectPr pPrChange"
).split()
RPR_ORDER = (  # noqa: SIM905
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint"
    " noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u"
    " effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
).split()


_ORDER_INDEX: dict[int, dict[str, int]] = {}


def _order_index(ox: Ooxml, order: list[str]) -> dict[str, int]:
    key = id(order)
    if key not in _ORDER_INDEX:
        _ORDER_INDEX[key] = {ox.qn(f"w:{tag}"): k for k, tag in enumerate(order)}
    return _ORDER_INDEX[key]


def put(ox: Ooxml, parent: Any, tag: str, order: list[str], **attrs: str) -> Any:
    """Replace ``parent``'s child ``w:tag`` with a new one, keeping the schema's order."""
    qn = ox.qn
    name = qn(f"w:{tag}")
    for old in parent.findall(name):
        parent.remove(old)
    new = ox.element(f"w:{tag}")
    for key, value in attrs.items():
        new.set(qn(f"w:{key}"), value)
    index = _order_index(ox, order)
    position = index[name]
    for k, child in enumerate(parent):
        if index.get(child.tag, -1) > position:
            parent.insert(k, new)
            break
    else:
        parent.append(new)
    return new


def paragraph_properties(ox: Ooxml, paragraph: Any) -> Any:
    """The paragraph's ``w:pPr``, added if it has none."""
    return paragraph._p.get_or_add_pPr()


def set_fonts(
    ox: Ooxml, rpr: Any, east_asia: str, size: float, *, color: str | None = None
) -> None:
    """A run's fonts: ``east_asia`` for Chinese, Times New Roman for the rest; size, colour."""
    put(
        ox,
        rpr,
        "rFonts",
        RPR_ORDER,
        ascii=FONT_LATIN,
        hAnsi=FONT_LATIN,
        eastAsia=east_asia,
        cs=FONT_LATIN,
        hint="eastAsia",
    )
    if color:
        put(ox, rpr, "color", RPR_ORDER, val=color)
    half_points = str(round(size * 2))
    put(ox, rpr, "sz", RPR_ORDER, val=half_points)
    put(ox, rpr, "szCs", RPR_ORDER, val=half_points)
