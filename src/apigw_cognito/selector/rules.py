"""The selector's ``rules`` section: each rule's select (a string or a mapping), its authorizer or
``public: true``, its scopes and ``optional``."""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import partial
from typing import Any, NoReturn

from apigw_cognito.basics.errors import Location
from apigw_cognito.selector.globs import path_glob_error
from apigw_cognito.selector.model import ApiKey, Rule, Select
from apigw_cognito.selector.reader import Abandoned, Reader, closest, fail, shown_value
from apigw_cognito.selector.syntax import API_KEY_CHOICES, METHODS, RULE_KEYS, SCOPE_RE, SELECT_KEYS

_SELECT_EXAMPLE = "write '<METHODS> <PATH>', such as 'GET /pets', 'GET,POST /pets/*' or '* /admin/**'"


def read_rules(reader: Reader, data: Any, authorizers: Collection[str] | None) -> tuple[Rule, ...]:
    """The rules read without a mistake. `authorizers` are the declared names (None when the section could
    not be read: names are then not checked, since every one would fail)."""
    where = reader.value_at(data, "rules")
    value = data["rules"]
    if value is None:
        fail("rules is empty (null)", where, "write `rules: []` for no rules, so that `default` decides")
    items = reader.sequence(value, where, "rules", "rules, each a mapping with select")
    rules = (reader.attempt(partial(_rule, reader, items, index, authorizers)) for index in range(len(items)))
    return tuple(rule for rule in rules if rule is not None)


def _rule(reader: Reader, items: Any, index: int, authorizers: Collection[str] | None) -> Rule | None:
    """Rule `index`; None when a part of it had a mistake (kept by `reader`)."""
    what = f"rule {index + 1}"
    rule_at = reader.item_at(items, index)
    body = reader.mapping(
        items[index], rule_at, what, "a mapping with select and either authorizer or public: true"
    )
    rule_at = reader.node_at(body, rule_at)
    before = len(reader.mistakes)
    reader.keys(body, RULE_KEYS, f"in {what}", ("select",), rule_at)
    select = reader.attempt(lambda: _select(reader, body, what)) if "select" in body else None
    reader.attempt(lambda: _check_decision(reader, body, what, rule_at, authorizers))

    authorizer = None
    if "authorizer" in body:
        where = reader.value_at(body, "authorizer")
        authorizer = reader.attempt(
            lambda: (
                reader.string(body["authorizer"], where, what).value
                if authorizers is None
                else reader.authorizer_name(body["authorizer"], where, what, authorizers)
            )
        )

    optional = body.get("optional", False)
    if not isinstance(optional, bool):
        reader.note(
            f"{what}: optional must be true or false, got {shown_value(optional)}",
            reader.value_at(body, "optional"),
        )
    scopes = _scopes(reader, body, what)
    if select is None or len(reader.mistakes) > before:
        return None
    return Rule(
        index=index + 1,
        select=select,
        authorizer=authorizer,
        scopes=scopes,
        public="public" in body,
        optional=optional,
        location=rule_at,
        api_key=_api_key(reader, body, what),
    )


def _api_key(reader: Reader, body: Any, what: str) -> ApiKey:
    if "api_key" not in body:
        return "keep"
    value = body["api_key"]
    if value == "required":
        return "required"
    if value == "none":
        return "none"
    fail(
        f"{what}: api_key must be {' or '.join(API_KEY_CHOICES)}, got {shown_value(value)}",
        reader.value_at(body, "api_key"),
        "omit api_key to keep the API key requirement an operation already has",
    )


def _check_decision(
    reader: Reader, body: Any, what: str, rule_at: Location, authorizers: Collection[str] | None
) -> None:
    """A rule either names an authorizer (with scopes or not) or says ``public: true``, never both."""
    if "public" in body:
        if body["public"] is not True:
            reader.note(
                f"{what}: public can only be true, got {shown_value(body['public'])}",
                reader.value_at(body, "public"),
                "to secure the operations, name an authorizer instead of writing public",
            )
        for other in ("authorizer", "scopes"):
            if other in body:
                reader.note(
                    f"{what} has both public: true and {other}",
                    reader.key_at(body, other),
                    "a public rule leaves operations open: remove one or the other",
                )
    elif "authorizer" not in body:
        example = next(iter(authorizers or ()), "<authorizer name>")
        fail(
            f"{what} needs an authorizer or public: true",
            rule_at,
            f"add `authorizer: {example}` or `public: true`",
        )


def _scopes(reader: Reader, body: Any, what: str) -> tuple[str, ...]:
    if "scopes" not in body:
        return ()
    where = reader.value_at(body, "scopes")
    items = reader.attempt(lambda: reader.sequence(body["scopes"], where, f"{what}: scopes", "scope names"))
    if items is None:
        return ()
    if not items:
        reader.note(
            f"{what}: scopes is empty",
            where,
            "omit scopes to accept ID tokens, or list the scopes an access token must carry",
        )
    scopes = (reader.attempt(partial(_scope, reader, items, index, what)) for index in range(len(items)))
    return tuple(scope for scope in scopes if scope is not None)


def _scope(reader: Reader, items: Any, index: int, what: str) -> str:
    item_at = reader.item_at(items, index)
    text = reader.string(items[index], item_at, f"{what}: scope {index + 1}")
    if not re.fullmatch(SCOPE_RE, text.value):
        fail(
            f"{what}: scope {text.shown()} is empty or contains whitespace",
            item_at,
            "a scope is one word, such as https://pets.example.com/purchase or email",
        )
    return text.value


# --- select -----------------------------------------------------------------------------------------------


