"""`apigw-cognito serve SPEC -s SELECTOR [--port 4010] ...`: the secured API on this machine, answering as
API Gateway would (docs/serve.md).

The document is secured and validated as `import` would send it (errors: the same report, exit 1) and
served until Ctrl-C (exit 0). A port in use or another bad input: one line, exit 2. One log line per
request goes to standard error. aiohttp, PyJWT and the serving package load only here.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from apigw_cognito.app.files import read_input
from apigw_cognito.app.pipeline import FindingsError
from apigw_cognito.basics.errors import ExitCode, InputError
from apigw_cognito.cli.options import (
    AllowRootOption,
    ConfigOption,
    EndpointOption,
    JwksUrlOption,
    ProfileOption,
    RegionOption,
)
from apigw_cognito.cli.output import ReportFormat, emit_report, guarded
from apigw_cognito.reports.text import finding_line
from apigw_cognito.selector.model import Selector


def _echo_err(line: str) -> None:
    typer.echo(line, err=True)


def _resolver(region: str | None, profile: str | None, endpoint: str | None) -> Any:
    def resolve(rules: Selector) -> Selector:
        from apigw_cognito.aws.clients import SessionOptions  # noqa: PLC0415  (only for pool ids and names)
        from apigw_cognito.aws.pools import resolve_pools  # noqa: PLC0415

        session = SessionOptions(region=region, profile=profile, endpoint_url=endpoint)
        return resolve_pools(rules, session, note=_echo_err)

    return resolve


def _key_file(path: str) -> dict[str, Any]:
    try:
        keys = json.loads(read_input(path))
    except ValueError as exc:
        raise InputError(f"{path}: not JSON ({exc})") from None
    if not isinstance(keys, dict) or not isinstance(keys.get("keys"), list):
        raise InputError(f"{path}: not a JSON Web Key Set (an object with a 'keys' list)")
    return keys


def _files(spec: str | None, selector: str | None, api: str | None, config: str | None) -> tuple[str, str]:
    """The spec and selector to serve: given, or those of the one configured API (`--api NAME`)."""
    if spec is not None:
        if api is not None or config is not None:
            raise InputError("--api and --config name a configured API: give them without SPEC")
        if selector is None:
            raise InputError("--selector is required with a SPEC")
        return spec, selector
    if selector is not None:
        raise InputError("--selector needs a SPEC (a configured API brings its own)")
    from apigw_cognito.app.config import load_config  # noqa: PLC0415  (only without SPEC)

    loaded = load_config(config)
    apis = loaded.select([api] if api else [])
    if len(apis) != 1:
        raise InputError(
            "serve runs one API: name it with --api",
            hint="configured: " + ", ".join(a.name for a in loaded.apis),
        )
    return apis[0].spec, apis[0].selector


def serve_command(  # noqa: PLR0913, PLR0917  (typer declares one parameter per option)
    spec: Annotated[
        str | None,
        typer.Argument(metavar="[SPEC]", help="OpenAPI document (YAML or JSON). Omit for a configured API."),
    ] = None,
    selector: Annotated[
        str | None, typer.Option("--selector", "-s", metavar="FILE", help="The selector file (YAML or JSON).")
    ] = None,
    api: Annotated[
        str | None,
        typer.Option("--api", metavar="NAME", help="Without SPEC: the configured API of this name."),
    ] = None,
    config: ConfigOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")] = 4010,
    upstream: Annotated[
        str | None,
        typer.Option(
            "--upstream",
            metavar="URL",
            help="Send http/http_proxy integrations here (replaces their URI's scheme, host and port).",
        ),
    ] = None,
    api_key: Annotated[
        list[str] | None,
        typer.Option("--api-key", metavar="KEY", help="An API key the keyed methods accept (repeat)."),
    ] = None,
    lambda_url: Annotated[
        str | None,
        typer.Option(
            "--lambda",
            metavar="URL",
            help="Invoke aws_proxy integrations here (the Lambda Runtime Interface Emulator's address).",
        ),
    ] = None,
    stage: Annotated[str, typer.Option("--stage", help="The stage name Lambda events carry.")] = "local",
    jwks_url: JwksUrlOption = None,
    jwks_file: Annotated[
        str | None,
        typer.Option("--jwks-file", metavar="FILE", help="Read the signing keys from FILE (offline)."),
    ] = None,
    region: RegionOption = None,
    profile: ProfileOption = None,
    endpoint_url: EndpointOption = None,
    allow_root: AllowRootOption = None,
) -> None:
    """Serve the secured API locally, answering every request as API Gateway would."""
    # The server side (aiohttp, PyJWT) loads only in this command.
    from apigw_cognito.app.explaining import KeySource  # noqa: PLC0415
    from apigw_cognito.serving.gateway import Gateway, Options  # noqa: PLC0415
    from apigw_cognito.serving.runner import bind, serve  # noqa: PLC0415
    from apigw_cognito.serving.served_api import Sources, build  # noqa: PLC0415
    from apigw_cognito.serving.signing_keys import SigningKeys  # noqa: PLC0415

    with guarded():
        if jwks_url and jwks_file:
            raise InputError("give the keys once: --jwks-url or --jwks-file")
        spec_path, selector_path = _files(spec, selector, api, config)
        sources = Sources(spec_path, selector_path, allow_root, _resolver(region, profile, endpoint_url))
        try:
            served = build(sources)
        except FindingsError as exc:
            emit_report(exc.report, ReportFormat.text, to_stderr=True)
            raise typer.Exit(int(ExitCode.FINDINGS)) from None
        if served.http_api and api_key:  # an option that would change nothing must not look honoured
            raise InputError(
                "--api-key: an HTTP API has no API keys, and the selector's authorizers are type jwt (an HTTP"
                " API), so no route would check one",
                hint="leave --api-key out; API keys belong to REST APIs (a rule's `api_key: true`)",
            )
        for finding in served.findings:  # warnings, as `import` prints them
            _echo_err(finding_line(finding))
        keys = SigningKeys(
            KeySource(jwks_url=jwks_url, endpoint_url=endpoint_url),
            _key_file(jwks_file) if jwks_file else None,
        )
        sock = bind(host, port)
        options = Options(tuple(api_key or ()), upstream, lambda_url, stage)
        gateway = Gateway(served, keys, options, _echo_err)
        shown_host = f"[{host}]" if ":" in host else host
        _echo_err(f"serving {served.name} on http://{shown_host}:{sock.getsockname()[1]} (Ctrl-C stops)")

        def rebuild() -> Any:
            return build(sources)

        try:
            serve(gateway, sock, rebuild, _echo_err)
        except KeyboardInterrupt:
            _echo_err("stopped")
