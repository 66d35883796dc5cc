"""What an HTTP API (API Gateway v2) import accepts and refuses, for documents written for one.

A document is an HTTP API's when it has a JWT authorizer or `x-amazon-apigateway-cors`
(`basics.openapi.is_http_api`); REST documents pass through these checks without a finding. The facts,
from AWS's "Working with OpenAPI definitions for HTTP APIs", the extension reference and the apigatewayv2
API model: only OpenAPI 3.0 is imported; integrations are AWS_PROXY or HTTP_PROXY (AWS, HTTP and MOCK
are WebSocket-only; HTTP API import warns about them, which `import`'s default --fail-on-warnings makes a
refusal); the $default route is the path `/$default`; route methods are ANY, DELETE, GET, HEAD, OPTIONS,
PATCH, POST and PUT; a JWT authorizer is a scheme of type oauth2 whose `jwtConfiguration` has an issuer
and an audience, and whose `identitySource` is one header or query string parameter; CORS is the
top-level `x-amazon-apigateway-cors`, and gateway responses do not exist.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from apigw_cognito.basics import codes
from apigw_cognito.basics.errors import Finding
from apigw_cognito.basics.intrinsics import is_function, provider_problem
from apigw_cognito.basics.openapi import (
    AUTHORIZER_KEY,
    CORS_KEY,
    Locate,
    Version,
    get_in,
    is_http_api,
    iter_operations,
    security_schemes,
)

HTTP_API_INTEGRATIONS = ("aws_proxy", "http_proxy")
HTTP_API_METHODS = frozenset(("ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"))
# One header or query string parameter (RFC 9110 token characters), as the selector's JWT_IDENTITY_SOURCE_RE.
_IDENTITY_SOURCE = re.compile(r"\$request\.(?:header|querystring)\.[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_CORS_LISTS = ("allowOrigins", "allowMethods", "allowHeaders", "exposeHeaders")


def check_http_api(data: Mapping[str, Any], version: Version, locate: Locate) -> Iterator[Finding]:
    """Every HTTP API import rule the document breaks; nothing for a REST API's document."""
    if not is_http_api(data, version):
        return
    if version.family != "3.0":
        yield codes.finding(
            "AGC310",
            f"HTTP APIs import OpenAPI 3.0 definitions only; this document is {version.family}",
            locate(("swagger",) if version.family == "2.0" else ("openapi",)),
        )
    yield from _authorizers(data, version, locate)
    yield from _operations(data, locate)
    yield from _cors(data, locate)


def _authorizers(data: Mapping[str, Any], version: Version, locate: Locate) -> Iterator[Finding]:
    for name, scheme in security_schemes(data, version).items():
        if not isinstance(scheme, Mapping) or not isinstance(scheme.get(AUTHORIZER_KEY), Mapping):
            continue
        pointer = (*version.schemes_pointer, str(name))
        for problem in jwt_problems(scheme):
            yield codes.finding("AGC302", f"security scheme {name}: {problem}", locate(pointer), pointer)


