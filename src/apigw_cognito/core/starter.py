"""`apigw-cognito init`: a starter selector deciding every operation of a document, for a person to edit.

Each operation's verdict: CORS preflights (OPTIONS) are public, operations the document already makes
public (`security: []`) stay public, those naming a Cognito authorizer the document defines keep it (with
its scopes and pools), and every other one is secured by one proposed authorizer. A document whose
preflights answer with CORS headers gets `gateway_responses: {cors: auto}`.

Up to `PER_OPERATION_MAX` operations, every operation gets its own rule, grouped by path in document order,
so the reviewer decides each one and `default: deny` makes any operation added later fail the build. A
bigger document gets one rule per tag or per first path segment (`--group-by`): first match wins, so each
operation a group's rule would decide otherwise gets its own rule above it, and every operation ends with
exactly its verdict. A group's rule is public only when all its operations are, so an operation added to
a group later is secured unless the document made the whole group public.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.basics.intrinsics import (
    CDK_TOKEN_RE,
    TEMPLATE_VARIABLE_RE,
    is_function,
    is_reference_text,
    issuer_function_pool,
    problems,
    reference_text,
)
from apigw_cognito.basics.limits import MAX_AUTHORIZERS, MAX_RESULT_TTL_SECONDS, issuer_pool
from apigw_cognito.basics.openapi import (
    AUTHORIZER_KEY,
    CORS_KEY,
    Locate,
    Operation,
    Version,
    get_in,
    is_http_api,
    iter_operations,
    security_schemes,
)
from apigw_cognito.core.access import scheme_kind
from apigw_cognito.core.gateway_responses import preflight_origin
from apigw_cognito.selector.globs import path_glob_error
from apigw_cognito.selector.model import Select
from apigw_cognito.selector.parsing import MAX_SELECTOR_BYTES
from apigw_cognito.selector.stack_references import TEMPLATE_KEY

GroupBy = Literal["auto", "tag", "path", "operation"]
GROUPINGS: dict[str, GroupBy] = {"auto": "auto", "tag": "tag", "path": "path", "operation": "operation"}
PER_OPERATION_MAX = 40  # `auto` lists operations one by one up to this many: about three screens
TAG_RULES_MAX = 60  # `auto` groups by tag when that takes at most this many rules (or no more than paths)

PLACEHOLDER_POOL = "arn:aws:cognito-idp:REGION:ACCOUNT_ID:userpool/POOL_ID"
PLACEHOLDER_CLIENT = "APP-CLIENT-ID"  # not an app client id: the selector fails to load until replaced
_PLAIN = re.compile(r"^[A-Za-z0-9_./][A-Za-z0-9_./{}+*,$: -]*$")
_WORD_BREAK = re.compile(r"[\W_]+")  # Unicode-aware, so "Über" stays one word (and is not ASCII)
MAX_NAME = 32  # the longest authorizer name `init` proposes
# Title words that say nothing about which API it is: "The Pet Store API" is named after "Pet".
_GENERIC_WORDS = frozenset({
    "a", "an", "and", "api", "apis", "by", "for", "http", "https", "of", "official", "openapi", "rest",
    "service", "services", "spec", "specification", "swagger", "the", "to", "v1", "v2", "v3", "web",
})  # fmt: skip


def _flow_scalar(text: str) -> str:
    """`text` as an item of a flow list (`[a, b]`), where `,[]{}` end a plain scalar."""
    return "'" + text.replace("'", "''") + "'" if any(c in text for c in ",[]{}") else _scalar(text)


_REST_RULE_NOTE = (
    "# A rule that selects nothing is an error unless it says `optional: true`. An API key an",
    "# operation requires (x-api-key) is kept; `api_key: required` adds one, `api_key: none` drops it.",
)
_HTTP_RULE_NOTE = (
    "# A rule that selects nothing is an error unless it says `optional: true`. A route with scopes",
    "# takes a token carrying one of them; without scopes, an ID or access token of the audience.",
)


def _scalar(text: str) -> str:
    """`text` as a YAML scalar: plain when that reads back the same, single-quoted otherwise."""
    if (
        _PLAIN.match(text)
        and not text.endswith((" ", ":"))
        and ": " not in text
        and text.lower() not in ("true", "false", "null", "~", "yes", "no", "on", "off")
    ):
        return text
    return "'" + text.replace("'", "''") + "'"


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _comment(text: str) -> str:
    return " ".join(text.split())[:80]


@dataclass(frozen=True)
class _Existing:
    name: str
    pools: tuple[str, ...]
    audience: tuple[str, ...] = ()


def _existing_authorizers(data: Mapping[str, Any], version: Version, http: bool) -> list[_Existing]:
    found: list[_Existing] = []
    for name, scheme in security_schemes(data, version).items():
        if scheme_kind(scheme) != ("jwt" if http else "cognito"):
            continue
        if not re.fullmatch(r"[A-Za-z0-9._-]+", str(name)):
            continue
        extension = scheme.get(AUTHORIZER_KEY)
        found.append(_jwt_existing(str(name), extension) if http else _cognito_existing(str(name), extension))
    return found


def _cognito_existing(name: str, extension: Mapping[str, Any]) -> _Existing:
    arns = extension.get("providerARNs")
    items = arns if isinstance(arns, list) else []
    return _Existing(name, tuple(p for p in (_selector_pool(a) for a in items) if p is not None))


def _selector_pool(item: Any) -> str | None:
    """A providerARNs item as a selector's user_pools item: a deploy-time reference (a CloudFormation
    function, a Terraform template variable) as JSON, which YAML reads too; None for what a selector file
    cannot hold (a CDK token, a malformed function)."""
    if isinstance(item, str):
        variable = re.fullmatch(TEMPLATE_VARIABLE_RE, item)
        if variable:
            return reference_text({TEMPLATE_KEY: variable.group(1)})
        return None if re.fullmatch(CDK_TOKEN_RE, item) else item
    return reference_text(item) if is_function(item) and not problems(item) else None


def _jwt_existing(name: str, extension: Mapping[str, Any]) -> _Existing:
    """A Cognito pool's JWT authorizer: its pool id read back from the issuer, or the reference a
    deploy-time issuer is built from (another issuer is no Cognito pool: the placeholder stands in), and
    its audience."""
    config = extension.get("jwtConfiguration")
    config = config if isinstance(config, Mapping) else {}
    issuer = config.get("issuer", "")
    built = issuer_function_pool(issuer)  # a deploy-time pool: its reference
    pool = _selector_pool(built) if built is not None else issuer_pool(str(issuer))
    audience = config.get("audience")
    clients = tuple(str(a) for a in audience if isinstance(a, str)) if isinstance(audience, list) else ()
    return _Existing(name, (pool,) if pool else (), clients)


def authorizer_name(data: Mapping[str, Any]) -> str:
    """A scheme name a person would type: the title's first distinctive word and "UserPool", at most
    `MAX_NAME` characters ("GitHub's official OpenAPI spec" -> "GitHubUserPool"), else plainly "UserPool"."""
    title = re.sub(r"['\u2019]s\b", "", str(get_in(data, ("info", "title"), "")))
    for word in _WORD_BREAK.split(title):
        if (
            word.isascii()
            and word[:1].isalpha()
            and len(word) > 1
            and word.lower() not in _GENERIC_WORDS
            and len(word) + len("UserPool") <= MAX_NAME
        ):
            return f"{word[:1].upper()}{word[1:]}UserPool"
    return "UserPool"


@dataclass(frozen=True)
class _Verdict:
    """What the starter decides for one operation: the rule's lines after `select`, and why."""

    lines: tuple[str, ...]
    about: str


