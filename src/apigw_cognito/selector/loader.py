"""The selector file (version 1): which operations get which Cognito authorizer, and which stay public.

This module holds the model, its loading and checking (with file, line and column for every mistake),
`${VAR}` expansion, and matching against operations. The JSON Schema users' editors read is `SCHEMA`.

The file is YAML or JSON, read with ruamel.yaml's round-trip loader for positions. Exactly the documented
keys are accepted, and the first mistake raises `InputError` saying where it is and what to do. YAML
features a reviewer could miss are refused: anchors and aliases, merge keys (``<<``) and explicit tags
(``!Ref``, ``!!str``); every value must be written out where it applies.

**select strings.** ``"<METHODS> <PATH>"``: METHODS is ``*`` (every method, OPTIONS and ANY included) or a
comma list of GET, PUT, POST, DELETE, PATCH, HEAD, OPTIONS, TRACE and ANY in any case; ANY is the path
item's ``x-amazon-apigateway-any-method`` only (``GET`` does not select an ANY operation, nor the
reverse). PATH is a path glob (see `globs`): ``*`` one segment, ``**`` any number, ``{petId}`` the
template segment ``{petId}``, ``{*}`` any path parameter segment. The one shorthand is ``select: "*"``,
every operation (the same as ``"* /**"``); a bare path or a bare method is refused, since a reviewer
could read it either way, with a hint giving the explicit form.

**select mappings.** Any of ``methods`` (the same names; omit the key for all methods), ``paths`` (path
globs), ``tags`` (exact, case-sensitive) and ``operation_ids`` (name globs); every key given must match,
and any item within a key. Lists must not be empty: an empty list would select nothing.

**Variables.** ``${VAR}`` and ``${VAR:-default}`` are replaced from the environment given to
`load_selector`, but only in ``user_pools`` items and ``app_client_id_regex``: the values that differ
between deployments of the same API. Everything that decides which operation is secured how (names,
selects, scopes, defaults) must be literal, so the reviewed file is the policy that gets applied. A
``${`` anywhere else is an error; ``$${`` always stands for a literal ``${``. An unset or empty variable
takes its default, and without one is an error; a default cannot contain ``{`` or ``}``, and values are
not expanded again. Selectors come from pull requests that may be untrusted, and the output and the logs
may be public, so variables whose name contains SECRET, TOKEN, PASS (PASSWORD, PASSWD, PASSPHRASE), KEY,
CREDENTIAL, PRIVATE, SESSION, COOKIE, SIGNATURE, DSN, CONNECTION or WEBHOOK (in any case) are refused,
with no exceptions (AWS_ACCESS_KEY_ID and AWS_SESSION_TOKEN included). An expanded value must still be a
valid pool or regex, an app client id pattern taken from the environment cannot hold ``@`` or ``://``
(a URL or a login, such as DATABASE_URL, never belongs there), and error messages never quote a value that
came from the environment.

**Other choices.** ``public`` can only be ``true`` (a secured rule names its authorizer instead), and
``scopes`` cannot be an empty list (omit it to accept ID tokens). ``deny`` and ``public`` cannot name an
authorizer, since ``default`` could not tell them apart. A user pool is listed once per authorizer. A whole
number written as ``300.0`` counts as ``300``, as JSON Schema counts it; ``true`` is not a number. Files
above 256 KiB are refused: round-trip parsing is slow and a selector needs a few KB.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal, NoReturn

from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.basics.openapi import Operation, type_name
from apigw_cognito.selector.globs import PATH_GLOB_BODY, PATH_GLOB_RE, match_name, match_path, path_glob_error

DEFAULT_IDENTITY_SOURCE = "method.request.header.Authorization"
MAX_AUTHORIZERS = 10  # API Gateway's default limit per REST API
MAX_RESULT_TTL_SECONDS = 3600
MAX_SELECTOR_BYTES = 256 * 1024  # a thousand rules take about 75 KB and a second to check
MAX_DEPTH = 16  # a valid selector nests 5 levels deep

# The method names a selector accepts (openapi.HTTP_METHODS), in the order error messages list them.
METHODS: tuple[str, ...] = ("GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "ANY")

# Regular expressions shared by the loader and SCHEMA. They use only syntax that Python's `re` and
# ECMA-262 (which editors use for JSON Schema) read alike. The loader applies them with `re.fullmatch`.
NAME_RE = r"^[A-Za-z0-9._-]+$"  # an OpenAPI components key
_REGION = r"[a-z]{2}(?:-[a-z]+)+-[0-9]+"
_POOL_ID = rf"{_REGION}_[0-9A-Za-z]+"
_POOL_NAME = r"[\w+=,.@-](?:[\w\s+=,.@-]{0,126}[\w+=,.@-])?"  # Cognito's pool name characters, 1..128
# Groups: partition, region, account, pool id, the pool id's region.
POOL_ARN_RE = (
    r"^arn:(aws|aws-cn|aws-us-gov):cognito-idp:"
    rf"({_REGION}):([0-9]{{12}}):userpool/(({_REGION})_[0-9A-Za-z]+)$"
)
POOL_ID_RE = rf"^{_POOL_ID}$"
POOL_NAME_RE = rf"^name:{_POOL_NAME}$"
POOL_RE = rf"^(?:{POOL_ARN_RE[1:-1]}|{_POOL_ID}|name:{_POOL_NAME})$"
# RFC 9110 token characters.
IDENTITY_SOURCE_RE = r"^method\.request\.header\.[!#$%&'*+.^_`|~0-9A-Za-z-]+$"
SCOPE_RE = r"^\S+$"
# A `${` that is not part of the escape `$${`, as `_Loader.string` scans them (a property test compares).
VARIABLE_RE = r"(?:^|[^$])\$\{"
_METHOD_ALTERNATIVES = "|".join("".join(f"[{c}{c.lower()}]" for c in m) for m in METHODS)
METHOD_RE = rf"^(?:{_METHOD_ALTERNATIVES})$"
_METHOD_LIST = rf"(?:\*|(?:{_METHOD_ALTERNATIVES})(?:\s*,\s*(?:{_METHOD_ALTERNATIVES}))*)"
SELECT_RE = rf"^\s*(?:\*|{_METHOD_LIST}\s+{PATH_GLOB_BODY})\s*$"

RESERVED_NAMES = ("deny", "public")  # the other values of `default`
CORS_PREFLIGHT = ("public", "secured")
TOP_KEYS = ("version", "authorizers", "rules", "default", "cors_preflight")
AUTHORIZER_KEYS = ("user_pools", "identity_source", "app_client_id_regex", "result_ttl_seconds")
RULE_KEYS = ("select", "authorizer", "scopes", "public", "optional")
SELECT_KEYS = ("methods", "paths", "tags", "operation_ids")
EXPANDED_FIELDS = "user_pools items and app_client_id_regex"
# Parts of environment variable names that suggest a credential (see the module docstring).
CREDENTIAL_WORDS = (
    "SECRET",
    "TOKEN",
    "PASS",  # PASSWORD, PASSWD, PASSPHRASE, SMTP_PASS
    "KEY",
    "CREDENTIAL",
    "PRIVATE",
    "SESSION",
    "COOKIE",
    "SIGNATURE",
    "DSN",
    "CONNECTION",
    "WEBHOOK",
)
# Names people carry over from API Gateway, SAM or CDK, which difflib alone would not connect to ours.
_ALIASES = {
    "providerarns": "user_pools",
    "provider_arns": "user_pools",
    "userpoolarn": "user_pools",
    "userpoolarns": "user_pools",
    "user_pool": "user_pools",
    "pools": "user_pools",
    "identitysource": "identity_source",
    "header": "identity_source",
    "identityvalidationexpression": "app_client_id_regex",
    "authorizerresultttlinseconds": "result_ttl_seconds",
    "ttl": "result_ttl_seconds",
    "scope": "scopes",
    "authorizationscopes": "scopes",
    "auth": "authorizer",
    "match": "select",
    "selector": "select",
    "method": "methods",
    "path": "paths",
    "tag": "tags",
    "operationid": "operation_ids",
    "operationids": "operation_ids",
    "operation_id": "operation_ids",
}


@dataclass(frozen=True)
class Authorizer:
    """One Cognito user pool authorizer; its name is the security scheme's name."""

    name: str
    user_pools: tuple[str, ...]  # ARNs, or pool ids / "name:<PoolName>" still to be resolved
    identity_source: str = DEFAULT_IDENTITY_SOURCE
    app_client_id_regex: str | None = None
    result_ttl_seconds: int | None = None
    location: Location | None = None
    # Where each of `user_pools` is written, in the same order (None when unknown).
    pool_locations: tuple[Location | None, ...] = field(default=(), compare=False)
    # The environment variables each of `user_pools` was read from, in the same order (() when literal),
    # so that messages can name the variable instead of showing its value.
    pool_variables: tuple[tuple[str, ...], ...] = field(default=(), compare=False)

    def pool_shown(self, index: int) -> str:
        """How messages may show user pool `index`: quoted when literal, by its variables when not."""
        variables = self.pool_variables[index] if index < len(self.pool_variables) else ()
        return _Text(self.user_pools[index], variables).shown()

    @property
    def header(self) -> str:
        """The header that carries the token: the last part of ``method.request.header.<Name>``."""
        return self.identity_source.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class Select:
    """What a rule selects; every given part must match, any item within a part."""

    methods: frozenset[str] | None = None  # upper case, "ANY" for x-amazon-apigateway-any-method; None: all
    paths: tuple[str, ...] | None = None  # path globs: "*" one segment, "**" any number
    tags: tuple[str, ...] | None = None
    operation_ids: tuple[str, ...] | None = None  # globs
    text: str = ""  # as the user wrote it, for reports

    @property
    def names_options(self) -> bool:
        """True when OPTIONS is named explicitly (not through "*"), which alone may secure a preflight."""
        return self.methods is not None and "OPTIONS" in self.methods

    def matches(self, operation: Operation) -> bool:
        if self.methods is not None and operation.method not in self.methods:
            return False
        if self.paths is not None and not any(match_path(glob, operation.path) for glob in self.paths):
            return False
        if self.tags is not None and not any(tag in operation.tags for tag in self.tags):
            return False
        if self.operation_ids is not None:
            op_id = operation.operation_id
            if op_id is None or not any(match_name(glob, op_id) for glob in self.operation_ids):
                return False
        return True


