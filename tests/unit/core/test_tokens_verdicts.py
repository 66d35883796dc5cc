"""The token verdict's edges, each written from AWS's documented rules for a REST API's Cognito user pool
authorizer (and RFC 7519 for the times), and the exact words `explain --token` prints for each reason.

RFC 7519: a token must not be accepted on or after its `exp`, nor before its `nbf`; AWS documents the HTTP
API JWT authorizer checking `exp`, `nbf` and `iat`, and the tool holds a REST API's Cognito authorizer to
the same (an `iat` in the future is refused like an `nbf`). A Cognito authorizer takes ID tokens on a
method without scopes and access tokens carrying one of the method's scopes, matches an
`identityValidationExpression` (app_client_id_regex) against an ID token's `aud`, and reads the token
from its header (HTTP header names are case-insensitive). Every expectation below is one of those rules,
or a message format stated in full.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import jwt
import pytest

from apigw_cognito.basics.errors import InputError
from apigw_cognito.core.explain import Requirement
from apigw_cognito.core.tokens import Token, decode, judge, verify_signature, when
from apigw_cognito.selector.model import Authorizer
from tests.unit.core.test_tokens import ISS, JWKS, NOW, POOL, requirement, token

OTHER_POOL = "eu-west-1_ZyXwVuTsR"
OTHER_ISS = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_ZyXwVuTsR"
PAST = 1_000_000_000  # 2001: the real clock is past it, so PyJWT would call such a token expired


def reasons(text: str, req: Requirement, header: str | None = None) -> tuple[str, ...]:
    return judge(decode(text), req, (POOL,), NOW, header).reasons


# Times: `exp` is the first instant it is refused; `nbf` and `iat` the first it is accepted.


@pytest.mark.parametrize(
    ("seconds_ago", "said"),
    [
        (0, "0 s"),
        (30, "30 s"),
        (59, "59 s"),
        (60, "1 min"),
        (90, "1 min"),
        (119, "1 min"),
        (120, "2 min"),
        (119 * 60, "119 min"),
        (120 * 60, "2 h"),
        (180 * 60, "3 h"),
        (181 * 60, "3 h"),
    ],
)
def test_an_expired_token_says_how_long_ago(seconds_ago: int, said: str) -> None:
    expiry = NOW - seconds_ago
    assert reasons(token(exp=expiry), requirement()) == (f"it expired at {when(expiry)} ({said} ago)",)


def test_a_token_is_expired_at_its_exp() -> None:
    found = judge(decode(token(exp=NOW)), requirement(), (POOL,), NOW)
    assert found.accepted is False
    assert found.expired is True
    assert found.reasons == ("it expired at 2027-01-15 08:00:00Z (0 s ago)",)


def test_a_token_one_second_before_its_exp_is_accepted() -> None:
    found = judge(decode(token(exp=NOW + 1)), requirement(), (POOL,), NOW)
    assert (found.accepted, found.expired, found.reasons) == (True, False, ())


def test_a_token_without_exp_is_refused() -> None:
    assert reasons(token(exp=None), requirement()) == ("it has no expiry time (exp)",)


@pytest.mark.parametrize("claim", ["nbf", "iat"])
def test_a_token_is_valid_from_its_nbf_and_iat(claim: str) -> None:
    assert reasons(token(**{claim: NOW}), requirement()) == ()
    assert reasons(token(**{claim: NOW + 300}), requirement()) == (
        f"it is not valid before 2027-01-15 08:05:00Z ({claim} is 5 min from now)",
    )


@pytest.fixture
def tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A machine whose local time is not UTC."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("tokyo")
def test_times_are_told_in_utc_whatever_the_local_zone() -> None:
    assert when(NOW) == "2027-01-15 08:00:00Z"


# Token types and scopes (REST API Cognito authorizer).


def test_an_access_token_without_any_scope() -> None:
    access = token(token_use="access", client_id="client1", aud=None)
    assert reasons(access, requirement(("pets/read",))) == (
        "it carries none of the scopes the method needs (pets/read); it has no scope",
    )


def test_every_scope_of_the_method_is_named() -> None:
    access = token(token_use="access", client_id="client1", aud=None, scope="openid")
    wanted = requirement(("pets/read", "pets/write"))
    assert reasons(access, wanted) == (
        "it carries none of the scopes the method needs (pets/read, pets/write); it has openid",
    )
    assert reasons(token(), wanted) == (
        "it is an ID token, but the method has scopes, so API Gateway wants an access token carrying"
        " one of: pets/read, pets/write",
    )


def test_a_token_that_is_neither_id_nor_access_is_refused() -> None:
    """A refresh token (or any other) is not a Cognito ID or access token; the app client regex is
    matched against ID tokens only, so it adds nothing here."""
    other = token(token_use="refresh", aud=None)
    assert reasons(other, requirement(regex="^client1$")) == (
        "it is not a Cognito ID or access token (token_use is 'refresh')",
    )


def test_the_issuer_must_be_one_of_the_authorizers_pools() -> None:
    stranger = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Stranger"
    found = judge(decode(token(iss=stranger)), requirement(), (POOL, OTHER_POOL), NOW)
    assert found.reasons == (
        f"its issuer '{stranger}' is not one of authorizer Pets's user pools ({ISS}, {OTHER_ISS})",
    )
    assert judge(decode(token(iss=OTHER_ISS)), requirement(), (POOL, OTHER_POOL), NOW).accepted is True


def test_an_id_token_whose_aud_matches_the_app_client_regex_is_accepted() -> None:
    found = judge(decode(token()), requirement(regex="^client1$"), (POOL,), NOW)
    assert (found.accepted, found.reasons) == (True, ())


def test_the_app_client_regex_refuses_access_tokens() -> None:
    access = token(token_use="access", client_id="client1", aud=None, scope="pets/read")
    assert reasons(access, requirement(("pets/read",), regex="^client1$")) == (
        "the authorizer has an app_client_id_regex, which API Gateway matches against an ID token's"
        " aud: access tokens have none",
    )


@pytest.mark.parametrize("header", ["Authorization", "authorization", "AUTHORIZATION"])
def test_the_header_name_is_case_insensitive(header: str) -> None:
    found = judge(decode(token()), requirement(), (POOL,), NOW, header)
    assert (found.accepted, found.reasons) == (True, ())


# Operations that no authorizer guards.


def test_a_public_operation_accepts_with_no_reason() -> None:
    found = judge(decode(token()), Requirement("public", "rule 2"), (), NOW)
    assert (found.accepted, found.reasons) == (True, ())


UNDECIDED = ("no rule decides the operation and the default is deny: nothing is imported",)


def test_an_undecided_operation_refuses_even_a_valid_token() -> None:
    """Default deny: nothing is imported for the operation, whatever authorizer the requirement names."""
    authorizer = Authorizer("Pets", (POOL,))
    for req in (
        Requirement("unmatched", "no rule (default: deny)"),
        Requirement("unmatched", "no rule (default: deny)", authorizer),
        Requirement("secured", "rule 1", None),
    ):
        found = judge(decode(token()), req, (POOL,), NOW)
        assert (found.accepted, found.reasons) == (False, UNDECIDED)


# Decoding and signatures.


def test_a_text_that_is_no_jwt() -> None:
    with pytest.raises(InputError) as caught:
        decode("abc")
    assert caught.value.message == "the token is not a JWT (three base64url parts separated by dots)"
    assert caught.value.hint == (
        "give the ID or access token itself, as Cognito returned it (IdToken or AccessToken)"
    )


def test_a_jwt_that_cannot_be_decoded() -> None:
    with pytest.raises(InputError) as caught:
        decode("a.b.c")
    assert caught.value.message.startswith("the token cannot be decoded: ")
    assert caught.value.hint == "copy the whole token, without quotes or line breaks"


def test_a_token_without_an_algorithm_is_refused() -> None:
    text = token()
    unsigned = Token({"kid": "k1"}, jwt.decode(text, options={"verify_signature": False}), text)
    assert verify_signature(unsigned, JWKS) == "it is signed with no algorithm; Cognito signs with RS256"


def test_a_token_with_another_algorithm_is_named() -> None:
    forged = token(key="secret-secret-secret-secret-secret", algorithm="HS256")
    assert verify_signature(decode(forged), JWKS) == "it is signed with HS256; Cognito signs with RS256"


@pytest.mark.parametrize("claims", [{"exp": PAST}, {"nbf": 4_000_000_000}, {"exp": PAST, "iat": PAST - 60}])
def test_the_signature_check_leaves_the_times_to_the_verdict(claims: dict[str, int]) -> None:
    """An expired or not yet valid token is still signed by the pool: the times are reasons of `judge`."""
    assert verify_signature(decode(token(**claims)), JWKS) is None


def test_an_altered_token_is_told_so() -> None:
    head, _body, signature = token().split(".")
    other = token(exp=NOW + 9999).split(".")[1]
    assert verify_signature(decode(f"{head}.{other}.{signature}"), JWKS) == (
        "its signature does not match the pool's key: the token was altered or forged"
    )
