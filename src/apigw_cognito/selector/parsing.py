"""Reading a selector's bytes into data with positions, refusing the YAML features a reviewer could miss.

The file is YAML or JSON, read with ruamel.yaml's round-trip loader, whose nodes know their line and
column. Anchors and aliases, merge keys (``<<``), explicit tags (``!Ref``, ``!!str``), duplicate keys,
non-scalar keys and deep nesting are refused from the event stream, before any data is built.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from apigw_cognito.basics.errors import InputError, Location, raise_all
from apigw_cognito.basics.text import decode_utf8

MAX_SELECTOR_BYTES = 256 * 1024  # a thousand rules take about 75 KB and a second to check
MAX_DEPTH = 16  # a valid selector nests 5 levels deep

# One frame per open collection: None for a sequence; for a mapping, whether a key comes next and the
# keys seen with their positions.
_Frame = tuple[list[bool], dict[str, Location]] | None


def parse(raw: bytes, name: str) -> Any:
    """The data ruamel.yaml's round-trip loader reads, after refusing what reviewers could miss."""
    # ruamel.yaml costs about 30 ms to import; only reading a selector needs it.
    from ruamel.yaml import YAML  # noqa: PLC0415
    from ruamel.yaml.error import MarkedYAMLError, YAMLError  # noqa: PLC0415
    from ruamel.yaml.reader import ReaderError  # noqa: PLC0415

    if len(raw) > MAX_SELECTOR_BYTES:
        raise InputError(
            f"the selector is {len(raw):,} bytes, more than the {MAX_SELECTOR_BYTES:,} accepted",
            Location(name),
            hint="a selector lists rules, not operations: select many operations with globs, tags or '**'",
        )
    text = decode_utf8(raw, name).removeprefix("\ufeff")
    yaml = YAML(typ="rt")
    try:
        _check_events(yaml.parse(text), name)
        data = yaml.load(text)
    except MarkedYAMLError as exc:
        raise _syntax_error(exc, name, text) from None
    except ReaderError as exc:
        line, column = _text_position(text, exc.position)
        raise InputError(
            f"the selector contains the character U+{exc.character:04X}, which YAML does not allow",
            Location(name, line, column),
            hint="remove it; control characters have no place in a selector",
        ) from None
    except YAMLError as exc:  # other reader and emitter failures carry no position
        raise InputError(f"cannot read the selector as YAML: {exc}", Location(name)) from None
    return data


def _check_events(events: Iterable[Any], name: str) -> None:
    """Refuse aliases, anchors, tags, merge keys, non-scalar keys, duplicate keys and deep nesting: every
    one found is reported (deep nesting ends the reading)."""
    # ruamel.yaml costs about 30 ms to import; only reading a selector needs it.
    from ruamel.yaml.events import (  # noqa: PLC0415
        AliasEvent,
        CollectionEndEvent,
        MappingStartEvent,
        NodeEvent,
        ScalarEvent,
        SequenceStartEvent,
    )

    mistakes: list[InputError] = []
    stack: list[_Frame] = []
    for event in events:
        where = Location(name, event.start_mark.line + 1, event.start_mark.column + 1)
        if isinstance(event, CollectionEndEvent):
            stack.pop()
            continue
        if not isinstance(event, NodeEvent):
            continue
        frame = stack[-1] if stack else None
        if isinstance(event, AliasEvent):
            mistakes.append(
                InputError(
                    f"YAML aliases (*{event.anchor}) are not supported in a selector",
                    where,
                    hint="write the value out in full where it applies, so reviewers see it there",
                )
            )
            if frame is not None:
                frame[0][0] = not frame[0][0]
            continue
        mistakes.extend(_node_mistakes(event, where))
        if frame is not None:
            mistakes.extend(_check_key_turn(event, isinstance(event, ScalarEvent), frame, where))
        if isinstance(event, MappingStartEvent | SequenceStartEvent):
            if len(stack) >= MAX_DEPTH:
                mistakes.append(
                    InputError(
                        f"the selector nests more than {MAX_DEPTH} levels deep",
                        where,
                        hint="check the indentation",
                    )
                )
                break
            stack.append(([True], {}) if isinstance(event, MappingStartEvent) else None)
    raise_all(mistakes)


def _node_mistakes(event: Any, where: Location) -> list[InputError]:
    """An anchor or a tag on any value."""
    mistakes = []
    if event.anchor is not None:
        mistakes.append(
            InputError(
                f"YAML anchors (&{event.anchor}) and aliases are not supported in a selector",
                where,
                hint="remove the anchor and write values out in full where they apply",
            )
        )
    tag = getattr(event, "tag", None)
    if tag is not None:
        hint = "write plain values; quote a value to make it a string, or use ${VAR} in user_pools"
        if str(tag).startswith("!") and not str(tag).startswith("!!"):  # a template's short form
            hint = (
                "write a CloudFormation function in its long form, as a mapping: {Ref: PoolArn},"
                " {Fn::GetAtt: [UserPool, Arn]}, {Fn::Sub: ...}"
            )
        mistakes.append(
            InputError(f"YAML tags such as '{tag}' are not supported in a selector", where, hint=hint)
        )
    return mistakes


def _check_key_turn(
    event: Any, scalar: bool, frame: tuple[list[bool], dict[str, Location]], where: Location
) -> list[InputError]:
    """Within a mapping, keys and values take turns: check the event when it is a key, then turn."""
    expect_key, keys = frame
    expect_key[0] = not expect_key[0]
    if expect_key[0]:  # it was a value
        return []
    if not scalar:
        return [InputError("keys in a selector must be plain strings, not lists or mappings", where)]
    if event.value == "<<" and event.style is None:
        return [
            InputError(
                "merge keys (<<) are not supported in a selector",
                where,
                hint="write every key out in the mapping it belongs to",
            )
        ]
    if event.value in keys:
        first = keys[event.value]
        return [
            InputError(
                f"duplicate key '{event.value}'",
                where,
                hint=f"it already appears at line {first.line}, column {first.column}; keep one of them",
            )
        ]
    keys[event.value] = where
    return []


def _syntax_error(exc: Any, name: str, text: str) -> InputError:
    mark = exc.problem_mark or exc.context_mark
    where = Location(name, mark.line + 1, mark.column + 1) if mark is not None else Location(name)
    problem = exc.problem or exc.context or "malformed YAML"
    hint = None
    if exc.context and exc.context_mark is not None and exc.problem:
        start = exc.context_mark
        hint = f"{exc.context}, which starts at line {start.line + 1}, column {start.column + 1}"
    variable = _variable_at(text, exc.problem_mark)
    if variable is not None and exc.context and "flow" in exc.context:
        hint = (
            f"{variable} inside [...] or {{...}} is read as YAML's own braces: quote it, as in"
            f" ['{variable}'], or write the list as a block, one '- {variable}' per line"
        )
    return InputError(f"invalid YAML: {problem}", where, hint=hint)


def _variable_at(text: str, mark: Any) -> str | None:
    """The ``${...}`` whose brace `mark` points at, or None."""
    if mark is None:
        return None
    lines = text.splitlines()
    if mark.line >= len(lines):
        return None
    line = lines[mark.line]
    column = mark.column
    if not (0 < column < len(line) and line[column] == "{" and line[column - 1] == "$"):
        return None
    close = line.find("}", column)
    return line[column - 1 : close + 1] if close > 0 else "${VAR}"


def _text_position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1
