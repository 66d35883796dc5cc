"""Gateway responses in a live API: read them (GetGatewayResponses), compare them with the document's
`x-amazon-apigateway-gateway-responses`, and put what an import left out (PutGatewayResponse).

AWS imports that extension with the body. LocalStack's import never reads it (its import code defines the
key and does not use it), so after an import there the declared responses are missing; `missing_after_import`
finds them and the importer puts them, which makes the live API what the document says on either. An
overwrite import on AWS resets every response the document does not declare to API Gateway's default.
The comparison is pure; `read_gateway_responses` and `put_gateway_response` are the two calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from apigw_cognito.aws.clients import aws_call, paginate
from apigw_cognito.core.gateway_responses import GATEWAY_RESPONSES_KEY

if TYPE_CHECKING:
    from mypy_boto3_apigateway.client import APIGatewayClient


# API Gateway's own body for its responses: a live template equal to it is what a reset gives anyway.
DEFAULT_TEMPLATES = {"application/json": '{"message":$context.error.messageString}'}


@dataclass(frozen=True)
class LiveResponse:
    """One gateway response as GetGatewayResponses gives it."""

    kind: str  # the responseType: UNAUTHORIZED, DEFAULT_4XX, ...
    status_code: str | None = None
    parameters: Mapping[str, str] = field(default_factory=dict)
    templates: Mapping[str, str] = field(default_factory=dict)
    default: bool = True  # API Gateway's own, nobody configured it


@dataclass(frozen=True)
class ResponseCheck:
    """One declared gateway response compared with the live one."""

    kind: str
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


def declared_responses(data: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The document's gateway responses by type (entries that are not mappings are left to validation)."""
    declared = data.get(GATEWAY_RESPONSES_KEY)
    if not isinstance(declared, Mapping):
        return {}
    return {str(kind): entry for kind, entry in declared.items() if isinstance(entry, Mapping)}


def configured(live: Iterable[LiveResponse]) -> list[LiveResponse]:
    """The live responses somebody configured (not API Gateway's defaults)."""
    return [r for r in live if not r.default]


def _strings(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, Mapping) else {}


def _lookup(values: Mapping[str, str], key: str) -> str | None:
    """`values[key]`, where header names in parameter keys ignore case."""
    if key in values:
        return values[key]
    return next((v for k, v in values.items() if k.lower() == key.lower()), None)


def response_problems(entry: Mapping[str, Any], live: LiveResponse | None) -> list[str]:
    """How the live response differs from the declared `entry` (what the entry leaves out is not compared)."""
    if live is None or live.default:
        return ["not configured in the live API: API Gateway's default is served"]
    problems: list[str] = []
    status = entry.get("statusCode")
    if status is not None and str(status) != (live.status_code or ""):
        problems.append(f"statusCode is {live.status_code or '(default)'}, expected {status}")
    for section, found in (("responseParameters", live.parameters), ("responseTemplates", live.templates)):
        for key, value in _strings(entry.get(section)).items():
            got = _lookup(found, key)
            if got != value:
                problems.append(f"{section} {key} is {got!r}, expected {value!r}")
    return problems


def compare_responses(
    declared: Mapping[str, Mapping[str, Any]], live: Sequence[LiveResponse]
) -> tuple[tuple[ResponseCheck, ...], tuple[str, ...]]:
    """One check per declared response, and notes on configured live responses the document lacks."""
    by_kind = {r.kind: r for r in live}
    checks = tuple(
        ResponseCheck(kind, tuple(response_problems(entry, by_kind.get(kind))))
        for kind, entry in declared.items()
    )
    extra = sorted(r.kind for r in configured(live) if r.kind not in declared)
    notes = (
        (
            f"{len(extra)} live gateway response(s) are not in the document ({', '.join(extra)}): an"
            " overwrite import on AWS resets them to API Gateway's defaults",
        )
        if extra
        else ()
    )
    return checks, notes


