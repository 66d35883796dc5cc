"""`serve` beside the real API Gateway: the same document deployed and served locally, the same requests
sent to both, the status, body and CORS header compared. This is where docs/serve.md's unsure points are
checked (the expired-token message, the missing-scope 401, the authorizer before the API key, an unknown
method, DEFAULT_4XX's headers on each rejection).

Skipped like the other live tests without a disposable API and real credentials. Token cases run only
with tokens of the pool in the environment (never printed):
APIGW_COGNITO_LIVE_ID_TOKEN, APIGW_COGNITO_LIVE_ACCESS_TOKEN (without the custom scope) and
APIGW_COGNITO_LIVE_EXPIRED_TOKEN (an ID token over an hour old).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from apigw_cognito.app.pipeline import load_selector_file, load_spec, run_apply
from apigw_cognito.aws.clients import Clients, SessionOptions
from apigw_cognito.aws.import_plan import ImportOptions
from apigw_cognito.aws.importer import Importer
from apigw_cognito.aws.pools import Resolver
from apigw_cognito.serving.gateway import Options
from tests.live.test_live_aws import API_ID, POOL, STAGE, pytestmark  # noqa: F401  (the same skip)
from tests.support.apidocs import keyed_pets, version
from tests.support.serving import call, in_process

KEY = "live-serve-key"
TOKENS = {
    name: os.environ.get(f"APIGW_COGNITO_LIVE_{name.upper()}_TOKEN", "")
    for name in ("id", "access", "expired")
}


def test_serve_answers_as_the_deployed_stage(tmp_path: Path) -> None:
    clients = Clients(SessionOptions())
    arn = Resolver(clients).resolve(POOL)
    (tmp_path / "api.json").write_text(json.dumps(keyed_pets()))
    (tmp_path / "selector.yaml").write_text(
        f"version: 1\nauthorizers: {{Pool: {{user_pools: ['{arn}']}}}}\n"
        "rules:\n"
        "  - {select: GET /pets, authorizer: Pool}\n"
        "  - {select: POST /pets, authorizer: Pool, scopes: ['https://example.com/none']}\n"
        "  - {select: GET /stats, authorizer: Pool, api_key: required}\n"
        "default: deny\ngateway_responses: {cors: auto}\n"
    )
    spec, selector = tmp_path / "api.json", tmp_path / "selector.yaml"
    applied = run_apply(
        load_spec(str(spec)), load_selector_file(str(selector)), validate=True, command="import"
    )
    assert applied.output is not None, applied.report.findings
    outcome = Importer(clients, lambda _: None).run(
        applied.data, version("3.0"), applied.result, ImportOptions(rest_api_id=API_ID, stage=STAGE)
    )
    assert outcome.verification is not None
    assert outcome.verification.ok
    stage = f"https://{API_ID}.execute-api.{clients.region}.amazonaws.com/{STAGE}"
    requests: list[tuple[str, str, dict[str, str]]] = [
        ("GET", "/pets", {}),
        ("GET", "/pets", {"Authorization": "garbage"}),
        ("DELETE", "/pets", {}),
        ("GET", "/nothing", {}),
        ("GET", "/stats", {}),
        ("OPTIONS", "/pets", {}),
    ]
    if TOKENS["id"]:
        requests += [
            ("GET", "/pets", {"Authorization": TOKENS["id"]}),
            ("GET", "/pets", {"Authorization": "Bearer " + TOKENS["id"]}),
            ("POST", "/pets", {"Authorization": TOKENS["id"]}),
            ("GET", "/stats", {"Authorization": TOKENS["id"]}),
            ("GET", "/stats", {"Authorization": TOKENS["id"], "x-api-key": "wrong"}),
        ]
    if TOKENS["access"]:
        requests += [
            ("GET", "/pets", {"Authorization": TOKENS["access"]}),
            ("POST", "/pets", {"Authorization": TOKENS["access"]}),
        ]
    if TOKENS["expired"]:
        requests.append(("GET", "/pets", {"Authorization": TOKENS["expired"]}))
    with in_process(spec, selector, options=Options((KEY,))) as server:
        for method, path, headers in requests:
            live = call(stage + path, method, headers)
            local = call(server.url + path, method, headers)
            seen = (method, path, sorted(headers))
            assert local.status == live.status, (seen, live.body, server.lines[-1])
            if live.body.startswith(b"{"):
                assert json.loads(local.body) == json.loads(live.body), seen
            origin = "access-control-allow-origin"
            assert local.headers.get(origin) == live.headers.get(origin), seen
