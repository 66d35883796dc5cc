"""The commands that work on files: `apply`, `audit`, `validate`, `bundle` and `schema`.

Each parses its options, calls the application layer and picks the exit code. Without a SPEC, `apply` and
`audit` run over every configured API (`project_runs`). Two options read live APIs instead of files,
`audit --live` and `init --from-api` (in `init_command`); what they run is in `live_runs`, loaded only then.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Annotated, Literal

import typer

from apigw_cognito.app.delivery import deliver, write_overlay
from apigw_cognito.app.files import write_atomic
from apigw_cognito.app.pipeline import (
    Applied,
    bundled,
    load_selector_file,
    run_apply,
    run_audit,
    run_validate,
)
from apigw_cognito.basics.errors import ExitCode, InputError
from apigw_cognito.cli.documents import load_for_command
from apigw_cognito.cli.options import (
    AllowRootOption,
    ApiOption,
    ConfigOption,
    EndpointOption,
    FullReportOption,
    JobsOption,
    ProfileOption,
    ProjectReportOption,
    RegionOption,
    ReportOption,
)
from apigw_cognito.cli.output import ReportFormat, emit_report, fail, guarded
from apigw_cognito.cli.progress import progress
from apigw_cognito.core.pool_scopes import SKIPPED_NOTE, needs_pool_check
from apigw_cognito.core.templatefile import escaped, markers, unescaped, with_markers
from apigw_cognito.document.bundle import render_data
from apigw_cognito.reports.model import Report
from apigw_cognito.selector.model import Selector, pool_kind
from apigw_cognito.selector.schema import SCHEMA


def _echo_err(line: str) -> None:
    typer.echo(line, err=True)


@dataclass(frozen=True)
class ResolveWith:
    region: str | None
    profile: str | None
    endpoint_url: str | None


def note_skipped(report: Report, rules: Selector) -> None:
    """Offline, the selector's scopes are not checked against the pools: say so when it has any."""
    if needs_pool_check(rules):
        report.notes.append(SKIPPED_NOTE)


def _resolved(rules: Selector, where: ResolveWith) -> tuple[Selector, Callable[[Applied], None]]:
    """Pool ids and names looked up in Cognito, and the check of the selector's scopes against the pools
    to run on the result; only `--resolve` loads the AWS side (40 ms of imports)."""
    from apigw_cognito.app.pool_checks import check_pools  # noqa: PLC0415  (see the docstring)
    from apigw_cognito.aws.clients import Clients, SessionOptions  # noqa: PLC0415
    from apigw_cognito.aws.pools import resolve_pools  # noqa: PLC0415

    session = SessionOptions(region=where.region, profile=where.profile, endpoint_url=where.endpoint_url)
    clients = Clients(session)
    resolved = resolve_pools(rules, session, clients=clients, note=_echo_err)
    return resolved, lambda applied: check_pools(applied, resolved, clients)


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


def _live_runs() -> ModuleType:
    """The live-API runs, loaded only by `audit --live` and `init --from-api` (boto3, the AWS adapter)."""
    from apigw_cognito.cli import live_runs  # noqa: PLC0415  (see the docstring)

    return live_runs


