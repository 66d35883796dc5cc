"""validate_spec must give openapi-spec-validator's verdict, as SpecErrors, and never raise."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from apigw_cognito.checks.validation import SpecError, validate_spec
from apigw_cognito.checks.validation_engine import MetaChecks, build_meta_checks, engine
from tests.support import paths
from tests.support.ci import cannot_run
from tests.support.paths import CORPUS

DATA = paths.TESTS / "data" / "validation"
DOCUMENTS = sorted(p for p in DATA.rglob("*") if p.suffix in {".json", ".yaml"})
# Documents whose verdict the library itself gives differently with its jsonschema-rs backend (format
# checks, ECMA regexes) live in backend-dependent/ and are only compared, not pinned.
PINNED = [p for p in DOCUMENTS if p.parent.name in {"valid", "invalid"}]


def _load(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    # The C loader keeps YAML's own types: unquoted 200 is an int, unquoted 3.0 a float.
    return yaml.load(text, Loader=yaml.CSafeLoader)


def _reference_is_valid(data: Any) -> bool:
    from openapi_spec_validator import validate

    try:
        validate(data)
    except Exception:  # the library reports problems as exceptions of many kinds
        return False
    return True


def _ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(DATA)) for p in paths]


@pytest.fixture(params=["default", "jsonschema"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run with the library's own backend choice, and with its pure-Python jsonschema backend forced."""
    if request.param == "jsonschema":
        from openapi_spec_validator import schemas
        from openapi_spec_validator.schemas.backend.jsonschema import create_validator
        from openapi_spec_validator.validation import validators

        for cls, schema in [
            (validators.OpenAPIV2SpecValidator, schemas.schema_v2),
            (validators.OpenAPIV30SpecValidator, schemas.schema_v30),
            (validators.OpenAPIV31SpecValidator, schemas.schema_v31),
            (validators.OpenAPIV32SpecValidator, schemas.schema_v32),
        ]:
            monkeypatch.setattr(cls, "schema_validator", create_validator(schema))  # the reference's
        # Ours builds its validators from the library's setting, once per engine: a fresh set, forced.
        monkeypatch.setenv("OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND", "jsonschema")
        monkeypatch.setattr(engine(), "_schema_validators", {})
    return str(request.param)


@pytest.mark.parametrize("path", DOCUMENTS, ids=_ids(DOCUMENTS))
def test_verdict_matches_openapi_spec_validator(path: Path, backend: str) -> None:
    data = _load(path)
    errors = validate_spec(data)
    assert (errors == []) == _reference_is_valid(data), errors


@pytest.mark.parametrize("path", PINNED, ids=_ids(PINNED))
def test_verdict_is_the_folder_it_lives_in(path: Path) -> None:
    errors = validate_spec(_load(path))
    if path.parent.name == "valid":
        assert errors == []
    else:
        assert errors, "expected at least one error"
        assert all(isinstance(e, SpecError) and e.message for e in errors)


def _errors(name: str) -> list[SpecError]:
    return validate_spec(_load(DATA / name))


def test_dangling_ref_points_at_the_reference() -> None:
    [error] = _errors("invalid/v30-dangling-ref-in-property.json")
    assert error == SpecError(
        "unresolvable $ref '#/components/schemas/Nowhere'", ("components", "schemas", "A", "properties", "b")
    )


def test_bad_default_points_into_the_definition_not_the_user() -> None:
    [error] = _errors("invalid/v2-referenced-definition-with-bad-default.json")
    assert error.pointer == ("definitions", "Bad", "default")
    assert "'not a number' is not of type 'integer'" in error.message


def test_nested_default_error_points_at_the_value() -> None:
    [error] = _errors("invalid/v30-default-nested-property.json")
    assert error.pointer == ("components", "schemas", "A", "default", "n")


def test_keyword_errors_point_at_their_operation() -> None:
    [error] = _errors("invalid/v30-duplicate-operation-id.json")
    assert error.pointer == ("paths", "/a", "post")
    assert "Operation ID 'same'" in error.message
    [error] = _errors("invalid/v30-path-parameter-undeclared.json")
    assert error.pointer == ("paths", "/a/{id}", "get")


def test_invalid_pattern_is_a_schema_error_at_the_pattern() -> None:
    [error] = _errors("invalid/v30-pattern-not-python-regex.json")
    assert error.pointer == ("components", "schemas", "A", "pattern")
    assert error.message.startswith("invalid schema:")


def test_schema_stage_reports_the_cause_inside_one_of() -> None:
    [error] = _errors("invalid/v30-response-missing-description.json")
    assert error.pointer == ("paths", "/a", "get", "responses", "200")  # the key as the document has it
    assert "description" in error.message
    assert len(error.message) < 200


