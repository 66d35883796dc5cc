"""JSON documents: positions from a walk of the levels edits touch, changes spliced into the bytes.

The data comes from one strict `json` parse of the text (see `json_parse`). Positions come from a shallow
walk over the UTF-8 bytes seen as Latin-1, where one character is one byte: every offset is then a byte
offset, the walk's string is a quarter of the size of a text holding an emoji, and JSON's structure (all
ASCII) reads the same. The walk goes by hand only into ``paths`` -> path item ->
operation and into the security scheme containers; any other value is skipped by ``raw_decode``. Deeper
positions are found on demand from the nearest walked ancestor, at a cost bounded by that subtree.

Rendering splices new text into the bytes. The self-check re-reads the new bytes with the same walk and the
same decoder, one member value at a time, so it never holds a second copy of the whole data.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.document.edits import (
    Change,
    Edit,
    Pointer,
    apply_to_data,
    plan_changes,
    same_value,
    value_at,
)
from apigw_cognito.document.json_parse import STRICT_DECODER, STRICT_ERRORS, WHITESPACE, scanstring

_ASCII_WS = " \t\n\r"
# Levels walked by hand when loading ("*": any key); other values are skipped whole.
_SPEC: dict[str, Any] = {
    "paths": {"*": {"*": {}}},
    "components": {"securitySchemes": {}},
    "securityDefinitions": {},
}
# The self-check walks deeper so that no single decoded piece is large.
_CHECK_DEPTH = 3
_SKIP = json.JSONDecoder()  # to find where a value ends; its strings are Latin-1 garbage and unused


# --- walking the bytes -------------------------------------------------------------------------------


class _Member:
    __slots__ = ("kend", "kstart", "vend", "vstart")

    def __init__(self, kstart: int, kend: int, vstart: int, vend: int) -> None:
        self.kstart = kstart
        self.kend = kend
        self.vstart = vstart
        self.vend = vend


class _Obj:
    """One object walked by hand: its span and its members' spans, in document order."""

    __slots__ = ("end", "members", "start")

    def __init__(self, start: int, end: int, members: dict[str, _Member]) -> None:
        self.start = start
        self.end = end
        self.members = members


class _Malformed(Exception):
    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset


def _ws(view: str, i: int) -> int:
    return WHITESPACE.match(view, i).end()  # type: ignore[union-attr]


def _key(view: str, body: bytes, start: int) -> tuple[str, int]:
    """A key's real text and its end; `start` is at its opening quote."""
    if view[start : start + 1] != '"':
        raise _Malformed(start, "expected a key")
    try:
        key, end = scanstring(view, start + 1)
    except json.JSONDecodeError as exc:
        raise _Malformed(exc.pos, exc.msg) from None
    if not view[start:end].isascii():
        key = scanstring(body[start:end].decode("utf-8"), 1)[0]
    return key, end


def _skip(view: str, i: int) -> int:
    """The end of the value starting at `i`."""
    try:
        return _SKIP.raw_decode(view, i)[1]
    except json.JSONDecodeError as exc:
        raise _Malformed(exc.pos, exc.msg) from None
    except RecursionError:
        raise _Malformed(i, "nested too deeply") from None


def _members(view: str, body: bytes, start: int) -> Any:
    """Yield (key, key start, key end, value start) for the object at `start`; send back the value's end."""
    i = _ws(view, start + 1)
    if view[i : i + 1] == "}":
        return i + 1
    while True:
        kstart = i
        key, kend = _key(view, body, i)
        i = _ws(view, kend)
        if view[i : i + 1] != ":":
            raise _Malformed(i, "expected ':'")
        vstart = _ws(view, i + 1)
        vend = yield key, kstart, kend, vstart
        i = _ws(view, vend)
        char = view[i : i + 1]
        if char == "}":
            return i + 1
        if char != ",":
            raise _Malformed(i, "expected ',' or '}'")
        i = _ws(view, i + 1)


