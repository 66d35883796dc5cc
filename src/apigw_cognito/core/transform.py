"""The pure transform: a document's data and a selector in, edits and a report of decisions out.

No I/O here. The document layer turns the edits into text; the shell validates and writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from apigw_cognito.basics import codes
from apigw_cognito.basics.errors import Finding, Location
from apigw_cognito.basics.intrinsics import issuer_function
from apigw_cognito.basics.limits import pool_issuer
from apigw_cognito.basics.openapi import (
    AUTHORIZER_KEY,
    MISSING,
    Locate,
    Operation,
    Version,
    iter_operations,
    security_schemes,
)
from apigw_cognito.core.api_keys import api_key_names, scheme_to_require
from apigw_cognito.core.gateway_responses import ADD_AUTO, GIVE_VALUES, missing_cors, plan_cors
from apigw_cognito.core.http_cors import http_cors_warnings
from apigw_cognito.document.edits import Edit
from apigw_cognito.selector.model import DEPLOY_TIME, Authorizer, Rule, Selector, pool_kind, provider_value

Kind = Literal["secured", "public"]


@dataclass(frozen=True)
class Decision:
    """What the selector decided for one operation, and why."""

    operation: Operation
    kind: Kind
    authorizer: str | None  # the scheme name when secured
    scopes: tuple[str, ...]
    reason: str  # "rule 2", "default", "cors_preflight"
    changed: bool  # whether the operation's `security` differs from what the document had
    location: Location | None = None
    api_keys: tuple[str, ...] = ()  # API key schemes required too (AND), kept or added

    @property
    def security(self) -> list[dict[str, list[str]]]:
        """The operation-level `security` value this decision writes."""
        return security_value(self.authorizer, self.scopes, self.api_keys)


@dataclass(frozen=True)
class Result:
    decisions: tuple[Decision, ...]
    unmatched: tuple[Operation, ...]  # selected by no rule under `default: deny`: nothing may be written
    schemes: dict[str, dict[str, Any]]  # scheme name -> the security scheme object written
    changed_schemes: tuple[str, ...]
    edits: tuple[Edit, ...]
    findings: tuple[Finding, ...]
    notes: tuple[str, ...] = ()  # what the report says besides findings: API keys dropped, CORS found none
    cors_headers: tuple[tuple[str, str], ...] = ()  # (header, quoted literal) the gateway responses carry

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level == "error")


def security_value(
    authorizer: str | None, scopes: tuple[str, ...], api_keys: tuple[str, ...] = ()
) -> list[dict[str, list[str]]]:
    """One requirement object: the authorizer (with its scopes) and every API key, all required (AND)."""
    requirement = {} if authorizer is None else {authorizer: list(scopes)}
    requirement.update((name, []) for name in api_keys if name != authorizer)
    return [requirement] if requirement else []


def scheme_for(authorizer: Authorizer) -> dict[str, Any]:
    """The security scheme API Gateway reads, in the shape AWS SAM generates."""
    if authorizer.is_jwt:
        return jwt_scheme_for(authorizer)
    extension: dict[str, Any] = {
        "type": "cognito_user_pools",
        "providerARNs": [provider_value(p) for p in authorizer.user_pools],
    }
    if authorizer.app_client_id_regex is not None:
        extension["identityValidationExpression"] = authorizer.app_client_id_regex
    if authorizer.result_ttl_seconds is not None:
        extension["authorizerResultTtlInSeconds"] = authorizer.result_ttl_seconds
    return {
        "type": "apiKey",
        "name": authorizer.header,
        "in": "header",
        "x-amazon-apigateway-authtype": "cognito_user_pools",
        AUTHORIZER_KEY: extension,
    }


def jwt_scheme_for(authorizer: Authorizer) -> dict[str, Any]:
    """An HTTP API's JWT authorizer for a Cognito pool, as AWS's documentation writes it. `flows: {}` is
    there because OpenAPI 3.0 requires `flows` in an oauth2 scheme; HTTP API import reads only the
    extension. The issuer is exactly the tokens' `iss`: no trailing slash; for a pool only the deployment
    names (a CloudFormation function, a CDK token), the function that builds it at deployment."""
    pool = authorizer.user_pools[0]
    deploy_time = pool_kind(pool) in DEPLOY_TIME
    issuer = issuer_function(provider_value(pool)) if deploy_time else pool_issuer(pool) or pool
    return {
        "type": "oauth2",
        "flows": {},
        AUTHORIZER_KEY: {
            "type": "jwt",
            "jwtConfiguration": {"issuer": issuer, "audience": list(authorizer.audience)},
            "identitySource": authorizer.identity_source,
        },
    }


def _decide(op: Operation, selector: Selector) -> tuple[Rule | None, Rule | None]:
    """(the rule that decides `op`, the first rule that selected it at all)."""
    preflight_guard = op.method == "OPTIONS" and selector.cors_preflight == "public"
    first_match: Rule | None = None
    for rule in selector.rules:
        if not rule.select.matches(op):
            continue
        first_match = first_match or rule
        # A preflight stays public unless a rule names OPTIONS itself: "*" never secures it.
        if preflight_guard and not rule.public and not rule.select.names_options:
            continue
        return rule, first_match
    return None, first_match


def secure(data: Mapping[str, Any], version: Version, selector: Selector, locate: Locate) -> Result:
    """Decide every operation's security from `selector` and say what must change in the document."""
    findings: list[Finding] = []
    decisions: list[Decision] = []
    selected_by: set[int] = set()
    unmatched: list[Operation] = []
    operations = list(iter_operations(data, locate))
    existing = security_schemes(data, version)
    keys = _ApiKeys(existing, set(selector.authorizers))

    for op in operations:
        rule, first_match = _decide(op, selector)
        if first_match is not None:
            selected_by.add(first_match.index)
        if rule is not None:
            selected_by.add(rule.index)
            kind: Kind = "public" if rule.public else "secured"
            decision = (kind, rule.authorizer if not rule.public else None, rule.scopes, f"rule {rule.index}")
        elif op.method == "OPTIONS" and selector.cors_preflight == "public":
            decision = ("public", None, (), "cors_preflight")
        elif selector.default == "deny":
            unmatched.append(op)
            continue
        elif selector.default == "public":
            decision = ("public", None, (), "default")
        else:
            decision = ("secured", selector.default, (), "default")
        kind, name, scopes, reason = decision
        api_keys = keys.decide(op, rule)
        new = security_value(name, scopes, api_keys)
        decisions.append(
            Decision(
                operation=op,
                kind=kind,
                authorizer=name,
                scopes=tuple(scopes),
                reason=reason,
                changed=op.security is MISSING or op.security != new,
                location=locate(op.pointer),
                api_keys=api_keys,
            )
        )

    for op in unmatched:
        findings.append(
            codes.finding(
                "AGC101",
                f"{op} is selected by no rule and the selector's default is deny",
                locate(op.pointer),
                op.pointer,
            )
        )
    for rule in selector.rules:
        if rule.index not in selected_by and not rule.optional:
            findings.append(_unused_rule(rule, operations, decisions))
    findings.extend(_warnings(data, selector, decisions, operations, locate, existing))

    schemes: dict[str, dict[str, Any]] = {
        name: scheme_for(auth) for name, auth in selector.authorizers.items()
    }
    schemes.update(keys.added)
    changed_schemes = tuple(name for name, scheme in schemes.items() if existing.get(name) != scheme)

    edits = [Edit((*version.schemes_pointer, name), schemes[name]) for name in changed_schemes]
    edits.extend(Edit((*d.operation.pointer, "security"), d.security) for d in decisions if d.changed)
    cors = plan_cors(data, selector.gateway_cors, locate)
    edits.extend(cors.edits)
    findings.extend(cors.findings)
    if selector.http_api:  # CORS is the document's x-amazon-apigateway-cors
        headers = {selector.authorizers[d.authorizer].header for d in decisions if d.authorizer}
        findings.extend(http_cors_warnings(data, locate, headers))
    elif not cors.headers and not cors.findings:  # nothing written: say so when browsers miss the 401
        secured = any(d.kind == "secured" or d.api_keys for d in decisions)
        hint = ADD_AUTO if selector.gateway_cors is None else GIVE_VALUES  # auto found no origin
        warning = missing_cors(data, locate, secured=secured, hint=hint)
        findings.extend([warning] if warning else [])
    return Result(
        decisions=tuple(decisions),
        unmatched=tuple(unmatched),
        schemes=schemes,
        changed_schemes=changed_schemes,
        edits=tuple(edits),
        findings=tuple(findings),
        notes=(*keys.notes, *cors.notes),
        cors_headers=tuple(cors.headers.items()),
    )


