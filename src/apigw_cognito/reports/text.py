"""The text report: an operation table, findings, notes and a summary line, for terminals."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from apigw_cognito.basics.errors import Finding
from apigw_cognito.reports.model import Report, Row


def table_lines(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()
    out = [line, "  ".join("-" * w for w in widths)]
    out.extend("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)
    return out


def finding_line(f: Finding) -> str:
    where = f"{f.location}: " if f.location else ""
    return f"{where}{f.level} {f.code}: {f.message}"


def count_of(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(report: Report) -> str:
    s = report.summary()
    parts = []
    if report.rows:
        parts += [count_of(s["operations"], "operation"), f"{s['secured']} secured", f"{s['public']} public"]
        parts.append(f"{s['open']} open")
        if s["undecided"]:
            parts.append(f"{s['undecided']} undecided")
    if report.command == "apply" and report.delivery in (None, "written"):
        # What the secured document changes from the input; said only where that document is written.
        parts.append(f"{s['changed']} changed")
        changed = sum(1 for _, c in report.schemes if c)
        parts.append(f"{changed} of {count_of(len(report.schemes), 'scheme')} changed")
    elif report.command == "apply":
        parts.append(
            f"output {report.delivery}" if report.delivery != "nothing written" else "nothing written"
        )
    parts += [count_of(s["errors"], "error"), count_of(s["warnings"], "warning")]
    return ", ".join(parts)


SHOWN_PER_WARNING = 5  # repeats of one warning code the sized report shows
SCREEN_ROWS = 40  # more rows than this to list, and the sized report counts them per rule instead


def attention_rows(report: Report) -> list[Row]:
    """The rows of an `apply` report a person needs to see: what changed, and what needs attention (an
    operation no rule decides, or one an error is about). Warnings are listed below the table anyway."""
    attention = {id(row) for row in needs_attention(report)}
    return [row for row in report.rows if row.changed or id(row) in attention]


def needs_attention(report: Report) -> list[Row]:
    """The rows no summary may hide: an operation no rule decides, an OPEN one, or one an error is about."""
    flagged = {f.location for f in report.errors if f.location is not None}
    return [r for r in report.rows if r.decision in ("unmatched", "OPEN") or r.location in flagged]


def rule_summary(report: Report) -> list[str]:
    """One line per rule of an `apply` run: what it selects and gives, the operations it decided and how
    many of them change; for a first run over a big document, instead of a row per operation."""
    decided: Counter[str] = Counter()
    changed: Counter[str] = Counter()
    for row in report.rows:
        decided[row.rule or ""] += 1
        changed[row.rule or ""] += bool(row.changed)
    table = [
        [r.label, r.selects, r.authorization, f"{decided[r.label]:,}", f"{changed[r.label]:,}"]
        for r in report.rules
    ]
    return table_lines(["RULE", "SELECTS", "AUTHORIZATION", "DECIDED", "CHANGED"], table)


def sized_findings(findings: Sequence[Finding]) -> list[str]:
    """Finding lines with each warning code shown `SHOWN_PER_WARNING` times and then counted: a document
    without integrations has one AGC205 per operation, 1,223 on GitHub's description. Errors are all
    shown: each must be fixed."""
    lines: list[str] = []
    seen: Counter[str] = Counter()
    for f in findings:
        seen[f.code] += 1
        if f.level == "error" or seen[f.code] <= SHOWN_PER_WARNING:
            lines.append(finding_line(f))
    for code, count in seen.items():
        hidden = count - SHOWN_PER_WARNING
        if hidden > 0 and all(f.level != "error" for f in findings if f.code == code):
            lines.append(
                f"... and {count_of(hidden, f'other {code} warning')} like these (--full-report lists them)"
            )
    return lines


def render_text(report: Report, *, full: bool = False) -> str:
    """The report for a terminal. An `apply` report shows only `attention_rows` and `sized_findings`
    unless `full`, and counts what it left out: on a big document the whole table would bury what
    matters. When more than `SCREEN_ROWS` rows changed (a first run), the `rule_summary` counts them per
    rule and only the rows that `needs_attention` are listed. Other commands, and the machine formats,
    always show everything."""
    lines: list[str] = []
    show_changed = report.command == "apply"
    sized = show_changed and not full
    rows = attention_rows(report) if sized else report.rows
    # Per rule only where that is shorter: a selector with a rule per operation keeps its rows.
    if sized and len(rows) > SCREEN_ROWS and 0 < len(report.rules) < len(rows):
        rows = needs_attention(report)
        lines += rule_summary(report)
        listed = {id(r) for r in rows}
        counted = sum(1 for r in report.rows if r.changed and id(r) not in listed)
        lines.append(
            f"({count_of(counted, 'changed operation')} counted per rule above, not listed;"
            " --full-report lists every row)"
        )
        lines += [""] if rows else []
    if rows:
        headers = ["METHOD", "PATH", "AUTHORIZATION", "BY"] + (["CHANGED"] if show_changed else [])
        table = [
            [r.method, r.path, r.auth_label, r.rule or ""]
            + (["yes" if r.changed else "no"] if show_changed else [])
            for r in rows
        ]
        lines += table_lines(headers, table)
    shown = {id(r) for r in rows}
    left_out = sum(1 for r in report.rows if not r.changed and id(r) not in shown)
    if left_out:
        lines.append(
            f"({count_of(left_out, 'unchanged operation')} not shown; --full-report shows every row)"
        )
    if report.rows:
        lines.append("")
    lines += sized_findings(report.findings) if sized else [finding_line(f) for f in report.findings]
    lines += report.notes
    lines.append(f"{report.document or ''}: {summary_line(report)}".lstrip(": "))
    return "\n".join(lines) + "\n"
