"""The import and verify flows that the command line and the library share.

Import: resolve the selector's pools, secure and validate the document, check the selector's scopes
against the pools (nothing is sent when any of that has errors), then hand the result to the AWS
importer. Verify: the same document decisions, compared with what the live API has.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping

from apigw_cognito.app.pipeline import Applied, FindingsError, Spec, run_apply
from apigw_cognito.app.pool_checks import check_pools
from apigw_cognito.aws.clients import Clients, SessionOptions
from apigw_cognito.aws.gateway_responses import read_gateway_responses
from apigw_cognito.aws.http_importer import HttpImporter, HttpImportOptions, HttpImportOutcome, find_http_api
from apigw_cognito.aws.http_verify import compare_routes, expected_routes, read_http_api
from apigw_cognito.aws.import_plan import ImportOptions, Payload, path_prefix
from apigw_cognito.aws.importer import Importer, ImportOutcome
from apigw_cognito.aws.live_api import deployments, served_deployment
from apigw_cognito.aws.pacer import Pacer
from apigw_cognito.aws.pools import resolve_pools
from apigw_cognito.aws.stacks import read_stack
from apigw_cognito.aws.stage_check import StageCheck, body_digest, check_stage
from apigw_cognito.aws.verify import (
    Verification,
    compare,
    expected_methods,
    read_live_api,
    with_gateway_responses,
)
from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.basics.intrinsics import is_function, shown_reference
from apigw_cognito.basics.limits import POOL_ARN_RE
from apigw_cognito.basics.openapi import AUTHORIZER_KEY, security_schemes
from apigw_cognito.core.pool_scopes import needs_pool_check
from apigw_cognito.core.stack_resolution import (
    DEPLOYMENT_TYPE,
    StackFacts,
    resolved_pools,
    rest_api_id,
)
from apigw_cognito.selector.model import Selector, deploy_time_pools, pool_kind

Log = Callable[[str], None]


def prepare(  # noqa: PLR0913  (import and verify, of REST and HTTP APIs, share this one preparation)
    spec: Spec,
    selector: Selector,
    session: SessionOptions,
    clients: Clients,
    *,
    validate: bool,
    log: Log,
    pool_check: bool = True,
    command: str = "import",
    http_api: bool = False,
) -> Applied:
    """The secured document to send: pools resolved, transform and (with `validate`) validation passed,
    and (with `pool_check`) the selector's scopes checked against the pools.

    Raises `FindingsError` with the report when errors forbid sending anything.
    """
    refuse_deploy_time_pools(selector, command)
    check_api_kind(selector, http_api=http_api)
    resolved = resolve_pools(selector, session, clients=clients, note=log)
    applied = run_apply(spec, resolved, validate=validate, command="import")
    if command == "import":
        _refuse_document_references(spec, applied)
    if pool_check:
        check_pools(applied, resolved, clients)
    elif needs_pool_check(resolved):
        log("scopes not checked against the user pools' resource servers and app clients (--no-pool-check)")
    if not applied.writable:
        applied.report.notes.append("nothing was sent to API Gateway: fix the errors above")
        raise FindingsError(f"{spec.name}: errors forbid the import", applied.report)
    return applied


def refuse_deploy_time_pools(selector: Selector, command: str) -> None:
    """`InputError` (before any call) for a pool that only a deployment turns into an ARN: import sends
    the document to API Gateway itself, and verify compares with ARNs."""
    found = deploy_time_pools(selector)
    if not found:
        return
    authorizer, index = found[0]
    kind = {"reference": "a CloudFormation reference", "token": "a CDK token"}.get(
        pool_kind(authorizer.user_pools[index]), "a Terraform template variable"
    )
    compared = "issuers" if authorizer.is_jwt else "ARNs"
    doing = "sends the document to API Gateway itself" if command == "import" else f"compares {compared}"
    deploy = (
        "deploy the secured document with the stack (the Body of an AWS::ApiGatewayV2::Api or the"
        " DefinitionBody of an AWS::Serverless::HttpApi)"
        if authorizer.is_jwt
        else "deploy the secured document with the stack (the Body of an AWS::ApiGateway::RestApi or the"
        " DefinitionBody of an AWS::Serverless::Api) and check it with `apigw-cognito verify SPEC -s"
        " SELECTOR --stack NAME`"
    )
    raise InputError(
        f"authorizer '{authorizer.name}': user pool {authorizer.pool_shown(index)} is {kind}, which only"
        f" the deployment of its stack turns into {'an issuer' if authorizer.is_jwt else 'an ARN'};"
        f" {command} {doing}, so nothing was sent",
        authorizer.pool_locations[index] if index < len(authorizer.pool_locations) else None,
        hint=f"{deploy}; or give this command a selector that names the pool by ARN, pool id or"
        " name:<PoolName> (${VAR} in user_pools lets one selector serve both)",
    )


def _refuse_document_references(spec: Spec, applied: Applied) -> None:
    """A reference the document itself holds in a providerARNs or a JWT issuer (not from the selector) is
    refused too."""
    for name, scheme in security_schemes(applied.data, spec.version).items():
        extension = scheme.get(AUTHORIZER_KEY) if isinstance(scheme, Mapping) else None
        arns = extension.get("providerARNs") if isinstance(extension, Mapping) else None
        for arn in arns if isinstance(arns, list) else []:
            if not isinstance(arn, str) or not re.fullmatch(POOL_ARN_RE, arn):
                raise InputError(
                    f"security scheme {name}: providerARNs holds {json.dumps(arn)}, a deploy-time"
                    " reference that only the deployment of its stack turns into an ARN; import sends"
                    " the document to API Gateway itself, so nothing was sent",
                    spec.locate((*spec.version.schemes_pointer, str(name))),
                    hint="deploy the document with its stack and check it with `apigw-cognito verify"
                    " SPEC -s SELECTOR --stack NAME`, or write the pool's ARN in the document",
                )
        config = extension.get("jwtConfiguration") if isinstance(extension, Mapping) else None
        issuer = config.get("issuer") if isinstance(config, Mapping) else None
        if is_function(issuer):  # an HTTP API's issuer that a stack builds from its pool
            raise InputError(
                f"security scheme {name}: jwtConfiguration.issuer is a CloudFormation function that only"
                " the deployment of its stack turns into the issuer's URL; import sends the document to"
                " API Gateway itself, so nothing was sent",
                spec.locate((*spec.version.schemes_pointer, str(name))),
                hint="deploy the document with its stack (AWS::ApiGatewayV2::Api, AWS::Serverless::HttpApi),"
                " or write the issuer's URL (https://cognito-idp.<region>.amazonaws.com/<pool id>) in the"
                " document",
            )


def send(
    spec: Spec,
    applied: Applied,
    clients: Clients,
    options: ImportOptions,
    log: Log,
    pacer: Pacer | None = None,
) -> ImportOutcome:
    """Import the prepared document, deploy it when asked, and read back what API Gateway attached.

    `pacer` spaces the rate-limited calls of several imports in one run (`import --target`)."""
    return Importer(clients, log, pacer=pacer).run(applied.data, spec.version, applied.result, options)


def from_stack(
    selector: Selector, clients: Clients, stack: str, stack_api: str | None, log: Log
) -> tuple[Selector, str, StackFacts]:
    """`selector` with its CloudFormation references resolved as stack `stack` resolved them, the id
    of the stack's REST API (`stack_api` names its logical id when the stack has several), and the facts."""
    if selector.http_api:  # before any call: the stack's REST API is what is compared
        raise InputError(
            "verify --stack compares a stack's REST API, but the selector's authorizers are type jwt (an"
            " HTTP API)",
            Location(selector.name),
            hint="verify the HTTP API with --http-api-id or --http-api-name and a selector that names the"
            " pool by id or ARN (${VAR} in user_pools lets one selector serve both)",
        )
    facts = read_stack(clients, stack)
    api_id = rest_api_id(facts, stack_api)
    mapping = resolved_pools(selector, facts)
    for pool, arn in mapping.items():
        log(f"stack {stack}: user pool {shown_reference(pool)} -> {arn}")
    log(f"stack {stack}: REST API {api_id}")
    return selector.with_pools(mapping), api_id, facts


