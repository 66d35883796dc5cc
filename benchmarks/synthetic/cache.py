"""The cache of synthetic documents in `benchmarks/.cache/<digest>/`: written once, dropped when stale."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from benchmarks.basics.paths import CACHE_DIR
from benchmarks.synthetic.document import Format, Version, generate
from benchmarks.synthetic.selector import SELECTOR

PACKAGE = Path(__file__).resolve().parent


def generator_digest() -> str:
    """Changes whenever a file of this package does, so cached documents never outlive the code that wrote
    them."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:10]


def document_name(operations: int, version: Version, fmt: Format) -> str:
    return f"synth-{version}-{operations}.{fmt}"


def ensure(operations: int, version: Version, fmt: Format, cache_dir: Path = CACHE_DIR) -> tuple[Path, Path]:
    """The cached document (written when missing or stale) and its worst-case selector."""
    folder = cache_dir / generator_digest()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / document_name(operations, version, fmt)
    if not path.exists():
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(generate(operations, version, fmt), encoding="utf-8")
        tmp.replace(path)
    return path, write_selector(folder)


def write_selector(folder: Path) -> Path:
    path = folder / "worst-case.selector.yaml"
    if not path.exists() or path.read_text(encoding="utf-8") != SELECTOR:
        path.write_text(SELECTOR, encoding="utf-8")
    return path


def prune_cache(cache_dir: Path = CACHE_DIR) -> None:
    """Remove documents written by other versions of this package."""
    if not cache_dir.is_dir():
        return
    keep = generator_digest()
    for child in cache_dir.iterdir():
        if child.is_dir() and child.name != keep and re.fullmatch(r"[0-9a-f]{10}", child.name):
            for f in child.iterdir():
                f.unlink()
            child.rmdir()
