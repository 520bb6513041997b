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
            raise MissingDependency("the web application", package, "web")


def create_app(archive_path: str | os.PathLike[str], **options: Any) -> WebApp:
    """The ASGI application serving the archive in ``archive_path``.

    Options: ``title`` (the site's name), ``readers`` (archive connections kept open for
    concurrent requests, default 4), ``login_attempts`` and ``login_window`` (failed logins
    allowed per client and per name within that many seconds).

    Raises:
        MissingDependency: the ``[web]`` extra is not installed.
        ArchiveError: no archive in ``archive_path``.
    """
    _check()
    from gazette.web.app import WebApp

    return WebApp(archive_path, **options)


def serve(
    archive_path: str | os.PathLike[str],
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    proxy_headers: bool = False,
    forwarded_allow_ips: str | None = None,
    root_path: str = "",
    announce: Any = print,
    **options: Any,
) -> None:
    """Serve the archive until interrupted; ``announce`` gets the URL (with the real port when
    ``port`` is 0)."""
    _check()
    try:
        import uvicorn
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependency("the web server", "uvicorn", "web") from exc
    import socket

    app = create_app(archive_path, **options)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    config = uvicorn.Config(
        app,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
        root_path=root_path,
        log_level="warning",
        access_log=False,
    )
    server = uvicorn.Server(config)
    announce(f"http://{shown}:{bound}{root_path}/")
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        app.close()


__all__ = ["create_app", "serve"]
