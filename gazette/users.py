"""People who sign in to the archive's web application: users, roles, API tokens, sessions.

A user has a role (:class:`Role`): ``reader`` sees the internal view, ``archivist`` also sets
disclosure attributes and interpretation links, ``admin`` also manages users. Passwords are
kept as Argon2id hashes (``argon2-cffi``, in the ``[web]`` extra); API tokens and session ids
are random and kept only as their SHA-256 digests, so the catalog never holds a secret that
would let its reader sign in. The key that signs session cookies is kept in the catalog's
``meta`` table (:func:`session_secret`).

Every change and every sign-in, successful or not, is written to the archive's log with the
user's name as the actor.
"""

from __future__ import annotations

import datetime as _dt
import enum
import hashlib
import re
import secrets
from typing import TYPE_CHECKING, Any

import attrs

from gazette import wording
from gazette.archive import tables
from gazette.errors import InvalidArgument, MissingDependency
from gazette.wording import os_error

if TYPE_CHECKING:
    from gazette.archive import Archive

TOKEN_PREFIX = "gz_"
MIN_PASSWORD = 8
SESSION_DAYS = 14
_NAME = re.compile(r"[^\s/\\:]{1,64}")
_SECRET_KEY = "web.session_secret"


class Role(enum.StrEnum):
    """What a signed-in user may do (each role can do what the ones before it can)."""

    READER = "reader"  # sees the internal view
    ARCHIVIST = "archivist"  # also sets disclosure attributes and interpretation links
    ADMIN = "admin"  # also manages users

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role | str) -> bool:
        """Whether this role may do what ``needed`` may."""
        return self.rank >= Role(needed).rank

    @property
    def label(self) -> str:
        return wording.ROLE[self.value]


@attrs.frozen
class User:
    """A user of the web application (never carries the password or its hash)."""

    name: str
    role: Role = attrs.field(converter=Role)
    created_at: _dt.datetime | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role.value,
            "created_at": self.created_at.isoformat() if self.created_at else None,
        }


def _hasher() -> Any:
    try:
        from argon2 import PasswordHasher
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependency("密码哈希", "argon2-cffi", "web") from exc
    return PasswordHasher()


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_name(name: str) -> str:
    """A user name, checked: 1 to 64 characters, no spaces, slashes or colons.

    Raises:
        InvalidArgument: the name is not acceptable.
    """
    name = (name or "").strip()
    if not _NAME.fullmatch(name):
        raise InvalidArgument(f"“{name}”不能用作用户名（1至64个字符，不含空格、斜杠和冒号）")
    return name


def check_password(password: str) -> str:
    """A password, checked (at least :data:`MIN_PASSWORD` characters).

    Raises:
        InvalidArgument: it is too short.
    """
    if len(password) < MIN_PASSWORD:
        raise InvalidArgument(f"密码至少需要{MIN_PASSWORD}个字符")
    return password


