"""`cors: auto` read from the preflights, and where a preflight declares its origin, at the core's level.

Expectations from docs/selector.md (`gateway_responses`): `auto` takes the Access-Control-Allow-Origin and
-Headers response parameters of the OPTIONS methods' integration responses (quoted literals, as API Gateway
reads them); several different origins are AGC105 at the second one's place; a proxy preflight declares its
origin as an OpenAPI response header instead. Several preflights allowing different headers: a rejection
must allow every header any of them allows, each named once (header names ignore case, RFC 9110).
"""

from __future__ import annotations

from typing import Any

import pytest

from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.core.gateway_responses import (
    ALLOW_HEADERS,
    ORIGIN,
    missing_cors,
    plan_cors,
    preflight_origin,
    wanted_headers,
)
from apigw_cognito.selector.model import Cors

AUTO = Cors(auto=True)
PREFIX = "method.response.header."


def locate(pointer: tuple[str | int, ...]) -> Location:
    return Location("api.yaml", len(pointer), 1)


def mock_preflight(**params: Any) -> dict[str, Any]:
    """An OPTIONS mock whose integration response sets `params` (header name -> value)."""
    return {
        "responses": {"200": {"description": "CORS preflight"}},
        "x-amazon-apigateway-integration": {
            "type": "mock",
            "responses": {
                "default": {
                    "statusCode": "200",
                    "responseParameters": {PREFIX + name: value for name, value in params.items()},
                }
            },
        },
    }


def two_preflights(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.0.1",
        "paths": {
            "/pets": {"get": {"responses": {}}, "options": mock_preflight(**first)},
            "/owners": {"options": mock_preflight(**second)},
        },
    }


def test_one_preflight_s_allowed_headers_are_copied_as_written() -> None:
    data = two_preflights(
        {
            "Access-Control-Allow-Origin": "'*'",
            "Access-Control-Allow-Headers": "'Content-Type, Authorization'",
        },
        {"Access-Control-Allow-Origin": "'*'"},
    )
    assert wanted_headers(data, AUTO, locate).headers == {
        ORIGIN: "'*'",
        ALLOW_HEADERS: "'Content-Type, Authorization'",
    }


def test_several_preflights_allowed_headers_are_merged_each_named_once() -> None:
    data = two_preflights(
        {
            "Access-Control-Allow-Origin": "'*'",
            "Access-Control-Allow-Headers": "'Content-Type,Authorization'",
        },
        {"Access-Control-Allow-Origin": "'*'", "Access-Control-Allow-Headers": "' authorization,,X-Api-Key'"},
    )
    plan = wanted_headers(data, AUTO, locate)
    assert plan.headers == {ORIGIN: "'*'", ALLOW_HEADERS: "'Content-Type,Authorization,X-Api-Key'"}
    assert not plan.findings


def test_merged_names_ignore_case_whatever_the_first_spelling() -> None:
    data = two_preflights(
        {"Access-Control-Allow-Origin": "'*'", "Access-Control-Allow-Headers": "'X-AMZ-DATE'"},
        {"Access-Control-Allow-Origin": "'*'", "Access-Control-Allow-Headers": "'x-amz-date,Content-Type'"},
    )
    assert wanted_headers(data, AUTO, locate).headers[ALLOW_HEADERS] == "'X-AMZ-DATE,Content-Type'"


def test_allowed_headers_that_are_not_all_literals_are_left_out() -> None:
    # A mapping expression (not a quoted literal) cannot be merged with a literal: only the origin is copied.
    data = two_preflights(
        {"Access-Control-Allow-Origin": "'*'", "Access-Control-Allow-Headers": "'Content-Type'"},
        {"Access-Control-Allow-Origin": "'*'", "Access-Control-Allow-Headers": "method.request.header.X"},
    )
    assert wanted_headers(data, AUTO, locate).headers == {ORIGIN: "'*'"}


def test_different_origins_are_agc105_at_the_second_one_naming_each() -> None:
    data = two_preflights({"Access-Control-Allow-Origin": "'*'"}, {"Access-Control-Allow-Origin": 42})
    plan = wanted_headers(data, AUTO, locate)
    assert plan.headers == {}
    (finding,) = plan.findings
    assert finding.code == "AGC105"
    assert "2 different Access-Control-Allow-Origin values" in finding.message
    assert "('*', 42)" in finding.message
    where = ("paths", "/owners", "options", "x-amazon-apigateway-integration", "responses", "default")
    assert finding.pointer == (*where, "responseParameters", PREFIX + "Access-Control-Allow-Origin")
    assert finding.location == locate(finding.pointer)


