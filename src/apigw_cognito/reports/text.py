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


def attention_rows(report: Report) -> list[Row]:
    """The rows of an `apply` report a person needs to see: what changed, and what needs attention (an
    operation no rule decides, or one an error is about). Warnings are listed below the table anyway."""
    flagged = {f.location for f in report.errors if f.location is not None}
    return [
        row
        for row in report.rows
        if row.changed or row.decision in ("unmatched", "OPEN") or row.location in flagged
    ]


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
    matters. Other commands, and the machine formats, always show everything."""
    lines: list[str] = []
    show_changed = report.command == "apply"
    sized = show_changed and not full
    rows = attention_rows(report) if sized else report.rows
    if rows:
        headers = ["METHOD", "PATH", "AUTHORIZATION", "BY"] + (["CHANGED"] if show_changed else [])
        table = [
            [r.method, r.path, r.auth_label, r.rule or ""]
            + (["yes" if r.changed else "no"] if show_changed else [])
            for r in rows
        ]
        lines += table_lines(headers, table)
    left_out = len(report.rows) - len(rows)
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
