"""The self-check of a YAML rendering: the new text must give exactly the intended data.

The reference check parses the whole new text again and compares it with the intended data. It costs as
much as reading the input (0.75 s of a 2.4 s run on GitHub's 10 MB description), so when every change is
new lines at the end of a block mapping (as `security` added to operations is), `new_lines_hold` reads a
small window around each run of new lines instead, and the whole text is parsed only when any of these
conditions fails:

- no container of the document is reached through an alias (a change then shows in one place only);
- each run is text that ends with a line break, inserted at a line start at or after the start of its
  mapping's last own key K (a key of the input, at column k); no two runs start at the same offset;
- after the run come only blank or comment lines, then a line indented less than k (spaces only) or the
  end of the text;
- the window, k spaces and the text from K to the end of those blank or comment lines (the run included),
  parsed alone, is a mapping of exactly K with its value in the input and the new keys with their
  intended values.

Why that is enough: outside the windows the new text is the input's own, which gave the input's data. K is
a block-level token of the input, so nothing is open where the window starts, and libyaml reads the window
in place as it reads it alone: a mapping at column k (which a document may start at), whose entries
continue the mapping. Any mistake inside the window shows in its data: a run placed inside a scalar or a
flow collection changes K's value, a new value that swallows the comment lines after it shows them, keys
at the wrong column nest or fail. The next content line stands left of k, so it closes every level of the
window and the mapping, as it closed the mapping after K's value in the input: from there on libyaml reads
what it read in the input. `tests/properties/test_yaml_check.py` mutates renderings (text, place, column)
and finds none that this check accepts and the whole re-parse refuses.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.document.edits import Change, check_rendering, same_value
from apigw_cognito.document.yaml_data import parse


@dataclass(frozen=True)
class Splice:
    """Text replacing `text[start:end]`; `depth` orders splices at one offset (deeper first).

    New lines at the end of a block mapping also carry their window: `key_start`, the offset of the
    mapping's last own key (-1 for any other splice, which only the whole re-parse checks), its `column`,
    and `expect`, that key and the new keys with the values they must have.
    """

    start: int
    end: int
    depth: int
    text: str
    key_start: int = -1
    column: int = 0
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
    if shared or not new_lines_hold(text, splices, name):
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


def new_lines_hold(text: str, splices: Sequence[Splice], name: str) -> bool:
    """Whether every splice is a run of new lines whose window, read alone, gives exactly what it must."""
    starts: set[int] = set()
    for splice in splices:
        at = splice.start
        if splice.key_start < 0 or splice.end != at or at in starts or not splice.text.endswith("\n"):
            return False
        starts.add(at)
        if not 0 <= splice.key_start < at or text[at - 1] != "\n":
            return False
        after = _next_content_line(text, at)
        if after < len(text) and not _indented_less(text, after, splice.column):
            return False
        window = " " * splice.column + text[splice.key_start : at] + splice.text + text[at:after]
        if not _reads_as(window, splice.expect, name):
            return False
    return True


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


def _indented_less(text: str, at: int, column: int) -> bool:
    """Whether the line at `at` starts with fewer than `column` spaces and then no tab."""
    line = text[at : at + column + 1]
    indent = len(line) - len(line.lstrip(" "))
    return indent < column and line[indent : indent + 1] != "\t"


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
