"""Pytest plugin: the local AWS emulators, started once per test run by `scripts/emulators.py`.

Fixtures:
- `localstack_url`, `moto_url` (session): the endpoint of each emulator, started on first use and stopped by
  PID at the end of the run. When APIGW_COGNITO_LOCALSTACK_URL / APIGW_COGNITO_MOTO_URL are set (for example
  by `eval "$(python scripts/emulators.py start)"`), those running emulators are used instead.
- `aws_env` (function): dummy credentials and region, and nothing from the developer's own AWS setup.
- `apigw` (function): a boto3 API Gateway client on LocalStack, to set up and inspect APIs around a test.

`ImportRun` drives the importer against an emulator (or the fault proxy in front of one) without sleeping.

Tests that use them are marked `emulator` automatically. When LocalStack cannot be installed or started the
tests fail under CI (CI=true) and are skipped, with the reason, on a developer's machine.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from apigw_cognito.aws.clients import Clients, Pacing, SessionOptions
from apigw_cognito.aws.import_plan import ImportOptions
from apigw_cognito.aws.importer import Importer, ImportOutcome
from tests.support.apidocs import PETS, secured, version
from tests.support.ci import cannot_run
from tests.support.paths import ROOT

REGION = "us-east-1"
EMULATOR_FIXTURES = frozenset({"localstack_url", "moto_url"})


def _load_manager() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "apigw_cognito_emulators", ROOT / "scripts" / "emulators.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


manager = _load_manager()


def unavailable(reason: str) -> None:
    """Fail under CI, skip elsewhere: a broken emulator set-up must never pass silently in CI."""
    cannot_run(f"emulators unavailable: {reason}")


class EmulatorRun:
    """The emulators this test session started, in their own run directory."""

    def __init__(self) -> None:
        manager.prune_runs()
        self.run_dir = manager.STATE_DIR / "runs" / f"pytest-{os.getpid()}"
        self.started: list[str] = []
        self.failures: dict[str, str] = {}

    def url(self, name: str) -> str:
        given = os.environ.get(f"APIGW_COGNITO_{name.upper()}_URL")
        if given:
            return given.rstrip("/")
        if name in self.failures:
            unavailable(self.failures[name])
        try:
            state = manager.start(self.run_dir, [name])
        except manager.EmulatorError as exc:
            self.failures[name] = str(exc)
            unavailable(str(exc))
        if name not in self.started:
            self.started.append(name)
        return str(state[name]["url"])

    def stop(self) -> None:
        if self.started:
            manager.stop(self.run_dir, self.started)


@pytest.fixture(scope="session")
def emulator_run() -> Iterator[EmulatorRun]:
    run = EmulatorRun()
    try:
        yield run
    finally:
        run.stop()


@pytest.fixture(scope="session")
def localstack_url(emulator_run: EmulatorRun) -> str:
    """LocalStack's endpoint: API Gateway (its import creates Cognito authorizers) and CloudFormation (SAM
    and AWS::Include too); no Cognito."""
    return emulator_run.url("localstack")


@pytest.fixture(scope="session")
def moto_url(emulator_run: EmulatorRun) -> str:
    """moto server's endpoint: cognito-idp and STS (its API Gateway ignores security)."""
    return emulator_run.url("moto")


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Dummy credentials and a region; no profile, config file or endpoint from the developer's machine."""
    for key in list(os.environ):
        if key.startswith("AWS_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def apigw(aws_env: None, localstack_url: str) -> Any:
    """A boto3 API Gateway client on LocalStack, with botocore's default retries."""
    import boto3  # only emulator tests pay for boto3, not every test run that loads this plugin

    return boto3.client("apigateway", region_name=REGION, endpoint_url=localstack_url)


def change_by_hand(client: Any, api_id: str, route: str, field: str, value: str) -> None:
    """What someone changes in the console: `field` of the method `route` ("GET /pets") set to `value`."""
    method, path = route.split(" ")
    resource = next(r for r in client.get_resources(restApiId=api_id)["items"] if r["path"] == path)
    client.update_method(
        restApiId=api_id,
        resourceId=resource["id"],
        httpMethod=method,
        patchOperations=[{"op": "replace", "path": f"/{field}", "value": value}],
    )


class ImportRun:
    """An importer talking to `url`, with no real sleeping and every progress line kept."""

    def __init__(self, url: str) -> None:
        self.lines: list[str] = []
        self.pacing = Pacing(sleep=lambda _: None)
        options = SessionOptions(region=REGION, endpoint_url=url, max_attempts=1, read_timeout=10)
        self.importer = Importer(Clients(options), self.lines.append, self.pacing)

    def run(
        self, family: str = "3.0", routes: Any = PETS, extra: dict[str, Any] | None = None, **options: Any
    ) -> ImportOutcome:
        """Import the `secured` document (with `extra` top-level keys) with `options`."""
        data, result = secured(family, routes, extra=extra)
        return self.importer.run(data, version(family), result, ImportOptions(**options))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if EMULATOR_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.emulator)
