"""Live APIs on LocalStack: an API secured the way the console does it, adopted, audited, verified by stage,
and imported by target.

The API is built by the calls the console makes (CreateRestApi, CreateResource, CreateAuthorizer of type
COGNITO_USER_POOLS, PutMethod with the authorizer and scopes, PutMethodResponse, PutIntegration,
PutIntegrationResponse, CreateDeployment), never by an import. LocalStack's export writes neither
authorizers nor security, and neither emulator has a deployment's API summary: what a stage serves is
told by the digest `import --stage` records in the deployment's description.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from apigw_cognito.app.config import parse_config
from apigw_cognito.app.targets import run_targets, target_runs
from apigw_cognito.aws.pacer import Pacer
from apigw_cognito.basics.errors import InputError
from apigw_cognito.cli.main import app
from tests.support.apidocs import OTHER_POOL_ARN, POOL_ARN, unique
from tests.support.emulators import REGION

CLIENT_REGEX = "^[0-9a-z]{26}$"

# (METHOD, path) -> (authorizer name or None, scopes), as a person would set them in the console
CONSOLE: dict[tuple[str, str], tuple[str | None, tuple[str, ...]]] = {
    ("GET", "/pets"): ("PetsPool", ()),
    ("OPTIONS", "/pets"): (None, ()),
    ("GET", "/pets/{petId}"): (None, ()),
    ("POST", "/purchase"): ("PetsPool", ("https://pets.example.com/purchase",)),
    ("DELETE", "/pets/{petId}"): ("AdminPool", ("pets/admin",)),
}


def own_spec() -> dict[str, Any]:
    """The console's API as the user's own document (tests/unit/core/test_adopt.py matches renamed
    parameters: `verify` compares paths exactly, as an import would rename the resource)."""
    paths: dict[str, dict[str, Any]] = {}
    for method, path in CONSOLE:
        written = path
        operation: dict[str, Any] = {
            "responses": {"200": {"description": "ok"}},
            "x-amazon-apigateway-integration": {
                "type": "mock",
                "requestTemplates": {"application/json": '{"statusCode": 200}'},
                "responses": {"default": {"statusCode": "200"}},
            },
        }
        if "{" in written:
            operation["parameters"] = [
                {"name": "petId", "in": "path", "required": True, "schema": {"type": "string"}}
            ]
        paths.setdefault(written, {})[method.lower()] = operation
    return {"openapi": "3.0.1", "info": {"title": "Console pets, as written", "version": "1"}, "paths": paths}


def console_api(client: Any, name: str, *, stage: str | None = "prod") -> str:
    """A REST API secured as the console tutorial does it; its id."""
    api_id = str(client.create_rest_api(name=name)["id"])
    ids = {r["path"]: r["id"] for r in client.get_resources(restApiId=api_id)["items"]}
    for path in ("/pets", "/pets/{petId}", "/purchase"):
        parent, part = path.rsplit("/", 1)
        ids[path] = client.create_resource(restApiId=api_id, parentId=ids[parent or "/"], pathPart=part)["id"]
    pools = {
        "PetsPool": client.create_authorizer(
            restApiId=api_id,
            name="PetsPool",
            type="COGNITO_USER_POOLS",
            providerARNs=[POOL_ARN],
            identitySource="method.request.header.Authorization",
            identityValidationExpression=CLIENT_REGEX,
            authorizerResultTtlInSeconds=60,
        )["id"],
        "AdminPool": client.create_authorizer(
            restApiId=api_id,
            name="AdminPool",
            type="COGNITO_USER_POOLS",
            providerARNs=[OTHER_POOL_ARN],
            identitySource="method.request.header.X-Admin-Token",
        )["id"],
    }
    for (method, path), (authorizer, scopes) in CONSOLE.items():
        secured: dict[str, Any] = (
            {"authorizationType": "COGNITO_USER_POOLS", "authorizerId": pools[authorizer]}
            if authorizer
            else {"authorizationType": "NONE"}
        )
        if scopes:
            secured["authorizationScopes"] = list(scopes)
        where = {"restApiId": api_id, "resourceId": ids[path], "httpMethod": method}
        client.put_method(**where, **secured)
        client.put_method_response(**where, statusCode="200", responseModels={"application/json": "Empty"})
        client.put_integration(
            **where, type="MOCK", requestTemplates={"application/json": '{"statusCode": 200}'}
        )
        client.put_integration_response(**where, statusCode="200", responseTemplates={"application/json": ""})
    if stage:
        client.create_deployment(restApiId=api_id, stageName=stage)
    return api_id


def authorization(client: Any, api_id: str) -> dict[tuple[str, str], tuple[str, str | None, tuple[str, ...]]]:
    """What each method requires: (authorizationType, the authorizer's name and pools, scopes)."""
    auths = {a["id"]: a for a in client.get_authorizers(restApiId=api_id)["items"]}
    out = {}
    for resource in client.get_resources(restApiId=api_id, embed=["methods"])["items"]:
        for verb, method in (resource.get("resourceMethods") or {}).items():
            auth = auths.get(method.get("authorizerId") or "")
            described = None
            if auth:
                described = " ".join(
                    [
                        auth["name"],
                        *auth["providerARNs"],
                        auth.get("identitySource", ""),
                        auth.get("identityValidationExpression", ""),
                    ]
                )
            out[(verb, resource["path"])] = (
                method.get("authorizationType", "NONE"),
                described,
                tuple(sorted(method.get("authorizationScopes") or ())),
            )
    return out


def _cli(*args: str) -> Any:
    # LocalStack has no Cognito: single-API import and verify skip the scope check against the pools.
    single = args[0] in ("import", "verify") and "--target" not in args
    return CliRunner().invoke(app, [*args, "--no-pool-check"] if single else list(args))


@pytest.fixture
def console(apigw: Any, localstack_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("AWS_ENDPOINT_URL", localstack_url)
    return console_api(apigw, unique("console"))


# --- adopt --------------------------------------------------------------------------------------------------


def test_adopt_with_the_users_own_spec_round_trips(apigw: Any, console: str, tmp_path: Path) -> None:
    """The selector matches the document's paths; verify against the source API reports 0 mismatches, and
    importing the pair (through the CLI, validation included) into a new API gives the same authorization."""
    spec = tmp_path / "pets.json"
    spec.write_text(json.dumps(own_spec()))
    selector = tmp_path / "pets.selector.yaml"
    result = _cli("init", str(spec), "--from-api", console, "-o", str(selector))
    assert result.exit_code == 0, result.output
    text = selector.read_text()
    assert "select: 'GET /pets/{petId}'  # public in the API (NONE)" in text
    assert f"app_client_id_regex: '{CLIENT_REGEX}'" in text
    assert "result_ttl_seconds: 60" in text
    assert "identity_source: method.request.header.X-Admin-Token" in text
    assert "scopes: ['https://pets.example.com/purchase']" in text
    verify = _cli("verify", str(spec), "-s", str(selector), "--rest-api-id", console)
    assert verify.exit_code == 0, verify.output
    assert "0 mismatches" in verify.output
    name = unique("adopted")
    imported = _cli(
        "import", str(spec), "-s", str(selector), "--api-name", name, "--create", "--stage", "dev"
    )
    assert imported.exit_code == 0, imported.output
    (copy,) = [a["id"] for a in apigw.get_rest_apis(limit=500)["items"] if a["name"] == name]
    original = authorization(apigw, console)
    assert authorization(apigw, copy) == original


def test_adopt_with_spec_out_writes_the_export_and_a_matching_selector(
    apigw: Any, console: str, tmp_path: Path
) -> None:
    """--spec-out writes LocalStack's export (no security in it), cleaned so that `import` accepts it (its
    models' `$schema` keys and servers without url would not validate), and the pair decides every method;
    the pair imported into a new API by the `import` command reproduces the authorization."""
    spec_out = tmp_path / "exported.yaml"
    selector = tmp_path / "adopted.selector.yaml"
    result = _cli("init", "--from-api", console, "-o", str(selector), "--spec-out", str(spec_out))
    assert result.exit_code == 0, result.output
    assert "the export carries no security schemes" in result.stderr
    assert "x-amazon-apigateway-integration" in spec_out.read_text()
    verify = _cli("verify", str(spec_out), "-s", str(selector), "--rest-api-id", console)
    assert verify.exit_code == 0, verify.output
    name = unique("copy")
    done = _cli("import", str(spec_out), "-s", str(selector), "--api-name", name, "--create")
    assert done.exit_code == 0, done.output
    assert "0 mismatches" in done.stdout
    (copy,) = [a["id"] for a in apigw.get_rest_apis(limit=500)["items"] if a["name"] == name]
    assert authorization(apigw, copy) == authorization(apigw, console)


CORS = {
    "gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
    "gatewayresponse.header.Access-Control-Allow-Headers": "'Authorization'",
}


def test_adopt_carries_the_gateway_responses(apigw: Any, console: str, tmp_path: Path) -> None:
    """The API's 401 and 4xx answers carry CORS headers: the adopted export declares them, so verify finds
    them equal and an overwrite of the pair resets nothing; with a document of the user's own that lacks
    them, init says to decide them."""
    apigw.put_gateway_response(
        restApiId=console, responseType="UNAUTHORIZED", statusCode="401", responseParameters=CORS
    )
    apigw.put_gateway_response(
        restApiId=console,
        responseType="DEFAULT_4XX",
        responseParameters=CORS,
        responseTemplates={"application/json": '{"message":$context.error.messageString}'},
    )
    spec_out = tmp_path / "exported.yaml"
    selector = tmp_path / "adopted.selector.yaml"
    result = _cli("init", "--from-api", console, "-o", str(selector), "--spec-out", str(spec_out))
    assert result.exit_code == 0, result.output
    assert "declared the API's gateway response(s) DEFAULT_4XX, UNAUTHORIZED in the export" in result.stderr
    verify = _cli("verify", str(spec_out), "-s", str(selector), "--rest-api-id", console)
    assert verify.exit_code == 0, verify.output
    assert "2 gateway responses checked, 0 mismatches" in verify.stdout
    assert "not in the document" not in verify.stdout
    dry = _cli("import", str(spec_out), "-s", str(selector), "--rest-api-id", console, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "gateway response" not in dry.stderr
    assert "nothing in the live API disappears" in dry.stderr

    own = tmp_path / "pets.json"
    own.write_text(json.dumps(own_spec()))
    lacking = _cli("init", str(own), "--from-api", console, "-o", str(tmp_path / "own.selector.yaml"))
    assert lacking.exit_code == 1, lacking.output
    assert (
        f"decide: gateway response UNAUTHORIZED is configured in the API but not declared in {own}"
        in lacking.stderr
    )


def test_adopt_after_a_second_import_keeps_the_name_and_the_gateway_responses(
    apigw: Any, localstack_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """LocalStack adds an authorizer of the same name on every import: the one the methods use keeps its
    name in the adopted selector, the unused twin is reported and left out, and verify of the pair passes."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", localstack_url)
    specs = Path(__file__).resolve().parents[2] / "specs"
    name = unique("twice")
    files = [str(specs / "securepets.yaml"), "-s", str(specs / "securepets.selector.yaml")]
    assert _cli("import", *files, "--api-name", name, "--create", "--stage", "dev").exit_code == 0
    assert _cli("import", *files, "--api-name", name, "--stage", "dev").exit_code == 0
    spec_out, selector = tmp_path / "pets.yaml", tmp_path / "pets.selector.yaml"
    adopted = _cli("init", "--api-name", name, "-o", str(selector), "--spec-out", str(spec_out))
    assert adopted.exit_code == 0, adopted.output
    assert "is used by no method and has the name of another: left out of the selector" in adopted.stderr
    text = selector.read_text()
    assert "  SecurePetsPool:  # authorizer " in text
    assert "SecurePetsPool_2" not in text
    verify = _cli("verify", str(spec_out), "-s", str(selector), "--api-name", name)
    assert verify.exit_code == 0, verify.output
    assert "0 mismatches" in verify.stdout
    assert "AGC207" not in verify.output
    # With the document itself: its selector's `gateway_responses: cors: auto` made the live responses,
    # and the adopted selector says so again, so an overwrite of the pair resets none of them.
    own = tmp_path / "own.selector.yaml"
    again = _cli("init", files[0], "--api-name", name, "-o", str(own))
    assert again.exit_code == 0, again.output
    assert own.read_text().endswith("gateway_responses:\n  cors: auto\n")
    pair = _cli("verify", files[0], "-s", str(own), "--api-name", name)
    assert pair.exit_code == 0, pair.output
    assert "5 gateway responses checked, 0 mismatches" in pair.stdout
    dry = _cli("import", files[0], "-s", str(own), "--api-name", name, "--dry-run")
    assert "nothing in the live API disappears" in dry.stderr, dry.output


def test_adopt_says_what_it_cannot_express(apigw: Any, console: str, tmp_path: Path) -> None:
    """An IAM method gets no rule: `default: deny` makes apply stop on it, and init exits 1 saying so."""
    ids = {r["path"]: r["id"] for r in apigw.get_resources(restApiId=console)["items"]}
    apigw.put_method(
        restApiId=console, resourceId=ids["/purchase"], httpMethod="PUT", authorizationType="AWS_IAM"
    )
    result = _cli("init", "--from-api", console)
    assert result.exit_code == 1
    assert "# PUT /purchase: AWS_IAM, which no rule can express" in result.stdout
    assert "decide: PUT /purchase uses AWS_IAM" in result.stderr


def test_adopt_an_api_without_cognito_is_refused(apigw: Any, localstack_url: str, monkeypatch: Any) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", localstack_url)
    api_id = apigw.create_rest_api(name=unique("plain"))["id"]
    result = _cli("init", "--from-api", api_id)
    assert result.exit_code == 2
    assert "has no Cognito user pool authorizer" in result.stderr
    assert "Traceback" not in result.output


# --- audit --live -------------------------------------------------------------------------------------------


def test_audit_live_without_allowances_finds_the_open_method(console: str) -> None:
    result = _cli("audit", "--live", "--rest-api-id", console, "--report", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    rows = {(r["method"], r["path"]): r for r in report["operations"]}
    assert rows[("GET", "/pets/{petId}")]["decision"] == "OPEN"
    assert rows[("OPTIONS", "/pets")]["decision"] == "public"  # a preflight
    assert rows[("POST", "/purchase")]["scopes"] == ["https://pets.example.com/purchase"]
    (finding,) = report["findings"]
    assert finding["code"] == "AGC502"
    assert finding["location"]["file"] == f"apigateway://{REGION}/{console}/GET/pets/{{petId}}"


def test_audit_live_with_allowances(console: str, tmp_path: Path) -> None:
    allowed = _cli("audit", "--live", "--rest-api-id", console, "--allow", "GET /pets/*")
    assert allowed.exit_code == 0, allowed.output
    assert "--allow 'GET /pets/*'" in allowed.stdout
    selector = tmp_path / "allow.selector.yaml"
    selector.write_text(
        "version: 1\nauthorizers:\n  P:\n    user_pools: [" + POOL_ARN + "]\n"
        "rules:\n  - select: 'GET /pets/{petId}'\n    authorizer: P\n  - select: '* /**'\n    public: true\n"
    )
    wanted_secured = _cli(
        "audit", "--live", "--rest-api-id", console, "-s", str(selector), "--report", "sarif"
    )
    assert wanted_secured.exit_code == 1
    (result,) = json.loads(wanted_secured.stdout)["runs"][0]["results"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == f"apigateway://{REGION}/{console}/GET/pets/%7BpetId%7D"
    assert "secures it with P" in result["message"]["text"]


def test_audit_live_of_every_api_of_the_region(apigw: Any, console: str) -> None:
    """Without ids, every REST API (GetRestApis, paginated) is audited; the summary names the open ones."""
    result = _cli("audit", "--live", "--report", "markdown")
    assert result.exit_code == 1
    assert f"({console})" in result.stdout
    assert "apigw-cognito audit --live:" in result.stdout  # the markdown heading of a run over many APIs


# --- what a stage serves ------------------------------------------------------------------------------------


def test_verify_stage(apigw: Any, console: str, tmp_path: Path) -> None:
    spec = tmp_path / "pets.json"
    spec.write_text(json.dumps(own_spec()))
    selector = tmp_path / "pets.selector.yaml"
    assert _cli("init", str(spec), "--from-api", console, "-o", str(selector)).exit_code == 0
    # The console's own deployment: nothing records what it holds, and LocalStack has no API summary.
    before = _cli("verify", str(spec), "-s", str(selector), "--rest-api-id", console, "--stage", "prod")
    assert before.exit_code == 1
    assert "which `import --stage` did not make" in before.stdout
    common = ["--rest-api-id", console, "--stage", "prod"]
    assert _cli("import", str(spec), "-s", str(selector), *common).exit_code == 0
    served = _cli("verify", str(spec), "-s", str(selector), *common)
    assert served.exit_code == 0, served.output
    assert "made by `import --stage` from these files" in served.stdout
    # A change imported but not deployed: the API has it, the stage does not.
    changed = selector.read_text().replace(
        "scopes: ['https://pets.example.com/purchase']", "scopes: [shop/buy]"
    )
    selector.write_text(changed)
    assert _cli("import", str(spec), "-s", str(selector), "--rest-api-id", console).exit_code == 0
    drift = _cli("verify", str(spec), "-s", str(selector), *common)
    assert drift.exit_code == 1
    assert "0 mismatches" in drift.stdout  # the API's methods are right
    assert "STAGE DRIFT" in drift.stdout
    assert "another document" in drift.stdout
    assert (
        _cli("import", str(spec), "-s", str(selector), "--rest-api-id", console, "--stage", "dev").exit_code
        == 0
    )
    older = _cli("verify", str(spec), "-s", str(selector), *common)
    assert older.exit_code == 1
    assert "older than the last import of these files" in older.stdout
    missing = _cli("verify", str(spec), "-s", str(selector), "--rest-api-id", console, "--stage", "nope")
    assert missing.exit_code == 1
    assert "does not exist" in missing.stdout


# --- import and verify by target ----------------------------------------------------------------------------

PUBLIC_SPEC = {
    "openapi": "3.0.1",
    "info": {"title": "target", "version": "1"},
    "paths": {
        "/items": {
            "get": {
                "responses": {"200": {"description": "ok"}},
                "x-amazon-apigateway-integration": {
                    "type": "mock",
                    "requestTemplates": {"application/json": '{"statusCode": 200}'},
                    "responses": {"default": {"statusCode": "200"}},
                },
            }
        }
    },
}
SECURED_SELECTOR = """version: 1
authorizers:
  Pool:
    user_pools:
      - ${POOL_ARN}
rules:
  - select: GET /items
    authorizer: Pool
default: deny
"""


def _project(tmp_path: Path, apis: dict[str, str], selector: str = SECURED_SELECTOR) -> Path:
    """A configuration with one API per entry of `apis` (name -> target table body)."""
    (tmp_path / "items.json").write_text(json.dumps(PUBLIC_SPEC))
    (tmp_path / "items.selector.yaml").write_text(selector)
    (tmp_path / "broken.selector.yaml").write_text(selector.replace("authorizer: Pool", "authorizer: Nope"))
    parts = []
    for name, target in apis.items():
        sel = "broken.selector.yaml" if name.startswith("broken") else "items.selector.yaml"
        parts.append(
            f'[[apis]]\nname = "{name}"\nspec = "items.json"\nselector = "{sel}"\n'
            f'[apis.targets.staging]\n{target}\nenv = {{ POOL_ARN = "{POOL_ARN}" }}\n'
        )
    config = tmp_path / "apigw-cognito.toml"
    config.write_text("\n".join(parts))
    return config


def _empty_api(apigw: Any) -> str:
    body = {"openapi": "3.0.1", "info": {"title": unique("target"), "version": "1"}, "paths": {}}
    return str(apigw.import_rest_api(body=json.dumps(body))["id"])


def test_import_by_target_paces_through_one_pacer_and_reports_the_worst(
    apigw: Any, localstack_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three configured APIs, one with a broken selector: the others are imported and deployed, and the
    shared pacer (a fake clock that moves only when it sleeps) spaced PutRestApi by 1 s and CreateDeployment
    by 5 s."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", localstack_url)
    ids = [_empty_api(apigw) for _ in range(3)]
    config = _project(
        tmp_path,
        {
            "first": f'rest_api_id = "{ids[0]}"\nstage = "staging"',
            "broken": f'rest_api_id = "{ids[1]}"\nstage = "staging"',
            "third": f'rest_api_id = "{ids[2]}"\nstage = "staging"',
        },
    )
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    pacer = Pacer(clock=lambda: now[0], sleep=sleep)
    runs = target_runs(parse_config(config.read_text(), str(config)), "staging")
    outcomes = run_targets("import", runs, pacer=pacer, log=lambda _: None)
    assert [(o.name, o.exit_code) for o in outcomes] == [("first", 0), ("broken", 2), ("third", 0)]
    # The third's PutRestApi 1 s after the first's; its CreateDeployment 4 s later, 5 s after the first's.
    assert pacer.waits == [1.0, 4.0]
    assert now[0] == 5.0
    for api_id in (ids[0], ids[2]):
        assert authorization(apigw, api_id)[("GET", "/items")][0] == "COGNITO_USER_POOLS"
    result = _cli("verify", "--target", "staging", "--config", str(config))
    assert result.exit_code == 2, result.output
    assert "verify --target staging: 3 APIs, 2 passed, 1 failed: broken (invalid input)" in result.stderr
    assert "made by `import --stage` from these files" in result.stderr


def test_an_api_deleted_mid_run(apigw: Any, localstack_url: str, tmp_path: Path, monkeypatch: Any) -> None:
    """The second API is deleted while the first is verified: it fails alone, with one line and exit 3."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", localstack_url)
    ids = [_empty_api(apigw) for _ in range(2)]
    config = _project(tmp_path, {"one": f'rest_api_id = "{ids[0]}"', "two": f'rest_api_id = "{ids[1]}"'})
    runs = target_runs(parse_config(config.read_text(), str(config)), "staging")
    run_targets("import", runs, pacer=Pacer(sleep=lambda _: None), log=lambda _: None)

    def log(line: str) -> None:
        if line.startswith("verify one"):
            apigw.delete_rest_api(restApiId=ids[1])

    outcomes = run_targets("verify", runs, log=log)
    assert [o.exit_code for o in outcomes] == [0, 3]
    assert outcomes[1].error is not None
    assert "not found" in outcomes[1].error
    assert "\n" not in outcomes[1].error


def test_two_apis_on_one_rest_api_are_refused_before_any_call(tmp_path: Path) -> None:
    """By id: refused from the configuration alone (nothing answers at the endpoint: a call gives exit 3)."""
    config = _project(tmp_path, {"a": 'rest_api_id = "same1"', "b": 'rest_api_id = "same1"'})
    result = _cli(
        "import", "--target", "staging", "--config", str(config), "--endpoint-url", "http://127.0.0.1:9"
    )
    assert result.exit_code == 2, result.output
    assert "both import into same1" in result.stderr
    assert "nothing was sent" in result.stderr
    runs = target_runs(parse_config(config.read_text(), str(config)), "staging")
    with pytest.raises(InputError, match="both import into"):
        run_targets("import", runs, log=lambda _: None)


def test_two_apis_on_one_rest_api_by_name_and_id(apigw: Any, localstack_url: str, tmp_path: Path) -> None:
    """A name and an id that turn out to be the same API: refused after the lookup, before any write."""
    api_id = _empty_api(apigw)
    name = apigw.get_rest_api(restApiId=api_id)["name"]
    config = _project(tmp_path, {"a": f'rest_api_id = "{api_id}"', "b": f'api_name = "{name}"'})
    result = _cli("import", "--target", "staging", "--config", str(config), "--endpoint-url", localstack_url)
    assert result.exit_code == 2, result.output
    assert "both import into" in result.stderr
    assert authorization(apigw, api_id) == {}
