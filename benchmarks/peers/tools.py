"""The peer tools `make bench` measures beside `apigw-cognito`: openapi-format and @redocly/cli (issue 13).

Both are Node programs from the npm registry, installed at pinned versions into `benchmarks/.cache/peers`
(`npm install --prefix`) and reused from there while the installed versions are the pinned ones. Without
`node` and `npm` on PATH, or when the install fails, the peers are skipped and the reason is printed.

Each peer gets the change `apply` makes as an OpenAPI Overlay 1.0 document (`apply --emit-overlay`):
  openapi-format  DOC --overlayFile OVERLAY --no-sort --no-bundle [--keepComments] -o OUT
  redocly         bundle DOC --overlay OVERLAY -o OUT
openapi-format sorts keys and re-bundles $refs unless told not to; `--no-sort --no-bundle` (and
`--keepComments` for YAML) is its least-changing configuration, and `--no-bundle` is also its fastest
(the bundle step only reorders `$ref` siblings in a single-file document). Redocly 2.x has no separate
overlay command: `bundle --overlay FILE` applies it. Both pick the output's format from its extension.

This module holds no timing: `benchmarks.measuring` runs the commands built here alternating with its own.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.basics.paths import CACHE_DIR

PEER_DIR = CACHE_DIR / "peers"

# npm package -> the version issue 13 measured; a newer one is used (and said) only if that one is gone.
PINS: dict[str, str] = {"openapi-format": "1.33.6", "@redocly/cli": "2.77.0"}
# The name each peer has in the tables -> its npm package and the script under node_modules/.bin.
PEERS: dict[str, tuple[str, str]] = {
    "openapi-format": ("openapi-format", "openapi-format"),
    "redocly": ("@redocly/cli", "redocly"),
}
# Redocly 2.x sends usage data and checks for updates over the network unless told not to; either would
# time a network round trip instead of the transform (and there is no network here but the npm registry).
REDOCLY_ENV: dict[str, str] = {"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}


@dataclass(frozen=True)
class Peer:
    name: str  # as shown in the tables: "openapi-format", "redocly"
    package: str  # npm package
    version: str  # installed
    bin: Path

    def argv(self, document: Path, overlay: Path, output: Path, fmt: str) -> list[str]:
        """The command that applies `overlay` to `document` and writes `output` (same format as the input)."""
        if self.name == "openapi-format":
            extra = ["--keepComments"] if fmt == "yaml" else []
            return [
                str(self.bin),
                str(document),
                "--overlayFile",
                str(overlay),
                "--no-sort",
                "--no-bundle",
                *extra,
                "-o",
                str(output),
            ]
        if self.name == "redocly":
            return [str(self.bin), "bundle", str(document), "--overlay", str(overlay), "-o", str(output)]
        raise ValueError(f"unknown peer {self.name!r}")

    def env(self) -> dict[str, str] | None:
        """The environment to run it in (None: this process's own)."""
        return {**os.environ, **REDOCLY_ENV} if self.name == "redocly" else None


@dataclass
class PeerSetup:
    peers: list[Peer] = field(default_factory=list)
    skipped: str = ""  # why there are no peers; empty when there are
    node: str = ""  # `node --version`
    notes: list[str] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "skipped": self.skipped,
            "folder": str(PEER_DIR),
            "peers": {
                p.name: {"package": p.package, "version": p.version, "bin": str(p.bin)} for p in self.peers
            },
            "notes": self.notes,
        }


# ---------------------------------------------------------------------------------------------------------
# Pure parts


def choose_version(wanted: str, published: Sequence[str]) -> str | None:
    """`wanted` when the registry lists it, else the newest release (a pre-release only if nothing else)."""
    if wanted in published:
        return wanted
    releases = [v for v in published if re.fullmatch(r"\d+\.\d+\.\d+", v)]
    candidates = releases or list(published)
    if not candidates:
        return None

    def key(v: str) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", v)[:3])

    return max(candidates, key=key)


def parse_versions(npm_view_json: str) -> list[str]:
    """The list `npm view PKG versions --json` prints (a bare string when only one version exists)."""
    data = json.loads(npm_view_json)
    if isinstance(data, str):
        return [data]
    if isinstance(data, list):
        return [str(v) for v in data]
    return []


_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


_STEP = re.compile(r"\[(?:'((?:[^'\\]|\\.)*)'|(\d+))\]", re.DOTALL)
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)", re.DOTALL)


