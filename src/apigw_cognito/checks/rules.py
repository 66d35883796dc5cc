"""Our own document checks: what openapi-spec-validator does not look at and API Gateway's import rules.

Each check is a small generator of findings over plain data; `check_document` runs them all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from apigw_cognito.basics import codes
from apigw_cognito.basics.errors import Finding
from apigw_cognito.basics.intrinsics import provider_problem
from apigw_cognito.basics.limits import (
    MAX_AUTHORIZERS,
    MAX_BODY_BYTES,
    MAX_RESOURCES,
    MAX_RESULT_TTL_SECONDS,
    POOL_ARN_RE,
)
from apigw_cognito.basics.openapi import (
    AUTHORIZER_KEY,
    HTTP_DEFAULT_ROUTE,
    MISSING,
    VERSIONS,
    Locate,
    Version,
    authorizer_extensions,
    is_http_api,
    iter_operations,
    resource_paths,
    security_schemes,
)
from apigw_cognito.checks.http_api import check_http_api

# Literal segments: alphanumerics and _ - . , : ; a parameter takes the whole segment ({id} or {proxy+}).
PATH_SEGMENT = re.compile(r"^([A-Za-z0-9_\-.,:]+|\{[A-Za-z0-9_\-.]+\+?\})$")

Check = Callable[[Mapping[str, Any], Version, Locate], Iterator[Finding]]


def check_requirements(data: Mapping[str, Any], version: Version, locate: Locate) -> Iterator[Finding]:
    """Every name in a security requirement must be a defined scheme; one authorizer per method."""
    schemes = security_schemes(data, version)
    authorizers = authorizer_extensions(data, version)
    places: list[tuple[tuple[str | int, ...], Any, str]] = []
    if "security" in data:
        places.append((("security",), data["security"], "root-level security"))
    places.extend(((*op.pointer, "security"), op.security, str(op)) for op in iter_operations(data, locate))
    for pointer, security, what in places:
        if security is MISSING:
            continue
        if not isinstance(security, list):
            yield codes.finding(
                "AGC309",
                f"{what}: `security` must be a list of requirement objects",
                locate(pointer),
                pointer,
            )
            continue
        for i, requirement in enumerate(security):
            if not isinstance(requirement, Mapping):
                yield codes.finding(
                    "AGC309",
                    f"{what}: security requirement {i + 1} must be a mapping of scheme names to scope lists",
                    locate((*pointer, i)),
                    (*pointer, i),
                )
                continue
            for name in requirement:
                if name not in schemes:
                    yield codes.finding(
                        "AGC301",
                        f"{what}: security requirement names scheme {name!r}, which is not defined in"
                        f" {'.'.join(version.schemes_pointer)}",
                        locate((*pointer, i)),
                        (*pointer, i),
                    )
            if sum(1 for name in requirement if name in authorizers) > 1:
                yield codes.finding(
                    "AGC309",
                    f"{what}: one requirement names several authorizers; API Gateway attaches one"
                    " authorizer per method",
                    locate((*pointer, i)),
                    (*pointer, i),
                )


def check_authorizers(data: Mapping[str, Any], version: Version, locate: Locate) -> Iterator[Finding]:
    """Cognito authorizer extensions must have the shape API Gateway imports."""
    for name, scheme in security_schemes(data, version).items():
        if not isinstance(scheme, Mapping) or scheme.get(AUTHORIZER_KEY) is None:
            continue
        pointer = (*version.schemes_pointer, str(name))
        for problem, inside in _authorizer_problems(scheme, scheme[AUTHORIZER_KEY]):
            at = (*pointer, *inside)
            yield codes.finding("AGC302", f"security scheme {name}: {problem}", locate(at), at)


def _authorizer_problems(scheme: Mapping[str, Any], ext: Any) -> Iterator[tuple[str, tuple[str | int, ...]]]:
    """Each problem, with the pointer below the scheme to where it is (() for the scheme itself)."""
    if not isinstance(ext, Mapping):
        yield f"{AUTHORIZER_KEY} must be a mapping", ()
        return
    if str(ext.get("type", "")).lower() != "cognito_user_pools":
        return  # Lambda authorizers are not ours to judge beyond the shape
    if scheme.get("type") != "apiKey":
        yield "API Gateway imports authorizers only from schemes of type apiKey", ()
    if scheme.get("in") != "header":
        yield "a Cognito authorizer reads its token from a header: `in` must be `header`", ()
    if not isinstance(scheme.get("name"), str) or not scheme.get("name"):
        yield "`name` must be the header that carries the token, e.g. Authorization", ()
    for problem, index in _provider_problems(ext.get("providerARNs")):
        yield problem, () if index is None else (AUTHORIZER_KEY, "providerARNs", index)
    yield from ((problem, ()) for problem in _setting_problems(scheme, ext))


def _provider_problems(arns: Any) -> Iterator[tuple[str, int | None]]:
    if not isinstance(arns, list) or not arns:
        yield "providerARNs must be a non-empty list of user pool ARNs", None
        return
    for index, arn in enumerate(arns):
        if isinstance(arn, str) and re.fullmatch(POOL_ARN_RE, arn):
            continue
        # A deploy-time reference (a CloudFormation function, a CDK token, a template variable) is what
        # the stack that deploys the document replaces by the ARN.
        problem = provider_problem(arn)
        if problem is not None:
            shown = repr(arn) if isinstance(arn, str) else json.dumps(arn)
            yield (
                f"providerARNs item {shown} is {problem}"
                " (arn:aws:cognito-idp:<region>:<account>:userpool/<pool id>, or a CloudFormation"
                " function such as {Fn::GetAtt: [UserPool, Arn]})",
                index,
            )


def _setting_problems(scheme: Mapping[str, Any], ext: Mapping[str, Any]) -> Iterator[str]:
    ttl = ext.get("authorizerResultTtlInSeconds")
    if ttl is not None and (
        isinstance(ttl, bool) or not isinstance(ttl, int) or not 0 <= ttl <= MAX_RESULT_TTL_SECONDS
    ):
        yield f"authorizerResultTtlInSeconds must be a whole number from 0 to {MAX_RESULT_TTL_SECONDS}"
    regex = ext.get("identityValidationExpression")
    if regex is not None:
        try:
            re.compile(str(regex))
        except re.error as exc:
            yield f"identityValidationExpression does not compile: {exc}"
    source = ext.get("identitySource")
    header = scheme.get("name")
    if source is not None and source != f"method.request.header.{header}":
        yield (
            f"identitySource {source!r} disagrees with the scheme's header name {header!r}; write only `name`"
        )


def check_scheme_place(data: Mapping[str, Any], version: Version, locate: Locate) -> Iterator[Finding]:
    """An authorizer in the other version's place is silently ignored and the API deploys open."""
    for other in VERSIONS.values():
        if other.schemes_pointer == version.schemes_pointer:
            continue
        if any(
            isinstance(s, Mapping) and AUTHORIZER_KEY in s for s in security_schemes(data, other).values()
        ):
            yield codes.finding(
                "AGC303",
                f"authorizers under {'.'.join(other.schemes_pointer)} are ignored in an OpenAPI"
                f" {version.family} document; they belong under {'.'.join(version.schemes_pointer)}",
                locate(other.schemes_pointer),
                other.schemes_pointer,
            )


