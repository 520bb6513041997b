"""What a fixed-layout page carries besides the document: page numbers, running headers, a
browser's print margins, and a portal's metadata table.

* **Page numbers** (``— 3 —``, ``-3-``, ``第3页``, ``3/9``, a bare ``3``) in the top or bottom
  band of a page.
* **Running headers and footers**: the same text (digits aside), in the same band, the same
  size and about the same height on several pages. A title at the top of page 1 and the
  signature at the top of page 3 are not one, even when they read the same.
* **A browser's header and footer**: the first or last line of a page, in its outer margin,
  holding the time it was printed (``12/6/26, 8:54 AM``, ``2026/12/6 08:54``), a URL, or a page
  count (``1/3``).
* **A portal's metadata table** on a printed portal page: label cells (``索 引 号：`` wrapped
  over two lines in a narrow cell, ``发文字号：`` …) and the values to their right become the
  document's metadata, as the HTML reader takes them from the page; what is printed above the
  table's end on its page (the site's banner, the breadcrumbs, the table) is kept apart.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.normalize import clean_inline
from ingest.raw import Line
from ingest.readers.layout import Page, Piece, Row

# Share of the page height, from the top and from the bottom, where running headers, footers
# and page numbers live (GB/T 9704 puts the text block 37 mm from the top and the page number
# 7 mm under it).
BAND = 0.11
# A dashed page number is unmistakable: accept it a little further in.
DASHED_BAND = 0.18
# A browser prints its header and footer in the page's outer margin.
BROWSER_BAND = 0.06
# Text set smaller than this (points) is not there to be read (an embedded object's name).
MIN_SIZE = 3.0
_PAGE_NUMBER = re.compile(
    r"""^(
        [—–\-－‒―~]+\s*[0-9]+\s*[—–\-－‒―~]+   # — 3 —, -3-
      | 第\s*[0-9]+\s*页(\s*[,，/]?\s*共\s*[0-9]+\s*页)?   # 第3页, 第3页 共9页
      | [0-9]{1,4}\s*/\s*[0-9]{1,4}                 # 3/9
      | [0-9]{1,4}                                 # 3
      | (page|p\.)\s*[0-9]+(\s*of\s*[0-9]+)?        # Page 3 of 9
    )$""",
    re.VERBOSE | re.IGNORECASE,
)
_DASHED = re.compile(r"^[—–\-－‒―~]+\s*[0-9]+\s*[—–\-－‒―~]+$")
_BROWSER = re.compile(
    r"""
      ^\s*[0-9]{1,4}[/.\-][0-9]{1,2}[/.\-][0-9]{1,4},?\s*(上午|下午)?\s*[0-9]{1,2}:[0-9]{2}  # time
    | ^\s*[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日\s*[0-9]{1,2}:[0-9]{2}                  # 年月日 time
    | \b(https?|file|ftp)://\S+                                                    # the URL
    | (^|\s)[0-9]{1,4}\s*/\s*[0-9]{1,4}\s*$                                        # 1/3
    | (^|\s)(第\s*[0-9]+\s*页\s*[,，]?\s*共\s*[0-9]+\s*页|page\s*[0-9]+\s*of\s*[0-9]+)\s*$
    """,
    re.VERBOSE | re.IGNORECASE,
)


def _furniture_key(text: str) -> str:
    return re.sub(r"[0-9０-９一二三四五六七八九十〇]+", "#", re.sub(r"\s+", "", text))


def _in_band(row: Row, page: Page, share: float) -> bool:
    return row.bottom <= page.height * share or row.top >= page.height * (1 - share)


def _side(row: Row, page: Page) -> str:
    return "top" if row.bottom <= page.height / 2 else "bottom"


def split_furniture(pages: Sequence[Page]) -> tuple[list[Row], list[Row]]:
    """Separate page numbers, running headers/footers, a browser's margins and text too small
    to read from the body."""
    seen: dict[tuple[str, str, int], list[float]] = defaultdict(list)
    counts: Counter[tuple[str, str, int]] = Counter()
    for page in pages:
        keys = set()
        for row in page.rows:
            if _in_band(row, page, BAND):
                key = (_side(row, page), _furniture_key(row.text), round(row.size))
                keys.add(key)
                seen[key].append(row.top)
        counts.update(keys)
    places = {key: statistics.median(tops) for key, tops in seen.items() if counts[key] >= 2}
    body: list[Row] = []
    furniture: list[Row] = []
    for page in pages:
        for row in page.rows:
            compact = re.sub(r"\s+", "", row.text)
            running = False
            if len(pages) > 1 and _in_band(row, page, BAND):
                key = (_side(row, page), _furniture_key(row.text), round(row.size))
                running = key in places and abs(row.top - places[key]) <= 2 * max(row.height, 1)
            if (
                row.size < MIN_SIZE
                or (_DASHED.match(compact) and _in_band(row, page, DASHED_BAND))
                or (_PAGE_NUMBER.match(compact) and _in_band(row, page, BAND))
                or running
                or (
                    (row is page.rows[0] or row is page.rows[-1])
                    and _in_band(row, page, BROWSER_BAND)
                    and _BROWSER.search(row.text)
                )
            ):
                furniture.append(row)
            else:
                body.append(row)
    return body, furniture


# --- a portal's metadata table ---------------------------------------------------------------


def _label_of(text: str) -> str | None:
    from ingest.readers.html import METADATA_LABELS

    key = re.sub(r"[\s\u00a0]+", "", text)
    if not key.endswith(("：", ":")):
        return None
    return METADATA_LABELS.get(key.rstrip("：:"))


def _inline_label(text: str) -> tuple[str, str] | None:
    """``索引号：000014349/2019-00007`` in one piece."""
    from ingest.readers.html import METADATA_LABELS

    match = re.match(r"^\s*([^:：]{2,12}?)\s*[:：]\s*(\S.*)$", text)
    if not match:
        return None
    key = METADATA_LABELS.get(re.sub(r"[\s\u00a0\u3000]+", "", match[1]))
    return (key, match[2]) if key else None


def _stacked(upper: Piece, lower: Piece) -> bool:
    """Two lines of one narrow cell: left-aligned, the lower under the upper. (A piece that
    runs on into the value beside the label may be as tall as the value: boxes can overlap.)"""
    height = max(min(upper.bottom - upper.top, lower.bottom - lower.top), 1.0)
    slack = 0.2 * height
    return (
        abs(upper.x0 - lower.x0) <= 0.4 * height
        and upper.top <= lower.top + slack
        and upper.bottom <= lower.bottom + slack
        and (upper.top < lower.top - slack or upper.bottom < lower.bottom - slack)
        and lower.top - upper.bottom <= 0.9 * height
    )


@dataclass(frozen=True)
class _Label:
    key: str
    cell: Piece  # the label's box
    pieces: tuple[int, ...]  # ids of the pieces it is made of
    tail: str  # what follows the colon in its last piece (the value, printed beside it)


_COLON = re.compile(r"[：:]")


def _labels(pieces: Sequence[Piece]) -> list[_Label]:
    """Label cells: one piece, or two or three stacked lines of a narrow cell, the last ending
    in ``：`` or running on into the value (``号： 000014349/2019-00007``)."""
    found: list[_Label] = []
    for piece in pieces:
        colon = _COLON.search(piece.text)
        if colon is None or colon.start() > 10:
            continue
        head, tail = piece.text[: colon.end()], piece.text[colon.end() :]
        stack = [piece]
        for _ in range(3):
            text = "".join(p.text for p in stack[:-1]) + head
            key = _label_of(text)
            if key is not None:
                cell = Piece(
                    text,
                    min(p.x0 for p in stack),
                    max(p.x1 for p in stack[:-1]) if tail.strip() and len(stack) > 1 else piece.x1,
                    stack[0].top,
                    max(p.bottom for p in stack),
                )
                found.append(_Label(key, cell, tuple(id(p) for p in stack), tail.strip()))
                break
            above = [p for p in pieces if len(p.text) <= 8 and _stacked(p, stack[0])]
            if not above:
                break
            stack.insert(0, max(above, key=lambda p: (p.top, p.bottom)))
    return found


def portal_table(page: Page) -> tuple[dict[str, str], float] | None:
    """The metadata table of a printed portal page, and where it ends (its bottom).

    ``None`` when the page holds no such table (fewer than three labels with values).
    """
    pieces = [piece for row in page.rows for piece in row.pieces]
    labels = _labels(pieces)
    metadata: dict[str, str] = {}
    bottom = 0.0
    used = {ident for label in labels for ident in label.pieces}
    for label in labels:
        cell = label.cell
        height = max(cell.bottom - cell.top, 1.0)
        row_labels = [
            other.cell
            for other in labels
            if other is not label
            and other.cell.x0 > cell.x1
            and min(other.cell.bottom, cell.bottom) - max(other.cell.top, cell.top) > 0.3 * height
        ]
        limit = min((other.x0 for other in row_labels), default=page.width)
        values = sorted(
            (
                p
                for p in pieces
                if p.x0 >= cell.x1 - 1
                and p.x1 <= limit + 1
                and cell.top - 0.3 * height <= (p.top + p.bottom) / 2 <= cell.bottom + 0.3 * height
                and id(p) not in used
                and _label_of(p.text) is None
            ),
            key=lambda p: (p.top, p.x0),
        )
        bottom = max(bottom, cell.bottom)
        value = label.tail + "".join(p.text for p in values)
        if value.strip() and label.key not in metadata:
            metadata[label.key] = clean_inline(value)
            bottom = max(bottom, *(p.bottom for p in values)) if values else bottom
    if len(metadata) < 3:
        return None
    return metadata, bottom


def strip_portal_table(pages: Sequence[Page]) -> tuple[dict[str, str], list[Row]]:
    """Take a printed portal page's metadata table off its first page.

    Returns:
        The metadata (empty when there is no table) and the rows taken off: the table and
        what is printed above it (the site's banner and breadcrumbs).
    """
    if not pages:
        return {}, []
    page = pages[0]
    found = portal_table(page)
    if found is None:
        return {}, []
    metadata, bottom = found
    taken = [row for row in page.rows if row.top < bottom - 0.5]
    page.rows = [row for row in page.rows if row.top >= bottom - 0.5]
    return metadata, taken


def _labelled_cells(cells: Sequence[str]) -> list[tuple[str, str]] | None:
    """``(label, value)`` pairs of a row made only of labels and values, else ``None``."""
    pairs = []
    for label, value in itertools.zip_longest(cells[::2], cells[1::2], fillvalue=""):
        key = _label_of(label)
        if key is None:
            inline = _inline_label(label)
            if inline is None:
                return None
            key, value = inline
        pairs.append((key, value))
    return pairs or None


# What a portal prints around a document and a saved or printed page keeps: the QR-code
# caption, the print and close buttons, the site's footer.
_SITE_CHROME = re.compile(
    r"""^(?:
        扫一扫.{0,20}                                      # 扫一扫在手机打开当前页
      | (?:【?(?:打印本页|打印|关闭窗口|关闭|返回顶部|收藏本页|分享)】?){1,6}  # 【打印】
      | .{0,40}版权所有.{0,80}
      | .{0,40}(?:网站标识码|ICP备|ICP证|公网安备).{0,80}
      | (?:主办单位|承办单位|技术支持|网站地图|联系我们)(?:[:：].{0,80})?
      | 分享到[:：]?.{0,30}
    )$""",
    re.VERBOSE,
)


def chrome_bounds(lines: Sequence[Line]) -> tuple[int, int]:
    """Where the document starts and ends among ``lines``, the lines a portal prints around a
    document (before its first line and after its last) left out."""
    start, end = 0, len(lines)
    while end > start and _SITE_CHROME.match(re.sub(r"\s+", "", lines[end - 1].text)):
        end -= 1
    while start < end and _SITE_CHROME.match(re.sub(r"\s+", "", lines[start].text)):
        start += 1
    return start, end


def site_chrome(lines: Sequence[Line]) -> tuple[list[Line], list[Line]]:
    """Take off the lines a portal prints around a document: they are not the document, and
    after the 附注 they would pass for an attachment.

    Returns:
        The document's lines and the chrome taken off.
    """
    start, end = chrome_bounds(lines)
    return list(lines[start:end]), [*lines[:start], *lines[end:]]


def table_metadata(lines: Sequence[Line], window: int = 16) -> tuple[dict[str, str], int]:
    """A portal's metadata table read as table rows (a Word file saved from a portal page).

    Looks at the leading lines: table rows whose cells are labels and values
    (``索引号：`` ``000014349/2019-00007`` ``主题分类：`` …), and labels left without a value on
    a line of their own (``主题词：``).

    Returns:
        The metadata (empty when fewer than three labels have values) and how many leading
        lines the table takes.
    """
    metadata: dict[str, str] = {}
    end = 0
    for k, line in enumerate(lines[:window]):
        found = _labelled_cells([cell.strip() for cell in line.text.split("\t")])
        if found is None:
            break
        for key, value in found:
            if value and key not in metadata:
                metadata[key] = clean_inline(value)
        end = k + 1
    if len(metadata) < 3:
        return {}, 0
    return metadata, end


__all__ = [
    "BAND",
    "chrome_bounds",
    "portal_table",
    "site_chrome",
    "split_furniture",
    "strip_portal_table",
    "table_metadata",
]
