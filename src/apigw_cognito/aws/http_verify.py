"""Did an HTTP API (API Gateway v2) get the JWT authorizers? Read its routes back and compare.

The comparison is pure, on plain records, and gives the same `Verification` the REST side prints. A
secured route must come back as JWT with the authorizer of the scheme's name, whose issuer, audience and
identity source are the scheme's, and the decided scopes; a public one as NONE.

Reading back: GetRoutes gives each route's authorization and authorizer id; each authorizer is then read
with GetAuthorizer by that id. GetAuthorizers (all of them) is not used: moto's server does not implement
it, and the ids the routes name are what decides a call on AWS too. An authorizer no route uses is
therefore not seen, and the notes say "no authorizer named X is attached" rather than "does not exist".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from apigw_cognito.aws.clients import aws_call, error_code, paginate
from apigw_cognito.aws.verify import MethodCheck, Status, Verification
from apigw_cognito.basics.errors import AwsError
from apigw_cognito.basics.openapi import AUTHORIZER_KEY, HTTP_DEFAULT_ROUTE
from apigw_cognito.core.transform import Result

JWT = "JWT"
NONE = "NONE"


@dataclass(frozen=True)
class JwtConfig:
    """A JWT authorizer as HTTP API import creates it from a scheme."""

    name: str
    issuer: str
    audience: tuple[str, ...]
    identity_source: str


@dataclass(frozen=True)
class ExpectedRoute:
    route_key: str  # "GET /notes", "ANY /{proxy+}", "$default"
    authorizer: JwtConfig | None  # None: public
    scopes: tuple[str, ...] = ()


@dataclass(frozen=True)
class LiveRoute:
    route_id: str
    route_key: str
    authorization_type: str
    authorizer_id: str | None = None
    scopes: tuple[str, ...] = ()


@dataclass(frozen=True)
class LiveAuthorizer:
    id: str
    name: str
    type: str
    issuer: str = ""
    audience: tuple[str, ...] = ()
    identity_source: tuple[str, ...] = ()


@dataclass(frozen=True)
class LiveHttpApi:
    routes: tuple[LiveRoute, ...] = ()
    authorizers: tuple[LiveAuthorizer, ...] = ()


def route_key(method: str, path: str) -> str:
    """An HTTP API's route key for an operation: "GET /notes"; the `/$default` path is the $default route."""
    return "$default" if path == HTTP_DEFAULT_ROUTE else f"{method} {path}"


def jwt_config(name: str, scheme: Mapping[str, Any]) -> JwtConfig:
    extension = scheme.get(AUTHORIZER_KEY, {})
    config = extension.get("jwtConfiguration", {})
    return JwtConfig(
        name,
        str(config.get("issuer", "")),
        tuple(str(a) for a in config.get("audience", ())),
        str(extension.get("identitySource", "")),
    )


def expected_routes(result: Result) -> list[ExpectedRoute]:
    """The route-level outcome each decision of the transform asks the HTTP API for."""
    out: list[ExpectedRoute] = []
    for decision in result.decisions:
        key = route_key(decision.operation.method, decision.operation.path)
        if decision.kind == "secured" and decision.authorizer is not None:
            config = jwt_config(decision.authorizer, result.schemes[decision.authorizer])
            out.append(ExpectedRoute(key, config, tuple(decision.scopes)))
        else:
            out.append(ExpectedRoute(key, None))
    return out


def _list(items: Sequence[str]) -> str:
    return ", ".join(items) or "(none)"


def authorizer_problems(want: JwtConfig, live: LiveAuthorizer) -> list[str]:
    """How the live authorizer differs from the scheme's."""
    problems = []
    where = f"authorizer {live.name!r} ({live.id})"
    if live.type != JWT:
        problems.append(f"{where} has type {live.type}, expected {JWT}")
    if live.issuer != want.issuer:
        slash = (
            " (a trailing slash: no Cognito token matches it)"
            if live.issuer.rstrip("/") == want.issuer
            else ""
        )
        problems.append(f"{where} has issuer {live.issuer or '(none)'}{slash}, expected {want.issuer}")
    if sorted(set(live.audience)) != sorted(set(want.audience)):
        problems.append(f"{where} has audience {_list(live.audience)}, expected {_list(want.audience)}")
    if want.identity_source and tuple(live.identity_source) != (want.identity_source,):
        problems.append(
            f"{where} reads the token from {_list(live.identity_source)}, expected {want.identity_source}"
        )
    return problems


