"""The progress indicator: a spinner on standard error for long work, only when it is a terminal."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from apigw_cognito.cli.progress import Spinner, progress
from tests.support.paths import ROOT

SPEC = ROOT / "specs" / "securepets.yaml"


class Terminal(io.StringIO):
    """A stream that says it is a terminal and tells when something was written."""

    def __init__(self) -> None:
        super().__init__()
        self.written = threading.Event()

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        count = super().write(text)
        self.written.set()
        return count


@pytest.fixture(autouse=True)
def _default_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("APIGW_COGNITO_PROGRESS", raising=False)
    monkeypatch.delenv("APIGW_COGNITO_PROGRESS_DELAY", raising=False)
    monkeypatch.setenv("TERM", "xterm")


def test_spinner_draws_on_a_terminal_and_erases_its_line() -> None:
    stream = Terminal()
    with progress("validating api.yaml", stream=stream, delay=0) as shown:
        assert stream.written.wait(10)
        assert shown.shown
    out = stream.getvalue()
    assert "validating api.yaml" in out
    assert out.startswith("\r")
    assert out.endswith("\r\x1b[K"), "the spinner's line is erased at the end"


def test_spinner_waits_for_its_delay() -> None:
    stream = Terminal()
    with progress("quick work", stream=stream, delay=3600) as shown:
        pass
    assert not shown.shown
    assert stream.getvalue() == ""


def test_nothing_is_written_when_the_stream_is_not_a_terminal() -> None:
    stream = io.StringIO()
    with progress("validating", stream=stream, delay=0) as shown:
        shown.update("still validating")
    assert stream.getvalue() == ""


def test_environment_turns_it_off_and_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIGW_COGNITO_PROGRESS", "0")
    stream = Terminal()
    with progress("x", stream=stream, delay=0):
        pass
    assert stream.getvalue() == ""
    monkeypatch.setenv("APIGW_COGNITO_PROGRESS", "1")
    piped = io.StringIO()
    with progress("forced", stream=piped, delay=0):
        pass
    assert "forced" in piped.getvalue()


def test_echo_prints_above_the_spinner_and_label_updates() -> None:
    stream = Terminal()
    spinner = Spinner("importing", stream, delay=0, interval=3600)
    spinner.start()
    spinner.echo("created REST API abc123")
    spinner.update("deploying")
    spinner.stop()
    out = stream.getvalue()
    assert "\r\x1b[Kcreated REST API abc123\n" in out


def _run_with_terminal_stderr(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """Run the installed command with standard error on a pseudo-terminal; (exit code, stdout, terminal)."""
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            [*_command(), *args],
            stdout=subprocess.PIPE,
            stderr=slave,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=ROOT,
        )
    finally:
        os.close(slave)
    chunks: list[bytes] = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # the terminal closes (EIO) once the command has exited
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    stdout = proc.stdout.read().decode() if proc.stdout else ""
    code = proc.wait()
    return code, stdout, b"".join(chunks).decode(errors="replace")


def _command() -> list[str]:
    script = Path(sys.executable).parent / "apigw-cognito"
    return (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from apigw_cognito.cli.main import main; main()"]
    )


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("APIGW_COGNITO_PROGRESS")}
    env.update(TERM="xterm", **extra)
    return env


def test_validate_shows_progress_on_a_terminal() -> None:
    code, stdout, terminal = _run_with_terminal_stderr(
        ["validate", str(SPEC)], _env(APIGW_COGNITO_PROGRESS_DELAY="0")
    )
    assert code == 0, terminal
    assert "validating" in terminal
    assert "\x1b[K" in terminal
    assert "validating" not in stdout, "the report on standard output has no progress in it"


def test_validate_is_quiet_on_a_terminal_for_work_shorter_than_the_delay() -> None:
    code, _, terminal = _run_with_terminal_stderr(
        ["validate", str(SPEC)], _env(APIGW_COGNITO_PROGRESS_DELAY="3600")
    )
    assert code == 0, terminal
    assert "validating" not in terminal


def test_validate_is_quiet_when_stderr_is_a_pipe() -> None:
    proc = subprocess.run(
        [*_command(), "validate", str(SPEC)],
        capture_output=True,
        env=_env(APIGW_COGNITO_PROGRESS_DELAY="0"),
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert b"\r" not in proc.stderr
    assert b"validating" not in proc.stderr
