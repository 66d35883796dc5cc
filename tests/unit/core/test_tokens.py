"""Judging Cognito tokens for an operation, and checking their signatures with PyJWT against a key set.

Tokens here are real RS256 JWTs signed with a key made for the test (cryptography), so the signature
checks run exactly as against a pool's published keys; tests/emulated/test_explain_tokens.py does the
same with moto's tokens and JWKS.
"""

from __future__ import annotations

import json
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from apigw_cognito.basics.errors import InputError
from apigw_cognito.core.explain import Requirement
from apigw_cognito.core.tokens import decode, issuer_of, judge, verify_signature
from apigw_cognito.selector.model import Authorizer

POOL = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEfGhI"
ISS = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI"
NOW = 1_800_000_000
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
JWKS = {
    "keys": [
        {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key())), "kid": "k1", "alg": "RS256"}
    ]
}


def token(kid: str = "k1", key: Any = KEY, algorithm: str = "RS256", **claims: Any) -> str:
    body = {"iss": ISS, "token_use": "id", "aud": "client1", "iat": NOW - 60, "exp": NOW + 3600, **claims}
    return jwt.encode(body, key, algorithm=algorithm, headers={"kid": kid})


def requirement(scopes: tuple[str, ...] = (), regex: str | None = None) -> Requirement:
    authorizer = Authorizer("Pets", (POOL,), app_client_id_regex=regex)
    return Requirement("secured", "rule 1", authorizer, scopes)


def reasons(text: str, req: Requirement, header: str | None = None) -> tuple[str, ...]:
    return judge(decode(text), req, (POOL,), NOW, header).reasons


def test_issuer_of_arn_and_id() -> None:
    assert issuer_of(POOL) == ISS
    assert issuer_of("eu-west-1_AbCdEfGhI") == ISS
    assert issuer_of("name:Pets") is None


def test_an_id_token_for_a_method_without_scopes() -> None:
    assert reasons(token(), requirement()) == ()


def test_every_reason_at_once() -> None:
    text = token(iss="https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other", exp=NOW - 600, aud="x")
    found = reasons(text, requirement(("pets/read",), regex="^client[0-9]$"), header="X-Token")
    assert len(found) == 5
    assert found[0].startswith("its issuer 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other'")
    assert found[1] == "it expired at 2027-01-15 07:50:00Z (10 min ago)"
    assert found[2].startswith("it is an ID token, but the method has scopes")
    assert found[3] == "its app client x does not match the authorizer's app_client_id_regex"
    assert found[4] == "API Gateway reads the token from the Authorization header, not X-Token"


def test_access_tokens_and_scopes() -> None:
    access = token(token_use="access", client_id="client1", scope="pets/read openid", aud=None)
    assert reasons(access, requirement(("pets/read",))) == ()
    assert reasons(access, requirement(("pets/write",))) == (
        "it carries none of the scopes the method needs (pets/write); it has pets/read, openid",
    )
    assert reasons(access, requirement()) == (
        "it is an access token, but the method has no scopes, so API Gateway wants an ID token",
    )
    assert "access tokens have none" in reasons(access, requirement(("pets/read",), regex=".*"))[0]


def test_not_yet_valid() -> None:
    assert reasons(token(nbf=NOW + 120), requirement()) == (
        "it is not valid before 2027-01-15 08:02:00Z (nbf is 2 min from now)",
    )


def test_public_and_undecided_operations() -> None:
    assert judge(decode(token()), Requirement("public", "rule 2"), (), NOW).accepted
    assert not judge(decode(token()), Requirement("unmatched", "no rule"), (), NOW).accepted


def test_signature_checks() -> None:
    assert verify_signature(decode(token()), JWKS) is None
    head, _body, signature = token().split(".")
    other = token(exp=NOW + 9999).split(".")[1]
    assert "altered or forged" in str(verify_signature(decode(f"{head}.{other}.{signature}"), JWKS))
    assert "key 'k9'" in str(verify_signature(decode(token(kid="k9")), JWKS))
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert "altered or forged" in str(verify_signature(decode(token(key=stranger)), JWKS))


def test_a_token_signed_with_a_shared_secret_is_refused() -> None:
    """HS256 with the public key as the secret is the classic confusion: only RS256 is accepted."""
    forged = token(key="secret-secret-secret-secret-secret", algorithm="HS256")
    assert "Cognito signs with RS256" in str(verify_signature(decode(forged), JWKS))


@pytest.mark.parametrize("text", ["", "abc", "a.b", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30"])
def test_malformed_tokens_are_input_errors(text: str) -> None:
    with pytest.raises(InputError):
        decode(text)


def test_bearer_prefix_is_read_through() -> None:
    assert decode("Bearer " + token()).claims["aud"] == "client1"
