"""OpenAPI validation with openapi-spec-validator's verdict, several times faster on big documents.

`validate_spec` gives the same verdict as ``openapi_spec_validator.validate()`` (0.9.x) because it runs that
library's own two stages:

1. the JSON Schema stage: the bundled official schema of the detected version, through the library's own
   validator object (jsonschema-rs when installed, as the library picks it);
2. the keyword stage: the library's keyword validators (``validation/keywords.py``), unchanged in logic.

The keyword stage is where the time goes: it walks the document through jsonschema-path accessors that
re-resolve every path from the root, keeps already-checked schemas in lists (quadratic membership tests) and
checks every schema object against its meta-schema in pure Python. Here the same validators walk `_DocPath`
objects instead: paths that resolve each step once from their parent, following ``$ref`` through the same
`referencing` registry set-up, with the lookups cached. Already-checked schema ids live in sets, allOf
property names are collected once per schema, and each meta-schema check runs in jsonschema-rs first, falling
back to the library's own check (the authority) whenever jsonschema-rs says no or cannot read the schema.

Whatever fails in the library as an exception (a dangling ``$ref``, an unknown version, ``openapi: 3.0`` read
as a number, integer keys) is reported here as a `SpecError`; nothing but a `SpecError` list leaves
`validate_spec`. Heavy modules are imported on first use, not with this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, partial
from typing import Any, cast
from urllib.parse import unquote


@dataclass(frozen=True)
class SpecError:
    """One reason the document is not a valid OpenAPI document."""

    message: str
    pointer: tuple[str | int, ...]  # JSON pointer steps to the offending value, () if unknown


# Long messages (jsonschema-rs quotes whole sub-documents) are cut to this many characters.
_MAX_MESSAGE = 400
# Attribute names under which located information rides on the library's error objects.
_WHERE = "_apigw_where"
_KIND = "_apigw_kind"
# Same version grammar and order as openapi_spec_validator.versions (2.0, 3.0, 3.1, 3.2).
_VERSION_PATTERN = re.compile(r"(?P<major>\d+)\.(?P<minor>\d+)(\..*)?")
_VERSIONS: tuple[tuple[str, str, str], ...] = (
    ("swagger", "2", "0"),
    ("openapi", "3", "0"),
    ("openapi", "3", "1"),
    ("openapi", "3", "2"),
)


def validate_spec(data: Any) -> list[SpecError]:
    """Check an OpenAPI 2.0, 3.0, 3.1 (or 3.2) document given as plain JSON data; ``[]`` means valid."""
    if not isinstance(data, dict):
        return [SpecError(f"an OpenAPI document must be a mapping, not {type(data).__name__}", ())]
    version = _detect_version(data)
    if isinstance(version, SpecError):
        return [version]
    try:
        engine = _engine()
    except Exception as exc:  # a broken installation is a finding, not a crash of the caller
        return [SpecError(f"the OpenAPI validator cannot start: {_describe(exc)}", ())]
    return engine.validate(version[1], data)


def _detect_version(data: dict[Any, Any]) -> tuple[str, str] | SpecError:
    """The version key the library would pick, or why it would not pick one."""
    for keyword, major, minor in _VERSIONS:
        if keyword not in data:
            continue
        value = data[keyword]
        if not isinstance(value, str):
            # The library feeds the value to re.match and fails with a TypeError.
            return SpecError(
                f'{keyword!r} must be a string such as "{"2.0" if keyword == "swagger" else "3.0.3"}", '
                f"not {type(value).__name__} {value!r} (quote it in YAML)",
                (keyword,),
            )
        match = _VERSION_PATTERN.match(value)
        if match and match["major"] == major and match["minor"] == minor:
            return keyword, f"{major}.{minor}"
    present = [k for k in ("swagger", "openapi") if k in data]
    if present:
        return SpecError(
            f"unsupported version {present[0]}: {data[present[0]]!r}; expected swagger 2.0 or openapi 3.0.x, "
            "3.1.x or 3.2.x",
            (present[0],),
        )
    return SpecError("no version: an OpenAPI document needs 'openapi: 3.0.x' (or 'swagger: \"2.0\"')", ())


def _describe(exc: BaseException) -> str:
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
    return _shorten(f"{type(exc).__name__}: {text}")


def _shorten(text: str) -> str:
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def _steps(path: Any) -> tuple[str | int, ...]:
    return tuple(step if isinstance(step, int | str) else str(step) for step in path)


# ---------------------------------------------------------------------------------------------------------
# Paths over plain data, with the semantics of jsonschema_path.SchemaPath that the keyword validators use.


class _NotSet:
    pass


_NOT_SET = _NotSet()


def _subnode(node: Any, key: Any) -> Any:
    """One step down, failing like pathable's accessor (KeyError for anything missing or unindexable)."""
    try:
        return node[key]
    except (KeyError, IndexError, TypeError) as exc:
        raise KeyError(key) from exc


