"""benchmarks/summary.py: a run's tables for the docs, and the compact JSON that is committed."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

from tests.support.paths import ROOT

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

summary = importlib.import_module("benchmarks.summary")  # a broken import is an error, never a skip


def _command(wall: float) -> dict[str, Any]:
    return {"wall_median": wall, "cpu_median": wall, "rss_median_kb": 1000, "runs": 3, "samples": [{}] * 3}


def _run() -> dict[str, Any]:
    lines = {"input_lines": 10, "output_lines": 14, "changed": 0, "inserted": 4, "examples": [[1, "x"]]}
    peer = {"version": "1.0", "ok": True, "lines": {**lines, "changed": 7}, "notes": []}
    return {
        "environment": {"git_commit": "abc"},
        "documents": [
            {
                "name": "api.json",
                "format": "json",
                "version": "3.0.3",
                "operations": 3,
                "bytes": 2_000_000,
                "commands": {"apply": _command(0.5), "openapi-format": _command(0.6), "json": _command(0.4)},
                "lines": lines,
                "verdicts": {},
                "peers": {"openapi-format": peer},
            }
        ],
        "startup": {"apply-small": _command(0.3), "openapi-format-small": _command(0.2)},
        "startup_peers": {},
        "targets": [
            {
                "target": "1 JSON apply",
                "document": "api.json",
                "measured": "1.2x",
                "passed": True,
                "margin": "",
            },
            {
                "target": "7 apply --no-validate <= 0.8x fastest peer",
                "document": "api.json",
                "measured": "0.83x of openapi-format",
                "passed": False,
                "margin": "missed by 0.03x",
            },
        ],
    }


def test_the_tables_show_times_lines_changed_and_targets_issue_13_first() -> None:
    text = summary.tables(_run())
    row = next(line for line in text.splitlines() if line.startswith("| api.json"))
    assert "0.50 s, 0 lines changed" in row
    assert "0.60 s, 7 changed" in row
    assert "json load+dump 0.40 s" in row
    targets = [line for line in text.splitlines() if line.startswith(("| 1 ", "| 7 "))]
    assert targets[0].startswith("| 7 ")
    assert "missed (missed by 0.03x)" in targets[0]


def test_the_compact_run_drops_samples_and_reads_the_same(tmp_path: Path) -> None:
    full = tmp_path / "run.json"
    full.write_text(json.dumps(_run()), encoding="utf-8")
    small = tmp_path / "small.json"
    assert summary.main([str(full), "--compact", str(small)]) == 0
    compact = json.loads(small.read_text(encoding="utf-8"))
    assert "samples" not in json.dumps(compact)
    assert compact["documents"][0]["peers"]["openapi-format"]["lines_changed"] == 7
    assert summary.tables(compact) == summary.tables(_run())
