"""The command line driven in-process on the bundled securepets example, as the command-line tests use it."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from apigw_cognito.cli.main import app
from tests.support import paths

SPECS = paths.ROOT / "specs"
SELECTOR = str(SPECS / "securepets.selector.yaml")


def run(*args: str) -> tuple[int, str, str]:
    """Exit code, standard output and standard error of `apigw-cognito ARGS` (the example's pool variable
    unset, so its selector's pool reference stays unresolved)."""
    result = CliRunner().invoke(app, list(args), env={"SECUREPETS_USER_POOL": ""}, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def securepets_copy(folder: Path) -> Path:
    """A copy of the example document in `folder`, for commands that may write beside or over it."""
    copy = folder / "api.yaml"
    shutil.copy(SPECS / "securepets.yaml", copy)
    return copy
