"""Reading live REST APIs: every API of a region, one API as a `LiveSnapshot`, its stages and deployments,
and its export. HTTP APIs (API Gateway v2) too, for `audit --live` and `init --from-api`: every one of a
region (GetApis), and one as a `LiveSnapshot` whose methods are its routes, read as `http_verify` reads
them (GetRoutes, then GetAuthorizer for each id a route names).

Methods and authorizers come from `verify.fetch_live` (GetAuthorizers, GetResources with methods), the
one reader of a live API. GetExport is used only to hand a person the document with its integrations
(`init --from-api --spec-out`): LocalStack's export writes neither authorizers nor `security`, so
authorization is always read from the methods themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from apigw_cognito.aws.clients import Clients, aws_call, aws_lookup, error_code, paginate
from apigw_cognito.aws.http_importer import find_http_api
from apigw_cognito.aws.http_verify import read_http_api
from apigw_cognito.aws.importer import find_api_by_name
from apigw_cognito.aws.stage_check import DeploymentFacts
from apigw_cognito.aws.verify import fetch_live
from apigw_cognito.basics.errors import AwsError, InputError
from apigw_cognito.basics.openapi import HTTP_DEFAULT_ROUTE
from apigw_cognito.core.live_methods import ApiAuthorizer, ApiMethod, LiveSnapshot, snapshot_of

if TYPE_CHECKING:
    from mypy_boto3_apigateway.client import APIGatewayClient


@dataclass(frozen=True)
class RestApiRef:
    id: str
    name: str
    http: bool = False  # an HTTP API (API Gateway v2), read by `http_live`


def list_rest_apis(client: APIGatewayClient) -> list[RestApiRef]:
    """Every REST API of the region (GetRestApis, every page), by name."""
    with aws_call("apigateway GetRestApis"):
        found = [
            RestApiRef(str(a["id"]), str(a.get("name", "")))
            for a in paginate(client.get_rest_apis, "items", "position", limit=500)
            if "id" in a
        ]
    return sorted(found, key=lambda r: (r.name, r.id))


def find_rest_api(clients: Clients, rest_api_id: str | None, api_name: str | None) -> RestApiRef:
    """The REST API given by id (GetRestApi) or by a name exactly one API has (GetRestApis)."""
    client = clients.apigateway()
    if rest_api_id is None:
        assert api_name is not None
        ids = find_api_by_name(client, api_name)
        if len(ids) != 1:
            raise AwsError(
                f"{len(ids) or 'no'} REST API{'s are' if len(ids) != 1 else ' is'} named {api_name!r} in"
                f" {clients.region}" + (f": {', '.join(sorted(ids))}" if ids else ""),
                hint="pick one with --rest-api-id" if ids else "check the name and --region",
            )
        rest_api_id = ids[0]
    with aws_lookup("apigateway GetRestApi", f"REST API {rest_api_id}", clients.region):
        api = client.get_rest_api(restApiId=rest_api_id)
    return RestApiRef(rest_api_id, str(api.get("name", "")))


def read_snapshot(clients: Clients, api: RestApiRef) -> LiveSnapshot:
    """The API's authorizers and methods (an HTTP API's: routes) as they are now."""
    if api.http:
        return http_snapshot(clients, api.id, api.name)
    authorizers, resources = fetch_live(clients.apigateway(), api.id)
    return snapshot_of(api.id, api.name, clients.region, authorizers, resources)


def stage_names(client: APIGatewayClient, rest_api_id: str) -> list[str]:
    with aws_call("apigateway GetStages"):
        return sorted(str(s["stageName"]) for s in client.get_stages(restApiId=rest_api_id).get("item", []))


def _created(value: Any) -> datetime | None:
    return value if isinstance(value, datetime) else None


def served_deployment(client: APIGatewayClient, rest_api_id: str, stage: str) -> DeploymentFacts | None:
    """The deployment `stage` serves, with AWS's API summary where it gives one; None: no such stage."""
    with aws_call("apigateway GetStage"):
        try:
            deployment_id = str(client.get_stage(restApiId=rest_api_id, stageName=stage)["deploymentId"])
        except Exception as exc:
            if error_code(exc) == "NotFoundException":
                return None
            raise
    with aws_call("apigateway GetDeployment"):
        found = client.get_deployment(restApiId=rest_api_id, deploymentId=deployment_id, embed=["apisummary"])
    summary = found.get("apiSummary")
    return DeploymentFacts(
        deployment_id, _created(found.get("createdDate")), found.get("description"), summary or None
    )


