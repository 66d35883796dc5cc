"""JSON documents: positions from a walk of the levels edits touch, changes spliced into the bytes.

The data comes from one strict parse of the bytes (see `json_parse`). Positions come from a shallow walk
over the UTF-8 bytes themselves, so every offset is a byte offset and no text copy is made. The walk goes
only into ``paths`` -> path item -> operation and into the security scheme containers. Each object it
walks is read by msgspec as a mapping of raw values: views of the bytes whose length says where each value
ends, without building it. The walk then steps from member to member with two C-speed regex matches.
Deeper positions are found on demand from the nearest walked ancestor, at a cost bounded by that subtree.
A text msgspec cannot read (a lone surrogate escape, which only the stdlib accepts) is walked with the
stdlib's decoder instead.

Rendering splices new text into the bytes. The self-check reads the new bytes back (see `_Check`): objects
on the way to every change are walked the same way, changed values are decoded by the strict decoder and
compared with the intended data, and every other value must be the input's own bytes for it; it never
holds a second copy of the whole data.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec

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
from apigw_cognito.document.json_parse import (
    STRICT_DECODER,
    STRICT_ERRORS,
    scanstring,
)

_ASCII_WS = " \t\n\r"
# Levels walked by hand when loading ("*": any key); other values are skipped whole.
_SPEC: dict[str, Any] = {
    "paths": {"*": {"*": {}}},
    "components": {"securitySchemes": {}},
    "securityDefinitions": {},
}
_RAW_MEMBERS = msgspec.json.Decoder(dict[str, msgspec.Raw])
_RAW_ITEMS = msgspec.json.Decoder(list[msgspec.Raw])
_SKIP = json.JSONDecoder()  # the stdlib's way to find where a value ends, for what msgspec cannot read
_WS = re.compile(rb"[ \t\n\r]*")
# A member's key (group 1; the string pattern is unrolled, so no input makes it backtrack) and its colon.
_KEY = re.compile(rb'("[^"\\]*(?:\\.[^"\\]*)*")[ \t\n\r]*:[ \t\n\r]*', re.DOTALL)
# From the end of a member or an item to the start of the next one (group 1: the separator).
_AFTER = re.compile(rb"[ \t\n\r]*([,}\]])[ \t\n\r]*")
_OPEN_OBJECT = 0x7B  # "{"


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


def _ws(body: bytes, i: int) -> int:
    return _WS.match(body, i).end()  # type: ignore[union-attr]


def _value_end(body: bytes, start: int) -> int:
    """The end of the last value of `body`, which starts at `start`: trailing whitespace left out."""
    end = len(body)
    while end > start and body[end - 1] in b" \t\n\r":
        end -= 1
    return end


def _raw_members(body: bytes, start: int, end: int) -> Mapping[str, Any]:
    """The object at body[start:end] as key -> its value's text (anything with a length), in order."""
    piece = memoryview(body)[start:end]
    try:
        return _RAW_MEMBERS.decode(piece)
    except msgspec.DecodeError:
        pass
    # What msgspec refuses: the stdlib's reading, over the bytes seen as Latin-1 (one character a byte).
    view = bytes(piece).decode("latin-1")
    found: dict[str, Any] = {}
    i = _ws_str(view, 1)
    if view[i : i + 1] == "}" and i + 1 == len(view):
        return found
    while i < len(view):
        kstart = i
        if view[kstart] != '"':
            raise _Malformed(start + kstart, "expected a key")
        _, kend = _scan_str(view, kstart + 1, start)
        key = _key_text(body, start + kstart, start + kend)
        i = _ws_str(view, kend)
        if view[i : i + 1] != ":":
            raise _Malformed(start + i, "expected ':'")
        vstart = _ws_str(view, i + 1)
        vend = _skip_str(view, vstart, start)
        found[key] = piece[vstart:vend]
        i = _ws_str(view, vend)
        if view[i : i + 1] not in (",", "}"):
            raise _Malformed(start + i, "expected ',' or '}'")
        i = _ws_str(view, i + 1)
    return found


