"""CORS headers on API Gateway's own error responses (`x-amazon-apigateway-gateway-responses`).

When an authorizer rejects a call, API Gateway answers from a gateway response (UNAUTHORIZED, ACCESS_DENIED,
...), not from the integration, and those carry no ``Access-Control-Allow-Origin`` unless the document adds
it: a browser then reports a CORS error instead of the 401. `plan_cors` says what to insert for the
selector's ``gateway_responses: cors``; `missing_cors` is the warning when nothing covers it.

Only insertions: an entry, a ``responseParameters`` mapping or a header the document lacks is added, and
everything it has (status codes, templates, other headers, a header with another value) stays as written.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from apigw_cognito.basics import codes
from apigw_cognito.basics.errors import Finding
from apigw_cognito.basics.openapi import Locate, get_in, iter_operations
from apigw_cognito.document.edits import Edit
from apigw_cognito.selector.model import Cors

GATEWAY_RESPONSES_KEY = "x-amazon-apigateway-gateway-responses"
# What `cors` writes: the authorizer's rejections and the defaults every other error falls back to.
WRITTEN_TYPES = ("UNAUTHORIZED", "ACCESS_DENIED", "EXPIRED_TOKEN", "DEFAULT_4XX", "DEFAULT_5XX")
# The rejections a Cognito authorizer answers with; each falls back to DEFAULT_4XX unless the document
# declares it (a declared one does not inherit DEFAULT_4XX's headers).
REJECTIONS = ("UNAUTHORIZED", "ACCESS_DENIED", "EXPIRED_TOKEN")
ORIGIN = "Access-Control-Allow-Origin"
ALLOW_HEADERS = "Access-Control-Allow-Headers"
RESPONSE_HEADER = "gatewayresponse.header."
_PREFLIGHT_HEADER = "method.response.header."

Pointer = tuple[str | int, ...]


@dataclass(frozen=True)
class CorsPlan:
    """What `cors` inserts, and what it found on the way."""

    headers: dict[str, str]  # header name -> the value as API Gateway reads it (a quoted literal); {}: none
    edits: tuple[Edit, ...] = ()
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()


def literal(text: str) -> str:
    """`text` as API Gateway's quoted literal: ``'*'``."""
    return f"'{text}'"


def _preflight_headers(data: Mapping[str, Any], locate: Locate) -> Iterator[tuple[Pointer, str, Any]]:
    """(pointer, lower-case header name, value) of each CORS header the preflights' integration responses
    set (``method.response.header.Access-Control-Allow-*``), in document order."""
    for op in iter_operations(data, locate):
        if op.method != "OPTIONS":
            continue
        responses = get_in(data, (*op.pointer, "x-amazon-apigateway-integration", "responses"))
        if not isinstance(responses, Mapping):
            continue
        for status, response in responses.items():
            params = response.get("responseParameters") if isinstance(response, Mapping) else None
            if not isinstance(params, Mapping):
                continue
            for key, value in params.items():
                name = str(key).lower()
                if name.startswith(_PREFLIGHT_HEADER + "access-control-allow-"):
                    pointer = (*op.pointer, "x-amazon-apigateway-integration", "responses", status)
                    yield (*pointer, "responseParameters", key), name[len(_PREFLIGHT_HEADER) :], value


def _declared_origin(data: Mapping[str, Any], locate: Locate) -> Pointer | None:
    """Where a preflight's OpenAPI response declares an Access-Control-Allow-Origin header (a proxy
    integration answers the preflight itself), or None."""
    for op in iter_operations(data, locate):
        if op.method != "OPTIONS":
            continue
        responses = get_in(data, (*op.pointer, "responses"))
        for status, response in responses.items() if isinstance(responses, Mapping) else ():
            headers = response.get("headers") if isinstance(response, Mapping) else None
            for name in headers if isinstance(headers, Mapping) else ():
                if str(name).lower() == ORIGIN.lower():
                    return (*op.pointer, "responses", status, "headers", name)
    return None


def preflight_origin(data: Mapping[str, Any], locate: Locate) -> Pointer | None:
    """Where the first preflight answers with (or declares) Access-Control-Allow-Origin; None when no
    preflight does."""
    found = next((p for p, name, _ in _preflight_headers(data, locate) if name == ORIGIN.lower()), None)
    return found or _declared_origin(data, locate)


def _unquoted(value: Any) -> str | None:
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1]
    return None


def _auto_headers(data: Mapping[str, Any], locate: Locate) -> CorsPlan:
    """The headers of ``cors: auto``: the preflights' one origin, and the headers they allow."""
    origins: dict[str, Pointer] = {}
    allowed: list[Any] = []
    for pointer, name, value in _preflight_headers(data, locate):
        if name == ORIGIN.lower():
            origins.setdefault(value if isinstance(value, str) else repr(value), pointer)
        elif name == ALLOW_HEADERS.lower() and value not in allowed:
            allowed.append(value)
    if not origins:
        return CorsPlan({}, notes=(_nothing_found(),))
    if len(origins) > 1:
        where = list(origins.values())[1]
        finding = codes.finding(
            "AGC105",
            f"gateway_responses cors: auto finds {len(origins)} different {ORIGIN} values in the preflights"
            f" ({', '.join(origins)}): write the one for error responses in the selector, such as"
            " cors: {allow_origin: https://app.example.com}",
            locate(where),
            where,
        )
        return CorsPlan({}, findings=(finding,))
    headers = {ORIGIN: next(iter(origins))}
    if len(allowed) == 1 and isinstance(allowed[0], str):
        headers[ALLOW_HEADERS] = allowed[0]
    elif allowed and all(_unquoted(v) is not None for v in allowed):
        names: list[str] = []
        for value in allowed:
            for part in str(_unquoted(value)).split(","):
                if part.strip() and part.strip().lower() not in (n.lower() for n in names):
                    names.append(part.strip())
        headers[ALLOW_HEADERS] = literal(",".join(names))
    return CorsPlan(headers)


