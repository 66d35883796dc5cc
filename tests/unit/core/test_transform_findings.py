"""The transform's warnings carry the place they are about: its location and its JSON pointer."""

from __future__ import annotations

from apigw_cognito.basics.errors import Location
from apigw_cognito.basics.openapi import VERSIONS
from apigw_cognito.core.transform import Result, secure
from apigw_cognito.selector.loader import load_selector

ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI"


def test_a_secured_any_method_without_a_preflight_is_pointed_at() -> None:
    data = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"x-amazon-apigateway-any-method": {"responses": {"200": {"description": "ok"}}}}},
    }
    text = f"version: 1\nauthorizers:\n  A: {{user_pools: [{ARN}]}}\n"
    text += "rules:\n  - {select: '*', authorizer: A}\n"
    result = secure(data, VERSIONS["3.0"], load_selector(text.encode(), "s.yaml", {}), lambda pointer: None)
    (finding,) = [f for f in result.findings if f.code == "AGC203"]
    assert finding.pointer == ("paths", "/x", "x-amazon-apigateway-any-method")


def test_a_secured_preflight_is_warned_about_at_its_place() -> None:
    data = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"options": {"responses": {"200": {"description": "ok"}}}}},
    }
    text = f"version: 1\nauthorizers:\n  A: {{user_pools: [{ARN}]}}\ncors_preflight: secured\n"
    text += "rules:\n  - {select: '*', authorizer: A}\n"
    selector = load_selector(text.encode(), "s.yaml", {})
    result = secure(data, VERSIONS["3.0"], selector, lambda pointer: Location("api.yaml", len(pointer), 1))
    (finding,) = [f for f in result.findings if f.code == "AGC204"]
    assert finding.message == (
        "OPTIONS /x is secured: browsers send CORS preflight requests without credentials,"
        " so browser clients of this path will fail"
    )
    assert finding.location == Location("api.yaml", 3, 1)
    assert finding.pointer == ("paths", "/x", "options")


def _secure(data: dict[str, object], selector_text: str) -> Result:
    selector = load_selector(
        f"version: 1\nauthorizers:\n  A: {{user_pools: [{ARN}]}}\n{selector_text}".encode(), "s.yaml", {}
    )
    return secure(data, VERSIONS["3.0"], selector, lambda pointer: None)


def _cors_document() -> dict[str, object]:
    preflight = {
        "responses": {"200": {"description": "cors"}},
        "x-amazon-apigateway-integration": {
            "type": "mock",
            "responses": {
                "default": {
                    "statusCode": "200",
                    "responseParameters": {"method.response.header.Access-Control-Allow-Origin": "'*'"},
                }
            },
        },
    }
    get = {"responses": {"200": {"description": "ok"}}, "x-amazon-apigateway-integration": {"type": "mock"}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"options": preflight, "get": get}},
    }


def test_default_decisions_say_default_and_undecided_ones_point_at_the_operation() -> None:
    public = _secure(_cors_document(), "rules: []\ndefault: public\n")
    assert {d.reason for d in public.decisions} == {"default", "cors_preflight"}
    denied = _secure(_cors_document(), "rules: []\ndefault: deny\n")
    (finding,) = [f for f in denied.findings if f.code == "AGC101"]
    assert finding.pointer == ("paths", "/x", "get")


def test_missing_cors_on_rejections_is_warned_only_when_something_is_secured() -> None:
    assert not [
        f for f in _secure(_cors_document(), "rules: []\ndefault: public\n").findings if f.code == "AGC209"
    ]
    secured = _secure(_cors_document(), "rules: []\ndefault: A\n")
    assert [f.code for f in secured.findings if f.code == "AGC209"] == ["AGC209"]


def test_the_cors_headers_written_are_reported() -> None:
    result = _secure(_cors_document(), "rules: []\ndefault: A\ngateway_responses: {cors: auto}\n")
    assert dict(result.cors_headers) == {"Access-Control-Allow-Origin": "'*'"}


def test_missing_cors_says_to_add_auto_or_to_give_the_values_auto_could_not_find() -> None:
    """A proxy preflight declares its origin in its OpenAPI response: browsers get CORS headers there, but
    `cors: auto` has no value to copy (docs/selector.md), so the warning asks for the values instead."""
    preflight = {
        "responses": {
            "200": {"description": "cors", "headers": {"Access-Control-Allow-Origin": {"schema": {}}}}
        },
        "x-amazon-apigateway-integration": {
            "type": "http_proxy",
            "httpMethod": "OPTIONS",
            "uri": "https://x",
        },
    }
    get = {"responses": {"200": {"description": "ok"}}, "x-amazon-apigateway-integration": {"type": "mock"}}
    data = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"options": preflight, "get": get}},
    }
    (without,) = [f for f in _secure(data, "rules: []\ndefault: A\n").findings if f.code == "AGC209"]
    assert without.message.endswith("add `gateway_responses: {cors: auto}` to the selector")
    auto = _secure(data, "rules: []\ndefault: A\ngateway_responses: {cors: auto}\n")
    (found_nothing,) = [f for f in auto.findings if f.code == "AGC209"]
    assert found_nothing.message.endswith(
        "give them in the selector: `gateway_responses: {cors: {allow_origin: https://app.example.com}}`"
    )
