"""Options that several commands share, declared once so their names and help agree everywhere."""

from __future__ import annotations

from typing import Annotated

import typer

from apigw_cognito.cli.output import ReportFormat

SelectorOption = Annotated[
    str, typer.Option("--selector", "-s", metavar="FILE", help="The selector file (YAML or JSON).")
]
ReportOption = Annotated[ReportFormat, typer.Option("--report", help="Report format.")]
FullReportOption = Annotated[
    bool,
    typer.Option(
        "--full-report",
        help="Text report: the whole operation table (by default only changed operations and those that"
        " need attention, with a count of the rest). Other formats are always complete.",
    ),
]

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

RegionOption = Annotated[
    str | None,
    typer.Option("--region", metavar="REGION", help="AWS region (default: AWS_REGION or the profile's)."),
]
ProfileOption = Annotated[
    str | None, typer.Option("--profile", metavar="PROFILE", help="AWS profile (default: AWS_PROFILE).")
]
EndpointOption = Annotated[
    str | None,
    typer.Option(
        "--endpoint-url",
        metavar="URL",
        help="Send every AWS call (API Gateway, Cognito, STS) here; AWS_ENDPOINT_URL_<SERVICE> also work.",
    ),
]

# Split documents: referenced files may not leave the document's folder unless the user widens it.
AllowRootOption = Annotated[
    str | None,
    typer.Option(
        "--allow-root",
        metavar="DIR",
        help="Let $ref name files anywhere under DIR (default: only under the document's folder).",
    ),
]

# Where `explain` and `serve` fetch a pool's signing keys from, when not from the pool's own JWKS URL.
JwksUrlOption = Annotated[
    str | None,
    typer.Option("--jwks-url", metavar="URL", help="Fetch the signing keys here instead of the pool's."),
]
