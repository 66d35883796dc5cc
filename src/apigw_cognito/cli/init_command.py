"""`init`: a starter selector for a document, or (`--from-api`, `--from-http-api`) the selector that adopts a
live API, whose run is in `live_runs`, loaded only then."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from typing import Annotated

import typer

from apigw_cognito.app.files import write_atomic
from apigw_cognito.cli.documents import load_for_command
from apigw_cognito.cli.options import AllowRootOption, EndpointOption, ProfileOption, RegionOption
from apigw_cognito.cli.output import fail, guarded


class GroupBy(StrEnum):
    """`init --group-by`: how the starter's rules are cut (`core.starter` explains each)."""

    auto = "auto"
    tag = "tag"
    path = "path"
    operation = "operation"


def init(  # noqa: PLR0913, PLR0917  (typer declares one parameter per command-line option)
    spec: Annotated[
        str | None,
        typer.Argument(
            help="OpenAPI document (YAML or JSON) to list the operations of; with --from-api, the document"
            " whose paths the rules use."
        ),
    ] = None,
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write the selector here instead of standard output.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing --output file.")] = False,
    group_by: Annotated[
        GroupBy,
        typer.Option(
            "--group-by",
            help="One rule per operation, per tag (untagged operations: per first path segment) or per"
            " first path segment; auto: per operation up to 40 operations, else grouped.",
        ),
    ] = GroupBy.auto,
    from_api: Annotated[
        str | None,
        typer.Option(
            "--from-api",
            metavar="ID",
            help="Adopt this live REST API: a selector reproducing its authorization method by method.",
        ),
    ] = None,
    api_name: Annotated[
        str | None, typer.Option("--api-name", metavar="NAME", help="Adopt the REST API of this name.")
    ] = None,
    from_http_api: Annotated[
        str | None,
        typer.Option(
            "--from-http-api",
            metavar="ID",
            help="Adopt this live HTTP API: a selector of JWT authorizers for its routes' authorization.",
        ),
    ] = None,
    spec_out: Annotated[
        str | None,
        typer.Option(
            "--spec-out",
            metavar="FILE",
            help="With --from-api: also write the API's OpenAPI export (with integrations) here.",
        ),
    ] = None,
    stage: Annotated[
        str | None,
        typer.Option(
            "--stage", metavar="NAME", help="With --spec-out: the stage to export (default: the only one)."
        ),
    ] = None,
    http_api: Annotated[
        bool,
        typer.Option(
            "--http-api",
            help="A starter for an HTTP API (type: jwt authorizers), even when SPEC does not say it is one.",
        ),
    ] = False,
    region: RegionOption = None,
    profile: ProfileOption = None,
    endpoint_url: EndpointOption = None,
    allow_root: AllowRootOption = None,
) -> None:
    """Write a starter selector deciding every operation of SPEC, with default: deny.

    With --from-api (or --api-name): the selector that reproduces a live REST API's authorization."""
    with guarded():
        if from_api is not None or api_name is not None or from_http_api is not None:
            if sum(x is not None for x in (from_api, api_name, from_http_api)) > 1:
                fail("give one of --from-api, --api-name and --from-http-api")
            if spec is not None and spec_out is not None:
                fail("give SPEC (your document) or --spec-out (the API's export), not both")
            if group_by is not GroupBy.auto:
                given = "--from-http-api" if from_http_api is not None else "--from-api"
                fail(f"--group-by cuts a starter from SPEC; {given} reproduces the API method by method")
            from apigw_cognito.cli import live_runs as runs  # noqa: PLC0415  (boto3: only when adopting)

            request = runs.AdoptRequest(
                from_api, api_name, spec, spec_out, output, stage, force, from_http_api
            )
            session = runs.SessionOptions(region=region, profile=profile, endpoint_url=endpoint_url)
            raise typer.Exit(runs.run_adopt(session, request))
        if spec_out or stage or region or profile or endpoint_url:
            fail("--spec-out, --stage, --region, --profile and --endpoint-url need --from-api or --api-name")
        if spec is None:
            fail("give SPEC, or --from-api ID to adopt a live REST API")
        # Only `init` writes a starter selector: other commands start without it.
        from apigw_cognito.core.starter import GROUPINGS, starter_selector  # noqa: PLC0415

        loaded = load_for_command(spec, allowed_root=allow_root)
        text = starter_selector(
            loaded.data,
            loaded.version,
            document=loaded.name,
            locate=loaded.locate,
            group_by=GROUPINGS[group_by.value],
            http_api=http_api,
        )
        if output is None:
            sys.stdout.write(text)
            return
        if os.path.exists(output) and not force:
            fail(f"{output} exists; use --force to overwrite it")
        write_atomic(output, text.encode("utf-8", "backslashreplace"))
        typer.echo(f"wrote {output}: fill in the user pool, review each rule, then run apply", err=True)
