"""Reading a list of disclosure decisions from a CSV file.

One row per document; a header row names the columns, in English or Chinese:

=============  ===================================  =========
column         also accepted                        required
=============  ===================================  =========
``ref``        文件, 文号, 标题                       yes
``attribute``  公开属性                              yes
``reason``     理由                                  for on_request, withheld, partial
``grounds``    法定理由, 依据条款                     no (``;`` or ``、`` between several)
``basis``      依据                                  no
``decided_on`` 决定日期                              no
``review_due`` 复核日期                              no
``by``         经办人                                no
=============  ===================================  =========

The file is UTF-8 (with or without a byte-order mark) or GB18030, as spreadsheets save it.
Every row is checked before anything is stored; a bad row fails the whole file with its line.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import os
from pathlib import Path

import attrs

from gazette import disclosure
from gazette.dates import try_parse_date
from gazette.errors import GazetteError, ImportFailed
from gazette.model import Disclosure, DisclosureAttribute, Ground
from gazette.wording import os_error

_COLUMNS = {
    "ref": ("ref", "文件", "文号", "标题"),
    "attribute": ("attribute", "公开属性"),
    "reason": ("reason", "理由"),
    "grounds": ("grounds", "法定理由", "依据条款"),
    "basis": ("basis", "依据"),
    "decided_on": ("decided_on", "决定日期"),
    "review_due": ("review_due", "复核日期"),
    "by": ("by", "经办人"),
}
_MAX_BYTES = 20 * 1024 * 1024


@attrs.frozen
class DisclosureRow:
    """One checked row of a disclosure list.

    Attributes:
        line: the row's line in the file (1-based, the header is line 1).
        ref: the document reference (id, number or title).
        attribute: the attribute.
        reason: why.
        grounds: legal grounds.
        basis: free-text basis.
        decided_on: date of the decision.
        review_due: next review.
        by: who decided.
    """

    line: int
    ref: str
    attribute: DisclosureAttribute
    reason: str | None = None
    grounds: tuple[Ground, ...] = ()
    basis: str | None = None
    decided_on: _dt.date | None = None
    review_due: _dt.date | None = None
    by: str | None = None


def _decode(path: Path, data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFailed(path, None, "不是 UTF-8 或 GB18030 编码的文本")


def _date(path: Path, line: int, name: str, value: str | None) -> _dt.date | None:
    if not value:
        return None
    parsed = try_parse_date(value)
    if parsed is None:
        raise ImportFailed(path, line, f"{name}列的“{value}”不是日期")
    return parsed


def read(path: str | os.PathLike[str]) -> list[DisclosureRow]:
    """Read and check every row.

    Raises:
        ImportFailed: the file cannot be read, lacks a required column, or a row is bad.
    """
    path = Path(path)
    try:
        if path.exists() and not path.is_file():
            raise ImportFailed(path, None, "不是普通文件（是管道、设备或文件夹）")
        if path.stat().st_size > _MAX_BYTES:
            raise ImportFailed(path, None, "超过20 MB")
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(path, None, f"无法读取（{os_error(exc)}）") from exc
    text = _decode(path, data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFailed(path, None, "文件是空的") from None
    except csv.Error as exc:
        raise ImportFailed(path, 1, "CSV 格式有误") from exc
    names = [h.strip().lower() for h in header]
    where: dict[str, int] = {}
    for key, spellings in _COLUMNS.items():
        for index, name in enumerate(names):
            if name in spellings:
                where[key] = index
                break
    missing = [key for key in ("ref", "attribute") if key not in where]
    if missing:
        raise ImportFailed(path, 1, f"缺少列：{'、'.join(missing)}")
    rows: list[DisclosureRow] = []
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue

            def cell(key: str, record: list[str] = record) -> str | None:
                index = where.get(key)
                if index is None or index >= len(record):
                    return None
                return record[index].strip() or None

            ref = cell("ref")
            if not ref:
                raise ImportFailed(path, line, "没有指明文件")
            try:
                attribute = disclosure.parse_attribute(cell("attribute") or "")
                grounds = disclosure.parse_grounds([cell("grounds") or ""])
                disclosure.check(Disclosure(attribute, reason=cell("reason"), grounds=grounds))
            except GazetteError as exc:
                raise ImportFailed(path, line, str(exc)) from exc
            rows.append(
                DisclosureRow(
                    line=line,
                    ref=ref,
                    attribute=attribute,
                    reason=cell("reason"),
                    grounds=grounds,
                    basis=cell("basis"),
                    decided_on=_date(path, line, "decided_on", cell("decided_on")),
                    review_due=_date(path, line, "review_due", cell("review_due")),
                    by=cell("by"),
                )
            )
    except csv.Error as exc:
        raise ImportFailed(path, reader.line_num, "CSV 格式有误") from exc
    if not rows:
        raise ImportFailed(path, None, "没有数据行")
    return rows


__all__ = ["DisclosureRow", "read"]
