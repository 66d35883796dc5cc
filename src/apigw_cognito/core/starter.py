"""`apigw-cognito init`: a starter selector listing every operation of a document, for a person to edit.

Every operation gets its own rule, grouped by path in document order, so the reviewer decides each one;
`default: deny` makes any operation added later fail the build until someone decides it too. CORS
preflights (OPTIONS) are written as public rules. Operations the document already makes public
(`security: []`) stay public, and Cognito authorizers it already defines are kept with their pools. A
document whose preflights answer with CORS headers gets `gateway_responses: {cors: auto}`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from apigw_cognito.basics.errors import Location
from apigw_cognito.basics.limits import MAX_AUTHORIZERS, MAX_RESULT_TTL_SECONDS, issuer_pool
from apigw_cognito.basics.openapi import (
    AUTHORIZER_KEY,
    CORS_KEY,
    Locate,
    Operation,
    Version,
    get_in,
    is_http_api,
    iter_operations,
    security_schemes,
)
from apigw_cognito.core.access import scheme_kind
from apigw_cognito.core.gateway_responses import preflight_origin

PLACEHOLDER_POOL = "arn:aws:cognito-idp:REGION:ACCOUNT_ID:userpool/POOL_ID"
PLACEHOLDER_CLIENT = "APP-CLIENT-ID"  # not an app client id: the selector fails to load until replaced
_PLAIN = re.compile(r"^[A-Za-z0-9_./][A-Za-z0-9_./{}+*,$: -]*$")
_NAME = re.compile(r"[^A-Za-z0-9]+")


_REST_RULE_NOTE = (
    "# A rule that selects nothing is an error unless it says `optional: true`. An API key an",
    "# operation requires (x-api-key) is kept; `api_key: required` adds one, `api_key: none` drops it.",
)
_HTTP_RULE_NOTE = (
    "# A rule that selects nothing is an error unless it says `optional: true`. A route with scopes",
    "# takes a token carrying one of them; without scopes, an ID or access token of the audience.",
)


def _scalar(text: str) -> str:
    """`text` as a YAML scalar: plain when that reads back the same, single-quoted otherwise."""
    if (
        _PLAIN.match(text)
        and not text.endswith((" ", ":"))
        and ": " not in text
        and text.lower() not in ("true", "false", "null", "~", "yes", "no", "on", "off")
    ):
        return text
    return "'" + text.replace("'", "''") + "'"


def _comment(text: str) -> str:
    return " ".join(text.split())[:80]


@dataclass(frozen=True)
class _Existing:
    name: str
    pools: tuple[str, ...]
    audience: tuple[str, ...] = ()


def _existing_authorizers(data: Mapping[str, Any], version: Version, http: bool) -> list[_Existing]:
    found: list[_Existing] = []
    for name, scheme in security_schemes(data, version).items():
        if scheme_kind(scheme) != ("jwt" if http else "cognito"):
            continue
        if not re.fullmatch(r"[A-Za-z0-9._-]+", str(name)):
            continue
        extension = scheme.get(AUTHORIZER_KEY)
        found.append(_jwt_existing(str(name), extension) if http else _cognito_existing(str(name), extension))
    return found


def _cognito_existing(name: str, extension: Mapping[str, Any]) -> _Existing:
    arns = extension.get("providerARNs")
    return _Existing(
        name, tuple(str(a) for a in arns if isinstance(a, str)) if isinstance(arns, list) else ()
    )


def _jwt_existing(name: str, extension: Mapping[str, Any]) -> _Existing:
    """A Cognito pool's JWT authorizer: its pool id read back from the issuer (another issuer is no
    Cognito pool: the placeholder stands in), and its audience."""
    config = extension.get("jwtConfiguration")
    config = config if isinstance(config, Mapping) else {}
    pool = issuer_pool(str(config.get("issuer", "")))
    audience = config.get("audience")
    clients = tuple(str(a) for a in audience if isinstance(a, str)) if isinstance(audience, list) else ()
    return _Existing(name, (pool,) if pool else (), clients)


def authorizer_name(data: Mapping[str, Any]) -> str:
    """A scheme name from the API's title: "Secure Pets API" -> "SecurePetsApiUserPool"."""
    title = get_in(data, ("info", "title"), "")
    words = [w for w in _NAME.split(str(title)) if w]
    base = "".join(w[:1].upper() + w[1:] for w in words)[:40]
    return f"{base}UserPool" if base else "UserPool"