def _unescape(quoted: str) -> str | None:
    """The member name inside a single-quoted RFC 9535 string; None for an escape it does not have."""
    bad: list[str] = []

    def one(m: re.Match[str]) -> str:
        esc = m.group(1)
        if len(esc) == 5:  # u and four hex digits
            return chr(int(esc[1:], 16))
        if esc not in _ESCAPES:
            bad.append(esc)
            return ""
        return _ESCAPES[esc]

    text = _ESCAPE.sub(one, quoted)
    if bad:
        return None
    # a surrogate pair written as two \u escapes is one character
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def parse_normalized_path(target: str) -> tuple[str | int, ...] | None:
    """The steps of an RFC 9535 normalized path such as ``$['paths']['/pets']['get']``; None if it is not one.

    Overlay targets may be any JSONPath; `apply --emit-overlay` writes normalized paths (one node each),
    which are all this needs to read back.
    """
    if not target.startswith("$"):
        return None
    steps: list[str | int] = []
    pos = 1
    while pos < len(target):
        m = _STEP.match(target, pos)
        if m is None:
            return None
        if m.group(2) is not None:
            steps.append(int(m.group(2)))
        else:
            name = _unescape(m.group(1))
            if name is None:
                return None
            steps.append(name)
        pos = m.end()
    return tuple(steps)


_MISSING = object()


def resolve(data: Any, pointer: Sequence[str | int]) -> Any:
    """The value at `pointer` in `data`, or `_MISSING`."""
    node = data
    for step in pointer:
        in_list = isinstance(step, int) and isinstance(node, list) and 0 <= step < len(node)
        in_mapping = isinstance(step, str) and isinstance(node, Mapping) and step in node
        if not (in_list or in_mapping):
            return _MISSING
        node = node[step]
    return node


def _leaves(value: Any, prefix: tuple[str | int, ...]) -> list[tuple[tuple[str | int, ...], Any]]:
    """(pointer, value) of every non-mapping value under `value`: what a merge of `value` must leave there."""
    if isinstance(value, Mapping) and value:
        out: list[tuple[tuple[str | int, ...], Any]] = []
        for key, child in value.items():
            out.extend(_leaves(child, (*prefix, str(key))))
        return out
    return [(prefix, value)]


@dataclass(frozen=True)
class Expected:
    """What an Overlay from `apply --emit-overlay` must leave in a document it is applied to."""

    security: tuple[tuple[tuple[str | int, ...], Any], ...]  # (operation pointer, its `security`)
    values: tuple[tuple[tuple[str | int, ...], Any], ...]  # other values it sets: the authorizer schemes
    unreadable: int = 0  # update actions whose target is not a normalized path


def expected_from_overlay(overlay: Any) -> Expected:
    """Every operation's `security` and every other value the overlay's `update` actions set.

    `apply --emit-overlay` removes each value before updating it (update appends to lists), so after the
    overlay each of these must be equal to what the update says, not merely contain it.
    """
    actions = overlay.get("actions") if isinstance(overlay, Mapping) else None
    security: dict[tuple[str | int, ...], Any] = {}
    values: dict[tuple[str | int, ...], Any] = {}
    unreadable = 0
    for action in actions if isinstance(actions, list) else []:
        if not isinstance(action, Mapping) or "update" not in action or action.get("remove"):
            continue
        pointer = parse_normalized_path(str(action.get("target", "")))
        if pointer is None:
            unreadable += 1
            continue
        update = action["update"]
        if (
            isinstance(update, Mapping)
            and "security" in update
            and len(pointer) == 3
            and pointer[0] == "paths"
        ):
            security[pointer] = update["security"]
            rest = {k: v for k, v in update.items() if k != "security"}
            for leaf, value in _leaves(rest, pointer) if rest else []:
                values[leaf] = value
        else:
            for leaf, value in _leaves(update, pointer):
                values[leaf] = value
    return Expected(tuple(security.items()), tuple(values.items()), unreadable)


def _where(pointer: Sequence[str | int]) -> str:
    if len(pointer) == 3 and pointer[0] == "paths":
        return f"{str(pointer[2]).upper()} {pointer[1]}"
    return "/" + "/".join(str(s) for s in pointer)


@dataclass(frozen=True)
class OverlayCheck:
    """Whether a tool's output holds every change of the overlay it was given."""

    operations: int  # non-OPTIONS operations the overlay secures
    operations_applied: int  # of them, with exactly the overlay's `security`
    preflights: int  # OPTIONS operations the overlay sets (`security: []` when public)
    preflights_applied: int
    values: int  # other values the overlay sets (the authorizer schemes, leaf by leaf)
    values_applied: int
    unreadable: int = 0
    examples: tuple[str, ...] = ()  # the first operations or values that are not as the overlay says

    @property
    def complete(self) -> bool:
        return (
            self.operations_applied == self.operations
            and self.preflights_applied == self.preflights
            and self.values_applied == self.values
            and self.unreadable == 0
        )

    def summary(self) -> str:
        text = f"{self.operations_applied}/{self.operations} secured as the overlay says"
        if self.preflights:
            text += f", {self.preflights_applied}/{self.preflights} OPTIONS"
        text += f", {self.values_applied}/{self.values} scheme values"
        if self.unreadable:
            text += f", {self.unreadable} targets not read"
        return text


