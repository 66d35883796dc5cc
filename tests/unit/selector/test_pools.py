"""User pools given as ids or names: resolution to ARNs (`with_pools`), the refusal without a lookup
(`require_arns`), and how messages show a pool read from the environment (docs/selector.md: the output
and the logs may be public, so such a value is named by its variables, never shown)."""

from __future__ import annotations

import pytest

from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.selector.model import Authorizer, Selector, require_arns, shown

REGION = "eu-west-1"
ID_A, ID_B = f"{REGION}_AAAA1111", f"{REGION}_BBBB2222"
ARN_A = f"arn:aws:cognito-idp:{REGION}:123456789012:userpool/{ID_A}"
ARN_B = f"arn:aws:cognito-idp:{REGION}:123456789012:userpool/{ID_B}"
HERE = Location("s.yaml", 4, 7)


def selector(*authorizers: Authorizer) -> Selector:
    return Selector("s.yaml", {a.name: a for a in authorizers}, rules=())


def test_a_literal_is_quoted_and_an_environment_value_named_by_its_variables() -> None:
    assert shown(ID_A, ()) == f"'{ID_A}'"
    assert shown(ID_A, ("POOL",)) == "${POOL} (from the environment)"
    assert shown(ID_A, ("REGION", "POOL")) == "${REGION} ${POOL} (from the environment)"


def test_a_pool_without_recorded_variables_is_shown_quoted() -> None:
    authorizer = Authorizer("Pool", (ID_A, ID_B), pool_variables=(("POOL",),))
    assert authorizer.pool_shown(0) == "${POOL} (from the environment)"
    assert authorizer.pool_shown(1) == f"'{ID_B}'"


def test_ids_and_names_become_arns_each_listed_once_in_order() -> None:
    authorizer = Authorizer(
        "Pool", (ID_B, ARN_A, "name:Users", ID_A), pool_locations=(HERE, None, None, Location("s.yaml", 5, 7))
    )
    resolved = selector(authorizer).with_pools({ID_B: ARN_B, "name:Users": ARN_A, ID_A: ARN_A})
    pools = resolved.authorizers["Pool"]
    assert pools.user_pools == (ARN_B, ARN_A)
    assert pools.pool_locations == (HERE, None)
    assert pools.pool_variables == ((), ())


def test_a_pool_left_unresolved_keeps_its_variables_and_a_resolved_one_is_shown_as_the_arn() -> None:
    authorizer = Authorizer("Pool", (ID_A, ID_B), pool_variables=(("POOL_A",), ("POOL_B",)))
    pools = selector(authorizer).with_pools({ID_A: ARN_A}).authorizers["Pool"]
    assert pools.user_pools == (ARN_A, ID_B)
    assert pools.pool_shown(0) == f"'{ARN_A}'"  # looked up in AWS, not read from the environment
    assert pools.pool_shown(1) == "${POOL_B} (from the environment)"


def test_an_arn_read_from_the_environment_stays_named_by_its_variable() -> None:
    authorizer = Authorizer("Pool", (ARN_A,), pool_variables=(("POOL_ARN",),))
    pools = selector(authorizer).with_pools({ARN_A: ARN_B}).authorizers["Pool"]  # an ARN is never remapped
    assert pools.user_pools == (ARN_A,)
    assert pools.pool_shown(0) == "${POOL_ARN} (from the environment)"


def test_a_pool_mapped_to_something_other_than_an_arn_is_refused() -> None:
    with pytest.raises(ValueError, match="must map to a user pool ARN"):
        selector(Authorizer("Pool", (ID_A,))).with_pools({ID_A: ID_B})


def test_mismatched_pool_details_are_refused() -> None:
    authorizer = Authorizer("Pool", (ID_A, ID_B), pool_locations=(HERE,))
    with pytest.raises(ValueError, match="shorter than argument 1"):  # zip(strict=True)
        selector(authorizer).with_pools({})


def test_require_arns_names_the_variable_and_falls_back_to_the_authorizer_then_the_file() -> None:
    env = Authorizer("Env", (ARN_A, ID_A), pool_variables=((), ("POOL",)), location=HERE)
    with pytest.raises(InputError) as raised:
        require_arns(selector(env))
    assert "user pool ${POOL} (from the environment) is a pool id" in raised.value.message
    assert raised.value.location == HERE
    with pytest.raises(InputError) as raised:
        require_arns(selector(Authorizer("Named", ("name:Users",))))
    assert "user pool 'name:Users' is a pool name" in raised.value.message
    assert raised.value.location == Location("s.yaml")
