"""What a deployed CloudFormation stack gave each deploy-time reference of a selector (`verify --stack`).

CloudFormation does not say what it substituted in a template; it says the stack's parameters, outputs,
the account's exports, the physical id of every resource and the template as written. From these the
functions a user pool ARN comes from are evaluated as CloudFormation evaluates them (its "Intrinsic
function reference"): Ref of a parameter (its value), of a resource (its physical id) or of a pseudo
parameter; Fn::GetAtt of a user pool's Arn, ProviderName, ProviderURL or UserPoolId (from the pool id the
stack reports), or of anything an output of the template gives; Fn::Sub, Fn::Join, Fn::Select,
Fn::Split, Fn::ImportValue (the exports), Fn::FindInMap (the template's Mappings) and Fn::If (its
Conditions). What none of these tell is an `AwsError` naming the function: the stack cannot say it.
Pure: `aws.stacks` reads the facts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from apigw_cognito.basics.errors import AwsError, InputError, Location
from apigw_cognito.basics.intrinsics import is_function, reference_data, shown_reference
from apigw_cognito.basics.limits import POOL_ARN_RE
from apigw_cognito.selector.model import Authorizer, Selector, pool_kind

REST_API_TYPE = "AWS::ApiGateway::RestApi"
DEPLOYMENT_TYPE = "AWS::ApiGateway::Deployment"
USER_POOL_TYPE = "AWS::Cognito::UserPool"
_SUB_PART = re.compile(r"\$\{([^}]*)\}")


@dataclass(frozen=True)
class Resource:
    type: str
    physical_id: str


@dataclass(frozen=True)
class StackFacts:
    """A deployed stack as CloudFormation describes it."""

    name: str
    stack_id: str  # arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<uuid>
    parameters: Mapping[str, str] = field(default_factory=dict)
    outputs: Mapping[str, str] = field(default_factory=dict)
    exports: Mapping[str, str] = field(default_factory=dict)
    resources: Mapping[str, Resource] = field(default_factory=dict)  # by logical id
    template: Mapping[str, Any] = field(default_factory=dict)  # as written, short forms in long form

    @property
    def partition(self) -> str:
        return self.stack_id.split(":")[1]

    @property
    def region(self) -> str:
        return self.stack_id.split(":")[3]

    @property
    def account(self) -> str:
        return self.stack_id.split(":")[4]

    def pseudo(self, name: str) -> str | None:
        suffix = "amazonaws.com.cn" if self.partition == "aws-cn" else "amazonaws.com"
        return {
            "AWS::AccountId": self.account,
            "AWS::Partition": self.partition,
            "AWS::Region": self.region,
            "AWS::StackId": self.stack_id,
            "AWS::StackName": self.name,
            "AWS::URLSuffix": suffix,
        }.get(name)


class Unresolved(Exception):
    """What the stack cannot tell about a function."""


def rest_api_id(facts: StackFacts, logical_id: str | None) -> str:
    """The physical id of the stack's REST API: the one `logical_id` names, or its only one."""
    apis = {k: r for k, r in facts.resources.items() if r.type == REST_API_TYPE}
    if logical_id is not None:
        found = apis.get(logical_id)
        if found is None:
            listed = ", ".join(sorted(apis)) or "none"
            raise InputError(
                f"stack {facts.name} has no REST API {logical_id!r} (its AWS::ApiGateway::RestApi"
                f" resources: {listed})",
                hint="give the logical id of the API in the template (a SAM AWS::Serverless::Api keeps its"
                " own logical id)",
            )
        return found.physical_id
    if len(apis) != 1:
        listed = ", ".join(sorted(apis))
        raise InputError(
            f"stack {facts.name} has {len(apis)} REST APIs" + (f": {listed}" if listed else ""),
            hint="name the one to verify with --stack-api LOGICAL_ID"
            if apis
            else "check the stack name: verify --stack compares the stack's AWS::ApiGateway::RestApi",
        )
    return next(iter(apis.values())).physical_id


