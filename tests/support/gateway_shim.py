"""The step LocalStack leaves out of a gateway error: the gateway response's headers.

LocalStack 2026.3.0 answers the errors its execute-api raises itself (an unknown path, a missing API key)
with the matching gateway response's status code, but never adds its `responseParameters` (its
gateway_exception.py: "TODO apply responseParameters to the headers"). `GatewayShim` serves a deployed
LocalStack stage on its own loopback port and does that one step as API Gateway documents it: the response
type of the error (LocalStack's `x-amzn-ErrorType`), the configured response of that type or else the
configured DEFAULT_4XX / DEFAULT_5XX, and each `gatewayresponse.header.<Name>` set from its quoted literal
(`'*'`) or from the request header it maps (`method.request.header.<Name>`). The responses come from the
live API with GetGatewayResponses on every request, so what is tested is what the import left there.
Everything else (status, body, other headers) is LocalStack's answer, passed on unchanged.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# LocalStack's error codes (x-amzn-ErrorType) of the errors a request can meet before any integration.
ERROR_TYPES = {
    "MissingAuthenticationTokenException": "MISSING_AUTHENTICATION_TOKEN",
    "ForbiddenException": "INVALID_API_KEY",
    "UnauthorizedException": "UNAUTHORIZED",
    "AccessDeniedException": "ACCESS_DENIED",
    "ExpiredTokenException": "EXPIRED_TOKEN",
}
PREFIX = "gatewayresponse.header."


def response_headers(
    error_code: str, status: int, configured: Mapping[str, Mapping[str, Any]], request: Mapping[str, str]
) -> dict[str, str]:
    """The headers API Gateway adds to an error of `error_code` with `status`, from the `configured`
    gateway responses by type."""
    kind = ERROR_TYPES.get(error_code)
    fallback = "DEFAULT_5XX" if status >= 500 else "DEFAULT_4XX"
    response = configured.get(kind or "") or configured.get(fallback) or {}
    headers: dict[str, str] = {}
    for key, value in (response.get("responseParameters") or {}).items():
        if not key.lower().startswith(PREFIX):
            continue
        name = key[len(PREFIX) :]
        if len(value) >= 2 and value[0] == value[-1] == "'":
            headers[name] = value[1:-1]
        elif value.lower().startswith("method.request.header."):
            mapped = request.get(value[len("method.request.header.") :].lower())
            if mapped is not None:
                headers[name] = mapped
    return headers


class GatewayShim:
    """A loopback server in front of one deployed LocalStack stage; `url` is its address, `seen` counts
    the requests it answered (so a test can tell a CORS failure from a request that never arrived)."""

    def __init__(self, stage_url: str, configured: Callable[[], Mapping[str, Mapping[str, Any]]]) -> None:
        self.stage_url = stage_url.rstrip("/")
        self.configured = configured
        self.seen: list[tuple[str, int]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        shim = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                request = urllib.request.Request(shim.stage_url + self.path)  # Origin is not passed on
                try:
                    with urllib.request.urlopen(request) as answer:
                        status, headers, body = answer.status, dict(answer.headers), answer.read()
                except urllib.error.HTTPError as error:
                    status, headers, body = error.code, dict(error.headers), error.read()
                    code = headers.get("x-amzn-ErrorType", "")
                    if code:
                        lowered = {k.lower(): v for k, v in self.headers.items()}
                        headers.update(response_headers(code, status, shim.configured(), lowered))
                shim.seen.append((self.path, status))
                self.send_response(status)
                for name, value in headers.items():
                    if name.lower() not in (
                        "content-length",
                        "connection",
                        "transfer-encoding",
                        "date",
                        "server",
                    ):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    @contextmanager
    def running(self) -> Iterator[GatewayShim]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()
