"""Template filters: dates in Chinese, search snippets as safe HTML, status marks."""

from __future__ import annotations

import datetime as _dt
import html
import re
from typing import Any

import jinja2
from markupsafe import Markup, escape

from gazette import wording
from gazette.changes import kind_label
from gazette.model import DisclosureAttribute, Ground, InterpretationForm

_MARK = re.compile(r"(</?em>)")


def snippet_html(snippet: str | None) -> Markup:
    """A search snippet with its matches in ``<mark>``; everything else is text.

    The engine escapes the snippet and marks matches with ``<em>``; this escapes every piece
    again after decoding it, so no markup but the marks can come through.
    """
    out = []
    for piece in _MARK.split(snippet or ""):
        if piece == "<em>":
            out.append("<mark>")
        elif piece == "</em>":
            out.append("</mark>")
        else:
            out.append(html.escape(html.unescape(piece)))
    return Markup("".join(out))


def facet_items(shown: list[tuple[str, str, int]]) -> Markup:
    """The items of a facet's list, one line each: a link narrowing the search to a value, and
    its count. Built here rather than in a template loop: a search page shows some fifty of
    them, and the loop's nine outputs and three escapes each were half of the page's
    rendering."""
    return Markup(
        "".join(
            f'          <li><a href="{escape(href)}">{escape(label)}</a>'
            f' <span class="count">{escape(n)}</span></li>\n'
            for label, href, n in shown
        )
    )


def cn_date(value: _dt.date | _dt.datetime | str | None) -> str:
    """``2024年11月1日`` (``—`` when unknown)."""
    return wording.date(value, missing="—")


def iso(value: _dt.date | _dt.datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def install(env: jinja2.Environment) -> None:
    env.filters["snippet"] = snippet_html
    env.filters["facet_items"] = facet_items
    env.filters["cn_date"] = cn_date
    env.filters["iso"] = iso
    env.globals["today"] = _dt.date.today
    env.globals["grounds_list"] = list(Ground)
    env.globals["settable_attributes"] = [
        a for a in DisclosureAttribute if a != DisclosureAttribute.UNKNOWN
    ]
    env.globals["interpretation_forms"] = list(InterpretationForm)
    env.globals["kind_label"] = kind_label


__all__: list[Any] = ["cn_date", "facet_items", "install", "iso", "snippet_html"]
