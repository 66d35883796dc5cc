"""Where the benchmark reads and writes: the checkout, the cache of generated documents, the results."""

from __future__ import annotations

from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent
ROOT = BENCHMARKS.parent
RESULTS_DIR = BENCHMARKS / "results"
CACHE_DIR = BENCHMARKS / ".cache"  # generated documents, the peers' install, outputs: ignored by git
SMALL_SPEC = ROOT / "specs" / "securepets.yaml"
SMALL_SELECTOR = ROOT / "specs" / "securepets.selector.yaml"
