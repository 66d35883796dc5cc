"""Import a validated, secured document into API Gateway, deploy it, and check what API Gateway made of it.

The pure part decides: which `--parameter`s are allowed, what API Gateway would refuse (refused here before
any call), the resource paths a document creates, what an overwrite or a merge takes away from the live API,
and which API-level settings must be put back after an overwrite. `run_import` is the shell that makes the
calls, in this order: find (or create) the API, read it, preview, put, restore settings, deploy, verify.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlparse

from apigw_cognito.aws.clients import Clients, Pacing, aws_call, error_code, scrub, with_throttle_retry
from apigw_cognito.aws.verify import (
    LiveApi,
    Verification,
    compare,
    expected_methods,
    join_path,
    read_live_api,
)
from apigw_cognito.basics.errors import AwsError, InputError
from apigw_cognito.basics.openapi import METHOD_KEYS, Version, get_in
from apigw_cognito.core.transform import Result

if TYPE_CHECKING:
    from mypy_boto3_apigateway.client import APIGatewayClient
    from mypy_boto3_apigateway.type_defs import PatchOperationTypeDef

Mode = Literal["overwrite", "merge"]
Log = Callable[[str], None]

MAX_BODY_BYTES = 6 * 1024 * 1024
MAX_RESOURCES = 300
MAX_AUTHORIZERS = 10
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
PUT_INTERVAL = 1.0  # PutRestApi and ImportRestApi: 1 request per second per account
DEPLOY_INTERVAL = 5.0  # CreateDeployment: 1 request per 5 seconds per account
DELETE_INTERVAL = 30.0  # DeleteRestApi: 1 request per 30 seconds per account


@dataclass(frozen=True)
class ImportOptions:
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

    def lines(self) -> list[str]:
        action = "create" if self.creating else self.mode
        out = [f"{action} {self.target}: {self.methods} methods, body {self.body_bytes} bytes of JSON"]
        if self.creating:
            return out
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
        if self.kept_routes:
            out.append(
                f"{len(self.kept_routes)} live method(s) are not in the document and keep serving after"
                " the merge: " + ", ".join(self.kept_routes)
            )
        if self.mode == "overwrite" and not (
            self.removed_methods or self.removed_paths or self.removed_authorizers
        ):
            out.append("nothing in the live API disappears")
        return out


@dataclass
class Outcome:
    rest_api_id: str | None
    plan: Plan
    created: bool = False
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    deployment_id: str | None = None
    verification: Verification | None = None


# --- pure decisions ---------------------------------------------------------------------------------------


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


def resource_paths(data: Mapping[str, Any], prefix: str = "") -> set[str]:
    """Every resource the document makes API Gateway create, the root and each intermediate one included."""
    out = {"/"}
    paths = data.get("paths")
    for path in paths if isinstance(paths, Mapping) else ():
        parts = [p for p in join_path(prefix, str(path)).split("/") if p]
        out.update("/" + "/".join(parts[: i + 1]) for i in range(len(parts)))
    return out


def cognito_schemes(data: Mapping[str, Any], version: Version) -> list[str]:
    schemes = get_in(data, version.schemes_pointer, {})
    if not isinstance(schemes, Mapping):
        return []
    return [
        str(n) for n, s in schemes.items() if isinstance(s, Mapping) and "x-amazon-apigateway-authorizer" in s
    ]


def refusals(data: Mapping[str, Any], version: Version, body: bytes, prefix: str = "") -> list[str]:
    """Why API Gateway would refuse this import (empty when it would not); checked before any call."""
    out: list[str] = []
    if not version.importable:
        out.append(
            f"OpenAPI {version.family} cannot be imported: API Gateway accepts Swagger 2.0 and OpenAPI 3.0"
            " only (it answers 'Invalid OpenAPI input.')"
        )
    if len(body) > MAX_BODY_BYTES:
        out.append(
            f"the document is {len(body):,} bytes as JSON; API Gateway imports at most {MAX_BODY_BYTES:,}"
        )
    resources = resource_paths(data, prefix)
    if len(resources) > MAX_RESOURCES:
        out.append(
            f"the document makes {len(resources)} resources; API Gateway allows {MAX_RESOURCES} per API"
            " (unless the quota was raised)"
        )
    authorizers = cognito_schemes(data, version)
    if len(authorizers) > MAX_AUTHORIZERS:
        out.append(
            f"the document defines {len(authorizers)} authorizers; API Gateway allows {MAX_AUTHORIZERS}"
            " per API"
        )
    return out


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


def plan_import(
    mode: Mode,
    target: str,
    body: bytes,
    data: Mapping[str, Any],
    version: Version,
    prefix: str,
    live: LiveApi | None,
    live_settings: Mapping[str, Any],
    parameters: Mapping[str, str],
    drop_api_settings: bool,
) -> Plan:
    wanted_methods = document_methods(data, prefix)
    if live is None:
        return Plan(mode, target, len(body), len(wanted_methods), creating=True)
    wanted = set(wanted_methods)
    gone = sorted(
        ((m.path, m.method) for m in live.methods if (m.method, m.path) not in wanted),
    )
    gone_methods = tuple(f"{method} {path}" for path, method in gone)
    if mode == "merge":
        return Plan(mode, target, len(body), len(wanted_methods), kept_routes=gone_methods)
    wanted_paths = resource_paths(data, prefix)
    gone_paths = tuple(sorted(p for p in set(live.paths) if p not in wanted_paths))
    schemes = set(cognito_schemes(data, version))
    gone_auth = tuple(sorted({f"{a.name} ({a.id})" for a in live.authorizers if a.name not in schemes}))
    dropped = tuple(sorted(set(live_settings) - document_sets(data, parameters)))
    return Plan(
        mode,
        target,
        len(body),
        len(wanted_methods),
        removed_methods=gone_methods,
        removed_paths=gone_paths,
        removed_authorizers=gone_auth,
        dropped_settings=dropped,
        kept_settings=() if drop_api_settings else dropped,
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


def body_of(data: Any) -> bytes:
    """The body sent to API Gateway: the validated document as compact JSON."""
    from apigw_cognito.checks.rules import json_body

    return json_body(data)


# --- the calls ---------------------------------------------------------------------------------------------


def find_api_by_name(client: APIGatewayClient, name: str) -> list[str]:
    """Ids of every REST API called `name` (GetRestApis, every page)."""
    ids: list[str] = []
    position: str | None = None
    seen: set[str] = set()
    with aws_call("apigateway GetRestApis"):
        while True:
            page = (
                client.get_rest_apis(limit=500, position=position)
                if position
                else client.get_rest_apis(limit=500)
            )
            ids.extend(str(a["id"]) for a in page.get("items", []) if a.get("name") == name and "id" in a)
            position = page.get("position")
            if not position or position in seen:
                return ids
            seen.add(position)


def _refused(exc: BaseException) -> bool:
    """True when AWS answered a call with a 4xx error: it was refused and did nothing."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return False
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return isinstance(status, int) and 400 <= status < 500


