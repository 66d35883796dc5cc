"""Reports that must read as what happened: the rule named for every decided operation, a summary line
that agrees with the notes above it, undecided operations not counted as open, a clean run that CI test
views count as a passing test."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from tests.support.cli import SELECTOR, run, securepets_copy

POOL = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI"


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    return securepets_copy(tmp_path)


def test_audit_with_a_selector_names_the_deciding_rule_of_every_operation(spec: Path) -> None:
    code, stdout, _ = run("audit", str(spec), "-s", SELECTOR)
    assert code == 0
    lines = stdout.splitlines()
    column = lines[0].index("BY")
    by = {tuple(line.split()[:2]): line[column:] for line in lines[2:7]}
    assert by == {
        ("OPTIONS", "/pets"): "cors_preflight",
        ("GET", "/pets"): "rule 1",
        ("POST", "/pets"): "rule 4",
        ("GET", "/pets/{petId}"): "rule 3",
        ("POST", "/purchase"): "rule 2",
    }, stdout


def test_check_of_an_up_to_date_output_does_not_count_changes(spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.yaml"
    assert run("apply", str(spec), "-s", SELECTOR, "-o", str(out))[0] == 0
    code, stdout, _ = run("apply", str(spec), "-s", SELECTOR, "-o", str(out), "--check")
    assert code == 0
    assert f"{out}: up to date" in stdout
    summary = stdout.splitlines()[-1]
    assert "changed" not in summary
    assert "output up to date" in summary
    out.write_text("stale\n")
    code, stdout, _ = run("apply", str(spec), "-s", SELECTOR, "-o", str(out), "--check")
    assert code == 1
    assert "output would change" in stdout.splitlines()[-1]


def test_a_run_stopped_by_errors_says_nothing_was_written(spec: Path, tmp_path: Path) -> None:
    selector = tmp_path / "deny.yaml"
    selector.write_text(
        f"version: 1\nauthorizers:\n  P:\n    user_pools: [{POOL}]\n"
        "rules:\n  - select: GET /pets\n    authorizer: P\ndefault: deny\n"
    )
    code, stdout, _ = run("apply", str(spec), "-s", str(selector), "-o", str(tmp_path / "o.yaml"))
    assert code == 1
    summary = stdout.splitlines()[-1]
    assert "changed" not in summary
    assert "nothing written" in summary
    # Operations no rule decides are undecided, not open: nothing of them was imported or served.
    assert "5 operations, 1 secured, 1 public, 0 open, 3 undecided, nothing written" in summary


def test_a_clean_validate_is_one_passing_junit_test(spec: Path) -> None:
    code, stdout, _ = run("validate", str(spec), "--report", "junit")
    assert code == 0
    root = ET.fromstring(stdout)
    assert root.get("tests") == "1"
    assert root.get("failures") == "0"
    (case,) = root.iter("testcase")
    assert case.get("name") == f"validate {spec}"
