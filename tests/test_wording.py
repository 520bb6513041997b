"""One Chinese wording per concept, and no English in what the command line prints for people.

The glossary (:mod:`gazette.wording`) names every value of every enum the output shows, once;
the phrase catalogue (:mod:`gazette.phrases`) words every sentence the library records in
English. The command line's human-readable output, over the sample archive and real
documents of the corpus, holds no English word outside ids, paths, names of formats and
products, literals to type and the documents' own data (:mod:`tests.language`); ``--json``
keeps its English keys and values.
"""

from __future__ import annotations

import enum
import re
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

import gazette
from gazette import errors, phrases, wording
from gazette.archive.integrity import COVERED
from gazette.disclosure import View
from gazette.export import FORMATS
from gazette.model import (
    BlockKind,
    CleanupOutcome,
    DisclosureAttribute,
    EventKind,
    Ground,
    InterpretationForm,
    ProvenanceKind,
    TextOrigin,
)
from gazette.settings import SETTINGS
from gazette.status import StatusValue
from gazette.users import Role
from gazette.workdays import Rule
from tests.conftest import ARCHIVE_DATA, ROOT, Cli, corpus_path
from tests.language import GLUE, english_words, latin_words

_CJK = re.compile(r"[\u4e00-\u9fff]")

# --- the glossary ---------------------------------------------------------------------------

ENUMS: list[tuple[type[enum.Enum], Mapping[str, str]]] = [
    (StatusValue, wording.STATUS),
    (EventKind, wording.EVENT_KIND),
    (CleanupOutcome, wording.CLEANUP_OUTCOME),
    (ProvenanceKind, wording.PROVENANCE_KIND),
    (DisclosureAttribute, wording.DISCLOSURE_ATTRIBUTE),
    (Ground, wording.GROUND),
    (InterpretationForm, wording.INTERPRETATION_FORM),
    (TextOrigin, wording.TEXT_ORIGIN),
    (BlockKind, wording.BLOCK_KIND),
    (View, wording.VIEW),
    (Role, wording.ROLE),
    (Rule, wording.RULE),
]
_IDS = [e.__name__ for e, _ in ENUMS]


@pytest.mark.parametrize(("members", "table"), ENUMS, ids=_IDS)
def test_every_member_has_a_chinese_wording(
    members: type[enum.Enum], table: Mapping[str, str]
) -> None:
    missing = [m.value for m in members if not _CJK.search(table.get(m.value, ""))]
    assert missing == [], f"{members.__name__} members without a Chinese wording: {missing}"
    stray = set(table) - {m.value for m in members}
    assert not stray, f"wordings for no member of {members.__name__}: {stray}"


@pytest.mark.parametrize(("members", "table"), ENUMS, ids=_IDS)
def test_each_member_has_its_own_wording(
    members: type[enum.Enum], table: Mapping[str, str]
) -> None:
    names = [table[m.value] for m in members]
    twice = {name for name in names if names.count(name) > 1}
    assert not twice, f"{members.__name__}: one wording for several members: {twice}"


@pytest.mark.parametrize(("members", "table"), ENUMS, ids=_IDS)
def test_labels_are_the_glossarys(members: type[enum.Enum], table: Mapping[str, str]) -> None:
    for member in members:
        label = getattr(member, "label", None)
        assert label is None or label == table[member.value], member


def _codes(pattern: str, *paths: str) -> set[str]:
    found: set[str] = set()
    for path in paths:
        for file in sorted(ROOT.glob(path)):
            found |= set(re.findall(pattern, file.read_text("utf-8")))
    return found


def _reasons() -> set[str]:
    out = set()
    stack: list[type[Any]] = [errors.IngestError]
    while stack:
        cls = stack.pop()
        out.add(cls.reason)
        stack.extend(cls.__subclasses__())
    return out


CLOSED_SETS = [
    ("export formats", set(FORMATS), wording.EXPORT_FORMAT),
    ("settings", set(SETTINGS), wording.SETTING),
    ("catalog tables", set(COVERED), wording.CATALOG_TABLE),
    ("ingest failure reasons", _reasons(), wording.INGEST_REASON),
    (
        "verify findings",
        _codes(r'Problem\(\s*"(\w+)"', "gazette/verify.py"),
        wording.VERIFY_PROBLEM,
    ),
    (
        "log actions",
        _codes(r'\.log\(\s*"(\w+)"', "gazette/**/*.py")
        | _codes(r'(?:\b_log|users\.record)\(\s*[^,()]+,\s*[^,()]+,\s*"(\w+)"', "gazette/**/*.py")
        | _codes(r'action="(\w+)"', "gazette/**/*.py"),
        wording.LOG_ACTION,
    ),
]


