"""What API Gateway decides about a request before its integration: the Cognito authorizer, then the API key.

Pure: the method's `Requirement` (the one `explain` shows), the request's header values, the time and the
key set of the token's issuer in; nothing (let through) or a `Refusal` out: the gateway response type,
API Gateway's message, and the reasons in `explain`'s words (`core.tokens`). The server fetches the key set
between `read_token` and `authorize`, only for an issuer that is one of the authorizer's pools.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from apigw_cognito.basics.errors import InputError
from apigw_cognito.core.explain import Requirement
from apigw_cognito.core.gateway_errors import EXPIRED_MESSAGE
from apigw_cognito.core.tokens import Token, Verdict, assess, decode, issuers


@dataclass(frozen=True)
class Refusal:
    kind: str  # the gateway response type: UNAUTHORIZED, INVALID_API_KEY, ...
    reasons: tuple[str, ...]  # why, in explain's words; never the token
    message: str | None = None  # API Gateway's message when it is not the type's own


def read_token(requirement: Requirement, value: str | None) -> Token | Refusal:
    """The token in the identity source header's `value` (a `Bearer ` prefix is accepted), or why not."""
    header = requirement.authorizer.header if requirement.authorizer else "Authorization"
    if value is None or not value.strip():
        return Refusal("UNAUTHORIZED", (f"the request has no token in the {header} header",))
    try:
        return decode(value)
    except InputError as exc:
        return Refusal("UNAUTHORIZED", (exc.message,))


def pools_of(requirement: Requirement) -> tuple[str, ...]:
    return requirement.authorizer.user_pools if requirement.authorizer else ()


def needs_keys(requirement: Requirement, token: Token) -> str | None:
    """The issuer whose key set `authorize` needs: the token's, when it is one of the authorizer's pools."""
    issuer = token.claims.get("iss")
    return issuer if isinstance(issuer, str) and issuer in issuers(pools_of(requirement)) else None


def authorize(
    requirement: Requirement, token: Token, now: float, key_set: Mapping[str, Any] | None
) -> tuple[Verdict, Refusal | None]:
    """The authorizer's verdict on `token` for the method, and the refusal when it is refused."""
    verdict = assess(token, requirement, pools_of(requirement), now, key_set)
    if verdict.accepted:
        return verdict, None
    expired_only = verdict.expired and len(verdict.reasons) == 1
    return verdict, Refusal("UNAUTHORIZED", verdict.reasons, EXPIRED_MESSAGE if expired_only else None)


def check_api_key(requirement: Requirement, value: str | None, keys: Sequence[str]) -> Refusal | None:
    """API Gateway's API key check (after the authorizer): `x-api-key` must be one of `keys`."""
    if not requirement.api_key:
        return None
    if value is None:
        return Refusal(
            "INVALID_API_KEY", ("the method requires an API key and the request has no x-api-key",)
        )
    if value not in keys:
        return Refusal("INVALID_API_KEY", ("its x-api-key is not one of the API keys given with --api-key",))
    return None
