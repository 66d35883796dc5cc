"""Verification's pure comparison: what the document decided against a live API given as records.

tests/emulated/test_verify.py plants the same drift in an API imported into LocalStack.
"""

from __future__ import annotations

import pytest

from apigw_cognito.aws.verify import (
    Expected,
    LiveApi,
    LiveAuthorizer,
    LiveMethod,
    compare,
    expected_methods,
    parse_live,
)
from apigw_cognito.basics.openapi import join_path
from apigw_cognito.reports.verify_table import render_table
from tests.support.apidocs import OTHER_POOL_ARN, POOL_ARN, secured

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
