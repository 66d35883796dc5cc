"""`serve` under load beside the two tools people run a secured API with locally (issue 18), in one run.

The same document (SecurePets with every integration a mock, as a LocalStack stage can serve it) is served
by three servers on 127.0.0.1, each loaded in turn by autocannon (pinned, from npm) at the same concurrency:

  localstack  LocalStack's execute-api, the document imported and deployed to a stage; it enforces no
              authorizer, so the token is only carried along
  prism       Prism (@stoplight/prism-cli, pinned) mocking the document; it only checks that the
              Authorization header is present
  serve       `apigw-cognito serve`, the token verified (RS256 against moto's keys) and its decision cached
              for the authorizer's TTL, as API Gateway caches it

GET /pets with a valid ID token from moto's Cognito for each; for `serve` also the public GET /pets/1 (the
cost of the token check), the two alternated over three rounds (medians), and 100,000 requests in a row
with its memory read before and after. The table
says, for each target of issue 18, whether it is met and by how much:
requests/s >= Prism's and >= 5x LocalStack's, p99 <= Prism's, a valid-token request <= 1.2x a public
one (public req/s over token req/s), memory growth < 10 MB over 100,000 requests.

Usage: python -m benchmarks.serving [--duration S] [--connections N] [--requests N] [--skip-localstack]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TOOLS = HERE / ".cache" / "serving"
# npm package -> the version issue 18 measured (autocannon 8 runs on the machine's Node 20).
PINS: dict[str, str] = {"autocannon": "8.0.0", "@stoplight/prism-cli": "5.16.0"}
REGION = "us-east-1"
PASSWORD = "Passw0rd!Passw0rd"
ROUNDS = 3  # alternated rounds of the token and the public request on `serve`
MOCK_BODY = '[{"id": 1, "type": "dog", "price": 249.99}]'


def _emulators() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "apigw_cognito_emulators", ROOT / "scripts" / "emulators.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------------------------------------------------
# Tools


def install_tools(prefix: Path = TOOLS) -> dict[str, Path] | str:
    """autocannon and Prism at their pinned versions in `prefix` (installed once); a reason when not."""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        return "no node or npm on PATH"
    bins = {"autocannon": prefix / "node_modules" / ".bin" / "autocannon"}
    bins["prism"] = prefix / "node_modules" / ".bin" / "prism"

    def installed(package: str) -> str | None:
        try:
            return str(
                json.loads((prefix / "node_modules" / package / "package.json").read_text())["version"]
            )
        except (OSError, ValueError, KeyError):
            return None

    missing = [f"{p}@{v}" for p, v in PINS.items() if installed(p) != v]
    if missing:
        prefix.mkdir(parents=True, exist_ok=True)
        print(f"installing {' '.join(missing)} into {prefix}", flush=True)
        argv = [npm, "install", "--prefix", str(prefix), "--save-exact", "--no-audit", "--no-fund"]
        done = subprocess.run(
            [*argv, "--no-update-notifier", "--loglevel=error", *missing],
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
        if done.returncode != 0:
            return f"npm install failed: {(done.stderr or done.stdout).strip().splitlines()[-1:]}"
    return bins


# ---------------------------------------------------------------------------------------------------------
# The document, the pool and the token


def bench_document(folder: Path, pool_arn: str) -> tuple[Path, Path]:
    """SecurePets with every integration a mock answering `MOCK_BODY`, and its selector with `pool_arn`."""
    data = yaml.safe_load((ROOT / "specs" / "securepets.yaml").read_text())
    for item in data["paths"].values():
        for key, operation in item.items():
            if key == "options":
                continue
            operation["x-amazon-apigateway-integration"] = {
                "type": "mock",
                "requestTemplates": {"application/json": '{"statusCode": 200}'},
                "responses": {
                    "default": {"statusCode": "200", "responseTemplates": {"application/json": MOCK_BODY}}
                },
            }
    spec = folder / "securepets-mock.yaml"
    spec.write_text(yaml.safe_dump(data, sort_keys=False))
    selector = folder / "selector.yaml"
    text = (ROOT / "specs" / "securepets.selector.yaml").read_text()
    start = text.index("${SECUREPETS_USER_POOL")
    selector.write_text(text[:start] + pool_arn + text[text.index("}", start) + 1 :])
    return spec, selector


def _client(service: str, url: str) -> Any:
    """A boto3 client of `service` on the emulator at `url`, with the emulators' dummy credentials."""
    return boto3.client(
        service, region_name=REGION, endpoint_url=url, aws_access_key_id="test", aws_secret_access_key="test"
    )


