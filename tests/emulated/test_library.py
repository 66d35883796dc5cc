"""The library API (`from apigw_cognito import ...`) and the examples in docs/recipes.md, run as written
(test_docs_examples.py runs every other page's examples, docs/pipelines.md's included).
"""

from __future__ import annotations

import inspect
import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import apigw_cognito
from apigw_cognito import (
    FindingsError,
    InputError,
    SecureResult,
    audit_document,
    load_document,
    load_selector,
    secure_document,
    validate_document,
)
from apigw_cognito.cli.main import app
from tests.properties.test_templatefile import terraform_reads
from tests.support.paths import ROOT

SPECS = ROOT / "specs"
RECIPES = ROOT / "docs" / "recipes.md"
POOL = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI"


def test_every_exported_name_resolves_and_functions_are_documented() -> None:
    for name in apigw_cognito.__all__:
        value = getattr(apigw_cognito, name)
        if inspect.isfunction(value):
            assert value.__doc__, f"{name} has no docstring"
            assert inspect.signature(value).return_annotation is not inspect.Signature.empty
    assert set(apigw_cognito.__all__) <= set(dir(apigw_cognito))
    with pytest.raises(AttributeError):
        _ = apigw_cognito.no_such_name  # type: ignore[attr-defined]
    assert apigw_cognito.__version__


def test_secure_document_matches_the_command(tmp_path: Path) -> None:
    spec = SPECS / "securepets.yaml"
    selector = SPECS / "securepets.selector.yaml"
    result = secure_document(spec.read_bytes(), selector.read_bytes(), name="securepets.yaml", environ={})
    assert isinstance(result, SecureResult)
    cli = CliRunner().invoke(
        app,
        ["apply", str(spec), "-s", str(selector), "-o", str(tmp_path / "o.yaml")],
        env={"SECUREPETS_USER_POOL": ""},
    )
    assert cli.exit_code == 0
    assert result.output == (tmp_path / "o.yaml").read_bytes()
    assert result.changed
    assert result.data["paths"]["/pets"]["get"]["security"] == [{"SecurePetsPool": []}]
    assert json.loads(result.json())["components"]["securitySchemes"]["SecurePetsPool"]["in"] == "header"
    assert [r.decision for r in result.report.rows].count("secured") == 2
    # Paths and loaded values work too, and a second run changes nothing.
    again = secure_document(
        load_document(result.output, name="out.yaml"), load_selector(selector, environ={})
    )
    assert again.output == result.output
    assert not again.changed


def test_environment_for_the_selector() -> None:
    other = POOL.replace("AbCdEfGhI", "ZyXwVuTsR")
    result = secure_document(
        SPECS / "securepets.yaml", SPECS / "securepets.selector.yaml", environ={"SECUREPETS_USER_POOL": other}
    )
    scheme = result.data["components"]["securitySchemes"]["SecurePetsPool"]
    assert scheme["x-amazon-apigateway-authorizer"]["providerARNs"] == [other]


def test_findings_that_forbid_a_result_raise_with_the_report() -> None:
    selector = (
        f"version: 1\nauthorizers:\n  P:\n    user_pools: [{POOL}]\n"
        "rules:\n  - select: GET /pets\n    authorizer: P\ndefault: deny\n"
    ).encode()
    with pytest.raises(FindingsError) as err:
        secure_document(SPECS / "securepets.yaml", selector)
    assert err.value.exit_code == 1
    assert {f.code for f in err.value.report.errors} == {"AGC101"}
    assert "securepets.yaml" in str(err.value)


def test_bad_input_raises_input_error_with_its_place() -> None:
    with pytest.raises(InputError) as err:
        secure_document(SPECS / "securepets.yaml", b"version: 1\nauthorizers: {}\nrules: []\nbogus: 1\n")
    assert err.value.location is not None
    assert err.value.location.file == "selector.yaml"
    with pytest.raises(InputError):
        load_document(b"{not json", name="api.json")


def test_audit_and_validate() -> None:
    report = audit_document(SPECS / "securepets.yaml")
    assert {r.decision for r in report.rows} == {"OPEN"}
    assert len(report.errors) == 5
    assert not audit_document(
        SPECS / "securepets.yaml", SPECS / "securepets.selector.yaml", environ={}
    ).errors
    assert not validate_document(SPECS / "securepets-swagger2.json").errors


def test_overlay_from_the_library() -> None:
    result = secure_document(SPECS / "securepets.yaml", SPECS / "securepets.selector.yaml", environ={})
    overlay = result.overlay()
    assert overlay["overlay"] == "1.0.0"
    assert any(a["target"] == "$['paths']['/purchase']['post']" for a in overlay["actions"])


# --- import, against LocalStack (the emulator fixtures start it) --------------------------------------------


