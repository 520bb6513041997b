"""Where a long title breaks into lines: evenly, and where the words allow (GB/T 9704 7.3.1)."""

from __future__ import annotations

import itertools


def text_width(text: str) -> float:
    """Width in full-width characters (Latin letters and digits count half)."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


_GOOD_BREAK_BEFORE = ("关于", "《")
_GOOD_BREAK_AFTER = ("》", "关于印发", "关于转发", "关于批转", "关于公布", "关于")
_NO_LINE_START = "，。、；：？！）》〕」』”’"


def _word_starts(text: str) -> set[int]:
    """Offsets where a word starts (jieba segmentation, loaded only for long titles)."""
    try:
        import jieba
    except ImportError:  # pragma: no cover - a runtime dependency
        return set(range(len(text)))
    jieba.setLogLevel(60)
    starts, offset = set(), 0
    for word in jieba.cut(text):
        starts.add(offset)
        offset += len(word)
    return starts


def title_lines(title: str, per_line: int) -> list[str]:
    """Break a title into lines of at most ``per_line`` characters, evenly and where the
    words allow: before 关于 or 《, after 》 or 关于印发, never inside a number or 《》 name
    (GB/T 9704 7.3.1: 回行时要做到词意完整，排列对称，长短适宜).
    """
    n = len(title)
    if text_width(title) <= per_line or n < 2:
        return [title]
    depth = 0
    inside = [False] * (n + 1)  # inside[i]: a break before title[i] falls inside 《》
    for i, ch in enumerate(title):
        inside[i] = depth > 0
        depth += ch == "《"
        depth -= ch == "》" and depth > 0

    words = _word_starts(title)

    def cost_of_break(i: int) -> float:
        if title[i] in _NO_LINE_START or (title[i - 1].isdigit() and title[i].isdigit()):
            return float("inf")
        if title[i - 1].isascii() and title[i].isascii() and title[i].isalnum():
            return float("inf")
        cost = 1.0 if i in words else 3.0
        if inside[i]:
            cost += 3.0
        if title.startswith(_GOOD_BREAK_BEFORE, i) or title[:i].endswith(_GOOD_BREAK_AFTER):
            cost = 0.0
        return cost

    lines_needed = -int(-text_width(title) // per_line)
    target = text_width(title) / lines_needed
    widths = [0.0]
    for char in title:
        widths.append(widths[-1] + text_width(char))
    break_cost = {i: cost_of_break(i) for i in range(1, n)}
    # Shortest path over break positions: squared deviation from an even length plus the
    # cost of the break itself.
    best: dict[int, tuple[float, list[int]]] = {0: (0.0, [])}
    for end in range(1, n + 1):
        options = []
        for start, (cost, breaks) in best.items():
            width = widths[end] - widths[start]
            if width > per_line:
                continue
            penalty = 0.0 if end == n else break_cost[end] * 8 + 40  # a line costs
            if penalty == float("inf"):
                continue
            deviation = 0.0 if end == n and width <= target else (width - target) ** 2
            options.append((cost + deviation + penalty, [*breaks, end]))
        if options:
            best[end] = min(options, key=lambda option: option[0])
    if n not in best:
        return [title]
    cuts = [0, *best[n][1]]
    return [title[a:b] for a, b in itertools.pairwise(cuts)]
