"""How API Gateway would authorize each operation on import (`audit`'s basis): each kind, exactly."""

from __future__ import annotations

from typing import Any

from apigw_cognito.basics.errors import Location
from apigw_cognito.basics.openapi import VERSIONS
from apigw_cognito.core.access import Access, document_access

METERED = {"type": "apiKey", "name": "x-api-key", "in": "header"}
SCHEMES = {
    "metered": METERED,
    "Custom": {
        "type": "apiKey",
        "name": "Authorization",
        "in": "header",
        "x-amazon-apigateway-authorizer": {"type": "token", "authorizerUri": "arn:aws:lambda:x"},
    },
    "Sigv4": {
        "type": "apiKey",
        "name": "Authorization",
        "in": "header",
        "x-amazon-apigateway-authtype": "awsSigv4",
    },
}


def access(**operation: Any) -> Access:
    data = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"get": {"responses": {"200": {"description": "ok"}}, **operation}}},
        "components": {"securitySchemes": SCHEMES},
    }
    (found,) = document_access(data, VERSIONS["3.0"], lambda pointer: Location("api.yaml", len(pointer)))
    assert str(found.operation) == "GET /x"
    return found


WHERE = Location("api.yaml", 3)


def test_without_security_only_the_explicit_markers_count() -> None:
    none = access(**{"x-amazon-apigateway-auth": {"type": "none"}})
    assert none == Access(none.operation, "public", None, (), "x-amazon-apigateway-auth: NONE", WHERE)
    iam = access(**{"x-amazon-apigateway-auth": {"type": "aws_iam"}})
    assert iam == Access(iam.operation, "iam", "AWS_IAM", (), "x-amazon-apigateway-auth: AWS_IAM", WHERE)
    bare = access()
    assert bare == Access(bare.operation, "open", None, (), "no operation-level security", WHERE)


def test_an_empty_list_is_public_where_it_is_written() -> None:
    public = access(security=[])
    assert public == Access(public.operation, "public", None, (), "security: []", WHERE)


def test_an_api_key_beside_any_authorizer_is_required_too() -> None:
    assert access(security=[{"Custom": [], "metered": []}]).kind == "lambda"
    assert access(security=[{"Custom": [], "metered": []}]).api_key
    assert access(security=[{"Sigv4": [], "metered": []}]).kind == "iam"
    assert access(security=[{"Sigv4": [], "metered": []}]).api_key
    alone = access(security=[{"metered": []}])
    assert (alone.kind, alone.api_key, alone.label) == ("api_key", True, "api key only")
    assert not access(security=[{"Custom": []}]).api_key


def test_malformed_and_optional_security() -> None:
    broken = access(security={"metered": []})
    assert broken == Access(broken.operation, "open", None, (), "security is not a list", WHERE)
    optional = access(security=[{"Custom": []}, {}])
    assert optional == Access(optional.operation, "public", None, (), "security contains {}", WHERE)


def test_schemes_by_their_extensions() -> None:
    SCHEMES["Pool"] = {"type": "apiKey", "name": "Authorization", "in": "header"}
    SCHEMES["Pool"]["x-amazon-apigateway-authtype"] = "COGNITO_USER_POOLS"  # no authorizer extension
    SCHEMES["Basic"] = {"type": "http", "scheme": "basic"}
    try:
        pool = access(security=[{"Pool": "not-a-list"}])
        assert (pool.kind, pool.authorizer, pool.scopes) == ("cognito", "Pool", ())
        assert access(security=[{"Basic": []}]).kind == "open"
        assert access(security=[{"Custom": [], "Sigv4": []}]).kind == "lambda"  # preferred to IAM
    finally:
        del SCHEMES["Pool"], SCHEMES["Basic"]


def test_a_usable_scheme_and_none() -> None:
    lambda_ = access(security=[{"Custom": ["ignored"]}])
    assert lambda_ == Access(lambda_.operation, "lambda", "Custom", (), "", WHERE)
    unknown = access(security=[{"Nowhere": []}])
    assert unknown == Access(
        unknown.operation, "open", None, (), "security names no scheme API Gateway can use", WHERE
    )
