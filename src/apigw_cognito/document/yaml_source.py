"""YAML documents: plain data and positions from libyaml, changes written as text insertions.

libyaml's C parser composes the node tree (with positions) with no implicit tag resolution at all; this
module then builds the data itself, without recursion, under the YAML 1.2 core schema: plain ``on`` or
``2020-01-01`` stay strings, ``012`` is the integer 12, mapping keys are always the key's own text. Only the
core tags are read; anything that could construct an object is refused, and so are alias bombs.

Positions: marks give character indexes into the BOM-less text. The node tree is not kept; flat arrays with
the same positions are (see `_Tree`). An alias has no node of its own (it *is* the anchored node), so where
an alias stands in the text is found from its neighbours. `locate` gives a mapping step's key and a list
step's item; through an alias or a merge key that is where the anchored content is written.

Rendering never rewrites: a new key is inserted as new lines after the last content line of its block
mapping (or as ``, key: value`` in a flow mapping), and a changed value has exactly its own span replaced.
The new text is parsed again and must give exactly the intended data.
"""

from __future__ import annotations

import gc
import math
import re
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from apigw_cognito.basics.errors import InputError, Location, ToolError
from apigw_cognito.document.edits import Change, Edit, Pointer, check_rendering, plan_changes

# Tags as the composer reports them. _PLAIN marks an untagged plain scalar: the core schema resolves it.
_PLAIN = "?plain"
_CORE = "tag:yaml.org,2002:"
_STR = _CORE + "str"
_MAP = _CORE + "map"
_SEQ = _CORE + "seq"
_KEPT_AS_TEXT = frozenset({_CORE + "binary", _CORE + "timestamp"})
_KEY_TAGS = frozenset({_PLAIN, _STR})

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

_MAX_DEPTH = 1000  # libyaml's own bound (where it has one); composing deeper would exhaust the C stack
_MIN_EXPANSION_LIMIT = 1_000_000

# Line breaks of YAML 1.1 that YAML 1.2 reads as text: name and double-quoted escape.
_YAML11_BREAKS = {
    "\x85": ("NEXT LINE", "\\N"),
    "\u2028": ("LINE SEPARATOR", "\\L"),
    "\u2029": ("PARAGRAPH SEPARATOR", "\\P"),
}
_YAML11_BREAK = re.compile("[\x85\u2028\u2029]")

_ANCHOR = re.compile(r"(?:![^\s]*[ \t]+)?&([^\s,\[\]{}]+)")


def load(text: str, name: str, newline: str) -> YamlSource:
    """Parse `text` (without BOM) into a source; malformed or unsupported input raises `InputError`."""
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        raise InputError(
            "line breaks must be LF or CRLF: a lone carriage return was found",
            _offset_location(text, _lone_cr(text), name),
        )
    if text.startswith("\ufeff"):
        # libyaml skips it without counting it, so every position it reports would be one character off.
        raise InputError(
            "the file starts with a second byte-order mark (U+FEFF)",
            Location(name, 1, 1),
            hint="save the file as UTF-8 with at most one byte-order mark",
        )
    odd = _YAML11_BREAK.search(text)
    if odd is None:
        return YamlSource(text, name, newline, _parse(text, name, positions=True))
    # libyaml reads NEL, U+2028 and U+2029 as line breaks (YAML 1.1), YAML 1.2 readers as text: a plain
    # scalar holding one is cut in two, and libyaml's line numbers run ahead of the editor's. Characters
    # libyaml refuses outright are still reported first, at their place.
    try:
        _parse(text, name, positions=False)
    except InputError as error:
        if "(character U+" in error.message:
            raise
    char = odd.group()
    raise InputError(
        f"the character U+{ord(char):04X} ({_YAML11_BREAKS[char][0]}) is a line break to YAML 1.1 readers"
        " such as libyaml and text to YAML 1.2 readers: they would read this file differently",
        _offset_location(text, odd.start(), name),
        hint=f"write it as the escape {_YAML11_BREAKS[char][1]} inside a double-quoted string, or remove it",
    )


