"""An independent model of what a selector makes of a document, written from docs/selector.md and the API
Gateway facts (docs/architecture.md, the import notes), never from the tool's decision code.

Tests judge the tool by this model: the property and fuzz suites, and anything that answers like API Gateway
(a local server, HTTP API authorizers) can be checked against it. It reads only plain data (the document and
the selector as `json`/PyYAML load them) and imports nothing from `apigw_cognito`.

The API:

- `read_selector(raw, name)`: a selector file's bytes as plain data (JSON or YAML).
- `expected_security(document, selector)`: ``{(path, METHOD): Expected}`` for every operation of the document
  (METHOD upper case, ``ANY`` for ``x-amazon-apigateway-any-method``): secured by which authorizer with which
  scopes, public, or undecided (``default: deny`` and no rule selects it: nothing may be written), and the API
  key schemes it requires (kept from the document or added by ``api_key: required``).
- `refused(expected)`: whether `apply` must refuse to write (an operation is undecided).
- `expected_schemes(document, selector)`: the security schemes the output must hold for the authorizers (and
  the standard API key scheme ``api_key: required`` adds when the document has none).
- `imported_security(document)`: how API Gateway imports each operation of a written document (authorizer,
  scopes, ``apiKeyRequired``), read from the document alone; `agrees(expected, imported)` compares the two.

What the docs leave open, and the model takes as the tool's documented behaviour:

- A preflight (OPTIONS under ``cors_preflight: public``) is never *secured* by a rule that does not name
  OPTIONS, but a public rule that selects it decides it (its ``api_key`` applies): it stays public either way.
- ``api_key: required`` on an operation that already requires a key keeps the keys it has.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import yaml

# Path item keys that are operations, and the method each is (docs/selector.md: "What select matches").
OPERATION_KEYS = {
    "get": "GET",
    "put": "PUT",
    "post": "POST",
    "delete": "DELETE",
    "options": "OPTIONS",
    "head": "HEAD",
    "patch": "PATCH",
    "trace": "TRACE",
    "x-amazon-apigateway-any-method": "ANY",
}
AUTHORIZER = "x-amazon-apigateway-authorizer"
AUTHTYPE = "x-amazon-apigateway-authtype"
DEFAULT_IDENTITY_SOURCE = "method.request.header.Authorization"
STANDARD_API_KEY = ("api_key", {"type": "apiKey", "name": "x-api-key", "in": "header"})

Kind = Literal["secured", "public", "undecided"]


@dataclass(frozen=True)
class Expected:
    """What the selector decides for one operation."""

    kind: Kind
    authorizer: str | None = None  # the security scheme's name when secured
    scopes: tuple[str, ...] = ()
    api_keys: tuple[str, ...] = ()  # API key schemes required too (AND)
    reason: str = ""  # "rule N", "default", "cors_preflight", "" when undecided

    @property
    def api_key(self) -> bool:
        return bool(self.api_keys)

    @property
    def security(self) -> list[dict[str, list[str]]]:
        """The operation-level `security` the output must hold: one requirement object, or none."""
        requirement: dict[str, list[str]] = {}
        if self.authorizer is not None:
            requirement[self.authorizer] = list(self.scopes)
        requirement.update((name, []) for name in self.api_keys)
        return [requirement] if requirement else []


@dataclass(frozen=True)
class Imported:
    """How API Gateway imports one operation: the Cognito authorizer (None: authorization NONE), its scopes,
    apiKeyRequired; `ambiguous` when the written `security` is not something API Gateway imports as one
    authorizer (OR-ed requirements, an unknown scheme, not a list)."""

    authorizer: str | None
    scopes: tuple[str, ...] = ()
    api_key: bool = False
    ambiguous: bool = False


# --- reading ----------------------------------------------------------------------------------------------


def read_selector(raw: bytes, name: str) -> dict[str, Any]:
    """A selector file as plain data."""
    data = json.loads(raw) if name.endswith(".json") else yaml.safe_load(raw)
    assert isinstance(data, dict), f"{name} is not a mapping"
    return data


def _schemes(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """Security schemes where the document's version keeps them: 2.0 `securityDefinitions`, 3.x
    `components.securitySchemes`."""
    if "swagger" in document:
        found = document.get("securityDefinitions")
    else:
        components = document.get("components")
        found = components.get("securitySchemes") if isinstance(components, Mapping) else None
    return found if isinstance(found, Mapping) else {}


def _operations(document: Mapping[str, Any]) -> list[tuple[str, str, Mapping[str, Any]]]:
    """(path, METHOD, operation) in document order; path items must already be in place (no `$ref`)."""
    paths = document.get("paths")
    found = []
    for path, item in (paths if isinstance(paths, Mapping) else {}).items():
        if not isinstance(item, Mapping):
            continue
        for key, operation in item.items():
            if key in OPERATION_KEYS and isinstance(operation, Mapping):
                found.append((str(path), OPERATION_KEYS[key], operation))
    return found


def is_api_key_scheme(scheme: Any) -> bool:
    """`{type: apiKey, name: x-api-key, in: header}` without an authorizer: what API Gateway imports as
    apiKeyRequired (header names are case-insensitive)."""
    return (
        isinstance(scheme, Mapping)
        and scheme.get("type") == "apiKey"
        and scheme.get("in") == "header"
        and str(scheme.get("name", "")).lower() == "x-api-key"
        and AUTHORIZER not in scheme
        and AUTHTYPE not in scheme
    )


# --- what a rule selects ----------------------------------------------------------------------------------


def _glob_regex(glob: str) -> re.Pattern[str]:
    """A name glob: `*` any run of characters, `?` one character, everything else itself."""
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in glob), re.S)


def name_matches(glob: str, name: str) -> bool:
    return _glob_regex(glob).fullmatch(name) is not None


def _segments(path: str) -> tuple[str, ...]:
    return () if path in ("", "/") else tuple(path[1:].split("/"))


def path_matches(glob: str, path: str) -> bool:
    """A path glob: each segment a name glob within one segment; a `**` segment any number of segments."""
    pattern, text = _segments(glob), _segments(path)

    @cache
    def match(i: int, j: int) -> bool:
        if i == len(pattern):
            return j == len(text)
        if pattern[i] == "**":
            return any(match(i + 1, k) for k in range(j, len(text) + 1))
        return j < len(text) and name_matches(pattern[i], text[j]) and match(i + 1, j + 1)

    return match(0, 0)


@dataclass(frozen=True)
class _Select:
    methods: frozenset[str] | None  # None: every method
    paths: tuple[str, ...] | None
    tags: tuple[str, ...] | None
    operation_ids: tuple[str, ...] | None

    @classmethod
    def of(cls, select: Any) -> _Select:
        if isinstance(select, str):
            if select.strip() == "*":
                return cls(None, None, None, None)
            methods, path = select.split()
            return cls(_methods(methods.split(",")), (path,), None, None)
        methods = select.get("methods")
        return cls(
            None if methods is None else _methods(methods),
            tuple(select["paths"]) if "paths" in select else None,
            tuple(select["tags"]) if "tags" in select else None,
            tuple(select["operation_ids"]) if "operation_ids" in select else None,
        )

    def selects(self, path: str, method: str, operation: Mapping[str, Any]) -> bool:
        tags = operation.get("tags")
        tags = [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []
        op_id = operation.get("operationId")
        return (
            (self.methods is None or method in self.methods)
            and (self.paths is None or any(path_matches(g, path) for g in self.paths))
            and (self.tags is None or any(t in tags for t in self.tags))
            and (
                self.operation_ids is None
                or (isinstance(op_id, str) and any(name_matches(g, op_id) for g in self.operation_ids))
            )
        )


def _methods(names: list[str]) -> frozenset[str] | None:
    upper = {n.strip().upper() for n in names}
    return None if "*" in upper else frozenset(upper)


# --- the decision -----------------------------------------------------------------------------------------


def expected_security(
    document: Mapping[str, Any], selector: Mapping[str, Any]
) -> dict[tuple[str, str], Expected]:
    """What the selector decides for every operation of `document` (path items in place)."""
    rules = [(i, rule, _Select.of(rule["select"])) for i, rule in enumerate(selector.get("rules") or [], 1)]
    authorizers = set(selector["authorizers"])
    default = selector.get("default", "deny")
    public_preflights = selector.get("cors_preflight", "public") == "public"
    schemes = _schemes(document)
    # A document scheme an authorizer of the same name replaces is no API key scheme any more.
    key_schemes = [n for n, s in schemes.items() if is_api_key_scheme(s) and n not in authorizers]
    expected: dict[tuple[str, str], Expected] = {}
    for path, method, operation in _operations(document):
        preflight = method == "OPTIONS" and public_preflights
        deciding = None
        for index, rule, select in rules:
            if not select.selects(path, method, operation):
                continue
            names_options = select.methods is not None and "OPTIONS" in select.methods
            if preflight and not rule.get("public") and not names_options:
                continue  # `*` and mappings without methods never secure a preflight
            deciding = (index, rule)
            break
        had = _keys_named(operation.get("security"), key_schemes)
        if deciding is not None:
            index, rule = deciding
            keys = _keys_decided(rule.get("api_key"), had, key_schemes, schemes, authorizers)
            if rule.get("public"):
                expected[(path, method)] = Expected("public", api_keys=keys, reason=f"rule {index}")
            else:
                scopes = tuple(rule.get("scopes") or ())
                expected[(path, method)] = Expected(
                    "secured", rule["authorizer"], scopes, keys, f"rule {index}"
                )
        elif preflight:
            expected[(path, method)] = Expected("public", api_keys=had, reason="cors_preflight")
        elif default == "deny":
            expected[(path, method)] = Expected("undecided")
        elif default == "public":
            expected[(path, method)] = Expected("public", api_keys=had, reason="default")
        else:
            expected[(path, method)] = Expected("secured", default, (), had, "default")
    return expected


def _keys_named(security: Any, key_schemes: list[str]) -> tuple[str, ...]:
    """The API key schemes an operation's `security` names, in any requirement object, each once."""
    names: list[str] = []
    for requirement in security if isinstance(security, list) else []:
        for name in requirement if isinstance(requirement, Mapping) else {}:
            if name in key_schemes and name not in names:
                names.append(name)
    return tuple(names)


