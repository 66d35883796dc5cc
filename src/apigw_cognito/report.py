"""Reports: one model of what a command found, and one renderer per output format."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .access import Access
from .errors import Finding, Location
from .transform import Decision

REPORT_VERSION = 1


@dataclass(frozen=True)
class Row:
    """One operation in a report table."""

    method: str
    path: str
    operation_id: str | None
    decision: str  # secured | public | OPEN | lambda | iam | api_key | unmatched
    authorizer: str | None = None
    scopes: tuple[str, ...] = ()
    rule: str | None = None
    changed: bool | None = None
    location: Location | None = None

    @property
    def auth_label(self) -> str:
        if self.decision == "secured":
            scopes = f" [{', '.join(self.scopes)}]" if self.scopes else ""
            return f"{self.authorizer}{scopes}"
        if self.decision in ("lambda", "iam"):
            return f"{self.decision}: {self.authorizer}"
        return self.decision


@dataclass
class Report:
    command: str
    document: str | None = None
    openapi: str | None = None
    rows: list[Row] = field(default_factory=list)
    schemes: list[tuple[str, bool]] = field(default_factory=list)  # (name, changed)
    findings: list[Finding] = field(default_factory=list)
    output: str | None = None  # where the result went, or None for standard output
    wrote: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]

    def summary(self) -> dict[str, int]:
        counts = {"operations": len(self.rows), "secured": 0, "public": 0, "open": 0, "changed": 0}
        for row in self.rows:
            if row.decision == "secured":
                counts["secured"] += 1
            elif row.decision == "public":
                counts["public"] += 1
            elif row.decision in ("OPEN", "unmatched"):
                counts["open"] += 1
            if row.changed:
                counts["changed"] += 1
        counts["errors"] = len(self.errors)
        counts["warnings"] = len(self.warnings)
        return counts


def rows_from_decisions(decisions: Sequence[Decision], unmatched: Sequence[Row] = ()) -> list[Row]:
    rows = [
        Row(
            method=d.operation.method,
            path=d.operation.path,
            operation_id=d.operation.operation_id,
            decision=d.kind,
            authorizer=d.authorizer,
            scopes=d.scopes,
            rule=d.reason,
            changed=d.changed,
            location=d.location,
        )
        for d in decisions
    ]
    return rows + list(unmatched)


def rows_from_access(access: Sequence[Access]) -> list[Row]:
    names = {"cognito": "secured", "open": "OPEN"}
    return [
        Row(
            method=a.operation.method,
            path=a.operation.path,
            operation_id=a.operation.operation_id,
            decision=names.get(a.kind, a.kind),
            authorizer=a.authorizer,
            scopes=a.scopes,
            rule=a.note or None,
            location=a.location,
        )
        for a in access
    ]


def _location_json(location: Location | None) -> dict[str, Any] | None:
    if location is None:
        return None
    return {"file": location.file, "line": location.line, "column": location.column}


def render_json(report: Report) -> str:
    body = {
        "tool": "apigw-cognito",
        "report_version": REPORT_VERSION,
        "command": report.command,
        "document": report.document,
        "openapi": report.openapi,
        "output": report.output,
        "wrote": report.wrote,
        "operations": [
            {
                "method": r.method,
                "path": r.path,
                "operationId": r.operation_id,
                "decision": r.decision,
                "authorizer": r.authorizer,
                "scopes": list(r.scopes),
                "rule": r.rule,
                "changed": r.changed,
                "location": _location_json(r.location),
            }
            for r in report.rows
        ],
        "schemes": [{"name": name, "changed": changed} for name, changed in report.schemes],
        "findings": [
            {
                "level": f.level,
                "code": f.code,
                "message": f.message,
                "location": _location_json(f.location),
                "pointer": [str(p) for p in f.pointer],
            }
            for f in report.findings
        ],
        "summary": report.summary(),
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()
    out = [line, "  ".join("-" * w for w in widths)]
    out.extend("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)
    return out


def _finding_line(f: Finding) -> str:
    where = f"{f.location}: " if f.location else ""
    return f"{where}{f.level} {f.code}: {f.message}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _summary_line(report: Report) -> str:
    s = report.summary()
    parts = []
    if report.rows:
        parts += [_count(s["operations"], "operation"), f"{s['secured']} secured", f"{s['public']} public"]
        parts.append(f"{s['open']} open")
    if report.command == "apply":
        parts.append(f"{s['changed']} changed")
        changed = sum(1 for _, c in report.schemes if c)
        parts.append(f"{changed} of {_count(len(report.schemes), 'scheme')} changed")
    parts += [_count(s["errors"], "error"), _count(s["warnings"], "warning")]
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
        lines += _table(headers, table)
        lines.append("")
    lines += [_finding_line(f) for f in report.findings]
    lines += report.notes
    lines.append(f"{report.document or ''}: {_summary_line(report)}".lstrip(": "))
    return "\n".join(lines) + "\n"


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Report) -> str:
    s = report.summary()
    status = "❌" if s["errors"] or s["open"] else "✅"
    lines = [
        f"### {status} apigw-cognito {report.command}: `{report.document}`",
        "",
        _summary_line(report),
        "",
    ]
    lines += [f"> {_md_escape(note)}\n" for note in report.notes]  # "would change", "nothing was written"
    if report.rows:
        lines += ["| Method | Path | Authorization | By |", "|---|---|---|---|"]
        for r in report.rows:
            auth = f"**{r.auth_label}**" if r.decision in ("OPEN", "unmatched") else r.auth_label
            cells = [r.method, f"`{_md_escape(r.path)}`", _md_escape(auth), _md_escape(r.rule or "")]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    if report.findings:
        lines += ["<details><summary>Findings</summary>", ""]
        lines += [f"- {_md_escape(_finding_line(f))}" for f in report.findings]
        lines += ["", "</details>", ""]
    return "\n".join(lines)


def render_sarif(report: Report) -> str:
    """SARIF 2.1.0, for code scanning (see `report_formats`)."""
    from .report_formats import render_sarif

    return render_sarif(report)


def render_junit(report: Report) -> str:
    """JUnit XML, for CI test views (see `report_formats`)."""
    from .report_formats import render_junit

    return render_junit(report)


RENDERERS: dict[str, Callable[[Report], str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
    "sarif": render_sarif,
    "junit": render_junit,
}
