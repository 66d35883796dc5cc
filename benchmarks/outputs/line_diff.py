"""Which input lines an output removed or rewrote: an insert-only tool changes none."""

from __future__ import annotations

import bisect
import difflib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LineDiff:
    """How an output differs from its input, line by line (lines split on LF, so CR stays part of a line)."""

    input_lines: int
    output_lines: int
    changed: int  # input lines removed or rewritten: must be 0 for an insert-only tool
    inserted: int  # output lines that are not input lines
    examples: tuple[tuple[int, str], ...] = ()  # (1-based input line, text) of the first changed ones


def is_subsequence(needle: Sequence[str], haystack: Sequence[str]) -> bool:
    """Whether `needle` appears in `haystack` in order, possibly with other items between (greedy, exact)."""
    j = 0
    end = len(haystack)
    for item in needle:
        while j < end and haystack[j] != item:
            j += 1
        if j == end:
            return False
        j += 1
    return True


def _unique_anchors(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int]]:
    """Lines that occur once in each side, kept in an order both sides agree on (a longest such chain)."""
    count_a = Counter(a)
    count_b = Counter(b)
    where_b = {line: j for j, line in enumerate(b) if count_b[line] == 1 and count_a.get(line) == 1}
    pairs = [(i, where_b[line]) for i, line in enumerate(a) if line in where_b]
    # Longest increasing subsequence of the b positions (patience sorting with back links).
    tails: list[int] = []  # index into pairs of the smallest tail of each length
    back: list[int] = [-1] * len(pairs)
    tail_values: list[int] = []
    for k, (_, j) in enumerate(pairs):
        pos = bisect.bisect_left(tail_values, j)
        if pos == len(tail_values):
            tail_values.append(j)
            tails.append(k)
        else:
            tail_values[pos] = j
            tails[pos] = k
        back[k] = tails[pos - 1] if pos > 0 else -1
    chain: list[tuple[int, int]] = []
    k = tails[-1] if tails else -1
    while k >= 0:
        chain.append(pairs[k])
        k = back[k]
    chain.reverse()
    return chain


def line_diff(before: str, after: str, max_examples: int = 5) -> LineDiff:
    """Which input lines an output removed or rewrote.

    An output that only inserts lines contains the input as a subsequence, which a linear scan proves.
    Otherwise the lines are aligned on lines unique to both sides, and difflib compares the stretches
    between those anchors (difflib alone takes minutes on a 270,000-line document).
    """
    a = before.split("\n")
    b = after.split("\n")
    if is_subsequence(a, b):
        return LineDiff(len(a), len(b), 0, len(b) - len(a))
    changed: list[int] = []
    prev_i, prev_j = -1, -1
    for i, j in [*_unique_anchors(a, b), (len(a), len(b))]:
        a0, b0 = prev_i + 1, prev_j + 1
        if i > a0:
            part_a, part_b = a[a0:i], b[b0:j]
            if not is_subsequence(part_a, part_b):
                matcher = difflib.SequenceMatcher(None, part_a, part_b, autojunk=False)
                for tag, i1, i2, _, _ in matcher.get_opcodes():
                    if tag in ("replace", "delete"):
                        changed.extend(range(a0 + i1, a0 + i2))
        prev_i, prev_j = i, j
    examples = tuple((k + 1, a[k]) for k in changed[:max_examples])
    return LineDiff(len(a), len(b), len(changed), len(b) - (len(a) - len(changed)), examples)