def _warnings(response: Mapping[str, Any]) -> list[str]:
    return [scrub(str(w)) for w in response.get("warnings") or []]


class Importer:
    """One import run: the clients, the pacing of rate-limited calls, and where progress lines go."""

    def __init__(self, clients: Clients, log: Log, pacing: Pacing | None = None) -> None:
        self.clients = clients
        self.log = log
        self.pacing = pacing or Pacing()

    def _paced(self, action: str, base: float, fn: Callable[[], Any]) -> Any:
        def on_retry(delay: float) -> None:
            self.log(f"{action}: throttled by AWS, retrying in {delay:.1f} s")

        with aws_call(action):
            return with_throttle_retry(fn, base=base, pacing=self.pacing, on_retry=on_retry)

    def locate(self, options: ImportOptions) -> tuple[str | None, dict[str, Any]]:
        """The target API's id and its GetRestApi answer; (None, {}) when it is to be created."""
        client = self.clients.apigateway()
        rest_api_id = options.rest_api_id
        if rest_api_id is None:
            assert options.api_name is not None
            ids = find_api_by_name(client, options.api_name)
            if len(ids) > 1:
                raise AwsError(
                    f"{len(ids)} REST APIs are named {options.api_name!r}: {', '.join(sorted(ids))}",
                    hint="pick one with --rest-api-id",
                )
            if not ids:
                if options.create:
                    return None, {}
                raise AwsError(
                    f"no REST API named {options.api_name!r} in {self.clients.region}",
                    hint="add --create to create it, or check --region",
                )
            rest_api_id = ids[0]
        with aws_call("apigateway GetRestApi"):
            try:
                api = dict(client.get_rest_api(restApiId=rest_api_id))
            except Exception as exc:
                if error_code(exc) == "NotFoundException":
                    raise AwsError(f"REST API {rest_api_id} not found in {self.clients.region}") from None
                raise
        api.pop("ResponseMetadata", None)
        return rest_api_id, api

    def run(
        self,
        data: Mapping[str, Any],
        version: Version,
        result: Result | None,
        options: ImportOptions,
    ) -> Outcome:
        body = body_of(data)
        prefix = path_prefix(data, version, options.parameters)
        problems = refusals(data, version, body, prefix)
        if problems:
            raise InputError("API Gateway would refuse this import: " + "; ".join(problems))
        client = self.clients.apigateway()
        rest_api_id, api = self.locate(options)
        live: LiveApi | None = None
        before = settings_of(api)
        if rest_api_id is not None:
            live = read_live_api(client, rest_api_id)
        target = rest_api_id or f"REST API {options.api_name!r} (ImportRestApi)"
        plan = plan_import(
            options.mode,
            target,
            body,
            data,
            version,
            prefix,
            live,
            before,
            options.parameters,
            options.drop_api_settings,
        )
        outcome = Outcome(rest_api_id, plan, dry_run=options.dry_run)
        for line in plan.lines():
            self.log(line)
        if options.dry_run:
            call = "ImportRestApi" if rest_api_id is None else f"PutRestApi mode={options.mode}"
            self.log(
                f"dry run: would send {call} failOnWarnings={str(options.fail_on_warnings).lower()}"
                f" parameters={dict(options.parameters)} body={len(body)} bytes"
                + (f", then CreateDeployment to stage {options.stage!r}" if options.stage else "")
            )
            return outcome
        created = False
        try:
            if rest_api_id is None:
                response = self._create(data, body, options)
                rest_api_id = str(response["id"])
                created = True
                outcome.rest_api_id, outcome.created = rest_api_id, True
                self.log(f"created REST API {rest_api_id}")
                if options.api_name and response.get("name") != options.api_name:
                    # ImportRestApi names the API after info.title; the name asked for is what finds it again.
                    with aws_call("apigateway UpdateRestApi"):
                        client.update_rest_api(
                            restApiId=rest_api_id,
                            patchOperations=[{"op": "replace", "path": "/name", "value": options.api_name}],
                        )
            else:
                api_id = rest_api_id
                response = self._paced(
                    "apigateway PutRestApi",
                    PUT_INTERVAL,
                    lambda: client.put_rest_api(
                        restApiId=api_id,
                        mode=options.mode,
                        failOnWarnings=options.fail_on_warnings,
                        parameters=dict(options.parameters),
                        body=body,
                    ),
                )
                self.log(f"imported into REST API {rest_api_id} ({options.mode})")
            outcome.warnings = _warnings(response)
            for warning in outcome.warnings:
                self.log(f"warning from API Gateway: {warning}")
            if not created and options.mode == "overwrite" and plan.kept_settings:
                outcome.restored = self._restore(rest_api_id, before, plan.kept_settings)
            if options.stage:
                api_id = rest_api_id
                stage = options.stage
                stage_description = options.stage_description

                def deploy() -> Any:
                    if stage_description:
                        return client.create_deployment(
                            restApiId=api_id, stageName=stage, stageDescription=stage_description
                        )
                    return client.create_deployment(restApiId=api_id, stageName=stage)

                deployment = self._paced("apigateway CreateDeployment", DEPLOY_INTERVAL, deploy)
                outcome.deployment_id = str(deployment.get("id"))
                self.log(f"deployed to stage {options.stage!r} (deployment {outcome.deployment_id})")
        except BaseException as exc:
            if created and rest_api_id is not None:
                self._undo_create(rest_api_id, exc)
            raise
        if options.verify and result is not None:
            try:
                live_after = read_live_api(client, rest_api_id)
            except AwsError:
                done = f"the import into REST API {rest_api_id} is done" + (
                    f" and stage {options.stage!r} deployed" if options.stage else ""
                )
                self.log(f"{done}, but reading it back to verify it failed:")
                raise
            outcome.verification = compare(expected_methods(result, prefix), live_after)
        return outcome

    def _create(self, data: Mapping[str, Any], body: bytes, options: ImportOptions) -> Any:
        """ImportRestApi, sent once per throttling retry: never repeated by botocore, since a create whose
        answer is lost (a reset connection, a timeout, a 5xx) may have created the API all the same. After
        such a failure the API it may have made is looked for (a new API named after `info.title`) and
        deleted."""
        client = self.clients.apigateway()
        once = self.clients.apigateway(single_attempt=True)
        title = get_in(data, ("info", "title"), None)
        title = title if isinstance(title, str) and title else None
        before = set(find_api_by_name(client, title)) if title else set()

        def on_retry(delay: float) -> None:
            self.log(f"apigateway ImportRestApi: throttled by AWS, retrying in {delay:.1f} s")

        with aws_call("apigateway ImportRestApi"):
            try:
                return with_throttle_retry(
                    lambda: once.import_rest_api(
                        body=body,
                        failOnWarnings=options.fail_on_warnings,
                        parameters=dict(options.parameters),
                    ),
                    base=PUT_INTERVAL,
                    pacing=self.pacing,
                    on_retry=on_retry,
                )
            except Exception as exc:
                if title is not None and not _refused(exc):
                    self._undo_lost_create(title, before)
                raise

    def _undo_lost_create(self, title: str, before: set[str]) -> None:
        """After an ImportRestApi whose outcome is unknown: delete the one API it made, if it made one."""
        try:
            new = sorted(set(find_api_by_name(self.clients.apigateway(), title)) - before)
        except AwsError as exc:
            self.log(
                "ImportRestApi failed without a clear answer, and checking for a REST API named"
                f" {title!r} it may have created failed too ({exc}); look with `aws apigateway get-rest-apis`"
            )
            return
        if len(new) == 1:
            self.log(f"ImportRestApi failed without a clear answer, but created REST API {new[0]}")
            self._undo_create(new[0], AwsError("lost answer"))
        elif new:
            self.log(
                f"ImportRestApi failed without a clear answer; meanwhile {len(new)} REST APIs named {title!r}"
                f" appeared ({', '.join(new)}), maybe from another run: none was deleted, check them by hand"
            )

    def _restore(self, rest_api_id: str, before: Mapping[str, Any], keep: Sequence[str]) -> list[str]:
        client = self.clients.apigateway()
        with aws_call("apigateway GetRestApi"):
            after = settings_of(client.get_rest_api(restApiId=rest_api_id))
        ops = restore_patches(before, after, keep)
        if not ops:
            return []
        with aws_call("apigateway UpdateRestApi (re-applying API-level settings)"):
            client.update_rest_api(restApiId=rest_api_id, patchOperations=ops)
        restored = sorted({op["path"].split("/")[1] for op in ops})
        self.log("re-applied API-level settings the overwrite reset: " + ", ".join(restored))
        return restored

    def _undo_create(self, rest_api_id: str, cause: BaseException) -> None:
        """Delete the API this run created, so a failed import leaves nothing behind."""
        client = self.clients.apigateway()
        try:
            self._paced(
                "apigateway DeleteRestApi",
                DELETE_INTERVAL,
                lambda: client.delete_rest_api(restApiId=rest_api_id),
            )
        except AwsError as exc:
            self.log(
                f"the import failed and the REST API {rest_api_id} it created could not be deleted: {exc}"
            )
            self.log(f"delete it by hand: aws apigateway delete-rest-api --rest-api-id {rest_api_id}")
            return
        self.log(f"deleted REST API {rest_api_id}, which this failed import had created")