def reproduces(declared: Mapping[str, Mapping[str, Any]], live: Sequence[LiveResponse]) -> bool:
    """Whether importing `declared` gives exactly the configured `live` responses: the same types, and
    each with nothing the declaration lacks (an import would reset a header or template it does not name)."""
    kept = {r.kind: r for r in configured(live)}
    if set(declared) != set(kept):
        return False
    for kind, entry in declared.items():
        response = kept[kind]
        params = {k.lower() for k in _strings(entry.get("responseParameters"))}
        templates = set(_strings(entry.get("responseTemplates")))
        if response_problems(entry, response):
            return False
        extra_templates = {
            k for k, v in response.templates.items() if k not in templates and DEFAULT_TEMPLATES.get(k) != v
        }
        if {k.lower() for k in response.parameters} - params or extra_templates:
            return False
    return True


def missing_after_import(
    declared: Mapping[str, Mapping[str, Any]], live: Sequence[LiveResponse]
) -> list[str]:
    """The declared responses the live API does not have as declared, after an import."""
    by_kind = {r.kind: r for r in live}
    return [kind for kind, entry in declared.items() if response_problems(entry, by_kind.get(kind))]


def dropped_by_overwrite(data: Mapping[str, Any], live: Sequence[LiveResponse]) -> tuple[str, ...]:
    """The configured live responses that the document does not declare, which an overwrite resets."""
    declared = declared_responses(data)
    return tuple(sorted(r.kind for r in configured(live) if r.kind not in declared))


def as_declared(live: Iterable[LiveResponse]) -> dict[str, dict[str, Any]]:
    """The configured live responses as `x-amazon-apigateway-gateway-responses` entries that reproduce them
    (what an adopted export must declare, or an overwrite import resets them)."""
    out: dict[str, dict[str, Any]] = {}
    for response in sorted(configured(live), key=lambda r: r.kind):
        entry: dict[str, Any] = {}
        if response.status_code:
            code = response.status_code
            entry["statusCode"] = int(code) if code.isdigit() else code
        if response.parameters:
            entry["responseParameters"] = dict(sorted(response.parameters.items()))
        if response.templates:
            entry["responseTemplates"] = dict(sorted(response.templates.items()))
        out[response.kind] = entry
    return out


# --- the AWS side ------------------------------------------------------------------------------------------


def parse_responses(items: Iterable[Mapping[str, Any]]) -> tuple[LiveResponse, ...]:
    """GetGatewayResponses items as `LiveResponse`s."""
    return tuple(
        LiveResponse(
            kind=str(item.get("responseType", "")),
            status_code=str(item["statusCode"]) if item.get("statusCode") is not None else None,
            parameters=_strings(item.get("responseParameters")),
            templates=_strings(item.get("responseTemplates")),
            default=bool(item.get("defaultResponse", False)),
        )
        for item in items
    )


def read_gateway_responses(client: APIGatewayClient, rest_api_id: str) -> tuple[LiveResponse, ...]:
    """GetGatewayResponses, every page."""
    with aws_call("apigateway GetGatewayResponses"):
        items = list(
            paginate(client.get_gateway_responses, "items", "position", restApiId=rest_api_id, limit=500)
        )
    return parse_responses(items)


def put_gateway_response(
    client: APIGatewayClient, rest_api_id: str, kind: str, entry: Mapping[str, Any]
) -> None:
    """PutGatewayResponse with what `entry` declares (an absent status code keeps the type's own)."""
    arguments: dict[str, Any] = {"restApiId": rest_api_id, "responseType": kind}
    if entry.get("statusCode") is not None:
        arguments["statusCode"] = str(entry["statusCode"])
    for section in ("responseParameters", "responseTemplates"):
        if _strings(entry.get(section)):
            arguments[section] = _strings(entry.get(section))
    with aws_call(f"apigateway PutGatewayResponse ({kind})"):
        client.put_gateway_response(**arguments)
