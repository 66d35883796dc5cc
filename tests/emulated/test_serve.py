"""`serve` against moto's Cognito with real tokens: each step of API Gateway's order, every gateway response
it gives, the integrations, and the bad inputs that must never stop it.

The server is the real one (aiohttp on a loopback port, in a thread of the test, or the command in its own
process where the command line itself is tested). Tokens are moto's (ID and access, another pool's, one
with a tampered claim, and valid ones judged at a clock two hours ahead for expiry); their signatures are
checked against the keys moto serves. moto's access tokens carry only `aws.cognito.signin.user.admin`.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from apigw_cognito.cli.main import app
from apigw_cognito.serving.gateway import Options
from tests.support.cognito import Pool, make_pool, token_kinds
from tests.support.paths import ROOT
from tests.support.serving import (
    Command,
    InProcess,
    LambdaStandIn,
    Recorder,
    call,
    free_port,
    in_process,
)

ADMIN = "aws.cognito.signin.user.admin"
PURCHASE = "https://pets.example.com/purchase"

SPEC = """openapi: 3.0.3
info: {title: ServedPets, version: '1'}
paths:
  /pets:
    options:
      responses: {'200': {description: preflight}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses:
          default:
            statusCode: '200'
            responseParameters:
              method.response.header.Access-Control-Allow-Origin: "'*'"
              method.response.header.Access-Control-Allow-Methods: "'GET,POST,OPTIONS'"
              method.response.header.Access-Control-Allow-Headers: "'Content-Type,Authorization'"
    get:
      responses: {'200': {description: pets}}
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: http://petstore.example.com/petstore/pets
        requestParameters:
          integration.request.header.x-user-sub: context.authorizer.claims.sub
          integration.request.header.x-user-email: context.authorizer.claims.email
    post:
      responses: {'200': {description: created}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 201}'}
        responses:
          '2\\d{2}':
            statusCode: '201'
            responseTemplates: {application/json: '{"created": true, "sub": "$context.authorizer.claims.sub"}'}
  /pets/{petId}:
    get:
      parameters: [{name: petId, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: one}}
      x-amazon-apigateway-integration:
        type: http
        httpMethod: GET
        uri: http://petstore.example.com/petstore/pets/{id}
        requestParameters:
          integration.request.path.id: method.request.path.petId
        responses:
          default:
            statusCode: '200'
            responseParameters:
              method.response.header.X-Backend: integration.response.header.X-Backend
  /pets/special:
    get:
      responses: {'200': {description: literal}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses: {default: {statusCode: '200', responseTemplates: {application/json: '{"literal": true}'}}}
  /purchase:
    post:
      responses: {'200': {description: order}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses: {default: {statusCode: '200'}}
  /stats:
    get:
      security: [{api_key: []}]
      responses: {'200': {description: stats}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses: {default: {statusCode: '200'}}
  /files/{proxy+}:
    x-amazon-apigateway-any-method:
      parameters: [{name: proxy, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: any}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses: {default: {statusCode: '200', responseTemplates: {application/json: '{"any": true}'}}}
    delete:
      parameters: [{name: proxy+, in: path, required: true, schema: {type: string}}]
      responses: {'204': {description: gone}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 204}'}
        responses: {default: {statusCode: '204'}}
  /fn:
    post:
      responses: {'200': {description: lambda}}
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:fn/invocations
  /slow:
    get:
      responses: {'200': {description: slow}}
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: http://petstore.example.com/slow
  /sqs:
    get:
      responses: {'200': {description: aws}}
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:sqs:path/123456789012/queue
components:
  securitySchemes:
    api_key: {type: apiKey, name: x-api-key, in: header}
"""  # noqa: E501  (the document reads best with its long lines)

SELECTOR = """version: 1
authorizers:
  Pets:
    user_pools: [{pool}]
rules:
  - select: GET /pets
    authorizer: Pets
  - select: POST /pets
    authorizer: Pets
    scopes: [{admin}]
  - select: POST /purchase
    authorizer: Pets
    scopes: [{purchase}]
  - select: GET /stats
    authorizer: Pets
    api_key: required
  - select: POST /fn
    authorizer: Pets
  - select: '* /**'
    public: true
default: deny
cors_preflight: public
gateway_responses:
  cors: auto
"""


@pytest.fixture(scope="module")
def pools(moto_url: str) -> tuple[Pool, Pool]:
    return make_pool(moto_url), make_pool(moto_url)


@pytest.fixture(scope="module")
def tokens(pools: tuple[Pool, Pool]) -> dict[str, str]:
    return token_kinds(*pools, {"cognito:groups": ["admin"]})


def write_files(folder: Path, pool: Pool, selector: str = SELECTOR, spec: str = SPEC) -> tuple[Path, Path]:
    (folder / "api.yaml").write_text(spec)
    (folder / "selector.yaml").write_text(
        selector.replace("{pool}", pool.arn).replace("{admin}", ADMIN).replace("{purchase}", PURCHASE)
    )
    return folder / "api.yaml", folder / "selector.yaml"


@pytest.fixture(scope="module")
def backend() -> Iterator[Recorder]:
    with Recorder(delay=3).running() as recorder:
        yield recorder


@pytest.fixture(scope="module")
def lambda_fn() -> Iterator[LambdaStandIn]:
    def reply(event: dict[str, Any]) -> Any:
        if event["path"] == "/fn" and event["body"] == "malformed":
            return b"not json"
        return {"statusCode": 200, "headers": {"X-Fn": "yes"}, "body": json.dumps({"seen": True})}

    with LambdaStandIn(reply).running() as stand_in:
        yield stand_in  # type: ignore[misc]


@pytest.fixture(scope="module")
def served(
    pools: tuple[Pool, Pool],
    backend: Recorder,
    lambda_fn: LambdaStandIn,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[InProcess]:
    spec, selector = write_files(tmp_path_factory.mktemp("served"), pools[0])
    options = Options(("key-1",), backend.url, lambda_fn.url, "dev", integration_timeout=1.0)
    with in_process(spec, selector, endpoint_url=pools[0].url, options=options) as server:
        yield server


def last_line(server: InProcess) -> str:
    return server.lines[-1]


# --- 1. Route -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/nothing"), ("DELETE", "/pets"), ("GET", "/purchase"), ("GET", "/files")]
)
def test_a_path_or_method_the_document_lacks(served: InProcess, method: str, path: str) -> None:
    reply = call(served.url + path, method)
    assert reply.status == 403
    assert reply.json == {"message": "Missing Authentication Token"}
    assert reply.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"
    assert reply.headers["access-control-allow-origin"] == "*", "cors: auto covers DEFAULT_4XX"
    assert f"{method} {path} 403 no route MISSING_AUTHENTICATION_TOKEN" in last_line(served)


def test_literal_segments_win_and_greedy_paths_take_the_rest(served: InProcess) -> None:
    assert served.get("/pets/special").json == {"literal": True}
    assert served.get("/files/a/b/c.txt").json == {"any": True}
    assert call(served.url + "/files/a/b", "PATCH").json == {"any": True}, "ANY covers PATCH"
    assert call(served.url + "/files/a/b", "DELETE").status == 204, "the resource's own method wins"
    assert served.get("/pets/special/").json == {"literal": True}, "a trailing slash is ignored"


# --- 2. Cognito authorizer --------------------------------------------------------------------------


def test_an_id_token_on_a_method_without_scopes(
    served: InProcess, tokens: dict[str, str], backend: Recorder
) -> None:
    reply = served.get("/pets", tokens["id"])
    assert reply.status == 200, reply.body
    assert tokens["id"] not in " ".join(served.lines), "a token never appears in a log"
    assert "GET /pets 200 rule 1 (authorizer Pets)" in last_line(served)
    assert served.get("/pets", "Bearer " + tokens["id"]).status == 200, "a Bearer prefix is accepted"


@pytest.mark.parametrize(
    ("name", "method", "path", "reason"),
    [
        (None, "GET", "/pets", "the request has no token in the Authorization header"),
        ("garbage", "GET", "/pets", "the token is not a JWT"),
        ("tampered", "GET", "/pets", "its signature does not match the pool's key"),
        ("other", "GET", "/pets", "is not one of authorizer Pets's user pools"),
        ("access", "GET", "/pets", "it is an access token, but the method has no scopes"),
        ("id", "POST", "/pets", "it is an ID token, but the method has scopes"),
        ("access", "POST", "/purchase", "it carries none of the scopes the method needs"),
    ],
)
def test_each_refusal_of_the_authorizer_is_a_401_with_explains_reason(
    served: InProcess, tokens: dict[str, str], name: str | None, method: str, path: str, reason: str
) -> None:
    headers = {"Authorization": tokens.get(name or "", name or "")} if name else {}
    reply = call(served.url + path, method, headers)
    assert reply.status == 401
    assert reply.json == {"message": "Unauthorized"}
    assert reply.headers["access-control-allow-origin"] == "*", "cors: auto"
    assert reply.headers["x-amzn-errortype"] == "UnauthorizedException"
    assert reason in last_line(served)
    assert "UNAUTHORIZED" in last_line(served)


def test_an_access_token_with_the_scope_it_carries(served: InProcess, tokens: dict[str, str]) -> None:
    reply = call(served.url + "/pets", "POST", {"Authorization": tokens["access"]})
    assert reply.status == 201
    assert reply.json["created"] is True


def test_an_expired_token_gets_api_gateways_own_message(
    pools: tuple[Pool, Pool], tokens: dict[str, str], tmp_path: Path
) -> None:
    spec, selector = write_files(tmp_path, pools[0])
    later = lambda: time.time() + 7200  # noqa: E731  (moto's tokens live an hour)
    with in_process(spec, selector, endpoint_url=pools[0].url, clock=later) as server:
        reply = server.get("/pets", tokens["id"])
    assert reply.status == 401
    assert reply.json == {"message": "The incoming token has expired"}
    assert "it expired at" in server.lines[-1]


def test_a_client_regex_that_does_not_match(
    pools: tuple[Pool, Pool], tokens: dict[str, str], tmp_path: Path
) -> None:
    selector = SELECTOR.replace(
        "user_pools: [{pool}]", "user_pools: [{pool}]\n    app_client_id_regex: '^x$'"
    )
    spec, selector_path = write_files(tmp_path, pools[0], selector)
    with in_process(spec, selector_path, endpoint_url=pools[0].url) as server:
        reply = server.get("/pets", tokens["id"])
    assert reply.status == 401
    assert "does not match the authorizer's app_client_id_regex" in server.lines[-1]


def test_decisions_are_cached_for_the_ttl(served: InProcess, tokens: dict[str, str]) -> None:
    served.get("/pets", tokens["other"])
    served.get("/pets", tokens["other"])
    cached = [k for k in served.gateway._cache if k[0] == tokens["other"]]
    assert len(cached) == 1, "one decision per token and method, reused"
    assert last_line(served).startswith(
        "GET /pets 401 rule 1 (authorizer Pets) UNAUTHORIZED, decision cached: "
    )


def test_a_ttl_of_zero_caches_nothing(
    pools: tuple[Pool, Pool], tokens: dict[str, str], tmp_path: Path
) -> None:
    selector = SELECTOR.replace("user_pools: [{pool}]", "user_pools: [{pool}]\n    result_ttl_seconds: 0")
    spec, selector_path = write_files(tmp_path, pools[0], selector)
    with in_process(spec, selector_path, endpoint_url=pools[0].url) as server:
        assert server.get("/pets", tokens["other"]).status == 401
        assert not server.gateway._cache


def test_keys_that_cannot_be_fetched_are_a_500_and_serving_goes_on(
    pools: tuple[Pool, Pool], tokens: dict[str, str], tmp_path: Path
) -> None:
    spec, selector = write_files(tmp_path, pools[0])
    closed = f"http://127.0.0.1:{free_port()}/jwks.json"
    with in_process(spec, selector, jwks_url=closed) as server:
        reply = server.get("/pets", tokens["id"])
        assert reply.status == 500
        assert reply.json == {"message": "Internal server error"}
        assert "AUTHORIZER_CONFIGURATION_ERROR" in server.lines[-1]
        assert "cannot reach it" in server.lines[-1]
        assert server.get("/pets/special").status == 200


# --- 3. API key -----------------------------------------------------------------------------------


def test_the_api_key_is_checked_after_the_authorizer(served: InProcess, tokens: dict[str, str]) -> None:
    assert served.get("/stats").status == 401, "neither token nor key: the authorizer answers first"
    wrong = served.get("/stats", tokens["id"], **{"x-api-key": "nope"})
    assert (wrong.status, wrong.json) == (403, {"message": "Forbidden"})
    assert "INVALID_API_KEY" in last_line(served)
    assert served.get("/stats", tokens["id"]).status == 403
    assert served.get("/stats", tokens["id"], **{"x-api-key": "key-1"}).status == 200


# --- 4. Gateway responses ---------------------------------------------------------------------------


def test_declared_gateway_responses_shape_the_rejection(
    pools: tuple[Pool, Pool], tokens: dict[str, str], tmp_path: Path
) -> None:
    responses = """x-amazon-apigateway-gateway-responses:
  UNAUTHORIZED:
    statusCode: '419'
    responseParameters:
      gatewayresponse.header.X-Origin: method.request.header.Origin
    responseTemplates:
      application/json: '{"error": $context.error.messageString, "raw": "$context.error.message", "type": "$context.error.responseType"}'
  DEFAULT_4XX:
    responseParameters:
      gatewayresponse.header.X-Default: "'4xx'"
"""  # noqa: E501
    selector = SELECTOR.replace("gateway_responses:\n  cors: auto\n", "")
    spec, selector_path = write_files(tmp_path, pools[0], selector, SPEC + responses)
    with in_process(spec, selector_path, endpoint_url=pools[0].url) as server:
        refused = server.get("/pets", Origin="https://app.example.com")
        missing = server.get("/nothing")
    assert refused.status == 419
    assert refused.json == {"error": "Unauthorized", "raw": "Unauthorized", "type": "UNAUTHORIZED"}
    assert refused.headers["x-origin"] == "https://app.example.com"
    assert "x-default" not in refused.headers, "a declared type does not inherit DEFAULT_4XX"
    assert missing.status == 403
    assert missing.headers["x-default"] == "4xx", "an undeclared type takes DEFAULT_4XX"
    assert "access-control-allow-origin" not in missing.headers


def test_a_body_over_10_mb_is_a_413(served: InProcess) -> None:
    reply = call(
        served.url + "/pets", "POST", {"Content-Type": "application/octet-stream"}, b"x" * 10_485_761
    )
    assert reply.status == 413
    assert reply.json == {"message": "Request Too Long"}
    assert served.get("/pets/special").status == 200


# --- 5. Integrations --------------------------------------------------------------------------------


def test_http_proxy_passes_the_claims_as_the_document_maps_them(
    served: InProcess, tokens: dict[str, str], backend: Recorder
) -> None:
    reply = served.get("/pets?type=dog", tokens["id"])
    assert reply.status == 200
    seen = reply.json
    claims = json.loads(base64.urlsafe_b64decode(tokens["id"].split(".")[1] + "=="))
    assert seen["path"] == "/petstore/pets?type=dog"
    assert seen["headers"]["x-user-sub"] == claims["sub"]
    assert seen["headers"]["authorization"] == tokens["id"], "a proxy passes the client's headers"
    assert seen["headers"]["host"] == backend.url.removeprefix("http://"), "Host is the backend's"
    assert reply.headers["x-backend"] == "recorder"


def test_http_maps_the_path_and_the_integration_response(served: InProcess, backend: Recorder) -> None:
    reply = served.get("/pets/42")
    assert reply.status == 200
    assert reply.json["path"] == "/petstore/pets/42"
    assert reply.headers["x-backend"] == "recorder"


def test_mock_renders_the_claims_in_its_template(served: InProcess, tokens: dict[str, str]) -> None:
    reply = call(served.url + "/pets", "POST", {"Authorization": tokens["access"]})
    claims = json.loads(base64.urlsafe_b64decode(tokens["access"].split(".")[1] + "=="))
    assert reply.json == {"created": True, "sub": claims["sub"]}


def test_a_preflight_answers_with_its_cors_headers(served: InProcess) -> None:
    reply = call(served.url + "/pets", "OPTIONS")
    assert reply.status == 200
    assert reply.headers["access-control-allow-methods"] == "GET,POST,OPTIONS"


def test_a_lambda_proxy_event_carries_the_claims(
    served: InProcess, tokens: dict[str, str], lambda_fn: LambdaStandIn
) -> None:
    reply = call(served.url + "/fn?a=1", "POST", {"Authorization": tokens["id"]}, b'{"x": 1}')
    assert reply.status == 200, reply.body
    assert reply.headers["x-fn"] == "yes"
    event = lambda_fn.seen[-1]["event"]
    claims = event["requestContext"]["authorizer"]["claims"]
    assert claims["token_use"] == "id"
    assert all(isinstance(v, str) for v in claims.values())
    assert re.fullmatch(r"[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}", claims["exp"])
    assert event["resource"] == "/fn"
    assert event["requestContext"]["stage"] == "dev"
    assert event["queryStringParameters"] == {"a": "1"}
    assert event["body"] == '{"x": 1}'


def test_a_malformed_lambda_reply_is_a_502(served: InProcess, tokens: dict[str, str]) -> None:
    reply = call(served.url + "/fn", "POST", {"Authorization": tokens["id"]}, b"malformed")
    assert reply.status == 502
    assert reply.json == {"message": "Internal server error"}
    assert "malformed Lambda proxy response" in last_line(served)


def test_without_lambda_a_502_names_the_option(
    pools: tuple[Pool, Pool], tokens: dict[str, str], tmp_path: Path
) -> None:
    spec, selector = write_files(tmp_path, pools[0])
    with in_process(spec, selector, endpoint_url=pools[0].url) as server:
        reply = call(server.url + "/fn", "POST", {"Authorization": tokens["id"]})
    assert reply.status == 502
    assert "--lambda" in server.lines[-1]


def test_a_backend_too_slow_or_unreachable(
    pools: tuple[Pool, Pool], served: InProcess, tmp_path: Path
) -> None:
    slow = served.get("/slow")
    assert (slow.status, slow.json) == (504, {"message": "Endpoint request timed out"})
    assert "INTEGRATION_TIMEOUT" in last_line(served)
    spec, selector = write_files(tmp_path, pools[0])
    options = Options(upstream=f"http://127.0.0.1:{free_port()}")
    with in_process(spec, selector, endpoint_url=pools[0].url, options=options) as server:
        reply = server.get("/pets/1")
    assert reply.status == 504
    assert "INTEGRATION_FAILURE" in server.lines[-1]


def test_an_unsupported_integration_is_a_500_that_says_so(served: InProcess) -> None:
    reply = served.get("/sqs")
    assert reply.status == 500
    assert "serve does not run 'aws' integrations" in last_line(served)


# --- Bad inputs -------------------------------------------------------------------------------------


def raw_exchange(url: str, data: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(data)
        return conn.recv(4096)


def test_malformed_http_and_huge_headers_never_stop_it(served: InProcess) -> None:
    assert b" 400 " in raw_exchange(served.url, b"NOT HTTP AT ALL\r\n\r\n").split(b"\r\n")[0]
    huge = b"GET /pets/special HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n"
    assert b" 400 " in raw_exchange(served.url, huge).split(b"\r\n")[0]
    assert any(line.startswith("refused a malformed request") for line in served.lines)
    assert served.get("/pets/special").status == 200


def test_the_command_serves_reloads_and_stops(
    pools: tuple[Pool, Pool], tokens: dict[str, str], tmp_path: Path
) -> None:
    spec, selector = write_files(tmp_path, pools[0])
    port = free_port()
    closed = f"http://127.0.0.1:{free_port()}"
    command = Command(
        [
            str(spec),
            "-s",
            str(selector),
            "--port",
            str(port),
            "--endpoint-url",
            pools[0].url,
            "--upstream",
            closed,
        ]
    )
    try:
        command.wait_for(f"serving {spec} on http://127.0.0.1:{port}")
        url = f"http://127.0.0.1:{port}"
        assert call(url + "/pets").status == 401
        command.wait_for("GET /pets 401 rule 1 (authorizer Pets) UNAUTHORIZED")
        # a broken selector: the last good version keeps serving
        good = selector.read_text()
        selector.write_text(good + "rules: [\n")
        command.wait_for("reload failed, still serving the last good version")
        assert call(url + "/pets").status == 401
        # GET /pets made public: served at once
        selector.write_text(good.replace("  - select: GET /pets\n    authorizer: Pets\n", ""))
        command.wait_for("reloaded")
        assert call(url + "/pets").status == 504, "let through now: the backend (--upstream) is down"
        # a second server on the same port: one line, exit 2
        second = Command([str(spec), "-s", str(selector), "--port", str(port)])
        second.process.wait()
        assert second.stop() == 2
        assert second.lines == [f"error: cannot listen on 127.0.0.1:{port}: the port is in use"], second.lines
    finally:
        code = command.stop()
    assert code == 0
    assert command.lines[-1] == "stopped"
    assert tokens["id"] not in "\n".join(command.lines)


def test_a_document_that_cannot_be_imported_stops_before_serving(
    tmp_path: Path, pools: tuple[Pool, Pool]
) -> None:
    spec, selector = write_files(
        tmp_path, pools[0], SELECTOR.replace("  - select: '* /**'\n    public: true\n", "")
    )
    command = Command([str(spec), "-s", str(selector), "--port", str(free_port())])
    command.process.wait()
    assert command.stop() == 1
    assert any("no rule" in line or "deny" in line for line in command.lines), command.lines
    assert not any(line.startswith("serving") for line in command.lines)


def test_a_configured_api_by_name(pools: tuple[Pool, Pool], tmp_path: Path) -> None:
    spec, selector = write_files(tmp_path, pools[0])
    config = tmp_path / "apigw-cognito.toml"
    config.write_text(
        f'[[apis]]\nname = "pets"\nspec = "{spec}"\nselector = "{selector}"\n'
        f'[[apis]]\nname = "other"\nspec = "{spec}"\nselector = "{selector}"\n'
    )
    port = free_port()
    command = Command(["--config", str(config), "--api", "pets", "--port", str(port)])
    try:
        command.wait_for(f"serving {spec} on http://127.0.0.1:{port}")
        assert call(f"http://127.0.0.1:{port}/pets/special").status == 200
    finally:
        assert command.stop() == 0
    both = Command(["--config", str(config)])
    both.process.wait()
    assert both.stop() == 2
    assert both.lines[0] == "error: serve runs one API: name it with --api", both.lines


def test_a_change_to_a_referenced_file_reloads(tmp_path: Path) -> None:
    """A split document: editing a path item's own file reloads, and the change is served."""
    shutil.copytree(ROOT / "specs" / "split" / "securepets", tmp_path / "api")
    selector = tmp_path / "selector.yaml"
    selector.write_text((ROOT / "specs" / "securepets.selector.yaml").read_text())
    pet = tmp_path / "api" / "paths" / "pet.yaml"
    options = Options(upstream=f"http://127.0.0.1:{free_port()}")  # a backend that is down: 504
    with in_process(tmp_path / "api" / "openapi.yaml", selector, options=options) as server:
        assert str(pet) in server.gateway.api.files
        assert server.get("/pets/1").status == 504, "public: let through to the backend"
        pet.write_text(pet.read_text().replace("get:\n", "delete:\n", 1))
        selector.write_text(selector.read_text().replace("GET /pets/{petId}", "DELETE /pets/{petId}"))
        while not any(line.startswith("reloaded") for line in server.lines):
            time.sleep(0.1)
        assert server.get("/pets/1").status == 403, "GET /pets/{petId} is gone: no route"


def test_a_selector_error_stops_it_as_apply_would(tmp_path: Path) -> None:
    selector = tmp_path / "selector.yaml"
    selector.write_text("version: 1\nrules:\n  - select: PURCHASE /pets\n    public: true\n")
    result = CliRunner().invoke(app, ["serve", str(ROOT / "specs" / "securepets.yaml"), "-s", str(selector)])
    applied = CliRunner().invoke(app, ["apply", str(ROOT / "specs" / "securepets.yaml"), "-s", str(selector)])
    assert result.exit_code == applied.exit_code == 2
    assert result.stderr == applied.stderr
    assert "PURCHASE is not an HTTP method" in result.stderr


def test_a_deploy_time_pool_is_refused_before_serving_as_explain_refuses_it() -> None:
    """No token's issuer can match a pool only the deployment names: serve would answer 401 to all."""
    spec, selector = ROOT / "specs" / "securepets.yaml", ROOT / "specs" / "securepets.stack.selector.yaml"
    served = CliRunner().invoke(app, ["serve", str(spec), "-s", str(selector), "--port", str(free_port())])
    part = lambda value: base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")  # noqa: E731
    token = f"{part({'alg': 'RS256'})}.{part({'token_use': 'id'})}.c2ln"
    explained = CliRunner().invoke(
        app, ["explain", str(spec), "-s", str(selector), "GET /pets", "--token", token, "--offline"]
    )
    assert served.exit_code == explained.exit_code == 2
    assert not served.stdout
    place = f"error: {selector}:10:9: authorizer 'SecurePetsPool': user pool {{Fn::GetAtt: [UserPool, Arn]}}"
    assert served.stderr.startswith(place), served.stderr
    assert "so serve cannot judge a token against it" in served.stderr
    assert "hint: give serve a selector that names the pool by ARN or id (${VAR}" in served.stderr
    assert served.stderr.replace("serve", "explain").split("\n")[0] == explained.stderr.split("\n")[0]


def test_a_failure_inside_serve_costs_one_request(pools: tuple[Pool, Pool], tmp_path: Path) -> None:
    spec, selector = write_files(tmp_path, pools[0])
    with in_process(spec, selector) as server:
        original = server.gateway._integrate

        async def broken(*args: Any) -> Any:
            raise ValueError("boom")

        server.gateway._integrate = broken  # type: ignore[method-assign]
        reply = server.get("/pets/special")
        assert (reply.status, reply.json) == (500, {"message": "Internal server error"})
        assert (
            "GET /pets/special 500 serve: internal error (ValueError: boom); please report it"
            in server.lines[-1]
        )
        server.gateway._integrate = original  # type: ignore[method-assign]
        assert server.get("/pets/special").status == 200


def test_keys_from_a_file_work_offline(
    pools: tuple[Pool, Pool], tokens: dict[str, str], tmp_path: Path
) -> None:
    spec, selector = write_files(tmp_path, pools[0])
    keys = tmp_path / "jwks.json"
    keys.write_bytes(call(f"{pools[0].url}/{pools[0].id}/.well-known/jwks.json").body)
    port = free_port()
    command = Command([str(spec), "-s", str(selector), "--port", str(port), "--jwks-file", str(keys)])
    try:
        command.wait_for("serving")
        url = f"http://127.0.0.1:{port}/pets"
        assert call(url, "POST", {"Authorization": tokens["access"]}).status == 201
        assert call(url, "GET", {"Authorization": tokens["tampered"]}).status == 401
        command.wait_for("its signature does not match the pool's key")
    finally:
        assert command.stop() == 0
    keys.write_text("{}")
    broken = Command([str(spec), "-s", str(selector), "--port", str(port), "--jwks-file", str(keys)])
    broken.process.wait()
    assert broken.stop() == 2
    assert broken.lines == [f"error: {keys}: not a JSON Web Key Set (an object with a 'keys' list)"], (
        broken.lines
    )


def test_warnings_are_printed_before_serving(pools: tuple[Pool, Pool], tmp_path: Path) -> None:
    spec, selector = write_files(
        tmp_path, pools[0], SELECTOR.replace("gateway_responses:\n  cors: auto\n", "")
    )
    command = Command([str(spec), "-s", str(selector), "--port", str(free_port())])
    try:
        warning = command.wait_for("warning AGC209")
        assert command.lines.index(warning) < command.lines.index(command.wait_for("serving "))
    finally:
        assert command.stop() == 0