def _parse(text: str, name: str, positions: bool) -> _Built:
    enabled = gc.isenabled()
    # Half a million nodes and marks that hold no cycles: collecting while they live only costs time, so
    # the collector waits until the node tree is gone and only the (compact) result remains.
    gc.disable()
    try:
        root = _compose(text, name)
        built = _build(root, text, name, positions)
        del root
        return built
    finally:
        if enabled:
            gc.enable()


# --- parsing -----------------------------------------------------------------------------------------


def _loader_class() -> type:
    if not yaml.__with_libyaml__:
        raise ToolError(
            "PyYAML was installed without its libyaml C extension, which apigw-cognito needs to read YAML "
            "quickly with positions: reinstall PyYAML from a wheel (pip install --force-reinstall PyYAML)"
        )
    from yaml._yaml import CParser

    class _Loader(CParser, yaml.resolver.BaseResolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.resolver.BaseResolver.__init__(self)

        # The composer calls these two for every node; builtins that take the same arguments cost less.
        descend_resolver = slice  # type: ignore[assignment]
        ascend_resolver = tuple  # type: ignore[assignment]

        def resolve(self, kind: type, value: Any, implicit: Any) -> str:
            if kind is ScalarNode:
                return _PLAIN if implicit[0] else _STR
            return _MAP if kind is MappingNode else _SEQ

    return _Loader


_PARSER: dict[str, Any] = {}  # the loader class, and whether this libyaml refuses deep nesting itself


def _compose(text: str, name: str) -> Node:
    if not _PARSER:
        loader = _loader_class()
        _PARSER.update(loader=loader, bounded=_nesting_is_bounded(loader))
    loader = _PARSER["loader"]
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
            _offset_location(text, index, name),
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", Location(name)) from None
    if node is None:
        raise InputError("the document is empty", Location(name, 1, 1))
    return node


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
                        _mark_location(event, name),
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


def _mark_location(node: Any, name: str) -> Location:
    mark = node.start_mark
    return Location(name, mark.line + 1, mark.column + 1)


def _lone_cr(text: str) -> int:
    return next((m.start() for m in re.finditer("\r(?!\n)", text)), 0)


def _offset_location(text: str, index: int, name: str) -> Location:
    line_start = text.rfind("\n", 0, index) + 1
    return Location(name, text.count("\n", 0, index) + 1, index - line_start + 1)


# --- building the data -------------------------------------------------------------------------------

_SCALAR, _MAPPING, _SEQUENCE = 0, 1, 2


class _Tree:
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
        return self.kind[n] != _SCALAR and not self.style[n] and self.count[n] > 0

    def is_merge_key(self, n: int) -> bool:
        return (
            self.kind[n] == _SCALAR and self.text[n] == "<<" and self.tag[n] is _PLAIN and not self.style[n]
        )

    def where(self, n: int, name: str) -> Location:
        return Location(name, self.line[n] + 1, self.col[n] + 1)


@dataclass
class _Built:
    data: Any
    tree: _Tree | None  # None when positions were not asked for
    shared: set[int]  # ids of containers reached through an alias


def _build(root: Node, text: str, name: str, positions: bool) -> _Built:
    """Plain data (and the position tree) from the node tree, without recursion.

    Each container node becomes one dict or list, shared wherever aliases point at it. Merge keys are
    applied once the tree is built, sources first.
    """
    if isinstance(root, ScalarNode):
        raise InputError(
            "not an OpenAPI document: the top level is a single value, not a mapping",
            _mark_location(root, name),
        )
    return _build_tree(root, text, name, positions)


def _build_tree(root: Node, text: str, name: str, positions: bool) -> _Built:
    memo: dict[int, tuple[Any, int]] = {}  # container node id -> (data, tree id)
    shared: set[int] = set()
    merges: list[tuple[MappingNode, dict[str, Any], list[Node], ScalarNode]] = []
    # Nodes are typed Any here: this loop runs once per node and tests classes by identity, for speed.
    todo: list[tuple[Any, Any, int]] = []
    tree = _Tree()
    add_kind, add_start, add_end = tree.kind.append, tree.start.append, tree.end.append
    add_line, add_col, add_style = tree.line.append, tree.col.append, tree.style.append
    add_text, add_tag, add_first, add_count = (
        tree.text.append,
        tree.tag.append,
        tree.first.append,
        tree.count.append,
    )
    add_kid = tree.kids.append

    def record(kind: int, node: Any, text_: str | None, tag: str | None, style: Any) -> int:
        """A new row of the tree for `node`; its id."""
        n = len(tree.kind)
        start, end = node.start_mark, node.end_mark
        add_kind(kind)
        add_start(start.index)
        add_end(end.index)
        add_line(start.line)
        add_col(start.column)
        add_style(style)
        add_text(text_)
        add_tag(tag)
        add_first(0)
        add_count(0)
        return n

    def value_of(node: Any) -> Any:
        """The data for `node`; with positions, its id is added to the children being listed."""
        cls = node.__class__
        if cls is ScalarNode:
            tag = node.tag
            if positions:
                add_kid(record(_SCALAR, node, node.value, tag, node.style))
            if tag is _PLAIN:
                value = node.value
                if node.style or (value and value[0] not in _MAYBE_TYPED):
                    return value
                return _plain(node, text, name)
            if tag == _STR:
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
            if node.tag != _MAP:
                raise _tag_error(node, name)
            made, kind = {}, _MAPPING
        else:
            if node.tag != _SEQ:
                raise _tag_error(node, name)
            made, kind = [], _SEQUENCE
        n = -1
        if positions:
            n = record(kind, node, None, None, bool(node.flow_style))
            add_kid(n)
        memo[key] = (made, n)
        todo.append((node, made, n))
        return made

    top = value_of(root)
    if positions:
        tree.kids.pop()  # the root's own id, listed as nobody's child
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
                        _mark_location(key_node, name),
                    )
                key = key_node.value
                if positions:
                    add_kid(record(_SCALAR, key_node, key, key_node.tag, key_node.style))
                if key_node.tag not in _KEY_TAGS:
                    _tagged(key_node, name)  # refuses tags other than the core ones
                if key == "<<" and key_node.tag is _PLAIN and not key_node.style:
                    merges.append((node, made, _merge_sources(value_node, name), key_node))
                    value_of(value_node)
                    if key in made:
                        raise _duplicate(node, key_node, name)
                    made[key] = None  # a placeholder that finds a second "<<"; dropped when merging
                    continue
                if key in made:
                    raise _duplicate(node, key_node, name)
                made[key] = value_of(value_node)
        if positions:
            tree.count[n] = len(tree.kids) - tree.first[n]
    if shared:
        _check_expansion(root, shared, name)
    if merges:
        _apply_merges(merges, {k: v[0] for k, v in memo.items()}, name)
    if not positions:
        return _Built(top, None, set())
    return _Built(top, tree, {memo[k][1] for k in shared})


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
        raise InputError(f"integer too long ({len(digits)} digits)", _mark_location(node, name)) from None


