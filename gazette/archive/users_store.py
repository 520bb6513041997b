"""Where :mod:`gazette.users` keeps users, API tokens, sessions and the session key: the
catalog's ``users``, ``api_tokens``, ``sessions`` and ``meta`` tables, and the log.

Rows go in and out as dicts of the table's columns; passwords, tokens and session ids arrive
already hashed (the catalog never holds a secret). Each write is one transaction with its log
entry.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from gazette.archive import codec, reads, tables

if TYPE_CHECKING:
    from gazette.archive.archive import Archive


def log(
    archive: Archive, actor: str, action: str, target: str, outcome: str, **detail: Any
) -> None:
    """Append one entry to the log with ``actor`` as who acted."""
    tables.append_log(
        archive.conn, actor=actor, action=action, target=target, outcome=outcome, detail=detail
    )


def user_row(archive: Archive, name: str) -> dict[str, Any] | None:
    """The ``users`` row of ``name``."""
    return reads.fetch_one(archive.conn, "SELECT * FROM users WHERE name = ?", (name,))


def user_rows(archive: Archive) -> list[dict[str, Any]]:
    """Every ``users`` row, by name."""
    return reads.fetch_all(archive.conn, "SELECT * FROM users ORDER BY name")


def insert_user(
    archive: Archive, name: str, role: str, password_hash: str, stamp: str, *, actor: str
) -> bool:
    """Add a user (logged); ``False`` when one of that name exists (nothing written)."""
    with archive.transaction() as conn:
        if conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            return False
        conn.execute(
            "INSERT INTO users(name, role, password_hash, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (name, role, password_hash, stamp, stamp),
        )
        log(archive, actor, "user_add", name, "added", role=role)
    return True


def change_password(
    archive: Archive, name: str, password_hash: str, *, actor: str | None, end_sessions: bool
) -> bool:
    """Replace a user's password hash (logged when ``actor`` is given) and end their sessions
    if told; ``False`` when there is no such user."""
    with archive.transaction() as conn:
        cur = conn.execute(
            "UPDATE users SET password_hash = ?, updated_at = ? WHERE name = ?",
            (password_hash, codec.now(), name),
        )
        if cur.rowcount == 0:
            return False
        if end_sessions:
            conn.execute("DELETE FROM sessions WHERE user_name = ?", (name,))
        if actor is not None:
            log(archive, actor, "user_password", name, "changed")
    return True


def delete_user(archive: Archive, name: str, *, actor: str) -> bool:
    """Remove a user with their tokens and sessions (logged); ``False``: no such user."""
    with archive.transaction() as conn:
        if user_row(archive, name) is None:
            return False
        conn.execute("DELETE FROM users WHERE name = ?", (name,))
        log(archive, actor, "user_remove", name, "removed")
    return True


def insert_token(
    archive: Archive, name: str, token_hash: str, label: str | None, *, actor: str
) -> bool:
    """Keep a new API token's digest (logged); ``False``: no such user."""
    with archive.transaction() as conn:
        if user_row(archive, name) is None:
            return False
        cur = conn.execute(
            "INSERT INTO api_tokens(user_name, token_hash, label, created_at) VALUES (?, ?, ?, ?)",
            (name, token_hash, label, codec.now()),
        )
        log(archive, actor, "token_issue", name, "issued", token_id=cur.lastrowid)
    return True


def token_user(archive: Archive, token_hash: str) -> dict[str, Any] | None:
    """The ``users`` row of the token with this digest."""
    return reads.fetch_one(
        archive.conn,
        "SELECT u.* FROM api_tokens t JOIN users u ON u.name = t.user_name WHERE t.token_hash = ?",
        (token_hash,),
    )


def delete_tokens(archive: Archive, name: str, *, actor: str) -> int:
    """Remove every API token of a user (logged); returns how many there were."""
    with archive.transaction() as conn:
        count = conn.execute("DELETE FROM api_tokens WHERE user_name = ?", (name,)).rowcount
        log(archive, actor, "token_revoke", name, "revoked", tokens=count)
    return int(count)


def token_counts(archive: Archive) -> dict[str, int]:
    """How many API tokens each user holds."""
    rows = archive.conn.execute(
        "SELECT user_name, COUNT(*) FROM api_tokens GROUP BY user_name"
    ).fetchall()
    return {name: int(n) for name, n in rows}


def insert_session(
    archive: Archive, id_hash: str, name: str, created_at: str, expires_at: str
) -> None:
    """Keep a new session's digest, dropping sessions that expired before ``created_at``."""
    with archive.transaction() as conn:
        conn.execute("DELETE FROM sessions WHERE expires_at < ?", (created_at,))
        conn.execute(
            "INSERT INTO sessions(id_hash, user_name, created_at, expires_at) VALUES (?, ?, ?, ?)",
            (id_hash, name, created_at, expires_at),
        )


def session_user(archive: Archive, id_hash: str, now: str) -> dict[str, Any] | None:
    """The ``users`` row of the session with this digest, if it lasts past ``now``."""
    return reads.fetch_one(
        archive.conn,
        "SELECT u.* FROM sessions s JOIN users u ON u.name = s.user_name"
        " WHERE s.id_hash = ? AND s.expires_at > ?",
        (id_hash, now),
    )


def delete_session(archive: Archive, id_hash: str) -> str | None:
    """End a session (its user's sign-out is logged); returns the user's name, if any."""
    with archive.transaction() as conn:
        row = conn.execute(
            "SELECT user_name FROM sessions WHERE id_hash = ?", (id_hash,)
        ).fetchone()
        conn.execute("DELETE FROM sessions WHERE id_hash = ?", (id_hash,))
        if row is not None:
            log(archive, row[0], "logout", row[0], "ok")
    return None if row is None else str(row[0])


def secret(archive: Archive, key: str) -> str:
    """The value of a ``meta`` key holding a random secret, made on first use."""
    row = archive.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    if row is not None:
        return str(row[0])
    with archive.transaction() as conn:
        conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (key, secrets.token_urlsafe(48)),
        )
        value = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return str(value[0])


def login_rows(archive: Archive, since: str) -> list[dict[str, Any]]:
    """The log's sign-in entries at or after ``since``, oldest first."""
    return reads.fetch_all(
        archive.conn,
        "SELECT at, target, outcome, detail FROM log WHERE action = 'login' AND at >= ?"
        " ORDER BY id",
        (since,),
    )


__all__ = [
    "change_password",
    "delete_session",
    "delete_tokens",
    "delete_user",
    "insert_session",
    "insert_token",
    "insert_user",
    "log",
    "login_rows",
    "secret",
    "session_user",
    "token_counts",
    "token_user",
    "user_row",
    "user_rows",
]
