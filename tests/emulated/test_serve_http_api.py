"""`serve` answering as an HTTP API does, for a document secured with JWT authorizers, with moto's tokens.

Each answer is AWS's documented one (core/http_gateway.py says how sure each is): 404 Not Found for no
route, 401 with `www-authenticate` for a missing or refused token, 403 when only the route's scopes are
missing, CORS from x-amazon-apigateway-cors, and a route without scopes that takes access tokens too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from apigw_cognito.serving.gateway import Options
from tests.support.cognito import Pool, make_pool
from tests.support.paths import ROOT
from tests.support.serving import InProcess, LambdaStandIn, Recorder, call, in_process

SPEC = ROOT / "specs" / "securenotes-http.yaml"
ADMIN = "aws.cognito.signin.user.admin"
ORIGIN = "https://notes.example.com"


@pytest.fixture(scope="module")
def pool(moto_url: str) -> Pool:
    return make_pool(moto_url)


@pytest.fixture(scope="module")
def tokens(pool: Pool) -> dict[str, str]:
    return pool.tokens()


@pytest.fixture(scope="module")
def backend() -> Iterator[Recorder]:
    with Recorder().running() as recorder:
        yield recorder


@pytest.fixture(scope="module")
def served(pool: Pool, backend: Recorder, tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    """SecureNotes with http_proxy integrations to the recorder (the example's are Lambda ones)."""
    folder = tmp_path_factory.mktemp("notes")
    text = re.sub(
        r"type: aws_proxy\n( +)httpMethod: POST\n +uri: \S+",
        lambda m: f"type: http_proxy\n{m[1]}httpMethod: ANY\n{m[1]}uri: {backend.url}/backend",
        SPEC.read_text(),
    )
    (folder / "api.yaml").write_text(text)
    selector = (ROOT / "specs" / "securenotes-http.selector.yaml").read_text()
    selector = selector.replace("${SECURENOTES_USER_POOL:-us-east-1_AbCdEfGhI}", pool.id)
    selector = selector.replace("${SECURENOTES_APP_CLIENT:-4r5t6y7u8i9o0p1a2s3d4f5g6h}", pool.client_id)
    selector = selector.replace("[notes/write]", f"[{ADMIN}]")
    selector = selector.replace(
        "  - select: GET /notes/**",
        "  - select: DELETE /notes/*\n    authorizer: NotesUsers\n    scopes: [notes/admin]\n"
        "  - select: GET /notes/**",
    )
    (folder / "selector.yaml").write_text(selector)
    with in_process(
        folder / "api.yaml", folder / "selector.yaml", endpoint_url=pool.url, options=Options()
    ) as server:
        yield server


def test_an_unknown_route_is_404_not_found(served: InProcess) -> None:
    reply = served.get("/nothing/here")
    assert reply.status == 404
    assert reply.json == {"message": "Not Found"}


def test_no_token_is_401_with_a_bearer_challenge(served: InProcess) -> None:
    reply = served.get("/notes")
    assert reply.status == 401
    assert reply.json == {"message": "Unauthorized"}
    assert reply.headers["www-authenticate"] == "Bearer"


def test_a_refused_token_is_401_invalid_token(served: InProcess, moto_url: str) -> None:
    other = make_pool(moto_url).tokens()["id"]
    reply = served.get("/notes", other)
    assert reply.status == 401
    assert reply.headers["www-authenticate"] == 'Bearer scope="" error="invalid_token"'
    assert any("is not the authorizer's issuer" in line for line in served.lines)


def test_id_and_access_tokens_both_pass_a_route_without_scopes(
    served: InProcess, tokens: dict[str, str]
) -> None:
    for kind in ("id", "access"):
        reply = served.get("/notes", f"Bearer {tokens[kind]}")
        assert reply.status == 200, (kind, reply.body)
        assert reply.json["path"] == "/backend"


def test_scopes_a_token_lacks_are_403_forbidden(served: InProcess, tokens: dict[str, str]) -> None:
    assert call(served.url + "/notes", "POST", {"Authorization": tokens["access"]}, b"{}").status == 200
    reply = call(served.url + "/notes/n1", "DELETE", {"Authorization": tokens["access"]})
    assert reply.status == 403
    assert reply.json == {"message": "Forbidden"}
    assert "www-authenticate" not in reply.headers


def test_a_public_route_needs_no_token(served: InProcess) -> None:
    assert served.get("/health").status == 200


def test_cors_preflight_and_headers_come_from_the_document(served: InProcess, tokens: dict[str, str]) -> None:
    preflight = call(
        served.url + "/notes",
        "OPTIONS",
        {
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert preflight.status == 204
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    assert preflight.headers["access-control-allow-methods"] == "GET,POST,DELETE"
    assert preflight.headers["access-control-allow-headers"] == "authorization,content-type"
    assert preflight.headers["access-control-max-age"] == "600"
    refused = served.get("/notes", Origin=ORIGIN)
    assert refused.status == 401
    assert refused.headers["access-control-allow-origin"] == ORIGIN
    elsewhere = served.get("/notes", tokens["id"], Origin="https://evil.example.com")
    assert elsewhere.status == 200
    assert "access-control-allow-origin" not in elsewhere.headers


def test_the_default_route_takes_what_no_route_matches(
    pool: Pool, backend: Recorder, tmp_path: Path, tokens: dict[str, str]
) -> None:
    folder = tmp_path
    text = SPEC.read_text().replace(
        "paths:\n",
        f"""paths:
  /$default:
    x-amazon-apigateway-any-method:
      isDefaultRoute: true
      responses:
        default:
          description: anything else
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: ANY
        uri: {backend.url}/fallback
        payloadFormatVersion: '1.0'
""",
        1,
    )
    (folder / "api.yaml").write_text(text)
    selector = (ROOT / "specs" / "securenotes-http.selector.yaml").read_text()
    selector = selector.replace("${SECURENOTES_USER_POOL:-us-east-1_AbCdEfGhI}", pool.id)
    selector = selector.replace("${SECURENOTES_APP_CLIENT:-4r5t6y7u8i9o0p1a2s3d4f5g6h}", pool.client_id)
    selector = selector.replace("default: deny", "default: NotesUsers")
    (folder / "selector.yaml").write_text(selector)
    with in_process(folder / "api.yaml", folder / "selector.yaml", endpoint_url=pool.url) as server:
        assert server.get("/anything/else").status == 401, "the $default route has the default's authorizer"
        reply = server.get("/anything/else", tokens["id"])
        assert reply.status == 200
        assert reply.json["path"] == "/fallback"


def test_a_lambda_route_gets_the_payload_2_event_and_its_reply_shapes(
    pool: Pool, tmp_path: Path, tokens: dict[str, str]
) -> None:
    """SecureNotes as written: Lambda proxy integrations with payloadFormatVersion 2.0."""
    replies = iter(
        [{"hello": "world"}, {"statusCode": 201, "headers": {"x-a": "1"}, "cookies": ["c=1"], "body": "ok"}]
    )
    with LambdaStandIn(lambda _event: next(replies)).running() as function:
        selector = (ROOT / "specs" / "securenotes-http.selector.yaml").read_text()
        selector = selector.replace("${SECURENOTES_USER_POOL:-us-east-1_AbCdEfGhI}", pool.id)
        selector = selector.replace("${SECURENOTES_APP_CLIENT:-4r5t6y7u8i9o0p1a2s3d4f5g6h}", pool.client_id)
        selector = selector.replace("[notes/write]", f"[{ADMIN}]")
        (tmp_path / "selector.yaml").write_text(selector)
        options = Options(lambda_url=function.url)
        with in_process(SPEC, tmp_path / "selector.yaml", endpoint_url=pool.url, options=options) as server:
            plain = server.get("/notes?a=1&a=2", tokens["access"])
            created = call(server.url + "/notes", "POST", {"Authorization": tokens["access"]}, b'{"n": 1}')
    assert (plain.status, plain.json, plain.headers["content-type"]) == (
        200,
        {"hello": "world"},
        "application/json",
    )
    assert created.status == 201
    assert created.body == b"ok"
    assert created.headers["set-cookie"] == "c=1"
    first, second = (seen["event"] for seen in function.seen)
    assert first["version"] == "2.0"
    assert first["routeKey"] == "GET /notes"
    assert first["rawQueryString"] == "a=1&a=2"
    assert first["queryStringParameters"] == {"a": "1,2"}
    assert first["requestContext"]["authorizer"]["jwt"]["claims"]["client_id"] == pool.client_id
    assert first["requestContext"]["authorizer"]["jwt"]["scopes"] is None
    assert second["requestContext"]["authorizer"]["jwt"]["scopes"] == [ADMIN]
    assert second["body"] == '{"n": 1}'
