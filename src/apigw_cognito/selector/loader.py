"""The selector file (version 1): which operations get which Cognito authorizer, and which stay public.

`load_selector` reads a file into the `model`, checking it with file, line and column for every mistake.
This docstring is the format's reference. The loading is in parts: `parsing` (bytes to YAML data),
`reader` (locations and the checks all sections share), `variables` (``${VAR}``), `authorizers` and
`rules` (the two sections), and the top level here. The JSON Schema users' editors read is
`schema.SCHEMA`; the two share the patterns in `syntax`.

The file is YAML or JSON, read with ruamel.yaml's round-trip loader for positions. Exactly the documented
keys are accepted, and every mistake is reported in one run, each saying where it is and what to do
(`InputError`, or `InputErrors` for several, in file order). YAML
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
``audience`` items (``type: jwt`` authorizers) take variables too: app client ids differ between deployments.

**Other choices.** ``public`` can only be ``true`` (a secured rule names its authorizer instead), and
``scopes`` cannot be an empty list (omit it to accept ID tokens). ``deny`` and ``public`` cannot name an
authorizer, since ``default`` could not tell them apart. A user pool is listed once per authorizer. A whole
number written as ``300.0`` counts as ``300``, as JSON Schema counts it; ``true`` is not a number. Files
above 256 KiB are refused: round-trip parsing is slow and a selector needs a few KB.

**API keys and gateway responses.** A rule's ``api_key`` is ``required`` (the operations also require an
API key) or ``none`` (an API key they required is dropped); without it an API key requirement the
operation has is kept, AND-ed with the authorizer. ``gateway_responses: {cors: ...}`` is read by
`gateway_responses`.

**HTTP APIs.** An authorizer with ``type: jwt`` is an HTTP API's JWT authorizer: exactly one user pool (its
issuer), ``audience`` (app client ids, required) and an ``identity_source`` of ``$request.header.<Name>``
or ``$request.querystring.<Name>``. Every authorizer of a selector has the same type; the keys of the
other type, ``gateway_responses`` and a rule's ``api_key`` are refused in a selector of ``jwt`` ones.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from apigw_cognito.basics.errors import Location, raise_all
from apigw_cognito.selector.authorizers import read_authorizers
from apigw_cognito.selector.gateway_responses import read_gateway_responses
from apigw_cognito.selector.model import Authorizer, Selector
from apigw_cognito.selector.parsing import parse
from apigw_cognito.selector.reader import Reader, fail, kind_of, shown_value, whole_number
from apigw_cognito.selector.rules import read_rules
from apigw_cognito.selector.syntax import CORS_PREFLIGHT, RESERVED_NAMES, TOP_KEYS


def load_selector(raw: bytes, name: str, environ: Mapping[str, str]) -> Selector:
    """Parse and check a selector file; mistakes raise `InputError` (`InputErrors` for several), each with
    its location."""
    reader = Reader(name, environ)
    selector = _selector(reader, parse(raw, name))
    raise_all(reader.mistakes)
    assert selector is not None  # a part that could not be built left a mistake
    return selector


def _selector(reader: Reader, data: Any) -> Selector | None:
    top_at = Location(reader.name, 1, 1)
    if data is None:
        fail(
            "the selector is empty",
            top_at,
            "start from: version: 1, authorizers: {...}, rules: [...] (`apigw-cognito schema` prints"
            " the full format)",
        )
    if not isinstance(data, Mapping):
        fail(f"the selector must be a mapping of keys, but it is a {kind_of(data)}", top_at)
    if "version" in data:
        reader.attempt(lambda: _version(reader, data))
    reader.keys(data, TOP_KEYS, "at the top level", ("version", "authorizers", "rules"), top_at)
    authorizers: dict[str, Authorizer] = {}
    names: tuple[str, ...] | None = None
    if "authorizers" in data:
        authorizers, names = read_authorizers(reader, data)
    rules = reader.attempt(lambda: read_rules(reader, data, names)) if "rules" in data else None
    decided = reader.attempt(lambda: _default(reader, data, names))
    cors = reader.attempt(lambda: _choice(reader, data, "cors_preflight", CORS_PREFLIGHT, "public"))
    gateway = reader.attempt(lambda: (read_gateway_responses(reader, data),))
    declared = data.get("authorizers")
    if isinstance(declared, Mapping) and any(
        isinstance(body, Mapping) and body.get("type") == "jwt" for body in declared.values()
    ):
        _rest_only_keys(reader, data)
    if reader.mistakes or rules is None or decided is None or gateway is None:
        return None
    default, default_location = decided
    return Selector(
        name=reader.name,
        authorizers=authorizers,
        rules=rules,
        default=default,
        cors_preflight="secured" if cors == "secured" else "public",
        default_location=default_location,
        gateway_cors=gateway[0],
    )


def _rest_only_keys(reader: Reader, data: Any) -> None:
    """What HTTP APIs do not have: gateway responses (CORS is the document's x-amazon-apigateway-cors)
    and API keys."""
    if "gateway_responses" in data:
        reader.note(
            "gateway_responses is for REST APIs; this selector's authorizers are jwt (an HTTP API)",
            reader.key_at(data, "gateway_responses"),
            "an HTTP API takes its CORS headers from the document's x-amazon-apigateway-cors: remove the key",
        )
    rules = data.get("rules")
    for rule in rules if isinstance(rules, list) else ():
        if isinstance(rule, Mapping) and "api_key" in rule:
            reader.note(
                "api_key is for REST APIs; HTTP APIs have no API keys",
                reader.key_at(rule, "api_key"),
                "remove it: an HTTP API route is secured by its JWT authorizer alone",
            )


def _version(reader: Reader, data: Any) -> None:
    value = data["version"]
    where = reader.value_at(data, "version")
    if isinstance(value, str):
        fail(
            f"version must be the number 1, not the string '{value}'",
            where,
            "write `version: 1`, unquoted",
        )
    number = whole_number(value)
    if number is None and not isinstance(value, float):
        fail(f"version must be the number 1, not a {kind_of(value)}", where, "write `version: 1`")
    if number != 1:
        fail(
            f"selector version {value} is not supported: this apigw-cognito reads version 1",
            where,
            "write `version: 1` (and the version 1 format), or use the apigw-cognito release that"
            " wrote this format",
        )


def _default(reader: Reader, data: Any, authorizers: Collection[str] | None) -> tuple[str, Location | None]:
    if "default" not in data:
        return "deny", None
    where = reader.value_at(data, "default")
    value = data["default"]
    if value is None or isinstance(value, bool):
        fail(
            f"default must be deny, public or an authorizer name, got {shown_value(value)}",
            where,
            "quote YAML words such as 'off' or 'no' if you meant them, or write deny",
        )
    if isinstance(value, str) and value in RESERVED_NAMES:
        return value, where
    if authorizers is None:  # the authorizers could not be read: their mistakes are reported
        return reader.string(value, where, "default").value, where
    return reader.authorizer_name(value, where, "default", authorizers, also=RESERVED_NAMES), where


def _choice(reader: Reader, data: Any, key: str, choices: tuple[str, ...], default: str) -> str:
    if key not in data:
        return default
    value = data[key]
    if isinstance(value, str) and value in choices:
        return value
    fail(
        f"{key} must be {' or '.join(choices)}, got {shown_value(value)}",
        reader.value_at(data, key),
        f"{choices[0]} is the default",
    )