def _unused_rule(rule: Rule, operations: list[Operation], decisions: list[Decision]) -> Finding:
    """AGC102 for a rule that decides no operation: it selects none, or earlier rules decide all it selects
    (the first rule that selects an operation decides it), which the message names."""
    decided = {d.operation.pointer: d.reason for d in decisions}
    taken = [
        (op, decided[op.pointer]) for op in operations if op.pointer in decided and rule.select.matches(op)
    ]
    if not taken:
        message = (
            f"rule {rule.index} ({rule.select.text}) selects no operation;"
            " fix the selector or mark the rule `optional: true`"
        )
    else:
        shown = [
            f"{op} is decided by {by}" if i == 0 else f"{op} by {by}" for i, (op, by) in enumerate(taken[:3])
        ]
        more = f" and {len(taken) - 3} more by earlier rules" if len(taken) > 3 else ""
        message = (
            f"rule {rule.index} ({rule.select.text}) decides nothing: {', '.join(shown)}{more};"
            " the first rule that selects an operation decides it: move this rule up, narrow the earlier"
            " one, remove this one, or mark it `optional: true`"
        )
    return codes.finding("AGC102", message, rule.location)


class _ApiKeys:
    """Which API key schemes each decided operation requires: those it had (unless its rule says
    `api_key: none`), or the document's (or a new standard one) where the rule says `api_key: required`."""

    def __init__(self, schemes: Mapping[str, Any], authorizers: set[str]) -> None:
        self.schemes = schemes
        self.authorizers = authorizers
        self.added: dict[str, dict[str, Any]] = {}  # a standard scheme `required` writes
        self.notes: list[str] = []

    def decide(self, op: Operation, rule: Rule | None) -> tuple[str, ...]:
        had = tuple(n for n in api_key_names(op.security, self.schemes) if n not in self.authorizers)
        if rule is None or rule.api_key == "keep":
            return had
        if rule.api_key == "none":
            if had:
                self.notes.append(
                    f"{op}: an API key is no longer required ({', '.join(had)} dropped: rule {rule.index}"
                    " says api_key: none); usage plans stop throttling and metering this method"
                )
            return ()
        if not had:
            name, scheme = scheme_to_require(self.schemes, self.authorizers)
            if scheme is not None:
                self.added[name] = scheme
            return (name,)
        return had