def _select(reader: Reader, body: Any, what: str) -> Select:
    value = body["select"]
    where = reader.value_at(body, "select")
    if isinstance(value, str):
        return _select_text(reader.string(value, where, f"{what}: select").value, where, what)
    mapping = reader.mapping(value, where, f"{what}: select", "a string such as 'GET /pets' or a mapping")
    if not mapping:
        fail(
            f"{what}: select is an empty mapping",
            where,
            "give methods, paths, tags or operation_ids; select: '*' selects every operation",
        )
    before = len(reader.mistakes)
    reader.keys(mapping, SELECT_KEYS, f"in {what}: select", (), where)
    parts: dict[str, tuple[str, ...]] = {}
    for key in SELECT_KEYS:
        if key not in mapping:
            continue
        seq_at = reader.value_at(mapping, key)
        items = reader.attempt(
            partial(reader.sequence, mapping[key], seq_at, f"{what}: select {key}", "strings")
        )
        if items is None:
            continue
        if not items:
            reader.note(
                f"{what}: select {key} is an empty list, which selects nothing",
                seq_at,
                f"list at least one, or omit {key} to select regardless of it",
            )
        read = (reader.attempt(partial(_select_item, reader, key, items, i, what)) for i in range(len(items)))
        parts[key] = tuple(item for item in read if item is not None)
    if len(reader.mistakes) > before:
        raise Abandoned  # the mistakes are kept; a select with a part missing must not be built
    shown = ", ".join(f"{key}: [{', '.join(items)}]" for key, items in parts.items())
    return Select(
        methods=frozenset(parts["methods"]) if "methods" in parts else None,
        paths=parts.get("paths"),
        tags=parts.get("tags"),
        operation_ids=parts.get("operation_ids"),
        text="{" + shown + "}",
    )


def _select_item(reader: Reader, key: str, items: Any, index: int, what: str) -> str:
    """Item `index` of the select mapping's list `key`: a method (upper case), a path glob, or a tag or
    operationId glob."""
    item_at = reader.item_at(items, index)
    text = reader.string(items[index], item_at, f"{what}: select {key} item {index + 1}").value
    if key == "methods":
        if text == "*":
            fail(f"{what}: '*' is not a method name", item_at, "omit methods to select every method")
        return _method(text, item_at, what)
    if key == "paths":
        error = path_glob_error(text)
        if error is not None:
            fail(f"{what}: {error}", item_at, "paths are globs like /pets/*, /pets/** or /")
    elif not text:
        fail(f"{what}: select {key} item {index + 1} is empty", item_at)
    return text


def select_from_text(text: str, where: Location, what: str) -> Select:
    """A select string (``"<METHODS> <PATH>"`` or ``"*"``) given outside a selector file, such as
    `audit --live --allow`; mistakes raise `InputError` at `where`."""
    return _select_text(text, where, what)


def _select_text(text: str, where: Location, what: str) -> Select:
    """Parse ``"<METHODS> <PATH>"`` or the shorthand ``"*"``."""
    stripped = text.strip()
    if stripped == "*":
        return Select(text=stripped)
    if not stripped:
        fail(f"{what}: select is empty", where, _SELECT_EXAMPLE)
    words = stripped.rsplit(None, 1)
    if len(words) == 1:
        _refuse_half_select(words[0], where, what)
    methods_text, path = words
    if not path.startswith("/"):
        fail(
            f"{what}: select '{stripped}' does not end with a path starting with '/'", where, _SELECT_EXAMPLE
        )
    methods = _methods(methods_text, where, what)
    error = path_glob_error(path)
    if error is not None:
        fail(f"{what}: {error}", where, _SELECT_EXAMPLE)
    return Select(methods=methods, paths=(path,), text=stripped)


def _refuse_half_select(word: str, where: Location, what: str) -> NoReturn:
    """A select of one word, a path or methods alone, which a reviewer could read either way."""
    if word.startswith("/"):
        fail(
            f"{what}: select '{word}' has a path but no methods",
            where,
            f"write '* {word}' for every method, or name them: 'GET,POST {word}'",
        )
    _methods(word, where, what)
    fail(
        f"{what}: select '{word}' has methods but no path",
        where,
        f"write '{word} /**' for every path, or name one: '{word} /pets'",
    )


def _methods(text: str, where: Location, what: str) -> frozenset[str] | None:
    if text == "*":
        return None
    names = [part.strip() for part in text.split(",")]
    if any(name == "*" for name in names):
        fail(
            f"{what}: '*' cannot be combined with method names",
            where,
            "write '*' alone for every method, or list the methods",
        )
    if any(not name for name in names):
        fail(
            f"{what}: the method list '{text}' has an empty entry",
            where,
            "separate methods with single commas: GET,POST",
        )
    return frozenset(_method(name, where, what) for name in names)


def _method(name: str, where: Location, what: str) -> str:
    upper = name.upper()
    if upper in METHODS and name.isascii():  # some non-ASCII letters upper-case to ASCII ones
        return upper
    valid = ", ".join(METHODS)
    if re.search(r"\s", name):
        fail(
            f"{what}: '{name}' is not an HTTP method",
            where,
            f"separate methods with commas, not spaces: {','.join(name.split())}; valid methods: {valid}",
        )
    close = closest(upper, METHODS)
    if close is not None:
        hint = f"did you mean {close}? Valid methods: {valid}"
    else:
        hint = (
            f"valid methods: {valid} (ANY is x-amazon-apigateway-any-method), or * for all; an action"
            f" such as {upper} is a path in API Gateway, e.g. 'POST /{name.lower()}'"
        )
    fail(f"{what}: {name} is not an HTTP method", where, hint)