_PUBLIC = ("public: true",)


def _verdict(op: Operation, summary: str | None, existing: Mapping[str, _Existing], default: str) -> _Verdict:
    """How the starter decides `op`: a public preflight, public where the document says `security: []`,
    the document's own Cognito authorizer (and scopes) where it names one, else `default`."""
    what = [x for x in (op.operation_id, _comment(summary) if summary else None) if x]
    about = ": ".join(what)
    if op.method == "OPTIONS":
        return _Verdict(_PUBLIC, "CORS preflight: browsers send it without a token, so it stays public")
    if op.security == []:
        return _Verdict(_PUBLIC, (about + "; " if about else "") + "public in the document (security: [])")
    if isinstance(op.security, list):
        for requirement in op.security:
            if isinstance(requirement, Mapping):
                for name, scopes in requirement.items():
                    if name in existing:
                        lines = [f"authorizer: {name}"]
                        if isinstance(scopes, list) and scopes:
                            lines.append("scopes: [" + ", ".join(_flow_scalar(str(s)) for s in scopes) + "]")
                        return _Verdict(tuple(lines), about)
    return _Verdict((f"authorizer: {default}",), about)


@dataclass
class _Rule:
    """One rule of the starter, as written: `select`'s YAML text, the lines after it and a comment."""

    select: str
    lines: tuple[str, ...]
    comment: str = ""
    heading: str | None = None  # a comment line above the rule
    matches: Select | None = None  # a group rule's selection, to find what it decides
    decided: int = 0
    exceptions: list[_Rule] = field(default_factory=list)  # per-operation rules written above it

    def text(self) -> list[str]:
        out = [f"  # {self.heading}"] if self.heading else []
        out.append(f"  - select: {self.select}" + (f"  # {self.comment}" if self.comment else ""))
        return out + [f"    {line}" for line in self.lines]


