"""Rendering an OFD page without a text layer to an image, for OCR.

A page whose text is drawn as outlines, or that holds a scanned image, has nothing to read;
OCR needs a picture of it. This is a small rasteriser on Pillow, enough for that purpose (not
a viewer): paths (``AbbreviatedData``: ``S``/``M`` move, ``L`` line, ``Q`` and ``B`` curves,
``A`` arc, ``C`` close) are filled — even-odd, or non-zero with holes told by the orientation
of their outline — and stroked in grey levels; images (PNG, JPEG, BMP, TIFF; not JBIG2) are
drawn into the box their matrix gives. Text, colours beyond their lightness, clipping, shading
and transparency are left out.
"""

from __future__ import annotations

import io
import itertools
import math
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from gazette.errors import UnsafeFile
from ingest.readers.ofd_page import (
    Matrix,
    Resources,
    apply,
    boundary_of,
    color_of,
    compose,
    local,
    matrix_of,
    numbers,
    scale_of,
)

_CURVE_STEPS = 12
MAX_PIXELS = 120_000_000  # an A0 sheet at 300 dpi is 140 million: no 公文 page comes near


def _subpaths(data: str) -> list[list[tuple[float, float]]]:
    """The subpaths of ``AbbreviatedData`` as polylines (curves flattened)."""
    tokens = data.replace(",", " ").split()
    paths: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    k = 0

    def take(n: int) -> list[float]:
        nonlocal k
        values = []
        for token in tokens[k : k + n]:
            try:
                values.append(float(token))
            except ValueError:
                values.append(0.0)
        k += n
        return values + [0.0] * (n - len(values))

    while k < len(tokens) and len(paths) < 100_000:
        command = tokens[k]
        k += 1
        if command in ("S", "M"):
            if len(current) > 1:
                paths.append(current)
            current = [tuple(take(2))]  # type: ignore[list-item]
        elif command == "L":
            current.append(tuple(take(2)))  # type: ignore[arg-type]
        elif command in ("Q", "B"):
            points = take(4 if command == "Q" else 6)
            start = current[-1] if current else (0.0, 0.0)
            controls = [start] + [(points[i], points[i + 1]) for i in range(0, len(points), 2)]
            for step in range(1, _CURVE_STEPS + 1):
                current.append(_bezier(controls, step / _CURVE_STEPS))
        elif command == "A":
            values = take(7)
            current.append((values[5], values[6]))  # arcs drawn as their chord
        elif command == "C" and current:
            current.append(current[0])
            paths.append(current)
            current = [current[0]]
        # anything else is not a command: skipped
    if len(current) > 1:
        paths.append(current)
    return paths


