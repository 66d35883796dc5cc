"""A live REST API as plain records: its authorizers with their settings and its methods' authorization.

Built from the items of GetAuthorizers and GetResources(embed=methods), so `adopt` and the live audit
work on data and never call AWS. Every live method has a stable location, written like the resource part
of an execute-api ARN: ``apigateway://<region>/<restApiId>/<METHOD><path>``, for instance
``apigateway://eu-west-1/a1b2c3d4e5/GET/pets/{petId}``. Reports show it as the method's file; SARIF gets it
percent-encoded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from apigw_cognito.basics.openapi import METHOD_KEYS, Operation

COGNITO = "COGNITO_USER_POOLS"
JWT = "JWT"  # an HTTP API route's JWT authorizer
NONE = "NONE"
DEFAULT_TTL = 300  # API Gateway's authorizerResultTtlInSeconds when none is given
_KEY_OF = {method: key for key, method in METHOD_KEYS.items()}


@dataclass(frozen=True)
class ApiAuthorizer:
    id: str
    name: str
    type: str  # COGNITO_USER_POOLS, TOKEN, REQUEST
    provider_arns: tuple[str, ...] = ()
    identity_source: str | None = None
    client_id_regex: str | None = None  # identityValidationExpression
    ttl: int | None = None  # authorizerResultTtlInSeconds
    issuer: str | None = None  # a JWT authorizer's (HTTP APIs)
    audience: tuple[str, ...] = ()


@dataclass(frozen=True)
class ApiMethod:
    method: str  # GET, ..., ANY
    path: str
    authorization_type: str  # NONE, COGNITO_USER_POOLS, CUSTOM, AWS_IAM
    authorizer_id: str | None = None
    scopes: tuple[str, ...] = ()
    api_key_required: bool = False

    def operation(self) -> Operation:
        """The method as the selector sees a document's operation (no operationId, no tags)."""
        return Operation(self.path, _KEY_OF.get(self.method, self.method.lower()), None, (), True, [])


@dataclass(frozen=True)
class LiveSnapshot:
    """What one REST API holds now (not what a stage serves)."""

    rest_api_id: str
    name: str
    region: str
    authorizers: tuple[ApiAuthorizer, ...]
    methods: tuple[ApiMethod, ...]
    http_api: bool = False  # an HTTP API (API Gateway v2): routes and JWT authorizers

    @property
    def kind(self) -> str:
        return "HTTP API" if self.http_api else "REST API"

    @property
    def uri(self) -> str:
        return f"apigateway://{self.region}/{self.rest_api_id}"

    def location_of(self, method: ApiMethod) -> str:
        return f"{self.uri}/{method.method}{method.path}"

    def authorizer(self, authorizer_id: str | None) -> ApiAuthorizer | None:
        return next((a for a in self.authorizers if a.id == authorizer_id), None)


def _ttl(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def snapshot_of(
    rest_api_id: str,
    name: str,
    region: str,
    authorizers: Iterable[Mapping[str, Any]],
    resources: Iterable[Mapping[str, Any]],
) -> LiveSnapshot:
    """GetAuthorizers items and GetResources(embed=methods) items as a `LiveSnapshot`, methods by path."""
    auths = tuple(
        ApiAuthorizer(
            id=str(a.get("id", "")),
            name=str(a.get("name", "")),
            type=str(a.get("type", "")),
            provider_arns=tuple(str(arn) for arn in a.get("providerARNs") or ()),
            identity_source=_text(a.get("identitySource")),
            client_id_regex=_text(a.get("identityValidationExpression")),
            ttl=_ttl(a.get("authorizerResultTtlInSeconds")),
        )
        for a in authorizers
    )
    methods = [
        ApiMethod(
            method=str(body.get("httpMethod") or verb).upper(),
            path=str(resource.get("path", "")),
            authorization_type=str(body.get("authorizationType") or NONE),
            authorizer_id=_text(body.get("authorizerId")),
            scopes=tuple(str(s) for s in body.get("authorizationScopes") or ()),
            api_key_required=bool(body.get("apiKeyRequired")),
        )
        for resource in resources
        for verb, body in (resource.get("resourceMethods") or {}).items()
        if isinstance(body, Mapping)
    ]
    methods.sort(key=lambda m: (m.path, m.method))
    return LiveSnapshot(rest_api_id, name, region, auths, tuple(methods))
