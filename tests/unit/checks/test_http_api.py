"""What HTTP API import accepts and refuses, checked on documents written for one (and only on those)."""

from __future__ import annotations

from typing import Any

from apigw_cognito.basics.openapi import VERSIONS, is_http_api
from apigw_cognito.checks.rules import check_document

ISS = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC"


def doc(scheme: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "openapi": "3.0.1",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/a": {
                "get": {
                    "responses": {"200": {"description": "ok"}},
                    "x-amazon-apigateway-integration": {
                        "type": "http_proxy",
                        "uri": "https://x",
                        "httpMethod": "GET",
                    },
                }
            }
        },
        **top,
    }
    if scheme is not None:
        data["components"] = {"securitySchemes": {"Users": scheme}}
    return data


def jwt_scheme(**config: Any) -> dict[str, Any]:
    return {
        "type": "oauth2",
        "flows": {},
        "x-amazon-apigateway-authorizer": {
            "type": "jwt",
            "jwtConfiguration": {"issuer": ISS, "audience": ["c1"], **config},
            "identitySource": "$request.header.Authorization",
        },
    }


def codes(data: dict[str, Any], family: str = "3.0") -> list[tuple[str, str]]:
    return [(f.code, f.message) for f in check_document(data, VERSIONS[family], lambda _p: None)]


def test_a_well_formed_http_api_document_has_no_finding() -> None:
    data = doc(jwt_scheme(), **{"x-amazon-apigateway-cors": {"allowOrigins": ["*"], "maxAge": 60}})
    assert is_http_api(data, VERSIONS["3.0"])
    assert codes(data) == []


def test_a_rest_document_is_not_judged_by_http_api_rules() -> None:
    data = doc()
    data["paths"]["/a"]["trace"] = {"responses": {}, "x-amazon-apigateway-integration": {"type": "mock"}}
    assert not is_http_api(data, VERSIONS["3.0"])
    assert codes(data) == []


def test_each_refusal() -> None:
    data = doc(jwt_scheme(issuer=ISS + "/"), **{"x-amazon-apigateway-cors": {"allowCredentials": "yes"}})
    data["paths"]["/a"]["trace"] = {"responses": {}, "x-amazon-apigateway-integration": {"type": "MOCK"}}
    data["paths"]["/$default"] = {"x-amazon-apigateway-any-method": {"responses": {}}}
    found = codes(data)
    assert [c for c, _ in found] == ["AGC302", "AGC312", "AGC311", "AGC313"]
    assert "ends with '/'" in found[0][1]
    assert "AGC310" in [c for c, _ in codes(doc(**{"x-amazon-apigateway-cors": {}}), "2.0")]


def test_a_cognito_authorizer_in_an_http_api_document_is_refused() -> None:
    cognito = {
        "type": "apiKey",
        "name": "Authorization",
        "in": "header",
        "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools", "providerARNs": []},
    }
    data = doc(cognito, **{"x-amazon-apigateway-cors": {}})
    messages = [m for c, m in codes(data) if c == "AGC302"]
    assert any("an HTTP API has no cognito_user_pools authorizers" in m for m in messages)


def test_the_preflight_advice_of_agc311_is_given_only_for_options() -> None:
    data = doc(jwt_scheme())
    data["paths"]["/a"]["post"] = {"responses": {}, "x-amazon-apigateway-integration": {"type": "mock"}}
    data["paths"]["/a"]["options"] = {"responses": {}, "x-amazon-apigateway-integration": {"type": "mock"}}
    messages = {m.split(":")[0]: m for c, m in codes(data) if c == "AGC311"}
    assert set(messages) == {"POST /a", "OPTIONS /a"}
    assert "CORS preflights" not in messages["POST /a"]
    assert "CORS preflights need no mock integration" in messages["OPTIONS /a"]
