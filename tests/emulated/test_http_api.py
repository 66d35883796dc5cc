"""HTTP APIs (API Gateway v2) with a Cognito user pool as JWT authorizer, on moto's server.

What moto proves: the calls and their order (CreateApi, ReimportApi, GetRoutes, GetAuthorizer by id,
CreateAuthorizer, UpdateRoute, stages), that the tool puts what moto's import leaves out (moto ignores
authorizers and security on import, as docs/import-and-emulators.md says), that `verify` catches drift
planted with boto3, and how `explain` judges the real tokens moto's Cognito issues. What only AWS can show
(its import creating and attaching the authorizer itself, a call refused at the gateway) is in
tests/live/test_live_http_api.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from typer.testing import CliRunner

from apigw_cognito import import_http_document
from apigw_cognito.cli.main import app
from tests.support.apidocs import unique
from tests.support.cognito import REGION, Pool, make_pool
from tests.support.paths import ROOT

SPEC = str(ROOT / "specs" / "securenotes-http.yaml")
SELECTOR = str(ROOT / "specs" / "securenotes-http.selector.yaml")
ADMIN = "aws.cognito.signin.user.admin"

pytestmark = pytest.mark.usefixtures("aws_env")


def v2(url: str) -> Any:
    return boto3.client("apigatewayv2", region_name=REGION, endpoint_url=url)


@pytest.fixture(scope="module", autouse=True)
def _delete_made_apis(moto_url: str) -> Iterator[None]:
    """Deletes the HTTP APIs this module made (moto names them all SecureNotes, after the document's
    title), leaving the session's moto as it found it: the docs' examples find SecureNotes by name."""
    client = boto3.client(
        "apigatewayv2",
        region_name=REGION,
        endpoint_url=moto_url,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    before = {a["ApiId"] for a in client.get_apis()["Items"]}
    yield
    for api in client.get_apis()["Items"]:
        if api["ApiId"] not in before:
            client.delete_api(ApiId=api["ApiId"])


@pytest.fixture(scope="module")
def pool(moto_url: str) -> Pool:
    """A pool whose resource server defines notes/write, with an app client that may request it."""
    made = make_pool(moto_url, scopes=("write",), oauth_scopes=("https://pets.example.com/write",))
    return made


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.stdout, result.stderr


def selector(tmp_path: Path, pool: Pool, *, scope: str = "https://pets.example.com/write") -> str:
    """The SecureNotes selector with this pool's id and app client, and a scope its resource server has."""
    text = Path(SELECTOR).read_text()
    text = text.replace("${SECURENOTES_USER_POOL:-us-east-1_AbCdEfGhI}", pool.id)
    text = text.replace("${SECURENOTES_APP_CLIENT:-4r5t6y7u8i9o0p1a2s3d4f5g6h}", pool.client_id)
    text = text.replace("[notes/write]", f"['{scope}']")
    path = tmp_path / "selector.yaml"
    path.write_text(text)
    return str(path)


def import_new(tmp_path: Path, pool: Pool, url: str) -> tuple[str, str]:
    """Import SecureNotes into a new HTTP API; its id and the import's progress lines."""
    name = unique("notes")
    code, out, err = run(
        "import",
        SPEC,
        "-s",
        selector(tmp_path, pool),
        "--http-api-name",
        name,
        "--create",
        "--endpoint-url",
        url,
    )
    assert code == 0, out + err
    assert "verify: 5 routes checked, 0 mismatches" in out
    (api,) = [a for a in v2(url).get_apis()["Items"] if a["Name"] == "SecureNotes" and a["ApiId"] in err]
    return api["ApiId"], err


