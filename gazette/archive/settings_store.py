"""Where the archive's settings (:mod:`gazette.settings`) are kept: ``setting.<name>`` rows of
the catalog's ``meta`` table, JSON values."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from gazette.settings import SETTINGS, declared

_PREFIX = "setting."


def load(conn: sqlite3.Connection) -> dict[str, Any]:
    """Every declared setting with its value (the default when unset)."""
    values = {name: setting.default for name, setting in SETTINGS.items()}
    for key, raw in conn.execute(
        "SELECT key, value FROM meta WHERE key LIKE ?", (_PREFIX + "%",)
    ).fetchall():
        name = key[len(_PREFIX) :]
        if name in SETTINGS:
            values[name] = json.loads(raw)
    return values


def store(conn: sqlite3.Connection, name: str, value: Any) -> None:
    """Write one setting (``None`` removes it, back to the default).

    Raises:
        InvalidArgument: no setting has that name.
    """
    declared(name)
    if value is None:
        conn.execute("DELETE FROM meta WHERE key = ?", (_PREFIX + name,))
        return
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?, ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (_PREFIX + name, json.dumps(value, ensure_ascii=False)),
    )
