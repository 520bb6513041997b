"""Export formats, one module each, registered in :data:`FORMATS`.

Each format module has ``name``, ``suffix``, ``media_type`` and
``render(doc, *, on=None) -> bytes``. The command line reads :data:`FORMATS` for its
``--format`` choices.
"""

from __future__ import annotations

import datetime as _dt
import importlib
from types import ModuleType

from gazette.errors import InvalidArgument
from gazette.model import Document

FORMATS: dict[str, str] = {
    "txt": "gazette.export.txt",
    "md": "gazette.export.md",
    "html": "gazette.export.html",
    "json": "gazette.export.json_format",
    "docx": "gazette.export.docx",
    "akn": "gazette.export.akn",
}


def format_module(fmt: str) -> ModuleType:
    """The module implementing a format.

    Raises:
        InvalidArgument: no such format.
    """
    if fmt not in FORMATS:
        raise InvalidArgument(f"没有“{fmt}”这一导出格式", hint=f"可选：{'、'.join(FORMATS)}")
    return importlib.import_module(FORMATS[fmt])


def render(doc: Document, fmt: str, *, on: _dt.date | None = None) -> bytes:
    """Render a document in a format."""
    data: bytes = format_module(fmt).render(doc, on=on)
    return data
