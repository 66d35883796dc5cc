"""JSON documents: positions from a walk of the levels edits touch, changes spliced into the bytes.

The data comes from one strict parse of the bytes (see `json_parse`). Positions come from a shallow walk
over the UTF-8 bytes themselves (`json_walk`), so every offset is a byte offset and no text copy is made.
The walk goes only into ``paths`` -> path item -> operation and into the security scheme containers.
Deeper positions are found on demand from the nearest walked ancestor, at a cost bounded by that subtree.

Rendering splices new text into the bytes, and the self-check makes sure they mean the intended data. JSON
needs no context to read a piece in place: a value stands where the input has a value (after a member's
colon), members stand where the input expects a key (right after an object's `{`). So each splice is
checked alone (`_splices_hold`): it stands exactly where the walked positions put that value or that
object's first member, a new value's text is one JSON value that the strict decoder reads as the intended
one, new members' text is members each followed by a comma that the strict decoder reads, inside braces,
as exactly the intended keys and values, none of them already a key of that object. Everything else is the
input's own bytes. When any splice fails that, the whole new body is read back (see `_Check`): objects on
the way to every change are walked the same way, changed values are decoded by the strict decoder and
compared with the intended data, and every other value must be the input's own bytes for it; it never
holds a second copy of the whole data. `tests/properties/test_json_check.py` mutates renderings and finds
none that the splices' check accepts and the whole one refuses.
"""

from __future__ import annotations

import json
import re
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
from apigw_cognito.document.json_parse import STRICT_DECODER, STRICT_ERRORS
from apigw_cognito.document.json_walk import (
    OPEN_OBJECT,
    WS,
    Malformed,
    Member,
    Obj,
    item_spans,
    member_spans,
    value_end,
    walk,
    ws,
)