def pool_and_token(moto_url: str) -> tuple[str, str]:
    """A moto user pool's ARN and an ID token of a new user."""
    client = _client("cognito-idp", moto_url)
    pool = client.create_user_pool(PoolName="BenchPool")["UserPool"]
    app = client.create_user_pool_client(
        UserPoolId=pool["Id"], ClientName="bench", ExplicitAuthFlows=["ADMIN_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]
    client.admin_create_user(UserPoolId=pool["Id"], Username="bench", TemporaryPassword=PASSWORD)
    client.admin_set_user_password(UserPoolId=pool["Id"], Username="bench", Password=PASSWORD, Permanent=True)
    answer = client.admin_initiate_auth(
        UserPoolId=pool["Id"],
        ClientId=app["ClientId"],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bench", "PASSWORD": PASSWORD},
    )
    return str(pool["Arn"]), str(answer["AuthenticationResult"]["IdToken"])


# ---------------------------------------------------------------------------------------------------------
# Servers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_answering(url: str, process: subprocess.Popen[bytes] | None, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: the server ended (exit {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url}: no answer within {timeout:.0f} s")


@contextmanager
def process(
    argv: Sequence[str], log: Path, env: Mapping[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        proc = subprocess.Popen(
            list(argv),
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
        try:
            yield proc
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGINT)
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


def deploy_localstack(localstack_url: str, spec: Path, selector: Path, work: Path) -> str:
    """Import the secured document into LocalStack, deploy stage `bench`; the stage's URL for /pets."""
    secured = work / "secured.json"
    subprocess.run(
        [sys.executable, "-m", "apigw_cognito", "apply", str(spec), "-s", str(selector), "-o", str(secured)],
        check=True,
        capture_output=True,
    )
    client = _client("apigateway", localstack_url)
    body = json.dumps(yaml.safe_load(secured.read_text())).encode()
    api = client.import_rest_api(body=body, failOnWarnings=False)
    client.create_deployment(restApiId=api["id"], stageName="bench")
    return f"{localstack_url}/restapis/{api['id']}/bench/_user_request_"


# ---------------------------------------------------------------------------------------------------------
# Load


@dataclass(frozen=True)
class Load:
    rps: float
    p50: float
    p97_5: float
    p99: float
    non2xx: int
    errors: int
    total: int


def autocannon(
    bin_path: Path,
    url: str,
    headers: Mapping[str, str],
    connections: int,
    duration: float | None = None,
    amount: int | None = None,
) -> Load:
    argv = [str(bin_path), "-j", "-c", str(connections)]
    argv += ["-a", str(amount)] if amount else ["-d", str(duration)]
    for name, value in headers.items():
        argv += ["-H", f"{name}={value}"]
    done = subprocess.run([*argv, url], capture_output=True, text=True, check=True)
    data = json.loads(done.stdout)
    latency, requests = data["latency"], data["requests"]
    return Load(
        rps=float(requests["average"]),
        p50=float(latency["p50"]),
        p97_5=float(latency["p97_5"]),
        p99=float(latency["p99"]),
        non2xx=int(data.get("non2xx", 0)),
        errors=int(data.get("errors", 0)),
        total=int(requests["total"]),
    )


def median_load(loads: Sequence[Load]) -> Load:
    """Each figure's median over alternated rounds (non-2xx and errors added up)."""
    return Load(
        rps=statistics.median(x.rps for x in loads),
        p50=statistics.median(x.p50 for x in loads),
        p97_5=statistics.median(x.p97_5 for x in loads),
        p99=statistics.median(x.p99 for x in loads),
        non2xx=sum(x.non2xx for x in loads),
        errors=sum(x.errors for x in loads),
        total=sum(x.total for x in loads),
    )


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# ---------------------------------------------------------------------------------------------------------
# The run


def verdict(name: str, value: float, target: float, higher_is_better: bool, unit: str) -> str:
    met = value >= target if higher_is_better else value <= target
    if target == 0:
        margin = ""
    elif higher_is_better:
        margin = f" ({value / target:.2f}x the target)"
    else:
        margin = f" ({(value - target) / target:+.0%} vs the target)"
    return f"{'MET   ' if met else 'MISSED'} {name}: {value:,.2f}{unit}, target {target:,.2f}{unit}{margin}"


def measure_serve(
    autocannon_bin: Path,
    spec: Path,
    selector: Path,
    moto_url: str,
    token: str,
    args: argparse.Namespace,
    work: Path,
) -> tuple[dict[str, Load], tuple[float, float]]:
    """`serve` with the token and on the public method, alternated; its memory over `args.requests`."""
    port = free_port()
    argv = [sys.executable, "-m", "apigw_cognito", "serve", str(spec), "-s", str(selector)]
    argv += ["--port", str(port), "--endpoint-url", moto_url]
    base, auth = f"http://127.0.0.1:{port}", {"Authorization": token}
    calls = (("serve", f"{base}/pets", auth), ("serve-public", f"{base}/pets/1", {}))
    with process(argv, work / "serve.log") as serve:
        wait_answering(f"{base}/pets/1", serve)
        autocannon(autocannon_bin, f"{base}/pets", auth, args.connections, duration=2)  # warm-up
        # The token's cost is a ratio of two loads: alternated rounds, so that the machine's other work
        # weighs on both alike (a shared machine's load moves by more than the 20% measured).
        rounds: dict[str, list[Load]] = {"serve": [], "serve-public": []}
        for _ in range(ROUNDS):
            for name, url, headers in calls:
                rounds[name].append(autocannon(autocannon_bin, url, headers, args.connections, args.duration))
        results = {name: median_load(loads) for name, loads in rounds.items()}
        for name, result in results.items():
            print(f"measured {name}: {result}", flush=True)
        before = rss_mb(serve.pid)
        autocannon(autocannon_bin, f"{base}/pets", auth, args.connections, amount=args.requests)
        return results, (before, rss_mb(serve.pid))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serving", description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per server (10)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (16)")
    parser.add_argument("--requests", type=int, default=100_000, help="requests of the memory run (100000)")
    parser.add_argument("--skip-localstack", action="store_true", help="leave LocalStack out")
    args = parser.parse_args(argv)

    tools = install_tools()
    if isinstance(tools, str):
        print(f"serving benchmark skipped: {tools}")
        return 0
    emulators = _emulators()
    run_dir = emulators.STATE_DIR / "runs" / "bench-serving"
    services = ["moto"] if args.skip_localstack else ["localstack", "moto"]
    results: dict[str, Load] = {}
    memory: tuple[float, float] | None = None
    work = Path(tempfile.mkdtemp(prefix="bench-serving-"))
    try:
        state = emulators.start(run_dir, services)
        pool_arn, token = pool_and_token(state["moto"]["url"])
        spec, selector = bench_document(work, pool_arn)
        auth = {"Authorization": token}
        load = {"connections": args.connections, "duration": args.duration}

        def measure(name: str, url: str, headers: Mapping[str, str]) -> None:
            autocannon(tools["autocannon"], url, headers, args.connections, duration=2)  # warm-up
            results[name] = autocannon(tools["autocannon"], url, headers, **load)  # type: ignore[arg-type]
            print(f"measured {name}: {results[name]}", flush=True)

        if not args.skip_localstack:
            stage = deploy_localstack(state["localstack"]["url"], spec, selector, work)
            measure("localstack", f"{stage}/pets", auth)

        port = free_port()
        with process(
            [str(tools["prism"]), "mock", "-h", "127.0.0.1", "-p", str(port), str(spec)], work / "prism.log"
        ) as prism:
            wait_answering(f"http://127.0.0.1:{port}/pets/1", prism)
            measure("prism", f"http://127.0.0.1:{port}/pets", auth)

        served, memory = measure_serve(
            tools["autocannon"], spec, selector, state["moto"]["url"], token, args, work
        )
        results.update(served)
    finally:
        emulators.stop(run_dir, services)
        shutil.rmtree(work, ignore_errors=True)

    report(results, memory, args)
    return 0


def report(results: Mapping[str, Load], memory: tuple[float, float] | None, args: argparse.Namespace) -> None:
    """The side-by-side table and each target met or missed, by how much."""
    print(
        f"\nGET /pets with a valid ID token, {args.connections} connections, {args.duration:g} s (autocannon)"
    )
    print(f"{'server':<14}{'req/s':>10}{'p50 ms':>9}{'p97.5 ms':>10}{'p99 ms':>9}{'non-2xx':>9}")
    for name, r in results.items():
        print(f"{name:<14}{r.rps:>10,.0f}{r.p50:>9.1f}{r.p97_5:>10.1f}{r.p99:>9.1f}{r.non2xx:>9,}")
    serve, public, prism = results["serve"], results["serve-public"], results["prism"]
    print()
    if serve.non2xx:
        print(f"WARNING: serve answered {serve.non2xx} requests with a non-2xx status: the token was refused")
    print(verdict("req/s >= Prism's", serve.rps, prism.rps, True, ""))
    if "localstack" in results:
        print(verdict("req/s >= 5x LocalStack's", serve.rps, 5 * results["localstack"].rps, True, ""))
    print(verdict("p99 <= Prism's p99", serve.p99, prism.p99, False, " ms"))
    print(verdict("a valid-token request <= 1.2x a public one", public.rps / serve.rps, 1.2, False, "x"))
    if memory is not None:
        growth = memory[1] - memory[0]
        line = verdict(f"memory growth over {args.requests:,} requests < 10 MB", growth, 10, False, " MB")
        print(f"{line} (RSS {memory[0]:.1f} -> {memory[1]:.1f} MB)")


if __name__ == "__main__":
    sys.exit(main())
