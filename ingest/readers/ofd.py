"""OFD reader (GB/T 33190-2016, the fixed-layout format of China's electronic documents).

An OFD is a ZIP package. ``OFD.xml`` names each document's root (``DocBody/DocRoot``);
``Doc_N/Document.xml`` lists the pages (``Pages/Page``), the template pages
(``CommonData/TemplatePage``) and the resource files (``PublicRes``, ``DocumentRes``; a page
may add ``PageRes``), which hold the fonts, colour spaces, composite graphic units and media.
Each page's ``Content.xml`` draws text, paths and images in layers
(:mod:`ingest.readers.ofd_page`). Paths inside the package may be absolute or relative, spelt
with backslashes, or in another case than the member (``TPLS/TPL_0`` for ``Tpls/Tpl_0``);
folder names may be Chinese.

The reader places every glyph on its page, then reads the pages like a born-digital PDF: the
same furniture and paragraph rules (:mod:`ingest.readers.furniture`,
:mod:`ingest.readers.layout`), so the element parser sees the same paragraphs from an OFD as
from the PDF of the same document. A page that draws only paths or images (text as outlines,
a scan) has no text to read: its number goes to :attr:`RawDocument.needs_ocr`, and when no page
has text the reader raises :class:`~gazette.errors.NeedsOCR`, as for a scanned PDF.

Signatures and seals (``Signs/``) are not text: they are listed in ``extra["signatures"]``
(type, provider, time, pages) and a warning says the package is signed and that the signature
was not verified. Annotations are not read.

The package is vetted before anything is parsed (:mod:`ingest.readers.container`): zip bombs,
encrypted members, DTDs and entity declarations, references that climb out of the package,
and composite units nested into a bomb are refused with a one-line error.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gazette.errors import CorruptFile, EmptyDocument, IngestError, NeedsOCR, UnsafeFile
from ingest.normalize import clean_inline
from ingest.raw import Line, RawDocument
from ingest.readers.container import check_zip, find_member, parse_xml, resolve
from ingest.readers.furniture import chrome_bounds, split_furniture
from ingest.readers.layout import Page, merge_rows, paragraphs
from ingest.readers.ofd_page import (
    IDENTITY,
    MM,
    Drawing,
    Resources,
    TooComplex,
    local,
    numbers,
    walk,
)

MAX_PAGES = 10_000
A4 = (210.0, 297.0)


def _children(element: Any, name: str) -> Iterator[Any]:
    return (child for child in element if local(child) == name)


def _child(element: Any, name: str) -> Any | None:
    return next(_children(element, name), None)


def _text(element: Any, name: str) -> str:
    child = _child(element, name) if element is not None else None
    return (child.text or "").strip() if child is not None else ""


def _decoded(member: zipfile.ZipInfo) -> str:
    """A member's name as its producer wrote it: names not flagged UTF-8 are decoded by
    zipfile as CP437, but Chinese producers write UTF-8 or GBK there (``这是一个中文目录``)."""
    name = member.filename
    if member.flag_bits & 0x800 or name.isascii():
        return name
    raw = name.encode("cp437", errors="replace")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


@dataclass
class OfdPage:
    """A page of the package: its number, content part, size (mm) and templates."""

    number: int
    ident: str
    content: str
    size: tuple[float, float]
    templates: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)


class Package:
    """An opened, vetted OFD package: its documents' pages and resources."""

    def __init__(self, path: Path, archive: zipfile.ZipFile) -> None:
        self.path = path
        self.archive = archive
        self.names = {}
        for member in archive.infolist():
            name = member.filename
            clean = _decoded(member).replace("\\", "/").lstrip("/")
            self.names[clean.lower()] = name
        self.pages: list[OfdPage] = []
        self.resources = Resources()
        self.templates: dict[str, str] = {}
        self.signature_files: list[str] = []
        self.info: dict[str, str] = {}
        self._load()

    def member(self, name: str) -> str:
        found = find_member(self.names, name)
        if found is None:
            raise CorruptFile(self.path, f"OFD文件包中缺少{name}")
        return found

    def xml(self, name: str) -> Any:
        return parse_xml(self.path, self.archive, self.member(name))

    def _load(self) -> None:
        root = self.xml("OFD.xml")
        if local(root) != "OFD":
            raise CorruptFile(self.path, "OFD.xml不是OFD入口文件")
        bodies = list(_children(root, "DocBody"))
        if not bodies:
            raise CorruptFile(self.path, "OFD.xml中没有文档（DocBody）")
        for body in bodies:
            info = _child(body, "DocInfo")
            for key in ("Title", "Author", "Subject", "Abstract", "CreationDate", "Creator"):
                value = _text(info, key)
                if value and key not in self.info:
                    self.info[key] = value
            root_ref = _text(body, "DocRoot")
            if not root_ref:
                raise CorruptFile(self.path, "OFD.xml的DocBody缺少DocRoot")
            document = resolve(self.path, "OFD.xml", root_ref)
            signatures = _text(body, "Signatures")
            if signatures:
                self.signature_files.append(resolve(self.path, "OFD.xml", signatures))
            self._document(document)

    def _document(self, name: str) -> None:
        root = self.xml(name)
        common = _child(root, "CommonData")
        default = A4
        if common is not None:
            area = _child(common, "PageArea")
            box = numbers(_text(area, "PhysicalBox")) if area is not None else []
            if len(box) == 4 and box[2] > 0 and box[3] > 0:
                default = (box[2], box[3])
            for kind in ("PublicRes", "DocumentRes"):
                for ref in _children(common, kind):
                    if ref.text and ref.text.strip():
                        self._resources(resolve(self.path, name, ref.text))
            for template in _children(common, "TemplatePage"):
                base = template.get("BaseLoc")
                if base:
                    self.templates[template.get("ID", "")] = resolve(self.path, name, base)
        pages = _child(root, "Pages")
        for page in _children(pages, "Page") if pages is not None else ():
            if len(self.pages) >= MAX_PAGES:
                raise UnsafeFile(self.path, f"超过{MAX_PAGES}页")
            base = page.get("BaseLoc")
            if not base:
                continue
            self.pages.append(
                OfdPage(
                    number=len(self.pages) + 1,
                    ident=page.get("ID", ""),
                    content=resolve(self.path, name, base),
                    size=default,
                )
            )

    def _resources(self, name: str) -> None:
        if find_member(self.names, name) is None:
            return  # a resource file named but not packed: nothing to draw with
        root = self.xml(name)
        base = root.get("BaseLoc") or ""
        folder = resolve(self.path, name, base) if base else resolve(self.path, name, ".")
        self.resources.add(root, folder)

    def draw(self, page: OfdPage) -> tuple[Drawing, tuple[float, float]]:
        """Everything the page draws (its templates first), and its size in millimetres."""
        root = self.xml(page.content)
        size = page.size
        area = _child(root, "Area")
        box = numbers(_text(area, "PhysicalBox")) if area is not None else []
        if len(box) == 4 and box[2] > 0 and box[3] > 0:
            size = (box[2], box[3])
        for ref in _children(root, "PageRes"):
            if ref.text and ref.text.strip():
                self._resources(resolve(self.path, page.content, ref.text))
        drawing = Drawing()
        for template in _children(root, "Template"):
            part = self.templates.get(template.get("TemplateID", ""))
            if part and find_member(self.names, part) is not None:
                content = _child(self.xml(part), "Content")
                if content is not None:
                    walk(content, IDENTITY, self.resources, drawing)
        content = _child(root, "Content")
        if content is not None:
            walk(content, IDENTITY, self.resources, drawing)
        return drawing, size

    def signatures(self) -> list[dict[str, Any]]:
        """The signatures and seals under ``Signs/``: type, provider, time and pages."""
        pages = {page.ident: page.number for page in self.pages}
        found: list[dict[str, Any]] = []
        for listing in self.signature_files:
            if find_member(self.names, listing) is None:
                continue
            for entry in _children(self.xml(listing), "Signature"):
                base = entry.get("BaseLoc")
                item: dict[str, Any] = {"type": entry.get("Type") or "Seal"}
                if base:
                    part = resolve(self.path, listing, base)
                    if find_member(self.names, part) is not None:
                        info = _child(self.xml(part), "SignedInfo")
                        provider = _child(info, "Provider") if info is not None else None
                        if provider is not None:
                            item["provider"] = provider.get("ProviderName", "")
                        item["time"] = _text(info, "SignatureDateTime")
                        item["pages"] = sorted(
                            {
                                pages[annot.get("PageRef", "")]
                                for annot in (info.iter() if info is not None else ())
                                if local(annot) == "StampAnnot"
                                and annot.get("PageRef", "") in pages
                            }
                        )
                found.append(item)
        return found


