"""Block-style YAML text with comments, written from data that carries `Key`, `Block` and `Flow` markers."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any


class Key(str):
    """A mapping key that carries comments: full lines written above it, and one after it on its line."""

    above: tuple[str, ...]
    trailing: str | None
    blank_before: bool

    def __new__(
        cls, value: str, above: tuple[str, ...] = (), trailing: str | None = None, blank_before: bool = False
    ) -> Key:
        key = super().__new__(cls, value)
        key.above = above
        key.trailing = trailing
        key.blank_before = blank_before
        return key


class Block(str):
    """A string written as a YAML literal block scalar (``|``)."""


class Flow(list[Any]):
    """A list of plain scalars written as a YAML flow sequence (``[a, b]``)."""


_PLAIN = re.compile(r"[A-Za-z_/$][A-Za-z0-9_ ./{}$#:,@()*+-]*")
_VERSION_LIKE = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")
_RESERVED = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"})


@lru_cache(maxsize=65536)
def yaml_scalar(value: Any) -> str:  # noqa: PLR0911  (one return per kind of scalar)
    """`value` as a YAML scalar that loads back to the same value with YAML 1.1 and 1.2 loaders."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    if _VERSION_LIKE.fullmatch(text):
        return text
    if (
        _PLAIN.fullmatch(text)
        and text.lower() not in _RESERVED
        and ": " not in text
        and " #" not in text
        and not text.endswith((":", " "))
    ):
        return text
    if text.isprintable() and text.strip() == text and text and "'" not in text:
        return "'" + text.replace("'", "''") + "'"
    return json.dumps(text)


def to_yaml(data: Any) -> str:
    """Block-style YAML with the comments `Key`s carry; sequences indented under their key."""
    lines: list[str] = []
    _yaml_mapping(data, 0, lines)
    return "\n".join(lines) + "\n"


def _comment_lines(key: Any, pad: str, lines: list[str], first: bool = False) -> None:
    if isinstance(key, Key):
        if key.blank_before and lines and not first:
            lines.append("")
        lines.extend(f"{pad}# {text}" for text in key.above)


def _yaml_mapping(mapping: dict[Any, Any], indent: int, lines: list[str], first: str | None = None) -> None:
    """Write `mapping` at `indent`; `first` replaces the indentation of the first line (for `- `)."""
    pad = " " * indent
    for i, (key, value) in enumerate(mapping.items()):
        lead = first if (first is not None and i == 0) else pad
        if first is None or i > 0:
            _comment_lines(key, pad, lines, first=i == 0)
        trailing = f"  # {key.trailing}" if isinstance(key, Key) and key.trailing else ""
        head = f"{lead}{yaml_scalar(str(key))}:"
        _yaml_value(head, trailing, value, indent, lines)


def _yaml_value(head: str, trailing: str, value: Any, indent: int, lines: list[str]) -> None:
    if isinstance(value, dict):
        if not value:
            lines.append(f"{head} {{}}{trailing}")
            return
        lines.append(head + trailing)
        _yaml_mapping(value, indent + 2, lines)
    elif isinstance(value, Flow):
        lines.append(f"{head} [{', '.join(yaml_scalar(v) for v in value)}]{trailing}")
    elif isinstance(value, list):
        if not value:
            lines.append(f"{head} []{trailing}")
            return
        lines.append(head + trailing)
        _yaml_sequence(value, indent + 2, lines)
    elif isinstance(value, Block):
        lines.append(f"{head} |{trailing}")
        inner = " " * (indent + 2)
        lines.extend(f"{inner}{line}" if line else "" for line in value.rstrip("\n").split("\n"))
    else:
        lines.append(f"{head} {yaml_scalar(value)}{trailing}")


def _yaml_sequence(items: list[Any], indent: int, lines: list[str]) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, dict) and item:
            _comment_lines(next(iter(item)), pad, lines)
            _yaml_mapping(item, indent + 2, lines, first=f"{pad}- ")
        else:
            _yaml_value(f"{pad}-", "", item, indent, lines)
