"""In a real browser: a page from another origin reads `serve`'s rejections, or cannot.

The page is served from one loopback origin (127.0.0.1, port A) and calls SecurePets served by
`apigw-cognito serve` on another (127.0.0.1, port B), without a token, with `fetch`, and writes what it
could read into the DOM; headless Chromium (`--dump-dom`) returns that DOM. Two rejections are called: a
secured method without a token (401 UNAUTHORIZED) and a path the API does not have (403
MISSING_AUTHENTICATION_TOKEN). With `gateway_responses: {cors: auto}` the page reads each status and body;
without it the browser reports a CORS failure although the server answered (its log shows both requests);
with an explicit origin it works for that origin only. The pool is one of moto's, so the selector is
SecurePets' own with its ARN.

The browser is Debian's chromium: found on PATH, or installed with apt-get when the test runs as root;
otherwise the test skips and says why (and fails under CI, whose .ci/run installs it).
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

from tests.support.browser import chromium, dump_dom
from tests.support.ci import cannot_run
from tests.support.cognito import make_pool
from tests.support.paths import ROOT
from tests.support.serving import in_process

SPEC = ROOT / "specs" / "securepets.yaml"
SELECTOR = (ROOT / "specs" / "securepets.selector.yaml").read_text()
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
Promise.all([call("/pets"), call("/no/such/path")]).then(function (lines) {
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


@pytest.fixture(scope="module")
def pool_arn(moto_url: str) -> str:
    return make_pool(moto_url).arn


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


def browse(browser: str, selector: Callable[[str], str], tmp_path: Path) -> tuple[dict[str, str], list[str]]:
    """Serve SecurePets with `selector(page origin)` and a page; what the page read (by path) and the
    server's log lines."""
    with page_server(tmp_path) as origin:
        selector_path = tmp_path / "selector.yaml"
        selector_path.write_text(selector(origin))
        with in_process(SPEC, selector_path) as server:
            (tmp_path / "index.html").write_text(PAGE % {"api": server.url})
            assert origin != server.url  # two origins: the ports differ
            dom = dump_dom(browser, f"{origin}/index.html")
    found = re.search(r'<pre id="out">(.*?)</pre>', dom, re.DOTALL)
    assert found is not None, dom
    read = html.unescape(found.group(1))
    return dict(line.split(" ", 1) for line in read.splitlines()), server.lines


def with_pool(pool_arn: str, text: str) -> str:
    return text.replace(
        "${SECUREPETS_USER_POOL:-arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI}",
        pool_arn,
    )


def test_the_page_reads_the_rejections_with_cors_auto(browser: str, pool_arn: str, tmp_path: Path) -> None:
    lines, log = browse(browser, lambda _origin: with_pool(pool_arn, SELECTOR), tmp_path)
    assert lines["/pets"] == 'status=401 body={"message":"Unauthorized"}', lines
    assert lines["/no/such/path"] == 'status=403 body={"message":"Missing Authentication Token"}', lines
    assert any(line.startswith("GET /pets 401") for line in log), log


def test_without_gateway_responses_the_browser_reports_a_cors_failure(
    browser: str, pool_arn: str, tmp_path: Path
) -> None:
    selector = with_pool(pool_arn, SELECTOR).split("gateway_responses:")[0]
    assert "cors: auto" not in selector
    lines, log = browse(browser, lambda _origin: selector, tmp_path)
    assert lines == {
        "/pets": "error=TypeError: Failed to fetch",
        "/no/such/path": "error=TypeError: Failed to fetch",
    }, lines
    # The requests arrived and were answered: the browser hid the answers (CORS), the network did not fail.
    assert sorted(line.split()[2] for line in log if line.startswith("GET")) == ["401", "403"], log


@pytest.mark.parametrize("matches", [True, False], ids=["page-origin", "other-origin"])
def test_an_explicit_origin_admits_that_origin_only(
    browser: str, pool_arn: str, tmp_path: Path, matches: bool
) -> None:
    def selector(origin: str) -> str:
        allowed = origin if matches else "https://app.example.com"
        cors = json.dumps({"allow_origin": allowed, "allow_headers": "Content-Type,Authorization"})
        return with_pool(pool_arn, SELECTOR).replace("cors: auto", f"cors: {cors}")

    lines, _ = browse(browser, selector, tmp_path)
    assert ("status=401" in lines["/pets"]) is matches, lines
    assert ("Failed to fetch" in lines["/pets"]) is not matches, lines
