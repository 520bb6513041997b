"""Render realistic gazette issues (政府公报) from known texts, for tests and benchmarks.

No public Chinese gazette PDF was available to the project, so the tests typeset their own from
real document texts (:mod:`tests.gazette_issues` says what an issue holds, :mod:`tests.gazette_pdf`
typesets and prints it). Each rendering returns a :class:`~tests.gazette_issues.Layout` recording
where every item landed (its PDF and printed pages) and the paragraphs it holds.

Variants: a born-digital PDF and a scanned PDF (:mod:`tests.gazette_pdf`), a DOCX issue
(python-docx) and an HTML web edition (an index page plus one page per item), here, with the
fixture issues made of the real corpus. The sample corpus's gazette
(``examples/make_gazette.py``) uses the same code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
from collections.abc import Iterable
from pathlib import Path

from tests.gazette_issues import IssueSpec, ItemSpec, Layout, Para, corpus_item
from tests.gazette_pdf import rasterise, render_pdf

# --- Word and web editions ------------------------------------------------------------------


def render_docx(spec: IssueSpec, path: Path, layout: Layout) -> None:
    """The issue as one Word file: cover, 目录 (title, tab, page with a dot leader), items."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
    from docx.shared import Pt

    document = docx.Document()
    document.core_properties.title = f"{spec.gazette} {spec.label}"

    def add(text: str, align: object = None, size: float = 14, indent: bool = False) -> object:
        paragraph = document.add_paragraph()
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        if align is not None:
            paragraph.alignment = align
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(2 * size)
        return paragraph

    add(spec.gazette, WD_ALIGN_PARAGRAPH.CENTER, 26)
    add(spec.label, WD_ALIGN_PARAGRAPH.CENTER, 18)
    if spec.total is not None:
        add(spec.total_style.format(spec.total), WD_ALIGN_PARAGRAPH.CENTER)
    if spec.date is not None:
        add(
            f"{spec.date.year}年{spec.date.month}月{spec.date.day}日出版", WD_ALIGN_PARAGRAPH.CENTER
        )
    document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    if spec.toc is not None:
        add("目\u3000\u3000录", WD_ALIGN_PARAGRAPH.CENTER, 20)
        section = None
        for entry in layout.items:
            if entry.spec.section != section:
                section = entry.spec.section
                add(f"【{section}】")
            if entry.spec.toc_head:
                add(entry.spec.toc_head, size=12)
            paragraph = add(f"{entry.spec.title}\t{entry.pages[0]}", size=12)
            paragraph.paragraph_format.tab_stops.add_tab_stop(  # type: ignore[attr-defined]
                Pt(440), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
            )
        document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    for entry in layout.items:
        for para in entry.spec.paras:
            if para.style == "title":
                add(para.text, WD_ALIGN_PARAGRAPH.CENTER, 20)
            elif para.style in ("number", "center"):
                add(para.text, WD_ALIGN_PARAGRAPH.CENTER)
            elif para.style == "right":
                add(para.text, WD_ALIGN_PARAGRAPH.RIGHT)
            else:
                add(para.text, indent=para.style == "body")
    document.save(str(path))


def render_html(spec: IssueSpec, folder: Path) -> list[str]:
    """The issue as a web edition: ``index.html`` (cover data and 目录 with links) and one page
    per item (``content_N.html``). Returns the item page names in order."""
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    toc: list[str] = []
    section = None
    for index, item in enumerate(spec.items, start=1):
        name = f"content_{index}.html"
        names.append(name)
        if item.section != section:
            if section is not None:
                toc.append("</ul>")
            section = item.section
            toc.append(f"<h3>【{html.escape(section)}】</h3><ul>")
        head = f"{html.escape(item.toc_head)}<br>" if item.toc_head else ""
        toc.append(f'<li>{head}<a href="{name}">{html.escape(item.title)}</a></li>')
        body = []
        for para in item.paras:
            align = {"title": "center", "number": "center", "center": "center", "right": "right"}
            style = (
                f"text-align: {align[para.style]}"
                if para.style in align
                else ("text-indent: 2em" if para.style == "body" else "")
            )
            tag = "h1" if para.style == "title" else "p"
            body.append(f'<{tag} style="{style}">{html.escape(para.text)}</{tag}>')
        (folder / name).write_text(
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
            f"<title>{html.escape(item.title)}</title></head><body>"
            f'<div class="pages_content">{"".join(body)}</div>'
            f'<p class="nav"><a href="index.html">返回目录</a></p></body></html>\n',
            encoding="utf-8",
        )
    toc.append("</ul>")
    total = f"<p>{html.escape(spec.total_style.format(spec.total))}</p>" if spec.total else ""
    date = f"<p>{spec.date.year}年{spec.date.month}月{spec.date.day}日出版</p>" if spec.date else ""
    (folder / "index.html").write_text(
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{html.escape(spec.gazette)} {spec.label}</title></head><body>"
        f"<h1>{html.escape(spec.gazette)}</h1><p>{spec.label}</p>{total}{date}"
        f"<h2>目录</h2>{''.join(toc)}</body></html>\n",
        encoding="utf-8",
    )
    return names


