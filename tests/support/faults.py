"""A small fault-injecting HTTP proxy in front of an emulator, for the failures emulators cannot produce.

Each `Fault` matches requests by AWS operation (API Gateway's REST routes, Cognito's X-Amz-Target, STS's
Action) and answers them itself a given number of times: an AWS error (throttling, 5xx, AccessDenied, an
expired token), a dropped connection, a delay longer than the client's read timeout, or (`truncate`) the
upstream's real answer cut in the middle by a connection reset, after the upstream did the work. Everything
else is forwarded unchanged. Waits are bounded, so a test can never hang on the proxy.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal
from urllib.parse import parse_qs, urlsplit

# API Gateway (rest-json) operations by method and path.
_APIGW_ROUTES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("GET", re.compile(r"^/restapis$"), "GetRestApis"),
    ("POST", re.compile(r"^/restapis$"), "CreateRestApi"),
    ("GET", re.compile(r"^/restapis/[^/]+$"), "GetRestApi"),
    ("PUT", re.compile(r"^/restapis/[^/]+$"), "PutRestApi"),
    ("PATCH", re.compile(r"^/restapis/[^/]+$"), "UpdateRestApi"),
    ("DELETE", re.compile(r"^/restapis/[^/]+$"), "DeleteRestApi"),
    ("GET", re.compile(r"^/restapis/[^/]+/authorizers$"), "GetAuthorizers"),
    ("POST", re.compile(r"^/restapis/[^/]+/authorizers$"), "CreateAuthorizer"),
    ("GET", re.compile(r"^/restapis/[^/]+/gatewayresponses$"), "GetGatewayResponses"),
    ("PUT", re.compile(r"^/restapis/[^/]+/gatewayresponses/[^/]+$"), "PutGatewayResponse"),
    ("GET", re.compile(r"^/restapis/[^/]+/resources/[^/]+/methods/[^/]+$"), "GetMethod"),
    ("PATCH", re.compile(r"^/restapis/[^/]+/resources/[^/]+/methods/[^/]+$"), "UpdateMethod"),
    ("GET", re.compile(r"^/restapis/[^/]+/resources$"), "GetResources"),
    ("POST", re.compile(r"^/restapis/[^/]+/deployments$"), "CreateDeployment"),
    ("GET", re.compile(r"^/restapis/[^/]+/deployments$"), "GetDeployments"),
    ("GET", re.compile(r"^/restapis/[^/]+/deployments/[^/]+$"), "GetDeployment"),
    ("GET", re.compile(r"^/restapis/[^/]+/stages$"), "GetStages"),
    ("GET", re.compile(r"^/restapis/[^/]+/stages/[^/]+$"), "GetStage"),
    ("GET", re.compile(r"^/restapis/[^/]+/stages/[^/]+/exports/[^/]+$"), "GetExport"),
)


def operation_of(method: str, url: str, headers: dict[str, str], body: bytes) -> str:
    """The AWS operation a request calls, or "" when it is none we know."""
    target = headers.get("x-amz-target", "")
    if target:
        return target.rsplit(".", 1)[-1]
    parts = urlsplit(url)
    if method == "POST" and parts.path == "/restapis" and "mode=import" in parts.query:
        return "ImportRestApi"
    for verb, pattern, name in _APIGW_ROUTES:
        if verb == method and pattern.match(parts.path):
            return name
    if method == "POST" and b"Action=" in body:
        action = parse_qs(body.decode("utf-8", "replace")).get("Action", [""])[0]
        return action
    return ""


Kind = Literal["error", "close", "delay", "truncate"]


@dataclass
class Fault:
    operation: str
    kind: Kind = "error"
    status: int = 500
    code: str = "InternalFailure"
    message: str = "injected"
    times: int = 1  # how many matching requests get the fault; later ones are forwarded
    delay: float = 0.0  # for "delay": seconds to hold the request before dropping it (bounded below)
    protocol: Literal["rest-json", "json", "query"] = "rest-json"
    headers: dict[str, str] = field(default_factory=dict)


MAX_DELAY = 5.0


class FaultProxy:
    """Forwards to `upstream` except where a `Fault` applies; records the operations it saw."""

    def __init__(self, upstream: str) -> None:
        self.upstream = urlsplit(upstream)
        self.faults: list[Fault] = []
        self.seen: list[str] = []
        self.requests: list[tuple[str, str, str]] = []  # (HTTP method, path?query, operation or "")
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                operation = operation_of(self.command, self.path, headers, body)
                with proxy._lock:
                    proxy.requests.append((self.command, self.path, operation))
                fault = proxy._take(operation)
                if fault is not None and fault.kind == "close":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if fault is not None and fault.kind == "delay":
                    # Hold the answer past the client's read timeout, then drop it: the client is gone.
                    time.sleep(min(fault.delay, MAX_DELAY))
                    self.close_connection = True
                    return
                if fault is not None and fault.kind == "error":
                    self._send_error(fault)
                    return
                self._forward(body, truncate=fault is not None and fault.kind == "truncate")

            def _send_error(self, fault: Fault) -> None:
                if fault.protocol == "query":
                    payload = (
                        f"<ErrorResponse><Error><Type>Sender</Type><Code>{fault.code}</Code>"
                        f"<Message>{fault.message}</Message></Error><RequestId>x</RequestId></ErrorResponse>"
                    ).encode()
                    content_type = "text/xml"
                elif fault.protocol == "json":
                    payload = json.dumps({"__type": fault.code, "message": fault.message}).encode()
                    content_type = "application/x-amz-json-1.1"
                else:
                    payload = json.dumps({"message": fault.message}).encode()
                    content_type = "application/json"
                self.send_response(fault.status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                if fault.protocol == "rest-json":
                    self.send_header("x-amzn-ErrorType", fault.code)
                for key, value in fault.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

            def _forward(self, body: bytes, truncate: bool = False) -> None:
                upstream = proxy.upstream
                conn = http.client.HTTPConnection(upstream.hostname or "127.0.0.1", upstream.port, timeout=30)
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                    headers["Host"] = upstream.netloc
                    conn.request(self.command, self.path, body=body, headers=headers)
                    response = conn.getresponse()
                    data = response.read()
                except OSError:
                    self.send_error(502, "upstream unreachable")
                    return
                finally:
                    conn.close()
                self.send_response(response.status)
                for key, value in response.getheaders():
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if truncate:
                    # The upstream did the work; its answer is cut in the middle and the connection reset.
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.close_connection = True
                    self.connection.close()
                    return
                self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_PATCH = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _take(self, operation: str) -> Fault | None:
        with self._lock:
            self.seen.append(operation)
            for fault in self.faults:
                if fault.operation == operation and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self.faults.append(fault)
        return fault

    def count(self, operation: str) -> int:
        with self._lock:
            return self.seen.count(operation)

    def mutating(self) -> list[str]:
        """Every request seen that may change something: all but GETs and Get/List/Describe operations
        (Cognito's and STS's reads are POSTs), whether or not the operation is one this proxy names."""
        with self._lock:
            return [
                f"{verb} {urlsplit(target).path} ({operation or 'unknown operation'})"
                for verb, target, operation in self.requests
                if verb != "GET" and not operation.startswith(("Get", "List", "Describe"))
            ]

    def queries(self, operation: str) -> list[dict[str, list[str]]]:
        """The query parameters of each `operation` request seen, in order."""
        with self._lock:
            return [parse_qs(urlsplit(t).query) for _, t, op in self.requests if op == operation]

    def start(self) -> FaultProxy:
        self._thread.start()
        return self

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def fault_proxy(upstream: str) -> Iterator[FaultProxy]:
    proxy = FaultProxy(upstream).start()
    try:
        yield proxy
    finally:
        proxy.close()