def _exact_select(op: Operation, ids: Counter[str | None]) -> str:
    """A `select` for `op` alone: `"<METHOD> <PATH>"`, or by its operationId where its path is no glob
    (`/api/` has an empty segment, `/a*` a wildcard). Without a unique plain operationId, the path's
    nearest glob (empty segments as `*`) may select more, which `apply` then reports."""
    if path_glob_error(op.path) is None and "*" not in op.path:
        return _scalar(f"{op.method} {op.path}")
    op_id = op.operation_id
    if op_id and ids[op_id] == 1 and not any(c in op_id for c in "*?"):
        return "{methods: [" + op.method + "], operation_ids: [" + _flow_scalar(op_id) + "]}"
    nearest = "/" + "/".join(s or "*" for s in op.path.removeprefix("/").split("/"))
    return _scalar(f"{op.method} {nearest}")


def _per_operation(
    op: Operation, verdict: _Verdict, ids: Counter[str | None], heading: str | None = None
) -> _Rule:
    return _Rule(_exact_select(op, ids), verdict.lines, verdict.about, heading)


def _by_operation(operations: list[Operation], verdicts: list[_Verdict]) -> list[_Rule]:
    """One rule per operation, grouped by path in document order."""
    rules: list[_Rule] = []
    ids = Counter(op.operation_id for op in operations)
    current_path: str | None = None
    for op, verdict in zip(operations, verdicts, strict=True):
        heading = _comment(op.path) if op.path != current_path else None
        current_path = op.path
        rules.append(_per_operation(op, verdict, ids, heading))
    return rules


def _group_rule(key: tuple[str, str], verdicts: list[_Verdict]) -> _Rule:
    """The rule for one group (`("tag", name)` or `("path", first segment)`): the verdict most of its
    operations share, preferring any secured one, so that an operation added to the group later is
    secured; public only when the document makes every operation of the group public."""
    secured = Counter(v.lines for v in verdicts if v.lines != _PUBLIC)
    lines = secured.most_common(1)[0][0] if secured else _PUBLIC
    kind, name = key
    if kind == "tag":
        # A tag YAML cannot write on one line is left to per-operation rules (`matches` None).
        tag = Select(tags=(name,)) if name and name.isprintable() else None
        return _Rule("{tags: [" + _flow_scalar(name) + "]}", lines, matches=tag)
    glob = f"/{name}/**" if name else "/"
    plain = path_glob_error(glob) is None and "*" not in name  # a wildcard would select other groups
    return _Rule(_scalar(f"* {glob}"), lines, matches=Select(paths=(glob,)) if plain else None)


def _by_group(operations: list[Operation], verdicts: list[_Verdict], by: str) -> list[_Rule]:
    """One rule per tag (operations without tags: per first path segment) or per first path segment,
    with the operations it would decide otherwise as their own rules above it; a rule for the preflights
    comes first. First match decides, so each operation gets exactly its per-operation verdict."""
    groups: dict[tuple[str, str], list[_Verdict]] = {}
    ids = Counter(op.operation_id for op in operations)
    preflights = 0
    for op, verdict in zip(operations, verdicts, strict=True):
        if op.method == "OPTIONS":
            preflights += 1
            continue
        segment = op.path.removeprefix("/").split("/")[0]
        key = ("tag", op.tags[0]) if by == "tag" and op.tags else ("path", segment)
        groups.setdefault(key, []).append(verdict)
    # Tag rules first: a path rule for untagged operations must not take a tagged one from its tag's rule.
    rules = [_group_rule(key, groups[key]) for key in sorted(groups, key=lambda k: k[0] != "tag")]
    trailing: list[_Rule] = []
    for op, verdict in zip(operations, verdicts, strict=True):
        if op.method == "OPTIONS":
            continue
        rule = next((r for r in rules if r.matches is not None and r.matches.matches(op)), None)
        if rule is not None and rule.lines == verdict.lines:
            rule.decided += 1
        else:
            (rule.exceptions if rule is not None else trailing).append(_per_operation(op, verdict, ids))
    out: list[_Rule] = []
    if preflights:
        about = f"{_count(preflights, 'CORS preflight')}: browsers send them without a token"
        out.append(_Rule(_scalar("OPTIONS /**"), _PUBLIC, about))
    for rule in rules:
        if rule.exceptions:
            rule.exceptions[0].heading = f"{_count(len(rule.exceptions), 'exception')} to the rule below"
            out += rule.exceptions
        if rule.decided:  # the exceptions may leave it nothing, and a rule that decides nothing is an error
            rule.comment = _count(rule.decided, "operation")
            if rule.lines == _PUBLIC:
                rule.comment += ", public in the document (security: []); added ones are public too"
            out.append(rule)
    return out + trailing


