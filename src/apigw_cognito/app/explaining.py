"""`explain`: why an operation is secured like this, and whether API Gateway would accept a given token.

The decision's explanation is `core.explain`; the token's claims are judged by `core.tokens`; the pool's
signing keys are fetched by `aws.jwks` unless the run is offline. Nothing here prints or exits.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from apigw_cognito.app.pipeline import Spec
from apigw_cognito.basics.errors import InputError
from apigw_cognito.core.explain import Explanation, explain, find_operation
from apigw_cognito.core.tokens import TokenCheck, assess, decode, issuers, judge
from apigw_cognito.selector.model import DEPLOY_TIME, Authorizer, Selector, pool_kind


@dataclass(frozen=True)
class KeySource:
    """Where the signing keys come from: fetched (`fetch` given a URL), or not at all (`offline`)."""

    offline: bool = False
    jwks_url: str | None = None  # instead of the pool's own
    endpoint_url: str | None = None  # Cognito's endpoint (moto), as for every Cognito call
    timeout: float = 10.0


def explain_operation(spec: Spec, selector: Selector, wanted: str) -> Explanation:
    operation = find_operation(spec.data, spec.locate, wanted)
    return explain(spec.data, spec.version, selector, operation, spec.locate)


def check_token(
    explanation: Explanation,
    text: str,
    keys: KeySource,
    *,
    header: str | None = None,
    now: float | None = None,
) -> TokenCheck:
    """Judge the token `text` for the explained operation, its signature included unless offline.

    `InputError` for a malformed token or a pool named by name (only a Cognito lookup gives its id);
    `AwsError` when the keys cannot be fetched."""
    token = decode(text)
    bearer = text.strip().lower().startswith("bearer ")
    requirement = explanation.requirement
    pools = requirement.authorizer.user_pools if requirement.authorizer else ()
    for pool in pools:
        if pool_kind(pool) == "name":
            raise InputError(
                f"user pool {pool} is given by name; only a Cognito lookup gives the issuer its tokens carry",
                hint="run without --offline (the pool is looked up), or write its id or ARN in the selector",
            )
    if requirement.authorizer is not None:
        refuse_deploy_time_issuers(requirement.authorizer, "explain", ", or explain without --token")
    now = time.time() if now is None else now
    if requirement.kind != "secured":
        return TokenCheck(token, judge(token, requirement, pools, now, header), _NOT_NEEDED, bearer)
    issuer = str(token.claims.get("iss", ""))
    url = None
    if issuer not in issuers(pools):
        signature = "not checked: the token's issuer is not one of the authorizer's pools"
    elif keys.offline:
        signature = "NOT verified (--offline): the verdict holds only if the signature is genuine"
    else:
        url = key_set_url(issuer, keys)
    verdict = assess(token, requirement, pools, now, _fetch(url, keys.timeout) if url else None, header)
    if verdict.signed is True:
        signature = f"verified with key '{token.header.get('kid')}' from {url}"
    elif verdict.signed is False:
        signature = f"REFUSED: checked against {url}"
    return TokenCheck(token, verdict, signature, bearer)


_NOT_NEEDED = "not needed: the method takes no token"


def refuse_deploy_time_issuers(authorizer: Authorizer, command: str, otherwise: str = "") -> None:
    """`InputError`, at the pool's place in the selector, for a pool that only a deployment names: no
    token's issuer can be compared with it (`explain --token` and `serve` judge tokens)."""
    for index, pool in enumerate(authorizer.user_pools):
        if pool_kind(pool) in DEPLOY_TIME:
            raise InputError(
                f"authorizer '{authorizer.name}': user pool {authorizer.pool_shown(index)} is a deploy-time"
                f" reference: only the deployment gives the issuer its tokens carry, so {command} cannot"
                " judge a token against it",
                authorizer.pool_locations[index] if index < len(authorizer.pool_locations) else None,
                hint=f"give {command} a selector that names the pool by ARN or id (${{VAR}} in"
                f" user_pools lets one selector serve both){otherwise}",
            )


def key_set_url(issuer: str, keys: KeySource) -> str:
    """Where the signing keys of `issuer` (one of the authorizer's pools) are fetched."""
    from apigw_cognito.aws.jwks import jwks_url  # noqa: PLC0415  (the AWS side loads only when needed)

    return keys.jwks_url or jwks_url(issuer, keys.endpoint_url)


def _fetch(url: str, timeout: float) -> dict[str, Any]:
    from apigw_cognito.aws.jwks import fetch_jwks  # noqa: PLC0415  (see `key_set_url`)

    return fetch_jwks(url, timeout)