@pytest.mark.parametrize(
    ("what", "codes", "table"), CLOSED_SETS, ids=[what for what, _, _ in CLOSED_SETS]
)
def test_closed_sets_of_codes_have_a_wording(
    what: str, codes: set[str], table: Mapping[str, str]
) -> None:
    assert codes, what  # the codes were found where they are defined
    missing = sorted(c for c in codes if not _CJK.search(table.get(c, "")))
    assert missing == [], f"{what} without a Chinese wording: {missing}"
    names = list(table.values())
    assert len(set(names)) == len(names) or what == "log actions", what


def test_the_glossary_holds_only_chinese_wordings() -> None:
    for name, table in wording.GLOSSARY.items():
        for key, value in table.items():
            assert _CJK.search(value), (name, key, value)


# --- the phrase catalogue -------------------------------------------------------------------

# A value for each placeholder of the catalogue's phrases, such as the library writes.
SAMPLES = {
    "date": "2021-04-01",
    "earliest": "2020-01-01",
    "issued": "2019-08-01",
    "version": "2018年修正",
    "note": "no effective date recorded",
    "reason": "the package rapidocr is not installed",
    "reasons": "page 1: tesseract failed (TesseractError -8: ); page 2: out of memory on this page",
    "detail": "content does not match its checksum",
    "title": "青川市政务公开工作实施办法",
    "relation": "carrier",
    "id": "a0b7ed4db39c",
    "ids": "a0b7ed4db39c、1de1f13bb103",
    "years": "2027",
    "covered": "2004–2026",
    "holidays": "1",
    "workdays": "2",
    "pages": "1, 2",
    "page": "3",
    "suffix": ".docx",
    "format": "pdf",
    "count": "3",
    "missing": "2",
    "total": "5",
    "titles": "青川市甲办法; 青川市乙办法",
    "stated": "13333c592ece…",
    "actual": "6e2e883bed0e…",
    "package": "pytesseract",
    "packages": "tesseract-ocr tesseract-ocr-chi-sim",
    "language": "chi_sim_vert",
    "task": "det",
    "model": "ch_PP-OCRv4_det_infer.onnx",
    "folder": "/usr/lib/python3/rapidocr/models",
    "engine": "tesseract",
    "path": "archive_data/documents/qcsb-2019-30.txt",
    "table": "texts",
    "key": "3",
    "entry": "4",
    "attribute": "withheld",
    "entry_attribute": "proactive",
    "indexed": "2",
    "catalog": "3",
    "stored": "grams/unicode-15.0.0",
    "current": "grams/unicode-15.1.0",
    "shown": "规定、办法",
    "seals": "Seal（第2页）",
}


@pytest.mark.parametrize("phrase", phrases.PHRASES, ids=[p.en[:40] for p in phrases.PHRASES])
def test_each_recorded_sentence_has_a_chinese_wording(phrase: phrases.Phrase) -> None:
    names = re.findall(r"\{(\w+)\}", phrase.en)
    values = {name: SAMPLES[name] for name in names}
    english = phrase.english(**values)
    chinese = phrases.say(english)
    assert chinese != english and _CJK.search(chinese or "")
    assert english_words(chinese or "", values.values()) == [], chinese
    assert phrase.translate(english) is not None  # no earlier phrase takes its sentences


def test_a_sentence_the_catalogue_does_not_know_is_shown_as_written() -> None:
    assert phrases.say("载于附件《青川市办法》") == "载于附件《青川市办法》"
    assert phrases.say("某人录入的说明") == "某人录入的说明"
    assert phrases.say(None) is None


def test_provenance_in_chinese() -> None:
    from gazette.model import LifecycleEvent, Provenance

    def line(**prov: Any) -> str | None:
        return phrases.provenance(LifecycleEvent("repealed", "2022-03-01", Provenance(**prov)))

    assert line(kind="parsed", source="94888f07b01b", excerpt="一、《X》") == (
        "解析自 94888f07b01b：一、《X》"
    )
    assert line(kind="imported", source="list.csv line 2", by="王五", excerpt="甲, 废止") == (
        "导入自 list.csv 第2行（经办人：王五）：甲, 废止"
    )
    assert line(kind="manual", by="王五") == "人工录入（王五）"


