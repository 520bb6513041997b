"""The application: archive connections, templates, who is asking, in which view.

Each request borrows one of a few open archives (:class:`ArchivePool`: SQLite connections
are not shared between threads), finds out who is asking (a session cookie or an API token,
:mod:`gazette.web.security`), and reads through the view it asked for (``?view=public``, the
default, or ``?view=internal``, which needs a signed-in user). Handlers are plain functions
``handler(ctx) -> Response`` run in Starlette's thread pool.
"""

from __future__ import annotations

import contextlib
import functools
import os
import queue
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from gazette import users
from gazette.archive import Archive, open_archive
from gazette.archive.views import ArchiveView
from gazette.disclosure import View
from gazette.errors import (
    AmbiguousReference,
    ArchiveBusy,
    DocumentNotFound,
    GazetteError,
    InvalidArgument,
    InvalidDate,
    InvalidQuery,
)
from gazette.web import security

HERE = Path(__file__).resolve().parent
DEFAULT_TITLE = "政府公文与公报档案"


class ArchivePool:
    """A few open archives, lent to one request at a time. They share one search index (its
    columns, bitmaps and kept texts are warmed once per process; it serves one search at a
    time, which the interpreter's lock would mostly impose anyway) and each has its own
    catalog connection."""

    def __init__(self, path: Path, size: int) -> None:
        self.path = path
        self.size = max(1, size)
        self._free: queue.LifoQueue[Archive] = queue.LifoQueue()
        self._made = 0
        self._lock = threading.Lock()
        self._all: list[Archive] = []
        self.put(self._open())  # fail early: no archive there

    def _open(self) -> Archive:
        archive = open_archive(self.path, create=False, actor="web")
        with self._lock:
            if self._all:
                archive.share_search_index(self._all[0])
            self._made += 1
            self._all.append(archive)
        return archive

    def get(self) -> Archive:
        try:
            return self._free.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            room = self._made < self.size
        return self._open() if room else self._free.get()

    def put(self, archive: Archive) -> None:
        archive.actor = "web"
        self._free.put(archive)

    @contextlib.contextmanager
    def borrow(self) -> Iterator[Archive]:
        archive = self.get()
        try:
            yield archive
        finally:
            self.put(archive)

    def close(self) -> None:
        for archive in self._all:
            with contextlib.suppress(Exception):
                archive.close()


