"""`make bench`: time the real CLI against baseline processes and peer tools; check issues 4 and 13.

Every measurement is a whole process started from here: its wall time around spawn and exit, and its peak
RSS from `os.wait4`. For each document the commands run in the same run, alternating (the order rotates
every round), for several rounds; the table shows medians and ratios, and the whole run is written as JSON
to `benchmarks/results/`.

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
import bisect
import difflib
import hashlib
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from benchmarks import generate
from benchmarks import peers as peer_tools

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS_DIR = HERE / "results"
SMALL_SPEC = ROOT / "specs" / "securepets.yaml"
SMALL_SELECTOR = ROOT / "specs" / "securepets.selector.yaml"

JSON_BASELINE = """\
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    data = json.load(f)
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(data, f, indent=2)
"""
RUAMEL_BASELINE = """\
import sys
from ruamel.yaml import YAML
yaml = YAML()
with open(sys.argv[1], encoding="utf-8") as f:
    data = yaml.load(f)
with open(sys.argv[2], "w", encoding="utf-8") as f:
    yaml.dump(data, f)
"""
VALIDATOR_BASELINE = """\
import sys
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename
spec, uri = read_from_filename(sys.argv[1])
try:
    validate(spec, base_uri=uri)
except Exception as e:
    print("invalid:", type(e).__name__, str(e).splitlines()[0][:300] if str(e) else "")
    sys.exit(1)
print("valid")
"""
IMPORT_BASELINE = "import json"
# What a validating `apply` imports before any code of its own runs: the command line, both YAML parsers
# and the validator libraries, the latter as the engine loads them (settings stand-ins, no requests).
STACK_BASELINE = (
    "import typer, yaml, ruamel.yaml\nfrom apigw_cognito.checks.validation_engine import engine\nengine()"
)

# (version, format, operations) of the synthetic documents.
QUICK_MATRIX: tuple[tuple[generate.Version, generate.Format, int], ...] = (
    ("3.0", "json", 1000),
    ("3.0", "yaml", 1000),
    ("2.0", "json", 1000),
    ("2.0", "yaml", 1000),
    ("3.0", "json", 10000),
    ("3.0", "yaml", 10000),
    ("2.0", "json", 10000),
    ("3.0", "json", 100000),
)
VERSIONS: tuple[generate.Version, ...] = ("3.0", "2.0")
FORMATS: tuple[generate.Format, ...] = ("json", "yaml")
FULL_MATRIX: tuple[tuple[generate.Version, generate.Format, int], ...] = tuple(
    (v, f, n) for n in (100, 1000, 10000, 100000) for v in VERSIONS for f in FORMATS
)

SLOW = frozenset({"ruamel", "validator", "validate"})
YAML_COVERAGE_MAX_BYTES = 30_000_000  # libyaml takes minutes and gigabytes beyond


# ---------------------------------------------------------------------------------------------------------
# Pure parts


def median(values: Iterable[float]) -> float | None:
    items = list(values)
    return statistics.median(items) if items else None


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """`numerator / denominator`, or None when either is missing or the denominator is not positive."""
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def rotated(items: Sequence[str], turn: int) -> list[str]:
    """`items` starting at position `turn` (mod len): each round runs the commands in another order."""
    if not items:
        return []
    k = turn % len(items)
    return [*items[k:], *items[:k]]


@dataclass(frozen=True)
class LineDiff:
    """How an output differs from its input, line by line (lines split on LF, so CR stays part of a line)."""

    input_lines: int
    output_lines: int
    changed: int  # input lines removed or rewritten: must be 0 for an insert-only tool
    inserted: int  # output lines that are not input lines
    examples: tuple[tuple[int, str], ...] = ()  # (1-based input line, text) of the first changed ones


def is_subsequence(needle: Sequence[str], haystack: Sequence[str]) -> bool:
    """Whether `needle` appears in `haystack` in order, possibly with other items between (greedy, exact)."""
    j = 0
    end = len(haystack)
    for item in needle:
        while j < end and haystack[j] != item:
            j += 1
        if j == end:
            return False
        j += 1
    return True


def _unique_anchors(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int]]:
    """Lines that occur once in each side, kept in an order both sides agree on (a longest such chain)."""
    count_a = Counter(a)
    count_b = Counter(b)
    where_b = {line: j for j, line in enumerate(b) if count_b[line] == 1 and count_a.get(line) == 1}
    pairs = [(i, where_b[line]) for i, line in enumerate(a) if line in where_b]
    # Longest increasing subsequence of the b positions (patience sorting with back links).
    tails: list[int] = []  # index into pairs of the smallest tail of each length
    back: list[int] = [-1] * len(pairs)
    tail_values: list[int] = []
    for k, (_, j) in enumerate(pairs):
        pos = bisect.bisect_left(tail_values, j)
        if pos == len(tail_values):
            tail_values.append(j)
            tails.append(k)
        else:
            tail_values[pos] = j
            tails[pos] = k
        back[k] = tails[pos - 1] if pos > 0 else -1
    chain: list[tuple[int, int]] = []
    k = tails[-1] if tails else -1
    while k >= 0:
        chain.append(pairs[k])
        k = back[k]
    chain.reverse()
    return chain


def line_diff(before: str, after: str, max_examples: int = 5) -> LineDiff:
    """Which input lines an output removed or rewrote.

    An output that only inserts lines contains the input as a subsequence, which a linear scan proves.
    Otherwise the lines are aligned on lines unique to both sides, and difflib compares the stretches
    between those anchors (difflib alone takes minutes on a 270,000-line document).
    """
    a = before.split("\n")
    b = after.split("\n")
    if is_subsequence(a, b):
        return LineDiff(len(a), len(b), 0, len(b) - len(a))
    changed: list[int] = []
    prev_i, prev_j = -1, -1
    for i, j in [*_unique_anchors(a, b), (len(a), len(b))]:
        a0, b0 = prev_i + 1, prev_j + 1
        if i > a0:
            part_a, part_b = a[a0:i], b[b0:j]
            if not is_subsequence(part_a, part_b):
                matcher = difflib.SequenceMatcher(None, part_a, part_b, autojunk=False)
                for tag, i1, i2, _, _ in matcher.get_opcodes():
                    if tag in ("replace", "delete"):
                        changed.extend(range(a0 + i1, a0 + i2))
        prev_i, prev_j = i, j
    examples = tuple((k + 1, a[k]) for k in changed[:max_examples])
    return LineDiff(len(a), len(b), len(changed), len(b) - (len(a) - len(changed)), examples)


METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
ANY_METHOD = "x-amazon-apigateway-any-method"


def operations_of(data: Any) -> list[tuple[str, str, Any]]:
    """(path, method key, operation) of every operation of an OpenAPI document's data."""
    paths = data.get("paths") if isinstance(data, Mapping) else None
    if not isinstance(paths, Mapping):
        return []
    return [
        (str(path), key, op)
        for path, item in paths.items()
        if isinstance(item, Mapping)
        for key, op in item.items()
        if key in METHODS or key == ANY_METHOD
    ]


