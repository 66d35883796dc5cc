"""The self-check of a YAML rendering: the new text must give exactly the intended data.

The reference check parses the whole new text again and compares it with the intended data. It costs as
much as reading the input (0.75 s of a 2.4 s run on GitHub's 10 MB description), so when every change is
a window of its own (new keys at the end of a block mapping, as `security` added to operations; a new value
for a key of a block mapping, as `security` replaced), `windows_hold` reads each window alone instead, and
the whole text is parsed only when any of these conditions fails:

- no container of the document is reached through an alias (a change then shows in one place only);
- each splice belongs to a key K of a block mapping, written at column k of its line after nothing but
  spaces and `- ` (new keys: the mapping's last own key; a new value: the key whose value it is), and
  starts after K; no two windows overlap;
- the window runs from K to the end of the line where the splice ends (through the new text), then over
  blank and comment lines; the next line stands left of k (new keys) or at most at k (a new value), with
  spaces only, or the text ends;
- the window, k spaces then that text, holds no line that starts with `---`, `...` or `%` (which would end
  the document the window is read as) and no anchor or alias (an anchor defined again would change what
  later aliases mean); parsed alone, it is a mapping of exactly K (with its value in the input, or its new
  value) and the new keys with their intended values.

Why that is enough: outside the windows the new text is the input's own, which gave the input's data. K is
a block-level token of the input at the start of its line, so nothing is open where the window starts, and
libyaml reads the window in place as it reads it alone: a mapping at column k (which a document may start
at), whose entries continue the mapping. Any mistake inside the window shows in its data: a splice placed
inside a scalar or a flow collection changes K's value, a new value that swallows the comment lines after
it shows them, keys at the wrong column nest or fail. The next content line stands at or left of k, so it
closes every deeper level of the window (no value there can continue onto a line at or left of its key's
column) as it closed them after K's value in the input: from there on libyaml reads what it read in the
input. `tests/properties/test_yaml_check.py` mutates renderings (text, place, key, closing column) and
finds none that this check accepts and the whole re-parse refuses.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.document.edits import Change, check_rendering, same_value
from apigw_cognito.document.yaml_data import parse
from apigw_cognito.document.yaml_parse import has_anchors

# What may stand before a window's key on its line: indentation, and `- ` of the lists it is an item of.
_PREFIX = re.compile(r"(?: |- )*")
# Lines that end or start a document, or hold a directive: a window that holds one ends the document it
# is read as, where the whole text goes on.
_MARKER = re.compile(r"^(?:---|\.\.\.|%)", re.MULTILINE)


@dataclass(frozen=True)
class Splice:
    """Text replacing `text[start:end]`; `depth` orders splices at one offset (deeper first).

    A splice that is a window of its own also carries it: `key_start`, the offset of its key K (-1 for any
    other splice, which only the whole re-parse checks), `ends_mapping` when the new keys end K's mapping
    (the next content line must then stand left of K, else at most at K's column), and `expect`: K and any
    new keys with the values they must have.
    """

    start: int
    end: int
    depth: int
    text: str
    key_start: int = -1
    ends_mapping: bool = False
    expect: tuple[tuple[str, Any], ...] = ()


def check(
    text: str,
    rendered: str,
    splices: Sequence[Splice],
    shared: bool,
    data: Any,
    changes: Sequence[Change],
    name: str,
) -> None:
    """Raise `AssertionError` unless `rendered` gives exactly the data `changes` mean."""
    if shared or not windows_hold(text, splices, name):
        whole_text_holds(rendered, data, changes, name)


def whole_text_holds(rendered: str, data: Any, changes: Sequence[Change], name: str) -> None:
    """The reference check: the whole new text parsed again and compared with the intended data."""
    enabled = gc.isenabled()
    gc.disable()  # the re-parse makes a million short-lived objects that hold no cycles
    try:
        try:
            reparsed = parse(rendered, name, positions=False).data
        except InputError as exc:  # the input was fine: the rendering is at fault
            raise AssertionError(f"{name}: the rendered text does not parse: {exc}") from None
        check_rendering(reparsed, data, changes, name)
        del reparsed
    except RecursionError:  # comparing data nested almost as deep as libyaml allows
        raise InputError("the document is nested too deeply to check the change", Location(name)) from None
    finally:
        if enabled:
            gc.enable()


def windows_hold(text: str, splices: Sequence[Splice], name: str) -> bool:
    """Whether every splice is a window that, read alone, gives exactly what it must."""
    reached = 0  # where the windows so far end: they are checked in order and may not overlap
    for splice in sorted(splices, key=lambda s: s.key_start):
        key, start, end = splice.key_start, splice.start, splice.end
        if key < reached or not key < start <= end:
            return False
        line_start = text.rfind("\n", 0, key) + 1
        if not _PREFIX.fullmatch(text, line_start, key):
            return False
        column = key - line_start
        # The window takes in the rest of the line where the splice ends, unless the new text ends it.
        whole_line = splice.text.endswith("\n") and (end == 0 or text[end - 1] == "\n")
        rest = end if whole_line else _line_end(text, end)
        after = _next_content_line(text, rest)
        limit = column - 1 if splice.ends_mapping else column
        if after < len(text) and not _indented_at_most(text, after, limit):
            return False
        window = " " * column + text[key:start] + splice.text + text[end:after]
        if _MARKER.search(window) or has_anchors(window) or not _reads_as(window, splice.expect, name):
            return False
        reached = after
    return True


def _line_end(text: str, at: int) -> int:
    found = text.find("\n", at)
    return len(text) if found < 0 else found + 1


def _next_content_line(text: str, at: int) -> int:
    """The start of the first line from `at` neither blank nor a comment; the text's length if none."""
    size = len(text)
    while at < size:
        end = text.find("\n", at)
        end = size if end < 0 else end + 1
        line = text[at:end].lstrip(" ")
        if line.strip(" \t\r\n") and not line.startswith("#"):
            return at
        at = end
    return size


def _indented_at_most(text: str, at: int, column: int) -> bool:
    """Whether the line at `at` starts with at most `column` spaces and then no tab."""
    line = text[at : at + column + 2]
    indent = len(line) - len(line.lstrip(" "))
    return indent <= column and line[indent : indent + 1] != "\t"


def _reads_as(window: str, expect: tuple[tuple[str, Any], ...], name: str) -> bool:
    try:
        got = parse(window, name, positions=False).data
        return (
            isinstance(got, dict)
            and len(got) == len(expect)
            and all(key in got and same_value(got[key], value) for key, value in expect)
        )
    except (InputError, RecursionError):  # the whole re-parse decides, and says why
        return False
