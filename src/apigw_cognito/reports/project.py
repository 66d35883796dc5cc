"""The combined report of a run over every configured API, in each report format, and its exit code."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from apigw_cognito.reports.junit import junit_xml
from apigw_cognito.reports.model import REPORT_VERSION, ApiOutcome, Failure
from apigw_cognito.reports.render import RENDERERS
from apigw_cognito.reports.sarif import render_sarif_many
from apigw_cognito.reports.text import count_of, render_text


def exit_code(outcomes: Sequence[ApiOutcome]) -> int:
    return max((o.exit_code for o in outcomes), default=0)


def summary_line(command: str, outcomes: Sequence[ApiOutcome]) -> str:
    failed = [o for o in outcomes if not o.ok]
    passed = len(outcomes) - len(failed)
    head = f"{command}: {count_of(len(outcomes), 'API')}, {passed} passed, {len(failed)} failed"
    if not failed:
        return head
    return head + ": " + ", ".join(f"{o.name} ({o.status})" for o in failed)


def failures(outcomes: Sequence[ApiOutcome]) -> list[Failure]:
    return [Failure(o.name, o.error, o.exit_code) for o in outcomes if o.error is not None]


def render(command: str, outcomes: Sequence[ApiOutcome], fmt: str, *, full: bool = False) -> tuple[str, str]:
    """(what goes to the report stream, a summary for standard error when the report is machine-read);
    `full` as in `text.render_text`."""
    reports = [o.report for o in outcomes if o.report is not None]
    summary = summary_line(command, outcomes)
    if fmt == "sarif":
        return render_sarif_many(reports, failures(outcomes)), summary + "\n"
    if fmt == "junit":
        return junit_xml(reports, failures(outcomes)), summary + "\n"
    if fmt == "json":
        body: dict[str, Any] = {
            "tool": "apigw-cognito",
            "report_version": REPORT_VERSION,
            "command": command,
            "apis": [
                {
                    "name": o.name,
                    "exit_code": o.exit_code,
                    "status": o.status,
                    "error": o.error,
                    "report": json.loads(RENDERERS["json"](o.report)) if o.report is not None else None,
                }
                for o in outcomes
            ],
            "summary": {
                "apis": len(outcomes),
                "passed": sum(1 for o in outcomes if o.ok),
                "failed": [o.name for o in outcomes if not o.ok],
            },
        }
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n", summary + "\n"
    if fmt == "markdown":
        parts = []
        mark = "❌" if any(not o.ok for o in outcomes) else "✅"
        parts.append(f"## {mark} apigw-cognito {command}: {count_of(len(outcomes), 'API')}\n\n")
        parts.append("| API | Result |\n|---|---|\n")
        parts.extend(f"| {o.name} | {'✅' if o.ok else '❌'} {o.status} |\n" for o in outcomes)
        parts.append("\n")
        for o in outcomes:
            if o.report is not None:
                parts.append(RENDERERS["markdown"](o.report).rstrip("\n") + "\n\n")
            else:
                parts.append(f"### ❌ `{o.name}`: {o.status}\n\n```\n{o.error}\n```\n\n")
        return "".join(parts), ""
    parts = []
    for o in outcomes:
        parts.append(f"== {o.name}: {o.status}\n")
        if o.report is not None:
            parts.append(render_text(o.report, full=full))
        else:
            parts.append(f"error: {o.error}\n")
        parts.append("\n")
    parts.append(summary + "\n")
    return "".join(parts), ""
