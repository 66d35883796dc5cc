"""Import planning without a call: parameters, base paths, refusals, what an import takes away, settings."""

from __future__ import annotations

from typing import Any

import pytest

from apigw_cognito.aws.import_plan import (
    ImportOptions,
    Payload,
    parse_parameters,
    path_prefix,
    plan_import,
    refusals,
    restore_patches,
    settings_of,
)
from apigw_cognito.aws.verify import LiveApi, LiveAuthorizer, LiveMethod
from apigw_cognito.basics.errors import InputError
from apigw_cognito.basics.openapi import resource_paths
from tests.support.apidocs import POOL_ARN, secured, version

SIX_MB = 6 * 1024 * 1024


def test_parameters_are_checked() -> None:
    assert parse_parameters(["basepath=prepend", "endpointConfigurationTypes=REGIONAL"]) == {
        "basepath": "prepend",
        "endpointConfigurationTypes": "REGIONAL",
    }
    for bad in ["basepath", "mode=merge", "basepath=sideways", "ignore=everything"]:
        with pytest.raises(InputError):
            parse_parameters([bad])


def test_base_path_prefix() -> None:
    data, _ = secured("2.0", extra={"basePath": "/v1/pets"})
    assert path_prefix(data, version("2.0"), {}) == ""
    assert path_prefix(data, version("2.0"), {"basepath": "prepend"}) == "v1/pets"
    assert path_prefix(data, version("2.0"), {"basepath": "split"}) == "pets"
    data3, _ = secured("3.0", extra={"servers": [{"url": "https://api.example.com/v2"}]})
    assert path_prefix(data3, version("3.0"), {"basepath": "prepend"}) == "v2"


def test_resources_count_every_intermediate_path() -> None:
    data, _ = secured("3.0")
    assert resource_paths(data) == {"/", "/pets", "/pets/{petId}", "/purchase"}
    assert "/v1" in resource_paths(data, "v1")


def _payload(data: Any, family: str, body: bytes = b"{}", prefix: str = "") -> Payload:
    return Payload(data, version(family), body, prefix)


def test_refusals_before_any_call() -> None:
    """The same reasons `validate` reports (AGC304 to AGC308), with the body and base path as sent."""
    data, _ = secured("3.0")
    assert refusals(_payload(data, "3.0")) == []
    assert refusals(Payload.of(data, version("3.0"), {})) == []
    (old,) = refusals(_payload(data, "3.1"))
    assert old == "API Gateway imports OpenAPI 2.0 and 3.0 only; it rejects 3.1 with 'Invalid OpenAPI input.'"
    (big,) = refusals(_payload(data, "3.0", b" " * (SIX_MB + 1)))
    assert big == "the document is 6.0 MB as JSON; API Gateway imports at most 6 MB"
    many = {("GET", f"/r{i}"): (None, ()) for i in range(300)}
    wide, _ = secured("3.0", routes=many)
    assert "301 resources" in refusals(_payload(wide, "3.0"))[0]
    fits = {("GET", f"/r{i}"): (None, ()) for i in range(299)}
    narrow, _ = secured("3.0", routes=fits)
    assert refusals(_payload(narrow, "3.0")) == []
    # The base path API Gateway puts before every path is one more resource.
    assert "301 resources" in refusals(_payload(narrow, "3.0", prefix="v1"))[0]
    pools = {f"Pool{i}": (POOL_ARN,) for i in range(11)}
    crowded, _ = secured("2.0", pools=pools)
    assert refusals(_payload(crowded, "2.0")) == [
        "the document defines 11 authorizers; API Gateway's limit is 10"
    ]
    odd, _ = secured("3.0", routes={("GET", "/a b"): (None, ())})
    assert "segment 'a b' has characters API Gateway does not accept" in refusals(_payload(odd, "3.0"))[0]