# --- the check itself ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "已失效 (expired since 2026-04-01, as of 2026-12-06)",
        "说明：施行 of the text adopted 2005-10-27",
        "来源：parsed from a98f0c1d2e3f: 一、《X》",
        "3 ingested, 0 duplicate, 0 failed, 0 skipped",
        "gazette: error: no document matches '国发〔1999〕1号'",
        "checked 11 originals and 16 documents: ok",
        "status periods:",
        "2019-08-01 – 2019-09-01  尚未生效 (not_yet_in_force)",
    ],
)
def test_the_check_finds_english_in_a_line(line: str) -> None:
    assert english_words(line)


@pytest.mark.parametrize(
    "line",
    [
        "已入库　archive_data/gazettes/qcsb-gazette-2021-04.pdf -> adbc6bb6b6ff, adbc6bb6b6ff-3",
        "已写入 /tmp/x.docx（41370字节，SHA-256 6e2e883bed0e0300251348adf16fe65fbaf54cd19c）",
        "失败　　logo.png：格式不支持（内容是PNG图像）（可读取纯文本、Markdown、HTML、DOCX 和 PDF）",
        "view.default = 内部视图（`internal`）",
        "错误：本档案使用 whoosh 检索引擎（如需切换，请运行 `gazette reindex --engine sqlite`）",
        "正常　pypdfium2 4.30.0（可选：[web] 扩展）",
    ],
)
def test_the_check_lets_ids_paths_names_and_literals_pass(line: str) -> None:
    assert english_words(line) == []


# --- the command line on real documents -----------------------------------------------------

CORPUS_FILES = [
    ("seed", "jinan-2017-27.txt"),
    ("laws", "公司法(2018-10-26).md"),
    ("laws", "公司法(2023-12-29).md"),
    ("laws", "立法法(2015-03-15).md"),
    ("laws", "立法法(2023-03-13).md"),
    ("lawrefbook", "河南地方法规", "地方性法规", "河南", "鹤壁市地下水保护条例(2019-01-10).md"),
    ("govcn", "01.page.html"),
    ("renditions", "04.body.docx"),
]


class Output:
    """The command line run against one archive, every line of its output kept for checking."""

    def __init__(self, run: Cli) -> None:
        self.run = run

    def __call__(self, *args: str, expect: int | None = 0) -> list[str]:
        result = self.run(*args, expect=expect)
        assert "Traceback" not in result.output, result.output
        return result.output.splitlines()


def _user_data(archive_dir: Path) -> tuple[set[str], frozenset[str]]:
    """The documents' own data (which the check leaves alone), and the Latin words in it."""
    data: set[str] = {str(ARCHIVE_DATA), str(ROOT)}
    with gazette.open_archive(archive_dir) as archive:
        view = archive.internal
        for row in view.list(top_level_only=False):
            doc = view.get(row.id)
            data |= {
                doc.title or "",
                str(doc.doc_number or ""),
                doc.issuer_mark or "",
                doc.signer or "",
                doc.note or "",
                doc.subject or "",
                doc.index_number or "",
                doc.registration_number or "",
                doc.printed_by or "",
                doc.part_label or "",
                doc.disclosure.reason or "",
                *doc.issuers,
                *doc.recipients,
                *doc.cc,
                *doc.attachment_notes,
            }
            for event in doc.events:
                data |= {event.provenance.excerpt or ""}
                if event.acting is not None:
                    data |= {event.acting.text, event.acting.title or ""}
            for text in doc.texts:
                data |= {block.text for block in text.blocks} | {text.label or ""}
            for link in doc.interpretations:
                data.add(link.evidence or "")
            for pub in doc.publications:
                data.add(pub.name or "")
        for issue in view.issues():
            data |= {issue.gazette, *(item.title for item in issue.items)}
            data |= {item.section or "" for item in issue.items}
        for row in archive.unresolved(View.INTERNAL):
            data |= {row["ref_text"] or "", row["ref_title"] or ""}
        # Who acted (a login name, a user of the web application) is data too.
        data |= {r[0] for r in archive.conn.execute("SELECT DISTINCT actor FROM log")}
        data |= {r[0] for r in archive.conn.execute("SELECT DISTINCT target FROM log") if r[0]}
    data.discard("")
    words = frozenset(latin_words(data))
    return data, words