def read_password_file(path: str) -> str:
    """The password a file holds: its one line, without the trailing newline.

    Raises:
        InvalidArgument: the file cannot be read, or holds more than one line or nothing.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            data = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        why = "不是 UTF-8 文本" if isinstance(exc, UnicodeDecodeError) else os_error(exc)
        raise InvalidArgument(f"{path}：无法读取密码文件（{why}）") from exc
    if data.endswith("\r\n"):
        data = data[:-2]
    elif data.endswith("\n"):
        data = data[:-1]
    if "\n" in data or "\r" in data:
        raise InvalidArgument(f"{path}：密码文件只能有一行")
    if not data:
        raise InvalidArgument(f"{path}：密码文件是空的")
    return data


def _user(row: dict[str, Any]) -> User:
    return User(row["name"], row["role"], tables.to_datetime(row["created_at"]))


def get_user(archive: Archive, name: str) -> User | None:
    """The user called ``name``, or ``None``."""
    row = tables.fetch_one(archive.conn, "SELECT * FROM users WHERE name = ?", (name,))
    return _user(row) if row else None


def list_users(archive: Archive) -> list[User]:
    """Every user, by name."""
    return [_user(r) for r in tables.fetch_all(archive.conn, "SELECT * FROM users ORDER BY name")]


def _log(
    archive: Archive, actor: str, action: str, target: str, outcome: str, **detail: Any
) -> None:
    tables.append_log(
        archive.conn, actor=actor, action=action, target=target, outcome=outcome, detail=detail
    )


def add_user(
    archive: Archive, name: str, role: Role | str, password: str, *, by: str | None = None
) -> User:
    """Create a user.

    Raises:
        InvalidArgument: a bad name, role or password, or a user of that name exists.
    """
    name = check_name(name)
    try:
        role = Role(role)
    except ValueError:
        raise InvalidArgument(
            f"没有“{role}”这一角色", hint=f"可选：{'、'.join(r.value for r in Role)}"
        ) from None
    hashed = _hasher().hash(check_password(password))
    stamp = tables.now()
    with archive.transaction() as conn:
        if conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise InvalidArgument(f"用户“{name}”已存在")
        conn.execute(
            "INSERT INTO users(name, role, password_hash, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (name, role.value, hashed, stamp, stamp),
        )
        _log(archive, by or archive.actor, "user_add", name, "added", role=role.value)
    return User(name, role, tables.to_datetime(stamp))


def set_password(archive: Archive, name: str, password: str, *, by: str | None = None) -> None:
    """Change a user's password; their sessions end.

    Raises:
        InvalidArgument: no such user, or a bad password.
    """
    hashed = _hasher().hash(check_password(password))
    with archive.transaction() as conn:
        cur = conn.execute(
            "UPDATE users SET password_hash = ?, updated_at = ? WHERE name = ?",
            (hashed, tables.now(), name),
        )
        if cur.rowcount == 0:
            raise InvalidArgument(f"没有用户“{name}”")
        conn.execute("DELETE FROM sessions WHERE user_name = ?", (name,))
        _log(archive, by or archive.actor, "user_password", name, "changed")


def remove_user(archive: Archive, name: str, *, by: str | None = None) -> None:
    """Remove a user with their tokens and sessions.

    Raises:
        InvalidArgument: no such user.
    """
    with archive.transaction() as conn:
        if get_user(archive, name) is None:
            raise InvalidArgument(f"没有用户“{name}”")
        conn.execute("DELETE FROM users WHERE name = ?", (name,))
        _log(archive, by or archive.actor, "user_remove", name, "removed")


def authenticate(
    archive: Archive, name: str, password: str, *, client: str | None = None
) -> User | None:
    """The user when the password is theirs, else ``None``; the attempt is logged either way.

    An unknown name costs as much time as a wrong password (a hash is checked either way).
    """
    hasher = _hasher()
    from argon2.exceptions import InvalidHashError, VerificationError

    row = tables.fetch_one(archive.conn, "SELECT * FROM users WHERE name = ?", (name,))
    stored = row["password_hash"] if row else _DUMMY.get(hasher)
    try:
        hasher.verify(stored, password)
        ok = row is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or row is None:
        _log(archive, name or "-", "login", name or "-", "failed", client=client)
        return None
    if hasher.check_needs_rehash(stored):
        with archive.transaction() as conn:
            conn.execute(
                "UPDATE users SET password_hash = ? WHERE name = ?", (hasher.hash(password), name)
            )
    _log(archive, name, "login", name, "ok", client=client)
    return _user(row)


class _Dummy:
    """A hash to verify against when the name is unknown (made once, lazily)."""

    value: str | None = None

    def get(self, hasher: Any) -> str:
        if self.value is None:
            self.value = hasher.hash(secrets.token_urlsafe(16))
        return self.value


_DUMMY = _Dummy()


# --- API tokens ---------------------------------------------------------------------------------


def issue_token(
    archive: Archive, name: str, *, label: str | None = None, by: str | None = None
) -> str:
    """A new API token for a user (shown once; the archive keeps only its digest).

    Raises:
        InvalidArgument: no such user.
    """
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with archive.transaction() as conn:
        if get_user(archive, name) is None:
            raise InvalidArgument(f"没有用户“{name}”")
        cur = conn.execute(
            "INSERT INTO api_tokens(user_name, token_hash, label, created_at) VALUES (?, ?, ?, ?)",
            (name, _digest(token), label, tables.now()),
        )
        _log(archive, by or archive.actor, "token_issue", name, "issued", token_id=cur.lastrowid)
    return token


def user_for_token(archive: Archive, token: str) -> User | None:
    """The user an API token belongs to, or ``None``."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = tables.fetch_one(
        archive.conn,
        "SELECT u.* FROM api_tokens t JOIN users u ON u.name = t.user_name WHERE t.token_hash = ?",
        (_digest(token),),
    )
    return _user(row) if row else None


def revoke_tokens(archive: Archive, name: str, *, by: str | None = None) -> int:
    """Revoke every API token of a user; returns how many there were."""
    with archive.transaction() as conn:
        count = conn.execute("DELETE FROM api_tokens WHERE user_name = ?", (name,)).rowcount
        _log(archive, by or archive.actor, "token_revoke", name, "revoked", tokens=count)
    return int(count)


