"""API Gateway's own answers (gateway responses): what a rejection looks like on the wire.

Pure: the document's `x-amazon-apigateway-gateway-responses`, a response type, its message and the request
in; a status, headers and body out. As API Gateway renders them:
- a type the document declares uses its own `statusCode` (else the type's default), `responseParameters`
  and `responseTemplates`; it does not inherit DEFAULT_4XX / DEFAULT_5XX;
- a type it does not declare takes DEFAULT_4XX (or DEFAULT_5XX, by the type's default status) when that is
  declared: its status override, headers and templates;
- `gatewayresponse.header.<Name>` takes a quoted literal (`'*'`) or a request value
  (`method.request.header.<Name>`, `method.request.querystring.<Name>`, `method.request.path.<Name>`);
- the template (`application/json`, else the first) may use `$context.error.message`,
  `$context.error.messageString` (the message as a JSON string), `$context.error.responseType`,
  `$context.requestId`, `$context.resourcePath`, `$context.httpMethod`; other `$context` variables render
  empty. Without a template: `{"message":$context.error.messageString}`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from apigw_cognito.core.gateway_responses import RESPONSE_HEADER

DEFAULT_TEMPLATE = '{"message":$context.error.messageString}'

# Each type's default status and the message API Gateway writes (AWS's "Gateway response types" page).
DEFAULT_STATUS: dict[str, int] = {
    "ACCESS_DENIED": 403,
    "API_CONFIGURATION_ERROR": 500,
    "AUTHORIZER_CONFIGURATION_ERROR": 500,
    "AUTHORIZER_FAILURE": 500,
    "BAD_REQUEST_BODY": 400,
    "BAD_REQUEST_PARAMETERS": 400,
    "DEFAULT_4XX": 400,
    "DEFAULT_5XX": 500,
    "EXPIRED_TOKEN": 403,
    "INTEGRATION_FAILURE": 504,
    "INTEGRATION_TIMEOUT": 504,
    "INVALID_API_KEY": 403,
    "INVALID_SIGNATURE": 403,
    "MISSING_AUTHENTICATION_TOKEN": 403,
    "QUOTA_EXCEEDED": 429,
    "REQUEST_TOO_LARGE": 413,
    "RESOURCE_NOT_FOUND": 404,
    "THROTTLED": 429,
    "UNAUTHORIZED": 401,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "WAF_FILTERED": 403,
}
MESSAGES: dict[str, str] = {
    "UNAUTHORIZED": "Unauthorized",
    "INVALID_API_KEY": "Forbidden",
    "ACCESS_DENIED": "Forbidden",
    "MISSING_AUTHENTICATION_TOKEN": "Missing Authentication Token",
    "INTEGRATION_TIMEOUT": "Endpoint request timed out",
    "REQUEST_TOO_LARGE": "Request Too Long",
}
EXPIRED_MESSAGE = "The incoming token has expired"
# The `x-amzn-ErrorType` API Gateway sets on the errors whose code is known.
ERROR_TYPES: dict[str, str] = {
    "MISSING_AUTHENTICATION_TOKEN": "MissingAuthenticationTokenException",
    "UNAUTHORIZED": "UnauthorizedException",
    "INVALID_API_KEY": "ForbiddenException",
    "ACCESS_DENIED": "AccessDeniedException",
}
_CONTEXT = re.compile(r"\$\{context((?:\.[A-Za-z_][\w:-]*)+)\}|\$context((?:\.[A-Za-z_][\w:-]*)+)")


@dataclass(frozen=True)
class Answer:
    """A complete HTTP answer."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass(frozen=True)
class RequestFacts:
    """What a gateway response may read of the request."""

    method: str
    resource_path: str  # the document's path, or the raw path when no route matched
    headers: Mapping[str, str]  # lower-case names
    query: Mapping[str, str]
    path_parameters: Mapping[str, str]
    request_id: str


def message_of(kind: str) -> str:
    return MESSAGES.get(kind, "Internal server error" if DEFAULT_STATUS.get(kind, 500) >= 500 else "")


def _chosen(responses: Mapping[str, Any], kind: str) -> tuple[int, Mapping[str, Any]]:
    status = DEFAULT_STATUS.get(kind, 500)
    declared = responses.get(kind)
    if not isinstance(declared, Mapping):
        declared = responses.get("DEFAULT_5XX" if status >= 500 else "DEFAULT_4XX")
    if not isinstance(declared, Mapping):
        return status, {}
    override = declared.get("statusCode")
    if isinstance(override, int | str) and str(override).isdigit():
        status = int(override)
    return status, declared


def request_value(expression: str, request: RequestFacts) -> str | None:
    """A quoted literal's text, or the request value `method.request.<where>.<name>` names."""
    if len(expression) >= 2 and expression[0] == expression[-1] == "'":
        return expression[1:-1]
    where, _, name = expression.removeprefix("method.request.").partition(".")
    if not expression.startswith("method.request.") or not name:
        return None
    if where == "header":
        return request.headers.get(name.lower())
    if where == "querystring":
        return request.query.get(name)
    if where == "path":
        return request.path_parameters.get(name)
    return None


def render_template(template: str, variables: Mapping[str, str]) -> str:
    """`$context.x.y` (and `${context.x.y}`) replaced by `variables["x.y"]`; unknown ones render empty."""
    return _CONTEXT.sub(lambda m: variables.get((m.group(1) or m.group(2))[1:], ""), template)


def gateway_answer(responses: Any, kind: str, request: RequestFacts, message: str | None = None) -> Answer:
    """The gateway response of type `kind` for `request`, as the document's gateway responses shape it."""
    status, declared = _chosen(responses if isinstance(responses, Mapping) else {}, kind)
    text = message_of(kind) if message is None else message
    headers: list[tuple[str, str]] = []
    parameters = declared.get("responseParameters")
    for key, value in parameters.items() if isinstance(parameters, Mapping) else ():
        if str(key).lower().startswith(RESPONSE_HEADER) and isinstance(value, str):
            found = request_value(value, request)
            if found is not None:
                headers.append((str(key)[len(RESPONSE_HEADER) :], found))
    templates = declared.get("responseTemplates")
    content_type, template = "application/json", DEFAULT_TEMPLATE
    if isinstance(templates, Mapping) and templates:
        content_type = "application/json" if "application/json" in templates else str(next(iter(templates)))
        template = str(templates[content_type] or "")
    variables = {
        "error.message": text,
        "error.messageString": json.dumps(text),
        "error.responseType": kind,
        "requestId": request.request_id,
        "resourcePath": request.resource_path,
        "httpMethod": request.method,
    }
    headers.append(("Content-Type", content_type))
    if kind in ERROR_TYPES:
        headers.append(("x-amzn-ErrorType", ERROR_TYPES[kind]))
    headers.append(("x-amzn-RequestId", request.request_id))
    return Answer(status, tuple(headers), render_template(template, variables).encode())