class _Resolved:
    """What SchemaPath.resolve() yields: the node and the resolver in effect there."""

    __slots__ = ("contents", "resolver")

    def __init__(self, contents: Any, resolver: Any) -> None:
        self.contents = contents
        self.resolver = resolver


class _Context:
    """Per-document state: the root, its `referencing` resolver and a cache of ``$ref`` lookups."""

    def __init__(self, data: dict[str, Any], resolver: Any) -> None:
        self.root = data
        self.resolver = resolver
        # The innermost path being checked when an exception escaped, for its pointer.
        self.failed_at: _DocPath | None = None
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


class _DocPath:
    """A lazily resolved location in the document, duck-typed as jsonschema_path.SchemaPath."""

    __slots__ = ("_ctx", "_key", "_memo", "_parent", "parts")

    def __init__(self, ctx: _Context, parent: _DocPath | None, key: Any, parts: tuple[Any, ...]) -> None:
        self._ctx = ctx
        self._parent = parent
        self._key = key
        self.parts = parts
        self._memo: tuple[Any, Any, tuple[str | int, ...]] | None = None

    def _resolved(self) -> tuple[Any, Any, tuple[str | int, ...]]:
        memo = self._memo
        if memo is None:
            ctx = self._ctx
            if self._parent is None:
                memo = ctx.resolve(ctx.root, ctx.resolver, ())
            else:
                node, resolver, location = self._parent._resolved()
                memo = ctx.resolve(_subnode(node, self._key), resolver, (*location, self._key))
            self._memo = memo
        return memo

    def location(self) -> tuple[str | int, ...]:
        """Where the value behind this path is defined (the target of a ``$ref``), as far as known."""
        try:
            return self._resolved()[2]
        except Exception:
            if self._parent is None:
                return ()
            return (*self._parent.location(), *_steps((self._key,)))

    def _child(self, key: Any) -> _DocPath:
        return _DocPath(self._ctx, self, key, (*self.parts, key))

    # -- the SchemaPath surface used by openapi_spec_validator.validation.keywords --

    def __truediv__(self, key: Any) -> _DocPath:
        return self._child(key)

    def __contains__(self, key: Any) -> bool:
        try:
            node = self._resolved()[0]
        except (KeyError, IndexError, TypeError):
            return False
        if isinstance(node, dict):
            return key in node
        if isinstance(node, list):
            return isinstance(key, int) and 0 <= key < len(node)
        return False

    def keys(self) -> Any:
        node = self._resolved()[0]
        if isinstance(node, dict):
            return node.keys()
        if isinstance(node, list):
            return range(len(node))
        if self.parts:
            raise KeyError(self.parts[-1])
        raise KeyError

    def __iter__(self) -> Iterator[_DocPath]:
        for key in self.keys():
            yield self._child(key)

    def items(self) -> Iterator[tuple[Any, _DocPath]]:
        for key in self.keys():
            yield key, self._child(key)

    def __getitem__(self, key: Any) -> Any:
        child = _subnode(self._resolved()[0], key)
        if isinstance(child, Mapping | list):
            return self._child(key)
        return child

    def read_value(self) -> Any:
        return self._resolved()[0]

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
    def resolve(self) -> Iterator[_Resolved]:
        node, resolver, _ = self._resolved()
        yield _Resolved(node, resolver)

    def _clone_with_parts(self, parts: tuple[Any, ...]) -> _DocPath:
        path = _DocPath(self._ctx, None, None, ())
        for key in parts:
            path = path._child(key)
        return path

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _DocPath) and other._ctx is self._ctx and other.parts == self.parts

    def __hash__(self) -> int:
        return hash(self.parts)

    def __repr__(self) -> str:
        return f"_DocPath({self.parts!r})"


