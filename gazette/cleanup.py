"""Cleanup results (清理结果): their vocabulary and the import of a cleanup list as CSV.

Governments review their normative documents every few years and publish the result as lists
per outcome: 继续有效, 修改 (需修改后重新发布), 废止, 宣布失效, 部分条款失效. The same words appear
in published notices (read by ``ingest.clauses``) and in the spreadsheets archivists keep;
:func:`outcome_of` maps them to :class:`~gazette.model.CleanupOutcome`.

A CSV cleanup list has a header row and one document per row. Columns are recognised by their
header, in Chinese or English (order free, unknown columns ignored):

======================  =====================================================================
column                  headers
======================  =====================================================================
title                   ``title``, ``标题``, ``文件名称``, ``名称``, ``规范性文件名称``
number                  ``number``, ``doc_number``, ``文号``, ``发文字号``
outcome (required)      ``outcome``, ``清理结果``, ``清理意见``, ``处理意见``, ``结果``
date                    ``date``, ``日期``, ``生效日期``, ``执行日期``, ``失效日期``, ``废止日期``
articles                ``articles``, ``条款``, ``失效条款``
note                    ``note``, ``备注``, ``说明``
======================  =====================================================================

Each row needs a title or a number, an outcome (a column, or one outcome for the whole list)
and a date (a column, or one date for the whole list). The file is UTF-8 (with or without BOM)
or GB18030. Any bad row rejects the whole list with :class:`~gazette.errors.InvalidCleanupList`
naming the line: nothing is half-imported.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
import unicodedata
from pathlib import Path

import attrs

from gazette.dates import try_parse_date
from gazette.docnumber import DocNumber
from gazette.errors import InvalidCleanupList
from gazette.model import CleanupOutcome, DocRef
from gazette.references import ref_from_text
from gazette.wording import os_error

# Outcome words, most specific first (部分条款失效 before 失效, 宣布失效 before 失效).
OUTCOME_WORDS: tuple[tuple[str, CleanupOutcome], ...] = (
    ("部分条款失效", CleanupOutcome.PARTIALLY_INVALID),
    ("部分条款废止", CleanupOutcome.PARTIALLY_INVALID),
    ("部分条款停止执行", CleanupOutcome.PARTIALLY_INVALID),
    ("部分失效", CleanupOutcome.PARTIALLY_INVALID),
    ("部分废止", CleanupOutcome.PARTIALLY_INVALID),
    ("宣布失效", CleanupOutcome.DECLARE_INVALID),
    ("予以失效", CleanupOutcome.DECLARE_INVALID),
    ("继续有效", CleanupOutcome.CONTINUE),
    ("继续执行", CleanupOutcome.CONTINUE),
    ("继续施行", CleanupOutcome.CONTINUE),
    ("保留", CleanupOutcome.CONTINUE),
    ("修改后重新发布", CleanupOutcome.AMEND),
    ("需修改", CleanupOutcome.AMEND),
    ("需要修改", CleanupOutcome.AMEND),
    ("拟修改", CleanupOutcome.AMEND),
    ("修改", CleanupOutcome.AMEND),
    ("修订", CleanupOutcome.AMEND),
    ("停止执行", CleanupOutcome.REPEAL),
    ("不再执行", CleanupOutcome.REPEAL),
    ("废止", CleanupOutcome.REPEAL),
    ("失效", CleanupOutcome.DECLARE_INVALID),
)
_OUTCOME_RE = re.compile("|".join(re.escape(word) for word, _ in OUTCOME_WORDS))
_BY_WORD = dict(OUTCOME_WORDS)


def outcome_of(text: str) -> CleanupOutcome | None:
    """The cleanup outcome a phrase names (``继续有效``, ``废止``, ``repeal`` …), if any.

    The most specific word wins wherever it stands (``部分条款失效`` is partial, not 失效).
    """
    text = unicodedata.normalize("NFKC", text or "").strip()
    try:
        return CleanupOutcome(text.lower())
    except ValueError:
        pass
    for word, outcome in OUTCOME_WORDS:
        if word in text:
            return outcome
    return None


def outcome_words(text: str) -> list[tuple[CleanupOutcome, int, int]]:
    """Every outcome word in ``text`` with its span, in order (longest match at each place)."""
    return [(_BY_WORD[m[0]], m.start(), m.end()) for m in _OUTCOME_RE.finditer(text)]


# --- CSV lists ----------------------------------------------------------------------------------

_HEADERS = {
    "title": ("title", "标题", "文件名称", "名称", "文件标题", "规范性文件名称", "文件"),
    "number": ("number", "doc_number", "文号", "发文字号", "文件编号"),
    "outcome": ("outcome", "清理结果", "清理意见", "处理意见", "处理结果", "结果"),
    "date": ("date", "日期", "生效日期", "执行日期", "失效日期", "废止日期"),
    "articles": ("articles", "条款", "失效条款"),
    "note": ("note", "备注", "说明"),
}
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000


@attrs.frozen
class CleanupRow:
    """One document in a cleanup list.

    Attributes:
        line: the 1-based line of the row in the file.
        target: the document the row names.
        outcome: what the cleanup decided for it.
        date: when the outcome takes effect.
        articles: the articles concerned (部分条款失效).
        note: the row's note.
        excerpt: the row as written, for provenance.
    """

    line: int
    target: DocRef
    outcome: CleanupOutcome
    date: _dt.date
    articles: tuple[str, ...] = ()
    note: str | None = None
    excerpt: str = ""


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data:
        raise InvalidCleanupList(name, "是二进制数据，不是 CSV 文本文件")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidCleanupList(name, "不是 UTF-8 或 GB18030 编码的文本")


def _columns(header: list[str], name: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        label = unicodedata.normalize("NFKC", cell).strip().lower().replace(" ", "")
        for column, names in _HEADERS.items():
            if label in names and column not in found:
                found[column] = index
    if "title" not in found and "number" not in found:
        raise InvalidCleanupList(name, "表头中没有标题列或文号列（如 文件名称、文号）", row=1)
    return found


def _articles(text: str) -> tuple[str, ...]:
    return tuple(a for a in re.split(r"[、，,；;\s]+", text.strip()) if a)


def read_cleanup_csv(
    source: Path | bytes,
    *,
    name: str | None = None,
    outcome: CleanupOutcome | None = None,
    date: _dt.date | None = None,
) -> list[CleanupRow]:
    """Read a cleanup list.

    Args:
        source: the CSV file, or its bytes.
        name: the list's name for messages (defaults to the file name).
        outcome: the outcome of every row without one (a list of repealed documents).
        date: the date of every row without one.

    Raises:
        InvalidCleanupList: unreadable file, no usable header, or a bad row (naming the line).
    """
    if isinstance(source, Path):
        name = name or source.name
        try:
            if source.exists() and not source.is_file():
                raise InvalidCleanupList(name, "不是普通文件（是管道、设备或文件夹）")
            if source.stat().st_size > MAX_BYTES:
                raise InvalidCleanupList(name, f"超过{MAX_BYTES // (1024 * 1024)} MB")
            data = source.read_bytes()
        except OSError as exc:
            raise InvalidCleanupList(name, f"无法读取（{os_error(exc)}）") from exc
    else:
        data = source
        name = name or "清理结果清单"
        if len(data) > MAX_BYTES:
            raise InvalidCleanupList(name, f"超过{MAX_BYTES // (1024 * 1024)} MB")
    text = _decode(data, name)
    try:
        table = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise InvalidCleanupList(name, "不是有效的 CSV") from exc
    table = [row for row in table if any(cell.strip() for cell in row)]
    if not table:
        raise InvalidCleanupList(name, "清单是空的")
    if len(table) > MAX_ROWS + 1:
        raise InvalidCleanupList(name, f"超过{MAX_ROWS}行")
    columns = _columns(table[0], name)
    if "outcome" not in columns and outcome is None:
        raise InvalidCleanupList(name, "没有清理结果列；请为整个清单指定一种清理结果", row=1)
    rows: list[CleanupRow] = []
    for line, row in enumerate(table[1:], start=2):

        def cell(column: str, row: list[str] = row) -> str:
            index = columns.get(column)
            if index is None or index >= len(row):
                return ""
            return unicodedata.normalize("NFC", row[index]).strip()

        excerpt = ", ".join(c.strip() for c in row if c.strip())
        number_text = cell("number")
        number = DocNumber.try_parse(number_text) if number_text else None
        if number_text and number is None:
            raise InvalidCleanupList(name, f"“{number_text}”不是文号", row=line)
        title_text = cell("title")
        target = ref_from_text(title_text) if title_text else None
        if title_text and target is None:
            raise InvalidCleanupList(name, "标题中列出了多个文件", row=line)
        if target is None and number is None:
            raise InvalidCleanupList(name, "既没有标题也没有文号", row=line)
        if target is None:
            target = DocRef(number_text, None, number)
        elif number is not None:
            if target.number is not None and target.number != number:
                raise InvalidCleanupList(
                    name, f"标题中的文号为{target.number}，文号列为{number}", row=line
                )
            target = attrs.evolve(target, number=number, text=f"{target.text}（{number}）")
        outcome_text = cell("outcome")
        row_outcome = outcome_of(outcome_text) if outcome_text else outcome
        if row_outcome is None:
            raise InvalidCleanupList(
                name,
                f"未知的清理结果“{outcome_text}”"
                "（可用：继续有效、修改、废止、宣布失效、部分条款失效）",
                row=line,
            )
        date_text = cell("date")
        row_date = try_parse_date(date_text) if date_text else date
        if date_text and row_date is None:
            raise InvalidCleanupList(name, f"“{date_text}”不是日期", row=line)
        if row_date is None:
            raise InvalidCleanupList(
                name, "没有日期（请添加日期列，或为整个清单指定日期）", row=line
            )
        rows.append(
            CleanupRow(
                line=line,
                target=target,
                outcome=row_outcome,
                date=row_date,
                articles=_articles(cell("articles")),
                note=cell("note") or None,
                excerpt=excerpt,
            )
        )
    if not rows:
        raise InvalidCleanupList(name, "表头之后没有数据行")
    return rows
