"""Small OFD packages written for the tests (hostile ones above all).

The real files the OFD reader is measured on are in ``../shared/corpus/ofd`` (made by other
producers); these are for what no real file shows: zip bombs, DTDs, references out of the
package, composite units that refer to themselves, a page that is an image of text.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path

NS = "http://www.ofdspec.org/2016"


def text_object(
    text: str,
    x: float,
    y: float,
    *,
    size: float = 5.6,
    advance: float | None = None,
    ident: int = 10,
    ctm: str | None = None,
    boundary: str | None = None,
    weight: int | None = None,
) -> str:
    """A text object whose first glyph sits at ``(x, y)`` mm (baseline), evenly advanced."""
    step = advance if advance is not None else size
    deltas = f"g {len(text) - 1} {step}" if len(text) > 1 else ""
    box = boundary or f"{x} {y - size} {len(text) * step + size} {size * 1.5}"
    bx, by = (float(v) for v in box.split()[:2])
    extra = f' CTM="{ctm}"' if ctm else ""
    extra += f' Weight="{weight}"' if weight else ""
    return (
        f'<ofd:TextObject ID="{ident}" Font="1" Size="{size}" Boundary="{box}"{extra}>'
        f'<ofd:TextCode X="{x - bx:.3f}" Y="{y - by:.3f}" DeltaX="{deltas}">{text}</ofd:TextCode>'
        "</ofd:TextObject>"
    )


def page(*objects: str, template: str | None = None) -> str:
    use = f'<ofd:Template TemplateID="{template}" ZOrder="Background"/>' if template else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}">{use}'
        f'<ofd:Content><ofd:Layer ID="2">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>'
    )


def package(
    path: Path,
    pages: Sequence[str],
    *,
    resources: str = "",
    templates: dict[str, str] | None = None,
    extra: dict[str, bytes] | None = None,
    doc_root: str = "Doc_0/Document.xml",
    media: dict[str, bytes] | None = None,
) -> Path:
    """Write an OFD with ``pages`` (each a ``Content.xml``) and optional resources."""
    page_refs = "".join(
        f'<ofd:Page ID="{100 + k}" BaseLoc="Pages/Page_{k}/Content.xml"/>'
        for k in range(len(pages))
    )
    template_refs = "".join(
        f'<ofd:TemplatePage ID="{ident}" BaseLoc="Tpls/Tpl_{ident}/Content.xml"/>'
        for ident in (templates or {})
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
        "<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
        f"<ofd:PublicRes>PublicRes.xml</ofd:PublicRes>{template_refs}</ofd:CommonData>"
        f"<ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>"
    )
    public = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NS}" BaseLoc="Res">'
        f'<ofd:Fonts><ofd:Font ID="1" FontName="宋体"/></ofd:Fonts>{resources}</ofd:Res>'
    )
    entry = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.0" '
        f'DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>test</ofd:DocID></ofd:DocInfo>'
        f"<ofd:DocRoot>{doc_root}</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OFD.xml", entry)
        archive.writestr("Doc_0/Document.xml", document)
        archive.writestr("Doc_0/PublicRes.xml", public)
        for k, content in enumerate(pages):
            archive.writestr(f"Doc_0/Pages/Page_{k}/Content.xml", content)
        for ident, content in (templates or {}).items():
            archive.writestr(f"Doc_0/Tpls/Tpl_{ident}/Content.xml", content)
        for name, data in (media or {}).items():
            archive.writestr(f"Doc_0/Res/{name}", data)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


__all__ = ["NS", "package", "page", "text_object"]
