"""An HTTP API's JWT authorizer whose pool only the deployment names: the issuer is a CloudFormation
function that the stack evaluates to the pool's issuer URL, from the pool's ARN or its id. The expected
issuers are written from AWS's format (https://cognito-idp.<region>.amazonaws.com[.cn]/<pool id>), not
from the code; the stack's evaluation is `verify --stack`'s, written from CloudFormation's reference."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from apigw_cognito import secure_document
from apigw_cognito.checks.http_api import jwt_problems
from apigw_cognito.cli.main import app
from apigw_cognito.core.stack_resolution import Resource, StackFacts, evaluate
from tests.support.paths import ROOT

SPEC = ROOT / "specs" / "securenotes-http.yaml"
SELECTOR = (ROOT / "specs" / "securenotes-http.selector.yaml").read_text()
POOL_LINE = "      - ${SECURENOTES_USER_POOL:-us-east-1_AbCdEfGhI}\n"


def selector_with(tmp_path: Path, pool: str) -> Path:
    assert POOL_LINE in SELECTOR
    path = tmp_path / "selector.yaml"
    path.write_text(SELECTOR.replace(POOL_LINE, f"      - {pool}\n"))
    return path


def issuer_of(data: Any) -> Any:
    scheme = data["components"]["securitySchemes"]["NotesUsers"]
    return scheme["x-amazon-apigateway-authorizer"]["jwtConfiguration"]["issuer"]


def facts(region: str, partition: str = "aws") -> StackFacts:
    pool_id = f"{region}_Notes42"
    arn = f"arn:{partition}:cognito-idp:{region}:111122223333:userpool/{pool_id}"
    return StackFacts(
        name="notes",
        stack_id=f"arn:{partition}:cloudformation:{region}:111122223333:stack/notes/0f0e",
        parameters={"PoolArn": arn, "PoolId": pool_id},
        exports={"shared-pool-arn": arn},
        resources={"UserPool": Resource("AWS::Cognito::UserPool", pool_id)},
    )


@pytest.mark.parametrize(
    "pool",
    [
        "{Fn::GetAtt: [UserPool, Arn]}",
        "{Ref: PoolArn}",
        "{Ref: PoolId}",
        "{Ref: UserPool}",
        "{Fn::ImportValue: shared-pool-arn}",
    ],
)
@pytest.mark.parametrize(
    ("region", "partition", "expected"),
    [
        ("eu-west-1", "aws", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Notes42"),
        ("cn-north-1", "aws-cn", "https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_Notes42"),
    ],
)
def test_the_stack_gives_the_pools_issuer_from_its_arn_or_its_id(
    tmp_path: Path, pool: str, region: str, partition: str, expected: str
) -> None:
    secured = secure_document(SPEC, selector_with(tmp_path, pool))
    assert not [f for f in secured.report.findings if f.code == "AGC302"]
    assert evaluate(issuer_of(secured.data), facts(region, partition)) == expected


def test_apply_writes_it_where_it_used_to_refuse_the_document(tmp_path: Path) -> None:
    out = tmp_path / "secured.yaml"
    result = CliRunner().invoke(
        app, ["apply", str(SPEC), "-s", str(selector_with(tmp_path, "{Ref: PoolId}")), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "AGC302" not in result.output
    assert "Fn::Join" in out.read_text()


def test_a_cdk_token_is_kept_inside_the_function() -> None:
    token = "${Token[TOKEN.77]}"
    secured = secure_document(SPEC, SELECTOR.encode(), environ={"SECURENOTES_USER_POOL": token})
    issuer = issuer_of(secured.data)
    assert "Fn::Join" in issuer
    assert token in str(issuer)


def test_a_terraform_template_variable_is_refused_at_its_place(tmp_path: Path) -> None:
    selector = selector_with(tmp_path, "{template_variable: user_pool_arn}")
    result = CliRunner().invoke(app, ["apply", str(SPEC), "-s", str(selector), "--templatefile"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"error: {selector}:9:9: authorizer 'NotesUsers': a jwt authorizer's issuer is built from its pool,"
    )
    assert "hint: give the pool's id or ARN, as ${VAR}" in result.stderr


def test_an_issuer_function_in_a_document_is_checked_for_shape() -> None:
    def scheme(issuer: Any) -> dict[str, Any]:
        config = {"issuer": issuer, "audience": ["client1"]}
        return {
            "type": "oauth2",
            "x-amazon-apigateway-authorizer": {"type": "jwt", "jwtConfiguration": config},
        }

    assert (
        list(jwt_problems(scheme({"Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${Pool}"})))
        == []
    )
    (malformed,) = jwt_problems(scheme({"Fn::GetAtt": ["UserPool"]}))
    assert malformed.startswith("jwtConfiguration.issuer is a malformed reference (Fn::GetAtt: ")
    assert list(jwt_problems(scheme(42))) == [
        "jwtConfiguration.issuer must be the issuer's https URL, or a CloudFormation function giving it"
    ]
