"""`import --target NAME` and `verify --target NAME`: every configured API that has that target.

Each API runs on its own, as `import` or `verify` would with the target's options (API, region, profile,
stage, mode, `${VAR}`s), and a failure ends that API only; the summary and the worst exit code are those of
`apply` over the project. Before anything is sent, two APIs whose targets name the same REST API are
refused: they would overwrite each other. Every import of the run shares one `Pacer`, so calls to one
account and region keep API Gateway's rates (PutRestApi one per second, CreateDeployment one per five).
Nothing here prints or exits.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from apigw_cognito.app import importing
from apigw_cognito.app.config import Api, Config, Target
from apigw_cognito.app.pipeline import Applied, FindingsError, load_selector_file, load_spec
from apigw_cognito.aws.clients import Clients, SessionOptions
from apigw_cognito.aws.http_importer import HttpImportOptions
from apigw_cognito.aws.import_plan import ImportOptions
from apigw_cognito.aws.importer import find_api_by_name
from apigw_cognito.aws.pacer import Pacer
from apigw_cognito.aws.verify import Verification
from apigw_cognito.basics.errors import ExitCode, InputError, Location, ToolError
from apigw_cognito.reports.model import ApiOutcome
from apigw_cognito.reports.verify_table import render_table

Command = Literal["import", "verify"]
Log = Callable[[str], None]


@dataclass(frozen=True)
class TargetRun:
    api: Api
    target: Target

    @property
    def account(self) -> tuple[str | None, str | None]:
        """What stands for the account and region: the profile and the region."""
        return (self.target.profile, self.target.region)

    @property
    def names(self) -> str:
        target = self.target
        if target.http_api:
            return target.http_api_id or f"the HTTP API named {target.http_api_name!r}"
        return target.rest_api_id or f"the REST API named {target.api_name!r}"


def target_runs(config: Config, environment: str, names: Sequence[str] = ()) -> list[TargetRun]:
    """The configured APIs (those named, or all) that have the target `environment`."""
    apis = config.select(list(names))
    runs = [TargetRun(api, api.targets[environment]) for api in apis if environment in api.targets]
    if not runs:
        known = sorted({env for api in apis for env in api.targets})
        raise InputError(
            f"no configured API has the target {environment!r}",
            Location(config.path),
            hint="configured targets: " + (", ".join(known) or "none (add [apis.targets.<name>])"),
        )
    return runs


def refuse_shared(runs: Sequence[TargetRun], resolved: dict[int, str] | None = None) -> None:
    """Two runs whose targets name one REST API (by id, by name, or by the id a name resolved to)."""
    seen: dict[tuple[object, ...], TargetRun] = {}
    for index, run in enumerate(runs):
        keys = [
            (*run.account, "id", run.target.rest_api_id),
            (*run.account, "name", run.target.api_name),
            (*run.account, "http id", run.target.http_api_id),
            (*run.account, "http name", run.target.http_api_name),
        ]
        if resolved and index in resolved:
            keys.append((*run.account, "id", resolved[index]))
        for key in keys:
            if key[-1] is None:
                continue
            other = seen.get(key)
            if other is not None and other.api.name != run.api.name:
                raise InputError(
                    f"APIs {other.api.name!r} and {run.api.name!r} both import into {run.names} with target"
                    f" {run.target.environment!r}: each would overwrite the other; nothing was sent",
                    run.api.location,
                    hint="give each configured API its own REST API",
                )
            seen[key] = run


def _session(run: TargetRun, endpoint_url: str | None) -> SessionOptions:
    return SessionOptions(region=run.target.region, profile=run.target.profile, endpoint_url=endpoint_url)


def resolve_names(runs: Sequence[TargetRun], endpoint_url: str | None) -> dict[int, str]:
    """The ids of the REST APIs that targets name by name (reads only), to refuse two runs on one API."""
    found: dict[int, str] = {}
    for index, run in enumerate(runs):
        if run.target.api_name is None:
            continue
        ids = find_api_by_name(Clients(_session(run, endpoint_url)).apigateway(), run.target.api_name)
        if len(ids) == 1:
            found[index] = ids[0]
    return found


def _options(target: Target) -> ImportOptions:
    return ImportOptions(
        rest_api_id=target.rest_api_id,
        api_name=target.api_name,
        create=target.create,
        mode=target.mode,
        stage=target.stage,
    )


def _outcome(run: TargetRun, verification: Verification | None, extra: Sequence[str] = ()) -> ApiOutcome:
    table = render_table(verification) if verification is not None else ""
    problems = list(extra)
    if verification is not None and not verification.ok:
        problems.insert(0, f"{len(verification.mismatches)} mismatch(es)")
    status = "; ".join(problems) if problems else "ok"
    code = ExitCode.FINDINGS if problems else ExitCode.OK
    return ApiOutcome(run.api.name, int(code), status, notes=[table] if table else [])


def _run_one(
    command: Command, run: TargetRun, endpoint_url: str | None, pacer: Pacer, log: Log
) -> ApiOutcome:
    session = _session(run, endpoint_url)
    clients = Clients(session)
    environ = {**os.environ, **run.target.env}
    spec = load_spec(run.api.spec)
    selector = load_selector_file(run.api.selector, environ)
    http = run.target.http_api
    applied = importing.prepare(
        spec,
        selector,
        session,
        clients,
        validate=command == "import",
        log=log,
        command=command,
        http_api=http,
    )
    if http:
        return _run_http(command, run, applied, clients, log)
    options = _options(run.target)
    if command == "import":
        outcome = importing.send(spec, applied, clients, options, log, pacer=pacer)
        return _outcome(run, outcome.verification)
    verification = importing.verify_live(spec, applied, clients, options, options.parameters, log)
    stage_problems: list[str] = []
    if run.target.stage:
        check = importing.verify_stage(spec, applied, clients, options, run.target.stage, log)
        stage_problems = list(check.problems)
        for line in check.notes:
            log(line)
    return _outcome(run, verification, stage_problems)


def _run_http(command: Command, run: TargetRun, applied: Applied, clients: Clients, log: Log) -> ApiOutcome:
    """An HTTP API target: ReimportApi (CreateApi with `create`) and what it left out, or the comparison."""
    target = run.target
    if command == "verify":
        return _outcome(
            run, importing.verify_http_live(applied, clients, target.http_api_id, target.http_api_name)
        )
    options = HttpImportOptions(
        api_id=target.http_api_id, api_name=target.http_api_name, create=target.create, stage=target.stage
    )
    return _outcome(run, importing.send_http(applied, clients, options, log).verification)


def run_targets(
    command: Command,
    runs: Sequence[TargetRun],
    *,
    endpoint_url: str | None = None,
    pacer: Pacer | None = None,
    log: Log,
) -> list[ApiOutcome]:
    """Run `command` for every target run, in order; one shared `pacer` spaces the rate-limited calls."""
    refuse_shared(runs)
    refuse_shared(runs, resolve_names(runs, endpoint_url))
    shared = pacer or Pacer()
    outcomes: list[ApiOutcome] = []
    for run in runs:
        log(f"{command} {run.api.name} -> target {run.target.environment!r} ({run.names})")
        try:
            outcomes.append(_run_one(command, run, endpoint_url, shared, log))
        except FindingsError as exc:
            outcomes.append(
                ApiOutcome(run.api.name, int(exc.exit_code), "errors in the document", exc.report)
            )
        except ToolError as exc:
            status = {ExitCode.BAD_INPUT: "invalid input", ExitCode.AWS: "AWS failure"}.get(
                exc.exit_code, "failed"
            )
            outcomes.append(ApiOutcome(run.api.name, int(exc.exit_code), status, error=str(exc)))
    return outcomes
