"""Read a deployed CloudFormation stack (`verify --stack`): DescribeStacks (parameters, outputs, the stack
id that gives region, account and partition), ListStackResources (physical ids), ListExports and
GetTemplate (the template as written, for outputs, Mappings and Conditions). `core.stack_resolution`
evaluates the references against these facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apigw_cognito.aws.clients import Clients, aws_call, aws_lookup, paginate
from apigw_cognito.basics.errors import AwsError
from apigw_cognito.core.stack_resolution import Resource, StackFacts


def read_stack(clients: Clients, name: str) -> StackFacts:
    """The facts of stack `name`; `AwsError` when it cannot be read (missing, no access, not deployed)."""
    client = clients.cloudformation()
    endpoint = clients.options.endpoint_url
    with aws_lookup(
        "cloudformation DescribeStacks",
        f"stack {name!r}",
        clients.region,
        code="ValidationError",
        hint="check the stack name, --region and the account of the credentials in use",
        endpoint=endpoint,
    ):
        stacks = client.describe_stacks(StackName=name)["Stacks"]
    stack = stacks[0]
    status = str(stack.get("StackStatus", ""))
    if status.endswith(("_FAILED", "_IN_PROGRESS")) or status.startswith(("DELETE", "ROLLBACK")):
        raise AwsError(
            f"stack {name!r} is {status}: what it deployed cannot be told",
            hint="verify a stack whose last create or update completed",
        )
    with aws_call("cloudformation ListStackResources", endpoint):
        listed = paginate(client.list_stack_resources, "StackResourceSummaries", "NextToken", StackName=name)
        resources = {
            str(r["LogicalResourceId"]): Resource(str(r["ResourceType"]), str(r.get("PhysicalResourceId")))
            for r in listed
        }
    with aws_call("cloudformation ListExports", endpoint):
        listed = paginate(client.list_exports, "Exports", "NextToken")
        exports = {str(e["Name"]): str(e["Value"]) for e in listed}
    with aws_call("cloudformation GetTemplate", endpoint):
        body = client.get_template(StackName=name).get("TemplateBody")
    return StackFacts(
        name=name,
        stack_id=str(stack["StackId"]),
        parameters={
            str(p["ParameterKey"]): str(p.get("ResolvedValue", p.get("ParameterValue", "")))
            for p in stack.get("Parameters") or ()
        },
        outputs={str(o["OutputKey"]): str(o.get("OutputValue", "")) for o in stack.get("Outputs") or ()},
        exports=exports,
        resources=resources,
        template=template_data(body),
    )


def template_data(body: Any) -> Mapping[str, Any]:
    """GetTemplate's body as data: boto3 gives JSON templates parsed and YAML ones as text, whose short
    forms (!Ref, !GetAtt, ...) are read as their long forms."""
    if isinstance(body, Mapping):
        return body
    if not isinstance(body, str):
        return {}
    import json  # noqa: PLC0415  (a JSON template given as text is rare)

    try:
        data = json.loads(body)
    except ValueError:
        data = _yaml_template(body)
    return data if isinstance(data, Mapping) else {}


def _yaml_template(text: str) -> Any:
    import yaml  # noqa: PLC0415  (PyYAML is loaded only where a YAML template is read)

    class Loader(yaml.SafeLoader):
        pass

    def short_form(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
        value: Any
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        if suffix in {"Ref", "Condition"}:
            return {suffix: value}
        if suffix == "GetAtt" and isinstance(value, str):
            return {"Fn::GetAtt": value.split(".", 1)}
        return {f"Fn::{suffix}": value}

    Loader.add_multi_constructor("!", short_form)
    try:
        return yaml.load(text, Loader=Loader)  # a SafeLoader with the short forms added
    except yaml.YAMLError:
        return {}