def _warnings(
    data: Mapping[str, Any],
    selector: Selector,
    decisions: list[Decision],
    operations: list[Operation],
    locate: Locate,
    schemes: Mapping[str, Any],
) -> list[Finding]:
    """Where API Gateway behaves in ways users do not expect."""
    out: list[Finding] = []
    if "security" in data and not selector.http_api:
        out.append(
            codes.finding(
                "AGC201",
                "root-level `security` is ignored by API Gateway; only operation-level `security` secures a"
                " method (this tool writes it on every operation it decides)",
                locate(("security",)),
                ("security",),
            )
        )
    has_options = {op.path for op in operations if op.method == "OPTIONS"}
    used: set[str] = set()
    for d in decisions:
        op = d.operation
        if d.kind == "secured" and d.authorizer:
            used.add(d.authorizer)
            auth = selector.authorizers[d.authorizer]
            if d.scopes and auth.app_client_id_regex is not None:
                out.append(
                    codes.finding(
                        "AGC202",
                        f"{op} requires scopes from authorizer {auth.name}, which also has an"
                        " app_client_id_regex: scopes make API Gateway expect access tokens, and access"
                        " tokens have no `aud` claim for the regex to match, so every call is rejected",
                        d.location,
                        op.pointer,
                    )
                )
            if op.method == "ANY" and op.path not in has_options:
                out.append(
                    codes.finding(
                        "AGC203",
                        f"{op} is secured and its path has no OPTIONS method of its own: the ANY method"
                        " also receives browsers' CORS preflight requests, which carry no token",
                        d.location,
                        op.pointer,
                    )
                )
            if op.method == "OPTIONS":
                out.append(
                    codes.finding(
                        "AGC204",
                        f"{op} is secured: browsers send CORS preflight requests without credentials,"
                        " so browser clients of this path will fail",
                        d.location,
                        op.pointer,
                    )
                )
        if not op.has_integration:
            consequence = (
                "its route is imported with no integration to call"
                if selector.http_api
                else "it imports, but deploying a stage then fails with 'No integration defined for method'"
            )
            out.append(
                codes.finding(
                    "AGC205",
                    f"{op} has no x-amazon-apigateway-integration: {consequence}",
                    d.location,
                    op.pointer,
                )
            )
        if isinstance(op.security, list) and d.changed:
            # API keys are kept unless a rule drops them (which the notes say): only the rest is lost.
            kept = set(api_key_names(op.security, schemes))
            others = sorted(
                {str(name) for req in op.security if isinstance(req, Mapping) for name in req}
                - set(selector.authorizers)
                - kept
            )
            if others:
                out.append(
                    codes.finding(
                        "AGC206",
                        f"{op}: the selector replaces its security, which also required {', '.join(others)}",
                        d.location,
                        op.pointer,
                    )
                )
    for name, auth in selector.authorizers.items():
        if name not in used:
            out.append(
                codes.finding(
                    "AGC207",
                    f"authorizer {name} secures no operation; it is still written and API Gateway still"
                    " creates it",
                    auth.location,
                )
            )
    return out
