"""Where HTTP APIs (jwt authorizers) meet deploy-time pools: each command says what it does with a
selector whose jwt pool only the stack names, before any AWS call."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from apigw_cognito.cli.main import app
from tests.support.paths import ROOT

SPEC = ROOT / "specs" / "securenotes-http.yaml"
POOL_LINE = "      - ${SECURENOTES_USER_POOL:-us-east-1_AbCdEfGhI}\n"
NOWHERE = ["--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9"]  # any call would fail


def stack_selector(tmp_path: Path) -> Path:
    text = (ROOT / "specs" / "securenotes-http.selector.yaml").read_text()
    assert POOL_LINE in text
    path = tmp_path / "selector.yaml"
    path.write_text(text.replace(POOL_LINE, "      - {Ref: PoolId}\n"))
    return path


def test_verify_stack_refuses_a_jwt_selector_before_reading_the_stack(tmp_path: Path) -> None:
    selector = stack_selector(tmp_path)
    result = CliRunner().invoke(app, ["verify", str(SPEC), "-s", str(selector), "--stack", "Notes", *NOWHERE])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"error: {selector}: verify --stack compares a stack's REST API, but the selector's authorizers are"
        " type jwt (an HTTP API)"
    ), result.stderr
    assert "--http-api-id" in result.stderr


def test_import_into_an_http_api_names_the_http_api_resources_in_its_hint(tmp_path: Path) -> None:
    selector = stack_selector(tmp_path)
    result = CliRunner().invoke(
        app, ["import", str(SPEC), "-s", str(selector), "--http-api-id", "abc123", *NOWHERE]
    )
    assert result.exit_code == 2
    assert f"error: {selector}:9:9: authorizer 'NotesUsers': user pool {{Ref: PoolId}}" in result.stderr
    assert "AWS::ApiGatewayV2::Api" in result.stderr
    assert "AWS::ApiGateway::RestApi" not in result.stderr
    assert "--stack" not in result.stderr


def test_explain_says_the_issuer_is_built_at_deployment(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["explain", str(SPEC), "-s", str(stack_selector(tmp_path)), "GET /notes"]
    )
    assert result.exit_code == 0, result.output
    assert "  issuer      built at deployment from the pool {Ref: PoolId}\n" in result.stdout


def test_init_on_the_secured_document_gives_the_reference_back(tmp_path: Path) -> None:
    secured, starter = tmp_path / "secured.yaml", tmp_path / "starter.yaml"
    applied = CliRunner().invoke(
        app, ["apply", str(SPEC), "-s", str(stack_selector(tmp_path)), "-o", str(secured)]
    )
    assert applied.exit_code == 0, applied.output
    assert CliRunner().invoke(app, ["init", str(secured), "-o", str(starter)]).exit_code == 0
    assert '      - {"Ref":"PoolId"}\n' in starter.read_text()
    check = CliRunner().invoke(app, ["apply", str(secured), "-s", str(starter), "--check"])
    assert check.exit_code == 0, check.output


def test_verify_of_an_http_api_speaks_of_verify_and_issuers(tmp_path: Path) -> None:
    selector = stack_selector(tmp_path)
    result = CliRunner().invoke(
        app, ["verify", str(SPEC), "-s", str(selector), "--http-api-id", "abc", *NOWHERE]
    )
    assert result.exit_code == 2
    assert (
        "which only the deployment of its stack turns into an issuer; verify compares issuers"
        in result.stderr
    )
    assert "import" not in result.stderr.splitlines()[0]


def test_serve_refuses_api_keys_for_an_http_api_before_serving() -> None:
    selector = ROOT / "specs" / "securenotes-http.selector.yaml"
    result = CliRunner().invoke(
        app, ["serve", str(SPEC), "-s", str(selector), "--api-key", "k1", "--port", "0"]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --api-key: an HTTP API has no API keys"), result.stderr
    assert "serving" not in result.stderr


def test_init_names_from_http_api_when_it_refuses_group_by() -> None:
    result = CliRunner().invoke(app, ["init", "--from-http-api", "abc123", "--group-by", "tag", *NOWHERE])
    assert result.exit_code == 2
    assert "--from-http-api reproduces the API method by method" in result.stderr, result.stderr