def resolved_pools(selector: Selector, facts: StackFacts) -> dict[str, str]:
    """The ARN the stack gave each CloudFormation reference of `selector`, by the reference's text.

    `AwsError` when the stack cannot tell a reference's value; `InputError` when the value is not a user
    pool ARN (API Gateway would refuse it, or the pool is referred to by id)."""
    mapping: dict[str, str] = {}
    for authorizer in selector.authorizers.values():
        for index, pool in enumerate(authorizer.user_pools):
            if pool in mapping or pool_kind(pool) != "reference":
                continue
            mapping[pool] = _resolved_pool(authorizer, index, facts)
    return mapping


def resolve_selector(selector: Selector, facts: StackFacts) -> Selector:
    """`selector` with every CloudFormation reference replaced by the ARN the stack gave it."""
    mapping = resolved_pools(selector, facts)
    return selector.with_pools(mapping) if mapping else selector


def _resolved_pool(authorizer: Authorizer, index: int, facts: StackFacts) -> str:
    pool = authorizer.user_pools[index]
    where = authorizer.pool_locations[index] if index < len(authorizer.pool_locations) else None
    shown = shown_reference(pool)
    try:
        value = evaluate(reference_data(pool), facts)
    except Unresolved as exc:
        raise AwsError(
            f"stack {facts.name}: user pool {shown} of authorizer '{authorizer.name}' cannot be resolved:"
            f" {exc}",
            where,
            hint="check the stack name and that it was deployed from the template this selector was"
            " written for",
        ) from None
    if not isinstance(value, str) or not re.fullmatch(POOL_ARN_RE, value):
        raise InputError(
            f"stack {facts.name}: user pool {shown} of authorizer '{authorizer.name}' gives {value!r},"
            " not a user pool ARN, so API Gateway cannot use it as a provider ARN",
            where or Location("selector"),
            hint="Ref of an AWS::Cognito::UserPool gives its id; write {Fn::GetAtt: [UserPool, Arn]}",
        )
    return value


def evaluate(value: Any, facts: StackFacts) -> Any:
    """The value CloudFormation gives `value` (a function, a list or a plain value) in this stack."""
    if isinstance(value, list):
        return [evaluate(item, facts) for item in value]
    if not is_function(value):
        return value
    name, body = next(iter(value.items()))
    handler = _FUNCTIONS.get(name)
    if handler is None:
        raise Unresolved(f"{name} is not evaluated here")
    return handler(body, facts)


def _text(value: Any, facts: StackFacts, what: str) -> str:
    result = evaluate(value, facts)
    if not isinstance(result, str | int):
        raise Unresolved(f"{what} does not give a string")
    return str(result)


def _ref(body: Any, facts: StackFacts) -> str:
    name = str(body)
    pseudo = facts.pseudo(name)
    if pseudo is not None:
        return pseudo
    if name in facts.parameters:
        return facts.parameters[name]
    if name in facts.resources:
        return facts.resources[name].physical_id
    raise Unresolved(f"the stack has no parameter or resource {name!r}")


def _get_att(body: Any, facts: StackFacts) -> str:
    logical, attribute = (
        body.split(".", 1) if isinstance(body, str) else (body[0], _text(body[1], facts, "the attribute"))
    )
    resource = facts.resources.get(logical)
    if resource is None:
        raise Unresolved(f"the stack has no resource {logical!r}")
    if resource.type == USER_POOL_TYPE:
        pool_id = resource.physical_id
        derived = {
            "Arn": f"arn:{facts.partition}:cognito-idp:{facts.region}:{facts.account}:userpool/{pool_id}",
            "ProviderName": f"cognito-idp.{facts.region}.{facts.pseudo('AWS::URLSuffix')}/{pool_id}",
            "ProviderURL": f"https://cognito-idp.{facts.region}.{facts.pseudo('AWS::URLSuffix')}/{pool_id}",
            "UserPoolId": pool_id,
        }
        if attribute in derived:
            return derived[attribute]
    # Anything an output of the template gives is described with the output's value.
    for key, output in (facts.template.get("Outputs") or {}).items():
        given = output.get("Value") if isinstance(output, Mapping) else None
        if _same_get_att(given, logical, attribute) and key in facts.outputs:
            return facts.outputs[key]
    raise Unresolved(
        f"Fn::GetAtt {logical}.{attribute} ({resource.type}) is not in the stack's description; an"
        " output of the template with that value would say it"
    )


