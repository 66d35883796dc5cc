"""The security property: after `apply` with `default: deny` no operation is left open silently.

Over the fuzz strategies' documents (every one that loads), the test suite's real documents (specs/, the
golden and validation inputs) and ../shared/corpus when present:

- `apply` refuses to write exactly when the independent model of the selector
  (tests/support/selector_model.py) finds an operation no rule decides, and then names exactly those;
  otherwise it writes a document in which, read back as API Gateway imports it (by the model, not by the
  tool's own reading), every operation is secured exactly as the model decides (authorizer, scopes and the
  API key it kept or added) or explicitly public (API key only, where it required one and its rule keeps it);
- `audit` with the same selector reports what the model decides on every operation.

And against LocalStack: `verify` detects every kind of drift planted in an imported API, on every
operation where it can be planted (a method switched to NONE, a scope removed or added, the provider ARN
changed, a public method given the authorizer, a method deleted), and passes again once the API is
re-imported.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings

from apigw_cognito.app.pipeline import Spec, parse_spec, run_apply, run_audit
from apigw_cognito.aws.clients import Clients, SessionOptions
from apigw_cognito.aws.import_plan import ImportOptions
from apigw_cognito.aws.importer import Importer
from apigw_cognito.aws.verify import compare, expected_methods, read_live_api
from apigw_cognito.basics.errors import InputError
from apigw_cognito.document.load import load_document
from apigw_cognito.reports.verify_table import render_table
from apigw_cognito.selector.loader import load_selector
from apigw_cognito.selector.model import Selector
from tests.support import selector_model as model
from tests.support.apidocs import OTHER_POOL_ARN, PETS, secured, unique, version
from tests.support.ci import cannot_run
from tests.support.fuzzstats import record
from tests.support.paths import CORPUS
from tests.support.strategies import DENY_SELECTOR, ROOT, STAR_SELECTOR, FuzzFile, hostile_documents

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"

# DENY decides GET and writes only (OPTIONS stay public as preflights): documents with HEAD, TRACE or ANY
# operations must be refused. DENY_ALL adds a last rule for those, so every operation gets decided.
DENY_ALL_SELECTOR = {
    **DENY_SELECTOR,
    "rules": [
        *DENY_SELECTOR["rules"],
        {"select": "HEAD,TRACE,ANY /**", "authorizer": "Pool", "scopes": ["any"], "optional": True},
    ],
}
# Each selector as the tool loads it, beside the plain data the model reads.
DENY = (load_selector(json.dumps(DENY_SELECTOR).encode(), "deny.json", {}), DENY_SELECTOR)
DENY_ALL = (load_selector(json.dumps(DENY_ALL_SELECTOR).encode(), "deny-all.json", {}), DENY_ALL_SELECTOR)
STAR = (load_selector(json.dumps(STAR_SELECTOR).encode(), "star.json", {}), STAR_SELECTOR)


def load_spec_bytes(raw: bytes, name: str) -> Spec | None:
    try:
        return parse_spec(raw, name)
    except InputError:
        return None


def _paths_resolved(data: Any) -> Any:
    """`data` with each path item behind a same-file `$ref` in place: what an importer creates (a resolver
    of the test's own, so that the tool's is not judged by itself)."""
    paths = data.get("paths") if isinstance(data, dict) else None
    if not isinstance(paths, dict):
        return data
    resolved = {}
    for path, written in paths.items():
        item, seen = written, 0
        while isinstance(item, dict) and isinstance(item.get("$ref"), str) and item["$ref"].startswith("#/"):
            node: Any = data
            for step in item["$ref"][2:].split("/"):
                node = node[step.replace("~1", "/").replace("~0", "~")]
            item, seen = node, seen + 1
            assert seen < 100
        resolved[path] = item
    return {**data, "paths": resolved}


def check_property(spec: Spec, selectors: tuple[Selector, dict[str, Any]]) -> str:
    """Check the property for one document; the outcome's name for the statistics."""
    selector, plain = selectors
    try:
        applied = run_apply(spec, selector, validate=False)
    except InputError:  # a malformed paths object or operation, refused with its place
        return "refused"
    expected = model.expected_security(_paths_resolved(spec.document.data), plain)
    undecided = {key for key, e in expected.items() if e.kind == "undecided"}
    named = {(r.path, r.method) for r in applied.report.rows if r.decision == "unmatched"}
    assert named == undecided
    if applied.output is None:
        # Nothing written; with default: deny every undecided operation is named in the report.
        assert undecided or applied.report.errors
        outcome = "refused-unmatched" if undecided else "refused"
    else:
        assert not undecided
        out = load_document(applied.output, spec.name)
        imported = model.imported_security(_paths_resolved(out.data))
        assert set(imported) == set(expected)
        for key, wanted in expected.items():
            assert model.agrees(wanted, imported[key]), (key, wanted, imported[key])
        schemes = model.expected_schemes(_paths_resolved(spec.document.data), plain)
        written = out.data["securityDefinitions" if "swagger" in out.data else "components"]
        written = written if "swagger" in out.data else written["securitySchemes"]
        assert all(written[name] == scheme for name, scheme in schemes.items())
        outcome = "secured"
    # audit with the same selector reports what the model decides
    try:
        audit = run_audit(spec, selector)
    except InputError:
        # The would-be document cannot be built (say `components` is a list): apply wrote nothing either.
        assert applied.output is None
        return outcome
    rows = {(r.path, r.method): r for r in audit.rows}
    for key, wanted in expected.items():
        row = rows[key]
        if wanted.kind == "undecided":  # audit shows what the document has there now
            continue
        public = "api_key" if wanted.api_key else "public"
        assert row.decision == (public if wanted.kind == "public" else wanted.kind), (row, wanted)
        assert row.api_key is wanted.api_key or wanted.kind == "public"
        if row.decision != "api_key":
            assert (row.authorizer, row.scopes) == (wanted.authorizer, wanted.scopes), (row, wanted)
    if applied.output is not None:
        assert not any(r.decision == "OPEN" for r in audit.rows)
    return outcome


