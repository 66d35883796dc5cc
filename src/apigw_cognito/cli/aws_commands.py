"""The commands that talk to AWS: `import` and `verify`.

Like every command they only parse options, call the application layer (`app.importing`) and pick the
exit code: 0 ok, 1 findings or a mismatch, 2 bad input, 3 an AWS or network failure.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from apigw_cognito.app import importing
from apigw_cognito.app.pipeline import Applied, FindingsError, Spec, load_selector_file, load_spec
from apigw_cognito.aws.clients import Clients, SessionOptions
from apigw_cognito.aws.import_plan import ImportOptions, parse_parameters
from apigw_cognito.basics.errors import ExitCode
from apigw_cognito.cli.options import EndpointOption, ProfileOption, RegionOption, SelectorOption
from apigw_cognito.cli.output import ReportFormat, emit_report, fail, guarded
from apigw_cognito.cli.progress import progress
from apigw_cognito.reports.text import finding_line
from apigw_cognito.reports.verify_table import render_table


class ImportMode(StrEnum):
    overwrite = "overwrite"
    merge = "merge"


SpecArgument = Annotated[str, typer.Argument(metavar="SPEC", help="OpenAPI document (YAML or JSON).")]
RestApiIdOption = Annotated[
    str | None, typer.Option("--rest-api-id", metavar="ID", help="The REST API's id.")
]

ApiNameOption = Annotated[
    str | None,
    typer.Option(
        "--api-name", metavar="NAME", help="Find the REST API by name (more than one match is an error)."
    ),
]

ReadTimeoutOption = Annotated[
    float, typer.Option("--read-timeout", min=1, metavar="SECONDS", help="Seconds to wait for an AWS answer.")
]

ParameterOption = Annotated[
    list[str] | None,
    typer.Option(
        "--parameter",
        "-p",
        metavar="KEY=VALUE",
        help="KEY=VALUE passed to the import (basepath=ignore|prepend|split, ignore=documentation,"
        " endpointConfigurationTypes=EDGE|REGIONAL|PRIVATE); repeatable.",
    ),
]


def _echo_err(line: str) -> None:
    typer.echo(line, err=True)


def _session(
    region: str | None, profile: str | None, endpoint_url: str | None, read_timeout: float
) -> SessionOptions:
    return SessionOptions(
        region=region, profile=profile, endpoint_url=endpoint_url, read_timeout=read_timeout
    )


def _target(rest_api_id: str | None, api_name: str | None) -> None:
    if (rest_api_id is None) == (api_name is None):
        fail("give exactly one of --rest-api-id and --api-name")


def _prepare(
    spec_path: str, selector_path: str, session: SessionOptions, clients: Clients, *, validate: bool
) -> tuple[Spec, Applied]:
    """Load both files and prepare the document; errors print the report and exit 1."""
    spec = load_spec(spec_path)
    selector = load_selector_file(selector_path)
    try:
        applied = importing.prepare(spec, selector, session, clients, validate=validate, log=_echo_err)
    except FindingsError as exc:
        emit_report(exc.report, ReportFormat.text, to_stderr=True)
        raise typer.Exit(int(ExitCode.FINDINGS)) from None
    for finding in applied.report.findings:
        _echo_err(finding_line(finding))
    return spec, applied


def import_command(  # noqa: PLR0913, PLR0917  (typer declares one parameter per option)
    spec: SpecArgument,
    selector: SelectorOption,
    rest_api_id: RestApiIdOption = None,
    api_name: ApiNameOption = None,
    create: Annotated[
        bool,
        typer.Option(
            "--create", help="With --api-name: create the API (ImportRestApi) when none has that name."
        ),
    ] = False,
    mode: Annotated[
        ImportMode,
        typer.Option(
            "--mode",
            metavar="overwrite|merge",
            help="overwrite: the document is the whole API; merge: live routes it lacks stay.",
        ),
    ] = ImportMode.overwrite,
    fail_on_warnings: Annotated[
        bool,
        typer.Option(
            "--fail-on-warnings/--allow-warnings", help="Roll the import back when API Gateway has warnings."
        ),
    ] = True,
    parameter: ParameterOption = None,
    drop_api_settings: Annotated[
        bool,
        typer.Option(
            "--drop-api-settings",
            help="On overwrite, let API-level settings the document does not set (policy, endpoint"
            " configuration, ...) be reset instead of re-applying them.",
        ),
    ] = False,
    stage: Annotated[
        str | None, typer.Option("--stage", metavar="NAME", help="Deploy to this stage after the import.")
    ] = None,
    stage_description: Annotated[
        str | None,
        typer.Option("--stage-description", metavar="TEXT", help="Description of a stage --stage creates."),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Do everything up to the import call; say what would be sent and change."
        ),
    ] = False,
    no_verify: Annotated[
        bool, typer.Option("--no-verify", help="Skip reading the API back to check the authorizers.")
    ] = False,
    region: RegionOption = None,
    profile: ProfileOption = None,
    endpoint_url: EndpointOption = None,
    read_timeout: ReadTimeoutOption = 60.0,
) -> None:
    """Secure SPEC with the selector, validate it, import it into API Gateway, deploy and verify."""
    with guarded():
        _target(rest_api_id, api_name)
        if create and api_name is None:
            fail("--create needs --api-name (the name of the API to create)")
        if stage_description and not stage:
            fail("--stage-description needs --stage")
        parameters = parse_parameters(parameter or [])
        session = _session(region, profile, endpoint_url, read_timeout)
        clients = Clients(session)
        spec_loaded, applied = _prepare(spec, selector, session, clients, validate=True)
        options = ImportOptions(
            rest_api_id=rest_api_id,
            api_name=api_name,
            create=create,
            mode=mode.value,
            fail_on_warnings=fail_on_warnings,
            parameters=parameters,
            drop_api_settings=drop_api_settings,
            stage=stage,
            stage_description=stage_description,
            dry_run=dry_run,
            verify=not no_verify,
        )
        with progress(f"importing {spec_loaded.name}") as shown:
            outcome = importing.send(spec_loaded, applied, clients, options, shown.echo)
        if outcome.verification is not None:
            sys.stdout.write(render_table(outcome.verification))
            if not outcome.verification.ok:
                raise typer.Exit(int(ExitCode.FINDINGS))
        if outcome.rest_api_id and not dry_run:
            _echo_err(
                f"REST API {outcome.rest_api_id}: import done"
                + (f", stage {stage!r} deployed" if stage else "")
            )


def verify_command(  # noqa: PLR0913, PLR0917  (typer declares one parameter per option)
    spec: SpecArgument,
    selector: SelectorOption,
    rest_api_id: RestApiIdOption = None,
    api_name: ApiNameOption = None,
    parameter: ParameterOption = None,
    region: RegionOption = None,
    profile: ProfileOption = None,
    endpoint_url: EndpointOption = None,
    read_timeout: ReadTimeoutOption = 60.0,
) -> None:
    """Compare a live REST API's authorizers with what SPEC and the selector decide; exit 1 on any drift."""
    with guarded():
        _target(rest_api_id, api_name)
        parameters = parse_parameters(parameter or [])
        session = _session(region, profile, endpoint_url, read_timeout)
        clients = Clients(session)
        spec_loaded, applied = _prepare(spec, selector, session, clients, validate=False)
        options = ImportOptions(rest_api_id=rest_api_id, api_name=api_name)
        verification = importing.verify_live(spec_loaded, applied, clients, options, parameters, _echo_err)
        sys.stdout.write(render_table(verification))
        if not verification.ok:
            raise typer.Exit(int(ExitCode.FINDINGS))
