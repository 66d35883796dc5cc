"""The JSON report: every field of the model, for scripts (`--report json`)."""

from __future__ import annotations

import json
from typing import Any

from apigw_cognito.basics.errors import Location
from apigw_cognito.reports.model import REPORT_VERSION, Report


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
                "apiKeyRequired": r.api_key,
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
