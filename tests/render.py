"""Render documents to PDF and DOCX for tests, benchmarks and the sample corpus.

Three renderers, from the cheapest to the most realistic:

* :func:`write_pdf` — a small PDF writer with exact control over every line: text in the
  Adobe-GB1 font ``STSong-Light`` (not embedded, with a ``ToUnicode`` map so every reader gets
  the text), bold, colour, page numbers, running headers, and optionally the standard RC4
  encryption with a user password. :func:`layout` lays a reader's paragraphs out in GB/T 9704
  fashion (28 characters a line, two-character first-line indent, centred title, right-aligned
  signature, ``— N —`` page numbers).
* :func:`write_docx` — python-docx, with the same layout hints (alignment, indent, size, bold,
  colour, footers with page numbers).
* :func:`soffice_pdf` — LibreOffice's PDF export of DOCX files (embedded subset fonts, the way
  real born-digital documents are made); ``None`` when LibreOffice is absent.
"""

from __future__ import annotations

import hashlib
import math
import os
import shutil
import struct
import subprocess
import tempfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.raw import Line

A4 = (595.28, 841.89)
# GB/T 9704: 156 mm x 225 mm text block, top margin 37 mm, left margin 28 mm.
MM = 72 / 25.4
LEFT = 28 * MM
TOP = 37 * MM
BODY_WIDTH = 156 * MM
BODY_SIZE = 16.0  # 三号
TITLE_SIZE = 22.0  # 二号
LINE_PITCH = 28.95  # 22 lines in 225 mm


@dataclass(frozen=True)
class PdfText:
    """One run of text on a page, placed by its left edge and baseline (from the page top)."""

    text: str
    x: float
    y: float
    size: float = BODY_SIZE
    bold: bool = False
    color: tuple[float, float, float] = (0.0, 0.0, 0.0)


@dataclass(frozen=True)
class PdfImage:
    """A grey image (as a scanner would leave), placed by its top-left corner (from the top)."""

    x: float
    y: float
    width: float
    height: float


def text_width(text: str, size: float) -> float:
    """Advance width in the writer's font: CJK full width, ASCII half width."""
    return sum(size * (0.5 if ord(c) < 0x7F else 1.0) for c in text)


# --- the PDF writer --------------------------------------------------------------------------

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def _to_unicode_cmap() -> bytes:
    """Codes are UCS-2 code units: map each to itself (in blocks of at most 100 ranges)."""
    ranges = [
        f"<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>" for hi in range(256) if not 0xD8 <= hi <= 0xDF
    ]
    blocks = "\n".join(
        f"{len(chunk)} beginbfrange\n" + "\n".join(chunk) + "\nendbfrange"
        for chunk in (ranges[i : i + 100] for i in range(0, len(ranges), 100))
    )
    body = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{blocks}\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    return body.encode("ascii")


def _hex(text: str) -> str:
    return "<" + text.encode("utf-16-be", "replace").hex().upper() + ">"


def _content(items: Iterable[PdfText | PdfImage], height: float) -> bytes:
    ops = []
    for item in items:
        if isinstance(item, PdfImage):
            ops.append(
                f"q {item.width:.2f} 0 0 {item.height:.2f} {item.x:.2f} "
                f"{height - item.y - item.height:.2f} cm /Im1 Do Q"
            )
            continue
        font = "F2" if item.bold else "F1"
        r, g, b = item.color
        ops.append(
            f"BT /{font} {item.size:.2f} Tf {r:.3f} {g:.3f} {b:.3f} rg "
            f"{item.x:.2f} {height - item.y:.2f} Td {_hex(item.text)} Tj ET"
        )
    return "\n".join(ops).encode("ascii")


