"""Files that cannot be read or written, and writes that fail or are interrupted half-way.

test_cli.py covers output folders that do not exist yet, `--in-place` through a symbolic link in the same
folder (mode kept), and a failed apply writing nothing. Here: missing inputs, folders, unreadable inputs and
unwritable outputs (root runs the tool without the capabilities that override file modes), links across
folders, dangling and looping links, a full disk (RLIMIT_FSIZE) and a write interrupted by SIGINT, SIGTERM
or SIGKILL.

What an interruption leaves: the target is never touched before the final rename. SIGINT and SIGTERM
remove the temporary file and exit 2; SIGKILL cannot be caught, so its temporary file
(`.<name>.<random>.tmp` beside the target) stays, and the next run neither reads nor minds it.
"""

from __future__ import annotations

import ctypes
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from apigw_cognito.cli.main import app
from tests.support.ci import cannot_run
from tests.support.paths import ROOT

SPEC = ROOT / "specs" / "securepets.yaml"
SELECTOR = ROOT / "specs" / "securepets.selector.yaml"
# The tool run as a command: the checkout's code first, before whatever the tests' own path holds.
TOOL_ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])),
    "SECUREPETS_USER_POOL": "",
}


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"SECUREPETS_USER_POOL": ""})
    return result.exit_code, result.stderr


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    copy = tmp_path / "api.yaml"
    shutil.copy(SPEC, copy)
    return copy


# --- inputs -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["spec", "selector"])
def test_a_missing_input_is_named(spec: Path, tmp_path: Path, which: str) -> None:
    missing = tmp_path / "nope.yaml"
    args = [str(missing), "-s", str(SELECTOR)] if which == "spec" else [str(spec), "-s", str(missing)]
    code, stderr = invoke("apply", *args)
    assert code == 2
    assert f"error: {missing}: no such file" in stderr


@pytest.mark.parametrize("which", ["spec", "selector"])
def test_a_folder_as_input_is_named(spec: Path, tmp_path: Path, which: str) -> None:
    args = [str(tmp_path), "-s", str(SELECTOR)] if which == "spec" else [str(spec), "-s", str(tmp_path)]
    code, stderr = invoke("apply", *args)
    assert code == 2
    assert f"error: {tmp_path}: is a folder, not a file" in stderr


def test_a_dangling_or_looping_link_is_a_missing_file(tmp_path: Path) -> None:
    dangling = tmp_path / "dangling.yaml"
    dangling.symlink_to(tmp_path / "gone.yaml")
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    code, stderr = invoke("apply", str(dangling), "-s", str(SELECTOR), "--in-place")
    assert code == 2
    assert f"error: {dangling}: no such file" in stderr
    code, stderr = invoke("apply", str(loop), "-s", str(SELECTOR), "--in-place")
    assert code == 2
    assert f"error: {loop}: cannot be read" in stderr
    assert dangling.is_symlink()
    assert not (tmp_path / "gone.yaml").exists()


# --- bound by file modes (root without its overriding capabilities) --------------------------------------


_PR_CAPBSET_DROP = 24
_DAC_CAPABILITIES = (1, 2)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH: what lets root ignore file modes


