"""Loading a document: decode the bytes, pick the format, parse with positions.

A `Document` is plain JSON-compatible data (dicts, lists, str, int, float, bool, None) plus a way to find
where any node stands in the file. Changing it never rewrites the file: each `Edit` becomes an insertion (or
the replacement of one key's value) at a position found by the parser, so every byte that the change does
not touch stays as it was (comments, quoting, key order, indentation, line endings, BOM).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from apigw_cognito.basics.errors import Location
from apigw_cognito.basics.text import decode_utf8
from apigw_cognito.document.edits import Edit, Pointer

Format = Literal["json", "yaml"]

_BOM = b"\xef\xbb\xbf"
_LEADING = re.compile(rb"\s*")  # ASCII whitespace before the first character


class Source(Protocol):
    """What a format module hands back: the data and the text positions behind it."""

    data: Any

    def locate(self, pointer: Pointer) -> Location | None: ...

    def render(self, edits: Sequence[Edit]) -> str: ...


@dataclass
class Document:
    """A loaded OpenAPI file. `data` must be treated as read-only: the core builds new values instead."""

    name: str
    format: Format
    data: Any
    source: Source
    bom: bool
    newline: str

    def locate(self, pointer: Pointer) -> Location | None:
        """Where `pointer` is written: a mapping step's key, a list step's item; None when absent."""
        return self.source.locate(pointer)

    def render(self, edits: Sequence[Edit]) -> bytes:
        """The whole new file with `edits` applied; the original bytes when `edits` changes nothing."""
        # A source that can hand back UTF-8 directly spares a second copy of a large text in memory.
        render_bytes: Callable[[Sequence[Edit]], bytes] | None = getattr(self.source, "render_bytes", None)
        body = render_bytes(edits) if render_bytes is not None else self.source.render(edits).encode("utf-8")
        return b"".join((_BOM, body)) if self.bom else body


def detect_format(name: str, text: str | bytes) -> Format:
    """`.json` files are JSON; anything else is YAML unless its first character opens a JSON value."""
    if name.lower().endswith(".json"):
        return "json"
    if name.lower().endswith((".yaml", ".yml")):
        return "yaml"
    if isinstance(text, bytes):
        text = text[: _LEADING.match(text).end() + 1].decode("utf-8", "replace")  # type: ignore[union-attr]
    return "json" if text.lstrip()[:1] in ("{", "[") else "yaml"


def load_document(raw: bytes, name: str, fmt: Format | None = None) -> Document:
    """Decode and parse `raw`; every malformed input raises `InputError` with file, line and column."""
    bom = raw.startswith(_BOM)
    body = raw[len(_BOM) :] if bom else raw
    newline = _newline(body)
    fmt = fmt or detect_format(name, body)
    source: Source
    if fmt == "json":
        # The JSON modules import msgspec (10 ms) at their top: YAML documents never pay for it.
        from apigw_cognito.document import json_parse, json_source  # noqa: PLC0415

        # JSON is read from the bytes: a str of them may be four times their size (one emoji does it).
        source = json_source.JsonSource(body, json_parse.parse_bytes(body, name), name, newline)
    else:
        text = decode_utf8(body, name)
        # The YAML modules import PyYAML (20 ms) at their top: JSON documents never pay for it.
        from apigw_cognito.document import yaml_source  # noqa: PLC0415

        source = yaml_source.load(text, name, newline)
    return Document(name=name, format=fmt, data=source.data, source=source, bom=bom, newline=newline)


def _newline(body: bytes) -> str:
    first = body.find(b"\n")
    return "\r\n" if first > 0 and body[first - 1] == 0x0D else "\n"
