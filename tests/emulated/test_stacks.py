"""The secured document deployed by CloudFormation and SAM (LocalStack), read back with boto3, and `verify
--stack` in sync, then with drift planted; the templates of docs/recipes.md checked with cfn-lint and the
SAM one transformed with aws-sam-translator.

LocalStack community has no Cognito, so a stack there cannot create the pool: the deploying tests give its
ARN as a parameter (`{Ref: PoolArn}` in the selector) where docs/recipes.md creates it in the stack
(`{Fn::GetAtt: [UserPool, Arn]}`); that resolution is unit-tested against stack facts
(tests/unit/core/test_stack_resolution.py), and the recipes' templates are linted and translated as written.
"""

from __future__ import annotations

import copy
import json
import re
import shlex
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from apigw_cognito import secure_document
from apigw_cognito.cli.main import app
from tests.support.emulators import REGION, change_by_hand
from tests.support.paths import ROOT

RECIPES = ROOT / "docs" / "recipes.md"
STACK_SELECTOR = ROOT / "specs" / "securepets.stack.selector.yaml"
SPEC = ROOT / "specs" / "securepets.yaml"
POOL_ARN = "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_StackPool1"
BUCKET = "my-artifacts"


def recipe_blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", RECIPES.read_text(), flags=re.MULTILINE | re.DOTALL)


class CfnLoader(yaml.SafeLoader):
    """Reads a template's short forms (!Ref, !GetAtt) as their long forms."""


def _short_form(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    value = (
        loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else loader.construct_object(node)
    )
    return {suffix: value} if suffix == "Ref" else {f"Fn::{suffix}": value}


CfnLoader.add_multi_constructor("!", _short_form)


def recipe_templates() -> tuple[dict[str, Any], dict[str, Any]]:
    cfn, sam, *_ = (yaml.load(text, Loader=CfnLoader) for text in recipe_blocks("yaml"))
    return cfn, sam


def for_localstack(template: dict[str, Any]) -> dict[str, Any]:
    """The recipe's template with the pool given as a parameter: LocalStack community has no Cognito."""
    out = copy.deepcopy(template)
    for logical, resource in list(out["Resources"].items()):
        if resource["Type"].startswith("AWS::Cognito::"):
            del out["Resources"][logical]
    out["Parameters"] = {"PoolArn": {"Type": "String"}}
    return out


@pytest.fixture
def stack_selector(tmp_path: Path) -> Path:
    selector = tmp_path / "stack.selector.yaml"
    # LocalStack's import drops x-amazon-apigateway-gateway-responses (tests/emulated/test_gateway_responses
    # shows it), and in a stack nothing puts them back: the deploying tests leave them out.
    text = STACK_SELECTOR.read_text().replace("{Fn::GetAtt: [UserPool, Arn]}", "{Ref: PoolArn}")
    selector.write_text(text.replace("gateway_responses:\n  cors: auto\n", ""))
    return selector


@pytest.fixture
def stacks(aws_env: None, localstack_url: str) -> Any:
    import boto3

    return boto3.client("cloudformation", region_name=REGION, endpoint_url=localstack_url)


def deploy(cloudformation: Any, name: str, template: dict[str, Any]) -> dict[str, Any]:
    """Create stack `name` (deleting one of that name a former run left in a shared LocalStack)."""
    listed = cloudformation.list_stacks()["StackSummaries"]
    if any(s["StackName"] == name and s["StackStatus"] != "DELETE_COMPLETE" for s in listed):
        cloudformation.delete_stack(StackName=name)
        cloudformation.get_waiter("stack_delete_complete").wait(
            StackName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 120}
        )
    cloudformation.create_stack(
        StackName=name,
        TemplateBody=json.dumps(template),
        Parameters=[{"ParameterKey": "PoolArn", "ParameterValue": POOL_ARN}],
        Capabilities=["CAPABILITY_AUTO_EXPAND", "CAPABILITY_IAM"],
    )
    waiter = cloudformation.get_waiter("stack_create_complete")
    waiter.wait(StackName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 120})
    return dict(cloudformation.describe_stacks(StackName=name)["Stacks"][0])


def verify(selector: Path, stack: str, url: str, *extra: str) -> Any:
    return CliRunner().invoke(
        app,
        ["verify", str(SPEC), "-s", str(selector), "--stack", stack, "--endpoint-url", url, *extra],
    )


def rest_api(cloudformation: Any, stack: str) -> str:
    resources = cloudformation.list_stack_resources(StackName=stack)["StackResourceSummaries"]
    (api,) = [r["PhysicalResourceId"] for r in resources if r["ResourceType"] == "AWS::ApiGateway::RestApi"]
    return str(api)


