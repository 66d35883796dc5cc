"""Would API Gateway accept this Cognito token for that operation, and if not, every reason why.

Pure: the token's text, the operation's `Requirement` and the time in; a verdict out. The signature is
checked with PyJWT (and cryptography) against the key set the caller fetched (`aws.jwks`); nothing here is
hand-written cryptography. The claims are compared as Cognito user pool authorizers compare them:
- the issuer must be one of the authorizer's pools (`https://cognito-idp.<region>.amazonaws.com/<pool id>`);
- the token must not be expired (`exp`) nor not yet valid (`nbf`, `iat` in the future);
- a method with scopes takes access tokens carrying one of them, a method without scopes ID tokens;
- an app_client_id_regex is matched against an ID token's `aud` (as a whole); access tokens have no `aud`;
- the token must arrive in the authorizer's header.
An HTTP API's JWT authorizer (`judge_jwt`) has its own rules: issuer, audience, times, any scope.
The token itself is never part of any message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from apigw_cognito.basics.errors import InputError
from apigw_cognito.basics.limits import pool_issuer
from apigw_cognito.core.explain import Requirement


@dataclass(frozen=True)
class Token:
    """A decoded (not yet verified) JWT: its header and claims."""

    header: Mapping[str, Any]
    claims: Mapping[str, Any]
    text: str = field(repr=False)  # never shown

    @property
    def token_use(self) -> str:
        return str(self.claims.get("token_use", ""))

    @property
    def scopes(self) -> tuple[str, ...]:
        return tuple(str(self.claims.get("scope", "")).split())

    @property
    def client_id(self) -> str | None:
        value = self.claims.get("aud") if self.token_use == "id" else self.claims.get("client_id")
        return str(value) if value is not None else None


@dataclass(frozen=True)
class Verdict:
    accepted: bool
    reasons: tuple[str, ...]
    expired: bool = False  # `exp` has passed (API Gateway's own message when that is the only reason)
    signed: bool | None = None  # the signature matched a key of the pool; None: not checked
    basis: tuple[str, ...] = ()  # the rules that admitted it, where they differ by authorizer type (JWT)
    scope_missing: bool = False  # an HTTP API refuses for this alone with 403, not 401


@dataclass(frozen=True)
class TokenCheck:
    """A token judged for an operation, and what became of its signature check, in words."""

    token: Token
    verdict: Verdict
    signature: str
    bearer: bool = False  # the value started with "Bearer "


def issuer_of(pool: str) -> str | None:
    """The `iss` of tokens that the pool (an ARN or a pool id) issues; None for a pool given by name."""
    return pool_issuer(pool)


def decode(text: str) -> Token:
    """The token's header and claims, without verifying anything; `InputError` when it is no JWT."""
    import jwt  # noqa: PLC0415  (PyJWT and cryptography: only `explain --token` needs them)

    text = text.strip()
    if text.lower().startswith("bearer "):
        text = text[7:].strip()
    if text.count(".") != 2:
        raise InputError(
            "the token is not a JWT (three base64url parts separated by dots)",
            hint="give the ID or access token itself, as Cognito returned it (IdToken or AccessToken)",
        )
    try:
        header = jwt.get_unverified_header(text)
        claims = jwt.decode(text, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise InputError(
            f"the token cannot be decoded: {exc}", hint="copy the whole token, without quotes or line breaks"
        ) from None
    return Token(header, claims, text)


def verify_signature(token: Token, key_set: Mapping[str, Any]) -> str | None:
    """None when the token is signed by a key of `key_set` (a JWKS); otherwise why not."""
    import jwt  # noqa: PLC0415  (see `decode`)

    kid = token.header.get("kid")
    try:
        keys = jwt.PyJWKSet.from_dict(dict(key_set))
    except jwt.PyJWTError as exc:
        return f"the pool's key set cannot be read: {exc}"
    try:
        key = keys[str(kid)]
    except KeyError:
        return f"it is signed with key '{kid}', which the pool does not publish"
    algorithm = str(token.header.get("alg", ""))
    if algorithm != "RS256":
        return f"it is signed with {algorithm or 'no algorithm'}; Cognito signs with RS256"
    try:
        jwt.decode(
            token.text,
            key.key,
            algorithms=["RS256"],
            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False, "verify_aud": False},
        )
    except jwt.InvalidSignatureError:
        return "its signature does not match the pool's key: the token was altered or forged"
    except jwt.PyJWTError as exc:
        return f"its signature cannot be checked: {exc}"
    return None


