"""Split documents in `make bench`: a description split into one file per path item, timed in one run.

The split document is made from a whole one (GitHub's REST description from ../shared/corpus when present,
else a synthetic one from `generate`): the root keeps everything but `paths`, each path item goes to
`paths/<n>.json`, and the path items' own `#/...` references point back into the root, as split tools write
them. Timed, whole processes, alternating, medians:

  apply-in-place  apigw-cognito apply ROOT -s SEL --in-place --no-validate   (on a fresh copy each round)
  audit           apigw-cognito audit ROOT
  bundle          apigw-cognito bundle ROOT -o OUT.json
  redocly-bundle  redocly bundle ROOT -o OUT.json   (when `make bench` has installed the peers)
  apply-whole     apigw-cognito apply WHOLE -s SEL --no-validate -o OUT      (the same API unsplit)

Usage: python -m benchmarks.split [--rounds N] [DOCUMENT]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.basics.paths import CACHE_DIR, ROOT
from benchmarks.peers.tools import PEER_DIR
from benchmarks.synthetic.document import build
from benchmarks.synthetic.selector import SELECTOR

CACHE = CACHE_DIR / "split"
CORPUS_GITHUB = ROOT.parent / "shared" / "corpus" / "github-api.json"
CLI = Path(sys.executable).parent / "apigw-cognito"
REDOCLY = PEER_DIR / "node_modules" / ".bin" / "redocly"


def _repoint(node: Any, root_name: str) -> Any:
    """A path item's `#/...` references, made to point into the root from its own file."""
    if isinstance(node, dict):
        return {
            k: (
                f"../{root_name}{v}"
                if k == "$ref" and isinstance(v, str) and v.startswith("#")
                else _repoint(v, root_name)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_repoint(v, root_name) for v in node]
    return node


def split(whole: Path, out: Path) -> tuple[Path, int]:
    """Write `whole` split into `out` (the root and paths/<n>.json); the root and the number of files."""
    data = json.loads(whole.read_text(encoding="utf-8"))
    if out.exists():
        shutil.rmtree(out)
    (out / "paths").mkdir(parents=True)
    refs = {}
    for n, (path, item) in enumerate(data.get("paths", {}).items()):
        name = f"paths/{n}.json"
        (out / name).write_text(json.dumps(_repoint(item, "openapi.json"), indent=2) + "\n", encoding="utf-8")
        refs[path] = {"$ref": name}
    root = out / "openapi.json"
    root.write_text(json.dumps({**data, "paths": refs}, indent=2) + "\n", encoding="utf-8")
    return root, len(refs) + 1


def _time(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        cmd,
        cwd=cwd,
        capture_output=True,
        check=False,
        env={**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"},
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "document", nargs="?", help="a whole JSON document to split (default: GitHub's, else synthetic)"
    )
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    whole = Path(args.document) if args.document else CORPUS_GITHUB
    if not whole.is_file():
        whole = CACHE / "synthetic.json"
        whole.parent.mkdir(parents=True, exist_ok=True)
        whole.write_text(json.dumps(build(1000, "3.0")), encoding="utf-8")
    selector = CACHE / "selector.yaml"
    selector.parent.mkdir(parents=True, exist_ok=True)
    selector.write_text(SELECTOR, encoding="utf-8")
    pristine, files = split(whole, CACHE / "pristine")
    work = CACHE / "work"
    commands: dict[str, tuple[list[str], Path]] = {
        "apply-in-place": (
            [str(CLI), "apply", "openapi.json", "-s", str(selector), "--in-place", "--no-validate"],
            work,
        ),
        "audit": ([str(CLI), "audit", "openapi.json"], pristine.parent),
        "bundle": ([str(CLI), "bundle", "openapi.json", "-o", str(CACHE / "ours.json")], pristine.parent),
        "apply-whole": (
            [
                str(CLI),
                "apply",
                str(whole),
                "-s",
                str(selector),
                "--no-validate",
                "-o",
                str(CACHE / "whole.json"),
            ],
            ROOT,
        ),
    }
    if REDOCLY.exists():
        commands["redocly-bundle"] = (
            [str(REDOCLY), "bundle", "openapi.json", "-o", str(CACHE / "redocly.json")],
            pristine.parent,
        )
    times: dict[str, list[float]] = {name: [] for name in commands}
    for round_ in range(args.rounds):
        order = list(commands)
        order = order[round_ % len(order) :] + order[: round_ % len(order)]
        for name in order:
            if name == "apply-in-place":
                if work.exists():
                    shutil.rmtree(work)
                shutil.copytree(pristine.parent, work)
            cmd, cwd = commands[name]
            times[name].append(_time(cmd, cwd))
    print(f"split document: {whole.name} as {files} files ({args.rounds} rounds, medians, alternating)")
    for name, values in times.items():
        print(f"  {name:<16} {statistics.median(values) * 1000:8.0f} ms")
    if "redocly-bundle" in times:
        ratio = statistics.median(times["bundle"]) / statistics.median(times["redocly-bundle"])
        print(f"  bundle / redocly bundle: {ratio:.2f}x")
    else:
        print("  redocly: skipped (no Node peers installed; `make bench` installs them when Node is present)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
