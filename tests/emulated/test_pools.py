"""Pool resolution: ids via DescribeUserPool, `name:<PoolName>` via paginated ListUserPools, STS account.

moto server proves these: its cognito-idp and STS are faithful (ARNs, ResourceNotFound, pagination), and its
account is 123456789012. Each test makes pools with unique names, so tests do not see each other's pools.
Classifying references, and selectors that need no call, are tested in tests/unit/aws/test_pools.py.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from apigw_cognito.aws.clients import SessionOptions
from apigw_cognito.aws.pools import resolve_pools
from apigw_cognito.basics.errors import AwsError
from apigw_cognito.selector.model import Authorizer, Selector
from tests.support.apidocs import POOL_ARN, unique
from tests.support.faults import Fault, fault_proxy


def selector_with(*pools: str) -> Selector:
    return Selector("test.selector.yaml", {"Pool": Authorizer("Pool", tuple(pools))}, ())


def cognito(url: str) -> Any:
    return boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=url)


def options(url: str) -> SessionOptions:
    return SessionOptions(region="us-east-1", endpoint_url=url, max_attempts=1)


def test_resolve_id_and_name(aws_env: None, moto_url: str) -> None:
    """moto: an id comes back with DescribeUserPool's Arn, a name with the ARN built from STS's account."""
    name = unique("pets")
    pool = cognito(moto_url).create_user_pool(PoolName=name)["UserPool"]
    notes: list[str] = []
    selector = Selector(
        "test.selector.yaml",
        {
            "ById": Authorizer("ById", (pool["Id"], POOL_ARN)),
            "ByName": Authorizer("ByName", (f"name:{name}",)),
        },
        (),
    )
    resolved = resolve_pools(selector, options(moto_url), note=notes.append)
    assert resolved.authorizers["ById"].user_pools == (pool["Arn"], POOL_ARN)
    # The account (123456789012) comes from STS; the ARN equals the one Cognito reports.
    assert resolved.authorizers["ByName"].user_pools == (pool["Arn"],)
    assert any(f"name:{name}" in n for n in notes)


def test_name_found_on_a_later_page(aws_env: None, moto_url: str) -> None:
    """More pools than one ListUserPools page (60) holds: the match is on the second page."""
    client = cognito(moto_url)
    prefix = unique("page")
    for i in range(61):
        client.create_user_pool(PoolName=f"{prefix}-{i}")
    target = client.create_user_pool(PoolName=f"{prefix}-target")["UserPool"]
    with fault_proxy(moto_url) as proxy:
        resolved = resolve_pools(selector_with(f"name:{prefix}-target"), options(proxy.url))
        assert proxy.count("ListUserPools") >= 2
    assert resolved.authorizers["Pool"].user_pools == (target["Arn"],)


def test_ambiguous_name(aws_env: None, moto_url: str) -> None:
    name = unique("twin")
    ids = sorted(cognito(moto_url).create_user_pool(PoolName=name)["UserPool"]["Id"] for _ in range(2))
    with pytest.raises(AwsError, match="2 user pools are named") as caught:
        resolve_pools(selector_with(f"name:{name}"), options(moto_url))
    assert all(i in caught.value.message for i in ids)


def test_missing_name(aws_env: None, moto_url: str) -> None:
    with pytest.raises(AwsError, match="no user pool named"):
        resolve_pools(selector_with(f"name:{unique('ghost')}"), options(moto_url))


def test_missing_id(aws_env: None, moto_url: str) -> None:
    """moto answers ResourceNotFoundException for an unknown pool id, as Cognito does."""
    with pytest.raises(AwsError, match="user pool us-east-1_Nope0000 not found in us-east-1"):
        resolve_pools(selector_with("us-east-1_Nope0000"), options(moto_url))


def test_access_denied_while_listing(aws_env: None, moto_url: str) -> None:
    """The proxy answers ListUserPools with AccessDeniedException (moto enforces no IAM by default)."""
    with fault_proxy(moto_url) as proxy:
        proxy.add(
            Fault("ListUserPools", status=400, code="AccessDeniedException", protocol="json", message="no")
        )
        with pytest.raises(
            AwsError, match=r"cognito-idp ListUserPools: access denied \(AccessDeniedException\)"
        ):
            resolve_pools(selector_with("name:anything"), options(proxy.url))
