"""`audit --live`: every method of a live REST API, with what authorizes it, and the OPEN ones.

A method whose authorizationType is NONE is OPEN (AGC502) unless something allows it to be public: an
`--allow "METHOD PATH"` (the selector's select strings and globs), a selector file whose rules (or
default, or `cors_preflight`) make it public, or, being an OPTIONS method, the CORS preflight rule the
selector uses by default (`cors_preflight: public`). An API key alone authorizes nobody, so a keyed NONE
method is still OPEN. Methods with an authorizer are reported with it, whatever the allowances say.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from apigw_cognito.basics import codes
from apigw_cognito.basics.errors import Finding, Location
from apigw_cognito.basics.openapi import VERSIONS
from apigw_cognito.core.live_methods import COGNITO, JWT, NONE, ApiMethod, LiveSnapshot
from apigw_cognito.core.transform import Decision, secure
from apigw_cognito.selector.model import Select, Selector

Verdict = Literal["secured", "lambda", "iam", "public", "OPEN"]
_KINDS: dict[str, Verdict] = {COGNITO: "secured", JWT: "secured", "CUSTOM": "lambda", "AWS_IAM": "iam"}


@dataclass(frozen=True)
class Allowances:
    """What may be public: `--allow` selects, and a selector file."""

    selects: tuple[Select, ...] = ()
    selector: Selector | None = None


@dataclass(frozen=True)
class LiveVerdict:
    method: ApiMethod
    verdict: Verdict
    authorizer: str | None  # "Name (id)" when an authorizer is attached
    reason: str  # why public, or what the selector wanted
    location: Location


@dataclass(frozen=True)
class LiveAudit:
    snapshot: LiveSnapshot
    verdicts: tuple[LiveVerdict, ...]
    findings: tuple[Finding, ...]


def _selector_decisions(snapshot: LiveSnapshot, selector: Selector) -> dict[tuple[str, str], Decision | None]:
    """What the selector decides for each live method, read as a document's operations."""
    paths: dict[str, dict[str, Any]] = {}
    for m in snapshot.methods:
        paths.setdefault(m.path, {})[m.operation().key] = {"responses": {}}
    data = {"openapi": "3.0.1", "info": {"title": snapshot.name, "version": "live"}, "paths": paths}
    result = secure(data, VERSIONS["3.0"], selector, lambda _pointer: Location(snapshot.uri))
    decided: dict[tuple[str, str], Decision | None] = {
        (d.operation.method, d.operation.path): d for d in result.decisions
    }
    for op in result.unmatched:
        decided[(op.method, op.path)] = None
    return decided


def _allowed_by(method: ApiMethod, allowances: Allowances, decision: Decision | None) -> str | None:
    """Why a NONE method may be public, or None when nothing allows it."""
    op = method.operation()
    for select in allowances.selects:
        if select.matches(op):
            return f"--allow '{select.text}'"
    if allowances.selector is not None:
        if decision is not None and decision.kind == "public":
            return f"{allowances.selector.name}: {decision.reason}"
        return None
    if method.method == "OPTIONS":
        return "CORS preflight"
    return None


def _open_message(method: ApiMethod, snapshot: LiveSnapshot, allowances: Allowances, decision: Any) -> str:
    what = f"{method.method} {method.path} of {snapshot.kind} {snapshot.rest_api_id} ({snapshot.name!r})"
    keyed = " (an API key is required, but a key authorizes nobody)" if method.api_key_required else ""
    if allowances.selector is not None and isinstance(decision, Decision) and decision.kind == "secured":
        return (
            f"{what} has no authorization{keyed}, but {allowances.selector.name} ({decision.reason})"
            f" secures it with {decision.authorizer}"
        )
    return f"{what} has no authorization and nothing allows it to be public{keyed}"


def audit_live(snapshot: LiveSnapshot, allowances: Allowances = Allowances()) -> LiveAudit:
    """One verdict per live method (in path order) and an AGC502 finding per OPEN one."""
    decisions = _selector_decisions(snapshot, allowances.selector) if allowances.selector else {}
    verdicts: list[LiveVerdict] = []
    findings: list[Finding] = []
    for method in snapshot.methods:
        where = Location(snapshot.location_of(method))
        if method.authorization_type != NONE:
            attached = snapshot.authorizer(method.authorizer_id)
            name = f"{attached.name} ({attached.id})" if attached else method.authorizer_id
            kind = _KINDS.get(method.authorization_type, "secured")
            label = name if kind != "iam" else "AWS_IAM"
            verdicts.append(LiveVerdict(method, kind, label, method.authorization_type, where))
            continue
        decision = decisions.get((method.method, method.path))
        reason = _allowed_by(method, allowances, decision)
        if reason is not None:
            verdicts.append(LiveVerdict(method, "public", None, reason, where))
            continue
        verdicts.append(LiveVerdict(method, "OPEN", None, "authorizationType NONE", where))
        findings.append(
            codes.finding(
                "AGC502",
                _open_message(method, snapshot, allowances, decision),
                where,
                (method.method, method.path),
            )
        )
    return LiveAudit(snapshot, tuple(verdicts), tuple(findings))
