"""A target's verdict on one document, and how far a ratio meets or misses its limit."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Verdict:
    target: str
    document: str
    measured: str
    passed: bool | None  # None: shown for information, not judged
    why: str = ""
    margin: str = ""  # met or missed by how much (the targets of issue 13)


def at_most(value: float | None, limit: float) -> tuple[bool | None, str]:
    """Whether a ratio meets `<= limit`, and by how much it meets or misses it."""
    if value is None:
        return None, "not measured"
    if value <= limit:
        return True, f"met by {limit - value:.3f}x: {(1 - value / limit) * 100:.1f}% under {limit:g}x"
    return False, f"missed by {value - limit:.3f}x: {(value / limit - 1) * 100:.1f}% over {limit:g}x"


def at_least(speedup: float | None, limit: float) -> tuple[bool | None, str]:
    """Whether a speed-up meets `>= limit`, and by how much it meets or misses it."""
    if speedup is None or speedup <= 0:
        return None, "not measured"
    if speedup >= limit:
        return True, f"met by {speedup - limit:.2f}x: {speedup:.2f}x >= {limit:g}x"
    return False, f"missed by {limit - speedup:.2f}x: needs {limit / speedup:.3f}x more speed"


def target_order(target: str) -> int:
    """Targets sort by their number ("10 ..." after "9 ...")."""
    head = target.split(maxsplit=1)[0] if target.strip() else ""
    return int(head) if head.isdigit() else 1_000
