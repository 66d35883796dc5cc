#!/usr/bin/env python3
"""Local AWS emulators for tests and the demo: LocalStack (API Gateway) and moto server (Cognito, STS,
API Gateway v2).

Standard library only, so it runs before anything else is installed. Commands:

    emulators.py install            create .emulators/localstack-venv (Python 3.13, pinned); cached by a stamp
    emulators.py start [--run-dir]  start both on 127.0.0.1 at free ports, wait until they answer, and make
                                    the SecurePets and SecureNotes user pools in moto (resource server,
                                    app client)
    emulators.py env   [--run-dir]  print shell `export` lines pointing the AWS SDKs at them
    emulators.py token [--run-dir]  print an access token of a user of the SecurePets pool (for `explain`)
    emulators.py stop  [--run-dir]  stop what `start` started, by process group id

LocalStack community runs without Docker in its own virtual environment because it no longer loads on
Python 3.11; moto server comes from the project's .venv (moto[server] is a dev dependency). State (PIDs,
ports) lives in `<run-dir>/state.json`, logs in `<run-dir>/*.log`; the default run dir is `.emulators/`.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = Path(os.environ.get("APIGW_COGNITO_EMULATORS_DIR", str(ROOT / ".emulators")))
LOCALSTACK_VENV = STATE_DIR / "localstack-venv"
STAMP = LOCALSTACK_VENV / ".apigw-cognito-installed"
# The versions measured to work without Docker; cbor2 6 and pyOpenSSL 25 break this LocalStack release.
LOCALSTACK_REQUIREMENTS = ("localstack-core[runtime]==2026.3.0", "cbor2<6", "pyopenssl<25")
PYTHON_VERSION = (3, 13)
ACCOUNTS = {"localstack": "000000000000", "moto": "123456789012"}
# Bounded waits (seconds): LocalStack is ready in about 3 s here, moto in about 1 s.
READY_TIMEOUT = {"localstack": 90.0, "moto": 30.0}
STOP_TIMEOUT = 10.0
INSTALL_TIMEOUT = 1200.0


class EmulatorError(Exception):
    """A failure with a message meant for the user (installation, start-up, stop)."""


def log(message: str) -> None:
    print(f"emulators: {message}", file=sys.stderr, flush=True)


# --- installation -----------------------------------------------------------------------------------------


def _python_ok(candidate: str) -> bool:
    """True when `candidate` is a Python 3.13 that can create virtual environments with pip."""
    probe = "import sys, venv, ensurepip; print('%d.%d' % sys.version_info[:2])"
    try:
        out = subprocess.run(
            [candidate, "-c", probe], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and out.stdout.strip() == "{}.{}".format(*PYTHON_VERSION)


def _pyenv_candidates() -> Iterator[str]:
    # pyenv's versions directory first: it works even where pyenv's shims are not on PATH (cron, CI).
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    for found in sorted((root / "versions").glob("3.13*"), reverse=True):
        yield str(found / "bin" / "python3.13")
    pyenv = shutil.which("pyenv")
    if pyenv is None:
        return
    for version in ("3.13", "3.13.0"):
        out = subprocess.run(
            [pyenv, "prefix", version], capture_output=True, text=True, timeout=30, check=False
        )
        if out.returncode == 0:
            for prefix in out.stdout.split(":"):
                yield str(Path(prefix.strip()) / "bin" / "python3.13")


def find_python313() -> str:
    """The first working Python 3.13: $APIGW_COGNITO_PYTHON313, then pyenv's, then `python3.13` on PATH."""
    candidates: list[str] = []
    if os.environ.get("APIGW_COGNITO_PYTHON313"):
        candidates.append(os.environ["APIGW_COGNITO_PYTHON313"])
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        candidates.extend(_pyenv_candidates())
    for name in ("python3.13",):
        found = shutil.which(name)
        if found:
            candidates.append(found)
    for candidate in dict.fromkeys(candidates):
        if _python_ok(candidate):
            return candidate
    raise EmulatorError(
        "no Python 3.13 found for LocalStack (tried "
        + (", ".join(dict.fromkeys(candidates)) or "pyenv and PATH")
        + "); install one (`pyenv install 3.13.0`) or set APIGW_COGNITO_PYTHON313"
    )


def _stamp_content(python: str) -> dict[str, Any]:
    return {"requirements": list(LOCALSTACK_REQUIREMENTS), "python": "{}.{}".format(*PYTHON_VERSION)}