@dataclass(frozen=True)
class Coverage:
    """What an apply output says about its operations' `security`."""

    operations: int
    preflights: int
    secured: int  # non-OPTIONS operations with a non-empty `security`
    public_preflights: int  # OPTIONS operations with `security: []` or none

    @property
    def complete(self) -> bool:
        """The worst-case selector's promise: every non-OPTIONS operation secured, every OPTIONS public."""
        return self.secured == self.operations - self.preflights and self.public_preflights == self.preflights


def coverage(data: Any) -> Coverage:
    ops = operations_of(data)
    preflights = [op for _, key, op in ops if key == "options"]
    others = [op for _, key, op in ops if key != "options"]
    return Coverage(
        operations=len(ops),
        preflights=len(preflights),
        secured=sum(1 for op in others if isinstance(op, Mapping) and op.get("security")),
        public_preflights=sum(1 for op in preflights if isinstance(op, Mapping) and not op.get("security")),
    )


CODE = re.compile(r"\bAGC\d{3}\b")


def cli_verdict(returncode: int, output: str) -> str:
    """The OpenAPI verdict of `apigw-cognito validate`: AGC401 findings are OpenAPI errors.

    Exit 1 can also come from API Gateway's import limits (AGC305 over 6 MB, AGC306 over 300 resources),
    which openapi-spec-validator does not check, so those do not make the document invalid here.
    """
    if returncode not in (0, 1):
        return f"error (exit {returncode})"
    codes = set(CODE.findall(output))
    if "AGC401" in codes:
        return "invalid"
    if returncode == 1 and not codes:
        return "unknown (exit 1, no finding code)"
    return "valid"


def validator_verdict(returncode: int, output: str) -> str:
    first = output.strip().splitlines()[0] if output.strip() else ""
    if returncode == 0 and first == "valid":
        return "valid"
    if returncode == 1 and first.startswith("invalid"):
        return "invalid"
    return f"error (exit {returncode})"


def per_operation_growth(small: tuple[int, float], large: tuple[int, float]) -> float | None:
    """(time per operation at the large size) / (time per operation at the small size)."""
    (n_small, t_small), (n_large, t_large) = small, large
    if n_small <= 0 or n_large <= 0:
        return None
    return ratio(t_large / n_large, t_small / n_small)


# ---------------------------------------------------------------------------------------------------------
# Running processes


@dataclass
class Sample:
    wall: float  # seconds, spawn to exit
    rss_kb: int  # peak resident set size of the child
    cpu: float  # user + system seconds of the child
    returncode: int


@dataclass
class Command:
    name: str
    argv: list[str]
    output: Path | None = None  # removed before every run, so every run writes it afresh
    samples: list[Sample] = field(default_factory=list)
    stdout: str = ""  # of the last run, cut to 20,000 characters
    stderr: str = ""
    env: dict[str, str] | None = None  # the environment to run in (None: this process's own)

    def summary(self) -> dict[str, Any]:
        runs = self.samples
        return {
            "argv": self.argv,
            "runs": len(runs),
            "wall_median": median(s.wall for s in runs),
            "wall_min": min((s.wall for s in runs), default=None),
            "wall_max": max((s.wall for s in runs), default=None),
            "rss_median_kb": median(s.rss_kb for s in runs),
            "cpu_median": median(s.cpu for s in runs),
            "returncodes": sorted({s.returncode for s in runs}),
            "samples": [asdict(s) for s in runs],
        }

    @property
    def wall(self) -> float | None:
        return median(s.wall for s in self.samples)

    @property
    def rss_kb(self) -> float | None:
        return median(s.rss_kb for s in self.samples)


GNU_TIME = Path("/usr/bin/time")
TIME_FORMAT = "%M %x %U %S"  # peak RSS (KiB), exit status, user and system seconds


def gnu_time_available(path: Path = GNU_TIME) -> bool:
    """GNU time reports its child's own peak RSS; the rusage of a direct child of this process does not.

    Linux carries a process's peak RSS across exec, and a child spawned from a process of 2 GB (vfork or
    fork) starts its record at 2 GB: the harness, having just read a 200 MB document, would inflate every
    figure. GNU time, a small C program, is a parent whose own size does not matter.
    """
    try:
        proc = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, check=False, timeout=10
        )
    except OSError:
        return False
    return "GNU" in proc.stdout + proc.stderr


def parse_gnu_time(text: str) -> tuple[int, int, float] | None:
    """(peak RSS KiB, exit status, CPU seconds) from the last line GNU time wrote with `TIME_FORMAT`."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return None
    parts = lines[-1].split()
    try:
        rss, status, user, system = int(parts[0]), int(parts[1]), float(parts[2]), float(parts[3])
    except (IndexError, ValueError):
        return None
    return rss, status, user + system


def run_process(
    argv: Sequence[str],
    workdir: Path,
    timeout: float,
    gnu_time: bool = False,
    env: Mapping[str, str] | None = None,
) -> tuple[Sample, str, str]:
    """Run `argv` to completion: wall time from before spawn to after reaping, and the child's peak RSS."""
    out_path, err_path, stats_path = workdir / "stdout", workdir / "stderr", workdir / "rusage"
    wrapped = (
        [str(GNU_TIME), "-q", "-f", TIME_FORMAT, "-o", str(stats_path), *argv] if gnu_time else list(argv)
    )
    stats_path.unlink(missing_ok=True)
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            wrapped,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            cwd=ROOT,
            start_new_session=True,
            env=None if env is None else dict(env),
        )
        timer = threading.Timer(timeout, os.killpg, (proc.pid, signal.SIGKILL))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    sample = Sample(
        wall=wall,
        rss_kb=int(usage.ru_maxrss),  # KiB on Linux
        cpu=usage.ru_utime + usage.ru_stime,
        returncode=proc.returncode,
    )
    if gnu_time:
        parsed = parse_gnu_time(stats_path.read_text(encoding="utf-8", errors="replace"))
        if parsed is not None:
            sample.rss_kb, _, sample.cpu = parsed

    def tail(path: Path) -> str:
        text = path.read_bytes()[-20000:]
        return text.decode("utf-8", "replace")

    return sample, tail(out_path), tail(err_path)


@dataclass
class PeerResult:
    """What a peer tool's output did to the document: apply's checks, plus whether the overlay took effect."""

    tool: str
    version: str
    lines: LineDiff | None = None  # input lines removed or rewritten, by the function used for apply
    applied: peer_tools.OverlayCheck | None = None  # every operation has the overlay's `security`?
    coverage: Coverage | None = None
    comments: tuple[int, int] | None = None  # full-line comments in the input and in the output (YAML)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Ran, wrote an output, and the output holds every change of the overlay."""
        return self.applied is not None and self.applied.complete