def _keys_decided(
    api_key: Any, had: tuple[str, ...], key_schemes: list[str], schemes: Mapping[str, Any], taken: set[str]
) -> tuple[str, ...]:
    if api_key == "none":
        return ()
    if api_key == "required" and not had:
        return (key_schemes[0] if key_schemes else _standard_key_name(schemes, taken),)
    return had


def _standard_key_name(schemes: Mapping[str, Any], taken: set[str]) -> str:
    name, n = STANDARD_API_KEY[0], 1
    while name in schemes or name in taken:
        name, n = f"{STANDARD_API_KEY[0]}_{n}", n + 1
    return name


def refused(expected: Mapping[tuple[str, str], Expected]) -> bool:
    """Whether `apply` must write nothing: some operation is decided by no rule under `default: deny`."""
    return any(e.kind == "undecided" for e in expected.values())


def expected_scheme(authorizer: Mapping[str, Any]) -> dict[str, Any]:
    """The security scheme one selector authorizer becomes (the shape AWS SAM writes)."""
    extension: dict[str, Any] = {"type": "cognito_user_pools", "providerARNs": list(authorizer["user_pools"])}
    if authorizer.get("app_client_id_regex") is not None:
        extension["identityValidationExpression"] = authorizer["app_client_id_regex"]
    if authorizer.get("result_ttl_seconds") is not None:
        extension["authorizerResultTtlInSeconds"] = int(authorizer["result_ttl_seconds"])
    header = str(authorizer.get("identity_source", DEFAULT_IDENTITY_SOURCE)).rsplit(".", 1)[-1]
    return {
        "type": "apiKey",
        "name": header,
        "in": "header",
        AUTHTYPE: "cognito_user_pools",
        AUTHORIZER: extension,
    }


