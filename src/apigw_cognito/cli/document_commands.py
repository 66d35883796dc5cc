"""The commands that work on files only: `apply`, `audit`, `init`, `validate` and `schema`.

Each parses its options, calls the application layer and picks the exit code. Without a SPEC, `apply` and
`audit` run over every configured API (`project_runs`).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from typing import Annotated, Literal

import typer

from apigw_cognito.app.delivery import deliver, write_overlay
from apigw_cognito.app.files import write_atomic
from apigw_cognito.app.pipeline import load_selector_file, run_apply, run_audit, run_validate
from apigw_cognito.basics.errors import ExitCode
from apigw_cognito.cli.documents import load_for_command
from apigw_cognito.cli.options import (
    ApiOption,
    ConfigOption,
    EndpointOption,
    JobsOption,
    ProfileOption,
    ProjectReportOption,
    RegionOption,
    ReportOption,
)
from apigw_cognito.cli.output import ReportFormat, emit_report, fail, guarded
from apigw_cognito.cli.progress import progress
from apigw_cognito.core.starter import starter_selector
from apigw_cognito.selector.model import Selector
from apigw_cognito.selector.schema import SCHEMA


def _echo_err(line: str) -> None:
    typer.echo(line, err=True)


@dataclass(frozen=True)
class ResolveWith:
    region: str | None
    profile: str | None
    endpoint_url: str | None


def _resolved(rules: Selector, where: ResolveWith) -> Selector:
    """Pool ids and names looked up in Cognito; only `--resolve` loads the AWS side (40 ms of imports)."""
    from apigw_cognito.aws.clients import SessionOptions  # noqa: PLC0415  (see the docstring)
    from apigw_cognito.aws.pools import resolve_pools  # noqa: PLC0415

    session = SessionOptions(region=where.region, profile=where.profile, endpoint_url=where.endpoint_url)
    return resolve_pools(rules, session, note=_echo_err)


def run_project(
    command: Literal["apply", "audit"],
    config: str | None,
    api: list[str] | None,
    jobs: int | None,
    report: ReportFormat | None,
    **flags: bool,
) -> int:
    """Every configured API; the project machinery (configuration, worker processes) loads only here."""
    from apigw_cognito.cli import project_runs  # noqa: PLC0415  (see the docstring)

    return project_runs.run_project(command, config, api, jobs, report, **flags)


def _without_spec_only(config: str | None, api: list[str] | None, jobs: int | None) -> None:
    if config or api or jobs is not None:
        fail("--config, --api and --jobs are for the configured APIs: leave out SPEC")


def apply(  # noqa: PLR0913, PLR0917  (typer declares one parameter per command-line option)
    spec: Annotated[
        str | None,
        typer.Argument(
            help="OpenAPI document (YAML or JSON; - for standard input). Omit for every configured API."
        ),
    ] = None,
    selector: Annotated[
        str | None, typer.Option("--selector", "-s", help="The selector file (YAML or JSON).")
    ] = None,
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write the result here instead of standard output.")
    ] = None,
    in_place: Annotated[bool, typer.Option("--in-place", help="Write the result over SPEC.")] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 when the target differs from the result.")
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Print a unified diff instead of the document.")
    ] = False,
    no_validate: Annotated[bool, typer.Option("--no-validate", help="Skip validating the result.")] = False,
    report_choice: ProjectReportOption = None,
    emit_overlay: Annotated[
        str | None,
        typer.Option("--emit-overlay", help="Also write the change as an OpenAPI Overlay 1.0 document here."),
    ] = None,
    config: ConfigOption = None,
    api: ApiOption = None,
    jobs: JobsOption = None,
    resolve: Annotated[
        bool, typer.Option("--resolve", help="Look pool ids and name:<PoolName> up in Cognito (AWS calls).")
    ] = False,
    region: RegionOption = None,
    profile: ProfileOption = None,
    endpoint_url: EndpointOption = None,
) -> None:
    """Add the selector's authorizers and per-operation security to SPEC (or every configured API)."""
    with guarded():
        if spec is None:
            if selector or output or in_place or emit_overlay:
                fail("--selector, --output, --in-place and --emit-overlay need a SPEC")
            code = run_project(
                "apply", config, api, jobs, report_choice, check=check, diff=diff, validate=not no_validate
            )
            raise typer.Exit(code)
        _without_spec_only(config, api, jobs)
        if selector is None:
            fail("--selector is required with a SPEC")
        if emit_overlay and check:
            fail("--check writes nothing, so it cannot --emit-overlay")
        if in_place and output:
            fail("--in-place and --output exclude each other")
        if in_place and spec == "-":
            fail("--in-place needs a file, not standard input")
        run = _ApplyRun(
            target=output or (spec if in_place else None),
            report_format=report_choice or ReportFormat.text,
            check=check,
            diff=diff,
            validate=not no_validate,
            overlay=emit_overlay,
            resolve=ResolveWith(region, profile, endpoint_url) if resolve else None,
        )
        _apply_one(spec, selector, run)


