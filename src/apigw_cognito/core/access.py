"""How API Gateway would authorize each operation of a document on import: the basis of `audit`.

API Gateway reads only operation-level `security` (root-level `security` is ignored), so an operation
without its own `security` imports with authorization NONE without anybody having said so: that is OPEN.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from apigw_cognito.basics.errors import Location
from apigw_cognito.basics.openapi import (
    AUTHORIZER_KEY,
    MISSING,
    Locate,
    Operation,
    Version,
    iter_operations,
    security_schemes,
)
from apigw_cognito.core.api_keys import api_key_names

AccessKind = Literal["cognito", "jwt", "lambda", "iam", "api_key", "public", "open"]


@dataclass(frozen=True)
class Access:
    operation: Operation
    kind: AccessKind
    authorizer: str | None
    scopes: tuple[str, ...]
    note: str
    location: Location | None
    api_key: bool = False  # an API key is required too (apiKeyRequired)

    @property
    def label(self) -> str:
        if self.kind in ("cognito", "jwt"):
            scopes = f" [{', '.join(self.scopes)}]" if self.scopes else ""
            return f"{self.kind}: {self.authorizer}{scopes}"
        if self.kind in ("lambda", "iam"):
            return f"{self.kind}: {self.authorizer}"
        return {"api_key": "api key only", "public": "public", "open": "OPEN"}[self.kind]


# `x-amazon-apigateway-authtype` values that authorize by themselves, without an authorizer extension.
_AUTHTYPES: dict[str, AccessKind] = {"awssigv4": "iam", "cognito_user_pools": "cognito"}
# When a requirement names several usable schemes, the one API Gateway attaches.
_PREFERENCE: tuple[AccessKind, ...] = ("cognito", "jwt", "lambda", "iam", "api_key")


def scheme_kind(scheme: Any) -> AccessKind | None:
    """What kind of authorization a security scheme gives, or None when it gives none by itself."""
    if not isinstance(scheme, Mapping):
        return None
    authorizer = scheme.get(AUTHORIZER_KEY)
    if isinstance(authorizer, Mapping):
        kind = str(authorizer.get("type", "")).lower()
        return "cognito" if kind == "cognito_user_pools" else "jwt" if kind == "jwt" else "lambda"
    authtype = str(scheme.get("x-amazon-apigateway-authtype", "")).lower()
    if authtype in _AUTHTYPES:
        return _AUTHTYPES[authtype]
    return "api_key" if scheme.get("type") == "apiKey" else None


def operation_access(op: Operation, schemes: Mapping[str, Any], location: Location | None) -> Access:
    access = _access(op, schemes, location)
    if access.kind in ("cognito", "jwt", "lambda", "iam", "api_key") and api_key_names(op.security, schemes):
        return replace(access, api_key=True)
    return access


def _access(op: Operation, schemes: Mapping[str, Any], location: Location | None) -> Access:
    security = op.security
    if security is MISSING:
        return _without_security(op, location)
    if security == []:
        return Access(op, "public", None, (), "security: []", location)
    if not isinstance(security, list):
        return Access(op, "open", None, (), "security is not a list", location)
    if any(isinstance(requirement, Mapping) and not requirement for requirement in security):
        # An empty requirement object makes the whole requirement optional.
        return Access(op, "public", None, (), "security contains {}", location)
    found = [
        (kind, str(name), tuple(str(s) for s in scopes) if isinstance(scopes, list) else ())
        for requirement in security
        if isinstance(requirement, Mapping)
        for name, scopes in requirement.items()
        if (kind := scheme_kind(schemes.get(name))) is not None
    ]
    for wanted in _PREFERENCE:
        for kind, name, scopes in found:
            if kind == wanted:
                return Access(op, kind, name, scopes if kind in ("cognito", "jwt") else (), "", location)
    return Access(op, "open", None, (), "security names no scheme API Gateway can use", location)


def _without_security(op: Operation, location: Location | None) -> Access:
    """An operation with no `security` of its own: open unless `x-amazon-apigateway-auth` says otherwise."""
    if op.auth_type == "NONE":
        return Access(op, "public", None, (), "x-amazon-apigateway-auth: NONE", location)
    if op.auth_type == "AWS_IAM":
        return Access(op, "iam", "AWS_IAM", (), "x-amazon-apigateway-auth: AWS_IAM", location)
    return Access(op, "open", None, (), "no operation-level security", location)


def document_access(data: Mapping[str, Any], version: Version, locate: Locate) -> list[Access]:
    """The effective authorization of every operation, in document order."""
    schemes = security_schemes(data, version)
    return [operation_access(op, schemes, locate(op.pointer)) for op in iter_operations(data, locate)]