def test_overwrite_plan_says_what_disappears() -> None:
    data, _ = secured("3.0", routes={("GET", "/pets"): ("Pool", ())})
    live = LiveApi(
        (
            LiveAuthorizer("a1", "Old", "COGNITO_USER_POOLS"),
            LiveAuthorizer("a2", "Pool", "COGNITO_USER_POOLS"),
        ),
        (LiveMethod("GET", "/pets", "NONE"), LiveMethod("DELETE", "/pets/{id}", "NONE")),
        ("/", "/pets", "/pets/{id}"),
    )
    settings = {"policy": "{}", "description": "old"}
    payload = _payload(data, "3.0")
    plan = plan_import(payload, ImportOptions(mode="overwrite"), "api", live, settings)
    assert plan.removed_methods == ("DELETE /pets/{id}",)
    assert plan.removed_paths == ("/pets/{id}",)
    assert plan.removed_authorizers == ("Old (a1)",)
    assert plan.kept_settings == ("description", "policy")
    dropped = plan_import(payload, ImportOptions(drop_api_settings=True), "api", live, settings)
    assert dropped.dropped_settings == ("description", "policy")
    assert dropped.kept_settings == ()
    merge = plan_import(payload, ImportOptions(mode="merge"), "api", live, settings)
    assert merge.kept_routes == ("DELETE /pets/{id}",)
    assert merge.removed_methods == ()
    assert any("keep serving" in line for line in merge.lines())
    created = plan_import(payload, ImportOptions(), "new API", None, {})
    assert created.creating
    assert created.lines() == ["create new API: 1 methods, body 2 bytes of JSON"]


def test_settings_set_by_the_document_are_not_kept() -> None:
    data, _ = secured("3.0", extra={"x-amazon-apigateway-policy": {"Version": "2012-10-17"}})
    plan = plan_import(_payload(data, "3.0"), ImportOptions(), "api", LiveApi(), {"policy": "{}"})
    assert plan.kept_settings == ()


def test_restore_patches() -> None:
    before = settings_of(
        {
            "description": "d",
            "binaryMediaTypes": ["image/png"],
            "policy": '{\\"Version\\":\\"2012-10-17\\"}',
            "apiKeySource": "HEADER",
            "endpointConfiguration": {"types": ["REGIONAL"], "ipAddressType": "ipv4"},
        }
    )
    assert "apiKeySource" not in before  # the default is no setting
    after = settings_of({"endpointConfiguration": {"types": ["EDGE"]}})
    ops = restore_patches(before, after, sorted(before))
    assert {"op": "replace", "path": "/description", "value": "d"} in ops
    assert {"op": "add", "path": "/binaryMediaTypes/image~1png"} in ops
    assert {"op": "replace", "path": "/policy", "value": '{"Version":"2012-10-17"}'} in ops
    assert {"op": "replace", "path": "/endpointConfiguration/types/EDGE", "value": "REGIONAL"} in ops
    assert restore_patches(before, before, sorted(before)) == []


def test_authorization_changes_method_by_method() -> None:
    from apigw_cognito.aws.import_plan import auth_changes
    from apigw_cognito.aws.verify import Expected

    live = LiveApi(
        authorizers=(LiveAuthorizer("a1", "Pool", "COGNITO_USER_POOLS", (POOL_ARN,)),),
        methods=(
            LiveMethod("GET", "/a", "NONE"),
            LiveMethod("GET", "/b", "COGNITO_USER_POOLS", "a1", ("s/read", "s/write")),
            LiveMethod("GET", "/c", "COGNITO_USER_POOLS", "a1", api_key_required=True),
            LiveMethod("GET", "/d", "AWS_IAM"),
            LiveMethod("GET", "/same", "COGNITO_USER_POOLS", "a1", ("s/read",)),
        ),
    )
    expected = [
        Expected("GET", "/a", "Pool", ("s/read",)),
        Expected("GET", "/b", "Pool", ("s/read", "s/admin")),
        Expected("GET", "/c", "Pool"),
        Expected("GET", "/d", None),
        Expected("GET", "/same", "Pool", ("s/read",)),
        Expected("POST", "/new", None, api_key=True),
    ]
    lines = [change.line() for change in auth_changes(expected, live)]
    assert lines == [
        "  GET /a: NONE -> COGNITO_USER_POOLS Pool [s/read] (scopes added: s/read)",
        "  GET /b: COGNITO_USER_POOLS Pool [s/read s/write] -> COGNITO_USER_POOLS Pool [s/read s/admin]"
        " (scopes added: s/admin; scopes removed: s/write)",
        "  GET /c: COGNITO_USER_POOLS Pool + API key -> COGNITO_USER_POOLS Pool"
        " (API key required -> not required)",
        "  GET /d: AWS_IAM -> NONE",
        "  POST /new: (not live) -> NONE + API key",
    ]
