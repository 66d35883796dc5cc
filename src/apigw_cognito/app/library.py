"""The library API behind `from apigw_cognito import ...`: the CLI's work as typed functions.

For build scripts and infrastructure code (a CDK app feeding `SpecRestApi`, a script writing the body
Terraform reads): load, secure, audit, validate and import, with the same checks and errors as the CLI.
Bad input raises `InputError`; findings that forbid a result (operations no rule decides, validation
errors) raise `FindingsError` carrying the report; AWS failures raise `AwsError`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from apigw_cognito.app import importing
from apigw_cognito.app.config import Config, Target
from apigw_cognito.app.config import load_config as read_config
from apigw_cognito.app.files import read_input
from apigw_cognito.app.pipeline import FindingsError, Spec, parse_spec, run_apply, run_audit, run_validate
from apigw_cognito.aws.clients import Clients, SessionOptions
from apigw_cognito.aws.http_importer import HttpImportOptions, HttpImportOutcome
from apigw_cognito.aws.import_plan import ImportOptions
from apigw_cognito.aws.importer import ImportOutcome
from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.basics.openapi import VERSIONS
from apigw_cognito.core.overlay import build_overlay
from apigw_cognito.core.transform import Result
from apigw_cognito.reports.model import Report
from apigw_cognito.selector.loader import load_selector as parse_selector
from apigw_cognito.selector.model import Selector

__all__ = ["FindingsError"]  # raised here, defined with the runs it reports on

Source = bytes | str | os.PathLike[str]
"""A file's contents (bytes) or its path (str or Path)."""


def _read(source: Source, name: str | None, default_name: str) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, name or default_name
    path = os.fspath(source)
    return read_input(path), name or path


def load_document(source: Source, *, name: str | None = None) -> Spec:
    """Load an OpenAPI document (YAML or JSON) from bytes or a path.

    `name` is how messages and reports call it (default: the path, or ``openapi.yaml`` for bytes; a name
    ending in ``.json`` reads bytes as JSON). The result's `.document.data` is the plain data and
    `.version.family` one of ``"2.0"``, ``"3.0"``, ``"3.1"``.
    """
    raw, label = _read(source, name, "openapi.yaml")
    return parse_spec(raw, label)


def load_selector(
    source: Source, *, name: str | None = None, environ: Mapping[str, str] | None = None
) -> Selector:
    """Load and check a selector file; ``${VAR}`` comes from `environ` (default: `os.environ`)."""
    raw, label = _read(source, name, "selector.yaml")
    return parse_selector(raw, label, os.environ if environ is None else environ)


@dataclass(frozen=True)
class SecureResult:
    """A secured document: its bytes (the input's text with the security inserted) and its data."""

    output: bytes
    data: Any  # plain JSON-compatible data, e.g. for aws_cdk.aws_apigateway.ApiDefinition.from_inline
    report: Report
    result: Result  # the decision for every operation, and the schemes written

    @property
    def changed(self) -> bool:
        return bool(self.result.edits)

    def json(self, *, indent: int | None = None) -> str:
        """The secured document as JSON text (what `import` sends to API Gateway)."""
        return json.dumps(self.data, indent=indent, ensure_ascii=False)

    def overlay(self, version: str = "3.0") -> dict[str, Any]:
        """The same change as an OpenAPI Overlay 1.0 document (as data)."""
        return build_overlay(self.result, VERSIONS[version], title="Cognito authorizers")


def _spec(spec: Source | Spec, name: str | None) -> Spec:
    return spec if isinstance(spec, Spec) else load_document(spec, name=name)


def _selector(selector: Source | Selector, environ: Mapping[str, str] | None) -> Selector:
    return selector if isinstance(selector, Selector) else load_selector(selector, environ=environ)


def secure_document(
    spec: Source | Spec,
    selector: Source | Selector,
    *,
    name: str | None = None,
    environ: Mapping[str, str] | None = None,
    validate: bool = True,
) -> SecureResult:
    """What `apigw-cognito apply` writes: `spec` with the selector's authorizers and operation security.

    `spec` and `selector` are bytes, paths or already loaded values. Raises `FindingsError` when an
    operation is left undecided under ``default: deny`` or the result does not validate (skip validation
    with ``validate=False``); warnings are in ``result.report.findings``.
    """
    loaded = _spec(spec, name)
    applied = run_apply(loaded, _selector(selector, environ), validate=validate)
    if applied.output is None:
        errors = applied.report.errors
        first = f"{errors[0].location}: {errors[0].message}" if errors and errors[0].location else ""
        raise FindingsError(
            f"{loaded.name}: {len(errors)} error(s) forbid a secured document"
            + (f"; {first}" if first else ""),
            applied.report,
        )
    return SecureResult(applied.output, applied.data, applied.report, applied.result)


