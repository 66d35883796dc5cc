"""The tables a run prints: every command, the lines changed, the peers, the targets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from benchmarks.basics.figures import fmt_ratio, ratio, secs
from benchmarks.basics.text import clip, table
from benchmarks.measuring.model import Document
from benchmarks.peers.results import PeerResult
from benchmarks.report.peers import render_peers
from benchmarks.targets.verdict import Verdict, target_order
from benchmarks.timing.commands import Command

REFERENCE = {"apply": ("json", "ruamel"), "apply-validate": ("json", "ruamel"), "validate": ("validator",)}


def render(
    docs: Sequence[Document],
    startup: Mapping[str, Command],
    verdicts: Sequence[Verdict],
    startup_peers: Mapping[str, PeerResult] | None = None,
    peers_skipped: str = "",
) -> str:
    rows: list[list[str]] = [
        [
            "document",
            "ops",
            "MB",
            "command",
            "runs",
            "wall median",
            "min-max",
            "RSS MB",
            "vs baseline",
            "µs/op",
        ]
    ]
    for doc in docs:
        first = True
        for name, cmd in doc.commands.items():
            if not cmd.samples:
                continue
            compare = ""
            for ref in REFERENCE.get(name, ()):
                other = doc.commands.get(ref)
                if other is not None and other.wall and cmd.wall:
                    compare = f"{fmt_ratio(cmd.wall / other.wall)} {ref}"
                    break
            errors = {x.returncode for x in cmd.samples} - {0}
            if errors and not (name in ("validate", "validator") and errors <= {1}):
                compare = f"exit {','.join(map(str, sorted(errors)))}"
            per_op = f"{cmd.wall / doc.operations * 1e6:.1f}" if name == "apply" and cmd.wall else ""
            rows.append(
                [
                    doc.name if first else "",
                    str(doc.operations) if first else "",
                    f"{doc.megabytes:.1f}" if first else "",
                    name,
                    str(len(cmd.samples)),
                    secs(cmd.wall),
                    f"{secs(min(x.wall for x in cmd.samples))}-{secs(max(x.wall for x in cmd.samples))}",
                    f"{(cmd.rss_kb or 0) / 1024:.0f}",
                    compare,
                    per_op,
                ]
            )
            first = False
    for name, cmd in startup.items():
        if cmd.samples:
            base = startup.get("import-json")
            rows.append(
                [
                    "start-up" if name == "import-json" else "",
                    "",
                    "",
                    name,
                    str(len(cmd.samples)),
                    secs(cmd.wall),
                    f"{secs(min(x.wall for x in cmd.samples))}-{secs(max(x.wall for x in cmd.samples))}",
                    f"{(cmd.rss_kb or 0) / 1024:.0f}",
                    ""
                    if name == "import-json" or base is None
                    else f"{fmt_ratio(ratio(cmd.wall, base.wall))} import",
                    "",
                ]
            )
    parts = [table(rows, right=frozenset({1, 2, 4, 5, 7, 9}))]

    line_rows = [
        ["document", "input lines", "output lines", "lines inserted", "lines changed", "coverage", "notes"]
    ]
    for doc in docs:
        cov = ""
        if doc.coverage is not None:
            c = doc.coverage
            cov = (
                f"{c.secured}/{c.operations - c.preflights} secured, "
                f"{c.public_preflights}/{c.preflights} OPTIONS public"
            )
        notes = list(doc.notes)
        if "apigw-cognito codes" in doc.verdicts:
            notes.append(f"validate: {doc.verdicts['apigw-cognito codes']}")
        if doc.lines is None:
            line_rows.append([doc.name, "", "", "", "n/a", cov, clip("; ".join(notes))])
            continue
        ln = doc.lines
        notes += [f"line {k}: {text[:60]!r}" for k, text in ln.examples[:2]]
        line_rows.append(
            [
                doc.name,
                str(ln.input_lines),
                str(ln.output_lines),
                str(ln.inserted),
                str(ln.changed),
                cov,
                clip("; ".join(notes)),
            ]
        )
    parts.append(table(line_rows, right=frozenset({1, 2, 3, 4})))
    parts.append(render_peers(docs, startup, startup_peers or {}, peers_skipped))
    parts.extend(render_verdicts(verdicts))
    return "\n\n".join(parts)


def render_verdicts(verdicts: Sequence[Verdict]) -> list[str]:
    """The targets, one row per document (PASS, FAIL or info, with how much they met or missed by), and a
    summary per target."""
    verdict_rows = [["target", "document", "measured", "result"]]
    verdicts = sorted(verdicts, key=lambda v: target_order(v.target))  # stable: documents keep their order
    for v in verdicts:
        result = "info" if v.passed is None else ("PASS" if v.passed else "FAIL")
        said = "; ".join(x for x in (v.margin, v.why) if x)
        verdict_rows.append([v.target, v.document, v.measured, result + (f" ({said})" if said else "")])
    parts = [table(verdict_rows)]
    summary = []
    for target in dict.fromkeys(v.target for v in verdicts):
        judged = [v.passed for v in verdicts if v.target == target and v.passed is not None]
        state = "not judged" if not judged else ("PASS" if all(judged) else "FAIL")
        summary.append(f"  {state:<10} {target}")
    parts.append("Targets:\n" + "\n".join(summary))
    return parts
