"""The text report: an operation table, findings, notes and a summary line, for terminals."""

from __future__ import annotations

from collections.abc import Sequence

from apigw_cognito.basics.errors import Finding
from apigw_cognito.reports.model import Report


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
    if report.command == "apply":
        parts.append(f"{s['changed']} changed")
        changed = sum(1 for _, c in report.schemes if c)
        parts.append(f"{changed} of {count_of(len(report.schemes), 'scheme')} changed")
    parts += [count_of(s["errors"], "error"), count_of(s["warnings"], "warning")]
    return ", ".join(parts)


def render_text(report: Report) -> str:
    lines: list[str] = []
    if report.rows:
        show_changed = report.command == "apply"
        headers = ["METHOD", "PATH", "AUTHORIZATION", "BY"] + (["CHANGED"] if show_changed else [])
        table = [
            [r.method, r.path, r.auth_label, r.rule or ""]
            + (["yes" if r.changed else "no"] if show_changed else [])
            for r in report.rows
        ]
        lines += table_lines(headers, table)
        lines.append("")
    lines += [finding_line(f) for f in report.findings]
    lines += report.notes
    lines.append(f"{report.document or ''}: {summary_line(report)}".lstrip(": "))
    return "\n".join(lines) + "\n"
