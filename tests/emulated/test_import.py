"""The import flow against the emulators.

Which emulator proves what:
- LocalStack (API Gateway): import by ImportRestApi and PutRestApi (overwrite and merge, Swagger 2.0 and
  OpenAPI 3.0), the Cognito authorizer attached with scopes, deployment, API-level settings put back, the
  API found by name, and the cleanup after a failed `--create`.
- The fault proxy in front of LocalStack: throttling (429) retried with back-off, errors LocalStack never
  gives (AccessDenied, expired token, 5xx), timeouts; and a count of the calls made (none on a dry run).
- moto server: pool names resolved to ARNs for the end-to-end CLI run.

The pure decisions (parameters, refusals, plans, settings put back) are in tests/unit/aws/test_import_plan.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from apigw_cognito.aws.clients import Clients, SessionOptions
from apigw_cognito.aws.import_plan import ImportOptions
from apigw_cognito.basics.errors import AwsError, InputError
from apigw_cognito.cli.main import app
from apigw_cognito.core.gateway_responses import GATEWAY_RESPONSES_KEY
from apigw_cognito.reports.verify_table import render_table
from tests.support.apidocs import secured, unique, version
from tests.support.cognito import RESOURCE_SERVER, make_pool
from tests.support.emulators import ImportRun, change_by_hand
from tests.support.faults import Fault, FaultProxy, fault_proxy
from tests.support.paths import ROOT


@pytest.fixture
def proxy(localstack_url: str) -> Iterator[FaultProxy]:
    with fault_proxy(localstack_url) as running:
        yield running


def _api_named(apigw: Any, name: str) -> list[str]:
    return [a["id"] for a in apigw.get_rest_apis(limit=500)["items"] if a["name"] == name]


def _old_api(apigw: Any, routes: Any, family: str = "3.0") -> str:
    data, _ = secured(family, routes)
    return str(apigw.import_rest_api(body=json.dumps(data), failOnWarnings=True)["id"])


@pytest.mark.parametrize("family", ["2.0", "3.0"])
def test_create_deploy_verify(apigw: Any, localstack_url: str, family: str) -> None:
    """LocalStack: --create imports with ImportRestApi, names the API, deploys the stage; verify passes."""
    name = unique("create")
    outcome = ImportRun(localstack_url).run(
        family, api_name=name, create=True, stage="dev", stage_description="demo"
    )
    assert outcome.created
    assert _api_named(apigw, name) == [outcome.rest_api_id]
    stages = apigw.get_stages(restApiId=outcome.rest_api_id)["item"]
    assert [s["stageName"] for s in stages] == ["dev"]
    assert stages[0]["deploymentId"] == outcome.deployment_id
    assert outcome.verification is not None
    assert outcome.verification.ok, render_table(outcome.verification)
    secured_rows = {(r.method, r.path): r for r in outcome.verification.rows}
    assert secured_rows["POST", "/purchase"].scopes == ("shop/buy", "shop/admin")
    assert secured_rows["OPTIONS", "/pets"].authorization == "NONE"


@pytest.mark.parametrize("family", ["2.0", "3.0"])
def test_overwrite_existing_api(apigw: Any, localstack_url: str, family: str) -> None:
    """LocalStack: overwrite replaces the routes; the preview named the ones that went away."""
    api_id = _old_api(apigw, {("GET", "/legacy"): (None, ()), ("GET", "/pets"): (None, ())}, family)
    run = ImportRun(localstack_url)
    outcome = run.run(family, rest_api_id=api_id, mode="overwrite", stage="prod")
    assert outcome.plan.removed_methods == ("GET /legacy",)
    assert "/legacy" in outcome.plan.removed_paths
    assert any("will delete 1 method(s): GET /legacy" in line for line in run.lines)
    paths = {r["path"] for r in apigw.get_resources(restApiId=api_id)["items"]}
    assert "/legacy" not in paths
    assert outcome.verification is not None
    assert outcome.verification.ok, render_table(outcome.verification)


@pytest.mark.parametrize("family", ["2.0", "3.0"])
def test_merge_existing_api(apigw: Any, localstack_url: str, family: str) -> None:
    """LocalStack: merge imports the document's methods with their authorizers; the preview lists the
    live routes the document lacks. LocalStack cannot show that those keep serving: its merge drops them
    (measured with 2026.3.0: after the merge and a new deployment, GET /legacy answers 403 Missing
    Authentication Token), which AWS does not; moto shows it, below."""
    api_id = _old_api(apigw, {("GET", "/legacy"): (None, ())}, family)
    run = ImportRun(localstack_url)
    outcome = run.run(family, rest_api_id=api_id, mode="merge")
    assert outcome.plan.kept_routes == ("GET /legacy",)
    assert outcome.verification is not None
    assert not outcome.verification.mismatches, render_table(outcome.verification)


def _moto_document(routes: Any) -> tuple[dict[str, Any], Any]:
    """`secured`'s document in the form moto's import takes: HTTP integrations (it crashes on mock ones
    without a uri) and an info description (it crashes without one)."""
    data, result = secured("3.0", routes)
    data["info"]["description"] = "merge test"
    for path, item in data["paths"].items():
        for operation in item.values():
            operation["x-amazon-apigateway-integration"] = {
                "type": "http",
                "uri": f"http://127.0.0.1:9{path}",
                "httpMethod": "GET",
            }
    return data, result


def test_merge_keeps_the_live_routes_the_document_lacks(aws_env: None, moto_url: str) -> None:
    """moto server (whose merge keeps existing methods, as AWS's does, though it ignores security): after
    `import --mode merge` of a document without GET /legacy, the API still has that method, with its
    integration, beside the document's; an overwrite then removes it. (moto duplicates the resource of a
    path both hold, a moto quirk, so methods are compared as a set of routes.)"""
    import boto3

    client = boto3.client("apigateway", region_name="us-east-1", endpoint_url=moto_url)
    old, _ = _moto_document({("GET", "/legacy"): (None, ()), ("GET", "/pets"): (None, ())})
    api_id = client.import_rest_api(body=json.dumps(old))["id"]

    def routes() -> set[tuple[str, str]]:
        items = client.get_resources(restApiId=api_id, embed=["methods"])["items"]
        return {(m, r["path"]) for r in items for m in r.get("resourceMethods", {})}

    data, result = _moto_document({("GET", "/pets"): ("Pool", ())})
    run = ImportRun(moto_url)
    outcome = run.importer.run(
        data, version("3.0"), result, ImportOptions(rest_api_id=api_id, mode="merge", verify=False)
    )
    assert outcome.plan.kept_routes == ("GET /legacy",)
    assert routes() == {("GET", "/legacy"), ("GET", "/pets")}
    legacy = next(r for r in client.get_resources(restApiId=api_id)["items"] if r["path"] == "/legacy")
    integration = client.get_integration(restApiId=api_id, resourceId=legacy["id"], httpMethod="GET")
    assert integration["uri"] == "http://127.0.0.1:9/legacy"  # still routed where it was
    run.importer.run(data, version("3.0"), result, ImportOptions(rest_api_id=api_id, verify=False))
    assert routes() == {("GET", "/pets")}  # the default, overwrite, removes it


def test_overwrite_keeps_api_settings(apigw: Any, localstack_url: str) -> None:
    """LocalStack resets description and binary media types on overwrite; they are put back."""
    api_id = _old_api(apigw, {("GET", "/pets"): (None, ())})
    apigw.update_rest_api(
        restApiId=api_id,
        patchOperations=[
            {"op": "replace", "path": "/description", "value": "keep me"},
            {"op": "add", "path": "/binaryMediaTypes/image~1png"},
        ],
    )
    outcome = ImportRun(localstack_url).run(rest_api_id=api_id)
    assert set(outcome.plan.kept_settings) >= {"description", "binaryMediaTypes"}
    assert set(outcome.restored) == {"description", "binaryMediaTypes"}
    api = apigw.get_rest_api(restApiId=api_id)
    assert api["description"] == "keep me"
    assert api["binaryMediaTypes"] == ["image/png"]


def test_drop_api_settings(apigw: Any, localstack_url: str) -> None:
    api_id = _old_api(apigw, {("GET", "/pets"): (None, ())})
    apigw.update_rest_api(
        restApiId=api_id, patchOperations=[{"op": "replace", "path": "/description", "value": "drop me"}]
    )
    outcome = ImportRun(localstack_url).run(rest_api_id=api_id, drop_api_settings=True)
    assert outcome.restored == []
    assert "description" not in apigw.get_rest_api(restApiId=api_id)


def test_dry_run_sends_nothing(apigw: Any, proxy: FaultProxy) -> None:
    """The proxy sees every request: a dry run reads the API and sends no request that may change anything
    (not only PutRestApi and CreateDeployment: PutGatewayResponse, CreateAuthorizer, UpdateMethod,
    UpdateRestApi, any non-GET API Gateway call and any Cognito or STS call but a read). The same run without
    --dry-run, through the same proxy, shows the check sees such calls."""
    api_id = _old_api(apigw, {("GET", "/legacy"): (None, ())})
    apigw.update_rest_api(  # a setting an overwrite must put back (UpdateRestApi)
        restApiId=api_id, patchOperations=[{"op": "replace", "path": "/description", "value": "keep me"}]
    )
    cors = {
        "UNAUTHORIZED": {"responseParameters": {"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"}}
    }
    run = ImportRun(proxy.url)
    outcome = run.run(rest_api_id=api_id, stage="dev", dry_run=True, extra={GATEWAY_RESPONSES_KEY: cors})
    assert outcome.dry_run
    assert outcome.verification is None
    assert proxy.mutating() == []
    assert proxy.count("GetResources") == 1
    assert any("dry run: would send PutRestApi mode=overwrite" in line for line in run.lines)
    assert any("GET /legacy" in line for line in run.lines)
    dry_create = run.run(api_name=unique("never"), create=True, dry_run=True)
    assert dry_create.rest_api_id is None
    assert proxy.mutating() == []
    real = run.run(rest_api_id=api_id, stage="dev", extra={GATEWAY_RESPONSES_KEY: cors})
    assert real.verification is not None
    sent = proxy.mutating()
    assert any("(PutRestApi)" in call for call in sent), sent
    assert any("(CreateDeployment)" in call for call in sent), sent
    assert any("(PutGatewayResponse)" in call for call in sent), sent  # LocalStack's import drops them
    assert any("(UpdateRestApi)" in call for call in sent), sent  # the description put back


def test_refused_import_makes_no_call(aws_env: None, proxy: FaultProxy) -> None:
    run = ImportRun(proxy.url)
    data, result = secured("3.1")
    with pytest.raises(InputError, match=r"would refuse this import: .*rejects 3\.1"):
        run.importer.run(data, version("3.1"), result, ImportOptions(rest_api_id="abc"))
    assert proxy.seen == []


def test_api_by_name(apigw: Any, localstack_url: str) -> None:
    name = unique("twins")
    first = _old_api(apigw, {("GET", "/a"): (None, ())})
    apigw.update_rest_api(
        restApiId=first, patchOperations=[{"op": "replace", "path": "/name", "value": name}]
    )
    outcome = ImportRun(localstack_url).run(api_name=name)
    assert outcome.rest_api_id == first
    second = _old_api(apigw, {("GET", "/a"): (None, ())})
    apigw.update_rest_api(
        restApiId=second, patchOperations=[{"op": "replace", "path": "/name", "value": name}]
    )
    with pytest.raises(AwsError, match="2 REST APIs are named") as caught:
        ImportRun(localstack_url).run(api_name=name)
    assert first in caught.value.message
    assert second in caught.value.message
    with pytest.raises(AwsError, match="no REST API named"):
        ImportRun(localstack_url).run(api_name=unique("absent"))


def test_unknown_api_id(apigw: Any, localstack_url: str) -> None:
    with pytest.raises(AwsError, match="REST API nope0000 not found in us-east-1"):
        ImportRun(localstack_url).run(rest_api_id="nope0000")


def test_failed_create_is_deleted(apigw: Any, proxy: FaultProxy) -> None:
    """CreateDeployment fails after --create made the API: the API is deleted again."""
    proxy.add(Fault("CreateDeployment", status=400, code="BadRequestException", message="No integration"))
    name = unique("rollback")
    run = ImportRun(proxy.url)
    with pytest.raises(AwsError, match="CreateDeployment: rejected"):
        run.run(api_name=name, create=True, stage="dev")
    assert proxy.count("DeleteRestApi") == 1
    assert _api_named(apigw, name) == []
    assert any("deleted REST API" in line for line in run.lines)


def test_throttled_put_and_deployment_are_retried(apigw: Any, proxy: FaultProxy) -> None:
    """429 TooManyRequestsException twice on each: both calls succeed after paced waits."""
    api_id = _old_api(apigw, {("GET", "/pets"): (None, ())})
    proxy.add(Fault("PutRestApi", status=429, code="TooManyRequestsException", times=2))
    proxy.add(Fault("CreateDeployment", status=429, code="TooManyRequestsException", times=2))
    run = ImportRun(proxy.url)
    outcome = run.run(rest_api_id=api_id, stage="dev")
    assert outcome.deployment_id
    assert proxy.count("PutRestApi") == 3
    assert proxy.count("CreateDeployment") == 3
    put_waits, deploy_waits = run.pacing.waits[:2], run.pacing.waits[2:]
    assert put_waits[0] >= 1.0
    assert put_waits[1] >= 2.0
    assert deploy_waits[0] >= 5.0
    assert deploy_waits[1] >= 10.0
    assert sum("throttled by AWS, retrying" in line for line in run.lines) == 4


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (Fault("PutRestApi", status=400, code="BadRequestException", message="Invalid"), "rejected"),
        (Fault("PutRestApi", status=403, code="AccessDeniedException", message="no"), "access denied"),
        (
            Fault("PutRestApi", status=403, code="ExpiredTokenException", message="token expired"),
            "credentials have expired",
        ),
        (Fault("PutRestApi", status=503, code="ServiceUnavailableException", times=9), "HTTP 503"),
        (Fault("PutRestApi", status=500, code="InternalFailure", times=9), "HTTP 500"),
        (Fault("PutRestApi", status=429, code="TooManyRequestsException", times=99), "still throttled"),
        (Fault("PutRestApi", kind="delay", delay=3.0, times=9), "timed out waiting"),
        (Fault("GetRestApis", status=404, code="NotFoundException", message="gone"), "not found"),
    ],
)
def test_each_failure_is_one_aws_error(apigw: Any, proxy: FaultProxy, fault: Fault, expected: str) -> None:
    api_id = _old_api(apigw, {("GET", "/pets"): (None, ())})
    apigw.update_rest_api(
        restApiId=api_id, patchOperations=[{"op": "replace", "path": "/name", "value": unique("f")}]
    )
    name = apigw.get_rest_api(restApiId=api_id)["name"]
    proxy.add(fault)
    run = ImportRun(proxy.url)
    run.importer.clients = Clients(
        SessionOptions(region="us-east-1", endpoint_url=proxy.url, max_attempts=1, read_timeout=1.0)
    )
    target = {"api_name": name} if fault.operation == "GetRestApis" else {"rest_api_id": api_id}
    with pytest.raises(AwsError, match=expected) as caught:
        run.run(**target)
    assert "\n" not in caught.value.message


# --- the CLI end to end: LocalStack for API Gateway, moto for Cognito and STS ------------------------

SECRET = "wJalrXUtnFEMIexampleSECRETdoNotPrint"
KEY_ID = "AKIAIOSFODNN7EXAMPLE"


def _invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def cli_env(aws_env: None, localstack_url: str, moto_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Endpoints per service, as the AWS CLI reads them; a pool made in moto, named in the selector."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_ENDPOINT_URL_API_GATEWAY", localstack_url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", moto_url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", moto_url)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    pool_name = unique("SecurePetsUsers")
    # The selector's scope is defined by the pool and requestable by a client, as import checks.
    pool = make_pool(moto_url, pool_name, scopes=("purchase",), oauth_scopes=(f"{RESOURCE_SERVER}/purchase",))
    monkeypatch.setenv("SECUREPETS_USER_POOL", f"name:{pool_name}")
    return pool.arn


SPEC = "specs/securepets.yaml"
SELECTOR = "specs/securepets.selector.yaml"


def test_cli_import_deploy_verify_and_drift(cli_env: str, apigw: Any) -> None:
    name = unique("SecurePets")
    done = _invoke("import", SPEC, "-s", SELECTOR, "--api-name", name, "--create", "--stage", "dev")
    assert done.exit_code == 0, done.stderr
    assert "COGNITO_USER_POOLS" in done.stdout
    assert "0 mismatches" in done.stdout
    assert "user pool name:" in done.stderr
    assert cli_env in done.stderr
    (api_id,) = _api_named(apigw, name)
    assert [s["stageName"] for s in apigw.get_stages(restApiId=api_id)["item"]] == ["dev"]
    authorizers = apigw.get_authorizers(restApiId=api_id)["items"]
    assert [a["providerARNs"] for a in authorizers] == [[cli_env]]

    again = _invoke("verify", SPEC, "-s", SELECTOR, "--rest-api-id", api_id)
    assert again.exit_code == 0, again.stderr
    change_by_hand(apigw, api_id, "GET /pets", "authorizationType", "NONE")
    drift = _invoke("verify", SPEC, "-s", SELECTOR, "--api-name", name)
    assert drift.exit_code == 1
    assert "mismatch: GET /pets: authorizationType is NONE" in drift.stdout


@pytest.mark.parametrize(
    ("flags", "sent"), [((), "true"), (("--fail-on-warnings",), "true"), (("--allow-warnings",), "false")]
)
def test_cli_sends_the_documented_fail_on_warnings(
    cli_env: str, proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch, flags: tuple[str, ...], sent: str
) -> None:
    """docs/import-and-emulators.md: fail-on-warnings by default, `--allow-warnings` turns it off; the
    proxy reads the value ImportRestApi and PutRestApi carry."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_API_GATEWAY", proxy.url)
    name = unique("Warnings")
    done = _invoke("import", SPEC, "-s", SELECTOR, "--api-name", name, "--create", *flags)
    assert done.exit_code == 0, done.stderr
    again = _invoke("import", SPEC, "-s", SELECTOR, "--api-name", name, *flags)
    assert again.exit_code == 0, again.stderr
    assert [q["failonwarnings"] for q in proxy.queries("ImportRestApi")] == [[sent]]
    assert [q["failonwarnings"] for q in proxy.queries("PutRestApi")] == [[sent]]


