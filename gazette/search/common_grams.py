"""Bitmaps of the tokens most documents contain, kept beside the FTS5 index.

A bigram such as ``规定`` or ``行政`` occurs in most documents of an archive of normative
documents. Asking FTS5 for every document holding it walks a posting list as long as the
collection (with every position in it) and hands back as many row numbers, which Python then
turns into a bitmap: about 80 ms at 100,000 documents for a query of common words, whatever
is cached. This table keeps the answer ready instead: for each *common* token, the bitmap of
the documents whose title or body holds it, in parts of :data:`PART` document numbers::

    common(token, part, bits)    bits: little-endian bitmap of numbers part*PART … part*PART+PART-1
    meta common_tokens           the tokens chosen (a JSON list); common_docs: documents then

A query's common tokens are then a few blob reads and ``&``; only its rarer tokens (short
posting lists) go to FTS5.

**Which tokens.** The tokens held by at least :data:`SHARE` of the documents (at most
:data:`LIMIT` of them), chosen from FTS5's vocabulary once the index holds
:data:`MIN_DOCS` documents, and chosen again by ``optimize``. A token that becomes common
later is matched through FTS5, which is slower but gives the same answer.

**Invariant.** A token that has rows here has the bit of *every* document holding it: the
choice computes the bitmaps of the documents already indexed, and every later insert sets the
bits of its document in the same transaction. Removed documents keep their bits; their
numbers are never reused and every search intersects with the live set.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

from gazette.search import docsets

PART = 1 << 14
_PART_BYTES = PART // 8
SHARE = 0.05
LIMIT = 8192
MIN_DOCS = 2000

SCHEMA = """
CREATE TABLE IF NOT EXISTS common (
    token TEXT NOT NULL,
    part  INTEGER NOT NULL,
    bits  BLOB NOT NULL,
    PRIMARY KEY (part, token)
) WITHOUT ROWID
"""


def quote(token: str) -> str:
    """A token as an FTS5 string."""
    return '"' + token.replace('"', '""') + '"'


def matched(conn: sqlite3.Connection, expr: str, within: Sequence[int] = ()) -> list[int]:
    """The row numbers FTS5 matches for an expression (only among ``within`` when given)."""
    if within:
        row = conn.execute(
            "SELECT group_concat(rowid) FROM fts WHERE fts MATCH ?"
            " AND rowid IN (SELECT value FROM json_each(?))",
            (expr, json.dumps(list(within))),
        ).fetchone()
    else:
        row = conn.execute(
            "SELECT group_concat(rowid) FROM fts WHERE fts MATCH ?", (expr,)
        ).fetchone()
    return json.loads(f"[{row[0]}]") if row[0] else []


def chosen(conn: sqlite3.Connection) -> bool:
    """Whether the common tokens have been chosen for this index."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'common_docs'").fetchone()
    return bool(row and int(row[0]))