class HttpError(Exception):
    """An answer other than the page: status, a message for people, a code for the API."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


NOT_FOUND_MESSAGE = "未找到该文件或页面"


def not_found() -> HttpError:
    """The one answer for a hidden document and a missing one: nothing tells them apart."""
    return HttpError(404, "not_found", NOT_FOUND_MESSAGE)


class Ctx:
    """One request: the archive lent to it, who asks, the view, helpers for answers."""

    def __init__(self, web: WebApp, request: Request, archive: Archive, api: bool) -> None:
        self.web = web
        self.request = request
        self.archive = archive
        self.api = api
        self.user = security.current_user(self)
        if self.user is not None:
            archive.actor = self.user.name
        wanted = request.query_params.get("view") or View.PUBLIC.value
        if wanted not in (View.PUBLIC.value, View.INTERNAL.value):
            raise HttpError(400, "bad_request", "view 只能是 public 或 internal")
        self.view_name = wanted
        if wanted == View.INTERNAL.value and self.user is None:
            raise security.login_required(self)

    @functools.cached_property
    def view(self) -> ArchiveView:
        if self.view_name == View.INTERNAL.value:
            # Every internal read is logged, with who read what.
            users.record(
                self.archive,
                self.user.name if self.user else "-",
                "web_read",
                self.request.url.path,
                "internal",
                query=str(self.request.query_params),
            )
        return self.archive.view(self.view_name)

    @property
    def internal(self) -> bool:
        return self.view_name == View.INTERNAL.value

    def param(self, name: str) -> str | None:
        value = self.request.query_params.get(name)
        return value.strip() if value is not None and value.strip() else None

    @functools.cached_property
    def root(self) -> str:
        """The path the site is served under ('' at the root)."""
        return self.web.root_path(self.request)

    def url(self, path: str, **params: Any) -> str:
        """A link within the site, keeping the internal view when the page is in it."""
        if self.internal and "view" not in params:
            params["view"] = "internal"
        kept = [(k, v) for k, v in params.items() if v not in (None, "", ())]
        if not kept:  # most links of a page: no query string to encode
            return self.root + path
        query = urlencode(kept, doseq=True)
        return self.root + path + (f"?{query}" if query else "")

    def switch_view(self, view: str) -> str:
        """This page in another view."""
        items = [(k, v) for k, v in self.request.query_params.multi_items() if k != "view"]
        if view == View.INTERNAL.value:
            items.append(("view", view))
        query = urlencode(items)
        return self.request.url.path + (f"?{query}" if query else "")

    def render(self, template: str, http_status: int = 200, **values: Any) -> Response:
        values.setdefault("title", self.web.title)
        html = self.web.templates.get_template(template).render(
            ctx=self, site=self.web.title, user=self.user, csrf=security.csrf_token(self), **values
        )
        response = Response(html, status_code=http_status, media_type="text/html; charset=utf-8")
        security.remember_csrf(self, response)
        return response


Handler = Callable[[Ctx], Response]


class WebApp:
    """The ASGI application (see :func:`gazette.web.create_app`)."""

    def __init__(
        self,
        archive_path: str | os.PathLike[str],
        *,
        title: str = DEFAULT_TITLE,
        readers: int = 2,
        login_attempts: int = 5,
        login_window: float = 600.0,
    ) -> None:
        self.path = Path(archive_path)
        self.title = title
        self.pool = ArchivePool(self.path, readers)
        with self.pool.borrow() as archive:
            self.secret = users.session_secret(archive)
        self.limiter = security.RateLimiter(login_attempts, login_window)
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=jinja2.select_autoescape(default=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            # The templates ship with the package: no file checks on every page.
            auto_reload=False,
        )
        from gazette.web import filters

        filters.install(self.templates)
        self.app = Starlette(routes=self._routes(), exception_handlers={404: self._unrouted})
        self.app = security.HeadersMiddleware(self.app)  # type: ignore[assignment]

    def _routes(self) -> list[Any]:
        from gazette.web import api, feeds, pages, staff

        routes: list[Any] = []
        for module in (pages, staff, api, feeds):
            for path, methods, handler, kind in module.ROUTES:
                routes.append(
                    Route(path, self.endpoint(handler, api=kind == "api"), methods=list(methods))
                )
        routes.append(Mount("/static", StaticFiles(directory=HERE / "static"), name="static"))
        return routes

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)

    def close(self) -> None:
        self.pool.close()

    def warm(self) -> None:
        """Open every archive of the pool and load what its search index keeps in memory, so
        that the first requests do not pay for it."""
        archives = [self.pool.get() for _ in range(self.pool.size)]
        try:
            for archive in archives:
                archive.public.search("", limit=1, facets=False, year=1900)
        finally:
            for archive in archives:
                self.pool.put(archive)

    @staticmethod
    def root_path(request: Request) -> str:
        return str(request.scope.get("root_path") or "").rstrip("/")

    def endpoint(self, handler: Handler, *, api: bool) -> Callable[[Request], Any]:
        """A Starlette endpoint around a handler: borrow an archive, build the context, turn
        errors into answers (the library's errors, never a traceback)."""

        async def endpoint(request: Request) -> Response:
            from starlette.concurrency import run_in_threadpool

            form = None
            if request.method == "POST":
                try:
                    form = await request.form(max_files=0, max_fields=200)
                except Exception:
                    return self.error(request, api, HttpError(400, "bad_request", "请求格式错误"))
            request.state.form = form
            return await run_in_threadpool(self._run, handler, request, api)

        return endpoint

    def _run(self, handler: Handler, request: Request, api: bool) -> Response:
        try:
            with self.pool.borrow() as archive:
                ctx = Ctx(self, request, archive, api)
                return handler(ctx)
        except HttpError as exc:
            return self.error(request, api, exc)
        except DocumentNotFound:
            return self.error(request, api, not_found())
        except AmbiguousReference as exc:
            return self.error(
                request,
                api,
                HttpError(409, "ambiguous", "该引用对应多个文件", candidates=list(exc.candidates)),
            )
        except (InvalidArgument, InvalidDate, InvalidQuery) as exc:
            return self.error(request, api, HttpError(400, "bad_request", str(exc)))
        except ArchiveBusy:
            return self.error(request, api, HttpError(503, "busy", "档案正忙，请稍后再试"))
        except GazetteError as exc:
            return self.error(request, api, HttpError(500, "error", str(exc)))

    def error(self, request: Request, api: bool, exc: HttpError) -> Response:
        headers = exc.extra.pop("headers", None) or {}
        if exc.status in (301, 302, 303, 307):
            return RedirectResponse(exc.extra["location"], status_code=exc.status, headers=headers)
        if api or request.url.path.endswith((".atom", ".json")):
            body = {"error": {"code": exc.code, "message": exc.message, **exc.extra}}
            return JSONResponse(body, status_code=exc.status, headers=headers)
        html = self.templates.get_template("error.html").render(
            site=self.title, title=self.title, error=exc, ctx=None, user=None, csrf=""
        )
        return Response(
            html, status_code=exc.status, media_type="text/html; charset=utf-8", headers=headers
        )

    async def _unrouted(self, request: Request, exc: Exception) -> Response:
        api = request.url.path.startswith("/api/")
        return self.error(request, api, not_found())


__all__ = ["HERE", "ArchivePool", "Ctx", "HttpError", "WebApp", "not_found"]
