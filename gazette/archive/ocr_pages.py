"""Recognised pages in the catalog: the text of every OCR'd page with its line boxes and
confidences (table ``ocr_pages``), so that a page image and what was read on it can be shown
side by side, and pages the engine failed on are known with the reason.

The JSON form (:func:`encode` / :func:`decode`) is also what the OCR page cache keeps.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from gazette.model import OcrLine, OcrPage, PendingOcr, SourceFile


def encode(page: OcrPage) -> dict[str, Any]:
    """A page as plain data (boxes rounded to a tenth of a point)."""
    return {
        "page": page.page,
        "width": round(page.width, 2),
        "height": round(page.height, 2),
        "engine": page.engine,
        "confidence": page.confidence,
        "vertical": page.vertical,
        "angle": page.angle,
        "error": page.error,
        "lines": [
            [line.text, *(round(v, 1) for v in line.box), line.confidence] for line in page.lines
        ],
    }


def decode(data: dict[str, Any]) -> OcrPage:
    return OcrPage(
        page=int(data["page"]),
        width=float(data["width"]),
        height=float(data["height"]),
        engine=str(data["engine"]),
        confidence=data.get("confidence"),
        vertical=bool(data.get("vertical")),
        angle=float(data.get("angle") or 0.0),
        error=data.get("error"),
        lines=tuple(
            OcrLine(str(text), (x0, top, x1, bottom), float(confidence))
            for text, x0, top, x1, bottom, confidence in data.get("lines", ())
        ),
    )


def insert(conn: sqlite3.Connection, sha256: str, pages: Iterable[OcrPage]) -> None:
    """Keep the recognised pages of an original (replacing what was kept of those pages)."""
    conn.executemany(
        "INSERT INTO ocr_pages(sha256, page, engine, confidence, error, data)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(sha256, page) DO UPDATE SET"
        " engine = excluded.engine, confidence = excluded.confidence, error = excluded.error,"
        " data = excluded.data",
        [
            (
                sha256,
                page.page,
                page.engine,
                page.confidence,
                page.error,
                json.dumps(encode(page), ensure_ascii=False, separators=(",", ":")),
            )
            for page in pages
        ],
    )


def load(conn: sqlite3.Connection, sha256: str) -> list[OcrPage]:
    """The recognised pages of an original, in page order."""
    rows = conn.execute(
        "SELECT data FROM ocr_pages WHERE sha256 = ? ORDER BY page", (sha256,)
    ).fetchall()
    return [decode(json.loads(row[0])) for row in rows]


def backlog(conn: sqlite3.Connection, sha256: str | None = None) -> list[PendingOcr]:
    """Every original kept as needing OCR (or only ``sha256``), oldest first, with the pages
    that need it and why: the engine's error on a page it failed on, else the reason the
    ingest recorded for the original (no engine could run there)."""
    rows = conn.execute(
        "SELECT s.sha256, s.format, s.path, s.size, s.detail,"
        " (SELECT COUNT(*) FROM document_sources d JOIN documents o ON o.id = d.doc_id"
        "  WHERE d.sha256 = s.sha256 AND o.parent_id IS NULL)"
        " FROM sources s WHERE s.state = 'needs_ocr'"
        + (" AND s.sha256 = ?" if sha256 is not None else "")
        + " ORDER BY s.ingested_at, s.sha256",
        (sha256,) if sha256 is not None else (),
    ).fetchall()
    out = []
    for sha, fmt, path, size, detail_json, documents in rows:
        detail = json.loads(detail_json or "{}") if detail_json else {}
        failed = dict(
            conn.execute(
                "SELECT page, error FROM ocr_pages WHERE sha256 = ? AND error IS NOT NULL",
                (sha,),
            ).fetchall()
        )
        pages = sorted({int(p) for p in detail.get("needs_ocr", ())} | set(failed))
        general = detail.get("reason") or next(
            (w for w in detail.get("warnings", ()) if "OCR" in w), "needs OCR"
        )
        out.append(
            PendingOcr(
                source=SourceFile(sha, fmt, path, size),
                pages=pages,
                reasons=[(p, failed.get(p) or general) for p in pages],
                documents=int(documents),
            )
        )
    return out


__all__ = ["backlog", "decode", "encode", "insert", "load"]
