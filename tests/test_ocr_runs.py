"""Long OCR runs: interrupted, killed, and meeting a page the engine cannot read.

The interrupt and kill tests run ``gazette ingest`` in a subprocess on the scanned fixture
issue, wait for its first ``OCR n/5`` progress line, and send a real signal: SIGINT to the
whole process group (what Ctrl-C at a terminal does), or SIGKILL to the parent alone (a crash).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import gazette
from gazette.model import OcrPage
from ingest import ingest_paths, ocr
from ingest.ocr import engines, pool
from ingest.ocr.engines import Engine, EngineFailed, Piece
from ingest.ocr.pages import recognise_image
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(
    ocr.unavailable() is not None, reason=f"OCR cannot run here: {ocr.unavailable()}"
)


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def _start_ingest(archive: Path, scan: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "gazette", "--archive", str(archive), "ingest", str(scan)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, like a job at a terminal
        # Ctrl-C as at a terminal, even when these tests run where SIGINT is ignored (a job
        # started in the background by a shell ignores it, and so would its children).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _wait_for_progress(process: subprocess.Popen[str], timeout: float = 240) -> list[str]:
    """Read stderr until the first ``OCR n/total`` line, then keep reading it in a thread (a
    pipe nobody reads fills up and blocks the writer). Returns the list the lines go to."""
    assert process.stderr is not None
    stream = process.stderr
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("OCR "):
            threading.Thread(target=lambda: lines.extend(stream), daemon=True).start()
            return lines
    process.kill()
    pytest.fail(f"no OCR progress seen: {lines}")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    values = dict(os.environ, PYTHONPATH=str(ROOT), GAZETTE_OCR_JOBS="2", PYTHONFAULTHANDLER="1")
    values.pop("GAZETTE_ARCHIVE", None)
    return values


@pytest.mark.slow
def test_first_ctrl_c_stops_within_seconds_with_130_and_stores_nothing(
    tmp_path: Path, gazettes: Any, env: dict[str, str]
) -> None:
    archive = tmp_path / "archive"
    process = _start_ingest(archive, gazettes.small_scan, env)
    lines = _wait_for_progress(process)
    workers = _children(process.pid)
    assert workers, "OCR runs in worker processes"
    sent = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGABRT)  # faulthandler prints where every thread is
        process.wait(timeout=30)
        time.sleep(1)
        pytest.fail(f"still running 30 s after Ctrl-C; its stderr: {''.join(lines)[-6000:]}")
    took = time.monotonic() - sent
    assert process.returncode == 130, "".join(lines)[-3000:]
    assert took < 5, f"stopped {took:.1f} s after Ctrl-C"
    time.sleep(0.5)
    assert not [pid for pid in workers if _alive(pid)], "workers outlived their parent"
    with gazette.open_archive(archive) as opened:
        counts = opened.counts()
        assert (counts["sources"], counts["documents"], counts["issues"]) == (0, 0, 0)


@pytest.mark.slow
def test_pages_recognised_before_a_kill_are_not_recognised_again(
    tmp_path: Path, gazettes: Any, env: dict[str, str]
) -> None:
    archive = tmp_path / "archive"
    process = _start_ingest(archive, gazettes.small_scan, env)
    lines = _wait_for_progress(process)
    done = int(lines[-1].split()[1].split("/")[0])
    workers = _children(process.pid)
    process.kill()  # SIGKILL to the parent alone: a crash
    process.wait(timeout=30)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and [pid for pid in workers if _alive(pid)]:
        time.sleep(0.1)
    assert not [pid for pid in workers if _alive(pid)], "workers outlived their parent"
    cached = list((archive / "ocr-cache").rglob("*.json"))
    assert len(cached) >= done
    again = subprocess.run(
        [
            sys.executable,
            "-m",
            "gazette",
            "--archive",
            str(archive),
            "ingest",
            str(gazettes.small_scan),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    progress = [line for line in again.stderr.splitlines() if line.startswith("OCR ")]
    # The first report counts the pages found in the cache: they are not recognised again.
    assert int(progress[0].split()[1].split("/")[0]) >= len(cached)
    assert progress[-1].startswith("OCR 5/5")
    assert "已入库" in again.stdout


# --- one bad page ---------------------------------------------------------------------------


class _Flaky(Engine):
    """Reads every page as one line, but fails on the page-number strip or on a whole page."""

    name = "flaky"
    dpi = 100

    def __init__(self, fail_page: bool = False, fail_strip: bool = False) -> None:
        self.fail_page = fail_page
        self.fail_strip = fail_strip

    def unavailable(self) -> str | None:
        return None

    def describe(self) -> str:
        return "flaky 1"

    def lines(self, image: Any) -> list[Piece]:
        if self.fail_page:
            raise EngineFailed("tesseract failed (TesseractError -8: )")
        return [Piece("第一行文字", 10, 10, 200, 30, 90.0)]

    def columns(self, image: Any) -> list[Piece]:
        return self.lines(image)

    def strip(self, image: Any) -> Piece | None:
        if self.fail_strip:
            raise EngineFailed("tesseract failed (TesseractError -8: )")
        return None


def _page_image() -> Any:
    image = np.full((400, 300), 255, dtype=np.uint8)
    for row in range(40, 360, 30):
        image[row : row + 12, 30:270] = 0  # lines of "text"
    return image


def test_a_failing_page_number_strip_costs_only_the_page_number() -> None:
    page = recognise_image(_page_image(), number=7, dpi=100, engine=_Flaky(fail_strip=True))
    assert page.error is None and [line.text for line in page.lines] == ["第一行文字"]


def test_a_page_the_engine_fails_on_comes_back_with_the_reason() -> None:
    page = recognise_image(_page_image(), number=7, dpi=100, engine=_Flaky(fail_page=True))
    assert page.error == "tesseract failed (TesseractError -8: )" and page.lines == ()
    assert ocr.failures([page]) == ["page 7: tesseract failed (TesseractError -8: )"]


def test_one_bad_page_never_loses_the_issue(
    archive: gazette.Archive, gazettes: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Page 4 of the scanned issue fails: the issue and its other pages are kept, the page is
    marked as needing OCR with the reason, and the ingest reports it."""
    from tests.test_ocr import recognise_small_scan

    good = recognise_small_scan(gazettes)

    def recognise(path: Path, pages: Any, **kwargs: Any) -> list[OcrPage]:
        out = []
        for p in good:
            if p.page in set(pages):
                out.append(
                    OcrPage(p.page, p.width, p.height, p.engine, error="TesseractError -8")
                    if p.page == 4
                    else p
                )
        return out

    monkeypatch.setattr(ocr, "recognise_pages", recognise)
    report = ingest_paths(archive, [gazettes.small_scan], jobs=1)
    [result] = report.results
    assert (result.outcome, result.reason) == ("ingested", "needs_ocr")
    assert any("page 4: TesseractError -8" in note for note in result.notes)
    [issue] = archive.internal.issues()
    assert issue.needs_ocr == (4,) and len(issue.items) >= 2
    stored = archive.conn.execute("SELECT page, error FROM ocr_pages ORDER BY page").fetchall()
    assert stored == [(1, None), (2, None), (3, None), (4, "TesseractError -8"), (5, None)]


