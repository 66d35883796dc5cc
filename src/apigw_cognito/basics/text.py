"""UTF-8 text from bytes, with a located message when they are not UTF-8 (documents, selectors, configs)."""

from __future__ import annotations

from apigw_cognito.basics.errors import InputError, Location


def decode_utf8(raw: bytes, name: str) -> str:
    """`raw` as text; a byte that is not UTF-8 raises `InputError` at its line and column."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        column = len(raw[line_start : exc.start].decode("utf-8", "replace")) + 1
        hint = None
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            hint = "the file looks UTF-16 encoded: save it as UTF-8"
        raise InputError(
            f"not valid UTF-8: byte 0x{raw[exc.start]:02x} cannot start or continue a character",
            Location(name, line, column),
            hint=hint,
        ) from None


def offset_location(text: str, index: int, name: str) -> Location:
    """The line and column (both from 1) of the character at `index` of `text`."""
    line_start = text.rfind("\n", 0, index) + 1
    return Location(name, text.count("\n", 0, index) + 1, index - line_start + 1)
