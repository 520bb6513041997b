"""Round trips: export to txt, html, docx and md, ingest the export again, get the same document.

For every document of the real corpus (the seed, the gov.cn pages and bodies, the laws, the
GB/T 9704 PDF): ingest the original into one archive, export each document, ingest the export
into a fresh archive, and compare the canonical text (every text's content hash, and the body
hash the export states) and the metadata the archive derived from the original.

A test skips, naming the missing module, while the reader for the original's format or for
the export's format is not in the tree.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path
from typing import Any

import pytest

import gazette
from gazette.export import format_module
from gazette.export.rendition import build
from ingest import ingest_paths
from ingest.sniff import sniff
from tests.conftest import ARCHIVE_DATA, CORPUS
from tests.export_fixtures import CASES, ON, store

FORMATS = ("txt", "html", "docx", "md")
READER_MODULES = {
    "txt": "ingest.readers.text",
    "md": "ingest.readers.markdown",
    "html": "ingest.readers.html",
    "docx": "ingest.readers.docx",
    "pdf": "ingest.readers.pdf",
    "ofd": "ingest.readers.ofd",
}
METADATA = (
    "title",
    "doc_number",
    "doc_type",
    "issuers",
    "issuer_mark",
    "signer",
    "copy_number",
    "secrecy",
    "urgency",
    "recipients",
    "cc",
    "written_date",
    "published_date",
    "printed_by",
    "printed_date",
    "note",
    "attachment_notes",
    "registration_number",
    "index_number",
    "subject",
    "part_label",
)


def corpus_files() -> list[Any]:
    patterns = (
        "seed/*.txt",
        "govcn/*.body.html",
        "govcn/*.page.html",
        "laws/*.md",
        "govdoc-cn/*.pdf",
        "renditions/*.docx",
        "renditions/*.pdf",
        "ofd/n.ofd",
    )
    files = sorted(p for pattern in patterns for p in CORPUS.glob(pattern))
    if not files:
        return [pytest.param(None, id="corpus-absent")]
    return [pytest.param(p, id=str(p.relative_to(CORPUS))) for p in files]


def sample_files() -> list[Any]:
    """The bundled sample corpus: every format, and a gazette issue whose items are standard
    texts (these run without the shared corpus)."""
    files = sorted(p for p in ARCHIVE_DATA.rglob("*") if p.is_file())
    return [pytest.param(p, id=str(p.relative_to(ARCHIVE_DATA))) for p in files]


def need_reader(fmt: str) -> None:
    module = READER_MODULES[fmt]
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"the {fmt} reader ({module.replace('.', '/')}.py) is not in this tree yet")


@dataclasses.dataclass
class Original:
    archive: gazette.Archive
    docs: list[gazette.Document]


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> Any:
    cache: dict[Path, Original] = {}
    opened: list[gazette.Archive] = []

    def get(path: Path) -> Original:
        if path not in cache:
            archive = gazette.open_archive(tmp_path_factory.mktemp("orig") / "a", actor="test")
            opened.append(archive)
            report = ingest_paths(archive, [path], jobs=1)
            assert report.summary["failed"] == 0, report.as_json()
            docs = [archive.internal.get(i) for i in report.results[0].ids]
            cache[path] = Original(archive, docs)
        return cache[path]

    yield get
    for archive in opened:
        archive.close()


def metadata(doc: gazette.Document) -> dict[str, Any]:
    out = {name: getattr(doc, name) for name in METADATA}
    out["doc_number"] = str(doc.doc_number) if doc.doc_number else None
    out["disclosure"] = doc.disclosure.attribute
    out["events"] = sorted((e.kind.value, e.date) for e in doc.events)
    out["parts"] = [metadata(p) for p in doc.parts]
    return out


def differences(a: dict[str, Any], b: dict[str, Any], where: str = "") -> list[str]:
    """The fields that differ, as ``field: before -> after`` (attachments as ``parts[k].field``)."""
    out = []
    for key in a:
        if key == "parts" and len(a[key]) == len(b[key]):
            for k, (pa, pb) in enumerate(zip(a[key], b[key], strict=True)):
                out.extend(differences(pa, pb, f"{where}parts[{k}]."))
        elif a[key] != b[key]:
            out.append(f"{where}{key}: {a[key]!r} -> {b[key]!r}")
    return out


def texts(doc: gazette.Document) -> list[str | None]:
    """Content hashes of the document's current text and its attachments', in order."""
    own = [doc.text.content_hash if doc.text else None]
    return own + [h for part in doc.parts for h in texts(part)]


def exported_text(doc: gazette.Document) -> list[str]:
    """The document's txt export, but for the 档案编号 line (a new archive's own id)."""
    text = format_module("txt").render(doc, on=ON).decode("utf-8")
    return [line for line in text.splitlines() if not line.startswith("【档案编号")]


def reingest(
    doc: gazette.Document, fmt: str, tmp_path: Path
) -> tuple[gazette.Document, dict[str, Any]]:
    """Export ``doc`` in ``fmt``, ingest the file into a fresh archive, return what it became."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / f"export{format_module(fmt).suffix}"
    path.write_bytes(format_module(fmt).render(doc, on=ON))
    assert sniff(path) == fmt
    with gazette.open_archive(tmp_path / f"again-{fmt}", actor="test") as archive:
        report = ingest_paths(archive, [path], jobs=1)
        (result,) = report.results
        assert result.outcome == "ingested", result.as_json()
        (doc_id,) = result.ids
        again = archive.internal.get(doc_id)
        detail = archive.conn.execute("SELECT detail FROM sources").fetchone()[0]
    return again, {"detail": detail}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("path", corpus_files())
