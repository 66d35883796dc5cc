"""Walking JSON bytes: the spans of an object's members and of an array's items, at C speed.

msgspec reads an object as a mapping of raw values (views of the bytes, not decoded), whose lengths say where
each value ends; the walk then steps from member to member with two regex matches. A text msgspec cannot
read (a lone surrogate escape, which only the stdlib accepts) is read by the stdlib's decoder instead. Every
offset is a byte offset into the UTF-8 bytes. `json_source` uses these for positions and its self-check.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import msgspec

from apigw_cognito.document.json_parse import scanstring

_RAW_MEMBERS = msgspec.json.Decoder(dict[str, msgspec.Raw])
_RAW_ITEMS = msgspec.json.Decoder(list[msgspec.Raw])
_SKIP = json.JSONDecoder()  # the stdlib's way to find where a value ends, for what msgspec cannot read
WS = re.compile(rb"[ \t\n\r]*")
# A member's key (group 1; the string pattern is unrolled, so no input makes it backtrack) and its colon.
_KEY = re.compile(rb'("[^"\\]*(?:\\.[^"\\]*)*")[ \t\n\r]*:[ \t\n\r]*', re.DOTALL)
# From the end of a member or an item to the start of the next one (group 1: the separator).
_AFTER = re.compile(rb"[ \t\n\r]*([,}\]])[ \t\n\r]*")
OPEN_OBJECT = 0x7B  # "{"


class Member:
    __slots__ = ("kend", "kstart", "vend", "vstart")

    def __init__(self, kstart: int, kend: int, vstart: int, vend: int) -> None:
        self.kstart = kstart
        self.kend = kend
        self.vstart = vstart
        self.vend = vend


class Obj:
    """One object walked by hand: its span and its members' spans, in document order."""

    __slots__ = ("end", "members", "start")

    def __init__(self, start: int, end: int, members: dict[str, Member]) -> None:
        self.start = start
        self.end = end
        self.members = members


class Malformed(Exception):
    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset


def ws(body: bytes, i: int) -> int:
    return WS.match(body, i).end()  # type: ignore[union-attr]


def value_end(body: bytes, start: int) -> int:
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
            raise Malformed(start + kstart, "expected a key")
        _, kend = _scan_str(view, kstart + 1, start)
        key = _key_text(body, start + kstart, start + kend)
        i = _ws_str(view, kend)
        if view[i : i + 1] != ":":
            raise Malformed(start + i, "expected ':'")
        vstart = _ws_str(view, i + 1)
        vend = _skip_str(view, vstart, start)
        found[key] = piece[vstart:vend]
        i = _ws_str(view, vend)
        if view[i : i + 1] not in (",", "}"):
            raise Malformed(start + i, "expected ',' or '}'")
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
            raise Malformed(start + i, "expected ',' or ']'")
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
        raise Malformed(base + exc.pos, exc.msg) from None


def _skip_str(view: str, i: int, base: int) -> int:
    try:
        return int(_SKIP.raw_decode(view, i)[1])
    except json.JSONDecodeError as exc:
        raise Malformed(base + exc.pos, exc.msg) from None
    except RecursionError:
        raise Malformed(base + i, "nested too deeply") from None


def _key_text(body: bytes, kstart: int, kend: int) -> str:
    """The key written at body[kstart:kend] (quotes included), escapes read."""
    try:
        return scanstring(body[kstart:kend].decode("utf-8", "surrogatepass"), 1)[0]
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise Malformed(kstart, f"unreadable key: {exc}") from None


def member_spans(body: bytes, start: int, end: int) -> dict[str, Member]:
    """The members of the object at body[start:end], in document order, each with its spans."""
    raws = _raw_members(body, start, end)
    members: dict[str, Member] = {}
    i = ws(body, start + 1)
    close = start  # where the last separator seen is; a "}" there must end the object
    for key, raw in raws.items():
        match = _KEY.match(body, i)
        if match is None:
            raise Malformed(i, "expected a key")
        kend = match.end(1)
        if body[i + 1 : kend - 1] != key.encode("utf-8", "surrogatepass") and _key_text(body, i, kend) != key:
            # Only a key written twice makes the keys in order differ from the mapping's.
            raise Malformed(i, f"expected the key {key!r} here (a key written twice?)")
        vstart = match.end()
        vend = vstart + len(raw)
        members[key] = Member(i, kend, vstart, vend)
        after = _AFTER.match(body, vend)
        if after is None:
            raise Malformed(vend, "expected ',' or '}'")
        close = after.start(1)
        i = after.end()
    if not raws:
        close = ws(body, start + 1)
    if close != end - 1 or body[close] != ord("}"):
        raise Malformed(close, "expected '}' (a key written twice?)")
    return members


def walk(body: bytes, start: int, end: int, spec: dict[str, Any] | None, found: dict[int, Obj]) -> Obj:
    """Record the object at body[start:end] in `found`; members named in `spec` holding objects too."""
    obj = Obj(start, end, member_spans(body, start, end))
    found[start] = obj
    if spec is not None:
        wildcard = spec.get("*")
        for key, member in obj.members.items():
            sub = spec.get(key, wildcard)
            if sub is not None and body[member.vstart] == OPEN_OBJECT:
                walk(body, member.vstart, member.vend, sub, found)
    return obj


def item_spans(body: bytes, start: int, end: int) -> list[tuple[int, int]]:
    """The (start, end) offsets of the items of the array at body[start:end]."""
    spans: list[tuple[int, int]] = []
    i = ws(body, start + 1)
    for raw in _raw_items(body, start, end):
        spans.append((i, i + len(raw)))
        after = _AFTER.match(body, i + len(raw))
        if after is None:
            raise Malformed(i + len(raw), "expected ',' or ']'")
        i = after.end()
    return spans
