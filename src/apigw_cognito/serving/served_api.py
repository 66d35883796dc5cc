"""The API `serve` answers for: the secured document `import` would send, with each method's checks.

Built from the files on every (re)load: the selector's pools resolved to ARNs when they are ids or names
(a Cognito lookup, as `import` does), the transform and validation run as for `import` (errors stop it
with the same report), and for each method the `Requirement` that `explain` shows. Nothing is written.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from apigw_cognito.app.explaining import refuse_deploy_time_issuers
from apigw_cognito.app.pipeline import FindingsError, load_selector_file, load_spec, run_apply
from apigw_cognito.basics.errors import Finding
from apigw_cognito.basics.openapi import CORS_KEY
from apigw_cognito.core.explain import Requirement, requirement_of
from apigw_cognito.core.gateway_responses import GATEWAY_RESPONSES_KEY
from apigw_cognito.core.routes import RouteTable
from apigw_cognito.selector.model import Selector

DEFAULT_TTL = 300  # authorizerResultTtlInSeconds when the document does not say


@dataclass(frozen=True)
class Sources:
    """The files `serve` reads, and how pools given by id or name become ARNs."""

    spec: str
    selector: str
    allow_root: str | None = None
    resolve: Callable[[Selector], Selector] | None = None  # None: every pool must be an ARN


@dataclass(frozen=True)
class ServedApi:
    name: str
    routes: RouteTable
    requirements: Mapping[tuple[str, str], Requirement]  # (METHOD or ANY, document path) -> checks
    gateway_responses: Any
    files: tuple[str, ...]  # every file read: a change to any of them reloads
    findings: tuple[Finding, ...]  # warnings of the transform and validation
    http_api: bool = False  # answered as an HTTP API (JWT authorizers): `core.http_gateway`
    cors: Any = None  # an HTTP API's x-amazon-apigateway-cors

    def requirement(self, method: str, path: str) -> Requirement:
        return self.requirements[(method, path)]


def ttl_of(requirement: Requirement) -> int:
    """How long a decision on a token is reused (`authorizerResultTtlInSeconds`; 0: never)."""
    ttl = requirement.authorizer.result_ttl_seconds if requirement.authorizer else None
    return DEFAULT_TTL if ttl is None else ttl


def build(sources: Sources) -> ServedApi:
    """Load, resolve, secure and validate; `FindingsError` (with the report) when errors forbid an import,
    `InputError` for unreadable files and for a pool only a deployment names."""
    spec = load_spec(sources.spec, allowed_root=sources.allow_root)
    selector = load_selector_file(sources.selector)
    if sources.resolve is not None and any(
        a.needs_lookup(p) for a in selector.authorizers.values() for p in a.user_pools
    ):
        selector = sources.resolve(selector)
    applied = run_apply(spec, selector, validate=True, command="import")
    if not applied.writable:
        applied.report.notes.append("nothing is served: fix the errors above")
        raise FindingsError(f"{spec.name}: errors forbid serving it", applied.report)
    data = applied.data
    requirements = {
        (d.operation.method, d.operation.path): requirement_of(d, selector, data, spec.version)
        for d in applied.result.decisions
    }
    for requirement in requirements.values():  # before serving: such a pool would refuse every token
        if requirement.kind == "secured" and requirement.authorizer is not None:
            refuse_deploy_time_issuers(requirement.authorizer, "serve")
    # The files' names are as the spec's path was given (relative to the working folder, or absolute).
    files = {os.path.abspath(name) for name in (sources.selector, sources.spec, *spec.documents.files)}
    return ServedApi(
        name=spec.name,
        routes=RouteTable(data.get("paths") or {}),
        requirements=requirements,
        gateway_responses=data.get(GATEWAY_RESPONSES_KEY),
        files=tuple(sorted(f for f in files if os.path.isfile(f))),
        findings=tuple(applied.report.findings),
        http_api=selector.http_api,
        cors=data.get(CORS_KEY),
    )