class _IdSet(set[int]):
    """The library keeps visited schema ids in a list; a set answers `in` without scanning."""

    def append(self, item: int) -> None:
        self.add(item)


# ---------------------------------------------------------------------------------------------------------
# The engine: the library's stages, wired to the paths above. Built once, on first use.


class _Engine:
    def __init__(self) -> None:
        from jsonschema_path.retrievers import SchemaRetriever
        from openapi_spec_validator.validation import keywords
        from openapi_spec_validator.validation.registries import KeywordValidatorRegistry
        from openapi_spec_validator.validation.validators import (
            OpenAPIV2SpecValidator,
            OpenAPIV30SpecValidator,
            OpenAPIV31SpecValidator,
            OpenAPIV32SpecValidator,
            SpecValidator,
        )
        from referencing import Registry
        from referencing.jsonschema import DRAFT202012

        self._registry_cls = KeywordValidatorRegistry
        self._specification = DRAFT202012
        # No handlers: a document from a pull request must not make validation read local files or call
        # URLs (the library's default would fetch file:// and http(s):// references); API Gateway's import
        # resolves none of them either.
        self._retriever = SchemaRetriever({}, DRAFT202012)
        self._registry = Registry
        meta_checks = _meta_checks()
        classes: dict[str, type[SpecValidator]] = {
            "2.0": OpenAPIV2SpecValidator,
            "3.0": OpenAPIV30SpecValidator,
            "3.1": OpenAPIV31SpecValidator,
            "3.2": OpenAPIV32SpecValidator,
        }
        self._classes = classes
        self._keyword_classes: dict[str, dict[str, type[Any]]] = {
            version: {
                name: _located_class(keywords, name, base, meta_checks)
                for name, base in cls.keyword_validators.items()
            }
            for version, cls in classes.items()
        }

    def validate(self, version: str, data: dict[str, Any]) -> list[SpecError]:
        # The same registry set-up as jsonschema_path.SchemaPath.from_dict(data, base_uri="").
        registry = self._registry(retrieve=self._retriever).with_resource(  # type: ignore[call-arg]
            "", self._specification.create_resource(data)
        )
        ctx = _Context(data, registry.resolver(base_uri=""))
        root = _DocPath(ctx, None, None, ())
        try:
            # The library validates the root as read through its path, which follows a root-level $ref.
            document = root.read_value()
        except Exception as exc:
            return [SpecError(_describe(exc), ())]
        errors = self._schema_stage(version, document)
        if errors:
            return errors  # the library stops at the first error, so it never runs the keyword stage then
        return self._keyword_stage(version, root)

    def _schema_stage(self, version: str, document: Any) -> list[SpecError]:
        validator = self._classes[version].schema_validator
        # With the jsonschema-rs backend, read its own errors: the library's wrapper drops their branches.
        native = getattr(validator, "_rs_validator", None) or validator
        try:
            return [_schema_error(document, error) for error in native.iter_errors(document)]
        except Exception as exc:  # e.g. integer keys, which neither backend can match against patterns
            return [_unreadable(document, exc)]

    def _keyword_stage(self, version: str, root: _DocPath) -> list[SpecError]:
        keyword_registry = self._registry_cls(self._keyword_classes[version])
        found: list[SpecError] = []
        try:
            root_validator: Any = keyword_registry["__root__"]
            for error in root_validator(root):
                found.append(_keyword_error(error))
        except Exception as exc:  # the library stops at exceptions too; report where it happened
            where = root._ctx.failed_at
            found.append(SpecError(_describe(exc), where.location() if where is not None else ()))
        return found


