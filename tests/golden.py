"""Golden files: compare a rendering with the file kept in ``tests/golden/``.

``GAZETTE_REGEN_GOLDEN=1 pytest tests/test_export_formats.py`` rewrites the files instead of
comparing (review the diff before committing). Values that change from run to run are
replaced by placeholders before comparing: timestamps (``<TIMESTAMP>``) and the archive paths
of temporary folders (``<TMP>``).
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

from lxml import etree

GOLDEN = Path(__file__).resolve().parent / "golden"
REGENERATE = os.environ.get("GAZETTE_REGEN_GOLDEN") == "1"

_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?")
_TMP = re.compile(r"/(?:tmp|var/folders)/[^\s\"'<>]*?pytest[^\s\"'<>]*?/")


def stable(text: str) -> str:
    """Replace values that vary between runs by placeholders."""
    text = _TIMESTAMP.sub("<TIMESTAMP>", text)
    return _TMP.sub("<TMP>/", text)


def docx_dump(data: bytes) -> str:
    """The parts of a DOCX that carry its layout and text, pretty-printed, one after another
    (of the styles, the document defaults and the Normal style: the rest is the template's)."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        headers = sorted(
            n for n in package.namelist() if re.match(r"word/(header|footer)\d*\.xml", n)
        )
        for name in (
            "word/document.xml",
            "word/styles.xml",
            "word/settings.xml",
            "docProps/core.xml",
            *headers,
        ):
            root = etree.fromstring(package.read(name))
            if name == "word/styles.xml":
                kept = [root.find(f"{w}docDefaults"), root.find(f"{w}style[@{w}styleId='Normal']")]
                for child in list(root):
                    if child not in kept:
                        root.remove(child)
            out.append(
                f"===== {name}\n" + etree.tostring(root, pretty_print=True, encoding="unicode")
            )
    return "".join(out)


def check(name: str, actual: str) -> None:
    """Compare with (or, with the switch, write) ``tests/golden/<name>``."""
    path = GOLDEN / name
    actual = stable(actual)
    if REGENERATE or not path.exists():
        if not REGENERATE:
            raise AssertionError(
                f"no golden file {path}; run with GAZETTE_REGEN_GOLDEN=1 to create it"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        import difflib

        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=str(path),
                tofile="rendered",
                n=2,
            )
        )
        raise AssertionError(
            f"{name} differs from its golden file (GAZETTE_REGEN_GOLDEN=1 regenerates):\n"
            + diff[:6000]
        )
