"""Faults on the calls that read live APIs (`audit --live`, `init --from-api`, `verify --stage`), through the
command line against LocalStack behind the fault proxy: throttling that does not stop, AccessDenied, an API
that is gone. Each ends with exactly one `error:` line naming the call, exit 3, no traceback, and nothing
written. An API deleted in the middle of a target run is in test_live_apis.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from apigw_cognito.cli.main import app
from tests.emulated.test_live_apis import console_api
from tests.support.apidocs import unique
from tests.support.faults import Fault, fault_proxy
from tests.support.fuzzstats import record


@dataclass(frozen=True)
class LiveFault:
    command: tuple[str, ...]  # {api} is the console API's id
    fault: Fault
    message: str


THROTTLED = {"status": 429, "code": "TooManyRequestsException", "times": 99}
DENIED = {"status": 403, "code": "AccessDeniedException", "times": 99}
GONE = {
    "status": 404,
    "code": "NotFoundException",
    "message": "Invalid API identifier specified",
    "times": 99,
}

VERIFY_STAGE = (
    "verify",
    "{spec}",
    "-s",
    "{selector}",
    "--rest-api-id",
    "{api}",
    "--stage",
    "prod",
    "--no-pool-check",
)
CASES = {
    "audit-throttled": LiveFault(
        ("audit", "--live", "--rest-api-id", "{api}"),
        Fault("GetResources", **THROTTLED),
        "GetResources: still",
    ),
    "audit-all-denied": LiveFault(("audit", "--live"), Fault("GetRestApis", **DENIED), "GetRestApis: access"),
    "audit-gone": LiveFault(
        ("audit", "--live", "--rest-api-id", "{api}"),
        Fault("GetAuthorizers", **GONE),
        "GetAuthorizers: not found",
    ),
    "adopt-denied": LiveFault(
        ("init", "--from-api", "{api}", "-o", "{out}/s.yaml", "--spec-out", "{out}/e.yaml"),
        Fault("GetExport", **DENIED),
        "GetExport: access denied",
    ),
    "adopt-gone": LiveFault(
        ("init", "--from-api", "{api}", "-o", "{out}/s.yaml"), Fault("GetRestApi", **GONE), "not found"
    ),
    "stage-denied": LiveFault(
        VERIFY_STAGE,
        Fault("GetStage", **DENIED),
        "GetStage: access denied",
    ),
    "stage-throttled": LiveFault(
        VERIFY_STAGE,
        Fault("GetDeployment", **THROTTLED),
        "GetDeployment: still throttled",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_fault_on_a_live_read(
    apigw: Any, localstack_url: str, tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES[name]
    api_id = console_api(apigw, unique("faults"))
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")  # botocore's own retries of a 429, bounded
    monkeypatch.setenv("SECUREPETS_USER_POOL", "")
    args = [
        a.format(api=api_id, out=out, spec="specs/securepets.yaml", selector="specs/securepets.selector.yaml")
        for a in case.command
    ]
    with fault_proxy(localstack_url) as proxy:
        proxy.add(case.fault)
        result = CliRunner().invoke(app, [*args, "--endpoint-url", proxy.url])
    record("live faults", result.exit_code, (name,))
    shown = f"{name}: exit {result.exit_code}\n{result.output}"
    assert result.exit_code == 3, shown
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, shown
    assert case.message in errors[0], shown
    assert list(out.iterdir()) == [], shown