def write_pdf(
    path: Path,
    pages: Sequence[Sequence[PdfText | PdfImage]],
    *,
    size: tuple[float, float] = A4,
    password: str | None = None,
    compress: bool = True,
) -> Path:
    """Write a PDF with one content stream per page.

    Args:
        path: where to write.
        pages: the text runs of each page.
        size: page width and height in points.
        password: encrypt (RC4, 40 bits) with this user password.
        compress: deflate the content streams.
    """
    width, height = size
    file_id = hashlib.md5(str(path).encode() + str(len(pages)).encode()).digest()
    key: bytes | None = None
    encrypt = ""
    if password is not None:
        permissions = -44
        owner_key = hashlib.md5((b"owner" + _PAD)[:32]).digest()[:5]
        owner = _rc4(owner_key, (password.encode("latin-1") + _PAD)[:32])
        digest = hashlib.md5(
            (password.encode("latin-1") + _PAD)[:32]
            + owner
            + struct.pack("<i", permissions)
            + file_id
        ).digest()
        key = digest[:5]
        user = _rc4(key, _PAD)
        encrypt = (
            f"<< /Filter /Standard /V 1 /R 2 /O <{owner.hex()}> /U <{user.hex()}> "
            f"/P {permissions} >>"
        )

    def crypt(number: int, data: bytes) -> bytes:
        if key is None:
            return data
        object_key = hashlib.md5(key + struct.pack("<i", number)[:3] + b"\x00\x00").digest()
        return _rc4(object_key[: min(len(key) + 5, 16)], data)

    def string(number: int, text: str) -> str:
        return "<" + crypt(number, text.encode("latin-1")).hex() + ">"

    objects: dict[int, bytes] = {}
    streams: set[int] = set()
    n_pages = len(pages)
    first_page = 12
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(n_pages))
    objects[2] = f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode()
    widths = " ".join(["500"] * 95)
    for font, cid, desc, weight in ((3, 5, 7, 400), (4, 6, 8, 700)):
        name = "STSong-Light" if weight == 400 else "STSong-Light,Bold"
        objects[font] = (
            f"<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /UniGB-UCS2-H "
            f"/DescendantFonts [{cid} 0 R] /ToUnicode 9 0 R >>"
        ).encode()
        objects[cid] = (
            f"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /{name} "
            f"/CIDSystemInfo << /Registry {string(cid, 'Adobe')} /Ordering {string(cid, 'GB1')} "
            f"/Supplement 2 >> /FontDescriptor {desc} 0 R /DW 1000 /W [1 [{widths}]] >>"
        ).encode()
        flags = 6 | (0x40000 if weight > 400 else 0)
        objects[desc] = (
            f"<< /Type /FontDescriptor /FontName /{name} /Flags {flags} "
            "/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
            f"/CapHeight 880 /StemV {93 if weight == 400 else 180} /FontWeight {weight} >>"
        ).encode()
    objects[9] = _to_unicode_cmap()
    streams.add(9)
    # A 4x4 grey image, scaled to wherever a page shows it.
    objects[10] = bytes([200, 60, 200, 60] * 4)
    streams.add(10)
    stream_keys = {
        10: "/Type /XObject /Subtype /Image /Width 4 /Height 4 /ColorSpace /DeviceGray "
        "/BitsPerComponent 8 "
    }
    for i, items in enumerate(pages):
        page_obj, content_obj = first_page + 2 * i, first_page + 2 * i + 1
        objects[page_obj] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width:.2f} {height:.2f}] "
            "/Resources << /Font << /F1 3 0 R /F2 4 0 R >> /XObject << /Im1 10 0 R >> >> "
            f"/Contents {content_obj} 0 R >>"
        ).encode()
        objects[content_obj] = _content(items, height)
        streams.add(content_obj)
    encrypt_obj = None
    if encrypt:
        encrypt_obj = max(objects) + 1
        objects[encrypt_obj] = encrypt.encode()

    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        body = objects[number]
        if number in streams:
            data = crypt(number, zlib.compress(body) if compress else body)
            flate = " /Filter /FlateDecode" if compress else ""
            extra = stream_keys.get(number, "")
            out += f"{number} 0 obj\n<< {extra}/Length {len(data)}{flate} >>\nstream\n".encode()
            out += data + b"\nendstream\nendobj\n"
        else:
            out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(out)
    size_ = max(objects) + 1
    out += f"xref\n0 {size_}\n0000000000 65535 f \n".encode()
    for number in range(1, size_):
        if number in offsets:
            out += f"{offsets[number]:010d} 00000 n \n".encode()
        else:
            out += b"0000000000 65535 f \n"
    encrypt_ref = f" /Encrypt {encrypt_obj} 0 R" if encrypt_obj else ""
    out += (
        f"trailer\n<< /Size {size_} /Root 1 0 R{encrypt_ref} /ID [<{file_id.hex()}> <{file_id.hex()}>] >>\n"
        f"startxref\n{xref_at}\n%%EOF\n"
    ).encode()
    path.write_bytes(bytes(out))
    return path


