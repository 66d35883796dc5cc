#!/usr/bin/env python3
"""`make demo`: the main job end to end on the bundled SecurePets example, against local emulators.

1. installs LocalStack if needed and starts it (API Gateway) and moto server (Cognito, STS) on 127.0.0.1;
2. creates the user pool "SecurePetsUsers" in moto, with the resource server that defines the selector's
   scope and an app client allowed to request it;
3. runs `apigw-cognito import` with the pool given by name (resolved in moto), creating the REST API in
   LocalStack, deploying stage "dev" and verifying what API Gateway attached;
4. runs `apigw-cognito verify` again as a drift check would, printing the table of methods;
5. stops everything it started, also on Ctrl-C or a failure.

Run it with the project's virtual environment: `.venv/bin/python scripts/demo.py`.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

import boto3
import emulators

ROOT = Path(__file__).resolve().parent.parent
SPEC = "specs/securepets.yaml"
SELECTOR = "specs/securepets.selector.yaml"
POOL_NAME = "SecurePetsUsers"
API_NAME = "SecurePets"
REGION = "us-east-1"
RUN_DIR = emulators.STATE_DIR / "runs" / "demo"


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
    except emulators.EmulatorError as exc:
        print(f"demo: {exc}", file=sys.stderr)
        return 1
    finally:
        say("stopping the emulators")
        emulators.stop(RUN_DIR)
    say(f"done in {time.monotonic() - started:.0f} s: SecurePets is secured, deployed and verified")
    return 0


if __name__ == "__main__":
    sys.exit(main())
