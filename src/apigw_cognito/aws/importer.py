"""Import a secured document into API Gateway, deploy it, and check what API Gateway made of it.

`Importer.run` makes the calls, in this order: refuse what API Gateway would refuse (before any call), find
(or create) the API, read it, say what will change (`import_plan`), put, restore API-level settings, deploy,
verify. An API this run created is deleted again when a later step fails; an ImportRestApi whose answer is
lost is never repeated, and the API it may have made is looked for and deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from apigw_cognito.aws.clients import (
    Clients,
    Pacing,
    aws_call,
    aws_lookup,
    one_named,
    paginate,
    scrub,
    with_throttle_retry,
)
from apigw_cognito.aws.gateway_responses import (
    declared_responses,
    missing_after_import,
    put_gateway_response,
    read_gateway_responses,
)
from apigw_cognito.aws.import_plan import (
    ImportOptions,
    Payload,
    Plan,
    dry_run_summary,
    plan_import,
    refusals,
    restore_patches,
    settings_of,
)
from apigw_cognito.aws.pacer import Pacer
from apigw_cognito.aws.stage_check import body_digest, deployment_description
from apigw_cognito.aws.verify import (
    Verification,
    compare,
    expected_methods,
    read_live_api,
    with_gateway_responses,
)
from apigw_cognito.basics.errors import AwsError, InputError
from apigw_cognito.basics.openapi import Version, get_in
from apigw_cognito.core.transform import Result

if TYPE_CHECKING:
    from mypy_boto3_apigateway.client import APIGatewayClient

Log = Callable[[str], None]

PUT_INTERVAL = 1.0  # PutRestApi and ImportRestApi: 1 request per second per account
DEPLOY_INTERVAL = 5.0  # CreateDeployment: 1 request per 5 seconds per account
DELETE_INTERVAL = 30.0  # DeleteRestApi: 1 request per 30 seconds per account


@dataclass
class ImportOutcome:
    """What an import did (or, on a dry run, would do)."""

    rest_api_id: str | None
    plan: Plan
    created: bool = False
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    put_responses: list[str] = field(default_factory=list)  # gateway responses the import left out, put
    deployment_id: str | None = None
    verification: Verification | None = None


def find_api_by_name(client: APIGatewayClient, name: str) -> list[str]:
    """Ids of every REST API called `name` (GetRestApis, every page)."""
    with aws_call("apigateway GetRestApis"):
        return [
            str(a["id"])
            for a in paginate(client.get_rest_apis, "items", "position", limit=500)
            if a.get("name") == name and "id" in a
        ]


def _refused(exc: BaseException) -> bool:
    """True when AWS answered a call with a 4xx error: it was refused and did nothing."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return False
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return isinstance(status, int) and 400 <= status < 500


def _gateway_warnings(response: Mapping[str, Any]) -> list[str]:
    """The warnings API Gateway answered an import with."""
    return [scrub(str(w)) for w in response.get("warnings") or []]


