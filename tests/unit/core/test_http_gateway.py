"""What an HTTP API answers on its own: refusals of its JWT authorizer, unknown routes and CORS."""

from __future__ import annotations

import json

from apigw_cognito.core.http_gateway import (
    cors_headers,
    is_preflight,
    missing_token,
    not_found,
    preflight,
    refused,
    with_cors,
)
from apigw_cognito.core.tokens import Verdict

CORS = {
    "allowOrigins": ["https://app.example.com"],
    "allowMethods": ["GET", "POST"],
    "allowHeaders": ["authorization"],
    "exposeHeaders": ["x-request-id"],
    "allowCredentials": True,
    "maxAge": 600,
}


def test_the_bodies_and_challenges() -> None:
    assert (not_found().status, json.loads(not_found().body)) == (404, {"message": "Not Found"})
    assert dict(missing_token().headers)["www-authenticate"] == "Bearer"
    bad = refused(Verdict(False, ("its issuer is not the authorizer's",)))
    assert bad.status == 401
    assert dict(bad.headers)["www-authenticate"] == 'Bearer scope="" error="invalid_token"'
    expired = refused(Verdict(False, ("it expired",), expired=True))
    assert dict(expired.headers)["www-authenticate"].endswith('error_description="the token has expired"')
    scope = refused(Verdict(False, ("no scope",), scope_missing=True))
    assert (scope.status, json.loads(scope.body)) == (403, {"message": "Forbidden"})


def test_a_preflight_from_an_allowed_origin() -> None:
    headers = {
        "origin": "https://app.example.com",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization",
    }
    assert is_preflight("OPTIONS", headers)
    assert not is_preflight("GET", headers)
    answer = preflight(CORS, headers)
    assert answer.status == 204
    assert dict(answer.headers) == {
        "access-control-allow-origin": "https://app.example.com",
        "access-control-allow-credentials": "true",
        "access-control-expose-headers": "x-request-id",
        "access-control-allow-methods": "GET,POST",
        "access-control-allow-headers": "authorization",
        "access-control-max-age": "600",
    }


def test_other_origins_get_no_cors_headers_and_a_wildcard_echoes_the_asked_headers() -> None:
    assert cors_headers(CORS, "https://evil.example.com") == []
    assert cors_headers(CORS, None) == []
    assert cors_headers(None, "https://app.example.com") == []
    wildcard = {"allowOrigins": ["*"], "allowHeaders": ["*"]}
    answer = preflight(wildcard, {"origin": "https://x.example", "access-control-request-headers": "a,b"})
    assert dict(answer.headers) == {"access-control-allow-origin": "*", "access-control-allow-headers": "a,b"}


def test_with_cors_keeps_headers_the_answer_has() -> None:
    answer = with_cors(not_found(), CORS, "https://app.example.com")
    assert ("access-control-allow-origin", "https://app.example.com") in answer.headers
    assert ("content-type", "application/json") in answer.headers
    assert with_cors(not_found(), CORS, "https://evil.example.com") == not_found()
