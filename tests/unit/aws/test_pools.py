"""Pool references as the selector writes them, and what needs no AWS call at all.

tests/emulated/test_pools.py resolves ids and names against moto server.
"""

from __future__ import annotations

import pytest

from apigw_cognito.aws.clients import SessionOptions
from apigw_cognito.aws.pools import classify, pool_arn, resolve_pools
from apigw_cognito.basics.errors import InputError
from apigw_cognito.selector.model import Authorizer, Selector
from tests.support.apidocs import POOL_ARN


def selector_with(*pools: str) -> Selector:
    return Selector("test.selector.yaml", {"Pool": Authorizer("Pool", tuple(pools))}, ())


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        (POOL_ARN, "arn", POOL_ARN),
        ("us-east-1_AbCdEfGhI", "id", "us-east-1_AbCdEfGhI"),
        ("eu-central-1_0123456789abcdef0123", "id", "eu-central-1_0123456789abcdef0123"),
        ("name:My Pool", "name", "My Pool"),
    ],
)
def test_classify(text: str, kind: str, value: str) -> None:
    ref = classify(text)
    assert (ref.kind, ref.value) == (kind, value)


@pytest.mark.parametrize("text", ["", "pool", "name:", "arn:aws:s3:::bucket", "us-east-1-AbC"])
def test_classify_refuses_anything_else(text: str) -> None:
    with pytest.raises(InputError):
        classify(text)


def test_arns_only_needs_no_aws() -> None:
    selector = selector_with(POOL_ARN)
    # No region, no endpoint: any AWS call would fail, so returning proves none was made.
    assert resolve_pools(selector, SessionOptions(endpoint_url="http://127.0.0.1:9")) is selector


def test_pool_arn_partition() -> None:
    assert pool_arn("aws-cn", "cn-north-1", "111122223333", "cn-north-1_x") == (
        "arn:aws-cn:cognito-idp:cn-north-1:111122223333:userpool/cn-north-1_x"
    )
