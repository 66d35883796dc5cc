"""Run `serve`: listen, answer with `Gateway`, reload when a file changes, stop cleanly on Ctrl-C.

aiohttp's low-level server does the HTTP: its C parser (llhttp) answers malformed requests and oversized
headers with a 4xx by itself and keeps serving. The socket is bound before anything is served, so a port in
use is one `InputError` line. Files are polled (a stat of each every half second: a handful of files, no
watcher library); a change rebuilds the API in a thread, and a rebuild that fails keeps the last good one
serving and logs why.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import socket
from collections.abc import Callable
from contextlib import suppress

from aiohttp import web

from apigw_cognito.basics.errors import InputError, ToolError
from apigw_cognito.serving.gateway import Gateway, Log
from apigw_cognito.serving.served_api import ServedApi

POLL_SECONDS = 0.5
# API Gateway's limit on the request line and headers together is 10,240 bytes.
MAX_HEADER_BYTES = 10240


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on `host:port`; `InputError` (one line, exit 2) when it cannot be had."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        return socket.create_server((host, port), family=family, backlog=1024)
    except OSError as exc:
        reason = "the port is in use" if exc.errno == errno.EADDRINUSE else exc.strerror or str(exc)
        raise InputError(f"cannot listen on {host}:{port}: {reason}") from None


class _OneLine(logging.Handler):
    """aiohttp's own reports (a malformed request it refused) as one log line, without a traceback."""

    def __init__(self, log: Log) -> None:
        super().__init__(logging.WARNING)
        self.log = log

    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[1] if record.exc_info else None
        detail = str(error).splitlines()[0] if error is not None and str(error) else record.getMessage()
        self.log(f"refused a malformed request ({type(error).__name__ if error else 'aiohttp'}): {detail}")


def _stamp(files: tuple[str, ...]) -> tuple[tuple[float, int] | None, ...]:
    stamps: list[tuple[float, int] | None] = []
    for name in files:
        try:
            info = os.stat(name)
        except OSError:
            stamps.append(None)
        else:
            stamps.append((info.st_mtime, info.st_size))
    return tuple(stamps)


async def _watch(gateway: Gateway, rebuild: Callable[[], ServedApi], log: Log) -> None:
    files = gateway.api.files
    seen = _stamp(files)
    while True:
        await asyncio.sleep(POLL_SECONDS)
        now = _stamp(files)
        if now == seen:
            continue
        seen = now
        try:
            api = await asyncio.to_thread(rebuild)
        except ToolError as exc:
            log(f"reload failed, still serving the last good version: {exc}")
            continue
        except Exception as exc:  # a bug in a rebuild must not stop the reloading
            log(f"reload failed, still serving the last good version: internal error ({exc!r})")
            continue
        gateway.swap(api)
        # The stamps from before the rebuild, so that a change made while it ran is seen next time.
        before = dict(zip(files, now, strict=True))
        files = api.files
        seen = tuple(before[f] if f in before else _stamp((f,))[0] for f in files)
        log(f"reloaded {api.name}")


async def run_server(
    gateway: Gateway, sock: socket.socket, rebuild: Callable[[], ServedApi], log: Log
) -> None:
    """Answer on `sock` until cancelled, reloading on file changes."""
    aiohttp_log = logging.getLogger("aiohttp")
    aiohttp_log.propagate = False
    handler = _OneLine(log)
    aiohttp_log.addHandler(handler)
    server = web.Server(
        gateway.handle,
        max_line_size=MAX_HEADER_BYTES,
        max_field_size=MAX_HEADER_BYTES,
        access_log=None,
    )
    loop = asyncio.get_running_loop()
    listener = await loop.create_server(server, sock=sock)
    watcher = asyncio.create_task(_watch(gateway, rebuild, log))
    try:
        await asyncio.Event().wait()  # until cancelled (Ctrl-C)
    finally:
        watcher.cancel()
        with suppress(asyncio.CancelledError):
            await watcher
        listener.close()
        await server.shutdown(1.0)
        await gateway.close()
        aiohttp_log.removeHandler(handler)


def serve(gateway: Gateway, sock: socket.socket, rebuild: Callable[[], ServedApi], log: Log) -> None:
    """Serve until interrupted (KeyboardInterrupt propagates after a clean shutdown)."""
    # asyncio's own loop: uvloop measured no faster here (the time goes to parsing and the socket).
    asyncio.run(run_server(gateway, sock, rebuild, log))
