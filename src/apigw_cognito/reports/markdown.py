"""The markdown report, for pull-request comments and job summaries."""

from __future__ import annotations

from apigw_cognito.reports.model import Report
from apigw_cognito.reports.text import finding_line, summary_line


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Report) -> str:
    s = report.summary()
    status = "❌" if s["errors"] or s["open"] or s["undecided"] else "✅"
    lines = [
        f"### {status} apigw-cognito {report.command}: `{report.document}`",
        "",
        summary_line(report),
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
        lines += [f"- {_md_escape(finding_line(f))}" for f in report.findings]
        lines += ["", "</details>", ""]
    return "\n".join(lines)
