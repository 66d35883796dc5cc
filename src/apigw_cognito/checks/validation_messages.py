"""How validation failures read: `SpecError`, one line per reason, placed at a JSON pointer.

Two sources of failures get their wording here: exceptions the library raises while validating
(`describe`), and the JSON Schema stage's errors, whose most specific cause hides in oneOf/anyOf branches
(`schema_error`, `unreadable`). Long messages are cut, since jsonschema-rs quotes whole sub-documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SpecError:
    """One reason the document is not a valid OpenAPI document."""

    message: str
    pointer: tuple[str | int, ...]  # JSON pointer steps to the offending value, () if unknown


# Long messages (jsonschema-rs quotes whole sub-documents) are cut to this many characters.
_MAX_MESSAGE = 400


def describe(exc: BaseException) -> str:
    """A one-line account of an exception raised while validating, without a whole document in it."""
    ref = getattr(exc, "ref", None)
    if isinstance(ref, str):
        # PointerToNowhere carries only the fragment of a same-document reference.
        shown = "#" + ref if ref.startswith("/") else ref
        return f"unresolvable $ref {shown!r}"
    if isinstance(exc, RecursionError):
        detail = str(exc)
        if detail and not detail.startswith("maximum recursion depth"):
            return detail  # a cycle found here, named
        return "schemas nest or reference each other too deeply to check (a $ref cycle?)"
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}" if exc.args else "missing field"
    text = str(exc) or type(exc).__name__
    if isinstance(exc, TypeError) and "got 'int'" in text:
        text += " (integer mapping keys, such as unquoted YAML response codes, must be strings)"
    return shorten(f"{type(exc).__name__}: {text}")


def shorten(text: str) -> str:
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def pointer_steps(path: Any) -> tuple[str | int, ...]:
    """Steps of an error's path as pointer steps: ints and strings kept, anything else as its string."""
    return tuple(step if isinstance(step, int | str) else str(step) for step in path)


# Messages for the JSON Schema stage.


def schema_error(document: Any, error: Any) -> SpecError:
    """The most specific cause of a schema-stage error: oneOf/anyOf failures hide it in their branches."""
    steps, message = _cause(error)
    return SpecError(shorten(message), _pointer_in(document, steps))


def _cause(error: Any) -> tuple[tuple[str | int, ...], str]:
    own_path = pointer_steps(
        getattr(error, "instance_path", None) or getattr(error, "absolute_path", None) or ()
    )
    own = (own_path, str(getattr(error, "message", error)))
    causes = [_deepest(branch) for branch in _useful_branches(error)]
    if not causes:
        return own
    deepest = max(causes, key=lambda cause: len(cause[0]))
    if len(deepest[0]) > len(own_path) or len(causes) == 1:
        return deepest
    # Every alternative fails right here: name what each one wanted.
    wanted = [cause[1].removeprefix(_NO_MATCH) for cause in causes if len(cause[0]) == len(own_path)]
    wanted = [text for text in wanted if not _is_missing_ref(text)] or wanted
    return own_path, _NO_MATCH + "; or ".join(dict.fromkeys(wanted))


_NO_MATCH = "no alternative matches: "


def _deepest(errors: list[Any]) -> tuple[tuple[str | int, ...], str]:
    return max((_cause(error) for error in errors), key=lambda cause: len(cause[0]))


def _useful_branches(error: Any) -> list[list[Any]]:
    """Sub-errors per oneOf/anyOf branch, for jsonschema (context) and jsonschema-rs (kind.context).

    A branch whose only complaint is a missing ``$ref`` is the Reference alternative of a Schema|Reference
    choice: it says nothing about what is wrong, so it is left out.
    """
    kind = getattr(error, "kind", None)
    context = getattr(kind, "context", None)
    branches: list[list[Any]]
    if isinstance(context, list):
        branches = [list(branch) for branch in context]
    else:
        grouped: dict[Any, list[Any]] = {}
        for sub in getattr(error, "context", None) or ():
            grouped.setdefault(tuple(sub.relative_schema_path)[:1], []).append(sub)
        branches = list(grouped.values())
    return [branch for branch in branches if branch and not all(_missing_ref(sub) for sub in branch)]


def _missing_ref(error: Any) -> bool:
    return _is_missing_ref(str(getattr(error, "message", "")))


def _is_missing_ref(message: str) -> bool:
    return "$ref" in message and "is a required property" in message


def _pointer_in(document: Any, steps: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """`steps` with each one typed as the document has it (jsonschema-rs reports key "200" as 200)."""
    node = document
    fixed: list[str | int] = []
    for step in steps:
        if isinstance(node, list) and isinstance(step, int):
            fixed.append(step)
            node = node[step] if -len(node) <= step < len(node) else None
        elif isinstance(node, dict):
            key: Any = step if step in node else str(step)
            if key not in node:
                key = next((k for k in node if str(k) == str(step)), str(step))
            fixed.append(key)
            node = node.get(key)
        else:
            fixed.append(step)
            node = None
    return tuple(fixed)


_JSON_SCALARS = (str, int, float, bool, type(None))


def _not_json(node: Any, path: tuple[str | int, ...] = ()) -> tuple[tuple[str | int, ...], str] | None:
    """The first place where the data is not JSON: a non-string key (an unquoted YAML response code) or a
    value such as a date (an unquoted YAML date)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if not isinstance(key, str):
                return (
                    (*path, *pointer_steps((key,))),
                    f"mapping key {key!r} is not a string but {type(key).__name__} "
                    "(quote response codes in YAML)",
                )
            found = _not_json(value, (*path, key))
            if found is not None:
                return found
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found = _not_json(value, (*path, index))
            if found is not None:
                return found
    elif not isinstance(node, _JSON_SCALARS):
        return path, f"{node!r} is not a JSON value but {type(node).__name__} (quote it in YAML)"
    return None


def unreadable(document: Any, exc: Exception) -> SpecError:
    """Why the JSON Schema stage could not even read the document."""
    try:
        found = _not_json(document)
    except RecursionError:
        found = None
    if found is not None:
        return SpecError(found[1], found[0])
    return SpecError(describe(exc), ())
