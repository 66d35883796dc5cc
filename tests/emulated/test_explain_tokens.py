"""`explain --token` with real tokens from moto's Cognito, their signatures checked against moto's JWKS.

moto issues ID and access tokens (AdminInitiateAuth) and serves each pool's keys; its access tokens carry
only `aws.cognito.signin.user.admin` (custom scopes need the OAuth2 token endpoint, which moto does not
serve). So "accepted with a scope" uses a method requiring that scope, and "refused for a missing scope" a
method requiring a custom one. moto signs every pool's tokens with the same key: a token from another pool
passes the signature check there and is refused for its issuer, which is what API Gateway checks too.
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from apigw_cognito.app.explaining import KeySource, check_token, explain_operation
from apigw_cognito.app.pipeline import load_selector_file, load_spec
from apigw_cognito.cli.main import app
from tests.support.cognito import Pool, make_pool
from tests.support.paths import ROOT

SPEC = str(ROOT / "specs" / "securepets.yaml")
ADMIN = "aws.cognito.signin.user.admin"


@pytest.fixture(scope="module")
def pools(moto_url: str) -> tuple[Pool, Pool]:
    return make_pool(moto_url), make_pool(moto_url)


@pytest.fixture(scope="module")
def tokens(pools: tuple[Pool, Pool]) -> dict[str, str]:
    mine, other = pools
    issued = mine.tokens()
    return {"id": issued["id"], "access": issued["access"], "other": other.tokens()["id"]}


def write_selector(tmp_path: Path, pool: Pool, regex: str | None = None) -> str:
    extra = f"\n    app_client_id_regex: '{regex}'" if regex else ""
    path = tmp_path / "s.yaml"
    path.write_text(
        f"""version: 1
authorizers:
  Pets:
    user_pools: [{pool.arn}]{extra}
