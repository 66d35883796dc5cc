"""Verification against drift planted in a live API.

LocalStack proves the live part: it is the only emulator whose import creates the COGNITO_USER_POOLS
authorizer and sets authorizationType, authorizerId and authorizationScopes. Mismatches are planted with
UpdateMethod and CreateAuthorizer; LocalStack's UpdateAuthorizer fails on providerARNs patches, so a changed
provider ARN is planted as a second authorizer of the same name with another pool, attached to a method.
The pure comparison is tested in tests/unit/aws/test_verify.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from apigw_cognito.aws.clients import Clients, SessionOptions
from apigw_cognito.aws.import_plan import ImportOptions
from apigw_cognito.aws.importer import Importer
from apigw_cognito.aws.verify import Expected, compare, expected_methods, read_live_api
from apigw_cognito.reports.verify_table import render_table
from tests.support.apidocs import OTHER_POOL_ARN, secured, unique, version


@pytest.fixture
def imported(apigw: Any, localstack_url: str) -> tuple[Any, str, list[Expected]]:
    """A fresh API imported into LocalStack from the 3.0 pets document; verify passes on it as imported."""
    data, result = secured("3.0")
    clients = Clients(SessionOptions(region="us-east-1", endpoint_url=localstack_url, max_attempts=1))
    outcome = Importer(clients, lambda _: None).run(
        data, version("3.0"), result, ImportOptions(api_name=unique("verify"), create=True)
    )
    assert outcome.verification is not None
    assert outcome.verification.ok, render_table(outcome.verification)
    assert outcome.rest_api_id is not None
    return apigw, outcome.rest_api_id, expected_methods(result)


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
