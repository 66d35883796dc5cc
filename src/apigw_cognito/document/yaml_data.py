"""YAML data: plain values built from libyaml's node tree under the YAML 1.2 core schema, with positions.

The data is built here, without recursion: plain ``on`` or ``2020-01-01`` stay strings, ``012`` is the
integer 12, mapping keys are always the key's own text. Only the core tags are read; anything that could
construct an object is refused. Each container node becomes one dict or list, shared wherever aliases
point at it; merge keys (``<<``) are applied once every container is built, sources first.

Positions: marks give character indexes into the BOM-less text. The node tree is not kept; flat arrays
with the same positions are (see `Tree`).
"""

from __future__ import annotations

import gc
import math
import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.document.yaml_parse import (
    CORE,
    MAP,
    MIN_EXPANSION_LIMIT,
    PLAIN,
    SEQ,
    STR,
    check_expansion,
    compose,
    mark_location,
)

_KEPT_AS_TEXT = frozenset({CORE + "binary", CORE + "timestamp"})
_KEY_TAGS = frozenset({PLAIN, STR})

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+")
_OCT = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NANS = frozenset({".nan", ".NaN", ".NAN"})
# One NaN object for every .nan: equal containers then compare equal through identity.
_NAN = math.nan
# First characters of plain scalars that may resolve to something other than a string.
_MAYBE_TYPED = frozenset("0123456789+-.~nNtTfF")
_WORDY = frozenset("~nNtTfF")

SCALAR, MAPPING, SEQUENCE = 0, 1, 2  # node kinds in `Tree.kind`


def parse(text: str, name: str, positions: bool) -> Built:
    """The data of `text` (without BOM), and its position tree when `positions` is asked for."""
    enabled = gc.isenabled()
    # Half a million nodes and marks that hold no cycles: collecting while they live only costs time, so
    # the collector waits until the node tree is gone and only the (compact) result remains.
    gc.disable()
    try:
        root = compose(text, name)
        built = _build(root, text, name, positions)
        del root
        return built
    finally:
        if enabled:
            gc.enable()


class Tree:
    """The position of every node, in flat arrays indexed by node id (the root is 0).

    The composer's nodes are not kept: half a million node objects with their marks cost hundreds of
    megabytes, and every full collection of the cyclic GC would walk them for seconds. Machine integers in
    arrays cost a few megabytes and nothing to the GC. A container's children are `count[n]` consecutive
    ids of `kids` from `first[n]`; a mapping's children alternate key and value. A container reached
    through an alias keeps one id, shared by every place that uses it.
    """

    def __init__(self) -> None:
        self.kind = array("b")
        self.start = array("q")  # character indexes into the text
        self.end = array("q")
        self.line = array("q")  # 0-based, as libyaml counts
        self.col = array("q")
        self.style: list[Any] = []  # scalars: "" (plain), "'", '"', "|" or ">"; containers: True when flow
        self.text: list[str | None] = []  # a scalar's value
        self.tag: list[str | None] = []  # a scalar's tag as the composer reports it
        self.first = array("q")
        self.count = array("q")
        self.kids = array("q")

    def children(self, n: int) -> list[int]:
        first = self.first[n]
        return self.kids[first : first + self.count[n]].tolist()

    def is_block(self, n: int) -> bool:
        """A block mapping or list (neither flow nor empty)."""
        return self.kind[n] != SCALAR and not self.style[n] and self.count[n] > 0

    def is_merge_key(self, n: int) -> bool:
        return self.kind[n] == SCALAR and self.text[n] == "<<" and self.tag[n] is PLAIN and not self.style[n]

    def where(self, n: int, name: str) -> Location:
        return Location(name, self.line[n] + 1, self.col[n] + 1)

    def recorder(self) -> Callable[[int, Any, str | None, str | None, Any], int]:
        """`record(kind, node, text, tag, style)`: a new row for a composer node; its id.

        A closure over the arrays' bound `append`s: it runs once per node, where attribute lookups cost.
        """
        kinds = self.kind
        add_kind, add_start, add_end = self.kind.append, self.start.append, self.end.append
        add_line, add_col, add_style = self.line.append, self.col.append, self.style.append
        add_text, add_tag, add_first, add_count = (
            self.text.append,
            self.tag.append,
            self.first.append,
            self.count.append,
        )

        def record(kind: int, node: Any, text: str | None, tag: str | None, style: Any) -> int:
            n = len(kinds)
            start, end = node.start_mark, node.end_mark
            add_kind(kind)
            add_start(start.index)
            add_end(end.index)
            add_line(start.line)
            add_col(start.column)
            add_style(style)
            add_text(text)
            add_tag(tag)
            add_first(0)
            add_count(0)
            return n

        return record


@dataclass
class Built:
    data: Any
    tree: Tree | None  # None when positions were not asked for
    shared: set[int]  # tree ids of containers reached through an alias


