"""A partial disclosure (部分公开) follows the content it withholds, into every rendition and
version, every public command and every export; what it withholds of the title and number
names no document publicly; public search trusts the catalog, not the index.

The renditions are real: a gov.cn policy as its body and as its portal page, and 公司法 in its
2018 and 2023 texts (``../shared/corpus``); the repeal notices are written here.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from typing import Any

import attrs
import pytest

import gazette
from gazette.disclosure import WITHHELD_PLACEHOLDER
from tests.conftest import ROOT, Cli, corpus_path


def _blocks(run: Cli, ref: str) -> list[dict[str, Any]]:
    data = run.json("show", ref, "--text", "--view", "internal")
    return data["versions"][-1]["blocks"]


def _walk(value: Any) -> str:
    """Every string reachable from a Python object (attrs classes walked recursively)."""
    out: list[str] = []

    def visit(item: Any) -> None:
        if isinstance(item, str):
            out.append(item)
        elif attrs.has(type(item)):
            for field in attrs.fields(type(item)):
                visit(getattr(item, field.name))
        elif isinstance(item, dict):
            for key, sub in item.items():
                visit(key)
                visit(sub)
        elif isinstance(item, (list, tuple, set, frozenset)):
            for sub in item:
                visit(sub)
        elif item is not None and not isinstance(item, (int, float, bool)):
            out.append(str(item))

    visit(value)
    return "\n".join(out)


def _folder_text(folder: Path) -> str:
    """Everything written under a folder, Word files' runs joined."""
    texts = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if data[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                for name in package.namelist():
                    xml = package.read(name).decode("utf-8", "replace")
                    texts.append("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)))
                    texts.append(xml)
        else:
            texts.append(data.decode("utf-8", "replace"))
    return "\n".join(texts)


def _public_everything(run: Cli, ref: str, tmp_path: Path, name: str) -> str:
    """What every public command shows of one document, as one text."""
    out = [
        run("show", ref, "--text").stdout,
        run("show", ref, "--text", "--json").stdout,
        run("status", ref, "--json").stdout,
        run("timeline", ref).stdout,
        run("timeline", ref, "--json").stdout,
        run("list", "--json", "--all-parts").stdout,
        run("diff", ref).stdout if run("diff", ref, expect=None).exit_code == 0 else "",
    ]
    for fmt in ("txt", "md", "html", "json", "akn"):
        out.append(run("export", ref, "--format", fmt).stdout)
    folder = tmp_path / f"{name}-exports"
    single = tmp_path / f"{name}-single"
    single.mkdir()
    run("export", ref, "--format", "docx", "-o", str(single / f"{name}.docx"))
    out.append(_folder_text(single))
    run("export", "--all", *(f"--format={f}" for f in ("docx", "json", "akn")), "-o", str(folder))
    out.append(_folder_text(folder))
    bag = tmp_path / f"{name}-bag"
    run("export", "--bag", str(bag), ref)
    out.append(_folder_text(bag))
    return "\n".join(out)


# --- 1. other renditions -------------------------------------------------------------------


def test_withheld_paragraph_stays_withheld_in_every_rendition(run: Cli, tmp_path: Path) -> None:
    body = corpus_path("govcn", "01.body.html")
    run("ingest", str(body))
    doc_id = run.json("list", "--view", "internal")["documents"][0]["id"]
    blocks = _blocks(run, doc_id)
    index = next(i for i, b in enumerate(blocks) if b["text"].startswith("坚持全面覆盖"))
    secret = blocks[index]["text"]
    run("disclosure", "set", doc_id, "partial", "--withhold", str(index), "--reason", "测试")
    # Another rendition (the portal page), and a variant text with one more paragraph.
    run("ingest", str(corpus_path("govcn", "01.page.html")))
    lines = [b["text"] for b in blocks]
    lines.insert(index - 1, "各地区要结合实际认真贯彻落实。")  # before: positions move
    variant = tmp_path / "variant.txt"
    variant.write_text("\n\n".join(lines) + "\n", "utf-8")
    merged = run.json("ingest", str(variant))["results"][0]
    assert merged["merged"] == [doc_id]
    assert len(run.json("show", doc_id, "--view", "internal")["versions"]) == 3
    shown = _public_everything(run, doc_id, tmp_path, "one")
    assert secret[:20] not in shown
    assert "坚持全面覆盖" not in shown
    for n in (1, 2, 3):
        for m in (1, 2, 3):
            if n != m:
                assert "坚持全面覆盖" not in run("diff", f"{doc_id}@{n}", f"{doc_id}@{m}").stdout
    # The public view still shows the renditions, with the paragraph replaced.
    versions = run.json("show", doc_id, "--text")["versions"]
    assert len(versions) == 3
    for version in versions:
        assert WITHHELD_PLACEHOLDER in [b["text"] for b in version["blocks"]]
    archive = gazette.open_archive(run.archive_dir)
    try:
        assert "坚持全面覆盖" not in _walk(archive.public.get(doc_id))
        assert "坚持全面覆盖" in _walk(archive.internal.get(doc_id))
    finally:
        archive.close()


_TITLE = "关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见"


def _retitled_page(tmp_path: Path, *, date: str | None = None) -> Path:
    """The portal page of govcn/01 as another portal titles it (and, given ``date``, dates
    it): the same document the archive cannot match by its title."""
    page = corpus_path("govcn", "01.page.html").read_text("utf-8")
    page = page.replace(_TITLE, "关于在市场监管领域推行联合监管的实施意见")
    if date is not None:
        page = page.replace("2019年01月27日", date).replace("2019年1月27日", date)
    path = tmp_path / "retitled.html"
    path.write_text(page, "utf-8")
    return path


def _withhold_first_principle(run: Cli) -> tuple[str, str]:
    doc_id = run.json("list", "--view", "internal")["documents"][0]["id"]
    blocks = _blocks(run, doc_id)
    index = next(i for i, b in enumerate(blocks) if b["text"].startswith("坚持全面覆盖"))
    run("disclosure", "set", doc_id, "partial", "--withhold", str(index), "--reason", "测试")
    return doc_id, blocks[index]["text"]


def _public_reads(run: Cli) -> str:
    out = [run("search", "坚持全面覆盖").stdout, run("search", "坚持全面覆盖", "--json").stdout]
    for doc in run.json("list", "--json")["documents"]:
        out.append(run("show", doc["id"], "--text", "--json").stdout)
        out.append(run("export", doc["id"], "--format", "txt").stdout)
    return "\n".join(out)


def test_a_retitled_rendition_of_the_same_number_and_day_is_the_same_document(
    run: Cli, tmp_path: Path
) -> None:
    run("ingest", str(corpus_path("govcn", "01.body.html")))
    doc_id, secret = _withhold_first_principle(run)
    result = run.json("ingest", str(_retitled_page(tmp_path)))["results"][0]
    assert result["merged"] == [doc_id]
    shown = _public_reads(run)
    assert "坚持全面覆盖" not in shown and secret[:20] not in shown


def test_a_rendition_held_apart_withholds_what_the_other_withholds(
    run: Cli, tmp_path: Path
) -> None:
    """Another number-day pair, so not merged: ingested after the decision, and before it."""
    for order in ("after", "before"):
        archive = tmp_path / order
        run.archive_dir = archive
        run("ingest", str(corpus_path("govcn", "01.body.html")))
        if order == "before":
            other = run.json("ingest", str(_retitled_page(tmp_path, date="2019年2月1日")))
            doc_id, secret = _withhold_first_principle(run)
        else:
            doc_id, secret = _withhold_first_principle(run)
            other = run.json("ingest", str(_retitled_page(tmp_path, date="2019年2月1日")))
        (other_id,) = other["results"][0]["ids"]
        assert other["results"][0]["merged"] == []
        assert other_id != doc_id
        shown = _public_reads(run)
        assert "坚持全面覆盖" not in shown and secret[:20] not in shown, order
        disclosure = run.json("show", other_id, "--view", "internal")["disclosure"]
        assert disclosure["attribute"] == "partial", (order, disclosure)
        assert doc_id in disclosure["basis"]
        # The rendition is still public, its other paragraphs readable.
        assert "双随机" in run("show", other_id, "--text").stdout


# --- 2. withholding follows content, not positions ----------------------------------------


def test_withholding_follows_the_paragraph_across_versions(run: Cli) -> None:
    run(
        "ingest",
        str(corpus_path("laws", "公司法(2018-10-26).md")),
        str(corpus_path("laws", "公司法(2023-12-29).md")),
    )
    doc_id = run.json("list", "--view", "internal")["documents"][0]["id"]
    blocks = _blocks(run, doc_id)
    two = next(i for i, b in enumerate(blocks) if b["text"].startswith("第二条"))
    three = next(i for i, b in enumerate(blocks) if b["text"].startswith("第三条"))
    run(
        "disclosure", "set", doc_id, "partial",
        "--withhold", str(two), "--withhold", str(three), "--reason", "测试",
    )  # fmt: skip
    secrets = ("本法所称公司，是指", "本法所称公司是指", "公司是企业法人")
    current = run("show", doc_id, "--text").stdout
    assert not [s for s in secrets if s in current]
    assert current.count(WITHHELD_PLACEHOLDER) == 2
    # Every other paragraph of the current text is there.
    for block in blocks:
        if block["text"][:3] not in ("第二条", "第三条"):
            assert block["text"] in current
    # The 2018 text's 第二条 differs from the 2023 one withheld: that version cannot be
    # redacted by content, so it is not public at all (not shown with a wrong paragraph cut).
    old = run("show", doc_id, "--text", "--on", "2020-01-01").stdout
    assert not [s for s in secrets if s in old]
    assert "第一条" not in old
    assert "依法不予公开" in old
    internal_old = run("show", doc_id, "--text", "--on", "2020-01-01", "--view", "internal")
    assert "本法所称公司是指依照本法在中国境内" in internal_old.stdout
    for version in run.json("show", doc_id, "--text")["versions"]:
        text = json.dumps(version, ensure_ascii=False)
        assert not [s for s in secrets if s in text]


# --- 3 and 4. excerpts, titles and numbers -------------------------------------------------

OLD = """\
青川市人民政府办公室文件

青政办发〔2019〕8号

青川市人民政府办公室关于加强政务信息报送工作的通知

各区县人民政府，市政府各部门：

为进一步做好政务信息报送工作，现就有关事项通知如下。

一、各单位应当明确专人负责政务信息报送。

本通知自2019年5月1日起施行。

青川市人民政府办公室

2019年4月20日

（此件公开发布）
"""

NEW = """\
青川市人民政府办公室文件

青政办发〔2024〕3号

青川市人民政府办公室关于印发青川市政务信息工作规程的通知

各区县人民政府，市政府各部门：

《青川市政务信息工作规程》已经市政府同意，现印发给你们，请认真贯彻执行。

一、政务信息工作由市政府办公室统一归口管理。

二、内部联络人为办公室秘书科王某某，联系电话13800001111。

本规程自2024年3月1日起施行。《青川市人民政府办公室关于加强政务信息报送工作的通知》（青政办发〔2019〕8号）同时废止。

青川市人民政府办公室

2024年2月1日

（此件公开发布）
"""

NEW_TITLE = "青川市人民政府办公室关于印发青川市政务信息工作规程的通知"
NEW_NUMBER = "青政办发〔2024〕3号"


@pytest.fixture
def repealed(run: Cli, tmp_path: Path) -> tuple[Cli, str, str]:
    """A public notice repealed by a newer one whose title, number, contact paragraph and
    repeal clause are withheld."""
    for name, text in (("old.txt", OLD), ("new.txt", NEW)):
        (tmp_path / name).write_text(text, "utf-8")
    run("ingest", str(tmp_path / "old.txt"), str(tmp_path / "new.txt"))
    new_id = run.json("show", NEW_NUMBER, "--view", "internal")["id"]
    old_id = run.json("show", "青政办发〔2019〕8号")["id"]
    assert run.json("status", old_id)["status"] == "repealed"
    blocks = _blocks(run, new_id)
    withhold = [
        i
        for i, b in enumerate(blocks)
        if b["kind"] == "title" or "王某某" in b["text"] or "同时废止" in b["text"]
        or b["text"] == NEW_NUMBER
    ]  # fmt: skip
    assert len(withhold) == 4
    args = [a for i in withhold for a in ("--withhold", str(i))]
    run("disclosure", "set", new_id, "partial", *args, "--reason", "测试")
    return run, old_id, new_id


SECRETS = (NEW_TITLE, NEW_NUMBER, "青政办发[2024]3号", "王某某", "13800001111", "同时废止")


def test_no_provenance_excerpt_quotes_a_withheld_paragraph(
    repealed: tuple[Cli, str, str],
) -> None:
    run, old_id, new_id = repealed
    for ref in (old_id, new_id):
        for args in (
            ("status", ref, "--json"),
            ("status", ref),
            ("timeline", ref),
            ("timeline", ref, "--json"),
            ("show", ref, "--json"),
        ):
            out = run(*args).stdout
            for secret in SECRETS:
                assert secret not in out, (args, secret)
    status = run.json("status", old_id)
    assert status["status"] == "repealed" and status["since"] == "2024-03-01"
    # The public may see that the notice was repealed, and that the act is undisclosed.
    assert status["basis"]["by"] is None and status["basis"]["by_number"] is None
    assert status["mark"] == "已废止（依据：未公开的文件，自2024年3月1日起）"
    internal = run.json("status", old_id, "--view", "internal")
    assert "同时废止" in internal["basis"]["source"]


def test_withheld_title_and_number_name_no_document(
    repealed: tuple[Cli, str, str], tmp_path: Path
) -> None:
    run, old_id, new_id = repealed
    listed = run.json("list")["documents"]
    row = next(r for r in listed if r["id"] == new_id)
    assert row["title"] == WITHHELD_PLACEHOLDER and row["doc_number"] is None
    for ref in (NEW_NUMBER, "青政办发[2024]3号", NEW_TITLE):
        assert run("show", ref, expect=1).exit_code == 1
        assert run("show", ref, "--view", "internal").exit_code == 0
    assert run.json("search", NEW_NUMBER)["total"] == 0
    assert run.json("search", "青政办发〔2024〕3号", "--view", "internal")["total"] == 1
    everything = [
        run("list").stdout,
        run("list", "--json").stdout,
        run("search", "政务信息", "--json").stdout,
        run("search", "政务信息").stdout,
        run("report", "status", "--json").stdout,
        run("report", "unresolved", "--json").stdout,
        run("report", "disclosure", "--json").stdout,
        run("report", "completeness", "--json").stdout,
        run("report", "interpretations", "--json").stdout,
        run("disclosure", "history", new_id, "--json").stdout,
        _public_everything(run, old_id, tmp_path, "old"),
        _public_everything(run, new_id, tmp_path, "new"),
    ]
    text = "\n".join(everything)
    for secret in SECRETS:
        assert secret not in text, secret
    archive = gazette.open_archive(run.archive_dir)
    try:
        for doc in archive.public.documents(top_level_only=False):
            walked = _walk(doc)
            for secret in SECRETS:
                assert secret not in walked, (doc.id, secret)
        assert archive.public.find(NEW_NUMBER) is None
        assert archive.public.find(NEW_TITLE) is None
    finally:
        archive.close()


# --- 5. public search trusts the catalog ---------------------------------------------------


@pytest.mark.sqlite_catalog
def test_public_search_does_not_trust_an_index_that_lags(run: Cli, tmp_path: Path) -> None:
    """An index restored from before a change (or that a crash left behind) still holds the
    document as public: public search asks the catalog."""
    (tmp_path / "new.txt").write_text(NEW, "utf-8")
    run("ingest", str(tmp_path / "new.txt"))
    doc_id = run.json("show", NEW_NUMBER)["id"]
    assert run.json("search", "王某某")["total"] == 1
    saved = tmp_path / "index-copy"
    shutil.copytree(run.archive_dir / "index", saved)
    run("disclosure", "set", doc_id, "withheld", "--reason", "测试")
    assert run.json("search", "王某某")["total"] == 0
    shutil.rmtree(run.archive_dir / "index")
    shutil.copytree(saved, run.archive_dir / "index")
    found = run.json("search", "王某某")
    assert found["total"] == 0 and found["hits"] == []
    assert "王某某" not in run("search", "王某某").stdout
    assert run.json("search", "王某某", "--view", "internal")["total"] == 1
    # Withholding a paragraph, then the index going back: the paragraph is not found either.
    run("disclosure", "set", doc_id, "proactive", "--reason", "公开")
    shutil.rmtree(saved)
    shutil.copytree(run.archive_dir / "index", saved)
    index = next(i for i, b in enumerate(_blocks(run, doc_id)) if "王某某" in b["text"])
    run("disclosure", "set", doc_id, "partial", "--withhold", str(index), "--reason", "测试")
    shutil.rmtree(run.archive_dir / "index")
    shutil.copytree(saved, run.archive_dir / "index")
    assert run.json("search", "王某某")["total"] == 0
    assert run.json("search", "政务信息工作")["total"] == 0  # stale entry left out entirely


_KILL_AFTER_COMMIT = textwrap.dedent(
    """
    import os, signal, sys
    import gazette
    from gazette.archive.index_sync import IndexSync

    sync = IndexSync.sync_quietly

    def die(self):
        row = self.catalog.conn.execute(
            "SELECT attribute FROM disclosure WHERE doc_id = ?", (sys.argv[2],)
        ).fetchone()
        if row is not None and row[0] == sys.argv[3] and not self.catalog.conn.in_transaction:
            os.kill(os.getpid(), signal.SIGKILL)  # committed; the index update never runs
        sync(self)

    IndexSync.sync_quietly = die
    archive = gazette.open_archive(sys.argv[1])
    archive.set_disclosure(sys.argv[2], sys.argv[3], reason="测试", withheld_blocks=
        [int(n) for n in sys.argv[4:]])
    """
)


@pytest.mark.parametrize("attribute", ["withheld", "partial"])
def test_writer_killed_between_catalog_commit_and_index_update(
    run: Cli, tmp_path: Path, attribute: str
) -> None:
    (tmp_path / "new.txt").write_text(NEW, "utf-8")
    run("ingest", str(tmp_path / "new.txt"))
    doc_id = run.json("show", NEW_NUMBER)["id"]
    index = next(i for i, b in enumerate(_blocks(run, doc_id)) if "王某某" in b["text"])
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    extra = [str(index)] if attribute == "partial" else []
    done = subprocess.run(
        [sys.executable, "-c", _KILL_AFTER_COMMIT, str(run.archive_dir), doc_id, attribute, *extra],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    # The catalog holds the change; the index does not (nothing replayed it yet).
    assert run.json("show", doc_id, "--view", "internal")["disclosure"]["attribute"] == attribute
    found = run.json("search", "王某某")
    assert found["total"] == 0 and "王某某" not in json.dumps(found, ensure_ascii=False)
    if attribute == "withheld":
        assert run.json("search", "政务信息")["total"] == 0
        assert run("show", doc_id, expect=1).exit_code == 1
    else:
        assert "王某某" not in run("show", doc_id, "--text").stdout
    # The next writer brings the index up to date; the public view is the same.
    run("reindex")
    assert run.json("search", "王某某")["total"] == 0
    if attribute == "partial":
        assert run.json("search", "政务信息")["total"] == 1


INTERPRETATION = f"""\
《{NEW_TITLE}》政策解读

一、出台背景

为规范政务信息工作，市政府办公室印发了《{NEW_TITLE}》（{NEW_NUMBER}）。

二、主要内容

规程明确了政务信息工作的归口管理。

青川市人民政府办公室

2024年2月5日

（此件公开发布）
"""


def test_link_does_not_name_a_withheld_title(run: Cli, tmp_path: Path) -> None:
    """An interpretation titled after its policy: once the policy's title is withheld, the
    public view does not pair them (the interpretation's own title would name it)."""
    (tmp_path / "new.txt").write_text(NEW, "utf-8")
    (tmp_path / "jiedu.txt").write_text(INTERPRETATION, "utf-8")
    run("ingest", str(tmp_path / "new.txt"), str(tmp_path / "jiedu.txt"))
    policy = run.json("show", NEW_NUMBER)["id"]
    assert len(run.json("interpretation", "list", policy)["links"]) == 1
    blocks = _blocks(run, policy)
    withhold = [i for i, b in enumerate(blocks) if b["kind"] == "title" or b["text"] == NEW_NUMBER]
    args = [a for i in withhold for a in ("--withhold", str(i))]
    run("disclosure", "set", policy, "partial", *args, "--reason", "测试")
    assert run.json("interpretation", "list", policy)["links"] == []
    shown = run.json("show", policy, "--json")
    assert shown["interpretations"] == [] and shown["title"] == WITHHELD_PLACEHOLDER
    report = run.json("report", "interpretations")
    assert policy not in json.dumps(report["late"], ensure_ascii=False)
    assert len(run.json("interpretation", "list", policy, "--view", "internal")["links"]) == 1
