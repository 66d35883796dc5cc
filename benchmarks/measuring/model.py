"""A document under measurement and the settings of a run."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.outputs.coverage import Coverage, load_data, operations_of
from benchmarks.outputs.line_diff import LineDiff
from benchmarks.peers import tools as peer_tools
from benchmarks.peers.results import PeerResult
from benchmarks.timing.commands import Command


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
