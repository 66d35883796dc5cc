"""What the live-API options run: `init --from-api`, `audit --live`, `verify --stage`, and `import` /
`verify --target`. Loaded only when one of them is used, like `aws_runs`, so the other commands never pay
for boto3 and the AWS adapter.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import typer

from apigw_cognito.app.account_audit import COMMAND, LiveAuditRequest, audit_account
from apigw_cognito.app.adopting import AdoptRequest, adopt_api
from apigw_cognito.app.config import load_config
from apigw_cognito.app.targets import Command, run_targets, target_runs
from apigw_cognito.aws.clients import Clients, SessionOptions
from apigw_cognito.basics.errors import ExitCode
from apigw_cognito.cli.output import ReportFormat
from apigw_cognito.cli.progress import progress
from apigw_cognito.reports.project import exit_code, render, summary_line
from apigw_cognito.reports.render import RENDERERS
from apigw_cognito.reports.text import finding_line

__all__ = ["AdoptRequest", "LiveAuditRequest", "SessionOptions", "run_adopt", "run_live_audit"]


def _echo_err(line: str) -> None:
    typer.echo(line, err=True)


def run_adopt(session: SessionOptions, request: AdoptRequest) -> int:
    """Write the adopted selector (standard output without -o) and say what needs a decision."""
    outcome = adopt_api(Clients(session), request, _echo_err)
    if request.selector_out is None:
        sys.stdout.write(outcome.adoption.text)
    for line in (*outcome.adoption.notes, *outcome.notes):
        _echo_err(f"note: {line}")
    for line in outcome.adoption.gaps:
        _echo_err(f"decide: {line}")
    if outcome.check is not None:
        for finding in outcome.check.findings:
            _echo_err(finding_line(finding))
    return int(ExitCode.OK if outcome.ok else ExitCode.FINDINGS)


def run_live_audit(session: SessionOptions, request: LiveAuditRequest, fmt: ReportFormat) -> int:
    """Audit the live APIs; one report for one API, the combined report (and a summary) for several."""
    with progress(f"{COMMAND}: reading APIs") as shown:
        outcomes = audit_account(Clients(session), request, shown.update)
    if len(outcomes) == 1:  # one API: its report, or its failure as one line
        (outcome,) = outcomes
        if outcome.report is not None:
            typer.echo(RENDERERS[fmt.value](outcome.report), nl=False)
        else:
            typer.echo(f"error: {outcome.error}", err=True)
    else:
        text, summary = render(COMMAND, outcomes, fmt.value)
        typer.echo(text, nl=False)
        if summary:
            typer.echo(summary, nl=False, err=True)
    return exit_code(outcomes)


def run_target(
    command: Command,
    environment: str,
    config_path: str | None,
    names: Sequence[str],
    endpoint_url: str | None,
) -> int:
    """Every configured API with the target: its table, then a summary; the worst exit code."""
    runs = target_runs(load_config(config_path), environment, names)
    with progress(f"{command} --target {environment}: {len(runs)} APIs") as shown:
        outcomes = run_targets(command, runs, endpoint_url=endpoint_url, log=shown.echo)
    for outcome in outcomes:
        sys.stdout.write(f"== {outcome.name}: {outcome.status}\n")
        for table in outcome.notes:
            sys.stdout.write(table)
        if outcome.report is not None:
            sys.stdout.write(RENDERERS["text"](outcome.report))
        if outcome.error is not None:
            _echo_err(f"error: {outcome.name}: {outcome.error}")
    typer.echo(summary_line(f"{command} --target {environment}", outcomes), err=True)
    return exit_code(outcomes)
