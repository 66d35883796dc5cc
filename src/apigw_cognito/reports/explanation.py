"""The text `explain` prints: the deciding rule, the rules that lose and why, what API Gateway requires,
and a token's verdict with every reason. A token is described by its claims, never shown."""

from __future__ import annotations

from apigw_cognito.core.explain import Explanation
from apigw_cognito.core.tokens import TokenCheck, issuer_of, when
from apigw_cognito.selector.model import DEPLOY_TIME, Authorizer, pool_kind


def render_explanation(explanation: Explanation, check: TokenCheck | None = None) -> str:
    op = explanation.operation
    requirement = explanation.requirement
    lines = [f"{op}" + (f"  ({explanation.location})" if explanation.location else "")]
    deciding = next((m for m in explanation.rules if m.decides), None)
    if deciding is not None:
        lines.append(
            f"decided by rule {deciding.rule.index} ({deciding.rule.select.text}){_at(deciding.rule)}"
        )
    elif requirement.decided_by == "cors_preflight":
        lines.append("decided by cors_preflight: public (browsers send CORS preflights without a token)")
    elif requirement.decided_by == "default":
        lines.append("decided by the selector's default: no rule selects it")
    else:
        lines.append("decided by no rule, and the default is deny: apply refuses the document until one does")
    others = [m for m in explanation.rules if not m.decides]
    if others:
        lines.append("other rules that select it:")
        lines += [f"  rule {m.rule.index} ({m.rule.select.text}){_at(m.rule)}: {m.why}" for m in others]
    lines.append("API Gateway will require:")
    lines += [f"  {key:<12}{value}" for key, value in _requirements(explanation)]
    if check is not None:
        lines += ["", *_token_lines(check)]
    return "\n".join(lines) + "\n"


def _at(rule: object) -> str:
    location = getattr(rule, "location", None)
    return f" at {location}" if location else ""


def _requirements(explanation: Explanation) -> list[tuple[str, str]]:
    requirement = explanation.requirement
    authorizer = requirement.authorizer
    if requirement.kind == "unmatched":
        return [("nothing", "the operation is not decided, so nothing is imported")]
    if requirement.kind == "public" or authorizer is None:
        return [("nothing", "the method is public (authorization NONE): no token is needed")]
    pools = [authorizer.pool_shown(i).strip("'") for i in range(len(authorizer.user_pools))]
    if authorizer.is_jwt:
        return _jwt_requirements(requirement.scopes, authorizer)
    token = (
        f"an access token carrying one of: {', '.join(requirement.scopes)}"
        if requirement.scopes
        else "an ID token (the method has no scopes, so access tokens are refused)"
    )
    rows = [
        ("authorizer", f"{authorizer.name} (Cognito user pools)"),
        ("user pools", ", ".join(pools)),
        ("token", token),
        ("header", authorizer.header),
        ("API key", "required too (x-api-key)" if requirement.api_key else "not required"),
    ]
    if authorizer.app_client_id_regex is not None:
        rows.append(("app client", "an ID token whose aud matches the authorizer's app_client_id_regex"))
    return rows


def _jwt_requirements(scopes: tuple[str, ...], authorizer: Authorizer) -> list[tuple[str, str]]:
    token = (
        f"a token of the audience whose scope carries one of: {', '.join(scopes)}"
        if scopes
        else "an ID or access token of the audience (the route has no scopes)"
    )
    return [
        ("authorizer", f"{authorizer.name} (JWT authorizer of an HTTP API)"),
        ("issuer", issuer_of(authorizer.user_pools[0]) or _issuer_from(authorizer)),
        ("audience", ", ".join(authorizer.audience)),
        ("token", token),
        ("from", authorizer.identity_source),
    ]


def _token_lines(check: TokenCheck) -> list[str]:
    token = check.token
    claims = token.claims
    issuer = str(claims.get("iss", "?")).rsplit("/", 1)[-1]
    scopes = f", scopes: {' '.join(token.scopes)}" if token.token_use == "access" else ""
    expires = claims.get("exp")
    expiry = f", expires {when(expires)}" if isinstance(expires, int | float) else ""
    lines = [
        f"token: {token.token_use or 'unknown'} token of user pool {issuer}, app client"
        f" {token.client_id or '?'}{scopes}{expiry}",
        f"signature: {check.signature}",
    ]
    if check.bearer:
        lines.append("note: the value starts with 'Bearer '; the token after it was checked")
    if check.verdict.basis:
        lines.append("rules applied (JWT authorizer):")
        lines += [f"  - {rule}" for rule in check.verdict.basis]
    if check.verdict.accepted:
        lines.append("verdict: ACCEPTED: API Gateway would let this token through")
    else:
        lines.append("verdict: REFUSED:")
        lines += [f"  - {reason}" for reason in check.verdict.reasons]
        if check.verdict.scope_missing:
            lines.append("  (an HTTP API answers this with 403 Forbidden, other refusals with 401)")
    return lines


def _issuer_from(authorizer: Authorizer) -> str:
    """A pool without an issuer here: one only the deployment names (the document holds a function that
    builds the issuer from it), or a name still to be looked up."""
    if pool_kind(authorizer.user_pools[0]) in DEPLOY_TIME:
        return f"built at deployment from the pool {authorizer.pool_shown(0)}"
    return authorizer.pool_shown(0)
