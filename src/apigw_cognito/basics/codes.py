"""Every finding code the tool can report: one line each, so reports, SARIF rules and docs agree.

AGC1xx: the selector against the document. AGC2xx: API Gateway surprises (warnings).
AGC3xx: our own document checks. AGC4xx: OpenAPI validation. AGC5xx: audit.
"""

from __future__ import annotations

from dataclasses import dataclass

from apigw_cognito.basics.errors import Finding, Level, Location
from apigw_cognito.basics.limits import MAX_AUTHORIZERS, MAX_BODY_BYTES, MAX_RESOURCES


@dataclass(frozen=True)
class Code:
    code: str
    level: Level
    title: str


CODES: dict[str, Code] = {
    c.code: c
    for c in (
        Code("AGC101", "error", "operation selected by no rule while the default is deny"),
        Code(
            "AGC102",
            "error",
            "selector rule decides no operation: it selects none, or earlier rules decide them",
        ),
        Code("AGC103", "error", "path item shared through $ref decided differently by its paths"),
        Code("AGC104", "error", "scope defined by no resource server of the authorizer's user pools"),
        Code("AGC105", "error", "cors: auto finds different origins in the preflights"),
        Code("AGC201", "warning", "root-level security is ignored by API Gateway"),
        Code("AGC202", "warning", "scopes together with an app client id regex reject every token"),
        Code("AGC203", "warning", "secured ANY method on a path without its own OPTIONS"),
        Code("AGC204", "warning", "secured OPTIONS method breaks browser CORS preflight"),
        Code("AGC205", "warning", "method without x-amazon-apigateway-integration cannot be deployed"),
        Code("AGC206", "warning", "replaced security also required other schemes"),
        Code("AGC207", "warning", "authorizer secures no operation"),
        Code("AGC208", "warning", "gateway response header differs from gateway_responses cors; kept"),
        Code(
            "AGC209",
            "warning",
            "rejections of secured methods carry no CORS header: browsers see CORS errors",
        ),
        Code("AGC210", "warning", "scope no app client of the user pools may request"),
        Code("AGC211", "warning", "app client id regex matches no app client of the user pools"),
        Code("AGC212", "warning", "gateway responses in an HTTP API document are ignored"),
        Code("AGC213", "warning", "HTTP API CORS allowHeaders lacks the header that carries the token"),
        Code("AGC214", "warning", "JWT authorizer audience item that is no app client of its user pool"),
        Code("AGC301", "error", "security requirement names no defined security scheme"),
        Code("AGC302", "error", "malformed x-amazon-apigateway-authorizer"),
        Code("AGC303", "error", "security scheme in a place this OpenAPI version does not read"),
        Code("AGC304", "error", "API Gateway does not import OpenAPI 3.1"),
        Code("AGC305", "error", f"document over API Gateway's {MAX_BODY_BYTES // 1048576} MB import limit"),
        Code("AGC306", "error", f"more than {MAX_RESOURCES} resources"),
        Code("AGC307", "error", f"more than {MAX_AUTHORIZERS} authorizers"),
        Code("AGC308", "error", "path segment API Gateway does not accept"),
        Code("AGC309", "error", "security requirement API Gateway cannot express"),
        Code("AGC310", "error", "HTTP APIs import OpenAPI 3.0 only"),
        Code("AGC311", "error", "integration type an HTTP API does not have"),
        Code("AGC312", "error", "method an HTTP API route does not have"),
        Code("AGC313", "error", "malformed x-amazon-apigateway-cors"),
        Code("AGC401", "error", "OpenAPI validation error"),
        Code("AGC501", "error", "operation is OPEN: neither secured nor explicitly public"),
        Code("AGC502", "error", "live method is OPEN: authorization NONE and not allowed to be public"),
    )
}


def finding(
    code: str,
    message: str,
    location: Location | None = None,
    pointer: tuple[str | int, ...] = (),
) -> Finding:
    """A finding at the level its code is registered with."""
    return Finding(CODES[code].level, code, message, location, pointer)