@dataclass
class Document:
    name: str
    path: Path
    format: str  # "json" or "yaml"
    version: str
    operations: int
    size: int
    synthetic: bool
    already_secured: int = 0  # operations that have `security` before apply: replacing it changes lines
    commands: dict[str, Command] = field(default_factory=dict)
    lines: LineDiff | None = None
    coverage: Coverage | None = None
    deterministic: bool | None = None
    verdicts: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    peers: dict[str, PeerResult] = field(default_factory=dict)  # by peer name ("openapi-format", "redocly")
    validated_same: bool | None = None  # apply-validate wrote the bytes apply --no-validate wrote

    @property
    def megabytes(self) -> float:
        return self.size / 1e6


def load_data(path: Path, fmt: str) -> Any:
    raw = path.read_bytes()
    if fmt == "json":
        return json.loads(raw)
    return yaml.load(raw, Loader=yaml.CSafeLoader)


def describe(path: Path, synthetic: tuple[str, int] | None = None) -> Document:
    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    already_secured = 0
    if synthetic is not None:
        version, operations = synthetic
    else:
        data = load_data(path, fmt)
        version = str(data.get("openapi") or data.get("swagger") or "?") if isinstance(data, Mapping) else "?"
        ops = operations_of(data)
        operations = len(ops)
        already_secured = sum(1 for _, _, op in ops if isinstance(op, Mapping) and "security" in op)
    return Document(
        name=path.name,
        path=path,
        format=fmt,
        version=version,
        operations=operations,
        size=path.stat().st_size,
        synthetic=synthetic is not None,
        already_secured=already_secured,
    )


@dataclass
class Settings:
    cli: Path
    python: Path
    rounds: int
    slow_rounds: int
    startup_rounds: int
    slow_once_above_mb: float
    ruamel_max_mb: float  # synthetic documents only: the documents given are always measured in full
    validator_max_mb: float
    timeout: float
    work: Path
    keep_outputs: bool
    gnu_time: bool
    peers: list[peer_tools.Peer] = field(default_factory=list)  # empty: peers skipped
    peer_max_mb: float = 60.0  # synthetic documents only: the documents given always get the peers


def output_stem(doc: Document, s: Settings) -> Path:
    """Where the outputs of a document's commands go, less their suffixes (unique per document path)."""
    return s.work / "out" / f"{doc.path.stem}-{hashlib.sha256(str(doc.path).encode()).hexdigest()[:6]}"


def plan_commands(doc: Document, selector: Path, s: Settings) -> dict[str, Command]:
    out_dir = s.work / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = output_stem(doc, s).name
    apply_out = out_dir / f"{stem}.applied{doc.path.suffix}"
    validating = not (doc.synthetic and doc.megabytes > s.validator_max_mb)
    apply_argv = [str(s.cli), "apply", str(doc.path), "--selector", str(selector)]
    cmds = {"apply": Command("apply", [*apply_argv, "--no-validate", "-o", str(apply_out)], output=apply_out)}
    if validating:
        validated_out = out_dir / f"{stem}.applied-validated{doc.path.suffix}"
        cmds["apply-validate"] = Command(
            "apply-validate", [*apply_argv, "-o", str(validated_out)], output=validated_out
        )
    if doc.format == "json":
        base_out = out_dir / f"{stem}.json-baseline.json"
        cmds["json"] = Command(
            "json", [str(s.python), "-c", JSON_BASELINE, str(doc.path), str(base_out)], base_out
        )
    if doc.format == "yaml":
        if doc.synthetic and doc.megabytes > s.ruamel_max_mb:
            doc.notes.append(f"ruamel skipped: {doc.megabytes:.0f} MB > {s.ruamel_max_mb:g} MB")
        else:
            ruamel_out = out_dir / f"{stem}.ruamel.yaml"
            cmds["ruamel"] = Command(
                "ruamel", [str(s.python), "-c", RUAMEL_BASELINE, str(doc.path), str(ruamel_out)], ruamel_out
            )
    if not validating:
        doc.notes.append(
            f"validate, validator and apply-validate skipped: {doc.megabytes:.0f} MB"
            f" > {s.validator_max_mb:g} MB"
        )
    else:
        cmds["validate"] = Command("validate", [str(s.cli), "validate", str(doc.path)])
        cmds["validator"] = Command("validator", [str(s.python), "-c", VALIDATOR_BASELINE, str(doc.path)])
    return cmds


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_rounds(
    label: str, cmds: dict[str, Command], rounds: int, slow_rounds: int, s: Settings
) -> list[bytes]:
    """Run every command `rounds` times (slow ones `slow_rounds` times), alternating; apply output digests."""
    digests: list[bytes] = []
    names = list(cmds)
    for turn in range(rounds):
        for name in rotated(names, turn):
            if name in SLOW and turn >= slow_rounds:
                continue
            cmd = cmds[name]
            if cmd.output is not None:
                cmd.output.unlink(missing_ok=True)
            sample, out, err = run_process(cmd.argv, s.work, s.timeout, s.gnu_time, cmd.env)
            cmd.samples.append(sample)
            cmd.stdout, cmd.stderr = out, err
            status = "" if sample.returncode == 0 else f"  exit {sample.returncode}"
            progress(
                f"  {label} round {turn + 1}/{rounds} {name:<10} {sample.wall:8.3f} s "
                f"{sample.rss_kb / 1024:8.1f} MB{status}"
            )
            if name == "apply" and cmd.output is not None and cmd.output.exists():
                digests.append(hashlib.sha256(cmd.output.read_bytes()).digest())
    return digests


def emit_overlay(s: Settings, document: Path, selector: Path, overlay: Path, scratch: Path) -> str:
    """Write the change `apply` makes to `document` as an Overlay, once and untimed: '' or what went wrong."""
    overlay.unlink(missing_ok=True)
    argv = [
        str(s.cli),
        "apply",
        str(document),
        "--selector",
        str(selector),
        "--no-validate",
        "-o",
        str(scratch),
        "--emit-overlay",
        str(overlay),
    ]
    sample, out, err = run_process(argv, s.work, s.timeout, s.gnu_time)
    scratch.unlink(missing_ok=True)
    if sample.returncode != 0 or not overlay.exists():
        return f"apply --emit-overlay failed (exit {sample.returncode}): {last_line(err or out)}"
    return ""


def read_expected(overlay: Path) -> peer_tools.Expected | None:
    try:
        return peer_tools.expected_from_overlay(json.loads(overlay.read_bytes()))
    except (OSError, ValueError):
        return None


def peer_commands(
    document: Path, fmt: str, overlay: Path, out_stem: Path, s: Settings, suffix: str = ""
) -> dict[str, Command]:
    """One command per peer, writing `out_stem`.<peer><document's extension>: YAML in, YAML out."""
    cmds: dict[str, Command] = {}
    for peer in s.peers:
        out = out_stem.with_name(f"{out_stem.name}.{peer.name}{document.suffix}")
        name = peer.name + suffix
        cmds[name] = Command(name, peer.argv(document, overlay, out, fmt), out, env=peer.env())
    return cmds


