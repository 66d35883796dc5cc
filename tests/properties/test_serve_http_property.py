"""`serve` answers an HTTP API's requests as an independent model of AWS's JWT authorizer rules says.

Generated documents (literal, `{id}` and greedy paths; GET, POST and ANY routes with HTTP proxy
integrations to a recording backend), selectors (a `type: jwt` authorizer whose audience has the pool's
app client or not; routes secured with or without scopes, or public) and requests (a route of the document
or another path; no token, garbage, a tampered one, another pool's, moto's ID and access tokens). The model
reads the *secured document* as HTTP API import would (operation `security`, the scheme's
`jwtConfiguration`) and decodes the claims by hand: no route 404; public 200; a token missing, malformed,
forged, of another issuer or audience, or expired 401; one lacking only the route's scopes 403; else 200.
Routing follows the REST property's model (`model_route`, tests/support/serve_model.py), which HTTP APIs
share: the most specific route wins, ANY covers the rest.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from apigw_cognito.app.pipeline import load_selector_file, load_spec, run_apply
from apigw_cognito.serving.served_api import Sources, build
from tests.support.cognito import Pool, claims_of, make_pool, token_kinds
from tests.support.serve_model import concrete, model_route
from tests.support.serving import InProcess, Recorder, call, in_process, write_inputs

ADMIN = "aws.cognito.signin.user.admin"
CUSTOM = "notes/write"
PATHS = ["/n", "/n/{id}", "/n/b", "/{proxy+}"]
METHODS = ["get", "post", "x-amazon-apigateway-any-method"]
# moto's own tokens most often, and an audience without the pool's client as often as with: they reach
# the audience and scope checks.
TOKENS = ["none", "garbage", "tampered", "other", "id", "id", "access", "access", "access"]


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for path in draw(st.lists(st.sampled_from(PATHS), min_size=1, max_size=3, unique=True)):
        item: dict[str, Any] = {}
        for method in draw(st.lists(st.sampled_from(METHODS), min_size=1, max_size=2, unique=True)):
            op: dict[str, Any] = {"responses": {"200": {"description": "ok"}}}
            names = re.findall(r"\{([^}]+)\}", path)
            if names:
                op["parameters"] = [
                    {"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in names
                ]
            item[method] = op
        paths[path] = item
    operations = [(m, p) for p, item in paths.items() for m in item]
    rules = []
    for method, path in operations:
        shown = "ANY" if method.startswith("x-") else method.upper()
        rule: dict[str, Any] = {"select": f"{shown} {path}"}
        if draw(st.integers(0, 3)):
            rule["authorizer"] = "Users"
            scopes = draw(st.sampled_from([[], [], [ADMIN], [CUSTOM], [CUSTOM, ADMIN]]))
            if scopes:
                rule["scopes"] = scopes
        else:
            rule["public"] = True
        rules.append(rule)
    target_method, target = draw(st.sampled_from(operations))
    request_path = concrete(target)
    request_method = "GET" if target_method.startswith("x-") else target_method.upper()
    if draw(st.integers(0, 3)) == 0:
        request_path = draw(st.sampled_from([*(concrete(p) for p in paths), "/zzz", "/n/b/c"]))
        request_method = draw(st.sampled_from(["GET", "POST", "DELETE"]))
    return {
        "paths": paths,
        "rules": rules,
        "audience": draw(st.sampled_from(["mine", "both", "other", "other"])),
        "method": request_method,
        "path": request_path,
        "token": draw(st.sampled_from(TOKENS)),
    }


def model_status(secured: Mapping[str, Any], case: Mapping[str, Any], tokens: Mapping[str, str]) -> int:
    operation = model_route(secured["paths"], case["method"], case["path"])
    if operation is None:
        return 404
    requirement = (operation.get("security") or [{}])[0]
    if not requirement:
        return 200
    ((name, scopes),) = requirement.items()
    config = secured["components"]["securitySchemes"][name]["x-amazon-apigateway-authorizer"][
        "jwtConfiguration"
    ]
    if case["token"] in ("none", "garbage", "tampered"):
        return 401  # absent, not a JWT, or a signature that does not match
    claims = claims_of(tokens[case["token"]])
    audience = claims["aud"] if "aud" in claims else claims.get("client_id")
    if (
        claims["iss"] != config["issuer"]
        or audience not in config["audience"]
        or claims["exp"] <= time.time()
    ):
        return 401
    if scopes and not set(claims.get("scope", "").split()) & set(scopes):
        return 403
    return 200


@pytest.fixture(scope="module")
def setting(moto_url: str) -> Iterator[tuple[Pool, dict[str, str], InProcess, Path, Recorder]]:
    mine, other = make_pool(moto_url), make_pool(moto_url)
    tokens = token_kinds(mine, other, {"email": "admin@example.com"})
    with Recorder().running() as backend, tempfile.TemporaryDirectory() as folder:
        first = {
            "paths": {"/n": {"get": {"responses": {"200": {"description": "ok"}}}}},
            "rules": [{"select": "* /**", "public": True}],
        }
        spec, selector = write_case(Path(folder), mine, backend, first | {"audience": "mine"})
        with in_process(spec, selector, endpoint_url=moto_url) as server:
            yield mine, tokens, server, Path(folder), backend


def write_case(folder: Path, pool: Pool, backend: Recorder, case: Mapping[str, Any]) -> tuple[Path, Path]:
    integration = {
        "type": "http_proxy",
        "httpMethod": "ANY",
        "uri": f"{backend.url}/x",
        "payloadFormatVersion": "1.0",
    }
    paths = {
        path: {method: {**op, "x-amazon-apigateway-integration": integration} for method, op in item.items()}
        for path, item in case["paths"].items()
    }
    document = {"openapi": "3.0.1", "info": {"title": "Generated", "version": "1"}, "paths": paths}
    audience = {"mine": [pool.client_id], "both": [pool.client_id, "otherclient"], "other": ["otherclient"]}
    authorizer = {"type": "jwt", "user_pools": [pool.id], "audience": audience[case["audience"]]}
    selector = {"version": 1, "authorizers": {"Users": authorizer}, "rules": case["rules"], "default": "deny"}
    return write_inputs(folder, document, selector)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=cases())
def test_serve_answers_http_api_requests_as_the_model_says(
    setting: tuple[Pool, dict[str, str], InProcess, Path, Recorder], case: dict[str, Any]
) -> None:
    pool, tokens, server, folder, backend = setting
    spec, selector = write_case(folder, pool, backend, case)
    server.gateway.swap(build(Sources(str(spec), str(selector))))
    secured = run_apply(load_spec(str(spec)), load_selector_file(str(selector)), validate=False).data
    headers = {} if case["token"] == "none" else {"Authorization": tokens[case["token"]]}
    status = call(server.url + case["path"], case["method"], headers).status
    event(f"status {status}")
    assert status == model_status(secured, case, tokens), (case, server.lines[-1:])
