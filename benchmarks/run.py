"""`make bench`: time the real CLI against baseline processes and peer tools; check issues 4 and 13.

Every measurement is a whole process started from here: its wall time around spawn and exit, and its peak
RSS from GNU time (`os.wait4` without it; see `timing/processes.py`). For each document the commands run
in the same run, alternating (the order rotates every round), for several rounds; the table shows medians
and ratios, and the whole run is written as JSON to `benchmarks/results/`.

Commands per document:
  apply           apigw-cognito apply DOC --selector SEL --no-validate -o OUT   (worst-case selector)
  apply-validate  apigw-cognito apply DOC --selector SEL -o OUT                 (the default: validates)
  validate        apigw-cognito validate DOC
  json       python -c: json.load + json.dump(indent=2)                    (JSON documents)
  ruamel     python -c: ruamel.yaml round-trip load + dump                  (YAML documents; slow)
  validator  python -c: openapi_spec_validator.validate()                  (slow)
  openapi-format, redocly: the peers (see benchmarks/peers.py), given the same change as an Overlay
                 that `apply --emit-overlay` writes once before the rounds (when node and npm exist)
and in the start-up rounds: `python -c "import json"`, the libraries a validating `apply` imports (typer,
both YAML parsers, the validator libraries), `apigw-cognito --help`, `apply` on specs/securepets.yaml with
and without validation, and the peers on the same document.

Usage: python -m benchmarks.run [--quick] [--rounds N] [DOCUMENT ...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.basics.paths import CACHE_DIR, RESULTS_DIR, ROOT
from benchmarks.basics.text import progress
from benchmarks.measuring.documents import bench_document
from benchmarks.measuring.model import Document, Settings, describe
from benchmarks.measuring.startup import bench_startup
from benchmarks.peers import tools as peer_tools
from benchmarks.peers.results import PeerResult
from benchmarks.report.results import environment, source_state, to_json
from benchmarks.report.text import render
from benchmarks.synthetic import cache
from benchmarks.synthetic.document import Format, Version
from benchmarks.targets.judge import judge
from benchmarks.timing.processes import GNU_TIME, gnu_time_available

QUICK_MATRIX: tuple[tuple[Version, Format, int], ...] = (
    ("3.0", "json", 1000),
    ("3.0", "yaml", 1000),
    ("2.0", "json", 1000),
    ("2.0", "yaml", 1000),
    ("3.0", "json", 10000),
    ("3.0", "yaml", 10000),
    ("2.0", "json", 10000),
    ("3.0", "json", 100000),
)
VERSIONS: tuple[Version, ...] = ("3.0", "2.0")
FORMATS: tuple[Format, ...] = ("json", "yaml")
FULL_MATRIX: tuple[tuple[Version, Format, int], ...] = tuple(
    (v, f, n) for n in (100, 1000, 10000, 100000) for v in VERSIONS for f in FORMATS
)


def ensure_document(version: str, fmt: str, operations: int) -> tuple[Path, Path]:
    """Generate in a child process: building 100,000 operations would leave this one large."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.generate",
            "-n",
            str(operations),
            "--version",
            version,
            "--format",
            fmt,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    doc, selector = proc.stdout.strip().splitlines()[-2:]
    return Path(doc), Path(selector)


def parse_matrix(text: str) -> tuple[Version, Format, int]:
    """`3.0:yaml:10000` -> ("3.0", "yaml", 10000)."""
    try:
        version, fmt, ops = text.split(":")
        if version not in ("2.0", "3.0") or fmt not in ("json", "yaml") or int(ops) < 1:
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected VERSION:FORMAT:OPERATIONS like 3.0:yaml:10000, got {text!r}"
        ) from None
    return version, fmt, int(ops)  # type: ignore[return-value]


def default(value: float | None, fallback: float) -> float:
    return fallback if value is None else value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("documents", nargs="*", type=Path, help="more documents to measure (JSON or YAML)")
    parser.add_argument("--quick", action="store_true", help="the smaller matrix and 3 rounds (make bench)")
    parser.add_argument("--rounds", type=int, help="rounds per command (default 5, quick 3)")
    parser.add_argument(
        "--slow-rounds", type=int, help="rounds of ruamel, validator and validate (default: rounds)"
    )
    parser.add_argument("--startup-rounds", type=int, default=10)
    parser.add_argument(
        "--slow-once-above-mb", type=float, default=2.0, help="run slow commands once on bigger documents"
    )
    parser.add_argument(
        "--ruamel-max-mb", type=float, help="skip ruamel on bigger synthetic documents (default 60, quick 5)"
    )
    parser.add_argument(
        "--validator-max-mb",
        type=float,
        help="skip validate and openapi-spec-validator on bigger synthetic documents (default 60, quick 25)",
    )
    parser.add_argument(
        "--synthetic",
        action="append",
        type=parse_matrix,
        metavar="VERSION:FORMAT:OPS",
        help="synthetic documents to measure instead of the default matrix (repeatable)",
    )
    parser.add_argument("--no-synthetic", action="store_true", help="measure only the documents given")
    parser.add_argument(
        "--min-ops", type=int, default=1000, help="judge targets 1-4 from this many operations"
    )
    parser.add_argument(
        "--no-peers", action="store_true", help="skip the peer tools (openapi-format, @redocly/cli)"
    )
    parser.add_argument(
        "--peer-max-mb",
        type=float,
        help="skip the peers on bigger synthetic documents (default 60, quick 25)",
    )
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before a process is killed")
    parser.add_argument("--cli", type=Path, default=Path(sys.executable).with_name("apigw-cognito"))
    parser.add_argument("--keep-outputs", action="store_true", help="keep outputs in benchmarks/.cache/out")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    return parser


