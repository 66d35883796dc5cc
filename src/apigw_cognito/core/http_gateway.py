"""What an HTTP API (API Gateway v2) answers on its own: unknown routes, its JWT authorizer's refusals,
and CORS from the document's `x-amazon-apigateway-cors`. `serve` uses these for HTTP API documents.

Pure: a verdict or the request's headers in, an `Answer` or headers out. From AWS's pages on JWT
authorizers and on CORS for HTTP APIs, with how sure each is (see docs/import-and-emulators.md):
- no route: 404 `{"message":"Not Found"}` [AWS];
- no token: 401 `{"message":"Unauthorized"}` with `www-authenticate: Bearer` [AWS];
- a token refused: 401 with `www-authenticate: Bearer scope="" error="invalid_token" ...` [AWS]; the
  `error_description` texts are not documented, so only the expiry's, reported by several users, is given;
- a token lacking every scope of the route (and nothing else wrong): 403 `{"message":"Forbidden"}` [one
  report]; no `www-authenticate` is added there, as none is documented;
- a preflight (OPTIONS with Origin and Access-Control-Request-Method) that no OPTIONS route takes is
  answered from the CORS configuration, 204 [AWS]; an ANY route takes it to its authorizer [AWS, several];
- the configured CORS headers are added to every answer to an allowed origin [AWS for integration
  responses; whether the authorizer's refusals carry them is not documented: they do here].
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apigw_cognito.core.gateway_errors import Answer
from apigw_cognito.core.tokens import Verdict

JSON = ("content-type", "application/json")


def _message(status: int, text: str, *headers: tuple[str, str]) -> Answer:
    return Answer(status, (JSON, *headers), ('{"message":"' + text + '"}').encode())


def not_found() -> Answer:
    return _message(404, "Not Found")


def missing_token() -> Answer:
    return _message(401, "Unauthorized", ("www-authenticate", "Bearer"))


def refused(verdict: Verdict) -> Answer:
    """401 for a token the authorizer refuses, 403 when it lacks only the route's scopes."""
    if verdict.scope_missing:
        return _message(403, "Forbidden")
    expired = verdict.expired and len(verdict.reasons) == 1
    description = ' error_description="the token has expired"' if expired else ""
    challenge = f'Bearer scope="" error="invalid_token"{description}'
    return _message(401, "Unauthorized", ("www-authenticate", challenge))


def _strings(cors: Mapping[str, Any], key: str) -> list[str]:
    value = cors.get(key)
    return [str(v) for v in value] if isinstance(value, list) else []


def _allowed_origin(cors: Mapping[str, Any], origin: str | None) -> str | None:
    if origin is None:
        return None
    origins = _strings(cors, "allowOrigins")
    if origin in origins:
        return origin
    return "*" if "*" in origins else None


def cors_headers(cors: Any, origin: str | None) -> list[tuple[str, str]]:
    """The headers an answer to a request from `origin` carries (none for an origin not allowed)."""
    if not isinstance(cors, Mapping):
        return []
    allowed = _allowed_origin(cors, origin)
    if allowed is None:
        return []
    out = [("access-control-allow-origin", allowed)]
    if cors.get("allowCredentials") is True:
        out.append(("access-control-allow-credentials", "true"))
    exposed = _strings(cors, "exposeHeaders")
    if exposed:
        out.append(("access-control-expose-headers", ",".join(exposed)))
    return out


def is_preflight(method: str, headers: Mapping[str, str]) -> bool:
    return method.upper() == "OPTIONS" and "origin" in headers and "access-control-request-method" in headers


def preflight(cors: Any, headers: Mapping[str, str]) -> Answer:
    """API Gateway's own answer to a preflight: 204, with the CORS headers when the origin is allowed."""
    out = cors_headers(cors, headers.get("origin"))
    if out and isinstance(cors, Mapping):
        methods = _strings(cors, "allowMethods")
        allow_headers = _strings(cors, "allowHeaders")
        asked = headers.get("access-control-request-headers")
        if methods:
            out.append(("access-control-allow-methods", ",".join(methods)))
        if "*" in allow_headers and asked:
            out.append(("access-control-allow-headers", asked))
        elif allow_headers:
            out.append(("access-control-allow-headers", ",".join(allow_headers)))
        age = cors.get("maxAge")
        if isinstance(age, int) and not isinstance(age, bool):
            out.append(("access-control-max-age", str(age)))
    return Answer(204, tuple(out), b"")


def with_cors(answer: Answer, cors: Any, origin: str | None) -> Answer:
    extra = cors_headers(cors, origin)
    if not extra:
        return answer
    names = {name.lower() for name, _ in answer.headers}
    return Answer(answer.status, (*answer.headers, *(h for h in extra if h[0] not in names)), answer.body)
