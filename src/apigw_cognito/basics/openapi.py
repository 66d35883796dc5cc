"""What an OpenAPI document means to API Gateway: its version, its operations, where schemes live.

Version differences are a table (`VERSIONS`), not branches scattered over the code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import UnionType
from typing import Any

from apigw_cognito.basics.errors import InputError, Location

ANY_METHOD = "x-amazon-apigateway-any-method"
AUTHORIZER_KEY = "x-amazon-apigateway-authorizer"  # a security scheme's authorizer extension
INTEGRATION_KEY = "x-amazon-apigateway-integration"
CORS_KEY = "x-amazon-apigateway-cors"  # an HTTP API's CORS configuration, at the top level
HTTP_DEFAULT_ROUTE = "/$default"  # the path an HTTP API document gives its $default (catch-all) route
# Path item keys that are operations, in the order API Gateway's console lists them.
METHOD_KEYS: dict[str, str] = {
    "get": "GET",
    "put": "PUT",
    "post": "POST",
    "delete": "DELETE",
    "options": "OPTIONS",
    "head": "HEAD",
    "patch": "PATCH",
    "trace": "TRACE",
    ANY_METHOD: "ANY",
}
HTTP_METHODS = frozenset(METHOD_KEYS.values())


@dataclass(frozen=True)
class Version:
    family: str  # "2.0", "3.0" or "3.1"
    schemes_pointer: tuple[str, ...]
    importable: bool  # API Gateway imports 2.0 and 3.0 only


VERSIONS: dict[str, Version] = {
    "2.0": Version("2.0", ("securityDefinitions",), importable=True),
    "3.0": Version("3.0", ("components", "securitySchemes"), importable=True),
    "3.1": Version("3.1", ("components", "securitySchemes"), importable=False),
}


def detect_version(data: Any, name: str, locate: Locate | None = None) -> Version:
    """The version family of `data`, or an `InputError` saying why it is not an OpenAPI document.

    With `locate`, a wrong version field is reported at its place in the file.
    """
    where = Location(name)
    if not isinstance(data, Mapping):
        raise InputError(
            f"not an OpenAPI document: the top level is a {type_name(data)}, not a mapping", where
        )
    if "swagger" in data:
        field, value = "swagger", data["swagger"]
    elif "openapi" in data:
        field, value = "openapi", data["openapi"]
    else:
        raise InputError(
            "not an OpenAPI document: it has neither an 'openapi' nor a 'swagger' field",
            where,
            hint="OpenAPI 3.x documents start with `openapi: 3.0.3`, Swagger 2.0 ones with `swagger: '2.0'`",
        )
    if locate is not None:
        where = locate((field,)) or where
    if not isinstance(value, str):
        raise InputError(
            f"'{field}' must be a string, got the {type_name(value)} {value!r}",
            where,
            hint=f"quote it: {field}: '{value}'",
        )
    family = "2.0" if field == "swagger" and value == "2.0" else ".".join(value.split(".")[:2])
    version = VERSIONS.get(family) if field == "openapi" or family == "2.0" else None
    if version is None or (field == "openapi" and family == "2.0"):
        raise InputError(
            f"unknown {field} version {value!r}",
            where,
            hint="supported: swagger '2.0', openapi 3.0.x (and 3.1.x for preview, not import)",
        )
    return version


@dataclass(frozen=True)
class Operation:
    """One method of one path, as API Gateway would create it."""

    path: str
    key: str  # the path item key: "get", ..., or "x-amazon-apigateway-any-method"
    operation_id: str | None
    tags: tuple[str, ...]
    has_integration: bool
    security: Any  # the operation's own `security` as written, or MISSING
    auth_type: str | None = None  # `x-amazon-apigateway-auth.type`, another explicit marker

    @property
    def method(self) -> str:
        return METHOD_KEYS[self.key]

    @property
    def pointer(self) -> tuple[str, str, str]:
        return ("paths", self.path, self.key)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


Locate = Callable[[tuple[str | int, ...]], Location | None]


def iter_operations(data: Mapping[str, Any], locate: Locate) -> Iterator[Operation]:
    """Every operation in document order; `paths` and path items must be mappings."""
    paths = data.get("paths", {})
    if paths is None:
        return
    if not isinstance(paths, Mapping):
        raise InputError(f"'paths' must be a mapping, got a {type_name(paths)}", locate(("paths",)))
    for path, item in paths.items():
        if not isinstance(item, Mapping):
            raise InputError(
                f"path item {path!r} must be a mapping, got a {type_name(item)}", locate(("paths", path))
            )
        for key, op in item.items():
            if key not in METHOD_KEYS:
                continue
            if not isinstance(op, Mapping):
                raise InputError(
                    f"operation {METHOD_KEYS[key]} {path} must be a mapping, got a {type_name(op)}",
                    locate(("paths", path, key)),
                )
            tags = op.get("tags")
            op_id = op.get("operationId")
            auth = op.get("x-amazon-apigateway-auth")
            auth_type = auth.get("type") if isinstance(auth, Mapping) else None
            yield Operation(
                path=str(path),
                key=key,
                operation_id=op_id if isinstance(op_id, str) else None,
                tags=tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else (),
                has_integration="x-amazon-apigateway-integration" in op,
                security=op.get("security", MISSING),
                auth_type=auth_type.upper() if isinstance(auth_type, str) else None,
            )


def security_schemes(data: Mapping[str, Any], version: Version) -> Mapping[str, Any]:
    """The security schemes by name, where `version` keeps them; empty when absent or not a mapping."""
    schemes = get_in(data, version.schemes_pointer, {})
    return schemes if isinstance(schemes, Mapping) else {}


def authorizer_extensions(data: Mapping[str, Any], version: Version) -> dict[str, Mapping[str, Any]]:
    """Each security scheme's `x-amazon-apigateway-authorizer` (a mapping), by scheme name: the authorizers
    API Gateway creates on import."""
    return {
        str(name): scheme[AUTHORIZER_KEY]
        for name, scheme in security_schemes(data, version).items()
        if isinstance(scheme, Mapping) and isinstance(scheme.get(AUTHORIZER_KEY), Mapping)
    }


def is_http_api(data: Mapping[str, Any], version: Version) -> bool:
    """Whether the document is written for an HTTP API (API Gateway v2): it has a JWT authorizer, an
    HTTP API's CORS configuration or an integration with a payloadFormatVersion, none of which a REST
    API reads."""
    if CORS_KEY in data:
        return True
    if any(
        str(ext.get("type", "")).lower() == "jwt" for ext in authorizer_extensions(data, version).values()
    ):
        return True
    paths = data.get("paths")
    return any(
        isinstance(op, Mapping)
        and isinstance(op.get(INTEGRATION_KEY), Mapping)
        and "payloadFormatVersion" in op[INTEGRATION_KEY]
        for item in (paths.values() if isinstance(paths, Mapping) else ())
        if isinstance(item, Mapping)
        for key, op in item.items()
        if key in METHOD_KEYS
    )


def join_path(prefix: str, path: str) -> str:
    """The resource path API Gateway creates for `path` under a base path prefix ("" for none)."""
    prefix = prefix.strip("/")
    if not prefix:
        return path
    return "/" + prefix + ("" if path == "/" else path)


def resource_paths(data: Mapping[str, Any], prefix: str = "") -> set[str]:
    """Every resource the document makes API Gateway create, the root and each intermediate one included."""
    out = {"/"}
    paths = data.get("paths")
    for path in paths if isinstance(paths, Mapping) else ():
        parts = [p for p in join_path(prefix, str(path)).split("/") if p]
        out.update("/" + "/".join(parts[: i + 1]) for i in range(len(parts)))
    return out


def get_in(data: Any, pointer: tuple[str | int, ...], default: Any = None) -> Any:
    """The node at `pointer`, or `default` when any step is missing or of the wrong kind."""
    node = data
    for step in pointer:
        if isinstance(node, Mapping):
            if step not in node:
                return default
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
        else:
            return default
    return node


def type_name(value: Any) -> str:
    """How YAML/JSON users call the type of a loaded value."""
    if value is None:
        return "null"
    return next((name for kind, name in _TYPE_NAMES if isinstance(value, kind)), type(value).__name__)


# In this order: a bool is also an int.
_TYPE_NAMES: tuple[tuple[type | UnionType, str], ...] = (
    (bool, "boolean"),
    (int | float, "number"),
    (str, "string"),
    (list, "list"),
    (Mapping, "mapping"),
)
