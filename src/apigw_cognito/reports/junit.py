"""The JUnit XML report, for CI test views: a test case per operation, errored cases for APIs not checked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from xml.etree import ElementTree as ET

from apigw_cognito.basics.codes import CODES
from apigw_cognito.basics.errors import Finding, Location
from apigw_cognito.basics.openapi import METHOD_KEYS
from apigw_cognito.reports.model import Failure, Report, Row
from apigw_cognito.reports.text import finding_line

_KEY_OF_METHOD = {method: key for key, method in METHOD_KEYS.items()}


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


def _testcase(parent: Any, classname: str, name: str, location: Location | None) -> Any:
    case = ET.SubElement(parent, "testcase", classname=classname, name=name, time="0")
    if location is not None:
        case.set("file", location.file)
        if location.line is not None:
            case.set("line", str(location.line))
    return case


def _add_findings(case: Any, findings: Sequence[Finding]) -> int:
    """Errors become one <failure>, warnings and notes <system-out>; returns the number of failures."""
    errors = [f for f in findings if f.level == "error"]
    others = [f for f in findings if f.level != "error"]
    if errors:
        failure = ET.SubElement(
            case,
            "failure",
            message="; ".join(f"{f.code}: {f.message}" for f in errors),
            type=",".join(dict.fromkeys(f.code for f in errors)),
        )
        failure.text = "\n".join(finding_line(f) for f in errors)
    if others:
        ET.SubElement(case, "system-out").text = "\n".join(finding_line(f) for f in others)
    return 1 if errors else 0


def _suite(root: Any, report: Report) -> None:
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
    if tests == 0:
        # A clean run is one passing case: CI views read an empty suite as "no tests ran".
        _testcase(suite, document, f"{report.command} {document}", None)
        tests = 1
    if report.notes:
        ET.SubElement(suite, "system-out").text = "\n".join(report.notes)
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", "0")


def junit_xml(reports: Sequence[Report], failures: Sequence[Failure] = ()) -> str:
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
