"""Golden files: each case folder holds its inputs, the command line, and the expected output, report and
exit code. Regenerate after an intended change with `UPDATE_GOLDEN=1 pytest tests/test_golden.py` and review
the diff like any other code change; never edit expected files by hand.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from apigw_cognito.cli.main import app
from tests.support import paths

GOLDEN = paths.TESTS / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "cmd").is_file())
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def run_case(case: Path) -> dict[str, str]:
    args = shlex.split((case / "cmd").read_text())
    env = {"SECUREPETS_USER_POOL": "", "SECURENOTES_USER_POOL": "", "SECURENOTES_APP_CLIENT": ""}
    env_file = case / "env"
    if env_file.is_file():
        env.update(line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line)
    result = CliRunner().invoke(app, args, env=env, catch_exceptions=False)
    return {"stdout": result.stdout, "stderr": result.stderr, "exit_code": f"{result.exit_code}\n"}


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    case = GOLDEN / name
    monkeypatch.chdir(case)
    before = {p: p.read_bytes() for p in case.iterdir() if p.is_file()}
    got = run_case(case)
    expected_dir = case / "expected"
    if UPDATE:
        expected_dir.mkdir(exist_ok=True)
        for key, value in got.items():
            (expected_dir / key).write_text(value)
    for key, value in got.items():
        assert value == (expected_dir / key).read_text(), f"{name}: {key} differs"
    # Inputs are never modified (cases that write use an output path inside expected/ or a copy).
    for path, content in before.items():
        assert path.read_bytes() == content, f"{name}: {path.name} was modified"
