"""Who is asking, and the rules every answer follows.

* Every response carries a Content-Security-Policy that allows scripts, styles and images
  only from the site itself (no inline script or style), and headers that forbid framing and
  content sniffing (:class:`HeadersMiddleware`).
* A signed-in person holds a session cookie: the session id signed with the archive's key
  (``itsdangerous``), checked against the archive's sessions (signing out or removing the user
  ends it). A program sends ``Authorization: Bearer <token>`` (``gazette users token``).
* Every form that changes something carries a CSRF token: an HMAC of a random value kept in a
  cookie of its own (SameSite=Strict). A POST without it, or with a wrong one, gets 403.
* Failed logins are counted per client address and per name (from the archive's log, so
  every server process sees them); past the limit a login is refused with 429 until the
  window has passed (:class:`RateLimiter`).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from itsdangerous import BadSignature, URLSafeTimedSerializer

from gazette import users
from gazette.users import Role, User

if TYPE_CHECKING:
    from starlette.responses import Response

    from gazette.web.app import Ctx, HttpError

SESSION_COOKIE = "gazette_session"
CSRF_COOKIE = "gazette_csrf"
SESSION_AGE = users.SESSION_DAYS * 86400

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class HeadersMiddleware:
    """Adds the security headers to every HTTP response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (name, value) for name, value in HEADERS if name not in present
                ]
            await send(message)

        await self.app(scope, receive, sending)


# --- sessions and tokens --------------------------------------------------------------------


def _serializer(ctx: Ctx) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(ctx.web.secret, salt="gazette-session")


def session_cookie(ctx: Ctx, session_id: str) -> str:
    return _serializer(ctx).dumps(session_id)


def _session_id(ctx: Ctx) -> str | None:
    raw = ctx.request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        value = _serializer(ctx).loads(raw, max_age=SESSION_AGE)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def current_user(ctx: Ctx) -> User | None:
    """The user a bearer token or the session cookie names, or ``None``."""
    header = ctx.request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return users.user_for_token(ctx.archive, token.strip())
    session_id = _session_id(ctx)
    return users.user_for_session(ctx.archive, session_id) if session_id else None


def current_session(ctx: Ctx) -> str | None:
    return _session_id(ctx)


def secure(ctx: Ctx) -> bool:
    return ctx.request.url.scheme == "https"


def set_session(ctx: Ctx, response: Response, session_id: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        session_cookie(ctx, session_id),
        max_age=SESSION_AGE,
        httponly=True,
        samesite="lax",
        secure=secure(ctx),
        path=ctx.web.root_path(ctx.request) or "/",
    )


def clear_session(ctx: Ctx, response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path=ctx.web.root_path(ctx.request) or "/")


def login_required(ctx: Ctx) -> HttpError:
    """401 for the API and feeds; for pages, a redirect to the login form (and back)."""
    from gazette.web.app import HttpError

    if ctx.api or ctx.request.url.path.endswith(".atom"):
        return HttpError(
            401,
            "unauthorized",
            "内部视图需要登录（Authorization: Bearer <token>）",
            headers={"WWW-Authenticate": 'Bearer realm="gazette"'},
        )
    target = ctx.request.url.path + (f"?{ctx.request.url.query}" if ctx.request.url.query else "")
    root = ctx.web.root_path(ctx.request)
    return HttpError(303, "login", "请先登录", location=f"{root}/login?next={quote(target)}")


def require(ctx: Ctx, role: Role) -> User:
    """The signed-in user, who must hold at least ``role``."""
    from gazette.web.app import HttpError

    if ctx.user is None:
        raise login_required(ctx)
    if not ctx.user.role.allows(role):
        raise HttpError(403, "forbidden", f"需要“{role.label}”权限")
    return ctx.user


# --- CSRF ------------------------------------------------------------------------------------


def _csrf_seed(ctx: Ctx) -> str:
    seed = ctx.request.cookies.get(CSRF_COOKIE)
    if not seed or len(seed) > 100:
        cached = getattr(ctx.request.state, "csrf_seed", None)
        if cached is None:
            cached = secrets.token_urlsafe(24)
            ctx.request.state.csrf_seed = cached
        seed = cached
    return seed


def _mac(ctx: Ctx, seed: str) -> str:
    return hmac.new(ctx.web.secret.encode(), f"csrf:{seed}".encode(), hashlib.sha256).hexdigest()


def csrf_token(ctx: Ctx) -> str:
    """The token forms carry (an HMAC of the value in the CSRF cookie)."""
    return _mac(ctx, _csrf_seed(ctx))


def remember_csrf(ctx: Ctx, response: Response) -> None:
    """Set the CSRF cookie when the request came without one."""
    seed = getattr(ctx.request.state, "csrf_seed", None)
    if seed is not None:
        response.set_cookie(
            CSRF_COOKIE,
            seed,
            httponly=True,
            samesite="strict",
            secure=secure(ctx),
            path=ctx.web.root_path(ctx.request) or "/",
        )


def check_csrf(ctx: Ctx) -> None:
    """Refuse (403) a form without the right CSRF token."""
    from gazette.web.app import HttpError

    form = ctx.request.state.form
    sent = str(form.get("csrf") or "") if form is not None else ""
    seed = ctx.request.cookies.get(CSRF_COOKIE)
    if not sent or not seed or not hmac.compare_digest(sent, _mac(ctx, seed)):
        users.record(
            ctx.archive,
            ctx.user.name if ctx.user else "-",
            "web_csrf",
            ctx.request.url.path,
            "refused",
            client=client_address(ctx),
        )
        raise HttpError(403, "forbidden", "表单已失效或来源不明（CSRF），请刷新页面后重试")


def client_address(ctx: Ctx) -> str:
    client = ctx.request.client
    return client.host if client else "-"


# --- rate limiting ---------------------------------------------------------------------------


class RateLimiter:
    """Failed sign-ins per client address and per name within a sliding window, counted from
    the archive's log (so the limit holds across server processes)."""

    def __init__(self, attempts: int, window: float) -> None:
        self.attempts = attempts
        self.window = window

    def retry_after(self, ctx: Ctx, name: str) -> int:
        """Seconds until a sign-in may be tried (0: now)."""
        now = _dt.datetime.now(_dt.UTC)
        since = now - _dt.timedelta(seconds=self.window)
        by_client, by_name = users.login_failures(
            ctx.archive, name=name, client=client_address(ctx), since=since
        )
        wait = 0.0
        for failures in (by_client, by_name):
            if len(failures) >= self.attempts:
                oldest = failures[-self.attempts]
                wait = max(wait, (oldest - since).total_seconds())
        return int(wait) + 1 if wait > 0 else 0


__all__ = [
    "CSP",
    "CSRF_COOKIE",
    "SESSION_COOKIE",
    "HeadersMiddleware",
    "RateLimiter",
    "check_csrf",
    "clear_session",
    "client_address",
    "csrf_token",
    "current_user",
    "login_required",
    "remember_csrf",
    "require",
    "set_session",
]