def expected_schemes(document: Mapping[str, Any], selector: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Every security scheme the output must hold because of the selector (others stay as they were)."""
    found = {name: expected_scheme(a) for name, a in selector["authorizers"].items()}
    schemes = _schemes(document)
    keyed = {k for e in expected_security(document, selector).values() for k in e.api_keys}
    found.update((name, dict(STANDARD_API_KEY[1])) for name in keyed if name not in schemes)
    return found


# --- reading a written document as API Gateway imports it -------------------------------------------------


def _is_cognito(scheme: Any) -> bool:
    if not isinstance(scheme, Mapping):
        return False
    extension = scheme.get(AUTHORIZER)
    return isinstance(extension, Mapping) and str(extension.get("type", "")).lower() == "cognito_user_pools"


def imported_security(document: Mapping[str, Any]) -> dict[tuple[str, str], Imported]:
    """How API Gateway imports each operation: only operation-level `security` counts; `[]` or none is
    authorization NONE; one requirement object names at most one Cognito authorizer (its list: the scopes)
    and maybe an API key scheme (apiKeyRequired, AND)."""
    schemes = _schemes(document)
    imported: dict[tuple[str, str], Imported] = {}
    for path, method, operation in _operations(document):
        security = operation.get("security", [])
        if security == []:
            imported[(path, method)] = Imported(None)
            continue
        if not isinstance(security, list) or len(security) != 1 or not isinstance(security[0], Mapping):
            imported[(path, method)] = Imported(None, ambiguous=True)
            continue
        requirement = security[0]
        cognito = [n for n in requirement if _is_cognito(schemes.get(n))]
        keys = [n for n in requirement if is_api_key_scheme(schemes.get(n))]
        unknown = len(requirement) != len(cognito) + len(keys) or len(cognito) > 1
        name = cognito[0] if cognito else None
        scopes = tuple(requirement[name]) if name is not None else ()
        imported[(path, method)] = Imported(name, scopes, bool(keys), unknown)
    return imported


def agrees(expected: Expected, imported: Imported) -> bool:
    """Whether an imported operation is what the selector decided."""
    if imported.ambiguous or expected.kind == "undecided":
        return False
    if expected.kind == "public":
        return imported.authorizer is None and imported.api_key is expected.api_key
    return (imported.authorizer, imported.scopes, imported.api_key) == (
        expected.authorizer,
        expected.scopes,
        expected.api_key,
    )
