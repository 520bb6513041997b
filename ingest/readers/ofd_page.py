"""What an OFD page draws: its text with positions, and whether it draws anything else.

A page's ``Content.xml`` holds layers of graphic units (GB/T 33190-2016 §8–§11). This module
walks them, and the template pages and composite units they refer to, and gives:

* text pieces in page coordinates (points, top-down): every ``TextCode`` of every
  ``TextObject``, each glyph placed by ``X``/``Y``, ``DeltaX``/``DeltaY`` (with the
  ``g N value`` repeat syntax), the object's ``CTM`` and its ``Boundary`` offset, then the
  matrices of the composite objects and page blocks it sits in. A glyph outside its object's
  boundary is clipped (not drawn) and is not read. A code is cut into pieces where its glyphs
  change line or stand a wide gap apart (a joint signature, the cells of a form);
* the paths and images, so that a page drawn only with them is known to need OCR, and can be
  rendered for it (:mod:`ingest.readers.ofd_render`).

Namespaces vary between producers (``http://www.ofdspec.org/2016``, ``http://www.ofdspec.org``,
none at all): elements are matched by their local name.
"""

from __future__ import annotations

import contextlib
import functools
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ingest.readers.layout import Row

MM = 72 / 25.4  # OFD measures in millimetres; the layout rules take points
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
# Composite units may refer to other units: deeper than this is a loop or an attack.
MAX_DEPTH = 12
MAX_OBJECTS = 500_000


def compose(first: Matrix, then: Matrix) -> Matrix:
    """The matrix applying ``first``, then ``then`` (``x' = a x + c y + e``,
    ``y' = b x + d y + f``)."""
    a, b, c, d, e, f = first
    a2, b2, c2, d2, e2, f2 = then
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def scale_of(m: Matrix) -> float:
    """How much a matrix scales lengths (the square root of its determinant)."""
    return math.sqrt(abs(m[0] * m[3] - m[1] * m[2])) or 1.0


@functools.lru_cache(maxsize=512)
def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def local(element: Any) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return _local_name(tag)


def numbers(text: str | None) -> list[float]:
    """A space-separated list of numbers; what is not a number is left out."""
    if not text:
        return []
    try:
        out = [float(token) for token in text.split()]
    except ValueError:
        out = []
        for token in text.split():
            with contextlib.suppress(ValueError):
                out.append(float(token))
    return [value for value in out if math.isfinite(value)]


def deltas(text: str | None) -> list[float]:
    """``DeltaX``/``DeltaY``: numbers, where ``g N v`` stands for ``N`` times ``v``."""
    if not text:
        return []
    if "g" not in text:
        return numbers(text)
    tokens = text.split()
    out: list[float] = []
    k = 0
    while k < len(tokens) and len(out) < 100_000:
        token = tokens[k]
        if token == "g" and k + 2 < len(tokens):
            try:
                count, value = int(float(tokens[k + 1])), float(tokens[k + 2])
            except (ValueError, OverflowError):
                k += 1
                continue
            if math.isfinite(value):
                out.extend([value] * max(0, min(count, 100_000)))
            k += 3
            continue
        with contextlib.suppress(ValueError):
            value = float(token)
            if math.isfinite(value):
                out.append(value)
        k += 1
    return out


def matrix_of(element: Any) -> Matrix:
    values = numbers(element.get("CTM"))
    return (
        (values[0], values[1], values[2], values[3], values[4], values[5])
        if len(values) == 6
        else IDENTITY
    )


def boundary_of(element: Any) -> tuple[float, float, float, float]:
    values = numbers(element.get("Boundary"))
    return (values[0], values[1], values[2], values[3]) if len(values) == 4 else (0, 0, 0, 0)


def color_of(element: Any, spaces: dict[str, str]) -> str | None:
    """A ``FillColor`` as ``RRGGBB`` (RGB, gray or CMYK; ``#ee`` hex or decimal values)."""
    if element is None:
        return None
    values = []
    for token in (element.get("Value") or "").split():
        try:
            values.append(int(token[1:], 16) if token.startswith("#") else int(float(token)))
        except ValueError:
            return None
    kind = spaces.get(element.get("ColorSpace") or "", "RGB")
    if kind == "GRAY" and len(values) >= 1:
        values = values[:1] * 3
    elif kind == "CMYK" and len(values) >= 4:
        c, m, y, k = (v / 255 for v in values[:4])
        values = [round(255 * (1 - v) * (1 - k)) for v in (c, m, y)]
    if len(values) < 3:
        return None
    return "".join(f"{max(0, min(255, v)):02X}" for v in values[:3])


