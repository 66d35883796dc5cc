"""`serve` in tests: the real server on a loopback port (in a thread of the test process, or as the
`apigw-cognito serve` command in its own process), a backend that records what it receives, and a small
stand-in for the Lambda Runtime Interface Emulator's invoke API.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

from apigw_cognito.app.explaining import KeySource
from apigw_cognito.serving.gateway import Gateway, Options
from apigw_cognito.serving.runner import bind, run_server
from apigw_cognito.serving.served_api import Sources, build
from apigw_cognito.serving.signing_keys import SigningKeys

LAMBDA_PATH = "/2015-03-31/functions/function/invocations"


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


def call(
    url: str, method: str = "GET", headers: Mapping[str, str] | None = None, body: bytes | None = None
) -> Reply:
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return Reply(answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


@dataclass
class InProcess:
    """The server of `serve` on its own loopback port, in a thread; `lines` are its log lines."""

    gateway: Gateway
    url: str
    lines: list[str] = field(default_factory=list)

    def get(self, path: str, token: str | None = None, **headers: str) -> Reply:
        if token is not None:
            headers["Authorization"] = token
        return call(self.url + path, headers=headers)


@contextmanager
def in_process(
    spec: str | Path,
    selector: str | Path,
    *,
    endpoint_url: str | None = None,
    options: Options | None = None,
    clock: Callable[[], float] = time.time,
    jwks_url: str | None = None,
) -> Iterator[InProcess]:
    sources = Sources(str(spec), str(selector))
    lines: list[str] = []
    keys = SigningKeys(KeySource(jwks_url=jwks_url, endpoint_url=endpoint_url, timeout=5))
    gateway = Gateway(build(sources), keys, options or Options(), lines.append, clock=clock)
    sock = bind("127.0.0.1", 0)
    loop = asyncio.new_event_loop()
    task = loop.create_task(run_server(gateway, sock, lambda: build(sources), lines.append))

    def run() -> None:
        with suppress(asyncio.CancelledError):
            loop.run_until_complete(task)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield InProcess(gateway, f"http://127.0.0.1:{sock.getsockname()[1]}", lines)
    finally:
        loop.call_soon_threadsafe(task.cancel)
        thread.join()
        loop.close()


class Command:
    """`apigw-cognito serve ...` in its own process; `lines` collects its standard error."""

    def __init__(self, args: list[str], env: Mapping[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "apigw_cognito", "serve", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str) -> str:
        """The first log line holding `text`, waiting while the process runs."""
        while True:
            for line in list(self.lines):
                if text in line:
                    return line
            if self.process.poll() is not None:
                self._reader.join()
                for line in self.lines:
                    if text in line:
                        return line
                raise AssertionError(
                    f"serve ended ({self.process.returncode}) without {text!r}: {self.lines}"
                )
            time.sleep(0.05)

    def stop(self) -> int:
        """Ctrl-C, then the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        code = self.process.wait()
        self._reader.join()
        return code


def write_inputs(folder: Path, document: Mapping[str, Any], selector: Mapping[str, Any]) -> tuple[Path, Path]:
    """`document` and `selector` written as folder/api.yaml and folder/selector.yaml (their paths)."""
    (folder / "api.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    (folder / "selector.yaml").write_text(yaml.safe_dump(selector, sort_keys=False))
    return folder / "api.yaml", folder / "selector.yaml"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Recorder:
    """A backend on loopback: answers 200 with what it received (method, path, headers, body) as JSON and
    keeps the same in `seen`; a path starting /slow waits `delay` seconds first."""

    def __init__(self, delay: float = 0.0) -> None:
        self.seen: list[dict[str, Any]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                record = {
                    "method": self.command,
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": body,
                }
                recorder.seen.append(record)
                if self.path.startswith("/slow"):
                    time.sleep(delay)
                data = json.dumps(record).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("X-Backend", "recorder")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    @contextmanager
    def running(self) -> Iterator[Recorder]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()


class LambdaStandIn(Recorder):
    """The Runtime Interface Emulator's invoke API, as far as `serve` uses it: POST
    /2015-03-31/functions/function/invocations with the event; the reply is `reply(event)` as JSON (or
    the bytes it returns)."""

    def __init__(self, reply: Callable[[dict[str, Any]], Any]) -> None:
        super().__init__()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                event = json.loads(self.rfile.read(length))
                stand_in.seen.append({"path": self.path, "event": event})
                answer = reply(event) if self.path == LAMBDA_PATH else {"statusCode": 404}
                data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
                self.send_response(200 if self.path == LAMBDA_PATH else 404)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server.server_close()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