def _drop_dac_capabilities() -> None:
    """In the child, before exec: root without these capabilities is bound by file modes like any user,
    and stays root otherwise (its private interpreter under /root still runs)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in _DAC_CAPABILITIES:
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) refused")


def _bound_by_permissions() -> dict[str, Any]:
    """How subprocess runs a command that file modes apply to: as any user but root, just so; as root,
    without the capabilities that override them."""
    if os.geteuid() != 0:
        return {}
    with tempfile.NamedTemporaryFile() as locked:
        os.chmod(locked.name, 0o000)
        probe = subprocess.run(
            [sys.executable, "-c", f"open({locked.name!r}).read()"],
            capture_output=True,
            check=False,
            preexec_fn=_drop_dac_capabilities,
        )
    if b"PermissionError" not in probe.stderr:
        cannot_run(f"cannot drop root's file-permission capabilities here: {probe.stderr.decode()[-200:]}")
    return {"preexec_fn": _drop_dac_capabilities}


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder for files with locked modes; whatever the test locks is unlocked before it is removed."""
    folder = Path(tempfile.mkdtemp(prefix="apigw-cognito-files-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(folder, ignore_errors=True)


def run_unprivileged(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "apigw_cognito", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=TOOL_ENV,
        timeout=120,
        **_bound_by_permissions(),
    )


@pytest.mark.parametrize("which", ["spec", "selector"])
def test_an_unreadable_input_is_named(shared_folder: Path, which: str) -> None:
    spec = shared_folder / "api.yaml"
    selector = shared_folder / "sel.yaml"
    shutil.copy(SPEC, spec)
    shutil.copy(SELECTOR, selector)
    for path in (spec, selector):
        path.chmod(0o644)
    locked = spec if which == "spec" else selector
    locked.chmod(0o000)  # unreadable to its owner too
    done = run_unprivileged(["apply", str(spec), "-s", str(selector)], shared_folder)
    assert done.returncode == 2, done.stderr
    assert f"error: {locked}: permission denied" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("target", ["output", "in-place"])
def test_an_unwritable_output_changes_nothing(shared_folder: Path, target: str) -> None:
    readable = shared_folder / "in"
    readable.mkdir()
    spec = readable / "api.yaml"
    shutil.copy(SPEC, spec)
    spec.chmod(0o666)  # writable, but the folder is not: the temporary file cannot be made
    readable.chmod(0o555)  # its owner cannot create files in it either
    before = spec.read_bytes()
    out = readable / "out.yaml"
    args = ["-o", str(out)] if target == "output" else ["--in-place"]
    done = run_unprivileged(["apply", str(spec), "-s", str(SELECTOR), *args], shared_folder)
    assert done.returncode == 2, done.stderr
    written = out if target == "output" else spec
    assert f"error: {written}: cannot write: Permission denied; nothing was changed" in done.stderr
    assert spec.read_bytes() == before
    assert not out.exists()
    assert leftovers(readable) == []


# --- links ---------------------------------------------------------------------------------------------


def test_in_place_through_a_relative_link_into_another_folder(tmp_path: Path) -> None:
    real_folder = tmp_path / "real"
    real_folder.mkdir()
    target = real_folder / "api.yaml"
    shutil.copy(SPEC, target)
    target.chmod(0o604)
    links = tmp_path / "links"
    links.mkdir()
    link = links / "api.yaml"
    link.symlink_to(Path("..") / "real" / "api.yaml")
    code, stderr = invoke("apply", str(link), "-s", str(SELECTOR), "--in-place")
    assert code == 0, stderr
    assert link.is_symlink()
    assert os.readlink(link) == str(Path("..") / "real" / "api.yaml")
    assert "SecurePetsPool" in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o604
    assert sorted(p.name for p in links.iterdir()) == ["api.yaml"]
    assert leftovers(real_folder) == []


def test_an_output_that_is_a_folder(spec: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    code, stderr = invoke("apply", str(spec), "-s", str(SELECTOR), "-o", str(folder))
    assert code == 2
    assert f"error: {folder}: cannot write: it is a folder" in stderr
    assert list(folder.iterdir()) == []


# --- a full disk ------------------------------------------------------------------------------------------


def _limit_file_size(limit: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.mark.parametrize("target", ["output", "in-place"])
def test_a_full_disk_leaves_the_old_file_whole(spec: Path, tmp_path: Path, target: str) -> None:
    out = tmp_path / "out.yaml"
    out.write_bytes(b"# the previous output\n")
    before = {p: p.read_bytes() for p in (spec, out)}
    args = ["-o", str(out)] if target == "output" else ["--in-place"]
    size = len(spec.read_bytes())
    done = subprocess.run(
        [sys.executable, "-m", "apigw_cognito", "apply", str(spec), "-s", str(SELECTOR), *args],
        capture_output=True,
        text=True,
        check=False,
        env=TOOL_ENV,
        preexec_fn=lambda: _limit_file_size(size + 50),  # the secured document is larger than that
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    written = out if target == "output" else spec
    assert f"error: {written}: cannot write: File too large; nothing was changed" in done.stderr
    assert {p: p.read_bytes() for p in (spec, out)} == before
    assert leftovers(tmp_path) == []


# --- interrupted writes ---------------------------------------------------------------------------------

# Runs the CLI with os.fsync paused: the temporary file is written and not yet renamed over the target.
PAUSED = """
import os, signal, sys, time
# A job started in the background (as CI may start this suite) inherits SIGINT ignored; Ctrl-C in a
# terminal is what this simulates, so take Python's usual handler back.
signal.signal(signal.SIGINT, signal.default_int_handler)
marker, args = sys.argv[1], sys.argv[2:]
real_fsync = os.fsync
def paused(fd):
    open(marker, "w").close()
    time.sleep(60)
    real_fsync(fd)
os.fsync = paused
sys.argv = ["apigw-cognito", *args]
from apigw_cognito.cli.main import main
main()
"""


def _interrupt(spec: Path, tmp_path: Path, signum: int) -> subprocess.CompletedProcess[str]:
    marker = tmp_path / "paused"
    child = subprocess.Popen(
        [sys.executable, "-c", PAUSED, str(marker), "apply", str(spec), "-s", str(SELECTOR), "--in-place"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=TOOL_ENV,
    )
    try:
        for _ in range(600):  # bounded: 60 s at most
            if marker.exists() or child.poll() is not None:
                break
            time.sleep(0.1)
        assert marker.exists(), "the write never started"
        child.send_signal(signum)
        stdout, stderr = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    return subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_write_cleans_up(spec: Path, tmp_path: Path, signum: int) -> None:
    before = spec.read_bytes()
    done = _interrupt(spec, tmp_path, signum)
    assert done.returncode == 2, done.stderr
    assert "interrupted; nothing was written" in done.stderr
    assert "Traceback" not in done.stderr
    assert spec.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_a_killed_write_leaves_the_target_whole_and_only_its_temporary_file(
    spec: Path, tmp_path: Path
) -> None:
    before = spec.read_bytes()
    done = _interrupt(spec, tmp_path, signal.SIGKILL)
    assert done.returncode == -signal.SIGKILL
    assert spec.read_bytes() == before
    (left,) = leftovers(tmp_path)  # SIGKILL cannot be caught: the temporary file stays
    assert left.startswith(".api.yaml.")
    # The next run is not confused by it and writes the target.
    code, stderr = invoke("apply", str(spec), "-s", str(SELECTOR), "--in-place")
    assert code == 0, stderr
    assert "SecurePetsPool" in spec.read_text()