def _tagged(node: ScalarNode, name: str) -> Any:
    """An explicitly tagged scalar: the core tags must fit their value, any other tag is refused."""
    tag: str = node.tag
    value: str = node.value
    if tag in (_STR, _PLAIN) or tag in _KEPT_AS_TEXT:
        return value
    if tag == _CORE + "null" and value in _NULLS:
        return None
    if tag == _CORE + "bool" and value in _BOOLS:
        return _BOOLS[value]
    if tag == _CORE + "int":
        for pattern, base, skip in ((_INT, 10, 0), (_OCT, 8, 2), (_HEX, 16, 2)):
            if pattern.fullmatch(value):
                return _int(value[skip:], base, node, name)
    if tag == _CORE + "float":
        if _FLOAT.fullmatch(value):
            return float(value)
        if _INF.fullmatch(value):
            return -math.inf if value[0] == "-" else math.inf
        if value in _NANS:
            return _NAN
    if tag in (_CORE + "null", _CORE + "bool", _CORE + "int", _CORE + "float"):
        raise InputError(f"{value!r} is not a valid {_short(tag)} value", _mark_location(node, name))
    raise _tag_error(node, name)


def _tag_error(node: Node, name: str) -> InputError:
    tag = _short(node.tag)
    if node.tag in (_STR, _CORE + "int", _CORE + "float", _CORE + "bool", _CORE + "null", _MAP, _SEQ):
        kind = {ScalarNode: "a single value", MappingNode: "a mapping", SequenceNode: "a list"}[type(node)]
        return InputError(f"the tag {tag} does not fit {kind}", _mark_location(node, name))
    return InputError(
        f"unsupported YAML tag {tag}",
        _mark_location(node, name),
        hint="only the standard tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) are read",
    )


