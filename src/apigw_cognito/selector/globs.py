"""Glob matching for selector paths and operationIds, in time bounded by the product of the lengths.

Two small languages share one wildcard core:

* **Name globs** (``operation_ids``): ``*`` matches any run of characters (none included), ``?`` exactly
  one character; every other character matches itself, case-sensitively. There are no escapes and no
  character classes (``[`` is an ordinary character), since operationIds never need them.
* **Path globs** (``paths`` and the path of a ``select`` string): a template such as ``/pets/{petId}/**``.
  Each segment between slashes is a name glob confined to one segment, so a ``*`` segment is any one
  segment and ``pet*`` any segment starting with ``pet``. A segment that is exactly ``**`` matches any
  number of segments, none included: ``/pets/**`` matches ``/pets``, ``/pets/{petId}`` and deeper.
  Template parameters are plain text to the matcher: ``{petId}`` matches the document's ``{petId}``
  segment only, and ``{*}`` matches any whole parameter segment (``{petId}``, ``{proxy+}``).
  The root path ``/`` has no segments: ``/`` and ``/**`` match it, ``/*`` does not.

Matching uses the greedy two-pointer algorithm (on a mismatch, retry only from the most recent star),
at both levels: characters within a segment, segments within a path. It visits each (pattern element,
text element) pair at most once per star, so its work is bounded by about twice the product of the
lengths, whatever the pattern; a translation to nested regex ``.*`` would backtrack exponentially on
patterns such as ``/**/**/**/**/x``. `Steps` counts that work so tests can check the bound.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TypeVar

P = TypeVar("P")
T = TypeVar("T")

# One segment of a path glob: text without whitespace, "/" or "**", or exactly "**".
_SEGMENT = r"(?:\*\*|(?:[^\s/*]|\*(?!\*))+)"
PATH_GLOB_RE = rf"^(?:/|(?:/{_SEGMENT})+)$"
"""The valid path globs, in syntax Python's `re` and ECMA-262 read alike (for the selector's schema)."""
PATH_GLOB_BODY = rf"(?:/|(?:/{_SEGMENT})+)"
"""`PATH_GLOB_RE` without its anchors, for embedding into a larger pattern."""


class Steps:
    """A work counter. Pass one to a matcher to learn how many steps it took."""

    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0


def match_name(pattern: str, name: str, steps: Steps | None = None) -> bool:
    """Whether `name` matches the name glob `pattern` (``*`` any run, ``?`` one character)."""
    return _greedy(pattern, name, _is_char_star, _char_matches, steps)


def match_path(pattern: str, path: str, steps: Steps | None = None) -> bool:
    """Whether the document path `path` matches the path glob `pattern`.

    `pattern` must be valid (`path_glob_error` returns None for it); the document's path is taken as
    written, split at every ``/``.
    """

    def segment_matches(glob: str, segment: str) -> bool:
        return _greedy(glob, segment, _is_char_star, _char_matches, steps)

    return _greedy(_glob_segments(pattern), split_path(path), _is_segment_star, segment_matches, steps)


def split_path(path: str) -> tuple[str, ...]:
    """The segments of a path: ``/`` has none, ``/pets/{petId}`` two, ``/pets/`` ends with an empty one."""
    if path in ("", "/"):
        return ()
    return tuple(path.removeprefix("/").split("/"))


def path_glob_error(pattern: str) -> str | None:
    """Why `pattern` is not a valid path glob, or None when it is (the same language as `PATH_GLOB_RE`)."""
    if not pattern:
        return "a path glob cannot be empty"
    if not pattern.startswith("/"):
        return f"a path glob starts with '/', as document paths do: '{pattern}' does not"
    if re.search(r"\s", pattern):
        return "a path glob cannot contain whitespace"
    for segment in pattern[1:].split("/") if pattern != "/" else ():
        error = _segment_error(pattern, segment)
        if error is not None:
            return error
    return None


def _segment_error(pattern: str, segment: str) -> str | None:
    if not segment:
        return (
            f"'{pattern}' has an empty segment: it ends with '/' or contains '//'"
            " (write '/pets/**' for /pets and everything below it)"
        )
    if "**" in segment and segment != "**":
        return (
            f"'**' must be a whole segment, as in '/pets/**/photos': '{segment}' mixes it with"
            " other characters (use '*' within a segment)"
        )
    return None


@lru_cache(maxsize=1024)
def _glob_segments(pattern: str) -> tuple[str, ...]:
    return split_path(pattern)


def _is_char_star(char: str) -> bool:
    return char == "*"


def _char_matches(glob_char: str, char: str) -> bool:
    return glob_char in ("?", char)


def _is_segment_star(segment: str) -> bool:
    return segment == "**"


def _greedy(
    pattern: Sequence[P],
    text: Sequence[T],
    is_star: Callable[[P], bool],
    matches: Callable[[P, T], bool],
    steps: Steps | None,
) -> bool:
    """Wildcard matching where a star matches any run of elements and every other element exactly one.

    On a mismatch only the most recent star takes one more element; earlier stars never need to, since
    whatever they could absorb the latest star can absorb as well. That keeps the work quadratic at most.
    """
    i = j = 0  # next pattern element, next text element
    star = -1  # pattern index of the most recent star
    mark = 0  # text index where that star's run currently ends
    count = 0
    try:
        while j < len(text):
            count += 1
            if i < len(pattern) and is_star(pattern[i]):
                star, mark = i, j
                i += 1
            elif i < len(pattern) and matches(pattern[i], text[j]):
                i += 1
                j += 1
            elif star >= 0:
                mark += 1
                i, j = star + 1, mark
            else:
                return False
        while i < len(pattern) and is_star(pattern[i]):
            count += 1
            i += 1
        return i == len(pattern)
    finally:
        if steps is not None:
            steps.count += count