def test_cli_no_verify_reads_nothing_back(
    cli_env: str, proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/import-and-emulators.md: `--no-verify` skips reading the API back: no GetAuthorizers, no
    GetResources after the import, and no table; without it, both are read and the table printed."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_API_GATEWAY", proxy.url)
    done = _invoke(
        "import", SPEC, "-s", SELECTOR, "--api-name", unique("NoVerify"), "--create", "--no-verify"
    )
    assert done.exit_code == 0, done.stderr
    assert proxy.count("GetAuthorizers") == proxy.count("GetResources") == 0
    assert "COGNITO_USER_POOLS" not in done.stdout
    checked = _invoke("import", SPEC, "-s", SELECTOR, "--api-name", unique("Verify"), "--create")
    assert checked.exit_code == 0, checked.stderr
    assert proxy.count("GetAuthorizers") >= 1
    assert proxy.count("GetResources") >= 1
    assert "COGNITO_USER_POOLS" in checked.stdout


def test_cli_dry_run(cli_env: str, apigw: Any) -> None:
    name = unique("DryPets")
    done = _invoke("import", SPEC, "-s", SELECTOR, "--api-name", name, "--create", "--dry-run")
    assert done.exit_code == 0, done.stderr
    assert "dry run: would send ImportRestApi" in done.stderr
    assert _api_named(apigw, name) == []


