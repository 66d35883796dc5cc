"""An HTTP API's JWT authorizer judging Cognito tokens, compared with a model written from AWS's page
"Controlling access to HTTP APIs with JWT authorizers": the issuer must match, `aud` (or `client_id` when
there is no `aud`) must be in the audience, `exp` after now, `nbf` and `iat` before now, and a route with
scopes wants any one of them in `scope` (or `scp`); `token_use` is not checked.

Times are never exactly now: the page does not say on which side equality falls.
"""

from __future__ import annotations

from typing import Any

import jwt
from hypothesis import given, settings
from hypothesis import strategies as st

from apigw_cognito.core.explain import Requirement
from apigw_cognito.core.tokens import Token, decode, judge
from apigw_cognito.selector.model import Authorizer

POOL = "eu-west-1_AbCdEfGhI"
ISS = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI"
AUDIENCE = ("client1", "client2")
NOW = 1_800_000_000


def requirement(scopes: tuple[str, ...] = ()) -> Requirement:
    authorizer = Authorizer(
        "Notes", (POOL,), identity_source="$request.header.Authorization", type="jwt", audience=AUDIENCE
    )
    return Requirement("secured", "rule 1", authorizer, scopes)


def token(**claims: Any) -> Token:
    body = {k: v for k, v in claims.items() if v is not None}
    return decode(jwt.encode(body, "secret-for-encoding-only-not-checked-here", algorithm="HS256"))


def model(claims: dict[str, Any], scopes: tuple[str, ...]) -> bool:
    """AWS's documented checks, written independently of the tool's code."""
    if claims.get("iss") != ISS:
        return False
    if "aud" in claims:
        auds = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if not any(a in AUDIENCE for a in auds):
            return False
    elif claims.get("client_id") not in AUDIENCE:
        return False
    if not claims["exp"] > NOW:
        return False
    if any(claims.get(c) is not None and not claims[c] < NOW for c in ("nbf", "iat")):
        return False
    if scopes:
        carried = set(str(claims.get("scope", "")).split()) | set(str(claims.get("scp", "")).split())
        return bool(carried & set(scopes))
    return True


# Weighted towards tokens that pass, so that each single check decides often.
offsets = st.sampled_from([-7200, -60, 60, 7200])
past = st.one_of(st.none(), st.none(), st.sampled_from([-7200, -60, -60, 60]))
names = st.sampled_from(["client1", "client2", "other"])
scope_words = st.sampled_from(["notes/read", "notes/write", "aws.cognito.signin.user.admin"])


@settings(max_examples=300)
@given(
    iss=st.sampled_from(
        [ISS, ISS, ISS, ISS + "/", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_X"]
    ),
    aud=st.one_of(st.none(), st.none(), names, st.lists(names, min_size=1, max_size=2)),
    client_id=st.one_of(st.none(), names),
    exp=st.sampled_from([-60, 60, 7200, 7200]),
    nbf=past,
    iat=past,
    scope=st.one_of(st.none(), st.lists(scope_words, max_size=2).map(" ".join)),
    scp=st.one_of(st.none(), scope_words),
    token_use=st.sampled_from(["id", "access", "refresh"]),
    route_scopes=st.lists(scope_words, max_size=2, unique=True).map(tuple),
)
def test_judge_agrees_with_the_documented_jwt_authorizer(
    iss: str,
    aud: Any,
    client_id: str | None,
    exp: int,
    nbf: int | None,
    iat: int | None,
    scope: str | None,
    scp: str | None,
    token_use: str,
    route_scopes: tuple[str, ...],
) -> None:
    claims: dict[str, Any] = {
        "iss": iss,
        "aud": aud,
        "client_id": client_id,
        "exp": NOW + exp,
        "nbf": None if nbf is None else NOW + nbf,
        "iat": None if iat is None else NOW + iat,
        "scope": scope,
        "scp": scp,
        "token_use": token_use,
    }
    verdict = judge(token(**claims), requirement(route_scopes), (POOL,), NOW)
    present = {k: v for k, v in claims.items() if v is not None}
    assert verdict.accepted == model(present, route_scopes), verdict.reasons
    assert verdict.accepted == (not verdict.reasons)


def test_an_access_token_passes_a_route_without_scopes_and_the_basis_says_why() -> None:
    access = token(iss=ISS, client_id="client1", token_use="access", exp=NOW + 60, scope="x")
    verdict = judge(access, requirement(), (POOL,), NOW)
    assert verdict.accepted
    assert verdict.basis == (
        "issuer: iss equals the authorizer's issuer",
        "audience: the token has no aud; its client_id client1 is in the audience",
        "time: exp is in the future, nbf and iat are not",
        "scopes: the route has none, so any token of the audience is accepted, ID or access token"
        " (a REST API's Cognito authorizer would want an ID token)",
    )


def test_only_a_missing_scope_is_a_scope_refusal() -> None:
    """An HTTP API answers 403 when the scope alone is missing, 401 otherwise."""
    access = token(iss=ISS, client_id="client1", exp=NOW + 60, scope="notes/read")
    assert judge(access, requirement(("notes/write",)), (POOL,), NOW).scope_missing
    expired = token(iss=ISS, client_id="client1", exp=NOW - 60, scope="notes/read")
    verdict = judge(expired, requirement(("notes/write",)), (POOL,), NOW)
    assert not verdict.scope_missing
    assert verdict.expired


def test_aud_counts_and_client_id_is_ignored_when_both_are_there() -> None:
    both = token(iss=ISS, aud="other", client_id="client1", exp=NOW + 60)
    assert judge(both, requirement(), (POOL,), NOW).reasons == (
        "its aud other is not in the authorizer's audience (client1, client2)",
    )
