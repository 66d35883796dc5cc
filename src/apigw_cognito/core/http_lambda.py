"""The Lambda proxy event and reply of an HTTP API route whose integration says `payloadFormatVersion: '2.0'`.

Pure, from AWS's page "Create AWS Lambda proxy integrations for HTTP APIs": the event's `version`,
`routeKey`, `rawPath`, `rawQueryString`, `cookies`, lower-case `headers` (repeated ones comma-joined),
`queryStringParameters`, `pathParameters`, `requestContext` (with `http`, `routeKey`, `stage`, `time`,
`timeEpoch` and, behind a JWT authorizer, `authorizer.jwt.claims` and `scopes`), `body` and
`isBase64Encoded`. A reply that is a JSON object with `statusCode` gives its status, headers, `cookies`
(as set-cookie headers) and body; any other JSON is the body of a 200 with `content-type:
application/json`. Claims reach the function as strings, lists as `[a b]` (one report says so; AWS does
not document it); `scopes` is the token's `scope` list on a route with scopes, else null (not documented).
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Mapping
from email.utils import formatdate
from typing import Any

from apigw_cognito.core.gateway_errors import Answer
from apigw_cognito.core.integrations import Call


def jwt_claims(claims: Mapping[str, Any]) -> dict[str, str]:
    """The claims as an HTTP API hands them on: strings, numbers as written, lists as `[a b]`."""
    out = {}
    for name, value in claims.items():
        if isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif isinstance(value, list):
            out[name] = "[" + " ".join(str(v) for v in value) + "]"
        elif isinstance(value, float) and value.is_integer():
            out[name] = str(int(value))
        else:
            out[name] = str(value)
    return out


def lambda_event_v2(
    call: Call, route_key: str, scopes: list[str] | None, raw_query: str, api_id: str = "local"
) -> dict[str, Any]:
    """The payload 2.0 event for `call` on `route_key`."""
    now = time.time()
    headers: dict[str, str] = {}
    for name, value in call.facts.headers.items():
        key = name.lower()
        headers[key] = f"{headers[key]},{value}" if key in headers else value
    cookies = [c.strip() for c in headers.pop("cookie", "").split(";") if c.strip()]
    query: dict[str, str] = {}
    for name, value in call.facts.query.items():
        query[name] = f"{query[name]},{value}" if name in query else value
    body, binary = None, False
    if call.body:
        try:
            body = call.body.decode("utf-8")
        except UnicodeDecodeError:
            body, binary = base64.b64encode(call.body).decode(), True
    context: dict[str, Any] = {
        "accountId": "123456789012",
        "apiId": api_id,
        "domainName": headers.get("host", ""),
        "domainPrefix": headers.get("host", "").split(".", 1)[0],
        "http": {
            "method": call.facts.method,
            "path": call.path,
            "protocol": "HTTP/1.1",
            "sourceIp": call.source_ip,
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": call.facts.request_id,
        "routeKey": route_key,
        "stage": call.stage,
        "time": formatdate(now, usegmt=True),
        "timeEpoch": int(now * 1000),
    }
    if call.claims:
        context["authorizer"] = {"jwt": {"claims": dict(call.claims), "scopes": scopes}}
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": call.path,
        "rawQueryString": raw_query,
        "headers": headers,
        "requestContext": context,
        "isBase64Encoded": binary,
    }
    optional = {
        "cookies": cookies,
        "queryStringParameters": query,
        "pathParameters": dict(call.facts.path_parameters),
        "body": body,
    }
    event.update({key: value for key, value in optional.items() if value})
    return event


def lambda_answer_v2(reply: bytes) -> Answer | str:
    """The answer a payload 2.0 reply becomes, or why it is malformed (API Gateway then answers 500)."""
    try:
        data = json.loads(reply)
    except ValueError:
        return "the function's reply is not JSON"
    if not isinstance(data, Mapping) or "statusCode" not in data:
        return Answer(200, (("content-type", "application/json"),), reply)
    status = data["statusCode"]
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        return f"the function's statusCode is {status!r}"
    headers = [(str(k), str(v)) for k, v in (data.get("headers") or {}).items()]
    headers += [("set-cookie", str(c)) for c in data.get("cookies") or ()]
    body = data.get("body")
    if body is None:
        raw = b""
    elif data.get("isBase64Encoded"):
        raw = base64.b64decode(str(body))
    else:
        raw = (body if isinstance(body, str) else json.dumps(body)).encode()
    return Answer(status, tuple(headers), raw)