def check_peer(
    peer: peer_tools.Peer, cmd: Command, before: str, fmt: str, expected: peer_tools.Expected | None
) -> PeerResult:
    """Lines changed, format, coverage and whether the overlay's changes are in the peer's last output."""
    result = PeerResult(peer.name, peer.version)
    failed = [x.returncode for x in cmd.samples if x.returncode != 0]
    if failed:
        result.notes.append(f"{peer.name} failed (exit {failed[0]}): {last_line(cmd.stderr or cmd.stdout)}")
        return result
    if cmd.output is None or not cmd.output.exists():
        result.notes.append(f"{peer.name} wrote no output")
        return result
    raw = cmd.output.read_bytes()
    text = raw.decode("utf-8", "surrogateescape")
    result.lines = line_diff(before, text)
    is_json = peer_tools.looks_like_json(text)
    if is_json != (fmt == "json"):
        result.notes.append(f"output is {'JSON' if is_json else 'YAML'}, input {fmt.upper()}")
    if fmt == "yaml":
        result.comments = (peer_tools.full_line_comments(before), peer_tools.full_line_comments(text))
    if not is_json and len(raw) > YAML_COVERAGE_MAX_BYTES:
        result.notes.append(f"output not checked: YAML over {YAML_COVERAGE_MAX_BYTES // 1_000_000} MB")
        return result
    try:
        data = load_data(cmd.output, "json" if is_json else "yaml")
    except Exception as exc:  # the output must parse; say so when it does not
        result.notes.append(f"output does not parse: {type(exc).__name__}: {clip(str(exc), 200)}")
        return result
    result.coverage = coverage(data)
    if expected is None:
        result.notes.append("overlay unreadable: its changes not checked")
    else:
        result.applied = peer_tools.check_overlay_applied(expected, data)
        if not result.applied.complete:
            result.notes.append(
                "OVERLAY NOT APPLIED: " + "; ".join([result.applied.summary(), *result.applied.examples])
            )
    return result


def prepare_peers(
    doc: Document, selector: Path, s: Settings
) -> tuple[Path | None, peer_tools.Expected | None]:
    """Write the document's overlay and add the peers' commands: (overlay, what it must change) or Nones."""
    if not s.peers:
        return None, None
    if doc.synthetic and doc.megabytes > s.peer_max_mb:
        doc.notes.append(f"peers skipped: {doc.megabytes:.0f} MB > {s.peer_max_mb:g} MB")
        return None, None
    stem = output_stem(doc, s)
    overlay = stem.with_name(f"{stem.name}.overlay.json")
    scratch = stem.with_name(f"{stem.name}.overlay-apply{doc.path.suffix}")
    progress(f"  {doc.name} writing the overlay for the peers (apply --emit-overlay, untimed)")
    problem = emit_overlay(s, doc.path, selector, overlay, scratch)
    if problem:
        doc.notes.append(f"peers skipped: {problem}")
        return None, None
    doc.commands.update(peer_commands(doc.path, doc.format, overlay, stem, s))
    return overlay, read_expected(overlay)


def check_apply(doc: Document, digests: Sequence[bytes]) -> None:
    """Lines changed, coverage and determinism of apply's output; whether the validating apply agrees."""
    apply = doc.commands["apply"]
    failed = [x.returncode for x in apply.samples if x.returncode != 0]
    if failed:
        doc.notes.append(f"apply failed (exit {failed[0]}): {last_line(apply.stderr)}")
    elif apply.output is not None and apply.output.exists():
        doc.deterministic = len(set(digests)) <= 1
        before = doc.path.read_bytes().decode("utf-8", "surrogateescape")
        after_raw = apply.output.read_bytes()
        doc.lines = line_diff(before, after_raw.decode("utf-8", "surrogateescape"))
        if doc.format == "yaml" and len(after_raw) > YAML_COVERAGE_MAX_BYTES:
            doc.notes.append(f"coverage not checked: YAML over {YAML_COVERAGE_MAX_BYTES // 1_000_000} MB")
        else:
            try:
                doc.coverage = coverage(load_data(apply.output, doc.format))
            except Exception as exc:  # the output must parse; say so when it does not
                doc.notes.append(f"apply output does not parse: {type(exc).__name__}: {exc}")
        if doc.coverage is not None and not doc.coverage.complete:
            doc.notes.append(f"apply output coverage incomplete: {doc.coverage}")
        if not doc.deterministic:
            doc.notes.append("apply outputs differ between rounds")
    validated = doc.commands.get("apply-validate")
    if validated is None or not validated.samples:
        return
    bad = [x.returncode for x in validated.samples if x.returncode != 0]
    if bad:
        doc.notes.append(f"apply-validate exit {bad[0]}: {last_line(validated.stderr or validated.stdout)}")
    elif (
        apply.output is not None and apply.output.exists() and validated.output and validated.output.exists()
    ):
        doc.validated_same = apply.output.read_bytes() == validated.output.read_bytes()
        if not doc.validated_same:
            doc.notes.append("apply-validate wrote another output than apply --no-validate")


def record_verdicts(doc: Document) -> None:
    """The OpenAPI verdicts of `validate` and openapi-spec-validator, from their last runs."""
    if "validate" in doc.commands and doc.commands["validate"].samples:
        v = doc.commands["validate"]
        doc.verdicts["apigw-cognito"] = cli_verdict(v.samples[-1].returncode, v.stdout + v.stderr)
        codes = sorted(set(CODE.findall(v.stdout + v.stderr)))
        if codes:
            doc.verdicts["apigw-cognito codes"] = ", ".join(codes)
    if "validator" in doc.commands and doc.commands["validator"].samples:
        v = doc.commands["validator"]
        doc.verdicts["openapi-spec-validator"] = validator_verdict(v.samples[-1].returncode, v.stdout)
        if doc.verdicts["openapi-spec-validator"] != "valid":
            doc.verdicts["openapi-spec-validator message"] = last_line(v.stdout + v.stderr)


def bench_document(doc: Document, selector: Path, s: Settings, index: str) -> None:
    doc.commands = plan_commands(doc, selector, s)
    doc.path.read_bytes()  # into the page cache before the first timed run
    slow_rounds = 1 if doc.megabytes > s.slow_once_above_mb else s.slow_rounds
    progress(f"[{index}] {doc.name}: {doc.operations} operations, {doc.megabytes:.1f} MB")
    overlay, expected = prepare_peers(doc, selector, s)
    digests = run_rounds(doc.name, doc.commands, s.rounds, slow_rounds, s)
    check_apply(doc, digests)
    if overlay is not None:
        before = doc.path.read_bytes().decode("utf-8", "surrogateescape")
        for peer in s.peers:
            cmd = doc.commands.get(peer.name)
            if cmd is not None and cmd.samples:
                progress(f"  {doc.name} checking the output of {peer.name}")
                doc.peers[peer.name] = check_peer(peer, cmd, before, doc.format, expected)
        if not s.keep_outputs:
            overlay.unlink(missing_ok=True)
    record_verdicts(doc)
    if not s.keep_outputs:
        for cmd in doc.commands.values():
            if cmd.output is not None:
                cmd.output.unlink(missing_ok=True)


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