def test_a_worker_that_dies_loses_only_its_page(monkeypatch: pytest.MonkeyPatch) -> None:
    jobs = [pool.Job(page=n, dpi=100, engine="die-on-2") for n in (1, 2, 3)]
    pool.shutdown()  # workers forked from here on run the patched function
    monkeypatch.setattr(pool, "work", _die_on_two)
    seen: list[int] = []
    pages = pool.run(jobs, workers=2, on_page=lambda p: seen.append(p.page))
    assert [p.page for p in pages] == [1, 2, 3]
    assert pages[1].error is not None and "died" in pages[1].error
    assert pages[0].error is None and pages[2].error is None
    assert sorted(seen) == [1, 2, 3]
    pool.shutdown()


def _die_on_two(job: pool.Job) -> OcrPage:
    if job.page == 2:
        os._exit(9)  # a crash in a native library
    return OcrPage(job.page, 100.0, 100.0, "test")


# --- nothing downloaded ---------------------------------------------------------------------

_NO_NETWORK = """
import socket, sys
def refuse(*args, **kwargs):
    raise OSError("network use is not allowed")
socket.socket.connect = refuse
socket.create_connection = refuse
import numpy as np
from PIL import Image, ImageDraw, ImageFont
sys.path.insert(0, {root!r})
from ingest import ocr
from ingest.ocr.engines import RapidEngine
import rapidocr, pathlib
package = pathlib.Path(rapidocr.__file__).resolve().parent
paths = RapidEngine.model_paths()
assert all(package in p.parents for p in paths.values()), paths
image = Image.new("L", (900, 160), 255)
font = ImageFont.truetype({font!r}, 48, index=2)
ImageDraw.Draw(image).text((30, 50), "国务院办公厅关于加强管理的通知", font=font, fill=0)
[page] = ocr.recognise_images([image], jobs=1, dpi=200)
print(page.text)
"""


def test_rapidocr_models_come_from_its_wheel_and_nothing_is_downloaded(tmp_path: Path) -> None:
    from tests.scan_render import SERIF, fonts_available

    if not fonts_available():
        pytest.skip("no CJK font to draw a test line")
    script = tmp_path / "offline.py"
    script.write_text(_NO_NETWORK.format(root=str(ROOT), font=SERIF), encoding="utf-8")
    env = dict(os.environ, HOME=str(tmp_path))  # no model cache in a home folder either
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "国务院办公厅关于加强管理的通知" in done.stdout


def test_a_missing_rapidocr_model_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        engines,
        "_rapid_model_names",
        lambda: {"det": "PP-OCRv6_det_small.onnx", "cls": "x_cls.onnx", "rec": "gone_rec.onnx"},
    )
    reason = ocr.unavailable("rapidocr")
    assert reason is not None and "x_cls.onnx" in reason and "nothing is downloaded" in reason
    with pytest.raises(gazette.errors.MissingDependency) as caught:
        ocr.require("rapidocr")
    message = str(caught.value)
    assert "\n" not in message and "gazette[ocr]" in message


