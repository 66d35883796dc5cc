"""`make bench`: time the real CLI against baseline processes and check the targets of issue 4.

Every measurement is a whole process started from here: its wall time around spawn and exit, and its peak
RSS from `os.wait4`. For each document the commands run in the same run, alternating (the order rotates
every round), for several rounds; the table shows medians and ratios, and the whole run is written as JSON
to `benchmarks/results/`.

Commands per document:
  apply      apigw-cognito apply DOC --selector SEL --no-validate -o OUT   (worst-case selector)
  validate   apigw-cognito validate DOC
  json       python -c: json.load + json.dump(indent=2)                    (JSON documents)
  ruamel     python -c: ruamel.yaml round-trip load + dump                  (YAML documents; slow)
  validator  python -c: openapi_spec_validator.validate()                  (slow)
and once: `python -c "import json"`, `apigw-cognito --help` and `apply` on specs/securepets.yaml.

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

from benchmarks import generate

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
    argv: Sequence[str], workdir: Path, timeout: float, gnu_time: bool = False
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
            wrapped, stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=ROOT, start_new_session=True
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

    @property
    def megabytes(self) -> float:
        return self.size / 1e6


def load_data(path: Path, fmt: str) -> Any:
    raw = path.read_bytes()
    if fmt == "json":
        return json.loads(raw)
    import yaml

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


def plan_commands(doc: Document, selector: Path, s: Settings) -> dict[str, Command]:
    out_dir = s.work / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{doc.path.stem}-{hashlib.sha256(str(doc.path).encode()).hexdigest()[:6]}"
    apply_out = out_dir / f"{stem}.applied{doc.path.suffix}"
    cmds = {
        "apply": Command(
            "apply",
            [
                str(s.cli),
                "apply",
                str(doc.path),
                "--selector",
                str(selector),
                "--no-validate",
                "-o",
                str(apply_out),
            ],
            output=apply_out,
        ),
    }
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
    if doc.synthetic and doc.megabytes > s.validator_max_mb:
        doc.notes.append(
            f"validate and validator skipped: {doc.megabytes:.0f} MB > {s.validator_max_mb:g} MB"
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
            sample, out, err = run_process(cmd.argv, s.work, s.timeout, s.gnu_time)
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


def bench_document(doc: Document, selector: Path, s: Settings, index: str) -> None:
    doc.commands = plan_commands(doc, selector, s)
    doc.path.read_bytes()  # into the page cache before the first timed run
    slow_rounds = 1 if doc.megabytes > s.slow_once_above_mb else s.slow_rounds
    progress(f"[{index}] {doc.name}: {doc.operations} operations, {doc.megabytes:.1f} MB")
    digests = run_rounds(doc.name, doc.commands, s.rounds, slow_rounds, s)
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
    if not s.keep_outputs:
        for cmd in doc.commands.values():
            if cmd.output is not None:
                cmd.output.unlink(missing_ok=True)


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def bench_startup(s: Settings) -> dict[str, Command]:
    out = s.work / "out" / "securepets.applied.yaml"
    (s.work / "out").mkdir(parents=True, exist_ok=True)
    cmds = {
        "import-json": Command("import-json", [str(s.python), "-c", IMPORT_BASELINE]),
        "help": Command("help", [str(s.cli), "--help"]),
    }
    if SMALL_SPEC.exists() and SMALL_SELECTOR.exists():
        small = [str(s.cli), "apply", str(SMALL_SPEC), "--selector", str(SMALL_SELECTOR)]
        cmds["apply-small"] = Command("apply-small", [*small, "-o", str(out)], out)
        cmds["apply-small-no-validate"] = Command(
            "apply-small-no-validate", [*small, "--no-validate", "-o", str(out)], out
        )
    progress("[start-up]")
    for cmd in cmds.values():  # one untimed run each: byte-compiles what the others will import
        run_process(cmd.argv, s.work, s.timeout, s.gnu_time)
    run_rounds("start-up", cmds, s.startup_rounds, s.startup_rounds, s)
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


def fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def judge(docs: Sequence[Document], startup: Mapping[str, Command], min_ops: int) -> list[Verdict]:
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


REFERENCE = {"apply": ("json", "ruamel"), "validate": ("validator",)}


def render(docs: Sequence[Document], startup: Mapping[str, Command], verdicts: Sequence[Verdict]) -> str:
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

    verdict_rows = [["target", "document", "measured", "result"]]
    verdicts = sorted(verdicts, key=lambda v: v.target.split()[0])  # stable: documents keep their order
    for v in verdicts:
        result = "info" if v.passed is None else ("PASS" if v.passed else "FAIL")
        verdict_rows.append([v.target, v.document, v.measured, result + (f" ({v.why})" if v.why else "")])
    parts.append(table(verdict_rows))
    summary = []
    for target in dict.fromkeys(v.target for v in verdicts):
        judged = [v.passed for v in verdicts if v.target == target and v.passed is not None]
        state = "not judged" if not judged else ("PASS" if all(judged) else "FAIL")
        summary.append(f"  {state:<10} {target}")
    parts.append("Targets:\n" + "\n".join(summary))
    return "\n\n".join(parts)


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


def to_json(
    docs: Sequence[Document],
    startup: Mapping[str, Command],
    verdicts: Sequence[Verdict],
    env: dict[str, Any],
    args: dict[str, Any],
) -> dict[str, Any]:
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
            }
            for d in docs
        ],
        "startup": {name: cmd.summary() for name, cmd in startup.items()},
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


def main(argv: list[str] | None = None) -> int:
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
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before a process is killed")
    parser.add_argument("--cli", type=Path, default=Path(sys.executable).with_name("apigw-cognito"))
    parser.add_argument("--keep-outputs", action="store_true", help="keep outputs in benchmarks/.cache/out")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
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
    corpus_selector = generate.write_selector(generate.CACHE_DIR / generate.generator_digest())
    for path in args.documents:
        if not path.is_file():
            parser.error(f"no such document: {path}")
        docs.append(describe(path.resolve()))
        selectors[path.resolve()] = corpus_selector

    env = environment(settings)
    started = time.perf_counter()
    startup = bench_startup(settings)
    for k, doc in enumerate(docs, 1):
        bench_document(doc, selectors[doc.path], settings, f"{k}/{len(docs)}")
    env["loadavg_end"] = os.getloadavg()
    env["seconds"] = round(time.perf_counter() - started, 1)

    verdicts = judge(docs, startup, args.min_ops)
    print(render(docs, startup, verdicts))
    args_record = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
    args_record["documents"] = [str(p) for p in args.documents]
    report = to_json(docs, startup, verdicts, env, args_record)
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
