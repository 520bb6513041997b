"""What a rendered gazette issue (政府公报) holds, for tests and benchmarks: the items and their
paragraphs (:class:`ItemSpec`, :class:`Para`), the issue (:class:`IssueSpec`), and where each
item landed once rendered (:class:`Layout`), so tests compare what the splitter finds with the
truth. The items' paragraphs come from real document texts (the gov.cn pages of the corpus, or
a document's plain text); :mod:`tests.gazette_pdf` and :mod:`tests.gazette_render` print them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path


@dataclasses.dataclass(frozen=True)
class Para:
    """One paragraph of an item as printed.

    ``style``: ``title`` (centred, large), ``number`` (centred 发文字号), ``center``, ``right``
    (signature and date), ``body`` (first line indented two characters) or ``flush`` (no
    indent, e.g. the recipients line).
    """

    text: str
    style: str = "body"


@dataclasses.dataclass(frozen=True)
class ItemSpec:
    """An item to print: its 目录 section and title, its number and its paragraphs."""

    section: str
    title: str
    number: str | None
    paras: tuple[Para, ...]
    toc_head: str | None = (
        None  # a decree's head line in the 目录 (``中华人民共和国国务院令（第706号）``)
    )
    source: str = ""

    @property
    def text(self) -> str:
        """The item's text, normalised: every paragraph, whitespace removed."""
        return normalise("".join(p.text for p in self.paras))


@dataclasses.dataclass(frozen=True)
class IssueSpec:
    """An issue to print."""

    gazette: str
    short: str  # the name in running headers (``国务院公报``)
    year: int
    numbers: tuple[int, ...]
    items: tuple[ItemSpec, ...]
    unit: str = "期"
    total: int | None = None
    total_style: str = "总号：{}"
    date: dt.date | None = None
    sponsor: str | None = None
    toc: str | None = "paren"  # "paren": ……（4）; "leader": …… 4; None: no 目录
    blank_after_toc: bool = False
    title_metadata: bool = True  # write the issue label into the PDF's Title

    @property
    def label(self) -> str:
        return f"{self.year}年第{'、'.join(str(n) for n in self.numbers)}{self.unit}"

    @property
    def running_header(self) -> str:
        numbers = "-".join(str(n) for n in (self.numbers[0], self.numbers[-1]))
        if len(self.numbers) == 1:
            numbers = str(self.numbers[0])
        return f"{self.short}\u3000{self.year}·{numbers}"


@dataclasses.dataclass
class PlacedItem:
    """Where an item landed."""

    spec: ItemSpec
    pdf_pages: tuple[int, int]  # 1-based
    pages: tuple[int, int]  # printed
    mid_page: bool  # starts below other text on its first page


@dataclasses.dataclass
class Layout:
    """The rendered issue: where everything landed."""

    spec: IssueSpec
    page_count: int
    body_first_pdf_page: int
    items: list[PlacedItem]
    page_texts: dict[int, str]  # PDF page -> normalised text printed on it (body and furniture)
    body_texts: dict[int, str] = dataclasses.field(default_factory=dict)  # without furniture

    def truth(self) -> list[dict[str, object]]:
        return [
            {
                "title": p.spec.title,
                "number": p.spec.number,
                "section": p.spec.section,
                "pages": list(p.pages),
                "pdf_pages": list(p.pdf_pages),
                "mid_page": p.mid_page,
            }
            for p in self.items
        ]


def normalise(text: str) -> str:
    """Text for comparison: NFC, every space removed."""
    import unicodedata

    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


# --- sources --------------------------------------------------------------------------------


def paras_from_body_html(path: Path) -> tuple[Para, ...]:
    """The paragraphs of a gov.cn body page (``NN.body.html``), styled as a gazette prints them.

    The title lines come first (the page breaks the title over several ``<p>``, or with inner
    spaces), then the number; after it, right-aligned paragraphs stay right-aligned, centred
    ones centred, the recipients line is flush left, everything else is an indented paragraph.
    """
    from lxml import html as lxml_html

    tree = lxml_html.parse(str(path))
    raw: list[tuple[str, str]] = []
    for p in tree.iter("p"):
        text = " ".join(p.text_content().split())
        if text:
            raw.append((text, (p.get("style") or "").replace(" ", "")))
    paras: list[Para] = []
    number_seen = False
    decree = bool(raw) and raw[0][0].endswith("令") and len(raw) > 1 and raw[1][0].startswith("第")
    for index, (text, style) in enumerate(raw):
        if decree and index < 2:
            paras.append(Para(text.replace(" ", ""), "number" if index else "title"))
            continue
        if not number_seen and not decree:
            if re.search(r"〔\d{4}〕\d+号$", text) and len(text) < 30:
                if " " in text and not text.startswith(text.split()[-1]):
                    # ``…的复函 国办函〔2005〕21号``: title and number on one line.
                    head, number = text.rsplit(" ", 1)
                    paras.extend(Para(piece, "title") for piece in head.split(" "))
                    paras.append(Para(number, "number"))
                else:
                    paras.append(Para(text, "number"))
                number_seen = True
                continue
            paras.extend(Para(piece, "title") for piece in text.split(" "))
            continue
        if "text-align:right" in style:
            paras.append(Para(text, "right"))
        elif "text-align:center" in style:
            paras.append(Para(text, "center"))
        elif text.endswith("：") and paras and paras[-1].style in ("number", "title"):
            paras.append(Para(text, "flush"))
        else:
            paras.append(Para(text, "body"))
    return tuple(paras)


def paras_from_document_text(text: str) -> tuple[Para, ...]:
    """A plain-text official document (red head, number, title, …, 抄送, 印发) as a gazette prints
    it: without the red head and the 版记, with the title above the number."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    if blocks and blocks[0].endswith("文件"):
        blocks = blocks[1:]
    number, title = blocks[0], blocks[1]
    rest = blocks[2:]
    cut = next((k for k, b in enumerate(rest) if b.startswith("抄送")), None)
    if cut is None and rest and rest[-1].endswith("印发"):
        cut = len(rest) - (2 if len(rest) > 1 and len(rest[-2]) < 20 else 1)
    rest = rest[:cut]
    paras = [Para(title, "title"), Para(number, "number")]
    date_seen = False
    for index, block in enumerate(rest):
        line = block.replace("\n", "")
        if index == 0 and line.endswith("："):
            paras.append(Para(line, "flush"))
        elif re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", line):
            paras.append(Para(line, "right"))
            date_seen = True
        elif (
            not date_seen
            and index + 1 < len(rest)
            and re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", rest[index + 1].strip())
        ):
            paras.append(Para(line, "right"))
        elif date_seen and len(line) < 30 and not re.match(r"^[（(第]", line):
            paras.append(Para(line, "title"))  # the attached document's title
        else:
            paras.append(Para(line, "body"))
    return tuple(paras)


def corpus_item(corpus: Path, number: str, section: str) -> ItemSpec:
    """An item from ``govcn/NN.body.html`` with its truth (title and number)."""
    import json

    truth = json.loads((corpus / "govcn" / f"{number}.truth.json").read_text(encoding="utf-8"))
    paras = paras_from_body_html(corpus / "govcn" / f"{number}.body.html")
    head = None
    doc_number = truth["发文字号"]
    if paras[0].text.endswith("令") and paras[1].text.startswith("第"):
        head = f"{paras[0].text}（{paras[1].text}）"
    return ItemSpec(section, truth["标题"], doc_number, paras, head, f"govcn/{number}")
