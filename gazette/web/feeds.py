"""Atom feeds (RFC 4287): the archive's changes, and one document's.

``/feeds/changes.atom`` lists documents added or made public, amended, repealed, expired …
newest first by when the archive recorded them, paged as RFC 5005 describes (``rel="next"``
to older entries, ``rel="first"`` to the newest page). ``/documents/{id}/feed.atom`` is one
document's: following a law is subscribing to it. See :mod:`gazette.changes`.
"""

from __future__ import annotations

import datetime as _dt
import xml.etree.ElementTree as ET

from starlette.responses import Response

from gazette.changes import Change, ChangePage, changes, document_changes
from gazette.lifecycle import status_on
from gazette.web import params
from gazette.web.app import Ctx

ATOM = "http://www.w3.org/2005/Atom"
FH = "http://purl.org/syndication/history/1.0"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
PAGE = 50

ET.register_namespace("", ATOM)
ET.register_namespace("fh", FH)


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _stamp(value: _dt.datetime) -> str:
    return value.astimezone(_dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _base(ctx: Ctx) -> str:
    return str(ctx.request.base_url).rstrip("/")


def _absolute(ctx: Ctx, path: str, **query: str | None) -> str:
    return _base(ctx) + ctx.url(path, **query)[len(ctx.web.root_path(ctx.request)) :]


def _entry(ctx: Ctx, feed: ET.Element, change: Change) -> None:
    doc = change.document
    entry = _el(feed, "entry")
    url = _absolute(ctx, f"/documents/{doc.id}")
    _el(entry, "id", f"{url}#{change.entry_id}")
    _el(entry, "title", f"{change.label}：{doc.display_title}")
    _el(entry, "updated", _stamp(change.recorded))
    _el(entry, "published", _stamp(change.recorded))
    author = _el(entry, "author")
    _el(author, "name", change.actor or ctx.web.title)
    on = change.event.date.isoformat() if change.event and change.event.date else None
    _el(
        entry,
        "link",
        rel="alternate",
        type="text/html",
        href=_absolute(ctx, f"/documents/{doc.id}", on=on),
    )
    _el(entry, "category", term=change.kind, label=change.label)
    status = status_on(doc)
    summary = change.summary + f"。现状：{status.label}"
    if status.value.marked:
        summary += f"（{status.mark()}）"
    _el(entry, "summary", summary, type="text")


def _feed(ctx: Ctx, page: ChangePage, title: str, self_path: str, alternate: str) -> Response:
    feed = ET.Element(f"{{{ATOM}}}feed")
    cursor = ctx.param("cursor")
    limit = ctx.param("limit")
    _el(feed, "id", _absolute(ctx, self_path))
    _el(feed, "title", title)
    newest = page.changes[0].recorded if page.changes else _dt.datetime.now(_dt.UTC)
    _el(feed, "updated", _stamp(newest))
    author = _el(feed, "author")
    _el(author, "name", ctx.web.title)
    _el(feed, "generator", "gazette")
    _el(
        feed,
        "link",
        rel="self",
        type="application/atom+xml",
        href=_absolute(ctx, self_path, cursor=cursor, limit=limit),
    )
    _el(
        feed,
        "link",
        rel="first",
        type="application/atom+xml",
        href=_absolute(ctx, self_path, limit=limit),
    )
    if page.next_cursor:
        _el(
            feed,
            "link",
            rel="next",
            type="application/atom+xml",
            href=_absolute(ctx, self_path, cursor=page.next_cursor, limit=limit),
        )
    _el(feed, "link", rel="alternate", type="text/html", href=_absolute(ctx, alternate))
    for change in page.changes:
        _entry(ctx, feed, change)
    body = ET.tostring(feed, encoding="unicode", xml_declaration=False)
    return Response('<?xml version="1.0" encoding="utf-8"?>\n' + body, media_type=MEDIA_TYPE)


def changes_feed(ctx: Ctx) -> Response:
    limit = params.integer(ctx, "limit", PAGE, 1, 500)
    page = changes(ctx.view, limit=limit, cursor=ctx.param("cursor"))
    return _feed(ctx, page, f"{ctx.web.title}：变更", "/feeds/changes.atom", "/")


def document_feed(ctx: Ctx) -> Response:
    ref = ctx.request.path_params["doc_id"]
    limit = params.integer(ctx, "limit", PAGE, 1, 500)
    page = document_changes(ctx.view, ref, limit=limit, cursor=ctx.param("cursor"))
    doc = ctx.view.get(ref)
    return _feed(
        ctx,
        page,
        f"{doc.display_title}：变更",
        f"/documents/{doc.id}/feed.atom",
        f"/documents/{doc.id}",
    )


ROUTES = [
    ("/feeds/changes.atom", ("GET",), changes_feed, "feed"),
    ("/documents/{doc_id}/feed.atom", ("GET",), document_feed, "feed"),
]
