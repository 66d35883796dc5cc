"""`audit --live`: the live authorization of one API, several, or every REST API of a region.

Each API is read (GetResources with methods, GetAuthorizers) and audited by `core.live_audit`; its report
has one row per live method, located at ``apigateway://<region>/<restApiId>/<METHOD><path>``. An API that
disappears or cannot be read fails on its own (exit 3 for it) without hiding the others. Nothing here
prints or exits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from apigw_cognito.app.pipeline import load_selector_file
from apigw_cognito.aws.clients import Clients
from apigw_cognito.aws.live_api import (
    RestApiRef,
    find_http_ref,
    find_rest_api,
    list_http_apis,
    list_rest_apis,
    read_snapshot,
)
from apigw_cognito.basics.errors import ExitCode, InputError, Location, ToolError
from apigw_cognito.core.live_audit import Allowances, LiveAudit, audit_live
from apigw_cognito.reports.model import ApiOutcome, Report, Row
from apigw_cognito.selector.rules import select_from_text

COMMAND = "audit --live"
Log = Callable[[str], None]


@dataclass(frozen=True)
class LiveAuditRequest:
    rest_api_ids: tuple[str, ...] = ()
    api_names: tuple[str, ...] = ()  # none of either: every REST API of the region
    allow: tuple[str, ...] = ()  # "METHOD PATH" select strings
    selector: str | None = None
    http_api_ids: tuple[str, ...] = ()
    http_api_names: tuple[str, ...] = ()
    every_http_api: bool = False  # every HTTP API of the region too (`--http-apis`)


def allowances(request: LiveAuditRequest) -> Allowances:
    """The `--allow` strings parsed as selector select strings, and the selector file, if any."""
    selects = tuple(
        select_from_text(text, Location(f"--allow {text!r}"), f"--allow {index + 1}")
        for index, text in enumerate(request.allow)
    )
    selector = load_selector_file(request.selector) if request.selector else None
    return Allowances(selects, selector)


def live_report(audit: LiveAudit) -> Report:
    """The audit as a report: a row per live method, findings for the OPEN ones."""
    rows = [
        Row(
            method=v.method.method,
            path=v.method.path,
            operation_id=None,
            decision=v.verdict,
            authorizer=v.authorizer,
            scopes=v.method.scopes,
            rule=v.reason,
            location=v.location,
            api_key=v.method.api_key_required,
        )
        for v in audit.verdicts
    ]
    snapshot = audit.snapshot
    report = Report(command=COMMAND, document=snapshot.uri, rows=rows, findings=list(audit.findings))
    what = "routes" if snapshot.http_api else "methods"
    report.notes.append(f"{snapshot.kind} {snapshot.rest_api_id} ({snapshot.name!r}), {len(rows)} {what}")
    return report


def _targets(clients: Clients, request: LiveAuditRequest) -> list[RestApiRef]:
    http = [find_http_ref(clients, api_id, None) for api_id in request.http_api_ids]
    http += [find_http_ref(clients, None, name) for name in request.http_api_names]
    if request.every_http_api:
        http += list_http_apis(clients)
    if not request.rest_api_ids and not request.api_names:
        rest = list_rest_apis(clients.apigateway()) if not http and not request.every_http_api else []
    else:
        rest = [find_rest_api(clients, api_id, None) for api_id in request.rest_api_ids]
        rest += [find_rest_api(clients, None, name) for name in request.api_names]
    return list({(ref.id, ref.http): ref for ref in [*rest, *http]}.values())


def _audit_one(clients: Clients, api: RestApiRef, allowed: Allowances) -> ApiOutcome:
    name = f"{api.name} ({api.id})"
    try:
        report = live_report(audit_live(read_snapshot(clients, api), allowed))
    except ToolError as exc:
        status = "AWS failure" if exc.exit_code == ExitCode.AWS else "failed"
        return ApiOutcome(name, int(exc.exit_code), status, error=str(exc))
    if report.errors:
        return ApiOutcome(name, int(ExitCode.FINDINGS), "OPEN methods", report)
    return ApiOutcome(name, 0, "ok", report)


def audit_account(clients: Clients, request: LiveAuditRequest, log: Log) -> Sequence[ApiOutcome]:
    """One outcome per API audited, in name order (or as given)."""
    allowed = allowances(request)
    apis = _targets(clients, request)
    if not apis:
        kind = "HTTP API" if request.every_http_api else "REST API"
        raise InputError(f"no {kind} in {clients.region}", hint="check --region (and --endpoint-url)")
    outcomes: list[ApiOutcome] = []
    for index, api in enumerate(apis, start=1):
        log(f"{COMMAND}: {index} of {len(apis)} APIs: {api.name} ({api.id})")
        outcomes.append(_audit_one(clients, api, allowed))
    return outcomes
