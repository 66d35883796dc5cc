"""The independent selector model (tests/support/selector_model.py) against the examples docs/selector.md
gives, so that the properties judged by it rest on the documented semantics."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import selector_model as model

ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI"


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("/pets/**", "/pets", True),
        ("/pets/**", "/pets/{petId}", True),
        ("/pets/**", "/pets/{petId}/photos", True),
        ("/pets/**", "/petsx", False),
        ("/*", "/pets", True),
        ("/*", "/pets/{petId}", False),
        ("/pet*", "/pets", True),
        ("/{*}", "/{petId}", True),
        ("/{*}", "/{proxy+}", True),
        ("/{*}", "/pets", False),
        ("/{petId}", "/{id}", False),
        ("/", "/", True),
        ("/**", "/", True),
        ("/*", "/", False),
        ("/**/items", "/orders/{id}/items", True),
        ("/**/items", "/items", True),
    ],
)
def test_path_globs(glob: str, path: str, matches: bool) -> None:
    assert model.path_matches(glob, path) is matches


@pytest.mark.parametrize(
    ("glob", "name", "matches"),
    [("get*", "getPets", True), ("get*", "GetPets", False), ("op?", "op1", True), ("op?", "op12", False)],
)
def test_name_globs(glob: str, name: str, matches: bool) -> None:
    assert model.name_matches(glob, name) is matches


def document(**operations: dict[str, Any]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for key, op in operations.items():
        method, _, path = key.partition("_")
        paths.setdefault("/" + path, {})[method] = {"responses": {}, **op}
    return {
        "openapi": "3.0.3",
        "paths": paths,
        "components": {
            "securitySchemes": {"metered": {"type": "apiKey", "name": "X-API-Key", "in": "header"}}
        },
    }


def selector(rules: list[dict[str, Any]], **top: Any) -> dict[str, Any]:
    return {"version": 1, "authorizers": {"Pool": {"user_pools": [ARN]}}, "rules": rules, **top}


def test_the_first_matching_rule_decides() -> None:
    doc = document(delete_pets={}, get_pets={})
    sel = selector(
        [
            {"select": "DELETE /pets", "authorizer": "Pool", "scopes": ["admin"]},
            {"select": "* /**", "authorizer": "Pool"},
        ]
    )
    got = model.expected_security(doc, sel)
    assert got[("/pets", "DELETE")] == model.Expected("secured", "Pool", ("admin",), (), "rule 1")
    assert got[("/pets", "GET")] == model.Expected("secured", "Pool", (), (), "rule 2")


def test_preflights_stay_public_unless_a_rule_names_options() -> None:
    doc = document(options_pets={}, options_orders={})
    rules = [{"select": "OPTIONS /orders", "authorizer": "Pool"}, {"select": "*", "authorizer": "Pool"}]
    got = model.expected_security(doc, selector(rules, default="Pool"))
    assert got[("/pets", "OPTIONS")].kind == "public"
    assert got[("/orders", "OPTIONS")].kind == "secured"
    secured = model.expected_security(doc, selector(rules, cors_preflight="secured"))
    assert secured[("/pets", "OPTIONS")] == model.Expected("secured", "Pool", (), (), "rule 2")


def test_any_is_the_any_method_only() -> None:
    doc = document(**{"x-amazon-apigateway-any-method_pets": {}, "get_pets": {}})
    got = model.expected_security(doc, selector([{"select": "ANY /pets", "authorizer": "Pool"}]))
    assert got[("/pets", "ANY")].kind == "secured"
    assert got[("/pets", "GET")].kind == "undecided"
    assert model.refused(got)


def test_api_keys_kept_required_and_dropped() -> None:
    keyed = {"security": [{"Legacy": []}, {"metered": []}]}
    doc = document(get_a=keyed, get_b=keyed, get_c={}, get_d={})
    sel = selector(
        [
            {"select": "GET /a", "authorizer": "Pool"},
            {"select": "GET /b", "public": True, "api_key": "none"},
            {"select": "GET /c", "public": True, "api_key": "required"},
        ],
        default="public",
    )
    got = model.expected_security(doc, sel)
    assert got[("/a", "GET")].security == [{"Pool": [], "metered": []}]
    assert got[("/b", "GET")].security == []
    assert got[("/c", "GET")].security == [{"metered": []}]
    assert got[("/d", "GET")] == model.Expected("public", reason="default")


def test_a_standard_api_key_scheme_when_the_document_has_none() -> None:
    doc = {"swagger": "2.0", "paths": {"/a": {"get": {"responses": {}}}}, "securityDefinitions": {}}
    sel = selector([{"select": "GET /a", "authorizer": "Pool", "api_key": "required"}])
    assert model.expected_security(doc, sel)[("/a", "GET")].security == [{"Pool": [], "api_key": []}]
    schemes = model.expected_schemes(doc, sel)
    assert schemes["api_key"] == {"type": "apiKey", "name": "x-api-key", "in": "header"}


def test_the_scheme_an_authorizer_becomes() -> None:
    authorizer = {
        "user_pools": [ARN, ARN],
        "identity_source": "method.request.header.X-Token",
        "app_client_id_regex": "^a$",
        "result_ttl_seconds": 300.0,
    }
    assert model.expected_scheme(authorizer) == {
        "type": "apiKey",
        "name": "X-Token",
        "in": "header",
        "x-amazon-apigateway-authtype": "cognito_user_pools",
        "x-amazon-apigateway-authorizer": {
            "type": "cognito_user_pools",
            "providerARNs": [ARN, ARN],
            "identityValidationExpression": "^a$",
            "authorizerResultTtlInSeconds": 300,
        },
    }


def test_imported_security_reads_only_one_requirement() -> None:
    doc = document(
        get_a={"security": [{"Pool": ["s"], "metered": []}]}, get_b={"security": [{"Pool": []}, {}]}
    )
    doc["components"]["securitySchemes"]["Pool"] = model.expected_scheme({"user_pools": [ARN]})
    got = model.imported_security(doc)
    assert got[("/a", "GET")] == model.Imported("Pool", ("s",), True)
    assert got[("/b", "GET")].ambiguous