def assert_read_back(apigw: Any, api_id: str) -> None:
    (authorizer,) = apigw.get_authorizers(restApiId=api_id)["items"]
    assert authorizer["type"] == "COGNITO_USER_POOLS"
    assert authorizer["providerARNs"] == [POOL_ARN]
    methods = {
        (r["path"], m): apigw.get_method(restApiId=api_id, resourceId=r["id"], httpMethod=m)
        for r in apigw.get_resources(restApiId=api_id)["items"]
        for m in r.get("resourceMethods", {})
    }
    assert methods[("/pets", "GET")]["authorizationType"] == "COGNITO_USER_POOLS"
    assert methods[("/pets", "GET")]["authorizerId"] == authorizer["id"]
    assert methods[("/purchase", "POST")]["authorizationScopes"] == ["https://pets.example.com/purchase"]
    assert methods[("/pets", "POST")]["authorizationType"] == "NONE"


@pytest.mark.parametrize("kind", ["cloudformation", "sam"])
def test_stack_deploys_the_document_and_verify_stack_catches_drift(
    kind: str, stack_selector: Path, stacks: Any, apigw: Any, localstack_url: str, tmp_path: Path
) -> None:
    secured = secure_document(SPEC, stack_selector)
    cfn, sam = (for_localstack(t) for t in recipe_templates())
    template = cfn if kind == "cloudformation" else sam
    # inline, as a generated template holds it (the S3 route through AWS::Include is the recipe's test)
    api = template["Resources"]["SecurePetsApi"]["Properties"]
    api["Body" if kind == "cloudformation" else "DefinitionBody"] = secured.data
    name = f"inline-{kind}-{int(time.time() * 1000)}"
    assert deploy(stacks, name, template)["StackStatus"] == "CREATE_COMPLETE"
    api_id = rest_api(stacks, name)
    assert_read_back(apigw, api_id)

    result = verify(stack_selector, name, localstack_url, "--no-pool-check", "--stage", "prod")
    assert result.exit_code == 0, result.output
    assert f"user pool {{Ref: PoolArn}} -> {POOL_ARN}" in result.output
    assert f"made by stack {name}" in result.output

    # adopting the stack's API with the document holding the reference keeps the reference
    document = tmp_path / "secured.yaml"
    document.write_bytes(secured.output)
    adopted = tmp_path / "adopted.yaml"
    init = CliRunner().invoke(
        app,
        ["init", "--from-api", api_id, str(document), "-o", str(adopted), "--endpoint-url", localstack_url],
    )
    assert init.exit_code == 0, init.output
    assert '- {"Ref":"PoolArn"}' in adopted.read_text()
    again = CliRunner().invoke(app, ["apply", str(document), "-s", str(adopted), "--check"])
    assert again.exit_code == 0, again.output
    assert verify(adopted, name, localstack_url, "--no-pool-check").exit_code == 0
    live = CliRunner().invoke(
        app, ["audit", "--live", "--rest-api-id", api_id, "--endpoint-url", localstack_url]
    )
    assert "2 secured" in live.output

    # drift: GET /pets opened by hand
    change_by_hand(apigw, api_id, "GET /pets", "authorizationType", "NONE")
    drifted = verify(stack_selector, name, localstack_url, "--no-pool-check")
    assert drifted.exit_code == 1, drifted.output
    assert "GET      /pets" in drifted.output

    # the stage moved to a deployment the stack did not make
    apigw.create_deployment(restApiId=api_id, stageName="prod")
    moved = verify(stack_selector, name, localstack_url, "--no-pool-check", "--stage", "prod")
    assert moved.exit_code == 1
    assert "which stack" in moved.output
    assert "did not make" in moved.output


def test_verify_stack_that_cannot_be_read_exits_3(
    stack_selector: Path, aws_env: None, localstack_url: str
) -> None:
    result = verify(stack_selector, "no-such-stack", localstack_url, "--no-pool-check")
    assert result.exit_code == 3, result.output
    assert "stack 'no-such-stack' not found" in result.output