@pytest.fixture(scope="module")
def archive_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample archive (archive_data/) and real documents of the corpus."""
    folder = tmp_path_factory.mktemp("wording")
    files = [str(corpus_path(*parts)) for parts in CORPUS_FILES]
    run = Cli(folder / "archive")
    run("ingest", "--recursive", str(ARCHIVE_DATA), *files)
    return folder / "archive"


def _commands(archive_dir: Path, scratch: Path) -> Iterator[tuple[str, ...]]:
    """Every read of the command line, on every document of the archive."""
    with gazette.open_archive(archive_dir) as archive:
        ids = [row.id for row in archive.internal.list(top_level_only=False)]
    for doc_id in ids:
        yield ("show", doc_id, "--view", "internal")
        yield ("status", doc_id, "--view", "internal")
        yield ("timeline", doc_id, "--view", "internal")
        yield ("deadlines", doc_id, "--view", "internal")
        yield ("interpretation", "list", doc_id, "--view", "internal")
        yield ("disclosure", "history", doc_id, "--view", "internal")
        yield ("export", doc_id, "--view", "internal")
    for on in ("1990-01-01", "2020-06-01", "2024-03-01", "2025-06-01"):
        yield ("show", "青政发〔2019〕30号", "--on", on)
        yield ("status", "中华人民共和国公司法", "--on", on, "--view", "internal")
        yield ("show", "中华人民共和国公司法", "--on", on, "--view", "internal")
    yield ("show", "青政办发[2021]12号", "--text")
    yield ("list",)
    yield ("list", "--view", "internal", "--all-parts")
    yield ("search", "政务公开")
    yield ("search", "公司", "--view", "internal", "--sort", "date", "--limit", "3")
    yield ("search", "--status", "repealed", "--status", "expired", "--view", "internal")
    yield ("search", "不存在的词语组合")
    yield ("issues",)
    yield ("issues", "--gaps")
    yield ("ocr", "--list")
    yield ("settings",)
    for report in ("gaps", "unresolved", "interpretations", "timeliness", "completeness"):
        yield ("report", report)
        yield ("report", report, "--view", "internal")
    yield ("report", "status", "--on", "2024-06-01")
    yield ("report", "expiring", "--within", "1y", "--on", "2025-11-01")
    yield ("report", "expiring", "--within", "1d", "--on", "2000-01-01")
    yield ("report", "disclosure", "--view", "internal", "--as-of", "2025-01-01")
    yield ("report", "interpretations", "--lag", "2")
    yield ("deadline", "2021-03-15", "--rule", "proactive")
    yield ("deadline", "2027-03-01", "5")
    yield ("disclosure", "grounds")
    yield ("diff", "青政发〔2019〕30号", str(ARCHIVE_DATA / "documents" / "qcsb-2019-30.txt"))
    yield ("diff", "青政办发〔2021〕12号")
    yield ("diff", "中华人民共和国公司法", str(corpus_path("laws", "立法法(2023-03-13).md")))
    yield ("export", "青政发〔2019〕30号", "--format", "docx", "-o", str(scratch / "a.docx"))
    yield ("export", "--query", "政务公开", "--format", "txt", "-o", str(scratch / "bulk"))
    yield ("export", "--bag", str(scratch / "bag"))
    yield ("verify",)
    yield ("log", "--limit", "40")
    yield ("users", "list")
    yield ("doctor",)


# Errors a person meets: each a line of Chinese naming the thing and the reason.
ERRORS: list[tuple[str, ...]] = [
    ("show", "国发〔1999〕1号"),
    ("status", "没有这个标题"),
    ("search", ""),
    ("settings", "set", "view.default", "everything"),
    ("settings", "set", "no.such", "1"),
    ("export", "国发〔1999〕1号"),
    ("diff", "青政发〔2019〕30号@manual", "青政发〔2019〕30号"),
    ("event", "remove", "99999", "--reason", "录错了"),
    ("disclosure", "set", "青政发〔2019〕30号", "withheld"),
    ("interpretation", "link", "青政发〔2019〕30号", "青政发〔2019〕30号"),
]


def _check(lines: list[str], data: set[str], words: frozenset[str]) -> list[str]:
    return [f"{line!r}: {found}" for line in lines if (found := english_words(line, data, words))]


def test_every_read_speaks_chinese(archive_dir: Path, tmp_path: Path) -> None:
    data, words = _user_data(archive_dir)
    assert not words & GLUE, words & GLUE  # else the check would let English sentences pass
    out = Output(Cli(archive_dir))
    bad: list[str] = []
    count = 0
    for args in _commands(archive_dir, tmp_path):
        lines = out(*args, expect=None)
        count += len(lines)
        bad += [f"{' '.join(args)} → {b}" for b in _check(lines, data, words)]
    assert count > 1000  # the commands printed what they print
    assert bad == [], "\n".join(bad[:40])


def test_errors_speak_chinese(archive_dir: Path, tmp_path: Path) -> None:
    data, words = _user_data(archive_dir)
    copy = tmp_path / "archive"
    shutil.copytree(archive_dir, copy)
    out = Output(Cli(copy))
    bad: list[str] = []
    for args in ERRORS:
        lines = out(*args, expect=1)
        assert len(lines) == 1 and lines[0].startswith("错误："), (args, lines)
        typed = {*args, *(a.partition("@")[2] for a in args)}  # what the user typed is data
        bad += [f"{' '.join(args)} → {b}" for b in _check(lines, data | typed, words)]
    assert bad == [], "\n".join(bad)


def test_every_write_speaks_chinese(run: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    shutil.copytree(ARCHIVE_DATA / "documents", folder)
    (folder / "LICENSE").write_text("MIT License\n\nPermission is hereby granted\n", "utf-8")
    (folder / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00" * 100)
    out = Output(run)
    lines = out("ingest", "--recursive", str(folder))
    lines += out("ingest", "--recursive", str(folder))
    lines += out("ingest", str(tmp_path / "bad.pdf"), str(folder / "logo.png"), expect=1)
    added = run.json(
        "event", "add", "青政发〔2022〕9号", "--kind", "repealed", "--date", "2025-01-01"
    )
    lines += out("event", "add", "青政发〔2022〕9号", "--kind", "amended", "--undated")
    lines += out("event", "remove", str(added["event"]["id"]), "--reason", "录错了")
    cleanup = tmp_path / "cleanup.csv"
    cleanup.write_text(
        "文件名称,清理结果,日期\n青川市政务新媒体管理暂行办法,废止,2024-06-01\n", "utf-8"
    )
    lines += out("cleanup", "import", str(cleanup))
    lines += out("settings", "set", "validity.provisional_years", "2")
    lines += out("settings", "set", "view.default", "internal")
    lines += out("settings")
    lines += out("settings", "unset", "view.default")
    lines += out("disclosure", "set", "青政发〔2022〕9号", "withheld", "--reason", "内部讨论",
                 "--ground", "过程性信息")  # fmt: skip
    lines += out("disclosure", "history", "青政发〔2022〕9号", "--view", "internal")
    lines += out("disclosure", "request", "青政发〔2022〕9号")
    table = tmp_path / "disclosure.csv"
    table.write_text("文件,公开属性,理由\n青政发〔2022〕9号,proactive,已公开\n", "utf-8")
    lines += out("disclosure", "import", str(table))
    lines += out("interpretation", "unlink", "青川市政务公开工作实施办法", "246503bd6dbf")
    lines += out("interpretation", "link", "青川市政务公开工作实施办法", "246503bd6dbf",
                 "--form", "press")  # fmt: skip
    password = tmp_path / "pw"
    password.write_text("a long password\n", "utf-8")
    lines += out("users", "add", "wang", "--role", "archivist", "--password-file", str(password))
    lines += out("users", "password", "wang", "--password-file", str(password))
    lines += out("users", "token", "wang", "--revoke")
    lines += out("users", "list")
    lines += out("users", "remove", "wang")
    lines += out("reindex")
    lines += out("verify", "--repair")
    lines += out("backup", str(tmp_path / "backup"))
    lines += Output(Cli(tmp_path / "restored"))("restore", str(tmp_path / "backup"))
    lines += out("log", "--limit", "60")
    data, words = _user_data(run.archive_dir)
    bad = _check(lines, data, words)
    assert bad == [], "\n".join(bad)


def test_the_check_fails_when_english_comes_back(run: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check is not blind: one English wording put back is found in the output."""
    monkeypatch.setitem(wording.INGEST_OUTCOME, "ingested", "ingested")  # type: ignore[index]
    lines = Output(run)("ingest", str(ARCHIVE_DATA / "documents" / "qcsb-2019-30.txt"))
    data, words = _user_data(run.archive_dir)
    assert _check(lines, data, words)
