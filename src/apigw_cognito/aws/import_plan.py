"""Import planning, without a call: what API Gateway would refuse, and what an import changes in a live API.

The pure half of `import`: which `--parameter`s are allowed, the body and base path sent (`Payload`), the
refusals checked before any call (API Gateway's import limits, the same checks `validate` reports), the
methods and resources a document creates, what an overwrite or a merge takes away from the live API
(`plan_import`), and which API-level settings must be put back after an overwrite (`restore_patches`).
`aws.importer` makes the calls.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlparse

from apigw_cognito.aws.gateway_responses import LiveResponse, dropped_by_overwrite
from apigw_cognito.aws.verify import Expected, LiveApi, LiveMethod
from apigw_cognito.basics.errors import InputError
from apigw_cognito.basics.openapi import (
    METHOD_KEYS,
    Version,
    authorizer_extensions,
    get_in,
    join_path,
    resource_paths,
)
from apigw_cognito.checks.rules import check_import_limits, json_body
from apigw_cognito.core.api_keys import keyed_operations

if TYPE_CHECKING:
    from mypy_boto3_apigateway.type_defs import PatchOperationTypeDef

Mode = Literal["overwrite", "merge"]

# What `--parameter` may pass to PutRestApi/ImportRestApi, and the values API Gateway accepts.
ALLOWED_PARAMETERS: dict[str, frozenset[str]] = {
    "basepath": frozenset({"ignore", "prepend", "split"}),
    "ignore": frozenset({"documentation"}),
    "endpointConfigurationTypes": frozenset({"EDGE", "REGIONAL", "PRIVATE"}),
}
# API-level settings an overwrite resets when the document does not set them: the GetRestApi field, and
# where a document sets it.
API_SETTINGS: dict[str, tuple[str, ...]] = {
    "description": ("info", "description"),
    "policy": ("x-amazon-apigateway-policy",),
    "endpointConfiguration": ("x-amazon-apigateway-endpoint-configuration",),
    "binaryMediaTypes": ("x-amazon-apigateway-binary-media-types",),
    "apiKeySource": ("x-amazon-apigateway-api-key-source",),
    "minimumCompressionSize": ("x-amazon-apigateway-minimum-compression-size",),
    "disableExecuteApiEndpoint": ("x-amazon-apigateway-endpoint-configuration", "disableExecuteApiEndpoint"),
}
# Values API Gateway gives an API that nobody configured: these are not worth keeping or reporting.
SETTING_DEFAULTS: dict[str, Any] = {
    "apiKeySource": "HEADER",
    "disableExecuteApiEndpoint": False,
    "binaryMediaTypes": [],
    "description": "",
}


@dataclass(frozen=True)
class ImportOptions:
    """What `import` is asked to do: the target API, the mode, what is passed on to API Gateway, the steps."""

    rest_api_id: str | None = None
    api_name: str | None = None
    create: bool = False
    mode: Mode = "overwrite"
    fail_on_warnings: bool = True
    parameters: Mapping[str, str] = field(default_factory=dict)
    drop_api_settings: bool = False
    stage: str | None = None
    stage_description: str | None = None
    dry_run: bool = False
    verify: bool = True


@dataclass(frozen=True)
class Payload:
    """The document as it is sent: its data and version, the JSON body, and the base path API Gateway puts
    before each of its paths."""

    data: Mapping[str, Any]
    version: Version
    body: bytes
    prefix: str = ""

    @classmethod
    def of(cls, data: Mapping[str, Any], version: Version, parameters: Mapping[str, str]) -> Payload:
        """`data` as sent with the `--parameter`s given (`basepath` decides the prefix)."""
        return cls(data, version, json_body(data), path_prefix(data, version, parameters))


@dataclass(frozen=True)
class AuthChange:
    """How the import changes one method's authorization: what the live API has and what it will have."""

    method: str
    path: str
    live: str  # "NONE", "COGNITO_USER_POOLS Pool [scope ...]", "AWS_IAM", ...; "(not live)" for a new method
    new: str  # the same, as the document decides it
    scopes_added: tuple[str, ...] = ()
    scopes_removed: tuple[str, ...] = ()
    api_key: str | None = None  # "required -> not required", "not required -> required", or None: unchanged

    def line(self) -> str:
        details = [f"scopes added: {', '.join(self.scopes_added)}"] if self.scopes_added else []
        details += [f"scopes removed: {', '.join(self.scopes_removed)}"] if self.scopes_removed else []
        details += [f"API key {self.api_key}"] if self.api_key else []
        return f"  {self.method} {self.path}: {self.live} -> {self.new}" + (
            f" ({'; '.join(details)})" if details else ""
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "live": self.live,
            "new": self.new,
            "scopes_added": list(self.scopes_added),
            "scopes_removed": list(self.scopes_removed),
            "api_key": self.api_key,
        }