@pytest.mark.parametrize("mode", ["overwrite", "merge"])
def test_cli_dry_run_says_what_changes_in_each_methods_authorization(
    cli_env: str, apigw: Any, tmp_path: Any, mode: str
) -> None:
    """Turning GET /pets/{petId} from public to secured (with a scope), dropping POST /purchase's scope and
    requiring an API key on GET /pets: the dry run names each method, live -> new, in text and in JSON."""
    name = unique("PlanPets")
    assert _invoke("import", SPEC, "-s", SELECTOR, "--api-name", name, "--create").exit_code == 0
    selector = tmp_path / "changed.selector.yaml"
    text = (ROOT / SELECTOR).read_text()
    for old, new in (
        (f"    scopes: [{RESOURCE_SERVER}/purchase]\n  # Browsing", "  # Browsing"),
        (
            "  - select: GET /pets/{petId}\n    public: true",
            "  - select: GET /pets/{petId}\n    authorizer: SecurePetsPool\n"
            f"    scopes: [{RESOURCE_SERVER}/purchase]",
        ),
        (
            "  - select: GET /pets\n    authorizer: SecurePetsPool",
            "  - select: GET /pets\n    authorizer: SecurePetsPool\n    api_key: required",
        ),
    ):
        assert old in text, old
        text = text.replace(old, new)
    selector.write_text(text)
    args = ["import", SPEC, "-s", str(selector), "--api-name", name, "--dry-run", "--mode", mode]
    done = _invoke(*args)
    assert done.exit_code == 0, done.stderr
    assert "authorization changes on 3 method(s) (live -> new):" in done.stderr
    purchase = f"COGNITO_USER_POOLS SecurePetsPool [{RESOURCE_SERVER}/purchase]"
    assert (
        f"  GET /pets/{{petId}}: NONE -> {purchase} (scopes added: {RESOURCE_SERVER}/purchase)" in done.stderr
    )
    assert (
        f"  POST /purchase: {purchase} -> COGNITO_USER_POOLS SecurePetsPool"
        f" (scopes removed: {RESOURCE_SERVER}/purchase)"
    ) in done.stderr
    assert (
        "  GET /pets: COGNITO_USER_POOLS SecurePetsPool -> COGNITO_USER_POOLS SecurePetsPool + API key"
        " (API key not required -> required)"
    ) in done.stderr
    as_json = _invoke(*args, "--report", "json")
    assert as_json.exit_code == 0, as_json.stderr
    report = json.loads(as_json.stdout)
    assert report["dry_run"] is True
    assert report["plan"]["action"] == mode
    changes = {(c["method"], c["path"]): c for c in report["plan"]["authorization_changes"]}
    assert set(changes) == {("GET", "/pets/{petId}"), ("POST", "/purchase"), ("GET", "/pets")}
    assert changes[("GET", "/pets/{petId}")]["live"] == "NONE"
    assert changes[("GET", "/pets/{petId}")]["new"] == purchase
    assert changes[("POST", "/purchase")]["scopes_removed"] == [f"{RESOURCE_SERVER}/purchase"]
    assert changes[("GET", "/pets")]["api_key"] == "not required -> required"
    unchanged = _invoke("import", SPEC, "-s", SELECTOR, "--api-name", name, "--dry-run", "--mode", mode)
    assert "no method's authorization changes" in unchanged.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--parameter", "basepath=sideways"], 2, "allowed values"),
        (["--stage-description", "x"], 2, "--stage-description needs --stage"),
        (["--rest-api-id", "abc"], 2, "exactly one of"),
        (["--endpoint-url", "http://127.0.0.1:9"], 3, "cannot reach http://127.0.0.1:9"),
    ],
)
def test_cli_failures(cli_env: str, args: list[str], code: int, message: str) -> None:
    done = _invoke("import", SPEC, "-s", SELECTOR, "--api-name", unique("x"), *args)
    assert done.exit_code == code, done.output
    assert message in done.stderr
    assert "Traceback" not in done.output
    assert SECRET not in done.output
    assert KEY_ID not in done.output


def test_cli_aws_errors_exit_3_without_credentials(cli_env: str, proxy: FaultProxy, monkeypatch: Any) -> None:
    """AccessDenied and an expired token from the proxy: exit 3, one error line, no credentials shown."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_API_GATEWAY", proxy.url)
    for code in ("AccessDeniedException", "ExpiredTokenException"):
        proxy.add(Fault("GetRestApis", status=403, code=code, message=f"denied for {KEY_ID}"))
        done = _invoke("import", SPEC, "-s", SELECTOR, "--api-name", unique("x"))
        assert done.exit_code == 3, done.output
        errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1
        assert "GetRestApis" in errors[0]
        assert KEY_ID not in done.output
        assert SECRET not in done.output
