"""The document layer: a parsed OpenAPI file that can be changed by inserting text.

Loading gives plain JSON-compatible data (dicts, lists, str, int, float, bool, None) plus a way to find
where any node stands in the file. Changing it never rewrites the file: each `Edit` becomes an insertion
(or the replacement of one key's value) at a position found by the parser, so every byte that the change
does not touch stays as it was (comments, quoting, key order, indentation, line endings, BOM).

Formats live in `json_text` and `yaml_text`; nothing else in the package knows how either is parsed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from .errors import Location

Format = Literal["json", "yaml"]
Pointer = tuple[str | int, ...]


@dataclass(frozen=True)
class Edit:
    """Set mapping key ``pointer[-1]`` of the mapping at ``pointer[:-1]`` to ``value``.

    Missing mappings on the way are created (``components`` and ``securitySchemes`` for instance). When the
    key exists with an equal value the edit changes nothing, which is what makes a second run byte-identical.
    """

    pointer: tuple[str, ...]
    value: Any


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
        return self.source.locate(pointer)

    def render(self, edits: Sequence[Edit]) -> bytes:
        """The whole new file with `edits` applied; the original bytes when `edits` changes nothing."""
        text = self.source.render(edits)
        return (("\ufeff" if self.bom else "") + text).encode("utf-8")


def detect_format(name: str, text: str) -> Format:
    """`.json` files are JSON; anything else is YAML unless its first character opens a JSON value."""
    if name.lower().endswith(".json"):
        return "json"
    if name.lower().endswith((".yaml", ".yml")):
        return "yaml"
    return "json" if text.lstrip()[:1] in ("{", "[") else "yaml"


def load_document(raw: bytes, name: str, fmt: Format | None = None) -> Document:
    """Decode and parse `raw`; every malformed input raises `InputError` with file, line and column."""
    raise NotImplementedError


def apply_to_data(data: Any, edits: Sequence[Edit]) -> Any:
    """The data `edits` would give, built by copying only the mappings on each edit's path."""
    raise NotImplementedError
