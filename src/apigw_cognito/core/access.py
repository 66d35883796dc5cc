"""How API Gateway would authorize each operation of a document on import: the basis of `audit`.

API Gateway reads only operation-level `security` (root-level `security` is ignored), so an operation
without its own `security` imports with authorization NONE without anybody having said so: that is OPEN.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from apigw_cognito.basics.errors import Location
from apigw_cognito.basics.openapi import MISSING, Locate, Operation, Version, get_in, iter_operations

AccessKind = Literal["cognito", "lambda", "iam", "api_key", "public", "open"]


@dataclass(frozen=True)
class Access:
    operation: Operation
    kind: AccessKind
    authorizer: str | None
    scopes: tuple[str, ...]
    note: str
    location: Location | None

    @property
    def label(self) -> str:
        if self.kind == "cognito":
            scopes = f" [{', '.join(self.scopes)}]" if self.scopes else ""
            return f"cognito: {self.authorizer}{scopes}"
        if self.kind in ("lambda", "iam"):
            return f"{self.kind}: {self.authorizer}"
        return {"api_key": "api key only", "public": "public", "open": "OPEN"}[self.kind]


def scheme_kind(scheme: Any) -> AccessKind | None:
    """What kind of authorization a security scheme gives, or None when it gives none by itself."""
    if not isinstance(scheme, Mapping):
        return None
    authtype = str(scheme.get("x-amazon-apigateway-authtype", "")).lower()
    authorizer = scheme.get("x-amazon-apigateway-authorizer")
    if isinstance(authorizer, Mapping):
        if str(authorizer.get("type", "")).lower() == "cognito_user_pools":
            return "cognito"
        return "lambda"
    if authtype == "awssigv4":
        return "iam"
    if authtype == "cognito_user_pools":
        return "cognito"
    if scheme.get("type") == "apiKey":
        return "api_key"
    return None


def operation_access(op: Operation, schemes: Mapping[str, Any], location: Location | None) -> Access:
    security = op.security
    if security is MISSING:
        if op.auth_type == "NONE":
            return Access(op, "public", None, (), "x-amazon-apigateway-auth: NONE", location)
        if op.auth_type == "AWS_IAM":
            return Access(op, "iam", "AWS_IAM", (), "x-amazon-apigateway-auth: AWS_IAM", location)
        return Access(op, "open", None, (), "no operation-level security", location)
    if security == []:
        return Access(op, "public", None, (), "security: []", location)
    if not isinstance(security, list):
        return Access(op, "open", None, (), "security is not a list", location)
    found: list[tuple[AccessKind, str, tuple[str, ...]]] = []
    for requirement in security:
        if not isinstance(requirement, Mapping):
            continue
        if not requirement:
            # An empty requirement object makes the whole requirement optional.
            return Access(op, "public", None, (), "security contains {}", location)
        for name, scopes in requirement.items():
            kind = scheme_kind(schemes.get(name))
            if kind is not None:
                scope_list = tuple(str(s) for s in scopes) if isinstance(scopes, list) else ()
                found.append((kind, str(name), scope_list))
    for wanted in ("cognito", "lambda", "iam", "api_key"):
        for kind, name, scopes in found:
            if kind == wanted:
                return Access(op, kind, name, scopes if kind == "cognito" else (), "", location)
    return Access(op, "open", None, (), "security names no scheme API Gateway can use", location)


def document_access(data: Mapping[str, Any], version: Version, locate: Locate) -> list[Access]:
    """The effective authorization of every operation, in document order."""
    schemes = get_in(data, version.schemes_pointer, {})
    schemes = schemes if isinstance(schemes, Mapping) else {}
    return [operation_access(op, schemes, locate(op.pointer)) for op in iter_operations(data, locate)]
