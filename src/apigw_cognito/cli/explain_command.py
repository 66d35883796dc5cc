"""`apigw-cognito explain SPEC -s SELECTOR "GET /pets" [--token JWT | --token-file F]`.

Without a token: the rule that decides the operation, the rules that lose and why, what API Gateway will
require. With a token (from the option, a file, standard input or APIGW_COGNITO_TOKEN; never printed):
would API Gateway accept it, and every reason if not, its signature checked against the pool's keys
unless `--offline`. Exit codes: 0 accepted (or no token and the operation is decided), 1 refused (or the
operation decided by no rule), 2 a malformed token or bad input, 3 the keys or a pool lookup failed.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from apigw_cognito.app.files import read_input
from apigw_cognito.app.pipeline import load_selector_file
from apigw_cognito.basics.errors import ExitCode
from apigw_cognito.basics.text import decode_utf8
from apigw_cognito.cli.documents import load_for_command
from apigw_cognito.cli.options import (
    EndpointOption,
    JwksUrlOption,
    ProfileOption,
    RegionOption,
    SelectorOption,
)
from apigw_cognito.cli.output import fail, guarded
from apigw_cognito.selector.model import Selector, pool_kind

TOKEN_VARIABLE = "APIGW_COGNITO_TOKEN"


def _token_text(token: str | None, token_file: str | None) -> str | None:
    if token is not None and token_file is not None:
        fail("give the token once: --token or --token-file")
    if token_file is not None:
        return decode_utf8(read_input(token_file), token_file)
    return token if token is not None else os.environ.get(TOKEN_VARIABLE) or None


def _with_pool_ids(
    rules: Selector, region: str | None, profile: str | None, endpoint: str | None
) -> Selector:
    """Pools given by name looked up in Cognito: a token's issuer names the pool by id."""
    if not any(pool_kind(p) == "name" for a in rules.authorizers.values() for p in a.user_pools):
        return rules
    from apigw_cognito.aws.clients import SessionOptions  # noqa: PLC0415  (AWS side only when needed)
    from apigw_cognito.aws.pools import resolve_pools  # noqa: PLC0415

    session = SessionOptions(region=region, profile=profile, endpoint_url=endpoint)
    return resolve_pools(rules, session, note=lambda line: typer.echo(line, err=True))


def explain_command(  # noqa: PLR0913, PLR0917  (typer declares one parameter per option)
    spec: Annotated[str, typer.Argument(metavar="SPEC", help="OpenAPI document (YAML or JSON).")],
    operation: Annotated[
        str, typer.Argument(metavar="OPERATION", help="The operation, as 'METHOD /path' (quote it).")
    ],
    selector: SelectorOption,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            metavar="JWT",
            help=f"A Cognito ID or access token to judge (also read from {TOKEN_VARIABLE}); never printed.",
        ),
    ] = None,
    token_file: Annotated[
        str | None,
        typer.Option("--token-file", metavar="FILE", help="Read the token from FILE (- for standard input)."),
    ] = None,
    header: Annotated[
        str | None,
        typer.Option("--header", metavar="NAME", help="The header the client sends the token in."),
    ] = None,
    offline: Annotated[
        bool,
        typer.Option("--offline", help="Do not fetch the pool's keys: the signature is not verified."),
    ] = False,
    jwks_url: JwksUrlOption = None,
    region: RegionOption = None,
    profile: ProfileOption = None,
    endpoint_url: EndpointOption = None,
) -> None:
    """Explain why OPERATION is secured as it is; with a token, whether API Gateway would accept it."""
    # Only `explain` uses these (tokens, keys, the explanation report): other commands start without them.
    from apigw_cognito.app.explaining import KeySource, check_token, explain_operation  # noqa: PLC0415
    from apigw_cognito.reports.explanation import render_explanation  # noqa: PLC0415

    with guarded():
        text = _token_text(token, token_file)
        loaded = load_for_command(spec)
        rules = load_selector_file(selector)
        if text is not None and not offline:
            rules = _with_pool_ids(rules, region, profile, endpoint_url)
        explanation = explain_operation(loaded, rules, operation)
        check = None
        if text is not None:
            keys = KeySource(offline=offline, jwks_url=jwks_url, endpoint_url=endpoint_url)
            check = check_token(explanation, text, keys, header=header)
        sys.stdout.write(render_explanation(explanation, check))
        refused = check is not None and not check.verdict.accepted
        undecided = explanation.requirement.kind == "unmatched"
        raise typer.Exit(int(ExitCode.FINDINGS if refused or undecided else ExitCode.OK))