@settings(
    max_examples=4000 if LONG else 250,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(document=hostile_documents(max_mutations=2))
def test_no_operation_is_left_open_in_fuzzed_documents(document: FuzzFile) -> None:
    spec = load_spec_bytes(document.raw, document.name)
    if spec is None:
        record("security property (fuzz)", "not loadable", document.hazards)
        return
    for selector in (DENY, DENY_ALL, STAR):
        record("security property (fuzz)", check_property(spec, selector), document.hazards)


def _suite_documents() -> list[Path]:
    found = [*sorted((ROOT / "specs").glob("*.json")), *sorted((ROOT / "specs").glob("*.yaml"))]
    found = [p for p in found if "selector" not in p.name]
    for folder in (ROOT / "tests" / "golden", ROOT / "tests" / "data" / "validation"):
        found += sorted(
            p
            for p in folder.rglob("*")
            if p.suffix in (".json", ".yaml", ".yml") and "selector" not in p.name
        )
    return found


@pytest.mark.parametrize("path", _suite_documents(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_operation_is_left_open_in_the_suites_documents(path: Path) -> None:
    spec = load_spec_bytes(path.read_bytes(), path.name)
    if spec is None:
        record("security property (suite documents)", "not loadable")
        return
    for selector in (DENY, DENY_ALL, STAR):
        record("security property (suite documents)", check_property(spec, selector))


def _corpus() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.iterdir() if p.suffix in (".json", ".yaml", ".yml"))


@pytest.mark.corpus
@pytest.mark.parametrize(
    "path",
    _corpus() or [None],
    ids=lambda p: p.name if p else "none",
)
def test_no_operation_is_left_open_in_the_corpus(path: Path | None) -> None:
    if path is None:
        cannot_run(f"no corpus at {CORPUS}")
    spec = load_spec_bytes(path.read_bytes(), path.name)
    assert spec is not None
    outcome = check_property(spec, DENY_ALL)
    record("security property (corpus)", outcome, (path.name,))
    assert outcome == "secured"


# --- verify against drift planted in LocalStack ---------------------------------------------------------


@pytest.fixture(scope="module")
def pets_api(localstack_url: str) -> dict[str, Any]:
    """The pets document imported once; each plant re-imports it before planting."""
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
    data, result = secured("3.0")
    clients = Clients(SessionOptions(region="us-east-1", endpoint_url=localstack_url, max_attempts=1))
    importer = Importer(clients, lambda _: None)
    outcome = importer.run(data, version("3.0"), result, ImportOptions(api_name=unique("drift"), create=True))
    assert outcome.rest_api_id is not None
    client = boto3.client(
        "apigateway",
        region_name="us-east-1",
        endpoint_url=localstack_url,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    return {"importer": importer, "data": data, "result": result, "id": outcome.rest_api_id, "client": client}


def _resource(client: Any, api_id: str, path: str) -> str:
    return str(next(r["id"] for r in client.get_resources(restApiId=api_id)["items"] if r["path"] == path))


def _patch(client: Any, api_id: str, method: str, path: str, *ops: dict[str, str]) -> None:
    client.update_method(
        restApiId=api_id,
        resourceId=_resource(client, api_id, path),
        httpMethod=method,
        patchOperations=list(ops),
    )


def _authorizer(client: Any, api_id: str) -> str:
    """The id of the authorizer the import attached to GET /pets (LocalStack keeps older ones of the same
    name across overwrites, so the name alone does not tell)."""
    method = client.get_method(
        restApiId=api_id, resourceId=_resource(client, api_id, "/pets"), httpMethod="GET"
    )
    return str(method["authorizerId"])


Plant = Callable[[Any, str, str, str], None]


def to_none(client: Any, api_id: str, method: str, path: str) -> None:
    _patch(client, api_id, method, path, {"op": "replace", "path": "/authorizationType", "value": "NONE"})


def scope_removed(client: Any, api_id: str, method: str, path: str) -> None:
    _patch(client, api_id, method, path, {"op": "remove", "path": "/authorizationScopes", "value": "x"})


def scope_added(client: Any, api_id: str, method: str, path: str) -> None:
    _patch(
        client, api_id, method, path, {"op": "add", "path": "/authorizationScopes", "value": "planted/extra"}
    )


def provider_changed(client: Any, api_id: str, method: str, path: str) -> None:
    twin = client.create_authorizer(
        restApiId=api_id,
        name="Pool",
        type="COGNITO_USER_POOLS",
        providerARNs=[OTHER_POOL_ARN],
        identitySource="method.request.header.Authorization",
    )
    _patch(client, api_id, method, path, {"op": "replace", "path": "/authorizerId", "value": twin["id"]})


def public_secured(client: Any, api_id: str, method: str, path: str) -> None:
    _patch(
        client,
        api_id,
        method,
        path,
        {"op": "replace", "path": "/authorizationType", "value": "COGNITO_USER_POOLS"},
        {"op": "replace", "path": "/authorizerId", "value": _authorizer(client, api_id)},
    )


def deleted(client: Any, api_id: str, method: str, path: str) -> None:
    client.delete_method(restApiId=api_id, resourceId=_resource(client, api_id, path), httpMethod=method)


PLANTS: list[tuple[str, Plant, str, str]] = []
for (_method, _path), (_authorizer_name, _scopes) in PETS.items():
    if _authorizer_name is not None:
        PLANTS += [("none", to_none, _method, _path), ("provider", provider_changed, _method, _path)]
        PLANTS += [("scope-added", scope_added, _method, _path)]
        if _scopes:
            PLANTS.append(("scope-removed", scope_removed, _method, _path))
    elif _method != "OPTIONS":
        PLANTS.append(("public-secured", public_secured, _method, _path))
    PLANTS.append(("deleted", deleted, _method, _path))


@pytest.mark.parametrize(
    ("kind", "plant", "method", "path"), PLANTS, ids=[f"{k}-{m}-{p}" for k, _, m, p in PLANTS]
)
def test_verify_detects_every_planted_drift(
    pets_api: dict[str, Any], kind: str, plant: Plant, method: str, path: str
) -> None:
    client, api_id = pets_api["client"], pets_api["id"]
    pets_api["importer"].run(
        pets_api["data"], version("3.0"), pets_api["result"], ImportOptions(rest_api_id=api_id, verify=False)
    )
    expected = expected_methods(pets_api["result"])
    clean = compare(expected, read_live_api(client, api_id))
    assert clean.ok, render_table(clean)
    plant(client, api_id, method, path)
    drift = compare(expected, read_live_api(client, api_id))
    record("verify drift", "detected" if not drift.ok else "missed", (kind,))
    assert not drift.ok, f"{kind} on {method} {path} went unnoticed\n{render_table(drift)}"
    assert (method, path) in {(row.method, row.path) for row in drift.mismatches}, render_table(drift)
