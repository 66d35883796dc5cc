"""`init --from-api`: the selector that reproduces a live REST API's authorization, method by method.

Pure: it reads a `LiveSnapshot` (GetAuthorizers and GetResources, never an export, which LocalStack writes
without authorizers or security) and, optionally, the operations of a document, and writes selector text
with comments saying where each part came from. Every Cognito authorizer becomes a selector authorizer
with its pools, identity source, app client id regex and cache TTL; every method a rule of its own (its
authorizer and scopes, or `public: true`); `default: deny` stops `apply` on anything nobody decided.

Matched to a document: a live path and a document path are the same resource when they differ only in the
names of their parameters (`/pets/{id}` and `/pets/{petId}`; API Gateway allows one parameter name per
position, so the match is unique), and the rule uses the document's spelling. Whatever cannot be written
as a rule gets a comment and no rule, so `default: deny` reports it instead of leaving it open: methods
with a Lambda authorizer or IAM, methods only one side has.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from apigw_cognito.basics.errors import InputError
from apigw_cognito.basics.intrinsics import is_function, is_reference_text, problems, reference_text
from apigw_cognito.basics.limits import issuer_pool
from apigw_cognito.basics.openapi import AUTHORIZER_KEY, Operation
from apigw_cognito.core.live_methods import (
    COGNITO,
    DEFAULT_TTL,
    JWT,
    NONE,
    ApiAuthorizer,
    ApiMethod,
    LiveSnapshot,
)
from apigw_cognito.selector.model import DEFAULT_IDENTITY_SOURCE, JWT_IDENTITY_SOURCE
from apigw_cognito.selector.syntax import IDENTITY_SOURCE_RE, NAME_RE

_PARAM = re.compile(r"\{[^}]*\}")
_PLAIN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./:-]*$")
_YAML_WORDS = frozenset({"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"})


@dataclass(frozen=True)
class Adoption:
    text: str  # the selector
    notes: tuple[str, ...]  # for information: renamed authorizers
    gaps: tuple[str, ...]  # what a person must decide: methods without a rule on either side
    rules: int


def _yaml(text: str, *, flow: bool = False) -> str:
    """`text` as a YAML scalar: plain when that reads back as the same string, single-quoted otherwise
    (and in a flow sequence whenever it holds a colon, which some readers take for a mapping there)."""
    plain = _PLAIN.match(text) and not (flow and ":" in text)
    if plain and text.lower() not in _YAML_WORDS and not re.fullmatch(r"[0-9._:-]+", text):
        return text
    return "'" + text.replace("'", "''") + "'"


def _comment(text: str) -> str:
    return " ".join(text.split())


def shape(path: str) -> str:
    """A path with its parameter names left out: the resource API Gateway would make of it."""
    return _PARAM.sub("{}", path)


def authorizer_names(
    authorizers: Sequence[ApiAuthorizer], used: frozenset[str] = frozenset()
) -> dict[str, str]:
    """Selector names for the Cognito authorizers, by id, for those the selector writes.

    The live name where it is a valid scheme name; an authorizer the methods use keeps it before an unused
    one of the same name. An unused twin of a name that another authorizer keeps (LocalStack adds one per
    import) is left out: it would only be renamed into the selector. Other clashes get a numbered name.
    """

    def base_of(auth: ApiAuthorizer) -> str:
        clean = auth.name if re.fullmatch(NAME_RE, auth.name) else re.sub(r"[^A-Za-z0-9._-]+", "_", auth.name)
        return clean or "UserPool"

    names: dict[str, str] = {}
    taken: set[str] = set()
    # Used authorizers first (a stable sort keeps the API's order otherwise), so they keep the names.
    for auth in sorted(authorizers, key=lambda a: a.id not in used):
        base = base_of(auth)
        if base in taken and auth.id not in used:
            continue
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}_{n}"
        taken.add(name)
        names[auth.id] = name
    return {a.id: names[a.id] for a in authorizers if a.id in names}


def _jwt_authorizer_lines(auth: ApiAuthorizer, name: str) -> list[str]:
    """An HTTP API's JWT authorizer of a Cognito pool: its pool (from the issuer) and its audience."""
    renamed = f", named {auth.name!r} in the API" if name != auth.name else ""
    out = [f"  {name}:  # JWT authorizer {auth.id}{_comment(renamed)}", "    type: jwt"]
    out += ["    user_pools:", f"      - {_yaml(issuer_pool(auth.issuer or '') or '')}"]
    out += ["    audience:", *(f"      - {_yaml(client)}" for client in auth.audience)]
    if auth.identity_source and auth.identity_source != JWT_IDENTITY_SOURCE:
        out.append(f"    identity_source: {_yaml(auth.identity_source)}")
    return out


