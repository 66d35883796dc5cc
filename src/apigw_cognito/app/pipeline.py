"""The shell around the core: read files, run the transform and the checks, decide what to write.

Commands in `cli` call these; nothing here prints or exits.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from apigw_cognito.app.files import read_input
from apigw_cognito.basics import codes
from apigw_cognito.basics.errors import ExitCode, Finding, Location, ToolError
from apigw_cognito.basics.openapi import Locate, Version, detect_version, is_http_api
from apigw_cognito.checks.rules import check_document
from apigw_cognito.checks.validation import validate_spec
from apigw_cognito.core.access import Access, document_access
from apigw_cognito.core.gateway_responses import missing_cors
from apigw_cognito.core.http_cors import http_cors_warnings, token_headers
from apigw_cognito.core.transform import Decision, Result, secure
from apigw_cognito.document.bundle import Bundle, bundle, render_data
from apigw_cognito.document.edits import apply_to_data
from apigw_cognito.document.load import Document, load_document
from apigw_cognito.document.references import DocumentSet, Place, resolve
from apigw_cognito.reports.model import Report, Row, RuleLine
from apigw_cognito.selector.loader import load_selector
from apigw_cognito.selector.model import Selector, require_arns

# API Gateway's import restrictions: errors for `validate` and `import`, warnings for `apply`.
IMPORT_CODES = frozenset({"AGC304", "AGC305", "AGC306", "AGC307", "AGC308", "AGC310", "AGC311", "AGC312"})


@dataclass(frozen=True)
class Spec:
    """An OpenAPI document as an importer reads it: the root file and the files its path items reference."""

    document: Document  # the root file
    version: Version
    raw: bytes  # the root file as read, to compare results with
    documents: DocumentSet

    @property
    def name(self) -> str:
        return self.document.name

    @property
    def data(self) -> Any:
        """The root's data with every path item behind `$ref` in its place."""
        return self.documents.data

    def locate(self, pointer: Sequence[str | int]) -> Location | None:
        """The place of `pointer`, or of its nearest ancestor present in its file."""
        return self.documents.locate_place(self.documents.place(pointer))


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


def rule_lines(selector: Selector, reasons: set[str]) -> list[RuleLine]:
    """Every rule of `selector`, then `cors_preflight` and `default` where they decided an operation."""

    def given(public: bool, authorizer: str | None, scopes: tuple[str, ...] = ()) -> str:
        kind = "public" if public else "secured"
        return Row("", "", None, kind, authorizer=authorizer, scopes=scopes).auth_label

    lines = [
        RuleLine(f"rule {r.index}", r.select.text, given(r.public, r.authorizer, r.scopes))
        for r in selector.rules
    ]
    if "cors_preflight" in reasons:
        lines.append(RuleLine("cors_preflight", "OPTIONS no rule decides", "public"))
    if "default" in reasons:
        default = selector.default
        lines.append(RuleLine("default", "operations no rule selects", given(default == "public", default)))
    return lines


def rows_from_access(access: Sequence[Access]) -> list[Row]:
    names = {"cognito": "secured", "jwt": "secured", "open": "OPEN"}
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


def parse_spec(raw: bytes, name: str, *, allowed_root: str | None = None) -> Spec:
    """An OpenAPI document from its bytes; `name` is how messages and reports call it, and where relative
    references start. Referenced files are read from disk, never outside `allowed_root`."""
    document = load_document(raw, name)
    version = detect_version(document.data, name, document.locate)
    return Spec(document, version, raw, resolve(document, raw, read_input, allowed_root))


def load_spec(path: str, *, allowed_root: str | None = None) -> Spec:
    """The OpenAPI document at `path` (``-`` for standard input) and the files it references."""
    return parse_spec(read_input(path), "<stdin>" if path == "-" else path, allowed_root=allowed_root)


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


def bundled(spec: Spec, data: Any) -> Bundle:
    """`data` (pointers as in `spec.data`) as one self-contained document: what import sends."""
    return bundle(spec.documents, data, spec.version)


def validation_findings(
    data: Any, spec: Spec, *, for_import: bool, body: Bundle | None = None
) -> list[Finding]:
    """OpenAPI validation and our own checks of `data` as bundled (`body`, when already made), placed in
    the file each part comes from."""
    body = body or bundled(spec, data)
    locate = _bundle_locate(spec, body)
    findings = [
        codes.finding("AGC401", error.message, locate(error.pointer), error.pointer)
        for error in validate_spec(body.data)
    ]
    findings.extend(
        replace(f, level="warning", message=f"{f.message} (import would refuse it)")
        if not for_import and f.code in IMPORT_CODES
        else f
        for f in check_document(body.data, spec.version, locate)
    )
    return findings


def _bundle_locate(spec: Spec, body: Bundle) -> Locate:
    """Places in the bundle: components brought in from other files are found in those files."""
    if not body.origins:
        return spec.locate

    def locate(pointer: Sequence[str | int]) -> Location | None:
        steps = tuple(pointer)
        for length in (3, 2):  # components/schemas/Name, definitions/Name
            origin = body.origins.get(tuple(str(s) for s in steps[:length]))
            if origin is not None:
                return spec.documents.locate_place(Place(origin.file, origin.pointer + steps[length:]))
        return spec.locate(steps)

    return locate


def _mark_inherited(after: list[Finding], before: list[Finding]) -> list[Finding]:
    seen = {(f.code, f.message, f.pointer) for f in before}
    return [
        replace(f, message=f"{f.message} (already in the input)")
        if f.level == "error" and (f.code, f.message, f.pointer) in seen
        else f
        for f in after
    ]


