"""Commands run in rounds, alternating; the overlay the peers are given, and their commands."""

from __future__ import annotations

import hashlib
from pathlib import Path

from benchmarks.basics.text import last_line, progress
from benchmarks.measuring.model import Settings
from benchmarks.timing.commands import Command, rotated
from benchmarks.timing.processes import run_process

SLOW = frozenset({"ruamel", "validator", "validate"})


def run_rounds(
    label: str, cmds: dict[str, Command], rounds: int, slow_rounds: int, s: Settings
) -> list[bytes]:
    """Run every command `rounds` times (slow ones `slow_rounds` times), alternating; apply output digests."""
    digests: list[bytes] = []
    names = list(cmds)
    for turn in range(rounds):
        for name in rotated(names, turn):
            if name in SLOW and turn >= slow_rounds:
                continue
            cmd = cmds[name]
            if cmd.output is not None:
                cmd.output.unlink(missing_ok=True)
            sample, out, err = run_process(cmd.argv, s.work, s.timeout, s.gnu_time, cmd.env)
            cmd.samples.append(sample)
            cmd.stdout, cmd.stderr = out, err
            status = "" if sample.returncode == 0 else f"  exit {sample.returncode}"
            progress(
                f"  {label} round {turn + 1}/{rounds} {name:<10} {sample.wall:8.3f} s "
                f"{sample.rss_kb / 1024:8.1f} MB{status}"
            )
            if name == "apply" and cmd.output is not None and cmd.output.exists():
                digests.append(hashlib.sha256(cmd.output.read_bytes()).digest())
    return digests


def emit_overlay(s: Settings, document: Path, selector: Path, overlay: Path, scratch: Path) -> str:
    """Write the change `apply` makes to `document` as an Overlay, once and untimed: '' or what went wrong."""
    overlay.unlink(missing_ok=True)
    argv = [
        str(s.cli),
        "apply",
        str(document),
        "--selector",
        str(selector),
        "--no-validate",
        "-o",
        str(scratch),
        "--emit-overlay",
        str(overlay),
    ]
    sample, out, err = run_process(argv, s.work, s.timeout, s.gnu_time)
    scratch.unlink(missing_ok=True)
    if sample.returncode != 0 or not overlay.exists():
        return f"apply --emit-overlay failed (exit {sample.returncode}): {last_line(err or out)}"
    return ""


def peer_commands(
    document: Path, fmt: str, overlay: Path, out_stem: Path, s: Settings, suffix: str = ""
) -> dict[str, Command]:
    """One command per peer, writing `out_stem`.<peer><document's extension>: YAML in, YAML out."""
    cmds: dict[str, Command] = {}
    for peer in s.peers:
        out = out_stem.with_name(f"{out_stem.name}.{peer.name}{document.suffix}")
        name = peer.name + suffix
        cmds[name] = Command(name, peer.argv(document, overlay, out, fmt), out, env=peer.env())
    return cmds