@pytest.mark.parametrize(
    ("name", "pointer", "fragment"),
    [
        ("invalid/v30-version-float.yaml", ("openapi",), "must be a string"),
        ("invalid/v2-version-float.yaml", ("swagger",), "must be a string"),
        ("invalid/version-4.json", ("openapi",), "unsupported version"),
        ("invalid/no-version.json", (), "no version"),
        ("invalid/v30-integer-response-codes.yaml", ("paths", "/items", "get", "responses", 200), "200"),
        ("invalid/v30-ref-cycle.json", ("components", "schemas", "A"), "$ref cycle"),
        ("invalid/v30-recursive-allof-items.json", ("components", "schemas", "Doc"), "reaches itself"),
        ("invalid/v30-external-ref.json", None, "other.yaml"),
    ],
)
def test_library_exceptions_become_spec_errors(
    name: str, pointer: tuple[Any, ...] | None, fragment: str
) -> None:
    [error] = _errors(name)
    assert fragment in error.message
    if pointer is not None:
        assert error.pointer == pointer


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        "openapi: 3.0.3",
        {"openapi": None},
        {"openapi": ["3.0.3"]},
        {
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"responses": {1: {}}}}},
        },
        {
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "x-when": __import__("datetime").date(2020, 1, 1),
        },
        {
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {"A": {"$ref": "#"}}},
        },
        {"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"$ref": 5}}},
    ],
    ids=[
        "none",
        "list",
        "string",
        "null-version",
        "list-version",
        "int-code",
        "date-value",
        "ref-to-root",
        "int-ref",
    ],
)
def test_never_raises(data: Any) -> None:
    errors = validate_spec(data)
    assert all(isinstance(e, SpecError) for e in errors)
    assert (errors == []) == _reference_is_valid(data)


def test_import_is_light() -> None:
    code = (
        "import sys, apigw_cognito.checks.validation, apigw_cognito.checks.validation_engine\n"
        "heavy = ('openapi_spec_validator', 'jsonschema', 'jsonschema_rs', 'referencing', 'pydantic')\n"
        "print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- the jsonschema-rs short cut for meta-schema checks must never pass a schema the library rejects ---

_KEYWORDS = [
    "type", "format", "pattern", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "multipleOf", "items", "prefixItems", "additionalProperties", "properties",
    "patternProperties", "propertyNames", "required", "enum", "const", "allOf", "anyOf", "oneOf", "not", "if",
    "then", "default", "nullable", "$ref", "$id", "$anchor", "$defs", "uniqueItems", "minItems",
    "dependencies", "dependentRequired", "unevaluatedProperties", "discriminator", "xml", "externalDocs",
    "example",
]  # fmt: skip
_SCALARS = st.sampled_from(
    [0, 1, -1, 1.0, 2.5, True, False, None, "", "string", "integer", "object", "null", "file", 2**64, 1e300,
     float("inf"), "^a$", "\\p{L}", "(?P<x>a)", "[a-z", "a{2,1}", "(?<=a)b", "\\Z", "a", "#/a", "not a uri %"]
)  # fmt: skip
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from([*_KEYWORDS, "a", "[a", "propertyName"]), inner, max_size=3)
    ),
    max_leaves=12,
)


def _library_checks() -> list[Any]:
    from functools import partial

    from openapi_schema_validator import (
        OAS30Validator,
        OAS31Validator,
        OAS32Validator,
        oas31_format_checker,
        oas32_format_checker,
    )

    # What openapi_spec_validator's schema validators call for 2.0/3.0, 3.1 and 3.2 documents.
    return [
        OAS30Validator.check_schema,
        partial(OAS31Validator.check_schema, format_checker=oas31_format_checker),
        partial(OAS32Validator.check_schema, format_checker=oas32_format_checker),
    ]


def _meta_checks() -> MetaChecks:
    """The fast meta-checks; a missing jsonschema-rs skips (fails under CI), a broken fast path fails."""
    meta_checks = build_meta_checks()
    if meta_checks is None:
        try:
            import jsonschema_rs  # noqa: F401
        except ImportError:
            cannot_run("jsonschema-rs is not installed")
        pytest.fail("jsonschema-rs is installed, yet the fast meta-checks could not be built")
    return meta_checks


def test_the_fast_meta_checks_build_where_jsonschema_rs_is_installed() -> None:
    assert _meta_checks().fast_for(_library_checks()[0]) is not None


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(_KEYWORDS), _VALUES, max_size=5))
def test_fast_meta_check_never_accepts_what_the_library_rejects(schema: dict[str, Any]) -> None:
    from jsonschema.exceptions import SchemaError

    meta_checks = _meta_checks()
    for slow in _library_checks():
        fast = meta_checks.fast_for(slow)
        assert fast is not None
        if fast(schema):
            try:
                slow(schema)
            except SchemaError as exc:
                pytest.fail(f"fast check passed a schema the library rejects: {exc.message}")