SMALL_SUFFIX = "-small"  # start-up commands of the peers: openapi-format-small, redocly-small


def bench_startup(s: Settings, peer_results: dict[str, PeerResult] | None = None) -> dict[str, Command]:
    """Start-up rounds; the peers' checks on specs/securepets.yaml go into `peer_results` (by peer name)."""
    out_dir = s.work / "out"
    out = out_dir / "securepets.applied.yaml"
    out_dir.mkdir(parents=True, exist_ok=True)
    cmds = {
        "import-json": Command("import-json", [str(s.python), "-c", IMPORT_BASELINE]),
        "import-stack": Command("import-stack", [str(s.python), "-c", STACK_BASELINE]),
        "help": Command("help", [str(s.cli), "--help"]),
    }
    overlay: Path | None = None
    if SMALL_SPEC.exists() and SMALL_SELECTOR.exists():
        small = [str(s.cli), "apply", str(SMALL_SPEC), "--selector", str(SMALL_SELECTOR)]
        cmds["apply-small"] = Command("apply-small", [*small, "-o", str(out)], out)
        cmds["apply-small-no-validate"] = Command(
            "apply-small-no-validate", [*small, "--no-validate", "-o", str(out)], out
        )
        if s.peers:
            overlay = out_dir / "securepets.overlay.json"
            scratch = out_dir / "securepets.overlay-apply.yaml"
            problem = emit_overlay(s, SMALL_SPEC, SMALL_SELECTOR, overlay, scratch)
            if problem:
                progress(f"  start-up peers skipped: {problem}")
                overlay = None
            else:
                cmds.update(
                    peer_commands(SMALL_SPEC, "yaml", overlay, out_dir / "securepets", s, SMALL_SUFFIX)
                )
    progress("[start-up]")
    for cmd in cmds.values():  # one untimed run each: byte-compiles what the others will import
        run_process(cmd.argv, s.work, s.timeout, s.gnu_time, cmd.env)
    run_rounds("start-up", cmds, s.startup_rounds, s.startup_rounds, s)
    if overlay is not None and peer_results is not None:
        expected = read_expected(overlay)
        before = SMALL_SPEC.read_text(encoding="utf-8")
        for peer in s.peers:
            peer_cmd = cmds.get(peer.name + SMALL_SUFFIX)
            if peer_cmd is not None and peer_cmd.samples:
                peer_results[peer.name] = check_peer(peer, peer_cmd, before, "yaml", expected)
    return cmds


# ---------------------------------------------------------------------------------------------------------
# Targets


@dataclass
class Verdict:
    target: str
    document: str
    measured: str
    passed: bool | None  # None: shown for information, not judged
    why: str = ""
    margin: str = ""  # met or missed by how much (the targets of issue 13)


def fmt_ratio(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}x"


PEER_NAMES: tuple[str, ...] = tuple(peer_tools.PEERS)

# The documents issue 13 names for its targets (from ../shared/corpus); on others they are shown, not judged.
ISSUE13_APPLY_DOCS = frozenset({"github-api.json", "kubernetes-1.13.json", "github-api.yaml"})
ISSUE13_VALIDATING_DOCS = frozenset({"github-api.json"})
ISSUE13_MEMORY_DOCS = frozenset({"github-api.json"})


def at_most(value: float | None, limit: float) -> tuple[bool | None, str]:
    """Whether a ratio meets `<= limit`, and by how much it meets or misses it."""
    if value is None:
        return None, "not measured"
    if value <= limit:
        return True, f"met by {limit - value:.3f}x: {(1 - value / limit) * 100:.1f}% under {limit:g}x"
    return False, f"missed by {value - limit:.3f}x: {(value / limit - 1) * 100:.1f}% over {limit:g}x"


def at_least(speedup: float | None, limit: float) -> tuple[bool | None, str]:
    """Whether a speed-up meets `>= limit`, and by how much it meets or misses it."""
    if speedup is None or speedup <= 0:
        return None, "not measured"
    if speedup >= limit:
        return True, f"met by {speedup - limit:.2f}x: {speedup:.2f}x >= {limit:g}x"
    return False, f"missed by {limit - speedup:.2f}x: needs {limit / speedup:.3f}x more speed"


def fastest_peer(
    commands: Mapping[str, Command], results: Mapping[str, PeerResult], suffix: str = ""
) -> tuple[str, Command] | None:
    """The fastest peer (median wall) among those that exited 0 every time and applied the whole overlay."""
    best: tuple[str, Command] | None = None
    best_wall = 0.0
    for name in PEER_NAMES:
        cmd = commands.get(name + suffix)
        result = results.get(name)
        if cmd is None or cmd.wall is None or any(x.returncode for x in cmd.samples):
            continue
        if result is None or not result.ok:
            continue
        if best is None or cmd.wall < best_wall:
            best, best_wall = (name, cmd), cmd.wall
    return best


def succeeded(cmd: Command | None) -> Command | None:
    """`cmd` when it ran and exited 0 every time: a median over failed runs is no figure to compare."""
    if cmd is None or not cmd.samples or any(x.returncode for x in cmd.samples):
        return None
    return cmd


def has_peers(doc: Document) -> bool:
    return any(name in doc.commands and doc.commands[name].samples for name in PEER_NAMES)