def test_import_creates_the_api_puts_what_moto_left_out_and_reads_back(
    tmp_path: Path, pool: Pool, moto_url: str
) -> None:
    api_id, lines = import_new(tmp_path, pool, moto_url)
    assert "the import left authorizer 'NotesUsers' out: created it (CreateAuthorizer" in lines
    assert "the import left the authorization of POST /notes out: set JWT NotesUsers" in lines
    assert "created stage $default, which deploys every change automatically" in lines
    client = v2(moto_url)
    routes = {r["RouteKey"]: r for r in client.get_routes(ApiId=api_id)["Items"]}
    assert routes["GET /health"].get("AuthorizationType", "NONE") == "NONE"
    secured = ["GET /notes", "POST /notes", "GET /notes/{noteId}", "DELETE /notes/{noteId}"]
    assert {routes[k]["AuthorizationType"] for k in secured} == {"JWT"}
    assert routes["POST /notes"]["AuthorizationScopes"] == ["https://pets.example.com/write"]
    assert not routes["GET /notes"].get("AuthorizationScopes")
    (authorizer_id,) = {routes[k]["AuthorizerId"] for k in secured}
    authorizer = client.get_authorizer(ApiId=api_id, AuthorizerId=authorizer_id)
    assert authorizer["Name"] == "NotesUsers"
    assert authorizer["AuthorizerType"] == "JWT"
    assert authorizer["JwtConfiguration"] == {
        "Issuer": f"https://cognito-idp.{REGION}.amazonaws.com/{pool.id}",  # no trailing slash
        "Audience": [pool.client_id],
    }
    assert authorizer["IdentitySource"] == ["$request.header.Authorization"]
    (stage,) = client.get_stages(ApiId=api_id)["Items"]
    assert stage["StageName"] == "$default"
    assert stage["AutoDeploy"] is True


def test_verify_passes_then_catches_planted_drift(tmp_path: Path, pool: Pool, moto_url: str) -> None:
    api_id, _ = import_new(tmp_path, pool, moto_url)
    chosen = selector(tmp_path, pool)
    code, out, _ = run("verify", SPEC, "-s", chosen, "--http-api-id", api_id, "--endpoint-url", moto_url)
    assert code == 0, out
    client = v2(moto_url)
    routes = {r["RouteKey"]: r for r in client.get_routes(ApiId=api_id)["Items"]}
    client.update_route(ApiId=api_id, RouteId=routes["GET /notes"]["RouteId"], AuthorizationType="NONE")
    client.update_route(
        ApiId=api_id,
        RouteId=routes["POST /notes"]["RouteId"],
        AuthorizationType="JWT",
        AuthorizationScopes=["notes/read"],
    )
    issuer = f"https://cognito-idp.{REGION}.amazonaws.com/{pool.id}"
    client.update_authorizer(
        ApiId=api_id,
        AuthorizerId=routes["DELETE /notes/{noteId}"]["AuthorizerId"],
        JwtConfiguration={"Issuer": issuer + "/", "Audience": [pool.client_id]},
    )
    code, out, _ = run("verify", SPEC, "-s", chosen, "--http-api-id", api_id, "--endpoint-url", moto_url)
    assert code == 1, out
    assert "mismatch: GET /notes: authorizationType is NONE, expected JWT" in out
    assert (
        "mismatch: POST /notes: authorizationScopes are notes/read, expected https://pets.example.com/write"
        in out
    )
    assert f"has issuer {issuer}/ (a trailing slash: no Cognito token matches it), expected {issuer}" in out


def test_a_dry_run_names_the_routes_a_reimport_removes_and_a_second_import_ends_the_same(
    tmp_path: Path, pool: Pool, moto_url: str
) -> None:
    api_id, _ = import_new(tmp_path, pool, moto_url)
    chosen = selector(tmp_path, pool)
    lacking = tmp_path / "lacking.yaml"
    lacking.write_text(Path(SPEC).read_text().split("  /notes/{noteId}:")[0])
    code, out, err = run(
        "import", str(lacking), "-s", chosen, "--http-api-id", api_id, "--dry-run", "--endpoint-url", moto_url
    )
    assert code == 0, out + err
    assert (
        "2 live route(s) the document lacks will be removed: DELETE /notes/{noteId}, GET /notes/{noteId}"
        in err
    )
    assert "dry run: would send" in err
    code, out, err = run("import", SPEC, "-s", chosen, "--http-api-id", api_id, "--endpoint-url", moto_url)
    assert code == 0, out + err
    assert "0 mismatches" in out


