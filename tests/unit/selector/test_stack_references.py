"""Deploy-time references as user pools: read from the selector at their place, written as they are into
providerARNs (YAML and JSON), accepted by validation where well formed, refused by `import`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from apigw_cognito.basics.errors import InputError, InputErrors
from apigw_cognito.basics.intrinsics import problems, provider_problem
from apigw_cognito.cli.main import app
from apigw_cognito.selector.loader import load_selector
from apigw_cognito.selector.model import deploy_time_pools, pool_kind
from tests.support.paths import ROOT

SPEC = ROOT / "specs" / "securepets.yaml"
SPEC_JSON = ROOT / "specs" / "securepets-swagger2.json"
DEFAULT_POOL = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI"
POOL_LINE = "- ${SECUREPETS_USER_POOL:-" + DEFAULT_POOL + "}"
SUB = "arn:${AWS::Partition}:cognito-idp:${AWS::Region}:${AWS::AccountId}:userpool/${PoolId}"


def selector_text(pool: str) -> str:
    return f"""version: 1
authorizers:
  Pool:
    user_pools:
      - {pool}
rules:
  - select: "* /**"
    authorizer: Pool
cors_preflight: public
"""


def mistake(pool: str) -> InputError:
    with pytest.raises(InputError) as caught:
        load_selector(selector_text(pool).encode(), "s.yaml", {})
    error = caught.value
    return error.errors[0] if isinstance(error, InputErrors) else error


@pytest.mark.parametrize(
    ("written", "data"),
    [
        ("{Ref: PoolArn}", {"Ref": "PoolArn"}),
        ("{Fn::GetAtt: [UserPool, Arn]}", {"Fn::GetAtt": ["UserPool", "Arn"]}),
        ("{Fn::GetAtt: UserPool.Arn}", {"Fn::GetAtt": "UserPool.Arn"}),
        ("{Fn::ImportValue: shared-pool-arn}", {"Fn::ImportValue": "shared-pool-arn"}),
        (
            f"{{Fn::Sub: '{SUB}'}}",
            {"Fn::Sub": SUB},
        ),
        (
            "{Fn::ImportValue: {Fn::Sub: '${Env}-pool-arn'}}",
            {"Fn::ImportValue": {"Fn::Sub": "${Env}-pool-arn"}},
        ),
        ("{Fn::FindInMap: [Pools, {Ref: Env}, Arn]}", {"Fn::FindInMap": ["Pools", {"Ref": "Env"}, "Arn"]}),
        (
            "{Fn::If: [Prod, {Ref: ProdPool}, {Ref: DevPool}]}",
            {"Fn::If": ["Prod", {"Ref": "ProdPool"}, {"Ref": "DevPool"}]},
        ),
        (
            "{Fn::Select: [0, {Fn::Split: [',', {Ref: Pools}]}]}",
            {"Fn::Select": [0, {"Fn::Split": [",", {"Ref": "Pools"}]}]},
        ),
    ],
)
def test_well_formed_references_reach_provider_arns_as_written(
    written: str, data: object, tmp_path: Path
) -> None:
    selector = tmp_path / "s.yaml"
    selector.write_text(selector_text(written).replace('"* /**"', "GET /pets"))
    loaded = load_selector(selector.read_bytes(), "s.yaml", {})
    assert [pool_kind(p) for p in loaded.authorizers["Pool"].user_pools] == ["reference"]
    assert len(deploy_time_pools(loaded)) == 1
    for spec, parse in ((SPEC, yaml.safe_load), (SPEC_JSON, json.loads)):
        sel = tmp_path / "full.yaml"
        sel.write_text(
            (ROOT / "specs" / "securepets.selector.yaml")
            .read_text()
            .replace(
                POOL_LINE,
                f"- {written}",
            )
        )
        result = CliRunner().invoke(app, ["apply", str(spec), "-s", str(sel)])
        assert result.exit_code == 0, result.output
        out = parse(result.stdout)
        schemes = out.get("components", {}).get("securitySchemes") or out["securityDefinitions"]
        assert schemes["SecurePetsPool"]["x-amazon-apigateway-authorizer"]["providerARNs"] == [data]
        # the written document validates as it is (validation accepts the reference where an ARN goes)
        written_doc = tmp_path / ("out.json" if spec.suffix == ".json" else "out.yaml")
        written_doc.write_text(result.stdout)
        check = CliRunner().invoke(app, ["validate", str(written_doc)])
        assert check.exit_code == 0, check.output
        audit = CliRunner().invoke(app, ["audit", str(written_doc)])
        assert audit.exit_code == 0, audit.output
        assert "2 secured, 3 public, 0 open" in audit.output


@pytest.mark.parametrize(
    ("written", "column", "message"),
    [
        ("{Ref: ''}", 15, "Ref takes the logical id"),
        ("{Ref: AWS::NoValue}", 15, "Ref takes the logical id"),
        ("{Fn::GetAtt: [UserPool]}", 22, "Fn::GetAtt takes [LogicalId, Attribute]"),
        ("{Fn::Base64: x}", 9, "Fn::Base64 does not give a string"),
        ("{Fn::Nope: x}", 9, "Fn::Nope is not a CloudFormation function"),
        ("{Fn::Sub: 'arn:${Pool'}", 19, "'${Pool' is not closed"),
        ("{Fn::Join: ['', [a, [b]]]}", 29, "Fn::Join's values item 2 must be a string or a function"),
        ("{Fn::If: [Prod, {Ref: A}, {Ref: AWS::NoValue}]}", 35, "cannot be AWS::NoValue"),
        ("{Ref: A, Fn::Sub: b}", 9, "is a mapping (Ref, Fn::Sub) but no deploy-time reference"),
        ("{template_variable: 9pool}", 29, "template_variable must be a Terraform identifier"),
    ],
)
def test_malformed_references_are_refused_at_their_place(written: str, column: int, message: str) -> None:
    error = mistake(written)
    assert message in error.message
    assert error.location is not None
    assert (error.location.line, error.location.column) == (5, column)
    assert error.hint is not None


def test_short_forms_are_refused_with_the_long_form_in_the_hint() -> None:
    error = mistake("!GetAtt UserPool.Arn")
    assert "YAML tags" in error.message
    assert error.hint is not None
    assert "{Fn::GetAtt: [UserPool, Arn]}" in error.hint


def test_cdk_tokens_only_from_the_environment() -> None:
    token = "${Token[TOKEN.123]}"
    loaded = load_selector(selector_text("${POOL}").encode(), "s.yaml", {"POOL": token})
    assert loaded.authorizers["Pool"].user_pools == (token,)
    assert pool_kind(token) == "token"
    with pytest.raises(InputError):
        load_selector(selector_text("$${Token[TOKEN.123]}").encode(), "s.yaml", {})


def test_document_checks_know_references() -> None:
    assert provider_problem({"Fn::GetAtt": ["UserPool", "Arn"]}) is None
    assert provider_problem("${Token[TOKEN.9]}") is None
    assert provider_problem("${user_pool_arn}") is None
    assert provider_problem("us-east-1_AbC") == "not a user pool ARN"
    assert "Fn::GetAtt takes" in str(provider_problem({"Fn::GetAtt": "UserPool"}))
    assert problems({"Fn::ImportValue": {"Fn::ImportValue": "x"}})


def test_import_refuses_references_before_any_call(tmp_path: Path) -> None:
    selector = tmp_path / "s.yaml"
    selector.write_text(
        (ROOT / "specs" / "securepets.selector.yaml")
        .read_text()
        .replace(
            POOL_LINE,
            "- {Fn::GetAtt: [UserPool, Arn]}",
        )
    )
    # An endpoint nothing listens on: a call would fail with exit 3, a refusal before any call is exit 2.
    common = ["--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9"]
    for command in (
        ["import", str(SPEC), "-s", str(selector), "--api-name", "SecurePets", "--create", *common],
        ["verify", str(SPEC), "-s", str(selector), "--api-name", "SecurePets", *common],
    ):
        result = CliRunner().invoke(
            app, command, env={"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"}
        )
        assert result.exit_code == 2, result.output
        assert "user pool {Fn::GetAtt: [UserPool, Arn]} is a CloudFormation reference" in result.output
        assert "nothing was sent" in result.output
        assert "--stack NAME" in result.output
        assert f"{selector}:9:9:" in result.output


UNREACHABLE = ("--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9")


def test_apply_resolve_skips_deploy_time_pools_without_a_call(tmp_path: Path) -> None:
    selector = tmp_path / "s.yaml"
    selector.write_text((ROOT / "specs" / "securepets.stack.selector.yaml").read_text())
    # Nothing listens there: any call would fail with exit 3.
    result = CliRunner().invoke(
        app,
        ["apply", str(SPEC), "-s", str(selector), "--resolve", *UNREACHABLE],
        env={"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"},
    )
    assert result.exit_code == 0, result.output
    assert "authorizer SecurePetsPool: scopes and app_client_id_regex not checked" in result.output


def test_secure_document_keeps_a_cdk_token() -> None:
    from apigw_cognito import secure_document

    token = "${Token[TOKEN.42]}"
    secured = secure_document(
        SPEC, ROOT / "specs" / "securepets.selector.yaml", environ={"SECUREPETS_USER_POOL": token}
    )
    scheme = secured.data["components"]["securitySchemes"]["SecurePetsPool"]
    assert scheme["x-amazon-apigateway-authorizer"]["providerARNs"] == [token]
    written = yaml.safe_load(secured.output)["components"]["securitySchemes"]["SecurePetsPool"]
    assert written["x-amazon-apigateway-authorizer"]["providerARNs"] == [token]


def test_validate_locates_a_malformed_reference_in_a_document(tmp_path: Path) -> None:
    selector = tmp_path / "s.yaml"
    selector.write_text((ROOT / "specs" / "securepets.stack.selector.yaml").read_text())
    secured = CliRunner().invoke(app, ["apply", str(SPEC), "-s", str(selector)]).stdout
    broken = secured.replace(
        "- Fn::GetAtt:\n              - UserPool\n              - Arn", "- Fn::GetAtt: [UserPool]"
    )
    assert broken != secured
    document = tmp_path / "doc.yaml"
    document.write_text(broken)
    line = broken.splitlines().index("          - Fn::GetAtt: [UserPool]") + 1
    result = CliRunner().invoke(app, ["validate", str(document)])
    assert result.exit_code == 1, result.output
    assert f"{document}:{line}:13: error AGC302:" in result.output
    assert "Fn::GetAtt takes [LogicalId, Attribute]" in result.output


def test_init_keeps_the_documents_references(tmp_path: Path) -> None:
    document = tmp_path / "doc.yaml"
    stack = ROOT / "specs" / "securepets.stack.selector.yaml"
    document.write_text(CliRunner().invoke(app, ["apply", str(SPEC), "-s", str(stack)]).stdout)
    started = tmp_path / "started.yaml"
    assert CliRunner().invoke(app, ["init", str(document), "-o", str(started)]).exit_code == 0
    assert '- {"Fn::GetAtt":["UserPool","Arn"]}' in started.read_text()
    loaded = load_selector(started.read_bytes(), "started.yaml", {})
    assert [pool_kind(p) for p in loaded.authorizers["SecurePetsPool"].user_pools] == ["reference"]