def jwt_problems(scheme: Mapping[str, Any]) -> Iterator[str]:
    """What is wrong with a security scheme's authorizer for an HTTP API (a JWT authorizer's shape; Lambda
    authorizers, type request, are not ours to judge)."""
    ext = scheme[AUTHORIZER_KEY]
    kind = str(ext.get("type", "")).lower()
    if kind == "cognito_user_pools":
        yield (
            "an HTTP API has no cognito_user_pools authorizers; a Cognito user pool is a JWT authorizer"
            " (type jwt, with jwtConfiguration issuer and audience)"
        )
        return
    if kind != "jwt":
        return
    if scheme.get("type") != "oauth2":
        yield "a JWT authorizer is imported from a security scheme of type oauth2"
    config = ext.get("jwtConfiguration")
    if not isinstance(config, Mapping):
        yield "a JWT authorizer needs jwtConfiguration: {issuer, audience}"
        return
    issuer = config.get("issuer")
    if is_function(issuer):  # built at deployment from a pool the stack names (`issuer_function`)
        if (problem := provider_problem(issuer)) is not None:
            yield f"jwtConfiguration.issuer is {problem}"
    elif not isinstance(issuer, str) or not issuer.startswith("https://"):
        yield "jwtConfiguration.issuer must be the issuer's https URL, or a CloudFormation function giving it"
    elif issuer.endswith("/"):
        yield (
            f"jwtConfiguration.issuer {issuer!r} ends with '/': it must equal the tokens' iss character for"
            " character, and Cognito's has no trailing slash, so every token would be rejected"
        )
    audience = config.get("audience")
    if not isinstance(audience, list) or not audience or not all(isinstance(a, str) and a for a in audience):
        yield "jwtConfiguration.audience must be a non-empty list of app client ids"
    source = ext.get("identitySource")
    if source is not None and (not isinstance(source, str) or not _IDENTITY_SOURCE.fullmatch(source)):
        yield (
            f"identitySource {source!r} is not one $request.header.<Name> or $request.querystring.<Name>;"
            " a JWT authorizer reads its token from one place"
        )


def _operations(data: Mapping[str, Any], locate: Locate) -> Iterator[Finding]:
    for op in iter_operations(data, locate):
        if op.method not in HTTP_API_METHODS:
            yield codes.finding(
                "AGC312",
                f"{op}: HTTP API routes have no {op.method} method"
                f" (they have {', '.join(sorted(HTTP_API_METHODS))})",
                locate(op.pointer),
                op.pointer,
            )
        pointer = (*op.pointer, "x-amazon-apigateway-integration", "type")
        kind = get_in(data, pointer)
        if isinstance(kind, str) and kind.lower() not in HTTP_API_INTEGRATIONS:
            yield codes.finding(
                "AGC311",
                f"{op}: integration type {kind} is not one an HTTP API has (AWS_PROXY, HTTP_PROXY): its"
                " import warns, and with --fail-on-warnings (the default) refuses the document"
                + (
                    "; CORS preflights need no mock integration: x-amazon-apigateway-cors answers them"
                    if op.method == "OPTIONS"
                    else ""
                ),
                locate(pointer),
                pointer,
            )


def _cors(data: Mapping[str, Any], locate: Locate) -> Iterator[Finding]:
    if "x-amazon-apigateway-gateway-responses" in data:
        pointer: tuple[str | int, ...] = ("x-amazon-apigateway-gateway-responses",)
        yield codes.finding(
            "AGC212",
            "x-amazon-apigateway-gateway-responses is for REST APIs; an HTTP API has no gateway responses"
            f" and its import ignores them (CORS headers come from {CORS_KEY})",
            locate(pointer),
            pointer,
        )
    if CORS_KEY not in data:
        return
    cors = data[CORS_KEY]
    where = locate((CORS_KEY,))
    if not isinstance(cors, Mapping):
        yield codes.finding("AGC313", f"{CORS_KEY} must be a mapping", where, (CORS_KEY,))
        return
    for key in cors:
        if key not in (*_CORS_LISTS, "allowCredentials", "maxAge"):
            yield codes.finding("AGC313", f"{CORS_KEY}: unknown key {key!r}", where, (CORS_KEY,))
    for key in _CORS_LISTS:
        value = cors.get(key)
        if value is not None and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
            yield codes.finding("AGC313", f"{CORS_KEY}: {key} must be a list of strings", where, (CORS_KEY,))
    credentials = cors.get("allowCredentials")
    if credentials is not None and not isinstance(credentials, bool):
        yield codes.finding(
            "AGC313", f"{CORS_KEY}: allowCredentials must be true or false", where, (CORS_KEY,)
        )
    age = cors.get("maxAge")
    if age is not None and (isinstance(age, bool) or not isinstance(age, int) or age < -1):
        yield codes.finding(
            "AGC313", f"{CORS_KEY}: maxAge must be a whole number of seconds", where, (CORS_KEY,)
        )
