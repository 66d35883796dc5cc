"""AWS faults: real HTTP failures at the adapter and through the whole `import` command; two imports at once.

tests/unit/aws/test_clients.py covers the translation of each failure from botocore's exceptions, and
test_import.py throttling retried with paced waits, timeouts, and the deletion of an API whose deployment
failed after `--create`. Here real HTTP failures from the fault proxy in front of moto server reach the
adapter as one `AwsError`. Then each fault hits one call among the several an import makes, through the
CLI, against LocalStack behind the fault proxy, and every case checks: exit 3, exactly one `error:` line
naming the call, no traceback, how many times the failing call was sent (bounded, and once only for a
create), and that no API the run created is left behind. Resets in the middle of a response (after API
Gateway did the work) are the case where a blind retry would do harm: an ImportRestApi whose answer is lost
is never repeated, and the API it made is found and deleted.

Two imports of one API from two processes at once (PutRestApi overwrite is last-writer-wins in API
Gateway): each run verifies what it reads back after its own import, so a run whose document was
overwritten by the other's reports a mismatch (exit 1) instead of success, and the final state always
verifies against one of the two documents.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from apigw_cognito.aws.clients import Clients, Pacing, SessionOptions, aws_call
from apigw_cognito.basics.errors import AwsError
from apigw_cognito.cli.main import app
from tests.support.apidocs import unique
from tests.support.emulators import ImportRun
from tests.support.faults import Fault, fault_proxy
from tests.support.fuzzstats import record
from tests.support.paths import ROOT

SPEC = "specs/securepets.yaml"
SELECTOR = "specs/securepets.selector.yaml"


@pytest.fixture(autouse=True)
def _selector_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tutorial selector's own pool ARN: with --no-pool-check (LocalStack has no Cognito to check its
    scope against), imports through the CLI make no Cognito call."""
    monkeypatch.setenv("SECUREPETS_USER_POOL", "")


# --- real HTTP failures at the adapter, through the fault proxy in front of moto server ---------------------


def _sts(url: str, **options: Any) -> Any:
    return Clients(SessionOptions(region="us-east-1", endpoint_url=url, max_attempts=1, **options)).sts()


def test_read_timeout(aws_env: None, moto_url: str) -> None:
    """moto answers, but the proxy holds the answer past the client's read timeout."""
    with fault_proxy(moto_url) as proxy:
        proxy.add(Fault("GetCallerIdentity", kind="delay", delay=3.0, times=1))
        with pytest.raises(AwsError, match="timed out waiting"), aws_call("sts GetCallerIdentity"):
            _sts(proxy.url, read_timeout=1.0).get_caller_identity()


def test_dropped_connection(aws_env: None, moto_url: str) -> None:
    with fault_proxy(moto_url) as proxy:
        proxy.add(Fault("GetCallerIdentity", kind="close", times=5))
        with pytest.raises(AwsError, match="sts GetCallerIdentity: "), aws_call("sts GetCallerIdentity"):
            _sts(proxy.url).get_caller_identity()


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (Fault("GetCallerIdentity", status=403, code="AccessDenied", protocol="query"), "access denied"),
        (Fault("GetCallerIdentity", status=403, code="ExpiredToken", protocol="query"), "have expired"),
        (Fault("GetCallerIdentity", status=503, code="ServiceUnavailable", protocol="query"), "HTTP 503"),
    ],
)
def test_sts_errors(aws_env: None, moto_url: str, fault: Fault, expected: str) -> None:
    with fault_proxy(moto_url) as proxy:
        proxy.add(fault)
        with pytest.raises(AwsError, match=expected), aws_call("sts GetCallerIdentity"):
            _sts(proxy.url).get_caller_identity()


def test_transient_503_is_retried_by_botocore(aws_env: None, moto_url: str) -> None:
    """With botocore's standard retries (3 attempts), two 503s in a row still end in success."""
    with fault_proxy(moto_url) as proxy:
        proxy.add(
            Fault("GetCallerIdentity", status=503, code="ServiceUnavailable", protocol="query", times=2)
        )
        sts = Clients(SessionOptions(region="us-east-1", endpoint_url=proxy.url, max_attempts=3)).sts()
        with aws_call("sts GetCallerIdentity"):
            assert sts.get_caller_identity()["Account"] == "123456789012"
        assert proxy.count("GetCallerIdentity") == 3


