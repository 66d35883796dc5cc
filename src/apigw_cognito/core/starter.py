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
from apigw_cognito.basics.intrinsics import (
    CDK_TOKEN_RE,
    TEMPLATE_VARIABLE_RE,
    is_function,
    is_reference_text,
    problems,
    reference_text,
)
from apigw_cognito.basics.limits import MAX_AUTHORIZERS, MAX_RESULT_TTL_SECONDS
from apigw_cognito.basics.openapi import (
    AUTHORIZER_KEY,
    Locate,
    Operation,
    Version,
    get_in,
    iter_operations,
    security_schemes,
)
from apigw_cognito.core.access import scheme_kind
from apigw_cognito.core.gateway_responses import preflight_origin
from apigw_cognito.selector.stack_references import TEMPLATE_KEY

PLACEHOLDER_POOL = "arn:aws:cognito-idp:REGION:ACCOUNT_ID:userpool/POOL_ID"
_PLAIN = re.compile(r"^[A-Za-z0-9_./][A-Za-z0-9_./{}+*,$: -]*$")
_NAME = re.compile(r"[^A-Za-z0-9]+")


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


def _existing_authorizers(data: Mapping[str, Any], version: Version) -> list[_Existing]:
    found: list[_Existing] = []
    for name, scheme in security_schemes(data, version).items():
        if scheme_kind(scheme) != "cognito" or not re.fullmatch(r"[A-Za-z0-9._-]+", str(name)):
            continue
        extension = scheme.get(AUTHORIZER_KEY)
        arns = extension.get("providerARNs") if isinstance(extension, Mapping) else None
        items = arns if isinstance(arns, list) else []
        pools = tuple(p for p in (_selector_pool(a) for a in items) if p is not None)
        found.append(_Existing(str(name), pools))
    return found


def _selector_pool(item: Any) -> str | None:
    """A providerARNs item as a selector's user_pools item: a deploy-time reference (a CloudFormation
    function, a Terraform template variable) as JSON, which YAML reads too; None for what a selector file
    cannot hold (a CDK token, a malformed function)."""
    if isinstance(item, str):
        variable = re.fullmatch(TEMPLATE_VARIABLE_RE, item)
        if variable:
            return reference_text({TEMPLATE_KEY: variable.group(1)})
        return None if re.fullmatch(CDK_TOKEN_RE, item) else item
    return reference_text(item) if is_function(item) and not problems(item) else None


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
    data: Mapping[str, Any], version: Version, *, document: str, locate: Locate | None = None
) -> str:
    """The text of a selector deciding every operation of `data`, with comments explaining each key.

    `locate` places a malformed path item or operation in the file; without it the error names `document`.
    """
    existing = {e.name: e for e in _existing_authorizers(data, version)}
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
            out.append(f"      - {pool if is_reference_text(pool) else _scalar(pool)}{suffix}")
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
        "# A rule that selects nothing is an error unless it says `optional: true`. An API key an",
        "# operation requires (x-api-key) is kept; `api_key: required` adds one, `api_key: none` drops it.",
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
    if preflight_origin(data, locate or (lambda _pointer: Location(document))) is not None:
        out += [
            "# The preflights answer with CORS headers, but a call the authorizer rejects is answered by",
            "# API Gateway's gateway responses, which carry none: browsers then see a CORS error instead of",
            "# the 401. `auto` gives those responses the preflights' Access-Control-Allow-Origin.",
            "gateway_responses:",
            "  cors: auto",
        ]
    return "\n".join(out) + "\n"
