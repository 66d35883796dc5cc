"""`assess` (the verdict with its signature check) and the HTTP API JWT authorizer's edges.

The expectations follow AWS's documented rules: a REST API's Cognito authorizer checks the signature
against the pool's published keys (a token of another issuer is refused for its issuer, and its
signature is not this pool's business); an HTTP API's JWT authorizer checks the issuer, then `aud` (one
or a list) or, without `aud`, `client_id` against the audience, then `exp`, `nbf`, `iat`, then any one
of the route's scopes in `scope` or `scp`, and answers 403 only when a scope alone is missing.
"""

from __future__ import annotations

from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from apigw_cognito.core.explain import Requirement
from apigw_cognito.core.tokens import Token, assess, decode, judge, when
from apigw_cognito.selector.model import Authorizer
from tests.unit.core.test_tokens import JWKS, NOW, POOL, requirement, token

FORGED = "its signature does not match the pool's key: the token was altered or forged"
STRANGER = rsa.generate_private_key(public_exponent=65537, key_size=2048)
JWT_ISS = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI"


def test_a_token_signed_by_the_pool_is_accepted_and_said_signed() -> None:
    found = assess(decode(token()), requirement(), (POOL,), NOW, JWKS)
    assert (found.accepted, found.reasons, found.signed, found.expired) == (True, (), True, False)


def test_a_forged_token_is_refused_for_its_signature_alone() -> None:
    found = assess(decode(token(key=STRANGER)), requirement(), (POOL,), NOW, JWKS)
    assert (found.accepted, found.reasons, found.signed, found.expired) == (False, (FORGED,), False, False)


def test_the_signature_reason_comes_after_the_others_and_expiry_is_kept() -> None:
    found = assess(decode(token(key=STRANGER, exp=NOW - 60)), requirement(), (POOL,), NOW, JWKS)
    expired = f"it expired at {when(NOW - 60)} (1 min ago)"
    assert (found.accepted, found.reasons, found.signed, found.expired) == (
        False,
        (expired, FORGED),
        False,
        True,
    )


def test_without_a_key_set_the_signature_is_not_checked() -> None:
    found = assess(decode(token(key=STRANGER)), requirement(), (POOL,), NOW, None)
    assert (found.accepted, found.reasons, found.signed) == (True, (), None)


def test_a_public_operation_checks_no_signature() -> None:
    found = assess(decode(token(key=STRANGER)), Requirement("public", "rule 2"), (POOL,), NOW, JWKS)
    assert (found.accepted, found.reasons, found.signed) == (True, (), None)


def test_a_token_of_another_issuer_is_refused_for_its_issuer_only() -> None:
    other = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other"
    found = assess(decode(token(key=STRANGER, iss=other)), requirement(), (POOL,), NOW, JWKS)
    assert found.signed is None
    assert len(found.reasons) == 1
    assert found.reasons[0].startswith(f"its issuer '{other}' is not one of authorizer Pets's user pools")


def test_the_header_the_token_came_in_is_judged() -> None:
    found = assess(decode(token()), requirement(), (POOL,), NOW, JWKS, header="X-Token")
    assert (found.accepted, found.signed) == (False, True)
    assert found.reasons == ("API Gateway reads the token from the Authorization header, not X-Token",)


# HTTP API JWT authorizer.


def jwt_requirement(scopes: tuple[str, ...] = ()) -> Requirement:
    authorizer = Authorizer(
        "Notes",
        ("eu-west-1_AbCdEfGhI",),
        identity_source="$request.header.Authorization",
        type="jwt",
        audience=("client1", "client2"),
    )
    return Requirement("secured", "rule 1", authorizer, scopes)


def claims_token(**claims: Any) -> Token:
    body = {"iss": JWT_ISS, "client_id": "client1", "exp": NOW + 60, **claims}
    body = {k: v for k, v in body.items() if v is not None}
    return decode(jwt.encode(body, "secret-for-encoding-only-not-checked-here", algorithm="HS256"))


WANTED = "the authorizer's audience (client1, client2)"


def test_jwt_wrong_issuer_is_named() -> None:
    other = JWT_ISS + "/"
    found = judge(claims_token(iss=other), jwt_requirement(), (), NOW)
    assert found.reasons == (f"its issuer '{other}' is not the authorizer's issuer '{JWT_ISS}'",)
    assert found.scope_missing is False


def test_jwt_header_is_case_insensitive_and_another_is_refused() -> None:
    assert judge(claims_token(), jwt_requirement(), (), NOW, "authorization").reasons == ()
    assert judge(claims_token(), jwt_requirement(), (), NOW, "X-Token").reasons == (
        "API Gateway reads the token from $request.header.Authorization, not the X-Token header",
    )


def test_jwt_expiry() -> None:
    assert judge(claims_token(exp=NOW), jwt_requirement(), (), NOW).expired is True
    assert judge(claims_token(exp=NOW + 1), jwt_requirement(), (), NOW).expired is False
    missing = judge(claims_token(exp=None), jwt_requirement(), (), NOW)
    assert (missing.expired, missing.reasons) == (False, ("it has no expiry time (exp)",))


def test_jwt_audiences_in_words() -> None:
    listed = judge(claims_token(aud=["other", "client2"]), jwt_requirement(), (), NOW)
    assert listed.accepted is True
    assert "audience: aud other, client2 is in the audience" in listed.basis
    assert judge(claims_token(aud=["a", "b"]), jwt_requirement(), (), NOW).reasons == (
        f"its aud a, b is not in {WANTED}",
    )
    assert judge(claims_token(client_id="other"), jwt_requirement(), (), NOW).reasons == (
        f"its client_id other is not in {WANTED}",
    )
    assert judge(claims_token(client_id=None), jwt_requirement(), (), NOW).reasons == (
        "it has neither aud nor client_id, so no audience can match",
    )


def test_jwt_scopes_in_words() -> None:
    route = jwt_requirement(("notes/read", "notes/write"))
    found = judge(claims_token(scope="openid notes/write"), route, (), NOW)
    assert found.accepted is True
    assert "scopes: it carries notes/write, one of the route's scopes" in found.basis
    assert judge(claims_token(scope="profile", scp="openid"), route, (), NOW).reasons == (
        "it carries none of the route's scopes (notes/read, notes/write); it has openid, profile",
    )
    assert judge(claims_token(), route, (), NOW).reasons == (
        "it carries none of the route's scopes (notes/read, notes/write); it has no scope",
    )


def test_a_scope_is_missing_only_when_a_scope_is_needed_and_missing() -> None:
    """403 is for a token refused for its scope alone: not for a route without scopes, nor for a token
    that carries a scope of the route but is refused for something else."""
    other_issuer = JWT_ISS + "/"
    assert judge(claims_token(iss=other_issuer), jwt_requirement(), (), NOW).scope_missing is False
    scoped = jwt_requirement(("notes/read",))
    assert judge(claims_token(iss=other_issuer, scope="notes/read"), scoped, (), NOW).scope_missing is False
    assert judge(claims_token(scope="openid"), scoped, (), NOW).scope_missing is True
