"""Targets 7-11 (issue 13): against the fastest peer, validate's speed, apply's memory, start-up."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from benchmarks.basics.figures import fmt_ratio, ratio
from benchmarks.measuring.model import Document
from benchmarks.measuring.startup import SMALL_SUFFIX
from benchmarks.peers.results import PEER_NAMES, PeerResult
from benchmarks.targets.verdict import Verdict, at_least, at_most
from benchmarks.timing.commands import Command

# The documents issue 13 names for its targets (from ../shared/corpus); on others they are shown, not judged.
ISSUE13_APPLY_DOCS = frozenset({"github-api.json", "kubernetes-1.13.json", "github-api.yaml"})
ISSUE13_VALIDATING_DOCS = frozenset({"github-api.json"})
ISSUE13_MEMORY_DOCS = frozenset({"github-api.json"})


def fastest_peer(
    commands: Mapping[str, Command], results: Mapping[str, PeerResult], suffix: str = ""
) -> tuple[str, Command] | None:
    """The fastest peer (median wall) among those that exited 0 every time and applied the whole overlay."""
    best: tuple[str, Command] | None = None
    best_wall = 0.0
    for name in PEER_NAMES:
        cmd = commands.get(name + suffix)
        result = results.get(name)
        if cmd is None or cmd.wall is None or any(x.returncode for x in cmd.samples):
            continue
        if result is None or not result.ok:
            continue
        if best is None or cmd.wall < best_wall:
            best, best_wall = (name, cmd), cmd.wall
    return best


def succeeded(cmd: Command | None) -> Command | None:
    """`cmd` when it ran and exited 0 every time: a median over failed runs is no figure to compare."""
    if cmd is None or not cmd.samples or any(x.returncode for x in cmd.samples):
        return None
    return cmd


def has_peers(doc: Document) -> bool:
    return any(name in doc.commands and doc.commands[name].samples for name in PEER_NAMES)


def judge_issue13(
    docs: Sequence[Document],
    startup: Mapping[str, Command],
    min_ops: int,
    startup_peers: Mapping[str, PeerResult],
    peers_skipped: str,
) -> list[Verdict]:
    out: list[Verdict] = []
    clean = succeeded

    def judged(doc: Document, names: frozenset[str], passed: bool | None) -> bool | None:
        return passed if doc.name in names and doc.operations >= min_ops else None

    for doc in docs:
        c = doc.commands
        apply, validating = clean(c.get("apply")), clean(c.get("apply-validate"))
        if has_peers(doc):
            best = fastest_peer(c, doc.peers)
            why = "" if best is not None else "no peer applied the whole overlay"
            peer_wall = best[1].wall if best else None
            for target, ours, limit, names in (
                ("7 apply --no-validate <= 0.8x fastest peer", apply, 0.8, ISSUE13_APPLY_DOCS),
                ("8 validating apply <= 1.5x fastest peer", validating, 1.5, ISSUE13_VALIDATING_DOCS),
            ):
                r = ratio(ours.wall if ours else None, peer_wall)
                passed, margin = at_most(r, limit)
                out.append(
                    Verdict(
                        target,
                        doc.name,
                        f"{fmt_ratio(r, 3)} of {best[0]}" if best else "n/a",
                        judged(doc, names, passed),
                        why or ("" if ours else "our command failed or was not run"),
                        margin,
                    )
                )
        if "validate" in c and "validator" in c:
            v = c["validate"]
            speedup = ratio(c["validator"].wall, v.wall)
            mine = doc.verdicts.get("apigw-cognito", "n/a")
            theirs = doc.verdicts.get("openapi-spec-validator", "n/a")
            passed, margin = at_least(speedup, 5.0)
            same = mine == theirs
            out.append(
                Verdict(
                    "9 validate >= 5x faster than openapi-spec-validator, same verdict",
                    doc.name,
                    f"{fmt_ratio(speedup)} faster, {mine} / {theirs}",
                    # every corpus document (those given on the command line), whatever its size
                    None if doc.synthetic or passed is None else (passed and same),
                    "" if same else "verdicts differ",
                    margin,
                )
            )
        if doc.format == "json" and "json" in c:
            m = ratio(apply.rss_kb if apply else None, c["json"].rss_kb)
            passed, margin = at_most(m, 1.0)
            out.append(
                Verdict(
                    "10 apply peak RSS <= 1.0x json load+dump",
                    doc.name,
                    fmt_ratio(m, 3),
                    judged(doc, ISSUE13_MEMORY_DOCS, passed),
                    "" if apply else "apply failed",
                    margin,
                )
            )
    small = clean(startup.get("apply-small"))
    fmt_small = startup.get("openapi-format" + SMALL_SUFFIX)
    if fmt_small is not None:
        result = startup_peers.get("openapi-format")
        usable = clean(fmt_small) is not None and result is not None and result.ok
        r = ratio(small.wall if small else None, fmt_small.wall if usable else None)
        passed, margin = at_most(r, 1.0)
        stack = clean(startup.get("import-stack"))
        floor = ratio(stack.wall if stack else None, fmt_small.wall if usable else None)
        alone = f" (importing the libraries alone: {fmt_ratio(floor, 3)})" if floor else ""
        out.append(
            Verdict(
                "11 validating apply <= 1.0x openapi-format (start-up)",
                "specs/securepets.yaml",
                fmt_ratio(r, 3) + alone,
                passed,
                "" if usable else "openapi-format failed or did not apply the overlay",
                margin,
            )
        )
    if peers_skipped:
        for target in (
            "7 apply --no-validate <= 0.8x fastest peer",
            "8 validating apply <= 1.5x fastest peer",
            "11 validating apply <= 1.0x openapi-format (start-up)",
        ):
            out.append(Verdict(target, "-", "n/a", None, f"peers skipped: {peers_skipped}"))
    return out
