"""YAML documents: loaded into a `YamlSource`, located and changed by splicing new text in.

`load` refuses what libyaml and YAML 1.2 readers would read differently, then parses with positions
(`yaml_parse` composes the nodes, `yaml_data` builds the data and the position tree). An alias has no node
of its own (it *is* the anchored node), so where an alias stands in the text is found from its neighbours.
`locate` gives a mapping step's key and a list step's item; through an alias or a merge key that is where
the anchored content is written.

Rendering never rewrites: a new key is inserted as new lines after the last content line of its block
mapping (or as ``, key: value`` in a flow mapping), and a changed value has exactly its own span replaced
(the text of new values comes from `yaml_values`). The new text must give exactly the intended data
(`yaml_check`). `YamlSource` holds the parsed text; `yaml_paths` resolves pointers over its position tree,
`yaml_splices` turns changes into splices with `yaml_spans` (where a node stands in the text) and
`yaml_style` (the indentation the document shows).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.basics.text import offset_location
from apigw_cognito.document.edits import Change, Edit, Pointer, plan_changes
from apigw_cognito.document.yaml_check import Splice, check
from apigw_cognito.document.yaml_data import Built, parse
from apigw_cognito.document.yaml_paths import Paths
from apigw_cognito.document.yaml_splices import Splicer

# Line breaks of YAML 1.1 that YAML 1.2 reads as text: name and double-quoted escape.
_YAML11_BREAKS = {
    "\x85": ("NEXT LINE", "\\N"),
    "\u2028": ("LINE SEPARATOR", "\\L"),
    "\u2029": ("PARAGRAPH SEPARATOR", "\\P"),
}
_YAML11_BREAK = re.compile("[\x85\u2028\u2029]")


def load(text: str, name: str, newline: str) -> YamlSource:
    """Parse `text` (without BOM) into a source; malformed or unsupported input raises `InputError`."""
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        raise InputError(
            "line breaks must be LF or CRLF: a lone carriage return was found",
            offset_location(text, _lone_cr(text), name),
        )
    if text.startswith("\ufeff"):
        # libyaml skips it without counting it, so every position it reports would be one character off.
        raise InputError(
            "the file starts with a second byte-order mark (U+FEFF)",
            Location(name, 1, 1),
            hint="save the file as UTF-8 with at most one byte-order mark",
        )
    odd = _YAML11_BREAK.search(text)
    if odd is None:
        return YamlSource(text, name, newline, parse(text, name, positions=True))
    # libyaml reads NEL, U+2028 and U+2029 as line breaks (YAML 1.1), YAML 1.2 readers as text: a plain
    # scalar holding one is cut in two, and libyaml's line numbers run ahead of the editor's. Characters
    # libyaml refuses outright are still reported first, at their place.
    try:
        parse(text, name, positions=False)
    except InputError as error:
        if "(character U+" in error.message:
            raise
    char = odd.group()
    raise InputError(
        f"the character U+{ord(char):04X} ({_YAML11_BREAKS[char][0]}) is a line break to YAML 1.1 readers"
        " such as libyaml and text to YAML 1.2 readers: they would read this file differently",
        offset_location(text, odd.start(), name),
        hint=f"write it as the escape {_YAML11_BREAKS[char][1]} inside a double-quoted string, or remove it",
    )


def _lone_cr(text: str) -> int:
    return next((m.start() for m in re.finditer("\r(?!\n)", text)), 0)


class YamlSource:
    """A parsed YAML text; `locate` and `render` use the kept position tree, never a second parse."""

    def __init__(self, text: str, name: str, newline: str, built: Built) -> None:
        assert built.tree is not None
        self.text = text
        self.name = name
        self.newline = newline
        self.data = built.data
        self.tree = built.tree
        self._shared = built.shared
        self._paths = Paths(self.tree, name)
        self._splicer = Splicer(text, name, newline, self.data, self.tree, self._shared, self._paths)

    def locate(self, pointer: Pointer) -> Location | None:
        """Where `pointer` is written: a mapping step's key, a list step's item (through aliases and merge
        keys, where the anchored content is written)."""
        return self._paths.locate(pointer)

    def render(self, edits: Sequence[Edit]) -> str:
        changes = plan_changes(self.data, edits, self.locate)
        if not changes:
            return self.text
        splices = sorted(self._splices(changes), key=lambda s: (s.start, -s.depth))
        parts: list[str] = []
        at = 0
        for splice in splices:
            if splice.start < at:
                raise AssertionError(f"{self.name}: overlapping text changes at offset {splice.start}")
            parts.append(self.text[at : splice.start])
            parts.append(splice.text)
            at = splice.end
        parts.append(self.text[at:])
        rendered = "".join(parts)
        check(self.text, rendered, splices, bool(self._shared), self.data, changes, self.name)
        return rendered

    def _splices(self, changes: list[Change]) -> Iterator[Splice]:
        """One splice per replaced value, one per mapping that gains keys."""
        return self._splicer.splices(changes)
