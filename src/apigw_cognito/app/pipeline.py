"""The shell around the core: read files, run the transform and the checks, decide what to write.

Commands in `cli` call these; nothing here prints or exits.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from apigw_cognito.app.files import read_input
from apigw_cognito.basics import codes
from apigw_cognito.basics.errors import ExitCode, Finding, Location, ToolError
from apigw_cognito.basics.openapi import Version, detect_version
from apigw_cognito.checks.rules import check_document
from apigw_cognito.checks.validation import validate_spec
from apigw_cognito.core.access import Access, document_access
from apigw_cognito.core.gateway_responses import missing_cors
from apigw_cognito.core.transform import Decision, Result, secure
from apigw_cognito.document.edits import apply_to_data
from apigw_cognito.document.load import Document, load_document
from apigw_cognito.reports.model import Report, Row
from apigw_cognito.selector.loader import load_selector
from apigw_cognito.selector.model import Selector, require_arns

# API Gateway's import restrictions: errors for `validate` and `import`, warnings for `apply`.
IMPORT_CODES = frozenset({"AGC304", "AGC305", "AGC306", "AGC307", "AGC308"})


@dataclass(frozen=True)
class Spec:
    document: Document
    version: Version
    raw: bytes  # the file as read, to compare results with

    @property
    def name(self) -> str:
        return self.document.name

    def locate(self, pointer: Sequence[str | int]) -> Location | None:
        """The place of `pointer`, or of its nearest ancestor present in the file."""
        steps = tuple(pointer)
        while steps:
            found = self.document.locate(steps)
            if found is not None:
                return found
            steps = steps[:-1]
        return Location(self.name)


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
            api_key=bool(d.api_keys),
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
            api_key=a.api_key,
        )
        for a in access
    ]


def parse_spec(raw: bytes, name: str) -> Spec:
    """An OpenAPI document from its bytes; `name` is how messages and reports call it."""
    document = load_document(raw, name)
    return Spec(document, detect_version(document.data, name, document.locate), raw)


def load_spec(path: str) -> Spec:
    """The OpenAPI document at `path` (``-`` for standard input)."""
    return parse_spec(read_input(path), "<stdin>" if path == "-" else path)


def load_selector_file(path: str, environ: Mapping[str, str] | None = None) -> Selector:
    """The selector at `path` (``-`` for standard input); ``${VAR}`` from `environ` (default: os.environ)."""
    name = "<stdin>" if path == "-" else path
    return load_selector(read_input(path), name, os.environ if environ is None else environ)


class FindingsError(ToolError):
    """The document has findings that forbid a result (writing it, or sending it); `report` lists them."""

    exit_code = ExitCode.FINDINGS

    def __init__(self, message: str, report: Report) -> None:
        super().__init__(message)
        self.report = report


def validation_findings(data: Any, spec: Spec, *, for_import: bool) -> list[Finding]:
    """OpenAPI validation and our own checks of `data`, placed in `spec`'s file."""
    findings = [
        codes.finding("AGC401", error.message, spec.locate(error.pointer), error.pointer)
        for error in validate_spec(data)
    ]
    findings.extend(
        replace(f, level="warning", message=f"{f.message} (import would refuse it)")
        if not for_import and f.code in IMPORT_CODES
        else f
        for f in check_document(data, spec.version, spec.locate)
    )
    return findings


def _mark_inherited(after: list[Finding], before: list[Finding]) -> list[Finding]:
    seen = {(f.code, f.message, f.pointer) for f in before}
    return [
        replace(f, message=f"{f.message} (already in the input)")
        if f.level == "error" and (f.code, f.message, f.pointer) in seen
        else f
        for f in after
    ]


@dataclass
class Applied:
    result: Result
    report: Report
    output: bytes | None  # None when errors forbid writing
    data: Any  # the new document's data (the input's when nothing may be written)


def run_apply(spec: Spec, selector: Selector, *, validate: bool, command: str = "apply") -> Applied:
    """Decide, render and check the secured document; `output` is None when it must not be written."""
    require_arns(selector)
    result = secure(spec.document.data, spec.version, selector, spec.locate)
    unmatched = [
        Row(
            method=op.method,
            path=op.path,
            operation_id=op.operation_id,
            decision="unmatched",
            rule="no rule (default: deny)",
            location=spec.locate(op.pointer),
        )
        for op in result.unmatched
    ]
    report = Report(
        command=command,
        document=spec.name,
        openapi=spec.version.family,
        rows=rows_from_decisions(result.decisions, unmatched),
        schemes=[(name, name in result.changed_schemes) for name in result.schemes],
        findings=list(result.findings),
        notes=list(result.notes),
    )
    if result.errors:
        return Applied(result, report, None, spec.document.data)
    data = apply_to_data(spec.document.data, result.edits, spec.locate)
    if validate:
        after = validation_findings(data, spec, for_import=command == "import")
        if any(f.level == "error" for f in after):
            after = _mark_inherited(after, validation_findings(spec.document.data, spec, for_import=False))
        report.findings.extend(after)
    if report.errors:
        return Applied(result, report, None, data)
    return Applied(result, report, spec.document.render(result.edits), data)


def run_audit(spec: Spec, selector: Selector | None) -> Report:
    """Every operation's effective authorization, of the document or of what `selector` would make of it."""
    data = spec.document.data
    findings: list[Finding] = []
    notes: list[str] = []
    if selector is not None:
        require_arns(selector)
        result = secure(data, spec.version, selector, spec.locate)
        findings.extend(f for f in result.findings if f.code != "AGC101")
        notes.extend(result.notes)
        data = apply_to_data(data, result.edits, spec.locate)
    rows = rows_from_access(document_access(data, spec.version, spec.locate))
    if selector is None:  # with a selector, the transform's findings say it
        secured = any(row.decision not in ("public", "OPEN") for row in rows)
        warning = missing_cors(data, spec.locate, secured=secured)
        findings.extend([warning] if warning else [])
    for row in rows:
        if row.decision == "OPEN":
            findings.append(
                codes.finding(
                    "AGC501",
                    f"{row.method} {row.path} is OPEN: API Gateway imports it with no authorization and"
                    " nobody said so (add a rule, or `security: []` to make it explicitly public)",
                    row.location,
                )
            )
    return Report(
        command="audit",
        document=spec.name,
        openapi=spec.version.family,
        rows=rows,
        findings=findings,
        notes=notes,
    )


def run_validate(spec: Spec) -> Report:
    return Report(
        command="validate",
        document=spec.name,
        openapi=spec.version.family,
        findings=validation_findings(spec.document.data, spec, for_import=True),
    )
