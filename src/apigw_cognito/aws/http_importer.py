"""`import` into an HTTP API (API Gateway v2): the calls in order, and what they left out put right.

CreateApi (with `--create`) then ReimportApi with the secured document: ImportApi is not used, since
CreateApi followed by ReimportApi does the same on AWS and moto's server has no ImportApi. Then the routes
are read back (`http_verify`). AWS's import creates the JWT authorizers and attaches them; moto's leaves
both out (and creates routes only for operations with an integration). Whatever is missing is put with
CreateAuthorizer, UpdateAuthorizer and UpdateRoute, and each is said in a line. Then a stage serves it:
`$default` with automatic deployment unless `--stage` names one, which gets a deployment. Last, the
routes are read back again and compared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from apigw_cognito.aws.clients import Clients, aws_call, aws_lookup, error_code, one_named, paginate, scrub
from apigw_cognito.aws.http_verify import (
    JWT,
    NONE,
    ExpectedRoute,
    JwtConfig,
    LiveHttpApi,
    authorizer_problems,
    compare_routes,
    expected_routes,
    parse_authorizer,
    read_http_api,
    route_key,
)
from apigw_cognito.aws.verify import Verification
from apigw_cognito.basics.errors import AwsError
from apigw_cognito.checks.rules import json_body
from apigw_cognito.core.transform import Result

DEFAULT_STAGE = "$default"
Log = Callable[[str], None]


@dataclass(frozen=True)
class HttpImportOptions:
    """What `import` is asked to do with an HTTP API."""

    api_id: str | None = None
    api_name: str | None = None
    create: bool = False
    fail_on_warnings: bool = True
    stage: str | None = None  # None: $default, deployed automatically
    stage_description: str | None = None
    dry_run: bool = False
    verify: bool = True


@dataclass
class HttpImportOutcome:
    api_id: str | None = None
    created: bool = False
    warnings: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)  # what the import left out and this run put
    verification: Verification | None = None


@dataclass(frozen=True)
class Repairs:
    """What to put after an import: authorizers to create or correct, routes to update."""

    create: tuple[JwtConfig, ...] = ()
    correct: tuple[tuple[str, JwtConfig], ...] = ()  # (live authorizer id, what it must be)
    routes: tuple[tuple[str, ExpectedRoute], ...] = ()  # (live route id, what it must be)


def plan_repairs(expected: Sequence[ExpectedRoute], live: LiveHttpApi) -> Repairs:
    """What the import left out or got wrong, for the routes that exist (a missing route is not ours to
    create: the verification reports it)."""
    by_name = {a.name: a for a in live.authorizers}
    wanted = {e.authorizer.name: e.authorizer for e in expected if e.authorizer is not None}
    create = tuple(config for name, config in wanted.items() if name not in by_name)
    correct = tuple(
        (by_name[name].id, config)
        for name, config in wanted.items()
        if name in by_name and authorizer_problems(config, by_name[name])
    )
    routes = {r.route_key: r for r in live.routes}
    updates = []
    for e in expected:
        route = routes.get(e.route_key)
        if route is None:
            continue
        attached = next((a for a in live.authorizers if a.id == route.authorizer_id), None)
        if e.authorizer is None:
            wrong = route.authorization_type != NONE
        else:
            wrong = (
                route.authorization_type != JWT
                or attached is None
                or attached.name != e.authorizer.name
                or sorted(route.scopes) != sorted(e.scopes)
            )
        if wrong:
            updates.append((route.route_id, e))
    return Repairs(create, correct, tuple(updates))


def find_http_api(
    clients: Clients, api_id: str | None, api_name: str | None, *, create: bool = False
) -> str | None:
    """The HTTP API's id (checked to exist and to be an HTTP API); None when it is to be created."""
    client = clients.apigatewayv2()
    if api_id is None:
        assert api_name is not None
        with aws_call("apigatewayv2 GetApis"):
            ids = sorted(
                str(a["ApiId"])
                for a in paginate(client.get_apis, "Items", "NextToken", MaxResults="500")
                if a.get("Name") == api_name and a.get("ProtocolType") == "HTTP"
            )
        found = one_named(ids, "HTTP API", api_name, clients.region, "--http-api-id", create=create)
        if found is None:
            return None
        api_id = found
    with aws_lookup("apigatewayv2 GetApi", f"HTTP API {api_id}", clients.region):
        api = client.get_api(ApiId=api_id)
    if api.get("ProtocolType") != "HTTP":
        raise AwsError(f"API {api_id} is a {api.get('ProtocolType')} API, not an HTTP API")
    return api_id


