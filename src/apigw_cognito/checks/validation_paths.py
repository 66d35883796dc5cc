"""Located paths over plain data: what openapi-spec-validator's keyword validators walk, made cheap.

The library's keyword validators walk `jsonschema_path.SchemaPath` objects, which re-resolve every path from
the root. `DocPath` offers the same surface (``/``, ``in``, ``keys``, ``items``, ``read_value``,
``resolve`` ...) but resolves each step once from its parent and follows ``$ref`` through the same
`referencing` registry set-up, with the lookups cached per document in a `DocContext`. Each path also knows
where its value is defined, so errors can be placed at a JSON pointer. Nothing here imports the library.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote

from apigw_cognito.checks.validation_messages import pointer_steps


class _NotSet:
    pass


_NOT_SET = _NotSet()


def subnode(node: Any, key: Any) -> Any:
    """One step down, failing like pathable's accessor (KeyError for anything missing or unindexable)."""
    try:
        return node[key]
    except (KeyError, IndexError, TypeError) as exc:
        raise KeyError(key) from exc


class Resolved:
    """What SchemaPath.resolve() yields: the node and the resolver in effect there."""

    __slots__ = ("contents", "resolver")

    def __init__(self, contents: Any, resolver: Any) -> None:
        self.contents = contents
        self.resolver = resolver


class DocContext:
    """Per-document state: the root, its `referencing` resolver and a cache of ``$ref`` lookups."""

    def __init__(self, data: dict[str, Any], resolver: Any) -> None:
        self.root = data
        self.resolver = resolver
        # The innermost path being checked when an exception escaped, for its pointer.
        self.failed_at: DocPath | None = None
        self._lookups: dict[tuple[str, str], tuple[Any, tuple[str | int, ...] | None]] = {}

    def lookup(self, resolver: Any, ref: str) -> tuple[Any, tuple[str | int, ...] | None]:
        base = resolver._base_uri
        key = (base, ref)
        hit = self._lookups.get(key)
        if hit is None:
            resolved = resolver.lookup(ref)  # failures propagate with referencing's own exception types
            hit = (resolved, self._location_of(ref) if base == "" else None)
            self._lookups[key] = hit
        return hit

    def _location_of(self, ref: str) -> tuple[str | int, ...] | None:
        """Steps of a same-document ``#/...`` reference, for messages."""
        if not ref.startswith("#"):
            return None
        fragment = unquote(ref[1:])
        if not fragment:
            return ()
        if not fragment.startswith("/"):
            return None
        node: Any = self.root
        steps: list[str | int] = []
        for raw in fragment[1:].split("/"):
            step: str | int = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, list):
                if not raw.isdigit():
                    return None
                step = int(raw)
            try:
                node = node[step]
            except (LookupError, TypeError):
                return None
            steps.append(step)
        return tuple(steps)

    def resolve(
        self, node: Any, resolver: Any, location: tuple[str | int, ...]
    ) -> tuple[Any, Any, tuple[str | int, ...]]:
        """Follow ``$ref`` chains as jsonschema_path.nodes.SchemaNode._resolve_node does."""
        seen: set[tuple[str, str]] | None = None
        while isinstance(node, dict) and "$ref" in node and isinstance(node["$ref"], str):
            ref = node["$ref"]
            resolved, target = self.lookup(resolver, ref)
            if seen is None:
                seen = set()
            hop = (resolver._base_uri, ref)
            if hop in seen:
                # The library recurses here until Python gives up.
                raise RecursionError(f"$ref cycle: {ref!r} leads back to itself")
            seen.add(hop)
            node, resolver = resolved.contents, resolved.resolver
            if target is not None:
                location = target
        return node, resolver, location


class DocPath:
    """A lazily resolved location in the document, duck-typed as jsonschema_path.SchemaPath."""

    __slots__ = ("_key", "_memo", "_parent", "context", "parts")

    def __init__(self, ctx: DocContext, parent: DocPath | None, key: Any, parts: tuple[Any, ...]) -> None:
        self.context = ctx
        self._parent = parent
        self._key = key
        self.parts = parts
        self._memo: tuple[Any, Any, tuple[str | int, ...]] | None = None

    def resolved(self) -> tuple[Any, Any, tuple[str | int, ...]]:
        memo = self._memo
        if memo is None:
            ctx = self.context
            if self._parent is None:
                memo = ctx.resolve(ctx.root, ctx.resolver, ())
            else:
                node, resolver, location = self._parent.resolved()
                memo = ctx.resolve(subnode(node, self._key), resolver, (*location, self._key))
            self._memo = memo
        return memo

    def location(self) -> tuple[str | int, ...]:
        """Where the value behind this path is defined (the target of a ``$ref``), as far as known."""
        try:
            return self.resolved()[2]
        except Exception:
            if self._parent is None:
                return ()
            return (*self._parent.location(), *pointer_steps((self._key,)))

    def _child(self, key: Any) -> DocPath:
        return DocPath(self.context, self, key, (*self.parts, key))

    # -- the SchemaPath surface used by openapi_spec_validator.validation.keywords --

    def __truediv__(self, key: Any) -> DocPath:
        return self._child(key)

    def __contains__(self, key: Any) -> bool:
        # The keyword validators ask this about every schema keyword: the memo is read here directly.
        memo = self._memo
        if memo is None:
            try:
                memo = self.resolved()
            except (KeyError, IndexError, TypeError):
                return False
        node = memo[0]
        if isinstance(node, dict):
            return key in node
        if isinstance(node, list):
            return isinstance(key, int) and 0 <= key < len(node)
        return False

    def keys(self) -> Any:
        node = self.resolved()[0]
        if isinstance(node, dict):
            return node.keys()
        if isinstance(node, list):
            return range(len(node))
        if self.parts:
            raise KeyError(self.parts[-1])
        raise KeyError

    def __iter__(self) -> Iterator[DocPath]:
        for key in self.keys():
            yield self._child(key)

    def items(self) -> Iterator[tuple[Any, DocPath]]:
        for key in self.keys():
            yield key, self._child(key)

    def __getitem__(self, key: Any) -> Any:
        child = subnode(self.resolved()[0], key)
        if isinstance(child, Mapping | list):
            return self._child(key)
        return child

    def read_value(self) -> Any:
        memo = self._memo
        return (memo if memo is not None else self.resolved())[0]

    def read_str(self, default: Any = _NOT_SET) -> Any:
        try:
            value = self.read_value()
        except KeyError:
            if default is not _NOT_SET:
                return default
            raise
        if not isinstance(value, str):
            raise TypeError(f"Expected a string value, got {type(value)}")
        return value

    @contextmanager
    def resolve(self) -> Iterator[Resolved]:
        node, resolver, _ = self.resolved()
        yield Resolved(node, resolver)

    def _clone_with_parts(self, parts: tuple[Any, ...]) -> DocPath:
        path = DocPath(self.context, None, None, ())
        for key in parts:
            path = path._child(key)
        return path

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DocPath) and other.context is self.context and other.parts == self.parts

    def __hash__(self) -> int:
        return hash(self.parts)

    def __repr__(self) -> str:
        return f"DocPath({self.parts!r})"