def _rule_for(
    op: Operation, summary: str | None, existing: Mapping[str, _Existing], default: str
) -> tuple[list[str], str]:
    """The rule's lines (after `select`) and the comment that explains it."""
    what = [x for x in (op.operation_id, _comment(summary) if summary else None) if x]
    about = ": ".join(what)
    if op.method == "OPTIONS":
        return ["public: true"], "CORS preflight: browsers send it without a token, so it stays public"
    if op.security == []:
        return ["public: true"], (about + "; " if about else "") + "public in the document (security: [])"
    if isinstance(op.security, list):
        for requirement in op.security:
            if isinstance(requirement, Mapping):
                for name, scopes in requirement.items():
                    if name in existing:
                        lines = [f"authorizer: {name}"]
                        if isinstance(scopes, list) and scopes:
                            lines.append("scopes: [" + ", ".join(_scalar(str(s)) for s in scopes) + "]")
                        return lines, about
    return [f"authorizer: {default}"], about


def starter_selector(
    data: Mapping[str, Any],
    version: Version,
    *,
    document: str,
    locate: Locate | None = None,
    http_api: bool = False,
) -> str:
    """The text of a selector deciding every operation of `data`, with comments explaining each key.

    `locate` places a malformed path item or operation in the file; without it the error names `document`.
    The selector is an HTTP API's (`type: jwt`) with `http_api` or when the document is written for one.
    """
    http = http_api or is_http_api(data, version)
    existing = {e.name: e for e in _existing_authorizers(data, version, http)}
    default = next(iter(existing), None) or authorizer_name(data)
    operations = list(iter_operations(data, locate or (lambda _pointer: Location(document))))
    out: list[str] = [
        f"# Selector for {document}, started by `apigw-cognito init`: it decides, for every operation,",
        "# whether API Gateway asks for a Cognito user pool token. Review each rule, then run",
        f"#   apigw-cognito apply {document} --selector THIS_FILE",
        "# Editors complete and check this file with the JSON Schema from `apigw-cognito schema`.",
        "version: 1",
        "",
        "# Cognito user pool authorizers, by name; each name becomes a security scheme in the document",
        f"# (at most {MAX_AUTHORIZERS} per API).",
        "authorizers:",
    ]
    authorizers = list(existing.values()) or [_Existing(default, ())]
    for i, auth in enumerate(authorizers):
        out.append(f"  {auth.name}:")
        if http:
            out += _jwt_lines(auth, first=i == 0)
            continue
        if i == 0:
            out += [
                "    # The pools whose users may call: a pool ARN, or a pool id (us-east-1_AbCdEfGhI) or",
                "    # name:<PoolName> that `apply --resolve` and `import` look up in AWS. ${VAR} and",
                "    # ${VAR:-default} take the value from the environment, for one pool per stage.",
            ]
        out.append("    user_pools:")
        pools = auth.pools or (PLACEHOLDER_POOL,)
        for pool in pools:
            suffix = "  # TODO: your user pool's ARN" if pool == PLACEHOLDER_POOL else ""
            out.append(f"      - {_scalar(pool)}{suffix}")
        if i == 0:
            out += [
                "    # Optional, with their defaults or examples:",
                "    # identity_source: method.request.header.Authorization  # the header with the token",
                "    # app_client_id_regex: '^[0-9a-z]{26}$'  # only ID tokens of matching app clients",
                "    # result_ttl_seconds: 300  # how long API Gateway caches a decision, 0 to"
                f" {MAX_RESULT_TTL_SECONDS}",
            ]
    out += [
        "",
        "# Rules, top-down: the first rule that selects an operation decides it. `select` is",
        '# "<METHODS> <PATH>" (METHODS: * or a comma list; PATH: * is one segment, ** any number) or a',
        "# mapping of methods, paths, tags and operation_ids. Then either `authorizer: <name>`, with",
        "# optional `scopes: [...]` (OAuth scopes an access token must carry), or `public: true`.",
        *(_HTTP_RULE_NOTE if http else _REST_RULE_NOTE),
        "rules:",
    ]
    current_path: str | None = None
    for op in operations:
        if op.path != current_path:
            current_path = op.path
            out.append(f"  # {_comment(op.path)}")
        summary = get_in(data, (*op.pointer, "summary"))
        lines, about = _rule_for(op, summary if isinstance(summary, str) else None, existing, default)
        select = _scalar(f"{op.method} {op.path}")
        out.append(f"  - select: {select}" + (f"  # {about}" if about else ""))
        out += [f"    {line}" for line in lines]
    if not operations:
        out.append("  []  # the document has no operations yet")
    out += [
        "",
        "# Operations no rule selects: deny (an error that lists them, so nothing goes live unsecured),",
        "# public, or the name of an authorizer.",
        "default: deny",
        "# OPTIONS methods stay public (CORS preflight) unless a rule names OPTIONS itself; `secured`",
        "# lets `*` and `default` secure them too.",
        "cors_preflight: public",
    ]
    if http:
        out += _http_cors_lines(data)
    elif preflight_origin(data, locate or (lambda _pointer: Location(document))) is not None:
        out += [
            "# The preflights answer with CORS headers, but a call the authorizer rejects is answered by",
            "# API Gateway's gateway responses, which carry none: browsers then see a CORS error instead of",
            "# the 401. `auto` gives those responses the preflights' Access-Control-Allow-Origin.",
            "gateway_responses:",
            "  cors: auto",
        ]
    return "\n".join(out) + "\n"