LiveIdsOption = Annotated[
    list[str] | None,
    typer.Option("--rest-api-id", metavar="ID", help="With --live: this REST API (repeatable)."),
]
LiveNamesOption = Annotated[
    list[str] | None,
    typer.Option("--api-name", metavar="NAME", help="With --live: the REST API of this name (repeatable)."),
]
LiveHttpIdsOption = Annotated[
    list[str] | None,
    typer.Option("--http-api-id", metavar="ID", help="With --live: this HTTP API (repeatable)."),
]
LiveHttpNamesOption = Annotated[
    list[str] | None,
    typer.Option(
        "--http-api-name", metavar="NAME", help="With --live: the HTTP API of this name (repeatable)."
    ),
]
AllowOption = Annotated[
    list[str] | None,
    typer.Option(
        "--allow",
        metavar="'METHOD PATH'",
        help="With --live: methods allowed to be public, as selector select strings with globs (repeatable).",
    ),
]


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
    full_report: FullReportOption = False,
    emit_overlay: Annotated[
        str | None,
        typer.Option("--emit-overlay", help="Also write the change as an OpenAPI Overlay 1.0 document here."),
    ] = None,
    exit_non_zero_on_write: Annotated[
        bool,
        typer.Option(
            "--exit-non-zero-on-write",
            help="Exit 1 when a file was written (new or changed), as pre-commit fixers do: the commit"
            " stops once, even for a new file git does not track yet.",
        ),
    ] = False,
    config: ConfigOption = None,
    api: ApiOption = None,
    jobs: JobsOption = None,
    resolve: Annotated[
        bool, typer.Option("--resolve", help="Look pool ids and name:<PoolName> up in Cognito (AWS calls).")
    ] = False,
    region: RegionOption = None,
    profile: ProfileOption = None,
    endpoint_url: EndpointOption = None,
    allow_root: AllowRootOption = None,
    templatefile: Annotated[
        bool,
        typer.Option(
            "--templatefile",
            help="Write a Terraform templatefile() template: {template_variable: NAME} pools as ${NAME},"
            " every other ${ and %{ escaped.",
        ),
    ] = False,
) -> None:
    """Add the selector's authorizers and per-operation security to SPEC (or every configured API)."""
    with guarded():
        if spec is None:
            if selector or output or in_place or emit_overlay:
                fail("--selector, --output, --in-place and --emit-overlay need a SPEC")
            code = run_project(
                "apply",
                config,
                api,
                jobs,
                report_choice,
                check=check,
                diff=diff,
                validate=not no_validate,
                full_report=full_report,
                fail_on_write=exit_non_zero_on_write,
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
        if templatefile and (in_place or emit_overlay or diff):
            fail(
                "--templatefile writes a template to --output or standard output, not with --in-place,"
                " --emit-overlay or --diff"
            )
        run = _ApplyRun(
            target=output or (spec if in_place else None),
            report_format=report_choice or ReportFormat.text,
            full_report=full_report,
            check=check,
            diff=diff,
            validate=not no_validate,
            overlay=emit_overlay,
            resolve=ResolveWith(region, profile, endpoint_url) if resolve else None,
            allow_root=allow_root,
            fail_on_write=exit_non_zero_on_write,
            templatefile=templatefile,
        )
        _apply_one(spec, selector, run)


@dataclass(frozen=True)
class _ApplyRun:
    target: str | None  # None: standard output
    report_format: ReportFormat
    full_report: bool  # the text report's whole table
    check: bool
    diff: bool
    validate: bool
    overlay: str | None  # where --emit-overlay writes
    resolve: ResolveWith | None  # for --resolve: where Cognito is
    allow_root: str | None  # the folder referenced files may be in
    fail_on_write: bool = False  # --exit-non-zero-on-write
    templatefile: bool = False  # --templatefile: a Terraform template


def _apply_one(spec_path: str, selector_path: str, run: _ApplyRun) -> None:
    spec = load_for_command(spec_path, allowed_root=run.allow_root)
    rules = load_selector_file(selector_path)
    check_pools: Callable[[Applied], None] = lambda applied: note_skipped(applied.report, rules)  # noqa: E731
    if run.resolve is not None:
        rules, check_pools = _resolved(rules, run.resolve)
    templated = [p for a in rules.authorizers.values() for p in a.user_pools if pool_kind(p) == "template"]
    if templated and not run.templatefile:
        raise InputError(
            f"user pool {{template_variable: {templated[0][2:-1]}}} is a Terraform template variable,"
            " which only a templatefile() template can carry",
            hint="add --templatefile to write the document as a template for Terraform's templatefile()",
        )
    marked = markers(rules, spec.raw.decode("utf-8", "replace")) if run.templatefile else {}
    with progress(f"securing and validating {spec.name}"):
        applied = run_apply(spec, with_markers(rules, marked) if marked else rules, validate=run.validate)
    check_pools(applied)
    if run.templatefile:
        as_template(applied, marked)
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
    if run.target is None and not run.diff and not run.check and applied.output is not None:
        sys.stdout.buffer.write(applied.output)
        sys.stdout.flush()
    emit_report(applied.report, run.report_format, to_stderr=stdout_busy, full=run.full_report)
    if run.fail_on_write and done.wrote:
        _echo_err(f"wrote {run.target}: add it and commit again")
        raise typer.Exit(max(int(done.exit_code), int(ExitCode.FINDINGS)))
    raise typer.Exit(int(done.exit_code))


def as_template(applied: Applied, marked: dict[str, str]) -> None:
    """Turn `applied`'s output into a templatefile() template, checked by reading it back."""
    if applied.output is None:
        return
    if applied.bundled:
        raise InputError(
            "--templatefile takes a document in one file",
            hint="bundle it first (apigw-cognito bundle SPEC -o FILE) and apply --templatefile to FILE",
        )
    text = applied.output.decode("utf-8")
    template = escaped(text, marked)
    if unescaped(template, {name: marker for marker, name in marked.items()}) != text:
        raise InputError("the templatefile() form would not read back as the secured document")
    applied.replace_output(template.encode("utf-8"))


def audit(  # noqa: PLR0913, PLR0917  (typer declares one parameter per command-line option)
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
    live: Annotated[
        bool,
        typer.Option(
            "--live",
            help="Audit live REST APIs instead of files: those named, or every one of the region;"
            " --selector then says which methods may be public.",
        ),
    ] = False,
    rest_api_id: LiveIdsOption = None,
    api_name: LiveNamesOption = None,
    http_api_id: LiveHttpIdsOption = None,
    http_api_name: LiveHttpNamesOption = None,
    http_apis: Annotated[
        bool, typer.Option("--http-apis", help="With --live: every HTTP API of the region (API Gateway v2).")
    ] = False,
    allow: AllowOption = None,
    region: RegionOption = None,
    profile: ProfileOption = None,
    endpoint_url: EndpointOption = None,
    allow_root: AllowRootOption = None,
) -> None:
    """Show every operation's effective authorization; exit 1 if any is OPEN."""
    with guarded():
        if live:
            if spec is not None or config or api or jobs is not None:
                fail("--live reads REST APIs, not files: leave out SPEC, --config, --api and --jobs")
            runs = _live_runs()
            request = runs.LiveAuditRequest(
                tuple(rest_api_id or ()),
                tuple(api_name or ()),
                tuple(allow or ()),
                selector,
                tuple(http_api_id or ()),
                tuple(http_api_name or ()),
                http_apis,
            )
            session = runs.SessionOptions(region=region, profile=profile, endpoint_url=endpoint_url)
            raise typer.Exit(runs.run_live_audit(session, request, report_choice or ReportFormat.text))
        if http_api_id or http_api_name or http_apis:
            fail("--http-api-id, --http-api-name and --http-apis need --live")
        if rest_api_id or api_name or allow or region or profile or endpoint_url:
            fail("--rest-api-id, --api-name, --allow, --region, --profile and --endpoint-url need --live")
        if spec is None:
            if selector:
                fail("--selector needs a SPEC (configured APIs use their own selector)")
            raise typer.Exit(run_project("audit", config, api, jobs, report_choice))
        _without_spec_only(config, api, jobs)
        rules = load_selector_file(selector) if selector else None
        report = run_audit(load_for_command(spec, allowed_root=allow_root), rules)
        if rules is not None:
            note_skipped(report, rules)
        emit_report(report, report_choice or ReportFormat.text, to_stderr=False)
        if report.errors:
            raise typer.Exit(int(ExitCode.FINDINGS))


def validate(
    spec: Annotated[str, typer.Argument(help="OpenAPI document (YAML or JSON).")],
    report_format: ReportOption = ReportFormat.text,
    allow_root: AllowRootOption = None,
) -> None:
    """Validate SPEC: OpenAPI rules, authorizer extensions and API Gateway's import restrictions."""
    with guarded():
        loaded = load_for_command(spec, allowed_root=allow_root)
        with progress(f"validating {loaded.name}"):
            report = run_validate(loaded)
        emit_report(report, report_format, to_stderr=False)
        if report.errors:
            raise typer.Exit(int(ExitCode.FINDINGS))


def bundle(
    spec: Annotated[
        str, typer.Argument(help="OpenAPI document whose path items or schemas are in other files.")
    ],
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", help="Write the bundle here (JSON for .json) instead of standard output."
        ),
    ] = None,
    allow_root: AllowRootOption = None,
) -> None:
    """Write SPEC and the files it references as one self-contained document (what `import` sends)."""
    with guarded():
        loaded = load_for_command(spec, allowed_root=allow_root)
        fmt = "json" if (output or loaded.name).lower().endswith(".json") else "yaml"
        text = render_data(bundled(loaded, loaded.data).data, fmt) if loaded.documents.split else loaded.raw
        if output is None:
            sys.stdout.buffer.write(text)
            sys.stdout.flush()
            return
        write_atomic(output, text)
        files = len(loaded.documents.files)
        typer.echo(
            f"wrote {output}: {loaded.name} and {files - 1} referenced file(s) in one document", err=True
        )


def schema() -> None:
    """Print the JSON Schema of the selector file (for editors)."""
    with guarded():
        typer.echo(json.dumps(SCHEMA, indent=2))