@dataclass(frozen=True)
class Rule:
    index: int  # 1-based, as the report shows it
    select: Select
    authorizer: str | None = None
    scopes: tuple[str, ...] = ()
    public: bool = False
    optional: bool = False
    location: Location | None = None


Default = str  # "deny", "public" or an authorizer name


@dataclass(frozen=True)
class Selector:
    name: str  # the file, as given on the command line
    authorizers: Mapping[str, Authorizer]
    rules: tuple[Rule, ...]
    default: Default = "deny"
    cors_preflight: Literal["public", "secured"] = "public"
    default_location: Location | None = field(default=None, compare=False)

    def with_pools(self, mapping: Mapping[str, str]) -> Selector:
        """A copy where every pool id or ``name:<PoolName>`` found in `mapping` becomes its ARN.

        Pools missing from `mapping` stay as they are (`require_arns` reports them). When a resolved pool
        repeats another one of the same authorizer, only the first stays: providerARNs lists each pool once.
        """
        authorizers: dict[str, Authorizer] = {}
        for name, authorizer in self.authorizers.items():
            pools: list[str] = []
            where: list[Location | None] = []
            sources: list[tuple[str, ...]] = []
            count = len(authorizer.user_pools)
            locations = authorizer.pool_locations or (None,) * count
            variables = authorizer.pool_variables or ((),) * count
            for pool, location, names in zip(authorizer.user_pools, locations, variables, strict=True):
                new = pool if pool_kind(pool) == "arn" else mapping.get(pool, pool)
                if new != pool and pool_kind(new) != "arn":
                    raise ValueError(f"{pool!r} must map to a user pool ARN, not to {new!r}")
                if new not in pools:
                    pools.append(new)
                    where.append(location)
                    sources.append(names if new == pool else ())
            authorizers[name] = replace(
                authorizer,
                user_pools=tuple(pools),
                pool_locations=tuple(where),
                pool_variables=tuple(sources),
            )
        return replace(self, authorizers=authorizers)


def pool_kind(value: str) -> Literal["arn", "id", "name"]:
    """Which of the three accepted forms a user pool reference has; ValueError for anything else."""
    if re.fullmatch(POOL_ARN_RE, value):
        return "arn"
    if re.fullmatch(POOL_ID_RE, value):
        return "id"
    if re.fullmatch(POOL_NAME_RE, value):
        return "name"
    raise ValueError(f"not a user pool ARN, pool id or name:<PoolName>: {value!r}")


