"""Can a token ever carry the scopes the selector asks for? The selector checked against its user pools.

A method with scopes accepts access tokens carrying one of them. A custom scope (`<resource server>/<name>`)
exists only when a resource server of the pool defines it, and reaches an access token only through an
app client allowed to request it on the OAuth2 endpoints (AllowedOAuthScopes, with
AllowedOAuthFlowsUserPoolClient on). A scope nobody defines makes a method that refuses every caller; a
scope no client may request does the same until a client is allowed it. Pure: `aws.cognito_scopes` reads
the pools into `PoolScopes`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from apigw_cognito.basics import codes
from apigw_cognito.basics.errors import Finding
from apigw_cognito.selector.model import Authorizer, Selector

# Scopes Cognito itself defines; no resource server is needed for them.
STANDARD_SCOPES = frozenset({"openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"})
SKIPPED_NOTE = (
    "scopes not checked against the user pools' resource servers and app clients: no AWS call here"
    " (apply --resolve, import and verify check them)"
)
_SHOWN = 10  # scopes or clients a message lists before counting the rest


@dataclass(frozen=True)
class AppClient:
    id: str
    name: str
    oauth_scopes: frozenset[str]  # what it may request: AllowedOAuthScopes when its OAuth flows are on


@dataclass(frozen=True)
class PoolScopes:
    """What one user pool offers: the scopes its resource servers define, and its app clients."""

    pool: str  # the ARN
    defined: frozenset[str]
    clients: tuple[AppClient, ...]


def needs_pool_check(selector: Selector) -> bool:
    """True when the selector asks for something only the pools can confirm."""
    return any(set(rule.scopes) - STANDARD_SCOPES for rule in selector.rules) or any(
        a.app_client_id_regex is not None or a.audience for a in selector.authorizers.values()
    )


def pool_id(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def _listed(items: Iterable[str]) -> str:
    items = sorted(items)
    more = f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else ""
    return ", ".join(items[:_SHOWN]) + more


def _pools_of(authorizer: Authorizer) -> str:
    """The pools by id, or by their variables when they came from the environment (never shown)."""
    variables = authorizer.pool_variables or ((),) * len(authorizer.user_pools)
    return ", ".join(
        authorizer.pool_shown(i) if names else pool_id(pool)
        for i, (pool, names) in enumerate(zip(authorizer.user_pools, variables, strict=True))
    )


def scope_findings(selector: Selector, pools: Mapping[str, PoolScopes]) -> list[Finding]:
    """AGC104 for a rule scope no resource server of its authorizer's pools defines, AGC210 for one no app
    client may request, AGC211 for an app_client_id_regex no app client id matches. `pools` maps every
    pool ARN of the selector to what it offers."""
    findings: list[Finding] = []
    for rule in selector.rules:
        if rule.authorizer is None:
            continue
        authorizer = selector.authorizers[rule.authorizer]
        offered = [pools[p] for p in authorizer.user_pools]
        defined = frozenset().union(*(p.defined for p in offered))
        for scope in rule.scopes:
            if scope in STANDARD_SCOPES:
                continue
            if scope not in defined:
                exist = (
                    f"the scopes defined there: {_listed(defined)}" if defined else "none defines any scope"
                )
                findings.append(
                    codes.finding(
                        "AGC104",
                        f"rule {rule.index}: scope '{scope}' is defined by no resource server of the user"
                        f" pools of authorizer {authorizer.name} ({_pools_of(authorizer)}), so no token"
                        f" can carry it and the method refuses every caller; {exist}",
                        rule.location,
                    )
                )
                continue
            allowed = [c for p in offered for c in p.clients if scope in c.oauth_scopes]
            if not allowed:
                others = [f"{c.name} ({c.id})" for p in offered for c in p.clients]
                listed = f"app clients: {_listed(others)}" if others else "the pools have no app client"
                findings.append(
                    codes.finding(
                        "AGC210",
                        f"rule {rule.index}: scope '{scope}' is defined, but no app client of authorizer"
                        f" {authorizer.name}'s user pools may request it (AllowedOAuthScopes with OAuth"
                        f" flows on), so no token carries it yet; {listed}",
                        rule.location,
                    )
                )
    findings.extend(_regex_findings(selector, pools))
    findings.extend(_audience_findings(selector, pools))
    return findings


def _audience_findings(selector: Selector, pools: Mapping[str, PoolScopes]) -> list[Finding]:
    """AGC214 for an audience item (a JWT authorizer's) that is no app client of its pool: no token of the
    pool carries it. The items are not shown: they may come from the environment."""
    findings = []
    for authorizer in selector.authorizers.values():
        ids = {c.id for p in authorizer.user_pools for c in pools[p].clients}
        for index, client in enumerate(authorizer.audience):
            if client not in ids:
                findings.append(
                    codes.finding(
                        "AGC214",
                        f"authorizer {authorizer.name}: audience item {index + 1} is no app client of its"
                        f" user pool ({_pools_of(authorizer)}), so no token of the pool carries it"
                        + ("" if set(authorizer.audience) & ids else "; every token is refused"),
                        authorizer.location,
                    )
                )
    return findings


def _regex_findings(selector: Selector, pools: Mapping[str, PoolScopes]) -> list[Finding]:
    findings = []
    for authorizer in selector.authorizers.values():
        pattern = authorizer.app_client_id_regex
        if pattern is None:
            continue
        ids = [c.id for p in authorizer.user_pools for c in pools[p].clients]
        if not any(re.fullmatch(pattern, client_id) for client_id in ids):
            # The regex may come from the environment: it is not shown.
            findings.append(
                codes.finding(
                    "AGC211",
                    f"authorizer {authorizer.name}: its app_client_id_regex matches no app client of its"
                    " user pools"
                    f" ({_pools_of(authorizer)}), so API Gateway refuses every ID token"
                    + (f"; app client ids: {_listed(ids)}" if ids else "; the pools have no app client"),
                    authorizer.location,
                )
            )
    return findings