def test_import_document_and_a_configured_target(
    aws_env: None, localstack_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from apigw_cognito import import_configured, import_document, load_config

    lines: list[str] = []
    outcome = import_document(
        SPECS / "securepets.yaml",
        SPECS / "securepets.selector.yaml",
        api_name="LibraryPets",
        create=True,
        stage="dev",
        region="us-east-1",
        endpoint_url=localstack_url,
        environ={},
        log=lines.append,
        pool_check=False,  # LocalStack has no Cognito to read the pool's resource servers from
    )
    assert outcome.created
    assert outcome.verification is not None
    assert outcome.verification.ok
    assert any("deployed" in line for line in lines)

    (tmp_path / ".git").mkdir()
    shutil.copytree(SPECS, tmp_path / "specs")
    (tmp_path / "apigw-cognito.toml").write_text(
        '[[apis]]\nname = "pets"\nspec = "specs/securepets.yaml"\n'
        'selector = "specs/securepets.selector.yaml"\n'
        '[apis.targets.dev]\napi_name = "LibraryPets"\nregion = "us-east-1"\nmode = "merge"\n'
        f'env = {{ SECUREPETS_USER_POOL = "{POOL.replace("AbCdEfGhI", "QqQqQqQqQ")}" }}\n'
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AWS_ENDPOINT_URL", localstack_url)
    again = import_configured("pets", "dev", dry_run=True, pool_check=False)
    assert again.dry_run
    assert again.rest_api_id == outcome.rest_api_id
    with pytest.raises(InputError, match="no import target 'prod'"):
        import_configured("pets", "prod", config=load_config(), pool_check=False)


# --- docs/recipes.md ---------------------------------------------------------------------------------------


def blocks(language: str) -> list[str]:
    text = RECIPES.read_text()
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(SPECS, tmp_path / "specs")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SECUREPETS_USER_POOL", raising=False)
    return tmp_path


def test_python_recipes_run(checkout: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script, cdk_app = blocks("python")
    exec(compile(script, "docs/recipes.md (build script)", "exec"), {})
    assert "GET /pets SecurePetsPool" in capsys.readouterr().out
    assert (checkout / "build" / "securepets.yaml").read_bytes().count(b"SecurePetsPool") >= 3
    json.loads((checkout / "build" / "securepets.json").read_text())

    # The real aws-cdk-lib, synthesizing with the machine's Node.
    exec(compile(cdk_app, "docs/recipes.md (CDK app)", "exec"), {})
    template = json.loads((checkout / "build" / "cdk.out" / "SecurePets.template.json").read_text())
    resources = template["Resources"]
    (pool,) = [k for k, r in resources.items() if r["Type"] == "AWS::Cognito::UserPool"]
    (api,) = [r for r in resources.values() if r["Type"] == "AWS::ApiGateway::RestApi"]
    body = api["Properties"]["Body"]
    scheme = body["components"]["securitySchemes"]["SecurePetsPool"]["x-amazon-apigateway-authorizer"]
    assert scheme["providerARNs"] == [{"Fn::GetAtt": [pool, "Arn"]}]
    assert body["paths"]["/purchase"]["post"]["security"] == [
        {"SecurePetsPool": ["https://pets.example.com/purchase"]}
    ]


def test_a_cdk_http_api_gets_the_issuer_of_the_apps_own_pool(checkout: Path) -> None:
    """The real aws-cdk-lib: the pool id's token inside the issuer function becomes the pool's Ref, and
    the stack evaluates the function to the pool's issuer."""
    import aws_cdk as cdk
    from aws_cdk import aws_apigatewayv2 as apigwv2
    from aws_cdk import aws_cognito as cognito

    from apigw_cognito.core.stack_resolution import Resource, StackFacts, evaluate

    cdk_app = cdk.App(outdir=str(checkout / "build" / "cdk.out"))
    stack = cdk.Stack(cdk_app, "SecureNotes")
    pool = cognito.UserPool(stack, "UserPool")
    secured = secure_document(
        Path("specs/securenotes-http.yaml"),
        Path("specs/securenotes-http.selector.yaml"),
        environ={"SECURENOTES_USER_POOL": pool.user_pool_id},
    )
    apigwv2.CfnApi(stack, "NotesApi", body=secured.data)
    cdk_app.synth()
    template = json.loads((checkout / "build" / "cdk.out" / "SecureNotes.template.json").read_text())
    resources = template["Resources"]
    (logical,) = [k for k, r in resources.items() if r["Type"] == "AWS::Cognito::UserPool"]
    (api,) = [r for r in resources.values() if r["Type"] == "AWS::ApiGatewayV2::Api"]
    scheme = api["Properties"]["Body"]["components"]["securitySchemes"]["NotesUsers"]
    issuer = scheme["x-amazon-apigateway-authorizer"]["jwtConfiguration"]["issuer"]
    pool_part = issuer["Fn::Join"][1][-1]["Fn::Select"][1]["Fn::Split"][1]["Fn::Join"][1][0]
    assert pool_part == {"Ref": logical}
    facts = StackFacts(
        "SecureNotes",
        "arn:aws:cloudformation:eu-west-1:111122223333:stack/SecureNotes/0f0e",
        resources={logical: Resource("AWS::Cognito::UserPool", "eu-west-1_CdkPool9")},
    )
    assert evaluate(issuer, facts) == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_CdkPool9"


def test_terraform_recipe_runs(checkout: Path) -> None:
    commands = blocks("sh")[-1]
    for line in commands.splitlines():
        args = shlex.split(line, comments=True)
        if not args:
            continue
        if args[:2] == ["mkdir", "-p"]:
            (checkout / args[2]).mkdir(parents=True, exist_ok=True)
            continue
        if args[0] == "sed":
            subprocess.run(line, shell=True, check=True, cwd=checkout)
            continue
        assert args[0] == "apigw-cognito"
        result = CliRunner().invoke(app, args[1:], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    (hcl,) = blocks("hcl")
    files = re.findall(r'templatefile\("\$\{path\.module\}/([^"]+)"', hcl)
    assert files == ["build/securepets.yaml.tftpl"]
    assert re.findall(r"^\s+(\w+) = aws_cognito_user_pool", hcl, flags=re.MULTILINE) == ["user_pool_arn"]
    arn = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_FromTf"
    rendered, opened = terraform_reads((checkout / files[0]).read_text(), {"user_pool_arn": arn})
    assert opened == ["${user_pool_arn}"]
    data = yaml.safe_load(rendered)
    scheme = data["components"]["securitySchemes"]["SecurePetsPool"]["x-amazon-apigateway-authorizer"]
    assert scheme["providerARNs"] == [arn]
