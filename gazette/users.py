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
from gazette.archive import codec, users_store
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
    return User(row["name"], row["role"], codec.to_datetime(row["created_at"]))


def get_user(archive: Archive, name: str) -> User | None:
    """The user called ``name``, or ``None``."""
    row = users_store.user_row(archive, name)
    return _user(row) if row else None


def list_users(archive: Archive) -> list[User]:
    """Every user, by name."""
    return [_user(r) for r in users_store.user_rows(archive)]


_log = users_store.log


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
    stamp = codec.now()
    if not users_store.insert_user(
        archive, name, role.value, hashed, stamp, actor=by or archive.actor
    ):
        raise InvalidArgument(f"用户“{name}”已存在")
    return User(name, role, codec.to_datetime(stamp))


def set_password(archive: Archive, name: str, password: str, *, by: str | None = None) -> None:
    """Change a user's password; their sessions end.

    Raises:
        InvalidArgument: no such user, or a bad password.
    """
    hashed = _hasher().hash(check_password(password))
    if not users_store.change_password(
        archive, name, hashed, actor=by or archive.actor, end_sessions=True
    ):
        raise InvalidArgument(f"没有用户“{name}”")


def remove_user(archive: Archive, name: str, *, by: str | None = None) -> None:
    """Remove a user with their tokens and sessions.

    Raises:
        InvalidArgument: no such user.
    """
    if not users_store.delete_user(archive, name, actor=by or archive.actor):
        raise InvalidArgument(f"没有用户“{name}”")


def authenticate(
    archive: Archive, name: str, password: str, *, client: str | None = None
) -> User | None:
    """The user when the password is theirs, else ``None``; the attempt is logged either way.

    An unknown name costs as much time as a wrong password (a hash is checked either way).
    """
    hasher = _hasher()
    from argon2.exceptions import InvalidHashError, VerificationError

    row = users_store.user_row(archive, name)
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
        users_store.change_password(
            archive, name, hasher.hash(password), actor=None, end_sessions=False
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
    if not users_store.insert_token(
        archive, name, _digest(token), label, actor=by or archive.actor
    ):
        raise InvalidArgument(f"没有用户“{name}”")
    return token


def user_for_token(archive: Archive, token: str) -> User | None:
    """The user an API token belongs to, or ``None``."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = users_store.token_user(archive, _digest(token))
    return _user(row) if row else None


def revoke_tokens(archive: Archive, name: str, *, by: str | None = None) -> int:
    """Revoke every API token of a user; returns how many there were."""
    return users_store.delete_tokens(archive, name, actor=by or archive.actor)


def token_counts(archive: Archive) -> dict[str, int]:
    """How many API tokens each user holds."""
    return users_store.token_counts(archive)


# --- sessions -----------------------------------------------------------------------------------


def start_session(archive: Archive, name: str, *, days: int = SESSION_DAYS) -> str:
    """A new session id for a signed-in user (the archive keeps only its digest)."""
    session_id = secrets.token_urlsafe(32)
    now = _dt.datetime.now(_dt.UTC)
    users_store.insert_session(
        archive,
        _digest(session_id),
        name,
        now.isoformat(timespec="seconds"),
        (now + _dt.timedelta(days=days)).isoformat(timespec="seconds"),
    )
    return session_id


def user_for_session(archive: Archive, session_id: str) -> User | None:
    """The user of a live session, or ``None`` (ended, expired, or the user removed)."""
    row = users_store.session_user(archive, _digest(session_id), codec.now())
    return _user(row) if row else None


def end_session(archive: Archive, session_id: str) -> None:
    """End a session (sign out)."""
    users_store.delete_session(archive, _digest(session_id))


def session_secret(archive: Archive) -> str:
    """The key that signs session cookies, made on first use and kept in the catalog."""
    return users_store.secret(archive, _SECRET_KEY)


def login_failures(
    archive: Archive, *, name: str, client: str, since: _dt.datetime
) -> tuple[list[_dt.datetime], list[_dt.datetime]]:
    """Failed sign-ins since ``since`` from the log: those from ``client`` (any name), and
    those for ``name`` after its last successful sign-in. Every server process writes the
    same log, so limits hold across processes."""
    rows = users_store.login_rows(archive, since.astimezone(_dt.UTC).isoformat(timespec="seconds"))
    by_client: list[_dt.datetime] = []
    by_name: list[_dt.datetime] = []
    for row in rows:
        stamp = codec.to_datetime(row["at"])
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
