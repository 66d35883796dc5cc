"""The selector's model: authorizers, the rules that pick operations for them, and user pool references.

`loader.load_selector` builds a `Selector` from a file (its docstring is the format's reference); the core
matches its rules against a document's operations.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.basics.intrinsics import (
    CDK_TOKEN_RE,
    TEMPLATE_VARIABLE_RE,
    is_reference_text,
    reference_data,
    shown_reference,
)
from apigw_cognito.basics.limits import POOL_ARN_RE, POOL_ID_RE
from apigw_cognito.basics.openapi import Operation
from apigw_cognito.selector.globs import match_name, match_path
from apigw_cognito.selector.syntax import POOL_NAME_RE

DEFAULT_IDENTITY_SOURCE = "method.request.header.Authorization"
JWT_IDENTITY_SOURCE = "$request.header.Authorization"  # an HTTP API JWT authorizer's default
AuthorizerType = Literal["cognito_user_pools", "jwt"]


def shown(value: str, variables: tuple[str, ...]) -> str:
    """How messages may show a value: quoted when literal, by its variables when it came from the
    environment (the output and the logs may be public)."""
    if not variables:
        return shown_reference(value) if is_reference_text(value) else f"'{value}'"
    return " ".join(f"${{{v}}}" for v in variables) + " (from the environment)"


@dataclass(frozen=True)
class Authorizer:
    """One Cognito user pool authorizer; its name is the security scheme's name."""

    name: str
    user_pools: tuple[str, ...]  # ARNs, or pool ids / "name:<PoolName>" still to be resolved
    identity_source: str = DEFAULT_IDENTITY_SOURCE
    app_client_id_regex: str | None = None
    result_ttl_seconds: int | None = None
    location: Location | None = None
    # Where each of `user_pools` is written, in the same order (None when unknown).
    pool_locations: tuple[Location | None, ...] = field(default=(), compare=False)
    # The environment variables each of `user_pools` was read from, in the same order (() when literal),
    # so that messages can name the variable instead of showing its value.
    pool_variables: tuple[tuple[str, ...], ...] = field(default=(), compare=False)
    # An HTTP API's JWT authorizer ("jwt": one pool, `audience` its app client ids) or a REST API's.
    type: AuthorizerType = "cognito_user_pools"
    audience: tuple[str, ...] = ()

    @property
    def is_jwt(self) -> bool:
        return self.type == "jwt"

    def needs_lookup(self, pool: str) -> bool:
        """Whether only AWS can turn `pool` into what this authorizer needs: a name always; a pool id
        unless the authorizer is a JWT one (its issuer needs only the id)."""
        kind = pool_kind(pool)
        return kind == "name" or (kind == "id" and not self.is_jwt)

    def pool_shown(self, index: int) -> str:
        """How messages may show user pool `index`: quoted when literal, by its variables when not."""
        variables = self.pool_variables[index] if index < len(self.pool_variables) else ()
        return shown(self.user_pools[index], variables)

    @property
    def header(self) -> str:
        """The header (or, for a JWT authorizer, possibly the query string parameter) that carries the
        token: the last part of ``method.request.header.<Name>`` or ``$request.header.<Name>``."""
        return self.identity_source.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class Select:
    """What a rule selects; every given part must match, any item within a part."""

    methods: frozenset[str] | None = None  # upper case, "ANY" for x-amazon-apigateway-any-method; None: all
    paths: tuple[str, ...] | None = None  # path globs: "*" one segment, "**" any number
    tags: tuple[str, ...] | None = None
    operation_ids: tuple[str, ...] | None = None  # globs
    text: str = ""  # as the user wrote it, for reports

    @property
    def names_options(self) -> bool:
        """True when OPTIONS is named explicitly (not through "*"), which alone may secure a preflight."""
        return self.methods is not None and "OPTIONS" in self.methods

    def matches(self, operation: Operation) -> bool:
        if self.methods is not None and operation.method not in self.methods:
            return False
        if self.paths is not None and not any(match_path(glob, operation.path) for glob in self.paths):
            return False
        if self.tags is not None and not any(tag in operation.tags for tag in self.tags):
            return False
        if self.operation_ids is not None:
            op_id = operation.operation_id
            if op_id is None or not any(match_name(glob, op_id) for glob in self.operation_ids):
                return False
        return True


ApiKey = Literal["keep", "required", "none"]


@dataclass(frozen=True)
class Rule:
    index: int  # 1-based, as the report shows it
    select: Select
    authorizer: str | None = None
    scopes: tuple[str, ...] = ()
    public: bool = False
    optional: bool = False
    location: Location | None = None
    # keep: an API key the operation requires stays required (the default); required: add one; none: drop it.
    api_key: ApiKey = "keep"


