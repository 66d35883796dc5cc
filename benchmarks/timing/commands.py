"""A command measured over rounds: its samples and medians, and the order of each round."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.basics.figures import median
from benchmarks.timing.processes import Sample


@dataclass
class Command:
    name: str
    argv: list[str]
    output: Path | None = None  # removed before every run, so every run writes it afresh
    samples: list[Sample] = field(default_factory=list)
    stdout: str = ""  # of the last run, cut to 20,000 characters
    stderr: str = ""
    env: dict[str, str] | None = None  # the environment to run in (None: this process's own)

    def summary(self) -> dict[str, Any]:
        runs = self.samples
        return {
            "argv": self.argv,
            "runs": len(runs),
            "wall_median": median(s.wall for s in runs),
            "wall_min": min((s.wall for s in runs), default=None),
            "wall_max": max((s.wall for s in runs), default=None),
            "rss_median_kb": median(s.rss_kb for s in runs),
            "cpu_median": median(s.cpu for s in runs),
            "returncodes": sorted({s.returncode for s in runs}),
            "samples": [asdict(s) for s in runs],
        }

    @property
    def wall(self) -> float | None:
        return median(s.wall for s in self.samples)

    @property
    def rss_kb(self) -> float | None:
        return median(s.rss_kb for s in self.samples)


def rotated(items: Sequence[str], turn: int) -> list[str]:
    """`items` starting at position `turn` (mod len): each round runs the commands in another order."""
    if not items:
        return []
    k = turn % len(items)
    return [*items[k:], *items[:k]]
