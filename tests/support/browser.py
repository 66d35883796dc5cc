"""A headless Chromium for the browser tests: found on the machine, or installed from Debian's packages.

`chromium()` returns the browser's path or a reason why there is none (the tests skip with that reason; CI
installs the package first, see .ci/run). `dump_dom` loads a page and returns the DOM once its scripts are
done, with the flags that keep Chromium off the network (a closed network refuses its background
connections, many at a time) and a fresh profile each time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


def _found() -> str | None:
    given = os.environ.get("APIGW_COGNITO_CHROMIUM")
    if given:
        return given if Path(given).is_file() else None
    return next((path for name in CANDIDATES if (path := shutil.which(name))), None)


def _install() -> str:
    """Install Debian's chromium with apt-get; what went wrong, or "" when it worked."""
    if not shutil.which("apt-get"):
        return "no chromium on PATH and no apt-get to install it (set APIGW_COGNITO_CHROMIUM to a browser)"
    if os.geteuid() != 0:
        return "no chromium on PATH, and installing Debian's package needs root (apt-get install chromium)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"],
    ):
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or [""]
            return f"`{' '.join(command)}` failed: {tail[0]}"
    return ""


def chromium() -> tuple[str | None, str]:
    """(the browser's path, "") or (None, why there is none)."""
    given = os.environ.get("APIGW_COGNITO_CHROMIUM")
    if given and not Path(given).is_file():
        return None, f"APIGW_COGNITO_CHROMIUM={given} is not a file"
    found = _found()
    if found:
        return found, ""
    problem = _install()
    found = _found()
    return (found, "") if found else (None, problem or "apt-get installed chromium, but it is not on PATH")


def dump_dom(browser: str, url: str, budget_ms: int = 20_000) -> str:
    """The DOM of `url` after its scripts ran (up to `budget_ms` of virtual time, network waits paused)."""
    with tempfile.TemporaryDirectory(prefix="apigw-cognito-chromium-") as profile:
        done = subprocess.run(
            [
                browser,
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--virtual-time-budget={budget_ms}",
                "--dump-dom",
                url,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode:
        raise RuntimeError(f"chromium exited with {done.returncode}: {done.stderr[-2000:]}")
    return done.stdout
