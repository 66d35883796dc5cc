"""YAML parsing with libyaml: the node tree with positions, refused before it can hurt, errors located.

libyaml's C parser composes the node tree (with marks) and resolves no implicit tag at all: an untagged
plain scalar comes out as `PLAIN`, for the core schema in `yaml_data` to read. Two inputs are refused
here because they would hurt before any data exists: nesting deep enough to exhaust the C stack when
this libyaml does not bound it itself, and aliases that expand to far more nodes than the text holds.
Every error names the file, line and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from apigw_cognito.basics.errors import InputError, Location, ToolError
from apigw_cognito.basics.text import offset_location

# Tags as the composer reports them. PLAIN marks an untagged plain scalar: the core schema resolves it.
PLAIN = "?plain"
CORE = "tag:yaml.org,2002:"
STR = CORE + "str"
MAP = CORE + "map"
SEQ = CORE + "seq"

# Expanding aliases or merge keys may build this many nodes or entries, or ten per node written.
MIN_EXPANSION_LIMIT = 1_000_000
_MAX_DEPTH = 1000  # libyaml's own bound (where it has one); composing deeper would exhaust the C stack


def _loader_class() -> type:
    if not yaml.__with_libyaml__:
        raise ToolError(
            "PyYAML was installed without its libyaml C extension, which apigw-cognito needs to read YAML "
            "quickly with positions: reinstall PyYAML from a wheel (pip install --force-reinstall PyYAML)"
        )
    # Absent when PyYAML was built without libyaml: imported only once that is ruled out above.
    from yaml._yaml import CParser  # noqa: PLC0415

    class _Loader(CParser, yaml.resolver.BaseResolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.resolver.BaseResolver.__init__(self)

        # The composer calls these two for every node; builtins that take the same arguments cost less.
        descend_resolver = slice  # type: ignore[assignment]
        ascend_resolver = tuple  # type: ignore[assignment]

        def resolve(self, kind: type, value: Any, implicit: Any) -> str:
            if kind is ScalarNode:
                return PLAIN if implicit[0] else STR
            return MAP if kind is MappingNode else SEQ

    return _Loader


_PARSER: dict[str, Any] = {}  # the loader class, and whether this libyaml refuses deep nesting itself


def _loader() -> Any:
    if not _PARSER:
        loader = _loader_class()
        _PARSER.update(loader=loader, bounded=_nesting_is_bounded(loader))
    return _PARSER["loader"]


def compose(text: str, name: str) -> Node:
    """The node tree of `text` (without BOM), with marks; malformed or empty input raises `InputError`."""
    loader = _loader()
    if not _PARSER["bounded"]:
        _check_depth(loader, text, name)
    try:
        node: Node | None = loader(text).get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(exc, name) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow; its position counts bytes
        index = len(text.encode("utf-8")[: exc.position].decode("utf-8", "ignore"))
        raise InputError(
            f"not valid YAML: {exc.reason} (character U+{exc.character:04X})",
            offset_location(text, index, name),
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", Location(name)) from None
    if node is None:
        raise InputError("the document is empty", Location(name, 1, 1))
    return node


def has_anchors(text: str) -> bool:
    """Whether libyaml reads an anchor or an alias in `text` (or cannot read it)."""
    if "&" not in text and "*" not in text:
        return False
    scanner = _loader()(text)
    try:
        while (token := scanner.get_token()) is not None:
            if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
                return True
    except yaml.YAMLError:
        return True
    return False


def _nesting_is_bounded(loader: type) -> bool:
    """Builds of libyaml since 0.2.5 refuse nesting deeper than 1000 before the composer recurses."""
    try:
        loader("[" * (_MAX_DEPTH + 100)).get_single_node()
    except yaml.MarkedYAMLError as exc:
        return "nesting depth" in str(exc.problem)
    return False


def _check_depth(loader: type, text: str, name: str) -> None:
    """Without libyaml's bound, its recursive composer crashes the process on deep nesting: refuse first."""
    # A flow level costs a bracket; block levels cost columns of indentation or indicators (`- - - x`), at
    # worst two levels for each (a mapping, then a list flush under its key).
    indicators = max((len(m.group()) for m in re.finditer(r"^[ ?:-]+", text, re.M)), default=0)
    if text.count("[") + text.count("{") + 2 * indicators < _MAX_DEPTH:
        return
    depth = 0
    parser = loader(text)
    try:
        while (event := parser.get_event()) is not None:
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > _MAX_DEPTH:
                    raise InputError(
                        f"the document is nested more than {_MAX_DEPTH} levels deep",
                        mark_location(event, name),
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(exc, name) from None


def _yaml_error(exc: yaml.MarkedYAMLError, name: str) -> InputError:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "malformed YAML"
    if "but found another document" in str(exc.problem):
        problem = "the file holds more than one YAML document; an OpenAPI file must hold exactly one"
    elif exc.context:
        problem = f"{exc.context}: {problem}"
    where = Location(name, mark.line + 1, mark.column + 1) if mark is not None else Location(name)
    return InputError(f"not valid YAML: {problem}", where)


def mark_location(node: Any, name: str) -> Location:
    """Where a node or event starts."""
    mark = node.start_mark
    return Location(name, mark.line + 1, mark.column + 1)


def check_expansion(root: Node, shared: set[int], name: str) -> None:
    """Refuse documents whose aliases would expand to far more nodes than the text holds (billion laughs).

    Sizes are computed once per container (memoised), so the check itself stays linear; it also finds
    aliases that point into their own anchor, which would make the data cyclic. `shared` holds the ids of
    the containers reached through an alias: the one that expands most is blamed.
    """
    sizes: dict[int, int] = {}
    scalars = 0
    active: set[int] = set()
    stack: list[tuple[Node, Iterator[Node], int]] = [(root, _children(root), 1)]
    active.add(id(root))
    while stack:
        node, children, size = stack[-1]
        for child in children:
            if child.__class__ is ScalarNode:
                size += 1
                scalars += 1
                continue
            key = id(child)
            if key in sizes:
                size += sizes[key]
                continue
            if key in active:
                raise InputError(
                    "an alias refers to its own anchor: the data would be infinitely deep",
                    mark_location(child, name),
                )
            stack[-1] = (node, children, size)
            active.add(key)
            stack.append((child, _children(child), 1))
            break
        else:
            stack.pop()
            active.discard(id(node))
            sizes[id(node)] = size
            if stack:
                parent, rest, total = stack[-1]
                stack[-1] = (parent, rest, total + size)
    total = sizes[id(root)]
    limit = max(MIN_EXPANSION_LIMIT, 10 * (len(sizes) + scalars))
    if total <= limit:
        return
    blamed = max((n for n in _walk_nodes(root) if id(n) in shared), key=lambda n: sizes.get(id(n), 0))
    raise InputError(
        f"aliases would expand the document to {total:,} nodes (the limit is {limit:,}); "
        f"the anchor here alone expands to {sizes[id(blamed)]:,}",
        mark_location(blamed, name),
        hint="this looks like an alias bomb; an OpenAPI document never needs this",
    )


def _children(node: Node) -> Iterator[Node]:
    if isinstance(node, MappingNode):
        for key, value in node.value:
            yield key
            yield value
    else:
        yield from node.value


def _walk_nodes(root: Node) -> Iterator[Node]:
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen or isinstance(node, ScalarNode):
            continue
        seen.add(id(node))
        yield node
        stack.extend(_children(node))
