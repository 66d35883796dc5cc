"""The import and verify flows that the command line and the library share.

Import: resolve the selector's pools, secure and validate the document (nothing is sent when that has
errors), then hand the result to the AWS importer. Verify: the same document decisions, compared with what
the live API has.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from apigw_cognito.app.pipeline import Applied, FindingsError, Spec, run_apply
from apigw_cognito.aws.clients import Clients, SessionOptions
from apigw_cognito.aws.gateway_responses import read_gateway_responses
from apigw_cognito.aws.import_plan import ImportOptions, path_prefix
from apigw_cognito.aws.importer import Importer, ImportOutcome
from apigw_cognito.aws.pools import resolve_pools
from apigw_cognito.aws.verify import (
    Verification,
    compare,
    expected_methods,
    read_live_api,
    with_gateway_responses,
)
from apigw_cognito.selector.model import Selector

Log = Callable[[str], None]


def prepare(
    spec: Spec, selector: Selector, session: SessionOptions, clients: Clients, *, validate: bool, log: Log
) -> Applied:
    """The secured document to send: pools resolved, transform and (with `validate`) validation passed.

    Raises `FindingsError` with the report when errors forbid sending anything.
    """
    resolved = resolve_pools(selector, session, clients=clients, note=log)
    applied = run_apply(spec, resolved, validate=validate, command="import")
    if applied.output is None:
        applied.report.notes.append("nothing was sent to API Gateway: fix the errors above")
        raise FindingsError(f"{spec.name}: errors forbid the import", applied.report)
    return applied


def send(spec: Spec, applied: Applied, clients: Clients, options: ImportOptions, log: Log) -> ImportOutcome:
    """Import the prepared document, deploy it when asked, and read back what API Gateway attached."""
    return Importer(clients, log).run(applied.data, spec.version, applied.result, options)


def verify_live(
    spec: Spec,
    applied: Applied,
    clients: Clients,
    options: ImportOptions,
    parameters: Mapping[str, str],
    log: Log,
) -> Verification:
    """Compare the live REST API named by `options` with the decisions in `applied`."""
    api_id, _ = Importer(clients, log).find_api(options)
    assert api_id is not None  # find_api raises when no API matches
    prefix = path_prefix(applied.data, spec.version, parameters)
    client = clients.apigateway()
    verification = compare(expected_methods(applied.result, prefix), read_live_api(client, api_id))
    return with_gateway_responses(verification, applied.data, read_gateway_responses(client, api_id))
