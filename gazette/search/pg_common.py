"""Bitmaps of the tokens most documents hold, kept in PostgreSQL beside the GIN index.

The SQLite engine's :mod:`~gazette.search.common_grams`, for the PostgreSQL engine, with the
same tokens, parts, invariant and choice (see there). Through GIN, the documents holding a
token that most documents hold are a long posting list, a visit of as many table rows, and as
many numbers sent to the client; the bitmap is a few ``bytea`` values. The documents a token's
bitmap covers are those whose title or body (``pub``) holds it; a token's document count,
which ranking needs, is its bitmap's.

Tokens are chosen from ``ts_stat`` over ``pub`` when the index first holds
``common_grams.MIN_DOCS`` documents, and again by ``optimize``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

from gazette.search import common_grams, docsets
from gazette.search.common_grams import PART
from gazette.search.common_grams import _join as _join_parts
from gazette.search.common_grams import _rows as _parts


def _nums(text: str | None) -> list[int]:
    return [int(n) for n in text.split(",")] if text else []


def listed(conn: Any, schema: str) -> frozenset[str]:
    """The common tokens (empty before they are chosen)."""
    row = conn.execute(f"SELECT value FROM {schema}.meta WHERE key = 'common_tokens'").fetchone()
    return frozenset(json.loads(row[0])) if row is not None else frozenset()


def chosen(conn: Any, schema: str) -> bool:
    """Whether the common tokens have been chosen."""
    row = conn.execute(f"SELECT value FROM {schema}.meta WHERE key = 'common_docs'").fetchone()
    return bool(row and int(row[0]))


def bits(conn: Any, schema: str, wanted: Sequence[str]) -> dict[str, int]:
    """The bitmaps of those of ``wanted`` that are common tokens (rare ones are absent)."""
    parts: dict[str, dict[int, bytes]] = {}
    for token, part, blob in conn.execute(
        f"SELECT token, part, bits FROM {schema}.common WHERE token = ANY(%s)", (list(wanted),)
    ).fetchall():
        parts.setdefault(token, {})[part] = bytes(blob)
    return {token: _join_parts(found) for token, found in parts.items()}


def reset(conn: Any, schema: str) -> None:
    """Forget the choice (a rebuild chooses again)."""
    conn.execute(f"DELETE FROM {schema}.common")
    _set_meta(conn, schema, {"common_docs": "0", "common_tokens": "[]"})


def choose(conn: Any, schema: str, doc_count: int) -> frozenset[str]:
    """Choose the common tokens from every document's ``pub`` and compute their bitmaps
    (inside the caller's transaction). Returns the tokens (none below ``MIN_DOCS``)."""
    reset(conn, schema)
    if doc_count < common_grams.MIN_DOCS:
        return frozenset()
    picked = [
        word
        for (word,) in conn.execute(
            f"SELECT word FROM ts_stat('SELECT pub FROM {schema}.fts')"
            " WHERE ndoc >= %s ORDER BY ndoc DESC, word LIMIT %s",
            (max(1, int(doc_count * common_grams.SHARE)), common_grams.LIMIT),
        ).fetchall()
    ]
    rows: list[tuple[str, int, bytes]] = []
    if picked:
        for token, found in conn.execute(
            f"SELECT lexeme, string_agg(num::text, ',') FROM {schema}.fts,"
            " unnest(tsvector_to_array(pub)) AS lexeme WHERE lexeme = ANY(%s) GROUP BY lexeme",
            (picked,),
        ).fetchall():
            rows.extend(_parts(token, docsets.from_ids(_nums(found)), 0))
    _write(conn, schema, rows, fresh=True)
    _set_meta(
        conn,
        schema,
        {
            "common_docs": str(doc_count),
            "common_tokens": json.dumps(picked, ensure_ascii=False),
        },
    )
    return frozenset(picked)


def disagreeing(conn: Any, schema: str, live: int, sample: int | None = None) -> list[str]:
    """Common tokens whose bitmap differs from GIN's answer among the live documents."""
    tokens = sorted(listed(conn, schema))
    if sample is not None and len(tokens) > sample:
        step = len(tokens) / sample
        tokens = [tokens[int(i * step)] for i in range(sample)]
    out = []
    for token in tokens:
        found = bits(conn, schema, [token]).get(token, 0) & live
        row = conn.execute(
            f"SELECT string_agg(num::text, ',') FROM {schema}.fts WHERE pub @@ %s::tsquery",
            ("'" + token + "'",),
        ).fetchone()
        nums = _nums(row[0])
        if found != ((docsets.from_ids(nums) & live) if nums else docsets.EMPTY):
            out.append(token)
    return out


def present(token_sets: Iterable[AbstractSet[str]], common: frozenset[str]) -> dict[str, int]:
    """Which documents of a batch hold each common token (bit ``i``: the ``i``-th set)."""
    out: dict[str, int] = {}
    get = out.get
    for i, held in enumerate(token_sets):
        bit = 1 << i
        for token in held & common if len(held) < len(common) else common & held:
            out[token] = get(token, 0) | bit
    return out


def _set_meta(conn: Any, schema: str, values: dict[str, str]) -> None:
    conn.cursor().executemany(
        f"INSERT INTO {schema}.meta(key, value) VALUES (%s, %s)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        list(values.items()),
    )


def _write(
    conn: Any, schema: str, rows: list[tuple[str, int, bytes]], *, fresh: bool = False
) -> None:
    """OR rows into the table (``fresh``: the table holds none of them yet)."""
    if not rows:
        return
    old: dict[tuple[str, int], bytes] = {}
    if not fresh:
        parts = sorted({part for _, part, _ in rows})
        for token, part, blob in conn.execute(
            f"SELECT token, part, bits FROM {schema}.common WHERE part = ANY(%s)", (parts,)
        ).fetchall():
            old[(token, part)] = bytes(blob)
    merged: dict[tuple[str, int], int] = {}
    for token, part, blob in rows:
        key = (token, part)
        value = merged.get(key)
        if value is None:
            value = int.from_bytes(old[key], "little") if key in old else 0
        merged[key] = value | int.from_bytes(blob, "little")
    size = PART // 8
    with conn.cursor() as cur:
        cur.executemany(
            f"INSERT INTO {schema}.common(token, part, bits) VALUES (%s, %s, %s)"
            " ON CONFLICT (part, token) DO UPDATE SET bits = excluded.bits",
            [(t, p, v.to_bytes(size, "little")) for (t, p), v in merged.items()],
        )


class Recorder(common_grams.Recorder):
    """:class:`common_grams.Recorder` writing to the PostgreSQL table."""

    def __init__(self, common: frozenset[str], schema: str) -> None:
        super().__init__(common)
        self.schema = schema

    def flush(self, conn: Any) -> None:
        if self._base < 0:
            return
        first_part = self._base // PART
        rows: list[tuple[str, int, bytes]] = []
        for token, value in self._bits.items():
            rows.extend(_parts(token, value, first_part))
        _write(conn, self.schema, rows)
        self._bits = {}
        self._base = -1