def installed() -> bool:
    """True when the LocalStack venv matches the pinned requirements (the stamp says so)."""
    try:
        stamp = json.loads(STAMP.read_text())
    except (OSError, ValueError):
        return False
    return bool(stamp == _stamp_content("")) and (LOCALSTACK_VENV / "bin" / "python").exists()


@contextlib.contextmanager
def _install_lock() -> Iterator[None]:
    """Serialises installs between concurrent callers (two test runs, a test run and `make demo`)."""
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    with open(STATE_DIR / "install.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def install(force: bool = False) -> Path:
    """Create the LocalStack venv unless the stamp says it is there already; returns its python."""
    python_bin = LOCALSTACK_VENV / "bin" / "python"
    with _install_lock():
        if installed() and not force:
            return python_bin
        python = find_python313()
        log(f"installing LocalStack into {LOCALSTACK_VENV} with {python} (a few minutes the first time)")
        shutil.rmtree(LOCALSTACK_VENV, ignore_errors=True)
        steps: list[Sequence[str]] = [
            [python, "-m", "venv", str(LOCALSTACK_VENV)],
            [str(python_bin), "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
            [str(python_bin), "-m", "pip", "install", "--quiet", *LOCALSTACK_REQUIREMENTS],
            [str(python_bin), "-c", "import localstack.runtime.main"],
        ]
        install_log = STATE_DIR / "install.log"
        with open(install_log, "w") as out:
            for step in steps:
                try:
                    done = subprocess.run(
                        step, stdout=out, stderr=subprocess.STDOUT, timeout=INSTALL_TIMEOUT, check=False
                    )
                except subprocess.TimeoutExpired as exc:
                    raise EmulatorError(f"installing LocalStack timed out: {' '.join(step)}") from exc
                if done.returncode != 0:
                    raise EmulatorError(
                        f"installing LocalStack failed at `{' '.join(step)}`; see {install_log}:\n"
                        + _tail(install_log)
                    )
        tmp = STAMP.with_suffix(".tmp")
        tmp.write_text(json.dumps(_stamp_content(python)))
        tmp.replace(STAMP)
        log("LocalStack installed")
        return python_bin


def moto_server_command() -> list[str]:
    """moto server from the project's .venv, falling back to the running interpreter's."""
    for candidate in (ROOT / ".venv" / "bin" / "moto_server", Path(sys.executable).parent / "moto_server"):
        if candidate.exists():
            return [str(candidate)]
    raise EmulatorError(
        "moto_server not found in .venv: run `make install` first (moto[server] is a dev extra)"
    )


# --- processes ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _http_get(url: str, timeout: float = 2.0) -> tuple[int, bytes] | None:
    """Status and body of a GET, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (OSError, ValueError):
        return None


def _localstack_ready(url: str) -> bool:
    answer = _http_get(f"{url}/_localstack/health")
    if answer is None or answer[0] != 200:
        return False
    try:
        services = json.loads(answer[1]).get("services", {})
    except ValueError:
        return False
    return services.get("apigateway") in ("available", "running")


def _moto_ready(url: str) -> bool:
    return _http_get(f"{url}/moto-api/") is not None


def _localstack_command(run_dir: Path, port: int) -> tuple[list[str], dict[str, str]]:
    data = run_dir / "localstack-data"
    data.mkdir(parents=True, exist_ok=True)
    env = {
        "GATEWAY_SERVER": "hypercorn",
        "GATEWAY_LISTEN": f"127.0.0.1:{port}",
        "SERVICES": "apigateway,sts",
        "EAGER_SERVICE_LOADING": "1",
        # Other services load on first use: CloudFormation and what its SAM and AWS::Include transforms
        # call (S3, IAM, SSM, KMS) for the stack tests. Loading them all at start takes 10 to 16 s here.
        "STRICT_SERVICE_LOADING": "0",
        "DNS_ADDRESS": "0",
        "SKIP_SSL_CERT_DOWNLOAD": "1",
        "SKIP_INFRA_DOWNLOADS": "1",
        "DISABLE_EVENTS": "1",
        "LOCALSTACK_VOLUME_DIR": str(data / "volume"),
        "FILESYSTEM_ROOT": str(data / "fs"),
    }
    python = LOCALSTACK_VENV / "bin" / "python"
    return [str(python), "-m", "localstack.runtime.main"], env


def _child_env(extra: dict[str, str]) -> dict[str, str]:
    # The emulators must not pick up the caller's AWS settings (profiles, endpoints, credentials).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "LOCALSTACK_", "MOTO_"))}
    env.update(extra)
    return env


def _spawn(name: str, command: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    with open(log_path, "ab") as out:
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=_child_env(env),
            cwd=log_path.parent,
            start_new_session=True,  # its own process group, so stop() reaches its children too
        )


def _wait_ready(name: str, proc: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    check = _localstack_ready if name == "localstack" else _moto_ready
    deadline = time.monotonic() + READY_TIMEOUT[name]
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise EmulatorError(
                f"{name} exited with status {proc.returncode} while starting; {log_path}:\n" + _tail(log_path)
            )
        if check(url):
            return
        time.sleep(0.2)
    raise EmulatorError(
        f"{name} did not answer within {READY_TIMEOUT[name]:.0f} s; {log_path}:\n" + _tail(log_path)
    )


def state_path(run_dir: Path) -> Path:
    return run_dir / "state.json"


def read_state(run_dir: Path) -> dict[str, Any]:
    try:
        state: dict[str, Any] = json.loads(state_path(run_dir).read_text())
    except (OSError, ValueError):
        return {}
    return state


def _write_state(run_dir: Path, state: dict[str, Any]) -> None:
    tmp = state_path(run_dir).with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=2))
    tmp.replace(state_path(run_dir))


def _alive(entry: dict[str, Any]) -> bool:
    """True when the recorded PID still runs the recorded command (PIDs are reused)."""
    try:
        cmdline = Path(f"/proc/{entry['pid']}/cmdline").read_bytes().split(b"\0")
    except (OSError, KeyError):
        return False
    return entry.get("marker", "").encode() in b" ".join(cmdline)


def start(run_dir: Path = STATE_DIR, services: Sequence[str] = ("localstack", "moto")) -> dict[str, Any]:
    """Start the emulators not already running for `run_dir`; returns the state (urls, pids, logs)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    state = read_state(run_dir)
    for name in services:
        entry = state.get(name)
        if entry and _alive(entry):
            log(f"{name} already running at {entry['url']} (pid {entry['pid']})")
            continue
        if name == "localstack" and not installed():
            install()
        port = free_port()
        if name == "localstack":
            command, env = _localstack_command(run_dir, port)
        else:
            command, env = [*moto_server_command(), "-H", "127.0.0.1", "-p", str(port)], {}
        log_path = run_dir / f"{name}.log"
        url = f"http://127.0.0.1:{port}"
        proc = _spawn(name, command, env, log_path)
        state[name] = {
            "pid": proc.pid,
            "url": url,
            "port": port,
            "log": str(log_path),
            "account": ACCOUNTS[name],
            "marker": command[-1] if name == "localstack" else f"-p {port}",
        }
        _write_state(run_dir, state)
        try:
            _wait_ready(name, proc, url, log_path)
        except EmulatorError:
            stop(run_dir, [name])
            raise
        log(f"{name} ready at {url} (pid {proc.pid}, log {log_path})")
    return state


def _kill_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def _group_alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie leader whose parent is gone counts as stopped.
    try:
        status = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return True
    return status != "Z"


def stop(run_dir: Path = STATE_DIR, services: Sequence[str] = ("localstack", "moto")) -> None:
    """Stop the recorded emulators: SIGTERM to each process group, SIGKILL after a bounded wait."""
    state = read_state(run_dir)
    for name in services:
        entry = state.pop(name, None)
        if not entry:
            continue
        pid = int(entry["pid"])
        if _alive(entry):
            _kill_group(pid, signal.SIGTERM)
            deadline = time.monotonic() + STOP_TIMEOUT
            while time.monotonic() < deadline and _group_alive(pid):
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, os.WNOHANG)
                time.sleep(0.1)
            if _group_alive(pid):
                _kill_group(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
            log(f"{name} stopped (pid {pid})")
        if name == "localstack":
            shutil.rmtree(run_dir / "localstack-data", ignore_errors=True)
    if state:
        _write_state(run_dir, state)
    else:
        state_path(run_dir).unlink(missing_ok=True)


def prune_runs(keep: int = 3) -> None:
    """Remove the run directories of stopped runs (no state file left), keeping the newest `keep` for logs."""
    runs = STATE_DIR / "runs"
    if not runs.is_dir():
        return
    stopped = [d for d in runs.iterdir() if d.is_dir() and not state_path(d).exists()]
    stopped.sort(key=lambda d: d.stat().st_mtime, reverse=True)
    for old in stopped[keep:]:
        shutil.rmtree(old, ignore_errors=True)


# --- the examples' Cognito side (SecurePets, SecureNotes), for the walkthroughs in the docs ----------------

SECUREPETS = {
    "pool": "SecurePetsUsers",
    "resource_server": "https://pets.example.com",
    "resource_server_name": "SecurePets",
    "scope": "purchase",
    "scope_description": "buy a pet",
    "client": "SecurePetsWeb",
    "callback": "https://pets.example.com/callback",
}
# specs/securenotes-http.selector.yaml's scope notes/write: resource server `notes`, scope `write`.
SECURENOTES = {
    "pool": "SecureNotesUsers",
    "resource_server": "notes",
    "resource_server_name": "SecureNotes",
    "scope": "write",
    "scope_description": "write notes",
    "client": "SecureNotesWeb",
    "callback": "https://notes.example.com/callback",
}


def _cognito(url: str, action: str, body: dict[str, Any]) -> dict[str, Any]:
    """One cognito-idp call to moto server (the JSON protocol; moto checks no signature)."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": f"AWSCognitoIdentityProviderService.{action}",
            "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/cognito-idp/aws4_request,"
            " SignedHeaders=host, Signature=0",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            answer: dict[str, Any] = json.loads(response.read() or b"{}")
            return answer
    except (OSError, ValueError) as exc:
        raise EmulatorError(f"moto: cognito-idp {action} failed: {exc}") from None


def example_pool(url: str, example: dict[str, str]) -> dict[str, str]:
    """The user pool an example selector's scope lives in (SECUREPETS or SECURENOTES), made in moto once
    (found again after): the pool, the resource server defining the scope, and an app client allowed to
    request it. What `import` and `verify` check before they send anything."""
    pools: list[dict[str, Any]] = []
    page: dict[str, Any] = {"MaxResults": 60}
    while True:  # every page: a moto that has served tests may hold many pools
        answer = _cognito(url, "ListUserPools", page)
        pools += answer.get("UserPools", [])
        if not answer.get("NextToken"):
            break
        page["NextToken"] = answer["NextToken"]
    found = [p["Id"] for p in pools if p.get("Name") == example["pool"]]
    pool_id = (
        found[0]
        if found
        else _cognito(url, "CreateUserPool", {"PoolName": example["pool"]})["UserPool"]["Id"]
    )
    arn = _cognito(url, "DescribeUserPool", {"UserPoolId": pool_id})["UserPool"]["Arn"]
    servers = _cognito(url, "ListResourceServers", {"UserPoolId": pool_id, "MaxResults": 50})
    if not any(s.get("Identifier") == example["resource_server"] for s in servers["ResourceServers"]):
        _cognito(
            url,
            "CreateResourceServer",
            {
                "UserPoolId": pool_id,
                "Identifier": example["resource_server"],
                "Name": example["resource_server_name"],
                "Scopes": [{"ScopeName": example["scope"], "ScopeDescription": example["scope_description"]}],
            },
        )
    clients = _cognito(url, "ListUserPoolClients", {"UserPoolId": pool_id, "MaxResults": 60})
    client_ids = [
        c["ClientId"] for c in clients["UserPoolClients"] if c.get("ClientName") == example["client"]
    ]
    if not client_ids:
        client_ids = [
            _cognito(
                url,
                "CreateUserPoolClient",
                {
                    "UserPoolId": pool_id,
                    "ClientName": example["client"],
                    "AllowedOAuthFlows": ["code"],
                    "AllowedOAuthFlowsUserPoolClient": True,
                    "ExplicitAuthFlows": ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                    "AllowedOAuthScopes": ["openid", f"{example['resource_server']}/{example['scope']}"],
                    "CallbackURLs": [example["callback"]],
                },
            )["UserPoolClient"]["ClientId"]
        ]
    return {"pool_id": pool_id, "pool_arn": arn, "client_id": client_ids[0]}


SECUREPETS_USER = ("pet-owner", "Pets-are-great-1")  # a user of the example pool, made by `token`


def securepets_token(url: str, pool: dict[str, str], kind: str = "AccessToken") -> str:
    """An access token (or, `kind="IdToken"`, the ID token) of the example pool's user (made on first
    use), signed in with moto's AdminInitiateAuth: what `explain --token-file` judges. moto's tokens carry
    only the scope aws.cognito.signin.user.admin."""
    name, password = SECUREPETS_USER
    users = _cognito(url, "ListUsers", {"UserPoolId": pool["pool_id"]}).get("Users", [])
    if not any(u.get("Username") == name for u in users):
        _cognito(
            url,
            "AdminCreateUser",
            {"UserPoolId": pool["pool_id"], "Username": name, "MessageAction": "SUPPRESS"},
        )
        _cognito(
            url,
            "AdminSetUserPassword",
            {"UserPoolId": pool["pool_id"], "Username": name, "Password": password, "Permanent": True},
        )
    answer = _cognito(
        url,
        "AdminInitiateAuth",
        {
            "UserPoolId": pool["pool_id"],
            "ClientId": pool["client_id"],
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": name, "PASSWORD": password},
        },
    )
    return str(answer["AuthenticationResult"][kind])


def add_example_pools(run_dir: Path) -> dict[str, Any]:
    """Make (or find) the SecurePets and SecureNotes pools in the running moto; record them in the state."""
    state = read_state(run_dir)
    if "moto" in state:
        for key, example in (("securepets", SECUREPETS), ("securenotes", SECURENOTES)):
            state[key] = example_pool(state["moto"]["url"], example)
            log(
                f"user pool {example['pool']} {state[key]['pool_id']} with resource server"
                f" {example['resource_server']} (scope {example['scope']}) and app client"
                f" {example['client']} {state[key]['client_id']}"
            )
        _write_state(run_dir, state)
    return state


def env_vars(state: dict[str, Any]) -> dict[str, str]:
    """Variables that point the AWS SDKs and this project's tests at the running emulators."""
    out = {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    if "localstack" in state:
        out["APIGW_COGNITO_LOCALSTACK_URL"] = state["localstack"]["url"]
        out["AWS_ENDPOINT_URL_API_GATEWAY"] = state["localstack"]["url"]
    if "moto" in state:
        out["APIGW_COGNITO_MOTO_URL"] = state["moto"]["url"]
        out["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"] = state["moto"]["url"]
        out["AWS_ENDPOINT_URL_STS"] = state["moto"]["url"]
        # LocalStack community has no API Gateway v2 (HTTP APIs); moto's server has the part `import` uses.
        out["AWS_ENDPOINT_URL_APIGATEWAYV2"] = state["moto"]["url"]
        if "securepets" in state:
            # What the SecurePets selector's ${SECUREPETS_USER_POOL} reads, and the app client's id.
            out["SECUREPETS_USER_POOL"] = state["securepets"]["pool_arn"]
            out["SECUREPETS_APP_CLIENT_ID"] = state["securepets"]["client_id"]
        if "securenotes" in state:
            # What the SecureNotes selector's ${SECURENOTES_USER_POOL} (a pool id for a jwt authorizer) and
            # ${SECURENOTES_APP_CLIENT} (its audience) read.
            out["SECURENOTES_USER_POOL"] = state["securenotes"]["pool_id"]
            out["SECURENOTES_APP_CLIENT"] = state["securenotes"]["client_id"]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["install", "start", "stop", "env", "status", "token"])
    parser.add_argument("--run-dir", type=Path, default=STATE_DIR, help="where state and logs go")
    parser.add_argument(
        "--only", choices=["localstack", "moto"], action="append", help="limit to one emulator"
    )
    parser.add_argument(
        "--force", action="store_true", help="install: reinstall even when the stamp is current"
    )
    args = parser.parse_args(argv)
    services = args.only or ["localstack", "moto"]
    try:
        if args.command == "install":
            install(force=args.force)
            moto_server_command()
        elif args.command == "start":
            start(args.run_dir, services)
            state = add_example_pools(args.run_dir)
            for key, value in env_vars(state).items():
                print(f"export {key}={value}")
        elif args.command == "stop":
            stop(args.run_dir, services)
        elif args.command == "token":
            state = read_state(args.run_dir)
            if "securepets" not in state:
                raise EmulatorError(
                    "no SecurePets pool here: run `make -s emulators-up` (emulators.py start) first"
                )
            print(securepets_token(state["moto"]["url"], state["securepets"]))
        elif args.command == "env":
            for key, value in env_vars(read_state(args.run_dir)).items():
                print(f"export {key}={value}")
        else:
            state = read_state(args.run_dir)
            for name in services:
                entry = state.get(name)
                alive = bool(entry) and _alive(entry)
                print(
                    f"{name}: "
                    + (f"running at {entry['url']} (pid {entry['pid']})" if entry and alive else "stopped")
                )
    except EmulatorError as exc:
        log(str(exc))
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
