"""What every section of the selector loader shares: where a value is written, the checks of keys,
kinds, strings and authorizer names that raise `InputError` there, and the list of mistakes found so far.

A check raises at the first mistake in the value it reads; the sections read each independent part (an
authorizer, a rule, a key, a list item) through `Reader.attempt`, which keeps the mistake and goes on, so
one run reports every mistake in the file. The sections themselves are `authorizers`, `rules` and, for the
top level, `loader`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date
from typing import Any, NoReturn, TypeVar

from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.basics.openapi import type_name
from apigw_cognito.selector.variables import Text, expand

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
_SURROGATE = re.compile("[\ud800-\udfff]")
T = TypeVar("T")


class Abandoned(Exception):
    """A part whose mistakes are kept already cannot be built: `Reader.attempt` gives None for it."""


class Reader:
    """Reads values of the data `parsing.parse` built from the file `name`; a mistake raises `InputError`
    at its line and column, and `attempt` keeps it in `mistakes` to report with the others."""

    def __init__(self, name: str, environ: Mapping[str, str]) -> None:
        self.name = name
        self.environ = environ
        self.mistakes: list[InputError] = []

    def attempt(self, read: Callable[[], T]) -> T | None:
        """`read()`, or None when it raised a mistake, which is kept for the report."""
        try:
            return read()
        except InputError as exc:
            self.mistakes.append(exc)
            return None
        except Abandoned:
            return None

    def note(self, message: str, where: Location, hint: str | None = None) -> None:
        """Keep a mistake without stopping the part being read."""
        self.mistakes.append(InputError(message, where, hint=hint))

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

    # checks ------------------------------------------------------------------------------------------

    def keys(
        self,
        mapping: Any,
        allowed: tuple[str, ...],
        place: str,
        required: tuple[str, ...],
        where: Location,
    ) -> bool:
        """Note every key not `allowed` and every `required` key missing; True when none is missing.

        A required key that an unknown key's suggestion names is not noted again: 'did you mean
        user_pools?' already says it is missing.
        """
        suggested: set[str] = set()
        for key in mapping:
            if not isinstance(key, str):
                self.note(
                    f"keys must be strings, but the key {shown_value(key)} {place} is a {kind_of(key)}",
                    self.key_at(mapping, key),
                    "quote it if it is a name",
                )
                continue
            if key in allowed:
                continue
            alias = _ALIASES.get(key.lower().replace("-", "_"))
            close = alias if alias in allowed else closest(key, allowed)
            suggestion = f"did you mean '{close}'? " if close else ""
            suggested.add(close or "")
            self.note(
                f"unknown key '{key}' {place}",
                self.key_at(mapping, key),
                f"{suggestion}valid keys {place}: {', '.join(allowed)}",
            )
        missing = [key for key in required if key not in mapping]
        for key in missing:
            if key not in suggested:
                self.note(f"missing key '{key}' {place}", where, f"keys {place}: {', '.join(allowed)}")
        return not missing

    def mapping(self, value: Any, where: Location, what: str, expected: str) -> Any:
        if not isinstance(value, Mapping):
            fail(f"{what} must be {expected}, but it is {a_kind_of(value)}", where)
        return value

    def sequence(self, value: Any, where: Location, what: str, expected: str) -> Any:
        if not isinstance(value, list):
            fail(f"{what} must be a list of {expected}, but it is {a_kind_of(value)}", where)
        return value

    def string(self, value: Any, where: Location, what: str, expand_variables: bool = False) -> Text:
        """A string value with `$${` unescaped and, where `expand_variables`, `${VAR}` replaced."""
        if not isinstance(value, str):
            hint = None
            if isinstance(value, bool | int | float | date):
                hint = f"quote it if you meant the text: '{value}'"
            fail(f"{what} must be a string, but it is {a_kind_of(value)}", where, hint)
        surrogate = _SURROGATE.search(value)
        if surrogate is not None:
            fail(
                f"{what} holds the lone surrogate U+{ord(surrogate.group()):04X}, which UTF-8 text (and"
                " every AWS API) cannot carry",
                where,
                "remove the escape; a surrogate must be followed by its pair to make a character",
            )
        return expand(str(value), self.environ, where, what, allowed=expand_variables)

    def authorizer_name(
        self, value: Any, where: Location, what: str, authorizers: Collection[str], also: tuple[str, ...] = ()
    ) -> str:
        """An authorizer name that must be declared (or be one of `also`, which the hint then offers)."""
        name = self.string(value, where, what).value
        if name in authorizers:
            return name
        known = ", ".join(authorizers)
        close = closest(name, (*authorizers, *also))
        did_you_mean = f"did you mean {close}? Otherwise " if close else ""
        also_hint = f"{', '.join(also)} or " if also else ""
        fail(
            f"{what}: no authorizer named '{name}' is declared",
            where,
            f"{did_you_mean}use {also_hint}one of the authorizers declared under authorizers: {known}",
        )


def fail(message: str, where: Location, hint: str | None = None) -> NoReturn:
    raise InputError(message, where, hint=hint)


def whole_number(value: Any) -> int | None:
    """`value` as an int when it is a whole number (as JSON Schema's "integer" counts them), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def kind_of(value: Any) -> str:
    if isinstance(value, date):
        return "date"
    return type_name(value)


def a_kind_of(value: Any) -> str:
    kind = kind_of(value)
    return "null" if kind == "null" else f"a {kind}"


def shown_value(value: Any) -> str:
    """A value from the file as messages show it (never one from the environment: see `Text.shown`)."""
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float | date):
        return str(value)
    return a_kind_of(value)


def closest(word: str, choices: Iterable[str]) -> str | None:
    options = {choice.lower(): choice for choice in choices}
    found = difflib.get_close_matches(word.lower(), list(options), n=1, cutoff=0.6)
    return options[found[0]] if found else None