def _nothing_found() -> str:
    return (
        f"gateway_responses cors: auto: no preflight (OPTIONS) integration response sets {ORIGIN},"
        " so no gateway response was written; give the values in the selector if browsers call this API"
    )


def wanted_headers(data: Mapping[str, Any], cors: Cors, locate: Locate) -> CorsPlan:
    """The CORS headers `cors` asks for, as quoted literals (empty when none can be decided)."""
    if cors.auto:
        return _auto_headers(data, locate)
    headers = {ORIGIN: literal(str(cors.allow_origin))}
    if cors.allow_headers:
        headers[ALLOW_HEADERS] = literal(",".join(p.strip() for p in cors.allow_headers.split(",")))
    return CorsPlan(headers)


def plan_cors(data: Mapping[str, Any], cors: Cors | None, locate: Locate) -> CorsPlan:
    """The insertions that give every rejection response the CORS headers `cors` asks for."""
    if cors is None:
        return CorsPlan({})
    wanted = wanted_headers(data, cors, locate)
    if not wanted.headers:
        return wanted
    params = {RESPONSE_HEADER + name: value for name, value in wanted.headers.items()}
    existing = data.get(GATEWAY_RESPONSES_KEY)
    if existing is None:
        entries = {kind: {"responseParameters": dict(params)} for kind in WRITTEN_TYPES}
        return CorsPlan(wanted.headers, (Edit((GATEWAY_RESPONSES_KEY,), entries),), notes=wanted.notes)
    edits: list[Edit] = []
    findings: list[Finding] = []
    kinds = list(WRITTEN_TYPES)
    if isinstance(existing, Mapping):  # entries the document declares get the headers too
        kinds += [str(k) for k in existing if k not in WRITTEN_TYPES]
    for kind in kinds:
        entry = existing.get(kind) if isinstance(existing, Mapping) else None
        at: tuple[str, ...] = (GATEWAY_RESPONSES_KEY, kind)
        if entry is None:
            edits.append(Edit(at, {"responseParameters": dict(params)}))
            continue
        current = entry.get("responseParameters") if isinstance(entry, Mapping) else None
        if current is None:
            edits.append(Edit((*at, "responseParameters"), dict(params)))
            continue
        for key, value in params.items():
            found = _header_key(current, key)
            if found is None:
                edits.append(Edit((*at, "responseParameters", key), value))
            elif current[found] != value:
                pointer = (*at, "responseParameters", found)
                findings.append(
                    codes.finding(
                        "AGC208",
                        f"gateway response {kind} sets {found[len(RESPONSE_HEADER) :]} to"
                        f" {current[found]!r}, not {value!r} as gateway_responses cors asks: kept as written",
                        locate(pointer),
                        pointer,
                    )
                )
    return CorsPlan(wanted.headers, tuple(edits), tuple(findings), wanted.notes)


def _header_key(params: Any, key: str) -> str | None:
    """The key of `params` naming the same header as `key` (header names ignore case), or None; edits under
    a `params` that is not a mapping fail with its place."""
    if not isinstance(params, Mapping):
        return None
    return next((str(k) for k in params if str(k).lower() == key.lower()), None)


def _carries_origin(response: Any) -> bool:
    params = response.get("responseParameters") if isinstance(response, Mapping) else None
    return _header_key(params, RESPONSE_HEADER + ORIGIN) is not None


def uncovered_rejections(data: Mapping[str, Any]) -> list[str]:
    """The rejection responses that carry no Access-Control-Allow-Origin, as API Gateway would send them."""
    declared = data.get(GATEWAY_RESPONSES_KEY)
    declared = declared if isinstance(declared, Mapping) else {}
    fallback = declared.get("DEFAULT_4XX")
    return [kind for kind in REJECTIONS if not _carries_origin(declared.get(kind, fallback))]


ADD_AUTO = "add `gateway_responses: {cors: auto}` to the selector"
GIVE_VALUES = (
    "give them in the selector: `gateway_responses: {cors: {allow_origin: https://app.example.com}}`"
)


def missing_cors(
    data: Mapping[str, Any], locate: Locate, *, secured: bool, hint: str = ADD_AUTO
) -> Finding | None:
    """The warning for a document whose preflights answer with CORS headers while the rejections of its
    `secured` methods carry none: browsers see a CORS error instead of the 401. `hint` says what to do."""
    if not secured:
        return None
    pointer = preflight_origin(data, locate)
    if pointer is None:
        return None
    lacking = uncovered_rejections(data)
    if not lacking:
        return None
    return codes.finding(
        "AGC209",
        f"preflights answer with {ORIGIN}, but the gateway responses {', '.join(lacking)} of the secured"
        f" methods carry no {ORIGIN}: browsers will report a CORS error instead of the 401 or 403; {hint}",
        locate(pointer),
        pointer,
    )