def _route_problems(
    e: ExpectedRoute, live: LiveRoute | None, by_id: Mapping[str, LiveAuthorizer]
) -> list[str]:
    if live is None:
        return ["the route does not exist in the live API"]
    if e.authorizer is None:
        return (
            []
            if live.authorization_type == NONE
            else [f"expected public (NONE), found {live.authorization_type}"]
        )
    if live.authorization_type != JWT:
        return [f"authorizationType is {live.authorization_type}, expected {JWT}"]
    problems: list[str] = []
    auth = by_id.get(live.authorizer_id or "")
    if auth is None:
        problems.append(f"authorizerId {live.authorizer_id or '(none)'} names no authorizer of this API")
    elif auth.name != e.authorizer.name:
        problems.append(f"attached authorizer is {auth.name!r} ({auth.id}), expected {e.authorizer.name!r}")
    else:
        problems.extend(authorizer_problems(e.authorizer, auth))
    if sorted(set(live.scopes)) != sorted(set(e.scopes)):
        problems.append(f"authorizationScopes are {_list(live.scopes)}, expected {_list(e.scopes)}")
    return problems


def _split(key: str) -> tuple[str, str]:
    method, _, path = key.partition(" ")
    return (method, path) if path else ("ANY", key)


def _describe(e: ExpectedRoute) -> str:
    if e.authorizer is None:
        return NONE
    return e.authorizer.name + (f" [{' '.join(e.scopes)}]" if e.scopes else "")


def _live_columns(
    live: LiveRoute | None, by_id: Mapping[str, LiveAuthorizer]
) -> tuple[str, str, tuple[str, ...]]:
    if live is None:
        return "-", "-", ()
    auth = by_id.get(live.authorizer_id or "")
    if live.authorization_type == NONE or not live.authorizer_id:
        name = "-"
    else:
        name = f"{auth.name} ({auth.id})" if auth else f"? ({live.authorizer_id})"
    return live.authorization_type, name, live.scopes


def _row(
    key: str,
    status: Status,
    expected: str,
    live: LiveRoute | None,
    by_id: Mapping[str, LiveAuthorizer],
    problems: tuple[str, ...] = (),
) -> MethodCheck:
    method, path = _split(key)
    authorization, authorizer, scopes = _live_columns(live, by_id)
    return MethodCheck(method, path, status, expected, authorization, authorizer, scopes, problems)


def compare_routes(expected: Sequence[ExpectedRoute], live: LiveHttpApi) -> Verification:
    """One row per expected route (and per live route the document does not have), plus notes."""
    by_id = {a.id: a for a in live.authorizers}
    routes = {r.route_key: r for r in live.routes}
    rows: list[MethodCheck] = []
    for e in expected:
        found = routes.pop(e.route_key, None)
        problems = tuple(_route_problems(e, found, by_id))
        status: Status = "mismatch" if problems else "ok"
        rows.append(_row(e.route_key, status, _describe(e), found, by_id, problems))
    for key, found in sorted(routes.items()):
        rows.append(_row(key, "extra", "(not in the document)", found, by_id))
    notes = []
    attached = {a.name for a in live.authorizers}
    for name in sorted({e.authorizer.name for e in expected if e.authorizer} - attached):
        notes.append(f"no route has an authorizer named {name!r} attached")
    extra = sum(1 for r in rows if r.status == "extra")
    if extra:
        notes.append(f"{extra} live route(s) are not in the document")
    return Verification(tuple(rows), tuple(notes), unit="routes")


# --- the AWS side ------------------------------------------------------------------------------------------


def parse_routes(items: Iterable[Mapping[str, Any]]) -> tuple[LiveRoute, ...]:
    return tuple(
        LiveRoute(
            route_id=str(r.get("RouteId", "")),
            route_key=str(r.get("RouteKey", "")),
            authorization_type=str(r.get("AuthorizationType") or NONE),
            authorizer_id=r.get("AuthorizerId") or None,
            scopes=tuple(str(s) for s in r.get("AuthorizationScopes") or ()),
        )
        for r in items
    )


def parse_authorizer(item: Mapping[str, Any]) -> LiveAuthorizer:
    config = item.get("JwtConfiguration") or {}
    return LiveAuthorizer(
        id=str(item.get("AuthorizerId", "")),
        name=str(item.get("Name", "")),
        type=str(item.get("AuthorizerType", "")),
        issuer=str(config.get("Issuer", "")),
        audience=tuple(str(a) for a in config.get("Audience") or ()),
        identity_source=tuple(str(s) for s in item.get("IdentitySource") or ()),
    )


def read_http_api(client: Any, api_id: str) -> LiveHttpApi:
    """GetRoutes (every page), then GetAuthorizer for each authorizer id a route names."""
    with aws_call("apigatewayv2 GetRoutes"):
        try:
            routes = parse_routes(
                paginate(client.get_routes, "Items", "NextToken", ApiId=api_id, MaxResults="500")
            )
        except Exception as exc:
            if error_code(exc) == "NotFoundException":
                raise AwsError(f"HTTP API {api_id} not found") from None
            raise
    authorizers = []
    for authorizer_id in sorted({r.authorizer_id for r in routes if r.authorizer_id}):
        with aws_call(f"apigatewayv2 GetAuthorizer {authorizer_id}"):
            authorizers.append(
                parse_authorizer(client.get_authorizer(ApiId=api_id, AuthorizerId=authorizer_id))
            )
    return LiveHttpApi(routes, tuple(authorizers))