def judge(
    docs: Sequence[Document],
    startup: Mapping[str, Command],
    min_ops: int,
    startup_peers: Mapping[str, PeerResult] | None = None,
    peers_skipped: str = "",
) -> list[Verdict]:
    """Targets 0-6 (issue 4) and 7-11 (issue 13: the peers, the default validating apply, memory)."""
    out: list[Verdict] = []

    def ok(doc: Document, cond: bool) -> bool | None:
        """Small documents measure start-up more than work: shown, not judged."""
        return cond if doc.operations >= min_ops else None

    for doc in docs:
        c = doc.commands
        apply = c.get("apply")
        apply_ok = apply is not None and bool(apply.samples) and all(x.returncode == 0 for x in apply.samples)
        failed = "" if apply_ok else "apply failed"
        changed = doc.lines.changed if doc.lines else None
        replaced = doc.already_secured > 0 and bool(changed)
        out.append(
            Verdict(
                "0 apply changes no input line (inserts only)",
                doc.name,
                "n/a" if doc.lines is None else f"{doc.lines.changed} of {doc.lines.input_lines}",
                # judged at every size (it does not depend on timing), unless the document already had
                # `security` on some operations, which the worst-case selector must replace
                None if replaced else changed == 0,
                failed or (f"{doc.already_secured} operations had security to replace" if replaced else ""),
            )
        )
        if doc.format == "json" and "json" in c:
            r = ratio(apply.wall if apply_ok and apply else None, c["json"].wall)
            out.append(
                Verdict(
                    "1 JSON apply <= 2x json load+dump",
                    doc.name,
                    fmt_ratio(r),
                    ok(doc, r is not None and r <= 2.0),
                    failed,
                )
            )
            m = ratio(apply.rss_kb if apply_ok and apply else None, c["json"].rss_kb)
            out.append(
                Verdict(
                    "4 JSON apply peak RSS <= 1.5x baseline",
                    doc.name,
                    fmt_ratio(m),
                    ok(doc, m is not None and m <= 1.5),
                    failed,
                )
            )
        if doc.format == "yaml" and "ruamel" in c:
            speedup = ratio(c["ruamel"].wall, apply.wall if apply_ok and apply else None)
            why = failed or ("" if changed == 0 else f"{changed} input lines changed")
            out.append(
                Verdict(
                    "2 YAML apply >= 10x faster than ruamel, 0 lines changed",
                    doc.name,
                    f"{fmt_ratio(speedup)} faster, {changed if changed is not None else 'n/a'} changed",
                    ok(doc, speedup is not None and speedup >= 10 and changed == 0),
                    why,
                )
            )
        if "validate" in c and "validator" in c:
            v = c["validate"]
            speedup = ratio(c["validator"].wall, v.wall)
            mine = doc.verdicts.get("apigw-cognito", "n/a")
            theirs = doc.verdicts.get("openapi-spec-validator", "n/a")
            same = mine == theirs
            out.append(
                Verdict(
                    "3 validate >= 3x faster than openapi-spec-validator, same verdict",
                    doc.name,
                    f"{fmt_ratio(speedup)} faster, {mine} / {theirs}",
                    ok(doc, speedup is not None and speedup >= 3 and same),
                    "" if same else "verdicts differ",
                )
            )
    # 5: growth of time per operation from 10,000 to 100,000 synthetic operations, per kind of document.
    by_kind: dict[tuple[str, str], dict[int, Document]] = {}
    for doc in docs:
        if doc.synthetic:
            by_kind.setdefault((doc.version, doc.format), {})[doc.operations] = doc
    for (version, fmt), sizes in sorted(by_kind.items()):
        if 10000 in sizes and 100000 in sizes:
            small, large = sizes[10000].commands["apply"], sizes[100000].commands["apply"]
            growth = None
            if small.wall is not None and large.wall is not None:
                growth = per_operation_growth((10000, small.wall), (100000, large.wall))
            broken = any(x.returncode for x in small.samples + large.samples)
            out.append(
                Verdict(
                    "5 time/operation at 100,000 <= 1.5x at 10,000",
                    f"synthetic {version} {fmt}",
                    fmt_ratio(growth),
                    growth is not None and growth <= 1.5 and not broken,
                    "apply failed" if broken else "",
                )
            )
    base = startup.get("import-json")
    for name in ("help", "apply-small", "apply-small-no-validate"):
        cmd = startup.get(name)
        if cmd is None or base is None:
            continue
        r = ratio(cmd.wall, base.wall)
        exited = any(x.returncode for x in cmd.samples)
        out.append(
            Verdict(
                f"6 {name} < 2x python -c 'import json'",
                "specs/securepets.yaml" if name != "help" else "-",
                fmt_ratio(r),
                # apply without validation is shown for information: the target is about plain `apply`
                None if name == "apply-small-no-validate" else (r is not None and r < 2.0 and not exited),
                f"exit {cmd.samples[-1].returncode}" if exited else "",
            )
        )
    out.extend(judge_issue13(docs, startup, min_ops, startup_peers or {}, peers_skipped))
    return out


def judge_issue13(
    docs: Sequence[Document],
    startup: Mapping[str, Command],
    min_ops: int,
    startup_peers: Mapping[str, PeerResult],
    peers_skipped: str,
) -> list[Verdict]:
    out: list[Verdict] = []
    clean = succeeded

    def judged(doc: Document, names: frozenset[str], passed: bool | None) -> bool | None:
        return passed if doc.name in names and doc.operations >= min_ops else None

    for doc in docs:
        c = doc.commands
        apply, validating = clean(c.get("apply")), clean(c.get("apply-validate"))
        if has_peers(doc):
            best = fastest_peer(c, doc.peers)
            why = "" if best is not None else "no peer applied the whole overlay"
            peer_wall = best[1].wall if best else None
            for target, ours, limit, names in (
                ("7 apply --no-validate <= 0.8x fastest peer", apply, 0.8, ISSUE13_APPLY_DOCS),
                ("8 validating apply <= 1.5x fastest peer", validating, 1.5, ISSUE13_VALIDATING_DOCS),
            ):
                r = ratio(ours.wall if ours else None, peer_wall)
                passed, margin = at_most(r, limit)
                out.append(
                    Verdict(
                        target,
                        doc.name,
                        f"{fmt_ratio(r, 3)} of {best[0]}" if best else "n/a",
                        judged(doc, names, passed),
                        why or ("" if ours else "our command failed or was not run"),
                        margin,
                    )
                )
        if "validate" in c and "validator" in c:
            v = c["validate"]
            speedup = ratio(c["validator"].wall, v.wall)
            mine = doc.verdicts.get("apigw-cognito", "n/a")
            theirs = doc.verdicts.get("openapi-spec-validator", "n/a")
            passed, margin = at_least(speedup, 5.0)
            same = mine == theirs
            out.append(
                Verdict(
                    "9 validate >= 5x faster than openapi-spec-validator, same verdict",
                    doc.name,
                    f"{fmt_ratio(speedup)} faster, {mine} / {theirs}",
                    # every corpus document (those given on the command line), whatever its size
                    None if doc.synthetic or passed is None else (passed and same),
                    "" if same else "verdicts differ",
                    margin,
                )
            )
        if doc.format == "json" and "json" in c:
            m = ratio(apply.rss_kb if apply else None, c["json"].rss_kb)
            passed, margin = at_most(m, 1.0)
            out.append(
                Verdict(
                    "10 apply peak RSS <= 1.0x json load+dump",
                    doc.name,
                    fmt_ratio(m, 3),
                    judged(doc, ISSUE13_MEMORY_DOCS, passed),
                    "" if apply else "apply failed",
                    margin,
                )
            )
    small = clean(startup.get("apply-small"))
    fmt_small = startup.get("openapi-format" + SMALL_SUFFIX)
    if fmt_small is not None:
        result = startup_peers.get("openapi-format")
        usable = clean(fmt_small) is not None and result is not None and result.ok
        r = ratio(small.wall if small else None, fmt_small.wall if usable else None)
        passed, margin = at_most(r, 1.0)
        stack = clean(startup.get("import-stack"))
        floor = ratio(stack.wall if stack else None, fmt_small.wall if usable else None)
        alone = f" (importing the libraries alone: {fmt_ratio(floor, 3)})" if floor else ""
        out.append(
            Verdict(
                "11 validating apply <= 1.0x openapi-format (start-up)",
                "specs/securepets.yaml",
                fmt_ratio(r, 3) + alone,
                passed,
                "" if usable else "openapi-format failed or did not apply the overlay",
                margin,
            )
        )
    if peers_skipped:
        for target in (
            "7 apply --no-validate <= 0.8x fastest peer",
            "8 validating apply <= 1.5x fastest peer",
            "11 validating apply <= 1.0x openapi-format (start-up)",
        ):
            out.append(Verdict(target, "-", "n/a", None, f"peers skipped: {peers_skipped}"))
    return out