@cache
def _engine() -> _Engine:
    return _Engine()


class _MetaChecks:
    """Fast "yes" answers for the library's meta-schema checks of schema objects, from jsonschema-rs.

    The library checks each schema with ``check_openapi_schema``: the draft 4 meta-schema for 2.0/3.0, the OAS
    3.1/3.2 dialect meta-schemas for later versions, each with a format checker. The same meta-schema runs
    here in jsonschema-rs, with every format it names checked by that same Python format checker, so both
    read patterns with Python's ``re``. A "no" (or a schema jsonschema-rs cannot read) goes to the library's
    own check, which has the last word; only the "yes" is taken from jsonschema-rs.
    """

    def __init__(self) -> None:
        import jsonschema_rs
        from openapi_schema_validator import OAS30Validator, OAS31Validator, OAS32Validator
        from openapi_schema_validator._specifications import REGISTRY

        self._rs = jsonschema_rs
        self._classes = (OAS30Validator, OAS31Validator, OAS32Validator)
        # The library's own copies of the json-schema.org and OpenAPI meta-schemas.
        self._resources = [(uri, REGISTRY.contents(uri)) for uri in REGISTRY]
        # Every format any of them names (``regex`` sits in json-schema.org's validation vocabulary) goes to
        # the Python checker: a format left to jsonschema-rs would be judged by its own rules (ECMA-262
        # regexes), which can say yes where Python's ``re`` says no.
        self._formats = _format_names([contents for _, contents in self._resources], set())
        self._built: dict[tuple[type[Any], int], tuple[Any, Callable[[Any], bool]]] = {}

    def fast_for(self, slow: Callable[[Any], None]) -> Callable[[Any], bool] | None:
        """A quick pass test agreeing with `slow` (``cls.check_schema``, maybe a partial) on every "yes"."""
        func = slow.func if isinstance(slow, partial) else slow
        cls = getattr(func, "__self__", None)
        if cls not in self._classes or getattr(func, "__func__", None) is not cls.check_schema.__func__:
            return None
        keywords = slow.keywords if isinstance(slow, partial) else {}
        format_checker = keywords.get("format_checker", cls.FORMAT_CHECKER)
        key = (cls, id(format_checker))
        built = self._built.get(key)
        if built is None:
            built = (format_checker, self._build(cls.META_SCHEMA, format_checker))
            self._built[key] = built  # the checker is kept with it, so its id stays its own
        return built[1]

    def _build(self, meta_schema: Any, format_checker: Any) -> Callable[[Any], bool]:
        def conforms(name: str) -> Callable[[Any], bool]:
            return lambda value: bool(format_checker.conforms(value, name))

        validator = self._rs.validator_for(
            dict(meta_schema),
            registry=self._rs.Registry(self._resources),
            formats={name: conforms(name) for name in _format_names([meta_schema], set(self._formats))},
            validate_formats=True,
        )

        def passes(schema: Any) -> bool:
            try:
                return bool(validator.is_valid(schema))
            except Exception:  # values jsonschema-rs cannot read (dates, integer keys): ask the library
                return False

        return passes


def _meta_checks() -> _MetaChecks | None:
    try:
        return _MetaChecks()
    except ImportError:  # without jsonschema-rs every schema takes the library's own (slower) check
        return None


def _format_names(nodes: list[Any], found: set[str]) -> set[str]:
    for node in nodes:
        if isinstance(node, dict):
            name = node.get("format")
            if isinstance(name, str):
                found.add(name)
            _format_names(list(node.values()), found)
        elif isinstance(node, list):
            _format_names(node, found)
    return found