def tokens(conn: sqlite3.Connection) -> frozenset[str]:
    """The common tokens (empty before they are chosen). Kept as a list in ``meta``: reading
    them from the bitmaps' table would read every bitmap."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'common_tokens'").fetchone()
    if row is not None:
        return frozenset(json.loads(row[0]))
    # Chosen before the list was kept: read it from the table once.
    return frozenset(t for (t,) in conn.execute("SELECT DISTINCT token FROM common"))


def listed(conn: sqlite3.Connection) -> frozenset[str]:
    """:func:`tokens`, keeping the list in ``meta`` when it is not there yet (call inside a
    write transaction)."""
    found = tokens(conn)
    if conn.execute("SELECT 1 FROM meta WHERE key = 'common_tokens'").fetchone() is None:
        conn.execute(
            "INSERT INTO meta(key, value) VALUES ('common_tokens', ?)",
            (json.dumps(sorted(found), ensure_ascii=False),),
        )
    return found


def bits(conn: sqlite3.Connection, wanted: Sequence[str]) -> dict[str, int]:
    """The bitmaps of those of ``wanted`` that are common tokens (rare ones are absent)."""
    parts: dict[str, dict[int, bytes]] = {}
    last = conn.execute("SELECT max(part) FROM common").fetchone()[0]
    if last is None:
        return {}
    numbers = ",".join(str(p) for p in range(last + 1))
    for start in range(0, len(wanted), 500):
        chunk = list(wanted[start : start + 500])
        marks = ",".join("?" * len(chunk))
        for token, part, blob in conn.execute(
            "SELECT token, part, bits FROM common"
            f" WHERE part IN ({numbers}) AND token IN ({marks})",
            chunk,
        ):
            parts.setdefault(token, {})[part] = blob
    return {token: _join(found) for token, found in parts.items()}


def disagreeing(
    conn: sqlite3.Connection, columns: str, live: int, sample: int | None = None
) -> list[str]:
    """Common tokens whose bitmap differs from FTS5's postings among the live documents
    (``sample``: check only that many, spread over the list; ``None``: every one)."""
    chosen_tokens = sorted(tokens(conn))
    if sample is not None and len(chosen_tokens) > sample:
        step = len(chosen_tokens) / sample
        chosen_tokens = [chosen_tokens[int(i * step)] for i in range(sample)]
    out = []
    for token in chosen_tokens:
        found = bits(conn, [token]).get(token, 0) & live
        nums = matched(conn, f"{columns} : {quote(token)}")
        expected = docsets.from_ids(nums) & live if nums else docsets.EMPTY
        if found != expected:
            out.append(token)
    return out


def _join(found: dict[int, bytes]) -> int:
    last = max(found)
    empty = bytes(_PART_BYTES)
    return int.from_bytes(
        b"".join(found.get(p, empty).ljust(_PART_BYTES, b"\0") for p in range(last + 1)),
        "little",
    )


def choose(conn: sqlite3.Connection, columns: str, doc_count: int) -> frozenset[str]:
    """Choose the common tokens from the FTS5 vocabulary and compute their bitmaps (inside
    the caller's transaction). ``columns`` is the FTS5 column filter of the text the bitmaps
    cover. Returns the tokens chosen (none below :data:`MIN_DOCS` documents)."""
    conn.execute("DELETE FROM common")
    if doc_count < MIN_DOCS:
        conn.execute("DELETE FROM meta WHERE key = 'common_tokens'")
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('common_docs', '0')")
        return frozenset()
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_rows USING fts5vocab(main, fts, row)")
    picked = [
        t
        for (t,) in conn.execute(
            "SELECT term FROM temp.fts_rows WHERE doc >= ? ORDER BY doc DESC LIMIT ?",
            (max(1, int(doc_count * SHARE)), LIMIT),
        )
    ]
    rows: list[tuple[str, int, bytes]] = []
    for token in picked:
        nums = matched(conn, f"{columns} : {quote(token)}")
        if nums:
            rows.extend(_rows(token, docsets.from_ids(nums), 0))
        if len(rows) > 4096:
            _write(conn, rows, fresh=True)
            rows = []
    _write(conn, rows, fresh=True)
    conn.executemany(
        "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
        [
            ("common_docs", str(doc_count)),
            ("common_tokens", json.dumps(picked, ensure_ascii=False)),
        ],
    )
    return frozenset(picked)


def _rows(token: str, value: int, first_part: int) -> list[tuple[str, int, bytes]]:
    """The table rows of a token's bitmap ``value`` whose bit 0 is the first number of part
    ``first_part``: one per part that holds any."""
    parts = max(1, -(-value.bit_length() // PART))
    data = value.to_bytes(parts * _PART_BYTES, "little")
    rows = []
    for k in range(parts):
        chunk = data[k * _PART_BYTES : (k + 1) * _PART_BYTES]
        if chunk.count(0) != _PART_BYTES:
            rows.append((token, first_part + k, chunk))
    return rows


def _write(
    conn: sqlite3.Connection, rows: list[tuple[str, int, bytes]], *, fresh: bool = False
) -> None:
    """OR rows into the table (``fresh``: the table holds none of them yet)."""
    if not rows:
        return
    old: dict[tuple[str, int], bytes] = {}
    if not fresh:
        # A write touches one part or two: read them whole (the key leads with the part).
        for part in {part for _, part, _ in rows}:
            for token, blob in conn.execute(
                "SELECT token, bits FROM common WHERE part = ?", (part,)
            ):
                old[(token, part)] = blob
    merged: dict[tuple[str, int], int] = {}
    for token, part, blob in rows:
        key = (token, part)
        value = merged.get(key)
        if value is None:
            value = int.from_bytes(old[key], "little") if key in old else 0
        merged[key] = value | int.from_bytes(blob, "little")
    conn.executemany(
        "INSERT OR REPLACE INTO common(token, part, bits) VALUES (?, ?, ?)",
        [(t, p, v.to_bytes(_PART_BYTES, "little")) for (t, p), v in merged.items()],
    )


def present(streams: Iterable[tuple[str, str]], common: frozenset[str]) -> dict[str, int]:
    """Which documents of a batch hold each common token: ``{token: mask}``, bit ``i`` of the
    mask standing for the ``i``-th pair of (title, body) token streams. Computed where the
    streams are made (the worker processes of a bulk load)."""
    out: dict[str, int] = {}
    get = out.get
    for i, (title, body) in enumerate(streams):
        held = set(title.split())
        held.update(body.split())
        bit = 1 << i
        for token in held & common if len(held) < len(common) else common & held:
            out[token] = get(token, 0) | bit
    return out


class Recorder:
    """Gathers the common tokens of documents as they are inserted, and writes their bits.

    Args:
        common: the common tokens of the index.
    """

    def __init__(self, common: frozenset[str]) -> None:
        self.common = common
        self._bits: dict[str, int] = {}
        self._base = -1
        self._end = 0

    def add(self, conn: sqlite3.Connection, first: int, masks: dict[str, int], count: int) -> None:
        """Record a batch: ``count`` documents numbered from ``first``, with the
        :func:`present` masks of their streams."""
        if not self.common:
            return
        if self._base < 0:
            self._base = first - first % PART
        shift = first - self._base
        found = self._bits
        get = found.get
        for token, mask in masks.items():
            found[token] = get(token, 0) | (mask << shift)
        self._end = first + count
        if self._end - self._base >= PART:
            self.flush(conn)

    def flush(self, conn: sqlite3.Connection) -> None:
        """Write what has been gathered."""
        if self._base < 0:
            return
        first_part = self._base // PART
        rows: list[tuple[str, int, bytes]] = []
        for token, value in self._bits.items():
            rows.extend(_rows(token, value, first_part))
        _write(conn, rows)
        self._bits = {}
        self._base = -1