def _walk(view: str, body: bytes, start: int, spec: dict[str, Any] | None, found: dict[int, _Obj]) -> _Obj:
    """Record the object at `start` in `found`; members named in `spec` that hold objects are walked too."""
    members: dict[str, _Member] = {}
    gen = _members(view, body, start)
    try:
        item = next(gen)
        while True:
            key, kstart, kend, vstart = item
            sub = None if spec is None else spec.get(key, spec.get("*"))
            if sub is not None and view[vstart : vstart + 1] == "{":
                vend = _walk(view, body, vstart, sub, found).end
            else:
                vend = _skip(view, vstart)
            members[key] = _Member(kstart, kend, vstart, vend)
            item = gen.send(vend)
    except StopIteration as stop:
        obj = _Obj(start, stop.value, members)
        found[start] = obj
        return obj


def _items(view: str, start: int) -> list[int]:
    """The start offsets of the items of the array at `start`."""
    starts: list[int] = []
    i = _ws(view, start + 1)
    if view[i : i + 1] == "]":
        return starts
    while True:
        starts.append(i)
        i = _ws(view, _skip(view, i))
        if view[i : i + 1] == "]":
            return starts
        i = _ws(view, i + 1)


class JsonSource:
    """A parsed JSON text: `data`, the UTF-8 `body` it came from, and the positions of walked objects."""

    def __init__(self, body: bytes, data: Any, name: str, newline: str) -> None:
        self.body = body
        self.data = data
        self.name = name
        self.newline = newline
        self._view: str | None = None
        # Offsets whose line number is known, and those line numbers (both ascending).
        self._marks: list[int] = [0]
        self._mark_lines: list[int] = [0]
        self._objs: dict[int, _Obj] = {}  # walked objects by the offset of their "{"
        self._root = _ws(self.view, 0)
        if isinstance(data, dict):
            _walk(self.view, body, self._root, _SPEC, self._objs)

    @property
    def view(self) -> str:
        """The bytes as Latin-1 text: one character per byte, so string offsets are byte offsets."""
        if self._view is None:
            self._view = self.body.decode("latin-1")
        return self._view

    def _object_at(self, start: int) -> _Obj:
        obj = self._objs.get(start)
        if obj is None:
            obj = _walk(self.view, self.body, start, None, self._objs)
        return obj

    # Locating. For a mapping step the location is the key's; for a list step, the item's.

    def locate(self, pointer: Pointer) -> Location | None:
        found = self._find(pointer)
        return None if found is None else self._location(found[0])

    def _find(self, pointer: Pointer) -> tuple[int, int] | None:
        """(where the last step is written, where its value starts) for `pointer`."""
        at = value = self._root
        for step in pointer:
            char = self.view[value : value + 1]
            if isinstance(step, str) and char == "{":
                member = self._object_at(value).members.get(step)
                if member is None:
                    return None
                at, value = member.kstart, member.vstart
            elif isinstance(step, int) and char == "[":
                starts = _items(self.view, value)
                if not 0 <= step < len(starts):
                    return None
                at = value = starts[step]
            else:
                return None
        return at, value

    def _location(self, offset: int) -> Location:
        # Count from the nearest offset already counted: locations come in about document order, so the
        # file is counted about once instead of indexing every line up front.
        i = bisect_right(self._marks, offset) - 1
        line = self._mark_lines[i] + self.body.count(b"\n", self._marks[i], offset)
        self._marks.insert(i + 1, offset)
        self._mark_lines.insert(i + 1, line)
        line_start = self.body.rfind(b"\n", 0, offset) + 1
        column = len(self.body[line_start:offset].decode("utf-8", "replace")) + 1
        return Location(self.name, line + 1, column)

    def _obj(self, pointer: tuple[str, ...]) -> _Obj:
        found = self._find(pointer)
        if found is None or self.view[found[1] : found[1] + 1] != "{":
            raise AssertionError(f"{self.name}: no object at {pointer!r}")
        return self._object_at(found[1])

    # Rendering.

    def render(self, edits: Sequence[Edit]) -> str:
        return self.render_bytes(edits).decode("utf-8")

    def render_bytes(self, edits: Sequence[Edit]) -> bytes:
        changes = plan_changes(self.data, edits, self.locate)
        if not changes:
            return bytes(self.body)
        splices = self._splices(changes)
        parts: list[bytes | memoryview] = []
        body = memoryview(self.body)
        at = 0
        for start, end, text in sorted(splices, key=lambda s: s[0]):
            if start < at:
                raise AssertionError(f"{self.name}: overlapping text changes at byte {start}")
            parts.append(body[at:start])
            parts.append(text.encode("utf-8"))
            at = end
        parts.append(body[at:])
        rendered = b"".join(parts)
        del parts, body
        self._view = None  # rebuilt when needed again: the check holds a view of the new bytes meanwhile
        self._check(rendered, changes)
        return rendered

    def _splices(self, changes: list[Change]) -> list[tuple[int, int, str]]:
        splices: list[tuple[int, int, str]] = []
        inserts: dict[int, tuple[_Obj, list[Change]]] = {}
        for change in changes:
            obj = self._obj(change.parent)
            if change.replaces:
                member = obj.members[change.key]
                layout = self._layout(obj)
                text = layout.dumps(change.value, self._indent_at(member.kstart))
                splices.append((member.vstart, member.vend, text))
            else:
                inserts.setdefault(id(obj), (obj, []))[1].append(change)
        for obj, group in inserts.values():
            layout = self._layout(obj)
            if not obj.members:
                value = {c.key: c.value for c in group}
                splices.append((obj.start, obj.end, layout.dumps(value, self._indent_at(obj.start))))
                continue
            # New members go first: after the last one, its line would need a comma and so change.
            first = min(obj.members.values(), key=lambda m: m.kstart)
            text = "".join(
                layout.key(c.key) + layout.colon + layout.dumps(c.value, layout.indent) + layout.member_sep
                for c in group
            )
            splices.append((first.kstart, first.kstart, text))
        return splices

    def _indent_at(self, offset: int) -> str:
        """The whitespace that starts the line holding `offset` (its indentation)."""
        line_start = self.view.rfind("\n", 0, offset) + 1
        indent = WHITESPACE.match(self.view, line_start, offset).group()  # type: ignore[union-attr]
        return indent.replace("\n", "").replace("\r", "")

    def _layout(self, obj: _Obj) -> _Layout:
        """How `obj` lays out its members; an empty object follows the top-level object."""
        view = self.view
        members = list(obj.members.values())
        if not members:
            root = self._objs.get(self._root)
            if root is not None and root is not obj and root.members:
                return self._layout(root)
            return _Layout(True, "", "  ", "," + self.newline, ": ", self.newline)
        first, last = members[0], members[-1]
        colon = view[last.kend : last.vstart]
        if "\n" not in view[obj.start : first.kstart]:
            between = view[members[-2].vend : last.kstart] if len(members) > 1 else ""
            if between.strip(_ASCII_WS) != "," or "\n" in between:
                between = "," if colon == ":" else ", "
            return _Layout(False, "", "", between, colon, self.newline)
        indent = self._indent_at(last.kstart)
        # The parent's indentation: that of the closing brace's line, when the brace starts it.
        close_line = view.rfind("\n", 0, obj.end - 1) + 1
        outer = view[close_line : obj.end - 1]
        if outer.strip(_ASCII_WS):
            outer = self._indent_at(obj.start)
        outer = outer.replace("\r", "")
        unit = indent[len(outer) :] if indent.startswith(outer) and len(indent) > len(outer) else "  "
        return _Layout(True, indent, unit, "," + self.newline + indent, colon, self.newline)

    # The self-check: the new bytes, walked and decoded piece by piece, must hold the intended data.

    def _check(self, rendered: bytes, changes: list[Change]) -> None:
        expected = apply_to_data(self.data, [Edit(c.pointer, c.value) for c in changes])
        check = _Check(rendered, changes)
        view = check.view
        try:
            start = _ws(view, 0)
            if isinstance(expected, dict):
                end = check.value(start, expected, _CHECK_DEPTH, ())
            else:
                end = _skip(view, start)
            if _ws(view, end) != len(view):
                raise _Malformed(end, "extra data after the document")
        except _Malformed as exc:
            raise AssertionError(
                f"{self.name}: the rendered JSON is malformed at byte {exc.offset}: {exc}"
            ) from None
        except RecursionError:
            raise InputError(
                "the document is nested too deeply to check the change", Location(self.name)
            ) from None
        except AssertionError as exc:
            raise AssertionError(f"{self.name}: {exc}") from None


