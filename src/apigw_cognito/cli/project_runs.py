"""`apply` and `audit` without a SPEC: every configured API, a spinner while they run, one combined report."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence

import typer

from apigw_cognito.app.config import load_config
from apigw_cognito.app.project import Command, Task, run_many, start_pool, workers_for
from apigw_cognito.basics.errors import ExitCode
from apigw_cognito.cli.output import ReportFormat
from apigw_cognito.cli.progress import progress
from apigw_cognito.reports.model import ApiOutcome
from apigw_cognito.reports.project import exit_code, render


def run_project(  # noqa: PLR0913  (one keyword per command-line flag)
    command: Command,
    config_path: str | None,
    names: Sequence[str] | None,
    jobs: int | None,
    report: ReportFormat | None,
    *,
    check: bool = False,
    diff: bool = False,
    validate: bool = True,
    full_report: bool = False,
    fail_on_write: bool = False,
) -> int:
    """Print every configured API's report and a summary; return the worst exit code.

    Command-line values win over the file's: `report`, `jobs`, and `validate=False` (--no-validate); then
    each API's own `validate`, then the file's.
    """
    config = load_config(config_path)
    apis = config.select(list(names or ()))
    fmt = report.value if report is not None else (config.report or "text")
    task = Task(
        command=command,
        check=check,
        diff=diff,
        validate=None if validate else False,
        default_validate=config.validate is not False,
    )
    workers = workers_for(apis, jobs if jobs is not None else config.jobs)
    with contextlib.ExitStack() as stack:
        # The pool starts first: its workers are forked before the spinner's thread exists.
        pool = stack.enter_context(start_pool(workers)) if workers > 1 else None
        shown = stack.enter_context(progress(f"{command}: {len(apis)} APIs"))
        done: list[str] = []

        def on_done(outcome: ApiOutcome) -> None:
            done.append(outcome.name)
            shown.update(f"{command}: {len(done)} of {len(apis)} APIs done")

        outcomes = run_many(apis, task, on_done=on_done, pool=pool)
    for outcome in outcomes:
        if outcome.diff:
            sys.stdout.write(outcome.diff)
    text, summary = render(command, outcomes, fmt, full=full_report)
    typer.echo(text, nl=False, err=diff)
    if summary:
        typer.echo(summary, nl=False, err=True)
    written = [o.name for o in outcomes if o.wrote]
    if fail_on_write and written:
        # pre-commit sees changes to tracked files by itself, but not a new output: say it, and stop.
        typer.echo(f"{command}: wrote {', '.join(written)}: add the files and commit again", err=True)
        return max(exit_code(outcomes), int(ExitCode.FINDINGS))
    return exit_code(outcomes)