def _build(root: Node, text: str, name: str, positions: bool) -> Built:
    """Plain data (and the position tree) from the node tree."""
    if isinstance(root, ScalarNode):
        raise InputError(
            "not an OpenAPI document: the top level is a single value, not a mapping",
            mark_location(root, name),
        )
    builder = _Builder(text, name, positions)
    top = builder.value_of(root)
    if positions:
        builder.tree.kids.pop()  # the root's own id, listed as nobody's child
    builder.fill()
    memo, shared = builder.memo, builder.shared
    if shared:
        check_expansion(root, shared, name)
    if builder.merges:
        _apply_merges(builder.merges, {k: v[0] for k, v in memo.items()}, name)
    if not positions:
        return Built(top, None, set())
    return Built(top, builder.tree, {memo[k][1] for k in shared})


class _Builder:
    """One build: the containers made so far, those still to fill, the merge keys met, and the tree.

    `value_of` makes a container empty and lists it in `todo`; `fill` then reads its children, which may
    list more. Nodes are typed Any here: this code runs once per node and tests classes by identity.
    """

    def __init__(self, text: str, name: str, positions: bool) -> None:
        self.text = text
        self.name = name
        self.positions = positions
        self.tree = Tree()
        self.record = self.tree.recorder()
        self.memo: dict[int, tuple[Any, int]] = {}  # container node id -> (data, tree id)
        self.shared: set[int] = set()  # container node ids reached through an alias
        self.todo: list[tuple[Any, Any, int]] = []  # (node, empty container, tree id)
        self.merges: list[tuple[MappingNode, dict[str, Any], list[Node], ScalarNode]] = []
        self.value_of = self._value_reader()

    def _value_reader(self) -> Callable[[Any], Any]:
        """`value_of(node)`, a closure over locals rather than a method: it runs once per node."""
        text, name, positions, record = self.text, self.name, self.positions, self.record
        memo, shared, todo = self.memo, self.shared, self.todo
        add_kid = self.tree.kids.append

        def value_of(node: Any) -> Any:
            """The data for `node`; with positions, its id is added to the children being listed."""
            cls = node.__class__
            if cls is ScalarNode:
                tag = node.tag
                if positions:
                    add_kid(record(SCALAR, node, node.value, tag, node.style))
                if tag is PLAIN:
                    value = node.value
                    if node.style or (value and value[0] not in _MAYBE_TYPED):
                        return value
                    return _plain(node, text, name)
                if tag == STR:
                    return node.value
                return _tagged(node, name)
            key = id(node)
            known = memo.get(key)
            if known is not None:
                shared.add(key)
                if positions:
                    add_kid(known[1])
                return known[0]
            made: Any
            if cls is MappingNode:
                if node.tag != MAP:
                    raise _tag_error(node, name)
                made, kind = {}, MAPPING
            else:
                if node.tag != SEQ:
                    raise _tag_error(node, name)
                made, kind = [], SEQUENCE
            n = -1
            if positions:
                n = record(kind, node, None, None, bool(node.flow_style))
                add_kid(n)
            memo[key] = (made, n)
            todo.append((node, made, n))
            return made

        return value_of

    def fill(self) -> None:
        """Fill every listed container with its children's data, until none is left."""
        tree, name, positions, record = self.tree, self.name, self.positions, self.record
        value_of, todo = self.value_of, self.todo
        add_kid = tree.kids.append
        while todo:
            node, made, n = todo.pop()
            if positions:
                tree.first[n] = len(tree.kids)
            if made.__class__ is list:
                append = made.append
                for item in node.value:
                    append(value_of(item))
            else:
                for key_node, value_node in node.value:
                    if key_node.__class__ is not ScalarNode:
                        raise InputError(
                            "mapping keys must be plain values (strings or numbers), not lists or mappings",
                            mark_location(key_node, name),
                        )
                    key = key_node.value
                    if positions:
                        add_kid(record(SCALAR, key_node, key, key_node.tag, key_node.style))
                    if key_node.tag not in _KEY_TAGS:
                        _tagged(key_node, name)  # refuses tags other than the core ones
                    if key == "<<" and key_node.tag is PLAIN and not key_node.style:
                        self._merge_key(node, made, key_node, value_node)
                        continue
                    if key in made:
                        raise _duplicate(node, key_node, name)
                    made[key] = value_of(value_node)
            if positions:
                tree.count[n] = len(tree.kids) - tree.first[n]

    def _merge_key(self, node: Any, made: dict[str, Any], key_node: Any, value_node: Any) -> None:
        """A ``<<`` entry: listed, its sources merged in once every container is built."""
        self.merges.append((node, made, _merge_sources(value_node, self.name), key_node))
        self.value_of(value_node)
        if "<<" in made:
            raise _duplicate(node, key_node, self.name)
        made["<<"] = None  # a placeholder that finds a second "<<"; dropped when merging


def _plain(node: ScalarNode, text: str, name: str) -> Any:
    """The YAML 1.2 core schema reading of a plain scalar."""
    value: str = node.value
    if value in _NULLS:
        result: Any = None
    elif value in _BOOLS:
        result = _BOOLS[value]
    elif value[0] in _WORDY:  # `name`, `type`, `format`: words, not numbers
        return value
    elif _INT.fullmatch(value):
        result = _int(value, 10, node, name)
    elif _FLOAT.fullmatch(value):
        result = float(value)
    elif _OCT.fullmatch(value):
        result = _int(value[2:], 8, node, name)
    elif _HEX.fullmatch(value):
        result = _int(value[2:], 16, node, name)
    elif _INF.fullmatch(value):
        result = -math.inf if value[0] == "-" else math.inf
    elif value in _NANS:
        result = _NAN
    else:
        return value
    # The non-specific tag "!" (as in `! 12`) reaches here too and means a string.
    if text[node.start_mark.index : node.start_mark.index + 1] in ("!", "&") and _has_bang(node, text):
        return value
    return result


