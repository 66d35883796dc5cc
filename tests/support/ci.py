"""What may be skipped: only what cannot run here, and nothing under CI (CI=true), where the emulators, the
browser, the corpus (../shared/corpus), jsonschema-rs and an unprivileged user are all provided. Only the
live AWS tests skip there, for want of credentials."""

from __future__ import annotations

import os
from typing import Any, NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def cannot_run(reason: str) -> NoReturn:
    """Skip with `reason` on a developer's machine; fail under CI, where it must run."""
    if in_ci():
        pytest.fail(f"{reason} (under CI this must run, not skip)", pytrace=False)
    pytest.skip(reason)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Under CI a skip is a failure, wherever it comes from (a skip mark, `pytest.skip`, `importorskip`),
    except for the live AWS tests."""
    outcome = yield
    report = outcome.get_result()
    if (
        in_ci()
        and report.skipped
        and not hasattr(report, "wasxfail")
        and item.get_closest_marker("live") is None
    ):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under CI, where only the live AWS tests may skip: {reason}"
