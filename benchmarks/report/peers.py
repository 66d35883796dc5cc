"""Issue 13's tables: our applies beside each peer, the ratios to the fastest, the peers' checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from benchmarks.basics.figures import count, fmt_ratio, ratio, secs
from benchmarks.basics.text import clip, table
from benchmarks.measuring.model import Document
from benchmarks.measuring.startup import SMALL_SUFFIX
from benchmarks.outputs.line_diff import LineDiff
from benchmarks.peers.results import PEER_NAMES, PeerResult
from benchmarks.targets.issue13 import fastest_peer, has_peers, succeeded
from benchmarks.timing.commands import Command


def tool_cell(cmd: Command | None, lines: LineDiff | None, result: PeerResult | None = None) -> str:
    """`0.58 s, 0 changed`: median wall and input lines changed; a peer's failure or skipped overlay said."""
    if cmd is None or not cmd.samples:
        return "n/a"
    failed = sorted({x.returncode for x in cmd.samples} - {0})
    text = secs(cmd.wall)
    if failed:
        return f"{text}, exit {','.join(map(str, failed))}"
    if lines is not None:
        text += f", {count(lines.changed)} changed"
    if result is not None and not result.ok:
        text += ", NOT APPLIED" if result.applied is not None else ", not checked"
    return text


def peer_rows(
    label: str,
    commands: Mapping[str, Command],
    ours: tuple[str, str],
    our_lines: tuple[LineDiff | None, LineDiff | None],
    results: Mapping[str, PeerResult],
    floor: Command | None,
    suffix: str = "",
) -> list[str]:
    no_validate, validating = commands.get(ours[0]), commands.get(ours[1])
    best = fastest_peer(commands, results, suffix)
    best_wall = best[1].wall if best else None
    row = [
        label,
        tool_cell(no_validate, our_lines[0]),
        tool_cell(validating, our_lines[1]),
        *[
            tool_cell(
                commands.get(name + suffix),
                results[name].lines if name in results else None,
                results.get(name),
            )
            for name in PEER_NAMES
        ],
        best[0] if best else "none",
        fmt_ratio(ratio(no_validate.wall if succeeded(no_validate) and no_validate else None, best_wall)),
        fmt_ratio(ratio(validating.wall if succeeded(validating) and validating else None, best_wall)),
        secs(floor.wall) if floor is not None and floor.samples else "",
    ]
    return row


def render_peers(
    docs: Sequence[Document],
    startup: Mapping[str, Command],
    startup_peers: Mapping[str, PeerResult],
    peers_skipped: str,
) -> str:
    """Issue 13's table: our two applies, each peer (time, input lines changed), the fastest, the ratios."""
    if peers_skipped:
        head = f"Peers skipped: {peers_skipped}. Our own applies:"
    else:
        head = (
            "Against the peers (medians, alternating in one run; changed: input lines removed or rewritten):"
        )
    rows: list[list[str]] = [
        [
            "document",
            "apply --no-validate",
            "apply (validating)",
            *PEER_NAMES,
            "fastest peer",
            "no-validate/fastest",
            "validating/fastest",
            "floor",
        ]
    ]
    for doc in docs:
        if "apply-validate" not in doc.commands and not has_peers(doc):
            continue
        floor = doc.commands.get("json") or doc.commands.get("ruamel")
        validated_lines = doc.lines if doc.validated_same else None
        rows.append(
            peer_rows(
                doc.name,
                doc.commands,
                ("apply", "apply-validate"),
                (doc.lines, validated_lines),
                doc.peers,
                floor,
            )
        )
    if "apply-small" in startup:
        rows.append(
            peer_rows(
                "securepets.yaml (start-up)",
                startup,
                ("apply-small-no-validate", "apply-small"),
                (None, None),
                startup_peers,
                startup.get("import-json"),
                SMALL_SUFFIX,
            )
        )
    parts = [head, table(rows, right=frozenset({5, 6, 7}))]
    if peers_skipped:
        return "\n".join(parts)
    detail = [
        [
            "document",
            "tool",
            "version",
            "lines changed",
            "inserted",
            "overlay applied",
            "comments kept",
            "notes",
        ]
    ]
    labelled = [(doc.name, doc.peers) for doc in docs] + [("securepets.yaml", dict(startup_peers))]
    for name, results in labelled:
        first = True
        for tool, r in results.items():
            applied = r.applied.summary() if r.applied is not None else "n/a"
            comments = f"{count(r.comments[1])} of {count(r.comments[0])}" if r.comments else ""
            detail.append(
                [
                    name if first else "",
                    tool,
                    r.version,
                    f"{count(r.lines.changed)} of {count(r.lines.input_lines)}" if r.lines else "n/a",
                    count(r.lines.inserted) if r.lines else "",
                    ("" if r.ok else "NO: ") + applied,
                    comments,
                    clip("; ".join(r.notes), 100),
                ]
            )
            first = False
    if len(detail) > 1:
        parts += ["", table(detail, right=frozenset({3, 4}))]
    return "\n".join(parts)