# Regexes Python's re and ECMA-262 (jsonschema-rs's own "regex" format) disagree about, or that are bad.
_REGEXES = [
    "^[a-z]+$",
    "^\\p{L}+$",
    "(?P<x>a)",
    "(?<x>a)",
    "[a-z",
    "a{2,1}",
    "\\cA",
    "(?<=a)b",
    "\\Z",
    "a\\z",
]
_NESTED = st.recursive(
    st.fixed_dictionaries({"pattern": st.sampled_from(_REGEXES)}),
    lambda inner: (
        st.fixed_dictionaries({"properties": st.dictionaries(st.sampled_from(["a", "b"]), inner, min_size=1)})
        | st.fixed_dictionaries({"items": inner})
        | st.fixed_dictionaries({"allOf": st.lists(inner, min_size=1, max_size=2)})
        | st.fixed_dictionaries({"not": inner})
        | st.fixed_dictionaries({"additionalProperties": inner})
        | st.fixed_dictionaries(
            {"patternProperties": st.dictionaries(st.sampled_from(_REGEXES), inner, min_size=1)}
        )
    ),
    max_leaves=6,
)


@settings(max_examples=200, deadline=None)
@given(_NESTED)
def test_fast_meta_check_judges_nested_regexes_like_the_library(schema: dict[str, Any]) -> None:
    from jsonschema.exceptions import SchemaError

    meta_checks = _meta_checks()
    for slow in _library_checks():
        fast = meta_checks.fast_for(slow)
        assert fast is not None
        try:
            slow(schema)
            library_says = True
        except SchemaError:
            library_says = False
        assert not fast(schema) or library_says


# --- real documents ---


def _corpus_documents() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.iterdir() if p.suffix in {".json", ".yaml"})


def _string_keys(node: Any) -> Any:
    if isinstance(node, dict):
        return {(k if isinstance(k, str) else str(k)): _string_keys(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_string_keys(v) for v in node]
    return node


# The library takes seconds per big document; documents with the same data (github-api.yaml parses to
# github-api.json's data) get its verdict once.
_REFERENCE_VERDICTS: dict[str, bool] = {}


def _cached_reference_is_valid(data: Any) -> bool:
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=repr).encode()).hexdigest()
    if digest not in _REFERENCE_VERDICTS:
        _REFERENCE_VERDICTS[digest] = _reference_is_valid(data)
    return _REFERENCE_VERDICTS[digest]


@pytest.mark.corpus
@pytest.mark.parametrize("path", _corpus_documents() or [None], ids=lambda p: p.name if p else "none")
def test_corpus_verdict_matches_openapi_spec_validator(path: Path | None) -> None:
    if path is None:
        cannot_run(f"no corpus at {CORPUS}")
    data = _string_keys(_load(path))
    errors = validate_spec(data)
    assert (errors == []) == _cached_reference_is_valid(data), errors[:5]


@pytest.mark.parametrize(
    "ref", ["file:///etc/hostname#/x", "http://127.0.0.1:9/schema.json", "other.yaml#/Pet"]
)
def test_external_references_are_never_fetched(ref: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # A document from a pull request must not make validation read local files or call out. The attempts
    # are recorded rather than refused: `referencing` turns any failure to fetch into an unresolvable $ref.
    import builtins
    import socket
    import urllib.request

    attempts: list[object] = []

    def record(*args: object, **_: object) -> None:
        attempts.append(args)
        raise OSError("refused by the test")

    monkeypatch.setattr(socket.socket, "connect", record)
    monkeypatch.setattr(urllib.request, "urlopen", record)
    real_open = builtins.open
    monkeypatch.setattr(
        builtins, "open", lambda f, *a, **k: record(f) if str(f).startswith("/etc") else real_open(f, *a, **k)
    )
    schema = {"$ref": ref}
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/a": {
                "get": {
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": schema}}}
                    }
                }
            }
        },
    }
    [error] = validate_spec(doc)
    assert error.message == f"unresolvable $ref {ref!r}"
    assert attempts == []


@pytest.mark.parametrize("version", ["2.0", "3.0", "3.1", "3.2"])
def test_the_official_schemas_read_as_json_equal_the_librarys_reading(version: str) -> None:
    from openapi_spec_validator.schemas.utils import get_schema_content

    from apigw_cognito.checks.validation_engine import official_schema

    assert official_schema(version) == get_schema_content(version)
