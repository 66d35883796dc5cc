"""CORS of an HTTP API: the document's `x-amazon-apigateway-cors`, which API Gateway answers preflights
from (when no OPTIONS route takes them) and adds to responses. `http_cors_warnings` says where a secured
route's browser clients will still fail; `starter_cors` is what `init` suggests when there is none.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from apigw_cognito.basics import codes
from apigw_cognito.basics.errors import Finding
from apigw_cognito.basics.openapi import CORS_KEY, Locate, Version, authorizer_extensions


def http_cors_warnings(data: Mapping[str, Any], locate: Locate, headers: Collection[str]) -> list[Finding]:
    """AGC213 when the CORS configuration's allowHeaders lacks a header that carries the token of a
    secured route (`headers`): a browser's preflight for a call with that header is refused, so the call
    is never sent. Nothing without a CORS configuration (a server-to-server API needs none)."""
    cors = data.get(CORS_KEY)
    if not isinstance(cors, Mapping) or not headers:
        return []
    allowed = cors.get("allowHeaders")
    names = {str(h).strip().lower() for h in allowed} if isinstance(allowed, list) else set()
    if "*" in names:
        return []
    missing = sorted(h for h in headers if h.lower() not in names)
    if not missing:
        return []
    pointer = (CORS_KEY, "allowHeaders") if isinstance(allowed, list) else (CORS_KEY,)
    return [
        codes.finding(
            "AGC213",
            f"{CORS_KEY}: allowHeaders does not list {', '.join(missing)}, which carries the token of the"
            " secured routes: browsers' preflights are refused and the calls never sent; add it to"
            " allowHeaders",
            locate(pointer),
            pointer,
        )
    ]


def token_headers(data: Mapping[str, Any], version: Version) -> set[str]:
    """The headers the document's JWT authorizers read their token from (Authorization by default)."""
    headers = set()
    for ext in authorizer_extensions(data, version).values():
        if str(ext.get("type", "")).lower() != "jwt":
            continue
        source = str(ext.get("identitySource", "$request.header.Authorization"))
        if source.startswith("$request.header."):
            headers.add(source.rsplit(".", 1)[-1])
    return headers
