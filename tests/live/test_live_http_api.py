"""An HTTP API on real AWS: what moto cannot show. Skipped without a disposable HTTP API and credentials.

    APIGW_COGNITO_LIVE_HTTP_API_ID=<id of an HTTP API you may overwrite> \\
    APIGW_COGNITO_LIVE_POOL=<pool id or ARN> APIGW_COGNITO_LIVE_APP_CLIENT=<app client id> \\
    AWS_PROFILE=<profile> AWS_REGION=<region> .venv/bin/pytest -m live tests/live/test_live_http_api.py

The API is reimported with the SecureNotes example (its integrations made HTTP proxies to a public echo
service) and served by its `$default` stage. Checked here only: that AWS's import itself creates the JWT
authorizer and attaches it (so `import` has nothing to put and says nothing of the kind), and that the
deployed API answers a call without a token with 401 and `www-authenticate`, and an unknown route with
404 Not Found.
"""

from __future__ import annotations

import os
import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from apigw_cognito.cli.main import app
from tests.live.test_live_aws import _real_credentials
from tests.support.paths import ROOT

API_ID = os.environ.get("APIGW_COGNITO_LIVE_HTTP_API_ID", "")
POOL = os.environ.get("APIGW_COGNITO_LIVE_POOL", "")
CLIENT = os.environ.get("APIGW_COGNITO_LIVE_APP_CLIENT", "")

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        not (API_ID and POOL and CLIENT and _real_credentials()),
        reason="live AWS test: needs APIGW_COGNITO_LIVE_HTTP_API_ID, APIGW_COGNITO_LIVE_POOL,"
        " APIGW_COGNITO_LIVE_APP_CLIENT and real credentials",
    ),
]


def _status(url: str) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}


def test_import_into_a_real_http_api_and_call_it(tmp_path: Path) -> None:
    spec = re.sub(
        r"type: aws_proxy\n( +)httpMethod: POST\n +uri: \S+",
        lambda m: f"type: http_proxy\n{m[1]}httpMethod: ANY\n{m[1]}uri: https://httpbin.org/anything",
        (ROOT / "specs" / "securenotes-http.yaml").read_text(),
    )
    (tmp_path / "api.yaml").write_text(spec)
    selector = (ROOT / "specs" / "securenotes-http.selector.yaml").read_text()
    selector = selector.replace("${SECURENOTES_USER_POOL:-us-east-1_AbCdEfGhI}", POOL)
    selector = selector.replace("${SECURENOTES_APP_CLIENT:-4r5t6y7u8i9o0p1a2s3d4f5g6h}", CLIENT)
    (tmp_path / "selector.yaml").write_text(selector)
    args = ["import", str(tmp_path / "api.yaml"), "-s", str(tmp_path / "selector.yaml")]
    result = CliRunner().invoke(app, [*args, "--http-api-id", API_ID, "--no-pool-check"])
    assert result.exit_code == 0, result.output
    assert "the import left" not in result.stderr, "AWS's import attaches the JWT authorizer itself"
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    base = f"https://{API_ID}.execute-api.{region}.amazonaws.com"
    for _ in range(30):  # the $default stage deploys the import automatically, within seconds
        if _status(base + "/health")[0] == 200:
            break
        time.sleep(2)
    status, headers = _status(base + "/notes")
    assert status == 401
    assert headers.get("www-authenticate", "").startswith("Bearer")
    assert _status(base + "/no/such/route")[0] == 404
