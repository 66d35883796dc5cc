"""The hooks in .pre-commit-hooks.yaml, run by the real `pre-commit` in a temporary repository.

pre-commit clones the hook repository at a revision and pip-installs it into an environment of its own
(`language: python`), exactly as it does for users. The hook repository here is a commit of this working
tree (tracked and new files), so uncommitted changes are tested too; its dependencies come from the
package index. The environment is built once for the module (PRE_COMMIT_HOME is shared), which takes
about half a minute; hence `slow`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import ROOT

SPECS = ROOT / "specs"

pytestmark = pytest.mark.slow

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A commit of this working tree: what `pre-commit` clones as the hook repository."""
    snapshot = tmp_path_factory.mktemp("hook-repo")
    listed = git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name)
    git(snapshot, "init", "-q")
    git(snapshot, "add", "-A")
    git(snapshot, "commit", "-q", "-m", "snapshot")
    return snapshot, git(snapshot, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


CONFIG = """\
[[apis]]
name = "pets"
spec = "specs/securepets.yaml"
selector = "specs/securepets.selector.yaml"
output = "build/securepets.yaml"
"""


@pytest.fixture
def project(tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_home: Path) -> Path:
    """A user's repository with one API, its secured output committed, and the hooks installed."""
    repo, rev = hook_repo
    shutil.copytree(SPECS, tmp_path / "specs")
    (tmp_path / "build").mkdir()
    (tmp_path / "apigw-cognito.toml").write_text(CONFIG)
    (tmp_path / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n"
        "      - id: apigw-cognito-check\n      - id: apigw-cognito-audit\n"
    )
    git(tmp_path, "init", "-q")
    subprocess.run(
        [*_apigw(), "apply"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={**os.environ, "SECUREPETS_USER_POOL": ""},
    )
    pre_commit(tmp_path, pre_commit_home, "install")
    return tmp_path


def _apigw() -> list[str]:
    return [sys.executable, "-c", "from apigw_cognito.cli.main import main; main()"]


def pre_commit(cwd: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home), "SECUREPETS_USER_POOL": ""}
    env.pop("PRE_COMMIT", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def commit(cwd: Path, home: Path, message: str) -> tuple[int, str]:
    """`git commit` with the installed hook (pre-commit from this interpreter): exit code and all output."""
    git(cwd, "add", "-A")
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home), "SECUREPETS_USER_POOL": ""}
    done = subprocess.run(
        ["git", "commit", "-m", message], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    return done.returncode, done.stdout + done.stderr


def test_manifest_is_valid() -> None:
    from pre_commit.clientlib import load_manifest

    hooks = {h["id"]: h for h in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}
    assert set(hooks) == {"apigw-cognito-check", "apigw-cognito-audit", "apigw-cognito-apply"}
    assert hooks["apigw-cognito-check"]["entry"] == "apigw-cognito apply --check"
    assert all(not h["pass_filenames"] for h in hooks.values())


def test_commit_passes_when_the_secured_document_is_current(project: Path, pre_commit_home: Path) -> None:
    code, output = commit(project, pre_commit_home, "secured API")
    assert code == 0, output
    assert "apigw-cognito apply --check" in output
    assert "apigw-cognito audit" in output
    assert "Passed" in output


def test_commit_fails_when_the_selector_changed_but_the_output_did_not(
    project: Path, pre_commit_home: Path
) -> None:
    assert commit(project, pre_commit_home, "secured API")[0] == 0
    selector = project / "specs" / "securepets.selector.yaml"
    selector.write_text(
        selector.read_text().replace(
            "  - select: POST /pets\n    public: true\n",
            "  - select: POST /pets\n    authorizer: SecurePetsPool\n",
        )
    )
    code, output = commit(project, pre_commit_home, "secure POST /pets")
    assert code != 0
    assert "Failed" in output
    assert "pets (would change)" in output
    # Regenerating the output makes the commit go through.
    subprocess.run(
        [*_apigw(), "apply"],
        cwd=project,
        check=True,
        capture_output=True,
        env={**os.environ, "SECUREPETS_USER_POOL": ""},
    )
    code, output = commit(project, pre_commit_home, "secure POST /pets")
    assert code == 0, output


def test_audit_hook_fails_for_open_operations(project: Path, pre_commit_home: Path) -> None:
    selector = project / "specs" / "securepets.selector.yaml"
    selector.write_text(selector.read_text().replace("  - select: POST /pets\n    public: true\n", ""))
    git(project, "add", "-A")  # pre-commit looks at the files git tracks
    result = pre_commit(project, pre_commit_home, "run", "apigw-cognito-audit", "--all-files")
    assert result.returncode == 1
    assert "POST /pets is OPEN" in result.stdout
    assert "pets (OPEN operations)" in result.stdout


def test_apply_hook_rewrites_the_output_and_stops_the_commit_once(
    project: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    repo, rev = hook_repo
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n      - id: apigw-cognito-apply\n"
    )
    selector = project / "specs" / "securepets.selector.yaml"
    selector.write_text(
        selector.read_text().replace("    public: true\n", "    authorizer: SecurePetsPool\n")
    )
    git(project, "add", "-A")
    before = (project / "build" / "securepets.yaml").read_bytes()
    first = pre_commit(project, pre_commit_home, "run", "--all-files")
    assert first.returncode == 1
    assert "files were modified by this hook" in first.stdout
    assert (project / "build" / "securepets.yaml").read_bytes() != before
    git(project, "add", "-A")
    second = pre_commit(project, pre_commit_home, "run", "--all-files")
    assert second.returncode == 0, second.stdout


def test_apply_hook_stops_the_commit_when_it_writes_a_new_output(
    project: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    """pre-commit notices changed tracked files by itself, not a new file: the hook says so and fails."""
    repo, rev = hook_repo
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n      - id: apigw-cognito-apply\n"
    )
    shutil.rmtree(project / "build")
    git(project, "add", "-A")
    first = pre_commit(project, pre_commit_home, "run", "--all-files")
    assert first.returncode == 1, first.stdout
    assert "apply: wrote pets: add the files and commit again" in first.stdout
    assert (project / "build" / "securepets.yaml").is_file()
    git(project, "add", "-A")
    second = pre_commit(project, pre_commit_home, "run", "--all-files")
    assert second.returncode == 0, second.stdout