def _open(path: Path) -> zipfile.ZipFile:
    check_zip(path, "OFD")
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise CorruptFile(path, f"ZIP容器已损坏（{exc}）") from exc


def info(path: Path) -> tuple[int, dict[str, str]]:
    """The page count and the document information (title, author …) of an OFD."""
    with _open(path) as archive:
        package = Package(path, archive)
        return len(package.pages), dict(package.info)


def read(path: Path) -> RawDocument:
    """Read an OFD's text into paragraphs.

    Raises:
        UnsafeFile: a zip bomb, entity declarations, references out of the package, too many
            pages or graphic objects.
        EncryptedFile: the package's members are encrypted.
        CorruptFile: not a readable OFD package.
        NeedsOCR: no page has text (drawn as paths or images).
        EmptyDocument: the pages draw nothing.
    """
    warnings: list[str] = []
    pages: list[Page] = []
    needs_ocr: list[int] = []
    with _open(path) as archive:
        try:
            package = Package(path, archive)
            for page in package.pages:
                try:
                    drawing, (width, height) = package.draw(page)
                except TooComplex as exc:
                    raise UnsafeFile(path, f"第{page.number}页：{exc}") from exc
                rows = merge_rows([glyphs.row(page.number) for glyphs in drawing.glyphs])
                if not rows:
                    if drawing.paths or drawing.images:
                        needs_ocr.append(page.number)
                    else:
                        warnings.append(f"page {page.number} is blank")
                    continue
                pages.append(Page(page.number, width * MM, height * MM, rows))
            signatures = package.signatures()
            metadata = {key: value for key, value in package.info.items() if key == "Title"}
        except IngestError:
            raise
        except (ValueError, TypeError, KeyError, IndexError, zipfile.BadZipFile) as exc:
            raise CorruptFile(path, f"OFD文件包结构有误（{type(exc).__name__}：{exc}）") from exc
    page_count = len(package.pages)
    if signatures:
        seals = ", ".join(
            f"{s['type']}（第{'、'.join(map(str, s['pages']))}页）" if s.get("pages") else s["type"]
            for s in signatures
        )
        warnings.append(
            f"signed ({len(signatures)}: {seals}); the signature is not verified and its seal "
            "is not text"
        )
    if not pages:
        if needs_ocr:
            raise NeedsOCR(
                path, f"{page_count}页中有{len(needs_ocr)}页没有文字层（文字以图形或图像绘制）"
            )
        raise EmptyDocument(path, f"{page_count}页中都没有文字")
    body, furniture = split_furniture(pages)
    if not body:
        raise EmptyDocument(path, "只有页码和页眉")
    lines, spans = paragraphs(body, {page.number: page.width for page in pages})
    start, end = chrome_bounds(lines)
    chrome = [*lines[:start], *lines[end:]]
    lines, spans = lines[start:end], spans[start:end]
    if not lines:
        raise EmptyDocument(path, "只有页码和页眉")
    if needs_ocr:
        warnings.append(
            f"pages drawn without a text layer (paths or images): {', '.join(map(str, needs_ocr))}"
        )
    return RawDocument(
        name=str(path),
        format="ofd",
        lines=lines,
        furniture=[
            *(
                Line(text=clean_inline(row.text, keep_gaps=True), page=row.page, size=row.size)
                for row in furniture
            ),
            *chrome,
        ],
        metadata=metadata,
        page_count=page_count,
        needs_ocr=needs_ocr,
        warnings=warnings,
        extra={"page_spans": spans, "signatures": signatures},
    )


__all__ = ["Package", "info", "read"]