def _authorizer_lines(auth: ApiAuthorizer, name: str, kept: tuple[str, ...] | None = None) -> list[str]:
    if auth.type == JWT:
        return _jwt_authorizer_lines(auth, name)
    renamed = f", named {auth.name!r} in the API" if name != auth.name else ""
    out = [f"  {name}:  # authorizer {auth.id}{_comment(renamed)}"]
    out.append("    user_pools:")
    if kept:  # the document's references, which its stack resolved to the live ARNs
        live = _comment(", ".join(auth.provider_arns))
        out.append(f"      # the document's, which its stack resolves; live: {live}")
        out += [f"      - {pool if is_reference_text(pool) else _yaml(pool)}" for pool in kept]
    else:
        out += [f"      - {_yaml(arn)}" for arn in auth.provider_arns]
    source = auth.identity_source or DEFAULT_IDENTITY_SOURCE
    if source != DEFAULT_IDENTITY_SOURCE and re.fullmatch(IDENTITY_SOURCE_RE, source):
        out.append(f"    identity_source: {_yaml(source)}")
    elif source != DEFAULT_IDENTITY_SOURCE:
        out.append(f"    # identity source {_comment(source)} is not a header: the selector cannot carry it")
    if auth.client_id_regex:
        out.append(f"    app_client_id_regex: {_yaml(auth.client_id_regex)}")
    if auth.ttl is not None and auth.ttl != DEFAULT_TTL:
        out.append(f"    result_ttl_seconds: {auth.ttl}")
    return out


@dataclass(frozen=True)
class _Match:
    method: ApiMethod
    path: str  # the document's spelling, or the live one


def _match(snapshot: LiveSnapshot, operations: Sequence[Operation] | None) -> tuple[list[_Match], list[str]]:
    """Each live method with the path a rule should name; the document operations nothing live has."""
    if operations is None:
        return [_Match(m, m.path) for m in snapshot.methods], []
    by_shape = {(op.method, shape(op.path)): op for op in operations}
    matched: list[_Match] = []
    used: set[tuple[str, str]] = set()
    for m in snapshot.methods:
        op = by_shape.get((m.method, shape(m.path)))
        if op is not None:
            used.add((op.method, op.path))
        matched.append(_Match(m, op.path if op is not None else ""))
    missing = [f"{op.method} {op.path}" for op in operations if (op.method, op.path) not in used]
    return matched, missing


def _rule_lines(
    found: _Match, snapshot: LiveSnapshot, names: dict[str, str], document: str | None
) -> tuple[list[str], str | None]:
    """The rule for one live method (empty when none can be written) and a note when a person must act."""
    m = found.method
    live = f"{m.method} {m.path}"
    keyed = ["    # the method also requires an API key (apiKeyRequired)"] if m.api_key_required else []
    if not found.path:
        return [f"  # {live}: live, but not in {document}; no rule"], f"{live} is live but not in {document}"
    select = f"  - select: {_yaml(f'{m.method} {found.path}')}  # "
    renamed = f"live: {live}; " if found.path != m.path else ""
    if m.authorization_type == NONE:
        what = "CORS preflight, public in the API" if m.method == "OPTIONS" else "public in the API (NONE)"
        return [f"{select}{renamed}{what}", "    public: true", *keyed], None
    auth = snapshot.authorizer(m.authorizer_id)
    if m.authorization_type in (COGNITO, JWT) and auth is not None and auth.id in names:
        lines = [f"{select}{renamed}authorizer {auth.id}", f"    authorizer: {names[auth.id]}"]
        if m.scopes:
            lines.append("    scopes: [" + ", ".join(_yaml(s, flow=True) for s in m.scopes) + "]")
        return [*lines, *keyed], None
    kind = f"{m.authorization_type}" + (f" with authorizer {auth.name!r}" if auth else "")
    return (
        [f"  # {live}: {kind}, which no rule can express (default: deny stops apply)"],
        f"{live} uses {kind}, which a selector cannot express: decide it by hand",
    )


