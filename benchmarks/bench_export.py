"""Export and diff speed, each against a baseline measured in the same run.

* Rendering: every format's median time per document, as a ratio to the plain-text export
  (the cheapest rendering of the same document), on the seed document when the corpus is
  available and on the test fixtures.
* Diff: :func:`gazette.diff.compare` (sentences, then characters) against a plain
  character-level ``difflib.SequenceMatcher`` over the same normalised texts, on the law
  versions of the corpus (立法法 2015/2023, 公司法 2018/2023), with the number of
  differences each reports.

Run from the project root::

    python benchmarks/bench_export.py
"""

from __future__ import annotations

import difflib
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import gazette  # noqa: E402
from benchmarks.timing import median_seconds  # noqa: E402
from gazette.diff import compare, comparison_key  # noqa: E402
from gazette.export import FORMATS, render  # noqa: E402
from ingest import ingest_paths  # noqa: E402
from tests.export_fixtures import CASES, ON  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
RUNS = 5


def documents() -> list[tuple[str, gazette.Document]]:
    docs = [(name, make()) for name, make in sorted(CASES.items())]
    seed = CORPUS / "seed" / "jinan-2017-27.txt"
    if seed.exists():
        with tempfile.TemporaryDirectory() as tmp:
            archive = gazette.open_archive(Path(tmp) / "a")
            ingest_paths(archive, [seed], jobs=1)
            docs.insert(0, ("seed (real)", archive.internal.get("济政办发〔2017〕27号")))
            archive.close()
    return docs


def bench_render() -> None:
    print(f"Rendering: median of {RUNS} runs per document; ratio to txt of the same document")
    formats = [f for f in FORMATS if f != "txt"]
    print(f"{'document':<24}{'txt ms':>9}" + "".join(f"{f:>10}" for f in formats))
    ratios: dict[str, list[float]] = {f: [] for f in formats}
    for name, doc in documents():
        base = median_seconds(lambda doc=doc: render(doc, "txt", on=ON))
        row = f"{name:<24}{base * 1000:>9.1f}"
        for fmt in formats:
            t = median_seconds(lambda doc=doc, fmt=fmt: render(doc, fmt, on=ON))
            ratios[fmt].append(t / base)
            row += f"{t / base:>9.1f}x"
        print(row)
    print(
        f"{'median ratio':<33}" + "".join(f"{statistics.median(r):>9.1f}x" for r in ratios.values())
    )


def bench_diff() -> None:
    pairs = [
        ("立法法(2015-03-15).md", "立法法(2023-03-13).md"),
        ("公司法(2018-10-26).md", "公司法(2023-12-29).md"),
    ]
    present = [(a, b) for a, b in pairs if (CORPUS / "laws" / a).exists()]
    if not present:
        print("\nDiff: corpus absent, skipped")
        return
    print("\nDiff: gazette.diff.compare against character-level difflib on the same keys")
    print(
        f"{'pair':<28}{'chars':>14}{'compare s':>11}{'diffs':>7}{'difflib s':>11}{'diffs':>7}{'ratio':>8}"
    )
    for a_name, b_name in present:
        a = (CORPUS / "laws" / a_name).read_text(encoding="utf-8")
        b = (CORPUS / "laws" / b_name).read_text(encoding="utf-8")
        ours = median_seconds(lambda a=a, b=b: compare(a, b), runs=3)
        found = len(compare(a, b).differences)
        key_a, _ = comparison_key(a)
        key_b, _ = comparison_key(b)

        def plain(key_a: str = key_a, key_b: str = key_b) -> list[tuple[str, int, int, int, int]]:
            matcher = difflib.SequenceMatcher(None, key_a, key_b, autojunk=False)
            return [op for op in matcher.get_opcodes() if op[0] != "equal"]

        base = median_seconds(plain, runs=1)
        base_found = len(plain())
        label = f"{a_name[:-3]} / {b_name[-14:-4]}"
        print(
            f"{label:<28}{len(key_a):>7}/{len(key_b):<6}{ours:>11.2f}{found:>7}{base:>11.2f}"
            f"{base_found:>7}{base / ours:>7.1f}x"
        )


if __name__ == "__main__":
    bench_render()
    bench_diff()
