"""Small secured OpenAPI documents (2.0 and 3.0) and the transform `Result` that goes with them.

Integration tests of the import build their inputs here instead of going through the file loaders, so
they prove the AWS side alone. Every operation has a mock integration, which both emulators accept and
which lets a deployment succeed.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from apigw_cognito.basics.openapi import METHOD_KEYS, VERSIONS, Operation
from apigw_cognito.core.transform import Decision, Result

POOL_ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_TestPool1"
OTHER_POOL_ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_OtherPool2"
KEY_OF = {v: k for k, v in METHOD_KEYS.items()}

# (METHOD, path) -> (authorizer or None for public, scopes)
Routes = Mapping[tuple[str, str], tuple[str | None, tuple[str, ...]]]

PETS: dict[tuple[str, str], tuple[str | None, tuple[str, ...]]] = {
    ("GET", "/pets"): ("Pool", ()),
    ("POST", "/pets"): ("Pool", ("pets/write",)),
    ("OPTIONS", "/pets"): (None, ()),
    ("GET", "/pets/{petId}"): (None, ()),
    ("DELETE", "/pets/{petId}"): ("Pool", ("pets/admin",)),
    ("POST", "/purchase"): ("Pool", ("shop/buy", "shop/admin")),
}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def integration() -> dict[str, Any]:
    return {
        "type": "mock",
        "requestTemplates": {"application/json": '{"statusCode": 200}'},
        "responses": {"default": {"statusCode": "200"}},
    }


def scheme(arns: tuple[str, ...]) -> dict[str, Any]:
    return {
        "type": "apiKey",
        "name": "Authorization",
        "in": "header",
        "x-amazon-apigateway-authtype": "cognito_user_pools",
        "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools", "providerARNs": list(arns)},
    }


def secured(
    family: str = "3.0",
    routes: Routes = PETS,
    pools: Mapping[str, tuple[str, ...]] | None = None,
    title: str = "SecurePetsTest",
    extra: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], Result]:
    """A secured document of version `family` and the `Result` a transform would have produced for it."""
    pools = pools if pools is not None else {"Pool": (POOL_ARN,)}
    schemes = {name: scheme(arns) for name, arns in pools.items()}
    paths: dict[str, dict[str, Any]] = {}
    decisions: list[Decision] = []
    for (method, path), (authorizer, scopes) in routes.items():
        security = [] if authorizer is None else [{authorizer: list(scopes)}]
        key = KEY_OF[method]
        paths.setdefault(path, {})[key] = {
            "operationId": f"{key.replace('-', '')}{len(paths)}{len(decisions)}",
            "responses": {"200": {"description": "ok"}},
            "security": security,
            "x-amazon-apigateway-integration": integration(),
        }
        if "{" in path and family != "2.0":
            name = path.split("{", 1)[1].split("}", 1)[0]
            paths[path][key]["parameters"] = [
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            ]
        elif "{" in path:
            name = path.split("{", 1)[1].split("}", 1)[0]
            paths[path][key]["parameters"] = [
                {"name": name, "in": "path", "required": True, "type": "string"}
            ]
        op = Operation(path, key, None, (), True, security)
        kind = "public" if authorizer is None else "secured"
        decisions.append(Decision(op, kind, authorizer, tuple(scopes), "test", True))
    info = {"title": title, "version": "1"}
    data: dict[str, Any]
    if family == "2.0":
        data = {"swagger": "2.0", "info": info, "securityDefinitions": schemes, "paths": paths}
    else:
        data = {
            "openapi": f"{family}.0",
            "info": info,
            "components": {"securitySchemes": schemes},
            "paths": paths,
        }
    data.update(extra or {})
    result = Result(tuple(decisions), (), schemes, tuple(schemes), (), ())
    return data, result


def version(family: str) -> Any:
    return VERSIONS[family]


def preflight(origin: str = "'*'") -> dict[str, Any]:
    """A CORS preflight as API Gateway's console writes it: a mock answering with the CORS headers."""
    return {
        "responses": {"200": {"description": "CORS preflight"}},
        "x-amazon-apigateway-integration": {
            "type": "mock",
            "requestTemplates": {"application/json": '{"statusCode": 200}'},
            "responses": {
                "default": {
                    "statusCode": "200",
                    "responseParameters": {
                        "method.response.header.Access-Control-Allow-Origin": origin,
                        "method.response.header.Access-Control-Allow-Methods": "'GET,OPTIONS'",
                        "method.response.header.Access-Control-Allow-Headers": "'Content-Type,Authorization'",
                    },
                }
            },
        },
    }


def keyed_pets(family: str = "3.0") -> dict[str, Any]:
    """An unsecured pets document with a CORS preflight and an API-keyed operation (`metered`, x-api-key),
    every operation a mock: what `apply` secures before the emulated import and browser tests."""

    def op(op_id: str, security: list[dict[str, list[str]]] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "operationId": op_id,
            "responses": {"200": {"description": "ok"}},
            "x-amazon-apigateway-integration": integration(),
        }
        if security is not None:
            body["security"] = security
        return body

    metered = {"type": "apiKey", "name": "x-api-key", "in": "header"}
    paths = {
        "/pets": {"options": preflight(), "get": op("listPets", [{"metered": []}]), "post": op("createPet")},
        "/stats": {"get": op("stats", [{"metered": []}])},
    }
    info = {"title": "KeyedPets", "version": "1"}
    if family == "2.0":
        return {"swagger": "2.0", "info": info, "securityDefinitions": {"metered": metered}, "paths": paths}
    return {
        "openapi": "3.0.3",
        "info": info,
        "components": {"securitySchemes": {"metered": metered}},
        "paths": paths,
    }