class Importer:
    """One import run: the clients, the pacing of rate-limited calls, and where progress lines go."""

    def __init__(
        self, clients: Clients, log: Log, pacing: Pacing | None = None, pacer: Pacer | None = None
    ) -> None:
        self.clients = clients
        self.log = log
        self.pacing = pacing or Pacing()
        self.pacer = pacer or Pacer(sleep=self.pacing.sleep)  # shared by the imports of a target run

    def _space(self, call: str, interval: float) -> None:
        """Keep `interval` since the last `call` to this account and region (see `aws.pacer`)."""
        key = (self.clients.options.profile, self.clients.region, self.clients.options.endpoint_url, call)
        waited = self.pacer.wait(key, interval)
        if waited:
            self.log(f"apigateway {call}: waiting {waited:.1f} s (API Gateway's rate limit for this account)")

    def _paced(self, action: str, base: float, fn: Callable[[], Any]) -> Any:
        def on_retry(delay: float) -> None:
            self.log(f"{action}: throttled by AWS, retrying in {delay:.1f} s")

        with aws_call(action):
            return with_throttle_retry(fn, base=base, pacing=self.pacing, on_retry=on_retry)

    def find_api(self, options: ImportOptions) -> tuple[str | None, dict[str, Any]]:
        """The target API's id and its GetRestApi answer; (None, {}) when it is to be created."""
        client = self.clients.apigateway()
        rest_api_id = options.rest_api_id
        if rest_api_id is None:
            assert options.api_name is not None
            ids = find_api_by_name(client, options.api_name)
            found = one_named(
                ids, "REST API", options.api_name, self.clients.region, "--rest-api-id", create=options.create
            )
            if found is None:
                return None, {}
            rest_api_id = found
        with aws_lookup("apigateway GetRestApi", f"REST API {rest_api_id}", self.clients.region):
            api = dict(client.get_rest_api(restApiId=rest_api_id))
        api.pop("ResponseMetadata", None)
        return rest_api_id, api

    def run(
        self,
        data: Mapping[str, Any],
        version: Version,
        result: Result | None,
        options: ImportOptions,
    ) -> ImportOutcome:
        """Import `data` as `options` say; `result` (the transform's decisions) is what verify checks."""
        payload = Payload.of(data, version, options.parameters)
        problems = refusals(payload)
        if problems:
            raise InputError("API Gateway would refuse this import: " + "; ".join(problems))
        rest_api_id, api = self.find_api(options)
        before = settings_of(api)
        client = self.clients.apigateway()
        live = None if rest_api_id is None else read_live_api(client, rest_api_id)
        responses = () if rest_api_id is None else read_gateway_responses(client, rest_api_id)
        target = rest_api_id or f"REST API {options.api_name!r} (ImportRestApi)"
        expected = expected_methods(result, payload.prefix) if result is not None else None
        plan = plan_import(payload, options, target, live, before, responses, expected)
        outcome = ImportOutcome(rest_api_id, plan, dry_run=options.dry_run)
        for line in plan.lines():
            self.log(line)
        if options.dry_run:
            self.log(dry_run_summary(options, payload, creating=rest_api_id is None))
            return outcome
        rest_api_id = self._send(payload, options, outcome, before)
        if options.verify and result is not None:
            outcome.verification = self._verify(
                rest_api_id, result, payload.data, payload.prefix, options.stage
            )
        return outcome

    def _send(
        self, payload: Payload, options: ImportOptions, outcome: ImportOutcome, before: Mapping[str, Any]
    ) -> str:
        """Import, put the API-level settings back, deploy; an API this run created goes if a step fails."""
        try:
            if outcome.rest_api_id is None:
                rest_api_id, response = self._create(payload, options, outcome)
            else:
                rest_api_id = outcome.rest_api_id
                response = self._put(rest_api_id, payload, options)
            outcome.warnings = _gateway_warnings(response)
            for warning in outcome.warnings:
                self.log(f"warning from API Gateway: {warning}")
            if not outcome.created and options.mode == "overwrite" and outcome.plan.kept_settings:
                outcome.restored = self._restore(rest_api_id, before, outcome.plan.kept_settings)
            outcome.put_responses = self._put_responses(rest_api_id, payload.data)
            if options.stage:
                description = deployment_description(body_digest(payload.body))
                outcome.deployment_id = self._deploy(
                    rest_api_id, options.stage, options.stage_description, description
                )
        except BaseException as exc:
            if outcome.created and outcome.rest_api_id is not None:
                self._undo_create(outcome.rest_api_id, exc)
            raise
        return rest_api_id

    def _create(self, payload: Payload, options: ImportOptions, outcome: ImportOutcome) -> tuple[str, Any]:
        """ImportRestApi, then the name asked for; `outcome` says the API exists as soon as it does."""
        response = self._import_new(payload, options)
        rest_api_id = str(response["id"])
        outcome.rest_api_id, outcome.created = rest_api_id, True
        self.log(f"created REST API {rest_api_id}")
        if options.api_name and response.get("name") != options.api_name:
            # ImportRestApi names the API after info.title; the name asked for is what finds it again.
            with aws_call("apigateway UpdateRestApi"):
                self.clients.apigateway().update_rest_api(
                    restApiId=rest_api_id,
                    patchOperations=[{"op": "replace", "path": "/name", "value": options.api_name}],
                )
        return rest_api_id, response

    def _put(self, rest_api_id: str, payload: Payload, options: ImportOptions) -> Any:
        """PutRestApi into the existing API, retried while throttled."""
        client = self.clients.apigateway()
        self._space("PutRestApi", PUT_INTERVAL)
        response = self._paced(
            "apigateway PutRestApi",
            PUT_INTERVAL,
            lambda: client.put_rest_api(
                restApiId=rest_api_id,
                mode=options.mode,
                failOnWarnings=options.fail_on_warnings,
                parameters=dict(options.parameters),
                body=payload.body,
            ),
        )
        self.log(f"imported into REST API {rest_api_id} ({options.mode})")
        return response

    def _deploy(self, rest_api_id: str, stage: str, stage_description: str | None, description: str) -> str:
        """CreateDeployment to `stage`, retried while throttled; the deployment's id. `description` records
        which document it deploys (`stage_check`)."""
        client = self.clients.apigateway()
        self._space("CreateDeployment", DEPLOY_INTERVAL)

        def deploy() -> Any:
            if stage_description:
                return client.create_deployment(
                    restApiId=rest_api_id,
                    stageName=stage,
                    stageDescription=stage_description,
                    description=description,
                )
            return client.create_deployment(restApiId=rest_api_id, stageName=stage, description=description)

        deployment = self._paced("apigateway CreateDeployment", DEPLOY_INTERVAL, deploy)
        deployment_id = str(deployment.get("id"))
        self.log(f"deployed to stage {stage!r} (deployment {deployment_id})")
        return deployment_id

    def _verify(
        self, rest_api_id: str, result: Result, data: Mapping[str, Any], prefix: str, stage: str | None
    ) -> Verification:
        """Read the API back and compare it with the transform's decisions and the document's gateway
        responses."""
        client = self.clients.apigateway()
        try:
            live = read_live_api(client, rest_api_id)
            responses = read_gateway_responses(client, rest_api_id)
        except AwsError:
            done = f"the import into REST API {rest_api_id} is done" + (
                f" and stage {stage!r} deployed" if stage else ""
            )
            self.log(f"{done}, but reading it back to verify it failed:")
            raise
        return with_gateway_responses(compare(expected_methods(result, prefix), live), data, responses)

    def _put_responses(self, rest_api_id: str, data: Mapping[str, Any]) -> list[str]:
        """PutGatewayResponse for each declared gateway response the import did not create as declared.

        AWS imports them with the body, and then nothing is put. LocalStack's import ignores them."""
        declared = declared_responses(data)
        if not declared:
            return []
        client = self.clients.apigateway()
        missing = missing_after_import(declared, read_gateway_responses(client, rest_api_id))
        for kind in missing:
            put_gateway_response(client, rest_api_id, kind, declared[kind])
        if missing:
            self.log(
                f"the import left {len(missing)} declared gateway response(s) out; put them with"
                " PutGatewayResponse: " + ", ".join(missing)
            )
        return missing

    def _import_new(self, payload: Payload, options: ImportOptions) -> Any:
        """ImportRestApi, sent once per throttling retry: never repeated by botocore, since a create whose
        answer is lost (a reset connection, a timeout, a 5xx) may have created the API all the same. After
        such a failure the API it may have made is looked for (a new API named after `info.title`) and
        deleted."""
        client = self.clients.apigateway()
        once = self.clients.apigateway(single_attempt=True)
        title = get_in(payload.data, ("info", "title"), None)
        title = title if isinstance(title, str) and title else None
        before = set(find_api_by_name(client, title)) if title else set()

        def on_retry(delay: float) -> None:
            self.log(f"apigateway ImportRestApi: throttled by AWS, retrying in {delay:.1f} s")

        self._space("PutRestApi", PUT_INTERVAL)  # ImportRestApi shares PutRestApi's limit
        with aws_call("apigateway ImportRestApi"):
            try:
                return with_throttle_retry(
                    lambda: once.import_rest_api(
                        body=payload.body,
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