def stack_references(schemes: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """The providerARNs of each Cognito scheme whose pools a stack resolves (a CloudFormation function
    among them), as selector items: adopting keeps them, since the document is deployed by its stack."""
    found: dict[str, tuple[str, ...]] = {}
    for name, scheme in schemes.items():
        extension = scheme.get(AUTHORIZER_KEY) if isinstance(scheme, Mapping) else None
        arns = extension.get("providerARNs") if isinstance(extension, Mapping) else None
        if not isinstance(arns, list) or not any(is_function(a) for a in arns):
            continue
        if all(isinstance(a, str) or (is_function(a) and not problems(a)) for a in arns):
            found[str(name)] = tuple(a if isinstance(a, str) else reference_text(a) for a in arns)
    return found


def adopt(
    snapshot: LiveSnapshot,
    operations: Sequence[Operation] | None = None,
    document: str | None = None,
    references: Mapping[str, tuple[str, ...]] | None = None,
) -> Adoption:
    """The selector text for `snapshot`; with `operations` (of `document`), matched to its paths.
    `references` (by scheme name) keeps the document's deploy-time references as the pools."""
    if snapshot.http_api:  # JWT authorizers whose issuer is a Cognito pool
        cognito = [a for a in snapshot.authorizers if a.type == JWT and issuer_pool(a.issuer or "")]
    else:
        cognito = [a for a in snapshot.authorizers if a.type == COGNITO]
    if not cognito:
        raise InputError(
            f"{snapshot.kind} {snapshot.rest_api_id} ({snapshot.name!r}) in {snapshot.region} has no Cognito"
            " user pool authorizer: there is nothing to adopt",
            hint="`apigw-cognito init SPEC` writes a starter selector for a document",
        )
    used = frozenset(m.authorizer_id for m in snapshot.methods if m.authorizer_id)
    names = authorizer_names(cognito, used)
    notes = [
        f"authorizer {a.name!r} ({a.id}) is written as {names[a.id]!r}"
        for a in cognito
        if a.id in names and names[a.id] != a.name
    ] + [
        f"authorizer {a.name!r} ({a.id}) is used by no method and has the name of another: left out of the"
        " selector (an import that overwrites the API removes it)"
        for a in cognito
        if a.id not in names
    ]
    option = "--http-api-id" if snapshot.http_api else "--rest-api-id"
    check = f"{document or 'SPEC'} -s THIS_FILE {option} {snapshot.rest_api_id}"
    read = "GetRoutes, GetAuthorizer" if snapshot.http_api else "GetAuthorizers, GetResources"
    out = [
        f"# Selector adopted from {snapshot.kind} {snapshot.rest_api_id} ({_comment(repr(snapshot.name))}) in"
        f" {snapshot.region} by `apigw-cognito init --from-api`.",
        f"# It reproduces the authorization the API has now ({read}), one rule per",
        "# method. Check it against the API with",
        f"#   apigw-cognito verify {check}",
        "version: 1",
        "",
        "authorizers:",
    ]
    for auth in cognito:
        if auth.id in names:
            kept = (references or {}).get(names[auth.id])
            out += _authorizer_lines(auth, names[auth.id], kept)
    out += ["", "rules:"]
    matched, missing = _match(snapshot, operations)
    gaps: list[str] = []
    rules = 0
    for found in matched:
        lines, note = _rule_lines(found, snapshot, names, document)
        rules += sum(1 for line in lines if line.startswith("  - select:"))
        out += lines
        if note:
            gaps.append(note)
    for item in missing:
        out.append(f"  # {item}: in {document}, not live; no rule (default: deny stops apply until decided)")
        gaps.append(f"{item} is in {document} but not live: decide it")
    if rules == 0:
        out.append("  []")
    # A live OPTIONS method without a rule has an authorization a rule cannot write: `public` would open it.
    guarded = any(f.method.method == "OPTIONS" and f.method.authorization_type != NONE for f in matched)
    out += [
        "",
        "# Anything no rule decides stops `apply` with an error, so nothing goes live unsecured.",
        "default: deny",
        "cors_preflight: secured  # a live OPTIONS method is not public: no rule may open it by default"
        if guarded
        else "cors_preflight: public",
    ]
    return Adoption("\n".join(out) + "\n", tuple(notes), tuple(gaps), rules)