# --- GB/T 9704 layout ------------------------------------------------------------------------


def _wrap(text: str, size: float, width: float, first_indent: float) -> list[str]:
    lines: list[str] = []
    current = ""
    available = width - first_indent
    for char in text:
        if text_width(current + char, size) > available + 0.01:
            # Keep closing punctuation on the line (避头尾), as typesetters do.
            if char in "，。、；：？！）》”’" and current:
                current += char
                lines.append(current)
                current = ""
                available = width
                continue
            lines.append(current)
            current = char
            available = width
        else:
            current += char
    if current:
        lines.append(current)
    return lines


def layout(
    paragraphs: Sequence[Line],
    *,
    header: str | None = None,
    page_numbers: bool = True,
    size: tuple[float, float] = A4,
    lines_per_page: int = 22,
) -> list[list[PdfText]]:
    """Lay paragraphs out on A4 pages the way GB/T 9704 prints a document.

    Each paragraph's ``align`` (``center``, ``right``), ``indent`` (characters), ``size``,
    ``bold`` and ``color`` hints are honoured; the default is a justified body paragraph with
    a two-character first-line indent. Page numbers (``— N —``) go below the text block,
    right on odd pages and left on even pages; ``header`` is printed above it on every page.
    """
    pages: list[list[PdfText]] = []
    current: list[PdfText] = []
    row = 0

    def new_page() -> None:
        nonlocal current, row
        if current or not pages:
            pages.append(current)
        current = []
        row = 0

    pages.append(current)
    for para in paragraphs:
        text = para.text
        if not text:
            row += 1
            continue
        fsize = para.size or BODY_SIZE
        rgb = (1.0, 0.0, 0.0) if (para.color or "").upper() == "FF0000" else (0.0, 0.0, 0.0)
        rows_needed = max(1, math.ceil(fsize * 1.25 / LINE_PITCH))
        if para.align in ("center", "right"):
            wrapped = _wrap(text, fsize, BODY_WIDTH, 0)
        else:
            indent = (para.indent if para.indent is not None else 2) * fsize
            wrapped = _wrap(text, fsize, BODY_WIDTH, indent)
        for k, piece in enumerate(wrapped):
            if row + rows_needed > lines_per_page:
                pages.append([])
                current = pages[-1]
                row = 0
            if para.align == "center":
                x = LEFT + (BODY_WIDTH - text_width(piece, fsize)) / 2
            elif para.align == "right":
                x = LEFT + BODY_WIDTH - text_width(piece, fsize) - 4 * BODY_SIZE
            elif k == 0:
                x = LEFT + (para.indent if para.indent is not None else 2) * fsize
            else:
                x = LEFT
            row += rows_needed
            y = TOP + row * LINE_PITCH - 0.3 * LINE_PITCH
            current.append(PdfText(piece, x, y, fsize, para.bold, rgb))
    pages = [p for p in pages if p] or [[]]
    _, height = size
    for number, items in enumerate(pages, start=1):
        if header:
            items.insert(0, PdfText(header, LEFT, TOP - 12 * MM, 10.5))
        if page_numbers:
            label = f"— {number} —"
            width = text_width(label, 14)
            x = LEFT + BODY_WIDTH - width - BODY_SIZE if number % 2 else LEFT + BODY_SIZE
            items.append(PdfText(label, x, height - 28 * MM, 14))
    return pages


def render_pdf(path: Path, paragraphs: Sequence[Line], **options: object) -> Path:
    """:func:`layout` then :func:`write_pdf`."""
    password = options.pop("password", None)
    pages = layout(paragraphs, **options)  # type: ignore[arg-type]
    return write_pdf(path, pages, password=password)  # type: ignore[arg-type]


# --- DOCX ------------------------------------------------------------------------------------


