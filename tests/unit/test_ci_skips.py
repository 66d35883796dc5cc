"""Under CI (CI=true) nothing may skip but the live AWS tests: tests/support/ci.py turns every other skip
into a failure, and `cannot_run` fails where it would skip elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.paths import ROOT

CASES = """
import pytest
from tests.support.ci import cannot_run

@pytest.mark.skip("marked")
def test_marked(): pass

def test_skipped_inside(): pytest.skip("inside")

def test_cannot_run(): cannot_run("no corpus")

def test_imported(): pytest.importorskip("no_such_module_here")

@pytest.mark.live
@pytest.mark.skip("no credentials")
def test_live(): pass

@pytest.mark.xfail(strict=True)
def test_xfail(): assert False
"""


def run(tmp_path: Path, ci: str) -> str:
    test = tmp_path / "test_cases.py"
    test.write_text(CASES)
    env = {**os.environ, "CI": ci, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rA",
            "-p",
            "no:cacheprovider",
            "-p",
            "tests.support.ci",
            str(test),
        ],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=tmp_path,
    )
    return done.stdout


def test_under_ci_every_skip_but_the_live_tests_fails(tmp_path: Path) -> None:
    lines = run(tmp_path, "true").splitlines()
    for name in ("test_marked", "test_skipped_inside", "test_cannot_run", "test_imported"):
        assert any(line.startswith(("FAILED", "ERROR")) and f"::{name} " in line for line in lines), lines
    assert [line for line in lines if line.startswith("SKIPPED")] == [
        "SKIPPED [1] test_cases.py:14: no credentials"
    ]
    assert any(line.startswith("XFAIL") for line in lines)
    assert any(
        "skipped under CI, where only the live AWS tests may skip: Skipped: inside" in line for line in lines
    )


def test_elsewhere_they_skip(tmp_path: Path) -> None:
    out = run(tmp_path, "")
    assert "5 skipped, 1 xfailed" in out
    assert "FAILED" not in out
