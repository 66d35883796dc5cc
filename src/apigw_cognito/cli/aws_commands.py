"""The commands that talk to AWS: `import` and `verify`.

Here are their options; what they run is in `aws_runs` (and `live_runs` for `--target`), loaded when one
of them runs. Exit codes: 0 ok, 1 findings or a mismatch, 2 bad input, 3 an AWS
or network failure.
"""

from __future__ import annotations

from enum import StrEnum
from types import ModuleType
from typing import Annotated, Literal

import typer

from apigw_cognito.cli.options import (
    AllowRootOption,
    ApiOption,
    ConfigOption,
    EndpointOption,
    ProfileOption,
    RegionOption,
)
from apigw_cognito.cli.output import fail, guarded


class ImportMode(StrEnum):
    overwrite = "overwrite"
    merge = "merge"


class ImportReport(StrEnum):
    text = "text"
    json = "json"


SpecArgument = Annotated[
    str | None,
    typer.Argument(metavar="[SPEC]", help="OpenAPI document (YAML or JSON). Omit with --target."),
]
OptionalSelector = Annotated[
    str | None, typer.Option("--selector", "-s", metavar="FILE", help="The selector file (YAML or JSON).")
]
TargetOption = Annotated[
    str | None,
    typer.Option(
        "--target",
        metavar="NAME",
        help="Without SPEC: every configured API with this target ([apis.targets.NAME]), paced.",
    ),
]
RestApiIdOption = Annotated[
    str | None, typer.Option("--rest-api-id", metavar="ID", help="The REST API's id.")
]

ApiNameOption = Annotated[
    str | None,
    typer.Option(
        "--api-name", metavar="NAME", help="Find the REST API by name (more than one match is an error)."
    ),
]

