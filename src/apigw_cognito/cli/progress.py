"""A progress indicator for long work: a spinner on standard error, only when a person is watching.

Nothing is shown for work that ends within `delay` seconds, nor when standard error is not a terminal
(CI logs, pipes, files), so scripted output is never interleaved with control characters.
`APIGW_COGNITO_PROGRESS_DELAY` changes the delay (seconds); `APIGW_COGNITO_PROGRESS=0` turns it off and
`=1` shows it even when standard error is not a terminal.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

DEFAULT_DELAY = 1.0
INTERVAL = 0.1
FRAMES = "|/-\\"


def _wanted(stream: TextIO) -> bool:
    setting = os.environ.get("APIGW_COGNITO_PROGRESS", "").strip().lower()
    if setting in ("0", "false", "no", "off"):
        return False
    if setting in ("1", "true", "yes", "on", "always"):
        return True
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError, OSError):
        return False


def _delay() -> float:
    try:
        return max(0.0, float(os.environ.get("APIGW_COGNITO_PROGRESS_DELAY", DEFAULT_DELAY)))
    except ValueError:
        return DEFAULT_DELAY


class Spinner:
    """A thread that waits `delay` seconds, then redraws one line until stopped, then erases it."""

    def __init__(self, label: str, stream: TextIO, delay: float, interval: float = INTERVAL) -> None:
        self.label = label
        self.stream = stream
        self.delay = delay
        self.interval = interval
        self.shown = False
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._started = 0.0
        self._thread = threading.Thread(target=self._run, name="apigw-cognito-progress", daemon=True)

    def start(self) -> None:
        self._started = time.monotonic()
        if self.delay <= 0:
            # No delay: the first frame is drawn now, so even instant work shows it (and then erases it).
            self.shown = True
            self._draw(0)
        self._thread.start()

    def update(self, label: str) -> None:
        with self._lock:
            self.label = label

    def echo(self, line: str) -> None:
        """Print `line` on the stream above the spinner (which the next frame redraws)."""
        with self._lock:
            prefix = "\r\x1b[K" if self.shown else ""
            try:
                self.stream.write(f"{prefix}{line}\n")
                self.stream.flush()
            except (OSError, ValueError):
                pass

    def _draw(self, frame: int) -> None:
        elapsed = time.monotonic() - self._started
        with self._lock:
            text = f"\r{FRAMES[frame % len(FRAMES)]} {self.label} ({elapsed:.0f} s)\x1b[K"
            try:
                self.stream.write(text)
                self.stream.flush()
            except (OSError, ValueError):
                self._stop.set()

    def _run(self) -> None:
        # With no delay `start` drew frame 0 already: the next one is due after one interval.
        if self._stop.wait(self.delay if self.delay > 0 else self.interval):
            return
        self.shown = True
        frame = 1 if self.delay <= 0 else 0
        while not self._stop.is_set():
            self._draw(frame)
            frame += 1
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        if self.shown:
            try:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
            except (OSError, ValueError):
                pass


class _Silent:
    shown = False

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def update(self, label: str) -> None:
        pass

    def echo(self, line: str) -> None:
        self.stream.write(f"{line}\n")
        self.stream.flush()


@contextmanager
def progress(
    label: str, *, stream: TextIO | None = None, delay: float | None = None
) -> Iterator[Spinner | _Silent]:
    """Show `label` with a spinner on `stream` (standard error) if the block runs longer than `delay`."""
    out = sys.stderr if stream is None else stream
    if not _wanted(out):
        yield _Silent(out)
        return
    spinner = Spinner(label, out, _delay() if delay is None else delay)
    spinner.start()
    try:
        yield spinner
    finally:
        spinner.stop()
