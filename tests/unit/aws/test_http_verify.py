"""Comparing an HTTP API's routes and JWT authorizers with the decisions, and what an import left out."""

from __future__ import annotations

from apigw_cognito.aws.http_importer import plan_repairs
from apigw_cognito.aws.http_verify import (
    ExpectedRoute,
    JwtConfig,
    LiveAuthorizer,
    LiveHttpApi,
    LiveRoute,
    compare_routes,
    route_key,
)

ISS = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC"
CONFIG = JwtConfig("Users", ISS, ("client1",), "$request.header.Authorization")
EXPECTED = (
    ExpectedRoute("GET /notes", CONFIG),
    ExpectedRoute("POST /notes", CONFIG, ("notes/write",)),
    ExpectedRoute("GET /health", None),
)
GOOD = LiveAuthorizer("a1", "Users", "JWT", ISS, ("client1",), ("$request.header.Authorization",))


def live(*routes: LiveRoute, authorizers: tuple[LiveAuthorizer, ...] = (GOOD,)) -> LiveHttpApi:
    return LiveHttpApi(routes, authorizers)


def test_route_keys() -> None:
    assert route_key("GET", "/notes") == "GET /notes"
    assert route_key("ANY", "/$default") == "$default"


def test_what_aws_import_makes_verifies_and_needs_no_repair() -> None:
    api = live(
        LiveRoute("r1", "GET /notes", "JWT", "a1"),
        LiveRoute("r2", "POST /notes", "JWT", "a1", ("notes/write",)),
        LiveRoute("r3", "GET /health", "NONE"),
    )
    assert compare_routes(EXPECTED, api).ok
    assert plan_repairs(EXPECTED, api) == plan_repairs(EXPECTED, api).__class__()


def test_what_moto_import_makes_is_repaired_by_creating_and_attaching() -> None:
    api = live(
        LiveRoute("r1", "GET /notes", "NONE"),
        LiveRoute("r2", "POST /notes", "NONE"),
        LiveRoute("r3", "GET /health", "NONE"),
        authorizers=(),
    )
    verification = compare_routes(EXPECTED, api)
    assert [r.problems for r in verification.mismatches] == [
        ("authorizationType is NONE, expected JWT",),
        ("authorizationType is NONE, expected JWT",),
    ]
    assert verification.notes == ("no route has an authorizer named 'Users' attached",)
    plan = plan_repairs(EXPECTED, api)
    assert plan.create == (CONFIG,)
    assert plan.correct == ()
    assert [(route_id, e.route_key) for route_id, e in plan.routes] == [
        ("r1", "GET /notes"),
        ("r2", "POST /notes"),
    ]


def test_drift_in_the_authorizer_and_the_routes_is_named() -> None:
    slashed = LiveAuthorizer("a1", "Users", "JWT", ISS + "/", ("client1", "x"), ("$request.querystring.t",))
    api = live(
        LiveRoute("r1", "GET /notes", "JWT", "a1"),
        LiveRoute("r2", "POST /notes", "JWT", "a1"),
        LiveRoute("r4", "DELETE /notes", "NONE"),
        authorizers=(slashed,),
    )
    verification = compare_routes(EXPECTED, api)
    problems = {r.method + " " + r.path: r.problems for r in verification.rows}
    assert problems["GET /notes"] == (
        f"authorizer 'Users' (a1) has issuer {ISS}/ (a trailing slash: no Cognito token matches it),"
        f" expected {ISS}",
        "authorizer 'Users' (a1) has audience client1, x, expected client1",
        "authorizer 'Users' (a1) reads the token from $request.querystring.t, expected"
        " $request.header.Authorization",
    )
    assert problems["POST /notes"][-1] == "authorizationScopes are (none), expected notes/write"
    assert problems["GET /health"] == ("the route does not exist in the live API",)
    assert [r.status for r in verification.rows][-1] == "extra"
    plan = plan_repairs(EXPECTED, api)
    assert plan.correct == (("a1", CONFIG),)
    assert [route_id for route_id, _ in plan.routes] == ["r2"]
