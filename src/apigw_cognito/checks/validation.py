"""OpenAPI validation with openapi-spec-validator's verdict, several times faster on big documents.

`validate_spec` gives the same verdict as ``openapi_spec_validator.validate()`` (0.9.x) because it runs that
library's own two stages (`validation_engine`):

1. the JSON Schema stage: the bundled official schema of the detected version, through the library's own
   validator object (jsonschema-rs when installed, as the library picks it);
2. the keyword stage: the library's keyword validators (``validation/keywords.py``), unchanged in logic.

The keyword stage is where the time goes: it walks the document through jsonschema-path accessors that
re-resolve every path from the root, keeps already-checked schemas in lists (quadratic membership tests) and
checks every schema object against its meta-schema in pure Python. Here the same validators walk located
paths (`validation_paths`) that resolve each step once from their parent, following ``$ref`` through the
same `referencing` registry set-up, with the lookups cached. Already-checked schema ids live in sets, allOf
property names are collected once per schema, and each meta-schema check runs in jsonschema-rs first,
falling back to the library's own check (the authority) whenever jsonschema-rs says no or cannot read it.

Whatever fails in the library as an exception (a dangling ``$ref``, an unknown version, ``openapi: 3.0``
read as a number, integer keys) is reported here as a `SpecError` (`validation_messages` words them);
nothing but a `SpecError` list leaves `validate_spec`. The library is imported on first use, not with
these modules.
"""

from __future__ import annotations

import re
from typing import Any

from apigw_cognito.checks.validation_engine import engine
from apigw_cognito.checks.validation_messages import SpecError, describe

__all__ = ["SpecError", "validate_spec"]

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
        validator = engine()
    except Exception as exc:  # a broken installation is a finding, not a crash of the caller
        return [SpecError(f"the OpenAPI validator cannot start: {describe(exc)}", ())]
    return validator.validate(version[1], data)


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
