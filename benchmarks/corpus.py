"""Real texts for the search evaluation and benchmark, read from ``../shared/corpus``.

Each document becomes an :class:`~gazette.search.IndexRecord` (title, number, issuer, dates,
paragraphs). Portal pages give their metadata from the page's own table (``NN.truth.json``)
and their paragraphs from the body HTML; laws come from Markdown (title line, then text); the
seed and the GovDoc text go through the project's own text reader and element parser.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
from collections.abc import Iterator
from pathlib import Path

from gazette.dates import parse_date
from gazette.docnumber import DocNumber
from gazette.search import IndexRecord

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("GAZETTE_CORPUS", ROOT.parent / "shared" / "corpus"))

_SENTENCE = re.compile(r"[^。；！？]+[。；！？]?")


def available() -> bool:
    return (CORPUS / "govcn").is_dir()


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError:
        return None


def _html_paragraphs(path: Path) -> list[str]:
    from lxml import html

    tree = html.fromstring(path.read_bytes())
    out = []
    for element in tree.iter("p", "div", "td"):
        if element.tag != "p" and element.find(".//p") is not None:
            continue
        text = re.sub(r"\s+", "", element.text_content())
        if text:
            out.append(text)
    return out


def _govcn() -> Iterator[IndexRecord]:
    for truth_path in sorted((CORPUS / "govcn").glob("*.truth.json")):
        stem = truth_path.name.split(".")[0]
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        number = DocNumber.try_parse(truth.get("发文字号") or "")
        paragraphs = _html_paragraphs(CORPUS / "govcn" / f"{stem}.body.html")
        title = truth.get("标题") or ""
        yield IndexRecord(
            id=f"govcn-{stem}",
            rev=1,
            title=title,
            body="\n".join(paragraphs),
            numbers=(str(number),) if number else (),
            identifiers=(truth["索引号"],) if truth.get("索引号") else (),
            issuers=tuple(i for i in re.split(r"[、，,]", truth.get("发文机关") or "") if i),
            doc_type=_doc_type(title),
            written=_date(truth.get("成文日期")),
            published=_date(truth.get("发布日期")),
            disclosure="proactive",
            public=True,
        )


_TYPES = (
    "决议",
    "决定",
    "命令",
    "令",
    "公报",
    "公告",
    "通告",
    "意见",
    "通知",
    "通报",
    "报告",
    "请示",
    "批复",
    "复函",
    "函",
    "纪要",
    "条例",
    "办法",
    "规定",
    "法",
    "答复",
)


def _doc_type(title: str) -> str | None:
    for kind in _TYPES:
        if title.endswith(kind):
            return kind
    return None


def _laws() -> Iterator[IndexRecord]:
    for path in sorted((CORPUS / "laws").glob("*.md")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        lines = [line for line in lines if line and not line.startswith("<!--")]
        title = lines[0].lstrip("# ").strip()
        found = re.search(r"\((\d{4}-\d{2}-\d{2})\)", path.name)
        day = dt.date.fromisoformat(found.group(1)) if found else None
        yield IndexRecord(
            id=f"law-{path.stem}",
            rev=1,
            title=title,
            body="\n".join(line.lstrip("# ").strip() for line in lines[1:]),
            doc_type=_doc_type(title),
            written=day,
            disclosure="proactive",
            public=True,
        )


def _parsed_texts() -> Iterator[IndexRecord]:
    from ingest.readers import read
    from ingest.stages import parse

    for name, path in (
        ("seed", CORPUS / "seed" / "jinan-2017-27.txt"),
        ("govdoc-397", CORPUS / "govdoc-cn" / "397.txt"),
    ):
        if not path.exists():
            continue
        doc = parse(read(path, "txt"))
        text = doc.text
        blocks = [b.text for b in text.blocks] if text is not None else []
        for part in doc.parts:
            if part.text is not None:
                blocks.extend(b.text for b in part.text.blocks)
        yield IndexRecord(
            id=name,
            rev=1,
            title=doc.title or "",
            body="\n".join(blocks),
            numbers=(str(doc.doc_number),) if doc.doc_number else (),
            issuers=doc.issuers,
            doc_type=doc.doc_type,
            written=doc.written_date,
            disclosure="proactive",
            public=True,
        )


def real_records() -> list[IndexRecord]:
    """Every real document of the corpus as an index record."""
    return [*_govcn(), *_laws(), *_parsed_texts()]


def sentences(records: list[IndexRecord]) -> list[str]:
    """The sentences of the records' bodies (at least six characters)."""
    out = []
    for record in records:
        for paragraph in record.body.split("\n"):
            out.extend(s for s in _SENTENCE.findall(paragraph) if len(s) >= 6)
    return out


ISSUERS = (
    "国务院",
    "国务院办公厅",
    "济南市人民政府",
    "济南市人民政府办公厅",
    "发展改革委",
    "税务总局",
    "教育部",
    "财政部",
    "住房城乡建设部",
    "生态环境部",
    "山西省人民政府",
    "青川市人民政府",
    "青川市人民政府办公室",
    "交通运输部",
    "水利部",
    "农业农村部",
)
DOC_TYPES = ("通知", "意见", "决定", "批复", "函", "办法", "规定", "通报", "公告", "报告")


def synthetic_records(
    n: int, *, seed: int = 7, size: int = 3000, start: int = 0, pool: list[str] | None = None
) -> Iterator[IndexRecord]:
    """Documents of about ``size`` characters recombined from real sentences.

    Paragraphs are 2–6 real sentences drawn at random; titles are cut from real titles and
    sentences; issuers, types, dates and numbers are drawn from realistic sets. The same seed
    gives the same documents.
    """
    real = real_records()
    pool = pool or sentences(real)
    titles = [r.title for r in real if r.title]
    rnd = random.Random(seed)
    for i in range(start, start + n):
        paragraphs: list[str] = []
        total = 0
        while total < size:
            paragraph = "".join(rnd.choice(pool) for _ in range(rnd.randint(2, 6)))
            paragraphs.append(paragraph)
            total += len(paragraph)
        issuer = rnd.choice(ISSUERS)
        kind = rnd.choice(DOC_TYPES)
        topic = rnd.choice(pool)[: rnd.randint(6, 16)].rstrip("。；！？，")
        title = f"{issuer}关于{topic}的{kind}" if rnd.random() < 0.7 else rnd.choice(titles)
        year = rnd.randint(1990, 2024)
        written = dt.date(year, rnd.randint(1, 12), rnd.randint(1, 28))
        yield IndexRecord(
            id=f"syn-{i}",
            rev=1,
            title=title,
            body="\n".join(paragraphs),
            numbers=(f"{issuer[:2]}发〔{year}〕{rnd.randint(1, 300)}号",),
            issuers=(issuer,),
            doc_type=kind,
            written=written,
            published=written + dt.timedelta(days=rnd.randint(0, 30)),
            disclosure="proactive" if rnd.random() < 0.9 else "withheld",
            public=rnd.random() < 0.9,
        )