@dataclass(frozen=True)
class Plan:
    """What the import will change in the live API, said before it happens."""

    mode: Mode
    target: str  # the API id, or "new API <name>"
    body_bytes: int
    methods: int
    removed_methods: tuple[str, ...] = ()  # overwrite: live methods the document does not have
    removed_paths: tuple[str, ...] = ()  # overwrite: live resources the document does not have
    removed_authorizers: tuple[str, ...] = ()  # overwrite: live authorizers the document does not define
    dropped_settings: tuple[str, ...] = ()  # overwrite: API-level settings reset (kept unless dropped)
    kept_settings: tuple[str, ...] = ()  # overwrite: the settings re-applied after the put
    kept_routes: tuple[str, ...] = ()  # merge: live methods the document no longer has (they keep serving)
    creating: bool = False
    removed_responses: tuple[str, ...] = ()  # overwrite: configured gateway responses the document lacks
    key_changes: tuple[
        str, ...
    ] = ()  # methods whose apiKeyRequired the import changes: "GET /pets (yes -> no)"
    auth_changes: tuple[AuthChange, ...] = ()  # methods whose authorization the import changes

    def as_json(self) -> dict[str, Any]:
        """The plan for `import --report json`: every field, authorization changes method by method."""
        return {
            "action": "create" if self.creating else self.mode,
            "target": self.target,
            "body_bytes": self.body_bytes,
            "methods": self.methods,
            "authorization_changes": [change.as_json() for change in self.auth_changes],
            "removed_methods": list(self.removed_methods),
            "removed_paths": list(self.removed_paths),
            "removed_authorizers": list(self.removed_authorizers),
            "removed_gateway_responses": list(self.removed_responses),
            "api_settings_reset": list(self.dropped_settings),
            "api_settings_kept": list(self.kept_settings),
            "kept_routes": list(self.kept_routes),
            "api_key_changes": list(self.key_changes),
        }

    def lines(self) -> list[str]:
        action = "create" if self.creating else self.mode
        out = [f"{action} {self.target}: {self.methods} methods, body {self.body_bytes} bytes of JSON"]
        if self.creating:
            return out
        if self.auth_changes:
            out.append(f"authorization changes on {len(self.auth_changes)} method(s) (live -> new):")
            out.extend(change.line() for change in self.auth_changes)
        else:
            out.append("no method's authorization changes")
        if self.removed_methods:
            out.append(
                f"will delete {len(self.removed_methods)} method(s): " + ", ".join(self.removed_methods)
            )
        if self.removed_paths:
            out.append(f"will delete {len(self.removed_paths)} resource(s): " + ", ".join(self.removed_paths))
        if self.removed_authorizers:
            out.append("will delete authorizer(s): " + ", ".join(self.removed_authorizers))
        if self.dropped_settings:
            verb = "will re-apply after the put" if self.kept_settings else "will reset (--drop-api-settings)"
            out.append(
                f"API-level settings the document does not set, which overwrite resets ({verb}): "
                + ", ".join(self.dropped_settings)
            )
        if self.removed_responses:
            out.append(
                f"will reset {len(self.removed_responses)} gateway response(s) the document does not declare"
                " to API Gateway's defaults (their headers and templates are lost; declare them in the"
                " document to keep them): " + ", ".join(self.removed_responses)
            )
        if self.key_changes:
            out.append(
                f"API key requirement changes on {len(self.key_changes)} method(s): "
                + ", ".join(self.key_changes)
            )
        if self.kept_routes:
            out.append(
                f"{len(self.kept_routes)} live method(s) are not in the document and keep serving after"
                " the merge: " + ", ".join(self.kept_routes)
            )
        if self.mode == "overwrite" and not (
            self.removed_methods or self.removed_paths or self.removed_authorizers or self.removed_responses
        ):
            out.append("nothing in the live API disappears")
        return out


