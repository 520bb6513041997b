"""``gazette serve`` (the web application) and ``gazette users`` (who may sign in to it)."""

from __future__ import annotations

import click

from gazette import users
from gazette.cli.common import Context, emit_json, json_option


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0 picks a free one; the URL printed has it).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Server processes (one per core serves concurrent readers best).",
)
@click.option("--title", default=None, help="The site's name (default: 政府公文与公报档案).")
@click.option(
    "--readers",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="Archives each server process keeps open for concurrent requests.",
)
@click.option(
    "--proxy-headers",
    is_flag=True,
    help="Trust X-Forwarded-For/-Proto from --forwarded-allow-ips (behind a reverse proxy).",
)
@click.option(
    "--forwarded-allow-ips",
    default="127.0.0.1",
    show_default=True,
    help="Proxies whose forwarded headers are trusted (comma-separated, or *).",
)
@click.option(
    "--root-path", default="", help="The path the proxy serves the site under (/archive)."
)
@click.pass_obj
def serve(
    obj: Context,
    host: str,
    port: int,
    workers: int,
    title: str | None,
    readers: int,
    proxy_headers: bool,
    forwarded_allow_ips: str,
    root_path: str,
) -> None:
    """Serve the archive on the web until interrupted (Ctrl-C); prints its URL.

    Without login every page is the public view; staff sign in (see `gazette users`) for the
    internal view and the review queue. Needs the [web] extra.
    """
    from gazette.web import serve as run

    archive = obj.archive()
    path = archive.root
    options = {"readers": readers}
    if title:
        options["title"] = title  # type: ignore[assignment]
    run(
        path,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips if proxy_headers else None,
        root_path=root_path.rstrip("/"),
        announce=lambda url: click.echo(f"正在提供 {path}，地址 {url}（按 Ctrl-C 停止）"),
        **options,
    )


@click.group("users")
def users_group() -> None:
    """People who may sign in to the web application, and their API tokens."""


@users_group.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice([r.value for r in users.Role]),
    required=True,
    help="reader sees the internal view; archivist also sets disclosure attributes and"
    " interpretation links; admin also manages users.",
)
@click.option(
    "--password-file",
    type=click.Path(dir_okay=False),
    required=True,
    help="A file holding the password on one line (the trailing newline is not part of it).",
)
@json_option
@click.pass_obj
def users_add(obj: Context, name: str, role: str, password_file: str, as_json: bool) -> None:
    """Add a user NAME with a role and a password."""
    password = users.read_password_file(password_file)
    user = users.add_user(obj.archive(create=True), name, role, password)
    if as_json:
        emit_json(user.as_json())
        return
    click.echo(f"已添加用户 {user.name}（{user.role.label}）")


@users_group.command("password")
@click.argument("name")
@click.option("--password-file", type=click.Path(dir_okay=False), required=True)
@click.pass_obj
def users_password(obj: Context, name: str, password_file: str) -> None:
    """Change the password of NAME (their sessions end)."""
    users.set_password(obj.archive(), name, users.read_password_file(password_file))
    click.echo(f"已修改 {name} 的密码")


@users_group.command("token")
@click.argument("name")
@click.option("--label", default=None, help="What the token is for (kept with it).")
@click.option("--revoke", is_flag=True, help="Revoke every token of NAME instead.")
@json_option
@click.pass_obj
def users_token(obj: Context, name: str, label: str | None, revoke: bool, as_json: bool) -> None:
    """Print a new API token for NAME (for `Authorization: Bearer …`; shown only once)."""
    archive = obj.archive()
    if revoke:
        count = users.revoke_tokens(archive, name)
        if as_json:
            emit_json({"name": name, "revoked": count})
        else:
            click.echo(f"已吊销 {name} 的{count}个令牌")
        return
    token = users.issue_token(archive, name, label=label)
    if as_json:
        emit_json({"name": name, "token": token})
        return
    click.echo(token)


@users_group.command("list")
@json_option
@click.pass_obj
def users_list(obj: Context, as_json: bool) -> None:
    """List users with their roles and how many API tokens they hold."""
    archive = obj.archive()
    found = users.list_users(archive)
    tokens = users.token_counts(archive)
    if as_json:
        emit_json([{**u.as_json(), "tokens": tokens.get(u.name, 0)} for u in found])
        return
    if not found:
        click.echo("没有用户")
    for user in found:
        created = user.created_at.date().isoformat() if user.created_at else "-"
        click.echo(f"{user.name:<20} {user.role.label}  {created}  令牌 {tokens.get(user.name, 0)}")


@users_group.command("remove")
@click.argument("name")
@click.pass_obj
def users_remove(obj: Context, name: str) -> None:
    """Remove NAME with their tokens and sessions."""
    users.remove_user(obj.archive(), name)
    click.echo(f"已删除用户 {name}")


def register(group: click.Group) -> None:
    group.add_command(serve)
    group.add_command(users_group)