def write_docx(
    path: Path,
    paragraphs: Sequence[Line],
    *,
    header: str | None = None,
    page_numbers: bool = True,
) -> Path:
    """Write paragraphs to a DOCX with their layout hints (python-docx)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.name = "Noto Serif CJK SC"
    normal.font.size = Pt(BODY_SIZE)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Serif CJK SC")
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    aligns = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
    }
    rows: list[list[str]] = []

    def flush_table() -> None:
        if rows:
            width = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=width)
            for r, cells in enumerate(rows):
                for c, text in enumerate(cells):
                    table.cell(r, c).text = text
            rows.clear()

    for para in paragraphs:
        if para.table:
            rows.append(para.text.split("\t"))
            continue
        flush_table()
        p = document.add_paragraph()
        p.alignment = aligns.get(para.align or "justify", WD_ALIGN_PARAGRAPH.JUSTIFY)
        fsize = para.size or BODY_SIZE
        if para.align not in ("center", "right"):
            indent = para.indent if para.indent is not None else 2
            p.paragraph_format.first_line_indent = Pt(indent * fsize)
        elif para.align == "right":
            p.paragraph_format.right_indent = Pt(4 * BODY_SIZE)
        run = p.add_run(para.text)
        run.font.size = Pt(fsize)
        run.bold = para.bold or None
        if para.color and para.color.upper() != "000000":
            run.font.color.rgb = RGBColor.from_string(para.color.upper())
    flush_table()
    if header:
        section.header.paragraphs[0].text = header
    if page_numbers:
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("— ")
        run = footer.add_run()
        for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
            if tag:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), tag)
            else:
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = text
            run._r.append(element)
        footer.add_run(" —")
    document.save(str(path))
    return path


# --- LibreOffice -----------------------------------------------------------------------------


def soffice() -> str | None:
    """The LibreOffice binary, or ``None``."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def soffice_pdf(paths: Sequence[Path], outdir: Path) -> list[Path] | None:
    """Convert DOCX files to PDF with LibreOffice (one process for all); ``None`` without it."""
    binary = soffice()
    if binary is None:
        return None
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        env = dict(os.environ, HOME=profile)
        subprocess.run(
            [
                binary,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                *map(str, paths),
            ],
            check=True,
            capture_output=True,
            env=env,
            timeout=600,
        )
    return [outdir / (p.stem + ".pdf") for p in paths]


__all__ = [
    "A4",
    "PdfImage",
    "PdfText",
    "for_rendering",
    "layout",
    "render_govcn",
    "render_pdf",
    "soffice",
    "soffice_pdf",
    "text_width",
    "write_docx",
    "write_pdf",
]


# --- renditions of the real corpus -----------------------------------------------------------


def for_rendering(lines: Sequence[Line]) -> list[Line]:
    """Reader lines as layout input: an unstated indent is none (not the body default)."""
    import attrs

    return [
        attrs.evolve(line, indent=0.0)
        if line.indent is None and line.align not in ("center", "right")
        else line
        for line in lines
    ]


def render_govcn(bodies: Sequence[Path], outdir: Path) -> dict[str, dict[str, Path | None]]:
    """Each ``NN.body.html`` rendered as DOCX (python-docx), as a PDF typeset by
    :func:`layout`, and as LibreOffice's PDF of the DOCX (``None`` without LibreOffice).

    Returns ``{"NN": {"docx": …, "typeset.pdf": …, "pdf": …}}``.
    """
    from ingest.readers import html

    outdir.mkdir(parents=True, exist_ok=True)
    out: dict[str, dict[str, Path | None]] = {}
    docx_paths = []
    for body in bodies:
        key = body.name.split(".")[0]
        lines = for_rendering(html.read(body).lines)
        docx_path = write_docx(outdir / f"{key}.docx", lines)
        docx_paths.append(docx_path)
        out[key] = {
            "docx": docx_path,
            "typeset.pdf": render_pdf(outdir / f"{key}.typeset.pdf", lines),
            "pdf": None,
        }
    converted = soffice_pdf(docx_paths, outdir / "libreoffice") if docx_paths else None
    for path in converted or []:
        out[path.stem]["pdf"] = path
    return out
