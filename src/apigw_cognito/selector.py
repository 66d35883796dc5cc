"""The selector file (version 1): which operations get which Cognito authorizer, and which stay public.

This module holds the model, its loading and checking (with file, line and column for every mistake),
`${VAR}` expansion, and matching against operations. The JSON Schema users' editors read is `SCHEMA`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .errors import Location
from .openapi import Operation

DEFAULT_IDENTITY_SOURCE = "method.request.header.Authorization"


@dataclass(frozen=True)
class Authorizer:
    """One Cognito user pool authorizer; its name is the security scheme's name."""

    name: str
    user_pools: tuple[str, ...]  # ARNs, or pool ids / "name:<PoolName>" still to be resolved
    identity_source: str = DEFAULT_IDENTITY_SOURCE
    app_client_id_regex: str | None = None
    result_ttl_seconds: int | None = None
    location: Location | None = None

    @property
    def header(self) -> str:
        """The header that carries the token: the last part of ``method.request.header.<Name>``."""
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
        raise NotImplementedError


@dataclass(frozen=True)
class Rule:
    index: int  # 1-based, as the report shows it
    select: Select
    authorizer: str | None = None
    scopes: tuple[str, ...] = ()
    public: bool = False
    optional: bool = False
    location: Location | None = None


Default = str  # "deny", "public" or an authorizer name


@dataclass(frozen=True)
class Selector:
    name: str  # the file, as given on the command line
    authorizers: Mapping[str, Authorizer]
    rules: tuple[Rule, ...]
    default: Default = "deny"
    cors_preflight: Literal["public", "secured"] = "public"
    default_location: Location | None = field(default=None, compare=False)


def load_selector(raw: bytes, name: str, environ: Mapping[str, str]) -> Selector:
    """Parse and check a selector file; any mistake raises `InputError` with its location."""
    raise NotImplementedError


SCHEMA: dict[str, Any] = {}
