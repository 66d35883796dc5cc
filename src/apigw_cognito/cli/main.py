"""The command line: thin commands over `pipeline`; only this module picks exit codes.

Heavy modules (the validator, boto3) are imported inside the commands that need them, so that
`apigw-cognito --help` and a small `apply` start fast.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from apigw_cognito.basics.errors import ExitCode, InputError
from apigw_cognito.cli import output
from apigw_cognito.cli.aws_commands import EndpointOption, ProfileOption, RegionOption, register
from apigw_cognito.cli.output import ReportFormat, emit_report, fail, guarded

if TYPE_CHECKING:
    pass

app = typer.Typer(
    name="apigw-cognito",
    help="Secure an OpenAPI document with Amazon Cognito user pool authorizers for API Gateway.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"apigw-cognito {version('apigw-cognito')}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")] = False,
    show_version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    output.state["debug"] = debug
    # Text from a document may hold lone surrogates (JSON escapes such as \ud800): reports and tables show
    # them as escapes instead of failing to encode them.
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")


SelectorOption = Annotated[str, typer.Option("--selector", "-s", help="The selector file (YAML or JSON).")]
ReportOption = Annotated[ReportFormat, typer.Option("--report", help="Report format.")]
# Without SPEC, apply and audit cover every API of the project configuration (see `config`).
ProjectReportOption = Annotated[
    ReportFormat | None, typer.Option("--report", help="Report format (default: the config's, else text).")
]
ConfigOption = Annotated[
    str | None,
    typer.Option("--config", help="Without SPEC: this configuration instead of the one found from here."),
]
ApiOption = Annotated[
    list[str] | None, typer.Option("--api", help="Without SPEC: only the configured API of this name.")
]
JobsOption = Annotated[
    int | None,
    typer.Option("--jobs", "-j", min=0, help="Without SPEC: APIs checked at once (0: by size and cores)."),
]


@app.command()
def apply(
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
        from apigw_cognito.app.files import read_input, write_atomic
        from apigw_cognito.app.pipeline import load_selector_file, load_spec, run_apply
        from apigw_cognito.cli.progress import progress

        if spec is None:
            if selector or output or in_place or emit_overlay:
                fail("--selector, --output, --in-place and --emit-overlay need a SPEC")
            from apigw_cognito.app.project import run_project

            raise typer.Exit(
                run_project(
                    "apply",
                    config,
                    api,
                    jobs,
                    report_choice,
                    check=check,
                    diff=diff,
                    validate=not no_validate,
                )
            )
        if config or api or jobs is not None:
            fail("--config, --api and --jobs are for the configured APIs: leave out SPEC")
        if selector is None:
            fail("--selector is required with a SPEC")
        if emit_overlay and check:
            fail("--check writes nothing, so it cannot --emit-overlay")
        report_format = report_choice or ReportFormat.text
        if in_place and output:
            fail("--in-place and --output exclude each other")
        if in_place and spec == "-":
            fail("--in-place needs a file, not standard input")
        loaded = load_spec(spec)
        rules = load_selector_file(selector)
        if resolve:
            from apigw_cognito.aws.clients import SessionOptions
            from apigw_cognito.aws.pools import resolve_pools

            session = SessionOptions(region=region, profile=profile, endpoint_url=endpoint_url)
            rules = resolve_pools(rules, session, note=lambda line: typer.echo(line, err=True))
        with progress(f"securing and validating {loaded.name}"):
            applied = run_apply(loaded, rules, validate=not no_validate)
        report = applied.report
        target = output or (spec if in_place else None)
        report.output = target
        stdout_busy = diff or (target is None and not check)
        if applied.output is None:
            report.notes.append("nothing was written: fix the errors above")
            emit_report(report, report_format, to_stderr=stdout_busy)
            raise typer.Exit(int(ExitCode.FINDINGS))
        compare_with = target or spec
        current: bytes | None = loaded.raw
        if target is not None and target != spec:
            try:
                current = read_input(target)
            except InputError:
                current = None  # an output that does not exist yet differs from anything
        if diff:
            sys.stdout.write(unified_diff(current or b"", applied.output, compare_with, target or spec))
        if check:
            differs = current != applied.output
            report.notes.append(f"{compare_with}: {'would change' if differs else 'up to date'}")
            emit_report(report, report_format, to_stderr=stdout_busy)
            raise typer.Exit(int(ExitCode.FINDINGS if differs else ExitCode.OK))
        if emit_overlay:
            from apigw_cognito.core.overlay import write_overlay

            write_overlay(emit_overlay, loaded, applied)
        if target is not None:
            if current != applied.output:
                write_atomic(target, applied.output)
                report.wrote = True
        elif not diff:
            sys.stdout.buffer.write(applied.output)
            sys.stdout.flush()
        emit_report(report, report_format, to_stderr=stdout_busy)


def unified_diff(before: bytes, after: bytes, old_name: str, new_name: str) -> str:
    import difflib

    old = before.decode("utf-8", "replace").splitlines(keepends=True)
    new = after.decode("utf-8", "replace").splitlines(keepends=True)
    return "".join(difflib.unified_diff(old, new, f"a/{old_name}", f"b/{new_name}"))


@app.command()
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
        from apigw_cognito.app.pipeline import load_selector_file, load_spec, run_audit

        if spec is None:
            if selector:
                fail("--selector needs a SPEC (configured APIs use their own selector)")
            from apigw_cognito.app.project import run_project

            raise typer.Exit(run_project("audit", config, api, jobs, report_choice))
        if config or api or jobs is not None:
            fail("--config, --api and --jobs are for the configured APIs: leave out SPEC")
        report_format = report_choice or ReportFormat.text
        loaded = load_spec(spec)
        report = run_audit(loaded, load_selector_file(selector) if selector else None)
        emit_report(report, report_format, to_stderr=False)
        if report.errors:
            raise typer.Exit(int(ExitCode.FINDINGS))


@app.command()
def init(
    spec: Annotated[str, typer.Argument(help="OpenAPI document (YAML or JSON) to list the operations of.")],
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write the selector here instead of standard output.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing --output file.")] = False,
) -> None:
    """Write a starter selector: every operation of SPEC, grouped by path, with default: deny."""
    with guarded():
        import os

        from apigw_cognito.app.files import write_atomic
        from apigw_cognito.app.pipeline import load_spec
        from apigw_cognito.core.starter import starter_selector

        loaded = load_spec(spec)
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


@app.command()
def validate(
    spec: Annotated[str, typer.Argument(help="OpenAPI document (YAML or JSON).")],
    report_format: ReportOption = ReportFormat.text,
) -> None:
    """Validate SPEC: OpenAPI rules, authorizer extensions and API Gateway's import restrictions."""
    with guarded():
        from apigw_cognito.app.pipeline import load_spec, run_validate
        from apigw_cognito.cli.progress import progress

        loaded = load_spec(spec)
        with progress(f"validating {loaded.name}"):
            report = run_validate(loaded)
        emit_report(report, report_format, to_stderr=False)
        if report.errors:
            raise typer.Exit(int(ExitCode.FINDINGS))


@app.command()
def schema() -> None:
    """Print the JSON Schema of the selector file (for editors)."""
    with guarded():
        import json

        from apigw_cognito.selector.loader import SCHEMA

        typer.echo(json.dumps(SCHEMA, indent=2))


register(app)


def _terminated(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # a cancelled pipeline job: clean up like Ctrl-C does


def main() -> None:
    import signal

    # SIGTERM (what CI systems send to cancel a job) unwinds like Ctrl-C, so a write in progress removes its
    # temporary file and the run ends with one line instead of vanishing. A parent that ignores SIGTERM for
    # its children keeps it ignored.
    if hasattr(signal, "SIGTERM") and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminated)
    app()
