"""A `make bench` results JSON as the tables of docs/performance.md, and as a small JSON worth committing.

    .venv/bin/python -m benchmarks.summary benchmarks/results/latest.json              # markdown tables
    .venv/bin/python -m benchmarks.summary benchmarks/results/latest.json --compact OUT  # medians only

The compact JSON keeps what the tables read (the environment, every command's medians, the lines each
tool changed, the verdicts and the targets) and leaves out the samples, argv and examples.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

_PEERS = ("openapi-format", "redocly")
_FLOORS = {"json": "json load+dump", "ruamel": "ruamel.yaml round trip"}


def compact(run: dict[str, Any]) -> dict[str, Any]:
    """The run without samples, argv or line examples."""

    def medians(commands: dict[str, Any]) -> dict[str, Any]:
        keep = ("wall_median", "cpu_median", "rss_median_kb", "runs", "returncodes")
        return {name: {k: c[k] for k in keep if k in c} for name, c in commands.items()}

    def peers(found: dict[str, Any]) -> dict[str, Any]:
        return {
            name: {
                "version": p.get("version"),
                "ok": p.get("ok"),
                "lines_changed": (p.get("lines") or {}).get("changed"),
                "lines_inserted": (p.get("lines") or {}).get("inserted"),
                "notes": p.get("notes"),
            }
            for name, p in (found or {}).items()
        }

    documents = []
    for doc in run["documents"]:
        documents.append(
            {
                **{k: doc.get(k) for k in ("name", "format", "version", "operations", "bytes")},
                "commands": medians(doc["commands"]),
                "lines_changed": doc["lines"]["changed"],
                "lines_inserted": doc["lines"]["inserted"],
                "input_lines": doc["lines"]["input_lines"],
                "verdicts": doc.get("verdicts"),
                "deterministic": doc.get("deterministic"),
                "peers": peers(doc.get("peers", {})),
            }
        )
    return {
        "environment": run["environment"],
        "documents": documents,
        "startup": medians(run.get("startup", {})),
        "startup_peers": peers(run.get("startup_peers", {})),
        "targets": run["targets"],
    }


def _seconds(command: dict[str, Any] | None) -> str:
    return "-" if not command or command.get("wall_median") is None else f"{command['wall_median']:.2f} s"


def tables(run: dict[str, Any]) -> str:
    """The documents table (times, lines changed, the floor) and the targets, as markdown."""
    out = [
        "| document | `apply --no-validate` | `apply` (validating) | openapi-format (overlay) "
        "| @redocly/cli `bundle --overlay` | floor |",
        "|---|---|---|---|---|---|",
    ]
    for doc in run["documents"]:
        commands = doc["commands"]
        changed = doc["lines_changed"] if "lines_changed" in doc else doc["lines"]["changed"]
        cells = [
            f"{doc['name']} ({doc['bytes'] / 1e6:.1f} MB)",
            f"{_seconds(commands.get('apply'))}, {changed:,} lines changed",
            _seconds(commands.get("apply-validate")),
        ]
        for peer in _PEERS:
            found = (doc.get("peers") or {}).get(peer) or {}
            lines = found.get("lines_changed", (found.get("lines") or {}).get("changed"))
            shown = _seconds(commands.get(peer))
            cells.append(shown if lines is None else f"{shown}, {lines:,} changed")
        floors = [f"{label} {_seconds(commands[k])}" for k, label in _FLOORS.items() if k in commands]
        cells.append(", ".join(floors) or "-")
        out.append("| " + " | ".join(cells) + " |")
    startup = run.get("startup", {})
    out.append(
        "| specs/securepets.yaml (start-up) | "
        f"{_seconds(startup.get('apply-small-no-validate'))} | {_seconds(startup.get('apply-small'))} | "
        f"{_seconds(startup.get('openapi-format-small'))} | {_seconds(startup.get('redocly-small'))} | "
        f"python -c 'import json' {_seconds(startup.get('import-json'))}, "
        f"importing the libraries {_seconds(startup.get('import-stack'))} |"
    )
    out += ["", "| target | document | measured | met? |", "|---|---|---|---|"]
    # Issue 13's targets (7 to 11) first, then the earlier ones (0 to 6) of the same run.
    ordered = sorted(run["targets"], key=lambda t: t["target"].split()[0] not in {"7", "8", "9", "10", "11"})
    for target in ordered:
        verdict = {True: "met", False: "missed", None: "for information"}[target["passed"]]
        margin = f" ({target['margin']})" if target.get("margin") else ""
        cells = (target["target"], target["document"], target["measured"], verdict + margin)
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("--compact", type=Path, help="write the compact JSON here")
    args = parser.parse_args(argv)
    run = json.loads(args.results.read_text(encoding="utf-8"))
    if args.compact:
        args.compact.write_text(json.dumps(compact(run), indent=1) + "\n", encoding="utf-8")
    sys.stdout.write(tables(run) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
