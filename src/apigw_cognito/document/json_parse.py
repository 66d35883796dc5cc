"""JSON parsing: the data at C speed, read strictly, refusals located.

`parse_bytes` reads the UTF-8 bytes with msgspec, which needs no text copy (a `str` of GitHub's description
is four times its bytes, for one emoji) and gives exactly the stdlib's values where it accepts the text
(integers of any size included). It cannot see duplicate keys, so a count decides: every key writes one
colon outside strings, every other colon is inside a string, so the bytes hold as many colons as the
data written back compactly exactly when no key was dropped. Whenever msgspec refuses the text, or a key
was dropped, or an escaped colon would spoil the count, `parse` takes over: one strict stdlib `json` parse
of the text, refusing duplicate keys and NaN/Infinity, which also gives the data of what only it accepts
(lone surrogate escapes, 1e400 as infinity). When the parser refuses the text (or runs out of recursion),
a slow second pass over its tokens finds the line and column to report. `json_source` reads the rendered
text back with the same decoders.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from json import decoder as _decoder
from typing import Any

import msgspec

from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.basics.text import decode_utf8, offset_location

# The stdlib's string scanner: from just after an opening quote, the string and the offset past its end.
scanstring: Callable[[str, int], tuple[str, int]] = _decoder.scanstring  # type: ignore[attr-defined]
WHITESPACE = re.compile(r"[ \t\n\r]*")


class _Duplicate(Exception):
    pass


class _NotFinite(Exception):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _Duplicate
    return result


def _not_finite(name: str) -> Any:
    raise _NotFinite(name)


STRICT_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_not_finite)
STRICT_ERRORS = (ValueError, _Duplicate, _NotFinite)  # what it raises for a text it refuses


FAST_DECODER = msgspec.json.Decoder()
# What msgspec raises for a text it refuses: DecodeError, or UnicodeDecodeError (both ValueErrors).
FAST_ERRORS = (ValueError, RecursionError)
_ENCODER = msgspec.json.Encoder()


def parse_bytes(body: bytes, name: str) -> Any:
    """The data of a JSON document given as UTF-8 bytes (no BOM); refusals as `parse` words them."""
    try:
        data = FAST_DECODER.decode(body)
    except FAST_ERRORS:
        data = None
    if isinstance(data, dict | list) and _no_key_dropped(body, data):
        return data
    # The rare or refused text: the stdlib's verdict, message and place (UTF-8 errors too).
    return parse(decode_utf8(body, name), name)


def _no_key_dropped(body: bytes, data: Any) -> bool:
    """True when `data` holds every key written in `body`: no duplicate key was silently dropped.

    Colons outside strings are one per key; inside strings msgspec writes every colon as itself. A
    dropped key takes its colon away (and maybe colons of its strings), so the counts differ. Only an
    escaped colon (``\\u003a``) in the text would count in the data and not in the bytes: such a text
    takes the stdlib's parse instead.
    """
    if b"\\u003a" in body or b"\\u003A" in body:
        return False
    return body.count(b":") == _ENCODER.encode(data).count(b":")


def parse(text: str, name: str) -> Any:
    """The data of a JSON text; malformed input, duplicate keys and NaN/Infinity raise `InputError`."""
    start = WHITESPACE.match(text).end()  # type: ignore[union-attr]
    if start == len(text):
        raise InputError("the document is empty", Location(name, 1, 1))
    try:
        data = STRICT_DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", Location(name, exc.lineno, exc.colno)) from None
    except (_Duplicate, _NotFinite, ValueError, RecursionError) as exc:
        raise _pinpoint(text, name, exc) from None
    if not isinstance(data, dict | list):
        raise InputError(
            "not an OpenAPI document: the top level is a single value, not an object", Location(name)
        )
    return data


def _pinpoint(text: str, name: str, cause: BaseException) -> InputError:
    """A slow second pass that finds where a duplicate key, NaN/Infinity, huge number or deep nesting is."""
    limit = sys.get_int_max_str_digits() or sys.maxsize
    deepest = (0, 0)  # (depth, offset): where the parser's recursion would have run out
    stack: list[dict[str, int] | None] = []  # per open container: keys seen (objects) or None (arrays)
    expect_key = False
    for kind, at, value in _tokens(text):
        if kind in ("{", "["):
            stack.append({} if kind == "{" else None)
            expect_key = kind == "{"
            if len(stack) > deepest[0]:
                deepest = (len(stack), at)
        elif kind in ("}", "]"):
            if not stack:  # malformed past the point where the parser stopped: nothing more to learn
                break
            stack.pop()
            expect_key = False
        elif kind == '"':
            keys = stack[-1] if stack else None
            if expect_key and keys is not None:
                if value in keys:
                    first = offset_location(text, keys[value], name)
                    return InputError(
                        f"duplicate key {value!r} in one object (first at line {first.line})",
                        offset_location(text, at, name),
                    )
                keys[value] = at
            expect_key = False
        elif kind == "constant":
            return InputError(f"{value} is not a JSON number", offset_location(text, at, name))
        elif kind == "integer" and len(value.lstrip("-")) > limit:
            return InputError(f"integer too long ({len(value)} digits)", offset_location(text, at, name))
        else:
            expect_key = value == "," and bool(stack) and stack[-1] is not None
    if isinstance(cause, RecursionError):
        return InputError(
            f"the document is nested {deepest[0]} levels deep, too deep to read",
            offset_location(text, deepest[1], name),
        )
    return InputError(f"not valid JSON: {cause}", Location(name))


_TOKEN = re.compile(
    r'[ \t\n\r]*(?:([{}\[\]])|(")|(-?Infinity|NaN)|(-?[0-9]+)|[,:]|[-+.eE0-9]+|true|false|null)'
)


def _tokens(text: str) -> Iterator[tuple[str, int, str]]:
    """(kind, offset, text) of each token of `text`, up to the first that is not one.

    The kind is the bracket itself, ``"`` for a string (its text is the string's value), ``constant``
    (NaN, Infinity), ``integer``, or ``other`` (a comma, a colon, any other number or word).
    """
    i = 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        if m is None:
            return
        at = m.start(m.lastindex) if m.lastindex else m.end()
        i = m.end()
        bracket, quote, constant, integer = m.group(1, 2, 3, 4)
        if quote:
            try:
                value, i = scanstring(text, i)
            except json.JSONDecodeError:  # an unterminated string, past where the parser stopped
                return
            yield '"', at, value
        elif bracket:
            yield bracket, at, bracket
        elif constant:
            yield "constant", at, constant
        elif integer:
            yield "integer", at, integer
        else:
            yield "other", at, m.group().strip()