@dataclass(slots=True)
class Glyphs:
    """Characters of one text code on one line, in page coordinates (points)."""

    text: str
    x0: float
    x1: float
    baseline: float
    size: float
    bold: bool
    color: str | None

    def row(self, page: int) -> Row:
        return Row(
            text=self.text,
            x0=self.x0,
            x1=self.x1,
            top=self.baseline - 0.88 * self.size,
            bottom=self.baseline + 0.12 * self.size,
            size=round(self.size, 1),
            bold=self.bold,
            color=self.color,
            page=page,
        )


@dataclass
class Drawing:
    """What a page draws: text, and the paths and images beside it."""

    glyphs: list[Glyphs] = field(default_factory=list)
    paths: int = 0
    images: int = 0
    # (element, matrix) of every path and image, for rendering a page that needs OCR.
    graphics: list[tuple[Any, Matrix]] = field(default_factory=list)
    objects: int = 0


@dataclass
class Resources:
    """Fonts, colour spaces, composite units and media of a document, by ID."""

    bold_fonts: set[str] = field(default_factory=set)
    color_spaces: dict[str, str] = field(default_factory=dict)
    units: dict[str, Any] = field(default_factory=dict)
    media: dict[str, str] = field(default_factory=dict)
    draw_params: dict[str, Any] = field(default_factory=dict)

    def add(self, root: Any, folder: str) -> None:
        """Take the resources of one ``PublicRes``/``DocumentRes``/``PageRes`` file whose media
        live in ``folder`` (the file's ``BaseLoc``, resolved by the caller)."""
        for element in root.iter():
            name = local(element)
            ident = element.get("ID")
            if ident is None:
                continue
            if name == "Font":
                label = f"{element.get('FontName', '')} {element.get('FamilyName', '')}"
                if element.get("Bold") in ("true", "1") or re.search(
                    r"bold|heavy|black|黑|粗", label, re.IGNORECASE
                ):
                    self.bold_fonts.add(ident)
            elif name == "ColorSpace":
                self.color_spaces[ident] = (element.get("Type") or "RGB").upper()
            elif name == "CompositeGraphicUnit":
                self.units[ident] = element
            elif name == "MultiMedia":
                media = next((c for c in element if local(c) == "MediaFile"), None)
                if media is not None and media.text:
                    self.media[ident] = f"{folder}/{media.text.strip()}".lstrip("/")
            elif name == "DrawParam":
                self.draw_params[ident] = element


def _split(
    chars: list[tuple[str, float, float]], size: float, hscale: float
) -> Iterator[list[tuple[str, float, float]]]:
    """Cut a code's placed characters where they change line or stand a wide gap apart."""
    run: list[tuple[str, float, float]] = []
    for char in chars:
        if run:
            last = run[-1]
            width = _width(last[0], size, hscale)
            if abs(char[2] - last[2]) > 0.5 * size or char[1] - (last[1] + width) > 1.2 * size:
                yield run
                run = []
        run.append(char)
    if run:
        yield run


def _width(char: str, size: float, hscale: float) -> float:
    return size * hscale * (0.5 if char.isascii() else 1.0)