def test_wrong_kind_of_api_and_unknown_api_are_refused(tmp_path: Path, pool: Pool, moto_url: str) -> None:
    code, _, err = run(
        "import", SPEC, "-s", selector(tmp_path, pool), "--rest-api-id", "abc", "--endpoint-url", moto_url
    )
    assert code == 2
    assert "the selector's authorizers are type jwt (an HTTP API), but --rest-api-id" in err
    rest = str(ROOT / "specs" / "securepets.selector.yaml")
    code, _, err = run(
        "verify",
        str(ROOT / "specs" / "securepets.yaml"),
        "-s",
        rest,
        "--http-api-id",
        "x",
        "--endpoint-url",
        moto_url,
    )
    assert code == 2
    assert "the selector's authorizers are REST API Cognito authorizers" in err
    code, _, err = run(
        "verify",
        SPEC,
        "-s",
        selector(tmp_path, pool),
        "--http-api-id",
        "nosuchapi",
        "--endpoint-url",
        moto_url,
    )
    assert code == 3
    assert "HTTP API nosuchapi not found" in err


def explain(tmp_path: Path, pool: Pool, operation: str, token: str, scope: str = ADMIN) -> tuple[int, str]:
    code, out, err = run(
        "explain",
        SPEC,
        operation,
        "-s",
        selector(tmp_path, pool, scope=scope),
        "--token",
        token,
        "--endpoint-url",
        pool.url,
    )
    assert token not in out + err
    return code, out + err


def test_explain_judges_moto_tokens_by_the_jwt_authorizer_rules(tmp_path: Path, pool: Pool) -> None:
    tokens = pool.tokens()
    code, out = explain(tmp_path, pool, "GET /notes", tokens["access"])
    assert code == 0, out
    assert f"audience: the token has no aud; its client_id {pool.client_id} is in the audience" in out
    assert "scopes: the route has none, so any token of the audience is accepted, ID or access token" in out
    assert "signature: verified with key" in out
    code, out = explain(tmp_path, pool, "GET /notes", tokens["id"])
    assert code == 0, out
    assert f"audience: aud {pool.client_id} is in the audience" in out
    code, out = explain(tmp_path, pool, "POST /notes", tokens["access"])
    assert code == 0, out
    assert f"scopes: it carries {ADMIN}, one of the route's scopes" in out
    code, out = explain(tmp_path, pool, "POST /notes", tokens["id"])
    assert code == 1, "an ID token carries no scope"
    assert f"it carries none of the route's scopes ({ADMIN}); it has no scope" in out
    code, out = explain(
        tmp_path, pool, "POST /notes", tokens["access"], scope="https://pets.example.com/write"
    )
    assert code == 1
    assert f"it carries none of the route's scopes (https://pets.example.com/write); it has {ADMIN}" in out