def _bezier(points: Sequence[tuple[float, float]], t: float) -> tuple[float, float]:
    while len(points) > 1:
        points = [
            (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
            for a, b in itertools.pairwise(points)
        ]
    return points[0]


def _area(polygon: Sequence[tuple[float, float]]) -> float:
    return 0.5 * sum(
        a[0] * b[1] - b[0] * a[1] for a, b in zip(polygon, [*polygon[1:], polygon[0]], strict=True)
    )


def _grey(color: str | None, default: int) -> int:
    if color is None:
        return default
    red, green, blue = (int(color[k : k + 2], 16) for k in (0, 2, 4))
    return round(0.299 * red + 0.587 * green + 0.114 * blue)


def _path(image: Any, element: Any, matrix: Matrix, resources: Resources, scale: float) -> None:
    from PIL import Image, ImageChops, ImageDraw

    data = next((c.text for c in element if local(c) == "AbbreviatedData"), None)
    if not data:
        return
    bx, by, _, _ = boundary_of(element)
    total = compose(compose(matrix_of(element), (1, 0, 0, 1, bx, by)), matrix)
    polygons = [
        [(x * scale, y * scale) for x, y in (apply(total, px, py) for px, py in path)]
        for path in _subpaths(data)
    ]
    polygons = [p for p in polygons if len(p) > 1]
    if not polygons:
        return
    fill = element.get("Fill", "false") == "true"
    stroke = element.get("Stroke", "true") != "false"
    fill_color = stroke_color = None
    for child in element:
        if local(child) == "FillColor":
            fill_color = color_of(child, resources.color_spaces)
        elif local(child) == "StrokeColor":
            stroke_color = color_of(child, resources.color_spaces)
    if fill:
        mask = Image.new("1", image.size, 0)
        if element.get("Rule") == "Even-Odd":
            for polygon in polygons:
                layer = Image.new("1", image.size, 0)
                ImageDraw.Draw(layer).polygon(polygon, fill=1)
                mask = ImageChops.logical_xor(mask, layer)
        else:
            # Non-zero: outlines wound like the largest one add, the others cut holes.
            largest = max(polygons, key=lambda p: abs(_area(p)))
            sign = math.copysign(1.0, _area(largest))
            holes = Image.new("1", image.size, 0)
            draw, draw_holes = ImageDraw.Draw(mask), ImageDraw.Draw(holes)
            for polygon in polygons:
                if len(polygon) < 3:
                    continue
                (draw if _area(polygon) * sign >= 0 else draw_holes).polygon(polygon, fill=1)
            mask = ImageChops.logical_and(mask, ImageChops.invert(holes))
        image.paste(_grey(fill_color, 0), mask=mask)
    if stroke:
        widths = numbers(element.get("LineWidth"))
        if not widths and element.get("DrawParam") in resources.draw_params:
            widths = numbers(resources.draw_params[element.get("DrawParam")].get("LineWidth"))
        width = max(1, round((widths[0] if widths else 0.353) * scale_of(total) * scale))
        draw = ImageDraw.Draw(image)
        for polygon in polygons:
            draw.line(polygon, fill=_grey(stroke_color, 0), width=width)


def _image(
    image: Any,
    element: Any,
    matrix: Matrix,
    archive: zipfile.ZipFile,
    members: dict[str, str],
    resources: Resources,
    scale: float,
) -> None:
    from PIL import Image, UnidentifiedImageError

    member = resources.media.get(element.get("ResourceID") or "")
    name = members.get(member.lower()) if member else None
    if name is None:
        return
    bx, by, _, _ = boundary_of(element)
    total = compose(compose(matrix_of(element), (1, 0, 0, 1, bx, by)), matrix)
    corners = [apply(total, x, y) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]
    left = min(x for x, _ in corners) * scale
    top = min(y for _, y in corners) * scale
    width = round((max(x for x, _ in corners) - min(x for x, _ in corners)) * scale)
    height = round((max(y for _, y in corners) - min(y for _, y in corners)) * scale)
    if width < 2 or height < 2 or width * height > 200_000_000:
        return
    try:
        with Image.open(io.BytesIO(archive.read(name))) as picture:
            picture.draft("L", (width, height))
            tile = picture.convert("L").resize((width, height))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return  # JBIG2 and other formats Pillow does not read
    image.paste(tile, (round(left), round(top)))


def render(
    path: Path, numbers_: Sequence[int], dpi: int
) -> Iterator[tuple[Any, int, float, float]]:
    """Each page (1-based ``numbers_``) as a greyscale image, with its number and size in
    points: ``(image, number, width, height)``, as OCR takes them."""
    from PIL import Image

    from ingest.readers.ofd import Package, _open
    from ingest.readers.ofd_page import MM

    scale = dpi / 25.4
    with _open(path) as archive:
        package = Package(path, archive)
        by_number = {page.number: page for page in package.pages}
        for number in numbers_:
            page = by_number[number]
            drawing, (width, height) = package.draw(page)
            pixels = (max(1, round(width * scale)), max(1, round(height * scale)))
            if pixels[0] * pixels[1] > MAX_PIXELS:
                raise UnsafeFile(path, f"第{number}页为{width:g}×{height:g}毫米：页面过大")
            image = Image.new("L", pixels, 255)
            for element, matrix in drawing.graphics:
                try:
                    if local(element) == "PathObject":
                        _path(image, element, matrix, package.resources, scale)
                    else:
                        _image(
                            image, element, matrix, archive, package.names, package.resources, scale
                        )
                except (ValueError, OverflowError, TypeError):
                    continue  # coordinates out of all proportion: not drawn
            yield image, number, width * MM, height * MM


__all__ = ["render"]