def test_round_trip_on_the_real_corpus(
    path: Path | None, fmt: str, originals: Any, tmp_path: Path
) -> None:
    if path is None:
        pytest.skip(f"real corpus not available at {CORPUS} (../shared/corpus is absent)")
    need_reader(sniff(path))
    need_reader(fmt)
    original = originals(path)
    for doc in original.docs:
        again, info = reingest(doc, fmt, tmp_path / (doc.id or "doc"))
        assert texts(again) == texts(doc), f"{doc.id}: canonical text changed through {fmt}"
        assert build(again, on=ON).body_hash == build(doc, on=ON).body_hash
        changed = differences(metadata(doc), metadata(again))
        assert not changed, f"{doc.id}: metadata changed through {fmt}: {changed}"
        assert "differs from the SHA-256" not in info["detail"]
        assert exported_text(again) == exported_text(doc)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("path", sample_files())
def test_round_trip_on_the_sample_corpus(
    path: Path, fmt: str, originals: Any, tmp_path: Path
) -> None:
    need_reader(sniff(path))
    need_reader(fmt)
    original = originals(path)
    for doc in original.docs:
        again, info = reingest(doc, fmt, tmp_path / (doc.id or "doc"))
        assert texts(again) == texts(doc), f"{doc.id}: canonical text changed through {fmt}"
        changed = differences(metadata(doc), metadata(again))
        assert not changed, f"{doc.id}: metadata changed through {fmt}: {changed}"
        assert "differs from the SHA-256" not in info["detail"]
        assert exported_text(again) == exported_text(doc)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_round_trip_keeps_the_text_of_every_shape(case: str, fmt: str, tmp_path: Path) -> None:
    # The fixtures' metadata was not read from a text, so only the texts must come back.
    need_reader(fmt)
    with gazette.open_archive(tmp_path / "a", actor="test") as archive:
        doc = archive.internal.get(store(archive, CASES[case](), tmp_path))
    again, info = reingest(doc, fmt, tmp_path)
    assert texts(again) == texts(doc)
    assert "differs from the SHA-256" not in info["detail"]


def test_an_edited_export_is_reported(tmp_path: Path) -> None:
    doc = CASES["joint-in-force"]()
    path = tmp_path / "edited.txt"
    data = format_module("txt").render(doc, on=ON).decode()
    path.write_text(data.replace("请审定", "请批准"), encoding="utf-8")
    with gazette.open_archive(tmp_path / "a", actor="test") as archive:
        ingest_paths(archive, [path], jobs=1)
        detail = archive.conn.execute("SELECT detail FROM sources").fetchone()[0]
        again = next(archive.internal.documents())
    assert "differs from the SHA-256 its header states" in detail
    assert again.text is not None and "请批准" in again.text.text
    # the header is not part of the text, and its metadata was kept
    assert not again.text.text.startswith("【")


def test_header_metadata_comes_back(tmp_path: Path) -> None:
    doc = CASES["partial-portal-notice"]()
    again, _ = reingest(doc, "txt", tmp_path)
    assert again.index_number == "QC-2020-00031"
    assert again.subject == "城乡建设、环境保护\\城市道路"
    assert again.published_date == doc.published_date


# --- shapes that came back changed ------------------------------------------------------------

