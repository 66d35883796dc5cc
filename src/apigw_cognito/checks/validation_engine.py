"""The validation engine: openapi-spec-validator's two stages, wired to `DocPath` and built once.

The JSON Schema stage runs the bundled official schema of the version through the library's own validator
object (jsonschema-rs when installed, as the library picks it), reading jsonschema-rs's own errors since the
library's wrapper drops their branches. The keyword stage runs the library's keyword validators unchanged in
logic, subclassed (`located_class`) only to record where each error and exception happens, to keep
already-checked schema ids in sets instead of lists, to collect allOf property names once per schema, and
to try each meta-schema check in jsonschema-rs first (`MetaChecks`), falling back to the library's own
check, which has the last word, whenever jsonschema-rs says no or cannot read the schema.

The library and jsonschema-rs are imported when the engine is built, on first use: importing them costs
start-up 0.1 s, which commands that never validate must not pay. The library's settings module is served by
`validation_imports`, which leaves pydantic and requests out (0.15 to 0.4 s more).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import cache, partial
from importlib import resources
from typing import Any, cast

from apigw_cognito.checks.validation_imports import lean_imports
from apigw_cognito.checks.validation_messages import (
    SpecError,
    describe,
    pointer_steps,
    schema_error,
    shorten,
    unreadable,
)
from apigw_cognito.checks.validation_paths import DocContext, DocPath

# Attribute names under which located information rides on the library's error objects.
_WHERE = "_apigw_where"
_KIND = "_apigw_kind"


class _IdSet(set[int]):
    """The library keeps visited schema ids in a list; a set answers `in` without scanning."""

    def append(self, item: int) -> None:
        self.add(item)


class Engine:
    def __init__(self) -> None:
        # The validator and its friends cost 0.1 s to import: only a run that validates pays for them, and
        # without pydantic and requests, which would cost more than the rest together (`validation_imports`).
        with lean_imports():
            from openapi_spec_validator.schemas.backend import get_validator_for  # noqa: PLC0415
            from openapi_spec_validator.validation import keywords  # noqa: PLC0415
            from openapi_spec_validator.validation.registries import KeywordValidatorRegistry  # noqa: PLC0415
            from openapi_spec_validator.validation.validators import (  # noqa: PLC0415
                OpenAPIV2SpecValidator,
                OpenAPIV30SpecValidator,
                OpenAPIV31SpecValidator,
                OpenAPIV32SpecValidator,
                SpecValidator,
            )
            from referencing import Registry  # noqa: PLC0415
            from referencing.jsonschema import DRAFT202012  # noqa: PLC0415

        self._registry_cls = KeywordValidatorRegistry
        self._validator_for = get_validator_for
        self._schema_validators: dict[str, Any] = {}
        self._specification = DRAFT202012
        # A document from a pull request must not make validation read local files or call URLs (the
        # library's default would fetch file:// and http(s):// references, and jsonschema-path's retriever
        # still does so for schemes it has no handler for); API Gateway's import resolves none of them either.
        self._retriever = _refuse_to_fetch
        self._registry = Registry
        meta_checks = build_meta_checks()
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
        ctx = DocContext(data, registry.resolver(base_uri=""))
        root = DocPath(ctx, None, None, ())
        try:
            # The library validates the root as read through its path, which follows a root-level $ref.
            document = root.read_value()
        except Exception as exc:
            return [SpecError(describe(exc), ())]
        errors = self._schema_stage(version, document)
        if errors:
            return errors  # the library stops at the first error, so it never runs the keyword stage then
        return self._keyword_stage(version, root)

    def _schema_stage(self, version: str, document: Any) -> list[SpecError]:
        validator = self._schema_validator(version)
        # With the jsonschema-rs backend, read its own errors: the library's wrapper drops their branches.
        native = getattr(validator, "_rs_validator", None) or validator
        try:
            return [schema_error(document, error) for error in native.iter_errors(document)]
        except Exception as exc:  # e.g. integer keys, which neither backend can match against patterns
            return [unreadable(document, exc)]

    def _schema_validator(self, version: str) -> Any:
        """The library's validator for the official schema of `version`, the schema read as JSON.

        The library reads its bundled schema files through a YAML loader (10 ms for the 3.0 schema); the
        same files read with `json` give equal data (`tests/unit/checks/test_validation.py`).
        """
        validator = self._schema_validators.get(version)
        if validator is None:
            validator = self._schema_validators[version] = self._validator_for(official_schema(version))
        return validator

    def _keyword_stage(self, version: str, root: DocPath) -> list[SpecError]:
        keyword_registry = self._registry_cls(self._keyword_classes[version])
        found: list[SpecError] = []
        try:
            root_validator: Any = keyword_registry["__root__"]
            for error in root_validator(root):
                found.append(_keyword_error(error))
        except Exception as exc:  # the library stops at exceptions too; report where it happened
            where = root.context.failed_at
            found.append(SpecError(describe(exc), where.location() if where is not None else ()))
        return found


def official_schema(version: str) -> dict[str, Any]:
    """The official JSON Schema of an OpenAPI version, from openapi-spec-validator's own files."""
    folder = resources.files("openapi_spec_validator") / "resources" / "schemas" / f"v{version}"
    return cast(dict[str, Any], json.loads((folder / "schema.json").read_bytes()))