def _located_class(keywords: Any, name: str, base: type[Any], meta_checks: _MetaChecks | None) -> type[Any]:
    """The library's keyword validator `base`, recording where its errors and exceptions happen."""
    suffix: tuple[str, ...] = ("default",) if name == "default" else ()
    kind = "default" if name == "default" else None

    class Located(base):  # type: ignore[misc]
        def __call__(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
            where = next((a for a in args if isinstance(a, _DocPath)), None)
            try:
                for error in super().__call__(*args, **kwargs):
                    if where is not None and _WHERE not in error.__dict__:
                        error.__dict__[_WHERE] = (where, suffix)
                        if kind is not None:
                            error.__dict__.setdefault(_KIND, kind)
                    yield error
            except Exception:
                # Innermost first: referencing's exceptions are frozen, so the place is kept aside.
                if where is not None and where._ctx.failed_at is None:
                    where._ctx.failed_at = where
                raise

    if issubclass(base, keywords.SchemaValidator):

        class LocatedSchema(Located):
            def __init__(self, registry: Any) -> None:
                super().__init__(registry)
                self.visited_schema_ids = _IdSet()
                self.meta_checked_schema_ids = _IdSet()
                self._collected: dict[tuple[int, str], set[str]] = {}
                self._collecting: set[tuple[int, str]] = set()

            def _collect_properties(self, schema: Any) -> set[str]:
                # The library walks allOf/anyOf/oneOf/items/not afresh for every path to a schema, which is
                # exponential for shared sub-schemas (diamonds), and overflows the stack on a cycle. Same
                # result here, once per resolved schema; a cycle still ends in RecursionError.
                try:
                    node, resolver, _ = schema._resolved()
                except Exception:
                    return cast(set[str], super()._collect_properties(schema))
                key = (id(node), resolver._base_uri)
                known = self._collected.get(key)
                if known is not None:
                    return set(known)
                if key in self._collecting:
                    raise RecursionError(
                        "under allOf, this schema reaches itself again through allOf/anyOf/oneOf/items/not, "
                        "which openapi-spec-validator cannot check (it recurses without end)"
                    )
                self._collecting.add(key)
                try:
                    found = cast(set[str], super()._collect_properties(schema))
                finally:
                    self._collecting.discard(key)
                self._collected[key] = found
                return set(found)

            def _get_schema_checker(self, schema: Any, schema_value: Any) -> Callable[[Any], None]:
                slow: Callable[[Any], None] = super()._get_schema_checker(schema, schema_value)
                fast = meta_checks.fast_for(slow) if meta_checks is not None else None
                if fast is None:
                    return slow

                def checker(value: Any) -> None:
                    if not fast(value):
                        slow(value)

                return checker

            def _validate_schema_meta(self, schema: Any, schema_value: Any) -> Any:
                error = super()._validate_schema_meta(schema, schema_value)
                if error is not None:
                    error.__dict__[_KIND] = "schema"
                return error

        return LocatedSchema
    return Located


def _keyword_error(error: Any) -> SpecError:
    where, suffix = error.__dict__.get(_WHERE, (None, ()))
    base = where.location() if isinstance(where, _DocPath) else ()
    pointer = (*base, *suffix, *_steps(getattr(error, "path", ())))
    message = _shorten(str(getattr(error, "message", error)))
    kind = error.__dict__.get(_KIND)
    if kind == "schema":
        message = f"invalid schema: {message}"
    elif kind == "default":
        message = f"default does not match its schema: {message}"
    return SpecError(message, pointer)


# ---------------------------------------------------------------------------------------------------------
# Messages for the JSON Schema stage.


def _schema_error(document: Any, error: Any) -> SpecError:
    """The most specific cause of a schema-stage error: oneOf/anyOf failures hide it in their branches."""
    steps, message = _cause(error)
    return SpecError(_shorten(message), _pointer_in(document, steps))


def _cause(error: Any) -> tuple[tuple[str | int, ...], str]:
    own_path = _steps(getattr(error, "instance_path", None) or getattr(error, "absolute_path", None) or ())
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
                    (*path, *_steps((key,))),
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


def _unreadable(document: Any, exc: Exception) -> SpecError:
    """Why the JSON Schema stage could not even read the document."""
    try:
        found = _not_json(document)
    except RecursionError:
        found = None
    if found is not None:
        return SpecError(found[1], found[0])
    return SpecError(_describe(exc), ())