def test_an_unknown_engine_is_refused(run: Any) -> None:
    result = run("ingest", "--ocr-engine", "nope", str(ROOT / "README.md"), expect=2)
    assert "nope" in result.stderr
    with pytest.raises(gazette.errors.InvalidArgument):
        ocr.unavailable("nope")


def test_ocr_pages_keep_their_boxes_as_json_data() -> None:
    from gazette.archive import ocr_pages
    from gazette.model import OcrLine

    page = OcrPage(
        3, 595.0, 842.0, "rapidocr 3.10.0", (OcrLine("— 3 —", (280.0, 800.0, 320.0, 812.0), 99.0),)
    )
    data = json.loads(json.dumps(ocr_pages.encode(page)))
    assert ocr_pages.decode(data) == page


# --- pages the engine failed on, listed and recognised again ---------------------------------


class _Crashing(engines.RapidEngine):
    """RapidOCR that fails on every page it is given: raising (``TesseractError -8`` on a
    degraded strip), or taking its process down (a crash in a native library)."""

    name = "crashing"
    how = "raise"

    def describe(self) -> str:  # the same engine for the page cache
        return engines.RapidEngine.describe(self)

    def lines(self, image: Any) -> list[Piece]:
        if self.how == "die":
            os._exit(9)
        raise EngineFailed("tesseract failed (TesseractError -8: )")

    def columns(self, image: Any, boxes: Any = None) -> list[Piece]:
        return self.lines(image)


@pytest.mark.slow
@pytest.mark.parametrize("how", ["raise", "die"])
def test_pages_the_engine_failed_on_are_listed_and_recognised_again(
    how: str, run: Any, gazettes: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages 1-3 of the scanned issue are in the page cache (read by RapidOCR before); the
    engine fails on pages 4 and 5 — by raising, or by killing the worker process running it.
    The issue is kept with what was read; ``ocr --list`` names the pages and why; ``gazette
    ocr`` with a working engine reads them, keeps the documents read before, and the issue
    ends whole."""
    from ingest.ocr.cache import FOLDER, PageCache
    from tests.test_ocr import recognise_small_scan

    good = recognise_small_scan(gazettes)
    rapid = engines.get_engine("rapidocr")
    cache = PageCache(run.archive_dir / FOLDER)
    sha = gazette.archive.store.sha256_file(gazettes.small_scan)
    for page in good[:3]:
        cache.put(sha, f"{rapid.config_key()}-{rapid.dpi}", page)

    monkeypatch.setattr(_Crashing, "how", how)
    monkeypatch.setitem(engines.ENGINES, "crashing", _Crashing)
    monkeypatch.setenv("GAZETTE_OCR_JOBS", "2")
    monkeypatch.setenv(engines.ENV_ENGINE, "crashing")
    pool.shutdown()  # workers forked from here on know the crashing engine
    try:
        [result] = run.json("ingest", str(gazettes.small_scan))["results"]
    finally:
        pool.shutdown()
    monkeypatch.delenv(engines.ENV_ENGINE)
    assert (result["outcome"], result["reason"]) == ("ingested", "needs_ocr")
    reason = "TesseractError -8" if how == "raise" else "died"
    assert sum(reason in note for note in result["notes"]) >= 1
    held = result["ids"]
    assert held, "the items read on pages 1-3 are kept"

    [listed] = run.json("ocr", "--list")
    assert listed["sha256"] == sha and listed["pages"] == [4, 5]
    assert [r["page"] for r in listed["reasons"]] == [4, 5]
    assert all(reason in r["reason"] for r in listed["reasons"])
    assert listed["documents"] == len(held)
    text = run("ocr", "--list").stdout
    assert "第4页" in text and "第5页" in text and "1个原件等待OCR识别" in text
    [before] = run.json("issues")
    assert before["needs_ocr"] == [4, 5]

    [done] = run.json("ocr", "--ocr-engine", "rapidocr")
    assert done["outcome"] == "ingested" and done["needs_ocr"] == []
    assert set(held) <= set(done["ids"]) and len(done["ids"]) == 3
    assert run.json("ocr", "--list") == []
    [issue] = run.json("issues")  # replaced, not duplicated
    assert issue["needs_ocr"] == [] and len(issue["items"]) == 3
    assert [item["pages"] for item in issue["items"]] == [
        t["pages"] for t in gazettes.small.truth()
    ]
    with gazette.open_archive(run.archive_dir) as archive:
        rows = archive.conn.execute("SELECT page, error FROM ocr_pages ORDER BY page").fetchall()
        assert rows == [(n, None) for n in range(1, 6)]
        for doc_id in done["ids"]:  # one text from the scan each, not the old one beside it
            texts = archive.conn.execute(
                "SELECT COUNT(*) FROM texts WHERE doc_id = ?", (doc_id,)
            ).fetchone()[0]
            assert texts == 1
