"""The archive's web application: pages for people, a JSON API, Atom feeds.

A thin layer over the library: every read goes through ``archive.public`` or
``archive.internal``, so the web shows exactly what the command line shows in the same view,
and the JSON API returns the shapes of the command line's ``--json``
(:mod:`gazette.shapes`). Pages are rendered on the server with Jinja2 and work without
JavaScript. Needs the ``[web]`` extra (Starlette, Jinja2, uvicorn, argon2-cffi, itsdangerous,
python-multipart, Pillow).

    from gazette.web import create_app
    app = create_app("gazette-archive")      # an ASGI application
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from gazette.errors import MissingDependency

if TYPE_CHECKING:
    from gazette.web.app import WebApp

_NEEDED = (
    ("starlette", "starlette"),
    ("jinja2", "Jinja2"),
    ("itsdangerous", "itsdangerous"),
    ("multipart", "python-multipart"),
    ("argon2", "argon2-cffi"),
)


def _check() -> None:
    import importlib.util

    for module, package in _NEEDED:
        if importlib.util.find_spec(module) is None:
            raise MissingDependency("网页应用", package, "web")


def create_app(archive_path: str | os.PathLike[str], **options: Any) -> WebApp:
    """The ASGI application serving the archive in ``archive_path``.

    Options: ``title`` (the site's name), ``readers`` (archives kept open for concurrent
    requests, default 2 per process), ``login_attempts`` and ``login_window`` (failed logins
    allowed per client and per name within that many seconds).

    Raises:
        MissingDependency: the ``[web]`` extra is not installed.
        ArchiveError: no archive in ``archive_path``.
    """
    _check()
    from gazette.web.app import WebApp

    return WebApp(archive_path, **options)


def worker_app() -> WebApp:
    """The application of one server process when ``serve`` runs several (``workers``)."""
    import json

    options = json.loads(os.environ.get("GAZETTE_WEB_OPTIONS") or "{}")
    app = create_app(os.environ["GAZETTE_WEB_ARCHIVE"], **options)
    _settle(app)
    return app


def _settle(app: WebApp) -> None:
    """Warm the application of a server process, then leave what it holds for good (the
    search index's columns, bitmaps, kept texts: some hundred thousand objects at 100,000
    documents) out of the garbage collector's full passes, which would otherwise walk them
    all (tens of milliseconds) in the middle of some request."""
    import gc

    app.warm()
    gc.collect()
    gc.freeze()


def serve(
    archive_path: str | os.PathLike[str],
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    proxy_headers: bool = False,
    forwarded_allow_ips: str | None = None,
    root_path: str = "",
    announce: Any = print,
    **options: Any,
) -> None:
    """Serve the archive until interrupted; ``announce`` gets the URL (with the real port when
    ``port`` is 0). ``workers`` server processes share the socket (the archive's log keeps
    what they must agree on: sessions, tokens, failed logins)."""
    _check()
    try:
        import uvicorn
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependency("网页服务器", "uvicorn", "web") from exc
    import json
    import socket

    app = create_app(archive_path, **options)  # checks the archive, makes the session key
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this: a response's head and body are separate writes, and
    # Nagle's algorithm would hold the body for the client's delayed ACK (40 ms).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(2048)  # connections wait for the server instead of being refused
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    common: dict[str, Any] = {
        "proxy_headers": proxy_headers,
        "forwarded_allow_ips": forwarded_allow_ips,
        "root_path": root_path,
        "log_level": "warning",
        "access_log": False,
    }
    try:
        if workers <= 1:
            _settle(app)
            server = uvicorn.Server(uvicorn.Config(app, **common))
            announce(f"http://{shown}:{bound}{root_path}/")
            server.run(sockets=[sock])
            return
        app.close()
        os.environ["GAZETTE_WEB_ARCHIVE"] = str(archive_path)
        os.environ["GAZETTE_WEB_OPTIONS"] = json.dumps(options)
        from gazette.web.serving import supervise

        # The URL once every process has warmed its archive and serves.
        supervise(sock, workers, common, lambda: announce(f"http://{shown}:{bound}{root_path}/"))
    finally:
        sock.close()
        app.close()


__all__ = ["create_app", "serve", "worker_app"]
