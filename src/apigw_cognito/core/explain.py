"""Why is an operation secured like this? The rule that decides it, every other rule that selects it and
why it loses, and what API Gateway will then require of a call: the basis of `apigw-cognito explain`.

Pure: the transform decides, this module only says why. `tokens` judges a token against the `Requirement`.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.basics.openapi import (
    METHOD_KEYS,
    Locate,
    Operation,
    Version,
    iter_operations,
    security_schemes,
)
from apigw_cognito.core.access import scheme_kind
from apigw_cognito.core.transform import Decision, secure
from apigw_cognito.document.edits import apply_to_data
from apigw_cognito.selector.model import Authorizer, Rule, Selector

Kind = Literal["secured", "public", "unmatched"]


@dataclass(frozen=True)
class RuleMatch:
    """A rule that selects the operation, and what became of it."""

    rule: Rule
    decides: bool
    why: str


@dataclass(frozen=True)
class Requirement:
    """What API Gateway will require of a call to the operation."""

    kind: Kind
    decided_by: str  # "rule 2", "default", "cors_preflight", "no rule (default: deny)"
    authorizer: Authorizer | None = None
    scopes: tuple[str, ...] = ()
    api_key: bool = False

    @property
    def token_use(self) -> Literal["id", "access"] | None:
        """The token the method accepts: access tokens when it has scopes, ID tokens when not."""
        if self.kind != "secured":
            return None
        return "access" if self.scopes else "id"


@dataclass(frozen=True)
class Explanation:
    operation: Operation
    location: Location | None
    requirement: Requirement
    rules: tuple[RuleMatch, ...]  # every rule that selects the operation, in order


def find_operation(data: Mapping[str, Any], locate: Locate, wanted: str) -> Operation:
    """The operation `wanted` names ("GET /pets"); `InputError` saying which exist when none matches."""
    words = wanted.split()
    if len(words) != 2 or (words[0].lower() not in METHOD_KEYS and words[0].upper() != "ANY"):
        raise InputError(
            f"'{wanted}' does not name an operation",
            hint="write the method and the path as the document has them, such as 'GET /pets/{petId}'",
        )
    method, path = words[0].upper(), words[1]
    operations = list(iter_operations(data, locate))
    for op in operations:
        if op.method == method and op.path == path:
            return op
    names = [str(op) for op in operations]
    close = difflib.get_close_matches(f"{method} {path}", names, n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(close)}?" if close else f"the document has {len(names)} operations"
    raise InputError(f"the document has no operation {method} {path}", hint=hint)


def explain(
    data: Mapping[str, Any], version: Version, selector: Selector, operation: Operation, locate: Locate
) -> Explanation:
    """Why `operation` is decided as it is, and what API Gateway will require of a call to it."""
    result = secure(data, version, selector, locate)
    decision = next((d for d in result.decisions if d.operation.pointer == operation.pointer), None)
    after = apply_to_data(data, result.edits, locate) if decision is not None else data
    requirement = requirement_of(decision, selector, after, version)
    return Explanation(
        operation,
        locate(operation.pointer),
        requirement,
        _rule_matches(selector, operation, requirement.decided_by),
    )


def requirement_of(
    decision: Decision | None, selector: Selector, secured: Any, version: Version
) -> Requirement:
    """What API Gateway will require of a call to the decided operation; `secured` is the document with
    the transform's edits (it says whether an API key is required too). `serve` builds its routes' checks
    from this too, so both commands give the same verdict."""
    if decision is None:
        return Requirement("unmatched", "no rule (default: deny)")
    authorizer = selector.authorizers.get(decision.authorizer) if decision.authorizer else None
    return Requirement(
        decision.kind,
        decision.reason,
        authorizer,
        decision.scopes,
        api_key=_needs_api_key(secured, version, decision.operation, decision.authorizer),
    )


def _rule_matches(selector: Selector, op: Operation, decided_by: str) -> tuple[RuleMatch, ...]:
    matches = []
    decider: Rule | None = None
    for rule in selector.rules:
        if not rule.select.matches(op):
            continue
        if f"rule {rule.index}" == decided_by:
            decider = rule
            matches.append(RuleMatch(rule, True, "the first rule that decides it"))
        elif decider is not None:
            matches.append(
                RuleMatch(
                    rule, False, f"rule {decider.index} comes first: the first rule that selects it decides"
                )
            )
        else:  # selected it first, but a preflight is not secured by a rule that does not name OPTIONS
            matches.append(
                RuleMatch(
                    rule,
                    False,
                    "a CORS preflight stays public (cors_preflight: public) unless a rule names OPTIONS;"
                    " this rule selects it only through a glob",
                )
            )
    return tuple(matches)


def _needs_api_key(data: Any, version: Version, op: Operation, authorizer: str | None) -> bool:
    """Whether the secured document's requirement for `op` also names an API key scheme (AND)."""
    item = data.get("paths", {}).get(op.path, {}) if isinstance(data, Mapping) else {}
    security = item.get(op.key, {}).get("security") if isinstance(item, Mapping) else None
    if not isinstance(security, list):
        return False
    schemes = security_schemes(data, version)
    return any(
        isinstance(requirement, Mapping)
        and (authorizer is None or authorizer in requirement)
        and any(scheme_kind(schemes.get(name)) == "api_key" for name in requirement)
        for requirement in security
    )
