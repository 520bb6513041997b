"""The JSON API under ``/api/v1/``: the shapes of the command line's ``--json``
(:mod:`gazette.shapes`), and its OpenAPI 3 description.

``/api/v1/search`` is ``gazette search --json``, ``/api/v1/documents/{ref}`` is ``gazette show
--json`` (``?text=1`` is ``--text``), ``/api/v1/documents/{ref}/status`` is ``gazette status
--json``, ``/api/v1/issues`` is ``gazette issues --json``. Parameters are named as the
command line's options; ``?view=internal`` needs ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response

from gazette import shapes
from gazette.search.results import STATUS_VALUES
from gazette.web import params
from gazette.web.app import Ctx, HttpError


def _json(data: Any, status: int = 200) -> Response:
    return JSONResponse(data, status_code=status)


def search(ctx: Ctx) -> Response:
    limit = params.integer(ctx, "limit", 10, 1, 1000)
    offset = params.integer(ctx, "offset", 0, 0, 10_000_000)
    page = ctx.param("page")
    if page is not None:
        offset = (params.integer(ctx, "page", 1, 1, 1_000_000) - 1) * limit
    results = ctx.view.search(
        ctx.param("q") or "",
        limit=limit,
        offset=offset,
        sort=params.sort(ctx),
        **params.search_filters(ctx),
    )
    return _json(shapes.search_json(results, ctx.view_name))


def document(ctx: Ctx) -> Response:
    ref = ctx.request.path_params["ref"]
    if ref.endswith("/status"):
        return _status(ctx, ref[: -len("/status")])
    text = ctx.param("text") in ("1", "true", "yes")
    doc = ctx.view.get(ref)
    return _json(shapes.show_json(doc, ctx.view_name, on=params.date(ctx, "on"), with_text=text))


def _status(ctx: Ctx, ref: str) -> Response:
    doc = ctx.view.get(ref)
    return _json(shapes.status_json(doc, ctx.view_name, on=params.date(ctx, "on")))


def issues(ctx: Ctx) -> Response:
    found = ctx.view.issues(ctx.param("gazette"))
    year = ctx.param("year")
    if year is not None:
        number = params.integer(ctx, "year", 0, 1000, 9999)
        found = [i for i in found if i.number.year == number]
    return _json(shapes.issues_json(found))


def openapi(ctx: Ctx) -> Response:
    return _json(openapi_document(ctx.web.title))


def unknown(ctx: Ctx) -> Response:
    raise HttpError(404, "not_found", "no such API route")


# --- OpenAPI --------------------------------------------------------------------------------


def _param(
    name: str, description: str, schema: dict[str, Any], where: str = "query"
) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "in": where, "description": description}
    out["schema"] = schema
    if where == "path":
        out["required"] = True
    return out


_DATE = {"type": "string", "format": "date"}
_VIEW = _param(
    "view",
    "public (default) or internal (needs a bearer token)",
    {"type": "string", "enum": ["public", "internal"], "default": "public"},
)
_ERRORS = {
    "400": {
        "description": "a bad parameter",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
    "401": {"description": "the internal view without a token"},
    "404": {"description": "no such document in this view (hidden and missing alike)"},
}


def openapi_document(title: str) -> dict[str, Any]:
    """The OpenAPI 3.1 description of the API."""
    search_params = [
        _param("q", 'words, "phrases", OR, -excluded, document numbers', {"type": "string"}),
        _param("issuer", "发文机关", {"type": "string"}),
        _param("type", "文种, e.g. 通知", {"type": "string"}),
        _param("from", "dated on or after", _DATE),
        _param("to", "dated on or before", _DATE),
        _param(
            "date_field",
            "which date from/to use",
            {"type": "string", "enum": ["written", "published"]},
        ),
        _param("gazette", "a gazette, or an issue '[name] 2019年第5期'", {"type": "string"}),
        _param("year", "filed under this year", {"type": "integer"}),
        _param("valid_on", "in force on this date", _DATE),
        {
            **_param(
                "status",
                "status on valid_on (repeat for several)",
                {"type": "array", "items": {"type": "string", "enum": list(STATUS_VALUES)}},
            ),
            "explode": True,
        },
        _param("sort", "relevance or date", {"type": "string", "enum": ["relevance", "date"]}),
        _param(
            "limit", "page size", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 10}
        ),
        _param("offset", "results to skip", {"type": "integer", "minimum": 0, "default": 0}),
        _param("page", "page number (instead of offset)", {"type": "integer", "minimum": 1}),
        _VIEW,
    ]
    ref = _param(
        "ref",
        "a document id, a 发文字号 in any spelling, or the exact title",
        {"type": "string"},
        "path",
    )
    ok = {
        "description": "the same JSON as the command line's --json",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{title} API",
            "version": "1",
            "description": "Read the archive as the command line's --json output does. Hidden"
            " documents answer 404 exactly like missing ones.",
        },
        "paths": {
            "/api/v1/search": {
                "get": {
                    "summary": "Full-text search (= gazette search --json)",
                    "parameters": search_params,
                    "responses": {"200": ok, **_ERRORS},
                }
            },
            "/api/v1/documents/{ref}": {
                "get": {
                    "summary": "A document (= gazette show --json)",
                    "parameters": [
                        ref,
                        _param("on", "status and text as they stood on this date", _DATE),
                        _param("text", "include the full text (1)", {"type": "string"}),
                        _VIEW,
                    ],
                    "responses": {"200": ok, **_ERRORS},
                }
            },
            "/api/v1/documents/{ref}/status": {
                "get": {
                    "summary": "Status on a date (= gazette status --json)",
                    "parameters": [ref, _param("on", "the date (default today)", _DATE), _VIEW],
                    "responses": {"200": ok, **_ERRORS},
                }
            },
            "/api/v1/issues": {
                "get": {
                    "summary": "Gazette issues with their items (= gazette issues --json)",
                    "parameters": [
                        _param("gazette", "one gazette, by its full name", {"type": "string"}),
                        _param("year", "only issues of this year", {"type": "integer"}),
                        _VIEW,
                    ],
                    "responses": {
                        "200": {
                            **ok,
                            "content": {"application/json": {"schema": {"type": "array"}}},
                        },
                        **_ERRORS,
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {
                        "error": {
                            "type": "object",
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                            },
                        }
                    },
                }
            },
        },
        "security": [{}, {"bearer": []}],
    }


ROUTES = [
    ("/api/v1/openapi.json", ("GET",), openapi, "api"),
    ("/api/v1/search", ("GET",), search, "api"),
    ("/api/v1/issues", ("GET",), issues, "api"),
    ("/api/v1/documents/{ref:path}", ("GET",), document, "api"),
    ("/api/v1/{rest:path}", ("GET", "POST"), unknown, "api"),
]