def verify_stack_stage(clients: Clients, api_id: str, stage: str, facts: StackFacts) -> StageCheck:
    """Whether `stage` serves a deployment the stack made (an AWS::ApiGateway::Deployment of it, SAM's
    included): the stack's deployments carry no digest, but a stage moved to another deployment by hand
    or by another tool no longer serves what the stack describes."""
    served = served_deployment(clients.apigateway(), api_id, stage)
    if served is None:
        return StageCheck(stage, (f"stage {stage!r} does not exist on REST API {api_id}",))
    made = {r.physical_id for r in facts.resources.values() if r.type == DEPLOYMENT_TYPE}
    if served.id in made:
        note = f"stage {stage!r} serves deployment {served.id}, made by stack {facts.name}"
        return StageCheck(stage, (), (note,))
    return StageCheck(
        stage,
        (
            f"stage {stage!r} serves deployment {served.id} (created {served.when}), which stack"
            f" {facts.name} did not make: it may not serve what the stack describes; update the stack"
            " to deploy again",
        ),
    )


def verify_live(
    spec: Spec,
    applied: Applied,
    clients: Clients,
    options: ImportOptions,
    parameters: Mapping[str, str],
    log: Log,
) -> Verification:
    """Compare the live REST API named by `options` with the decisions in `applied`."""
    api_id, _ = Importer(clients, log).find_api(options)
    assert api_id is not None  # find_api raises when no API matches
    prefix = path_prefix(applied.data, spec.version, parameters)
    client = clients.apigateway()
    verification = compare(expected_methods(applied.result, prefix), read_live_api(client, api_id))
    return with_gateway_responses(verification, applied.data, read_gateway_responses(client, api_id))


