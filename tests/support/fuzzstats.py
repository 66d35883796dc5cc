"""Pytest plugin: counts the fuzz cases run, by test, exit code and hazard, for docs/robustness.md's figures.

Fuzz tests call `record(test, code, hazards)` once per case. At the end of the session the counts go to
the terminal summary and to `.hypothesis/fuzz-stats.json` (with the Hypothesis profile in use).
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from typing import Any

import pytest

from tests.support.paths import ROOT

STATS_FILE = ROOT / ".hypothesis" / "fuzz-stats.json"

_cases: Counter[str] = Counter()
_codes: defaultdict[str, Counter[str]] = defaultdict(Counter)
_hazards: defaultdict[str, Counter[str]] = defaultdict(Counter)


def record(test: str, outcome: int | str, hazards: tuple[str, ...] = ()) -> None:
    """One case of `test` ran and ended with `outcome` (an exit code, or a word for library-level tests)."""
    _cases[test] += 1
    _codes[test][str(outcome)] += 1
    for hazard in set(hazards):
        _hazards[test][hazard] += 1


def summary() -> dict[str, Any]:
    return {
        "profile": os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"),
        "total_cases": sum(_cases.values()),
        "tests": {
            test: {
                "cases": count,
                "outcomes": dict(sorted(_codes[test].items())),
                "hazards": dict(sorted(_hazards[test].items())),
            }
            for test, count in sorted(_cases.items())
        },
    }


def pytest_sessionfinish(session: pytest.Session) -> None:
    if not _cases:
        return
    STATS_FILE.parent.mkdir(exist_ok=True)
    STATS_FILE.write_text(json.dumps(summary(), indent=2) + "\n")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _cases:
        return
    data = summary()
    terminalreporter.section("fuzz cases")
    for test, entry in data["tests"].items():
        outcomes = ", ".join(f"{k}: {v}" for k, v in entry["outcomes"].items())
        terminalreporter.write_line(f"{test}: {entry['cases']} cases ({outcomes})")
    where = STATS_FILE.relative_to(ROOT)
    terminalreporter.write_line(
        f"total: {data['total_cases']} cases, profile {data['profile']}; details in {where}"
    )
