"""API key requirements: which security schemes API Gateway reads as "API key required", and which of them an
operation's `security` names.

API Gateway imports a requirement naming a scheme ``{type: apiKey, name: x-api-key, in: header}`` (no
authorizer extension) as ``apiKeyRequired: true``; beside a Cognito scheme in the same requirement object it
means both (AND). Usage plans throttle and meter by that key, so the transform never drops such a
requirement unless a rule says ``api_key: none``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apigw_cognito.basics.openapi import AUTHORIZER_KEY, Version, iter_operations, security_schemes

API_KEY_HEADER = "x-api-key"
STANDARD_NAME = "api_key"  # the scheme name AWS's own examples use
STANDARD_SCHEME: dict[str, Any] = {"type": "apiKey", "name": API_KEY_HEADER, "in": "header"}


def is_api_key_scheme(scheme: Any) -> bool:
    """True for a security scheme API Gateway reads as an API key requirement."""
    return (
        isinstance(scheme, Mapping)
        and scheme.get("type") == "apiKey"
        and scheme.get("in") == "header"
        and str(scheme.get("name", "")).lower() == API_KEY_HEADER
        and AUTHORIZER_KEY not in scheme
        and "x-amazon-apigateway-authtype" not in scheme
    )


def api_key_names(security: Any, schemes: Mapping[str, Any]) -> tuple[str, ...]:
    """The API key schemes `security` names (in any requirement object), each once, in order."""
    if not isinstance(security, list):
        return ()
    names: list[str] = []
    for requirement in security:
        if not isinstance(requirement, Mapping):
            continue
        for name in requirement:
            if is_api_key_scheme(schemes.get(name)) and str(name) not in names:
                names.append(str(name))
    return tuple(names)


def scheme_to_require(schemes: Mapping[str, Any], taken: set[str]) -> tuple[str, dict[str, Any] | None]:
    """The API key scheme `api_key: required` names: the document's first one, or a standard one to write
    (the scheme name, and the scheme when it must be added). `taken` holds names no new scheme may use."""
    for name, scheme in schemes.items():
        if is_api_key_scheme(scheme) and name not in taken:  # an authorizer of that name replaces it
            return str(name), None
    name, n = STANDARD_NAME, 1
    while name in schemes or name in taken:
        name, n = f"{STANDARD_NAME}_{n}", n + 1
    return name, dict(STANDARD_SCHEME)


def keyed_operations(data: Mapping[str, Any], version: Version) -> set[tuple[str, str]]:
    """(METHOD, path) of every operation whose `security` requires an API key."""
    schemes = security_schemes(data, version)
    return {
        (op.method, op.path)
        for op in iter_operations(data, lambda _pointer: None)
        if api_key_names(op.security, schemes)
    }
