"""The DOCX package written deterministically: the same document gives the same bytes."""

from __future__ import annotations

import io
import zipfile
from typing import Any


def package_bytes(document: Any) -> bytes:
    """A document's package, with fixed member timestamps so that the same input gives the same
    bytes (python-docx stamps the current time)."""
    buffer = io.BytesIO()
    package = document.part.package
    try:
        from docx.opc.pkgwriter import PackageWriter

        for part in package.parts:
            part.before_marshal()
        writer = _FixedTimeZip(buffer)
        PackageWriter._write_content_types_stream(writer, package.parts)
        PackageWriter._write_pkg_rels(writer, package.rels)
        PackageWriter._write_parts(writer, package.parts)  # type: ignore[arg-type]
        writer.close()
        return buffer.getvalue()
    except (ImportError, AttributeError):  # pragma: no cover - another python-docx
        buffer = io.BytesIO()
        document.save(buffer)
        return _deterministic_zip(buffer.getvalue())


class _FixedTimeZip:
    """A package writer (python-docx's physical writer interface) with fixed timestamps."""

    def __init__(self, stream: io.BytesIO) -> None:
        self.zip = zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED)

    def write(self, uri: Any, blob: bytes) -> None:
        info = zipfile.ZipInfo(uri.membername, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self.zip.writestr(info, blob)

    def close(self) -> None:
        self.zip.close()


def _deterministic_zip(data: bytes) -> bytes:
    """The same package with fixed member timestamps (python-docx stamps the current time)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
