"""New YAML values written as text: block lines under a key, or one flow line, quoted where needed.

Plain scalars are written only where no YAML reader (1.1 or 1.2) could read them as anything else than
the string they are; every other string is double-quoted, with escapes for what a YAML text cannot hold.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from apigw_cognito.basics.errors import InputError


@dataclass
class Style:
    """The indentation a document shows, followed by what is written into it."""

    step: int  # columns from a key to the keys of its block mapping value
    indent_lists: bool  # `key:\n  - a` rather than `key:\n- a`


def block_pair(key: str, value: Any, column: int, style: Style) -> list[str]:
    """A key and its value as block lines, the key at `column`."""
    pad = " " * column
    head = pad + flow(key, False) + ":"
    if isinstance(value, dict | list) and value:
        return [head, *block_value(value, column, style)]
    return [f"{head} {flow(value, False)}"]


def block_value(value: dict[str, Any] | list[Any], column: int, style: Style) -> list[str]:
    """The lines of a non-empty mapping or list that is the value of a key at `column`."""
    if isinstance(value, dict):
        return block_lines(value, column + style.step, style)
    return block_lines(value, column + style.step if style.indent_lists else column, style)


def block_lines(value: dict[str, Any] | list[Any], column: int, style: Style) -> list[str]:
    """A non-empty mapping or list in block style, its first line starting at `column`."""
    if isinstance(value, dict):
        return [line for k, v in value.items() for line in block_pair(k, v, column, style)]
    lines: list[str] = []
    pad = " " * column
    for item in value:
        if isinstance(item, dict | list) and item:
            inner = block_lines(item, column + 2, style)
            lines.append(pad + "- " + inner[0][column + 2 :])
            lines.extend(inner[1:])
        else:
            lines.append(f"{pad}- {flow(item, False)}")
    return lines


def flow(value: Any, json_like: bool) -> str:
    """A value on one line: flow collections, plain scalars where no reader could misread them.

    `json_like` quotes every string, to match a flow mapping written in JSON style.
    """
    if isinstance(value, dict):
        pairs = (f"{flow(k, json_like)}: {flow(v, json_like)}" for k, v in value.items())
        return "{" + ", ".join(pairs) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v, json_like) for v in value) + "]"
    if isinstance(value, str):
        return value if not json_like and _plain_ok(value) else _double_quoted(value)
    return _flow_scalar(value)


_WORDS = {None: "null", True: "true", False: "false"}


def _flow_scalar(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return _WORDS[value]
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    raise TypeError(f"cannot write a {type(value).__name__} as YAML")


# Plain scalars other YAML readers (1.1 or 1.2) could read as something else than this string.
_TYPED_11 = re.compile(
    r"""(?x)
    (?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF
      |~|null|Null|NULL|<<|=)$
    | [-+]?\.?[0-9]
    | [-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$
    """
)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]|: |:$| #|[,\[\]{}]")


def _plain_ok(value: str) -> bool:
    return bool(
        value
        and value[0] not in "-?:,[]{}#&*!|>'\"%@` \t"
        and not value.startswith("...")  # a document end marker at the start of a line
        and value[-1] not in " \t"
        and not _TYPED_11.match(value)
        and not _UNSAFE.search(value)
    )


_ESCAPES = {
    "\0": "\\0",
    "\a": "\\a",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\v": "\\v",
    "\f": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
    '"': '\\"',
    "\\": "\\\\",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
}
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]')


def _double_quoted(value: str) -> str:
    return '"' + _NEEDS_ESCAPE.sub(_escape, value) + '"'


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    known = _ESCAPES.get(char)
    if known is not None:
        return known
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        raise InputError(f"cannot write the lone surrogate U+{code:04X} in YAML")
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