def parse_parameters(pairs: Sequence[str]) -> dict[str, str]:
    """`--parameter KEY=VALUE` values, checked against what API Gateway's import accepts."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            raise InputError(f"--parameter {pair!r}: expected KEY=VALUE")
        if key not in ALLOWED_PARAMETERS:
            raise InputError(f"--parameter {key}: unknown; allowed: {', '.join(sorted(ALLOWED_PARAMETERS))}")
        if value not in ALLOWED_PARAMETERS[key]:
            raise InputError(
                f"--parameter {key}={value}: allowed values are {', '.join(sorted(ALLOWED_PARAMETERS[key]))}"
            )
        out[key] = value
    return out


def base_path(data: Mapping[str, Any], version: Version) -> str:
    """The document's base path: Swagger's `basePath`, or the path of OpenAPI 3's first server URL."""
    if version.family == "2.0":
        value = data.get("basePath")
        return value if isinstance(value, str) else ""
    server = get_in(data, ("servers", 0))
    if not isinstance(server, Mapping):
        return ""
    variable = get_in(server, ("variables", "basePath", "default"))
    if isinstance(variable, str):
        return variable
    url = server.get("url")
    return urlparse(url).path if isinstance(url, str) else ""


def path_prefix(data: Mapping[str, Any], version: Version, parameters: Mapping[str, str]) -> str:
    """What API Gateway puts before each path: nothing (ignore), the base path (prepend), its tail (split)."""
    mode = parameters.get("basepath", "ignore")
    base = base_path(data, version).strip("/")
    if mode == "prepend":
        return base
    if mode == "split":
        return "/".join(base.split("/")[1:])
    return ""