def judge(
    token: Token, requirement: Requirement, pools: tuple[str, ...], now: float, header: str | None = None
) -> Verdict:
    """Every reason API Gateway would refuse `token` for an operation with `requirement` (the signature
    aside: see `verify_signature`). `pools` are the authorizer's pools as ARNs or ids."""
    if requirement.kind == "public":
        return Verdict(True, ())
    if requirement.kind == "unmatched" or requirement.authorizer is None:
        return Verdict(False, ("no rule decides the operation and the default is deny: nothing is imported",))
    authorizer = requirement.authorizer
    if authorizer.is_jwt:
        return judge_jwt(token, requirement, now, header)
    reasons = []
    if token.token_use not in ("id", "access"):
        reasons.append(f"it is not a Cognito ID or access token (token_use is '{token.token_use}')")
    known = [i for i in (issuer_of(p) for p in pools) if i is not None]
    if token.claims.get("iss") not in known:
        reasons.append(
            f"its issuer {token.claims.get('iss')!r} is not one of authorizer {authorizer.name}'s user pools"
            f" ({', '.join(known)})"
        )
    reasons.extend(_time_reasons(token.claims, now))
    reasons.extend(_use_reasons(token, requirement))
    if authorizer.app_client_id_regex is not None:
        if token.token_use == "access":
            reasons.append(
                "the authorizer has an app_client_id_regex, which API Gateway matches against an ID token's"
                " aud: access tokens have none"
            )
        elif token.token_use == "id" and not re.fullmatch(
            authorizer.app_client_id_regex, str(token.client_id)
        ):
            reasons.append(
                f"its app client {token.client_id} does not match the authorizer's app_client_id_regex"
            )
    if header is not None and header.lower() != authorizer.header.lower():
        reasons.append(f"API Gateway reads the token from the {authorizer.header} header, not {header}")
    expires = token.claims.get("exp")
    return Verdict(not reasons, tuple(reasons), isinstance(expires, int | float) and expires <= now)


def issuers(pools: tuple[str, ...]) -> frozenset[str]:
    """The `iss` of the tokens the pools (ARNs or ids) issue."""
    return frozenset(i for i in (issuer_of(p) for p in pools) if i is not None)


def assess(
    token: Token,
    requirement: Requirement,
    pools: tuple[str, ...],
    now: float,
    key_set: Mapping[str, Any] | None,
    header: str | None = None,
) -> Verdict:
    """`judge`, and the signature checked against `key_set` (the JWKS of the token's issuer) when the
    method takes a token from that issuer; None: not checked (`explain --offline`). The one verdict that
    `explain` prints and `serve` answers with."""
    verdict = judge(token, requirement, pools, now, header)
    if requirement.kind != "secured" or key_set is None or token.claims.get("iss") not in issuers(pools):
        return verdict
    problem = verify_signature(token, key_set)
    if problem is None:
        return replace(verdict, signed=True)
    return Verdict(False, (*verdict.reasons, problem), verdict.expired, signed=False)


def _use_reasons(token: Token, requirement: Requirement) -> list[str]:
    if requirement.scopes and token.token_use == "id":
        return [
            "it is an ID token, but the method has scopes, so API Gateway wants an access token carrying"
            f" one of: {', '.join(requirement.scopes)}"
        ]
    if not requirement.scopes and token.token_use == "access":
        return ["it is an access token, but the method has no scopes, so API Gateway wants an ID token"]
    if requirement.scopes and token.token_use == "access" and not set(token.scopes) & set(requirement.scopes):
        has = ", ".join(token.scopes) or "no scope"
        return [
            f"it carries none of the scopes the method needs ({', '.join(requirement.scopes)}); it has {has}"
        ]
    return []