def check_import_limits(
    data: Mapping[str, Any],
    version: Version,
    locate: Locate,
    *,
    prefix: str = "",
    body_bytes: int | None = None,
) -> Iterator[Finding]:
    """API Gateway's import restrictions that fail (or silently misbehave) at import time.

    The importer asks the same before it sends anything, with the base path `prefix` API Gateway puts
    before each path and the size of the body it sends (`body_bytes`; measured here when not given).
    """
    if not version.importable:
        yield codes.finding(
            "AGC304",
            f"API Gateway imports OpenAPI 2.0 and 3.0 only; it rejects {version.family} with"
            " 'Invalid OpenAPI input.'",
            locate(("openapi",)),
            ("openapi",),
        )
    size = body_size(data) if body_bytes is None else body_bytes
    if size > MAX_BODY_BYTES:
        yield codes.finding(
            "AGC305",
            f"the document is {size / 1048576:.1f} MB as JSON;"
            f" API Gateway imports at most {MAX_BODY_BYTES // 1048576} MB",
        )
    yield from _path_characters(data, locate, is_http_api(data, version))
    resources = len(resource_paths(data, prefix))
    if resources > MAX_RESOURCES:
        yield codes.finding(
            "AGC306",
            f"the document defines {resources} resources (the root included); API Gateway's"
            f" default limit is {MAX_RESOURCES}",
        )
    count = len(authorizer_extensions(data, version))
    if count > MAX_AUTHORIZERS:
        yield codes.finding(
            "AGC307", f"the document defines {count} authorizers; API Gateway's limit is {MAX_AUTHORIZERS}"
        )


def _path_characters(data: Mapping[str, Any], locate: Locate, http_api: bool) -> Iterator[Finding]:
    """The first segment of each path that API Gateway would not accept (an HTTP API's `/$default`, its
    catch-all route, is not a path)."""
    paths = data.get("paths")
    for path in paths if isinstance(paths, Mapping) else ():
        if http_api and path == HTTP_DEFAULT_ROUTE:
            continue
        bad = next((s for s in str(path).split("/") if s and not PATH_SEGMENT.match(s)), None)
        if bad is not None:
            yield codes.finding(
                "AGC308",
                f"path {path}: segment {bad!r} has characters API Gateway does not accept"
                " (letters, digits, _ - . , : or a whole-segment {parameter})",
                locate(("paths", str(path))),
                ("paths", str(path)),
            )


def json_body(data: Any) -> bytes:
    """The body `import` sends: the document as compact UTF-8 JSON. A lone surrogate (which a JSON
    document may hold as an escape, and UTF-8 cannot) makes the whole body ASCII with escapes."""
    try:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def body_size(data: Any) -> int:
    """The size of the body `import` sends."""
    return len(json_body(data))


CHECKS: tuple[Check, ...] = (
    check_requirements,
    check_authorizers,
    check_scheme_place,
    check_import_limits,
    check_http_api,
)


def check_document(data: Mapping[str, Any], version: Version, locate: Locate) -> list[Finding]:
    return [f for check in CHECKS for f in check(data, version, locate)]