def setup_peers(skip: bool) -> peer_tools.PeerSetup:
    """Install or reuse the pinned peers (or say why not), and say which ones run."""
    if skip:
        peer_setup = peer_tools.PeerSetup(skipped="--no-peers")
    else:
        progress("peers: checking node, npm and the pinned versions in benchmarks/.cache/peers")
        peer_setup = peer_tools.setup_peers(log=progress)
    for note in peer_setup.notes:
        progress(f"peers: {note}")
    if peer_setup.skipped:
        progress(f"peers skipped: {peer_setup.skipped}")
    else:
        installed = ", ".join(f"{p.package} {p.version}" for p in peer_setup.peers)
        progress(f"peers: {installed} (node {peer_setup.node})")
    return peer_setup


def compile_sources(python: Path) -> None:
    """Byte-compile the package, as pip does when it installs a wheel: the runs then measure an installed
    tool, not one that compiles its modules at every start (an editable install under
    PYTHONDONTWRITEBYTECODE, as on this machine, never keeps them: 60 ms of every start)."""
    package = ROOT / "src" / "apigw_cognito"
    subprocess.run([str(python), "-m", "compileall", "-q", str(package)], check=True)
    progress(f"byte-compiled {package.relative_to(ROOT)}, as an installed wheel is")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)

    rounds = args.rounds or (3 if args.quick else 5)
    settings = Settings(
        cli=args.cli,
        python=Path(sys.executable),
        rounds=rounds,
        slow_rounds=min(args.slow_rounds or rounds, rounds),
        startup_rounds=args.startup_rounds,
        slow_once_above_mb=args.slow_once_above_mb,
        ruamel_max_mb=default(args.ruamel_max_mb, 5.0 if args.quick else 60.0),
        validator_max_mb=default(args.validator_max_mb, 25.0 if args.quick else 60.0),
        timeout=args.timeout,
        work=CACHE_DIR,
        keep_outputs=args.keep_outputs,
        gnu_time=gnu_time_available(),
        peer_max_mb=default(args.peer_max_mb, 25.0 if args.quick else 60.0),
    )
    if not settings.gnu_time:
        progress(f"warning: no GNU time at {GNU_TIME}: peak RSS figures include this process's own peak")
    if not settings.cli.exists():
        parser.error(f"no CLI at {settings.cli}: run `make install` or pass --cli")
    matrix = (
        [] if args.no_synthetic else (args.synthetic or list(QUICK_MATRIX if args.quick else FULL_MATRIX))
    )

    cache.prune_cache()
    docs: list[Document] = []
    selectors: dict[Path, Path] = {}
    for version, fmt, ops in matrix:
        progress(f"generating {cache.document_name(ops, version, fmt)}")
        path, selector = ensure_document(version, fmt, ops)
        docs.append(describe(path, (version, ops)))
        selectors[path] = selector
    selector_dir = CACHE_DIR / cache.generator_digest()
    selector_dir.mkdir(parents=True, exist_ok=True)  # --no-synthetic on a fresh checkout: not made yet
    corpus_selector = cache.write_selector(selector_dir)
    for path in args.documents:
        if not path.is_file():
            parser.error(f"no such document: {path}")
        docs.append(describe(path.resolve()))
        selectors[path.resolve()] = corpus_selector

    peer_setup = setup_peers(args.no_peers)
    settings.peers = peer_setup.peers
    compile_sources(settings.python)

    env = environment(settings)
    env["peers"] = peer_setup.record()
    source_before = source_state()
    started = time.perf_counter()
    startup_peers: dict[str, PeerResult] = {}
    startup = bench_startup(settings, startup_peers)
    for k, doc in enumerate(docs, 1):
        bench_document(doc, selectors[doc.path], settings, f"{k}/{len(docs)}")
    env["loadavg_end"] = os.getloadavg()
    env["seconds"] = round(time.perf_counter() - started, 1)
    env["source_changed_during_run"] = source_state() != source_before

    verdicts = judge(docs, startup, args.min_ops, startup_peers, peer_setup.skipped)
    print(render(docs, startup, verdicts, startup_peers, peer_setup.skipped))
    if env["source_changed_during_run"]:
        print(
            "\nwarning: files under src/ changed during the run: the figures may mix two versions of the CLI"
        )
    args_record = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
    args_record["documents"] = [str(p) for p in args.documents]
    report = to_json(docs, startup, verdicts, env, args_record, peer_setup.record(), startup_peers)
    args.results.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = args.results / f"bench-{stamp}.json"
    text = json.dumps(report, indent=2, default=str)
    path.write_text(text + "\n", encoding="utf-8")
    (args.results / "latest.json").write_text(text + "\n", encoding="utf-8")
    print(f"\nwritten: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  ({env['seconds']} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
