"""How model values are encoded in catalog rows: dates, JSON, blocks, OCR details, provenance,
and the stored shape of an event. Pure functions: no connection."""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable
from typing import Any

from gazette.model import (
    Block,
    DocRef,
    LifecycleEvent,
    OcrInfo,
    Provenance,
)

# The key the ``title_key`` column holds, one rule with the rest of title comparison.
from gazette.titles import title_key as title_key

# --- encoding helpers -----------------------------------------------------------------------


def iso(value: _dt.date | _dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def to_date(value: str | None) -> _dt.date | None:
    return _dt.date.fromisoformat(value) if value else None


def to_datetime(value: str | None) -> _dt.datetime | None:
    return _dt.datetime.fromisoformat(value) if value else None


def now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def encode_blocks(blocks: Iterable[Block]) -> str:
    return dumps([[b.text, b.kind.value, b.level, b.page] for b in blocks])


def decode_blocks(data: str) -> tuple[Block, ...]:
    return tuple(Block(text, kind, level, page) for text, kind, level, page in json.loads(data))


def encode_ocr(ocr: OcrInfo | None) -> str | None:
    if ocr is None:
        return None
    return dumps({"engine": ocr.engine, "confidence": ocr.confidence, "pages": ocr.pages})


def decode_ocr(data: str | None) -> OcrInfo | None:
    if not data:
        return None
    raw = json.loads(data)
    return OcrInfo(raw["engine"], raw["confidence"], tuple(tuple(p) for p in raw["pages"]))


def encode_provenance(prov: Provenance | None) -> tuple[Any, ...]:
    if prov is None:
        return (None, None, None, None, None)
    return (prov.kind.value, prov.source, prov.excerpt, prov.by, iso(prov.at))


def decode_provenance(
    kind: str | None, source: str | None, excerpt: str | None, by: str | None, at: str | None
) -> Provenance | None:
    if kind is None:
        return None
    return Provenance(kind, source, excerpt, by, to_datetime(at))


def event_payload(event: LifecycleEvent) -> dict[str, Any]:
    """An event as the archive keeps it in JSON: in a pending reference's payload and in the
    log entry of every event recorded, removed or imported (read back by
    :func:`event_from_payload`). The one shape of a stored event: the ``--json`` shape
    (:func:`gazette.export.json_format.event_dict`) is the public one, kept apart so a change
    of storage never changes what scripts read."""
    prov = event.provenance
    return {
        "kind": event.kind.value,
        "date": iso(event.date),
        "outcome": event.outcome.value if event.outcome else None,
        "articles": list(event.articles),
        "note": event.note,
        "acting": None
        if event.acting is None
        else {
            "text": event.acting.text,
            "title": event.acting.title,
            "number": str(event.acting.number) if event.acting.number else None,
            "resolved_id": event.acting.resolved_id,
        },
        "provenance": {
            "kind": prov.kind.value,
            "source": prov.source,
            "excerpt": prov.excerpt,
            "by": prov.by,
            "at": iso(prov.at),
        },
    }


def event_from_payload(data: dict[str, Any]) -> LifecycleEvent:
    acting = data.get("acting")
    prov = data["provenance"]
    return LifecycleEvent(
        kind=data["kind"],
        date=to_date(data.get("date")),
        outcome=data.get("outcome"),
        articles=data.get("articles") or (),
        note=data.get("note"),
        acting=None
        if not acting
        else DocRef(
            acting["text"], acting.get("title"), acting.get("number"), acting.get("resolved_id")
        ),
        provenance=Provenance(
            prov["kind"],
            prov.get("source"),
            prov.get("excerpt"),
            prov.get("by"),
            to_datetime(prov.get("at")),
        ),
    )
