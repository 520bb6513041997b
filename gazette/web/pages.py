"""Pages for people: search, documents (as they stood on a date, compared across versions,
exported), gazette issues and their pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote_plus

from starlette.responses import Response

from gazette import export, wording
from gazette.export.rendition import ocr_note, status_text
from gazette.issue_pages import (
    file_page,
    find_issue,
    page_text,
    printed_page,
    render_page,
    shown_pages,
)
from gazette.lifecycle import known_version_name, shown_text, status_on, version_name, versions
from gazette.model import Document, GazetteIssue, version_start
from gazette.phrases import provenance
from gazette.search.results import STATUS_VALUES
from gazette.timeline import timeline
from gazette.version_compare import compare_versions
from gazette.web import params
from gazette.web.app import Ctx, HttpError, not_found

FACET_PARAMS = {"issuer": "issuer", "year": "year", "doc_type": "type", "status": "status"}
FACET_SHOWN = 12


def home(ctx: Ctx) -> Response:
    return ctx.render("home.html")


def search(ctx: Ctx) -> Response:
    query = ctx.param("q") or ""
    filters = params.search_filters(ctx)
    page = params.integer(ctx, "page", 1, 1, 10000)
    sort = params.sort(ctx)
    active = any(v not in (None, (), "written") for v in filters.values())
    results = None
    if query or active:
        results = ctx.view.search(
            query,
            limit=params.PAGE_SIZE,
            offset=(page - 1) * params.PAGE_SIZE,
            sort=sort,
            **filters,
        )
    shown = {k: ctx.request.query_params.getlist(k) for k in ("status",)}
    values = {name: ctx.param(name) or "" for name in params.FILTERS if name != "status"}
    pages = 0
    facets: list[tuple[str, str, list[tuple[str, str, int]]]] = []
    if results is not None:
        pages = max(1, -(-results.total // params.PAGE_SIZE))
        facets = _facets(ctx, results.facets)
    return ctx.render(
        "search.html",
        query=query,
        results=results,
        page=page,
        pages=pages,
        sort=sort,
        values=values,
        statuses=shown["status"],
        status_labels=wording.STATUS,
        status_values=STATUS_VALUES,
        facets=facets,
        page_link=lambda n: _page_link(ctx, n),
    )


def _facets(
    ctx: Ctx, counted: dict[str, dict[str, int]]
) -> list[tuple[str, str, list[tuple[str, str, int]]]]:
    """The facets a page shows: (name, heading, [(value shown, link narrowing to it,
    count)]), the first :data:`FACET_SHOWN` values of each."""
    links = _FacetLinks(ctx)
    out = []
    for name, counts in counted.items():
        if not counts:
            continue
        shown = []
        for value, n in list(counts.items())[:FACET_SHOWN]:
            label = wording.STATUS.get(value, value) if name == "status" else value
            shown.append((str(label), links(name, value), n))
        out.append((name, wording.FACET.get(name, name), shown))
    return out


def _current_params(ctx: Ctx) -> list[tuple[str, str]]:
    return [(k, v) for k, v in ctx.request.query_params.multi_items() if k not in ("page", "view")]


class _FacetLinks:
    """Links that narrow a search to one facet value (the query string of the page built once
    per facet, then the value appended)."""

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.current = _current_params(ctx)
        self.bases: dict[str, str] = {}

    def __call__(self, name: str, value: str) -> str:
        key = FACET_PARAMS[name]
        if key == "status":
            items = [(k, v) for k, v in self.current if not (k == "status" and v == value)]
            return _link(self.ctx, "/search", [*items, (key, value)])
        if key not in self.bases:
            kept = [(k, v) for k, v in self.current if k != key]
            self.bases[key] = _link(self.ctx, "/search", kept)
        base = self.bases[key]
        return f"{base}{'&' if '?' in base else '?'}{key}={_quoted(str(value))}"


_QUOTED: dict[str, str] = {}


def _quoted(value: str) -> str:
    """``quote_plus(value)``, remembered: facet values (issuers, years, types) come back on
    every page."""
    found = _QUOTED.get(value)
    if found is None:
        if len(_QUOTED) > 20000:
            _QUOTED.clear()
        found = _QUOTED[value] = quote_plus(value)
    return found


def _page_link(ctx: Ctx, page: int) -> str:
    return _link(ctx, "/search", [*_current_params(ctx), ("page", str(page))])


def _link(ctx: Ctx, path: str, items: list[tuple[str, str]]) -> str:
    multi: dict[str, Any] = {}
    for key, value in items:
        multi.setdefault(key, []).append(value)
    return ctx.url(path, **multi)


# --- documents -------------------------------------------------------------------------------


def document(ctx: Ctx) -> Response:
    doc = _document(ctx)
    on = params.date(ctx, "on")
    status = status_on(doc, on)
    version = shown_text(doc, on)
    printed = [_printed(ctx, doc, pub) for pub in doc.publications]
    links = _interpretations(ctx, doc)
    held = [(v, version_start(v)) for v in versions(doc)]
    starts = [start for _, start in held if start is not None]
    return ctx.render(
        "document.html",
        title=doc.display_title,
        doc=doc,
        on=on,
        status=status,
        mark=f"【{status_text(status)}】" if status.value.marked else None,
        version=version,
        version_label=version_name,
        version_named=known_version_name(version),
        known_name=known_version_name,
        ocr=ocr_note(version.ocr) if version is not None and version.ocr is not None else None,
        entries=timeline(doc),
        describe=provenance,
        printed=printed,
        links=links,
        held=held,
        starts=starts,
        formats=list(export.FORMATS),
        parent=ctx.view.find(doc.parent_id) if doc.parent_id else None,
    )


def _document(ctx: Ctx) -> Document:
    ref = ctx.request.path_params["doc_id"]
    return ctx.view.get(ref)


def _printed(ctx: Ctx, doc: Document, pub: Any) -> dict[str, Any]:
    """A publication, with links to its issue and to the images of its printed pages."""
    out: dict[str, Any] = {"label": pub.label_cn, "issue_url": None, "pages": []}
    if pub.issue_id is None:
        return out
    issue = find_issue(ctx.view, pub.issue_id)
    if issue is None:
        return out
    out["issue_url"] = ctx.url(f"/issues/{issue.id}")
    item = next((i for i in issue.items if i.doc_id == doc.id), None)
    if item is not None and item.pages is not None:
        visible = shown_pages(ctx.view, issue) if _is_pdf(ctx, issue) else set()
        for printed in range(item.pages[0], item.pages[1] + 1):
            page = file_page(issue, item, printed)
            shown = page is not None and page in visible
            url = ctx.url(f"/issues/{issue.id}/pages/{page}") if shown else None
            out["pages"].append({"printed": printed, "page": page, "url": url})
    return out


def _interpretations(ctx: Ctx, doc: Document) -> list[dict[str, Any]]:
    out = []
    for link in doc.interpretations:
        other = link.interpretation_id if link.policy_id == doc.id else link.policy_id
        found = ctx.view.find(other)
        if found is None:
            continue
        out.append(
            {
                "role": "解读" if link.policy_id == doc.id else "所解读的政策",
                "title": found.display_title,
                "url": ctx.url(f"/documents/{other}"),
                "form": link.form.value,
                "method": link.method,
            }
        )
    return out


def compare(ctx: Ctx) -> Response:
    doc = _document(ctx)
    starts = sorted({d for d in map(version_start, versions(doc)) if d})
    first = params.date(ctx, "from") or (starts[-2] if len(starts) > 1 else None)
    last = params.date(ctx, "to") or (starts[-1] if starts else None)
    result = None
    if first is not None and last is not None:
        result = compare_versions(doc, first, last)
    return ctx.render(
        "compare.html",
        title=f"{doc.display_title}：版本对照",
        doc=doc,
        starts=starts,
        first=first,
        last=last,
        result=result,
        version_label=version_name,
    )


def export_document(ctx: Ctx) -> Response:
    doc = _document(ctx)
    fmt = ctx.request.path_params["fmt"]
    if fmt not in export.FORMATS:
        raise not_found()
    on = params.date(ctx, "on")
    module = export.format_module(fmt)
    data = export.render(doc, fmt, on=on)
    name = f"{doc.id}{module.suffix}"
    return Response(
        data,
        media_type=module.media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --- gazette issues -------------------------------------------------------------------------


def issues(ctx: Ctx) -> Response:
    found = ctx.view.issues(ctx.param("gazette"))
    year = ctx.param("year")
    if year is not None:
        found = [i for i in found if str(i.number.year) == year]
    return ctx.render("issues.html", title="政府公报", issues=found)


def _issue(ctx: Ctx) -> GazetteIssue:
    issue = find_issue(ctx.view, ctx.request.path_params["issue_id"])
    if issue is None:
        raise not_found()
    return issue


def issue(ctx: Ctx) -> Response:
    found = _issue(ctx)
    pdf = _is_pdf(ctx, found)
    visible = shown_pages(ctx.view, found) if pdf else set()
    pages = [{"page": page, "printed": printed_page(found, page)} for page in sorted(visible)]
    items = []
    for item in found.items:
        links = []
        if item.pages is not None:
            for printed in range(item.pages[0], item.pages[1] + 1):
                at = file_page(found, item, printed)
                shown = at is not None and at in visible
                links.append(
                    {
                        "printed": printed,
                        "url": ctx.url(f"/issues/{found.id}/pages/{at}") if shown else None,
                    }
                )
        items.append({"item": item, "pages": links})
    return ctx.render(
        "issue.html",
        title=found.label,
        issue=found,
        items=items,
        pages=pages,
        pdf=pdf,
    )


def _is_pdf(ctx: Ctx, issue: GazetteIssue) -> bool:
    sha = issue.source_sha256
    if not sha or not issue.page_count:
        return False
    path = ctx.archive.objects.path(sha)
    try:
        with open(path, "rb") as handle:
            return handle.read(5) == b"%PDF-"
    except OSError:
        return False


def issue_page(ctx: Ctx) -> Response:
    found = _issue(ctx)
    name = ctx.request.path_params["page"]
    image = name.endswith(".png")
    number = name[:-4] if image else name
    visible = shown_pages(ctx.view, found) if _is_pdf(ctx, found) else set()
    if not number.isdigit() or int(number) not in visible:
        raise not_found()
    page = int(number)
    if image:
        width = params.integer(ctx, "width", 1200, 200, 4000)
        data = render_page(ctx.view, found, page, width)
        return Response(
            data, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"}
        )
    texts = page_text(ctx.view, found, page)
    return ctx.render(
        "page.html",
        title=f"{found.label} 第{page}页",
        issue=found,
        page=page,
        printed=printed_page(found, page),
        texts=texts,
        scanned=any(t.ocr for t in texts) or (found.ocr is not None),
        previous=page - 1 if page - 1 in visible else None,
        following=page + 1 if page + 1 in visible else None,
        line_boxes=[],
    )


ROUTES = [
    ("/", ("GET",), home, "page"),
    ("/search", ("GET",), search, "page"),
    ("/documents/{doc_id}", ("GET",), document, "page"),
    ("/documents/{doc_id}/compare", ("GET",), compare, "page"),
    ("/documents/{doc_id}/export.{fmt}", ("GET",), export_document, "page"),
    ("/issues", ("GET",), issues, "page"),
    ("/issues/{issue_id:int}", ("GET",), issue, "page"),
    ("/issues/{issue_id:int}/pages/{page}", ("GET",), issue_page, "page"),
]

__all__ = ["ROUTES", "HttpError"]
