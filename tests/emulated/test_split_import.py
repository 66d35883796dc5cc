"""Split documents imported into LocalStack, read back with boto3.

LocalStack's import follows path-item references like an importer that resolves them: a method written
behind a `$ref` is created. This proves that the bundle the tool sends carries every such method, secured
as the selector decided, and that `verify` compares them (read back from GetResources and GetAuthorizers).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from apigw_cognito.cli.main import app
from tests.support.apidocs import unique
from tests.support.paths import ROOT

from .test_import import cli_env  # noqa: F401  (the endpoints and a moto pool, as the CLI tests use them)

SPLIT = ROOT / "specs" / "split"
SELECTOR = str(ROOT / "specs" / "securepets.selector.yaml")


def _invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def _methods(apigw: Any, api_id: str) -> dict[tuple[str, str], dict[str, Any]]:
    resources = apigw.get_resources(restApiId=api_id, embed=["methods"], limit=500)["items"]
    return {
        (method, resource["path"]): body
        for resource in resources
        for method, body in resource.get("resourceMethods", {}).items()
    }


def test_split_securepets_imports_every_method_secured(cli_env: str, apigw: Any, tmp_path: Path) -> None:  # noqa: F811
    for root in ("securepets/openapi.yaml", "securepets-swagger2/swagger.json"):
        name = unique("SplitPets")
        spec = str(SPLIT / root)
        done = _invoke("import", spec, "-s", SELECTOR, "--api-name", name, "--create", "--stage", "dev")
        assert done.exit_code == 0, done.stderr
        assert "0 mismatches" in done.stdout
        (api_id,) = [a["id"] for a in apigw.get_rest_apis(limit=500)["items"] if a["name"] == name]
        methods = _methods(apigw, api_id)
        assert methods[("GET", "/pets")]["authorizationType"] == "COGNITO_USER_POOLS"
        assert methods[("POST", "/purchase")]["authorizationType"] == "COGNITO_USER_POOLS"
        assert methods[("POST", "/purchase")]["authorizationScopes"] == ["https://pets.example.com/purchase"]
        for public in (("OPTIONS", "/pets"), ("POST", "/pets"), ("GET", "/pets/{petId}")):
            assert methods[public]["authorizationType"] == "NONE"
        assert _invoke("verify", spec, "-s", SELECTOR, "--rest-api-id", api_id).exit_code == 0


def test_a_same_file_reference_is_decided_not_left_open(cli_env: str, apigw: Any, tmp_path: Path) -> None:  # noqa: F811
    """The case that used to go live open: a path item behind a local $ref, undecided under default: deny."""
    document = tmp_path / "api.yaml"
    document.write_text(
        (ROOT / "specs" / "securepets.yaml")
        .read_text()
        .replace("paths:\n", "paths:\n  /invoices:\n    $ref: '#/x-path-items/invoices'\n", 1)
        + "x-path-items:\n  invoices:\n    get:\n      responses: {'200': {description: ok}}\n"
        "      x-amazon-apigateway-integration: {type: mock}\n"
    )
    name = unique("RefPets")
    refused = _invoke("import", str(document), "-s", SELECTOR, "--api-name", name, "--create")
    assert refused.exit_code == 1
    assert "GET /invoices is selected by no rule" in refused.stderr
    assert [a for a in apigw.get_rest_apis(limit=500)["items"] if a["name"] == name] == []
    selector = tmp_path / "selector.yaml"
    selector.write_text(
        Path(SELECTOR)
        .read_text()
        .replace("default: deny", "  - select: GET /invoices\n    authorizer: SecurePetsPool\ndefault: deny")
    )
    done = _invoke("import", str(document), "-s", str(selector), "--api-name", name, "--create")
    assert done.exit_code == 0, done.stderr
    (api_id,) = [a["id"] for a in apigw.get_rest_apis(limit=500)["items"] if a["name"] == name]
    assert _methods(apigw, api_id)[("GET", "/invoices")]["authorizationType"] == "COGNITO_USER_POOLS"