class _Check:
    """The rendered bytes against the intended data: objects walked a few levels down, then decoded."""

    def __init__(self, rendered: bytes, changes: list[Change]) -> None:
        self.body = rendered
        self.view = rendered.decode("latin-1")
        self.changed = {c.pointer for c in changes}
        self.strict: dict[
            tuple[str, ...], list[tuple[str, ...]]
        ] = {}  # prefix -> the changed pointers under it
        for c in changes:
            for k in range(len(c.pointer) + 1):
                self.strict.setdefault(c.pointer[:k], []).append(c.pointer)

    def value(self, start: int, expected: Any, depth: int, where: tuple[str, ...]) -> int:
        """Compare the value at `start` with `expected`, walking objects `depth` levels down; its end."""
        if self.view[start : start + 1] != "{" or not isinstance(expected, dict) or depth == 0:
            return self._decoded(start, expected, where)
        seen: set[str] = set()
        gen = _members(self.view, self.body, start)
        try:
            item = next(gen)
            while True:
                key, _, _, vstart = item
                if key in seen or key not in expected:
                    raise AssertionError(
                        f"unexpected or duplicate key {key!r} in the rendered JSON at {where}"
                    )
                seen.add(key)
                item = gen.send(self.value(vstart, expected[key], depth - 1, (*where, key)))
        except StopIteration as stop:
            end = stop.value
        if len(seen) != len(expected):
            raise AssertionError(f"keys missing in the rendered JSON at {where}")
        return int(end)

    def _decoded(self, start: int, expected: Any, where: tuple[str, ...]) -> int:
        """Decode the value at `start` whole and compare it with `expected`; its end."""
        end = _skip(self.view, start)
        try:
            value = STRICT_DECODER.decode(self.body[start:end].decode("utf-8"))
        except STRICT_ERRORS as exc:
            raise AssertionError(f"the rendered JSON does not parse at {where}: {exc!r}") from None
        if value != expected:
            raise AssertionError(f"the rendered JSON differs from the intended data at {where}")
        # Changed values are also compared strictly: `==` takes 1 for true or 1.0.
        if any(where[:k] in self.changed for k in range(len(where))):
            pairs = [(value, expected)]
        else:
            pairs = [
                (value_at(value, p[len(where) :]), value_at(expected, p[len(where) :]))
                for p in self.strict.get(where, ())
            ]
        if not all(same_value(got, want) for got, want in pairs):
            raise AssertionError(f"the rendered JSON does not hold the intended value under {where}")
        return end


@dataclass(frozen=True)
class _Layout:
    """How one object writes its members: pretty (indent and unit) or on one line, and its separators."""

    multiline: bool
    indent: str  # of the members' lines
    unit: str  # one level of indentation
    member_sep: str  # from the end of one member to the start of the next
    colon: str
    newline: str

    def key(self, key: str) -> str:
        return _dumps(key)

    def dumps(self, value: Any, indent: str) -> str:
        """`value` as JSON, starting where a member value starts on a line indented by `indent`."""
        if not self.multiline:
            return _dumps(value, separators=(self.member_sep, self.colon))
        text = _dumps(value, indent=self.unit, separators=(",", self.colon))
        return text.replace("\n", self.newline + indent)


def _dumps(value: Any, **options: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, **options)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: only an escape can write it
        text = json.dumps(value, ensure_ascii=True, allow_nan=False, **options)
    return text