def _jwt_lines(auth: _Existing, *, first: bool) -> list[str]:
    """An HTTP API's JWT authorizer: its one pool and its audience."""
    out = ["    type: jwt  # an HTTP API's JWT authorizer"]
    if first:
        out += [
            "    # The one pool whose tokens it accepts: a pool id (us-east-1_AbCdEfGhI) or ARN, or",
            "    # name:<PoolName> that `apply --resolve` and `import` look up; ${VAR} reads the",
            "    # environment.",
        ]
    pool = auth.pools[0] if auth.pools else PLACEHOLDER_POOL
    suffix = "  # TODO: your user pool's id or ARN" if pool == PLACEHOLDER_POOL else ""
    out += ["    user_pools:", f"      - {_scalar(pool)}{suffix}"]
    if first:
        out.append(
            "    # The app clients whose tokens it accepts (an ID token's aud, an access token's client_id)."
        )
    out.append("    audience:")
    for client in auth.audience or (PLACEHOLDER_CLIENT,):
        suffix = "  # TODO: your app client id" if client == PLACEHOLDER_CLIENT else ""
        out.append(f"      - {_scalar(client)}{suffix}")
    if first:
        out.append("    # identity_source: $request.header.Authorization  # or $request.querystring.<Name>")
    return out


def _http_cors_lines(data: Mapping[str, Any]) -> list[str]:
    """What to know about CORS: an HTTP API's comes from the document, not from the selector."""
    if CORS_KEY in data:
        return [
            f"# CORS: the document's {CORS_KEY} answers preflights; `apply` warns when its allowHeaders",
            "# lacks the header that carries the token.",
        ]
    return [
        f"# CORS: an HTTP API answers browsers' preflights when the document has {CORS_KEY}, for",
        "# instance {allowOrigins: [https://app.example.com], allowHeaders: [authorization, content-type]}.",
    ]
