"""Against real AWS: what no emulator can show. Skipped without a disposable API and real credentials.

    APIGW_COGNITO_LIVE_API_ID=<id of a REST API you may overwrite> \\
    APIGW_COGNITO_LIVE_POOL=<pool id, name:<PoolName> or ARN> \\
    AWS_PROFILE=<profile> AWS_REGION=<region> .venv/bin/pytest -m live

The API is overwritten with a small secured document and deployed to the stage `apigw-cognito-live`.
Checked here and nowhere else: that an overwrite leaves exactly one authorizer of each name (emulators add
one per import), that the deployed stage's export carries the Cognito authorizer extension, that the
real PutRestApi / CreateDeployment rate limits are absorbed by the back-off, that a deployment has an API
summary `verify --stage` can compare, that the export carries the security an adopted selector writes,
and that a call without a token gets the real 401 from the Cognito authorizer with the
Access-Control-Allow-Origin of the gateway responses `gateway_responses: cors` writes, which AWS imports
with the body (no PutGatewayResponse needed).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

import pytest

from apigw_cognito.aws.clients import Clients, SessionOptions
from apigw_cognito.aws.import_plan import ImportOptions
from apigw_cognito.aws.importer import Importer
from apigw_cognito.aws.pools import Resolver
from apigw_cognito.reports.verify_table import render_table
from tests.support.apidocs import secured, version

API_ID = os.environ.get("APIGW_COGNITO_LIVE_API_ID", "")
POOL = os.environ.get("APIGW_COGNITO_LIVE_POOL", "")
STAGE = "apigw-cognito-live"


def _real_credentials() -> bool:
    if any(k.startswith("AWS_ENDPOINT_URL") for k in os.environ):
        return False  # pointed at an emulator
    try:
        import boto3

        credentials = boto3.session.Session().get_credentials()
    except Exception:
        return False
    return credentials is not None and credentials.access_key not in ("test", "testing")


pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        not (API_ID and POOL and _real_credentials()),
        reason="live AWS test: needs APIGW_COGNITO_LIVE_API_ID, APIGW_COGNITO_LIVE_POOL, real credentials",
    ),
]


def test_overwrite_deploy_and_verify_on_aws() -> None:
    clients = Clients(SessionOptions())
    arn = Resolver(clients).resolve(POOL)
    data, result = secured("3.0", pools={"Pool": (arn,)}, title="apigw-cognito-live")
    lines: list[str] = []
    importer = Importer(clients, lines.append)
    for _ in range(2):  # twice in a row: the second run meets the per-account rate limits
        outcome = importer.run(data, version("3.0"), result, ImportOptions(rest_api_id=API_ID, stage=STAGE))
        assert outcome.verification is not None
        assert outcome.verification.ok, render_table(outcome.verification)
        assert not outcome.verification.notes, outcome.verification.notes
    client = clients.apigateway()
    names = [a["name"] for a in client.get_authorizers(restApiId=API_ID)["items"]]
    assert names == ["Pool"]
    export = client.get_export(
        restApiId=API_ID, stageName=STAGE, exportType="oas30", parameters={"extensions": "authorizers"}
    )
    body = json.loads(export["body"].read())
    scheme = body["components"]["securitySchemes"]["Pool"]
    assert scheme["x-amazon-apigateway-authorizer"]["providerARNs"] == [arn]


def test_aws_follows_a_path_item_reference_like_localstack() -> None:
    """Whether AWS's own import creates the method behind a same-file path-item `$ref` (LocalStack does):
    the tool sends bundles either way, but the answer says how dangerous unbundled documents are."""
    clients = Clients(SessionOptions())
    arn = Resolver(clients).resolve(POOL)
    data, _ = secured("3.0", pools={"Pool": (arn,)}, title="apigw-cognito-live")
    item = next(iter(data["paths"].values()))
    data = {**data, "paths": {"/behind-ref": {"$ref": "#/x-path-items/item"}}, "x-path-items": {"item": item}}
    client = clients.apigateway()
    client.put_rest_api(restApiId=API_ID, mode="overwrite", body=json.dumps(data).encode())
    paths = {r["path"]: r.get("resourceMethods", {}) for r in client.get_resources(restApiId=API_ID)["items"]}
    assert "/behind-ref" in paths, f"AWS did not follow the path-item $ref: {sorted(paths)}"


def test_stage_summary_and_export_on_aws() -> None:
    """What only AWS has: the deployment's API summary (compared by `verify --stage` when no digest was
    recorded), and an export that carries the authorizer and each operation's security, so the adopted
    selector applied to it changes nothing."""
    from apigw_cognito.app.pipeline import parse_spec, run_apply
    from apigw_cognito.aws.live_api import RestApiRef, export_document, read_snapshot, served_deployment
    from apigw_cognito.aws.stage_check import check_stage
    from apigw_cognito.aws.verify import expected_methods
    from apigw_cognito.core.adopt import adopt
    from apigw_cognito.selector.loader import load_selector

    clients = Clients(SessionOptions())
    arn = Resolver(clients).resolve(POOL)
    data, result = secured("3.0", pools={"Pool": (arn,)}, title="apigw-cognito-live")
    outcome = Importer(clients, lambda _: None).run(
        data, version("3.0"), result, ImportOptions(rest_api_id=API_ID, stage=STAGE)
    )
    assert outcome.verification is not None
    assert outcome.verification.ok
    client = clients.apigateway()
    served = served_deployment(client, API_ID, STAGE)
    assert served is not None
    assert served.api_summary, "AWS gives a deployment's API summary"
    unrecorded = type(served)(served.id, served.created, "by hand", served.api_summary)
    check = check_stage(STAGE, unrecorded, [], "0" * 64, expected_methods(result))
    assert check.ok, check.problems
    api = RestApiRef(API_ID, "apigw-cognito-live")
    exported = parse_spec(export_document(client, api, STAGE, yaml=False), "export.json")
    schemes = exported.document.data["components"]["securitySchemes"]
    assert schemes["Pool"]["x-amazon-apigateway-authorizer"]["providerARNs"] == [arn]
    adopted = adopt(read_snapshot(clients, api), None)
    applied = run_apply(exported, load_selector(adopted.text.encode(), "adopted.yaml", {}), validate=False)
    assert not applied.result.errors
    assert not [d for d in applied.result.decisions if d.changed], "the export already has the security"


def test_a_rejected_call_carries_the_cors_header_on_aws() -> None:
    from apigw_cognito.app.pipeline import parse_spec, run_apply
    from apigw_cognito.selector.loader import load_selector
    from tests.support.apidocs import keyed_pets

    clients = Clients(SessionOptions())
    arn = Resolver(clients).resolve(POOL)
    selector = (
        f"version: 1\nauthorizers: {{Pool: {{user_pools: ['{arn}']}}}}\n"
        "rules:\n  - {select: '* /**', authorizer: Pool, api_key: none}\ndefault: deny\n"
        "gateway_responses: {cors: {allow_origin: 'https://app.example.com'}}\n"
    )
    applied = run_apply(
        parse_spec(json.dumps(keyed_pets()).encode(), "pets.json"),
        load_selector(selector.encode(), "selector.yaml", {}),
        validate=True,
        command="import",
    )
    assert applied.output is not None, applied.report.findings
    lines: list[str] = []
    outcome = Importer(clients, lines.append).run(
        applied.data, version("3.0"), applied.result, ImportOptions(rest_api_id=API_ID, stage=STAGE)
    )
    assert outcome.verification is not None
    assert outcome.verification.ok, render_table(outcome.verification)
    assert outcome.put_responses == [], "AWS imports x-amazon-apigateway-gateway-responses itself"
    url = f"https://{API_ID}.execute-api.{clients.region}.amazonaws.com/{STAGE}/pets"
    request = urllib.request.Request(url, headers={"Origin": "https://app.example.com"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request)
    assert caught.value.code == 401
    assert caught.value.headers.get("Access-Control-Allow-Origin") == "https://app.example.com"