def _raw_items(body: bytes, start: int, end: int) -> list[Any]:
    """The array at body[start:end] as its items' texts (anything with a length), in order."""
    piece = memoryview(body)[start:end]
    try:
        return _RAW_ITEMS.decode(piece)
    except msgspec.DecodeError:
        pass
    view = bytes(piece).decode("latin-1")
    found: list[Any] = []
    i = _ws_str(view, 1)
    if view[i : i + 1] == "]":
        return found
    while i < len(view):
        vend = _skip_str(view, i, start)
        found.append(piece[i:vend])
        i = _ws_str(view, vend)
        if view[i : i + 1] not in (",", "]"):
            raise _Malformed(start + i, "expected ',' or ']'")
        i = _ws_str(view, i + 1)
    return found


def _ws_str(view: str, i: int) -> int:
    while view[i : i + 1] in (" ", "\t", "\n", "\r") and i < len(view):
        i += 1
    return i


def _scan_str(view: str, i: int, base: int) -> tuple[str, int]:
    try:
        return scanstring(view, i)
    except json.JSONDecodeError as exc:
        raise _Malformed(base + exc.pos, exc.msg) from None


def _skip_str(view: str, i: int, base: int) -> int:
    try:
        return int(_SKIP.raw_decode(view, i)[1])
    except json.JSONDecodeError as exc:
        raise _Malformed(base + exc.pos, exc.msg) from None
    except RecursionError:
        raise _Malformed(base + i, "nested too deeply") from None


def _key_text(body: bytes, kstart: int, kend: int) -> str:
    """The key written at body[kstart:kend] (quotes included), escapes read."""
    try:
        return scanstring(body[kstart:kend].decode("utf-8", "surrogatepass"), 1)[0]
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise _Malformed(kstart, f"unreadable key: {exc}") from None


def _members(body: bytes, start: int, end: int) -> dict[str, _Member]:
    """The members of the object at body[start:end], in document order, each with its spans."""
    raws = _raw_members(body, start, end)
    members: dict[str, _Member] = {}
    i = _ws(body, start + 1)
    close = start  # where the last separator seen is; a "}" there must end the object
    for key, raw in raws.items():
        match = _KEY.match(body, i)
        if match is None:
            raise _Malformed(i, "expected a key")
        kend = match.end(1)
        if body[i + 1 : kend - 1] != key.encode("utf-8", "surrogatepass") and _key_text(body, i, kend) != key:
            # Only a key written twice makes the keys in order differ from the mapping's.
            raise _Malformed(i, f"expected the key {key!r} here (a key written twice?)")
        vstart = match.end()
        vend = vstart + len(raw)
        members[key] = _Member(i, kend, vstart, vend)
        after = _AFTER.match(body, vend)
        if after is None:
            raise _Malformed(vend, "expected ',' or '}'")
        close = after.start(1)
        i = after.end()
    if not raws:
        close = _ws(body, start + 1)
    if close != end - 1 or body[close] != ord("}"):
        raise _Malformed(close, "expected '}' (a key written twice?)")
    return members


def _walk(body: bytes, start: int, end: int, spec: dict[str, Any] | None, found: dict[int, _Obj]) -> _Obj:
    """Record the object at body[start:end] in `found`; members named in `spec` holding objects too."""
    obj = _Obj(start, end, _members(body, start, end))
    found[start] = obj
    if spec is not None:
        wildcard = spec.get("*")
        for key, member in obj.members.items():
            sub = spec.get(key, wildcard)
            if sub is not None and body[member.vstart] == _OPEN_OBJECT:
                _walk(body, member.vstart, member.vend, sub, found)
    return obj