def check_overlay_applied(expected: Expected, output: Any, max_examples: int = 3) -> OverlayCheck:
    """Compare a tool's output data with what the overlay must have left in it."""
    ops = preflights = ops_ok = preflights_ok = 0
    examples: list[str] = []
    for pointer, security in expected.security:
        got = resolve(output, (*pointer, "security"))
        ok = got is not _MISSING and got == security
        if pointer[2] == "options":
            preflights += 1
            preflights_ok += ok
        else:
            ops += 1
            ops_ok += ok
        if not ok and len(examples) < max_examples:
            examples.append(f"{_where(pointer)}: security {'missing' if got is _MISSING else repr(got)[:80]}")
    values_ok = 0
    for pointer, value in expected.values:
        got = resolve(output, pointer)
        ok = got is not _MISSING and got == value
        values_ok += ok
        if not ok and len(examples) < max_examples:
            examples.append(f"{_where(pointer)}: {'missing' if got is _MISSING else repr(got)[:80]}")
    return OverlayCheck(
        operations=ops,
        operations_applied=ops_ok,
        preflights=preflights,
        preflights_applied=preflights_ok,
        values=len(expected.values),
        values_applied=values_ok,
        unreadable=expected.unreadable,
        examples=tuple(examples),
    )


FULL_LINE_COMMENT = re.compile(r"^[ \t]*#", re.MULTILINE)


def full_line_comments(text: str) -> int:
    """Lines that hold only a YAML comment (a rough count: a `#` line inside a block scalar counts too)."""
    return len(FULL_LINE_COMMENT.findall(text))


def looks_like_json(text: str) -> bool:
    """Whether a document's text is JSON rather than block YAML (its first significant character)."""
    stripped = text.lstrip("\ufeff \t\r\n")
    return stripped.startswith(("{", "["))


# ---------------------------------------------------------------------------------------------------------
# Installing


def installed_version(prefix: Path, package: str) -> str | None:
    try:
        data = json.loads((prefix / "node_modules" / package / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    version = data.get("version") if isinstance(data, Mapping) else None
    return str(version) if version else None


def _run(argv: Sequence[str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(argv), capture_output=True, text=True, check=False, timeout=timeout)


def _tail(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def setup_peers(prefix: Path = PEER_DIR, pins: Mapping[str, str] = PINS, log: Any = print) -> PeerSetup:
    """Install the pinned peers into `prefix` (or reuse them there); never raises: failures skip the peers."""
    setup = PeerSetup()
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        setup.skipped = (
            "no " + " or ".join(n for n, p in (("node", node), ("npm", npm)) if p is None) + " on PATH"
        )
        return setup
    try:
        setup.node = _run([node, "--version"], 60).stdout.strip()
        wanted = dict(pins)
        if any(installed_version(prefix, pkg) != version for pkg, version in wanted.items()):
            for pkg, version in pins.items():
                view = _run([npm, "view", pkg, "versions", "--json"], 120)
                if view.returncode != 0:
                    setup.skipped = f"`npm view {pkg} versions` failed: {_tail(view.stderr or view.stdout)}"
                    return setup
                chosen = choose_version(version, parse_versions(view.stdout))
                if chosen is None:
                    setup.skipped = f"npm lists no version of {pkg}"
                    return setup
                if chosen != version:
                    setup.notes.append(f"{pkg} {version} is not on the registry: using {chosen}")
                wanted[pkg] = chosen
            missing = {pkg: v for pkg, v in wanted.items() if installed_version(prefix, pkg) != v}
            if missing:
                prefix.mkdir(parents=True, exist_ok=True)
                specs = [f"{pkg}@{v}" for pkg, v in missing.items()]
                log(f"installing {' '.join(specs)} into {prefix}")
                install = _run(
                    [
                        npm,
                        "install",
                        "--prefix",
                        str(prefix),
                        "--save-exact",
                        "--no-audit",
                        "--no-fund",
                        "--no-update-notifier",
                        "--loglevel=error",
                        *specs,
                    ],
                    900,
                )
                if install.returncode != 0:
                    setup.skipped = f"npm install failed: {_tail(install.stderr or install.stdout)}"
                    return setup
    except (OSError, subprocess.TimeoutExpired, ValueError) as exc:
        setup.skipped = f"{type(exc).__name__}: {exc}"
        return setup
    for name, (pkg, script) in PEERS.items():
        have = installed_version(prefix, pkg)
        bin_path = prefix / "node_modules" / ".bin" / script
        if have is None or have != wanted.get(pkg) or not bin_path.exists():
            setup.notes.append(f"{name} skipped: {pkg} {wanted.get(pkg)} not installed in {prefix}")
            continue
        setup.peers.append(Peer(name, pkg, have, bin_path))
    if not setup.peers:
        setup.skipped = "; ".join(setup.notes) or "nothing installed"
    return setup