def _has_bang(node: ScalarNode, text: str) -> bool:
    start = node.start_mark.index
    props = re.match(r"(?:(?:![^\s]*|&[^\s]+)[ \t]+)+", text[start : start + 4096])
    return props is not None and re.search(r"(?:^|\s)!(?:\s|$)", props.group()) is not None


def _int(digits: str, base: int, node: ScalarNode, name: str) -> int:
    try:
        return int(digits, base)
    except ValueError:  # longer than Python's integer string limit
        raise InputError(f"integer too long ({len(digits)} digits)", mark_location(node, name)) from None


def _tagged(node: ScalarNode, name: str) -> Any:
    """An explicitly tagged scalar: the core tags must fit their value, any other tag is refused."""
    tag: str = node.tag
    value: str = node.value
    if tag in (STR, PLAIN) or tag in _KEPT_AS_TEXT:
        return value
    if tag == CORE + "null" and value in _NULLS:
        return None
    if tag == CORE + "bool" and value in _BOOLS:
        return _BOOLS[value]
    if tag in (CORE + "int", CORE + "float"):
        number = _tagged_number(tag, node, name)
        if number is not None:
            return number
    if tag in (CORE + "null", CORE + "bool", CORE + "int", CORE + "float"):
        raise InputError(f"{value!r} is not a valid {_short(tag)} value", mark_location(node, name))
    raise _tag_error(node, name)


def _tagged_number(tag: str, node: ScalarNode, name: str) -> int | float | None:
    """The number of a ``!!int`` or ``!!float`` scalar; None when its text is not one."""
    value: str = node.value
    if tag == CORE + "int":
        for pattern, base, skip in ((_INT, 10, 0), (_OCT, 8, 2), (_HEX, 16, 2)):
            if pattern.fullmatch(value):
                return _int(value[skip:], base, node, name)
        return None
    if _FLOAT.fullmatch(value):
        return float(value)
    if _INF.fullmatch(value):
        return -math.inf if value[0] == "-" else math.inf
    return _NAN if value in _NANS else None


def _tag_error(node: Node, name: str) -> InputError:
    tag = _short(node.tag)
    if node.tag in (STR, CORE + "int", CORE + "float", CORE + "bool", CORE + "null", MAP, SEQ):
        kind = {ScalarNode: "a single value", MappingNode: "a mapping", SequenceNode: "a list"}[type(node)]
        return InputError(f"the tag {tag} does not fit {kind}", mark_location(node, name))
    return InputError(
        f"unsupported YAML tag {tag}",
        mark_location(node, name),
        hint="only the standard tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) are read",
    )


def _short(tag: str) -> str:
    return "!!" + tag[len(CORE) :] if tag.startswith(CORE) else tag


def _duplicate(mapping: MappingNode, second: ScalarNode, name: str) -> InputError:
    first = next(k for k, _ in mapping.value if k.__class__ is ScalarNode and k.value == second.value)
    return InputError(
        f"duplicate key {second.value!r} in one mapping (first at line {first.start_mark.line + 1})",
        mark_location(second, name),
    )


def _merge_sources(node: Node, name: str) -> list[Node]:
    if isinstance(node, MappingNode):
        return [node]
    if isinstance(node, SequenceNode) and all(isinstance(item, MappingNode) for item in node.value):
        return list(node.value)
    raise InputError("a merge key (<<) takes a mapping or a list of mappings", mark_location(node, name))


def _apply_merges(
    merges: list[tuple[MappingNode, dict[str, Any], list[Node], ScalarNode]],
    memo: dict[int, Any],
    name: str,
) -> None:
    """Merge keys (``<<``): own keys win, then the sources in the order listed. Sources are merged first."""
    by_node = {id(node): (made, sources, key) for node, made, sources, key in merges}
    done: set[int] = set()
    budget = max(MIN_EXPANSION_LIMIT, 10 * len(memo))
    for node, *_ in merges:
        stack = [id(node)]
        while stack:
            current = stack[-1]
            if current in done:
                stack.pop()
                continue
            made, sources, key_node = by_node[current]
            waiting = [id(s) for s in sources if id(s) in by_node and id(s) not in done]
            if waiting:
                stack.extend(waiting)
                continue
            stack.pop()
            done.add(current)
            merged: dict[str, Any] = {}
            for source in reversed(sources):
                merged.update(memo[id(source)])
            del made["<<"]
            merged.update(made)
            budget -= len(merged)
            if budget < 0:
                raise InputError(
                    "merge keys would build far more mapping entries than the document holds",
                    mark_location(key_node, name),
                )
            made.clear()
            made.update(merged)