def test_explain_refuses_another_pool_and_another_app_client(
    tmp_path: Path, pool: Pool, moto_url: str
) -> None:
    other = make_pool(moto_url)
    code, out = explain(tmp_path, pool, "GET /notes", other.tokens()["id"])
    assert code == 1
    assert f"is not the authorizer's issuer 'https://cognito-idp.{REGION}.amazonaws.com/{pool.id}'" in out
    same_pool_other_client = Pool(pool.id, pool.arn, pool.client_id, pool.url)
    cognito = boto3.client("cognito-idp", region_name=REGION, endpoint_url=moto_url)
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool.id, ClientName="cli", ExplicitAuthFlows=["ADMIN_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    token = Pool(pool.id, pool.arn, client_id, pool.url).tokens()["access"]
    code, out = explain(tmp_path, same_pool_other_client, "GET /notes", token)
    assert code == 1
    assert f"its client_id {client_id} is not in the authorizer's audience ({pool.client_id})" in out


def test_audit_live_and_init_from_the_api_read_http_apis(tmp_path: Path, pool: Pool, moto_url: str) -> None:
    api_id, _ = import_new(tmp_path, pool, moto_url)
    code, out, _ = run("audit", "--live", "--http-api-id", api_id, "--endpoint-url", moto_url)
    assert code == 1, "GET /health is public and nothing allows it"
    assert f"GET /health of HTTP API {api_id} ('SecureNotes') has no authorization" in out
    assert "POST    /notes" in out
    assert "[https://pets.example.com/write]" in out
    code, out, _ = run(
        "audit", "--live", "--http-api-id", api_id, "--allow", "GET /health", "--endpoint-url", moto_url
    )
    assert code == 0, out
    adopted = tmp_path / "adopted.yaml"
    code, _, err = run(
        "init", SPEC, "--from-http-api", api_id, "-o", str(adopted), "--endpoint-url", moto_url
    )
    assert code == 0, err
    text = adopted.read_text()
    assert "type: jwt" in text
    assert f"      - {pool.id}" in text
    code, out, _ = run(
        "verify", SPEC, "-s", str(adopted), "--http-api-id", api_id, "--endpoint-url", moto_url
    )
    assert code == 0, "the adopted selector describes the API it was read from"


def test_an_audience_that_is_no_app_client_of_the_pool_is_a_warning(
    tmp_path: Path, pool: Pool, moto_url: str
) -> None:
    chosen = Path(selector(tmp_path, pool))
    chosen.write_text(chosen.read_text().replace(pool.client_id, "nosuchclient1"))
    code, out, err = run(
        "apply",
        SPEC,
        "-s",
        str(chosen),
        "--resolve",
        "-o",
        str(tmp_path / "out.yaml"),
        "--endpoint-url",
        moto_url,
    )
    assert code == 0, err
    assert "warning AGC214: authorizer NotesUsers: audience item 1 is no app client of its user pool" in out
    assert "every token is refused" in out


def test_the_library_imports_into_an_http_api(tmp_path: Path, pool: Pool, moto_url: str) -> None:
    lines: list[str] = []
    outcome = import_http_document(
        Path(SPEC),
        Path(selector(tmp_path, pool)),
        http_api_name=unique("library"),
        create=True,
        endpoint_url=moto_url,
        log=lines.append,
    )
    assert outcome.created
    assert outcome.verification is not None
    assert outcome.verification.ok
    assert any("created it (CreateAuthorizer" in line for line in lines)


def test_import_and_verify_by_target_for_an_http_api(tmp_path: Path, pool: Pool, moto_url: str) -> None:
    name = unique("target")
    config = tmp_path / "apigw-cognito.toml"
    config.write_text(
        f"""[[apis]]
name = "notes"
spec = "{SPEC}"
selector = "{selector(tmp_path, pool)}"

[apis.targets.dev]
http_api_name = "{name}"
create = true
"""
    )
    code, out, err = run("import", "--target", "dev", "--config", str(config), "--endpoint-url", moto_url)
    assert code == 0, out + err
    assert "== notes: ok" in out
    assert "the HTTP API named" in err
    (api,) = [a for a in v2(moto_url).get_apis()["Items"] if a["Name"] == "SecureNotes" and a["ApiId"] in err]
    config.write_text(
        config.read_text().replace(
            f'http_api_name = "{name}"\ncreate = true', f'http_api_id = "{api["ApiId"]}"'
        )
    )
    code, out, err = run("verify", "--target", "dev", "--config", str(config), "--endpoint-url", moto_url)
    assert code == 0, out + err
    config.write_text(config.read_text().replace("[apis.targets.dev]", '[apis.targets.dev]\nmode = "merge"'))
    code, _, err = run("import", "--target", "dev", "--config", str(config), "--endpoint-url", moto_url)
    assert code == 2
    assert "'mode = merge' is for REST APIs" in err


def test_a_document_whose_jwt_issuer_a_stack_builds_is_not_imported(
    tmp_path: Path, pool: Pool, moto_url: str
) -> None:
    """The document was secured for a stack (its issuer a CloudFormation function); a selector whose
    authorizer has another name leaves that scheme in place, and import refuses to send it."""
    stack = tmp_path / "stack.selector.yaml"
    stack.write_text(
        Path(SELECTOR).read_text().replace("${SECURENOTES_USER_POOL:-us-east-1_AbCdEfGhI}", "{Ref: PoolId}")
    )
    secured = tmp_path / "secured.yaml"
    code, out, err = run("apply", SPEC, "-s", str(stack), "-o", str(secured))
    assert code == 0, out + err
    other = tmp_path / "other.yaml"
    other.write_text(Path(selector(tmp_path, pool)).read_text().replace("NotesUsers", "OtherUsers"))
    code, out, err = run(
        "import",
        str(secured),
        "-s",
        str(other),
        "--http-api-name",
        unique("notes"),
        "--create",
        "--dry-run",
        "--endpoint-url",
        moto_url,
    )
    assert code == 2, out + err
    assert "security scheme NotesUsers: jwtConfiguration.issuer is a CloudFormation function" in err
    assert "nothing was sent" in err