def document_methods(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """(METHOD, resource path) of every operation, in document order."""
    out: list[tuple[str, str]] = []
    paths = data.get("paths")
    if not isinstance(paths, Mapping):
        return out
    for path, item in paths.items():
        if isinstance(item, Mapping):
            out.extend((METHOD_KEYS[k], join_path(prefix, str(path))) for k in item if k in METHOD_KEYS)
    return out


def refusals(payload: Payload) -> list[str]:
    """Why API Gateway would refuse this import (empty when it would not); checked before any call.

    The reasons are the import-limit findings `validate` reports, counted with the base path and the body
    actually sent.
    """
    findings = check_import_limits(
        payload.data,
        payload.version,
        lambda _pointer: None,
        prefix=payload.prefix,
        body_bytes=len(payload.body),
    )
    return [finding.message for finding in findings]


def settings_of(rest_api: Mapping[str, Any]) -> dict[str, Any]:
    """The API-level settings of a GetRestApi answer, defaults left out."""
    out: dict[str, Any] = {}
    for key in API_SETTINGS:
        value = rest_api.get(key)
        if value is None or value == SETTING_DEFAULTS.get(key):
            continue
        if key == "endpointConfiguration" and isinstance(value, Mapping):
            # Only the types and VPC endpoints are settings; an edge-optimised API is what nobody chose.
            value = {k: value[k] for k in ("types", "vpcEndpointIds") if value.get(k)}
            if value in ({}, {"types": ["EDGE"]}):
                continue
        out[key] = value
    return out


def document_sets(data: Mapping[str, Any], parameters: Mapping[str, str]) -> set[str]:
    """The API-level settings the document (or a `--parameter`) gives a value of its own."""
    out = {key for key, pointer in API_SETTINGS.items() if get_in(data, pointer) is not None}
    if "endpointConfigurationTypes" in parameters:
        out.add("endpointConfiguration")
    return out


def _live_label(method: LiveMethod, names: Mapping[str, str]) -> str:
    key = " + API key" if method.api_key_required else ""
    if method.authorization_type == "NONE":
        return "NONE" + key
    name = names.get(method.authorizer_id or "", method.authorizer_id or "")
    scopes = f" [{' '.join(method.scopes)}]" if method.scopes else ""
    return f"{method.authorization_type} {name}".rstrip() + scopes + key


def _new_label(expected: Expected) -> str:
    key = " + API key" if expected.api_key else ""
    if expected.authorizer is None:
        return "NONE" + key
    scopes = f" [{' '.join(expected.scopes)}]" if expected.scopes else ""
    return f"COGNITO_USER_POOLS {expected.authorizer}{scopes}{key}"


def auth_changes(expected: Sequence[Expected], live: LiveApi) -> tuple[AuthChange, ...]:
    """Each method whose authorization the import changes (authorization type, authorizer, scopes, API key
    requirement), and each method the document adds to the live API, in path order."""
    names = {a.id: a.name for a in live.authorizers}
    by_key = {(m.method, m.path): m for m in live.methods}
    out = []
    for want in sorted(expected, key=lambda e: (e.path, e.method)):
        have = by_key.get((want.method, want.path))
        new = _new_label(want)
        if have is None:
            out.append(AuthChange(want.method, want.path, "(not live)", new))
            continue
        old = _live_label(have, names)
        old_scopes = set(have.scopes) if have.authorization_type != "NONE" else set()
        new_scopes = set(want.scopes) if want.authorizer is not None else set()
        key = None
        if have.api_key_required != want.api_key:
            key = "required -> not required" if have.api_key_required else "not required -> required"
        if old == new and key is None:
            continue
        out.append(
            AuthChange(
                want.method,
                want.path,
                old,
                new,
                tuple(sorted(new_scopes - old_scopes)),
                tuple(sorted(old_scopes - new_scopes)),
                key,
            )
        )
    return tuple(out)


def plan_import(
    payload: Payload,
    options: ImportOptions,
    target: str,
    live: LiveApi | None,
    live_settings: Mapping[str, Any],
    live_responses: Sequence[LiveResponse] = (),
    expected: Sequence[Expected] | None = None,
) -> Plan:
    """What the import does to the `live` API (None: it creates one), to its `live_settings`, to its
    gateway responses and, given the `expected` outcome of each method, to its methods' authorization."""
    data, prefix, body = payload.data, payload.prefix, payload.body
    wanted_methods = document_methods(data, prefix)
    if live is None:
        return Plan(options.mode, target, len(body), len(wanted_methods), creating=True)
    wanted = set(wanted_methods)
    gone = sorted(
        ((m.path, m.method) for m in live.methods if (m.method, m.path) not in wanted),
    )
    gone_methods = tuple(f"{method} {path}" for path, method in gone)
    keys = key_changes(payload, live)
    changes = auth_changes(expected, live) if expected is not None else ()
    if options.mode == "merge":
        return Plan(
            options.mode,
            target,
            len(body),
            len(wanted_methods),
            kept_routes=gone_methods,
            key_changes=keys,
            auth_changes=changes,
        )
    wanted_paths = resource_paths(data, prefix)
    gone_paths = tuple(sorted(p for p in set(live.paths) if p not in wanted_paths))
    schemes = set(authorizer_extensions(data, payload.version))
    gone_auth = tuple(sorted({f"{a.name} ({a.id})" for a in live.authorizers if a.name not in schemes}))
    dropped = tuple(sorted(set(live_settings) - document_sets(data, options.parameters)))
    return Plan(
        options.mode,
        target,
        len(body),
        len(wanted_methods),
        removed_methods=gone_methods,
        removed_paths=gone_paths,
        removed_authorizers=gone_auth,
        dropped_settings=dropped,
        kept_settings=() if options.drop_api_settings else dropped,
        removed_responses=dropped_by_overwrite(data, live_responses),
        key_changes=keys,
        auth_changes=changes,
    )


def key_changes(payload: Payload, live: LiveApi) -> tuple[str, ...]:
    """The live methods the document keeps whose API key requirement it changes."""
    keyed = {
        (method, join_path(payload.prefix, path))
        for method, path in keyed_operations(payload.data, payload.version)
    }
    wanted = set(document_methods(payload.data, payload.prefix))
    changes = []
    for m in sorted(live.methods, key=lambda m: (m.path, m.method)):
        required = (m.method, m.path) in keyed
        if (m.method, m.path) in wanted and m.api_key_required != required:
            change = "required -> not required" if m.api_key_required else "not required -> required"
            changes.append(f"{m.method} {m.path} ({change})")
    return tuple(changes)


def dry_run_summary(options: ImportOptions, payload: Payload, creating: bool) -> str:
    """What a dry run would have sent."""
    call = "ImportRestApi" if creating else f"PutRestApi mode={options.mode}"
    return (
        f"dry run: would send {call} failOnWarnings={str(options.fail_on_warnings).lower()}"
        f" parameters={dict(options.parameters)} body={len(payload.body)} bytes"
        + (f", then CreateDeployment to stage {options.stage!r}" if options.stage else "")
    )


def _escape(segment: str) -> str:
    """JSON Pointer escaping, as API Gateway's patch paths want it (`image/png` -> `image~1png`)."""
    return segment.replace("~", "~0").replace("/", "~1")


def _unescape_policy(policy: str) -> str:
    # GetRestApi hands the policy back with its quotes backslash-escaped; patching that back verbatim
    # would store the backslashes too (Terraform unquotes it the same way).
    try:
        value = json.loads(f'"{policy}"')
    except ValueError:
        return policy
    return value if isinstance(value, str) else policy


def restore_patches(
    before: Mapping[str, Any], after: Mapping[str, Any], keep: Sequence[str]
) -> list[PatchOperationTypeDef]:
    """UpdateRestApi operations that put the settings in `keep` back from `before` where `after` lost them."""
    ops: list[PatchOperationTypeDef] = []
    for key in keep:
        old, new = before.get(key), after.get(key)
        if old is None or old == new:
            continue
        if key in ("description", "apiKeySource"):
            ops.append({"op": "replace", "path": f"/{key}", "value": str(old)})
        elif key == "policy":
            ops.append({"op": "replace", "path": "/policy", "value": _unescape_policy(str(old))})
        elif key == "minimumCompressionSize":
            ops.append({"op": "replace", "path": "/minimumCompressionSize", "value": str(old)})
        elif key == "disableExecuteApiEndpoint":
            ops.append(
                {"op": "replace", "path": "/disableExecuteApiEndpoint", "value": str(bool(old)).lower()}
            )
        elif key == "binaryMediaTypes":
            ops.extend(
                {"op": "add", "path": f"/binaryMediaTypes/{_escape(t)}"} for t in old if t not in (new or [])
            )
        elif key == "endpointConfiguration":
            old_types = list(old.get("types") or [])
            new_types = list((new or {}).get("types") or ["EDGE"])  # settings_of leaves the default out
            if old_types and new_types and old_types != new_types:
                ops.append(
                    {
                        "op": "replace",
                        "path": f"/endpointConfiguration/types/{new_types[0]}",
                        "value": old_types[0],
                    }
                )
            new_vpces = set((new or {}).get("vpcEndpointIds") or [])
            ops.extend(
                {"op": "add", "path": "/endpointConfiguration/vpcEndpointIds", "value": v}
                for v in old.get("vpcEndpointIds") or []
                if v not in new_vpces
            )
    return ops