class HttpImporter:
    """One import into an HTTP API: the client and where progress lines go."""

    def __init__(self, clients: Clients, log: Log) -> None:
        self.clients = clients
        self.client = clients.apigatewayv2()
        self.log = log

    def run(self, data: Mapping[str, Any], result: Result, options: HttpImportOptions) -> HttpImportOutcome:
        expected = expected_routes(result)
        outcome = HttpImportOutcome(
            find_http_api(self.clients, options.api_id, options.api_name, create=options.create)
        )
        body = json_body(data).decode("utf-8")
        before = LiveHttpApi() if outcome.api_id is None else read_http_api(self.client, outcome.api_id)
        self._say_removed(before, expected)
        if options.dry_run:
            target = outcome.api_id or f"a new HTTP API named {options.api_name!r} (CreateApi)"
            self.log(
                f"dry run: would send {len(body)} bytes with ReimportApi to {target},"
                " then put what it left out"
            )
            return outcome
        if outcome.api_id is None:
            assert options.api_name is not None
            with aws_call("apigatewayv2 CreateApi"):
                outcome.api_id = str(
                    self.client.create_api(Name=options.api_name, ProtocolType="HTTP")["ApiId"]
                )
            outcome.created = True
            self.log(f"created HTTP API {outcome.api_id} ({options.api_name})")
        api_id = outcome.api_id
        try:
            with aws_call("apigatewayv2 ReimportApi"):
                answer = self.client.reimport_api(
                    ApiId=api_id, Body=body, FailOnWarnings=options.fail_on_warnings
                )
        except AwsError:
            if outcome.created:
                self._undo_create(api_id)
            raise
        outcome.warnings = [scrub(str(w)) for w in answer.get("Warnings") or []]
        after = read_http_api(self.client, api_id)
        outcome.repairs = self._repair(api_id, expected, self._with_earlier(api_id, after, before))
        self._stage(api_id, options)
        if options.verify:
            outcome.verification = compare_routes(expected, read_http_api(self.client, api_id))
        return outcome

    def _say_removed(self, before: LiveHttpApi, expected: Sequence[ExpectedRoute]) -> None:
        """ReimportApi replaces the whole definition: say which live routes the document lacks."""
        wanted = {e.route_key for e in expected}
        gone = sorted(r.route_key for r in before.routes if r.route_key not in wanted)
        if gone:
            self.log(
                f"ReimportApi replaces the API's definition: {len(gone)} live route(s) the document lacks"
                f" will be removed: {', '.join(gone)}"
            )

    def _with_earlier(self, api_id: str, after: LiveHttpApi, before: LiveHttpApi) -> LiveHttpApi:
        """`after` and the authorizers the routes named before the import that still exist under a name no
        route names now: an import that drops routes' authorizations (moto's) keeps the authorizers, which
        are reattached instead of made again. AWS's import attaches its own, so `after` names them all."""
        named = {a.name for a in after.authorizers}
        kept = []
        for earlier in before.authorizers:
            if earlier.name in named:
                continue
            with aws_call(f"apigatewayv2 GetAuthorizer {earlier.id}"):
                try:
                    kept.append(
                        parse_authorizer(self.client.get_authorizer(ApiId=api_id, AuthorizerId=earlier.id))
                    )
                except Exception as exc:
                    if error_code(exc) != "NotFoundException":
                        raise
            named.add(earlier.name)
        return LiveHttpApi(after.routes, (*after.authorizers, *kept))

    def _repair(self, api_id: str, expected: Sequence[ExpectedRoute], live: LiveHttpApi) -> list[str]:
        plan = plan_repairs(expected, live)
        ids = {a.name: a.id for a in live.authorizers}
        done: list[str] = []
        for config in plan.create:
            with aws_call("apigatewayv2 CreateAuthorizer"):
                answer = self.client.create_authorizer(
                    ApiId=api_id, AuthorizerType=JWT, Name=config.name, **_jwt_arguments(config)
                )
            ids[config.name] = str(answer["AuthorizerId"])
            done.append(
                f"the import left authorizer {config.name!r} out: created it"
                f" (CreateAuthorizer, {ids[config.name]})"
            )
        for authorizer_id, config in plan.correct:
            with aws_call("apigatewayv2 UpdateAuthorizer"):
                self.client.update_authorizer(
                    ApiId=api_id, AuthorizerId=authorizer_id, **_jwt_arguments(config)
                )
            done.append(
                f"authorizer {config.name!r} ({authorizer_id}) differed from the document:"
                " corrected it (UpdateAuthorizer)"
            )
        for route_id, route in plan.routes:
            with aws_call(f"apigatewayv2 UpdateRoute {route.route_key}"):
                if route.authorizer is None:
                    self.client.update_route(ApiId=api_id, RouteId=route_id, AuthorizationType=NONE)
                else:
                    self.client.update_route(
                        ApiId=api_id,
                        RouteId=route_id,
                        AuthorizationType=JWT,
                        AuthorizerId=ids[route.authorizer.name],
                        AuthorizationScopes=list(route.scopes),
                    )
            wanted = (
                "NONE"
                if route.authorizer is None
                else f"JWT {route.authorizer.name}" + (f" [{' '.join(route.scopes)}]" if route.scopes else "")
            )
            done.append(
                f"the import left the authorization of {route.route_key} out: set {wanted} (UpdateRoute)"
            )
        for line in done:
            self.log(line)
        return done

    def _stage(self, api_id: str, options: HttpImportOptions) -> None:
        name = options.stage or DEFAULT_STAGE
        with aws_call("apigatewayv2 GetStages"):
            stages = {
                str(s.get("StageName")): s
                for s in paginate(self.client.get_stages, "Items", "NextToken", ApiId=api_id)
            }
        stage = stages.get(name)
        if stage is None:
            extra = {"Description": options.stage_description} if options.stage_description else {}
            with aws_call(f"apigatewayv2 CreateStage {name}"):
                self.client.create_stage(
                    ApiId=api_id, StageName=name, AutoDeploy=options.stage is None, **extra
                )
            if options.stage is None:
                self.log(f"created stage {name}, which deploys every change automatically")
                return
            self.log(f"created stage {name}")
        elif stage.get("AutoDeploy"):
            self.log(f"stage {name} deploys every change automatically")
            return
        with aws_call(f"apigatewayv2 CreateDeployment {name}"):
            deployment = self.client.create_deployment(
                ApiId=api_id, StageName=name, Description="apigw-cognito import"
            )
        self.log(f"deployed to stage {name} ({deployment.get('DeploymentId')})")

    def _undo_create(self, api_id: str) -> None:
        """Delete the API this run created, so a failed import leaves nothing behind."""
        try:
            with aws_call("apigatewayv2 DeleteApi"):
                self.client.delete_api(ApiId=api_id)
        except AwsError as exc:
            self.log(f"the import failed and the HTTP API {api_id} it created could not be deleted: {exc}")
            self.log(f"delete it by hand: aws apigatewayv2 delete-api --api-id {api_id}")
            return
        self.log(f"deleted HTTP API {api_id}, which this failed import had created")


def _jwt_arguments(config: JwtConfig) -> dict[str, Any]:
    return {
        "IdentitySource": [config.identity_source],
        "JwtConfiguration": {"Issuer": config.issuer, "Audience": list(config.audience)},
    }


__all__ = ["HttpImportOptions", "HttpImporter", "find_http_api", "plan_repairs", "route_key"]