def _items(body: bytes, start: int, end: int) -> list[tuple[int, int]]:
    """The (start, end) offsets of the items of the array at body[start:end]."""
    spans: list[tuple[int, int]] = []
    i = _ws(body, start + 1)
    for raw in _raw_items(body, start, end):
        spans.append((i, i + len(raw)))
        after = _AFTER.match(body, i + len(raw))
        if after is None:
            raise _Malformed(i + len(raw), "expected ',' or ']'")
        i = after.end()
    return spans


class JsonSource:
    """A parsed JSON text: `data`, the UTF-8 `body` it came from, and the positions of walked objects."""

    def __init__(self, body: bytes, data: Any, name: str, newline: str) -> None:
        self.body = body
        self.data = data
        self.name = name
        self.newline = newline
        # Offsets whose line number is known, and those line numbers (both ascending).
        self._marks: list[int] = [0]
        self._mark_lines: list[int] = [0]
        self._objs: dict[int, _Obj] = {}  # walked objects by the offset of their "{"
        self._root = _ws(body, 0)
        self._end = _value_end(body, self._root)
        if isinstance(data, dict):
            _walk(body, self._root, self._end, _SPEC, self._objs)

    def _object_at(self, start: int, end: int) -> _Obj:
        obj = self._objs.get(start)
        if obj is None:
            obj = _walk(self.body, start, end, None, self._objs)
        return obj

    # Locating. For a mapping step the location is the key's; for a list step, the item's.

    def locate(self, pointer: Pointer) -> Location | None:
        found = self._find(pointer)
        return None if found is None else self._location(found[0])

    def _find(self, pointer: Pointer) -> tuple[int, int, int] | None:
        """(where the last step is written, where its value starts, where it ends) for `pointer`."""
        at = value = self._root
        end = self._end
        body = self.body
        for step in pointer:
            char = body[value : value + 1]
            if isinstance(step, str) and char == b"{":
                member = self._object_at(value, end).members.get(step)
                if member is None:
                    return None
                at, value, end = member.kstart, member.vstart, member.vend
            elif isinstance(step, int) and char == b"[":
                spans = _items(body, value, end)
                if not 0 <= step < len(spans):
                    return None
                at = value = spans[step][0]
                end = spans[step][1]
            else:
                return None
        return at, value, end

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
        if found is None or self.body[found[1] : found[1] + 1] != b"{":
            raise AssertionError(f"{self.name}: no object at {pointer!r}")
        return self._object_at(found[1], found[2])

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
        line_start = self.body.rfind(b"\n", 0, offset) + 1
        indent = _WS.match(self.body, line_start, offset).group()  # type: ignore[union-attr]
        return indent.replace(b"\n", b"").replace(b"\r", b"").decode("ascii")

    def _text(self, start: int, end: int) -> str:
        """Bytes between members (whitespace and punctuation) as text, one character a byte."""
        return self.body[start:end].decode("latin-1")

    def _layout(self, obj: _Obj) -> _Layout:
        """How `obj` lays out its members; an empty object follows the top-level object."""
        members = list(obj.members.values())
        if not members:
            root = self._objs.get(self._root)
            if root is not None and root is not obj and root.members:
                return self._layout(root)
            return _Layout(True, "", "  ", "," + self.newline, ": ", self.newline)
        first, last = members[0], members[-1]
        colon = self._text(last.kend, last.vstart)
        if b"\n" not in self.body[obj.start : first.kstart]:
            between = self._text(members[-2].vend, last.kstart) if len(members) > 1 else ""
            if between.strip(_ASCII_WS) != "," or "\n" in between:
                between = "," if colon == ":" else ", "
            return _Layout(False, "", "", between, colon, self.newline)
        indent = self._indent_at(last.kstart)
        # The parent's indentation: that of the closing brace's line, when the brace starts it.
        close_line = self.body.rfind(b"\n", 0, obj.end - 1) + 1
        outer = self._text(close_line, obj.end - 1)
        if outer.strip(_ASCII_WS):
            outer = self._indent_at(obj.start)
        outer = outer.replace("\r", "")
        unit = indent[len(outer) :] if indent.startswith(outer) and len(indent) > len(outer) else "  "
        return _Layout(True, indent, unit, "," + self.newline + indent, colon, self.newline)

    # The self-check: the new bytes, walked and decoded piece by piece, must hold the intended data.

    def _check(self, rendered: bytes, changes: list[Change]) -> None:
        expected = apply_to_data(self.data, [Edit(c.pointer, c.value) for c in changes])
        check = _Check(self, rendered, changes)
        try:
            start = _ws(rendered, 0)
            end = _value_end(rendered, start)
            if not rendered[start:end]:
                raise _Malformed(start, "no value")
            check.value(start, end, expected, (), (self._root, self._end))
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
    """The rendered bytes against the intended data.

    Objects on the way to a changed key are walked member by member (a key written twice shows there) and
    matched with the same objects of the input. A value that no change touches must be the input's own
    bytes for it, which the strict parse of the input read as that value; any other value (a changed one,
    or one whose bytes moved) is decoded whole by the strict decoder and compared with the intended data.
    """

    def __init__(self, source: JsonSource, rendered: bytes, changes: list[Change]) -> None:
        self.source = source
        self.body = rendered
        self.changed = {c.pointer for c in changes}
        self.strict: dict[tuple[str, ...], list[tuple[str, ...]]] = {}  # prefix -> changed pointers under it
        for c in changes:
            for k in range(len(c.pointer) + 1):
                self.strict.setdefault(c.pointer[:k], []).append(c.pointer)

    def value(
        self, start: int, end: int, expected: Any, where: tuple[str, ...], original: tuple[int, int] | None
    ) -> None:
        """Compare the value at body[start:end] with `expected`; `original`: its span in the input."""
        if where not in self.strict:
            if original is not None and _same_bytes(self.body, start, end, self.source.body, *original):
                return
            self._decoded(start, end, expected, where)
            return
        if where in self.changed or not isinstance(expected, dict) or self.body[start] != _OPEN_OBJECT:
            self._decoded(start, end, expected, where)
            return
        members = _members(self.body, start, end)
        if members.keys() != expected.keys():
            raise AssertionError(f"the rendered JSON has other keys than intended at {where}")
        before: dict[str, _Member] = {}
        if original is not None and self.source.body[original[0]] == _OPEN_OBJECT:
            before = self.source._object_at(*original).members
        for key, member in members.items():
            old = before.get(key)
            span = None if old is None else (old.vstart, old.vend)
            self.value(member.vstart, member.vend, expected[key], (*where, key), span)

    def _decoded(self, start: int, end: int, expected: Any, where: tuple[str, ...]) -> None:
        """Decode the value at body[start:end] whole and compare it with `expected`."""
        try:
            value = STRICT_DECODER.decode(self.body[start:end].decode("utf-8"))
        except STRICT_ERRORS as exc:
            raise AssertionError(f"the rendered JSON does not parse at {where}: {exc!r}") from None
        if value != expected:
            raise AssertionError(f"the rendered JSON differs from the intended data at {where}")
        # Changed values are also compared strictly: `==` takes 1 for true or 1.0.
        if any(where[:k] in self.changed for k in range(len(where) + 1)):
            pairs = [(value, expected)]
        else:
            pairs = [
                (value_at(value, p[len(where) :]), value_at(expected, p[len(where) :]))
                for p in self.strict.get(where, ())
            ]
        if not all(same_value(got, want) for got, want in pairs):
            raise AssertionError(f"the rendered JSON does not hold the intended value under {where}")


def _same_bytes(a: bytes, a_start: int, a_end: int, b: bytes, b_start: int, b_end: int) -> bool:
    # startswith compares a view at C speed without copying either side.
    return a_end - a_start == b_end - b_start and a.startswith(memoryview(b)[b_start:b_end], a_start)


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