# --- fixtures made of the real corpus -------------------------------------------------------

PERSONNEL = ItemSpec(
    section="人事任免",
    title="国务院任免国家工作人员",
    number=None,
    paras=(
        Para("国务院任免国家工作人员", "title"),
        Para(
            "任命陈立新为国家发展和改革委员会副主任；免去周文华的国家发展和改革委员会副主任职务。"
        ),
        Para("任命孙建平为教育部副部长。"),
        Para("免去刘志强的水利部副部长职务。"),
    ),
    source="written for the tests",
)


def national_issue(corpus: Path, **overrides: object) -> IssueSpec:
    """A combined issue of the State Council gazette made of eight real documents: a decree,
    State Council and General Office documents (one title wraps over three lines, one item is
    a few lines long), and a personnel item with no number."""
    items = (
        corpus_item(corpus, "58", "国务院令"),
        corpus_item(corpus, "01", "国务院文件"),
        corpus_item(corpus, "16", "国务院文件"),
        corpus_item(corpus, "55", "国务院文件"),
        corpus_item(corpus, "13", "国务院办公厅文件"),
        corpus_item(corpus, "28", "国务院办公厅文件"),
        corpus_item(corpus, "37", "国务院办公厅文件"),
        PERSONNEL,
    )
    fields: dict[str, object] = {
        "gazette": "中华人民共和国国务院公报",
        "short": "国务院公报",
        "year": 2019,
        "numbers": (5, 6),
        "items": items,
        "total": 1654,
        "date": dt.date(2019, 2, 28),
        "sponsor": "中华人民共和国国务院办公厅主办",
        "toc": "paren",
        "blank_after_toc": True,
    }
    fields.update(overrides)
    return IssueSpec(**fields)  # type: ignore[arg-type]


def small_issue(corpus: Path, **overrides: object) -> IssueSpec:
    """A short single issue (three short items, leader-style page numbers, ``总第N期``): the
    scanned fixture, small enough to OCR in the test suite."""
    items = (
        corpus_item(corpus, "16", "国务院文件"),
        corpus_item(corpus, "31", "国务院办公厅文件"),
        corpus_item(corpus, "28", "国务院办公厅文件"),
    )
    fields: dict[str, object] = {
        "gazette": "中华人民共和国国务院公报",
        "short": "国务院公报",
        "year": 2006,
        "numbers": (30,),
        "unit": "号",
        "items": items,
        "total": 738,
        "total_style": "总第{}期",
        "date": dt.date(2006, 10, 30),
        "toc": "leader",
    }
    fields.update(overrides)
    return IssueSpec(**fields)  # type: ignore[arg-type]


def render_all(
    spec: IssueSpec, folder: Path, stem: str, formats: Iterable[str] = ("pdf",)
) -> Layout:
    """Render ``spec`` into ``folder`` in the given formats (``pdf``, ``scan``, ``docx``,
    ``html``); returns the layout of the PDF."""
    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / f"{stem}.pdf"
    layout = render_pdf(spec, pdf)
    formats = set(formats)
    if "scan" in formats:
        rasterise(pdf, folder / f"{stem}-scan.pdf")
    if "docx" in formats:
        render_docx(spec, folder / f"{stem}.docx", layout)
    if "html" in formats:
        render_html(spec, folder / f"{stem}-web")
    return layout


@dataclasses.dataclass
class Fixtures:
    """The issues the tests use, rendered once per session."""

    folder: Path
    national: Layout  # combined issue, 目录 with （N） markers, a blank page after the 目录
    national_pdf: Path
    national_docx: Path
    national_web: Path  # the web edition's index page
    notoc: Layout  # the same items without a 目录
    notoc_pdf: Path
    small: Layout  # single issue, 目录 with …… N markers, 总第N期
    small_pdf: Path
    small_scan: Path  # rasterised at 300 dpi, no text layer, no PDF Title
    small_scan_titled: Path  # the same scan with the issue named in its PDF Title


def render_fixtures(corpus: Path, folder: Path) -> Fixtures:
    """Render every fixture issue into ``folder``."""
    national = national_issue(corpus)
    national_layout = render_all(national, folder, "national", formats=("pdf", "docx", "html"))
    notoc_layout = render_all(national_issue(corpus, toc=None), folder, "notoc")
    small = small_issue(corpus)
    small_layout = render_all(small, folder, "small")
    rasterise(folder / "small.pdf", folder / "small-scan.pdf")
    scan_title = f"{small.gazette} {small.label}"
    rasterise(folder / "small.pdf", folder / "small-scan-titled.pdf", title=scan_title)
    return Fixtures(
        folder=folder,
        national=national_layout,
        national_pdf=folder / "national.pdf",
        national_docx=folder / "national.docx",
        national_web=folder / "national-web" / "index.html",
        notoc=notoc_layout,
        notoc_pdf=folder / "notoc.pdf",
        small=small_layout,
        small_pdf=folder / "small.pdf",
        small_scan=folder / "small-scan.pdf",
        small_scan_titled=folder / "small-scan-titled.pdf",
    )