def audit_document(
    spec: Source | Spec,
    selector: Source | Selector | None = None,
    *,
    name: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Report:
    """Every operation's effective authorization (`report.rows`); OPEN ones are `report.errors`."""
    return run_audit(_spec(spec, name), None if selector is None else _selector(selector, environ))


def validate_document(spec: Source | Spec, *, name: str | None = None) -> Report:
    """OpenAPI validation and API Gateway's import rules; problems are in `report.findings`."""
    return run_validate(_spec(spec, name))


def import_document(  # noqa: PLR0913  (the command's options, as keyword arguments)
    spec: Source | Spec,
    selector: Source | Selector,
    *,
    rest_api_id: str | None = None,
    api_name: str | None = None,
    create: bool = False,
    mode: Literal["overwrite", "merge"] = "overwrite",
    stage: str | None = None,
    region: str | None = None,
    profile: str | None = None,
    endpoint_url: str | None = None,
    dry_run: bool = False,
    verify: bool = True,
    environ: Mapping[str, str] | None = None,
    log: Callable[[str], None] | None = None,
    pool_check: bool = True,
) -> ImportOutcome:
    """What `apigw-cognito import` does: secure, validate, import into API Gateway, deploy, verify.

    Give exactly one of `rest_api_id` and `api_name`. Pool ids and ``name:<PoolName>`` are resolved
    first; with `pool_check` the selector's scopes are checked against the pools (see `import`).
    Progress lines go to `log` (default: nowhere). The outcome's `verification.ok` says whether API
    Gateway attached what the selector decided.
    """
    if (rest_api_id is None) == (api_name is None):
        raise ValueError("give exactly one of rest_api_id and api_name")
    session = SessionOptions(region=region, profile=profile, endpoint_url=endpoint_url)
    loaded = _spec(spec, None)
    clients = Clients(session)
    note = log or _quiet
    applied = importing.prepare(
        loaded, _selector(selector, environ), session, clients, validate=True, log=note, pool_check=pool_check
    )
    options = ImportOptions(
        rest_api_id=rest_api_id,
        api_name=api_name,
        create=create,
        mode=mode,
        stage=stage,
        dry_run=dry_run,
        verify=verify,
    )
    return importing.send(loaded, applied, clients, options, note)


def import_http_document(  # noqa: PLR0913  (one keyword per import option)
    spec: Source | Spec,
    selector: Source | Selector,
    *,
    http_api_id: str | None = None,
    http_api_name: str | None = None,
    create: bool = False,
    stage: str | None = None,
    region: str | None = None,
    profile: str | None = None,
    endpoint_url: str | None = None,
    dry_run: bool = False,
    verify: bool = True,
    environ: Mapping[str, str] | None = None,
    log: Callable[[str], None] | None = None,
    pool_check: bool = True,
) -> HttpImportOutcome:
    """What `apigw-cognito import --http-api-id/--http-api-name` does for a selector of `type: jwt`
    authorizers: secure, validate, reimport into the HTTP API, put what the import left out, serve it on
    `$default` (or `stage`), verify. Give exactly one of `http_api_id` and `http_api_name`."""
    if (http_api_id is None) == (http_api_name is None):
        raise ValueError("give exactly one of http_api_id and http_api_name")
    session = SessionOptions(region=region, profile=profile, endpoint_url=endpoint_url)
    clients = Clients(session)
    note = log or _quiet
    applied = importing.prepare(
        _spec(spec, None),
        _selector(selector, environ),
        session,
        clients,
        validate=True,
        log=note,
        pool_check=pool_check,
        http_api=True,
    )
    options = HttpImportOptions(
        api_id=http_api_id, api_name=http_api_name, create=create, stage=stage, dry_run=dry_run, verify=verify
    )
    return importing.send_http(applied, clients, options, note)


def _quiet(_line: str) -> None:
    pass


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """The project configuration at `path`, or the one found from the working folder upwards."""
    return read_config(path)


def import_configured(
    api: str,
    environment: str,
    *,
    config: Config | None = None,
    dry_run: bool = False,
    log: Callable[[str], None] | None = None,
    pool_check: bool = True,
) -> ImportOutcome:
    """Import the configured API named `api` into its `environment` target (``[apis.targets.<env>]``)."""
    project = config or load_config()
    (entry,) = project.select([api])
    target: Target | None = entry.targets.get(environment)
    if target is None:
        raise InputError(
            f"API {api!r} has no import target {environment!r}",
            entry.location or Location(project.path),
            hint="configured: " + (", ".join(entry.targets) or "none"),
        )
    environ = {**os.environ, **target.env}
    return import_document(
        Path(entry.spec),
        Path(entry.selector),
        rest_api_id=target.rest_api_id,
        api_name=target.api_name,
        create=target.create,
        mode=target.mode,
        stage=target.stage,
        region=target.region,
        profile=target.profile,
        dry_run=dry_run,
        environ=environ,
        log=log,
        pool_check=pool_check,
    )