def _rules(
    operations: list[Operation], verdicts: list[_Verdict], group_by: GroupBy
) -> tuple[GroupBy, list[_Rule]]:
    """The grouping `group_by` asks for, and its rules; `auto` is one rule per operation for up to
    `PER_OPERATION_MAX` operations, else by tag when that takes at most `TAG_RULES_MAX` rules or fewer
    than by path, else by path."""
    if group_by == "operation" or (group_by == "auto" and len(operations) <= PER_OPERATION_MAX):
        return "operation", _by_operation(operations, verdicts)
    if group_by != "auto":
        return group_by, _by_group(operations, verdicts, group_by)
    by_tag = _by_group(operations, verdicts, "tag")
    by_path = _by_group(operations, verdicts, "path")
    if len(by_tag) <= TAG_RULES_MAX or len(by_tag) <= len(by_path):
        return "tag", by_tag
    return "path", by_path


_GROUPING = {
    "tag": (
        "One rule per tag (operations without one: per first path segment); `init --group-by operation`",
        "lists every operation instead. An operation added later to a tag is secured by its rule; one with",
        "a new tag fails `apply` (default: deny) until a rule decides it.",
    ),
    "path": (
        "One rule per first path segment; `init --group-by operation` lists every operation instead.",
        "An operation added later under a segment is secured by its rule; one under a new segment fails",
        "`apply` (default: deny) until a rule decides it.",
    ),
}


