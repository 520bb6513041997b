"""What the no-leak property checks: none of the secrets a generated archive's model names
(:mod:`tests.leak_archives`) may be reachable from a public command's output (text and
``--json``), an export in any format, a bag's files, or a Python object the public view returns
(walked through every attrs field)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import attrs

import gazette
from gazette import reports
from gazette.export import FORMATS, format_module
from gazette.export.bag import make_bag
from tests.conftest import Cli
from tests.leak_archives import Built, number, serial, title


def walk(value: Any) -> str:
    """Every string reachable from a Python object (attrs classes, dicts, sequences)."""
    out: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif attrs.has(type(item)):
            stack.extend(getattr(item, f.name) for f in attrs.fields(type(item)))
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif item is not None and not isinstance(item, (int, float, bool, bytes)):
            out.append(str(item))
    return "\n".join(out)


def exported_text(data: bytes) -> str:
    """An export's text (a Word file's parts, and their runs joined)."""
    if data[:2] != b"PK":
        return data.decode("utf-8", errors="replace")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = [package.read(n).decode("utf-8", "replace") for n in package.namelist()]
    runs = ["".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", x)) for x in parts]
    return "\n".join(parts + runs)


def leaks(built: Built, text: str) -> list[str]:
    found = [s for s in built.secrets if s in text]
    found += [h for h in built.hidden if re.search(re.escape(h) + r"(?![-.\w])", text) is not None]
    return found


def check(built: Built, what: object, text: str) -> None:
    found = leaks(built, text)
    assert not found, (what, found, built.spec)


def cli_reads(built: Built) -> list[tuple[str, ...]]:
    """Every public command worth running on the archive."""
    out: list[tuple[str, ...]] = [
        ("list", "--json", "--all-parts"),
        ("list",),
        ("issues", "--json"),
        ("report", "status", "--json"),
        ("report", "unresolved", "--json"),
        ("report", "disclosure", "--json", "--threshold", "1"),
        ("report", "completeness", "--json"),
        ("report", "interpretations", "--json"),
        ("report", "timeliness", "--json"),
        ("report", "expiring", "--json", "--within", "100y"),
    ]
    for doc_id in sorted(built.visible):
        out += [
            ("show", doc_id, "--text"),
            ("show", doc_id, "--text", "--json"),
            ("show", doc_id, "--text", "--on", "2020-01-01"),
            ("status", doc_id, "--json"),
            ("status", doc_id),
            ("timeline", doc_id),
            ("timeline", doc_id, "--json"),
            ("disclosure", "history", doc_id, "--json"),
            ("interpretation", "list", doc_id, "--json"),
            ("deadlines", doc_id, "--json"),
            ("diff", doc_id),
            *(("export", doc_id, "--format", fmt) for fmt in FORMATS if fmt != "docx"),
        ]
        for n in (1, 2, 3):
            out.append(("diff", f"{doc_id}@1", f"{doc_id}@{n}"))
    return out


def search_tokens(built: Built) -> list[str]:
    return sorted(built.secrets | built.public_tokens)


def check_search(built: Built, archive: gazette.Archive, token: str) -> None:
    results = archive.public.search(token, limit=50)
    check(built, ("search", token), json.dumps(results.as_json(), ensure_ascii=False))
    assert {h.id for h in results.hits} <= built.visible
    if token in built.secrets:
        assert results.total == 0, (token, built.spec)


def check_api(built: Built, archive: gazette.Archive) -> None:
    public = archive.public
    for doc in public.documents(top_level_only=False):
        assert doc.id in built.visible
        check(built, ("api", doc.id), walk(doc))
        for fmt in FORMATS:
            data = format_module(fmt).render(doc)
            check(built, ("export", doc.id, fmt), exported_text(data))
    check(built, "list", walk(public.list(top_level_only=False)))
    check(built, "issues", walk(public.issues()))
    for k in range(len(built.spec.docs)):
        for ref in (title(k), number(k), number(k).replace("〔", "[").replace("〕", "]")):
            found = public.find(ref)
            if found is None:
                continue
            assert found.id == built.ids[k] and found.id in built.visible, (ref, built.spec)
            secret = f"qz{k}t" if ref == title(k) else f"{serial(k)}号"
            assert secret not in built.secrets, (ref, built.spec)
    for report in (
        reports.interpretations(public),
        reports.disclosure(public, as_of=dt.date(2040, 1, 1), threshold=1),
        reports.timeliness(public),
        reports.completeness(public),
    ):
        check(built, type(report).__name__, json.dumps(report.as_json(), ensure_ascii=False))


def check_bag(built: Built, archive: gazette.Archive, folder: Path) -> None:
    ids = list(archive.public.ids())
    if not ids:
        return
    make_bag(archive, folder, ids, formats=("txt", "docx", "akn"))
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        check(built, ("bag", path.name), exported_text(path.read_bytes()))


def check_cli(built: Built, run: Cli, args: tuple[str, ...]) -> None:
    result = run(*args, expect=None)
    assert "Traceback" not in result.output, (args, result.output)
    check(built, args, result.output)
