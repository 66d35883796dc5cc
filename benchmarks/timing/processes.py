"""One process run to completion, timed from spawn to exit.

Peak RSS comes from GNU time when it is there (see `gnu_time_available`), CPU from the child's rusage.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.basics.paths import ROOT


@dataclass
class Sample:
    wall: float  # seconds, spawn to exit
    rss_kb: int  # peak resident set size of the child
    cpu: float  # user + system seconds of the child
    returncode: int


GNU_TIME = Path("/usr/bin/time")
TIME_FORMAT = "%M %x %U %S"  # peak RSS (KiB), exit status, user and system seconds


def gnu_time_available(path: Path = GNU_TIME) -> bool:
    """GNU time reports its child's own peak RSS; the rusage of a direct child of this process does not.

    Linux carries a process's peak RSS across exec, and a child spawned from a process of 2 GB (vfork or
    fork) starts its record at 2 GB: the harness, having just read a 200 MB document, would inflate every
    figure. GNU time, a small C program, is a parent whose own size does not matter.
    """
    try:
        proc = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, check=False, timeout=10
        )
    except OSError:
        return False
    return "GNU" in proc.stdout + proc.stderr


def parse_gnu_time(text: str) -> tuple[int, int, float] | None:
    """(peak RSS KiB, exit status, CPU seconds) from the last line GNU time wrote with `TIME_FORMAT`."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return None
    parts = lines[-1].split()
    try:
        rss, status, user, system = int(parts[0]), int(parts[1]), float(parts[2]), float(parts[3])
    except (IndexError, ValueError):
        return None
    return rss, status, user + system


def run_process(
    argv: Sequence[str],
    workdir: Path,
    timeout: float,
    gnu_time: bool = False,
    env: Mapping[str, str] | None = None,
) -> tuple[Sample, str, str]:
    """Run `argv` to completion: wall time from before spawn to after reaping, and the child's peak RSS."""
    out_path, err_path, stats_path = workdir / "stdout", workdir / "stderr", workdir / "rusage"
    wrapped = (
        [str(GNU_TIME), "-q", "-f", TIME_FORMAT, "-o", str(stats_path), *argv] if gnu_time else list(argv)
    )
    stats_path.unlink(missing_ok=True)
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            wrapped,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            cwd=ROOT,
            start_new_session=True,
            env=None if env is None else dict(env),
        )
        timer = threading.Timer(timeout, os.killpg, (proc.pid, signal.SIGKILL))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    sample = Sample(
        wall=wall,
        rss_kb=int(usage.ru_maxrss),  # KiB on Linux
        cpu=usage.ru_utime + usage.ru_stime,
        returncode=proc.returncode,
    )
    if gnu_time:
        parsed = parse_gnu_time(stats_path.read_text(encoding="utf-8", errors="replace"))
        if parsed is not None:
            sample.rss_kb, _, sample.cpu = parsed

    def tail(path: Path) -> str:
        text = path.read_bytes()[-20000:]
        return text.decode("utf-8", "replace")

    return sample, tail(out_path), tail(err_path)
