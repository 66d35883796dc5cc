"""Our own document checks and the effective-authorization model, over plain data."""

from __future__ import annotations

from typing import Any

import pytest

from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.basics.openapi import VERSIONS, detect_version
from apigw_cognito.checks.rules import check_document
from apigw_cognito.core.access import document_access

ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI"


def nowhere(_: tuple[str | int, ...]) -> Location | None:
    return None


def doc(
    paths: dict[str, Any], schemes: dict[str, Any] | None = None, version: str = "3.0.3"
) -> dict[str, Any]:
    data: dict[str, Any] = {"openapi": version, "info": {"title": "t", "version": "1"}, "paths": paths}
    if schemes is not None:
        data["components"] = {"securitySchemes": schemes}
    return data


def cognito(name: str = "Authorization", **ext: Any) -> dict[str, Any]:
    return {
        "type": "apiKey",
        "name": name,
        "in": "header",
        "x-amazon-apigateway-authtype": "cognito_user_pools",
        "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools", "providerARNs": [ARN], **ext},
    }


def codes_of(data: dict[str, Any]) -> list[str]:
    return [f.code for f in check_document(data, detect_version(data, "t"), nowhere)]


def test_clean_document_has_no_findings() -> None:
    data = doc({"/a": {"get": {"security": [{"Pool": ["s"]}], "responses": {}}}}, {"Pool": cognito()})
    assert codes_of(data) == []


def test_requirement_naming_unknown_scheme() -> None:
    data = doc({"/a": {"get": {"security": [{"Pol": []}], "responses": {}}}}, {"Pool": cognito()})
    assert codes_of(data) == ["AGC301"]


def test_two_authorizers_in_one_requirement() -> None:
    data = doc(
        {"/a": {"get": {"security": [{"A": [], "B": []}], "responses": {}}}},
        {"A": cognito(), "B": cognito()},
    )
    assert codes_of(data) == ["AGC309"]


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"providerARNs": []}, "providerARNs"),
        ({"providerARNs": ["us-east-1_AbCdEfGhI"]}, "not a user pool ARN"),
        ({"authorizerResultTtlInSeconds": 4000}, "0 to 3600"),
        ({"identityValidationExpression": "[a-"}, "does not compile"),
        ({"identitySource": "method.request.header.X-Other"}, "disagrees"),
    ],
)
def test_malformed_authorizer(change: dict[str, Any], fragment: str) -> None:
    data = doc({}, {"Pool": cognito(**change)})
    findings = check_document(data, VERSIONS["3.0"], nowhere)
    assert [f.code for f in findings] == ["AGC302"]
    assert fragment in findings[0].message


def test_authorizer_in_the_wrong_place_is_an_error() -> None:
    data = doc({})
    data["securityDefinitions"] = {"Pool": cognito()}
    assert codes_of(data) == ["AGC303"]


def test_import_restrictions() -> None:
    many = {f"/r{i}": {"get": {"responses": {}}} for i in range(300)}
    assert "AGC306" in codes_of(doc(many))
    assert codes_of(doc({"/a b": {}})) == ["AGC308"]
    assert codes_of(doc({"/a/{id}/{proxy+}": {}})) == []
    assert codes_of(doc({}, version="3.1.0")) == ["AGC304"]
    eleven = {f"P{i}": cognito() for i in range(11)}
    assert codes_of(doc({}, eleven)) == ["AGC307"]
    big = doc({"/a": {"get": {"description": "x" * (6 * 1024 * 1024), "responses": {}}}})
    assert codes_of(big) == ["AGC305"]


@pytest.mark.parametrize(
    ("operation", "kind"),
    [
        ({}, "open"),
        ({"security": []}, "public"),
        ({"security": [{}]}, "public"),
        ({"security": [{"Pool": ["a/b"]}]}, "cognito"),
        ({"security": [{"Key": []}]}, "api_key"),
        ({"security": [{"Key": [], "Pool": []}]}, "cognito"),
        ({"security": [{"Nope": []}]}, "open"),
        ({"x-amazon-apigateway-auth": {"type": "NONE"}}, "public"),
        ({"x-amazon-apigateway-auth": {"type": "aws_iam"}}, "iam"),
    ],
)
def test_effective_access(operation: dict[str, Any], kind: str) -> None:
    data = doc(
        {"/a": {"get": {**operation, "responses": {}}}},
        {"Pool": cognito(), "Key": {"type": "apiKey", "name": "x-api-key", "in": "header"}},
    )
    [access] = document_access(data, VERSIONS["3.0"], nowhere)
    assert access.kind == kind


def test_root_security_does_not_secure_operations() -> None:
    data = doc({"/a": {"get": {"responses": {}}}}, {"Pool": cognito()})
    data["security"] = [{"Pool": []}]
    [access] = document_access(data, VERSIONS["3.0"], nowhere)
    assert access.kind == "open"


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ([], "top level is a list"),
        ({"info": {}}, "neither an 'openapi' nor a 'swagger'"),
        ({"openapi": 3.0}, "must be a string"),
        ({"openapi": "4.0.0"}, "unknown openapi version"),
        ({"swagger": "1.2"}, "unknown swagger version"),
        ({"openapi": "2.0"}, "unknown openapi version"),
    ],
)
def test_not_openapi(data: Any, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        detect_version(data, "x.yaml")


def test_versions() -> None:
    assert detect_version({"swagger": "2.0"}, "x").schemes_pointer == ("securityDefinitions",)
    assert detect_version({"openapi": "3.0.3"}, "x").family == "3.0"
    assert not detect_version({"openapi": "3.1.0"}, "x").importable