def _refuse_to_fetch(uri: str) -> Any:
    # `referencing` reports any failure to retrieve as an unresolvable reference.
    raise LookupError(f"external reference {uri!r}: not fetched")


@cache
def engine() -> Engine:
    return Engine()


class MetaChecks:
    """Fast "yes" answers for the library's meta-schema checks of schema objects, from jsonschema-rs.

    The library checks each schema with ``check_openapi_schema``: the draft 4 meta-schema for 2.0/3.0, the OAS
    3.1/3.2 dialect meta-schemas for later versions, each with a format checker. The same meta-schema runs
    here in jsonschema-rs, with every format it names checked by that same Python format checker, so both
    read patterns with Python's ``re``. A "no" (or a schema jsonschema-rs cannot read) goes to the library's
    own check, which has the last word; only the "yes" is taken from jsonschema-rs.
    """

    def __init__(self) -> None:
        # Imported on first use, like the validator itself (start-up must not pay for them).
        import jsonschema_rs  # noqa: PLC0415
        from openapi_schema_validator import OAS30Validator, OAS31Validator, OAS32Validator  # noqa: PLC0415
        from openapi_schema_validator._specifications import REGISTRY  # noqa: PLC0415

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


def build_meta_checks() -> MetaChecks | None:
    try:
        return MetaChecks()
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


def _located_class(keywords: Any, name: str, base: type[Any], meta_checks: MetaChecks | None) -> type[Any]:
    """The library's keyword validator `base`, recording where its errors and exceptions happen."""
    suffix: tuple[str, ...] = ("default",) if name == "default" else ()
    kind = "default" if name == "default" else None

    class Located(base):  # type: ignore[misc]
        def __call__(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
            # The path is the first argument of nearly every call: looked for further only when it is not.
            where = args[0] if args else None
            if where.__class__ is not DocPath:
                where = next((a for a in args if isinstance(a, DocPath)), None)
            try:
                for error in super().__call__(*args, **kwargs):
                    if where is not None and _WHERE not in error.__dict__:
                        error.__dict__[_WHERE] = (where, suffix)
                        if kind is not None:
                            error.__dict__.setdefault(_KIND, kind)
                    yield error
            except Exception:
                # Innermost first: referencing's exceptions are frozen, so the place is kept aside.
                if where is not None and where.context.failed_at is None:
                    where.context.failed_at = where
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
                    node, resolver, _ = schema.resolved()
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
    base = where.location() if isinstance(where, DocPath) else ()
    pointer = (*base, *suffix, *pointer_steps(getattr(error, "path", ())))
    message = shorten(str(getattr(error, "message", error)))
    kind = error.__dict__.get(_KIND)
    if kind == "schema":
        message = f"invalid schema: {message}"
    elif kind == "default":
        message = f"default does not match its schema: {message}"
    return SpecError(message, pointer)