def _same_get_att(value: Any, logical: str, attribute: str) -> bool:
    if not is_function(value) or "Fn::GetAtt" not in value:
        return False
    body = value["Fn::GetAtt"]
    parts = body.split(".", 1) if isinstance(body, str) else list(body)
    return parts == [logical, attribute]


def _sub(body: Any, facts: StackFacts) -> str:
    text, variables = (body[0], body[1]) if isinstance(body, list) else (body, {})

    def part(match: re.Match[str]) -> str:
        inner = match.group(1)
        if inner.startswith("!"):
            return "${" + inner[1:] + "}"
        if inner in variables:
            return _text(variables[inner], facts, f"Fn::Sub variable {inner}")
        if "." in inner and not inner.startswith("AWS::"):
            logical, attribute = inner.split(".", 1)
            return _get_att([logical, attribute], facts)
        return _ref(inner, facts)

    return _SUB_PART.sub(part, str(text))


def _join(body: Any, facts: StackFacts) -> str:
    items = evaluate(body[1], facts)
    if not isinstance(items, list):
        raise Unresolved("Fn::Join's values do not give a list")
    return str(body[0]).join(str(item) for item in items)


def _select(body: Any, facts: StackFacts) -> Any:
    index = int(_text(body[0], facts, "Fn::Select's index"))
    items = evaluate(body[1], facts)
    if not isinstance(items, list) or not 0 <= index < len(items):
        raise Unresolved(f"Fn::Select index {index} is outside its list")
    return items[index]


def _split(body: Any, facts: StackFacts) -> list[str]:
    return _text(body[1], facts, "Fn::Split's string").split(str(body[0]))


def _import_value(body: Any, facts: StackFacts) -> str:
    name = _text(body, facts, "Fn::ImportValue's name")
    if name not in facts.exports:
        raise Unresolved(f"no stack of the account exports {name!r}")
    return facts.exports[name]


def _find_in_map(body: Any, facts: StackFacts) -> Any:
    keys = [_text(item, facts, "Fn::FindInMap's key") for item in body]
    found: Any = facts.template.get("Mappings") or {}
    for key in keys:
        if not isinstance(found, Mapping) or key not in found:
            raise Unresolved(f"the template's Mappings have no {'/'.join(keys)}")
        found = found[key]
    return evaluate(found, facts)


def _if(body: Any, facts: StackFacts) -> Any:
    return evaluate(body[1] if _condition(str(body[0]), facts, ()) else body[2], facts)


def _condition(name: str, facts: StackFacts, seen: tuple[str, ...]) -> bool:
    conditions = facts.template.get("Conditions") or {}
    if name not in conditions or name in seen:
        raise Unresolved(f"the template has no condition {name!r}")
    return _truth(conditions[name], facts, (*seen, name))


def _truth(value: Any, facts: StackFacts, seen: tuple[str, ...]) -> bool:
    if not isinstance(value, Mapping) or len(value) != 1:
        raise Unresolved("a condition is not a condition function")
    name, body = next(iter(value.items()))
    if name == "Condition":
        return _condition(str(body), facts, seen)
    if name == "Fn::Equals":
        return str(evaluate(body[0], facts)) == str(evaluate(body[1], facts))
    if name == "Fn::Not":
        return not _truth(body[0], facts, seen)
    if name == "Fn::And":
        return all(_truth(item, facts, seen) for item in body)
    if name == "Fn::Or":
        return any(_truth(item, facts, seen) for item in body)
    raise Unresolved(f"{name} is not a condition function")


_FUNCTIONS: dict[str, Any] = {
    "Ref": _ref,
    "Fn::GetAtt": _get_att,
    "Fn::Sub": _sub,
    "Fn::Join": _join,
    "Fn::Select": _select,
    "Fn::Split": _split,
    "Fn::ImportValue": _import_value,
    "Fn::FindInMap": _find_in_map,
    "Fn::If": _if,
}