def test_recipe_commands_with_aws_include(
    stack_selector: Path, stacks: Any, localstack_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/recipes.md's CloudFormation commands in order, the document through S3 and AWS::Include."""
    import boto3

    s3 = boto3.client("s3", region_name=REGION, endpoint_url=localstack_url)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "securepets.yaml").write_bytes(SPEC.read_bytes())
    (tmp_path / "specs" / "securepets.stack.selector.yaml").write_text(stack_selector.read_text())
    cfn, _ = recipe_templates()
    commands = recipe_blocks("sh")[0]
    for line in commands.splitlines():
        args = shlex.split(line)
        if args[:2] == ["mkdir", "-p"]:
            (tmp_path / args[2]).mkdir(parents=True, exist_ok=True)
        elif args[:3] == ["aws", "s3", "cp"]:
            bucket, key = args[4].removeprefix("s3://").split("/", 1)
            s3.create_bucket(Bucket=bucket)
            s3.put_object(Bucket=bucket, Key=key, Body=(tmp_path / args[3]).read_bytes())
        elif args[:3] == ["aws", "cloudformation", "deploy"]:
            assert deploy(stacks, args[args.index("--stack-name") + 1], for_localstack(cfn))[
                "StackStatus"
            ] == ("CREATE_COMPLETE")
        else:
            assert args[0] == "apigw-cognito"
            result = CliRunner().invoke(
                app,
                [*args[1:], "--endpoint-url", localstack_url, "--no-pool-check"]
                if args[1] == "verify"
                else args[1:],
            )
            assert result.exit_code == 0, result.output
    include = cfn["Resources"]["SecurePetsApi"]["Properties"]["Body"]["Fn::Transform"]
    assert include["Parameters"]["Location"] == f"s3://{BUCKET}/securepets.yaml"


def test_recipe_templates_lint_and_translate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)  # the translator's pseudo parameters
    from cfnlint.api import lint
    from samtranslator.translator.managed_policy_translator import ManagedPolicyLoader
    from samtranslator.translator.transform import transform

    texts = recipe_blocks("yaml")
    for text in texts:
        matches = lint(text, regions=[REGION])
        assert [m for m in matches if m.rule.id.startswith("E")] == [], [str(m) for m in matches]

    secured = secure_document(SPEC, STACK_SELECTOR)
    _, sam = recipe_templates()
    sam["Resources"]["SecurePetsApi"]["Properties"]["DefinitionBody"] = secured.data  # what AWS::Include puts
    loader = ManagedPolicyLoader(iam_client=None)  # type: ignore[arg-type]  (no managed policies here)
    output = transform(sam, {}, loader)
    api = output["Resources"]["SecurePetsApi"]
    assert api["Type"] == "AWS::ApiGateway::RestApi"
    scheme = api["Properties"]["Body"]["components"]["securitySchemes"]["SecurePetsPool"]
    assert scheme["x-amazon-apigateway-authorizer"]["providerARNs"] == [{"Fn::GetAtt": ["UserPool", "Arn"]}]
    # the translated template lints clean too
    assert [m for m in lint(json.dumps(output), regions=[REGION]) if m.rule.id.startswith("E")] == []


def test_the_http_api_recipe_lints_and_translates_with_the_jwt_issuer_function(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """SAM hands the secured document to AWS::ApiGatewayV2::Api as its Body, the issuer function intact."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    from cfnlint.api import lint
    from samtranslator.translator.managed_policy_translator import ManagedPolicyLoader
    from samtranslator.translator.transform import transform

    selector = tmp_path / "selector.yaml"
    text = (ROOT / "specs" / "securenotes-http.selector.yaml").read_text()
    selector.write_text(text.replace("${SECURENOTES_USER_POOL:-us-east-1_AbCdEfGhI}", "{Ref: UserPool}"))
    secured = secure_document(ROOT / "specs" / "securenotes-http.yaml", selector)
    issuer = secured.data["components"]["securitySchemes"]["NotesUsers"]["x-amazon-apigateway-authorizer"][
        "jwtConfiguration"
    ]["issuer"]
    sam = yaml.load(recipe_blocks("yaml")[2], Loader=CfnLoader)
    sam["Resources"]["NotesApi"]["Properties"]["DefinitionBody"] = secured.data  # what AWS::Include puts
    matches = lint(json.dumps(sam), regions=[REGION])
    assert [m for m in matches if m.rule.id.startswith("E")] == [], [str(m) for m in matches]
    output = transform(sam, {}, ManagedPolicyLoader(iam_client=None))  # type: ignore[arg-type]
    api = output["Resources"]["NotesApi"]
    assert api["Type"] == "AWS::ApiGatewayV2::Api"
    scheme = api["Properties"]["Body"]["components"]["securitySchemes"]["NotesUsers"]
    assert scheme["x-amazon-apigateway-authorizer"]["jwtConfiguration"]["issuer"] == issuer
    assert "Fn::Join" in issuer
    matches = lint(json.dumps(output), regions=[REGION])
    assert [m for m in matches if m.rule.id.startswith("E")] == [], [str(m) for m in matches]
