"""Users, roles, API tokens and sessions (gazette.users), and ``gazette users``."""

from __future__ import annotations

import pytest

from gazette import users
from gazette.errors import InvalidArgument

pytest.importorskip("argon2", reason="password hashing needs the [web] extra (argon2-cffi)")


def test_roles_include_the_ones_below():
    assert users.Role.ADMIN.allows("archivist") and users.Role.ADMIN.allows("reader")
    assert users.Role.ARCHIVIST.allows("reader") and not users.Role.ARCHIVIST.allows("admin")
    assert not users.Role.READER.allows("archivist")


def test_passwords_are_hashed_and_checked(archive):
    users.add_user(archive, "alice", "archivist", "a long password")
    stored = archive.conn.execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and "a long password" not in stored
    assert users.authenticate(archive, "alice", "a long password").role == users.Role.ARCHIVIST
    assert users.authenticate(archive, "alice", "a long passwore") is None
    assert users.authenticate(archive, "nobody", "a long password") is None
    log = archive.conn.execute("SELECT actor, action, outcome FROM log WHERE action = 'login'")
    assert list(log) == [
        ("alice", "login", "ok"),
        ("alice", "login", "failed"),
        ("nobody", "login", "failed"),
    ]


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("bad name", "reader", "long enough", "不能用作用户名"),
        ("a/b", "reader", "long enough", "不能用作用户名"),
        ("bob", "boss", "long enough", "这一角色"),
        ("bob", "reader", "short", "至少需要8个字符"),
    ],
    ids=["space", "slash", "role", "short-password"],
)
def test_bad_users_are_refused(archive, name, role, password, message):
    with pytest.raises(InvalidArgument, match=message):
        users.add_user(archive, name, role, password)
    assert users.list_users(archive) == []


def test_tokens_are_stored_as_digests_and_revocable(archive):
    users.add_user(archive, "bot", "reader", "a long password")
    token = users.issue_token(archive, "bot", label="nightly")
    assert token.startswith("gz_")
    assert token not in str(archive.conn.execute("SELECT * FROM api_tokens").fetchall())
    assert users.user_for_token(archive, token).name == "bot"
    assert users.user_for_token(archive, token + "x") is None
    assert users.revoke_tokens(archive, "bot") == 1
    assert users.user_for_token(archive, token) is None


def test_sessions_end_on_logout_password_change_and_removal(archive):
    users.add_user(archive, "carol", "admin", "a long password")
    one = users.start_session(archive, "carol")
    two = users.start_session(archive, "carol")
    assert users.user_for_session(archive, one).name == "carol"
    users.end_session(archive, one)
    assert users.user_for_session(archive, one) is None
    assert users.user_for_session(archive, two) is not None
    users.set_password(archive, "carol", "another long one")
    assert users.user_for_session(archive, two) is None
    three = users.start_session(archive, "carol")
    token = users.issue_token(archive, "carol")
    users.remove_user(archive, "carol")
    assert users.user_for_session(archive, three) is None
    assert users.user_for_token(archive, token) is None


def test_the_session_secret_is_kept(archive):
    first = users.session_secret(archive)
    assert len(first) >= 40 and users.session_secret(archive) == first


@pytest.mark.parametrize(
    ("content", "password"),
    [
        ("secret-pass\n", "secret-pass"),
        ("secret-pass\r\n", "secret-pass"),
        ("secret-pass", "secret-pass"),
        (" spaced pass \n", " spaced pass "),
    ],
    ids=["newline", "crlf", "no-newline", "spaces-kept"],
)
def test_password_file_holds_one_line(tmp_path, content, password):
    path = tmp_path / "pw"
    path.write_bytes(content.encode())
    assert users.read_password_file(str(path)) == password


@pytest.mark.parametrize("content", ["", "\n", "one\ntwo\n"], ids=["empty", "blank", "two-lines"])
def test_bad_password_files_are_refused(tmp_path, content):
    path = tmp_path / "pw"
    path.write_text(content)
    with pytest.raises(InvalidArgument, match=str(path)):
        users.read_password_file(str(path))


def test_users_command_line(run, tmp_path):
    password = tmp_path / "pw"
    password.write_text("correct horse\n")
    run("ingest", str(tmp_path / "nothing"), expect=None)
    added = run.json(
        "users", "add", "dora", "--role", "archivist", "--password-file", str(password)
    )
    assert added["name"] == "dora" and added["role"] == "archivist"
    token = run("users", "token", "dora").stdout.strip()
    assert token.startswith("gz_")
    listed = run.json("users", "list")
    assert listed == [{**added, "tokens": 1}]
    again = run(
        "users", "add", "dora", "--role", "reader", "--password-file", str(password), expect=1
    )
    assert "已存在" in again.stderr and "Traceback" not in again.output
    missing = run(
        "users",
        "add",
        "eve",
        "--role",
        "reader",
        "--password-file",
        str(tmp_path / "none"),
        expect=1,
    )
    assert "无法读取密码文件" in missing.stderr
    assert (
        run(
            "users", "add", "eve", "--role", "boss", "--password-file", str(password), expect=2
        ).exit_code
        == 2
    )
    run("users", "remove", "dora")
    assert run.json("users", "list") == []
