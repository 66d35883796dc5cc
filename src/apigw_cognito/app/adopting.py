"""`init --from-api`: adopt a REST API secured by hand, as a selector (and the document it serves).

Read the API (its methods and authorizers, and with `spec_out` the export of a stage), write the selector
the core makes of it, matched to the document's paths, then check the pair as `apply` would: every
operation decided, every rule selecting something. Validation is left to `validate` and `import`:
API Gateway's own exports fail OpenAPI validation (`$schema` in models; LocalStack's servers have no url).
Nothing here prints or exits.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from apigw_cognito.app.files import write_atomic
from apigw_cognito.app.pipeline import Spec, load_spec, parse_spec, run_apply
from apigw_cognito.aws.clients import Clients
from apigw_cognito.aws.gateway_responses import (
    LiveResponse,
    as_declared,
    declared_responses,
    dropped_by_overwrite,
    read_gateway_responses,
    reproduces,
)
from apigw_cognito.aws.live_api import export_document, find_http_ref, find_rest_api, read_snapshot
from apigw_cognito.basics.errors import InputError
from apigw_cognito.basics.openapi import iter_operations, security_schemes
from apigw_cognito.core.adopt import Adoption, adopt, stack_references
from apigw_cognito.core.export_cleanup import clean_export, with_gateway_responses
from apigw_cognito.document.bundle import render_data
from apigw_cognito.reports.model import Report
from apigw_cognito.selector.loader import load_selector

Log = Callable[[str], None]


@dataclass(frozen=True)
class AdoptRequest:
    rest_api_id: str | None = None
    api_name: str | None = None
    spec: str | None = None  # a document of the user's own to match the paths of
    spec_out: str | None = None  # or: write the API's export here and match its paths
    selector_out: str | None = None  # None: the caller prints the selector
    stage: str | None = None  # the stage whose export --spec-out writes
    force: bool = False
    http_api_id: str | None = None  # adopt this HTTP API instead (`--from-http-api`)


@dataclass
class AdoptOutcome:
    adoption: Adoption
    check: Report | None  # the selector applied to the document (None without one)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the pair decides every method and nothing needs a person's decision."""
        return not self.adoption.gaps and (self.check is None or not self.check.errors)


def _refuse_overwrite(path: str | None, force: bool) -> None:
    if path is not None and os.path.exists(path) and not force:
        raise InputError(f"{path} exists", hint="use --force to overwrite it")


# What `gateway_responses: cors: auto` adds to a selector; tried when the user's own document lacks the live
# API's gateway responses.
CORS_AUTO = (
    "\n# The API's gateway responses carry the preflight's CORS headers.\ngateway_responses:\n  cors: auto\n"
)


def _with_own_responses(
    adoption: Adoption, spec: Spec, live: Sequence[LiveResponse], notes: list[str]
) -> Adoption:
    """The adoption for a document of the user's own that lacks the live gateway responses: with
    `gateway_responses: cors: auto` when that reproduces them exactly, else a gap for each."""
    lacking = dropped_by_overwrite(spec.data, live)
    if not lacking:
        return adoption
    text = adoption.text + CORS_AUTO
    applied = run_apply(spec, load_selector(text.encode("utf-8"), "<selector>", {}), validate=False)
    if not applied.report.errors and reproduces(declared_responses(applied.data), live):
        notes.append(
            f"the API's gateway responses ({', '.join(lacking)}) are what `gateway_responses: cors: auto`"
            f" writes for {spec.name}: the selector says so"
        )
        return replace(adoption, text=text)
    gaps = tuple(
        f"gateway response {kind} is configured in the API but not declared in {spec.name}: an overwrite"
        " import resets it (declare it under x-amazon-apigateway-gateway-responses)"
        for kind in lacking
    )
    return replace(adoption, gaps=(*adoption.gaps, *gaps))


def adopt_api(clients: Clients, request: AdoptRequest, log: Log) -> AdoptOutcome:
    """Read the API, write the selector (and the export), check the pair; nothing in AWS changes."""
    _refuse_overwrite(request.selector_out, request.force)
    _refuse_overwrite(request.spec_out, request.force)
    if request.http_api_id is not None and request.spec_out is not None:
        raise InputError("--spec-out writes a REST API's export; give your document as SPEC instead")
    if request.http_api_id is not None:
        api = find_http_ref(clients, request.http_api_id, None)
    else:
        api = find_rest_api(clients, request.rest_api_id, request.api_name)
    kind = "HTTP API" if api.http else "REST API"
    log(f"reading {kind} {api.id} ({api.name!r}) in {clients.region}")
    snapshot = read_snapshot(clients, api)
    # Gateway responses are a REST API's (an HTTP API has none, and GetGatewayResponses refuses its id).
    responses_live = () if api.http else read_gateway_responses(clients.apigateway(), api.id)
    responses = as_declared(responses_live)
    spec: Spec | None = load_spec(request.spec) if request.spec else None
    notes: list[str] = []
    if request.spec_out is not None:
        yaml = not request.spec_out.lower().endswith(".json")
        exported = parse_spec(
            export_document(clients.apigateway(), api, request.stage, yaml), request.spec_out
        )
        data, cleaned = clean_export(exported.data)
        data, carried = with_gateway_responses(data, responses)
        cleaned += carried
        if cleaned:
            fmt = "yaml" if yaml else "json"
            spec = parse_spec(render_data(data, fmt), request.spec_out)
            notes.extend(cleaned)
        else:
            spec = exported
        if not security_schemes(spec.data, spec.version):
            notes.append(
                "the export carries no security schemes (LocalStack's exporter writes none): the selector"
                " is built from the API's methods and authorizers, and `apply` writes the security"
            )
    operations = list(iter_operations(spec.data, spec.locate)) if spec else None
    references = stack_references(security_schemes(spec.data, spec.version)) if spec else {}
    adoption = adopt(snapshot, operations, spec.name if spec else None, references)
    if request.spec is not None and spec is not None:
        adoption = _with_own_responses(adoption, spec, responses_live, notes)
    check = None
    if spec is not None:
        name = request.selector_out or "<selector>"
        selector = load_selector(adoption.text.encode("utf-8"), name, {})
        check = run_apply(spec, selector, validate=False, command="init").report
    if request.spec_out is not None and spec is not None:
        write_atomic(request.spec_out, spec.raw)
        log(f"wrote {request.spec_out}: the export of REST API {api.id}")
    if request.selector_out is not None:
        write_atomic(request.selector_out, adoption.text.encode("utf-8"))
        log(f"wrote {request.selector_out}: {adoption.rules} rules for {kind} {api.id}")
    return AdoptOutcome(adoption, check, notes)
