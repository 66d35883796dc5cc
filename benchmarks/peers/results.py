"""What a peer's output did to the document: apply's checks, and whether the overlay took effect."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.basics.text import clip, last_line
from benchmarks.outputs.coverage import YAML_COVERAGE_MAX_BYTES, Coverage, coverage, load_data
from benchmarks.outputs.line_diff import LineDiff, line_diff
from benchmarks.peers import tools as peer_tools
from benchmarks.timing.commands import Command

PEER_NAMES: tuple[str, ...] = tuple(peer_tools.PEERS)


@dataclass
class PeerResult:
    """What a peer tool's output did to the document: apply's checks, plus whether the overlay took effect."""

    tool: str
    version: str
    lines: LineDiff | None = None  # input lines removed or rewritten, by the function used for apply
    applied: peer_tools.OverlayCheck | None = None  # every operation has the overlay's `security`?
    coverage: Coverage | None = None
    comments: tuple[int, int] | None = None  # full-line comments in the input and in the output (YAML)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Ran, wrote an output, and the output holds every change of the overlay."""
        return self.applied is not None and self.applied.complete


def read_expected(overlay: Path) -> peer_tools.Expected | None:
    try:
        return peer_tools.expected_from_overlay(json.loads(overlay.read_bytes()))
    except (OSError, ValueError):
        return None


def check_peer(
    peer: peer_tools.Peer, cmd: Command, before: str, fmt: str, expected: peer_tools.Expected | None
) -> PeerResult:
    """Lines changed, format, coverage and whether the overlay's changes are in the peer's last output."""
    result = PeerResult(peer.name, peer.version)
    failed = [x.returncode for x in cmd.samples if x.returncode != 0]
    if failed:
        result.notes.append(f"{peer.name} failed (exit {failed[0]}): {last_line(cmd.stderr or cmd.stdout)}")
        return result
    if cmd.output is None or not cmd.output.exists():
        result.notes.append(f"{peer.name} wrote no output")
        return result
    raw = cmd.output.read_bytes()
    text = raw.decode("utf-8", "surrogateescape")
    result.lines = line_diff(before, text)
    is_json = peer_tools.looks_like_json(text)
    if is_json != (fmt == "json"):
        result.notes.append(f"output is {'JSON' if is_json else 'YAML'}, input {fmt.upper()}")
    if fmt == "yaml":
        result.comments = (peer_tools.full_line_comments(before), peer_tools.full_line_comments(text))
    if not is_json and len(raw) > YAML_COVERAGE_MAX_BYTES:
        result.notes.append(f"output not checked: YAML over {YAML_COVERAGE_MAX_BYTES // 1_000_000} MB")
        return result
    try:
        data = load_data(cmd.output, "json" if is_json else "yaml")
    except Exception as exc:  # the output must parse; say so when it does not
        result.notes.append(f"output does not parse: {type(exc).__name__}: {clip(str(exc), 200)}")
        return result
    result.coverage = coverage(data)
    if expected is None:
        result.notes.append("overlay unreadable: its changes not checked")
    else:
        result.applied = peer_tools.check_overlay_applied(expected, data)
        if not result.applied.complete:
            result.notes.append(
                "OVERLAY NOT APPLIED: " + "; ".join([result.applied.summary(), *result.applied.examples])
            )
    return result