def text_object(element: Any, parent: Matrix, resources: Resources, drawing: Drawing) -> None:
    """Place the glyphs of a ``TextObject``."""
    bx, by, bw, bh = boundary_of(element)
    matrix = compose(compose(matrix_of(element), (1, 0, 0, 1, bx, by)), parent)
    inner = matrix_of(element)
    size_attr = numbers(element.get("Size"))
    size = size_attr[0] if size_attr else 3.5
    hscale = (numbers(element.get("HScale")) or [1.0])[0] or 1.0
    weight = (numbers(element.get("Weight")) or [400])[0]
    bold = weight >= 600 or element.get("Font", "") in resources.bold_fonts
    color = None
    for child in element:
        if local(child) == "FillColor":
            color = color_of(child, resources.color_spaces)
    page_size = size * scale_of(matrix) * MM
    if not (0 < page_size < 1e5):
        return  # text no page can show (a size or a matrix out of all proportion)
    inner_size = size * scale_of(inner)
    clip = bw > 0 and bh > 0
    left, right = -0.1 * inner_size, bw + 0.1 * inner_size
    top, bottom = -0.5 * inner_size, bh + 0.5 * inner_size
    full, half = size * hscale, 0.5 * size * hscale
    ia, ib, ic, id_, ie, if_ = inner
    ma, mb, mc, md, me, mf = matrix
    x = y = 0.0
    for code in element:
        if local(code) != "TextCode" or not code.text:
            continue
        text = code.text
        xs, ys = numbers(code.get("X")), numbers(code.get("Y"))
        x = xs[0] if xs else x
        y = ys[0] if ys else y
        dx, dy = deltas(code.get("DeltaX")), deltas(code.get("DeltaY"))
        ndx, ndy = len(dx), len(dy)
        last_dx = dx[-1] if dx else 0.0
        placed: list[tuple[str, float, float]] = []
        previous = ""
        for k, char in enumerate(text):
            if k:
                if ndx or ndy:
                    x += dx[k - 1] if k - 1 < ndx else last_dx
                    y += dy[k - 1] if k - 1 < ndy else 0.0
                else:
                    x += half if previous < "\x80" else full
            previous = char
            if clip:
                # The glyph's middle (half an advance right of its origin, 0.4 of a size
                # above the baseline) must lie in the boundary, or the glyph is clipped.
                gx = x + 0.5 * (half if char < "\x80" else full)
                gy = y - 0.4 * size
                mid_x = ia * gx + ic * gy + ie
                mid_y = ib * gx + id_ * gy + if_
                if not (left <= mid_x <= right and top <= mid_y <= bottom):
                    continue  # outside the object's boundary: clipped
            page_x, page_y = (ma * x + mc * y + me) * MM, (mb * x + md * y + mf) * MM
            if abs(page_x) < 1e7 and abs(page_y) < 1e7:  # not off any page (nor infinite)
                placed.append((char, page_x, page_y))
        if text:
            x += half if text[-1] < "\x80" else full
        for run in _split(placed, page_size, hscale):
            piece = "".join(c for c, _, _ in run)
            if not piece.strip():
                continue
            drawing.glyphs.append(
                Glyphs(
                    text=piece,
                    x0=run[0][1],
                    x1=run[-1][1] + _width(run[-1][0], page_size, hscale),
                    baseline=run[0][2],
                    size=page_size,
                    bold=bold,
                    color=color,
                )
            )


class TooComplex(Exception):
    """A page draws more objects than any real page (composite units nested into a bomb)."""


def walk(
    container: Any, matrix: Matrix, resources: Resources, drawing: Drawing, depth: int = 0
) -> None:
    """Everything a layer, page block or composite unit draws, under ``matrix``.

    Raises:
        TooComplex: more than :data:`MAX_OBJECTS` objects, or units nested deeper than
            :data:`MAX_DEPTH`.
    """
    if depth > MAX_DEPTH:
        raise TooComplex(f"图元嵌套超过{MAX_DEPTH}层")
    for child in container:
        drawing.objects += 1
        if drawing.objects > MAX_OBJECTS:
            raise TooComplex(f"一页中图元超过{MAX_OBJECTS}个")
        name = local(child)
        if name == "TextObject":
            text_object(child, matrix, resources, drawing)
        elif name in ("Layer", "PageBlock", "Content"):
            walk(child, matrix, resources, drawing, depth + 1)
        elif name == "CompositeObject":
            unit = resources.units.get(child.get("ResourceID") or "")
            if unit is None:
                continue
            bx, by, _, _ = boundary_of(child)
            inner = compose(compose(matrix_of(child), (1, 0, 0, 1, bx, by)), matrix)
            for content in unit:
                if local(content) == "Content":
                    walk(content, inner, resources, drawing, depth + 1)
        elif name == "PathObject":
            drawing.paths += 1
            drawing.graphics.append((child, matrix))
        elif name == "ImageObject":
            drawing.images += 1
            drawing.graphics.append((child, matrix))


__all__ = [
    "IDENTITY",
    "MM",
    "Drawing",
    "Glyphs",
    "Resources",
    "TooComplex",
    "compose",
    "deltas",
    "walk",
]
