"""API Gateway's resource matching, case by case (the rules LocalStack's AWS-validated router follows)."""

from __future__ import annotations

import pytest

from apigw_cognito.core.routes import RouteTable

OP = {"responses": {}}
TABLE = RouteTable(
    {
        "/pets": {"get": OP, "post": OP},
        "/pets/{petId}": {"get": OP},
        "/pets/special": {"get": OP},
        "/{proxy+}": {"options": OP, "x-amazon-apigateway-any-method": OP},
        "/files/{path+}": {"delete": OP, "x-amazon-apigateway-any-method": OP},
        "/a/{x}": {"get": OP},
        "/{y}/b": {"get": OP, "put": OP},
        "/": {"get": OP},
    }
)


@pytest.mark.parametrize(
    ("method", "path", "resource", "answering", "parameters"),
    [
        ("GET", "/pets", "/pets", "GET", {}),
        ("GET", "/pets/", "/pets", "GET", {}),
        ("GET", "//pets//", "/pets", "GET", {}),
        ("GET", "/pets/special", "/pets/special", "GET", {}),
        ("GET", "/pets/7", "/pets/{petId}", "GET", {"petId": "7"}),
        ("GET", "/pets/a%2Fb", "/pets/{petId}", "GET", {"petId": "a%2Fb"}),
        ("DELETE", "/pets/7", "/{proxy+}", "ANY", {"proxy": "pets/7"}),
        ("OPTIONS", "/pets", "/{proxy+}", "OPTIONS", {"proxy": "pets"}),
        ("DELETE", "/files/x/y", "/files/{path+}", "DELETE", {"path": "x/y"}),
        ("PATCH", "/files/x/y", "/files/{path+}", "ANY", {"path": "x/y"}),
        ("GET", "/a/b", "/a/{x}", "GET", {"x": "b"}),
        ("PUT", "/a/b", "/{y}/b", "PUT", {"y": "a"}),
        ("GET", "/", "/", "GET", {}),
    ],
)
def test_the_resource_and_method_that_answer(
    method: str, path: str, resource: str, answering: str, parameters: dict[str, str]
) -> None:
    match = TABLE.match(method, path)
    assert match is not None
    assert (match.resource.path, match.method, dict(match.parameters)) == (resource, answering, parameters)


def test_nothing_answers_without_a_resource_having_the_method() -> None:
    table = RouteTable({"/pets": {"get": OP}, "/pets/{id}": {"get": OP}})
    assert table.match("POST", "/pets") is None
    assert table.match("GET", "/pets/1/2") is None
    assert table.match("GET", "/") is None
    assert RouteTable({"/{proxy+}": {"get": OP}}).match("GET", "/") is None, "a greedy part needs a segment"
