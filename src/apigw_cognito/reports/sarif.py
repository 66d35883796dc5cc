"""The SARIF 2.1.0 report, for code scanning.

It takes one report or several (a project run over every configured API), plus the APIs that could not be
checked at all, which it lists as failed tool executions.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from apigw_cognito.basics.codes import CODES
from apigw_cognito.basics.errors import Finding, Location
from apigw_cognito.reports.model import Failure, Report

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://pypi.org/project/apigw-cognito/"
_SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
# Findings that mean a method would be reachable without a token: code scanning ranks them high.
_SECURITY_SEVERITY = {"AGC101": "8.0", "AGC501": "8.0", "AGC502": "8.0", "AGC204": "4.0", "AGC202": "4.0"}


def _tool_version() -> str:
    # 25 ms to import: only SARIF reports need the installed version.
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        return version("apigw-cognito")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def artifact_uri(path: str) -> str | None:
    """`path` as a SARIF artifact URI: relative paths stay relative (to the checkout), with `/` separators."""
    if not path or path.startswith("<"):
        return None  # standard input has no file for a viewer to open
    if "://" in path:  # a live method (apigateway://<region>/<id>/<METHOD><path>) is already a URI
        return quote(path, safe=":/-._~")
    if os.path.isabs(path):
        return Path(path).as_uri()
    return quote(path.replace(os.sep, "/"), safe="/-._~")


def _physical(location: Location | None, fallback: str | None) -> dict[str, Any] | None:
    file = location.file if location is not None else fallback
    uri = artifact_uri(file) if file else None
    if uri is None:
        return None
    artifact: dict[str, Any] = {"uri": uri}
    if "://" not in uri and not uri.startswith("file:"):
        artifact["uriBaseId"] = "%SRCROOT%"
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if location is not None and location.line is not None:
        region: dict[str, int] = {"startLine": location.line}
        if location.column is not None:
            region["startColumn"] = location.column
        physical["region"] = region
    return {"physicalLocation": physical}


def _fingerprint(finding: Finding, uri: str | None) -> str:
    # Stable across line moves: the code, the file and the JSON pointer (or message) identify a finding.
    where = "/".join(str(p) for p in finding.pointer) or finding.message
    return hashlib.sha256(f"{finding.code}\0{uri}\0{where}".encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _rule(code: str) -> dict[str, Any]:
    c = CODES[code]
    rule: dict[str, Any] = {
        "id": code,
        "name": "".join(w.capitalize() for w in c.title.replace("-", " ").split() if w.isalnum()),
        "shortDescription": {"text": c.title},
        "fullDescription": {"text": f"{code}: {c.title}."},
        "defaultConfiguration": {"level": _SARIF_LEVELS[c.level]},
        "properties": {"tags": ["api-gateway", "openapi"]},
    }
    if code in _SECURITY_SEVERITY:
        rule["properties"] = {
            "tags": ["security", "api-gateway", "openapi"],
            "security-severity": _SECURITY_SEVERITY[code],
        }
    return rule


def sarif_log(reports: Sequence[Report], failures: Sequence[Failure] = ()) -> dict[str, Any]:
    """One SARIF run with every finding of `reports`; every known code is a rule (stable indexes)."""
    rule_ids = list(CODES)
    index = {code: i for i, code in enumerate(rule_ids)}
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for report in reports:
        for f in report.findings:
            result: dict[str, Any] = {
                "ruleId": f.code,
                "level": _SARIF_LEVELS[f.level],
                "message": {"text": f.message},
            }
            if f.code in index:
                result["ruleIndex"] = index[f.code]
            where = _physical(f.location, report.document)
            if where is not None:
                result["locations"] = [where]
            uri = artifact_uri(f.location.file if f.location else report.document or "")
            result["partialFingerprints"] = {"apigwCognitoFinding/v1": _fingerprint(f, uri)}
            results.append(result)
        for note in report.notes:
            notifications.append({"level": "note", "message": {"text": note}})
    for failure in failures:
        notifications.append({"level": "error", "message": {"text": f"{failure.name}: {failure.message}"}})
    invocation: dict[str, Any] = {"executionSuccessful": not failures}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "apigw-cognito",
                        "version": _tool_version(),
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(code) for code in rule_ids],
                    }
                },
                "invocations": [invocation],
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def render_sarif(report: Report) -> str:
    return render_sarif_many([report])


def render_sarif_many(reports: Sequence[Report], failures: Sequence[Failure] = ()) -> str:
    return json.dumps(sarif_log(reports, failures), indent=2, ensure_ascii=False) + "\n"
