"""What `import` and `verify` run once their options are checked: the import and verify flows, printed.

Loaded only by those two commands (see `aws_commands`), so the AWS side costs the others nothing.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, replace
from typing import Any

import typer

from apigw_cognito.app import importing
from apigw_cognito.app.pipeline import Applied, FindingsError, Spec, load_selector_file
from apigw_cognito.aws.clients import Clients, SessionOptions
from apigw_cognito.aws.http_importer import HttpImportOptions
from apigw_cognito.aws.import_plan import ImportOptions, parse_parameters
from apigw_cognito.aws.importer import ImportOutcome
from apigw_cognito.basics.errors import ExitCode
from apigw_cognito.cli.documents import load_for_command
from apigw_cognito.cli.output import ReportFormat, emit_report
from apigw_cognito.cli.progress import progress
from apigw_cognito.reports.text import finding_line
from apigw_cognito.reports.verify_table import render_table
from apigw_cognito.selector.model import Selector

__all__ = [
    "Files",
    "HttpImportOptions",
    "ImportOptions",
    "SessionOptions",
    "StackTarget",
    "parse_parameters",
    "run_http_import",
    "run_http_verify",
    "run_import",
    "run_verify",
]


def _echo_err(line: str) -> None:
    typer.echo(line, err=True)


@dataclass(frozen=True)
class Files:
    """The files an AWS command works on, and how to read them."""

    spec: str
    selector: str
    allow_root: str | None = None  # the folder referenced files may be in
    pool_check: bool = True  # check the rules' scopes against the pools (--no-pool-check: off)


def _prepared(
    files: Files,
    session: SessionOptions,
    clients: Clients,
    *,
    validate: bool,
    command: str = "import",
    selector: Selector | None = None,
    http_api: bool = False,
) -> tuple[Spec, Applied]:
    """Load both files (or take the `selector` given) and prepare the document; errors print the report
    and exit 1."""
    spec = load_for_command(files.spec, allowed_root=files.allow_root)
    selector = selector or load_selector_file(files.selector)
    try:
        applied = importing.prepare(
            spec,
            selector,
            session,
            clients,
            validate=validate,
            log=_echo_err,
            pool_check=files.pool_check,
            command=command,
            http_api=http_api,
        )
    except FindingsError as exc:
        emit_report(exc.report, ReportFormat.text, to_stderr=True)
        raise typer.Exit(int(ExitCode.FINDINGS)) from None
    for finding in applied.report.findings:
        _echo_err(finding_line(finding))
    return spec, applied


@dataclass(frozen=True)
class StackTarget:
    """`verify --stack NAME [--stack-api LOGICAL_ID]`."""

    name: str
    api: str | None = None


def import_json(document: str, outcome: ImportOutcome) -> dict[str, Any]:
    """`import --report json`: what was (or, on a dry run, would be) done, and what verify found."""
    verified = outcome.verification
    return {
        "tool": "apigw-cognito",
        "command": "import",
        "document": document,
        "rest_api_id": outcome.rest_api_id,
        "dry_run": outcome.dry_run,
        "created": outcome.created,
        "plan": outcome.plan.as_json(),
        "warnings": outcome.warnings,
        "deployment_id": outcome.deployment_id,
        "verification": None
        if verified is None
        else {
            "ok": verified.ok,
            "methods": [
                {
                    "method": row.method,
                    "path": row.path,
                    "status": row.status,
                    "expected": row.expected,
                    "authorization": row.authorization,
                    "authorizer": row.authorizer,
                    "scopes": list(row.scopes),
                    "problems": list(row.problems),
                }
                for row in verified.rows
            ],
        },
    }


def run_import(
    files: Files, session: SessionOptions, options: ImportOptions, *, json_report: bool = False
) -> int:
    """Secure, validate, import, deploy and verify; print the verification table (or, `json_report`, the
    plan and the verification as JSON); the exit code."""
    clients = Clients(session)
    spec, applied = _prepared(files, session, clients, validate=True)
    with progress(f"importing {spec.name}") as shown:
        outcome = importing.send(spec, applied, clients, options, shown.echo)
    verified = outcome.verification
    if json_report:
        sys.stdout.write(json.dumps(import_json(spec.name, outcome), indent=2, ensure_ascii=False) + "\n")
    elif verified is not None:
        sys.stdout.write(render_table(verified))
    if verified is not None and not verified.ok:
        return int(ExitCode.FINDINGS)
    if outcome.rest_api_id and not options.dry_run:
        stage = options.stage
        _echo_err(
            f"REST API {outcome.rest_api_id}: import done" + (f", stage {stage!r} deployed" if stage else "")
        )
    return int(ExitCode.OK)


def run_verify(
    files: Files,
    session: SessionOptions,
    options: ImportOptions,
    stage: str | None = None,
    stack: StackTarget | None = None,
) -> int:
    """Compare the live API with the files' decisions, and with `stage` what that stage serves; print the
    table (and the stage's drift); 1 on any drift. With `stack`, the API and the references are the
    stack's."""
    clients = Clients(session)
    selector = None
    facts = None
    if stack is not None:
        loaded = load_selector_file(files.selector)
        selector, api_id, facts = importing.from_stack(loaded, clients, stack.name, stack.api, _echo_err)
        options = replace(options, rest_api_id=api_id, api_name=None)
    spec, applied = _prepared(files, session, clients, validate=False, command="verify", selector=selector)
    verification = importing.verify_live(spec, applied, clients, options, options.parameters, _echo_err)
    check = None
    if stage and facts is not None and options.rest_api_id:
        check = importing.verify_stack_stage(clients, options.rest_api_id, stage, facts)
    elif stage:
        check = importing.verify_stage(spec, applied, clients, options, stage, _echo_err)
    sys.stdout.write(render_table(verification))
    if check is None:
        return int(ExitCode.OK if verification.ok else ExitCode.FINDINGS)
    for line in check.notes:
        sys.stdout.write(f"{line}\n")
    for line in check.problems:
        sys.stdout.write(f"STAGE DRIFT: {line}\n")
    return int(ExitCode.OK if verification.ok and check.ok else ExitCode.FINDINGS)


def run_http_import(files: Files, session: SessionOptions, options: HttpImportOptions) -> int:
    """Secure, validate, import into an HTTP API, put what the import left out, deploy and verify."""
    clients = Clients(session)
    spec, applied = _prepared(files, session, clients, validate=True, http_api=True)
    with progress(f"importing {spec.name}") as shown:
        outcome = importing.send_http(applied, clients, options, shown.echo)
    for warning in outcome.warnings:
        _echo_err(f"API Gateway warning: {warning}")
    if outcome.verification is not None:
        sys.stdout.write(render_table(outcome.verification))
        if not outcome.verification.ok:
            return int(ExitCode.FINDINGS)
    if outcome.api_id and not options.dry_run:
        _echo_err(f"HTTP API {outcome.api_id}: import done, stage {options.stage or '$default'} serves it")
    return int(ExitCode.OK)


def run_http_verify(files: Files, session: SessionOptions, api_id: str | None, api_name: str | None) -> int:
    """Compare the live HTTP API with the files' decisions; print the table; 1 on any drift."""
    clients = Clients(session)
    _spec, applied = _prepared(files, session, clients, validate=False, command="verify", http_api=True)
    verification = importing.verify_http_live(applied, clients, api_id, api_name)
    sys.stdout.write(render_table(verification))
    return int(ExitCode.OK if verification.ok else ExitCode.FINDINGS)