_ASCII_WS = " \t\n\r"
# Levels walked by hand when loading ("*": any key); other values are skipped whole.
_SPEC: dict[str, Any] = {
    "paths": {"*": {"*": {}}},
    "components": {"securitySchemes": {}},
    "securityDefinitions": {},
}


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
        self._objs: dict[int, Obj] = {}  # walked objects by the offset of their "{"
        self._root = ws(body, 0)
        self._end = value_end(body, self._root)
        if isinstance(data, dict):
            walk(body, self._root, self._end, _SPEC, self._objs)

    def _object_at(self, start: int, end: int) -> Obj:
        obj = self._objs.get(start)
        if obj is None:
            obj = walk(self.body, start, end, None, self._objs)
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
                spans = item_spans(body, value, end)
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

    def _obj(self, pointer: tuple[str, ...]) -> Obj:
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
        splices = sorted(self._splices(changes), key=lambda s: s.start)
        parts: list[bytes | memoryview] = []
        body = memoryview(self.body)
        at = 0
        for splice in splices:
            if splice.start < at:
                raise AssertionError(f"{self.name}: overlapping text changes at byte {splice.start}")
            parts.append(body[at : splice.start])
            parts.append(splice.text.encode("utf-8"))
            at = splice.end
        parts.append(body[at:])
        rendered = b"".join(parts)
        del parts, body
        if not self._splices_hold(splices):
            self._check(rendered, changes)
        return rendered

    def _splices(self, changes: list[Change]) -> list[_Splice]:
        splices: list[_Splice] = []
        inserts: dict[int, tuple[Obj, list[Change]]] = {}
        # Operations one rule decides get equal values: each is written once (`repr` tells equal values of
        # these types apart, unlike `==`, for which 1 and True are the same).
        texts: dict[tuple[str, _Layout, str], str] = {}

        def dumps(value: Any, layout: _Layout, indent: str) -> str:
            key = (repr(value), layout, indent)
            text = texts.get(key)
            if text is None:
                text = texts[key] = layout.dumps(value, indent)
            return text

        for change in changes:
            obj = self._obj(change.parent)
            if change.replaces:
                member = obj.members[change.key]
                text = dumps(change.value, self._layout(obj), self._indent_at(member.kstart))
                splices.append(_Splice(member.vstart, member.vend, text, obj, change.value, change.key))
            else:
                inserts.setdefault(id(obj), (obj, []))[1].append(change)
        for obj, group in inserts.values():
            layout = self._layout(obj)
            new = {c.key: c.value for c in group}
            if not obj.members:
                text = layout.dumps(new, self._indent_at(obj.start))
                splices.append(_Splice(obj.start, obj.end, text, obj, new))
                continue
            # New members go first: after the last one, its line would need a comma and so change.
            first = min(obj.members.values(), key=lambda m: m.kstart)
            text = "".join(
                layout.key(c.key) + layout.colon + dumps(c.value, layout, layout.indent) + layout.member_sep
                for c in group
            )
            splices.append(_Splice(first.kstart, first.kstart, text, obj, new))
        return splices

    def _splices_hold(self, splices: list[_Splice]) -> bool:
        """Whether each splice, read alone in its place, is known to be exactly the intended JSON."""
        for splice in splices:
            text = self._text_alone(splice)
            if text is None:
                return False
            try:
                got = STRICT_DECODER.decode(text)
            except (*STRICT_ERRORS, RecursionError):
                return False
            if not same_value(got, splice.value):
                return False
        return True

    def _text_alone(self, splice: _Splice) -> str | None:
        """The splice as a JSON text of its own; None unless it stands where the walked positions say."""
        obj, body = splice.obj, self.body
        if splice.key is not None:  # a member's new value, in place of its old one
            member = obj.members.get(splice.key)
            placed = (
                member is not None
                and (splice.start, splice.end) == (member.vstart, member.vend)
                and _COLON.fullmatch(body, member.kend, member.vstart) is not None
            )
            return splice.text if placed else None
        if not obj.members:  # an empty object written anew
            return splice.text if (splice.start, splice.end) == (obj.start, obj.end) else None
        # New members, right before the first one: each followed by a comma, none a key the object has.
        first = min(obj.members.values(), key=lambda m: m.kstart)
        members = splice.text.rstrip(_ASCII_WS)
        placed = (
            splice.start == splice.end == first.kstart
            and _OPENING.fullmatch(body, obj.start, splice.start) is not None
            and members.endswith(",")
            and not any(key in obj.members for key in splice.value)
        )
        return "{" + members[:-1] + "}" if placed else None

    def _indent_at(self, offset: int) -> str:
        """The whitespace that starts the line holding `offset` (its indentation)."""
        line_start = self.body.rfind(b"\n", 0, offset) + 1
        indent = WS.match(self.body, line_start, offset).group()  # type: ignore[union-attr]
        return indent.replace(b"\n", b"").replace(b"\r", b"").decode("ascii")

    def _text(self, start: int, end: int) -> str:
        """Bytes between members (whitespace and punctuation) as text, one character a byte."""
        return self.body[start:end].decode("latin-1")

    def _layout(self, obj: Obj) -> _Layout:
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
            start = ws(rendered, 0)
            end = value_end(rendered, start)
            if not rendered[start:end]:
                raise Malformed(start, "no value")
            check.value(start, end, expected, (), (self._root, self._end))
        except Malformed as exc:
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
        if where in self.changed or not isinstance(expected, dict) or self.body[start] != OPEN_OBJECT:
            self._decoded(start, end, expected, where)
            return
        members = member_spans(self.body, start, end)
        if members.keys() != expected.keys():
            raise AssertionError(f"the rendered JSON has other keys than intended at {where}")
        before: dict[str, Member] = {}
        if original is not None and self.source.body[original[0]] == OPEN_OBJECT:
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
class _Splice:
    """New text for body[start:end] in `obj`: the new `value` of member `key`, or new members (key None),
    `value` then a mapping of them (which is the whole object when `obj` has no members)."""

    start: int
    end: int
    text: str
    obj: Obj
    value: Any
    key: str | None = None


_COLON = re.compile(rb"[ \t\n\r]*:[ \t\n\r]*")  # between a member's key and its value
_OPENING = re.compile(rb"\{[ \t\n\r]*")  # an object's brace and what follows it up to its first key


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
