"""The results JSON: the environment of a run and every figure, check and verdict."""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks.basics.paths import ROOT
from benchmarks.measuring.model import Document, Settings
from benchmarks.peers.results import PeerResult
from benchmarks.targets.verdict import Verdict
from benchmarks.timing.commands import Command


def source_state(root: Path = ROOT / "src") -> str:
    """A digest of the names, sizes and modification times of the CLI's sources: equal before and after a
    run unless someone edited them meanwhile (the editable install runs whatever is there)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        try:
            st = path.stat()
        except OSError:
            continue
        digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def environment(s: Settings) -> dict[str, Any]:
    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=30
            ).stdout.strip()
        except OSError:
            return ""

    version = subprocess.run([str(s.cli), "--version"], capture_output=True, text=True, check=False)
    return {
        "python": sys.version,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "loadavg_start": os.getloadavg(),
        "git_commit": git("rev-parse", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "cli": str(s.cli),
        "peak_rss_from": "GNU time %M" if s.gnu_time else "os.wait4 (includes the harness's own peak)",
        "cli_version": version.stdout.strip() or version.stderr.strip(),
    }


def peer_json(results: Mapping[str, PeerResult]) -> dict[str, Any]:
    return {name: {**asdict(r), "ok": r.ok} for name, r in results.items()}


def to_json(
    docs: Sequence[Document],
    startup: Mapping[str, Command],
    verdicts: Sequence[Verdict],
    env: dict[str, Any],
    args: dict[str, Any],
    peers: Mapping[str, Any] | None = None,
    startup_peers: Mapping[str, PeerResult] | None = None,
) -> dict[str, Any]:
    """The whole run; peer timings are under each document's `commands` (and `startup`), their checks under
    `peers`."""
    return {
        "environment": env,
        "arguments": args,
        "documents": [
            {
                "name": d.name,
                "path": str(d.path),
                "format": d.format,
                "version": d.version,
                "operations": d.operations,
                "bytes": d.size,
                "synthetic": d.synthetic,
                "already_secured": d.already_secured,
                "commands": {name: cmd.summary() for name, cmd in d.commands.items()},
                "lines": asdict(d.lines) if d.lines else None,
                "coverage": asdict(d.coverage) if d.coverage else None,
                "deterministic": d.deterministic,
                "verdicts": d.verdicts,
                "notes": d.notes,
                "peers": peer_json(d.peers),
                "apply_validate_same_output": d.validated_same,
            }
            for d in docs
        ],
        "startup": {name: cmd.summary() for name, cmd in startup.items()},
        "startup_peers": peer_json(startup_peers or {}),
        "peers": dict(peers or {}),
        "targets": [asdict(v) for v in verdicts],
    }