# A 印发 notice whose attachment has no 文种 in its title and opens with a 目录 of short lines:
# the lines were taken into the title (and, through a txt export where the 目录's one-cell table
# rows are plain lines, all of them were).
TOC_NOTICE = """<html><head><meta charset="utf-8"></head><body>
<p style="text-align:center">国务院办公厅关于印发国家中长期发展纲要的通知</p>
<p style="text-align:center">国办函〔2005〕57号</p>
<p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>
<p>《国家中长期发展纲要》已经国务院同意，现印发给你们，请认真贯彻执行。</p>
<p style="text-align:right">国务院办公厅</p>
<p style="text-align:right">二〇〇五年八月一日</p>
<p>国家中长期发展纲要</p>
<p>目　　录</p>
<table><tr><td>一、指导方针</td></tr><tr><td>二、发展目标</td></tr><tr><td>三、重点领域</td></tr></table>
<p>一、指导方针</p>
<p>坚持以人为本。</p>
</body></html>"""


@pytest.mark.parametrize("fmt", ["txt", "html", "docx"])
def test_table_of_contents_of_short_lines_comes_back_line_by_line(fmt: str, tmp_path: Path) -> None:
    original = tmp_path / "toc.html"
    original.write_text(TOC_NOTICE, encoding="utf-8")
    with gazette.open_archive(tmp_path / "a", actor="test") as archive:
        (result,) = ingest_paths(archive, [original], jobs=1).results
        doc = archive.internal.get(result.ids[0])
    assert [part.title for part in doc.parts] == ["国家中长期发展纲要"]
    again, info = reingest(doc, fmt, tmp_path / "again")
    assert exported_text(again) == exported_text(doc)
    assert [part.title for part in again.parts] == ["国家中长期发展纲要"]
    assert "differs from the SHA-256" not in info["detail"]


def test_title_broken_after_a_type_word_comes_back_whole(tmp_path: Path) -> None:
    # The DOCX export breaks a long title over lines; a line may end on a word that is also a
    # 文种 (规划, 办法), which once ended the title there.
    body = "\n".join(
        [
            "国务院关于城市总体规划纲要修编有关问题的批复",
            "国函〔2006〕6号",
            "各省、自治区、直辖市人民政府：",
            "现印发给你们，请认真贯彻执行。",
            "国务院办公厅",
            "2006年2月7日",
        ]
    )
    original = tmp_path / "notice.txt"
    original.write_text(body.replace("\n", "\n\n"), encoding="utf-8")
    with gazette.open_archive(tmp_path / "a", actor="test") as archive:
        (result,) = ingest_paths(archive, [original], jobs=1).results
        doc = archive.internal.get(result.ids[0])
    from gazette.export.docx import title_lines

    assert title_lines(doc.title or "", 20)[0].endswith("规划")
    again, _ = reingest(doc, "docx", tmp_path / "again")
    assert again.title == doc.title
    assert exported_text(again) == exported_text(doc)


def test_an_edited_export_is_reported_with_the_document(tmp_path: Path) -> None:
    doc = CASES["joint-in-force"]()
    path = tmp_path / "edited.txt"
    data = format_module("txt").render(doc, on=ON).decode()
    path.write_text(data.replace("请审定", "请批准"), encoding="utf-8")
    with gazette.open_archive(tmp_path / "a", actor="test") as archive:
        (result,) = ingest_paths(archive, [path], jobs=1).results
        again = archive.internal.get(result.ids[0])
    assert (result.outcome, result.reason) == ("ingested", "edited_export")
    assert result.notes and "edited after export" in result.notes[0]
    (source,) = again.sources
    assert source.notes == result.notes
    # an edited text is a file of its own: it does not claim the export's origin
    assert again.text is not None and again.text.origin.value == "file"


def test_an_edited_export_is_shown_as_such(run: Any, tmp_path: Path) -> None:
    doc = CASES["joint-in-force"]()
    path = tmp_path / "edited.txt"
    data = format_module("txt").render(doc, on=ON).decode()
    path.write_text(data.replace("请审定", "请批准"), encoding="utf-8")
    out = run("ingest", str(path)).stdout
    assert "正文在导出后被修改" in out, out
    shown = run.json("show", str(doc.doc_number), "--view", "internal")
    assert "edited after export" in shown["sources"][0]["notes"][0]
    text = run("show", str(doc.doc_number), "--view", "internal").stdout
    assert "注意：" in text and "正文在导出后被修改" in text, text
