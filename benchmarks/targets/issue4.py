"""Targets 0-6 (issue 4): lines changed, time and memory against the baselines, growth, start-up."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from benchmarks.basics.figures import fmt_ratio, per_operation_growth, ratio
from benchmarks.measuring.model import Document
from benchmarks.targets.verdict import Verdict
from benchmarks.timing.commands import Command


def judge_issue4(docs: Sequence[Document], startup: Mapping[str, Command], min_ops: int) -> list[Verdict]:
    """Targets 0-6: every document's lines, its ratios to the baselines, growth, and the start-up rounds."""
    out: list[Verdict] = []

    def ok(doc: Document, cond: bool) -> bool | None:
        """Small documents measure start-up more than work: shown, not judged."""
        return cond if doc.operations >= min_ops else None

    for doc in docs:
        c = doc.commands
        apply = c.get("apply")
        apply_ok = apply is not None and bool(apply.samples) and all(x.returncode == 0 for x in apply.samples)
        failed = "" if apply_ok else "apply failed"
        changed = doc.lines.changed if doc.lines else None
        replaced = doc.already_secured > 0 and bool(changed)
        out.append(
            Verdict(
                "0 apply changes no input line (inserts only)",
                doc.name,
                "n/a" if doc.lines is None else f"{doc.lines.changed} of {doc.lines.input_lines}",
                # judged at every size (it does not depend on timing), unless the document already had
                # `security` on some operations, which the worst-case selector must replace
                None if replaced else changed == 0,
                failed or (f"{doc.already_secured} operations had security to replace" if replaced else ""),
            )
        )
        if doc.format == "json" and "json" in c:
            r = ratio(apply.wall if apply_ok and apply else None, c["json"].wall)
            out.append(
                Verdict(
                    "1 JSON apply <= 2x json load+dump",
                    doc.name,
                    fmt_ratio(r),
                    ok(doc, r is not None and r <= 2.0),
                    failed,
                )
            )
            m = ratio(apply.rss_kb if apply_ok and apply else None, c["json"].rss_kb)
            out.append(
                Verdict(
                    "4 JSON apply peak RSS <= 1.5x baseline",
                    doc.name,
                    fmt_ratio(m),
                    ok(doc, m is not None and m <= 1.5),
                    failed,
                )
            )
        if doc.format == "yaml" and "ruamel" in c:
            speedup = ratio(c["ruamel"].wall, apply.wall if apply_ok and apply else None)
            why = failed or ("" if changed == 0 else f"{changed} input lines changed")
            out.append(
                Verdict(
                    "2 YAML apply >= 10x faster than ruamel, 0 lines changed",
                    doc.name,
                    f"{fmt_ratio(speedup)} faster, {changed if changed is not None else 'n/a'} changed",
                    ok(doc, speedup is not None and speedup >= 10 and changed == 0),
                    why,
                )
            )
        if "validate" in c and "validator" in c:
            v = c["validate"]
            speedup = ratio(c["validator"].wall, v.wall)
            mine = doc.verdicts.get("apigw-cognito", "n/a")
            theirs = doc.verdicts.get("openapi-spec-validator", "n/a")
            same = mine == theirs
            out.append(
                Verdict(
                    "3 validate >= 3x faster than openapi-spec-validator, same verdict",
                    doc.name,
                    f"{fmt_ratio(speedup)} faster, {mine} / {theirs}",
                    ok(doc, speedup is not None and speedup >= 3 and same),
                    "" if same else "verdicts differ",
                )
            )
    # 5: growth of time per operation from 10,000 to 100,000 synthetic operations, per kind of document.
    by_kind: dict[tuple[str, str], dict[int, Document]] = {}
    for doc in docs:
        if doc.synthetic:
            by_kind.setdefault((doc.version, doc.format), {})[doc.operations] = doc
    for (version, fmt), sizes in sorted(by_kind.items()):
        if 10000 in sizes and 100000 in sizes:
            small, large = sizes[10000].commands["apply"], sizes[100000].commands["apply"]
            growth = None
            if small.wall is not None and large.wall is not None:
                growth = per_operation_growth((10000, small.wall), (100000, large.wall))
            broken = any(x.returncode for x in small.samples + large.samples)
            out.append(
                Verdict(
                    "5 time/operation at 100,000 <= 1.5x at 10,000",
                    f"synthetic {version} {fmt}",
                    fmt_ratio(growth),
                    growth is not None and growth <= 1.5 and not broken,
                    "apply failed" if broken else "",
                )
            )
    base = startup.get("import-json")
    for name in ("help", "apply-small", "apply-small-no-validate"):
        cmd = startup.get(name)
        if cmd is None or base is None:
            continue
        r = ratio(cmd.wall, base.wall)
        exited = any(x.returncode for x in cmd.samples)
        out.append(
            Verdict(
                f"6 {name} < 2x python -c 'import json'",
                "specs/securepets.yaml" if name != "help" else "-",
                fmt_ratio(r),
                # apply without validation is shown for information: the target is about plain `apply`
                None if name == "apply-small-no-validate" else (r is not None and r < 2.0 and not exited),
                f"exit {cmd.samples[-1].returncode}" if exited else "",
            )
        )
    return out
