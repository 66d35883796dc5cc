"""Packaging as users install it: a built wheel in a fresh environment, and `pipx install .`.

The wheel test installs the wheel alone (`--no-deps`) into a new virtual environment that borrows the
dependencies from this one through a .pth file, so it needs no network beyond building the wheel (pip
fetches the build backend, hatchling, from the index). The pipx test installs everything from the index,
as users do.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.support.paths import ROOT

SPECS = ROOT / "specs"


def run(*args: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, env=env, cwd=cwd, check=False, timeout=600
    )
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", out, ROOT)
    (built,) = out.glob("apigw_cognito-*.whl")
    return built


def test_wheel_contents(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "apigw_cognito/py.typed" in names
    assert "apigw_cognito/cli/main.py" in names
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/", "specs/"))]
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "apigw-cognito = apigw_cognito.cli.main:main" in text


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed; returns its bin folder."""
    venv = tmp_path_factory.mktemp("venv")
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--quiet", wheel)
    purelib = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip())
    # Dependencies from this environment, after the new one's own site-packages (where the wheel is).
    (purelib / "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv / "bin"


def clean_env(bin_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def test_installed_command_runs(installed: Path, tmp_path: Path) -> None:
    command = installed / "apigw-cognito"
    env = clean_env(installed, SECUREPETS_USER_POOL="")
    assert run(command, "--version", env=env) == "apigw-cognito 0.1.0\n"
    where = run(installed / "python", "-c", "import apigw_cognito; print(apigw_cognito.__file__)", env=env)
    assert where.startswith(str(installed.parent)), "the wheel's copy is used, not the source tree"
    out = run(command, "apply", SPECS / "securepets.yaml", "-s", SPECS / "securepets.selector.yaml", env=env)
    assert "SecurePetsPool" in out
    run(command, "init", SPECS / "securepets.yaml", "-o", tmp_path / "selector.yaml", env=env)
    assert (tmp_path / "selector.yaml").read_text().startswith("# Selector for")


def test_shell_completion(installed: Path) -> None:
    command = installed / "apigw-cognito"
    script = run(command, "--show-completion", "bash", env=clean_env(installed))
    assert "_APIGW_COGNITO_COMPLETE=complete_bash" in script
    complete = clean_env(
        installed,
        _APIGW_COGNITO_COMPLETE="complete_bash",
        COMP_WORDS="apigw-cognito apply --report ",
        COMP_CWORD="3",
    )
    assert run(command, env=complete).split() == ["text", "json", "markdown", "sarif", "junit"]
    commands = clean_env(
        installed, _APIGW_COGNITO_COMPLETE="complete_bash", COMP_WORDS="apigw-cognito a", COMP_CWORD="1"
    )
    assert {"apply", "audit"} <= set(run(command, env=commands).split())


@pytest.mark.slow
def test_pipx_install(tmp_path: Path) -> None:
    pipx = shutil.which("pipx") or None
    base = [pipx] if pipx else [sys.executable, "-m", "pipx"]
    env = {
        **os.environ,
        "PIPX_HOME": str(tmp_path / "pipx"),
        "PIPX_BIN_DIR": str(tmp_path / "bin"),
        "PIPX_MAN_DIR": str(tmp_path / "man"),
    }
    run(*base, "install", ROOT, env=env)
    command = tmp_path / "bin" / "apigw-cognito"
    assert run(command, "--version", env=env) == "apigw-cognito 0.1.0\n"
    out = run(
        command,
        "audit",
        SPECS / "securepets.yaml",
        "-s",
        SPECS / "securepets.selector.yaml",
        env={**env, "SECUREPETS_USER_POOL": ""},
    )
    assert "0 open" in out
