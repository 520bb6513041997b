"""Pages for staff: signing in and out, the review queue with its form to set a disclosure
attribute, linking interpretations, and (for admins) users."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.responses import RedirectResponse, Response

from gazette import reports, users, wording
from gazette.errors import GazetteError, InvalidArgument
from gazette.model import DisclosureAttribute, Ground, InterpretationForm
from gazette.users import Role
from gazette.web import security
from gazette.web.app import Ctx, HttpError

ATTRIBUTES = [a for a in DisclosureAttribute if a != DisclosureAttribute.UNKNOWN]
FORMS = dict(wording.INTERPRETATION_FORM)


def _form(ctx: Ctx, name: str) -> str:
    form = ctx.request.state.form
    value = form.get(name) if form is not None else None
    return str(value).strip() if isinstance(value, str) else ""


def _local(target: str, root: str) -> str:
    """Where to go after signing in: a path of this site only."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return root + "/"
    return target if target.startswith(root) else root + target


def _redirect(ctx: Ctx, location: str) -> Response:
    response = RedirectResponse(location, status_code=303)
    security.remember_csrf(ctx, response)
    return response


# --- signing in and out -------------------------------------------------------------------


def login_form(ctx: Ctx) -> Response:
    return ctx.render("login.html", title="登录", next=ctx.param("next") or "/", message=None)


def login(ctx: Ctx) -> Response:
    security.check_csrf(ctx)
    name = _form(ctx, "name")
    password = ctx.request.state.form.get("password") or ""
    target = _form(ctx, "next") or "/"
    client = security.client_address(ctx)
    wait = ctx.web.limiter.retry_after(ctx, name)
    if wait:
        users.record(ctx.archive, name or "-", "login", name or "-", "rate_limited", client=client)
        response = ctx.render(
            "login.html",
            http_status=429,
            title="登录",
            next=target,
            message=f"登录失败次数过多，请{wait}秒后再试",
        )
        response.headers["Retry-After"] = str(wait)
        return response
    user = users.authenticate(ctx.archive, name, str(password), client=client)
    if user is None:
        return ctx.render(
            "login.html", http_status=401, title="登录", next=target, message="用户名或密码错误"
        )
    session_id = users.start_session(ctx.archive, user.name)
    response = _redirect(ctx, _local(target, ctx.web.root_path(ctx.request)))
    security.set_session(ctx, response, session_id)
    return response


def logout(ctx: Ctx) -> Response:
    security.check_csrf(ctx)
    session_id = security.current_session(ctx)
    if session_id:
        users.end_session(ctx.archive, session_id)
    response = _redirect(ctx, ctx.web.root_path(ctx.request) + "/")
    security.clear_session(ctx, response)
    return response


# --- the review queue -----------------------------------------------------------------------


def review(ctx: Ctx, message: str | None = None, status: int = 200) -> Response:
    security.require(ctx, Role.ARCHIVIST)
    report = reports.disclosure(ctx.archive.internal)
    return ctx.render(
        "review.html",
        http_status=status,
        title="公开属性审核",
        report=report,
        attributes=ATTRIBUTES,
        grounds=list(Ground),
        message=message,
        done=ctx.param("done"),
    )


def set_disclosure(ctx: Ctx) -> Response:
    user = security.require(ctx, Role.ARCHIVIST)
    security.check_csrf(ctx)
    doc_id = ctx.request.path_params["doc_id"]
    form = ctx.request.state.form
    grounds = [str(g) for g in form.getlist("grounds")] if form is not None else []
    try:
        ctx.archive.set_disclosure(
            doc_id,
            _form(ctx, "attribute"),
            reason=_form(ctx, "reason") or None,
            grounds=grounds,
            basis=_form(ctx, "basis") or None,
            by=user.name,
        )
    except (InvalidArgument, ValueError) as exc:
        return review(ctx, message=f"{doc_id}：{exc}", status=400)
    back = _form(ctx, "back")
    if back == "document":
        return _redirect(ctx, ctx.url(f"/documents/{doc_id}", view="internal"))
    return _redirect(ctx, ctx.url("/review", done=doc_id))


def link_interpretation(ctx: Ctx) -> Response:
    user = security.require(ctx, Role.ARCHIVIST)
    security.check_csrf(ctx)
    doc_id = ctx.request.path_params["doc_id"]
    other = _form(ctx, "interpretation")
    form = _form(ctx, "form") or InterpretationForm.TEXT.value
    if form not in FORMS:
        raise HttpError(400, "bad_request", f"未知的解读形式 {form!r}")
    try:
        ctx.archive.link_interpretation(doc_id, other, form=form, by=user.name)
    except GazetteError as exc:
        raise HttpError(400, "bad_request", str(exc)) from exc
    return _redirect(ctx, ctx.url(f"/documents/{doc_id}", view="internal"))


# --- users ----------------------------------------------------------------------------------


def users_page(ctx: Ctx, message: str | None = None, token: str | None = None) -> Response:
    security.require(ctx, Role.ADMIN)
    return ctx.render(
        "users.html",
        title="用户管理",
        users=users.list_users(ctx.archive),
        tokens=users.token_counts(ctx.archive),
        roles=list(Role),
        message=message,
        token=token,
    )


def users_action(ctx: Ctx) -> Response:
    admin = security.require(ctx, Role.ADMIN)
    security.check_csrf(ctx)
    action = _form(ctx, "action")
    name = _form(ctx, "name")
    try:
        if action == "add":
            users.add_user(
                ctx.archive,
                name,
                _form(ctx, "role"),
                str(ctx.request.state.form.get("password") or ""),
                by=admin.name,
            )
            return users_page(ctx, message=f"已添加用户 {name}")
        if action == "remove":
            if name == admin.name:
                raise InvalidArgument("不能删除自己")
            users.remove_user(ctx.archive, name, by=admin.name)
            return users_page(ctx, message=f"已删除用户 {name}")
        if action == "token":
            token = users.issue_token(ctx.archive, name, by=admin.name)
            return users_page(ctx, message=f"{name} 的新令牌（只显示这一次）", token=token)
        if action == "revoke":
            count = users.revoke_tokens(ctx.archive, name, by=admin.name)
            return users_page(ctx, message=f"已撤销 {name} 的 {count} 个令牌")
    except InvalidArgument as exc:
        response = users_page(ctx, message=str(exc))
        response.status_code = 400
        return response
    raise HttpError(400, "bad_request", "未知操作")


ROUTES = [
    ("/login", ("GET",), login_form, "page"),
    ("/login", ("POST",), login, "page"),
    ("/logout", ("POST",), logout, "page"),
    ("/review", ("GET",), review, "page"),
    ("/documents/{doc_id}/disclosure", ("POST",), set_disclosure, "page"),
    ("/documents/{doc_id}/interpretations", ("POST",), link_interpretation, "page"),
    ("/users", ("GET",), users_page, "page"),
    ("/users", ("POST",), users_action, "page"),
]
