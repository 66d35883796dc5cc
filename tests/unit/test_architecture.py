"""The architecture holds: layers import only downwards, no cycles, and importing the package stays cheap."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import ROOT

HEAVY = ("boto3", "botocore", "openapi_spec_validator", "jsonschema", "jsonschema_rs", "ruamel", "yaml")


def _lint_imports() -> str:
    found = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("lint-imports is missing: install the dev extra (make install)")
    return found


def _lint_with_import(tmp_path: Path, module: str, statement: str) -> subprocess.CompletedProcess[str]:
    """lint-imports run on a copy of the package whose `module` (a path under apigw_cognito/) ends with
    `statement`."""
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "src", copy, ignore=shutil.ignore_patterns("__pycache__"))
    changed = copy / "apigw_cognito" / module
    changed.write_text(changed.read_text() + f"\n{statement}  # noqa\n")
    env = {"PYTHONPATH": str(copy), "PATH": str(Path(sys.executable).parent)}
    return subprocess.run(
        [_lint_imports(), "--no-cache", str(ROOT / "pyproject.toml")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_layers_and_cycles_contracts_are_kept() -> None:
    result = subprocess.run(
        [_lint_imports(), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_the_contracts_fail_on_an_upward_import(tmp_path: Path) -> None:
    """A contract that cannot fail proves nothing: a copy of the package with one upward import breaks it."""
    result = _lint_with_import(tmp_path, "basics/errors.py", "from apigw_cognito.cli import output")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "apigw_cognito.basics.errors -> apigw_cognito.cli.output" in result.stdout


def test_importing_the_package_loads_no_heavy_library() -> None:
    code = (
        "import sys, apigw_cognito\n"
        "from apigw_cognito import secure_document, InputError\n"
        f"print([m for m in sys.modules if m.split('.')[0] in {HEAVY!r}])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", "the validator, boto3 and the YAML parsers load only when used"


def test_the_application_layer_cannot_import_the_server(tmp_path: Path) -> None:
    """`serving` sits between the command line and the application: the application never reaches up."""
    result = _lint_with_import(tmp_path, "app/pipeline.py", "from apigw_cognito.serving import gateway")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "apigw_cognito.app.pipeline -> apigw_cognito.serving.gateway" in result.stdout


def test_the_command_line_loads_the_server_only_in_serve() -> None:
    """Other commands start as before: the server library, PyJWT and the serving package load in `serve`."""
    code = (
        "import sys\n"
        "from apigw_cognito.cli.main import app\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'aiohttp', 'jwt', 'multidict'}),"
        " [m for m in sys.modules if m.startswith('apigw_cognito.serving')])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] []"