rules:
  - select: GET /pets
    authorizer: Pets
  - select: POST /pets
    authorizer: Pets
    scopes: [{ADMIN}]
  - select: POST /purchase
    authorizer: Pets
    scopes: [https://pets.example.com/purchase]
  - select: '* /pets/**'
    public: true
"""
    )
    return str(path)


def explain(tmp_path: Path, pool: Pool, operation: str, token: str, *args: str) -> tuple[int, str]:
    selector = write_selector(tmp_path, pool)
    command = [
        "explain",
        SPEC,
        operation,
        "-s",
        selector,
        "--token",
        token,
        "--endpoint-url",
        pool.url,
        *args,
    ]
    result = CliRunner().invoke(app, command)
    assert "Traceback" not in result.output
    assert token not in result.output, "the token is never printed"
    return result.exit_code, result.stdout + result.stderr


def test_id_token_accepted_on_a_method_without_scopes(
    pools: tuple[Pool, Pool], tokens: dict[str, str], tmp_path: Path
) -> None:
    code, out = explain(tmp_path, pools[0], "GET /pets", tokens["id"])
    assert code == 0, out
    assert "verdict: ACCEPTED" in out
    assert (
        f"signature: verified with key 'dummy' from {pools[0].url}/{pools[0].id}/.well-known/jwks.json" in out
    )
    assert f"token: id token of user pool {pools[0].id}, app client {pools[0].client_id}" in out


def test_access_token_accepted_with_the_scope_it_carries(
    pools: tuple[Pool, Pool], tokens: dict[str, str], tmp_path: Path
) -> None:
    code, out = explain(tmp_path, pools[0], "POST /pets", tokens["access"])
    assert code == 0, out
    assert f"scopes: {ADMIN}" in out


def test_access_token_refused_for_a_missing_scope(
    pools: tuple[Pool, Pool], tokens: dict[str, str], tmp_path: Path
) -> None:
    code, out = explain(tmp_path, pools[0], "POST /purchase", tokens["access"])
    assert code == 1, out
    assert (
        f"it carries none of the scopes the method needs (https://pets.example.com/purchase); it has {ADMIN}"
        in out
    )


def test_each_token_on_the_wrong_kind_of_method(
    pools: tuple[Pool, Pool], tokens: dict[str, str], tmp_path: Path
) -> None:
    code, out = explain(tmp_path, pools[0], "GET /pets", tokens["access"])
    assert code == 1
    assert "it is an access token, but the method has no scopes" in out
    code, out = explain(tmp_path, pools[0], "POST /pets", tokens["id"])
    assert code == 1
    assert "it is an ID token, but the method has scopes" in out


def test_token_from_another_pool(pools: tuple[Pool, Pool], tokens: dict[str, str], tmp_path: Path) -> None:
    code, out = explain(tmp_path, pools[0], "GET /pets", tokens["other"])
    assert code == 1
    assert f"its issuer 'https://cognito-idp.us-east-1.amazonaws.com/{pools[1].id}' is not one of" in out
    assert "signature: not checked: the token's issuer is not one of the authorizer's pools" in out


def test_tampered_signature(pools: tuple[Pool, Pool], tokens: dict[str, str], tmp_path: Path) -> None:
    """The claims say 'admin' now; the signature is the original one."""
    head, body, signature = tokens["id"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["cognito:groups"] = ["admin"]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    code, out = explain(tmp_path, pools[0], "GET /pets", f"{head}.{forged}.{signature}")
    assert code == 1, out
    assert "its signature does not match the pool's key: the token was altered or forged" in out
    code, out = explain(tmp_path, pools[0], "GET /pets", f"{head}.{forged}.{signature}", "--offline")
    assert code == 0, "offline, only the claims are judged, and it says so"
    assert "signature: NOT verified (--offline)" in out


def test_expired_token(pools: tuple[Pool, Pool], tokens: dict[str, str], tmp_path: Path) -> None:
    """moto's tokens live an hour: judged at a clock two hours ahead, with the real keys."""
    spec = load_spec(SPEC)
    explanation = explain_operation(spec, load_selector_file(write_selector(tmp_path, pools[0])), "GET /pets")
    check = check_token(
        explanation, tokens["id"], KeySource(endpoint_url=pools[0].url), now=time.time() + 7200
    )
    assert not check.verdict.accepted
    (reason,) = check.verdict.reasons
    assert reason.startswith("it expired at ")
    assert check.signature.startswith("verified")


def test_wrong_header_and_client_regex(
    pools: tuple[Pool, Pool], tokens: dict[str, str], tmp_path: Path
) -> None:
    code, out = explain(tmp_path, pools[0], "GET /pets", tokens["id"], "--header", "X-Token")
    assert code == 1
    assert "API Gateway reads the token from the Authorization header, not X-Token" in out
    selector = write_selector(tmp_path, pools[0], regex="^nomatch$")
    result = CliRunner().invoke(
        app,
        [
            "explain",
            SPEC,
            "GET /pets",
            "-s",
            selector,
            "--token",
            tokens["id"],
            "--endpoint-url",
            pools[0].url,
        ],
    )
    assert result.exit_code == 1
    assert (
        f"its app client {pools[0].client_id} does not match the authorizer's app_client_id_regex"
        in result.stdout
    )


def test_token_from_a_file_and_from_the_environment(
    pools: tuple[Pool, Pool], tokens: dict[str, str], tmp_path: Path
) -> None:
    selector = write_selector(tmp_path, pools[0])
    (tmp_path / "token").write_text(tokens["id"] + "\n")
    args = ["explain", SPEC, "GET /pets", "-s", selector, "--endpoint-url", pools[0].url]
    by_file = CliRunner().invoke(app, [*args, "--token-file", str(tmp_path / "token")])
    assert by_file.exit_code == 0, by_file.output
    by_env = CliRunner().invoke(app, args, env={"APIGW_COGNITO_TOKEN": tokens["id"]})
    assert by_env.exit_code == 0, by_env.output
    assert "verdict: ACCEPTED" in by_env.stdout


def test_keys_that_cannot_be_fetched_exit_3(
    pools: tuple[Pool, Pool], tokens: dict[str, str], tmp_path: Path
) -> None:
    code, out = explain(
        tmp_path, pools[0], "GET /pets", tokens["id"], "--jwks-url", "http://127.0.0.1:9/jwks.json"
    )
    assert code == 3
    (line,) = [line for line in out.splitlines() if line.startswith("error:")]
    assert "fetching the pool's keys from http://127.0.0.1:9/jwks.json: cannot reach it" in line


def test_malformed_token_exit_2(pools: tuple[Pool, Pool], tmp_path: Path) -> None:
    code, out = explain(tmp_path, pools[0], "GET /pets", "eyJhbGciOi.not-a-token.x")
    assert code == 2
    assert "error: the token cannot be decoded" in out
