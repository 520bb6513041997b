"""Known-item evaluation of search quality on real texts: recall@10 and MRR.

The collection is every real document of ``../shared/corpus`` (State Council pages, laws, the
seed, the GovDoc notice) plus distractors recombined from the same real sentences, so that
vocabulary and phrasing are shared and ranking matters. Queries, drawn with a fixed seed:

``number``  the document's number in a variant spelling (``[]``, ``（）``, ``【】``, full-width
            digits, a 第 before the serial, a space after the agency);
``body``    a 4–12 character phrase from one clause of the body that occurs in no other
            document of the collection (cut at any character, not at word boundaries).

A query succeeds at rank r when the first hit with the target's title (two versions of one law
share a title) is at r. Run ``python -m benchmarks.eval_search`` to compare engines and
analyzers (``--engine sqlite --config words`` …).
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import attrs

from benchmarks.corpus import real_records, sentences, synthetic_records
from gazette.search import ENGINES, AnalyzerConfig, IndexRecord, SearchIndex, open_index
from gazette.search.analysis import fold

DISTRACTORS = 300
_CLAUSE = re.compile(r"[\u4e00-\u9fff]{4,}")
_VARIANTS = ("[{y}]", "({y})", "（{y}）", "【{y}】", "﹝{y}﹞", "〔{y}）")


@attrs.frozen
class EvalQuery:
    kind: str
    text: str
    target: str


def collection(distractors: int = DISTRACTORS) -> list[IndexRecord]:
    real = real_records()
    return real + list(synthetic_records(distractors, seed=11, size=1500, pool=sentences(real)))


def _number_variant(number: str, rnd: random.Random) -> str:
    found = re.fullmatch(r"(.+)〔(\d{4})〕(\d+)号", number)
    if found is None:
        found_order = re.fullmatch(r"(.+)第(\d+)号", number)
        if found_order is None:
            return number
        agency, serial = found_order.groups()
        return f"{agency} 第{serial.translate(_FULLWIDTH)}号"
    agency, year, serial = found.groups()
    bracket = rnd.choice(_VARIANTS).format(y=year)
    if rnd.random() < 0.3:
        bracket = bracket.translate(_FULLWIDTH)
    di = "第" if rnd.random() < 0.3 else ""
    space = " " if rnd.random() < 0.3 else ""
    return f"{agency}{space}{bracket}{di}{serial}号"


_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _cuts_a_number(text: str, start: int, end: int) -> bool:
    """Whether a cut falls inside a run of digits (nobody searches 996 for 第2996号)."""
    inside = (start > 0 and text[start - 1 : start + 1].isdigit()) or (
        end < len(text) and text[end - 1 : end + 1].isdigit()
    )
    return inside


def queries(records: list[IndexRecord], seed: int = 3, per_doc: int = 3) -> list[EvalQuery]:
    """Known-item queries for the real documents of a collection."""
    rnd = random.Random(seed)
    haystacks = {r.id: fold(r.title + "\n" + r.body) for r in records}
    out: list[EvalQuery] = []
    for record in records:
        if record.id.startswith("syn-"):
            continue
        for number in record.numbers:
            out.append(EvalQuery("number", _number_variant(number, rnd), record.id))
        for _ in range(50 if len(record.title) >= 6 else 0):
            size = rnd.randint(4, min(12, len(record.title)))
            start = rnd.randint(0, len(record.title) - size)
            fragment = record.title[start : start + size]
            if _cuts_a_number(record.title, start, start + size):
                continue
            # Distinctive: no other title holds it (versions of one law share their title).
            folded = fold(fragment)
            if all(r.title == record.title or folded not in fold(r.title) for r in records):
                out.append(EvalQuery("title", fragment, record.id))
                break
        clauses = _CLAUSE.findall(record.body)
        tries = 0
        found = 0
        while clauses and found < per_doc and tries < 200:
            tries += 1
            clause = rnd.choice(clauses)
            size = rnd.randint(4, min(12, len(clause)))
            start = rnd.randint(0, len(clause) - size)
            phrase = clause[start : start + size]
            folded = fold(phrase)
            if sum(1 for text in haystacks.values() if folded in text) == 1:
                out.append(EvalQuery("body", phrase, record.id))
                found += 1
    return out


def evaluate(
    index: SearchIndex, records: list[IndexRecord], items: list[EvalQuery]
) -> dict[str, dict[str, float]]:
    """recall@10 and MRR per query kind (and overall)."""
    titles = {r.id: r.title for r in records}
    ranks: dict[str, list[int | None]] = defaultdict(list)
    for item in items:
        hits = index.search(item.text, public_only=False, limit=10, facets=False).hits
        rank = None
        for n, hit in enumerate(hits, start=1):
            if hit.id == item.target or (titles[item.target] and hit.title == titles[item.target]):
                rank = n
                break
        ranks[item.kind].append(rank)
        ranks["all"].append(rank)
    out = {}
    for kind, values in ranks.items():
        out[kind] = {
            "queries": len(values),
            "recall@10": sum(1 for r in values if r) / len(values),
            "mrr": sum(1 / r for r in values if r) / len(values),
        }
    return out


def misses(index: SearchIndex, items: list[EvalQuery]) -> list[EvalQuery]:
    out = []
    for item in items:
        hits = index.search(item.text, public_only=False, limit=10, facets=False).hits
        if item.target not in {h.id for h in hits}:
            out.append(item)
    return out


# For the Whoosh engine ``bigrams`` means jieba words plus CJK bigrams in separate fields; for
# the SQLite engine it means the grams stream alone (bigrams and each run's last character).
CONFIGS = {
    "words": AnalyzerConfig(search_mode=False, bigrams=False),
    "search": AnalyzerConfig(search_mode=True, bigrams=False),
    "bigrams": AnalyzerConfig(search_mode=False, bigrams=True),
    "search+bigrams": AnalyzerConfig(search_mode=True, bigrams=True),
}
# FTS5 gives each token its own position: search-mode sub-words cannot share their word's.
_SQLITE_CONFIGS = ("words", "bigrams")


def build(
    path: Path, config: AnalyzerConfig, records: list[IndexRecord], engine: str = "sqlite"
) -> SearchIndex:
    index = open_index(path, engine, config)
    index.apply(records)
    return index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--distractors", type=int, default=DISTRACTORS)
    parser.add_argument("--engine", choices=ENGINES, action="append")
    parser.add_argument("--config", choices=sorted(CONFIGS), action="append")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    records = collection(args.distractors)
    items = queries(records)
    counts = defaultdict(int)
    for item in items:
        counts[item.kind] += 1
    print(f"collection: {len(records)} documents; queries: {dict(counts)}")
    print(
        f"{'engine':<7} {'analyzer':<16} {'kind':<7} {'n':>4} {'recall@10':>10} {'MRR':>6}"
        f" {'build s':>8}"
    )
    for engine in args.engine or list(ENGINES):
        for name in args.config or list(CONFIGS):
            if engine == "sqlite" and name not in _SQLITE_CONFIGS:
                continue
            with tempfile.TemporaryDirectory() as tmp:
                started = time.perf_counter()
                index = build(Path(tmp) / "ix", CONFIGS[name], records, engine)
                built = time.perf_counter() - started
                for kind, m in sorted(evaluate(index, records, items).items()):
                    print(
                        f"{engine:<7} {name:<16} {kind:<7} {m['queries']:>4}"
                        f" {m['recall@10']:>10.3f} {m['mrr']:>6.3f} {built:>8.1f}"
                    )
                if args.show_misses:
                    for item in misses(index, items):
                        print(f"   miss {item.kind}: {item.text!r} -> {item.target}")
                index.close()


if __name__ == "__main__":
    main()