def starter_selector(
    data: Mapping[str, Any],
    version: Version,
    *,
    document: str,
    locate: Locate | None = None,
    group_by: GroupBy = "auto",
    http_api: bool = False,
) -> str:
    """The text of a selector deciding every operation of `data`, with comments explaining each key.

    `locate` places a malformed path item or operation in the file; without it the error names `document`.
    `group_by` picks one rule per operation, per tag or per first path segment (see `_rules`). A starter
    that `apply` would refuse for its size is an error that says which grouping to ask for instead.
    The selector is an HTTP API's (`type: jwt`) with `http_api` or when the document is written for one.
    """
    where = locate or (lambda _pointer: Location(document))
    http = http_api or is_http_api(data, version)
    existing = {e.name: e for e in _existing_authorizers(data, version, http)}
    default = next(iter(existing), None) or authorizer_name(data)
    operations = list(iter_operations(data, where))
    verdicts = [
        _verdict(
            op,
            summary if isinstance(summary := get_in(data, (*op.pointer, "summary")), str) else None,
            existing,
            default,
        )
        for op in operations
    ]
    grouping, rules = _rules(operations, verdicts, group_by)
    out: list[str] = [
        f"# Selector for {document}, started by `apigw-cognito init`: it decides, for every operation,",
        "# whether API Gateway asks for a Cognito user pool token. Review each rule, then run",
        f"#   apigw-cognito apply {document} --selector THIS_FILE",
        "# Editors complete and check this file with the JSON Schema from `apigw-cognito schema`.",
        "version: 1",
        "",
        "# Cognito user pool authorizers, by name; each name becomes a security scheme in the document",
        f"# (at most {MAX_AUTHORIZERS} per API).",
        "authorizers:",
    ]
    authorizers = list(existing.values()) or [_Existing(default, ())]
    for i, auth in enumerate(authorizers):
        out.append(f"  {auth.name}:")
        if http:
            out += _jwt_lines(auth, first=i == 0)
            continue
        if i == 0:
            out += [
                "    # The pools whose users may call: a pool ARN, or a pool id (us-east-1_AbCdEfGhI) or",
                "    # name:<PoolName> that `apply --resolve` and `import` look up in AWS. ${VAR} and",
                "    # ${VAR:-default} take the value from the environment, for one pool per stage.",
            ]
        out.append("    user_pools:")
        pools = auth.pools or (PLACEHOLDER_POOL,)
        for pool in pools:
            suffix = "  # TODO: your user pool's ARN" if pool == PLACEHOLDER_POOL else ""
            out.append(f"      - {pool if is_reference_text(pool) else _scalar(pool)}{suffix}")
        if i == 0:
            out += [
                "    # Optional, with their defaults or examples:",
                "    # identity_source: method.request.header.Authorization  # the header with the token",
                "    # app_client_id_regex: '^[0-9a-z]{26}$'  # only ID tokens of matching app clients",
                "    # result_ttl_seconds: 300  # how long API Gateway caches a decision, 0 to"
                f" {MAX_RESULT_TTL_SECONDS}",
            ]
    out += [
        "",
        "# Rules, top-down: the first rule that selects an operation decides it. `select` is",
        '# "<METHODS> <PATH>" (METHODS: * or a comma list; PATH: * is one segment, ** any number) or a',
        "# mapping of methods, paths, tags and operation_ids. Then either `authorizer: <name>`, with",
        "# optional `scopes: [...]` (OAuth scopes an access token must carry), or `public: true`.",
        *(_HTTP_RULE_NOTE if http else _REST_RULE_NOTE),
    ]
    if grouping != "operation":
        out += [f"# {line}" for line in _GROUPING[grouping]]
        out.append(f"# {_count(len(operations), 'operation')} in {_count(len(rules), 'rule')}.")
    out.append("rules:")
    for rule in rules:
        out += rule.text()
    if not operations:
        out.append("  []  # the document has no operations yet")
    out += [
        "",
        "# Operations no rule selects: deny (an error that lists them, so nothing goes live unsecured),",
        "# public, or the name of an authorizer.",
        "default: deny",
        "# OPTIONS methods stay public (CORS preflight) unless a rule names OPTIONS itself; `secured`",
        "# lets `*` and `default` secure them too.",
        "cors_preflight: public",
    ]
    if http:
        out += _http_cors_lines(data)
    elif preflight_origin(data, where) is not None:
        out += [
            "# The preflights answer with CORS headers, but a call the authorizer rejects is answered by",
            "# API Gateway's gateway responses, which carry none: browsers then see a CORS error instead of",
            "# the 401. `auto` gives those responses the preflights' Access-Control-Allow-Origin.",
            "gateway_responses:",
            "  cors: auto",
        ]
    text = "\n".join(out) + "\n"
    size = len(text.encode("utf-8", "backslashreplace"))  # as `init` writes it
    if size > MAX_SELECTOR_BYTES:
        raise InputError(
            f"the starter selector for {document} would be {size:,} bytes, more than the"
            f" {MAX_SELECTOR_BYTES:,} a selector may have ({_count(len(rules), 'rule')} for"
            f" {_count(len(operations), 'operation')}, --group-by {grouping})",
            hint="--group-by tag or --group-by path writes one rule per group of operations"
            if grouping == "operation"
            else "give its operations tags that group them, or split the document",
        )
    return text


def _jwt_lines(auth: _Existing, *, first: bool) -> list[str]:
    """An HTTP API's JWT authorizer: its one pool and its audience."""
    out = ["    type: jwt  # an HTTP API's JWT authorizer"]
    if first:
        out += [
            "    # The one pool whose tokens it accepts: a pool id (us-east-1_AbCdEfGhI) or ARN, or",
            "    # name:<PoolName> that `apply --resolve` and `import` look up; ${VAR} reads the",
            "    # environment.",
        ]
    pool = auth.pools[0] if auth.pools else PLACEHOLDER_POOL
    suffix = "  # TODO: your user pool's id or ARN" if pool == PLACEHOLDER_POOL else ""
    out += ["    user_pools:", f"      - {pool if is_reference_text(pool) else _scalar(pool)}{suffix}"]
    if first:
        out.append(
            "    # The app clients whose tokens it accepts (an ID token's aud, an access token's client_id)."
        )
    out.append("    audience:")
    for client in auth.audience or (PLACEHOLDER_CLIENT,):
        suffix = "  # TODO: your app client id" if client == PLACEHOLDER_CLIENT else ""
        out.append(f"      - {_scalar(client)}{suffix}")
    if first:
        out.append("    # identity_source: $request.header.Authorization  # or $request.querystring.<Name>")
    return out


def _http_cors_lines(data: Mapping[str, Any]) -> list[str]:
    """What to know about CORS: an HTTP API's comes from the document, not from the selector."""
    if CORS_KEY in data:
        return [
            f"# CORS: the document's {CORS_KEY} answers preflights; `apply` warns when its allowHeaders",
            "# lacks the header that carries the token.",
        ]
    return [
        f"# CORS: an HTTP API answers browsers' preflights when the document has {CORS_KEY}, for",
        "# instance {allowOrigins: [https://app.example.com], allowHeaders: [authorization, content-type]}.",
    ]
