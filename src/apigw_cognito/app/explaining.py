"""`explain`: why an operation is secured like this, and whether API Gateway would accept a given token.

The decision's explanation is `core.explain`; the token's claims are judged by `core.tokens`; the pool's
signing keys are fetched by `aws.jwks` unless the run is offline. Nothing here prints or exits.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from apigw_cognito.app.pipeline import Spec
from apigw_cognito.basics.errors import InputError
from apigw_cognito.core.explain import Explanation, explain, find_operation
from apigw_cognito.core.tokens import Token, TokenCheck, decode, issuer_of, judge, verify_signature
from apigw_cognito.selector.model import DEPLOY_TIME, Selector, pool_kind, shown


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
        if pool_kind(pool) in DEPLOY_TIME:
            raise InputError(
                f"user pool {shown(pool, ())} is a deploy-time reference: only the deployment gives the"
                " issuer its tokens carry, so a token cannot be judged against it",
                hint="give explain a selector that names the pool by ARN or id (${VAR} in user_pools lets"
                " one selector serve both), or explain without --token",
            )
    verdict = judge(token, requirement, pools, time.time() if now is None else now, header)
    if requirement.kind != "secured":
        return TokenCheck(token, verdict, "not needed: the method takes no token", bearer)
    issuer = str(token.claims.get("iss", ""))
    if issuer not in {issuer_of(p) for p in pools}:
        signature = "not checked: the token's issuer is not one of the authorizer's pools"
    elif keys.offline:
        signature = "NOT verified (--offline): the verdict holds only if the signature is genuine"
    else:
        signature, problem = _check_signature(token, issuer, keys)
        if problem is not None:
            verdict = replace(verdict, accepted=False, reasons=(*verdict.reasons, problem))
    return TokenCheck(token, verdict, signature, bearer)


def _check_signature(token: Token, issuer: str, keys: KeySource) -> tuple[str, str | None]:
    # The AWS side loads only when a signature is checked.
    from apigw_cognito.aws.jwks import fetch_jwks, jwks_url  # noqa: PLC0415

    url = keys.jwks_url or jwks_url(issuer, keys.endpoint_url)
    problem = verify_signature(token, fetch_jwks(url, keys.timeout))
    if problem is None:
        return f"verified with key '{token.header.get('kid')}' from {url}", None
    return f"REFUSED: checked against {url}", problem
