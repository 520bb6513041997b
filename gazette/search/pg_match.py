"""Matching in the PostgreSQL engine: a query's groups as a ``tsquery``, and the documents
that match it.

A text is the AND of its tokens, a phrase their sequence with ``<->``, one ideograph a prefix
(every token that starts with it: each character of a text is the first of a bigram or a
run's last character). The common tokens' bitmaps answer for their tokens (as the SQLite
engine's do, see :mod:`gazette.search.pg_common`); GIN answers for the rest. GIN cannot judge a
phrase in a document past PostgreSQL's limits on positions (marked ``long``): those are
judged on their stored text's token streams.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from gazette.search import docsets, pg_write
from gazette.search.analysis import is_cjk
from gazette.search.base import Generation, TextSpec, by_bitmaps

if TYPE_CHECKING:
    from gazette.search.pg_engine import PgIndex


def quote(token: str) -> str:
    """A token as a ``tsquery`` lexeme."""
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def where(columns: str, param: str = "q") -> str:
    """The condition that ``columns`` (``pub``, ``ins``, ``both`` or ``titles``) match the
    tsquery parameter ``param``."""
    if columns == "both":
        return f"(pub @@ %({param})s::tsquery OR ins @@ %({param})s::tsquery)"
    return f"{columns} @@ %({param})s::tsquery"


def _one_ideograph(index: PgIndex, tokens: list[str]) -> bool:
    return index.config.bigrams and len(tokens) == 1 and len(tokens[0]) == 1 and is_cjk(tokens[0])


def _expr(index: PgIndex, spec: TextSpec, phrases: bool) -> str | None:
    """The tsquery of one text (``None`` when it can match nothing); ``phrases=False`` asks
    only for the tokens of a phrase, in any order."""
    tokens = index._tokens(spec)
    if not tokens:
        return None
    if _one_ideograph(index, tokens):
        return f"{quote(tokens[0])}:*"
    if phrases and spec.phrase and len(tokens) > 1:
        return "(" + " <-> ".join(quote(t) for t in tokens) + ")"
    unique = list(dict.fromkeys(tokens))
    if len(unique) == 1:
        return quote(unique[0])
    return "(" + " & ".join(quote(t) for t in unique) + ")"


def query(index: PgIndex, groups: Sequence[Sequence[TextSpec]], phrases: bool = True) -> str | None:
    """The tsquery of groups (AND of ORs)."""
    parts = []
    for group in groups:
        alternatives = [e for spec in group if (e := _expr(index, spec, phrases)) is not None]
        if not alternatives:
            return None
        parts.append(
            alternatives[0] if len(alternatives) == 1 else "(" + " | ".join(alternatives) + ")"
        )
    return " & ".join(parts) if parts else None


def match(
    index: PgIndex, gen: Generation, groups: Sequence[Sequence[TextSpec]], public_only: bool
) -> int:
    """The live documents matching ``groups`` (kept with the generation's match sets)."""
    whole = query(index, groups)
    if whole is None:
        return docsets.EMPTY
    key = ("match", public_only, whole)
    bits = gen.cache.get(key)
    if bits is None:
        found = _match_common(index, gen, groups, public_only)
        if found is None:
            loose = query(index, groups, phrases=False)
            assert loose is not None
            found = _gin(index, gen, groups, whole, loose, "pub" if public_only else "both")
        bits = found & gen.live
        if len(gen.cache) > 256:
            gen.cache.clear()
        gen.cache[key] = bits
    return int(bits)


def _nums(text: str | None) -> list[int]:
    return [int(n) for n in text.split(",")] if text else []


def _gin(
    index: PgIndex,
    gen: Generation,
    groups: Sequence[Sequence[TextSpec]],
    whole: str,
    loose: str,
    columns: str,
) -> int:
    """The documents GIN finds for a tsquery (``loose``: the same without phrases).
    Phrases: positions decide, except in long documents, checked against ``groups`` in their
    stored text."""
    s = index.schema
    conn = index._conn()
    if loose == whole:
        row = conn.execute(
            f"SELECT string_agg(num::text, ',') FROM {s}.fts WHERE {where(columns)}",
            {"q": whole},
        ).fetchone()
        found = _nums(row[0])
    else:
        exact, unsure = conn.execute(
            f"SELECT string_agg(num::text, ',') FILTER (WHERE NOT long),"
            f" string_agg(num::text, ',') FILTER (WHERE long) FROM {s}.fts"
            f" WHERE {where(columns, 'loose')} AND (long OR {where(columns)})",
            {"q": whole, "loose": loose},
        ).fetchone()
        found = _nums(exact)
        found += _verified(index, _nums(unsure), groups, columns == "pub")
    return docsets.from_ids(found, gen.size) if found else docsets.EMPTY


def _match_common(
    index: PgIndex, gen: Generation, groups: Sequence[Sequence[TextSpec]], public_only: bool
) -> int | None:
    """The match through the common-token bitmaps, or ``None`` when they do not help: the
    query's common tokens are ``&``-ed bitmaps, and only its rarer tokens, phrases and
    alternatives go to GIN (as the SQLite engine does; see :mod:`pg_common`)."""
    answered = by_bitmaps(gen, groups, index._tokens, index._common_bits)
    if answered is None:
        return None
    out, rare, rest = answered
    pieces = [quote(t) for t in rare]
    loose_pieces = list(pieces)
    for group in rest:
        piece, loose = query(index, [group]), query(index, [group], phrases=False)
        if piece is None or loose is None:
            return docsets.EMPTY
        pieces.append(f"({piece})")
        loose_pieces.append(f"({loose})")
    if pieces and out:
        out &= _gin(index, gen, groups, " & ".join(pieces), " & ".join(loose_pieces), "pub")
    if not public_only:
        # The bitmaps cover the public text: documents with restricted text (few) are matched
        # on all their text.
        whole, loose = query(index, groups), query(index, groups, phrases=False)
        assert whole is not None and loose is not None
        out |= _gin(index, gen, groups, whole, loose, "ins")
    return out


def _verified(
    index: PgIndex, nums: list[int], groups: Sequence[Sequence[TextSpec]], public_only: bool
) -> list[int]:
    """Those of ``nums`` that match, judged on their stored text's token streams."""
    if not nums:
        return []
    rows = index._conn().execute(
        f"SELECT num, title, body, restricted FROM {index.schema}.texts WHERE num = ANY(%s)",
        (nums,),
    )
    out = []
    for num, title, body, restricted in rows:
        columns = [title, body] if public_only else [title, body, restricted]
        streams = [pg_write.stream(text, index.config) for text in columns]
        if all(any(_holds(index, spec, streams) for spec in group) for group in groups):
            out.append(num)
    return out


def _holds(index: PgIndex, spec: TextSpec, streams: list[list[str]]) -> bool:
    tokens = index._tokens(spec)
    if not tokens:
        return False
    if _one_ideograph(index, tokens):
        return any(t.startswith(tokens[0]) for stream in streams for t in stream)
    if spec.phrase and len(tokens) > 1:
        needle = " " + " ".join(tokens) + " "
        return any(needle in " " + " ".join(stream) + " " for stream in streams)
    held = {t for stream in streams for t in stream}
    return all(t in held for t in tokens)


__all__ = ["match", "query", "quote", "where"]
