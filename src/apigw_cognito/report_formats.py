"""Reports for other tools: SARIF 2.1.0 for code scanning and JUnit XML for CI test views.

Both take one report or several (a project run over every configured API), plus the APIs that could not be
checked at all, which SARIF lists as failed tool executions and JUnit as errored test cases.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .codes import CODES
from .errors import Finding, Location
from .openapi import METHOD_KEYS

if TYPE_CHECKING:
    from .report import Report, Row

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://pypi.org/project/apigw-cognito/"
_SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
# Findings that mean a method would be reachable without a token: code scanning ranks them high.
_SECURITY_SEVERITY = {"AGC101": "8.0", "AGC501": "8.0", "AGC204": "4.0", "AGC202": "4.0"}
_KEY_OF_METHOD = {method: key for key, method in METHOD_KEYS.items()}


@dataclass(frozen=True)
class Failure:
    """An API that could not be checked: bad input, an AWS failure or an internal error."""

    name: str  # what the user calls it: the document path or the configured name
    message: str
    exit_code: int


def _tool_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("apigw-cognito")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def artifact_uri(path: str) -> str | None:
    """`path` as a SARIF artifact URI: relative paths stay relative (to the checkout), with `/` separators."""
    if not path or path.startswith("<"):
        return None  # standard input has no file for a viewer to open
    if os.path.isabs(path):
        from pathlib import Path

        return Path(path).as_uri()
    return quote(path.replace(os.sep, "/"), safe="/-._~")


def _physical(location: Location | None, fallback: str | None) -> dict[str, Any] | None:
    file = location.file if location is not None else fallback
    uri = artifact_uri(file) if file else None
    if uri is None:
        return None
    artifact: dict[str, Any] = {"uri": uri}
    if not uri.startswith("file:"):
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


# --- JUnit XML ---------------------------------------------------------------------------------------------


def _belongs_to(f: Finding, row: Row) -> bool:
    key = _KEY_OF_METHOD.get(row.method)
    if key is not None and f.pointer[:3] == ("paths", row.path, key):
        return True
    # Audit findings carry the operation's place but no pointer.
    return (
        not f.pointer
        and f.location is not None
        and f.location.line is not None
        and f.location == row.location
    )


def _finding_text(f: Finding) -> str:
    where = f"{f.location}: " if f.location else ""
    return f"{where}{f.level} {f.code}: {f.message}"


def _testcase(parent: Any, classname: str, name: str, location: Location | None) -> Any:
    from xml.etree import ElementTree as ET

    case = ET.SubElement(parent, "testcase", classname=classname, name=name, time="0")
    if location is not None:
        case.set("file", location.file)
        if location.line is not None:
            case.set("line", str(location.line))
    return case


def _add_findings(case: Any, findings: Sequence[Finding]) -> int:
    """Errors become one <failure>, warnings and notes <system-out>; returns the number of failures."""
    from xml.etree import ElementTree as ET

    errors = [f for f in findings if f.level == "error"]
    others = [f for f in findings if f.level != "error"]
    if errors:
        failure = ET.SubElement(
            case,
            "failure",
            message="; ".join(f"{f.code}: {f.message}" for f in errors),
            type=",".join(dict.fromkeys(f.code for f in errors)),
        )
        failure.text = "\n".join(_finding_text(f) for f in errors)
    if others:
        ET.SubElement(case, "system-out").text = "\n".join(_finding_text(f) for f in others)
    return 1 if errors else 0


def _suite(root: Any, report: Report) -> None:
    from xml.etree import ElementTree as ET

    document = report.document or "<stdin>"
    suite = ET.SubElement(root, "testsuite", name=f"apigw-cognito {report.command} {document}")
    tests = failures = 0
    claimed: set[int] = set()
    for row in report.rows:
        mine = [f for f in report.findings if _belongs_to(f, row)]
        claimed.update(id(f) for f in mine)
        case = _testcase(suite, document, f"{row.method} {row.path}", row.location)
        props = ET.SubElement(case, "properties")
        ET.SubElement(props, "property", name="authorization", value=row.auth_label)
        if row.rule:
            ET.SubElement(props, "property", name="by", value=row.rule)
        if row.decision in ("OPEN", "unmatched") and not any(f.level == "error" for f in mine):
            ET.SubElement(case, "failure", message=f"{row.method} {row.path} is {row.decision}", type="OPEN")
            failures += 1
        failures += _add_findings(case, mine)
        tests += 1
    for f in report.findings:
        if id(f) in claimed:
            continue
        title = CODES[f.code].title if f.code in CODES else f.level
        case = _testcase(suite, document, f"{f.code} {title}", f.location)
        failures += _add_findings(case, [f])
        tests += 1
    if report.notes:
        ET.SubElement(suite, "system-out").text = "\n".join(report.notes)
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", "0")


def junit_xml(reports: Sequence[Report], failures: Sequence[Failure] = ()) -> str:
    from xml.etree import ElementTree as ET

    root = ET.Element("testsuites", name="apigw-cognito")
    for report in reports:
        _suite(root, report)
    for failure in failures:
        suite = ET.SubElement(
            root, "testsuite", name=f"apigw-cognito {failure.name}", tests="1", failures="0", errors="1"
        )
        case = _testcase(suite, failure.name, "load and check", None)
        error = ET.SubElement(case, "error", message=failure.message, type=f"exit {failure.exit_code}")
        error.text = failure.message
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for suite in root:
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def render_junit(report: Report) -> str:
    return junit_xml([report])
