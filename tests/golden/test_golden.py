"""Golden files: each case folder holds its inputs, the command line, and the expected output, report and
exit code. After an intended change, `make golden` prints each case's differences for review and writes
only the cases accepted (`make golden ACCEPT='case another'`, or `ACCEPT=all`); never edit expected files by
hand. `UPDATE_GOLDEN=1` (accept everything at once) and accepting are refused under CI.
"""

from __future__ import annotations

import difflib
import os
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from apigw_cognito.cli.main import app
from tests.support import paths
from tests.support.ci import in_ci

GOLDEN = paths.TESTS / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "cmd").is_file())
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
STREAMS = ("stdout", "stderr", "exit_code")
# Every file a case may read: its own folder and nested ones (split documents' items/), other cases' inputs
# (`../`), and the bundled specs (`../../../specs/`). Expected outputs are not inputs.
INPUT_ROOTS = (GOLDEN, paths.ROOT / "specs")


def run_case(case: Path) -> dict[str, str]:
    args = shlex.split((case / "cmd").read_text())
    env = {"SECUREPETS_USER_POOL": "", "SECURENOTES_USER_POOL": "", "SECURENOTES_APP_CLIENT": ""}
    env_file = case / "env"
    if env_file.is_file():
        env.update(line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line)
    result = CliRunner().invoke(app, args, env=env, catch_exceptions=False)
    return {"stdout": result.stdout, "stderr": result.stderr, "exit_code": f"{result.exit_code}\n"}


def expected_of(case: Path) -> dict[str, str]:
    return {
        key: (case / "expected" / key).read_text() for key in STREAMS if (case / "expected" / key).is_file()
    }


def differences(name: str, expected: dict[str, str], got: dict[str, str]) -> str:
    """A unified diff per stream that differs, expected first."""
    return "".join(
        "".join(
            difflib.unified_diff(
                expected.get(key, "").splitlines(keepends=True),
                value.splitlines(keepends=True),
                f"{name}/expected/{key}",
                f"{name}/{key} (now)",
            )
        )
        for key, value in got.items()
        if value != expected.get(key)
    )


def inputs() -> dict[Path, bytes]:
    return {
        p: p.read_bytes()
        for root in INPUT_ROOTS
        for p in root.rglob("*")
        if p.is_file() and "expected" not in p.relative_to(root).parts and "__pycache__" not in p.parts
    }


def write_expected(case: Path, got: dict[str, str]) -> None:
    if in_ci():
        pytest.fail(
            "expected files are never rewritten under CI: review and accept them locally", pytrace=False
        )
    (case / "expected").mkdir(exist_ok=True)
    for key, value in got.items():
        (case / "expected" / key).write_text(value)


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    case = GOLDEN / name
    monkeypatch.chdir(case)
    before = inputs()
    got = run_case(case)
    if UPDATE:
        write_expected(case, got)
    diff = differences(name, expected_of(case), got)
    assert not diff, f"{name} differs from its expected files (review with `make golden`):\n{diff}"
    # Inputs are never modified, and no file appears beside them (cases that write use expected/).
    after = inputs()
    assert sorted(map(str, after)) == sorted(map(str, before)), f"{name}: files appeared or vanished"
    for path, content in before.items():
        assert after[path] == content, f"{name}: {path} was modified"


def test_the_inputs_check_covers_every_file_a_case_names() -> None:
    """Every file or folder a command line names (its own, `../` and the bundled specs), and the files a
    split document's root reaches in nested folders, are snapshotted by `inputs()`."""
    snapshot = set(inputs())
    named = [
        (GOLDEN / name / arg).resolve()
        for name in CASES
        for arg in shlex.split((GOLDEN / name / "cmd").read_text())
        if (GOLDEN / name / arg).exists() and arg not in (".", "")
    ]
    assert any(paths.ROOT / "specs" in p.parents for p in named)  # read through ../../../specs
    for path in named:
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        assert files
        assert set(files) <= snapshot, path
    nested = [p for p in snapshot if p.parent.name == "items"]
    assert nested, "no nested items/ file is checked"
