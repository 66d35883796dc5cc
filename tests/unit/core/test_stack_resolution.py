"""References evaluated against a stack's facts as CloudFormation evaluates them (`verify --stack`); the
REST API of a stack; what a stack cannot tell. The expected values are written from CloudFormation's
"Intrinsic function reference" and AWS::Cognito::UserPool's return values, not from the code."""

from __future__ import annotations

from typing import Any

import pytest

from apigw_cognito.aws.stacks import template_data
from apigw_cognito.basics.errors import AwsError, InputError
from apigw_cognito.core.stack_resolution import (
    Resource,
    StackFacts,
    Unresolved,
    evaluate,
    resolve_selector,
    rest_api_id,
)
from apigw_cognito.core.templatefile import unescaped
from apigw_cognito.selector.loader import load_selector

STACK_ID = "arn:aws:cloudformation:eu-west-1:111122223333:stack/pets/0f0e"
POOL_ID = "eu-west-1_Pool1"
ARN = f"arn:aws:cognito-idp:eu-west-1:111122223333:userpool/{POOL_ID}"
FACTS = StackFacts(
    name="pets",
    stack_id=STACK_ID,
    parameters={"Env": "prod", "PoolArn": ARN, "Pools": f"x,{ARN}"},
    outputs={"ClientOut": "client-123"},
    exports={"prod-pool-arn": ARN},
    resources={
        "UserPool": Resource("AWS::Cognito::UserPool", POOL_ID),
        "Client": Resource("AWS::Cognito::UserPoolClient", "client-123"),
        "Api": Resource("AWS::ApiGateway::RestApi", "abc123"),
    },
    template={
        "Mappings": {"Pools": {"prod": {"Arn": ARN}}},
        "Conditions": {
            "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
            "NotProd": {"Fn::Not": [{"Condition": "IsProd"}]},
        },
        "Outputs": {"ClientOut": {"Value": {"Fn::GetAtt": ["Client", "Name"]}}},
    },
)


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ({"Ref": "PoolArn"}, ARN),
        ({"Ref": "UserPool"}, POOL_ID),
        ({"Ref": "AWS::Region"}, "eu-west-1"),
        ({"Fn::GetAtt": ["UserPool", "Arn"]}, ARN),
        ({"Fn::GetAtt": "UserPool.Arn"}, ARN),
        (
            {"Fn::GetAtt": ["UserPool", "ProviderURL"]},
            f"https://cognito-idp.eu-west-1.amazonaws.com/{POOL_ID}",
        ),
        ({"Fn::GetAtt": ["Client", "Name"]}, "client-123"),
        (
            {
                "Fn::Sub": "arn:${AWS::Partition}:cognito-idp:${AWS::Region}:${AWS::AccountId}:"
                + "userpool/${UserPool}"
            },
            ARN,
        ),
        ({"Fn::Sub": "${UserPool.Arn}"}, ARN),
        ({"Fn::Sub": ["${Pool}", {"Pool": {"Ref": "PoolArn"}}]}, ARN),
        ({"Fn::Sub": "${!Literal}"}, "${Literal}"),
        ({"Fn::ImportValue": {"Fn::Sub": "${Env}-pool-arn"}}, ARN),
        (
            {"Fn::Join": ["", ["arn:aws:cognito-idp:eu-west-1:111122223333:userpool/", {"Ref": "UserPool"}]]},
            ARN,
        ),
        ({"Fn::Select": [1, {"Fn::Split": [",", {"Ref": "Pools"}]}]}, ARN),
        ({"Fn::FindInMap": ["Pools", {"Ref": "Env"}, "Arn"]}, ARN),
        ({"Fn::If": ["IsProd", {"Ref": "PoolArn"}, "other"]}, ARN),
        ({"Fn::If": ["NotProd", "other", {"Ref": "PoolArn"}]}, ARN),
    ],
)
def test_references_evaluate_as_cloudformation_does(reference: Any, expected: str) -> None:
    assert evaluate(reference, FACTS) == expected


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ({"Ref": "Missing"}, "no parameter or resource 'Missing'"),
        ({"Fn::GetAtt": ["Api", "RootResourceId"]}, "is not in the stack's description"),
        ({"Fn::ImportValue": "nobody"}, "no stack of the account exports 'nobody'"),
        ({"Fn::FindInMap": ["Pools", "dev", "Arn"]}, "Mappings have no Pools/dev/Arn"),
        ({"Fn::If": ["Unknown", "a", "b"]}, "no condition 'Unknown'"),
    ],
)
def test_what_the_stack_cannot_tell(reference: Any, message: str) -> None:
    with pytest.raises(Unresolved, match=message):
        evaluate(reference, FACTS)


def selector(pool: str) -> Any:
    text = (
        f"version: 1\nauthorizers:\n  A:\n    user_pools: [{pool}]\n"
        "rules:\n  - select: GET /x\n    authorizer: A\n"
    )
    return load_selector(text.encode(), "s.yaml", {})


def test_the_selector_gets_the_stacks_arn() -> None:
    resolved = resolve_selector(selector("{Fn::GetAtt: [UserPool, Arn]}"), FACTS)
    assert resolved.authorizers["A"].user_pools == (ARN,)


def test_a_reference_that_gives_no_arn_is_refused_at_its_place() -> None:
    with pytest.raises(InputError) as caught:
        resolve_selector(selector("{Ref: UserPool}"), FACTS)
    assert f"gives '{POOL_ID}', not a user pool ARN" in caught.value.message
    assert caught.value.location is not None
    assert caught.value.location.line == 4
    assert caught.value.hint is not None
    assert "Fn::GetAtt" in caught.value.hint


def test_an_unresolvable_reference_is_an_aws_error() -> None:
    with pytest.raises(AwsError, match="cannot be resolved: the stack has no parameter"):
        resolve_selector(selector("{Ref: Other}"), FACTS)


def test_the_stacks_rest_api() -> None:
    assert rest_api_id(FACTS, None) == "abc123"
    assert rest_api_id(FACTS, "Api") == "abc123"
    with pytest.raises(InputError, match="has no REST API 'Nope'"):
        rest_api_id(FACTS, "Nope")
    two = StackFacts(
        "two", STACK_ID, resources={k: Resource("AWS::ApiGateway::RestApi", k) for k in ("A", "B")}
    )
    with pytest.raises(InputError, match="has 2 REST APIs: A, B") as caught:
        rest_api_id(two, None)
    assert "--stack-api" in str(caught.value.hint)


def test_yaml_templates_read_with_their_short_forms() -> None:
    data = template_data("Outputs:\n  P:\n    Value: !GetAtt UserPool.Arn\n  Q:\n    Value: !Sub '${X}'\n")
    assert data["Outputs"]["P"]["Value"] == {"Fn::GetAtt": ["UserPool", "Arn"]}
    assert data["Outputs"]["Q"]["Value"] == {"Fn::Sub": "${X}"}
    assert template_data({"Resources": {}}) == {"Resources": {}}


def test_templatefile_reading_refuses_what_is_not_a_declared_variable() -> None:
    assert unescaped("a $${b} %%{c} $d ${v}", {"v": "V"}) == "a ${b} %{c} $d V"
    with pytest.raises(ValueError, match="not a declared variable"):
        unescaped("${other}", {"v": "V"})
    with pytest.raises(ValueError, match="directive"):
        unescaped("%{ if x }", {})
