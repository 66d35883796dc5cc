"""The start-up rounds: the interpreter, the libraries, `--help`, and apply on a small document."""

from __future__ import annotations

from pathlib import Path

from benchmarks.basics.paths import SMALL_SELECTOR, SMALL_SPEC
from benchmarks.basics.text import progress
from benchmarks.measuring.baselines import IMPORT_BASELINE, STACK_BASELINE
from benchmarks.measuring.model import Settings
from benchmarks.measuring.rounds import emit_overlay, peer_commands, run_rounds
from benchmarks.peers.results import PeerResult, check_peer, read_expected
from benchmarks.timing.commands import Command
from benchmarks.timing.processes import run_process

SMALL_SUFFIX = "-small"  # start-up commands of the peers: openapi-format-small, redocly-small


def bench_startup(s: Settings, peer_results: dict[str, PeerResult] | None = None) -> dict[str, Command]:
    """Start-up rounds; the peers' checks on specs/securepets.yaml go into `peer_results` (by peer name)."""
    out_dir = s.work / "out"
    out = out_dir / "securepets.applied.yaml"
    out_dir.mkdir(parents=True, exist_ok=True)
    cmds = {
        "import-json": Command("import-json", [str(s.python), "-c", IMPORT_BASELINE]),
        "import-stack": Command("import-stack", [str(s.python), "-c", STACK_BASELINE]),
        "help": Command("help", [str(s.cli), "--help"]),
    }
    overlay: Path | None = None
    if SMALL_SPEC.exists() and SMALL_SELECTOR.exists():
        small = [str(s.cli), "apply", str(SMALL_SPEC), "--selector", str(SMALL_SELECTOR)]
        cmds["apply-small"] = Command("apply-small", [*small, "-o", str(out)], out)
        cmds["apply-small-no-validate"] = Command(
            "apply-small-no-validate", [*small, "--no-validate", "-o", str(out)], out
        )
        if s.peers:
            overlay = out_dir / "securepets.overlay.json"
            scratch = out_dir / "securepets.overlay-apply.yaml"
            problem = emit_overlay(s, SMALL_SPEC, SMALL_SELECTOR, overlay, scratch)
            if problem:
                progress(f"  start-up peers skipped: {problem}")
                overlay = None
            else:
                cmds.update(
                    peer_commands(SMALL_SPEC, "yaml", overlay, out_dir / "securepets", s, SMALL_SUFFIX)
                )
    progress("[start-up]")
    for cmd in cmds.values():  # one untimed run each: byte-compiles what the others will import
        run_process(cmd.argv, s.work, s.timeout, s.gnu_time, cmd.env)
    run_rounds("start-up", cmds, s.startup_rounds, s.startup_rounds, s)
    if overlay is not None and peer_results is not None:
        expected = read_expected(overlay)
        before = SMALL_SPEC.read_text(encoding="utf-8")
        for peer in s.peers:
            peer_cmd = cmds.get(peer.name + SMALL_SUFFIX)
            if peer_cmd is not None and peer_cmd.samples:
                peer_results[peer.name] = check_peer(peer, peer_cmd, before, "yaml", expected)
    return cmds