class Applied:
    """What `apply` made of a document: decisions and report, and (unless errors forbid it) the results.

    A split document's bundle is built only when asked for (`output` or `data`), since editing its files
    in place needs none.
    """

    def __init__(
        self,
        result: Result,
        report: Report,
        spec: Spec,
        data: Any,
        files: dict[str, bytes] | None = None,
        body: Bundle | None = None,
    ) -> None:
        self.result = result
        self.report = report
        self.files = files or {}  # each file of the document set that changes, with the change inserted
        self._spec = spec
        self._data = data  # pointers as in `spec.data`
        self._writable = files is not None
        self._body = body

    def replace_output(self, output: bytes) -> None:
        """Write `output` instead of the rendering (`apply --templatefile`: the same text, escaped)."""
        self.__dict__["output"] = output
        self.files = {self._spec.name: output}

    def forbid(self) -> None:
        """A later check found an error: nothing may be written or sent."""
        self._writable = False
        self.__dict__.pop("output", None)

    @property
    def writable(self) -> bool:
        """Whether a result may be written (no errors); cheaper than asking for `output`."""
        return self._writable

    @property
    def bundled(self) -> bool:
        """Whether `output` and `data` are a bundle of a split document, written anew."""
        return self._spec.documents.split

    @cached_property
    def data(self) -> Any:
        """The new document's data as an importer reads it (bundled); the input's when nothing is written."""
        if not self.bundled:
            return self._data
        return (self._body or bundled(self._spec, self._data)).data

    @cached_property
    def output(self) -> bytes | None:
        """The one file to write (the bundle, for a split document); None when errors forbid writing."""
        if not self._writable:
            return None
        if self.bundled:
            return render_data(self.data, self._spec.document.format)
        return self.files.get(self._spec.name, self._spec.raw)

    def output_for(self, target: str | None) -> bytes | None:
        """`output`, for a bundle in the format `target`'s name asks for (JSON for .json, YAML for .yaml)."""
        if not self.bundled or target is None or not self._writable:
            return self.output
        name = target.lower()
        if name.endswith(".json"):
            return render_data(self.data, "json")
        if name.endswith((".yaml", ".yml")):
            return render_data(self.data, "yaml")
        return self.output


def run_apply(spec: Spec, selector: Selector, *, validate: bool, command: str = "apply") -> Applied:
    """Decide, render and check the secured document; `output` is None when it must not be written."""
    require_arns(selector)
    result = secure(spec.data, spec.version, selector, spec.locate)
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
        findings=[*result.findings, *_shared_conflicts(spec, result)],
        notes=list(result.notes),
        rules=rule_lines(selector, {d.reason for d in result.decisions}),
    )
    if report.errors:
        return Applied(result, report, spec, spec.data)
    data = apply_to_data(spec.data, result.edits, spec.locate)
    body = bundled(spec, data) if validate else None
    if body is not None:
        after = validation_findings(data, spec, for_import=command == "import", body=body)
        if any(f.level == "error" for f in after):
            after = _mark_inherited(after, validation_findings(spec.data, spec, for_import=False))
        report.findings.extend(after)
    if report.errors:
        return Applied(result, report, spec, data)
    return Applied(result, report, spec, data, spec.documents.render(result.edits), body)


def _shared_conflicts(spec: Spec, result: Result) -> list[Finding]:
    """A path item that several paths reach through `$ref` can be secured one way only."""
    decided: dict[tuple[str, ...], Decision] = {
        (*d.operation.pointer, "security"): d for d in result.decisions
    }
    findings = []
    for first, second in spec.documents.conflicts(result.edits):
        a, b = decided.get(first.pointer), decided.get(second.pointer)
        if a is None or b is None:
            continue
        where = spec.documents.place(first.pointer)
        findings.append(
            codes.finding(
                "AGC103",
                f"{a.operation} and {b.operation} are one operation, written once at"
                f" {where.file} through $ref, but are decided differently ({a.kind} by {a.reason},"
                f" {b.kind} by {b.reason})",
                spec.locate(first.pointer),
                first.pointer,
            )
        )
    return findings


def run_audit(spec: Spec, selector: Selector | None) -> Report:
    """Every operation's effective authorization, of the document or of what `selector` would make of it."""
    data = spec.data
    findings: list[Finding] = []
    notes: list[str] = []
    deciding: dict[tuple[str, str], str] = {}  # (method, path): the rule that decided it
    if selector is not None:
        require_arns(selector)
        result = secure(data, spec.version, selector, spec.locate)
        findings.extend(f for f in result.findings if f.code != "AGC101")
        notes.extend(result.notes)
        data = apply_to_data(data, result.edits, spec.locate)
        deciding = {(d.operation.method, d.operation.path): d.reason for d in result.decisions}
    rows = [
        replace(row, rule=deciding.get((row.method, row.path), row.rule))
        for row in rows_from_access(document_access(data, spec.version, spec.locate))
    ]
    if selector is None:  # with a selector, the transform's findings say it
        secured = any(row.decision not in ("public", "OPEN") for row in rows)
        if is_http_api(data, spec.version):
            headers = token_headers(data, spec.version) if secured else set()
            findings.extend(http_cors_warnings(data, spec.locate, headers))
        else:
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
        findings=validation_findings(spec.data, spec, for_import=True),
    )
