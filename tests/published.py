"""Documents as agencies and readers publish them, made by other tools for the tests.

* :func:`chromium_pdfs` — pages printed to PDF by headless Chromium, as a reader prints a
  portal page: the browser's margins with the time, the page's title, its URL and ``1/3``.
* :func:`soffice_docx` — Word files saved by LibreOffice from HTML pages (a portal page with
  its metadata table, a body in its layout table); :func:`soffice_web_pdfs` — the pages printed
  to PDF by LibreOffice's web layout (the metadata table's labels run on into their values).
* :func:`word_file` and its parts (:func:`drawingml_box`, :func:`vml_box`, :func:`sdt_block`,
  :func:`table` …) — Word files built like 公文 templates (the issuer mark and the number in
  text boxes and content controls, the body in a layout table with a nested data table),
  written to the OOXML schema for the structures LibreOffice does not write.

The first two return ``None`` when the tool is not installed (the tests then skip).
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _print(binary: str, page: Path, target: Path) -> Path:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                binary,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--print-to-pdf={target}",
                page.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    if not target.exists():
        raise RuntimeError(f"chromium printed nothing for {page}")
    return target


def chromium_pdfs(pages: Sequence[Path], outdir: Path, jobs: int = 2) -> dict[str, Path] | None:
    """Print each HTML page to ``outdir/<name>.pdf``; ``{"NN.body": path, …}``."""
    binary = chromium()
    if binary is None:
        return None
    outdir.mkdir(parents=True, exist_ok=True)
    with cf.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {
            page.name.removesuffix(".html"): pool.submit(
                _print, binary, page, outdir / (page.name.removesuffix(".html") + ".pdf")
            )
            for page in pages
        }
        return {name: future.result() for name, future in futures.items()}


def soffice_docx(pages: Sequence[Path], outdir: Path) -> dict[str, Path] | None:
    """Save HTML pages as Word files with LibreOffice (one process for all)."""
    return _soffice(pages, outdir, "docx:MS Word 2007 XML", ".docx")


def soffice_web_pdfs(pages: Sequence[Path], outdir: Path) -> dict[str, Path] | None:
    """Print HTML pages to PDF with LibreOffice's web layout (its own reading of the page's
    tables and fonts; no browser margins)."""
    return _soffice(pages, outdir, "pdf:writer_web_pdf_Export", ".pdf")


def _soffice(
    pages: Sequence[Path], outdir: Path, target: str, suffix: str
) -> dict[str, Path] | None:
    from tests.render import soffice

    binary = soffice()
    if binary is None:
        return None
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                binary,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(outdir),
                *map(str, pages),
            ],
            check=True,
            capture_output=True,
            env=dict(os.environ, HOME=profile),
            timeout=600,
        )
    return {
        page.name.removesuffix(".html"): outdir / (page.name.removesuffix(".html") + suffix)
        for page in pages
    }


# --- a Word 公文 template ---------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = (
    f'xmlns:w="{W}" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
)


def p(
    text: str, *, jc: str | None = None, size: int | None = None, color: str | None = None
) -> str:
    ppr = f'<w:pPr><w:jc w:val="{jc}"/></w:pPr>' if jc else ""
    rpr = ""
    if size or color:
        rpr = "<w:rPr>"
        rpr += f'<w:color w:val="{color}"/>' if color else ""
        rpr += f'<w:sz w:val="{size * 2}"/>' if size else ""
        rpr += "</w:rPr>"
    return f'<w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def drawingml_box(*paragraphs: str) -> str:
    """A paragraph anchoring a DrawingML text box (with the VML copy Word keeps as fallback)."""
    content = "".join(paragraphs)
    return (
        '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:anchor behindDoc="0" distT="0" distB="0" distL="0" distR="0" simplePos="0" '
        'locked="0" layoutInCell="1" allowOverlap="1" relativeHeight="1">'
        '<wp:simplePos x="0" y="0"/><wp:extent cx="5000000" cy="600000"/>'
        '<wp:docPr id="1" name="mark"/><a:graphic><a:graphicData '
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
        f"<wps:txbx><w:txbxContent>{content}</w:txbxContent></wps:txbx><wps:bodyPr/>"
        "</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        "<mc:Fallback><w:pict><v:shape><v:textbox>"
        f"<w:txbxContent>{content}</w:txbxContent></v:textbox></v:shape></w:pict>"
        "</mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )


def vml_box(*paragraphs: str) -> str:
    """A paragraph anchoring a VML text box (older Word and WPS)."""
    return (
        "<w:p><w:r><w:pict><v:shape><v:textbox><w:txbxContent>"
        + "".join(paragraphs)
        + "</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>"
    )


def sdt_block(*paragraphs: str, placeholder: bool = False) -> str:
    shown = "<w:showingPlcHdr/>" if placeholder else ""
    return (
        f'<w:sdt><w:sdtPr><w:alias w:val="field"/>{shown}</w:sdtPr><w:sdtContent>'
        + "".join(paragraphs)
        + "</w:sdtContent></w:sdt>"
    )


def sdt_inline_paragraph(before: str, inside: str, after: str = "", *, jc: str = "center") -> str:
    """A paragraph whose middle is an inline content control (``国办发〔` + 2019 + `〕5号``)."""
    return (
        f'<w:p><w:pPr><w:jc w:val="{jc}"/></w:pPr><w:r><w:t>{before}</w:t></w:r>'
        '<w:sdt><w:sdtPr><w:alias w:val="number"/></w:sdtPr><w:sdtContent>'
        f"<w:r><w:t>{inside}</w:t></w:r></w:sdtContent></w:sdt>"
        f"<w:r><w:t>{after}</w:t></w:r></w:p>"
    )


def table(rows: Sequence[Sequence[str]], widths: Sequence[int] | None = None) -> str:
    """A table; each cell is the XML of its blocks (end with a paragraph, as Word wants)."""
    columns = max(len(row) for row in rows)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in (widths or [9000 // columns] * columns))
    body = "".join(
        "<w:tr>" + "".join(f"<w:tc><w:tcPr/>{cell}</w:tc>" for cell in row) + "</w:tr>"
        for row in rows
    )
    return f"<w:tbl><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>"


def word_file(path: Path, body: str) -> Path:
    """A minimal DOCX package around ``body`` (the children of ``w:body``)."""
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {_NS}><w:body>'
        f'{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>'
    )
    styles = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="{W}">'
        '<w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="32"/></w:rPr></w:rPrDefault>'
        '</w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal">'
        '<w:name w:val="Normal"/></w:style></w:styles>'
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/word/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    document_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/></Relationships>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", content_types)
        package.writestr("_rels/.rels", rels)
        package.writestr("word/document.xml", document)
        package.writestr("word/styles.xml", styles)
        package.writestr("word/_rels/document.xml.rels", document_rels)
    return path


__all__ = [
    "chromium",
    "chromium_pdfs",
    "drawingml_box",
    "p",
    "sdt_block",
    "sdt_inline_paragraph",
    "soffice_docx",
    "soffice_web_pdfs",
    "table",
    "vml_box",
    "word_file",
]