@dataclass(frozen=True)
class _ApplyRun:
    target: str | None  # None: standard output
    report_format: ReportFormat
    check: bool
    diff: bool
    validate: bool
    overlay: str | None  # where --emit-overlay writes
    resolve: ResolveWith | None  # for --resolve: where Cognito is


def _apply_one(spec_path: str, selector_path: str, run: _ApplyRun) -> None:
    spec = load_for_command(spec_path)
    rules = load_selector_file(selector_path)
    if run.resolve is not None:
        rules = _resolved(rules, run.resolve)
    with progress(f"securing and validating {spec.name}"):
        applied = run_apply(spec, rules, validate=run.validate)
    stdout_busy = run.diff or (run.target is None and not run.check)
    done = deliver(
        spec,
        applied,
        run.target,
        check=run.check,
        diff=run.diff,
        before_write=(lambda: write_overlay(overlay, spec, applied)) if (overlay := run.overlay) else None,
    )
    if done.diff:
        sys.stdout.write(done.diff)
    if applied.output is not None and run.target is None and not run.diff and not run.check:
        sys.stdout.buffer.write(applied.output)
        sys.stdout.flush()
    emit_report(applied.report, run.report_format, to_stderr=stdout_busy)
    raise typer.Exit(int(done.exit_code))


def audit(
    spec: Annotated[
        str | None,
        typer.Argument(
            help="OpenAPI document (YAML or JSON). Omit for every configured API, with its selector."
        ),
    ] = None,
    selector: Annotated[
        str | None, typer.Option("--selector", "-s", help="Audit what this selector would make of SPEC.")
    ] = None,
    report_choice: ProjectReportOption = None,
    config: ConfigOption = None,
    api: ApiOption = None,
    jobs: JobsOption = None,
) -> None:
    """Show every operation's effective authorization; exit 1 if any is OPEN."""
    with guarded():
        if spec is None:
            if selector:
                fail("--selector needs a SPEC (configured APIs use their own selector)")
            raise typer.Exit(run_project("audit", config, api, jobs, report_choice))
        _without_spec_only(config, api, jobs)
        report = run_audit(load_for_command(spec), load_selector_file(selector) if selector else None)
        emit_report(report, report_choice or ReportFormat.text, to_stderr=False)
        if report.errors:
            raise typer.Exit(int(ExitCode.FINDINGS))


def init(
    spec: Annotated[str, typer.Argument(help="OpenAPI document (YAML or JSON) to list the operations of.")],
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write the selector here instead of standard output.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing --output file.")] = False,
) -> None:
    """Write a starter selector: every operation of SPEC, grouped by path, with default: deny."""
    with guarded():
        loaded = load_for_command(spec)
        text = starter_selector(
            loaded.document.data, loaded.version, document=loaded.name, locate=loaded.locate
        )
        if output is None:
            sys.stdout.write(text)
            return
        if os.path.exists(output) and not force:
            fail(f"{output} exists; use --force to overwrite it")
        write_atomic(output, text.encode("utf-8", "backslashreplace"))
        typer.echo(f"wrote {output}: fill in the user pool, review each rule, then run apply", err=True)


def validate(
    spec: Annotated[str, typer.Argument(help="OpenAPI document (YAML or JSON).")],
    report_format: ReportOption = ReportFormat.text,
) -> None:
    """Validate SPEC: OpenAPI rules, authorizer extensions and API Gateway's import restrictions."""
    with guarded():
        loaded = load_for_command(spec)
        with progress(f"validating {loaded.name}"):
            report = run_validate(loaded)
        emit_report(report, report_format, to_stderr=False)
        if report.errors:
            raise typer.Exit(int(ExitCode.FINDINGS))


def schema() -> None:
    """Print the JSON Schema of the selector file (for editors)."""
    with guarded():
        typer.echo(json.dumps(SCHEMA, indent=2))
