"""Verification: the pure comparison, then drift planted in a live API.

LocalStack proves the live part: it is the only emulator whose import creates the COGNITO_USER_POOLS
authorizer and sets authorizationType, authorizerId and authorizationScopes. Mismatches are planted with
UpdateMethod and CreateAuthorizer; LocalStack's UpdateAuthorizer fails on providerARNs patches, so a changed
provider ARN is planted as a second authorizer of the same name with another pool, attached to a method.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from apigw_cognito.aws.clients import Clients, SessionOptions
from apigw_cognito.aws.importer import Importer, ImportOptions
from apigw_cognito.aws.verify import (
    Expected,
    LiveApi,
    LiveAuthorizer,
    LiveMethod,
    compare,
    expected_methods,
    join_path,
    parse_live,
    read_live_api,
    render_table,
)
from tests.support.apidocs import OTHER_POOL_ARN, POOL_ARN, secured, unique, version

AUTH = LiveAuthorizer("a1", "Pool", "COGNITO_USER_POOLS", (POOL_ARN,))
SECURED = Expected("GET", "/pets", "Pool", ("pets/read",), (POOL_ARN,))
PUBLIC = Expected("OPTIONS", "/pets", None)


def live(*methods: LiveMethod, authorizers: tuple[LiveAuthorizer, ...] = (AUTH,)) -> LiveApi:
    return LiveApi(authorizers, methods, tuple(sorted({m.path for m in methods})))


GOOD = (
    LiveMethod("GET", "/pets", "COGNITO_USER_POOLS", "a1", ("pets/read",)),
    LiveMethod("OPTIONS", "/pets", "NONE"),
)


def test_all_attached_passes() -> None:
    result = compare([SECURED, PUBLIC], live(*GOOD))
    assert result.ok
    assert [r.status for r in result.rows] == ["ok", "ok"]
    assert "0 mismatches" in render_table(result)


@pytest.mark.parametrize(
    ("method", "problem"),
    [
        (LiveMethod("GET", "/pets", "NONE"), "authorizationType is NONE"),
        (LiveMethod("GET", "/pets", "AWS_IAM"), "authorizationType is AWS_IAM"),
        (LiveMethod("GET", "/pets", "COGNITO_USER_POOLS", "a1", ()), "authorizationScopes are (none)"),
        (LiveMethod("GET", "/pets", "COGNITO_USER_POOLS", "zz", ("pets/read",)), "authorizerId zz names no"),
    ],
)
def test_secured_method_drift(method: LiveMethod, problem: str) -> None:
    result = compare([SECURED, PUBLIC], live(method, GOOD[1]))
    assert not result.ok
    (row,) = result.mismatches
    assert (row.method, row.path) == ("GET", "/pets")
    assert any(problem in p for p in row.problems)


def test_wrong_provider_arn_and_name() -> None:
    other = LiveAuthorizer("b2", "Other", "COGNITO_USER_POOLS", (OTHER_POOL_ARN,))
    method = LiveMethod("GET", "/pets", "COGNITO_USER_POOLS", "b2", ("pets/read",))
    (row,) = compare([SECURED], live(method, authorizers=(AUTH, other))).mismatches
    assert any("attached authorizer is 'Other'" in p for p in row.problems)
    assert any("providerARNs" in p and OTHER_POOL_ARN in p for p in row.problems)


def test_public_method_with_authorizer_and_missing_method() -> None:
    result = compare([SECURED, PUBLIC], live(LiveMethod("OPTIONS", "/pets", "COGNITO_USER_POOLS", "a1")))
    problems = {(r.method, p) for r in result.mismatches for p in r.problems}
    assert ("OPTIONS", "expected public (NONE), found COGNITO_USER_POOLS") in problems
    assert ("GET", "the method does not exist in the live API") in problems


def test_duplicates_are_reported_not_guessed() -> None:
    twin = LiveAuthorizer("a2", "Pool", "COGNITO_USER_POOLS", (OTHER_POOL_ARN,))
    # The method names a1: it is checked against a1 alone, and the twin is reported.
    result = compare([SECURED], live(GOOD[0], authorizers=(AUTH, twin)))
    assert result.ok
    assert any("2 authorizers are named 'Pool' (a1, a2)" in n for n in result.notes)
    # Attached to the twin with the other pool: a mismatch naming the twin's id.
    attached = LiveMethod("GET", "/pets", "COGNITO_USER_POOLS", "a2", ("pets/read",))
    (row,) = compare([SECURED], live(attached, authorizers=(AUTH, twin))).mismatches
    assert any("(a2)" in p and "providerARNs" in p for p in row.problems)


def test_live_methods_not_in_document_are_extra_rows() -> None:
    result = compare([SECURED], live(GOOD[0], LiveMethod("DELETE", "/old", "NONE")))
    assert result.ok
    assert [(r.method, r.status) for r in result.rows] == [("GET", "ok"), ("DELETE", "extra")]


def test_expected_methods_from_result_with_base_path() -> None:
    _, result = secured("3.0")
    expected = {(e.method, e.path): e for e in expected_methods(result, "v1")}
    assert expected["POST", "/v1/purchase"].scopes == ("shop/buy", "shop/admin")
    assert expected["POST", "/v1/purchase"].provider_arns == (POOL_ARN,)
    assert expected["OPTIONS", "/v1/pets"].authorizer is None
    assert join_path("", "/") == "/"
    assert join_path("/v1/", "/") == "/v1"


def test_parse_live_reads_embedded_methods() -> None:
    api = parse_live(
        [{"id": "a1", "name": "Pool", "type": "COGNITO_USER_POOLS", "providerARNs": [POOL_ARN]}],
        [
            {"path": "/", "id": "r"},
            {
                "path": "/pets",
                "resourceMethods": {
                    "GET": {
                        "httpMethod": "GET",
                        "authorizationType": "COGNITO_USER_POOLS",
                        "authorizerId": "a1",
                    }
                },
            },
        ],
    )
    assert api.paths == ("/", "/pets")
    assert api.methods == (LiveMethod("GET", "/pets", "COGNITO_USER_POOLS", "a1", ()),)


# --- LocalStack ----------------------------------------------------------------------------------


@pytest.fixture
def imported(aws_env: None, localstack_url: str) -> tuple[Any, str, list[Expected]]:
    """A fresh API imported into LocalStack from the 3.0 pets document; verify passes on it as imported."""
    data, result = secured("3.0")
    clients = Clients(SessionOptions(region="us-east-1", endpoint_url=localstack_url, max_attempts=1))
    outcome = Importer(clients, lambda _: None).run(
        data, version("3.0"), result, ImportOptions(api_name=unique("verify"), create=True)
    )
    assert outcome.verification is not None
    assert outcome.verification.ok, render_table(outcome.verification)
    assert outcome.rest_api_id is not None
    client = boto3.client("apigateway", region_name="us-east-1", endpoint_url=localstack_url)
    return client, outcome.rest_api_id, expected_methods(result)


def _resource_id(client: Any, api_id: str, path: str) -> str:
    items = client.get_resources(restApiId=api_id)["items"]
    return str(next(r["id"] for r in items if r["path"] == path))


def _verify(client: Any, api_id: str, expected: list[Expected]) -> Any:
    return compare(expected, read_live_api(client, api_id))


def test_localstack_method_switched_to_none(imported: tuple[Any, str, list[Expected]]) -> None:
    client, api_id, expected = imported
    client.update_method(
        restApiId=api_id,
        resourceId=_resource_id(client, api_id, "/pets"),
        httpMethod="GET",
        patchOperations=[{"op": "replace", "path": "/authorizationType", "value": "NONE"}],
    )
    (row,) = _verify(client, api_id, expected).mismatches
    assert (row.method, row.path, row.authorization) == ("GET", "/pets", "NONE")


def test_localstack_scope_removed(imported: tuple[Any, str, list[Expected]]) -> None:
    client, api_id, expected = imported
    # LocalStack's remove drops every scope of the method (AWS removes the one named); either is drift.
    client.update_method(
        restApiId=api_id,
        resourceId=_resource_id(client, api_id, "/purchase"),
        httpMethod="POST",
        patchOperations=[{"op": "remove", "path": "/authorizationScopes", "value": "shop/admin"}],
    )
    (row,) = _verify(client, api_id, expected).mismatches
    assert (row.method, row.path) == ("POST", "/purchase")
    assert any("authorizationScopes" in p for p in row.problems)


def test_localstack_provider_arn_changed(imported: tuple[Any, str, list[Expected]]) -> None:
    client, api_id, expected = imported
    twin = client.create_authorizer(
        restApiId=api_id,
        name="Pool",
        type="COGNITO_USER_POOLS",
        providerARNs=[OTHER_POOL_ARN],
        identitySource="method.request.header.Authorization",
    )
    client.update_method(
        restApiId=api_id,
        resourceId=_resource_id(client, api_id, "/pets"),
        httpMethod="POST",
        patchOperations=[{"op": "replace", "path": "/authorizerId", "value": twin["id"]}],
    )
    verification = _verify(client, api_id, expected)
    (row,) = verification.mismatches
    assert (row.method, row.path) == ("POST", "/pets")
    assert any(OTHER_POOL_ARN in p for p in row.problems)
    assert any("2 authorizers are named 'Pool'" in n for n in verification.notes)
    assert "MISMATCH" in render_table(verification)
