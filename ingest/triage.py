"""Which files found in a folder walk are documents at all.

A folder of documents often holds other files: a LICENSE, a README, images, data. In a folder
walk such files are *skipped* with a reason rather than counted as failures, so that running
the same folder again exits cleanly. A file named explicitly is always read (and fails with
the reason when it cannot be).

Plain text and Markdown are read by any reader, so for them the test is the content: a text
with no trace of an official document (no Chinese text, or none of a document number, a
written date, a 文种 ending a line, an article ``第X条`` or a gazette mark) is not one.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from pathlib import Path, PurePath

from gazette.docnumber import DocNumber
from gazette.errors import GazetteError

# Enough of the file to find its title, number and a date.
_HEAD = 64 * 1024
_MIN_HAN = 10
_HAN = re.compile(r"[\u4e00-\u9fff]")
_DATE = re.compile(
    r"[0-9０-９]{4}\s*年\s*[0-9０-９]{1,2}\s*月\s*[0-9０-９]{1,2}\s*日"
    r"|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日"
)
_ARTICLE = re.compile(r"第[一二三四五六七八九十百零〇]+条")
_GAZETTE = re.compile(r"公报|政府信息公开|此件公开发布|此件主动公开")


def _type_line() -> re.Pattern[str]:
    from gazette.titles import DOC_TYPES

    endings = sorted({ending for ending, _ in DOC_TYPES}, key=len, reverse=True)
    return re.compile(r"(?:{})\s*$".format("|".join(map(re.escape, endings))), re.MULTILINE)


_TYPE_LINE: re.Pattern[str] | None = None


def official_traces(text: str) -> list[str]:
    """The traces of an official document in ``text`` (empty: it shows none).

    Traces: a 发文字号, a written date, a line ending with a 文种 (a title), an article
    number, or the words of a gazette or a disclosure note. A text with fewer than 10 Chinese
    characters shows none, whatever it holds.
    """
    global _TYPE_LINE
    if len(_HAN.findall(text, 0, _HEAD)) < _MIN_HAN:
        return []
    if _TYPE_LINE is None:
        _TYPE_LINE = _type_line()
    head = text[:_HEAD]
    found: list[str] = []
    if DocNumber.find(head):
        found.append("document number")
    if _DATE.search(head):
        found.append("date")
    if _TYPE_LINE.search(head):
        found.append("title")
    if _ARTICLE.search(head):
        found.append("article")
    if _GAZETTE.search(head):
        found.append("gazette or disclosure note")
    return found


# Extensions that say "this is a document": such a file holding something else is a failure
# to report, not a stray to skip.
DOCUMENT_SUFFIXES = frozenset(
    {".pdf", ".docx", ".doc", ".wps", ".ofd", ".html", ".htm", ".xhtml", ".txt", ".md", ".rtf"}
)


def named_as_document(path: PurePath) -> bool:
    """Whether the file's name claims a document format."""
    return path.suffix.lower() in DOCUMENT_SUFFIXES


def not_a_document(path: Path, fmt: str) -> str | None:
    """Why a walked text or Markdown file is not a document (``None``: it may be one)."""
    if fmt not in {"txt", "md"}:
        return None
    from ingest.readers.text import decode

    try:
        with open(path, "rb") as handle:
            head = handle.read(_HEAD)
        text = decode(head, path)
    except (OSError, GazetteError):
        return None  # let the reader report what is wrong with it
    if official_traces(text):
        return None
    return "纯文本中没有公文的迹象（如仍要入库，请直接指明该文件）"


def matches(path: PurePath, root: PurePath, patterns: Sequence[str]) -> bool:
    """Whether ``path`` (found under ``root``) matches one of the glob ``patterns``.

    A pattern is matched against the file's name and against its path relative to ``root``
    (``*.pdf``, ``2019/*.docx``, ``**/drafts/*``).
    """
    try:
        relative = path.relative_to(root).as_posix()
    except ValueError:
        relative = path.as_posix()
    for pattern in patterns:
        if fnmatch.fnmatchcase(path.name, pattern) or fnmatch.fnmatchcase(relative, pattern):
            return True
        if pattern.startswith("**/") and fnmatch.fnmatchcase(relative, pattern[3:]):
            return True
    return False