def token_counts(archive: Archive) -> dict[str, int]:
    """How many API tokens each user holds."""
    rows = archive.conn.execute(
        "SELECT user_name, COUNT(*) FROM api_tokens GROUP BY user_name"
    ).fetchall()
    return {name: int(n) for name, n in rows}


# --- sessions -----------------------------------------------------------------------------------


def start_session(archive: Archive, name: str, *, days: int = SESSION_DAYS) -> str:
    """A new session id for a signed-in user (the archive keeps only its digest)."""
    session_id = secrets.token_urlsafe(32)
    now = _dt.datetime.now(_dt.UTC)
    with archive.transaction() as conn:
        conn.execute("DELETE FROM sessions WHERE expires_at < ?", (now.isoformat(),))
        conn.execute(
            "INSERT INTO sessions(id_hash, user_name, created_at, expires_at) VALUES (?, ?, ?, ?)",
            (
                _digest(session_id),
                name,
                now.isoformat(timespec="seconds"),
                (now + _dt.timedelta(days=days)).isoformat(timespec="seconds"),
            ),
        )
    return session_id


def user_for_session(archive: Archive, session_id: str) -> User | None:
    """The user of a live session, or ``None`` (ended, expired, or the user removed)."""
    row = tables.fetch_one(
        archive.conn,
        "SELECT u.* FROM sessions s JOIN users u ON u.name = s.user_name"
        " WHERE s.id_hash = ? AND s.expires_at > ?",
        (_digest(session_id), tables.now()),
    )
    return _user(row) if row else None


def end_session(archive: Archive, session_id: str) -> None:
    """End a session (sign out)."""
    with archive.transaction() as conn:
        row = conn.execute(
            "SELECT user_name FROM sessions WHERE id_hash = ?", (_digest(session_id),)
        ).fetchone()
        conn.execute("DELETE FROM sessions WHERE id_hash = ?", (_digest(session_id),))
        if row is not None:
            _log(archive, row[0], "logout", row[0], "ok")


def session_secret(archive: Archive) -> str:
    """The key that signs session cookies, made on first use and kept in the catalog."""
    row = archive.conn.execute("SELECT value FROM meta WHERE key = ?", (_SECRET_KEY,)).fetchone()
    if row is not None:
        return str(row[0])
    with archive.transaction() as conn:
        conn.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)",
            (_SECRET_KEY, secrets.token_urlsafe(48)),
        )
        value = conn.execute("SELECT value FROM meta WHERE key = ?", (_SECRET_KEY,)).fetchone()
    return str(value[0])


def login_failures(
    archive: Archive, *, name: str, client: str, since: _dt.datetime
) -> tuple[list[_dt.datetime], list[_dt.datetime]]:
    """Failed sign-ins since ``since`` from the log: those from ``client`` (any name), and
    those for ``name`` after its last successful sign-in. Every server process writes the
    same log, so limits hold across processes."""
    rows = tables.fetch_all(
        archive.conn,
        "SELECT at, target, outcome, detail FROM log WHERE action = 'login' AND at >= ?"
        " ORDER BY id",
        (since.astimezone(_dt.UTC).isoformat(timespec="seconds"),),
    )
    by_client: list[_dt.datetime] = []
    by_name: list[_dt.datetime] = []
    for row in rows:
        stamp = tables.to_datetime(row["at"])
        assert stamp is not None
        if row["outcome"] == "ok" and row["target"] == name:
            by_name.clear()
        if row["outcome"] != "failed":
            continue
        if row["target"] == name:
            by_name.append(stamp)
        if client and f'"client":"{client}"' in row["detail"]:
            by_client.append(stamp)
    return by_client, by_name


def record(
    archive: Archive, actor: str, action: str, target: str, outcome: str, **detail: Any
) -> None:
    """Write one entry to the archive's log with ``actor`` as who acted (an internal read, a
    refused request)."""
    _log(archive, actor, action, target, outcome, **detail)


__all__ = [
    "Role",
    "User",
    "add_user",
    "authenticate",
    "check_name",
    "check_password",
    "end_session",
    "get_user",
    "issue_token",
    "list_users",
    "login_failures",
    "read_password_file",
    "record",
    "remove_user",
    "revoke_tokens",
    "session_secret",
    "set_password",
    "start_session",
    "token_counts",
    "user_for_session",
    "user_for_token",
]
