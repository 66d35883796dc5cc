"""What a method's `x-amazon-apigateway-integration` makes of a request let through, as API Gateway does it.

Pure: the integration object, the request and the authorizer's claims in; for `mock` the whole answer,
for `http_proxy` / `http` the backend request (URL, headers), for `aws_proxy` the Lambda proxy event
(payload 1.0), and the answer a Lambda's reply becomes. The server does the I/O.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import formatdate
from typing import Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from apigw_cognito.core.gateway_errors import Answer, RequestFacts, render_template, request_value

INTEGRATION_KEY = "x-amazon-apigateway-integration"
SUPPORTED = ("mock", "http_proxy", "http", "aws_proxy")
_RESPONSE_HEADER = "method.response.header."
_JSON = "application/json"


@dataclass(frozen=True)
class Call:
    """A request let through: what the integration may read of it."""

    facts: RequestFacts
    path: str  # the raw path as received
    body: bytes
    claims: Mapping[str, str]  # the authorizer's claims as API Gateway passes them; {} for public methods
    stage: str
    source_ip: str


def integration_type(operation: Mapping[str, Any]) -> str | None:
    integration = operation.get(INTEGRATION_KEY)
    if not isinstance(integration, Mapping):
        return None
    return str(integration.get("type", "")).lower()


def flat_claims(claims: Mapping[str, Any]) -> dict[str, str]:
    """The claims as API Gateway hands them on: strings; `exp`, `iat` and `auth_time`... as it writes them
    (`exp` and `iat` as Java dates, `auth_time` as a number), booleans `true`, lists comma-joined."""
    flat = {}
    for name, value in claims.items():
        if name in ("exp", "iat") and isinstance(value, int | float):
            flat[name] = datetime.fromtimestamp(value, UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
        elif isinstance(value, bool):
            flat[name] = "true" if value else "false"
        elif isinstance(value, list):
            flat[name] = ",".join(str(v) for v in value)
        elif isinstance(value, float) and value.is_integer():
            flat[name] = str(int(value))
        else:
            flat[name] = str(value)
    return flat


def _variables(call: Call) -> dict[str, str]:
    return {
        "requestId": call.facts.request_id,
        "resourcePath": call.facts.resource_path,
        "httpMethod": call.facts.method,
        "stage": call.stage,
        **{f"authorizer.claims.{k}": v for k, v in call.claims.items()},
    }


def _template(templates: Any, call: Call) -> tuple[str, str] | None:
    """(content type, rendered text) of the `application/json` template, else the first; None without."""
    if not isinstance(templates, Mapping) or not templates:
        return None
    content_type = _JSON if _JSON in templates else str(next(iter(templates)))
    text = str(templates[content_type] or "")
    # Most templates are literal: the variables are gathered only for one that uses them.
    return content_type, render_template(text, _variables(call)) if "$" in text else text


def _integration_response(integration: Mapping[str, Any], status: str) -> Mapping[str, Any] | None:
    """The integration response whose selection pattern matches `status` (the backend's status code),
    else the `default` one; None when none applies."""
    responses = integration.get("responses")
    if not isinstance(responses, Mapping):
        return None
    default = None
    for pattern, response in responses.items():
        if not isinstance(response, Mapping):
            continue
        if pattern == "default":
            default = response
        elif re.fullmatch(str(pattern), status):
            return response
    return default


def _method_answer(
    response: Mapping[str, Any],
    call: Call,
    backend_headers: Mapping[str, str],
    body: bytes,
    status: int,
) -> Answer:
    """The method response an integration response maps to: its status, headers and template."""
    code = response.get("statusCode", status)
    status = int(code) if str(code).isdigit() else status
    headers: list[tuple[str, str]] = []
    parameters = response.get("responseParameters")
    for key, value in parameters.items() if isinstance(parameters, Mapping) else ():
        if not str(key).startswith(_RESPONSE_HEADER) or not isinstance(value, str):
            continue
        found = (
            backend_headers.get(value[len("integration.response.header.") :].lower())
            if value.startswith("integration.response.header.")
            else request_value(value, call.facts)
        )
        if found is not None:
            headers.append((str(key)[len(_RESPONSE_HEADER) :], found))
    rendered = _template(response.get("responseTemplates"), call)
    if rendered is not None:
        headers.append(("Content-Type", rendered[0]))
        body = rendered[1].encode()
    return Answer(status, tuple(headers), body)


def mock_answer(integration: Mapping[str, Any], call: Call) -> Answer | str:
    """A mock integration's answer, or what is wrong with the integration (API Gateway then answers 500)."""
    rendered = _template(integration.get("requestTemplates"), call)
    status = 200
    if rendered is not None:
        try:
            asked = json.loads(rendered[1] or "{}")
        except ValueError:
            return "its request template is not JSON with a statusCode"
        code = asked.get("statusCode", 200) if isinstance(asked, Mapping) else 200
        if not isinstance(code, int):
            return f"its request template's statusCode is {code!r}, not a number"
        status = code
    response = _integration_response(integration, str(status))
    if response is None:
        return f"no integration response matches status {status}"
    return _method_answer(response, call, {}, b"", status)


def backend_answer(
    integration: Mapping[str, Any], call: Call, status: int, headers: Mapping[str, str], body: bytes
) -> Answer:
    """What the method answers with the backend's reply: passed on as it is for a proxy, mapped by the
    integration responses for `http` (the body passes through unless a response template says otherwise)."""
    if str(integration.get("type", "")).lower() == "http_proxy":
        return Answer(status, tuple(headers.items()), body)
    response = _integration_response(integration, str(status))
    if response is None:
        return Answer(status, (("Content-Type", headers.get("content-type", _JSON)),), body)
    return _method_answer(response, call, headers, body, status)


@dataclass(frozen=True)
class BackendRequest:
    method: str
    url: str
    headers: tuple[tuple[str, str], ...]


def _mapped_value(expression: str, call: Call) -> str | None:
    if expression.startswith("context.authorizer.claims."):
        return call.claims.get(expression[len("context.authorizer.claims.") :])
    if expression.startswith("context."):
        return _variables(call).get(expression[len("context.") :])
    return request_value(expression, call.facts)


# Hop-by-hop headers and those the client's connection sets: never forwarded.
_NOT_FORWARDED = frozenset(
    {"host", "connection", "keep-alive", "transfer-encoding", "te", "upgrade", "content-length"}
)


def backend_request(integration: Mapping[str, Any], call: Call, upstream: str | None) -> BackendRequest:
    """The request an `http_proxy` / `http` integration sends: the URI with its `{name}` placeholders
    filled (`integration.request.path.<name>`, else the path parameter of that name), the query string and
    headers passed on (proxy) with the `requestParameters` mapped onto them; `upstream` replaces the URI's
    scheme, host and port."""
    mapped: dict[str, dict[str, str]] = {"path": {}, "querystring": {}, "header": {}}
    parameters = integration.get("requestParameters")
    for key, value in parameters.items() if isinstance(parameters, Mapping) else ():
        where, _, name = str(key).removeprefix("integration.request.").partition(".")
        found = _mapped_value(str(value), call) if isinstance(value, str) else None
        if where in mapped and name and found is not None:
            mapped[where][name] = found
    uri = str(integration.get("uri", ""))

    def fill(match: re.Match[str]) -> str:
        name = match.group(1).rstrip("+")
        value = mapped["path"].get(name) or call.facts.path_parameters.get(name) or ""
        return value if match.group(1).endswith("+") else quote(value, safe="%")

    uri = re.sub(r"\{([^}]+)\}", fill, uri)
    proxy = str(integration.get("type", "")).lower() == "http_proxy"
    query = dict(call.facts.query) if proxy else {}
    query.update(mapped["querystring"])
    headers = {k.lower(): v for k, v in call.facts.headers.items() if k.lower() not in _NOT_FORWARDED}
    headers = headers if proxy else {}
    headers.update({k.lower(): v for k, v in mapped["header"].items()})
    parts = urlsplit(uri)
    if upstream is not None:
        base = urlsplit(upstream)
        parts = parts._replace(scheme=base.scheme, netloc=base.netloc)
    url = urlunsplit(parts._replace(query=urlencode(query) if query else parts.query))
    method = str(integration.get("httpMethod") or call.facts.method).upper()
    return BackendRequest(call.facts.method if method == "ANY" else method, url, tuple(headers.items()))


def lambda_event(call: Call, api_id: str = "local") -> dict[str, Any]:
    """The Lambda proxy event (payload format 1.0) API Gateway sends for `call`."""
    now = time.time()
    headers = dict(call.facts.headers)
    body = call.body.decode("utf-8", "surrogateescape") if call.body else None
    binary = False
    if body is not None:
        try:
            call.body.decode("utf-8")
        except UnicodeDecodeError:
            import base64  # noqa: PLC0415  (only a binary body needs it)

            body, binary = base64.b64encode(call.body).decode(), True
    context: dict[str, Any] = {
        "resourceId": call.facts.resource_path,
        "resourcePath": call.facts.resource_path,
        "httpMethod": call.facts.method,
        "path": f"/{call.stage}{call.path}",
        "accountId": "123456789012",
        "protocol": "HTTP/1.1",
        "stage": call.stage,
        "requestId": call.facts.request_id,
        "extendedRequestId": call.facts.request_id,
        "requestTime": formatdate(now, usegmt=True),
        "requestTimeEpoch": int(now * 1000),
        "identity": {"sourceIp": call.source_ip, "userAgent": headers.get("user-agent")},
        "domainName": headers.get("host", ""),
        "apiId": api_id,
    }
    if call.claims:
        context["authorizer"] = {"claims": dict(call.claims)}
    return {
        "resource": call.facts.resource_path,
        "path": call.path,
        "httpMethod": call.facts.method,
        "headers": headers or None,
        "multiValueHeaders": {k: [v] for k, v in headers.items()} or None,
        "queryStringParameters": dict(call.facts.query) or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in call.facts.query.items()} or None,
        "pathParameters": dict(call.facts.path_parameters) or None,
        "stageVariables": None,
        "requestContext": context,
        "body": body,
        "isBase64Encoded": binary,
    }


def lambda_answer(reply: bytes) -> Answer | str:
    """The answer a Lambda proxy reply becomes, or why it is malformed (API Gateway then answers 502)."""
    try:
        data = json.loads(reply)
    except ValueError:
        return "the function's reply is not JSON"
    if not isinstance(data, Mapping):
        return "the function's reply is not a JSON object"
    status = data.get("statusCode", 200)
    if not isinstance(status, int) or not 100 <= status <= 599:
        return f"the function's statusCode is {status!r}"
    headers: list[tuple[str, str]] = []
    for name, value in (data.get("headers") or {}).items():
        headers.append((str(name), str(value)))
    for name, values in (data.get("multiValueHeaders") or {}).items():
        headers.extend((str(name), str(v)) for v in values if isinstance(values, list))
    body = data.get("body")
    if body is None:
        raw = b""
    elif data.get("isBase64Encoded"):
        import base64  # noqa: PLC0415  (see `lambda_event`)

        raw = base64.b64decode(str(body))
    else:
        raw = str(body).encode()
    return Answer(status, tuple(headers), raw)
