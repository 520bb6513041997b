"""Layout before recognition: how a page image is set, and in what order its lines are read.

* :func:`analyse` measures a page's skew and whether its text runs horizontally or in vertical
  columns, from projection profiles of its ink at a reduced scale (a few hundredths of a
  second a page): text lines (or columns) make the profile across them sharply peaked when it
  is taken at the right angle, and the sum of its squares is largest there. Printed Chinese is
  set on a square grid, so both directions show some structure; the gaps between lines (or
  columns) are wider than those between characters, and that decides the direction.
* :func:`straighten` turns the page by the measured angle.
* :func:`reading_order` puts recognised lines in reading order: top to bottom, and on a page
  in two (or more) columns, each column before the next, lines spanning the columns (a title
  above them) where they stand; vertical columns right to left.

Nothing here knows the engine: it works on greyscale images (numpy arrays, 0 = ink) and on
boxes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

import attrs

# Measured at this width: enough to see lines of body type, cheap to project.
_WORK_WIDTH = 900
_COARSE = [a / 4 for a in range(-16, 17)]  # -4° … 4° in steps of 0.25°


@attrs.frozen
class PageLayout:
    """What :func:`analyse` found.

    Attributes:
        angle: the turn that straightens the page, in degrees counter-clockwise (what
            :func:`straighten` applies).
        vertical: the text runs in vertical columns (read top to bottom, right to left).
        blank: no ink worth reading.
    """

    angle: float = 0.0
    vertical: bool = False
    blank: bool = False


def _ink(gray: Any) -> Any:
    """Ink pixels of a reduced copy: an ``(n, 2)`` array of ``(x, y)``, and the scale."""
    import numpy as np

    width = gray.shape[1]
    step = max(1, round(width / _WORK_WIDTH))
    small = gray[::step, ::step].astype(np.float32)
    threshold = _otsu(small)
    ys, xs = np.nonzero(small <= threshold)
    points = np.stack([xs, ys], axis=1).astype(np.float32)
    if len(points) > 200_000:
        points = points[:: len(points) // 200_000 + 1]
    return points, small.shape


def _otsu(values: Any) -> float:
    import numpy as np

    histogram = np.bincount(np.clip(values, 0, 255).astype(np.int64).ravel(), minlength=256)
    histogram = histogram.astype(np.float64)
    total = histogram.sum()
    if total == 0:
        return 128.0
    levels = np.arange(256)
    weight = np.cumsum(histogram)
    mean = np.cumsum(histogram * levels)
    background = total - weight
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean[-1] * weight - mean * total) ** 2 / (weight * background)
    between[~np.isfinite(between)] = 0
    return float(np.argmax(between))


def _sharpness(points: Any, angle: float, across_rows: bool) -> float:
    """How peaked the profile across rows (or columns) is at ``angle`` degrees."""
    import numpy as np

    a = math.radians(angle)
    if across_rows:
        position = points[:, 1] * math.cos(a) - points[:, 0] * math.sin(a)
    else:
        position = points[:, 0] * math.cos(a) + points[:, 1] * math.sin(a)
    position = position - position.min()
    profile = np.bincount(position.astype(np.int64))
    return float(np.dot(profile, profile)) / max(1.0, float(len(points))) ** 2 * len(profile)


def _best_angle(points: Any, across_rows: bool) -> tuple[float, float]:
    scores = [(_sharpness(points, a, across_rows), a) for a in _COARSE]
    _, coarse = max(scores)
    fine = [coarse + d / 20 for d in range(-5, 6)]
    score, angle = max((_sharpness(points, a, across_rows), a) for a in fine)
    return angle, score


def _gap_share(points: Any, shape: tuple[int, int], angle: float, across_rows: bool) -> float:
    """The share of the text block's extent, across rows (or columns), that holds no ink: wide
    between lines of text, narrow between the characters of a line."""
    import numpy as np

    a = math.radians(angle)
    if across_rows:
        position = points[:, 1] * math.cos(a) - points[:, 0] * math.sin(a)
    else:
        position = points[:, 0] * math.cos(a) + points[:, 1] * math.sin(a)
    position = position - position.min()
    profile = np.bincount(position.astype(np.int64))
    if len(profile) < 10:
        return 0.0
    # Ignore faint rows: a speck or the edge of a neighbouring character.
    floor = max(1.0, 0.02 * float(profile.max()))
    return float(np.mean(profile < floor))


def analyse(gray: Any) -> PageLayout:
    """Skew and direction of a page (a greyscale numpy array)."""
    points, shape = _ink(gray)
    if len(points) < 200:
        return PageLayout(blank=True)
    row_angle, _ = _best_angle(points, across_rows=True)
    column_angle, _ = _best_angle(points, across_rows=False)
    rows = _gap_share(points, shape, row_angle, across_rows=True)
    columns = _gap_share(points, shape, column_angle, across_rows=False)
    vertical = columns > rows * 1.25 and columns > 0.15
    angle = column_angle if vertical else row_angle
    # A page with little text (a signature, a date) gives a weak measure: turn it only when
    # the turn makes the profile clearly sharper than it is as scanned.
    if _sharpness(points, angle, not vertical) < 1.05 * _sharpness(points, 0.0, not vertical):
        angle = 0.0
    return PageLayout(angle=angle, vertical=vertical)


def text_block(gray: Any, band: float = 0.12) -> tuple[int, int]:
    """The rows where the page's text block starts and ends (end exclusive): a line of ink
    in the top or bottom ``band`` of the page that a clear gap separates from the rest (a
    running head, a page number) is left outside. Without such a line, the whole page."""
    import numpy as np

    height = gray.shape[0]
    inked = (gray < 128).sum(axis=1) > max(2, gray.shape[1] // 500)
    rows = np.nonzero(inked)[0]
    if len(rows) == 0:
        return 0, height
    gap = max(4, height // 100)

    def cut(indices: Any, limit: int, forward: bool) -> int | None:
        # Walk from the edge over the first run of ink; a gap after it, still inside the
        # band, makes that run furniture.
        previous = indices[0]
        for index in indices[1:]:
            if abs(index - previous) > gap:
                return int(index) if forward else int(index) + 1
            if (forward and index > limit) or (not forward and index < limit):
                return None
            previous = index
        return None

    top = cut(rows, int(height * band), forward=True)
    bottom = cut(rows[::-1], int(height * (1 - band)), forward=False)
    start = top if top is not None else 0
    end = bottom if bottom is not None else height
    if end - start < height // 4:
        return 0, height
    return max(0, start - gap // 2), min(height, end + gap // 2)


def clean(gray: Any, *, marks: bool = False) -> Any:
    """Paper made white: what is much lighter than the ink (the other side of the sheet
    showing through, yellowing, toner dust) becomes background, so the engine does not read
    a mirrored page into this one. Ink keeps its grey edges.

    With ``marks`` (a vertical page): a photocopy lightens what is small and thin, and on a
    vertical page the punctuation is small marks set apart from the characters (、。，in the
    corner of their cell, brackets, quotes and colons turned), read from their shape alone.
    Grey that lies against ink (within two pixels of clearly dark pixels) is then kept down
    to a lighter level than grey standing on its own, which is the other side of the sheet,
    the paper's tone or noise: a mark keeps its shape instead of being eaten away to a
    speck. (On a horizontal page the engine reads the marks in the run of the line, and the
    wider edges change nothing but the noise.)
    """
    import numpy as np

    sample = gray[::4, ::4]
    paper = float(np.percentile(sample, 90))
    ink = float(np.percentile(sample, 0.5))
    if paper - ink < 40:
        return gray  # no contrast to speak of: leave the page as it is
    level = paper - ink
    keep = gray <= ink + 0.6 * level
    if marks:
        core = gray <= ink + 0.4 * level  # clearly ink: no noise on the paper is this dark
        keep |= (gray <= ink + 0.85 * level) & _dilate(core, 2)
    out = gray.copy()
    out[~keep] = 255
    return out


def _dilate(mask: Any, radius: int) -> Any:
    """A boolean image grown by ``radius`` pixels (a square), rows then columns."""
    grown = mask.copy()
    for shift in range(1, radius + 1):
        grown[shift:, :] |= mask[:-shift, :]
        grown[:-shift, :] |= mask[shift:, :]
    rows = grown.copy()
    for shift in range(1, radius + 1):
        grown[:, shift:] |= rows[:, :-shift]
        grown[:, :-shift] |= rows[:, shift:]
    return grown


def straighten(gray: Any, angle: float) -> Any:
    """The page turned ``angle`` degrees counter-clockwise (white where the turn uncovers the
    margin)."""
    import numpy as np
    from PIL import Image

    if abs(angle) < 0.15:
        return gray
    image = Image.fromarray(gray)
    turned = image.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
    return np.asarray(turned)


# --- reading order --------------------------------------------------------------------------


class Boxed(Protocol):
    @property
    def x0(self) -> float: ...
    @property
    def x1(self) -> float: ...
    @property
    def top(self) -> float: ...
    @property
    def bottom(self) -> float: ...


B = TypeVar("B", bound=Boxed)


def _gutter(boxes: Sequence[Boxed]) -> tuple[float, float] | None:
    """A vertical band between columns of text: (almost) no line crosses it, and each side
    holds a good share of the lines, lines of text rather than page numbers (a 目录's titles
    and their page numbers at the right margin are one column). ``None`` on a single-column
    page."""
    import statistics

    if len(boxes) < 8:
        return None
    left = min(b.x0 for b in boxes)
    right = max(b.x1 for b in boxes)
    width = right - left
    unit = statistics.median(b.bottom - b.top for b in boxes) or 1.0
    best: tuple[float, float] | None = None
    best_width = 0.0
    steps = 60
    for k in range(steps // 4, 3 * steps // 4):
        x = left + width * k / steps
        if sum(1 for b in boxes if b.x0 < x < b.x1) > 0.15 * len(boxes):
            continue
        on_left = [b for b in boxes if b.x1 <= x]
        on_right = [b for b in boxes if b.x0 >= x]
        if min(len(on_left), len(on_right)) < 0.25 * len(boxes):
            continue
        if min(
            statistics.median(b.x1 - b.x0 for b in on_left),
            statistics.median(b.x1 - b.x0 for b in on_right),
        ) < max(0.2 * width, 4 * unit):
            continue  # one side is short pieces (page numbers, labels): not a column of text
        gap_left = max(b.x1 for b in on_left)
        gap_right = min(b.x0 for b in on_right)
        if gap_right - gap_left > best_width:
            best, best_width = (gap_left, gap_right), gap_right - gap_left
    if best is None or best_width < 0.8 * unit:
        return None
    return best


def reading_order_groups(boxes: Sequence[B]) -> list[list[B]]:
    """Horizontal lines in reading order, in groups whose rows may be joined: on a page in two
    columns, the lines of one column between two lines that span both (a title above them),
    each spanning line alone; on a single-column page, one group."""
    ordered = sorted(boxes, key=lambda b: (b.top + b.bottom) / 2)
    gutter = _gutter(ordered)
    if gutter is None:
        return [ordered] if ordered else []
    middle = (gutter[0] + gutter[1]) / 2
    groups: list[list[B]] = []
    left: list[B] = []
    right: list[B] = []

    def flush() -> None:
        for side in (left, right):
            if side:
                groups.append(list(side))
                side.clear()

    for box in ordered:
        if box.x0 < middle < box.x1:  # spans the columns: read where it stands
            flush()
            groups.append([box])
        elif box.x1 <= middle:
            left.append(box)
        else:
            right.append(box)
    flush()
    return groups


def reading_order(boxes: Sequence[B]) -> list[B]:
    """Horizontal lines in reading order (see the module docstring)."""
    return [box for group in reading_order_groups(boxes) for box in group]


def columns_right_to_left(boxes: Sequence[B]) -> list[list[B]]:
    """Boxes of a vertical page grouped into columns (boxes whose horizontal extents overlap
    by more than half the narrower), right to left; each column top to bottom."""
    groups: list[list[B]] = []
    for box in sorted(boxes, key=lambda b: -(b.x0 + b.x1) / 2):
        for group in groups:
            x0 = min(b.x0 for b in group)
            x1 = max(b.x1 for b in group)
            overlap = min(x1, box.x1) - max(x0, box.x0)
            if overlap > 0.5 * min(x1 - x0, box.x1 - box.x0):
                group.append(box)
                break
        else:
            groups.append([box])
    for group in groups:
        group.sort(key=lambda b: b.top)
    groups.sort(key=lambda g: -max(b.x1 for b in g))
    return groups


__all__ = [
    "PageLayout",
    "analyse",
    "clean",
    "columns_right_to_left",
    "reading_order",
    "reading_order_groups",
    "straighten",
    "text_block",
]