# --- a fault on one call of an import -----------------------------------------------------------------------


def api_ids(apigw: Any) -> set[str]:
    return {a["id"] for a in apigw.get_rest_apis(limit=500)["items"]}


@dataclass(frozen=True)
class FaultCase:
    fault: Fault
    create: bool  # --api-name NEW --create, else --rest-api-id of an existing API
    code: int
    message: str  # in the one error line
    sent: int  # how many times the faulted call reaches the proxy
    kept: bool = False  # the created API stays (the import itself was done)


CASES = {
    "import-reset-mid-response": FaultCase(
        Fault("ImportRestApi", kind="truncate", times=9), True, 3, "ImportRestApi: cannot reach", 1
    ),
    "import-timeout": FaultCase(
        Fault("ImportRestApi", kind="delay", delay=3.0, times=9), True, 3, "ImportRestApi: timed out", 1
    ),
    "import-500": FaultCase(
        Fault("ImportRestApi", status=500, code="InternalFailure", times=9), True, 3, "HTTP 500", 1
    ),
    "import-503": FaultCase(
        Fault("ImportRestApi", status=503, code="ServiceUnavailableException", times=9),
        True,
        3,
        "HTTP 503",
        1,
    ),
    "rename-access-denied": FaultCase(
        Fault("UpdateRestApi", status=403, code="AccessDeniedException"), True, 3, "UpdateRestApi: access", 1
    ),
    "deploy-access-denied": FaultCase(
        Fault("CreateDeployment", status=403, code="AccessDeniedException"),
        True,
        3,
        "CreateDeployment: access denied",
        1,
    ),
    "deploy-expired-token": FaultCase(
        Fault("CreateDeployment", status=403, code="ExpiredTokenException", message="expired"),
        True,
        3,
        "CreateDeployment: the AWS credentials have expired",
        1,
    ),
    "verify-access-denied": FaultCase(
        Fault("GetAuthorizers", status=403, code="AccessDeniedException", times=9),
        True,
        3,
        "GetAuthorizers: access denied",
        1,
        kept=True,
    ),
    "put-reset-mid-response": FaultCase(Fault("PutRestApi", kind="truncate"), False, 0, "", 2),
    "put-500-every-time": FaultCase(
        Fault("PutRestApi", status=500, code="InternalFailure", times=9),
        False,
        3,
        "PutRestApi: AWS service",
        3,
    ),
    "read-reset-every-time": FaultCase(
        Fault("GetResources", kind="truncate", times=9), False, 3, "GetResources: cannot reach", 3
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_fault_on_one_call_of_an_import(apigw: Any, localstack_url: str, name: str) -> None:
    case = CASES[name]
    # A short read timeout only where the proxy holds the answer: elsewhere a busy emulator must not time out.
    timeout = "1" if case.fault.kind == "delay" else "60"
    args = ["import", SPEC, "-s", SELECTOR, "--stage", "dev", "--read-timeout", timeout, "--no-pool-check"]
    if case.create:
        args += ["--api-name", unique("faults"), "--create"]
    else:
        body = {"openapi": "3.0.1", "info": {"title": unique("existing"), "version": "1"}, "paths": {}}
        args += ["--rest-api-id", apigw.import_rest_api(body=json.dumps(body))["id"]]
    before = api_ids(apigw)
    with fault_proxy(localstack_url) as proxy:
        proxy.add(case.fault)
        result = CliRunner().invoke(app, [*args, "--endpoint-url", proxy.url])
        sent = proxy.count(case.fault.operation)
    left = api_ids(apigw) - before
    record("aws faults", result.exit_code, (name,))
    shown = f"{name}: exit {result.exit_code}\n{result.stderr}"
    assert result.exit_code == case.code, shown
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    if case.code:
        assert len(errors) == 1, shown
        assert case.message in errors[0], shown
    else:
        assert errors == [], shown
    assert sent == case.sent, shown
    if case.kept:
        assert len(left) == 1, shown
        assert "is done and stage 'dev' deployed, but reading it back to verify it failed" in result.stderr
    else:
        assert left == set(), f"left behind: {left}\n{shown}"
    if case.create and case.code and not case.kept and "created REST API" in result.stderr:
        assert "deleted REST API" in result.stderr, shown


def test_a_throttled_create_is_retried_with_paced_waits_and_gives_up_cleanly(
    apigw: Any, localstack_url: str
) -> None:
    """429 on ImportRestApi: retried (a throttled call did nothing), within the pacing's attempts."""
    with fault_proxy(localstack_url) as proxy:
        proxy.add(Fault("ImportRestApi", status=429, code="TooManyRequestsException", times=2))
        run = ImportRun(proxy.url)
        outcome = run.run(api_name=unique("throttled"), create=True)
        assert outcome.created
        assert proxy.count("ImportRestApi") == 3
        assert run.pacing.waits[0] >= 1.0
        proxy.add(Fault("ImportRestApi", status=429, code="TooManyRequestsException", times=99))
        before = api_ids(apigw)
        run = ImportRun(proxy.url)
        run.pacing = run.importer.pacing = Pacing(attempts=4, sleep=lambda _: None)
        with pytest.raises(AwsError, match="still throttled"):
            run.run(api_name=unique("throttled"), create=True)
        assert proxy.count("ImportRestApi") == 3 + 4
        assert api_ids(apigw) == before


# --- two imports of one API at once ---------------------------------------------------------------


SECURED_EVERYWHERE = """\
version: 1
authorizers:
  SecurePetsPool:
    user_pools: [arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI]
rules:
  - select: '* /**'
    authorizer: SecurePetsPool
    scopes: [https://pets.example.com/admin]
default: deny
cors_preflight: public
"""


def _cli(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "SECUREPETS_USER_POOL": ""}
    return subprocess.Popen(
        [sys.executable, "-m", "apigw_cognito", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_imports_of_one_api_at_once(apigw: Any, localstack_url: str, tmp_path: Path) -> None:
    other = tmp_path / "everywhere.selector.yaml"
    other.write_text(SECURED_EVERYWHERE)
    selectors = {"tutorial": SELECTOR, "everywhere": str(other)}
    body = {"openapi": "3.0.1", "info": {"title": unique("raced"), "version": "1"}, "paths": {}}
    api_id = apigw.import_rest_api(body=json.dumps(body))["id"]
    common = ["--rest-api-id", api_id, "--endpoint-url", localstack_url, "--stage", "dev", "--no-pool-check"]
    outcomes: list[dict[str, int]] = []
    for _ in range(3):
        runs = {key: _cli("import", SPEC, "-s", sel, *common) for key, sel in selectors.items()}
        codes: dict[str, int] = {}
        for key, process in runs.items():
            stdout, stderr = process.communicate(timeout=300)
            codes[key] = process.returncode
            # A run either verified its own document (0) or saw the other's and said so (1); never 2-4.
            assert process.returncode in (0, 1), f"{key}: {process.returncode}\n{stderr}"
            assert "Traceback" not in stderr
            if process.returncode == 1:
                assert "mismatch" in stdout, stdout
        outcomes.append(codes)
        final = {
            key: _cli(
                "verify",
                SPEC,
                "-s",
                sel,
                "--rest-api-id",
                api_id,
                "--endpoint-url",
                localstack_url,
                "--no-pool-check",
            )
            for key, sel in selectors.items()
        }
        verdicts = {key: process.wait(timeout=300) for key, process in final.items()}
        record(
            "concurrent imports",
            " ".join(f"{key}={code}" for key, code in sorted(codes.items()))
            + " final="
            + "".join(key for key, code in verdicts.items() if code == 0),
        )
        for process in final.values():
            process.communicate()
        # The API is one document or the other, never a mix that neither would verify against.
        assert sorted(verdicts.values()) == [0, 1], verdicts
        # A run that reported success verified what it read after its own import; the last writer's
        # document is what stays, so at least one run's success matches the final state.
        winners = {key for key, code in verdicts.items() if code == 0}
        assert any(codes[key] == 0 for key in winners) or not any(c == 0 for c in codes.values()), (
            codes,
            verdicts,
        )
