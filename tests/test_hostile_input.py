"""The whole hostile corpus in one batch, under a memory limit and a time limit.

Every kind of bad file from ``test_bad_input`` plus awkward names (``..`` in the path, control
characters, very long names), an enormous page, scripts in HTML, deep nesting and binary junk
goes into one folder with good files between them. The batch runs in a subprocess whose
address space is capped: it must finish in bounded time, give each bad file a specific error
naming it, store nothing of them, and ingest every good file.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
from pathlib import Path

import pytest

import gazette
from gazette.verify import verify
from tests.conftest import ROOT
from tests.test_bad_input import CASES, GOOD

MEMORY_LIMIT = 2 * 1024**3  # bytes of address space for the whole batch
TIME_LIMIT = 600  # seconds; the batch takes a fraction of that


def _good(n: int) -> str:
    return GOOD.replace("青政发〔2024〕7号", f"青政发〔2024〕{100 + n}号").replace(
        "做好测试工作", f"做好第{n}项测试工作"
    )


def _extra_cases(folder: Path) -> dict[str, tuple[Path, str | None]]:
    """Kinds beyond test_bad_input: name → (path, expected failure reason or None if good)."""
    cases: dict[str, tuple[Path, str | None]] = {}
    # A path with '..' in it: resolved like any path, the file is read.
    sub = folder / "sub"
    sub.mkdir()
    dotdot = sub / ".." / "dotdot.txt"
    dotdot.write_text(_good(1), "utf-8")
    cases["dotdot-path"] = (dotdot, None)
    # Control characters and a very long name.
    control = folder / "ctl\x01\x1b[31mname.txt"
    control.write_text(_good(2), "utf-8")
    cases["control-chars-name"] = (control, None)
    long_name = folder / ("长" * 80 + ".txt")  # 240 bytes in UTF-8, near the 255-byte limit
    long_name.write_text(_good(3), "utf-8")
    cases["long-name"] = (long_name, None)
    # An enormous single page of text: over the size limit for text files.
    huge = folder / "enormous.txt"
    with open(huge, "wb") as handle:
        line = "很长的一页文字，没有换行。".encode() * 1000
        for _ in range(40 * 1024 * 1024 // len(line) + 1):
            handle.write(line)
    cases["enormous-page"] = (huge, "unsafe")
    # HTML with scripts and styles: read, with the scripts dropped.
    scripted = folder / "scripted.html"
    scripted.write_text(
        "<html><head><script>document.write('恶意脚本内容')</script><style>p{}</style></head>"
        "<body><p>青川市人民政府关于做好第4项测试工作的通知</p><p>青政发〔2024〕104号</p>"
        "<p>各区县人民政府：</p><p>请做好测试工作。</p><script>alert('恶意脚本内容')</script>"
        "<p>青川市人民政府</p><p>2024年3月7日</p></body></html>",
        "utf-8",
    )
    cases["html-scripts"] = (scripted, None)
    # Deeply nested markup.
    nested = folder / "nested.html"
    nested.write_text(
        "<html><body>" + "<div>" * 20000 + "深层嵌套的正文。" + "</div>" * 20000 + "</body></html>",
        "utf-8",
    )
    cases["deep-nesting"] = (nested, "unsafe")
    # Binary junk with a text extension.
    junk = folder / "junk.txt"
    junk.write_bytes(random.Random(9704).randbytes(8192))
    cases["binary-junk"] = (junk, "unsupported_format")
    # Invalid UTF-8 that is not GB18030 either.
    invalid = folder / "invalid.txt"
    invalid.write_bytes("有效".encode() + b"\x80\x81\xff" * 500)
    cases["invalid-encoding"] = (invalid, "undecodable")
    # Valid GB18030 text: read, not refused.
    gbk = folder / "gbk.txt"
    gbk.write_bytes(_good(5).encode("gb18030"))
    cases["gb18030-text"] = (gbk, None)
    return cases


def _limited() -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.mark.skipif(sys.platform != "linux", reason="address-space limits are Linux-specific")
def test_hostile_corpus_in_one_bounded_batch(tmp_path: Path) -> None:
    folder = tmp_path / "hostile"
    folder.mkdir()
    expected: dict[str, tuple[str, str | None]] = {}
    for name, make, _error, reason, _words in CASES:
        try:
            path = make(folder)
        except pytest.skip.Exception:
            continue  # the real corpus is absent: that case is skipped
        expected[str(path)] = (name, reason)
    for name, (path, reason) in _extra_cases(folder).items():
        expected[str(path)] = (name, reason)
    for n in range(3):
        good = folder / f"good-{n}.txt"
        good.write_text(_good(10 + n), "utf-8")
        expected[str(good)] = (f"good-{n}", None)
    archive_dir = tmp_path / "archive"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    paths = sorted(expected)
    process = subprocess.run(
        [
            sys.executable,
            "-m",
            "gazette",
            "--archive",
            str(archive_dir),
            "ingest",
            "--json",
            "--jobs",
            "2",
            *paths,
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        preexec_fn=_limited,
    )
    assert process.returncode == 1, process.stderr  # some files failed, as they should
    assert "Traceback" not in process.stderr
    report = json.loads(process.stdout)
    by_path = {r["path"]: r for r in report["results"]}
    assert len(by_path) == len(paths)
    kinds_failed = 0
    for path, (name, reason) in expected.items():
        shown = path.replace("\x01", "\\x01").replace("\x1b", "\\x1b")
        result = by_path.get(shown) or by_path.get(path)
        assert result is not None, (name, sorted(by_path))
        if reason is None:
            assert result["outcome"] == "ingested", (name, result)
        else:
            kinds_failed += 1
            assert result["outcome"] == "failed", (name, result)
            assert result["reason"] == reason, (name, result)
            assert (
                Path(path).name.replace("\x01", "\\x01")[:60] in result["error"]
                or shown[:60] in result["error"]
            ), (name, result["error"])
    good = [p for p, (_, r) in expected.items() if r is None]
    with gazette.open_archive(archive_dir) as archive:
        counts = archive.counts()
        assert counts["sources"] == len(good)
        assert counts["documents"] == len(good)
        assert verify(archive).ok
        # Scripts never reach the text.
        assert archive.internal.search("恶意脚本内容").total == 0
    print(
        f"\nhostile inputs: {len(expected)} files, {len(set(n for n, _ in expected.values()))}"
        f" kinds, {kinds_failed} refused with a specific reason, {len(good)} good ones ingested"
    )
