#!/usr/bin/env python3
"""`make demo`: the main job end to end on the bundled SecurePets example, against local emulators.

1. installs LocalStack if needed and starts it (API Gateway) and moto server (Cognito, STS) on 127.0.0.1;
2. creates the user pool "SecurePetsUsers" in moto, with the resource server that defines the selector's
   scope and an app client allowed to request it;
3. runs `apigw-cognito import` with the pool given by name (resolved in moto), creating the REST API in
   LocalStack, deploying stage "dev" and verifying what API Gateway attached;
4. runs `apigw-cognito verify` again as a drift check would, printing the table of methods;
5. starts `apigw-cognito serve` on SecurePets (its backend a small one on this machine) and makes three calls
   with moto's tokens: no token (401, with the CORS header a browser needs), an ID token on GET /pets (200),
   and an access token there (401), with the reason from serve's log;
6. stops everything it started, also on Ctrl-C or a failure.

Run it with the project's virtual environment: `.venv/bin/python scripts/demo.py`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any

import boto3
import emulators

ROOT = Path(__file__).resolve().parent.parent
SPEC = "specs/securepets.yaml"
SELECTOR = "specs/securepets.selector.yaml"
POOL_NAME = "SecurePetsUsers"
API_NAME = "SecurePets"
REGION = "us-east-1"
RUN_DIR = emulators.STATE_DIR / "runs" / "demo"
PASSWORD = "Passw0rd!Passw0rd"


def say(message: str) -> None:
    print(f"\n==> {message}", flush=True)


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def cli() -> list[str]:
    """The project's own command, from the virtual environment that runs this script."""
    return [sys.executable, "-m", "apigw_cognito"]


def run(args: list[str], env: dict[str, str]) -> int:
    print("$ apigw-cognito " + " ".join(args), flush=True)
    return subprocess.run([*cli(), *args], cwd=ROOT, env=env, check=False).returncode


def tokens(cognito: Any, pool_id: str) -> dict[str, str]:
    """A signed-in user's ID and access tokens, as moto issues them."""
    client = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="SecurePetsDemo", ExplicitAuthFlows=["ADMIN_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]
    cognito.admin_create_user(UserPoolId=pool_id, Username="alice", TemporaryPassword=PASSWORD)
    cognito.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password=PASSWORD, Permanent=True)
    answer = cognito.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client["ClientId"],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    return {"id": answer["IdToken"], "access": answer["AccessToken"]}


class _Backend(BaseHTTPRequestHandler):
    """The pet store behind GET /pets, on this machine (`serve --upstream`)."""

    def do_GET(self) -> None:
        body = json.dumps([{"id": 1, "type": "dog", "price": 249.99}])
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, format: str, *args: Any) -> None:
        pass