def _time_reasons(claims: Mapping[str, Any], now: float) -> list[str]:
    reasons = []
    expires = claims.get("exp")
    if not isinstance(expires, int | float):
        reasons.append("it has no expiry time (exp)")
    elif expires <= now:
        reasons.append(f"it expired at {when(expires)} ({_ago(now - expires)} ago)")
    for claim in ("nbf", "iat"):
        start = claims.get(claim)
        if isinstance(start, int | float) and start > now:
            reasons.append(f"it is not valid before {when(start)} ({claim} is {_ago(start - now)} from now)")
    return reasons


def when(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _ago(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 1:
        return f"{int(seconds)} s"
    if minutes < 120:
        return f"{minutes} min"
    return f"{minutes // 60} h"


def judge_jwt(token: Token, requirement: Requirement, now: float, header: str | None = None) -> Verdict:
    """An HTTP API's JWT authorizer, in AWS's documented order: the issuer, then the audience (`aud`, or
    `client_id` when the token has no `aud`), the times, then any one of the route's scopes (`scope` or
    `scp`). `token_use` is not checked: a route without scopes accepts ID and access tokens alike. The
    verdict's `basis` says which rule admitted the token at each step."""
    authorizer = requirement.authorizer
    assert authorizer is not None
    issuer = issuer_of(authorizer.user_pools[0])
    reasons: list[str] = []
    basis: list[str] = []
    if token.claims.get("iss") != issuer:
        reasons.append(f"its issuer {token.claims.get('iss')!r} is not the authorizer's issuer {issuer!r}")
    else:
        basis.append("issuer: iss equals the authorizer's issuer")
    _audience_rule(token, authorizer.audience, reasons, basis)
    times = _time_reasons(token.claims, now)
    reasons.extend(times)
    if not times:
        basis.append("time: exp is in the future, nbf and iat are not")
    missing = _scope_rule(token, requirement.scopes, reasons, basis)
    if header is not None and header.lower() != authorizer.header.lower():
        reasons.append(
            f"API Gateway reads the token from {authorizer.identity_source}, not the {header} header"
        )
    expires = token.claims.get("exp")
    return Verdict(
        not reasons,
        tuple(reasons),
        isinstance(expires, int | float) and expires <= now,
        basis=tuple(basis),
        scope_missing=missing and len(reasons) == 1,
    )


def _audience_rule(token: Token, audience: tuple[str, ...], reasons: list[str], basis: list[str]) -> None:
    """`aud` (one or a list) in the audience, or `client_id` when the token has no `aud`."""
    wanted = f"the authorizer's audience ({', '.join(audience)})"
    if "aud" in token.claims:
        value = token.claims["aud"]
        auds = [str(a) for a in value] if isinstance(value, list) else [str(value)]
        if set(audience) & set(auds):
            basis.append(f"audience: aud {', '.join(auds)} is in the audience")
        else:
            reasons.append(f"its aud {', '.join(auds)} is not in {wanted}")
    elif "client_id" in token.claims:
        client = str(token.claims["client_id"])
        if client in audience:
            basis.append(f"audience: the token has no aud; its client_id {client} is in the audience")
        else:
            reasons.append(f"its client_id {client} is not in {wanted}")
    else:
        reasons.append("it has neither aud nor client_id, so no audience can match")


def _scope_rule(token: Token, scopes: tuple[str, ...], reasons: list[str], basis: list[str]) -> bool:
    """Any one of the route's scopes in `scope` or `scp`; True when it carries none."""
    if not scopes:
        basis.append(
            "scopes: the route has none, so any token of the audience is accepted, ID or access token"
            " (a REST API's Cognito authorizer would want an ID token)"
        )
        return False
    carried = set(token.scopes) | set(str(token.claims.get("scp", "")).split())
    matched = sorted(carried & set(scopes))
    if matched:
        basis.append(f"scopes: it carries {matched[0]}, one of the route's scopes")
        return False
    has = ", ".join(sorted(carried)) or "no scope"
    reasons.append(f"it carries none of the route's scopes ({', '.join(scopes)}); it has {has}")
    return True