def require_arns(selector: Selector) -> None:
    """Raise `InputError` for the first pool given as an id or a name, which only an AWS lookup can turn
    into the ARN API Gateway needs."""
    for authorizer in selector.authorizers.values():
        locations = authorizer.pool_locations or (None,) * len(authorizer.user_pools)
        for index, (pool, location) in enumerate(zip(authorizer.user_pools, locations, strict=True)):
            kind = pool_kind(pool)
            if kind == "arn":
                continue
            raise InputError(
                f"authorizer '{authorizer.name}': user pool {authorizer.pool_shown(index)} is a pool {kind},"
                " not an ARN,"
                " and this command does not call AWS to look it up",
                location or authorizer.location or Location(selector.name),
                hint="run `apigw-cognito apply --resolve` (or `import`), which looks the ARN up, or write"
                " the ARN itself: arn:aws:cognito-idp:<region>:<account id>:userpool/<pool id>",
            )


def load_selector(raw: bytes, name: str, environ: Mapping[str, str]) -> Selector:
    """Parse and check a selector file; any mistake raises `InputError` with its location."""
    return _Loader(name, environ).selector(_parse(raw, name))


# --- parsing --------------------------------------------------------------------------------------------


def _parse(raw: bytes, name: str) -> Any:
    """The data ruamel.yaml's round-trip loader reads, after refusing what reviewers could miss."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    if len(raw) > MAX_SELECTOR_BYTES:
        raise InputError(
            f"the selector is {len(raw):,} bytes, more than the {MAX_SELECTOR_BYTES:,} accepted",
            Location(name),
            hint="a selector lists rules, not operations: select many operations with globs, tags or '**'",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            f"the selector is not UTF-8 text: byte 0x{raw[exc.start]:02x} cannot be decoded",
            Location(name, line, column),
            hint="save the file as UTF-8",
        ) from None
    text = text.removeprefix("\ufeff")
    yaml = YAML(typ="rt")
    try:
        _check_events(yaml.parse(text), name)
        data = yaml.load(text)
    except MarkedYAMLError as exc:
        raise _syntax_error(exc, name) from None
    except ReaderError as exc:
        line, column = _text_position(text, exc.position)
        raise InputError(
            f"the selector contains the character U+{exc.character:04X}, which YAML does not allow",
            Location(name, line, column),
            hint="remove it; control characters have no place in a selector",
        ) from None
    except YAMLError as exc:  # other reader and emitter failures carry no position
        raise InputError(f"cannot read the selector as YAML: {exc}", Location(name)) from None
    return data


def _check_events(events: Iterable[Any], name: str) -> None:
    """Refuse aliases, anchors, tags, merge keys, non-scalar keys, duplicate keys and deep nesting."""
    from ruamel.yaml.events import (
        AliasEvent,
        CollectionEndEvent,
        MappingStartEvent,
        NodeEvent,
        ScalarEvent,
        SequenceStartEvent,
    )

    # One frame per open collection: None for a sequence; for a mapping, whether a key comes next and
    # the keys seen with their positions.
    stack: list[tuple[list[bool], dict[str, Location]] | None] = []
    for event in events:
        where = Location(name, event.start_mark.line + 1, event.start_mark.column + 1)
        if isinstance(event, AliasEvent):
            raise InputError(
                f"YAML aliases (*{event.anchor}) are not supported in a selector",
                where,
                hint="write the value out in full where it applies, so reviewers see it there",
            )
        if isinstance(event, CollectionEndEvent):
            stack.pop()
            continue
        if not isinstance(event, NodeEvent):
            continue
        if event.anchor is not None:
            raise InputError(
                f"YAML anchors (&{event.anchor}) and aliases are not supported in a selector",
                where,
                hint="remove the anchor and write values out in full where they apply",
            )
        tag = getattr(event, "tag", None)
        if tag is not None:
            raise InputError(
                f"YAML tags such as '{tag}' are not supported in a selector",
                where,
                hint="write plain values; quote a value to make it a string, or use ${VAR} in user_pools",
            )
        frame = stack[-1] if stack else None
        if frame is not None:
            expect_key, keys = frame
            if expect_key[0]:
                if not isinstance(event, ScalarEvent):
                    raise InputError("keys in a selector must be plain strings, not lists or mappings", where)
                if event.value == "<<" and event.style is None:
                    raise InputError(
                        "merge keys (<<) are not supported in a selector",
                        where,
                        hint="write every key out in the mapping it belongs to",
                    )
                if event.value in keys:
                    first = keys[event.value]
                    raise InputError(
                        f"duplicate key '{event.value}'",
                        where,
                        hint=f"it already appears at line {first.line}, column {first.column};"
                        " keep one of them",
                    )
                keys[event.value] = where
            expect_key[0] = not expect_key[0]
        if isinstance(event, MappingStartEvent | SequenceStartEvent):
            if len(stack) >= MAX_DEPTH:
                raise InputError(
                    f"the selector nests more than {MAX_DEPTH} levels deep",
                    where,
                    hint="check the indentation",
                )
            stack.append(([True], {}) if isinstance(event, MappingStartEvent) else None)


def _syntax_error(exc: Any, name: str) -> InputError:
    mark = exc.problem_mark or exc.context_mark
    where = Location(name, mark.line + 1, mark.column + 1) if mark is not None else Location(name)
    problem = exc.problem or exc.context or "malformed YAML"
    hint = None
    if exc.context and exc.context_mark is not None and exc.problem:
        start = exc.context_mark
        hint = f"{exc.context}, which starts at line {start.line + 1}, column {start.column + 1}"
    return InputError(f"invalid YAML: {problem}", where, hint=hint)


def _text_position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


# --- checking -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Text:
    """A string value after `$${` and `${VAR}` replacement, and the variables that went into it."""

    value: str
    variables: tuple[str, ...] = ()

    def shown(self) -> str:
        """How messages may show the value: quoted when literal, by its variables when not."""
        if not self.variables:
            return f"'{self.value}'"
        return " ".join(f"${{{v}}}" for v in self.variables) + " (from the environment)"


_TOKEN = re.compile(r"\$\$\{|\$\{")
_SURROGATE = re.compile("[\ud800-\udfff]")
_REFERENCE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?", re.DOTALL)


class _Loader:
    """Checks loaded data section by section; the first mistake raises `InputError`."""

    def __init__(self, name: str, environ: Mapping[str, str]) -> None:
        self.name = name
        self.environ = environ

    # locations ---------------------------------------------------------------------------------------

    def _at(self, position: Any) -> Location:
        try:
            line, column = position
            return Location(self.name, int(line) + 1, int(column) + 1)
        except (TypeError, ValueError):
            return Location(self.name)

    def node_at(self, node: Any, fallback: Location) -> Location:
        lc = getattr(node, "lc", None)
        if lc is None or lc.line is None:
            return fallback
        return self._at((lc.line, lc.col))

    def key_at(self, mapping: Any, key: Any) -> Location:
        try:
            return self._at(mapping.lc.key(key))
        except (AttributeError, KeyError, TypeError):
            return self.node_at(mapping, Location(self.name))

    def value_at(self, mapping: Any, key: Any) -> Location:
        try:
            return self._at(mapping.lc.value(key))
        except (AttributeError, KeyError, TypeError):
            return self.key_at(mapping, key)

    def item_at(self, sequence: Any, index: int) -> Location:
        try:
            return self._at(sequence.lc.item(index))
        except (AttributeError, KeyError, IndexError, TypeError):
            return self.node_at(sequence, Location(self.name))

    # the sections ------------------------------------------------------------------------------------

    def selector(self, data: Any) -> Selector:
        top_at = Location(self.name, 1, 1)
        if data is None:
            _fail(
                "the selector is empty",
                top_at,
                "start from: version: 1, authorizers: {...}, rules: [...] (`apigw-cognito schema` prints"
                " the full format)",
            )
        if not isinstance(data, Mapping):
            _fail(f"the selector must be a mapping of keys, but it is a {_kind(data)}", top_at)
        if "version" in data:
            self.version(data)
        self.keys(data, TOP_KEYS, "at the top level", ("version", "authorizers", "rules"), top_at)
        authorizers = self.authorizers(data)
        rules = self.rules(data, authorizers)
        default, default_location = self.default(data, authorizers)
        cors = self.choice(data, "cors_preflight", CORS_PREFLIGHT, "public")
        return Selector(
            name=self.name,
            authorizers=authorizers,
            rules=rules,
            default=default,
            cors_preflight="secured" if cors == "secured" else "public",
            default_location=default_location,
        )

    def version(self, data: Any) -> None:
        value = data["version"]
        where = self.value_at(data, "version")
        if isinstance(value, str):
            _fail(
                f"version must be the number 1, not the string '{value}'",
                where,
                "write `version: 1`, unquoted",
            )
        number = _whole_number(value)
        if number is None and not isinstance(value, float):
            _fail(f"version must be the number 1, not a {_kind(value)}", where, "write `version: 1`")
        if number != 1:
            _fail(
                f"selector version {value} is not supported: this apigw-cognito reads version 1",
                where,
                "write `version: 1` (and the version 1 format), or use the apigw-cognito release that"
                " wrote this format",
            )

    def authorizers(self, data: Any) -> dict[str, Authorizer]:
        value = data["authorizers"]
        where = self.value_at(data, "authorizers")
        mapping = self.mapping(value, where, "authorizers", "a mapping from authorizer names to their pools")
        if not mapping:
            _fail(
                "authorizers is empty: declare at least one",
                where,
                "authorizers: {MyPool: {user_pools: [arn:aws:cognito-idp:...]}}",
            )
        if len(mapping) > MAX_AUTHORIZERS:
            extra = list(mapping)[MAX_AUTHORIZERS]
            _fail(
                f"{len(mapping)} authorizers are declared; API Gateway allows {MAX_AUTHORIZERS} per API",
                self.key_at(mapping, extra),
                "share authorizers between rules: one authorizer may list several user pools",
            )
        result: dict[str, Authorizer] = {}
        for name, body in mapping.items():
            result[name] = self.authorizer(mapping, name, body)
        return result

    def authorizer(self, parent: Any, name: Any, body: Any) -> Authorizer:
        key_at = self.key_at(parent, name)
        if not isinstance(name, str) or not re.fullmatch(NAME_RE, name):
            shown = f"'{name}'" if isinstance(name, str) else f"the {_kind(name)} {name}"
            _fail(
                f"authorizer name {shown} is not a valid security scheme name",
                key_at,
                "use letters, digits, '.', '-' and '_' only (an OpenAPI components key)",
            )
        if name in RESERVED_NAMES:
            _fail(
                f"'{name}' cannot name an authorizer: `default: {name}` already means something else",
                key_at,
                "pick another name, such as CognitoPool",
            )
        what = f"authorizer '{name}'"
        body = self.mapping(body, self.value_at(parent, name), what, "a mapping with user_pools")
        self.keys(body, AUTHORIZER_KEYS, f"in {what}", ("user_pools",), self.node_at(body, key_at))

        pools, pool_locations, pool_variables = self.user_pools(body, what)
        return Authorizer(
            name=name,
            user_pools=pools,
            identity_source=self.identity_source(body, what),
            app_client_id_regex=self.client_id_regex(body, what),
            result_ttl_seconds=self.result_ttl(body, what),
            location=key_at,
            pool_locations=pool_locations,
            pool_variables=pool_variables,
        )

    def user_pools(
        self, body: Any, what: str
    ) -> tuple[tuple[str, ...], tuple[Location | None, ...], tuple[tuple[str, ...], ...]]:
        value = body["user_pools"]
        where = self.value_at(body, "user_pools")
        if isinstance(value, str):
            _fail(
                f"{what}: user_pools must be a list, even for one pool",
                where,
                f"write it as a list: user_pools: [{value}]",
            )
        items = self.sequence(value, where, f"{what}: user_pools", "pool ARNs, ids or names")
        if not items:
            _fail(
                f"{what}: user_pools is empty",
                where,
                "list the pools whose tokens the authorizer accepts, as ARNs, pool ids or name:<PoolName>",
            )
        pools: list[str] = []
        locations: list[Location | None] = []
        variables: list[tuple[str, ...]] = []
        for index, item in enumerate(items):
            item_at = self.item_at(items, index)
            pool = self.pool(item, item_at, f"{what}: user_pools item {index + 1}")
            if pool.value in pools:
                _fail(
                    f"{what}: user pool {index + 1} repeats user pool {pools.index(pool.value) + 1}",
                    item_at,
                    "list each pool once",
                )
            pools.append(pool.value)
            locations.append(item_at)
            variables.append(pool.variables)
        return tuple(pools), tuple(locations), tuple(variables)

    def identity_source(self, body: Any, what: str) -> str:
        if "identity_source" not in body:
            return DEFAULT_IDENTITY_SOURCE
        where = self.value_at(body, "identity_source")
        text = self.string(body["identity_source"], where, f"{what}: identity_source")
        if not re.fullmatch(IDENTITY_SOURCE_RE, text.value):
            _fail(
                f"{what}: identity_source {text.shown()} is not a request header",
                where,
                f"Cognito authorizers read a token from a header: write method.request.header.<Name>,"
                f" for instance {DEFAULT_IDENTITY_SOURCE} (the default)",
            )
        return text.value

    def client_id_regex(self, body: Any, what: str) -> str | None:
        """The regex, compiled once to check it: API Gateway runs it, this tool never does."""
        if "app_client_id_regex" not in body:
            return None
        where = self.value_at(body, "app_client_id_regex")
        text = self.string(body["app_client_id_regex"], where, f"{what}: app_client_id_regex", expand=True)
        if not text.value:
            _fail(f"{what}: app_client_id_regex is empty", where, "omit it to accept every app client")
        if text.variables and ("@" in text.value or "://" in text.value):
            _fail(
                f"{what}: app_client_id_regex {text.shown()} holds '@' or '://', like a URL or a login;"
                " an app client id pattern never does, and the document it goes into may be published",
                where,
                "keep app client ids in a plainly named variable that holds only the id or its pattern",
            )
        problem = None
        try:
            re.compile(text.value)
        except re.error as exc:
            problem = exc.msg + (f" at position {exc.pos}" if exc.pos is not None else "")
        except OverflowError as exc:  # a repeat count such as {99999999999}
            problem = str(exc)
        except RecursionError:
            problem = "it is nested too deeply to compile"
        if problem is not None:
            _fail(
                f"{what}: app_client_id_regex {text.shown()} is not a valid regular expression: {problem}",
                where,
                "write a regular expression for app client ids, such as '^[0-9a-z]{26}$'",
            )
        return text.value

    def result_ttl(self, body: Any, what: str) -> int | None:
        if "result_ttl_seconds" not in body:
            return None
        value = body["result_ttl_seconds"]
        ttl = _whole_number(value)
        if ttl is None or not 0 <= ttl <= MAX_RESULT_TTL_SECONDS:
            _fail(
                f"{what}: result_ttl_seconds must be a whole number from 0 to"
                f" {MAX_RESULT_TTL_SECONDS}, got {_shown_value(value)}",
                self.value_at(body, "result_ttl_seconds"),
                "0 turns the authorizer cache off; API Gateway's default is 300",
            )
        return ttl

    def pool(self, value: Any, where: Location, what: str) -> _Text:
        if isinstance(value, Mapping) and len(value) == 1 and "name" in value:
            _fail(
                f"{what} is a mapping; 'name: X' with a space after the colon is YAML for a mapping",
                where,
                f"write name:{value['name']} without the space, or quote it: 'name:{value['name']}'",
            )
        text = self.string(value, where, what, expand=True)
        forms = (
            "a user pool is written as an ARN (arn:aws:cognito-idp:<region>:<account id>:userpool/<pool id>),"
            " a pool id (<region>_<suffix>, such as us-east-1_AbCdEfGhI) or name:<PoolName>"
        )
        match = re.fullmatch(POOL_ARN_RE, text.value)
        if match is None:
            if re.fullmatch(POOL_ID_RE, text.value) or re.fullmatch(POOL_NAME_RE, text.value):
                return text
            _fail(f"{what}: {text.shown()} is not a user pool ARN, pool id or name", where, forms)
        partition, region, _account, _pool_id, pool_region = match.groups()
        if region != pool_region:
            _fail(
                f"{what}: the ARN {text.shown()} names region {region}, but its pool id belongs to"
                f" {pool_region}",
                where,
                "a pool id starts with its pool's region: copy the ARN from the Cognito console or"
                " `aws cognito-idp describe-user-pool`",
            )
        expected = {"aws-cn": "cn-", "aws-us-gov": "us-gov-"}
        in_partition = expected.get(partition)
        if (in_partition is None and region.startswith(("cn-", "us-gov-"))) or (
            in_partition is not None and not region.startswith(in_partition)
        ):
            _fail(
                f"{what}: the ARN {text.shown()} puts region {region} in partition {partition}",
                where,
                "China regions (cn-*) use arn:aws-cn, GovCloud regions (us-gov-*) arn:aws-us-gov,"
                " all others arn:aws",
            )
        return text

    def rules(self, data: Any, authorizers: Mapping[str, Authorizer]) -> tuple[Rule, ...]:
        where = self.value_at(data, "rules")
        value = data["rules"]
        if value is None:
            _fail("rules is empty (null)", where, "write `rules: []` for no rules, so that `default` decides")
        items = self.sequence(value, where, "rules", "rules, each a mapping with select")
        return tuple(self.rule(items, index, authorizers) for index in range(len(items)))

    def rule(self, items: Any, index: int, authorizers: Mapping[str, Authorizer]) -> Rule:
        what = f"rule {index + 1}"
        rule_at = self.item_at(items, index)
        body = self.mapping(
            items[index], rule_at, what, "a mapping with select and either authorizer or public: true"
        )
        rule_at = self.node_at(body, rule_at)
        self.keys(body, RULE_KEYS, f"in {what}", ("select",), rule_at)
        select = self.select(body, what)

        if "public" in body:
            if body["public"] is not True:
                _fail(
                    f"{what}: public can only be true, got {_shown_value(body['public'])}",
                    self.value_at(body, "public"),
                    "to secure the operations, name an authorizer instead of writing public",
                )
            for other in ("authorizer", "scopes"):
                if other in body:
                    _fail(
                        f"{what} has both public: true and {other}",
                        self.key_at(body, other),
                        "a public rule leaves operations open: remove one or the other",
                    )
        elif "authorizer" not in body:
            _fail(
                f"{what} needs an authorizer or public: true",
                rule_at,
                f"add `authorizer: {next(iter(authorizers))}` or `public: true`",
            )

        authorizer = None
        if "authorizer" in body:
            where = self.value_at(body, "authorizer")
            authorizer = self.reference(body["authorizer"], where, what, authorizers)

        optional = body.get("optional", False)
        if not isinstance(optional, bool):
            _fail(
                f"{what}: optional must be true or false, got {_shown_value(optional)}",
                self.value_at(body, "optional"),
            )
        return Rule(
            index=index + 1,
            select=select,
            authorizer=authorizer,
            scopes=self.scopes(body, what),
            public="public" in body,
            optional=optional,
            location=rule_at,
        )

    def scopes(self, body: Any, what: str) -> tuple[str, ...]:
        if "scopes" not in body:
            return ()
        where = self.value_at(body, "scopes")
        items = self.sequence(body["scopes"], where, f"{what}: scopes", "scope names")
        if not items:
            _fail(
                f"{what}: scopes is empty",
                where,
                "omit scopes to accept ID tokens, or list the scopes an access token must carry",
            )
        scopes = []
        for index, item in enumerate(items):
            item_at = self.item_at(items, index)
            text = self.string(item, item_at, f"{what}: scope {index + 1}")
            if not re.fullmatch(SCOPE_RE, text.value):
                _fail(
                    f"{what}: scope {text.shown()} is empty or contains whitespace",
                    item_at,
                    "a scope is one word, such as https://pets.example.com/purchase or email",
                )
            scopes.append(text.value)
        return tuple(scopes)

    def select(self, body: Any, what: str) -> Select:
        value = body["select"]
        where = self.value_at(body, "select")
        if isinstance(value, str):
            return self.select_text(self.string(value, where, f"{what}: select").value, where, what)
        mapping = self.mapping(value, where, f"{what}: select", "a string such as 'GET /pets' or a mapping")
        if not mapping:
            _fail(
                f"{what}: select is an empty mapping",
                where,
                "give methods, paths, tags or operation_ids; select: '*' selects every operation",
            )
        self.keys(mapping, SELECT_KEYS, f"in {what}: select", (), where)
        parts: dict[str, tuple[str, ...]] = {}
        for key in SELECT_KEYS:
            if key not in mapping:
                continue
            seq_at = self.value_at(mapping, key)
            items = self.sequence(mapping[key], seq_at, f"{what}: select {key}", "strings")
            if not items:
                _fail(
                    f"{what}: select {key} is an empty list, which selects nothing",
                    seq_at,
                    f"list at least one, or omit {key} to select regardless of it",
                )
            found: list[str] = []
            for i, item in enumerate(items):
                item_at = self.item_at(items, i)
                text = self.string(item, item_at, f"{what}: select {key} item {i + 1}").value
                if key == "methods":
                    if text == "*":
                        _fail(
                            f"{what}: '*' is not a method name",
                            item_at,
                            "omit methods to select every method",
                        )
                    text = self.method(text, item_at, what)
                elif key == "paths":
                    error = path_glob_error(text)
                    if error is not None:
                        _fail(f"{what}: {error}", item_at, "paths are globs like /pets/*, /pets/** or /")
                elif not text:
                    _fail(f"{what}: select {key} item {i + 1} is empty", item_at)
                found.append(text)
            parts[key] = tuple(found)
        shown = ", ".join(f"{key}: [{', '.join(items)}]" for key, items in parts.items())
        return Select(
            methods=frozenset(parts["methods"]) if "methods" in parts else None,
            paths=parts.get("paths"),
            tags=parts.get("tags"),
            operation_ids=parts.get("operation_ids"),
            text="{" + shown + "}",
        )

    def select_text(self, text: str, where: Location, what: str) -> Select:
        """Parse ``"<METHODS> <PATH>"`` or the shorthand ``"*"``."""
        stripped = text.strip()
        example = "write '<METHODS> <PATH>', such as 'GET /pets', 'GET,POST /pets/*' or '* /admin/**'"
        if stripped == "*":
            return Select(text=stripped)
        if not stripped:
            _fail(f"{what}: select is empty", where, example)
        words = stripped.rsplit(None, 1)
        if len(words) == 1:
            word = words[0]
            if word.startswith("/"):
                _fail(
                    f"{what}: select '{word}' has a path but no methods",
                    where,
                    f"write '* {word}' for every method, or name them: 'GET,POST {word}'",
                )
            self.methods(word, where, what)
            _fail(
                f"{what}: select '{word}' has methods but no path",
                where,
                f"write '{word} /**' for every path, or name one: '{word} /pets'",
            )
        methods_text, path = words
        if not path.startswith("/"):
            _fail(f"{what}: select '{stripped}' does not end with a path starting with '/'", where, example)
        methods = self.methods(methods_text, where, what)
        error = path_glob_error(path)
        if error is not None:
            _fail(f"{what}: {error}", where, example)
        return Select(methods=methods, paths=(path,), text=stripped)

    def methods(self, text: str, where: Location, what: str) -> frozenset[str] | None:
        if text == "*":
            return None
        names = [part.strip() for part in text.split(",")]
        if any(name == "*" for name in names):
            _fail(
                f"{what}: '*' cannot be combined with method names",
                where,
                "write '*' alone for every method, or list the methods",
            )
        if any(not name for name in names):
            _fail(
                f"{what}: the method list '{text}' has an empty entry",
                where,
                "separate methods with single commas: GET,POST",
            )
        return frozenset(self.method(name, where, what) for name in names)

    def method(self, name: str, where: Location, what: str) -> str:
        upper = name.upper()
        if upper in METHODS and name.isascii():  # some non-ASCII letters upper-case to ASCII ones
            return upper
        valid = ", ".join(METHODS)
        if re.search(r"\s", name):
            _fail(
                f"{what}: '{name}' is not an HTTP method",
                where,
                f"separate methods with commas, not spaces: {','.join(name.split())}; valid methods: {valid}",
            )
        close = _closest(upper, METHODS)
        if close is not None:
            hint = f"did you mean {close}? Valid methods: {valid}"
        else:
            hint = (
                f"valid methods: {valid} (ANY is x-amazon-apigateway-any-method), or * for all; an action"
                f" such as {upper} is a path in API Gateway, e.g. 'POST /{name.lower()}'"
            )
        _fail(f"{what}: {name} is not an HTTP method", where, hint)

    def default(self, data: Any, authorizers: Mapping[str, Authorizer]) -> tuple[str, Location | None]:
        if "default" not in data:
            return "deny", None
        where = self.value_at(data, "default")
        value = data["default"]
        if value is None or isinstance(value, bool):
            _fail(
                f"default must be deny, public or an authorizer name, got {_shown_value(value)}",
                where,
                "quote YAML words such as 'off' or 'no' if you meant them, or write deny",
            )
        if isinstance(value, str) and value in RESERVED_NAMES:
            return value, where
        name = self.reference(
            value, where, "default", authorizers, extra=RESERVED_NAMES, extra_hint="deny, public or "
        )
        return name, where

    def reference(
        self,
        value: Any,
        where: Location,
        what: str,
        authorizers: Mapping[str, Authorizer],
        extra: tuple[str, ...] = (),
        extra_hint: str = "",
    ) -> str:
        """An authorizer name that must be declared."""
        name = self.string(value, where, what).value
        if name in authorizers:
            return name
        known = ", ".join(authorizers)
        close = _closest(name, (*authorizers, *extra))
        did_you_mean = f"did you mean {close}? Otherwise " if close else ""
        _fail(
            f"{what}: no authorizer named '{name}' is declared",
            where,
            f"{did_you_mean}use {extra_hint}one of the authorizers declared under authorizers: {known}",
        )

    def choice(self, data: Any, key: str, choices: tuple[str, ...], default: str) -> str:
        if key not in data:
            return default
        value = data[key]
        where = self.value_at(data, key)
        if isinstance(value, str) and value in choices:
            return value
        _fail(
            f"{key} must be {' or '.join(choices)}, got {_shown_value(value)}",
            where,
            f"{choices[0]} is the default",
        )

    # building blocks ---------------------------------------------------------------------------------

    def keys(
        self,
        mapping: Any,
        allowed: tuple[str, ...],
        place: str,
        required: tuple[str, ...],
        where: Location,
    ) -> None:
        for key in mapping:
            if not isinstance(key, str):
                _fail(
                    f"keys must be strings, but the key {_shown_value(key)} {place} is a {_kind(key)}",
                    self.key_at(mapping, key),
                    "quote it if it is a name",
                )
            if key in allowed:
                continue
            alias = _ALIASES.get(key.lower().replace("-", "_"))
            close = alias if alias in allowed else _closest(key, allowed)
            suggestion = f"did you mean '{close}'? " if close else ""
            _fail(
                f"unknown key '{key}' {place}",
                self.key_at(mapping, key),
                f"{suggestion}valid keys {place}: {', '.join(allowed)}",
            )
        for key in required:
            if key not in mapping:
                _fail(f"missing key '{key}' {place}", where, f"keys {place}: {', '.join(allowed)}")

    def mapping(self, value: Any, where: Location, what: str, expected: str) -> Any:
        if not isinstance(value, Mapping):
            _fail(f"{what} must be {expected}, but it is {_a_kind(value)}", where)
        return value

    def sequence(self, value: Any, where: Location, what: str, expected: str) -> Any:
        if not isinstance(value, list):
            _fail(f"{what} must be a list of {expected}, but it is {_a_kind(value)}", where)
        return value

    def string(self, value: Any, where: Location, what: str, expand: bool = False) -> _Text:
        """A string value with `$${` unescaped and, where `expand`, `${VAR}` replaced."""
        if not isinstance(value, str):
            hint = None
            if isinstance(value, bool | int | float | date):
                hint = f"quote it if you meant the text: '{value}'"
            _fail(f"{what} must be a string, but it is {_a_kind(value)}", where, hint)
        surrogate = _SURROGATE.search(value)
        if surrogate is not None:
            _fail(
                f"{what} holds the lone surrogate U+{ord(surrogate.group()):04X}, which UTF-8 text (and"
                " every AWS API) cannot carry",
                where,
                "remove the escape; a surrogate must be followed by its pair to make a character",
            )
        out: list[str] = []
        variables: list[str] = []
        position = 0
        text = str(value)
        for token in _TOKEN.finditer(text):
            if token.start() < position:
                continue  # inside a reference already consumed
            out.append(text[position : token.start()])
            if token.group() == "$${":
                out.append("${")
                position = token.end()
                continue
            if not expand:
                _fail(
                    f"{what}: variables (${{...}}) are expanded only in {EXPANDED_FIELDS}",
                    where,
                    "write the value itself here; write $${ for a literal ${",
                )
            close = text.find("}", token.end())
            if close < 0:
                _fail(f"{what}: '${{' is not closed by '}}'", where, "write ${NAME} or ${NAME:-default}")
            body = text[token.end() : close]
            reference = _REFERENCE.fullmatch(body)
            if reference is None:
                _fail(
                    f"{what}: '${{{body}}}' is not a variable reference",
                    where,
                    "write ${NAME} or ${NAME:-default}, NAME made of letters, digits and _;"
                    " a default cannot contain '{' or '}'; write $${ for a literal ${",
                )
            variable, default = reference.group(1), reference.group(2)
            if default is not None and "{" in default:
                _fail(
                    f"{what}: the default of ${{{variable}}} cannot contain '{{' or '}}'",
                    where,
                    "set the variable instead, or write the whole value without a variable",
                )
            if any(word in variable.upper() for word in CREDENTIAL_WORDS):
                _fail(
                    f"{what}: refusing to read ${{{variable}}}: its name looks like a credential, and a"
                    " selector may come from an untrusted change while its output may be published",
                    where,
                    "keep pool ARNs and app client ids in plainly named variables, such as COGNITO_POOL_ARN",
                )
            found = self.environ.get(variable)
            if not found:
                if default is None:
                    state = "empty" if found == "" else "not set"
                    _fail(
                        f"{what}: environment variable {variable} is {state}",
                        where,
                        f"set {variable}, or give a default: ${{{variable}:-<value>}}",
                    )
                found = default
                out.append(found)
            else:
                out.append(found)
                variables.append(variable)
            position = close + 1
        out.append(text[position:])
        return _Text("".join(out), tuple(variables))


def _fail(message: str, where: Location, hint: str | None = None) -> NoReturn:
    raise InputError(message, where, hint=hint)


def _whole_number(value: Any) -> int | None:
    """`value` as an int when it is a whole number (as JSON Schema's "integer" counts them), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _kind(value: Any) -> str:
    if isinstance(value, date):
        return "date"
    return type_name(value)


def _a_kind(value: Any) -> str:
    kind = _kind(value)
    return "null" if kind == "null" else f"a {kind}"


def _shown_value(value: Any) -> str:
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float | date):
        return str(value)
    return _a_kind(value)


