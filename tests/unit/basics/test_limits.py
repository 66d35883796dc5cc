"""API Gateway limits and the Cognito pool ARN pattern, defined once in `basics.limits`.

The pattern is the one both paths apply: the selector loader (user_pools items, `pool_kind`) and the
document checks (providerARNs already in a document, finding AGC302). Until the limits were defined once,
the checks used a looser pattern of their own; the `LOOSE_BEFORE` cases below are the inputs the checks
accepted then and refuse now (the selector always refused them).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.basics.limits import (
    MAX_AUTHORIZERS,
    MAX_BODY_BYTES,
    MAX_RESOURCES,
    MAX_RESULT_TTL_SECONDS,
    POOL_ARN_RE,
    POOL_ID_RE,
)
from apigw_cognito.basics.openapi import VERSIONS
from apigw_cognito.checks.rules import check_document
from apigw_cognito.selector.loader import load_selector
from apigw_cognito.selector.model import pool_kind
from apigw_cognito.selector.schema import SCHEMA

ACCOUNT = "123456789012"
REGIONS = [
    ("aws", "us-east-1"),
    ("aws", "eu-central-2"),
    ("aws", "ap-southeast-4"),
    ("aws", "il-central-1"),
    ("aws", "mx-central-1"),
    ("aws", "ca-west-1"),
    ("aws-us-gov", "us-gov-west-1"),
    ("aws-cn", "cn-north-1"),
    ("aws-cn", "cn-northwest-1"),
]


def arn(region: str, partition: str = "aws", account: str = ACCOUNT, pool: str | None = None) -> str:
    pool_id = pool if pool is not None else f"{region}_AbCdEfGhI"
    return f"arn:{partition}:cognito-idp:{region}:{account}:userpool/{pool_id}"


# Accepted by the document checks before, refused by both paths now: regions that are not AWS region names,
# pool ids that do not start with a region, an account in non-ASCII digits, a trailing newline.
LOOSE_BEFORE = {
    "a name that is not a region": arn("local"),
    "a region without dashes": arn("useast1"),
    "a region without its number": arn("us-east"),
    "a region with three letters first": arn("usa-east-1"),
    "a region of digits": arn("1"),
    "a region of a dash": arn("-"),
    "a region ending in a dash": arn("us-east-1-"),
    "a pool id without a region": arn("us-east-1", pool="abc_123"),
    "an account in Arabic-Indic digits": arn("us-east-1", account="١٢٣٤٥٦٧٨٩٠١٢"),
    "a trailing newline": arn("us-east-1") + "\n",
}
# Refused by both paths before and now.
REFUSED = {
    "an ISO partition": arn("us-iso-east-1", "aws-iso"),
    "an upper-case region": arn("US-EAST-1"),
    "an account of 11 digits": arn("us-east-1", account="12345678901"),
    "a pool id without a suffix": arn("us-east-1", pool="us-east-1_"),
    "a pool id, not an ARN": "us-east-1_AbCdEfGhI",
    "a suffix with a dash": arn("us-east-1", pool="us-east-1_Ab-Cd"),
}


def document(provider_arn: str) -> dict[str, Any]:
    scheme = {
        "type": "apiKey",
        "name": "Authorization",
        "in": "header",
        "x-amazon-apigateway-authtype": "cognito_user_pools",
        "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools", "providerARNs": [provider_arn]},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"securitySchemes": {"Pool": scheme}},
    }


def check_messages(provider_arn: str) -> list[str]:
    return [f.message for f in check_document(document(provider_arn), VERSIONS["3.0"], lambda _: None)]


def load_pool(pool: str) -> str:
    """`pool` as a user_pools item (JSON-quoted, which YAML reads) loaded by the selector loader."""
    raw = f"version: 1\nauthorizers:\n  A:\n    user_pools: [{json.dumps(pool, ensure_ascii=False)}]\n"
    raw += "rules: []\ndefault: A\n"
    return load_selector(raw.encode(), "s.yaml", {}).authorizers["A"].user_pools[0]


@pytest.mark.parametrize(("partition", "region"), REGIONS)
def test_aws_regions_are_accepted_by_both_paths(partition: str, region: str) -> None:
    value = arn(region, partition)
    assert re.fullmatch(POOL_ARN_RE, value)
    assert pool_kind(value) == "arn"
    assert load_pool(value) == value
    assert check_messages(value) == []
    assert pool_kind(f"{region}_AbCdEfGhI") == "id"


def test_the_pool_id_suffix_has_no_fixed_length() -> None:
    """Emulators make longer suffixes than AWS's nine characters."""
    for suffix in ("a", "AbCdEfGhI", "0123456789abcdef0123456789abcdef"):
        assert re.fullmatch(POOL_ID_RE, f"us-east-1_{suffix}")
        value = arn("us-east-1", pool=f"us-east-1_{suffix}")
        assert load_pool(value) == value
        assert check_messages(value) == []


@pytest.mark.parametrize("value", LOOSE_BEFORE.values(), ids=LOOSE_BEFORE.keys())
def test_inputs_the_checks_accepted_before_are_refused_by_both_paths(value: str) -> None:
    assert re.fullmatch(POOL_ARN_RE, value) is None
    assert check_messages(value) == [
        f"security scheme Pool: providerARNs item {value!r} is not a user pool ARN"
        " (arn:aws:cognito-idp:<region>:<account>:userpool/<pool id>, or a CloudFormation"
        " function such as {Fn::GetAtt: [UserPool, Arn]})"
    ]
    with pytest.raises(InputError) as caught:
        load_pool(value)
    assert caught.value.location == Location("s.yaml", 4, 18)
    assert caught.value.message == (
        f"authorizer 'A': user_pools item 1: '{value}' is not a user pool ARN, pool id or name"
    )


@pytest.mark.parametrize("value", REFUSED.values(), ids=REFUSED.keys())
def test_other_malformed_arns_stay_refused(value: str) -> None:
    assert re.fullmatch(POOL_ARN_RE, value) is None
    assert len(check_messages(value)) == 1


def test_region_agreement_is_the_selector_loaders_own_check() -> None:
    """The pattern lets an ARN's region differ from its pool id's (and from its partition); the selector
    loader refuses both with messages of its own, while the document checks accept them as before."""
    for value in (arn("us-east-1", pool="eu-west-1_AbC"), arn("cn-north-1", "aws")):
        assert re.fullmatch(POOL_ARN_RE, value)
        assert check_messages(value) == []
        with pytest.raises(InputError, match=r"the ARN '.*' (names region|puts region)"):
            load_pool(value)


def test_the_limits_are_api_gateways_and_the_schema_uses_them() -> None:
    assert (MAX_BODY_BYTES, MAX_RESOURCES, MAX_AUTHORIZERS, MAX_RESULT_TTL_SECONDS) == (
        6 * 2**20,
        300,
        10,
        3600,
    )
    assert SCHEMA["properties"]["authorizers"]["maxProperties"] == MAX_AUTHORIZERS
    ttl = SCHEMA["$defs"]["authorizer"]["properties"]["result_ttl_seconds"]
    assert ttl["maximum"] == MAX_RESULT_TTL_SECONDS