def _short(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


def _duplicate(mapping: MappingNode, second: ScalarNode, name: str) -> InputError:
    first = next(k for k, _ in mapping.value if k.__class__ is ScalarNode and k.value == second.value)
    return InputError(
        f"duplicate key {second.value!r} in one mapping (first at line {first.start_mark.line + 1})",
        _mark_location(second, name),
    )


def _merge_sources(node: Node, name: str) -> list[Node]:
    if isinstance(node, MappingNode):
        return [node]
    if isinstance(node, SequenceNode) and all(isinstance(item, MappingNode) for item in node.value):
        return list(node.value)
    raise InputError("a merge key (<<) takes a mapping or a list of mappings", _mark_location(node, name))


def _check_expansion(root: Node, shared: set[int], name: str) -> None:
    """Refuse documents whose aliases would expand to far more nodes than the text holds (billion laughs).

    Sizes are computed once per container (memoised), so the check itself stays linear; it also finds
    aliases that point into their own anchor, which would make the data cyclic.
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
                    _mark_location(child, name),
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
    limit = max(_MIN_EXPANSION_LIMIT, 10 * (len(sizes) + scalars))
    if total <= limit:
        return
    blamed = max((n for n in _walk_nodes(root) if id(n) in shared), key=lambda n: sizes.get(id(n), 0))
    raise InputError(
        f"aliases would expand the document to {total:,} nodes (the limit is {limit:,}); "
        f"the anchor here alone expands to {sizes[id(blamed)]:,}",
        _mark_location(blamed, name),
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


def _apply_merges(
    merges: list[tuple[MappingNode, dict[str, Any], list[Node], ScalarNode]],
    memo: dict[int, Any],
    name: str,
) -> None:
    """Merge keys (``<<``): own keys win, then the sources in the order listed. Sources are merged first."""
    by_node = {id(node): (made, sources, key) for node, made, sources, key in merges}
    done: set[int] = set()
    budget = max(_MIN_EXPANSION_LIMIT, 10 * len(memo))
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
                    _mark_location(key_node, name),
                )
            made.clear()
            made.update(merged)


# --- the source: positions and rendering -------------------------------------------------------------


@dataclass
class _Style:
    step: int  # columns from a key to the keys of its block mapping value
    indent_lists: bool  # `key:\n  - a` rather than `key:\n- a`


# An entry of a mapping: (key id, value id, the mapping it was merged in from, or -1 for an own key).
_Entry = tuple[int, int, int]


class YamlSource:
    """A parsed YAML text; `locate` and `render` use the kept position tree, never a second parse."""

    def __init__(self, text: str, name: str, newline: str, built: _Built) -> None:
        assert built.tree is not None
        self.text = text
        self.name = name
        self.newline = newline
        self.data = built.data
        self.tree = built.tree
        self._shared = built.shared
        self._entries: dict[int, dict[str, _Entry]] = {}
        self._style: _Style | None = None

    # Locating. For a mapping step the location is the key's; for a list step, the item's.

    def locate(self, pointer: Pointer) -> Location | None:
        found = self._resolve(pointer)
        if found is None:
            return None
        node, key, _ = found
        return self.tree.where(key if key >= 0 else node, self.name)

    def _resolve(self, pointer: Pointer) -> tuple[int, int, list[int]] | None:
        """The node at `pointer`, the key of its last step (-1: none), and the containers on the way."""
        tree = self.tree
        node, key = 0, -1
        path: list[int] = []
        for step in pointer:
            path.append(node)
            if tree.kind[node] == _MAPPING and isinstance(step, str):
                entry = self.entries(node).get(step)
                if entry is None:
                    return None
                key, node, _ = entry
            elif tree.kind[node] == _SEQUENCE and isinstance(step, int) and 0 <= step < tree.count[node]:
                key, node = -1, tree.kids[tree.first[node] + step]
            else:
                return None
        return node, key, path

    def entries(self, node: int) -> dict[str, _Entry]:
        """Key text -> entry for a mapping, merged keys included (own keys win); built once per mapping."""
        cached = self._entries.get(node)
        if cached is not None:
            return cached
        tree = self.tree
        own: dict[str, _Entry] = {}
        sources: list[int] = []
        children = tree.children(node)
        for i in range(0, len(children), 2):
            key, value = children[i], children[i + 1]
            if tree.is_merge_key(key):
                sources = [value] if tree.kind[value] == _MAPPING else tree.children(value)
            else:
                own.setdefault(str(tree.text[key]), (key, value, -1))
        if sources:
            merged: dict[str, _Entry] = {}
            for source in reversed(sources):
                for name, (k, v, inner) in self.entries(source).items():
                    merged[name] = (k, v, inner if inner >= 0 else source)
            merged.update(own)
            own = merged
        self._entries[node] = own
        return own

    # Rendering.

    def render(self, edits: Sequence[Edit]) -> str:
        changes = plan_changes(self.data, edits, self.locate)
        if not changes:
            return self.text
        splices = sorted(self._splices(changes), key=lambda s: (s[0], -s[2]))
        parts: list[str] = []
        at = 0
        for start, end, _, new in splices:
            if start < at:
                raise AssertionError(f"{self.name}: overlapping text changes at offset {start}")
            parts.append(self.text[at:start])
            parts.append(new)
            at = end
        parts.append(self.text[at:])
        rendered = "".join(parts)
        enabled = gc.isenabled()
        gc.disable()  # the re-parse makes a million short-lived objects that hold no cycles
        try:
            try:
                reparsed = _parse(rendered, self.name, positions=False).data
            except InputError as exc:  # the input was fine: the rendering is at fault
                raise AssertionError(f"{self.name}: the rendered text does not parse: {exc}") from None
            check_rendering(reparsed, self.data, changes, self.name)
            del reparsed
        except RecursionError:  # comparing data nested almost as deep as libyaml allows
            raise InputError(
                "the document is nested too deeply to check the change", Location(self.name)
            ) from None
        finally:
            if enabled:
                gc.enable()
        return rendered

    def _splices(self, changes: list[Change]) -> Iterator[tuple[int, int, int, str]]:
        """Splices (start, end, depth, text): one per replaced value, one per mapping that gains keys."""
        inserts: dict[int, list[Change]] = {}
        for change in changes:
            mapping = self._target(change)
            entry = self.entries(mapping).get(change.key)
            if change.replaces and entry is not None and entry[2] < 0:
                yield self._replace(mapping, entry[0], entry[1], change)
            else:
                inserts.setdefault(mapping, []).append(change)
        for mapping, group in inserts.items():
            yield self._insert(mapping, group)

    def _target(self, change: Change) -> int:
        """The mapping a change goes into; refused when it is shared with another place."""
        found = self._resolve(change.parent)
        if found is None or self.tree.kind[found[0]] != _MAPPING:
            raise AssertionError(f"{self.name}: no mapping at {change.parent!r}")
        node, _, path = found
        chain = [*path, node]
        for depth, container in enumerate(chain):
            if container in self._shared:
                raise self._shared_error(change, container)
            source = self.entries(chain[depth - 1])[change.parent[depth - 1]][2] if depth else -1
            if source >= 0:  # reached through a merge key: it lives in the merged-in mapping
                raise self._shared_error(change, source)
        return node

    def _shared_error(self, change: Change, node: int) -> InputError:
        where = self.locate(change.parent) or Location(self.name)
        anchor = _ANCHOR.match(self.text, self.tree.start[node])
        defined = self.tree.where(node, self.name)
        if anchor is None:
            return InputError(
                f"cannot add {change.key!r} here: this mapping is shared through a YAML anchor (defined at "
                f"{defined}); changing it would change the other places too",
                where,
            )
        uses = [
            str(_offset_location(self.text, m.start(), self.name)) for m in self._aliases(anchor.group(1), 0)
        ]
        return InputError(
            f"cannot add {change.key!r} here: the mapping is anchored as &{anchor.group(1)} at {defined} "
            f"and also used at {', '.join(uses[:3]) or 'a merge key'}; changing it would change every place "
            "that uses it",
            where,
            hint="give this place its own copy of the mapping, or edit the anchor by hand",
        )

    def _aliases(self, anchor: str, after: int) -> Iterator[re.Match[str]]:
        return re.compile(r"\*" + re.escape(anchor) + r"(?![^\s,\[\]{}])").finditer(self.text, after)

    def _replace(self, mapping: int, key: int, value_node: int, change: Change) -> tuple[int, int, int, str]:
        tree = self.tree
        start, end, alias = self._occurrence(value_node, tree.end[key])
        depth = len(change.pointer)
        if not alias and (value_node in self._shared or self._anchor_used(value_node)):
            raise InputError(
                f"cannot change {change.key!r}: its value is a YAML anchor used elsewhere",
                tree.where(key, self.name),
                hint="edit the anchor by hand, or give this place its own value",
            )
        style = self._detect_style(mapping)
        nl = self.newline
        value = change.value
        blockable = isinstance(value, dict | list) and bool(value)
        kind, key_col = tree.kind[value_node], tree.col[key]
        if not alias and kind == _SCALAR and start == end:
            # An empty value (`key:` alone): a block value goes on new lines under the key.
            if blockable and not tree.style[mapping]:
                lines = _block_value(value, key_col, style)
                return _line_insert(self.text, self._line_end(end), lines, nl, depth)
            space = "" if self.text[start - 1 : start] in (" ", "\t") else " "
            return (start, end, depth, space + _flow(value, False))
        below = tree.line[value_node] > tree.line[key]
        if not alias and blockable and tree.is_block(value_node) and below:
            # Same place, same column; a mapping never sits at its key's column (a flush list may).
            column = value_col = tree.col[value_node]
            if isinstance(value, dict) and column <= key_col:
                column = key_col + style.step
            lines = _block_lines(value, column, style)
            # The line already holds `value_col` columns of indentation before `start`.
            text = lines[0][value_col:] + "".join(nl + line for line in lines[1:])
            return (start, self._content_end(value_node, start), depth, text)
        gap = self.text[tree.end[key] : start]
        if (
            not alias
            and blockable
            and not tree.style[mapping]
            and kind == _SCALAR
            and tree.style[value_node] in ("|", ">")
            and gap.strip(" \t") == ":"
        ):
            # A literal or folded block becoming a mapping or list: block lines under the key.
            lines = _block_value(value, key_col, style)
            colon = tree.end[key] + gap.index(":") + 1
            return (colon, self._content_end(value_node, start), depth, "".join(nl + line for line in lines))
        text = _flow(value, False)
        if not alias:  # a block value's end mark lies past its trailing comments and blank lines
            end = self._content_end(value_node, start)
            if tree.is_block(value_node) and gap.strip(" \t\r\n") == ":":
                # A block value becoming a flow one moves up next to its key (nothing but space between).
                start, text = tree.end[key] + gap.index(":") + 1, " " + text
            elif tree.is_block(value_node) and tree.col[value_node] <= key_col:
                text = " " * style.step + text  # a flush list's place: a flow value must sit deeper
        return (start, end, depth, text)

    def _insert(self, mapping: int, changes: list[Change]) -> tuple[int, int, int, str]:
        tree = self.tree
        depth = len(changes[0].parent)
        children = tree.children(mapping)
        if tree.style[mapping]:  # a flow mapping: `, key: value` after the last value
            json_like = bool(children) and tree.style[children[-2]] == '"'
            items = [f"{_flow(c.key, json_like)}: {_flow(c.value, json_like)}" for c in changes]
            if not children:
                brace = self.text.index("{", tree.start[mapping]) + 1
                return (brace, brace, depth, ", ".join(items))
            last_key = children[-2]
            if tree.line[last_key] != tree.line[mapping]:
                sep = "," + self.newline + " " * tree.col[last_key]
            else:
                sep = ", "
            after = tree.start[mapping]
            for child in children:  # the end of the last value, aliases included
                after = self._occurrence(child, after)[1]
            return (after, after, depth, "".join(sep + item for item in items))
        style = self._detect_style(mapping)
        own_keys = [
            children[i] for i in range(0, len(children), 2) if tree.start[children[i]] >= tree.start[mapping]
        ]
        column = self._key_column(own_keys[0]) if own_keys else tree.col[mapping]
        lines = [line for c in changes for line in _block_pair(c.key, c.value, column, style)]
        at = self._line_end(self._content_end(mapping, tree.start[mapping]))
        if at == len(self.text) and not self.text.endswith("\n") and own_keys:
            # The last line has no line break: adding one would change that line and, after a literal or
            # folded block, its value. Before the first key instead, when that key starts its line.
            first = tree.start[own_keys[0]]
            line_start = self.text.rfind("\n", 0, first) + 1
            if not self.text[line_start:first].strip(" "):
                return _line_insert(self.text, line_start, lines, self.newline, depth)
        return _line_insert(self.text, at, lines, self.newline, depth)

    # Where things stand in the text.

    def _key_column(self, key: int) -> int:
        """The column where a block mapping's keys stand: that of ``?`` for an explicit key."""
        start = self.tree.start[key]
        line_start = self.text.rfind("\n", 0, start) + 1
        prefix = self.text[line_start:start].rstrip(" ")
        if prefix.endswith("?") and (len(prefix) == 1 or prefix[-2] in " -"):
            return len(prefix) - 1
        return self.tree.col[key]

    def _content_end(self, node: int, after: int) -> int:
        """Where the content of `node`, standing at or after `after`, ends (trailing comments excluded)."""
        tree = self.tree
        while True:
            start, end, alias = self._occurrence(node, after)
            if alias:
                return end
            if tree.kind[node] == _SCALAR:
                return self._block_scalar_end(node) if tree.style[node] in ("|", ">") else end
            if tree.style[node] or not tree.count[node]:
                return end
            # Follow the last child; aliases among the children move where the text stands.
            at = start
            children = tree.children(node)
            for child in children[:-1]:
                at = self._occurrence(child, at)[1]
            after, node = at, children[-1]

    def _occurrence(self, node: int, after: int) -> tuple[int, int, bool]:
        """(start, end, is_alias) of `node` where it stands at or after `after`.

        An alias refers to an anchor that always stands earlier, so a node starting before `after` is an
        alias there: its `*name` token is searched for from `after`.
        """
        start = self.tree.start[node]
        if start >= after:
            return start, self.tree.end[node], False
        anchor = _ANCHOR.match(self.text, start)
        alias = next(self._aliases(anchor.group(1), after), None) if anchor is not None else None
        if alias is None:
            raise AssertionError(f"{self.name}: cannot find the alias standing at offset {after}")
        return alias.start(), alias.end(), True

    def _anchor_used(self, node: int) -> bool:
        start = self.tree.start[node]
        anchor = _ANCHOR.match(self.text, start)
        return anchor is not None and next(self._aliases(anchor.group(1), start), None) is not None

    def _block_scalar_end(self, node: int) -> int:
        """A literal/folded scalar owns its trailing blank lines only when it keeps them (``|+``, ``>+``)."""
        start, end = self.tree.start[node], self.tree.end[node]
        indicator = re.compile(r"[|>][-+0-9]*").search(self.text, start, end)
        if indicator is not None and "+" in indicator.group():
            # Its last line break is the end: the next line, where insertion starts, follows its blank lines.
            return end - 1 if end > start and self.text[end - 1] == "\n" else end
        return start + len(self.text[start:end].rstrip(" \t\r\n"))

    def _line_end(self, at: int) -> int:
        """The start of the line after the one holding offset `at` (the text's end on the last line)."""
        found = self.text.find("\n", at)
        return len(self.text) if found < 0 else found + 1

    def _detect_style(self, mapping: int) -> _Style:
        """The indentation around `mapping` where it shows, else the document's first, else 2 and indented."""
        step, lists = _style_in(self.tree, mapping)
        if self._style is None:
            self._style = self._global_style()
        return _Style(step or self._style.step, self._style.indent_lists if lists is None else lists)

    def _global_style(self) -> _Style:
        tree = self.tree
        step, lists = 0, None
        stack = [0]
        seen = 0
        while stack and seen < 20_000 and not (step and lists is not None):
            node = stack.pop()
            seen += 1
            if not tree.is_block(node):
                continue
            if tree.kind[node] == _MAPPING:
                found_step, found_lists = _style_in(tree, node)
                step = step or found_step
                lists = found_lists if lists is None else lists
            stack.extend(reversed(tree.children(node)))
        return _Style(step or 2, True if lists is None else lists)


def _style_in(tree: _Tree, mapping: int) -> tuple[int, bool | None]:
    """The indentation step (0: not shown) and list placement (None: not shown) of one block mapping."""
    step, lists = 0, None
    children = tree.children(mapping)
    for i in range(0, len(children), 2):
        key, value = children[i], children[i + 1]
        if not tree.is_block(value) or tree.start[value] < tree.end[key]:
            continue  # nothing to learn, or an alias (its node stands elsewhere)
        if tree.kind[value] == _MAPPING and not step:
            first = tree.kids[tree.first[value]]
            if tree.line[first] > tree.line[key]:
                step = max(0, tree.col[first] - tree.col[key])
        elif tree.kind[value] == _SEQUENCE and lists is None and tree.line[value] > tree.line[key]:
            lists = tree.col[value] > tree.col[key]
    return step, lists


def _line_insert(text: str, at: int, lines: list[str], nl: str, depth: int) -> tuple[int, int, int, str]:
    """Whole lines inserted at the line start `at` (or after a last line that has no line break)."""
    if at == len(text) and text and not text.endswith("\n"):
        return (at, at, depth, "".join(nl + line for line in lines))
    return (at, at, depth, "".join(line + nl for line in lines))


# --- writing values ----------------------------------------------------------------------------------


def _block_pair(key: str, value: Any, column: int, style: _Style) -> list[str]:
    pad = " " * column
    head = pad + _flow(key, False) + ":"
    if isinstance(value, dict | list) and value:
        return [head, *_block_value(value, column, style)]
    return [f"{head} {_flow(value, False)}"]


def _block_value(value: dict[str, Any] | list[Any], column: int, style: _Style) -> list[str]:
    """The lines of a non-empty mapping or list that is the value of a key at `column`."""
    if isinstance(value, dict):
        return _block_lines(value, column + style.step, style)
    return _block_lines(value, column + style.step if style.indent_lists else column, style)


def _block_lines(value: dict[str, Any] | list[Any], column: int, style: _Style) -> list[str]:
    """A non-empty mapping or list in block style, its first line starting at `column`."""
    if isinstance(value, dict):
        return [line for k, v in value.items() for line in _block_pair(k, v, column, style)]
    lines: list[str] = []
    pad = " " * column
    for item in value:
        if isinstance(item, dict | list) and item:
            inner = _block_lines(item, column + 2, style)
            lines.append(pad + "- " + inner[0][column + 2 :])
            lines.extend(inner[1:])
        else:
            lines.append(f"{pad}- {_flow(item, False)}")
    return lines


def _flow(value: Any, json_like: bool) -> str:
    """A value on one line: flow collections, plain scalars where no reader could misread them."""
    if isinstance(value, dict):
        pairs = (f"{_flow(k, json_like)}: {_flow(v, json_like)}" for k, v in value.items())
        return "{" + ", ".join(pairs) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v, json_like) for v in value) + "]"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    if isinstance(value, str):
        if not json_like and _plain_ok(value):
            return value
        return _double_quoted(value)
    raise TypeError(f"cannot write a {type(value).__name__} as YAML")


# Plain scalars other YAML readers (1.1 or 1.2) could read as something else than this string.
_TYPED_11 = re.compile(
    r"""(?x)
    (?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF
      |~|null|Null|NULL|<<|=)$
    | [-+]?\.?[0-9]
    | [-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$
    """
)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]|: |:$| #|[,\[\]{}]")


def _plain_ok(value: str) -> bool:
    return bool(
        value
        and value[0] not in "-?:,[]{}#&*!|>'\"%@` \t"
        and not value.startswith("...")  # a document end marker at the start of a line
        and value[-1] not in " \t"
        and not _TYPED_11.match(value)
        and not _UNSAFE.search(value)
    )


_ESCAPES = {
    "\0": "\\0",
    "\a": "\\a",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\v": "\\v",
    "\f": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
    '"': '\\"',
    "\\": "\\\\",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
}
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]')


def _double_quoted(value: str) -> str:
    return '"' + _NEEDS_ESCAPE.sub(_escape, value) + '"'


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    known = _ESCAPES.get(char)
    if known is not None:
        return known
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        raise InputError(f"cannot write the lone surrogate U+{code:04X} in YAML")
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