@dataclass(frozen=True)
class Cors:
    """The CORS headers `gateway_responses: cors` puts on API Gateway's error responses: taken from the
    document's preflights (`auto`) or given (`allow_origin`, `allow_headers`, as plain text)."""

    auto: bool
    allow_origin: str | None = None
    allow_headers: str | None = None
    location: Location | None = field(default=None, compare=False)


Default = str  # "deny", "public" or an authorizer name


@dataclass(frozen=True)
class Selector:
    name: str  # the file, as given on the command line
    authorizers: Mapping[str, Authorizer]
    rules: tuple[Rule, ...]
    default: Default = "deny"
    cors_preflight: Literal["public", "secured"] = "public"
    default_location: Location | None = field(default=None, compare=False)
    gateway_cors: Cors | None = None  # `gateway_responses: cors`; None when absent or `none`

    @property
    def http_api(self) -> bool:
        """True when the authorizers are JWT authorizers: the document is an HTTP API's (the loader
        refuses a selector that mixes both types)."""
        return any(a.is_jwt for a in self.authorizers.values())

    def with_pools(self, mapping: Mapping[str, str]) -> Selector:
        """A copy where every pool id or ``name:<PoolName>`` found in `mapping` becomes its ARN.

        Pools missing from `mapping` stay as they are (`require_arns` reports them). When a resolved pool
        repeats another one of the same authorizer, only the first stays: providerARNs lists each pool once.
        """
        authorizers: dict[str, Authorizer] = {}
        for name, authorizer in self.authorizers.items():
            pools: list[str] = []
            where: list[Location | None] = []
            sources: list[tuple[str, ...]] = []
            count = len(authorizer.user_pools)
            locations = authorizer.pool_locations or (None,) * count
            variables = authorizer.pool_variables or ((),) * count
            for pool, location, names in zip(authorizer.user_pools, locations, variables, strict=True):
                new = pool if pool_kind(pool) == "arn" else mapping.get(pool, pool)
                if new != pool and pool_kind(new) != "arn":
                    raise ValueError(f"{pool!r} must map to a user pool ARN, not to {new!r}")
                if new not in pools:
                    pools.append(new)
                    where.append(location)
                    sources.append(names if new == pool else ())
            authorizers[name] = replace(
                authorizer,
                user_pools=tuple(pools),
                pool_locations=tuple(where),
                pool_variables=tuple(sources),
            )
        return replace(self, authorizers=authorizers)


PoolKind = Literal["arn", "id", "name", "reference", "token", "template"]
# The kinds that only a deployment turns into an ARN: a CloudFormation function, a CDK token, a Terraform
# template variable. They are written into the document as they are; nothing looks them up.
DEPLOY_TIME: frozenset[PoolKind] = frozenset({"reference", "token", "template"})


def pool_kind(value: str) -> PoolKind:
    """Which of the accepted forms a user pool entry has; ValueError for anything else."""
    if re.fullmatch(POOL_ARN_RE, value):
        return "arn"
    if re.fullmatch(POOL_ID_RE, value):
        return "id"
    if re.fullmatch(POOL_NAME_RE, value):
        return "name"
    if is_reference_text(value):
        return "reference"
    if re.fullmatch(CDK_TOKEN_RE, value):
        return "token"
    if re.fullmatch(TEMPLATE_VARIABLE_RE, value):
        return "template"
    raise ValueError(f"not a user pool ARN, pool id or name:<PoolName>: {value!r}")


def require_arns(selector: Selector) -> None:
    """Raise `InputError` for the first pool given as an id or a name, which only an AWS lookup can turn
    into the ARN API Gateway needs."""
    for authorizer in selector.authorizers.values():
        locations = authorizer.pool_locations or (None,) * len(authorizer.user_pools)
        for index, (pool, location) in enumerate(zip(authorizer.user_pools, locations, strict=True)):
            if not authorizer.needs_lookup(pool):
                continue
            kind = pool_kind(pool)
            raise InputError(
                f"authorizer '{authorizer.name}': user pool {authorizer.pool_shown(index)} is a pool {kind},"
                " not an ARN,"
                " and this command does not call AWS to look it up",
                location or authorizer.location or Location(selector.name),
                hint="run `apigw-cognito apply --resolve` (or `import`), which looks the ARN up, or write"
                " the ARN itself: arn:aws:cognito-idp:<region>:<account id>:userpool/<pool id>",
            )


def provider_value(pool: str) -> Any:
    """What a providerARNs item holds for `pool`: the function's data for a CloudFormation reference, the
    text itself for everything else."""
    return reference_data(pool) if is_reference_text(pool) else pool


def deploy_time_pools(selector: Selector) -> list[tuple[Authorizer, int]]:
    """The (authorizer, index) of every user pool that only a deployment turns into an ARN."""
    return [
        (authorizer, index)
        for authorizer in selector.authorizers.values()
        for index, pool in enumerate(authorizer.user_pools)
        if pool_kind(pool) in DEPLOY_TIME
    ]
