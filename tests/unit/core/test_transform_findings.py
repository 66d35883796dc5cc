"""The transform's warnings carry the place they are about: its location and its JSON pointer."""

from __future__ import annotations

from apigw_cognito.basics.errors import Location
from apigw_cognito.basics.openapi import VERSIONS
from apigw_cognito.core.transform import secure
from apigw_cognito.selector.loader import load_selector

ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI"


def test_a_secured_any_method_without_a_preflight_is_pointed_at() -> None:
    data = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"x-amazon-apigateway-any-method": {"responses": {"200": {"description": "ok"}}}}},
    }
    text = f"version: 1\nauthorizers:\n  A: {{user_pools: [{ARN}]}}\n"
    text += "rules:\n  - {select: '*', authorizer: A}\n"
    result = secure(data, VERSIONS["3.0"], load_selector(text.encode(), "s.yaml", {}), lambda pointer: None)
    (finding,) = [f for f in result.findings if f.code == "AGC203"]
    assert finding.pointer == ("paths", "/x", "x-amazon-apigateway-any-method")


def test_a_secured_preflight_is_warned_about_at_its_place() -> None:
    data = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"options": {"responses": {"200": {"description": "ok"}}}}},
    }
    text = f"version: 1\nauthorizers:\n  A: {{user_pools: [{ARN}]}}\ncors_preflight: secured\n"
    text += "rules:\n  - {select: '*', authorizer: A}\n"
    selector = load_selector(text.encode(), "s.yaml", {})
    result = secure(data, VERSIONS["3.0"], selector, lambda pointer: Location("api.yaml", len(pointer), 1))
    (finding,) = [f for f in result.findings if f.code == "AGC204"]
    assert finding.message == (
        "OPTIONS /x is secured: browsers send CORS preflight requests without credentials,"
        " so browser clients of this path will fail"
    )
    assert finding.location == Location("api.yaml", 3, 1)
    assert finding.pointer == ("paths", "/x", "options")