def show(url: str, token: str | None, label: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": token} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            status, headers, body = answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, error.headers, error.read()
    print(f"$ curl {url}{label}")
    origin = headers.get("Access-Control-Allow-Origin")
    cors = f"Access-Control-Allow-Origin: {origin}  " if origin is not None else ""
    print(f"  {status}  {cors}{body.decode()}")
    return status


def _calls(
    args: list[str], env: dict[str, str], log: Any, port: int, issued: dict[str, str]
) -> tuple[int, ...]:
    """Start serve, make the three calls, print its log lines, stop it; the statuses."""
    server = subprocess.Popen([*cli(), *args], cwd=ROOT, env=env, stderr=log, text=True)
    try:
        url = f"http://127.0.0.1:{port}/pets"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            log.seek(0)
            if "serving " in log.read():
                break
            time.sleep(0.2)
        statuses = (
            show(url, None, "                                  (no token)"),
            show(url, issued["id"], ' -H "Authorization: $ID_TOKEN"'),
            show(url, issued["access"], ' -H "Authorization: $ACCESS_TOKEN"'),
        )
        time.sleep(0.2)
        log.seek(0)
        print("serve's log (the reason in explain's words; the token never appears):")
        for line in log:
            if line.startswith("GET /pets"):
                print(f"  {line.rstrip()}")
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(10)
    return statuses


def serve_and_call(cognito: Any, pool_id: str, env: dict[str, str]) -> int:
    """`serve` on SecurePets and three calls; 0 when each answers as API Gateway would."""
    say("serving SecurePets on 127.0.0.1 as API Gateway would answer it, tokens from moto")
    issued = tokens(cognito, pool_id)
    backend = ThreadingHTTPServer(("127.0.0.1", 0), _Backend)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    port = emulators.free_port()
    args = ["serve", SPEC, "--selector", SELECTOR, "--port", str(port)]
    args += ["--upstream", f"http://127.0.0.1:{backend.server_address[1]}"]
    print("$ apigw-cognito " + " ".join(args) + " &", flush=True)
    with tempfile.TemporaryFile(mode="w+") as log:
        statuses = _calls(args, env, log, port, issued)
        backend.shutdown()
    if statuses != (401, 200, 401):
        print(f"demo: serve answered {statuses}, not (401, 200, 401)", file=sys.stderr)
        return 1
    return 0


def main() -> int:
    signal.signal(signal.SIGTERM, _terminate)
    started = time.monotonic()
    say("installing LocalStack (cached after the first run)")
    emulators.install()
    shutil.rmtree(RUN_DIR, ignore_errors=True)
    try:
        say("starting LocalStack (API Gateway) and moto server (Cognito, STS) on 127.0.0.1")
        state = emulators.start(RUN_DIR)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(emulators.env_vars(state))
        env["AWS_REGION"] = REGION
        env["AWS_CONFIG_FILE"] = os.devnull
        env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
        env["SECUREPETS_USER_POOL"] = f"name:{POOL_NAME}"

        say(f"creating the Cognito user pool {POOL_NAME!r} in moto")
        cognito = boto3.client(
            "cognito-idp",
            region_name=REGION,
            endpoint_url=state["moto"]["url"],
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        pool = cognito.create_user_pool(PoolName=POOL_NAME)["UserPool"]
        print(f"pool {pool['Id']}  {pool['Arn']}")
        # The selector's scope must exist in the pool and be requestable, or import refuses (AGC103).
        cognito.create_resource_server(
            UserPoolId=pool["Id"],
            Identifier="https://pets.example.com",
            Name="SecurePets",
            Scopes=[{"ScopeName": "purchase", "ScopeDescription": "buy a pet"}],
        )
        client = cognito.create_user_pool_client(
            UserPoolId=pool["Id"],
            ClientName="SecurePetsWeb",
            AllowedOAuthFlows=["code"],
            AllowedOAuthFlowsUserPoolClient=True,
            AllowedOAuthScopes=["openid", "https://pets.example.com/purchase"],
            CallbackURLs=["https://pets.example.com/callback"],
        )["UserPoolClient"]
        print(f"resource server https://pets.example.com (scope purchase), app client {client['ClientId']}")

        say(f"importing {SPEC} into LocalStack as {API_NAME!r}, pool resolved by name, stage 'dev'")
        code = run(
            ["import", SPEC, "--selector", SELECTOR, "--api-name", API_NAME, "--create", "--stage", "dev"],
            env,
        )
        if code != 0:
            print(f"demo: import failed (exit {code})", file=sys.stderr)
            return code

        say("verifying the live API against the files (what a scheduled drift check runs)")
        code = run(["verify", SPEC, "--selector", SELECTOR, "--api-name", API_NAME], env)
        if code != 0:
            print(f"demo: verify found a mismatch (exit {code})", file=sys.stderr)
            return code

        code = serve_and_call(cognito, pool["Id"], env)
        if code != 0:
            return code
    except emulators.EmulatorError as exc:
        print(f"demo: {exc}", file=sys.stderr)
        return 1
    finally:
        say("stopping the emulators")
        emulators.stop(RUN_DIR)
    say(f"done in {time.monotonic() - started:.0f} s: SecurePets is secured, deployed, verified and served")
    return 0


if __name__ == "__main__":
    sys.exit(main())