def test_no_preflight_origin_writes_nothing_and_says_what_to_do() -> None:
    plan = wanted_headers(two_preflights({}, {}), AUTO, locate)
    assert plan.headers == {}
    assert plan.notes == (
        "gateway_responses cors: auto: no preflight (OPTIONS) integration response sets"
        " Access-Control-Allow-Origin, so no gateway response was written; give the values in the selector"
        " if browsers call this API",
    )


def proxy_document() -> dict[str, Any]:
    """A proxy preflight: the integration answers, the OpenAPI response declares the header."""
    declared = {"headers": {"access-control-allow-origin": {"schema": {"type": "string"}}}}
    return {
        "openapi": "3.0.1",
        "paths": {
            "/pets": {
                "get": {"responses": {"200": declared}},
                "options": {"responses": "not a mapping"},
            },
            "/owners": {
                "options": {"responses": {"default": "not a mapping", "204": {"description": "no headers"}}},
            },
            "/orders": {"options": {"responses": {"200": declared}}},
        },
    }


def test_a_proxy_preflight_s_declared_origin_is_found_whatever_its_case() -> None:
    pointer = ("paths", "/orders", "options", "responses", "200", "headers", "access-control-allow-origin")
    assert preflight_origin(proxy_document(), locate) == pointer


def test_a_declared_origin_outside_a_preflight_does_not_count() -> None:
    data = proxy_document()
    del data["paths"]["/orders"]
    assert preflight_origin(data, locate) is None


@pytest.mark.parametrize(
    "how",
    [
        lambda data: wanted_headers(data, AUTO, locate),
        lambda data: preflight_origin(data, locate),
        lambda data: missing_cors(data, locate, secured=True),
    ],
    ids=["auto", "preflight", "warning"],
)
def test_malformed_paths_are_refused_with_their_place(how: Any) -> None:
    data = {"openapi": "3.0.1", "paths": {"/pets": ["get"]}}
    with pytest.raises(InputError) as raised:
        how(data)
    assert raised.value.location == locate(("paths", "/pets"))


def test_an_empty_literal_allows_no_header_and_merges_as_such() -> None:
    data = two_preflights(
        {"Access-Control-Allow-Origin": "'*'", "Access-Control-Allow-Headers": "''"},
        {"Access-Control-Allow-Origin": "'*'", "Access-Control-Allow-Headers": "'Content-Type'"},
    )
    assert wanted_headers(data, AUTO, locate).headers[ALLOW_HEADERS] == "'Content-Type'"


def test_integration_responses_without_parameters_are_passed_over() -> None:
    data = two_preflights({}, {"Access-Control-Allow-Origin": "'https://app.example.com'"})
    data["paths"]["/pets"]["options"]["x-amazon-apigateway-integration"]["responses"] = "not a mapping"
    integration = data["paths"]["/owners"]["options"]["x-amazon-apigateway-integration"]
    integration["responses"] = {
        "400": "not a mapping",
        "500": {"statusCode": "500"},
        **integration["responses"],
    }
    assert wanted_headers(data, AUTO, locate).headers == {ORIGIN: "'https://app.example.com'"}


def test_a_differing_header_is_agc208_at_its_own_place() -> None:
    existing = {
        "UNAUTHORIZED": {"responseParameters": {"gatewayresponse.header.access-control-allow-origin": "'x'"}}
    }
    data = {"openapi": "3.0.1", "paths": {}, "x-amazon-apigateway-gateway-responses": existing}
    (finding,) = plan_cors(data, Cors(auto=False, allow_origin="*"), locate).findings
    assert finding.code == "AGC208"
    key = "gatewayresponse.header.access-control-allow-origin"
    assert finding.pointer == (
        "x-amazon-apigateway-gateway-responses",
        "UNAUTHORIZED",
        "responseParameters",
        key,
    )
    assert finding.location == locate(finding.pointer)


def test_an_entry_that_is_no_mapping_is_planned_as_an_edit_not_read() -> None:
    """The plan does not read into a declared response that is not a mapping: it asks for the edit, which
    the document layer then refuses at the entry's place (a located error, not a crash)."""
    data = {"paths": {}, "x-amazon-apigateway-gateway-responses": {"UNAUTHORIZED": 5}}
    plan = plan_cors(data, Cors(auto=False, allow_origin="*"), locate)
    pointers = {edit.pointer for edit in plan.edits}
    assert ("x-amazon-apigateway-gateway-responses", "UNAUTHORIZED", "responseParameters") in pointers