# ---------------------------------------------------------------------------------------------------------
# Report


def table(rows: Sequence[Sequence[str]], right: frozenset[int] = frozenset()) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for k, row in enumerate(rows):
        cells = [c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def clip(text: str, width: int = 120) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def secs(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


REFERENCE = {"apply": ("json", "ruamel"), "apply-validate": ("json", "ruamel"), "validate": ("validator",)}


def target_order(target: str) -> int:
    """Targets sort by their number ("10 ..." after "9 ...")."""
    head = target.split(maxsplit=1)[0] if target.strip() else ""
    return int(head) if head.isdigit() else 1_000


def count(value: int) -> str:
    return f"{value:,}"


def tool_cell(cmd: Command | None, lines: LineDiff | None, result: PeerResult | None = None) -> str:
    """`0.58 s, 0 changed`: median wall and input lines changed; a peer's failure or skipped overlay said."""
    if cmd is None or not cmd.samples:
        return "n/a"
    failed = sorted({x.returncode for x in cmd.samples} - {0})
    text = secs(cmd.wall)
    if failed:
        return f"{text}, exit {','.join(map(str, failed))}"
    if lines is not None:
        text += f", {count(lines.changed)} changed"
    if result is not None and not result.ok:
        text += ", NOT APPLIED" if result.applied is not None else ", not checked"
    return text


def peer_rows(
    label: str,
    commands: Mapping[str, Command],
    ours: tuple[str, str],
    our_lines: tuple[LineDiff | None, LineDiff | None],
    results: Mapping[str, PeerResult],
    floor: Command | None,
    suffix: str = "",
) -> list[str]:
    no_validate, validating = commands.get(ours[0]), commands.get(ours[1])
    best = fastest_peer(commands, results, suffix)
    best_wall = best[1].wall if best else None
    row = [
        label,
        tool_cell(no_validate, our_lines[0]),
        tool_cell(validating, our_lines[1]),
        *[
            tool_cell(
                commands.get(name + suffix),
                results[name].lines if name in results else None,
                results.get(name),
            )
            for name in PEER_NAMES
        ],
        best[0] if best else "none",
        fmt_ratio(ratio(no_validate.wall if succeeded(no_validate) and no_validate else None, best_wall)),
        fmt_ratio(ratio(validating.wall if succeeded(validating) and validating else None, best_wall)),
        secs(floor.wall) if floor is not None and floor.samples else "",
    ]
    return row


def render_peers(
    docs: Sequence[Document],
    startup: Mapping[str, Command],
    startup_peers: Mapping[str, PeerResult],
    peers_skipped: str,
) -> str:
    """Issue 13's table: our two applies, each peer (time, input lines changed), the fastest, the ratios."""
    if peers_skipped:
        head = f"Peers skipped: {peers_skipped}. Our own applies:"
    else:
        head = (
            "Against the peers (medians, alternating in one run; changed: input lines removed or rewritten):"
        )
    rows: list[list[str]] = [
        [
            "document",
            "apply --no-validate",
            "apply (validating)",
            *PEER_NAMES,
            "fastest peer",
            "no-validate/fastest",
            "validating/fastest",
            "floor",
        ]
    ]
    for doc in docs:
        if "apply-validate" not in doc.commands and not has_peers(doc):
            continue
        floor = doc.commands.get("json") or doc.commands.get("ruamel")
        validated_lines = doc.lines if doc.validated_same else None
        rows.append(
            peer_rows(
                doc.name,
                doc.commands,
                ("apply", "apply-validate"),
                (doc.lines, validated_lines),
                doc.peers,
                floor,
            )
        )
    if "apply-small" in startup:
        rows.append(
            peer_rows(
                "securepets.yaml (start-up)",
                startup,
                ("apply-small-no-validate", "apply-small"),
                (None, None),
                startup_peers,
                startup.get("import-json"),
                SMALL_SUFFIX,
            )
        )
    parts = [head, table(rows, right=frozenset({5, 6, 7}))]
    if peers_skipped:
        return "\n".join(parts)
    detail = [
        [
            "document",
            "tool",
            "version",
            "lines changed",
            "inserted",
            "overlay applied",
            "comments kept",
            "notes",
        ]
    ]
    labelled = [(doc.name, doc.peers) for doc in docs] + [("securepets.yaml", dict(startup_peers))]
    for name, results in labelled:
        first = True
        for tool, r in results.items():
            applied = r.applied.summary() if r.applied is not None else "n/a"
            comments = f"{count(r.comments[1])} of {count(r.comments[0])}" if r.comments else ""
            detail.append(
                [
                    name if first else "",
                    tool,
                    r.version,
                    f"{count(r.lines.changed)} of {count(r.lines.input_lines)}" if r.lines else "n/a",
                    count(r.lines.inserted) if r.lines else "",
                    ("" if r.ok else "NO: ") + applied,
                    comments,
                    clip("; ".join(r.notes), 100),
                ]
            )
            first = False
    if len(detail) > 1:
        parts += ["", table(detail, right=frozenset({3, 4}))]
    return "\n".join(parts)


def render(
    docs: Sequence[Document],
    startup: Mapping[str, Command],
    verdicts: Sequence[Verdict],
    startup_peers: Mapping[str, PeerResult] | None = None,
    peers_skipped: str = "",
) -> str:
    rows: list[list[str]] = [
        [
            "document",
            "ops",
            "MB",
            "command",
            "runs",
            "wall median",
            "min-max",
            "RSS MB",
            "vs baseline",
            "µs/op",
        ]
    ]
    for doc in docs:
        first = True
        for name, cmd in doc.commands.items():
            if not cmd.samples:
                continue
            compare = ""
            for ref in REFERENCE.get(name, ()):
                other = doc.commands.get(ref)
                if other is not None and other.wall and cmd.wall:
                    compare = f"{fmt_ratio(cmd.wall / other.wall)} {ref}"
                    break
            errors = {x.returncode for x in cmd.samples} - {0}
            if errors and not (name in ("validate", "validator") and errors <= {1}):
                compare = f"exit {','.join(map(str, sorted(errors)))}"
            per_op = f"{cmd.wall / doc.operations * 1e6:.1f}" if name == "apply" and cmd.wall else ""
            rows.append(
                [
                    doc.name if first else "",
                    str(doc.operations) if first else "",
                    f"{doc.megabytes:.1f}" if first else "",
                    name,
                    str(len(cmd.samples)),
                    secs(cmd.wall),
                    f"{secs(min(x.wall for x in cmd.samples))}-{secs(max(x.wall for x in cmd.samples))}",
                    f"{(cmd.rss_kb or 0) / 1024:.0f}",
                    compare,
                    per_op,
                ]
            )
            first = False
    for name, cmd in startup.items():
        if cmd.samples:
            base = startup.get("import-json")
            rows.append(
                [
                    "start-up" if name == "import-json" else "",
                    "",
                    "",
                    name,
                    str(len(cmd.samples)),
                    secs(cmd.wall),
                    f"{secs(min(x.wall for x in cmd.samples))}-{secs(max(x.wall for x in cmd.samples))}",
                    f"{(cmd.rss_kb or 0) / 1024:.0f}",
                    ""
                    if name == "import-json" or base is None
                    else f"{fmt_ratio(ratio(cmd.wall, base.wall))} import",
                    "",
                ]
            )
    parts = [table(rows, right=frozenset({1, 2, 4, 5, 7, 9}))]

    line_rows = [
        ["document", "input lines", "output lines", "lines inserted", "lines changed", "coverage", "notes"]
    ]
    for doc in docs:
        cov = ""
        if doc.coverage is not None:
            c = doc.coverage
            cov = (
                f"{c.secured}/{c.operations - c.preflights} secured, "
                f"{c.public_preflights}/{c.preflights} OPTIONS public"
            )
        notes = list(doc.notes)
        if "apigw-cognito codes" in doc.verdicts:
            notes.append(f"validate: {doc.verdicts['apigw-cognito codes']}")
        if doc.lines is None:
            line_rows.append([doc.name, "", "", "", "n/a", cov, clip("; ".join(notes))])
            continue
        ln = doc.lines
        notes += [f"line {k}: {text[:60]!r}" for k, text in ln.examples[:2]]
        line_rows.append(
            [
                doc.name,
                str(ln.input_lines),
                str(ln.output_lines),
                str(ln.inserted),
                str(ln.changed),
                cov,
                clip("; ".join(notes)),
            ]
        )
    parts.append(table(line_rows, right=frozenset({1, 2, 3, 4})))
    parts.append(render_peers(docs, startup, startup_peers or {}, peers_skipped))
    parts.extend(render_verdicts(verdicts))
    return "\n\n".join(parts)


def render_verdicts(verdicts: Sequence[Verdict]) -> list[str]:
    """The targets, one row per document (PASS, FAIL or info, with how much they met or missed by), and a
    summary per target."""
    verdict_rows = [["target", "document", "measured", "result"]]
    verdicts = sorted(verdicts, key=lambda v: target_order(v.target))  # stable: documents keep their order
    for v in verdicts:
        result = "info" if v.passed is None else ("PASS" if v.passed else "FAIL")
        said = "; ".join(x for x in (v.margin, v.why) if x)
        verdict_rows.append([v.target, v.document, v.measured, result + (f" ({said})" if said else "")])
    parts = [table(verdict_rows)]
    summary = []
    for target in dict.fromkeys(v.target for v in verdicts):
        judged = [v.passed for v in verdicts if v.target == target and v.passed is not None]
        state = "not judged" if not judged else ("PASS" if all(judged) else "FAIL")
        summary.append(f"  {state:<10} {target}")
    parts.append("Targets:\n" + "\n".join(summary))
    return parts


def source_state(root: Path = ROOT / "src") -> str:
    """A digest of the names, sizes and modification times of the CLI's sources: equal before and after a
    run unless someone edited them meanwhile (the editable install runs whatever is there)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        try:
            st = path.stat()
        except OSError:
            continue
        digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def environment(s: Settings) -> dict[str, Any]:
    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=30
            ).stdout.strip()
        except OSError:
            return ""

    version = subprocess.run([str(s.cli), "--version"], capture_output=True, text=True, check=False)
    return {
        "python": sys.version,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "loadavg_start": os.getloadavg(),
        "git_commit": git("rev-parse", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "cli": str(s.cli),
        "peak_rss_from": "GNU time %M" if s.gnu_time else "os.wait4 (includes the harness's own peak)",
        "cli_version": version.stdout.strip() or version.stderr.strip(),
    }


def peer_json(results: Mapping[str, PeerResult]) -> dict[str, Any]:
    return {name: {**asdict(r), "ok": r.ok} for name, r in results.items()}


def to_json(
    docs: Sequence[Document],
    startup: Mapping[str, Command],
    verdicts: Sequence[Verdict],
    env: dict[str, Any],
    args: dict[str, Any],
    peers: Mapping[str, Any] | None = None,
    startup_peers: Mapping[str, PeerResult] | None = None,
) -> dict[str, Any]:
    """The whole run; peer timings are under each document's `commands` (and `startup`), their checks under
    `peers`."""
    return {
        "environment": env,
        "arguments": args,
        "documents": [
            {
                "name": d.name,
                "path": str(d.path),
                "format": d.format,
                "version": d.version,
                "operations": d.operations,
                "bytes": d.size,
                "synthetic": d.synthetic,
                "already_secured": d.already_secured,
                "commands": {name: cmd.summary() for name, cmd in d.commands.items()},
                "lines": asdict(d.lines) if d.lines else None,
                "coverage": asdict(d.coverage) if d.coverage else None,
                "deterministic": d.deterministic,
                "verdicts": d.verdicts,
                "notes": d.notes,
                "peers": peer_json(d.peers),
                "apply_validate_same_output": d.validated_same,
            }
            for d in docs
        ],
        "startup": {name: cmd.summary() for name, cmd in startup.items()},
        "startup_peers": peer_json(startup_peers or {}),
        "peers": dict(peers or {}),
        "targets": [asdict(v) for v in verdicts],
    }


# ---------------------------------------------------------------------------------------------------------
# Main


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


def parse_matrix(text: str) -> tuple[generate.Version, generate.Format, int]:
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
        work=generate.CACHE_DIR,
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

    generate.prune_cache()
    docs: list[Document] = []
    selectors: dict[Path, Path] = {}
    for version, fmt, ops in matrix:
        progress(f"generating {generate.document_name(ops, version, fmt)}")
        path, selector = ensure_document(version, fmt, ops)
        docs.append(describe(path, (version, ops)))
        selectors[path] = selector
    selector_dir = generate.CACHE_DIR / generate.generator_digest()
    selector_dir.mkdir(parents=True, exist_ok=True)  # --no-synthetic on a fresh checkout: not made yet
    corpus_selector = generate.write_selector(selector_dir)
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
