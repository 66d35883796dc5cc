"""Did API Gateway really attach the authorizers? Read a live REST API back and compare.

The comparison (`expected_methods`, `compare`) is pure and works on plain records; only `read_live_api`
talks to AWS, and `reports.verify_table` renders the result. A secured operation must come back as
COGNITO_USER_POOLS with an authorizer of the scheme's name, the scheme's provider ARNs and the decided
scopes; a public one as NONE. The method's own `authorizerId` says which authorizer is attached, so
duplicates of one name (emulators make them on every import) are reported, never guessed between.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from apigw_cognito.aws.clients import aws_call, paginate
from apigw_cognito.aws.gateway_responses import (
    LiveResponse,
    ResponseCheck,
    compare_responses,
    declared_responses,
)
from apigw_cognito.basics.openapi import AUTHORIZER_KEY, join_path
from apigw_cognito.core.transform import Result

if TYPE_CHECKING:
    from mypy_boto3_apigateway.client import APIGatewayClient

COGNITO = "COGNITO_USER_POOLS"
NONE = "NONE"
Status = Literal["ok", "mismatch", "extra"]


@dataclass(frozen=True)
class Expected:
    """What the transform decided for one method."""

    method: str
    path: str
    authorizer: str | None  # None: public
    scopes: tuple[str, ...] = ()
    provider_arns: tuple[str, ...] = ()
    api_key: bool = False  # apiKeyRequired


@dataclass(frozen=True)
class LiveAuthorizer:
    id: str
    name: str
    type: str
    provider_arns: tuple[str, ...] = ()


@dataclass(frozen=True)
class LiveMethod:
    method: str
    path: str
    authorization_type: str
    authorizer_id: str | None = None
    scopes: tuple[str, ...] = ()
    api_key_required: bool = False


@dataclass(frozen=True)
class LiveApi:
    authorizers: tuple[LiveAuthorizer, ...] = ()
    methods: tuple[LiveMethod, ...] = ()
    paths: tuple[str, ...] = ()  # every resource path, methods or not


@dataclass(frozen=True)
class MethodCheck:
    """One method compared: what the document decided against what the live API has."""

    method: str
    path: str
    status: Status
    expected: str  # "NONE" or "<authorizer> [scopes]"
    authorization: str  # the live authorizationType, "-" when the method is missing
    authorizer: str  # the live authorizer's name (and id), "-" when none
    scopes: tuple[str, ...]
    problems: tuple[str, ...] = ()
    api_key_required: bool | None = None  # the live apiKeyRequired, None when the method is missing


@dataclass(frozen=True)
class Verification:
    rows: tuple[MethodCheck, ...]
    notes: tuple[str, ...] = field(default=())
    responses: tuple[ResponseCheck, ...] = ()  # the document's gateway responses against the live ones
    unit: str = "methods"  # what the rows are: a REST API's methods, an HTTP API's routes

    @property
    def mismatches(self) -> tuple[MethodCheck, ...]:
        return tuple(r for r in self.rows if r.status == "mismatch")

    @property
    def response_mismatches(self) -> tuple[ResponseCheck, ...]:
        return tuple(r for r in self.responses if not r.ok)

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.response_mismatches


def expected_methods(result: Result, path_prefix: str = "") -> list[Expected]:
    """The method-level outcome each decision of the transform asks API Gateway for."""
    out: list[Expected] = []
    for decision in result.decisions:
        op = decision.operation
        path = join_path(path_prefix, op.path)
        if decision.kind == "secured" and decision.authorizer is not None:
            scheme = result.schemes.get(decision.authorizer, {})
            extension = scheme.get(AUTHORIZER_KEY, {}) if isinstance(scheme, dict) else {}
            arns = extension.get("providerARNs", []) if isinstance(extension, dict) else []
            out.append(
                Expected(
                    op.method,
                    path,
                    decision.authorizer,
                    tuple(decision.scopes),
                    tuple(str(a) for a in arns),
                    api_key=bool(decision.api_keys),
                )
            )
        else:
            out.append(Expected(op.method, path, None, api_key=bool(decision.api_keys)))
    return out


def _describe_expected(e: Expected) -> str:
    key = " + API key" if e.api_key else ""
    if e.authorizer is None:
        return NONE + key
    return e.authorizer + (f" [{' '.join(e.scopes)}]" if e.scopes else "") + key


def _list(items: Sequence[str]) -> str:
    return ", ".join(items) or "(none)"


def _problems(e: Expected, live: LiveMethod | None, by_id: dict[str, LiveAuthorizer]) -> list[str]:
    if live is None:
        return ["the method does not exist in the live API"]
    if live.api_key_required != e.api_key:
        key = [f"apiKeyRequired is {str(live.api_key_required).lower()}, expected {str(e.api_key).lower()}"]
        return key + _authorization_problems(e, live, by_id)
    return _authorization_problems(e, live, by_id)


def _authorization_problems(e: Expected, live: LiveMethod, by_id: dict[str, LiveAuthorizer]) -> list[str]:
    if e.authorizer is None:
        if live.authorization_type != NONE:
            return [f"expected public (NONE), found {live.authorization_type}"]
        return []
    problems: list[str] = []
    if live.authorization_type != COGNITO:
        problems.append(f"authorizationType is {live.authorization_type}, expected {COGNITO}")
        return problems
    auth = by_id.get(live.authorizer_id or "")
    if auth is None:
        problems.append(f"authorizerId {live.authorizer_id or '(none)'} names no authorizer of this API")
    else:
        if auth.name != e.authorizer:
            problems.append(f"attached authorizer is {auth.name!r} ({auth.id}), expected {e.authorizer!r}")
        if auth.type != COGNITO:
            problems.append(f"authorizer {auth.name!r} ({auth.id}) has type {auth.type}, expected {COGNITO}")
        if sorted(set(auth.provider_arns)) != sorted(set(e.provider_arns)):
            problems.append(
                f"authorizer {auth.name!r} ({auth.id}) has providerARNs {_list(auth.provider_arns)},"
                f" expected {_list(e.provider_arns)}"
            )
    if sorted(set(live.scopes)) != sorted(set(e.scopes)):
        problems.append(f"authorizationScopes are {_list(live.scopes)}, expected {_list(e.scopes)}")
    return problems


def compare(expected: Sequence[Expected], live: LiveApi) -> Verification:
    """One row per expected method (and per live method the document does not have), plus notes."""
    by_id = {a.id: a for a in live.authorizers}
    live_methods = {(m.method, m.path): m for m in live.methods}
    rows: list[MethodCheck] = []
    for e in expected:
        found = live_methods.pop((e.method, e.path), None)
        problems = tuple(_problems(e, found, by_id))
        status: Status = "mismatch" if problems else "ok"
        rows.append(
            MethodCheck(
                e.method,
                e.path,
                status,
                _describe_expected(e),
                *_live_columns(found, by_id),
                problems,
                None if found is None else found.api_key_required,
            )
        )
    for (method, path), found in sorted(live_methods.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        rows.append(
            MethodCheck(
                method,
                path,
                "extra",
                "(not in the document)",
                *_live_columns(found, by_id),
                api_key_required=found.api_key_required,
            )
        )
    return Verification(tuple(rows), tuple(_notes(expected, live, rows)))


def with_gateway_responses(
    verification: Verification, data: Mapping[str, Any], live: Sequence[LiveResponse]
) -> Verification:
    """`verification` with the document's gateway responses compared with the `live` ones."""
    checks, notes = compare_responses(declared_responses(data), live)
    return replace(verification, responses=checks, notes=(*verification.notes, *notes))


