"""`init --from-api`: adopt a REST API secured by hand, as a selector (and the document it serves).

Read the API (its methods and authorizers, and with `spec_out` the export of a stage), write the selector
the core makes of it, matched to the document's paths, then check the pair as `apply` would: every
operation decided, every rule selecting something. Validation is left to `validate` and `import`:
API Gateway's own exports fail OpenAPI validation (`$schema` in models; LocalStack's servers have no url).
Nothing here prints or exits.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from apigw_cognito.app.files import write_atomic
from apigw_cognito.app.pipeline import Spec, load_spec, parse_spec, run_apply
from apigw_cognito.aws.clients import Clients
from apigw_cognito.aws.live_api import export_document, find_http_ref, find_rest_api, read_snapshot
from apigw_cognito.basics.errors import InputError
from apigw_cognito.basics.openapi import iter_operations, security_schemes
from apigw_cognito.core.adopt import Adoption, adopt
from apigw_cognito.core.export_cleanup import clean_export
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
    spec: Spec | None = load_spec(request.spec) if request.spec else None
    notes: list[str] = []
    if request.spec_out is not None:
        yaml = not request.spec_out.lower().endswith(".json")
        exported = parse_spec(
            export_document(clients.apigateway(), api, request.stage, yaml), request.spec_out
        )
        data, cleaned = clean_export(exported.data)
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
    adoption = adopt(snapshot, operations, spec.name if spec else None)
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