def deployments(client: APIGatewayClient, rest_api_id: str) -> list[DeploymentFacts]:
    """Every deployment of the API (GetDeployments, every page), without summaries."""
    with aws_call("apigateway GetDeployments"):
        return [
            DeploymentFacts(str(d.get("id")), _created(d.get("createdDate")), d.get("description"))
            for d in paginate(client.get_deployments, "items", "position", restApiId=rest_api_id, limit=500)
        ]


def export_document(client: APIGatewayClient, api: RestApiRef, stage: str | None, yaml: bool) -> bytes:
    """The OpenAPI 3.0 export of what `stage` serves, with API Gateway's extensions (integrations).

    A stage is required by GetExport; without `stage`, the API's only stage is used.
    """
    if stage is None:
        stages = stage_names(client, api.id)
        if len(stages) != 1:
            raise InputError(
                f"REST API {api.id} has {len(stages) or 'no'} stage{'s' if len(stages) != 1 else ''}"
                + (f" ({', '.join(stages)})" if stages else "")
                + ": --spec-out exports what one stage serves",
                hint="name it with --stage"
                if stages
                else "deploy the API to a stage, or give a SPEC of your own",
            )
        stage = stages[0]
    with aws_call("apigateway GetExport"):
        answer = client.get_export(
            restApiId=api.id,
            stageName=stage,
            exportType="oas30",
            parameters={"extensions": "apigateway"},
            accepts="application/yaml" if yaml else "application/json",
        )
        return bytes(answer["body"].read())


def list_http_apis(clients: Clients) -> list[RestApiRef]:
    """Every HTTP API of the region (GetApis, every page), by name."""
    with aws_call("apigatewayv2 GetApis"):
        found = [
            RestApiRef(str(a["ApiId"]), str(a.get("Name", "")), http=True)
            for a in paginate(clients.apigatewayv2().get_apis, "Items", "NextToken", MaxResults="500")
            if "ApiId" in a and a.get("ProtocolType") == "HTTP"
        ]
    return sorted(found, key=lambda r: (r.name, r.id))


def find_http_ref(clients: Clients, api_id: str | None, api_name: str | None) -> RestApiRef:
    """The HTTP API given by id or by a name exactly one HTTP API has."""
    found = find_http_api(clients, api_id, api_name)
    assert found is not None  # without `create`, find_http_api raises when none matches
    with aws_call("apigatewayv2 GetApi"):
        name = str(clients.apigatewayv2().get_api(ApiId=found).get("Name", ""))
    return RestApiRef(found, name, http=True)


def http_snapshot(clients: Clients, api_id: str, name: str) -> LiveSnapshot:
    """An HTTP API's routes as methods (the $default route as ANY /$default) and its JWT authorizers."""
    live = read_http_api(clients.apigatewayv2(), api_id)
    methods = []
    for route in live.routes:
        method, _, path = route.route_key.partition(" ")
        if not path:
            method, path = "ANY", HTTP_DEFAULT_ROUTE
        methods.append(ApiMethod(method, path, route.authorization_type, route.authorizer_id, route.scopes))
    methods.sort(key=lambda m: (m.path, m.method))
    authorizers = tuple(
        ApiAuthorizer(
            a.id,
            a.name,
            a.type,
            identity_source=", ".join(a.identity_source) or None,
            issuer=a.issuer or None,
            audience=a.audience,
        )
        for a in live.authorizers
    )
    return LiveSnapshot(api_id, name, clients.region, authorizers, tuple(methods), http_api=True)