HttpApiIdOption = Annotated[
    str | None, typer.Option("--http-api-id", metavar="ID", help="The HTTP API's id (API Gateway v2).")
]
HttpApiNameOption = Annotated[
    str | None,
    typer.Option(
        "--http-api-name",
        metavar="NAME",
        help="Find the HTTP API by name (more than one match is an error); with --create, create it.",
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


NoPoolCheckOption = Annotated[
    bool,
    typer.Option(
        "--no-pool-check",
        help="Do not check the selector's scopes and app client regex against the user pools' resource"
        " servers and app clients (for credentials without cognito-idp read access, or an endpoint"
        " without Cognito).",
    ),
]


def _aws_runs() -> ModuleType:
    """What the AWS commands run, loaded only by them: the boto3 adapter, import planning and verification
    cost about 40 ms to import, which `apply`, `audit`, `validate` and `--help` never pay."""
    from apigw_cognito.cli import aws_runs  # noqa: PLC0415  (see the docstring)

    return aws_runs


def _target(
    rest_api_id: str | None,
    api_name: str | None,
    http_api_id: str | None = None,
    http_api_name: str | None = None,
) -> None:
    if sum(x is not None for x in (rest_api_id, api_name, http_api_id, http_api_name)) != 1:
        fail("give exactly one of --rest-api-id, --api-name, --http-api-id and --http-api-name")


def _files(spec: str | None, selector: str | None, target: str | None) -> tuple[str, str] | None:
    """SPEC and the selector, or None for a `--target` run (which takes them from the configuration)."""
    if target is not None:
        if spec is not None or selector is not None:
            fail("--target runs the configured APIs with their own SPEC and selector: leave both out")
        return None
    if spec is None or selector is None:
        fail("give SPEC and --selector, or --target NAME for the configured APIs")
    return spec, selector


def _target_run(
    command: Literal["import", "verify"],
    target: str,
    config: str | None,
    api: list[str] | None,
    endpoint: str | None,
) -> int:
    from apigw_cognito.cli import live_runs  # noqa: PLC0415  (the AWS side, as in _aws_runs)

    return int(live_runs.run_target(command, target, config, api or [], endpoint))


def import_command(  # noqa: PLR0913, PLR0917  (typer declares one parameter per option)
    spec: SpecArgument = None,
    selector: OptionalSelector = None,
    rest_api_id: RestApiIdOption = None,
    api_name: ApiNameOption = None,
    http_api_id: HttpApiIdOption = None,
    http_api_name: HttpApiNameOption = None,
    create: Annotated[
        bool,
        typer.Option(
            "--create",
            help="With --api-name: create the API (ImportRestApi) when none has that name; with"
            " --http-api-name: create the HTTP API (CreateApi).",
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
        str | None,
        typer.Option(
            "--stage",
            metavar="NAME",
            help="Deploy to this stage after the import (an HTTP API without it: $default, auto-deployed).",
        ),
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
    report: Annotated[
        ImportReport,
        typer.Option(
            "--report",
            metavar="text|json",
            help="json: the plan (each method's authorization, live -> new) and the verification as one"
            " JSON document on standard output.",
        ),
    ] = ImportReport.text,
    target: TargetOption = None,
    config: ConfigOption = None,
    api: ApiOption = None,
    no_pool_check: NoPoolCheckOption = False,
    region: RegionOption = None,
    profile: ProfileOption = None,
    endpoint_url: EndpointOption = None,
    read_timeout: ReadTimeoutOption = 60.0,
    allow_root: AllowRootOption = None,
) -> None:
    """Secure SPEC with the selector, validate it, import it into API Gateway, deploy and verify."""
    with guarded():
        files = _files(spec, selector, target)
        if files is None:
            assert target is not None
            if rest_api_id or api_name or http_api_id or http_api_name or create or stage or dry_run:
                fail("--target takes the API, stage, region and profile from the configuration")
            if region or profile:
                fail("--target takes the API, stage, region and profile from the configuration")
            raise typer.Exit(_target_run("import", target, config, api, endpoint_url))
        if config or api:
            fail("--config and --api are for --target runs")
        _target(rest_api_id, api_name, http_api_id, http_api_name)
        if create and api_name is None and http_api_name is None:
            fail("--create needs --api-name or --http-api-name (the name of the API to create)")
        if stage_description and not stage:
            fail("--stage-description needs --stage")
        runs = _aws_runs()
        session = runs.SessionOptions(
            region=region, profile=profile, endpoint_url=endpoint_url, read_timeout=read_timeout
        )
        inputs = runs.Files(*files, allow_root=allow_root, pool_check=not no_pool_check)
        if http_api_id or http_api_name:
            if mode is ImportMode.merge or parameter or drop_api_settings:
                fail(
                    "--mode merge, --parameter and --drop-api-settings are for REST APIs"
                    " (ReimportApi replaces an HTTP API's definition)"
                )
            if report == ImportReport.json:
                fail("--report json is for REST APIs; an HTTP API import prints its verification table")
            http_options = runs.HttpImportOptions(
                api_id=http_api_id,
                api_name=http_api_name,
                create=create,
                fail_on_warnings=fail_on_warnings,
                stage=stage,
                stage_description=stage_description,
                dry_run=dry_run,
                verify=not no_verify,
            )
            raise typer.Exit(runs.run_http_import(inputs, session, http_options))
        options = runs.ImportOptions(
            rest_api_id=rest_api_id,
            api_name=api_name,
            create=create,
            mode=mode.value,
            fail_on_warnings=fail_on_warnings,
            parameters=runs.parse_parameters(parameter or []),
            drop_api_settings=drop_api_settings,
            stage=stage,
            stage_description=stage_description,
            dry_run=dry_run,
            verify=not no_verify,
        )
        raise typer.Exit(runs.run_import(inputs, session, options, json_report=report == ImportReport.json))


def verify_command(  # noqa: PLR0913, PLR0917  (typer declares one parameter per option)
    spec: SpecArgument = None,
    selector: OptionalSelector = None,
    rest_api_id: RestApiIdOption = None,
    api_name: ApiNameOption = None,
    http_api_id: HttpApiIdOption = None,
    http_api_name: HttpApiNameOption = None,
    parameter: ParameterOption = None,
    stage: Annotated[
        str | None,
        typer.Option(
            "--stage",
            metavar="NAME",
            help="Also check that this stage serves the files: the deployment `import --stage` recorded"
            " for them (and AWS's API summary).",
        ),
    ] = None,
    target: TargetOption = None,
    config: ConfigOption = None,
    api: ApiOption = None,
    no_pool_check: NoPoolCheckOption = False,
    region: RegionOption = None,
    profile: ProfileOption = None,
    endpoint_url: EndpointOption = None,
    read_timeout: ReadTimeoutOption = 60.0,
    allow_root: AllowRootOption = None,
    stack: Annotated[
        str | None,
        typer.Option(
            "--stack",
            metavar="NAME",
            help="The CloudFormation stack that deployed the API: its REST API is compared, and the"
            " selector's CloudFormation references are resolved as the stack resolved them.",
        ),
    ] = None,
    stack_api: Annotated[
        str | None,
        typer.Option(
            "--stack-api",
            metavar="LOGICAL_ID",
            help="With --stack: the logical id of the REST API to compare, when the stack has several.",
        ),
    ] = None,
) -> None:
    """Compare a live REST or HTTP API's authorizers with what SPEC and the selector decide; 1 on drift."""
    with guarded():
        files = _files(spec, selector, target)
        if files is None:
            assert target is not None
            if rest_api_id or api_name or http_api_id or http_api_name or stage or region or profile:
                fail("--target takes the API, stage, region and profile from the configuration")
            raise typer.Exit(_target_run("verify", target, config, api, endpoint_url))
        if config or api:
            fail("--config and --api are for --target runs")
        if stack is not None and (rest_api_id or api_name or http_api_id or http_api_name):
            fail("--stack finds the REST API in the stack: leave out the API options")
        if stack_api is not None and stack is None:
            fail("--stack-api names an API of the stack given with --stack")
        if stack is None:
            _target(rest_api_id, api_name, http_api_id, http_api_name)
        runs = _aws_runs()
        if http_api_id or http_api_name:
            if stage or parameter:
                fail("--stage and --parameter are for REST APIs")
            session = runs.SessionOptions(
                region=region, profile=profile, endpoint_url=endpoint_url, read_timeout=read_timeout
            )
            inputs = runs.Files(*files, allow_root=allow_root, pool_check=not no_pool_check)
            raise typer.Exit(runs.run_http_verify(inputs, session, http_api_id, http_api_name))
        options = runs.ImportOptions(
            rest_api_id=rest_api_id, api_name=api_name, parameters=runs.parse_parameters(parameter or [])
        )
        session = runs.SessionOptions(
            region=region, profile=profile, endpoint_url=endpoint_url, read_timeout=read_timeout
        )
        inputs = runs.Files(*files, allow_root=allow_root, pool_check=not no_pool_check)
        stack_target = runs.StackTarget(stack, stack_api) if stack is not None else None
        raise typer.Exit(runs.run_verify(inputs, session, options, stage, stack_target))
