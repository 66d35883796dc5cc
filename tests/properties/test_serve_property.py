"""`serve` answers as `explain` judges and as API Gateway's documented rules say.

For generated documents (paths with literal, `{id}` and greedy segments; methods with mock integrations;
an API key scheme), selectors (rules securing methods with or without scopes, public ones, API keys
required, an app client regex) and requests (a path of the document or another, any method; no token,
garbage, moto's ID and access tokens, another pool's, a tampered one; a right, wrong or missing API key),
the status `serve` answers equals
- what `explain` says of the same token for the operation (accepted, refused), with the API key after it;
- an independent model written from AWS's documentation, reading the *secured document* as API Gateway
  imports it (operation-level `security`, the scheme's `providerARNs`, scopes and
  `identityValidationExpression`, the API key scheme), routing as API Gateway does (model_route in
  tests/support/serve_model.py), and judging the
  token's claims decoded by hand (no PyJWT); a tampered or garbage token is invalid by construction.
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

from apigw_cognito.app.explaining import KeySource, check_token, explain_operation
from apigw_cognito.app.pipeline import load_selector_file, load_spec, run_apply
from apigw_cognito.basics.errors import InputError
from apigw_cognito.serving.gateway import Options
from apigw_cognito.serving.served_api import Sources, build
from tests.support.cognito import Pool, claims_of, make_pool, token_kinds
from tests.support.serve_model import concrete, model_route
from tests.support.serving import InProcess, call, in_process, write_inputs

ADMIN = "aws.cognito.signin.user.admin"
CUSTOM = "https://pets.example.com/purchase"
KEY = "key-1"
PATHS = ["/a", "/a/{id}", "/a/b", "/b", "/b/{proxy+}", "/{id}", "/{id}/b", "/{proxy+}"]
METHODS = ["get", "post", "delete", "x-amazon-apigateway-any-method"]
# moto's own tokens twice as often: they reach the scope, token use and regex checks.
TOKENS = ["none", "garbage", "tampered", "other", "id", "id", "access", "access"]
MOCK: dict[str, Any] = {
    "type": "mock",
    "requestTemplates": {"application/json": '{"statusCode": 200}'},
    "responses": {"default": {"statusCode": "200"}},
}
GET: dict[str, Any] = {"responses": {"200": {"description": "ok"}}, "x-amazon-apigateway-integration": MOCK}


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    chosen = draw(st.lists(st.sampled_from(PATHS), min_size=1, max_size=4, unique=True))
    if "/{proxy+}" not in chosen and draw(st.booleans()):  # a greedy root catches what the others miss
        chosen.append("/{proxy+}")
    for path in chosen:
        item: dict[str, Any] = {}
        for method in draw(st.lists(st.sampled_from(METHODS), min_size=1, max_size=2, unique=True)):
            op: dict[str, Any] = {
                "responses": {"200": {"description": "ok"}},
                "x-amazon-apigateway-integration": MOCK,
            }
            names = re.findall(r"\{([^}]+)\}", path)
            if names and method != "x-amazon-apigateway-any-method":
                op["parameters"] = [
                    {"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in names
                ]
            item[method] = op
        paths[path] = item
    document = {
        "openapi": "3.0.3",
        "info": {"title": "Generated", "version": "1"},
        "paths": paths,
        "components": {
            "securitySchemes": {"api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"}}
        },
    }
    operations = [(m, p) for p, item in paths.items() for m in item]
    rules = []
    for method, path in operations:
        shown = "ANY" if method == "x-amazon-apigateway-any-method" else method.upper()
        rule: dict[str, Any] = {"select": f"{shown} {path}"}
        if draw(st.integers(0, 3)):
            rule["authorizer"] = "Pool"
            scopes = draw(st.sampled_from([[], [], [ADMIN], [CUSTOM], [CUSTOM, ADMIN]]))
            if scopes:
                rule["scopes"] = scopes
        else:
            rule["public"] = True
        if draw(st.integers(0, 3)) == 0:
            rule["api_key"] = "required"
        rules.append(rule)
    rules.append({"select": "* /**", "public": True, "optional": True})
    # Mostly a method and path of the document, sometimes another.
    target_method, target = draw(st.sampled_from(operations))
    request_path = concrete(target)
    request_method = "GET" if target_method.startswith("x-") else target_method.upper()
    if draw(st.integers(0, 3)) == 0:
        others = ["/zzz", "/a/b/c", "/a/b", "/7/b"]
        request_path = draw(st.sampled_from([*(concrete(p) for p in paths), *others]))
        request_method = draw(st.sampled_from(["GET", "POST", "DELETE", "PUT"]))
    return {
        "document": document,
        "rules": rules,
        # Mostly none: a regex refuses every access token.
        "regex": draw(st.sampled_from([None, None, None, "match", "^nomatch$"])),
        "method": request_method,
        "path": request_path,
        "token": draw(st.sampled_from(TOKENS)),
        "api_key": draw(st.sampled_from([None, KEY, "wrong"])),
    }


# --- The independent model ------------------------------------------------------------------------


def model_status(
    secured: Mapping[str, Any], case: Mapping[str, Any], tokens: Mapping[str, str], now: float
) -> int:
    operation = model_route(secured["paths"], case["method"], case["path"])
    if operation is None:
        return 403  # MISSING_AUTHENTICATION_TOKEN
    schemes = secured["components"]["securitySchemes"]
    cognito, keyed = None, False
    for requirement in operation.get("security") or []:
        for name, scopes in requirement.items():
            scheme = schemes[name]
            if scheme.get("x-amazon-apigateway-authtype") == "cognito_user_pools":
                cognito = (scheme["x-amazon-apigateway-authorizer"], scopes)
            elif scheme.get("type") == "apiKey" and scheme.get("name") == "x-api-key":
                keyed = True
    if cognito is not None and not model_token_ok(cognito[0], cognito[1], case["token"], tokens, now):
        return 401  # UNAUTHORIZED
    if keyed and case["api_key"] != KEY:
        return 403  # INVALID_API_KEY
    return 200


def model_token_ok(
    authorizer: Mapping[str, Any], scopes: list[str], kind: str, tokens: Mapping[str, str], now: float
) -> bool:
    if kind in ("none", "garbage", "tampered"):
        return False  # absent, not a JWT, or a signature that does not match
    claims = claims_of(tokens[kind])
    issuers = {
        "https://cognito-idp.{}.amazonaws.com/{}".format(arn.split(":")[3], arn.rsplit("/", 1)[1])
        for arn in authorizer["providerARNs"]
    }
    if claims["iss"] not in issuers or claims["exp"] <= now:
        return False
    if scopes:
        if claims["token_use"] != "access" or not set(claims.get("scope", "").split()) & set(scopes):
            return False
    elif claims["token_use"] != "id":
        return False
    regex = authorizer.get("identityValidationExpression")
    return regex is None or (claims["token_use"] == "id" and re.fullmatch(regex, claims["aud"]) is not None)


# --- explain's verdict ----------------------------------------------------------------------------


def explain_status(
    spec_path: Path,
    selector_path: Path,
    case: Mapping[str, Any],
    tokens: Mapping[str, str],
    url: str,
    route: str | None,
) -> int:
    if route is None:
        return 403
    spec = load_spec(str(spec_path))
    explanation = explain_operation(spec, load_selector_file(str(selector_path)), route)
    requirement = explanation.requirement
    if requirement.kind == "secured":
        if case["token"] == "none":
            return 401
        try:
            check = check_token(explanation, tokens[case["token"]], KeySource(endpoint_url=url))
        except InputError:
            return 401
        if not check.verdict.accepted:
            return 401
    if requirement.api_key and case["api_key"] != KEY:
        return 403
    return 200


def route_name(secured: Mapping[str, Any], method: str, path: str) -> str | None:
    operation = model_route(secured["paths"], method, path)
    for template, item in secured["paths"].items():
        for key, op in item.items():
            if op is operation:
                return f"{'ANY' if key == 'x-amazon-apigateway-any-method' else key.upper()} {template}"
    return None


# --- The property ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def setting(moto_url: str) -> Iterator[tuple[Pool, dict[str, str], InProcess, Path]]:
    mine, other = make_pool(moto_url), make_pool(moto_url)
    tokens = token_kinds(mine, other, {"cognito:groups": ["admin"]})
    first = {
        "document": {
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": GET}},
        },
        "rules": [{"select": "* /**", "public": True, "optional": True}],
        "regex": None,
    }
    with tempfile.TemporaryDirectory() as folder:
        spec, selector = write_case(Path(folder), mine, first)
        with in_process(spec, selector, endpoint_url=moto_url, options=Options((KEY,))) as server:
            yield mine, tokens, server, Path(folder)


def write_case(folder: Path, pool: Pool, case: Mapping[str, Any]) -> tuple[Path, Path]:
    authorizer: dict[str, Any] = {"user_pools": [pool.arn]}
    if case["regex"] is not None:
        authorizer["app_client_id_regex"] = (
            re.escape(pool.client_id) if case["regex"] == "match" else case["regex"]
        )
    selector = {"version": 1, "authorizers": {"Pool": authorizer}, "rules": case["rules"], "default": "deny"}
    return write_inputs(folder, case["document"], selector)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=cases())
def test_serve_answers_as_explain_and_the_model_say(
    setting: tuple[Pool, dict[str, str], InProcess, Path], case: dict[str, Any]
) -> None:
    pool, tokens, server, folder = setting
    spec, selector = write_case(folder, pool, case)
    server.gateway.swap(build(Sources(str(spec), str(selector))))
    secured = run_apply(load_spec(str(spec)), load_selector_file(str(selector)), validate=False).data
    headers = {}
    if case["token"] != "none":
        headers["Authorization"] = tokens[case["token"]]
    if case["api_key"] is not None:
        headers["x-api-key"] = case["api_key"]
    status = call(server.url + case["path"], case["method"], headers).status
    event(f"status {status}")
    now = time.time()
    route = route_name(secured, case["method"], case["path"])
    assert status == model_status(secured, case, tokens, now), (case, server.lines[-1:])
    assert status == explain_status(spec, selector, case, tokens, pool.url, route), (case, server.lines[-1:])