def _closest(word: str, choices: Iterable[str]) -> str | None:
    import difflib

    options = {choice.lower(): choice for choice in choices}
    found = difflib.get_close_matches(word.lower(), list(options), n=1, cutoff=0.6)
    return options[found[0]] if found else None


# --- the JSON Schema ------------------------------------------------------------------------------------


def _literal(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` for a string where ``${`` is refused (anything but user_pools and app_client_id_regex)."""
    return {**schema, "not": {"pattern": VARIABLE_RE}}


def _list_of(item: dict[str, Any], description: str) -> dict[str, Any]:
    return {"type": "array", "minItems": 1, "items": item, "description": description}


SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "apigw-cognito selector, version 1",
    "description": (
        "Which API Gateway operations get which Amazon Cognito user pool authorizer, and which stay"
        " public. Rules apply top-down; the first rule that selects an operation decides it."
    ),
    "type": "object",
    "additionalProperties": False,
    "required": ["version", "authorizers", "rules"],
    "properties": {
        "version": {"const": 1, "description": "The selector format version: 1."},
        "authorizers": {
            "type": "object",
            "description": (
                "Cognito user pool authorizers, 1 to 10 (API Gateway's limit per API). Each name becomes"
                " the security scheme's name in the document."
            ),
            "minProperties": 1,
            "maxProperties": MAX_AUTHORIZERS,
            "propertyNames": {"pattern": NAME_RE, "not": {"enum": list(RESERVED_NAMES)}},
            "additionalProperties": {"$ref": "#/$defs/authorizer"},
        },
        "rules": {
            "type": "array",
            "description": "Rules in order; the first one whose select matches an operation decides it.",
            "items": {"$ref": "#/$defs/rule"},
        },
        "default": {
            "type": "string",
            "description": (
                "What happens to operations no rule selects: deny (report them as errors), public"
                " (leave them open) or the name of an authorizer that secures them."
            ),
            "default": "deny",
            "anyOf": [{"enum": list(RESERVED_NAMES)}, {"pattern": NAME_RE}],
        },
        "cors_preflight": {
            "enum": list(CORS_PREFLIGHT),
            "default": "public",
            "description": (
                "public: OPTIONS methods stay open, since browsers send CORS preflights without"
                " credentials. secured: only rules that name OPTIONS explicitly may secure them."
            ),
        },
    },
    "$defs": {
        "name": {
            "type": "string",
            "pattern": NAME_RE,
            "description": "An authorizer name declared under authorizers.",
        },
        "authorizer": {
            "type": "object",
            "additionalProperties": False,
            "required": ["user_pools"],
            "properties": {
                "user_pools": {
                    **_list_of(
                        {
                            "type": "string",
                            "anyOf": [{"pattern": POOL_RE}, {"pattern": VARIABLE_RE}],
                            "description": (
                                "arn:aws:cognito-idp:<region>:<account id>:userpool/<pool id>, a pool id"
                                " (<region>_<suffix>, resolved with AWS) or name:<PoolName> (resolved"
                                " with AWS). ${VAR} and ${VAR:-default} are read from the environment."
                            ),
                        },
                        "The user pools whose tokens the authorizer accepts (its providerARNs).",
                    ),
                    "uniqueItems": True,
                },
                "identity_source": {
                    "type": "string",
                    "pattern": IDENTITY_SOURCE_RE,
                    "default": DEFAULT_IDENTITY_SOURCE,
                    "description": "The header that carries the token: method.request.header.<Name>.",
                },
                "app_client_id_regex": {
                    "type": "string",
                    "minLength": 1,
                    "description": (
                        "A regular expression app client ids must match (identityValidationExpression);"
                        " API Gateway matches it against the ID token's aud. ${VAR} is read from the"
                        " environment."
                    ),
                },
                "result_ttl_seconds": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": MAX_RESULT_TTL_SECONDS,
                    "description": (
                        "How long API Gateway caches the authorizer's result"
                        " (authorizerResultTtlInSeconds); 0 disables the cache, API Gateway's default is 300."
                    ),
                },
            },
        },
        "rule": {
            "type": "object",
            "additionalProperties": False,
            "required": ["select"],
            "anyOf": [{"required": ["authorizer"]}, {"required": ["public"]}],
            "dependentSchemas": {
                "public": {"not": {"anyOf": [{"required": ["authorizer"]}, {"required": ["scopes"]}]}},
                "scopes": {"required": ["authorizer"]},
            },
            "properties": {
                "select": {
                    "$ref": "#/$defs/select",
                    "description": "The operations this rule decides, unless an earlier rule selected them.",
                },
                "authorizer": {
                    "$ref": "#/$defs/name",
                    "description": "Secure the selected operations with this authorizer.",
                },
                "scopes": _list_of(
                    _literal({"type": "string", "pattern": SCOPE_RE}),
                    (
                        "OAuth scopes (authorizationScopes): the method then takes access tokens carrying"
                        " any one of them. Without scopes it takes ID tokens."
                    ),
                ),
                "public": {"const": True, "description": "Leave the selected operations open."},
                "optional": {
                    "type": "boolean",
                    "default": False,
                    "description": "true: selecting no operation is not an error for this rule.",
                },
            },
        },
        "select": {
            "description": (
                "Which operations the rule selects: '<METHODS> <PATH>' (such as 'GET /pets/*',"
                " 'GET,POST /pets/**', '* /admin/**', or '*' for every operation) or a mapping."
            ),
            "anyOf": [
                _literal({"type": "string", "pattern": SELECT_RE}),
                {"$ref": "#/$defs/selectMapping"},
            ],
        },
        "selectMapping": {
            "type": "object",
            "additionalProperties": False,
            "minProperties": 1,
            "description": "Every key given must match, and any item within a key.",
            "properties": {
                "methods": _list_of(
                    {"type": "string", "anyOf": [{"enum": list(METHODS)}, {"pattern": METHOD_RE}]},
                    "HTTP methods, in any case; ANY is x-amazon-apigateway-any-method. Omit for all.",
                ),
                "paths": _list_of(
                    _literal({"type": "string", "pattern": PATH_GLOB_RE}),
                    (
                        "Path globs: '*' within a segment matches any text, '?' one character, a '**'"
                        " segment any number of segments; {petId} matches {petId}, {*} any parameter."
                    ),
                ),
                "tags": _list_of(
                    _literal({"type": "string", "minLength": 1}), "Operation tags, matched exactly."
                ),
                "operation_ids": _list_of(
                    _literal({"type": "string", "minLength": 1}),
                    "operationId globs: '*' any text, '?' one character.",
                ),
            },
        },
    },
}
