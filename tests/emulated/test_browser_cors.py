"""In a real browser: a page from another origin reads a rejection of the deployed stage, or cannot.

The page is served from one loopback origin (127.0.0.1, port A) and calls the stage, served on another
(127.0.0.1, port B), without a token or API key, with `fetch`, and writes what it could read into the DOM;
headless Chromium (`--dump-dom`) returns that DOM. Two rejections are called: an API-keyed method without
its key (403) and a path the API does not have (403). With the gateway responses `gateway_responses: cors`
writes, the page reads each status and body; without them (the same API imported from a selector without
`gateway_responses`) the browser reports a CORS failure although the request reached the stage; with an
explicit origin it works for that origin only.

The stage is LocalStack's, imported by `apigw-cognito`'s importer; `tests.support.gateway_shim` adds the
gateway response's headers to LocalStack's own errors, the one step LocalStack leaves out (see there and
tests/emulated/test_gateway_responses.py). LocalStack has no Cognito authorizer step, so the 401 of a
missing token is checked on real AWS (tests/live). The browser is Debian's chromium: found on PATH, or
installed with apt-get when the test runs as root; otherwise the test skips and says why (and fails under
CI, whose .ci/run installs it).
"""

from __future__ import annotations

import html
import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from apigw_cognito.aws.gateway_responses import read_gateway_responses
from tests.emulated.test_gateway_responses import SELECTOR, run_import, secure
from tests.support.apidocs import unique
from tests.support.browser import chromium, dump_dom
from tests.support.ci import cannot_run
from tests.support.gateway_shim import GatewayShim

PAGE = """<!doctype html>
<html><body><pre id="out">pending</pre>
<script>
const API = "%(api)s";
async function call(path) {
  try {
    const answer = await fetch(API + path);
    return path + " status=" + answer.status + " body=" + (await answer.text());
  } catch (error) {
    return path + " error=" + error.name + ": " + error.message;
  }
}
Promise.all([call("/stats"), call("/no/such/path")]).then(function (lines) {
  document.getElementById("out").textContent = lines.join("\\n");
});
</script></body></html>
"""


@pytest.fixture(scope="module")
def browser() -> str:
    path, reason = chromium()
    if path is None:
        cannot_run(f"no browser: {reason}")  # .ci/run installs it
    return path


@contextmanager
def page_server(folder: Path) -> Iterator[str]:
    """A static file server for `folder` on its own loopback port: the page's origin."""

    class Quiet(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def browse(
    apigw: Any, localstack_url: str, browser: str, selector: Callable[[str], str], tmp_path: Path
) -> tuple[str, Any]:
    """Import the keyed pets API with `selector(page origin)`, serve its stage and a page, and return what
    the page read (one line per call) and the shim (which saw the requests)."""
    with page_server(tmp_path) as origin:
        applied = secure("3.0", selector(origin))
        outcome, _ = run_import(
            localstack_url, applied, "3.0", api_name=unique("browser"), create=True, stage="dev"
        )
        return _browse(apigw, localstack_url, browser, str(outcome.rest_api_id), origin, tmp_path)


def _browse(
    apigw: Any, localstack_url: str, browser: str, api_id: str, origin: str, tmp_path: Path
) -> tuple[str, Any]:
    def configured() -> dict[str, Any]:
        return {
            r.kind: {"responseParameters": dict(r.parameters)}
            for r in read_gateway_responses(apigw, api_id)
            if not r.default
        }

    shim = GatewayShim(f"{localstack_url}/restapis/{api_id}/dev/_user_request_", configured)
    with shim.running():
        (tmp_path / "index.html").write_text(PAGE % {"api": shim.url})
        assert origin != shim.url  # two origins: the ports differ
        dom = dump_dom(browser, f"{origin}/index.html")
    found = re.search(r'<pre id="out">(.*?)</pre>', dom, re.DOTALL)
    assert found is not None, dom
    return html.unescape(found.group(1)), shim


def test_the_page_reads_the_rejections_with_cors_auto(
    apigw: Any, localstack_url: str, browser: str, tmp_path: Path
) -> None:
    read, shim = browse(apigw, localstack_url, browser, lambda _origin: SELECTOR, tmp_path)
    lines = dict(line.split(" ", 1) for line in read.splitlines())
    assert lines["/stats"] == 'status=403 body={"message": "Forbidden"}', read
    assert lines["/no/such/path"] == 'status=403 body={"message": "Missing Authentication Token"}', read
    assert sorted(shim.seen) == [("/no/such/path", 403), ("/stats", 403)]


def test_without_gateway_responses_the_browser_reports_a_cors_failure(
    apigw: Any, localstack_url: str, browser: str, tmp_path: Path
) -> None:
    selector = SELECTOR.replace("gateway_responses:\n  cors: auto\n", "")
    assert "gateway_responses" not in selector
    read, shim = browse(apigw, localstack_url, browser, lambda _origin: selector, tmp_path)
    lines = dict(line.split(" ", 1) for line in read.splitlines())
    assert lines == {
        "/stats": "error=TypeError: Failed to fetch",
        "/no/such/path": "error=TypeError: Failed to fetch",
    }, read
    # The requests arrived and were answered: the browser hid the answers (CORS), the network did not fail.
    assert sorted(shim.seen) == [("/no/such/path", 403), ("/stats", 403)]


@pytest.mark.parametrize("matches", [True, False], ids=["page-origin", "other-origin"])
def test_an_explicit_origin_admits_that_origin_only(
    apigw: Any, localstack_url: str, browser: str, tmp_path: Path, matches: bool
) -> None:
    def selector(origin: str) -> str:
        allowed = origin if matches else "https://app.example.com"
        cors = json.dumps({"allow_origin": allowed, "allow_headers": "Content-Type,Authorization"})
        return SELECTOR.replace("cors: auto", f"cors: {cors}")

    read, _ = browse(apigw, localstack_url, browser, selector, tmp_path)
    assert ("status=403" in read) is matches, read
    assert ("Failed to fetch" in read) is not matches, read