def _notes(expected: Sequence[Expected], live: LiveApi, rows: Sequence[MethodCheck]) -> list[str]:
    notes: list[str] = []
    counts = Counter(a.name for a in live.authorizers)
    wanted = {e.authorizer for e in expected if e.authorizer}
    for name, count in sorted(counts.items()):
        if count > 1:
            ids = ", ".join(a.id for a in live.authorizers if a.name == name)
            notes.append(
                f"{count} authorizers are named {name!r} ({ids}); each method was checked against the one its"
                " authorizerId names"
            )
    for name in sorted(wanted - set(counts)):
        notes.append(f"no authorizer named {name!r} exists in the live API")
    extra = sum(1 for r in rows if r.status == "extra")
    if extra:
        notes.append(f"{extra} live method(s) are not in the document (a merge import keeps them serving)")
    return notes


def _live_columns(
    live: LiveMethod | None, by_id: dict[str, LiveAuthorizer]
) -> tuple[str, str, tuple[str, ...]]:
    """The live side of a row: authorizationType, the attached authorizer's name (and id), the scopes."""
    if live is None:
        return "-", "-", ()
    auth = by_id.get(live.authorizer_id or "") if live.authorization_type != NONE else None
    if auth is not None:
        name = f"{auth.name} ({auth.id})"
    elif live.authorizer_id and live.authorization_type != NONE:
        name = f"? ({live.authorizer_id})"
    else:
        name = "-"
    return live.authorization_type, name, live.scopes


# --- the AWS side ------------------------------------------------------------------------------------------


def parse_live(authorizers: Iterable[dict[str, Any]], resources: Iterable[dict[str, Any]]) -> LiveApi:
    """GetAuthorizers items and GetResources(embed=methods) items as a `LiveApi`."""
    auths = tuple(
        LiveAuthorizer(
            id=str(a.get("id", "")),
            name=str(a.get("name", "")),
            type=str(a.get("type", "")),
            provider_arns=tuple(a.get("providerARNs") or ()),
        )
        for a in authorizers
    )
    methods: list[LiveMethod] = []
    paths: list[str] = []
    for resource in resources:
        path = str(resource.get("path", ""))
        paths.append(path)
        for verb, method in (resource.get("resourceMethods") or {}).items():
            methods.append(
                LiveMethod(
                    method=str(method.get("httpMethod") or verb),
                    path=path,
                    authorization_type=str(method.get("authorizationType") or NONE),
                    authorizer_id=method.get("authorizerId"),
                    scopes=tuple(method.get("authorizationScopes") or ()),
                    api_key_required=bool(method.get("apiKeyRequired", False)),
                )
            )
    return LiveApi(auths, tuple(methods), tuple(paths))


def fetch_live(
    client: APIGatewayClient, rest_api_id: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The items of GetAuthorizers and of GetResources(embed=methods), every page."""
    with aws_call("apigateway GetAuthorizers"):
        authorizers = list(
            paginate(client.get_authorizers, "items", "position", restApiId=rest_api_id, limit=500)
        )
    with aws_call("apigateway GetResources"):
        resources = list(
            paginate(
                client.get_resources, "items", "position", restApiId=rest_api_id, embed=["methods"], limit=500
            )
        )
    return authorizers, resources


def read_live_api(client: APIGatewayClient, rest_api_id: str) -> LiveApi:
    """GetAuthorizers and GetResources(embed=methods), every page."""
    return parse_live(*fetch_live(client, rest_api_id))
