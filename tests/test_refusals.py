"""Hostile input gets a one-line error naming the file and the reason, and nothing is stored:
XML parts declaring a DTD in any encoding or position, a PDF page tree listing one page 20,000
times, FIFOs, dates past the calendar, a damaged catalog, links out of an ingested tree. And a
killed batch ingest leaves no worker process behind."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from tests.catalog_shell import shell
from tests.conftest import ARCHIVE_DATA, ROOT, Cli, corpus_path


def _stored(run: Cli) -> int:
    if not any((run.archive_dir / name).exists() for name in ("catalog.sqlite", "catalog.json")):
        return 0
    with shell(run.archive_dir) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM sources").fetchone()[0])


def _one_line_error(result: object) -> str:
    stderr = result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in stderr and "Traceback" not in result.stdout  # type: ignore[attr-defined]
    return stderr + result.stdout  # type: ignore[attr-defined]


# --- XML parts that declare a DTD ------------------------------------------------------------

_DTD = '<!DOCTYPE w:document [<!ENTITY x "xxxxxxxxxx"><!ENTITY y "&x;&x;&x;&x;&x;">]>'


def _rewrite(source: Path, target: Path, part: str, data: bytes) -> Path:
    """A copy of a real Word file with one part replaced."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item, data if item.filename == part else old.read(item.filename))
    return target


def _with_dtd(xml: bytes, how: str) -> bytes:
    text = xml.decode("utf-8")
    declaration, _, rest = text.partition("?>")
    declaration += "?>"
    if how == "utf-16":
        head = declaration.replace('encoding="UTF-8"', 'encoding="UTF-16"')
        return (head + _DTD + rest).encode("utf-16")  # with a byte-order mark
    if how == "utf-16-no-bom":
        head = declaration.replace('encoding="UTF-8"', 'encoding="UTF-16"')
        return (head + _DTD + rest).encode("utf-16-le")
    if how == "after-comment":
        return (declaration + "<!--" + "x" * 5000 + "-->" + _DTD + rest).encode("utf-8")
    if how == "utf-32":
        return (declaration.replace('encoding="UTF-8"', 'encoding="UTF-32"') + _DTD + rest).encode(
            "utf-32"
        )
    if how == "after-root":
        return (declaration + rest + _DTD).encode("utf-8")
    if how == "entity-only":
        return (declaration + '<!DOCTYPE d SYSTEM "file:///etc/passwd">' + rest).encode("utf-8")
    raise AssertionError(how)


@pytest.mark.parametrize(
    "how", ["utf-16", "utf-16-no-bom", "after-comment", "utf-32", "after-root", "entity-only"]
)
@pytest.mark.parametrize("part", ["word/document.xml", "word/styles.xml", "[Content_Types].xml"])
def test_xml_part_declaring_a_dtd_is_refused(run: Cli, tmp_path: Path, how: str, part: str) -> None:
    source = corpus_path("renditions", "01.body.docx")
    with zipfile.ZipFile(source) as package:
        original = package.read(part)
    bad = _rewrite(source, tmp_path / f"dtd-{how}.docx", part, _with_dtd(original, how))
    result = run("ingest", str(bad), expect=1)
    message = _one_line_error(result)
    assert "拒绝读取" in message and part in message and "中声明了" in message, message
    assert str(bad) in message
    assert _stored(run) == 0


def test_word_file_without_dtd_still_reads(run: Cli) -> None:
    """The check reads real Word files (every part of them) without refusing them."""
    for number in ("01", "04", "07"):
        run("ingest", str(corpus_path("renditions", f"{number}.body.docx")))
    assert _stored(run) == 3


# --- PDF page tree -----------------------------------------------------------------------------


def _pdf(kids: int, path: Path, *, pages: int = 1, y: int = 400) -> Path:
    """A PDF of ``pages`` pages (one line each, at height ``y``) whose page tree lists each
    page ``kids`` times."""
    content = b"BT /F1 12 Tf 72 %d Td (Hello) Tj ET" % y
    page_ids = [5 + n for n in range(pages)]
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(b"%d 0 R" % p for p in page_ids for _ in range(kids))
        + b"] /Count %d >>" % (kids * pages),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    objects += [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R"
        b" /Resources << /Font << /F1 4 0 R >> >> >>"
    ] * pages
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def test_pdf_listing_one_page_20000_times_is_refused(run: Cli, tmp_path: Path) -> None:
    bad = _pdf(20000, tmp_path / "loop.pdf")
    message = _one_line_error(run("ingest", str(bad), expect=1))
    assert "页面树中页面对象 5 0 R 列出了20000次" in message, message
    assert _stored(run) == 0
    run("ingest", str(_pdf(1, tmp_path / "one.pdf")))  # the same page listed once is fine
    assert _stored(run) == 1


def test_pdf_of_running_headers_only_is_a_one_line_error(run: Cli, tmp_path: Path) -> None:
    """Three pages with one line each at the top: read as running headers, no body."""
    header = _pdf(1, tmp_path / "header.pdf", pages=3, y=760)
    message = _one_line_error(run("ingest", str(header), expect=1))
    assert "min() arg" not in message
    assert "只有页码和页眉" in message, message


# --- special files, dates, a damaged catalog --------------------------------------------------