def verify_stage(
    spec: Spec, applied: Applied, clients: Clients, options: ImportOptions, stage: str, log: Log
) -> StageCheck:
    """Whether `stage` of the API named by `options` serves the document `applied` describes: the digest
    `import --stage` recorded in the stage's deployment, and AWS's API summary where there is one."""
    api_id, _ = Importer(clients, log).find_api(options)
    assert api_id is not None  # find_api raises when no API matches
    client = clients.apigateway()
    served = served_deployment(client, api_id, stage)
    history = deployments(client, api_id) if served is not None else []
    prefix = path_prefix(applied.data, spec.version, options.parameters)
    digest = body_digest(Payload.of(applied.data, spec.version, options.parameters).body)
    return check_stage(stage, served, history, digest, expected_methods(applied.result, prefix))


def check_api_kind(selector: Selector, *, http_api: bool) -> None:
    """A selector of JWT authorizers goes to an HTTP API, one of Cognito authorizers to a REST API."""
    if selector.http_api == http_api:
        return
    if http_api:
        raise InputError(
            "--http-api-id and --http-api-name import into an HTTP API, but the selector's authorizers are"
            " REST API Cognito authorizers",
            Location(selector.name),
            hint="give each authorizer `type: jwt` and its `audience` (the app client ids), or use"
            " --rest-api-id / --api-name",
        )
    raise InputError(
        "the selector's authorizers are type jwt (an HTTP API), but --rest-api-id and --api-name name a"
        " REST API",
        Location(selector.name),
        hint="use --http-api-id or --http-api-name",
    )


def send_http(applied: Applied, clients: Clients, options: HttpImportOptions, log: Log) -> HttpImportOutcome:
    """Import the prepared document into an HTTP API, put what the import left out, deploy, read back."""
    return HttpImporter(clients, log).run(applied.data, applied.result, options)


def verify_http_live(
    applied: Applied, clients: Clients, api_id: str | None, api_name: str | None
) -> Verification:
    """Compare the live HTTP API's routes and JWT authorizers with the decisions in `applied`."""
    found = find_http_api(clients, api_id, api_name)
    assert found is not None  # find_http_api raises when no API matches
    return compare_routes(expected_routes(applied.result), read_http_api(clients.apigatewayv2(), found))