def test_fifo_is_not_a_file(run: Cli, tmp_path: Path) -> None:
    fifo = tmp_path / "input.txt"
    os.mkfifo(fifo)
    message = _one_line_error(run("ingest", str(fifo), expect=1))
    assert "不是普通文件（是管道）" in message and "文件不存在" not in message
    folder = tmp_path / "tree"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    (folder / "a.txt").write_bytes((ARCHIVE_DATA / "documents" / "qcsb-2019-30.txt").read_bytes())
    result = run("ingest", "--recursive", str(folder), expect=1)
    assert "pipe.txt：不是普通文件（是管道）" in _one_line_error(result)
    assert _stored(run) == 1
    for args in (
        ("disclosure", "import", str(fifo)),
        ("cleanup", "import", str(fifo)),
        ("deadline", "2024-01-02", "5", "--holidays-file", str(fifo)),
    ):
        assert "不是普通文件" in _one_line_error(run(*args, expect=1))


@pytest.mark.parametrize(
    "args",
    [
        ("deadline", "9999-12-31", "20"),
        ("deadline", "9999-12-20", "20", "--json"),
        ("report", "expiring", "--on", "9999-12-31"),
        ("report", "expiring", "--within", "3000000d"),
        ("report", "expiring", "--on", "9999-06-30", "--within", "1y"),
        ("report", "disclosure", "--review-days", "99999999", "--as-of", "9999-12-31"),
        ("show", "青政办发〔2021〕12号", "--on", "9999-12-31"),
        ("search", "政务", "--valid-on", "9999-12-31"),
    ],
)
def test_dates_past_the_calendar_are_one_line_errors(run: Cli, args: tuple[str, ...]) -> None:
    run("ingest", "--recursive", str(ARCHIVE_DATA / "documents"))
    run("disclosure", "set", "青政办发〔2023〕7号", "withheld", "--reason", "测试")
    result = run(*args, expect=None)
    _one_line_error(result)
    assert result.exit_code in (0, 1, 2)


@pytest.mark.sqlite_catalog
def test_damaged_catalog_page_names_the_catalog(run: Cli) -> None:
    run("ingest", "--recursive", str(ARCHIVE_DATA / "documents"))
    catalog = run.archive_dir / "catalog.sqlite"
    conn = sqlite3.connect(catalog)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'documents'").fetchone()
    conn.close()
    with open(catalog, "r+b") as handle:  # overwrite the documents table's root page
        handle.seek((root[0] - 1) * page)
        handle.write(b"\xa5" * page)
    for args in (("list",), ("verify",), ("show", "青政办发〔2021〕12号"), ("search", "政务")):
        result = run(*args, expect=1)
        message = _one_line_error(result)
        assert str(catalog) in message and "已损坏" in message, (args, message)
        assert "gazette restore" in message


# --- links out of the tree -------------------------------------------------------------------


def test_links_out_of_the_tree_are_skipped_and_said(run: Cli, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    sample = ARCHIVE_DATA / "documents" / "qcsb-2019-30.txt"
    (tree / "notice.txt").write_bytes(sample.read_bytes())
    outside = tmp_path / "outside.txt"
    outside.write_bytes((ARCHIVE_DATA / "documents" / "qcsb-2022-5.txt").read_bytes())
    (tree / "passwd.txt").symlink_to("/etc/passwd")
    (tree / "outside.txt").symlink_to(outside)
    (tree / "etc").symlink_to("/etc")
    (tree / "sub" / "inside.txt").symlink_to(tree / "notice.txt")
    data = run.json("ingest", "--recursive", str(tree))
    skipped = {Path(r["path"]).name for r in data["results"] if r["outcome"] == "skipped"}
    assert skipped == {"passwd.txt", "outside.txt", "etc"}
    assert data["summary"]["skipped"] == 3 and data["summary"]["failed"] == 0
    assert _stored(run) == 1
    text = run("ingest", "--recursive", str(tree)).stdout
    assert "passwd.txt：是指向所遍历文件夹之外的文件的链接（/etc/passwd）" in text
    assert "跳过 3" in text


# --- workers die with their parent -----------------------------------------------------------

_BLOCKED_INGEST = textwrap.dedent(
    """
    import sys, time
    import gazette
    from ingest.pipeline import ingest_paths

    def stuck(path, source):
        time.sleep(3600)  # a reader that never returns (or a worker blocked on a pipe)

    archive = gazette.open_archive(sys.argv[1])
    ingest_paths(archive, [sys.argv[2]], recursive=True, jobs=2, stage=stuck)
    """
)


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the workers")
def test_killed_batch_ingest_leaves_no_worker(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    for n in range(6):
        (batch / f"doc-{n}.txt").write_text(
            f"测试市人民政府关于第{n}项工作的通知\n\n正文{n}。\n", "utf-8"
        )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-c", _BLOCKED_INGEST, str(tmp_path / "archive"), str(batch)],
        env=env,
        stderr=subprocess.PIPE,
    )
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(workers) < 2:
            time.sleep(0.1)
            workers = _children(process.pid)
        assert len(workers) >= 2, "the pool did not start its workers"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.1)
        left = [w for w in workers if _alive(w)]
        assert not left, f"workers {left} outlived the killed ingest"
    finally:
        for pid in _children(process.pid) | workers | {process.pid}:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if process.stderr is not None:
            process.stderr.close()
